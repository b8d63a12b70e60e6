//! `vaultfile rotate`: a new data key for encrypted files.

use std::path::PathBuf;

use vaultfile::engine::Rotation;

use crate::cli::common::IdentityArgs;
use crate::cli::error::CliError;
use crate::cli::identities;
use crate::cli::rekey;
use crate::cli::ui::Ui;

/// Make a new data key for encrypted files and encrypt every value again
///
/// The recipients (or key groups) and selection rules become those of the file's
/// .vaultfile.yaml rule, when it has one (change them there); a file without a rule keeps
/// its own, changed by --add/--rm. The file's `created` time, which records when its data
/// key was made, changes only here and when updatekeys or recipients rm make a new key. In
/// a repository set up with `vaultfile git init`, files git's filter manages are read from
/// git's index and the new versions staged there, for `git commit` to record.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile rotate secrets/prod.yaml
  vaultfile rotate config/ \\
      --rm age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
  vaultfile rotate --add age1… --group 2 secrets/prod.yaml   # a file with key groups")]
pub struct RotateArgs {
    /// Encrypted files, or directories to search
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,

    /// Also encrypt to RECIPIENT (repeatable)
    #[arg(long, value_name = "RECIPIENT")]
    add: Vec<String>,

    /// Stop encrypting to RECIPIENT (repeatable)
    #[arg(long, value_name = "RECIPIENT")]
    rm: Vec<String>,

    /// The key group (1, 2, …) that --add recipients join, for files with key groups
    #[arg(long, value_name = "N")]
    group: Option<usize>,

    #[command(flatten)]
    identity: IdentityArgs,
}

pub fn run(args: RotateArgs, ui: &Ui) -> crate::cli::CmdResult {
    let files = rekey::find_encrypted(&args.paths)?;
    if files.is_empty() {
        return Err(rekey::nothing_found(&args.paths, "rotate"));
    }
    // Check every file's change before writing any. A file with a .vaultfile.yaml rule
    // gets its rule's holders and selection rules (the rule is the truth, and the next
    // write would restore them anyway), so --add/--rm apply only to files without one.
    let mut planned = Vec::with_capacity(files.len());
    for f in files {
        let (holders, rules) = match rekey::rule_of(&f.path, None)? {
            Some(rule) => {
                if !args.add.is_empty() || !args.rm.is_empty() {
                    return Err(rekey::rule_governs(&f, &rule));
                }
                (rule.holders, Some(rule.rules))
            }
            None => (
                rekey::change_holders(
                    &f.name(),
                    rekey::holders_of(&f)?,
                    &args.add,
                    &args.rm,
                    args.group,
                )?,
                None,
            ),
        };
        planned.push((f, holders, rules));
    }
    let found = identities::collect(&args.identity.identities, ui)?;
    let mut failures: Vec<CliError> = Vec::new();
    let mut done = 0;
    let progress = ui.progress(planned.len(), "rotating");
    // Re-encrypted several at a time, written one after another in order.
    let reencrypted = crate::cli::pool::map_ordered(
        crate::cli::pool::jobs()?,
        &planned,
        |(f, holders, rules)| {
            let r = rekey::reencrypt(
                f,
                &found.identities,
                &found.tried,
                Some(holders),
                rules.clone(),
                Rotation::Always,
            );
            progress.inc();
            r
        },
    );
    for ((f, _, _), result) in planned.iter().zip(reencrypted) {
        let result = result.and_then(|(text, r)| rekey::write(f, &text).map(|()| r));
        match result {
            Ok(r) => {
                done += 1;
                let mut msg = format!("{}: new data key{}", f.name(), f.written_note());
                for a in &r.added {
                    msg.push_str(&format!("\n  + {}", vaultfile::keys::short_id(a)));
                }
                for a in &r.removed {
                    msg.push_str(&format!("\n  - {}", vaultfile::keys::short_id(a)));
                }
                progress.suspend(|| ui.line(&msg))?;
            }
            Err(e) => failures.push(e),
        }
    }
    drop(progress);
    if planned.len() > 1 {
        ui.line(&format!(
            "{done} file{} rotated{}",
            if done == 1 { "" } else { "s" },
            if failures.is_empty() {
                String::new()
            } else {
                format!(", {} failed", failures.len())
            }
        ))?;
    }
    let Some(last) = failures.pop() else {
        return Ok(());
    };
    for f in &failures {
        ui.error(f);
    }
    Err(last)
}
