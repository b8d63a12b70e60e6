//! Terminal manners: colour only where it belongs (`--color`, `NO_COLOR`,
//! `CLICOLOR`, `CLICOLOR_FORCE`, a real terminal under tmux), `--quiet`, errors that say what
//! to do next, no progress bar in pipes, and `decrypt --output-type k8s-secret`.

use std::path::Path;
use std::process::Command as StdCommand;
use std::time::{Duration, Instant};

use base64::Engine as _;
use saphyr_parser::{Event, Parser};

use crate::common::Env;

const ESC: &str = "\x1b[";

/// stderr of `vaultfile decrypt` on a missing file, with `env` set (nothing else inherited).
fn error_output(env: &[(&str, &str)], flags: &[&str]) -> String {
    let t = Env::new();
    let mut c = t.cmd();
    c.args(flags).args(["decrypt", "missing.yaml"]);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn clicolor_force_colours_errors_in_a_pipe() {
    let err = error_output(&[("CLICOLOR_FORCE", "1")], &[]);
    assert!(err.contains(ESC), "{err:?}");
    assert!(err.contains("error:"), "{err:?}");
    assert!(err.contains("hint:"), "{err:?}");
}

#[test]
fn a_pipe_gets_no_colour() {
    let err = error_output(&[], &[]);
    assert!(!err.contains(ESC), "{err:?}");
    assert!(
        err.starts_with("error: cannot read missing.yaml"),
        "{err:?}"
    );
}

/// no-color.org: NO_COLOR (non-empty) wins over every other variable; an explicit flag wins
/// over NO_COLOR.
#[test]
fn no_color_wins_over_clicolor_force_and_the_flag_wins_over_both() {
    let err = error_output(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], &[]);
    assert!(!err.contains(ESC), "{err:?}");
    // An empty NO_COLOR is not set.
    let err = error_output(&[("NO_COLOR", ""), ("CLICOLOR_FORCE", "1")], &[]);
    assert!(err.contains(ESC), "{err:?}");
    let err = error_output(&[("NO_COLOR", "1")], &["--color", "always"]);
    assert!(err.contains(ESC), "{err:?}");
    let err = error_output(&[("CLICOLOR_FORCE", "1")], &["--color=never"]);
    assert!(!err.contains(ESC), "{err:?}");
    // The flag is global: after the subcommand too.
    let t = Env::new();
    let out = t
        .cmd()
        .args(["decrypt", "missing.yaml", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains(ESC));
}

#[test]
fn clap_help_and_usage_errors_follow_the_same_choice() {
    let t = Env::new();
    let out = t
        .cmd()
        .args(["--color", "always", "nosuch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(ESC));
    let out = t
        .cmd()
        .env("CLICOLOR_FORCE", "1")
        .args(["--color=never", "nosuch"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains(ESC));
    let out = t.cmd().args(["decrypt", "--help"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(ESC));
    let out = t
        .cmd()
        .args(["decrypt", "--help", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(ESC));
    let out = t
        .cmd()
        .args(["--color", "sometimes", "decrypt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A tmux server on a private socket, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(name: &str, script: &Path) -> Self {
        let found = StdCommand::new("tmux").arg("-V").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "tmux is not installed: run ./scripts/test.sh, which installs what the tests need"
        );
        let t = Tmux {
            socket: format!("vaultfile-manners-{name}-{}", std::process::id()),
        };
        let ok = t
            .tmux(&["new-session", "-d", "-s", "t", "-x", "160", "-y", "40"])
            .arg(script)
            .status()
            .unwrap();
        assert!(ok.success(), "tmux new-session failed");
        t
    }

    fn tmux(&self, args: &[&str]) -> StdCommand {
        let mut c = StdCommand::new("tmux");
        c.args(["-L", &self.socket, "-f", "/dev/null"]).args(args);
        c
    }

    /// The screen with its escape sequences (`-e`), once `text` is on it.
    /// Waits until the program in the pane has turned echo off (a password prompt prints
    /// its text first, then turns echo off: keys sent in between would be shown).
    fn wait_for_no_echo(&self) {
        let out = self
            .tmux(&["display-message", "-p", "-t", "t", "#{pane_tty}"])
            .output()
            .unwrap();
        let tty = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let start = Instant::now();
        loop {
            let out = StdCommand::new("stty")
                .args(["-F", &tty, "-a"])
                .output()
                .unwrap();
            let modes = String::from_utf8_lossy(&out.stdout).into_owned();
            if modes.split_whitespace().any(|m| m == "-echo") {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "echo never went off on {tty}: {modes}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn wait_for_text(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let out = self
                .tmux(&["capture-pane", "-e", "-p", "-t", "t"])
                .output()
                .unwrap();
            let s = String::from_utf8_lossy(&out.stdout).into_owned();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {text:?}; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]).status();
    }
}

/// On a real terminal, errors are coloured; with NO_COLOR they are not.
#[test]
fn tmux_a_terminal_gets_colour_unless_no_color() {
    let t = Env::new();
    let bin = assert_cmd::cargo::cargo_bin("vaultfile");
    for (name, extra, coloured) in [("tty", "", true), ("nocolor", "NO_COLOR=1", false)] {
        let script = t.write(
            &format!("{name}.sh"),
            format!(
                "#!/bin/sh\ncd '{dir}'\nenv -i HOME='{dir}' PATH=\"$PATH\" TERM=xterm {extra} \
                 '{bin}' decrypt missing.yaml\necho \"exit=$?\"\nsleep 60\n",
                dir = t.dir.path().display(),
                bin = bin.display(),
            ),
        );
        make_executable(&script);
        let tmux = Tmux::start(name, &script);
        let screen = tmux.wait_for_text("exit=");
        assert!(screen.contains("exit=1"), "{screen}");
        assert!(screen.contains("cannot read missing.yaml"), "{screen}");
        assert_eq!(screen.contains(ESC), coloured, "{name}: {screen:?}");
    }
}

/// `status` on a terminal never stops to ask for a passphrase: a file that only a
/// passphrase opens is reported as sealed (checked without a key), and the run ends.
#[test]
fn tmux_status_never_prompts_for_a_passphrase() {
    let t = Env::new();
    let plain = t.write("a.yaml", "v: value\n");
    let out = t
        .cmd()
        .env("VAULTFILE_PASSPHRASE", "correct horse battery staple")
        .args(["encrypt", "-r", "passphrase:break-glass"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t.write("a.enc.yaml", &out.stdout);
    let bin = assert_cmd::cargo::cargo_bin("vaultfile");
    let script = t.write(
        "status.sh",
        format!(
            "#!/bin/sh\ncd '{dir}'\nenv -i HOME='{dir}' PATH=\"$PATH\" TERM=xterm \
             '{bin}' status a.enc.yaml\necho \"exit=$?\"\nsleep 60\n",
            dir = t.dir.path().display(),
            bin = bin.display(),
        ),
    );
    make_executable(&script);
    let tmux = Tmux::start("status", &script);
    // A prompt would wait for input, and "exit=" would never come.
    let screen = tmux.wait_for_text("exit=");
    assert!(screen.contains("sealed"), "{screen}");
    assert!(
        !screen.to_lowercase().contains("passphrase for"),
        "{screen}"
    );
}

/// On a terminal, a run over many files draws a progress bar on stderr, and clears it when
/// done (`rotate`, `recipients add`). Everything written to the pane is logged (tmux
/// pipe-pane) before each run starts.
#[test]
fn tmux_progress_bar_is_drawn_and_cleared() {
    let t = Env::new();
    for i in 0..20 {
        let plain = t.write(&format!("p/{i}.yaml"), format!("v: value-{i}\n"));
        let enc = t.encrypt(&plain, &[]);
        std::fs::remove_file(&plain).unwrap();
        t.write(&format!("p/{i}.enc.yaml"), &enc);
    }
    let other = Env::new().public;
    let bin = assert_cmd::cargo::cargo_bin("vaultfile");
    for (name, command, bar) in [
        ("rotate", "rotate p".to_owned(), "rotating"),
        (
            "add",
            format!("recipients add p/*.enc.yaml {other}"),
            "adding",
        ),
    ] {
        let go = t.path(&format!("go-{name}"));
        let log = t.path(&format!("pane-{name}.log"));
        let script = t.write(
            &format!("progress-{name}.sh"),
            format!(
                "#!/bin/sh\ncd '{dir}'\nwhile [ ! -e '{go}' ]; do sleep 0.05; done\n\
                 env -i HOME='{dir}' PATH=\"$PATH\" TERM=xterm VAULTFILE_AGE_KEY_FILE='{key}' \
                 '{bin}' {command} > /dev/null\necho \"exit=$?\"\nsleep 60\n",
                dir = t.dir.path().display(),
                go = go.display(),
                key = t.key_file.display(),
                bin = bin.display(),
            ),
        );
        make_executable(&script);
        let tmux = Tmux::start(&format!("progress-{name}"), &script);
        let ok = tmux
            .tmux(&[
                "pipe-pane",
                "-t",
                "t",
                &format!("cat >> '{}'", log.display()),
            ])
            .status()
            .unwrap();
        assert!(ok.success());
        std::fs::write(&go, "").unwrap();
        let screen = tmux.wait_for_text("exit=");
        assert!(screen.contains("exit=0"), "{name}: {screen}");
        assert!(
            !screen.contains(bar),
            "{name}: the bar is cleared: {screen}"
        );
        let start = Instant::now();
        loop {
            let logged = std::fs::read(&log).unwrap_or_default();
            if String::from_utf8_lossy(&logged).contains("exit=") {
                assert!(
                    String::from_utf8_lossy(&logged).contains(&format!("{bar} [")),
                    "{name}: no bar was drawn"
                );
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{name}: the pane log stays empty"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// --quiet silences warnings and information on stderr, across subcommands.
#[test]
fn quiet_silences_warnings_and_information() {
    let t = Env::new();
    let plain = t.write("app.yaml", "password: s3cret\n");
    let enc = t.encrypt(&plain, &[]);
    let file = t.write("app.enc.yaml", &enc);
    let runtime = tempfile::tempdir().unwrap();

    // decrypt: a broken identity source is a warning.
    let loud = t
        .cmd()
        .env("VAULTFILE_AGE_KEY", "not a key")
        .arg("decrypt")
        .arg(&file)
        .output()
        .unwrap();
    assert!(loud.status.success());
    assert!(String::from_utf8_lossy(&loud.stderr).contains("warning:"));
    let quiet = t
        .cmd()
        .env("VAULTFILE_AGE_KEY", "not a key")
        .args(["decrypt", "-q"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    assert_eq!(quiet.stdout, b"password: s3cret\n");

    // edit: "no changes" is information.
    for (flag, expect_empty) in [(None, false), (Some("--quiet"), true)] {
        let mut c = t.cmd();
        c.env("EDITOR", "true")
            .env("XDG_RUNTIME_DIR", runtime.path())
            .arg("edit")
            .arg(&file);
        if let Some(f) = flag {
            c.arg(f);
        }
        let out = c.output().unwrap();
        assert!(out.status.success());
        assert_eq!(out.stderr.is_empty(), expect_empty, "{flag:?}");
    }

    // git init: information and a warning ("no file is protected yet").
    let repo = t.path("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let ok = StdCommand::new("git")
        .env_clear()
        .env("HOME", t.dir.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["init", "-q"])
        .current_dir(&repo)
        .status()
        .unwrap();
    assert!(ok.success());
    let git_init = |quiet: bool| {
        let mut c = t.cmd();
        c.env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(&repo)
            .args(["git", "init"]);
        if quiet {
            c.arg("-q");
        }
        c.output().unwrap()
    };
    let quiet = git_init(true);
    assert!(quiet.status.success(), "{quiet:?}");
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    let loud = git_init(false);
    assert!(String::from_utf8_lossy(&loud.stderr).contains("warning: no file is protected"));

    // Errors are still shown with --quiet.
    let out = t
        .cmd()
        .args(["-q", "decrypt", "missing.yaml"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("error:"));
}

/// In a pipe, a run over many files draws no progress bar.
#[test]
fn no_progress_bar_in_a_pipe() {
    let t = Env::new();
    for i in 0..20 {
        let plain = t.write(&format!("p/{i}.yaml"), format!("v: value-{i}\n"));
        let enc = t.encrypt(&plain, &[]);
        std::fs::remove_file(&plain).unwrap();
        t.write(&format!("p/{i}.enc.yaml"), &enc);
    }
    let out = t.cmd().args(["rotate", "p"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("20 files rotated"));
}

/// Representative errors each say what to do next.
#[test]
fn errors_come_with_a_hint() {
    let t = Env::new();
    let plain = t.write("app.yaml", "password: s3cret\n");
    let enc = t.write("app.enc.yaml", t.encrypt(&plain, &[]));
    let cases: Vec<(&str, Vec<&str>, bool)> = vec![
        ("missing file", vec!["decrypt", "missing.yaml"], true),
        ("not encrypted", vec!["decrypt", "app.yaml"], true),
        ("no recipients", vec!["encrypt", "app.yaml"], true),
        ("in place from stdin", vec!["decrypt", "-i", "-"], true),
        (
            "encrypt in place from stdin",
            vec!["encrypt", "-i", "-"],
            true,
        ),
        (
            "bad extract path",
            vec!["decrypt", "--extract", "a..b", "app.enc.yaml"],
            true,
        ),
        (
            "no value at path",
            vec!["decrypt", "--extract", "nope", "app.enc.yaml"],
            true,
        ),
        ("no identity", vec!["decrypt", "app.enc.yaml"], false),
        (
            "bad Secret name",
            vec![
                "decrypt",
                "--output-type",
                "k8s-secret",
                "--name",
                "Bad_Name",
                "app.enc.yaml",
            ],
            true,
        ),
    ];
    let _ = enc;
    for (what, args, with_key) in cases {
        let mut c = if with_key { t.cmd() } else { t.bare_cmd() };
        let out = c.args(&args).write_stdin("").output().unwrap();
        assert!(!out.status.success(), "{what}: succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("error: "), "{what}: {err}");
        assert!(
            err.lines().any(|l| l.starts_with("hint: ")),
            "{what}: no hint in {err}"
        );
    }
}

// decrypt --output-type k8s-secret

/// A parsed YAML node (enough for a manifest).
#[derive(Debug, PartialEq)]
enum Node {
    Scalar(String),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn str(&self, key: &str) -> &str {
        match self.get(key) {
            Some(Node::Scalar(s)) => s,
            other => panic!("{key}: {other:?}"),
        }
    }
}

/// Parses one YAML document with saphyr-parser (independent of vaultfile's own parser).
fn parse_yaml(text: &str) -> Node {
    fn node<'a>(events: &mut impl Iterator<Item = Event<'a>>, first: Event<'a>) -> Node {
        match first {
            Event::Scalar(v, ..) => Node::Scalar(v.into_owned()),
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    match events.next().unwrap() {
                        Event::SequenceEnd => return Node::Seq(items),
                        e => items.push(node(events, e)),
                    }
                }
            }
            Event::MappingStart(..) => {
                let mut entries = Vec::new();
                loop {
                    match events.next().unwrap() {
                        Event::MappingEnd => return Node::Map(entries),
                        Event::Scalar(k, ..) => {
                            let v = events.next().unwrap();
                            entries.push((k.into_owned(), node(events, v)));
                        }
                        e => panic!("complex key {e:?}"),
                    }
                }
            }
            e => panic!("unexpected {e:?}"),
        }
    }
    let mut events = Parser::new_from_str(text)
        .map(|r| r.expect("valid YAML").0)
        .filter(|e| {
            !matches!(
                e,
                Event::StreamStart
                    | Event::StreamEnd
                    | Event::DocumentStart(_)
                    | Event::DocumentEnd
            )
        });
    let first = events.next().expect("a document");
    let root = node(&mut events, first);
    assert!(events.next().is_none(), "one document");
    root
}

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

#[test]
fn k8s_secret_from_a_yaml_file() {
    let t = Env::new();
    let plain = t.write(
        "prod.yaml",
        "database:\n  password: \"s3cret: with colon\"\n  port: 5432\nservers:\n  - token: t0k\nnothing: null\nmultiline: |\n  line 1\n  line 2\n",
    );
    let enc = t.write("config/prod.enc.yaml", t.encrypt(&plain, &[]));
    let out = t
        .cmd()
        .args([
            "decrypt",
            "--output-type",
            "k8s-secret",
            "--namespace",
            "apps",
        ])
        .arg(&enc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let doc = parse_yaml(&text);
    assert_eq!(doc.str("apiVersion"), "v1");
    assert_eq!(doc.str("kind"), "Secret");
    assert_eq!(doc.str("type"), "Opaque");
    let meta = doc.get("metadata").unwrap();
    assert_eq!(meta.str("name"), "prod.enc");
    assert_eq!(meta.str("namespace"), "apps");
    let data = doc.get("data").unwrap();
    let Node::Map(entries) = data else {
        panic!("{data:?}")
    };
    let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "DATABASE_PASSWORD",
            "DATABASE_PORT",
            "SERVERS_0_TOKEN",
            "MULTILINE"
        ]
    );
    assert_eq!(b64(data.str("DATABASE_PASSWORD")), b"s3cret: with colon");
    assert_eq!(b64(data.str("DATABASE_PORT")), b"5432");
    assert_eq!(b64(data.str("SERVERS_0_TOKEN")), b"t0k");
    assert_eq!(b64(data.str("MULTILINE")), b"line 1\nline 2\n");
    assert!(!text.contains("s3cret"), "values only in base64");

    // --name, and key naming as for exec-env.
    let out = t
        .cmd()
        .args([
            "decrypt",
            "--output-type=k8s-secret",
            "--name",
            "db-creds",
            "--no-upper",
            "--separator",
            ".",
        ])
        .arg(&enc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let doc = parse_yaml(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(doc.get("metadata").unwrap().str("name"), "db-creds");
    assert!(doc.get("metadata").unwrap().get("namespace").is_none());
    assert_eq!(
        b64(doc.get("data").unwrap().str("database.password")),
        b"s3cret: with colon"
    );
}

#[test]
fn k8s_secret_refuses_bad_names_and_keys_with_a_hint() {
    let t = Env::new();
    let plain = t.write("x.yaml", "\"has space\": v\n");
    let enc = t.write("x.enc.yaml", t.encrypt(&plain, &[]));
    let run = |args: &[&str]| {
        let out = t
            .cmd()
            .args(["decrypt", "--output-type", "k8s-secret"])
            .args(args)
            .arg(&enc)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(out.stdout.is_empty());
        String::from_utf8(out.stderr).unwrap()
    };
    let err = run(&[]);
    assert!(err.contains("'HAS SPACE'"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    let err = run(&["--name", "UPPER"]);
    assert!(err.contains("not a valid Secret name"), "{err}");
    assert!(err.contains("hint: pass --name"), "{err}");
    let err = run(&["--name", "ok", "--namespace", "a.b"]);
    assert!(err.contains("not a valid namespace"), "{err}");
    // An odd file name is made a valid name instead.
    let ok = t.write(
        "My_Secrets.enc.yaml",
        t.encrypt(&t.write("y.yaml", "a: b\n"), &[]),
    );
    let out = t
        .cmd()
        .args(["decrypt", "--output-type", "k8s-secret"])
        .arg(&ok)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let doc = parse_yaml(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(doc.get("metadata").unwrap().str("name"), "my-secrets.enc");
}

#[test]
fn k8s_secret_from_a_binary_file_and_to_a_private_file() {
    let t = Env::new();
    let bytes: Vec<u8> = (0u8..=255).collect();
    let plain = t.write("tls.key", &bytes);
    let enc = t.write("tls.key.enc", t.encrypt(&plain, &[]));
    let out_file = t.path("secret.yaml");
    let out = t
        .cmd()
        .args([
            "decrypt",
            "--output-type",
            "k8s-secret",
            "--name",
            "tls",
            "-o",
        ])
        .arg(&out_file)
        .arg(&enc)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&out_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let doc = parse_yaml(&std::fs::read_to_string(&out_file).unwrap());
    assert_eq!(doc.get("metadata").unwrap().str("name"), "tls");
    assert_eq!(b64(doc.get("data").unwrap().str("tls.key.enc")), bytes);
}

#[test]
fn output_type_converts_the_values() {
    let t = Env::new();
    let plain = t.write("c.yaml", "db:\n  user: app\n  port: 5432\n");
    let enc = t.write("c.enc.yaml", t.encrypt(&plain, &[]));
    let out = t.decrypt(&enc, &["--output-type", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["db"]["user"], "app");
    assert_eq!(v["db"]["port"], 5432);
    let out = t.decrypt(&enc, &["--output-type", "dotenv"]);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "DB_USER=app\nDB_PORT=5432\n"
    );
    let out = t.decrypt(&enc, &["--output-type", "yaml"]);
    assert_eq!(
        out,
        std::fs::read(&plain).unwrap(),
        "the same format is the file as it was"
    );
}

/// A SOPS file gives a Secret too (the age-encrypted fixture from the SOPS repository).
#[test]
fn k8s_secret_from_a_sops_file() {
    let t = Env::new();
    let fixtures = crate::common::fixtures_dir().join("sops/getsops-sops/age-pr1031");
    let file = t.write(
        "example.yaml",
        std::fs::read(fixtures.join("example.yaml")).unwrap(),
    );
    let out = t
        .bare_cmd()
        .args(["decrypt", "--output-type", "k8s-secret", "-I"])
        .arg(fixtures.join("age/keys.txt"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let doc = parse_yaml(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(doc.get("metadata").unwrap().str("name"), "example");
    assert_eq!(
        b64(doc.get("data").unwrap().str("APP2_DB_PASSWORD")),
        b"c4r1b0u"
    );
}

/// `set` without a VALUE asks for it twice on a terminal, without echo: the secret never
/// reaches the command line (`ps`, shell history) or the screen.
#[test]
fn tmux_set_without_a_value_asks_for_it_hidden() {
    let t = Env::new();
    let plain = t.write("app.yaml", "db:\n  password: old\n");
    let enc = t.encrypt(&plain, &[]);
    t.write("app.yaml", enc);
    let bin = assert_cmd::cargo::cargo_bin("vaultfile");
    let script = t.write(
        "set.sh",
        format!(
            "#!/bin/sh\ncd '{dir}'\nenv -i HOME='{dir}' PATH=\"$PATH\" TERM=xterm \
             VAULTFILE_AGE_KEY_FILE='{key}' '{bin}' set app.yaml db.password\n\
             echo \"exit=$?\"\nsleep 60\n",
            dir = t.dir.path().display(),
            key = t.key_file.display(),
            bin = bin.display(),
        ),
    );
    make_executable(&script);
    let tmux = Tmux::start("set", &script);
    tmux.wait_for_text("Value for db.password (not shown):");
    tmux.wait_for_no_echo();
    assert!(
        tmux.tmux(&["send-keys", "-t", "t", "n3w-s3cret", "Enter"])
            .status()
            .unwrap()
            .success()
    );
    tmux.wait_for_text("Type it again:");
    tmux.wait_for_no_echo();
    assert!(
        tmux.tmux(&["send-keys", "-t", "t", "n3w-s3cret", "Enter"])
            .status()
            .unwrap()
            .success()
    );
    let screen = tmux.wait_for_text("exit=0");
    assert!(
        !screen.contains("n3w-s3cret"),
        "the value was shown:\n{screen}"
    );
    t.cmd()
        .args(["get", "app.yaml", "db.password"])
        .assert()
        .success()
        .stdout("n3w-s3cret");
}
