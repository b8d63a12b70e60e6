//! TOML 1.0, parsed with `toml_edit`'s immutable [`toml_edit::Document`] for byte spans.
//!
//! Spans exist only on the parsed `Document` (not on `DocumentMut`), and the tree is
//! grouped by table, not by position (`[a]`, `[b]`, `[a.c]` puts `a.c` under `a`), so the
//! leaves are collected from the tree and then sorted by offset. `toml_edit` skips a BOM
//! itself and reports offsets into the full text.
//!
//! The metadata block is a `[vaultfile]` table (with `[vaultfile.x]` subtables and
//! `[[vaultfile.recipients]]` arrays of tables) at the very end of the file, after one blank
//! line. It is rendered here rather than by the `toml` serialiser so that every string is a
//! single-line basic string: a multi-line string would change value under CRLF line endings.

pub(crate) mod patch;

use std::ops::Range;

use toml_edit::{Item, Table, Value};

use super::{
    Document, DoubleQuoted, Format, Insertion, Leaves, METADATA_KEY, MetadataBlock, ParseError,
    ParseOptions, ScalarKind, Store, line_ending,
};
use crate::path::{KeyPath, Segment};

/// The TOML format.
pub struct TomlStore;

impl Store for TomlStore {
    fn format(&self) -> Format {
        Format::Toml
    }

    fn parse(&self, text: &str, options: ParseOptions) -> Result<Document, ParseError> {
        let parsed = parse_document(text)?;
        let root = parsed.as_table();
        let mut walker = Walker {
            text,
            decode: options.decode_values,
            path: KeyPath::root(),
            leaves: Leaves::new(),
            max_end: 0,
            min_start: usize::MAX,
        };
        // The metadata candidate: a `[vaultfile]` table of the root (not dotted keys, not
        // only implied by `[vaultfile.x]` headers), when nothing else comes after it.
        let candidate = match root.get(METADATA_KEY) {
            Some(Item::Table(t)) if !t.is_dotted() && !t.is_implicit() => Some(t),
            _ => None,
        };
        for (key, item) in root.iter() {
            if candidate.is_some() && key == METADATA_KEY {
                continue;
            }
            walker.keyed(key, item);
        }
        let mut metadata = None;
        if let Some(table) = candidate {
            let mut probe = Walker {
                text,
                decode: false,
                path: KeyPath::root(),
                leaves: Leaves::new(),
                max_end: 0,
                min_start: usize::MAX,
            };
            probe.table(table);
            if probe.min_start >= walker.max_end && probe.min_start != usize::MAX {
                metadata = Some(MetadataBlock {
                    span: block_span(text, probe.min_start),
                    value: table_to_json(table),
                });
            } else {
                walker.keyed(METADATA_KEY, &Item::Table(table.clone()));
            }
        }
        let mut leaves = walker.leaves;
        // Stable, and linear on the (usual) already sorted input.
        leaves.sort_by_span();
        Ok(Document {
            leaves,
            metadata,
            placement_hint: None,
        })
    }

    fn metadata_insertion(
        &self,
        text: &str,
        _doc: &Document,
        block: &serde_json::Value,
    ) -> Result<Insertion, ParseError> {
        // A `vaultfile` key of the root that is ordinary data would clash with the table.
        if text.contains(METADATA_KEY) {
            let parsed = parse_document(text)?;
            if let Some(key) = parsed.as_table().key(METADATA_KEY) {
                let at = key.span().map_or(0, |s| s.start);
                return Err(ParseError::at_offset(
                    text,
                    at,
                    "this TOML file already has a top-level `vaultfile` key, which vaultfile \
                     reserves for its metadata; rename the key, or encrypt the file whole with \
                     --input-type binary",
                ));
            }
        }
        let serde_json::Value::Object(map) = block else {
            return Err(ParseError::at_offset(
                text,
                0,
                "vaultfile metadata must be an object",
            ));
        };
        let le = line_ending(text);
        let mut rendered = String::new();
        render_table(&mut rendered, &[METADATA_KEY.to_owned()], map, le);
        let mut out = String::with_capacity(rendered.len() + 2 * le.len());
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        if !body.is_empty() {
            if !text.ends_with('\n') {
                out.push_str(le);
            }
            out.push_str(le);
        }
        out.push_str(&rendered);
        if !body.is_empty() && !text.ends_with('\n') {
            out.truncate(out.len() - le.len());
        }
        Ok(Insertion {
            at: text.len(),
            text: out,
        })
    }
}

fn parse_document(text: &str) -> Result<toml_edit::Document<&str>, ParseError> {
    toml_edit::Document::parse(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let message = format!("invalid TOML: {}", e.message().trim_end());
        // Columns as an editor shows them: not counting a BOM.
        match text.strip_prefix('\u{feff}') {
            Some(body) => ParseError::at_offset(body, at.saturating_sub(3), message),
            None => ParseError::at_offset(text, at, message),
        }
    })
}

/// The bytes to remove for a block whose first header starts at `start`: the block and
/// the line break(s) inserted in front of it (one when the text ends with a line break, as
/// the text before the insertion did; two when it does not, see `metadata_insertion`).
fn block_span(text: &str, start: usize) -> Range<usize> {
    let before = text[..start].trim_start_matches('\u{feff}');
    let breaks = match () {
        _ if before.is_empty() => 0,
        _ if text.ends_with('\n') => 1,
        _ => 2,
    };
    let mut from = start;
    for _ in 0..breaks {
        if text[..from].ends_with("\r\n") {
            from -= 2;
        } else if text[..from].ends_with('\n') {
            from -= 1;
        }
    }
    from..text.len()
}

/// Walks the tree, collecting leaves and the extent of everything it visits.
struct Walker<'t> {
    text: &'t str,
    decode: bool,
    path: KeyPath,
    leaves: Leaves,
    /// The end of the last byte range seen (values, containers, table headers).
    max_end: usize,
    /// The start of the first.
    min_start: usize,
}

impl Walker<'_> {
    fn note(&mut self, span: &Range<usize>) {
        self.max_end = self.max_end.max(span.end);
        self.min_start = self.min_start.min(span.start);
    }

    /// Runs `walk` with `seg` added to the path.
    fn under(&mut self, seg: Segment<'_>, walk: impl FnOnce(&mut Self)) {
        let mark = self.path.mark();
        self.path.push(seg);
        walk(self);
        self.path.truncate(mark);
    }

    fn keyed(&mut self, key: &str, item: &Item) {
        self.under(Segment::Key(key), |w| w.item(item));
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::None => {}
            Item::Value(v) => self.value(v),
            Item::Table(t) => self.table(t),
            Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    self.under(Segment::Index(i), |w| w.table(t));
                }
            }
        }
    }

    fn table(&mut self, table: &Table) {
        // Header span of a `[table]`; implicit and dotted tables have none (or an empty one).
        if let Some(span) = table.span().filter(|s| !s.is_empty()) {
            self.note(&span);
        }
        for (key, item) in table.iter() {
            self.keyed(key, item);
        }
    }

    fn value(&mut self, value: &Value) {
        let span = value.span().expect("a parsed value has a span");
        self.note(&span);
        let kind = match value {
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    self.under(Segment::Index(i), |w| w.value(v));
                }
                return;
            }
            Value::InlineTable(t) => {
                for (key, v) in t.iter() {
                    self.under(Segment::Key(key), |w| w.value(v));
                }
                return;
            }
            Value::String(_) => ScalarKind::String,
            Value::Integer(_) | Value::Float(_) => ScalarKind::Number,
            Value::Boolean(_) => ScalarKind::Bool,
            Value::Datetime(_) => ScalarKind::DateTime,
        };
        let decoded = self.decode.then(|| match value {
            Value::String(s) => s.value().clone(),
            _ => self.text[span.clone()].to_owned(),
        });
        self.leaves.push(&self.path, span, kind, decoded);
    }
}

/// Converts the metadata table to JSON.
fn table_to_json(table: &Table) -> serde_json::Value {
    serde_json::Value::Object(
        table
            .iter()
            .map(|(k, item)| (k.to_owned(), item_to_json(item)))
            .collect(),
    )
}

fn item_to_json(item: &Item) -> serde_json::Value {
    match item {
        Item::None => serde_json::Value::Null,
        Item::Value(v) => value_to_json(v),
        Item::Table(t) => table_to_json(t),
        Item::ArrayOfTables(a) => a.iter().map(table_to_json).collect(),
    }
}

fn value_to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::String(s) => J::String(s.value().clone()),
        Value::Integer(i) => J::from(*i.value()),
        Value::Float(f) => serde_json::Number::from_f64(*f.value()).map_or(J::Null, J::Number),
        Value::Boolean(b) => J::Bool(*b.value()),
        Value::Datetime(d) => J::String(d.value().to_string()),
        Value::Array(a) => a.iter().map(value_to_json).collect(),
        Value::InlineTable(t) => J::Object(
            t.iter()
                .map(|(k, v)| (k.to_owned(), value_to_json(v)))
                .collect(),
        ),
    }
}

/// Renders `map` as the table `path`: its plain entries, then its subtables and arrays of
/// tables, each after a blank line.
fn render_table(
    out: &mut String,
    path: &[String],
    map: &serde_json::Map<String, serde_json::Value>,
    le: &str,
) {
    let header = |out: &mut String, path: &[String], array: bool| {
        out.push_str(if array { "[[" } else { "[" });
        for (i, k) in path.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            push_key(out, k);
        }
        out.push_str(if array { "]]" } else { "]" });
        out.push_str(le);
    };
    let is_table_array = |v: &serde_json::Value| {
        v.as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(serde_json::Value::is_object))
    };
    header(out, path, false);
    for (k, v) in map {
        if v.is_null() || v.is_object() || is_table_array(v) {
            continue;
        }
        push_key(out, k);
        out.push_str(" = ");
        push_inline(out, v);
        out.push_str(le);
    }
    for (k, v) in map {
        let mut sub = path.to_vec();
        sub.push(k.clone());
        match v {
            serde_json::Value::Object(m) => {
                out.push_str(le);
                render_table(out, &sub, m, le);
            }
            serde_json::Value::Array(items) if is_table_array(v) => {
                for item in items {
                    out.push_str(le);
                    header(out, &sub, true);
                    let m = item.as_object().expect("checked above");
                    // The entries of this element, then its own subtables, under its path.
                    let mut body = String::new();
                    render_table(&mut body, &sub, m, le);
                    // Drop the `[path]` header render_table wrote: `[[path]]` replaces it.
                    let first_line = body.find(le).map_or(body.len(), |i| i + le.len());
                    out.push_str(&body[first_line..]);
                }
            }
            _ => {}
        }
    }
}

fn push_key(out: &mut String, key: &str) {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        out.push_str(key);
    } else {
        push_basic_string(out, key);
    }
}

fn push_inline(out: &mut String, value: &serde_json::Value) {
    use serde_json::Value as J;
    match value {
        // TOML has no null; the metadata never holds one. An empty array keeps the shape.
        J::Null => out.push_str("[]"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => {
            let s = n.to_string();
            out.push_str(&s);
            if n.is_f64() && !s.contains(['.', 'e', 'E']) {
                out.push_str(".0");
            }
        }
        J::String(s) => push_basic_string(out, s),
        J::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_inline(out, v);
            }
            out.push(']');
        }
        J::Object(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                out.push_str(if i > 0 { ", " } else { " " });
                push_key(out, k);
                out.push_str(" = ");
                push_inline(out, v);
            }
            out.push_str(if m.is_empty() { "}" } else { " }" });
        }
    }
}

/// The metadata block's strings: TOML basic strings, other control characters as `\uXXXX`.
const BLOCK_STRING: DoubleQuoted = DoubleQuoted {
    named: &[('\n', "\\n"), ('\r', "\\r"), ('\t', "\\t")],
    unicode: char::is_control,
    upper_hex: true,
};

fn push_basic_string(out: &mut String, s: &str) {
    BLOCK_STRING.push(out, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::testkit::{parse_error, round_trip, round_trip_each, sample_metadata};
    use crate::format::{Insertion, apply_edits};
    use proptest::prelude::*;

    fn parse(text: &str) -> Document {
        TomlStore
            .parse(
                text,
                ParseOptions {
                    decode_values: true,
                },
            )
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn summary(text: &str) -> Vec<(String, String, ScalarKind, String)> {
        parse(text)
            .leaves
            .iter()
            .map(|l| {
                (
                    l.path.to_string(),
                    text[l.span.clone()].to_string(),
                    l.kind,
                    l.value.unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn row(
        p: &str,
        raw: &str,
        kind: ScalarKind,
        value: &str,
    ) -> (String, String, ScalarKind, String) {
        (p.to_string(), raw.to_string(), kind, value.to_string())
    }

    #[test]
    fn scalars_of_every_kind() {
        use ScalarKind::*;
        let text = r#"basic = "a\tb \u00e9"
literal = 'C:\path'
ml = """
line1
line2"""
mll = '''
raw \n'''
int = 1_000
hex = 0xDEAD_beef
oct = 0o755
bin = 0b1010
neg = -17
flt = 6.626e-34
inf = -inf
nan = nan
yes = true
odt = 1979-05-27T07:32:00Z
odt2 = 1979-05-27 00:32:00.999999-07:00
ldt = 1979-05-27T07:32:00
ld = 1979-05-27
lt = 00:32:00.999999
"#;
        assert_eq!(
            summary(text),
            vec![
                row("basic", r#""a\tb \u00e9""#, String, "a\tb é"),
                row("literal", r"'C:\path'", String, r"C:\path"),
                row("ml", "\"\"\"\nline1\nline2\"\"\"", String, "line1\nline2"),
                row("mll", "'''\nraw \\n'''", String, "raw \\n"),
                row("int", "1_000", Number, "1_000"),
                row("hex", "0xDEAD_beef", Number, "0xDEAD_beef"),
                row("oct", "0o755", Number, "0o755"),
                row("bin", "0b1010", Number, "0b1010"),
                row("neg", "-17", Number, "-17"),
                row("flt", "6.626e-34", Number, "6.626e-34"),
                row("inf", "-inf", Number, "-inf"),
                row("nan", "nan", Number, "nan"),
                row("yes", "true", Bool, "true"),
                row(
                    "odt",
                    "1979-05-27T07:32:00Z",
                    DateTime,
                    "1979-05-27T07:32:00Z"
                ),
                row(
                    "odt2",
                    "1979-05-27 00:32:00.999999-07:00",
                    DateTime,
                    "1979-05-27 00:32:00.999999-07:00"
                ),
                row(
                    "ldt",
                    "1979-05-27T07:32:00",
                    DateTime,
                    "1979-05-27T07:32:00"
                ),
                row("ld", "1979-05-27", DateTime, "1979-05-27"),
                row("lt", "00:32:00.999999", DateTime, "00:32:00.999999"),
            ]
        );
        round_trip(&TomlStore, text);
    }

    #[test]
    fn structure_paths_in_source_order() {
        use ScalarKind::*;
        let text = r#"top = 1
a.b.c = "dotted"
"quoted key".'x' = 2
arr = [1, [2, "three"], { k = true }]
inline = { x = 1, y.z = 2 }

[table]
k = "v"

[other]
o = 0

[table.sub]
s = "late"

[[servers]]
name = "alpha"

[[servers]]
name = "beta"
[servers.extra]
e = 1
"#;
        let got: Vec<_> = summary(text)
            .into_iter()
            .map(|(p, raw, k, _)| (p, raw, k))
            .collect();
        let want = [
            ("top", "1", Number),
            ("a.b.c", "\"dotted\"", String),
            (r#"["quoted key"].x"#, "2", Number),
            ("arr[0]", "1", Number),
            ("arr[1][0]", "2", Number),
            ("arr[1][1]", "\"three\"", String),
            ("arr[2].k", "true", Bool),
            ("inline.x", "1", Number),
            ("inline.y.z", "2", Number),
            ("table.k", "\"v\"", String),
            ("other.o", "0", Number),
            ("table.sub.s", "\"late\"", String),
            ("servers[0].name", "\"alpha\"", String),
            ("servers[1].name", "\"beta\"", String),
            ("servers[1].extra.e", "1", Number),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(p, r, k)| (p.to_string(), r.to_string(), *k))
            .collect();
        assert_eq!(got, want);
        let enc = round_trip(&TomlStore, text);
        assert!(enc.contains("\n\n[vaultfile]\n"), "{enc}");
    }

    #[test]
    fn tokens() {
        let tok = crate::format::testkit::fake_token("x");
        let mut out = String::new();
        TomlStore.write_token(&mut out, &tok);
        assert_eq!(out, format!("\"{tok}\""));
        assert_eq!(TomlStore.read_token(&out), Some(tok.as_str()));
        assert_eq!(TomlStore.read_token(&tok), None);
        assert_eq!(TomlStore.read_token(&format!("'{tok}'")), None);
        assert_eq!(TomlStore.read_token("\"plain\""), None);
        assert_eq!(TomlStore.read_token("1"), None);
    }

    #[test]
    fn metadata_rendering() {
        let text = "a = 1\r\n";
        let doc = parse(text);
        let ins = TomlStore
            .metadata_insertion(text, &doc, &sample_metadata())
            .unwrap();
        assert_eq!(ins.at, text.len());
        assert!(
            ins.text.starts_with("\r\n[vaultfile]\r\nversion = 1\r\n"),
            "{:?}",
            ins.text
        );
        assert!(!ins.text.replace("\r\n", "").contains('\n'));
        assert!(
            ins.text
                .contains("\r\n[vaultfile.rules]\r\nunencrypted_regex = \"^(user|host)$\"\r\n")
        );
        assert_eq!(ins.text.matches("[[vaultfile.recipients]]").count(), 2);
        assert!(ins.text.ends_with("\r\n"));

        // No final newline: begin with one, end without.
        let text = "a = 1";
        let doc = parse(text);
        let ins = TomlStore
            .metadata_insertion(text, &doc, &sample_metadata())
            .unwrap();
        assert!(ins.text.starts_with("\n\n[vaultfile]\n"));
        assert!(!ins.text.ends_with('\n'));

        // Empty file: just the block.
        let ins = TomlStore
            .metadata_insertion("", &Document::default(), &sample_metadata())
            .unwrap();
        assert!(ins.text.starts_with("[vaultfile]\n"));
    }

    #[test]
    fn unusual_metadata_shapes() {
        let meta = serde_json::json!({
            "version": 1,
            "empty": {},
            "list": [],
            "nums": [1, 2.5, -3],
            "mixed": [1, {"a": "b"}, [true]],
            "odd key": {"x.y": "\"quoted\" \\ \n\t\u{1}", "": "empty key"},
            "groups": [{"threshold": 2, "members": [{"r": "a"}, {"r": "b"}], "sub": {"k": 1}}, {"threshold": 1}],
        });
        let text = "x = 1\n";
        let doc = parse(text);
        let ins = TomlStore.metadata_insertion(text, &doc, &meta).unwrap();
        let enc = apply_edits(text, std::iter::empty(), Some(&ins), 0);
        let doc2 = parse(&enc);
        assert_eq!(doc2.metadata.as_ref().unwrap().value, meta, "{enc}");
        assert_eq!(doc2.leaves.len(), 1);
        let span = doc2.metadata.unwrap().span;
        assert_eq!(apply_edits(&enc, [(span, "")], None, 0), text);
    }

    #[test]
    fn vaultfile_key_elsewhere_is_data() {
        // Not at the end: ordinary data.
        let text = "[vaultfile]\nversion = 1\n\n[app]\nx = 1\n";
        let doc = parse(text);
        assert!(doc.metadata.is_none());
        assert_eq!(doc.leaves.get(0).path.to_string(), "vaultfile.version");
        // ...but adding the block would clash: refused with a clear message.
        let err = TomlStore
            .metadata_insertion(text, &doc, &sample_metadata())
            .unwrap_err();
        assert!(
            err.message
                .contains("already has a top-level `vaultfile` key"),
            "{err}"
        );
        assert_eq!(err.line, 1);
        // Nested `vaultfile` keys are fine.
        round_trip(
            &TomlStore,
            "[app]\nvaultfile = \"x\"\n[app.vaultfile2]\ny = 2\n",
        );
        round_trip(&TomlStore, "app.vaultfile = 1\n");
        // A metadata table followed by a subtable defined before it is not at the end.
        let text = "[vaultfile.rules]\nx = 1\n[app]\ny = 2\n[vaultfile]\nz = 3\n";
        assert!(parse(text).metadata.is_none());
        assert_eq!(parse(text).leaves.len(), 3);
    }

    #[test]
    fn round_trips() {
        let docs = [
            "",
            "\n",
            "\n\n",
            "# only a comment\n",
            "# only a comment",
            "a = 1",
            "a = 1\n",
            "a = 1\n\n\n",
            "a = 1\r\nb = 'two'\r\n",
            "a = 1\r\nb = 'two'",
            "\u{feff}a = \"bom\"\n",
            "\u{feff}",
            "[empty]\n",
            "[empty]",
            "[a]\n[a.b]\n[a.b.c]\nx = []\ny = {}\n",
            "arr = [\n  1, # one\n  2, # two\n]\n",
            "arr = [ [ [ 'deep' ] ], [], [ {}, { a = [ 1 ] } ] ]\n",
            "dt = [1979-05-27, 07:32:00, 1979-05-27T07:32:00+01:00]\n",
            "\"\" = 'empty key'\n'lit.key' = 1\n\"ünï\" = \"cödé ✓ 😀\"\n",
            "s = \"\"\"\\\n   trimmed \\\n   text\"\"\"\n",
            "s = '''\r\nCRLF inside\r\n'''\r\n",
            "# header comment\n\n  key   =   \"spaced\"   # trailing\n\n[ t . u ]  # table comment\n  v = 1\n\n# end\n",
            "[[a]]\n[[a]]\nx = 1\n[[a.b]]\ny = 2\n[[a.b]]\n[a.c]\nz = 3\n",
            "a.b = 1\na.c = 2\n[x]\ny.z = { w = 1 }\n",
            "ints = [+99, 42, 0, -17, 5_349_221, 0xdead_beef, 0o01234567, 0b11010110]\n",
            "floats = [+1.0, 3.1415, -0.01, 5e+22, 1e06, -2E-2, 6.626e-34, 224_617.445_991, inf, +inf, -inf, nan, +nan, -nan]\n",
            "[app]\nx = 1\n[vaultfile-ish]\ny = 2\n",
        ];
        round_trip_each(&TomlStore, &docs);
    }

    #[test]
    fn realistic_files() {
        let cargo = r#"[package]
name = "vaultfile"
version = "0.1.0"
edition = "2024"
authors = ["Jane Doe <jane@example.com>"]

[dependencies]
serde = { version = "1", features = ["derive"] }
toml_edit = { version = "0.25.20", default-features = false, features = ["parse"] }

[dev-dependencies]
proptest = "1.5"

[profile.release]
lto = "thin"
codegen-units = 1

[[bin]]
name = "vaultfile"
path = "src/main.rs"

[lints.rust]
unsafe_code = "forbid"
"#;
        let doc = parse(cargo);
        let paths: Vec<_> = doc.leaves.iter().map(|l| l.path.to_string()).collect();
        assert_eq!(paths[4], "dependencies.serde.version");
        assert_eq!(paths[5], "dependencies.serde.features[0]");
        assert_eq!(paths[7], "dependencies.toml_edit.default-features");
        assert!(paths.contains(&"bin[0].path".to_string()));
        round_trip(&TomlStore, cargo);

        let pyproject = "[build-system]\r\nrequires = [\"setuptools>=61\", \"wheel\"]\r\nbuild-backend = \"setuptools.build_meta\"\r\n\r\n[project]\r\nname = \"acme\"\r\nversion = \"2.0.0\"\r\ndependencies = [\r\n    \"requests>=2.31\",  # HTTP\r\n    'pydantic~=2.7',\r\n]\r\n\r\n[project.optional-dependencies]\r\ndev = [\"pytest\", \"ruff\"]\r\n\r\n[tool.ruff]\r\nline-length = 100\r\n\r\n[tool.ruff.lint]\r\nselect = [\"E\", \"F\"]\r\n\r\n[tool.poetry.dependencies]\r\npython = \"^3.11\"\r\ndb_password = \"hunter2\"";
        let enc = round_trip(&TomlStore, pyproject);
        assert!(enc.contains("db_password = \"VF1."));
        assert!(
            enc.contains("\"hunter2\"\r\n\r\n[vaultfile]\r\n")
                || enc.contains("\r\n\r\n[vaultfile]\r\n")
        );
        assert!(!enc.ends_with('\n'));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let cases = [
            ("a = 1\nb = \n", 2),
            ("a = 1\na = 2\n", 2),
            ("[t]\nx = 1\n[t]\n", 3),
            ("a = \"unterminated\n", 1),
            ("\n\n[bad\n", 3),
            ("x = [1, 2\ny = 3\n", 2),
            ("\u{feff}a = tru\n", 1),
            ("a = 1979-13-45\n", 1),
        ];
        for (text, line) in cases {
            let err = parse_error(&TomlStore, text, line);
            assert!(err.message.starts_with("invalid TOML: "), "{err}");
        }
        let err = TomlStore
            .parse("\u{feff}a = tru\n", ParseOptions::default())
            .unwrap_err();
        assert_eq!(err.column, 5, "{err}");
    }

    #[test]
    fn insertion_removed_exactly() {
        for text in [
            "",
            "a = 1",
            "a = 1\n",
            "a = 1\r\n",
            "\n",
            "# c",
            "\u{feff}",
            "\u{feff}x = 1",
        ] {
            let doc = parse(text);
            let ins: Insertion = TomlStore
                .metadata_insertion(text, &doc, &sample_metadata())
                .unwrap();
            let enc = apply_edits(text, std::iter::empty(), Some(&ins), 0);
            let md = parse(&enc)
                .metadata
                .unwrap_or_else(|| panic!("no metadata in {enc:?}"));
            assert_eq!(md.value, sample_metadata());
            assert_eq!(&enc[md.span.clone()], ins.text, "{text:?}");
        }
    }

    // --- random documents ---

    fn scalar() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 _.:/-]{0,8}".prop_map(|s| format!("\"{s}\"")),
            "[a-zA-Z0-9 _.:/\\\\\"-]{0,8}".prop_map(|s| format!("'{}'", s.replace('\'', ""))),
            Just(r#""esc \" \\ \t \u00e9 \U0001F600""#.to_string()),
            Just("\"\"\"\nmulti\nline \"quoted\" \"\"\"".to_string()),
            Just("'''\nliteral 'multi'\nline'''".to_string()),
            Just("\"日本語 ✓\"".to_string()),
            "[+-]?(0|[1-9](_?[0-9]){0,6})",
            "0x[0-9a-fA-F]{1,4}(_[0-9a-f]{1,2})?",
            "0o[0-7]{1,5}",
            "0b[01]{1,8}",
            "[+-]?(0|[1-9][0-9]{0,3})\\.[0-9]{1,3}([eE][+-]?[0-9]{1,2})?",
            "[+-]?[1-9]e[+-]?[0-9]{1,2}",
            Just("inf".to_string()),
            Just("-inf".to_string()),
            Just("nan".to_string()),
            Just("true".to_string()),
            Just("false".to_string()),
            Just("1979-05-27T07:32:00Z".to_string()),
            Just("1979-05-27 00:32:00.999999-07:00".to_string()),
            Just("1979-05-27T07:32:00".to_string()),
            Just("1979-05-27".to_string()),
            Just("07:32:00".to_string()),
        ]
    }

    /// An inline value: a scalar, an array or an inline table, with its leaf count.
    fn inline_value() -> impl Strategy<Value = (String, usize)> {
        scalar()
            .prop_map(|s| (s, 1))
            .prop_recursive(3, 16, 4, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..4).prop_map(|items| {
                        let n = items.iter().map(|(_, n)| n).sum();
                        let body: Vec<_> = items.into_iter().map(|(s, _)| s).collect();
                        (format!("[{}]", body.join(", ")), n)
                    }),
                    proptest::collection::vec(inner, 0..4).prop_map(|items| {
                        let n = items.iter().map(|(_, n)| n).sum();
                        let body: Vec<_> = items
                            .into_iter()
                            .enumerate()
                            .map(|(i, (s, _))| format!("i{i} = {s}"))
                            .collect();
                        if body.is_empty() {
                            ("{}".to_string(), 0)
                        } else {
                            (format!("{{ {} }}", body.join(", ")), n)
                        }
                    }),
                ]
            })
    }

    /// Key/value lines with unique keys (`k0`, `"k1"`, `'k2'`, `d3.x`...), and their leaf count.
    fn entries() -> impl Strategy<Value = (Vec<String>, usize)> {
        proptest::collection::vec((inline_value(), 0..5u8, any::<bool>()), 0..5).prop_map(|items| {
            let mut n = 0;
            let lines = items
                .into_iter()
                .enumerate()
                .map(|(i, ((v, c), style, comment))| {
                    n += c;
                    let key = match style {
                        0 => format!("k{i}"),
                        1 => format!("\"k{i}\""),
                        2 => format!("'k {i}'"),
                        3 => format!("d{i}.x.\"y\""),
                        _ => format!("  k{i}  "),
                    };
                    let comment = if comment { " # note" } else { "" };
                    format!("{key} = {v}{comment}")
                })
                .collect();
            (lines, n)
        })
    }

    fn document() -> impl Strategy<Value = (Vec<String>, usize)> {
        let section = (0..4u8, entries(), 1..3usize);
        (entries(), proptest::collection::vec(section, 0..5)).prop_map(
            |((mut lines, mut n), sections)| {
                for (i, (kind, (body, c), reps)) in sections.into_iter().enumerate() {
                    match kind {
                        0 => {
                            lines.push(String::new());
                            lines.push(format!("[t{i}]"));
                            lines.extend(body);
                            n += c;
                        }
                        1 => {
                            lines.push(format!("[t{i}.\"sub\".'x']  # comment"));
                            lines.extend(body);
                            n += c;
                        }
                        2 => {
                            for _ in 0..reps {
                                lines.push(format!("[[a{i}]]"));
                                lines.extend(body.iter().cloned());
                                n += c;
                            }
                        }
                        _ => {
                            lines.push(format!("# section {i}"));
                            lines.push(format!("[[a{i}.b]]"));
                            lines.extend(body);
                            n += c;
                            lines.push(format!("[a{i}.b.c]"));
                            lines.push("z = 1".to_string());
                            n += 1;
                        }
                    }
                }
                (lines, n)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn random_documents_round_trip(
            (lines, n) in document(),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            final_newline in any::<bool>(),
        ) {
            let le = if crlf { "\r\n" } else { "\n" };
            let mut text = if bom { "\u{feff}".to_string() } else { String::new() };
            text.push_str(&lines.join(le));
            if final_newline && !lines.is_empty() {
                text.push_str(le);
            }
            let doc = TomlStore.parse(&text, ParseOptions { decode_values: true })
                .unwrap_or_else(|e| panic!("{e}\n{text}"));
            prop_assert_eq!(doc.leaves.len(), n, "{}", text);
            round_trip(&TomlStore, &text);
        }
    }
}
