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

pub(crate) mod patch;

use jsonc_parser::ast::{ObjectProp, ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions as JsoncOptions, ParseResult, parse_to_ast};

use super::{
    Document, Format, Insertion, Leaves, METADATA_KEY, MetadataBlock, ParseError, ParseOptions,
    ScalarKind, Store, line_ending,
};
use crate::path::KeyPath;

const BOM: &str = "\u{feff}";

/// The JSON format.
pub struct JsonStore;

impl Store for JsonStore {
    fn format(&self) -> Format {
        Format::Json
    }

    fn parse(&self, text: &str, options: ParseOptions) -> Result<Document, ParseError> {
        let (body, base) = strip_bom(text);
        let root = parse_root(body)?;
        let mut doc = Document::default();
        let meta = find_metadata(&root);
        if let Some(m) = &meta {
            let raw = &body[m.value_range.clone()];
            let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| {
                ParseError::at_offset(
                    body,
                    m.value_range.start,
                    format!("invalid vaultfile metadata: {e}"),
                )
            })?;
            doc.metadata = Some(MetadataBlock {
                span: base + m.span.start..base + m.span.end,
                value,
            });
        }
        let mut walker = Walker {
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

    fn metadata_insertion(
        &self,
        text: &str,
        _doc: &Document,
        block: &serde_json::Value,
    ) -> Result<Insertion, ParseError> {
        // `text` was parsed already (as `_doc`), so a scan of its outline is enough: the
        // root's brackets, its first member (for the layout) and the end of its last one.
        let (body, base) = strip_bom(text);
        let le = line_ending(text);
        let open = body.len() - body.trim_start().len();
        let is_object = match body.as_bytes().get(open) {
            Some(b'{') => true,
            Some(b'[') => false,
            _ => {
                return Err(ParseError::at_offset(
                    body,
                    open,
                    "a JSON file whose root is a scalar (not an object or array) cannot hold vaultfile \
                     metadata; encrypt it whole with --input-type binary",
                ));
            }
        };
        let close = body.trim_end().len() - 1;
        let closer = if is_object { b'}' } else { b']' };
        if close <= open || body.as_bytes()[close] != closer {
            // Not the text `parse` accepted; report what the parser says.
            parse_root(body)?;
            return Err(ParseError::at_offset(
                body,
                close,
                "invalid JSON: unterminated root",
            ));
        }
        let inner = &body[open + 1..close];
        // End of the last member's value, start of the first member.
        let last_end = open + 1 + inner.trim_end().len();
        let first_start = close - inner.trim_start().len();
        let empty = last_end == open + 1;
        let one_line = !body[open..close].contains('\n');
        // The separator between a key and its value, as the first member writes it.
        let colon = (is_object && !empty)
            .then(|| {
                let key_end = string_end(body, first_start);
                let rest = &body[key_end..];
                let colon_at = rest.find(':')?;
                let after = rest[colon_at + 1..].len() - rest[colon_at + 1..].trim_start().len();
                Some(&rest[..colon_at + 1 + after])
            })
            .flatten()
            .filter(|s| !s.contains('\n'))
            .unwrap_or(if one_line { ":" } else { ": " });
        // Multi-line roots: the indentation of the first member and the indent unit (that
        // indentation minus the root's own).
        let layout = if one_line {
            None
        } else {
            let outer = line_indent(body, open);
            match own_line_indent(body, first_start) {
                _ if empty => {
                    let unit = if outer.starts_with('\t') { "\t" } else { "  " };
                    Some((format!("{outer}{unit}"), unit.to_owned()))
                }
                Some(indent) => {
                    let unit = indent.strip_prefix(outer).unwrap_or(indent);
                    let unit = if unit.is_empty() { "  " } else { unit };
                    Some((indent.to_owned(), unit.to_owned()))
                }
                None => None,
            }
        };
        let (at, mut out) = match (empty, &layout) {
            (true, _) => (open + 1, String::new()),
            (false, Some(_)) => (last_end, ",".to_owned()),
            // One-line style: a space after the comma when there is one after the colon.
            (false, None) => (
                last_end,
                if colon.ends_with(' ') { ", " } else { "," }.to_owned(),
            ),
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
        Ok(Insertion {
            at: base + at,
            text: out,
        })
    }
}

/// Returns the text without its BOM and the BOM's length.
fn strip_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix(BOM) {
        Some(body) => (body, BOM.len()),
        None => (text, 0),
    }
}

/// Parses `body` as strict JSON: every extension `jsonc-parser` allows by default is off.
///
/// The store and the edits (`patch.rs`) both parse through here, so an edit never accepts
/// a file the store would refuse.
pub(super) fn parse_strict(
    body: &str,
) -> Result<ParseResult<'_>, jsonc_parser::errors::ParseError> {
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
    parse_to_ast(body, &CollectOptions::default(), &strict)
}

/// Parses `body` (the text after its BOM) as strict JSON. Error positions are counted in
/// `body`, so a BOM does not shift the column (editors do not show it).
fn parse_root(body: &str) -> Result<Value<'_>, ParseError> {
    let parsed = parse_strict(body).map_err(|e| {
        ParseError::at_offset(body, e.range().start, format!("invalid JSON: {}", e.kind()))
    })?;
    parsed.value.ok_or_else(|| {
        ParseError::at_offset(
            body,
            body.len(),
            "invalid JSON: the file is empty, expected a value",
        )
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
    // The block is the root object's last member, or the last element of a root array as
    // `{"vaultfile": {…}}`: `prop` is that member, `end` where the inserted bytes end.
    let (open, before, prop, end) = match root {
        Value::Object(obj) => {
            let last = obj.properties.last()?;
            let n = obj.properties.len();
            let before = (n > 1).then(|| obj.properties[n - 2].value.range().end);
            (obj.range.start, before, last, last.value.range().end)
        }
        Value::Array(arr) => {
            let Some(Value::Object(wrapper)) = arr.elements.last() else {
                return None;
            };
            let [prop] = wrapper.properties.as_slice() else {
                return None;
            };
            let n = arr.elements.len();
            let before = (n > 1).then(|| arr.elements[n - 2].range().end);
            (arr.range.start, before, prop, wrapper.range.end)
        }
        _ => return None,
    };
    let Value::Object(meta) = &prop.value else {
        return None;
    };
    if prop_name(prop) != METADATA_KEY {
        return None;
    }
    Some(MetaLocation {
        span: before.unwrap_or(open + 1)..end,
        value_range: meta.range.start..meta.range.end,
    })
}

fn prop_name<'a>(prop: &'a ObjectProp<'_>) -> &'a str {
    match &prop.name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

/// Walks the tree, collecting leaves in source order.
struct Walker<'t, 'd> {
    body: &'t str,
    base: usize,
    decode: bool,
    path: KeyPath,
    leaves: &'d mut Leaves,
}

impl Walker<'_, '_> {
    fn value(&mut self, value: &Value<'_>) -> Result<(), ParseError> {
        // The decoded value is a closure: it is only built when asked for.
        let (kind, range, decoded): (_, _, &dyn Fn() -> String) = match value {
            Value::Object(obj) => return self.object_props(&obj.properties),
            Value::Array(arr) => return self.array_elements(&arr.elements),
            Value::StringLit(s) => {
                self.check_string(s.range.start, s.range.end)?;
                (ScalarKind::String, s.range, &|| s.value.to_string())
            }
            Value::NumberLit(n) => (ScalarKind::Number, n.range, &|| n.value.to_owned()),
            Value::BooleanLit(b) => (ScalarKind::Bool, b.range, &|| b.value.to_string()),
            Value::NullKeyword(n) => (ScalarKind::Null, n.range, &|| "null".to_owned()),
        };
        self.leaves.push(
            &self.path,
            self.base + range.start..self.base + range.end,
            kind,
            self.decode.then(decoded),
        );
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
        match self.body.as_bytes()[start..end]
            .iter()
            .position(|&b| b < 0x20)
        {
            None => Ok(()),
            Some(i) => Err(ParseError::at_offset(
                self.body,
                start + i,
                "invalid JSON: control character inside a string (write it as an escape such as \\n or \\u0009)",
            )),
        }
    }
}

/// The end of the string literal that starts at `start` (just after its closing quote).
fn string_end(body: &str, start: usize) -> usize {
    let bytes = body.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
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
    before
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
        .then_some(before)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testkit::{parse_error, round_trip, round_trip_each, sample_metadata};
    use crate::path::Segment;
    use proptest::prelude::*;

    fn parse(text: &str) -> Document {
        JsonStore
            .parse(
                text,
                ParseOptions {
                    decode_values: true,
                },
            )
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn path(s: &str) -> KeyPath {
        KeyPath::parse(s).unwrap()
    }

    #[test]
    fn leaves_paths_spans_and_kinds() {
        let text =
            r#"{"a": "x\ty", "b": [1, -2.5e+3, true, null], "c": {"d\u0065": false}, "a": 0}"#;
        let doc = parse(text);
        let got: Vec<_> = doc
            .leaves
            .iter()
            .map(|l| {
                (
                    l.path.to_string(),
                    &text[l.span.clone()],
                    l.kind,
                    l.value.unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "a".to_string(),
                    r#""x\ty""#,
                    ScalarKind::String,
                    "x\ty".to_string()
                ),
                ("b[0]".to_string(), "1", ScalarKind::Number, "1".to_string()),
                (
                    "b[1]".to_string(),
                    "-2.5e+3",
                    ScalarKind::Number,
                    "-2.5e+3".to_string()
                ),
                (
                    "b[2]".to_string(),
                    "true",
                    ScalarKind::Bool,
                    "true".to_string()
                ),
                (
                    "b[3]".to_string(),
                    "null",
                    ScalarKind::Null,
                    "null".to_string()
                ),
                (
                    "c.de".to_string(),
                    "false",
                    ScalarKind::Bool,
                    "false".to_string()
                ),
                ("a".to_string(), "0", ScalarKind::Number, "0".to_string()),
            ]
        );
        assert!(doc.metadata.is_none());
    }

    #[test]
    fn values_not_decoded_by_default() {
        let doc = JsonStore
            .parse(r#"{"a": "b"}"#, ParseOptions::default())
            .unwrap();
        assert_eq!(doc.leaves.get(0).value, None);
    }

    #[test]
    fn bom_offsets() {
        let text = "\u{feff}{\"k\": \"v\"}";
        let doc = parse(text);
        assert_eq!(&text[doc.leaves.get(0).span.clone()], "\"v\"");
        assert_eq!(doc.leaves.get(0).path, path("k"));
        round_trip(&JsonStore, text);
        round_trip(&JsonStore, "\u{feff}[1]\r\n");
    }

    #[test]
    fn huge_numbers_and_escapes_kept() {
        let text = "{\"n\": 123456789012345678901234567890, \"f\": -0.0E-0, \"s\": \"\\ud83d\\ude00 \\\" \\\\ \\/\"}";
        let doc = parse(text);
        assert_eq!(
            doc.leaves.get(0).value,
            Some("123456789012345678901234567890")
        );
        assert_eq!(doc.leaves.get(2).value, Some("\u{1f600} \" \\ /"));
        round_trip(&JsonStore, text);
    }

    #[test]
    fn keys_with_special_characters() {
        let doc = parse(r#"{"a.b": {"[0]": 1, "": 2, "é\n": 3}}"#);
        let p = |segs: &[Segment<'_>]| KeyPath::from_segments(segs.iter().copied());
        assert_eq!(
            doc.leaves.get(0).path,
            p(&[Segment::Key("a.b"), Segment::Key("[0]")])
        );
        assert_eq!(
            doc.leaves.get(1).path,
            p(&[Segment::Key("a.b"), Segment::Key("")])
        );
        assert_eq!(
            doc.leaves.get(2).path,
            p(&[Segment::Key("a.b"), Segment::Key("é\n")])
        );
    }

    #[test]
    fn tokens() {
        let tok = crate::format::testkit::fake_token("x");
        let mut out = String::new();
        JsonStore.write_token(&mut out, &tok);
        assert_eq!(out, format!("\"{tok}\""));
        assert_eq!(JsonStore.read_token(&out), Some(tok.as_str()));
        assert_eq!(JsonStore.read_token(&tok), None);
        assert_eq!(JsonStore.read_token("\"VF1.abc\""), None);
        assert_eq!(JsonStore.read_token("\"hello\""), None);
        assert_eq!(JsonStore.read_token("null"), None);
        assert_eq!(JsonStore.read_token("\""), None);
    }

    #[test]
    fn round_trips() {
        let docs = [
            "{}",
            "{}\n",
            "{ }",
            "{\n}\n",
            "{\r\n}\r\n",
            "[]",
            "[\n]",
            "[1]",
            "[\n  1,\n  \"two\"\n]\n",
            "[[], {}, [[null]], {\"a\": []}]",
            "{\"a\":1}",
            "{\"a\": 1, \"b\": 2}",
            "{\"a\" : 1 , \"b\" : 2}",
            "{\n  \"a\": 1\n}",
            "{\n  \"a\": 1\n}\n",
            "{\n    \"a\": {\n        \"b\": [1, 2]\n    }\n}\n",
            "{\n\t\"a\": \"b\",\n\t\"c\": [\n\t\t1\n\t]\n}",
            "{\r\n  \"a\": \"b\",\r\n  \"c\": null\r\n}\r\n",
            "  {\n    \"indented\": true\n  }  \n\n",
            "{\"a\": {\n  \"b\": 1}}",
            "{\"a\": 1,\n\"b\": 2}",
            "{\"vaultfile\": \"not metadata\", \"x\": 1}",
            "{\"x\": {\"vaultfile\": {}}}",
            "{\"vaultfile\": 1}",
            "[{\"vaultfile\": 1}]",
            "[{\"vaultfile\": {}, \"other\": 1}]",
            "{\"dup\": 1, \"dup\": \"2\"}",
            "{\"unicode\": \"日本語 ✓ \\u00e9\", \"emoji\": \"😀\", \"ключ\": \"значение\"}",
            "{\"e\": [0, -0, 1e5, 1E+5, 1.5e-5, -12.0, 0.0001, 123456789012345678901234567890]}",
            "{\"s\": \"\\\"quoted\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u0000\"}",
            "{\"empty\": \"\", \"space\": \" \"}",
            "{\"a\": true, \"b\": false, \"c\": null}",
            "[null, null]",
            "{\"only_null\": null}",
        ];
        round_trip_each(&JsonStore, &docs);
    }

    #[test]
    fn pretty_insertion_follows_indent() {
        let store = JsonStore;
        let value = serde_json::json!({"version": 1, "r": [{"k": "v"}]});
        let insert = |text: &str| {
            let doc = store.parse(text, ParseOptions::default()).unwrap();
            let ins = store.metadata_insertion(text, &doc, &value).unwrap();
            apply_edits_only(text, &ins)
        };
        assert_eq!(
            insert("{\n  \"a\": 1\n}\n"),
            "{\n  \"a\": 1,\n  \"vaultfile\": {\n    \"version\": 1,\n    \"r\": [\n      {\n        \"k\": \"v\"\n      }\n    ]\n  }\n}\n"
        );
        assert_eq!(
            insert("{\r\n\t\"a\": 1\r\n}"),
            "{\r\n\t\"a\": 1,\r\n\t\"vaultfile\": {\r\n\t\t\"version\": 1,\r\n\t\t\"r\": [\r\n\t\t\t{\r\n\t\t\t\t\"k\": \"v\"\r\n\t\t\t}\r\n\t\t]\r\n\t}\r\n}"
        );
        assert_eq!(
            insert("{\"a\":1}"),
            "{\"a\":1,\"vaultfile\":{\"version\":1,\"r\":[{\"k\":\"v\"}]}}"
        );
        assert_eq!(
            insert("{\"a\": 1, \"b\": 2}"),
            "{\"a\": 1, \"b\": 2, \"vaultfile\": {\"version\":1,\"r\":[{\"k\":\"v\"}]}}"
        );
        assert_eq!(
            insert("{}"),
            "{\"vaultfile\":{\"version\":1,\"r\":[{\"k\":\"v\"}]}}"
        );
        assert_eq!(
            insert("[]"),
            "[{\"vaultfile\":{\"version\":1,\"r\":[{\"k\":\"v\"}]}}]"
        );
        assert_eq!(
            insert("[\n    1\n]"),
            "[\n    1,\n    {\n        \"vaultfile\": {\n            \"version\": 1,\n            \"r\": [\n                {\n                    \"k\": \"v\"\n                }\n            ]\n        }\n    }\n]"
        );
    }

    fn apply_edits_only(text: &str, ins: &Insertion) -> String {
        crate::format::apply_edits(text, std::iter::empty(), Some(ins), 0)
    }

    #[test]
    fn metadata_recognised_and_removed() {
        let enc = round_trip(&JsonStore, "{\n  \"a\": \"b\"\n}\n");
        let doc = parse(&enc);
        assert_eq!(doc.metadata.unwrap().value, sample_metadata());
        assert_eq!(doc.leaves.len(), 1);
        let enc = round_trip(&JsonStore, "[\"x\"]");
        assert!(enc.ends_with("}}]"));
    }

    #[test]
    fn scalar_root_cannot_hold_metadata() {
        for text in ["\"just a string\"", "42", "null\n"] {
            let doc = parse(text);
            assert_eq!(doc.leaves.len(), 1);
            let err = JsonStore
                .metadata_insertion(text, &doc, &sample_metadata())
                .unwrap_err();
            assert!(err.message.contains("--input-type binary"), "{err}");
        }
        // Text that `parse` would reject gives an error, not a panic.
        for text in ["{", "[", "{\"a\": 1", "{]", "[}"] {
            let doc = Document::default();
            assert!(
                JsonStore
                    .metadata_insertion(text, &doc, &sample_metadata())
                    .is_err()
            );
        }
    }

    #[test]
    fn syntax_errors_have_positions() {
        let cases = [
            ("{\n  \"a\": 1,\n}\n", 2, "Trailing comma"),
            ("{\n  // c\n  \"a\": 1\n}", 2, "Comments"),
            ("{\n  'a': 1\n}", 2, "Single-quoted"),
            ("{\n  a: 1\n}", 2, ""),
            ("[0x10]", 1, "Hexadecimal"),
            ("[\n+1]", 2, "Unary plus"),
            ("[.5]", 1, ""),
            ("\u{feff}[0x10]", 1, "Hexadecimal"),
            ("[\n\nNaN]", 3, ""),
            ("[01]", 1, ""),
            ("{\"a\": 1 \"b\": 2}", 1, ""),
            ("{\"a\": \"x\ny\"}", 1, "control character"),
            ("{\"a\": \"\\x41\"}", 1, ""),
            ("{\"a\": 1}\n{}", 2, ""),
            ("", 1, "empty"),
            ("  \n ", 2, "empty"),
            ("\u{feff}{\n,}", 2, ""),
            ("{\"a\": [1, 2}", 1, ""),
            ("{\"a\": \"unterminated}", 1, ""),
        ];
        for (text, line, msg) in cases {
            let err = parse_error(&JsonStore, text, line);
            assert!(err.message.contains(msg), "{text:?}: {err}");
        }
        let err = JsonStore
            .parse("{\n  \"a\": 1,\n}\n", ParseOptions::default())
            .unwrap_err();
        assert_eq!((err.line, err.column), (2, 9));
    }

    #[test]
    fn realistic_files() {
        let package_json = r#"{
  "name": "@acme/web",
  "version": "1.4.0",
  "private": true,
  "scripts": {
    "build": "vite build",
    "test": "vitest run --coverage"
  },
  "dependencies": {
    "react": "^18.3.1",
    "react-dom": "^18.3.1"
  },
  "devDependencies": {
    "typescript": "~5.6.2"
  },
  "engines": { "node": ">=20" },
  "workspaces": ["packages/*", "apps/*"]
}
"#;
        let doc = parse(package_json);
        assert_eq!(doc.leaves.len(), 11);
        let ws = doc.leaves.last().unwrap();
        assert_eq!(ws.path, path("workspaces[1]"));
        assert_eq!(&package_json[ws.span.clone()], "\"apps/*\"");
        round_trip(&JsonStore, package_json);

        let appsettings = "\u{feff}{\r\n  \"Logging\": {\r\n    \"LogLevel\": {\r\n      \"Default\": \"Information\",\r\n      \"Microsoft.AspNetCore\": \"Warning\"\r\n    }\r\n  },\r\n  \"AllowedHosts\": \"*\",\r\n  \"ConnectionStrings\": {\r\n    \"Default\": \"Server=db;Database=app;User Id=sa;Password=P@ss\\\"w0rd;\"\r\n  },\r\n  \"Jwt\": { \"Secret\": \"c2VjcmV0\", \"ExpiryMinutes\": 60, \"Refresh\": null }\r\n}";
        let doc = parse(appsettings);
        assert_eq!(
            doc.leaves.get(1).path,
            path(r#"Logging.LogLevel["Microsoft.AspNetCore"]"#)
        );
        let enc = round_trip(&JsonStore, appsettings);
        assert!(
            enc.contains("\r\n  \"vaultfile\": {\r\n    \"version\": 1,"),
            "{enc}"
        );
        assert!(enc.ends_with("\r\n  }\r\n}"));
    }

    #[derive(Clone, Debug)]
    enum J {
        Scalar(String),
        Arr(Vec<J>),
        Obj(Vec<(String, J)>),
    }

    fn json_string() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-zA-Z0-9 _.:/-]{0,6}",
            Just("\\\"".to_string()),
            Just("\\\\".to_string()),
            Just("\\n".to_string()),
            Just("\\u00e9".to_string()),
            Just("\\ud83d\\ude00".to_string()),
            Just("日本".to_string()),
            Just("😀".to_string()),
            Just("VF1.".to_string()),
        ];
        proptest::collection::vec(piece, 0..4).prop_map(|p| format!("\"{}\"", p.concat()))
    }

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            json_string(),
            "-?(0|[1-9][0-9]{0,25})(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,3})?",
            Just("true".to_string()),
            Just("false".to_string()),
            Just("null".to_string()),
        ]
    }

    fn tree() -> impl Strategy<Value = J> {
        scalar()
            .prop_map(J::Scalar)
            .prop_recursive(4, 40, 5, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..5).prop_map(J::Arr),
                    proptest::collection::vec((json_string(), inner), 0..5).prop_map(J::Obj),
                ]
            })
    }

    fn render(j: &J, style: (bool, &str, &str), depth: usize, out: &mut String) {
        let (pretty, unit, le) = style;
        let nl = |out: &mut String, d: usize| {
            if pretty {
                out.push_str(le);
                for _ in 0..d {
                    out.push_str(unit);
                }
            }
        };
        match j {
            J::Scalar(s) => out.push_str(s),
            J::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    render(v, style, depth + 1, out);
                }
                if !items.is_empty() {
                    nl(out, depth);
                }
                out.push(']');
            }
            J::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, depth + 1);
                    out.push_str(k);
                    out.push_str(if pretty { ": " } else { ":" });
                    render(v, style, depth + 1, out);
                }
                if !members.is_empty() {
                    nl(out, depth);
                }
                out.push('}');
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn random_documents_round_trip(
            root in tree(),
            object_root in any::<bool>(),
            pretty in any::<bool>(),
            unit in prop_oneof![Just("  "), Just("    "), Just("\t")],
            le in prop_oneof![Just("\n"), Just("\r\n")],
            bom in any::<bool>(),
            final_newline in any::<bool>(),
        ) {
            let root = match (root, object_root) {
                (J::Scalar(s), true) => J::Obj(vec![("\"k\"".into(), J::Scalar(s))]),
                (J::Scalar(s), false) => J::Arr(vec![J::Scalar(s)]),
                (r, _) => r,
            };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            render(&root, (pretty, unit, le), 0, &mut text);
            if final_newline {
                text.push_str(le);
            }
            let doc = JsonStore.parse(&text, ParseOptions { decode_values: true }).unwrap();
            for l in doc.leaves.iter() {
                let raw = &text[l.span.clone()];
                if l.kind == ScalarKind::String {
                    let v: String = serde_json::from_str(raw).unwrap();
                    prop_assert_eq!(l.value, Some(v.as_str()));
                } else {
                    prop_assert_eq!(l.value, Some(raw));
                }
            }
            round_trip(&JsonStore, &text);
        }
    }
}
