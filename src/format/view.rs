//! The read model: a document's values as a program that loads the file sees them.
//!
//! The stores report leaves: the bytes to encrypt. That is not what a reader sees. A YAML
//! alias (`password: *pw`) has no bytes of its own, so it is no leaf; a merge key
//! (`<<: *defaults`) copies a whole mapping into another; a stream can hold several
//! documents with the same paths. Every command that reads values (`get`, `decrypt
//! --extract` and `--output-type`, `exec-env`, `exec-file`, `export`, the Kubernetes
//! Secret) reads them through this one view, so they agree with each other and with the
//! programs that load the file. It is built on demand from a parsed [`Document`] and the
//! [`Links`] the YAML store recorded; the file is never changed by it (aliases stay
//! aliases in the encrypted file), and encryption and decryption never build it.
//!
//! What it resolves, as YAML 1.2 and the merge-key convention define it:
//! - an alias reads as the node its anchor is on (a scalar, a mapping or a list), wherever
//!   it stands, nested aliases included;
//! - a merge key (`<<: *a`, `<<: [*a, *b]`, an inline mapping, or SOPS's `!!merge <<:`)
//!   adds the keys of the mappings it names that the mapping does not have itself: keys
//!   written in the mapping win over merged ones, and earlier mappings in a list win over
//!   later ones. The `<<` key itself is no value;
//! - documents: `@N.path` names document N of a stream (the first is `@0`); a path without
//!   `@N.` must be found in exactly one document (see [`View::lookup`]).
//!
//! A key written twice in one mapping is an error naming both lines rather than a silent
//! first or last (YAML requires unique keys; JSON readers disagree on which one wins),
//! except in dotenv files, where a later assignment wins as every loader does. An alias
//! cycle, nesting deeper than [`MAX_DEPTH`] or an expansion past [`MAX_NODES`] nodes (a
//! "billion laughs" file) is an error, never a hang.

use std::collections::{HashMap, HashSet};

use crate::format::document::{AnchoredNode, Document, Links, ScalarKind};
use crate::format::{Format, ParseError, ParseOptions, Store};
use crate::path::{KeyPath, PathQuery, Segment};

/// How deep values may nest, counting each alias and merge followed as a level.
pub const MAX_DEPTH: usize = 512;

/// The most nodes reading a document may visit, aliases and merges followed.
pub const MAX_NODES: usize = 4_000_000;

/// Why a document cannot be read as values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ViewError {
    /// The text does not parse.
    #[error("syntax error: {0}")]
    Parse(#[from] ParseError),
    /// A key is written twice in one mapping.
    #[error("the key '{path}' is written twice, on lines {first_line} and {second_line}")]
    DuplicateKey {
        /// The path the key gives.
        path: KeyPath,
        /// The line of its first occurrence.
        first_line: usize,
        /// The line of the next one.
        second_line: usize,
    },
    /// An alias refers to a node that contains it.
    #[error("the alias at '{path}' refers to &{anchor}, which contains it: it would never end")]
    AliasCycle {
        /// Where the cycle was found.
        path: KeyPath,
        /// The anchor's name.
        anchor: String,
    },
    /// A merge key's value is not a mapping or a list of mappings.
    #[error("the merge key '{path}' must hold a mapping, an alias of one, or a list of them")]
    BadMerge {
        /// The merge key's path (`a.<<`).
        path: KeyPath,
    },
    /// Values nest deeper than [`MAX_DEPTH`].
    #[error("the values at '{path}' nest more than {MAX_DEPTH} levels deep")]
    TooDeep {
        /// Where the limit was reached.
        path: KeyPath,
    },
    /// The aliases expand past [`MAX_NODES`] nodes.
    #[error("the aliases of this file expand to more than {MAX_NODES} nodes")]
    TooLarge,
}

/// Why a path has no value to read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LookupError {
    /// Nothing is at the path.
    #[error("no value at '{query}'")]
    NotFound {
        /// The path asked for.
        query: PathQuery,
        /// A few of the document's paths, to show what paths look like.
        known: Vec<String>,
    },
    /// The path, without `@N.`, is found in several documents of the stream.
    #[error(
        "'{query}' is in {} documents of this file; name one: {}",
        choices.len(),
        choices.join(", ")
    )]
    Ambiguous {
        /// The path asked for.
        query: PathQuery,
        /// The path in each document that has it (`@0.a`, `@1.a`).
        choices: Vec<String>,
    },
    /// A new path, without `@N.`, in a stream of several documents.
    #[error(
        "this file has {} documents and '{query}' is in none of them; name the one to write \
         to: {}",
        choices.len(),
        choices.join(", ")
    )]
    NeedsDocument {
        /// The path asked for.
        query: PathQuery,
        /// The path in each document.
        choices: Vec<String>,
    },
    /// `@N.` names a document the stream does not have.
    #[error("'{query}' names document @{document}, but this file has {documents} (@0 to @{})", documents.saturating_sub(1))]
    NoDocument {
        /// The path asked for.
        query: PathQuery,
        /// The document named.
        document: usize,
        /// How many the file has.
        documents: usize,
    },
}

/// What [`View::lookup`] found.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    /// A single value, decoded (quotes and escapes removed).
    Value {
        /// Its kind.
        kind: ScalarKind,
        /// Its decoded text.
        value: String,
    },
    /// A mapping or a list, as JSON (see [`View::to_json`]).
    Tree(serde_json::Value),
}

/// How a value was reached when it is not written at its own path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// Through an alias: the value is the anchored node's, or inside it.
    Alias {
        /// Where the alias stands (the value's path or an ancestor of it).
        at: KeyPath,
        /// The anchor's name, without `&`.
        anchor: String,
        /// Where the anchored node is.
        target: KeyPath,
    },
    /// Merged into a mapping by its merge key.
    Merge {
        /// The mapping that has the merge key.
        into: KeyPath,
        /// The anchor of the merged mapping, when it was named by an alias.
        anchor: Option<String>,
    },
}

/// One value of the view.
#[derive(Clone, Copy, Debug)]
pub struct Resolved<'a> {
    /// Where a reader finds it.
    pub path: &'a KeyPath,
    /// Its kind.
    pub kind: ScalarKind,
    /// Its decoded text.
    pub value: &'a str,
    /// How it was reached, when not written at `path` itself.
    pub via: Option<&'a Via>,
}

/// What is at a path, as [`View::locate`] finds it.
#[derive(Clone, Debug)]
pub struct Located {
    /// What the path holds.
    pub node: NodeKind,
    /// The first alias or merge on the way to it, if any.
    pub via: Option<Via>,
}

/// The kind of node at a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A single value.
    Scalar,
    /// A mapping.
    Mapping,
    /// A list.
    Sequence,
}

type NodeId = usize;

/// A node of the document tree, as written (aliases unresolved).
#[derive(Debug)]
enum Node {
    /// A place with no value under it yet (a list item with no leaf, before the next).
    Empty,
    /// A leaf, by its index in the document.
    Scalar(usize),
    /// An alias, by its anchor's id.
    Alias(usize),
    Map(MapNode),
    Seq(Vec<NodeId>),
}

#[derive(Debug, Default)]
struct MapNode {
    /// Key, value, and whether the key is a merge key, in source order.
    entries: Vec<(String, NodeId, bool)>,
    index: HashMap<String, usize>,
}

/// Where a resolved value comes from.
#[derive(Clone, Copy, Debug)]
enum Source {
    Leaf(usize),
    /// An anchored key, by the anchor's index in [`Links::anchors`].
    Key(usize),
}

#[derive(Debug)]
struct Entry {
    path: KeyPath,
    source: Source,
    via: Option<usize>,
}

/// What an alias leads to.
#[derive(Clone, Copy)]
enum Target {
    Node(NodeId),
    /// An anchored key (index in [`Links::anchors`]).
    Key(usize),
    /// Nothing: an anchored empty collection, or an anchor the view does not know.
    Nothing,
}

/// A mapping's key after its merges: its value and, for a merged key, where it came from.
struct Member<'v> {
    key: &'v str,
    node: NodeId,
    merged: Option<Option<&'v str>>,
}

/// The read model of one document (see the module documentation).
pub struct View {
    doc: Document,
    links: Links,
    format: Format,
    nodes: Vec<Node>,
    roots: Vec<NodeId>,
    /// Anchor id → index in `links.anchors`.
    anchor_index: HashMap<usize, usize>,
    /// Index in `links.anchors` → what it is on.
    targets: Vec<Target>,
    entries: Vec<Entry>,
    vias: Vec<Via>,
}

impl std::fmt::Debug for View {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the values: they are secrets.
        f.debug_struct("View")
            .field("format", &self.format)
            .field("documents", &self.roots.len())
            .field("values", &self.entries.len())
            .finish()
    }
}

/// The state of one expansion: aliases and merges being followed, the work done, and the
/// output.
#[derive(Default)]
struct Walk {
    active_aliases: Vec<usize>,
    active_maps: Vec<NodeId>,
    steps: usize,
    out: Vec<Entry>,
    vias: Vec<Via>,
}

impl Walk {
    /// Counts `n` nodes visited.
    fn step(&mut self, n: usize) -> Result<(), ViewError> {
        self.steps += n;
        if self.steps > MAX_NODES {
            return Err(ViewError::TooLarge);
        }
        Ok(())
    }
}

impl View {
    /// Parses `text` with `store` and builds its view (YAML with its links).
    pub fn parse(store: &dyn Store, text: &str) -> Result<View, ViewError> {
        let format = store.format();
        let (doc, links) = if format == Format::Yaml {
            crate::format::yaml::parse_linked(text)?
        } else {
            let doc = store.parse(
                text,
                ParseOptions {
                    decode_values: true,
                },
            )?;
            (doc, Links::default())
        };
        View::new(doc, links, format, text)
    }

    /// Builds the view of `doc`, parsed from `text` with decoded values, and its `links`.
    pub fn new(doc: Document, links: Links, format: Format, text: &str) -> Result<View, ViewError> {
        let line = |offset: usize| {
            text.as_bytes()[..offset.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        };
        if let Some(d) = links.duplicates.first() {
            return Err(ViewError::DuplicateKey {
                path: d.path.clone(),
                first_line: line(d.first),
                second_line: line(d.second),
            });
        }
        let needed = doc
            .leaves
            .iter()
            .map(|l| l.path.document() + 1)
            .chain(
                links
                    .aliases
                    .iter()
                    .map(|a| a.path.as_path().document() + 1),
            )
            .max()
            .unwrap_or(1);
        let documents = needed.max(links.documents).max(1);
        let mut view = View {
            nodes: (0..documents).map(|_| Node::Empty).collect(),
            roots: (0..documents).collect(),
            anchor_index: links
                .anchors
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id, i))
                .collect(),
            targets: Vec::new(),
            entries: Vec::new(),
            vias: Vec::new(),
            doc,
            links,
            format,
        };
        let mut starts: Vec<usize> = vec![0; documents];
        view.build(&mut starts)
            .map_err(|(path, first, second)| ViewError::DuplicateKey {
                path,
                first_line: line(first),
                second_line: line(second),
            })?;
        view.targets = view
            .links
            .anchors
            .iter()
            .enumerate()
            .map(|(i, a)| match a.node {
                AnchoredNode::Key { .. } => Target::Key(i),
                _ => view.find(&a.path).map_or(Target::Nothing, Target::Node),
            })
            .collect();
        let mut walk = Walk::default();
        for (d, &root) in view.roots.iter().enumerate() {
            let mut path = KeyPath::root();
            if d > 0 {
                path.push(Segment::Document(d));
            }
            view.expand(root, &mut path, None, 0, &mut walk)?;
        }
        view.entries = walk.out;
        view.vias = walk.vias;
        Ok(view)
    }

    /// Puts every leaf and alias in the tree, in source order. A place taken twice is a
    /// duplicate key: (path, first offset, second offset).
    fn build(&mut self, starts: &mut Vec<usize>) -> Result<(), (KeyPath, usize, usize)> {
        let merges: HashSet<Vec<u8>> = self
            .links
            .merges
            .iter()
            .map(|p| p.as_bytes().to_vec())
            .collect();
        let mut aliases = 0;
        for i in 0..=self.doc.leaves.len() {
            while let Some(a) = self.links.aliases.get(aliases) {
                if a.leaves_before > i {
                    break;
                }
                let (path, node, at) = (a.path.clone(), Node::Alias(a.anchor), a.span.start);
                self.insert(&path, node, at, &merges, starts)?;
                aliases += 1;
            }
            if i < self.doc.leaves.len() {
                let leaf = self.doc.leaves.get(i);
                let (path, at) = (leaf.path.to_owned(), leaf.span.start);
                self.insert(&path, Node::Scalar(i), at, &merges, starts)?;
            }
        }
        Ok(())
    }

    fn new_node(&mut self, starts: &mut Vec<usize>, at: usize) -> NodeId {
        self.nodes.push(Node::Empty);
        starts.push(at);
        self.nodes.len() - 1
    }

    fn insert(
        &mut self,
        path: &KeyPath,
        node: Node,
        at: usize,
        merges: &HashSet<Vec<u8>>,
        starts: &mut Vec<usize>,
    ) -> Result<(), (KeyPath, usize, usize)> {
        let p = path.as_path();
        let doc = p.document();
        let skip = usize::from(doc > 0);
        let prefix = |depth: usize| KeyPath::from_segments(p.segments().take(skip + depth));
        let mut cur = self.roots[doc];
        for (depth, seg) in p.in_document().segments().enumerate() {
            match seg {
                Segment::Key(k) => {
                    if matches!(self.nodes[cur], Node::Empty) {
                        self.nodes[cur] = Node::Map(MapNode::default());
                    }
                    let Node::Map(m) = &self.nodes[cur] else {
                        return Err((prefix(depth), starts[cur], at));
                    };
                    cur = match m.index.get(k) {
                        Some(&i) => m.entries[i].1,
                        None => {
                            let merge =
                                !merges.is_empty() && merges.contains(prefix(depth + 1).as_bytes());
                            let child = self.new_node(starts, at);
                            let Node::Map(m) = &mut self.nodes[cur] else {
                                unreachable!("checked above")
                            };
                            m.index.insert(k.to_owned(), m.entries.len());
                            m.entries.push((k.to_owned(), child, merge));
                            child
                        }
                    };
                }
                Segment::Index(i) => {
                    if matches!(self.nodes[cur], Node::Empty) {
                        self.nodes[cur] = Node::Seq(Vec::new());
                    }
                    let len = match &self.nodes[cur] {
                        Node::Seq(items) => items.len(),
                        _ => return Err((prefix(depth), starts[cur], at)),
                    };
                    for _ in len..=i {
                        let child = self.new_node(starts, at);
                        if let Node::Seq(items) = &mut self.nodes[cur] {
                            items.push(child);
                        }
                    }
                    let Node::Seq(items) = &self.nodes[cur] else {
                        unreachable!("checked above")
                    };
                    cur = items[i];
                }
                // Only ever first, and taken off by `in_document`.
                Segment::Document(_) => {}
            }
        }
        match self.nodes[cur] {
            Node::Empty => {}
            // dotenv: a later assignment wins, as every dotenv loader does.
            Node::Scalar(_) if self.format == Format::Dotenv => {}
            _ => return Err((path.clone(), starts[cur], at)),
        }
        self.nodes[cur] = node;
        starts[cur] = starts[cur].min(at);
        Ok(())
    }

    /// The node written at `path`, aliases not followed.
    fn find(&self, path: &KeyPath) -> Option<NodeId> {
        let p = path.as_path();
        let mut cur = *self.roots.get(p.document())?;
        for seg in p.in_document().segments() {
            cur = match (seg, &self.nodes[cur]) {
                (Segment::Key(k), Node::Map(m)) => m.entries[*m.index.get(k)?].1,
                (Segment::Index(i), Node::Seq(items)) => *items.get(i)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// What the alias with anchor id `id` leads to, and the anchor's index.
    fn alias_target(&self, id: usize) -> (Target, Option<usize>) {
        match self.anchor_index.get(&id) {
            Some(&i) => (self.targets[i], Some(i)),
            None => (Target::Nothing, None),
        }
    }

    fn anchor_name(&self, index: Option<usize>) -> &str {
        index.map_or("?", |i| self.links.anchors[i].name.as_str())
    }

    /// Appends the values of `node`, found at `path`, to the walk's output.
    fn expand(
        &self,
        node: NodeId,
        path: &mut KeyPath,
        via: Option<usize>,
        depth: usize,
        walk: &mut Walk,
    ) -> Result<(), ViewError> {
        if depth > MAX_DEPTH {
            return Err(ViewError::TooDeep { path: path.clone() });
        }
        walk.step(1)?;
        match &self.nodes[node] {
            Node::Empty => {}
            Node::Scalar(leaf) => push(walk, path, Source::Leaf(*leaf), via),
            Node::Alias(id) => {
                let (target, index) = self.alias_target(*id);
                if walk.active_aliases.contains(id) {
                    return Err(ViewError::AliasCycle {
                        path: path.clone(),
                        anchor: self.anchor_name(index).to_owned(),
                    });
                }
                let via = via.or_else(|| {
                    walk.vias.push(Via::Alias {
                        at: path.clone(),
                        anchor: self.anchor_name(index).to_owned(),
                        target: index
                            .map_or_else(KeyPath::root, |i| self.links.anchors[i].path.clone()),
                    });
                    Some(walk.vias.len() - 1)
                });
                walk.active_aliases.push(*id);
                match target {
                    Target::Node(n) => self.expand(n, path, via, depth + 1, walk)?,
                    Target::Key(i) => push(walk, path, Source::Key(i), via),
                    Target::Nothing => {}
                }
                walk.active_aliases.pop();
            }
            Node::Seq(items) => {
                for (i, &item) in items.iter().enumerate() {
                    let mark = path.mark();
                    path.push_index(i);
                    self.expand(item, path, via, depth + 1, walk)?;
                    path.truncate(mark);
                }
            }
            Node::Map(_) => {
                let members = self.members(node, path, depth, walk)?;
                for m in members {
                    let via = via.or_else(|| {
                        let anchor = m.merged?;
                        walk.vias.push(Via::Merge {
                            into: path.clone(),
                            anchor: anchor.map(str::to_owned),
                        });
                        Some(walk.vias.len() - 1)
                    });
                    let mark = path.mark();
                    path.push_key(m.key);
                    self.expand(m.node, path, via, depth + 1, walk)?;
                    path.truncate(mark);
                }
            }
        }
        Ok(())
    }

    /// The keys of the mapping `node` at `path` once its merge keys are applied: its own
    /// keys where they are written, each merged key that it does not have at the place of
    /// the merge key, the first merged mapping winning.
    fn members(
        &self,
        node: NodeId,
        path: &KeyPath,
        depth: usize,
        walk: &mut Walk,
    ) -> Result<Vec<Member<'_>>, ViewError> {
        let Node::Map(m) = &self.nodes[node] else {
            return Ok(Vec::new());
        };
        if depth > MAX_DEPTH {
            return Err(ViewError::TooDeep { path: path.clone() });
        }
        walk.step(m.entries.len())?;
        fn own((k, n, merge): &(String, NodeId, bool)) -> Option<Member<'_>> {
            (!merge).then_some(Member {
                key: k.as_str(),
                node: *n,
                merged: None,
            })
        }
        if !m.entries.iter().any(|e| e.2) {
            return Ok(m.entries.iter().filter_map(own).collect());
        }
        if walk.active_maps.contains(&node) {
            return Err(ViewError::AliasCycle {
                path: path.clone(),
                anchor: self
                    .links
                    .anchors
                    .iter()
                    .find(|a| self.find(&a.path) == Some(node))
                    .map_or_else(|| "?".to_owned(), |a| a.name.clone()),
            });
        }
        walk.active_maps.push(node);
        let mut seen: HashSet<&str> = m
            .entries
            .iter()
            .filter(|e| !e.2)
            .map(|e| e.0.as_str())
            .collect();
        let mut out = Vec::with_capacity(m.entries.len());
        for entry in &m.entries {
            if let Some(member) = own(entry) {
                out.push(member);
                continue;
            }
            let mut at = path.clone();
            at.push_key(&entry.0);
            for (source, anchor) in self.merge_sources(entry.1, &at)? {
                for sm in self.members(source, &at, depth + 1, walk)? {
                    if seen.insert(sm.key) {
                        out.push(Member {
                            merged: Some(anchor.or(sm.merged.flatten())),
                            ..sm
                        });
                    }
                }
            }
        }
        walk.active_maps.pop();
        Ok(out)
    }

    /// The mappings a merge key's value `node` (at `at`) names, with the anchor of each
    /// when an alias named it.
    fn merge_sources(
        &self,
        node: NodeId,
        at: &KeyPath,
    ) -> Result<Vec<(NodeId, Option<&str>)>, ViewError> {
        let bad = || ViewError::BadMerge { path: at.clone() };
        let deref = |n: NodeId| -> Result<Option<(NodeId, Option<&str>)>, ViewError> {
            match &self.nodes[n] {
                Node::Alias(id) => match self.alias_target(*id) {
                    (Target::Node(t), i) => Ok(Some((t, Some(self.anchor_name(i))))),
                    (Target::Nothing, _) => Ok(None),
                    (Target::Key(_), _) => Err(bad()),
                },
                _ => Ok(Some((n, None))),
            }
        };
        let Some((n, anchor)) = deref(node)? else {
            return Ok(Vec::new());
        };
        match &self.nodes[n] {
            Node::Empty => Ok(Vec::new()),
            Node::Map(_) => Ok(vec![(n, anchor)]),
            Node::Seq(items) => {
                let mut out = Vec::new();
                for &item in items {
                    match deref(item)? {
                        Some((t, a)) if matches!(self.nodes[t], Node::Map(_)) => out.push((t, a)),
                        Some((t, _)) if matches!(self.nodes[t], Node::Empty) => {}
                        None => {}
                        Some(_) => return Err(bad()),
                    }
                }
                Ok(out)
            }
            _ => Err(bad()),
        }
    }

    /// The parsed document the view was built from.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The links the YAML store recorded (empty for other formats).
    pub fn links(&self) -> &Links {
        &self.links
    }

    /// The document's format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The number of documents (1 for every format but a YAML stream).
    pub fn documents(&self) -> usize {
        self.roots.len()
    }

    /// Every value, in document order (a merged key where its merge key is written).
    pub fn values(&self) -> impl ExactSizeIterator<Item = Resolved<'_>> + '_ {
        self.entries.iter().map(|e| self.resolved(e))
    }

    fn resolved<'a>(&'a self, e: &'a Entry) -> Resolved<'a> {
        let (kind, value) = self.scalar(e.source);
        Resolved {
            path: &e.path,
            kind,
            value,
            via: e.via.map(|v| &self.vias[v]),
        }
    }

    fn scalar(&self, source: Source) -> (ScalarKind, &str) {
        match source {
            Source::Leaf(i) => {
                let leaf = self.doc.leaves.get(i);
                (leaf.kind, leaf.value.unwrap_or_default())
            }
            Source::Key(i) => match &self.links.anchors[i].node {
                AnchoredNode::Key { kind, value } => (*kind, value.as_str()),
                _ => (ScalarKind::Null, ""),
            },
        }
    }

    /// The whole document as JSON: strings, numbers, booleans and nulls as the format typed
    /// them, dates as strings; empty mappings and lists, which hold no value, left out. A
    /// YAML stream of several documents is a list with one item per document.
    pub fn to_json(&self) -> serde_json::Value {
        let multi = self.roots.len() > 1;
        let mut root = serde_json::Value::Null;
        for e in &self.entries {
            let (kind, value) = self.scalar(e.source);
            let value = json_scalar(kind, value);
            if multi && e.path.as_path().document() == 0 {
                let path = KeyPath::from_segments(
                    std::iter::once(Segment::Index(0)).chain(e.path.segments()),
                );
                insert_json(&mut root, &path, value);
            } else {
                insert_json(&mut root, &e.path, value);
            }
        }
        root
    }

    /// What a reader finds at the canonical `path` (its document segment included), and
    /// the first alias or merge on the way; `None` when nothing is there.
    pub fn locate(&self, path: &KeyPath) -> Option<Located> {
        let (target, via) = self.walk_to(path)?;
        let node = match target {
            Target::Key(_) => NodeKind::Scalar,
            Target::Nothing => return None,
            Target::Node(n) => match &self.nodes[n] {
                Node::Scalar(_) => NodeKind::Scalar,
                Node::Map(_) => NodeKind::Mapping,
                Node::Seq(_) => NodeKind::Sequence,
                Node::Empty | Node::Alias(_) => return None,
            },
        };
        Some(Located { node, via })
    }

    /// Follows `path` through aliases and merges.
    fn walk_to(&self, path: &KeyPath) -> Option<(Target, Option<Via>)> {
        let p = path.as_path();
        let doc = p.document();
        let mut cur = Target::Node(*self.roots.get(doc)?);
        let mut via: Option<Via> = None;
        let mut at = KeyPath::root();
        if doc > 0 {
            at.push(Segment::Document(doc));
        }
        // An alias is followed once: it never leads to another alias.
        let deref = |t: Target, at: &KeyPath, via: &mut Option<Via>| match t {
            Target::Node(n) => match &self.nodes[n] {
                Node::Alias(id) => {
                    let (target, index) = self.alias_target(*id);
                    via.get_or_insert_with(|| Via::Alias {
                        at: at.clone(),
                        anchor: self.anchor_name(index).to_owned(),
                        target: index
                            .map_or_else(KeyPath::root, |i| self.links.anchors[i].path.clone()),
                    });
                    target
                }
                _ => t,
            },
            other => other,
        };
        for seg in p.in_document().segments() {
            let Target::Node(n) = deref(cur, &at, &mut via) else {
                return None;
            };
            cur = match (seg, &self.nodes[n]) {
                (Segment::Key(k), Node::Map(_)) => {
                    let members = self.members(n, &at, 0, &mut Walk::default()).ok()?;
                    let m = members.into_iter().find(|m| m.key == k)?;
                    if let Some(anchor) = m.merged {
                        via.get_or_insert_with(|| Via::Merge {
                            into: at.clone(),
                            anchor: anchor.map(str::to_owned),
                        });
                    }
                    Target::Node(m.node)
                }
                (Segment::Index(i), Node::Seq(items)) => Target::Node(*items.get(i)?),
                _ => return None,
            };
            at.push(seg);
        }
        Some((deref(cur, &at, &mut via), via))
    }

    /// Reads the value at `query`: a scalar decoded, a mapping or list as JSON.
    ///
    /// Without `@N.`, the path is looked for in every document of a stream and must be
    /// found in exactly one; found in several, it is [`LookupError::Ambiguous`] (never
    /// silently the first).
    pub fn lookup(&self, query: &PathQuery) -> Result<Found, LookupError> {
        let docs = self.documents_for(query)?;
        let mut hits: Vec<(KeyPath, Target)> = docs
            .filter_map(|d| {
                let path = query.in_document(d);
                let (t, _) = self.walk_to(&path)?;
                let present = match t {
                    Target::Key(_) => true,
                    Target::Nothing => false,
                    Target::Node(n) => !matches!(self.nodes[n], Node::Empty | Node::Alias(_)),
                };
                present.then_some((path, t))
            })
            .collect();
        if hits.len() > 1 {
            return Err(LookupError::Ambiguous {
                query: query.clone(),
                choices: hits
                    .iter()
                    .map(|(p, ..)| PathQuery::from(p).to_string())
                    .collect(),
            });
        }
        let Some((_, target)) = hits.pop() else {
            return Err(self.not_found(query));
        };
        match target {
            Target::Key(i) => {
                let (kind, value) = self.scalar(Source::Key(i));
                Ok(Found::Value {
                    kind,
                    value: value.to_owned(),
                })
            }
            Target::Node(n) => {
                if let Node::Scalar(leaf) = self.nodes[n] {
                    let (kind, value) = self.scalar(Source::Leaf(leaf));
                    return Ok(Found::Value {
                        kind,
                        value: value.to_owned(),
                    });
                }
                let mut walk = Walk::default();
                // The whole view was expanded once already, so this cannot fail.
                let mut rel = KeyPath::root();
                if self.expand(n, &mut rel, None, 0, &mut walk).is_err() || walk.out.is_empty() {
                    return Err(self.not_found(query));
                }
                let mut root = serde_json::Value::Null;
                for e in &walk.out {
                    let (kind, value) = self.scalar(e.source);
                    insert_json(&mut root, &e.path, json_scalar(kind, value));
                }
                Ok(Found::Tree(root))
            }
            Target::Nothing => Err(self.not_found(query)),
        }
    }

    /// The canonical path a write to `query` goes to. Without `@N.` in a stream of several
    /// documents, the path must exist in exactly one of them; with `must_exist` false, a
    /// path found in none asks for `@N.` ([`LookupError::NeedsDocument`]).
    pub fn target(&self, query: &PathQuery, must_exist: bool) -> Result<KeyPath, LookupError> {
        let docs: Vec<usize> = self.documents_for(query)?.collect();
        if let [d] = docs[..] {
            return Ok(query.in_document(d));
        }
        let found: Vec<usize> = docs
            .iter()
            .copied()
            .filter(|&d| {
                let p = query.in_document(d);
                self.locate(&p).is_some() || self.find(&p).is_some()
            })
            .collect();
        let choices = |ds: &[usize]| {
            ds.iter()
                .map(|&d| {
                    PathQuery {
                        document: Some(d),
                        path: query.path.clone(),
                    }
                    .to_string()
                })
                .collect()
        };
        match found[..] {
            [d] => Ok(query.in_document(d)),
            [] if must_exist => Err(self.not_found(query)),
            [] => Err(LookupError::NeedsDocument {
                query: query.clone(),
                choices: choices(&docs),
            }),
            _ => Err(LookupError::Ambiguous {
                query: query.clone(),
                choices: choices(&found),
            }),
        }
    }

    /// The documents `query` may be in.
    fn documents_for(&self, query: &PathQuery) -> Result<std::ops::Range<usize>, LookupError> {
        let n = self.roots.len();
        match query.document {
            Some(d) if d >= n => Err(LookupError::NoDocument {
                query: query.clone(),
                document: d,
                documents: n,
            }),
            Some(d) => Ok(d..d + 1),
            None => Ok(0..n),
        }
    }

    fn not_found(&self, query: &PathQuery) -> LookupError {
        LookupError::NotFound {
            query: query.clone(),
            known: self
                .entries
                .iter()
                .take(8)
                .map(|e| e.path.to_string())
                .collect(),
        }
    }
}

fn push(walk: &mut Walk, path: &KeyPath, source: Source, via: Option<usize>) {
    walk.out.push(Entry {
        path: path.clone(),
        source,
        via,
    });
}

/// A decoded scalar as a typed JSON value. A number the format allows but JSON does not
/// spell (`1_000`, `0x1F`, `.inf`) keeps its digits without `_`, or else stays a string.
pub fn json_scalar(kind: ScalarKind, v: &str) -> serde_json::Value {
    match kind {
        ScalarKind::Null => serde_json::Value::Null,
        ScalarKind::Bool => serde_json::Value::Bool(matches!(v, "true" | "True" | "TRUE")),
        ScalarKind::Number => serde_json::from_str::<serde_json::Number>(&v.replace('_', ""))
            .map(serde_json::Value::Number)
            .unwrap_or_else(|_| serde_json::Value::String(v.to_owned())),
        ScalarKind::String | ScalarKind::DateTime => serde_json::Value::String(v.to_owned()),
    }
}

/// Puts `value` at `path` in a JSON tree, creating objects and arrays (null-padded) on the
/// way; a document segment indexes the root array. SOPS's metadata is rebuilt the same way.
pub(crate) fn insert_json(node: &mut serde_json::Value, path: &KeyPath, value: serde_json::Value) {
    let mut cur = node;
    for seg in path.segments() {
        cur = match seg {
            Segment::Key(k) => {
                if !cur.is_object() {
                    *cur = serde_json::Value::Object(Default::default());
                }
                cur.as_object_mut()
                    .expect("object")
                    .entry(k.to_owned())
                    .or_insert(serde_json::Value::Null)
            }
            Segment::Index(i) | Segment::Document(i) => {
                if !cur.is_array() {
                    *cur = serde_json::Value::Array(Vec::new());
                }
                let arr = cur.as_array_mut().expect("array");
                while arr.len() <= i {
                    arr.push(serde_json::Value::Null);
                }
                &mut arr[i]
            }
        };
    }
    *cur = value;
}

#[cfg(test)]
mod tests;
