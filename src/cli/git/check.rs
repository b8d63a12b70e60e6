//! `vaultfile git check` (is anything protected stored in plaintext?) and
//! `vaultfile git status` (what is protected, and is it locked?).

use std::collections::BTreeSet;
use std::path::Path;

use vaultfile::config::Config;
use vaultfile::engine::{self, DecryptError};
use vaultfile::git::convert::{self, Content};
use vaultfile::git::repo::{BlobReader, Repo};

use super::super::error::{CliError, ExitKind};
use super::super::identities;
use super::super::ui::Ui;
use super::init::protected_paths;
use super::{current_repo, git_error};

/// Find protected files stored in plaintext (or altered) in the index, HEAD or history
///
/// A path is protected when `.gitattributes` gives it `filter=vaultfile` or a
/// `.vaultfile.yaml` creation rule matches it. Exits 1 and lists each problem if there is
/// one: this is what the pre-commit hook runs, and what a CI job should run on the server
/// side, since a clone without the filter stores whatever it is given.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile git check --staged        # before a commit (the --hooks pre-commit hook)
  vaultfile git check                 # the index and HEAD
  vaultfile git check --all-history   # every blob ever committed at a protected path")]
pub struct CheckArgs {
    /// Check only what is staged (the index)
    #[arg(long, conflicts_with = "all_history")]
    staged: bool,
    /// Also check every blob in the history of every branch and tag
    #[arg(long)]
    all_history: bool,
}

/// List protected files: locked or decrypted in the work tree, and their recipients
#[derive(Debug, clap::Args)]
pub struct StatusArgs {}

/// Tracked paths that are protected by attributes or by a `.vaultfile.yaml` rule.
fn protected(repo: &Repo, top: &Path, paths: &[String]) -> Result<BTreeSet<String>, CliError> {
    let mut out: BTreeSet<String> = protected_paths(repo)?.into_iter().collect();
    let by_attr = repo.check_attr("filter", paths).map_err(git_error)?;
    out.extend(
        by_attr
            .into_iter()
            .filter(|(_, v)| v == vaultfile::git::setup::DRIVER)
            .map(|(p, _)| p),
    );
    if let Some(cfg) =
        Config::discover(top).map_err(|e| CliError::new(ExitKind::Usage, e.to_string()))?
    {
        out.extend(
            paths
                .iter()
                .filter(|p| {
                    p.as_str() != vaultfile::config::FILE_NAME
                        && cfg.rule_for(&top.join(p)).is_some()
                })
                .cloned(),
        );
    }
    Ok(out)
}

/// What is wrong with one stored blob, if anything.
fn problem(path: &str, blob: &[u8], ids: &[Box<dyn vaultfile::keys::Identity>]) -> Option<String> {
    match convert::classify(path, blob) {
        Content::Plain => Some("stored in plaintext".into()),
        Content::Encrypted {
            store,
            text,
            binary,
        } => {
            let opened = if binary {
                engine::decrypt_binary(text, ids).map(|_| ())
            } else {
                engine::open(store, text, ids).map(|_| ())
            };
            match opened {
                Ok(()) => None,
                Err(e @ DecryptError::Integrity(_)) => Some(format!(
                    "fails its integrity check ({e}); staged with `git add -p`? stage the whole file with `git add`"
                )),
                // No key here: check what can be checked without one.
                Err(_) => engine::check_sealed(store, text)
                    .err()
                    .map(|e| format!("not fully encrypted: {e}")),
            }
        }
    }
}

pub fn run_check(args: CheckArgs, ui: &Ui) -> super::super::CmdResult {
    let repo = current_repo()?;
    let top = repo.work_tree.clone().unwrap_or_else(|| repo.cwd.clone());
    let found = identities::collect(&[], &Ui { quiet: true })?;
    let mut blobs = BlobReader::start(&repo).map_err(git_error)?;
    let mut findings: Vec<(String, String, String)> = Vec::new();

    let index_paths = repo.ls_files(None).map_err(git_error)?;
    for p in protected(&repo, &top, &index_paths)? {
        if let Ok(Some(b)) = blobs.read(&format!(":{p}"))
            && let Some(why) = problem(&p, &b, &found.identities)
        {
            findings.push(("index".into(), p, why));
        }
    }
    let has_head = repo.run(&["rev-parse", "--verify", "-q", "HEAD"]).is_ok();
    if !args.staged && has_head {
        let head_paths = repo.ls_files(Some("HEAD")).map_err(git_error)?;
        for p in protected(&repo, &top, &head_paths)? {
            if let Ok(Some(b)) = blobs.read(&format!("HEAD:{p}"))
                && let Some(why) = problem(&p, &b, &found.identities)
            {
                findings.push(("HEAD".into(), p, why));
            }
        }
    }
    if args.all_history && has_head {
        findings.extend(history(&repo, &top, &mut blobs, &found.identities)?);
    }

    if findings.is_empty() {
        // Silent on success under --staged: it runs on every commit as a hook.
        if !args.staged {
            ui.info("vaultfile: no protected file is stored in plaintext");
        }
        return Ok(());
    }
    let mut msg = format!("{} problem(s) with protected files:", findings.len());
    for (where_, p, why) in &findings {
        msg.push_str(&format!("\n  {where_:<8} {p}: {why}"));
    }
    let mut err = CliError::new(ExitKind::Other, msg);
    if findings.iter().any(|f| f.0 == "index") {
        err = err.hint("run `vaultfile git init` (the filter may not be configured in this clone), then `git add --renormalize -- PATH`");
    }
    if findings.iter().any(|f| f.0 != "index") {
        err = err.hint("plaintext in a commit stays in history: rotate those secrets, and rewrite history (git filter-repo) if it must go");
    }
    Err(err)
}

/// Every (commit, path, blob) ever added or changed at a protected path, on any ref.
fn history(
    repo: &Repo,
    top: &Path,
    blobs: &mut BlobReader,
    ids: &[Box<dyn vaultfile::keys::Identity>],
) -> Result<Vec<(String, String, String)>, CliError> {
    let out = repo
        .run(&[
            "log",
            "--all",
            "-m",
            "--root",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--format=%x00commit %h",
        ])
        .map_err(git_error)?;
    // -z output: "\0commit <h>\0" headers, then ":<modes> <old> <new> <status>\0<path>\0".
    let mut seen = BTreeSet::new();
    let mut pairs: Vec<(String, String, String)> = Vec::new();
    let mut commit = String::new();
    let mut fields = out.split(|b| *b == 0).peekable();
    while let Some(f) = fields.next() {
        let f = String::from_utf8_lossy(f);
        let f = f.trim_start_matches('\n');
        if let Some(h) = f.strip_prefix("commit ") {
            commit = h.to_owned();
        } else if let Some(meta) = f.strip_prefix(':') {
            let path = fields
                .next()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .unwrap_or_default();
            let parts: Vec<&str> = meta.split(' ').collect();
            if let [_, _, _, new, ..] = parts.as_slice()
                && !new.bytes().all(|b| b == b'0')
                && seen.insert((new.to_string(), path.clone()))
            {
                pairs.push((commit.clone(), path, new.to_string()));
            }
        }
    }
    let paths: Vec<String> = pairs
        .iter()
        .map(|p| p.1.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let protected = protected(repo, top, &paths)?;
    let mut findings = Vec::new();
    for (commit, path, oid) in pairs {
        if !protected.contains(&path) {
            continue;
        }
        if let Ok(Some(b)) = blobs.read(&oid)
            && let Some(why) = problem(&path, &b, ids)
        {
            findings.push((commit, path, why));
        }
    }
    Ok(findings)
}

pub fn run_status(_: StatusArgs, ui: &Ui) -> super::super::CmdResult {
    let repo = current_repo()?;
    let top = repo.work_tree.clone().unwrap_or_else(|| repo.cwd.clone());
    let configured = repo
        .config_get("filter.vaultfile.process")
        .map_err(git_error)?;
    println!(
        "filter: {}",
        match configured {
            Some(c) => format!("configured ({c})"),
            None => "NOT configured: run `vaultfile git init` (protected files are not encrypted on `git add`)".into(),
        }
    );
    let paths = repo.ls_files(None).map_err(git_error)?;
    let protected = protected(&repo, &top, &paths)?;
    if protected.is_empty() {
        println!("no protected files");
        let _ = ui;
        return Ok(());
    }
    let mut blobs = BlobReader::start(&repo).map_err(git_error)?;
    for p in protected {
        let work = match std::fs::read(top.join(&p)) {
            Ok(c) => match convert::classify(&p, &c) {
                Content::Encrypted { .. } => "locked",
                Content::Plain => "decrypted",
            },
            Err(_) => "missing",
        };
        let stored = blobs.read(&format!(":{p}")).ok().flatten();
        let recipients = match stored.as_deref().map(|b| (convert::metadata_of(&p, b), b)) {
            Some((Some(m), _)) => m.recipient_ids().map(short).collect::<Vec<_>>().join(", "),
            Some((None, _)) => "STORED IN PLAINTEXT".into(),
            None => "-".into(),
        };
        println!("{work:<9} {p}  [{recipients}]");
    }
    Ok(())
}

/// A recipient shortened for a one-line listing.
fn short(id: &str) -> String {
    if id.len() > 24 {
        format!("{}…{}", &id[..12], &id[id.len() - 6..])
    } else {
        id.to_owned()
    }
}
