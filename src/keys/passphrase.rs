//! Passphrase recipients (age's scrypt recipient), for a break-glass copy of the data key.
//!
//! The recipient is written `passphrase`, or `passphrase:LABEL` to tell several apart
//! (`passphrase:break-glass`). The passphrase itself is never part of the recipient: it is
//! asked for through [`Callbacks::request_new_passphrase`] when a data key (or a key group's
//! share) has to be wrapped, and through [`Callbacks::request_passphrase`] when a file is
//! opened and no other identity at hand can. Each wrapped key is an age file with one
//! scrypt stanza (age allows no other recipient beside a passphrase, which is why every
//! recipient gets its own age file), at age's default work factor (about a second).

use std::sync::{Arc, OnceLock};

use ::age::secrecy::SecretString;

use super::age::{unwrap_explained, wrap_with};
use super::{Callbacks, LocalSource, RecipientError, UnwrapError, WrapError};
use crate::crypto::DataKey;
use crate::metadata::WrappedKey;

/// The recipient word.
pub const PREFIX: &str = "passphrase";

/// Whether `recipient` names a passphrase recipient (`passphrase` or `passphrase:LABEL`).
pub fn is_passphrase(recipient: &str) -> bool {
    recipient == PREFIX
        || recipient
            .strip_prefix(PREFIX)
            .is_some_and(|rest| rest.starts_with(':'))
}

/// The passphrase key source: `passphrase` and `passphrase:LABEL` recipients.
pub static SOURCE: LocalSource = LocalSource {
    name: "passphrase",
    claims: |text| text.starts_with(PREFIX),
    parse: |text, callbacks| Recipient::parse(text, callbacks).map(|r| Box::new(r) as _),
    // scrypt and ChaCha20-Poly1305: symmetric, so only Grover's square root applies.
    quantum_resistant: true,
    sops_kind: None,
};

/// A passphrase recipient. The passphrase is asked for once, the first time it is needed.
pub struct Recipient {
    id: String,
    callbacks: Arc<dyn Callbacks>,
    passphrase: OnceLock<SecretString>,
}

impl Recipient {
    /// Parses `passphrase` or `passphrase:LABEL` (a label of letters, digits, `-`, `_`, `.`).
    pub fn parse(text: &str, callbacks: Arc<dyn Callbacks>) -> Result<Self, RecipientError> {
        let invalid = |reason: &str| RecipientError::invalid("passphrase", text, reason);
        if let Some(label) = text.strip_prefix("passphrase:") {
            if label.is_empty()
                || !label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                return Err(invalid(
                    "the label after `passphrase:` must be letters, digits, '-', '_' or '.' \
                     (the passphrase itself is asked for, never written in the recipient)",
                ));
            }
        } else if text != PREFIX {
            return Err(invalid("write `passphrase` or `passphrase:LABEL`"));
        }
        Ok(Recipient {
            id: text.to_owned(),
            callbacks,
            passphrase: OnceLock::new(),
        })
    }
}

impl super::Recipient for Recipient {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, key: &DataKey) -> Result<String, WrapError> {
        let passphrase = match self.passphrase.get() {
            Some(p) => p.clone(),
            None => {
                let p = self
                    .callbacks
                    .request_new_passphrase(&format!(
                        "New passphrase for the recipient '{}'",
                        self.id
                    ))
                    .ok_or_else(|| WrapError {
                        recipient: self.id.clone(),
                        reason: "no passphrase was given (on a terminal it is asked for; \
                                 elsewhere set VAULTFILE_PASSPHRASE)"
                            .into(),
                    })?;
                if ::age::secrecy::ExposeSecret::expose_secret(&p).is_empty() {
                    return Err(WrapError {
                        recipient: self.id.clone(),
                        reason: "the passphrase is empty".into(),
                    });
                }
                self.passphrase.get_or_init(|| p).clone()
            }
        };
        wrap_with(&self.id, &::age::scrypt::Recipient::new(passphrase), key)
    }
}

/// Opens keys wrapped for passphrase recipients, asking for each label's passphrase once.
pub struct Identity {
    callbacks: Arc<dyn Callbacks>,
    asked: std::sync::Mutex<Vec<(String, Option<SecretString>)>>,
}

impl Identity {
    /// An identity that asks `callbacks` for passphrases when it meets a passphrase
    /// recipient.
    pub fn new(callbacks: Arc<dyn Callbacks>) -> Self {
        Identity {
            callbacks,
            asked: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn passphrase_for(&self, recipient: &str) -> Option<SecretString> {
        let mut asked = self.asked.lock().ok()?;
        if let Some((_, p)) = asked.iter().find(|(r, _)| r == recipient) {
            return p.clone();
        }
        let p = self
            .callbacks
            .request_passphrase(&format!("Passphrase for the recipient '{recipient}'"));
        asked.push((recipient.to_owned(), p.clone()));
        p
    }
}

impl super::Identity for Identity {
    fn describe(&self) -> &str {
        "passphrase"
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        if !is_passphrase(&wrapped.recipient) {
            return None;
        }
        let err = |reason: String| UnwrapError {
            identity: format!("passphrase for '{}'", wrapped.recipient),
            reason,
        };
        let Some(passphrase) = self.passphrase_for(&wrapped.recipient) else {
            return Some(Err(err(
                "no passphrase was given (on a terminal it is asked for; elsewhere set \
                 VAULTFILE_PASSPHRASE)"
                    .into(),
            )));
        };
        let identity = ::age::scrypt::Identity::new(passphrase);
        let explained = unwrap_explained("passphrase", &identity, wrapped, |e| match e {
            // age reports a wrong passphrase as a failed decryption of its one stanza.
            ::age::DecryptError::DecryptionFailed => "wrong passphrase".into(),
            other => other.to_string(),
        });
        match explained {
            Some(Err(e)) => Some(Err(err(e.reason))),
            None => Some(Err(
                err("the wrapped key is not a passphrase stanza".into()),
            )),
            ok => ok,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{Identity as _, Recipient as _};

    struct Fixed(&'static str);
    impl Callbacks for Fixed {
        fn request_passphrase(&self, _: &str) -> Option<SecretString> {
            Some(SecretString::from(self.0.to_owned()))
        }
    }

    #[test]
    fn parse_accepts_the_word_and_a_label_only() {
        let cb: Arc<dyn Callbacks> = Arc::new(Fixed("x"));
        assert!(Recipient::parse("passphrase", cb.clone()).is_ok());
        assert!(Recipient::parse("passphrase:break-glass", cb.clone()).is_ok());
        for bad in ["passphrase:", "passphrase:two words", "passphrases"] {
            assert!(Recipient::parse(bad, cb.clone()).is_err(), "{bad}");
        }
        assert!(is_passphrase("passphrase:x") && !is_passphrase("passphrasex"));
    }

    #[test]
    fn wrap_and_unwrap_with_the_right_passphrase_only() {
        let key = DataKey::generate();
        let r = Recipient::parse("passphrase:ops", Arc::new(Fixed("correct horse"))).unwrap();
        let wrapped = WrappedKey {
            recipient: r.id().to_owned(),
            key: r.wrap(&key).unwrap(),
        };
        let good = Identity::new(Arc::new(Fixed("correct horse")));
        assert!(good.unwrap(&wrapped).unwrap().unwrap() == key);
        let bad = Identity::new(Arc::new(Fixed("wrong")));
        let e = bad.unwrap(&wrapped).unwrap().unwrap_err();
        assert_eq!(e.reason, "wrong passphrase");
        // Not a passphrase recipient: not addressed to it.
        let other = WrappedKey {
            recipient: "age1xyz".into(),
            key: wrapped.key.clone(),
        };
        assert!(good.unwrap(&other).is_none());
    }
}
