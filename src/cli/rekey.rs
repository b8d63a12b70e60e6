//! What `updatekeys`, `rotate` and `recipients add|rm` share: finding encrypted files,
//! describing a change of recipients, and re-encrypting a file for new key holders.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use vaultfile::engine::{self, Opened, Rekeyed, Rotation};
use vaultfile::format::{self, Format};
use vaultfile::keys::{self, Identity, KeyHolders, Recipient};
use vaultfile::metadata::Metadata;

use super::error::{CliError, ExitKind};
use super::io::{self, Output};
use super::ui::PassphrasePrompt;

/// A vaultfile-encrypted file read from disk.
pub struct EncryptedFile {
    pub path: PathBuf,
    pub format: Format,
    pub text: String,
    pub metadata: Metadata,
}

impl EncryptedFile {
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }
}

/// The callbacks key sources get from the CLI: passphrases from a prompt or
/// `VAULTFILE_PASSPHRASE`, plugin messages on stderr.
pub fn callbacks() -> Arc<dyn vaultfile::Callbacks> {
    Arc::new(PassphrasePrompt)
}

/// Reads `path` if it is a vaultfile-encrypted file; `Ok(None)` if it is anything else.
pub fn read_encrypted(path: &Path) -> Result<Option<EncryptedFile>, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::io("read", path, e))?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(None);
    };
    let format = Format::from_path(path);
    let store = format::store_for(format)
        .unwrap_or_else(|| format::store_for(Format::Yaml).expect("yaml store"));
    Ok(match engine::inspect(store, &text) {
        Ok(metadata) => Some(EncryptedFile {
            path: path.to_path_buf(),
            format,
            text,
            metadata,
        }),
        Err(_) => None,
    })
}

/// The encrypted files among `paths`: files as named, directories walked recursively
/// (without following symbolic links, and skipping `.git`). A named file that is not
/// encrypted is an error; files in directories that are not encrypted are skipped.
pub fn find_encrypted(paths: &[PathBuf]) -> Result<Vec<EncryptedFile>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| CliError::io("read", p, e))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            match read_encrypted(p)? {
                Some(f) => out.push(f),
                None => {
                    return Err(CliError::new(
                        ExitKind::State,
                        format!("{} is not encrypted by vaultfile", p.display()),
                    )
                    .hint("encrypt it first with `vaultfile encrypt -i`"));
                }
            }
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<EncryptedFile>) -> Result<(), CliError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| CliError::io("read directory", dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::io("read directory", dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let ty = e
            .file_type()
            .map_err(|err| CliError::io("read", &path, err))?;
        if ty.is_dir() {
            if e.file_name() != ".git" {
                walk(&path, out)?;
            }
        } else if ty.is_file()
            && let Some(f) = read_encrypted(&path)?
        {
            out.push(f);
        }
    }
    Ok(())
}

/// The holders a file has now, parsed back from its metadata.
pub fn holders_of(file: &EncryptedFile) -> Result<KeyHolders, CliError> {
    let cb = callbacks();
    let parse = |ids: &[&str]| -> Result<Vec<Box<dyn Recipient>>, CliError> {
        ids.iter()
            .map(|id| {
                keys::parse_recipient_with(id, cb.clone()).map_err(|e| {
                    CliError::new(ExitKind::Recipients, format!("{}: {e}", file.name()))
                        .hint("check the recipient; a key service (KMS, Vault) also needs credentials and network")
                })
            })
            .collect()
    };
    let (groups, threshold) = file.metadata.groups();
    if file.metadata.has_key_groups() {
        Ok(KeyHolders::Groups {
            groups: groups.iter().map(|g| parse(g)).collect::<Result<_, _>>()?,
            threshold,
        })
    } else {
        Ok(KeyHolders::Recipients(parse(&groups[0])?))
    }
}

/// Whether the recipient written `given` is `id` as stored (SSH keys match on the key
/// itself, whatever their comment).
pub fn same_recipient(id: &str, given: &str) -> bool {
    let given = given.trim();
    if id == given {
        return true;
    }
    let key = |s: &str| {
        let mut w = s.split_whitespace();
        match (w.next(), w.next()) {
            (Some(kind), Some(k)) if kind.starts_with("ssh-") => Some(k.to_owned()),
            _ => None,
        }
    };
    key(id).is_some() && key(id) == key(given)
}

/// `holders` with `add` added (to key group `group`, 1-based, for a file with key groups)
/// and `rm` removed. Errors name `file`.
pub fn change_holders(
    file: &str,
    holders: KeyHolders,
    add: &[String],
    rm: &[String],
    group: Option<usize>,
) -> Result<KeyHolders, CliError> {
    let cb = callbacks();
    let usage = |m: String| CliError::new(ExitKind::Usage, m);
    let mut parsed = Vec::new();
    for a in add {
        parsed.push(keys::parse_recipient_with(a, cb.clone()).map_err(|e| {
            CliError::new(ExitKind::Recipients, e.to_string())
                .hint("age public keys start with age1; SSH keys look like the line in ~/.ssh/id_ed25519.pub; `passphrase` asks for one")
        })?);
    }
    let remove = |list: &mut Vec<Box<dyn Recipient>>| -> usize {
        let before = list.len();
        list.retain(|r| !rm.iter().any(|g| same_recipient(r.id(), g)));
        before - list.len()
    };
    let add_to = |list: &mut Vec<Box<dyn Recipient>>, new: Vec<Box<dyn Recipient>>| {
        for r in new {
            if !list.iter().any(|o| o.id() == r.id()) {
                list.push(r);
            }
        }
    };
    let result = match holders {
        KeyHolders::Recipients(mut list) => {
            if group.is_some_and(|g| g != 1) {
                return Err(usage(format!(
                    "{file} has no key groups: --group does not apply"
                )));
            }
            let removed = remove(&mut list);
            check_removed(file, rm, removed)?;
            add_to(&mut list, parsed);
            if list.is_empty() {
                return Err(CliError::new(
                    ExitKind::Recipients,
                    format!("{file} would have no recipient left"),
                )
                .hint("add the new recipient first, then remove the old one"));
            }
            KeyHolders::Recipients(list)
        }
        KeyHolders::Groups {
            mut groups,
            threshold,
        } => {
            let mut removed = 0;
            for g in groups.iter_mut() {
                removed += remove(g);
            }
            check_removed(file, rm, removed)?;
            if !parsed.is_empty() {
                let Some(g) = group.filter(|g| (1..=groups.len()).contains(g)) else {
                    return Err(usage(format!(
                        "{file} has {} key groups: say which one the new recipient joins with --group N (1 to {})",
                        groups.len(),
                        groups.len()
                    )));
                };
                add_to(&mut groups[g - 1], parsed);
            }
            if let Some(i) = groups.iter().position(Vec::is_empty) {
                return Err(CliError::new(
                    ExitKind::Recipients,
                    format!("key group {} of {file} would have no recipient left", i + 1),
                )
                .hint("add someone to the group first, or change the key groups in .vaultfile.yaml and run `vaultfile updatekeys`"));
            }
            KeyHolders::Groups { groups, threshold }
        }
    };
    Ok(result)
}

fn check_removed(file: &str, rm: &[String], removed: usize) -> Result<(), CliError> {
    if removed < rm.len() {
        return Err(CliError::new(
            ExitKind::Recipients,
            format!(
                "{} {} not a recipient of {file}",
                rm.join(", "),
                if rm.len() > 1 { "are" } else { "is" }
            ),
        )
        .hint(format!("`vaultfile recipients {file}` lists them")));
    }
    Ok(())
}

/// The plan for one file: `+ id` and `- id` lines (with the key group, for key groups),
/// and a line when the shape (key groups, threshold) changes. Empty when nothing changes.
pub fn plan(meta: &Metadata, holders: &KeyHolders) -> Vec<String> {
    let (old, old_t) = meta.groups();
    let (new, new_t) = holders.ids();
    let old_grouped = meta.has_key_groups();
    let new_grouped = matches!(holders, KeyHolders::Groups { .. });
    let shape = |grouped: bool, n: usize, t: usize| {
        if grouped {
            format!("{t} of {n} key groups")
        } else {
            "any one recipient".to_owned()
        }
    };
    let mut lines = Vec::new();
    if old_grouped != new_grouped || old.len() != new.len() || old_t != new_t {
        lines.push(format!(
            "~ {} → {}",
            shape(old_grouped, old.len(), old_t),
            shape(new_grouped, new.len(), new_t)
        ));
        let all_old: Vec<&str> = old.iter().flatten().copied().collect();
        let all_new: Vec<&str> = new.iter().flatten().copied().collect();
        for (i, g) in new.iter().enumerate() {
            for id in g {
                let tag = if all_old.contains(id) { " " } else { "+" };
                if new_grouped {
                    lines.push(format!("{tag} {id}  (group {})", i + 1));
                } else {
                    lines.push(format!("{tag} {id}"));
                }
            }
        }
        for id in all_old.iter().filter(|id| !all_new.contains(id)) {
            lines.push(format!("- {id}"));
        }
        return lines;
    }
    for (i, (o, n)) in old.iter().zip(&new).enumerate() {
        let at = if new_grouped {
            format!("  (group {})", i + 1)
        } else {
            String::new()
        };
        for id in n.iter().filter(|id| !o.contains(id)) {
            lines.push(format!("+ {id}{at}"));
        }
        for id in o.iter().filter(|id| !n.contains(id)) {
            lines.push(format!("- {id}{at}"));
        }
    }
    lines
}

/// Decrypts `file`, re-keys it for `holders` and encrypts it again. Returns the new text
/// and what the re-keying did. Nothing is written.
pub fn reencrypt(
    file: &EncryptedFile,
    identities: &[Box<dyn Identity>],
    tried: &[String],
    holders: &KeyHolders,
    rotation: Rotation,
) -> Result<(String, Rekeyed), CliError> {
    let name = file.name();
    let now = super::clock::now()?;
    let encrypt_err = |e| CliError::encrypt(&name, e);
    fn opts(base: &Opened, now: SystemTime) -> engine::EncryptOptions<'_> {
        engine::EncryptOptions {
            recipients: &[],
            rules: None,
            baseline: Some(base),
            now,
        }
    }
    match format::store_for(file.format) {
        Some(store) => {
            let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(file.text.len()));
            let opened = engine::decrypt_to(store, &file.text, identities, &mut *plain)
                .map_err(|e| CliError::decrypt(&name, e, tried))?;
            let plain = std::str::from_utf8(&plain).expect("decrypted text is UTF-8");
            let rekeyed = opened.rekey(holders, rotation, now).map_err(encrypt_err)?;
            let enc =
                engine::encrypt(store, plain, &opts(&rekeyed.opened, now)).map_err(encrypt_err)?;
            Ok((enc.text, rekeyed))
        }
        None => {
            let (plain, opened) = engine::decrypt_binary(&file.text, identities)
                .map_err(|e| CliError::decrypt(&name, e, tried))?;
            let plain = zeroize::Zeroizing::new(plain);
            let rekeyed = opened.rekey(holders, rotation, now).map_err(encrypt_err)?;
            let enc =
                engine::encrypt_binary(&plain, &opts(&rekeyed.opened, now)).map_err(encrypt_err)?;
            Ok((enc.text, rekeyed))
        }
    }
}

/// Replaces `file` on disk with `text` (atomically, keeping its permissions).
pub fn write(file: &EncryptedFile, text: &str) -> Result<(), CliError> {
    io::write_all(
        Output::File {
            path: &file.path,
            private: false,
        },
        text.as_bytes(),
    )
}
