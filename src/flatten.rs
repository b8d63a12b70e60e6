//! Values as environment variables, and documents in other formats.
//!
//! A nested key path becomes one variable name, predictably: each key and each list index
//! is a part, parts are joined with the separator (`_`) and upper-cased, and a prefix is
//! put in front: `database.password` → `DATABASE_PASSWORD`, `servers[0].token` →
//! `SERVERS_0_TOKEN`. The names of a dotenv file are kept as they are (only the prefix is
//! added). A name that is not a valid environment variable name (letters, digits and `_`,
//! not starting with a digit) is an error that names the key, as is two keys giving the
//! same name; nothing is renamed silently. Null values have no variable.
//!
//! The values are those of the read model ([`crate::format::view`]): a YAML alias gives its
//! anchored value's variables under its own name, a merge key's mappings give theirs under
//! the mapping that merges them, and the merge key itself (`<<`) gives none.
//!
//! [`render`] writes variables for other tools (dotenv, `eval`-able shell, JSON, YAML) and
//! [`convert`] writes a whole document in another format, for `exec-file`.

use zeroize::Zeroizing;

use crate::format::document::ScalarKind;
use crate::format::view::View;
use crate::format::yaml::emit;
use crate::format::{DoubleQuoted, Format};
use crate::path::{KeyPath, PathRef, Segment};

/// How names are made.
#[derive(Clone, Debug)]
pub struct FlattenOptions {
    /// Put in front of every name (as given: not upper-cased).
    pub prefix: String,
    /// Between the parts of a nested path.
    pub separator: String,
    /// Upper-case the keys (not for dotenv files, whose names are kept).
    pub upper: bool,
}

impl Default for FlattenOptions {
    fn default() -> Self {
        FlattenOptions {
            prefix: String::new(),
            separator: "_".into(),
            upper: true,
        }
    }
}

/// One variable.
#[derive(Clone, Debug)]
pub struct Var {
    /// Its name.
    pub name: String,
    /// Its value (wiped when dropped).
    pub value: Zeroizing<String>,
    /// The key path it came from.
    pub path: KeyPath,
}

/// The variables of one document.
#[derive(Debug, Default)]
pub struct Flat {
    /// In document order; a later duplicate of a dotenv name replaces the earlier one.
    pub vars: Vec<Var>,
    /// Paths whose value is null, which give no variable.
    pub nulls: Vec<KeyPath>,
}

/// Why a document cannot be flattened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FlattenError {
    /// A key gives a name that is not a valid environment variable name.
    #[error(
        "the key '{path}' gives the variable name '{name}', which is not a valid environment \
         variable name (letters, digits and _, not starting with a digit)"
    )]
    InvalidName {
        /// The key's path.
        path: KeyPath,
        /// The name it gives.
        name: String,
    },
    /// Two keys of one document give the same name.
    #[error("the keys '{first}' and '{second}' both give the variable name '{name}'")]
    Clash {
        /// The name.
        name: String,
        /// The first key.
        first: KeyPath,
        /// The second key.
        second: KeyPath,
    },
}

/// True for a portable environment variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_valid_name(name: &str) -> bool {
    let mut b = name.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// The name for the value at `path` of a `format` document.
pub fn name_for(path: PathRef<'_>, format: Format, opts: &FlattenOptions) -> String {
    let mut name = opts.prefix.clone();
    if format == Format::Dotenv {
        for s in path.segments() {
            if let Segment::Key(k) = s {
                name.push_str(k);
            }
        }
        return name;
    }
    let mut first = true;
    for s in path.segments() {
        if !first {
            name.push_str(&opts.separator);
        }
        first = false;
        match s {
            Segment::Key(k) if opts.upper => name.push_str(&k.to_uppercase()),
            Segment::Key(k) => name.push_str(k),
            Segment::Index(i) | Segment::Document(i) => name.push_str(&i.to_string()),
        }
    }
    name
}

/// The variables of a document's values.
pub fn flatten(view: &View, opts: &FlattenOptions) -> Result<Flat, FlattenError> {
    let format = view.format();
    let mut flat = Flat::default();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for leaf in view.values() {
        if leaf.kind == ScalarKind::Null {
            flat.nulls.push(leaf.path.clone());
            continue;
        }
        let name = name_for(leaf.path.as_path(), format, opts);
        if !is_valid_name(&name) {
            return Err(FlattenError::InvalidName {
                path: leaf.path.clone(),
                name,
            });
        }
        let value = Zeroizing::new(leaf.value.to_owned());
        match seen.get(&name) {
            // dotenv: a later assignment wins, as every dotenv loader does.
            Some(&i) if format == Format::Dotenv => flat.vars[i].value = value,
            Some(&i) => {
                return Err(FlattenError::Clash {
                    name,
                    first: flat.vars[i].path.clone(),
                    second: leaf.path.clone(),
                });
            }
            None => {
                seen.insert(name.clone(), flat.vars.len());
                flat.vars.push(Var {
                    name,
                    value,
                    path: leaf.path.clone(),
                });
            }
        }
    }
    Ok(flat)
}

/// The formats [`render`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// `NAME=value` lines, quoted only when needed, as dotenv loaders (and vaultfile) read them.
    Dotenv,
    /// `export NAME='value'` lines for `eval` in a POSIX shell.
    Shell,
    /// One JSON object of strings.
    Json,
    /// One YAML mapping of double-quoted strings.
    Yaml,
}

/// Writes variables (name, value) in `format`.
pub fn render<'a>(
    vars: impl IntoIterator<Item = (&'a str, &'a str)>,
    format: ExportFormat,
) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    match format {
        ExportFormat::Dotenv => {
            for (name, value) in vars {
                out.push_str(name);
                out.push('=');
                out.push_str(&dotenv_value(value));
                out.push('\n');
            }
        }
        ExportFormat::Shell => {
            for (name, value) in vars {
                out.push_str("export ");
                out.push_str(name);
                out.push('=');
                out.push_str(&shell_quote(value));
                out.push('\n');
            }
        }
        ExportFormat::Json => {
            let map: serde_json::Map<String, serde_json::Value> = vars
                .into_iter()
                .map(|(n, v)| (n.to_owned(), serde_json::Value::String(v.to_owned())))
                .collect();
            let value = Wiped(serde_json::Value::Object(map));
            out.push_str(&serde_json::to_string_pretty(&value.0).expect("JSON serialises"));
            out.push('\n');
        }
        ExportFormat::Yaml => {
            let mut any = false;
            for (name, value) in vars {
                any = true;
                out.push_str(&emit::key(name));
                out.push_str(": ");
                emit::push_double_quoted(&mut out, value);
                out.push('\n');
            }
            if !any {
                out.push_str("{}\n");
            }
        }
    }
    out
}

/// A JSON value whose strings are wiped when it is dropped.
struct Wiped(serde_json::Value);

impl Drop for Wiped {
    fn drop(&mut self) {
        fn go(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::String(s) => zeroize::Zeroize::zeroize(s),
                serde_json::Value::Array(a) => a.iter_mut().for_each(go),
                serde_json::Value::Object(m) => m.values_mut().for_each(go),
                _ => {}
            }
        }
        go(&mut self.0);
    }
}

/// A value as a dotenv file holds it: bare when safe, else single- or double-quoted.
pub fn dotenv_value(value: &str) -> String {
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_./:@%+,=~-".contains(c))
    {
        return value.to_owned();
    }
    if !value.contains(['\'', '\n', '\r']) {
        return format!("'{value}'");
    }
    const ESCAPED: DoubleQuoted = DoubleQuoted {
        named: &[('\n', "\\n"), ('\r', "\\r"), ('\t', "\\t")],
        unicode: |_| false,
        upper_hex: false,
    };
    ESCAPED.quote(value)
}

/// A value single-quoted for a POSIX shell (`'` written as `'\''`).
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// Why a document cannot be written in another format (see [`convert`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// TOML was asked for and the document's root is not a mapping.
    #[error("TOML needs a mapping at the top of the document")]
    TomlNeedsMapping,
    /// The TOML serialiser refused the document (a null, for one).
    #[error("cannot write it as TOML: {0}")]
    Toml(#[source] toml::ser::Error),
    /// dotenv was asked for and the document cannot be flattened.
    #[error(transparent)]
    Flatten(#[from] FlattenError),
    /// Binary was asked for: a structured document is not a whole-file secret.
    #[error("a structured file cannot be given as binary")]
    Binary,
}

/// Writes a document's values (see [`View::to_json`]) in another format: JSON (pretty),
/// YAML (block style, strings double-quoted), TOML (the root must be a mapping and hold no
/// null) or dotenv (flattened with `opts`).
pub fn convert(
    view: &View,
    target: Format,
    opts: &FlattenOptions,
) -> Result<Zeroizing<String>, ConvertError> {
    let wiped = Wiped(view.to_json());
    let tree = &wiped.0;
    let out = match target {
        Format::Json => serde_json::to_string_pretty(tree).expect("JSON serialises") + "\n",
        Format::Yaml => {
            let mut out = String::new();
            emit::block(&mut out, tree, 0, "\n");
            out
        }
        Format::Toml => {
            if !tree.is_object() {
                return Err(ConvertError::TomlNeedsMapping);
            }
            toml::to_string(tree).map_err(ConvertError::Toml)?
        }
        Format::Dotenv => {
            let flat = flatten(view, opts)?;
            let vars = flat
                .vars
                .iter()
                .map(|v| (v.name.as_str(), v.value.as_str()));
            return Ok(render(vars, ExportFormat::Dotenv));
        }
        Format::Binary => return Err(ConvertError::Binary),
    };
    Ok(Zeroizing::new(out))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::format::store_for;

    fn doc(format: Format, text: &str) -> View {
        View::parse(store_for(format).unwrap(), text).unwrap()
    }

    fn names(format: Format, text: &str, opts: &FlattenOptions) -> Vec<(String, String)> {
        flatten(&doc(format, text), opts)
            .unwrap()
            .vars
            .into_iter()
            .map(|v| (v.name, v.value.to_string()))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn nested_keys_and_list_items() {
        let yaml = "database:\n  password: \"s3cr3t\"\n  port: 5432\nservers:\n  - token: a\n  - token: b\nempty: ~\n";
        let o = FlattenOptions::default();
        assert_eq!(
            names(Format::Yaml, yaml, &o),
            pairs(&[
                ("DATABASE_PASSWORD", "s3cr3t"),
                ("DATABASE_PORT", "5432"),
                ("SERVERS_0_TOKEN", "a"),
                ("SERVERS_1_TOKEN", "b"),
            ])
        );
        let f = flatten(&doc(Format::Yaml, yaml), &o).unwrap();
        assert_eq!(f.nulls, vec![KeyPath::parse("empty").unwrap()]);
        let o = FlattenOptions {
            prefix: "APP_".into(),
            separator: "__".into(),
            upper: false,
        };
        assert_eq!(
            names(Format::Json, "{\"db\": {\"pw\": \"x\"}, \"l\": [true]}", &o),
            pairs(&[("APP_db__pw", "x"), ("APP_l__0", "true")])
        );
    }

    #[test]
    fn aliases_and_merge_keys_give_variables() {
        let yaml = "common: &pw s3cret\napp:\n  password: *pw\ndefaults: &d\n  timeout: 30\napi:\n  !!merge <<: *d\n  url: x\n";
        assert_eq!(
            names(Format::Yaml, yaml, &FlattenOptions::default()),
            pairs(&[
                ("COMMON", "s3cret"),
                ("APP_PASSWORD", "s3cret"),
                ("DEFAULTS_TIMEOUT", "30"),
                ("API_TIMEOUT", "30"),
                ("API_URL", "x"),
            ])
        );
    }

    #[test]
    fn dotenv_names_are_kept_and_later_wins() {
        let o = FlattenOptions::default();
        assert_eq!(
            names(Format::Dotenv, "lower_case=1\nA=\"x y\"\nA=2\n", &o),
            pairs(&[("lower_case", "1"), ("A", "2")])
        );
    }

    #[test]
    fn invalid_names_and_clashes_name_the_keys() {
        let o = FlattenOptions::default();
        let e = flatten(&doc(Format::Yaml, "api-key: x\n"), &o).unwrap_err();
        assert!(e.to_string().contains("'api-key'") && e.to_string().contains("API-KEY"));
        let e = flatten(&doc(Format::Yaml, "a_b: 1\na:\n  b: 2\n"), &o).unwrap_err();
        assert!(
            matches!(e, FlattenError::Clash { ref name, .. } if name == "A_B"),
            "{e}"
        );
        assert!(e.to_string().contains("'a_b'") && e.to_string().contains("'a.b'"));
        let e = flatten(&doc(Format::Toml, "1x = 2\n"), &o).unwrap_err();
        assert!(matches!(e, FlattenError::InvalidName { .. }));
    }

    #[test]
    fn renderings() {
        let vars = [("A", "plain-1"), ("B", "it's \"q\"\nline"), ("C", "a b $x")];
        assert_eq!(
            render(vars, ExportFormat::Shell).as_str(),
            "export A='plain-1'\nexport B='it'\\''s \"q\"\nline'\nexport C='a b $x'\n"
        );
        assert_eq!(
            render(vars, ExportFormat::Dotenv).as_str(),
            "A=plain-1\nB=\"it's \\\"q\\\"\\nline\"\nC='a b $x'\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&render(vars, ExportFormat::Json)).unwrap();
        assert_eq!(json["B"], "it's \"q\"\nline");
        assert_eq!(render([], ExportFormat::Yaml).as_str(), "{}\n");
    }

    #[test]
    fn convert_between_formats() {
        let d = doc(Format::Yaml, "a:\n  b: [1, \"two\", true]\n  c: ~\nd: x\n");
        let json = convert(&d, Format::Json, &FlattenOptions::default()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": {"b": [1, "two", true], "c": null}, "d": "x"})
        );
        let yaml = convert(&d, Format::Yaml, &FlattenOptions::default()).unwrap();
        let back = doc(Format::Yaml, &yaml).to_json();
        assert_eq!(back, v);
        assert!(convert(&d, Format::Toml, &FlattenOptions::default()).is_err());
        let d = doc(Format::Json, "{\"a\": {\"b\": 1}, \"s\": \"x\"}");
        let toml = convert(&d, Format::Toml, &FlattenOptions::default()).unwrap();
        let back = doc(Format::Toml, &toml).to_json();
        assert_eq!(back, serde_json::json!({"a": {"b": 1}, "s": "x"}));
    }

    proptest! {
        /// Every rendering reads back as the same values: dotenv through vaultfile's own
        /// dotenv parser, shell through `sh`-style unquoting, JSON and YAML through the
        /// stores.
        #[test]
        fn renderings_read_back(values in proptest::collection::vec("[ -~\n\té€😀'\"\\\\$]{0,16}", 1..6)) {
            let named: Vec<(String, String)> = values
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("V{i}"), v.clone()))
                .collect();
            let vars = || named.iter().map(|(n, v)| (n.as_str(), v.as_str()));
            for (fmt, store) in [
                (ExportFormat::Dotenv, Format::Dotenv),
                (ExportFormat::Json, Format::Json),
                (ExportFormat::Yaml, Format::Yaml),
            ] {
                let text = render(vars(), fmt);
                let d = doc(store, &text);
                let got: Vec<(String, String)> = d
                    .values()
                    .map(|l| (l.path.to_string(), l.value.to_owned()))
                    .collect();
                prop_assert_eq!(&got, &named, "{:?}:\n{}", fmt, text.as_str());
            }
            for (_, v) in &named {
                let q = shell_quote(v);
                prop_assert_eq!(shell_words_unquote(&q), v.clone());
            }
        }

        /// Names are deterministic and, when valid, built only from the path's parts.
        #[test]
        fn names_are_predictable(keys in proptest::collection::vec("[a-z][a-z0-9]{0,6}", 1..5), index in 0usize..20) {
            let mut path = KeyPath::root();
            for k in &keys {
                path.push_key(k);
            }
            path.push_index(index);
            let name = name_for(path.as_path(), Format::Yaml, &FlattenOptions::default());
            let expected = format!("{}_{index}", keys.join("_").to_uppercase());
            prop_assert_eq!(&name, &expected);
            prop_assert!(is_valid_name(&name));
        }
    }

    /// Undoes [`shell_quote`] the way a POSIX shell reads single quotes.
    fn shell_words_unquote(s: &str) -> String {
        let mut out = String::new();
        let mut inside = false;
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => inside = !inside,
                '\\' if !inside => out.extend(chars.next()),
                c => out.push(c),
            }
        }
        out
    }
}
