//! `vaultfile encrypt`: encrypt the values of a file.

use std::path::PathBuf;

use vaultfile::engine::{self, EncryptOptions, Opened};
use vaultfile::format::{self, Format};
use vaultfile::keys::KeyHolders;

use crate::cli::common::{self, ConfigArgs, IdentityArgs, RecipientArgs, RuleArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::io::{self, Input, Output};
use crate::cli::ui::Ui;

/// Encrypt the values of a YAML, JSON, TOML or dotenv file (any other file whole)
///
/// Keys, comments, order and formatting stay as they are; each value is replaced by a
/// `VF1.…` token. The data key is wrapped for every recipient; any one of them can decrypt.
/// Without -r/-R or --baseline, the recipients and rules come from the first matching
/// creation rule of .vaultfile.yaml, found by walking up from the file's directory.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile encrypt -i config/prod.yaml \\
      -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
  vaultfile encrypt -r \"$(cat ~/.ssh/id_ed25519.pub)\" -o secrets.enc.json secrets.json
  vaultfile encrypt -i --unencrypted-regex '^(user|host|port)$' -R team.txt database.yaml
  vaultfile encrypt --baseline prod.enc.yaml -o prod.enc.yaml.new prod.yaml
  vaultfile encrypt -i config/prod.yaml      # recipients from .vaultfile.yaml")]
pub struct EncryptArgs {
    /// The file to encrypt (`-` or nothing for standard input)
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    #[command(flatten)]
    recipients: RecipientArgs,

    /// Encrypt the file in place
    #[arg(short = 'i', long, conflicts_with = "output")]
    in_place: bool,

    /// Write the encrypted file to OUT instead of standard output
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// The input's format [default: from the file extension; binary if unknown]
    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = common::format_parser())]
    input_type: Option<Format>,

    #[command(flatten)]
    rules: RuleArgs,

    /// Reuse the data key, recipients and rules of ENCRYPTED, an earlier encrypted version of
    /// this file, so unchanged values keep their exact ciphertext. When the file has a
    /// .vaultfile.yaml rule (and no -r/-R or rule flag is given), its recipients and rules
    /// become the rule's: added recipients keep the data key, removed ones cost a new one
    #[arg(long, value_name = "ENCRYPTED")]
    baseline: Option<PathBuf>,

    #[command(flatten)]
    config: ConfigArgs,

    #[command(flatten)]
    identity: IdentityArgs,
}

pub fn run(args: EncryptArgs, ui: &Ui) -> crate::cli::CmdResult {
    let input = Input::new(args.file.as_deref());
    let name = input.name();
    common::in_place_needs_file(&input, args.in_place, "the result")?;
    let format = common::format_for_plain(&input, args.input_type)?;
    // Read first: a missing file is reported as such, not as a configuration problem.
    let bytes = input.read()?;
    let mut rules = args.rules.spec();
    let now = crate::cli::clock::now()?;
    // Key groups from the configuration: a fresh data key split and wrapped for them,
    // used as the baseline of this new file.
    let mut new_key = None;
    let recipients = if args.recipients.is_empty() && args.baseline.is_none() {
        let flag = args.config.config.as_deref();
        let (holders, config_rules, _) = common::holders_from_config(flag, input.path())?;
        rules = rules.or(config_rules);
        match holders {
            KeyHolders::Recipients(recipients) => recipients,
            groups => {
                new_key =
                    Some(engine::new_key(&groups, now).map_err(|e| CliError::encrypt(&name, e))?);
                Vec::new()
            }
        }
    } else {
        args.recipients.parse()?
    };
    let mut baseline = match &args.baseline {
        Some(b) => Some(open_baseline(b, format, &args.identity, ui)?),
        None => None,
    };
    // The rule is the truth: without -r/-R and rule flags, a file encrypted with a baseline
    // gets its .vaultfile.yaml rule's holders and selection rules (looked up by the input's
    // name, else the baseline's), as every other write does.
    let mut notes = Vec::new();
    if let (Some(base), Some(b)) = (&baseline, &args.baseline)
        && args.recipients.is_empty()
        && rules.is_none()
    {
        let named = input
            .path()
            .filter(|p| {
                matches!(
                    crate::cli::rekey::rule_of(p, args.config.config.as_deref()),
                    Ok(Some(_))
                )
            })
            .unwrap_or(b);
        if let Some(c) = crate::cli::rekey::conform_to_rule(named, &name, base, now)? {
            rules = Some(c.rules);
            notes = c.notes;
            baseline = Some(c.opened);
        }
    }
    let opts = EncryptOptions {
        recipients: &recipients,
        rules,
        baseline: baseline.as_ref().or(new_key.as_ref()),
        now,
        allow_nothing_encrypted: args.rules.allow_all_plaintext,
    };
    let target = Output::choose(args.output.as_deref(), args.in_place, &input, false);
    // git's filter encrypts a file it manages on `git add`; encrypting the work-tree copy
    // would leave ciphertext where people edit, and the next checkout would undo it.
    if let Some(path) = input.path()
        && args.in_place
        && vaultfile::git::repo::Repo::protects(path)
    {
        return Err(CliError::new(
            ExitKind::State,
            format!("{name} is protected by git's filter: git encrypts it when you `git add` it"),
        )
        .hint("edit it as plaintext and `git add` it; `git show :PATH` shows what git stores")
        .hint("to encrypt a copy, write it elsewhere (-o FILE, or standard output)"));
    }
    // A SOPS file is encrypted already: encrypting its values and its `sops` block again
    // would leave a file neither tool can read.
    if let Ok(text) = std::str::from_utf8(&bytes) {
        common::refuse_sops(&name, text, format, "`vaultfile encrypt`")?;
    }
    let summary = match format::store_for(format) {
        Some(store) => {
            let text = zeroize::Zeroizing::new(common::text(&name, bytes)?);
            io::write_with(target, |w| {
                engine::encrypt_to(store, &text, &opts, w).map_err(|e| CliError::encrypt(&name, e))
            })?
        }
        None => {
            // An encrypted binary file is a YAML document with metadata: refuse to wrap it again.
            if let Ok(text) = std::str::from_utf8(&bytes)
                && engine::inspect(format::binary::envelope(), text).is_ok()
            {
                return Err(CliError::encrypt(
                    &name,
                    engine::EncryptError::AlreadyEncrypted,
                ));
            }
            let enc =
                engine::encrypt_binary(&bytes, &opts).map_err(|e| CliError::encrypt(&name, e))?;
            io::write_all(target, enc.text.as_bytes())?;
            Some(engine::EncryptSummary {
                warnings: enc.warnings,
                encrypted_values: enc.encrypted_values,
            })
        }
    };
    for w in summary.iter().flat_map(|s| &s.warnings) {
        ui.warn(&format!("{name}: {w}"));
    }
    for note in &notes {
        ui.info(note);
    }
    Ok(())
}

/// Opens `--baseline`: the same format as the input, decrypted with the usual identities.
fn open_baseline(
    path: &std::path::Path,
    format: Format,
    ids: &IdentityArgs,
    ui: &Ui,
) -> Result<Opened, CliError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| CliError::io("read baseline", path, e))?;
    let text = common::text(&name, bytes)?;
    let found = identities::collect(&ids.identities, ui)?;
    let opened = match format::store_for(format) {
        Some(store) => engine::open(store, &text, &found.identities),
        None => engine::decrypt_binary(&text, &found.identities).map(|(_, o)| o),
    };
    opened.map_err(|e| {
        let mut e = CliError::decrypt(&name, e, &found.tried);
        e.message = format!("cannot use the baseline: {}", e.message);
        e
    })
}
