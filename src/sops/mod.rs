//! Reading and writing SOPS files (<https://github.com/getsops/sops>), for people moving
//! between SOPS and vaultfile.
//!
//! SOPS's format, as SOPS's source (getsops/sops) defines it: each value is
//! `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, AES-256-GCM with a 32-byte nonce under the
//! file's data key, with the value's path (`a:b:`, list indexes left out) as associated
//! data ([`value`]). A `sops` block holds the data key wrapped for each master key (age,
//! PGP, cloud KMS…), optionally split into key groups with a Shamir threshold ([`keys`]),
//! the selection rule, `lastmodified`, and a MAC: SHA-512 over every value's plaintext in
//! tree order, encrypted with `lastmodified` as associated data ([`mac`]). Stores: YAML,
//! JSON, dotenv (`sops_…` lines), INI (a `[sops]` section) and binary (a JSON envelope
//! with one `data` value) ([`doc`]).
//!
//! [`decrypt`] verifies the MAC exactly as SOPS does before it returns anything, and writes
//! the plaintext in place of each value in the file's own text (the metadata removed,
//! encrypted comments decrypted), so layout and comments survive. [`encrypt`] writes a
//! file that `sops decrypt` (3.x) opens, in every store: SOPS 3.13's metadata layout, a
//! semver `version`, age, SSH and AWS KMS keys, and key groups ([`Holders`]). [`convert`] turns one format into the other, and `.sops.yaml` into
//! `.vaultfile.yaml`.

pub mod convert;
pub mod doc;
pub mod keys;
pub mod mac;
pub mod metadata;
pub mod resolve;
pub mod value;

use std::ops::Range;
use std::path::Path;
use std::time::SystemTime;

use zeroize::Zeroizing;

use crate::crypto::DataKey;
use crate::format::{self, Format, ParseOptions};
pub use crate::keys::Holders;
use crate::keys::{Recipient, WrapError};
use crate::path::{KeyPath, RuleHits};

pub use keys::{Gpg, GpgError, KeySources, NoKey};
pub use metadata::{MasterKey, Metadata, MetadataError, Rule};

/// SOPS's stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SopsFormat {
    /// YAML (several documents allowed).
    Yaml,
    /// JSON.
    Json,
    /// dotenv.
    Dotenv,
    /// INI.
    Ini,
    /// Any other file: a JSON envelope with one `data` value.
    Binary,
}

impl SopsFormat {
    /// The store SOPS picks for a file name (`.yaml`/`.yml`, `.json`, `.env`, `.ini`, else
    /// binary), with vaultfile's reading of dotenv names (`.env.*`, `*.env`).
    pub fn from_path(path: &Path) -> SopsFormat {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".ini") {
            return SopsFormat::Ini;
        }
        SopsFormat::from_format(Format::from_path(path))
    }

    /// The SOPS store for a vaultfile format (TOML is binary to SOPS).
    pub fn from_format(f: Format) -> SopsFormat {
        match f {
            Format::Yaml => SopsFormat::Yaml,
            Format::Json => SopsFormat::Json,
            Format::Dotenv => SopsFormat::Dotenv,
            Format::Toml | Format::Binary => SopsFormat::Binary,
        }
    }

    /// The name SOPS uses (`--input-type`).
    pub fn name(self) -> &'static str {
        match self {
            SopsFormat::Yaml => "yaml",
            SopsFormat::Json => "json",
            SopsFormat::Dotenv => "dotenv",
            SopsFormat::Ini => "ini",
            SopsFormat::Binary => "binary",
        }
    }
}

/// Tells whether `text` looks like a SOPS file, and in which store. `hint` is the format
/// vaultfile chose from the file name (`.ini` files come as [`Format::Binary`]). This only
/// looks for the metadata's markers; [`decrypt`] checks the rest.
pub fn sniff(text: &str, hint: Format) -> Option<SopsFormat> {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    let has_line = |prefix: &str| t.starts_with(prefix) || t.contains(&format!("\n{prefix}"));
    // From the end, vectorised: a vaultfile file's metadata block is in its last lines,
    // and a whole-text scan per test was a measurable part of decrypting a large file.
    let has_line_from_end = |prefix: &str| {
        t.starts_with(prefix)
            || memchr::memmem::rfind(t.as_bytes(), format!("\n{prefix}").as_bytes()).is_some()
    };
    let contains_from_end = |s: &str| memchr::memmem::rfind(t.as_bytes(), s.as_bytes()).is_some();
    // A vaultfile file whose data has a `sops` key is still vaultfile's.
    if has_line_from_end("vaultfile:")
        || has_line_from_end("[vaultfile]")
        || contains_from_end("\"vaultfile\":")
        || contains_from_end(format::dotenv::METADATA_PREFIX)
    {
        return None;
    }
    let json_like = t.trim_start().starts_with('{')
        && t.contains("\"sops\"")
        && (t.contains("\"lastmodified\"") || t.contains("\"version\""));
    let yaml_like = has_line("sops:") && (t.contains("lastmodified:") || t.contains("version:"));
    let dotenv_like = has_line("sops_version=") || has_line("sops_mac=");
    let ini_like = has_line("[sops]");
    match hint {
        Format::Yaml if yaml_like => Some(SopsFormat::Yaml),
        Format::Json if json_like => Some(SopsFormat::Json),
        Format::Dotenv if dotenv_like => Some(SopsFormat::Dotenv),
        Format::Binary | Format::Toml => {
            if json_like {
                // The binary store's envelope, or a JSON file with another extension.
                let only_data = serde_json::from_str::<serde_json::Value>(t)
                    .ok()
                    .and_then(|v| {
                        v.as_object()
                            .map(|o| o.len() == 2 && o.contains_key("data"))
                    })
                    .unwrap_or(false);
                Some(if only_data {
                    SopsFormat::Binary
                } else {
                    SopsFormat::Json
                })
            } else if ini_like {
                Some(SopsFormat::Ini)
            } else if dotenv_like {
                Some(SopsFormat::Dotenv)
            } else if yaml_like {
                Some(SopsFormat::Yaml)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Why a SOPS operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SopsError {
    /// The file is not valid in its format, or not laid out as SOPS writes it.
    #[error(transparent)]
    Doc(#[from] doc::DocError),
    /// The `sops` metadata is malformed.
    #[error("the sops metadata is malformed: {0}")]
    BadMetadata(#[from] MetadataError),
    /// No master key could be opened.
    #[error(transparent)]
    NoKey(#[from] NoKey),
    /// The file was altered after encryption.
    #[error("{0}")]
    Integrity(String),
    /// The MAC check failed and `ignore_mac` was not set.
    #[error("MAC mismatch: {0}")]
    Mac(#[from] mac::MacError),
    /// Wrapping the data key failed.
    #[error(transparent)]
    Wrap(#[from] WrapError),
    /// The input cannot be written as SOPS.
    #[error("{0}")]
    Unsupported(String),
}

/// A decrypted SOPS file.
pub struct Decrypted {
    /// The plaintext: the file with every value decrypted in place and the metadata removed
    /// (the raw content for the binary store).
    pub plaintext: Zeroizing<Vec<u8>>,
    /// The metadata.
    pub metadata: Metadata,
    /// How many comments were decrypted (they are plaintext comments now).
    pub decrypted_comments: usize,
    /// Things the user should know (a MAC ignored, a comment that did not decrypt).
    pub warnings: Vec<String>,
}

impl std::fmt::Debug for Decrypted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decrypted")
            .field("metadata", &self.metadata)
            .finish_non_exhaustive()
    }
}

/// Options for [`decrypt`].
#[derive(Clone, Copy, Debug, Default)]
pub struct DecryptOptions {
    /// Return the plaintext even when the MAC is missing or does not match (a warning says
    /// so). For recovering damaged files only.
    pub ignore_mac: bool,
}

/// Writes a decrypted value into the text of a file in `format`.
fn render(format: SopsFormat, plain: &value::Plain, indent: usize) -> Zeroizing<Vec<u8>> {
    use value::ValueType as T;
    let bytes = &plain.bytes[..];
    let text = || Zeroizing::new(String::from_utf8_lossy(bytes).into_owned());
    Zeroizing::new(match format {
        SopsFormat::Binary => bytes.to_vec(),
        SopsFormat::Dotenv => text().replace('\n', "\\n").into_bytes(),
        SopsFormat::Ini => ini_value(&text()).into_bytes(),
        SopsFormat::Json => match plain.kind {
            T::Int => bytes.to_vec(),
            T::Float if value::parse_float(&text()).is_some_and(f64::is_finite) => bytes.to_vec(),
            T::Bool => (if bytes == b"True" { "true" } else { "false" }).into(),
            _ => serde_json::to_string(&*text())
                .expect("strings serialise")
                .into_bytes(),
        },
        SopsFormat::Yaml => match plain.kind {
            T::Int | T::Time => bytes.to_vec(),
            T::Float => {
                let t = text();
                match t.as_str() {
                    "NaN" => ".nan".into(),
                    "+Inf" => ".inf".into(),
                    "-Inf" => "-.inf".into(),
                    // Keep it a float when read back.
                    _ if !t.contains(['.', 'e', 'E']) => format!("{}.0", t.as_str()).into_bytes(),
                    _ => t.as_bytes().to_vec(),
                }
            }
            T::Bool => (if bytes == b"True" { "true" } else { "false" }).into(),
            _ => resolve::yaml_string(&text(), indent).into_bytes(),
        },
    })
}

/// Quotes an INI value as go-ini writes it, so that it reads back the same: `"""…"""` for
/// several lines, backticks around a comment character, double quotes around edge spaces.
fn ini_value(v: &str) -> String {
    if v.contains(['\n', '`']) {
        format!("\"\"\"{v}\"\"\"")
    } else if v.contains(['#', ';']) {
        format!("`{v}`")
    } else if v.trim() != v {
        format!("\"{v}\"")
    } else {
        v.to_owned()
    }
}

/// Decrypts a SOPS file: unwraps the data key, decrypts every value, and verifies the MAC
/// before returning anything.
pub fn decrypt(
    text: &str,
    format: SopsFormat,
    keys: &KeySources<'_>,
    opts: DecryptOptions,
) -> Result<Decrypted, SopsError> {
    let doc = doc::parse(text, format)?;
    let metadata = Metadata::from_value(&doc.metadata)?;
    let mac_aad = metadata.mac_aad()?;
    let key = keys::data_key(&metadata, keys)?;
    let rules = match metadata.rule.to_spec() {
        Some(spec) => Some(spec.compile().map_err(MetadataError::Rule)?),
        None => None,
    };
    let mut hash = mac::SopsMac::new(metadata.mac_only_encrypted);
    let mut hits = RuleHits::default();
    let mut edits: Vec<(Range<usize>, Zeroizing<Vec<u8>>)> = Vec::new();
    let mut warnings = Vec::new();
    for item in &doc.items {
        let encrypted = match &rules {
            Some(r) => r.selects(item.path.as_path(), &mut hits),
            // Comment rules select values by their comments; a value is then encrypted
            // exactly when it holds ciphertext.
            None => value::is_encrypted(&item.text),
        };
        if !encrypted {
            if let Some(t) = &item.typed {
                hash.leaf(&t.bytes, false);
            }
            continue;
        }
        let is_string = item
            .typed
            .as_ref()
            .is_some_and(|t| t.kind == value::ValueType::Str);
        if !is_string || !(item.text.is_empty() || value::is_encrypted(&item.text)) {
            return Err(SopsError::Integrity(format!(
                "the value at '{}' should be encrypted but is plaintext",
                item.path
            )));
        }
        let plain = value::decrypt(&item.text, &key, &doc::aad(&item.path))
            .map_err(|e| SopsError::Integrity(format!("the value at '{}': {e}", item.path)))?;
        hash.leaf(&plain.bytes, true);
        if !item.text.is_empty() {
            edits.push((item.span.clone(), render(format, &plain, item.indent)));
        }
    }
    let mut decrypted_comments = 0;
    for c in &doc.comments {
        let enc = &text[c.span.clone()];
        match c
            .aads
            .iter()
            .find_map(|a| value::decrypt(enc, &key, a).ok())
        {
            Some(p) => {
                decrypted_comments += 1;
                edits.push((c.span.clone(), p.bytes));
            }
            None => warnings.push(format!(
                "an encrypted comment at byte {} does not decrypt; it is left as it is",
                c.span.start
            )),
        }
    }
    let computed = hash.finish();
    if let Err(e) = mac::verify(metadata.mac.as_deref(), &computed, &key, &mac_aad) {
        if !opts.ignore_mac {
            return Err(SopsError::Mac(e));
        }
        warnings.push(format!("MAC check skipped (--ignore-mac): {e}"));
    }
    let plaintext = if format == SopsFormat::Binary {
        edits
            .pop()
            .map(|(_, p)| p)
            .unwrap_or_else(|| Zeroizing::new(Vec::new()))
    } else {
        for r in &doc.remove {
            edits.push((r.clone(), Zeroizing::new(Vec::new())));
        }
        edits.sort_by_key(|(r, _)| r.start);
        let mut out = Zeroizing::new(Vec::with_capacity(text.len()));
        let mut pos = 0;
        for (r, with) in &edits {
            if r.start < pos {
                continue;
            }
            out.extend_from_slice(&text.as_bytes()[pos..r.start]);
            out.extend_from_slice(with);
            pos = r.end;
        }
        out.extend_from_slice(&text.as_bytes()[pos..]);
        out
    };
    Ok(Decrypted {
        plaintext,
        metadata,
        decrypted_comments,
        warnings,
    })
}

/// What to encrypt a SOPS file with.
pub struct EncryptOptions<'a> {
    /// Who can open the file. SOPS combines at least two shares, so a threshold of 1 (any
    /// one group opens the file) is written as one group holding every recipient, which
    /// the same people open; so is a single group.
    pub holders: Holders<'a>,
    /// The selection rule; `None` writes SOPS's default, `unencrypted_suffix: _unencrypted`.
    pub rule: Option<Rule>,
    /// Hash only encrypted values.
    pub mac_only_encrypted: bool,
    /// `lastmodified`.
    pub now: SystemTime,
}

/// One value to encrypt: where it is, its path and its typed plaintext.
struct Leaf {
    span: Range<usize>,
    path: KeyPath,
    typed: resolve::Typed,
}

/// Writes `plaintext` (in `format`) as a SOPS file that `sops decrypt` opens.
pub fn encrypt(
    plaintext: &[u8],
    format: SopsFormat,
    opts: &EncryptOptions<'_>,
) -> Result<String, SopsError> {
    let key = DataKey::generate();
    let rule = opts
        .rule
        .clone()
        .unwrap_or_else(|| Rule::UnencryptedSuffix("_unencrypted".into()));
    let rules = rule
        .to_spec()
        .ok_or_else(|| SopsError::Unsupported("comment rules cannot be written".into()))?
        .compile()
        .map_err(|e| SopsError::Unsupported(e.to_string()))?;
    let as_text = || {
        std::str::from_utf8(plaintext).map_err(|_| {
            SopsError::Unsupported(format!("a {} file must be UTF-8 text", format.name()))
        })
    };
    let (text, leaves): (&str, Vec<Leaf>) = match format {
        SopsFormat::Binary => ("", Vec::new()),
        SopsFormat::Yaml | SopsFormat::Json => {
            let text = as_text()?;
            (text, structured_leaves(text, format)?)
        }
        SopsFormat::Dotenv => {
            let text = as_text()?;
            (text, dotenv_leaves(text)?)
        }
        SopsFormat::Ini => {
            let text = as_text()?;
            let leaves = doc::ini_values(text)?
                .into_iter()
                .map(|item| Leaf {
                    span: item.span,
                    path: item.path,
                    typed: item
                        .typed
                        .unwrap_or_else(|| resolve::Typed::string(&item.text)),
                })
                .collect();
            (text, leaves)
        }
    };
    let mut hash = mac::SopsMac::new(opts.mac_only_encrypted);
    let mut hits = RuleHits::default();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let data_enc;
    if format == SopsFormat::Binary {
        hash.leaf(plaintext, true);
        data_enc = value::encrypt(plaintext, value::ValueType::Str, &key, "data:");
    } else {
        data_enc = String::new();
        for l in &leaves {
            let encrypted = rules.selects(l.path.as_path(), &mut hits);
            hash.leaf(&l.typed.bytes, encrypted);
            if !encrypted {
                continue;
            }
            let enc = value::encrypt(&l.typed.bytes, l.typed.kind, &key, &doc::aad(&l.path));
            let written = match format {
                SopsFormat::Dotenv | SopsFormat::Ini => enc,
                _ => format!("\"{enc}\""),
            };
            let mut written = written;
            if text[l.span.clone()].ends_with('\n') {
                written.push('\n');
            }
            edits.push((l.span.clone(), written));
        }
    }
    let lastmodified = humantime::format_rfc3339_seconds(opts.now).to_string();
    let (key_groups, shamir_threshold) = wrap_for(&key, opts.holders, &lastmodified)?;
    let meta = Metadata {
        key_groups,
        shamir_threshold,
        mac: Some(mac::seal(&hash.finish(), &key, &lastmodified)),
        lastmodified,
        version: metadata::WRITTEN_VERSION.to_owned(),
        rule,
        mac_only_encrypted: opts.mac_only_encrypted,
    }
    .to_value();
    let mut out = String::with_capacity(text.len() * 2 + 2048);
    match format {
        SopsFormat::Binary => {
            let mut v = serde_json::Map::new();
            v.insert("data".into(), serde_json::Value::String(data_enc));
            v.insert("sops".into(), meta);
            out = serde_json::to_string_pretty(&serde_json::Value::Object(v))
                .expect("JSON serialises");
            out.push('\n');
        }
        SopsFormat::Json => {
            push_edited(&mut out, text, &edits);
            insert_json_sops(&mut out, &meta)?;
        }
        SopsFormat::Dotenv => {
            push_edited(&mut out, text, &edits);
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            for (k, v) in metadata::flatten(&meta) {
                out.push_str(&format!("sops_{k}={v}\n"));
            }
        }
        SopsFormat::Yaml => {
            let block = yaml_block(&meta);
            let ends = yaml_document_ends(text, &leaves)?;
            let mut inserts: Vec<(Range<usize>, String)> = edits;
            for e in ends {
                inserts.push((e..e, String::new()));
            }
            inserts.sort_by_key(|(r, w)| (r.start, w.is_empty()));
            let mut pos = 0;
            for (r, with) in &inserts {
                out.push_str(&text[pos..r.start]);
                if r.is_empty() && with.is_empty() {
                    if !out.is_empty() && !out.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str(&block);
                } else {
                    out.push_str(with);
                }
                pos = r.end;
            }
            out.push_str(&text[pos..]);
        }
        SopsFormat::Ini => {
            push_edited(&mut out, text, &edits);
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            // The `[sops]` section, last, its keys flattened and newlines written `\n`
            // (SOPS 3.13.2's layout; every 3.x reads it).
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str("[sops]\n");
            for (k, v) in metadata::flatten(&meta) {
                out.push_str(&format!("{k} = {}\n", ini_value(&v)));
            }
        }
    }
    Ok(out)
}

/// Wraps the data key (or its Shamir shares) for `holders`: the key groups and the
/// threshold to write.
fn wrap_for(
    key: &DataKey,
    holders: Holders<'_>,
    created_at: &str,
) -> Result<(Vec<Vec<MasterKey>>, usize), SopsError> {
    let flat = |list: &mut dyn Iterator<Item = &Box<dyn Recipient>>| {
        let mut out: Vec<MasterKey> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for r in list {
            if seen.contains(&r.id()) {
                continue;
            }
            seen.push(r.id());
            out.push(keys::master_key(r.as_ref(), key.expose(), created_at)?);
        }
        if out.is_empty() {
            return Err(SopsError::Unsupported("no recipients".into()));
        }
        Ok(vec![out])
    };
    match holders {
        Holders::Recipients(r) => Ok((flat(&mut r.iter())?, 0)),
        Holders::Groups { groups, threshold } => {
            let n = groups.len();
            if let Some(i) = groups.iter().position(Vec::is_empty) {
                return Err(SopsError::Unsupported(format!(
                    "key group {} has no recipient",
                    i + 1
                )));
            }
            if threshold == 0 || threshold > n {
                return Err(SopsError::Unsupported(format!(
                    "the threshold {threshold} is not between 1 and the number of key groups ({n})"
                )));
            }
            if n > 255 {
                return Err(SopsError::Unsupported(format!(
                    "{n} key groups (SOPS's Shamir sharing allows at most 255)"
                )));
            }
            if n == 1 || threshold == 1 {
                return Ok((flat(&mut groups.iter().flatten())?, 0));
            }
            let shares = crate::crypto::shamir::split_bytes(key.expose(), threshold, n)
                .map_err(|e| SopsError::Unsupported(e.to_string()))?;
            let mut out = Vec::with_capacity(n);
            for (group, share) in groups.iter().zip(shares) {
                out.push(
                    group
                        .iter()
                        .map(|r| keys::master_key(r.as_ref(), &share, created_at))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            Ok((out, threshold))
        }
    }
}

/// Appends the `"sops"` member to the top-level JSON object in `out`.
fn insert_json_sops(out: &mut String, meta: &serde_json::Value) -> Result<(), SopsError> {
    let close = out
        .trim_end()
        .strip_suffix('}')
        .map(str::len)
        .ok_or_else(|| {
            SopsError::Unsupported("SOPS needs a JSON object at the top level".into())
        })?;
    let body = out[..close].trim_end();
    let empty = body.trim_start().ends_with('{') && body.trim() == "{";
    let pretty = serde_json::to_string_pretty(meta).expect("JSON serialises");
    let pretty = pretty.replace('\n', "\n\t");
    let member = format!("{}\n\t\"sops\": {pretty}\n", if empty { "" } else { "," });
    let at = body.len();
    out.insert_str(at, &member);
    // Drop whitespace left between the member and the closing brace.
    let rest_start = at + member.len();
    let trimmed: String = out[rest_start..].trim_start().to_owned();
    out.truncate(rest_start);
    out.push_str(&trimmed);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(())
}

fn structured_leaves(text: &str, format: SopsFormat) -> Result<Vec<Leaf>, SopsError> {
    let (f, yaml) = match format {
        SopsFormat::Yaml => (Format::Yaml, true),
        _ => (Format::Json, false),
    };
    let store = format::store_for(f).expect("text format");
    let doc = store
        .parse(
            text,
            ParseOptions {
                decode_values: true,
            },
        )
        .map_err(|e| SopsError::Doc(doc::DocError::Syntax(e)))?;
    if doc.metadata.is_some() {
        return Err(SopsError::Unsupported(
            "the file is encrypted by vaultfile; decrypt it first".into(),
        ));
    }
    let mut out = Vec::new();
    for leaf in doc.leaves.iter() {
        let path = leaf.path.to_owned();
        let mut keys = path
            .segments()
            .skip_while(|s| matches!(s, crate::path::Segment::Document(_)));
        if let Some(crate::path::Segment::Key("sops")) = keys.next() {
            return Err(SopsError::Unsupported(
                "the file already has a top-level 'sops' key".into(),
            ));
        }
        if path
            .segments()
            .any(|s| matches!(s, crate::path::Segment::Key(k) if k.is_empty()))
        {
            // Allowed, but worth no special case.
        }
        let raw = &text[leaf.span.clone()];
        let decoded = leaf.value.unwrap_or_default();
        let typed = if yaml {
            resolve::yaml_leaf(raw, decoded, leaf.kind)
        } else {
            resolve::json_leaf(decoded, leaf.kind)
        };
        let Some(typed) = typed else { continue };
        let (_, rest) = {
            let segs: Vec<_> = path.segments().collect();
            match segs.first() {
                Some(crate::path::Segment::Document(i)) => {
                    (*i, KeyPath::from_segments(segs[1..].iter().copied()))
                }
                _ => (0, path.clone()),
            }
        };
        out.push(Leaf {
            span: leaf.span.clone(),
            path: rest,
            typed,
        });
    }
    if yaml {
        check_yaml_for_sops(text)?;
    }
    Ok(out)
}

/// Refuses YAML that SOPS would read differently from vaultfile: aliases (SOPS expands
/// them, so their values would be encrypted at another path) and top-level collections
/// that are not block mappings.
fn check_yaml_for_sops(text: &str) -> Result<(), SopsError> {
    use granit_parser::{Event, Parser};
    let mut depth = 0usize;
    for ev in Parser::new_from_str(text) {
        let Ok((ev, _)) = ev else { break };
        match ev {
            Event::Alias(_) => {
                return Err(SopsError::Unsupported(
                    "the YAML uses aliases (*name), which SOPS expands: replace each alias with its value first".into(),
                ));
            }
            Event::MappingStart(..) => depth += 1,
            Event::SequenceStart(..) => {
                if depth == 0 {
                    return Err(SopsError::Unsupported(
                        "SOPS needs a mapping at the top of each YAML document, not a list".into(),
                    ));
                }
                depth += 1;
            }
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Where each YAML document's `sops` block goes: after the line of its last value.
fn yaml_document_ends(text: &str, leaves: &[Leaf]) -> Result<Vec<usize>, SopsError> {
    let store = format::store_for(Format::Yaml).expect("yaml");
    let doc = store
        .parse(text, ParseOptions::default())
        .map_err(|e| SopsError::Doc(doc::DocError::Syntax(e)))?;
    let _ = leaves;
    let mut last_by_doc: Vec<(usize, usize)> = Vec::new();
    for leaf in doc.leaves.iter() {
        let d = match leaf.path.segments().next() {
            Some(crate::path::Segment::Document(i)) => i,
            _ => 0,
        };
        match last_by_doc.last_mut() {
            Some((ld, end)) if *ld == d => *end = leaf.span.end,
            _ => last_by_doc.push((d, leaf.span.end)),
        }
    }
    if last_by_doc.is_empty() {
        return Err(SopsError::Unsupported(
            "the YAML file has no values to encrypt".into(),
        ));
    }
    let mut ends = Vec::new();
    for (_, end) in last_by_doc {
        let before = &text[..end];
        let ls = before.rfind('\n').map_or(0, |i| i + 1);
        let first_line = text[..end]
            .lines()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if let Some(l) = first_line
            && l.trim_start().starts_with('{')
        {
            return Err(SopsError::Unsupported(
                "SOPS needs a block mapping at the top of the YAML document, not a flow mapping {…}".into(),
            ));
        }
        let _ = ls;
        ends.push(if before.ends_with('\n') {
            end
        } else {
            text[end..].find('\n').map_or(text.len(), |i| end + i + 1)
        });
    }
    Ok(ends)
}

/// Appends `text` with each of the (sorted, disjoint) `edits` ranges replaced by its text.
fn push_edited(out: &mut String, text: &str, edits: &[(Range<usize>, String)]) {
    let mut pos = 0;
    for (r, with) in edits {
        out.push_str(&text[pos..r.start]);
        out.push_str(with);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
}

/// Renders the metadata as the `sops:` block of a YAML document (4-space indent, as SOPS).
fn yaml_block(meta: &serde_json::Value) -> String {
    fn scalar(v: &serde_json::Value, indent: usize) -> String {
        match v {
            serde_json::Value::String(s) => resolve::yaml_string(s, indent),
            serde_json::Value::Null => "null".into(),
            other => other.to_string(),
        }
    }
    fn walk(v: &serde_json::Value, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match v {
            serde_json::Value::Object(m) => {
                for (k, child) in m {
                    match child {
                        serde_json::Value::Object(_) => {
                            out.push_str(&format!("{pad}{k}:\n"));
                            walk(child, indent + 4, out);
                        }
                        serde_json::Value::Array(a) if a.is_empty() => {
                            out.push_str(&format!("{pad}{k}: []\n"));
                        }
                        serde_json::Value::Array(_) => {
                            out.push_str(&format!("{pad}{k}:\n"));
                            walk_list(child, indent + 4, out, true);
                        }
                        other => {
                            out.push_str(&format!("{pad}{k}: {}\n", scalar(other, indent + 4)));
                        }
                    }
                }
            }
            other => out.push_str(&format!("{pad}{}\n", scalar(other, indent))),
        }
    }
    /// A list's items; `block_lists`: whether a list inside an item is written as a block
    /// (a key group's entries) or, one level further down, inline.
    fn walk_list(v: &serde_json::Value, indent: usize, out: &mut String, block_lists: bool) {
        let pad = " ".repeat(indent);
        if let serde_json::Value::Array(a) = v {
            for item in a {
                match item {
                    serde_json::Value::Object(m) => {
                        let mut first = true;
                        for (k, v2) in m {
                            let lead = if first {
                                format!("{pad}- ")
                            } else {
                                format!("{pad}  ")
                            };
                            first = false;
                            if block_lists && v2.is_array() {
                                out.push_str(&format!("{lead}{k}:\n"));
                                walk_list(v2, indent + 4, out, false);
                            } else if let serde_json::Value::Object(_) = v2 {
                                // A KMS key's encryption context.
                                out.push_str(&format!("{lead}{k}:\n"));
                                walk(v2, indent + 6, out);
                            } else {
                                out.push_str(&format!("{lead}{k}: {}\n", scalar(v2, indent + 4)));
                            }
                        }
                    }
                    other => out.push_str(&format!("{pad}- {}\n", scalar(other, indent + 2))),
                }
            }
        }
    }
    let mut out = String::from("sops:\n");
    walk(meta, 4, &mut out);
    out
}

fn dotenv_leaves(text: &str) -> Result<Vec<Leaf>, SopsError> {
    let mut out = Vec::new();
    let mut pos = 0;
    for (n, line) in text.split('\n').enumerate() {
        let start = pos;
        pos += line.len() + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, val)) = line.split_once('=') else {
            return Err(SopsError::Unsupported(format!(
                "line {} has no '=': SOPS's dotenv store needs KEY=value lines",
                n + 1
            )));
        };
        if key.starts_with("sops_") {
            return Err(SopsError::Unsupported(format!(
                "line {}: SOPS reserves keys starting with sops_",
                n + 1
            )));
        }
        let mut path = KeyPath::root();
        path.push_key(key);
        out.push(Leaf {
            span: start + key.len() + 1..start + line.len(),
            path,
            typed: resolve::Typed::string(&val.replace("\\n", "\n")),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The YAML `sops:` block reads back as the metadata it was written from, KMS
    /// encryption contexts inside key groups included.
    #[test]
    fn yaml_block_round_trips_key_groups_with_kms_context() {
        let kms = |arn: &str| {
            let entry = serde_json::json!({
                "arn": arn, "aws_profile": "", "context": {"app": "web", "env": "prod"},
                "created_at": "2026-01-02T03:04:05Z", "enc": "QUJD", "role": crate::keys::examples::role_arn("r")
            });
            MasterKey::Other {
                kind: "kms",
                id: arn.to_owned(),
                entry: entry.as_object().unwrap().clone(),
            }
        };
        let age = MasterKey::Age {
            recipient: "age1x".into(),
            enc: "-----BEGIN AGE ENCRYPTED FILE-----\nYQ==\n-----END AGE ENCRYPTED FILE-----\n"
                .into(),
        };
        for key_groups in [
            vec![vec![
                age.clone(),
                kms(&crate::keys::examples::kms_arn("us-east-1", "key/a")),
            ]],
            vec![
                vec![kms(&crate::keys::examples::kms_arn("us-east-1", "key/a"))],
                vec![
                    age.clone(),
                    kms(&crate::keys::examples::kms_arn("eu-west-1", "key/b")),
                ],
            ],
        ] {
            let n = key_groups.len();
            let meta = Metadata {
                key_groups,
                shamir_threshold: if n > 1 { 2 } else { 0 },
                lastmodified: "2026-01-02T03:04:05Z".into(),
                mac: Some("ENC[x]".into()),
                version: metadata::WRITTEN_VERSION.into(),
                rule: Rule::UnencryptedSuffix("_unencrypted".into()),
                mac_only_encrypted: false,
            };
            let block = yaml_block(&meta.to_value());
            let read: serde_json::Value = serde_saphyr::from_str(&block).unwrap();
            let again = Metadata::from_value(&read["sops"]).unwrap();
            assert_eq!(again, meta, "{block}");
        }
    }

    #[test]
    fn sniffing() {
        let yaml = "a: 1\nsops:\n    version: 3.9.0\n";
        assert_eq!(sniff(yaml, Format::Yaml), Some(SopsFormat::Yaml));
        assert_eq!(sniff("a: 1\n", Format::Yaml), None);
        // vaultfile's own file, whose data has a `sops` key: not SOPS.
        let vf = "sops:\n  version: x\nvaultfile:\n  version: 1\n";
        assert_eq!(sniff(vf, Format::Yaml), None);
        let env = "A=ENC[AES256_GCM,data:x]\nsops_version=3.8.1\n";
        assert_eq!(sniff(env, Format::Dotenv), Some(SopsFormat::Dotenv));
        let envelope = "{\"data\": \"ENC[…]\", \"sops\": {\"version\": \"3\"}}";
        assert_eq!(sniff(envelope, Format::Binary), Some(SopsFormat::Binary));
        assert_eq!(sniff(envelope, Format::Json), Some(SopsFormat::Json));
        assert_eq!(
            sniff("[s]\nk = v\n\n[sops]\nversion = 3\n", Format::Binary),
            Some(SopsFormat::Ini)
        );
        assert_eq!(SopsFormat::from_path(Path::new("x.ini")), SopsFormat::Ini);
        assert_eq!(
            SopsFormat::from_path(Path::new("Cargo.toml")),
            SopsFormat::Binary
        );
        assert_eq!(
            SopsFormat::from_path(Path::new("prod.env")),
            SopsFormat::Dotenv
        );
    }
}
