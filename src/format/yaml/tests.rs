#![allow(clippy::print_stderr)] // diagnostics of failing cases
use super::*;
use crate::format::testkit::{parse_error, round_trip, sample_metadata};

/// Runs the contract on the public store and on the granit walker alone, checks that the
/// fast path agrees with the walker, and returns the encrypted text.
fn check(text: &str) -> String {
    same_as_full(text);
    let a = round_trip(&FullYaml, text);
    let b = round_trip(&YamlStore, text);
    assert_eq!(a, b);
    same_as_full(&b);
    // Aliases still resolve and the encrypted text is still YAML for granit itself.
    for event in Parser::new_from_str(&b) {
        event.unwrap_or_else(|e| panic!("encrypted text rejected: {e}\n{b}"));
    }
    b
}

/// When the fast path accepts `text`, the granit walker must give exactly the same result.
fn same_as_full(text: &str) {
    for decode_values in [false, true] {
        let options = ParseOptions { decode_values };
        let Some(fast) = fast::analyse(text, options) else {
            // Nor may a reading in pieces accept it.
            for pieces in [2, 3, 5] {
                assert!(
                    fast::in_chunks(text, options, pieces, 1).is_none(),
                    "pieces accepted what one pass refuses:\n{text:?}"
                );
            }
            return;
        };
        let full = analyse(text, options, false)
            .unwrap_or_else(|e| panic!("fast path accepted invalid YAML ({e}):\n{text:?}"));
        let show = |d: &Document| {
            let leaves: Vec<_> = d
                .leaves
                .iter()
                .map(|l| (l.path.to_string(), l.span.clone(), l.kind, l.value))
                .collect();
            let md = d
                .metadata
                .as_ref()
                .map(|m| (m.span.clone(), m.value.clone()));
            format!("{leaves:#?}\n{md:?}")
        };
        assert_eq!(
            show(&fast.doc),
            show(&full.doc),
            "fast path differs on\n{text:?}"
        );
        assert_eq!(fast.shape, full.shape, "shape differs on\n{text:?}");
        // A large file is read in pieces, each starting at a top-level key: the same result.
        for pieces in [2, 3, 5] {
            if let Some(split) = fast::in_chunks(text, options, pieces, 1) {
                assert_eq!(
                    show(&split.doc),
                    show(&fast.doc),
                    "{pieces} pieces differ on\n{text:?}"
                );
                assert_eq!(
                    split.shape, fast.shape,
                    "shape differs in pieces on\n{text:?}"
                );
            }
        }
    }
}

fn leaves(text: &str) -> Vec<(String, &str, ScalarKind)> {
    YamlStore
        .parse(text, ParseOptions::default())
        .unwrap()
        .leaves
        .iter()
        .map(|l| (l.path.to_string(), &text[l.span], l.kind))
        .collect()
}

fn decoded(text: &str) -> Vec<(String, String)> {
    YamlStore
        .parse(
            text,
            ParseOptions {
                decode_values: true,
            },
        )
        .unwrap()
        .leaves
        .iter()
        .map(|l| (l.path.to_string(), l.value.unwrap().to_owned()))
        .collect()
}

use ScalarKind::{Bool, DateTime, Null, Number, String as Str};

#[test]
fn spans_paths_and_kinds() {
    let t = "%YAML 1.2\n---\n# hdr\na: plain\nb: 'single ''q'''\nc: \"dq \\n\"\nd: |\n  lit\n  two\n\ne: >-   # hc\n  fold\nf: |2\n   x\ng: |\nh: !!str 123\ni: &a1 anchored\nj: *a1\nk: !t &a2 x\nl: &a3 !t y\nm:\nn: ~\no: [1, {p: q}, \"r\"]\n? [c1, c2]\n: cv\n<<: *a1\ns: !!binary |\n  R0lG\nt: multi\n  line plain\n...\n---\n- x\n--- scalar\n";
    assert_eq!(
        leaves(t),
        vec![
            ("a".into(), "plain", Str),
            ("b".into(), "'single ''q'''", Str),
            ("c".into(), "\"dq \\n\"", Str),
            ("d".into(), "|\n  lit\n  two", Str),
            ("e".into(), ">-   # hc\n  fold", Str),
            ("f".into(), "|2\n   x", Str),
            ("g".into(), "|", Str),
            ("h".into(), "!!str 123", Str),
            ("i".into(), "anchored", Str),
            ("k".into(), "x", Str),
            ("l".into(), "!t y", Str),
            ("m".into(), "", Null),
            ("n".into(), "~", Null),
            ("o[0]".into(), "1", Number),
            ("o[1].p".into(), "q", Str),
            ("o[2]".into(), "\"r\"", Str),
            (r#"["[c1, c2]"]"#.into(), "cv", Str),
            ("s".into(), "!!binary |\n  R0lG", Str),
            ("t".into(), "multi\n  line plain", Str),
            ("@1[0]".into(), "x", Str),
            ("@2".into(), "scalar", Str),
        ]
    );
    let enc = check(t);
    assert!(enc.contains("i: &a1 VF1.") && enc.contains("j: *a1\n") && enc.contains("<<: *a1\n"));
    assert!(enc.contains("k: !t &a2 VF1."));
    assert!(enc.ends_with("...\n---\n- VF1.AAAAAAAAAAAAAAAAAAAAAHg\n--- VF1.AAAAAAAAAAAAAAAAAAAAAHNjYWxhcg\n---\nvaultfile:\n  version: 1\n  created: \"2026-11-29T05:00:00Z\"\n  rules:\n    unencrypted_regex: \"^(user|host)$\"\n  recipients:\n    - recipient: \"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\"\n      key: \"YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0-IFgyNTUxOSBhYmMK+/==\"\n    - recipient: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice@example.com\"\n      key: \"YWJj\"\n  mac: \"Zm9vYmFy-_\"\n"), "{enc}");
}

#[test]
fn plain_scalar_kinds() {
    let cases = [
        ("null", Null),
        ("Null", Null),
        ("NULL", Null),
        ("~", Null),
        ("nULL", Str),
        ("true", Bool),
        ("True", Bool),
        ("TRUE", Bool),
        ("false", Bool),
        ("FALSE", Bool),
        ("yes", Str),
        ("on", Str),
        ("tRUE", Str),
        ("0", Number),
        ("-17", Number),
        ("+3", Number),
        ("0x1F", Number),
        ("0o17", Number),
        ("0x", Str),
        ("0o8", Str),
        ("1_000", Str),
        ("1.5", Number),
        ("-1.", Number),
        (".5", Number),
        ("1e3", Number),
        ("1.2E-4", Number),
        ("+.inf", Number),
        ("-.Inf", Number),
        (".INF", Number),
        (".nan", Number),
        (".NaN", Number),
        ("1e", Str),
        (".", Str),
        ("e3", Str),
        ("1.2.3", Str),
        ("2001-12-14", DateTime),
        ("2001-12-14t21:59:43.10-05:00", DateTime),
        ("2001-12-14 21:59:43.10 -5", DateTime),
        ("2001-12-15T02:59:43.1Z", DateTime),
        ("2002-12-14", DateTime),
        ("2001-1-4", Str),
        ("2001-12-14x", Str),
        ("2001-12-14T25", Str),
        ("v1.2.3", Str),
        ("hello world", Str),
    ];
    for (raw, kind) in cases {
        assert_eq!(resolve_plain(raw), kind, "{raw}");
        let text = format!("k: {raw}\n");
        let expected = if raw == "~" { Null } else { kind };
        assert_eq!(leaves(&text), vec![("k".into(), raw, expected)], "{raw}");
        check(&text);
    }
    let tagged = "a: !!str 123\nb: !!int \"7\"\nc: !!float '1'\nd: !!bool yes\ne: !!null x\nf: !!timestamp x\ng: !custom 12\nh: ! 12\ni: \"12\"\nj: |\n  12\nk: !<tag:yaml.org,2002:int> 5\n";
    assert_eq!(
        leaves(tagged)
            .into_iter()
            .map(|(_, _, k)| k)
            .collect::<Vec<_>>(),
        vec![
            Str, Number, Number, Bool, Null, DateTime, Str, Str, Str, Str, Number
        ]
    );
    check(tagged);
}

#[test]
fn tags_and_anchors() {
    let t = "a: !!str 123\nb: !!binary |\n  R0lGODlhDAAMAIQAAP//9/X\n  17unp5WZmZgAAAOfn515eXv\nc: !Ref MyBucket\nd: !!map\n  e: 1\nf: !!seq\n- 1\ng: &anc !!str tagged\nh: !!str &anc2 tagged\ni: *anc\nj: !!str\nk: &empty\nl: !!str &e2\nm: [!!str , !t x, &fa !!int 3, *fa]\nn: {o: !!str , p: &q !x y}\n";
    let got = leaves(t);
    assert_eq!(
        got,
        vec![
            ("a".into(), "!!str 123", Str),
            (
                "b".into(),
                "!!binary |\n  R0lGODlhDAAMAIQAAP//9/X\n  17unp5WZmZgAAAOfn515eXv",
                Str
            ),
            ("c".into(), "!Ref MyBucket", Str),
            ("d.e".into(), "1", Number),
            ("f[0]".into(), "1", Number),
            ("g".into(), "!!str tagged", Str),
            ("h".into(), "tagged", Str),
            ("j".into(), "!!str", Str),
            ("k".into(), "", Null),
            ("l".into(), "", Null),
            ("m[0]".into(), "!!str", Str),
            ("m[1]".into(), "!t x", Str),
            ("m[2]".into(), "!!int 3", Number),
            ("n.o".into(), "!!str", Str),
            ("n.p".into(), "!x y", Str),
        ]
    );
    let enc = check(t);
    assert!(enc.contains("\nd: !!map\n  e: VF1."));
    assert!(enc.contains("\nh: !!str &anc2 VF1."));
    assert!(enc.contains("\ni: *anc\n"));
    assert!(enc.contains("m: [VF1.") && enc.contains(", &fa VF1."));
    // No core tag is left on a token.
    assert!(!enc.contains("!!int") && !enc.contains("!!binary"));
}

#[test]
fn tag_separated_from_its_value() {
    let t = "a: !!str\n  value\nb: !!int # c\n  12\nc: [!!str, x]\n";
    assert_eq!(
        leaves(t),
        vec![
            ("a".into(), "!!str\n  value", Str),
            ("b".into(), "!!int # c\n  12", Number),
            ("c[0]".into(), "!!str", Str),
            ("c[1]".into(), "x", Str),
        ]
    );
    check(t);
}

#[test]
fn block_scalar_headers() {
    let t = "a: |\n  x\nb: >\n  folded\n  text\n\nc: |-\n  strip\n\n\nd: |+\n  keep\n\n\ne: >-\n  x\nf: |2\n    more indented\n  x\ng: >+\n  y\n\n\nh: | # header comment\n  z\ni: |\nj: >-\n\nk: |+\n\n\nl: |1-  # c\n  w\nm: >2+\n   v\n\n";
    let got = leaves(t);
    let spans: Vec<&str> = got.iter().map(|(_, s, _)| *s).collect();
    assert_eq!(
        spans,
        vec![
            "|\n  x",
            ">\n  folded\n  text",
            "|-\n  strip",
            "|+\n  keep",
            ">-\n  x",
            "|2\n    more indented\n  x",
            ">+\n  y",
            "| # header comment\n  z",
            "|",
            ">-",
            "|+",
            "|1-  # c\n  w",
            ">2+\n   v",
        ]
    );
    assert!(got.iter().all(|(_, _, k)| *k == Str));
    check(t);
    assert_eq!(
        decoded("a: |\n  x\n  y\nb: >-\n  p\n  q\n\n  r\nc: |+\n  k\n\n"),
        vec![
            ("a".into(), "x\ny\n".into()),
            ("b".into(), "p q\nr".into()),
            ("c".into(), "k\n\n".into()),
        ]
    );
    // In a sequence, as a document root, on the line after its key, with CRLF, at the end
    // of a file without a final line break.
    check("- |\n  a\n- >\n  b\n-\n  |\n   c\n- - |\n    d\n");
    check("--- |\n  root\n--- >-\n folded root\n...\n");
    check("# c\n|\n x\n");
    check("key:\n  # comment\n  |\n    x\nother: &a !!str\n  |\n  y\n");
    check("a: |\r\n  x\r\n\r\nb: >+\r\n  y\r\n\r\n");
    check("a: |+\n  k");
    check("a: |\n  k\n  ");
    check("? |\n  block key\n: |\n  block value\n");
}

#[test]
fn documents_and_directives() {
    check(
        "%YAML 1.2\n%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n...\n%YAML 1.2\n---\nb: 2\n...\n",
    );
    check("---\na: 1\n---\nb: 2\n");
    check("--- # doc\na: 1\n...\n# trailing comment\n");
    check("a: 1\n---\n");
    check("---\n---\n...\n");
    check("--- >\n  text\n---\n- 1\n--- {a: b}\n--- [x]\n");
    check("a: 1\n--- |\n  x\n");
    let t = "a: 1\n---\nb: [2]\n--- c\n";
    assert_eq!(
        leaves(t).into_iter().map(|(p, _, _)| p).collect::<Vec<_>>(),
        vec!["a", "@1.b[0]", "@2"]
    );
}

#[test]
fn flow_collections() {
    let t = "a: {b: 1, c: [x, 'y', \"z\", {d: e}], f: }\ng: [[1, 2], [3, [4]], {}, []]\nh: {i: [\n    multi,\n    line\n  ], j: k}\nl: [a: b, c]\nm: {? n : o, [p]: q, \"r\": s, t}\n";
    let got = leaves(t);
    let paths: Vec<_> = got.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "a.b",
            "a.c[0]",
            "a.c[1]",
            "a.c[2]",
            "a.c[3].d",
            "a.f",
            "g[0][0]",
            "g[0][1]",
            "g[1][0]",
            "g[1][1][0]",
            "h.i[0]",
            "h.i[1]",
            "h.j",
            "l[0].a",
            "l[1]",
            "m.n",
            r#"m["[p]"]"#,
            "m.r",
            "m.t",
        ]
    );
    check(t);
    check("[a, b, {c: d}]\n");
    check("{a: 1, b: [2, 3]}");
    check("{}\n");
}

#[test]
fn quoted_and_multiline_scalars() {
    let t = "a: \"esc \\\" \\\\ \\t \\x41 \\u00e9 \\U0001F600 \\N \\_ \\\n  continued\"\nb: 'it''s\n  folded'\nc: plain\n  continued\n\n  after blank\nd: \"\"\ne: ''\nf: \"a # not comment\" # comment\ng: a#b\nh: http://x.y:8080/z?q=1#frag\n";
    assert_eq!(
        decoded(t),
        vec![
            (
                "a".into(),
                "esc \" \\ \t A é 😀 \u{85} \u{a0} continued".into()
            ),
            ("b".into(), "it's folded".into()),
            ("c".into(), "plain continued\nafter blank".into()),
            ("d".into(), "".into()),
            ("e".into(), "".into()),
            ("f".into(), "a # not comment".into()),
            ("g".into(), "a#b".into()),
            ("h".into(), "http://x.y:8080/z?q=1#frag".into()),
        ]
    );
    let got = leaves(t);
    assert_eq!(got[2].1, "plain\n  continued\n\n  after blank");
    assert_eq!(got[5].1, "\"a # not comment\"");
    check(t);
}

#[test]
fn comments_everywhere() {
    check(
        "# top\n\n# more\na: 1 # inline\n# between\nb: # after key\n  # before nested\n  c: 2 # x\n\n  # in nested\n  d: [1, # in flow\n    2]\n# before seq\ne:\n  # first\n  - 1 # one\n  # mid\n  - 2\n# end\n",
    );
    check("# only a comment\n");
    check("# only a comment without newline");
    check("\n\n\n");
    check("   \n# x\n  \n");
    check("");
}

#[test]
fn line_endings_bom_and_final_newline() {
    let crlf = "a: 1\r\nb:\r\n  c: \"x\"\r\n  d: |\r\n    y\r\n# c\r\n";
    let enc = check(crlf);
    assert!(
        enc.contains("\r\nvaultfile:\r\n  version: 1\r\n"),
        "{enc:?}"
    );
    assert!(!enc.replace("\r\n", "").contains('\n'));
    let bom = "\u{feff}a: 1\nb: [x]\n";
    assert_eq!(leaves(bom)[0], ("a".into(), "1", Number));
    check(bom);
    check("\u{feff}");
    check("\u{feff}- a\n");
    check("\u{feff}# c\r\nk: v\r\n");
    let enc = check("a: 1\nb: 2");
    assert!(enc.ends_with("b: VF1.AAAAAAAAAAAAAAAAAAAAADI\nvaultfile:\n  version: 1\n  created: \"2026-11-29T05:00:00Z\"\n  rules:\n    unencrypted_regex: \"^(user|host)$\"\n  recipients:\n    - recipient: \"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\"\n      key: \"YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0-IFgyNTUxOSBhYmMK+/==\"\n    - recipient: \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice@example.com\"\n      key: \"YWJj\"\n  mac: \"Zm9vYmFy-_\""), "{enc}");
    check("a: 1\r\nb: 2");
    check("- 1\n- 2");
    check("scalar");
    check("a: 1 # comment at the end");
    check("a:\n  b: 1\n# c\n  ");
    check("a: b\r");
}

#[test]
fn unicode() {
    let t = "ünïcödé: välüe\n日本語: \"テスト\"\nemoji: 😀 ok\n'κλειδί': [α, β]\n";
    assert_eq!(
        leaves(t),
        vec![
            ("ünïcödé".into(), "välüe", Str),
            ("日本語".into(), "\"テスト\"", Str),
            ("emoji".into(), "😀 ok", Str),
            ("κλειδί[0]".into(), "α", Str),
            ("κλειδί[1]".into(), "β", Str),
        ]
    );
    check(t);
    check(
        "é: |\n  ünïcödé text before\n  a long line ééééééééééééééééééééééééééééééééééé\nnext: ü\n",
    );
}

#[test]
fn top_level_shapes() {
    // Sequence and scalar roots get the block as a new document.
    let enc = check("- a\n- b: c\n");
    assert!(enc.contains("\n---\nvaultfile:\n"));
    assert!(check("just a scalar\n").contains("\n---\nvaultfile:\n"));
    assert!(check("{a: 1}\n").contains("\n---\nvaultfile:\n"));
    assert!(check("  a: 1\n  b: 2\n").contains("\n---\nvaultfile:\n"));
    assert!(check("a: 1\n...\n").contains("...\n---\nvaultfile:\n"));
    assert!(check("").starts_with("---\nvaultfile:\n"));
    assert!(check("--- !!map\na: 1\n").contains("a: VF1.AAAAAAAAAAAAAAAAAAAAADE\nvaultfile:\n"));
    assert!(check("? [a]\n: 1\n").contains("\nvaultfile:\n"));
    assert!(!check("? [a]\n: 1\n").contains("---"));
}

#[test]
fn complex_keys_and_duplicates() {
    let t =
        "? [a, b]\n: 1\n? {c: d}\n: 2\n? - e\n  - f\n: 3\n? |\n  lit\n: 4\n*x : 5\n? &x k\n: 6\n";
    // `*x` before `&x` is an error; put the anchor first.
    let t = t.replace("*x : 5\n? &x k\n: 6\n", "? &x k\n: 6\n*x : 5\n");
    let got = leaves(&t);
    let paths: Vec<_> = got.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            r#"["[a, b]"]"#,
            r#"["{c: d}"]"#,
            r#"["- e\n  - f"]"#,
            r#"["lit\n"]"#,
            "k",
            r#"["*x"]"#
        ]
    );
    check(&t);
    // A complex key counts as a key of the root mapping: the block is not its only key.
    let enc = check("word\n---\n? [c, d]\n: word\n");
    assert!(enc.contains(": VF1.AAAAAAAAAAAAAAAAAAAAAHdvcmQ\nvaultfile:\n"));
    let dup = "a: 1\na: 2\nb:\n  c: 1\nb:\n  c: 2\n";
    assert_eq!(
        leaves(dup)
            .into_iter()
            .map(|(p, _, _)| p)
            .collect::<Vec<_>>(),
        vec!["a", "a", "b.c", "b.c"]
    );
    check(dup);
}

#[test]
fn links_record_anchors_aliases_merges_and_duplicates() {
    let t = "a: &x 1\nb: &m\n  k: v\nc: *x\nd:\n  <<: *m\n  !!merge <<: {z: 1}\n  '<<': q\n&kk key: 2\ne: [*m]\na: 3\n---\nf: &x 2\ng: *x\n";
    let (doc, links) = parse_linked(t).unwrap();
    assert_eq!(links.documents, 2);
    let anchors: Vec<(String, String, AnchoredNode)> = links
        .anchors
        .iter()
        .map(|a| (a.name.clone(), a.path.to_string(), a.node.clone()))
        .collect();
    assert_eq!(
        anchors,
        vec![
            ("x".into(), "a".into(), AnchoredNode::Scalar),
            ("m".into(), "b".into(), AnchoredNode::Mapping),
            (
                "kk".into(),
                "key".into(),
                AnchoredNode::Key {
                    kind: ScalarKind::String,
                    value: "key".into()
                }
            ),
            ("x".into(), "@1.f".into(), AnchoredNode::Scalar),
        ]
    );
    assert_eq!(&t[links.anchors[1].offset..][..2], "&m");
    let aliases: Vec<(String, &str, usize)> = links
        .aliases
        .iter()
        .map(|a| (a.path.to_string(), &t[a.span.clone()], a.leaves_before))
        .collect();
    assert_eq!(
        aliases,
        vec![
            ("c".into(), "*x", 2),
            (r#"d["<<"]"#.into(), "*m", 2),
            ("e[0]".into(), "*m", 5),
            ("@1.g".into(), "*x", 7),
        ]
    );
    // The alias of the second document refers to the second `&x`.
    assert_eq!(links.aliases[3].anchor, links.anchors[3].id);
    assert_ne!(links.anchors[0].id, links.anchors[3].id);
    // A plain `<<` and a tagged one are merge keys; a quoted one is not.
    let merges: Vec<String> = links.merges.iter().map(|m| m.to_string()).collect();
    assert_eq!(merges, [r#"d["<<"]"#, r#"d["<<"]"#]);
    let dups: Vec<(String, &str, &str)> = links
        .duplicates
        .iter()
        .map(|d| {
            (
                d.path.to_string(),
                &t[d.first..d.first + 3],
                &t[d.second..d.second + 3],
            )
        })
        .collect();
    assert_eq!(
        dups,
        vec![
            (r#"d["<<"]"#.into(), "<<:", "<<:"),
            (r#"d["<<"]"#.into(), "<<:", "'<<"),
            ("a".into(), "a: ", "a: ")
        ]
    );
    // The leaves are those `parse` reports.
    let plain = YamlStore
        .parse(
            t,
            ParseOptions {
                decode_values: true,
            },
        )
        .unwrap();
    assert_eq!(
        doc.leaves
            .iter()
            .map(|l| (l.path.to_string(), l.span))
            .collect::<Vec<_>>(),
        plain
            .leaves
            .iter()
            .map(|l| (l.path.to_string(), l.span))
            .collect::<Vec<_>>()
    );
}

#[test]
fn nulls_of_every_spelling() {
    let t =
        "a: null\nb: Null\nc: NULL\nd: ~\ne:\nf: # comment\ng: [~, null, ]\nh: {i: , j: ~}\n- \n";
    let t = t.replace("- \n", "k:\n- \n-\n");
    let got = leaves(&t);
    assert!(got.iter().all(|(_, _, k)| *k == Null), "{got:?}");
    // `[~, null, ]` has two items.
    assert_eq!(got.len(), 12);
    let enc = check(&t);
    assert!(!enc.contains("VF1.") || enc.find("VF1.").unwrap() > enc.find("vaultfile").unwrap());
}

#[test]
fn real_world_files() {
    check(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\n  namespace: prod\n  labels:\n    app.kubernetes.io/name: api\n  annotations:\n    kubernetes.io/description: \"db\"\ntype: Opaque\ndata:\n  username: YWRtaW4=\n  password: MWYyZDFlMmU2N2Rm\nstringData:\n  config.yaml: |\n    apiUrl: \"https://my.api.com/api/v1\"\n    username: admin\n    password: hunter2\n",
    );
    check(
        "# Default values for my-chart.\nreplicaCount: 1\n\nimage:\n  repository: nginx\n  pullPolicy: IfNotPresent\n  # Overrides the image tag.\n  tag: \"\"\n\nimagePullSecrets: []\nnameOverride: \"\"\n\nserviceAccount:\n  create: true\n  annotations: {}\n  name: \"\"\n\npodAnnotations: {}\n\nsecurityContext: {}\n  # capabilities:\n  #   drop:\n  #   - ALL\n\ningress:\n  enabled: false\n  hosts:\n    - host: chart-example.local\n      paths:\n        - path: /\n          pathType: ImplementationSpecific\n  tls: []\n\nresources: {}\nnodeSelector: {}\ntolerations: []\nenv:\n  - name: DB_PASSWORD\n    value: s3cr3t\n  - name: API_KEY\n    valueFrom:\n      secretKeyRef: {name: api, key: key}\n",
    );
    check(
        "defaults: &defaults\n  adapter: postgresql\n  encoding: unicode\n  pool: 5\n\ndevelopment:\n  <<: *defaults\n  database: dev\n\nproduction:\n  <<: [*defaults]\n  database: prod\n  password: <%= ENV['DB_PASSWORD'] %>\n",
    );
    check(
        "name: CI\non:\n  push:\n    branches: [ main ]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Run\n        run: |\n          echo \"${{ secrets.TOKEN }}\"\n          make test\n        env:\n          TOKEN: ${{ secrets.TOKEN }}\n",
    );
}

#[test]
fn metadata_block() {
    let t = "a: 1\nb:\n  c: x\n";
    let meta = sample_metadata();
    let doc = YamlStore.parse(t, ParseOptions::default()).unwrap();
    let ins = YamlStore.metadata_insertion(t, &doc, &meta).unwrap();
    assert_eq!(ins.at, t.len());
    assert!(
        ins.text
            .starts_with("vaultfile:\n  version: 1\n  created: \"2026-11-29T05:00:00Z\"\n")
    );
    let enc = format!("{t}{}", ins.text);
    let doc2 = YamlStore.parse(&enc, ParseOptions::default()).unwrap();
    let md = doc2.metadata.unwrap();
    assert_eq!(md.span, t.len()..enc.len());
    assert_eq!(md.value, meta);
    assert_eq!(doc2.leaves.len(), 2);
    // Inserting twice is an error.
    let doc3 = YamlStore.parse(&enc, ParseOptions::default()).unwrap();
    assert!(YamlStore.metadata_insertion(&enc, &doc3, &meta).is_err());

    // Other value shapes render and read back.
    let odd = serde_json::json!({
        "empty_obj": {}, "empty_arr": [], "nested": [[1, "x"], [], {"k": [true, false]}],
        "weird key": "line\nbreak \"q\" \\ \u{7f} \u{85} \u{2028} \u{feff} ünï", "true": "t",
        "neg": -5, "big": 18446744073709551615u64, "float": 1.5,
    });
    for base in ["", "a: 1\n", "- 1\n", "x: 1"] {
        let doc = YamlStore.parse(base, ParseOptions::default()).unwrap();
        let ins = YamlStore.metadata_insertion(base, &doc, &odd).unwrap();
        let enc = format!("{base}{}", ins.text);
        let doc2 = YamlStore.parse(&enc, ParseOptions::default()).unwrap();
        let md = doc2
            .metadata
            .unwrap_or_else(|| panic!("no metadata in\n{enc}"));
        assert_eq!(md.value, odd, "{enc}");
        let mut back = enc.clone();
        back.replace_range(md.span, "");
        assert_eq!(back, base);
        same_as_full(&enc);
    }

    // A `vaultfile` key anywhere else is ordinary data.
    for t in [
        "vaultfile:\n  a: 1\nb: 2\n",
        "a:\n  vaultfile:\n    b: 1\n",
        "vaultfile: 1\n",
        "- vaultfile:\n    a: 1\n",
        "vaultfile:\n  a: 1\n---\nb: 1\n",
        "'vaultfile':\n  a: 1\n",
        "  vaultfile:\n    a: 1\n",
    ] {
        let doc = YamlStore.parse(t, ParseOptions::default()).unwrap();
        assert!(doc.metadata.is_none(), "{t}");
        assert!(!doc.leaves.is_empty());
        check(t);
    }
    // The one ambiguity: a plaintext whose last top-level key is a `vaultfile` mapping
    // reads as an encrypted file.
    let doc = YamlStore
        .parse("a: 1\nvaultfile: {}\n", ParseOptions::default())
        .unwrap();
    assert_eq!(doc.metadata.unwrap().span, 5..19);
    assert_eq!(doc.leaves.len(), 1);
    // The metadata of an encrypted file whose block a user followed with a comment.
    let enc = "a: VF1.x\nvaultfile:\n  version: 1\n# user comment\n";
    let doc = YamlStore.parse(enc, ParseOptions::default()).unwrap();
    assert_eq!(
        &enc[doc.metadata.unwrap().span],
        "vaultfile:\n  version: 1\n"
    );
}

#[test]
fn tokens() {
    let tok = crate::format::testkit::fake_token("x");
    assert_eq!(YamlStore.read_token(&tok), Some(tok.as_str()));
    assert_eq!(YamlStore.read_token("VF1.short"), None);
    assert_eq!(YamlStore.read_token(&format!("\"{tok}\"")), None);
    let mut out = String::new();
    YamlStore.write_token(&mut out, &tok);
    assert_eq!(out, tok);
    // A token is a plain scalar in flow context too.
    let t = format!("a: [{tok}, {{b: {tok}}}]\n");
    assert_eq!(
        leaves(&t).iter().map(|(_, s, _)| *s).collect::<Vec<_>>(),
        vec![tok.as_str(), tok.as_str()]
    );
}

#[test]
fn errors_have_positions() {
    let cases = [
        ("a: 1\nb: [1, 2\nc: 3\n", 3),
        ("a: b\n  c: d\n", 2),
        ("a: \"unterminated\n", 1),
        ("a: 1\n b: 2\n", 2),
        ("a: *missing\n", 1),
        ("- a\nb: c\n", 2),
        ("a:\n\tb: 1\n", 2),
        ("\u{feff}a: 'x\n", 1),
        ("ok: 1\nok2: 2\nbad: : :\n", 3),
    ];
    for (text, line) in cases {
        let e = parse_error(&YamlStore, text, line);
        assert!(e.column >= 1);
        assert!(e.message.starts_with("invalid YAML: "), "{e}");
        assert!(fast::analyse(text, ParseOptions::default()).is_none());
    }
    let e = YamlStore
        .parse("key: [a, b\n", ParseOptions::default())
        .unwrap_err();
    eprintln!("{e}");
}

#[test]
fn fast_path_covers_simple_files() {
    let t = "# generated config\nsection_a:\n  password_0: AbC123\n  dsn_1: \"postgres://u:p@h:5432/db\"\n  port: 5432\n  ratio: 0.5\n  enabled: true\n  empty:\n  quoted: 'it''s'\n  nested:\n    deeper: x # comment\n\n  back: y\nother-key.with/chars: -1\n";
    assert!(fast::analyse(t, ParseOptions::default()).is_some());
    check(t);
    let enc = check(t);
    // Encrypted files take the fast path too, metadata included.
    let a = fast::analyse(&enc, ParseOptions::default()).expect("fast path on encrypted");
    assert!(a.doc.metadata.is_some());
    for slow in [
        "a: [1]\n",
        "a: |\n  x\n",
        "- a\n",
        "a: &x 1\n",
        "a: \"\\n\"\n",
        "a: b\n  c\n",
        "---\na: 1\n",
        "a:\tb\n",
        "a: é\u{2028}\n",
    ] {
        assert!(
            fast::analyse(slow, ParseOptions::default()).is_none(),
            "{slow:?}"
        );
        check(slow);
    }
}

/// A large file is read in pieces cut at top-level keys (`fast::in_chunks`): with every
/// cut, the same leaves, metadata and shape as one pass, including a key left without a
/// value just before a cut, comments and CRLF lines around one, and the metadata block.
#[test]
fn reading_in_pieces_gives_what_one_pass_gives() {
    let section = "first:\r\n  a: 1\r\n  b:\r\nbare:\r\n# between\r\n\r\n_under: 'x'\r\nnested:\r\n  deeper:\r\n    leaf: \"v\" # c\r\n  empty:\r\nlast: -2\r\nnull_at_end:\r\n";
    // Long enough that the metadata block is a small part of the encrypted text.
    let plain: String = std::iter::once("# head\r\n".to_owned())
        .chain((0..40).map(|i| section.replace(":\r\n", &format!("{i}:\r\n"))))
        .collect();
    let encrypted = check(&plain);
    for text in [plain.as_str(), encrypted.as_str()] {
        let one = fast::analyse(text, ParseOptions::default()).expect("fast path");
        let show = |a: &Analysis| format!("{:?} {:?} {:?}", a.doc.leaves, a.doc.metadata, a.shape);
        for pieces in 2..12 {
            let split = fast::in_chunks(text, ParseOptions::default(), pieces, 1)
                .unwrap_or_else(|| panic!("{pieces} pieces refused"));
            assert_eq!(show(&split), show(&one), "{pieces} pieces");
        }
    }
    // The metadata key anywhere but in the last piece: refused, so one pass decides.
    let middle = "a: 1\nvaultfile:\n  version: 2\nb: 2\n";
    assert!(fast::in_chunks(middle, ParseOptions::default(), 3, 1).is_none());
    // A piece the fast path refuses refuses the whole.
    let bad = "a: 1\nb: [1]\nc: 3\n";
    assert!(fast::in_chunks(bad, ParseOptions::default(), 3, 1).is_none());
}

/// Single-line values at the edge of the fast path's subset: it either declines them or
/// agrees with granit.
#[test]
fn fast_path_edge_values() {
    let values = [
        "\u{a0}x",
        "x\u{a0}",
        "x\u{a0} # c",
        "\u{fffd}",
        "\u{e000}",
        "😀",
        "e\u{301}",
        "日本",
        "\u{fffe}",
        "\u{85}",
        "x\u{2028}",
        "\u{feff}",
        "a\u{7f}",
        "-",
        "-1",
        "-.5",
        "--x",
        "-x",
        "- x",
        ".",
        "...",
        "---",
        "a:",
        "a::b",
        "a:b",
        "a :b",
        "a# b",
        "a #b",
        "a\t#b",
        "'a'b",
        "'a' b",
        "'a' # c",
        r#""a"b"#,
        r#""a" #c"#,
        r#""""#,
        "''''",
        "'''",
        r#""\""#,
        "=",
        "<<",
        "~",
        "null",
        "@a",
        "`a",
        "%a",
        "a%",
        "a@",
        "a`",
        "x!",
        "x&",
        "x*",
        "x|",
        "x>",
        "x,y",
        "x]",
        "x}",
        "[x",
        "{x",
        "?x",
        "? x",
        ":x",
        "a  b",
        "a   ",
        "0x1F",
        "1_000",
        "2001-12-14",
    ];
    for v in values {
        for t in [
            format!("k: {v}\n"),
            format!("a:\n  k: {v}\r\n"),
            format!("k: {v}"),
        ] {
            same_as_full(&t);
            if let Ok(doc) = FullYaml.parse(&t, ParseOptions::default())
                && doc.metadata.is_none()
            {
                check(&t);
            }
        }
    }
    for k in [
        "a.b",
        "a/b",
        "a-b",
        "0",
        "_",
        "a\u{a0}",
        "a b",
        "a\t",
        "vaultfile",
    ] {
        same_as_full(&format!("{k}: 1\n"));
        same_as_full(&format!("x:\n  {k}: 1\n"));
    }
}

#[test]
fn fixtures() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries {
        let path = e.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        eprintln!("{}", path.display());
        check(&text);
    }
}

mod properties;
