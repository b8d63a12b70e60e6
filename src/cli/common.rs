//! Arguments and helpers shared by several subcommands.

use std::path::{Path, PathBuf};

use vaultfile::config::{self, Config, CreationRule};
use vaultfile::engine;
use vaultfile::format::Format;
use vaultfile::keys::{self, KeyHolders, Recipient};
use vaultfile::path::RuleSpec;

use super::error::{CliError, ExitKind};
use super::io::Input;
use super::ui::Ui;

/// clap value parser for `--input-type`: the names of [`Format::ALL`] and their aliases, in
/// any case, which the help lists and the shells complete.
pub fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(
        Format::ALL.map(|f| PossibleValue::new(f.name()).aliases(f.aliases().iter().copied())),
    )
    .map(|name| Format::from_name(&name).expect("one of the possible values"))
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

/// Refuses `--in-place` on standard input; without it, `output` (what the command writes)
/// goes to standard output.
pub fn in_place_needs_file(input: &Input, in_place: bool, output: &str) -> Result<(), CliError> {
    if in_place && input.path().is_none() {
        return Err(CliError::new(
            ExitKind::Usage,
            "--in-place needs a file, not standard input",
        )
        .hint(format!(
            "name the file, or drop -i to write {output} to standard output"
        )));
    }
    Ok(())
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
            CliError::new(ExitKind::Usage, "cannot tell the format of standard input").hint(
                format!("pass --input-type {}", Format::names(Format::ALL, "|")),
            ),
        ),
    }
}

/// The format of an encrypted input: `--input-type`, else what its content says, else its
/// name ([`Format::of_encrypted`]).
pub fn format_for_encrypted(input: &Input, explicit: Option<Format>, text: &str) -> Format {
    explicit
        .unwrap_or_else(|| engine::format_of_encrypted(text, input.path().map(Format::from_path)))
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
    /// Write the file even if the rules leave every value in plaintext (it is then only
    /// authenticated); without it such a file is refused, as a mistyped rule would be
    #[arg(long)]
    pub allow_all_plaintext: bool,
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
    /// Encrypt to RECIPIENT: an age public key (age1…), an SSH public key ("ssh-ed25519 AAAA…"), `passphrase`, or a key service's key (see "Key services" in the README) (repeatable)
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
        // `-r ARN+context=a=1,b=2`: clap split the context at its comma; join it back.
        let recipients = keys::rejoin_split_recipients(&self.recipients);
        for r in recipients.iter().filter(|r| !r.trim().is_empty()) {
            out.push(
                keys::parse_recipient_with(r, &super::key_services::context())
                    .map_err(|e| CliError::recipient(r, e))?,
            );
        }
        for f in &self.recipients_files {
            let text = std::fs::read_to_string(f)
                .map_err(|e| CliError::io("read recipients file", f, e))?;
            let list = keys::parse_recipients_file_with(&text, &super::key_services::context()).map_err(
                |e| CliError::new(ExitKind::Recipients, format!("{}: {e}", f.display())).hint("a recipients file holds one public key a line (age1…, ssh-ed25519 …); # starts a comment"),
            )?;
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

/// What the configuration says for one file, key groups included: who can open it, its
/// selection rules (`None` when the rule sets none) and the configuration file's path.
pub type HoldersFromConfig = (KeyHolders, Option<RuleSpec>, PathBuf);

/// Who the configuration says can open `file` and its selection rules: `config_flag`
/// (`--config`) if set, else the `.vaultfile.yaml` found by walking up from the file's
/// directory. The rule's `recipients`, or its `key_groups` and `threshold`. `None` is
/// standard input, which is looked up from the current directory and only matches a rule
/// without `path_regex`.
pub fn holders_from_config(
    config_flag: Option<&Path>,
    file: Option<&Path>,
) -> Result<HoldersFromConfig, CliError> {
    let (config, i) = config_rule(config_flag, file)?;
    let rule = &config.creation_rules[i];
    let holders = holders_of_rule(&config, i)?;
    let rules = (!rule.rules.is_empty()).then(|| rule.rules.clone());
    Ok((holders, rules, config.path.clone()))
}

/// Parses the recipients of rule `i` of `config`; errors name the rule's line.
pub fn holders_of_rule(config: &Config, i: usize) -> Result<KeyHolders, CliError> {
    let rule = &config.creation_rules[i];
    rule.holders(&super::key_services::context()).map_err(|e| {
        CliError::new(
            ExitKind::Recipients,
            format!("{}:{}: {e}", config.path.display(), rule.line),
        )
        .hint(format!(
            "fix the recipient in {}, or pass -r/-R",
            config.path.display()
        ))
    })
}

/// The configuration for `file` (`--config`, else discovered from the file's directory)
/// and the index of the creation rule that applies to it, or an error that says why there
/// is none.
pub fn config_rule(
    config_flag: Option<&Path>,
    file: Option<&Path>,
) -> Result<(Config, usize), CliError> {
    let config = load_config(config_flag, file)?;
    let rule = pick_rule(&config, file)?;
    let i = config
        .creation_rules
        .iter()
        .position(|r| std::ptr::eq(r, rule))
        .expect("the rule is one of the configuration's");
    Ok((config, i))
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
            .hint(format!(
                "`vaultfile keygen -o {}` creates a key and prints its public key",
                super::identities::default_keys_file_shown()
            )))
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

// ---------------------------------------------------------------------------------------
// SOPS files: `decrypt` and the other reading subcommands accept them directly.

/// The age identities used directly (with the age crate) for SOPS files: the same places
/// as [`super::identities::collect`] plus SOPS's own default key file
/// (`$XDG_CONFIG_HOME/sops/age/keys.txt`) and SSH key (`SOPS_AGE_SSH_PRIVATE_KEY_FILE`).
/// SOPS key groups wrap 33-byte Shamir shares, which vaultfile's identities (they return
/// 32-byte data keys) cannot hand back; files without key groups are opened by vaultfile's
/// identities too, passphrase-protected keys included. Passphrase-protected keys are
/// skipped here.
pub fn sops_age_identities(explicit: &[PathBuf]) -> (SopsAgeIds, Vec<String>) {
    let mut ids: SopsAgeIds = Vec::new();
    let mut tried = Vec::new();
    let mut add = |bytes: &[u8], name: String| {
        if let Some(list) = vaultfile::keys::age::native_identities(bytes) {
            ids.extend(list);
            tried.push(name);
        }
    };
    for p in explicit {
        if let Ok(b) = std::fs::read(p) {
            add(&b, p.display().to_string());
        }
    }
    for var in ["VAULTFILE_AGE_KEY", "SOPS_AGE_KEY"] {
        if let Ok(t) = std::env::var(var) {
            add(t.as_bytes(), format!("${var}"));
        }
    }
    let mut files: Vec<PathBuf> = ["VAULTFILE_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE"]
        .iter()
        .filter_map(|v| std::env::var_os(v).map(PathBuf::from))
        .collect();
    files.extend(super::identities::default_keys_file());
    files.extend(super::identities::sops_default_keys_files());
    for f in files {
        if let Ok(b) = std::fs::read(&f) {
            add(&b, f.display().to_string());
        }
    }
    // SSH keys, where SOPS looks for them (SOPS_AGE_SSH_PRIVATE_KEY_FILE, else ~/.ssh),
    // plus --identity files that are SSH keys: as age identities they open key groups'
    // shares, which vaultfile's own SSH identities (32-byte data keys only) cannot. Keys
    // with a passphrase are left to those: asking here would ask twice.
    // Only SOPS's own variable is a source not already listed among vaultfile's.
    let mut ssh: Vec<(PathBuf, bool)> = explicit.iter().map(|p| (p.clone(), false)).collect();
    match std::env::var_os("SOPS_AGE_SSH_PRIVATE_KEY_FILE") {
        Some(f) => ssh.push((PathBuf::from(f), true)),
        None => {
            if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
                let dir = PathBuf::from(h).join(".ssh");
                ssh.extend(["id_ed25519", "id_rsa"].map(|n| (dir.join(n), false)));
            }
        }
    }
    for (f, new_source) in ssh {
        let Ok(b) = std::fs::read(&f) else { continue };
        if let Ok(id @ age::ssh::Identity::Unencrypted(_)) =
            age::ssh::Identity::from_buffer(&b[..], Some(f.display().to_string()))
        {
            ids.push(Box::new(id));
            if new_source {
                tried.push(format!("{} ($SOPS_AGE_SSH_PRIVATE_KEY_FILE)", f.display()));
            }
        }
    }
    (ids, tried)
}

/// [`sops_age_identities`]'s result, shared.
type SopsAgeIdentities = std::rc::Rc<(SopsAgeIds, Vec<String>)>;

/// The age identities SOPS files are opened with directly.
pub type SopsAgeIds = Vec<Box<dyn age::Identity + Send + Sync>>;

/// The identities of [`sops_age_identities`], loaded once (per thread) for the same
/// `--identity` files: `convert` over a directory and the git filters open many SOPS
/// files, and the key files do not change within one run.
fn sops_age_identities_once(explicit: &[PathBuf]) -> SopsAgeIdentities {
    type Loaded = SopsAgeIdentities;
    thread_local! {
        static LOADED: std::cell::RefCell<Option<(Vec<PathBuf>, Loaded)>> =
            const { std::cell::RefCell::new(None) };
    }
    LOADED.with(|cell| {
        let mut slot = cell.borrow_mut();
        if let Some((paths, ids)) = slot.as_ref()
            && paths.as_slice() == explicit
        {
            return ids.clone();
        }
        let ids: Loaded = std::rc::Rc::new(sops_age_identities(explicit));
        *slot = Some((explicit.to_vec(), ids.clone()));
        ids
    })
}

/// Maps a SOPS error for `file`; `tried` lists the identity sources looked at.
pub fn sops_error(file: &str, err: vaultfile::sops::SopsError, tried: &[String]) -> CliError {
    use vaultfile::sops::SopsError as E;
    use vaultfile::sops::doc::DocError;
    match err {
        E::Doc(DocError::Syntax(e)) => {
            CliError::new(ExitKind::Syntax, format!("{file}: syntax error: {e}"))
                .hint("pass --input-type if the format was guessed wrong")
        }
        E::Doc(DocError::NoMetadata) => CliError::new(
            ExitKind::State,
            format!("{file} is not a SOPS file (it has no sops metadata)"),
        )
        .hint("`vaultfile decrypt` reads vaultfile and SOPS files; check --input-type"),
        E::Doc(e) => CliError::new(ExitKind::Syntax, format!("{file}: {e}")),
        E::BadMetadata(m) => CliError::new(
            ExitKind::Integrity,
            format!("{file}: the sops metadata is malformed: {m}"),
        )
        .hint("restore the file from version control; nothing was written"),
        E::NoKey(nk) => {
            let mut msg = format!("no key can open the SOPS file {file}\n  its keys:");
            for k in &nk.keys {
                msg.push_str(&format!("\n    {k}"));
            }
            crate::cli::error::push_tried(&mut msg, tried, &nk.failures);
            CliError::new(ExitKind::NoIdentity, msg)
                .hint("pass -I/--identity FILE, or set SOPS_AGE_KEY_FILE; PGP keys are used through gpg and its keyring")
        }
        E::Integrity(m) => CliError::new(
            ExitKind::Integrity,
            format!("integrity check failed for {file}: {m}"),
        )
        .hint("the file was altered after it was encrypted; restore it from version control. Nothing was written"),
        E::Mac(m) => CliError::new(
            ExitKind::Integrity,
            format!("integrity check failed for {file}: MAC mismatch: {m}"),
        )
        .hint("the file was altered after it was encrypted; restore it from version control. Nothing was written")
        .hint("--ignore-mac reads it anyway, without any integrity guarantee (for recovering a damaged file)"),
        E::Wrap(e) => CliError::new(ExitKind::Recipients, format!("{file}: {e}"))
            .hint("check the recipient, and for a key service (KMS, Vault) your credentials and network"),
        other => CliError::new(ExitKind::Usage, format!("{file}: {other}")),
    }
}

/// Decrypts a SOPS file (`format` from [`vaultfile::sops::sniff`]); warnings go to `ui`.
pub fn sops_decrypt(
    name: &str,
    text: &str,
    format: vaultfile::sops::SopsFormat,
    explicit: &[PathBuf],
    found: &super::identities::Found,
    ignore_mac: bool,
    ui: &super::ui::Ui,
) -> Result<vaultfile::sops::Decrypted, CliError> {
    use vaultfile::sops;
    let cached = sops_age_identities_once(explicit);
    let (age_ids, age_tried) = &*cached;
    let program = std::env::var_os("SOPS_GPG_EXEC")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("gpg"), PathBuf::from);
    let sources = sops::KeySources {
        identities: &found.identities,
        age: age_ids,
        gpg: Some(sops::Gpg { program }),
    };
    let mut tried = found.tried.clone();
    for t in age_tried {
        if !tried.iter().any(|x| x.starts_with(t.as_str())) {
            tried.push(t.clone());
        }
    }
    tried.push("gpg's keyring (for PGP keys)".into());
    let dec = sops::decrypt(text, format, &sources, sops::DecryptOptions { ignore_mac })
        .map_err(|e| sops_error(name, e, &tried))?;
    for w in &dec.warnings {
        ui.warn(&format!("{name}: {w}"));
    }
    Ok(dec)
}

/// Warns that `name` is in an older file format whose MAC leaves the text around the
/// values unauthenticated, and says how to upgrade it.
pub fn warn_if_old_format(ui: &Ui, name: &str, metadata: &vaultfile::metadata::Metadata) {
    if metadata.version < vaultfile::metadata::VERSION {
        ui.warn(&format!(
            "{name} is in vaultfile file format {}: its values, recipients and rules are authenticated, but its comments, layout and keys without values are not; `vaultfile upgrade {name}` rewrites it in format {}, which authenticates every byte",
            metadata.version,
            vaultfile::metadata::VERSION
        ));
    }
}

/// Warns when the encrypted file at `path` has recipients or selection rules other than
/// its `.vaultfile.yaml` rule's: someone who could write to it may have added a recipient
/// of their own. Nothing is said for a file without a rule, or when the rule cannot be read.
pub fn warn_if_drift(ui: &Ui, path: &Path, name: &str, metadata: &vaultfile::metadata::Metadata) {
    let Ok(Some(rule)) = super::rekey::rule_of(path, None) else {
        return;
    };
    let drift = vaultfile::policy::compare(metadata, &rule.holders, &rule.rules);
    if !drift.is_empty() {
        ui.warn(&format!(
            "{name} does not match its rule at {}: {}; `vaultfile updatekeys {name}` makes it match",
            rule.at,
            drift.lines().join("; ")
        ));
    }
}

/// Refuses a SOPS file for a command that works on vaultfile files only, saying what to
/// run instead: `vaultfile convert` for what changes it, and what reads it as it is.
pub fn refuse_sops(name: &str, text: &str, format: Format, command: &str) -> Result<(), CliError> {
    if vaultfile::sops::sniff(text, format).is_none() {
        return Ok(());
    }
    Err(CliError::new(
        ExitKind::State,
        format!("{name} is a SOPS file (it is already encrypted): {command} works on vaultfile files"),
    )
    .hint(format!(
        "convert it first: `vaultfile convert --to vaultfile {name}` (same recipients, same values)"
    ))
    .hint(format!(
        "to read it as it is: `vaultfile decrypt {name}`, `vaultfile get`, `vaultfile exec-env`; `vaultfile status {name}` shows its recipients and checks its MAC"
    )))
}

/// How another program should start vaultfile: `vaultfile` when that is what PATH finds,
/// else this program's absolute path, quoted for a POSIX shell (git's filters, Kustomize's
/// plugin).
pub fn self_command() -> String {
    let me = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok());
    let on_path = which::which("vaultfile")
        .ok()
        .and_then(|p| p.canonicalize().ok());
    match (&me, &on_path) {
        (Some(a), Some(b)) if a == b => "vaultfile".to_owned(),
        (Some(a), _) => vaultfile::git::setup::shell_quote(&a.to_string_lossy()),
        _ => "vaultfile".to_owned(),
    }
}
