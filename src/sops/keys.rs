//! Getting a SOPS file's data key: unwrapping master keys, and combining Shamir shares.
//!
//! age keys are opened with the age crate: an `enc` is an ASCII-armored age file whose
//! payload is the 32-byte data key (or, with several key groups, a 33-byte share). PGP keys
//! are opened by the system `gpg`, as SOPS does; AWS KMS keys by vaultfile's KMS key source
//! ([`crate::keys::aws_kms`], with the `aws-kms` feature), whose `enc` is the base64
//! ciphertext blob, decrypted under the entry's encryption context; HashiCorp Vault /
//! OpenBao transit keys (`hc_vault`) by vaultfile's transit key source
//! ([`crate::keys::vault`], with the `vault` feature), whose `enc` is the transit
//! ciphertext (`vault:v1:…`) of the base64 payload. Each key group gives one result: the first
//! key in it that opens (age first, then PGP, as SOPS's default decryption order). With one
//! group that result is the data key; with several, at least `shamir_threshold` shares are
//! combined with HashiCorp Vault's Shamir scheme over GF(2^8), as SOPS's `shamir` package,
//! by the same sharing code as vaultfile's own key groups ([`crate::crypto::shamir`]).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::metadata::{MasterKey, Metadata};
use crate::crypto::DataKey;
use crate::keys::{Identity, Recipient, WrapError};
use crate::metadata::WrappedKey;

/// What can open a SOPS file's master keys.
#[derive(Default)]
pub struct KeySources<'a> {
    /// vaultfile's identities (age keys, SSH keys, passphrase-protected identity files).
    /// They return 32-byte data keys only, so they open files with one key group.
    pub identities: &'a [Box<dyn Identity>],
    /// age identities used directly, for any payload (Shamir shares included).
    pub age: &'a [Box<dyn age::Identity + Send + Sync>],
    /// The `gpg` program for PGP keys; `None` when PGP is not to be used.
    pub gpg: Option<Gpg>,
}

/// The system `gpg`.
#[derive(Clone, Debug)]
pub struct Gpg {
    /// The program to run (`gpg`, or SOPS_GPG_EXEC's value).
    pub program: PathBuf,
}

impl Gpg {
    /// Decrypts an armored PGP message; the secret key comes from gpg's keyring and agent.
    pub fn decrypt(&self, armored: &str) -> Result<Zeroizing<Vec<u8>>, GpgError> {
        let mut child = Command::new(&self.program)
            .args(["--batch", "--quiet", "--no-tty", "--decrypt"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    GpgError::NotInstalled(self.program.clone())
                } else {
                    GpgError::Run {
                        program: self.program.clone(),
                        source: e,
                    }
                }
            })?;
        let mut stdin = child.stdin.take().expect("piped");
        let input = armored.to_owned();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let mut out = Zeroizing::new(Vec::new());
        child
            .stdout
            .take()
            .expect("piped")
            .read_to_end(&mut out)
            .map_err(GpgError::Read)?;
        let mut err = String::new();
        let _ = child.stderr.take().expect("piped").read_to_string(&mut err);
        let status = child.wait().map_err(GpgError::Wait)?;
        let _ = writer.join();
        if !status.success() {
            return Err(GpgError::Failed(err.trim().to_owned()));
        }
        Ok(out)
    }
}

/// Why `gpg` could not open a PGP-wrapped key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GpgError {
    /// The program is not there.
    #[error(
        "gpg is not installed (looked for '{}'); install GnuPG to open PGP-wrapped keys",
        .0.display()
    )]
    NotInstalled(PathBuf),
    /// The program could not be started.
    #[error("cannot run {}: {source}", .program.display())]
    Run {
        /// The program.
        program: PathBuf,
        /// Why it did not start.
        source: std::io::Error,
    },
    /// Its output could not be read.
    #[error("reading gpg's output: {0}")]
    Read(#[source] std::io::Error),
    /// Waiting for it failed.
    #[error("gpg: {0}")]
    Wait(#[source] std::io::Error),
    /// It ran and failed; what it said on its standard error.
    #[error("gpg could not decrypt it: {0}")]
    Failed(String),
}

/// Why an age-wrapped master key could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AgeKeyError {
    /// The armor or the age file is damaged.
    #[error("the age-wrapped key is damaged: {0}")]
    Damaged(#[source] std::io::Error),
    /// The age header cannot be read.
    #[error("the age-wrapped key is damaged: {0}")]
    BadHeader(#[source] age::DecryptError),
    /// An identity matched and failed to open it.
    #[error("{0}")]
    Decrypt(#[source] age::DecryptError),
}

/// Why no data key could be had.
#[derive(Debug, thiserror::Error)]
#[error("no key can open the file")]
pub struct NoKey {
    /// Every master key in the file.
    pub keys: Vec<String>,
    /// What went wrong with the keys that were tried.
    pub failures: Vec<String>,
}

/// Removes the ASCII armor of an age file.
fn dearmor(enc: &str) -> Result<Vec<u8>, AgeKeyError> {
    let mut r = age::armor::ArmoredReader::new(enc.as_bytes());
    let mut out = Vec::new();
    r.read_to_end(&mut out).map_err(AgeKeyError::Damaged)?;
    Ok(out)
}

/// Opens one age `enc` with the age identities; `None` if none of them is a recipient.
fn open_age_raw(
    file: &[u8],
    ids: &[Box<dyn age::Identity + Send + Sync>],
) -> Option<Result<Zeroizing<Vec<u8>>, AgeKeyError>> {
    if ids.is_empty() {
        return None;
    }
    let d = match age::Decryptor::new_buffered(file) {
        Ok(d) => d,
        Err(e) => return Some(Err(AgeKeyError::BadHeader(e))),
    };
    let mut r = match d.decrypt(ids.iter().map(|i| i.as_ref() as &dyn age::Identity)) {
        Ok(r) => r,
        Err(age::DecryptError::NoMatchingKeys) => return None,
        Err(e) => return Some(Err(AgeKeyError::Decrypt(e))),
    };
    let mut out = Zeroizing::new(Vec::new());
    Some(
        r.read_to_end(&mut out)
            .map(|_| out)
            .map_err(AgeKeyError::Damaged),
    )
}

/// Tries every key of one group; returns its payload or what failed.
fn open_group(
    group: &[MasterKey],
    src: &KeySources<'_>,
    failures: &mut Vec<String>,
) -> Option<Zeroizing<Vec<u8>>> {
    // age first, then PGP, then the rest (SOPS's default decryption order).
    for key in group {
        let MasterKey::Age { recipient, enc } = key else {
            continue;
        };
        let file = match dearmor(enc) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("age {recipient}: {e}"));
                continue;
            }
        };
        match open_age_raw(&file, src.age) {
            Some(Ok(p)) => return Some(p),
            Some(Err(e)) => failures.push(format!("age {recipient}: {e}")),
            None => {}
        }
        let wrapped = WrappedKey {
            recipient: recipient.clone(),
            key: STANDARD.encode(&file),
        };
        for id in src.identities {
            match id.unwrap(&wrapped) {
                Some(Ok(k)) => return Some(Zeroizing::new(k.expose().to_vec())),
                Some(Err(e)) => failures.push(format!("age {recipient}: {e}")),
                None => {}
            }
        }
    }
    for key in group {
        let MasterKey::Pgp { fp, enc, .. } = key else {
            continue;
        };
        match &src.gpg {
            Some(gpg) => match gpg.decrypt(enc) {
                Ok(p) => return Some(p),
                Err(e) => failures.push(format!("pgp {fp}: {e}")),
            },
            None => failures.push(format!("pgp {fp}: PGP keys are not used here")),
        }
    }
    for key in group {
        let MasterKey::Other { kind, id, entry } = key else {
            continue;
        };
        let Some(source) = crate::keys::source_of_sops_kind(kind) else {
            failures.push(format!(
                "{}: vaultfile cannot use this kind of key yet (only PGP and {} keys)",
                key.describe(),
                crate::keys::sops_source_names("and")
            ));
            continue;
        };
        let opened = match (
            source.sops_recipient(id, entry),
            crate::keys::sops_string(entry, "enc"),
        ) {
            (Some(recipient), Some(enc)) => {
                // The first identity the recipient is addressed to answers (the key
                // service's identity, made with the caller's settings).
                let answer = src
                    .identities
                    .iter()
                    .find_map(|i| i.unwrap_sops(&recipient, &enc));
                match answer {
                    Some(r) => r.map_err(|e| e.to_string()),
                    None => Err(source.unavailable().unwrap_or_else(|| {
                        format!("no {} identity was given to open it", source.name())
                    })),
                }
            }
            (None, _) => Err("the entry does not name a usable key".to_owned()),
            (_, None) => Err("the entry has no 'enc'".to_owned()),
        };
        match opened {
            Ok(p) => return Some(p),
            Err(e) => failures.push(format!("{}: {e}", key.describe())),
        }
    }
    None
}

/// Unwraps the file's data key.
pub fn data_key(meta: &Metadata, src: &KeySources<'_>) -> Result<DataKey, NoKey> {
    let mut failures = Vec::new();
    let fail = |failures: Vec<String>| NoKey {
        keys: meta.describe_keys(),
        failures,
    };
    if meta.key_groups.len() <= 1 {
        let group = meta.key_groups.first().map(Vec::as_slice).unwrap_or(&[]);
        let Some(payload) = open_group(group, src, &mut failures) else {
            return Err(fail(failures));
        };
        return DataKey::from_bytes(&payload).ok_or_else(|| {
            fail(vec![format!(
                "the unwrapped data key is {} bytes, not 32",
                payload.len()
            )])
        });
    }
    let mut shares = Vec::new();
    for (i, group) in meta.key_groups.iter().enumerate() {
        let before = failures.len();
        match open_group(group, src, &mut failures) {
            Some(s) => shares.push(s),
            None if failures.len() == before => {
                failures.push(format!("key group {}: no identity matches its keys", i + 1));
            }
            None => {}
        }
    }
    let need = if meta.shamir_threshold == 0 {
        meta.key_groups.len()
    } else {
        meta.shamir_threshold
    };
    if shares.len() < need.max(2) {
        failures.insert(
            0,
            format!(
                "{} of {} key groups opened; {need} are needed",
                shares.len(),
                meta.key_groups.len()
            ),
        );
        return Err(fail(failures));
    }
    let key =
        crate::crypto::shamir::combine_bytes(&shares).map_err(|e| fail(vec![e.to_string()]))?;
    DataKey::from_bytes(&key)
        .ok_or_else(|| fail(vec!["the combined shares are not a 32-byte key".into()]))
}

/// Wraps `payload` (a 32-byte data key, or a 33-byte Shamir share for key groups) for one
/// recipient as a SOPS master key: age and SSH recipients as `age` keys, AWS KMS recipients
/// (`arn:…`, with the `aws-kms` feature) as `kms` keys, Vault transit recipients (`vault:…`,
/// with the `vault` feature) as `hc_vault` keys. `created_at` is the KMS and Vault
/// entries' time (RFC 3339).
pub fn master_key(
    recipient: &dyn Recipient,
    payload: &[u8],
    created_at: &str,
) -> Result<MasterKey, WrapError> {
    let id = recipient.id();
    let err = |reason: String| WrapError {
        recipient: id.to_owned(),
        reason,
    };
    let source = crate::keys::source_of(id)
        .filter(|s| s.sops_kind().is_some())
        .ok_or_else(|| {
            err(format!(
                "SOPS files take {} recipients only",
                crate::keys::sops_source_names("and")
            ))
        })?;
    if let Some(entry) = recipient.sops_entry(payload, created_at) {
        let e = entry?;
        return Ok(MasterKey::Other {
            kind: e.kind,
            id: e.id,
            entry: e.fields,
        });
    }
    if source.sops_kind() != Some("age") {
        return Err(err(format!(
            "{} keys have no SOPS entry of their own",
            source.name()
        )));
    }
    let enc = match DataKey::from_bytes(payload) {
        // Through vaultfile's recipient: age plugins work too.
        Some(key) => wrap_age(recipient, &key)?,
        None => wrap_age_bytes(id, payload).map_err(|e| err(e.to_string()))?,
    };
    Ok(MasterKey::Age {
        recipient: id.to_owned(),
        enc,
    })
}

/// Wraps any payload for an X25519, post-quantum or SSH recipient with the age crate,
/// armored.
fn wrap_age_bytes(id: &str, payload: &[u8]) -> Result<String, ShareWrapError> {
    let recipient: Box<dyn age::Recipient + Send> = if id.starts_with("ssh-") {
        Box::new(
            id.parse::<age::ssh::Recipient>()
                .map_err(|e| ShareWrapError::NotSsh(format!("{e:?}")))?,
        )
    } else if id.starts_with(crate::keys::age::pq::RECIPIENT_PREFIX) {
        Box::new(
            id.parse::<crate::keys::age::pq::PublicKey>()
                .map_err(|_| ShareWrapError::NotX25519)?,
        )
    } else {
        Box::new(
            id.parse::<age::x25519::Recipient>()
                .map_err(|_| ShareWrapError::NotX25519)?,
        )
    };
    let encryptor = age::Encryptor::with_recipients(std::iter::once(
        recipient.as_ref() as &dyn age::Recipient
    ))?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)?;
    let mut w = encryptor.wrap_output(armor)?;
    w.write_all(payload)?;
    w.finish().and_then(|a| a.finish())?;
    let mut text = String::from_utf8(out).expect("armor is ASCII");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Why a payload other than a data key (a Shamir share) could not be wrapped for an age
/// recipient.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShareWrapError {
    /// The `ssh-` recipient does not parse (age's parse error, which has no `Display`).
    #[error("not an SSH recipient: {0}")]
    NotSsh(String),
    /// Not an X25519 recipient: shares go through the age crate directly, which has no
    /// plugins.
    #[error(
        "only X25519, post-quantum (age1pq1…) and SSH recipients can hold a key group's share (not age plugins)"
    )]
    NotX25519,
    /// age refused the recipient.
    #[error("{0}")]
    Encrypt(#[from] age::EncryptError),
    /// Writing the age file failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Wraps `payload` for one recipient (any vaultfile recipient: age, SSH) as SOPS stores it:
/// an ASCII-armored age file, with its trailing newline.
pub fn wrap_age(recipient: &dyn Recipient, key: &DataKey) -> Result<String, WrapError> {
    let binary = STANDARD
        .decode(recipient.wrap(key)?)
        .map_err(|e| WrapError {
            recipient: recipient.id().to_owned(),
            reason: e.to_string(),
        })?;
    let mut out = Vec::new();
    let err = |e: std::io::Error| WrapError {
        recipient: recipient.id().to_owned(),
        reason: e.to_string(),
    };
    let mut w = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(err)?;
    w.write_all(&binary).map_err(err)?;
    w.finish().map_err(err)?;
    let mut text = String::from_utf8(out).expect("armor is ASCII");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}
