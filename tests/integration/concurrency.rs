//! Many files, one key service: a real git checks out files whose only recipient is a
//! Cloud KMS key (the local stand-in, tests/servers/gcp_kms.py), and vaultfile's filter
//! answers through git's `delay` capability, so the key service's round trips overlap.
//! Whatever the concurrency, the files, the number of requests and the errors are those of
//! one file at a time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::common::Env;
use super::gcp_kms::{Gcp, TOKEN, recipient};
use super::services;

const FILES: usize = 24;

fn plain(n: usize) -> String {
    format!("service: s{n}\npassword: pw-{n}-secret\ntoken: tok-{n}\n")
}

/// A repository whose `secrets/` files are encrypted to a Cloud KMS key only.
struct KmsRepo {
    env: Env,
    gcp: Gcp,
    home: PathBuf,
    dir: PathBuf,
}

impl KmsRepo {
    fn new() -> KmsRepo {
        let gcp = Gcp::start(&["app"], &[]);
        let env = Env::new();
        let home = env.path("home");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        let dir = env.path("repo");
        std::fs::create_dir_all(dir.join("secrets")).unwrap();
        let r = KmsRepo {
            env,
            gcp,
            home,
            dir,
        };
        r.git(&r.dir, &["init", "-q"], &[]);
        std::fs::write(
            r.dir.join(".vaultfile.yaml"),
            format!(
                "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [\"{}\"]\n",
                recipient("app")
            ),
        )
        .unwrap();
        let out = r
            .command(&assert_cmd::cargo::cargo_bin("vaultfile"), &r.dir)
            .args(["git", "init", "secrets/**"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        for n in 0..FILES {
            std::fs::write(r.dir.join(format!("secrets/f{n:02}.yaml")), plain(n)).unwrap();
        }
        r.git(&r.dir, &["add", "-A"], &[]);
        r.git(&r.dir, &["commit", "-qm", "secrets"], &[]);
        r
    }

    /// A hermetic command that reaches the stand-in with a token, and has no age key.
    fn command(&self, program: &Path, dir: &Path) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("HOME", &self.home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("LANG", "C")
            .env("VAULTFILE_GCP_KMS_ENDPOINT", self.gcp.endpoint())
            .env("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN)
            .env(
                "GCE_METADATA_HOST",
                format!("127.0.0.1:{}", services::free_port()),
            )
            .current_dir(dir);
        c
    }

    fn git(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = self.command(Path::new("git"), dir);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.args(args).output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        );
        out
    }

    /// Removes `secrets/` and checks it out again with `env`; returns git's packet trace.
    fn checkout(&self, env: &[(&str, &str)]) -> (Output, String) {
        std::fs::remove_dir_all(self.dir.join("secrets")).unwrap();
        let trace = self.env.path("trace.txt");
        let _ = std::fs::remove_file(&trace);
        let trace_s = trace.display().to_string();
        let mut all = vec![("GIT_TRACE_PACKET", trace_s.as_str())];
        all.extend_from_slice(env);
        let out = self.git(&self.dir, &["checkout", "--", "."], &all);
        (out, std::fs::read_to_string(&trace).unwrap_or_default())
    }

    fn decrypts(&self) -> u64 {
        self.gcp.stats()["decrypt"].as_u64().unwrap()
    }

    fn assert_plaintext(&self, dir: &Path) {
        for n in 0..FILES {
            let f = dir.join(format!("secrets/f{n:02}.yaml"));
            assert_eq!(
                std::fs::read_to_string(&f).unwrap(),
                plain(n),
                "{}",
                f.display()
            );
        }
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_checkout_overlaps_key_service_requests_and_matches_one_at_a_time() {
    let r = KmsRepo::new();
    let committed = r.git(&r.dir, &["show", "HEAD:secrets/f00.yaml"], &[]);
    assert!(String::from_utf8_lossy(&committed.stdout).contains("VF1."));

    // Delayed: git is told "later" and collects the files when they are ready.
    let before = r.decrypts();
    let (_, trace) = r.checkout(&[]);
    r.assert_plaintext(&r.dir);
    assert!(trace.contains("status=delayed"), "the filter delayed");
    assert!(trace.contains("command=list_available_blobs"));
    assert_eq!(r.decrypts() - before, FILES as u64, "one request per file");
    assert_eq!(r.git(&r.dir, &["status", "--porcelain"], &[]).stdout, b"");

    // git cleans again every file whose stat data changed (as after a fast checkout, whose
    // files are "racily clean"): the filter recognises the plaintext it gave each blob and
    // needs no key, so `git status` makes no request.
    let touch = |dir: &Path| {
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        for n in 0..FILES {
            let f = std::fs::File::options()
                .write(true)
                .open(dir.join(format!("secrets/f{n:02}.yaml")))
                .unwrap();
            f.set_modified(later).unwrap();
        }
    };
    touch(&r.dir);
    let before = r.decrypts();
    assert_eq!(r.git(&r.dir, &["status", "--porcelain"], &[]).stdout, b"");
    assert_eq!(r.decrypts() - before, 0, "status needed no key");
    // A changed file is still seen as changed, even of the same size (git then cleans it,
    // and the record does not match).
    let same_size = plain(7).replace("pw-7-secret", "pw-7-SECRET");
    std::fs::write(r.dir.join("secrets/f07.yaml"), same_size).unwrap();
    touch(&r.dir);
    let status = r.git(&r.dir, &["status", "--porcelain"], &[]).stdout;
    assert_eq!(String::from_utf8_lossy(&status), " M secrets/f07.yaml\n");
    r.git(&r.dir, &["checkout", "--", "secrets/f07.yaml"], &[]);
    // Without the record, each file cleaned again needs its key.
    std::fs::remove_file(r.dir.join(".git/vaultfile/smudged")).unwrap();
    touch(&r.dir);
    let before = r.decrypts();
    assert_eq!(r.git(&r.dir, &["status", "--porcelain"], &[]).stdout, b"");
    assert_eq!(r.decrypts() - before, FILES as u64);

    // One at a time: no delay is negotiated, and the files and the requests are the same.
    let before = r.decrypts();
    let (_, trace) = r.checkout(&[("VAULTFILE_JOBS", "1")]);
    r.assert_plaintext(&r.dir);
    assert!(!trace.contains("status=delayed"), "{trace}");
    assert_eq!(r.decrypts() - before, FILES as u64);

    // A clone (the filter from ~/.gitconfig, as `git lfs install` does it).
    let out = r
        .command(&assert_cmd::cargo::cargo_bin("vaultfile"), &r.home)
        .args(["git", "init", "--global"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let before = r.decrypts();
    let clone = r.env.path("clone");
    let trace = r.env.path("clone-trace.txt");
    r.git(
        r.env.dir.path(),
        &["clone", "-q", r.dir.to_str().unwrap(), "clone"],
        &[("GIT_TRACE_PACKET", trace.to_str().unwrap())],
    );
    r.assert_plaintext(&clone);
    assert!(
        std::fs::read_to_string(&trace)
            .unwrap()
            .contains("status=delayed")
    );
    assert_eq!(r.decrypts() - before, FILES as u64);

    // Stash and rebase in the clone still leave plaintext, and only what they touch.
    std::fs::write(clone.join("secrets/f03.yaml"), "service: changed\n").unwrap();
    r.git(&clone, &["stash", "-q"], &[]);
    r.assert_plaintext(&clone);
    r.git(&clone, &["stash", "pop", "-q"], &[]);
    assert_eq!(
        std::fs::read_to_string(clone.join("secrets/f03.yaml")).unwrap(),
        "service: changed\n"
    );
    r.git(&clone, &["commit", "-qam", "change f03"], &[]);
    r.git(&clone, &["checkout", "-q", "-b", "side", "HEAD~1"], &[]);
    std::fs::write(
        clone.join("secrets/f05.yaml"),
        plain(5).replace("s5", "s5b"),
    )
    .unwrap();
    r.git(&clone, &["commit", "-qam", "change f05"], &[]);
    r.git(&clone, &["rebase", "-q", "main"], &[]);
    assert_eq!(
        std::fs::read_to_string(clone.join("secrets/f03.yaml")).unwrap(),
        "service: changed\n"
    );
    assert!(
        std::fs::read_to_string(clone.join("secrets/f05.yaml"))
            .unwrap()
            .contains("s5b")
    );
    assert_eq!(r.git(&clone, &["status", "--porcelain"], &[]).stdout, b"");
}

#[test]
fn a_throttling_key_service_still_gives_every_file_during_a_delayed_checkout() {
    let r = KmsRepo::new();
    // Six requests throttled once each, while up to 16 are under way: each is retried
    // after a backoff and every file arrives.
    r.gcp.throttle_once_each(6);
    let (out, trace) = r.checkout(&[]);
    r.assert_plaintext(&r.dir);
    assert!(trace.contains("status=delayed"));
    assert_eq!(r.gcp.stats()["throttled"], 6, "{}", stderr(&out));
}

#[test]
fn an_unreachable_key_service_is_not_waited_for_once_per_file() {
    let r = KmsRepo::new();
    let (port, connections) = services::silent_server_counted();
    let hung = format!("http://127.0.0.1:{port}");
    // Four at a time: at most four requests wait for the timeout together; the files
    // after them are not tried again ("earlier in this run").
    let (out, _) = r.checkout(&[
        ("VAULTFILE_GCP_KMS_ENDPOINT", &hung),
        ("VAULTFILE_KMS_TIMEOUT", "1s"),
        ("VAULTFILE_JOBS", "4"),
    ]);
    let err = stderr(&out);
    // Left encrypted in the work tree, with a warning, as with no key at all.
    assert!(err.contains("left encrypted in the work tree"), "{err}");
    let tried = connections.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        (1..FILES).contains(&tried),
        "{tried} connections for {FILES} files: {err}"
    );
    let text = std::fs::read_to_string(r.dir.join("secrets/f00.yaml")).unwrap();
    assert!(text.contains("VF1."), "{text}");
}

#[test]
fn export_and_exec_env_over_many_kms_files_match_one_at_a_time() {
    let gcp = Gcp::start(&["app"], &[]);
    let env = Env::new();
    let cmd = || {
        let mut c = env.bare_cmd();
        c.env("VAULTFILE_GCP_KMS_ENDPOINT", gcp.endpoint())
            .env("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN)
            .env(
                "GCE_METADATA_HOST",
                format!("127.0.0.1:{}", services::free_port()),
            );
        c
    };
    let mut files = Vec::new();
    for n in 0..12 {
        // Every file sets SHARED: the last one given must win, as one at a time.
        let text = format!("VAR_{n}=value-{n}\nSHARED=from-{n}\n");
        files.push(env.encrypt_with(cmd(), &format!("f{n:02}.env"), &text, &[&recipient("app")]));
    }
    let decrypts = || gcp.stats()["decrypt"].as_u64().unwrap();
    let export = |jobs: Option<&str>| {
        let mut c = cmd();
        if let Some(j) = jobs {
            c.env("VAULTFILE_JOBS", j);
        }
        let before = decrypts();
        let out = c.arg("export").args(&files).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        (String::from_utf8(out.stdout).unwrap(), decrypts() - before)
    };
    let (together, requests) = export(None);
    let (alone, requests_alone) = export(Some("1"));
    assert_eq!(together, alone);
    assert_eq!((requests, requests_alone), (12, 12));
    assert!(together.contains("VAR_0=value-0\n") && together.contains("VAR_11=value-11\n"));
    assert!(together.contains("SHARED=from-11\n"), "{together}");

    // exec-env sees the same variables.
    let out = cmd()
        .arg("exec-env")
        .args(&files)
        .args(["--", "sh", "-c", "echo $VAR_3 $SHARED"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "value-3 from-11\n");

    // A damaged file among them: the same error, naming it, either way.
    let text = std::fs::read_to_string(&files[5]).unwrap();
    std::fs::write(&files[5], text.replace("VAR_5=VF1.", "VAR_5=VF1.A")).unwrap();
    let failing = |jobs: &str| {
        let out = cmd()
            .env("VAULTFILE_JOBS", jobs)
            .arg("export")
            .args(&files)
            .output()
            .unwrap();
        assert!(!out.status.success());
        (out.status.code(), stderr(&out))
    };
    let (code, err) = failing("16");
    assert!(err.contains("f05.env"), "{err}");
    assert_eq!((code, err), failing("1"));

    // A setting that is not a number is refused, saying what it takes.
    let out = cmd()
        .env("VAULTFILE_JOBS", "many")
        .arg("export")
        .args(&files[..1])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("'many' for '--jobs <N>'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn updatekeys_and_rotate_over_many_kms_files_match_one_at_a_time() {
    let gcp = Gcp::start(&["app"], &[]);
    let env = Env::new();
    let cmd = |jobs: &str| {
        let mut c = env.cmd();
        c.env("VAULTFILE_GCP_KMS_ENDPOINT", gcp.endpoint())
            .env("GOOGLE_OAUTH_ACCESS_TOKEN", TOKEN)
            .env(
                "GCE_METADATA_HOST",
                format!("127.0.0.1:{}", services::free_port()),
            )
            .env("VAULTFILE_JOBS", jobs)
            // Only the key service opens the files: the age key is the one being added.
            .env("VAULTFILE_PREFER", "gcp-kms,local");
        c
    };
    let count = |what: &str| gcp.stats()[what].as_u64().unwrap();
    for (dir, jobs) in [("together", "16"), ("alone", "1")] {
        std::fs::create_dir_all(env.path(dir)).unwrap();
        for n in 0..10 {
            env.encrypt_with(
                cmd(jobs),
                &format!("{dir}/f{n}.yaml"),
                &plain(n),
                &[&recipient("app")],
            );
        }
        // The rule adds the age key: one unwrap per file, no new data key.
        env.write(
            &format!("{dir}/.vaultfile.yaml"),
            format!(
                "creation_rules:\n  - recipients: [\"{}\", {}]\n",
                recipient("app"),
                env.public
            ),
        );
        let before = count("decrypt");
        let out = cmd(jobs)
            .args(["updatekeys", "--yes"])
            .arg(env.path(dir))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(count("decrypt") - before, 10, "{dir}");
        // Rotation: a new data key per file: one request to open, one to wrap.
        let (decrypt, encrypt) = (count("decrypt"), count("encrypt"));
        let out = cmd(jobs).arg("rotate").arg(env.path(dir)).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            (count("decrypt") - decrypt, count("encrypt") - encrypt),
            (10, 10),
            "{dir}: the service (preferred) opens each file once and wraps each new key"
        );
        for n in 0..10 {
            // The age key alone opens each file.
            let f = env.path(&format!("{dir}/f{n}.yaml"));
            assert_eq!(String::from_utf8(env.decrypt(&f, &[])).unwrap(), plain(n));
        }
    }
}

#[test]
fn vaultfile_git_add_wraps_many_keys_at_once_and_git_add_reuses_them() {
    let r = KmsRepo::new();
    let vaultfile = assert_cmd::cargo::cargo_bin("vaultfile");
    let count = |what: &str| r.gcp.stats()[what].as_u64().unwrap();
    let add = |args: &[&str], jobs: &str| {
        let out = r
            .command(&vaultfile, &r.dir)
            .env("VAULTFILE_JOBS", jobs)
            .args(["git", "add"])
            .args(args)
            .output()
            .unwrap();
        (out.status.success(), stderr(&out))
    };
    let staged = || {
        let out = r.git(&r.dir, &["diff", "--cached", "--name-only"], &[]);
        String::from_utf8(out.stdout).unwrap()
    };
    let new_file = |n: usize| format!("secrets/n{n:02}.yaml");
    for n in 0..FILES {
        std::fs::write(r.dir.join(new_file(n)), plain(100 + n)).unwrap();
    }
    // Two changed files: their committed data keys are kept (opened once each).
    std::fs::write(r.dir.join("secrets/f01.yaml"), plain(201)).unwrap();
    std::fs::write(r.dir.join("secrets/f02.yaml"), plain(202)).unwrap();
    std::fs::write(r.dir.join("notes.txt"), "not protected\n").unwrap();

    // A pathspec is what git would stage, and only its files are asked for: one file.
    let (encrypt, decrypt) = (count("encrypt"), count("decrypt"));
    let (ok, err) = add(&["secrets/n00.yaml"], "16");
    assert!(ok, "{err}");
    assert_eq!(staged(), "secrets/n00.yaml\n");
    assert_eq!(
        (count("encrypt") - encrypt, count("decrypt") - decrypt),
        (1, 0)
    );

    // Everything: one request per file, made by vaultfile before git runs; git's filter
    // then gives each file the blob made for it, with no request of its own (else each
    // file would cost two). Neither does the commit's second clean of the racy files.
    let (encrypt, decrypt) = (count("encrypt"), count("decrypt"));
    let (ok, err) = add(&["."], "16");
    assert!(ok, "{err}");
    r.git(&r.dir, &["commit", "-qm", "more"], &[]);
    assert_eq!(
        (count("encrypt") - encrypt, count("decrypt") - decrypt),
        (FILES as u64 - 1, 2),
        "one wrap per new file, one unwrap per changed file"
    );
    assert_eq!(r.git(&r.dir, &["status", "--porcelain"], &[]).stdout, b"");
    let committed = r
        .git(&r.dir, &["show", "HEAD:secrets/n05.yaml"], &[])
        .stdout;
    let committed = String::from_utf8(committed).unwrap();
    assert!(committed.contains("VF1.") && !committed.contains("pw-105-secret"));
    let changed = r
        .git(&r.dir, &["show", "HEAD:secrets/f01.yaml"], &[])
        .stdout;
    let before = r
        .git(&r.dir, &["show", "HEAD~1:secrets/f01.yaml"], &[])
        .stdout;
    let data_key = |blob: &[u8]| {
        let text = String::from_utf8_lossy(blob).into_owned();
        let keys: Vec<&str> = text
            .lines()
            .filter(|l| l.trim_start().starts_with("key:"))
            .collect();
        assert_eq!(keys.len(), 1, "{text}");
        keys[0].to_owned()
    };
    assert_eq!(
        data_key(&changed),
        data_key(&before),
        "the data key was kept"
    );
    assert_eq!(
        String::from_utf8(r.git(&r.dir, &["show", "HEAD:notes.txt"], &[]).stdout).unwrap(),
        "not protected\n"
    );

    // What was committed opens to the plaintext, as one at a time would give it.
    std::fs::remove_dir_all(r.dir.join("secrets")).unwrap();
    r.git(&r.dir, &["checkout", "--", "."], &[]);
    for n in 0..FILES {
        let text = std::fs::read_to_string(r.dir.join(new_file(n))).unwrap();
        assert_eq!(text, plain(100 + n));
    }
    assert_eq!(
        std::fs::read_to_string(r.dir.join("secrets/f01.yaml")).unwrap(),
        plain(201)
    );
    assert!(
        !r.dir.join(".git/vaultfile").read_dir().unwrap().any(|e| {
            let name = e.unwrap().file_name();
            name.to_string_lossy().starts_with("add-")
        }),
        "no list or blob file is left behind"
    );

    // A recipient added to the rule: `--renormalize` opens every tracked file once (its
    // data key is kept, and wrapped for the new key locally) and git's filter asks nothing.
    let age_key = r.env.path("age.txt");
    let out = r
        .command(&vaultfile, &r.dir)
        .args(["keygen", "--x25519", "-o"])
        .arg(&age_key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let age = std::fs::read_to_string(&age_key).unwrap();
    let age = age
        .split_whitespace()
        .find(|w| w.starts_with("age1"))
        .unwrap()
        .to_owned();
    std::fs::write(
        r.dir.join(".vaultfile.yaml"),
        format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [\"{}\", \"{age}\"]\n",
            recipient("app")
        ),
    )
    .unwrap();
    let (encrypt, decrypt) = (count("encrypt"), count("decrypt"));
    let (ok, err) = add(&["--renormalize", "secrets"], "16");
    assert!(ok, "{err}");
    assert_eq!(
        (count("encrypt") - encrypt, count("decrypt") - decrypt),
        (0, 2 * FILES as u64)
    );
    let staged_now = staged();
    assert_eq!(staged_now.lines().count(), 2 * FILES, "{staged_now}");
    let blob = r.git(&r.dir, &["show", ":secrets/n03.yaml"], &[]).stdout;
    assert!(String::from_utf8_lossy(&blob).contains(&age));
    r.git(&r.dir, &["commit", "-qam", "age key added"], &[]);

    // `-u` stages changed tracked files only, `-A` the rest, from a subdirectory too; each
    // file once.
    std::fs::write(r.dir.join("secrets/f05.yaml"), plain(205)).unwrap();
    std::fs::write(r.dir.join("secrets/z.yaml"), plain(206)).unwrap();
    let sub = |args: &[&str]| {
        let out = r
            .command(&vaultfile, &r.dir.join("secrets"))
            .args(["git", "add"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let (encrypt, decrypt) = (count("encrypt"), count("decrypt"));
    sub(&["-u"]);
    assert_eq!(staged(), "secrets/f05.yaml\n");
    assert_eq!(
        (count("encrypt") - encrypt, count("decrypt") - decrypt),
        (0, 1)
    );
    sub(&["-A"]);
    assert_eq!(staged(), "secrets/f05.yaml\nsecrets/z.yaml\n");
    assert_eq!(
        (count("encrypt") - encrypt, count("decrypt") - decrypt),
        (1, 1)
    );
    r.git(&r.dir, &["commit", "-qm", "f05 and z"], &[]);

    // `git stash` (as `git commit -a`) cleans each changed file one at a time, each waiting
    // for its key service, then puts back the committed versions (smudges, which git lets
    // the filter answer later, side by side). Staged first with `vaultfile git add -u` (its requests
    // made side by side), nothing is left for it to clean: only the smudges ask.
    let change = || {
        for n in 6..9 {
            std::fs::write(r.dir.join(format!("secrets/f{n:02}.yaml")), plain(210 + n)).unwrap();
        }
    };
    let stash = || {
        let decrypt = count("decrypt");
        let out = r.git(&r.dir, &["stash", "-q"], &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(r.git(&r.dir, &["status", "--porcelain"], &[]).stdout, b"");
        count("decrypt") - decrypt
    };
    change();
    let alone = stash();
    r.git(&r.dir, &["stash", "drop", "-q"], &[]);
    change();
    let (encrypt, decrypt) = (count("encrypt"), count("decrypt"));
    sub(&["-u"]);
    assert_eq!(
        (count("encrypt") - encrypt, count("decrypt") - decrypt),
        (0, 3)
    );
    let staged_first = stash();
    // Alone: at least one request per clean (git 2.47 cleans each file twice, in two
    // processes: 9 requests); staged first: the three smudges only.
    assert!(alone >= 6, "git stash alone: {alone} requests");
    assert_eq!(staged_first, 3, "git stash after vaultfile git add -u");
    let out = r.git(&r.dir, &["stash", "pop", "-q", "--index"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(r.dir.join("secrets/f07.yaml")).unwrap(),
        plain(217)
    );
    assert_eq!(
        staged(),
        "secrets/f06.yaml\nsecrets/f07.yaml\nsecrets/f08.yaml\n"
    );
    r.git(&r.dir, &["commit", "-qm", "f06 to f08"], &[]);

    // A file that cannot be encrypted: each is named, the same error one at a time, and
    // nothing is staged.
    std::fs::write(r.dir.join("secrets/bad1.yaml"), "a: [unclosed\n").unwrap();
    std::fs::write(r.dir.join("secrets/bad2.yaml"), "b: {unclosed\n").unwrap();
    std::fs::write(r.dir.join("secrets/good.yaml"), plain(300)).unwrap();
    let (ok, err) = add(&["."], "16");
    assert!(!ok);
    assert!(
        err.contains("secrets/bad1.yaml") && err.contains("secrets/bad2.yaml"),
        "{err}"
    );
    assert!(err.contains("2 files cannot be encrypted"), "{err}");
    assert_eq!(staged(), "");
    let (ok, alone) = add(&["."], "1");
    assert!(!ok);
    assert_eq!(err, alone);
    assert_eq!(staged(), "");
}

#[test]
fn a_git_add_that_waits_on_a_key_service_file_after_file_suggests_vaultfile_git_add() {
    let r = KmsRepo::new();
    // The stand-in behind scripts/latency_proxy.py: every request takes 10 ms more.
    let port = services::free_port();
    let target = r.gcp.endpoint();
    let target_port = target.rsplit(':').next().unwrap().to_owned();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/latency_proxy.py");
    let proxy = services::Server::start(
        &services::venv_bin("python3"),
        &[
            script.to_str().unwrap(),
            "--port",
            &port.to_string(),
            "--target",
            &target_port,
            "--delay-ms",
            "10",
        ],
        &[],
        port,
        |p| services::http_get_status(p, "/__proxy/stats").is_some(),
    );
    let slow = proxy.url();
    for n in 0..FILES {
        std::fs::write(r.dir.join(format!("secrets/n{n:02}.yaml")), plain(100 + n)).unwrap();
    }
    let out = r.git(
        &r.dir,
        &["add", "-A"],
        &[("VAULTFILE_GCP_KMS_ENDPOINT", slow.as_str())],
    );
    let err = stderr(&out);
    assert_eq!(
        err.matches("vaultfile git add PATHSPEC").count(),
        1,
        "{err}"
    );
    // Staged as usual. vaultfile git add, through the same slow service, is not told to
    // use itself: git's filter then waits for nothing.
    let staged = r
        .git(&r.dir, &["diff", "--cached", "--name-only"], &[])
        .stdout;
    assert_eq!(String::from_utf8_lossy(&staged).lines().count(), FILES);
    r.git(&r.dir, &["commit", "-qm", "more"], &[]);
    for n in 0..FILES {
        std::fs::write(r.dir.join(format!("secrets/m{n:02}.yaml")), plain(200 + n)).unwrap();
    }
    let out = r
        .command(&assert_cmd::cargo::cargo_bin("vaultfile"), &r.dir)
        .env("VAULTFILE_GCP_KMS_ENDPOINT", &slow)
        .args(["git", "add", "."])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("PATHSPEC"), "{}", stderr(&out));
}
