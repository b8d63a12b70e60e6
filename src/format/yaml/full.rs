use super::*;

/// What the walk found.
pub(super) struct Walked {
    pub leaves: Leaves,
    pub meta: Option<RawMeta>,
    pub shape: Shape,
    /// Number of documents in the stream.
    pub docs: usize,
    /// Anchors, aliases and merge keys, when asked for.
    pub links: Option<Links>,
}

enum Container<'a> {
    /// A mapping; `key` is set between a key and its value.
    Map {
        key: Option<Cow<'a, str>>,
    },
    Seq {
        index: usize,
    },
}

struct Frame<'a> {
    container: Container<'a>,
    /// Length of the path at the collection itself.
    mark: usize,
    /// The pending key is a merge key (`<<`, or tagged `!!merge`).
    merge: bool,
    /// The keys seen so far and where, to find duplicates (only when recording links).
    seen: Option<std::collections::HashMap<Cow<'a, str>, usize>>,
}

/// A top-level `vaultfile` key being read; it is the metadata if it stays the last key
/// of the last document.
struct Candidate {
    key_start: usize,
    doc_start: Option<usize>,
    leaves_before: usize,
    builder: JsonBuilder,
    value_end: usize,
}

enum Role {
    Key,
    Value,
}

struct Walker<'a> {
    text: &'a str,
    decode: bool,
    leaves: Leaves,
    path: KeyPath,
    stack: Vec<Frame<'a>>,
    docs: usize,
    /// End of the last event that is certainly before the next node's properties.
    last_end: usize,
    /// Inside a collection used as a mapping key: (depth, start offset).
    complex_key: Option<(usize, usize)>,
    /// The current document's `---`, when explicit.
    doc_start: Option<usize>,
    /// The current document's root is a block mapping at column 0.
    root_block_map: bool,
    /// Keys seen so far in that root mapping.
    root_keys: usize,
    /// The last document ended with an explicit `...`.
    explicit_end: bool,
    candidate: Option<Candidate>,
    /// Anchors, aliases and merge keys, when recording them.
    links: Option<Links>,
}

/// True for a merge key: a plain untagged `<<`, or any key tagged `!!merge`.
fn is_merge_key(value: &str, style: ScalarStyle, tag: Option<&Tag>) -> bool {
    match tag {
        Some(t) => t.suffix_in_namespace("tag:yaml.org,2002:").as_deref() == Some("merge"),
        None => style == ScalarStyle::Plain && value == "<<",
    }
}

pub(super) fn walk(
    text: &str,
    options: ParseOptions,
    record_links: bool,
) -> Result<Walked, ParseError> {
    let opts = granit_parser::options! { emit_anchor_events: true, emit_comments: false };
    let mut events = Parser::new_from_str_with_options(text, opts).peekable();
    let mut w = Walker {
        text,
        decode: options.decode_values,
        leaves: Leaves::new(),
        path: KeyPath::root(),
        stack: Vec::new(),
        docs: 0,
        last_end: 0,
        complex_key: None,
        doc_start: None,
        root_block_map: false,
        root_keys: 0,
        explicit_end: false,
        candidate: None,
        links: record_links.then(Links::default),
    };
    while let Some(next) = events.next() {
        let (event, span) = next.map_err(|e| scan_error(text, &e))?;
        let range = span
            .byte_range()
            .expect("granit-parser gives byte offsets for string input");
        if w.capturing() {
            w.feed(&event, &range);
        }
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart(explicit, _) => {
                w.path.truncate(0);
                if w.docs > 0 {
                    w.path.push(Segment::Document(w.docs));
                }
                w.docs += 1;
                w.stack.clear();
                w.complex_key = None;
                w.candidate = None;
                w.root_block_map = false;
                w.root_keys = 0;
                w.explicit_end = false;
                w.doc_start = explicit.then_some(range.start);
                if !explicit {
                    // An implicit start's span may cover the root node itself.
                    continue;
                }
            }
            Event::DocumentEnd => w.explicit_end = !range.is_empty(),
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                if w.complex_key.is_none() {
                    match w.role() {
                        Role::Key => {
                            w.set_key(Cow::Borrowed(&text[range.clone()]), range.start, false);
                        }
                        Role::Value => {
                            if let (Some(links), Event::Alias(id)) = (&mut w.links, &event) {
                                links.aliases.push(Alias {
                                    path: w.path.clone(),
                                    anchor: *id,
                                    span: range.clone(),
                                    leaves_before: w.leaves.len(),
                                });
                            }
                            w.value_done();
                        }
                    }
                }
            }
            Event::Anchor(id, name) => {
                // A collection's anchor comes just after its start event.
                if let Some(a) = w
                    .links
                    .as_mut()
                    .and_then(|l| l.anchors.last_mut())
                    .filter(|a| a.id == id && a.name.is_empty())
                {
                    a.name = name.into_owned();
                    a.offset = range.start;
                }
                continue;
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                let mut anchor_name = None;
                let anchor = if anchor_id != 0 {
                    match events.peek() {
                        Some(Ok((Event::Anchor(_, name), s))) => {
                            let r = s.byte_range();
                            if w.links.is_some() {
                                anchor_name = Some(name.to_string());
                            }
                            events.next();
                            r
                        }
                        _ => None,
                    }
                } else {
                    None
                };
                let tag_range = span.tag_span().and_then(|t| t.byte_range());
                if w.complex_key.is_none() {
                    let role = w.role();
                    if let (Some(links), Some(name)) = (&mut w.links, anchor_name) {
                        let mut path = w.path.clone();
                        let node = match role {
                            Role::Key => {
                                // The path of the value the key names.
                                path.truncate(w.stack.last().map_or(0, |f| f.mark));
                                path.push_key(&value);
                                AnchoredNode::Key {
                                    kind: scalar_kind(&value, style, tag.as_deref()),
                                    value: value.to_string(),
                                }
                            }
                            Role::Value => AnchoredNode::Scalar,
                        };
                        links.anchors.push(Anchor {
                            id: anchor_id,
                            name,
                            path,
                            node,
                            offset: anchor.as_ref().map_or(range.start, |a| a.start),
                        });
                    }
                    match role {
                        Role::Key => {
                            if w.stack.len() == 1 && w.root_block_map {
                                w.root_key(&value, style, range.start);
                            }
                            let merge =
                                w.links.is_some() && is_merge_key(&value, style, tag.as_deref());
                            w.set_key(value, range.start, merge);
                        }
                        Role::Value => {
                            w.leaf(
                                value,
                                style,
                                tag.as_deref(),
                                range.clone(),
                                tag_range,
                                anchor,
                            )?;
                            w.value_done();
                        }
                    }
                }
            }
            Event::MappingStart(style, anchor_id, _)
            | Event::SequenceStart(style, anchor_id, _) => {
                let is_map = matches!(event, Event::MappingStart(..));
                if let Some((depth, _)) = &mut w.complex_key {
                    *depth += 1;
                } else {
                    match w.role() {
                        Role::Key => w.complex_key = Some((1, range.start)),
                        Role::Value => {
                            if let Some(links) = w.links.as_mut().filter(|_| anchor_id != 0) {
                                // The name follows in an `Anchor` event.
                                links.anchors.push(Anchor {
                                    id: anchor_id,
                                    name: String::new(),
                                    path: w.path.clone(),
                                    node: if is_map {
                                        AnchoredNode::Mapping
                                    } else {
                                        AnchoredNode::Sequence
                                    },
                                    offset: range.start,
                                });
                            }
                            if w.stack.is_empty() {
                                w.root_block_map = is_map
                                    && style == StructureStyle::Block
                                    && at_column_zero(text, range.start);
                            }
                            let container = if is_map {
                                Container::Map { key: None }
                            } else {
                                Container::Seq { index: 0 }
                            };
                            let mark = w.path.mark();
                            w.stack.push(Frame {
                                container,
                                mark,
                                merge: false,
                                seen: None,
                            });
                        }
                    }
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((depth, start)) = &mut w.complex_key {
                    *depth -= 1;
                    if *depth == 0 {
                        let start = *start;
                        w.complex_key = None;
                        // The key's source text names it; its line breaks are read
                        // as LF, so a checkout that turns LF into CR LF (which the file
                        // MAC allows) leaves the key path, and so every value's
                        // associated data, as it was.
                        let raw = text[start..range.end].trim_end();
                        let key = if raw.contains('\r') {
                            Cow::Owned(raw.replace("\r\n", "\n"))
                        } else {
                            Cow::Borrowed(raw)
                        };
                        w.set_key(key, start, false);
                    }
                } else {
                    w.stack.pop();
                    w.value_done();
                }
            }
            // Stream start, anchors (read with their node) and comments (off).
            _ => continue,
        }
        w.last_end = range.end;
    }
    let shape = if w.docs > 0 && w.root_block_map && !w.explicit_end {
        Shape::AppendKey
    } else {
        Shape::NewDocument
    };
    let mut meta = None;
    if let Some(c) = w.candidate.take()
        && let Some(value @ Value::Object(_)) = c.builder.root
    {
        w.leaves.truncate(c.leaves_before);
        meta = Some(RawMeta {
            key_start: c.key_start,
            value_end: c.value_end,
            doc_start: c.doc_start,
            value,
        });
    }
    let mut links = w.links;
    if let Some(l) = &mut links {
        l.documents = w.docs;
    }
    Ok(Walked {
        leaves: w.leaves,
        meta,
        shape,
        docs: w.docs,
        links,
    })
}

impl<'a> Walker<'a> {
    /// Decides whether the next node is a mapping key or a value, and for a value sets
    /// the path to it.
    fn role(&mut self) -> Role {
        match self.stack.last() {
            None => Role::Value,
            Some(Frame {
                container: Container::Map { key: None },
                ..
            }) => {
                if self.stack.len() == 1 && self.root_block_map {
                    // A new key of the root mapping: only the last key can be the block.
                    self.candidate = None;
                    self.root_keys += 1;
                }
                Role::Key
            }
            Some(Frame {
                container: Container::Map { key: Some(k) },
                mark,
                merge,
                ..
            }) => {
                self.path.truncate(*mark);
                self.path.push_key(k);
                if *merge && let Some(links) = &mut self.links {
                    links.merges.push(self.path.clone());
                }
                Role::Value
            }
            Some(Frame {
                container: Container::Seq { index },
                mark,
                ..
            }) => {
                self.path.truncate(*mark);
                self.path.push_index(*index);
                Role::Value
            }
        }
    }

    /// Notes the key of the next value; `at` is where the key starts.
    fn set_key(&mut self, key: Cow<'a, str>, at: usize, merge: bool) {
        let recording = self.links.is_some();
        if let Some(Frame {
            container: Container::Map { key: k },
            mark,
            merge: m,
            seen,
        }) = self.stack.last_mut()
        {
            if recording {
                let seen = seen.get_or_insert_with(Default::default);
                if let Some(&first) = seen.get(&key) {
                    let mut path = self.path.clone();
                    path.truncate(*mark);
                    path.push_key(&key);
                    if let Some(links) = &mut self.links {
                        links.duplicates.push(DuplicateKey {
                            path,
                            first,
                            second: at,
                        });
                    }
                } else {
                    seen.insert(key.clone(), at);
                }
            }
            *k = Some(key);
            *m = merge;
        }
    }

    /// A value node is complete: the parent moves on to its next entry.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame {
                container: Container::Map { key },
                ..
            }) => *key = None,
            Some(Frame {
                container: Container::Seq { index },
                ..
            }) => *index += 1,
            None => {}
        }
    }

    /// A scalar key of the current document's root block mapping.
    fn root_key(&mut self, key: &str, style: ScalarStyle, start: usize) {
        if key == METADATA_KEY && style == ScalarStyle::Plain && at_column_zero(self.text, start) {
            self.candidate = Some(Candidate {
                key_start: start,
                doc_start: if self.root_keys == 1 {
                    self.doc_start
                } else {
                    None
                },
                leaves_before: self.leaves.len(),
                builder: JsonBuilder::default(),
                value_end: start,
            });
        }
    }

    fn capturing(&self) -> bool {
        self.candidate
            .as_ref()
            .is_some_and(|c| c.builder.root.is_none())
    }

    fn feed(&mut self, event: &Event<'_>, range: &Range<usize>) {
        if let Some(c) = &mut self.candidate {
            if !range.is_empty() {
                c.value_end = c.value_end.max(range.end);
            }
            c.builder.feed(event, &self.text[range.clone()]);
        }
    }

    fn leaf(
        &mut self,
        value: Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        range: Range<usize>,
        tag_range: Option<Range<usize>>,
        anchor: Option<Range<usize>>,
    ) -> Result<(), ParseError> {
        let value_span = match style {
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let from = self
                    .last_end
                    .max(tag_range.as_ref().map_or(0, |t| t.end))
                    .max(anchor.as_ref().map_or(0, |a| a.end));
                block_scalar_span(self.text, from, range)?
            }
            _ => range,
        };
        // A tag goes inside the span unless an anchor sits between it and the value.
        let tag_inside = tag_range.filter(|t| anchor.as_ref().is_none_or(|a| a.start < t.start));
        let span = match tag_inside {
            Some(t) => t.start..value_span.end.max(t.end),
            None => value_span,
        };
        // An empty span holds nothing to encrypt (an empty value, possibly tagged).
        let kind = if span.is_empty() {
            ScalarKind::Null
        } else {
            scalar_kind(&value, style, tag)
        };
        let value = self.decode.then(|| {
            if span.is_empty() {
                String::new()
            } else {
                value.into_owned()
            }
        });
        self.leaves.push(&self.path, span, kind, value);
        Ok(())
    }
}

/// A block scalar's span: from its `|`/`>` indicator to the last non-blank byte of its
/// content, or the header alone when the content is blank. `from` is a position before the
/// indicator with only indicators, properties, blanks and comments in between; `content`
/// is granit's span of the scalar.
fn block_scalar_span(
    text: &str,
    from: usize,
    content: Range<usize>,
) -> Result<Range<usize>, ParseError> {
    let b = text.as_bytes();
    let mut i = from;
    let indicator = loop {
        match b.get(i) {
            Some(b'|' | b'>') => break i,
            Some(b' ' | b'\t' | b'\r' | b'\n' | b':' | b'-' | b'?') => i += 1,
            Some(b'#') => {
                while i < b.len() && !matches!(b[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            Some(b'!' | b'&') => {
                while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
                    i += 1;
                }
            }
            _ if text[i..].starts_with('\u{feff}') => i += 3,
            _ => {
                return Err(ParseError::at_offset(
                    text,
                    content.start,
                    "internal error: block scalar indicator not found",
                ));
            }
        }
    };
    let mut header_end = indicator + 1;
    while header_end < b.len() && matches!(b[header_end], b'+' | b'-' | b'0'..=b'9') {
        header_end += 1;
    }
    let mut line_end = header_end;
    while line_end < b.len() && !matches!(b[line_end], b'\n' | b'\r') {
        line_end += 1;
    }
    let floor = content.start.max(line_end);
    let mut end = content.end.max(floor);
    // Tabs stay inside: a tab on a trailing line is block content, and left outside after
    // a token it makes the encrypted file invalid for strict parsers (PyYAML).
    while end > floor && matches!(b[end - 1], b' ' | b'\r' | b'\n') {
        end -= 1;
    }
    Ok(if end > floor {
        indicator..end
    } else {
        indicator..header_end
    })
}

/// Builds the metadata value from its events.
#[derive(Default)]
struct JsonBuilder {
    /// Open collections, with the pending key of a mapping.
    stack: Vec<(Value, Option<String>)>,
    root: Option<Value>,
}

impl JsonBuilder {
    fn feed(&mut self, event: &Event<'_>, raw: &str) {
        let expecting_key = matches!(self.stack.last(), Some((Value::Object(_), None)));
        match event {
            Event::Scalar(v, style, ..) => {
                if expecting_key {
                    self.stack.last_mut().expect("checked").1 = Some(v.to_string());
                } else {
                    self.add(json_scalar(v, *style));
                }
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                if expecting_key {
                    self.stack.last_mut().expect("checked").1 = Some(raw.to_owned());
                } else {
                    self.add(Value::String(raw.to_owned()));
                }
            }
            Event::MappingStart(..) => self.stack.push((Value::Object(Map::new()), None)),
            Event::SequenceStart(..) => self.stack.push((Value::Array(Vec::new()), None)),
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((v, _)) = self.stack.pop() {
                    self.add(v);
                }
            }
            _ => {}
        }
    }

    fn add(&mut self, v: Value) {
        match self.stack.last_mut() {
            None => self.root = Some(v),
            Some((Value::Object(m), key)) => {
                // A collection used as a key: not something vaultfile writes.
                let k = key.take().unwrap_or_default();
                m.insert(k, v);
            }
            Some((Value::Array(a), _)) => a.push(v),
            Some(_) => {}
        }
    }
}

fn scan_error(text: &str, e: &ScanError) -> ParseError {
    let offset = e.marker().byte_offset().unwrap_or_else(|| {
        text.char_indices()
            .nth(e.marker().index())
            .map_or(text.len(), |(i, _)| i)
    });
    let mut err = ParseError::at_offset(text, offset, format!("invalid YAML: {}", e.info()));
    if err.line == 1 && text.starts_with('\u{feff}') && err.column > 1 {
        err.column -= 1;
    }
    err
}
