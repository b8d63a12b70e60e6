//! JSON (RFC 8259, strict), parsed with `jsonc-parser` for byte spans.
//!
//! `jsonc-parser` is lenient by default (comments, trailing commas, single quotes, hex,
//! `NaN`, ...): every `allow_*` option is turned off here. It also rejects a UTF-8 BOM, so
//! the BOM is skipped and every offset shifted back by its length. Raw control characters
//! inside strings, which it accepts, are rejected here as RFC 8259 requires.
//!
//! The metadata block is the last member `"vaultfile": {...}` of a root object, or, for a
//! root array, a last element `{"vaultfile": {...}}`. It is inserted in the file's own
//! style: on one line for a one-line root, otherwise on its own lines with the indentation
//! of the first member and the file's indent unit.

use jsonc_parser::ast::{ObjectProp, ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions as JsoncOptions, parse_to_ast};

use super::{Document, Format, Insertion, Leaf, MetadataBlock, ParseError, ParseOptions, ScalarKind, Store, line_ending};
use crate::path::KeyPath;

/// The metadata key.
const METADATA_KEY: &str = "vaultfile";

const BOM: &str = "\u{feff}";

/// The JSON format.
pub struct JsonStore;

impl Store for JsonStore {
    fn format(&self) -> Format {
        Format::Json
    }

    fn parse(&self, text: &str, options: ParseOptions) -> Result<Document, ParseError> {
        let (body, base) = strip_bom(text);
        let root = parse_root(text, body, base)?;
        let mut doc = Document::default();
        let meta = find_metadata(&root);
        if let Some(m) = &meta {
            let raw = &body[m.value_range.clone()];
            let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| {
                ParseError::at_offset(text, base + m.value_range.start, format!("invalid vaultfile metadata: {e}"))
            })?;
            doc.metadata = Some(MetadataBlock {
                span: base + m.span.start..base + m.span.end,
                value,
            });
        }
        let mut walker = Walker {
            text,
            body,
            base,
            decode: options.decode_values,
            path: KeyPath::root(),
            leaves: &mut doc.leaves,
        };
        match (&root, meta.is_some()) {
            (Value::Object(obj), true) => {
                let n = obj.properties.len() - 1;
                walker.object_props(&obj.properties[..n])?;
            }
            (Value::Array(arr), true) => {
                let n = arr.elements.len() - 1;
                walker.array_elements(&arr.elements[..n])?;
            }
            _ => walker.value(&root)?,
        }
        Ok(doc)
    }

    fn write_token(&self, out: &mut String, token: &str) {
        out.reserve(token.len() + 2);
        out.push('"');
        out.push_str(token);
        out.push('"');
    }

    fn read_token<'a>(&self, raw: &'a str) -> Option<&'a str> {
        raw.strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .filter(|t| crate::crypto::is_token(t))
    }

    fn metadata_insertion(
        &self,
        text: &str,
        _doc: &Document,
        block: &serde_json::Value,
    ) -> Result<Insertion, ParseError> {
        let (body, base) = strip_bom(text);
        let root = parse_root(text, body, base)?;
        let le = line_ending(text);
        // Each member or element of the root as (start of its first token, end of its value).
        let (open, close, items): (usize, usize, Vec<(usize, usize)>) = match &root {
            Value::Object(obj) => (
                obj.range.start,
                obj.range.end,
                obj.properties.iter().map(|p| (p.range.start, p.value.range().end)).collect(),
            ),
            Value::Array(arr) => (
                arr.range.start,
                arr.range.end,
                arr.elements.iter().map(|e| (e.range().start, e.range().end)).collect(),
            ),
            _ => {
                return Err(ParseError::at_offset(
                    text,
                    base + root.range().start,
                    "a JSON file whose root is a scalar (not an object or array) cannot hold vaultfile \
                     metadata; encrypt it whole with --input-type binary",
                ));
            }
        };
        let is_object = matches!(root, Value::Object(_));
        let one_line = !body[open..close].contains('\n');
        // The separator between a key and its value, as the file writes it.
        let colon = match &root {
            Value::Object(obj) => obj
                .properties
                .first()
                .map(|p| &body[p.name.range().end..p.value.range().start])
                .filter(|s| !s.contains('\n') && s.trim() == ":")
                .unwrap_or(if one_line { ":" } else { ": " }),
            _ => ":",
        };
        // Multi-line roots: the indentation of the first member that starts its own line,
        // and the indent unit (that indentation minus the root's own).
        let layout = if one_line {
            None
        } else {
            let outer = line_indent(body, open);
            match items.iter().find_map(|&(start, _)| own_line_indent(body, start)) {
                Some(indent) => {
                    let unit = indent.strip_prefix(outer).unwrap_or(indent);
                    let unit = if unit.is_empty() { "  " } else { unit };
                    Some((indent.to_owned(), unit.to_owned()))
                }
                None if items.is_empty() => {
                    let unit = if outer.starts_with('\t') { "\t" } else { "  " };
                    Some((format!("{outer}{unit}"), unit.to_owned()))
                }
                None => None,
            }
        };
        let (at, mut out) = match items.last() {
            None => (open + 1, String::new()),
            Some(&(_, end)) if layout.is_some() => (end, ",".to_owned()),
            Some(&(_, end)) => {
                // One-line style: reuse the file's comma spacing (`,` or `, `).
                let comma = items
                    .get(..2)
                    .and_then(|w| body.get(w[0].1..w.get(1)?.0))
                    .filter(|s| !s.contains('\n'))
                    .unwrap_or(",");
                (end, comma.to_owned())
            }
        };
        let entry = format!("\"{METADATA_KEY}\"{colon}");
        match &layout {
            None => {
                let compact = serde_json::to_string(block).expect("JSON values serialise");
                if is_object {
                    out.push_str(&entry);
                    out.push_str(&compact);
                } else {
                    out.push('{');
                    out.push_str(&entry);
                    out.push_str(&compact);
                    out.push('}');
                }
            }
            Some((indent, unit)) => {
                out.push_str(le);
                out.push_str(indent);
                if is_object {
                    out.push_str(&entry);
                    out.push_str(&pretty_json(block, unit, indent, le));
                } else {
                    let wrapped = serde_json::json!({ METADATA_KEY: block });
                    out.push_str(&pretty_json(&wrapped, unit, indent, le));
                }
            }
        }
        Ok(Insertion { at: base + at, text: out })
    }
}

/// Returns the text without its BOM and the BOM's length.
fn strip_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix(BOM) {
        Some(body) => (body, BOM.len()),
        None => (text, 0),
    }
}

/// Parses `body` (the text after its BOM, which is `base` bytes long) as strict JSON.
fn parse_root<'a>(text: &str, body: &'a str, base: usize) -> Result<Value<'a>, ParseError> {
    let strict = JsoncOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let parsed = parse_to_ast(body, &CollectOptions::default(), &strict).map_err(|e| {
        ParseError::at_offset(text, base + e.range().start, format!("invalid JSON: {}", e.kind()))
    })?;
    parsed.value.ok_or_else(|| {
        ParseError::at_offset(text, text.len(), "invalid JSON: the file is empty, expected a value")
    })
}

/// Where the metadata block sits in a parsed root (ranges relative to the body).
struct MetaLocation {
    /// The bytes that were inserted: from the end of the previous member (or just after the
    /// opening bracket) to the end of the block.
    span: std::ops::Range<usize>,
    /// The metadata object itself.
    value_range: std::ops::Range<usize>,
}

fn find_metadata(root: &Value<'_>) -> Option<MetaLocation> {
    match root {
        Value::Object(obj) => {
            let last = obj.properties.last()?;
            let Value::Object(meta) = &last.value else { return None };
            if prop_name(last) != METADATA_KEY {
                return None;
            }
            let n = obj.properties.len();
            let start = match n {
                1 => obj.range.start + 1,
                _ => obj.properties[n - 2].value.range().end,
            };
            Some(MetaLocation {
                span: start..meta.range.end,
                value_range: meta.range.start..meta.range.end,
            })
        }
        Value::Array(arr) => {
            let Some(Value::Object(wrapper)) = arr.elements.last() else { return None };
            let [prop] = wrapper.properties.as_slice() else { return None };
            let Value::Object(meta) = &prop.value else { return None };
            if prop_name(prop) != METADATA_KEY {
                return None;
            }
            let n = arr.elements.len();
            let start = match n {
                1 => arr.range.start + 1,
                _ => arr.elements[n - 2].range().end,
            };
            Some(MetaLocation {
                span: start..wrapper.range.end,
                value_range: meta.range.start..meta.range.end,
            })
        }
        _ => None,
    }
}

fn prop_name<'a>(prop: &'a ObjectProp<'_>) -> &'a str {
    match &prop.name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

/// Walks the tree, collecting leaves in source order.
struct Walker<'t, 'd> {
    text: &'t str,
    body: &'t str,
    base: usize,
    decode: bool,
    path: KeyPath,
    leaves: &'d mut Vec<Leaf>,
}

impl Walker<'_, '_> {
    fn value(&mut self, value: &Value<'_>) -> Result<(), ParseError> {
        let (kind, range, decoded) = match value {
            Value::Object(obj) => return self.object_props(&obj.properties),
            Value::Array(arr) => return self.array_elements(&arr.elements),
            Value::StringLit(s) => {
                self.check_string(s.range.start, s.range.end)?;
                (ScalarKind::String, s.range, self.decode.then(|| s.value.to_string()))
            }
            Value::NumberLit(n) => (ScalarKind::Number, n.range, self.decode.then(|| n.value.to_owned())),
            Value::BooleanLit(b) => (ScalarKind::Bool, b.range, self.decode.then(|| b.value.to_string())),
            Value::NullKeyword(n) => (ScalarKind::Null, n.range, self.decode.then(|| "null".to_owned())),
        };
        self.leaves.push(Leaf {
            path: self.path.clone(),
            span: self.base + range.start..self.base + range.end,
            kind,
            value: decoded,
        });
        Ok(())
    }

    fn object_props(&mut self, props: &[ObjectProp<'_>]) -> Result<(), ParseError> {
        for prop in props {
            let name_range = prop.name.range();
            self.check_string(name_range.start, name_range.end)?;
            let mark = self.path.mark();
            self.path.push_key(prop_name(prop));
            self.value(&prop.value)?;
            self.path.truncate(mark);
        }
        Ok(())
    }

    fn array_elements(&mut self, elements: &[Value<'_>]) -> Result<(), ParseError> {
        for (i, element) in elements.iter().enumerate() {
            let mark = self.path.mark();
            self.path.push_index(i);
            self.value(element)?;
            self.path.truncate(mark);
        }
        Ok(())
    }

    /// Rejects raw control characters in a string literal (RFC 8259 section 7), which
    /// `jsonc-parser` lets through.
    fn check_string(&self, start: usize, end: usize) -> Result<(), ParseError> {
        match self.body.as_bytes()[start..end].iter().position(|&b| b < 0x20) {
            None => Ok(()),
            Some(i) => Err(ParseError::at_offset(
                self.text,
                self.base + start + i,
                "invalid JSON: control character inside a string (write it as an escape such as \\n or \\u0009)",
            )),
        }
    }
}

/// The indentation of the line holding byte `pos`.
fn line_indent(body: &str, pos: usize) -> &str {
    let line_start = body[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &body[line_start..];
    let len = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..len]
}

/// The indentation in front of `pos` when only spaces or tabs precede it on its line.
fn own_line_indent(body: &str, pos: usize) -> Option<&str> {
    let line_start = body[..pos].rfind('\n')? + 1;
    let before = &body[line_start..pos];
    before.bytes().all(|b| b == b' ' || b == b'\t').then_some(before)
}

/// Pretty-prints `value` with `unit` per level, continuation lines prefixed with `indent`.
fn pretty_json(value: &serde_json::Value, unit: &str, indent: &str, le: &str) -> String {
    use serde::Serialize;
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(unit.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value.serialize(&mut ser).expect("JSON values serialise");
    let s = String::from_utf8(buf).expect("serde_json writes UTF-8");
    let mut sep = String::with_capacity(le.len() + indent.len());
    sep.push_str(le);
    sep.push_str(indent);
    s.replace('\n', &sep)
}
