//! SSH recipients (`ssh-ed25519`, `ssh-rsa`) and OpenSSH private keys as identities.
//!
//! Through the age crate's SSH support, so the wrapped key is the same kind of age file as
//! for X25519 recipients. Many people already have an SSH key and publish it (GitHub's
//! `https://github.com/NAME.keys`), which makes it the easiest recipient to collect.

use std::str::FromStr;
use std::sync::Arc;

use super::age::{AgeCallbacks, AgeRecipient, unwrap_with};
use super::{Callbacks, IdentityError, LocalSource, RecipientError, UnwrapError};
use crate::crypto::DataKey;
use crate::metadata::WrappedKey;

/// The SSH key source: `ssh-ed25519 …` and `ssh-rsa …` recipients, through age's SSH
/// support.
pub static SOURCE: LocalSource = LocalSource {
    name: "SSH",
    claims: |text| text.starts_with("ssh-"),
    parse: |text, _| Recipient::parse(text).map(|r| Box::new(r) as _),
    quantum_resistant: false,
    sops_kind: Some("age"),
};

/// An SSH public key as a recipient.
pub type Recipient = AgeRecipient<::age::ssh::Recipient>;

impl Recipient {
    /// Parses an `ssh-ed25519 AAAA… [comment]` or `ssh-rsa AAAA… [comment]` line.
    pub fn parse(text: &str) -> Result<Self, RecipientError> {
        let inner = ::age::ssh::Recipient::from_str(text)
            .map_err(|e| RecipientError::invalid("SSH", text, format!("{e:?}")))?;
        // Keep the comment: it tells people whose key this is.
        let id = text.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(Recipient { id, inner })
    }
}

/// An OpenSSH private key (ed25519 or RSA, passphrase-protected or not).
pub struct Identity {
    describe: String,
    inner: Box<dyn ::age::Identity + Send + Sync>,
    /// The public key, when known (from the matching `.pub` file): lets us skip a
    /// passphrase prompt for files that are not addressed to this key.
    public: Option<String>,
    /// One unwrap at a time: a passphrase-protected key asks on the terminal, and two
    /// files opened on two threads must not ask at once.
    one_at_a_time: std::sync::Mutex<()>,
}

impl Identity {
    /// Sets the public key line (`ssh-ed25519 AAAA… comment`) that belongs to this key.
    pub fn with_public_key(mut self, public: &str) -> Self {
        self.public = public.split_whitespace().nth(1).map(str::to_owned);
        self
    }
}

impl super::Identity for Identity {
    fn describe(&self) -> &str {
        &self.describe
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        if let Some(public) = &self.public
            && wrapped.recipient.split_whitespace().nth(1) != Some(public.as_str())
        {
            return None;
        }
        let _one = self
            .one_at_a_time
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        unwrap_with(&self.describe, self.inner.as_ref(), wrapped)
    }
}

/// Loads one OpenSSH or PEM private key.
pub(crate) fn load_identity(
    name: &str,
    text: &str,
    callbacks: Arc<dyn Callbacks>,
) -> Result<Box<dyn super::Identity>, IdentityError> {
    let id =
        ::age::ssh::Identity::from_buffer(text.as_bytes(), Some(name.to_owned())).map_err(|e| {
            IdentityError {
                source_name: name.to_owned(),
                reason: format!("not a usable SSH private key: {e}"),
            }
        })?;
    if let ::age::ssh::Identity::Unsupported(k) = &id {
        return Err(IdentityError {
            source_name: name.to_owned(),
            reason: format!("unsupported SSH key type: {k:?}"),
        });
    }
    Ok(Box::new(load_public_sibling(
        name,
        Identity {
            describe: name.to_owned(),
            inner: Box::new(id.with_callbacks(AgeCallbacks(callbacks))),
            public: None,
            one_at_a_time: std::sync::Mutex::new(()),
        },
    )))
}

fn load_public_sibling(name: &str, id: Identity) -> Identity {
    match std::fs::read_to_string(format!("{name}.pub")) {
        Ok(public) => id.with_public_key(&public),
        Err(_) => id,
    }
}
