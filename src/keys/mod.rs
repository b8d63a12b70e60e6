//! Key sources: who a data key is wrapped for, and who can unwrap it.
//!
//! One small trait pair, copied from the age crate's "one joint": a [`Recipient`] wraps a
//! file's data key into the string stored in the metadata, and an [`Identity`] tries to
//! unwrap one. Each key source lives in its own file ([`age`] for X25519 keys and identity
//! files, [`ssh`] for SSH keys, [`plugin`] for age plugins, [`passphrase`] for a
//! break-glass passphrase); adding one is a new file plus a line in [`parse_recipient_with`]
//! and [`load_identities`].
//!
//! Recipient strings, by shape: `age1…` (X25519), `age1NAME1…` (the age plugin
//! `age-plugin-NAME`, e.g. `age1yubikey1…`), `ssh-ed25519 …`/`ssh-rsa …`, and `passphrase`
//! or `passphrase:LABEL`. [`KeyHolders`] says who can open a file: any one of a list of
//! recipients, or one recipient from each of `threshold` key groups.

pub mod age;
#[cfg(feature = "aws-kms")]
pub mod aws_kms;
pub mod passphrase;
pub mod plugin;
pub mod remembering;
pub mod ssh;
#[cfg(feature = "vault")]
pub mod vault;

use std::sync::Arc;

pub use ::age::secrecy::SecretString;

use crate::crypto::DataKey;
use crate::metadata::WrappedKey;

/// The library's only way to reach the user: passphrase prompts.
///
/// The CLI implements it with a terminal prompt or an environment variable; tests with a
/// fixed answer.
pub trait Callbacks: Send + Sync {
    /// Asks for the passphrase described by `description`; `None` if none can be had.
    fn request_passphrase(&self, description: &str) -> Option<SecretString>;

    /// Asks for a new passphrase (to encrypt to); a terminal prompt asks twice. By default,
    /// [`Callbacks::request_passphrase`].
    fn request_new_passphrase(&self, description: &str) -> Option<SecretString> {
        self.request_passphrase(description)
    }

    /// Shows a message from a key source (an age plugin's "touch your YubiKey"). By
    /// default, nothing.
    fn message(&self, _message: &str) {}
}

/// Callbacks that never answer (non-interactive use).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCallbacks;

impl Callbacks for NoCallbacks {
    fn request_passphrase(&self, _: &str) -> Option<SecretString> {
        None
    }
}

/// Something a data key can be wrapped for.
pub trait Recipient: Send + Sync {
    /// The recipient as stored in the metadata (`age1…`, `ssh-ed25519 AAAA… comment`).
    fn id(&self) -> &str;

    /// Wraps `key` for this recipient; returns the encoded wrapped key.
    fn wrap(&self, key: &DataKey) -> Result<String, WrapError>;
}

/// Something that may unwrap a data key.
pub trait Identity {
    /// Names the identity for messages (`keys.txt line 3`, `~/.ssh/id_ed25519`).
    fn describe(&self) -> &str;

    /// Tries to unwrap `wrapped`:
    /// - `None` if it is not addressed to this identity;
    /// - `Some(Ok(key))` on success;
    /// - `Some(Err(_))` if it is addressed to this identity but unwrapping failed.
    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>>;
}

/// A recipient string that is not understood.
#[derive(Debug, thiserror::Error)]
pub enum RecipientError {
    /// The string has no known shape.
    #[error(
        "'{0}' is not a recipient: expected an age public key (age1…), an age plugin recipient (age1yubikey1…), an SSH public key (ssh-ed25519 …, ssh-rsa …) or `passphrase`"
    )]
    Unknown(String),
    /// The string is a secret key (an identity), given where a public key belongs. Only
    /// its kind is kept, never the key: the message may end up in a CI log.
    #[error(
        "this is a secret key ({0}), not a recipient: give its public key instead (`vaultfile keygen -y KEYFILE` prints an age key's; an SSH key's is in its .pub file)"
    )]
    SecretKey(&'static str),
    /// The string has a known shape but is malformed.
    #[error("invalid {kind} recipient '{text}': {reason}")]
    Invalid {
        /// Which kind it looked like.
        kind: &'static str,
        /// The text given.
        text: String,
        /// Why it was rejected.
        reason: String,
    },
}

/// Wrapping a data key failed.
#[derive(Debug, thiserror::Error)]
#[error("could not wrap the data key for {recipient}: {reason}")]
pub struct WrapError {
    /// The recipient.
    pub recipient: String,
    /// The key source's message.
    pub reason: String,
}

/// Unwrapping a data key failed with an identity it was addressed to.
#[derive(Debug, thiserror::Error)]
#[error("{identity}: {reason}")]
pub struct UnwrapError {
    /// The identity that tried.
    pub identity: String,
    /// The key source's message.
    pub reason: String,
}

/// An identity file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {reason}")]
pub struct IdentityError {
    /// Where the identity came from.
    pub source_name: String,
    /// Why it could not be used.
    pub reason: String,
}

/// Parses one recipient string, choosing the key source by its shape. Passphrase
/// recipients parsed this way cannot ask for their passphrase (see
/// [`parse_recipient_with`]); age plugins show no messages.
pub fn parse_recipient(text: &str) -> Result<Box<dyn Recipient>, RecipientError> {
    parse_recipient_with(text, Arc::new(NoCallbacks))
}

/// Parses one recipient string, choosing the key source by its shape; `callbacks` is asked
/// for a passphrase recipient's passphrase and shown age plugins' messages.
pub fn parse_recipient_with(
    text: &str,
    callbacks: Arc<dyn Callbacks>,
) -> Result<Box<dyn Recipient>, RecipientError> {
    let text = text.trim();
    if let Some(kind) = secret_key_kind(text) {
        return Err(RecipientError::SecretKey(kind));
    }
    if text.starts_with("age1") {
        match age::Recipient::parse(text) {
            Ok(r) => Ok(Box::new(r)),
            // `age1NAME1…`: an age plugin's recipient.
            Err(e) if plugin::plugin_name(text).is_none() => Err(e),
            Err(_) => plugin::Recipient::parse(text, callbacks).map(|r| Box::new(r) as _),
        }
    } else if text.starts_with("ssh-") {
        ssh::Recipient::parse(text).map(|r| Box::new(r) as _)
    } else if text.starts_with(passphrase::PREFIX) {
        passphrase::Recipient::parse(text, callbacks).map(|r| Box::new(r) as _)
    } else if text.starts_with("arn:") {
        #[cfg(feature = "aws-kms")]
        return aws_kms::Recipient::parse(text).map(|r| Box::new(r) as _);
        #[cfg(not(feature = "aws-kms"))]
        Err(RecipientError::Invalid {
            kind: "AWS KMS",
            text: text.to_owned(),
            reason: "this vaultfile was built without the aws-kms feature".into(),
        })
    } else if text.starts_with("vault:") {
        #[cfg(feature = "vault")]
        return vault::Recipient::parse(text).map(|r| Box::new(r) as _);
        #[cfg(not(feature = "vault"))]
        Err(RecipientError::Invalid {
            kind: "Vault transit",
            text: text.to_owned(),
            reason: "this vaultfile was built without the vault feature".into(),
        })
    } else {
        Err(RecipientError::Unknown(text.to_owned()))
    }
}

/// What kind of secret key `text` holds, if it holds one: a recipient list is the last
/// place a secret should be, and an error message must not repeat it.
fn secret_key_kind(text: &str) -> Option<&'static str> {
    let upper = text.to_ascii_uppercase();
    if upper.contains("AGE-SECRET-KEY-") {
        Some("AGE-SECRET-KEY-1…")
    } else if upper.contains("AGE-PLUGIN-") {
        Some("AGE-PLUGIN-…")
    } else if upper.contains("PRIVATE KEY-----") {
        Some("-----BEGIN … PRIVATE KEY-----")
    } else {
        None
    }
}

/// Parses a recipients file: one recipient per line; blank lines and `#` comments ignored.
pub fn parse_recipients_file(text: &str) -> Result<Vec<Box<dyn Recipient>>, RecipientError> {
    parse_recipients_file_with(text, Arc::new(NoCallbacks))
}

/// [`parse_recipients_file`], with callbacks for passphrase and plugin recipients.
pub fn parse_recipients_file_with(
    text: &str,
    callbacks: Arc<dyn Callbacks>,
) -> Result<Vec<Box<dyn Recipient>>, RecipientError> {
    text.lines()
        // `#` starts a comment, at the start of a line or after a blank (`age1… # alice`):
        // no recipient contains " #".
        .map(|l| l.split_once(" #").map_or(l, |(r, _)| r).trim())
        .map(|l| l.split_once("\t#").map_or(l, |(r, _)| r).trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| parse_recipient_with(l, callbacks.clone()))
        .collect()
}

/// The identity that opens keys wrapped for `passphrase` recipients, asking `callbacks` for
/// the passphrase (once per recipient) only when a file has such a key and no other
/// identity opened it. Put it last in the identity list.
pub fn passphrase_identity(callbacks: Arc<dyn Callbacks>) -> Box<dyn Identity> {
    Box::new(passphrase::Identity::new(callbacks))
}

/// Who can open a file.
pub enum KeyHolders {
    /// Any one of these recipients.
    Recipients(Vec<Box<dyn Recipient>>),
    /// One recipient from each of `threshold` groups (Shamir's secret sharing of the key).
    Groups {
        /// The groups, in order; none is empty.
        groups: Vec<Vec<Box<dyn Recipient>>>,
        /// How many groups are needed: between 1 and the number of groups.
        threshold: usize,
    },
}

impl KeyHolders {
    /// The recipient strings of each group (one group for [`KeyHolders::Recipients`]) and
    /// the threshold (1 for [`KeyHolders::Recipients`]), in the shape of
    /// [`crate::metadata::Metadata::groups`].
    pub fn ids(&self) -> (Vec<Vec<&str>>, usize) {
        match self {
            KeyHolders::Recipients(r) => (vec![r.iter().map(|r| r.id()).collect()], 1),
            KeyHolders::Groups { groups, threshold } => (
                groups
                    .iter()
                    .map(|g| g.iter().map(|r| r.id()).collect())
                    .collect(),
                *threshold,
            ),
        }
    }

    /// Whether there is nobody to encrypt to.
    pub fn is_empty(&self) -> bool {
        match self {
            KeyHolders::Recipients(r) => r.is_empty(),
            KeyHolders::Groups { groups, .. } => groups.iter().all(Vec::is_empty),
        }
    }
}

/// Loads the identities in one identity source, choosing the parser by content: an
/// OpenSSH or PEM private key, a passphrase-protected age identity file, or age's
/// `keys.txt` format (comments and blank lines allowed, several keys per file).
///
/// `name` is used in messages (usually the file path). `callbacks` is asked for a
/// passphrase only when an encrypted identity is actually needed.
pub fn load_identities(
    name: &str,
    content: &[u8],
    callbacks: Arc<dyn Callbacks>,
) -> Result<Vec<Box<dyn Identity>>, IdentityError> {
    let text = std::str::from_utf8(content).map_err(|_| IdentityError {
        source_name: name.to_owned(),
        reason: "not a text file (identity files are UTF-8 text)".into(),
    })?;
    let trimmed = text.trim_start();
    if trimmed.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
        || trimmed.starts_with("-----BEGIN RSA PRIVATE KEY-----")
    {
        ssh::load_identity(name, text, callbacks).map(|i| vec![i])
    } else {
        age::load_identities(name, content, callbacks)
    }
}

/// Keys made up for unit tests.
#[cfg(test)]
pub(crate) mod testkit {
    use super::*;

    /// A recipient list and the identity list that opens what is encrypted to it.
    pub type KeyPair = (Vec<Box<dyn Recipient>>, Vec<Box<dyn Identity>>);

    /// A fresh age key pair.
    pub fn generated() -> KeyPair {
        let id = ::age::x25519::Identity::generate();
        let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        (
            vec![parse_recipient(&id.to_public().to_string()).unwrap()],
            load_identities("test key", secret.as_bytes(), Arc::new(NoCallbacks)).unwrap(),
        )
    }
}

#[cfg(test)]
mod recipient_tests {
    use super::*;

    /// A secret key given as a recipient is recognised and never repeated.
    #[test]
    fn a_secret_key_given_as_a_recipient_is_not_echoed() {
        let id = ::age::x25519::Identity::generate();
        let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        for given in [
            secret.clone(),
            secret.to_lowercase(),
            format!("  {secret}  "),
            "AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQ".to_owned(),
            // Assembled here, so that secret scanners do not take this test for a key.
            format!(
                "-----BEGIN OPENSSH {}-----\nb3BlbnNzaC1rZXktdjEAAAAA\n",
                "PRIVATE KEY"
            ),
        ] {
            let Err(err) = parse_recipient(&given) else {
                panic!("a secret key was taken as a recipient")
            };
            let msg = err.to_string();
            assert!(matches!(err, RecipientError::SecretKey(_)), "{msg}");
            assert!(msg.contains("secret key"), "{msg}");
            assert!(!msg.contains(&secret[16..]), "the key is echoed: {msg}");
            assert!(
                !msg.contains("QQQQQQQQ") && !msg.contains("b3BlbnNz"),
                "{msg}"
            );
        }
        let err = match parse_recipients_file(&format!("# alice\n{secret}  # mine\n")) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        };
        assert!(!err.contains(&secret[16..]), "{err}");
    }

    /// Regression: a recipients file's inline comment (`age1… # alice`) was refused,
    /// although `#` starts a comment.
    #[test]
    fn recipients_files_take_inline_comments() {
        let a = ::age::x25519::Identity::generate().to_public().to_string();
        let b = ::age::x25519::Identity::generate().to_public().to_string();
        let text = format!("# the team\n{a} # alice\n\n{b}\t# bob\n   # indented comment\n");
        let ids: Vec<String> = parse_recipients_file(&text)
            .unwrap()
            .iter()
            .map(|r| r.id().to_owned())
            .collect();
        assert_eq!(ids, vec![a, b]);
    }
}
