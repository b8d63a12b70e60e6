//! Recipient and identity errors, and passphrase recipients (a break-glass copy).

use predicates::prelude::*;

use crate::common::Env;

const PLAIN: &str = "token: abc-s3cret-123\nport: 8080\n";

#[test]
fn malformed_age_and_ssh_keys_are_refused() {
    let env = Env::new();
    let f = env.write("a.yaml", PLAIN);
    // A typo in an age key (one character changed breaks the checksum).
    let mut typo = env.public.clone();
    let last = typo.pop().unwrap();
    typo.push(if last == 'q' { 'p' } else { 'q' });
    for (bad, kind) in [
        (typo.as_str(), "invalid age recipient"),
        ("age1notakey", "invalid age recipient"),
        ("ssh-ed25519 AAAAnot-base64!", "invalid SSH recipient"),
        ("ssh-ed25519", "invalid SSH recipient"),
        ("passphrase:two words", "invalid passphrase recipient"),
    ] {
        env.cmd()
            .args(["encrypt", "-r", bad])
            .arg(&f)
            .assert()
            .code(5)
            .stderr(predicate::str::contains(kind));
    }
    // The same in a recipients file names the file.
    let list = env.write("team.txt", "# team\nage1notakey\n");
    env.cmd()
        .args(["encrypt", "-R"])
        .arg(&list)
        .arg(&f)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("team.txt: invalid age recipient"));
    // Nothing was written: the plaintext is still there.
    assert_eq!(std::fs::read_to_string(&f).unwrap(), PLAIN);
}

#[test]
fn unreadable_and_invalid_identity_files_are_named() {
    let env = Env::new();
    let f = env.write("a.yaml", PLAIN);
    let enc = env.write("a.enc.yaml", env.encrypt(&f, &[]));
    let missing = env.path("no-such-key.txt");
    env.bare_cmd()
        .args(["decrypt", "-I"])
        .arg(&missing)
        .arg(&enc)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("cannot read identity file")
                .and(predicate::str::contains("no-such-key.txt")),
        );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = env.write("locked.txt", std::fs::read(&env.key_file).unwrap());
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        // root reads anything: only check when the file really is unreadable.
        if std::fs::read(&locked).is_err() {
            env.bare_cmd()
                .args(["decrypt", "-I"])
                .arg(&locked)
                .arg(&enc)
                .assert()
                .code(1)
                .stderr(predicate::str::contains("Permission denied"));
        }
    }
    let garbage = env.write("garbage.txt", "this is not a key\n");
    env.bare_cmd()
        .args(["decrypt", "-I"])
        .arg(&garbage)
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(
            predicate::str::contains("cannot use identity file")
                .and(predicate::str::contains("garbage.txt"))
                .and(predicate::str::contains("line 1"))
                .and(predicate::str::contains("this is not a key").not()),
        );
    // A file in the default places that cannot be used is skipped with a warning.
    env.write(".config/vaultfile/keys.txt", "AGE-SECRET-KEY-1NOTAKEY\n");
    env.bare_cmd()
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(predicate::str::contains("warning: ignoring identity file"));
}

#[test]
fn a_passphrase_recipient_is_a_break_glass_copy() {
    let env = Env::new();
    let f = env.write("a.yaml", PLAIN);
    // Encrypted to the team's key and a passphrase (from the environment: no terminal).
    let out = env
        .cmd()
        .env("VAULTFILE_PASSPHRASE", "correct horse battery staple")
        .args(["encrypt", "-r", &env.public, "-r", "passphrase:break-glass"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let enc = env.write("a.enc.yaml", &out.stdout);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("correct horse"));
    env.bare_cmd()
        .arg("recipients")
        .arg(&enc)
        .assert()
        .stdout(format!("{}\npassphrase:break-glass\n", env.public));
    // The key holder needs no passphrase.
    assert_eq!(env.decrypt(&enc, &[]), PLAIN.as_bytes());
    // Without any key, the passphrase opens it.
    env.bare_cmd()
        .env("VAULTFILE_PASSPHRASE", "correct horse battery staple")
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .success()
        .stdout(PLAIN);
    // A wrong passphrase is reported as such.
    env.bare_cmd()
        .env("VAULTFILE_PASSPHRASE", "wrong horse")
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(
            predicate::str::contains("no identity can decrypt")
                .and(predicate::str::contains(
                    "failed: passphrase for 'passphrase:break-glass': wrong passphrase",
                ))
                .and(predicate::str::contains("wrong horse").not()),
        );
    // No passphrase at all (no terminal, no variable).
    env.bare_cmd()
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(predicate::str::contains("no passphrase was given"));
    // Encrypting to a passphrase with no way to get one fails before writing.
    env.cmd()
        .args(["encrypt", "-r", "passphrase"])
        .arg(&f)
        .assert()
        .code(5)
        .stderr(predicate::str::contains("no passphrase was given"));
}

#[test]
fn init_writes_a_config_and_creates_a_key_when_there_is_none() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("repo/.git")).unwrap();
    std::fs::create_dir_all(env.path("repo/app")).unwrap();
    // No key yet (bare: no VAULTFILE_AGE_KEY_FILE); run from a subdirectory.
    let out = env
        .bare_cmd()
        .current_dir(env.path("repo/app"))
        .args(["init", "--yes"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let public = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Public key: "))
        .expect("the new key's public key is printed")
        .to_owned();
    let key_file = env.path(".config/vaultfile/keys.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let config = std::fs::read_to_string(env.path("repo/.vaultfile.yaml")).unwrap();
    assert!(
        config.contains("  - path_regex: \"^secrets/\"\n"),
        "{config}"
    );
    assert!(
        config.contains(&format!("      - \"{public}\"\n")),
        "{config}"
    );
    // The configuration works: a file under secrets/ encrypts to the new key, which the
    // default key file then opens.
    let f = env.write("repo/secrets/db.yaml", PLAIN);
    env.bare_cmd()
        .current_dir(env.path("repo"))
        .args(["encrypt", "-i", "secrets/db.yaml"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&f).unwrap().contains(&public));
    env.bare_cmd()
        .arg("decrypt")
        .arg(&f)
        .assert()
        .success()
        .stdout(PLAIN);

    // Again: refused; the key is not replaced.
    let key_before = std::fs::read(&key_file).unwrap();
    env.bare_cmd()
        .current_dir(env.path("repo"))
        .args(["init", "--yes"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("already exists").and(predicate::str::contains("--force")),
        );
    // --force with flags, and an existing key file is used, not replaced.
    env.bare_cmd()
        .current_dir(env.path("repo"))
        .args(["init", "--yes", "--force", "--path-regex", "\\.env$"])
        .assert()
        .success();
    assert_eq!(std::fs::read(&key_file).unwrap(), key_before);
    let config = std::fs::read_to_string(env.path("repo/.vaultfile.yaml")).unwrap();
    assert!(config.contains("path_regex: \"\\\\.env$\""), "{config}");
    assert!(config.contains(&public));
    // -r names the recipients; an invalid regex or recipient writes nothing.
    let other = Env::new();
    env.bare_cmd()
        .current_dir(env.path("repo"))
        .args(["init", "--yes", "--force", "-r", &other.public])
        .assert()
        .success();
    let config = std::fs::read_to_string(env.path("repo/.vaultfile.yaml")).unwrap();
    assert!(config.contains(&other.public) && !config.contains(&public));
    env.bare_cmd()
        .current_dir(env.path("repo"))
        .args(["init", "--yes", "--force", "--path-regex", "^(unclosed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid path_regex"));
    env.bare_cmd()
        .current_dir(env.path("repo"))
        .args(["init", "--yes", "--force", "-r", "age1notakey"])
        .assert()
        .code(5);
    assert_eq!(
        std::fs::read_to_string(env.path("repo/.vaultfile.yaml")).unwrap(),
        config
    );
}

/// `VAULTFILE_AGE_KEY_CMD` and SOPS's `SOPS_AGE_KEY_CMD`: the identities a command prints
/// (a password manager's `op read …`, `pass show …`) open the file, the command runs only
/// when no key on the machine does, and a failing command is named in the error.
#[test]
fn identities_from_a_command_are_used_only_when_needed() {
    let env = Env::new();
    let f = env.write("a.yaml", PLAIN);
    let enc = env.write("a.enc.yaml", env.encrypt(&f, &[]));
    let marker = env.path("command-ran");
    // Prints the key file as a password manager would print the secret, and leaves a
    // marker to tell whether it ran.
    let command = format!(
        "sh -c 'touch {}; cat {}'",
        marker.display(),
        env.key_file.display()
    );
    for variable in ["VAULTFILE_AGE_KEY_CMD", "SOPS_AGE_KEY_CMD"] {
        let _ = std::fs::remove_file(&marker);
        let out = env
            .bare_cmd()
            .env(variable, &command)
            .args(["decrypt"])
            .arg(&enc)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{variable}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8(out.stdout).unwrap(), PLAIN);
        assert!(marker.exists(), "{variable}: the command ran");
    }
    // A key on this machine opens the file: the command is not run.
    let _ = std::fs::remove_file(&marker);
    env.cmd()
        .env("VAULTFILE_AGE_KEY_CMD", &command)
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .success();
    assert!(
        !marker.exists(),
        "the command ran although a local key opened the file"
    );
    // A command that fails: exit 6, the variable and the program named.
    env.bare_cmd()
        .env("VAULTFILE_AGE_KEY_CMD", "sh -c 'echo locked >&2; exit 1'")
        .arg("decrypt")
        .arg(&enc)
        .assert()
        .code(6)
        .stderr(predicate::str::contains("locked"))
        .stderr(predicate::str::contains(
            "`sh` (from $VAULTFILE_AGE_KEY_CMD) failed (exit status: 1)",
        ));
}
