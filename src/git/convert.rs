//! What clean, smudge and textconv do to one file (named after git's `convert.c`).
//!
//! The invariant everything here serves (peers.md section 3.6): for every stored blob B,
//! `clean(smudge(B)) == B` byte for byte, so a checkout never shows a file as modified
//! and an unchanged `git add` stores the same blob. Clean gets there by re-encrypting
//! with the index version as baseline: the engine then reuses the data key, the wrapped
//! keys, the creation time and, because the value cipher is deterministic, every unchanged
//! value's token.
//!
//! Nothing here talks to git: the caller passes the baseline blob and the identities.

use std::time::SystemTime;

use crate::engine::{self, DecryptError, EncryptError, EncryptOptions, Opened};
use crate::format::{self, Format, ParseError, Store};
use crate::keys::{Identity, KeyHolders};
use crate::metadata::Metadata;
use crate::path::RuleSpec;

/// What is known about a blob or a work-tree file.
pub enum Content<'a> {
    /// Not a vaultfile-encrypted file (or not text).
    Plain,
    /// A vaultfile-encrypted file of this format (binary files are a small YAML document).
    Encrypted {
        /// The store that reads it.
        store: &'static dyn Store,
        /// Its text.
        text: &'a str,
        /// Whether it holds a whole binary file.
        binary: bool,
    },
}

/// Tells whether `content`, found at `path`, is a vaultfile-encrypted file.
pub fn classify<'a>(path: &str, content: &'a [u8]) -> Content<'a> {
    // Almost every plaintext file is ruled out by this search alone, without parsing.
    if memchr::memmem::find(content, b"vaultfile").is_none() {
        return Content::Plain;
    }
    let Ok(text) = std::str::from_utf8(content) else {
        return Content::Plain;
    };
    let format = Format::from_path(std::path::Path::new(path));
    let (store, binary) = match format::store_for(format) {
        Some(s) => (s, false),
        None => (format::store_for(Format::Yaml).expect("yaml store"), true),
    };
    match engine::inspect(store, text) {
        Ok(_) => Content::Encrypted {
            store,
            text,
            binary,
        },
        Err(_) => Content::Plain,
    }
}

/// The result of smudge.
pub enum Smudged {
    /// Decrypted.
    Decrypted(Vec<u8>),
    /// Encrypted, but no identity at hand opens it: the ciphertext, unchanged, and why.
    Locked(Vec<u8>, DecryptError),
    /// Not encrypted: passed through unchanged.
    Plain(Vec<u8>),
}

/// Repository → work tree. Fails only when the blob is encrypted and altered.
pub fn smudge(
    path: &str,
    content: Vec<u8>,
    identities: &[Box<dyn Identity>],
) -> Result<Smudged, DecryptError> {
    let result = match open_text(path, &content, identities, true) {
        None => return Ok(Smudged::Plain(content)),
        Some(r) => r,
    };
    match result {
        Ok((plain, _)) => Ok(Smudged::Decrypted(plain.expect("asked to decrypt"))),
        Err(e @ DecryptError::Integrity(_)) => Err(e),
        Err(e) => Ok(Smudged::Locked(content, e)),
    }
}

/// An encrypted file opened: its plaintext if asked for, and its key material.
type Opening = Result<(Option<Vec<u8>>, Opened), DecryptError>;

/// Opens `content` as an encrypted file in one parse: `None` when it is not one
/// (plaintext), else the plaintext (with `decrypt`) or just the verified key material.
///
/// A git checkout calls this once per file, so it does not classify first and then
/// parse again: a file that does not mention `vaultfile` is plaintext without parsing,
/// and one that does is opened directly, a missing metadata block meaning plaintext.
fn open_text(
    path: &str,
    content: &[u8],
    identities: &[Box<dyn Identity>],
    decrypt: bool,
) -> Option<Opening> {
    memchr::memmem::find(content, b"vaultfile")?;
    let text = std::str::from_utf8(content).ok()?;
    let format = Format::from_path(std::path::Path::new(path));
    let result = match (format::store_for(format), decrypt) {
        (None, _) => engine::decrypt_binary(text, identities).map(|(p, o)| (Some(p), o)),
        (Some(store), true) => {
            let mut plain = Vec::with_capacity(text.len());
            engine::decrypt_to(store, text, identities, &mut plain).map(|o| (Some(plain), o))
        }
        (Some(store), false) => engine::open(store, text, identities).map(|o| (None, o)),
    };
    match result {
        Err(DecryptError::NotEncrypted | DecryptError::Parse(_)) => None,
        other => Some(other),
    }
}

/// Why clean refused a file. git then refuses the `add`: plaintext is never stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CleanError {
    /// A text format that is not UTF-8.
    #[error("it is not UTF-8 text (invalid byte at offset {0})")]
    NotText(usize),
    /// The plaintext does not parse.
    #[error("it is not valid {format}: {error}")]
    Syntax {
        /// The format expected from the file name.
        format: Format,
        /// Where and what.
        error: ParseError,
        /// It still holds conflict markers.
        conflict_markers: bool,
    },
    /// The version in the index is encrypted and no identity at hand opens it, so its data
    /// key and recipients cannot be kept.
    #[error("no identity at hand opens the version in the index ({0})")]
    BaselineLocked(DecryptError),
    /// The file is ciphertext that fails its integrity check.
    #[error("it is encrypted but fails its integrity check: {0}")]
    Tampered(DecryptError),
    /// The file is ciphertext with some values in plaintext, and no key to encrypt them.
    #[error("it has plaintext values ({0}) and no identity at hand can encrypt them")]
    PlaintextInLockedFile(DecryptError),
    /// A new file, and no recipients for it.
    #[error("{0}")]
    NoRecipients(String),
    /// Encryption failed.
    #[error(transparent)]
    Encrypt(EncryptError),
}

/// Recipients and rules for a file that has no encrypted version yet.
pub type NewFileKeys = (KeyHolders, Option<RuleSpec>);

/// Work tree → repository.
///
/// `baseline` is the index (else HEAD) version of the same path, if any; `new_file` is
/// asked for recipients only when there is no encrypted baseline.
pub fn clean(
    path: &str,
    content: Vec<u8>,
    baseline: Option<&[u8]>,
    identities: &[Box<dyn Identity>],
    new_file: &mut dyn FnMut() -> Result<NewFileKeys, String>,
) -> Result<Vec<u8>, CleanError> {
    clean_at(
        path,
        content,
        baseline,
        identities,
        new_file,
        SystemTime::now(),
    )
}

/// [`clean`] with the time a new file's data key is dated (`created` in its metadata,
/// which `vaultfile status --max-age` judges), for callers with a clock of their own.
pub fn clean_at(
    path: &str,
    content: Vec<u8>,
    baseline: Option<&[u8]>,
    identities: &[Box<dyn Identity>],
    new_file: &mut dyn FnMut() -> Result<NewFileKeys, String>,
    now: SystemTime,
) -> Result<Vec<u8>, CleanError> {
    match open_text(path, &content, identities, false) {
        None => {}
        // Already ciphertext (a locked work tree, or clean run twice): keep it as it is,
        // after checking what can be checked.
        Some(Ok(_)) => return Ok(content),
        Some(Err(e @ DecryptError::Integrity(_))) => return Err(CleanError::Tampered(e)),
        Some(Err(_)) => {
            let (store, text) = match classify(path, &content) {
                Content::Encrypted { store, text, .. } => (store, text),
                Content::Plain => unreachable!("open_text found metadata"),
            };
            return match engine::check_sealed(store, text) {
                Ok(_) => Ok(content),
                Err(e) => Err(CleanError::PlaintextInLockedFile(e)),
            };
        }
    }

    let format = Format::from_path(std::path::Path::new(path));
    // No earlier version, or a plaintext one (committed before the attributes): a new file.
    let base = match baseline.and_then(|b| open_text(path, b, identities, false)) {
        None => None,
        Some(Ok((_, opened))) => Some(opened),
        Some(Err(e)) => return Err(CleanError::BaselineLocked(e)),
    };
    let mut recipients = Vec::new();
    let mut rules = None;
    let mut base = base;
    if base.is_none() {
        let (holders, r) = new_file().map_err(CleanError::NoRecipients)?;
        rules = r;
        match holders {
            KeyHolders::Recipients(list) => recipients = list,
            // Key groups: a fresh key split among the groups, used as the baseline.
            groups => base = Some(engine::new_key(&groups, now).map_err(CleanError::Encrypt)?),
        }
    }
    let opts = EncryptOptions {
        recipients: &recipients,
        rules,
        baseline: base.as_ref(),
        now,
    };
    match format::store_for(format) {
        Some(store) => {
            let text =
                std::str::from_utf8(&content).map_err(|e| CleanError::NotText(e.valid_up_to()))?;
            match engine::encrypt(store, text, &opts) {
                Ok(enc) => Ok(enc.text.into_bytes()),
                Err(EncryptError::Parse(error)) => Err(CleanError::Syntax {
                    format,
                    conflict_markers: has_conflict_markers(text),
                    error,
                }),
                Err(e) => Err(CleanError::Encrypt(e)),
            }
        }
        None => engine::encrypt_binary(&content, &opts)
            .map(|e| e.text.into_bytes())
            .map_err(CleanError::Encrypt),
    }
}

/// Whether `text` still holds a merge's conflict markers at the start of a line.
pub fn has_conflict_markers(text: &str) -> bool {
    let mut seen = [false; 3];
    for line in text.lines() {
        for (i, m) in ["<<<<<<<", "=======", ">>>>>>>"].iter().enumerate() {
            if line.starts_with(m) {
                seen[i] = true;
            }
        }
    }
    seen.iter().all(|s| *s)
}

/// What `git diff` shows for a blob: the plaintext when a key opens it, else the blob as
/// it is (never an error, so `git log -p` works without a key).
pub fn textconv(path: &str, content: Vec<u8>, identities: &[Box<dyn Identity>]) -> Vec<u8> {
    match smudge(path, content.clone(), identities) {
        Ok(Smudged::Decrypted(p)) => p,
        _ => content,
    }
}

/// The metadata of an encrypted blob, without any key; `None` for plaintext.
pub fn metadata_of(path: &str, content: &[u8]) -> Option<Metadata> {
    match classify(path, content) {
        Content::Encrypted { store, text, .. } => engine::inspect(store, text).ok(),
        Content::Plain => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys;

    fn key() -> keys::testkit::KeyPair {
        keys::testkit::generated()
    }

    fn new_file_with(
        r: &[Box<dyn crate::keys::Recipient>],
    ) -> impl FnMut() -> Result<NewFileKeys, String> + '_ {
        move || {
            Ok((
                KeyHolders::Recipients(
                    r.iter()
                        .map(|r| keys::parse_recipient(r.id()).unwrap())
                        .collect(),
                ),
                None,
            ))
        }
    }

    const PLAIN: &str = "db:\n  user: app\n  password: hunter2\n";

    #[test]
    fn clean_of_smudge_is_the_identity_on_stored_blobs() {
        let (r, ids) = key();
        let blob = clean("a.yaml", PLAIN.into(), None, &ids, &mut new_file_with(&r)).unwrap();
        let Smudged::Decrypted(plain) = smudge("a.yaml", blob.clone(), &ids).unwrap() else {
            panic!("not decrypted")
        };
        assert_eq!(plain, PLAIN.as_bytes());
        let again = clean("a.yaml", plain, Some(&blob), &ids, &mut || {
            Err("a baseline exists: new_file must not be asked".into())
        })
        .unwrap();
        assert_eq!(again, blob);
        // clean∘clean = clean (gitattributes(5)).
        let twice = clean("a.yaml", blob.clone(), Some(&blob), &ids, &mut || {
            Err("unused".into())
        })
        .unwrap();
        assert_eq!(twice, blob);
    }

    #[test]
    fn smudge_without_a_key_passes_ciphertext_through() {
        let (r, ids) = key();
        let blob = clean("a.yaml", PLAIN.into(), None, &ids, &mut new_file_with(&r)).unwrap();
        let (_, other) = key();
        assert!(matches!(
            smudge("a.yaml", blob.clone(), &other).unwrap(),
            Smudged::Locked(b, _) if b == blob
        ));
        // …and clean of that locked file stores it unchanged.
        let back = clean("a.yaml", blob.clone(), Some(&blob), &other, &mut || {
            Err("unused".into())
        })
        .unwrap();
        assert_eq!(back, blob);
    }

    #[test]
    fn smudge_refuses_an_altered_blob() {
        let (r, ids) = key();
        let blob = clean("a.yaml", PLAIN.into(), None, &ids, &mut new_file_with(&r)).unwrap();
        // Swap the two values' tokens: each is valid, but not at the other's path.
        let text = String::from_utf8(blob).unwrap();
        let token = |key: &str| {
            let line = text
                .lines()
                .find(|l| l.trim_start().starts_with(key))
                .unwrap();
            line.split_once(": ").unwrap().1.to_owned()
        };
        let (u, p) = (token("user:"), token("password:"));
        let text = text.replace(&u, "SWAP").replace(&p, &u).replace("SWAP", &p);
        assert!(matches!(
            smudge("a.yaml", text.into_bytes(), &ids),
            Err(DecryptError::Integrity(_))
        ));
    }

    #[test]
    fn a_locked_file_with_a_plaintext_value_is_not_stored() {
        let (r, ids) = key();
        let blob = clean("a.yaml", PLAIN.into(), None, &ids, &mut new_file_with(&r)).unwrap();
        let text = String::from_utf8(blob.clone()).unwrap();
        let start = text.find("password: ").unwrap() + "password: ".len();
        let end = start + text[start..].find('\n').unwrap();
        let edited = format!("{}letmein{}", &text[..start], &text[end..]);
        let (_, nobody) = key();
        let err = clean(
            "a.yaml",
            edited.into_bytes(),
            Some(&blob),
            &nobody,
            &mut || Err("unused".into()),
        )
        .unwrap_err();
        assert!(matches!(err, CleanError::PlaintextInLockedFile(_)), "{err}");
    }

    #[test]
    fn a_new_file_without_recipients_is_refused() {
        let (_, ids) = key();
        let err = clean("a.yaml", PLAIN.into(), None, &ids, &mut || {
            Err("no rule".into())
        })
        .unwrap_err();
        assert!(matches!(err, CleanError::NoRecipients(_)));
    }

    #[test]
    fn unresolved_conflict_markers_are_named() {
        let (r, ids) = key();
        let text = "a: 1\n<<<<<<< ours\nb: 2\n=======\nb: 3\n>>>>>>> theirs\n";
        let err = clean("a.yaml", text.into(), None, &ids, &mut new_file_with(&r)).unwrap_err();
        assert!(
            matches!(
                err,
                CleanError::Syntax {
                    conflict_markers: true,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn binary_files_round_trip_through_clean_and_smudge() {
        let (r, ids) = key();
        let content = vec![0u8, 159, 146, 150, 10, 13];
        let blob = clean("k.bin", content.clone(), None, &ids, &mut new_file_with(&r)).unwrap();
        let Smudged::Decrypted(plain) = smudge("k.bin", blob.clone(), &ids).unwrap() else {
            panic!()
        };
        assert_eq!(plain, content);
        let again = clean("k.bin", plain, Some(&blob), &ids, &mut || Err("x".into())).unwrap();
        assert_eq!(again, blob);
    }
}
