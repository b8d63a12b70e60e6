//! `updatekeys`, `rotate` and `recipients add|rm`: changing who can open encrypted files,
//! with and without a new data key.

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::Env;

/// An env whose temp dir is a repository root, with `.vaultfile.yaml` giving `recipients`.
fn repo_with(recipients: &[&str]) -> Env {
    let env = Env::new();
    std::fs::create_dir_all(env.path(".git")).unwrap();
    write_config(&env, recipients);
    env
}

fn write_config(env: &Env, recipients: &[&str]) {
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
            recipients.join(", ")
        ),
    );
}

/// The lines of an encrypted file that hold a token: the values' ciphertext.
fn token_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains("VF1."))
        .map(str::to_owned)
        .collect()
}

/// Every regular file under `dir`, sorted, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(snapshot(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

/// 50 files in four formats under secrets/ (some in a subdirectory), encrypted from the
/// configuration, plus one plaintext file that updatekeys must leave alone. Returns the
/// encrypted files with their plaintext.
fn fifty_files(env: &Env) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    for i in 0..50 {
        let (name, plain) = match i % 4 {
            0 => (
                format!("secrets/app{i:02}.yaml"),
                format!("db:\n  password: pw-{i}-s3cret\n  port: {i}\n"),
            ),
            1 => (
                format!("secrets/json/app{i:02}.json"),
                format!("{{\n  \"token\": \"tok-{i}-s3cret\",\n  \"n\": {i}\n}}\n"),
            ),
            2 => (
                format!("secrets/app{i:02}.env"),
                format!("API_KEY=key-{i}-s3cret\nDEBUG=false\n"),
            ),
            _ => (
                format!("secrets/toml/app{i:02}.toml"),
                format!("[db]\npassword = \"pw-{i}-s3cret\"\n"),
            ),
        };
        let f = env.write(&name, &plain);
        let out = env.cmd().args(["encrypt", "-i"]).arg(&f).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        files.push((f, plain));
    }
    env.write("secrets/README.md", "plain notes, not encrypted\n");
    files
}

#[test]
fn updatekeys_adds_then_removes_a_recipient_over_fifty_files() {
    let alice = Env::new();
    let bob = Env::new();
    let env = repo_with(&[&alice.public]);
    let files = fifty_files(&env);
    let before = snapshot(&env.path("secrets"));

    // Add bob to the rule. --dry-run shows the plan and changes no byte.
    write_config(&env, &[&alice.public, &bob.public]);
    let out = env
        .bare_cmd()
        .args(["updatekeys", "--dry-run", "secrets"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        plan.matches(&format!("  + {}\n", super::common::shown(&bob.public)))
            .count(),
        50,
        "{plan}"
    );
    assert!(!plan.contains("  - "), "{plan}");
    assert!(plan.contains("secrets/app00.yaml\n"), "{plan}");
    assert!(
        plan.contains("dry run: 50 files would be updated, 0 up to date"),
        "{plan}"
    );
    assert!(!plan.contains("README"));
    assert_eq!(snapshot(&env.path("secrets")), before);

    // Not on a terminal and no --yes: refused, nothing written.
    env.cmd()
        .args(["updatekeys", "secrets"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --yes"));
    assert_eq!(snapshot(&env.path("secrets")), before);

    // --yes: bob can decrypt every file, and every value keeps its exact ciphertext.
    let out = alice
        .cmd()
        .current_dir(env.path(""))
        .args(["updatekeys", "--yes", "secrets"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("50 files updated, 0 up to date"),
        "{stdout}"
    );
    assert!(!stdout.contains("new data key"), "{stdout}");
    let added = snapshot(&env.path("secrets"));
    for ((path, old), (_, new)) in before.iter().zip(&added) {
        let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        if path.ends_with("README.md") {
            assert_eq!(old, new);
            continue;
        }
        assert_eq!(token_lines(&old), token_lines(&new), "{}", path.display());
        assert_ne!(old, new, "{}: bob's wrapped key was added", path.display());
    }
    for (f, plain) in &files {
        assert_eq!(bob.decrypt(f, &[]), plain.as_bytes(), "{}", f.display());
    }
    // Nothing left to do.
    let out = env
        .bare_cmd()
        .args(["updatekeys", "--yes", "secrets"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 files updated, 50 up to date"));
    assert_eq!(snapshot(&env.path("secrets")), added);

    // Remove alice: a new data key, so alice decrypts none and every token changes.
    write_config(&env, &[&bob.public]);
    let out = bob
        .cmd()
        .current_dir(env.path(""))
        .args(["updatekeys", "--yes", "secrets"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("50 files updated (50 with a new data key), 0 up to date"),
        "{stdout}"
    );
    assert_eq!(
        stdout
            .matches(&format!("  - {}\n", super::common::shown(&alice.public)))
            .count(),
        50
    );
    let removed = snapshot(&env.path("secrets"));
    for ((path, old), (_, new)) in added.iter().zip(&removed) {
        if path.ends_with("README.md") {
            continue;
        }
        let (old, new) = (
            token_lines(&String::from_utf8_lossy(old)),
            token_lines(&String::from_utf8_lossy(new)),
        );
        assert_eq!(old.len(), new.len());
        for (o, n) in old.iter().zip(&new) {
            assert_ne!(o, n, "{}: the data key changed", path.display());
        }
    }
    for (f, plain) in &files {
        alice
            .cmd()
            .arg("decrypt")
            .arg(f)
            .assert()
            .code(6)
            .stderr(predicate::str::contains("no identity can decrypt"));
        assert_eq!(bob.decrypt(f, &[]), plain.as_bytes());
    }
}

#[test]
fn updatekeys_no_rotate_keeps_the_key_and_warns() {
    let (alice, bob) = (Env::new(), Env::new());
    let env = repo_with(&[&alice.public, &bob.public]);
    let f = env.write("secrets/a.yaml", "token: abc-s3cret\n");
    env.cmd().args(["encrypt", "-i"]).arg(&f).assert().success();
    let before = std::fs::read_to_string(&f).unwrap();
    write_config(&env, &[&bob.public]);
    bob.cmd()
        .current_dir(env.path(""))
        .args(["updatekeys", "--yes", "--no-rotate", "secrets/a.yaml"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the data key was kept (--no-rotate)",
        ));
    let after = std::fs::read_to_string(&f).unwrap();
    assert_eq!(token_lines(&before), token_lines(&after));
    assert!(!after.contains(&alice.public));
    alice.cmd().arg("decrypt").arg(&f).assert().code(6);
}

#[test]
fn updatekeys_names_files_that_no_rule_covers() {
    let alice = Env::new();
    let env = repo_with(&[&alice.public]);
    let f = env.write("other/a.yaml", "token: abc-s3cret\n");
    env.cmd()
        .args(["encrypt", "-i", "-r", &alice.public])
        .arg(&f)
        .assert()
        .success();
    env.cmd()
        .args(["updatekeys", "--yes", "other"])
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains("no creation rule in")
                .and(predicate::str::contains("matches other/a.yaml")),
        );
    // A named file that is not encrypted.
    let plain = env.write("secrets/plain.yaml", "a: 1\n");
    env.cmd()
        .args(["updatekeys", "--yes"])
        .arg(&plain)
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "is not encrypted (it has no vaultfile metadata)",
        ));
}

/// The line of an encrypted file's metadata that holds the data key's creation time.
fn created(text: &str) -> String {
    text.lines()
        .find(|l| l.contains("created"))
        .unwrap()
        .to_owned()
}

#[test]
fn rotate_makes_a_new_key_and_only_rotation_changes_created() {
    let (alice, bob) = (Env::new(), Env::new());
    let plain = "db:\n  password: s3cret-one\n  user: app\n";
    let f = alice.write("db.yaml", plain);
    let enc = alice.write("db.enc.yaml", alice.encrypt(&f, &[]));
    let first = std::fs::read_to_string(&enc).unwrap();
    // A second later, re-encrypting with the baseline changes nothing, created included.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = alice
        .cmd()
        .args(["encrypt", "--baseline"])
        .arg(&enc)
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), first);

    alice
        .cmd()
        .arg("rotate")
        .arg(&enc)
        .assert()
        .success()
        .stdout(predicate::str::contains("db.enc.yaml: new data key"));
    let rotated = std::fs::read_to_string(&enc).unwrap();
    assert_ne!(created(&rotated), created(&first));
    for (a, b) in token_lines(&first).iter().zip(token_lines(&rotated)) {
        assert_ne!(*a, b);
    }
    assert_eq!(alice.decrypt(&enc, &[]), plain.as_bytes());

    // --add and --rm in the same rotation.
    alice
        .cmd()
        .args(["rotate", "--add", &bob.public, "--rm", &alice.public])
        .arg(&enc)
        .assert()
        .success()
        .stdout(
            predicate::str::contains(format!("+ {}", super::common::shown(&bob.public))).and(
                predicate::str::contains(format!("- {}", super::common::shown(&alice.public))),
            ),
        );
    assert_eq!(bob.decrypt(&enc, &[]), plain.as_bytes());
    alice.cmd().arg("decrypt").arg(&enc).assert().code(6);
    bob.bare_cmd()
        .arg("recipients")
        .arg(&enc)
        .assert()
        .stdout(format!("{}\n", bob.public));
    // Removing someone who is not a recipient changes nothing.
    let before = std::fs::read(&enc).unwrap();
    bob.cmd()
        .args(["rotate", "--rm", &alice.public])
        .arg(&enc)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("is not a recipient of"));
    assert_eq!(std::fs::read(&enc).unwrap(), before);
}

#[test]
fn recipients_add_keeps_the_key_and_rm_rotates() {
    let (alice, bob) = (Env::new(), Env::new());
    let plain = "API_KEY=abc-s3cret\nDEBUG=1\n";
    let f1 = alice.write("a.env", plain);
    let f2 = alice.write("b.env", plain);
    for f in [&f1, &f2] {
        alice
            .cmd()
            .args(["encrypt", "-i", "-r", &alice.public])
            .arg(f)
            .assert()
            .success();
    }
    let before = std::fs::read_to_string(&f1).unwrap();
    alice
        .cmd()
        .args(["recipients", "add"])
        .arg(&f1)
        .arg(&f2)
        .arg(&bob.public)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "a.env: + {}",
            super::common::shown(&bob.public)
        )));
    let added = std::fs::read_to_string(&f1).unwrap();
    assert_eq!(token_lines(&before), token_lines(&added));
    assert_eq!(created(&before), created(&added));
    for f in [&f1, &f2] {
        assert_eq!(bob.decrypt(f, &[]), plain.as_bytes());
    }
    // `recipients list` and the bare form agree.
    let list = |args: &[&str]| {
        let out = alice.bare_cmd().args(args).arg(&f1).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let expected = format!("{}\n{}\n", alice.public, bob.public);
    assert_eq!(list(&["recipients"]), expected);
    assert_eq!(list(&["recipients", "list"]), expected);
    // Adding again changes nothing.
    alice
        .cmd()
        .args(["recipients", "add"])
        .arg(&f1)
        .arg(&bob.public)
        .assert()
        .success()
        .stderr(predicate::str::contains("is already a recipient"));
    assert_eq!(std::fs::read_to_string(&f1).unwrap(), added);

    bob.cmd()
        .args(["recipients", "rm"])
        .arg(&f1)
        .arg(&alice.public)
        .assert()
        .success()
        .stdout(predicate::str::contains("a.env: new data key"));
    let removed = std::fs::read_to_string(&f1).unwrap();
    for (a, b) in token_lines(&added).iter().zip(token_lines(&removed)) {
        assert_ne!(*a, b);
    }
    alice.cmd().arg("decrypt").arg(&f1).assert().code(6);
    assert_eq!(bob.decrypt(&f1, &[]), plain.as_bytes());
    // The last recipient cannot be removed.
    bob.cmd()
        .args(["recipients", "rm"])
        .arg(&f1)
        .arg(&bob.public)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("would have no recipient left"));
    // --no-rotate keeps the key.
    let kept = std::fs::read_to_string(&f2).unwrap();
    bob.cmd()
        .args(["recipients", "rm", "--no-rotate"])
        .arg(&f2)
        .arg(&alice.public)
        .assert()
        .success();
    assert_eq!(
        token_lines(&kept),
        token_lines(&std::fs::read_to_string(&f2).unwrap())
    );
}

/// A file whose recipients are not its rule's (someone added one of their own): `decrypt`
/// and `get` warn, naming the recipient, and the next write (`set`) puts the rule's back,
/// with a new data key that the extra recipient cannot open.
#[test]
fn decrypt_warns_of_a_recipient_outside_the_rule_and_the_next_write_drops_it() {
    let env = repo_with(&[]);
    write_config(&env, &[&env.public]);
    let mallory = Env::new();
    let f = env.write("secrets/app.yaml", "db:\n  password: hunter2\n");
    let enc = env.encrypt(&f, &["-r", &env.public, "-r", &mallory.public]);
    env.write("secrets/app.yaml", &enc);
    let warning = format!("recipient {} is not in its rule", mallory.public);
    env.cmd()
        .args(["decrypt", "secrets/app.yaml"])
        .assert()
        .success()
        .stderr(predicate::str::contains(&warning).and(predicate::str::contains("updatekeys")));
    env.cmd()
        .args(["get", "secrets/app.yaml", "db.password"])
        .assert()
        .success()
        .stderr(predicate::str::contains(&warning));
    env.cmd()
        .args(["set", "secrets/app.yaml", "db.password", "--value-stdin"])
        .write_stdin("new-password")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "recipients made to match its rule",
        ));
    mallory
        .cmd()
        .args(["decrypt"])
        .arg(env.path("secrets/app.yaml"))
        .assert()
        .code(6);
    env.cmd()
        .args(["decrypt", "secrets/app.yaml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("not in its rule").not());
}
