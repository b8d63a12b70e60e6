//! `vaultfile git add`: `git add`, with the protected files encrypted several at a time
//! first.
//!
//! git hands its clean filter one file at a time and waits for each answer: the filter
//! protocol's `delay` capability is for smudge only (gitattributes(5)). A file whose only
//! recipient is a key service needs one round trip to wrap its new data key, so `git add`
//! of 2,000 such files at 50 ms a request waits 100 s, one request after another. This
//! command encrypts the files `git add` would clean, `--jobs` at a time (the requests
//! overlap, and every core encrypts), writes their blobs beside the repository's
//! `.git/vaultfile` record, and then runs `git add` itself: the filter finds each file's
//! blob made ahead, checks by the clone's keyed hash (`vaultfile::git::smudged`) that the
//! file is unchanged since, and answers at once. Requests are made for exactly the files
//! git cleans: the list comes from git.

use std::path::{Path, PathBuf};

use vaultfile::git::repo::{ObjectFormat, Repo, blob_id};
use vaultfile::git::smudged::Prepared;

use super::filter::GitFilter;
use crate::cli::child::SignalGuard;
use crate::cli::error::{CliError, ExitKind};
use crate::cli::ui::Ui;

/// Tells the filter that git runs where `vaultfile git add` left its blobs made ahead.
const PREPARED_VAR: &str = "VAULTFILE_GIT_ADD_PREPARED";

/// Files read and encrypted per round: bounds the plaintext and ciphertext held at once.
const BATCH: usize = 512;

/// Stage files as `git add` does, encrypting protected files several at a time
///
/// git gives its clean filter one file at a time and waits for each: when files are
/// encrypted to a key service (AWS KMS, Vault…), every new file's data key costs one round
/// trip, one after another. This encrypts the protected files that `git add PATHSPEC…`
/// would stage, `--jobs` at a time (VAULTFILE_JOBS, 16 by default), then runs `git add`,
/// whose filter uses what was encrypted. What is staged is what `git add` stages; if a
/// file cannot be encrypted, nothing is staged.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile git add .                      # everything under the current directory
  vaultfile git add -A                     # everything in the work tree, as git add -A
  vaultfile git add secrets/ && git commit -m 'new secrets'
  vaultfile git add --renormalize .        # every tracked file to its rule's recipients")]
pub struct AddArgs {
    /// Stage every change, new files included, as `git add -A` (the whole work tree
    /// without a pathspec)
    #[arg(short = 'A', long, conflicts_with_all = ["update", "renormalize"])]
    all: bool,

    /// Stage changes to tracked files only, as `git add -u` (the whole work tree without a
    /// pathspec)
    #[arg(short = 'u', long, conflicts_with = "renormalize")]
    update: bool,

    /// Encrypt every tracked protected file under the pathspecs again, as `git add
    /// --renormalize` does (after a change of recipients in .vaultfile.yaml)
    #[arg(long)]
    renormalize: bool,

    /// What to stage, as `git add` takes it (files, directories, globs)
    #[arg(value_name = "PATHSPEC", required_unless_present_any = ["all", "update"])]
    pathspec: Vec<String>,
}

/// Which files `git add` cleans, as its options say.
#[derive(Clone, Copy)]
enum Staged {
    /// Changed tracked files and untracked ones (`git add PATHSPEC`, `-A`).
    Changes,
    /// Changed tracked files (`-u`).
    Tracked,
    /// Every tracked file (`--renormalize`).
    Everything,
}

pub fn run(args: AddArgs, ui: &Ui) -> crate::cli::CmdResult {
    let repo = super::current_repo()?;
    let Some(top) = repo.work_tree.clone() else {
        return Err(CliError::new(
            ExitKind::State,
            format!(
                "{} is a bare repository: it has no files to add",
                repo.git_dir.display()
            ),
        ));
    };
    // SIGINT, SIGTERM and SIGHUP do not stop this process half-way: the files it made are
    // removed first (a Ctrl-C at the terminal reaches git too).
    let guard = SignalGuard::new()
        .map_err(|e| CliError::new(ExitKind::Other, format!("cannot handle signals: {e}")))?;
    let dir = repo.common_dir.join("vaultfile");
    std::fs::create_dir_all(&dir).map_err(|e| CliError::io("create", &dir, e))?;
    let list = Removed(dir.join(format!("add-{}.prepared", std::process::id())));
    let mut prepared = Prepared::new(&list.0);
    // Ciphertext only, in the repository's own directory, removed on the way out.
    let blobs = Removed(prepared.blob_dir().to_owned());
    let staged = if args.renormalize {
        Staged::Everything
    } else if args.update {
        Staged::Tracked
    } else {
        Staged::Changes
    };
    // `-A` and `-u` without a pathspec stage the whole work tree, from wherever they run.
    let whole = [":/".to_owned()];
    let listed = if args.pathspec.is_empty() {
        &whole[..]
    } else {
        &args.pathspec[..]
    };
    let paths = to_clean(&repo, listed, staged)?;
    if !paths.is_empty() {
        std::fs::create_dir_all(&blobs.0).map_err(|e| CliError::io("create", &blobs.0, e))?;
        clean_ahead(&repo, &top, &paths, &mut prepared, ui)?;
        prepared
            .write(&list.0)
            .map_err(|e| CliError::io("write", &list.0, e))?;
    }
    if let Some(sig) = guard.received() {
        return Err(CliError::new(
            ExitKind::Other,
            format!("interrupted by signal {sig} before git add was run"),
        )
        .hint("nothing was staged; run it again"));
    }
    let mut git = std::process::Command::new("git");
    git.arg("add")
        .args(args.all.then_some("--all"))
        .args(args.update.then_some("--update"))
        .args(args.renormalize.then_some("--renormalize"))
        .arg("--")
        .args(&args.pathspec)
        .env(PREPARED_VAR, &list.0);
    let status = guard.run(&mut git).map_err(|e| {
        CliError::new(ExitKind::Other, format!("cannot run git: {e}"))
            .hint("install git (https://git-scm.com) and make sure it is on PATH")
    })?;
    drop((list, blobs, guard));
    if !status.success() {
        // git said what went wrong; its exit code is the answer.
        std::process::exit(crate::cli::child::exit_code(status));
    }
    Ok(())
}

/// The blobs made ahead of `git add` by this command, as the filter that git runs finds
/// them (none when git was not started by `vaultfile git add`).
pub(super) fn prepared_by_parent() -> Prepared {
    std::env::var_os(PREPARED_VAR)
        .map(|f| Prepared::read(Path::new(&f)))
        .unwrap_or_default()
}

/// The protected files `git add PATHSPEC…` cleans: changed tracked files and untracked
/// files git does not ignore, under the pathspecs (with `-u`, changed tracked files only;
/// with `--renormalize`, every tracked file), whose attributes give them vaultfile's
/// filter. Paths are relative to the top of the work tree, as git gives them to the
/// filter.
fn to_clean(repo: &Repo, pathspec: &[String], staged: Staged) -> Result<Vec<String>, CliError> {
    let options: &[&str] = match staged {
        Staged::Changes => &["--modified", "--others", "--exclude-standard"],
        Staged::Tracked => &["--modified"],
        Staged::Everything => &[],
    };
    let listed = repo
        .ls_files_matching(options, pathspec)
        .map_err(super::git_error)?;
    // `filtered` gives each path once, however often git lists it.
    Ok(repo
        .filtered(&listed)
        .map_err(super::git_error)?
        .into_iter()
        .collect())
}

/// Encrypts `paths` as the filter would, several at a time, and writes their blobs into
/// `prepared`. Any file that cannot be encrypted stops everything, with each such file's
/// error shown.
fn clean_ahead(
    repo: &Repo,
    top: &Path,
    paths: &[String],
    prepared: &mut Prepared,
    ui: &Ui,
) -> Result<(), CliError> {
    let format: ObjectFormat = repo.object_format().map_err(super::git_error)?;
    let mut filter = GitFilter::new(ui)?;
    let mut failed: Vec<CliError> = Vec::new();
    for batch in paths.chunks(BATCH) {
        // Regular files only: git does not filter symbolic links, and a deleted file is
        // staged as removed.
        let files: Vec<(String, Vec<u8>)> = batch
            .iter()
            .filter_map(|p| {
                let file = top.join(p);
                let meta = std::fs::symlink_metadata(&file).ok()?;
                let content = meta.is_file().then(|| std::fs::read(&file).ok())??;
                Some((p.clone(), content))
            })
            .collect();
        let names: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
        for (path, out) in names.into_iter().zip(filter.clean_ahead(files)?) {
            match out {
                Ok(blob) if failed.is_empty() => prepared
                    .add(&path, &blob_id(format, &blob), &blob)
                    .map_err(|e| CliError::io("write", prepared.blob_dir(), e))?,
                Ok(_) => {}
                Err(e) => failed.push(e),
            }
        }
    }
    filter.finish();
    match failed.len() {
        0 => Ok(()),
        1 => Err(failed.remove(0)),
        n => {
            let kind = failed[0].kind;
            for e in &failed {
                ui.error(e);
            }
            Err(CliError::new(
                kind,
                format!("{n} files cannot be encrypted for the repository (above)"),
            )
            .hint("git stored nothing: fix them, then run this again"))
        }
    }
}

/// A file or directory of this command's, removed when dropped, whatever happened.
struct Removed(PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        if self.0.is_dir() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}
