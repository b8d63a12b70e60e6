//! TOML edits, on an outline built from `toml_edit`'s spans: `[table]` headers and the
//! key/value lines of their bodies, dotted keys, inline tables and arrays.

use std::ops::Range;

use toml_edit::{Item, Table, Value};

use crate::format::document::ScalarKind;
use crate::format::patch::{
    Context, Edits, Flow, PatchError, Place, Target, after_line, deepest, end_of_text, line_indent,
    line_start, remove_ranges, splice, whole_lines,
};
use crate::format::{DoubleQuoted, Format, line_ending};
use crate::path::{KeyPath, Segment};

/// TOML's edits, for [`crate::format::patch::edits_for`].
pub(crate) static EDITS: Edits = Edits::new(add, remove, strings);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Root,
    /// A table with its own `[header]` (or an element of an array of tables, `[[header]]`).
    Header,
    /// A table only implied by the headers of its subtables.
    Implicit,
    /// A table made by dotted keys (`a.b = 1`).
    Dotted,
    Inline,
    Array,
    ArrayOfTables,
    Scalar,
}

#[derive(Debug)]
struct Node {
    path: KeyPath,
    kind: Kind,
    /// The key's first byte, for key/value entries and dotted tables.
    key_start: Option<usize>,
    /// The value's span (scalars, inline tables, arrays) or the header's (tables).
    span: Range<usize>,
    /// For tables: the end of the last key/value line of the body (`None` when empty).
    body_end: Option<usize>,
    children: Vec<usize>,
    parent: Option<usize>,
}

struct Outline {
    nodes: Vec<Node>,
    /// What separates keys from values in this file (`" = "`).
    sep: String,
}

fn parse(text: &str) -> Result<toml_edit::Document<&str>, PatchError> {
    toml_edit::Document::parse(text)
        .map_err(|_| PatchError::Unsupported("the TOML file could not be read for editing".into()))
}

fn outline(text: &str, doc: &toml_edit::Document<&str>) -> Outline {
    let mut o = Outline {
        nodes: vec![Node {
            path: KeyPath::root(),
            kind: Kind::Root,
            key_start: None,
            span: 0..0,
            body_end: None,
            children: Vec::new(),
            parent: None,
        }],
        sep: String::new(),
    };
    table(text, &mut o, 0, doc.as_table());
    if o.sep.is_empty() {
        o.sep = " = ".into();
    }
    o
}

fn push(o: &mut Outline, parent: usize, node: Node) -> usize {
    let i = o.nodes.len();
    o.nodes[parent].children.push(i);
    o.nodes.push(node);
    i
}

fn table(text: &str, o: &mut Outline, at: usize, t: &Table) {
    for (k, item) in t.iter() {
        let key_start = t.key(k).and_then(|k| k.span()).map(|s| s.start);
        let mut path = o.nodes[at].path.clone();
        path.push_key(k);
        item_node(text, o, at, path, key_start, item);
    }
}

fn item_node(
    text: &str,
    o: &mut Outline,
    parent: usize,
    path: KeyPath,
    key_start: Option<usize>,
    item: &Item,
) {
    match item {
        Item::None => {}
        Item::Value(v) => value_node(text, o, parent, path, key_start, v),
        Item::Table(t) => {
            let kind = if t.is_dotted() {
                Kind::Dotted
            } else if t.is_implicit() {
                Kind::Implicit
            } else {
                Kind::Header
            };
            let span = t.span().unwrap_or(0..0);
            let n = push(
                o,
                parent,
                Node {
                    path,
                    kind,
                    key_start,
                    span,
                    body_end: None,
                    children: Vec::new(),
                    parent: Some(parent),
                },
            );
            table(text, o, n, t);
        }
        Item::ArrayOfTables(a) => {
            let n = push(
                o,
                parent,
                Node {
                    path: path.clone(),
                    kind: Kind::ArrayOfTables,
                    key_start,
                    span: a.span().unwrap_or(0..0),
                    body_end: None,
                    children: Vec::new(),
                    parent: Some(parent),
                },
            );
            for (i, t) in a.iter().enumerate() {
                let mut p = path.clone();
                p.push_index(i);
                let e = push(
                    o,
                    n,
                    Node {
                        path: p,
                        kind: Kind::Header,
                        key_start: None,
                        span: t.span().unwrap_or(0..0),
                        body_end: None,
                        children: Vec::new(),
                        parent: Some(n),
                    },
                );
                table(text, o, e, t);
            }
        }
    }
}

fn value_node(
    text: &str,
    o: &mut Outline,
    parent: usize,
    path: KeyPath,
    key_start: Option<usize>,
    v: &Value,
) {
    let span = v.span().unwrap_or(0..0);
    if let (Some(k), true) = (key_start, o.sep.is_empty()) {
        let between = &text[k..span.start];
        if let Some(eq) = between.rfind('=') {
            let left = between[..eq].trim_end().len();
            let sep = &between[left..];
            if !sep.contains('\n') && !between[..left].contains(['"', '\'']) {
                o.sep = sep.to_owned();
            }
        }
    }
    let kind = match v {
        Value::InlineTable(_) => Kind::Inline,
        Value::Array(_) => Kind::Array,
        _ => Kind::Scalar,
    };
    let n = push(
        o,
        parent,
        Node {
            path: path.clone(),
            kind,
            key_start,
            span: span.clone(),
            body_end: None,
            children: Vec::new(),
            parent: Some(parent),
        },
    );
    // The value ends the body of the table whose lines hold it.
    let mut owner = parent;
    while matches!(o.nodes[owner].kind, Kind::Dotted) {
        owner = o.nodes[owner].parent.expect("a dotted table has a parent");
    }
    if matches!(o.nodes[owner].kind, Kind::Root | Kind::Header) && key_start.is_some() {
        let b = &mut o.nodes[owner].body_end;
        *b = Some(b.map_or(span.end, |e: usize| e.max(span.end)));
    }
    match v {
        Value::InlineTable(t) => {
            for (k, v) in t.iter() {
                let ks = t.key(k).and_then(|k| k.span()).map(|s| s.start);
                let mut p = path.clone();
                p.push_key(k);
                value_node(text, o, n, p, ks, v);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let mut p = path.clone();
                p.push_index(i);
                value_node(text, o, n, p, None, v);
            }
        }
        _ => {}
    }
}

impl Outline {
    fn find(&self, path: &KeyPath) -> Option<usize> {
        self.nodes.iter().position(|n| n.path == *path)
    }

    /// The end of the last line of `n`'s entries inside a body (dotted tables).
    fn lines_end(&self, n: usize) -> Option<usize> {
        let node = &self.nodes[n];
        match node.kind {
            Kind::Scalar | Kind::Inline | Kind::Array => Some(node.span.end),
            Kind::Dotted => node
                .children
                .iter()
                .filter_map(|&c| self.lines_end(c))
                .max(),
            _ => None,
        }
    }

    /// The byte ranges to delete to remove node `n` and everything under it.
    fn ranges(&self, text: &str, n: usize, out: &mut Vec<Range<usize>>) {
        let node = &self.nodes[n];
        match node.kind {
            Kind::Scalar | Kind::Inline | Kind::Array => {
                let start = node.key_start.unwrap_or(node.span.start);
                out.push(whole_lines(text, start, node.span.end));
            }
            Kind::Header => {
                let end = node.body_end.unwrap_or(node.span.end);
                out.push(whole_lines(text, node.span.start, end));
                for &c in &node.children {
                    if matches!(
                        self.nodes[c].kind,
                        Kind::Header | Kind::Implicit | Kind::ArrayOfTables
                    ) {
                        self.ranges(text, c, out);
                    }
                }
            }
            Kind::Implicit | Kind::Dotted | Kind::ArrayOfTables | Kind::Root => {
                for &c in &node.children {
                    self.ranges(text, c, out);
                }
            }
        }
    }
}

fn remove(at: &Place<'_>) -> Result<String, PatchError> {
    let Place { text, doc, path } = *at;
    let parsed = parse(text)?;
    let o = outline(text, &parsed);
    let n = o
        .find(path)
        .ok_or_else(|| crate::format::patch::not_found(doc, path))?;
    let p = o.nodes[n].parent.expect("not the root");
    let parent = &o.nodes[p];
    if matches!(parent.kind, Kind::Inline | Kind::Array) {
        let flow = Flow {
            open: parent.span.start,
            close: parent.span.end - 1,
            items: parent
                .children
                .iter()
                .map(|&c| {
                    o.nodes[c].key_start.unwrap_or(o.nodes[c].span.start)..o.nodes[c].span.end
                })
                .collect(),
        };
        let i = parent.children.iter().position(|&c| c == n).expect("child");
        return Ok(splice(text, flow.remove(i), ""));
    }
    let mut ranges = Vec::new();
    o.ranges(text, n, &mut ranges);
    Ok(remove_ranges(text, ranges))
}

fn add(at: &Place<'_>, target: &Target) -> Result<Vec<String>, PatchError> {
    let Place { text, doc, path } = *at;
    let parsed = parse(text)?;
    let o = outline(text, &parsed);
    let segs: Vec<Segment<'_>> = path.segments().collect();
    let (anc, used) = deepest(
        (0, 0),
        &segs,
        |n| &o.nodes[n].path,
        |n| &o.nodes[n].children,
    );
    let rest = &segs[used..];
    let node = &o.nodes[anc];
    let le = line_ending(text);
    let sep = o.sep.as_str();
    let hint = doc
        .leaves
        .iter()
        .filter(|l| l.kind == ScalarKind::String)
        .filter(|l| crate::format::patch::under(l.path, &node.path))
        .last()
        .or_else(|| {
            doc.leaves
                .iter()
                .filter(|l| l.kind == ScalarKind::String)
                .last()
        })
        .map(|l| &text[l.span.clone()]);
    let values = target.renderings(&Context {
        format: Format::Toml,
        text,
        hint,
        at: text.len(),
        flow: false,
        indent: None,
    });
    let keys = |segs: &[Segment<'_>]| -> Result<String, PatchError> {
        segs.iter()
            .map(|s| match s {
                Segment::Key(k) => Ok(key(k)),
                _ => Err(PatchError::Unsupported(format!(
                    "a new list item at '{path}' cannot be created by set in TOML; use `vaultfile edit`"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|k| k.join("."))
    };
    let header_of = |p: &KeyPath, more: &[Segment<'_>]| -> Result<String, PatchError> {
        let all: Vec<Segment<'_>> = p.segments().chain(more.iter().copied()).collect();
        keys(&all)
    };
    let not_container = || PatchError::NotAContainer {
        path: path.clone(),
        at: node.path.clone(),
        what: match node.kind {
            Kind::Scalar => "a single value",
            Kind::Array | Kind::ArrayOfTables => "a list",
            _ => "a mapping",
        },
    };
    let (range, texts): (Range<usize>, Vec<String>) = match node.kind {
        Kind::Scalar => return Err(not_container()),
        Kind::Inline => {
            let flow = inline_flow(&o, anc);
            let k = keys(rest)?;
            let mut out = Vec::new();
            let mut range = 0..0;
            for v in &values {
                let (r, ins) = flow.append(text, &format!("{k} = {v}"), true, " ", None);
                range = r;
                out.push(ins);
            }
            (range, out)
        }
        Kind::Array => {
            let flow = inline_flow(&o, anc);
            match rest {
                [Segment::Index(i), more @ ..] if *i == node.children.len() => {
                    let k = keys(more)?;
                    let mut out = Vec::new();
                    let mut range = 0..0;
                    for v in &values {
                        let item = if more.is_empty() {
                            v.clone()
                        } else {
                            format!("{{ {k} = {v} }}")
                        };
                        let (r, ins) = flow.append(text, &item, true, "", None);
                        range = r;
                        out.push(ins);
                    }
                    (range, out)
                }
                [Segment::Index(_), ..] => {
                    return Err(PatchError::Unsupported(format!(
                        "'{}' has {} items: a new item can only be added at the end, as [{}]",
                        node.path,
                        node.children.len(),
                        node.children.len()
                    )));
                }
                _ => return Err(not_container()),
            }
        }
        Kind::ArrayOfTables => match rest {
            [Segment::Index(i), more @ ..] if *i == node.children.len() && !more.is_empty() => {
                let header = header_of(&node.path, &[])?;
                let (last, lastk) = more.split_last().expect("not empty");
                let sub = keys(std::slice::from_ref(last))?;
                let mut body = String::new();
                if !lastk.is_empty() {
                    body = format!("{}.", keys(lastk)?);
                }
                let (at, lead) = end_of_text(text);
                let gap = if text.is_empty() { "" } else { le };
                (
                    at..at,
                    values
                        .iter()
                        .map(|v| format!("{lead}{gap}[[{header}]]{le}{body}{sub}{sep}{v}{le}"))
                        .collect(),
                )
            }
            _ => {
                return Err(PatchError::Unsupported(format!(
                    "'{}' is an array of tables: add a table with set '{}[{}].KEY' VALUE",
                    node.path,
                    node.path,
                    node.children.len()
                )));
            }
        },
        Kind::Root | Kind::Header | Kind::Dotted | Kind::Implicit => {
            if rest.iter().any(|s| !matches!(s, Segment::Key(_))) {
                return Err(not_container());
            }
            let new_table = match node.kind {
                Kind::Implicit => true,
                Kind::Root => rest.len() > 1,
                _ => false,
            };
            if new_table {
                if node.path.segments().any(|s| !matches!(s, Segment::Key(_))) {
                    return Err(PatchError::Unsupported(format!(
                        "cannot add a table under '{}' with set; use `vaultfile edit`",
                        node.path
                    )));
                }
                let (table_keys, last) = rest.split_at(rest.len() - 1);
                let header = header_of(&node.path, table_keys)?;
                let k = keys(last)?;
                let (at, lead) = end_of_text(text);
                let gap = if text.trim().is_empty() { "" } else { le };
                (
                    at..at,
                    values
                        .iter()
                        .map(|v| format!("{lead}{gap}[{header}]{le}{k}{sep}{v}{le}"))
                        .collect(),
                )
            } else {
                let (prefix, last_line) = match node.kind {
                    Kind::Dotted => {
                        let first = node
                            .children
                            .iter()
                            .find_map(|&c| o.nodes[c].key_start)
                            .unwrap_or(node.key_start.unwrap_or(0));
                        let from = line_start(text, first) + line_indent(text, first).len();
                        let prefix = text[from..first.max(from)].to_owned();
                        (prefix, o.lines_end(anc))
                    }
                    _ => (String::new(), node.body_end),
                };
                let k = format!("{prefix}{}", keys(rest)?);
                let (at, lead, indent) = match last_line {
                    Some(end) => {
                        let (at, lead) = after_line(text, end);
                        (at, lead, line_indent(text, end).to_owned())
                    }
                    None if node.kind == Kind::Root => {
                        let at = if text.starts_with('\u{feff}') { 3 } else { 0 };
                        (at, "", String::new())
                    }
                    None => {
                        let (at, lead) = after_line(text, node.span.end.max(node.span.start));
                        (at, lead, String::new())
                    }
                };
                (
                    at..at,
                    values
                        .iter()
                        .map(|v| {
                            let trail = if lead.is_empty() { le } else { "" };
                            format!("{lead}{indent}{k}{sep}{v}{trail}")
                        })
                        .collect(),
                )
            }
        }
    };
    Ok(texts
        .into_iter()
        .map(|t| splice(text, range.clone(), &t))
        .collect())
}

fn inline_flow(o: &Outline, n: usize) -> Flow {
    let node = &o.nodes[n];
    Flow {
        open: node.span.start,
        close: node.span.end - 1,
        items: node
            .children
            .iter()
            .map(|&c| o.nodes[c].key_start.unwrap_or(o.nodes[c].span.start)..o.nodes[c].span.end)
            .collect(),
    }
}

/// A key: bare when it can be, else a basic string.
fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_owned()
    } else {
        basic(k)
    }
}

/// The spellings of a string value: a literal string when the value being replaced is
/// one and the new value fits, and a basic string.
fn strings(value: &str, ctx: &Context<'_>) -> Vec<String> {
    let hint = ctx.hint.unwrap_or("");
    let mut out = Vec::new();
    if hint.starts_with('\'')
        && !hint.starts_with("'''")
        && !value.contains('\'')
        && !value.chars().any(|c| c.is_control() && c != '\t')
    {
        out.push(format!("'{value}'"));
    }
    out.push(basic(value));
    out
}

/// A basic string with TOML's escapes.
fn basic(s: &str) -> String {
    const BASIC: DoubleQuoted = DoubleQuoted {
        named: &[
            ('\n', "\\n"),
            ('\r', "\\r"),
            ('\t', "\\t"),
            ('\u{08}', "\\b"),
            ('\u{0c}', "\\f"),
        ],
        unicode: char::is_control,
        upper_hex: true,
    };
    BASIC.quote(s)
}
