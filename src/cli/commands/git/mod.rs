//! `vaultfile git …`: set a repository up, and the programs git runs as filter, diff and
//! merge drivers.

mod add;
mod check;
mod filter;
mod init;
mod merge;

use std::path::PathBuf;

use vaultfile::git::repo::{GitError, Repo};

use crate::cli::error::{CliError, ExitKind};
use crate::cli::ui::Ui;

/// Store protected files encrypted in git while working on plaintext
///
/// `vaultfile git init` sets the current repository up: git then encrypts protected
/// files when they are staged, decrypts them on checkout, shows decrypted diffs and merges
/// decrypted values. The other subcommands are what git runs; you rarely call them.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile git init '*.enc.yaml' 'secrets/**'   # protect these paths in this repository
  vaultfile git init --global                    # filters for every clone (as git lfs install)
  vaultfile git status                           # protected files, locked or not
  vaultfile git check --staged                   # is anything protected staged in plaintext?
  vaultfile git add .                            # git add, many files encrypted at once")]
pub struct GitArgs {
    #[command(subcommand)]
    command: GitCommand,
}

#[derive(Debug, clap::Subcommand)]
enum GitCommand {
    Init(init::InitArgs),
    Deinit(init::DeinitArgs),
    Status(check::StatusArgs),
    Check(check::CheckArgs),
    Add(add::AddArgs),
    FilterProcess(filter::FilterProcessArgs),
    Clean(filter::CleanArgs),
    Smudge(filter::SmudgeArgs),
    Textconv(filter::TextconvArgs),
    Merge(merge::MergeArgs),
}

pub fn run(args: GitArgs, ui: &Ui) -> crate::cli::CmdResult {
    match args.command {
        GitCommand::Init(a) => init::run_init(a, ui),
        GitCommand::Deinit(a) => init::run_deinit(a, ui),
        GitCommand::Status(a) => check::run_status(a, ui),
        GitCommand::Check(a) => check::run_check(a, ui),
        GitCommand::Add(a) => add::run(a, ui),
        GitCommand::FilterProcess(a) => filter::run_process(a, ui),
        GitCommand::Clean(a) => filter::run_clean(a, ui),
        GitCommand::Smudge(a) => filter::run_smudge(a, ui),
        GitCommand::Textconv(a) => filter::run_textconv(a, ui),
        GitCommand::Merge(a) => merge::run(a, ui),
    }
}

/// The repository around the current directory.
fn current_repo() -> Result<Repo, CliError> {
    let cwd = std::env::current_dir().map_err(|e| CliError::io("find", &PathBuf::from("."), e))?;
    Repo::discover(&cwd).map_err(|e| match e {
        GitError::Failed { .. } => CliError::new(
            ExitKind::State,
            format!("{} is not inside a git repository", cwd.display()),
        )
        .hint("run this inside a clone, or `git init` first"),
        other => git_error(other),
    })
}

fn git_error(e: GitError) -> CliError {
    let err = CliError::new(ExitKind::Other, e.to_string());
    match e {
        GitError::Spawn(_) => {
            err.hint("install git (https://git-scm.com) and make sure it is on PATH")
        }
        _ => err,
    }
}
