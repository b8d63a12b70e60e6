# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vaultfile_global_optspecs
    string join \n q/quiet color= jobs= prefer= kms-timeout= vault-allow= h/help V/version
end

function __fish_vaultfile_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_vaultfile_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_vaultfile_using_subcommand
    set -l cmd (__fish_vaultfile_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c vaultfile -n "__fish_vaultfile_needs_command" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_needs_command" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_needs_command" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_needs_command" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_needs_command" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_needs_command" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -s V -l version -d 'Print version'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "keygen" -d 'Generate an age identity (post-quantum by default)'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "init" -d 'Write a starter .vaultfile.yaml (who can decrypt which files)'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "encrypt" -d 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "decrypt" -d 'Decrypt a file encrypted by vaultfile (or by SOPS)'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "edit" -d 'Edit an encrypted file in your editor; what you save is encrypted again'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "set" -d 'Set the value at a key path of an encrypted file, adding the key if it is new'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "unset" -d 'Remove the key at a path (with its value, or its whole subtree) from an encrypted file'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "get" -d 'Print the value at a key path of an encrypted file'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "exec-env" -d 'Run a command with the decrypted values of one or more files in its environment'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "exec-file" -d 'Run a command that reads the decrypted file: `{}` in its arguments is the file\'s path'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "export" -d 'Print the decrypted values of one or more files as variables, for other tools'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "convert" -d 'Convert encrypted files between SOPS\'s format and vaultfile\'s'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "recipients" -d 'List, add or remove the recipients of encrypted files'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "updatekeys" -d 'Make encrypted files\' recipients match their creation rule in .vaultfile.yaml'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "rotate" -d 'Make a new data key for encrypted files and encrypt every value again'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "upgrade" -d 'Rewrite files stored in file format 1 in format 2, which authenticates every byte'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "keys" -d 'Check which keys can open encrypted files'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "status" -d 'Show each encrypted file\'s key holders, data-key age and integrity'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "demo" -d 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "git" -d 'Store protected files encrypted in git while working on plaintext'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "kustomize" -d 'Make Kubernetes Secrets from encrypted files inside `kustomize build`'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "render" -d 'Print a directory\'s Kubernetes manifests with encrypted files decrypted (Argo CD, CI)'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "scan" -d 'Find secrets that are not protected: plaintext protected files and credentials'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "completions" -d 'Print shell completions for bash, zsh, fish, PowerShell or elvish'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -s o -l output -d 'Write the identity to FILE instead of standard output (refuses to overwrite)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -s y -l public -d 'Print the public key of each age identity in KEYFILE (`-` for standard input) instead of making a new one, as `age-keygen -y` does' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -l x25519 -d 'Make a classical X25519 key (`age1…`) instead of a post-quantum one'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -s r -l recipient -d 'Encrypt to RECIPIENT (repeatable) instead of your own key' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -l path-regex -d 'The files the rule covers: a regex on the path relative to the configuration\'s directory [default: ^secrets/]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -l key -d 'Your key file, to take the public key from or to create [default: ~/.config/vaultfile/keys.txt]' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -s o -l output -d 'Write the configuration to FILE instead' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -s y -l yes -d 'Ask nothing; use the flags and defaults'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -l force -d 'Replace an existing configuration file'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s r -l recipient -d 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service\'s key (see "Key services" in the README) (repeatable)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s R -l recipients-file -d 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s o -l output -d 'Write the encrypted file to OUT instead of standard output' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l input-type -d 'The input\'s format [default: from the file extension; binary if unknown]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l encrypted-regex -d 'Encrypt only values under keys matching REGEX (e.g. \'^(data|stringData)$\')' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l unencrypted-regex -d 'Leave values under keys matching REGEX in plaintext (e.g. \'^(user|host|port)$\')' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l encrypted-suffix -d 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l unencrypted-suffix -d 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l baseline -d 'Reuse the data key, recipients and rules of ENCRYPTED, an earlier encrypted version of this file, so unchanged values keep their exact ciphertext. When the file has a .vaultfile.yaml rule (and no -r/-R or rule flag is given), its recipients and rules become the rule\'s: added recipients keep the data key, removed ones cost a new one' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l config -d 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file\'s directory; used when no -r/-R is given' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s i -l in-place -d 'Encrypt the file in place'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l allow-all-plaintext -d 'Write the file even if the rules leave every value in plaintext (it is then only authenticated); without it such a file is refused, as a mistyped rule would be'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s o -l output -d 'Write the plaintext to OUT instead of standard output (mode 0600, also when OUT exists; through a symbolic link, to the file it points to)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l extract -d 'Print only the value at PATH: `a.b[0].c` or `["a"]["b"][0]["c"]`; a subtree prints as JSON' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l input-type -d 'The input\'s format [default: from the file extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l output-type -d 'Write the values as TYPE instead of the file as it was: yaml, json, toml, dotenv, or k8s-secret (a Kubernetes Secret manifest)' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
k8s-secret\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l name -d 'k8s-secret: the Secret\'s name [default: from the file\'s name]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l namespace -d 'k8s-secret: the Secret\'s namespace [default: none, so kubectl\'s current one]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l prefix -d 'Put PREFIX in front of every variable name (e.g. APP_)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l separator -d 'Join the parts of a nested key with SEP' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s i -l in-place -d 'Decrypt the file in place (it ends with mode 0600; a symbolic link stays a link and the file it points to is replaced)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l no-upper -d 'Keep the keys\' case (database.password gives database_password)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l ignore-mac -d 'SOPS files only: decrypt even if the MAC is missing or does not match. The output may then hold altered values; for recovering damaged files only'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l input-type -d 'The file\'s format [default: from the file extension; binary if unknown]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -s r -l recipient -d 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service\'s key (see "Key services" in the README) (repeatable)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -s R -l recipients-file -d 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l encrypted-regex -d 'Encrypt only values under keys matching REGEX (e.g. \'^(data|stringData)$\')' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l unencrypted-regex -d 'Leave values under keys matching REGEX in plaintext (e.g. \'^(user|host|port)$\')' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l encrypted-suffix -d 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l unencrypted-suffix -d 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l config -d 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file\'s directory; used when no -r/-R is given' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -l allow-all-plaintext -d 'Write the file even if the rules leave every value in plaintext (it is then only authenticated); without it such a file is refused, as a mistyped rule would be'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand edit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l value-file -d 'Read the value from F (exactly its bytes: a final line break is kept)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l input-type -d 'The file\'s format [default: from the file extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l string -d 'Take the value as a string, whatever it looks like'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -l value-stdin -d 'Read the value from standard input (exactly its bytes)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -l input-type -d 'The file\'s format [default: from the file extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -l input-type -d 'The file\'s format [default: from the file extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -l json -d 'Print JSON (with a final line break): typed scalars, mappings and lists'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l require -d 'Fail before running the command unless NAME is set and not empty (repeatable, or NAME,NAME)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l prefix -d 'Put PREFIX in front of every variable name (e.g. APP_)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l separator -d 'Join the parts of a nested key with SEP' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l input-type -d 'The files\' format [default: from each file\'s extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l pristine -d 'Start from an empty environment: only the secrets plus PATH, HOME, TERM and LANG'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l no-override -d 'Keep a variable that is already set in the environment instead of the file\'s value'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l strict -d 'Fail before running if a value from the files is empty or null, and take the --require names only from the files (not from the inherited environment)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l exec -d 'Replace vaultfile with the command (execve) instead of running it as a child'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -l no-upper -d 'Keep the keys\' case (database.password gives database_password)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l output-type -d 'The format given to the command (dotenv flattens nested keys as exec-env does) [default: the file\'s own, byte for byte]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l prefix -d 'Put PREFIX in front of every variable name (e.g. APP_)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l separator -d 'Join the parts of a nested key with SEP' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l input-type -d 'The file\'s format [default: from the file extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l no-fifo -d 'Give the command a regular 0600 file (removed afterwards) instead of a FIFO, for programs that read the file more than once or seek in it'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -l no-upper -d 'Keep the keys\' case (database.password gives database_password)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand exec-file" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l format -d 'Output format' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l prefix -d 'Put PREFIX in front of every variable name (e.g. APP_)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l separator -d 'Join the parts of a nested key with SEP' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l input-type -d 'The files\' format [default: from each file\'s extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -l no-upper -d 'Keep the keys\' case (database.password gives database_password)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -l to -d 'The format to write' -r -f -a "vaultfile\t'vaultfile\'s format (needs a key that opens the SOPS file)'
sops\t'SOPS\'s format, as `sops decrypt` (3.x) reads it'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -s o -l output -d 'Write the result to OUT instead of replacing the file (one file only)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -s r -l recipient -d 'Encrypt to RECIPIENT instead of the file\'s own recipients (repeatable). Needed when a SOPS file has only PGP or cloud keys. Not read from VAULTFILE_RECIPIENTS, so that a conversion keeps the file\'s recipients unless asked' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -s R -l recipients-file -d 'Encrypt to every recipient listed in FILE instead of the file\'s own (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -l plaintext-comments -d 'Let comments that SOPS encrypted become plaintext comments (vaultfile leaves comments unencrypted)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -l ignore-mac -d 'Convert a SOPS file even if its MAC does not match (it may have been altered): for recovering damaged files only'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -l input-type -d 'The file\'s format, when its name does not say [default: from the extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -a "list" -d 'List the recipients of an encrypted file (no key needed)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -a "add" -d 'Encrypt files to one more recipient; the data key is kept'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -a "rm" -d 'Stop encrypting files to a recipient; a new data key is made'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and not __fish_seen_subcommand_from list add rm help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from list" -l input-type -d 'The file\'s format, when its name does not say [default: from the extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from list" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from list" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from list" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from list" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from list" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -l group -d 'The key group (1, 2, …) the recipient joins, for files with key groups' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -l no-rotate -d 'Keep the data key (the removed recipient can still decrypt this and earlier versions with a copy of the old key)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the recipients of an encrypted file (no key needed)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from help" -f -a "add" -d 'Encrypt files to one more recipient; the data key is kept'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Stop encrypting files to a recipient; a new data key is made'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -l config -d 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file\'s directory; used when no -r/-R is given' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -s y -l yes -d 'Update without asking'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -s n -l dry-run -d 'Only show what would change; write nothing'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -l no-rotate -d 'Keep the data key even when a recipient is removed (the removed person can still decrypt this and any earlier version of the file with a copy of the old key)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand updatekeys" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -l add -d 'Also encrypt to RECIPIENT (repeatable)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -l rm -d 'Stop encrypting to RECIPIENT (repeatable)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -l group -d 'The key group (1, 2, …) that --add recipients join, for files with key groups' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand rotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -s n -l dry-run -d 'Only list what would be upgraded; write nothing'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand upgrade" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -f -a "check" -d 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and not __fish_seen_subcommand_from check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -l input-type -d 'The files\' format, when their names do not say [default: from the extension]' -r -f -a "yaml\t''
json\t''
toml\t''
dotenv\t''
binary\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "check" -d 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keys; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -l max-age -d 'Exit 1 and list files whose data key is older than DURATION (90d, 12w, 1y, 36h)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -l json -d 'Print a JSON object instead of a table (its layout is stable and documented in the README)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "init" -d 'Set this repository up to store protected files encrypted'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "deinit" -d 'Undo `vaultfile git init` in this repository'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "status" -d 'List protected files: locked or decrypted in the work tree, and their recipients'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "check" -d 'Find protected files stored in plaintext, altered, or differing from their rule'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "add" -d 'Stage files as `git add` does, encrypting protected files several at a time'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "filter-process" -d 'Serve git\'s long-running filter protocol on stdin/stdout (run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "clean" -d 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "smudge" -d 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "textconv" -d 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "merge" -d 'Merge the decrypted versions of a protected file (merge driver, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check add filter-process clean smudge textconv merge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l hooks -d 'Also install a pre-commit hook that refuses to commit a protected file in plaintext'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l global -d 'Write the drivers to your global git configuration (~/.gitconfig) instead, so every clone decrypts on checkout; no .gitattributes change'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -l global -d 'Remove the drivers from your global git configuration instead'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l staged -d 'Check only what is staged (the index)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l all-history -d 'Also check every blob in the history of every branch and tag (a shallow or partial clone is refused: it has no history to check; fetch it first)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -s A -l all -d 'Stage every change, new files included, as `git add -A` (the whole work tree without a pathspec)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -s u -l update -d 'Stage changes to tracked files only, as `git add -u` (the whole work tree without a pathspec)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -l renormalize -d 'Encrypt every tracked protected file under the pathspecs again, as `git add --renormalize` does (after a change of recipients in .vaultfile.yaml)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "init" -d 'Set this repository up to store protected files encrypted'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "deinit" -d 'Undo `vaultfile git init` in this repository'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "status" -d 'List protected files: locked or decrypted in the work tree, and their recipients'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "check" -d 'Find protected files stored in plaintext, altered, or differing from their rule'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "add" -d 'Stage files as `git add` does, encrypting protected files several at a time'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "filter-process" -d 'Serve git\'s long-running filter protocol on stdin/stdout (run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "clean" -d 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "smudge" -d 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "textconv" -d 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Merge the decrypted versions of a protected file (merge driver, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -f -a "krm" -d 'Run as a KRM function: a ResourceList on standard input, one on standard output'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -f -a "plugin" -d 'Run as a legacy Kustomize exec plugin: the generator\'s file in, manifests out'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -f -a "install" -d 'Install the legacy exec plugin where Kustomize looks for it'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and not __fish_seen_subcommand_from krm plugin install help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -l allow-outside-root -d 'Read files outside the kustomization\'s (or rendered) directory, as Kustomize\'s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application\'s secrets'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from krm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -l allow-outside-root -d 'Read files outside the kustomization\'s (or rendered) directory, as Kustomize\'s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application\'s secrets'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from plugin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -l dir -d 'The plugin home to install into' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -l print -d 'Print the plugin to standard output instead of installing it'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from help" -f -a "krm" -d 'Run as a KRM function: a ResourceList on standard input, one on standard output'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from help" -f -a "plugin" -d 'Run as a legacy Kustomize exec plugin: the generator\'s file in, manifests out'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from help" -f -a "install" -d 'Install the legacy exec plugin where Kustomize looks for it'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand kustomize; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -l recursive -d 'Read subdirectories too (a directory without a kustomization)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -l allow-outside-root -d 'Read files outside the kustomization\'s (or rendered) directory, as Kustomize\'s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application\'s secrets'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -l format -d 'Output format' -r -f -a "text\t'One line per finding: PATH:LINE:COL: RULE: DESCRIPTION (secret: AKIA…) [FINGERPRINT]'
json\t'A JSON object (version, files_scanned, findings), one finding per line'
sarif\t'SARIF 2.1.0, for GitHub code scanning'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -l staged -d 'Scan what is staged (the git index), not the work tree'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -l jobs -d 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services\' round trips overlap; 1 works on one file at a time [default: 16]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -l prefer -d 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]' -r -f -a "local\t'Age, SSH and plugin identities on this machine'
aws-kms\t'AWS KMS'
vault\t'Vault / OpenBao transit'
gcp-kms\t'Google Cloud KMS'
azure-kv\t'Azure Key Vault'"
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -l kms-timeout -d 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -l vault-allow -d 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR\'s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "keygen" -d 'Generate an age identity (post-quantum by default)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "init" -d 'Write a starter .vaultfile.yaml (who can decrypt which files)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "encrypt" -d 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "decrypt" -d 'Decrypt a file encrypted by vaultfile (or by SOPS)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "edit" -d 'Edit an encrypted file in your editor; what you save is encrypted again'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "set" -d 'Set the value at a key path of an encrypted file, adding the key if it is new'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "unset" -d 'Remove the key at a path (with its value, or its whole subtree) from an encrypted file'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "get" -d 'Print the value at a key path of an encrypted file'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "exec-env" -d 'Run a command with the decrypted values of one or more files in its environment'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "exec-file" -d 'Run a command that reads the decrypted file: `{}` in its arguments is the file\'s path'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "export" -d 'Print the decrypted values of one or more files as variables, for other tools'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "convert" -d 'Convert encrypted files between SOPS\'s format and vaultfile\'s'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "recipients" -d 'List, add or remove the recipients of encrypted files'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "updatekeys" -d 'Make encrypted files\' recipients match their creation rule in .vaultfile.yaml'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "rotate" -d 'Make a new data key for encrypted files and encrypt every value again'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "upgrade" -d 'Rewrite files stored in file format 1 in format 2, which authenticates every byte'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "keys" -d 'Check which keys can open encrypted files'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "status" -d 'Show each encrypted file\'s key holders, data-key age and integrity'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "demo" -d 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "git" -d 'Store protected files encrypted in git while working on plaintext'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "kustomize" -d 'Make Kubernetes Secrets from encrypted files inside `kustomize build`'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "render" -d 'Print a directory\'s Kubernetes manifests with encrypted files decrypted (Argo CD, CI)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "scan" -d 'Find secrets that are not protected: plaintext protected files and credentials'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "completions" -d 'Print shell completions for bash, zsh, fish, PowerShell or elvish'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen init encrypt decrypt edit set unset get exec-env exec-file export convert recipients updatekeys rotate upgrade keys status demo git kustomize render scan completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from recipients" -f -a "list" -d 'List the recipients of an encrypted file (no key needed)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from recipients" -f -a "add" -d 'Encrypt files to one more recipient; the data key is kept'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from recipients" -f -a "rm" -d 'Stop encrypting files to a recipient; a new data key is made'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from keys" -f -a "check" -d 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "init" -d 'Set this repository up to store protected files encrypted'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "deinit" -d 'Undo `vaultfile git init` in this repository'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "status" -d 'List protected files: locked or decrypted in the work tree, and their recipients'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "check" -d 'Find protected files stored in plaintext, altered, or differing from their rule'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "add" -d 'Stage files as `git add` does, encrypting protected files several at a time'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "filter-process" -d 'Serve git\'s long-running filter protocol on stdin/stdout (run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "clean" -d 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "smudge" -d 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "textconv" -d 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "merge" -d 'Merge the decrypted versions of a protected file (merge driver, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from kustomize" -f -a "krm" -d 'Run as a KRM function: a ResourceList on standard input, one on standard output'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from kustomize" -f -a "plugin" -d 'Run as a legacy Kustomize exec plugin: the generator\'s file in, manifests out'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from kustomize" -f -a "install" -d 'Install the legacy exec plugin where Kustomize looks for it'
