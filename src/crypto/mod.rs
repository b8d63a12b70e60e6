//! The only code that touches cryptographic primitives.
//!
//! A random 256-bit data key per file ([`DataKey`]); subkeys by HKDF-SHA256 with distinct
//! labels; each value sealed with AES-SIV (RFC 5297), a deterministic AEAD, with the
//! canonical key path as associated data ([`ValueCipher`]); a deterministic HMAC-SHA256
//! over the whole file text but the MAC itself ([`TextMac`], format 2; [`FileMac`] is format
//! 1's MAC over the values, recipients and rules, kept to read old files); Shamir's secret
//! sharing of the data key for key groups, vaultfile's and SOPS's ([`shamir`]). Determinism is what keeps
//! re-encryption byte-identical and git diffs to one line per changed value; it reveals
//! only whether a value at a path changed, which the history shows anyway.

mod data_key;
mod mac;
pub mod shamir;
mod value;

pub use data_key::DataKey;
pub use mac::{FileMac, MAC_LEN, MacInput, TextMac};
pub use value::{TOKEN_PREFIX, TokenError, ValueCipher, decode_token, is_token};
