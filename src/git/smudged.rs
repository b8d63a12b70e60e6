//! What this clone's filter decrypted or encrypted: for each blob, a keyed hash of its
//! plaintext in the work tree, so that clean can give the same blob back without its data
//! key.
//!
//! git re-runs the clean filter on files whose stat data it cannot trust: after a
//! checkout, every file written in the same second as the index ("racily clean"
//! entries, gitformat-index(5)). Clean must then answer with the stored blob when the
//! plaintext is unchanged, which costs a key service's round trip per file when the key
//! is held there: a fast checkout of 2,000 such files made the next `git status` wait for
//! 2,000 requests one after another. With this record, clean compares the plaintext with
//! what smudge wrote for that very blob, and only a changed file needs its key.
//!
//! Clean records the blobs it makes of plaintext too: a `git add` of files saved in the
//! same second leaves them racily clean, and the next `git commit` cleans every one again.
//!
//! The record lives in the repository's own directory (`.git/vaultfile/smudged`), never
//! in the work tree or a commit, next to a random key made for this clone. Its entries are
//! HMAC-SHA-256 values, so a copy of the record without the key tells nothing about the
//! plaintexts; whoever can read the key can read the work tree anyway.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The record's file, in the repository's common directory.
const RECORD: &str = "vaultfile/smudged";
/// The key of its hashes, beside it.
const KEY: &str = "vaultfile/smudged.key";
/// Entries kept when the record is rewritten: enough for a few checkouts of a large
/// repository, small enough to read at every filter start.
const KEEP: usize = 100_000;

/// A plaintext's keyed hash under one record's key ([`Smudged::fingerprint`]).
pub struct Fingerprint([u8; 32]);

/// The record of one repository, as one filter process reads and extends it.
pub struct Smudged {
    dir: PathBuf,
    key: Zeroizing<[u8; 32]>,
    /// Blob id → the hash of the plaintext smudge gave for it.
    known: HashMap<String, [u8; 32]>,
    /// Entries added by this process, appended on [`Smudged::save`].
    added: Vec<(String, [u8; 32])>,
    /// Lines in the file when it was read (to know when to rewrite it).
    lines: usize,
}

impl Smudged {
    /// Reads the record of the repository whose common git directory is `common_dir`,
    /// making its key the first time; `None` when the directory cannot hold it.
    pub fn open(common_dir: &Path) -> Option<Smudged> {
        let key = read_or_make_key(&common_dir.join(KEY))?;
        let mut known = HashMap::new();
        let mut lines = 0;
        if let Ok(text) = std::fs::read_to_string(common_dir.join(RECORD)) {
            for line in text.lines() {
                lines += 1;
                let Some((oid, mac)) = line.split_once(' ') else {
                    continue;
                };
                if let Some(mac) = from_hex(mac) {
                    known.insert(oid.to_owned(), mac);
                }
            }
        }
        Some(Smudged {
            dir: common_dir.to_owned(),
            key,
            known,
            added: Vec::new(),
            lines,
        })
    }

    fn mac(&self, plaintext: &[u8]) -> [u8; 32] {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_ref())
            .expect("HMAC takes any key length");
        m.update(plaintext);
        m.finalize().into_bytes().into()
    }

    /// Records that smudge gave `plaintext` for the blob `oid`.
    pub fn note(&mut self, oid: &str, plaintext: &[u8]) {
        let fingerprint = self.fingerprint(plaintext);
        self.note_fingerprint(oid, fingerprint);
    }

    /// The keyed hash this record keeps of `plaintext`: taken before the plaintext is
    /// consumed, for [`Smudged::note_fingerprint`] once the blob is known.
    pub fn fingerprint(&self, plaintext: &[u8]) -> Fingerprint {
        Fingerprint(self.mac(plaintext))
    }

    /// The fingerprint of what clean is given, when the blob clean makes of it will
    /// decrypt to exactly these bytes: plaintext, which never mentions `vaultfile`. Not
    /// for ciphertext (clean keeps or re-keys it: its blob does not decrypt to it) nor a
    /// conflicted merge result (stored whole).
    pub fn plaintext_fingerprint(&self, content: &[u8]) -> Option<Fingerprint> {
        memchr::memmem::find(content, b"vaultfile")
            .is_none()
            .then(|| self.fingerprint(content))
    }

    /// Records that the blob `oid` decrypts to the plaintext of `fingerprint`: smudge
    /// gave it, or clean made the blob of it.
    pub fn note_fingerprint(&mut self, oid: &str, fingerprint: Fingerprint) {
        let Fingerprint(mac) = fingerprint;
        if self.known.get(oid) != Some(&mac) {
            self.known.insert(oid.to_owned(), mac);
            self.added.push((oid.to_owned(), mac));
        }
    }

    /// Whether `content` is exactly the plaintext smudge gave for the blob `oid`.
    pub fn gave(&self, oid: &str, content: &[u8]) -> bool {
        use subtle::ConstantTimeEq;
        self.known
            .get(oid)
            .is_some_and(|mac| bool::from(mac.ct_eq(&self.mac(content))))
    }

    /// Writes this process's entries: appended, or the whole record rewritten (this
    /// process's entries and others, [`KEEP`] in all) when it has grown past twice that. Failures are ignored: the
    /// record only saves requests.
    pub fn save(&mut self) {
        if self.added.is_empty() {
            return;
        }
        let path = self.dir.join(RECORD);
        let line = |(oid, mac): &(String, [u8; 32])| format!("{oid} {}\n", to_hex(mac));
        if self.lines + self.added.len() > 2 * KEEP {
            // This process's entries, and as many of the others as fit in KEEP.
            let mut text: String = self.added.iter().map(line).collect();
            let room = KEEP.saturating_sub(self.added.len());
            let added: std::collections::HashSet<&str> =
                self.added.iter().map(|(o, _)| o.as_str()).collect();
            for (oid, mac) in self
                .known
                .iter()
                .filter(|(o, _)| !added.contains(o.as_str()))
                .take(room)
            {
                text.push_str(&line(&(oid.clone(), *mac)));
            }
            let tmp = path.with_extension("tmp");
            if std::fs::write(&tmp, text).is_ok() {
                let _ = std::fs::rename(&tmp, &path);
            }
        } else {
            let text: String = self.added.iter().map(line).collect();
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path);
            if let Ok(mut f) = file {
                let _ = f.write_all(text.as_bytes());
            }
        }
        self.lines += self.added.len();
        self.added.clear();
    }
}

/// Blobs made ahead of a `git add` by `vaultfile git add`: for each path, the blob its
/// content was cleaned into, which the filter gives back when git cleans that path with the
/// same content ([`Smudged::gave`] checks the content, by the record's keyed hash).
///
/// One list per `vaultfile git add`, in a file of its own (`….prepared`) with the blobs in
/// a directory beside it (`….blobs/N`), both removed when git is done; the filter learns
/// the list's name from the command's environment. Lines are `OID SP N SP PATH`; a path
/// with a line break is not listed (that file is cleaned as usual). The blobs are
/// ciphertext, and the filter checks each one's id before it hands it to git.
#[derive(Debug, Default)]
pub struct Prepared {
    dir: PathBuf,
    blobs: HashMap<String, (String, usize)>,
}

impl Prepared {
    /// An empty list whose blobs go in the directory beside `list`.
    pub fn new(list: &Path) -> Prepared {
        Prepared {
            dir: list.with_extension("blobs"),
            blobs: HashMap::new(),
        }
    }

    /// The directory the blobs are written in.
    pub fn blob_dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `path`'s blob, whose id is `oid`, into the blob directory.
    pub fn add(&mut self, path: &str, oid: &str, blob: &[u8]) -> std::io::Result<()> {
        if path.contains(['\n', '\r']) {
            return Ok(());
        }
        let n = self.blobs.len();
        std::fs::write(self.dir.join(n.to_string()), blob)?;
        self.blobs.insert(path.to_owned(), (oid.to_owned(), n));
        Ok(())
    }

    /// The id of the blob made ahead for `path`, and the file that holds it.
    pub fn get(&self, path: &str) -> Option<(&str, PathBuf)> {
        self.blobs
            .get(path)
            .map(|(oid, n)| (oid.as_str(), self.dir.join(n.to_string())))
    }

    /// Writes the list to `list` (readable by the user only).
    pub fn write(&self, list: &Path) -> std::io::Result<()> {
        let text: String = self
            .blobs
            .iter()
            .map(|(path, (oid, n))| format!("{oid} {n} {path}\n"))
            .collect();
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(list)?.write_all(text.as_bytes())
    }

    /// Reads the list in `list`; empty when it cannot be read (the files are then cleaned
    /// as usual).
    pub fn read(list: &Path) -> Prepared {
        let mut prepared = Prepared::new(list);
        if let Ok(text) = std::fs::read_to_string(list) {
            for line in text.lines() {
                let mut fields = line.splitn(3, ' ');
                if let (Some(oid), Some(Ok(n)), Some(path)) =
                    (fields.next(), fields.next().map(str::parse), fields.next())
                {
                    prepared.blobs.insert(path.to_owned(), (oid.to_owned(), n));
                }
            }
        }
        prepared
    }
}

/// The record's key: read, or made (32 random bytes, readable by the user only).
fn read_or_make_key(path: &Path) -> Option<Zeroizing<[u8; 32]>> {
    if let Ok(bytes) = std::fs::read(path)
        && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
    {
        return Some(Zeroizing::new(key));
    }
    let dir = path.parent()?;
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).ok()?;
    let mut key = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(key.as_mut()).ok()?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(path) {
        Ok(mut f) => {
            f.write_all(key.as_ref()).ok()?;
            Some(key)
        }
        // Another filter made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let bytes = std::fs::read(path).ok()?;
            Some(Zeroizing::new(<[u8; 32]>::try_from(bytes.as_slice()).ok()?))
        }
        Err(_) => None,
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prepared_list_reads_back_and_skips_what_it_cannot_hold() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("add-1.prepared");
        let mut prepared = Prepared::new(&list);
        std::fs::create_dir(prepared.blob_dir()).unwrap();
        prepared
            .add("secrets/a b.yaml", "abc123", b"blob one")
            .unwrap();
        prepared
            .add("line\nbreak.yaml", "def456", b"blob two")
            .unwrap();
        assert!(prepared.get("line\nbreak.yaml").is_none());
        prepared.write(&list).unwrap();
        let again = Prepared::read(&list);
        let (oid, file) = again.get("secrets/a b.yaml").unwrap();
        assert_eq!(oid, "abc123");
        assert_eq!(std::fs::read(file).unwrap(), b"blob one");
        assert!(again.get("line\nbreak.yaml").is_none());
        assert!(
            Prepared::read(&dir.path().join("missing"))
                .get("secrets/a b.yaml")
                .is_none()
        );
    }

    #[test]
    fn a_recorded_plaintext_is_recognised_and_nothing_else_is() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Smudged::open(dir.path()).unwrap();
        s.note("abc123", b"password: hunter2\n");
        assert!(s.gave("abc123", b"password: hunter2\n"));
        assert!(!s.gave("abc123", b"password: hunter3\n"));
        assert!(!s.gave("other", b"password: hunter2\n"));
        s.save();
        // Another process reads what this one wrote, with the same key.
        let again = Smudged::open(dir.path()).unwrap();
        assert!(again.gave("abc123", b"password: hunter2\n"));
        // What clean makes of plaintext is recorded under the blob's id; ciphertext given
        // to clean is not plaintext of any blob.
        let mut again = again;
        let fingerprint = again.plaintext_fingerprint(b"token: t0\n").unwrap();
        again.note_fingerprint("def456", fingerprint);
        assert!(again.gave("def456", b"token: t0\n"));
        assert!(
            again
                .plaintext_fingerprint(b"a: VF1.x\nvaultfile:\n")
                .is_none()
        );
        // The record holds no plaintext, and a record made with another key says nothing.
        let text = std::fs::read_to_string(dir.path().join(RECORD)).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        std::fs::remove_file(dir.path().join(KEY)).unwrap();
        let other = Smudged::open(dir.path()).unwrap();
        assert!(!other.gave("abc123", b"password: hunter2\n"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
