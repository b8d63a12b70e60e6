//! `vaultfile upgrade`: rewrite files stored in an older file format in the current one.
//!
//! Reading old files stays possible (with a warning) so that nobody is locked out by an
//! upgrade of vaultfile; this command is the explicit way to move a whole tree or
//! repository on, for files in the work tree and for the blobs git's filter stores.

use std::path::{Path, PathBuf};

use vaultfile::engine::{self, EncryptOptions};
use vaultfile::format;
use vaultfile::git::convert;
use vaultfile::git::repo::{BlobReader, Repo};
use vaultfile::metadata::VERSION;

use super::common::IdentityArgs;
use super::error::{CliError, ExitKind};
use super::identities;
use super::rekey::{self, EncryptedFile};
use super::ui::Ui;

/// Rewrite files stored in file format 1 in format 2, which authenticates every byte
///
/// Format 1 authenticates a file's values, recipients and rules, but not the text around
/// them: comments, layout, anchors and aliases, keys without values. Format 2's MAC covers
/// the whole file. Upgrading keeps the data key, the recipients and every value's
/// ciphertext: only the metadata's version and MAC change.
///
/// Encrypted files under PATH are rewritten in place. In a repository set up with
/// `vaultfile git init`, where the work tree holds plaintext, the protected files under
/// PATH whose staged version is in format 1 are staged again in format 2
/// (`git add --renormalize`), so the next `git commit` records them; a file with unstaged
/// changes is left for its next `git add`, which writes format 2 anyway.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile upgrade                      # every file under the current directory
  vaultfile upgrade --dry-run .          # only list the files in format 1
  vaultfile upgrade secrets/ && git commit -m 'vaultfile: format 2'")]
pub struct UpgradeArgs {
    /// Files, or directories to search
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,

    /// Only list what would be upgraded; write nothing
    #[arg(short = 'n', long)]
    dry_run: bool,

    #[command(flatten)]
    identity: IdentityArgs,
}

pub fn run(args: UpgradeArgs, ui: &Ui) -> super::CmdResult {
    let mut files = Vec::new();
    for p in &args.paths {
        let meta = std::fs::metadata(p).map_err(|e| CliError::io("read", p, e))?;
        if meta.is_dir() {
            files.extend(rekey::find_encrypted(std::slice::from_ref(p))?);
        } else if let Some(f) = rekey::read_encrypted(p)? {
            files.push(f);
        }
    }
    let old: Vec<EncryptedFile> = files
        .into_iter()
        .filter(|f| f.metadata.version < VERSION)
        .collect();
    let staged = staged_old_versions(&args.paths)?;

    let mut failures: Vec<CliError> = Vec::new();
    let mut done = 0;
    if !old.is_empty() && !args.dry_run {
        let found = identities::collect(&args.identity.identities, ui)?;
        for f in &old {
            match upgrade_file(f, &found.identities, &found.tried) {
                Ok(()) => {
                    done += 1;
                    println!("{}: format {} → {VERSION}", f.name(), f.metadata.version);
                }
                Err(e) => failures.push(e),
            }
        }
    } else {
        for f in &old {
            println!(
                "{}: format {} (would upgrade)",
                f.name(),
                f.metadata.version
            );
        }
    }

    if let Some(staged) = staged {
        done += staged.upgrade(args.dry_run, ui, &mut failures)?;
    }

    if args.dry_run {
        return Ok(());
    }
    if done == 0 && failures.is_empty() {
        println!(
            "nothing to upgrade: every encrypted file under {} is in format {VERSION}",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    for f in &failures {
        ui.error(f);
    }
    Err(last)
}

/// Decrypts `file` and encrypts it again with itself as baseline: same data key, same
/// wrapped keys, same tokens, current format.
fn upgrade_file(
    file: &EncryptedFile,
    identities: &[Box<dyn vaultfile::keys::Identity>],
    tried: &[String],
) -> Result<(), CliError> {
    let name = file.name();
    let now = super::clock::now()?;
    let text = match format::store_for(file.format) {
        Some(store) => {
            let mut plain = zeroize::Zeroizing::new(Vec::with_capacity(file.text.len()));
            let opened = engine::decrypt_to(store, &file.text, identities, &mut *plain)
                .map_err(|e| CliError::decrypt(&name, e, tried))?;
            let plain = std::str::from_utf8(&plain).expect("decrypted text is UTF-8");
            let opts = EncryptOptions {
                recipients: &[],
                rules: None,
                baseline: Some(&opened),
                now,
            };
            engine::encrypt(store, plain, &opts)
                .map_err(|e| CliError::encrypt(&name, e))?
                .text
        }
        None => {
            let (plain, opened) = engine::decrypt_binary(&file.text, identities)
                .map_err(|e| CliError::decrypt(&name, e, tried))?;
            let plain = zeroize::Zeroizing::new(plain);
            let opts = EncryptOptions {
                recipients: &[],
                rules: None,
                baseline: Some(&opened),
                now,
            };
            engine::encrypt_binary(&plain, &opts)
                .map_err(|e| CliError::encrypt(&name, e))?
                .text
        }
    };
    rekey::write(file, &text)
}

/// Protected files whose staged blob is in an older format while the work tree holds
/// their plaintext (git's filter manages them).
struct Staged {
    repo: Repo,
    top: PathBuf,
    paths: Vec<String>,
}

/// The staged files under `paths` that `git add --renormalize` would upgrade; `None`
/// outside a git work tree.
fn staged_old_versions(paths: &[PathBuf]) -> Result<Option<Staged>, CliError> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let Ok(repo) = Repo::discover(&cwd) else {
        return Ok(None);
    };
    let Some(top) = repo.work_tree.clone() else {
        return Ok(None);
    };
    let top = top.canonicalize().unwrap_or(top);
    let prefixes: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            let abs = std::path::absolute(p).ok()?;
            let abs = abs.canonicalize().unwrap_or(abs);
            let rel = abs.strip_prefix(&top).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    let under = |path: &str| {
        prefixes.iter().any(|p| {
            p.is_empty()
                || path == p
                || path
                    .strip_prefix(p.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
    };
    let git_err = |e: vaultfile::git::repo::GitError| {
        CliError::new(ExitKind::Other, format!("cannot read the git index: {e}"))
    };
    let index = repo.index_blobs().map_err(git_err)?;
    let mut blobs = BlobReader::start(&repo).map_err(git_err)?;
    let mut found = Vec::new();
    let mut candidates: Vec<(&String, &String)> = index.iter().filter(|(p, _)| under(p)).collect();
    candidates.sort();
    for (path, oid) in candidates {
        let Some(blob) = blobs.read(oid).map_err(git_err)? else {
            continue;
        };
        let Some(meta) = convert::metadata_of(path, &blob) else {
            continue;
        };
        if meta.version >= VERSION {
            continue;
        }
        // Ciphertext in the work tree too: the file itself is upgraded above, and its
        // `git add` is the user's.
        let work = std::fs::read(top.join(path)).unwrap_or_default();
        if convert::metadata_of(path, &work).is_some() {
            continue;
        }
        found.push(path.clone());
    }
    Ok(Some(Staged {
        repo,
        top,
        paths: found,
    }))
}

impl Staged {
    /// Stages the files again with upgrading on; returns how many were upgraded.
    fn upgrade(
        self,
        dry_run: bool,
        ui: &Ui,
        failures: &mut Vec<CliError>,
    ) -> Result<usize, CliError> {
        if self.paths.is_empty() {
            return Ok(0);
        }
        // A file with unstaged changes would have them staged too: leave it to its own
        // `git add`, which writes the current format.
        let mut args = vec!["diff-files", "--name-only", "-z", "--"];
        args.extend(self.paths.iter().map(String::as_str));
        let dirty: Vec<String> = self
            .repo
            .run(&args)
            .map(|out| {
                out.split(|b| *b == 0)
                    .filter(|p| !p.is_empty())
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let (skip, clean): (Vec<&String>, Vec<&String>) =
            self.paths.iter().partition(|p| dirty.contains(p));
        for p in &skip {
            ui.warn(&format!(
                "{p}: not upgraded: it has unstaged changes; its next `git add` writes format {VERSION}"
            ));
        }
        if dry_run {
            for p in &clean {
                println!("{p}: staged in format 1 (would stage again in format {VERSION})");
            }
            return Ok(0);
        }
        if clean.is_empty() {
            return Ok(0);
        }
        let status = std::process::Command::new("git")
            .args(["add", "--renormalize", "--"])
            .args(clean.iter().map(|p| Path::new(p.as_str())))
            .current_dir(&self.top)
            .env(super::git::UPGRADE_ENV, "1")
            .status()
            .map_err(|e| CliError::new(ExitKind::Other, format!("cannot run git: {e}")))?;
        if !status.success() {
            failures.push(
                CliError::new(
                    ExitKind::Other,
                    "`git add --renormalize` failed: the files above were not upgraded",
                )
                .hint("the error git printed says which file and why"),
            );
            return Ok(0);
        }
        // Check what git staged rather than trusting the exit code alone.
        let index = self.repo.index_blobs().unwrap_or_default();
        let mut blobs = BlobReader::start(&self.repo)
            .map_err(|e| CliError::new(ExitKind::Other, e.to_string()))?;
        let mut done = 0;
        for p in clean {
            let version = index
                .get(p)
                .and_then(|oid| blobs.read(oid).ok().flatten())
                .and_then(|b| convert::metadata_of(p, &b))
                .map(|m| m.version);
            if version == Some(VERSION) {
                done += 1;
                println!("{p}: format 1 → {VERSION} (staged; `git commit` records it)");
            } else {
                failures.push(CliError::new(
                    ExitKind::Other,
                    format!("{p}: git staged it, but not in format {VERSION}"),
                ));
            }
        }
        Ok(done)
    }
}
