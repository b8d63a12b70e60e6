//! Who holds a file's data key: a new key for new holders, and a change of holders for an
//! opened file, with the rotation it needs. Wrapping goes through the key sources.

use super::*;

/// Decides the data key, recipients, rules and creation time for an encryption.
pub(super) fn choose_key(
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
                Holders::Recipients(opts.recipients),
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
                Holders::Recipients(opts.recipients),
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

pub(super) fn rotation_warning(removed: &[String]) -> String {
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

/// Wraps `key` for `holders`: once per recipient, or one Shamir share per key group
/// wrapped for each of its members. `reuse` holds already wrapped keys of the same data key
/// (flat recipients only) to keep as they are.
pub(super) fn wrap_for(
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
        Holders::Recipients(recipients) => {
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
        Holders::Groups { groups, threshold } => {
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
pub(super) struct HolderDiff {
    removed: Vec<String>,
    added: Vec<String>,
    same_shape: bool,
}

pub(super) fn diff(
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

pub(super) fn rekey_with(
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

pub(super) fn timestamp(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}
