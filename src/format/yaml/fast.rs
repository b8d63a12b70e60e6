use rayon::prelude::*;

use super::*;

const MAX_KEY: usize = 256;
const MAX_DEPTH: usize = 64;

#[derive(Clone, Copy)]
enum Style {
    Plain,
    Single,
    Double,
}

/// Texts shorter than this are read by one thread: below it, the split and merge cost
/// more than the second core saves.
const PARALLEL_MIN: usize = 1 << 20;

pub(super) fn analyse(text: &str, options: ParseOptions) -> Option<Analysis> {
    if text.len() >= PARALLEL_MIN
        && let Some(a) = in_chunks(
            text,
            options,
            rayon::current_num_threads(),
            PARALLEL_MIN / 2,
        )
    {
        return Some(a);
    }
    chunk(text, 0..text.len(), options)
}

/// Reads `text` in up to `pieces` pieces of at least `min_len` bytes, on every core, each
/// starting at a line that begins with a key at column 0. `None` when a piece is refused,
/// or holds the metadata key but is not the last (the caller then reads the text in one
/// go).
///
/// Gives exactly what one pass gives. Every line of the fast path's subset stands alone
/// (values, quoted scalars and comments end at the line break; anything else is refused),
/// so such a line is read as a top-level key whatever came before it, and what the pass
/// carries across it is reset there: the open mappings become the one at column 0 and the
/// path becomes the key. The only thing carried is a key of the piece before that had no
/// value; that piece's end records it as null, with the same path and offset as the key
/// line would. The tests check this against the one-pass reading.
pub(super) fn in_chunks(
    text: &str,
    options: ParseOptions,
    pieces: usize,
    min_len: usize,
) -> Option<Analysis> {
    let starts = split_points(text, pieces, min_len);
    if starts.len() < 2 {
        return None;
    }
    let ranges: Vec<Range<usize>> = starts
        .iter()
        .zip(starts.iter().skip(1).chain([&text.len()]))
        .map(|(&a, &b)| a..b)
        .collect();
    let pieces: Vec<Option<Analysis>> = ranges
        .into_par_iter()
        .map(|r| chunk(text, r, options))
        .collect();
    let mut pieces = pieces.into_iter();
    let mut whole = pieces.next()??;
    for piece in pieces {
        let piece = piece?;
        whole.doc.leaves.append(piece.doc.leaves);
        whole.doc.metadata = piece.doc.metadata;
        whole.shape = piece.shape;
    }
    Some(whole)
}

/// Where [`in_chunks`] cuts `text`: 0, then about every `len / pieces` bytes (at least
/// `min_len`), each moved forward to the next line that starts with a key's first byte.
fn split_points(text: &str, pieces: usize, min_len: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let pieces = pieces.clamp(1, (b.len() / min_len.max(1)).max(1));
    let mut starts = vec![0];
    for k in 1..pieces {
        let mut at = b.len() / pieces * k;
        // The next line start, then the first line from there whose first byte starts a key.
        loop {
            let Some(nl) = memchr::memchr(b'\n', &b[at.min(b.len())..]) else {
                return starts;
            };
            at += nl + 1;
            if b.get(at)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                break;
            }
        }
        if at > *starts.last().expect("starts holds 0") {
            starts.push(at);
        }
    }
    starts
}

/// Reads the lines of `range` (which starts at the text's start or at a line that starts
/// with a key at column 0) in one pass.
fn chunk(text: &str, range: Range<usize>, options: ParseOptions) -> Option<Analysis> {
    let b = text.as_bytes();
    let len = range.end;
    let mut pos = if range.start == 0 && text.starts_with('\u{feff}') {
        3
    } else {
        range.start
    };
    let mut leaves = Leaves::new();
    let mut path = KeyPath::root();
    // Open mappings: (indentation, path mark).
    let mut levels: Vec<(usize, usize)> = Vec::new();
    // The key end of the previous entry, when it had no value on its line.
    let mut pending: Option<usize> = None;
    while pos < len {
        let mut i = pos;
        while i < len && b[i] == b' ' {
            i += 1;
        }
        let indent = i - pos;
        if i == len {
            break;
        }
        match b[i] {
            b'\n' => {
                pos = i + 1;
                continue;
            }
            b'\r' => {
                pos = crlf(b, i)?;
                continue;
            }
            b'#' => {
                pos = comment(text, i)?;
                continue;
            }
            _ => {}
        }
        // `key:`
        let key_start = i;
        if !(b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            return None;
        }
        i += 1;
        while i < len && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b'.' | b'/'))
        {
            i += 1;
        }
        if i >= len || b[i] != b':' || i - key_start > MAX_KEY {
            return None;
        }
        let key_end = i;
        match levels.last() {
            None => {
                if indent != 0 {
                    return None;
                }
                levels.push((0, 0));
            }
            Some(&(top, _)) if indent > top => {
                // Deeper than its mapping: only the first key of a nested mapping.
                pending.take()?;
                if levels.len() >= MAX_DEPTH {
                    return None;
                }
                levels.push((indent, path.mark()));
            }
            Some(_) => {
                if let Some(at) = pending.take() {
                    push_null(&mut leaves, &path, at, options);
                }
                while levels.last().is_some_and(|&(ind, _)| ind > indent) {
                    levels.pop();
                }
                if levels.last()?.0 != indent {
                    return None;
                }
            }
        }
        path.truncate(levels.last()?.1);
        let key = &text[key_start..key_end];
        path.push_key(key);
        if indent == 0 && key == METADATA_KEY {
            // The block runs to the end of the text: only the last piece may hold it.
            if len != b.len() {
                return None;
            }
            return tail(text, pos, leaves);
        }
        let (value, next) = value(text, key_end + 1)?;
        match value {
            None => pending = Some(key_end),
            Some((span, style)) => push_leaf(&mut leaves, text, &path, span, style, options),
        }
        pos = next;
    }
    if let Some(at) = pending {
        push_null(&mut leaves, &path, at, options);
    }
    Some(Analysis {
        doc: Document {
            leaves,
            metadata: None,
            placement_hint: None,
        },
        shape: if levels.is_empty() {
            Shape::NewDocument
        } else {
            Shape::AppendKey
        },
    })
}

/// The rest of the text from a top-level `vaultfile:` line: it must be the metadata block
/// and nothing else.
fn tail(text: &str, start: usize, leaves: Leaves) -> Option<Analysis> {
    let w = full::walk(&text[start..], ParseOptions::default(), false).ok()?;
    if w.docs != 1 || !w.leaves.is_empty() {
        return None;
    }
    let raw = w.meta?;
    let raw = RawMeta {
        key_start: raw.key_start + start,
        value_end: raw.value_end + start,
        doc_start: None,
        value: raw.value,
    };
    Some(Analysis {
        doc: Document {
            leaves,
            metadata: Some(finish_metadata(text, raw)),
            placement_hint: None,
        },
        // As the walker judges the whole text: a stream that ends with `...` takes a new
        // document, even when its last root mapping would otherwise take the key.
        shape: w.shape,
    })
}

fn push_null(leaves: &mut Leaves, path: &KeyPath, at: usize, options: ParseOptions) {
    leaves.push(
        path,
        at..at,
        ScalarKind::Null,
        options.decode_values.then(String::new),
    );
}

fn push_leaf(
    leaves: &mut Leaves,
    text: &str,
    path: &KeyPath,
    span: Range<usize>,
    style: Style,
    options: ParseOptions,
) {
    let raw = &text[span.clone()];
    let kind = match style {
        Style::Plain => resolve_plain(raw),
        Style::Single | Style::Double => ScalarKind::String,
    };
    let value = options.decode_values.then(|| match style {
        Style::Plain => raw.to_owned(),
        Style::Single => raw[1..raw.len() - 1].replace("''", "'"),
        Style::Double => raw[1..raw.len() - 1].to_owned(),
    });
    leaves.push(path, span, kind, value);
}

/// After `key:` at `i`: the value's span and style, if any, and the next line's start.
#[allow(clippy::type_complexity)]
fn value(text: &str, mut i: usize) -> Option<(Option<(Range<usize>, Style)>, usize)> {
    let b = text.as_bytes();
    let start = i;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    let spaced = i > start;
    if i == b.len() {
        return Some((None, i));
    }
    match b[i] {
        b'\n' => return Some((None, i + 1)),
        b'\r' => return Some((None, crlf(b, i)?)),
        b'#' if spaced => return Some((None, comment(text, i)?)),
        _ if !spaced => return None,
        _ => {}
    }
    let (end, style) = match b[i] {
        b'"' => (quoted(text, i, b'"')?, Style::Double),
        b'\'' => (quoted(text, i, b'\'')?, Style::Single),
        b'-' if b
            .get(i + 1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.') =>
        {
            (plain(text, i)?, Style::Plain)
        }
        b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
        | b'|' | b'>' | b'%' | b'@' | b'`' => return None,
        _ => (plain(text, i)?, Style::Plain),
    };
    // Only blanks and a comment may follow on the line.
    let mut j = end;
    while j < b.len() && b[j] == b' ' {
        j += 1;
    }
    let next = match b.get(j) {
        None => j,
        Some(b'\n') => j + 1,
        Some(b'\r') => crlf(b, j)?,
        Some(b'#') if j > end => comment(text, j)?,
        _ => return None,
    };
    Some((Some((i..end, style)), next))
}

/// A single-line plain scalar starting at `i`; returns its end (trailing blanks excluded).
fn plain(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    // Most values (and every encrypted token) are one run of printable ASCII without
    // spaces, `:` or `#`: accept those with one vectorisable pass over the line.
    let line_end = memchr::memchr2(b'\n', b'\r', &b[i..]).map_or(b.len(), |k| i + k);
    if b[i..line_end]
        .iter()
        .all(|&c| c > b' ' && c < 0x7f && c != b':' && c != b'#')
    {
        return Some(line_end);
    }
    let mut j = i;
    let mut end = i;
    while j < b.len() {
        match b[j] {
            b'\n' | b'\r' => break,
            b' ' => {
                if b.get(j + 1) == Some(&b'#') {
                    break;
                }
                j += 1;
                continue;
            }
            b':' if matches!(b.get(j + 1), None | Some(b' ' | b'\t' | b'\n' | b'\r')) => {
                return None;
            }
            0..=0x1f | 0x7f => return None,
            0x80.. => {
                j += printable_char(text, j)?;
                end = j;
                continue;
            }
            _ => {}
        }
        j += 1;
        end = j;
    }
    Some(end)
}

/// A single-line quoted scalar without escapes (a `''` pair in single quotes); returns
/// the offset after the closing quote.
fn quoted(text: &str, i: usize, quote: u8) -> Option<usize> {
    let b = text.as_bytes();
    let mut j = i + 1;
    loop {
        let c = *b.get(j)?;
        match c {
            _ if c == quote => {
                if quote == b'\'' && b.get(j + 1) == Some(&b'\'') {
                    j += 2;
                    continue;
                }
                return Some(j + 1);
            }
            b'\\' if quote == b'"' => return None,
            0..=0x1f | 0x7f => return None,
            0x80.. => j += printable_char(text, j)?,
            _ => j += 1,
        }
    }
}

/// A comment from `#` at `i` to the end of the line; returns the next line's start.
fn comment(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'\n' => return Some(j + 1),
            b'\r' => return crlf(b, j),
            b'\t' => j += 1,
            0..=0x1f | 0x7f => return None,
            0x80.. => j += printable_char(text, j)?,
            _ => j += 1,
        }
    }
    Some(j)
}

/// A `\r` at `i` must start a CRLF; returns the next line's start.
fn crlf(b: &[u8], i: usize) -> Option<usize> {
    (b.get(i + 1) == Some(&b'\n')).then_some(i + 2)
}

/// The length of the non-ASCII character at `j` if YAML allows it unescaped and no YAML
/// version reads it as a line break or BOM.
fn printable_char(text: &str, j: usize) -> Option<usize> {
    let c = text[j..].chars().next()?;
    let printable = matches!(c as u32,
            0xa0..=0xd7ff | 0xe000..=0xfffd | 0x1_0000..=0x10_ffff)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}');
    printable.then(|| c.len_utf8())
}
