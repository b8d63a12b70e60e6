//! What the key services (AWS KMS, Vault/OpenBao transit, Google Cloud KMS, Azure Key
//! Vault) have in common: why a call failed, by class.
//!
//! The class decides what the user can do (fix a policy, wait, check the network, allow a
//! server) and what vaultfile does next (try another identity, give up on an unreachable
//! service for the rest of the process), so it is kept as a type, not folded into a string.
//!
//! A key service is one [`KeyService`] implementation (how its recipient strings read, how
//! a payload is wrapped and unwrapped); its recipient and identity are this module's
//! [`ServiceRecipient`] and [`ServiceIdentity`], the same for every service.

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use super::{RecipientError, SopsEntry, UnwrapError, WrapError};
use crate::crypto::DataKey;
use crate::metadata::WrappedKey;

/// Why a call to a key service failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureClass {
    /// The credentials may not use the key, or are invalid or expired.
    Denied,
    /// The key (alias, mount, resource) does not exist.
    NotFound,
    /// The key is disabled or pending deletion.
    Disabled,
    /// AWS KMS: the encryption context differs from the one used to wrap (or the blob was
    /// altered, or wrapped under another key).
    WrongContext,
    /// The service refused the wrapped key (altered, from another key, or too old a
    /// version).
    Rejected,
    /// Still throttled after every retry with backoff.
    Throttled,
    /// Sealed, in standby or otherwise unavailable.
    Unavailable,
    /// No answer within the timeout.
    TimedOut,
    /// No connection could be made.
    Unreachable,
    /// AWS, Google, Azure: no credentials could be found or obtained.
    NoCredentials,
    /// Vault: no token was configured.
    NoToken,
    /// The service's address is not one the caller allowed (a Vault server not on the
    /// allow-list, an ARN whose region is not an AWS region): nothing was sent.
    NotAllowed,
    /// Anything else.
    Other,
}

impl FailureClass {
    /// The class in a message: `denied`, `timed out`…
    pub fn label(self) -> &'static str {
        match self {
            FailureClass::Denied => "denied",
            FailureClass::NotFound => "not found",
            FailureClass::Disabled => "disabled key",
            FailureClass::WrongContext => {
                "wrong encryption context (or the wrapped key was altered, or wrapped under another key)"
            }
            FailureClass::Rejected => "ciphertext rejected",
            FailureClass::Throttled => "throttled (still, after retries with backoff)",
            FailureClass::Unavailable => "unavailable",
            FailureClass::TimedOut => "timed out",
            FailureClass::Unreachable => "unreachable",
            FailureClass::NoCredentials => "no credentials",
            FailureClass::NoToken => "no Vault token",
            FailureClass::NotAllowed => "refused",
            FailureClass::Other => "failed",
        }
    }
}

/// A failed call to a key service: its class and what the service (or its SDK) said.
#[derive(Clone, Debug, thiserror::Error)]
pub struct KeyServiceError {
    /// The class.
    pub class: FailureClass,
    /// The details.
    pub detail: String,
}

impl KeyServiceError {
    /// A failure of `class` with `detail`.
    pub fn new(class: FailureClass, detail: impl Into<String>) -> Self {
        KeyServiceError {
            class,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for KeyServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class.label(), self.detail)
    }
}

/// How long to wait before trying a throttled call again: exponential backoff with jitter,
/// half the cap plus up to half again, for a cap of 400 ms, 800 ms… (capped at 5 s), so
/// that many clients throttled together do not retry together.
#[cfg_attr(not(feature = "key-service"), allow(dead_code))]
pub(crate) fn backoff(attempt: u32) -> Duration {
    let cap = 200u64.saturating_mul(1 << attempt.min(5)).min(5_000);
    let mut r = [0u8; 2];
    let jitter = match getrandom::getrandom(&mut r) {
        Ok(()) => u64::from(u16::from_le_bytes(r)) % cap.max(1),
        Err(_) => cap / 2,
    };
    Duration::from_millis(cap / 2 + jitter / 2)
}

/// An error and its sources, one after the other (`a: b: c`), each said once: what a
/// transport or SDK failure says, for messages.
#[cfg_attr(not(feature = "key-service"), allow(dead_code))]
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// The endpoints of a key service found down in this process (timed out or unreachable):
/// not tried again, so that a `git` checkout of many files waits for a dead endpoint once,
/// not once per file.
///
/// Files are opened on several threads at once, so the first request to an endpoint goes
/// alone: the others wait for its outcome, then either go ahead together (it answered) or
/// fail at once with its failure (it did not). A checkout while KMS is down then reports
/// what one file at a time would, and never waits for more than one timeout.
#[derive(Default)]
pub(crate) struct Down {
    reach: std::sync::Mutex<std::collections::HashMap<String, Reach>>,
    changed: std::sync::Condvar,
}

/// What this process knows of an endpoint.
#[cfg_attr(not(feature = "key-service"), allow(dead_code))]
enum Reach {
    /// Its first request is under way.
    Probing,
    /// It answered.
    Up,
    /// It timed out or could not be reached.
    Down(KeyServiceError),
}

/// A request to an endpoint, let through by [`Down::check`]; [`Probe::note`] records how
/// it went.
pub(crate) struct Probe<'a> {
    down: &'a Down,
    endpoint: String,
    first: bool,
    noted: bool,
}

#[cfg_attr(not(feature = "key-service"), allow(dead_code))]
impl Down {
    /// Lets a request to `endpoint` go, after waiting for the first one's outcome if it is
    /// under way; fails at once, with the earlier failure, if `endpoint` was found down.
    pub fn check(&self, endpoint: &str) -> Result<Probe<'_>, KeyServiceError> {
        let mut reach = self
            .reach
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            match reach.get(endpoint) {
                None => {
                    reach.insert(endpoint.to_owned(), Reach::Probing);
                    return Ok(self.probe(endpoint, true));
                }
                Some(Reach::Up) => return Ok(self.probe(endpoint, false)),
                Some(Reach::Down(f)) => {
                    return Err(KeyServiceError {
                        class: f.class,
                        detail: format!("{} (earlier in this run; not tried again)", f.detail),
                    });
                }
                Some(Reach::Probing) => {
                    reach = self
                        .changed
                        .wait(reach)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
            }
        }
    }

    fn probe(&self, endpoint: &str, first: bool) -> Probe<'_> {
        Probe {
            down: self,
            endpoint: endpoint.to_owned(),
            first,
            noted: false,
        }
    }

    fn set(&self, endpoint: &str, state: Option<Reach>) {
        let mut reach = self
            .reach
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match state {
            Some(s) => reach.insert(endpoint.to_owned(), s),
            None => reach.remove(endpoint),
        };
        self.changed.notify_all();
    }
}

#[cfg_attr(not(feature = "key-service"), allow(dead_code))]
impl Probe<'_> {
    /// `result`, after remembering the endpoint as down if it is a time-out or an
    /// unreachable endpoint, and as up otherwise (any answer, even a refusal, is one).
    pub fn note<T>(mut self, result: Result<T, KeyServiceError>) -> Result<T, KeyServiceError> {
        self.noted = true;
        match &result {
            Err(f) if matches!(f.class, FailureClass::TimedOut | FailureClass::Unreachable) => {
                self.down.set(&self.endpoint, Some(Reach::Down(f.clone())));
            }
            _ if self.first => self.down.set(&self.endpoint, Some(Reach::Up)),
            _ => {}
        }
        result
    }
}

impl Drop for Probe<'_> {
    fn drop(&mut self) {
        // A first request that ended before it was made (a request that could not be
        // built): the next one probes instead, rather than everyone waiting for ever.
        if self.first && !self.noted {
            self.down.set(&self.endpoint, None);
        }
    }
}

/// A key service's recipient string that cannot be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadKey(pub String);

impl From<&str> for BadKey {
    fn from(reason: &str) -> Self {
        BadKey(reason.to_owned())
    }
}

impl From<String> for BadKey {
    fn from(reason: String) -> Self {
        BadKey(reason)
    }
}

/// A key service's recipient string, parsed: the key, and the options of every call made
/// with it.
pub trait ServiceKey: Sized + Send + Sync {
    /// Parses one of the service's recipient strings.
    fn parse(text: &str) -> Result<Self, BadKey>;

    /// The recipient string, as stored in metadata (canonical: parsing it gives this key).
    fn id(&self) -> String;
}

/// A remote key service (a KMS) as its recipients and identities use it: its recipient
/// strings, and a payload wrapped and unwrapped by a call to it. The value is the
/// service's connection state (settings, clients, endpoints found down), shared by clones.
pub trait KeyService: Clone + Send + Sync + 'static {
    /// Its parsed recipient strings.
    type Key: ServiceKey;

    /// Its name in messages (`AWS KMS`).
    const NAME: &'static str;

    /// Whether a stored recipient string is one of this service's, by its shape.
    fn is_recipient(text: &str) -> bool;

    /// Wraps `payload` (a data key, or a Shamir share of one) under `key`: the text stored
    /// as the wrapped key.
    fn wrap(&self, key: &Self::Key, payload: &[u8]) -> Result<String, KeyServiceError>;

    /// Unwraps a payload that [`KeyService::wrap`] wrapped under `key`.
    fn unwrap(&self, key: &Self::Key, wrapped: &str)
    -> Result<Zeroizing<Vec<u8>>, KeyServiceError>;

    /// Wraps `payload` under `key` for a SOPS entry, as SOPS itself does
    /// ([`KeyService::sops_entry`] is given the text). By default, [`KeyService::wrap`];
    /// a service whose SOPS entries use other operations (Azure Key Vault: `encrypt`, not
    /// `wrapkey`) says so here.
    fn wrap_sops(&self, key: &Self::Key, payload: &[u8]) -> Result<String, KeyServiceError> {
        self.wrap(key, payload)
    }

    /// Unwraps a SOPS entry's `enc` under `key`, as SOPS itself does. By default,
    /// [`KeyService::unwrap`].
    fn unwrap_sops(
        &self,
        key: &Self::Key,
        enc: &str,
    ) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        self.unwrap(key, enc)
    }

    /// SOPS's master-key entry for a payload wrapped under `key` (`wrapped`), made at
    /// `created_at`.
    fn sops_entry(key: &Self::Key, wrapped: String, created_at: &str) -> SopsEntry;

    /// How the identity that uses this service is named in messages (the credentials it
    /// uses).
    fn describe(&self) -> String;
}

/// A key service's key as a recipient.
pub struct ServiceRecipient<S: KeyService> {
    id: String,
    key: S::Key,
    service: S,
}

impl<S: KeyService> ServiceRecipient<S> {
    /// Parses one of the service's recipient strings, to be reached through `service`.
    pub fn parse(text: &str, service: &S) -> Result<Self, RecipientError> {
        let key = S::Key::parse(text)
            .map_err(|BadKey(reason)| RecipientError::invalid(S::NAME, text.trim(), reason))?;
        Ok(ServiceRecipient {
            id: key.id(),
            key,
            service: service.clone(),
        })
    }
}

impl<S: KeyService> super::Recipient for ServiceRecipient<S> {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, key: &DataKey) -> Result<String, WrapError> {
        self.service
            .wrap(&self.key, key.expose())
            .map_err(|e| WrapError {
                recipient: self.id.clone(),
                reason: e.to_string(),
            })
    }

    fn sops_entry(&self, payload: &[u8], created_at: &str) -> Option<Result<SopsEntry, WrapError>> {
        Some(
            self.service
                .wrap_sops(&self.key, payload)
                .map(|wrapped| S::sops_entry(&self.key, wrapped, created_at))
                .map_err(|e| WrapError {
                    recipient: self.id.clone(),
                    reason: e.to_string(),
                }),
        )
    }
}

/// Unwraps what was wrapped for any of a key service's recipients, with the credentials
/// its service has.
pub struct ServiceIdentity<S: KeyService> {
    describe: String,
    service: S,
}

impl<S: KeyService> ServiceIdentity<S> {
    /// The identity that reaches the service through `service`.
    pub fn new(service: S) -> Self {
        ServiceIdentity {
            describe: service.describe(),
            service,
        }
    }

    /// Unwraps `wrapped` for `recipient`, if `recipient` is the service's (as SOPS does
    /// if `sops`).
    fn unwrap_for(
        &self,
        recipient: &str,
        wrapped: &str,
        sops: bool,
    ) -> Option<Result<Zeroizing<Vec<u8>>, KeyServiceError>> {
        if !S::is_recipient(recipient.trim()) {
            return None;
        }
        Some(
            S::Key::parse(recipient)
                .map_err(|BadKey(e)| {
                    KeyServiceError::new(
                        FailureClass::Other,
                        format!("not a valid {} recipient: {e}", S::NAME),
                    )
                })
                .and_then(|key| {
                    if sops {
                        self.service.unwrap_sops(&key, wrapped)
                    } else {
                        self.service.unwrap(&key, wrapped)
                    }
                }),
        )
    }
}

impl<S: KeyService> super::Identity for ServiceIdentity<S> {
    fn describe(&self) -> &str {
        &self.describe
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        let err = |reason: String| UnwrapError {
            identity: S::NAME.into(),
            reason: format!("{}: {reason}", wrapped.recipient),
        };
        Some(
            match self.unwrap_for(&wrapped.recipient, &wrapped.key, false)? {
                Ok(plain) => DataKey::from_bytes(&plain).ok_or_else(|| {
                    err(format!(
                        "{} returned a plaintext that is not a 32-byte data key",
                        S::NAME
                    ))
                }),
                Err(e) => Err(err(e.to_string())),
            },
        )
    }

    fn unwrap_sops(
        &self,
        recipient: &str,
        enc: &str,
    ) -> Option<Result<Zeroizing<Vec<u8>>, KeyServiceError>> {
        self.unwrap_for(recipient, enc, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 1..10 {
            let b = backoff(attempt);
            let cap =
                Duration::from_millis(200u64 * (1 << attempt.min(5))).min(Duration::from_secs(5));
            assert!(b <= cap && b >= cap / 2, "{attempt}: {b:?}");
        }
    }
}
