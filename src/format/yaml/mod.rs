//! YAML: every scalar value's exact bytes, found with granit-parser's byte spans.
//!
//! The YAML store never re-serialises anything. It walks granit-parser's
//! event stream, keeps a small stack of open collections to build each leaf's [`KeyPath`], and
//! reports the byte range of every scalar in value position. What a span covers:
//!
//! - plain and quoted scalars: the scalar as written, quotes included, every line of it;
//! - block scalars: from the `|`/`>` indicator to the last non-blank byte of the content
//!   (granit's own span starts at the content and ends after the trailing blank lines, so the
//!   indicator is found by scanning forward from the previous token);
//! - a tag written directly before the value (`!!str 123`, `!!binary |`), so that the encrypted
//!   file carries no `!!int` tag on a string token. Anchors stay outside (aliases must still
//!   resolve in the encrypted file); a tag written before an anchor (`!t &a x`) stays outside too.
//!
//! The metadata block is a top-level `vaultfile` key appended at the end of the last document,
//! or a new `---` document when the last document is not a block mapping at column 0.
//!
//! The read side needs more than leaves: [`parse_linked`] also records how nodes refer to
//! each other ([`Links`]: anchors, aliases, merge keys, duplicate keys), which the read
//! model ([`crate::format::view`]) resolves. Encryption never asks for them.
//!
//! Speed: granit-parser alone needs 80 to 100 ms for a 4 MB file with 100,000 leaves (release
//! build). Most large config files are plain nested block mappings of simple scalars, so the
//! `fast` module reads that subset line by line (about 15 ms for the same file), checks that
//! every line lies inside it, and hands anything else (sequences, flow style, block scalars,
//! anchors, tags, escapes, multi-line scalars, documents, tabs…) to the granit walker in the
//! `full` module. Both must give identical results; the tests check that differentially.

pub(crate) mod emit;
pub(crate) mod patch;

use std::borrow::Cow;
use std::ops::Range;

use granit_parser::{Event, Parser, ScalarStyle, ScanError, StructureStyle, Tag};
use serde_json::{Map, Value};

use super::{
    Document, Format, Insertion, Leaves, METADATA_KEY, MetadataBlock, ParseError, ParseOptions,
    ScalarKind, Store, line_ending,
};
use crate::format::document::{Alias, Anchor, AnchoredNode, DuplicateKey, Links};
use crate::path::{KeyPath, Segment};

/// The YAML format (YAML 1.2, multi-document streams included).
pub struct YamlStore;

/// A YAML reader: whether it may take the line-by-line fast path (the tests also run the
/// granit walker alone, and check that the two agree).
trait Reader: Sync {
    const FAST: bool;
}

impl Reader for YamlStore {
    const FAST: bool = true;
}

/// The granit walker alone, never the fast path: what the tests check the fast path
/// against.
#[cfg(test)]
struct FullYaml;

#[cfg(test)]
impl Reader for FullYaml {
    const FAST: bool = false;
}

impl<R: Reader> Store for R {
    fn format(&self) -> Format {
        Format::Yaml
    }

    fn parse(&self, text: &str, options: ParseOptions) -> Result<Document, ParseError> {
        parse_noting_shape(text, options, R::FAST)
    }

    fn metadata_insertion(
        &self,
        text: &str,
        doc: &Document,
        block: &Value,
    ) -> Result<Insertion, ParseError> {
        insertion(text, doc, block, R::FAST)
    }
}

/// Where the metadata block goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// The last document's root is a block mapping at column 0 and the stream does not end
    /// with `...`: the block becomes its last key.
    AppendKey,
    /// Anything else (no document, a scalar, sequence or flow root, a final `...`): the block
    /// becomes a new `---` document.
    NewDocument,
}

/// A parsed text: the document and where a metadata block would go.
#[derive(Debug)]
struct Analysis {
    doc: Document,
    shape: Shape,
}

/// The metadata block as the walker found it, before its span is computed.
#[derive(Debug)]
struct RawMeta {
    /// Byte offset of the `vaultfile` key.
    key_start: usize,
    /// End of the last non-empty event of the value.
    value_end: usize,
    /// The `---` marker of the block's document, when `vaultfile` is its first key (the block
    /// was inserted as a new document).
    doc_start: Option<usize>,
    value: Value,
}

/// Parses `text` with decoded values for the read side ([`crate::format::view`]), and records how
/// its nodes refer to each other: anchors, aliases, merge keys and duplicate keys.
///
/// Always the granit walker, which sees every key as it is read: the fast path records no
/// anchors, and a key written twice with mappings as values (`a: {x: 1}` then `a: {y: 2}`)
/// leaves no trace in the leaves. Reading commands pay for it; encryption and decryption
/// never call this.
pub fn parse_linked(text: &str) -> Result<(Document, Links), ParseError> {
    let w = full::walk(
        text,
        ParseOptions {
            decode_values: true,
        },
        true,
    )?;
    let links = w.links.unwrap_or_default();
    let mut doc = Document {
        leaves: w.leaves,
        metadata: w.meta.map(|m| finish_metadata(text, m)),
        placement_hint: None,
    };
    doc.placement_hint = Some(w.shape.hint());
    Ok((doc, links))
}

fn analyse(text: &str, options: ParseOptions, allow_fast: bool) -> Result<Analysis, ParseError> {
    if allow_fast && let Some(a) = fast::analyse(text, options) {
        return Ok(a);
    }
    let w = full::walk(text, options, false)?;
    Ok(Analysis {
        doc: Document {
            leaves: w.leaves,
            metadata: w.meta.map(|m| finish_metadata(text, m)),
            placement_hint: None,
        },
        shape: w.shape,
    })
}

/// Parses, noting the metadata placement in the document so that `insertion` need not
/// parse again.
fn parse_noting_shape(
    text: &str,
    options: ParseOptions,
    allow_fast: bool,
) -> Result<Document, ParseError> {
    let a = analyse(text, options, allow_fast)?;
    let mut doc = a.doc;
    doc.placement_hint = Some(a.shape.hint());
    Ok(doc)
}

impl Shape {
    fn hint(self) -> u32 {
        match self {
            Shape::AppendKey => 1,
            Shape::NewDocument => 2,
        }
    }

    fn from_hint(hint: u32) -> Option<Self> {
        match hint {
            1 => Some(Shape::AppendKey),
            2 => Some(Shape::NewDocument),
            _ => None,
        }
    }
}

fn insertion(
    text: &str,
    doc: &Document,
    block: &Value,
    allow_fast: bool,
) -> Result<Insertion, ParseError> {
    if let Some(md) = &doc.metadata {
        return Err(ParseError::at_offset(
            text,
            md.span.start,
            "the file already has a vaultfile metadata block",
        ));
    }
    let shape = match doc.placement_hint.and_then(Shape::from_hint) {
        Some(shape) => shape,
        None => analyse(text, ParseOptions::default(), allow_fast)?.shape,
    };
    let le = line_ending(text);
    let ends_with_break = text.is_empty() || text.ends_with(['\n', '\r']);
    let mut out = String::with_capacity(1024);
    if !ends_with_break {
        out.push_str(le);
    }
    if shape == Shape::NewDocument {
        out.push_str("---");
        out.push_str(le);
    }
    out.push_str(METADATA_KEY);
    out.push(':');
    emit::child(&mut out, block, 0, le);
    if !ends_with_break {
        out.truncate(out.len() - le.len());
    }
    Ok(Insertion {
        at: text.len(),
        text: out,
    })
}

/// Computes the bytes to remove so that the text is as it was before the block was inserted:
/// the block's lines, the `---` line of a document inserted for it, and the line break that
/// was inserted before it when the text did not end with one.
fn finish_metadata(text: &str, raw: RawMeta) -> MetadataBlock {
    let b = text.as_bytes();
    let mut end = raw.value_end;
    while end < b.len() && matches!(b[end], b' ' | b'\t') {
        end += 1;
    }
    if end < b.len() && b[end] == b'#' {
        while end < b.len() && !matches!(b[end], b'\n' | b'\r') {
            end += 1;
        }
    }
    let ends_with_break = if text[end..].starts_with("\r\n") {
        end += 2;
        true
    } else if end < b.len() && matches!(b[end], b'\n' | b'\r') {
        end += 1;
        true
    } else {
        false
    };
    let mut start = line_start(text, raw.doc_start.unwrap_or(raw.key_start));
    if !ends_with_break {
        if text[..start].ends_with("\r\n") {
            start -= 2;
        } else if start > 0 && matches!(b[start - 1], b'\n' | b'\r') {
            start -= 1;
        }
    }
    MetadataBlock {
        span: start..end,
        value: raw.value,
    }
}

/// The offset of the first byte of the line holding `pos`.
fn line_start(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos]
        .iter()
        .rposition(|&c| c == b'\n' || c == b'\r')
        .map_or(0, |i| i + 1)
}

/// Returns true when `pos` is at column 0 (a UTF-8 BOM before it on the first line is ignored).
fn at_column_zero(text: &str, pos: usize) -> bool {
    let ls = line_start(text, pos);
    pos == ls || (ls == 0 && &text[..pos] == "\u{feff}")
}

// ---------------------------------------------------------------------------------------------
// Rendering the metadata block.

/// Whether a plain scalar `k` reads as a boolean or null in YAML 1.2 or 1.1 (`yes`, `off`,
/// `n`…: the words 1.1 readers, PyYAML among them, take for booleans), in any case; such a
/// key or name is quoted when written.
pub(crate) fn reads_as_other_type(k: &str) -> bool {
    matches!(
        k.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
    )
}

/// Whether a YAML double-quoted scalar must hold `c` as a `\u` escape (other than by a
/// named escape): control characters (C0, DEL, C1), and the line and paragraph
/// separators and non-characters YAML does not allow raw.
pub(super) fn needs_unicode_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

// ---------------------------------------------------------------------------------------------
// Scalar kinds.

/// Resolves a plain scalar with the YAML 1.2 core schema, plus YAML 1.1 timestamps.
fn resolve_plain(s: &str) -> ScalarKind {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => ScalarKind::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => ScalarKind::Bool,
        ".nan" | ".NaN" | ".NAN" => ScalarKind::Number,
        // Every number, bool, null and timestamp starts with one of these; anything else
        // (an encrypted token, most strings) is a string without further checks.
        _ if !s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) => {
            ScalarKind::String
        }
        _ => {
            let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
            if matches!(unsigned, ".inf" | ".Inf" | ".INF") || is_int(s) || is_float(s) {
                ScalarKind::Number
            } else if is_timestamp(s) {
                ScalarKind::DateTime
            } else {
                ScalarKind::String
            }
        }
    }
}

fn all_digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

fn is_int(s: &str) -> bool {
    if let Some(h) = s.strip_prefix("0x") {
        return all_digits(h, 16);
    }
    if let Some(o) = s.strip_prefix("0o") {
        return all_digits(o, 8);
    }
    all_digits(s.strip_prefix(['-', '+']).unwrap_or(s), 10)
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if let Some(e) = exponent
        && !all_digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10)
    {
        return false;
    }
    match mantissa.split_once('.') {
        Some(("", frac)) => all_digits(frac, 10),
        Some((int, frac)) => all_digits(int, 10) && frac.chars().all(|c| c.is_ascii_digit()),
        None => all_digits(mantissa, 10),
    }
}

/// YAML 1.1 timestamps: `2001-12-14`, `2001-12-14t21:59:43.10-05:00`, `2001-12-14 21:59:43.10 Z`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, min: usize, max: usize| {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start >= min
    };
    let ch = |i: &mut usize, c: u8| {
        let ok = *i < b.len() && b[*i] == c;
        if ok {
            *i += 1;
        }
        ok
    };
    if !(digits(&mut i, 4, 4) && ch(&mut i, b'-') && digits(&mut i, 1, 2) && ch(&mut i, b'-')) {
        return false;
    }
    let day_start = i;
    if !digits(&mut i, 1, 2) {
        return false;
    }
    if i == b.len() {
        // A date alone must be written with two-digit month and day.
        return i == 10 && i - day_start == 2;
    }
    // Separator: `T`, `t` or blanks.
    if b[i] == b'T' || b[i] == b't' {
        i += 1;
    } else {
        let start = i;
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if !(digits(&mut i, 1, 2)
        && ch(&mut i, b':')
        && digits(&mut i, 2, 2)
        && ch(&mut i, b':')
        && digits(&mut i, 2, 2))
    {
        return false;
    }
    if ch(&mut i, b'.') {
        digits(&mut i, 0, usize::MAX);
    }
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    if i == b.len() {
        return true;
    }
    if b[i] == b'Z' {
        return i + 1 == b.len();
    }
    if !(ch(&mut i, b'-') || ch(&mut i, b'+')) || !digits(&mut i, 1, 2) {
        return false;
    }
    if ch(&mut i, b':') && !digits(&mut i, 2, 2) {
        return false;
    }
    i == b.len()
}

/// The kind of a scalar: an explicit tag wins; untagged plain scalars are resolved.
fn scalar_kind(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> ScalarKind {
    if let Some(tag) = tag {
        return match tag.suffix_in_namespace("tag:yaml.org,2002:").as_deref() {
            Some("int" | "float") => ScalarKind::Number,
            Some("bool") => ScalarKind::Bool,
            Some("null") => ScalarKind::Null,
            Some("timestamp") => ScalarKind::DateTime,
            _ => ScalarKind::String,
        };
    }
    match style {
        ScalarStyle::Plain => resolve_plain(value),
        _ => ScalarKind::String,
    }
}

/// Converts a metadata scalar: quoted → string; plain `true`/`false` → bool; plain numbers →
/// number; any other plain scalar → string.
fn json_scalar(value: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(value.to_owned());
    }
    match value {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    if (all_digits(value.strip_prefix('-').unwrap_or(value), 10) || is_float(value))
        && let Ok(n) = value.parse::<serde_json::Number>()
    {
        return Value::Number(n);
    }
    Value::String(value.to_owned())
}

// ---------------------------------------------------------------------------------------------

/// The granit-parser walker: handles every YAML document.
mod full;

// ---------------------------------------------------------------------------------------------

/// A line-by-line reader for the common subset of YAML: nested block mappings with simple
/// keys and single-line plain or quoted scalars, comments and blank lines. It returns `None`
/// as soon as a line falls outside that subset, and the caller uses [`full`] instead, so it
/// only ever decides documents whose every line it has checked.
mod fast;

#[cfg(test)]
mod tests;
