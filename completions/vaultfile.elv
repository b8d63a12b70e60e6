
use builtin;
use str;

set edit:completion:arg-completer[vaultfile] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'vaultfile'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'vaultfile'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Generate an age identity (post-quantum by default)'
            cand init 'Write a starter .vaultfile.yaml (who can decrypt which files)'
            cand encrypt 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)'
            cand decrypt 'Decrypt a file encrypted by vaultfile (or by SOPS)'
            cand edit 'Edit an encrypted file in your editor; what you save is encrypted again'
            cand set 'Set the value at a key path of an encrypted file, adding the key if it is new'
            cand unset 'Remove the key at a path (with its value, or its whole subtree) from an encrypted file'
            cand get 'Print the value at a key path of an encrypted file'
            cand exec-env 'Run a command with the decrypted values of one or more files in its environment'
            cand exec-file 'Run a command that reads the decrypted file: `{}` in its arguments is the file''s path'
            cand export 'Print the decrypted values of one or more files as variables, for other tools'
            cand convert 'Convert encrypted files between SOPS''s format and vaultfile''s'
            cand recipients 'List, add or remove the recipients of encrypted files'
            cand updatekeys 'Make encrypted files'' recipients match their creation rule in .vaultfile.yaml'
            cand rotate 'Make a new data key for encrypted files and encrypt every value again'
            cand upgrade 'Rewrite files stored in file format 1 in format 2, which authenticates every byte'
            cand keys 'Check which keys can open encrypted files'
            cand status 'Show each encrypted file''s key holders, data-key age and integrity'
            cand demo 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt'
            cand git 'Store protected files encrypted in git while working on plaintext'
            cand kustomize 'Make Kubernetes Secrets from encrypted files inside `kustomize build`'
            cand render 'Print a directory''s Kubernetes manifests with encrypted files decrypted (Argo CD, CI)'
            cand scan 'Find secrets that are not protected: plaintext protected files and credentials'
            cand completions 'Print shell completions for bash, zsh, fish, PowerShell or elvish'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;keygen'= {
            cand -o 'Write the identity to FILE instead of standard output (refuses to overwrite)'
            cand --output 'Write the identity to FILE instead of standard output (refuses to overwrite)'
            cand -y 'Print the public key of each age identity in KEYFILE (`-` for standard input) instead of making a new one, as `age-keygen -y` does'
            cand --public 'Print the public key of each age identity in KEYFILE (`-` for standard input) instead of making a new one, as `age-keygen -y` does'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --x25519 'Make a classical X25519 key (`age1…`) instead of a post-quantum one'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;init'= {
            cand -r 'Encrypt to RECIPIENT (repeatable) instead of your own key'
            cand --recipient 'Encrypt to RECIPIENT (repeatable) instead of your own key'
            cand --path-regex 'The files the rule covers: a regex on the path relative to the configuration''s directory [default: ^secrets/]'
            cand --key 'Your key file, to take the public key from or to create [default: ~/.config/vaultfile/keys.txt]'
            cand -o 'Write the configuration to FILE instead'
            cand --output 'Write the configuration to FILE instead'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -y 'Ask nothing; use the flags and defaults'
            cand --yes 'Ask nothing; use the flags and defaults'
            cand --force 'Replace an existing configuration file'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;encrypt'= {
            cand -r 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service''s key (see "Key services" in the README) (repeatable)'
            cand --recipient 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service''s key (see "Key services" in the README) (repeatable)'
            cand -R 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)'
            cand --recipients-file 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)'
            cand -o 'Write the encrypted file to OUT instead of standard output'
            cand --output 'Write the encrypted file to OUT instead of standard output'
            cand --input-type 'The input''s format [default: from the file extension; binary if unknown]'
            cand --encrypted-regex 'Encrypt only values under keys matching REGEX (e.g. ''^(data|stringData)$'')'
            cand --unencrypted-regex 'Leave values under keys matching REGEX in plaintext (e.g. ''^(user|host|port)$'')'
            cand --encrypted-suffix 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)'
            cand --unencrypted-suffix 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)'
            cand --baseline 'Reuse the data key, recipients and rules of ENCRYPTED, an earlier encrypted version of this file, so unchanged values keep their exact ciphertext. When the file has a .vaultfile.yaml rule (and no -r/-R or rule flag is given), its recipients and rules become the rule''s: added recipients keep the data key, removed ones cost a new one'
            cand --config 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file''s directory; used when no -r/-R is given'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -i 'Encrypt the file in place'
            cand --in-place 'Encrypt the file in place'
            cand --allow-all-plaintext 'Write the file even if the rules leave every value in plaintext (it is then only authenticated); without it such a file is refused, as a mistyped rule would be'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;decrypt'= {
            cand -o 'Write the plaintext to OUT instead of standard output (mode 0600, also when OUT exists; through a symbolic link, to the file it points to)'
            cand --output 'Write the plaintext to OUT instead of standard output (mode 0600, also when OUT exists; through a symbolic link, to the file it points to)'
            cand --extract 'Print only the value at PATH: `a.b[0].c` or `["a"]["b"][0]["c"]`; a subtree prints as JSON'
            cand --input-type 'The input''s format [default: from the file extension]'
            cand --output-type 'Write the values as TYPE instead of the file as it was: yaml, json, toml, dotenv, or k8s-secret (a Kubernetes Secret manifest)'
            cand --name 'k8s-secret: the Secret''s name [default: from the file''s name]'
            cand --namespace 'k8s-secret: the Secret''s namespace [default: none, so kubectl''s current one]'
            cand --prefix 'Put PREFIX in front of every variable name (e.g. APP_)'
            cand --separator 'Join the parts of a nested key with SEP'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -i 'Decrypt the file in place (it ends with mode 0600; a symbolic link stays a link and the file it points to is replaced)'
            cand --in-place 'Decrypt the file in place (it ends with mode 0600; a symbolic link stays a link and the file it points to is replaced)'
            cand --no-upper 'Keep the keys'' case (database.password gives database_password)'
            cand --ignore-mac 'SOPS files only: decrypt even if the MAC is missing or does not match. The output may then hold altered values; for recovering damaged files only'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;edit'= {
            cand --input-type 'The file''s format [default: from the file extension; binary if unknown]'
            cand -r 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service''s key (see "Key services" in the README) (repeatable)'
            cand --recipient 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service''s key (see "Key services" in the README) (repeatable)'
            cand -R 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)'
            cand --recipients-file 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)'
            cand --encrypted-regex 'Encrypt only values under keys matching REGEX (e.g. ''^(data|stringData)$'')'
            cand --unencrypted-regex 'Leave values under keys matching REGEX in plaintext (e.g. ''^(user|host|port)$'')'
            cand --encrypted-suffix 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)'
            cand --unencrypted-suffix 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)'
            cand --config 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file''s directory; used when no -r/-R is given'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --allow-all-plaintext 'Write the file even if the rules leave every value in plaintext (it is then only authenticated); without it such a file is refused, as a mistyped rule would be'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;set'= {
            cand --value-file 'Read the value from F (exactly its bytes: a final line break is kept)'
            cand --input-type 'The file''s format [default: from the file extension]'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --string 'Take the value as a string, whatever it looks like'
            cand --value-stdin 'Read the value from standard input (exactly its bytes)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;unset'= {
            cand --input-type 'The file''s format [default: from the file extension]'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;get'= {
            cand --input-type 'The file''s format [default: from the file extension]'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --json 'Print JSON (with a final line break): typed scalars, mappings and lists'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;exec-env'= {
            cand --require 'Fail before running the command unless NAME is set and not empty (repeatable, or NAME,NAME)'
            cand --prefix 'Put PREFIX in front of every variable name (e.g. APP_)'
            cand --separator 'Join the parts of a nested key with SEP'
            cand --input-type 'The files'' format [default: from each file''s extension]'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --pristine 'Start from an empty environment: only the secrets plus PATH, HOME, TERM and LANG'
            cand --no-override 'Keep a variable that is already set in the environment instead of the file''s value'
            cand --strict 'Fail before running if a value from the files is empty or null, and take the --require names only from the files (not from the inherited environment)'
            cand --exec 'Replace vaultfile with the command (execve) instead of running it as a child'
            cand --no-upper 'Keep the keys'' case (database.password gives database_password)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;exec-file'= {
            cand --output-type 'The format given to the command (dotenv flattens nested keys as exec-env does) [default: the file''s own, byte for byte]'
            cand --prefix 'Put PREFIX in front of every variable name (e.g. APP_)'
            cand --separator 'Join the parts of a nested key with SEP'
            cand --input-type 'The file''s format [default: from the file extension]'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --no-fifo 'Give the command a regular 0600 file (removed afterwards) instead of a FIFO, for programs that read the file more than once or seek in it'
            cand --no-upper 'Keep the keys'' case (database.password gives database_password)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;export'= {
            cand --format 'Output format'
            cand --prefix 'Put PREFIX in front of every variable name (e.g. APP_)'
            cand --separator 'Join the parts of a nested key with SEP'
            cand --input-type 'The files'' format [default: from each file''s extension]'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --no-upper 'Keep the keys'' case (database.password gives database_password)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;convert'= {
            cand --to 'The format to write'
            cand -o 'Write the result to OUT instead of replacing the file (one file only)'
            cand --output 'Write the result to OUT instead of replacing the file (one file only)'
            cand -r 'Encrypt to RECIPIENT instead of the file''s own recipients (repeatable). Needed when a SOPS file has only PGP or cloud keys. Not read from VAULTFILE_RECIPIENTS, so that a conversion keeps the file''s recipients unless asked'
            cand --recipient 'Encrypt to RECIPIENT instead of the file''s own recipients (repeatable). Needed when a SOPS file has only PGP or cloud keys. Not read from VAULTFILE_RECIPIENTS, so that a conversion keeps the file''s recipients unless asked'
            cand -R 'Encrypt to every recipient listed in FILE instead of the file''s own (repeatable)'
            cand --recipients-file 'Encrypt to every recipient listed in FILE instead of the file''s own (repeatable)'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --plaintext-comments 'Let comments that SOPS encrypted become plaintext comments (vaultfile leaves comments unencrypted)'
            cand --ignore-mac 'Convert a SOPS file even if its MAC does not match (it may have been altered): for recovering damaged files only'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;recipients'= {
            cand --input-type 'The file''s format, when its name does not say [default: from the extension]'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand list 'List the recipients of an encrypted file (no key needed)'
            cand add 'Encrypt files to one more recipient; the data key is kept'
            cand rm 'Stop encrypting files to a recipient; a new data key is made'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;recipients;list'= {
            cand --input-type 'The file''s format, when its name does not say [default: from the extension]'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;recipients;add'= {
            cand --group 'The key group (1, 2, …) the recipient joins, for files with key groups'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;recipients;rm'= {
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --no-rotate 'Keep the data key (the removed recipient can still decrypt this and earlier versions with a copy of the old key)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;recipients;help'= {
            cand list 'List the recipients of an encrypted file (no key needed)'
            cand add 'Encrypt files to one more recipient; the data key is kept'
            cand rm 'Stop encrypting files to a recipient; a new data key is made'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;recipients;help;list'= {
        }
        &'vaultfile;recipients;help;add'= {
        }
        &'vaultfile;recipients;help;rm'= {
        }
        &'vaultfile;recipients;help;help'= {
        }
        &'vaultfile;updatekeys'= {
            cand --config 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file''s directory; used when no -r/-R is given'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -y 'Update without asking'
            cand --yes 'Update without asking'
            cand -n 'Only show what would change; write nothing'
            cand --dry-run 'Only show what would change; write nothing'
            cand --no-rotate 'Keep the data key even when a recipient is removed (the removed person can still decrypt this and any earlier version of the file with a copy of the old key)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;rotate'= {
            cand --add 'Also encrypt to RECIPIENT (repeatable)'
            cand --rm 'Stop encrypting to RECIPIENT (repeatable)'
            cand --group 'The key group (1, 2, …) that --add recipients join, for files with key groups'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;upgrade'= {
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -n 'Only list what would be upgraded; write nothing'
            cand --dry-run 'Only list what would be upgraded; write nothing'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;keys'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand check 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;keys;check'= {
            cand --input-type 'The files'' format, when their names do not say [default: from the extension]'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;keys;help'= {
            cand check 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;keys;help;check'= {
        }
        &'vaultfile;keys;help;help'= {
        }
        &'vaultfile;status'= {
            cand --max-age 'Exit 1 and list files whose data key is older than DURATION (90d, 12w, 1y, 36h)'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --json 'Print a JSON object instead of a table (its layout is stable and documented in the README)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;demo'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand init 'Set this repository up to store protected files encrypted'
            cand deinit 'Undo `vaultfile git init` in this repository'
            cand status 'List protected files: locked or decrypted in the work tree, and their recipients'
            cand check 'Find protected files stored in plaintext, altered, or differing from their rule'
            cand add 'Stage files as `git add` does, encrypting protected files several at a time'
            cand filter-process 'Serve git''s long-running filter protocol on stdin/stdout (run by git)'
            cand clean 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
            cand smudge 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
            cand textconv 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
            cand merge 'Merge the decrypted versions of a protected file (merge driver, run by git)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;git;init'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --hooks 'Also install a pre-commit hook that refuses to commit a protected file in plaintext'
            cand --global 'Write the drivers to your global git configuration (~/.gitconfig) instead, so every clone decrypts on checkout; no .gitattributes change'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;deinit'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --global 'Remove the drivers from your global git configuration instead'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;status'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;check'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --staged 'Check only what is staged (the index)'
            cand --all-history 'Also check every blob in the history of every branch and tag (a shallow or partial clone is refused: it has no history to check; fetch it first)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;add'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -A 'Stage every change, new files included, as `git add -A` (the whole work tree without a pathspec)'
            cand --all 'Stage every change, new files included, as `git add -A` (the whole work tree without a pathspec)'
            cand -u 'Stage changes to tracked files only, as `git add -u` (the whole work tree without a pathspec)'
            cand --update 'Stage changes to tracked files only, as `git add -u` (the whole work tree without a pathspec)'
            cand --renormalize 'Encrypt every tracked protected file under the pathspecs again, as `git add --renormalize` does (after a change of recipients in .vaultfile.yaml)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;filter-process'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;clean'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;smudge'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;textconv'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;merge'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;help'= {
            cand init 'Set this repository up to store protected files encrypted'
            cand deinit 'Undo `vaultfile git init` in this repository'
            cand status 'List protected files: locked or decrypted in the work tree, and their recipients'
            cand check 'Find protected files stored in plaintext, altered, or differing from their rule'
            cand add 'Stage files as `git add` does, encrypting protected files several at a time'
            cand filter-process 'Serve git''s long-running filter protocol on stdin/stdout (run by git)'
            cand clean 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
            cand smudge 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
            cand textconv 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
            cand merge 'Merge the decrypted versions of a protected file (merge driver, run by git)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;git;help;init'= {
        }
        &'vaultfile;git;help;deinit'= {
        }
        &'vaultfile;git;help;status'= {
        }
        &'vaultfile;git;help;check'= {
        }
        &'vaultfile;git;help;add'= {
        }
        &'vaultfile;git;help;filter-process'= {
        }
        &'vaultfile;git;help;clean'= {
        }
        &'vaultfile;git;help;smudge'= {
        }
        &'vaultfile;git;help;textconv'= {
        }
        &'vaultfile;git;help;merge'= {
        }
        &'vaultfile;git;help;help'= {
        }
        &'vaultfile;kustomize'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand krm 'Run as a KRM function: a ResourceList on standard input, one on standard output'
            cand plugin 'Run as a legacy Kustomize exec plugin: the generator''s file in, manifests out'
            cand install 'Install the legacy exec plugin where Kustomize looks for it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;kustomize;krm'= {
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --allow-outside-root 'Read files outside the kustomization''s (or rendered) directory, as Kustomize''s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application''s secrets'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;kustomize;plugin'= {
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --allow-outside-root 'Read files outside the kustomization''s (or rendered) directory, as Kustomize''s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application''s secrets'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;kustomize;install'= {
            cand --dir 'The plugin home to install into'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --print 'Print the plugin to standard output instead of installing it'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;kustomize;help'= {
            cand krm 'Run as a KRM function: a ResourceList on standard input, one on standard output'
            cand plugin 'Run as a legacy Kustomize exec plugin: the generator''s file in, manifests out'
            cand install 'Install the legacy exec plugin where Kustomize looks for it'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;kustomize;help;krm'= {
        }
        &'vaultfile;kustomize;help;plugin'= {
        }
        &'vaultfile;kustomize;help;install'= {
        }
        &'vaultfile;kustomize;help;help'= {
        }
        &'vaultfile;render'= {
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --recursive 'Read subdirectories too (a directory without a kustomization)'
            cand --allow-outside-root 'Read files outside the kustomization''s (or rendered) directory, as Kustomize''s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application''s secrets'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;scan'= {
            cand --format 'Output format'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand --staged 'Scan what is staged (the git index), not the work tree'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;completions'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never'
            cand --jobs 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]'
            cand --prefer 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]'
            cand --kms-timeout 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]'
            cand --vault-allow 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;help'= {
            cand keygen 'Generate an age identity (post-quantum by default)'
            cand init 'Write a starter .vaultfile.yaml (who can decrypt which files)'
            cand encrypt 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)'
            cand decrypt 'Decrypt a file encrypted by vaultfile (or by SOPS)'
            cand edit 'Edit an encrypted file in your editor; what you save is encrypted again'
            cand set 'Set the value at a key path of an encrypted file, adding the key if it is new'
            cand unset 'Remove the key at a path (with its value, or its whole subtree) from an encrypted file'
            cand get 'Print the value at a key path of an encrypted file'
            cand exec-env 'Run a command with the decrypted values of one or more files in its environment'
            cand exec-file 'Run a command that reads the decrypted file: `{}` in its arguments is the file''s path'
            cand export 'Print the decrypted values of one or more files as variables, for other tools'
            cand convert 'Convert encrypted files between SOPS''s format and vaultfile''s'
            cand recipients 'List, add or remove the recipients of encrypted files'
            cand updatekeys 'Make encrypted files'' recipients match their creation rule in .vaultfile.yaml'
            cand rotate 'Make a new data key for encrypted files and encrypt every value again'
            cand upgrade 'Rewrite files stored in file format 1 in format 2, which authenticates every byte'
            cand keys 'Check which keys can open encrypted files'
            cand status 'Show each encrypted file''s key holders, data-key age and integrity'
            cand demo 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt'
            cand git 'Store protected files encrypted in git while working on plaintext'
            cand kustomize 'Make Kubernetes Secrets from encrypted files inside `kustomize build`'
            cand render 'Print a directory''s Kubernetes manifests with encrypted files decrypted (Argo CD, CI)'
            cand scan 'Find secrets that are not protected: plaintext protected files and credentials'
            cand completions 'Print shell completions for bash, zsh, fish, PowerShell or elvish'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;help;keygen'= {
        }
        &'vaultfile;help;init'= {
        }
        &'vaultfile;help;encrypt'= {
        }
        &'vaultfile;help;decrypt'= {
        }
        &'vaultfile;help;edit'= {
        }
        &'vaultfile;help;set'= {
        }
        &'vaultfile;help;unset'= {
        }
        &'vaultfile;help;get'= {
        }
        &'vaultfile;help;exec-env'= {
        }
        &'vaultfile;help;exec-file'= {
        }
        &'vaultfile;help;export'= {
        }
        &'vaultfile;help;convert'= {
        }
        &'vaultfile;help;recipients'= {
            cand list 'List the recipients of an encrypted file (no key needed)'
            cand add 'Encrypt files to one more recipient; the data key is kept'
            cand rm 'Stop encrypting files to a recipient; a new data key is made'
        }
        &'vaultfile;help;recipients;list'= {
        }
        &'vaultfile;help;recipients;add'= {
        }
        &'vaultfile;help;recipients;rm'= {
        }
        &'vaultfile;help;updatekeys'= {
        }
        &'vaultfile;help;rotate'= {
        }
        &'vaultfile;help;upgrade'= {
        }
        &'vaultfile;help;keys'= {
            cand check 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)'
        }
        &'vaultfile;help;keys;check'= {
        }
        &'vaultfile;help;status'= {
        }
        &'vaultfile;help;demo'= {
        }
        &'vaultfile;help;git'= {
            cand init 'Set this repository up to store protected files encrypted'
            cand deinit 'Undo `vaultfile git init` in this repository'
            cand status 'List protected files: locked or decrypted in the work tree, and their recipients'
            cand check 'Find protected files stored in plaintext, altered, or differing from their rule'
            cand add 'Stage files as `git add` does, encrypting protected files several at a time'
            cand filter-process 'Serve git''s long-running filter protocol on stdin/stdout (run by git)'
            cand clean 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
            cand smudge 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
            cand textconv 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
            cand merge 'Merge the decrypted versions of a protected file (merge driver, run by git)'
        }
        &'vaultfile;help;git;init'= {
        }
        &'vaultfile;help;git;deinit'= {
        }
        &'vaultfile;help;git;status'= {
        }
        &'vaultfile;help;git;check'= {
        }
        &'vaultfile;help;git;add'= {
        }
        &'vaultfile;help;git;filter-process'= {
        }
        &'vaultfile;help;git;clean'= {
        }
        &'vaultfile;help;git;smudge'= {
        }
        &'vaultfile;help;git;textconv'= {
        }
        &'vaultfile;help;git;merge'= {
        }
        &'vaultfile;help;kustomize'= {
            cand krm 'Run as a KRM function: a ResourceList on standard input, one on standard output'
            cand plugin 'Run as a legacy Kustomize exec plugin: the generator''s file in, manifests out'
            cand install 'Install the legacy exec plugin where Kustomize looks for it'
        }
        &'vaultfile;help;kustomize;krm'= {
        }
        &'vaultfile;help;kustomize;plugin'= {
        }
        &'vaultfile;help;kustomize;install'= {
        }
        &'vaultfile;help;render'= {
        }
        &'vaultfile;help;scan'= {
        }
        &'vaultfile;help;completions'= {
        }
        &'vaultfile;help;help'= {
        }
    ]
    $completions[$command]
}
