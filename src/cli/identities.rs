//! Where identities come from, in the order the README gives ("Quick start").
//!
//! This is the one place that reads the environment for keys: `--identity` files first,
//! then `VAULTFILE_AGE_KEY` (key text), `VAULTFILE_AGE_KEY_FILE`,
//! `$XDG_CONFIG_HOME/vaultfile/keys.txt` (default `~/.config/vaultfile/keys.txt`),
//! `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE` and SOPS's default key file
//! `$XDG_CONFIG_HOME/sops/age/keys.txt` (for people coming from SOPS), the SSH keys
//! `~/.ssh/id_ed25519` and `~/.ssh/id_rsa`, and last the identities printed by
//! `VAULTFILE_AGE_KEY_CMD` or `SOPS_AGE_KEY_CMD` (run only if nothing before opened the
//! file; see [`super::key_command`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use vaultfile::keys::{self, Identity};

use super::error::{CliError, ExitKind};
use super::ui::{PassphrasePrompt, Ui};

/// The identities found, and a description of every source looked at.
pub struct Found {
    pub identities: Vec<Box<dyn Identity>>,
    pub tried: Vec<String>,
}

/// Returns the default identity file, `$XDG_CONFIG_HOME/vaultfile/keys.txt`.
pub fn default_keys_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".config")))?;
    Some(base.join("vaultfile").join("keys.txt"))
}

/// SOPS's default age key file: `$XDG_CONFIG_HOME/sops/age/keys.txt`, else
/// `~/.config/sops/age/keys.txt` (and, on macOS, where Go's `os.UserConfigDir` puts it:
/// `~/Library/Application Support/sops/age/keys.txt`).
pub fn sops_default_keys_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".config")));
    out.extend(config.map(|c| c.join("sops").join("age").join("keys.txt")));
    if cfg!(target_os = "macos")
        && let Some(h) = home()
    {
        out.push(h.join("Library/Application Support/sops/age/keys.txt"));
    }
    out
}

/// The default identity file as a hint names it: `~/…` under the home directory (so
/// `~/.config/vaultfile/keys.txt` unless `XDG_CONFIG_HOME` says otherwise).
pub fn default_keys_file_shown() -> String {
    match default_keys_file() {
        Some(file) => shown(&file, home().as_deref()),
        None => "~/.config/vaultfile/keys.txt".to_owned(),
    }
}

/// `file`, written `~/…` when it is under `home`.
fn shown(file: &std::path::Path, home: Option<&std::path::Path>) -> String {
    match home.and_then(|h| file.strip_prefix(h).ok()) {
        Some(rel) => format!("~/{}", rel.display()),
        None => file.display().to_string(),
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Collects identities. Files named with `--identity` must load; the others are skipped
/// with a warning when they exist but cannot be used.
pub fn collect(explicit: &[PathBuf], ui: &Ui) -> Result<Found, CliError> {
    collect_with(explicit, ui, Arc::new(PassphrasePrompt))
}

/// [`collect`], with `callbacks` answering the identities' questions (passphrases) instead
/// of the terminal prompt.
pub fn collect_with(
    explicit: &[PathBuf],
    ui: &Ui,
    callbacks: Arc<dyn vaultfile::Callbacks>,
) -> Result<Found, CliError> {
    let mut found = Found {
        identities: Vec::new(),
        tried: Vec::new(),
    };
    for path in explicit {
        let content =
            std::fs::read(path).map_err(|e| CliError::io("read identity file", path, e))?;
        let ids = keys::load_identities(&path.display().to_string(), &content, callbacks.clone())
            .map_err(|e| {
            CliError::new(
                ExitKind::NoIdentity,
                format!("cannot use identity file {e}"),
            )
            .hint("an identity file holds age secret keys (AGE-SECRET-KEY-1…) or one SSH private key; `vaultfile keygen` makes one")
        })?;
        found.tried.push(format!("{} (--identity)", path.display()));
        found.identities.extend(ids);
    }
    let text_source = |name: &str, text: String, found: &mut Found| match keys::load_identities(
        name,
        text.as_bytes(),
        callbacks.clone(),
    ) {
        Ok(ids) => {
            found.tried.push(name.to_owned());
            found.identities.extend(ids);
        }
        Err(e) => ui.warn(&format!("ignoring {e}")),
    };
    let file_source = |label: &str, path: &Path, found: &mut Found| {
        if let Ok(content) = std::fs::read(path) {
            match keys::load_identities(&path.display().to_string(), &content, callbacks.clone()) {
                Ok(ids) => {
                    found.tried.push(format!("{} ({label})", path.display()));
                    found.identities.extend(ids);
                }
                Err(e) => ui.warn(&format!("ignoring identity file {e}")),
            }
        } else if label.starts_with('$') {
            ui.warn(&format!(
                "{label} names {}, which cannot be read",
                path.display()
            ));
        }
    };
    if let Ok(text) = std::env::var("VAULTFILE_AGE_KEY") {
        text_source("$VAULTFILE_AGE_KEY", text, &mut found);
    }
    if let Some(p) = std::env::var_os("VAULTFILE_AGE_KEY_FILE") {
        file_source("$VAULTFILE_AGE_KEY_FILE", Path::new(&p), &mut found);
    }
    if let Some(p) = default_keys_file() {
        file_source("default key file", &p, &mut found);
    }
    if let Ok(text) = std::env::var("SOPS_AGE_KEY") {
        text_source("$SOPS_AGE_KEY", text, &mut found);
    }
    if let Some(p) = std::env::var_os("SOPS_AGE_KEY_FILE") {
        file_source("$SOPS_AGE_KEY_FILE", Path::new(&p), &mut found);
    }
    // A SOPS user's key where SOPS keeps it: without it, the files `convert` turned into
    // vaultfile's format would not open with the key that opened them as SOPS files.
    for p in sops_default_keys_files() {
        file_source("SOPS's default key file", &p, &mut found);
    }
    if let Some(h) = home() {
        for name in ["id_ed25519", "id_rsa"] {
            file_source("SSH key", &h.join(".ssh").join(name), &mut found);
        }
    }
    // A command that prints identities (a password manager) after every key on this
    // machine: it runs only when none of them opened the file.
    for variable in ["VAULTFILE_AGE_KEY_CMD", "SOPS_AGE_KEY_CMD"] {
        if let Ok(command) = std::env::var(variable)
            && !command.trim().is_empty()
        {
            let ids =
                super::key_command::CommandIdentities::new(variable, command, callbacks.clone());
            found.tried.push(ids.describe().to_owned());
            found.identities.push(Box::new(ids));
        }
    }
    // Key services (AWS KMS, Vault, GCP KMS, Azure Key Vault) after the local keys, unless --prefer says otherwise.
    super::key_services::add_identities(&mut found);
    // Last: keys wrapped for `passphrase` recipients, asked for only when nothing else opens
    // the file (VAULTFILE_PASSPHRASE, else a prompt).
    found
        .identities
        .push(keys::passphrase_identity(callbacks.clone()));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_key_file_is_named_as_the_user_would_type_it() {
        use std::path::Path;
        let home = Path::new("/home/ann");
        let xdg = Path::new("/home/ann/.cfg/vaultfile/keys.txt");
        assert_eq!(shown(xdg, Some(home)), "~/.cfg/vaultfile/keys.txt");
        let elsewhere = Path::new("/etc/xdg/vaultfile/keys.txt");
        assert_eq!(shown(elsewhere, Some(home)), "/etc/xdg/vaultfile/keys.txt");
        assert_eq!(shown(xdg, None), "/home/ann/.cfg/vaultfile/keys.txt");
    }
}
