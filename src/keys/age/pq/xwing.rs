//! X-Wing as an HPKE KEM (`MLKEM768-X25519`, KEM id 0x647a), for age's HPKE helpers.
//!
//! The KEM itself (ML-KEM-768, X25519, their SHA3-256 combiner, the SHAKE256 key
//! expansion) is RustCrypto's `x-wing` crate; this file only presents it through the
//! `hpke` crate's `Kem` trait, as age does for its own `mlkem768p256tag` type, so that
//! `age_core::primitives::{hpke_seal, hpke_open}` run RFC 9180's key schedule over it.
//! The mapping is the one of draft-ietf-hpke-pq-03 (and filippo.io/hpke-pq): the secret key
//! is X-Wing's 32-byte seed, the public key its 1,216-byte encapsulation key, `enc` its
//! 1,120-byte ciphertext, and the shared secret goes to the key schedule unchanged.
//!
//! The versions are the ones whose ML-KEM matches age 0.12's (one `kem` trait crate in the
//! tree); newer `hpke` releases carry X-Wing themselves and can replace this file when age
//! moves to them.
//!
//! Decapsulation is the one part not left to the crate: `x_wing::DecapsulationKey` expands
//! its seed into the ML-KEM-768 and X25519 key pairs at every call (an ML-KEM key
//! generation and an X25519 base-point multiplication), and a checkout unwraps one key per
//! file with the same identity. [`PrivateKey`] expands once and keeps the pair; the
//! decapsulation is then the draft's four steps (ML-KEM decapsulation, the X25519
//! exchange, the SHA3-256 combiner) over the ML-KEM and X25519 crates, and the tests check
//! it against `x_wing`'s own on random keys and ciphertexts.

use std::fmt;
use std::sync::OnceLock;

use hpke::generic_array::GenericArray;
use hpke::generic_array::typenum::{Sum, U32, U96, U192, U1024, Unsigned};
use hpke::kem::SharedSecret;
use hpke::{Deserializable, HpkeError, Serializable};
use kem::{Decapsulate, Encapsulate};
use ml_kem::kem as kem_768;
use ml_kem::{B32, KemCore, MlKem768, MlKem768Params};
use rand::{CryptoRng, RngCore};
use sha3::digest::{ExtendableOutput, Update};
use sha3::{Sha3_256, Shake256};
use zeroize::{Zeroize, ZeroizeOnDrop};

type U1216 = Sum<U1024, U192>;
type U1120 = Sum<U1024, U96>;

/// The KEM: X-Wing, as HPKE's MLKEM768-X25519.
pub struct XWing;

/// An X-Wing secret key: the 32-byte seed the key pair is expanded from, and that pair
/// once it was needed.
pub struct PrivateKey {
    seed: [u8; x_wing::DECAPSULATION_KEY_SIZE],
    expanded: OnceLock<Expanded>,
}

/// The key pair expanded from a seed (draft-connolly-cfrg-xwing-kem, section 5.2). Both
/// secret halves wipe themselves when dropped.
struct Expanded {
    sk_m: kem_768::DecapsulationKey<MlKem768Params>,
    sk_x: x25519_dalek::StaticSecret,
    pk_x: x25519_dalek::PublicKey,
}

impl Expanded {
    fn new(seed: &[u8; x_wing::DECAPSULATION_KEY_SIZE]) -> Self {
        use sha3::digest::XofReader;
        // SHAKE256 of the seed: the ML-KEM seeds d and z, then the X25519 secret key.
        let mut xof = Shake256::default().chain(seed).finalize_xof();
        let mut out = zeroize::Zeroizing::new([0u8; 96]);
        xof.read(out.as_mut());
        let mut d = B32::try_from(&out[..32]).expect("32 bytes");
        let mut z = B32::try_from(&out[32..64]).expect("32 bytes");
        let (sk_m, _) = MlKem768::generate_deterministic(&d, &z);
        d.zeroize();
        z.zeroize();
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&out[64..]);
        let sk_x = x25519_dalek::StaticSecret::from(bytes);
        bytes.zeroize();
        let pk_x = x25519_dalek::PublicKey::from(&sk_x);
        Expanded { sk_m, sk_x, pk_x }
    }
}

impl PrivateKey {
    fn key(&self) -> x_wing::DecapsulationKey {
        x_wing::DecapsulationKey::from(self.seed)
    }

    fn expanded(&self) -> &Expanded {
        self.expanded.get_or_init(|| Expanded::new(&self.seed))
    }

    /// X-Wing's decapsulation (the draft's `Decapsulate`), with the pair expanded once. `None` when the
    /// ciphertext's X25519 share is of low order (the X25519 shared secret is all zeros):
    /// X-Wing itself accepts such a share, its secret still holding through ML-KEM, but
    /// age's specification and its test vectors refuse the stanza as malformed, as for
    /// X25519 recipients, so vaultfile refuses it too.
    fn decapsulate(&self, ct: &x_wing::Ciphertext) -> Option<[u8; 32]> {
        use sha3::Digest;
        use subtle::ConstantTimeEq;
        let key = self.expanded();
        let ct = zeroize::Zeroizing::new(ct.as_bytes());
        let (ct_m, ct_x) = ct.split_at(ML_KEM_CIPHERTEXT_SIZE);
        let ct_m = ml_kem::Ciphertext::<MlKem768>::try_from(ct_m).expect("1,088 bytes");
        let ct_x: [u8; 32] = ct_x.try_into().expect("32 bytes");
        let Ok(mut ss_m) = key.sk_m.decapsulate(&ct_m);
        let ss_x = key
            .sk_x
            .diffie_hellman(&x25519_dalek::PublicKey::from(ct_x));
        if bool::from(ss_x.as_bytes().ct_eq(&[0u8; 32])) {
            ss_m.zeroize();
            return None;
        }
        let ss = Sha3_256::new()
            .chain_update(ss_m.as_slice())
            .chain_update(ss_x.as_bytes())
            .chain_update(ct_x)
            .chain_update(key.pk_x.as_bytes())
            .chain_update(X_WING_LABEL)
            .finalize();
        ss_m.zeroize();
        Some(ss.into())
    }
}

/// The label of X-Wing's combiner.
const X_WING_LABEL: &[u8; 6] = br"\.//^\";

/// An ML-KEM-768 ciphertext's size: the first part of an X-Wing ciphertext.
const ML_KEM_CIPHERTEXT_SIZE: usize = 1088;

impl Clone for PrivateKey {
    fn clone(&self) -> Self {
        PrivateKey {
            seed: self.seed,
            expanded: OnceLock::new(),
        }
    }
}

impl Zeroize for PrivateKey {
    fn zeroize(&mut self) {
        self.seed.zeroize();
        // Dropping the pair wipes it.
        self.expanded.take();
    }
}

impl Drop for PrivateKey {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for PrivateKey {}

impl PartialEq for PrivateKey {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.seed.ct_eq(&other.seed).into()
    }
}
impl Eq for PrivateKey {}

impl Serializable for PrivateKey {
    type OutputSize = U32;

    fn write_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&self.seed);
    }
}

impl Deserializable for PrivateKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let seed = encoded
            .try_into()
            .map_err(|_| HpkeError::IncorrectInputLength(32, encoded.len()))?;
        Ok(PrivateKey {
            seed,
            expanded: OnceLock::new(),
        })
    }
}

/// An X-Wing public key: the ML-KEM-768 encapsulation key, then the X25519 public key.
#[derive(Clone, PartialEq)]
pub struct PublicKey(x_wing::EncapsulationKey);

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("X-Wing public key")
    }
}

impl Serializable for PublicKey {
    type OutputSize = U1216;

    fn write_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&self.0.as_bytes());
    }
}

impl Deserializable for PublicKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let bytes: &[u8; x_wing::ENCAPSULATION_KEY_SIZE] = encoded
            .try_into()
            .map_err(|_| HpkeError::IncorrectInputLength(U1216::USIZE, encoded.len()))?;
        let key = x_wing::EncapsulationKey::from(bytes);
        // FIPS 203's input check on an encapsulation key (section 7.2): its coefficients
        // must be reduced, which is "decoding and encoding again gives the same bytes".
        if key.as_bytes() != *bytes {
            return Err(HpkeError::ValidationError);
        }
        Ok(PublicKey(key))
    }
}

/// An X-Wing ciphertext: HPKE's encapsulated key `enc`.
#[derive(Clone)]
pub struct EncappedKey(x_wing::Ciphertext);

impl Serializable for EncappedKey {
    type OutputSize = U1120;

    fn write_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&self.0.as_bytes());
    }
}

impl Deserializable for EncappedKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let bytes: &[u8; x_wing::CIPHERTEXT_SIZE] = encoded
            .try_into()
            .map_err(|_| HpkeError::IncorrectInputLength(U1120::USIZE, encoded.len()))?;
        Ok(EncappedKey(x_wing::Ciphertext::from(bytes)))
    }
}

impl hpke::Kem for XWing {
    type PublicKey = PublicKey;
    type PrivateKey = PrivateKey;
    type EncappedKey = EncappedKey;
    type NSecret = U32;
    // draft-ietf-hpke-pq-03, section 7.
    const KEM_ID: u16 = 0x647a;

    fn sk_to_pk(sk: &PrivateKey) -> PublicKey {
        PublicKey(sk.key().encapsulation_key())
    }

    // draft-ietf-hpke-pq-03, section 4: the seed is
    // SHAKE256.LabeledDerive(ikm, "DeriveKeyPair", "", 32), RFC 9180's labels over SHAKE256.
    fn derive_keypair(ikm: &[u8]) -> (PrivateKey, PublicKey) {
        let label = b"DeriveKeyPair";
        let mut seed = [0u8; 32];
        Shake256::default()
            .chain(ikm)
            .chain(b"HPKE-v1")
            .chain(b"KEM")
            .chain(Self::KEM_ID.to_be_bytes())
            .chain((label.len() as u16).to_be_bytes())
            .chain(label)
            .chain(32u16.to_be_bytes())
            .finalize_xof_into(&mut seed);
        let sk = PrivateKey {
            seed,
            expanded: OnceLock::new(),
        };
        seed.zeroize();
        let pk = Self::sk_to_pk(&sk);
        (sk, pk)
    }

    fn decap(
        sk_recip: &PrivateKey,
        pk_sender_id: Option<&PublicKey>,
        encapped_key: &EncappedKey,
    ) -> Result<SharedSecret<Self>, HpkeError> {
        // Authenticated modes do not exist for X-Wing; age uses the base mode only.
        if pk_sender_id.is_some() {
            return Err(HpkeError::DecapError);
        }
        // A low-order X25519 share: a validation error, which the identity tells apart
        // from a stanza for another key (that one fails HPKE's AEAD).
        let mut ss = sk_recip
            .decapsulate(&encapped_key.0)
            .ok_or(HpkeError::ValidationError)?;
        let out = SharedSecret(GenericArray::clone_from_slice(&ss));
        ss.zeroize();
        Ok(out)
    }

    fn encap<R: CryptoRng + RngCore>(
        pk_recip: &PublicKey,
        sender_id_keypair: Option<(&PrivateKey, &PublicKey)>,
        csprng: &mut R,
    ) -> Result<(SharedSecret<Self>, EncappedKey), HpkeError> {
        if sender_id_keypair.is_some() {
            return Err(HpkeError::EncapError);
        }
        let Ok((ct, mut ss)) = pk_recip.0.encapsulate(csprng);
        let out = SharedSecret(GenericArray::clone_from_slice(&ss));
        ss.zeroize();
        Ok((out, EncappedKey(ct)))
    }
}

#[cfg(test)]
mod tests {
    use hpke::Kem as _;
    use rand::rngs::OsRng;

    use super::*;

    /// The decapsulation with the pair expanded once gives what `x_wing`'s own gives, on
    /// random keys and ciphertexts, for the first use of a key and the ones after it (and
    /// for a clone, which expands again).
    #[test]
    fn decapsulation_with_the_pair_kept_matches_x_wing() {
        for _ in 0..16 {
            let mut seed = [0u8; 32];
            OsRng.fill_bytes(&mut seed);
            let sk = PrivateKey::from_bytes(&seed).unwrap();
            let pk = XWing::sk_to_pk(&sk);
            for holder in [&sk, &sk, &sk.clone()] {
                let Ok((ct, ss)) = pk.0.encapsulate(&mut OsRng);
                let Ok(reference) = x_wing::DecapsulationKey::from(seed).decapsulate(&ct);
                assert_eq!(reference, ss);
                assert_eq!(holder.decapsulate(&ct), Some(ss));
            }
            // Another key's ciphertext gives another secret (and HPKE's AEAD then fails).
            let other = XWing::sk_to_pk(&PrivateKey::from_bytes(&[seed[0] ^ 1; 32]).unwrap());
            let Ok((ct, ss)) = other.0.encapsulate(&mut OsRng);
            assert_ne!(sk.decapsulate(&ct), Some(ss));
        }
    }

    /// Wiping a key clears its seed and drops the expanded pair (whose halves wipe
    /// themselves); `Drop` wipes the same way.
    #[test]
    fn zeroize_wipes_the_seed_and_the_expanded_pair() {
        let (mut sk, _) = XWing::derive_keypair(b"test-only key material");
        sk.expanded();
        assert!(sk.expanded.get().is_some());
        sk.zeroize();
        assert_eq!(sk.seed, [0u8; 32]);
        assert!(sk.expanded.get().is_none());
    }

    /// A low-order X25519 share is a validation error from the KEM, which the identity
    /// reports as a malformed stanza (`pq::tests::a_low_order_x25519_share_is_a_header_error`).
    #[test]
    fn a_low_order_share_fails_decapsulation() {
        let (sk, pk) = XWing::derive_keypair(b"test-only key material");
        let Ok((ct, _)) = pk.0.encapsulate(&mut OsRng);
        let mut bytes = ct.as_bytes();
        bytes[ML_KEM_CIPHERTEXT_SIZE..].fill(0);
        let ct = EncappedKey(x_wing::Ciphertext::from(&bytes));
        assert!(matches!(
            XWing::decap(&sk, None, &ct),
            Err(HpkeError::ValidationError)
        ));
    }
}
