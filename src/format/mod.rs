//! File formats: find every leaf value's exact bytes, and place the metadata block.
//!
//! vaultfile is lossless by construction: a format never
//! re-serialises a document. It parses the text with a span-aware parser, reports the
//! byte range of each scalar leaf, and the engine replaces exactly those bytes. Each
//! text format is one [`Store`] in its own file; adding a format is a new file plus one
//! line in [`store_for`]. Binary files are not parsed at all (see [`binary`]).

pub mod binary;
pub mod document;
pub mod dotenv;
pub mod json;
pub mod patch;
pub mod toml;
pub mod view;
pub mod yaml;

use std::path::Path;

pub use crate::format::document::{Document, Leaf, Leaves, MetadataBlock, ScalarKind, apply_edits};

/// The formats vaultfile understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// YAML 1.2, multi-document streams included.
    Yaml,
    /// JSON (RFC 8259), strict.
    Json,
    /// TOML 1.0.
    Toml,
    /// dotenv (`KEY=value` lines, as docker compose and python-dotenv read them).
    Dotenv,
    /// Any other file: encrypted whole as one value.
    Binary,
}

impl Format {
    /// Every format, in the order `--input-type` lists them.
    pub const ALL: [Format; 5] = [
        Format::Yaml,
        Format::Json,
        Format::Toml,
        Format::Dotenv,
        Format::Binary,
    ];

    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Toml => "toml",
            Format::Dotenv => "dotenv",
            Format::Binary => "binary",
        }
    }

    /// The other names it is known by on the command line (`yml`, `env`, `bin`).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Format::Yaml => &["yml"],
            Format::Json | Format::Toml => &[],
            Format::Dotenv => &["env"],
            Format::Binary => &["bin"],
        }
    }

    /// Looks a format up by its name or an alias, in any case (`yaml`, `YML`, `env`).
    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == name || f.aliases().contains(&name.as_str()))
    }

    /// The names of `formats`, joined by `sep` (`yaml|json|toml`), for messages.
    pub fn names(formats: impl IntoIterator<Item = Format>, sep: &str) -> String {
        let names: Vec<&str> = formats.into_iter().map(Format::name).collect();
        names.join(sep)
    }

    /// The formats whose values vaultfile finds one by one: all but binary.
    pub fn structured() -> impl Iterator<Item = Format> {
        Format::ALL.into_iter().filter(|f| *f != Format::Binary)
    }

    /// Chooses a format from a file name: by extension, and `.env`, `.env.*` and `*.env`
    /// for dotenv. Anything else is binary.
    pub fn from_path(path: &Path) -> Format {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        // Encrypted copies are often named `x.enc.yaml` or `x.yaml.enc`: look through `.enc`.
        let name = name.strip_suffix(".enc").unwrap_or(&name);
        if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            return Format::Dotenv;
        }
        match name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("yaml" | "yml") => Format::Yaml,
            Some("json") => Format::Json,
            Some("toml") => Format::Toml,
            _ => Format::Binary,
        }
    }

    /// Tells the format of an *encrypted* text from its metadata marker, whatever the
    /// file's name: a line that starts the block in that format.
    pub fn sniff_encrypted(text: &str) -> Option<Format> {
        let t = text.strip_prefix('\u{feff}').unwrap_or(text);
        let b = t.as_bytes();
        if t.trim_start().starts_with(['{', '['])
            && memchr::memmem::rfind(b, b"\"vaultfile\"").is_some()
        {
            return Some(Format::Json);
        }
        // The other formats' markers are lines that start with `[vaultfile]`, `#vaultfile:`
        // or `vaultfile:`. One vectorised pass over the word's occurrences finds them all:
        // a pass per marker read the whole of most files three times, a tenth of
        // decrypting a 7 MB file.
        let line_start = |i: usize| i == 0 || matches!(b[i - 1], b'\n' | b'\r');
        let (mut toml, mut dotenv, mut yaml) = (false, false, false);
        for i in memchr::memmem::find_iter(b, b"vaultfile") {
            let rest = &b[i..];
            let after = |c: u8| i >= 1 && b[i - 1] == c && line_start(i - 1);
            toml |= after(b'[') && rest.starts_with(b"vaultfile]");
            dotenv |= after(b'#') && rest.starts_with(b"vaultfile:");
            yaml |= line_start(i) && rest.starts_with(b"vaultfile:");
        }
        if toml {
            Some(Format::Toml)
        } else if dotenv {
            Some(Format::Dotenv)
        } else if yaml {
            Some(Format::Yaml)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Returns the store for a text format; `None` for [`Format::Binary`].
pub fn store_for(format: Format) -> Option<&'static dyn Store> {
    match format {
        Format::Yaml => Some(&yaml::YamlStore),
        Format::Json => Some(&json::JsonStore),
        Format::Toml => Some(&toml::TomlStore),
        Format::Dotenv => Some(&dotenv::DotenvStore),
        Format::Binary => None,
    }
}

/// The store that reads `format`'s *encrypted* form: its own, or for binary files the
/// YAML envelope they are stored in ([`binary::envelope`]).
pub fn encrypted_store_for(format: Format) -> &'static dyn Store {
    store_for(format).unwrap_or_else(binary::envelope)
}

/// The key that holds the metadata block in YAML, JSON and TOML: the root's last member
/// (a table in TOML). dotenv has no nesting and uses comment lines instead
/// ([`dotenv::METADATA_PREFIX`]).
pub(crate) const METADATA_KEY: &str = "vaultfile";

/// Options for [`Store::parse`].
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// Fill [`Leaf::value`]. Off on the encrypt/decrypt path, where only spans are needed.
    pub decode_values: bool,
}

/// Text to insert into a document to add the metadata block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insertion {
    /// Byte offset in the text the insertion was computed for.
    pub at: usize,
    /// The text to insert there.
    pub text: String,
}

/// A syntax error, with a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What the parser found wrong.
    pub message: String,
}

impl ParseError {
    /// Builds an error at a byte offset of `text`, computing line and column.
    pub fn at_offset(text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A text format whose scalar leaves can be found and replaced without touching other bytes.
///
/// Contract, checked by each implementation's tests:
/// - `parse` reports every scalar leaf outside the metadata block, in source order, with
///   non-overlapping spans; a document whose leaves are replaced by tokens written with
///   [`Store::write_token`] parses again to leaves with the same paths.
/// - Inserting [`Store::metadata_insertion`]'s text and then removing the span that `parse`
///   reports for the block gives back the original text byte for byte.
pub trait Store: Sync {
    /// The format this store handles.
    fn format(&self) -> Format;

    /// Parses `text` into leaves and the metadata block.
    fn parse(&self, text: &str, options: ParseOptions) -> Result<Document, ParseError>;

    /// Appends the text that stands in a leaf's place for an encrypted value `token`.
    ///
    /// The bare token in YAML (a valid plain scalar in block and flow context) and dotenv;
    /// a double-quoted string in JSON and TOML, whose values must be quoted. The match is
    /// on every format so that a new one has to choose.
    fn write_token(&self, out: &mut String, token: &str) {
        match self.format() {
            Format::Json | Format::Toml => write_quoted_token(out, token),
            Format::Yaml | Format::Dotenv | Format::Binary => out.push_str(token),
        }
    }

    /// Returns the token inside a leaf's source text, if it holds one written by
    /// [`Store::write_token`].
    fn read_token<'a>(&self, raw: &'a str) -> Option<&'a str> {
        match self.format() {
            Format::Json | Format::Toml => read_quoted_token(raw),
            Format::Yaml | Format::Dotenv | Format::Binary => {
                crate::crypto::is_token(raw).then_some(raw)
            }
        }
    }

    /// Where and what to insert so that `text` (parsed as `doc`, with no metadata block)
    /// carries the metadata `block`. The rendering follows the file's own line endings and
    /// indentation.
    fn metadata_insertion(
        &self,
        text: &str,
        doc: &Document,
        block: &serde_json::Value,
    ) -> Result<Insertion, ParseError>;
}

/// Writes a token as a double-quoted string (JSON and TOML basic strings alike: the token's
/// alphabet needs no escaping).
fn write_quoted_token(out: &mut String, token: &str) {
    out.reserve(token.len() + 2);
    out.push('"');
    out.push_str(token);
    out.push('"');
}

/// Reads a token written by [`write_quoted_token`].
fn read_quoted_token(raw: &str) -> Option<&str> {
    raw.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|t| crate::crypto::is_token(t))
}

/// How a format writes a double-quoted string: `"` and `\` escaped with a backslash, and
/// its own choice of the other escapes.
///
/// YAML, TOML and dotenv each decode a different set of escapes, and a writer must use only
/// the ones its reader knows; the loop is the same, the table says which.
pub(crate) struct DoubleQuoted {
    /// Characters written as a named escape (`'\n'` as `"\\n"`), besides `"` and `\`.
    pub named: &'static [(char, &'static str)],
    /// Which of the other characters are written as `\u` and four hex digits.
    pub unicode: fn(char) -> bool,
    /// Upper-case hex digits in `\u` escapes (TOML's style; YAML's is lower case).
    pub upper_hex: bool,
}

impl DoubleQuoted {
    /// Appends `s`, quoted and escaped.
    pub(crate) fn push(&self, out: &mut String, s: &str) {
        use std::fmt::Write as _;
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c => match self.named.iter().find(|&&(n, _)| n == c) {
                    Some((_, escape)) => out.push_str(escape),
                    None if (self.unicode)(c) && self.upper_hex => {
                        let _ = write!(out, "\\u{:04X}", c as u32);
                    }
                    None if (self.unicode)(c) => {
                        let _ = write!(out, "\\u{:04x}", c as u32);
                    }
                    None => out.push(c),
                },
            }
        }
        out.push('"');
    }

    /// Returns `s`, quoted and escaped.
    pub(crate) fn quote(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 2);
        self.push(&mut out, s);
        out
    }
}

/// Returns the line ending a text uses (`"\r\n"` if its first line ends so, else `"\n"`).
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Shared contract checks for [`Store`] implementations, used by each store's tests.
#[cfg(test)]
pub(crate) mod testkit {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    /// A reversible stand-in for a real token: `VF1.` + base64url(16 zero bytes + raw).
    pub fn fake_token(raw: &str) -> String {
        let mut bytes = vec![0u8; 16];
        bytes.extend_from_slice(raw.as_bytes());
        format!(
            "{}{}",
            crate::crypto::TOKEN_PREFIX,
            URL_SAFE_NO_PAD.encode(bytes)
        )
    }

    fn unfake(token: &str) -> String {
        let b = URL_SAFE_NO_PAD.decode(&token[4..]).unwrap();
        String::from_utf8(b[16..].to_vec()).unwrap()
    }

    /// Any of the text formats, for property tests that run in each.
    pub fn text_format() -> impl proptest::strategy::Strategy<Value = Format> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Format::Yaml),
            Just(Format::Json),
            Just(Format::Toml),
            Just(Format::Dotenv)
        ]
    }

    /// The error `store` gives for `text`, which must not parse, checked to be on `line`
    /// (1-based) and to say where it is.
    #[track_caller]
    pub fn parse_error(store: &dyn Store, text: &str, line: usize) -> ParseError {
        let err = store.parse(text, ParseOptions::default()).expect_err(text);
        assert_eq!(err.line, line, "{text:?}: {err}");
        assert!(
            err.to_string()
                .ends_with(&format!("at line {line}, column {}", err.column)),
            "{err}"
        );
        err
    }

    /// A metadata value shaped like the real one.
    pub fn sample_metadata() -> serde_json::Value {
        serde_json::json!({
            "version": 1,
            "created": "2026-11-29T05:00:00Z",
            "rules": {"unencrypted_regex": "^(user|host)$"},
            "recipients": [
                {"recipient": "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", "key": "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0-IFgyNTUxOSBhYmMK+/=="},
                {"recipient": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice@example.com", "key": "YWJj"}
            ],
            "mac": "Zm9vYmFy-_"
        })
    }

    /// [`round_trip`] of each of `docs`.
    pub fn round_trip_each(store: &dyn Store, docs: &[&str]) {
        for d in docs {
            round_trip(store, d);
        }
    }

    /// Checks the [`Store`] contract on `text`: replace every non-null leaf with a token,
    /// add metadata, parse the result, then undo both and compare byte for byte.
    /// Returns the "encrypted" text for further assertions.
    pub fn round_trip(store: &dyn Store, text: &str) -> String {
        let doc = store
            .parse(text, ParseOptions::default())
            .unwrap_or_else(|e| panic!("parse failed: {e}\n---\n{text}"));
        assert!(
            doc.metadata.is_none(),
            "plaintext must have no metadata block"
        );
        for i in 1..doc.leaves.len() {
            let (a, b) = (doc.leaves.get(i - 1), doc.leaves.get(i));
            assert!(
                a.span.end <= b.span.start,
                "leaves overlap or are out of order: {a:?} {b:?}"
            );
        }
        let tokens: Vec<Option<String>> = doc
            .leaves
            .iter()
            .map(|l| {
                (l.kind != ScalarKind::Null).then(|| {
                    let mut out = String::new();
                    store.write_token(&mut out, &fake_token(&text[l.span.clone()]));
                    out
                })
            })
            .collect();
        let meta = sample_metadata();
        let ins = store
            .metadata_insertion(text, &doc, &meta)
            .expect("metadata insertion");
        let edits = doc
            .leaves
            .iter()
            .zip(&tokens)
            .filter_map(|(l, t)| t.as_deref().map(|t| (l.span.clone(), t)));
        let enc = apply_edits(text, edits, Some(&ins), 0);
        let doc2 = store
            .parse(&enc, ParseOptions::default())
            .unwrap_or_else(|e| panic!("encrypted text does not parse: {e}\n---\n{enc}"));
        let md = doc2
            .metadata
            .as_ref()
            .unwrap_or_else(|| panic!("metadata not found in\n{enc}"));
        assert_eq!(md.value, meta, "metadata changed in\n{enc}");
        let p1: Vec<_> = doc.leaves.iter().map(|l| l.path).collect();
        let p2: Vec<_> = doc2.leaves.iter().map(|l| l.path).collect();
        assert_eq!(p1, p2, "leaf paths differ after encryption\n---\n{enc}");
        let mut restore = Vec::new();
        for (l, t) in doc2.leaves.iter().zip(&tokens) {
            let raw = &enc[l.span.clone()];
            match t {
                Some(_) => {
                    let tok = store
                        .read_token(raw)
                        .unwrap_or_else(|| panic!("no token in {raw:?}"));
                    restore.push((l.span.clone(), unfake(tok)));
                }
                None => assert!(store.read_token(raw).is_none()),
            }
        }
        // Remove the metadata block, then restore the values.
        let mut edits: Vec<(std::ops::Range<usize>, &str)> = restore
            .iter()
            .map(|(s, r)| (s.clone(), r.as_str()))
            .collect();
        edits.push((md.span.clone(), ""));
        edits.sort_by_key(|(s, _)| s.start);
        let back = apply_edits(&enc, edits, None, 0);
        assert_eq!(
            back, text,
            "round trip is not byte-identical\n--- encrypted:\n{enc}"
        );
        enc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each format's marker counts only at the start of a line, and when two formats' markers
    /// are present the earlier format in this order wins: JSON, TOML, dotenv, YAML.
    #[test]
    fn an_encrypted_format_is_told_by_its_marker_line() {
        let cases: &[(&str, Option<Format>)] = &[
            ("a: 1\nvaultfile:\n  version: 2\n", Some(Format::Yaml)),
            ("vaultfile:\n", Some(Format::Yaml)),
            ("\u{feff}vaultfile:\n", Some(Format::Yaml)),
            ("a = 1\r\n[vaultfile]\r\nversion = 2\n", Some(Format::Toml)),
            ("A=1\n#vaultfile:eyJ2Ijoy\n", Some(Format::Dotenv)),
            ("{\"a\": 1, \"vaultfile\": {}}", Some(Format::Json)),
            ("a: vaultfile:\n", None),
            ("a: [vaultfile]\nb: x#vaultfile:\n", None),
            ("vaultfile", None),
            ("a: 1\n", None),
            ("vaultfile:\n[vaultfile]\n", Some(Format::Toml)),
            ("vaultfile:\n#vaultfile:x\n", Some(Format::Dotenv)),
            ("[vaultfile]\n#vaultfile:x\n", Some(Format::Toml)),
        ];
        for (text, want) in cases {
            assert_eq!(Format::sniff_encrypted(text), *want, "{text:?}");
        }
    }

    #[test]
    fn format_from_path() {
        let f = |p: &str| Format::from_path(Path::new(p));
        assert_eq!(f("a/values.yaml"), Format::Yaml);
        assert_eq!(f("x.YML"), Format::Yaml);
        assert_eq!(f("secrets.enc.json"), Format::Json);
        assert_eq!(f("Cargo.toml"), Format::Toml);
        assert_eq!(f(".env"), Format::Dotenv);
        assert_eq!(f(".env.production"), Format::Dotenv);
        assert_eq!(f("prod.env"), Format::Dotenv);
        assert_eq!(f("prod.yaml.enc"), Format::Yaml);
        assert_eq!(f("id_rsa"), Format::Binary);
        assert_eq!(f("cert.pem"), Format::Binary);
    }

    /// Regression (found by fuzzing): a text ending in a lone `\r` must survive the
    /// metadata block being added and removed, in every format.
    #[test]
    fn lone_trailing_carriage_return_survives() {
        testkit::round_trip(&dotenv::DotenvStore, "A=b\r");
        testkit::round_trip(&dotenv::DotenvStore, "A=\r");
        testkit::round_trip(&dotenv::DotenvStore, "\r");
        testkit::round_trip(&dotenv::DotenvStore, "A=b\n\r");
        testkit::round_trip(&dotenv::DotenvStore, "A=b\r\n\r");
        testkit::round_trip(&yaml::YamlStore, "a: b\r");
        testkit::round_trip(&json::JsonStore, "{\"a\": 1}\r");
    }

    #[test]
    fn parse_error_position() {
        let e = ParseError::at_offset("ab\ncdé\nf", 7, "bad");
        assert_eq!((e.line, e.column), (2, 4));
    }
}
