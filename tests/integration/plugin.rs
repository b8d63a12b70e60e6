//! age plugins as recipients and identities, through a small test plugin
//! (examples/age-plugin-vftest.rs) that speaks the real age plugin protocol.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::OnceLock;

use predicates::prelude::*;

use crate::common::Env;

const PLAIN: &str = "{\n  \"token\": \"plugin-protected-s3cret\"\n}\n";

/// Builds the test plugin once (with the cargo and target directory running the tests)
/// and returns the directory that holds `age-plugin-vftest`.
fn plugin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = StdCommand::new(cargo)
            .args([
                "build",
                "--example",
                "age-plugin-vftest",
                "--message-format=json-render-diagnostics",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "building the test plugin failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let exe = stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["target"]["name"] == "age-plugin-vftest")
            .find_map(|v| v["executable"].as_str().map(PathBuf::from))
            .expect("cargo names the example's executable");
        exe.parent().unwrap().to_path_buf()
    })
}

/// A new plugin identity: (the identity file's text, the recipient).
fn plugin_key() -> (String, String) {
    let out = StdCommand::new(plugin_dir().join("age-plugin-vftest"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let recipient = text
        .lines()
        .find_map(|l| l.strip_prefix("# recipient: "))
        .unwrap()
        .to_owned();
    assert!(recipient.starts_with("age1vftest1"), "{recipient}");
    assert!(text.contains("AGE-PLUGIN-VFTEST-1"));
    (text, recipient)
}

/// `vaultfile` with only the plugin's directory on PATH.
fn with_plugin(env: &Env) -> assert_cmd::Command {
    let mut c = env.bare_cmd();
    c.env("PATH", plugin_dir());
    c
}

#[test]
fn a_plugin_recipient_encrypts_and_its_identity_decrypts() {
    let env = Env::new();
    let (identity, recipient) = plugin_key();
    let (other_identity, _) = plugin_key();
    let keys = env.write("plugin-keys.txt", &identity);
    let other = env.write("other-keys.txt", &other_identity);
    let f = env.write("a.json", PLAIN);
    // Encrypted to the plugin recipient and an ordinary age key.
    let out = with_plugin(&env)
        .args(["encrypt", "-r", &recipient, "-r", &env.public])
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let enc = env.write("a.enc.json", &out.stdout);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("plugin-protected"));
    env.bare_cmd()
        .arg("recipients")
        .arg(&enc)
        .assert()
        .stdout(format!("{recipient}\n{}\n", env.public));
    // The plugin identity (an AGE-PLUGIN-VFTEST-1… line in a keys file) decrypts, and the
    // plugin's message reaches stderr.
    with_plugin(&env)
        .args(["decrypt", "-I"])
        .arg(&keys)
        .arg(&enc)
        .assert()
        .success()
        .stdout(PLAIN)
        .stderr(predicate::str::contains(
            "vftest: unwrapping with the test plugin",
        ));
    // Another plugin identity does not.
    with_plugin(&env)
        .args(["decrypt", "-I"])
        .arg(&other)
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(predicate::str::contains("no identity can decrypt"));
    // The ordinary key still does, without starting the plugin.
    env.cmd()
        .env("PATH", "/nonexistent")
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .success()
        .stdout(PLAIN);
}

#[test]
fn a_plugin_that_is_not_installed_is_named() {
    let env = Env::new();
    let (identity, recipient) = plugin_key();
    let keys = env.write("plugin-keys.txt", &identity);
    let f = env.write("a.json", PLAIN);
    // Encrypting without the plugin on PATH.
    env.bare_cmd()
        .env("PATH", "/nonexistent")
        .args(["encrypt", "-r", &recipient])
        .arg(&f)
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "age-plugin-vftest is not on PATH (install the age plugin for 'vftest')",
        ));
    let enc = env.write(
        "a.enc.json",
        with_plugin(&env)
            .args(["encrypt", "-r", &recipient])
            .arg(&f)
            .output()
            .unwrap()
            .stdout,
    );
    // Decrypting without it: the identity file still loads, and the failure names the plugin.
    env.bare_cmd()
        .env("PATH", "/nonexistent")
        .args(["decrypt", "-I"])
        .arg(&keys)
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(predicate::str::contains("age-plugin-vftest is not on PATH"));
    // A malformed plugin recipient.
    env.bare_cmd()
        .args(["encrypt", "-r", "age1vftest1notbech32"])
        .arg(&f)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("invalid age"));
}

#[test]
fn plugin_recipients_join_key_groups() {
    let env = Env::new();
    std::fs::create_dir_all(env.path(".git")).unwrap();
    let (identity, recipient) = plugin_key();
    let keys = env.write("plugin-keys.txt", &identity);
    let other = Env::new();
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - [{recipient}]\n      - [{}]\n      - [{}]\n    threshold: 2\n",
            env.public, other.public
        ),
    );
    let f = env.write("a.json", PLAIN);
    with_plugin(&env)
        .args(["encrypt", "-i"])
        .arg(&f)
        .assert()
        .success();
    with_plugin(&env)
        .args(["decrypt", "-I"])
        .arg(&keys)
        .arg("-I")
        .arg(&other.key_file)
        .arg(&f)
        .assert()
        .success()
        .stdout(PLAIN);
    with_plugin(&env)
        .args(["decrypt", "-I"])
        .arg(&keys)
        .arg(&f)
        .assert()
        .code(6)
        .stderr(predicate::str::contains("1 more group is needed"));
}
