//! Arguments and helpers shared by several subcommands.

use std::path::PathBuf;

use vaultfile::format::Format;
use vaultfile::keys::{self, Recipient};
use vaultfile::path::RuleSpec;

use super::error::{CliError, ExitKind};
use super::io::Input;

/// clap value parser for `--input-type`.
pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s)
        .ok_or_else(|| format!("unknown type '{s}' (expected yaml, json, toml, dotenv or binary)"))
}

/// Decodes a text input, or explains why it is not text.
pub fn text(name: &str, bytes: Vec<u8>) -> Result<String, CliError> {
    String::from_utf8(bytes).map_err(|e| {
        CliError::new(
            ExitKind::Syntax,
            format!(
                "{name} is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
        .hint("use --input-type binary to encrypt it as a whole")
    })
}

/// The format of a plaintext input: `--input-type`, else the file name; standard input
/// needs `--input-type`.
pub fn format_for_plain(input: &Input, explicit: Option<Format>) -> Result<Format, CliError> {
    if let Some(f) = explicit {
        return Ok(f);
    }
    match input.path() {
        Some(p) => Ok(Format::from_path(p)),
        None => Err(
            CliError::new(ExitKind::Usage, "cannot tell the format of standard input")
                .hint("pass --input-type yaml|json|toml|dotenv|binary"),
        ),
    }
}

/// The format of an encrypted input: `--input-type`, else the file name, else (standard
/// input) the metadata marker.
pub fn format_for_encrypted(input: &Input, explicit: Option<Format>, text: &str) -> Format {
    if let Some(f) = explicit {
        return f;
    }
    match input.path() {
        Some(p) => Format::from_path(p),
        None => Format::sniff_encrypted(text).unwrap_or(Format::Yaml),
    }
}

/// The leaf-selection flags.
#[derive(Debug, Default, clap::Args)]
pub struct RuleArgs {
    /// Encrypt only values under keys matching REGEX (e.g. '^(data|stringData)$')
    #[arg(long, value_name = "REGEX")]
    pub encrypted_regex: Option<String>,
    /// Leave values under keys matching REGEX in plaintext (e.g. '^(user|host|port)$')
    #[arg(long, value_name = "REGEX")]
    pub unencrypted_regex: Option<String>,
    /// Encrypt only values under keys ending with SUFFIX (e.g. _secret)
    #[arg(long, value_name = "SUFFIX")]
    pub encrypted_suffix: Option<String>,
    /// Leave values under keys ending with SUFFIX in plaintext (e.g. _unencrypted)
    #[arg(long, value_name = "SUFFIX")]
    pub unencrypted_suffix: Option<String>,
}

impl RuleArgs {
    /// The rules given, or `None` when no flag was used (so a baseline's rules apply).
    pub fn spec(&self) -> Option<RuleSpec> {
        let spec = RuleSpec {
            encrypted_regex: self.encrypted_regex.clone(),
            unencrypted_regex: self.unencrypted_regex.clone(),
            encrypted_suffix: self.encrypted_suffix.clone(),
            unencrypted_suffix: self.unencrypted_suffix.clone(),
        };
        (!spec.is_empty()).then_some(spec)
    }
}

/// The recipient flags.
#[derive(Debug, Default, clap::Args)]
pub struct RecipientArgs {
    /// Encrypt to RECIPIENT: an age public key (age1…) or an SSH public key ("ssh-ed25519 AAAA…") (repeatable)
    #[arg(
        short = 'r',
        long = "recipient",
        value_name = "RECIPIENT",
        env = "VAULTFILE_RECIPIENTS",
        value_delimiter = ','
    )]
    pub recipients: Vec<String>,
    /// Encrypt to every recipient listed in FILE, one per line, # for comments (repeatable)
    #[arg(short = 'R', long = "recipients-file", value_name = "FILE")]
    pub recipients_files: Vec<PathBuf>,
}

impl RecipientArgs {
    /// Parses every recipient given, de-duplicated, in order.
    pub fn parse(&self) -> Result<Vec<Box<dyn Recipient>>, CliError> {
        let mut out: Vec<Box<dyn Recipient>> = Vec::new();
        let bad = |e: keys::RecipientError| {
            CliError::new(ExitKind::Recipients, e.to_string())
            .hint("age public keys start with age1; SSH keys look like the line in ~/.ssh/id_ed25519.pub")
        };
        for r in self.recipients.iter().filter(|r| !r.trim().is_empty()) {
            out.push(keys::parse_recipient(r).map_err(bad)?);
        }
        for f in &self.recipients_files {
            let text = std::fs::read_to_string(f)
                .map_err(|e| CliError::io("read recipients file", f, e))?;
            let list = keys::parse_recipients_file(&text).map_err(|e| {
                CliError::new(ExitKind::Recipients, format!("{}: {e}", f.display()))
            })?;
            out.extend(list);
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|r| seen.insert(r.id().to_owned()));
        Ok(out)
    }
}

/// The identity flag.
#[derive(Debug, Default, clap::Args)]
pub struct IdentityArgs {
    /// Identity file to decrypt with: age keys.txt, passphrase-protected age file, or SSH private key; tried before the default places (repeatable)
    #[arg(short = 'I', long = "identity", value_name = "FILE")]
    pub identities: Vec<PathBuf>,
}
