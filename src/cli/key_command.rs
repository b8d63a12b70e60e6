//! Identities from a command: `VAULTFILE_AGE_KEY_CMD`, and SOPS's `SOPS_AGE_KEY_CMD`, name a
//! program whose standard output is an identity file, so that keys can live in a password
//! manager (1Password's `op`, Bitwarden's `bw`, `pass`) or a hardware-backed store rather
//! than in a file on disk.
//!
//! The command runs only when it is needed: the first time a key is to be unwrapped that
//! is addressed to an age, age plugin or SSH recipient and that no identity before it in
//! the list opened; at most once per process. It is split into words as a shell would
//! (quotes, backslashes) and run directly, not through a shell, as SOPS runs its own; its
//! standard error and the terminal stay the user's (for a password manager's prompt), its
//! standard input is closed. Its output is parsed in memory, wiped when dropped and never
//! written anywhere.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::OnceLock;

use vaultfile::crypto::DataKey;
use vaultfile::keys::{self, Callbacks, Identity, UnwrapError};
use vaultfile::metadata::WrappedKey;
use zeroize::Zeroizing;

/// The identities a command prints, loaded the first time they are needed.
pub struct CommandIdentities {
    /// `$VAULTFILE_AGE_KEY_CMD (op …)`: the program only, as its arguments may be
    /// anything (a message may end up in a CI log).
    describe: String,
    /// Where the command comes from, for messages.
    variable: &'static str,
    command: String,
    callbacks: Arc<dyn Callbacks>,
    loaded: OnceLock<Result<Vec<Box<dyn Identity>>, String>>,
}

impl CommandIdentities {
    /// The identities printed by `command`, named by the environment `variable` it came
    /// from.
    pub fn new(variable: &'static str, command: String, callbacks: Arc<dyn Callbacks>) -> Self {
        let program = command.split_whitespace().next().unwrap_or_default();
        CommandIdentities {
            describe: format!("${variable} ({program} …)"),
            variable,
            command,
            callbacks,
            loaded: OnceLock::new(),
        }
    }

    /// Runs the command and parses what it prints; the error says what went wrong
    /// without repeating the output, which may hold a secret.
    fn load(&self) -> Result<Vec<Box<dyn Identity>>, String> {
        let words = shell_words::split(&self.command)
            .map_err(|e| format!("cannot split ${} into words: {e}", self.variable))?;
        let Some((program, args)) = words.split_first() else {
            return Err(format!("${} is empty", self.variable));
        };
        let output = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run `{program}` (from ${}): {e}", self.variable))?;
        let stdout = Zeroizing::new(output.stdout);
        if !output.status.success() {
            return Err(format!(
                "`{program}` (from ${}) failed ({}); its own message is above",
                self.variable, output.status
            ));
        }
        keys::load_identities(&self.describe, &stdout, self.callbacks.clone())
            .map_err(|e| format!("its output is not an identity file: {}", e.reason))
    }
}

/// Whether an identity file can hold the identity for `recipient`: age, age plugin and
/// SSH recipients (SOPS's `age` kind), not key services or passphrases.
fn for_identity_files(recipient: &str) -> bool {
    keys::source_of(recipient).and_then(|s| s.sops_kind()) == Some("age")
}

impl Identity for CommandIdentities {
    fn describe(&self) -> &str {
        &self.describe
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        if !for_identity_files(&wrapped.recipient) {
            return None;
        }
        match self.loaded.get_or_init(|| self.load()) {
            Ok(ids) => ids.iter().find_map(|id| id.unwrap(wrapped)),
            Err(reason) => Some(Err(UnwrapError {
                identity: self.describe.clone(),
                reason: reason.clone(),
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrapped_for(recipient: &str) -> WrappedKey {
        WrappedKey {
            recipient: recipient.to_owned(),
            key: String::new(),
        }
    }

    /// A key service's or a passphrase's wrapped key never runs the command: a command
    /// that would fail is not even started.
    #[test]
    fn the_command_runs_only_for_keys_an_identity_file_can_open() {
        let ids = CommandIdentities::new(
            "VAULTFILE_AGE_KEY_CMD",
            "/nonexistent/program".into(),
            Arc::new(keys::NoCallbacks),
        );
        assert!(ids.unwrap(&wrapped_for("passphrase")).is_none());
        assert!(ids.loaded.get().is_none(), "not run for a passphrase");
        let age = ::age::x25519::Identity::generate().to_public().to_string();
        let Some(Err(e)) = ids.unwrap(&wrapped_for(&age)) else {
            panic!("the failure of the command is reported");
        };
        assert!(
            e.reason.contains("cannot run `/nonexistent/program`"),
            "{e}"
        );
        assert!(ids.loaded.get().is_some());
    }

    /// What a command prints is an identity file; a failing command is an error that does
    /// not repeat its output.
    #[test]
    fn output_is_parsed_and_failures_are_named() {
        let id = ::age::x25519::Identity::generate();
        let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        let ok = CommandIdentities::new(
            "SOPS_AGE_KEY_CMD",
            format!("printf '%s\\n' {secret}"),
            Arc::new(keys::NoCallbacks),
        );
        assert_eq!(ok.load().unwrap().len(), 1);
        let failing = CommandIdentities::new(
            "SOPS_AGE_KEY_CMD",
            format!("sh -c 'echo {secret}; exit 3'"),
            Arc::new(keys::NoCallbacks),
        );
        let Err(e) = failing.load() else {
            panic!("a failing command is an error")
        };
        assert!(
            e.contains("`sh` (from $SOPS_AGE_KEY_CMD) failed (exit status: 3)"),
            "{e}"
        );
        assert!(!e.contains("AGE-SECRET-KEY"), "{e}");
        let garbage = CommandIdentities::new(
            "SOPS_AGE_KEY_CMD",
            "echo not-a-key".into(),
            Arc::new(keys::NoCallbacks),
        );
        let Err(e) = garbage.load() else {
            panic!("output that is not an identity file is an error")
        };
        assert!(e.contains("not an identity file"), "{e}");
        assert!(!e.contains("not-a-key"), "the output is not repeated: {e}");
    }
}
