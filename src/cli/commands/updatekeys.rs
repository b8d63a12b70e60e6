//! `vaultfile updatekeys`: make encrypted files' recipients match `.vaultfile.yaml`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use vaultfile::engine::Rotation;
use vaultfile::keys::KeyHolders;
use vaultfile::path::RuleSpec;

use crate::cli::common::{self, ConfigArgs, IdentityArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::rekey::{self, EncryptedFile};
use crate::cli::ui::Ui;

/// Make encrypted files' recipients match their creation rule in .vaultfile.yaml
///
/// PATH is a file or a directory (searched recursively; only vaultfile-encrypted files are
/// looked at). The plan is shown for each file (`+ age1…` added, `- age1…` removed) and
/// confirmed before anything is written. Adding recipients keeps the data key, so every
/// value keeps its exact ciphertext; removing one makes a new data key (the removed
/// person may still have the old one), unless --no-rotate. Changing key groups or their
/// threshold also makes a new data key. The files' selection rules become the rule's too
/// (values are encrypted again as the rule now says).
///
/// In a repository set up with `vaultfile git init`, where the work tree holds plaintext,
/// the files are read from git's index and the new versions are staged there: `git commit`
/// records them (`git add --renormalize -- PATH` does the same through git's filter).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile updatekeys config/                  # every encrypted file under config/
  vaultfile updatekeys --dry-run .              # only show what would change
  vaultfile updatekeys --yes secrets/prod.yaml  # no question (scripts, CI)")]
pub struct UpdatekeysArgs {
    /// Encrypted files, or directories to search
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,

    /// Update without asking
    #[arg(short, long)]
    yes: bool,

    /// Only show what would change; write nothing
    #[arg(short = 'n', long, conflicts_with = "yes")]
    dry_run: bool,

    /// Keep the data key even when a recipient is removed (the removed person can still
    /// decrypt this and any earlier version of the file with a copy of the old key)
    #[arg(long)]
    no_rotate: bool,

    #[command(flatten)]
    config: ConfigArgs,

    #[command(flatten)]
    identity: IdentityArgs,
}

/// One file's update.
struct Planned {
    file: EncryptedFile,
    /// The rule's holders: an index into the parsed rules.
    holders: usize,
}

pub fn run(args: UpdatekeysArgs, ui: &Ui) -> crate::cli::CmdResult {
    let files = rekey::find_encrypted(&args.paths)?;
    if files.is_empty() {
        return Err(rekey::nothing_found(&args.paths, "update"));
    }
    let flag = args.config.config.as_deref();
    // Each rule's recipients are parsed once, so a passphrase is asked for once.
    let mut parsed: Vec<(KeyHolders, RuleSpec)> = Vec::new();
    let mut by_rule: HashMap<(PathBuf, usize), usize> = HashMap::new();
    let mut plans = Vec::new();
    let mut failures: Vec<CliError> = Vec::new();
    let mut up_to_date = 0;
    let mut out = String::new();
    for file in files {
        let (config, i) = match common::config_rule(flag, Some(&file.path)) {
            Ok(r) => r,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let key = (config.path.clone(), i);
        let h = match by_rule.get(&key) {
            Some(&h) => h,
            None => {
                let holders = match common::holders_of_rule(&config, i) {
                    Ok(h) => h,
                    Err(e) => {
                        failures.push(e);
                        continue;
                    }
                };
                parsed.push((holders, config.creation_rules[i].rules.clone()));
                by_rule.insert(key, parsed.len() - 1);
                parsed.len() - 1
            }
        };
        let mut lines = rekey::plan(&file.metadata, &parsed[h].0);
        if file.metadata.rules != parsed[h].1 {
            lines.push(rekey::rules_line(&file.metadata.rules, &parsed[h].1));
        }
        if lines.is_empty() {
            up_to_date += 1;
            continue;
        }
        out.push_str(&format!("{}{}\n", file.name(), file.where_note()));
        for l in &lines {
            out.push_str(&format!("  {l}\n"));
        }
        plans.push(Planned { file, holders: h });
    }
    crate::cli::io::write_stdout(out.as_bytes())?;
    let summary = |updated: usize, rotated: usize, failed: usize| {
        let mut s = format!(
            "{updated} file{} updated",
            if updated == 1 { "" } else { "s" }
        );
        if rotated > 0 {
            s.push_str(&format!(" ({rotated} with a new data key)"));
        }
        s.push_str(&format!(", {up_to_date} up to date"));
        if failed > 0 {
            s.push_str(&format!(", {failed} failed"));
        }
        s
    };
    if args.dry_run || plans.is_empty() {
        let mut s = if args.dry_run {
            format!(
                "dry run: {} file{} would be updated, {up_to_date} up to date",
                plans.len(),
                if plans.len() == 1 { "" } else { "s" }
            )
        } else {
            summary(0, 0, failures.len())
        };
        if !failures.is_empty() && args.dry_run {
            s.push_str(&format!(", {} failed", failures.len()));
        }
        ui.line(&s)?;
        return finish(failures, ui);
    }
    // Declining is an answer, not an error.
    if !args.yes && !confirm(plans.len())? {
        ui.info("nothing was changed (--dry-run shows the plan; --yes updates without asking)");
        return Ok(());
    }

    let found = identities::collect(&args.identity.identities, ui)?;
    let rotation = if args.no_rotate {
        Rotation::Never
    } else {
        Rotation::OnRemoval
    };
    let progress = ui.progress(plans.len(), "updating");
    let (mut updated, mut rotated) = (0, 0);
    // Re-encrypted several at a time (key services' round trips overlap), written one
    // after another in the plan's order (a file in git's index is staged by git).
    let reencrypted = crate::cli::pool::map_ordered(crate::cli::pool::jobs()?, &plans, |p| {
        let r = rekey::reencrypt(
            &p.file,
            &found.identities,
            &found.tried,
            Some(&parsed[p.holders].0),
            Some(parsed[p.holders].1.clone()),
            rotation,
        );
        progress.inc();
        r
    });
    for (p, result) in plans.iter().zip(reencrypted) {
        let result = result.and_then(|(text, r)| rekey::write(&p.file, &text).map(|()| r));
        match result {
            Ok(r) => {
                updated += 1;
                if r.rotated {
                    rotated += 1;
                } else if !r.removed.is_empty() {
                    progress.suspend(|| ui.warn(&format!(
                        "{}: the data key was kept (--no-rotate): {} can still decrypt it with a copy of the old key",
                        p.file.name(),
                        r.removed.join(", ")
                    )));
                }
            }
            Err(e) => failures.push(e),
        }
    }
    drop(progress);
    ui.line(&summary(updated, rotated, failures.len()))?;
    if updated > 0
        && plans
            .iter()
            .any(|p| matches!(p.file.stored, rekey::Stored::Index { .. }))
    {
        ui.info("the files in git's index were staged: `git commit` records the change");
    }
    finish(failures, ui)
}

fn confirm(n: usize) -> Result<bool, CliError> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(CliError::new(
            ExitKind::Usage,
            "not on a terminal, so updatekeys cannot ask before changing files",
        )
        .hint("pass --yes to update without asking, or --dry-run to only show the plan"));
    }
    dialoguer::Confirm::new()
        .with_prompt(format!("Update {n} file{}?", if n == 1 { "" } else { "s" }))
        .default(false)
        .interact()
        .map_err(|e| CliError::new(ExitKind::Other, format!("cannot ask: {e}")))
}

/// Reports every failure but the last on stderr and returns the last as the error.
fn finish(mut failures: Vec<CliError>, ui: &Ui) -> crate::cli::CmdResult {
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    for f in &failures {
        ui.error(f);
    }
    Err(last)
}
