//! Format-aware edits of a plaintext document: set or remove the value at a key path
//! (values are read back through the read model, [`crate::format::view`]).
//!
//! Like the stores, a patch never re-serialises the document: it replaces, inserts or
//! removes byte ranges of the text and leaves every other byte as it was. What it writes
//! follows the file's own style: a new key gets the indentation of its siblings, a string
//! keeps the quoting of the value it replaces (or of its neighbours), a JSON file keeps its
//! separators and indent unit, a dotenv file its `export ` prefixes.
//!
//! Every edit is checked before it is returned: the result is parsed again with the
//! format's [`Store`], and every value outside the edited path must be exactly as it was
//! (same paths, kinds and decoded values, in the same order), and the edited path must hold
//! exactly the new value. When several spellings are possible (a YAML plain scalar, a
//! single-quoted one, a block literal, a double-quoted one), they are tried in order of
//! preference and the first that passes the check wins; when none does, the edit is
//! refused with an error rather than written wrong.
//!
//! Paths are found as a reader finds them ([`crate::format::view`]): `@N.` names a document of a
//! YAML stream, and without it the path must be in exactly one document. A write that
//! would reach other keys through YAML aliases or merge keys is refused with a [`Shared`]
//! error saying why, checked before the edit (so the message can name the anchor) and again
//! after it on the resolved values, so that nothing else a reader sees can change:
//! - `set` on a key that a merge key brings into a mapping adds the key to that mapping,
//!   where it overrides the merged value, as the merge-key convention says;
//! - `unset` on an alias removes the alias with its key, and nothing else;
//! - anything else that goes through an alias, a merge key or an anchor that aliases refer
//!   to (so that the change would show in other keys) is refused.
//!
//! Encrypting the result with the original file as baseline (see
//! [`crate::engine::EncryptOptions::baseline`]) then changes only the edited value's
//! ciphertext and the MAC.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::format::document::{AnchoredNode, Document, ScalarKind};
use crate::format::view::{LookupError, NodeKind, Via, View, ViewError};
use crate::format::{Format, ParseError, ParseOptions, Store, line_ending};
use crate::path::{KeyPath, PathQuery, PathRef, Segment};

/// The value to write with [`set`].
#[derive(Clone, Copy, Debug)]
pub enum NewValue<'a> {
    /// A literal in the format's own syntax (`5432`, `true`, `null`, `"quoted"`,
    /// `1979-05-27`…). Text that is not one valid scalar literal of the format is taken as
    /// a string, so `hello world` needs no quotes.
    Literal(&'a str),
    /// A string, whatever it looks like (`--string`).
    String(&'a str),
}

/// Why an edit was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PatchError {
    /// The document itself does not parse.
    #[error("syntax error: {0}")]
    Parse(#[from] ParseError),
    /// The document parses but cannot be read as values (a duplicate key, an alias cycle…).
    #[error("{0}")]
    View(ViewError),
    /// The path names no document, or several, or none of a stream's ([`View::target`]).
    #[error("{0}")]
    Lookup(#[from] LookupError),
    /// The write would reach other keys through a YAML alias, anchor or merge key.
    #[error("{0}")]
    Shared(#[from] Shared),
    /// Nothing is stored at the path (for [`unset`]).
    #[error("no value at '{path}'")]
    NotFound {
        /// The path asked for.
        path: KeyPath,
        /// A few of the document's paths, to show what paths look like.
        known: Vec<String>,
    },
    /// The path goes through a value that is not a mapping (or, for an index, a list).
    #[error("'{at}' holds {what}, so '{path}' cannot be created under it")]
    NotAContainer {
        /// The path asked for.
        path: KeyPath,
        /// Its ancestor that cannot hold the next segment.
        at: KeyPath,
        /// What that ancestor holds: "a single value", "a mapping" (for an index), "a list"
        /// (for a key).
        what: &'static str,
    },
    /// `set` on a path that holds a mapping or a list.
    #[error("'{0}' holds a mapping or a list, not a single value")]
    IsAContainer(KeyPath),
    /// The edit is valid in principle but this file's layout does not allow it to be done
    /// safely (the message says what and why).
    #[error("{0}")]
    Unsupported(String),
}

impl From<ViewError> for PatchError {
    fn from(e: ViewError) -> Self {
        match e {
            ViewError::Parse(p) => PatchError::Parse(p),
            other => PatchError::View(other),
        }
    }
}

/// The write a [`Shared`] error refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// [`set`].
    Set,
    /// [`unset`].
    Unset,
}

impl Op {
    fn ing(self) -> &'static str {
        match self {
            Op::Set => "setting",
            Op::Unset => "removing",
        }
    }
}

/// Why a write through YAML aliases, anchors or merge keys is refused: it would change
/// values a reader finds at other paths, or could only be done by choosing for the user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Shared {
    /// The path holds an alias.
    #[error(
        "'{path}' is an alias of &{anchor}, the value at '{target}': {} it would either \
         change '{target}' and every alias of &{anchor}, or cut '{path}' loose from them",
        op.ing()
    )]
    IsAlias {
        /// The path written to.
        path: KeyPath,
        /// The anchor's name.
        anchor: String,
        /// Where the anchored node is.
        target: KeyPath,
        /// The write.
        op: Op,
    },
    /// The path is inside the value of an alias.
    #[error(
        "'{path}' comes from the alias at '{alias}' (*{anchor}, a copy of '{target}'): {} \
         it would change '{target}' and every alias of &{anchor} too",
        op.ing()
    )]
    UnderAlias {
        /// The path written to.
        path: KeyPath,
        /// Where the alias stands.
        alias: KeyPath,
        /// The anchor's name.
        anchor: String,
        /// Where the anchored node is.
        target: KeyPath,
        /// The write.
        op: Op,
    },
    /// The path is anchored, inside an anchored node, or holds one, and aliases elsewhere
    /// refer to it.
    #[error("{}", anchored(path, anchor, at, *aliases, *op))]
    Anchored {
        /// The path written to.
        path: KeyPath,
        /// The anchor's name.
        anchor: String,
        /// Where the anchored node is.
        at: KeyPath,
        /// How many aliases outside the path refer to it.
        aliases: usize,
        /// The write.
        op: Op,
    },
    /// The path's value is brought into a mapping by its merge key.
    #[error("{}", merged(path, into, anchor.as_deref(), *op))]
    Merged {
        /// The path written to.
        path: KeyPath,
        /// The mapping that has the merge key.
        into: KeyPath,
        /// The merged mapping's anchor, if an alias named it.
        anchor: Option<String>,
        /// The write.
        op: Op,
    },
    /// The path is a merge key (`<<`) or under one.
    #[error(
        "'{path}' is a merge key: {} it would change every value it merges into '{into}'",
        op.ing()
    )]
    MergeKey {
        /// The merge key's path.
        path: KeyPath,
        /// The mapping it merges into.
        into: KeyPath,
        /// The write.
        op: Op,
    },
}

fn refer(aliases: usize) -> String {
    if aliases == 1 {
        "1 alias refers".into()
    } else {
        format!("{aliases} aliases refer")
    }
}

fn anchored(path: &KeyPath, anchor: &str, at: &KeyPath, aliases: usize, op: Op) -> String {
    let (ing, refer) = (op.ing(), refer(aliases));
    if at == path {
        format!("'{path}' is anchored (&{anchor}) and {refer} to it: {ing} it changes them too")
    } else if under(path.as_path(), at) {
        format!(
            "'{path}' is inside '{at}', which is anchored (&{anchor}), and {refer} to it: \
             {ing} it changes them too"
        )
    } else {
        format!(
            "'{path}' holds the anchor &{anchor} (at '{at}') and {refer} to it: {ing} it \
             would leave them without a value"
        )
    }
}

fn merged(path: &KeyPath, into: &KeyPath, anchor: Option<&str>, op: Op) -> String {
    let from = anchor.map(|a| format!(" from &{a}")).unwrap_or_default();
    match op {
        Op::Set => format!(
            "'{path}' is merged into '{into}'{from} by a merge key (<<), which copies whole \
             keys only: setting it would write a '{}' of its own in '{into}', hiding the \
             other values merged under it",
            parent(path)
        ),
        Op::Unset => format!(
            "'{path}' is merged into '{into}'{from} by a merge key (<<) and not written there: \
             it can only be removed from the mapping it comes from, which changes every \
             mapping that merges it"
        ),
    }
}

/// Refuses, before editing, a write at the canonical `path` that would reach other keys
/// through aliases, anchors or merge keys (see the module documentation).
fn guard(view: &View, path: &KeyPath, op: Op) -> Result<(), Shared> {
    let links = view.links();
    if links.aliases.is_empty() && links.merges.is_empty() {
        return Ok(());
    }
    if let Some(m) = links.merges.iter().find(|m| under(path.as_path(), m)) {
        return Err(Shared::MergeKey {
            path: m.clone(),
            into: parent(m),
            op,
        });
    }
    // The deepest part of the path a reader finds, and how.
    let depth = path.segments().count();
    let found = (0..=depth).rev().find_map(|n| {
        let prefix = KeyPath::from_segments(path.segments().take(n));
        view.locate(&prefix).map(|l| (prefix, l))
    });
    if let Some((at, located)) = found {
        match located.via {
            Some(Via::Alias {
                at: alias,
                anchor,
                target,
            }) => {
                // Removing an alias with its key changes nothing else.
                let removes_it = op == Op::Unset && alias == *path;
                if !removes_it {
                    return Err(if alias == *path {
                        Shared::IsAlias {
                            path: path.clone(),
                            anchor,
                            target,
                            op,
                        }
                    } else {
                        Shared::UnderAlias {
                            path: path.clone(),
                            alias,
                            anchor,
                            target,
                            op,
                        }
                    });
                }
            }
            Some(Via::Merge { into, anchor }) => {
                // A key of its own overrides the merged one: the convention's way to change it.
                let overrides = op == Op::Set && at == *path && parent(path) == into;
                if !overrides {
                    return Err(Shared::Merged {
                        path: path.clone(),
                        into,
                        anchor,
                        op,
                    });
                }
            }
            None => {}
        }
    }
    for a in &links.anchors {
        if matches!(a.node, AnchoredNode::Key { .. })
            || !(under(path.as_path(), &a.path) || under(a.path.as_path(), path))
        {
            continue;
        }
        // Aliases inside what is removed go with it.
        let aliases = links
            .aliases
            .iter()
            .filter(|al| al.anchor == a.id && !under(al.path.as_path(), path))
            .count();
        if aliases > 0 {
            return Err(Shared::Anchored {
                path: path.clone(),
                anchor: a.name.clone(),
                at: a.path.clone(),
                aliases,
                op,
            });
        }
    }
    Ok(())
}

/// Checks, on the resolved values, that an edit changed nothing a reader sees outside
/// `path`, and (for `set`) that `path` now reads as `inside`.
fn same_view(
    store: &dyn Store,
    text: &str,
    before: &View,
    path: &KeyPath,
    inside: Option<&Snap>,
) -> bool {
    let Ok(after) = View::parse(store, text) else {
        return false;
    };
    let outside = |v: &View| -> BTreeMap<KeyPath, (ScalarKind, String)> {
        v.values()
            .filter(|r| !under(r.path.as_path(), path))
            .map(|r| (r.path.clone(), (r.kind, r.value.to_owned())))
            .collect()
    };
    if outside(before) != outside(&after) {
        return false;
    }
    let Some(want) = inside else {
        return true;
    };
    let got: Vec<_> = after
        .values()
        .filter(|r| under(r.path.as_path(), path))
        .collect();
    matches!(got[..], [r] if *r.path == want.path && r.kind == want.kind && r.value == want.value)
}

/// Sets the value at `query`, creating the key (and missing parent mappings) when it does
/// not exist. Returns the new text; it equals `text` when the value was already `value`.
pub fn set(
    store: &dyn Store,
    text: &str,
    query: &PathQuery,
    value: NewValue<'_>,
) -> Result<String, PatchError> {
    let format = store.format();
    let view = read(store, text)?;
    let path = &view.target(query, false)?;
    guard(&view, path, Op::Set)?;
    // A merged mapping holds no leaf at its own path, but a mapping it is.
    if view
        .locate(path)
        .is_some_and(|l| l.node != NodeKind::Scalar)
    {
        return Err(PatchError::IsAContainer(path.clone()));
    }
    let linked = !view.links().is_empty();
    let doc = view.document();
    let before = snapshot(doc);
    let target = Target::resolve(format, value);
    let exact: Vec<usize> = (0..doc.leaves.len())
        .filter(|&i| doc.leaves.get(i).path == *path)
        .collect();
    if !exact.is_empty() {
        // Already that value: nothing to do (whatever the spelling).
        if exact.iter().all(|&i| target.same_as(&doc.leaves.get(i))) {
            return Ok(text.to_owned());
        }
        let inside: Vec<Snap> = exact.iter().map(|_| target.snap(path)).collect();
        let first = doc.leaves.get(exact[0]);
        let ctx = Context {
            format,
            text,
            hint: Some(&text[first.span.clone()]),
            at: first.span.start,
            flow: in_flow(format, text, doc, path),
            indent: match format {
                Format::Yaml => super::yaml::patch::owner_column(text, doc, path),
                _ => None,
            },
        };
        for rendered in target.renderings(&ctx) {
            let placed: Vec<(Range<usize>, String)> = exact
                .iter()
                .map(|&i| place_value(format, text, doc.leaves.span(i), &rendered))
                .collect();
            let edits = placed.iter().map(|(r, s)| (r.clone(), s.as_str()));
            let candidate =
                crate::format::document::apply_edits(text, edits, None, text.len() + 64);
            if verify(store, &candidate, &before, path, &inside, None)
                && (!linked || same_view(store, &candidate, &view, path, inside.first()))
            {
                return Ok(candidate);
            }
        }
        return Err(cannot(format, "write the new value at", path));
    }
    if doc.leaves.iter().any(|l| under(l.path, path)) {
        return Err(PatchError::IsAContainer(path.clone()));
    }
    if path.is_root() {
        return Err(PatchError::Unsupported(
            "set needs a path to a value, not the whole document".into(),
        ));
    }
    let inside = [target.snap(path)];
    let edits = edits_for(format).ok_or_else(binary)?;
    let candidates = (edits.add)(&Place { text, doc, path }, &target)?;
    candidates
        .into_iter()
        .find(|c| {
            verify(store, c, &before, path, &inside, None)
                && (!linked || same_view(store, c, &view, path, inside.first()))
        })
        .ok_or_else(|| cannot(format, "add", path))
}

/// Removes the value at `query` (a single value, or a whole mapping or list) with its key.
pub fn unset(store: &dyn Store, text: &str, query: &PathQuery) -> Result<String, PatchError> {
    let format = store.format();
    let view = read(store, text)?;
    let path = &view.target(query, true)?;
    if path.is_root() || matches!(last_segment(path), Some(Segment::Document(_))) {
        return Err(PatchError::Unsupported(
            "unset needs a path to a key or a list item, not a whole document".into(),
        ));
    }
    guard(&view, path, Op::Unset)?;
    let linked = !view.links().is_empty();
    let doc = view.document();
    let before = snapshot(doc);
    let edits = edits_for(format).ok_or_else(binary)?;
    let candidate = (edits.remove)(&Place { text, doc, path })?;
    let shift = match last_segment(path) {
        Some(Segment::Index(i)) => Some(i),
        _ => None,
    };
    // Removing a list item renumbers the later ones, which the resolved check would take
    // for changes; the leaf check covers them.
    if verify(store, &candidate, &before, path, &[], shift)
        && (!linked || shift.is_some() || same_view(store, &candidate, &view, path, None))
    {
        Ok(candidate)
    } else {
        Err(cannot(format, "remove", path))
    }
}

/// Parses `text` into its read model, with its YAML links.
fn read(store: &dyn Store, text: &str) -> Result<View, PatchError> {
    if store.format() == Format::Binary {
        return Err(binary());
    }
    Ok(View::parse(store, text)?)
}

fn binary() -> PatchError {
    PatchError::Unsupported(
        "this file is encrypted whole (binary), so it has no paths; use `vaultfile edit`".into(),
    )
}

fn cannot(format: Format, what: &str, path: &KeyPath) -> PatchError {
    PatchError::Unsupported(format!(
        "cannot {what} '{path}' without changing other parts of this {format} file \
         (its layout around that key is unusual); use `vaultfile edit` instead"
    ))
}

pub(crate) fn not_found(doc: &Document, path: &KeyPath) -> PatchError {
    PatchError::NotFound {
        path: path.clone(),
        known: doc
            .leaves
            .iter()
            .take(8)
            .map(|l| l.path.to_string())
            .collect(),
    }
}

/// True when `p` is `prefix` or below it.
pub(crate) fn under(p: PathRef<'_>, prefix: &KeyPath) -> bool {
    p.starts_with(prefix.as_path())
}

fn last_segment(path: &KeyPath) -> Option<Segment<'_>> {
    path.segments().last()
}

/// Walks from `node`, which covers the first `used` of `segs`, down the outline of a
/// document to the deepest node on the path; returns it and how many segments it covers.
///
/// The YAML and TOML edits keep their outlines in different node types; `path` and
/// `children` read one node's path and its children's indices.
pub(crate) fn deepest<'o>(
    (mut node, mut used): (usize, usize),
    segs: &[Segment<'_>],
    path: impl Fn(usize) -> &'o KeyPath,
    children: impl Fn(usize) -> &'o [usize],
) -> (usize, usize) {
    while used < segs.len() {
        let mut want = path(node).clone();
        want.push(segs[used]);
        match children(node).iter().find(|&&c| *path(c) == want) {
            Some(&c) => {
                node = c;
                used += 1;
            }
            None => break,
        }
    }
    (node, used)
}

/// The path without its last segment.
pub(crate) fn parent(path: &KeyPath) -> KeyPath {
    let n = path.segments().count();
    KeyPath::from_segments(path.segments().take(n.saturating_sub(1)))
}

/// One leaf as the checks compare it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Snap {
    path: KeyPath,
    kind: ScalarKind,
    value: String,
}

fn snapshot(doc: &Document) -> Vec<Snap> {
    doc.leaves
        .iter()
        .map(|l| Snap {
            path: l.path.to_owned(),
            kind: l.kind,
            value: l.value.unwrap_or_default().to_owned(),
        })
        .collect()
}

/// Checks an edited text: it parses, has no metadata block, every leaf outside `path` is
/// as it was (shifted down by one index when the list item `shift` of `path`'s parent was
/// removed), and the leaves under `path` are exactly `inside`.
fn verify(
    store: &dyn Store,
    text: &str,
    before: &[Snap],
    path: &KeyPath,
    inside: &[Snap],
    shift: Option<usize>,
) -> bool {
    let Ok(doc) = store.parse(
        text,
        ParseOptions {
            decode_values: true,
        },
    ) else {
        return false;
    };
    if doc.metadata.is_some() {
        return false;
    }
    let after = snapshot(&doc);
    let list = parent(path);
    let expected = before
        .iter()
        .filter(|s| !under(s.path.as_path(), path))
        // A null that becomes the new key's parent mapping.
        .filter(|s| !(s.kind == ScalarKind::Null && under(path.as_path(), &s.path)))
        .map(|s| match shift {
            Some(removed) => Snap {
                path: shifted(&s.path, &list, removed),
                ..s.clone()
            },
            None => s.clone(),
        });
    if shift.is_some() {
        // The later items moved down into the removed one's place.
        return after.into_iter().eq(expected);
    }
    let outside = after
        .iter()
        .filter(|s| !under(s.path.as_path(), path))
        .cloned();
    if !outside.eq(expected) {
        return false;
    }
    let got_inside: Vec<&Snap> = after
        .iter()
        .filter(|s| under(s.path.as_path(), path))
        .collect();
    got_inside.len() == inside.len() && got_inside.iter().zip(inside).all(|(a, b)| *a == b)
}

/// `p` with the index after `list` lowered by one when it is above `removed`.
fn shifted(p: &KeyPath, list: &KeyPath, removed: usize) -> KeyPath {
    if !under(p.as_path(), list) || p == list {
        return p.clone();
    }
    let depth = list.segments().count();
    KeyPath::from_segments(p.segments().enumerate().map(|(i, s)| match s {
        Segment::Index(n) if i == depth && n > removed => Segment::Index(n - 1),
        other => other,
    }))
}

/// The new value, resolved against the format's literal syntax.
pub(crate) struct Target {
    kind: ScalarKind,
    /// The decoded value (what a parser reads back).
    pub(crate) decoded: String,
    /// For non-string literals: the text to write as it is.
    verbatim: Option<String>,
}

impl Target {
    fn resolve(format: Format, value: NewValue<'_>) -> Target {
        let string = |s: &str| Target {
            kind: ScalarKind::String,
            decoded: s.to_owned(),
            verbatim: None,
        };
        let lit = match value {
            NewValue::String(s) => return string(s),
            NewValue::Literal(s) => s,
        };
        match probe_literal(format, lit) {
            Some((ScalarKind::String, decoded)) => string(&decoded),
            Some((kind, decoded)) => Target {
                kind,
                decoded,
                verbatim: Some(lit.to_owned()),
            },
            None => string(lit),
        }
    }

    fn same_as(&self, leaf: &crate::format::document::Leaf<'_>) -> bool {
        leaf.kind == self.kind
            && (self.kind == ScalarKind::Null || leaf.value.unwrap_or_default() == self.decoded)
    }

    fn snap(&self, path: &KeyPath) -> Snap {
        Snap {
            path: path.clone(),
            kind: self.kind,
            value: self.decoded.clone(),
        }
    }

    /// The spellings to try, best first.
    pub(crate) fn renderings(&self, ctx: &Context<'_>) -> Vec<String> {
        match &self.verbatim {
            Some(v) => vec![v.clone()],
            None => {
                edits_for(ctx.format).map_or_else(Vec::new, |e| (e.strings)(&self.decoded, ctx))
            }
        }
    }
}

/// Where a value is written, for choosing its spelling.
/// Where an edit applies: the text, its parsed document, and the path to add or remove.
#[derive(Clone, Copy)]
pub(crate) struct Place<'a> {
    pub text: &'a str,
    pub doc: &'a Document,
    pub path: &'a KeyPath,
}

/// How one text format edits its files: the functions its `patch.rs` provides (its
/// `EDITS`), found through [`edits_for`]. The shared logic here chooses the path and
/// verifies every candidate by parsing it again; these only write text.
pub(crate) struct Edits {
    /// The texts that would add a value at the place's path, best first.
    pub(crate) add: AddFn,
    /// The text without the value (or collection) at the place's path, and its key.
    pub(crate) remove: RemoveFn,
    /// The spellings of a new string value in this format, best first.
    pub(crate) strings: StringsFn,
}

type AddFn = fn(&Place<'_>, &Target) -> Result<Vec<String>, PatchError>;
type RemoveFn = fn(&Place<'_>) -> Result<String, PatchError>;
type StringsFn = fn(&str, &Context<'_>) -> Vec<String>;

impl Edits {
    /// A format's edits: `add`, `remove` and `strings` (see the fields).
    pub(crate) const fn new(add: AddFn, remove: RemoveFn, strings: StringsFn) -> Self {
        Edits {
            add,
            remove,
            strings,
        }
    }
}

/// The edits of `format`, one line per text format; `None` for binary files, which have no
/// values to edit one by one.
pub(crate) fn edits_for(format: Format) -> Option<&'static Edits> {
    match format {
        Format::Yaml => Some(&super::yaml::patch::EDITS),
        Format::Json => Some(&super::json::patch::EDITS),
        Format::Toml => Some(&super::toml::patch::EDITS),
        Format::Dotenv => Some(&super::dotenv::patch::EDITS),
        Format::Binary => None,
    }
}

pub(crate) struct Context<'a> {
    pub format: Format,
    pub text: &'a str,
    /// The source text of the value being replaced, or of a neighbour: its quoting is kept.
    pub hint: Option<&'a str>,
    /// Where the value goes (for YAML block scalars: the indentation of its line).
    pub at: usize,
    /// Inside a flow collection (`{…}`, `[…]`), where YAML block scalars cannot go.
    pub flow: bool,
    /// For a new YAML entry: the column of its key, when it differs from `at`'s line.
    pub indent: Option<usize>,
}

/// Where a new spelling goes: the old value's span, except for an empty YAML value
/// (`key:`, `-`), whose empty span sits on the indicator: the value goes after it.
fn place_value(
    format: Format,
    text: &str,
    span: Range<usize>,
    rendered: &str,
) -> (Range<usize>, String) {
    if format == Format::Yaml && span.is_empty() {
        let b = text.as_bytes();
        if matches!(b.get(span.start), Some(b':' | b'-')) {
            let at = span.start + 1;
            return (at..at, format!(" {rendered}"));
        }
        if span.start > 0 && matches!(b[span.start - 1], b':' | b'-') {
            return (span, format!(" {rendered}"));
        }
    }
    (span, rendered.to_owned())
}

/// Whether `path`'s value sits inside a flow collection (YAML only; other formats do not
/// care).
fn in_flow(format: Format, text: &str, doc: &Document, path: &KeyPath) -> bool {
    format == Format::Yaml && super::yaml::patch::in_flow(text, doc, path)
}

/// Reads `lit` as one scalar literal of `format`: its kind and decoded value, or `None`
/// when it is not exactly one scalar literal (then it is taken as a string).
fn probe_literal(format: Format, lit: &str) -> Option<(ScalarKind, String)> {
    if lit.is_empty() || lit.trim() != lit || lit.contains(['\n', '\r']) {
        return None;
    }
    let (doc, offset, key) = match format {
        Format::Yaml => (format!("k: {lit}\n"), 3, "k"),
        Format::Json => (format!("{{\"k\": {lit}}}"), 6, "k"),
        Format::Toml => (format!("k = {lit}\n"), 4, "k"),
        Format::Dotenv => (format!("K={lit}\n"), 2, "K"),
        Format::Binary => return None,
    };
    let store = crate::format::store_for(format)?;
    let parsed = store
        .parse(
            &doc,
            ParseOptions {
                decode_values: true,
            },
        )
        .ok()?;
    let [leaf] = [parsed.leaves.iter().next()?];
    if parsed.leaves.len() != 1
        || parsed.metadata.is_some()
        || leaf.path != KeyPath::from_segments([Segment::Key(key)])
        || leaf.span != (offset..offset + lit.len())
    {
        return None;
    }
    Some((leaf.kind, leaf.value.unwrap_or_default().to_owned()))
}

// ---------------------------------------------------------------------------------------
// Text helpers shared by the formats.

/// The start of the line holding `pos`.
pub(crate) fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// Just after the line break that ends the line holding `pos` (or the end of the text).
pub(crate) fn next_line(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// True when only blanks stand between the start of `pos`'s line and `pos`.
pub(crate) fn starts_line(text: &str, pos: usize) -> bool {
    text[line_start(text, pos)..pos]
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
}

/// The leading blanks of the line holding `pos`.
pub(crate) fn line_indent(text: &str, pos: usize) -> &str {
    let start = line_start(text, pos);
    let line = &text[start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The whole lines from `start`'s line to `end`'s line, line break included.
pub(crate) fn whole_lines(text: &str, start: usize, end: usize) -> Range<usize> {
    line_start(text, start)..next_line(text, end.max(start))
}

/// Where to add a line after the line holding `pos`, and the text to put first (a line
/// break when that line is the last and has none).
pub(crate) fn after_line(text: &str, pos: usize) -> (usize, &'static str) {
    let at = next_line(text, pos);
    if at == text.len() && !text.ends_with('\n') {
        (at, line_ending(text))
    } else {
        (at, "")
    }
}

/// Where to append a line at the end of the text, and the line break to put first when
/// the last line has none.
pub(crate) fn end_of_text(text: &str) -> (usize, &'static str) {
    if text.is_empty() || text.ends_with('\n') {
        (text.len(), "")
    } else {
        (text.len(), line_ending(text))
    }
}

/// Replaces `range` with `insert`.
pub(crate) fn splice(text: &str, range: Range<usize>, insert: &str) -> String {
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..range.start]);
    out.push_str(insert);
    out.push_str(&text[range.end..]);
    out
}

/// Removes each range (sorted, merged first).
pub(crate) fn remove_ranges(text: &str, mut ranges: Vec<Range<usize>>) -> String {
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in ranges {
        if r.end <= pos {
            continue;
        }
        out.push_str(&text[pos..r.start.max(pos)]);
        pos = r.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// A flow collection (`{…}`, `[…]`, a JSON object or array, a TOML inline table or array)
/// and the extent of each of its entries (key through value).
pub(crate) struct Flow {
    /// The opening bracket.
    pub open: usize,
    /// The closing bracket.
    pub close: usize,
    /// Each entry, from the start of its key (or value) to the end of its value.
    pub items: Vec<Range<usize>>,
}

impl Flow {
    /// The bytes to delete to remove entry `i` with one comma.
    pub(crate) fn remove(&self, i: usize) -> Range<usize> {
        let item = &self.items[i];
        if let Some(next) = self.items.get(i + 1) {
            item.start..next.start
        } else if i > 0 {
            // The last entry: take the comma before it; a trailing comma after it stays
            // (it was valid before, so it is still).
            self.items[i - 1].end..item.end
        } else {
            self.open + 1..self.close
        }
    }

    /// The edit that appends `entry` (already rendered) after the last entry.
    /// `pad` is put inside the brackets of an empty collection (`" "` for TOML's
    /// `{ k = v }`); `pretty` gives the line break and indent unit for an empty
    /// collection in a multi-line document (JSON).
    pub(crate) fn append(
        &self,
        text: &str,
        entry: &str,
        comments: bool,
        pad: &str,
        pretty: Option<(&str, &str)>,
    ) -> (Range<usize>, String) {
        let Some(last) = self.items.last() else {
            let inner = match pretty {
                Some((le, unit)) => {
                    let indent = line_indent(text, self.open);
                    format!("{le}{indent}{unit}{entry}{le}{indent}")
                }
                None => format!("{pad}{entry}{pad}"),
            };
            return (self.open + 1..self.close, inner);
        };
        let multi_line = text[self.open..last.start].contains('\n');
        let trailing_comma = next_significant(text, last.end, comments)
            .filter(|&(_, c)| c == ',')
            .map(|(p, _)| p);
        if multi_line {
            let indent = line_indent(text, last.start);
            let le = line_ending(text);
            match trailing_comma {
                Some(c) => (c + 1..c + 1, format!("{le}{indent}{entry},")),
                None => (last.end..last.end, format!(",{le}{indent}{entry}")),
            }
        } else {
            let space = match self.items.len() {
                1 if !text[self.open..=self.close].contains(' ') => "",
                1 => " ",
                n => {
                    let between = &text[self.items[n - 2].end..last.start];
                    if between.ends_with(' ') { " " } else { "" }
                }
            };
            match trailing_comma {
                Some(c) => (c + 1..c + 1, format!("{space}{entry},")),
                None => (last.end..last.end, format!(",{space}{entry}")),
            }
        }
    }
}

/// The first character at or after `pos` that is not a blank, a line break or (when
/// `comments`) part of a `#` comment.
pub(crate) fn next_significant(text: &str, pos: usize, comments: bool) -> Option<(usize, char)> {
    let mut chars = text[pos..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {}
            '#' if comments => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            _ => return Some((pos + i, c)),
        }
    }
    None
}

#[cfg(test)]
mod tests;
