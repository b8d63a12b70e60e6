//! `vaultfile git merge`: git's merge driver for protected files.
//!
//! git hands over three temporary files in repository form (ciphertext) and expects the
//! result in the second (gitattributes(5)). Exit 0 is a clean merge, 1 a conflict;
//! git treats anything above 128 as a crash.

use std::path::PathBuf;

use vaultfile::git::merge::{self, Labels, Merged};

use crate::cli::error::{CliError, ExitKind};
use crate::cli::io::{self, Output};
use crate::cli::ui::Ui;
use crate::cli::{identities, key_services};

/// Merge the decrypted versions of a protected file (merge driver, run by git)
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The common ancestor's version (%O)
    base: PathBuf,
    /// Our version, where the result goes (%A)
    ours: PathBuf,
    /// Their version (%B)
    theirs: PathBuf,
    /// Conflict marker size (%L)
    #[arg(default_value_t = 7)]
    marker_size: usize,
    /// The file's path in the repository (%P)
    #[arg(default_value = "")]
    path: String,
    /// Labels for the conflict markers (%S %X %Y, git ≥ 2.44)
    labels: Vec<String>,
}

pub fn run(args: MergeArgs, ui: &Ui) -> crate::cli::CmdResult {
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| CliError::io("read", p, e));
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let path = if args.path.is_empty() {
        args.ours.to_string_lossy().into_owned()
    } else {
        args.path.clone()
    };
    // Older git passes the placeholders it does not know through unexpanded.
    let label = |i: usize, default: &'static str| -> String {
        args.labels
            .get(i)
            .filter(|l| !l.starts_with('%') && !l.is_empty())
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    let (l_base, l_ours, l_theirs) = (label(0, "base"), label(1, "ours"), label(2, "theirs"));
    let labels = Labels {
        ours: &l_ours,
        base: &l_base,
        theirs: &l_theirs,
        marker_size: args.marker_size,
    };
    let found = identities::collect(&[], ui)?;
    let merged = merge::merge(
        &path,
        &base,
        &ours,
        &theirs,
        &found.identities,
        &key_services::context(),
        &labels,
    )
    .map_err(|e| {
        CliError::new(ExitKind::Other, format!("cannot merge {path}: {e}"))
            .hint("git keeps our version; merge it by hand with `vaultfile edit` or `vaultfile decrypt`, then `git add` it")
    })?;
    let target = Output::File {
        path: &args.ours,
        private: true,
    };
    match merged {
        Merged::Clean(out) => io::write_all(target, &out),
        Merged::Conflicts(out) => {
            io::write_all(target, &out)?;
            ui.warn(&format!(
                "{path}: conflicting changes to the same values; the conflict markers are around plaintext in the work tree"
            ));
            Err(CliError::new(
                ExitKind::Other,
                format!(
                    "merge conflict in {path}: resolve the marked values, then `git add {path}` (it is encrypted again)"
                ),
            ))
        }
    }
}
