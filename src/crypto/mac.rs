use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::DataKey;
use crate::path::PathRef;

const MAC_KEY_LABEL: &[u8] = b"vaultfile v1 file mac";
/// Format version 2's MAC key is another subkey, so no MAC of one version is ever a MAC
/// of the other.
const TEXT_MAC_KEY_LABEL: &[u8] = b"vaultfile v2 text mac";

/// The length of a stored MAC: base64url, no padding, of 32 bytes.
pub const MAC_LEN: usize = 43;

/// What the version-1 MAC covers, fed in a fixed order by the engine.
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

/// The version-1 file MAC: HMAC-SHA256 under a subkey of the data key, over the values,
/// the recipients and the rules. Kept to read version-1 files; new files use [`TextMac`].
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

/// The version-2 file MAC: HMAC-SHA256, under a subkey of the data key, over every byte
/// of the file except the 43 characters of the MAC itself.
///
/// The file is fed in two parts: the text before the stored MAC value and the text after
/// it ([`TextMac::mac_position`] separates them). Each part is followed by its length, so
/// the parts (and so the MAC's place in the file) are bound too:
///
/// ```text
/// HMAC-SHA256(HKDF(data key, "vaultfile v2 text mac"),
///             N(before) || u64be(len N(before)) || N(after) || u64be(len N(after)))
/// ```
///
/// `N` reads every CR LF pair as LF and leaves every other byte as it is, a lone CR
/// included. A checkout that converts line endings (`core.autocrlf`, `eol=crlf`) therefore
/// keeps a file valid, while a lone CR, which some parsers read as a line break and others
/// do not, is authenticated as itself. The one change a keyless writer can make unnoticed
/// is turning LF into CR LF or back, which every supported format reads as the same line
/// break outside multi-line strings left unencrypted.
pub struct TextMac {
    mac: Hmac<Sha256>,
    /// A CR ended the last chunk: whether it is dropped depends on the next byte.
    pending_cr: bool,
    /// Bytes fed to the HMAC in the current part.
    len: u64,
    /// Whether [`TextMac::mac_position`] was called.
    split: bool,
}

impl TextMac {
    /// Starts a MAC under `key`.
    pub fn new(key: &DataKey) -> Self {
        let k = key.subkey::<32>(TEXT_MAC_KEY_LABEL);
        TextMac {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(&k[..]).expect("HMAC takes any key length"),
            pending_cr: false,
            len: 0,
            split: false,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.mac.update(bytes);
        self.len += bytes.len() as u64;
    }

    /// Feeds the next bytes of the file, in order; chunks may split anywhere.
    pub fn update(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let mut start = 0;
        if std::mem::take(&mut self.pending_cr) && bytes[0] != b'\n' {
            self.feed(b"\r");
        }
        for cr in memchr::memchr_iter(b'\r', bytes) {
            match bytes.get(cr + 1) {
                // CR LF: feed up to the CR, and the LF starts the next run.
                Some(b'\n') => {
                    self.feed(&bytes[start..cr]);
                    start = cr + 1;
                }
                Some(_) => {}
                // The chunk ends with CR: decide when the next byte is known.
                None => {
                    self.feed(&bytes[start..cr]);
                    start = bytes.len();
                    self.pending_cr = true;
                }
            }
        }
        self.feed(&bytes[start..]);
    }

    fn end_part(&mut self) {
        if std::mem::take(&mut self.pending_cr) {
            self.feed(b"\r");
        }
        let len = self.len;
        self.mac.update(&len.to_be_bytes());
        self.len = 0;
    }

    /// Marks where the stored MAC value stands: what was fed so far is the text before
    /// it, what follows is the text after it.
    pub fn mac_position(&mut self) {
        assert!(!self.split, "a file has one MAC");
        self.end_part();
        self.split = true;
    }

    fn finalize(mut self) -> Hmac<Sha256> {
        assert!(self.split, "the MAC's position was not marked");
        self.end_part();
        self.mac
    }

    /// Returns the MAC as stored in the metadata (base64url, no padding).
    pub fn finish(self) -> String {
        URL_SAFE_NO_PAD.encode(self.finalize().finalize().into_bytes())
    }

    /// Checks the MAC against the stored value in constant time.
    pub fn verify(self, stored: &str) -> bool {
        match URL_SAFE_NO_PAD.decode(stored) {
            Ok(bytes) => self.finalize().verify_slice(&bytes).is_ok(),
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

    fn text_mac(before: &[&[u8]], after: &[&[u8]]) -> String {
        let mut m = TextMac::new(&DataKey::from_bytes(&[1; 32]).unwrap());
        for b in before {
            m.update(b);
        }
        m.mac_position();
        for a in after {
            m.update(a);
        }
        m.finish()
    }

    #[test]
    fn text_mac_reads_crlf_as_lf_wherever_chunks_split() {
        let lf = text_mac(&[b"a: 1\nb: 2\n"], &[b"\n"]);
        assert_eq!(lf, text_mac(&[b"a: 1\r\nb: 2\r\n"], &[b"\r\n"]));
        assert_eq!(
            lf,
            text_mac(&[b"a: 1\r", b"\nb: 2\r", b"", b"\n"], &[b"\r", b"\n"])
        );
        assert_eq!(lf, text_mac(&[b"a: 1\n", b"b: 2\r\n"], &[b"\n"]));
    }

    #[test]
    fn text_mac_authenticates_a_lone_cr_and_every_other_byte() {
        let lf = text_mac(&[b"a: 1\nb: 2\n"], &[b"\n"]);
        // A lone CR is not a line ending here: it is authenticated as itself.
        assert_ne!(lf, text_mac(&[b"a: 1\rb: 2\n"], &[b"\n"]));
        assert_ne!(lf, text_mac(&[b"a: 1\r\rb: 2\n"], &[b"\n"]));
        assert_ne!(lf, text_mac(&[b"a: 1\n", b"\r"], &[b"b: 2\n"]));
        // A CR at the end of a part stays a CR.
        assert_ne!(text_mac(&[b"a\r"], &[b"\nb"]), text_mac(&[b"a"], &[b"\nb"]));
        assert_ne!(lf, text_mac(&[b"a: 1\nb: 2\n "], &[b"\n"]));
        assert_ne!(lf, text_mac(&[b"a: 1\nb: 3\n"], &[b"\n"]));
    }

    #[test]
    fn text_mac_binds_where_the_mac_stands() {
        // The same bytes with the MAC elsewhere differ.
        assert_ne!(text_mac(&[b"ab"], &[b"c"]), text_mac(&[b"a"], &[b"bc"]));
        assert_ne!(text_mac(&[b""], &[b"abc"]), text_mac(&[b"abc"], &[b""]));
    }

    #[test]
    fn text_mac_differs_from_the_version_1_mac_of_the_same_key() {
        let key = DataKey::from_bytes(&[1; 32]).unwrap();
        let v1 = FileMac::new(&key).finish();
        let mut v2 = TextMac::new(&key);
        v2.mac_position();
        assert_ne!(v1, v2.finish());
        assert_eq!(text_mac(&[], &[]).len(), MAC_LEN);
    }

    /// The construction, spelled out (and so the format's definition, checked): HMAC over
    /// each part with CR LF read as LF, each followed by its length as 8 big-endian bytes.
    #[test]
    fn text_mac_is_the_documented_construction() {
        let key = DataKey::from_bytes(&[7; 32]).unwrap();
        let (before, after) = (&b"a: 1\r\nb: \r"[..], &b"\r\n# end\r\n"[..]);
        let mut m = TextMac::new(&key);
        m.update(before);
        m.mac_position();
        m.update(after);
        let got = m.finish();

        let k = key.subkey::<32>(TEXT_MAC_KEY_LABEL);
        let mut h = <Hmac<Sha256> as Mac>::new_from_slice(&k[..]).unwrap();
        let before_n = b"a: 1\nb: \r";
        let after_n = b"\n# end\n";
        h.update(before_n);
        h.update(&(before_n.len() as u64).to_be_bytes());
        h.update(after_n);
        h.update(&(after_n.len() as u64).to_be_bytes());
        assert_eq!(got, URL_SAFE_NO_PAD.encode(h.finalize().into_bytes()));
    }
}
