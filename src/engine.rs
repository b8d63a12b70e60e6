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
use crate::keys::{Identity, KeyHolders, Recipient, UnwrapError, WrapError};
use crate::metadata::{self, KeyGroup, Metadata, WrappedKey};
use crate::path::{KeyPath, RuleError, RuleHits, RuleSpec, Rules};

/// Below this many leaves, values are sealed on one thread: spawning costs more than it saves.
const PARALLEL_THRESHOLD: usize = 2048;

/// Leaves per parallel wave: large enough to amortise scheduling, small enough that a
/// wave's results are a small fraction of the document.
const WAVE: usize = 16 * 1024;

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
    #[error("the selection rules {0} leave every value in plaintext: nothing would be encrypted")]
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
        let mut why = serde_json::to_string(&meta_base.rules).expect("rules serialise");
        if !unmatched.is_empty() {
            why = format!("{why} ({})", unmatched.join("; "));
        }
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
    if len > crate::document::MAX_DOCUMENT_LEN {
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

/// Decides the data key, recipients, rules and creation time for an encryption.
fn choose_key(
    opts: &EncryptOptions<'_>,
    warnings: &mut Vec<String>,
) -> Result<(DataKey, Metadata), EncryptError> {
    let rules = opts
        .rules
        .clone()
        .or_else(|| opts.baseline.map(|b| b.metadata.rules.clone()))
        .unwrap_or_default();
    let (key, mut meta) = match opts.baseline {
        // The baseline's key and wrapped keys (recipients or key groups), as they are.
        Some(base) if opts.recipients.is_empty() => (base.key.clone(), base.metadata.clone()),
        Some(base) => {
            let rekeyed = rekey_with(
                base,
                Holders::Any(opts.recipients),
                Rotation::OnRemoval,
                opts.now,
            )?;
            if rekeyed.rotated {
                warnings.push(rotation_warning(&rekeyed.removed));
            }
            (rekeyed.opened.key, rekeyed.opened.metadata)
        }
        None => {
            if opts.recipients.is_empty() {
                return Err(EncryptError::NoRecipients);
            }
            let key = DataKey::generate();
            let meta = wrap_for(
                &key,
                Holders::Any(opts.recipients),
                timestamp(opts.now),
                None,
            )?;
            (key, meta)
        }
    };
    meta.rules = rules;
    // Whatever the baseline's version, what is written now is the current one, and a
    // structured file (encrypt_binary sets `whole` again for its own output).
    meta.version = metadata::VERSION;
    meta.whole = false;
    meta.mac = String::new();
    Ok((key, meta))
}

fn rotation_warning(removed: &[String]) -> String {
    if removed.is_empty() {
        "who can open the file changed shape (key groups or threshold): a new data key was made, so every value's ciphertext changes".into()
    } else {
        format!(
            "recipient{} removed ({}): a new data key was made, so every value's ciphertext changes",
            if removed.len() > 1 { "s" } else { "" },
            removed.join(", ")
        )
    }
}

/// [`KeyHolders`], borrowed: what the wrapping code works on.
#[derive(Clone, Copy)]
enum Holders<'a> {
    Any(&'a [Box<dyn Recipient>]),
    Groups(&'a [Vec<Box<dyn Recipient>>], usize),
}

impl<'a> From<&'a KeyHolders> for Holders<'a> {
    fn from(h: &'a KeyHolders) -> Self {
        match h {
            KeyHolders::Recipients(r) => Holders::Any(r),
            KeyHolders::Groups { groups, threshold } => Holders::Groups(groups, *threshold),
        }
    }
}

impl<'a> Holders<'a> {
    fn ids(self) -> (Vec<Vec<&'a str>>, usize) {
        match self {
            Holders::Any(r) => (vec![r.iter().map(|r| r.id()).collect()], 1),
            Holders::Groups(g, t) => (
                g.iter()
                    .map(|g| g.iter().map(|r| r.id()).collect())
                    .collect(),
                t,
            ),
        }
    }

    fn is_grouped(self) -> bool {
        matches!(self, Holders::Groups(..))
    }
}

/// Wraps `key` for `holders`: once per recipient, or one Shamir share per key group
/// wrapped for each of its members. `reuse` holds already wrapped keys of the same data key
/// (flat recipients only) to keep as they are.
fn wrap_for(
    key: &DataKey,
    holders: Holders<'_>,
    created: String,
    reuse: Option<&[WrappedKey]>,
) -> Result<Metadata, EncryptError> {
    let wrap = |r: &dyn Recipient,
                secret: &DataKey,
                reuse: &[WrappedKey]|
     -> Result<WrappedKey, EncryptError> {
        Ok(match reuse.iter().find(|w| w.recipient == r.id()) {
            Some(w) => w.clone(),
            None => WrappedKey {
                recipient: r.id().to_owned(),
                key: r.wrap(secret)?,
            },
        })
    };
    let mut meta = Metadata {
        version: metadata::VERSION,
        created,
        whole: false,
        rules: RuleSpec::default(),
        recipients: Vec::new(),
        key_groups: Vec::new(),
        threshold: None,
        mac: String::new(),
    };
    match holders {
        Holders::Any(recipients) => {
            if recipients.is_empty() {
                return Err(EncryptError::NoRecipients);
            }
            let reuse = reuse.unwrap_or(&[]);
            let mut wrapped = recipients
                .iter()
                .map(|r| wrap(r.as_ref(), key, reuse))
                .collect::<Result<Vec<_>, _>>()?;
            // Keep the order of the wrapped keys kept (byte-identical output when nothing
            // changed); new ones after.
            wrapped.sort_by_key(|w| {
                reuse
                    .iter()
                    .position(|b| b.recipient == w.recipient)
                    .unwrap_or(usize::MAX)
            });
            meta.recipients = wrapped;
        }
        Holders::Groups(groups, threshold) => {
            if let Some(i) = groups.iter().position(|g| g.is_empty()) {
                return Err(EncryptError::KeyGroups(format!(
                    "key group {} has no recipient",
                    i + 1
                )));
            }
            let shares = shamir::split(key, threshold, groups.len())
                .map_err(|e| EncryptError::KeyGroups(e.to_string()))?;
            for (group, share) in groups.iter().zip(&shares) {
                let recipients = group
                    .iter()
                    .map(|r| wrap(r.as_ref(), share, &[]))
                    .collect::<Result<Vec<_>, _>>()?;
                meta.key_groups.push(KeyGroup { recipients });
            }
            meta.threshold = Some(threshold as u32);
        }
    }
    Ok(meta)
}

/// A fresh data key wrapped for `holders`, to encrypt a new file with: pass it as
/// [`EncryptOptions::baseline`] with no recipients. This is how a file gets key groups:
///
/// ```no_run
/// # use vaultfile::{engine, format, keys::KeyHolders};
/// # fn f(holders: KeyHolders, text: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let now = std::time::SystemTime::now();
/// let key = engine::new_key(&holders, now)?;
/// let store = format::store_for(format::Format::Yaml).unwrap();
/// let opts = engine::EncryptOptions {
///     recipients: &[], rules: None, baseline: Some(&key), now, allow_nothing_encrypted: false,
/// };
/// let encrypted = engine::encrypt(store, text, &opts)?;
/// # Ok(()) }
/// ```
pub fn new_key(holders: &KeyHolders, now: SystemTime) -> Result<Opened, EncryptError> {
    let key = DataKey::generate();
    let metadata = wrap_for(&key, holders.into(), timestamp(now), None)?;
    Ok(Opened { metadata, key })
}

/// When [`Opened::rekey`] makes a new data key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rotation {
    /// Always (`vaultfile rotate`).
    Always,
    /// When someone who could open the file no longer can, or the key groups or threshold
    /// change (a removed person may still hold the old key; old shares must not combine
    /// under the new rules). Adding recipients keeps the key.
    OnRemoval,
    /// Never: keep the data key whatever changes (`--no-rotate`).
    Never,
}

/// What [`Opened::rekey`] did.
#[derive(Debug)]
pub struct Rekeyed {
    /// The file's key material for the new holders: pass it as [`EncryptOptions::baseline`]
    /// (with no recipients) to re-encrypt the file.
    pub opened: Opened,
    /// Whether a new data key was made (every value's ciphertext will change).
    pub rotated: bool,
    /// Whether nothing changed (same holders, no rotation): re-encryption is byte-identical.
    pub unchanged: bool,
    /// Recipients that were removed (from the file, or from a key group).
    pub removed: Vec<String>,
    /// Recipients that were added (to the file, or to a key group).
    pub added: Vec<String>,
}

impl Opened {
    /// Re-wraps this file's key material for `holders`. With [`Rotation::OnRemoval`],
    /// adding recipients keeps the data key (values keep their exact ciphertext; for key
    /// groups the key is split anew and every member's share is wrapped again), and
    /// removing one, or changing the key groups' shape, makes a new one. The metadata's
    /// `created` changes only with a new data key.
    pub fn rekey(
        &self,
        holders: &KeyHolders,
        rotation: Rotation,
        now: SystemTime,
    ) -> Result<Rekeyed, EncryptError> {
        rekey_with(self, holders.into(), rotation, now)
    }
}

/// The difference between two holder shapes: recipients removed and added (by group
/// position), and whether the shape (flat or grouped, group count, threshold) is the same.
struct HolderDiff {
    removed: Vec<String>,
    added: Vec<String>,
    same_shape: bool,
}

fn diff(
    old: &(Vec<Vec<&str>>, usize),
    old_grouped: bool,
    new: &(Vec<Vec<&str>>, usize),
    new_grouped: bool,
) -> HolderDiff {
    let same_shape = old_grouped == new_grouped && old.0.len() == new.0.len() && old.1 == new.1;
    let mut removed = Vec::new();
    let mut added = Vec::new();
    if same_shape {
        for (o, n) in old.0.iter().zip(&new.0) {
            removed.extend(o.iter().filter(|id| !n.contains(id)).map(|s| s.to_string()));
            added.extend(n.iter().filter(|id| !o.contains(id)).map(|s| s.to_string()));
        }
    } else {
        let all_old: Vec<&str> = old.0.iter().flatten().copied().collect();
        let all_new: Vec<&str> = new.0.iter().flatten().copied().collect();
        removed.extend(
            all_old
                .iter()
                .filter(|id| !all_new.contains(id))
                .map(|s| s.to_string()),
        );
        added.extend(
            all_new
                .iter()
                .filter(|id| !all_old.contains(id))
                .map(|s| s.to_string()),
        );
    }
    removed.dedup();
    added.dedup();
    HolderDiff {
        removed,
        added,
        same_shape,
    }
}

fn rekey_with(
    base: &Opened,
    holders: Holders<'_>,
    rotation: Rotation,
    now: SystemTime,
) -> Result<Rekeyed, EncryptError> {
    let old = base.metadata.groups();
    let new = holders.ids();
    let d = diff(
        &old,
        base.metadata.has_key_groups(),
        &new,
        holders.is_grouped(),
    );
    let rotated = match rotation {
        Rotation::Always => true,
        Rotation::Never => false,
        Rotation::OnRemoval => !d.removed.is_empty() || !d.same_shape,
    };
    let unchanged = !rotated && d.same_shape && d.removed.is_empty() && d.added.is_empty();
    let opened = if unchanged {
        Opened {
            metadata: base.metadata.clone(),
            key: base.key.clone(),
        }
    } else if rotated {
        let key = DataKey::generate();
        let mut metadata = wrap_for(&key, holders, timestamp(now), None)?;
        metadata.rules = base.metadata.rules.clone();
        Opened { metadata, key }
    } else {
        // Same data key, same creation time. Flat recipients keep their wrapped keys; key
        // groups get new shares of the same key (a member's share can only be wrapped anew
        // from the key itself).
        let reuse = (!base.metadata.has_key_groups()).then_some(&base.metadata.recipients[..]);
        let mut metadata = wrap_for(&base.key, holders, base.metadata.created.clone(), reuse)?;
        metadata.rules = base.metadata.rules.clone();
        Opened {
            metadata,
            key: base.key.clone(),
        }
    };
    Ok(Rekeyed {
        opened,
        rotated,
        unchanged,
        removed: d.removed,
        added: d.added,
    })
}

fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
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
    meta.check_shape().map_err(DecryptError::BadMetadata)?;
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
    let mut hits = RuleHits::default();
    let mut v1 = (meta.version == 1).then(|| {
        let mut mac = FileMac::new(key);
        mac_header(&mut mac, meta);
        mac
    });
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
        if let Some(mac) = &mut v1 {
            mac.update(MacInput::Leaf {
                path: l.path,
                encrypted: sel,
                text: t.as_bytes(),
            });
        }
        selected.push(sel);
    }
    let intact = match v1 {
        Some(mac) => mac.verify(&meta.mac),
        None => verify_text(text, meta_span, &meta.mac, key),
    };
    if !intact {
        return Err(DecryptError::Integrity(Integrity::Mac));
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
    let doc = store.parse(text, ParseOptions::default())?;
    let (metadata, meta_span) = read_metadata(&doc, text)?;
    let key = unwrap_key(&metadata, identities)?;
    let rules = metadata
        .rules
        .compile()
        .map_err(|e| DecryptError::BadMetadata(e.to_string()))?;
    verify(store, text, &doc, &metadata, &meta_span, &rules, &key)?;
    Ok(Opened { metadata, key })
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
    let rules = metadata
        .rules
        .compile()
        .map_err(|e| DecryptError::BadMetadata(e.to_string()))?;
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
    let doc = store.parse(text, ParseOptions::default())?;
    let (metadata, meta_span) = read_metadata(&doc, text)?;
    let key = unwrap_key(&metadata, identities)?;
    let rules = metadata
        .rules
        .compile()
        .map_err(|e| DecryptError::BadMetadata(e.to_string()))?;
    let selected = verify(store, text, &doc, &metadata, &meta_span, &rules, &key)?;

    let cipher = ValueCipher::new(&key);
    // Plaintext passes through this buffer: it is wiped when dropped.
    let mut buf = Zeroizing::new(String::with_capacity(chunk_capacity(text.len())));
    let mut pos = 0;
    for_each_in_waves(
        doc.leaves.len(),
        &cipher,
        |c, i| {
            if !selected[i] {
                return Ok(None);
            }
            let l = doc.leaves.get(i);
            let token = store
                .read_token(&text[l.span.clone()])
                .expect("checked by verify");
            let plain = c.open(l.path, token).map_err(|e| match e {
                TokenError::Malformed | TokenError::Forged => {
                    DecryptError::Integrity(Integrity::Value(l.path.to_owned()))
                }
            })?;
            String::from_utf8(plain)
                .map(|p| Some(Zeroizing::new(p)))
                .map_err(|_| DecryptError::Integrity(Integrity::NotText(l.path.to_owned())))
        },
        |i, plain: Result<Option<Zeroizing<String>>, DecryptError>| {
            if let Some(plain) = plain? {
                let span = doc.leaves.span(i);
                buf.push_str(&text[pos..span.start]);
                buf.push_str(&plain);
                pos = span.end;
                if buf.len() >= FLUSH_AT {
                    out.write_all(buf.as_bytes()).map_err(DecryptError::Write)?;
                    buf.clear();
                }
            }
            Ok::<(), DecryptError>(())
        },
    )?;
    // The metadata block is always after every leaf.
    buf.push_str(&text[pos..meta_span.start]);
    buf.push_str(&text[meta_span.end..]);
    out.write_all(buf.as_bytes()).map_err(DecryptError::Write)?;
    Ok(Opened { metadata, key })
}

/// Encrypts a binary file: the whole content becomes one value (see [`format::binary`]).
pub fn encrypt_binary(
    content: &[u8],
    opts: &EncryptOptions<'_>,
) -> Result<Encrypted, EncryptError> {
    let store = format::store_for(Format::Yaml).expect("yaml store");
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

/// Whether `text` is a file encrypted whole ([`encrypt_binary`]), whatever its name: it
/// starts as every such file does and its metadata says so. Cheap for other files: one
/// prefix check.
pub fn is_whole(text: &str) -> bool {
    text.starts_with("data: VF1.")
        && inspect(format::store_for(Format::Yaml).expect("yaml store"), text)
            .is_ok_and(|m| m.whole)
}

/// Decrypts a binary file written by [`encrypt_binary`].
pub fn decrypt_binary(
    text: &str,
    identities: &[Box<dyn Identity>],
) -> Result<(Vec<u8>, Opened), DecryptError> {
    let store = format::store_for(Format::Yaml).expect("yaml store");
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
mod tests {
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::*;
    use crate::keys::{self, NoCallbacks};

    struct Key {
        recipients: Vec<Box<dyn Recipient>>,
        identities: Vec<Box<dyn Identity>>,
        secret: String,
    }

    fn key() -> Key {
        let id = ::age::x25519::Identity::generate();
        let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        Key {
            recipients: vec![keys::parse_recipient(&id.to_public().to_string()).unwrap()],
            identities: keys::load_identities("test key", secret.as_bytes(), Arc::new(NoCallbacks))
                .unwrap(),
            secret,
        }
    }

    fn opts<'a>(k: &'a Key, baseline: Option<&'a Opened>) -> EncryptOptions<'a> {
        EncryptOptions {
            recipients: &k.recipients,
            rules: None,
            baseline,
            now: SystemTime::UNIX_EPOCH,
            allow_nothing_encrypted: false,
        }
    }

    fn store(f: Format) -> &'static dyn Store {
        format::store_for(f).unwrap()
    }

    const JSON: &str = "{\n  \"user\": \"admin\",\n  \"password\": \"hunter2-hunter2\",\n  \"port\": 5432,\n  \"tags\": [\"a\", null, true]\n}\n";

    #[test]
    fn round_trip_and_no_plaintext_left() {
        let k = key();
        let enc = encrypt(store(Format::Json), JSON, &opts(&k, None)).unwrap();
        assert_eq!(enc.encrypted_values, 5);
        assert!(!enc.text.contains("hunter2") && !enc.text.contains("5432"));
        assert_eq!(
            decrypt(store(Format::Json), &enc.text, &k.identities).unwrap(),
            JSON
        );
    }

    /// A file's own top-level `vaultfile` key is not metadata: decrypting says "not
    /// encrypted", and encrypting says the key is reserved (not "already encrypted").
    #[test]
    fn a_top_level_vaultfile_key_of_the_files_own() {
        let k = key();
        let text = "app: 1\nvaultfile:\n  enabled: true\n";
        assert!(matches!(
            encrypt(store(Format::Yaml), text, &opts(&k, None)),
            Err(EncryptError::ReservedKey)
        ));
        assert!(matches!(
            decrypt(store(Format::Yaml), text, &k.identities),
            Err(DecryptError::NotEncrypted)
        ));
    }

    /// Text added after the metadata block, or the block moved, in every format: an
    /// altered encrypted file (exit 7), never "not encrypted" (which would invite encrypting
    /// it again), and `encrypt` refuses it as already encrypted.
    #[test]
    fn a_misplaced_metadata_block_is_an_integrity_failure_in_every_format() {
        let k = key();
        type Alter = fn(&str) -> String;
        let cases: [(Format, &str, Alter); 5] = [
            (Format::Dotenv, "A=secret\n", |t| format!("{t}B=1\n")),
            (Format::Json, "{\"a\": \"secret\"}\n", |t| {
                let end = t.rfind('}').unwrap();
                format!("{}, \"db\": {{}}}}\n", &t[..end])
            }),
            (Format::Toml, "a = \"secret\"\n", |t| {
                format!("{t}\n[extra]\nx = 1\n")
            }),
            (Format::Yaml, "a: secret\n", |t| format!("{t}extra: 1\n")),
            // The block moved to the top: the file starts with its marker.
            (Format::Yaml, "a: secret\n", |t| {
                let i = t.find("vaultfile:").unwrap();
                format!("{}{}", &t[i..], &t[..i])
            }),
        ];
        for (format, text, alter) in cases {
            let st = store(format);
            let enc = encrypt(st, text, &opts(&k, None)).unwrap().text;
            let altered = alter(&enc);
            match decrypt(st, &altered, &k.identities) {
                Err(DecryptError::Integrity(Integrity::MisplacedMetadata)) => {}
                other => panic!("{format:?}: {other:?}\n{altered}"),
            }
            assert!(
                matches!(
                    encrypt(st, &altered, &opts(&k, None)),
                    Err(EncryptError::AlreadyEncrypted)
                ),
                "{format:?}"
            );
        }
        // A marker without any token, or tokens without a marker: not encrypted.
        for (format, text) in [
            (
                Format::Dotenv,
                "A=1\n#vaultfile: a note, not a block\nB=2\n",
            ),
            (Format::Yaml, "a: VF1.notatoken\nb: 2\n"),
        ] {
            assert!(
                matches!(
                    decrypt(store(format), text, &k.identities),
                    Err(DecryptError::NotEncrypted)
                ),
                "{format:?}"
            );
        }
    }

    /// A file encrypted whole is known by its content, whatever its name; a structured file
    /// whose only key happens to be `data` is not one.
    #[test]
    fn is_whole_tells_a_file_encrypted_whole_by_its_content() {
        let k = key();
        let whole = encrypt_binary(b"\x00\x01anything", &opts(&k, None))
            .unwrap()
            .text;
        assert!(is_whole(&whole));
        let structured = encrypt(store(Format::Yaml), "data: secret\n", &opts(&k, None))
            .unwrap()
            .text;
        assert!(structured.starts_with("data: VF1."));
        assert!(!is_whole(&structured));
        assert!(!is_whole("data: VF1.notatoken\n"));
        let other = encrypt(store(Format::Yaml), "a: secret\n", &opts(&k, None))
            .unwrap()
            .text;
        assert!(!is_whole(&other));
    }

    /// A metadata block with a version or a MAC is meant as one: damaged, it is reported
    /// as damaged, not taken for the file's own `vaultfile` key.
    #[test]
    fn a_damaged_metadata_block_is_reported_as_damaged() {
        let k = key();
        let st = store(Format::Yaml);
        let enc = encrypt(st, "a: secret\n", &opts(&k, None)).unwrap().text;
        let mac_line = enc
            .lines()
            .find(|l| l.trim_start().starts_with("mac:"))
            .unwrap();
        let version_line = enc
            .lines()
            .find(|l| l.trim_start().starts_with("version:"))
            .unwrap();
        for damaged in [
            enc.replace(&format!("{mac_line}\n"), ""),
            enc.replace(&format!("{version_line}\n"), ""),
        ] {
            match decrypt(st, &damaged, &k.identities) {
                Err(DecryptError::BadMetadata(_)) => {}
                other => panic!("{other:?}\n{damaged}"),
            }
        }
    }

    #[test]
    fn already_encrypted_and_not_encrypted() {
        let k = key();
        let enc = encrypt(store(Format::Json), JSON, &opts(&k, None)).unwrap();
        assert!(matches!(
            encrypt(store(Format::Json), &enc.text, &opts(&k, None)),
            Err(EncryptError::AlreadyEncrypted)
        ));
        assert!(matches!(
            decrypt(store(Format::Json), JSON, &k.identities),
            Err(DecryptError::NotEncrypted)
        ));
    }

    #[test]
    fn wrong_identity_is_reported_with_recipients() {
        let (a, b) = (key(), key());
        let enc = encrypt(store(Format::Json), JSON, &opts(&a, None)).unwrap();
        match decrypt(store(Format::Json), &enc.text, &b.identities) {
            Err(DecryptError::NoMatchingIdentity { recipients, .. }) => {
                assert_eq!(recipients, vec![a.recipients[0].id().to_owned()]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn baseline_keeps_ciphertext_and_recipient_removal_rotates() {
        let (a, b) = (key(), key());
        let both: Vec<Box<dyn Recipient>> = vec![
            keys::parse_recipient(a.recipients[0].id()).unwrap(),
            keys::parse_recipient(b.recipients[0].id()).unwrap(),
        ];
        let o = EncryptOptions {
            recipients: &both,
            rules: None,
            baseline: None,
            now: SystemTime::UNIX_EPOCH,
            allow_nothing_encrypted: false,
        };
        let enc = encrypt(store(Format::Json), JSON, &o).unwrap();
        let base = open(store(Format::Json), &enc.text, &a.identities).unwrap();
        // Same recipients: byte-identical.
        let o = EncryptOptions {
            recipients: &both,
            rules: None,
            baseline: Some(&base),
            now: SystemTime::now(),
            allow_nothing_encrypted: false,
        };
        assert_eq!(
            encrypt(store(Format::Json), JSON, &o).unwrap().text,
            enc.text
        );
        // No recipients given: the baseline's.
        let o = EncryptOptions {
            recipients: &[],
            rules: None,
            baseline: Some(&base),
            now: SystemTime::now(),
            allow_nothing_encrypted: false,
        };
        assert_eq!(
            encrypt(store(Format::Json), JSON, &o).unwrap().text,
            enc.text
        );
        // Removing b: a new data key, b can no longer decrypt, a warning says so.
        let again = encrypt(store(Format::Json), JSON, &opts(&a, Some(&base))).unwrap();
        assert!(again.warnings.iter().any(|w| w.contains("new data key")));
        assert!(decrypt(store(Format::Json), &again.text, &b.identities).is_err());
        assert_eq!(
            decrypt(store(Format::Json), &again.text, &a.identities).unwrap(),
            JSON
        );
        let tok = |t: &str| {
            t.lines()
                .find(|l| l.contains("password"))
                .unwrap()
                .to_owned()
        };
        assert_ne!(tok(&again.text), tok(&enc.text));
    }

    /// Three groups of one fresh key each, 2 needed; returns the keys and the holders.
    fn three_groups(threshold: usize) -> (Vec<Key>, KeyHolders) {
        let keys: Vec<Key> = (0..3).map(|_| key()).collect();
        let groups = keys
            .iter()
            .map(|k| vec![keys::parse_recipient(k.recipients[0].id()).unwrap()])
            .collect();
        (keys, KeyHolders::Groups { groups, threshold })
    }

    fn ids_of(keys: &[&Key]) -> Vec<Box<dyn Identity>> {
        // Identities cannot be cloned: load each key's text again.
        keys.iter()
            .flat_map(|k| {
                let text = k.secret.clone();
                keys::load_identities("test key", text.as_bytes(), Arc::new(NoCallbacks)).unwrap()
            })
            .collect()
    }

    fn grouped_opts<'a>(base: &'a Opened) -> EncryptOptions<'a> {
        EncryptOptions {
            recipients: &[],
            rules: None,
            baseline: Some(base),
            now: SystemTime::UNIX_EPOCH,
            allow_nothing_encrypted: false,
        }
    }

    #[test]
    fn two_of_three_key_groups_in_every_format() {
        let (k, holders) = three_groups(2);
        let fresh = new_key(&holders, SystemTime::UNIX_EPOCH).unwrap();
        for format in [Format::Json, Format::Yaml, Format::Toml, Format::Dotenv] {
            let text = document(
                format,
                &[
                    ("user".into(), "admin".into()),
                    ("password".into(), "hunter2-hunter2".into()),
                ],
            );
            let st = store(format);
            let enc = encrypt(st, &text, &grouped_opts(&fresh)).unwrap();
            assert!(!enc.text.contains("hunter2"), "{format:?}");
            let meta = inspect(st, &enc.text).unwrap();
            assert_eq!(meta.key_groups.len(), 3, "{format:?}");
            assert_eq!(meta.threshold, Some(2));
            assert!(meta.recipients.is_empty());
            for pair in [[0, 1], [0, 2], [1, 2]] {
                let ids = ids_of(&[&k[pair[0]], &k[pair[1]]]);
                assert_eq!(
                    decrypt(st, &enc.text, &ids).unwrap(),
                    text,
                    "{format:?} {pair:?}"
                );
            }
            for (one, alone) in k.iter().enumerate() {
                match decrypt(st, &enc.text, &ids_of(&[alone])) {
                    Err(e @ DecryptError::NotEnoughKeyGroups { .. }) => {
                        let msg = e.to_string();
                        assert!(msg.contains("needs 2 of its 3 key groups"), "{msg}");
                        assert!(
                            msg.contains(&format!("only 1 (group {})", one + 1)),
                            "{msg}"
                        );
                        assert!(msg.contains("1 more group is needed"), "{msg}");
                    }
                    other => panic!("{format:?}: unexpected {other:?}"),
                }
            }
            // Byte-identical re-encryption with the grouped file as baseline.
            let base = open(st, &enc.text, &ids_of(&[&k[2], &k[0]])).unwrap();
            assert_eq!(
                encrypt(st, &text, &grouped_opts(&base)).unwrap().text,
                enc.text,
                "{format:?}"
            );
        }
        // A binary file too.
        let enc = encrypt_binary(b"\x00\x01binary", &grouped_opts(&fresh)).unwrap();
        let (plain, base) = decrypt_binary(&enc.text, &ids_of(&[&k[1], &k[2]])).unwrap();
        assert_eq!(plain, b"\x00\x01binary");
        assert_eq!(
            encrypt_binary(&plain, &grouped_opts(&base)).unwrap().text,
            enc.text
        );
        assert!(matches!(
            decrypt_binary(&enc.text, &ids_of(&[&k[1]])),
            Err(DecryptError::NotEnoughKeyGroups { .. })
        ));
    }

    /// Each element the MAC must cover, changed on its own and by as little as possible
    /// (one recipient of one key group, the threshold, a rule, an unencrypted value, a
    /// comment, the creation time, a wrapped key), fails the MAC check: format 2 covers the
    /// text, so no element can be left out by mistake without one of these failing.
    #[test]
    fn each_element_the_mac_covers_is_bound_on_its_own() {
        let (k, _) = three_groups(2);
        let extra = key();
        let r = |k: &Key| keys::parse_recipient(k.recipients[0].id()).unwrap();
        let holders = KeyHolders::Groups {
            groups: vec![vec![r(&k[0]), r(&extra)], vec![r(&k[1])], vec![r(&k[2])]],
            threshold: 2,
        };
        let fresh = new_key(&holders, SystemTime::UNIX_EPOCH).unwrap();
        let text = "# settings\ndb:\n  port: 5432\n  password: hunter2\n";
        let opts = EncryptOptions {
            rules: Some(RuleSpec {
                unencrypted_regex: Some("^port$".into()),
                ..RuleSpec::default()
            }),
            ..grouped_opts(&fresh)
        };
        let st = store(Format::Yaml);
        let enc = encrypt(st, text, &opts).unwrap().text;
        let ids = ids_of(&[&k[0], &k[1]]);
        assert_eq!(decrypt(st, &enc, &ids).unwrap(), text);
        let other = key().recipients[0].id().to_owned();
        // The wrapped key of the member not used to open the file: damaged, it must not go
        // unnoticed until that member needs it.
        let member = enc.find(extra.recipients[0].id()).unwrap();
        let wrapped_at = member + enc[member..].find("key: \"").unwrap() + 20;
        let mut wrapped = enc.clone();
        wrapped.replace_range(
            wrapped_at..wrapped_at + 1,
            if &enc[wrapped_at..=wrapped_at] == "A" {
                "B"
            } else {
                "A"
            },
        );
        for (what, changed) in [
            // A member of group 1 whose key is not used to open the file.
            (
                "a key-group member",
                enc.replacen(extra.recipients[0].id(), &other, 1),
            ),
            (
                "the threshold",
                enc.replacen("threshold: 2", "threshold: 1", 1),
            ),
            ("a rule", enc.replacen("\"^port$\"", "\"^(port)$\"", 1)),
            (
                "an unencrypted value",
                enc.replacen("port: 5432", "port: 5433", 1),
            ),
            ("a comment", enc.replacen("# settings", "# Settings", 1)),
            (
                "the creation time",
                enc.replacen("1970-01-01T00:00:00Z", "1970-01-01T00:00:01Z", 1),
            ),
            ("a wrapped key", wrapped),
        ] {
            assert_ne!(changed, enc, "{what}: the edit did not apply");
            match decrypt(st, &changed, &ids) {
                Err(DecryptError::Integrity(Integrity::Mac)) => {}
                other => panic!("{what}: {other:?}"),
            }
        }
        // Flat recipients: the second recipient changed, the first opening the file.
        let two = [key(), key()];
        let flat = encrypt(
            st,
            text,
            &EncryptOptions {
                recipients: &[r(&two[0]), r(&two[1])],
                ..opts_for_rules(&opts)
            },
        )
        .unwrap()
        .text;
        let changed = flat.replacen(two[1].recipients[0].id(), &other, 1);
        assert!(matches!(
            decrypt(st, &changed, &two[0].identities),
            Err(DecryptError::Integrity(Integrity::Mac))
        ));
    }

    /// `opts` without its baseline: a new key for its recipients.
    fn opts_for_rules<'a>(opts: &EncryptOptions<'a>) -> EncryptOptions<'a> {
        EncryptOptions {
            recipients: &[],
            rules: opts.rules.clone(),
            baseline: None,
            now: opts.now,
            allow_nothing_encrypted: false,
        }
    }

    #[test]
    fn key_groups_are_bound_by_the_mac() {
        let (k, holders) = three_groups(2);
        let fresh = new_key(&holders, SystemTime::UNIX_EPOCH).unwrap();
        let enc = encrypt(store(Format::Json), JSON, &grouped_opts(&fresh)).unwrap();
        let all = ids_of(&[&k[0], &k[1], &k[2]]);
        let value: serde_json::Value = serde_json::from_str(&enc.text).unwrap();
        // Only the metadata block is rewritten, by the store that wrote it, and the rest of
        // the text kept byte for byte: a whole re-serialised document would fail the MAC
        // whatever the edit.
        let st = store(Format::Json);
        let span = st
            .parse(&enc.text, ParseOptions::default())
            .unwrap()
            .metadata
            .unwrap()
            .span;
        let without = format!("{}{}", &enc.text[..span.start], &enc.text[span.end..]);
        let check = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut m = value["vaultfile"].clone();
            edit(&mut m);
            let doc = st.parse(&without, ParseOptions::default()).unwrap();
            let ins = st.metadata_insertion(&without, &doc, &m).unwrap();
            let text = format::apply_edits(&without, [], Some(&ins), 0);
            decrypt(st, &text, &all)
        };
        assert_eq!(
            check(&|_| {}).unwrap(),
            JSON,
            "an edit that changes nothing"
        );
        // Threshold lowered to 1: the MAC (keyed by the real data key) fails.
        assert!(matches!(
            check(&|m| m["threshold"] = 1.into()),
            Err(DecryptError::Integrity(_))
        ));
        // Groups swapped: the shares combine to another key, or the MAC fails.
        assert!(check(&|m| m["key_groups"].as_array_mut().unwrap().swap(0, 1)).is_err());
        // A group dropped (threshold still 2, two groups left): the MAC covers the groups.
        assert!(matches!(
            check(&|m| {
                m["key_groups"].as_array_mut().unwrap().remove(2);
            }),
            Err(DecryptError::Integrity(_))
        ));
        // Malformed shapes are refused before any key is tried.
        for (edit, what) in [
            (
                Box::new(|m: &mut serde_json::Value| m["threshold"] = 4.into())
                    as Box<dyn Fn(&mut serde_json::Value)>,
                "threshold 4",
            ),
            (
                Box::new(|m: &mut serde_json::Value| m["threshold"] = serde_json::Value::Null),
                "no `threshold`",
            ),
            (
                Box::new(|m: &mut serde_json::Value| {
                    m["recipients"] = m["key_groups"][0]["recipients"].clone()
                }),
                "both",
            ),
            (
                Box::new(|m: &mut serde_json::Value| {
                    m["key_groups"][1]["recipients"] = serde_json::json!([])
                }),
                "key group 2 is empty",
            ),
        ] {
            match check(&edit) {
                Err(DecryptError::BadMetadata(m)) => assert!(m.contains(what), "{m}"),
                other => panic!("{what}: {other:?}"),
            }
        }
    }

    #[test]
    fn rekey_adds_keeping_the_key_and_removing_rotates() {
        let (a, b, c) = (key(), key(), key());
        let r = |k: &Key| keys::parse_recipient(k.recipients[0].id()).unwrap();
        let enc = encrypt(store(Format::Json), JSON, &opts(&a, None)).unwrap();
        let base = open(store(Format::Json), &enc.text, &a.identities).unwrap();
        let token_lines = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.contains("VF1."))
                .map(str::to_owned)
                .collect()
        };

        // Same holders: unchanged, byte-identical.
        let same = base
            .rekey(
                &KeyHolders::Recipients(vec![r(&a)]),
                Rotation::OnRemoval,
                SystemTime::now(),
            )
            .unwrap();
        assert!(same.unchanged && !same.rotated);
        assert_eq!(
            encrypt(store(Format::Json), JSON, &grouped_opts(&same.opened))
                .unwrap()
                .text,
            enc.text
        );

        // Adding b keeps the data key and a's wrapped key; b can decrypt; values identical.
        let added = base
            .rekey(
                &KeyHolders::Recipients(vec![r(&a), r(&b)]),
                Rotation::OnRemoval,
                SystemTime::now(),
            )
            .unwrap();
        assert!(!added.rotated && !added.unchanged);
        assert_eq!(added.added, vec![b.recipients[0].id().to_owned()]);
        assert_eq!(
            added.opened.metadata.recipients[0],
            base.metadata.recipients[0]
        );
        assert_eq!(added.opened.metadata.created, base.metadata.created);
        let two = encrypt(store(Format::Json), JSON, &grouped_opts(&added.opened)).unwrap();
        assert_eq!(token_lines(&two.text), token_lines(&enc.text));
        assert_eq!(
            decrypt(store(Format::Json), &two.text, &b.identities).unwrap(),
            JSON
        );

        // Removing a rotates: a can no longer decrypt, every token changes, created changes.
        let base2 = open(store(Format::Json), &two.text, &b.identities).unwrap();
        let later = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400);
        let removed = base2
            .rekey(
                &KeyHolders::Recipients(vec![r(&b)]),
                Rotation::OnRemoval,
                later,
            )
            .unwrap();
        assert!(removed.rotated);
        assert_eq!(removed.removed, vec![a.recipients[0].id().to_owned()]);
        assert_eq!(removed.opened.metadata.created, "1970-01-02T00:00:00Z");
        let three = encrypt(store(Format::Json), JSON, &grouped_opts(&removed.opened)).unwrap();
        assert!(decrypt(store(Format::Json), &three.text, &a.identities).is_err());
        assert_eq!(
            decrypt(store(Format::Json), &three.text, &b.identities).unwrap(),
            JSON
        );
        for (x, y) in token_lines(&three.text).iter().zip(token_lines(&two.text)) {
            assert_ne!(*x, y);
        }

        // --no-rotate: removal keeps the key (and its tokens).
        let kept = base2
            .rekey(&KeyHolders::Recipients(vec![r(&b)]), Rotation::Never, later)
            .unwrap();
        assert!(!kept.rotated);
        let four = encrypt(store(Format::Json), JSON, &grouped_opts(&kept.opened)).unwrap();
        assert_eq!(token_lines(&four.text), token_lines(&two.text));

        // Always: same recipients, new key.
        let rotated = base2
            .rekey(
                &KeyHolders::Recipients(vec![r(&a), r(&b)]),
                Rotation::Always,
                later,
            )
            .unwrap();
        assert!(rotated.rotated && rotated.removed.is_empty());

        // Flat to key groups changes the shape: a new key by default.
        let grouped = KeyHolders::Groups {
            groups: vec![vec![r(&a)], vec![r(&b), r(&c)]],
            threshold: 2,
        };
        let g = base2.rekey(&grouped, Rotation::OnRemoval, later).unwrap();
        assert!(g.rotated && g.removed.is_empty());
        let five = encrypt(store(Format::Json), JSON, &grouped_opts(&g.opened)).unwrap();
        assert_eq!(
            decrypt(store(Format::Json), &five.text, &ids_of(&[&a, &c])).unwrap(),
            JSON
        );
        assert!(decrypt(store(Format::Json), &five.text, &ids_of(&[&b, &c])).is_err());

        // Adding to a group keeps the key (shares are made anew); removing from one rotates.
        let base5 = open(store(Format::Json), &five.text, &ids_of(&[&a, &b])).unwrap();
        let d = key();
        let more = KeyHolders::Groups {
            groups: vec![vec![r(&a), r(&d)], vec![r(&b), r(&c)]],
            threshold: 2,
        };
        let m = base5
            .rekey(&more, Rotation::OnRemoval, SystemTime::now())
            .unwrap();
        assert!(!m.rotated && m.added == vec![d.recipients[0].id().to_owned()]);
        let six = encrypt(store(Format::Json), JSON, &grouped_opts(&m.opened)).unwrap();
        assert_eq!(token_lines(&six.text), token_lines(&five.text));
        assert_eq!(
            decrypt(store(Format::Json), &six.text, &ids_of(&[&d, &c])).unwrap(),
            JSON
        );
        let fewer = KeyHolders::Groups {
            groups: vec![vec![r(&a)], vec![r(&b)]],
            threshold: 2,
        };
        let f = base5
            .rekey(&fewer, Rotation::OnRemoval, SystemTime::now())
            .unwrap();
        assert!(f.rotated && f.removed == vec![c.recipients[0].id().to_owned()]);
        // A threshold change is a shape change.
        let lower = KeyHolders::Groups {
            groups: vec![vec![r(&a)], vec![r(&b), r(&c)]],
            threshold: 1,
        };
        assert!(
            base5
                .rekey(&lower, Rotation::OnRemoval, SystemTime::now())
                .unwrap()
                .rotated
        );
    }

    #[test]
    fn impossible_key_groups_are_refused() {
        let (_, holders) = three_groups(4);
        assert!(matches!(
            new_key(&holders, SystemTime::UNIX_EPOCH),
            Err(EncryptError::KeyGroups(_))
        ));
        let empty = KeyHolders::Groups {
            groups: vec![vec![], vec![]],
            threshold: 1,
        };
        assert!(matches!(
            new_key(&empty, SystemTime::UNIX_EPOCH),
            Err(EncryptError::KeyGroups(_))
        ));
        assert!(matches!(
            new_key(&KeyHolders::Recipients(vec![]), SystemTime::UNIX_EPOCH),
            Err(EncryptError::NoRecipients)
        ));
    }

    #[test]
    fn binary_round_trip_and_tamper() {
        let k = key();
        let content: Vec<u8> = (0..=255).collect();
        let enc = encrypt_binary(&content, &opts(&k, None)).unwrap();
        assert_eq!(decrypt_binary(&enc.text, &k.identities).unwrap().0, content);
        let tampered = enc.text.replacen("data: VF1.", "data: VF1.A", 1);
        assert!(matches!(
            decrypt_binary(&tampered, &k.identities),
            Err(DecryptError::Integrity(_))
        ));
    }

    /// A generated flat document in each text format, with its values.
    fn document(format: Format, values: &[(String, String)]) -> String {
        let mut s = String::new();
        match format {
            Format::Json => {
                let m: serde_json::Map<_, _> = values
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect();
                s = serde_json::to_string_pretty(&m).unwrap() + "\n";
            }
            Format::Toml => {
                for (k, v) in values {
                    s += &format!("{k} = {}\n", serde_json::to_string(v).unwrap());
                }
            }
            Format::Dotenv => {
                for (k, v) in values {
                    s += &format!(
                        "{}={}\n",
                        k.to_uppercase(),
                        serde_json::to_string(v).unwrap()
                    );
                }
            }
            Format::Yaml => {
                for (k, v) in values {
                    s += &format!("{k}: {}\n", serde_json::to_string(v).unwrap());
                }
            }
            Format::Binary => unreachable!(),
        }
        s
    }

    /// A generated document with comments, nesting and values, in each text format.
    fn rich_document(format: Format, values: &[(String, String)], comments: &[bool]) -> String {
        let mut s = String::new();
        let c = |i: usize| comments.get(i).copied().unwrap_or(false);
        match format {
            Format::Yaml => {
                s += "# settings\n";
                for (i, (k, v)) in values.iter().enumerate() {
                    if c(i) {
                        s += &format!("# about {k}\n");
                    }
                    if i % 3 == 1 {
                        s += &format!(
                            "{k}:\n  inner: {}  # note\n  list:\n    - x\n",
                            serde_json::to_string(v).unwrap()
                        );
                    } else {
                        s += &format!("{k}: {}\n", serde_json::to_string(v).unwrap());
                    }
                }
            }
            Format::Json => {
                let mut m = serde_json::Map::new();
                for (i, (k, v)) in values.iter().enumerate() {
                    let v = serde_json::Value::String(v.clone());
                    if i % 3 == 1 {
                        m.insert(k.clone(), serde_json::json!({"inner": v, "n": [1, null]}));
                    } else {
                        m.insert(k.clone(), v);
                    }
                }
                s = serde_json::to_string_pretty(&m).unwrap() + "\n";
            }
            Format::Toml => {
                s += "# settings\n";
                let mut tables = String::new();
                for (i, (k, v)) in values.iter().enumerate() {
                    let v = serde_json::to_string(v).unwrap();
                    if i % 3 == 1 {
                        tables += &format!("\n[{k}]\ninner = {v} # note\n");
                    } else {
                        if c(i) {
                            s += &format!("# about {k}\n");
                        }
                        s += &format!("{k} = {v}\n");
                    }
                }
                s += &tables;
            }
            Format::Dotenv => {
                for (i, (k, v)) in values.iter().enumerate() {
                    if c(i) {
                        s += &format!("# about {k}\n");
                    }
                    s += &format!(
                        "{}={}\n",
                        k.to_uppercase(),
                        serde_json::to_string(v).unwrap()
                    );
                }
            }
            Format::Binary => unreachable!(),
        }
        s
    }

    /// What a writer without the key can do to an encrypted file.
    #[derive(Clone, Debug)]
    enum Mutation {
        /// Flip bits of one byte (kept ASCII, so the text stays UTF-8).
        Flip(prop::sample::Index, u8),
        DeleteLine(prop::sample::Index),
        DuplicateLine(prop::sample::Index),
        InsertLine(prop::sample::Index, &'static str),
        /// Insert text at a character boundary.
        Insert(prop::sample::Index, &'static str),
        /// Change one character just after a `#` (a comment, in most formats).
        EditComment(prop::sample::Index),
    }

    /// Lines and snippets an attacker would add: comments (with Unicode line separators
    /// and a lone CR inside), keys and structure without a value, duplicates, aliases.
    const LINES: &[&str] = &[
        "# a comment",
        "#\u{2028}replica: {password: attacker}",
        "# x\u{2029}y: 1",
        "# x\u{85}y: 1",
        "# x\rAPI_TOKEN=attacker",
        "db: {}",
        "extra: {<<: *p}",
        "log_line: *p",
        "[debug]",
        "[[upstream]]",
        "EXTRA=1",
        "\"db\": {},",
        "",
        "   ",
    ];
    const SNIPPETS: &[&str] = &[
        " ", "\t", "\u{2028}", "\u{85}", "\r", "#", "'", "\"", "{}", "\n", "\r\n",
    ];

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<prop::sample::Index>(), 1u8..0x80).prop_map(|(i, x)| Mutation::Flip(i, x)),
            any::<prop::sample::Index>().prop_map(Mutation::DeleteLine),
            any::<prop::sample::Index>().prop_map(Mutation::DuplicateLine),
            (any::<prop::sample::Index>(), prop::sample::select(LINES))
                .prop_map(|(i, l)| Mutation::InsertLine(i, l)),
            (any::<prop::sample::Index>(), prop::sample::select(SNIPPETS))
                .prop_map(|(i, l)| Mutation::Insert(i, l)),
            any::<prop::sample::Index>().prop_map(Mutation::EditComment),
        ]
    }

    /// Applies `m` to `text`; `None` when it cannot apply (no comment to edit, a non-ASCII
    /// byte to flip).
    fn mutate(text: &str, m: &Mutation) -> Option<String> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let boundary = |i: &prop::sample::Index| {
            let mut at = i.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        Some(match m {
            Mutation::Flip(i, x) => {
                let at = i.index(text.len());
                let b = text.as_bytes()[at];
                if !b.is_ascii() {
                    return None;
                }
                let mut bytes = text.as_bytes().to_vec();
                bytes[at] = b ^ x;
                String::from_utf8(bytes).ok()?
            }
            Mutation::DeleteLine(i) => {
                let n = i.index(lines.len());
                lines
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != n)
                    .map(|(_, l)| *l)
                    .collect()
            }
            Mutation::DuplicateLine(i) => {
                let n = i.index(lines.len());
                let mut out = String::new();
                for (j, l) in lines.iter().enumerate() {
                    out.push_str(l);
                    if j == n {
                        if !l.ends_with('\n') {
                            out.push('\n');
                        }
                        out.push_str(l);
                    }
                }
                out
            }
            Mutation::InsertLine(i, line) => {
                let n = i.index(lines.len() + 1);
                let mut out: String = lines[..n].concat();
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(line);
                out.push('\n');
                out.push_str(&lines[n..].concat());
                out
            }
            Mutation::Insert(i, snippet) => {
                let at = boundary(i);
                format!("{}{snippet}{}", &text[..at], &text[at..])
            }
            Mutation::EditComment(i) => {
                let hashes: Vec<usize> = text.match_indices('#').map(|(j, _)| j).collect();
                if hashes.is_empty() {
                    return None;
                }
                let at = hashes[i.index(hashes.len())] + 1;
                format!("{}X{}", &text[..at], &text[at..])
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Format 2 authenticates every byte: whatever a keyless writer changes in an
        /// encrypted file, decryption either refuses without writing a byte or gives back
        /// the original plaintext (up to CR LF read as LF, the one documented freedom).
        #[test]
        fn every_keyless_mutation_is_refused_before_any_output(
            format in prop_oneof![Just(Format::Json), Just(Format::Toml), Just(Format::Dotenv), Just(Format::Yaml)],
            values in proptest::collection::btree_map("[a-z][a-z0-9_]{0,8}", "[ -~]{0,24}", 1..8),
            comments in proptest::collection::vec(any::<bool>(), 8),
            mutations in proptest::collection::vec(mutation(), 12),
        ) {
            let k = key();
            let values: Vec<(String, String)> = values.into_iter().collect();
            let text = rich_document(format, &values, &comments);
            let st = store(format);
            let enc = encrypt(st, &text, &opts(&k, None)).unwrap();
            let lf = |s: &str| s.replace("\r\n", "\n");
            for m in &mutations {
                let Some(mutated) = mutate(&enc.text, m) else { continue };
                if mutated == enc.text {
                    continue;
                }
                let mut out = Vec::new();
                match decrypt_to(st, &mutated, &k.identities, &mut out) {
                    Ok(_) => prop_assert_eq!(
                        lf(std::str::from_utf8(&out).unwrap()),
                        lf(&text),
                        "{:?} accepted {:?}:\n{}", format, m, mutated
                    ),
                    Err(_) => prop_assert!(out.is_empty(), "{:?}: output before refusing {:?}", format, m),
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// Round trip through real crypto, and any single-character change to an
        /// encrypted value is caught by the integrity check.
        #[test]
        fn encrypt_decrypt_and_mac_in_every_format(
            format in prop_oneof![Just(Format::Json), Just(Format::Toml), Just(Format::Dotenv), Just(Format::Yaml)],
            values in proptest::collection::btree_map("[a-z][a-z0-9_]{0,8}", "[ -~]{0,24}", 1..8),
            victim in any::<prop::sample::Index>(),
            flip in any::<prop::sample::Index>(),
        ) {
            let k = key();
            let values: Vec<(String, String)> = values.into_iter().collect();
            let text = document(format, &values);
            let st = store(format);
            let enc = encrypt(st, &text, &opts(&k, None)).unwrap();
            prop_assert_eq!(decrypt(st, &enc.text, &k.identities).unwrap(), text.clone());
            // Re-encryption with the baseline is byte-identical.
            let base = open(st, &enc.text, &k.identities).unwrap();
            prop_assert_eq!(&encrypt(st, &text, &opts(&k, Some(&base))).unwrap().text, &enc.text);
            // Tamper with one character of one token.
            let doc = st.parse(&enc.text, ParseOptions::default()).unwrap();
            let leaf = doc.leaves.get(victim.index(doc.leaves.len()));
            let raw = &enc.text[leaf.span.clone()];
            let token = st.read_token(raw).unwrap();
            let body_start = leaf.span.start + raw.find(token).unwrap() + crate::crypto::TOKEN_PREFIX.len();
            let body_len = token.len() - crate::crypto::TOKEN_PREFIX.len();
            let at = body_start + flip.index(body_len);
            let old = enc.text.as_bytes()[at];
            let new = if old == b'A' { 'B' } else { 'A' };
            let mut tampered = enc.text.clone();
            tampered.replace_range(at..at + 1, &new.to_string());
            prop_assert!(matches!(decrypt(st, &tampered, &k.identities), Err(DecryptError::Integrity(_))));
        }
    }
}
