//! What `updatekeys`, `rotate` and `recipients add|rm` share: finding encrypted files,
//! describing a change of recipients, and re-encrypting a file for new key holders.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use vaultfile::config::Config;
use vaultfile::engine::{self, Opened, Rekeyed, Rotation};
use vaultfile::format::{self, Format};
use vaultfile::git::repo::{BlobReader, Repo};
use vaultfile::keys::{self, Identity, KeyHolders, Recipient};
use vaultfile::metadata::Metadata;
use vaultfile::path::RuleSpec;

use super::error::{CliError, ExitKind};
use super::io::{self, Output};
use super::ui::PassphrasePrompt;
use super::walk::{Walk, WalkError};

/// A vaultfile-encrypted file: read from disk, or from git's index for a file git's filter
/// manages (its work tree holds the plaintext).
pub struct EncryptedFile {
    pub path: PathBuf,
    pub format: Format,
    pub text: String,
    pub metadata: Metadata,
    pub stored: Stored,
}

/// Where an encrypted file's ciphertext is, and so where a new version is written.
pub enum Stored {
    /// The file itself.
    WorkTree,
    /// git's index, at `path` (repository-relative) with file mode `mode`: the work tree
    /// holds the plaintext, and a new version is staged for the next `git commit`.
    Index {
        top: PathBuf,
        path: String,
        mode: String,
    },
}

impl EncryptedFile {
    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// What to add to the file's name where it is listed: where its ciphertext is.
    pub fn where_note(&self) -> &'static str {
        match self.stored {
            Stored::WorkTree => "",
            Stored::Index { .. } => " (in git's index)",
        }
    }

    /// What to add to a line saying the file was rewritten.
    pub fn written_note(&self) -> &'static str {
        match self.stored {
            Stored::WorkTree => "",
            Stored::Index { .. } => " (staged: `git commit` records it)",
        }
    }
}

/// The callbacks key sources get from the CLI: passphrases from a prompt or
/// `VAULTFILE_PASSPHRASE`, plugin messages on stderr.
pub fn callbacks() -> Arc<dyn vaultfile::Callbacks> {
    Arc::new(PassphrasePrompt)
}

/// Reads `path` if it is a vaultfile-encrypted file; `Ok(None)` if it is anything else.
/// A file in a format newer than this vaultfile reads is an error, not "not encrypted":
/// skipping it would hide a file nobody here can re-key.
pub fn read_encrypted(path: &Path) -> Result<Option<EncryptedFile>, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::io("read", path, e))?;
    encrypted_from(path, bytes, Stored::WorkTree)
        .map_err(|e| CliError::decrypt(&path.display().to_string(), e, &[]))
}

/// `bytes` as an encrypted file; `Ok(None)` if they are anything else, and
/// `Err(UnsupportedVersion)` for a file in a format newer than this vaultfile reads.
fn encrypted_from(
    path: &Path,
    bytes: Vec<u8>,
    stored: Stored,
) -> Result<Option<EncryptedFile>, engine::DecryptError> {
    let Ok(text) = String::from_utf8(bytes) else {
        return Ok(None);
    };
    let format = engine::format_of_encrypted(&text, Some(Format::from_path(path)));
    let store = format::encrypted_store_for(format);
    let metadata = match engine::inspect(store, &text) {
        Ok(m) => m,
        Err(e @ engine::DecryptError::UnsupportedVersion(_)) => return Err(e),
        Err(_) => return Ok(None),
    };
    Ok(Some(EncryptedFile {
        path: path.to_path_buf(),
        format,
        text,
        metadata,
        stored,
    }))
}

/// `path` as an encrypted file: the file itself, or, for a file git's filter manages, its
/// version in git's index. `Ok(None)` when it is neither; the error of a file git's filter
/// protects but that is not staged says to `git add` it.
pub fn read_any(path: &Path) -> Result<Option<EncryptedFile>, CliError> {
    if let Some(f) = read_encrypted(path)? {
        return Ok(Some(f));
    }
    let (mut found, unstaged) = from_git_index(&[path.to_path_buf()]);
    if let Some(p) = unstaged.first() {
        return Err(not_staged(p));
    }
    Ok(found.pop())
}

fn not_staged(p: &Path) -> CliError {
    CliError::new(
        ExitKind::State,
        format!(
            "{} is protected by git's filter but is not in git's index yet",
            p.display()
        ),
    )
    .hint(format!(
        "`git add {}` encrypts it (to its .vaultfile.yaml rule's recipients) and stages it",
        p.display()
    ))
}

/// The encrypted files among `paths`: files as named, directories walked recursively
/// (without following symbolic links, and skipping `.git`). A plaintext file that git's
/// filter manages is read from git's index. A named file that is not encrypted is an
/// error; files in directories that are not encrypted are skipped.
pub fn find_encrypted(paths: &[PathBuf]) -> Result<Vec<EncryptedFile>, CliError> {
    let mut out = Vec::new();
    let mut plain = Vec::new();
    let mut named_plain = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| CliError::io("read", p, e))?;
        if meta.is_dir() {
            walk(p, &mut out, &mut plain)?;
        } else {
            match read_encrypted(p)? {
                Some(f) => out.push(f),
                None => named_plain.push(p.clone()),
            }
        }
    }
    plain.extend(named_plain.iter().cloned());
    let (staged, unstaged) = from_git_index(&plain);
    for p in &named_plain {
        if unstaged.contains(p) {
            return Err(not_staged(p));
        }
        if !staged.iter().any(|f| f.path == *p) {
            if let Ok(text) = std::fs::read_to_string(p) {
                let name = p.display().to_string();
                super::common::refuse_sops(&name, &text, Format::from_path(p), "this command")?;
            }
            return Err(CliError::new(
                ExitKind::State,
                format!(
                    "{} is not encrypted (it has no vaultfile metadata)",
                    p.display()
                ),
            )
            .hint("encrypt it first with `vaultfile encrypt -i`"));
        }
    }
    out.extend(staged);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The files among `plain` (not encrypted in the work tree) that git's filter manages and
/// whose staged version is encrypted, read from the index; and those it manages that are
/// not staged at all.
fn from_git_index(plain: &[PathBuf]) -> (Vec<EncryptedFile>, Vec<PathBuf>) {
    let (mut found, mut unstaged) = (Vec::new(), Vec::new());
    let Some(first) = plain.first() else {
        return (found, unstaged);
    };
    let Some(dir) = std::path::absolute(first)
        .ok()
        .and_then(|a| a.parent().map(Path::to_path_buf))
    else {
        return (found, unstaged);
    };
    let Ok(repo) = Repo::discover(&dir) else {
        return (found, unstaged);
    };
    let Some(top) = repo.work_tree.clone() else {
        return (found, unstaged);
    };
    let top = top.canonicalize().unwrap_or(top);
    let rel_of = |p: &Path| -> Option<String> {
        let abs = std::path::absolute(p).ok()?;
        let abs = abs.canonicalize().unwrap_or(abs);
        Some(
            abs.strip_prefix(&top)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/"),
        )
    };
    let rels: Vec<(PathBuf, String)> = plain
        .iter()
        .filter_map(|p| rel_of(p).map(|r| (p.clone(), r)))
        .collect();
    let names: Vec<String> = rels.iter().map(|(_, r)| r.clone()).collect();
    let Ok(managed) = repo.filtered(&names) else {
        return (found, unstaged);
    };
    if managed.is_empty() {
        return (found, unstaged);
    }
    let index = repo.index_entries().unwrap_or_default();
    let Ok(mut blobs) = BlobReader::start(&repo) else {
        return (found, unstaged);
    };
    for (p, rel) in &rels {
        if !managed.contains(rel.as_str()) {
            continue;
        }
        let Some(entry) = index.get(rel) else {
            unstaged.push(p.clone());
            continue;
        };
        let Ok(Some(blob)) = blobs.read(&entry.oid) else {
            continue;
        };
        let stored = Stored::Index {
            top: top.clone(),
            path: rel.clone(),
            mode: entry.mode.clone(),
        };
        // A staged blob in a newer format is left out here as any unreadable blob is; a
        // named work-tree file in one is refused by `read_encrypted`.
        if let Ok(Some(f)) = encrypted_from(p, blob, stored) {
            found.push(f);
        }
    }
    (found, unstaged)
}

fn walk(
    dir: &Path,
    out: &mut Vec<EncryptedFile>,
    plain: &mut Vec<PathBuf>,
) -> Result<(), CliError> {
    for file in Walk::new(dir) {
        let path = file.map_err(|e| match e {
            WalkError::List { dir, source } => CliError::io("read directory", &dir, source),
            WalkError::EntryType { path, source, .. } => CliError::io("read", &path, source),
        })?;
        match read_encrypted(&path)? {
            Some(f) => out.push(f),
            None => plain.push(path),
        }
    }
    Ok(())
}

/// The holders a file has now, parsed back from its metadata.
pub fn holders_of(file: &EncryptedFile) -> Result<KeyHolders, CliError> {
    let context = super::key_services::context();
    let parse = |ids: &[&str]| -> Result<Vec<Box<dyn Recipient>>, CliError> {
        ids.iter()
            .map(|id| {
                keys::parse_recipient_with(id, &context).map_err(|e| {
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
    let context = super::key_services::context();
    let usage = |m: String| CliError::new(ExitKind::Usage, m);
    let mut parsed = Vec::new();
    for a in add {
        parsed
            .push(keys::parse_recipient_with(a, &context).map_err(|e| CliError::recipient(a, e))?);
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
                let id = vaultfile::keys::short_id(id);
                if new_grouped {
                    lines.push(format!("{tag} {id}  (group {})", i + 1));
                } else {
                    lines.push(format!("{tag} {id}"));
                }
            }
        }
        for id in all_old.iter().filter(|id| !all_new.contains(id)) {
            lines.push(format!("- {}", vaultfile::keys::short_id(id)));
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
            lines.push(format!("+ {}{at}", vaultfile::keys::short_id(id)));
        }
        for id in o.iter().filter(|id| !n.contains(id)) {
            lines.push(format!("- {}{at}", vaultfile::keys::short_id(id)));
        }
    }
    lines
}

/// The error for a command that found no encrypted file to work on: it says where it
/// looked, so a mistyped path or a repository without git's filter set up is not a silent
/// success.
pub fn nothing_found(paths: &[PathBuf], verb: &str) -> CliError {
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    CliError::new(
        ExitKind::State,
        format!(
            "nothing to {verb}: no vaultfile-encrypted file in {} (neither in the work tree nor, for files git's filter manages, in git's index)",
            list.join(", ")
        ),
    )
    .hint("encrypt files with `vaultfile encrypt -i FILE`, or in a repository `vaultfile git init` and `git add` them")
}

/// A file's key material and selection rules made to match its `.vaultfile.yaml` rule.
pub struct Conformed {
    pub opened: Opened,
    pub rules: RuleSpec,
    /// What changed, to say once the file is written (empty when nothing did).
    pub notes: Vec<String>,
}

/// The key material and selection rules a file opened as `opened` is written with: its
/// `.vaultfile.yaml` rule's (the rule is the truth; a recipient it does not name costs a
/// new data key). `None` when the file has no rule (it keeps its own).
pub fn conform_to_rule(
    path: &Path,
    name: &str,
    opened: &Opened,
    now: SystemTime,
) -> Result<Option<Conformed>, CliError> {
    let Some(rule) = rule_of(path, None)? else {
        return Ok(None);
    };
    let r = opened
        .rekey(&rule.holders, Rotation::OnRemoval, now)
        .map_err(|e| CliError::encrypt(name, e))?;
    let mut notes = Vec::new();
    if !r.unchanged {
        let mut what: Vec<String> = r
            .added
            .iter()
            .map(|a| format!("+ {}", vaultfile::keys::short_id(a)))
            .collect();
        what.extend(
            r.removed
                .iter()
                .map(|a| format!("- {}", vaultfile::keys::short_id(a))),
        );
        notes.push(format!(
            "{name}: recipients made to match its rule at {} ({}){}",
            rule.at,
            what.join(", "),
            if r.rotated { "; a new data key" } else { "" }
        ));
    }
    if opened.metadata.rules != rule.rules {
        notes.push(format!(
            "{name}: {}, as its rule at {} says",
            rules_line(&opened.metadata.rules, &rule.rules).trim_start_matches("~ "),
            rule.at
        ));
    }
    Ok(Some(Conformed {
        opened: r.opened,
        rules: rule.rules,
        notes,
    }))
}

/// The error for an ad-hoc recipient change to a file whose `.vaultfile.yaml` rule decides
/// its recipients: the change would be undone by the next write.
pub fn rule_governs(file: &EncryptedFile, rule: &FileRule) -> CliError {
    CliError::new(
        ExitKind::Usage,
        format!(
            "{}'s recipients come from its rule at {}, so they are changed there",
            file.name(),
            rule.at
        ),
    )
    .hint(format!(
        "edit the recipients of that rule, then run `vaultfile updatekeys {}`",
        file.name()
    ))
}

/// The plan line for a change of selection rules.
pub fn rules_line(from: &RuleSpec, to: &RuleSpec) -> String {
    let show = |r: &RuleSpec| {
        if r.is_empty() {
            "every value encrypted".to_owned()
        } else {
            serde_json::to_string(r).expect("rules serialise")
        }
    };
    format!("~ selection rules: {} → {}", show(from), show(to))
}

/// Decrypts `file`, re-keys it for `holders` (when given; else it keeps its own) and
/// encrypts it again under `rules` (when given; else its own). Returns the new text and
/// what the re-keying did. Nothing is written.
pub fn reencrypt(
    file: &EncryptedFile,
    identities: &[Box<dyn Identity>],
    tried: &[String],
    holders: Option<&KeyHolders>,
    rules: Option<RuleSpec>,
    rotation: Rotation,
) -> Result<(String, Rekeyed), CliError> {
    let name = file.name();
    let now = super::clock::now()?;
    let encrypt_err = |e| CliError::encrypt(&name, e);
    let rekey = |opened: Opened| -> Result<Rekeyed, CliError> {
        match holders {
            Some(h) => opened.rekey(h, rotation, now).map_err(encrypt_err),
            None => Ok(Rekeyed {
                opened,
                rotated: false,
                unchanged: true,
                removed: Vec::new(),
                added: Vec::new(),
            }),
        }
    };
    fn opts(base: &Opened, rules: Option<RuleSpec>, now: SystemTime) -> engine::EncryptOptions<'_> {
        engine::EncryptOptions {
            recipients: &[],
            rules,
            baseline: Some(base),
            now,
            allow_nothing_encrypted: false,
        }
    }
    match format::store_for(file.format) {
        Some(store) => {
            let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(file.text.len()));
            let opened = engine::decrypt_to(store, &file.text, identities, &mut *plain)
                .map_err(|e| CliError::decrypt(&name, e, tried))?;
            let plain = std::str::from_utf8(&plain).expect("decrypted text is UTF-8");
            let rekeyed = rekey(opened)?;
            let enc = engine::encrypt(store, plain, &opts(&rekeyed.opened, rules.clone(), now))
                .map_err(encrypt_err)?;
            Ok((enc.text, rekeyed))
        }
        None => {
            let (plain, opened) = engine::decrypt_binary(&file.text, identities)
                .map_err(|e| CliError::decrypt(&name, e, tried))?;
            let plain = zeroize::Zeroizing::new(plain);
            let rekeyed = rekey(opened)?;
            let enc = engine::encrypt_binary(&plain, &opts(&rekeyed.opened, rules.clone(), now))
                .map_err(encrypt_err)?;
            Ok((enc.text, rekeyed))
        }
    }
}

/// A file's `.vaultfile.yaml` rule, parsed: the truth about who may open it and which of
/// its values are encrypted.
pub struct FileRule {
    pub holders: KeyHolders,
    pub rules: RuleSpec,
    /// `PATH:LINE` of the rule, for messages.
    pub at: String,
}

/// The rule for `file` (discovered from its directory, or `--config`), if a configuration
/// and a rule for it exist. A configuration that cannot be read, or a recipient in it that
/// cannot be parsed, is an error.
pub fn rule_of(file: &Path, config_flag: Option<&Path>) -> Result<Option<FileRule>, CliError> {
    let config = match config_flag {
        Some(p) => Config::load(p),
        None => {
            let dir = std::path::absolute(file)
                .ok()
                .and_then(|a| a.parent().map(Path::to_path_buf))
                .unwrap_or_else(|| PathBuf::from("."));
            match Config::discover(&dir) {
                Ok(Some(c)) => Ok(c),
                Ok(None) => return Ok(None),
                Err(e) => Err(e),
            }
        }
    }
    .map_err(|e| {
        CliError::new(ExitKind::Usage, e.to_string())
            .hint("fix the configuration file: its rules say who may read which files")
    })?;
    let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let Some(i) = config.creation_rules.iter().position(|r| {
        config
            .relative_path(&abs)
            .is_some_and(|rel| r.matches(&rel))
    }) else {
        return Ok(None);
    };
    let rule = &config.creation_rules[i];
    Ok(Some(FileRule {
        holders: super::common::holders_of_rule(&config, i)?,
        rules: rule.rules.clone(),
        at: format!("{}:{}", config.path.display(), rule.line),
    }))
}

/// Writes `text` as the new version of `file`: replaces the file on disk (atomically,
/// keeping its permissions), or, for a file git's filter manages, stages it in git's index
/// (the work tree's plaintext is left as it is).
pub fn write(file: &EncryptedFile, text: &str) -> Result<(), CliError> {
    match &file.stored {
        Stored::WorkTree => io::write_all(
            Output::File {
                path: &file.path,
                private: false,
            },
            text.as_bytes(),
        ),
        Stored::Index { top, path, mode } => {
            let git = |e: vaultfile::git::repo::GitError| {
                CliError::new(
                    ExitKind::Other,
                    format!("cannot stage the new version of {}: {e}", file.name()),
                )
            };
            let repo = Repo::discover(top).map_err(git)?;
            // No filter: the text is already the ciphertext to store.
            let oid = repo
                .run_with_input(
                    &["hash-object", "-w", "--stdin", "--no-filters"],
                    text.as_bytes(),
                )
                .map_err(git)?;
            let oid = String::from_utf8_lossy(&oid).trim().to_owned();
            repo.run(&[
                "update-index",
                "--cacheinfo",
                &format!("{mode},{oid},{path}"),
            ])
            .map_err(git)?;
            Ok(())
        }
    }
}
