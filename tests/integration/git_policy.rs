//! The `.vaultfile.yaml` rule as the truth about a protected file, checked through the real
//! `git` in temporary repositories: a blob written without the filter whose metadata names
//! an extra recipient or looser selection rules is reported by `vaultfile git check`
//! (index, HEAD, history; with or without a key) and by `vaultfile status`; a file behind
//! its rule is only a warning; and a protected file moved or copied out of the protected
//! paths is refused before it is committed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::common::Env;

/// A home directory with a generated key and a git identity (a copy of `git.rs`'s, kept
/// apart so each file stands alone).
struct World {
    env: Env,
    home: PathBuf,
}

const DB: &str = "db:\n  host: db.internal\n  user: app\n  password: hunter2\n";
const APP: &str = "api_key: k-1\ndebug: false\n";

impl World {
    fn new() -> World {
        let env = Env::new();
        let home = env.path("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        World { env, home }
    }

    /// A command with a hermetic environment; `key` decides whether our identity is found.
    fn command(&self, program: &str, dir: &Path, key: bool) -> Command {
        let program = if program == "vaultfile" {
            assert_cmd::cargo::cargo_bin("vaultfile")
        } else {
            PathBuf::from(program)
        };
        let mut c = Command::new(program);
        c.env_clear()
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("LANG", "C")
            .current_dir(dir);
        if key {
            c.env("VAULTFILE_AGE_KEY_FILE", &self.env.key_file);
        }
        c
    }

    fn run(&self, program: &str, dir: &Path, key: bool, args: &[&str]) -> Output {
        self.command(program, dir, key).args(args).output().unwrap()
    }

    /// Runs git with our key; panics with its output if it fails.
    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.run("git", dir, true, args);
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn vaultfile(&self, dir: &Path, args: &[&str]) -> Output {
        self.run("vaultfile", dir, true, args)
    }

    /// The rule file protecting `secrets/` for these recipients.
    fn rule(&self, dir: &Path, recipients: &[&str]) {
        std::fs::write(
            dir.join(".vaultfile.yaml"),
            format!(
                "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
                recipients.join(", ")
            ),
        )
        .unwrap();
    }

    /// A repository set up with `vaultfile git init --hooks`, protecting `secrets/` for our
    /// key, with one commit holding two protected files and an unprotected one.
    fn repo(&self, name: &str) -> PathBuf {
        let dir = self.env.path(name);
        std::fs::create_dir_all(dir.join("secrets")).unwrap();
        std::fs::create_dir_all(dir.join("config")).unwrap();
        self.git(&dir, &["init", "-q"]);
        self.rule(&dir, &[&self.env.public]);
        let out = self.vaultfile(&dir, &["git", "init", "--hooks"]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::write(dir.join("secrets/db.yaml"), DB).unwrap();
        std::fs::write(dir.join("secrets/app.yaml"), APP).unwrap();
        std::fs::write(dir.join("README"), "not secret\n").unwrap();
        self.git(&dir, &["add", "-A"]);
        self.git(&dir, &["commit", "-qm", "initial"]);
        dir
    }

    /// Stages `blob` (bytes written by hand, as a clone without the filter or a script
    /// would) at `path`, bypassing the clean filter.
    fn stage_by_hand(&self, repo: &Path, path: &str, blob: &[u8]) {
        let file = self.env.path("by-hand.blob");
        std::fs::write(&file, blob).unwrap();
        let oid = self.git(
            repo,
            &["hash-object", "-w", "--no-filters", file.to_str().unwrap()],
        );
        self.git(
            repo,
            &[
                "update-index",
                "--cacheinfo",
                &format!("100644,{},{path}", oid.trim()),
            ],
        );
    }

    /// `DB` encrypted with `vaultfile encrypt ARGS` outside the repository, so no rule
    /// applies: whatever recipients and selection rules the writer chose.
    fn encrypted_db(&self, args: &[&str]) -> Vec<u8> {
        let plain = self.env.path("plain-db.yaml");
        std::fs::write(&plain, DB).unwrap();
        let out = self
            .command("vaultfile", self.env.dir.path(), false)
            .arg("encrypt")
            .args(args)
            .arg(&plain)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn status_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    })
}

/// The `drift` lines `vaultfile status --json` gives for `path`.
fn drift_of(json: &serde_json::Value, path: &str) -> Vec<String> {
    let file = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in {json:#}"));
    file["drift"]
        .as_array()
        .unwrap_or_else(|| panic!("no drift list: {file:#}"))
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_blob_with_a_recipient_outside_its_rule_fails_git_check_and_status_with_or_without_a_key() {
    let w = World::new();
    let repo = w.repo("r");
    let intruder = Env::new().public;
    let blob = w.encrypted_db(&["-r", &w.env.public, "-r", &intruder]);
    w.stage_by_hand(&repo, "secrets/db.yaml", &blob);
    let expected = format!("secrets/db.yaml: recipient {intruder} is not in its rule");

    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
    // The pre-commit hook runs the same check.
    let commit = w.run("git", &repo, true, &["commit", "-qm", "sneak"]);
    assert!(!commit.status.success(), "the hook must refuse the commit");
    assert!(stderr(&commit).contains(&intruder), "{}", stderr(&commit));

    // Pushed anyway (the hook is local): the index and HEAD are both reported.
    w.git(&repo, &["commit", "-qm", "sneak", "--no-verify"]);
    let sneak = w.git(&repo, &["rev-parse", "HEAD"]);
    for key in [true, false] {
        let out = w.run("vaultfile", &repo, key, &["git", "check"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "key {key}: {err}");
        assert!(err.contains(&format!("index    {expected}")), "{err}");
        assert!(err.contains(&format!("HEAD     {expected}")), "{err}");
        assert!(err.contains("git add --renormalize"), "{err}");
    }

    // `status` reads the index (the work tree is plaintext) and reports it too.
    for key in [true, false] {
        let out = w.run("vaultfile", &repo, key, &["status"]);
        assert_eq!(out.status.code(), Some(1), "key {key}: {}", stderr(&out));
        assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
        let table = String::from_utf8_lossy(&out.stdout);
        let row = table
            .lines()
            .find(|l| l.starts_with("secrets/db.yaml"))
            .unwrap();
        assert!(row.contains("DRIFT"), "{table}");
        let json = status_json(&w.run("vaultfile", &repo, key, &["status", "--json"]));
        assert_eq!(
            drift_of(&json, "secrets/db.yaml"),
            vec![format!("recipient {intruder} is not in its rule")]
        );
        assert_eq!(drift_of(&json, "secrets/app.yaml"), Vec::<String>::new());
    }

    // A key holder's `git add` re-keys it to its rule; the commit that had it stays in
    // history, where --all-history still finds it.
    w.git(&repo, &["add", "--renormalize", "."]);
    w.git(&repo, &["commit", "-qm", "re-key to the rule"]);
    let out = w.vaultfile(&repo, &["git", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains(&intruder), "{}", stderr(&out));
    for key in [true, false] {
        let out = w.run("vaultfile", &repo, key, &["git", "check", "--all-history"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "key {key}: {err}");
        assert!(
            err.contains(&format!("{:<8} {expected}", sneak.trim())),
            "{err}"
        );
    }
}

#[test]
fn a_blob_whose_selection_rules_leave_a_value_in_plaintext_is_reported() {
    let w = World::new();
    let repo = w.repo("r");
    let blob = w.encrypted_db(&["-r", &w.env.public, "--unencrypted-regex", "^password$"]);
    assert!(String::from_utf8_lossy(&blob).contains("password: hunter2"));
    w.stage_by_hand(&repo, "secrets/db.yaml", &blob);

    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("secrets/db.yaml: its selection rules ("),
        "{err}"
    );
    assert!(err.contains("^password$"), "{err}");
    assert!(err.contains("every value encrypted"), "{err}");

    let out = w.vaultfile(&repo, &["status", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let drift = drift_of(&status_json(&out), "secrets/db.yaml");
    assert_eq!(drift.len(), 1, "{drift:?}");
    assert!(drift[0].contains("selection rules"), "{drift:?}");
}

#[test]
fn a_recipient_the_rule_gained_is_a_warning_until_git_add_renormalize_rekeys_the_file() {
    let w = World::new();
    let repo = w.repo("r");
    let newcomer = Env::new().public;
    w.rule(&repo, &[&w.env.public, &newcomer]);
    // The hook lets the commit through: a missing recipient locks someone out, it lets
    // nobody in.
    w.git(&repo, &["add", ".vaultfile.yaml"]);
    w.git(&repo, &["commit", "-qm", "add a recipient to the rule"]);
    let missing = format!("recipient {newcomer} of its rule is missing");

    let out = w.vaultfile(&repo, &["git", "check"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains(&format!("secrets/db.yaml: {missing}")),
        "{err}"
    );
    assert!(
        err.contains("git add --renormalize -- secrets/db.yaml"),
        "{err}"
    );
    let out = w.vaultfile(&repo, &["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(&missing), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let row = table
        .lines()
        .find(|l| l.starts_with("secrets/db.yaml"))
        .unwrap();
    assert!(row.contains("behind"), "{table}");

    // The clean filter re-keys each file to its rule.
    w.git(&repo, &["add", "--renormalize", "."]);
    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains(&newcomer), "{}", stderr(&out));
    w.git(&repo, &["commit", "-qm", "re-key"]);
    let out = w.vaultfile(&repo, &["git", "check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("missing"), "{}", stderr(&out));
    let json = status_json(&w.vaultfile(&repo, &["status", "--json"]));
    assert_eq!(drift_of(&json, "secrets/db.yaml"), Vec::<String>::new());
}

#[test]
fn history_is_judged_by_the_rule_of_each_commit() {
    let w = World::new();
    let repo = w.repo("r");
    // Someone who was in the team, then left: their key in old commits is no finding.
    let former = Env::new().public;
    w.rule(&repo, &[&w.env.public, &former]);
    w.git(&repo, &["add", "--renormalize", "."]);
    w.git(&repo, &["commit", "-qm", "a colleague joins"]);
    assert!(
        w.git(&repo, &["show", "HEAD:secrets/db.yaml"])
            .contains(&former)
    );
    w.rule(&repo, &[&w.env.public]);
    w.git(&repo, &["add", "--renormalize", "."]);
    w.git(&repo, &["commit", "-qm", "the colleague leaves"]);
    let out = w.vaultfile(&repo, &["git", "check", "--all-history"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // The same blob under a rule that never named them is a finding, in its commit.
    w.stage_by_hand(
        &repo,
        "secrets/db.yaml",
        &w.encrypted_db(&["-r", &w.env.public, "-r", &former]),
    );
    w.git(&repo, &["commit", "-qm", "sneak", "--no-verify"]);
    let out = w.vaultfile(&repo, &["git", "check", "--all-history"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let sneak = w.git(&repo, &["rev-parse", "HEAD"]);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(&former)).collect();
    // Index, HEAD, and the one commit: not the commits where the rule named them.
    assert_eq!(lines.len(), 3, "{err}");
    assert!(lines.iter().any(|l| l.contains(sneak.trim())), "{err}");
}

#[test]
fn git_mv_of_a_protected_file_out_of_the_protected_paths_is_refused_before_the_commit() {
    let w = World::new();
    let repo = w.repo("r");
    w.git(&repo, &["mv", "secrets/app.yaml", "config/app.yaml"]);
    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("config/app.yaml: renamed from secrets/app.yaml"),
        "{err}"
    );
    assert!(
        err.contains("git mv config/app.yaml secrets/app.yaml"),
        "{err}"
    );
    assert!(err.contains("vaultfile git init"), "{err}");
    let commit = w.run("git", &repo, true, &["commit", "-qm", "move"]);
    assert!(!commit.status.success(), "the hook must refuse the commit");
    assert!(
        stderr(&commit).contains("renamed from secrets/app.yaml"),
        "{}",
        stderr(&commit)
    );
    // Following the advice puts things right.
    w.git(&repo, &["mv", "config/app.yaml", "secrets/app.yaml"]);
    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    assert!(out.status.success(), "{}", stderr(&out));

    // `mv` then `git add -A` is a deletion and an addition to git (the ciphertext and the
    // plaintext are not similar): the plaintext of the deleted protected file is found.
    std::fs::rename(repo.join("secrets/app.yaml"), repo.join("config/app.yaml")).unwrap();
    w.git(&repo, &["add", "-A"]);
    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("config/app.yaml: holds the plaintext of secrets/app.yaml"),
        "{err}"
    );
    assert!(
        !w.run("git", &repo, true, &["commit", "-qm", "mv"])
            .status
            .success()
    );
}

#[test]
fn a_copy_of_a_protected_file_outside_the_protected_paths_is_refused_and_other_files_are_not() {
    let w = World::new();
    let repo = w.repo("r");
    std::fs::copy(repo.join("secrets/app.yaml"), repo.join("config/copy.yaml")).unwrap();
    w.git(&repo, &["add", "config/copy.yaml"]);
    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("config/copy.yaml: holds the plaintext of secrets/app.yaml"),
        "{err}"
    );
    assert!(err.contains("git rm --cached config/copy.yaml"), "{err}");
    let commit = w.run("git", &repo, true, &["commit", "-qm", "copy"]);
    assert!(!commit.status.success(), "the hook must refuse the commit");
    assert!(
        stderr(&commit).contains("config/copy.yaml"),
        "{}",
        stderr(&commit)
    );

    // An unrelated file is committed as usual.
    w.git(&repo, &["rm", "-q", "--cached", "config/copy.yaml"]);
    std::fs::write(repo.join("config/app.yaml"), "debug: true\n").unwrap();
    w.git(&repo, &["add", "config/app.yaml"]);
    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    w.git(&repo, &["commit", "-qm", "unrelated"]);
}
