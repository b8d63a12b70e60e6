//! JSON edits, on `jsonc-parser`'s syntax tree (strict options, as the store parses).

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;

use crate::format::patch::{Context, Edits, Flow, PatchError, Place, Target, line_indent, splice};
use crate::format::{Format, line_ending};
use crate::path::{KeyPath, Segment};

/// JSON's edits, for [`crate::format::patch::edits_for`].
pub(crate) static EDITS: Edits = Edits::new(add, remove, strings);

fn parse(body: &str) -> Result<Value<'_>, PatchError> {
    super::parse_strict(body)
        .ok()
        .and_then(|p| p.value)
        .ok_or_else(|| {
            PatchError::Unsupported("the JSON file could not be read for editing".into())
        })
}

fn name<'a>(n: &'a ObjectPropName<'_>) -> &'a str {
    match n {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

/// The flow view of a container value: brackets and entries (offsets in the body).
fn flow_of(v: &Value<'_>) -> Option<Flow> {
    // From the opening bracket to the closing one, and the members' or elements' ranges.
    let flow = |range: &jsonc_parser::common::Range, items: Vec<_>| Flow {
        open: range.start,
        close: range.end - 1,
        items,
    };
    match v {
        Value::Object(o) => Some(flow(
            &o.range,
            o.properties
                .iter()
                .map(|p| p.range.start..p.range.end)
                .collect(),
        )),
        Value::Array(a) => Some(flow(
            &a.range,
            a.elements
                .iter()
                .map(|e| e.range().start..e.range().end)
                .collect(),
        )),
        _ => None,
    }
}

fn child<'v, 'a>(v: &'v Value<'a>, seg: Segment<'_>) -> Option<(usize, &'v Value<'a>)> {
    match (v, seg) {
        (Value::Object(o), Segment::Key(k)) => o
            .properties
            .iter()
            .enumerate()
            .find(|(_, p)| name(&p.name) == k)
            .map(|(i, p)| (i, &p.value)),
        (Value::Array(a), Segment::Index(i)) => a.elements.get(i).map(|e| (i, e)),
        _ => None,
    }
}

fn split_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix('\u{feff}') {
        Some(b) => (b, 3),
        None => (text, 0),
    }
}

fn remove(at: &Place<'_>) -> Result<String, PatchError> {
    let Place { text, doc, path } = *at;
    let (body, base) = split_bom(text);
    let root = parse(body)?;
    let segs: Vec<Segment<'_>> = path.segments().collect();
    let (last, parents) = segs.split_last().expect("not the root");
    let mut cur = &root;
    for s in parents {
        cur = child(cur, *s)
            .ok_or_else(|| crate::format::patch::not_found(doc, path))?
            .1;
    }
    let (i, _) = child(cur, *last).ok_or_else(|| crate::format::patch::not_found(doc, path))?;
    let flow = flow_of(cur).expect("a container has children");
    let r = flow.remove(i);
    Ok(splice(text, base + r.start..base + r.end, ""))
}

fn add(at: &Place<'_>, target: &Target) -> Result<Vec<String>, PatchError> {
    let Place { text, path, .. } = *at;
    let (body, base) = split_bom(text);
    let root = parse(body)?;
    let segs: Vec<Segment<'_>> = path.segments().collect();
    let mut cur = &root;
    let mut cur_path = KeyPath::root();
    let mut used = 0;
    while used < segs.len() {
        match child(cur, segs[used]) {
            Some((_, c)) => {
                cur = c;
                cur_path.push(segs[used]);
                used += 1;
            }
            None => break,
        }
    }
    let rest = &segs[used..];
    let le = line_ending(text);
    let pretty = body.trim().contains('\n');
    let unit = indent_unit(body);
    let sep = separator(body, &root);
    let value = target.renderings(&crate::format::patch::Context {
        format: Format::Json,
        text,
        hint: None,
        at: 0,
        flow: true,
        indent: None,
    });
    let value = value.into_iter().next().expect("JSON has one spelling");
    let not_container = || PatchError::NotAContainer {
        path: path.clone(),
        at: cur_path.clone(),
        what: match cur {
            Value::Object(_) => "a mapping",
            Value::Array(_) => "a list",
            _ => "a single value",
        },
    };
    for seg in rest.iter().skip(1) {
        if matches!(seg, Segment::Index(n) if *n != 0) || matches!(seg, Segment::Document(_)) {
            return Err(PatchError::Unsupported(format!(
                "a new list under '{cur_path}' starts at index 0"
            )));
        }
    }
    match cur {
        Value::NullKeyword(n) => {
            let indent = line_indent(body, n.range.start).to_owned();
            let nested = nested(rest, &value, pretty, &indent, &unit, sep, le);
            Ok(vec![splice(
                text,
                base + n.range.start..base + n.range.end,
                &nested,
            )])
        }
        Value::Object(_) | Value::Array(_) => {
            let flow = flow_of(cur).expect("container");
            let entry_indent = match flow.items.last() {
                Some(last) if body[flow.open..last.start].contains('\n') => {
                    line_indent(body, last.start).to_owned()
                }
                _ => format!("{}{unit}", line_indent(body, flow.open)),
            };
            let inner = nested(&rest[1..], &value, pretty, &entry_indent, &unit, sep, le);
            let entry = match (cur, rest[0]) {
                (Value::Object(_), Segment::Key(k)) => format!("{}{sep}{inner}", string(k)),
                (Value::Array(a), Segment::Index(n)) if n == a.elements.len() => inner,
                (Value::Array(a), Segment::Index(_)) => {
                    return Err(PatchError::Unsupported(format!(
                        "'{cur_path}' has {} items: a new item can only be added at the end, as [{}]",
                        a.elements.len(),
                        a.elements.len()
                    )));
                }
                _ => return Err(not_container()),
            };
            let (r, ins) = flow.append(body, &entry, false, "", pretty.then_some((le, &unit)));
            Ok(vec![splice(text, base + r.start..base + r.end, &ins)])
        }
        _ => Err(not_container()),
    }
}

/// A value for the missing segments `rest` around `scalar`, in the document's style.
fn nested(
    rest: &[Segment<'_>],
    scalar: &str,
    pretty: bool,
    indent: &str,
    unit: &str,
    sep: &str,
    le: &str,
) -> String {
    let Some(first) = rest.first() else {
        return scalar.to_owned();
    };
    let inner_indent = format!("{indent}{unit}");
    let inner = nested(&rest[1..], scalar, pretty, &inner_indent, unit, sep, le);
    let (open, close, entry) = match first {
        Segment::Key(k) => ('{', '}', format!("{}{sep}{inner}", string(k))),
        _ => ('[', ']', inner),
    };
    if pretty {
        format!("{open}{le}{inner_indent}{entry}{le}{indent}{close}")
    } else {
        format!("{open}{entry}{close}")
    }
}

/// The indentation of the first indented line; two spaces when there is none.
fn indent_unit(body: &str) -> String {
    body.lines()
        .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
        .find(|i| !i.is_empty())
        .unwrap_or("  ")
        .to_owned()
}

/// What stands between a key and its value in this file (`": "`, `":"`).
fn separator<'a>(body: &'a str, root: &Value<'_>) -> &'a str {
    fn first_prop(v: &Value<'_>) -> Option<(usize, usize)> {
        match v {
            Value::Object(o) => o
                .properties
                .first()
                .map(|p| (p.name.range().end, p.value.range().start)),
            Value::Array(a) => a.elements.iter().find_map(first_prop),
            _ => None,
        }
    }
    match first_prop(root) {
        Some((a, b)) if body[a..b].trim() == ":" && !body[a..b].contains('\n') => &body[a..b],
        _ => ": ",
    }
}

/// A JSON string literal.
fn strings(value: &str, _: &Context<'_>) -> Vec<String> {
    vec![string(value)]
}

fn string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}
