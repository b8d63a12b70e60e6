//! dotenv files (`KEY=value` lines), with a line parser of our own: no crate gives byte
//! positions, and `dotenvy` expands `$VAR` from the environment.
//!
//! Accepted lines: blank lines, `#` comments, and `KEY=VALUE` with an optional `export `
//! prefix and spaces or tabs around `=`. Keys match `[A-Za-z_][A-Za-z0-9_.-]*`. Values are:
//! - unquoted: up to the end of the line, or up to a space or tab followed by `#` (an
//!   inline comment); trailing whitespace is not part of the value. A `#` right after `=`
//!   (`KEY=#x`, `KEY= #x`) belongs to the value, as python-dotenv and docker compose read it;
//! - `'single'` and `` `backtick` `` quoted: literal, may span lines;
//! - `"double"` quoted: backslash escapes, may span lines;
//! - empty (`KEY=`): a leaf with an empty span right after `=`.
//!
//! After a quoted value only whitespace and a comment (a blank, then `#`) may follow on the
//! line. `$VAR`
//! and `${VAR}` are never expanded: a value is its text, so decryption never depends on
//! the environment.
//!
//! The metadata block is a run of comment lines at the end of the file, each
//! [`METADATA_PREFIX`] followed by one line of the block's pretty-printed JSON, after one
//! blank line.

pub(crate) mod patch;

use std::ops::Range;

use super::{
    Document, Format, Insertion, Leaves, MetadataBlock, ParseError, ParseOptions, ScalarKind,
    Store, line_ending,
};
use crate::path::KeyPath;

/// The marker that starts every line of the dotenv metadata comment block.
pub const METADATA_PREFIX: &str = "#vaultfile:";

/// The dotenv format.
pub struct DotenvStore;

impl Store for DotenvStore {
    fn format(&self) -> Format {
        Format::Dotenv
    }

    fn parse(&self, text: &str, options: ParseOptions) -> Result<Document, ParseError> {
        let bytes = text.as_bytes();
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let err = |at: usize, message: String| error_at(text, start, at, message);
        let mut leaves = Leaves::new();
        // The first line of the current trailing run of metadata lines.
        let mut meta_start: Option<usize> = None;
        let mut pos = start;
        while pos < bytes.len() {
            let line_start = pos;
            let mut p = skip_blanks(bytes, pos);
            match bytes.get(p) {
                None | Some(b'\n') => {
                    meta_start = None;
                    pos = next_line(bytes, p);
                    continue;
                }
                Some(b'\r') if matches!(bytes.get(p + 1), None | Some(b'\n')) => {
                    meta_start = None;
                    pos = next_line(bytes, p);
                    continue;
                }
                Some(b'#') => {
                    if p == line_start && text[p..].starts_with(METADATA_PREFIX) {
                        meta_start.get_or_insert(line_start);
                    } else {
                        meta_start = None;
                    }
                    pos = next_line(bytes, p);
                    continue;
                }
                _ => meta_start = None,
            }
            // `export KEY=...` (but `export=1` and `export =1` set a variable named export).
            if text[p..].starts_with("export") && matches!(bytes.get(p + 6), Some(b' ' | b'\t')) {
                let q = skip_blanks(bytes, p + 6);
                if bytes.get(q).is_some_and(|&b| is_key_start(b)) {
                    p = q;
                }
            }
            if !bytes.get(p).is_some_and(|&b| is_key_start(b)) {
                return Err(err(
                    p,
                    "expected a variable assignment (KEY=value), a comment (# ...) or a blank line; \
                     variable names start with a letter or _"
                        .into(),
                ));
            }
            let key_start = p;
            while bytes.get(p).is_some_and(|&b| is_key_char(b)) {
                p += 1;
            }
            let key = &text[key_start..p];
            p = skip_blanks(bytes, p);
            if bytes.get(p) != Some(&b'=') {
                return Err(err(
                    p,
                    format!(
                        "expected '=' after the variable name {key} (KEY=value; names use only letters, digits, _ . -)"
                    ),
                ));
            }
            let eq = p;
            p = skip_blanks(bytes, eq + 1);
            let (span, end_of_value) = match bytes.get(p) {
                None | Some(b'\n') => (eq + 1..eq + 1, p),
                Some(b'\r') if matches!(bytes.get(p + 1), None | Some(b'\n')) => {
                    (eq + 1..eq + 1, p)
                }
                Some(&q @ (b'\'' | b'"' | b'`')) => {
                    let close = find_closing_quote(bytes, p, q).ok_or_else(|| {
                        let name = match q {
                            b'\'' => "single-quoted",
                            b'"' => "double-quoted",
                            _ => "backtick-quoted",
                        };
                        err(
                            p,
                            format!(
                                "unterminated {name} value of {key}: add the closing {} (a quoted value may span lines)",
                                q as char
                            ),
                        )
                    })?;
                    // Only blanks and a comment may follow the closing quote. The comment
                    // needs a blank before its `#`: once the value is replaced by a bare
                    // token, `KEY=VF1.xyz#c` would read `#c` as part of the value.
                    let after = skip_blanks(bytes, close + 1);
                    match bytes.get(after) {
                        None | Some(b'\n') => {}
                        Some(b'#') if after > close + 1 => {}
                        Some(b'#') => {
                            return Err(err(
                                after,
                                format!(
                                    "put a space between the closing quote of {key}'s value and the # of its comment"
                                ),
                            ));
                        }
                        Some(b'\r') if matches!(bytes.get(after + 1), None | Some(b'\n')) => {}
                        _ => {
                            return Err(err(
                                after,
                                format!(
                                    "unexpected text after the closing quote of {key}'s value; \
                                     only a comment (# ...) may follow it"
                                ),
                            ));
                        }
                    }
                    (p..close + 1, close + 1)
                }
                Some(_) => {
                    let eol = memchr_newline(bytes, p);
                    let mut end = eol;
                    // An inline comment starts at a blank followed by `#`.
                    if let Some(i) = bytes[p..eol]
                        .windows(2)
                        .position(|w| matches!(w[0], b' ' | b'\t') && w[1] == b'#')
                    {
                        end = p + i;
                    }
                    while end > p && matches!(bytes[end - 1], b' ' | b'\t' | b'\r') {
                        end -= 1;
                    }
                    (p..end, eol)
                }
            };
            let value = options.decode_values.then(|| decode(&text[span.clone()]));
            leaves.push(
                &KeyPath::from_segments([crate::path::Segment::Key(key)]),
                span,
                ScalarKind::String,
                value,
            );
            pos = next_line(bytes, end_of_value);
        }
        let metadata = match meta_start {
            None => None,
            Some(block_start) => {
                let json: String = text[block_start..]
                    .lines()
                    .map(|l| l.strip_prefix(METADATA_PREFIX).unwrap_or(l))
                    .collect::<Vec<_>>()
                    .join("\n");
                let value = serde_json::from_str(&json).map_err(|e| {
                    err(
                        block_start,
                        format!(
                            "the vaultfile metadata block (the {METADATA_PREFIX} lines at the end) is damaged: {e}"
                        ),
                    )
                })?;
                Some(MetadataBlock {
                    span: block_span(text, start, block_start),
                    value,
                })
            }
        };
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
        // After a lone trailing `\r`, separators and block use `\n`: the first one turns the
        // `\r` into a CRLF blank line, and `block_span` removes exactly the block's own line
        // ending, so the `\r` survives (found by fuzzing).
        let le = if text.ends_with('\r') {
            "\n"
        } else {
            line_ending(text)
        };
        let json = serde_json::to_string_pretty(block).expect("JSON values serialise");
        let non_empty = !text.trim_start_matches('\u{feff}').is_empty();
        let open_line = non_empty && !text.ends_with('\n');
        let mut out = String::with_capacity(json.len() + 16 * json.lines().count());
        if non_empty {
            if open_line {
                out.push_str(le);
            }
            out.push_str(le);
        }
        for line in json.lines() {
            out.push_str(METADATA_PREFIX);
            out.push_str(line);
            out.push_str(le);
        }
        if open_line {
            out.truncate(out.len() - le.len());
        }
        Ok(Insertion {
            at: text.len(),
            text: out,
        })
    }
}

/// A parse error at byte `at`, with the column not counting a BOM.
fn error_at(text: &str, bom: usize, at: usize, message: String) -> ParseError {
    ParseError::at_offset(&text[bom..], at - bom, message)
}

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

fn skip_blanks(bytes: &[u8], mut p: usize) -> usize {
    while matches!(bytes.get(p), Some(b' ' | b'\t')) {
        p += 1;
    }
    p
}

/// The position of the next `\n` at or after `p`, or the end of the text.
fn memchr_newline(bytes: &[u8], p: usize) -> usize {
    bytes[p..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| p + i)
}

/// The start of the line after the one holding `p`.
fn next_line(bytes: &[u8], p: usize) -> usize {
    (memchr_newline(bytes, p) + 1).min(bytes.len())
}

/// The closing quote of a value opened at `open`; in double quotes a backslash escapes
/// the next character.
fn find_closing_quote(bytes: &[u8], open: usize, quote: u8) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Decodes a value's source text the way python-dotenv and docker compose load it:
/// - unquoted, `'single'` and `` `backtick` `` values are literal (compose; python-dotenv
///   also unescapes `\'` and `\\` in single quotes, which cannot occur here since a single
///   quote ends the value);
/// - in `"double"` quotes, `\n` `\r` `\t` `\a` `\b` `\f` `\v` are control characters and
///   `\\` `\"` `\'` `\$` the character itself; any other backslash stays as written;
/// - line breaks inside a quoted value read as `\n`, CRLF included (python-dotenv reads
///   files with universal newlines);
/// - `$VAR` and `${VAR}` are never expanded.
fn decode(raw: &str) -> String {
    let (quote, inner) = match raw.as_bytes().first() {
        Some(&q @ (b'\'' | b'"' | b'`')) if raw.len() >= 2 => (q, &raw[1..raw.len() - 1]),
        _ => return raw.to_owned(),
    };
    let inner = inner.replace("\r\n", "\n");
    if quote != b'"' {
        return inner;
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('a') => out.push('\u{07}'),
            Some('b') => out.push('\u{08}'),
            Some('f') => out.push('\u{0c}'),
            Some('v') => out.push('\u{0b}'),
            Some(c @ ('\\' | '"' | '\'' | '$')) => out.push(c),
            Some(c) => {
                out.push('\\');
                out.push(c);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// The bytes to remove for a block whose first line starts at `start`: the block and the
/// line break(s) inserted in front of it (one when the text ends with a line break, as the
/// text before the insertion did; two when it does not, see `metadata_insertion`).
fn block_span(text: &str, bom: usize, start: usize) -> Range<usize> {
    let breaks = match () {
        _ if start == bom => 0,
        _ if text.ends_with('\n') => 1,
        _ => 2,
    };
    // Remove exactly the separators that were inserted: the block's own line ending, not
    // any line break. A text ending in a lone `\r` followed by an inserted `\n` looks like a
    // CRLF, and taking that whole would lose the `\r` (found by fuzzing).
    let le = match text[start..].find('\n') {
        Some(i) if i > 0 && text.as_bytes()[start + i - 1] == b'\r' => "\r\n",
        _ => "\n",
    };
    let mut from = start;
    for _ in 0..breaks {
        if text[..from].ends_with(le) {
            from -= le.len();
        }
    }
    from..text.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::apply_edits;
    use crate::format::testkit::{parse_error, round_trip, round_trip_each, sample_metadata};
    use proptest::prelude::*;

    fn parse(text: &str) -> Document {
        DotenvStore
            .parse(
                text,
                ParseOptions {
                    decode_values: true,
                },
            )
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn summary(text: &str) -> Vec<(String, String, String)> {
        parse(text)
            .leaves
            .iter()
            .map(|l| {
                assert_eq!(l.kind, ScalarKind::String);
                let key = l.path.keys().next().unwrap().to_string();
                (
                    key,
                    text[l.span.clone()].to_string(),
                    l.value.unwrap().to_owned(),
                )
            })
            .collect()
    }

    fn row(k: &str, raw: &str, v: &str) -> (String, String, String) {
        (k.to_string(), raw.to_string(), v.to_string())
    }

    #[test]
    fn values_of_every_style() {
        let text = "# comment\n\
            PLAIN=hello world\n\
            SPACED = value with spaces   \n\
            COMMENTED=abc # inline comment\n\
            HASH=abc#not-a-comment\n\
            LEADING_HASH=#value\n\
            SPACE_HASH= # also a value\n\
            export EXPORTED=yes\n\
            \texport\tTABBED\t=\t'single # not comment'  # comment\n\
            DOUBLE=\"a\\nb \\\"q\\\" \\\\ \\$HOME \\x\"\n\
            MULTI=\"line1\nline2\"\n\
            SQ_MULTI='a\nb $VAR'\n\
            BACKTICK=`echo \"hi\"`\n\
            EMPTY=\n\
            EMPTY_SPACES=   \n\
            EMPTY_QUOTES=\"\"\n\
            VARS=${HOME}/bin:$PATH\n\
            dotted.key-name=1\n\
            export=1\n\
            URL=postgres://user:p@ss@db:5432/app?sslmode=require\n";
        assert_eq!(
            summary(text),
            vec![
                row("PLAIN", "hello world", "hello world"),
                row("SPACED", "value with spaces", "value with spaces"),
                row("COMMENTED", "abc", "abc"),
                row("HASH", "abc#not-a-comment", "abc#not-a-comment"),
                row("LEADING_HASH", "#value", "#value"),
                row("SPACE_HASH", "# also a value", "# also a value"),
                row("EXPORTED", "yes", "yes"),
                row("TABBED", "'single # not comment'", "single # not comment"),
                row(
                    "DOUBLE",
                    "\"a\\nb \\\"q\\\" \\\\ \\$HOME \\x\"",
                    "a\nb \"q\" \\ $HOME \\x"
                ),
                row("MULTI", "\"line1\nline2\"", "line1\nline2"),
                row("SQ_MULTI", "'a\nb $VAR'", "a\nb $VAR"),
                row("BACKTICK", "`echo \"hi\"`", "echo \"hi\""),
                row("EMPTY", "", ""),
                row("EMPTY_SPACES", "", ""),
                row("EMPTY_QUOTES", "\"\"", ""),
                row("VARS", "${HOME}/bin:$PATH", "${HOME}/bin:$PATH"),
                row("dotted.key-name", "1", "1"),
                row("export", "1", "1"),
                row(
                    "URL",
                    "postgres://user:p@ss@db:5432/app?sslmode=require",
                    "postgres://user:p@ss@db:5432/app?sslmode=require"
                ),
            ]
        );
        let doc = parse(text);
        let empty = doc.leaves.get(12);
        let eq = text.find("EMPTY=").unwrap() + "EMPTY=".len();
        assert_eq!(empty.span, eq..eq);
        let empty_spaces = doc.leaves.get(13);
        let eq = text.find("EMPTY_SPACES=").unwrap() + "EMPTY_SPACES=".len();
        assert_eq!(empty_spaces.span, eq..eq);
        assert_eq!(doc.leaves.get(0).path, KeyPath::parse("PLAIN").unwrap());
        let enc = round_trip(&DotenvStore, text);
        assert!(enc.contains("\nEMPTY=VF1."));
        assert!(enc.contains("\nCOMMENTED=VF1.") && enc.contains(" # inline comment\n"));
    }

    #[test]
    fn values_not_decoded_by_default() {
        let doc = DotenvStore
            .parse("A=\"x\"\n", ParseOptions::default())
            .unwrap();
        assert_eq!(doc.leaves.get(0).value, None);
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}A=1\r\nB=\"two\r\nlines\"\r\nC=  spaced  \r\nD=\r\n# c\r\n";
        assert_eq!(
            summary(text),
            vec![
                row("A", "1", "1"),
                row("B", "\"two\r\nlines\"", "two\nlines"),
                row("C", "spaced", "spaced"),
                row("D", "", ""),
            ]
        );
        let enc = round_trip(&DotenvStore, text);
        assert!(
            enc.ends_with("# c\r\n\r\n#vaultfile:{\r\n#vaultfile:  \"version\": 1,\r\n")
                || enc.contains("# c\r\n\r\n#vaultfile:{\r\n")
        );
        assert!(enc.ends_with("#vaultfile:}\r\n"));
    }

    #[test]
    fn tokens() {
        let tok = crate::format::testkit::fake_token("x");
        let mut out = String::new();
        DotenvStore.write_token(&mut out, &tok);
        assert_eq!(out, tok);
        assert_eq!(DotenvStore.read_token(&tok), Some(tok.as_str()));
        assert_eq!(DotenvStore.read_token(&format!("\"{tok}\"")), None);
        assert_eq!(DotenvStore.read_token("VF1.short"), None);
        assert_eq!(DotenvStore.read_token("plain"), None);
        assert_eq!(DotenvStore.read_token(""), None);
    }

    #[test]
    fn metadata_block_layout() {
        let text = "A=1\n";
        let ins = DotenvStore
            .metadata_insertion(text, &parse(text), &sample_metadata())
            .unwrap();
        assert_eq!(ins.at, 4);
        let expected: String = std::iter::once("\n".to_string())
            .chain(
                serde_json::to_string_pretty(&sample_metadata())
                    .unwrap()
                    .lines()
                    .map(|l| format!("{METADATA_PREFIX}{l}\n")),
            )
            .collect();
        assert_eq!(ins.text, expected);
        assert!(
            ins.text
                .starts_with("\n#vaultfile:{\n#vaultfile:  \"version\": 1,\n")
        );

        let text = "A=1";
        let ins = DotenvStore
            .metadata_insertion(text, &parse(text), &sample_metadata())
            .unwrap();
        assert!(ins.text.starts_with("\n\n#vaultfile:{\n"));
        assert!(ins.text.ends_with("#vaultfile:}"));

        let ins = DotenvStore
            .metadata_insertion("", &Document::default(), &sample_metadata())
            .unwrap();
        assert!(ins.text.starts_with("#vaultfile:{\n"));
        assert!(ins.text.ends_with("#vaultfile:}\n"));
    }

    #[test]
    fn insertion_removed_exactly() {
        for text in [
            "",
            "\n",
            "A=1",
            "A=1\n",
            "A=1\r\n",
            "A=1\n\n",
            "# c",
            "\u{feff}",
            "\u{feff}A=1",
            "A='x\ny'",
        ] {
            let ins = DotenvStore
                .metadata_insertion(text, &parse(text), &sample_metadata())
                .unwrap();
            let enc = apply_edits(text, std::iter::empty(), Some(&ins), 0);
            let md = parse(&enc)
                .metadata
                .unwrap_or_else(|| panic!("no metadata in {enc:?}"));
            assert_eq!(md.value, sample_metadata());
            assert_eq!(&enc[md.span.clone()], ins.text, "{text:?}");
        }
    }

    #[test]
    fn metadata_lines_elsewhere_are_comments() {
        // Not at the end: a comment like any other.
        let text = "#vaultfile:{}\nA=1\n";
        assert!(parse(text).metadata.is_none());
        // Indented: not metadata either.
        assert!(parse("A=1\n  #vaultfile:{}\n").metadata.is_none());
        // Inside a multi-line value: part of the value.
        let text = "A=\"x\n#vaultfile:{}\"\n";
        let doc = parse(text);
        assert!(doc.metadata.is_none());
        assert_eq!(doc.leaves.len(), 1);
        // A damaged block is an error, not silently plaintext.
        let err = DotenvStore
            .parse(
                "A=1\n\n#vaultfile:{\n#vaultfile:  \"version\"\n",
                ParseOptions::default(),
            )
            .unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("metadata block"), "{err}");
    }

    #[test]
    fn round_trips() {
        let docs = [
            "",
            "\n",
            "\n\n\n",
            "# just a comment",
            "# just a comment\n",
            "A=1",
            "A=\n",
            "A=''",
            "A=\"\"\r\n",
            "A=1\nB=2\nA=3\n",
            "  A=1  \n\tB = 2\t\n",
            "A=x # c\nB='y' # c\nC=\"z\" # c\nD=`w`\t#c\n",
            "A='multi\nline\n\nvalue'\nB=\"multi\r\nline \\\" quote\"\n",
            "UNICODE=日本語 ✓ 😀\nQUOTED='ünïcödé'\n",
            "A=${B}\nC=$D\nE=\"${F:-default}\"\n",
            "A=VF1.not-really-a-token\n",
            "A= # empty?\n",
            "export A=1\nexport   B='2'\n",
            "a.b-c=1\n_X=2\n",
            "A=1\n#vaultfile: a comment that is not at the end\nB=2\n",
            "A=1\n#vaultfile:x\n\n# trailing comment\n",
        ];
        round_trip_each(&DotenvStore, &docs);
    }

    /// `KEY=` as the last line with no line break: the empty value and the metadata
    /// insertion sit at the same offset, and the insertion must land after the token
    /// (regression test for `apply_edits` putting it first).
    #[test]
    fn empty_last_value_without_line_break() {
        round_trip(&DotenvStore, "A=");
        round_trip(&DotenvStore, "A=1\nB=");
        round_trip(&DotenvStore, "A=1\nexport B =  ");
    }

    /// The store's side of the case above, spliced by hand in the documented order.
    #[test]
    fn empty_last_value_store_side() {
        let text = "A=1\nB=";
        let doc = parse(text);
        assert_eq!(doc.leaves.get(1).span, text.len()..text.len());
        let ins = DotenvStore
            .metadata_insertion(text, &doc, &sample_metadata())
            .unwrap();
        let tok = crate::format::testkit::fake_token("");
        let enc = format!("{text}{tok}{}", ins.text);
        let doc2 = parse(&enc);
        assert_eq!(
            DotenvStore.read_token(&enc[doc2.leaves.get(1).span.clone()]),
            Some(tok.as_str())
        );
        let md = doc2.metadata.unwrap();
        assert_eq!(md.value, sample_metadata());
        assert_eq!(&enc[..md.span.start], format!("{text}{tok}"));
    }

    #[test]
    fn realistic_files() {
        let laravel = "APP_NAME=Laravel\nAPP_ENV=local\nAPP_KEY=base64:2fl+Ktvkfl+Fuz4Qp/A75G2RTiWVA/ZoKZvp6fiiM10=\nAPP_DEBUG=true\nAPP_URL=http://localhost\n\nLOG_CHANNEL=stack\nLOG_LEVEL=debug\n\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\nDB_PORT=3306\nDB_DATABASE=laravel\nDB_USERNAME=root\nDB_PASSWORD=\n\nMAIL_MAILER=smtp\nMAIL_FROM_ADDRESS=\"hello@example.com\"\nMAIL_FROM_NAME=\"${APP_NAME}\"\n\nAWS_ACCESS_KEY_ID=\nAWS_SECRET_ACCESS_KEY=\nAWS_DEFAULT_REGION=us-east-1\n\nVITE_APP_NAME=\"${APP_NAME}\"\n";
        let doc = parse(laravel);
        assert_eq!(doc.leaves.len(), 20);
        let pw = doc
            .leaves
            .iter()
            .find(|l| l.path.to_string() == "DB_PASSWORD")
            .unwrap();
        assert!(pw.span.is_empty());
        let name = doc
            .leaves
            .iter()
            .find(|l| l.path.to_string() == "MAIL_FROM_NAME")
            .unwrap();
        assert_eq!(name.value, Some("${APP_NAME}"));
        round_trip(&DotenvStore, laravel);

        let compose = "# docker compose environment\r\nCOMPOSE_PROJECT_NAME=shop\r\nPOSTGRES_USER=shop\r\nPOSTGRES_PASSWORD='s3cr3t#with$pecial'\r\nREDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0\r\nJAVA_OPTS=\"-Xmx512m -Dfile.encoding=UTF-8\"\r\nTZ=Europe/Berlin # local time\r\nPRIVATE_KEY=\"-----BEGIN KEY-----\r\nMIIBVwIBADANBgkq\r\n-----END KEY-----\"\r\nEMPTY=\r\nLAST=1";
        let doc = parse(compose);
        assert_eq!(doc.leaves.get(2).value, Some("s3cr3t#with$pecial"));
        assert_eq!(doc.leaves.get(5).value, Some("Europe/Berlin"));
        let enc = round_trip(&DotenvStore, compose);
        assert!(!enc.ends_with('\n'));
        assert!(enc.contains("\r\nEMPTY=VF1."));
        assert!(enc.contains("\r\nLAST=VF1."));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let cases = [
            ("A=1\nnot a line\n", 2, 5, "expected '='"),
            ("A=1\n-x=1\n", 2, 1, "expected a variable assignment"),
            ("A=1\n1A=2\n", 2, 1, "start with a letter"),
            ("A=1\n\nKEY value\n", 3, 5, "expected '='"),
            ("A=1\n  KEY:1\n", 2, 6, "expected '='"),
            ("A='open\nB=2\n", 1, 3, "unterminated single-quoted"),
            ("A=1\nB=\"x\\\"\n", 2, 3, "unterminated double-quoted"),
            ("A=`x\n", 1, 3, "unterminated backtick-quoted"),
            ("A='x' y\n", 1, 7, "after the closing quote"),
            ("A=1\nB=\"x\"# c\n", 2, 6, "put a space"),
            ("\u{feff}=1\n", 1, 1, "expected a variable"),
            ("export\n", 1, 7, "expected '='"),
        ];
        for (text, line, column, msg) in cases {
            let err = parse_error(&DotenvStore, text, line);
            assert_eq!(err.column, column, "{text:?}: {err}");
            assert!(err.message.contains(msg), "{text:?}: {err}");
        }
    }

    // --- random documents ---

    /// A value in one of the styles, and its expected decoded form.
    fn value() -> impl Strategy<Value = (String, String)> {
        // No blank before a `#` (that starts a comment) and none at the end.
        let plain = "[a-zA-Z0-9_./:@+=-]([a-zA-Z0-9_./:@+=${}#-]| [a-zA-Z0-9]){0,8}";
        prop_oneof![
            Just((String::new(), String::new())),
            plain.prop_map(|s| (s.clone(), s)),
            "[a-zA-Z0-9 #$\"`{}\n]{0,10}".prop_map(|s| (format!("'{s}'"), s)),
            "[a-zA-Z0-9 #$'{}\n]{0,10}".prop_map(|s| (format!("`{s}`"), s)),
            "[a-zA-Z0-9 #$'`{}\n]{0,10}".prop_map(|s| (format!("\"{s}\""), s)),
            Just((
                "\"esc \\\" \\\\ \\n \\$X\"".to_string(),
                "esc \" \\ \n $X".to_string()
            )),
            Just(("ünï ✓ 😀".to_string(), "ünï ✓ 😀".to_string())),
        ]
    }

    fn line() -> impl Strategy<Value = (String, Option<(String, String)>)> {
        prop_oneof![
            Just((String::new(), None)),
            "# [a-zA-Z0-9 =#'\"]{0,12}".prop_map(|c| (c, None)),
            (
                "[A-Za-z_][A-Za-z0-9_.-]{0,6}",
                any::<bool>(),
                prop_oneof![Just("="), Just(" = "), Just("=  "), Just("\t=\t")],
                value(),
                prop_oneof![Just(""), Just(" # note"), Just("   "), Just("\t# x=1")],
            )
                .prop_map(|(k, export, eq, (raw, decoded), tail)| {
                    // A trailing comment after an empty value would become the value.
                    let tail = if raw.is_empty() && tail.contains('#') {
                        ""
                    } else {
                        tail
                    };
                    let prefix = if export { "export " } else { "" };
                    (format!("{prefix}{k}{eq}{raw}{tail}"), Some((k, decoded)))
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn random_documents_round_trip(
            lines in proptest::collection::vec(line(), 0..12),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            final_newline in any::<bool>(),
        ) {
            let le = if crlf { "\r\n" } else { "\n" };
            let mut text = if bom { "\u{feff}".to_string() } else { String::new() };
            let body: Vec<String> = lines.iter().map(|(l, _)| l.replace('\n', le)).collect();
            text.push_str(&body.join(le));
            // An empty value ending the text needs the apply_edits fix, see
            // empty_last_value_without_line_break.
            let empty_last = lines.last().is_some_and(|(l, kv)| {
                kv.as_ref().is_some_and(|(_, v)| v.is_empty()) && !l.contains(['\'', '"', '`'])
            });
            if (final_newline || empty_last) && !lines.is_empty() {
                text.push_str(le);
            }
            let doc = DotenvStore.parse(&text, ParseOptions { decode_values: true })
                .unwrap_or_else(|e| panic!("{e}\n{text:?}"));
            let expected: Vec<(String, String)> = lines.iter().filter_map(|(_, kv)| kv.clone()).collect();
            let got: Vec<(String, String)> = doc
                .leaves
                .iter()
                .map(|l| (l.path.keys().next().unwrap().to_string(), l.value.unwrap().to_owned()))
                .collect();
            prop_assert_eq!(got, expected, "{:?}", text);
            round_trip(&DotenvStore, &text);
        }
    }
}
