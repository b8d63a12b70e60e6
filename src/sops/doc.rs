//! A SOPS file taken apart: its values and comments in tree order, each with the byte span
//! it occupies, its metadata tree, and the spans that hold the metadata.
//!
//! YAML and JSON are read with vaultfile's own span-aware stores; dotenv and INI with small
//! parsers that follow SOPS's (dotenv: split on the first `=`, no quoting, `#` comments;
//! INI: go-ini's sections, `DEFAULT` for keys before any section, `"""` multi-line values).
//! The binary store is JSON with one `data` value.

use std::ops::Range;

use serde_json::Value;

use super::SopsFormat;
use super::resolve::{self, Typed};
use super::value;
use crate::format::view::insert_json;
use crate::format::{self, Format, ParseError, ParseOptions, ScalarKind};
use crate::path::{KeyPath, Segment};

/// One value of the tree.
pub struct Item {
    /// Its path (mapping keys and list indexes); the AAD is built from the keys.
    pub path: KeyPath,
    /// The bytes it occupies in the file.
    pub span: Range<usize>,
    /// Its text as loaded (quotes removed, escapes processed): `ENC[…]` when encrypted.
    pub text: String,
    /// Its SOPS type and canonical bytes as loaded (for unencrypted values); `None` for null.
    pub typed: Option<Typed>,
    /// The column that continuation lines of a multi-line YAML value start at (0: the value
    /// must stay on one line).
    pub indent: usize,
}

/// One encrypted comment.
pub struct Comment {
    /// The `ENC[…]` span.
    pub span: Range<usize>,
    /// The associated data to try, most likely first (the enclosing container's path).
    pub aads: Vec<String>,
}

/// A SOPS file taken apart.
pub struct SopsDoc {
    /// The values, in tree order.
    pub items: Vec<Item>,
    /// The encrypted comments.
    pub comments: Vec<Comment>,
    /// The metadata tree.
    pub metadata: Value,
    /// The spans holding the metadata (removed on decrypt).
    pub remove: Vec<Range<usize>>,
    /// Whether a YAML stream has several documents.
    pub multi_document: bool,
}

/// Why a file could not be read as SOPS.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// A syntax error.
    #[error("syntax error: {0}")]
    Syntax(#[from] ParseError),
    /// The file has no `sops` metadata.
    #[error("the file has no sops metadata")]
    NoMetadata,
    /// Something SOPS would refuse.
    #[error("{0}")]
    Invalid(String),
}

/// The AAD of a path: its mapping keys joined by `:`, with a trailing `:`.
pub fn aad(path: &KeyPath) -> String {
    let mut s = String::new();
    for k in path.as_path().keys() {
        s.push_str(k);
        s.push(':');
    }
    if s.is_empty() {
        s.push(':');
    }
    s
}

fn keys_prefixes(path: &KeyPath) -> Vec<String> {
    let keys: Vec<&str> = path.as_path().keys().collect();
    (0..=keys.len())
        .rev()
        .map(|n| {
            let mut s = keys[..n].join(":");
            s.push(':');
            s
        })
        .collect()
}

/// Strips a leading document index; returns (document, rest).
fn split_document(path: &KeyPath) -> (usize, KeyPath) {
    let mut segs = path.segments().peekable();
    let doc = match segs.peek() {
        Some(Segment::Document(i)) => {
            let i = *i;
            segs.next();
            i
        }
        _ => 0,
    };
    (doc, KeyPath::from_segments(segs))
}

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding byte `pos - 1` (after its `\n`), or the text's end.
fn after_line(text: &str, pos: usize) -> usize {
    if pos > 0 && text.as_bytes()[pos - 1] == b'\n' {
        return pos;
    }
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// The column continuation lines of a value on this line should start at; 0 when the value
/// sits in a flow collection, where a block scalar cannot go.
fn continuation_indent(text: &str, span_start: usize) -> usize {
    let ls = line_start(text, span_start);
    let line = &text[ls..span_start];
    if line.contains(['[', '{']) || !line.trim_end().ends_with([':', '-']) {
        return 0;
    }
    let lead = line
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'-')
        .count();
    lead + 2
}

/// Reads a YAML or JSON file (and the binary store's JSON envelope).
fn parse_structured(text: &str, format: Format) -> Result<SopsDoc, DocError> {
    let store = format::store_for(format).expect("a text format");
    let doc = store.parse(
        text,
        ParseOptions {
            decode_values: true,
        },
    )?;
    if doc.metadata.is_some() {
        return Err(DocError::Invalid(
            "the file carries vaultfile metadata, not SOPS metadata".into(),
        ));
    }
    let mut items = Vec::new();
    let mut metadata = None::<Value>;
    let mut meta_doc = None;
    // Per document: the first and last byte of its `sops` subtree's values.
    let mut sops_ranges: Vec<(usize, Range<usize>)> = Vec::new();
    let mut docs = 0;
    for leaf in doc.leaves.iter() {
        let full = leaf.path.to_owned();
        let (d, path) = split_document(&full);
        docs = docs.max(d + 1);
        let mut segs = path.segments();
        if let Some(Segment::Key("sops")) = segs.next() {
            match sops_ranges.last_mut() {
                Some((ld, r)) if *ld == d => r.end = leaf.span.end,
                _ => sops_ranges.push((d, leaf.span.clone())),
            }
            if meta_doc.is_none() || meta_doc == Some(d) {
                meta_doc = Some(d);
                let rest = KeyPath::from_segments(segs);
                let v = match leaf.kind {
                    ScalarKind::Null => Value::Null,
                    _ => Value::String(leaf.value.unwrap_or_default().to_owned()),
                };
                insert_json(metadata.get_or_insert(Value::Null), &rest, v);
            }
            continue;
        }
        let raw = &text[leaf.span.clone()];
        let decoded = leaf.value.unwrap_or_default();
        let typed = match format {
            Format::Yaml => resolve::yaml_leaf(raw, decoded, leaf.kind),
            _ => resolve::json_leaf(decoded, leaf.kind),
        };
        if typed.is_none() {
            continue;
        }
        items.push(Item {
            path,
            span: leaf.span.clone(),
            text: decoded.to_owned(),
            typed,
            indent: continuation_indent(text, leaf.span.start),
        });
    }
    let metadata = metadata.ok_or(DocError::NoMetadata)?;
    let mut remove = Vec::new();
    for (_, r) in &sops_ranges {
        remove.push(match format {
            Format::Yaml => yaml_block(text, r.clone())?,
            _ => json_member(text, r.clone())?,
        });
    }
    let comments = if format == Format::Yaml {
        hash_comments(text, &items, &remove, false)
    } else {
        Vec::new()
    };
    Ok(SopsDoc {
        items,
        comments,
        metadata,
        remove,
        multi_document: docs > 1,
    })
}

/// The span of a top-level `sops:` block whose values lie in `values`.
fn yaml_block(text: &str, values: Range<usize>) -> Result<Range<usize>, DocError> {
    let before = &text[..values.start];
    let start = if before.starts_with("sops:") && !before[..].contains("\nsops:") {
        0
    } else {
        before
            .rfind("\nsops:")
            .map(|i| i + 1)
            .ok_or_else(|| DocError::Invalid("the sops metadata is not a top-level block".into()))?
    };
    let mut pos = after_line(text, values.end);
    while pos < text.len() {
        let end = after_line(text, pos + 1);
        let line = &text[pos..end];
        if line.starts_with([' ', '\t']) || line.trim().is_empty() {
            pos = end;
        } else {
            break;
        }
    }
    Ok(start..pos)
}

/// Finds the closing bracket matching the one at `open`, skipping JSON strings.
fn matching_close(text: &str, open: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The span of the top-level `"sops": {…}` member whose values start at `values.start`,
/// with the comma that joins it to its neighbour.
fn json_member(text: &str, values: Range<usize>) -> Result<Range<usize>, DocError> {
    let bad = || DocError::Invalid("cannot find the sops member of the JSON object".into());
    let key = text[..values.start].rfind("\"sops\"").ok_or_else(bad)?;
    let open = key + text[key..].find('{').ok_or_else(bad)?;
    let close = matching_close(text, open).ok_or_else(bad)?;
    let before = text[..key].trim_end();
    if let Some(stripped) = before.strip_suffix(',') {
        // The usual case: the last member; remove from the comma before it.
        Ok(stripped.len()..close + 1)
    } else {
        // The first member: remove up to the next member.
        let after = &text[close + 1..];
        let ws = after.len() - after.trim_start().len();
        let end = if after.trim_start().starts_with(',') {
            let rest = &after[ws + 1..];
            close + 1 + ws + 1 + (rest.len() - rest.trim_start().len())
        } else {
            close + 1
        };
        Ok(key..end)
    }
}

/// Encrypted `#ENC[…]` (or `;`) comments outside values and metadata, with the paths of
/// the values around them as candidate AADs.
fn hash_comments(text: &str, items: &[Item], remove: &[Range<usize>], ini: bool) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(value::PREFIX) {
        let start = from + i;
        let Some(close) = text[start..].find(']') else {
            break;
        };
        let end = start + close + 1;
        from = end;
        let lead = text[line_start(text, start)..start].trim();
        let is_comment = lead == "#" || (ini && lead == ";");
        let inside = |r: &Range<usize>| r.start <= start && start < r.end;
        if !is_comment || items.iter().any(|it| inside(&it.span)) || remove.iter().any(inside) {
            continue;
        }
        let next = items.iter().find(|it| it.span.start > start);
        let prev = items.iter().rev().find(|it| it.span.start < start);
        let mut aads = Vec::new();
        for it in next.into_iter().chain(prev) {
            for a in keys_prefixes(&it.path) {
                if !aads.contains(&a) {
                    aads.push(a);
                }
            }
        }
        if aads.is_empty() {
            aads.push(":".into());
        }
        out.push(Comment {
            span: start..end,
            aads,
        });
    }
    out
}

/// Reads a SOPS dotenv file.
fn parse_dotenv(text: &str) -> Result<SopsDoc, DocError> {
    let mut items = Vec::new();
    let mut comments = Vec::new();
    let mut meta = Vec::new();
    let mut remove = Vec::new();
    let mut pos = 0;
    for (n, line) in text.split('\n').enumerate() {
        let start = pos;
        pos += line.len() + 1;
        if line.is_empty() {
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            if c.starts_with(value::PREFIX) {
                comments.push(Comment {
                    span: start + 1..start + line.len(),
                    aads: vec![":".into()],
                });
            }
            continue;
        }
        let Some((key, val)) = line.split_once('=') else {
            return Err(DocError::Invalid(format!(
                "invalid dotenv input line {}: no '='",
                n + 1
            )));
        };
        if let Some(k) = key.strip_prefix("sops_") {
            meta.push((k.to_owned(), val.to_owned()));
            remove.push(start..pos.min(text.len()));
            continue;
        }
        let loaded = val.replace("\\n", "\n");
        let mut path = KeyPath::root();
        path.push_key(key);
        items.push(Item {
            path,
            span: start + key.len() + 1..start + line.len(),
            typed: Some(Typed::string(&loaded)),
            text: loaded,
            indent: 0,
        });
    }
    flat_doc(items, comments, &meta, remove)
}

/// A dotenv or INI document, whose metadata is flat `key=value` entries (`sops_…` lines,
/// the `[sops]` section) to be removed (`remove`); none is an error.
fn flat_doc(
    items: Vec<Item>,
    comments: Vec<Comment>,
    meta: &[(String, String)],
    remove: Vec<Range<usize>>,
) -> Result<SopsDoc, DocError> {
    if meta.is_empty() {
        return Err(DocError::NoMetadata);
    }
    Ok(SopsDoc {
        items,
        comments,
        metadata: super::metadata::unflatten(meta),
        remove,
        multi_document: false,
    })
}

/// Reads a SOPS INI file.
/// The values of a plaintext INI file (one SOPS writes over), read as SOPS's INI store reads
/// them; refuses a file that already has a `[sops]` section.
pub fn ini_values(text: &str) -> Result<Vec<Item>, DocError> {
    let scan = scan_ini(text)?;
    if !scan.remove.is_empty() {
        return Err(DocError::Invalid(
            "the INI file already has a [sops] section".into(),
        ));
    }
    Ok(scan.items)
}

/// An INI file taken apart: its values, its `[sops]` entries and where that section is.
struct IniScan<'t> {
    items: Vec<Item>,
    meta: Vec<(String, String)>,
    remove: Vec<Range<usize>>,
    lines: Vec<(usize, &'t str)>,
}

fn parse_ini(text: &str) -> Result<SopsDoc, DocError> {
    let IniScan {
        items,
        meta,
        remove,
        lines,
    } = scan_ini(text)?;
    // Comments belong to the section that follows them (a section comment) or that holds
    // them (a key comment): try both.
    let mut comments = hash_comments(text, &items, &remove, true);
    for c in &mut comments {
        let mut sec_after = None;
        let mut sec_before = "DEFAULT".to_owned();
        for &(s, raw) in &lines {
            let t = raw.trim();
            if t.starts_with('[') && t.ends_with(']') {
                let name = t[1..t.len() - 1].trim().to_owned();
                if s > c.span.start {
                    sec_after = Some(name);
                    break;
                }
                sec_before = name;
            }
        }
        let mut aads: Vec<String> = sec_after.into_iter().map(|s| format!("{s}:")).collect();
        aads.push(format!("{sec_before}:"));
        aads.push(":".into());
        c.aads = aads;
    }
    flat_doc(items, comments, &meta, remove)
}

fn scan_ini(text: &str) -> Result<IniScan<'_>, DocError> {
    let mut items = Vec::new();
    let mut meta = Vec::new();
    let mut remove: Vec<Range<usize>> = Vec::new();
    let mut section = "DEFAULT".to_owned();
    let mut in_sops = false;
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut pos = 0;
        for l in text.split_inclusive('\n') {
            v.push((pos, l));
            pos += l.len();
        }
        v
    };
    let mut i = 0;
    while i < lines.len() {
        let (start, raw) = lines[i];
        i += 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        let t = line.trim();
        if t.is_empty() || t.starts_with([';', '#']) {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].trim().to_owned();
            if in_sops && let Some(r) = remove.last_mut() {
                r.end = start;
            }
            in_sops = section == "sops";
            if in_sops {
                // Take the blank lines before the section with it.
                let mut s = start;
                while s >= 2 && text[..s].ends_with("\n\n") {
                    s -= 1;
                }
                remove.push(s..text.len());
            }
            continue;
        }
        let Some(eq) = line.find(['=', ':']) else {
            return Err(DocError::Invalid(format!(
                "INI line without '=': {}",
                line.trim()
            )));
        };
        let key = line[..eq].trim();
        let after = &line[eq + 1..];
        let vstart = start + eq + 1 + (after.len() - after.trim_start().len());
        let mut val = after.trim().to_owned();
        let mut vspan = vstart..vstart + val.len();
        if let Some(body) = val.strip_prefix("\"\"\"") {
            if let Some(inner) = body.strip_suffix("\"\"\"").filter(|_| body.len() >= 3) {
                val = inner.to_owned();
            } else {
                // A multi-line value runs to the line holding the closing `"""`.
                let mut acc = body.to_owned();
                loop {
                    let Some(&(s2, r2)) = lines.get(i) else {
                        return Err(DocError::Invalid(
                            "an INI value opened with \"\"\" is never closed".into(),
                        ));
                    };
                    i += 1;
                    let l2 = r2.trim_end_matches(['\n', '\r']);
                    acc.push('\n');
                    if let Some(k) = l2.find("\"\"\"") {
                        acc.push_str(&l2[..k]);
                        vspan.end = s2 + k + 3;
                        break;
                    }
                    acc.push_str(l2);
                }
                val = acc;
            }
        } else if val.len() >= 2
            && ((val.starts_with('"') && val.ends_with('"'))
                || (val.starts_with('`') && val.ends_with('`')))
        {
            val = val[1..val.len() - 1].to_owned();
        }
        if in_sops {
            meta.push((key.to_owned(), val));
            continue;
        }
        let mut path = KeyPath::root();
        path.push_key(&section);
        path.push_key(key);
        items.push(Item {
            path,
            span: vspan,
            typed: Some(Typed::string(&val)),
            text: val,
            indent: 0,
        });
    }
    Ok(IniScan {
        items,
        meta,
        remove,
        lines,
    })
}

/// Takes a SOPS file apart.
pub fn parse(text: &str, format: SopsFormat) -> Result<SopsDoc, DocError> {
    match format {
        SopsFormat::Yaml => parse_structured(text, Format::Yaml),
        SopsFormat::Json | SopsFormat::Binary => {
            let doc = parse_structured(text, Format::Json)?;
            if format == SopsFormat::Binary {
                let ok = doc.items.len() == 1 && doc.items[0].path.as_path().keys().eq(["data"]);
                if !ok {
                    return Err(DocError::Invalid(
                        "a SOPS binary file holds exactly one value, 'data'".into(),
                    ));
                }
            }
            Ok(doc)
        }
        SopsFormat::Dotenv => parse_dotenv(text),
        SopsFormat::Ini => parse_ini(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections_multiline_values_and_the_sops_section() {
        let text = "top = 1\n; a comment\n[s]\nk = \"\"\"a\nb\"\"\"\nq = \" x \"\n\n[sops]\nversion = 3.13.1\nlastmodified = t\n";
        let d = parse(text, SopsFormat::Ini).unwrap();
        let got: Vec<(String, String)> = d
            .items
            .iter()
            .map(|i| (aad(&i.path), i.text.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("DEFAULT:top:".into(), "1".into()),
                ("s:k:".into(), "a\nb".into()),
                ("s:q:".into(), " x ".into())
            ]
        );
        assert_eq!(&text[d.items[1].span.clone()], "\"\"\"a\nb\"\"\"");
        assert_eq!(d.metadata["version"], "3.13.1");
        assert_eq!(
            &text[d.remove[0].clone()],
            "\n[sops]\nversion = 3.13.1\nlastmodified = t\n"
        );
    }

    #[test]
    fn dotenv_keys_are_taken_verbatim() {
        let text =
            "foo = bar\n#c\nA=x\\ny\nsops_version=3.8.1\nsops_age__list_0__map_enc=l1\\nl2\\n\n";
        let d = parse(text, SopsFormat::Dotenv).unwrap();
        assert_eq!(aad(&d.items[0].path), "foo :");
        assert_eq!(d.items[0].text, " bar");
        assert_eq!(d.items[1].text, "x\ny");
        assert_eq!(d.metadata["age"][0]["enc"], "l1\nl2\n");
        assert_eq!(d.remove.len(), 2);
        assert!(matches!(
            parse("no equals\n", SopsFormat::Dotenv),
            Err(DocError::Invalid(_))
        ));
    }

    #[test]
    fn json_sops_member_is_removed_with_its_comma() {
        let text = "{\n\t\"a\": \"x\",\n\t\"sops\": {\"version\": \"3\", \"age\": [{\"recipient\": \"r\"}]}\n}\n";
        let d = parse(text, SopsFormat::Json).unwrap();
        let r = d.remove[0].clone();
        let mut out = text.to_owned();
        out.replace_range(r, "");
        assert_eq!(out, "{\n\t\"a\": \"x\"\n}\n");
        let first = "{\"sops\": {\"version\": \"3\"}, \"a\": 1}";
        let d = parse(first, SopsFormat::Json).unwrap();
        let mut out = first.to_owned();
        out.replace_range(d.remove[0].clone(), "");
        assert_eq!(out, "{\"a\": 1}");
    }

    #[test]
    fn yaml_metadata_blocks_in_every_document() {
        let text = "a: 1\nsops:\n    version: 3.9.0\n    lastmodified: x\n---\nb: 2\nsops:\n    version: 3.9.0\n";
        let d = parse(text, SopsFormat::Yaml).unwrap();
        assert!(d.multi_document);
        assert_eq!(d.items.len(), 2);
        assert_eq!(d.remove.len(), 2);
        assert_eq!(&text[d.remove[1].clone()], "sops:\n    version: 3.9.0\n");
        assert_eq!(d.metadata["lastmodified"], "x");
    }
}
