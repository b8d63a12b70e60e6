//! Tests of the patch module: every format, new keys in the file's style, values with
//! quotes, line breaks and unicode, and the check that nothing else changes.

use proptest::prelude::*;

use super::*;
use crate::format::store_for;
use crate::format::view::Found;

const TRICKY: &str = "he said \"hi\" & it's 100% ok: #1\nsecond line: café 😀\n";

fn st(f: Format) -> &'static dyn Store {
    store_for(f).unwrap()
}

fn p(s: &str) -> PathQuery {
    PathQuery::parse(s).unwrap()
}

/// The value at `path`, as the read model finds it.
fn lookup(store: &dyn Store, text: &str, path: &PathQuery) -> Result<Found, LookupError> {
    View::parse(store, text).unwrap().lookup(path)
}

fn to_json(store: &dyn Store, text: &str) -> serde_json::Value {
    View::parse(store, text).unwrap().to_json()
}

fn set_lit(f: Format, text: &str, path: &str, v: &str) -> String {
    set(st(f), text, &p(path), NewValue::Literal(v)).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn set_str(f: Format, text: &str, path: &str, v: &str) -> String {
    set(st(f), text, &p(path), NewValue::String(v)).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Why setting `path` to the literal `v` is refused.
fn set_err(f: Format, text: &str, path: &str, v: &str) -> PatchError {
    set(st(f), text, &p(path), NewValue::Literal(v)).unwrap_err()
}

fn get(f: Format, text: &str, path: &str) -> String {
    match lookup(st(f), text, &p(path)).unwrap() {
        Found::Value { value, .. } => value,
        Found::Tree(t) => t.to_string(),
    }
}

fn del(f: Format, text: &str, path: &str) -> String {
    unset(st(f), text, &p(path)).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

// ---- YAML ----------------------------------------------------------------------------

const YAML: &str = "\
# settings
database:
    user: app   # the user
    password: \"old-pass\"
    port: 5432
servers:
    - name: a
      token: 'tok-a'
    - name: b
flow: {x: 1, y: 2}
";

#[test]
fn yaml_set_keeps_quoting_and_comments() {
    let out = set_lit(Format::Yaml, YAML, "database.password", "new pass");
    assert_eq!(out, YAML.replace("\"old-pass\"", "\"new pass\""));
    let out = set_lit(Format::Yaml, YAML, "database.user", "root");
    assert_eq!(out, YAML.replace("user: app   #", "user: root   #"));
    let out = set_lit(Format::Yaml, YAML, "servers[0].token", "it's");
    assert_eq!(out, YAML.replace("'tok-a'", "'it''s'"));
    // A literal keeps its type; --string makes it a string.
    let out = set_lit(Format::Yaml, YAML, "database.port", "6543");
    assert_eq!(out, YAML.replace("5432", "6543"));
    let out = set_str(Format::Yaml, YAML, "database.port", "6543");
    assert_eq!(get(Format::Yaml, &out, "database.port"), "6543");
    assert!(out.contains("port: '6543'"), "{out}");
    let out = set_lit(Format::Yaml, YAML, "database.port", "true");
    assert!(out.contains("port: true"));
}

#[test]
fn yaml_same_value_changes_nothing() {
    assert_eq!(
        set_lit(Format::Yaml, YAML, "database.password", "old-pass"),
        YAML
    );
    assert_eq!(
        set_lit(Format::Yaml, YAML, "database.password", "\"old-pass\""),
        YAML
    );
    assert_eq!(set_lit(Format::Yaml, YAML, "database.port", "5432"), YAML);
    assert_eq!(set_str(Format::Yaml, YAML, "servers[1].name", "b"), YAML);
}

#[test]
fn yaml_tricky_values() {
    let out = set_str(Format::Yaml, YAML, "database.password", TRICKY);
    assert_eq!(get(Format::Yaml, &out, "database.password"), TRICKY);
    // A new multi-line value in block context is a literal block scalar.
    let out = set_str(Format::Yaml, YAML, "database.cert", TRICKY);
    assert_eq!(get(Format::Yaml, &out, "database.cert"), TRICKY);
    assert!(out.contains("    cert: |\n      he said"), "{out}");
    // In a flow mapping it is double-quoted.
    let out = set_str(Format::Yaml, YAML, "flow.z", TRICKY);
    assert_eq!(get(Format::Yaml, &out, "flow.z"), TRICKY);
    assert!(out.contains("flow: {x: 1, y: 2, z: \"he said"), "{out}");
    // Replacing a block scalar keeps its indentation.
    let text = "a:\n  k: |\n        one\n        two\n  b: 1\n";
    let out = set_str(Format::Yaml, text, "a.k", "x\ny\n");
    assert_eq!(out, "a:\n  k: |\n        x\n        y\n  b: 1\n");
    let out = set_str(Format::Yaml, text, "a.k", "x\ny");
    assert_eq!(out, "a:\n  k: |-\n        x\n        y\n  b: 1\n");
}

#[test]
fn yaml_new_keys_follow_the_file() {
    let out = set_lit(Format::Yaml, YAML, "database.host", "db.local");
    assert_eq!(
        out,
        YAML.replace(
            "    port: 5432\n",
            "    port: 5432\n    host: \"db.local\"\n"
        ),
        "the quoting of the neighbours (double) is kept"
    );
    let out = set_lit(Format::Yaml, YAML, "api.key", "k");
    assert_eq!(out, format!("{YAML}api:\n    key: k\n"));
    let out = set_lit(Format::Yaml, YAML, "servers[1].token", "t");
    assert_eq!(
        out,
        YAML.replace("    - name: b\n", "    - name: b\n      token: t\n")
    );
    let out = set_lit(Format::Yaml, YAML, "servers[2]", "7");
    assert_eq!(
        out,
        YAML.replace("    - name: b\n", "    - name: b\n    - 7\n")
    );
    let out = set_lit(Format::Yaml, YAML, "flow.z", "3");
    assert_eq!(out, YAML.replace("{x: 1, y: 2}", "{x: 1, y: 2, z: 3}"));
    // Indexes must append.
    assert!(matches!(
        set_err(Format::Yaml, YAML, "servers[5]", "1"),
        PatchError::Unsupported(_)
    ));
    // A scalar cannot hold a key; a null can become a mapping.
    assert!(matches!(
        set_err(Format::Yaml, YAML, "database.port.x", "1"),
        PatchError::NotAContainer { .. }
    ));
    let e = set_err(Format::Yaml, YAML, "servers.x", "1");
    assert_eq!(
        e.to_string(),
        "'servers' holds a list, so 'servers.x' cannot be created under it"
    );
    let e = set_err(Format::Json, JSON, "db[0]", "1");
    assert_eq!(
        e.to_string(),
        "'db' holds a mapping, so 'db[0]' cannot be created under it"
    );
    let out = set_lit(Format::Yaml, "a:\nb: 1\n", "a.c", "2");
    assert_eq!(out, "a:\n  c: 2\nb: 1\n");
    // CRLF and a missing final newline are kept.
    let out = set_lit(Format::Yaml, "a: 1\r\nb: 2", "c", "3");
    assert_eq!(out, "a: 1\r\nb: 2\r\nc: 3");
    // Keys that need quotes get them.
    let out = set_lit(Format::Yaml, "a: 1\n", "[\"x: y\"]", "2");
    assert_eq!(out, "a: 1\n\"x: y\": 2\n");
}

#[test]
fn yaml_unset() {
    let out = del(Format::Yaml, YAML, "database.user");
    assert_eq!(out, YAML.replace("    user: app   # the user\n", ""));
    let out = del(Format::Yaml, YAML, "database");
    assert!(!out.contains("database") && !out.contains("5432") && out.contains("servers:"));
    let out = del(Format::Yaml, YAML, "servers[0]");
    assert_eq!(
        out,
        YAML.replace("    - name: a\n      token: 'tok-a'\n", "")
    );
    let out = del(Format::Yaml, YAML, "servers[0].name");
    assert!(out.contains("    - token: 'tok-a'\n"), "{out}");
    let out = del(Format::Yaml, YAML, "flow.x");
    assert!(out.contains("flow: {y: 2}"), "{out}");
    let out = del(Format::Yaml, YAML, "flow.y");
    assert!(out.contains("flow: {x: 1}"), "{out}");
    let out = del(Format::Yaml, "a:\n  only: 1\nb: 2\n", "a.only");
    assert_eq!(out, "a: {}\nb: 2\n");
    let out = del(Format::Yaml, "a: 1\n", "a");
    assert_eq!(out, "{}\n");
    assert!(matches!(
        unset(st(Format::Yaml), YAML, &p("nope")),
        Err(PatchError::NotFound { .. })
    ));
}

#[test]
fn yaml_multi_document() {
    let text = "a: 1\n---\nb: 2\n";
    let out = set_lit(Format::Yaml, text, "@1.c", "3");
    assert_eq!(out, "a: 1\n---\nb: 2\nc: 3\n");
    let out = set_lit(Format::Yaml, text, "@1.b", "4");
    assert_eq!(out, "a: 1\n---\nb: 4\n");
}

// ---- JSON ----------------------------------------------------------------------------

const JSON: &str = "{\n    \"db\": {\n        \"password\": \"old\",\n        \"port\": 5432\n    },\n    \"list\": [1, 2],\n    \"empty\": {}\n}\n";

#[test]
fn json_set_add_unset() {
    let out = set_lit(Format::Json, JSON, "db.password", "new");
    assert_eq!(out, JSON.replace("\"old\"", "\"new\""));
    assert_eq!(set_lit(Format::Json, JSON, "db.password", "old"), JSON);
    assert_eq!(set_lit(Format::Json, JSON, "db.port", "5432"), JSON);
    let out = set_lit(Format::Json, JSON, "db.port", "\"5432\"");
    assert!(out.contains("\"port\": \"5432\""));
    let out = set_str(Format::Json, JSON, "db.password", TRICKY);
    assert_eq!(get(Format::Json, &out, "db.password"), TRICKY);
    let out = set_lit(Format::Json, JSON, "db.host", "h");
    assert_eq!(
        out,
        JSON.replace(
            "\"port\": 5432\n",
            "\"port\": 5432,\n        \"host\": \"h\"\n"
        )
    );
    let out = set_lit(Format::Json, JSON, "new.deep", "1");
    assert_eq!(
        out,
        JSON.replace(
            "\"empty\": {}\n",
            "\"empty\": {},\n    \"new\": {\n        \"deep\": 1\n    }\n"
        )
    );
    let out = set_lit(Format::Json, JSON, "empty.k", "true");
    assert!(
        out.contains("\"empty\": {\n        \"k\": true\n    }"),
        "{out}"
    );
    let out = set_lit(Format::Json, JSON, "list[2]", "3");
    assert!(out.contains("[1, 2, 3]"));
    let out = set_lit(Format::Json, "{\"a\":1}", "b", "2");
    assert_eq!(out, "{\"a\":1,\"b\":2}");
    let out = del(Format::Json, JSON, "db.password");
    assert!(out.contains("{\n        \"port\": 5432\n    }"), "{out}");
    let out = del(Format::Json, JSON, "db.port");
    assert!(
        out.contains("{\n        \"password\": \"old\"\n    }"),
        "{out}"
    );
    let out = del(Format::Json, JSON, "list[0]");
    assert!(out.contains("\"list\": [2]"));
    let out = del(Format::Json, JSON, "empty");
    assert!(out.ends_with("\"list\": [1, 2]\n}\n"), "{out}");
    let out = del(Format::Json, "{\"a\": {\"b\": 1}}", "a.b");
    assert_eq!(out, "{\"a\": {}}");
    let out = set_lit(Format::Json, "\u{feff}{\"a\": 1}", "b", "x");
    assert_eq!(out, "\u{feff}{\"a\": 1, \"b\": \"x\"}");
}

// ---- TOML ----------------------------------------------------------------------------

const TOML: &str = "\
title = 'app' # name
x.y = \"q\"

[srv]
port = 80
inline = { k = 1, j = [1, 2] }

[srv.tls]
cert = \"c\"

[[arr]]
n = 1

[[arr]]
n = 2
";

#[test]
fn toml_set_add_unset() {
    let out = set_lit(Format::Toml, TOML, "title", "new");
    assert_eq!(out, TOML.replace("'app' # name", "'new' # name"));
    let out = set_str(Format::Toml, TOML, "title", "it's");
    assert_eq!(out, TOML.replace("'app'", "\"it's\""));
    assert_eq!(set_lit(Format::Toml, TOML, "srv.port", "80"), TOML);
    let out = set_str(Format::Toml, TOML, "srv.tls.cert", TRICKY);
    assert_eq!(get(Format::Toml, &out, "srv.tls.cert"), TRICKY);
    let out = set_lit(Format::Toml, TOML, "srv.port", "1979-05-27");
    assert!(out.contains("port = 1979-05-27"));
    // New keys: root, table, dotted, inline, array, new table.
    let out = set_lit(Format::Toml, TOML, "version", "2");
    assert!(
        out.starts_with("title = 'app' # name\nx.y = \"q\"\nversion = 2\n\n[srv]"),
        "{out}"
    );
    let out = set_lit(Format::Toml, TOML, "srv.host", "h");
    assert!(
        out.contains("inline = { k = 1, j = [1, 2] }\nhost = \"h\"\n"),
        "{out}"
    );
    let out = set_lit(Format::Toml, TOML, "x.z", "1");
    assert!(out.contains("x.y = \"q\"\nx.z = 1\n"), "{out}");
    let out = set_lit(Format::Toml, TOML, "srv.inline.m", "2");
    assert!(out.contains("{ k = 1, j = [1, 2], m = 2 }"), "{out}");
    let out = set_lit(Format::Toml, TOML, "srv.inline.j[2]", "3");
    assert!(out.contains("j = [1, 2, 3]"), "{out}");
    let out = set_lit(Format::Toml, TOML, "db.auth.user", "u");
    assert!(out.ends_with("n = 2\n\n[db.auth]\nuser = \"u\"\n"), "{out}");
    let out = set_lit(Format::Toml, TOML, "arr[2].n", "3");
    assert!(out.ends_with("n = 2\n\n[[arr]]\nn = 3\n"), "{out}");
    // Removal.
    let out = del(Format::Toml, TOML, "title");
    assert!(out.starts_with("x.y"));
    let out = del(Format::Toml, TOML, "srv");
    assert!(
        !out.contains("srv") && !out.contains("cert") && out.contains("[[arr]]"),
        "{out}"
    );
    let out = del(Format::Toml, TOML, "arr[0]");
    assert_eq!(get(Format::Toml, &out, "arr[0].n"), "2");
    let out = del(Format::Toml, TOML, "srv.inline.k");
    assert!(out.contains("{ j = [1, 2] }"), "{out}");
}

// ---- dotenv --------------------------------------------------------------------------

#[test]
fn dotenv_set_add_unset() {
    let text = "# app\nexport A=1\nexport B='two'\nC=\"x\\ny\" # c\n";
    let out = set_lit(Format::Dotenv, text, "A", "2");
    assert_eq!(out, text.replace("A=1", "A=2"));
    let out = set_lit(Format::Dotenv, text, "B", "three");
    assert_eq!(out, text.replace("'two'", "'three'"));
    assert_eq!(set_lit(Format::Dotenv, text, "B", "two"), text);
    assert_eq!(set_lit(Format::Dotenv, text, "B", "'two'"), text);
    let out = set_str(Format::Dotenv, text, "C", TRICKY);
    assert_eq!(get(Format::Dotenv, &out, "C"), TRICKY);
    assert!(out.contains(" # c\n"));
    // The quoting of the last value (double) is followed.
    let out = set_lit(Format::Dotenv, text, "D", "a b");
    assert_eq!(out, format!("{text}export D=\"a b\"\n"));
    let out = set_lit(Format::Dotenv, "A=1", "B", "x");
    assert_eq!(out, "A=1\nB=x");
    let out = del(Format::Dotenv, text, "B");
    assert_eq!(out, text.replace("export B='two'\n", ""));
    assert!(matches!(
        set_err(Format::Dotenv, text, "a.b.c[0]", "1"),
        PatchError::Unsupported(_)
    ));
}

// ---- every fixture -------------------------------------------------------------------

/// Sets every value of every fixture to a tricky string, then removes it: each edit reads
/// back right and leaves every other value as it was (checked independently of the
/// module's own check, through `to_json`).
#[test]
fn every_fixture_value_can_be_set_and_unset() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in ["yaml", "json", "toml", "dotenv"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    let mut failures = Vec::new();
    let mut edits = 0;
    for file in files {
        let format = Format::from_path(&file);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let store = st(format);
        let text = std::fs::read_to_string(&file).unwrap();
        let doc = store
            .parse(
                &text,
                ParseOptions {
                    decode_values: true,
                },
            )
            .unwrap();
        let paths: Vec<KeyPath> = doc.leaves.iter().map(|l| l.path.to_owned()).collect();
        for path in paths.iter().take(12) {
            let value = format!("v\"'{}é😀\nline2", path.as_bytes().len());
            let query = PathQuery::from(path);
            match set(store, &text, &query, NewValue::String(&value)) {
                Ok(out) => {
                    edits += 1;
                    assert_eq!(
                        lookup(store, &out, &query).unwrap(),
                        Found::Value {
                            kind: ScalarKind::String,
                            value: value.clone()
                        },
                        "{} {path}",
                        file.display()
                    );
                }
                Err(e) => {
                    assert!(
                        matches!(e, PatchError::Unsupported(_) | PatchError::Shared(_)),
                        "{e}"
                    );
                    failures.push(format!("set {name} {path}: {e}"));
                }
            }
        }
        let multi_document = paths
            .iter()
            .any(|p| p.segments().any(|s| matches!(s, Segment::Document(_))));
        if let Some(path) = paths.first().filter(|_| !multi_document) {
            match unset(store, &text, &path.into()) {
                Ok(out) => {
                    let mut expected = to_json(store, &text);
                    json_remove(&mut expected, path);
                    assert_eq!(
                        prune(to_json(store, &out)),
                        prune(expected),
                        "{}",
                        file.display()
                    );
                }
                Err(e) => {
                    assert!(
                        matches!(e, PatchError::Unsupported(_) | PatchError::Shared(_)),
                        "{e}"
                    );
                    failures.push(format!("unset {name} {path}: {e}"));
                }
            }
        }
    }
    assert!(edits > 300, "only {edits} edits");
    // Refused on purpose, with an error that points to `vaultfile edit`:
    let expected = [
        // an alias (`again: *setup`) refers to it, so removing it would break the file
        "unset anchors-on-blocks.yaml script",
        // `? key` with no `:`: there is no place for a value
        "set complex-keys.yaml [\"explicit key without value\"]",
        // an empty document (`---` then a comment)
        "set multi-document.yaml @4",
        // an empty item followed by a comment on its line (`- # comment`)
        "set top-level-sequence.yaml [4]",
    ];
    // An anchored value that aliases refer to: writing it would change them too.
    let shared = |f: &String| f.contains("anchored (&") && f.contains(" to it: ");
    let refused_as_shared = failures.iter().filter(|f| shared(f)).count();
    assert!(refused_as_shared >= 10, "{refused_as_shared}");
    let failures: Vec<String> = failures
        .into_iter()
        .filter(|f| !expected.iter().any(|e| f.starts_with(e)) && !shared(f))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Empty mappings and lists (which hold no leaf) as null.
fn prune(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        J::Object(m) => {
            let m: serde_json::Map<_, _> = m
                .into_iter()
                .map(|(k, v)| (k, prune(v)))
                .filter(|(_, v)| !v.is_null())
                .collect();
            if m.is_empty() { J::Null } else { J::Object(m) }
        }
        J::Array(a) if a.iter().all(|v| prune(v.clone()).is_null()) => J::Null,
        J::Array(a) => J::Array(a.into_iter().map(prune).collect()),
        other => other,
    }
}

/// Removes the value at `path` from a JSON tree (`Document` segments index the root
/// array of a multi-document stream as `to_json` builds it).
fn json_remove(v: &mut serde_json::Value, path: &KeyPath) {
    let segs: Vec<Segment<'_>> = path.segments().collect();
    let (last, parents) = segs.split_last().unwrap();
    let mut cur = v;
    for s in parents {
        cur = match s {
            Segment::Key(k) => &mut cur[*k],
            Segment::Index(i) | Segment::Document(i) => &mut cur[*i],
        };
    }
    match last {
        Segment::Key(k) => {
            cur.as_object_mut().unwrap().shift_remove(*k);
        }
        Segment::Index(i) | Segment::Document(i) => {
            cur.as_array_mut().unwrap().remove(*i);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// In every format: setting any string at an existing or a new key reads back, keeps
    /// every other value, and setting it again changes nothing; unsetting removes it.
    #[test]
    fn set_reads_back_and_is_idempotent(
        format in crate::format::testkit::text_format(),
        values in proptest::collection::btree_map("[A-Za-z][A-Za-z0-9_]{0,6}", "[ -~]{0,12}", 1..6),
        key in "[A-Za-z][A-Za-z0-9_]{0,6}",
        value in "[ -~\n\té😀]{0,20}",
    ) {
        let mut text = String::new();
        for (k, v) in &values {
            let v = serde_json::to_string(v).unwrap();
            text += &match format {
                Format::Yaml => format!("{k}: {v}\n"),
                Format::Toml => format!("{k} = {v}\n"),
                Format::Dotenv => format!("{k}={v}\n"),
                _ => String::new(),
            };
        }
        if format == Format::Json {
            text = serde_json::to_string_pretty(&values).unwrap() + "\n";
        }
        let store = st(format);
        let query = p(&key);
        let path = query.key_path();
        let out = set(store, &text, &query, NewValue::String(&value)).unwrap();
        prop_assert_eq!(
            lookup(store, &out, &query).unwrap(),
            Found::Value { kind: ScalarKind::String, value: value.clone() }
        );
        let others = |t: &str| {
            let d = store.parse(t, ParseOptions { decode_values: true }).unwrap();
            d.leaves
                .iter()
                .filter(|l| l.path != path)
                .map(|l| (l.path.to_string(), l.value.unwrap().to_owned()))
                .collect::<Vec<_>>()
        };
        prop_assert_eq!(others(&out), others(&text));
        prop_assert_eq!(&set(store, &out, &query, NewValue::String(&value)).unwrap(), &out);
        let gone = unset(store, &out, &query).unwrap();
        let missing = matches!(lookup(store, &gone, &query), Err(LookupError::NotFound { .. }));
        prop_assert!(missing, "still there after unset:\n{}", gone);
        prop_assert_eq!(others(&gone), others(&text));
    }
}

// ---- writes through YAML aliases, anchors and merge keys -----------------------------

const LINKED: &str = "\
common: &pw s3cret
defaults: &defaults
  timeout: 30
  db: {host: h, port: 5432}
app:
  password: *pw
api:
  <<: *defaults
  retries: 5
global:
  env: &env prod
  unused: &lonely x
a: *env
b: *env
c: *env
";

fn refused(text: &str, op: Op, path: &str) -> Shared {
    let store = st(Format::Yaml);
    let r = match op {
        Op::Set => set(store, text, &p(path), NewValue::Literal("new")),
        Op::Unset => unset(store, text, &p(path)),
    };
    match r {
        Err(PatchError::Shared(s)) => s,
        other => panic!("{op:?} {path}: {other:?}"),
    }
}

#[test]
fn set_on_an_alias_is_refused() {
    let e = refused(LINKED, Op::Set, "app.password");
    assert!(
        matches!(e, Shared::IsAlias { ref anchor, ref target, .. } if anchor == "pw" && target.to_string() == "common")
    );
    assert!(
        e.to_string()
            .starts_with("'app.password' is an alias of &pw"),
        "{e}"
    );
    // Inside an alias, and new keys under it.
    let text = "d: &d {x: 1}\ncopy: *d\n";
    assert!(matches!(
        refused(text, Op::Set, "copy.x"),
        Shared::UnderAlias { .. }
    ));
    assert!(matches!(
        refused(text, Op::Set, "copy.y"),
        Shared::UnderAlias { .. }
    ));
    assert!(matches!(
        refused(text, Op::Unset, "copy.x"),
        Shared::UnderAlias { .. }
    ));
}

#[test]
fn set_on_an_anchor_with_aliases_is_refused() {
    let e = refused(LINKED, Op::Set, "global.env");
    assert_eq!(
        e.to_string(),
        "'global.env' is anchored (&env) and 3 aliases refer to it: setting it changes them too"
    );
    let e = refused(LINKED, Op::Set, "defaults.timeout");
    assert!(
        e.to_string()
            .contains("inside 'defaults', which is anchored (&defaults), and 1 alias refers"),
        "{e}"
    );
    // A new key in an anchored mapping shows through its aliases too.
    assert!(matches!(
        refused(LINKED, Op::Set, "defaults.new"),
        Shared::Anchored { .. }
    ));
    // Removing what holds an anchor would leave its aliases without a value.
    let e = refused(LINKED, Op::Unset, "global");
    assert!(e.to_string().contains("holds the anchor &env"), "{e}");
    // An anchor nothing refers to is an ordinary value.
    let out = set_lit(Format::Yaml, LINKED, "global.unused", "y");
    assert!(out.contains("unused: &lonely y\n"), "{out}");
    // Aliases removed with the anchor do not count.
    let out = del(Format::Yaml, "x:\n  a: &a 1\n  b: *a\ny: 2\n", "x");
    assert_eq!(out, "y: 2\n");
}

#[test]
fn merged_keys() {
    // Setting a merged key gives the mapping a key of its own, which wins over the merge.
    let out = set_lit(Format::Yaml, LINKED, "api.timeout", "60");
    assert!(
        out.contains("  retries: 5\n  timeout: 60\nglobal:"),
        "{out}"
    );
    assert_eq!(get(Format::Yaml, &out, "api.timeout"), "60");
    assert_eq!(get(Format::Yaml, &out, "defaults.timeout"), "30");
    // Under a merged mapping: the merge is shallow, so that would hide its other keys.
    let e = refused(LINKED, Op::Set, "api.db.host");
    assert!(matches!(e, Shared::Merged { ref into, .. } if into.to_string() == "api"));
    assert!(
        e.to_string()
            .contains("write a 'api.db' of its own in 'api'"),
        "{e}"
    );
    // A merged mapping is a mapping, like any other.
    assert!(matches!(
        set_err(Format::Yaml, LINKED, "api.db", "x"),
        PatchError::IsAContainer(_)
    ));
    // A merged key is not written in the mapping: there is nothing to remove there.
    assert!(matches!(
        refused(LINKED, Op::Unset, "api.timeout"),
        Shared::Merged { .. }
    ));
    // The merge key itself.
    assert!(matches!(
        refused(LINKED, Op::Unset, "api[\"<<\"]"),
        Shared::MergeKey { .. }
    ));
    // Removing a key of its own lets the merged value show again.
    let out = del(Format::Yaml, "d: &d {x: 1}\nm:\n  <<: *d\n  x: 2\n", "m.x");
    assert_eq!(get(Format::Yaml, &out, "m.x"), "1");
}

#[test]
fn unset_removes_an_alias_and_nothing_else() {
    let out = del(Format::Yaml, LINKED, "app.password");
    assert!(out.contains("app: {}\n"), "{out}");
    assert_eq!(get(Format::Yaml, &out, "common"), "s3cret");
    let out = del(Format::Yaml, LINKED, "b");
    assert!(out.contains("a: *env\nc: *env\n"), "{out}");
}

#[test]
fn writes_name_their_document() {
    let text = "s:\n  pw: a\n---\ns:\n  pw: b\n";
    let e = set_err(Format::Yaml, text, "s.pw", "x");
    assert!(e.to_string().contains("@0.s.pw, @1.s.pw"), "{e}");
    let e = set_err(Format::Yaml, text, "s.new", "x");
    assert!(
        matches!(e, PatchError::Lookup(LookupError::NeedsDocument { .. })),
        "{e}"
    );
    assert_eq!(
        set_lit(Format::Yaml, text, "@1.s.pw", "x"),
        "s:\n  pw: a\n---\ns:\n  pw: x\n"
    );
    assert_eq!(
        set_lit(Format::Yaml, text, "@0.s.pw", "x"),
        "s:\n  pw: x\n---\ns:\n  pw: b\n"
    );
    let e = unset(st(Format::Yaml), text, &p("s")).unwrap_err();
    assert!(
        matches!(e, PatchError::Lookup(LookupError::Ambiguous { .. })),
        "{e}"
    );
}

#[test]
fn duplicate_keys_are_refused() {
    let e = set_err(Format::Yaml, "a: 1\nb: 2\na: 3\n", "a", "4");
    assert_eq!(
        e.to_string(),
        "the key 'a' is written twice, on lines 1 and 3"
    );
}
