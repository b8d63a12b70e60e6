//! Writing YAML: the one place that decides how a key and a string are spelled and how a
//! JSON value becomes block YAML.
//!
//! Everything vaultfile writes as YAML goes through here: the metadata block, a key or a
//! value `set` adds, `decrypt --output-type yaml`, Kubernetes manifests, SOPS's values. A
//! spelling chosen here reads back as the same string in YAML 1.2 and in YAML 1.1 readers
//! (PyYAML, go-yaml v2): words 1.1 takes for booleans are quoted, and a double-quoted
//! string escapes what YAML does not allow raw, not only what JSON escapes.

use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::format::DoubleQuoted;

/// `s` as a double-quoted scalar. For ordinary text this is exactly what
/// `serde_json::to_string` gives; it also escapes what JSON allows raw but YAML does not
/// (DEL, C1 controls, U+2028/U+2029, U+FEFF, U+FFFE, U+FFFF).
pub(crate) fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_double_quoted(&mut out, s);
    out
}

/// Appends [`double_quoted`]`(s)` to `out`.
pub(crate) fn push_double_quoted(out: &mut String, s: &str) {
    const JSON_LIKE: DoubleQuoted = DoubleQuoted {
        named: &[
            ('\n', "\\n"),
            ('\r', "\\r"),
            ('\t', "\\t"),
            ('\u{8}', "\\b"),
            ('\u{c}', "\\f"),
        ],
        unicode: super::needs_unicode_escape,
        upper_hex: false,
    };
    JSON_LIKE.push(out, s);
}

/// Whether `k` can be a plain key: a word (letters, digits, `_`, `-`, `.`, `/`, starting
/// with a letter or `_`) that reads back as a string, not as a boolean or null.
pub(crate) fn is_plain_key(k: &str) -> bool {
    let mut chars = k.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && super::resolve_plain(k) == crate::format::ScalarKind::String
        && !super::reads_as_other_type(k)
}

/// A mapping key (or a name in a manifest): plain when [`is_plain_key`], else
/// double-quoted.
pub(crate) fn key(k: &str) -> String {
    if is_plain_key(k) {
        k.to_owned()
    } else {
        double_quoted(k)
    }
}

/// A literal block scalar (`|`, `|-`, `|+`) holding `value`, its lines indented to
/// `indent` and ended with `le`; `None` when a literal block cannot hold it as it is
/// (leading blanks, control characters other than tab and line feed).
pub(crate) fn literal_block(value: &str, indent: usize, le: &str) -> Option<String> {
    if value.starts_with([' ', '\t'])
        || value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return None;
    }
    let body = value.trim_end_matches('\n');
    let trailing = value.len() - body.len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let mut out = format!("|{chomp}");
    for line in body.split('\n') {
        out.push_str(le);
        if !line.is_empty() {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(line);
        }
    }
    for _ in 1..trailing {
        out.push_str(le);
    }
    Some(out)
}

/// Writes `value` as block YAML whose top level is indented to `indent`, each line ended
/// with `le`: a mapping's entries, a list's items (`- ` with a collection item's first
/// entry on the same line), or a scalar on a line of its own. Strings are double-quoted,
/// keys spelled by [`key`], empty collections written `{}` and `[]`.
pub(crate) fn block(out: &mut String, value: &Value, indent: usize, le: &str) {
    match value {
        Value::Object(m) if !m.is_empty() => object(out, m, indent, le, false),
        Value::Array(a) if !a.is_empty() => array(out, a, indent, le, false),
        _ => {
            push_indent(out, indent);
            scalar(out, value);
            out.push_str(le);
        }
    }
}

/// Writes what follows `key:` for `value`, in a mapping whose keys sit at `indent`.
pub(crate) fn child(out: &mut String, value: &Value, indent: usize, le: &str) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push_str(le);
            object(out, m, indent + 2, le, false);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str(le);
            array(out, a, indent + 2, le, false);
        }
        _ => {
            out.push(' ');
            scalar(out, value);
            out.push_str(le);
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A mapping's entries; `inline`: the first one continues a `- ` already written.
fn object(out: &mut String, m: &Map<String, Value>, indent: usize, le: &str, inline: bool) {
    for (i, (k, v)) in m.iter().enumerate() {
        if !(inline && i == 0) {
            push_indent(out, indent);
        }
        if is_plain_key(k) {
            out.push_str(k);
        } else {
            push_double_quoted(out, k);
        }
        out.push(':');
        child(out, v, indent, le);
    }
}

/// A list's items; `inline`: the first one continues a `- ` already written.
fn array(out: &mut String, a: &[Value], indent: usize, le: &str, inline: bool) {
    for (i, v) in a.iter().enumerate() {
        if !(inline && i == 0) {
            push_indent(out, indent);
        }
        out.push_str("- ");
        match v {
            Value::Object(m) if !m.is_empty() => object(out, m, indent + 2, le, true),
            Value::Array(a) if !a.is_empty() => array(out, a, indent + 2, le, true),
            _ => {
                scalar(out, v);
                out.push_str(le);
            }
        }
    }
}

fn scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => push_double_quoted(out, s),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_plain_only_when_they_read_back_as_the_same_string() {
        for k in ["app", "db_url", "a-b.c/d", "café", "_x"] {
            assert_eq!(key(k), k);
        }
        for (k, quoted) in [
            ("yes", "\"yes\""),
            ("Off", "\"Off\""),
            ("null", "\"null\""),
            ("1a", "\"1a\""),
            ("a b", "\"a b\""),
            ("", "\"\""),
            ("a:b", "\"a:b\""),
        ] {
            assert_eq!(key(k), quoted);
        }
    }

    #[test]
    fn strings_escape_what_yaml_cannot_hold_raw() {
        assert_eq!(double_quoted("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(
            double_quoted("\u{7f}\u{85}\u{2028}"),
            r#""\u007f\u0085\u2028""#
        );
        assert_eq!(double_quoted("plain text"), "\"plain text\"");
    }

    #[test]
    fn literal_blocks_keep_every_line_and_the_final_breaks() {
        assert_eq!(literal_block("a\nb", 2, "\n").unwrap(), "|-\n  a\n  b");
        assert_eq!(
            literal_block("a\n\nb\n", 4, "\r\n").unwrap(),
            "|\r\n    a\r\n\r\n    b"
        );
        assert_eq!(literal_block("a\n\n", 2, "\n").unwrap(), "|+\n  a\n");
        assert!(literal_block(" a\nb", 2, "\n").is_none());
        assert!(literal_block("a\u{1}\nb", 2, "\n").is_none());
    }

    #[test]
    fn blocks_nest_collections_compactly() {
        // `n` and `yes` are quoted: YAML 1.1 readers take them for booleans.
        let v = serde_json::json!({
            "a": 1,
            "list": [{"k": "v", "n": null}, [true, false], "s"],
            "empty": {},
            "yes": []
        });
        let mut out = String::new();
        block(&mut out, &v, 0, "\n");
        assert_eq!(
            out,
            "a: 1\nlist:\n  - k: \"v\"\n    \"n\": null\n  - - true\n    - false\n  - \"s\"\nempty: {}\n\"yes\": []\n"
        );
    }
}
