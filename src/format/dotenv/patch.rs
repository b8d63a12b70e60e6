//! dotenv edits: one `KEY=value` line per variable, new ones appended at the end.

use crate::format::document::ScalarKind;
use crate::format::patch::{
    Context, Edits, PatchError, Place, Target, end_of_text, remove_ranges, whole_lines,
};
use crate::format::{DoubleQuoted, line_ending};
use crate::path::{KeyPath, Segment};

/// dotenv's edits, for [`crate::format::patch::edits_for`].
pub(crate) static EDITS: Edits = Edits::new(add, remove, strings);

fn add(at: &Place<'_>, target: &Target) -> Result<Vec<String>, PatchError> {
    let Place { text, doc, path } = *at;
    let key = single_key(path)?;
    // The style of the existing lines: `export ` prefixes and the spacing around `=`.
    let last = doc.leaves.last();
    let (export, sep) = match &last {
        Some(l) => {
            let line = &text[crate::format::patch::line_start(text, l.span.start)..l.span.start];
            let exports = doc
                .leaves
                .iter()
                .filter(|l| {
                    text[crate::format::patch::line_start(text, l.span.start)..]
                        .trim_start()
                        .starts_with("export ")
                })
                .count();
            let eq = line.rfind('=').unwrap_or(line.len());
            let name_end = line[..eq].trim_end().len();
            let sep = line[name_end..].to_owned();
            let export = if exports * 2 > doc.leaves.len() {
                "export "
            } else {
                ""
            };
            (export, if sep.contains('=') { sep } else { "=".into() })
        }
        None => ("", "=".to_owned()),
    };
    let hint = doc
        .leaves
        .iter()
        .filter(|l| l.kind == ScalarKind::String && !l.span.is_empty())
        .last()
        .map(|l| &text[l.span.clone()]);
    let ctx = Context {
        format: crate::format::Format::Dotenv,
        text,
        hint,
        at: text.len(),
        flow: false,
        indent: None,
    };
    let le = line_ending(text);
    let (at, lead) = end_of_text(text);
    Ok(target
        .renderings(&ctx)
        .into_iter()
        .map(|v| {
            // A file without a final line break keeps having none.
            let trail = if lead.is_empty() { le } else { "" };
            crate::format::patch::splice(
                text,
                at..at,
                &format!("{lead}{export}{key}{sep}{v}{trail}"),
            )
        })
        .collect())
}

fn remove(at: &Place<'_>) -> Result<String, PatchError> {
    let Place { text, doc, path } = *at;
    let ranges: Vec<_> = doc
        .leaves
        .iter()
        .filter(|l| l.path == *path)
        .map(|l| whole_lines(text, l.span.start, l.span.end))
        .collect();
    if ranges.is_empty() {
        return Err(crate::format::patch::not_found(doc, path));
    }
    Ok(remove_ranges(text, ranges))
}

fn single_key(path: &KeyPath) -> Result<&str, PatchError> {
    let mut segs = path.segments();
    match (segs.next(), segs.next()) {
        (Some(Segment::Key(k)), None) => {
            let b = k.as_bytes();
            let valid = !b.is_empty()
                && (b[0].is_ascii_alphabetic() || b[0] == b'_')
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
            if valid {
                Ok(k)
            } else {
                Err(PatchError::Unsupported(format!(
                    "'{k}' is not a valid dotenv variable name (letters, digits, _ . -, not starting with a digit)"
                )))
            }
        }
        _ => Err(PatchError::Unsupported(format!(
            "dotenv files are flat: '{path}' must be a single variable name"
        ))),
    }
}

/// The spellings of a string value, best first: bare, single-quoted, double-quoted, with
/// the quoting of the value being replaced (or of the last value) first.
fn strings(value: &str, ctx: &Context<'_>) -> Vec<String> {
    let bare = value
        .chars()
        .all(|c| c.is_alphanumeric() || "_./:@%+,=~-".contains(c));
    let single = !value.contains(['\'', '\n', '\r']);
    let hint = ctx.hint.unwrap_or("");
    let literal_newlines = hint.starts_with('"') && hint.contains('\n');
    let double = double_quoted(value, literal_newlines);
    let mut out = Vec::new();
    match hint.as_bytes().first() {
        Some(b'"') => {
            out.push(double.clone());
            if single {
                out.push(format!("'{value}'"));
            }
        }
        Some(b'\'') => {
            if single {
                out.push(format!("'{value}'"));
            }
            out.push(double.clone());
        }
        _ => {
            if bare {
                out.push(value.to_owned());
            }
            if single {
                out.push(format!("'{value}'"));
            }
        }
    }
    if bare {
        out.push(value.to_owned());
    }
    out.push(double);
    out.dedup();
    out
}

/// A double-quoted value with the escapes the dotenv store decodes.
pub(crate) fn double_quoted(value: &str, literal_newlines: bool) -> String {
    const NAMED: [(char, &str); 7] = [
        ('\n', "\\n"),
        ('\r', "\\r"),
        ('\t', "\\t"),
        ('\u{07}', "\\a"),
        ('\u{08}', "\\b"),
        ('\u{0c}', "\\f"),
        ('\u{0b}', "\\v"),
    ];
    const LITERAL_NEWLINES: [(char, &str); 7] = {
        let mut named = NAMED;
        named[0] = ('\n', "\n");
        named
    };
    DoubleQuoted {
        named: if literal_newlines {
            &LITERAL_NEWLINES
        } else {
            &NAMED
        },
        unicode: |_| false,
        upper_hex: false,
    }
    .quote(value)
}
