//! Canonical key paths and the leaf-selection rules.
//!
//! A [`KeyPath`] names one leaf of a structured document (`database.password`,
//! `servers[0].token`). Its canonical byte encoding is what the value cipher binds
//! each ciphertext to, as the AEAD's associated data, so it must be unambiguous: every segment is tagged and length-prefixed
//! (LEB128 varints).
//! The selection rules ([`Rules`]) decide which leaves are encrypted, with SOPS's
//! names and meaning: a rule matches when *any* key on the path matches, so a rule
//! on a parent key covers the whole subtree.

use std::fmt;

use regex::Regex;
use serde::{Deserialize, Serialize};

const TAG_KEY: u8 = b'k';
const TAG_INDEX: u8 = b'i';
const TAG_DOCUMENT: u8 = b'd';

/// One step of a [`KeyPath`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// A mapping key (YAML), object member (JSON), table key (TOML) or variable name (dotenv).
    Key(&'a str),
    /// A position in a sequence or array, from 0.
    Index(usize),
    /// The n-th document of a multi-document YAML stream; only used for n >= 1 so that a
    /// single-document file has plain paths.
    Document(usize),
}

/// The canonical, owned path of a leaf.
///
/// Stored in its canonical encoding: cloning and hashing are cheap, and the bytes are used
/// directly as the AEAD associated data.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPath {
    bytes: Vec<u8>,
}

impl KeyPath {
    /// Returns the empty path (the root of a document).
    pub fn root() -> Self {
        Self::default()
    }

    /// Builds a path from segments.
    pub fn from_segments<'a>(segments: impl IntoIterator<Item = Segment<'a>>) -> Self {
        let mut path = Self::root();
        for s in segments {
            path.push(s);
        }
        path
    }

    /// Appends a segment.
    pub fn push(&mut self, segment: Segment<'_>) {
        match segment {
            Segment::Key(k) => {
                self.bytes.push(TAG_KEY);
                push_varint(&mut self.bytes, k.len() as u64);
                self.bytes.extend_from_slice(k.as_bytes());
            }
            Segment::Index(i) => {
                self.bytes.push(TAG_INDEX);
                push_varint(&mut self.bytes, i as u64);
            }
            Segment::Document(i) => {
                self.bytes.push(TAG_DOCUMENT);
                push_varint(&mut self.bytes, i as u64);
            }
        }
    }

    /// Appends a key segment; shorthand for `push(Segment::Key(key))`.
    pub fn push_key(&mut self, key: &str) {
        self.push(Segment::Key(key));
    }

    /// Appends an index segment; shorthand for `push(Segment::Index(index))`.
    pub fn push_index(&mut self, index: usize) {
        self.push(Segment::Index(index));
    }

    /// Returns a marker for [`KeyPath::truncate`], to undo later pushes cheaply.
    pub fn mark(&self) -> usize {
        self.bytes.len()
    }

    /// Removes every segment pushed after `mark` was taken.
    pub fn truncate(&mut self, mark: usize) {
        self.bytes.truncate(mark);
    }

    /// Returns true for the root path.
    pub fn is_root(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The canonical encoding, used as associated data and in the MAC.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Borrows the path.
    pub fn as_path(&self) -> PathRef<'_> {
        PathRef { bytes: &self.bytes }
    }

    /// Iterates over the segments.
    pub fn segments(&self) -> Segments<'_> {
        self.as_path().segments()
    }

    /// Parses the display syntax: `a.b[0].c`, SOPS's `["a"]["b"][0]`, or a mix of both.
    /// A leading `@N.` selects the N-th document of a multi-document YAML file (`@0.` is the
    /// first document, whose paths have no document segment). [`PathQuery::parse`] reads the
    /// same syntax but remembers whether a document was named.
    pub fn parse(text: &str) -> Result<Self, PathSyntaxError> {
        PathQuery::parse(text).map(|q| q.key_path())
    }

    /// Parses the segments after the optional `@N.` prefix.
    fn parse_segments(text: &str, mut rest: &str) -> Result<Self, PathSyntaxError> {
        let err = |msg: &str| PathSyntaxError {
            path: text.to_owned(),
            message: msg.to_owned(),
        };
        let mut path = Self::root();
        let mut first = true;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                let close = after.find(']').ok_or_else(|| err("missing ']'"))?;
                let inner = after[..close].trim();
                if let Some(q) = inner.chars().next().filter(|c| *c == '"' || *c == '\'') {
                    // Quoted key: find the matching quote, honouring backslash escapes.
                    let body = &after[1..];
                    let mut key = String::new();
                    let mut chars = body.char_indices();
                    let mut end = None;
                    while let Some((i, c)) = chars.next() {
                        if c == '\\' {
                            if let Some((_, e)) = chars.next() {
                                key.push(e);
                            }
                        } else if c == q {
                            end = Some(i);
                            break;
                        } else {
                            key.push(c);
                        }
                    }
                    let end = end.ok_or_else(|| err("unterminated quoted key"))?;
                    let after_quote = body[end + 1..].trim_start();
                    rest = after_quote
                        .strip_prefix(']')
                        .ok_or_else(|| err("expected ']' after a quoted key"))?;
                    path.push_key(&key);
                } else {
                    let n: usize = inner
                        .parse()
                        .map_err(|_| err("expected a number or a quoted key inside '[...]'"))?;
                    path.push_index(n);
                    rest = &after[close + 1..];
                }
            } else {
                if !first {
                    rest = rest
                        .strip_prefix('.')
                        .ok_or_else(|| err("expected '.' or '[' between segments"))?;
                }
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                if end == 0 {
                    return Err(err("empty key"));
                }
                path.push_key(&rest[..end]);
                rest = &rest[end..];
            }
            first = false;
        }
        Ok(path)
    }
}

/// A path as a user writes it: a [`KeyPath`] and, for a YAML stream of several documents,
/// which document, if the user named one.
///
/// A canonical [`KeyPath`] cannot tell `@0.a` from `a` (the first document's paths have no
/// document segment), but a reader must: in a stream of several documents, `a` without
/// `@N.` may be found in more than one of them, and then it is ambiguous rather than
/// silently the first (see [`crate::format::view::View::lookup`]).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PathQuery {
    /// The document named with `@N.`, if any.
    pub document: Option<usize>,
    /// The path inside the document, without a document segment.
    pub path: KeyPath,
}

impl PathQuery {
    /// Parses `[@N.]PATH`, the syntax of [`KeyPath::parse`].
    pub fn parse(text: &str) -> Result<Self, PathSyntaxError> {
        let err = |msg: &str| PathSyntaxError {
            path: text.to_owned(),
            message: msg.to_owned(),
        };
        let mut rest = text.trim();
        let mut document = None;
        if let Some(after) = rest.strip_prefix('@') {
            let end = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            let n: usize = after[..end]
                .parse()
                .map_err(|_| err("expected a document number after '@'"))?;
            document = Some(n);
            rest = &after[end..];
            rest = rest.strip_prefix('.').unwrap_or(rest);
        }
        Ok(PathQuery {
            document,
            path: KeyPath::parse_segments(text, rest)?,
        })
    }

    /// The canonical path in document `n` (no document segment for the first one).
    pub fn in_document(&self, n: usize) -> KeyPath {
        let mut p = KeyPath::root();
        if n > 0 {
            p.push(Segment::Document(n));
        }
        p.bytes.extend_from_slice(&self.path.bytes);
        p
    }

    /// The canonical path: in the named document, else in the first.
    pub fn key_path(&self) -> KeyPath {
        self.in_document(self.document.unwrap_or(0))
    }
}

impl From<&KeyPath> for PathQuery {
    /// A canonical path names its document exactly (none means the first).
    fn from(p: &KeyPath) -> Self {
        let p = p.as_path();
        PathQuery {
            document: Some(p.document()),
            path: p.in_document().to_owned(),
        }
    }
}

impl From<KeyPath> for PathQuery {
    fn from(p: KeyPath) -> Self {
        PathQuery::from(&p)
    }
}

impl fmt::Display for PathQuery {
    /// Writes `@N.a.b` when a document was named, else `a.b`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(n) = self.document {
            write!(f, "@{n}")?;
            if matches!(self.path.segments().next(), Some(Segment::Key(_))) {
                f.write_str(".")?;
            }
        }
        self.path.fmt(f)
    }
}

impl fmt::Debug for PathQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PathQuery({self})")
    }
}

/// A borrowed [`KeyPath`]: canonical bytes stored elsewhere (see [`crate::format::document::Leaves`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PathRef<'a> {
    bytes: &'a [u8],
}

impl<'a> PathRef<'a> {
    /// Wraps bytes produced by [`KeyPath::as_bytes`].
    pub(crate) fn from_canonical(bytes: &'a [u8]) -> Self {
        PathRef { bytes }
    }

    /// The canonical encoding, used as associated data and in the MAC.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Iterates over the segments.
    pub fn segments(&self) -> Segments<'a> {
        Segments { rest: self.bytes }
    }

    /// The document the path is in: its `@N` segment, 0 when it has none.
    pub fn document(&self) -> usize {
        match self.segments().next() {
            Some(Segment::Document(n)) => n,
            _ => 0,
        }
    }

    /// The path without its document segment.
    pub fn in_document(&self) -> PathRef<'a> {
        let mut segments = self.segments();
        match segments.next() {
            Some(Segment::Document(_)) => PathRef {
                bytes: segments.rest,
            },
            _ => *self,
        }
    }

    /// Iterates over the key names on the path (what the selection rules look at).
    pub fn keys(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.segments().filter_map(|s| match s {
            Segment::Key(k) => Some(k),
            _ => None,
        })
    }

    /// True when `prefix` is this path or one of its ancestors.
    pub fn starts_with(&self, prefix: PathRef<'_>) -> bool {
        // The encoding is self-delimiting, so a byte prefix is a segment prefix.
        self.bytes.starts_with(prefix.bytes)
    }

    /// Copies the path.
    pub fn to_owned(&self) -> KeyPath {
        KeyPath {
            bytes: self.bytes.to_vec(),
        }
    }
}

impl<'a> From<&'a KeyPath> for PathRef<'a> {
    fn from(p: &'a KeyPath) -> Self {
        p.as_path()
    }
}

impl PartialEq<KeyPath> for PathRef<'_> {
    fn eq(&self, other: &KeyPath) -> bool {
        self.bytes == other.bytes.as_slice()
    }
}

impl PartialEq<PathRef<'_>> for KeyPath {
    fn eq(&self, other: &PathRef<'_>) -> bool {
        self.bytes.as_slice() == other.bytes
    }
}

/// Iterator over a [`KeyPath`]'s segments.
pub struct Segments<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Segments<'a> {
    type Item = Segment<'a>;

    fn next(&mut self) -> Option<Segment<'a>> {
        let (&tag, rest) = self.rest.split_first()?;
        let (n, rest) = read_varint(rest)?;
        match tag {
            TAG_KEY => {
                let len = usize::try_from(n).ok()?;
                let key = std::str::from_utf8(rest.get(..len)?).ok()?;
                self.rest = &rest[len..];
                Some(Segment::Key(key))
            }
            TAG_INDEX | TAG_DOCUMENT => {
                self.rest = rest;
                let n = usize::try_from(n).ok()?;
                Some(if tag == TAG_INDEX {
                    Segment::Index(n)
                } else {
                    Segment::Document(n)
                })
            }
            _ => None,
        }
    }
}

/// Appends `n` as an unsigned LEB128 varint: one byte for the lengths and indices that
/// nearly every path has, which keeps a large document's path arena small.
fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut n = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        n |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((n, &bytes[i + 1..]));
        }
    }
    None
}

fn is_plain_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_path().fmt(f)
    }
}

impl fmt::Debug for PathRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PathRef({self})")
    }
}

impl fmt::Display for PathRef<'_> {
    /// Writes `a.b[0].c`; keys that are not identifiers are written as `["a.b"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in self.segments() {
            match s {
                Segment::Document(n) => write!(f, "@{n}")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
                Segment::Key(k) if is_plain_key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Key(k) => {
                    f.write_str("[")?;
                    // serde_json gives a correctly escaped double-quoted string.
                    f.write_str(&serde_json::to_string(k).map_err(|_| fmt::Error)?)?;
                    f.write_str("]")?;
                }
            }
            first = false;
        }
        Ok(())
    }
}

impl fmt::Debug for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyPath({self})")
    }
}

/// A path string that could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("invalid path '{path}': {message}")]
pub struct PathSyntaxError {
    /// The text as given.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

/// The leaf-selection rules as written in the metadata and on the command line.
///
/// Same names and meaning as SOPS's: each rule is matched against every key name on a
/// leaf's path (ancestors included), regexes unanchored. Unlike SOPS, rules combine: a leaf
/// is encrypted when every `encrypted_*` rule given matches and no `unencrypted_*` rule does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// Only leaves under a key matching this regex are encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_regex: Option<String>,
    /// Leaves under a key matching this regex stay plaintext.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unencrypted_regex: Option<String>,
    /// Only leaves under a key ending with this suffix are encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_suffix: Option<String>,
    /// Leaves under a key ending with this suffix stay plaintext.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unencrypted_suffix: Option<String>,
}

/// How [`Rules::unmatched`] ends its note on a selecting rule (`encrypted_regex`,
/// `encrypted_suffix`) that matched no key.
const UNMATCHED_SELECTOR: &str = ": nothing under it was encrypted";

impl RuleSpec {
    /// The rules that are set, as `.vaultfile.yaml` names them: `encrypted_regex '^db$',
    /// unencrypted_suffix '_plain'` (`no selection rule` when none is).
    pub fn describe(&self) -> String {
        let set: Vec<String> = [
            ("encrypted_regex", &self.encrypted_regex),
            ("unencrypted_regex", &self.unencrypted_regex),
            ("encrypted_suffix", &self.encrypted_suffix),
            ("unencrypted_suffix", &self.unencrypted_suffix),
        ]
        .into_iter()
        .filter_map(|(name, v)| v.as_ref().map(|v| format!("{name} '{v}'")))
        .collect();
        if set.is_empty() {
            "no selection rule".into()
        } else {
            set.join(", ")
        }
    }

    /// Returns true when no rule is set (every non-null leaf is encrypted).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Compiles the regexes.
    pub fn compile(&self) -> Result<Rules, RuleError> {
        let compile = |name: &'static str, r: &Option<String>| {
            r.as_deref()
                .map(|r| {
                    Regex::new(r).map_err(|e| RuleError {
                        rule: name,
                        message: e.to_string(),
                    })
                })
                .transpose()
        };
        Ok(Rules {
            encrypted_regex: compile("encrypted_regex", &self.encrypted_regex)?,
            unencrypted_regex: compile("unencrypted_regex", &self.unencrypted_regex)?,
            spec: self.clone(),
        })
    }
}

/// A selection rule whose regex does not compile.
#[derive(Debug, thiserror::Error)]
#[error("invalid {rule}: {message}")]
pub struct RuleError {
    /// Which rule.
    pub rule: &'static str,
    /// The regex engine's message.
    pub message: String,
}

/// Compiled selection rules.
#[derive(Clone, Debug)]
pub struct Rules {
    spec: RuleSpec,
    encrypted_regex: Option<Regex>,
    unencrypted_regex: Option<Regex>,
}

/// Which rules matched at least one key, to warn about the ones that matched nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct RuleHits {
    encrypted_regex: bool,
    unencrypted_regex: bool,
    encrypted_suffix: bool,
    unencrypted_suffix: bool,
}

impl Rules {
    /// The rules as written.
    pub fn spec(&self) -> &RuleSpec {
        &self.spec
    }

    /// Returns true when the leaf at `path` is to be encrypted, and notes which rules matched.
    pub fn selects<'p>(&self, path: impl Into<PathRef<'p>>, hits: &mut RuleHits) -> bool {
        let path = path.into();
        let any = |pred: &dyn Fn(&str) -> bool| path.keys().any(pred);
        let mut selected = true;
        if let Some(r) = &self.encrypted_regex {
            let m = any(&|k| r.is_match(k));
            hits.encrypted_regex |= m;
            selected &= m;
        }
        if let Some(s) = &self.spec.encrypted_suffix {
            let m = any(&|k| k.ends_with(s.as_str()));
            hits.encrypted_suffix |= m;
            selected &= m;
        }
        if let Some(r) = &self.unencrypted_regex {
            let m = any(&|k| r.is_match(k));
            hits.unencrypted_regex |= m;
            selected &= !m;
        }
        if let Some(s) = &self.spec.unencrypted_suffix {
            let m = any(&|k| k.ends_with(s.as_str()));
            hits.unencrypted_suffix |= m;
            selected &= !m;
        }
        selected
    }

    /// The first selecting rule (`encrypted_regex`, `encrypted_suffix`) that is set but
    /// matched no key: `encrypted_regex '^db$' matched no key`.
    pub fn unmatched_selector(&self, hits: &RuleHits) -> Option<String> {
        let s = &self.spec;
        [
            ("encrypted_regex", &s.encrypted_regex, hits.encrypted_regex),
            (
                "encrypted_suffix",
                &s.encrypted_suffix,
                hits.encrypted_suffix,
            ),
        ]
        .into_iter()
        .find_map(|(name, rule, hit)| match (rule, hit) {
            (Some(r), false) => Some(format!("{name} '{r}' matched no key")),
            _ => None,
        })
    }

    /// Names the rules that are set but matched no key, for a warning.
    pub fn unmatched(&self, hits: &RuleHits) -> Vec<String> {
        const NO_EFFECT: &str = ": it has no effect";
        let s = &self.spec;
        [
            (
                "encrypted_regex",
                &s.encrypted_regex,
                hits.encrypted_regex,
                UNMATCHED_SELECTOR,
            ),
            (
                "encrypted_suffix",
                &s.encrypted_suffix,
                hits.encrypted_suffix,
                UNMATCHED_SELECTOR,
            ),
            (
                "unencrypted_regex",
                &s.unencrypted_regex,
                hits.unencrypted_regex,
                NO_EFFECT,
            ),
            (
                "unencrypted_suffix",
                &s.unencrypted_suffix,
                hits.unencrypted_suffix,
                NO_EFFECT,
            ),
        ]
        .into_iter()
        .filter_map(|(name, rule, hit, why)| match (rule, hit) {
            (Some(r), false) => Some(format!("{name} '{r}' matched no key{why}")),
            _ => None,
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn display_and_parse_agree() {
        let p = KeyPath::from_segments([
            Segment::Key("database"),
            Segment::Key("pass.word"),
            Segment::Index(3),
            Segment::Key("x"),
        ]);
        assert_eq!(p.to_string(), r#"database["pass.word"][3].x"#);
        assert_eq!(KeyPath::parse(&p.to_string()).unwrap(), p);
    }

    #[test]
    fn parses_sops_syntax() {
        let p = KeyPath::parse(r#"["a"]["b"][0]"#).unwrap();
        assert_eq!(
            p,
            KeyPath::from_segments([Segment::Key("a"), Segment::Key("b"), Segment::Index(0)])
        );
        assert_eq!(KeyPath::parse("a.b[0]").unwrap(), p);
    }

    #[test]
    fn document_prefix() {
        let p = KeyPath::parse("@2.a").unwrap();
        assert_eq!(p.segments().next(), Some(Segment::Document(2)));
        assert_eq!(p.to_string(), "@2.a");
        assert_eq!(
            KeyPath::parse("@0.a").unwrap(),
            KeyPath::parse("a").unwrap()
        );
    }

    #[test]
    fn queries_remember_a_named_document() {
        let q = PathQuery::parse("@0.stringData.pw").unwrap();
        assert_eq!(q.document, Some(0));
        assert_eq!(q.to_string(), "@0.stringData.pw");
        assert_eq!(q.key_path(), KeyPath::parse("stringData.pw").unwrap());
        let q = PathQuery::parse("stringData.pw").unwrap();
        assert_eq!(
            (q.document, q.to_string().as_str()),
            (None, "stringData.pw")
        );
        let q = PathQuery::parse("@1[0].a").unwrap();
        assert_eq!(q.to_string(), "@1[0].a");
        assert_eq!(q.in_document(1), KeyPath::parse("@1[0].a").unwrap());
        assert_eq!(PathQuery::parse(&q.to_string()).unwrap(), q);
        assert_eq!(PathQuery::parse("@2").unwrap().to_string(), "@2");
        assert!(PathQuery::parse("@x.a").is_err());
        // A canonical path always names its document.
        let from = PathQuery::from(&KeyPath::parse("@3.a").unwrap());
        assert_eq!(
            (from.document, from.path.to_string().as_str()),
            (Some(3), "a")
        );
        assert_eq!(
            PathQuery::from(KeyPath::parse("a").unwrap()).document,
            Some(0)
        );
        let p = KeyPath::parse("@3.a.b").unwrap();
        assert_eq!(p.as_path().document(), 3);
        assert_eq!(
            p.as_path().in_document().to_owned(),
            KeyPath::parse("a.b").unwrap()
        );
    }

    #[test]
    fn large_indices_and_long_keys_round_trip() {
        let long = "k".repeat(300);
        let p = KeyPath::from_segments([
            Segment::Index(1 << 40),
            Segment::Key(&long),
            Segment::Index(127),
            Segment::Index(128),
        ]);
        let segs: Vec<_> = p.segments().collect();
        assert_eq!(
            segs,
            vec![
                Segment::Index(1 << 40),
                Segment::Key(&long),
                Segment::Index(127),
                Segment::Index(128)
            ]
        );
    }

    #[test]
    fn encoding_is_unambiguous() {
        // "a" + "b" must differ from "ab" and from index segments.
        let ab = KeyPath::from_segments([Segment::Key("ab")]);
        let a_b = KeyPath::from_segments([Segment::Key("a"), Segment::Key("b")]);
        assert_ne!(ab.as_bytes(), a_b.as_bytes());
        let k0 = KeyPath::from_segments([Segment::Key("0")]);
        let i0 = KeyPath::from_segments([Segment::Index(0)]);
        assert_ne!(k0.as_bytes(), i0.as_bytes());
    }

    /// Whether `spec`'s rules select each of `paths`, and how many rules matched none.
    fn select(spec: RuleSpec, paths: &[&str]) -> (Vec<bool>, usize) {
        let rules = spec.compile().unwrap();
        let mut hits = RuleHits::default();
        let selected = paths
            .iter()
            .map(|p| rules.selects(&KeyPath::parse(p).unwrap(), &mut hits))
            .collect();
        (selected, rules.unmatched(&hits).len())
    }

    #[test]
    fn rules_match_any_key_on_path() {
        let spec = RuleSpec {
            encrypted_regex: Some("^(data|stringData)$".into()),
            ..Default::default()
        };
        assert_eq!(
            select(spec, &["data.password", "metadata.name"]),
            (vec![true, false], 0)
        );
    }

    #[test]
    fn unmatched_rule_is_reported() {
        let spec = RuleSpec {
            unencrypted_suffix: Some("_plain".into()),
            ..Default::default()
        };
        assert_eq!(select(spec, &["a.b"]), (vec![true], 1));
    }

    proptest! {
        #[test]
        fn any_path_round_trips_through_display(
            segs in proptest::collection::vec(
                prop_oneof![
                    "\\PC{0,8}".prop_map(Ok),
                    (0usize..1000).prop_map(Err),
                ],
                0..6,
            )
        ) {
            let path = KeyPath::from_segments(segs.iter().map(|s| match s {
                Ok(k) => Segment::Key(k),
                Err(i) => Segment::Index(*i),
            }));
            // An empty key in first position has no display form other than [""].
            let shown = path.to_string();
            prop_assert_eq!(KeyPath::parse(&shown).unwrap(), path);
        }
    }
}
