use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::format::store_for;

fn view(format: Format, text: &str) -> View {
    View::parse(store_for(format).unwrap(), text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn yaml(text: &str) -> View {
    view(Format::Yaml, text)
}

fn err(text: &str) -> ViewError {
    View::parse(store_for(Format::Yaml).unwrap(), text).expect_err(text)
}

/// (path, value) of every value.
fn pairs(v: &View) -> Vec<(String, String)> {
    v.values()
        .map(|r| (r.path.to_string(), r.value.to_owned()))
        .collect()
}

fn q(s: &str) -> PathQuery {
    PathQuery::parse(s).unwrap()
}

fn get(v: &View, path: &str) -> String {
    match v.lookup(&q(path)).unwrap_or_else(|e| panic!("{path}: {e}")) {
        Found::Value { value, .. } => value,
        Found::Tree(t) => t.to_string(),
    }
}

#[test]
fn alias_to_a_scalar() {
    let v = yaml("common: &pw s3cret\napp:\n  password: *pw\n");
    assert_eq!(
        pairs(&v),
        [("common", "s3cret"), ("app.password", "s3cret")].map(|(a, b)| (a.into(), b.into()))
    );
    let r = v.values().nth(1).unwrap();
    assert_eq!(
        r.via,
        Some(&Via::Alias {
            at: KeyPath::parse("app.password").unwrap(),
            anchor: "pw".into(),
            target: KeyPath::parse("common").unwrap(),
        })
    );
    assert!(v.values().next().unwrap().via.is_none());
    assert_eq!(get(&v, "app.password"), "s3cret");
    assert_eq!(
        v.lookup(&q("app")).unwrap(),
        Found::Tree(json!({"password": "s3cret"}))
    );
}

#[test]
fn alias_to_mappings_and_sequences() {
    let v = yaml("base: &b\n  x: 1\n  y: [a, b]\ncopy: *b\nlist: &l [1, true]\nl2: *l\n");
    assert_eq!(
        v.to_json(),
        json!({
            "base": {"x": 1, "y": ["a", "b"]},
            "copy": {"x": 1, "y": ["a", "b"]},
            "list": [1, true],
            "l2": [1, true],
        })
    );
    assert_eq!(get(&v, "copy.y[1]"), "b");
    assert_eq!(get(&v, "l2[0]"), "1");
    let located = v.locate(&KeyPath::parse("copy.y[1]").unwrap()).unwrap();
    assert_eq!(located.node, NodeKind::Scalar);
    assert!(matches!(located.via, Some(Via::Alias { ref at, .. }) if at.to_string() == "copy"));
    assert_eq!(
        v.locate(&KeyPath::parse("copy").unwrap()).unwrap().node,
        NodeKind::Mapping
    );
}

#[test]
fn nested_aliases() {
    let v = yaml("a: &a 1\nb: &b\n  k: *a\n  l: [*a]\nc: *b\nd: [*b, *a]\n");
    assert_eq!(get(&v, "c.k"), "1");
    assert_eq!(get(&v, "c.l[0]"), "1");
    assert_eq!(get(&v, "d[0].k"), "1");
    assert_eq!(get(&v, "d[1]"), "1");
    // The outermost alias is the one reported.
    let r = v.values().find(|r| r.path.to_string() == "c.k").unwrap();
    assert!(
        matches!(r.via, Some(Via::Alias { at, anchor, .. }) if at.to_string() == "c" && anchor == "b")
    );
}

#[test]
fn merge_keys() {
    let text = "\
defaults: &defaults
  timeout: 30
  retries: 3
  db: {host: h, port: 5432}
extra: &extra
  retries: 9
  verbose: true
api:
  retries: 5
  <<: [*defaults, *extra]
  url: https://x
";
    let v = yaml(text);
    assert_eq!(
        v.to_json()["api"],
        json!({"retries": 5, "timeout": 30, "db": {"host": "h", "port": 5432}, "verbose": true, "url": "https://x"})
    );
    // Written keys in place; merged ones where the merge key is; `<<` itself is no value.
    let api: Vec<String> = v
        .values()
        .filter(|r| r.path.to_string().starts_with("api."))
        .map(|r| r.path.to_string())
        .collect();
    assert_eq!(
        api,
        [
            "api.retries",
            "api.timeout",
            "api.db.host",
            "api.db.port",
            "api.verbose",
            "api.url"
        ]
    );
    let timeout = v
        .values()
        .find(|r| r.path.to_string() == "api.timeout")
        .unwrap();
    assert_eq!(
        timeout.via,
        Some(&Via::Merge {
            into: KeyPath::parse("api").unwrap(),
            anchor: Some("defaults".into())
        })
    );
    assert!(v.lookup(&q("api.<<")).is_err());
    // Earlier mappings win: `retries` would be 3 from defaults, not 9 from extra.
    let v = yaml(&text.replace("  retries: 5\n  <<", "  <<"));
    assert_eq!(get(&v, "api.retries"), "3");
    // A single alias, and an inline mapping.
    let v = yaml("d: &d {a: 1, b: 2}\nx:\n  <<: *d\n  b: 3\ny:\n  <<: {a: 4}\n");
    assert_eq!(v.to_json()["x"], json!({"a": 1, "b": 3}));
    assert_eq!(v.to_json()["y"], json!({"a": 4}));
}

#[test]
fn sops_merge_tag() {
    // As SOPS writes a merge key: tagged, with the mapping inline.
    let v =
        yaml("api:\n    !!merge <<:\n        timeout: 30\n        retries: 3\n    retries: 5\n");
    assert_eq!(v.to_json(), json!({"api": {"timeout": 30, "retries": 5}}));
    // A quoted "<<" is an ordinary key.
    let v = yaml("api:\n  \"<<\": {a: 1}\n");
    assert_eq!(get(&v, "api[\"<<\"].a"), "1");
}

#[test]
fn merges_of_merges_and_anchored_keys() {
    let v =
        yaml("a: &a {x: 1}\nb: &b\n  <<: *a\n  y: 2\nc:\n  <<: *b\n  z: 3\n&k key: v\nk2: *k\n");
    assert_eq!(v.to_json()["c"], json!({"x": 1, "y": 2, "z": 3}));
    assert_eq!(get(&v, "k2"), "key");
}

#[test]
fn bad_merges_are_errors() {
    assert!(matches!(
        err("a: &a 1\nb:\n  <<: *a\n"),
        ViewError::BadMerge { ref path } if path.to_string() == r#"b["<<"]"#
    ));
    assert!(matches!(
        err("a: &a 1\nb:\n  <<: [*a]\n"),
        ViewError::BadMerge { .. }
    ));
    assert!(matches!(err("b:\n  <<: 5\n"), ViewError::BadMerge { .. }));
}

#[test]
fn cycles_and_bombs_end() {
    for text in [
        "a: &a [1, *a]\n",
        "a: &a\n  x: 1\n  y: *a\n",
        "a: &a\n  <<: *a\n  x: 1\n",
    ] {
        // granit may refuse the text itself; either way it is an error, not a hang.
        let e = View::parse(store_for(Format::Yaml).unwrap(), text).expect_err(text);
        assert!(
            matches!(e, ViewError::AliasCycle { .. } | ViewError::Parse(_)),
            "{text}: {e}"
        );
    }
    let mut bomb = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
    for i in 1..10 {
        let items = vec![format!("*l{}", i - 1); 10].join(", ");
        bomb += &format!("l{i}: &l{i} [{items}]\n");
    }
    let start = std::time::Instant::now();
    assert!(matches!(err(&bomb), ViewError::TooLarge));
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
}

#[test]
fn too_deep_is_an_error() {
    // Each level aliases the one before: nesting grows with the chain of anchors.
    let mut text = "a0: &a0 [x]\n".to_owned();
    for i in 1..=(MAX_DEPTH + 2) {
        text += &format!("a{i}: &a{i} [*a{}]\n", i - 1);
    }
    assert!(matches!(err(&text), ViewError::TooDeep { .. }));
}

#[test]
fn duplicate_keys_name_both_lines() {
    for (text, path, lines) in [
        ("a: 1\nb: 2\na: 3\n", "a", (1, 3)),
        ("b:\n  x: 1\nc: 0\nb:\n  y: 2\n", "b", (1, 4)),
        ("m:\n  <<: {a: 1}\n  <<: {b: 1}\n", r#"m["<<"]"#, (2, 3)),
    ] {
        match err(text) {
            ViewError::DuplicateKey {
                path: p,
                first_line,
                second_line,
            } => {
                assert_eq!(
                    (p.to_string().as_str(), first_line, second_line),
                    (path, lines.0, lines.1)
                );
            }
            e => panic!("{text}: {e}"),
        }
    }
    let e = View::parse(store_for(Format::Json).unwrap(), "{\"a\": 1,\n \"a\": 2}").unwrap_err();
    assert!(
        e.to_string().contains("'a'") && e.to_string().contains("lines 1 and 2"),
        "{e}"
    );
    // dotenv: the later assignment wins, as loaders do.
    let v = view(Format::Dotenv, "A=1\nB=2\nA=3\n");
    assert_eq!(get(&v, "A"), "3");
    assert_eq!(v.values().len(), 2);
}

#[test]
fn documents() {
    let v = yaml("stringData:\n  pw: a\n---\nstringData:\n  pw: b\nonly: here\n");
    assert_eq!(v.documents(), 2);
    match v.lookup(&q("stringData.pw")) {
        Err(LookupError::Ambiguous { choices, .. }) => {
            assert_eq!(choices, ["@0.stringData.pw", "@1.stringData.pw"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(get(&v, "@0.stringData.pw"), "a");
    assert_eq!(get(&v, "@1.stringData.pw"), "b");
    // Found in one document only: no need to say which.
    assert_eq!(get(&v, "only"), "here");
    assert!(matches!(
        v.lookup(&q("@2.only")),
        Err(LookupError::NoDocument { documents: 2, .. })
    ));
    assert!(matches!(
        v.lookup(&q("@0.only")),
        Err(LookupError::NotFound { .. })
    ));
    assert_eq!(
        v.target(&q("only"), true).unwrap(),
        KeyPath::parse("@1.only").unwrap()
    );
    assert!(matches!(
        v.target(&q("new"), false),
        Err(LookupError::NeedsDocument { ref choices, .. }) if choices == &["@0.new", "@1.new"]
    ));
    assert!(matches!(
        v.target(&q("stringData"), false),
        Err(LookupError::Ambiguous { .. })
    ));
    assert_eq!(
        v.to_json(),
        json!([{"stringData": {"pw": "a"}}, {"stringData": {"pw": "b"}, "only": "here"}])
    );
    // One document: `@0.` and nothing are the same; `@1.` does not exist.
    let v = yaml("a: 1\n");
    assert_eq!(get(&v, "@0.a"), get(&v, "a"));
    assert!(v.lookup(&q("@1.a")).is_err());
    // Aliases stay inside their document.
    let v = yaml("a: &x 1\nb: *x\n---\na: &x 2\nb: *x\n");
    assert_eq!(get(&v, "@1.b"), "2");
    assert_eq!(get(&v, "@0.b"), "1");
}

#[test]
fn other_formats_read_as_their_leaves() {
    let v = view(Format::Json, "{\"a\": {\"b\": [1, \"x\"]}, \"n\": null}");
    assert_eq!(v.to_json(), json!({"a": {"b": [1, "x"]}, "n": null}));
    assert_eq!(v.lookup(&q("a.b")).unwrap(), Found::Tree(json!([1, "x"])));
    let v = view(Format::Toml, "n = 1_000\n");
    assert_eq!(v.to_json(), json!({"n": 1000}));
    assert!(
        matches!(v.lookup(&q("x")), Err(LookupError::NotFound { ref known, .. }) if known == &["n"])
    );
}

#[test]
fn numbers_as_json() {
    assert_eq!(json_scalar(ScalarKind::Number, "1_000"), json!(1000));
    assert_eq!(json_scalar(ScalarKind::Number, "0x1F"), json!("0x1F"));
    assert_eq!(json_scalar(ScalarKind::Number, "-2.5e3"), json!(-2500.0));
}

/// The leaves of a document with no alias and no merge key, as (path, kind, value).
fn leaves(format: Format, text: &str) -> Vec<(String, ScalarKind, String)> {
    let doc = store_for(format)
        .unwrap()
        .parse(
            text,
            ParseOptions {
                decode_values: true,
            },
        )
        .unwrap();
    doc.leaves
        .iter()
        .map(|l| (l.path.to_string(), l.kind, l.value.unwrap().to_owned()))
        .collect()
}

fn key() -> impl Strategy<Value = String> {
    "[a-e]{1,2}"
}

proptest! {
    /// Without aliases or merge keys, the view is exactly the leaves.
    #[test]
    fn without_links_the_view_is_the_leaves(
        entries in proptest::collection::btree_map(key(), proptest::collection::btree_map(key(), "[a-z0-9 ]{0,6}", 0..4), 1..5),
    ) {
        let mut text = String::new();
        for (k, m) in &entries {
            text += &format!("{k}:\n");
            if m.is_empty() {
                text.truncate(text.len() - 1);
                text += " ~\n";
            }
            for (k2, v) in m {
                text += &format!("  {k2}: {}\n", serde_json::to_string(v).unwrap());
            }
        }
        let v = yaml(&text);
        let got: Vec<_> = v
            .values()
            .map(|r| (r.path.to_string(), r.kind, r.value.to_owned()))
            .collect();
        prop_assert_eq!(got, leaves(Format::Yaml, &text));
        prop_assert!(v.values().all(|r| r.via.is_none()));
    }

    /// An alias reads exactly as its anchored node, under its own path.
    #[test]
    fn an_alias_is_a_copy(
        m in proptest::collection::btree_map(key(), "[a-z0-9]{1,6}", 1..5),
        seq in proptest::collection::vec("[a-z0-9]{1,6}", 1..4),
    ) {
        let mut text = "src: &m\n".to_owned();
        for (k, v) in &m {
            text += &format!("  {k}: {v}\n");
        }
        text += "  list: &s\n";
        for v in &seq {
            text += &format!("    - {v}\n");
        }
        text += "copy: *m\nitems: *s\n";
        let v = yaml(&text);
        let json = v.to_json();
        prop_assert_eq!(&json["copy"], &json["src"]);
        prop_assert_eq!(&json["items"], &json["src"]["list"]);
    }

    /// `<<: [*a, *b]` with explicit keys: explicit keys win, then earlier mappings.
    #[test]
    fn merges_follow_the_convention(
        a in proptest::collection::btree_map(key(), "[a-z0-9]{1,4}", 0..4),
        b in proptest::collection::btree_map(key(), "[a-z0-9]{1,4}", 0..4),
        own in proptest::collection::btree_map(key(), "[a-z0-9]{1,4}", 0..4),
        merge_first in any::<bool>(),
    ) {
        let block = |m: &BTreeMap<String, String>| {
            if m.is_empty() {
                " {}\n".to_owned()
            } else {
                m.iter().map(|(k, v)| format!("\n  {k}: {v}")).collect::<String>() + "\n"
            }
        };
        let mut text = format!("a: &a{}b: &b{}x:\n", block(&a), block(&b));
        let merge = "  <<: [*a, *b]\n";
        if merge_first {
            text += merge;
        }
        for (k, v) in &own {
            text += &format!("  {k}: {v}\n");
        }
        if !merge_first {
            text += merge;
        }
        let mut expected = b.clone();
        expected.extend(a.clone());
        expected.extend(own.clone());
        let v = yaml(&text);
        let got: BTreeMap<String, String> = v
            .values()
            .filter_map(|r| {
                let p = r.path.to_string();
                p.strip_prefix("x.").map(|k| (k.to_owned(), r.value.to_owned()))
            })
            .collect();
        prop_assert_eq!(got, expected);
    }
}
