//! `vaultfile init`: write a starter `.vaultfile.yaml`, and make a key if there is none.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use vaultfile::config::{self, Config};
use vaultfile::keys;

use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::ui::Ui;

/// What `--path-regex` is when neither it nor an answer says otherwise.
const DEFAULT_PATH_REGEX: &str = "^secrets/";

/// Write a starter .vaultfile.yaml (who can decrypt which files)
///
/// On a terminal, asks which key to encrypt to (one in your key file, your SSH key, a new
/// key, or any recipient) and which files the rule covers. With --yes, or without a
/// terminal, asks nothing: the recipients are -r, else the public keys of your key file
/// (~/.config/vaultfile/keys.txt, created if there is none), and the files are
/// --path-regex (default ^secrets/). The file is written at the repository root (the
/// nearest directory above with a .git), else in the current directory.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile init                                   # asks
  vaultfile init --yes                             # your key, files under secrets/
  vaultfile init --yes -r age1… -r age1… --path-regex '\\.env$'")]
pub struct InitArgs {
    /// Ask nothing; use the flags and defaults
    #[arg(short, long)]
    yes: bool,

    /// Encrypt to RECIPIENT (repeatable) instead of your own key
    #[arg(short = 'r', long = "recipient", value_name = "RECIPIENT")]
    recipients: Vec<String>,

    /// The files the rule covers: a regex on the path relative to the configuration's directory [default: ^secrets/]
    #[arg(long, value_name = "REGEX")]
    path_regex: Option<String>,

    /// Your key file, to take the public key from or to create [default: ~/.config/vaultfile/keys.txt]
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,

    /// Write the configuration to FILE instead
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Replace an existing configuration file
    #[arg(long)]
    force: bool,
}

pub fn run(args: InitArgs, ui: &Ui) -> crate::cli::CmdResult {
    let target = match &args.output {
        Some(p) => p.clone(),
        None => repository_root().join(config::FILE_NAME),
    };
    if target.exists() && !args.force {
        return Err(CliError::new(
            ExitKind::Other,
            format!("{} already exists", target.display()),
        )
        .hint("edit it, or pass --force to replace it"));
    }
    let ask = !args.yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let Some(key_file) = args.key.clone().or_else(identities::default_keys_file) else {
        return Err(CliError::new(
            ExitKind::Usage,
            "cannot tell where your key file is (HOME is not set)",
        )
        .hint("pass --key FILE or -r RECIPIENT"));
    };

    let recipients = if !args.recipients.is_empty() {
        args.recipients.clone()
    } else if ask {
        vec![choose_recipient(&key_file, ui)?]
    } else {
        match public_keys(&key_file)? {
            Some(keys) => keys,
            None => vec![create_key(&key_file, ui)?],
        }
    };
    for r in &recipients {
        keys::parse_recipient_with(r, &crate::cli::key_services::context())
            .map_err(|e| CliError::recipient(r, e))?;
    }

    let path_regex = match (&args.path_regex, ask) {
        (Some(r), _) => r.clone(),
        (None, true) => dialoguer::Input::<String>::new()
            .with_prompt("Which files hold secrets (a regex on their path)?")
            .default(DEFAULT_PATH_REGEX.to_owned())
            .interact_text()
            .map_err(prompt_error)?,
        (None, false) => DEFAULT_PATH_REGEX.to_owned(),
    };

    let text = render(&path_regex, &recipients);
    // The file must be what vaultfile reads back: check it before writing.
    Config::parse(&text, &target).map_err(|e| {
        CliError::new(ExitKind::Usage, e.message)
            .hint("check --path-regex: it must be a valid regex")
    })?;
    std::fs::write(&target, &text).map_err(|e| CliError::io("write", &target, e))?;
    ui.info(&format!(
        "Wrote {} (files matching {path_regex} are encrypted to {} recipient{})",
        target.display(),
        recipients.len(),
        if recipients.len() == 1 { "" } else { "s" }
    ));
    ui.info("next: `vaultfile encrypt -i FILE` for each secret file, or `vaultfile git init` to let git encrypt them");
    Ok(())
}

/// The nearest directory above the current one that holds `.git`, else the current one.
fn repository_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(&cwd)
        .to_path_buf()
}

fn render(path_regex: &str, recipients: &[String]) -> String {
    let quote = |s: &str| serde_json::to_string(s).expect("strings serialise");
    let mut out = String::from(
        "# vaultfile: who can decrypt which files. The first rule whose path_regex matches a\n\
         # file's path (relative to this directory) applies; `vaultfile encrypt -i FILE` uses\n\
         # it, and `vaultfile updatekeys DIR` applies it again after you change the recipients.\n\
         # Recipients: age1… keys, \"ssh-ed25519 …\" keys, age plugins (age1yubikey1…), and\n\
         # `passphrase` for a break-glass copy. For \"2 of 3 teams\", write instead:\n\
         #   key_groups: [[age1alice…, age1bob…], [age1carol…], [age1dave…]]\n\
         #   threshold: 2\n\
         creation_rules:\n",
    );
    out.push_str(&format!(
        "  - path_regex: {}\n    recipients:\n",
        quote(path_regex)
    ));
    for r in recipients {
        out.push_str(&format!("      - {}\n", quote(r)));
    }
    out
}

fn prompt_error(e: dialoguer::Error) -> CliError {
    CliError::new(ExitKind::Other, format!("cannot ask: {e}"))
}

/// The public keys in an age key file: `# public key:` / `# recipient:` comments, and those
/// of its age secret-key lines. `None` when the file does not exist.
fn public_keys(key_file: &Path) -> Result<Option<Vec<String>>, CliError> {
    let text = match std::fs::read_to_string(key_file) {
        Ok(t) => zeroize::Zeroizing::new(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CliError::io("read key file", key_file, e)),
    };
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim) {
        let public = if let Some(p) = line
            .strip_prefix("# public key:")
            .or_else(|| line.strip_prefix("# recipient:"))
        {
            Some(p.trim().to_owned())
        } else {
            super::keygen::public_of(line).and_then(Result::ok)
        };
        if let Some(p) = public
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    if out.is_empty() {
        return Err(CliError::new(
            ExitKind::Recipients,
            format!(
                "{} holds no public key vaultfile can read",
                key_file.display()
            ),
        )
        .hint("pass -r RECIPIENT (your public key), or --key another file"));
    }
    Ok(Some(out))
}

/// Asks which recipient to use: a key from the key file, the SSH key, a new key, or one
/// typed in.
fn choose_recipient(key_file: &Path, ui: &Ui) -> Result<String, CliError> {
    enum Choice {
        Existing(String),
        Create,
        Typed,
    }
    let mut choices: Vec<(String, Choice)> = Vec::new();
    match public_keys(key_file) {
        Ok(Some(keys)) => {
            for k in keys {
                choices.push((
                    format!("{k} (from {})", key_file.display()),
                    Choice::Existing(k),
                ));
            }
        }
        Ok(None) => choices.push((
            format!("a new age key, written to {}", key_file.display()),
            Choice::Create,
        )),
        Err(e) => ui.warn(&e.message),
    }
    if let Some(home) = std::env::var_os("HOME") {
        let ssh = PathBuf::from(home).join(".ssh").join("id_ed25519.pub");
        if let Ok(text) = std::fs::read_to_string(&ssh) {
            let key = text.trim().to_owned();
            choices.push((
                format!("your SSH key ({})", ssh.display()),
                Choice::Existing(key),
            ));
        }
    }
    choices.push(("another recipient (type it)".into(), Choice::Typed));
    let labels: Vec<&str> = choices.iter().map(|(l, _)| l.as_str()).collect();
    let picked = dialoguer::Select::new()
        .with_prompt("Which key should decrypt the files?")
        .items(&labels)
        .default(0)
        .interact()
        .map_err(prompt_error)?;
    match &choices[picked].1 {
        Choice::Existing(k) => Ok(k.clone()),
        Choice::Create => create_key(key_file, ui),
        Choice::Typed => dialoguer::Input::<String>::new()
            .with_prompt("Recipient (age1…, ssh-ed25519 …, passphrase)")
            .validate_with(|s: &String| {
                keys::parse_recipient_with(s, &crate::cli::key_services::context())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .interact_text()
            .map_err(prompt_error),
    }
}

/// Makes a new age identity in `key_file` (mode 0600, in a 0700 directory, never over an
/// existing file), in age-keygen's format; returns its public key.
fn create_key(key_file: &Path, ui: &Ui) -> Result<String, CliError> {
    let (public, text) = super::keygen::new_identity(super::keygen::KeyKind::PostQuantum);
    if let Some(dir) = key_file.parent().filter(|d| !d.as_os_str().is_empty()) {
        super::keygen::create_private_dir(dir)
            .map_err(|e| CliError::io("create directory", dir, e))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(key_file)
        .map_err(|e| CliError::io("create", key_file, e))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| CliError::io("write", key_file, e))?;
    ui.info(&format!("Created a new key in {}", key_file.display()));
    // Always shown, like keygen's: others encrypt to it.
    ui.always(&format!("Public key: {public}"));
    Ok(public)
}
