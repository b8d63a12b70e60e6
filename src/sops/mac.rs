//! SOPS's file MAC: SHA-512 over every hashed leaf's plaintext, in tree order.
//!
//! What is hashed (SOPS `sops.go`, getsops/sops): the concatenation, with no
//! separator, of each non-null, non-comment leaf's canonical plaintext bytes (see
//! [`super::value::Plain`]), in document walk order across every YAML document; key names
//! are not hashed. With `mac_only_encrypted`, only encrypted leaves count and the hash is
//! first seeded with `sha256("sops")`. The result, as 128 uppercase hex digits, is stored
//! encrypted under the data key with the `lastmodified` string as associated data.

use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

use super::value::{self, ValueError, ValueType};
use crate::crypto::DataKey;

/// Accumulates the MAC over the leaves of a SOPS tree.
pub struct SopsMac {
    hash: Sha512,
    only_encrypted: bool,
}

impl SopsMac {
    /// Starts a MAC; `only_encrypted` is the file's `mac_only_encrypted`.
    pub fn new(only_encrypted: bool) -> Self {
        let mut hash = Sha512::new();
        if only_encrypted {
            hash.update(Sha256::digest(b"sops"));
        }
        SopsMac {
            hash,
            only_encrypted,
        }
    }

    /// Adds one leaf's canonical plaintext; `encrypted` says whether the leaf is (to be)
    /// encrypted under the file's rules.
    pub fn leaf(&mut self, bytes: &[u8], encrypted: bool) {
        if !self.only_encrypted || encrypted {
            self.hash.update(bytes);
        }
    }

    /// The MAC as SOPS writes it: 128 uppercase hex digits.
    pub fn finish(self) -> String {
        self.hash
            .finalize()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect()
    }
}

/// Why the MAC check failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MacError {
    /// The file has no MAC.
    #[error("the file has no MAC")]
    Missing,
    /// The stored MAC does not decrypt under this key and `lastmodified`.
    #[error("the stored MAC does not decrypt ({0}): it or lastmodified was altered")]
    Undecryptable(ValueError),
    /// The MAC does not match the values.
    #[error(
        "the MAC does not match the file's values: a value was added, removed, reordered or altered"
    )]
    Mismatch,
}

/// Encrypts a computed MAC for storage, bound to `lastmodified`.
pub fn seal(mac_hex: &str, key: &DataKey, lastmodified: &str) -> String {
    value::encrypt(mac_hex.as_bytes(), ValueType::Str, key, lastmodified)
}

/// Checks the stored (encrypted) MAC against the computed one.
pub fn verify(
    stored: Option<&str>,
    computed: &str,
    key: &DataKey,
    lastmodified: &str,
) -> Result<(), MacError> {
    let stored = stored.filter(|s| !s.is_empty()).ok_or(MacError::Missing)?;
    let plain = value::decrypt(stored, key, lastmodified).map_err(MacError::Undecryptable)?;
    // SOPS compares the strings as they are; both are uppercase hex in practice.
    if bool::from(plain.bytes.ct_eq(computed.as_bytes())) {
        Ok(())
    } else {
        Err(MacError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_constant_matches_sops() {
        // sops.go: MACOnlyEncryptedInitialization = sha256("sops").
        let seed: String = Sha256::digest(b"sops")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            seed,
            "8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69"
        );
    }

    #[test]
    fn seal_and_verify() {
        let key = DataKey::generate();
        let mut m = SopsMac::new(false);
        m.leaf(b"a", true);
        m.leaf(b"b", false);
        let hex = m.finish();
        assert_eq!(hex.len(), 128);
        let stored = seal(&hex, &key, "2024-01-01T00:00:00Z");
        assert_eq!(
            verify(Some(&stored), &hex, &key, "2024-01-01T00:00:00Z"),
            Ok(())
        );
        assert!(matches!(
            verify(Some(&stored), &hex, &key, "2024-01-01T00:00:01Z"),
            Err(MacError::Undecryptable(_))
        ));
        let mut other = SopsMac::new(true);
        other.leaf(b"a", true);
        other.leaf(b"b", false);
        assert_eq!(
            verify(Some(&stored), &other.finish(), &key, "2024-01-01T00:00:00Z"),
            Err(MacError::Mismatch)
        );
        assert_eq!(verify(None, &hex, &key, "x"), Err(MacError::Missing));
    }
}
