//! age X25519 recipients, and identities in age's own formats.
//!
//! Every age-family key source (X25519, SSH, plugins, passphrase-protected identity
//! files) wraps the data key the same way: a tiny age file, encrypted to that one
//! recipient, whose payload is the 32-byte key. The wrapped key is stored as its base64.
//! One age file per recipient (not one for all) keeps each recipient's entry independent,
//! so adding or removing one changes one line of the metadata.

pub mod pq;

use std::io::{Read, Write};
use std::str::FromStr;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Callbacks, IdentityError, LocalSource, RecipientError, UnwrapError, WrapError};
use crate::crypto::DataKey;
use crate::metadata::WrappedKey;

/// The age X25519 key source: `age1…` recipients (age plugins' `age1NAME1…` are claimed
/// first by [`super::plugin::SOURCE`]).
pub static SOURCE: LocalSource = LocalSource {
    name: "age",
    claims: |text| text.starts_with("age1"),
    parse: |text, _| Recipient::parse(text).map(|r| Box::new(r) as _),
    quantum_resistant: false,
    sops_kind: Some("age"),
};

/// A recipient that age wraps keys for alone (an X25519 or SSH key): the string it is
/// known by, and age's own recipient.
pub struct AgeRecipient<R> {
    pub(super) id: String,
    pub(super) inner: R,
}

impl<R: ::age::Recipient + Send + Sync> super::Recipient for AgeRecipient<R> {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, key: &DataKey) -> Result<String, WrapError> {
        wrap_with(&self.id, &self.inner, key)
    }

    /// X25519, SSH and post-quantum keys: age's arithmetic, nothing else.
    fn computed_locally(&self) -> bool {
        true
    }
}

/// An age X25519 recipient (`age1…`).
pub type Recipient = AgeRecipient<::age::x25519::Recipient>;

impl Recipient {
    /// Parses an `age1…` public key.
    pub fn parse(text: &str) -> Result<Self, RecipientError> {
        let inner = ::age::x25519::Recipient::from_str(text)
            .map_err(|e| RecipientError::invalid("age", text, e.to_string()))?;
        Ok(Recipient {
            id: inner.to_string(),
            inner,
        })
    }
}

/// Wraps `key` for one age-family recipient: base64 of an age file holding the key.
pub(crate) fn wrap_with(
    id: &str,
    recipient: &dyn ::age::Recipient,
    key: &DataKey,
) -> Result<String, WrapError> {
    let err = |e: &dyn std::fmt::Display| WrapError {
        recipient: id.to_owned(),
        reason: e.to_string(),
    };
    let encryptor =
        ::age::Encryptor::with_recipients(std::iter::once(recipient)).map_err(|e| err(&e))?;
    let mut out = Vec::with_capacity(512);
    let mut w = encryptor.wrap_output(&mut out).map_err(|e| err(&e))?;
    w.write_all(key.expose()).map_err(|e| err(&e))?;
    w.finish().map_err(|e| err(&e))?;
    Ok(STANDARD.encode(out))
}

/// Unwraps `wrapped` with one age identity; `None` when it is not addressed to it.
pub(crate) fn unwrap_with(
    describe: &str,
    identity: &dyn ::age::Identity,
    wrapped: &WrappedKey,
) -> Option<Result<DataKey, UnwrapError>> {
    unwrap_explained(describe, identity, wrapped, |e| e.to_string())
}

/// [`unwrap_with`], with `explain` turning age's decryption errors into the message.
pub(crate) fn unwrap_explained(
    describe: &str,
    identity: &dyn ::age::Identity,
    wrapped: &WrappedKey,
    explain: impl Fn(&::age::DecryptError) -> String,
) -> Option<Result<DataKey, UnwrapError>> {
    // Keys wrapped by a key service are not age files: not addressed to any age identity
    // (trying would only add "header is invalid" noise to error messages).
    if wrapped.recipient.starts_with("arn:") || wrapped.recipient.starts_with("vault:") {
        return None;
    }
    let err = |reason: String| UnwrapError {
        identity: describe.to_owned(),
        reason,
    };
    let Ok(bytes) = STANDARD.decode(wrapped.key.trim()) else {
        return Some(Err(err(format!(
            "the wrapped key for {} is not valid base64",
            wrapped.recipient
        ))));
    };
    let decryptor = match ::age::Decryptor::new_buffered(&bytes[..]) {
        Ok(d) => d,
        Err(e) => {
            return Some(Err(err(format!(
                "the wrapped key for {} is damaged: {e}",
                wrapped.recipient
            ))));
        }
    };
    let mut reader = match decryptor.decrypt(std::iter::once(identity)) {
        Ok(r) => r,
        Err(::age::DecryptError::NoMatchingKeys) => return None,
        Err(e) => return Some(Err(err(explain(&e)))),
    };
    let mut key = zeroize::Zeroizing::new(Vec::with_capacity(32));
    if let Err(e) = reader.read_to_end(&mut key) {
        return Some(Err(err(format!("the wrapped key is damaged: {e}"))));
    }
    Some(
        DataKey::from_bytes(&key).ok_or_else(|| err("the wrapped key has the wrong length".into())),
    )
}

/// Any age identity (X25519, plugin, passphrase-protected file, SSH), with a name.
pub struct Identity {
    describe: String,
    inner: Box<dyn ::age::Identity + Send + Sync>,
}

impl Identity {
    /// Wraps an age identity.
    pub fn new(describe: String, inner: Box<dyn ::age::Identity + Send + Sync>) -> Self {
        Identity { describe, inner }
    }
}

impl super::Identity for Identity {
    fn describe(&self) -> &str {
        &self.describe
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        unwrap_with(&self.describe, self.inner.as_ref(), wrapped)
    }
}

/// A passphrase-protected identity file (`age -p keys.txt`), opened the first time a key
/// wrapped for an age recipient is to be unwrapped. Its content is then read as any
/// identity file, so it may hold post-quantum keys, which the `age` crate's own
/// `encrypted::Identity` does not read yet.
struct ProtectedFile {
    name: String,
    /// The encrypted file (not secret).
    content: Vec<u8>,
    callbacks: Arc<dyn Callbacks>,
    opened: std::sync::OnceLock<Result<Vec<Box<dyn super::Identity>>, String>>,
}

impl ProtectedFile {
    fn open(&self) -> Result<Vec<Box<dyn super::Identity>>, String> {
        let reader = ::age::armor::ArmoredReader::new(&self.content[..]);
        let decryptor = ::age::Decryptor::new_buffered(reader).map_err(|e| e.to_string())?;
        if !decryptor.is_scrypt() {
            return Err(
                "is an age file but not passphrase-protected: it is not an identity file".into(),
            );
        }
        let passphrase = self
            .callbacks
            .request_passphrase(&format!("Passphrase for the identity file {}", self.name))
            .ok_or("no passphrase was given for it")?;
        let identity = ::age::scrypt::Identity::new(passphrase);
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn ::age::Identity))
            .map_err(|e| match e {
                ::age::DecryptError::DecryptionFailed | ::age::DecryptError::NoMatchingKeys => {
                    "the passphrase is wrong".to_owned()
                }
                e => e.to_string(),
            })?;
        let mut text = zeroize::Zeroizing::new(Vec::new());
        reader
            .read_to_end(&mut text)
            .map_err(|e| format!("cannot be decrypted: {e}"))?;
        load_identities(&self.name, &text, self.callbacks.clone()).map_err(|e| e.reason)
    }
}

impl super::Identity for ProtectedFile {
    fn describe(&self) -> &str {
        &self.name
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        // Only age-family keys can be in an age identity file: a key service's wrapped key
        // must not cost a passphrase prompt.
        if !wrapped.recipient.starts_with("age1") {
            return None;
        }
        match self.opened.get_or_init(|| self.open()) {
            Ok(ids) => ids.iter().find_map(|id| id.unwrap(wrapped)),
            Err(reason) => Some(Err(UnwrapError {
                identity: self.name.clone(),
                reason: reason.clone(),
            })),
        }
    }
}

/// Adapts the library's [`Callbacks`] to the age crate's trait.
#[derive(Clone)]
pub(crate) struct AgeCallbacks(pub(crate) Arc<dyn Callbacks>);

impl ::age::Callbacks for AgeCallbacks {
    fn display_message(&self, message: &str) {
        self.0.message(message);
    }

    fn confirm(&self, _message: &str, _yes: &str, _no: Option<&str>) -> Option<bool> {
        None
    }

    fn request_public_string(&self, _description: &str) -> Option<String> {
        None
    }

    fn request_passphrase(&self, description: &str) -> Option<::age::secrecy::SecretString> {
        self.0.request_passphrase(description)
    }
}

/// The age identities of an identity file's text in `keys.txt` format, X25519 and
/// post-quantum, as the `age` crate's own trait objects (for SOPS's age stanzas, which
/// hold Shamir shares rather than data keys); plugin lines are left out. `None` when the
/// text is not such a file, or holds none.
pub fn native_identities(text: &[u8]) -> Option<Vec<Box<dyn ::age::Identity + Send + Sync>>> {
    let text = std::str::from_utf8(text).ok()?;
    let mut pq_ids: Vec<Box<dyn ::age::Identity + Send + Sync>> = Vec::new();
    let mut native = zeroize::Zeroizing::new(String::with_capacity(text.len()));
    for line in text.lines() {
        let t = line.trim();
        if t.len() > pq::IDENTITY_PREFIX.len()
            && t[..pq::IDENTITY_PREFIX.len()].eq_ignore_ascii_case(pq::IDENTITY_PREFIX)
        {
            pq_ids.push(Box::new(pq::Identity::parse(t).ok()?));
        } else if !t.starts_with("AGE-PLUGIN-") {
            native.push_str(line);
        }
        native.push('\n');
    }
    let mut ids = ::age::IdentityFile::from_buffer(native.as_bytes())
        .ok()?
        .into_identities()
        .ok()?;
    ids.extend(pq_ids);
    (!ids.is_empty()).then_some(ids)
}

/// Loads an age identity file: `keys.txt` format, or a passphrase-protected age file.
pub(crate) fn load_identities(
    name: &str,
    content: &[u8],
    callbacks: Arc<dyn Callbacks>,
) -> Result<Vec<Box<dyn super::Identity>>, IdentityError> {
    let err = |reason: String| IdentityError {
        source_name: name.to_owned(),
        reason,
    };
    let text = String::from_utf8_lossy(content);
    let trimmed = text.trim_start();
    if trimmed.starts_with("-----BEGIN AGE ENCRYPTED FILE-----")
        || trimmed.starts_with("age-encryption.org/")
    {
        // A passphrase-protected identity file (`age -p keys.txt`): opened, with a
        // passphrase, the first time one of its keys is needed, not now.
        return Ok(vec![Box::new(ProtectedFile {
            name: name.to_owned(),
            content: content.to_vec(),
            callbacks,
            opened: std::sync::OnceLock::new(),
        })]);
    }
    // Plugin identities (`AGE-PLUGIN-NAME-1…`) are taken out here, so that a plugin that is
    // not installed fails only the files addressed to it, when they are opened, instead of
    // the whole identity file now. Their lines are blanked, which keeps age's line numbers.
    let mut plugins: Vec<Box<dyn super::Identity>> = Vec::new();
    let mut pq_ids: Vec<pq::Identity> = Vec::new();
    let mut native = zeroize::Zeroizing::new(String::with_capacity(text.len()));
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.len() > pq::IDENTITY_PREFIX.len()
            && t[..pq::IDENTITY_PREFIX.len()].eq_ignore_ascii_case(pq::IDENTITY_PREFIX)
        {
            // Post-quantum identities are not the age crate's yet (see `pq`).
            let id = pq::Identity::parse(t).map_err(|e| {
                err(format!(
                    "line {}: not a post-quantum age identity: {e}",
                    i + 1
                ))
            })?;
            pq_ids.push(id);
        } else if t.starts_with("AGE-PLUGIN-") {
            let id = super::plugin::Identity::parse(name, t, callbacks.clone())
                .map_err(|e| err(format!("line {}: not a plugin identity: {e}", i + 1)))?;
            plugins.push(Box::new(id));
        } else {
            native.push_str(line);
        }
        native.push('\n');
    }
    let file = ::age::IdentityFile::from_buffer(native.as_bytes())
        .map_err(|e| err(format!("not an age identity file: {e}")))?
        .with_callbacks(AgeCallbacks(callbacks));
    let mut ids = file.into_identities().map_err(|e| err(e.to_string()))?;
    ids.extend(
        pq_ids
            .into_iter()
            .map(|id| Box::new(id) as Box<dyn ::age::Identity + Send + Sync>),
    );
    if ids.is_empty() && plugins.is_empty() {
        return Err(err("contains no identity".into()));
    }
    let many = ids.len() > 1;
    let mut out: Vec<Box<dyn super::Identity>> = ids
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let describe = if many {
                format!("{name} (key {})", i + 1)
            } else {
                name.to_owned()
            };
            Box::new(Identity::new(describe, id)) as Box<dyn super::Identity>
        })
        .collect();
    out.extend(plugins);
    Ok(out)
}
