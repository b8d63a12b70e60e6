//! `vaultfile demo`: the whole cycle on an embedded example, in a temporary directory.

use vaultfile::engine::{self, EncryptOptions};
use vaultfile::format::{self, Format};
use vaultfile::keys;

use crate::cli::error::{CliError, ExitKind};
use crate::cli::ui::Ui;

const EXAMPLE: &str = include_str!("demo_files/prod.yaml");

/// Show the whole cycle on an embedded example: key, encrypt, a one-value change, decrypt
///
/// Works in a fresh temporary directory that is removed at the end; touches nothing else
/// and needs no key of yours.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:
  vaultfile demo")]
pub struct DemoArgs {}

/// ANSI styling, only when standard output is a terminal.
fn style(code: &str, text: &str) -> String {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn step(ui: &Ui, title: &str) -> crate::cli::CmdResult {
    ui.line(&format!("\n{}", style("1", &format!("== {title}"))))
}

fn fail(msg: impl Into<String>) -> CliError {
    CliError::new(ExitKind::Other, format!("demo failed: {}", msg.into()))
}

pub fn run(_args: DemoArgs, ui: &Ui) -> crate::cli::CmdResult {
    let dir = tempfile::Builder::new()
        .prefix("vaultfile-demo-")
        .tempdir()
        .map_err(|e| fail(format!("cannot create a temporary directory: {e}")))?;
    let store = format::store_for(Format::Yaml).expect("yaml store");

    step(ui, "1. Make a key (vaultfile keygen)")?;
    let (public, key_text) = super::keygen::new_identity(super::keygen::KeyKind::PostQuantum);
    let key_file = dir.path().join("keys.txt");
    std::fs::write(&key_file, key_text.as_bytes()).map_err(|e| fail(e.to_string()))?;
    ui.line(&format!(
        "identity in {}\npublic key: {} ({} characters: a post-quantum key, ML-KEM-768 + X25519)",
        key_file.display(),
        keys::short_id(&public),
        public.len()
    ))?;

    step(ui, "2. The plaintext file (prod.yaml)")?;
    ui.out(EXAMPLE)?;

    step(
        ui,
        "3. Encrypt it (vaultfile encrypt -i -r age1pq1… prod.yaml)",
    )?;
    let recipients = vec![keys::parse_recipient(&public).map_err(|e| fail(e.to_string()))?];
    let opts = EncryptOptions {
        recipients: &recipients,
        rules: None,
        baseline: None,
        now: crate::cli::clock::now()?,
        allow_nothing_encrypted: false,
    };
    let enc = engine::encrypt(store, EXAMPLE, &opts).map_err(|e| fail(e.to_string()))?;
    let enc_path = dir.path().join("prod.yaml");
    std::fs::write(&enc_path, &enc.text).map_err(|e| fail(e.to_string()))?;
    ui.out(&enc.text)?;
    ui.line(&format!(
        "\n{} values encrypted; keys, comments and layout unchanged. No secret appears in the file: {}",
        enc.encrypted_values,
        ["correct horse", "sk_live_", "whsec_", "MIIBszCC"]
            .iter()
            .all(|s| !enc.text.contains(s))
    ))?;

    step(
        ui,
        "4. Change one value and re-encrypt with the old file as baseline",
    )?;
    let ids = keys::load_identities(
        "keys.txt",
        &std::fs::read(&key_file).map_err(|e| fail(e.to_string()))?,
        std::sync::Arc::new(keys::NoCallbacks),
    )
    .map_err(|e| fail(e.to_string()))?;
    let baseline = engine::open(store, &enc.text, &ids).map_err(|e| fail(e.to_string()))?;
    let changed = EXAMPLE.replace("correct horse battery staple", "new-password-2026");
    let opts = EncryptOptions {
        recipients: &[],
        rules: None,
        baseline: Some(&baseline),
        now: crate::cli::clock::now()?,
        allow_nothing_encrypted: false,
    };
    let enc2 = engine::encrypt(store, &changed, &opts).map_err(|e| fail(e.to_string()))?;
    ui.line("git diff shows exactly the changed value and the MAC:")?;
    let (old, new): (Vec<_>, Vec<_>) = (enc.text.lines().collect(), enc2.text.lines().collect());
    let mut changed_lines = 0;
    for (a, b) in old.iter().zip(&new) {
        if a != b {
            changed_lines += 1;
            ui.line(&format!(
                "{}\n{}",
                style("31", &format!("-{a}")),
                style("32", &format!("+{b}"))
            ))?;
        }
    }
    if changed_lines != 2 || old.len() != new.len() {
        return Err(fail(format!(
            "expected 2 changed lines, got {changed_lines}"
        )));
    }

    step(ui, "5. Decrypt (vaultfile decrypt prod.yaml)")?;
    let plain = engine::decrypt(store, &enc2.text, &ids).map_err(|e| fail(e.to_string()))?;
    ui.out(&plain)?;
    if plain != changed {
        return Err(fail("the decrypted file differs from the plaintext"));
    }
    ui.line("\nByte-identical to the edited plaintext: true")?;

    step(
        ui,
        "6. Tamper with the encrypted file, as anyone who can push could (without a key)",
    )?;
    for (what, tampered) in [
        (
            "a value changed",
            enc2.text.replacen("replicas: VF1.", "replicas: VF1.A", 1),
        ),
        (
            "only a comment changed",
            enc2.text
                .replacen("# rotate every 90 days", "# rotated, see ticket 4711", 1),
        ),
        (
            "a key added without a value",
            enc2.text
                .replacen("database:\n", "database: {}\ndatabase:\n", 1),
        ),
    ] {
        match engine::decrypt(store, &tampered, &ids) {
            Err(e) => ui.line(&format!("{what}: refused: {e}"))?,
            Ok(_) => return Err(fail("a tampered file was accepted")),
        }
    }

    ui.line(&format!(
        "\nDone. The temporary directory {} is removed.",
        dir.path().display()
    ))?;
    Ok(())
}
