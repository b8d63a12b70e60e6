use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::DataKey;
use crate::path::PathRef;

const MAC_KEY_LABEL: &[u8] = b"vaultfile v1 file mac";

/// What the MAC covers, fed in a fixed order by the engine.
pub enum MacInput<'a> {
    /// The format version of the metadata.
    Version(u32),
    /// A leaf: its path, whether it is encrypted, and its token or plaintext source text.
    Leaf {
        /// The leaf's path.
        path: PathRef<'a>,
        /// True when `text` is a token.
        encrypted: bool,
        /// The token, or the plaintext source text of an unencrypted leaf.
        text: &'a [u8],
    },
    /// One recipient string.
    Recipient(&'a str),
    /// The selection rules, canonically serialised.
    Rules(&'a str),
    /// The data key's creation time, as stored.
    Created(&'a str),
    /// How many key groups are needed (files with key groups only).
    Threshold(u32),
    /// The start of key group `n` (0-based); the group's [`MacInput::Recipient`]s follow.
    KeyGroup(u32),
}

/// The deterministic file MAC: HMAC-SHA256 under a subkey of the data key.
///
/// Every input is tagged and length-prefixed, so no two different sequences of inputs
/// encode to the same bytes. No timestamp that changes on re-encryption is covered.
pub struct FileMac {
    mac: Hmac<Sha256>,
}

impl FileMac {
    /// Starts a MAC under `key`.
    pub fn new(key: &DataKey) -> Self {
        let k = key.subkey::<32>(MAC_KEY_LABEL);
        FileMac {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(&k[..]).expect("HMAC takes any key length"),
        }
    }

    fn field(&mut self, tag: u8, bytes: &[u8]) {
        self.mac.update(&[tag]);
        self.mac.update(&(bytes.len() as u64).to_be_bytes());
        self.mac.update(bytes);
    }

    /// Feeds one input.
    pub fn update(&mut self, input: MacInput<'_>) {
        match input {
            MacInput::Version(v) => self.field(b'v', &v.to_be_bytes()),
            MacInput::Leaf {
                path,
                encrypted,
                text,
            } => {
                self.field(b'p', path.as_bytes());
                self.field(if encrypted { b'e' } else { b'u' }, text);
            }
            MacInput::Recipient(r) => self.field(b'r', r.as_bytes()),
            MacInput::Rules(r) => self.field(b'R', r.as_bytes()),
            MacInput::Created(c) => self.field(b'c', c.as_bytes()),
            MacInput::Threshold(t) => self.field(b't', &t.to_be_bytes()),
            MacInput::KeyGroup(g) => self.field(b'g', &g.to_be_bytes()),
        }
    }

    /// Returns the MAC as stored in the metadata (base64url, no padding).
    pub fn finish(self) -> String {
        URL_SAFE_NO_PAD.encode(self.mac.finalize().into_bytes())
    }

    /// Checks the MAC against the stored value in constant time.
    pub fn verify(self, stored: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(stored.trim()) {
            Ok(bytes) => self.mac.verify_slice(&bytes).is_ok(),
            Err(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::KeyPath;

    fn mac_of(inputs: &[MacInput<'_>]) -> String {
        let mut m = FileMac::new(&DataKey::from_bytes(&[1; 32]).unwrap());
        for i in inputs {
            m.update(match i {
                MacInput::Version(v) => MacInput::Version(*v),
                MacInput::Leaf {
                    path,
                    encrypted,
                    text,
                } => MacInput::Leaf {
                    path: *path,
                    encrypted: *encrypted,
                    text,
                },
                MacInput::Recipient(r) => MacInput::Recipient(r),
                MacInput::Rules(r) => MacInput::Rules(r),
                MacInput::Created(c) => MacInput::Created(c),
                MacInput::Threshold(t) => MacInput::Threshold(*t),
                MacInput::KeyGroup(g) => MacInput::KeyGroup(*g),
            });
        }
        m.finish()
    }

    #[test]
    fn order_and_boundaries_matter() {
        let a = KeyPath::parse("a").unwrap();
        let b = KeyPath::parse("b").unwrap();
        let one = mac_of(&[
            MacInput::Leaf {
                path: a.as_path(),
                encrypted: true,
                text: b"x",
            },
            MacInput::Leaf {
                path: b.as_path(),
                encrypted: true,
                text: b"y",
            },
        ]);
        let swapped = mac_of(&[
            MacInput::Leaf {
                path: b.as_path(),
                encrypted: true,
                text: b"y",
            },
            MacInput::Leaf {
                path: a.as_path(),
                encrypted: true,
                text: b"x",
            },
        ]);
        assert_ne!(one, swapped);
        let plain = mac_of(&[
            MacInput::Leaf {
                path: a.as_path(),
                encrypted: false,
                text: b"x",
            },
            MacInput::Leaf {
                path: b.as_path(),
                encrypted: true,
                text: b"y",
            },
        ]);
        assert_ne!(one, plain);
        assert_eq!(
            one,
            mac_of(&[
                MacInput::Leaf {
                    path: a.as_path(),
                    encrypted: true,
                    text: b"x"
                },
                MacInput::Leaf {
                    path: b.as_path(),
                    encrypted: true,
                    text: b"y"
                },
            ])
        );
    }

    #[test]
    fn key_group_boundaries_matter() {
        // The same recipients in other groups, or under another threshold, differ.
        let grouped = |t: u32, split_at: usize| {
            let mut inputs = vec![MacInput::Threshold(t), MacInput::KeyGroup(0)];
            for (i, r) in ["age1a", "age1b", "age1c"].into_iter().enumerate() {
                if i == split_at {
                    inputs.push(MacInput::KeyGroup(1));
                }
                inputs.push(MacInput::Recipient(r));
            }
            mac_of(&inputs)
        };
        assert_ne!(grouped(1, 1), grouped(1, 2));
        assert_ne!(grouped(1, 1), grouped(2, 1));
        let flat = mac_of(&[
            MacInput::Recipient("age1a"),
            MacInput::Recipient("age1b"),
            MacInput::Recipient("age1c"),
        ]);
        assert_ne!(flat, grouped(1, 3));
    }

    #[test]
    fn verify_accepts_only_the_right_mac() {
        let key = DataKey::from_bytes(&[1; 32]).unwrap();
        let mut m = FileMac::new(&key);
        m.update(MacInput::Recipient("age1x"));
        let stored = m.finish();
        let mut m = FileMac::new(&key);
        m.update(MacInput::Recipient("age1x"));
        assert!(m.verify(&stored));
        let mut m = FileMac::new(&key);
        m.update(MacInput::Recipient("age1y"));
        assert!(!m.verify(&stored));
    }
}
