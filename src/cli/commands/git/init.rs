//! `vaultfile git init` and `vaultfile git deinit`: set a repository up, and undo it.

use std::path::{Path, PathBuf};

use vaultfile::config::{self, Config};
use vaultfile::git::convert::{self, Content};
use vaultfile::git::repo::{BlobReader, Repo};
use vaultfile::git::setup;

use super::{current_repo, git_error};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::io::{self, Output};
use crate::cli::ui::Ui;

/// Set this repository up to store protected files encrypted
///
/// Writes the filter, diff and merge drivers to the repository's git configuration, and a
/// `.gitattributes` line for each PATTERN (by default, for each `path_regex` in
/// `.vaultfile.yaml`). Files already checked out encrypted are decrypted if your key opens
/// them. Running it again changes nothing.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile git init                         # patterns from .vaultfile.yaml's path_regex rules
  vaultfile git init '*.enc.yaml' 'secrets/**' --hooks
  vaultfile git init --global                # drivers for every repository (then clone as usual)")]
pub struct InitArgs {
    /// gitattributes patterns of the files to protect (e.g. 'secrets/**', '*.enc.yaml')
    #[arg(value_name = "PATTERN")]
    patterns: Vec<String>,

    /// Also install a pre-commit hook that refuses to commit a protected file in plaintext
    #[arg(long)]
    hooks: bool,

    /// Write the drivers to your global git configuration (~/.gitconfig) instead, so every
    /// clone decrypts on checkout; no .gitattributes change
    #[arg(long, conflicts_with_all = ["patterns", "hooks"])]
    global: bool,
}

/// Undo `vaultfile git init` in this repository
///
/// Removes the drivers from the git configuration, our `.gitattributes` lines and our
/// pre-commit hook, and puts the encrypted version back in the work tree for protected
/// files that have no uncommitted changes.
#[derive(Debug, clap::Args)]
pub struct DeinitArgs {
    /// Remove the drivers from your global git configuration instead
    #[arg(long)]
    global: bool,
}

fn set_config(repo: &Repo, scope: &str, ui: &Ui) -> Result<usize, CliError> {
    let mut changed = 0;
    for (key, value) in setup::config_entries(&crate::cli::common::self_command()) {
        let current = repo
            .run(&["config", scope, "--get", key])
            .ok()
            .map(|o| String::from_utf8_lossy(&o).trim_end().to_owned());
        if current.as_deref() != Some(value.as_str()) {
            repo.run(&["config", scope, key, &value])
                .map_err(git_error)?;
            changed += 1;
        }
    }
    if changed > 0 {
        ui.info(&format!(
            "git config {scope}: filter, diff and merge drivers set"
        ));
    }
    Ok(changed)
}

/// Turns rerere off in this repository. It records each conflicted file as it stands in
/// the work tree, plaintext for a protected file, under `.git/rr-cache`, where nothing
/// cleans it up (`git gc --prune=now` keeps it), and git offers no way to exclude paths.
/// A repository setting wins over the user's global one.
fn disable_rerere(repo: &Repo, ui: &Ui) -> Result<usize, CliError> {
    if repo
        .config_get("rerere.enabled")
        .map_err(git_error)?
        .as_deref()
        == Some("false")
    {
        return Ok(0);
    }
    repo.run(&["config", "--local", "rerere.enabled", "false"])
        .map_err(git_error)?;
    ui.info("git config --local rerere.enabled false: rerere would keep the plaintext of conflicted protected files in .git/rr-cache");
    Ok(1)
}

pub fn run_init(args: InitArgs, ui: &Ui) -> crate::cli::CmdResult {
    if args.global {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let repo = Repo {
            cwd: cwd.clone(),
            work_tree: None,
            git_dir: cwd.clone(),
            common_dir: cwd,
        };
        if set_config(&repo, "--global", ui)? == 0 {
            ui.info("already set up globally: nothing changed");
        }
        return Ok(());
    }
    let repo = current_repo()?;
    let Some(top) = repo.work_tree.clone() else {
        return Err(CliError::new(
            ExitKind::State,
            "this is a bare repository: there is no work tree to protect",
        )
        .hint("use `vaultfile git init --global` on the machines that clone it"));
    };
    let mut changed = set_config(&repo, "--local", ui)?;
    changed += disable_rerere(&repo, ui)?;

    let patterns = if args.patterns.is_empty() {
        patterns_from_config(&top)?
    } else {
        args.patterns.clone()
    };
    let attributes = top.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(CliError::io("read", &attributes, e)),
    };
    if let Some(text) = setup::add_patterns(&existing, &patterns) {
        write_shared(&attributes, text.as_bytes())?;
        ui.info(&format!(
            ".gitattributes: protecting {}",
            patterns.join(", ")
        ));
        changed += 1;
    }
    if setup::protected_patterns(&setup::add_patterns(&existing, &patterns).unwrap_or(existing))
        .is_empty()
    {
        ui.warn("no file is protected yet: pass PATTERNs (e.g. 'secrets/**') or add creation_rules with path_regex to .vaultfile.yaml");
    }

    if args.hooks {
        changed += install_hook(&repo)?;
    }
    let decrypted = unlock(&repo, &top, ui)?;
    if decrypted > 0 {
        ui.info(&format!("decrypted {decrypted} checked-out file(s)"));
    }
    report_plaintext_in_index(&repo, ui)?;
    if changed == 0 && decrypted == 0 {
        ui.info("already set up: nothing changed");
    }
    Ok(())
}

/// gitattributes patterns for the `path_regex` of every creation rule in the
/// repository's top-level `.vaultfile.yaml`.
fn patterns_from_config(top: &Path) -> Result<Vec<String>, CliError> {
    let Some(cfg) =
        Config::discover(top).map_err(|e| CliError::new(ExitKind::Usage, e.to_string()))?
    else {
        return Ok(Vec::new());
    };
    let rel = cfg
        .dir
        .strip_prefix(top)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let mut out = Vec::new();
    for rule in &cfg.creation_rules {
        let untranslatable = |re: &str| {
            CliError::new(
                ExitKind::Usage,
                format!(
                    "{}:{}: cannot turn path_regex '{re}' into a .gitattributes pattern",
                    cfg.path.display(),
                    rule.line
                ),
            )
            .hint("name the files to protect: vaultfile git init 'config/prod/*.yaml' …")
        };
        let Some(re) = &rule.path_regex else {
            return Err(untranslatable("(none: every file)"));
        };
        let pats = config::path_regex_to_patterns(re).ok_or_else(|| untranslatable(re))?;
        for p in pats {
            out.push(if rel.is_empty() {
                p
            } else if p.starts_with('/') {
                format!("/{rel}{p}")
            } else {
                format!("/{rel}/**/{p}")
            });
        }
    }
    Ok(out)
}

fn install_hook(repo: &Repo) -> Result<usize, CliError> {
    let hook = repo.git_path("hooks/pre-commit").map_err(git_error)?;
    let script = setup::hook_script(&crate::cli::common::self_command());
    match std::fs::read_to_string(&hook) {
        Ok(t) if t == script => return Ok(0),
        Ok(t) if !t.contains(setup::HOOK_MARKER) => {
            return Err(CliError::new(
                ExitKind::State,
                format!("{} exists and was not written by vaultfile", hook.display()),
            )
            .hint(format!(
                "add this line to it yourself: {} git check --staged",
                crate::cli::common::self_command()
            )));
        }
        _ => {}
    }
    if let Some(dir) = hook.parent() {
        std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, e))?;
    }
    std::fs::write(&hook, script).map_err(|e| CliError::io("write", &hook, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| CliError::io("make executable", &hook, e))?;
    }
    Ok(1)
}

/// The tracked paths git's filter protects.
fn protected_paths(repo: &Repo) -> Result<Vec<String>, CliError> {
    Ok(repo
        .filtered_tracked()
        .map_err(git_error)?
        .into_iter()
        .collect())
}

/// Re-checks-out protected files whose work-tree copy is the (encrypted) index blob, so
/// the smudge filter now decrypts them. Files with other content are left alone.
fn unlock(repo: &Repo, top: &Path, ui: &Ui) -> Result<usize, CliError> {
    let paths = protected_paths(repo)?;
    let mut blobs = BlobReader::start(repo).map_err(git_error)?;
    let mut stale = Vec::new();
    for (p, _, on_disk) in read_work_tree(ui, top, paths, "checking protected files") {
        let Ok(Some(blob)) = blobs.read(&format!(":{p}")) else {
            continue;
        };
        if on_disk == blob && matches!(convert::classify(&p, &blob), Content::Encrypted { .. }) {
            stale.push(p);
        }
    }
    if stale.is_empty() {
        return Ok(0);
    }
    // One `git checkout` decrypts them all (through the filter), so it cannot be counted
    // file by file: a spinner says that work is going on.
    let spinner = ui.spinner(
        stale.len(),
        &format!("decrypting {} checked-out files", stale.len()),
    );
    // git skips files whose stat data is unchanged; removing them forces the checkout
    // (git-crypt touches them for the same reason). Each is exactly its index blob.
    for p in &stale {
        let _ = std::fs::remove_file(top.join(p));
    }
    let mut args = vec!["checkout", "--"];
    args.extend(stale.iter().map(String::as_str));
    let top_repo = Repo {
        cwd: top.to_owned(),
        ..repo.clone()
    };
    top_repo.run(&args).map_err(git_error)?;
    drop(spinner);
    // Count only the files that came back decrypted.
    Ok(stale
        .iter()
        .filter(|p| {
            std::fs::read(top.join(p))
                .map(|c| matches!(convert::classify(p, &c), Content::Plain))
                .unwrap_or(false)
        })
        .count())
}

/// Warns about protected paths whose index blob is plaintext (committed before the
/// attributes): the attributes alone do not re-encrypt them.
fn report_plaintext_in_index(repo: &Repo, ui: &Ui) -> Result<(), CliError> {
    let paths = protected_paths(repo)?;
    let mut blobs = BlobReader::start(repo).map_err(git_error)?;
    let plain: Vec<String> = paths
        .into_iter()
        .filter(|p| {
            matches!(blobs.read(&format!(":{p}")), Ok(Some(b)) if matches!(convert::classify(p, &b), Content::Plain))
        })
        .collect();
    if !plain.is_empty() {
        ui.warn(&format!(
            "{} protected file(s) are staged in plaintext: {}",
            plain.len(),
            plain.join(", ")
        ));
        ui.hint("`git add --renormalize .` encrypts them for the next commit; their plaintext stays in earlier commits (rotate those secrets)");
    }
    Ok(())
}

pub fn run_deinit(args: DeinitArgs, ui: &Ui) -> crate::cli::CmdResult {
    let scope = if args.global { "--global" } else { "--local" };
    let repo = if args.global {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        Repo {
            cwd: cwd.clone(),
            work_tree: None,
            git_dir: cwd.clone(),
            common_dir: cwd,
        }
    } else {
        current_repo()?
    };
    let mut changed = 0;
    // Put ciphertext back first, while the filter still exists to tell what is unchanged.
    let mut relocked = 0;
    if let (false, Some(top)) = (args.global, repo.work_tree.clone()) {
        relocked = lock(&repo, &top, ui)?;
    }
    for section in setup::SECTIONS {
        if repo
            .run(&["config", scope, "--remove-section", section])
            .is_ok()
        {
            changed += 1;
        }
    }
    if let (false, Some(top)) = (args.global, repo.work_tree.clone()) {
        let attributes = top.join(".gitattributes");
        if let Ok(existing) = std::fs::read_to_string(&attributes)
            && let Some(text) = setup::remove_patterns(&existing)
        {
            write_shared(&attributes, text.as_bytes())?;
            ui.info(".gitattributes: vaultfile lines removed (commit the change)");
            changed += 1;
        }
        let hook = repo.git_path("hooks/pre-commit").map_err(git_error)?;
        if std::fs::read_to_string(&hook).is_ok_and(|t| t.contains(setup::HOOK_MARKER)) {
            std::fs::remove_file(&hook).map_err(|e| CliError::io("remove", &hook, e))?;
            changed += 1;
        }
    }
    if relocked > 0 {
        ui.info(&format!(
            "{relocked} file(s) back to their encrypted form in the work tree"
        ));
    }
    if changed == 0 {
        ui.info("vaultfile was not set up here: nothing changed");
    }
    Ok(())
}

/// Writes the index blob back over each protected file whose plaintext is unchanged, so
/// no plaintext stays in a work tree that no longer has a filter (and `git commit -a`
/// cannot pick it up). Changed files are reported and left alone.
fn lock(repo: &Repo, top: &Path, ui: &Ui) -> Result<usize, CliError> {
    let paths = protected_paths(repo)?;
    let mut blobs = BlobReader::start(repo).map_err(git_error)?;
    let mut count = 0;
    let mut modified = Vec::new();
    let status = repo
        .run(&["status", "--porcelain=v1", "-z", "--untracked-files=no"])
        .map_err(git_error)?;
    let dirty: Vec<String> = status
        .split(|b| *b == 0)
        .filter(|r| r.len() > 3)
        .map(|r| String::from_utf8_lossy(&r[3..]).into_owned())
        .collect();
    for (p, file, on_disk) in read_work_tree(ui, top, paths, "encrypting the work tree") {
        if matches!(convert::classify(&p, &on_disk), Content::Encrypted { .. }) {
            continue;
        }
        if dirty.contains(&p) {
            modified.push(p);
            continue;
        }
        let Ok(Some(blob)) = blobs.read(&format!(":{p}")) else {
            continue;
        };
        write_shared(&file, &blob)?;
        count += 1;
    }
    if !modified.is_empty() {
        ui.warn(&format!(
            "left in plaintext because they have uncommitted changes: {}",
            modified.join(", ")
        ));
    }
    Ok(count)
}

/// The files of `paths` (relative to `top`) that can be read from the work tree: each path,
/// its place on disk and its content, counted on a progress bar saying `what` until the
/// loop over them ends.
fn read_work_tree<'a>(
    ui: &Ui,
    top: &'a Path,
    paths: Vec<String>,
    what: &str,
) -> impl Iterator<Item = (String, PathBuf, Vec<u8>)> + 'a {
    let progress = ui.progress(paths.len(), what);
    paths.into_iter().filter_map(move |p| {
        progress.inc();
        let file = top.join(&p);
        let on_disk = std::fs::read(&file).ok()?;
        Some((p, file, on_disk))
    })
}

/// Writes a file that is not private (`.gitattributes`, a work-tree file put back from the
/// index) through [`io::write_all`].
fn write_shared(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    io::write_all(
        Output::File {
            path,
            private: false,
        },
        bytes,
    )
}
