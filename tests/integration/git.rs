//! The git integration driven through the real `git` in temporary repositories: clone
//! with and without a key, stable blobs, textconv, merge and rebase,
//! stash/checkout/reset/worktree, `add -p`, the leak check and the hook, and the filter
//! protocol spoken directly.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::common::Env;

/// A home directory with a generated key and a git identity, and helpers to run git and
/// vaultfile in repositories under it.
struct World {
    env: Env,
    home: PathBuf,
}

const DB: &str = "db:\n  host: db.internal\n  user: app\n  password: hunter2\n\nlogging:\n  level: info\n  format: json\n\napi:\n  token: tok-123\n  timeout: 30\n";

impl World {
    fn new() -> World {
        let env = Env::new();
        let home = env.path("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n[protocol \"file\"]\n\tallow = always\n",
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
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn vaultfile(&self, dir: &Path, args: &[&str]) -> Output {
        self.run("vaultfile", dir, true, args)
    }

    /// A repository set up with `vaultfile git init`, protecting `secrets/**` through a
    /// `.vaultfile.yaml` rule, with one commit holding two protected files.
    fn repo(&self, name: &str) -> PathBuf {
        let dir = self.env.path(name);
        std::fs::create_dir_all(dir.join("secrets")).unwrap();
        self.git(&dir, &["init", "-q"]);
        std::fs::write(
            dir.join(".vaultfile.yaml"),
            format!(
                "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
                self.env.public
            ),
        )
        .unwrap();
        let out = self.vaultfile(&dir, &["git", "init", "--hooks"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(dir.join("secrets/db.yaml"), DB).unwrap();
        std::fs::write(
            dir.join("secrets/app.json"),
            "{\n  \"api_key\": \"k-1\",\n  \"debug\": false\n}\n",
        )
        .unwrap();
        std::fs::write(dir.join("README"), "not secret\n").unwrap();
        self.git(&dir, &["add", "-A"]);
        self.git(&dir, &["commit", "-qm", "initial"]);
        dir
    }
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn is_ciphertext(text: &str) -> bool {
    text.contains("VF1.") && text.contains("vaultfile:")
}

/// The `+`/`-` lines of a unified diff, without the file headers.
fn changed_lines(diff: &str) -> Vec<&str> {
    diff.lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect()
}

#[test]
fn the_repository_stores_ciphertext_and_the_work_tree_plaintext() {
    let w = World::new();
    let repo = w.repo("r");
    let blob = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    assert!(is_ciphertext(&blob), "{blob}");
    assert!(!blob.contains("hunter2"));
    assert_eq!(read(repo.join("secrets/db.yaml")), DB);
    assert_eq!(w.git(&repo, &["show", "HEAD:README"]), "not secret\n");
    assert_eq!(w.git(&repo, &["status", "--porcelain"]), "");
}

#[test]
fn clone_with_a_key_checks_out_plaintext_and_status_is_clean() {
    let w = World::new();
    let origin = w.repo("origin");
    // As `git lfs install`: the drivers in ~/.gitconfig, so a plain clone decrypts.
    let out = w.vaultfile(&w.home, &["git", "init", "--global"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    w.git(
        w.env.dir.path(),
        &["clone", "-q", origin.to_str().unwrap(), "clone"],
    );
    let clone = w.env.path("clone");
    assert_eq!(read(clone.join("secrets/db.yaml")), DB);
    assert!(read(clone.join("secrets/app.json")).contains("\"k-1\""));
    assert_eq!(w.git(&clone, &["status", "--porcelain"]), "");
    // Touching every file makes git run clean again: still nothing to commit.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    for f in ["secrets/db.yaml", "secrets/app.json"] {
        let p = clone.join(f);
        std::fs::write(&p, std::fs::read(&p).unwrap()).unwrap();
    }
    assert_eq!(w.git(&clone, &["status", "--porcelain"]), "");
}

#[test]
fn clone_without_a_key_checks_out_ciphertext_with_one_warning_per_file() {
    let w = World::new();
    let origin = w.repo("origin");
    assert!(
        w.vaultfile(&w.home, &["git", "init", "--global"])
            .status
            .success()
    );
    let out = w.run(
        "git",
        w.env.dir.path(),
        false,
        &["clone", "-q", origin.to_str().unwrap(), "clone"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let clone = w.env.path("clone");
    let on_disk = read(clone.join("secrets/db.yaml"));
    assert!(is_ciphertext(&on_disk));
    assert_eq!(on_disk, w.git(&origin, &["show", "HEAD:secrets/db.yaml"]));
    for f in ["secrets/db.yaml", "secrets/app.json"] {
        let n = stderr.lines().filter(|l| l.contains(f)).count();
        assert_eq!(n, 1, "one warning for {f}:\n{stderr}");
    }
    // Without a key, git status is still clean and nothing can be re-encrypted.
    let status = w.run("git", &clone, false, &["status", "--porcelain"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");

    // Later, with the key: `vaultfile git init` decrypts the checked-out files.
    let out = w.vaultfile(&clone, &["git", "init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(clone.join("secrets/db.yaml")), DB);
    assert_eq!(w.git(&clone, &["status", "--porcelain"]), "");
}

#[test]
fn unchanged_plaintext_stores_the_identical_blob_and_an_edit_changes_two_lines() {
    let w = World::new();
    let repo = w.repo("r");
    let before = w.git(&repo, &["rev-parse", ":secrets/db.yaml"]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(repo.join("secrets/db.yaml"), DB).unwrap();
    w.git(&repo, &["add", "--renormalize", "."]);
    assert_eq!(w.git(&repo, &["rev-parse", ":secrets/db.yaml"]), before);

    std::fs::write(
        repo.join("secrets/db.yaml"),
        DB.replace("hunter2", "correct-horse"),
    )
    .unwrap();
    let diff = w.git(&repo, &["diff"]);
    assert_eq!(
        changed_lines(&diff),
        ["-  password: hunter2", "+  password: correct-horse"],
        "{diff}"
    );
    w.git(&repo, &["commit", "-qam", "rotate password"]);
    let old = w.git(&repo, &["show", "HEAD~1:secrets/db.yaml"]);
    let new = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    let differing: Vec<(&str, &str)> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(old.lines().count(), new.lines().count());
    assert_eq!(differing.len(), 2, "{differing:?}");
    assert!(differing[0].0.starts_with("  password: VF1."));
    assert!(differing[1].0.trim_start().starts_with("mac:"));
    // `git log -p` shows the decrypted change too.
    let log = w.git(&repo, &["log", "-p", "-1"]);
    assert!(log.contains("+  password: correct-horse"), "{log}");
}

fn branch_edit(w: &World, repo: &Path, branch: &str, from: &str, to: &str) {
    w.git(repo, &["checkout", "-q", "-b", branch, "main"]);
    let p = repo.join("secrets/db.yaml");
    let text = read(&p);
    assert!(text.contains(from));
    std::fs::write(&p, text.replace(from, to)).unwrap();
    w.git(repo, &["commit", "-qam", branch]);
}

#[test]
fn merge_of_edits_to_different_values_has_no_conflict() {
    let w = World::new();
    let repo = w.repo("r");
    branch_edit(&w, &repo, "a", "hunter2", "pw-from-a");
    branch_edit(&w, &repo, "b", "tok-123", "tok-from-b");
    w.git(&repo, &["checkout", "-q", "a"]);
    w.git(&repo, &["merge", "-q", "--no-edit", "b"]);
    let merged = read(repo.join("secrets/db.yaml"));
    assert_eq!(
        merged,
        DB.replace("hunter2", "pw-from-a")
            .replace("tok-123", "tok-from-b")
    );
    assert!(is_ciphertext(
        &w.git(&repo, &["show", "HEAD:secrets/db.yaml"])
    ));
    assert_eq!(w.git(&repo, &["status", "--porcelain"]), "");
    let out = w.vaultfile(&repo, &["git", "check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rebase_of_edits_to_different_values_has_no_conflict() {
    let w = World::new();
    let repo = w.repo("r");
    branch_edit(&w, &repo, "a", "hunter2", "pw-from-a");
    branch_edit(&w, &repo, "b", "tok-123", "tok-from-b");
    w.git(&repo, &["rebase", "-q", "a"]);
    assert_eq!(
        read(repo.join("secrets/db.yaml")),
        DB.replace("hunter2", "pw-from-a")
            .replace("tok-123", "tok-from-b")
    );
    assert_eq!(w.git(&repo, &["status", "--porcelain"]), "");
}

#[test]
fn merge_of_edits_to_the_same_value_leaves_markers_around_plaintext() {
    let w = World::new();
    let repo = w.repo("r");
    branch_edit(&w, &repo, "a", "hunter2", "pw-from-a");
    branch_edit(&w, &repo, "b", "hunter2", "pw-from-b");
    w.git(&repo, &["checkout", "-q", "a"]);
    let out = w.run("git", &repo, true, &["merge", "--no-edit", "b"]);
    assert!(!out.status.success(), "the merge must report a conflict");
    let text = read(repo.join("secrets/db.yaml"));
    assert!(text.contains("<<<<<<< "), "{text}");
    assert!(
        text.contains("  password: pw-from-a\n=======\n  password: pw-from-b\n"),
        "{text}"
    );
    assert!(
        !text.contains("VF1."),
        "markers never go inside ciphertext:\n{text}"
    );
    // Staging with the markers still in is refused (it is not valid YAML)…
    let add = w.run("git", &repo, true, &["add", "secrets/db.yaml"]);
    assert!(!add.status.success());
    assert!(String::from_utf8_lossy(&add.stderr).contains("conflict markers"));
    // …and once resolved it is encrypted again.
    std::fs::write(
        repo.join("secrets/db.yaml"),
        DB.replace("hunter2", "pw-resolved"),
    )
    .unwrap();
    w.git(&repo, &["add", "secrets/db.yaml"]);
    w.git(&repo, &["commit", "-qm", "merged"]);
    let blob = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    assert!(is_ciphertext(&blob) && !blob.contains("pw-resolved"));
}

#[test]
fn stash_checkout_reset_and_worktree_keep_plaintext_in_the_work_tree() {
    let w = World::new();
    let repo = w.repo("r");
    let p = repo.join("secrets/db.yaml");
    std::fs::write(&p, DB.replace("hunter2", "stashed")).unwrap();
    w.git(&repo, &["stash", "-q"]);
    assert_eq!(read(&p), DB);
    w.git(&repo, &["stash", "pop", "-q"]);
    assert_eq!(read(&p), DB.replace("hunter2", "stashed"));
    w.git(&repo, &["checkout", "--", "secrets/db.yaml"]);
    assert_eq!(read(&p), DB);
    std::fs::write(&p, "garbage").unwrap();
    w.git(&repo, &["reset", "-q", "--hard"]);
    assert_eq!(read(&p), DB);
    assert_eq!(w.git(&repo, &["status", "--porcelain"]), "");

    let wt = w.env.path("wt");
    w.git(
        &repo,
        &["worktree", "add", "-q", wt.to_str().unwrap(), "-b", "side"],
    );
    assert_eq!(read(wt.join("secrets/db.yaml")), DB);
    std::fs::write(wt.join("secrets/db.yaml"), DB.replace("tok-123", "tok-wt")).unwrap();
    w.git(&wt, &["commit", "-qam", "from the worktree"]);
    let blob = w.git(&repo, &["show", "side:secrets/db.yaml"]);
    assert!(is_ciphertext(&blob) && !blob.contains("tok-wt"));
    assert_eq!(w.git(&wt, &["status", "--porcelain"]), "");
}

#[test]
fn add_patch_refuses_to_stage_part_of_a_protected_file() {
    let w = World::new();
    let repo = w.repo("r");
    let before = w.git(&repo, &["rev-parse", ":secrets/db.yaml"]);
    std::fs::write(
        repo.join("secrets/db.yaml"),
        DB.replace("app", "app2").replace("tok-123", "tok-2"),
    )
    .unwrap();
    let mut child = w
        .command("git", &repo, true)
        .args(["add", "-p", "secrets/db.yaml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"s\ny\nn\nq\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("Only binary files changed"), "{said}");
    // Nothing half-staged: the index blob is unchanged, and passes the check.
    assert_eq!(w.git(&repo, &["rev-parse", ":secrets/db.yaml"]), before);
    assert!(
        w.vaultfile(&repo, &["git", "check", "--staged"])
            .status
            .success()
    );
}

#[test]
fn plaintext_staged_without_the_filter_is_reported_and_blocked_by_the_hook() {
    let w = World::new();
    let repo = w.repo("r");
    // What a clone without the filter (or a GUI that ignores it) stores.
    std::fs::write(repo.join("secrets/new.yaml"), "token: plain-secret\n").unwrap();
    let oid = w.git(
        &repo,
        &["hash-object", "-w", "--no-filters", "secrets/new.yaml"],
    );
    w.git(
        &repo,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("100644,{},secrets/new.yaml", oid.trim()),
        ],
    );
    let out = w.vaultfile(&repo, &["git", "check", "--staged"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("secrets/new.yaml: stored in plaintext"),
        "{stderr}"
    );
    let commit = w.run("git", &repo, true, &["commit", "-qm", "leak"]);
    assert!(
        !commit.status.success(),
        "the pre-commit hook must refuse the commit"
    );
    assert!(String::from_utf8_lossy(&commit.stderr).contains("secrets/new.yaml"));
    // Bypassing the hook puts it in history, where --all-history still finds it.
    w.git(&repo, &["commit", "-qm", "leak", "--no-verify"]);
    w.git(&repo, &["rm", "-q", "--cached", "secrets/new.yaml"]);
    w.git(&repo, &["commit", "-qm", "remove"]);
    assert!(w.vaultfile(&repo, &["git", "check"]).status.success());
    let out = w.vaultfile(&repo, &["git", "check", "--all-history"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("secrets/new.yaml"));
}

#[test]
fn init_twice_changes_nothing_and_deinit_undoes_it() {
    let w = World::new();
    let repo = w.repo("r");
    let config = read(repo.join(".git/config"));
    let attributes = read(repo.join(".gitattributes"));
    let out = w.vaultfile(&repo, &["git", "init", "--hooks"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing changed"));
    assert_eq!(read(repo.join(".git/config")), config);
    assert_eq!(read(repo.join(".gitattributes")), attributes);

    let out = w.vaultfile(&repo, &["git", "deinit"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!read(repo.join(".git/config")).contains("vaultfile"));
    assert!(!read(repo.join(".gitattributes")).contains("vaultfile"));
    assert!(!repo.join(".git/hooks/pre-commit").exists());
    // No plaintext left behind in a work tree that no longer encrypts.
    assert!(is_ciphertext(&read(repo.join("secrets/db.yaml"))));
}

/// Speaks the long-running protocol to `vaultfile git filter-process` directly.
#[test]
fn filter_process_protocol_handles_several_files_and_isolates_errors() {
    let w = World::new();
    let repo = w.repo("r");
    let mut session = b"0016git-filter-client\n000eversion=2\n0000".to_vec();
    let mut add = |lines: &[&[u8]], content: Option<&[u8]>| {
        for l in lines {
            session.extend_from_slice(format!("{:04x}", l.len() + 4).as_bytes());
            session.extend_from_slice(l);
        }
        session.extend_from_slice(b"0000");
        if let Some(c) = content {
            if !c.is_empty() {
                session.extend_from_slice(format!("{:04x}", c.len() + 4).as_bytes());
                session.extend_from_slice(c);
            }
            session.extend_from_slice(b"0000");
        }
    };
    add(
        &[
            b"capability=clean\n",
            b"capability=smudge\n",
            b"capability=delay\n",
        ],
        None,
    );
    add(
        &[b"command=clean\n", b"pathname=secrets/one.yaml\n"],
        Some(b"a: 1\n"),
    );
    add(
        &[b"command=clean\n", b"pathname=secrets/bad.yaml\n"],
        Some(b"a: [\n"),
    );
    add(
        &[b"command=clean\n", b"pathname=secrets/two.json\n"],
        Some(b"{\"b\": 2}\n"),
    );
    let blob = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    add(
        &[b"command=smudge\n", b"pathname=secrets/db.yaml\n"],
        Some(blob.as_bytes()),
    );
    // Delayed (git's `delay` capability): started now, listed as ready, then fetched with
    // no content.
    add(
        &[
            b"command=smudge\n",
            b"pathname=secrets/db.yaml\n",
            b"can-delay=1\n",
        ],
        Some(blob.as_bytes()),
    );
    add(&[b"command=list_available_blobs\n"], None);
    add(
        &[b"command=smudge\n", b"pathname=secrets/db.yaml\n"],
        Some(b""),
    );
    // Nothing left: an empty list.
    add(&[b"command=list_available_blobs\n"], None);
    // A command that was never negotiated.
    add(&[b"command=frobnicate\n", b"pathname=x\n"], Some(b""));

    let mut child = w
        .command("vaultfile", &repo, true)
        .args(["git", "filter-process"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&session).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Parse the replies.
    let mut r = &out.stdout[..];
    let mut next = || -> Option<Vec<u8>> {
        let len = usize::from_str_radix(std::str::from_utf8(&r[..4]).unwrap(), 16).unwrap();
        let (p, rest) = if len == 0 {
            (None, &r[4..])
        } else {
            (Some(r[4..len].to_vec()), &r[len..])
        };
        r = rest;
        p
    };
    let mut list = || {
        let mut v = Vec::new();
        while let Some(p) = next() {
            v.push(String::from_utf8(p).unwrap());
        }
        v
    };
    assert_eq!(list(), ["git-filter-server\n", "version=2\n"]);
    assert_eq!(
        list(),
        [
            "capability=clean\n",
            "capability=smudge\n",
            "capability=delay\n"
        ]
    );
    let mut reply = |content: bool| {
        let status = list();
        let body = if content {
            let b = list().concat();
            assert!(list().is_empty());
            b
        } else {
            String::new()
        };
        (status, body)
    };
    let (s, one) = reply(true);
    assert_eq!(s, ["status=success\n"]);
    assert!(is_ciphertext(&one), "{one}");
    assert_eq!(reply(false).0, ["status=error\n"]);
    let (s, two) = reply(true);
    assert_eq!(s, ["status=success\n"]);
    assert!(two.contains("\"b\": \"VF1."), "{two}");
    let (s, db) = reply(true);
    assert_eq!(s, ["status=success\n"]);
    assert_eq!(db, DB);
    assert_eq!(reply(false).0, ["status=delayed\n"]);
    assert_eq!(reply(false).0, ["pathname=secrets/db.yaml\n"]);
    assert_eq!(reply(false).0, ["status=success\n"]);
    let (s, db) = reply(true);
    assert_eq!(s, ["status=success\n"]);
    assert_eq!(db, DB);
    assert!(reply(false).0.is_empty(), "nothing is left to list");
    assert_eq!(reply(false).0, ["status=success\n"]);
    assert_eq!(reply(false).0, ["status=abort\n"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("secrets/bad.yaml"),
        "the failing file is named: {stderr}"
    );
}

#[test]
fn one_shot_clean_and_smudge_give_the_same_blobs_as_the_process() {
    let w = World::new();
    let repo = w.repo("r");
    let before = w.git(&repo, &["rev-parse", "HEAD:secrets/db.yaml"]);
    // Tools that only know one-shot filters use filter.vaultfile.clean/smudge.
    w.git(&repo, &["config", "--unset", "filter.vaultfile.process"]);
    std::fs::remove_file(repo.join("secrets/db.yaml")).unwrap();
    w.git(&repo, &["checkout", "--", "secrets/db.yaml"]);
    assert_eq!(read(repo.join("secrets/db.yaml")), DB);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(repo.join("secrets/db.yaml"), DB).unwrap();
    w.git(&repo, &["add", "secrets/db.yaml"]);
    assert_eq!(w.git(&repo, &["rev-parse", ":secrets/db.yaml"]), before);
    std::fs::write(repo.join("secrets/db.yaml"), DB.replace("tok-123", "tok-9")).unwrap();
    w.git(&repo, &["add", "secrets/db.yaml"]);
    let blob = w.git(&repo, &["show", ":secrets/db.yaml"]);
    assert!(is_ciphertext(&blob) && !blob.contains("tok-9"));
}

#[test]
fn textconv_without_a_key_shows_ciphertext_instead_of_failing() {
    let w = World::new();
    let repo = w.repo("r");
    std::fs::write(
        repo.join("secrets/db.yaml"),
        DB.replace("hunter2", "s3cret"),
    )
    .unwrap();
    w.git(&repo, &["commit", "-qam", "change"]);
    let out = w.run("git", &repo, false, &["log", "-p", "-1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("+  password: VF1."), "{log}");
    assert!(!log.contains("s3cret"));
    let with_key = w.git(&repo, &["log", "-p", "-1"]);
    assert!(with_key.contains("+  password: s3cret"), "{with_key}");
}

#[test]
fn checkout_of_an_altered_blob_fails_for_that_file_with_a_clear_error() {
    let w = World::new();
    let repo = w.repo("r");
    let blob = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    let token = |key: &str| -> String {
        let line = blob
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap();
        line.split_once(": ").unwrap().1.to_owned()
    };
    let (user, password) = (token("user:"), token("password:"));
    let swapped = blob
        .replace(&user, "@@")
        .replace(&password, &user)
        .replace("@@", &password);
    std::fs::write(w.env.path("swapped.yaml"), swapped).unwrap();
    let oid = w.git(
        &repo,
        &["hash-object", "-w", "--no-filters", "../swapped.yaml"],
    );
    w.git(
        &repo,
        &[
            "update-index",
            "--cacheinfo",
            &format!("100644,{},secrets/db.yaml", oid.trim()),
        ],
    );
    std::fs::remove_file(repo.join("secrets/db.yaml")).unwrap();
    let out = w.run("git", &repo, true, &["checkout", "--", "secrets/db.yaml"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("integrity check failed for secrets/db.yaml"),
        "{stderr}"
    );
    assert!(
        !repo.join("secrets/db.yaml").exists()
            || !read(repo.join("secrets/db.yaml")).contains("hunter2")
    );
    let check = w.vaultfile(&repo, &["git", "check", "--staged"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("fails its integrity check"));
}

#[test]
fn a_new_protected_file_without_recipients_is_refused_by_git_add() {
    let w = World::new();
    let repo = w.repo("r");
    // Protected by an attribute, but no .vaultfile.yaml rule says who may read it.
    let out = w.vaultfile(&repo, &["git", "init", "*.secret.yaml"]);
    assert!(out.status.success());
    std::fs::write(repo.join("prod.secret.yaml"), "key: value\n").unwrap();
    let out = w.run("git", &repo, true, &["add", "prod.secret.yaml"]);
    assert!(!out.status.success(), "git must refuse the add");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot encrypt prod.secret.yaml"),
        "{stderr}"
    );
    assert!(stderr.contains("no creation rule"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no colour in a pipe: {stderr:?}"
    );
    assert!(w.git(&repo, &["ls-files", "prod.secret.yaml"]).is_empty());
    // The filter's error is coloured as every other error is, when asked (git passes the
    // filter's stderr through, and its environment in).
    let out = w
        .command("git", &repo, true)
        .env("CLICOLOR_FORCE", "1")
        .args(["add", "prod.secret.yaml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("\u{1b}[") && stderr.contains("cannot encrypt prod.secret.yaml"),
        "{stderr:?}"
    );
}

#[test]
fn explicit_git_dir_and_submodules_work() {
    let w = World::new();
    let sub = w.repo("sub");
    let top = w.repo("top");
    w.git(
        &top,
        &[
            "submodule",
            "add",
            "-q",
            sub.to_str().unwrap(),
            "vendor/sub",
        ],
    );
    w.git(&top, &["commit", "-qm", "add submodule"]);
    let in_sub = top.join("vendor/sub");
    // The submodule's checkout ran without a filter (the drivers are local to `sub`).
    let out = w.vaultfile(&in_sub, &["git", "init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(in_sub.join("secrets/db.yaml")), DB);
    assert_eq!(w.git(&in_sub, &["status", "--porcelain"]), "");

    // GIT_DIR and GIT_WORK_TREE given explicitly, from outside the work tree.
    let out = w
        .command("git", w.env.dir.path(), true)
        .env("GIT_DIR", top.join(".git"))
        .env("GIT_WORK_TREE", &top)
        .args(["status", "--porcelain", "--ignore-submodules"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    std::fs::write(top.join("secrets/db.yaml"), DB.replace("info", "debug")).unwrap();
    let out = w
        .command("git", w.env.dir.path(), true)
        .env("GIT_DIR", top.join(".git"))
        .env("GIT_WORK_TREE", &top)
        .args(["commit", "-qam", "from outside"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let blob = w.git(&top, &["show", "HEAD:secrets/db.yaml"]);
    assert!(is_ciphertext(&blob) && !blob.contains("debug"));
}

#[test]
fn status_lists_protected_files_locked_or_not_with_recipients() {
    let w = World::new();
    let repo = w.repo("r");
    let out = w.vaultfile(&repo, &["git", "status"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("filter: configured"), "{stdout}");
    assert!(stdout.contains("decrypted secrets/db.yaml"), "{stdout}");
    assert!(stdout.contains(&w.env.public[..12]), "{stdout}");
    assert!(!stdout.contains("README"));
}

#[test]
fn everyday_commands_work_on_the_decrypted_work_tree() {
    let w = World::new();
    let repo = w.repo("r");
    let get = w.vaultfile(&repo, &["get", "secrets/db.yaml", "db.password"]);
    assert!(
        get.status.success(),
        "{}",
        String::from_utf8_lossy(&get.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&get.stdout), "hunter2");
    let run = w.vaultfile(
        &repo,
        &[
            "exec-env",
            "secrets/db.yaml",
            "--",
            "sh",
            "-c",
            "printf %s \"$API_TOKEN\"",
        ],
    );
    assert_eq!(String::from_utf8_lossy(&run.stdout), "tok-123");
    // `set` edits the plaintext in place; git encrypts it on add.
    let set = w.vaultfile(&repo, &["set", "secrets/db.yaml", "db.password", "n3w"]);
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    assert_eq!(
        read(repo.join("secrets/db.yaml")),
        DB.replace("hunter2", "n3w")
    );
    w.git(&repo, &["commit", "-qam", "set"]);
    let blob = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    // Not the plaintext line (three letters alone may turn up inside a random token).
    assert!(is_ciphertext(&blob) && !blob.contains("password: n3w"));
    // An unprotected plaintext file is still refused: nothing says git encrypts it.
    std::fs::write(repo.join("plain.yaml"), "a: 1\n").unwrap();
    let get = w.vaultfile(&repo, &["get", "plain.yaml", "a"]);
    assert_eq!(get.status.code(), Some(4));
}

/// Format 2: without the key nothing in an encrypted file may change, not even a comment;
/// git refuses the `add` and says who can make the change.
#[test]
fn a_clone_without_the_key_cannot_change_a_comment_of_an_encrypted_file() {
    let w = World::new();
    let origin = w.repo("origin");
    assert!(
        w.vaultfile(&w.home, &["git", "init", "--global"])
            .status
            .success()
    );
    let out = w.run(
        "git",
        w.env.dir.path(),
        false,
        &["clone", "-q", origin.to_str().unwrap(), "clone"],
    );
    assert!(out.status.success());
    let clone = w.env.path("clone");
    let stored = w.git(&clone, &["rev-parse", ":secrets/db.yaml"]);
    let on_disk = read(clone.join("secrets/db.yaml"));
    assert!(is_ciphertext(&on_disk));
    std::fs::write(
        clone.join("secrets/db.yaml"),
        format!("# reviewed, nothing to see\n{on_disk}"),
    )
    .unwrap();
    let out = w.run("git", &clone, false, &["add", "secrets/db.yaml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("no identity at hand opens it")
            && stderr.contains("only a recipient of the file can change it")
            && stderr.contains(&w.env.public),
        "{stderr}"
    );
    assert_eq!(w.git(&clone, &["rev-parse", ":secrets/db.yaml"]), stored);
    // Restored byte for byte, the file is accepted again.
    std::fs::write(clone.join("secrets/db.yaml"), &on_disk).unwrap();
    let out = w.run("git", &clone, false, &["add", "secrets/db.yaml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(w.git(&clone, &["rev-parse", ":secrets/db.yaml"]), stored);
}

/// Format 2: a comment is authenticated, so editing one changes that line and the MAC,
/// and nothing else.
#[test]
fn editing_a_comment_changes_the_comment_and_the_mac_only() {
    let w = World::new();
    let repo = w.repo("r");
    let with_comment = format!("# owner: team-a\n{DB}");
    std::fs::write(repo.join("secrets/db.yaml"), &with_comment).unwrap();
    w.git(&repo, &["commit", "-qam", "comment"]);
    std::fs::write(
        repo.join("secrets/db.yaml"),
        with_comment.replace("team-a", "team-b"),
    )
    .unwrap();
    w.git(&repo, &["commit", "-qam", "new owner"]);
    let old = w.git(&repo, &["show", "HEAD~1:secrets/db.yaml"]);
    let new = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    let differing: Vec<(&str, &str)> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(old.lines().count(), new.lines().count());
    assert_eq!(differing.len(), 2, "{differing:?}");
    assert_eq!(differing[0], ("# owner: team-a", "# owner: team-b"));
    assert!(differing[1].0.trim_start().starts_with("mac:"));
}

/// A version-1 blob stays as it is while its plaintext does not change (so upgrading
/// vaultfile never shows files as modified), and `vaultfile upgrade` stages it again in
/// format 2 with the same data key and tokens.
#[test]
fn upgrade_stages_version_1_blobs_again_and_unchanged_ones_stay_put_until_then() {
    let w = World::new();
    let repo = w.repo("r");
    let v1 = super::common::fixtures_dir().join("v1");
    // Our key file also holds the fixtures' test-only key.
    let mut keys = read(&w.env.key_file);
    keys.push_str(&read(v1.join("test-only-key.txt")));
    std::fs::write(&w.env.key_file, keys).unwrap();
    // The file's own rule names the fixtures' recipient, so the rule asks for no change.
    let public = read(v1.join("test-only-key.txt"))
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_owned))
        .unwrap();
    let config = read(repo.join(".vaultfile.yaml")).replace(
        "creation_rules:\n",
        &format!(
            "creation_rules:\n  - path_regex: ^secrets/old\\.yaml$\n    recipients: [{public}]\n"
        ),
    );
    std::fs::write(repo.join(".vaultfile.yaml"), config).unwrap();
    let old_blob = read(v1.join("anchors.yaml"));
    let plain = read(v1.join("plain-anchors.yaml"));
    std::fs::write(repo.join("secrets/old.yaml"), &old_blob).unwrap();
    w.git(&repo, &["add", "secrets/old.yaml", ".vaultfile.yaml"]);
    w.git(&repo, &["commit", "-qm", "a version-1 file"]);
    assert_eq!(w.git(&repo, &["show", "HEAD:secrets/old.yaml"]), old_blob);
    std::fs::remove_file(repo.join("secrets/old.yaml")).unwrap();
    w.git(&repo, &["checkout", "--", "secrets/old.yaml"]);
    assert_eq!(read(repo.join("secrets/old.yaml")), plain);
    // Rewritten with the same content: still unmodified, the blob kept.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(repo.join("secrets/old.yaml"), &plain).unwrap();
    assert_eq!(w.git(&repo, &["status", "--porcelain"]), "");
    w.git(&repo, &["add", "--renormalize", "."]);
    assert_eq!(w.git(&repo, &["show", ":secrets/old.yaml"]), old_blob);

    let out = w.vaultfile(&repo, &["upgrade"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("secrets/old.yaml: format 1 → 2 (staged"),
        "{stdout}"
    );
    let staged = w.git(&repo, &["show", ":secrets/old.yaml"]);
    assert!(staged.contains("  version: 2\n"), "{staged}");
    let tokens = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.contains("VF1."))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(tokens(&staged), tokens(&old_blob));
    assert_eq!(
        w.git(&repo, &["status", "--porcelain"]),
        "M  secrets/old.yaml\n"
    );
    w.git(&repo, &["commit", "-qm", "vaultfile: format 2"]);
    let mut decrypt = w.command("vaultfile", &repo, true);
    let blob = w.git(&repo, &["show", "HEAD:secrets/old.yaml"]);
    let out = decrypt
        .args(["decrypt", "--input-type", "yaml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().unwrap().write_all(blob.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), plain);
    // Nothing left to upgrade.
    let out = w.vaultfile(&repo, &["upgrade"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("nothing to upgrade"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

// ---------------------------------------------------------------------------------------
// The rule is the truth, in repositories set up with `vaultfile git init`.

impl World {
    /// Decrypts the blob `spec` (`HEAD:path`, `:path`) with the key in `key_file`; the
    /// output says who can open what git stores.
    fn decrypt_blob(&self, repo: &Path, spec: &str, key_file: &Path) -> Output {
        let blob = self.git(repo, &["show", spec]);
        let path = spec.rsplit(':').next().unwrap();
        let input_type = match Path::new(path).extension().and_then(|e| e.to_str()) {
            Some("json") => "json",
            _ => "yaml",
        };
        let mut c = self.command("vaultfile", repo, false);
        c.env("VAULTFILE_AGE_KEY_FILE", key_file)
            .args(["decrypt", "--input-type", input_type])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(blob.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Rewrites the repository's rule for `secrets/` with these recipients and extra lines.
    fn set_rule(&self, repo: &Path, recipients: &[&str], extra: &str) {
        std::fs::write(
            repo.join(".vaultfile.yaml"),
            format!(
                "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n{extra}",
                recipients.join(", ")
            ),
        )
        .unwrap();
    }
}

fn tokens_of(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains("VF1."))
        .map(str::to_owned)
        .collect()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Adding a recipient to the rule, removing one and changing the selection rules, through
/// `updatekeys` (which stages the new versions) and `git add --renormalize`; each time the
/// committed blob opens for exactly the rule's recipients.
#[test]
fn updatekeys_and_renormalize_give_committed_blobs_the_rules_recipients() {
    let w = World::new();
    let repo = w.repo("r");
    let bob = Env::new();
    let before = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);

    // Bob joins: updatekeys stages both files, with the same data key.
    w.set_rule(&repo, &[&w.env.public, &bob.public], "");
    let out = w.vaultfile(&repo, &["updatekeys", "--yes", "secrets"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("secrets/db.yaml (in git's index)")
            && stdout(&out).contains(&format!("+ {}", super::common::shown(&bob.public)))
            && stdout(&out).contains("2 files updated, 0 up to date"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("`git commit` records the change"),
        "{}",
        stderr(&out)
    );
    // The work tree keeps its plaintext and git sees only the staged change.
    assert_eq!(read(repo.join("secrets/db.yaml")), DB);
    assert_eq!(
        w.git(&repo, &["status", "--porcelain"]),
        " M .vaultfile.yaml\nM  secrets/app.json\nM  secrets/db.yaml\n"
    );
    w.git(&repo, &["commit", "-qam", "bob joins"]);
    let after = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    assert_eq!(
        tokens_of(&after),
        tokens_of(&before),
        "adding keeps the key"
    );
    let out = w.decrypt_blob(&repo, "HEAD:secrets/db.yaml", &bob.key_file);
    assert_eq!(stdout(&out), DB, "{}", stderr(&out));
    // Nothing left to do, and it says so.
    let out = w.vaultfile(&repo, &["updatekeys", "--yes", "secrets"]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("0 files updated, 2 up to date"),
        "{}",
        stdout(&out)
    );

    // Bob leaves: `git add --renormalize` re-keys through the filter, with a new key.
    w.set_rule(&repo, &[&w.env.public], "");
    w.git(&repo, &["add", "--renormalize", "."]);
    w.git(&repo, &["commit", "-qam", "bob leaves"]);
    let out = w.decrypt_blob(&repo, "HEAD:secrets/db.yaml", &bob.key_file);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let out = w.decrypt_blob(&repo, "HEAD:secrets/db.yaml", &w.env.key_file);
    assert_eq!(stdout(&out), DB);
    let rotated = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    assert!(
        tokens_of(&rotated)
            .iter()
            .all(|t| !tokens_of(&after).contains(t)),
        "removing someone makes a new data key"
    );

    // The rule leaves `host` in plaintext: the values are encrypted again as it says.
    w.set_rule(&repo, &[&w.env.public], "    unencrypted_regex: ^host$\n");
    let out = w.vaultfile(&repo, &["updatekeys", "--yes", "secrets"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("~ selection rules"),
        "{}",
        stdout(&out)
    );
    w.git(&repo, &["commit", "-qam", "host in plaintext"]);
    let blob = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    assert!(
        blob.contains("  host: db.internal\n") && !blob.contains("hunter2"),
        "{blob}"
    );
}

/// `rotate` in a filter repository stages a new data key; `--add`/`--rm` on a file its
/// rule covers are refused, since the rule decides (and the next write would undo them).
#[test]
fn rotate_in_a_filter_repository_stages_a_new_key_and_defers_to_the_rule() {
    let w = World::new();
    let repo = w.repo("r");
    let before = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    let out = w.vaultfile(&repo, &["rotate", "secrets/db.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("secrets/db.yaml: new data key (staged: `git commit` records it)"),
        "{}",
        stdout(&out)
    );
    w.git(&repo, &["commit", "-qm", "rotate"]);
    let after = w.git(&repo, &["show", "HEAD:secrets/db.yaml"]);
    assert!(
        tokens_of(&after)
            .iter()
            .all(|t| !tokens_of(&before).contains(t))
    );
    assert_eq!(
        stdout(&w.decrypt_blob(&repo, "HEAD:secrets/db.yaml", &w.env.key_file)),
        DB
    );
    let x = Env::new();
    let out = w.vaultfile(&repo, &["rotate", "--add", &x.public, "secrets/db.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("recipients come from its rule at")
            && stderr(&out).contains("vaultfile updatekeys"),
        "{}",
        stderr(&out)
    );
    let out = w.vaultfile(&repo, &["recipients", "add", "secrets/db.yaml", &x.public]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // `recipients` lists what git stores, and `keys check` checks it.
    let out = w.vaultfile(&repo, &["recipients", "secrets/db.yaml"]);
    assert_eq!(
        stdout(&out),
        format!("{}\n", w.env.public),
        "{}",
        stderr(&out)
    );
    let out = w.vaultfile(&repo, &["keys", "check", "secrets/db.yaml"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("secrets/db.yaml (in git's index) can be decrypted (integrity checked)"),
        "{}",
        stdout(&out)
    );
    // A protected file not yet staged: the advice is `git add`, never `encrypt -i`.
    std::fs::write(repo.join("secrets/new.yaml"), "k: v\n").unwrap();
    let out = w.vaultfile(&repo, &["rotate", "secrets/new.yaml"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("not in git's index yet")
            && stderr(&out).contains("git add secrets/new.yaml")
            && !stderr(&out).contains("encrypt -i"),
        "{}",
        stderr(&out)
    );
}

/// `recipients add/rm` on a file git's filter manages and no rule covers (it was added
/// as ciphertext): the new version is staged, and the committed blob opens for whom it
/// says.
#[test]
fn recipients_add_and_rm_stage_the_change_for_a_file_without_a_rule() {
    let w = World::new();
    let repo = w.repo("r");
    let out = w.vaultfile(&repo, &["git", "init", "other/**"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::create_dir_all(repo.join("other")).unwrap();
    let plain = w.env.write("other-plain.yaml", "token: t-1\n");
    let enc = w.env.encrypt(&plain, &["-r", &w.env.public]);
    std::fs::write(repo.join("other/x.yaml"), &enc).unwrap();
    w.git(&repo, &["add", "-A"]);
    w.git(&repo, &["commit", "-qm", "other"]);
    std::fs::remove_file(repo.join("other/x.yaml")).unwrap();
    w.git(&repo, &["checkout", "--", "other/x.yaml"]);
    assert_eq!(read(repo.join("other/x.yaml")), "token: t-1\n");

    let bob = Env::new();
    let out = w.vaultfile(&repo, &["recipients", "add", "other/x.yaml", &bob.public]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("(staged"), "{}", stdout(&out));
    let out = w.vaultfile(&repo, &["recipients", "add", "other/x.yaml", &bob.public]);
    assert!(
        stderr(&out).contains("is already a recipient: nothing changed"),
        "{}",
        stderr(&out)
    );
    w.git(&repo, &["commit", "-qm", "bob"]);
    assert_eq!(
        stdout(&w.decrypt_blob(&repo, "HEAD:other/x.yaml", &bob.key_file)),
        "token: t-1\n"
    );
    let out = w.vaultfile(&repo, &["recipients", "rm", "other/x.yaml", &bob.public]);
    assert!(out.status.success(), "{}", stderr(&out));
    w.git(&repo, &["commit", "-qm", "no bob"]);
    assert_eq!(
        w.decrypt_blob(&repo, "HEAD:other/x.yaml", &bob.key_file)
            .status
            .code(),
        Some(6)
    );
    assert_eq!(w.git(&repo, &["status", "--porcelain"]), "");
}

/// Someone who can push commits a blob with an extra recipient of their own (written
/// without the filter). A key holder's checkout warns, and their next `git add` drops
/// the recipient with a new data key.
#[test]
fn a_blob_with_an_extra_recipient_is_dropped_by_the_next_git_add_of_a_key_holder() {
    let w = World::new();
    let repo = w.repo("r");
    let mallory = Env::new();
    let plain = w.env.write("planted.yaml", DB);
    let planted = w
        .env
        .encrypt(&plain, &["-r", &w.env.public, "-r", &mallory.public]);
    let blob_file = w.env.write("planted.enc.yaml", &planted);
    let oid = w.git(
        &repo,
        &[
            "hash-object",
            "-w",
            "--no-filters",
            blob_file.to_str().unwrap(),
        ],
    );
    w.git(
        &repo,
        &[
            "update-index",
            "--cacheinfo",
            &format!("100644,{},secrets/db.yaml", oid.trim()),
        ],
    );
    // Past the pre-commit hook, which would refuse it (`vaultfile git check --staged`):
    // an attacker's machine has no hook.
    w.git(&repo, &["commit", "--no-verify", "-qm", "innocent"]);
    assert_eq!(
        stdout(&w.decrypt_blob(&repo, "HEAD:secrets/db.yaml", &mallory.key_file)),
        DB
    );
    // Checkout by a key holder: a warning names the recipient.
    std::fs::remove_file(repo.join("secrets/db.yaml")).unwrap();
    let out = w.run("git", &repo, true, &["checkout", "--", "secrets/db.yaml"]);
    assert!(out.status.success());
    assert!(
        stderr(&out).contains(&format!("recipient {} is not in its rule", mallory.public)),
        "{}",
        stderr(&out)
    );
    // `vaultfile decrypt` of the blob warns too (here read from git's index).
    // The next edit and `git add` by a key holder drops mallory.
    std::fs::write(
        repo.join("secrets/db.yaml"),
        DB.replace("hunter2", "correct-horse"),
    )
    .unwrap();
    w.git(&repo, &["add", "secrets/db.yaml"]);
    w.git(&repo, &["commit", "-qm", "new password"]);
    assert_eq!(
        w.decrypt_blob(&repo, "HEAD:secrets/db.yaml", &mallory.key_file)
            .status
            .code(),
        Some(6)
    );
    let out = w.vaultfile(&repo, &["recipients", "secrets/db.yaml"]);
    assert_eq!(stdout(&out), format!("{}\n", w.env.public));
}

/// Commands asked to change something that changes nothing say what they looked at.
#[test]
fn commands_with_nothing_to_do_say_why_and_exit_accordingly() {
    let w = World::new();
    let dir = w.env.path("empty");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("plain.yaml"), "a: 1\n").unwrap();
    for (verb, args) in [
        ("update", vec!["updatekeys", "--yes", "."]),
        ("rotate", vec!["rotate", "."]),
    ] {
        let out = w.vaultfile(&dir, &args);
        assert_eq!(out.status.code(), Some(4), "{args:?}");
        assert!(
            stderr(&out).contains(&format!(
                "nothing to {verb}: no vaultfile-encrypted file in ."
            )),
            "{}",
            stderr(&out)
        );
    }
    let out = w.vaultfile(&dir, &["upgrade", "."]);
    assert!(out.status.success());
    assert!(
        stdout(&out).contains("nothing to upgrade: 0 encrypted files under ."),
        "{}",
        stdout(&out)
    );
}

// ---------------------------------------------------------------------------------------
// Conflicts store no plaintext: not in the object database, not in rerere's cache.

/// Every place in `.git` a secret could be left: every object (loose or packed, reachable
/// or not) and every file under `rr-cache`. Returns where each of `secrets` was found.
fn plaintext_in_git(w: &World, repo: &Path, secrets: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let out = w.run(
        "git",
        repo,
        true,
        &["cat-file", "--batch-all-objects", "--batch", "--unordered"],
    );
    assert!(out.status.success());
    let objects = String::from_utf8_lossy(&out.stdout);
    for s in secrets {
        if objects.contains(s) {
            found.push(format!("{s} in .git/objects"));
        }
    }
    let rr = repo.join(".git/rr-cache");
    let mut stack = vec![rr];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
                for s in secrets {
                    if text.contains(s) {
                        found.push(format!("{s} in {}", p.display()));
                    }
                }
            }
        }
    }
    found
}

/// A repository whose two branches set the same value differently, with rerere turned on
/// in the user's configuration (vaultfile git init turns it off for the repository).
fn conflicting_branches(w: &World) -> PathBuf {
    let mut config = read(w.home.join(".gitconfig"));
    config.push_str("[rerere]\n\tenabled = true\n");
    std::fs::write(w.home.join(".gitconfig"), config).unwrap();
    let repo = w.repo("r");
    branch_edit(w, &repo, "ours", "hunter2", "OURS-value-1");
    branch_edit(w, &repo, "theirs", "hunter2", "THEIRS-value-2");
    repo
}

const CONFLICT_SECRETS: [&str; 4] = [
    "hunter2",
    "OURS-value-1",
    "THEIRS-value-2",
    "STASHED-value-4",
];

/// The conflict is in the work tree, in plaintext between markers, with `sides` on either
/// side; nothing of it (nor of any secret in `CONFLICT_SECRETS`) is in `.git`, before or
/// after resolving.
fn assert_conflict_in_plaintext_only_in_the_work_tree(
    w: &World,
    repo: &Path,
    what: &str,
    sides: [&str; 2],
) {
    let text = read(repo.join("secrets/db.yaml"));
    assert!(
        text.contains("<<<<<<< ") && text.contains(sides[0]) && text.contains(sides[1]),
        "{what}: the work tree shows the conflict in plaintext:\n{text}"
    );
    let leaks = plaintext_in_git(w, repo, &CONFLICT_SECRETS);
    assert!(leaks.is_empty(), "{what}: plaintext in .git: {leaks:?}");
    // And still none once resolved and staged.
    let add = w.run("git", repo, true, &["add", "secrets/db.yaml"]);
    assert!(!add.status.success(), "{what}: markers must not be staged");
    std::fs::write(
        repo.join("secrets/db.yaml"),
        DB.replace("hunter2", "RESOLVED-value-3"),
    )
    .unwrap();
    w.git(repo, &["add", "secrets/db.yaml"]);
    let mut all = CONFLICT_SECRETS.to_vec();
    all.push("RESOLVED-value-3");
    let leaks = plaintext_in_git(w, repo, &all);
    assert!(
        leaks.is_empty(),
        "{what}: plaintext in .git after resolving: {leaks:?}"
    );
}

#[test]
fn a_conflicted_merge_stores_no_plaintext_in_git() {
    let w = World::new();
    let repo = conflicting_branches(&w);
    assert_eq!(
        w.git(&repo, &["config", "--local", "rerere.enabled"])
            .trim(),
        "false"
    );
    w.git(&repo, &["checkout", "-q", "ours"]);
    let out = w.run("git", &repo, true, &["merge", "--no-edit", "theirs"]);
    assert!(!out.status.success());
    assert_conflict_in_plaintext_only_in_the_work_tree(
        &w,
        &repo,
        "merge",
        ["OURS-value-1", "THEIRS-value-2"],
    );
    w.git(&repo, &["commit", "-qm", "merged"]);
}

#[test]
fn a_conflicted_rebase_stores_no_plaintext_in_git() {
    let w = World::new();
    let repo = conflicting_branches(&w);
    w.git(&repo, &["checkout", "-q", "theirs"]);
    let out = w.run("git", &repo, true, &["rebase", "ours"]);
    assert!(!out.status.success());
    assert_conflict_in_plaintext_only_in_the_work_tree(
        &w,
        &repo,
        "rebase",
        ["OURS-value-1", "THEIRS-value-2"],
    );
}

#[test]
fn a_conflicted_cherry_pick_stores_no_plaintext_in_git() {
    let w = World::new();
    let repo = conflicting_branches(&w);
    w.git(&repo, &["checkout", "-q", "ours"]);
    let out = w.run("git", &repo, true, &["cherry-pick", "theirs"]);
    assert!(!out.status.success());
    assert_conflict_in_plaintext_only_in_the_work_tree(
        &w,
        &repo,
        "cherry-pick",
        ["OURS-value-1", "THEIRS-value-2"],
    );
}

#[test]
fn a_conflicted_stash_pop_stores_no_plaintext_in_git() {
    let w = World::new();
    let repo = conflicting_branches(&w);
    w.git(&repo, &["checkout", "-q", "ours"]);
    // A change stashed, then another change to the same value committed.
    std::fs::write(
        repo.join("secrets/db.yaml"),
        DB.replace("hunter2", "STASHED-value-4"),
    )
    .unwrap();
    w.git(&repo, &["stash"]);
    std::fs::write(
        repo.join("secrets/db.yaml"),
        DB.replace("hunter2", "THEIRS-value-2"),
    )
    .unwrap();
    w.git(&repo, &["commit", "-qam", "another change"]);
    let out = w.run("git", &repo, true, &["stash", "pop"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert_conflict_in_plaintext_only_in_the_work_tree(
        &w,
        &repo,
        "stash pop",
        ["THEIRS-value-2", "STASHED-value-4"],
    );
}

/// `vaultfile git check` warns while rerere is on.
#[test]
fn git_check_warns_while_rerere_is_on() {
    let w = World::new();
    let repo = w.repo("r");
    w.git(&repo, &["config", "rerere.enabled", "true"]);
    let out = w.vaultfile(&repo, &["git", "check"]);
    assert!(
        stderr(&out).contains("rerere is on") && stderr(&out).contains("rerere.enabled false"),
        "{}",
        stderr(&out)
    );
}

/// Without a key, `git log -p` and `git show` smudge each blob they show: nothing is left
/// in the work tree, so they must not say so (a checkout still does, once per file).
#[test]
fn git_log_without_a_key_does_not_warn_about_the_work_tree() {
    let w = World::new();
    let origin = w.repo("origin");
    std::fs::write(
        origin.join("secrets/db.yaml"),
        DB.replace("hunter2", "second"),
    )
    .unwrap();
    w.git(&origin, &["commit", "-qam", "second"]);
    assert!(
        w.vaultfile(&w.home, &["git", "init", "--global"])
            .status
            .success()
    );
    let out = w.run(
        "git",
        w.env.dir.path(),
        false,
        &["clone", "-q", origin.to_str().unwrap(), "clone"],
    );
    assert!(
        stderr(&out).contains("left encrypted in the work tree"),
        "{}",
        stderr(&out)
    );
    let clone = w.env.path("clone");
    for args in [&["log", "-p"][..], &["show", "HEAD~1"], &["diff", "HEAD~1"]] {
        let out = w.run("git", &clone, false, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("left encrypted"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            stdout(&out).contains("VF1."),
            "{args:?} shows the ciphertext"
        );
    }
}

/// A clone without the key: a plaintext edit of a protected file is refused by `git add`
/// (the stored version's key cannot be kept), and no plaintext reaches `.git`.
#[test]
fn a_clone_without_the_key_cannot_store_a_plaintext_edit() {
    let w = World::new();
    let origin = w.repo("origin");
    assert!(
        w.vaultfile(&w.home, &["git", "init", "--global"])
            .status
            .success()
    );
    let out = w.run(
        "git",
        w.env.dir.path(),
        false,
        &["clone", "-q", origin.to_str().unwrap(), "clone"],
    );
    assert!(out.status.success());
    let clone = w.env.path("clone");
    let stored = w.git(&clone, &["rev-parse", ":secrets/db.yaml"]);
    std::fs::write(
        clone.join("secrets/db.yaml"),
        DB.replace("hunter2", "NEW-PLAINTEXT-SECRET"),
    )
    .unwrap();
    let out = w.run("git", &clone, false, &["add", "secrets/db.yaml"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no identity at hand opens the version in the index"),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.git(&clone, &["rev-parse", ":secrets/db.yaml"]), stored);
    assert_eq!(
        plaintext_in_git(&w, &clone, &["NEW-PLAINTEXT-SECRET"]),
        Vec::<String>::new()
    );
}

/// The work-tree copy of a file git's filter manages is plaintext by design: `decrypt`
/// says so (not "encrypt it"), and `encrypt -i` refuses to put ciphertext where people
/// edit, while `get` reads it and `encrypt` to standard output works.
#[test]
fn decrypt_and_encrypt_in_place_on_a_filter_managed_file_say_what_it_is() {
    let w = World::new();
    let repo = w.repo("r");
    let out = w.vaultfile(&repo, &["decrypt", "secrets/db.yaml"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("plaintext copy that git's filter keeps in the work tree")
            && !stderr(&out).contains("vaultfile encrypt"),
        "{}",
        stderr(&out)
    );
    let out = w.vaultfile(&repo, &["encrypt", "-i", "secrets/db.yaml"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("git encrypts it when you `git add` it"));
    assert_eq!(read(repo.join("secrets/db.yaml")), DB);
    let out = w.vaultfile(&repo, &["get", "secrets/db.yaml", "db.password"]);
    assert_eq!(stdout(&out), "hunter2");
    let out = w.vaultfile(&repo, &["encrypt", "secrets/db.yaml"]);
    assert!(
        out.status.success() && is_ciphertext(&stdout(&out)),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.git(&repo, &["status", "--porcelain"]), "");
}
