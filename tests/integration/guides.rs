//! The guides in `docs/` run as written, so that they cannot drift from the binary.
//!
//! A fenced block's info string says what to do with it (docs/README.md, "The guides are
//! tested"): ` ```sh test ` blocks run with `bash -euo pipefail` in a scratch directory set up
//! as the guide describes, with the `vaultfile` built here first on `PATH` and the real tools
//! after it (git, direnv and git-crypt from Debian; sops, kubectl and pre-commit from PyPI in
//! `.venv`, installed by `scripts/test.sh`); ` ```yaml test file=PATH ` blocks are written to
//! PATH; ` ```text test output ` blocks are what the block before printed; ` lint= ` blocks
//! are GitHub Actions workflows (or steps) linted with zizmor and GitHub's workflow schema;
//! ` ```json ` blocks must parse. Placeholders (`age1alice…`, …) are generated keys.
//!
//! Also here, the behaviours the guides rely on: `git check --all-history` refuses a
//! shallow or partial clone; `convert --to vaultfile DIR` finds `.sops.yaml` above DIR and
//! writes `.vaultfile.yaml` beside it; a `.envrc` whose `vaultfile export` fails makes
//! direnv fail visibly. A missing tool fails the test, saying to run `./scripts/test.sh`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The repository's top directory.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A program installed into `.venv` by `scripts/test.sh`.
fn venv_tool(name: &str) -> PathBuf {
    let p = repo().join(".venv/bin").join(name);
    assert!(
        p.exists(),
        "{} is missing: run ./scripts/test.sh, which installs the guides' tools into .venv",
        p.display()
    );
    p
}

/// A program from the system's packages (`scripts/test.sh` installs it with apt-get).
fn system_tool(name: &str) {
    assert!(
        which::which(name).is_ok(),
        "`{name}` is not on PATH: run ./scripts/test.sh, which installs it (Debian package {name})"
    );
}

// ---------------------------------------------------------------------------------------
// The blocks of a guide.

pub(crate) struct Block {
    /// 1-based line of the opening fence.
    pub(crate) line: usize,
    pub(crate) lang: String,
    pub(crate) words: Vec<String>,
    pub(crate) text: String,
}

impl Block {
    pub(crate) fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }

    fn attr(&self, key: &str) -> Option<&str> {
        self.words
            .iter()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
    }
}

/// The fenced blocks of a Markdown page, with the indentation of their fence (a block in a
/// list item) taken off their lines.
pub(crate) fn blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = md.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let trimmed = line.trim_start();
        let Some(info) = trimmed.strip_prefix("```") else {
            continue;
        };
        let indent = line.len() - trimmed.len();
        let mut words = info.split_whitespace().map(str::to_owned);
        let lang = words.next().unwrap_or_default();
        let words: Vec<String> = words.collect();
        let mut text = String::new();
        for (_, l) in lines.by_ref() {
            if l.trim() == "```" {
                break;
            }
            let body = match l.get(..indent) {
                Some(lead) if lead.trim().is_empty() => &l[indent..],
                _ => l.trim_start(),
            };
            text.push_str(body);
            text.push('\n');
        }
        out.push(Block {
            line: i + 1,
            lang,
            words,
            text,
        });
    }
    out
}

fn guide(name: &str) -> String {
    std::fs::read_to_string(repo().join("docs").join(name)).expect("the guide exists")
}

// ---------------------------------------------------------------------------------------
// A scratch world: a home directory with the keys, a work directory, the tools on PATH.

struct Key {
    file: PathBuf,
    public: String,
}

struct World {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
    work: PathBuf,
    /// Stand-ins first on PATH (the Kubernetes guide's `kubectl`).
    stand_ins: PathBuf,
    alice: Key,
    bob: Key,
    ci: Key,
    flux: Key,
    /// carol's SSH public key line.
    carol_ssh: String,
    /// Extra placeholder → value pairs for one guide.
    more: Vec<(String, String)>,
}

fn keygen(bin_home: &Path, file: &Path) -> Key {
    let out = Command::new(env!("CARGO_BIN_EXE_vaultfile"))
        .env_clear()
        .env("HOME", bin_home)
        .args(["keygen", "-o"])
        .arg(file)
        .output()
        .expect("vaultfile keygen runs");
    assert!(out.status.success(), "keygen: {}", text(&out.stderr));
    let public = text(&out.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("Public key: "))
        .expect("keygen prints the public key")
        .to_owned();
    Key {
        file: file.to_owned(),
        public,
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().canonicalize().unwrap();
        let home = root.join("home");
        let work = root.join("work");
        let stand_ins = root.join("stand-ins");
        let keys = root.join("keys");
        for d in [&home, &work, &stand_ins, &keys] {
            std::fs::create_dir_all(d).unwrap();
        }
        // alice is "you": her key is where vaultfile and sops look by default.
        let alice = keygen(&root, &keys.join("alice.txt"));
        for place in [".config/vaultfile/keys.txt", ".config/sops/age/keys.txt"] {
            let p = home.join(place);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::copy(&alice.file, &p).unwrap();
        }
        let bob = keygen(&root, &keys.join("bob.txt"));
        let ci = keygen(&root, &keys.join("ci.txt"));
        let flux = keygen(&root, &keys.join("flux.txt"));
        let carol = keys.join("carol");
        let out = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "carol@laptop", "-f"])
            .arg(&carol)
            .output()
            .expect("ssh-keygen runs (openssh-client: run ./scripts/test.sh)");
        assert!(out.status.success(), "ssh-keygen: {}", text(&out.stderr));
        let carol_ssh = std::fs::read_to_string(carol.with_extension("pub"))
            .unwrap()
            .trim()
            .to_owned();
        std::fs::write(
            home.join(".gitconfig"),
            "[user]\n\tname = Guide Test\n\temail = guide@example.invalid\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
        )
        .unwrap();
        World {
            _tmp: tmp,
            root,
            home,
            work,
            stand_ins,
            alice,
            bob,
            ci,
            flux,
            carol_ssh,
            more: Vec::new(),
        }
    }

    fn path_var(&self) -> String {
        let bin = Path::new(env!("CARGO_BIN_EXE_vaultfile")).parent().unwrap();
        format!(
            "{}:{}:{}:/usr/local/bin:/usr/bin:/bin",
            self.stand_ins.display(),
            bin.display(),
            repo().join(".venv/bin").display()
        )
    }

    /// A command in the world's environment, in the work directory.
    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", self.path_var())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("XDG_STATE_HOME", self.home.join(".local/state"))
            .env("LANG", "C.UTF-8")
            .env("TERM", "dumb")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("PRE_COMMIT_HOME", self.root.join("pre-commit-cache"))
            .env("KUBECONFIG", self.root.join("no-kubeconfig"))
            .env("KUBECTL_STANDIN_LOG", self.root.join("kubectl-calls"))
            .current_dir(&self.work);
        c
    }

    /// Runs a shell script in the world; panics with its output when it fails.
    fn sh(&self, what: &str, script: &str) -> Output {
        let out = self
            .cmd("bash")
            .args(["-euo", "pipefail", "-c", script])
            .stdin(Stdio::null())
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{what} failed ({}):\n--- script\n{script}--- stdout\n{}--- stderr\n{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        out
    }

    /// The placeholders of the guides, replaced by this world's keys.
    fn fill(&self, s: &str) -> String {
        let mut s = s
            .replace("ssh-ed25519 AAAA… carol@laptop", &self.carol_ssh)
            .replace("age1alice…", &self.alice.public)
            .replace("age1bob…", &self.bob.public)
            .replace("age1ci…", &self.ci.public)
            .replace("age1flux…", &self.flux.public);
        for (k, v) in &self.more {
            s = s.replace(k, v);
        }
        s
    }

    fn write(&self, rel: &str, content: &str) {
        let p = self.work.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.work.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    /// Writes a plaintext file and encrypts it in place to alice (and `extra`).
    fn encrypted(&self, rel: &str, plain: &str, extra: &[&Key]) {
        self.write(rel, plain);
        let mut c = self.cmd(env!("CARGO_BIN_EXE_vaultfile"));
        c.args(["encrypt", "-i", "-r", &self.alice.public]);
        for k in extra {
            c.args(["-r", &k.public]);
        }
        let out = c.arg(rel).output().unwrap();
        assert!(out.status.success(), "encrypt {rel}: {}", text(&out.stderr));
    }

    /// Writes a plaintext file and encrypts it in place with the real `sops`, by the
    /// `.sops.yaml` already written.
    fn sops_encrypted(&self, rel: &str, plain: &str) {
        self.write(rel, plain);
        let out = self
            .cmd(venv_tool("sops"))
            .args(["encrypt", "-i", rel])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "sops encrypt {rel}: {}",
            text(&out.stderr)
        );
    }

    /// Runs the guide's `test` blocks in order; returns how many ran.
    fn run_guide(&self, name: &str) -> usize {
        let md = guide(name);
        let mut last: Option<(usize, String)> = None;
        let mut ran = 0;
        for b in blocks(&md).iter().filter(|b| b.has("test")) {
            let what = format!("docs/{name}:{} ({})", b.line, b.lang);
            if let Some(path) = b.attr("file") {
                self.write(path, &self.fill(&b.text));
            } else if b.has("output") {
                let (line, printed) = last
                    .as_ref()
                    .unwrap_or_else(|| panic!("{what}: an output block with no block before it"));
                assert_eq!(
                    printed.trim_end(),
                    b.text.trim_end(),
                    "{what}: the block at line {line} printed something else than the page shows"
                );
            } else if matches!(b.lang.as_str(), "sh" | "bash") {
                let out = self.sh(&what, &self.fill(&b.text));
                last = Some((b.line, text(&out.stdout)));
            } else {
                panic!("{what}: a `test` block must be sh, a file= or an output block");
            }
            ran += 1;
        }
        assert!(ran > 0, "docs/{name} has no `test` block left");
        ran
    }
}

// ---------------------------------------------------------------------------------------
// direnv.md

fn direnv_world() -> World {
    system_tool("direnv");
    let w = World::new();
    w.encrypted(
        "secrets/dev.yaml",
        "database:\n  user: app\n  password: dev-password\n",
        &[],
    );
    w.encrypted("secrets/dev.local.env", "LOG_LEVEL=debug\n", &[]);
    w
}

#[test]
fn guide_direnv_runs_as_written() {
    let w = direnv_world();
    w.run_guide("direnv.md");
}

/// The `.envrc` of docs/direnv.md: when `vaultfile export` fails (no key opens the file),
/// direnv fails and says why; the `eval "$(…)"` form it replaces would have succeeded.
#[test]
fn direnv_envrc_fails_visibly_when_export_fails() {
    let w = direnv_world();
    // Encrypted to bob only: alice's key, the one at hand, cannot open it.
    w.write("secrets/dev.yaml", "database:\n  user: app\n");
    let out = w
        .cmd(env!("CARGO_BIN_EXE_vaultfile"))
        .args(["encrypt", "-i", "-r", &w.bob.public, "secrets/dev.yaml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let envrc = blocks(&guide("direnv.md"))
        .into_iter()
        .find(|b| b.attr("file") == Some(".envrc"))
        .expect("docs/direnv.md has an .envrc block")
        .text;
    assert!(envrc.contains("|| exit 1"), "{envrc}");

    w.write(".envrc", &envrc);
    w.sh("direnv allow", "direnv allow");
    let out = w
        .cmd("direnv")
        .args(["exec", ".", "printenv", "DATABASE_USER"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(
        !out.status.success(),
        "direnv exec succeeded although vaultfile export failed:\n{err}"
    );
    assert!(
        err.contains("no identity") && err.contains("secrets/dev.yaml"),
        "vaultfile's reason is not shown:\n{err}"
    );

    // The pattern the guide warns against: the failure is lost, and direnv goes on.
    w.write(
        ".envrc",
        "watch_file secrets/dev.yaml\neval \"$(vaultfile export --format shell secrets/dev.yaml)\"\n",
    );
    w.sh("direnv allow", "direnv allow");
    let out = w
        .cmd("direnv")
        .args(["exec", ".", "true"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "eval \"$(…)\" no longer hides the failure: update docs/direnv.md\n{}",
        text(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------
// kubernetes.md

/// The stand-in for `kubectl`, which cannot reach a cluster here: it records its arguments
/// and the manifest it is given, and answers as kubectl would.
const KUBECTL_STAND_IN: &str = r#"#!/bin/bash
set -euo pipefail
log="$KUBECTL_STANDIN_LOG"
mkdir -p "$log"
n=$(( $(find "$log" -name 'call-*.args' | wc -l) + 1 ))
printf '%s\n' "$@" > "$log/call-$n.args"
for a in "$@"; do
  if [ "$a" = - ]; then cat > "$log/call-$n.stdin"; fi
done
case "${1:-}" in
  diff) echo "(stand-in) differences" >&2; exit 1 ;;
  apply) echo "secret/stand-in serverside-applied" ;;
  *) echo "(stand-in) kubectl $1 is not expected in the guide" >&2; exit 2 ;;
esac
"#;

/// The `Secret` the real kubectl makes, offline, from these values.
fn kubectl_secret(w: &World, name: &str, namespace: &str, values: &[(&str, &str)]) -> Value {
    let mut c = w.cmd(venv_tool("kubectl"));
    c.args(["create", "secret", "generic", name, "-n", namespace]);
    for (k, v) in values {
        c.arg(format!("--from-literal={k}={v}"));
    }
    let out = c.args(["--dry-run=client", "-o", "json"]).output().unwrap();
    assert!(
        out.status.success(),
        "kubectl create: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Checks a manifest against the `Secret` kubectl makes from the expected values.
fn same_secret(manifest: &Value, expected: &Value, what: &str) {
    for field in [
        "/apiVersion",
        "/kind",
        "/metadata/name",
        "/metadata/namespace",
        "/data",
    ] {
        assert_eq!(
            manifest.pointer(field),
            expected.pointer(field),
            "{what}: {field} differs from kubectl's own Secret\n{manifest:#}"
        );
    }
}

#[test]
fn guide_kubernetes_runs_as_written() {
    let w = World::new();
    let kubectl = w.stand_ins.join("kubectl");
    std::fs::write(&kubectl, KUBECTL_STAND_IN).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&kubectl, std::fs::Permissions::from_mode(0o755)).unwrap();
    w.encrypted(
        "secrets/prod.yaml",
        "database:\n  password: hunter2\n  port: 5432\napi_token: sk-live-123\n",
        &[],
    );
    w.encrypted(
        "secrets/prod/web.yaml",
        "database:\n  password: web-password\napi_token: web-token\n",
        &[],
    );
    w.run_guide("kubernetes.md");

    let prod = kubectl_secret(
        &w,
        "prod",
        "apps",
        &[
            ("DATABASE_PASSWORD", "hunter2"),
            ("DATABASE_PORT", "5432"),
            ("API_TOKEN", "sk-live-123"),
        ],
    );
    let web_values = [
        ("DATABASE_PASSWORD", "web-password"),
        ("API_TOKEN", "web-token"),
    ];
    let web = kubectl_secret(&w, "web", "prod", &web_values);

    // Every call the guide made: server-side, with a manifest that is kubectl's Secret.
    let log = w.root.join("kubectl-calls");
    let mut calls = 0;
    for n in 1.. {
        let Ok(args) = std::fs::read_to_string(log.join(format!("call-{n}.args"))) else {
            break;
        };
        calls += 1;
        let args: Vec<&str> = args.lines().collect();
        assert!(
            args.contains(&"--server-side"),
            "kubectl {args:?}: the guide must use --server-side (client-side apply keeps the values in an annotation)"
        );
        let manifest = std::fs::read_to_string(log.join(format!("call-{n}.stdin")))
            .unwrap_or_else(|_| panic!("kubectl {args:?} was given no manifest"));
        let manifest: Value = serde_saphyr::from_str(&manifest).unwrap();
        let expected = match manifest.pointer("/metadata/name").and_then(Value::as_str) {
            Some("prod") => &prod,
            Some("web") => &web,
            other => panic!("unexpected Secret {other:?}"),
        };
        same_secret(&manifest, expected, &format!("kubectl {args:?}"));
    }
    assert_eq!(calls, 4, "the guide's kubectl calls");

    // The SOPS file for Flux: a Secret manifest with only `data` encrypted, which Flux's key
    // opens with the real sops.
    let sops_file = w.read("deploy/prod/web-secret.sops.yaml");
    let doc: Value = serde_saphyr::from_str(&sops_file).unwrap();
    assert_eq!(doc["kind"], "Secret", "{sops_file}");
    assert_eq!(doc["metadata"]["name"], "web", "{sops_file}");
    assert_eq!(doc["sops"]["encrypted_regex"], "^(data|stringData)$");
    for (k, v) in doc["data"].as_object().expect("data") {
        assert!(
            v.as_str().is_some_and(|s| s.starts_with("ENC[")),
            "data.{k} is not encrypted"
        );
    }
    assert!(
        sops_file.contains(&w.flux.public),
        "Flux's key is a recipient"
    );
    let out = w
        .cmd(venv_tool("sops"))
        .env("XDG_CONFIG_HOME", w.root.join("nowhere"))
        .env("SOPS_AGE_KEY_FILE", &w.flux.file)
        .args(["decrypt", "deploy/prod/web-secret.sops.yaml"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sops with Flux's key: {}",
        text(&out.stderr)
    );
    let decrypted: Value = serde_saphyr::from_str(&text(&out.stdout)).unwrap();
    same_secret(&decrypted, &web, "the SOPS file, decrypted by Flux's key");
}

// ---------------------------------------------------------------------------------------
// migrating-from-sops.md

#[test]
fn guide_migrating_from_sops_runs_as_written() {
    let w = World::new();
    w.sh("git init", "git init -q .");
    w.write(
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    age: {}\n",
            w.alice.public
        ),
    );
    w.sops_encrypted(
        "secrets/prod.enc.yaml",
        "db:\n  user: app\n  password: hunter2\n",
    );
    w.sh("commit", "git add -A && git commit -q -m 'SOPS files'");

    w.run_guide("migrating-from-sops.md");

    // .vaultfile.yaml was written beside .sops.yaml (the top), not in secrets/.
    let config = w.read(".vaultfile.yaml");
    assert!(config.contains(&w.alice.public), "{config}");
    assert!(!w.work.join("secrets/.vaultfile.yaml").exists());
}

/// `convert --to vaultfile DIR` looks for `.sops.yaml` as SOPS does, upwards, and writes
/// `.vaultfile.yaml` where it found it, from wherever it is run; `.sops.yml` is named, not
/// read, as SOPS does.
#[test]
fn convert_dir_finds_the_sops_yaml_above_it() {
    let sops = venv_tool("sops");
    let w = World::new();
    w.sh("git init", "git init -q .");
    w.write(
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    age: {}\n",
            w.alice.public
        ),
    );
    w.write("secrets/app/one.yaml", "a: 1\n");
    let out = w
        .cmd(&sops)
        .args(["encrypt", "-i", "secrets/app/one.yaml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "sops encrypt: {}", text(&out.stderr));

    // From inside the directory: `convert .` finds the top's .sops.yaml two levels up.
    let out = w
        .cmd(env!("CARGO_BIN_EXE_vaultfile"))
        .current_dir(w.work.join("secrets/app"))
        .args(["convert", "--to", "vaultfile", "."])
        .output()
        .unwrap();
    assert!(out.status.success(), "convert: {}", text(&out.stderr));
    assert!(
        w.work.join(".vaultfile.yaml").is_file(),
        "{}",
        text(&out.stderr)
    );
    assert!(!w.work.join("secrets/app/.vaultfile.yaml").exists());
    // The rules it wrote cover the converted file, as .sops.yaml's did.
    let out = w
        .cmd(env!("CARGO_BIN_EXE_vaultfile"))
        .args(["keys", "check", "secrets/app/one.yaml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "keys check: {}", text(&out.stderr));

    // A .sops.yaml above the repository's top (where vaultfile would not look for
    // .vaultfile.yaml): the files are converted, the rules are shown, nothing is written there.
    let w = World::new();
    w.write(
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - path_regex: secrets/\n    age: {}\n",
            w.alice.public
        ),
    );
    w.write("repo/secrets/one.yaml", "a: 1\n");
    let repo_dir = w.work.join("repo");
    let out = w
        .cmd("bash")
        .current_dir(&repo_dir)
        .args(["-c", "git init -q . && sops encrypt -i secrets/one.yaml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = w
        .cmd(env!("CARGO_BIN_EXE_vaultfile"))
        .current_dir(&repo_dir)
        .args(["convert", "--to", "vaultfile", "secrets"])
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert!(out.status.success(), "convert: {err}");
    assert!(err.contains("outside the repository"), "{err}");
    assert!(!w.work.join(".vaultfile.yaml").exists());
    assert!(!repo_dir.join(".vaultfile.yaml").exists());

    // A .sops.yml is not SOPS's configuration: it is named, and nothing is written.
    let w = World::new();
    w.sh("git init", "git init -q .");
    w.write(
        ".sops.yml",
        &format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    age: {}\n",
            w.alice.public
        ),
    );
    w.write("secrets/one.yaml", "a: 1\n");
    let out = w
        .cmd(&sops)
        .args([
            "encrypt",
            "--age",
            &w.alice.public,
            "-i",
            "secrets/one.yaml",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "sops encrypt: {}", text(&out.stderr));
    let out = w
        .cmd(env!("CARGO_BIN_EXE_vaultfile"))
        .args(["convert", "--to", "vaultfile", "secrets/"])
        .output()
        .unwrap();
    assert!(out.status.success(), "convert: {}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(".sops.yml ignored"),
        "{}",
        text(&out.stderr)
    );
    assert!(!w.work.join(".vaultfile.yaml").exists());
}

// ---------------------------------------------------------------------------------------
// migrating-from-ksops.md

#[test]
fn guide_migrating_from_ksops_runs_as_written() {
    let w = World::new();
    w.sh("git init", "git init -q .");
    w.write(
        ".sops.yaml",
        &format!(
            "creation_rules:\n  - path_regex: secret\\.enc\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: {a}\n  - path_regex: \\.enc\\.env$\n    age: {a}\n",
            a = w.alice.public
        ),
    );
    w.sops_encrypted(
        "secret.enc.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\ntype: kubernetes.io/basic-auth\nstringData:\n  username: app\n  password: correct-horse-battery-staple\n",
    );
    w.sops_encrypted("app.enc.env", "API_TOKEN=sk-live-123\nLOG_LEVEL=info\n");
    w.write(
        "kustomization.yaml",
        "generators:\n  - secret-generator.yaml\n",
    );
    // KSOPS's generator, as the guide shows it; the guide's first step replaces it.
    let guide = guide("migrating-from-ksops.md");
    let before = blocks(&guide)
        .into_iter()
        .find(|b| b.lang == "yaml" && b.text.contains("kind: ksops"))
        .expect("the guide shows the KSOPS generator");
    w.write("secret-generator.yaml", &before.text);

    w.run_guide("migrating-from-ksops.md");

    // The files are vaultfile's now, and .vaultfile.yaml was written from .sops.yaml.
    assert!(w.read("secret.enc.yaml").contains("vaultfile:"));
    assert!(w.read(".vaultfile.yaml").contains(&w.alice.public));
}

// ---------------------------------------------------------------------------------------
// migrating-from-git-crypt.md

#[test]
fn guide_migrating_from_git_crypt_runs_as_written() {
    system_tool("git-crypt");
    let w = World::new();
    w.sh(
        "a git-crypt repository",
        "git init -q . && git-crypt init >/dev/null \
         && printf 'secrets/** filter=git-crypt diff=git-crypt\\n' > .gitattributes \
         && mkdir -p secrets && printf 'db:\\n  password: hunter2\\n' > secrets/app.yaml \
         && git add -A && git commit -q -m 'git-crypt'",
    );
    let before = w.sh("blob", "git cat-file -p HEAD:secrets/app.yaml").stdout;
    assert!(
        before.starts_with(b"\0GITCRYPT"),
        "git-crypt encrypts the blob"
    );

    w.run_guide("migrating-from-git-crypt.md");

    let after = text(&w.sh("blob", "git cat-file -p HEAD:secrets/app.yaml").stdout);
    assert!(
        after.contains("VF1.") && !after.contains("hunter2"),
        "stored by vaultfile's filter:\n{after}"
    );
    assert_eq!(w.read("secrets/app.yaml"), "db:\n  password: hunter2\n");
    // bob, a recipient of the new rule, opens what was committed.
    let out = w
        .cmd("bash")
        .args([
            "-c",
            "git cat-file -p HEAD:secrets/app.yaml | vaultfile decrypt --input-type yaml -",
        ])
        .env("VAULTFILE_AGE_KEY_FILE", &w.bob.file)
        .env("HOME", w.root.join("nowhere"))
        .output()
        .unwrap();
    assert!(out.status.success(), "bob decrypts: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "db:\n  password: hunter2\n");
}

// ---------------------------------------------------------------------------------------
// pre-commit.md

#[test]
fn guide_pre_commit_runs_as_written() {
    venv_tool("pre-commit");
    let mut w = World::new();
    // The hooks repository: this repository's .pre-commit-hooks.yaml, tagged v0.1.0.
    let hooks = w.root.join("vaultfile-hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(
        repo().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let out = w
        .cmd("bash")
        .current_dir(&hooks)
        .args([
            "-c",
            "git init -q . && git add -A && git commit -q -m hooks && git tag v0.1.0",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    w.more.push((
        "https://github.com/OWNER/vaultfile".into(),
        hooks.display().to_string(),
    ));
    // The repository the hooks guard.
    w.write(
        ".vaultfile.yaml",
        &format!(
            "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [{}]\n",
            w.alice.public
        ),
    );
    w.write("secrets/app.yaml", "db:\n  password: hunter2\n");
    w.sh(
        "a protected repository",
        "git init -q . && vaultfile git init -q && git add -A && git commit -q -m start",
    );

    w.run_guide("pre-commit.md");

    // A plaintext blob staged at a protected path (as a clone without the filter would):
    // the commit is refused by vaultfile-git-check-system.
    w.sh(
        "stage plaintext",
        "id=$(printf 'password: hunter2\\n' | git hash-object -w --stdin) \
         && git update-index --add --cacheinfo \"100644,$id,secrets/leak.yaml\"",
    );
    let out = w
        .cmd("git")
        .args(["commit", "-q", "-m", "leak"])
        .output()
        .unwrap();
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "the commit went through:\n{all}");
    assert!(
        all.contains("secrets/leak.yaml") && all.contains("stored in plaintext"),
        "{all}"
    );
}

// ---------------------------------------------------------------------------------------
// ci-oidc-aws-kms.md and the other pages' workflows: lint, JSON, configuration.

const ZIZMOR_DOCS_CONFIG: &str = "\
# The guides show tags (actions/checkout@v7) for readability: allow them here, where the
# repository's own workflows are held to hash pins (zizmor's default).
rules:
  unpinned-uses:
    config:
      policies:
        \"*\": ref-pin
";

#[test]
fn guide_workflows_lint_clean_and_snippets_parse() {
    let zizmor = venv_tool("zizmor");
    let schema = venv_tool("check-jsonschema");
    let w = World::new();
    let workflows = w.root.join("lint/.github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let config = w.root.join("zizmor.yml");
    std::fs::write(&config, ZIZMOR_DOCS_CONFIG).unwrap();

    let mut files = Vec::new();
    let mut json = 0;
    let mut configs = 0;
    let mut pages: Vec<_> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    for page in pages {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        for b in blocks(&std::fs::read_to_string(&page).unwrap()) {
            let what = format!("docs/{name}:{}", b.line);
            match b.attr("lint") {
                Some("workflow") => {
                    let f =
                        workflows.join(format!("{}-{}.yml", name.trim_end_matches(".md"), b.line));
                    std::fs::write(&f, &b.text).unwrap();
                    files.push(f);
                }
                Some("steps") => {
                    let f =
                        workflows.join(format!("{}-{}.yml", name.trim_end_matches(".md"), b.line));
                    let wrapped = format!(
                        "# {what}, in a workflow of its own\nname: snippet\non:\n  push:\npermissions: {{}}\njobs:\n  job:\n    runs-on: ubuntu-24.04\n    permissions:\n      id-token: write\n      contents: read\n    steps:\n{}",
                        b.text
                    );
                    std::fs::write(&f, wrapped).unwrap();
                    files.push(f);
                }
                Some(other) => panic!("{what}: unknown lint={other}"),
                None => {}
            }
            if b.lang == "json" {
                serde_json::from_str::<Value>(&b.text)
                    .unwrap_or_else(|e| panic!("{what}: not JSON: {e}\n{}", b.text));
                json += 1;
            }
            if b.attr("check") == Some("config") {
                let dir = w.root.join(format!("config-{configs}"));
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join(".vaultfile.yaml"), w.fill(&b.text)).unwrap();
                let out = w
                    .cmd(env!("CARGO_BIN_EXE_vaultfile"))
                    .current_dir(&dir)
                    .arg("scan")
                    .output()
                    .unwrap();
                assert!(
                    out.status.success(),
                    "{what}: vaultfile does not load it: {}",
                    text(&out.stderr)
                );
                configs += 1;
            }
        }
    }
    assert!(files.len() >= 3, "the workflow blocks of the guides");
    assert!(json >= 2 && configs >= 1);

    let out = w
        .cmd(&zizmor)
        .args([
            "--offline",
            "--strict-collection",
            "--no-progress",
            "--config",
        ])
        .arg(&config)
        .arg(w.root.join("lint"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "zizmor on the guides' workflows:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let out = w
        .cmd(&schema)
        .args(["--builtin-schema", "vendor.github-workflows"])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "GitHub's workflow schema:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

// ---------------------------------------------------------------------------------------
// `git check --all-history` in a clone that lacks some history (ci-oidc-aws-kms.md).

/// A repository whose history holds a plaintext secret at a protected path (committed
/// without the filter), encrypted in a later commit.
fn leaky_history(w: &World) -> PathBuf {
    let origin = w.root.join("origin");
    std::fs::create_dir_all(&origin).unwrap();
    let script = format!(
        "git init -q . && git config uploadpack.allowFilter true \
         && printf 'creation_rules:\\n  - path_regex: ^secrets/\\n    recipients: [{alice}]\\n' > .vaultfile.yaml \
         && mkdir -p secrets && printf 'password: hunter2\\n' > secrets/app.yaml \
         && git add -A && git commit -q -m 'plaintext, by mistake' \
         && vaultfile encrypt -i secrets/app.yaml && git add -A && git commit -q -m encrypted \
         && printf 'x\\n' > README && git add -A && git commit -q -m more",
        alice = w.alice.public
    );
    let out = w
        .cmd("bash")
        .current_dir(&origin)
        .args(["-euo", "pipefail", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    origin
}

fn check_all_history(w: &World, dir: &Path) -> Output {
    w.cmd(env!("CARGO_BIN_EXE_vaultfile"))
        .current_dir(dir)
        .args(["git", "check", "--all-history"])
        .output()
        .unwrap()
}

#[test]
fn git_check_all_history_refuses_a_shallow_clone() {
    let w = World::new();
    let origin = leaky_history(&w);
    // The whole history: the plaintext commit is found.
    let out = check_all_history(&w, &origin);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("stored in plaintext"));

    // actions/checkout's default: one commit. The check refuses, and says how to fetch.
    let url = format!("file://{}", origin.display());
    w.sh(
        "shallow clone",
        &format!("git clone -q --depth 1 {url} shallow"),
    );
    let shallow = w.work.join("shallow");
    let out = check_all_history(&w, &shallow);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("this clone is shallow"), "{err}");
    assert!(err.contains("git fetch --unshallow"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
    assert!(!err.contains("no protected file"), "{err}");

    // As the hint says: then the plaintext commit is found.
    w.sh("unshallow", "cd shallow && git fetch -q --unshallow");
    let out = check_all_history(&w, &shallow);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("stored in plaintext"));

    // A one-commit history cloned with --depth 1 is shallow to git, but complete.
    let single = w.root.join("single");
    std::fs::create_dir_all(&single).unwrap();
    let out = w
        .cmd("bash")
        .current_dir(&single)
        .args([
            "-c",
            "git init -q . && echo x > f && git add f && git commit -q -m one",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    w.sh(
        "shallow clone of one commit",
        &format!("git clone -q --depth 1 file://{} single", single.display()),
    );
    let out = check_all_history(&w, &w.work.join("single"));
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn git_check_all_history_refuses_a_partial_clone_with_missing_objects() {
    let w = World::new();
    let origin = leaky_history(&w);
    let url = format!("file://{}", origin.display());
    w.sh(
        "partial clone",
        &format!("git clone -q --filter=blob:none {url} partial"),
    );
    let partial = w.work.join("partial");
    let out = check_all_history(&w, &partial);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("partial clone"), "{err}");
    assert!(err.contains("git fetch --refetch origin"), "{err}");

    // As the hint says.
    w.sh(
        "refetch",
        "cd partial && git config --unset remote.origin.partialclonefilter && git fetch -q --refetch origin",
    );
    let out = check_all_history(&w, &partial);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("stored in plaintext"));
}
