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

use std::fmt;

use hpke::generic_array::GenericArray;
use hpke::generic_array::typenum::{Sum, U32, U96, U192, U1024, Unsigned};
use hpke::kem::SharedSecret;
use hpke::{Deserializable, HpkeError, Serializable};
use kem::{Decapsulate, Encapsulate};
use rand::{CryptoRng, RngCore};
use sha3::Shake256;
use sha3::digest::{ExtendableOutput, Update};
use zeroize::{Zeroize, ZeroizeOnDrop};

type U1216 = Sum<U1024, U192>;
type U1120 = Sum<U1024, U96>;

/// The KEM: X-Wing, as HPKE's MLKEM768-X25519.
pub struct XWing;

/// An X-Wing secret key: the 32-byte seed the key pair is expanded from.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PrivateKey([u8; x_wing::DECAPSULATION_KEY_SIZE]);

impl PrivateKey {
    fn key(&self) -> x_wing::DecapsulationKey {
        x_wing::DecapsulationKey::from(self.0)
    }
}

impl PartialEq for PrivateKey {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.0.ct_eq(&other.0).into()
    }
}
impl Eq for PrivateKey {}

impl Serializable for PrivateKey {
    type OutputSize = U32;

    fn write_exact(&self, buf: &mut [u8]) {
        buf.copy_from_slice(&self.0);
    }
}

impl Deserializable for PrivateKey {
    fn from_bytes(encoded: &[u8]) -> Result<Self, HpkeError> {
        let seed = encoded
            .try_into()
            .map_err(|_| HpkeError::IncorrectInputLength(32, encoded.len()))?;
        Ok(PrivateKey(seed))
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

/// Whether `enc`'s X25519 share, with `sk`'s X25519 key, gives the all-zero shared secret
/// (a share of low order). X-Wing itself accepts such a share, its secret still holding
/// through ML-KEM; age's specification and its test vectors refuse the stanza as malformed,
/// as for X25519 recipients, so vaultfile refuses it too.
pub fn x25519_share_is_low_order(sk: &PrivateKey, enc: &EncappedKey) -> bool {
    use sha3::digest::XofReader;
    use subtle::ConstantTimeEq;
    // X-Wing's key expansion (draft-connolly-cfrg-xwing-kem, section 5.2): SHAKE256 of the
    // seed gives the ML-KEM seed (64 bytes), then the X25519 secret key (32 bytes).
    let mut xof = Shake256::default().chain(sk.0).finalize_xof();
    let mut expanded = zeroize::Zeroizing::new([0u8; 96]);
    xof.read(expanded.as_mut());
    let mut sk_x = [0u8; 32];
    sk_x.copy_from_slice(&expanded[64..]);
    let ct = enc.0.as_bytes();
    let mut share = [0u8; 32];
    share.copy_from_slice(&ct[x_wing::CIPHERTEXT_SIZE - 32..]);
    let mut shared = x25519_dalek::x25519(sk_x, share);
    sk_x.zeroize();
    let zero = shared.ct_eq(&[0u8; 32]).into();
    shared.zeroize();
    zero
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
        let sk = PrivateKey(seed);
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
        let Ok(mut ss) = sk_recip.key().decapsulate(&encapped_key.0);
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
