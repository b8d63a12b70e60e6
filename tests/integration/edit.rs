//! `vaultfile edit` with scripted editors: one that rewrites a value, one that writes
//! invalid syntax, one that changes nothing, one that is killed, one that is still running
//! when vaultfile gets SIGTERM; a new file from the template; and, under tmux, the prompt
//! that re-opens the editor after a syntax error.
//!
//! Every test points XDG_RUNTIME_DIR at its own temporary directory and checks that no
//! plaintext file is left under it.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::Env;

const PLAIN: &str = "\
# Database settings
database:
  user: app
  password: \"s3cr3t-pa55word\"
  port: 5432
api:
  token: tok_live_0123456789abcdef
";

/// An encrypted file, a runtime directory outside the work directory, and helpers.
struct Edit {
    env: Env,
    runtime: tempfile::TempDir,
    file: PathBuf,
}

impl Edit {
    fn new() -> Self {
        let env = Env::new();
        let runtime = tempfile::tempdir().unwrap();
        let plain = env.write("config.yaml", PLAIN);
        let enc = env.encrypt(&plain, &[]);
        std::fs::write(&plain, enc).unwrap();
        Edit {
            env,
            runtime,
            file: plain,
        }
    }

    /// Writes an executable editor script.
    fn editor(&self, name: &str, body: &str) -> PathBuf {
        let p = self.env.write(name, format!("#!/bin/sh\n{body}\n"));
        make_executable(&p);
        p
    }

    fn cmd(&self, editor: &Path) -> Command {
        let mut c = self.env.cmd();
        c.env("XDG_RUNTIME_DIR", self.runtime.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("EDITOR", editor)
            .arg("edit")
            .arg(&self.file);
        c
    }

    fn encrypted(&self) -> String {
        std::fs::read_to_string(&self.file).unwrap()
    }

    /// Every file left under the runtime directory (there must be none).
    fn leftovers(&self) -> Vec<PathBuf> {
        walk(self.runtime.path())
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.push(p.clone());
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The lines that differ between two texts of the same length in lines.
fn changed_lines(a: &str, b: &str) -> Vec<(String, String)> {
    assert_eq!(a.lines().count(), b.lines().count(), "{a}\n---\n{b}");
    a.lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (x.to_owned(), y.to_owned()))
        .collect()
}

#[test]
fn edit_changing_one_value_changes_only_its_token_and_the_mac() {
    let t = Edit::new();
    let before = t.encrypted();
    let seen = t.env.path("seen");
    // The editor records where it was started and with what permissions, then edits.
    let editor = t.editor(
        "ed.sh",
        &format!(
            "stat -c '%a %n' \"$1\" \"$(dirname \"$1\")\" > '{}'\nsed -i 's/s3cr3t-pa55word/n3w-pa55word/' \"$1\"",
            seen.display()
        ),
    );
    t.cmd(&editor)
        .assert()
        .success()
        .stderr(predicate::str::contains("saved"));
    let after = t.encrypted();
    let changed = changed_lines(&before, &after);
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(changed[0].0.starts_with("  password: VF1."));
    assert!(changed[1].0.starts_with("  mac: "));
    assert_eq!(
        t.env.decrypt(&t.file, &[]),
        PLAIN.replace("s3cr3t-pa55word", "n3w-pa55word").as_bytes()
    );
    // The plaintext was a 0600 file in a 0700 directory under XDG_RUNTIME_DIR, named like
    // the file, and nothing is left there.
    let seen = std::fs::read_to_string(seen).unwrap();
    let mut lines = seen.lines();
    let (file_mode, file) = lines.next().unwrap().split_once(' ').unwrap();
    let (dir_mode, dir) = lines.next().unwrap().split_once(' ').unwrap();
    assert_eq!((file_mode, dir_mode), ("600", "700"));
    assert!(file.ends_with("/config.yaml"));
    let runtime = std::fs::canonicalize(t.runtime.path()).unwrap();
    assert!(Path::new(dir).starts_with(&runtime), "{dir}");
    assert!(!Path::new(file).exists());
    assert!(t.leftovers().is_empty(), "{:?}", t.leftovers());
}

#[test]
fn edit_without_changes_leaves_the_file_byte_identical() {
    let t = Edit::new();
    let before = std::fs::read(&t.file).unwrap();
    let editor = t.editor("ed.sh", "touch \"$1\"");
    t.cmd(&editor)
        .assert()
        .success()
        .stderr(predicate::str::contains("no changes"));
    assert_eq!(std::fs::read(&t.file).unwrap(), before);
    assert!(t.leftovers().is_empty());
}

#[test]
fn edit_with_a_syntax_error_fails_without_a_terminal_and_writes_nothing() {
    let t = Edit::new();
    let before = std::fs::read(&t.file).unwrap();
    let editor = t.editor(
        "ed.sh",
        "printf 'database:\\n  password: [unclosed\\n' > \"$1\"",
    );
    t.cmd(&editor)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("syntax error"))
        .stderr(predicate::str::contains("line 2, column 13"))
        .stderr(predicate::str::contains("was not changed"));
    assert_eq!(std::fs::read(&t.file).unwrap(), before);
    assert!(t.leftovers().is_empty());
}

#[test]
fn edit_with_a_killed_editor_writes_nothing_and_leaves_no_plaintext() {
    let t = Edit::new();
    let before = std::fs::read(&t.file).unwrap();
    // The editor changes the file, then dies.
    let editor = t.editor("ed.sh", "sed -i 's/app/root/' \"$1\"\nkill -9 $$");
    t.cmd(&editor)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("killed by signal 9"))
        .stderr(predicate::str::contains("was not changed"));
    assert_eq!(std::fs::read(&t.file).unwrap(), before);
    assert!(t.leftovers().is_empty());
    // An editor that exits with an error (vim's :cq) is treated the same.
    let editor = t.editor("ed2.sh", "sed -i 's/app/root/' \"$1\"\nexit 1");
    t.cmd(&editor)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("exited with status 1"));
    assert_eq!(std::fs::read(&t.file).unwrap(), before);
    assert!(t.leftovers().is_empty());
}

#[test]
fn sigterm_while_editing_removes_the_plaintext() {
    let t = Edit::new();
    let before = std::fs::read(&t.file).unwrap();
    let ready = t.env.path("ready");
    let editor = t.editor(
        "ed.sh",
        &format!(
            "sed -i 's/app/root/' \"$1\"\ntouch '{}'\nexec sleep 30",
            ready.display()
        ),
    );
    let child = StdCommand::new(assert_cmd::cargo::cargo_bin("vaultfile"))
        .env_clear()
        .env("HOME", t.env.dir.path())
        .env("VAULTFILE_AGE_KEY_FILE", &t.env.key_file)
        .env("XDG_RUNTIME_DIR", t.runtime.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("EDITOR", &editor)
        .current_dir(t.env.dir.path())
        .arg("edit")
        .arg(&t.file)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(|| ready.exists(), "the editor to start");
    assert_eq!(t.leftovers().len(), 2, "the private directory and the file");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(128 + 15));
    assert!(String::from_utf8_lossy(&out.stderr).contains("was not changed"));
    assert_eq!(std::fs::read(&t.file).unwrap(), before);
    assert!(t.leftovers().is_empty(), "{:?}", t.leftovers());
}

#[test]
fn edit_a_new_file_starts_from_a_template_and_uses_the_configuration() {
    let t = Edit::new();
    let editor = t.editor("ed.sh", "sed -i 's/change-me/fresh-secret-value/' \"$1\"");
    // Recipients from .vaultfile.yaml.
    t.env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: \\.env$\n    recipients: [{}]\n",
            t.env.public
        ),
    );
    let new = t.env.path("new.env");
    t.env
        .cmd()
        .env("XDG_RUNTIME_DIR", t.runtime.path())
        .env("EDITOR", &editor)
        .args(["edit"])
        .arg(&new)
        .assert()
        .success();
    let enc = std::fs::read_to_string(&new).unwrap();
    assert!(!enc.contains("fresh-secret-value") && enc.contains("#vaultfile:"));
    assert_eq!(
        String::from_utf8(t.env.decrypt(&new, &[])).unwrap(),
        "# New secrets file: names and comments stay readable, every value is encrypted on save.\nEXAMPLE_PASSWORD=fresh-secret-value\n"
    );
    // With -r, and a template left as it is: nothing is created.
    let other = t.env.path("other.json");
    t.env
        .cmd()
        .env("XDG_RUNTIME_DIR", t.runtime.path())
        .env("EDITOR", "true")
        .args(["edit", "-r", &t.env.public])
        .arg(&other)
        .assert()
        .success()
        .stderr(predicate::str::contains("was not created"));
    assert!(!other.exists());
    // No rule for it: the error says so before any editor runs.
    t.env
        .cmd()
        .env("XDG_RUNTIME_DIR", t.runtime.path())
        .env("EDITOR", &editor)
        .arg("edit")
        .arg(t.env.path("x.toml"))
        .assert()
        .code(5)
        .stderr(predicate::str::contains("no creation rule"));
    assert!(t.leftovers().is_empty());
}

#[test]
fn editor_command_with_arguments_and_precedence() {
    let t = Edit::new();
    let editor = t.editor(
        "ed.sh",
        "[ \"$1\" = --wait ] || exit 9\nsed -i 's/5432/6543/' \"$2\"",
    );
    t.cmd(Path::new("false"))
        .env("VISUAL", "false")
        .env("VAULTFILE_EDITOR", format!("'{}' --wait", editor.display()))
        .assert()
        .success();
    assert!(
        String::from_utf8(t.env.decrypt(&t.file, &[]))
            .unwrap()
            .contains("port: 6543")
    );
    // An editor that does not exist: a clear error, nothing changed.
    t.cmd(Path::new("no-such-editor-xyz"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot start the editor"));
    assert!(t.leftovers().is_empty());
}

#[test]
fn edit_a_file_encrypted_whole() {
    let t = Edit::new();
    let pem = t.env.write(
        "cert.pem",
        "-----BEGIN FAKE-----\nAAAA\n-----END FAKE-----\n",
    );
    let enc = t.env.encrypt(&pem, &[]);
    std::fs::write(&pem, enc).unwrap();
    let editor = t.editor("ed.sh", "sed -i 's/AAAA/BBBB/' \"$1\"");
    t.env
        .cmd()
        .env("XDG_RUNTIME_DIR", t.runtime.path())
        .env("EDITOR", &editor)
        .arg("edit")
        .arg(&pem)
        .assert()
        .success();
    assert_eq!(
        t.env.decrypt(&pem, &[]),
        b"-----BEGIN FAKE-----\nBBBB\n-----END FAKE-----\n"
    );
    assert!(t.leftovers().is_empty());
}

#[test]
fn plaintext_never_goes_inside_the_working_directory() {
    let t = Edit::new();
    let inside = t.env.path("run");
    std::fs::create_dir_all(&inside).unwrap();
    let editor = t.editor("ed.sh", "sed -i 's/app/root/' \"$1\"");
    t.cmd(&editor)
        .env("XDG_RUNTIME_DIR", &inside)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("refusing to write plaintext"));
    assert!(walk(&inside).is_empty());
}

fn wait_for(mut cond: impl FnMut() -> bool, what: &str) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A tmux server on a private socket, killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(script: &Path) -> Self {
        let found = StdCommand::new("tmux").arg("-V").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "tmux is not installed: run ./scripts/test.sh, which installs what the tests need"
        );
        let socket = format!("vaultfile-test-{}", std::process::id());
        let t = Tmux { socket };
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

    fn screen(&self) -> String {
        let out = self
            .tmux(&["capture-pane", "-p", "-t", "t"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for_text(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
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

/// On a terminal, a syntax error offers to re-open the editor; answering yes re-opens it
/// on the text as it was left, and the fixed file is saved.
#[test]
fn tmux_syntax_error_offers_to_reopen_the_editor() {
    let t = Edit::new();
    let runs = t.env.path("runs");
    // First run: break the file. Second run: check the broken text is still there, fix it.
    let editor = t.editor(
        "ed.sh",
        &format!(
            "echo run >> '{runs}'\n\
             if [ \"$(wc -l < '{runs}')\" -eq 1 ]; then\n\
               sed -i 's/port: 5432/port: [5432/' \"$1\"\n\
             else\n\
               grep -q 'port: \\[5432' \"$1\" || exit 9\n\
               sed -i 's/port: \\[5432/port: 6543/' \"$1\"\n\
             fi",
            runs = runs.display()
        ),
    );
    let bin = assert_cmd::cargo::cargo_bin("vaultfile");
    let script = t.env.write(
        "session.sh",
        format!(
            "#!/bin/sh\ncd '{dir}'\nenv -i HOME='{dir}' PATH=\"$PATH\" TERM=xterm \
             VAULTFILE_AGE_KEY_FILE='{key}' XDG_RUNTIME_DIR='{run}' EDITOR='{ed}' \
             '{bin}' edit '{file}'\necho \"exit=$?\"\nsleep 60\n",
            dir = t.env.dir.path().display(),
            key = t.env.key_file.display(),
            run = t.runtime.path().display(),
            ed = editor.display(),
            bin = bin.display(),
            file = t.file.display(),
        ),
    );
    make_executable(&script);
    let tmux = Tmux::start(&script);
    let screen = tmux.wait_for_text("Re-open the editor");
    assert!(screen.contains("syntax error"), "{screen}");
    assert!(screen.contains("line 6, column"), "{screen}");
    assert_eq!(
        t.leftovers().len(),
        2,
        "the plaintext waits in its private directory"
    );
    let ok = tmux.tmux(&["send-keys", "-t", "t", "y"]).status().unwrap();
    assert!(ok.success());
    let screen = tmux.wait_for_text("exit=");
    assert!(screen.contains("exit=0"), "{screen}");
    assert!(screen.contains("saved"), "{screen}");
    assert_eq!(std::fs::read_to_string(&runs).unwrap(), "run\nrun\n");
    assert_eq!(
        String::from_utf8(t.env.decrypt(&t.file, &[])).unwrap(),
        PLAIN.replace("5432", "6543")
    );
    assert!(t.leftovers().is_empty());
}
