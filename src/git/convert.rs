//! What clean, smudge and textconv do to one file (named after git's `convert.c`).
//!
//! The invariant everything here serves: for every stored blob B,
//! `clean(smudge(B)) == B` byte for byte, so a checkout never shows a file as modified
//! and an unchanged `git add` stores the same blob. Clean gets there by re-encrypting
//! with the index version as baseline: the engine then reuses the data key, the wrapped
//! keys, the creation time and, because the value cipher is deterministic, every unchanged
//! value's token.
//!
//! Nothing here talks to git: the caller passes the baseline blob and the identities.

use std::time::SystemTime;

use crate::engine::{
    self, DecryptError, EncryptError, EncryptOptions, KeyReserve, Opened, Rotation,
};
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
    let (store, binary) = (
        format::encrypted_store_for(format),
        format == Format::Binary,
    );
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
    smudge_opened(path, content, identities).map(|(s, _)| s)
}

/// [`smudge`], with the verified metadata of a blob it decrypted (to compare its
/// recipients with the file's rule).
pub fn smudge_opened(
    path: &str,
    content: Vec<u8>,
    identities: &[Box<dyn Identity>],
) -> Result<(Smudged, Option<Metadata>), DecryptError> {
    let Some(result) = open_text(path, &content, identities, true) else {
        return Ok((Smudged::Plain(content), None));
    };
    match result {
        Ok((plain, opened)) => Ok((
            Smudged::Decrypted(plain.expect("asked to decrypt")),
            Some(opened.metadata),
        )),
        Err(e @ DecryptError::Integrity(_)) => Err(e),
        Err(e) => Ok((Smudged::Locked(content, e), None)),
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
    let mut format = Format::from_path(std::path::Path::new(path));
    // A merge result with conflict markers is stored encrypted whole, whatever its name.
    if format != Format::Binary && engine::is_whole(text) {
        format = Format::Binary;
    }
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
    /// The file has vaultfile metadata that cannot be read (a newer format, or damaged).
    #[error("its vaultfile metadata cannot be read: {0}")]
    Unreadable(DecryptError),
    /// The file is ciphertext that no identity at hand opens, and it differs from the
    /// stored version: without a key nothing in an encrypted file may change, not even a
    /// comment.
    #[error(
        "it is encrypted, no identity at hand opens it, and it differs from the version in the repository"
    )]
    LockedChange {
        /// Who can change it: the stored version's recipients.
        recipients: Vec<String>,
    },
    /// The file is ciphertext with some values in plaintext, and no key to encrypt them.
    #[error("it has plaintext values ({0}) and no identity at hand can encrypt them")]
    PlaintextInLockedFile(DecryptError),
    /// A new file, and no recipients for it.
    #[error("{0}")]
    NoRecipients(String),
    /// The file still holds a merge's conflict markers.
    #[error("it still holds conflict markers (<<<<<<< ======= >>>>>>>)")]
    ConflictMarkers,
    /// The file's `.vaultfile.yaml` cannot be read.
    #[error("{0}")]
    Config(RuleUnavailable),
    /// Encryption failed.
    #[error(transparent)]
    Encrypt(EncryptError),
}

/// The `.vaultfile.yaml` rule for a file, as the caller found it.
pub enum RuleFor {
    /// The rule's key holders and selection rules.
    Rule(KeyHolders, RuleSpec),
    /// No rule applies; why, in words (a new file's error says it).
    NoRule(String),
}

/// Why the caller could not give a file's `.vaultfile.yaml` rule: the configuration cannot
/// be read, or its rule cannot be used. The caller's own error is kept (as the source)
/// because the configuration is read above this layer, which cannot name its types.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct RuleUnavailable(Box<dyn std::error::Error + Send + Sync>);

impl RuleUnavailable {
    /// Wraps the caller's error (or a message).
    pub fn new(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        RuleUnavailable(error.into())
    }

    /// The caller's error, to downcast.
    pub fn get_ref(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

/// Work tree → repository, at `now` (the time a new data key is dated: `created` in its
/// metadata, which `vaultfile status --max-age` judges).
///
/// `baseline` is the index (else HEAD) version of the same path, if any. `rule` is asked
/// for the file's `.vaultfile.yaml` rule, which is the truth about who can open it and
/// which values are encrypted: a new file gets the rule's key holders and selection rules,
/// and a stored one is made to match them (below). An `Err` from `rule` (a
/// configuration that cannot be read) fails the clean.
///
/// A stored file in an older format whose plaintext is unchanged keeps its bytes, so that
/// a checkout never shows files as modified because vaultfile was upgraded (`vaultfile
/// upgrade` rewrites them on purpose).
///
/// A stored version whose recipients, key groups or selection rules differ from its rule
/// is re-keyed to the rule's ([`Opened::rekey`] with [`Rotation::OnRemoval`]): a recipient
/// the rule adds gets the same data key (values keep their tokens); a recipient the rule
/// does not name, whoever put it there, costs the file a new data key, so they cannot read
/// what is written from now on. Without a rule the stored key holders are kept.
pub fn clean_at(
    path: &str,
    content: Vec<u8>,
    baseline: Option<&[u8]>,
    identities: &[Box<dyn Identity>],
    rule: &mut dyn FnMut() -> Result<RuleFor, RuleUnavailable>,
    now: SystemTime,
) -> Result<Vec<u8>, CleanError> {
    clean_with(path, content, baseline, identities, rule, now, None)
}

/// [`clean_at`], taking a new file's data key from `reserve` (keys wrapped ahead of need
/// on another thread, for local recipients only): for a filter process that cleans many
/// files in turn.
pub fn clean_with(
    path: &str,
    content: Vec<u8>,
    baseline: Option<&[u8]>,
    identities: &[Box<dyn Identity>],
    rule: &mut dyn FnMut() -> Result<RuleFor, RuleUnavailable>,
    now: SystemTime,
    reserve: Option<&mut KeyReserve>,
) -> Result<Vec<u8>, CleanError> {
    let format = Format::from_path(std::path::Path::new(path));
    match open_text(path, &content, identities, false) {
        None => {}
        // Already ciphertext (clean run twice, or an encrypted file copied in): kept as it
        // is if it matches its rule, else decrypted and encrypted again to the rule's.
        Some(Ok((_, opened))) => {
            let target = rule().map_err(CleanError::Config)?;
            let Some((conformed, rules)) = conform(&opened, &target, now)? else {
                return Ok(content);
            };
            let Some(Ok((Some(plain), _))) = open_text(path, &content, identities, true) else {
                unreachable!("the file opened a moment ago")
            };
            return encrypt_plain(format, &plain, &conformed, rules, now);
        }
        Some(Err(e @ DecryptError::Integrity(_))) => return Err(CleanError::Tampered(e)),
        Some(Err(
            DecryptError::NoMatchingIdentity { .. } | DecryptError::NotEnoughKeyGroups { .. },
        )) => return clean_locked(path, content, baseline),
        // Metadata this vaultfile cannot read (a newer format, a damaged block): nothing
        // can be checked or kept, and it must not be stored as if it were plaintext.
        Some(Err(e)) => return Err(CleanError::Unreadable(e)),
    }

    // No earlier version, or a plaintext one (committed before the attributes): a new file.
    let base = match baseline.and_then(|b| open_text(path, b, identities, false)) {
        None => None,
        Some(Ok((_, opened))) => Some(opened),
        Some(Err(e)) => return Err(CleanError::BaselineLocked(e)),
    };
    let target = rule().map_err(CleanError::Config)?;
    let Some(base) = base else {
        let RuleFor::Rule(holders, rules) = target else {
            let RuleFor::NoRule(why) = target else {
                unreachable!()
            };
            return Err(CleanError::NoRecipients(why));
        };
        // A fresh data key for the rule's holders, used as the baseline.
        let fresh = match reserve {
            Some(reserve) => reserve.new_key(holders, now),
            None => engine::new_key(&holders, now),
        }
        .map_err(CleanError::Encrypt)?;
        return encrypt_plain(format, &content, &fresh, rules, now);
    };
    let (base, rules) = match conform(&base, &target, now)? {
        Some((conformed, rules)) => (conformed, rules),
        None => {
            // A stored file in an older format whose plaintext is unchanged keeps its
            // bytes: clean(smudge(B)) == B holds for those blobs too (module docs).
            if let Some(b) = baseline
                && base.metadata.version < crate::metadata::VERSION
                && let Some(Ok((Some(plain), _))) = open_text(path, b, identities, true)
                && *plain == *content
            {
                return Ok(b.to_vec());
            }
            let rules = base.metadata.rules.clone();
            (base, rules)
        }
    };
    encrypt_plain(format, &content, &base, rules, now)
}

/// The key material and selection rules that make `opened` match `target`, or `None` when
/// it already does (or there is no rule to match).
fn conform(
    opened: &Opened,
    target: &RuleFor,
    now: SystemTime,
) -> Result<Option<(Opened, RuleSpec)>, CleanError> {
    let RuleFor::Rule(holders, rules) = target else {
        return Ok(None);
    };
    let rekeyed = opened
        .rekey(holders, Rotation::OnRemoval, now)
        .map_err(CleanError::Encrypt)?;
    if rekeyed.unchanged && opened.metadata.rules == *rules {
        return Ok(None);
    }
    Ok(Some((rekeyed.opened, rules.clone())))
}

/// Encrypts a work-tree file with `base`'s key material and `rules`.
fn encrypt_plain(
    format: Format,
    content: &[u8],
    base: &Opened,
    rules: RuleSpec,
    now: SystemTime,
) -> Result<Vec<u8>, CleanError> {
    let opts = EncryptOptions {
        recipients: &[],
        rules: Some(rules),
        baseline: Some(base),
        now,
        allow_nothing_encrypted: false,
    };
    match format::store_for(format) {
        Some(store) => {
            let text =
                std::str::from_utf8(content).map_err(|e| CleanError::NotText(e.valid_up_to()))?;
            // Unresolved markers are refused even when the text still parses (a dotenv
            // or YAML file can): their lines would be stored as values.
            if has_conflict_markers(text) {
                return Err(CleanError::ConflictMarkers);
            }
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
        None => engine::encrypt_binary(content, &opts)
            .map(|e| e.text.into_bytes())
            .map_err(CleanError::Encrypt),
    }
}

/// Clean of a work-tree file that is ciphertext no identity at hand opens (a clone without
/// the key). Such a writer can change nothing: the file must be the stored version byte
/// for byte. A path with no encrypted stored version (a copy of an encrypted file) is
/// taken if every value it should encrypt is a token; its MAC is checked by whoever opens it.
fn clean_locked(
    path: &str,
    content: Vec<u8>,
    baseline: Option<&[u8]>,
) -> Result<Vec<u8>, CleanError> {
    if let Some(stored) = baseline.and_then(|b| metadata_of(path, b)) {
        if baseline == Some(&content[..]) {
            return Ok(content);
        }
        return Err(CleanError::LockedChange {
            recipients: stored.recipient_ids().map(str::to_owned).collect(),
        });
    }
    let checked = match classify(path, &content) {
        Content::Encrypted { store, text, .. } => engine::check_sealed(store, text),
        // `open_text` found metadata that `inspect` cannot read: say why.
        Content::Plain => {
            let store = format::encrypted_store_for(Format::from_path(std::path::Path::new(path)));
            let text = String::from_utf8_lossy(&content);
            engine::inspect(store, &text)
        }
    };
    match checked {
        Ok(_) => Ok(content),
        Err(e) => Err(CleanError::PlaintextInLockedFile(e)),
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

    /// `content` of `a.yaml` cleaned when no rule names it.
    fn clean_no_rule(
        content: Vec<u8>,
        base: Option<&[u8]>,
        ids: &[Box<dyn Identity>],
    ) -> Result<Vec<u8>, CleanError> {
        clean_at(
            "a.yaml",
            content,
            base,
            ids,
            &mut || no_rule(),
            SystemTime::now(),
        )
    }

    /// `content` of `a.yaml` cleaned (see [`new_file_with`] for `r`).
    fn try_clean_yaml(
        content: impl Into<Vec<u8>>,
        base: Option<&[u8]>,
        ids: &[Box<dyn Identity>],
        r: &[Box<dyn crate::keys::Recipient>],
    ) -> Result<Vec<u8>, CleanError> {
        let now = SystemTime::now();
        clean_at(
            "a.yaml",
            content.into(),
            base,
            ids,
            &mut new_file_with(r),
            now,
        )
    }

    /// [`try_clean_yaml`], which must succeed.
    fn clean_yaml(
        content: impl Into<Vec<u8>>,
        base: Option<&[u8]>,
        ids: &[Box<dyn Identity>],
        r: &[Box<dyn crate::keys::Recipient>],
    ) -> Vec<u8> {
        try_clean_yaml(content, base, ids, r).unwrap()
    }

    fn new_file_with(
        r: &[Box<dyn crate::keys::Recipient>],
    ) -> impl FnMut() -> Result<RuleFor, RuleUnavailable> + '_ {
        move || {
            Ok(RuleFor::Rule(
                KeyHolders::Recipients(
                    r.iter()
                        .map(|r| keys::parse_recipient(r.id()).unwrap())
                        .collect(),
                ),
                RuleSpec::default(),
            ))
        }
    }

    /// A file no `.vaultfile.yaml` rule covers.
    fn no_rule() -> Result<RuleFor, RuleUnavailable> {
        Ok(RuleFor::NoRule("no rule".into()))
    }

    const PLAIN: &str = "db:\n  user: app\n  password: hunter2\n";

    #[test]
    fn clean_of_smudge_is_the_identity_on_stored_blobs() {
        let (r, ids) = key();
        let blob = clean_yaml(PLAIN, None, &ids, &r);
        let Smudged::Decrypted(plain) = smudge("a.yaml", blob.clone(), &ids).unwrap() else {
            panic!("not decrypted")
        };
        assert_eq!(plain, PLAIN.as_bytes());
        let again = clean_no_rule(plain, Some(&blob), &ids).unwrap();
        assert_eq!(again, blob);
        // clean∘clean = clean (gitattributes(5)).
        let twice = clean_no_rule(blob.clone(), Some(&blob), &ids).unwrap();
        assert_eq!(twice, blob);
    }

    #[test]
    fn smudge_without_a_key_passes_ciphertext_through() {
        let (r, ids) = key();
        let blob = clean_yaml(PLAIN, None, &ids, &r);
        let (_, other) = key();
        assert!(matches!(
            smudge("a.yaml", blob.clone(), &other).unwrap(),
            Smudged::Locked(b, _) if b == blob
        ));
        // …and clean of that locked file stores it unchanged.
        let back = clean_no_rule(blob.clone(), Some(&blob), &other).unwrap();
        assert_eq!(back, blob);
    }

    #[test]
    fn smudge_refuses_an_altered_blob() {
        let (r, ids) = key();
        let blob = clean_yaml(PLAIN, None, &ids, &r);
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
        let blob = clean_yaml(PLAIN, None, &ids, &r);
        let text = String::from_utf8(blob.clone()).unwrap();
        let start = text.find("password: ").unwrap() + "password: ".len();
        let end = start + text[start..].find('\n').unwrap();
        let edited = format!("{}letmein{}", &text[..start], &text[end..]);
        let (_, nobody) = key();
        // A new path (no stored version): every value it should encrypt must be a token.
        let err = clean_no_rule(edited.clone().into_bytes(), None, &nobody).unwrap_err();
        assert!(matches!(err, CleanError::PlaintextInLockedFile(_)), "{err}");
        // A stored version: the file may not differ from it at all.
        let err = clean_no_rule(edited.into_bytes(), Some(&blob), &nobody).unwrap_err();
        assert!(matches!(err, CleanError::LockedChange { .. }), "{err}");
    }

    /// Without a key nothing in a protected file may change, not even a comment: the
    /// stored version is kept only when the file is that version byte for byte.
    #[test]
    fn a_locked_file_refuses_a_comment_change_and_names_who_can_make_it() {
        let (r, ids) = key();
        let blob = clean_yaml(PLAIN, None, &ids, &r);
        let (_, nobody) = key();
        let same = clean_no_rule(blob.clone(), Some(&blob), &nobody).unwrap();
        assert_eq!(same, blob);
        let mut commented = b"# harmless?\n".to_vec();
        commented.extend_from_slice(&blob);
        match clean_no_rule(commented, Some(&blob), &nobody) {
            Err(CleanError::LockedChange { recipients }) => {
                assert_eq!(recipients, vec![r[0].id().to_owned()]);
            }
            other => panic!("unexpected {:?}", other.map(String::from_utf8)),
        }
    }

    /// A version-1 blob whose plaintext is unchanged stays as it is (a checkout after
    /// upgrading vaultfile shows nothing modified); a change writes the current version
    /// with the same data key.
    #[test]
    fn an_unchanged_version_1_blob_is_kept_and_a_change_writes_the_current_version() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1");
        let secret = std::fs::read_to_string(dir.join("test-only-key.txt")).unwrap();
        let ids = keys::load_identities(
            "test key",
            secret.as_bytes(),
            std::sync::Arc::new(keys::NoCallbacks),
        )
        .unwrap();
        let blob = std::fs::read(dir.join("anchors.yaml")).unwrap();
        let plain = std::fs::read(dir.join("plain-anchors.yaml")).unwrap();
        let unused = &mut no_rule;
        let now = SystemTime::now();
        let kept = clean_at("a.yaml", plain.clone(), Some(&blob), &ids, unused, now).unwrap();
        assert_eq!(kept, blob);
        let mut changed = plain.clone();
        changed.extend_from_slice(b"# a new comment\n");
        let written = clean_at("a.yaml", changed, Some(&blob), &ids, unused, now).unwrap();
        assert_eq!(
            metadata_of("a.yaml", &written).unwrap().version,
            crate::metadata::VERSION
        );
    }

    #[test]
    fn a_new_file_without_recipients_is_refused() {
        let (_, ids) = key();
        let err = clean_no_rule(PLAIN.into(), None, &ids).unwrap_err();
        assert!(matches!(err, CleanError::NoRecipients(_)));
    }

    #[test]
    fn unresolved_conflict_markers_are_named() {
        let (r, ids) = key();
        let text = "a: 1\n<<<<<<< ours\nb: 2\n=======\nb: 3\n>>>>>>> theirs\n";
        let err = try_clean_yaml(text, None, &ids, &r).unwrap_err();
        assert!(matches!(err, CleanError::ConflictMarkers), "{err}");
        // A dotenv file whose markers still parse (as odd lines) is refused too.
        let env = "A=1\n<<<<<<< ours\nB=2\n=======\nB=3\n>>>>>>> theirs\n";
        let err = clean_at(
            ".env",
            env.into(),
            None,
            &ids,
            &mut new_file_with(&r),
            SystemTime::now(),
        )
        .unwrap_err();
        assert!(matches!(err, CleanError::ConflictMarkers), "{err}");
    }

    #[test]
    fn binary_files_round_trip_through_clean_and_smudge() {
        let (r, ids) = key();
        let content = vec![0u8, 159, 146, 150, 10, 13];
        let blob = clean_at(
            "k.bin",
            content.clone(),
            None,
            &ids,
            &mut new_file_with(&r),
            SystemTime::now(),
        )
        .unwrap();
        let Smudged::Decrypted(plain) = smudge("k.bin", blob.clone(), &ids).unwrap() else {
            panic!()
        };
        assert_eq!(plain, content);
        let again = clean_at(
            "k.bin",
            plain,
            Some(&blob),
            &ids,
            &mut new_file_with(&r),
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(again, blob);
    }

    /// A merge result with conflict markers is stored encrypted whole (the merge driver's
    /// way to keep markers out of git); under its own name (`a.yaml`, not a binary name),
    /// smudge must still give back the exact text, markers and all, not a YAML reading of
    /// the whole-file envelope.
    #[test]
    fn a_whole_file_under_a_text_name_smudges_to_its_exact_bytes() {
        let (r, ids) = key();
        let conflicted =
            "db:\n<<<<<<< ours\n  password: one\n=======\n  password: two\n>>>>>>> theirs\n";
        let opts = engine::EncryptOptions {
            recipients: &r,
            rules: None,
            baseline: None,
            now: std::time::SystemTime::UNIX_EPOCH,
            allow_nothing_encrypted: false,
        };
        let blob = engine::encrypt_binary(conflicted.as_bytes(), &opts)
            .unwrap()
            .text
            .into_bytes();
        let Smudged::Decrypted(plain) = smudge("a.yaml", blob, &ids).unwrap() else {
            panic!("not decrypted")
        };
        assert_eq!(String::from_utf8(plain).unwrap(), conflicted);
    }

    /// `git diff` shows the plaintext with a key, the blob as it is without one, and a
    /// plaintext file as it is.
    #[test]
    fn textconv_shows_plaintext_only_with_a_key() {
        let (r, ids) = key();
        let blob = clean_yaml(PLAIN, None, &ids, &r);
        assert_eq!(textconv("a.yaml", blob.clone(), &ids), PLAIN.as_bytes());
        let (_, other) = key();
        assert_eq!(textconv("a.yaml", blob.clone(), &other), blob);
        assert_eq!(textconv("a.yaml", PLAIN.into(), &ids), PLAIN.as_bytes());
    }

    fn tokens(blob: &[u8]) -> Vec<String> {
        String::from_utf8_lossy(blob)
            .lines()
            .filter(|l| l.contains("VF1."))
            .map(str::to_owned)
            .collect()
    }

    fn recipients_of(blob: &[u8]) -> Vec<String> {
        metadata_of("a.yaml", blob)
            .unwrap()
            .recipient_ids()
            .map(str::to_owned)
            .collect()
    }

    /// The rule is the truth: a recipient the rule adds gets the same data key (the values
    /// keep their tokens), so adding someone is a metadata-only change.
    #[test]
    fn a_stored_file_gains_the_recipient_its_rule_adds_with_the_same_key() {
        let (a, ids_a) = key();
        let (b, ids_b) = key();
        let blob = clean_yaml(PLAIN, None, &ids_a, &a);
        let both: Vec<_> = a
            .iter()
            .chain(&b)
            .map(|r| keys::parse_recipient(r.id()).unwrap())
            .collect();
        let again = clean_yaml(PLAIN, Some(&blob), &ids_a, &both);
        assert_eq!(recipients_of(&again), vec![a[0].id(), b[0].id()]);
        assert_eq!(tokens(&again), tokens(&blob));
        assert!(matches!(
            smudge("a.yaml", again, &ids_b).unwrap(),
            Smudged::Decrypted(_)
        ));
    }

    /// A recipient the rule does not name (committed by someone who could push, with the
    /// others' public keys) is dropped at the next clean, with a new data key: it cannot
    /// read what is written from then on.
    #[test]
    fn a_recipient_the_rule_does_not_name_is_dropped_with_a_new_key() {
        let (a, ids_a) = key();
        let (x, ids_x) = key();
        let both: Vec<_> = a
            .iter()
            .chain(&x)
            .map(|r| keys::parse_recipient(r.id()).unwrap())
            .collect();
        // Written with an extra recipient, as a pushed blob would be.
        let planted = clean_yaml(PLAIN, None, &ids_a, &both);
        let edited = PLAIN.replace("hunter2", "correct-horse");
        let cleaned = clean_yaml(edited, Some(&planted), &ids_a, &a);
        assert_eq!(recipients_of(&cleaned), vec![a[0].id()]);
        assert!(matches!(
            smudge("a.yaml", cleaned.clone(), &ids_x).unwrap(),
            Smudged::Locked(..)
        ));
        let kept: Vec<_> = tokens(&cleaned)
            .into_iter()
            .filter(|t| tokens(&planted).contains(t))
            .collect();
        assert!(
            kept.is_empty(),
            "a new data key changes every token: {kept:?}"
        );
        // Even unchanged plaintext: the planted blob is not kept.
        let unchanged = clean_yaml(PLAIN, Some(&planted), &ids_a, &a);
        assert_eq!(recipients_of(&unchanged), vec![a[0].id()]);
        // Ciphertext with the extra recipient added as it is: made to match the rule too.
        let added = clean_yaml(planted.clone(), None, &ids_a, &a);
        assert_eq!(recipients_of(&added), vec![a[0].id()]);
        // Without a rule, the stored holders stay.
        let no_rule_kept = clean_at(
            "a.yaml",
            PLAIN.into(),
            Some(&planted),
            &ids_a,
            &mut no_rule,
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(no_rule_kept, planted);
    }

    /// The rule's selection rules replace the stored file's: a file whose rules were edited
    /// to leave values in plaintext gets them encrypted again.
    #[test]
    fn the_rules_selection_rules_replace_the_stored_ones() {
        let (a, ids) = key();
        let loose = RuleSpec {
            unencrypted_regex: Some("^password$".into()),
            ..RuleSpec::default()
        };
        let holders = || {
            KeyHolders::Recipients(
                a.iter()
                    .map(|r| keys::parse_recipient(r.id()).unwrap())
                    .collect(),
            )
        };
        let blob = clean_at(
            "a.yaml",
            PLAIN.into(),
            None,
            &ids,
            &mut || Ok(RuleFor::Rule(holders(), loose.clone())),
            SystemTime::now(),
        )
        .unwrap();
        assert!(String::from_utf8_lossy(&blob).contains("password: hunter2"));
        let strict = clean_yaml(PLAIN, Some(&blob), &ids, &a);
        let text = String::from_utf8(strict).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(
            metadata_of("a.yaml", text.as_bytes()).unwrap().rules,
            RuleSpec::default()
        );
    }

    /// Regression: a file whose own last top-level key is `vaultfile:` (a setting, not
    /// metadata) made the clean filter panic. It is now an error that says what to do.
    #[test]
    fn a_top_level_vaultfile_key_of_the_files_own_is_an_error_not_a_panic() {
        let (r, ids) = key();
        let text = "app:\n  name: x\nvaultfile:\n  enabled: true\n";
        let err = try_clean_yaml(text, None, &ids, &r).unwrap_err();
        assert!(
            matches!(err, CleanError::Encrypt(EncryptError::ReservedKey)),
            "{err}"
        );
        // With a stored version, and without a key: still an error, never a panic.
        let blob = clean_yaml(PLAIN, None, &ids, &r);
        let (_, nobody) = key();
        assert!(
            clean_at(
                "a.yaml",
                text.into(),
                Some(&blob),
                &nobody,
                &mut no_rule,
                SystemTime::now()
            )
            .is_err()
        );
        // Metadata of a newer format is not stored as if it were plaintext.
        let newer = String::from_utf8(blob.clone())
            .unwrap()
            .replace("version: 2", "version: 9");
        assert!(matches!(
            clean_at(
                "a.yaml",
                newer.into(),
                Some(&blob),
                &ids,
                &mut no_rule,
                SystemTime::now()
            ),
            Err(CleanError::Unreadable(DecryptError::UnsupportedVersion(9)))
        ));
    }

    /// A clone without the key cannot store a plaintext edit: the stored version's data
    /// key and recipients cannot be kept, and storing the input would put plaintext in
    /// git's object database. Regression guard for the most serious leak the clean filter
    /// could have.
    #[test]
    fn a_plaintext_edit_over_a_locked_stored_version_is_refused_not_stored() {
        let (r, ids) = key();
        let blob = clean_yaml(PLAIN, None, &ids, &r);
        let (nobody_r, nobody) = key();
        let edited = PLAIN.replace("hunter2", "NEW-PLAINTEXT-SECRET");
        // Even with a rule naming the clone's own key: the stored version cannot be opened.
        for rule in [
            &mut no_rule as &mut dyn FnMut() -> Result<RuleFor, RuleUnavailable>,
            &mut new_file_with(&nobody_r),
        ] {
            match clean_at(
                "a.yaml",
                edited.clone().into(),
                Some(&blob),
                &nobody,
                rule,
                SystemTime::now(),
            ) {
                Err(CleanError::BaselineLocked(_)) => {}
                Err(e) => panic!("refused for another reason: {e}"),
                Ok(stored) => panic!("stored: {}", String::from_utf8_lossy(&stored)),
            }
        }
    }
}
