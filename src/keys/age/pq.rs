//! Post-quantum age keys: the hybrid `mlkem768x25519` recipient type of age 1.3.
//!
//! A file committed to git today may be read by whoever holds a copy in ten years. An
//! X25519 stanza falls to a quantum computer large enough to run Shor's algorithm, so a
//! copy taken now ("harvest now, decrypt later") is a copy opened then. age's answer,
//! specified in <https://c2sp.org/age#the-mlkem768-x25519-ie-x-wing-hybrid-post-quantum-recipient-type>,
//! wraps the file key with HPKE (RFC 9180) over the X-Wing KEM (ML-KEM-768 and X25519
//! together: it holds while either does), HKDF-SHA256 and ChaCha20-Poly1305.
//!
//! Keys are `age1pq1…` recipients (1,216-byte public keys, so about 1,950 characters) and
//! `AGE-SECRET-KEY-PQ-1…` identities (a 32-byte seed). The `age` crate does not have them
//! yet (str4d/rage#621), so this module implements age's own `Recipient` and `Identity`
//! traits with the `hpke` crate's X-Wing; everything else (the header, the payload) is
//! the `age` crate's, as for X25519 keys. The official test vectors (C2SP/CCTV, kept in
//! `tests/fixtures/age-testkit/`) and the TypeScript implementation (`age-encryption` on
//! npm) check it in `tests/integration/age_pq.rs`.

use std::collections::HashSet;
use std::fmt;

use age_core::format::{FileKey, Stanza};
use age_core::primitives::{bech32_decode, bech32_encode, hpke_open, hpke_seal};
use age_core::secrecy::ExposeSecret;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hpke::{Deserializable, Kem, Serializable};
use zeroize::Zeroizing;

use xwing::XWing;

mod xwing;

use super::AgeRecipient;
use crate::keys::{LocalSource, RecipientError};

/// The stanza type, and the first argument of each stanza.
const STANZA_TAG: &str = "mlkem768x25519";
/// HPKE's `info`, binding the stanza to this recipient type.
const INFO: &[u8] = b"age-encryption.org/mlkem768x25519";
/// The recipient's Bech32 prefix.
const RECIPIENT_HRP: &str = "age1pq";
/// The identity's Bech32 prefix (written in upper case, as age does).
const IDENTITY_HRP: &str = "age-secret-key-pq-";
/// The start of an identity line, as key files hold it.
pub const IDENTITY_PREFIX: &str = "AGE-SECRET-KEY-PQ-1";
/// The start of a recipient.
pub const RECIPIENT_PREFIX: &str = "age1pq1";
/// The encapsulated key: an ML-KEM-768 ciphertext (1,088 bytes) and an X25519 share.
const ENC_LEN: usize = 1120;
/// The stanza body: the 16-byte file key and its 16-byte Poly1305 tag.
const BODY_LEN: usize = 32;
/// The label age gives post-quantum stanzas, so that no file mixes them with classical
/// ones (a mix is only as strong as its classical stanza).
const LABEL: &str = "postquantum";

/// The key source for `age1pq1…` recipients. Listed before the age plugins' source, which
/// would otherwise read `age1pq1…` as a recipient of a plugin named `pq`.
pub static SOURCE: LocalSource = LocalSource {
    name: "age",
    claims: |text| text.starts_with(RECIPIENT_PREFIX),
    parse: |text, _| Recipient::parse(text).map(|r| Box::new(r) as _),
    quantum_resistant: true,
    // SOPS 3.12 keeps these in its `age` list, with the X25519 keys.
    sops_kind: Some("age"),
};

/// A post-quantum age recipient (`age1pq1…`).
pub type Recipient = AgeRecipient<PublicKey>;

impl Recipient {
    /// Parses an `age1pq1…` public key.
    pub fn parse(text: &str) -> Result<Self, RecipientError> {
        let inner: PublicKey = text
            .parse()
            .map_err(|e: &str| RecipientError::invalid("age", &short(text), e))?;
        Ok(Recipient {
            id: inner.to_string(),
            inner,
        })
    }
}

/// The first and last characters of a long key, for messages.
fn short(text: &str) -> String {
    match (
        text.get(..20),
        text.len().checked_sub(8).and_then(|i| text.get(i..)),
    ) {
        (Some(head), Some(tail)) if text.len() > 40 => format!("{head}…{tail}"),
        _ => text.to_owned(),
    }
}

/// An X-Wing public key, as age's Bech32 `age1pq1…` encoding carries it.
#[derive(Clone)]
pub struct PublicKey(<XWing as Kem>::PublicKey);

impl std::str::FromStr for PublicKey {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        bech32_decode(
            s,
            |_| "not valid Bech32 (a character is wrong or missing)",
            |hrp| {
                (hrp.to_lowercase() == RECIPIENT_HRP)
                    .then_some(())
                    .ok_or("not a post-quantum age recipient")
            },
            |_, bytes| {
                <XWing as Kem>::PublicKey::from_bytes(&bytes.collect::<Vec<_>>())
                    .map(PublicKey)
                    .map_err(|_| "the key has the wrong length (an age1pq1 key holds 1,216 bytes)")
            },
        )
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hrp = bech32::Hrp::parse_unchecked(RECIPIENT_HRP);
        f.write_str(&bech32_encode(hrp, &self.0.to_bytes()))
    }
}

impl ::age::Recipient for PublicKey {
    fn wrap_file_key(
        &self,
        file_key: &FileKey,
    ) -> Result<(Vec<Stanza>, HashSet<String>), ::age::EncryptError> {
        // HPKE SealBase with HKDF-SHA256 and ChaCha20-Poly1305, `aad` empty: exactly the
        // specification's parameters. It cannot fail for a parsed key (age-core's note).
        let (enc, body) = hpke_seal::<XWing, _>(
            &self.0,
            INFO,
            file_key.expose_secret(),
            &mut rand::rngs::OsRng,
        );
        let stanza = Stanza {
            tag: STANZA_TAG.to_owned(),
            args: vec![STANDARD_NO_PAD.encode(enc.to_bytes())],
            body,
        };
        Ok((vec![stanza], [LABEL.to_owned()].into_iter().collect()))
    }
}

/// A post-quantum age identity (`AGE-SECRET-KEY-PQ-1…`): a 32-byte seed from which the
/// X-Wing key pair is derived.
pub struct Identity {
    secret: <XWing as Kem>::PrivateKey,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("age::pq::Identity(…)")
    }
}

impl Identity {
    /// A new identity from the operating system's random generator.
    pub fn generate() -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(seed.as_mut()).expect("the operating system's random generator");
        Identity::from_seed(&seed)
    }

    fn from_seed(seed: &[u8; 32]) -> Self {
        Identity {
            secret: <XWing as Kem>::PrivateKey::from_bytes(seed)
                .expect("an X-Wing secret key is any 32 bytes"),
        }
    }

    /// Parses an `AGE-SECRET-KEY-PQ-1…` line; the error never repeats the key.
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        bech32_decode(
            text.trim(),
            |_| "not valid Bech32 (a character is wrong or missing)",
            |hrp| {
                (hrp.to_lowercase() == IDENTITY_HRP)
                    .then_some(())
                    .ok_or("not a post-quantum age identity")
            },
            |_, bytes| {
                let seed: Zeroizing<Vec<u8>> = Zeroizing::new(bytes.collect());
                let seed: &[u8; 32] = seed
                    .as_slice()
                    .try_into()
                    .map_err(|_| "the key has the wrong length (32 bytes expected)")?;
                Ok(Identity::from_seed(seed))
            },
        )
    }

    /// The identity as age writes it: `AGE-SECRET-KEY-PQ-1…`, upper case.
    pub fn to_secret_string(&self) -> Zeroizing<String> {
        let seed = Zeroizing::new(self.secret.to_bytes());
        let hrp = bech32::Hrp::parse_unchecked(IDENTITY_HRP);
        Zeroizing::new(bech32_encode(hrp, &seed).to_ascii_uppercase())
    }

    /// The recipient that wraps keys for this identity.
    pub fn to_public(&self) -> PublicKey {
        PublicKey(XWing::sk_to_pk(&self.secret))
    }
}

impl ::age::Identity for Identity {
    fn unwrap_stanza(&self, stanza: &Stanza) -> Option<Result<FileKey, ::age::DecryptError>> {
        if stanza.tag != STANZA_TAG {
            return None;
        }
        // The specification's checks, in its order: exactly one argument, the canonical
        // base64 of 1,120 bytes; a 32-byte body before any decryption (a longer one could
        // be a partitioning oracle).
        let invalid = || Some(Err(::age::DecryptError::InvalidHeader));
        let [arg] = &stanza.args[..] else {
            return invalid();
        };
        // base64's decoder refuses non-zero trailing bits, so a decoded argument is canonical.
        let Ok(enc) = STANDARD_NO_PAD.decode(arg) else {
            return invalid();
        };
        if enc.len() != ENC_LEN || stanza.body.len() != BODY_LEN {
            return invalid();
        }
        let Ok(enc) = <XWing as Kem>::EncappedKey::from_bytes(&enc) else {
            return invalid();
        };
        // A stanza for another key fails its tag: not an error, the next identity may own
        // it (age's own X25519 identities behave the same). A share of low order is
        // malformed (see `xwing`).
        let file_key = match hpke_open::<XWing>(&enc, &self.secret, INFO, &stanza.body) {
            Ok(file_key) => file_key,
            Err(hpke::HpkeError::ValidationError) => return invalid(),
            Err(_) => return None,
        };
        let file_key = Zeroizing::new(file_key);
        Some(FileKey::try_init_with_mut(|k| {
            if file_key.len() != k.len() {
                return Err(::age::DecryptError::InvalidHeader);
            }
            k.copy_from_slice(&file_key);
            Ok(())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example identity and recipient in the age specification (c2sp.org/age): the
    /// key derivation (seed → X-Wing public key) is the reference one.
    /// The published example, test data only (`tests/fixtures/age-spec/`).
    const SPEC_IDENTITY_FILE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/age-spec/example-pq-identity.txt"
    ));
    const SPEC_RECIPIENT_START: &str = "age1pq1x34nzsvr0rxjsgdn8zgyhfe8j7ceq5r9rdelkjuh3y235jzxshfg87pzf5zrqtzdxz95paef6caq5aapdmwjjqpjfdyxnzr2zampc3uxy0dg4z2n2gm9su72p0pc3u0jvev55l694v78snxg3yzvcl7yda0eyytqj6a0ec477lnhcy5hzpz4zq3pxanve4cn62gqj3pjy5lqj9c6kyj4v2z8alktn8zh99970x79gjkv7522hv9kfz35zsnxhsx8wwtmu9cy3ftzjgwcp4sshn3llnylnpdsy";

    #[test]
    fn the_specifications_identity_has_its_recipient() {
        let spec_identity = SPEC_IDENTITY_FILE.trim();
        let id = Identity::parse(spec_identity).unwrap();
        let public = id.to_public().to_string();
        assert!(public.starts_with(SPEC_RECIPIENT_START), "{public}");
        assert_eq!(public.len(), 1959);
        assert_eq!(id.to_secret_string().as_str(), spec_identity);
        let parsed: PublicKey = public.parse().unwrap();
        assert_eq!(parsed.to_string(), public);
    }

    #[test]
    fn a_wrapped_file_key_opens_with_its_identity_only() {
        use ::age::{Identity as _, Recipient as _};
        let id = Identity::generate();
        let other = Identity::generate();
        let key = FileKey::new(Box::new([7u8; 16]));
        let (stanzas, labels) = id.to_public().wrap_file_key(&key).unwrap();
        assert_eq!(labels, [LABEL.to_owned()].into_iter().collect());
        assert_eq!(stanzas.len(), 1);
        assert_eq!(stanzas[0].tag, STANZA_TAG);
        assert_eq!(stanzas[0].body.len(), BODY_LEN);
        let opened = id.unwrap_stanza(&stanzas[0]).unwrap().unwrap();
        assert_eq!(opened.expose_secret(), &[7u8; 16]);
        assert!(other.unwrap_stanza(&stanzas[0]).is_none());
    }

    #[test]
    fn malformed_stanzas_are_header_errors() {
        use ::age::{Identity as _, Recipient as _};
        let id = Identity::generate();
        let key = FileKey::new(Box::new([1u8; 16]));
        let (stanzas, _) = id.to_public().wrap_file_key(&key).unwrap();
        let good = &stanzas[0];
        let with = |f: &dyn Fn(&mut Stanza)| {
            let mut s = Stanza {
                tag: good.tag.clone(),
                args: good.args.clone(),
                body: good.body.clone(),
            };
            f(&mut s);
            s
        };
        let cases = [
            with(&|s| s.args.push("x".into())),
            with(&|s| s.args.clear()),
            with(&|s| s.body.push(0)),
            with(&|s| s.args[0].truncate(100)),
            with(&|s| s.args[0] = STANDARD_NO_PAD.encode([0u8; ENC_LEN + 1])),
        ];
        for s in &cases {
            assert!(
                matches!(id.unwrap_stanza(s), Some(Err(_))),
                "{:?}",
                s.args.len()
            );
        }
        // Another stanza type is not ours to judge.
        assert!(
            id.unwrap_stanza(&with(&|s| s.tag = "X25519".into()))
                .is_none()
        );
    }

    #[test]
    fn identities_parse_in_either_case_and_refuse_other_keys() {
        let id = Identity::generate();
        let text = id.to_secret_string();
        assert!(Identity::parse(&text.to_lowercase()).is_ok());
        // A classical key is not a post-quantum one.
        let x25519 = ::age::x25519::Identity::generate().to_string();
        assert!(Identity::parse(x25519.expose_secret()).is_err());
        let e = Identity::parse(&text[..text.len() - 1]).unwrap_err();
        assert!(!e.contains(&text[20..]), "{e}");
    }

    /// Messages show a post-quantum recipient cut short, other recipients whole.
    #[test]
    fn messages_cut_post_quantum_recipients_short() {
        let public = Identity::generate().to_public().to_string();
        let short = crate::keys::short_id(&public);
        assert_eq!(short.chars().count(), 24 + 1 + 8, "{short}");
        assert!(short.starts_with("age1pq1") && short.ends_with(&public[public.len() - 8..]));
        let x25519 = ::age::x25519::Identity::generate().to_public().to_string();
        assert_eq!(crate::keys::short_id(&x25519), x25519);
        let e = crate::keys::WrapError {
            recipient: public.clone(),
            reason: "r".into(),
        };
        assert!(e.to_string().len() < 100, "{e}");
    }

    #[test]
    fn debug_does_not_show_the_secret() {
        let id = Identity::generate();
        let debug = format!("{id:?}");
        assert_eq!(debug, "age::pq::Identity(…)");
    }

    /// An X25519 share of low order makes the all-zero shared secret: the stanza is
    /// refused as malformed (as age's test vectors `hybrid_identity` and `hybrid_low_order`
    /// require), not merely left unopened.
    #[test]
    fn a_low_order_x25519_share_is_a_header_error() {
        use ::age::{Identity as _, Recipient as _};
        let id = Identity::generate();
        let key = FileKey::new(Box::new([3u8; 16]));
        let (mut stanzas, _) = id.to_public().wrap_file_key(&key).unwrap();
        let mut enc = STANDARD_NO_PAD.decode(&stanzas[0].args[0]).unwrap();
        // The identity point (u = 0), and u = 1 (order 4): both give an all-zero secret.
        for u in [0u8, 1] {
            enc[ENC_LEN - 32..].fill(0);
            enc[ENC_LEN - 32] = u;
            stanzas[0].args[0] = STANDARD_NO_PAD.encode(&enc);
            assert!(
                matches!(
                    id.unwrap_stanza(&stanzas[0]),
                    Some(Err(::age::DecryptError::InvalidHeader))
                ),
                "u = {u}"
            );
        }
    }

    /// A recipient that does not parse is named cut short in the error.
    #[test]
    fn a_bad_long_recipient_is_named_cut_short() {
        let public = Identity::generate().to_public().to_string();
        // Another last character (Bech32's checksum catches any one changed): 'x' itself
        // when the key happens to end with it would leave the key valid.
        let other = if public.ends_with('x') { 'y' } else { 'x' };
        let bad = format!("{}{other}", &public[..public.len() - 1]);
        let Err(e) = Recipient::parse(&bad) else {
            panic!("a damaged key parsed")
        };
        let shown = e.to_string();
        assert!(
            shown.contains(&format!("{}…{}", &bad[..20], &bad[bad.len() - 8..])),
            "{shown}"
        );
        assert!(!shown.contains(&bad[30..60]), "{shown}");
        assert_eq!(short("age1pq1short"), "age1pq1short");
        let forty_one = "a".repeat(41);
        assert_eq!(short(&forty_one).chars().count(), 20 + 1 + 8);
        assert_eq!(short(&"a".repeat(40)), "a".repeat(40));
    }
}
