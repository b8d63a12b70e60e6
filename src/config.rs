//! `.vaultfile.yaml`: who can decrypt which files, written once per repository.
//!
//! Passing `-r age1…` on every command does not scale to a team, and a recipient list that
//! lives in people's shell history cannot be reviewed. The configuration file is checked
//! into the repository and maps paths to recipients and selection rules, with SOPS's names (`creation_rules`, `path_regex`, `encrypted_regex`…):
//!
//! ```yaml
//! creation_rules:                 # first match wins
//!   - path_regex: ^config/prod/.*\.ya?ml$
//!     recipients: [age1…, "ssh-ed25519 AAAA…"]
//!     unencrypted_regex: ^(user|host|port)$
//!   - path_regex: ^config/secure/
//!     recipients: [age1pq1…, age1pq1…]
//!     require_post_quantum: true  # refuse keys a quantum computer could break
//!   - path_regex: \.env$
//!     key_groups:                 # 2 of 3 groups needed
//!       - [age1alice…, age1bob…]
//!       - [age1carol…]
//!       - [age1dave…]
//!     threshold: 2
//! ```
//!
//! The file is found by walking up from the *target file's* directory ([`Config::discover`]),
//! and `path_regex` is matched against the file's path relative to the configuration's
//! directory, so the same rules work from any working directory. The schema is strict:
//! an unknown key, a wrong type or an invalid regex is an error that names its line, since a
//! typo in a security setting must not silently encrypt to the wrong people.
//! An optional `scan:` section ([`ScanSettings`]) tells `vaultfile scan` what not to report.
//! [`path_regex_to_patterns`] turns simple rules into `.gitattributes` patterns for the git
//! integration.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned};

use crate::keys::{self, KeyHolders};
use crate::path::RuleSpec;

/// The configuration file's name.
pub const FILE_NAME: &str = ".vaultfile.yaml";

/// A parsed and validated `.vaultfile.yaml`.
#[derive(Clone, Debug)]
pub struct Config {
    /// The configuration file (absolute).
    pub path: PathBuf,
    /// The directory that holds it (absolute); `path_regex` is matched relative to it.
    pub dir: PathBuf,
    /// The rules, in file order; the first that matches a file applies.
    pub creation_rules: Vec<CreationRule>,
    /// The `scan:` section: what `vaultfile scan` must not report.
    pub scan: ScanSettings,
}

/// The optional `scan:` section, read by `vaultfile scan`:
///
/// ```yaml
/// scan:
///   allow_paths: ["docs/**", "tests/fixtures/*.env"]   # globs, relative to this file
///   allow_fingerprints: ["app/dev.env:generic-api-key:0011223344556677"]
/// ```
#[derive(Clone, Debug, Default)]
pub struct ScanSettings {
    /// Globs of paths (relative to the configuration's directory, `/`-separated; `*`
    /// stays in one directory, `**` crosses them) whose findings are not reported.
    pub allow_paths: Vec<String>,
    /// Fingerprints of findings that are not reported (as `vaultfile scan` prints them).
    pub allow_fingerprints: Vec<String>,
}

/// One entry of `creation_rules`.
#[derive(Clone, Debug)]
pub struct CreationRule {
    /// The regex as written; `None` matches every file.
    pub path_regex: Option<String>,
    /// The recipients as written (`age1…`, `ssh-ed25519 …`), from a YAML list or one
    /// comma-separated string. Empty when the rule uses `key_groups`.
    pub recipients: Vec<String>,
    /// Groups of recipients for threshold (Shamir) encryption; empty when the rule uses
    /// `recipients`.
    pub key_groups: Vec<Vec<String>>,
    /// How many key groups are needed to decrypt; `None` means all of them. Only set with
    /// `key_groups`, and then between 1 and the number of groups.
    pub threshold: Option<usize>,
    /// Whether every recipient must be quantum-resistant (`require_post_quantum: true`);
    /// a rule that lists another is refused when the configuration is read.
    pub require_post_quantum: bool,
    /// The leaf-selection rules (`encrypted_regex`, `unencrypted_regex`, `encrypted_suffix`,
    /// `unencrypted_suffix`); empty when the rule sets none.
    pub rules: RuleSpec,
    /// The 1-based line of the rule in the file, for messages.
    pub line: usize,
    regex: Option<Regex>,
}

impl CreationRule {
    /// Parses the holders a `.vaultfile.yaml` creation rule names: its `recipients`, or
    /// its `key_groups` and `threshold` (all groups when it has none). Duplicates within a
    /// list are dropped. `context` is what parsing a recipient needs (see
    /// [`keys::parse_recipient_with`]).
    pub fn holders(&self, context: &keys::Context) -> Result<KeyHolders, keys::RecipientError> {
        let parse =
            |list: &[String]| -> Result<Vec<Box<dyn keys::Recipient>>, keys::RecipientError> {
                let mut out: Vec<Box<dyn keys::Recipient>> = Vec::with_capacity(list.len());
                for r in list {
                    let parsed = keys::parse_recipient_with(r, context)?;
                    if !out.iter().any(|o| o.id() == parsed.id()) {
                        out.push(parsed);
                    }
                }
                Ok(out)
            };
        if self.key_groups.is_empty() {
            return Ok(KeyHolders::Recipients(parse(&self.recipients)?));
        }
        let groups = self
            .key_groups
            .iter()
            .map(|g| parse(g))
            .collect::<Result<Vec<_>, _>>()?;
        let threshold = self.threshold.unwrap_or(groups.len());
        Ok(KeyHolders::Groups { groups, threshold })
    }

    /// Returns true when this rule applies to `relative`, a path relative to the
    /// configuration's directory with `/` separators.
    pub fn matches(&self, relative: &str) -> bool {
        self.regex.as_ref().is_none_or(|r| r.is_match(relative))
    }
}

/// A configuration file that cannot be read or is not valid.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    /// The configuration file.
    pub path: PathBuf,
    /// The 1-based line of the problem, when it has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Config {
    /// Parses and validates the text of a configuration file; `path` is where it lives
    /// (made absolute against the current directory) and names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let path = absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let err = |line: Option<usize>, message: String| ConfigError {
            path: path.clone(),
            line,
            message,
        };
        let raw: RawConfig = if is_blank(text) {
            RawConfig::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| {
                let (line, message) = yaml_error(&e);
                err(line, message)
            })?
        };
        let creation_rules = raw
            .creation_rules
            .into_iter()
            .map(|r| validate(r).map_err(|(line, message)| err(Some(line), message)))
            .collect::<Result<_, _>>()?;
        let scan = match raw.scan {
            None => ScanSettings::default(),
            Some(s) => {
                validate_scan(s.value).map_err(|(line, message)| err(Some(line), message))?
            }
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Config {
            path,
            dir,
            creation_rules,
            scan,
        })
    }

    /// Reads and parses the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: absolute(path).unwrap_or_else(|_| path.to_path_buf()),
            line: None,
            message: format!("cannot read the configuration: {e}"),
        })?;
        Config::parse(&text, path)
    }

    /// Walks up from `start_dir` looking for [`FILE_NAME`]; stops after the directory that
    /// contains a `.git` entry (file or directory: the repository root) or at `/`.
    /// `Ok(None)` if there is none.
    pub fn discover(start_dir: &Path) -> Result<Option<Config>, ConfigError> {
        let start = absolute(start_dir).map_err(|e| ConfigError {
            path: start_dir.join(FILE_NAME),
            line: None,
            message: format!("cannot resolve the directory: {e}"),
        })?;
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            match candidate.try_exists() {
                Ok(true) => return Config::load(&candidate).map(Some),
                Ok(false) => {}
                Err(e) => {
                    return Err(ConfigError {
                        path: candidate,
                        line: None,
                        message: format!("cannot read the configuration: {e}"),
                    });
                }
            }
            if dir.join(".git").exists() {
                break;
            }
        }
        Ok(None)
    }

    /// The first rule whose `path_regex` matches `file` made relative to [`Config::dir`].
    /// `file` may be absolute or relative to the current directory, and need not exist.
    /// `None` if no rule matches or the file is outside the directory.
    pub fn rule_for(&self, file: &Path) -> Option<&CreationRule> {
        let relative = self.relative_path(file)?;
        self.creation_rules.iter().find(|r| r.matches(&relative))
    }

    /// `file` relative to [`Config::dir`], with `/` separators: the text `path_regex` is
    /// matched against. `None` when the file is outside the directory.
    pub fn relative_path(&self, file: &Path) -> Option<String> {
        let file = absolute(file).ok()?;
        if let Some(rel) = strip_dir(&file, &self.dir) {
            return Some(rel);
        }
        // The same directory reached through a symbolic link (`/tmp` → `/private/tmp`).
        let dir = self.dir.canonicalize().ok()?;
        strip_dir(&canonicalize_existing(&file), &dir)
    }
}

/// The file as written: only `creation_rules` and `scan`, so that a typo is an error.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    creation_rules: Vec<Spanned<RawRule>>,
    scan: Option<Spanned<RawScan>>,
}

/// The `scan:` section as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScan {
    #[serde(default)]
    allow_paths: Vec<Spanned<String>>,
    #[serde(default)]
    allow_fingerprints: Vec<String>,
}

/// Checks the `scan:` section: every glob must compile.
fn validate_scan(raw: RawScan) -> Result<ScanSettings, (usize, String)> {
    for g in &raw.allow_paths {
        scan_allow_glob(&g.value).map_err(|e| {
            (
                line_of(g),
                format!("invalid scan.allow_paths glob '{}': {}", g.value, e.kind()),
            )
        })?;
    }
    Ok(ScanSettings {
        allow_paths: raw.allow_paths.into_iter().map(|g| g.value).collect(),
        allow_fingerprints: raw
            .allow_fingerprints
            .into_iter()
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .collect(),
    })
}

/// One rule as written, each field with its position.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    path_regex: Option<Spanned<String>>,
    recipients: Option<Spanned<StringList>>,
    key_groups: Option<Spanned<Vec<Spanned<StringList>>>>,
    threshold: Option<Spanned<Threshold>>,
    require_post_quantum: Option<Spanned<bool>>,
    encrypted_regex: Option<Spanned<String>>,
    unencrypted_regex: Option<Spanned<String>>,
    encrypted_suffix: Option<String>,
    unencrypted_suffix: Option<String>,
}

/// A list of strings, written as a YAML sequence or as one comma-separated string (as SOPS
/// accepts for its `age` key). Blank entries are dropped.
struct StringList(Vec<String>);

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of recipients, or one comma-separated string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StringList, E> {
                Ok(StringList(
                    s.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringList, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    let s = s.trim();
                    if !s.is_empty() {
                        out.push(s.to_owned());
                    }
                }
                Ok(StringList(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A recipient for a message: long ones (SSH keys, post-quantum keys) cut short.
fn short_recipient(r: &str) -> String {
    if r.chars().count() > 40 {
        format!("`{}…`", r.chars().take(24).collect::<String>())
    } else {
        format!("`{r}`")
    }
}

/// `threshold`: a whole number, with a message that says so.
struct Threshold(u64);

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Threshold;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of key groups (1 or more)")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Threshold, E> {
                Ok(Threshold(n))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Threshold, E> {
                u64::try_from(n)
                    .map(Threshold)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(n), &self))
            }
        }
        d.deserialize_any(V)
    }
}

fn line_of<T>(s: &Spanned<T>) -> usize {
    usize::try_from(s.referenced.line()).unwrap_or(usize::MAX)
}

/// Checks one rule; the error carries its line.
fn validate(raw: Spanned<RawRule>) -> Result<CreationRule, (usize, String)> {
    let line = line_of(&raw);
    let r = raw.value;
    let compile = |name: &str, s: &Option<Spanned<String>>| {
        s.as_ref()
            .map(|s| {
                Regex::new(&s.value).map_err(|e| {
                    (
                        line_of(s),
                        format!("invalid {name} '{}': {}", s.value, regex_message(&e)),
                    )
                })
            })
            .transpose()
    };
    let regex = compile("path_regex", &r.path_regex)?;
    compile("encrypted_regex", &r.encrypted_regex)?;
    compile("unencrypted_regex", &r.unencrypted_regex)?;

    let (recipients, key_groups) = match (r.recipients, r.key_groups) {
        (Some(_), Some(_)) => {
            return Err((
                line,
                "this rule has both `recipients` and `key_groups`: use one or the other".into(),
            ));
        }
        (None, None) => {
            return Err((
                line,
                "this rule has no `recipients` and no `key_groups`: add the recipients who can \
                 decrypt the files it matches"
                    .into(),
            ));
        }
        (Some(list), None) => {
            if list.value.0.is_empty() {
                return Err((line_of(&list), "`recipients` is empty".into()));
            }
            (list.value.0, Vec::new())
        }
        (None, Some(groups)) => {
            if groups.value.is_empty() {
                return Err((line_of(&groups), "`key_groups` is empty".into()));
            }
            let mut out = Vec::with_capacity(groups.value.len());
            for (i, g) in groups.value.into_iter().enumerate() {
                if g.value.0.is_empty() {
                    return Err((line_of(&g), format!("key group {} is empty", i + 1)));
                }
                out.push(g.value.0);
            }
            (Vec::new(), out)
        }
    };
    let threshold = match r.threshold {
        None => None,
        Some(t) if key_groups.is_empty() => {
            return Err((
                line_of(&t),
                "`threshold` only applies to `key_groups`".into(),
            ));
        }
        Some(t) => {
            let n = t.value.0;
            if n == 0 || n > key_groups.len() as u64 {
                return Err((
                    line_of(&t),
                    format!(
                        "threshold {n} must be between 1 and the number of key groups ({})",
                        key_groups.len()
                    ),
                ));
            }
            Some(n as usize)
        }
    };
    // A rule may demand that every key which can open its files survives a quantum
    // computer: files kept in git outlive the keys' algorithms ("harvest now, decrypt
    // later"). Checked here, so that no command that writes with the rule can miss it.
    let require_post_quantum = r.require_post_quantum.is_some_and(|b| b.value);
    if require_post_quantum
        && let Some(classical) = recipients
            .iter()
            .chain(key_groups.iter().flatten())
            .find(|r| !keys::quantum_resistant(r))
    {
        return Err((
            line,
            format!(
                "this rule has `require_post_quantum: true`, but {} is not a post-quantum \
                 key: a quantum computer could open what is wrapped for it (X25519, SSH and \
                 RSA keys, age plugins); use a post-quantum age key (age1pq1…, made by \
                 `vaultfile keygen`) or a key service's symmetric key",
                short_recipient(classical)
            ),
        ));
    }
    Ok(CreationRule {
        path_regex: r.path_regex.map(|s| s.value),
        recipients,
        key_groups,
        threshold,
        require_post_quantum,
        rules: RuleSpec {
            encrypted_regex: r.encrypted_regex.map(|s| s.value),
            unencrypted_regex: r.unencrypted_regex.map(|s| s.value),
            encrypted_suffix: r.encrypted_suffix,
            unencrypted_suffix: r.unencrypted_suffix,
        },
        line,
        regex,
    })
}

/// The line and a one-line message for a YAML or schema error.
fn yaml_error(e: &serde_saphyr::Error) -> (Option<usize>, String) {
    let inner = e.without_snippet();
    let mut message = one_line(&serde_saphyr::UserMessageFormatter.format_message(inner));
    if let serde_saphyr::Error::SerdeUnknownField { field, .. } = inner
        && let Some(hint) = sops_hint(field)
    {
        message.push_str(&format!(" ({hint})"));
    }
    let line = e
        .location()
        .map(|l| l.line())
        .filter(|&l| l > 0)
        .map(|l| usize::try_from(l).unwrap_or(usize::MAX));
    (line, message)
}

/// What to write instead of a SOPS key that vaultfile spells differently.
fn sops_hint(field: &str) -> Option<&'static str> {
    match field {
        "age" | "pgp" | "kms" | "gcp_kms" | "azure_keyvault" | "hc_vault_transit_uri" => Some(
            "SOPS has one key per kind of key; vaultfile lists every recipient under `recipients`",
        ),
        "shamir_threshold" => Some("vaultfile calls it `threshold`"),
        _ => None,
    }
}

/// The regex crate's message without its ASCII-art pointer: `unclosed group`.
fn regex_message(e: &regex::Error) -> String {
    let text = e.to_string();
    match text.lines().find_map(|l| l.strip_prefix("error: ")) {
        Some(m) => one_line(&m),
        None => one_line(&text),
    }
}

/// Collapses a multi-line message (the regex crate's) onto one line, without control
/// characters.
fn one_line(msg: &dyn fmt::Display) -> String {
    msg.to_string()
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .replace(|c: char| c.is_control(), " ")
}

/// True for text with nothing but comments and blank lines (an empty configuration).
fn is_blank(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .all(|l| l.is_empty() || l.starts_with('#'))
}

/// `path` made absolute against the current directory, with `.` and `..` resolved
/// lexically (the file need not exist).
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    Ok(normalize(&joined))
}

/// Removes `.` and resolves `..` lexically (the file need not exist), so that paths
/// written differently compare equal. `scan` compares its scope and walked paths so too.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `file` relative to `dir` with `/` separators; `None` if outside or equal.
fn strip_dir(file: &Path, dir: &Path) -> Option<String> {
    let rel = file.strip_prefix(dir).ok()?;
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// `path` with its longest existing ancestor canonicalized (symbolic links resolved).
fn canonicalize_existing(path: &Path) -> PathBuf {
    for base in path.ancestors() {
        if let Ok(canon) = base.canonicalize() {
            let rest = path.strip_prefix(base).unwrap_or(Path::new(""));
            return if rest.as_os_str().is_empty() {
                canon
            } else {
                canon.join(rest)
            };
        }
    }
    path.to_path_buf()
}

/// Turns a simple `path_regex` into `.gitattributes` patterns that match exactly the same
/// files, for a `.gitattributes` file in the configuration's directory; `None` when the
/// regex cannot be translated exactly.
///
/// Understood: literal characters (escaped punctuation included), `^` and `$` (also `\A`
/// and `\z`), `.*`, `?` after a character or group, and groups of alternatives without
/// repetition (`(yaml|yml)`, `(?:…)`), at most 16 patterns in all. So
/// `\.enc\.yaml$` → `*.enc.yaml`, `^secrets/` → `/secrets/**`, `^secrets/.*\.yaml$` →
/// `/secrets/**/*.yaml` (`.*` crosses `/`), and `\.ya?ml$` → `*.yaml`, `*.yml`.
/// Character classes, `.` alone, `+`, counted repetition and flags give `None`, and so do
/// literals that are special in a pattern (`*?[]\!#"`, whitespace).
pub fn path_regex_to_patterns(re: &str) -> Option<Vec<String>> {
    const MAX: usize = 16;
    let chars: Vec<char> = re.chars().collect();
    let mut pos = 0;
    let alternatives = parse_alternatives(&chars, &mut pos, 0)?;
    if pos != chars.len() {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    for alt in alternatives {
        for p in globs_for(&alt)? {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        if out.len() > MAX {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A piece of a simple regex.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    Start,
    End,
    /// `.*`: any text, `/` included.
    Any,
    Lit(char),
}

const MAX_ALTERNATIVES: usize = 32;

/// `a|b|…` up to a `)` or the end; each alternative fully expanded.
fn parse_alternatives(chars: &[char], pos: &mut usize, depth: usize) -> Option<Vec<Vec<Tok>>> {
    if depth > 4 {
        return None;
    }
    let mut out = parse_sequence(chars, pos, depth)?;
    while chars.get(*pos) == Some(&'|') {
        *pos += 1;
        out.extend(parse_sequence(chars, pos, depth)?);
        if out.len() > MAX_ALTERNATIVES {
            return None;
        }
    }
    Some(out)
}

/// A concatenation of atoms up to `|`, `)` or the end.
fn parse_sequence(chars: &[char], pos: &mut usize, depth: usize) -> Option<Vec<Vec<Tok>>> {
    let mut seqs: Vec<Vec<Tok>> = vec![Vec::new()];
    while let Some(&c) = chars.get(*pos) {
        let atom: Vec<Vec<Tok>> = match c {
            '|' | ')' => break,
            '\\' => {
                let e = *chars.get(*pos + 1)?;
                *pos += 2;
                match e {
                    'A' => vec![vec![Tok::Start]],
                    'z' => vec![vec![Tok::End]],
                    e if e.is_ascii_punctuation() => vec![vec![Tok::Lit(e)]],
                    _ => return None,
                }
            }
            '.' => {
                if chars.get(*pos + 1) != Some(&'*') {
                    return None;
                }
                *pos += 2;
                // `.*?` (lazy) matches the same texts as `.*`.
                if chars.get(*pos) == Some(&'?') {
                    *pos += 1;
                }
                vec![vec![Tok::Any]]
            }
            '^' => {
                *pos += 1;
                vec![vec![Tok::Start]]
            }
            '$' => {
                *pos += 1;
                vec![vec![Tok::End]]
            }
            '(' => {
                *pos += 1;
                if chars.get(*pos) == Some(&'?') {
                    if chars.get(*pos + 1) != Some(&':') {
                        return None;
                    }
                    *pos += 2;
                }
                let inner = parse_alternatives(chars, pos, depth + 1)?;
                if chars.get(*pos) != Some(&')') {
                    return None;
                }
                *pos += 1;
                inner
            }
            c if c.is_alphanumeric() || "/-_,@%=~:;&'<>".contains(c) => {
                *pos += 1;
                vec![vec![Tok::Lit(c)]]
            }
            _ => return None,
        };
        let mut atom = atom;
        match chars.get(*pos) {
            Some('?') => {
                *pos += 1;
                if chars.get(*pos) == Some(&'?') {
                    return None;
                }
                if !atom.iter().all(|a| a.as_slice() == [Tok::Any]) {
                    atom.push(Vec::new());
                }
            }
            Some('*' | '+' | '{') => return None,
            _ => {}
        }
        let mut next = Vec::with_capacity(seqs.len() * atom.len());
        for s in &seqs {
            for a in &atom {
                let mut joined = s.clone();
                joined.extend_from_slice(a);
                next.push(joined);
            }
        }
        if next.len() > MAX_ALTERNATIVES {
            return None;
        }
        seqs = next;
    }
    Some(seqs)
}

/// The patterns for one alternative (no groups left), or `None`.
fn globs_for(toks: &[Tok]) -> Option<Vec<String>> {
    let mut toks = toks.to_vec();
    // Anchors only at the ends.
    let start = toks.first() == Some(&Tok::Start);
    if start {
        toks.remove(0);
    }
    let end = toks.last() == Some(&Tok::End);
    if end {
        toks.pop();
    }
    if toks.iter().any(|t| matches!(t, Tok::Start | Tok::End)) {
        return None;
    }
    // Unanchored ends are `.*`; then split into literals L0 .* L1 .* … Ln.
    if !start {
        toks.insert(0, Tok::Any);
    }
    if !end {
        toks.push(Tok::Any);
    }
    let mut lits = vec![String::new()];
    let mut prev_any = false;
    for t in toks {
        match t {
            Tok::Any if prev_any => {}
            Tok::Any => {
                lits.push(String::new());
                prev_any = true;
            }
            Tok::Lit(c) => {
                lits.last_mut().expect("one literal").push(c);
                prev_any = false;
            }
            Tok::Start | Tok::End => unreachable!(),
        }
    }
    let n = lits.len() - 1;
    for l in &lits {
        if l.contains("//")
            || l.chars()
                .any(|c| c.is_whitespace() || c.is_control() || "*?[]\\!#\"".contains(c))
        {
            return None;
        }
    }
    // A relative path never starts or ends with `/`.
    if lits[0].starts_with('/') || lits[n].ends_with('/') {
        return None;
    }
    if n == 0 {
        return (!lits[0].is_empty()).then(|| vec![format!("/{}", lits[0])]);
    }
    // Each `.*` is either text without `/` (`*`) or text with at least one (`*/**/*`);
    // next to a `/` (or the start) the two merge into one `**` form.
    let mut globs = vec![lits[0].clone()];
    for i in 1..=n {
        let left = lits[i - 1].is_empty() || lits[i - 1].ends_with('/');
        let right_slash = lits[i].starts_with('/');
        let fragments: &[&str] = if left {
            &["**/*"]
        } else if right_slash {
            &["*/**"]
        } else {
            &["*", "*/**/*"]
        };
        let mut next = Vec::new();
        for g in &globs {
            for f in fragments {
                next.push(format!("{g}{f}{}", lits[i]));
            }
        }
        if next.len() > MAX_ALTERNATIVES {
            return None;
        }
        globs = next;
    }
    Some(
        globs
            .into_iter()
            .map(|g| {
                // Everything inside a directory: `D/**/*` is `D/**`.
                let g = match g.strip_suffix("/**/*") {
                    Some(base) if !base.is_empty() => format!("{base}/**"),
                    _ => g,
                };
                match g.strip_prefix("**/") {
                    // No `/` left: git matches it against the file name at any depth.
                    Some(rest) if !rest.contains('/') => rest.to_owned(),
                    Some(_) => g,
                    None => format!("/{g}"),
                }
            })
            .collect(),
    )
}

/// Compiles one glob of the `scan.allow` paths: the configuration checks them as it loads,
/// and the scanner matches with them.
pub fn scan_allow_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}

#[cfg(test)]
mod tests;
