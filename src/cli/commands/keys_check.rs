//! `vaultfile keys check`: which of a file's recipients can decrypt it here and now.
//!
//! Each recipient's wrapped key is tried with the identities at hand (local keys, AWS KMS,
//! Vault, GCP KMS, Azure Key Vault), one by one, and the result is printed per recipient: who opened it, or why not
//! (denied, not found, unreachable, timed out…). Then the file is opened with the keys that
//! were unwrapped, which also checks its integrity. Nothing secret is printed.

use std::collections::HashMap;
use std::path::PathBuf;

use vaultfile::crypto::DataKey;
use vaultfile::engine;
use vaultfile::format::{self, Format};
use vaultfile::keys::{Identity, UnwrapError};
use vaultfile::metadata::WrappedKey;

use crate::cli::common::{self, IdentityArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::io::Input;
use crate::cli::ui::Ui;

/// Check which keys can open encrypted files
#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, clap::Subcommand)]
enum KeysCommand {
    Check(CheckArgs),
}

/// Try each recipient of FILE and report which can decrypt it now (no secret is printed)
///
/// Every recipient's wrapped data key is tried with every identity at hand: local age and
/// SSH keys, AWS KMS (with the standard credential chain), Vault/OpenBao transit (with
/// VAULT_TOKEN), GCP KMS (with Google's application-default credentials) and Azure Key Vault
/// (with the Azure SDKs' default credentials). Exits 0 when each file can be decrypted, 6 otherwise.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:
  vaultfile keys check config/prod.yaml
  ok      age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p   (keys.txt)
  FAILED  arn:aws:kms:eu-west-1:123456789012:alias/prod   denied: … (AccessDeniedException)
  => config/prod.yaml can be decrypted (integrity checked)")]
pub struct CheckArgs {
    /// The encrypted files
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// The files' format, when their names do not say [default: from the extension]
    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = common::format_parser())]
    input_type: Option<Format>,

    #[command(flatten)]
    identity: IdentityArgs,
}

/// Serves the data keys (or shares) already unwrapped, so the file is opened without a
/// second round trip to any key service.
struct Unwrapped(HashMap<String, DataKey>);

impl Identity for Unwrapped {
    fn describe(&self) -> &str {
        "the keys unwrapped above"
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        self.0.get(&wrapped.key).cloned().map(Ok)
    }
}

pub fn run(args: KeysArgs, ui: &Ui) -> crate::cli::CmdResult {
    let KeysCommand::Check(args) = args.command;
    let found = identities::collect(&args.identity.identities, ui)?;
    // Several files are checked at once (each may wait for key services), and reported
    // in the order given.
    let checked = crate::cli::pool::map_ordered(crate::cli::pool::jobs()?, &args.files, |file| {
        check_file(file, args.input_type, &found)
    });
    let mut out = String::new();
    let mut closed = Vec::new();
    let mut altered = Vec::new();
    for c in checked {
        let c = c?;
        out.push_str(&c.out);
        closed.extend(c.closed);
        altered.extend(c.altered);
    }
    crate::cli::io::write_stdout(out.as_bytes())?;
    // An altered file is the more serious finding: it is reported whatever else failed.
    if !altered.is_empty() {
        return Err(CliError::new(
            ExitKind::Integrity,
            format!(
                "{} failed {} integrity check: {}",
                of_files(altered.len(), args.files.len()),
                if altered.len() == 1 { "its" } else { "their" },
                altered.join(", ")
            ),
        )
        .hint("the file was changed after it was encrypted (by someone without the key, or damaged): restore it from version control"));
    }
    if closed.is_empty() {
        return Ok(());
    }
    let mut err = CliError::new(
        ExitKind::NoIdentity,
        format!(
            "{} cannot be decrypted here: {}",
            of_files(closed.len(), args.files.len()),
            closed.join(", ")
        ),
    );
    err.hints.push(if found.tried.is_empty() {
        "no identity was found: pass -I/--identity FILE, or set VAULTFILE_AGE_KEY_FILE or VAULTFILE_AGE_KEY".into()
    } else {
        format!("identities tried: {}", found.tried.join("; "))
    });
    Err(err.hint("the lines above say why each recipient failed; someone who can decrypt a file can add a key of yours with `vaultfile recipients add FILE RECIPIENT`"))
}

/// One file's report: its lines, and whether it cannot be opened or was altered.
struct FileCheck {
    out: String,
    closed: Option<String>,
    altered: Option<String>,
}

/// Tries every recipient of `file`, then opens it with the keys unwrapped.
fn check_file(
    file: &std::path::Path,
    input_type: Option<Format>,
    found: &identities::Found,
) -> Result<FileCheck, CliError> {
    let mut out = String::new();
    let mut closed = None;
    let mut altered = None;
    let input = Input::new(Some(file));
    let mut name = input.name();
    let mut text = common::text(&name, input.read()?)?;
    let mut format = common::format_for_encrypted(&input, input_type, &text);
    common::refuse_sops(&name, &text, format, "`vaultfile keys check`")?;
    // A work-tree file git's filter manages is plaintext: check what git stores.
    if !text.contains("vaultfile")
        && let Some(f) = crate::cli::rekey::read_any(file)?
    {
        name = format!("{name}{}", f.where_note());
        text = f.text;
        format = f.format;
    }
    let store = format::store_for(format);
    let meta = engine::inspect(format::encrypted_store_for(format), &text)
        .map_err(|e| CliError::decrypt(&name, e, &found.tried))?;
    out.push_str(&format!("{name}\n"));
    let mut unwrapped = HashMap::new();
    let wrapped_keys = meta
        .recipients
        .iter()
        .chain(meta.key_groups.iter().flat_map(|g| g.recipients.iter()));
    for wrapped in wrapped_keys {
        let (status, note) = try_one(&found.identities, wrapped, &mut unwrapped);
        out.push_str(&format!(
            "  {status:<7} {}   {note}\n",
            vaultfile::keys::short_id(&wrapped.recipient)
        ));
    }
    let ids: Vec<Box<dyn Identity>> = vec![Box::new(Unwrapped(unwrapped))];
    let opened = match store {
        Some(store) => engine::open(store, &text, &ids).map(drop),
        None => engine::decrypt_binary(&text, &ids)
            .map(|(plain, _)| drop(zeroize::Zeroizing::new(plain))),
    };
    match opened {
        Ok(()) => out.push_str(&format!(
            "  => {name} can be decrypted (integrity checked)\n"
        )),
        Err(engine::DecryptError::NoMatchingIdentity { .. }) => {
            out.push_str(&format!("  => {name} cannot be decrypted here\n"));
            closed = Some(name.clone());
        }
        Err(e @ engine::DecryptError::Integrity(_)) => {
            out.push_str(&format!("  => {name} FAILED its integrity check: {e}\n"));
            altered = Some(name.clone());
        }
        Err(e) => {
            out.push_str(&format!("  => {name} cannot be decrypted: {e}\n"));
            closed = Some(name.clone());
        }
    }
    let classical: Vec<&str> = meta
        .recipients
        .iter()
        .chain(meta.key_groups.iter().flat_map(|g| g.recipients.iter()))
        .map(|w| w.recipient.as_str())
        .filter(|r| !vaultfile::keys::quantum_resistant(r))
        .collect();
    if !classical.is_empty() {
        // Not a failure today, but a copy of the file taken now opens with any one of
        // these keys once a large enough quantum computer exists.
        out.push_str(&format!(
            "  (quantum-exposed: {} of its keys {} classical (X25519, SSH, RSA or an age plugin); \
             add a post-quantum key (age1pq1…) with `vaultfile recipients add`, then remove those with `vaultfile recipients remove`)\n",
            classical.len(),
            if classical.len() == 1 { "is" } else { "are" },
        ));
    }
    if meta.version < vaultfile::metadata::VERSION {
        out.push_str(&format!(
            "  (file format {}: comments and layout are not authenticated; `vaultfile upgrade {name}`)\n",
            meta.version
        ));
    }
    Ok(FileCheck {
        out,
        closed,
        altered,
    })
}

/// Tries every identity on one wrapped key; returns the status word and a note.
fn try_one(
    identities: &[Box<dyn Identity>],
    wrapped: &WrappedKey,
    unwrapped: &mut HashMap<String, DataKey>,
) -> (&'static str, String) {
    let mut failures = Vec::new();
    for identity in identities {
        match identity.unwrap(wrapped) {
            Some(Ok(key)) => {
                unwrapped.insert(wrapped.key.clone(), key);
                return ("ok", format!("({})", identity.describe()));
            }
            Some(Err(e)) => failures.push(e.reason),
            None => {}
        }
    }
    if failures.is_empty() {
        ("-", "no identity for it here".into())
    } else {
        // A key service's reason starts with the recipient; it is already on the line.
        let reasons: Vec<String> = failures
            .into_iter()
            .map(|r| {
                r.strip_prefix(&format!("{}: ", wrapped.recipient))
                    .map(str::to_owned)
                    .unwrap_or(r)
            })
            .collect();
        ("FAILED", reasons.join("; "))
    }
}

/// `N of M file(s)`, for the summary of a check over `total` files.
fn of_files(n: usize, total: usize) -> String {
    format!("{n} of {total} file{}", if total == 1 { "" } else { "s" })
}
