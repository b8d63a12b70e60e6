# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vaultfile_global_optspecs
    string join \n q/quiet h/help V/version
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

complete -c vaultfile -n "__fish_vaultfile_needs_command" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -s V -l version -d 'Print version'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "keygen" -d 'Generate an age identity (X25519 key pair)'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "encrypt" -d 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "decrypt" -d 'Decrypt a file encrypted by vaultfile'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "recipients" -d 'List the recipients of an encrypted file (no key needed)'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "demo" -d 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "git" -d 'Store protected files encrypted in git while working on plaintext'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "completions" -d 'Print shell completions for bash, zsh, fish, PowerShell or elvish'
complete -c vaultfile -n "__fish_vaultfile_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -s o -l output -d 'Write the identity to FILE instead of standard output (refuses to overwrite)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand keygen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s r -l recipient -d 'Encrypt to RECIPIENT: an age public key (age1…) or an SSH public key ("ssh-ed25519 AAAA…") (repeatable)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s R -l recipients-file -d 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s o -l output -d 'Write the encrypted file to OUT instead of standard output' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l input-type -d 'The input\'s format [default: from the file extension; binary if unknown]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l encrypted-regex -d 'Encrypt only values under keys matching REGEX (e.g. \'^(data|stringData)$\')' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l unencrypted-regex -d 'Leave values under keys matching REGEX in plaintext (e.g. \'^(user|host|port)$\')' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l encrypted-suffix -d 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l unencrypted-suffix -d 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l baseline -d 'Reuse the data key, recipients and rules of ENCRYPTED, an earlier encrypted version of this file, so unchanged values keep their exact ciphertext' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -l config -d 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file\'s directory; used when no -r/-R is given' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s i -l in-place -d 'Encrypt the file in place'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand encrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s o -l output -d 'Write the plaintext to OUT (created with mode 0600) instead of standard output' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l extract -d 'Print only the value at PATH: `a.b[0].c` or `["a"]["b"][0]["c"]`; a subtree prints as JSON' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -l input-type -d 'The input\'s format [default: from the file extension]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s I -l identity -d 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)' -r -F
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s i -l in-place -d 'Decrypt the file in place'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand decrypt" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients" -l input-type -d 'The file\'s format, when its name does not say [default: from the extension]' -r
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand recipients" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand demo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "init" -d 'Set this repository up to store protected files encrypted'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "deinit" -d 'Undo `vaultfile git init` in this repository'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "status" -d 'List protected files: locked or decrypted in the work tree, and their recipients'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "check" -d 'Find protected files stored in plaintext (or altered) in the index, HEAD or history'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "filter-process" -d 'Serve git\'s long-running filter protocol on stdin/stdout (run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "clean" -d 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "smudge" -d 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "textconv" -d 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "merge" -d 'Merge the decrypted versions of a protected file (merge driver, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and not __fish_seen_subcommand_from init deinit status check filter-process clean smudge textconv merge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l hooks -d 'Also install a pre-commit hook that refuses to commit a protected file in plaintext'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -l global -d 'Write the drivers to your global git configuration (~/.gitconfig) instead, so every clone decrypts on checkout; no .gitattributes change'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -l global -d 'Remove the drivers from your global git configuration instead'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from deinit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l staged -d 'Check only what is staged (the index)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -l all-history -d 'Also check every blob in the history of every branch and tag'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from filter-process" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from clean" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from smudge" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from textconv" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from merge" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "init" -d 'Set this repository up to store protected files encrypted'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "deinit" -d 'Undo `vaultfile git init` in this repository'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "status" -d 'List protected files: locked or decrypted in the work tree, and their recipients'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "check" -d 'Find protected files stored in plaintext (or altered) in the index, HEAD or history'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "filter-process" -d 'Serve git\'s long-running filter protocol on stdin/stdout (run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "clean" -d 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "smudge" -d 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "textconv" -d 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "merge" -d 'Merge the decrypted versions of a protected file (merge driver, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand git; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -s q -l quiet -d 'Print no warnings or progress on stderr'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand completions" -s h -l help -d 'Print help'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt recipients demo git completions help" -f -a "keygen" -d 'Generate an age identity (X25519 key pair)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt recipients demo git completions help" -f -a "encrypt" -d 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt recipients demo git completions help" -f -a "decrypt" -d 'Decrypt a file encrypted by vaultfile'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt recipients demo git completions help" -f -a "recipients" -d 'List the recipients of an encrypted file (no key needed)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt recipients demo git completions help" -f -a "demo" -d 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt recipients demo git completions help" -f -a "git" -d 'Store protected files encrypted in git while working on plaintext'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt recipients demo git completions help" -f -a "completions" -d 'Print shell completions for bash, zsh, fish, PowerShell or elvish'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and not __fish_seen_subcommand_from keygen encrypt decrypt recipients demo git completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "init" -d 'Set this repository up to store protected files encrypted'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "deinit" -d 'Undo `vaultfile git init` in this repository'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "status" -d 'List protected files: locked or decrypted in the work tree, and their recipients'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "check" -d 'Find protected files stored in plaintext (or altered) in the index, HEAD or history'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "filter-process" -d 'Serve git\'s long-running filter protocol on stdin/stdout (run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "clean" -d 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "smudge" -d 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "textconv" -d 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
complete -c vaultfile -n "__fish_vaultfile_using_subcommand help; and __fish_seen_subcommand_from git" -f -a "merge" -d 'Merge the decrypted versions of a protected file (merge driver, run by git)'
