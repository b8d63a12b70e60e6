//! `vaultfile upgrade`: rewrite files stored in an older file format in the current one.
//!
//! Reading old files stays possible (with a warning) so that nobody is locked out by an
//! upgrade of vaultfile; this command is the explicit way to move a whole tree or
//! repository on, for files in the work tree and for the blobs git's filter stores.

use std::path::PathBuf;

use vaultfile::engine::Rotation;
use vaultfile::metadata::VERSION;

use crate::cli::common::IdentityArgs;
use crate::cli::error::CliError;
use crate::cli::identities;
use crate::cli::rekey::{self, EncryptedFile};
use crate::cli::ui::Ui;

/// Rewrite files stored in file format 1 in format 2, which authenticates every byte
///
/// Format 1 authenticates a file's values, recipients and rules, but not the text around
/// them: comments, layout, anchors and aliases, keys without values. Format 2's MAC covers
/// the whole file. Upgrading keeps the data key, the recipients and every value's
/// ciphertext: only the metadata's version and MAC change.
///
/// Encrypted files under PATH are rewritten in place. In a repository set up with
/// `vaultfile git init`, where the work tree holds plaintext, the files git's filter
/// manages are read from git's index and their new version is staged there (the work
/// tree, unstaged changes included, is left alone), so the next `git commit` records them.
/// As every write does, an upgraded file gets its .vaultfile.yaml rule's recipients and
/// selection rules.
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

pub fn run(args: UpgradeArgs, ui: &Ui) -> crate::cli::CmdResult {
    // A file named on the command line that is not a vaultfile file (plaintext, SOPS) is
    // refused as every re-keying command refuses it, not counted as "nothing to upgrade".
    let files = rekey::find_encrypted(&args.paths)?;
    let looked_at = files.len();
    let old: Vec<EncryptedFile> = files
        .into_iter()
        .filter(|f| f.metadata.version < VERSION)
        .collect();
    let where_ = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if old.is_empty() {
        ui.line(&format!("nothing to upgrade: {looked_at} encrypted file{} under {where_}, every one in format {VERSION}",
            if looked_at == 1 { "" } else { "s" }))?;
        return Ok(());
    }
    if args.dry_run {
        for f in &old {
            ui.line(&format!(
                "{}{}: format {} (would upgrade)",
                f.name(),
                f.where_note(),
                f.metadata.version
            ))?;
        }
        return Ok(());
    }
    let found = identities::collect(&args.identity.identities, ui)?;
    let mut failures: Vec<CliError> = Vec::new();
    for f in &old {
        match upgrade_file(f, &found.identities, &found.tried) {
            Ok(()) => ui.line(&format!(
                "{}: format {} → {VERSION}{}",
                f.name(),
                f.metadata.version,
                f.written_note()
            ))?,
            Err(e) => failures.push(e),
        }
    }
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    for f in &failures {
        ui.error(f);
    }
    Err(last)
}

/// Decrypts `file` and encrypts it again with itself as baseline (same data key, same
/// wrapped keys, same tokens, current format), made to match its `.vaultfile.yaml` rule
/// as every write is.
fn upgrade_file(
    file: &EncryptedFile,
    identities: &[Box<dyn vaultfile::keys::Identity>],
    tried: &[String],
) -> Result<(), CliError> {
    let rule = rekey::rule_of(&file.path, None)?;
    let (text, _) = rekey::reencrypt(
        file,
        identities,
        tried,
        rule.as_ref().map(|r| &r.holders),
        rule.as_ref().map(|r| r.rules.clone()),
        Rotation::OnRemoval,
    )?;
    rekey::write(file, &text)
}
