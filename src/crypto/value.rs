use aes_siv::KeyInit;
use aes_siv::siv::Aes256Siv;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::{Zeroize, Zeroizing};

use super::DataKey;
use crate::path::PathRef;

/// The prefix of every encrypted value. Versioned, and together with base64url it is a
/// valid unquoted YAML scalar in block and flow context (no `,[]{}:#` and no spaces).
pub const TOKEN_PREFIX: &str = "VF1.";

const VALUE_KEY_LABEL: &[u8] = b"vaultfile v1 value aes-siv";
const SIV_TAG_LEN: usize = 16;

/// Seals and opens leaf values with AES-256-SIV under a file's data key.
///
/// The associated data is the leaf's canonical path, so a ciphertext moved to another key
/// fails to open. Cheap to clone: each clone can work on its own thread.
pub struct ValueCipher {
    key: Zeroizing<[u8; 64]>,
    siv: Aes256Siv,
}

impl Clone for ValueCipher {
    fn clone(&self) -> Self {
        ValueCipher {
            siv: Aes256Siv::new((&*self.key).into()),
            key: self.key.clone(),
        }
    }
}

/// Why a token could not be opened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// The text is not a `VF1.` token, or its base64 is damaged.
    #[error("not a valid vaultfile token")]
    Malformed,
    /// The token is well-formed but does not authenticate under this key and path: it was
    /// altered, moved from another key, or sealed with another data key.
    #[error("value failed authentication")]
    Forged,
}

impl ValueCipher {
    /// Derives the value key from a data key.
    pub fn new(key: &DataKey) -> Self {
        let k = key.subkey::<64>(VALUE_KEY_LABEL);
        ValueCipher {
            siv: Aes256Siv::new((&*k).into()),
            key: k,
        }
    }

    /// Encrypts `plaintext` found at `path` and returns the token.
    pub fn seal<'p>(&mut self, path: impl Into<PathRef<'p>>, plaintext: &[u8]) -> String {
        let path = path.into();
        let ct = self
            .siv
            .encrypt([path.as_bytes()], plaintext)
            .expect("AES-SIV encryption cannot fail for in-memory input");
        let mut token = String::with_capacity(TOKEN_PREFIX.len() + ct.len() * 4 / 3 + 4);
        token.push_str(TOKEN_PREFIX);
        URL_SAFE_NO_PAD.encode_string(&ct, &mut token);
        token
    }

    /// Decrypts a token found at `path`.
    pub fn open<'p>(
        &mut self,
        path: impl Into<PathRef<'p>>,
        token: &str,
    ) -> Result<Vec<u8>, TokenError> {
        let mut buf = Vec::new();
        self.open_in(path, token, &mut buf)?;
        Ok(buf)
    }

    /// Decrypts a token found at `path` into `buf`, in place, and returns the plaintext.
    ///
    /// For a loop over a large file's values: one buffer instead of one allocation per
    /// value. The buffer holds the last plaintext until the next call; the caller wipes it
    /// (a `Zeroizing` buffer). A buffer too small is wiped before it is replaced, so no
    /// plaintext is left in freed memory.
    pub fn open_in<'p, 'b>(
        &mut self,
        path: impl Into<PathRef<'p>>,
        token: &str,
        buf: &'b mut Vec<u8>,
    ) -> Result<&'b [u8], TokenError> {
        let path = path.into();
        let body = token
            .strip_prefix(TOKEN_PREFIX)
            .ok_or(TokenError::Malformed)?;
        let needed = base64::decoded_len_estimate(body.len());
        if buf.capacity() < needed {
            buf.zeroize();
            *buf = Vec::with_capacity(needed.max(2 * buf.capacity()));
        }
        buf.clear();
        URL_SAFE_NO_PAD
            .decode_vec(body, buf)
            .map_err(|_| TokenError::Malformed)?;
        if buf.len() < SIV_TAG_LEN {
            return Err(TokenError::Malformed);
        }
        self.siv
            .decrypt_in_place([path.as_bytes()], buf)
            .map_err(|_| TokenError::Forged)?;
        Ok(buf)
    }
}

/// Returns true when `text` looks like a vaultfile token: the prefix, and a body long
/// enough for the SIV tag. The body's alphabet is checked when it is decoded
/// ([`decode_token`]), which every consumer does; checking it here too would read every
/// token twice on the hot path.
pub fn is_token(text: &str) -> bool {
    text.len() >= TOKEN_PREFIX.len() + 22
        && text.starts_with(TOKEN_PREFIX)
        && !text
            .as_bytes()
            .last()
            .is_some_and(|b| b.is_ascii_whitespace())
}

/// Decodes a token's base64 body (the SIV tag followed by the ciphertext).
pub fn decode_token(token: &str) -> Result<Vec<u8>, TokenError> {
    let body = token
        .strip_prefix(TOKEN_PREFIX)
        .ok_or(TokenError::Malformed)?;
    let ct = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| TokenError::Malformed)?;
    if ct.len() < SIV_TAG_LEN {
        return Err(TokenError::Malformed);
    }
    Ok(ct)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::KeyPath;
    use proptest::prelude::*;

    fn cipher() -> ValueCipher {
        ValueCipher::new(&DataKey::from_bytes(&[7; 32]).unwrap())
    }

    #[test]
    fn deterministic_and_path_bound() {
        let mut c = cipher();
        let a = KeyPath::parse("db.password").unwrap();
        let b = KeyPath::parse("db.user").unwrap();
        let t1 = c.seal(&a, b"s3cr3t");
        assert_eq!(t1, c.seal(&a, b"s3cr3t"));
        assert_ne!(t1, c.seal(&b, b"s3cr3t"));
        assert_eq!(c.open(&a, &t1).unwrap(), b"s3cr3t");
        assert_eq!(c.open(&b, &t1), Err(TokenError::Forged));
        assert!(is_token(&t1));
    }

    #[test]
    fn tampered_token_fails() {
        let mut c = cipher();
        let p = KeyPath::parse("a").unwrap();
        let t = c.seal(&p, b"value");
        let mut bytes = t.into_bytes();
        let last = bytes.len() - 1;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let t = String::from_utf8(bytes).unwrap();
        assert!(c.open(&p, &t).is_err());
        assert_eq!(c.open(&p, "VF1.@@@"), Err(TokenError::Malformed));
        assert_eq!(c.open(&p, "plain"), Err(TokenError::Malformed));
    }

    #[test]
    fn other_data_key_fails() {
        let p = KeyPath::parse("a").unwrap();
        let t = cipher().seal(&p, b"value");
        let mut other = ValueCipher::new(&DataKey::from_bytes(&[8; 32]).unwrap());
        assert_eq!(other.open(&p, &t), Err(TokenError::Forged));
    }

    proptest! {
        #[test]
        fn seal_open_round_trip(value in proptest::collection::vec(any::<u8>(), 0..300), key in "\\PC*") {
            let mut c = cipher();
            let p = KeyPath::from_segments([crate::path::Segment::Key(&key)]);
            let t = c.seal(&p, &value);
            prop_assert!(is_token(&t));
            prop_assert_eq!(c.open(&p, &t).unwrap(), value);
        }

        #[test]
        fn token_decoder_never_panics(s in "\\PC*") {
            let _ = decode_token(&s);
            let _ = cipher().open(&KeyPath::root(), &s);
        }
    }
}
