//! File format 2 through the binary: committed version-1 files still open (with a warning
//! that says what is not authenticated and how to upgrade), `vaultfile upgrade` rewrites
//! them in format 2 keeping every value's ciphertext, and a change outside the values of a
//! format-2 file is a failed integrity check for every command that checks one.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::{Env, fixtures_dir};

/// The committed version-1 files (made by vaultfile before format 2) and their plaintext.
const V1: [(&str, &str); 5] = [
    ("anchors.yaml", "plain-anchors.yaml"),
    ("app-config.toml", "plain-app-config.toml"),
    ("appsettings.json", "plain-appsettings.json"),
    ("laravel.env", "plain-laravel.env"),
    ("blob.bin", "plain-blob.bin"),
];

fn v1_dir() -> PathBuf {
    fixtures_dir().join("v1")
}

/// Copies the version-1 files into `env`'s directory; returns the test-only key's path.
fn copy_v1(env: &Env) -> PathBuf {
    for (enc, _) in V1 {
        env.write(enc, std::fs::read(v1_dir().join(enc)).unwrap());
    }
    v1_dir().join("test-only-key.txt")
}

fn version_of(text: &str) -> u32 {
    for line in text.lines() {
        let l = line.trim_start_matches("#vaultfile:").trim();
        for prefix in ["version: ", "version = ", "\"version\": "] {
            if let Some(v) = l.strip_prefix(prefix) {
                return v.trim_end_matches(',').trim().parse().unwrap();
            }
        }
        if let Some(i) = l.find("\"version\":") {
            let rest = &l[i + 10..];
            let end = rest.find(|c: char| !c.is_ascii_digit()).unwrap();
            return rest[..end].parse().unwrap();
        }
    }
    panic!("no version in\n{text}")
}

/// The lines holding tokens: what must not change when a file is upgraded.
fn token_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.contains("VF1.") && !l.contains("vaultfile"))
        .collect()
}

fn input_type(name: &str) -> &'static str {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("bin") => "binary",
        _ => "auto",
    }
}

fn decrypt_args<'a>(name: &'a str, args: &mut Vec<&'a str>) {
    args.push("decrypt");
    if input_type(name) == "binary" {
        args.extend(["--input-type", "binary"]);
    }
    args.push(name);
}

#[test]
fn version_1_fixtures_decrypt_with_a_warning_that_says_how_to_upgrade() {
    let env = Env::new();
    let key = copy_v1(&env);
    for (enc, plain) in V1 {
        assert_eq!(
            version_of(&String::from_utf8_lossy(
                &std::fs::read(env.path(enc)).unwrap()
            )),
            1
        );
        let mut args = Vec::new();
        decrypt_args(enc, &mut args);
        env.bare_cmd()
            .env("VAULTFILE_AGE_KEY_FILE", &key)
            .args(&args)
            .assert()
            .success()
            .stdout(std::fs::read(v1_dir().join(plain)).unwrap())
            .stderr(
                predicate::str::contains(format!("{enc} is in vaultfile file format 1"))
                    .and(predicate::str::contains("comments, layout"))
                    .and(predicate::str::contains(format!("vaultfile upgrade {enc}"))),
            );
    }
    // status and keys check say so too, without failing.
    env.bare_cmd()
        .env("VAULTFILE_AGE_KEY_FILE", &key)
        .args(["status", "anchors.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("yaml (v1)").and(predicate::str::contains("verified")))
        .stderr(predicate::str::contains("vaultfile upgrade"));
    env.bare_cmd()
        .env("VAULTFILE_AGE_KEY_FILE", &key)
        .args(["keys", "check", "anchors.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("file format 1"));
}

#[test]
fn upgrade_rewrites_version_1_files_keeping_every_token_and_then_has_nothing_to_do() {
    let env = Env::new();
    let key = copy_v1(&env);
    let before: Vec<String> = V1
        .iter()
        .map(|(enc, _)| std::fs::read_to_string(env.path(enc)).unwrap())
        .collect();
    // --dry-run lists and writes nothing.
    env.bare_cmd()
        .env("VAULTFILE_AGE_KEY_FILE", &key)
        .args(["upgrade", "--dry-run", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "anchors.yaml: format 1 (would upgrade)",
        ));
    assert_eq!(
        std::fs::read_to_string(env.path("anchors.yaml")).unwrap(),
        before[0]
    );
    env.bare_cmd()
        .env("VAULTFILE_AGE_KEY_FILE", &key)
        .args(["upgrade", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains("anchors.yaml: format 1 → 2"));
    for ((enc, plain), old) in V1.iter().zip(&before) {
        let new = std::fs::read_to_string(env.path(enc)).unwrap();
        assert_eq!(version_of(&new), 2, "{enc}");
        assert_eq!(token_lines(&new), token_lines(old), "{enc}: tokens changed");
        let mut args = Vec::new();
        decrypt_args(enc, &mut args);
        env.bare_cmd()
            .env("VAULTFILE_AGE_KEY_FILE", &key)
            .args(&args)
            .assert()
            .success()
            .stdout(std::fs::read(v1_dir().join(plain)).unwrap())
            .stderr(predicate::str::contains("format 1").not());
    }
    // Once more: nothing to do, and it says so.
    env.bare_cmd()
        .env("VAULTFILE_AGE_KEY_FILE", &key)
        .args(["upgrade", "."])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "nothing to upgrade: 5 encrypted files under ., every one in format 2",
        ));
    // An upgraded file edited outside its values is now refused.
    let text = std::fs::read_to_string(env.path("anchors.yaml")).unwrap();
    env.write("anchors.yaml", format!("# added\n{text}"));
    env.bare_cmd()
        .env("VAULTFILE_AGE_KEY_FILE", &key)
        .args(["decrypt", "anchors.yaml"])
        .assert()
        .code(7)
        .stdout("");
}

#[test]
fn a_version_2_file_relabelled_version_1_is_refused() {
    let env = Env::new();
    let f = env.write("a.yaml", "# comment\npassword: hunter2\n");
    let enc = String::from_utf8(env.encrypt(&f, &[])).unwrap();
    assert!(enc.contains("  version: 2\n"));
    // Relabelled, so that only the values would be checked: the version-1 MAC is another
    // subkey's and the file's MAC does not verify as one.
    let relabelled = enc.replace("  version: 2\n", "  version: 1\n");
    let p = env.write("b.yaml", relabelled.replace("# comment", "# edited"));
    env.cmd()
        .arg("decrypt")
        .arg(&p)
        .assert()
        .code(7)
        .stdout("")
        .stderr(predicate::str::contains("integrity check failed"));
    let p = env.write("c.yaml", enc.replace("  version: 2\n", "  version: 3\n"));
    env.cmd()
        .arg("decrypt")
        .arg(&p)
        .assert()
        .failure()
        .stdout("")
        .stderr(predicate::str::contains("version 3"));
}

#[test]
fn status_and_keys_check_report_a_comment_edit_as_a_failed_integrity_check() {
    let env = Env::new();
    let f = env.write("a.yaml", "db:\n  password: hunter2  # rotate monthly\n");
    let enc = String::from_utf8(env.encrypt(&f, &[])).unwrap();
    env.write("a.yaml", enc.replace("# rotate monthly", "# rotate yearly"));
    env.cmd()
        .args(["status", "a.yaml"])
        .assert()
        .code(7)
        .stdout(predicate::str::contains("failed"));
    env.cmd()
        .args(["keys", "check", "a.yaml"])
        .assert()
        .code(7)
        .stdout(predicate::str::contains("FAILED its integrity check"))
        .stderr(predicate::str::contains("failed its integrity check"));
}

#[test]
fn crlf_line_endings_from_a_checkout_keep_a_file_valid_but_a_lone_cr_does_not() {
    let env = Env::new();
    let plain = "# settings\ndb:\n  password: hunter2\n";
    let f = env.write("a.yaml", plain);
    let enc = String::from_utf8(env.encrypt(&f, &[])).unwrap();
    // What core.autocrlf does on checkout: every LF becomes CR LF.
    let p = env.write("crlf.yaml", enc.replace('\n', "\r\n"));
    env.cmd()
        .arg("decrypt")
        .arg(&p)
        .assert()
        .success()
        .stdout(plain.replace('\n', "\r\n"));
    // A lone CR in a comment is a line break to some parsers: authenticated as itself.
    let p = env.write("cr.yaml", enc.replace("# settings", "# settings\rextra: 1"));
    env.cmd().arg("decrypt").arg(&p).assert().code(7).stdout("");
}

/// Every wrapped key is in the MAC: a damaged stanza of another recipient is reported when
/// any recipient opens the file, not skipped until that recipient needs it.
#[test]
fn a_damaged_wrapped_key_of_another_recipient_is_reported() {
    let env = Env::new();
    let other = Env::new();
    let f = env.write("a.yaml", "password: hunter2\n");
    let enc = String::from_utf8(env.encrypt(&f, &["-r", &other.public])).unwrap();
    let at = enc.rfind("key: \"YWdl").unwrap() + 20;
    let mut bytes = enc.into_bytes();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let p = env.write("b.yaml", bytes);
    env.cmd()
        .arg("decrypt")
        .arg(&p)
        .assert()
        .code(7)
        .stdout("")
        .stderr(predicate::str::contains("integrity check failed"));
}
