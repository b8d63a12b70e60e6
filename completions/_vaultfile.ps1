
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
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an age identity (X25519 key pair)')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a file encrypted by vaultfile')
            [CompletionResult]::new('recipients', 'recipients', [CompletionResultType]::ParameterValue, 'List the recipients of an encrypted file (no key needed)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, 'Store protected files encrypted in git while working on plaintext')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for bash, zsh, fish, PowerShell or elvish')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;keygen' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the identity to FILE instead of standard output (refuses to overwrite)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the identity to FILE instead of standard output (refuses to overwrite)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;encrypt' {
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT: an age public key (age1…) or an SSH public key ("ssh-ed25519 AAAA…") (repeatable)')
            [CompletionResult]::new('--recipient', '--recipient', [CompletionResultType]::ParameterName, 'Encrypt to RECIPIENT: an age public key (age1…) or an SSH public key ("ssh-ed25519 AAAA…") (repeatable)')
            [CompletionResult]::new('-R', '-R ', [CompletionResultType]::ParameterName, 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)')
            [CompletionResult]::new('--recipients-file', '--recipients-file', [CompletionResultType]::ParameterName, 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the encrypted file to OUT instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the encrypted file to OUT instead of standard output')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The input''s format [default: from the file extension; binary if unknown]')
            [CompletionResult]::new('--encrypted-regex', '--encrypted-regex', [CompletionResultType]::ParameterName, 'Encrypt only values under keys matching REGEX (e.g. ''^(data|stringData)$'')')
            [CompletionResult]::new('--unencrypted-regex', '--unencrypted-regex', [CompletionResultType]::ParameterName, 'Leave values under keys matching REGEX in plaintext (e.g. ''^(user|host|port)$'')')
            [CompletionResult]::new('--encrypted-suffix', '--encrypted-suffix', [CompletionResultType]::ParameterName, 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)')
            [CompletionResult]::new('--unencrypted-suffix', '--unencrypted-suffix', [CompletionResultType]::ParameterName, 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)')
            [CompletionResult]::new('--baseline', '--baseline', [CompletionResultType]::ParameterName, 'Reuse the data key, recipients and rules of ENCRYPTED, an earlier encrypted version of this file, so unchanged values keep their exact ciphertext')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file''s directory; used when no -r/-R is given')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Encrypt the file in place')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Encrypt the file in place')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;decrypt' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the plaintext to OUT (created with mode 0600) instead of standard output')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the plaintext to OUT (created with mode 0600) instead of standard output')
            [CompletionResult]::new('--extract', '--extract', [CompletionResultType]::ParameterName, 'Print only the value at PATH: `a.b[0].c` or `["a"]["b"][0]["c"]`; a subtree prints as JSON')
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The input''s format [default: from the file extension]')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('--identity', '--identity', [CompletionResultType]::ParameterName, 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Decrypt the file in place')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Decrypt the file in place')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;recipients' {
            [CompletionResult]::new('--input-type', '--input-type', [CompletionResultType]::ParameterName, 'The file''s format, when its name does not say [default: from the extension]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vaultfile;demo' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set this repository up to store protected files encrypted')
            [CompletionResult]::new('deinit', 'deinit', [CompletionResultType]::ParameterValue, 'Undo `vaultfile git init` in this repository')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List protected files: locked or decrypted in the work tree, and their recipients')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find protected files stored in plaintext (or altered) in the index, HEAD or history')
            [CompletionResult]::new('filter-process', 'filter-process', [CompletionResultType]::ParameterValue, 'Serve git''s long-running filter protocol on stdin/stdout (run by git)')
            [CompletionResult]::new('clean', 'clean', [CompletionResultType]::ParameterValue, 'Encrypt stdin for the repository (one-shot clean filter, run by git)')
            [CompletionResult]::new('smudge', 'smudge', [CompletionResultType]::ParameterValue, 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)')
            [CompletionResult]::new('textconv', 'textconv', [CompletionResultType]::ParameterValue, 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge the decrypted versions of a protected file (merge driver, run by git)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;git;init' {
            [CompletionResult]::new('--hooks', '--hooks', [CompletionResultType]::ParameterName, 'Also install a pre-commit hook that refuses to commit a protected file in plaintext')
            [CompletionResult]::new('--global', '--global', [CompletionResultType]::ParameterName, 'Write the drivers to your global git configuration (~/.gitconfig) instead, so every clone decrypts on checkout; no .gitattributes change')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;deinit' {
            [CompletionResult]::new('--global', '--global', [CompletionResultType]::ParameterName, 'Remove the drivers from your global git configuration instead')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;status' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vaultfile;git;check' {
            [CompletionResult]::new('--staged', '--staged', [CompletionResultType]::ParameterName, 'Check only what is staged (the index)')
            [CompletionResult]::new('--all-history', '--all-history', [CompletionResultType]::ParameterName, 'Also check every blob in the history of every branch and tag')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'vaultfile;git;filter-process' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vaultfile;git;clean' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vaultfile;git;smudge' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vaultfile;git;textconv' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vaultfile;git;merge' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vaultfile;git;help' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set this repository up to store protected files encrypted')
            [CompletionResult]::new('deinit', 'deinit', [CompletionResultType]::ParameterValue, 'Undo `vaultfile git init` in this repository')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List protected files: locked or decrypted in the work tree, and their recipients')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find protected files stored in plaintext (or altered) in the index, HEAD or history')
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
        'vaultfile;completions' {
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings or progress on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vaultfile;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an age identity (X25519 key pair)')
            [CompletionResult]::new('encrypt', 'encrypt', [CompletionResultType]::ParameterValue, 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)')
            [CompletionResult]::new('decrypt', 'decrypt', [CompletionResultType]::ParameterValue, 'Decrypt a file encrypted by vaultfile')
            [CompletionResult]::new('recipients', 'recipients', [CompletionResultType]::ParameterValue, 'List the recipients of an encrypted file (no key needed)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt')
            [CompletionResult]::new('git', 'git', [CompletionResultType]::ParameterValue, 'Store protected files encrypted in git while working on plaintext')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for bash, zsh, fish, PowerShell or elvish')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vaultfile;help;keygen' {
            break
        }
        'vaultfile;help;encrypt' {
            break
        }
        'vaultfile;help;decrypt' {
            break
        }
        'vaultfile;help;recipients' {
            break
        }
        'vaultfile;help;demo' {
            break
        }
        'vaultfile;help;git' {
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Set this repository up to store protected files encrypted')
            [CompletionResult]::new('deinit', 'deinit', [CompletionResultType]::ParameterValue, 'Undo `vaultfile git init` in this repository')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List protected files: locked or decrypted in the work tree, and their recipients')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Find protected files stored in plaintext (or altered) in the index, HEAD or history')
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
