//! SOPS's value codec: `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`.
//!
//! AES-256-GCM with a **32-byte** nonce (SOPS's `aes/cipher.go`, `nonceSize = 32`), the
//! value's path (`a:b:c:`) as associated data, standard base64 with padding, the 16-byte tag
//! apart from the ciphertext, and a type tag saying how to read the plaintext back.

use aes_gcm::aead::consts::U32;
use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::crypto::DataKey;

/// AES-256-GCM with SOPS's 32-byte nonce.
type SopsGcm = aes_gcm::AesGcm<Aes256, U32>;

/// The prefix of every encrypted SOPS value.
pub const PREFIX: &str = "ENC[AES256_GCM,";

/// The type tag of a SOPS value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// A string.
    Str,
    /// A Go `int`.
    Int,
    /// A Go `float64`.
    Float,
    /// A boolean.
    Bool,
    /// A `time.Time` (RFC 3339).
    Time,
    /// A comment line (YAML `#`, INI `;`/`#`, dotenv `#`).
    Comment,
    /// Raw bytes (accepted on read; SOPS never writes it).
    Bytes,
}

impl ValueType {
    /// The tag as written after `type:`.
    pub fn tag(self) -> &'static str {
        match self {
            ValueType::Str => "str",
            ValueType::Int => "int",
            ValueType::Float => "float",
            ValueType::Bool => "bool",
            ValueType::Time => "time",
            ValueType::Comment => "comment",
            ValueType::Bytes => "bytes",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        Some(match tag {
            "str" => ValueType::Str,
            "int" => ValueType::Int,
            "float" => ValueType::Float,
            "bool" => ValueType::Bool,
            "time" => ValueType::Time,
            "comment" => ValueType::Comment,
            "bytes" => ValueType::Bytes,
            _ => return None,
        })
    }
}

/// Why a SOPS value could not be decrypted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ValueError {
    /// The text is not `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`.
    #[error("not a well-formed ENC[AES256_GCM,…] value")]
    Malformed,
    /// The ciphertext does not authenticate under this key and path.
    #[error("the value does not authenticate (altered, or moved from another key)")]
    Forged,
    /// The plaintext does not parse as its declared type.
    #[error("the plaintext is not a valid {0}")]
    BadType(&'static str),
}

/// A decrypted SOPS value: its type and its plaintext in SOPS's canonical byte form
/// (Go's `ToBytes`: `int` in decimal, `float` shortest without exponent, `bool` as
/// `True`/`False`), which is what the MAC hashes.
pub struct Plain {
    /// The declared type.
    pub kind: ValueType,
    /// The canonical plaintext (raw bytes for `str`, `bytes` and `comment`).
    pub bytes: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plain")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Returns true when `text` has the shape of an encrypted SOPS value.
pub fn is_encrypted(text: &str) -> bool {
    text.starts_with(PREFIX) && text.ends_with(']')
}

struct Parts<'a> {
    data: &'a str,
    iv: &'a str,
    tag: &'a str,
    kind: &'a str,
}

/// Splits `ENC[AES256_GCM,data:D,iv:I,tag:T,type:Y]` (SOPS's regex
/// `^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]`; base64 has no commas).
fn split(text: &str) -> Option<Parts<'_>> {
    let inner = text.strip_prefix(PREFIX)?.strip_suffix(']')?;
    let rest = inner.strip_prefix("data:")?;
    let (data, rest) = rest.split_once(",iv:")?;
    let (iv, rest) = rest.split_once(",tag:")?;
    let (tag, kind) = rest.split_once(",type:")?;
    Some(Parts {
        data,
        iv,
        tag,
        kind,
    })
}

fn gcm(key: &DataKey) -> SopsGcm {
    SopsGcm::new(GenericArray::from_slice(key.expose()))
}

/// Decrypts one value. `aad` is the path joined by `:` with a trailing `:` (`a:b:`), or the
/// `lastmodified` string for the MAC. An empty string decrypts to an empty string.
pub fn decrypt(text: &str, key: &DataKey, aad: &str) -> Result<Plain, ValueError> {
    if text.is_empty() {
        return Ok(Plain {
            kind: ValueType::Str,
            bytes: Zeroizing::new(Vec::new()),
        });
    }
    let p = split(text).ok_or(ValueError::Malformed)?;
    let kind = ValueType::from_tag(p.kind).ok_or(ValueError::Malformed)?;
    let mut data = STANDARD.decode(p.data).map_err(|_| ValueError::Malformed)?;
    let iv = STANDARD.decode(p.iv).map_err(|_| ValueError::Malformed)?;
    let tag = STANDARD.decode(p.tag).map_err(|_| ValueError::Malformed)?;
    if iv.len() != 32 || tag.len() != 16 {
        // SOPS itself accepts any IV length; every SOPS release writes 32 bytes, and a
        // fixed size keeps one cipher type. Anything else is treated as damage.
        return Err(ValueError::Malformed);
    }
    data.extend_from_slice(&tag);
    let plain = Zeroizing::new(
        gcm(key)
            .decrypt(
                GenericArray::from_slice(&iv),
                Payload {
                    msg: &data,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| ValueError::Forged)?,
    );
    let bytes = canonical(kind, &plain)?;
    Ok(Plain { kind, bytes })
}

/// Re-serialises a decrypted plaintext as Go's `ToBytes` would after parsing it.
fn canonical(kind: ValueType, plain: &[u8]) -> Result<Zeroizing<Vec<u8>>, ValueError> {
    let text = || std::str::from_utf8(plain).map_err(|_| ValueError::BadType(kind.tag()));
    Ok(Zeroizing::new(match kind {
        ValueType::Str | ValueType::Comment | ValueType::Bytes | ValueType::Time => plain.to_vec(),
        ValueType::Int => text()?
            .parse::<i64>()
            .map_err(|_| ValueError::BadType("int"))?
            .to_string()
            .into_bytes(),
        ValueType::Float => {
            format_float(parse_float(text()?).ok_or(ValueError::BadType("float"))?).into_bytes()
        }
        ValueType::Bool => {
            let b = parse_bool(text()?).ok_or(ValueError::BadType("bool"))?;
            format_bool(b).as_bytes().to_vec()
        }
    }))
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// SOPS's bool spelling (`True`/`False`, from its Python ancestor).
pub fn format_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Go's `strconv.ParseFloat(s, 64)` for the spellings SOPS writes and YAML/JSON give it.
pub fn parse_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        _ => s.parse::<f64>().ok().filter(|f| f.is_finite()),
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, never an
/// exponent (Rust's `Display` for `f64` is the same for finite numbers).
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f == f64::INFINITY {
        "+Inf".into()
    } else if f == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{f}")
    }
}

/// Encrypts one value with a fresh random 32-byte IV. `plain` must already be in canonical
/// form for `kind`. An empty string is stored as an empty string (as SOPS does).
pub fn encrypt(plain: &[u8], kind: ValueType, key: &DataKey, aad: &str) -> String {
    if plain.is_empty() && matches!(kind, ValueType::Str | ValueType::Comment) {
        return String::new();
    }
    let mut iv = [0u8; 32];
    getrandom::getrandom(&mut iv).expect("the operating system RNG is unavailable");
    encrypt_with_iv(plain, kind, key, aad, &iv)
}

fn encrypt_with_iv(
    plain: &[u8],
    kind: ValueType,
    key: &DataKey,
    aad: &str,
    iv: &[u8; 32],
) -> String {
    let mut out = gcm(key)
        .encrypt(
            GenericArray::from_slice(iv),
            Payload {
                msg: plain,
                aad: aad.as_bytes(),
            },
        )
        .expect("AES-GCM encryption of a bounded value cannot fail");
    let tag = out.split_off(out.len() - 16);
    format!(
        "ENC[AES256_GCM,data:{},iv:{},tag:{},type:{}]",
        STANDARD.encode(&out),
        STANDARD.encode(iv),
        STANDARD.encode(&tag),
        kind.tag()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOPS's own known-answer vector (`aes/cipher_test.go`): key 32 × `f`, AAD `bar:`.
    #[test]
    fn sops_known_answer() {
        let key = DataKey::from_bytes(&[b'f'; 32]).unwrap();
        let v = "ENC[AES256_GCM,data:oYyi,iv:MyIDYbT718JRr11QtBkcj3Dwm4k1aCGZBVeZf0EyV8o=,tag:t5z2Z023Up0kxwCgw1gNxg==,type:str]";
        let p = decrypt(v, &key, "bar:").unwrap();
        assert_eq!(p.kind, ValueType::Str);
        assert_eq!(&p.bytes[..], b"foo");
        assert_eq!(decrypt(v, &key, "baz:").unwrap_err(), ValueError::Forged);
        let iv: [u8; 32] = STANDARD
            .decode("MyIDYbT718JRr11QtBkcj3Dwm4k1aCGZBVeZf0EyV8o=")
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(
            encrypt_with_iv(b"foo", ValueType::Str, &key, "bar:", &iv),
            v
        );
    }

    #[test]
    fn round_trip_and_types() {
        let key = DataKey::generate();
        for (plain, kind, canon) in [
            ("x", ValueType::Str, "x"),
            ("42", ValueType::Int, "42"),
            ("30", ValueType::Float, "30"),
            ("true", ValueType::Bool, "True"),
            ("False", ValueType::Bool, "False"),
            (
                "2024-01-01T00:00:00Z",
                ValueType::Time,
                "2024-01-01T00:00:00Z",
            ),
        ] {
            let enc = encrypt(plain.as_bytes(), kind, &key, "a:b:");
            assert!(is_encrypted(&enc));
            let back = decrypt(&enc, &key, "a:b:").unwrap();
            assert_eq!(back.kind, kind);
            assert_eq!(&back.bytes[..], canon.as_bytes());
        }
        assert_eq!(encrypt(b"", ValueType::Str, &key, "a:"), "");
        assert!(decrypt("", &key, "a:").unwrap().bytes.is_empty());
        assert_eq!(
            decrypt("ENC[AES256_GCM,data:x]", &key, "a:").unwrap_err(),
            ValueError::Malformed
        );
    }

    #[test]
    fn float_formatting_matches_go() {
        assert_eq!(format_float(1234568000.0), "1234568000");
        assert_eq!(format_float(30.0), "30");
        assert_eq!(format_float(25.4), "25.4");
        assert_eq!(format_float(1e21), "1000000000000000000000");
        assert_eq!(format_float(0.000001), "0.000001");
        assert_eq!(format_float(-0.5), "-0.5");
    }
}
