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
}
