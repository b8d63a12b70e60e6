//! Encrypt, decrypt and re-encrypt with a baseline: the only module that combines formats,
//! keys and crypto.
//!
//! Who can open a file is decided here too: [`new_key`] makes a data key for new holders
//! (recipients, or key groups with a threshold: the key is split with Shamir's secret
//! sharing and each group's share wrapped for its members), and [`Opened::rekey`] changes
//! the holders of an opened file, keeping the data key when recipients are only added and
//! making a new one when someone loses access or the groups change ([`Rotation`]). Either
//! result is used as [`EncryptOptions::baseline`], so re-encryption stays byte-identical
//! for every value whose key did not change.
//!
//! Every operation is a function of its inputs (plus the clock for a new data key's
//! creation time): no file I/O, no environment. Outputs are built completely, and the MAC
//! is checked, before anything is returned, so a caller that writes only on `Ok` never
//! writes a half-encrypted or unauthenticated file.

use std::io::Write;
use std::ops::Range;
use std::time::SystemTime;

use rayon::prelude::*;
use zeroize::Zeroizing;

use crate::crypto::{
    DataKey, FileMac, MAC_LEN, MacInput, TextMac, TokenError, ValueCipher, shamir,
};
use crate::format::{self, Document, Format, ParseError, ParseOptions, ScalarKind, Store};
use crate::keys::{Holders, Identity, KeyHolders, Recipient, UnwrapError, WrapError};
use crate::metadata::{self, KeyGroup, Metadata, WrappedKey};
use crate::path::{KeyPath, RuleError, RuleHits, RuleSpec, Rules};

mod holders;
use holders::*;
pub use holders::{Rekeyed, Rotation, new_key};
mod reserve;
pub use reserve::KeyReserve;

/// Below this many leaves, values are sealed on one thread: spawning costs more than it saves.
const PARALLEL_THRESHOLD: usize = 2048;

/// Leaves per parallel wave: large enough to amortise scheduling, small enough that a
/// wave's results are a small fraction of the document.
const WAVE: usize = 16 * 1024;
/// Leaves per piece of output one thread decrypts and assembles (see [`decrypt_to`]).
const PIECE: usize = 1024;

/// Why encryption failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptError {
    /// The input already carries a `vaultfile` metadata block.
    #[error("the file is already encrypted")]
    AlreadyEncrypted,
    /// The input is not valid in its format.
    #[error("syntax error: {0}")]
    Parse(#[from] ParseError),
    /// The input has a top-level `vaultfile` key of its own, where an encrypted file keeps
    /// its metadata.
    #[error(
        "its top-level key `vaultfile` is reserved for vaultfile's metadata, and this file uses it for something else"
    )]
    ReservedKey,
    /// The selection rules leave every value of a file that has values in plaintext.
    #[error("the selection rules leave every value in plaintext: {0}")]
    NothingEncrypted(String),
    /// No recipient was given and there is no baseline to take them from.
    #[error("no recipients")]
    NoRecipients,
    /// A selection rule is invalid.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// Wrapping the data key for a recipient failed.
    #[error(transparent)]
    Wrap(#[from] WrapError),
    /// The key groups cannot be used (an empty group, an impossible threshold).
    #[error("invalid key groups: {0}")]
    KeyGroups(String),
    /// The metadata block cannot be placed in this document.
    #[error("cannot add the metadata block: {0}")]
    Metadata(ParseError),
    /// The document is larger than a structured file can be (4 GiB).
    #[error("the file is too large for a structured format (over 4 GiB)")]
    TooLarge,
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Write(std::io::Error),
}

/// Why decryption (or opening a baseline) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecryptError {
    /// The input has no `vaultfile` metadata block.
    #[error("the file is not encrypted (it has no vaultfile metadata)")]
    NotEncrypted,
    /// The input is not valid in its format.
    #[error("syntax error: {0}")]
    Parse(#[from] ParseError),
    /// The metadata block is malformed.
    #[error("the vaultfile metadata is malformed: {0}")]
    BadMetadata(String),
    /// The file was written by a newer vaultfile.
    #[error("the file uses vaultfile format version {0}, which this vaultfile does not know")]
    UnsupportedVersion(u32),
    /// No identity could unwrap the data key.
    #[error("no identity matches any of the file's recipients")]
    NoMatchingIdentity {
        /// The file's recipients.
        recipients: Vec<String>,
        /// Identities that were addressed but failed, with why.
        failures: Vec<UnwrapError>,
    },
    /// The file uses key groups and the identities at hand open fewer than its threshold.
    #[error("{}", not_enough_groups(*.needed, .groups, .opened))]
    NotEnoughKeyGroups {
        /// How many groups are needed.
        needed: usize,
        /// Each group's recipients.
        groups: Vec<Vec<String>>,
        /// The groups (0-based) whose share an identity at hand opened.
        opened: Vec<usize>,
        /// Identities that were addressed but failed, with why.
        failures: Vec<UnwrapError>,
    },
    /// The file was altered after encryption.
    #[error("integrity check failed: {0}")]
    Integrity(Integrity),
    /// The document is larger than a structured file can be (4 GiB).
    #[error("the file is too large for a structured format (over 4 GiB)")]
    TooLarge,
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Write(std::io::Error),
}

fn not_enough_groups(needed: usize, groups: &[Vec<String>], opened: &[usize]) -> String {
    let which = if opened.is_empty() {
        "none".to_owned()
    } else {
        let list: Vec<String> = opened.iter().map(|g| (g + 1).to_string()).collect();
        format!(
            "only {} (group{} {})",
            opened.len(),
            if opened.len() > 1 { "s" } else { "" },
            list.join(", ")
        )
    };
    let more = needed.saturating_sub(opened.len());
    format!(
        "the file needs {needed} of its {} key groups and the identities at hand open {which}: {more} more group{} needed",
        groups.len(),
        if more == 1 { " is" } else { "s are" }
    )
}

/// What the integrity check found.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Integrity {
    /// The file MAC does not match: something it covers was changed after encryption (in
    /// version 2 any byte of the file; in version 1 a value, the recipients or the rules).
    #[error(
        "the file's MAC does not match its contents: it was changed after it was encrypted (a value, a comment, the layout, the recipients or the rules)"
    )]
    Mac,
    /// A value's ciphertext does not authenticate at its path.
    #[error("the value at '{0}' was altered or moved from another key")]
    Value(KeyPath),
    /// A value that must be encrypted is plaintext.
    #[error("the value at '{0}' should be encrypted but is plaintext")]
    Plaintext(KeyPath),
    /// The file holds tokens and a metadata block, but the block is not where vaultfile
    /// writes it (the end of the file): text was added after it, or it was moved.
    #[error(
        "the vaultfile metadata block is not at the end of the file, where vaultfile writes it: text was added after it or it was moved"
    )]
    MisplacedMetadata,
    /// A decrypted value is not UTF-8 in a text format.
    #[error("the value at '{0}' does not decrypt to text")]
    NotText(KeyPath),
}

/// What to encrypt with.
pub struct EncryptOptions<'a> {
    /// Recipients. Empty means "the baseline's".
    pub recipients: &'a [Box<dyn Recipient>],
    /// Selection rules. `None` means "the baseline's", or none.
    pub rules: Option<RuleSpec>,
    /// An opened earlier version: its data key and wrapped keys are reused so that unchanged
    /// values keep their exact ciphertext (README, "The file format in brief").
    pub baseline: Option<&'a Opened>,
    /// The time recorded as the data key's creation time if a new key is made.
    pub now: SystemTime,
    /// Write the file even when its selection rules leave every value in plaintext. Off, a
    /// file with values of which none is encrypted is refused
    /// ([`EncryptError::NothingEncrypted`]): a mistyped rule would otherwise give a file
    /// that looks encrypted and holds every secret in plaintext.
    pub allow_nothing_encrypted: bool,
}

/// The result of encryption.
#[derive(Debug)]
pub struct Encrypted {
    /// The encrypted file.
    pub text: String,
    /// Things the user should know (rules that matched nothing, a rotated key).
    pub warnings: Vec<String>,
    /// How many values were encrypted.
    pub encrypted_values: usize,
}

/// An encrypted file whose data key has been unwrapped and whose MAC has been verified; or
/// the key material for a new file ([`new_key`]) or new holders ([`Opened::rekey`]).
pub struct Opened {
    /// The file's metadata.
    pub metadata: Metadata,
    key: DataKey,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

/// Encrypts a text document.
pub fn encrypt(
    store: &dyn Store,
    text: &str,
    opts: &EncryptOptions<'_>,
) -> Result<Encrypted, EncryptError> {
    let mut buf = Vec::with_capacity(text.len() * 2);
    let summary = encrypt_to(store, text, opts, &mut buf)?;
    Ok(Encrypted {
        text: String::from_utf8(buf).expect("the output is built from str slices"),
        warnings: summary.warnings,
        encrypted_values: summary.encrypted_values,
    })
}

/// What [`encrypt_to`] reports besides the output.
#[derive(Debug)]
pub struct EncryptSummary {
    /// Things the user should know (rules that matched nothing, a rotated key).
    pub warnings: Vec<String>,
    /// How many values were encrypted.
    pub encrypted_values: usize,
}

/// Output is handed to the writer in pieces of about this size, so a large file is never
/// held twice in memory.
const FLUSH_AT: usize = 256 * 1024;

/// Encrypts a text document, writing the result to `out` as it is produced.
///
/// Everything that can fail on the input (syntax, recipients, rules, where the metadata
/// goes) is checked before the first byte is written; after that only `out` can fail.
pub fn encrypt_to(
    store: &dyn Store,
    text: &str,
    opts: &EncryptOptions<'_>,
    out: &mut dyn Write,
) -> Result<EncryptSummary, EncryptError> {
    check_len(text.len()).map_err(|_| EncryptError::TooLarge)?;
    let doc = store.parse(text, ParseOptions::default())?;
    if let Some(block) = &doc.metadata
        && !looks_like_metadata(&block.value)
    {
        return Err(EncryptError::ReservedKey);
    }
    if doc.metadata.is_some() || has_misplaced_metadata(&doc, text) {
        return Err(EncryptError::AlreadyEncrypted);
    }
    let mut warnings = Vec::new();
    let (key, meta_base) = choose_key(opts, &mut warnings)?;
    let rules = meta_base.rules.compile()?;
    let mut hits = RuleHits::default();
    let selected: Vec<bool> = doc
        .leaves
        .iter()
        .map(|l| l.kind != ScalarKind::Null && rules.selects(l.path, &mut hits))
        .collect();
    let unmatched = rules.unmatched(&hits);
    let has_values = doc.leaves.iter().any(|l| l.kind != ScalarKind::Null);
    if has_values && !opts.allow_nothing_encrypted && !selected.contains(&true) {
        // Say which rule is to blame: one that selects and matched no key, else the set
        // that, together, excludes every value.
        let why = rules
            .unmatched_selector(&hits)
            .unwrap_or_else(|| format!("{} excludes every value", meta_base.rules.describe()));
        return Err(EncryptError::NothingEncrypted(why));
    }
    warnings.extend(unmatched);
    // The metadata block is rendered once, with a stand-in for the MAC: the MAC covers the
    // whole output but its own value, and the real MAC has the stand-in's length and
    // alphabet, so it takes the stand-in's place without moving a byte.
    let block = MetadataText::render(store, text, &doc, &meta_base)?;

    // Values are sealed in waves: each wave in parallel, then appended in order, so the
    // output grows in one buffer and no per-value allocation outlives its wave. Every
    // chunk written is fed to the MAC first.
    let cipher = ValueCipher::new(&key);
    let mut mac = TextMac::new(&key);
    let mut buf = String::with_capacity(chunk_capacity(text.len() * 2));
    let mut pos = 0;
    let mut encrypted_values = 0;
    for_each_in_waves(
        doc.leaves.len(),
        &cipher,
        |c, i| {
            let l = doc.leaves.get(i);
            selected[i].then(|| c.seal(l.path, text[l.span.clone()].as_bytes()))
        },
        |i, token: Option<String>| {
            if let Some(token) = token {
                let l = doc.leaves.get(i);
                buf.push_str(&text[pos..l.span.start]);
                store.write_token(&mut buf, &token);
                pos = l.span.end;
                encrypted_values += 1;
                if buf.len() >= FLUSH_AT {
                    mac.update(buf.as_bytes());
                    out.write_all(buf.as_bytes()).map_err(EncryptError::Write)?;
                    buf.clear();
                }
            }
            Ok::<(), EncryptError>(())
        },
    )?;
    if encrypted_values == 0 && !doc.leaves.is_empty() {
        warnings
            .push("no value was encrypted: every value is null or excluded by the rules".into());
    }
    // Every store places the block after the last leaf (Store contract).
    let at = block.at.max(pos);
    buf.push_str(&text[pos..at]);
    buf.push_str(block.before_mac());
    mac.update(buf.as_bytes());
    mac.mac_position();
    mac.update(block.after_mac().as_bytes());
    mac.update(&text.as_bytes()[at..]);
    let tag = mac.finish();
    buf.push_str(&tag);
    buf.push_str(block.after_mac());
    buf.push_str(&text[at..]);
    out.write_all(buf.as_bytes()).map_err(EncryptError::Write)?;
    Ok(EncryptSummary {
        warnings,
        encrypted_values,
    })
}

/// The output buffer's size: room for a flush's worth, but no more than the output needs.
/// A git checkout runs this once per small file; a fixed 512 KiB buffer there cost more in
/// page faults than the decryption itself.
fn chunk_capacity(expected: usize) -> usize {
    expected.min(2 * FLUSH_AT) + 256
}

/// The metadata block as it will stand in the output, with [`MAC_STAND_IN`] where the MAC
/// goes.
struct MetadataText {
    /// Where in the input text the block is inserted.
    at: usize,
    text: String,
    /// Where the stand-in is in `text`.
    mac_at: usize,
}

/// Stands in for the MAC while the block is rendered: the MAC's length, and characters of
/// its alphabet (base64url) that no store escapes, quotes differently or folds.
const MAC_STAND_IN: &str = "-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-_-";

impl MetadataText {
    fn render(
        store: &dyn Store,
        text: &str,
        doc: &Document,
        meta: &Metadata,
    ) -> Result<Self, EncryptError> {
        debug_assert_eq!(MAC_STAND_IN.len(), MAC_LEN);
        let value = Metadata {
            mac: MAC_STAND_IN.to_owned(),
            ..meta.clone()
        }
        .to_value();
        let ins = store
            .metadata_insertion(text, doc, &value)
            .map_err(EncryptError::Metadata)?;
        let mut found = ins.text.match_indices(MAC_STAND_IN).map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(mac_at), None) => Ok(MetadataText {
                at: ins.at,
                text: ins.text,
                mac_at,
            }),
            // Only a recipient string crafted to hold the stand-in gets here.
            _ => Err(EncryptError::Metadata(ParseError {
                line: 1,
                column: 1,
                message: "a recipient contains the text that marks the MAC's place".into(),
            })),
        }
    }

    fn before_mac(&self) -> &str {
        &self.text[..self.mac_at]
    }

    fn after_mac(&self) -> &str {
        &self.text[self.mac_at + MAC_LEN..]
    }
}

fn check_len(len: usize) -> Result<(), ()> {
    if len > crate::format::document::MAX_DOCUMENT_LEN {
        Err(())
    } else {
        Ok(())
    }
}

/// Runs `work` on every leaf index, in parallel waves of [`WAVE`] leaves, and feeds the
/// results to `sink` in order. Small documents run on the calling thread.
fn for_each_in_waves<T: Send, E>(
    n: usize,
    cipher: &ValueCipher,
    work: impl Fn(&mut ValueCipher, usize) -> T + Sync,
    mut sink: impl FnMut(usize, T) -> Result<(), E>,
) -> Result<(), E> {
    if n < PARALLEL_THRESHOLD {
        let mut c = cipher.clone();
        for i in 0..n {
            sink(i, work(&mut c, i))?;
        }
        return Ok(());
    }
    let mut start = 0;
    while start < n {
        let end = (start + WAVE).min(n);
        let results: Vec<T> = (start..end)
            .into_par_iter()
            .map_init(|| cipher.clone(), &work)
            .collect();
        for (i, r) in (start..end).zip(results) {
            sink(i, r)?;
        }
        start = end;
    }
    Ok(())
}

/// Feeds the MAC everything but the leaves, in a fixed order.
fn mac_header(mac: &mut FileMac, meta: &Metadata) {
    mac.update(MacInput::Version(meta.version));
    mac.update(MacInput::Created(&meta.created));
    let rules = serde_json::to_string(&meta.rules).expect("rules serialise");
    mac.update(MacInput::Rules(&rules));
    for w in &meta.recipients {
        mac.update(MacInput::Recipient(&w.recipient));
    }
    // Key groups: the threshold, then each group's recipients after its marker. A file
    // without key groups feeds none of this, so its MAC is what it always was.
    if let Some(t) = meta.threshold {
        mac.update(MacInput::Threshold(t));
    }
    for (i, g) in meta.key_groups.iter().enumerate() {
        mac.update(MacInput::KeyGroup(i as u32));
        for w in &g.recipients {
            mac.update(MacInput::Recipient(&w.recipient));
        }
    }
}

/// Reads and checks the metadata block of a parsed document.
fn read_metadata(doc: &Document, text: &str) -> Result<(Metadata, Range<usize>), DecryptError> {
    // A top-level `vaultfile` key that holds no version and no MAC is the file's own
    // setting, not metadata: the file is not encrypted.
    let block = doc
        .metadata
        .as_ref()
        .filter(|b| looks_like_metadata(&b.value));
    let Some(block) = block else {
        return Err(if has_misplaced_metadata(doc, text) {
            DecryptError::Integrity(Integrity::MisplacedMetadata)
        } else {
            DecryptError::NotEncrypted
        });
    };
    if let Some(v) = block.value.get("version").and_then(|v| v.as_u64())
        && !(u64::from(metadata::OLDEST_VERSION)..=u64::from(metadata::VERSION)).contains(&v)
    {
        return Err(DecryptError::UnsupportedVersion(v as u32));
    }
    let meta = Metadata::from_value(block.value.clone())
        .map_err(|e| DecryptError::BadMetadata(e.to_string()))?;
    meta.check_shape()
        .map_err(|e| DecryptError::BadMetadata(e.to_string()))?;
    Ok((meta, block.span.clone()))
}

/// Whether a value found where the metadata block goes is meant as one: it has a format
/// version or a MAC. (A damaged block that has one is reported as damaged.)
fn looks_like_metadata(value: &serde_json::Value) -> bool {
    value.get("version").is_some() || value.get("mac").is_some()
}

/// Whether a text whose store found no metadata block still carries one where vaultfile
/// never writes it (text added after the block, or the block moved): holding tokens and a
/// metadata marker of its format, it is an altered encrypted file, not a plaintext one, and
/// must be neither decrypted nor encrypted a second time.
fn has_misplaced_metadata(doc: &Document, text: &str) -> bool {
    if doc.metadata.is_some() || memchr::memmem::find(text.as_bytes(), b"VF1.").is_none() {
        return false;
    }
    let at_line_start = |marker: &str| {
        text.starts_with(marker)
            || text
                .match_indices(marker)
                .any(|(i, _)| matches!(text.as_bytes()[i - 1], b'\n' | b'\r'))
    };
    at_line_start(format::dotenv::METADATA_PREFIX)
        || at_line_start("vaultfile:")
        || at_line_start("[vaultfile]")
        || text.contains("\"vaultfile\"")
}

/// Unwraps the data key with the first identity that can; for key groups, collects
/// shares from as many groups as the threshold needs and combines them.
fn unwrap_key(meta: &Metadata, identities: &[Box<dyn Identity>]) -> Result<DataKey, DecryptError> {
    let mut failures = Vec::new();
    if !meta.has_key_groups() {
        return first_unwrap(&meta.recipients, identities, &mut failures, |_| true).ok_or_else(
            || DecryptError::NoMatchingIdentity {
                recipients: meta.recipient_ids().map(str::to_owned).collect(),
                failures,
            },
        );
    }
    let needed = meta.threshold.unwrap_or(0) as usize;
    let mut shares: Vec<(usize, DataKey)> = Vec::with_capacity(needed);
    // First the keys of other recipients, then, for the groups still needed, those of
    // passphrase recipients (which ask the user).
    for passphrases in [false, true] {
        for (i, g) in meta.key_groups.iter().enumerate() {
            if shares.len() >= needed {
                break;
            }
            if shares.iter().any(|(j, _)| *j == i) {
                continue;
            }
            let select = |w: &WrappedKey| {
                crate::keys::passphrase::is_passphrase(&w.recipient) == passphrases
            };
            if let Some(share) = first_unwrap(&g.recipients, identities, &mut failures, select) {
                shares.push((i, share));
            }
        }
    }
    if shares.len() < needed {
        let mut opened: Vec<usize> = shares.iter().map(|(i, _)| *i).collect();
        opened.sort_unstable();
        return Err(DecryptError::NotEnoughKeyGroups {
            needed,
            groups: meta
                .key_groups
                .iter()
                .map(|g| g.recipients.iter().map(|w| w.recipient.clone()).collect())
                .collect(),
            opened,
            failures,
        });
    }
    // A wrong share gives a wrong key, which the MAC check then rejects.
    shamir::combine(&shares).map_err(|_| DecryptError::Integrity(Integrity::Mac))
}

/// The first key any identity unwraps from the `select`ed keys of `wrapped`.
fn first_unwrap(
    wrapped: &[WrappedKey],
    identities: &[Box<dyn Identity>],
    failures: &mut Vec<UnwrapError>,
    select: impl Fn(&WrappedKey) -> bool,
) -> Option<DataKey> {
    for identity in identities {
        for w in wrapped.iter().filter(|w| select(w)) {
            match identity.unwrap(w) {
                Some(Ok(key)) => return Some(key),
                Some(Err(e)) => failures.push(e),
                None => {}
            }
        }
    }
    None
}

/// Which leaves are encrypted under `rules`, and the MAC check over them: over the whole
/// text for version 2, over the values, recipients and rules for version 1. The version
/// decides the check, and a file's MAC can only verify under the check it was made for
/// (the two MACs use different subkeys).
fn verify(
    store: &dyn Store,
    text: &str,
    doc: &Document,
    meta: &Metadata,
    meta_span: &Range<usize>,
    rules: &Rules,
    key: &DataKey,
) -> Result<Vec<bool>, DecryptError> {
    if meta.version != 1 {
        let selected = select(store, text, doc, rules, None)?;
        return if verify_text(text, meta_span, &meta.mac, key) {
            Ok(selected)
        } else {
            Err(DecryptError::Integrity(Integrity::Mac))
        };
    }
    let mut mac = FileMac::new(key);
    mac_header(&mut mac, meta);
    let selected = select(store, text, doc, rules, Some(&mut mac))?;
    if !mac.verify(&meta.mac) {
        return Err(DecryptError::Integrity(Integrity::Mac));
    }
    Ok(selected)
}

/// Which leaves `rules` select, each of which must hold a token; the version-1 MAC, when
/// given, is fed every leaf as it is checked.
fn select(
    store: &dyn Store,
    text: &str,
    doc: &Document,
    rules: &Rules,
    mut v1: Option<&mut FileMac>,
) -> Result<Vec<bool>, DecryptError> {
    let mut hits = RuleHits::default();
    let mut selected = Vec::with_capacity(doc.leaves.len());
    for l in doc.leaves.iter() {
        let raw = &text[l.span.clone()];
        let sel = l.kind != ScalarKind::Null && rules.selects(l.path, &mut hits);
        let t = if sel {
            store
                .read_token(raw)
                .ok_or_else(|| DecryptError::Integrity(Integrity::Plaintext(l.path.to_owned())))?
        } else {
            raw
        };
        if let Some(mac) = v1.as_deref_mut() {
            mac.update(MacInput::Leaf {
                path: l.path,
                encrypted: sel,
                text: t.as_bytes(),
            });
        }
        selected.push(sel);
    }
    Ok(selected)
}

/// Checks a version-2 MAC: over every byte of `text` but the stored MAC's own, which must
/// stand inside the metadata block.
fn verify_text(text: &str, meta_span: &Range<usize>, stored: &str, key: &DataKey) -> bool {
    if stored.len() != MAC_LEN {
        return false;
    }
    // Whichever copy of the value is found, the bytes left out are exactly the value
    // compared, so a MAC verifies only for the text it was computed over.
    let Some(at) = text[meta_span.clone()]
        .find(stored)
        .map(|i| meta_span.start + i)
    else {
        return false;
    };
    let mut mac = TextMac::new(key);
    mac.update(&text.as_bytes()[..at]);
    mac.mac_position();
    mac.update(&text.as_bytes()[at + MAC_LEN..]);
    mac.verify(stored)
}

/// Opens an encrypted text: unwraps the data key and verifies the MAC, without decrypting
/// the values. Used for baselines and by `recipients`-style inspection.
pub fn open(
    store: &dyn Store,
    text: &str,
    identities: &[Box<dyn Identity>],
) -> Result<Opened, DecryptError> {
    let parsed = open_unverified(store, text, identities)?;
    parsed.verify(store, text)?;
    Ok(parsed.opened)
}

/// An encrypted text parsed and its data key unwrapped: its MAC is still to be checked.
struct Parsed {
    doc: Document,
    opened: Opened,
    meta_span: Range<usize>,
    rules: Rules,
}

impl Parsed {
    /// Checks the MAC ([`verify`]) and returns which leaves are encrypted.
    fn verify(&self, store: &dyn Store, text: &str) -> Result<Vec<bool>, DecryptError> {
        let Opened { metadata, key } = &self.opened;
        verify(
            store,
            text,
            &self.doc,
            metadata,
            &self.meta_span,
            &self.rules,
            key,
        )
    }
}

/// The file's selection rules, compiled.
fn compiled_rules(metadata: &Metadata) -> Result<Rules, DecryptError> {
    metadata
        .rules
        .compile()
        .map_err(|e| DecryptError::BadMetadata(e.to_string()))
}

/// Parses `text` and unwraps its data key; [`verify`] must pass before any of its values
/// is given out.
fn open_unverified(
    store: &dyn Store,
    text: &str,
    identities: &[Box<dyn Identity>],
) -> Result<Parsed, DecryptError> {
    let doc = store.parse(text, ParseOptions::default())?;
    let (metadata, meta_span) = read_metadata(&doc, text)?;
    let key = unwrap_key(&metadata, identities)?;
    let rules = compiled_rules(&metadata)?;
    Ok(Parsed {
        doc,
        opened: Opened { metadata, key },
        meta_span,
        rules,
    })
}

/// Reads the metadata of an encrypted text without any key (for `vaultfile recipients`).
pub fn inspect(store: &dyn Store, text: &str) -> Result<Metadata, DecryptError> {
    let doc = store.parse(text, ParseOptions::default())?;
    read_metadata(&doc, text).map(|(m, _)| m)
}

/// Checks, without any key, that every value the file's rules select is a well-formed
/// token: what can be known of an encrypted file's integrity by someone who cannot open
/// it (the MAC needs the data key). Used by the git clean filter on a locked work tree
/// and by `vaultfile git check`.
pub fn check_sealed(store: &dyn Store, text: &str) -> Result<Metadata, DecryptError> {
    let doc = store.parse(text, ParseOptions::default())?;
    let (metadata, _) = read_metadata(&doc, text)?;
    let rules = compiled_rules(&metadata)?;
    let mut hits = RuleHits::default();
    for l in doc.leaves.iter() {
        let sel = l.kind != ScalarKind::Null && rules.selects(l.path, &mut hits);
        if sel {
            let token = store.read_token(&text[l.span.clone()]);
            if !token.is_some_and(crate::crypto::is_token) {
                return Err(DecryptError::Integrity(Integrity::Plaintext(
                    l.path.to_owned(),
                )));
            }
        }
    }
    Ok(metadata)
}

/// Decrypts a text document. The MAC is verified before anything is returned.
pub fn decrypt(
    store: &dyn Store,
    text: &str,
    identities: &[Box<dyn Identity>],
) -> Result<String, DecryptError> {
    let mut buf = Vec::with_capacity(text.len());
    decrypt_to(store, text, identities, &mut buf)?;
    Ok(String::from_utf8(buf).expect("decrypted values are checked to be UTF-8"))
}

/// Decrypts a text document, writing the plaintext to `out` as it is produced.
///
/// The data key is unwrapped and the MAC over every value, the recipients and the rules is
/// verified before the first byte is written, so an altered file writes nothing. Returns
/// the opened key material, for re-encryption with this file as baseline.
pub fn decrypt_to(
    store: &dyn Store,
    text: &str,
    identities: &[Box<dyn Identity>],
    out: &mut dyn Write,
) -> Result<Opened, DecryptError> {
    check_len(text.len()).map_err(|_| DecryptError::TooLarge)?;
    let parsed = open_unverified(store, text, identities)?;
    let cipher = ValueCipher::new(&parsed.opened.key);
    let leaves = &parsed.doc.leaves;
    let n = leaves.len();
    // A piece of the output: the text from the end of the leaf before `p`'s first (or the
    // start) to the end of its last, with its selected values decrypted. Each thread
    // builds whole pieces, so the plaintext is assembled in parallel and written in a few
    // large blocks rather than value by value.
    let piece = |selected: &[bool], (c, buf): &mut (ValueCipher, Zeroizing<Vec<u8>>), p: usize| {
        let (first, last) = (p * PIECE, ((p + 1) * PIECE).min(n));
        let mut pos = if first == 0 {
            0
        } else {
            leaves.span(first - 1).end
        };
        let end = leaves.span(last - 1).end;
        // Plaintext passes through this buffer: it is wiped when dropped.
        let mut out = Zeroizing::new(String::with_capacity(end - pos));
        for (i, _) in (first..last)
            .zip(&selected[first..last])
            .filter(|(_, s)| **s)
        {
            let l = leaves.get(i);
            let token = store
                .read_token(&text[l.span.clone()])
                .expect("checked by verify");
            let plain = c.open_in(l.path, token, buf).map_err(|e| match e {
                TokenError::Malformed | TokenError::Forged => {
                    DecryptError::Integrity(Integrity::Value(l.path.to_owned()))
                }
            })?;
            let plain = std::str::from_utf8(plain)
                .map_err(|_| DecryptError::Integrity(Integrity::NotText(l.path.to_owned())))?;
            out.push_str(&text[pos..l.span.start]);
            out.push_str(plain);
            pos = l.span.end;
        }
        out.push_str(&text[pos..end]);
        Ok::<_, DecryptError>(out)
    };
    // In waves of pieces, so that only a wave's output is held at once.
    let pieces = n.div_ceil(PIECE);
    let per_wave = WAVE / PIECE;
    let wave = |selected: &[bool], from: usize| -> Vec<Result<Zeroizing<String>, DecryptError>> {
        let these = from..(from + per_wave).min(pieces);
        // Each thread has its own cipher, and one buffer its values are opened in.
        let state = || (cipher.clone(), Zeroizing::new(Vec::new()));
        if n < PARALLEL_THRESHOLD {
            let mut s = state();
            these.map(|p| piece(selected, &mut s, p)).collect()
        } else {
            these
                .into_par_iter()
                .map_init(state, |s, p| piece(selected, s, p))
                .collect()
        }
    };
    let meta = &parsed.opened.metadata;
    // Nothing is written before the MAC is verified. For a large file the first wave is
    // decrypted meanwhile, on the other threads: reading every byte for the MAC is a
    // tenth of the time, and would otherwise leave every core but one idle.
    let (selected, first) = if meta.version != 1 && n >= PARALLEL_THRESHOLD {
        let (intact, selected) = rayon::join(
            || verify_text(text, &parsed.meta_span, &meta.mac, &parsed.opened.key),
            || {
                select(store, text, &parsed.doc, &parsed.rules, None).map(|selected| {
                    let first = wave(&selected, 0);
                    (selected, first)
                })
            },
        );
        // A value left in plaintext where the rules want a token is named, as one thread
        // finds it, before the MAC it also breaks.
        let selected = selected?;
        if !intact {
            return Err(DecryptError::Integrity(Integrity::Mac));
        }
        selected
    } else {
        let selected = parsed.verify(store, text)?;
        let first = wave(&selected, 0);
        (selected, first)
    };
    let mut write = |s: &str| out.write_all(s.as_bytes()).map_err(DecryptError::Write);
    for made in first {
        write(&made?)?;
    }
    for from in (per_wave..pieces).step_by(per_wave) {
        for made in wave(&selected, from) {
            write(&made?)?;
        }
    }
    // The metadata block is always after every leaf.
    let pos = if n == 0 { 0 } else { leaves.span(n - 1).end };
    write(&text[pos..parsed.meta_span.start])?;
    write(&text[parsed.meta_span.end..])?;
    Ok(parsed.opened)
}

/// Encrypts a binary file: the whole content becomes one value (see [`format::binary`]).
pub fn encrypt_binary(
    content: &[u8],
    opts: &EncryptOptions<'_>,
) -> Result<Encrypted, EncryptError> {
    let store = format::binary::envelope();
    let mut warnings = Vec::new();
    let (key, mut meta_base) = choose_key(opts, &mut warnings)?;
    meta_base.whole = true;
    // Selection rules are about keys: a file encrypted whole has none.
    meta_base.rules = RuleSpec::default();
    let path = KeyPath::from_segments([crate::path::Segment::Key(format::binary::DATA_KEY)]);
    let token = ValueCipher::new(&key).seal(&path, content);
    let mut text = format!("{}: ", format::binary::DATA_KEY);
    store.write_token(&mut text, &token);
    text.push('\n');
    let doc = store.parse(&text, ParseOptions::default())?;
    let block = MetadataText::render(store, &text, &doc, &meta_base)?;
    let mut out = String::with_capacity(text.len() + block.text.len());
    out.push_str(&text[..block.at]);
    out.push_str(block.before_mac());
    let mut mac = TextMac::new(&key);
    mac.update(out.as_bytes());
    mac.mac_position();
    mac.update(block.after_mac().as_bytes());
    mac.update(&text.as_bytes()[block.at..]);
    out.push_str(&mac.finish());
    out.push_str(block.after_mac());
    out.push_str(&text[block.at..]);
    Ok(Encrypted {
        text: out,
        warnings,
        encrypted_values: 1,
    })
}

/// The format of an *encrypted* text: what its content says (the metadata marker of
/// its format, or a file encrypted whole), else what its name says (`by_name`), else
/// YAML. Content first: a copy named `prod.yaml.bak` is still the YAML file it was, and
/// reading it by its name would report a perfectly good file as altered.
pub fn format_of_encrypted(text: &str, by_name: Option<Format>) -> Format {
    if is_whole(text) {
        return Format::Binary;
    }
    match (Format::sniff_encrypted(text), by_name) {
        // A format-1 binary file looks like YAML and carries no flag: its name decides.
        (Some(Format::Yaml), Some(Format::Binary)) if text.starts_with("data: VF1.") => {
            Format::Binary
        }
        (Some(sniffed), _) => sniffed,
        (None, Some(f)) => f,
        (None, None) => Format::Yaml,
    }
}

/// Whether `text` is a file encrypted whole ([`encrypt_binary`]), whatever its name: it
/// starts as every such file does and its metadata says so. Cheap for other files: one
/// prefix check.
pub fn is_whole(text: &str) -> bool {
    text.starts_with("data: VF1.")
        && inspect(format::binary::envelope(), text).is_ok_and(|m| m.whole)
}

/// Decrypts a binary file written by [`encrypt_binary`].
pub fn decrypt_binary(
    text: &str,
    identities: &[Box<dyn Identity>],
) -> Result<(Vec<u8>, Opened), DecryptError> {
    let store = format::binary::envelope();
    let doc = store.parse(text, ParseOptions::default())?;
    let (metadata, meta_span) = read_metadata(&doc, text)?;
    let key = unwrap_key(&metadata, identities)?;
    let path = KeyPath::from_segments([crate::path::Segment::Key(format::binary::DATA_KEY)]);
    if doc.leaves.len() != 1 {
        return Err(DecryptError::Integrity(Integrity::Mac));
    }
    let leaf = doc.leaves.get(0);
    if leaf.path != path {
        return Err(DecryptError::Integrity(Integrity::Mac));
    }
    let rules = RuleSpec::default().compile().expect("empty rules compile");
    verify(store, text, &doc, &metadata, &meta_span, &rules, &key)?;
    let token = store
        .read_token(&text[leaf.span.clone()])
        .expect("checked by verify");
    let content = ValueCipher::new(&key)
        .open(&path, token)
        .map_err(|_| DecryptError::Integrity(Integrity::Value(path.clone())))?;
    Ok((content, Opened { metadata, key }))
}

#[cfg(test)]
mod tests;
