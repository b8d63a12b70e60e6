//! Key groups with a Shamir threshold: one recipient from each of `threshold` groups is
//! needed to decrypt.

use predicates::prelude::*;

use crate::common::Env;

const PLAIN: &str = "\
database:
  user: app
  password: s3cr3t-pa55word
  port: 5432
";

/// A repository whose configuration splits the key into three groups, two needed:
/// group 1 is alice and bob, group 2 carol, group 3 dave. Returns the repo env (which
/// holds none of those keys) and the four people.
fn two_of_three() -> (Env, [Env; 4]) {
    let env = Env::new();
    std::fs::create_dir_all(env.path(".git")).unwrap();
    let people = [Env::new(), Env::new(), Env::new(), Env::new()];
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: \\.yaml$\n    key_groups:\n      - [{}, {}]\n      - [{}]\n      - [{}]\n    threshold: 2\n",
            people[0].public, people[1].public, people[2].public, people[3].public
        ),
    );
    (env, people)
}

fn encrypt_in_place(env: &Env, name: &str) -> std::path::PathBuf {
    let f = env.write(name, PLAIN);
    env.bare_cmd()
        .args(["encrypt", "-i"])
        .arg(&f)
        .assert()
        .success();
    f
}

/// `decrypt` with exactly the key files of `who` (-I each) and no other identity.
fn decrypt_with(env: &Env, who: &[&Env], file: &std::path::Path) -> std::process::Output {
    let mut c = env.bare_cmd();
    c.arg("decrypt");
    for p in who {
        c.arg("-I").arg(&p.key_file);
    }
    c.arg(file).output().unwrap()
}

#[test]
fn any_two_groups_decrypt_and_one_does_not() {
    let (env, [alice, bob, carol, dave]) = two_of_three();
    let f = encrypt_in_place(&env, "db.yaml");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(!text.contains("s3cr3t") && text.contains("threshold: 2"));
    for pair in [
        [&alice, &carol],
        [&bob, &carol],
        [&alice, &dave],
        [&carol, &dave],
        [&dave, &bob],
    ] {
        let out = decrypt_with(&env, &pair, &f);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, PLAIN.as_bytes());
    }
    // One group, even with both of its members, is not enough.
    for (who, group) in [
        (vec![&alice], 1),
        (vec![&alice, &bob], 1),
        (vec![&carol], 2),
        (vec![&dave], 3),
    ] {
        let out = decrypt_with(&env, &who, &f);
        assert_eq!(out.status.code(), Some(6));
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "the file needs 2 of its 3 key groups and the identities at hand open only 1 (group {group}): 1 more group is needed"
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!("key group {group} (opened)")),
            "{err}"
        );
    }
    // No identity at all: none of the groups.
    let out = decrypt_with(&env, &[], &f);
    assert_eq!(out.status.code(), Some(6));
    assert!(String::from_utf8_lossy(&out.stderr).contains("open none: 2 more groups are needed"));
}

#[test]
fn grouped_files_re_encrypt_byte_identically_and_list_their_groups() {
    let (env, [alice, _bob, carol, dave]) = two_of_three();
    let f = encrypt_in_place(&env, "db.yaml");
    let enc = std::fs::read(&f).unwrap();
    let plain = env.write("plain.yaml", PLAIN);
    let mut c = env.bare_cmd();
    c.args(["encrypt", "--baseline"]).arg(&f);
    c.args(["-I"])
        .arg(&alice.key_file)
        .args(["-I"])
        .arg(&dave.key_file);
    let out = c.arg(&plain).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, enc, "clean(smudge(B)) == B for a grouped file");

    let listed = env.bare_cmd().arg("recipients").arg(&f).output().unwrap();
    let listed = String::from_utf8(listed.stdout).unwrap();
    assert!(
        listed.starts_with(&format!(
            "# key group 1 of 3 (2 needed)\n{}\n",
            alice.public
        )),
        "{listed}"
    );
    assert!(listed.contains(&format!(
        "# key group 2\n{}\n# key group 3\n{}\n",
        carol.public, dave.public
    )));
}

#[test]
fn updatekeys_and_recipients_add_work_on_key_groups() {
    let (env, [alice, bob, carol, dave]) = two_of_three();
    let f = encrypt_in_place(&env, "db.yaml");
    let tokens = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.contains("VF1."))
            .map(str::to_owned)
            .collect()
    };
    let before = std::fs::read_to_string(&f).unwrap();
    // erin joins group 2 through the configuration: same data key.
    let erin = Env::new();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: \\.yaml$\n    key_groups:\n      - [{}, {}]\n      - [{}, {}]\n      - [{}]\n    threshold: 2\n",
            alice.public, bob.public, carol.public, erin.public, dave.public
        ),
    );
    let mut c = env.bare_cmd();
    c.args(["updatekeys", "--yes", "-I"]).arg(&alice.key_file);
    c.arg("-I").arg(&dave.key_file).arg(&f);
    c.assert().success().stdout(
        predicate::str::contains(format!(
            "  + {}  (group 2)",
            super::common::shown(&erin.public)
        ))
        .and(predicate::str::contains("1 file updated, 0 up to date")),
    );
    let after = std::fs::read_to_string(&f).unwrap();
    assert_eq!(tokens(&before), tokens(&after));
    let out = decrypt_with(&env, &[&erin, &bob], &f);
    assert_eq!(out.stdout, PLAIN.as_bytes());
    // erin and carol are one group: not enough.
    assert_eq!(
        decrypt_with(&env, &[&erin, &carol], &f).status.code(),
        Some(6)
    );

    // An ad-hoc addition to a file that a rule covers is refused: the rule says who may
    // read it, and the next write would undo the change.
    let frank = Env::new();
    env.bare_cmd()
        .args(["recipients", "add", "--group", "3"])
        .arg(&f)
        .arg(&frank.public)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("recipients come from its rule at")
                .and(predicate::str::contains("vaultfile updatekeys")),
        );
    // Without a rule, an ad-hoc addition to group 3.
    std::fs::remove_file(env.path(".vaultfile.yaml")).unwrap();
    let mut c = env.bare_cmd();
    c.args(["recipients", "add", "--group", "3", "-I"])
        .arg(&alice.key_file);
    c.arg("-I").arg(&carol.key_file).arg(&f).arg(&frank.public);
    c.assert().success();
    assert_eq!(
        decrypt_with(&env, &[&frank, &erin], &f).stdout,
        PLAIN.as_bytes()
    );
    // Without --group the file's groups are named.
    env.bare_cmd()
        .args(["recipients", "add"])
        .arg(&f)
        .arg(&Env::new().public)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has 3 key groups: say which one"));

    // Dropping to flat recipients changes the shape: a new data key.
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: \\.yaml$\n    recipients: [{}]\n",
            alice.public
        ),
    );
    let mut c = env.bare_cmd();
    c.args(["updatekeys", "--yes", "-I"]).arg(&alice.key_file);
    c.arg("-I").arg(&dave.key_file).arg(&f);
    c.assert().success().stdout(
        predicate::str::contains("~ 2 of 3 key groups → any one recipient")
            .and(predicate::str::contains("(1 with a new data key)")),
    );
    let flat = std::fs::read_to_string(&f).unwrap();
    assert!(!flat.contains("key_groups") && !flat.contains("threshold"));
    for (a, b) in tokens(&after).iter().zip(tokens(&flat)) {
        assert_ne!(*a, b);
    }
    assert_eq!(decrypt_with(&env, &[&alice], &f).stdout, PLAIN.as_bytes());
}
