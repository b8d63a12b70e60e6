//! `vaultfile status`: data-key age, key holders and integrity per file, `--json` and
//! `--max-age`. Files are encrypted and rotated "at" different times through
//! `VAULTFILE_TEST_NOW`, the clock override meant for tests only.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::common::{Env, fixtures_dir};

const NOW_VAR: &str = "VAULTFILE_TEST_NOW";

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `vaultfile encrypt -i FILE` to this env's key, at `when`.
fn encrypt_at(env: &Env, file: &Path, when: &str) {
    let out = env
        .cmd()
        .env(NOW_VAR, when)
        .args(["encrypt", "-i", "-r", &env.public])
        .arg(file)
        .output()
        .unwrap();
    ok(&out, "encrypt");
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn file<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in {report:#}"))
}

/// Three files encrypted in January, April and (rotated) May; a recipient added in May
/// without rotation.
fn three_files() -> Env {
    let env = Env::new();
    let a = env.write("s/a.yaml", "db:\n  password: hunter2\n");
    let b = env.write("s/b.json", "{\n  \"token\": \"tok-1\"\n}\n");
    let c = env.write("s/c.env", "API_KEY=k-1\n");
    env.write("s/notes.txt", "not a secret\n");
    encrypt_at(&env, &a, "2026-01-01T00:00:00Z");
    encrypt_at(&env, &b, "2026-04-01T00:00:00Z");
    encrypt_at(&env, &c, "2026-01-15T00:00:00Z");
    let out = env
        .cmd()
        .env(NOW_VAR, "2026-05-01T12:00:00Z")
        .args(["rotate"])
        .arg(&c)
        .output()
        .unwrap();
    ok(&out, "rotate");
    // Adding a recipient keeps the data key, so its creation time stays.
    let other = env.path("other.txt");
    let out = env
        .bare_cmd()
        .args(["keygen", "-o"])
        .arg(&other)
        .output()
        .unwrap();
    ok(&out, "keygen");
    let other_public = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Public key: ").map(str::to_owned))
        .unwrap();
    let out = env
        .cmd()
        .env(NOW_VAR, "2026-05-10T00:00:00Z")
        .args(["recipients", "add"])
        .arg(&b)
        .arg(&other_public)
        .output()
        .unwrap();
    ok(&out, "recipients add");
    std::fs::write(env.path("other.pub"), other_public).unwrap();
    env
}

#[test]
fn json_reports_each_files_data_key_age_and_integrity() {
    let env = three_files();
    let other_public = std::fs::read_to_string(env.path("other.pub")).unwrap();
    let out = env
        .cmd()
        .env(NOW_VAR, "2026-06-01T00:00:00Z")
        .args(["status", "--json", "s"])
        .output()
        .unwrap();
    ok(&out, "status --json");
    let r = json_of(&out);
    assert_eq!(r["version"], 1);
    assert_eq!(r["now"], "2026-06-01T00:00:00Z");
    assert_eq!(r["max_age"], Value::Null);
    assert_eq!(r["max_age_seconds"], Value::Null);
    // Only the encrypted files, in path order; notes.txt is not listed.
    let paths: Vec<&str> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["s/a.yaml", "s/b.json", "s/c.env"]);

    let a = file(&r, "s/a.yaml");
    assert_eq!(a["source"], "file");
    assert_eq!(a["format"], "yaml");
    assert_eq!(a["recipients"], serde_json::json!([env.public]));
    assert_eq!(a["key_groups"], serde_json::json!([[env.public]]));
    assert_eq!(a["threshold"], 1);
    assert_eq!(a["data_key_created"], "2026-01-01T00:00:00Z");
    assert_eq!(a["data_key_age_days"], 151);
    assert_eq!(a["data_key_age_seconds"], 151 * 86_400);
    assert_eq!(a["last_modified"], Value::Null);
    assert_eq!(a["integrity"], "verified");
    assert_eq!(a["detail"], Value::Null);
    assert_eq!(a["stale"], false);

    // A recipient added in May: the data key (and its date) stayed.
    let b = file(&r, "s/b.json");
    assert_eq!(b["format"], "json");
    assert_eq!(
        b["recipients"],
        serde_json::json!([env.public, other_public])
    );
    assert_eq!(b["data_key_created"], "2026-04-01T00:00:00Z");
    assert_eq!(b["data_key_age_days"], 61);

    // Encrypted in January, rotated on 1 May at noon: 30 days and 12 hours old.
    let c = file(&r, "s/c.env");
    assert_eq!(c["format"], "dotenv");
    assert_eq!(c["data_key_created"], "2026-05-01T12:00:00Z");
    assert_eq!(c["data_key_age_days"], 30);
    assert_eq!(c["data_key_age_seconds"], 30 * 86_400 + 12 * 3_600);

    let s = &r["summary"];
    assert_eq!(s["files"], 3);
    assert_eq!(s["verified"], 3);
    for k in [
        "sealed",
        "no_key",
        "failed",
        "not_encrypted",
        "error",
        "stale",
    ] {
        assert_eq!(s[k], 0, "{k}");
    }
    assert_eq!(s["oldest_data_key_age_days"], 151);
}

#[test]
fn max_age_exits_1_and_lists_the_files_due_for_rotation() {
    let env = three_files();
    let run = |max: &str, json: bool| {
        let mut c = env.cmd();
        c.env(NOW_VAR, "2026-06-01T00:00:00Z")
            .args(["status", "--max-age", max, "s"]);
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    // 90 days: only a.yaml (151 days) is stale.
    let out = run("90d", true);
    assert_eq!(out.status.code(), Some(1));
    let r = json_of(&out);
    assert_eq!(r["max_age"], "90d");
    assert_eq!(r["max_age_seconds"], 90 * 86_400);
    assert_eq!(file(&r, "s/a.yaml")["stale"], true);
    assert_eq!(file(&r, "s/b.json")["stale"], false);
    assert_eq!(file(&r, "s/c.env")["stale"], false);
    assert_eq!(r["summary"]["stale"], 1);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("s/a.yaml: data key is 151 days old (max 90d)"),
        "{err}"
    );
    assert!(
        !err.contains("s/b.json") && !err.contains("s/c.env"),
        "{err}"
    );
    assert!(err.contains("vaultfile rotate"), "{err}");

    // 45 days: b.json (61 days) too; c.env (30 days) still fresh. The table marks them.
    let out = run("45d", false);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8(out.stdout).unwrap();
    let line = |p: &str| table.lines().find(|l| l.starts_with(p)).unwrap().to_owned();
    assert!(line("s/a.yaml").contains("151d STALE"), "{table}");
    assert!(line("s/b.json").contains("61d STALE"), "{table}");
    assert!(!line("s/c.env").contains("STALE"), "{table}");
    assert!(line("s/c.env").contains("2026-05-01"), "{table}");
    assert!(
        table.contains("3 files: 3 verified; 2 with a data key older than 45d"),
        "{table}"
    );

    // A year: nothing is stale, exit 0. `1y` and `26w` are durations too.
    for max in ["1y", "26w"] {
        let out = run(max, false);
        assert_eq!(out.status.code(), Some(0), "{max}");
    }
    // A number without a unit is refused rather than guessed.
    let out = run("90", false);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("write 90d"));
}

#[test]
fn without_the_key_the_keyless_check_and_a_tampered_file_fails() {
    let env = three_files();
    // No identity at all: every file is only checked without a key.
    let out = env
        .bare_cmd()
        .env(NOW_VAR, "2026-06-01T00:00:00Z")
        .args(["status", "--json", "s"])
        .output()
        .unwrap();
    ok(&out, "status without a key");
    let r = json_of(&out);
    for f in r["files"].as_array().unwrap() {
        assert_eq!(f["integrity"], "sealed", "{f:#}");
        assert!(
            f["detail"].as_str().unwrap().contains("no identity"),
            "{f:#}"
        );
        // The metadata is still read: recipients and the data key's date.
        assert_eq!(f["recipients"][0], env.public.as_str());
        assert!(f["data_key_created"].is_string());
    }
    assert_eq!(r["summary"]["sealed"], 3);

    // One value put back in plaintext: fails with the key and without it; exit 7.
    let a = env.path("s/a.yaml");
    let text = std::fs::read_to_string(&a).unwrap();
    let token_line = text
        .lines()
        .find(|l| l.contains("password:"))
        .unwrap()
        .to_owned();
    std::fs::write(&a, text.replace(&token_line, "  password: hunter2")).unwrap();
    for keyed in [true, false] {
        let mut c = if keyed { env.cmd() } else { env.bare_cmd() };
        let out = c.args(["status", "--json", "s"]).output().unwrap();
        assert_eq!(out.status.code(), Some(7), "keyed: {keyed}");
        let r = json_of(&out);
        let a = file(&r, "s/a.yaml");
        assert_eq!(a["integrity"], "failed");
        assert!(a["detail"].as_str().unwrap().contains("password"), "{a:#}");
        assert_eq!(r["summary"]["failed"], 1);
        // The other files are still reported.
        assert_eq!(r["files"].as_array().unwrap().len(), 3);
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("s/a.yaml: failed"), "{err}");
    }

    // The data key's date moved forward by hand, to look freshly rotated: the MAC covers
    // it, so a key holder sees the forgery.
    let b = env.path("s/b.json");
    let text = std::fs::read_to_string(&b).unwrap();
    std::fs::write(
        &b,
        text.replace("2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z"),
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["status", "--json"])
        .arg(&b)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(json_of(&out)["files"][0]["integrity"], "failed");
}

#[test]
fn a_sops_file_has_no_known_data_key_age() {
    let env = Env::new();
    let src = fixtures_dir().join("sops/getsops-sops/age-pr1031/example.yaml");
    let f = env.path("example.yaml");
    std::fs::copy(&src, &f).unwrap();
    let key = fixtures_dir().join("sops/getsops-sops/age-pr1031/age/keys.txt");
    let out = env
        .bare_cmd()
        .env("SOPS_AGE_KEY_FILE", &key)
        .env(NOW_VAR, "2026-06-01T00:00:00Z")
        .args(["status", "--json", "--max-age", "90d", "example.yaml"])
        .output()
        .unwrap();
    // Unknown age counts as stale: there is no evidence of a rotation.
    assert_eq!(out.status.code(), Some(1));
    let r = json_of(&out);
    let s = file(&r, "example.yaml");
    assert_eq!(s["format"], "sops-yaml");
    assert_eq!(s["integrity"], "verified");
    assert_eq!(s["data_key_created"], Value::Null);
    assert_eq!(s["data_key_age_days"], Value::Null);
    assert_eq!(s["last_modified"], "2022-03-15T22:11:15Z");
    assert_eq!(s["stale"], true);
    assert!(
        s["recipients"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw")
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("example.yaml: data key age unknown"), "{err}");
}

#[test]
fn named_files_that_are_not_encrypted_or_missing_are_reported_per_file() {
    let env = Env::new();
    let a = env.write("a.yaml", "k: v\n");
    encrypt_at(&env, &a, "2026-01-01T00:00:00Z");
    env.write("plain.yaml", "k: v\n");
    let out = env
        .cmd()
        .env(NOW_VAR, "2026-01-02T00:00:00Z")
        .args(["status", "--json", "plain.yaml", "missing.yaml", "a.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r = json_of(&out);
    assert_eq!(file(&r, "plain.yaml")["integrity"], "not-encrypted");
    assert_eq!(file(&r, "missing.yaml")["integrity"], "error");
    assert_eq!(file(&r, "a.yaml")["integrity"], "verified");
    assert_eq!(file(&r, "a.yaml")["data_key_age_days"], 1);
}

#[test]
fn key_groups_and_threshold_are_reported() {
    let env = Env::new();
    let out = env
        .bare_cmd()
        .args(["keygen", "-o", "k2.txt"])
        .output()
        .unwrap();
    ok(&out, "keygen");
    let second = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Public key: ").map(str::to_owned))
        .unwrap();
    std::fs::create_dir_all(env.path(".git")).unwrap();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - [{}]\n      - [{second}]\n    threshold: 1\n",
            env.public
        ),
    );
    let f = env.write("g.yaml", "k: v\n");
    let out = env
        .cmd()
        .env(NOW_VAR, "2026-02-01T00:00:00Z")
        .args(["encrypt", "-i"])
        .arg(&f)
        .output()
        .unwrap();
    ok(&out, "encrypt with key groups");
    let out = env
        .cmd()
        .env(NOW_VAR, "2026-02-11T00:00:00Z")
        .args(["status", "--json", "g.yaml"])
        .output()
        .unwrap();
    ok(&out, "status");
    let r = json_of(&out);
    let g = file(&r, "g.yaml");
    assert_eq!(g["key_groups"], serde_json::json!([[env.public], [second]]));
    assert_eq!(g["recipients"], serde_json::json!([env.public, second]));
    assert_eq!(g["threshold"], 1);
    assert_eq!(g["data_key_age_days"], 10);
    assert_eq!(g["integrity"], "verified");
    let out = env
        .cmd()
        .env(NOW_VAR, "2026-02-11T00:00:00Z")
        .args(["status", "g.yaml"])
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("1 of 2 groups: ["), "{table}");
}

/// A repository set up with `vaultfile git init` holds plaintext in its work tree: status
/// reads what git stores, and flags a protected file committed in plaintext.
#[test]
fn in_a_git_repository_the_stored_version_is_reported() {
    let env = Env::new();
    let repo = env.path("repo");
    std::fs::create_dir_all(repo.join("secrets")).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let git_at = |args: &[&str], now: Option<&str>| {
        let mut c = std::process::Command::new("git");
        c.args(["-c", "user.name=T", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&repo)
            .env("HOME", env.dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1");
        if let Some(now) = now {
            // The filter runs: it needs the key, which the env keeps outside HOME.
            c.env(NOW_VAR, now)
                .env("VAULTFILE_AGE_KEY_FILE", &env.key_file);
        }
        let out = c.output().unwrap();
        ok(&out, &format!("git {args:?}"));
    };
    let git = |args: &[&str]| git_at(args, None);
    let vf = |args: &[&str], now: &str| {
        env.cmd()
            .env("PATH", &path)
            .env(NOW_VAR, now)
            .current_dir(&repo)
            .args(args)
            .output()
            .unwrap()
    };
    git(&["init", "-q"]);
    std::fs::write(
        repo.join(".vaultfile.yaml"),
        format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
            env.public
        ),
    )
    .unwrap();
    std::fs::write(repo.join("secrets/db.yaml"), "password: hunter2\n").unwrap();
    std::fs::write(repo.join("secrets/leak.env"), "TOKEN=oops\n").unwrap();
    std::fs::write(repo.join("README"), "hello\n").unwrap();
    let out = vf(
        &["encrypt", "-i", "secrets/db.yaml"],
        "2026-02-01T00:00:00Z",
    );
    ok(&out, "encrypt");
    git(&["add", "-A"]);
    git(&["commit", "-qm", "one"]);
    let out = vf(&["git", "init"], "2026-02-01T00:00:00Z");
    ok(&out, "git init");
    // The work tree now holds the plaintext.
    assert_eq!(
        std::fs::read_to_string(repo.join("secrets/db.yaml")).unwrap(),
        "password: hunter2\n"
    );
    // A new file encrypted by git's clean filter gets its data key dated by the test
    // clock too (git passes its environment to the filter).
    std::fs::write(repo.join("secrets/new.yaml"), "token: t0k3n\n").unwrap();
    git_at(&["add", "secrets/new.yaml"], Some("2026-02-15T00:00:00Z"));

    let out = vf(&["status", "--json"], "2026-03-01T00:00:00Z");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json_of(&out);
    let paths: Vec<&str> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["secrets/db.yaml", "secrets/leak.env", "secrets/new.yaml"]
    );
    let new = file(&r, "secrets/new.yaml");
    assert_eq!(new["source"], "index");
    assert_eq!(new["data_key_created"], "2026-02-15T00:00:00Z", "{new:#}");
    assert_eq!(new["data_key_age_days"], 14);
    let db = file(&r, "secrets/db.yaml");
    assert_eq!(db["source"], "index");
    assert_eq!(db["format"], "yaml");
    assert_eq!(db["data_key_created"], "2026-02-01T00:00:00Z");
    assert_eq!(db["data_key_age_days"], 28);
    assert_eq!(db["integrity"], "verified");
    let leak = file(&r, "secrets/leak.env");
    assert_eq!(leak["source"], "index");
    assert_eq!(leak["integrity"], "not-encrypted");
    assert!(
        leak["detail"].as_str().unwrap().contains("plaintext"),
        "{leak:#}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("secrets/leak.env: not-encrypted"), "{err}");

    // A PATH inside the repository reads the stored version too; the table says so.
    let out = vf(&["status", "secrets/db.yaml"], "2026-03-01T00:00:00Z");
    ok(&out, "status secrets/db.yaml");
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("secrets/db.yaml (index)"), "{table}");
}

#[test]
fn the_test_clock_is_refused_when_malformed_and_documented_as_test_only() {
    let env = Env::new();
    let f = env.write("a.yaml", "k: v\n");
    let out = env
        .cmd()
        .env(NOW_VAR, "last tuesday")
        .args(["encrypt", "-i", "-r", &env.public])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("VAULTFILE_TEST_NOW"), "{err}");
    assert!(err.contains("tests only"), "{err}");
    // Nothing was written.
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "k: v\n");
    let out = env
        .cmd()
        .env(NOW_VAR, "2026-99-01")
        .args(["status", "a.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.contains("VAULTFILE_TEST_NOW"))
        .expect("the README documents VAULTFILE_TEST_NOW");
    assert!(line.contains("tests only"), "{line}");
}
