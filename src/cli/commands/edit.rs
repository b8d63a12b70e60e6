//! `vaultfile edit`: decrypt into a private file, open an editor, encrypt what was saved.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::Command;

use zeroize::Zeroizing;

use vaultfile::engine::{self, EncryptError, EncryptOptions, Opened};
use vaultfile::format::{self, Format};
use vaultfile::keys::{KeyHolders, Recipient};
use vaultfile::path::RuleSpec;

use crate::cli::child::{self, SignalGuard};
use crate::cli::common::{self, ConfigArgs, IdentityArgs, RecipientArgs, RuleArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::io::{self, Output};
use crate::cli::scratch::{self, Scratch};
use crate::cli::secret::{self, AnyLoaded};
use crate::cli::ui::Ui;

/// Edit an encrypted file in your editor; what you save is encrypted again
///
/// The file is decrypted into a private file (mode 0600, in a new 0700 directory under
/// $XDG_RUNTIME_DIR or /dev/shm, never in the repository or the working directory) and
/// opened with $VAULTFILE_EDITOR, $VISUAL or $EDITOR (a command with arguments, such as
/// `code --wait`), else vi. After the editor exits:
///
/// - nothing changed: "no changes", and the file is left as it was, byte for byte;
///
/// - changed: it is encrypted with the old version as baseline, so only the changed values'
///   ciphertext and the MAC change;
///
/// - a syntax error: it is shown with its line and column and, on a terminal, you can
///   re-open the editor; otherwise nothing is written.
///
/// The plaintext file is overwritten and removed on every way out (also when the editor
/// fails or vaultfile gets SIGINT, SIGTERM or SIGHUP).
///
/// A FILE that does not exist is created from a small template, encrypted to the
/// recipients of -r/-R, or else of the matching rule in .vaultfile.yaml.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile edit config/prod.yaml
  EDITOR='code --wait' vaultfile edit .env.production
  vaultfile edit new.yaml \\
      -r age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
  VAULTFILE_EDITOR=nano vaultfile edit secrets.toml")]
pub struct EditArgs {
    /// The encrypted file (created if it does not exist)
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The file's format [default: from the file extension; binary if unknown]
    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = common::format_parser())]
    input_type: Option<Format>,

    /// For a new file: its recipients (an existing file keeps its own)
    #[command(flatten)]
    recipients: RecipientArgs,

    /// For a new file: its selection rules
    #[command(flatten)]
    rules: RuleArgs,

    #[command(flatten)]
    config: ConfigArgs,

    #[command(flatten)]
    identity: IdentityArgs,
}

/// What the edited text is encrypted with.
enum Target {
    /// The opened file's key material, made to match its rule, and the rule's selection
    /// rules (`None`: the file's own).
    Existing(Opened, Option<RuleSpec>),
    New {
        recipients: Vec<Box<dyn Recipient>>,
        rules: Option<RuleSpec>,
        new_key: Option<Opened>,
    },
}

pub fn run(args: EditArgs, ui: &Ui) -> crate::cli::CmdResult {
    let file = &args.file;
    let name = file.display().to_string();
    let format = args.input_type.unwrap_or_else(|| Format::from_path(file));
    let exists = file.exists();
    // What making the file match its .vaultfile.yaml rule changes, said once it is written.
    let mut notes = Vec::new();
    let (original, target) = if exists {
        if !args.recipients.is_empty() || args.rules.spec().is_some() {
            return Err(CliError::new(
                ExitKind::Usage,
                format!("{name} already exists: -r/-R and the rule flags only apply to a new file"),
            )
            .hint("an existing file keeps its recipients and rules; edit it without them"));
        }
        let (content, opened) = match secret::load_any(file, args.input_type, &args.identity, ui)? {
            AnyLoaded::Text(l) => (
                Zeroizing::new(l.plain.as_bytes().to_vec()),
                l.origin.require_vaultfile(&name, "edit")?,
            ),
            AnyLoaded::Binary { content, origin } => {
                (content, origin.require_vaultfile(&name, "edit")?)
            }
        };
        let now = crate::cli::clock::now()?;
        let target = match crate::cli::rekey::conform_to_rule(file, &name, &opened, now)? {
            Some(c) => {
                notes = c.notes;
                Target::Existing(c.opened, Some(c.rules))
            }
            None => Target::Existing(opened, None),
        };
        (content, target)
    } else {
        // As `encrypt` does: -r/-R, else the configuration's recipients or key groups
        // (a fresh data key split for the groups, used as the baseline).
        let mut new_key = None;
        let (recipients, rules) = if args.recipients.is_empty() {
            let (holders, config_rules, _) =
                common::holders_from_config(args.config.config.as_deref(), Some(file))?;
            let rules = args.rules.spec().or(config_rules);
            match holders {
                KeyHolders::Recipients(r) => (r, rules),
                groups => {
                    new_key = Some(
                        engine::new_key(&groups, crate::cli::clock::now()?)
                            .map_err(|e| CliError::encrypt(&name, e))?,
                    );
                    (Vec::new(), rules)
                }
            }
        } else {
            (args.recipients.parse()?, args.rules.spec())
        };
        (
            Zeroizing::new(template(format).as_bytes().to_vec()),
            Target::New {
                recipients,
                rules,
                new_key,
            },
        )
    };
    let editor = editor_command()?;
    // From here on SIGINT, SIGTERM and SIGHUP are caught (after any passphrase prompt, which
    // Ctrl-C must still be able to stop), so the plaintext file is always cleaned up.
    let guard = SignalGuard::new()
        .map_err(|e| CliError::new(ExitKind::Other, format!("cannot handle signals: {e}")))?;
    let scratch = Scratch::new(&scratch::avoid_for(file), ui)?;
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "secrets".into());
    let tmp = scratch.write(&file_name, &original)?;
    loop {
        let mut cmd = Command::new(&editor[0]);
        cmd.args(&editor[1..]).arg(&tmp);
        let status = match guard.received() {
            Some(sig) => return abort(sig, scratch, &name, ui),
            None => guard.run(&mut cmd).map_err(|e| {
                CliError::new(
                    ExitKind::Other,
                    format!("cannot start the editor '{}': {e}", editor.join(" ")),
                )
                .hint("set VAULTFILE_EDITOR, VISUAL or EDITOR to an editor command (e.g. `nano` or `code --wait`)")
                .hint(format!("{name} was not changed"))
            })?,
        };
        if let Some(sig) = guard.received() {
            return abort(sig, scratch, &name, ui);
        }
        if !status.success() {
            return Err(CliError::new(
                ExitKind::Other,
                format!(
                    "the editor {}: {name} was not changed",
                    child::describe(status)
                ),
            )
            .hint("your changes, if any, were discarded"));
        }
        let edited = Zeroizing::new(
            std::fs::read(&tmp).map_err(|e| CliError::io("read the edited file", &tmp, e))?,
        );
        if *edited == *original {
            if exists {
                ui.info("no changes");
            } else {
                ui.info(&format!("no changes: {name} was not created"));
            }
            return Ok(());
        }
        match encrypt(&name, format, &edited, &target) {
            Ok(text) => {
                io::write_all(
                    Output::File {
                        path: file,
                        private: false,
                    },
                    text.as_bytes(),
                )?;
                ui.info(&format!("{name}: saved"));
                for note in &notes {
                    ui.info(note);
                }
                return Ok(());
            }
            Err(Fix::Retry(e)) => {
                if interactive() {
                    ui.error(&e);
                    if reopen()? {
                        continue;
                    }
                    return Err(CliError::new(
                        ExitKind::Syntax,
                        format!("{name} was not changed; the edit was discarded"),
                    )
                    .hint(format!("run `vaultfile edit {name}` again to start over")));
                }
                return Err(e.hint(format!(
                    "{name} was not changed; run `vaultfile edit {name}` again and fix it"
                )));
            }
            Err(Fix::Fatal(e)) => return Err(e),
        }
    }
}

/// Why the edited text could not be encrypted.
enum Fix {
    /// The user can fix it in the editor.
    Retry(CliError),
    Fatal(CliError),
}

fn encrypt(name: &str, format: Format, edited: &[u8], target: &Target) -> Result<String, Fix> {
    let (recipients, rules, baseline): (&[Box<dyn Recipient>], _, _) = match target {
        Target::Existing(o, rules) => (&[], rules.clone(), Some(o)),
        Target::New {
            recipients,
            rules,
            new_key,
        } => (recipients, rules.clone(), new_key.as_ref()),
    };
    let opts = EncryptOptions {
        recipients,
        rules,
        baseline,
        now: crate::cli::clock::now().map_err(Fix::Fatal)?,
        allow_nothing_encrypted: false,
    };
    let result = match format::store_for(format) {
        Some(store) => {
            let text = std::str::from_utf8(edited).map_err(|e| {
                Fix::Retry(CliError::new(
                    ExitKind::Syntax,
                    format!(
                        "{name}: the edited file is not UTF-8 text (invalid byte at offset {})",
                        e.valid_up_to()
                    ),
                ))
            })?;
            engine::encrypt(store, text, &opts)
        }
        None => engine::encrypt_binary(edited, &opts),
    };
    match result {
        Ok(enc) => Ok(enc.text),
        Err(EncryptError::Parse(e)) => Err(Fix::Retry(CliError::new(
            ExitKind::Syntax,
            format!("{name}: syntax error: {e}"),
        ))),
        Err(EncryptError::AlreadyEncrypted) => Err(Fix::Retry(CliError::new(
            ExitKind::Syntax,
            format!("{name}: the edited file has a `vaultfile` metadata block; remove it"),
        ))),
        Err(e) => Err(Fix::Fatal(CliError::encrypt(name, e))),
    }
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks whether to re-open the editor.
fn reopen() -> Result<bool, CliError> {
    dialoguer::Confirm::new()
        .with_prompt("Re-open the editor to fix it? (no discards your changes)")
        .default(true)
        .interact()
        .map_err(|e| CliError::new(ExitKind::Other, format!("cannot ask on the terminal: {e}")))
}

/// Cleans up and exits as a process killed by `sig` would.
fn abort(sig: i32, scratch: Scratch, name: &str, ui: &Ui) -> crate::cli::CmdResult {
    drop(scratch);
    ui.error(
        &CliError::new(
            ExitKind::Other,
            format!("interrupted by signal {sig}: {name} was not changed"),
        )
        .hint("the decrypted copy was removed; run the command again to edit it"),
    );
    std::process::exit(128 + sig);
}

/// The editor: $VAULTFILE_EDITOR, $VISUAL or $EDITOR (a command line), else vi.
fn editor_command() -> Result<Vec<String>, CliError> {
    for var in ["VAULTFILE_EDITOR", "VISUAL", "EDITOR"] {
        let Some(value) = std::env::var_os(var) else {
            continue;
        };
        let value = value.to_string_lossy();
        if value.trim().is_empty() {
            continue;
        }
        let words = shell_words::split(&value).map_err(|e| {
            CliError::new(
                ExitKind::Usage,
                format!("cannot read ${var} ({value}): {e}"),
            )
            .hint("write it as a command line, e.g. `code --wait` or `vim -n`")
        })?;
        if !words.is_empty() {
            return Ok(words);
        }
    }
    Ok(vec!["vi".into()])
}

/// What a new file starts with.
fn template(format: Format) -> &'static str {
    match format {
        Format::Yaml => {
            "# New secrets file: keys and comments stay readable, every value is encrypted on save.\nexample_password: change-me\n"
        }
        Format::Json => "{\n  \"example_password\": \"change-me\"\n}\n",
        Format::Toml => {
            "# New secrets file: keys and comments stay readable, every value is encrypted on save.\nexample_password = \"change-me\"\n"
        }
        Format::Dotenv => {
            "# New secrets file: names and comments stay readable, every value is encrypted on save.\nEXAMPLE_PASSWORD=change-me\n"
        }
        Format::Binary => "",
    }
}
