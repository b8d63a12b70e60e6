use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Length of a data key in bytes (256 bits).
pub const DATA_KEY_LEN: usize = 32;

/// A file's data key: 256 random bits, zeroized on drop, never shown.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey(Box<[u8; DATA_KEY_LEN]>);

impl DataKey {
    /// Generates a new data key from the operating system's random number generator.
    pub fn generate() -> Self {
        let mut key = Box::new([0u8; DATA_KEY_LEN]);
        getrandom::getrandom(&mut key[..]).expect("the operating system RNG is unavailable");
        DataKey(key)
    }

    /// Wraps existing key bytes (from an unwrapped stanza). Returns `None` on a wrong length.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let arr: [u8; DATA_KEY_LEN] = bytes.try_into().ok()?;
        Some(DataKey(Box::new(arr)))
    }

    /// The raw key bytes, for wrapping by a recipient.
    pub fn expose(&self) -> &[u8; DATA_KEY_LEN] {
        &self.0
    }

    /// Derives a subkey for one purpose. Distinct labels give independent keys (RFC 5869).
    pub(crate) fn subkey<const N: usize>(&self, label: &[u8]) -> Zeroizing<[u8; N]> {
        let hk = Hkdf::<Sha256>::new(Some(b"vaultfile"), &self.0[..]);
        let mut out = Zeroizing::new([0u8; N]);
        hk.expand(label, &mut out[..])
            .expect("HKDF output length is within limits");
        out
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey([redacted])")
    }
}

impl PartialEq for DataKey {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.0[..].ct_eq(&other.0[..]).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_does_not_show_the_key() {
        let k = DataKey::from_bytes(&[0x41; 32]).unwrap();
        let shown = format!("{k:?}");
        assert!(!shown.contains("41") && !shown.contains("65"));
        // It says what it is, so that a struct holding a key still debugs readably.
        assert_eq!(shown, "DataKey([redacted])");
    }

    #[test]
    fn keys_are_random_and_subkeys_distinct() {
        let a = DataKey::generate();
        let b = DataKey::generate();
        assert!(a != b);
        let s1 = a.subkey::<32>(b"one");
        let s2 = a.subkey::<32>(b"two");
        assert_ne!(*s1, *s2);
    }
}
