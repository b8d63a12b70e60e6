//! CLI behaviour: commands, identity lookup, recipients, baselines, errors and exit codes.

use std::process::Command as StdCommand;

use predicates::prelude::*;

use crate::common::Env;

const CONFIG: &str = "\
# Database settings
database:
  user: app        # kept readable by --unencrypted-regex in one test
  password: \"s3cr3t-pa55word\"
  port: 5432
api:
  token: tok_live_0123456789abcdef
  endpoints: [https://a.example.com, https://b.example.com]
";

#[test]
fn keygen_writes_private_file_and_refuses_to_overwrite() {
    let env = Env::new();
    let text = std::fs::read_to_string(&env.key_file).unwrap();
    assert!(text.contains(&format!("# public key: {}", env.public)));
    assert!(text.lines().any(|l| l.starts_with("AGE-SECRET-KEY-PQ-1")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&env.key_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    env.cmd()
        .args(["keygen", "-o"])
        .arg(&env.key_file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("refusing to overwrite"));
    assert_eq!(std::fs::read_to_string(&env.key_file).unwrap(), text);
}

#[test]
fn encrypt_in_place_then_decrypt_in_place_round_trips_and_plaintext_ends_private() {
    let env = Env::new();
    let f = env.write("config.yaml", CONFIG);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    env.cmd()
        .args(["encrypt", "-i", "-r", &env.public])
        .arg(&f)
        .assert()
        .success();
    let enc = std::fs::read_to_string(&f).unwrap();
    assert!(!enc.contains("s3cr3t") && !enc.contains("tok_live"));
    assert!(enc.contains("# Database settings") && enc.contains("  password: VF1."));
    // Ciphertext keeps the file's mode…
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
    env.cmd().args(["decrypt", "-i"]).arg(&f).assert().success();
    assert_eq!(std::fs::read_to_string(&f).unwrap(), CONFIG);
    // …plaintext ends readable by its owner only, whatever the mode was.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn output_file_and_stdin() {
    let env = Env::new();
    let f = env.write("app.json", "{\"password\": \"hunter22\", \"n\": 1}\n");
    let out = env.path("app.enc.json");
    env.cmd()
        .args(["encrypt", "-r", &env.public, "-o"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("\"vaultfile\"")
    );
    // Standard input needs --input-type for encryption…
    env.cmd()
        .args(["encrypt", "-r", &env.public])
        .write_stdin("a: b\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--input-type"));
    let enc = env
        .cmd()
        .args(["encrypt", "--input-type", "yaml", "-r", &env.public])
        .write_stdin("a: secret-value\n")
        .output()
        .unwrap();
    assert!(enc.status.success());
    // …and decryption from standard input recognises the format by its metadata.
    env.cmd()
        .arg("decrypt")
        .write_stdin(enc.stdout)
        .assert()
        .success()
        .stdout("a: secret-value\n");
    let plain = env.path("plain.json");
    env.cmd()
        .args(["decrypt", "-o"])
        .arg(&plain)
        .arg(&out)
        .assert()
        .success();
    assert_eq!(std::fs::read(&plain).unwrap(), std::fs::read(&f).unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&plain).unwrap().permissions().mode() & 0o777,
            0o600,
            "plaintext output must be private"
        );
    }
}

#[test]
fn extract_prints_one_value_in_both_path_syntaxes() {
    let env = Env::new();
    let f = env.write("c.yaml", CONFIG);
    let enc = env.write("c.enc.yaml", env.encrypt(&f, &[]));
    env.cmd()
        .args(["decrypt", "--extract", "database.password"])
        .arg(&enc)
        .assert()
        .success()
        .stdout("s3cr3t-pa55word");
    env.cmd()
        .args(["decrypt", "--extract", r#"["api"]["endpoints"][1]"#])
        .arg(&enc)
        .assert()
        .success()
        .stdout("https://b.example.com");
    env.cmd()
        .args(["decrypt", "--extract", "database"])
        .arg(&enc)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"port\": 5432"));
    env.cmd()
        .args(["decrypt", "--extract", "database.nope"])
        .arg(&enc)
        .assert()
        .failure()
        .stderr(predicate::str::contains("no value at 'database.nope'"));
}

#[test]
fn recipients_lists_every_recipient_without_a_key() {
    let env = Env::new();
    let other = Env::new();
    let f = env.write("c.yaml", CONFIG);
    let enc = env.write("c.enc.yaml", env.encrypt(&f, &["-r", &other.public]));
    env.bare_cmd()
        .arg("recipients")
        .arg(&enc)
        .assert()
        .success()
        .stdout(format!("{}\n{}\n", env.public, other.public));
    // Either recipient decrypts.
    other
        .cmd()
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .success()
        .stdout(CONFIG);
}

#[test]
fn recipients_from_environment_and_file() {
    let env = Env::new();
    let other = Env::new();
    let f = env.write("c.env", "TOKEN=abc-secret-123\n");
    let list = env.write("team.txt", format!("# the team\n{}\n\n", other.public));
    let out = env
        .cmd()
        .env("VAULTFILE_RECIPIENTS", &env.public)
        .args(["encrypt", "-R"])
        .arg(&list)
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let enc = env.write("c.enc.env", &out.stdout);
    env.bare_cmd()
        .arg("recipients")
        .arg(&enc)
        .assert()
        .stdout(format!("{}\n{}\n", env.public, other.public));
}

#[test]
fn ssh_recipients_and_default_ssh_identity() {
    let env = Env::new();
    let ssh_dir = env.path(".ssh");
    std::fs::create_dir_all(&ssh_dir).unwrap();
    for (kind, name) in [("ed25519", "id_ed25519"), ("rsa", "id_rsa")] {
        let key = ssh_dir.join(name);
        let st = StdCommand::new("ssh-keygen")
            .args(["-q", "-t", kind, "-N", "", "-C", "test@vaultfile", "-f"])
            .arg(&key)
            .status()
            .expect("ssh-keygen is installed (scripts/test.sh installs openssh-client)");
        assert!(st.success());
    }
    let ed = std::fs::read_to_string(ssh_dir.join("id_ed25519.pub")).unwrap();
    let rsa = std::fs::read_to_string(ssh_dir.join("id_rsa.pub")).unwrap();
    let f = env.write("c.toml", "[db]\npassword = \"ssh-protected-secret\"\n");
    for public in [ed.trim(), rsa.trim()] {
        let out = env
            .bare_cmd()
            .args(["encrypt", "-r", public])
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let enc = env.write("c.enc.toml", &out.stdout);
        // No age key at all: the SSH key in ~/.ssh is found by default.
        env.bare_cmd()
            .arg("decrypt")
            .arg(&enc)
            .assert()
            .success()
            .stdout("[db]\npassword = \"ssh-protected-secret\"\n");
    }
}

#[test]
fn identity_lookup_order_sources() {
    let env = Env::new();
    let f = env.write("c.yaml", CONFIG);
    let enc = env.write("c.enc.yaml", env.encrypt(&f, &[]));
    let key_text = std::fs::read_to_string(&env.key_file).unwrap();
    // --identity
    env.bare_cmd()
        .args(["decrypt", "-I"])
        .arg(&env.key_file)
        .arg(&enc)
        .assert()
        .success()
        .stdout(CONFIG);
    // VAULTFILE_AGE_KEY holds the key text itself (comments included).
    env.bare_cmd()
        .env("VAULTFILE_AGE_KEY", &key_text)
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .success();
    // SOPS_AGE_KEY_FILE, for people coming from SOPS.
    env.bare_cmd()
        .env("SOPS_AGE_KEY_FILE", &env.key_file)
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .success();
    env.bare_cmd()
        .env("SOPS_AGE_KEY", &key_text)
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .success();
    // The default place: $XDG_CONFIG_HOME/vaultfile/keys.txt.
    env.write(".config/vaultfile/keys.txt", &key_text);
    env.bare_cmd()
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .success()
        .stdout(CONFIG);
}

#[test]
fn passphrase_protected_identity_file() {
    use std::io::Write;
    let env = Env::new();
    let f = env.write("c.yaml", CONFIG);
    let enc = env.write("c.enc.yaml", env.encrypt(&f, &[]));
    let key_text = std::fs::read_to_string(&env.key_file).unwrap();
    let encryptor = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(
        "correct-pass".to_owned(),
    ));
    let mut protected = Vec::new();
    {
        let armor =
            age::armor::ArmoredWriter::wrap_output(&mut protected, age::armor::Format::AsciiArmor)
                .unwrap();
        let mut w = encryptor.wrap_output(armor).unwrap();
        w.write_all(key_text.as_bytes()).unwrap();
        w.finish().unwrap().finish().unwrap();
    }
    let pf = env.write("protected.age", &protected);
    env.bare_cmd()
        .env("VAULTFILE_PASSPHRASE", "correct-pass")
        .args(["decrypt", "-I"])
        .arg(&pf)
        .arg(&enc)
        .assert()
        .success()
        .stdout(CONFIG);
    env.bare_cmd()
        .env("VAULTFILE_PASSPHRASE", "wrong-pass")
        .args(["decrypt", "-I"])
        .arg(&pf)
        .arg(&enc)
        .assert()
        .code(6);
}

#[test]
fn baseline_one_value_change_touches_two_lines_and_unchanged_is_identical() {
    let env = Env::new();
    let f = env.write("c.yaml", CONFIG);
    let enc1 = env.write("c.enc.yaml", env.encrypt(&f, &[]));
    // Unchanged plaintext + baseline: byte-identical.
    let again = env.encrypt(&f, &["--baseline", enc1.to_str().unwrap()]);
    assert_eq!(again, std::fs::read(&enc1).unwrap());
    // Without a baseline a new data key is made: every value changes.
    assert_ne!(env.encrypt(&f, &[]), std::fs::read(&enc1).unwrap());
    // One changed value: exactly that line and the MAC line differ.
    let f2 = env.write("c2.yaml", CONFIG.replace("s3cr3t-pa55word", "n3w-pa55word"));
    let enc2 =
        String::from_utf8(env.encrypt(&f2, &["--baseline", enc1.to_str().unwrap()])).unwrap();
    let enc1 = std::fs::read_to_string(&enc1).unwrap();
    let (a, b): (Vec<_>, Vec<_>) = (enc1.lines().collect(), enc2.lines().collect());
    assert_eq!(a.len(), b.len());
    let diff: Vec<_> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|(x, _)| x.trim().to_owned())
        .collect();
    assert_eq!(diff.len(), 2, "changed lines: {diff:#?}");
    assert!(diff[0].starts_with("password: VF1."));
    assert!(diff[1].starts_with("mac: "));
}

#[test]
fn baseline_without_recipients_reuses_them() {
    let env = Env::new();
    let f = env.write("c.json", "{\"a\": \"value-one\"}\n");
    let enc1 = env.write("c.enc.json", env.encrypt(&f, &[]));
    let out = env
        .cmd()
        .args(["encrypt", "--baseline"])
        .arg(&enc1)
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, std::fs::read(&enc1).unwrap());
}

#[test]
fn unencrypted_regex_keeps_values_readable_and_unmatched_rule_warns() {
    let env = Env::new();
    let f = env.write("c.yaml", CONFIG);
    let enc =
        String::from_utf8(env.encrypt(&f, &["--unencrypted-regex", "^(user|port)$"])).unwrap();
    assert!(enc.contains("  user: app "));
    assert!(enc.contains("  port: 5432"));
    assert!(!enc.contains("s3cr3t"));
    let p = env.write("c.enc.yaml", &enc);
    assert_eq!(env.decrypt(&p, &[]), CONFIG.as_bytes());
    // A mistyped rule that leaves every value in plaintext is refused (exit 2), with
    // nothing written…
    env.cmd()
        .args([
            "encrypt",
            "-r",
            &env.public,
            "--encrypted-regex",
            "^nothing_matches$",
        ])
        .arg(&f)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("matched no key")
                .and(predicate::str::contains("leave every value in plaintext"))
                .and(predicate::str::contains("--allow-all-plaintext")),
        );
    // …unless asked for: the file is then only authenticated.
    let out = env
        .cmd()
        .args(["encrypt", "-r", &env.public, "--allow-all-plaintext"])
        .args(["--encrypted-regex", "^nothing_matches$"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("s3cr3t-pa55word"));
}

#[test]
fn binary_files_round_trip() {
    let env = Env::new();
    let content: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let f = env.write("blob.bin", &content);
    let enc = env.encrypt(&f, &[]);
    assert!(
        String::from_utf8(enc.clone())
            .unwrap()
            .starts_with("data: VF1.")
    );
    let p = env.write("blob.enc.bin", &enc);
    assert_eq!(env.decrypt(&p, &["--input-type", "binary"]), content);
}

// --- Errors: each says what happened, names the file, and exits with the documented code.
// Messages and exit codes alone are pinned as cases in tests/cmd (cli_cases.rs); the tests
// here check more than a message (a file left as it was, a secret not repeated, …).

#[test]
fn encrypting_twice_is_refused() {
    let env = Env::new();
    let f = env.write("c.yaml", CONFIG);
    env.cmd()
        .args(["encrypt", "-i", "-r", &env.public])
        .arg(&f)
        .assert()
        .success();
    let before = std::fs::read(&f).unwrap();
    env.cmd()
        .args(["encrypt", "-i", "-r", &env.public])
        .arg(&f)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("already encrypted"));
    assert_eq!(std::fs::read(&f).unwrap(), before);
    // Binary files too.
    let b = env.write("x.bin", b"\x00\x01 binary");
    env.cmd()
        .args(["encrypt", "-i", "-r", &env.public])
        .arg(&b)
        .assert()
        .success();
    env.cmd()
        .args(["encrypt", "-i", "-r", &env.public])
        .arg(&b)
        .assert()
        .code(4);
}

#[test]
fn decrypting_plaintext_is_refused() {
    let env = Env::new();
    let f = env.write("c.yaml", CONFIG);
    env.cmd()
        .args(["decrypt", "-i"])
        .arg(&f)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("not encrypted"));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), CONFIG);
}

/// A secret key given by mistake as a recipient is not repeated in the error (which may
/// end up in a CI log), and the error says what to give instead.
#[test]
fn a_secret_key_given_as_a_recipient_is_not_echoed() {
    let env = Env::new();
    let secret = std::fs::read_to_string(&env.key_file)
        .unwrap()
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .to_owned();
    let f = env.write("a.yaml", "a: 1\n");
    let out = env
        .cmd()
        .args(["encrypt", "-r", &secret])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains(&secret[16..]), "{stderr}");
    assert!(
        stderr.contains("secret key") && stderr.contains("keygen -y"),
        "{stderr}"
    );
    // keygen -y gives the public key to use.
    env.cmd()
        .args(["keygen", "-y"])
        .arg(&env.key_file)
        .assert()
        .success()
        .stdout(format!("{}\n", env.public));
}

/// An encrypted file is known by its content, whatever its name: a backup copy
/// (`prod.yaml.bak`) is not reported as altered, nor a copied `.env` as not encrypted.
#[test]
fn a_copy_under_another_name_decrypts_by_its_content() {
    let env = Env::new();
    for (name, text) in [
        ("a.yaml", "db:\n  password: hunter2 # c\n"),
        ("a.json", "{\"db\": {\"password\": \"hunter2\"}}\n"),
        ("a.toml", "[db]\npassword = \"hunter2\"\n"),
        (".env", "PASSWORD=hunter2\n# c\n"),
        ("a.bin", "\u{1}binary hunter2\n"),
    ] {
        let f = env.write(name, text);
        let enc = env.encrypt(&f, &[]);
        for copy in ["copy.bak", "copy.txt", "copy"] {
            let c = env.write(copy, &enc);
            env.cmd()
                .arg("decrypt")
                .arg(&c)
                .assert()
                .success()
                .stdout(text.to_owned());
        }
    }
}

/// Help and man pages read cleanly: no escaped quotes, global options under their own
/// heading, exit codes under EXIT STATUS (man(7)'s name), never a made-up EXTRA section.
#[test]
fn help_and_man_pages_are_clean() {
    let env = Env::new();
    for cmd in ["set", "get", "unset", "decrypt", "status"] {
        let out = env.cmd().args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            !help.contains("\\\""),
            "{cmd} --help shows an escaped quote:\n{help}"
        );
        let options = help.find("\nOptions:").expect("own options");
        let global = help
            .find("\nGlobal options:")
            .expect("a global options heading");
        assert!(options < global, "{cmd}: its own options come first");
        assert!(
            !help[options..global].contains("--color")
                && !help[options..global].contains("--quiet"),
            "{cmd}: global options mixed into its own"
        );
    }
    let man = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    for entry in std::fs::read_dir(&man).unwrap() {
        let page = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!page.contains(".SH EXTRA"), "EXTRA section in a man page");
        assert!(
            page.contains(".SH \"EXIT STATUS\""),
            "no EXIT STATUS section"
        );
    }
}
