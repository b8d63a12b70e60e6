//! `vaultfile exec-env`, `exec-file` and `export`: names of every format, exit codes,
//! signals, --pristine, --require, --strict, name clashes, execve, the read-once FIFO and
//! shell quoting.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::{Env, fixtures_dir};

/// Writes `text` as `name`, encrypted.
fn encrypted(env: &Env, name: &str, text: &str) -> PathBuf {
    let p = env.write(name, text);
    let enc = env.encrypt(&p, &[]);
    std::fs::write(&p, enc).unwrap();
    p
}

/// A command with PATH, so that `sh`, `env` and `printenv` are found.
fn cmd(env: &Env) -> Command {
    let mut c = env.cmd();
    c.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c
}

/// The environment a command run by `exec-env --pristine` sees, as (name, value) pairs.
fn pristine_env(env: &Env, files: &[&Path], extra: &[&str]) -> Vec<(String, String)> {
    let out = cmd(env)
        .args(["exec-env", "--pristine"])
        .args(extra)
        .args(files)
        .args(["--", "env", "-0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut vars: Vec<(String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .filter(|(k, _)| !["PATH", "HOME", "TERM", "LANG"].contains(&k.as_str()))
        .collect();
    vars.sort();
    vars
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn exec_env_flattens_every_format() {
    let env = Env::new();
    let yaml = encrypted(
        &env,
        "s.yaml",
        "database:\n  password: \"pa55 word\"\n  port: 5432\nservers:\n  - token: t0\n  - token: t1\nnothing: ~\n",
    );
    assert_eq!(
        pristine_env(&env, &[&yaml], &[]),
        pairs(&[
            ("DATABASE_PASSWORD", "pa55 word"),
            ("DATABASE_PORT", "5432"),
            ("SERVERS_0_TOKEN", "t0"),
            ("SERVERS_1_TOKEN", "t1"),
        ])
    );
    let json = encrypted(
        &env,
        "s.json",
        "{\"api\": {\"key\": \"k\\\"q\", \"on\": true}, \"list\": [1, \"two\"]}\n",
    );
    assert_eq!(
        pristine_env(&env, &[&json], &[]),
        pairs(&[
            ("API_KEY", "k\"q"),
            ("API_ON", "true"),
            ("LIST_0", "1"),
            ("LIST_1", "two"),
        ])
    );
    let toml = encrypted(
        &env,
        "s.toml",
        "top = 'x'\n[db]\nurl = \"postgres://u@h/d\"\n[[workers]]\nname = \"w1\"\n",
    );
    assert_eq!(
        pristine_env(&env, &[&toml], &[]),
        pairs(&[
            ("TOP", "x"),
            ("DB_URL", "postgres://u@h/d"),
            ("WORKERS_0_NAME", "w1"),
        ])
    );
    let dotenv = encrypted(
        &env,
        "s.env",
        "export lower_name=1\nQUOTED=\"a\\nb\"\nEMPTY=\n",
    );
    assert_eq!(
        pristine_env(&env, &[&dotenv], &[]),
        pairs(&[("lower_name", "1"), ("QUOTED", "a\nb"), ("EMPTY", "")])
    );
    // The naming flags.
    assert_eq!(
        pristine_env(
            &env,
            &[&yaml],
            &["--prefix", "APP_", "--separator", "__", "--no-upper"]
        ),
        pairs(&[
            ("APP_database__password", "pa55 word"),
            ("APP_database__port", "5432"),
            ("APP_servers__0__token", "t0"),
            ("APP_servers__1__token", "t1"),
        ])
    );
}

/// Every fixture either gives exactly the variables `export` lists, or is refused with an
/// error that names the key whose name is not a valid variable name.
#[test]
fn exec_env_on_every_fixture() {
    let env = Env::new();
    let mut ran = 0;
    for dir in ["yaml", "json", "toml", "dotenv"] {
        for entry in std::fs::read_dir(fixtures_dir().join(dir)).unwrap() {
            let src = entry.unwrap().path();
            let name = src.file_name().unwrap().to_string_lossy().into_owned();
            let file = env.write(&format!("{dir}/{name}"), std::fs::read(&src).unwrap());
            let enc = env.encrypt(&file, &[]);
            std::fs::write(&file, enc).unwrap();
            let out = cmd(&env)
                .args(["exec-env", "--pristine"])
                .arg(&file)
                .args(["--", "env", "-0"])
                .output()
                .unwrap();
            let export = cmd(&env)
                .args(["export", "--format", "json"])
                .arg(&file)
                .output()
                .unwrap();
            if out.status.success() {
                ran += 1;
                let expected: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_slice(&export.stdout).unwrap();
                let got: std::collections::BTreeMap<String, String> = String::from_utf8(out.stdout)
                    .unwrap()
                    .split('\0')
                    .filter(|s| !s.is_empty())
                    .map(|kv| {
                        let (k, v) = kv.split_once('=').unwrap();
                        (k.to_owned(), v.to_owned())
                    })
                    .collect();
                for (k, v) in &expected {
                    assert_eq!(got.get(k).map(String::as_str), v.as_str(), "{name}: {k}");
                }
                assert!(got.len() <= expected.len() + 4, "{name}: extra variables");
            } else {
                let err = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(1), "{name}: {err}");
                assert!(
                    err.contains("gives the variable name") && err.contains("the key '"),
                    "{name}: {err}"
                );
                assert!(!export.status.success(), "{name}: export must refuse too");
            }
        }
    }
    assert!(ran >= 20, "only {ran} fixtures flattened");
}

#[test]
fn exec_env_propagates_the_exit_code_and_runs_without_a_shell() {
    let env = Env::new();
    let f = encrypted(&env, "s.yaml", "a: 1\n");
    cmd(&env)
        .arg("exec-env")
        .arg(&f)
        .args(["--", "sh", "-c", "exit 7"])
        .assert()
        .code(7);
    // Without `--`: the leading files are the ones named like YAML/JSON/TOML/dotenv.
    cmd(&env)
        .arg("exec-env")
        .arg(&f)
        .args(["sh", "-c", "test \"$A\" = 1"])
        .assert()
        .success();
    // Arguments reach the command as they are: no shell splits or expands them.
    cmd(&env)
        .arg("exec-env")
        .arg(&f)
        .args(["--", "printf", "%s|", "a b", "$A", "*"])
        .assert()
        .success()
        .stdout("a b|$A|*|");
    cmd(&env)
        .arg("exec-env")
        .arg(&f)
        .args(["--", "no-such-command-xyz"])
        .assert()
        .code(127)
        .stderr(predicate::str::contains("cannot run no-such-command-xyz"));
    // Options go before the files.
    cmd(&env)
        .arg("exec-env")
        .arg(&f)
        .args(["--pristine", "--", "env"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("options go before the files"));
}

#[test]
fn a_signal_sent_to_vaultfile_reaches_the_child() {
    let env = Env::new();
    let f = encrypted(&env, "s.yaml", "a: 1\n");
    let ready = env.path("ready");
    let got = env.path("got");
    let script = format!(
        "trap 'echo TERM > {got}; exit 42' TERM; touch {ready}; while :; do sleep 0.05; done",
        got = got.display(),
        ready = ready.display()
    );
    let child = StdCommand::new(assert_cmd::cargo::cargo_bin("vaultfile"))
        .env_clear()
        .env("HOME", env.dir.path())
        .env("VAULTFILE_AGE_KEY_FILE", &env.key_file)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(env.dir.path())
        .arg("exec-env")
        .arg(&f)
        .args(["--", "sh", "-c", &script])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(|| ready.exists());
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(42),
        "the child's exit code is vaultfile's"
    );
    assert_eq!(std::fs::read_to_string(&got).unwrap(), "TERM\n");
}

#[test]
fn sighup_and_sigint_are_forwarded_too() {
    let env = Env::new();
    let f = encrypted(&env, "s.yaml", "a: 1\n");
    for (sig, name) in [
        (nix::sys::signal::Signal::SIGHUP, "HUP"),
        (nix::sys::signal::Signal::SIGINT, "INT"),
    ] {
        let ready = env.path(&format!("ready-{name}"));
        let script = format!(
            "trap 'exit 9' {name}; touch {ready}; while :; do sleep 0.05; done",
            ready = ready.display()
        );
        let child = StdCommand::new(assert_cmd::cargo::cargo_bin("vaultfile"))
            .env_clear()
            .env("HOME", env.dir.path())
            .env("VAULTFILE_AGE_KEY_FILE", &env.key_file)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .arg("exec-env")
            .arg(&f)
            .args(["--", "sh", "-c", &script])
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        wait_for(|| ready.exists());
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), sig).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(9), "{name}");
    }
}

#[test]
fn pristine_require_and_strict() {
    let env = Env::new();
    let f = encrypted(
        &env,
        "s.yaml",
        "db:\n  password: pw\n  empty: \"\"\n  none: ~\n",
    );
    // --pristine: only the secrets and PATH, HOME, TERM, LANG.
    let out = cmd(&env)
        .env("SHOULD_NOT_PASS", "x")
        .env("LANG", "C.UTF-8")
        .args(["exec-env", "--pristine"])
        .arg(&f)
        .args(["--", "env"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let mut names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, _)| k)
        .collect();
    names.sort();
    assert_eq!(names, ["DB_EMPTY", "DB_PASSWORD", "HOME", "LANG", "PATH"]);
    // Without it, the environment is inherited.
    cmd(&env)
        .env("INHERITED", "yes")
        .arg("exec-env")
        .arg(&f)
        .args(["--", "printenv", "INHERITED"])
        .assert()
        .success()
        .stdout("yes\n");
    // --require: a missing or empty name stops before the command runs.
    let marker = env.path("ran");
    let touch = ["--", "touch", marker.to_str().unwrap()];
    cmd(&env)
        .args(["exec-env", "--require", "DB_PASSWORD,MISSING_ONE"])
        .arg(&f)
        .args(touch)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "required variable MISSING_ONE is not set",
        ))
        .stderr(predicate::str::contains("the command was not run"));
    cmd(&env)
        .args(["exec-env", "--require", "DB_EMPTY"])
        .arg(&f)
        .args(touch)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("DB_EMPTY is empty"));
    assert!(!marker.exists());
    cmd(&env)
        .args(["exec-env", "--require", "DB_PASSWORD", "--require", "HOME"])
        .arg(&f)
        .args(touch)
        .assert()
        .success();
    assert!(marker.exists());
    std::fs::remove_file(&marker).unwrap();
    // --strict: an empty or null value is refused, and required names must come from the
    // files.
    cmd(&env)
        .args(["exec-env", "--strict"])
        .arg(&f)
        .args(touch)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("'db.none' is null"));
    let g = encrypted(&env, "g.yaml", "db:\n  password: pw\n  empty: \"\"\n");
    cmd(&env)
        .args(["exec-env", "--strict"])
        .arg(&g)
        .args(touch)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("'db.empty' (DB_EMPTY) is empty"));
    let h = encrypted(&env, "h.yaml", "db:\n  password: pw\n");
    cmd(&env)
        .args(["exec-env", "--strict", "--require", "HOME"])
        .arg(&h)
        .args(touch)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "HOME does not come from the files",
        ));
    cmd(&env)
        .args(["exec-env", "--strict", "--require", "DB_PASSWORD"])
        .arg(&h)
        .args(touch)
        .assert()
        .success();
    assert!(marker.exists());
}

#[test]
fn a_later_file_wins_a_name_clash() {
    let env = Env::new();
    let a = encrypted(&env, "a.yaml", "db:\n  password: from-yaml\nonly_a: 1\n");
    let b = encrypted(&env, "b.env", "DB_PASSWORD=from-env\nONLY_B=2\n");
    let run = |files: &[&Path], extra: &[&str], parent: Option<&str>| {
        let mut c = cmd(&env);
        if let Some(p) = parent {
            c.env("DB_PASSWORD", p);
        }
        let out = c
            .arg("exec-env")
            .args(extra)
            .args(files)
            .args([
                "--",
                "sh",
                "-c",
                "printf '%s %s %s' \"$DB_PASSWORD\" \"$ONLY_A\" \"$ONLY_B\"",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(run(&[&a, &b], &[], None), "from-env 1 2");
    assert_eq!(run(&[&b, &a], &[], None), "from-yaml 1 2");
    // The files override the inherited environment, unless --no-override.
    assert_eq!(run(&[&a, &b], &[], Some("parent")), "from-env 1 2");
    assert_eq!(
        run(&[&a, &b], &["--no-override"], Some("parent")),
        "parent 1 2"
    );
    // Within one file, two keys giving one name is an error that names both keys.
    let c = encrypted(&env, "c.yaml", "db_password: x\ndb:\n  password: y\n");
    cmd(&env)
        .arg("exec-env")
        .arg(&c)
        .args(["--", "true"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the keys 'db_password' and 'db.password' both give the variable name 'DB_PASSWORD'",
        ));
    // A key that is no variable name is an error that names it.
    let d = encrypted(&env, "d.json", "{\"api-key\": \"s3cr3t-value-zz\"}");
    cmd(&env)
        .arg("exec-env")
        .arg(&d)
        .args(["--", "true"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the key 'api-key' gives the variable name 'API-KEY'",
        ))
        .stderr(predicate::str::contains("s3cr3t-value-zz").not());
}

#[test]
fn exec_replaces_vaultfile_with_the_command() {
    let env = Env::new();
    let f = encrypted(&env, "s.yaml", "a: secret-a\n");
    let child = StdCommand::new(assert_cmd::cargo::cargo_bin("vaultfile"))
        .env_clear()
        .env("HOME", env.dir.path())
        .env("VAULTFILE_AGE_KEY_FILE", &env.key_file)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["exec-env", "--exec"])
        .arg(&f)
        .args(["--", "sh", "-c", "echo $$ $A; exit 3"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    // The command has vaultfile's process id: vaultfile replaced itself with it.
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{pid} secret-a\n")
    );
}

#[test]
fn exec_file_serves_a_fifo_once_and_leaves_nothing() {
    let env = Env::new();
    let runtime = tempfile::tempdir().unwrap();
    let plain = "db:\n  password: \"fifo-secret\"\n";
    let f = encrypted(&env, "s.yaml", plain);
    let out = cmd(&env)
        .env("XDG_RUNTIME_DIR", runtime.path())
        .arg("exec-file")
        .arg(&f)
        .args([
            "--",
            "sh",
            "-c",
            "test -p \"$1\" && echo fifo; cat \"$1\"; test -e \"$1\" && echo still-there; \
             cat \"$1\" 2>/dev/null || echo second-read-failed; echo \"$1\" > path; exit 5",
            "sh",
            "{}",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("fifo\n{plain}second-read-failed\n")
    );
    let path = std::fs::read_to_string(env.path("path")).unwrap();
    assert!(path.trim_end().ends_with("/s.yaml"));
    let runtime_real = std::fs::canonicalize(runtime.path()).unwrap();
    assert!(
        Path::new(path.trim_end()).starts_with(&runtime_real),
        "{path}"
    );
    assert_eq!(std::fs::read_dir(runtime.path()).unwrap().count(), 0);
    // A command that never reads the FIFO: vaultfile still ends, and cleans up.
    cmd(&env)
        .env("XDG_RUNTIME_DIR", runtime.path())
        .arg("exec-file")
        .arg(&f)
        .args(["--", "test", "-p", "{}"])
        .timeout(Duration::from_secs(20))
        .assert()
        .success();
    assert_eq!(std::fs::read_dir(runtime.path()).unwrap().count(), 0);
}

#[test]
fn exec_file_no_fifo_and_output_type() {
    let env = Env::new();
    let runtime = tempfile::tempdir().unwrap();
    let f = encrypted(&env, "s.yaml", "db:\n  password: p\n  port: 5432\n");
    cmd(&env)
        .env("XDG_RUNTIME_DIR", runtime.path())
        .args(["exec-file", "--no-fifo"])
        .arg(&f)
        .args([
            "--",
            "sh",
            "-c",
            "test -f {} && stat -c %a {} && cat {} && cat {} && echo {} > path",
        ])
        .assert()
        .success()
        .stdout("600\ndb:\n  password: p\n  port: 5432\ndb:\n  password: p\n  port: 5432\n");
    let path = std::fs::read_to_string(env.path("path")).unwrap();
    assert!(!Path::new(path.trim_end()).exists());
    assert_eq!(std::fs::read_dir(runtime.path()).unwrap().count(), 0);
    cmd(&env)
        .env("XDG_RUNTIME_DIR", runtime.path())
        .args(["exec-file", "--output-type", "json"])
        .arg(&f)
        .args(["--", "cat", "{}"])
        .assert()
        .success()
        .stdout("{\n  \"db\": {\n    \"password\": \"p\",\n    \"port\": 5432\n  }\n}\n");
    cmd(&env)
        .env("XDG_RUNTIME_DIR", runtime.path())
        .args(["exec-file", "--output-type", "dotenv"])
        .arg(&f)
        .args(["--", "cat", "{}"])
        .assert()
        .success()
        .stdout("DB_PASSWORD=p\nDB_PORT=5432\n");
    cmd(&env)
        .arg("exec-file")
        .arg(&f)
        .args(["--", "cat"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no {} in the command"));
}

#[test]
fn export_formats_are_quoted_for_their_readers() {
    let env = Env::new();
    let tricky = "it's \"q\" $HOME `x` \\ \nline2 é";
    let f = encrypted(
        &env,
        "s.json",
        &format!(
            "{{\"db\": {{\"password\": {}}}, \"n\": 1}}",
            serde_json::to_string(tricky).unwrap()
        ),
    );
    // shell: eval gives the exact value back.
    let out = StdCommand::new("sh")
        .arg("-c")
        .arg("eval \"$(\"$0\" export --format shell \"$1\")\" && printf %s \"$DB_PASSWORD\"")
        .arg(assert_cmd::cargo::cargo_bin("vaultfile"))
        .arg(&f)
        .env_clear()
        .env("HOME", env.dir.path())
        .env("VAULTFILE_AGE_KEY_FILE", &env.key_file)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), tricky);
    // dotenv: vaultfile reads it back as the same values.
    let out = cmd(&env).arg("export").arg(&f).output().unwrap();
    let dotenv = String::from_utf8(out.stdout).unwrap();
    assert!(dotenv.ends_with("N=1\n"), "{dotenv}");
    let again = encrypted(&env, "again.env", &dotenv);
    assert_eq!(
        pristine_env(&env, &[&again], &[]),
        pairs(&[("DB_PASSWORD", tricky), ("N", "1")])
    );
    // json and yaml.
    let out = cmd(&env)
        .args(["export", "--format", "json"])
        .arg(&f)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["DB_PASSWORD"], tricky);
    assert_eq!(v["N"], "1");
    let out = cmd(&env)
        .args(["export", "--format", "yaml"])
        .arg(&f)
        .output()
        .unwrap();
    let yaml = String::from_utf8(out.stdout).unwrap();
    let back = encrypted(&env, "back.yaml", &yaml);
    assert_eq!(
        pristine_env(&env, &[&back], &["--no-upper"]),
        pairs(&[("DB_PASSWORD", tricky), ("N", "1")])
    );
}

fn wait_for(mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out");
        std::thread::sleep(Duration::from_millis(20));
    }
}
