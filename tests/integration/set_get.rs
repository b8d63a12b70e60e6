//! `vaultfile set`, `unset` and `get` on every format: values with quotes, line breaks
//! and unicode, new keys, removal, setting a value to itself, and the errors.

use predicates::prelude::*;

use crate::common::Env;

/// A value that needs quoting and escaping in every format.
const TRICKY: &str = "it's \"quoted\" $HOME \\ back\nline two: café 😀\n";

struct Case {
    name: &'static str,
    text: &'static str,
    /// A path holding a string.
    existing: &'static str,
    /// Its value.
    value: &'static str,
    /// A new path.
    new: &'static str,
    /// A path holding a number.
    number: &'static str,
}

const CASES: [Case; 4] = [
    Case {
        name: "app.yaml",
        text: "# app\ndb:\n  password: \"old-pass\"\n  port: 5432\nlist: [a, b]\n",
        existing: "db.password",
        value: "old-pass",
        new: "db.user",
        number: "db.port",
    },
    Case {
        name: "app.json",
        text: "{\n  \"db\": {\n    \"password\": \"old-pass\",\n    \"port\": 5432\n  },\n  \"list\": [\"a\", \"b\"]\n}\n",
        existing: "db.password",
        value: "old-pass",
        new: "db.user",
        number: "db.port",
    },
    Case {
        name: "app.toml",
        text: "# app\n[db]\npassword = \"old-pass\" # kept\nport = 5432\n",
        existing: "db.password",
        value: "old-pass",
        new: "db.user",
        number: "db.port",
    },
    Case {
        name: "app.env",
        text: "# app\nPASSWORD='old-pass'\nPORT=5432\n",
        existing: "PASSWORD",
        value: "old-pass",
        new: "USER",
        number: "PORT",
    },
];

fn get(env: &Env, file: &std::path::Path, path: &str) -> String {
    let out = env.cmd().arg("get").arg(file).arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "get {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn differing_lines(a: &str, b: &str) -> usize {
    assert_eq!(a.lines().count(), b.lines().count(), "{a}\n---\n{b}");
    a.lines().zip(b.lines()).filter(|(x, y)| x != y).count()
}

#[test]
fn set_unset_get_in_every_format() {
    let env = Env::new();
    for case in &CASES {
        let plain = env.write(case.name, case.text);
        let enc = env.encrypt(&plain, &[]);
        std::fs::write(&plain, &enc).unwrap();
        let file = plain;
        let before = String::from_utf8(enc).unwrap();
        assert_eq!(get(&env, &file, case.existing), case.value, "{}", case.name);

        // Setting a value to what it already is leaves the file byte-identical.
        env.cmd()
            .arg("set")
            .arg(&file)
            .args([case.existing, case.value])
            .assert()
            .success()
            .stderr(predicate::str::contains("already has this value"));
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            before,
            "{}",
            case.name
        );

        // A value with quotes, a line break and unicode, from standard input: only that
        // value's token and the MAC change.
        env.cmd()
            .arg("set")
            .arg(&file)
            .arg(case.existing)
            .arg("--value-stdin")
            .write_stdin(TRICKY)
            .assert()
            .success();
        let after = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            differing_lines(&before, &after),
            2,
            "{}:\n{after}",
            case.name
        );
        assert_eq!(get(&env, &file, case.existing), TRICKY, "{}", case.name);
        let decrypted = String::from_utf8(env.decrypt(&file, &[])).unwrap();
        assert!(decrypted.starts_with("# app") || case.name.ends_with(".json"));
        assert!(
            !after.contains("café"),
            "{}: plaintext in the file",
            case.name
        );

        // A new key, from a file; its value is there and the old ones are untouched.
        let value_file = env.write("value.txt", "from a file\n");
        env.cmd()
            .arg("set")
            .arg(&file)
            .arg(case.new)
            .arg("--value-file")
            .arg(&value_file)
            .assert()
            .success();
        assert_eq!(get(&env, &file, case.new), "from a file\n", "{}", case.name);
        assert_eq!(get(&env, &file, case.existing), TRICKY, "{}", case.name);
        assert_eq!(get(&env, &file, case.number), "5432", "{}", case.name);

        // A literal keeps the format's type; --string forces a string.
        env.cmd()
            .arg("set")
            .arg(&file)
            .args([case.number, "6543"])
            .assert()
            .success();
        let json = env
            .cmd()
            .args(["get", "--json"])
            .arg(&file)
            .arg(case.number)
            .output()
            .unwrap();
        let expected = if case.name.ends_with(".env") {
            "\"6543\"\n"
        } else {
            "6543\n"
        };
        assert_eq!(
            String::from_utf8(json.stdout).unwrap(),
            expected,
            "{}",
            case.name
        );
        env.cmd()
            .args(["set", "--string"])
            .arg(&file)
            .args([case.number, "7000"])
            .assert()
            .success();
        let json = env
            .cmd()
            .args(["get", "--json"])
            .arg(&file)
            .arg(case.number)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(json.stdout).unwrap(),
            "\"7000\"\n",
            "{}",
            case.name
        );

        // Unset: gone, and the others stay.
        env.cmd()
            .arg("unset")
            .arg(&file)
            .arg(case.new)
            .assert()
            .success();
        env.cmd()
            .arg("get")
            .arg(&file)
            .arg(case.new)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "no value at '{}'",
                case.new
            )))
            .stderr(predicate::str::contains(
                "hint: paths in this file look like",
            ));
        assert_eq!(get(&env, &file, case.existing), TRICKY, "{}", case.name);
        env.cmd()
            .arg("unset")
            .arg(&file)
            .arg(case.new)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("no value at"));
    }
}

#[test]
fn set_keeps_the_files_style() {
    let env = Env::new();
    let plain = env.write(
        "style.yaml",
        "server:\n    host: 'example.org'   # public\n    port: 443\n",
    );
    let enc = env.encrypt(&plain, &[]);
    std::fs::write(&plain, enc).unwrap();
    env.cmd()
        .arg("set")
        .arg(&plain)
        .args(["server.name", "it's me"])
        .assert()
        .success();
    env.cmd()
        .arg("set")
        .arg(&plain)
        .args(["server.host", "new.example.org"])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8(env.decrypt(&plain, &[])).unwrap(),
        "server:\n    host: 'new.example.org'   # public\n    port: 443\n    name: 'it''s me'\n"
    );
}

#[test]
fn get_prints_raw_values_and_json() {
    let env = Env::new();
    let plain = env.write("g.yaml", "a:\n  b: \"x y\"\n  n: 1\n  list: [true, ~]\n");
    let enc = env.encrypt(&plain, &[]);
    std::fs::write(&plain, enc).unwrap();
    assert_eq!(get(&env, &plain, "a.b"), "x y");
    // Values that start with '-': a negative number as it is, anything else after `--`.
    env.cmd()
        .arg("set")
        .arg(&plain)
        .args(["a.n", "-5"])
        .assert()
        .success();
    env.cmd()
        .arg("set")
        .arg(&plain)
        .args(["a.banner", "--", "--- hi ---"])
        .assert()
        .success();
    assert_eq!(get(&env, &plain, "a.banner"), "--- hi ---");
    env.cmd()
        .args(["get", "--json"])
        .arg(&plain)
        .arg("a.n")
        .assert()
        .success()
        .stdout("-5\n");
    env.cmd()
        .arg("unset")
        .arg(&plain)
        .arg("a.banner")
        .assert()
        .success();
    env.cmd()
        .arg("set")
        .arg(&plain)
        .args(["a.n", "1"])
        .assert()
        .success();
    assert_eq!(get(&env, &plain, "[\"a\"][\"list\"][0]"), "true");
    env.cmd()
        .arg("get")
        .arg(&plain)
        .arg("a")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--json"));
    env.cmd()
        .args(["get", "--json"])
        .arg(&plain)
        .arg("a")
        .assert()
        .success()
        .stdout("{\n  \"b\": \"x y\",\n  \"n\": 1,\n  \"list\": [\n    true,\n    null\n  ]\n}\n");
}

#[test]
fn set_errors_say_what_to_do() {
    let env = Env::new();
    let plain = env.write("e.yaml", "a:\n  b: 1\n");
    let enc = env.encrypt(&plain, &[]);
    std::fs::write(&plain, &enc).unwrap();
    // A mapping is not a value.
    env.cmd()
        .arg("set")
        .arg(&plain)
        .args(["a", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("holds a mapping or a list"));
    // A key under a value.
    env.cmd()
        .arg("set")
        .arg(&plain)
        .args(["a.b.c", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("'a.b' holds a single value"));
    // A bad path.
    env.cmd()
        .arg("set")
        .arg(&plain)
        .args(["a..b", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hint: paths look like"));
    // No value, and nothing on standard input.
    env.cmd()
        .arg("set")
        .arg(&plain)
        .arg("a.c")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("standard input is empty"));
    // A file encrypted whole has no keys.
    let bin = env.write("blob.bin", [0u8, 1, 2]);
    let enc_bin = env.encrypt(&bin, &[]);
    std::fs::write(&bin, enc_bin).unwrap();
    env.cmd()
        .arg("set")
        .arg(&bin)
        .args(["a", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("encrypted whole"));
    // No identity: exit 6, and the file is untouched.
    env.bare_cmd()
        .arg("set")
        .arg(&plain)
        .args(["a.b", "2"])
        .assert()
        .code(6);
    assert_eq!(std::fs::read(&plain).unwrap(), enc);
}

/// `set` without a VALUE and without a terminal reads standard input, as a shell's `read`
/// does: the final line break is not part of the value (`--value-stdin` keeps it).
#[test]
fn set_without_a_value_reads_standard_input() {
    let env = Env::new();
    let f = env.write("app.yaml", "db:\n  password: old\n");
    let enc = env.encrypt(&f, &[]);
    env.write("app.yaml", enc);
    env.cmd()
        .args(["set", "app.yaml", "db.password"])
        .write_stdin("fr0m-stdin\n")
        .assert()
        .success();
    env.cmd()
        .args(["get", "app.yaml", "db.password"])
        .assert()
        .success()
        .stdout("fr0m-stdin");
    env.cmd()
        .args(["set", "app.yaml", "db.password", "--value-stdin"])
        .write_stdin("kept\n")
        .assert()
        .success();
    env.cmd()
        .args(["get", "--json", "app.yaml", "db.password"])
        .assert()
        .success()
        .stdout(predicate::str::contains("kept\\n"));
}
