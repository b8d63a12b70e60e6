//! The CLI's one error type: what happened, what to do, and the exit code.
//!
//! Library errors are typed per operation; here they get the file name, a hint and an exit
//! code from the one table in [`ExitKind`] (documented in the README and `--help`).

use std::fmt;
use std::path::Path;

use vaultfile::engine::{DecryptError, EncryptError};

/// The exit code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    /// 0 and no message: the reader of our output went away (`| head`).
    BrokenPipe = 0,
    /// 1: anything else (I/O errors, a missing file…).
    Other = 1,
    /// 2: the command line is wrong (clap reports these itself).
    #[allow(dead_code)]
    Usage = 2,
    /// 3: the input is not valid in its format.
    Syntax = 3,
    /// 4: the file is in the wrong state (already encrypted, or not encrypted).
    State = 4,
    /// 5: no usable recipients.
    Recipients = 5,
    /// 6: no identity can decrypt the file.
    NoIdentity = 6,
    /// 7: the integrity check failed: the file was altered.
    Integrity = 7,
}

/// The text of the exit code table, for `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  other error (a file that cannot be read or written, …)
  2  command-line usage error
  3  the input is not valid YAML/JSON/TOML/dotenv (syntax error), or not text
  4  wrong state: encrypting an encrypted file, or decrypting a plaintext one
  5  no recipients, or a recipient that cannot be parsed
  6  no identity can decrypt the file
  7  integrity check failed: the file was altered after encryption";

/// An error to show the user.
#[derive(Debug)]
pub struct CliError {
    pub kind: ExitKind,
    pub message: String,
    pub hints: Vec<String>,
}

/// Ends a "cannot decrypt" message (vaultfile's or SOPS's) with the identity sources looked at (`tried`) and why
/// each identity that matched a holder failed.
pub(crate) fn push_tried<F: std::fmt::Display>(msg: &mut String, tried: &[String], failures: &[F]) {
    msg.push_str("\n  identities tried:");
    if tried.is_empty() {
        msg.push_str("\n    (none found)");
    }
    for t in tried {
        msg.push_str(&format!("\n    {t}"));
    }
    for f in failures {
        msg.push_str(&format!("\n  failed: {f}"));
    }
}

impl CliError {
    pub fn new(kind: ExitKind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// A recipient string (`text`, as given) that cannot be used, with a hint for its kind.
    pub fn recipient(text: &str, err: vaultfile::keys::RecipientError) -> Self {
        // A key service's recipient (a KMS key's name) gets no hint about age keys.
        let service = vaultfile::keys::source_of(text)
            .filter(|s| s.sops_config_fields().is_some())
            .map(|s| s.name());
        let hint = match service {
            Some(name) => format!(
                "check the {name} key's name: the README's \"Key services\" section shows its form"
            ),
            None => "age public keys start with age1; SSH keys look like the line in \
                     ~/.ssh/id_ed25519.pub; `passphrase` asks for one"
                .to_owned(),
        };
        CliError::new(ExitKind::Recipients, err.to_string()).hint(hint)
    }

    /// An I/O error on `path`.
    pub fn io(action: &str, path: &Path, err: std::io::Error) -> Self {
        let hint = match err.kind() {
            std::io::ErrorKind::NotFound => {
                Some("check the path; vaultfile does not create input files")
            }
            std::io::ErrorKind::PermissionDenied => Some("check the file's permissions"),
            _ => None,
        };
        let e = CliError::new(
            ExitKind::Other,
            format!("cannot {action} {}: {err}", path.display()),
        );
        match hint {
            Some(h) => e.hint(h),
            None => e,
        }
    }

    /// An error writing output; a closed pipe is not reported.
    pub fn from_write(err: std::io::Error) -> Self {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::new(ExitKind::BrokenPipe, "")
        } else {
            CliError::new(ExitKind::Other, format!("cannot write the output: {err}"))
                .hint("check that the disk is not full and the output can be written")
        }
    }

    /// Maps an encryption error for `file`.
    pub fn encrypt(file: &str, err: EncryptError) -> Self {
        match err {
            EncryptError::AlreadyEncrypted => CliError::new(ExitKind::State, format!("{file} is already encrypted"))
                .hint("decrypt it first, or use `vaultfile decrypt` to read it"),
            EncryptError::Parse(e) => CliError::new(ExitKind::Syntax, format!("{file}: syntax error: {e}"))
                .hint("fix the syntax, or pass --input-type if the format was guessed wrong"),
            EncryptError::ReservedKey => CliError::new(ExitKind::Syntax, format!("{file}: {err_reserved}", err_reserved = EncryptError::ReservedKey))
                .hint("rename the key (an encrypted file keeps its metadata under `vaultfile`), or encrypt the file whole with --input-type binary"),
            EncryptError::NoRecipients => CliError::new(ExitKind::Recipients, format!("no recipients for {file}"))
                .hint("pass -r age1… (repeatable), -R FILE or set VAULTFILE_RECIPIENTS")
                .hint(format!(
                    "`vaultfile keygen -o {}` creates a key and prints its public key",
                    super::identities::default_keys_file_shown()
                )),
            EncryptError::NothingEncrypted(_) => CliError::new(ExitKind::Usage, format!("{file}: {err}"))
                .hint("check the selection rules (--encrypted-regex, --unencrypted-regex, the suffixes, or the creation rule in .vaultfile.yaml): one matches no key, or every key")
                .hint("to write a file whose values all stay in plaintext (only authenticated), pass --allow-all-plaintext"),
            EncryptError::Rule(e) => CliError::new(ExitKind::Usage, format!("{e}"))
                .hint("check the selection rules (--encrypted-regex, --unencrypted-suffix, …, or the creation rule in .vaultfile.yaml)"),
            EncryptError::Wrap(e) => CliError::new(ExitKind::Recipients, format!("{file}: {e}"))
                .hint("check the recipient; a key service (KMS, Vault) also needs credentials and network"),
            EncryptError::Write(e) => CliError::from_write(e),
            EncryptError::Metadata(e) => CliError::new(ExitKind::Syntax, format!("{file}: {e}"))
                .hint("use --input-type binary to encrypt the file as a whole"),
            other => CliError::new(ExitKind::Other, format!("{file}: {other}")),
        }
    }

    /// Maps a decryption error for `file`; `tried` lists the identity sources looked at.
    pub fn decrypt(file: &str, err: DecryptError, tried: &[String]) -> Self {
        match err {
            DecryptError::NotEncrypted => CliError::new(ExitKind::State, format!("{file} is not encrypted (it has no vaultfile metadata)"))
                .hint("encrypt it with `vaultfile encrypt`, or check that --input-type matches the file"),
            DecryptError::Parse(e) => CliError::new(ExitKind::Syntax, format!("{file}: syntax error: {e}"))
                .hint("pass --input-type if the format was guessed wrong"),
            DecryptError::BadMetadata(m) => CliError::new(ExitKind::Integrity, format!("{file}: the vaultfile metadata is malformed: {m}"))
                .hint("restore the file from version control; nothing was written"),
            DecryptError::UnsupportedVersion(v) => CliError::new(ExitKind::State, format!("{file} uses vaultfile format version {v}, newer than this vaultfile reads (up to {})", vaultfile::metadata::VERSION))
                .hint("a newer release of vaultfile wrote it: install that release (or a later one) to read it"),
            DecryptError::NoMatchingIdentity { recipients, failures } => {
                let mut msg = format!("no identity can decrypt {file}\n  the file's recipients:");
                for r in &recipients {
                    msg.push_str(&format!("\n    {}", vaultfile::keys::short_id(r)));
                }
                push_tried(&mut msg, tried, &failures);
                CliError::new(ExitKind::NoIdentity, msg)
                    .hint(format!(
                        "pass -I/--identity FILE, or set VAULTFILE_AGE_KEY_FILE, or put your key in {}",
                        super::identities::default_keys_file_shown()
                    ))
                    .hint("someone who can decrypt the file can add your public key as a recipient")
            }
            e @ DecryptError::NotEnoughKeyGroups { .. } => {
                let mut msg = format!("cannot decrypt {file}: {e}");
                if let DecryptError::NotEnoughKeyGroups { groups, opened, failures, .. } = &e {
                    for (i, g) in groups.iter().enumerate() {
                        let state = if opened.contains(&i) { "opened" } else { "not opened" };
                        msg.push_str(&format!("\n  key group {} ({state}):", i + 1));
                        for r in g {
                            msg.push_str(&format!("\n    {r}"));
                        }
                    }
                    push_tried(&mut msg, tried, failures);
                }
                CliError::new(ExitKind::NoIdentity, msg)
                    .hint("pass one more identity with -I/--identity (repeatable) from a group not opened yet, or ask a member of one to decrypt")
            }
            DecryptError::Write(e) => CliError::from_write(e),
            DecryptError::Integrity(i) => CliError::new(ExitKind::Integrity, format!("integrity check failed for {file}: {i}"))
                .hint("the file was altered after it was encrypted; restore it from version control. Nothing was written"),
            other => CliError::new(ExitKind::Other, format!("{file}: {other}")),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        for h in &self.hints {
            write!(f, "\nhint: {h}")?;
        }
        Ok(())
    }
}
