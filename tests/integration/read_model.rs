//! The read model: every command that reads values sees YAML aliases, merge keys and the
//! documents of a stream as a YAML loader does, through one lookup; writes through aliases
//! are refused with a reason, never a panic or a silent change of other keys.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

use crate::common::Env;

/// A Helm values file that shares its settings with anchors, aliases and merge keys.
const HELM: &str = "\
common:
  password: &pw s3cret
  labels: &labels
    team: payments
    tier: backend
defaults: &defaults
  timeout: 30
  retries: 3
  image: {repository: nginx, tag: \"1.25\"}
app:
  password: *pw
  labels: *labels
api:
  <<: *defaults
  retries: 5
  url: https://api.example.com
worker:
  <<: [*defaults, {queue: jobs, timeout: 99}]
global:
  env: &env prod
region: *env
backup_env: *env
audit_env: *env
";

/// Writes `text` as `name`, encrypted.
fn encrypted(env: &Env, name: &str, text: &str) -> PathBuf {
    let p = env.write(name, text);
    let enc = env.encrypt(&p, &[]);
    std::fs::write(&p, enc).unwrap();
    p
}

/// A command with PATH, so that `env` and `cat` are found.
fn cmd(env: &Env) -> Command {
    let mut c = env.cmd();
    c.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c
}

fn stdout(env: &Env, args: &[&str], file: &Path) -> String {
    let out = cmd(env).args(args).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn get(env: &Env, file: &Path, path: &str) -> String {
    let out = cmd(env).arg("get").arg(file).arg(path).output().unwrap();
    assert!(
        out.status.success(),
        "get {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The variables `exec-env --pristine` gives a command, as a JSON object.
fn exec_env(env: &Env, file: &Path) -> Value {
    let out = cmd(env)
        .args(["exec-env", "--pristine"])
        .arg(file)
        .args(["--", "env", "-0"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vars: serde_json::Map<String, Value> = String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| !["PATH", "HOME", "TERM", "LANG"].contains(k))
        .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
        .collect();
    Value::Object(vars)
}

/// What every command must read from [`HELM`], flattened.
fn helm_variables() -> Value {
    json!({
        "COMMON_PASSWORD": "s3cret",
        "COMMON_LABELS_TEAM": "payments",
        "COMMON_LABELS_TIER": "backend",
        "DEFAULTS_TIMEOUT": "30",
        "DEFAULTS_RETRIES": "3",
        "DEFAULTS_IMAGE_REPOSITORY": "nginx",
        "DEFAULTS_IMAGE_TAG": "1.25",
        "APP_PASSWORD": "s3cret",
        "APP_LABELS_TEAM": "payments",
        "APP_LABELS_TIER": "backend",
        "API_TIMEOUT": "30",
        "API_RETRIES": "5",
        "API_IMAGE_REPOSITORY": "nginx",
        "API_IMAGE_TAG": "1.25",
        "API_URL": "https://api.example.com",
        "WORKER_TIMEOUT": "30",
        "WORKER_RETRIES": "3",
        "WORKER_IMAGE_REPOSITORY": "nginx",
        "WORKER_IMAGE_TAG": "1.25",
        "WORKER_QUEUE": "jobs",
        "GLOBAL_ENV": "prod",
        "REGION": "prod",
        "BACKUP_ENV": "prod",
        "AUDIT_ENV": "prod",
    })
}

#[test]
fn aliases_and_merge_keys_are_read_by_every_command() {
    let env = Env::new();
    let f = encrypted(&env, "values.yaml", HELM);
    // The encrypted file keeps its aliases and merge keys as they are.
    let enc = std::fs::read_to_string(&f).unwrap();
    assert!(enc.contains("  password: *pw\n") && enc.contains("  <<: *defaults\n"));

    // get and decrypt --extract.
    assert_eq!(get(&env, &f, "app.password"), "s3cret");
    assert_eq!(get(&env, &f, "api.timeout"), "30");
    assert_eq!(get(&env, &f, "api.retries"), "5");
    assert_eq!(get(&env, &f, "worker.timeout"), "30");
    assert_eq!(get(&env, &f, "worker.queue"), "jobs");
    assert_eq!(get(&env, &f, "app.labels.tier"), "backend");
    assert_eq!(get(&env, &f, "region"), "prod");
    assert_eq!(
        stdout(&env, &["decrypt", "--extract", "api.image.tag"], &f),
        "1.25"
    );
    let api: Value =
        serde_json::from_str(&stdout(&env, &["decrypt", "--extract", "api"], &f)).unwrap();
    assert_eq!(
        api,
        json!({"timeout": 30, "retries": 5, "image": {"repository": "nginx", "tag": "1.25"}, "url": "https://api.example.com"})
    );
    // The merge key itself is no value.
    cmd(&env)
        .arg("get")
        .arg(&f)
        .arg("api[\"<<\"]")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no value at"));

    // exec-env, export, exec-file --output-type dotenv.
    let expected = helm_variables();
    assert_eq!(exec_env(&env, &f), expected);
    let exported: Value =
        serde_json::from_str(&stdout(&env, &["export", "--format", "json"], &f)).unwrap();
    assert_eq!(exported, expected);
    let out = cmd(&env)
        .args(["exec-file", "--output-type", "dotenv"])
        .arg(&f)
        .args(["--", "cat", "{}"])
        .output()
        .unwrap();
    let dotenv = String::from_utf8(out.stdout).unwrap();
    assert!(dotenv.contains("APP_PASSWORD=s3cret\n") && dotenv.contains("API_TIMEOUT=30\n"));

    // decrypt --output-type json, and exec-file --output-type json.
    let tree: Value =
        serde_json::from_str(&stdout(&env, &["decrypt", "--output-type", "json"], &f)).unwrap();
    assert_eq!(
        tree["app"],
        json!({"password": "s3cret", "labels": {"team": "payments", "tier": "backend"}})
    );
    assert_eq!(tree["worker"]["queue"], "jobs");
    assert_eq!(tree["worker"]["timeout"], 30);
    assert_eq!(tree["audit_env"], "prod");
    assert!(tree["api"].get("<<").is_none());

    // k8s-secret: the same keys as exec-env's variables.
    let manifest = stdout(&env, &["decrypt", "--output-type", "k8s-secret"], &f);
    for (k, _) in expected.as_object().unwrap() {
        assert!(manifest.contains(&format!("\n  {k}: ")), "{k}:\n{manifest}");
    }
    assert!(
        manifest.contains("  APP_PASSWORD: czNjcmV0\n"),
        "{manifest}"
    );
}

#[test]
fn sops_merge_tag_is_a_merge_key() {
    // SOPS writes merge keys tagged, with the merged mapping inline.
    let env = Env::new();
    let text = "defaults:\n    timeout: 30\napi:\n    !!merge <<:\n        timeout: 30\n        retries: 3\n    retries: 5\n";
    let f = encrypted(&env, "sops-style.yaml", text);
    assert_eq!(
        exec_env(&env, &f),
        json!({"DEFAULTS_TIMEOUT": "30", "API_TIMEOUT": "30", "API_RETRIES": "5"})
    );
    assert_eq!(get(&env, &f, "api.retries"), "5");
}

#[test]
fn sops_merge_tag_in_a_file_written_by_sops() {
    let env = Env::new();
    let plain = env.write(
        "m.yaml",
        "defaults: &defaults\n  timeout: 30\n  retries: 3\napi:\n  <<: *defaults\n  retries: 5\n",
    );
    let out = crate::sops::run_ok(
        crate::sops::sops(&env)
            .args(["encrypt", "--age", &env.public])
            .arg(&plain),
        "sops encrypt",
    );
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("!!merge <<:"), "{text}");
    let f = env.write("m.sops.yaml", &text);
    let mut c = cmd(&env);
    c.env("SOPS_AGE_KEY_FILE", &env.key_file);
    let out = c
        .args(["exec-env", "--pristine"])
        .arg(&f)
        .args(["--", "env"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vars = String::from_utf8(out.stdout).unwrap();
    assert!(
        vars.contains("API_TIMEOUT=30\n") && vars.contains("API_RETRIES=5\n"),
        "{vars}"
    );
}

#[test]
fn multi_document_paths_need_at_n_when_ambiguous() {
    let env = Env::new();
    let f = encrypted(
        &env,
        "secrets.yaml",
        "apiVersion: v1\nkind: Secret\nstringData:\n  pw: first\n---\napiVersion: v1\nkind: Secret\nstringData:\n  pw: second\n  only: here\n",
    );
    for args in [
        vec!["get", f.to_str().unwrap(), "stringData.pw"],
        vec!["decrypt", "--extract", "stringData.pw", f.to_str().unwrap()],
    ] {
        cmd(&env)
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "'stringData.pw' is in 2 documents of this file; name one: @0.stringData.pw, @1.stringData.pw",
            ));
    }
    assert_eq!(get(&env, &f, "@0.stringData.pw"), "first");
    assert_eq!(get(&env, &f, "@1.stringData.pw"), "second");
    assert_eq!(get(&env, &f, "stringData.only"), "here");
    assert_eq!(
        stdout(&env, &["decrypt", "--extract", "@1.stringData.pw"], &f),
        "second"
    );
    cmd(&env)
        .arg("get")
        .arg(&f)
        .arg("@2.kind")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("this file has 2 (@0 to @1)"));
    // set and unset resolve documents the same way.
    cmd(&env)
        .arg("set")
        .arg(&f)
        .args(["stringData.pw", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("name one: @0.stringData.pw"));
    cmd(&env)
        .arg("set")
        .arg(&f)
        .args(["@1.stringData.pw", "third"])
        .assert()
        .success();
    assert_eq!(get(&env, &f, "@1.stringData.pw"), "third");
    assert_eq!(get(&env, &f, "@0.stringData.pw"), "first");
}

#[test]
fn extract_and_get_are_one_lookup() {
    let env = Env::new();
    let yaml = encrypted(&env, "values.yaml", HELM);
    let toml = encrypted(
        &env,
        "app.toml",
        "[limits]\nmax = 1_000\nratio = 0.5\nname = \"x\"\n",
    );
    let multi = encrypted(&env, "multi.yaml", "a: 1\n---\na: 2\nb: 3\n");
    for (file, path) in [
        (&yaml, "app.password"),
        (&yaml, "api"),
        (&yaml, "api.image"),
        (&yaml, "worker"),
        (&yaml, "common.labels"),
        (&yaml, "region"),
        (&toml, "limits"),
        (&toml, "limits.max"),
        (&multi, "b"),
        (&multi, "@1.a"),
        (&multi, "a"),
        (&yaml, "missing.key"),
    ] {
        let g = cmd(&env)
            .arg("get")
            .arg("--json")
            .arg(file)
            .arg(path)
            .output()
            .unwrap();
        let x = cmd(&env)
            .args(["decrypt", "--extract", path])
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(g.status.code(), x.status.code(), "{path}");
        if !g.status.success() {
            let strip = |e: &[u8]| String::from_utf8_lossy(e).into_owned();
            assert_eq!(strip(&g.stderr), strip(&x.stderr), "{path}");
            continue;
        }
        let from_get: Value = serde_json::from_slice(&g.stdout).unwrap();
        let extracted = String::from_utf8(x.stdout).unwrap();
        match &from_get {
            // A mapping or a list: the same JSON.
            Value::Object(_) | Value::Array(_) => {
                assert_eq!(
                    serde_json::from_str::<Value>(&extracted).unwrap(),
                    from_get,
                    "{path}"
                );
            }
            // A single value: extract prints it raw, as `get` without --json does.
            _ => assert_eq!(extracted, get(&env, file, path), "{path}"),
        }
    }
    // Numbers are typed the same way (`1_000` is the TOML integer 1000).
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&env, &["decrypt", "--extract", "limits"], &toml))
            .unwrap()["max"],
        1000
    );
    // A key written twice is refused by both, naming its lines.
    let dup = encrypted(&env, "dup.json", "{\n  \"a\": 1,\n  \"a\": 2\n}\n");
    for args in [
        vec!["get", dup.to_str().unwrap(), "a"],
        vec!["decrypt", "--extract", "a", dup.to_str().unwrap()],
    ] {
        cmd(&env)
            .args(&args)
            .assert()
            .code(3)
            .stderr(predicate::str::contains(
                "the key 'a' is written twice, on lines 2 and 3",
            ));
    }
}

#[test]
fn set_through_aliases_is_refused_with_a_reason() {
    let env = Env::new();
    let f = encrypted(&env, "values.yaml", HELM);
    let before = std::fs::read(&f).unwrap();
    for (path, message) in [
        (
            "app.password",
            "'app.password' is an alias of &pw, the value at 'common.password'",
        ),
        (
            "global.env",
            "'global.env' is anchored (&env) and 3 aliases refer to it: setting it changes them too",
        ),
        (
            "app.labels.team",
            "'app.labels.team' comes from the alias at 'app.labels'",
        ),
        (
            "defaults.timeout",
            "'defaults.timeout' is inside 'defaults', which is anchored (&defaults), and 2 aliases refer to it",
        ),
        (
            "api.image.tag",
            "'api.image.tag' is merged into 'api' from &defaults by a merge key (<<)",
        ),
    ] {
        cmd(&env)
            .arg("set")
            .arg(&f)
            .args([path, "changed"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message))
            .stderr(predicate::str::contains("vaultfile edit"))
            .stderr(predicate::str::contains("panicked").not());
        assert_eq!(
            std::fs::read(&f).unwrap(),
            before,
            "{path}: the file changed"
        );
    }
    for (path, message) in [
        (
            "api.timeout",
            "'api.timeout' is merged into 'api' from &defaults",
        ),
        (
            "global",
            "'global' holds the anchor &env (at 'global.env') and 3 aliases refer to it",
        ),
        ("api[\"<<\"]", "is a merge key"),
    ] {
        cmd(&env)
            .arg("unset")
            .arg(&f)
            .arg(path)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(message));
        assert_eq!(
            std::fs::read(&f).unwrap(),
            before,
            "{path}: the file changed"
        );
    }
    // A merged key: setting it gives the mapping a key of its own, which overrides the merge.
    cmd(&env)
        .arg("set")
        .arg(&f)
        .args(["api.timeout", "60"])
        .assert()
        .success();
    assert_eq!(get(&env, &f, "api.timeout"), "60");
    assert_eq!(get(&env, &f, "defaults.timeout"), "30");
    assert_eq!(get(&env, &f, "worker.timeout"), "30");
    let plain = String::from_utf8(env.decrypt(&f, &[])).unwrap();
    assert_eq!(
        plain,
        HELM.replace(
            "  url: https://api.example.com\n",
            "  url: https://api.example.com\n  timeout: 60\n"
        )
    );
    // Removing an alias removes that key only.
    cmd(&env)
        .arg("unset")
        .arg(&f)
        .arg("region")
        .assert()
        .success();
    assert_eq!(get(&env, &f, "backup_env"), "prod");
    assert_eq!(get(&env, &f, "global.env"), "prod");
}
