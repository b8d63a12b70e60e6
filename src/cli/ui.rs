//! The only place that prints to the terminal or asks the user anything.

use std::io::IsTerminal;

use vaultfile::Callbacks;
use vaultfile::keys::SecretString;

/// Where messages go, and how quiet to be.
#[derive(Clone, Copy, Debug)]
pub struct Ui {
    pub quiet: bool,
}

impl Ui {
    /// Prints a warning on stderr.
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            eprintln!("warning: {msg}");
        }
    }

    /// Prints an informational line on stderr.
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }
}

/// Asks for passphrases: `VAULTFILE_PASSPHRASE` when set, else a prompt on the terminal.
pub struct PassphrasePrompt;

impl Callbacks for PassphrasePrompt {
    fn request_passphrase(&self, description: &str) -> Option<SecretString> {
        if let Ok(p) = std::env::var("VAULTFILE_PASSPHRASE") {
            return Some(SecretString::from(p));
        }
        if !std::io::stderr().is_terminal() && !std::io::stdin().is_terminal() {
            return None;
        }
        rpassword::prompt_password(format!("{description}: "))
            .ok()
            .map(SecretString::from)
    }

    /// A new passphrase: `VAULTFILE_PASSPHRASE` when set, else asked twice on the terminal.
    fn request_new_passphrase(&self, description: &str) -> Option<SecretString> {
        if let Ok(p) = std::env::var("VAULTFILE_PASSPHRASE") {
            return Some(SecretString::from(p));
        }
        if !std::io::stderr().is_terminal() && !std::io::stdin().is_terminal() {
            return None;
        }
        loop {
            let first = zeroize::Zeroizing::new(
                rpassword::prompt_password(format!("{description}: ")).ok()?,
            );
            let again =
                zeroize::Zeroizing::new(rpassword::prompt_password("Type it again: ").ok()?);
            if first == again {
                return Some(SecretString::from(first.to_string()));
            }
            eprintln!("The passphrases differ; try again.");
        }
    }

    /// Messages from age plugins ("touch your YubiKey") go to stderr.
    fn message(&self, message: &str) {
        eprintln!("{message}");
    }
}
