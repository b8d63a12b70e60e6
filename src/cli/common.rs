//! Arguments and helpers shared by several subcommands.

use std::path::{Path, PathBuf};

use vaultfile::config::{self, Config, CreationRule};
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
    /// Returns true when no recipient was given (so the configuration file decides).
    pub fn is_empty(&self) -> bool {
        self.recipients.iter().all(|r| r.trim().is_empty()) && self.recipients_files.is_empty()
    }

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

/// The configuration file flag.
#[derive(Debug, Default, clap::Args)]
pub struct ConfigArgs {
    /// Take recipients and rules from FILE instead of the .vaultfile.yaml found by walking up from the file's directory; used when no -r/-R is given
    #[arg(long = "config", value_name = "FILE", env = "VAULTFILE_CONFIG")]
    pub config: Option<PathBuf>,
}

/// What the configuration says for one file: its recipients, its selection rules (`None`
/// when the rule sets none) and the configuration file's path.
pub type FromConfig = (Vec<Box<dyn Recipient>>, Option<RuleSpec>, PathBuf);

/// The recipients and rules that the configuration gives `file`: `config_flag` (`--config`)
/// if set, else the `.vaultfile.yaml` found by walking up from the file's directory. Returns
/// the parsed recipients, the rule's selection rules (`None` when it sets none) and the
/// configuration file's path.
pub fn recipients_from_config(
    config_flag: Option<&Path>,
    file: &Path,
) -> Result<FromConfig, CliError> {
    from_config(config_flag, Some(file))
}

/// [`recipients_from_config`], for a named file or (`None`) standard input, which is
/// looked up from the current directory and only matches a rule without `path_regex`.
pub fn from_config(
    config_flag: Option<&Path>,
    file: Option<&Path>,
) -> Result<FromConfig, CliError> {
    let config = load_config(config_flag, file)?;
    let rule = pick_rule(&config, file)?;
    let at = format!("{}:{}", config.path.display(), rule.line);
    if !rule.key_groups.is_empty() {
        return Err(CliError::new(
            ExitKind::Usage,
            format!("{at}: this rule uses key_groups, which `vaultfile encrypt` does not support yet"),
        )
        .hint("list the recipients under `recipients:` for now (any one of them can decrypt), or pass -r/-R"));
    }
    let mut recipients: Vec<Box<dyn Recipient>> = Vec::new();
    for r in &rule.recipients {
        let parsed = keys::parse_recipient(r).map_err(|e| {
            CliError::new(ExitKind::Recipients, format!("{at}: {e}")).hint(format!(
                "fix the recipient in {}, or pass -r/-R",
                config.path.display()
            ))
        })?;
        recipients.push(parsed);
    }
    let mut seen = std::collections::HashSet::new();
    recipients.retain(|r| seen.insert(r.id().to_owned()));
    let rules = (!rule.rules.is_empty()).then(|| rule.rules.clone());
    Ok((recipients, rules, config.path.clone()))
}

/// `--config`, else discovery from the file's directory (or the current one).
fn load_config(config_flag: Option<&Path>, file: Option<&Path>) -> Result<Config, CliError> {
    let invalid = |e: config::ConfigError| {
        CliError::new(ExitKind::Usage, e.to_string())
            .hint("fix the configuration file, or pass -r/-R to encrypt without it")
    };
    if let Some(path) = config_flag {
        return Config::load(path).map_err(invalid);
    }
    let start = match file.and_then(Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match Config::discover(&start).map_err(invalid)? {
        Some(c) => Ok(c),
        None => {
            let shown = std::path::absolute(&start).unwrap_or(start);
            Err(CliError::new(
                ExitKind::Recipients,
                format!(
                    "no recipients: pass -r/-R or create {} (vaultfile looked in {} and its parents)",
                    config::FILE_NAME,
                    shown.display()
                ),
            )
            .hint("pass -r age1… (repeatable), -R FILE or set VAULTFILE_RECIPIENTS")
            .hint(format!(
                "a {} at the repository root with `creation_rules:` (path_regex, recipients) says who can decrypt which files; --config FILE names one elsewhere",
                config::FILE_NAME
            ))
            .hint("`vaultfile keygen -o ~/.config/vaultfile/keys.txt` creates a key and prints its public key"))
        }
    }
}

/// The rule for `file`, or an error that says why there is none.
fn pick_rule<'c>(config: &'c Config, file: Option<&Path>) -> Result<&'c CreationRule, CliError> {
    let shown = config.path.display();
    let Some(file) = file else {
        return config
            .creation_rules
            .iter()
            .find(|r| r.path_regex.is_none())
            .ok_or_else(|| {
                CliError::new(
                    ExitKind::Recipients,
                    format!("standard input has no file name to match against the path_regex rules of {shown}"),
                )
                .hint("pass -r/-R, or add a rule without path_regex to the configuration")
            });
    };
    let Some(relative) = config.relative_path(file) else {
        return Err(CliError::new(
            ExitKind::Recipients,
            format!(
                "{} is outside {}, so no creation rule of {shown} applies to it",
                file.display(),
                config.dir.display()
            ),
        )
        .hint("path_regex is matched against the path relative to the configuration's directory; pass -r/-R or another --config"));
    };
    config
        .creation_rules
        .iter()
        .find(|r| r.matches(&relative))
        .ok_or_else(|| {
            CliError::new(
                ExitKind::Recipients,
                format!("no creation rule in {shown} matches {relative}"),
            )
            .hint(format!(
                "add a rule whose path_regex matches '{relative}' (the path relative to {}), or pass -r/-R",
                config.dir.display()
            ))
        })
}
