
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'vaultfile' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'vaultfile'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'vaultfile' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an age identity (post-quantum by default)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a starter .vaultfile.yaml (who can decrypt which files)')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a file encrypted by vaultfile (or by SOPS)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit an encrypted file in your editor; what you save is encrypted again')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set the value at a key path of an encrypted file, adding the key if it is new')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove the key at a path (with its value, or its whole subtree) from an encrypted file')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value at a key path of an encrypted file')
            [CompletionResult]::new('exec-env', 'exec-env', [CompletionResultType]::ParameterValue, 'Run a command with the decrypted values of one or more files in its environment')
            [CompletionResult]::new('exec-file', 'exec-file', [CompletionResultType]::ParameterValue, 'Run a command that reads the decrypted file: `{}` in its arguments is the file''s path')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the decrypted values of one or more files as variables, for other tools')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert encrypted files between SOPS''s format and vaultfile''s')
            [CompletionResult]::new('recipients', 'recipients', [CompletionResultType]::ParameterValue, 'List, add or remove the recipients of encrypted files')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Make encrypted files'' recipients match their creation rule in .vaultfile.yaml')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new data key for encrypted files and encrypt every value again')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Rewrite files stored in file format 1 in format 2, which authenticates every byte')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Check which keys can open encrypted files')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each encrypted file''s key holders, data-key age and integrity')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, 'Store protected files encrypted in git while working on plaintext')
            [CompletionResult]::new('kustomize', 'kustomize', [CompletionResultType]::ParameterValue, 'Make Kubernetes Secrets from encrypted files inside `kustomize build`')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Print a directory''s Kubernetes manifests with encrypted files decrypted (Argo CD, CI)')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find secrets that are not protected: plaintext protected files and credentials')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for bash, zsh, fish, PowerShell or elvish')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;keygen' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the identity to FILE instead of standard output (refuses to overwrite)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the identity to FILE instead of standard output (refuses to overwrite)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Print the public key of each age identity in KEYFILE (`-` for standard input) instead of making a new one, as `age-keygen -y` does')
            [CompletionResult]::new('--public', '--public', [CompletionResultType]::ParameterName, 'Print the public key of each age identity in KEYFILE (`-` for standard input) instead of making a new one, as `age-keygen -y` does')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--x25519', '--x25519', [CompletionResultType]::ParameterName, 'Make a classical X25519 key (`age1…`) instead of a post-quantum one')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;init' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT (repeatable) instead of your own key')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT (repeatable) instead of your own key')
            [CompletionResult]::new('--path-regex', '--path-regex', [CompletionResultType]::ParameterName, 'The files the rule covers: a regex on the path relative to the configuration''s directory [default: ^secrets/]')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Your key file, to take the public key from or to create [default: ~/.config/vaultfile/keys.txt]')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the configuration to FILE instead')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the configuration to FILE instead')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Ask nothing; use the flags and defaults')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Ask nothing; use the flags and defaults')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace an existing configuration file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;encrypt' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service''s key (see "Key services" in the README) (repeatable)')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service''s key (see "Key services" in the README) (repeatable)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the encrypted file to OUT instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the encrypted file to OUT instead of standard output')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The input''s format [default: from the file extension; binary if unknown]')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only values under keys matching REGEX (e.g. ''^(data|stringData)$'')')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave values under keys matching REGEX in plaintext (e.g. ''^(user|host|port)$'')')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Reuse the data key, recipients and rules of ENCRYPTED, an earlier encrypted version of this file, so unchanged values keep their exact ciphertext. When the file has a .vaultfile.yaml rule (and no -r/-R or rule flag is given), its recipients and rules become the rule''s: added recipients keep the data key, removed ones cost a new one')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file''s directory; used when no -r/-R is given')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Encrypt the file in place')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Encrypt the file in place')
            [CompletionResult]::new('--allow-all-plaintext', '--allow-all-plaintext', [CompletionResultType]::ParameterName, 'Write the file even if the rules leave every value in plaintext (it is then only authenticated); without it such a file is refused, as a mistyped rule would be')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;decrypt' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the plaintext to OUT instead of standard output (mode 0600, also when OUT exists; through a symbolic link, to the file it points to)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the plaintext to OUT instead of standard output (mode 0600, also when OUT exists; through a symbolic link, to the file it points to)')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Print only the value at PATH: `a.b[0].c` or `["a"]["b"][0]["c"]`; a subtree prints as JSON')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The input''s format [default: from the file extension]')
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'Write the values as TYPE instead of the file as it was: yaml, json, toml, dotenv, or k8s-secret (a Kubernetes Secret manifest)')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'k8s-secret: the Secret''s name [default: from the file''s name]')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'k8s-secret: the Secret''s namespace [default: none, so kubectl''s current one]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put PREFIX in front of every variable name (e.g. APP_)')
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'Join the parts of a nested key with SEP')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Decrypt the file in place (it ends with mode 0600; a symbolic link stays a link and the file it points to is replaced)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Decrypt the file in place (it ends with mode 0600; a symbolic link stays a link and the file it points to is replaced)')
            [CompletionResult]::new('--no-upper', '--no-upper', [CompletionResultType]::ParameterName, 'Keep the keys'' case (database.password gives database_password)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'SOPS files only: decrypt even if the MAC is missing or does not match. The output may then hold altered values; for recovering damaged files only')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;edit' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format [default: from the file extension; binary if unknown]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service''s key (see "Key services" in the README) (repeatable)')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service''s key (see "Key services" in the README) (repeatable)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only values under keys matching REGEX (e.g. ''^(data|stringData)$'')')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave values under keys matching REGEX in plaintext (e.g. ''^(user|host|port)$'')')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file''s directory; used when no -r/-R is given')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--allow-all-plaintext', '--allow-all-plaintext', [CompletionResultType]::ParameterName, 'Write the file even if the rules leave every value in plaintext (it is then only authenticated); without it such a file is refused, as a mistyped rule would be')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;set' {
            [CompletionResult]::new('--value-file', '--value-file', [CompletionResultType]::ParameterName, 'Read the value from F (exactly its bytes: a final line break is kept)')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format [default: from the file extension]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--string', '--string', [CompletionResultType]::ParameterName, 'Take the value as a string, whatever it looks like')
            [CompletionResult]::new('--value-stdin', '--value-stdin', [CompletionResultType]::ParameterName, 'Read the value from standard input (exactly its bytes)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;unset' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format [default: from the file extension]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;get' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format [default: from the file extension]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON (with a final line break): typed scalars, mappings and lists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;exec-env' {
            [CompletionResult]::new('--require', '--require', [CompletionResultType]::ParameterName, 'Fail before running the command unless NAME is set and not empty (repeatable, or NAME,NAME)')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put PREFIX in front of every variable name (e.g. APP_)')
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'Join the parts of a nested key with SEP')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The files'' format [default: from each file''s extension]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--pristine', '--pristine', [CompletionResultType]::ParameterName, 'Start from an empty environment: only the secrets plus PATH, HOME, TERM and LANG')
            [CompletionResult]::new('--no-override', '--no-override', [CompletionResultType]::ParameterName, 'Keep a variable that is already set in the environment instead of the file''s value')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail before running if a value from the files is empty or null, and take the --require names only from the files (not from the inherited environment)')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Replace vaultfile with the command (execve) instead of running it as a child')
            [CompletionResult]::new('--no-upper', '--no-upper', [CompletionResultType]::ParameterName, 'Keep the keys'' case (database.password gives database_password)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;exec-file' {
            [CompletionResult]::new('--output-type', '--output-type', [CompletionResultType]::ParameterName, 'The format given to the command (dotenv flattens nested keys as exec-env does) [default: the file''s own, byte for byte]')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put PREFIX in front of every variable name (e.g. APP_)')
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'Join the parts of a nested key with SEP')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format [default: from the file extension]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--no-fifo', '--no-fifo', [CompletionResultType]::ParameterName, 'Give the command a regular 0600 file (removed afterwards) instead of a FIFO, for programs that read the file more than once or seek in it')
            [CompletionResult]::new('--no-upper', '--no-upper', [CompletionResultType]::ParameterName, 'Keep the keys'' case (database.password gives database_password)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'Put PREFIX in front of every variable name (e.g. APP_)')
            [CompletionResult]::new('--separator', '--separator', [CompletionResultType]::ParameterName, 'Join the parts of a nested key with SEP')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The files'' format [default: from each file''s extension]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--no-upper', '--no-upper', [CompletionResultType]::ParameterName, 'Keep the keys'' case (database.password gives database_password)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;convert' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The format to write')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the result to OUT instead of replacing the file (one file only)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the result to OUT instead of replacing the file (one file only)')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT instead of the file''s own recipients (repeatable). Needed when a SOPS file has only PGP or cloud keys. Not read from VAULTFILE_RECIPIENTS, so that a conversion keeps the file''s recipients unless asked')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT instead of the file''s own recipients (repeatable). Needed when a SOPS file has only PGP or cloud keys. Not read from VAULTFILE_RECIPIENTS, so that a conversion keeps the file''s recipients unless asked')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Encrypt to every recipient listed in FILE instead of the file''s own (repeatable)')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'Encrypt to every recipient listed in FILE instead of the file''s own (repeatable)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--plaintext-comments', '--plaintext-comments', [CompletionResultType]::ParameterName, 'Let comments that SOPS encrypted become plaintext comments (vaultfile leaves comments unencrypted)')
            [CompletionResult]::new('--ignore-mac', '--ignore-mac', [CompletionResultType]::ParameterName, 'Convert a SOPS file even if its MAC does not match (it may have been altered): for recovering damaged files only')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;recipients' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format, when its name does not say [default: from the extension]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recipients of an encrypted file (no key needed)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Encrypt files to one more recipient; the data key is kept')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Stop encrypting files to a recipient; a new data key is made')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;recipients;list' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format, when its name does not say [default: from the extension]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;recipients;add' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The key group (1, 2, …) the recipient joins, for files with key groups')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;recipients;rm' {
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--no-rotate', '--no-rotate', [CompletionResultType]::ParameterName, 'Keep the data key (the removed recipient can still decrypt this and earlier versions with a copy of the old key)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;recipients;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recipients of an encrypted file (no key needed)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Encrypt files to one more recipient; the data key is kept')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Stop encrypting files to a recipient; a new data key is made')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;recipients;help;list' {
            break
        }
        'vaultfile;recipients;help;add' {
            break
        }
        'vaultfile;recipients;help;rm' {
            break
        }
        'vaultfile;recipients;help;help' {
            break
        }
        'vaultfile;updatekeys' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file''s directory; used when no -r/-R is given')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Update without asking')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Update without asking')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only show what would change; write nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only show what would change; write nothing')
            [CompletionResult]::new('--no-rotate', '--no-rotate', [CompletionResultType]::ParameterName, 'Keep the data key even when a recipient is removed (the removed person can still decrypt this and any earlier version of the file with a copy of the old key)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;rotate' {
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Also encrypt to RECIPIENT (repeatable)')
            [CompletionResult]::new('--rm', '--rm', [CompletionResultType]::ParameterName, 'Stop encrypting to RECIPIENT (repeatable)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'The key group (1, 2, …) that --add recipients join, for files with key groups')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;upgrade' {
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only list what would be upgraded; write nothing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only list what would be upgraded; write nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;keys' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;keys;check' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The files'' format, when their names do not say [default: from the extension]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;keys;help' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;keys;help;check' {
            break
        }
        'vaultfile;keys;help;help' {
            break
        }
        'vaultfile;status' {
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Exit 1 and list files whose data key is older than DURATION (90d, 12w, 1y, 36h)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON object instead of a table (its layout is stable and documented in the README)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;demo' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set this repository up to store protected files encrypted')
            [CompletionResult]::new('deinit', 'deinit', [CompletionResultType]::ParameterValue, 'Undo `vaultfile git init` in this repository')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List protected files: locked or decrypted in the work tree, and their recipients')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find protected files stored in plaintext, altered, or differing from their rule')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Stage files as `git add` does, encrypting protected files several at a time')
            [CompletionResult]::new('filter-process', 'filter-process', [CompletionResultType]::ParameterValue, 'Serve git''s long-running filter protocol on stdin/stdout (run by git)')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Encrypt stdin for the repository (one-shot clean filter, run by git)')
            [CompletionResult]::new('smudge', 'smudge', [CompletionResultType]::ParameterValue, 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge the decrypted versions of a protected file (merge driver, run by git)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;git;init' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--hooks', '--hooks', [CompletionResultType]::ParameterName, 'Also install a pre-commit hook that refuses to commit a protected file in plaintext')
            [CompletionResult]::new('--global', '--global', [CompletionResultType]::ParameterName, 'Write the drivers to your global git configuration (~/.gitconfig) instead, so every clone decrypts on checkout; no .gitattributes change')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;deinit' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--global', '--global', [CompletionResultType]::ParameterName, 'Remove the drivers from your global git configuration instead')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;status' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;check' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Check only what is staged (the index)')
            [CompletionResult]::new('--all-history', '--all-history', [CompletionResultType]::ParameterName, 'Also check every blob in the history of every branch and tag (a shallow or partial clone is refused: it has no history to check; fetch it first)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;add' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Stage every change, new files included, as `git add -A` (the whole work tree without a pathspec)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Stage every change, new files included, as `git add -A` (the whole work tree without a pathspec)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Stage changes to tracked files only, as `git add -u` (the whole work tree without a pathspec)')
            [CompletionResult]::new('--update', '--update', [CompletionResultType]::ParameterName, 'Stage changes to tracked files only, as `git add -u` (the whole work tree without a pathspec)')
            [CompletionResult]::new('--renormalize', '--renormalize', [CompletionResultType]::ParameterName, 'Encrypt every tracked protected file under the pathspecs again, as `git add --renormalize` does (after a change of recipients in .vaultfile.yaml)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;filter-process' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;clean' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;smudge' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;textconv' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;merge' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set this repository up to store protected files encrypted')
            [CompletionResult]::new('deinit', 'deinit', [CompletionResultType]::ParameterValue, 'Undo `vaultfile git init` in this repository')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List protected files: locked or decrypted in the work tree, and their recipients')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find protected files stored in plaintext, altered, or differing from their rule')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Stage files as `git add` does, encrypting protected files several at a time')
            [CompletionResult]::new('filter-process', 'filter-process', [CompletionResultType]::ParameterValue, 'Serve git''s long-running filter protocol on stdin/stdout (run by git)')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Encrypt stdin for the repository (one-shot clean filter, run by git)')
            [CompletionResult]::new('smudge', 'smudge', [CompletionResultType]::ParameterValue, 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge the decrypted versions of a protected file (merge driver, run by git)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;git;help;init' {
            break
        }
        'vaultfile;git;help;deinit' {
            break
        }
        'vaultfile;git;help;status' {
            break
        }
        'vaultfile;git;help;check' {
            break
        }
        'vaultfile;git;help;add' {
            break
        }
        'vaultfile;git;help;filter-process' {
            break
        }
        'vaultfile;git;help;clean' {
            break
        }
        'vaultfile;git;help;smudge' {
            break
        }
        'vaultfile;git;help;textconv' {
            break
        }
        'vaultfile;git;help;merge' {
            break
        }
        'vaultfile;git;help;help' {
            break
        }
        'vaultfile;kustomize' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('krm', 'krm', [CompletionResultType]::ParameterValue, 'Run as a KRM function: a ResourceList on standard input, one on standard output')
            [CompletionResult]::new('plugin', 'plugin', [CompletionResultType]::ParameterValue, 'Run as a legacy Kustomize exec plugin: the generator''s file in, manifests out')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the legacy exec plugin where Kustomize looks for it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;kustomize;krm' {
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--allow-outside-root', '--allow-outside-root', [CompletionResultType]::ParameterName, 'Read files outside the kustomization''s (or rendered) directory, as Kustomize''s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application''s secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;kustomize;plugin' {
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--allow-outside-root', '--allow-outside-root', [CompletionResultType]::ParameterName, 'Read files outside the kustomization''s (or rendered) directory, as Kustomize''s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application''s secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;kustomize;install' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'The plugin home to install into')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print the plugin to standard output instead of installing it')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;kustomize;help' {
            [CompletionResult]::new('krm', 'krm', [CompletionResultType]::ParameterValue, 'Run as a KRM function: a ResourceList on standard input, one on standard output')
            [CompletionResult]::new('plugin', 'plugin', [CompletionResultType]::ParameterValue, 'Run as a legacy Kustomize exec plugin: the generator''s file in, manifests out')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the legacy exec plugin where Kustomize looks for it')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;kustomize;help;krm' {
            break
        }
        'vaultfile;kustomize;help;plugin' {
            break
        }
        'vaultfile;kustomize;help;install' {
            break
        }
        'vaultfile;kustomize;help;help' {
            break
        }
        'vaultfile;render' {
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--recursive', '--recursive', [CompletionResultType]::ParameterName, 'Read subdirectories too (a directory without a kustomization)')
            [CompletionResult]::new('--allow-outside-root', '--allow-outside-root', [CompletionResultType]::ParameterName, 'Read files outside the kustomization''s (or rendered) directory, as Kustomize''s `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is refused, so that a generator cannot copy another application''s secrets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;scan' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Scan what is staged (the git index), not the work tree')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services'' round trips overlap; 1 works on one file at a time [default: 16]')
            [CompletionResult]::new('--prefer', '--prefer', [CompletionResultType]::ParameterName, 'Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]')
            [CompletionResult]::new('--kms-timeout', '--kms-timeout', [CompletionResultType]::ParameterName, 'Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]')
            [CompletionResult]::new('--vault-allow', '--vault-allow', [CompletionResultType]::ParameterName, 'Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR''s (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an age identity (post-quantum by default)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a starter .vaultfile.yaml (who can decrypt which files)')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a file encrypted by vaultfile (or by SOPS)')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit an encrypted file in your editor; what you save is encrypted again')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set the value at a key path of an encrypted file, adding the key if it is new')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove the key at a path (with its value, or its whole subtree) from an encrypted file')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the value at a key path of an encrypted file')
            [CompletionResult]::new('exec-env', 'exec-env', [CompletionResultType]::ParameterValue, 'Run a command with the decrypted values of one or more files in its environment')
            [CompletionResult]::new('exec-file', 'exec-file', [CompletionResultType]::ParameterValue, 'Run a command that reads the decrypted file: `{}` in its arguments is the file''s path')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Print the decrypted values of one or more files as variables, for other tools')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert encrypted files between SOPS''s format and vaultfile''s')
            [CompletionResult]::new('recipients', 'recipients', [CompletionResultType]::ParameterValue, 'List, add or remove the recipients of encrypted files')
            [CompletionResult]::new('updatekeys', 'updatekeys', [CompletionResultType]::ParameterValue, 'Make encrypted files'' recipients match their creation rule in .vaultfile.yaml')
            [CompletionResult]::new('rotate', 'rotate', [CompletionResultType]::ParameterValue, 'Make a new data key for encrypted files and encrypt every value again')
            [CompletionResult]::new('upgrade', 'upgrade', [CompletionResultType]::ParameterValue, 'Rewrite files stored in file format 1 in format 2, which authenticates every byte')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Check which keys can open encrypted files')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show each encrypted file''s key holders, data-key age and integrity')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, 'Store protected files encrypted in git while working on plaintext')
            [CompletionResult]::new('kustomize', 'kustomize', [CompletionResultType]::ParameterValue, 'Make Kubernetes Secrets from encrypted files inside `kustomize build`')
            [CompletionResult]::new('render', 'render', [CompletionResultType]::ParameterValue, 'Print a directory''s Kubernetes manifests with encrypted files decrypted (Argo CD, CI)')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Find secrets that are not protected: plaintext protected files and credentials')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for bash, zsh, fish, PowerShell or elvish')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;help;keygen' {
            break
        }
        'vaultfile;help;init' {
            break
        }
        'vaultfile;help;encrypt' {
            break
        }
        'vaultfile;help;decrypt' {
            break
        }
        'vaultfile;help;edit' {
            break
        }
        'vaultfile;help;set' {
            break
        }
        'vaultfile;help;unset' {
            break
        }
        'vaultfile;help;get' {
            break
        }
        'vaultfile;help;exec-env' {
            break
        }
        'vaultfile;help;exec-file' {
            break
        }
        'vaultfile;help;export' {
            break
        }
        'vaultfile;help;convert' {
            break
        }
        'vaultfile;help;recipients' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the recipients of an encrypted file (no key needed)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Encrypt files to one more recipient; the data key is kept')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Stop encrypting files to a recipient; a new data key is made')
            break
        }
        'vaultfile;help;recipients;list' {
            break
        }
        'vaultfile;help;recipients;add' {
            break
        }
        'vaultfile;help;recipients;rm' {
            break
        }
        'vaultfile;help;updatekeys' {
            break
        }
        'vaultfile;help;rotate' {
            break
        }
        'vaultfile;help;upgrade' {
            break
        }
        'vaultfile;help;keys' {
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Try each recipient of FILE and report which can decrypt it now (no secret is printed)')
            break
        }
        'vaultfile;help;keys;check' {
            break
        }
        'vaultfile;help;status' {
            break
        }
        'vaultfile;help;demo' {
            break
        }
        'vaultfile;help;git' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set this repository up to store protected files encrypted')
            [CompletionResult]::new('deinit', 'deinit', [CompletionResultType]::ParameterValue, 'Undo `vaultfile git init` in this repository')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List protected files: locked or decrypted in the work tree, and their recipients')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find protected files stored in plaintext, altered, or differing from their rule')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Stage files as `git add` does, encrypting protected files several at a time')
            [CompletionResult]::new('filter-process', 'filter-process', [CompletionResultType]::ParameterValue, 'Serve git''s long-running filter protocol on stdin/stdout (run by git)')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Encrypt stdin for the repository (one-shot clean filter, run by git)')
            [CompletionResult]::new('smudge', 'smudge', [CompletionResultType]::ParameterValue, 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge the decrypted versions of a protected file (merge driver, run by git)')
            break
        }
        'vaultfile;help;git;init' {
            break
        }
        'vaultfile;help;git;deinit' {
            break
        }
        'vaultfile;help;git;status' {
            break
        }
        'vaultfile;help;git;check' {
            break
        }
        'vaultfile;help;git;add' {
            break
        }
        'vaultfile;help;git;filter-process' {
            break
        }
        'vaultfile;help;git;clean' {
            break
        }
        'vaultfile;help;git;smudge' {
            break
        }
        'vaultfile;help;git;textconv' {
            break
        }
        'vaultfile;help;git;merge' {
            break
        }
        'vaultfile;help;kustomize' {
            [CompletionResult]::new('krm', 'krm', [CompletionResultType]::ParameterValue, 'Run as a KRM function: a ResourceList on standard input, one on standard output')
            [CompletionResult]::new('plugin', 'plugin', [CompletionResultType]::ParameterValue, 'Run as a legacy Kustomize exec plugin: the generator''s file in, manifests out')
            [CompletionResult]::new('install', 'install', [CompletionResultType]::ParameterValue, 'Install the legacy exec plugin where Kustomize looks for it')
            break
        }
        'vaultfile;help;kustomize;krm' {
            break
        }
        'vaultfile;help;kustomize;plugin' {
            break
        }
        'vaultfile;help;kustomize;install' {
            break
        }
        'vaultfile;help;render' {
            break
        }
        'vaultfile;help;scan' {
            break
        }
        'vaultfile;help;completions' {
            break
        }
        'vaultfile;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
