//! What the key services (AWS KMS, Vault/OpenBao transit) have in common: why a call
//! failed, by class.
//!
//! The class decides what the user can do (fix a policy, wait, check the network, allow a
//! server) and what vaultfile does next (try another identity, give up on an unreachable
//! service for the rest of the process), so it is kept as a type, not folded into a string.

use std::fmt;
use std::time::Duration;

/// Why a call to a key service failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureClass {
    /// The credentials may not use the key, or are invalid or expired.
    Denied,
    /// The key (alias, mount) does not exist.
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
    /// AWS: no credentials could be found or obtained.
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
            FailureClass::NoCredentials => "no AWS credentials",
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
#[cfg_attr(not(any(feature = "aws-kms", feature = "vault")), allow(dead_code))]
pub(crate) fn backoff(attempt: u32) -> Duration {
    let cap = 200u64.saturating_mul(1 << attempt.min(5)).min(5_000);
    let mut r = [0u8; 2];
    let jitter = match getrandom::getrandom(&mut r) {
        Ok(()) => u64::from(u16::from_le_bytes(r)) % cap.max(1),
        Err(_) => cap / 2,
    };
    Duration::from_millis(cap / 2 + jitter / 2)
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
