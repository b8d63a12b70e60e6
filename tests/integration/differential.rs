//! Differential test: what vaultfile gives back must mean the same to other parsers, and an
//! encrypted file a keyless writer changed must not be decrypted at all.
//!
//! Why: vaultfile decrypts by putting each value's source back in place of its token and
//! keeping every other byte. Since file format 2 the file MAC covers every one of those bytes
//! (all but the 43 characters of the MAC itself, each CR LF read as LF), so that someone
//! without the key cannot change what the decrypted file means: swap anchors, add an alias or
//! a merge key, add a duplicate key or a table, re-quote a key, hide a line behind a character
//! that some parsers read as a line break (U+2028, U+0085, a lone CR) and others do not.
//! vaultfile's own parser cannot judge that, so this test asks parsers that share no code
//! with `src/format`: saphyr-parser (YAML, from its events, anchors, aliases and `<<` merges
//! resolved here), serde_json, the `toml` crate and dotenvy.
//!
//! 1. Every fixture under `tests/fixtures/{yaml,json,toml,dotenv}` is encrypted and decrypted
//!    by the binary; the independent parser must read the decryption as it reads the original
//!    (a fixture it rejects must be rejected in both). The same holds for the encrypted file
//!    with every bare LF turned into CR LF (what `core.autocrlf` does on checkout): that is the
//!    one change a keyless writer may make, and it must decrypt (exit 0).
//! 2. Keyless edits of the encrypted file, each named, on every fixture (a line break or a
//!    comment appended, a blank line prepended) and on a small document per format (known
//!    attacks: swapped anchors, aliases and merge keys, duplicate keys, new tables, re-quoted
//!    keys, line separators in comments): `vaultfile decrypt` must exit with code 7
//!    (integrity) and print nothing. For each edit the test also works out what a decrypt that let it through
//!    would print (the same edit on the plaintext, or where the edit follows a token, at the
//!    end of that token's value), and reports by name every edit that would change what the
//!    independent parser reads yet was not refused.
//!
//! Failures are collected and reported together, naming the fixture and the edit.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Output;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use crate::common::{Env, fixtures_dir};

/// Deleting fixtures must fail the test, as in `fixtures.rs`.
const MIN_PER_FORMAT: usize = 9;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Yaml,
    Json,
    Toml,
    Dotenv,
}

impl Kind {
    /// The folder under `tests/fixtures`.
    fn dir(self) -> &'static str {
        match self {
            Kind::Yaml => "yaml",
            Kind::Json => "json",
            Kind::Toml => "toml",
            Kind::Dotenv => "dotenv",
        }
    }

    /// The independent parser, for messages.
    fn parser(self) -> &'static str {
        match self {
            Kind::Yaml => "saphyr-parser",
            Kind::Json => "serde_json",
            Kind::Toml => "toml",
            Kind::Dotenv => "dotenvy",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
fn yaml_fixtures_read_the_same_after_decrypt() {
    check_fixtures(Kind::Yaml);
}

#[test]
fn json_fixtures_read_the_same_after_decrypt() {
    check_fixtures(Kind::Json);
}

#[test]
fn toml_fixtures_read_the_same_after_decrypt() {
    check_fixtures(Kind::Toml);
}

#[test]
fn dotenv_fixtures_read_the_same_after_decrypt() {
    check_fixtures(Kind::Dotenv);
}

#[test]
fn yaml_keyless_edits_are_refused() {
    check_mutations(Kind::Yaml, YAML_DOC, &yaml_mutations());
}

#[test]
fn json_keyless_edits_are_refused() {
    check_mutations(Kind::Json, JSON_DOC, &json_mutations());
}

#[test]
fn toml_keyless_edits_are_refused() {
    check_mutations(Kind::Toml, TOML_DOC, &toml_mutations());
}

#[test]
fn dotenv_keyless_edits_are_refused() {
    check_mutations(Kind::Dotenv, DOTENV_DOC, &dotenv_mutations());
}

/// The YAML reader below must resolve what the attacks rely on, or the differential part of
/// the YAML test would see no difference where there is one.
#[test]
fn yaml_reader_resolves_anchors_aliases_and_merges() {
    let same = |a: &str, b: &str| {
        assert_eq!(
            read_yaml(a),
            read_yaml(b),
            "{a:?} and {b:?} must read the same"
        );
    };
    let differ = |a: &str, b: &str| {
        assert_ne!(
            read_yaml(a),
            read_yaml(b),
            "{a:?} and {b:?} must read differently"
        );
    };
    same("a: &x {k: 1}\nb: *x\n", "a: {k: 1}\nb: {k: 1}\n");
    same(
        "base: &b {x: 1, y: 2}\nm: {<<: *b, y: 3}\n",
        "base: {x: 1, y: 2}\nm: {x: 1, y: 3}\n",
    );
    same(
        "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nm: {<<: [*a, *b]}\n",
        "a: {x: 1}\nb: {x: 2, y: 2}\nm: {x: 1, y: 2}\n",
    );
    same("a: 'x'\nb: \"y\"\n", "b: 'y'\na: \"x\"\n");
    same("a: b\r\nc: d\r\n", "a: b\nc: d\n");
    differ("1: a\n", "'1': a\n");
    differ("a: true\n", "a: 'true'\n");
    differ("a: &x 1\nb: &y 2\nc: *x\n", "a: &y 1\nb: &x 2\nc: *x\n");
    differ("a: 1\n", "a: 1\n---\na: 1\n");
    assert!(
        read_yaml("a: 1\na: 2\n").is_err(),
        "a duplicate key is an error"
    );
    assert!(read_yaml("a: [1\n").is_err(), "a syntax error is an error");
}

// ---------------------------------------------------------------------------------------------
// Part 1: every fixture, through encrypt and decrypt, read by the independent parser

fn check_fixtures(kind: Kind) {
    let files = fixture_files(kind.dir());
    assert!(
        files.len() >= MIN_PER_FORMAT,
        "tests/fixtures/{} holds {} files; at least {MIN_PER_FORMAT} expected",
        kind.dir(),
        files.len()
    );
    let env = Env::new();
    let mut failures = Vec::new();
    let mut unreadable = Vec::new();
    for file in &files {
        let name = fixture_name(file);
        let original = std::fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("{name}: cannot read the fixture as UTF-8: {e}"));
        if let Err(e) = read(kind, &original) {
            unreadable.push(format!("{name}: {e}"));
        }
        if let Err(problems) = check_fixture(&env, kind, file, &original) {
            failures.push(format!("--- {name}\n{problems}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {} fixtures failed:\n\n{}\n",
        failures.len(),
        files.len(),
        kind.dir(),
        failures.join("\n\n")
    );
    // Fixtures the independent parser rejects are compared too (rejected both times), but
    // most must be read, or the comparison says little.
    assert!(
        unreadable.len() * 4 <= files.len(),
        "{} rejects {} of {} {} fixtures, too many for a differential test:\n{}",
        kind.parser(),
        unreadable.len(),
        files.len(),
        kind.dir(),
        unreadable.join("\n")
    );
}

/// One fixture: the round trip and the CR LF checkout decrypt to what the original means, and
/// the edits every fixture gets are refused. `Err` lists every problem.
fn check_fixture(env: &Env, kind: Kind, file: &Path, original: &str) -> Result<(), String> {
    let file_name = file.file_name().expect("file name").to_string_lossy();
    let out = env
        .cmd()
        .arg("encrypt")
        .args(["-r", &env.public])
        .arg(file)
        .output()
        .expect("vaultfile runs");
    if !out.status.success() {
        return Err(format!(
            "encrypt failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    let encrypted = String::from_utf8(out.stdout)
        .map_err(|e| format!("the encrypted file is not UTF-8: {e}"))?;
    let expected = read(kind, original);
    let mut problems = Vec::new();

    // Decrypted as it was written, and after a checkout that turned LF into CR LF.
    let accepted = [
        ("unchanged", encrypted.clone()),
        ("lf-to-crlf", lf_to_crlf(&encrypted)),
    ];
    for (what, text) in accepted {
        let p = env.write(&format!("{what}/{}/{file_name}", kind.dir()), &text);
        let out = decrypt(env, &p);
        if out.status.code() != Some(0) {
            problems.push(format!(
                "[{what}] decrypt must succeed, but exited with {}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end()
            ));
            continue;
        }
        let decrypted = match String::from_utf8(out.stdout) {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("[{what}] the decryption is not UTF-8: {e}"));
                continue;
            }
        };
        let got = read(kind, &decrypted);
        if !same(expected.as_ref().ok(), got.as_ref().ok()) {
            problems.push(format!(
                "[{what}] {} reads the decryption differently from the original:\n  \
                 original:  {}\n  decrypted: {}",
                kind.parser(),
                describe(&expected),
                describe(&got)
            ));
        }
    }

    // Edits that fit every fixture of the format.
    for m in fixture_mutations(kind) {
        if let Err(e) = check_mutation(env, kind, &file_name, original, &encrypted, &m) {
            problems.push(e);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Every file under `tests/fixtures/<dir>`, recursively, in a stable order.
fn fixture_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&fixtures_dir().join(dir), &mut files);
    files.sort();
    files
}

fn fixture_name(file: &Path) -> String {
    let root = fixtures_dir();
    format!(
        "tests/fixtures/{}",
        file.strip_prefix(&root).unwrap_or(file).display()
    )
}

/// Turns every LF not already preceded by CR into CR LF, as a checkout with
/// `core.autocrlf=true` does.
fn lf_to_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev = '\0';
    for c in text.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

fn decrypt(env: &Env, file: &Path) -> Output {
    env.cmd()
        .arg("decrypt")
        .arg(file)
        .output()
        .expect("vaultfile runs")
}

// ---------------------------------------------------------------------------------------------
// Part 2: keyless edits of the encrypted file

/// One edit of a text; `None` when the text has nothing it applies to.
type Edit = Box<dyn Fn(&str) -> Option<String>>;

/// What the independent parser must make of a decrypt that let an edit through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reads {
    /// The meaning changes: the edit is an attack on what the file says.
    Differently,
    /// The meaning stays (for this parser; another may differ): refused all the same.
    Same,
    /// Depends on the file (the edits every fixture gets).
    Either,
}

/// A keyless writer's edit of an encrypted file.
struct Mutation {
    name: &'static str,
    /// The edit of the encrypted file.
    encrypted: Edit,
    /// What a decrypt that let the edit through would print, from the plaintext: the values'
    /// source stands where their tokens stood, so this is the same edit unless the edit
    /// touches a token's line after the token.
    passed_through: Edit,
    reads: Reads,
}

impl Mutation {
    /// An edit that lands the same in the encrypted file and in its decryption.
    fn new(name: &'static str, reads: Reads, edit: fn() -> Edit) -> Self {
        Mutation {
            name,
            encrypted: edit(),
            passed_through: edit(),
            reads,
        }
    }

    /// An edit whose effect on the decryption is `passed_through` on the plaintext.
    fn landing(mut self, passed_through: Edit) -> Self {
        self.passed_through = passed_through;
        self
    }
}

/// Every line of `text` with its line break.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The index of the first line that starts with `prefix`.
fn line_starting(lines: &[&str], prefix: &str) -> Option<usize> {
    lines.iter().position(|l| l.starts_with(prefix))
}

fn replace_first(from: &'static str, to: &'static str) -> Edit {
    Box::new(move |t: &str| t.contains(from).then(|| t.replacen(from, to, 1)))
}

/// Exchanges every `a` with `b`.
fn swap(a: &'static str, b: &'static str) -> Edit {
    Box::new(move |t: &str| {
        (t.contains(a) && t.contains(b))
            .then(|| t.replace(a, "\u{0}").replace(b, a).replace('\u{0}', b))
    })
}

/// Inserts `text` before the first line starting with `prefix` (`after`: after it).
fn insert_at_line(prefix: &'static str, text: &'static str, after: bool) -> Edit {
    Box::new(move |t: &str| {
        let mut ls = lines(t);
        let i = line_starting(&ls, prefix)?;
        let at = if after { i + 1 } else { i };
        if after && !ls[i].ends_with('\n') {
            return None;
        }
        ls.insert(at, text);
        Some(ls.concat())
    })
}

fn insert_before(prefix: &'static str, text: &'static str) -> Edit {
    insert_at_line(prefix, text, false)
}

fn insert_after(prefix: &'static str, text: &'static str) -> Edit {
    insert_at_line(prefix, text, true)
}

fn delete_line(prefix: &'static str) -> Edit {
    Box::new(move |t: &str| {
        let mut ls = lines(t);
        let i = line_starting(&ls, prefix)?;
        ls.remove(i);
        Some(ls.concat())
    })
}

fn duplicate_line(prefix: &'static str) -> Edit {
    Box::new(move |t: &str| {
        let mut ls = lines(t);
        let i = line_starting(&ls, prefix)?;
        if !ls[i].ends_with('\n') {
            return None;
        }
        ls.insert(i, ls[i]);
        Some(ls.concat())
    })
}

/// Puts `text` at the end of the first line starting with `prefix`, before its line break.
fn end_of_line(prefix: &'static str, text: &'static str) -> Edit {
    Box::new(move |t: &str| {
        let ls = lines(t);
        let i = line_starting(&ls, prefix)?;
        let body = ls[i].trim_end_matches(['\r', '\n']);
        let owned: Vec<String> = ls
            .iter()
            .enumerate()
            .map(|(j, l)| {
                if j == i {
                    format!("{body}{text}{}", &l[body.len()..])
                } else {
                    (*l).to_owned()
                }
            })
            .collect();
        Some(owned.concat())
    })
}

/// Renames the key at the start of the first line starting with `from`.
fn requote_key(from: &'static str, to: &'static str) -> Edit {
    Box::new(move |t: &str| {
        let mut ls: Vec<String> = lines(t).into_iter().map(str::to_owned).collect();
        let i = ls.iter().position(|l| l.starts_with(from))?;
        ls[i].replace_range(..from.len(), to);
        Some(ls.concat())
    })
}

/// Appends `line` as a line of its own.
fn append_line(line: &'static str) -> Edit {
    Box::new(move |t: &str| {
        let sep = if t.is_empty() || t.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        Some(format!("{t}{sep}{line}"))
    })
}

/// Inserts `line` as the first line, after a byte order mark if there is one.
fn prepend_line(line: &'static str) -> Edit {
    Box::new(move |t: &str| {
        let body = t.strip_prefix('\u{feff}');
        Some(match body {
            Some(b) => format!("\u{feff}{line}{b}"),
            None => format!("{line}{t}"),
        })
    })
}

/// Edits every fixture of the format gets; all three must be refused.
fn fixture_mutations(kind: Kind) -> Vec<Mutation> {
    let mut ms = vec![
        Mutation::new("line-break-appended", Reads::Either, || {
            Box::new(|t: &str| Some(format!("{t}\n")))
        }),
        Mutation::new("blank-line-prepended", Reads::Either, || prepend_line("\n")),
    ];
    if kind != Kind::Json {
        ms.push(Mutation::new("comment-appended", Reads::Either, || {
            append_line("# appended without the key\n")
        }));
    }
    ms
}

/// Applies `m` to the encrypted file, decrypts it and checks the refusal and the
/// differential claim. `Err` names the mutation.
fn check_mutation(
    env: &Env,
    kind: Kind,
    file_name: &str,
    plain: &str,
    encrypted: &str,
    m: &Mutation,
) -> Result<(), String> {
    let name = m.name;
    let tampered = (m.encrypted)(encrypted)
        .filter(|t| t != encrypted)
        .ok_or_else(|| format!("[{name}] the edit does not apply to the encrypted file"))?;
    let passed = (m.passed_through)(plain)
        .filter(|t| t != plain)
        .ok_or_else(|| format!("[{name}] the edit does not apply to the plaintext"))?;
    let original = read(kind, plain);
    let hypothetical = read(kind, &passed);
    let differs = !same(original.as_ref().ok(), hypothetical.as_ref().ok());
    let mut problems = Vec::new();
    match (m.reads, differs) {
        (Reads::Differently, false) => problems.push(format!(
            "[{name}] {} should read the edited file differently, but reads it the same: \
             the edit misses its target\n  reads: {}",
            kind.parser(),
            describe(&hypothetical)
        )),
        (Reads::Same, true) => problems.push(format!(
            "[{name}] {} should read the edited file the same, but reads it differently \
             (expected: the parser ignores this edit)\n  original: {}\n  edited:   {}",
            kind.parser(),
            describe(&original),
            describe(&hypothetical)
        )),
        _ => {}
    }

    let p = env.write(&format!("mutated/{name}/{file_name}"), &tampered);
    let out = decrypt(env, &p);
    if out.status.code() != Some(7) || !out.stdout.is_empty() {
        // Refused (no output) with another exit code, or let through.
        let outcome = if out.status.success() || !out.stdout.is_empty() {
            format!(
                "NOT REFUSED: decrypt exited with {} and printed {} bytes ({:?})",
                out.status,
                out.stdout.len(),
                String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(200)])
            )
        } else {
            format!(
                "refused with {} instead of exit code 7 (integrity)",
                out.status
            )
        };
        let meaning = if differs {
            format!(
                "; {} reads the text a decrypt would let through differently: {} instead of {}",
                kind.parser(),
                describe(&hypothetical),
                describe(&original)
            )
        } else {
            String::new()
        };
        problems.push(format!(
            "[{name}] {outcome}{meaning}\n  stderr: {}",
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

/// Encrypts `doc`, checks that it decrypts untouched, then applies every mutation.
fn check_mutations(kind: Kind, doc: &str, mutations: &[Mutation]) {
    let env = Env::new();
    let file_name = match kind {
        Kind::Dotenv => "doc.env".to_owned(),
        _ => format!("doc.{}", kind.dir()),
    };
    assert!(
        read(kind, doc).is_ok(),
        "the {} test document must be read by {}: {:?}",
        kind.dir(),
        kind.parser(),
        read(kind, doc).err()
    );
    let src = env.write(&file_name, doc);
    let encrypted = String::from_utf8(env.encrypt(&src, &[])).expect("UTF-8");
    let untouched = env.write(&format!("untouched/{file_name}"), &encrypted);
    assert_eq!(
        String::from_utf8(env.decrypt(&untouched, &[])).expect("UTF-8"),
        doc,
        "the untouched encrypted {file_name} must decrypt to the document"
    );

    // The one edit that must go through: a checkout converting LF to CR LF.
    let crlf = env.write(&format!("crlf/{file_name}"), lf_to_crlf(&encrypted));
    let out = decrypt(&env, &crlf);
    assert_eq!(
        out.status.code(),
        Some(0),
        "[lf-to-crlf] {file_name} must decrypt after LF became CR LF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = read(kind, std::str::from_utf8(&out.stdout).expect("UTF-8"));
    assert!(
        same(read(kind, doc).ok().as_ref(), got.as_ref().ok()),
        "[lf-to-crlf] {} reads the decryption of {file_name} differently: {}",
        kind.parser(),
        describe(&got)
    );

    let mut failures = Vec::new();
    let mut attacks = 0;
    for m in mutations {
        if m.reads == Reads::Differently {
            attacks += 1;
        }
        if let Err(e) = check_mutation(&env, kind, &file_name, doc, &encrypted, m) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} edits of the encrypted {file_name} failed:\n\n{}\n\nencrypted file:\n{encrypted}",
        failures.len(),
        mutations.len(),
        failures.join("\n\n")
    );
    assert!(
        attacks >= 2,
        "the {} edits must include some that change the meaning",
        kind.dir()
    );
}

const YAML_DOC: &str = "\
# Service configuration
defaults: &u
  user: app-user
  host: db.internal
prod: &p
  password: s3cret-prod-password
  port: 5432
db:
  primary: *u
  replica: *p
1: one-value
key: |
  first line of the block
  second line
other:
  <<: *u
  name: merged-name
";

fn yaml_mutations() -> Vec<Mutation> {
    use Reads::{Differently, Same};
    vec![
        Mutation::new("anchors-swapped", Differently, || swap("&u", "&p")),
        Mutation::new("alias-added", Differently, || {
            insert_before("db:", "log_line: *p\n")
        }),
        Mutation::new("duplicate-db-key", Differently, || {
            insert_before("1:", "db: {}\n")
        }),
        Mutation::new("merge-key-added", Differently, || {
            insert_before("db:", "extra: {<<: *p}\n")
        }),
        // YAML 1.1 parsers (PyYAML, go-yaml v2) end the comment at U+2028, U+2029 or U+0085
        // and read `replica` under `db`; YAML 1.2 (saphyr) reads one comment.
        Mutation::new("unicode-line-breaks-in-comment", Same, || {
            insert_after(
                "  replica: *p",
                "  # moved\u{2028}\u{2029}\u{85}  replica: {password: attacker}\n",
            )
        }),
        // The token stands for the whole block scalar, so spaces after it would land after
        // the block's last line, inside the value.
        Mutation::new("spaces-after-block-scalar-token", Differently, || {
            end_of_line("key: ", "   ")
        })
        .landing(end_of_line("  second line", "   ")),
        Mutation::new("key-requoted", Differently, || requote_key("1:", "'1':")),
        Mutation::new("line-deleted", Differently, || delete_line("  host:")),
        Mutation::new("line-duplicated", Differently, || duplicate_line("  user:")),
        Mutation::new("comment-inserted", Same, || {
            insert_before("prod:", "# reviewed\n")
        }),
        Mutation::new("comment-edited", Same, || {
            replace_first(
                "# Service configuration",
                "# Service configuration, reviewed",
            )
        }),
    ]
}

const DOTENV_DOC: &str = "\
# Database settings
DB_USER=app-user
DB_PASSWORD=s3cret-password
API_TOKEN=token-value-123
";

fn dotenv_mutations() -> Vec<Mutation> {
    use Reads::{Differently, Same};
    vec![
        // Parsers that split lines at a lone CR (Python's str.splitlines, and so
        // python-dotenv) read a second API_TOKEN; dotenvy reads one comment.
        Mutation::new("lone-cr-in-comment", Same, || {
            insert_after("API_TOKEN=", "# rotated\rAPI_TOKEN=attacker\n")
        }),
        Mutation::new("line-added", Differently, || {
            insert_after("API_TOKEN=", "EXTRA=1\n")
        }),
        Mutation::new("line-duplicated", Differently, || {
            duplicate_line("DB_PASSWORD=")
        }),
        Mutation::new("comment-edited", Same, || {
            replace_first("# Database settings", "# Database settings (prod)")
        }),
    ]
}

const JSON_DOC: &str = r#"{
  "a": "alpha-secret",
  "db": {"user": "app-user", "password": "s3cret-password"},
  "list": [1, 2]
}
"#;

fn json_mutations() -> Vec<Mutation> {
    use Reads::{Differently, Same};
    vec![
        // serde_json keeps the last of duplicate keys. Appended after the last member (in the
        // encrypted file, after the metadata), and inserted before the list.
        Mutation::new("duplicate-db-key", Differently, || {
            Box::new(|t: &str| {
                let end = t.rfind('}')?;
                Some(format!("{}, \"db\": {{}}{}", &t[..end], &t[end..]))
            })
        }),
        Mutation::new("duplicate-db-key-inserted", Differently, || {
            insert_before("  \"list\":", "  \"db\": {},\n")
        }),
        Mutation::new("whitespace-added", Same, || {
            replace_first("\"a\": ", "\"a\"  :  ")
        }),
        Mutation::new("key-re-escaped", Same, || {
            replace_first("\"a\":", "\"\\u0061\":")
        }),
        Mutation::new("array-emptied", Differently, || {
            Box::new(|t: &str| {
                let ls = lines(t);
                let i = line_starting(&ls, "  \"list\": [")?;
                let mut out: Vec<String> = ls.iter().map(|l| (*l).to_owned()).collect();
                out[i] = "  \"list\": []\n".to_owned();
                // Keep a comma if the encrypted file added one after the list.
                if ls[i].trim_end().ends_with(',') {
                    out[i] = "  \"list\": [],\n".to_owned();
                }
                Some(out.concat())
            })
        }),
    ]
}

const TOML_DOC: &str = r#"# Upstream servers
title = "service"
a = "alpha-secret"

[db]
user = "app-user"
password = "s3cret-password"

[[upstream]]
host = "one.internal"
port = 8080
"#;

fn toml_mutations() -> Vec<Mutation> {
    use Reads::{Differently, Same};
    vec![
        Mutation::new("upstream-added", Differently, || {
            insert_after("port = ", "\n[[upstream]]\nhost = \"attacker.example\"\n")
        }),
        Mutation::new("debug-table-added", Differently, || {
            insert_before("[db]", "[debug]\nenabled = true\n\n")
        }),
        Mutation::new("comment-edited", Same, || {
            replace_first("# Upstream servers", "# Upstream servers (prod)")
        }),
        Mutation::new("key-requoted", Same, || requote_key("a =", "\"a\" =")),
    ]
}

// ---------------------------------------------------------------------------------------------
// The independent parsers

/// What an independent parser reads in a text.
#[derive(Debug)]
enum Reading {
    /// Every document of the stream.
    Yaml(Vec<Yaml>),
    Json(serde_json::Value),
    Toml(toml::Table),
    /// Every KEY=VALUE pair, in order (duplicates kept).
    Dotenv(Vec<(String, String)>),
}

/// A text read as `kind`. A leading byte order mark is skipped (serde_json and dotenvy's
/// iterator do not).
fn read(kind: Kind, text: &str) -> Result<Reading, String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    match kind {
        Kind::Yaml => read_yaml(text).map(Reading::Yaml),
        Kind::Json => serde_json::from_str(body)
            .map(Reading::Json)
            .map_err(|e| format!("JSON error: {e}")),
        Kind::Toml => body
            .parse::<toml::Table>()
            .map(Reading::Toml)
            .map_err(|e| format!("TOML error: {e}")),
        Kind::Dotenv => dotenvy::from_read_iter(body.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map(Reading::Dotenv)
            .map_err(|e| format!("dotenv error: {e}")),
    }
}

/// Whether two readings are the same; `None` is a text the parser rejects.
fn same(a: Option<&Reading>, b: Option<&Reading>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(Reading::Yaml(a)), Some(Reading::Yaml(b))) => a == b,
        (Some(Reading::Json(a)), Some(Reading::Json(b))) => a == b,
        (Some(Reading::Toml(a)), Some(Reading::Toml(b))) => toml_tables_same(a, b),
        (Some(Reading::Dotenv(a)), Some(Reading::Dotenv(b))) => a == b,
        _ => false,
    }
}

/// TOML tables compared as values, a NaN equal to a NaN (TOML has `nan`).
fn toml_tables_same(a: &toml::Table, b: &toml::Table) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| toml_values_same(v, w)))
}

fn toml_values_same(a: &toml::Value, b: &toml::Value) -> bool {
    use toml::Value as T;
    match (a, b) {
        (T::Float(x), T::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (T::Table(x), T::Table(y)) => toml_tables_same(x, y),
        (T::Array(x), T::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| toml_values_same(v, w))
        }
        _ => a == b,
    }
}

/// A reading for messages, cut short.
fn describe(r: &Result<Reading, String>) -> String {
    let s = match r {
        Ok(r) => format!("{r:?}"),
        Err(e) => format!("rejected ({e})"),
    };
    const MAX: usize = 600;
    if s.chars().count() > MAX {
        format!("{}...", s.chars().take(MAX).collect::<String>())
    } else {
        s
    }
}

// ---------------------------------------------------------------------------------------------
// YAML: a tree built from saphyr-parser's events

/// A YAML node as the core schema sees it: a plain scalar is resolved from its text, any
/// other scalar is a string, so a scalar is its text, whether it is plain, and its tag.
/// Mappings are unordered; anchors, aliases and `<<` merge keys are resolved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Yaml {
    Null,
    Scalar {
        plain: bool,
        tag: Option<String>,
        value: String,
    },
    Seq {
        tag: Option<String>,
        items: Vec<Yaml>,
    },
    Map {
        tag: Option<String>,
        entries: BTreeMap<Yaml, Yaml>,
    },
}

/// A collection being read.
enum Open {
    Seq {
        anchor: usize,
        tag: Option<String>,
        items: Vec<Yaml>,
    },
    Map {
        anchor: usize,
        tag: Option<String>,
        entries: Vec<(Yaml, Yaml)>,
        key: Option<Yaml>,
    },
}

fn tag_text(tag: Option<&Tag>) -> Option<String> {
    tag.map(|t| format!("{}{}", t.handle, t.suffix))
}

/// Reads a YAML stream into its documents. Duplicate keys are an error (YAML 1.2 requires
/// unique keys), as is an alias to an anchor not yet complete.
fn read_yaml(text: &str) -> Result<Vec<Yaml>, String> {
    let mut docs = Vec::new();
    let mut anchors: HashMap<usize, Yaml> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, _) = event.map_err(|e| format!("YAML error: {e}"))?;
        let (node, anchor) = match event {
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag_text(tag.as_deref());
                let plain = style == ScalarStyle::Plain;
                let node = if plain
                    && tag.is_none()
                    && matches!(&*value, "" | "~" | "null" | "Null" | "NULL")
                {
                    Yaml::Null
                } else {
                    Yaml::Scalar {
                        plain,
                        tag,
                        value: value.into_owned(),
                    }
                };
                (node, anchor)
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| format!("alias to anchor {id}, which is not complete"))?;
                (node, 0)
            }
            Event::SequenceStart(anchor, tag) => {
                stack.push(Open::Seq {
                    anchor,
                    tag: tag_text(tag.as_deref()),
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                stack.push(Open::Map {
                    anchor,
                    tag: tag_text(tag.as_deref()),
                    entries: Vec::new(),
                    key: None,
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq { anchor, tag, items }) => (Yaml::Seq { tag, items }, anchor),
                _ => return Err("unbalanced sequence end".to_owned()),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map {
                    anchor,
                    tag,
                    entries,
                    key: None,
                }) => (build_map(tag, entries)?, anchor),
                _ => return Err("unbalanced mapping end".to_owned()),
            },
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => docs.push(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
    if !stack.is_empty() {
        return Err("unclosed collection".to_owned());
    }
    Ok(docs)
}

/// A mapping from its entries: explicit keys must be unique; `<<` merges the entries of a
/// mapping (or of each mapping of a sequence, the first one winning) that no explicit key
/// gives.
fn build_map(tag: Option<String>, entries: Vec<(Yaml, Yaml)>) -> Result<Yaml, String> {
    let merge_key = Yaml::Scalar {
        plain: true,
        tag: None,
        value: "<<".to_owned(),
    };
    let mut explicit = BTreeMap::new();
    let mut merged = Vec::new();
    for (k, v) in entries {
        if k == merge_key {
            match v {
                Yaml::Map { entries, .. } => merged.push(entries),
                Yaml::Seq { items, .. } => {
                    for item in items {
                        match item {
                            Yaml::Map { entries, .. } => merged.push(entries),
                            other => return Err(format!("cannot merge {other:?}")),
                        }
                    }
                }
                other => return Err(format!("cannot merge {other:?}")),
            }
            continue;
        }
        if explicit.contains_key(&k) {
            return Err(format!("duplicate key {k:?}"));
        }
        explicit.insert(k, v);
    }
    for m in merged {
        for (k, v) in m {
            explicit.entry(k).or_insert(v);
        }
    }
    Ok(Yaml::Map {
        tag,
        entries: explicit,
    })
}
