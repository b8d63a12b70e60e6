//! `vaultfile recipients`: who can decrypt a file (`list`, also the bare form), and
//! ad-hoc changes without a configuration (`add`, `rm`).

use std::path::PathBuf;

use vaultfile::engine::Rotation;
use vaultfile::format::Format;

use crate::cli::common::{self, IdentityArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::io::Input;
use crate::cli::rekey;
use crate::cli::ui::Ui;

/// List, add or remove the recipients of encrypted files
///
/// `vaultfile recipients FILE` lists them (no key needed). `add` and `rm` change them
/// for the files named that no .vaultfile.yaml rule covers (a rule decides its files'
/// recipients: edit it and run `vaultfile updatekeys`): adding keeps the data key (values
/// keep their exact ciphertext), removing makes a new one unless --no-rotate. Files git's
/// filter manages are read from, and staged in, git's index.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:
  vaultfile recipients config/prod.yaml
  vaultfile recipients add config/prod.yaml config/dev.yaml \\
      age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
  vaultfile recipients rm config/prod.yaml \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI…\"
  vaultfile recipients add secrets.env passphrase:break-glass   # asks for a passphrase"
)]
pub struct RecipientsArgs {
    #[command(subcommand)]
    command: Option<RecipientsCommand>,

    #[command(flatten)]
    list: ListArgs,
}

#[derive(Debug, clap::Subcommand)]
enum RecipientsCommand {
    List(ListArgs),
    Add(AddArgs),
    Rm(RmArgs),
}

/// List the recipients of an encrypted file (no key needed)
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:
  vaultfile recipients list config/prod.yaml")]
struct ListArgs {
    /// The encrypted file (`-` for standard input)
    #[arg(value_name = "FILE", required = true)]
    file: Option<PathBuf>,

    /// The file's format, when its name does not say [default: from the extension]
    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = common::format_parser())]
    input_type: Option<Format>,
}

/// Encrypt files to one more recipient; the data key is kept
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile recipients add config/prod.yaml \\
      age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
  vaultfile recipients add --group 2 secrets/prod.yaml age1…   # a file with key groups")]
struct AddArgs {
    /// The encrypted files
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    files: Vec<PathBuf>,

    /// The recipient to add: age1…, age1PLUGIN1…, 'ssh-ed25519 AAAA…', passphrase[:LABEL],
    /// an AWS KMS key's ARN, vault:https://HOST/MOUNT/keys/NAME,
    /// gcpkms:projects/P/locations/L/keyRings/R/cryptoKeys/K, or
    /// azkv:https://VAULT.vault.azure.net/keys/NAME
    #[arg(value_name = "RECIPIENT")]
    recipient: String,

    /// The key group (1, 2, …) the recipient joins, for files with key groups
    #[arg(long, value_name = "N")]
    group: Option<usize>,

    #[command(flatten)]
    identity: IdentityArgs,
}

/// Stop encrypting files to a recipient; a new data key is made
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:
  vaultfile recipients rm config/prod.yaml \\
      age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p")]
struct RmArgs {
    /// The encrypted files
    #[arg(value_name = "FILE", required = true, num_args = 1..)]
    files: Vec<PathBuf>,

    /// The recipient to remove, as `vaultfile recipients FILE` lists it
    #[arg(value_name = "RECIPIENT")]
    recipient: String,

    /// Keep the data key (the removed recipient can still decrypt this and earlier
    /// versions with a copy of the old key)
    #[arg(long)]
    no_rotate: bool,

    #[command(flatten)]
    identity: IdentityArgs,
}

pub fn run(args: RecipientsArgs, ui: &Ui) -> crate::cli::CmdResult {
    match args.command {
        None => list(args.list),
        Some(RecipientsCommand::List(a)) => list(a),
        Some(RecipientsCommand::Add(a)) => {
            let change_of = Change {
                files: &a.files,
                recipient: &a.recipient,
                add: true,
                group: a.group,
                rotation: Rotation::OnRemoval,
            };
            change(change_of, &a.identity, ui)
        }
        Some(RecipientsCommand::Rm(a)) => {
            let rotation = if a.no_rotate {
                Rotation::Never
            } else {
                Rotation::OnRemoval
            };
            let change_of = Change {
                files: &a.files,
                recipient: &a.recipient,
                add: false,
                group: None,
                rotation,
            };
            change(change_of, &a.identity, ui)
        }
    }
}

fn list(args: ListArgs) -> crate::cli::CmdResult {
    let file = args.file.ok_or_else(|| {
        CliError::new(ExitKind::Usage, "name a file").hint("vaultfile recipients list FILE")
    })?;
    let input = Input::new(Some(&file));
    let name = input.name();
    let bytes = input.read()?;
    let text = common::text(&name, bytes)?;
    let format = common::format_for_encrypted(&input, args.input_type, &text);
    let store = vaultfile::format::encrypted_store_for(format);
    common::refuse_sops(&name, &text, format, "`vaultfile recipients`")?;
    let meta = match vaultfile::engine::inspect(store, &text) {
        Ok(meta) => meta,
        // Plaintext in a work tree git's filter manages: the ciphertext is in the index.
        Err(vaultfile::engine::DecryptError::NotEncrypted) if input.path().is_some() => {
            match rekey::read_any(&file)? {
                Some(f) => f.metadata,
                None => {
                    return Err(CliError::decrypt(
                        &name,
                        vaultfile::engine::DecryptError::NotEncrypted,
                        &[],
                    ));
                }
            }
        }
        Err(e) => return Err(CliError::decrypt(&name, e, &[])),
    };
    let mut out = String::new();
    if meta.has_key_groups() {
        let (groups, threshold) = meta.groups();
        for (i, g) in groups.iter().enumerate() {
            if i == 0 {
                out.push_str(&format!(
                    "# key group 1 of {} ({threshold} needed)\n",
                    groups.len()
                ));
            } else {
                out.push_str(&format!("# key group {}\n", i + 1));
            }
            for r in g {
                out.push_str(r);
                out.push('\n');
            }
        }
    } else {
        for r in meta.recipient_ids() {
            out.push_str(r);
            out.push('\n');
        }
    }
    crate::cli::io::write_stdout(out.as_bytes())
}

/// A recipient added to or removed from files.
struct Change<'a> {
    files: &'a [PathBuf],
    recipient: &'a String,
    add: bool,
    /// The key group an added recipient joins.
    group: Option<usize>,
    rotation: Rotation,
}

fn change(c: Change<'_>, ids: &IdentityArgs, ui: &Ui) -> crate::cli::CmdResult {
    let Change {
        files: paths,
        recipient,
        add,
        group,
        rotation,
    } = c;
    for p in paths {
        if p.is_dir() {
            return Err(CliError::new(
                ExitKind::Usage,
                format!("{} is a directory", p.display()),
            )
            .hint("name files; `vaultfile updatekeys DIR` updates a directory from .vaultfile.yaml"));
        }
    }
    let files = rekey::find_encrypted(paths)?;
    let one = std::slice::from_ref(recipient);
    let (to_add, to_rm): (&[String], &[String]) = if add { (one, &[]) } else { (&[], one) };
    let mut planned = Vec::with_capacity(files.len());
    for f in files {
        // A file with a .vaultfile.yaml rule gets its recipients from there: a change made
        // here would be undone by its next write.
        if let Some(rule) = rekey::rule_of(&f.path, None)? {
            return Err(rekey::rule_governs(&f, &rule));
        }
        let holders =
            rekey::change_holders(&f.name(), rekey::holders_of(&f)?, to_add, to_rm, group)?;
        planned.push((f, holders));
    }
    let found = identities::collect(&ids.identities, ui)?;
    let progress = ui.progress(planned.len(), if add { "adding" } else { "removing" });
    // Re-encrypted several at a time, written one after another in order; the first
    // failure stops the writing, as one file at a time.
    let reencrypted =
        crate::cli::pool::map_ordered(crate::cli::pool::jobs()?, &planned, |(f, holders)| {
            let r = rekey::reencrypt(
                f,
                &found.identities,
                &found.tried,
                Some(holders),
                None,
                rotation,
            );
            progress.inc();
            r
        });
    for ((f, _), result) in planned.iter().zip(reencrypted) {
        let (text, r) = result?;
        if r.unchanged {
            progress.suspend(|| {
                ui.info(&format!(
                    "{}: {recipient} is already a recipient: nothing changed",
                    f.name()
                ));
            });
            continue;
        }
        rekey::write(f, &text)?;
        let mut msg = String::new();
        for a in &r.added {
            msg.push_str(&format!(
                "{}: + {}\n",
                f.name(),
                vaultfile::keys::short_id(a)
            ));
        }
        for a in &r.removed {
            msg.push_str(&format!(
                "{}: - {}\n",
                f.name(),
                vaultfile::keys::short_id(a)
            ));
        }
        if r.rotated {
            msg.push_str(&format!("{}: new data key\n", f.name()));
        }
        if !f.written_note().is_empty() {
            msg.push_str(&format!("{}:{}\n", f.name(), f.written_note()));
        }
        if r.rotated {
        } else if !r.removed.is_empty() {
            progress.suspend(|| ui.warn(&format!(
                "{}: the data key was kept (--no-rotate): {} can still decrypt it with a copy of the old key",
                f.name(),
                r.removed.join(", ")
            )));
        }
        progress.suspend(|| ui.out(&msg))?;
    }
    Ok(())
}
