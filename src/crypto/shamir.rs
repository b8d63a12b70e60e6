//! Shamir's secret sharing of a data key, for key groups.
//!
//! The data key is split byte by byte over GF(256) by the `vsss-rs` crate, whose field
//! arithmetic is constant-time (no lookup tables). Group `i` (0-based) gets the share at
//! `x = i + 1`; `x` is implied by the group's position in the metadata and is not stored,
//! so each share is exactly 32 secret bytes and is wrapped for the group's recipients like
//! a data key. Any `threshold` shares give the key back; fewer reveal nothing about it.
//!
//! A threshold of 1 is the degenerate polynomial `f(x) = key`: every share is the key.

use rand_core::{TryCryptoRng, TryRng};
use zeroize::{Zeroize, Zeroizing};

use super::DataKey;
use super::data_key::DATA_KEY_LEN;

/// The most key groups a file can have (GF(256) has 255 non-zero points).
pub const MAX_GROUPS: usize = 255;

/// The operating system's RNG, in the trait the sharing crate takes.
struct OsRng;

impl TryRng for OsRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        getrandom::getrandom(dst).expect("the operating system RNG is unavailable");
        Ok(())
    }
}

impl TryCryptoRng for OsRng {}

/// Why a split or a recovery failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShareError {
    /// The threshold is 0 or more than the number of groups, or there are too many groups.
    #[error("a threshold of {threshold} of {groups} key groups is not possible")]
    Parameters {
        /// The threshold asked for.
        threshold: usize,
        /// The number of groups.
        groups: usize,
    },
    /// The shares given cannot be combined (duplicate or out-of-range groups).
    #[error("the key group shares cannot be combined")]
    Combine,
}

/// Splits `key` into one share per group, any `threshold` of which recover it.
/// Returns the shares in group order (the share of group `i` is at `x = i + 1`).
pub fn split(key: &DataKey, threshold: usize, groups: usize) -> Result<Vec<DataKey>, ShareError> {
    let bad = ShareError::Parameters { threshold, groups };
    if threshold == 0 || threshold > groups || groups > MAX_GROUPS {
        return Err(bad);
    }
    if threshold == 1 {
        return Ok((0..groups).map(|_| key.clone()).collect());
    }
    let shares = Zeroizing::new(
        vsss_rs::Gf256::split_bytes(threshold, groups, key.expose(), OsRng).map_err(|_| bad)?,
    );
    let mut out = Vec::with_capacity(groups);
    for (i, share) in shares.iter().enumerate() {
        // Each share is `x || f(x)` for every byte of the key, with x = 1, 2, … in order.
        if share.len() != DATA_KEY_LEN + 1 || usize::from(share[0]) != i + 1 {
            return Err(ShareError::Combine);
        }
        out.push(DataKey::from_bytes(&share[1..]).expect("32 bytes"));
    }
    Ok(out)
}

/// Recovers a key from `shares`: `(group index, share)` pairs, exactly as many as the
/// threshold (more are fine; fewer give a wrong key, which the file MAC then rejects).
pub fn combine(shares: &[(usize, DataKey)]) -> Result<DataKey, ShareError> {
    match shares {
        [] => Err(ShareError::Combine),
        [(_, only)] => Ok(only.clone()),
        _ => {
            let mut encoded: Vec<Vec<u8>> = Vec::with_capacity(shares.len());
            for (i, share) in shares {
                let x = u8::try_from(i + 1).map_err(|_| ShareError::Combine)?;
                let mut v = Vec::with_capacity(DATA_KEY_LEN + 1);
                v.push(x);
                v.extend_from_slice(share.expose());
                encoded.push(v);
            }
            let result = vsss_rs::Gf256::combine_bytes(&encoded).map(Zeroizing::new);
            encoded.iter_mut().for_each(Zeroize::zeroize);
            let secret = result.map_err(|_| ShareError::Combine)?;
            DataKey::from_bytes(&secret).ok_or(ShareError::Combine)
        }
    }
}

/// Why shares laid out as HashiCorp Vault's cannot be combined (the messages are its own,
/// as SOPS reports them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CombineError {
    /// Fewer than two shares.
    #[error("less than two parts cannot be used to reconstruct the secret")]
    TooFewParts,
    /// A share shorter than one byte of secret and its x-coordinate.
    #[error("parts must be at least two bytes")]
    PartTooShort,
    /// Shares of different lengths.
    #[error("all parts must be the same length")]
    UnequalLengths,
    /// Two shares with the same x-coordinate.
    #[error("duplicate part detected")]
    DuplicatePart,
}

/// Splits `secret`, of any length, into `shares` shares any `threshold` (at least 2) of
/// which give it back, laid out as HashiCorp Vault's `shamir` package lays them out (and
/// so SOPS's key groups): the secret's bytes evaluated at the share's x, then x. The same
/// field and arithmetic as [`split`]; only the layout differs.
pub fn split_bytes(
    secret: &[u8],
    threshold: usize,
    shares: usize,
) -> Result<Vec<Zeroizing<Vec<u8>>>, ShareError> {
    let bad = ShareError::Parameters {
        threshold,
        groups: shares,
    };
    if threshold < 2 || threshold > shares || shares > MAX_GROUPS || secret.is_empty() {
        return Err(bad);
    }
    let mut raw = vsss_rs::Gf256::split_bytes(threshold, shares, secret, OsRng).map_err(|_| bad)?;
    let out = raw
        .iter()
        .map(|share| {
            // vsss-rs writes `x || f(x)…`; Vault writes `f(x)… || x`.
            let mut v = Zeroizing::new(Vec::with_capacity(share.len()));
            v.extend_from_slice(&share[1..]);
            v.push(share[0]);
            v
        })
        .collect();
    raw.iter_mut().for_each(Zeroize::zeroize);
    Ok(out)
}

/// Recovers what [`split_bytes`] (or Vault's `shamir.Split`) shared, from at least the
/// threshold of its shares; fewer give a wrong secret, which the file's MAC then rejects.
pub fn combine_bytes(parts: &[impl AsRef<[u8]>]) -> Result<Zeroizing<Vec<u8>>, CombineError> {
    if parts.len() < 2 {
        return Err(CombineError::TooFewParts);
    }
    let len = parts[0].as_ref().len();
    if len < 2 {
        return Err(CombineError::PartTooShort);
    }
    if parts.iter().any(|p| p.as_ref().len() != len) {
        return Err(CombineError::UnequalLengths);
    }
    let xs: Vec<u8> = parts.iter().map(|p| p.as_ref()[len - 1]).collect();
    if xs.iter().enumerate().any(|(i, x)| xs[..i].contains(x)) {
        return Err(CombineError::DuplicatePart);
    }
    let mut encoded: Vec<Vec<u8>> = parts
        .iter()
        .map(|p| {
            let p = p.as_ref();
            let mut v = Vec::with_capacity(len);
            v.push(p[len - 1]);
            v.extend_from_slice(&p[..len - 1]);
            v
        })
        .collect();
    let result = vsss_rs::Gf256::combine_bytes(&encoded).map(Zeroizing::new);
    encoded.iter_mut().for_each(Zeroize::zeroize);
    // x = 0 is the only point the checks above let through that the crate refuses: Vault's
    // split never makes it, so it is a damaged share.
    result.map_err(|_| CombineError::DuplicatePart)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The adapter gives the operating system's randomness through every method the
    /// sharing crate may call, not only the ones it calls today.
    #[test]
    fn the_os_rng_adapter_is_random_through_every_method() {
        let mut r = OsRng;
        let u64s: Vec<u64> = (0..4).map(|_| r.try_next_u64().unwrap()).collect();
        let u32s: Vec<u32> = (0..4).map(|_| r.try_next_u32().unwrap()).collect();
        assert!(u64s.windows(2).any(|w| w[0] != w[1]) && u64s.iter().all(|v| *v > 1));
        assert!(u32s.windows(2).any(|w| w[0] != w[1]));
        let mut a = [0u8; 32];
        r.try_fill_bytes(&mut a).unwrap();
        assert_ne!(a, [0u8; 32]);
    }

    #[test]
    fn any_threshold_of_the_shares_recover_the_key_and_fewer_do_not() {
        let key = DataKey::generate();
        let shares = split(&key, 2, 3).unwrap();
        assert_eq!(shares.len(), 3);
        for (a, b) in [(0, 1), (0, 2), (1, 2), (2, 0)] {
            let got = combine(&[(a, shares[a].clone()), (b, shares[b].clone())]).unwrap();
            assert!(got == key, "groups {a} and {b}");
        }
        // One share alone is not the key, and shares are not the key either.
        for s in &shares {
            assert!(*s != key);
        }
        // The wrong group index gives a wrong key (the MAC catches it).
        let wrong = combine(&[(0, shares[1].clone()), (2, shares[2].clone())]).unwrap();
        assert!(wrong != key);
    }

    #[test]
    fn three_of_five_and_all_of_two() {
        let key = DataKey::generate();
        let shares = split(&key, 3, 5).unwrap();
        let pick = [4, 1, 3];
        let got = combine(&pick.map(|i| (i, shares[i].clone()))).unwrap();
        assert!(got == key);
        let two = combine(&[(0, shares[0].clone()), (1, shares[1].clone())]).unwrap();
        assert!(two != key);
        let shares = split(&key, 2, 2).unwrap();
        assert!(combine(&[(0, shares[0].clone()), (1, shares[1].clone())]).unwrap() == key);
    }

    #[test]
    fn threshold_one_shares_are_the_key() {
        let key = DataKey::generate();
        let shares = split(&key, 1, 3).unwrap();
        assert!(shares.iter().all(|s| *s == key));
        assert!(combine(&[(2, shares[2].clone())]).unwrap() == key);
    }

    #[test]
    fn splits_are_random_and_parameters_are_checked() {
        let key = DataKey::generate();
        let a = split(&key, 2, 3).unwrap();
        let b = split(&key, 2, 3).unwrap();
        assert!(a[0] != b[0]);
        for (t, n) in [(0, 3), (4, 3), (2, 256)] {
            assert!(matches!(
                split(&key, t, n),
                Err(ShareError::Parameters { .. })
            ));
        }
        // The same limits hold where the sharing crate is not called (a threshold of 1
        // shares the key as it is): checked here, not left to the crate.
        for n in [0, 256] {
            assert!(matches!(
                split(&key, 1, n),
                Err(ShareError::Parameters { .. })
            ));
        }
        assert_eq!(split(&key, 1, MAX_GROUPS).unwrap().len(), MAX_GROUPS);
        assert_eq!(combine(&[]).unwrap_err(), ShareError::Combine);
        let dup = combine(&[(1, a[1].clone()), (1, a[1].clone())]);
        assert_eq!(dup.unwrap_err(), ShareError::Combine);
    }

    /// HashiCorp Vault's layout (SOPS's key groups): `f(x)… || x`, any length, any
    /// threshold of the shares; a known answer from Vault's own package pins the field.
    #[test]
    fn shares_in_vaults_layout_recombine_and_match_its_arithmetic() {
        let secret: Vec<u8> = (0..33).collect();
        let shares = split_bytes(&secret, 2, 3).unwrap();
        assert!(shares.iter().all(|s| s.len() == 34));
        for pair in [[0, 1], [1, 2], [0, 2]] {
            let parts = [&shares[pair[0]][..], &shares[pair[1]][..]];
            assert_eq!(*combine_bytes(&parts).unwrap(), secret);
        }
        assert_eq!(*combine_bytes(&shares).unwrap(), secret);
        assert_eq!(
            combine_bytes(&[&shares[0][..], &shares[0][..]]).unwrap_err(),
            CombineError::DuplicatePart
        );
        assert_eq!(
            combine_bytes(&[&shares[0][..]]).unwrap_err(),
            CombineError::TooFewParts
        );
        assert_eq!(
            combine_bytes(&[&shares[0][..], &shares[1][..3]]).unwrap_err(),
            CombineError::UnequalLengths
        );
        // Vault's layout needs two shares to combine, at most 255 x-coordinates, and a
        // secret to share: each limit on its own.
        for (secret, threshold, shares) in [
            (&secret[..], 1, 3),
            (&secret[..], 4, 3),
            (&secret[..], 2, 256),
            (&[][..], 2, 3),
        ] {
            assert!(
                matches!(
                    split_bytes(secret, threshold, shares),
                    Err(ShareError::Parameters { .. })
                ),
                "{threshold} of {shares}, {} bytes",
                secret.len()
            );
        }
        let all = split_bytes(&secret, 3, 3).unwrap();
        assert_eq!(*combine_bytes(&all).unwrap(), secret);
        assert_eq!(
            split_bytes(&secret, 2, MAX_GROUPS).unwrap().len(),
            MAX_GROUPS
        );
        // Known answers for the line f(x) = s + c·x in GF(2^8) with the AES polynomial
        // (Vault's `mult`): s = 0x07, c = 0x50 gives f(1) = 0x57, f(2) = 0xa7; s = 0,
        // c = 0x83 needs the reduction (0x83·2 = 0x106 ^ 0x11b = 0x1d; 0x83·3 = 0x9e).
        assert_eq!(*combine_bytes(&[[0x57, 1], [0xa7, 2]]).unwrap(), [0x07]);
        assert_eq!(*combine_bytes(&[[0x1d, 2], [0x9e, 3]]).unwrap(), [0x00]);
        assert_eq!(*combine_bytes(&[[0x83, 1], [0x9e, 3]]).unwrap(), [0x00]);
    }
}
