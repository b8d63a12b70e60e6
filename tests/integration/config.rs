//! `.vaultfile.yaml`: recipients and rules chosen by path when `encrypt` gets no `-r`.
//!
//! Every test makes its temporary directory a repository root (an empty `.git`), so the
//! walk up never leaves it and a stray configuration on the machine cannot interfere.

use std::path::Path;

use predicates::prelude::*;

use crate::common::Env;

const PLAIN: &str = "\
database:
  user: app
  password: s3cr3t-pa55word
  port: 5432
";

/// An env whose temp dir is a repository root.
fn repo() -> Env {
    let env = Env::new();
    std::fs::create_dir_all(env.path(".git")).unwrap();
    env
}

/// The recipients listed in an encrypted file, one per line.
fn recipients_of(env: &Env, encrypted: &[u8]) -> String {
    let f = env.write("check.enc.yaml", encrypted);
    let out = env.bare_cmd().arg("recipients").arg(&f).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `encrypt` with `args` from `cwd`, expects success, returns stdout.
fn encrypt_ok(env: &Env, cwd: &Path, args: &[&str]) -> Vec<u8> {
    let out = env
        .cmd()
        .current_dir(cwd)
        .arg("encrypt")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "encrypt {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn recipients_come_from_a_config_in_a_parent_dir() {
    let env = repo();
    env.write(
        ".vaultfile.yaml",
        format!("creation_rules:\n  - recipients: [{}]\n", env.public),
    );
    let f = env.write("app/config/db.yaml", PLAIN);
    // From the repository root, and from a directory below the file: the walk starts at
    // the file's directory either way.
    for cwd in [env.path(""), env.path("app/config/deeper")] {
        std::fs::create_dir_all(&cwd).unwrap();
        let enc = encrypt_ok(&env, &cwd, &[f.to_str().unwrap()]);
        assert!(!String::from_utf8_lossy(&enc).contains("s3cr3t"));
        assert_eq!(recipients_of(&env, &enc), format!("{}\n", env.public));
        let enc_file = env.write("app/config/db.enc.yaml", &enc);
        assert_eq!(env.decrypt(&enc_file, &[]), PLAIN.as_bytes());
    }
    // In place, with a path relative to the current directory.
    encrypt_ok(&env, &env.path("app"), &["-i", "config/db.yaml"]);
    assert!(
        std::fs::read_to_string(&f)
            .unwrap()
            .contains("password: VF1.")
    );
}

#[test]
fn path_regex_is_relative_to_the_config_dir_and_first_match_wins() {
    let env = repo();
    let prod = Env::new();
    let dev = Env::new();
    env.write(
        "deploy/.vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^prod/.*\\.yaml$\n    recipients: [{}]\n  - path_regex: \\.yaml$\n    recipients: \"{}, {}\"\n",
            prod.public, dev.public, env.public
        ),
    );
    env.write("deploy/prod/db.yaml", PLAIN);
    env.write("deploy/dev/db.yaml", PLAIN);
    // `prod/db.yaml` relative to deploy/, whatever the current directory.
    let enc = encrypt_ok(&env, &env.path("deploy/prod"), &["db.yaml"]);
    assert_eq!(recipients_of(&env, &enc), format!("{}\n", prod.public));
    let enc = encrypt_ok(&env, &env.path(""), &["deploy/prod/db.yaml"]);
    assert_eq!(recipients_of(&env, &enc), format!("{}\n", prod.public));
    // The second rule, with a comma-separated recipients string.
    let enc = encrypt_ok(&env, &env.path("deploy"), &["dev/db.yaml"]);
    assert_eq!(
        recipients_of(&env, &enc),
        format!("{}\n{}\n", dev.public, env.public)
    );
}

#[test]
fn selection_rules_come_from_the_config_unless_given_as_flags() {
    let env = repo();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - recipients: [{}]\n    unencrypted_regex: ^(user|port)$\n",
            env.public
        ),
    );
    let f = env.write("db.yaml", PLAIN);
    let enc = String::from_utf8(encrypt_ok(&env, &env.path(""), &["db.yaml"])).unwrap();
    assert!(enc.contains("  user: app\n") && enc.contains("  port: 5432\n"));
    assert!(enc.contains("  password: VF1."));
    // A rule flag replaces the configuration's rules.
    let enc = String::from_utf8(encrypt_ok(
        &env,
        &env.path(""),
        &["--unencrypted-regex", "^password$", f.to_str().unwrap()],
    ))
    .unwrap();
    assert!(enc.contains("  password: s3cr3t-pa55word\n"));
    assert!(!enc.contains("  user: app\n"));
}

#[test]
fn no_matching_rule_names_the_config_and_the_relative_path() {
    let env = repo();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
            env.public
        ),
    );
    env.write("config/app.yaml", PLAIN);
    let config = env.path(".vaultfile.yaml");
    env.cmd()
        .current_dir(env.path("config"))
        .args(["encrypt", "app.yaml"])
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains(format!(
                "no creation rule in {} matches config/app.yaml",
                config.display()
            ))
            .and(predicate::str::contains(
                "hint: add a rule whose path_regex",
            )),
        );
}

#[test]
fn schema_errors_name_the_file_and_line() {
    let env = repo();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: \\.yaml$\n    recipients: [{}]\n    unencrypted_regexp: ^user$\n",
            env.public
        ),
    );
    let f = env.write("db.yaml", PLAIN);
    env.cmd()
        .arg("encrypt")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "error: {}:4: unknown field `unencrypted_regexp`",
            env.path(".vaultfile.yaml").display()
        )));
    // An invalid regex, on its own line.
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - recipients: [{}]\n  - path_regex: ^(unclosed\n    recipients: [{}]\n",
            env.public, env.public
        ),
    );
    env.cmd()
        .arg("encrypt")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ".vaultfile.yaml:3: invalid path_regex '^(unclosed'",
        ));
    // -r bypasses the configuration, broken or not.
    env.cmd()
        .args(["encrypt", "-r", &env.public])
        .arg(&f)
        .assert()
        .success();
}

#[test]
fn a_bad_recipient_in_the_config_names_its_line() {
    let env = repo();
    env.write(
        ".vaultfile.yaml",
        "creation_rules:\n  - recipients: [age1notakey]\n",
    );
    let f = env.write("db.yaml", PLAIN);
    env.cmd().arg("encrypt").arg(&f).assert().code(5).stderr(
        predicate::str::contains(".vaultfile.yaml:2: ")
            .and(predicate::str::contains("age1notakey")),
    );
}

#[test]
fn config_flag_and_environment_override_discovery() {
    let env = repo();
    let other = Env::new();
    // The discovered configuration matches nothing.
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^nothing$\n    recipients: [{}]\n",
            env.public
        ),
    );
    let named = env.write(
        "ops.vaultfile.yaml",
        format!("creation_rules:\n  - recipients: [{}]\n", other.public),
    );
    env.write("db.yaml", PLAIN);
    env.cmd()
        .args(["encrypt", "db.yaml"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("no creation rule"));
    let enc = encrypt_ok(
        &env,
        &env.path(""),
        &["--config", "ops.vaultfile.yaml", "db.yaml"],
    );
    assert_eq!(recipients_of(&env, &enc), format!("{}\n", other.public));
    let out = env
        .cmd()
        .env("VAULTFILE_CONFIG", &named)
        .args(["encrypt", "db.yaml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        recipients_of(&env, &out.stdout),
        format!("{}\n", other.public)
    );
    // path_regex in a --config file is relative to that file's directory: db.yaml is
    // outside team/.
    env.write(
        "team/vaultfile.yaml",
        format!("creation_rules:\n  - recipients: [{}]\n", other.public),
    );
    env.cmd()
        .args(["encrypt", "--config", "team/vaultfile.yaml", "db.yaml"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("is outside"));
    // A missing --config file is an error, not a reason to look elsewhere.
    env.cmd()
        .args(["encrypt", "--config", "nope.yaml", "db.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.yaml: cannot read"));
}

#[test]
fn discovery_works_from_outside_the_repository_and_stops_at_its_root() {
    let env = repo();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^app/\n    recipients: [{}]\n",
            env.public
        ),
    );
    let f = env.write("app/deep/er/db.yaml", PLAIN);
    // From a directory that is not in the repository at all, by absolute path.
    let outside = tempfile::tempdir().unwrap();
    let enc = encrypt_ok(&env, outside.path(), &[f.to_str().unwrap()]);
    assert_eq!(recipients_of(&env, &enc), format!("{}\n", env.public));
    // A configuration above the repository root is not used for files inside it.
    let parent = Env::new();
    parent.write(
        ".vaultfile.yaml",
        format!("creation_rules:\n  - recipients: [{}]\n", parent.public),
    );
    std::fs::create_dir_all(parent.path("inner/.git")).unwrap();
    let inner = parent.write("inner/sub/db.yaml", PLAIN);
    parent
        .cmd()
        .arg("encrypt")
        .arg(&inner)
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "no recipients: pass -r/-R or create .vaultfile.yaml",
        ));
    // Outside any repository, the walk goes up to `/` and finds it.
    let loose = parent.write("loose/db.yaml", PLAIN);
    let out = parent.cmd().arg("encrypt").arg(&loose).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        recipients_of(&parent, &out.stdout),
        format!("{}\n", parent.public)
    );
}

#[test]
fn no_config_says_where_it_looked() {
    let env = repo();
    let f = env.write("sub/db.yaml", PLAIN);
    env.cmd()
        .arg("encrypt")
        .arg(&f)
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains(format!(
                "no recipients: pass -r/-R or create .vaultfile.yaml (vaultfile looked in {} and its parents)",
                env.path("sub").display()
            ))
            .and(predicate::str::contains("hint: pass -r")),
        );
}

#[test]
fn key_groups_in_the_config_need_the_threshold_of_groups() {
    let env = repo();
    let (b, c) = (Env::new(), Env::new());
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - [{}]\n      - [{}]\n      - [{}]\n    threshold: 2\n",
            env.public, b.public, c.public
        ),
    );
    env.write("db.yaml", PLAIN);
    let enc = env.write("db.enc.yaml", encrypt_ok(&env, &env.path(""), &["db.yaml"]));
    let listed = recipients_of(&env, &std::fs::read(&enc).unwrap());
    assert!(
        listed.starts_with("# key group 1 of 3 (2 needed)\n"),
        "{listed}"
    );
    // One group's key alone is not enough, and the error says how many more are needed.
    env.cmd()
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(predicate::str::contains(
            "needs 2 of its 3 key groups and the identities at hand open only 1 (group 1): 1 more group is needed",
        ));
    let two = env
        .cmd()
        .args(["decrypt", "-I"])
        .arg(&c.key_file)
        .arg(&enc)
        .output()
        .unwrap();
    assert!(
        two.status.success(),
        "{}",
        String::from_utf8_lossy(&two.stderr)
    );
    assert_eq!(two.stdout, PLAIN.as_bytes());
}

#[test]
fn standard_input_uses_a_rule_without_path_regex() {
    let env = repo();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
            env.public
        ),
    );
    env.cmd()
        .args(["encrypt", "--input-type", "yaml"])
        .write_stdin(PLAIN)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("standard input has no file name"));
    env.write(
        ".vaultfile.yaml",
        format!("creation_rules:\n  - recipients: [{}]\n", env.public),
    );
    let out = env
        .cmd()
        .args(["encrypt", "--input-type", "yaml"])
        .write_stdin(PLAIN)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        recipients_of(&env, &out.stdout),
        format!("{}\n", env.public)
    );
}
