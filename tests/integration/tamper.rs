//! Tampering: every alteration of an encrypted file is refused with "integrity check
//! failed", exit code 7, and nothing written.

use predicates::prelude::*;

use crate::common::Env;

const PLAIN: &str = "\
user: alice-the-admin
password: pa55word-one
token: token-value-two
nested:
  key: nested-secret
";

/// Encrypts PLAIN to this env's key and a second key, returns the encrypted text.
fn encrypted(env: &Env) -> String {
    let other = Env::new();
    let f = env.write("t.yaml", PLAIN);
    String::from_utf8(env.encrypt(&f, &["-r", &other.public])).unwrap()
}

fn token_of<'a>(enc: &'a str, key: &str) -> &'a str {
    let line = enc
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{key}: ")))
        .unwrap();
    line.split_once(": ").unwrap().1.trim()
}

/// Writes `tampered`, runs `decrypt -i` on it, checks the refusal and that the file is unchanged.
fn assert_refused(env: &Env, tampered: &str) {
    let p = env.write("t.enc.yaml", tampered);
    env.cmd()
        .args(["decrypt", "-i"])
        .arg(&p)
        .assert()
        .code(7)
        .stdout("")
        .stderr(
            predicate::str::contains("integrity check failed")
                .and(predicate::str::contains("t.enc.yaml")),
        );
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        tampered,
        "nothing may be written"
    );
    env.cmd().arg("decrypt").arg(&p).assert().code(7).stdout("");
}

#[test]
fn untouched_file_decrypts() {
    let env = Env::new();
    let enc = encrypted(&env);
    let p = env.write("t.enc.yaml", &enc);
    assert_eq!(env.decrypt(&p, &[]), PLAIN.as_bytes());
}

#[test]
fn altered_value_is_refused() {
    let env = Env::new();
    let enc = encrypted(&env);
    let t = token_of(&enc, "password");
    let mut altered = t.to_owned();
    let last = altered.pop().unwrap();
    altered.push(if last == 'A' { 'B' } else { 'A' });
    assert_refused(&env, &enc.replace(t, &altered));
}

#[test]
fn value_moved_to_another_key_is_refused() {
    let env = Env::new();
    let enc = encrypted(&env);
    let (a, b) = (
        token_of(&enc, "password").to_owned(),
        token_of(&enc, "token").to_owned(),
    );
    let swapped = enc
        .replace(&a, "@@A@@")
        .replace(&b, &a)
        .replace("@@A@@", &b);
    assert_refused(&env, &swapped);
}

#[test]
fn deleted_value_is_refused() {
    let env = Env::new();
    let enc = encrypted(&env);
    let without: String = enc
        .lines()
        .filter(|l| !l.starts_with("token: "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_refused(&env, &without);
}

#[test]
fn added_value_is_refused() {
    let env = Env::new();
    let enc = encrypted(&env);
    // An added plaintext value…
    assert_refused(
        &env,
        &enc.replacen("token: ", "extra: injected\ntoken: ", 1),
    );
    // …and an added copy of a ciphertext under a new key.
    let t = token_of(&enc, "token").to_owned();
    assert_refused(
        &env,
        &enc.replacen("token: ", &format!("copy: {t}\ntoken: "), 1),
    );
}

#[test]
fn plaintext_value_where_ciphertext_belongs_is_refused() {
    let env = Env::new();
    let enc = encrypted(&env);
    let t = token_of(&enc, "password").to_owned();
    assert_refused(&env, &enc.replace(&t, "not-encrypted"));
}

#[test]
fn edited_recipient_list_is_refused() {
    let env = Env::new();
    let enc = encrypted(&env);
    // Drop the second recipient's entry (two lines: recipient and key).
    let lines: Vec<&str> = enc.lines().collect();
    let second = lines
        .iter()
        .rposition(|l| l.trim_start().starts_with("- recipient:"))
        .unwrap();
    let mut kept: Vec<&str> = lines.clone();
    kept.drain(second..second + 2);
    let tampered: String = kept.iter().map(|l| format!("{l}\n")).collect();
    assert_ne!(tampered, enc);
    assert_refused(&env, &tampered);
}

#[test]
fn edited_rules_are_refused() {
    let env = Env::new();
    let f = env.write("t.yaml", PLAIN);
    let enc = String::from_utf8(env.encrypt(&f, &["--unencrypted-regex", "^user$"])).unwrap();
    assert!(enc.contains("user: alice-the-admin"));
    // Widening the rule so that `password` counts as plaintext is detected.
    let tampered = enc.replace("\"^user$\"", "\"^(user|password)$\"");
    assert_ne!(tampered, enc);
    assert_refused(&env, &tampered);
    // And editing an unencrypted value is detected too: the MAC covers it.
    assert_refused(&env, &enc.replace("alice-the-admin", "mallory"));
}

#[test]
fn edited_mac_is_refused() {
    let env = Env::new();
    let enc = encrypted(&env);
    let mac_line = enc
        .lines()
        .find(|l| l.trim_start().starts_with("mac: "))
        .unwrap();
    let tampered = enc.replace(mac_line, &mac_line.replacen("mac: \"", "mac: \"A", 1));
    assert_refused(&env, &tampered);
}

/// `--ignore-mac` is for SOPS files; on a vaultfile file it is refused, not ignored.
#[test]
fn ignore_mac_is_refused_for_a_vaultfile_file() {
    let env = Env::new();
    let enc = encrypted(&env);
    let p = env.write("t.enc.yaml", &enc);
    env.cmd()
        .args(["decrypt", "--ignore-mac"])
        .arg(&p)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "--ignore-mac applies to SOPS files",
        ));
}

/// A file of several megabytes is read in two halves at once and parsed in pieces on every
/// core: it still decrypts to the exact bytes, and a value altered in either half is still
/// refused, with nothing written.
#[test]
fn a_file_of_several_megabytes_decrypts_exactly_and_an_altered_value_is_refused() {
    let env = Env::new();
    // About 5 MB once encrypted; long values keep the count (and a debug build's time) low.
    let filler = "x".repeat(200);
    let plain: String = (0..12_000)
        .map(|i| format!("section_{i:05}:\n  token: t{i}-{filler}\n  port: {i}\n"))
        .collect();
    let f = env.write("big.yaml", &plain);
    let enc = String::from_utf8(env.encrypt(&f, &[])).unwrap();
    assert!(enc.len() > 4 << 20, "{} bytes", enc.len());
    let p = env.write("big.enc.yaml", &enc);
    env.cmd()
        .arg("decrypt")
        .arg(&p)
        .assert()
        .success()
        .stdout(plain.clone());
    for section in ["section_00007:", "section_11993:"] {
        let at = enc.find(section).unwrap() + section.len();
        let token_at = at + enc[at..].find("VF1.").unwrap() + 10;
        let mut tampered = enc.clone().into_bytes();
        tampered[token_at] = if tampered[token_at] == b'A' {
            b'B'
        } else {
            b'A'
        };
        assert_refused(&env, std::str::from_utf8(&tampered).unwrap());
    }
}
