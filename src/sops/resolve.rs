//! Scalar types as SOPS's loaders see them, and scalars written back into a document.
//!
//! The MAC hashes unencrypted values too, in the form Go's `ToBytes` gives the value the
//! store loaded (getsops/sops), and an encrypted value's `type:` is the type
//! its store resolved. For YAML that is `go-yaml` v3's resolution of a plain scalar
//! (`resolve.go`): only `true`/`false` in three spellings are booleans, integers in Go's
//! base-prefixed syntax with `_` allowed, YAML floats, `.inf`/`.nan`, and unquoted
//! timestamps. JSON numbers are an `int` when they fit in 64 bits, else a `float`
//! (SOPS 3.13.2; older releases made every number a `float`, which hashes the same for
//! every integer below 2^53).

use std::sync::LazyLock;

use regex::Regex;
use zeroize::Zeroizing;

use super::value::{ValueType, format_bool, format_float, parse_float};
use crate::format::ScalarKind;
use crate::format::yaml::emit;

/// A value with its SOPS type and canonical bytes.
pub struct Typed {
    /// The type SOPS gives it.
    pub kind: ValueType,
    /// Go's `ToBytes` of the value.
    pub bytes: Zeroizing<Vec<u8>>,
}

impl Typed {
    fn new(kind: ValueType, bytes: impl Into<Vec<u8>>) -> Self {
        Typed {
            kind,
            bytes: Zeroizing::new(bytes.into()),
        }
    }

    /// A string value.
    pub fn string(s: &str) -> Self {
        Typed::new(ValueType::Str, s.as_bytes())
    }
}

static YAML_FLOAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").expect("valid regex")
});

/// Go's `strconv.ParseInt(s, 0, 64)`.
fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_owned())
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_owned())
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_owned())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_owned())
    } else {
        (10, lower)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from(u64::from_str_radix(&digits, radix).ok()?);
    let v = if neg { -magnitude } else { magnitude };
    i64::try_from(v).ok()
}

/// go-yaml v3's resolution of an untagged plain scalar; `None` for null.
pub fn yaml_plain(s: &str) -> Option<Typed> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return None,
        "true" | "True" | "TRUE" => return Some(Typed::new(ValueType::Bool, "True")),
        "false" | "False" | "FALSE" => return Some(Typed::new(ValueType::Bool, "False")),
        ".nan" | ".NaN" | ".NAN" => return Some(Typed::new(ValueType::Float, "NaN")),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Typed::new(ValueType::Float, "+Inf"));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Typed::new(ValueType::Float, "-Inf")),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if first == b'.' {
        if let Some(f) = parse_float(s) {
            return Some(Typed::new(ValueType::Float, format_float(f)));
        }
    } else if first.is_ascii_digit() || first == b'+' || first == b'-' {
        if let Some(t) = yaml_timestamp(s) {
            return Some(Typed::new(ValueType::Time, t));
        }
        let plain = s.replace('_', "");
        if let Some(i) = go_parse_int(&plain) {
            return Some(Typed::new(ValueType::Int, i.to_string()));
        }
        if YAML_FLOAT.is_match(&plain)
            && let Some(f) = parse_float(&plain)
        {
            return Some(Typed::new(ValueType::Float, format_float(f)));
        }
    }
    Some(Typed::string(s))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// go-yaml v3's timestamps (`2006-1-2T15:4:5.999999999Z07:00`, the same with `t`,
/// `2006-1-2 15:4:5.999999999` in UTC, `2006-1-2`), as Go's `time.MarshalText` writes
/// them (RFC 3339 with nanoseconds, trailing zeros dropped, `Z` for UTC).
pub fn yaml_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut pos = 5;
    let num = |max_digits: usize, pos: &mut usize| -> Option<u32> {
        let start = *pos;
        while *pos < b.len() && *pos - start < max_digits && b[*pos].is_ascii_digit() {
            *pos += 1;
        }
        (*pos > start)
            .then(|| s[start..*pos].parse().ok())
            .flatten()
    };
    let year: u32 = s[..4].parse().ok()?;
    let month = num(2, &mut pos)?;
    if b.get(pos) != Some(&b'-') {
        return None;
    }
    pos += 1;
    let day = num(2, &mut pos)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if pos == b.len() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let sep = b[pos];
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    pos += 1;
    let h = num(2, &mut pos)?;
    if b.get(pos) != Some(&b':') {
        return None;
    }
    pos += 1;
    let mi = num(2, &mut pos)?;
    if b.get(pos) != Some(&b':') {
        return None;
    }
    pos += 1;
    let sec = num(2, &mut pos)?;
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut frac = String::new();
    if b.get(pos) == Some(&b'.') {
        let start = pos + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start || end - start > 9 {
            return None;
        }
        frac = s[start..end].trim_end_matches('0').to_owned();
        pos = end;
    }
    let zone = if sep == b' ' {
        if pos != b.len() {
            return None;
        }
        "Z".to_owned()
    } else {
        match &s[pos..] {
            "Z" => "Z".to_owned(),
            z if z.len() == 6
                && matches!(z.as_bytes()[0], b'+' | b'-')
                && z.as_bytes()[3] == b':'
                && z[1..3]
                    .bytes()
                    .chain(z[4..6].bytes())
                    .all(|c| c.is_ascii_digit()) =>
            {
                if &z[1..] == "00:00" {
                    "Z".to_owned()
                } else {
                    z.to_owned()
                }
            }
            _ => return None,
        }
    };
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    Some(format!("{date}T{h:02}:{mi:02}:{sec:02}{frac}{zone}"))
}

/// The SOPS type of a YAML leaf: `raw` is its source text (tag, quotes and block header
/// included), `decoded` its value, `kind` what vaultfile's YAML store saw. `None` for null.
pub fn yaml_leaf(raw: &str, decoded: &str, kind: ScalarKind) -> Option<Typed> {
    let mut body = raw.trim_start();
    let mut tag = "";
    if body.starts_with('!') {
        let end = body.find([' ', '\t', '\n', '\r']).unwrap_or(body.len());
        tag = &body[..end];
        body = body[end..].trim_start();
    }
    let quoted = body.starts_with(['"', '\'', '|', '>']);
    match tag {
        "!!str" | "!!binary" | "tag:yaml.org,2002:str" => return Some(Typed::string(decoded)),
        "" => {}
        t if t.starts_with("!!") => {}
        // An application tag (`!env x`): go-yaml leaves the value a string.
        _ => return Some(Typed::string(decoded)),
    }
    if quoted {
        return Some(Typed::string(decoded));
    }
    if kind == ScalarKind::Null && tag.is_empty() {
        return None;
    }
    yaml_plain(decoded)
}

/// The SOPS type of a JSON leaf (SOPS 3.13.2's rules). `None` for null.
pub fn json_leaf(decoded: &str, kind: ScalarKind) -> Option<Typed> {
    match kind {
        ScalarKind::Null => None,
        ScalarKind::Bool => Some(Typed::new(ValueType::Bool, format_bool(decoded == "true"))),
        ScalarKind::Number => Some(match decoded.parse::<i64>() {
            Ok(i) => Typed::new(ValueType::Int, i.to_string()),
            Err(_) => Typed::new(
                ValueType::Float,
                format_float(decoded.parse::<f64>().unwrap_or(f64::NAN)),
            ),
        }),
        _ => Some(Typed::string(decoded)),
    }
}

/// True when `s` can be written as a YAML plain scalar and reads back as this string.
fn yaml_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || first == '/' || first == '_') {
        return false;
    }
    if s.ends_with(' ')
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./@+=%-".contains(c))
    {
        return false;
    }
    // YAML 1.1 booleans too, for other readers' sake.
    let lower = s.to_ascii_lowercase();
    if matches!(lower.as_str(), "y" | "n" | "yes" | "no" | "on" | "off") {
        return false;
    }
    yaml_plain(s).is_some_and(|t| t.kind == ValueType::Str)
}

/// Writes a string as a YAML scalar: plain when safe, a literal block for multi-line text
/// (`indent` is the column its lines start at; 0 forbids a block), else double-quoted.
pub fn yaml_string(s: &str, indent: usize) -> String {
    if yaml_plain_safe(s) {
        return s.to_owned();
    }
    // Where go-yaml writes a literal block: several lines, none ending in a blank.
    let body = s.trim_end_matches('\n');
    let block_ok = indent > 0
        && s.contains('\n')
        && !body.is_empty()
        && !s.starts_with('\n')
        && !body.lines().any(|l| l.ends_with([' ', '\t']));
    if block_ok && let Some(block) = emit::literal_block(s, indent, "\n") {
        return block;
    }
    emit::double_quoted(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<(ValueType, String)> {
        yaml_plain(s).map(|t| (t.kind, String::from_utf8(t.bytes.to_vec()).unwrap()))
    }

    #[test]
    fn yaml_resolution_follows_go_yaml_v3() {
        for (text, want) in [
            ("5432", Some((ValueType::Int, "5432"))),
            ("0x1F", Some((ValueType::Int, "31"))),
            ("1_000", Some((ValueType::Int, "1000"))),
            ("0777", Some((ValueType::Int, "511"))),
            ("1.0", Some((ValueType::Float, "1"))),
            ("1e3", Some((ValueType::Float, "1000"))),
            ("1.234568e+09", Some((ValueType::Float, "1234568000"))),
            ("True", Some((ValueType::Bool, "True"))),
            ("yes", Some((ValueType::Str, "yes"))),
            ("212 555-1234", Some((ValueType::Str, "212 555-1234"))),
            ("10021-3100", Some((ValueType::Str, "10021-3100"))),
            ("~", None),
            (".inf", Some((ValueType::Float, "+Inf"))),
            (
                "2024-01-01",
                Some((ValueType::Time, "2024-01-01T00:00:00Z")),
            ),
            (
                "2001-12-14t21:59:43.10-05:00",
                Some((ValueType::Time, "2001-12-14T21:59:43.1-05:00")),
            ),
            (
                "2001-12-14 21:59:43.10",
                Some((ValueType::Time, "2001-12-14T21:59:43.1Z")),
            ),
            ("2024-02-30", Some((ValueType::Str, "2024-02-30"))),
        ] {
            assert_eq!(kind(text), want.map(|(t, v)| (t, v.to_owned())), "{text}");
        }
    }

    #[test]
    fn leaves_with_style() {
        let t = yaml_leaf("\"5\"", "5", ScalarKind::String).unwrap();
        assert_eq!(t.kind, ValueType::Str);
        let t = yaml_leaf("!!str 5", "5", ScalarKind::String).unwrap();
        assert_eq!(t.kind, ValueType::Str);
        let t = yaml_leaf("5", "5", ScalarKind::Number).unwrap();
        assert_eq!(t.kind, ValueType::Int);
        assert!(yaml_leaf("null", "null", ScalarKind::Null).is_none());
        let t = json_leaf("7", ScalarKind::Number).unwrap();
        assert_eq!((t.kind, &t.bytes[..]), (ValueType::Int, &b"7"[..]));
        let t = json_leaf("25.40", ScalarKind::Number).unwrap();
        assert_eq!((t.kind, &t.bytes[..]), (ValueType::Float, &b"25.4"[..]));
    }

    #[test]
    fn yaml_strings() {
        assert_eq!(yaml_string("hello world", 0), "hello world");
        assert_eq!(yaml_string("yes", 0), "\"yes\"");
        assert_eq!(yaml_string("5", 0), "\"5\"");
        assert_eq!(yaml_string("a: b", 0), "\"a: b\"");
        assert_eq!(yaml_string("", 0), "\"\"");
        assert_eq!(yaml_string("l1\nl2\n", 4), "|\n    l1\n    l2");
        assert_eq!(yaml_string("l1\n\nl2", 2), "|-\n  l1\n\n  l2");
        assert_eq!(yaml_string("l1\n\n", 2), "|+\n  l1\n");
    }
}
