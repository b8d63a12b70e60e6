
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
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand keygen 'Generate an age identity (X25519 key pair)'
            cand encrypt 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)'
            cand decrypt 'Decrypt a file encrypted by vaultfile'
            cand recipients 'List the recipients of an encrypted file (no key needed)'
            cand demo 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt'
            cand git 'Store protected files encrypted in git while working on plaintext'
            cand completions 'Print shell completions for bash, zsh, fish, PowerShell or elvish'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;keygen'= {
            cand -o 'Write the identity to FILE instead of standard output (refuses to overwrite)'
            cand --output 'Write the identity to FILE instead of standard output (refuses to overwrite)'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;encrypt'= {
            cand -r 'Encrypt to RECIPIENT: an age public key (age1…) or an SSH public key ("ssh-ed25519 AAAA…") (repeatable)'
            cand --recipient 'Encrypt to RECIPIENT: an age public key (age1…) or an SSH public key ("ssh-ed25519 AAAA…") (repeatable)'
            cand -R 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)'
            cand --recipients-file 'Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)'
            cand -o 'Write the encrypted file to OUT instead of standard output'
            cand --output 'Write the encrypted file to OUT instead of standard output'
            cand --input-type 'The input''s format [default: from the file extension; binary if unknown]'
            cand --encrypted-regex 'Encrypt only values under keys matching REGEX (e.g. ''^(data|stringData)$'')'
            cand --unencrypted-regex 'Leave values under keys matching REGEX in plaintext (e.g. ''^(user|host|port)$'')'
            cand --encrypted-suffix 'Encrypt only values under keys ending with SUFFIX (e.g. _secret)'
            cand --unencrypted-suffix 'Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)'
            cand --baseline 'Reuse the data key, recipients and rules of ENCRYPTED, an earlier encrypted version of this file, so unchanged values keep their exact ciphertext'
            cand --config 'Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file''s directory; used when no -r/-R is given'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand -i 'Encrypt the file in place'
            cand --in-place 'Encrypt the file in place'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;decrypt'= {
            cand -o 'Write the plaintext to OUT (created with mode 0600) instead of standard output'
            cand --output 'Write the plaintext to OUT (created with mode 0600) instead of standard output'
            cand --extract 'Print only the value at PATH: `a.b[0].c` or `["a"]["b"][0]["c"]`; a subtree prints as JSON'
            cand --input-type 'The input''s format [default: from the file extension]'
            cand -I 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand --identity 'Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)'
            cand -i 'Decrypt the file in place'
            cand --in-place 'Decrypt the file in place'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;recipients'= {
            cand --input-type 'The file''s format, when its name does not say [default: from the extension]'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vaultfile;demo'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand init 'Set this repository up to store protected files encrypted'
            cand deinit 'Undo `vaultfile git init` in this repository'
            cand status 'List protected files: locked or decrypted in the work tree, and their recipients'
            cand check 'Find protected files stored in plaintext (or altered) in the index, HEAD or history'
            cand filter-process 'Serve git''s long-running filter protocol on stdin/stdout (run by git)'
            cand clean 'Encrypt stdin for the repository (one-shot clean filter, run by git)'
            cand smudge 'Decrypt stdin for the work tree (one-shot smudge filter, run by git)'
            cand textconv 'Print FILE decrypted, or as it is without a key (diff textconv, run by git)'
            cand merge 'Merge the decrypted versions of a protected file (merge driver, run by git)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;git;init'= {
            cand --hooks 'Also install a pre-commit hook that refuses to commit a protected file in plaintext'
            cand --global 'Write the drivers to your global git configuration (~/.gitconfig) instead, so every clone decrypts on checkout; no .gitattributes change'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;deinit'= {
            cand --global 'Remove the drivers from your global git configuration instead'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;status'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vaultfile;git;check'= {
            cand --staged 'Check only what is staged (the index)'
            cand --all-history 'Also check every blob in the history of every branch and tag'
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'vaultfile;git;filter-process'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vaultfile;git;clean'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vaultfile;git;smudge'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vaultfile;git;textconv'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vaultfile;git;merge'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vaultfile;git;help'= {
            cand init 'Set this repository up to store protected files encrypted'
            cand deinit 'Undo `vaultfile git init` in this repository'
            cand status 'List protected files: locked or decrypted in the work tree, and their recipients'
            cand check 'Find protected files stored in plaintext (or altered) in the index, HEAD or history'
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
        &'vaultfile;completions'= {
            cand -q 'Print no warnings or progress on stderr'
            cand --quiet 'Print no warnings or progress on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vaultfile;help'= {
            cand keygen 'Generate an age identity (X25519 key pair)'
            cand encrypt 'Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)'
            cand decrypt 'Decrypt a file encrypted by vaultfile'
            cand recipients 'List the recipients of an encrypted file (no key needed)'
            cand demo 'Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt'
            cand git 'Store protected files encrypted in git while working on plaintext'
            cand completions 'Print shell completions for bash, zsh, fish, PowerShell or elvish'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vaultfile;help;keygen'= {
        }
        &'vaultfile;help;encrypt'= {
        }
        &'vaultfile;help;decrypt'= {
        }
        &'vaultfile;help;recipients'= {
        }
        &'vaultfile;help;demo'= {
        }
        &'vaultfile;help;git'= {
            cand init 'Set this repository up to store protected files encrypted'
            cand deinit 'Undo `vaultfile git init` in this repository'
            cand status 'List protected files: locked or decrypted in the work tree, and their recipients'
            cand check 'Find protected files stored in plaintext (or altered) in the index, HEAD or history'
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
        &'vaultfile;help;completions'= {
        }
        &'vaultfile;help;help'= {
        }
    ]
    $completions[$command]
}
