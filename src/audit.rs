//! What an audit needs to know about one encrypted file, for `vaultfile status`.
//!
//! A security team rolling vaultfile out across many repositories has to show, per file:
//! who can open it, when its data key was made (rotation evidence for SOC 2, PCI-DSS and
//! HIPAA audits) and whether it is intact. [`inspect`] answers that for a vaultfile file or
//! a SOPS file, with whatever keys the caller has: a file the keys open is decrypted in
//! full (the MAC, which also covers the creation time, and every value authenticated);
//! a file they do not open gets the check that needs no key
//! ([`engine::check_sealed`]: every value that should be encrypted is a well-formed
//! token). Nothing here reads the clock: [`data_key_age`] takes "now" from the caller.
//! The metadata comes back too, so that the caller can compare it with the file's
//! `.vaultfile.yaml` rule (who may open it is the rule's to say, not the file's).
//!
//! A SOPS file records no data-key creation time (`lastmodified` changes on every edit), so
//! its age is unknown; it is reported with SOPS's own metadata.

use std::path::Path;
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use crate::engine::{self, DecryptError};
use crate::format::{self, Format, ParseOptions, Store};
use crate::metadata::Metadata;
use crate::path::{KeyPath, Segment};
use crate::sops::{self, MasterKey, SopsError, SopsFormat};

/// Which tool's format a file is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// vaultfile's own format, in one of its [`Format`]s.
    Vaultfile(Format),
    /// A SOPS file, in one of SOPS's stores.
    Sops(SopsFormat),
}

impl Scheme {
    /// The name used in reports: `yaml`, `json`, `toml`, `dotenv`, `binary` for vaultfile
    /// files; `sops-yaml`, `sops-json`, `sops-dotenv`, `sops-ini`, `sops-binary` for SOPS.
    pub fn name(self) -> String {
        match self {
            Scheme::Vaultfile(f) => f.name().to_owned(),
            Scheme::Sops(f) => format!("sops-{}", f.name()),
        }
    }
}

/// What the integrity check found, with the keys at hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Integrity {
    /// A key at hand opened the file, every value decrypted and authenticated at its path,
    /// and the MAC (over the values, the recipients, the rules and the creation time)
    /// matches.
    Verified,
    /// No key at hand opens the file; what can be checked without one passed: every value
    /// that should be encrypted is a well-formed token. The MAC, and so the recipient list
    /// and creation time, are not verified. Holds why the file could not be opened.
    Sealed(String),
    /// No key at hand opens the file and nothing could be checked without one (SOPS files).
    /// Holds why the file could not be opened.
    NoKey(String),
    /// The file was altered, or its metadata is damaged. Holds what was found.
    Failed(String),
}

impl Integrity {
    /// The name used in reports: `verified`, `sealed`, `no-key` or `failed`.
    pub fn name(&self) -> &'static str {
        match self {
            Integrity::Verified => "verified",
            Integrity::Sealed(_) => "sealed",
            Integrity::NoKey(_) => "no-key",
            Integrity::Failed(_) => "failed",
        }
    }

    /// Why the file was not verified, if it was not.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Integrity::Verified => None,
            Integrity::Sealed(s) | Integrity::NoKey(s) | Integrity::Failed(s) => Some(s),
        }
    }
}

/// What [`inspect`] found in one encrypted file.
#[derive(Clone, Debug)]
pub struct FileStatus {
    /// The file's tool and format.
    pub scheme: Scheme,
    /// Who holds the data key: one list per key group; a single group holding every
    /// recipient for a file without key groups.
    pub key_groups: Vec<Vec<String>>,
    /// How many groups are needed to open the file (1 without key groups).
    pub threshold: usize,
    /// Whether the file uses key groups (rather than "any one recipient").
    pub grouped: bool,
    /// The data key's creation time as written in the file (vaultfile files only).
    pub created: Option<String>,
    /// [`FileStatus::created`], parsed; `None` when unknown (SOPS files) or unreadable.
    pub data_key_created: Option<SystemTime>,
    /// SOPS's `lastmodified`, as written (SOPS files only).
    pub last_modified: Option<String>,
    /// The vaultfile file format version (vaultfile files only): below
    /// [`crate::metadata::VERSION`], the text around the values is not authenticated.
    pub format_version: Option<u32>,
    /// The integrity check's result.
    pub integrity: Integrity,
    /// The vaultfile metadata as written (vaultfile files only), unverified unless
    /// `integrity` is [`Integrity::Verified`]: what to compare with the file's
    /// `.vaultfile.yaml` rule ([`crate::policy::compare`]), which needs no key.
    pub metadata: Option<Metadata>,
}

impl FileStatus {
    /// Every recipient, in file order (group after group).
    pub fn recipients(&self) -> impl Iterator<Item = &str> {
        self.key_groups.iter().flatten().map(String::as_str)
    }
}

/// Why a file could not be inspected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InspectError {
    /// The file has neither vaultfile nor SOPS metadata (or is not text).
    #[error("it is not encrypted (no vaultfile or SOPS metadata)")]
    NotEncrypted,
    /// The file has vaultfile or SOPS metadata that cannot be read: it was damaged or
    /// altered. What was found is in the message.
    #[error("{0}")]
    Damaged(String),
    /// The file was written by a newer vaultfile.
    #[error("{0}")]
    Unsupported(String),
}

/// What the keys at hand are: vaultfile identities, plus what opens SOPS master keys.
pub type Keys<'a> = sops::KeySources<'a>;

/// Tells whether `content`, found at `path`, is a vaultfile or SOPS file, cheaply (a
/// substring search rules out almost every other file before anything is parsed).
pub fn detect(path: &Path, content: &[u8]) -> Option<Scheme> {
    let has = |needle: &[u8]| memchr::memmem::find(content, needle).is_some();
    if !has(b"vaultfile") && !has(b"sops") {
        return None;
    }
    let text = std::str::from_utf8(content).ok()?;
    let by_name = Format::from_path(path);
    if let Some(sf) = sops::sniff(text, by_name) {
        return Some(Scheme::Sops(sf));
    }
    vaultfile_format(text, by_name).map(|(f, _)| Scheme::Vaultfile(f))
}

/// The format of a vaultfile file and the store that reads it. A name that says nothing
/// (`secrets.enc`) is either a binary file (one `data` value) or a structured file
/// encrypted with `--input-type`: the content tells which.
fn vaultfile_format(text: &str, by_name: Format) -> Option<(Format, &'static dyn Store)> {
    let yaml = format::binary::envelope();
    if let Some(store) = format::store_for(by_name) {
        return has_metadata(store, text).then_some((by_name, store));
    }
    let doc = yaml.parse(text, ParseOptions::default()).ok()?;
    doc.metadata.as_ref()?;
    let data = KeyPath::from_segments([Segment::Key(format::binary::DATA_KEY)]);
    if doc.leaves.len() == 1 && doc.leaves.get(0).path == data {
        return Some((Format::Binary, yaml));
    }
    let sniffed = Format::sniff_encrypted(text)?;
    let store = format::store_for(sniffed)?;
    has_metadata(store, text).then_some((sniffed, store))
}

fn has_metadata(store: &dyn Store, text: &str) -> bool {
    !matches!(
        engine::inspect(store, text),
        Err(DecryptError::NotEncrypted | DecryptError::Parse(_))
    )
}

/// Inspects one file: its format, key holders, data-key creation time and integrity with
/// `keys`. `path` is used only to choose the format, as everywhere else.
pub fn inspect(path: &Path, content: &[u8], keys: &Keys<'_>) -> Result<FileStatus, InspectError> {
    match detect(path, content).ok_or(InspectError::NotEncrypted)? {
        Scheme::Sops(sf) => {
            let text = std::str::from_utf8(content).expect("checked by detect");
            inspect_sops(text, sf, keys)
        }
        Scheme::Vaultfile(f) => {
            let text = std::str::from_utf8(content).expect("checked by detect");
            inspect_vaultfile(text, f, Format::from_path(path), keys)
        }
    }
}

fn inspect_vaultfile(
    text: &str,
    format: Format,
    by_name: Format,
    keys: &Keys<'_>,
) -> Result<FileStatus, InspectError> {
    let (_, store) = vaultfile_format(text, by_name).ok_or(InspectError::NotEncrypted)?;
    let meta = engine::inspect(store, text).map_err(|e| match e {
        DecryptError::UnsupportedVersion(_) => InspectError::Unsupported(e.to_string()),
        DecryptError::NotEncrypted => InspectError::NotEncrypted,
        other => InspectError::Damaged(other.to_string()),
    })?;
    let (groups, threshold) = meta.groups();
    let opened = if format == Format::Binary {
        engine::decrypt_binary(text, keys.identities).map(|(plain, _)| drop(Zeroizing::new(plain)))
    } else {
        engine::decrypt_to(store, text, keys.identities, &mut std::io::sink()).map(drop)
    };
    let integrity = match opened {
        Ok(()) => Integrity::Verified,
        Err(
            e @ (DecryptError::NoMatchingIdentity { .. } | DecryptError::NotEnoughKeyGroups { .. }),
        ) => {
            let why = not_opened(&e);
            match engine::check_sealed(store, text) {
                Ok(_) => Integrity::Sealed(why),
                Err(bad) => Integrity::Failed(bad.to_string()),
            }
        }
        Err(e) => Integrity::Failed(e.to_string()),
    };
    Ok(FileStatus {
        scheme: Scheme::Vaultfile(format),
        key_groups: groups
            .iter()
            .map(|g| g.iter().map(|s| (*s).to_owned()).collect())
            .collect(),
        threshold,
        grouped: meta.has_key_groups(),
        data_key_created: humantime::parse_rfc3339(&meta.created).ok(),
        created: Some(meta.created.clone()),
        last_modified: None,
        format_version: Some(meta.version),
        integrity,
        metadata: Some(meta),
    })
}

/// Why the keys at hand did not open a file, in one line (the full error lists every
/// recipient, which a report shows elsewhere).
fn not_opened(e: &DecryptError) -> String {
    match e {
        DecryptError::NoMatchingIdentity { failures, .. } if !failures.is_empty() => format!(
            "no identity at hand opens it ({})",
            failures
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        ),
        DecryptError::NoMatchingIdentity { .. } => "no identity at hand opens it".into(),
        other => other.to_string(),
    }
}

fn inspect_sops(text: &str, sf: SopsFormat, keys: &Keys<'_>) -> Result<FileStatus, InspectError> {
    let doc = sops::doc::parse(text, sf).map_err(|e| match e {
        sops::doc::DocError::NoMetadata => InspectError::NotEncrypted,
        other => InspectError::Damaged(format!("not a valid SOPS file: {other}")),
    })?;
    let meta = sops::Metadata::from_value(&doc.metadata)
        .map_err(|e| InspectError::Damaged(format!("the sops metadata is malformed: {e}")))?;
    let key_groups: Vec<Vec<String>> = meta
        .key_groups
        .iter()
        .map(|g| g.iter().map(master_key_name).collect())
        .collect();
    let threshold = match meta.shamir_threshold {
        0 => key_groups.len(),
        t => t,
    };
    let integrity = match sops::decrypt(text, sf, keys, sops::DecryptOptions::default()) {
        Ok(dec) => {
            drop(dec);
            Integrity::Verified
        }
        Err(SopsError::NoKey(e)) => Integrity::NoKey(if e.failures.is_empty() {
            "no key at hand opens it".into()
        } else {
            format!("no key at hand opens it ({})", e.failures.join("; "))
        }),
        Err(e) => Integrity::Failed(e.to_string()),
    };
    Ok(FileStatus {
        scheme: Scheme::Sops(sf),
        grouped: key_groups.len() > 1,
        key_groups,
        threshold,
        created: None,
        data_key_created: None,
        last_modified: Some(meta.lastmodified),
        format_version: None,
        integrity,
        metadata: None,
    })
}

/// A SOPS master key as a recipient string: age recipients as they are, `pgp:FINGERPRINT`,
/// and cloud keys by their identifier (an ARN, a resource id, a transit URL…).
fn master_key_name(k: &MasterKey) -> String {
    match k {
        MasterKey::Age { recipient, .. } => recipient.clone(),
        MasterKey::Pgp { fp, .. } => format!("pgp:{fp}"),
        MasterKey::Other { id, .. } => id.clone(),
    }
}

/// How old a data key created at `created` is at `now`; zero for a key "from the future"
/// (a clock that was behind when the file was written).
pub fn data_key_age(created: SystemTime, now: SystemTime) -> Duration {
    now.duration_since(created).unwrap_or(Duration::ZERO)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::UNIX_EPOCH;

    use super::*;
    use crate::engine::{EncryptOptions, Rotation};
    use crate::keys::{self, Identity, KeyHolders, NoCallbacks, Recipient};

    fn key() -> (Box<dyn Recipient>, Vec<Box<dyn Identity>>) {
        let id = ::age::x25519::Identity::generate();
        let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        (
            keys::parse_recipient(&id.to_public().to_string()).unwrap(),
            keys::load_identities("test key", secret.as_bytes(), Arc::new(NoCallbacks)).unwrap(),
        )
    }

    fn day(n: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(86_400 * n)
    }

    const YAML: &str = "user: admin\npassword: hunter2\n";

    fn encrypt_at(r: &[Box<dyn Recipient>], now: SystemTime) -> String {
        let opts = EncryptOptions {
            recipients: r,
            rules: None,
            baseline: None,
            now,
            allow_nothing_encrypted: false,
        };
        engine::encrypt(format::store_for(Format::Yaml).unwrap(), YAML, &opts)
            .unwrap()
            .text
    }

    fn with(ids: &[Box<dyn Identity>]) -> Keys<'_> {
        Keys {
            identities: ids,
            ..Keys::default()
        }
    }

    #[test]
    fn verified_sealed_and_failed() {
        let (r, ids) = key();
        let (_, other) = key();
        let text = encrypt_at(&[r], day(10));
        let p = Path::new("a.yaml");
        let s = inspect(p, text.as_bytes(), &with(&ids)).unwrap();
        assert_eq!(s.scheme.name(), "yaml");
        assert_eq!(s.integrity, Integrity::Verified);
        assert_eq!(s.created.as_deref(), Some("1970-01-11T00:00:00Z"));
        assert_eq!(s.data_key_created, Some(day(10)));
        assert_eq!(s.key_groups.len(), 1);
        assert_eq!(s.threshold, 1);
        assert!(!s.grouped);
        assert_eq!(
            data_key_age(s.data_key_created.unwrap(), day(40)),
            Duration::from_secs(86_400 * 30)
        );
        assert_eq!(data_key_age(day(40), day(10)), Duration::ZERO);

        // Someone else's key: the keyless check only.
        let s = inspect(p, text.as_bytes(), &with(&other)).unwrap();
        assert_eq!(s.integrity.name(), "sealed");
        assert!(s.integrity.detail().unwrap().contains("no identity"));

        // A value put back in plaintext fails with or without the key.
        let tampered = text.replace(
            &text
                .lines()
                .find(|l| l.starts_with("password:"))
                .unwrap()
                .to_owned(),
            "password: hunter2",
        );
        for ids in [&ids, &other] {
            let s = inspect(p, tampered.as_bytes(), &with(ids)).unwrap();
            assert_eq!(s.integrity.name(), "failed", "{:?}", s.integrity);
        }
        // The creation time moved back by hand: the MAC catches it for a key holder.
        let backdated = text.replace("1970-01-11T00:00:00Z", "1970-01-12T00:00:00Z");
        let s = inspect(p, backdated.as_bytes(), &with(&ids)).unwrap();
        assert_eq!(s.integrity.name(), "failed");

        assert!(matches!(
            inspect(p, YAML.as_bytes(), &with(&ids)),
            Err(InspectError::NotEncrypted)
        ));
    }

    #[test]
    fn binary_and_misnamed_files() {
        let (r, ids) = key();
        let opts = EncryptOptions {
            recipients: std::slice::from_ref(&r),
            rules: None,
            baseline: None,
            now: day(1),
            allow_nothing_encrypted: false,
        };
        let bin = engine::encrypt_binary(b"\x00\x01", &opts).unwrap().text;
        let s = inspect(Path::new("blob.bin"), bin.as_bytes(), &with(&ids)).unwrap();
        assert_eq!(s.scheme, Scheme::Vaultfile(Format::Binary));
        assert_eq!(s.integrity, Integrity::Verified);
        // A YAML file encrypted under a name that says nothing.
        let yaml = encrypt_at(&[r], day(1));
        let s = inspect(Path::new("secrets.enc"), yaml.as_bytes(), &with(&ids)).unwrap();
        assert_eq!(s.scheme, Scheme::Vaultfile(Format::Yaml));
        assert_eq!(s.integrity, Integrity::Verified);
    }

    /// `rotate` (a new data key) moves `created`; adding a recipient keeps it.
    #[test]
    fn created_moves_only_with_a_new_data_key() {
        let (a, ids) = key();
        let (b, _) = key();
        let store = format::store_for(Format::Yaml).unwrap();
        let text = encrypt_at(std::slice::from_ref(&a), day(1));
        let opened = engine::open(store, &text, &ids).unwrap();
        let reencrypt = |holders: Vec<Box<dyn Recipient>>, rotation, now| {
            let r = opened
                .rekey(&KeyHolders::Recipients(holders), rotation, now)
                .unwrap();
            let opts = EncryptOptions {
                recipients: &[],
                rules: None,
                baseline: Some(&r.opened),
                now,
                allow_nothing_encrypted: false,
            };
            let out = engine::encrypt(store, YAML, &opts).unwrap().text;
            inspect(Path::new("a.yaml"), out.as_bytes(), &with(&ids)).unwrap()
        };
        let a2 = || keys::parse_recipient(a.id()).unwrap();
        let added = reencrypt(vec![a2(), b], Rotation::OnRemoval, day(50));
        assert_eq!(added.data_key_created, Some(day(1)));
        assert_eq!(added.key_groups[0].len(), 2);
        let rotated = reencrypt(vec![a2()], Rotation::Always, day(60));
        assert_eq!(rotated.data_key_created, Some(day(60)));
        assert_eq!(rotated.integrity, Integrity::Verified);
    }
}
