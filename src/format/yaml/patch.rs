//! YAML edits, on an outline of the document built from granit-parser's events: where
//! each entry starts (its key, or the `-` of a list item), where its value ends, and which
//! collections are written in flow style (`{…}`, `[…]`).

use granit_parser::{Event, Parser, StructureStyle};

use crate::format::document::{Document, ScalarKind};
use crate::format::patch::{
    Context, Edits, Flow, PatchError, Place, Target, after_line, deepest, line_start, next_line,
    splice, starts_line, whole_lines,
};
use crate::format::{Format, line_ending};
use crate::path::{KeyPath, Segment};

/// YAML's edits, for [`crate::format::patch::edits_for`].
pub(crate) static EDITS: Edits = Edits::new(add, remove, strings);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    Scalar,
}

#[derive(Debug)]
struct Node {
    path: KeyPath,
    kind: Kind,
    /// For a flow collection: its brackets' positions.
    flow: Option<(usize, usize)>,
    /// Where the entry starts: the key of a mapping entry, the `-` of a block list item,
    /// or the value itself.
    start: usize,
    /// Where the value starts (a scalar's span, a collection's first byte).
    value_start: usize,
    /// Where the value ends (the last byte of its last descendant).
    end: usize,
    /// Just after the `:` of a mapping entry or the `-` of a block list item.
    sep_end: Option<usize>,
    /// The scalar's kind, for scalars that are leaves.
    leaf: Option<ScalarKind>,
    children: Vec<usize>,
    parent: Option<usize>,
}

struct Outline {
    nodes: Vec<Node>,
    /// The root node of each document.
    docs: Vec<usize>,
}

struct Frame {
    node: usize,
    key: Option<(String, usize)>,
    index: usize,
}

fn outline(text: &str, doc: &Document) -> Result<Outline, PatchError> {
    let unsupported = || {
        PatchError::Unsupported(
            "this YAML file's structure could not be followed for editing; use `vaultfile edit`"
                .into(),
        )
    };
    let opts = granit_parser::options! { emit_anchor_events: true, emit_comments: false };
    let mut out = Outline {
        nodes: Vec::new(),
        docs: Vec::new(),
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut leaves = doc.leaves.iter();
    let mut complex_key: Option<(usize, usize)> = None;
    for next in Parser::new_from_str_with_options(text, opts) {
        let (event, span) = next.map_err(|_| unsupported())?;
        let range = span.byte_range().ok_or_else(unsupported)?;
        if let Some((depth, start)) = &mut complex_key {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => *depth += 1,
                Event::MappingEnd | Event::SequenceEnd => {
                    *depth -= 1;
                    if *depth == 0 {
                        let start = *start;
                        complex_key = None;
                        if let Some(f) = stack.last_mut() {
                            f.key = Some((text[start..range.end].trim_end().to_owned(), start));
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::DocumentStart(..) => {
                stack.clear();
            }
            Event::Scalar(..) | Event::Alias(_) | Event::UnresolvedAlias(_) if matches!(stack.last(), Some(f) if is_map(&out, f) && f.key.is_none()) =>
            {
                let key = match &event {
                    Event::Scalar(v, ..) => v.to_string(),
                    _ => text[range.clone()].to_owned(),
                };
                stack.last_mut().expect("checked").key = Some((key, range.start));
            }
            Event::MappingStart(..) | Event::SequenceStart(..) if matches!(stack.last(), Some(f) if is_map(&out, f) && f.key.is_none()) =>
            {
                complex_key = Some((1, range.start));
            }
            Event::Scalar(..) | Event::Alias(_) | Event::UnresolvedAlias(_) => {
                let is_scalar = matches!(event, Event::Scalar(..));
                let (path, start, parent) = place(&mut out, &mut stack, range.start);
                let (span, leaf) = if is_scalar {
                    let leaf = leaves.next().ok_or_else(unsupported)?;
                    if leaf.path != path {
                        return Err(unsupported());
                    }
                    let mut span = leaf.span.clone();
                    // An empty value's span sits on its indicator (`key:`, `-`).
                    if span.is_empty()
                        && matches!(text.as_bytes().get(span.start), Some(b':' | b'-'))
                    {
                        span = span.start + 1..span.start + 1;
                    }
                    (span, Some(leaf.kind))
                } else {
                    (range.clone(), None)
                };
                let start = match parent {
                    Some(p) if out.nodes[p].kind == Kind::Seq && out.nodes[p].flow.is_none() => {
                        dash_before(text, span.start).unwrap_or(start)
                    }
                    _ => start,
                };
                let sep_end = sep_end(text, &out, parent, start, span.start);
                add_node(
                    &mut out,
                    Node {
                        path,
                        kind: Kind::Scalar,
                        flow: None,
                        start: start.min(span.start),
                        value_start: span.start,
                        end: span.end,
                        sep_end,
                        leaf,
                        children: Vec::new(),
                        parent,
                    },
                );
            }
            Event::MappingStart(style, ..) | Event::SequenceStart(style, ..) => {
                let kind = if matches!(event, Event::MappingStart(..)) {
                    Kind::Map
                } else {
                    Kind::Seq
                };
                let flow = style == StructureStyle::Flow;
                let (path, start, parent) = place(&mut out, &mut stack, range.start);
                let start = match parent {
                    Some(p) if out.nodes[p].kind == Kind::Seq && out.nodes[p].flow.is_none() => {
                        dash_before(text, range.start).unwrap_or(start)
                    }
                    _ => start,
                };
                let sep_end = sep_end(text, &out, parent, start, range.start);
                let node = add_node(
                    &mut out,
                    Node {
                        path,
                        kind,
                        flow: flow.then_some((range.start, range.start)),
                        start: start.min(range.start),
                        value_start: range.start,
                        end: range.end,
                        sep_end,
                        leaf: None,
                        children: Vec::new(),
                        parent,
                    },
                );
                stack.push(Frame {
                    node,
                    key: None,
                    index: 0,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let n = stack.pop().ok_or_else(unsupported)?.node;
                let last_end = out.nodes[n]
                    .children
                    .last()
                    .map(|&c| out.nodes[c].end)
                    .unwrap_or(out.nodes[n].value_start);
                let node = &mut out.nodes[n];
                if let Some((open, _)) = node.flow {
                    node.flow = Some((open, range.start));
                    node.end = range.end;
                } else {
                    node.end = last_end;
                }
                // The parent's extent grows with its children.
                propagate_end(&mut out, n);
            }
            _ => {}
        }
    }
    if leaves.next().is_some() {
        return Err(unsupported());
    }
    Ok(out)
}

fn is_map(out: &Outline, f: &Frame) -> bool {
    out.nodes[f.node].kind == Kind::Map
}

/// The path, entry start and parent of the next value node, moving the parent on.
fn place(
    out: &mut Outline,
    stack: &mut [Frame],
    value_start: usize,
) -> (KeyPath, usize, Option<usize>) {
    match stack.last_mut() {
        None => {
            let mut path = KeyPath::root();
            if !out.docs.is_empty() {
                path.push(Segment::Document(out.docs.len()));
            }
            (path, value_start, None)
        }
        Some(f) => {
            let mut path = out.nodes[f.node].path.clone();
            let start = match out.nodes[f.node].kind {
                Kind::Map => {
                    let (k, start) = f.key.take().unwrap_or_default();
                    path.push_key(&k);
                    start
                }
                _ => {
                    path.push_index(f.index);
                    f.index += 1;
                    value_start
                }
            };
            (path, start, Some(f.node))
        }
    }
}

fn add_node(out: &mut Outline, node: Node) -> usize {
    let i = out.nodes.len();
    match node.parent {
        Some(p) => out.nodes[p].children.push(i),
        None => out.docs.push(i),
    }
    out.nodes.push(node);
    propagate_end(out, i);
    i
}

fn propagate_end(out: &mut Outline, mut i: usize) {
    while let Some(p) = out.nodes[i].parent {
        if out.nodes[p].flow.is_some() {
            break;
        }
        let end = out.nodes[i].end;
        if out.nodes[p].end >= end {
            break;
        }
        out.nodes[p].end = end;
        i = p;
    }
}

/// The `-` of a block list item whose value starts at `value_start`, skipping blanks,
/// line breaks, anchors and tags in between.
fn dash_before(text: &str, value_start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = value_start;
    loop {
        while i > 0 && matches!(b[i - 1], b' ' | b'\t' | b'\r' | b'\n') {
            i -= 1;
        }
        if i == 0 {
            return None;
        }
        if b[i - 1] == b'-' && (i < 2 || matches!(b[i - 2], b' ' | b'\t' | b'\n')) {
            return Some(i - 1);
        }
        // A property (`&anchor`, `!tag`) in front of the value.
        let mut j = i;
        while j > 0 && !matches!(b[j - 1], b' ' | b'\t' | b'\r' | b'\n') {
            j -= 1;
        }
        if matches!(b[j], b'&' | b'!') && j < i {
            i = j;
        } else {
            return None;
        }
    }
}

/// Just after the `:` of a mapping entry (or the `-` of a list item) that starts at
/// `start` with its value at `value_start`.
fn sep_end(
    text: &str,
    out: &Outline,
    parent: Option<usize>,
    start: usize,
    value_start: usize,
) -> Option<usize> {
    let p = parent?;
    match out.nodes[p].kind {
        Kind::Seq if out.nodes[p].flow.is_none() => {
            (text.as_bytes().get(start) == Some(&b'-')).then_some(start + 1)
        }
        Kind::Map => {
            let colon = text[start..value_start.max(start)].rfind(':')?;
            Some(start + colon + 1)
        }
        _ => None,
    }
}

impl Outline {
    /// Node `n` as a flow collection (`{…}`, `[…]`) and its items; `None` for a block one.
    fn flow(&self, n: usize) -> Option<Flow> {
        let node = &self.nodes[n];
        let (open, close) = node.flow?;
        Some(Flow {
            open,
            close,
            items: node
                .children
                .iter()
                .map(|&c| self.nodes[c].start..self.nodes[c].end)
                .collect(),
        })
    }

    fn find(&self, path: &KeyPath) -> Option<usize> {
        self.nodes.iter().position(|n| n.path == *path)
    }

    /// The deepest node on `path`, and how many of the path's segments it covers.
    fn deepest(&self, path: &KeyPath) -> Option<(usize, usize)> {
        let segs: Vec<Segment<'_>> = path.segments().collect();
        let start = match segs.first() {
            Some(Segment::Document(n)) => (*self.docs.get(*n)?, 1),
            _ => (*self.docs.first()?, 0),
        };
        Some(deepest(
            start,
            &segs,
            |n| &self.nodes[n].path,
            |n| &self.nodes[n].children,
        ))
    }

    /// The indentation unit: the smallest step from a block collection's entries to its
    /// children's entries; 2 when there is none.
    fn unit(&self, text: &str) -> usize {
        let mut unit = usize::MAX;
        for n in &self.nodes {
            let Some(p) = n.parent else { continue };
            let parent = &self.nodes[p];
            if n.kind == Kind::Scalar
                || n.flow.is_some()
                || parent.flow.is_some()
                || n.children.is_empty()
            {
                continue;
            }
            let child = &self.nodes[n.children[0]];
            if !starts_line(text, child.start) {
                continue;
            }
            let (a, b) = (column(text, n.start), column(text, child.start));
            if b > a {
                unit = unit.min(b - a);
            }
        }
        if unit == usize::MAX { 2 } else { unit }
    }
}

fn column(text: &str, pos: usize) -> usize {
    pos - line_start(text, pos)
}

/// Whether the value at `path` sits inside a flow collection.
pub(crate) fn in_flow(text: &str, doc: &Document, path: &KeyPath) -> bool {
    let Ok(o) = outline(text, doc) else {
        return true;
    };
    let Some(mut i) = o.find(path) else {
        return true;
    };
    while let Some(p) = o.nodes[i].parent {
        if o.nodes[p].flow.is_some() {
            return true;
        }
        i = p;
    }
    false
}

/// The column of the key (or `-`) that owns the value at `path`, for block scalars.
pub(crate) fn owner_column(text: &str, doc: &Document, path: &KeyPath) -> Option<usize> {
    let o = outline(text, doc).ok()?;
    let n = &o.nodes[o.find(path)?];
    Some(column(text, n.start))
}

fn remove(at: &Place<'_>) -> Result<String, PatchError> {
    let Place { text, doc, path } = *at;
    let o = outline(text, doc)?;
    let i = o
        .find(path)
        .ok_or_else(|| crate::format::patch::not_found(doc, path))?;
    let node = &o.nodes[i];
    let p = node
        .parent
        .ok_or_else(|| PatchError::Unsupported("cannot remove a whole document".into()))?;
    let parent = &o.nodes[p];
    let pos = parent.children.iter().position(|&c| c == i).expect("child");
    if let Some(flow) = o.flow(p) {
        return Ok(splice(text, flow.remove(pos), ""));
    }
    if parent.children.len() > 1 {
        if !starts_line(text, node.start)
            && let Some(&next) = parent.children.get(pos + 1)
        {
            return Ok(splice(text, node.start..o.nodes[next].start, ""));
        }
        return Ok(splice(text, whole_lines(text, node.start, node.end), ""));
    }
    // The only entry: the collection becomes empty, written `{}` or `[]`.
    let empty = if parent.kind == Kind::Map { "{}" } else { "[]" };
    let line_end = {
        let n = next_line(text, node.end);
        let body = &text[..n];
        body.len() - (body.len() - body.trim_end_matches(['\n', '\r']).len())
    };
    match parent.sep_end {
        Some(sep) => Ok(splice(text, sep..line_end, &format!(" {empty}"))),
        None if parent.parent.is_none() => {
            let start = if starts_line(text, node.start) {
                line_start(text, node.start)
            } else {
                node.start
            };
            Ok(splice(text, start..line_end, empty))
        }
        None => Err(PatchError::Unsupported(format!(
            "cannot remove the last entry of '{}' in this layout; use `vaultfile edit`",
            parent.path
        ))),
    }
}

fn add(at: &Place<'_>, target: &Target) -> Result<Vec<String>, PatchError> {
    let Place { text, doc, path } = *at;
    let o = outline(text, doc)?;
    let (anc, used) = o
        .deepest(path)
        .ok_or_else(|| PatchError::Unsupported("the YAML file has no document to add to".into()))?;
    let rest: Vec<Segment<'_>> = path.segments().skip(used).collect();
    let node = &o.nodes[anc];
    // An alias is a node with no leaf: nothing can be added at it or under it here (the
    // caller refuses writes through aliases with a better message first).
    if node.kind == Kind::Scalar && node.leaf.is_none() {
        return Err(PatchError::Unsupported(format!(
            "'{}' is an alias: its value is written elsewhere",
            node.path
        )));
    }
    if rest.is_empty() {
        return Err(PatchError::Unsupported(format!(
            "'{path}' exists but holds no value that can be replaced"
        )));
    }
    let le = line_ending(text);
    let unit = o.unit(text);
    // A new multi-line string is a block scalar whatever its neighbours' quoting.
    let hint = string_hint(text, doc, &node.path).filter(|_| !target.decoded.contains('\n'));
    let renderings = |col: usize, flow: bool| {
        target.renderings(&Context {
            format: Format::Yaml,
            text,
            hint: hint.as_deref(),
            at: text.len(),
            flow,
            indent: Some(col),
        })
    };
    check_first(&o, anc, &rest, path)?;
    match node.kind {
        Kind::Scalar => {
            // Only a null (`key:` or `key: ~`) can become a mapping or a list.
            if node.leaf != Some(ScalarKind::Null) {
                return Err(PatchError::NotAContainer {
                    path: path.clone(),
                    at: node.path.clone(),
                    what: "a single value",
                });
            }
            let in_flow = node.parent.is_some_and(|p| o.nodes[p].flow.is_some());
            let span = node.value_start..node.end;
            if in_flow || node.sep_end.is_none() {
                let n = renderings(0, true).len();
                return Ok((0..n)
                    .map(|k| {
                        let v = flow_nested(&rest, &renderings(0, true)[k]);
                        splice(text, span.clone(), &v)
                    })
                    .collect());
            }
            let col = column(text, node.start);
            let from = node.sep_end.expect("checked");
            let n = renderings(0, false).len();
            Ok((0..n)
                .map(|k| {
                    let v =
                        block_nested(&rest, col, unit, le, &|c| renderings(c, false)[k].clone());
                    splice(text, from..span.end.max(from), &v)
                })
                .collect())
        }
        Kind::Map | Kind::Seq => {
            if let Some(flow) = o.flow(anc) {
                let n = renderings(0, true).len();
                return Ok((0..n)
                    .map(|k| {
                        let value = flow_nested(&rest[1..], &renderings(0, true)[k]);
                        let entry = match rest[0] {
                            Segment::Key(key) => format!("{}: {value}", super::emit::key(key)),
                            _ => value,
                        };
                        let (range, ins) = flow.append(text, &entry, true, "", None);
                        splice(text, range, &ins)
                    })
                    .collect());
            }
            let Some(&last) = node.children.last() else {
                return Err(PatchError::Unsupported(format!(
                    "'{}' is an empty collection in an unusual layout; use `vaultfile edit`",
                    node.path
                )));
            };
            let first = &o.nodes[node.children[0]];
            let col = column(text, first.start);
            let (at, lead) = after_line(text, o.nodes[last].end);
            let n = renderings(0, false).len();
            Ok((0..n)
                .map(|k| {
                    let r = |c: usize| renderings(c, false)[k].clone();
                    let entry = match rest[0] {
                        Segment::Key(key) => {
                            format!(
                                "{}{}:{}",
                                " ".repeat(col),
                                super::emit::key(key),
                                block_nested(&rest[1..], col, unit, le, &r)
                            )
                        }
                        _ => format!(
                            "{}-{}",
                            " ".repeat(col),
                            block_nested(&rest[1..], col, unit, le, &r)
                        ),
                    };
                    let trail = if lead.is_empty() { le } else { "" };
                    splice(text, at..at, &format!("{lead}{entry}{trail}"))
                })
                .collect())
        }
    }
}

/// Checks that the missing segments fit: the first one the collection it goes into (a key
/// in a mapping, the next index of a list, either in a null), the others new mappings or
/// lists started at index 0.
fn check_first(
    o: &Outline,
    anc: usize,
    rest: &[Segment<'_>],
    path: &KeyPath,
) -> Result<(), PatchError> {
    let node = &o.nodes[anc];
    if rest
        .iter()
        .skip(1)
        .any(|s| !matches!(s, Segment::Key(_) | Segment::Index(0)))
    {
        return Err(PatchError::Unsupported(format!(
            "a new list under '{}' starts at index 0",
            node.path
        )));
    }
    let mismatch = |what| PatchError::NotAContainer {
        path: path.clone(),
        at: node.path.clone(),
        what,
    };
    match (rest[0], node.kind) {
        (Segment::Index(n), Kind::Seq) if n != node.children.len() => {
            Err(PatchError::Unsupported(format!(
                "'{}' has {} items: a new item can only be added at the end, as [{}]",
                node.path,
                node.children.len(),
                node.children.len()
            )))
        }
        (Segment::Index(_), Kind::Seq) | (Segment::Key(_), Kind::Map | Kind::Scalar) => Ok(()),
        (Segment::Index(0), Kind::Scalar) => Ok(()),
        (Segment::Index(_), Kind::Scalar) => Err(PatchError::Unsupported(format!(
            "a new list at '{}' starts at index 0",
            node.path
        ))),
        (Segment::Index(_), Kind::Map) => Err(mismatch("a mapping")),
        (Segment::Key(_), Kind::Seq) => Err(mismatch("a list")),
        (Segment::Document(_), _) => Err(PatchError::Unsupported(
            "set cannot add a document to a YAML stream; use `vaultfile edit`".into(),
        )),
    }
}

/// The text after `key:` (or `-`) for a value made of the missing segments `rest` and the
/// scalar `scalar(column of its owner)`: ` value`, or nested lines at `col + unit`.
fn block_nested(
    rest: &[Segment<'_>],
    col: usize,
    unit: usize,
    le: &str,
    scalar: &dyn Fn(usize) -> String,
) -> String {
    match rest.first() {
        None => format!(" {}", scalar(col)),
        Some(Segment::Key(k)) => {
            let c = col + unit;
            format!(
                "{le}{}{}:{}",
                " ".repeat(c),
                super::emit::key(k),
                block_nested(&rest[1..], c, unit, le, scalar)
            )
        }
        Some(_) => {
            let c = col + unit;
            format!(
                "{le}{}-{}",
                " ".repeat(c),
                block_nested(&rest[1..], c, unit, le, scalar)
            )
        }
    }
}

/// A flow value for the missing segments `rest` around `scalar`: `{k: v}`, `[v]`.
fn flow_nested(rest: &[Segment<'_>], scalar: &str) -> String {
    match rest.first() {
        None => scalar.to_owned(),
        Some(Segment::Key(k)) => {
            format!(
                "{{{}: {}}}",
                super::emit::key(k),
                flow_nested(&rest[1..], scalar)
            )
        }
        Some(_) => format!("[{}]", flow_nested(&rest[1..], scalar)),
    }
}

/// The source text of the last string value under `path` (or anywhere), whose quoting a
/// new value copies.
fn string_hint(text: &str, doc: &Document, path: &KeyPath) -> Option<String> {
    let strings = || {
        doc.leaves
            .iter()
            .filter(|l| l.kind == ScalarKind::String && !l.span.is_empty())
    };
    strings()
        .filter(|l| crate::format::patch::under(l.path, path))
        .last()
        .or_else(|| strings().last())
        .map(|l| text[l.span.clone()].to_owned())
}

/// The spellings of a string value, best first.
fn strings(value: &str, ctx: &Context<'_>) -> Vec<String> {
    let hint = ctx.hint.unwrap_or("");
    let multi_line = value.contains('\n');
    let mut out = Vec::new();
    let double = super::emit::double_quoted(value);
    let single = (!value.chars().any(|c| c.is_control() && c != '\t'))
        .then(|| format!("'{}'", value.replace('\'', "''")));
    let plain = plain_ok(value, ctx.flow).then(|| value.to_owned());
    let block = if ctx.flow || !multi_line {
        None
    } else {
        // Keep the content indentation of the block scalar being replaced.
        let kept = (hint.starts_with(['|', '>']))
            .then(|| hint.split('\n').nth(1))
            .flatten()
            .map(|l| l.len() - l.trim_start_matches(' ').len())
            .filter(|&n| n > 0);
        let col = ctx.indent.unwrap_or_else(|| {
            let start = line_start(ctx.text, ctx.at.min(ctx.text.len()));
            crate::format::patch::line_indent(ctx.text, start).len()
        });
        super::emit::literal_block(value, kept.unwrap_or(col + 2), line_ending(ctx.text))
    };
    match hint.as_bytes().first() {
        Some(b'"') => out.push(double.clone()),
        Some(b'\'') => out.extend(single.clone()),
        Some(b'|' | b'>') => out.extend(block.clone()),
        _ => {}
    }
    if multi_line {
        out.extend(block);
    } else {
        out.extend(plain);
        if !hint.starts_with('"') {
            out.extend(single);
        }
    }
    out.push(double);
    out.dedup();
    out
}

/// Whether `value` can be written as a plain scalar (the check after the edit confirms
/// that it reads back as the same string).
fn plain_ok(value: &str, flow: bool) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    value.trim() == value
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !value.chars().any(|c| c.is_control())
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !(flow && value.contains([',', '[', ']', '{', '}']))
}
