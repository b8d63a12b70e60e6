//! A parsed document: its leaves' spans and paths, compactly, and the edits applied to it;
//! and, for the read side, how a YAML document's nodes refer to each other ([`Links`]).
//!
//! The engine holds every leaf of a file at once (the MAC covers them all before anything
//! is written), so the layout matters on large files: a leaf is 16 bytes plus its path's
//! canonical bytes in one shared arena, instead of a struct with three heap allocations.
//! That keeps a 100,000-value file's document under 6 MB.

use std::ops::Range;

use crate::path::{KeyPath, PathRef};

/// What kind of scalar a leaf holds, as its format sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    /// A string (quoted or plain text).
    String,
    /// An integer or a float, in any spelling the format allows.
    Number,
    /// `true`/`false` (and YAML's other spellings).
    Bool,
    /// A date or time (TOML datetimes; YAML timestamps).
    DateTime,
    /// `null`, `~` or an empty YAML value. Never encrypted.
    Null,
}

/// One scalar leaf of a parsed document (a view into [`Leaves`]).
#[derive(Clone, Debug)]
pub struct Leaf<'a> {
    /// Where the leaf sits in the document's tree.
    pub path: PathRef<'a>,
    /// The byte range of the leaf's source text: the bytes that get encrypted and replaced.
    ///
    /// It covers the value exactly as written: quotes and escapes included, and for YAML the
    /// block-scalar header and a tag directly in front of the value. Decryption puts these
    /// bytes back unchanged, so no type or style information is lost.
    pub span: Range<usize>,
    /// The scalar's kind.
    pub kind: ScalarKind,
    /// The decoded value (escapes processed, quotes removed, block scalars folded), present
    /// only when [`crate::format::ParseOptions::decode_values`] was set.
    pub value: Option<&'a str>,
}

/// One leaf, in 16 bytes: its span, and its path's range in the arena with the kind packed
/// into the top bits of `path_end_kind`.
#[derive(Clone, Copy, Debug)]
struct Record {
    start: u32,
    end: u32,
    path_start: u32,
    path_end_kind: u32,
}

const KIND_SHIFT: u32 = 29;
const PATH_MASK: u32 = (1 << KIND_SHIFT) - 1;

impl Record {
    fn path_end(&self) -> usize {
        (self.path_end_kind & PATH_MASK) as usize
    }

    fn kind(&self) -> ScalarKind {
        match self.path_end_kind >> KIND_SHIFT {
            0 => ScalarKind::String,
            1 => ScalarKind::Number,
            2 => ScalarKind::Bool,
            3 => ScalarKind::DateTime,
            _ => ScalarKind::Null,
        }
    }
}

fn kind_bits(kind: ScalarKind) -> u32 {
    (match kind {
        ScalarKind::String => 0,
        ScalarKind::Number => 1,
        ScalarKind::Bool => 2,
        ScalarKind::DateTime => 3,
        ScalarKind::Null => 4,
    }) << KIND_SHIFT
}

/// The leaves of a document, in source order.
#[derive(Clone, Debug, Default)]
pub struct Leaves {
    records: Vec<Record>,
    paths: Vec<u8>,
    /// Decoded values, index-aligned with `records`; empty unless some leaf has one.
    values: Vec<Option<String>>,
}

/// Documents larger than this cannot be parsed (offsets are stored in 32 bits).
pub const MAX_DOCUMENT_LEN: usize = u32::MAX as usize;

fn offset(n: usize) -> u32 {
    u32::try_from(n)
        .expect("documents are limited to MAX_DOCUMENT_LEN bytes (checked by the engine)")
}

impl Leaves {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf.
    pub fn push(
        &mut self,
        path: &KeyPath,
        span: Range<usize>,
        kind: ScalarKind,
        value: Option<String>,
    ) {
        let path_start = offset(self.paths.len());
        self.paths.extend_from_slice(path.as_bytes());
        if value.is_some() || !self.values.is_empty() {
            self.values.resize(self.records.len(), None);
            self.values.push(value);
        }
        let path_end = offset(self.paths.len());
        assert!(
            path_end <= PATH_MASK,
            "the paths of one document exceed 512 MiB"
        );
        self.records.push(Record {
            start: offset(span.start),
            end: offset(span.end),
            path_start,
            path_end_kind: path_end | kind_bits(kind),
        });
    }

    /// Appends `other`'s leaves after these (a document read in pieces).
    pub fn append(&mut self, other: Leaves) {
        let base = offset(self.paths.len());
        assert!(
            (base as usize + other.paths.len()) <= PATH_MASK as usize,
            "the paths of one document exceed 512 MiB"
        );
        if !self.values.is_empty() || !other.values.is_empty() {
            self.values.resize(self.records.len(), None);
            let mut values = other.values;
            values.resize(other.records.len(), None);
            self.values.append(&mut values);
        }
        self.paths.extend_from_slice(&other.paths);
        self.records.extend(other.records.iter().map(|r| Record {
            path_start: r.path_start + base,
            path_end_kind: r.path_end_kind + base,
            ..*r
        }));
    }

    /// The number of leaves.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when there is no leaf.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The `i`-th leaf. Panics when out of range, like slice indexing.
    pub fn get(&self, i: usize) -> Leaf<'_> {
        let r = self.records[i];
        Leaf {
            path: PathRef::from_canonical(&self.paths[r.path_start as usize..r.path_end()]),
            span: r.start as usize..r.end as usize,
            kind: r.kind(),
            value: self.values.get(i).and_then(|v| v.as_deref()),
        }
    }

    /// The `i`-th leaf's span (cheaper than [`Leaves::get`]).
    pub fn span(&self, i: usize) -> Range<usize> {
        let r = self.records[i];
        r.start as usize..r.end as usize
    }

    /// The last leaf, if any.
    pub fn last(&self) -> Option<Leaf<'_>> {
        (!self.is_empty()).then(|| self.get(self.len() - 1))
    }

    /// Iterates over the leaves in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Leaf<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Sorts the leaves by span start (for parsers that report them out of source order).
    pub fn sort_by_span(&mut self) {
        let mut order: Vec<usize> = (0..self.len()).collect();
        order.sort_by_key(|&i| self.records[i].start);
        self.records = order.iter().map(|&i| self.records[i]).collect();
        if !self.values.is_empty() {
            self.values.resize(self.records.len(), None);
            let mut old = std::mem::take(&mut self.values);
            self.values = order.iter().map(|&i| old[i].take()).collect();
        }
    }

    /// Keeps only the first `len` leaves.
    pub fn truncate(&mut self, len: usize) {
        if len < self.records.len() {
            self.paths.truncate(self.records[len].path_start as usize);
            self.records.truncate(len);
            self.values.truncate(len);
        }
    }
}

/// The metadata block found in an encrypted document.
#[derive(Clone, Debug)]
pub struct MetadataBlock {
    /// The bytes to remove to get back the document as it was before the block was inserted.
    pub span: Range<usize>,
    /// The block's content.
    pub value: serde_json::Value,
}

/// A parsed document: its leaves in source order and its metadata block, if any.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Scalar leaves in source order; spans never overlap and never fall inside `metadata`.
    pub leaves: Leaves,
    /// The `vaultfile` metadata block, when the document is encrypted.
    pub metadata: Option<MetadataBlock>,
    /// Where a metadata block would go, noted by the store that parsed the document so that
    /// [`crate::format::Store::metadata_insertion`] need not parse again. Opaque to everyone
    /// else; `None` means "not noted".
    pub placement_hint: Option<u32>,
}

/// How the nodes of a YAML stream refer to each other: anchors, aliases and merge keys,
/// and the duplicate keys found on the way.
///
/// The leaves alone cannot say that `password: *pw` holds the value anchored `&pw`
/// elsewhere: an alias has no bytes of its own to encrypt, so it is no leaf. The YAML store
/// records these links for the read side ([`crate::format::view`]), which resolves them; the
/// encrypted file keeps its aliases as they are. Only
/// [`crate::format::yaml::parse_linked`] fills them in; every other format has none.
#[derive(Clone, Debug, Default)]
pub struct Links {
    /// The number of documents in the stream (a YAML stream may hold several, or none).
    pub documents: usize,
    /// Every anchor (`&name`) on a value or a key, in source order.
    pub anchors: Vec<Anchor>,
    /// Every alias (`*name`) in value position, in source order.
    pub aliases: Vec<Alias>,
    /// The paths of the merge keys' values (`a.<<` for `a: {<<: *b}`): a plain `<<` key,
    /// or any key tagged `!!merge` (as SOPS writes them).
    pub merges: Vec<KeyPath>,
    /// Keys written twice in one mapping (YAML requires keys to be unique).
    pub duplicates: Vec<DuplicateKey>,
}

impl Links {
    /// True when nothing refers to anything else: the leaves tell the whole story.
    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty() && self.merges.is_empty()
    }
}

/// An anchor: the node that aliases with its id refer to.
#[derive(Clone, Debug)]
pub struct Anchor {
    /// The parser's id for this definition (a name defined twice gets two ids).
    pub id: usize,
    /// The name, without `&`.
    pub name: String,
    /// Where the anchored node is: a value's path, or for a key, the path of its value.
    pub path: KeyPath,
    /// What is anchored.
    pub node: AnchoredNode,
    /// The byte offset of the `&name` token.
    pub offset: usize,
}

/// What an anchor is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnchoredNode {
    /// A scalar value (the leaf at the anchor's path).
    Scalar,
    /// A mapping (the leaves under the anchor's path).
    Mapping,
    /// A sequence (the leaves under the anchor's path).
    Sequence,
    /// A mapping key: an alias to it reads as the key's text.
    Key {
        /// The key's kind, as a value of that text would have.
        kind: ScalarKind,
        /// The key's decoded text.
        value: String,
    },
}

/// An alias in value position.
#[derive(Clone, Debug)]
pub struct Alias {
    /// Where the alias stands.
    pub path: KeyPath,
    /// The id of the [`Anchor`] it refers to.
    pub anchor: usize,
    /// The `*name` token.
    pub span: Range<usize>,
    /// How many leaves come before it in source order (its place among the leaves).
    pub leaves_before: usize,
}

/// A key written twice in one mapping.
#[derive(Clone, Debug)]
pub struct DuplicateKey {
    /// The path the key gives.
    pub path: KeyPath,
    /// The byte offset of its first occurrence.
    pub first: usize,
    /// The byte offset of the next one.
    pub second: usize,
}

/// Rebuilds `text` with each `(span, replacement)` edit applied and, optionally, one
/// insertion. Edits must be in source order and must not overlap; an insertion at offset
/// `p` lands after every edit that ends at or before `p`.
pub fn apply_edits<'a>(
    text: &str,
    edits: impl IntoIterator<Item = (Range<usize>, &'a str)>,
    insertion: Option<&crate::format::Insertion>,
    capacity_hint: usize,
) -> String {
    let mut out = String::with_capacity(capacity_hint.max(text.len()));
    let mut pos = 0;
    let mut pending = insertion;
    for (span, replacement) in edits {
        if let Some(ins) = pending.filter(|i| i.at < span.end) {
            out.push_str(&text[pos..ins.at]);
            out.push_str(&ins.text);
            pos = ins.at;
            pending = None;
        }
        out.push_str(&text[pos..span.start]);
        out.push_str(replacement);
        pos = span.end;
    }
    if let Some(ins) = pending {
        let at = ins.at.max(pos);
        out.push_str(&text[pos..at]);
        out.push_str(&ins.text);
        pos = at;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Insertion;

    #[test]
    fn leaves_store_paths_and_values() {
        let mut l = Leaves::new();
        l.push(
            &KeyPath::parse("b").unwrap(),
            10..12,
            ScalarKind::Number,
            None,
        );
        l.push(
            &KeyPath::parse("a.c[0]").unwrap(),
            2..5,
            ScalarKind::String,
            Some("x".into()),
        );
        assert_eq!(l.get(1).path.to_string(), "a.c[0]");
        assert_eq!(l.get(0).value, None);
        assert_eq!(l.get(1).value, Some("x"));
        l.sort_by_span();
        assert_eq!(l.get(0).path.to_string(), "a.c[0]");
        assert_eq!(l.get(0).value, Some("x"));
        assert_eq!(l.get(1).span, 10..12);
        assert_eq!(l.iter().count(), 2);
        for kind in [
            ScalarKind::String,
            ScalarKind::Number,
            ScalarKind::Bool,
            ScalarKind::DateTime,
            ScalarKind::Null,
        ] {
            let mut k = Leaves::new();
            k.push(&KeyPath::root(), 0..0, kind, None);
            assert_eq!(k.get(0).kind, kind);
        }
    }

    #[test]
    fn apply_edits_with_insertion() {
        let ins = Insertion {
            at: 3,
            text: "+".into(),
        };
        assert_eq!(
            apply_edits("abcdef", [(1..2, "X"), (4..5, "Y")], Some(&ins), 0),
            "aXc+dYf"
        );
        assert_eq!(
            apply_edits(
                "abc",
                [(0..1, "X")],
                Some(&Insertion {
                    at: 3,
                    text: "!".into()
                }),
                0
            ),
            "Xbc!"
        );
        // An empty edit at the insertion point comes first (regression: dotenv `KEY=` at EOF).
        assert_eq!(
            apply_edits(
                "K=",
                [(2..2, "T")],
                Some(&Insertion {
                    at: 2,
                    text: "\n#m".into()
                }),
                0
            ),
            "K=T\n#m"
        );
    }
}
