//! AWS KMS recipients against a real KMS API: moto's server on 127.0.0.1, started once for
//! this test binary from `.venv` (installed by `./scripts/test.sh`), plus a few sockets
//! that play a dead or hung KMS.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use assert_cmd::Command;

use super::common::Env;
use super::services::{self, Server};

const PLAIN: &str = "# service config\ndatabase:\n  user: app\n  password: s3cr3t-db-password\napi_token: tok-0123456789\nreplicas: 3\n";

pub(super) struct Moto {
    server: Server,
}

impl Moto {
    fn start() -> Moto {
        let port = services::free_port();
        let port_s = port.to_string();
        let server = Server::start(
            &services::venv_bin("moto_server"),
            &["-H", "127.0.0.1", "-p", &port_s],
            &[],
            port,
            |p| services::http_get_status(p, "/moto-api/").is_some(),
        );
        Moto { server }
    }

    pub(super) fn endpoint(&self) -> String {
        self.server.url()
    }

    /// Runs `body` in Python with `kms` (a boto3 KMS client on this server, us-east-1) and
    /// returns what it prints, one item a line.
    fn admin(&self, body: &str) -> Vec<String> {
        let script = format!(
            "import boto3\nkms = boto3.client('kms', endpoint_url='{}', region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')\n{body}\n",
            self.endpoint()
        );
        let out = std::process::Command::new(services::venv_bin("python"))
            .arg("-c")
            .arg(script)
            .env_clear()
            .env("HOME", std::env::temp_dir())
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "KMS admin script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Creates a key (and, when `alias` is given, `alias/ALIAS` for it); returns the key
    /// ARN and the alias ARN.
    pub(super) fn create_key(&self, alias: Option<&str>) -> (String, String) {
        let alias = alias.unwrap_or("");
        let lines = self.admin(&format!(
            "k = kms.create_key(Description='vaultfile test')['KeyMetadata']\n\
             print(k['Arn'])\n\
             if '{alias}':\n    kms.create_alias(AliasName='alias/{alias}', TargetKeyId=k['KeyId'])\n\
             print(k['Arn'].split(':key/')[0] + ':alias/{alias}')"
        ));
        (lines[0].clone(), lines[1].clone())
    }
}

pub(super) fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(Moto::start)
}

/// Environment for talking to KMS at `endpoint` with static test credentials. The
/// instance metadata service is switched off so that nothing leaves 127.0.0.1.
pub(super) fn kms_env(c: &mut Command, endpoint: &str) {
    c.env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

/// Encrypts PLAIN (as `name`) to `recipients` with KMS at `endpoint`; returns the file.
fn encrypt_to(env: &Env, name: &str, recipients: &[&str], endpoint: &str) -> std::path::PathBuf {
    let mut c = env.bare_cmd();
    kms_env(&mut c, endpoint);
    env.encrypt_with(c, name, PLAIN, recipients)
}

/// Decrypts `file` with KMS only (no local key); returns (success, stdout, stderr).
fn decrypt_kms_only(
    env: &Env,
    file: &std::path::Path,
    endpoint: &str,
    extra: &[(&str, &str)],
) -> (bool, String, String) {
    let mut c = env.bare_cmd();
    kms_env(&mut c, endpoint);
    for (k, v) in extra {
        c.env(k, v);
    }
    let out = c.arg("decrypt").arg(file).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn kms_key_arn_alias_and_encryption_context_round_trip() {
    let kms = moto();
    let env = Env::new();
    let (key, alias) = kms.create_key(Some("vaultfile-roundtrip"));
    let with_context = format!("{key}+context=env=prod,app=web");
    for (name, recipient) in [
        ("key.yaml", key.as_str()),
        ("alias.yaml", alias.as_str()),
        ("ctx.yaml", with_context.as_str()),
    ] {
        let file = encrypt_to(&env, name, &[recipient], &kms.endpoint());
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("s3cr3t-db-password") && !text.contains("tok-0123456789"));
        let (ok, out, err) = decrypt_kms_only(&env, &file, &kms.endpoint(), &[]);
        assert!(ok, "{name}: {err}");
        assert_eq!(out, PLAIN, "{name}");
    }
    // The context is part of the recipient string (so the MAC covers it), canonically sorted.
    let out = env
        .bare_cmd()
        .arg("recipients")
        .arg(env.path("ctx.yaml"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("{key}+context=app=web,env=prod")
    );
}

#[test]
fn kms_wrong_encryption_context_fails_clearly() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let file = encrypt_to(
        &env,
        "ctx.yaml",
        &[&format!("{key}+context=env=prod")],
        &kms.endpoint(),
    );
    // Someone edits the context in the file: KMS refuses before the MAC is even checked.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("+context=env=prod", "+context=env=dev")).unwrap();
    let (ok, out, err) = decrypt_kms_only(&env, &file, &kms.endpoint(), &[]);
    assert!(!ok && out.is_empty(), "{err}");
    assert!(err.contains("no identity can decrypt"), "{err}");
    assert!(
        err.contains(&format!("{key}+context=env=dev: wrong encryption context")),
        "{err}"
    );
}

#[test]
fn kms_disabled_key_fails_clearly() {
    // moto (5.2) does not model key state in Encrypt/Decrypt, so the answer real KMS gives
    // for a disabled key (HTTP 400, DisabledException) comes from a local socket here.
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let file = encrypt_to(&env, "f.yaml", &[&key], &kms.endpoint());
    let body = r#"{"__type":"DisabledException","message":"The key is disabled."}"#;
    let port = services::answering_server(400, body);
    let (ok, _, err) = decrypt_kms_only(&env, &file, &format!("http://127.0.0.1:{port}"), &[]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "{key}: disabled key: The key is disabled. (DisabledException)"
        )),
        "{err}"
    );
    // Encrypting to it fails the same way, naming the recipient, with exit code 5.
    let plain = env.write("p.yaml", PLAIN);
    let mut c = env.bare_cmd();
    kms_env(&mut c, &format!("http://127.0.0.1:{port}"));
    let out = c
        .args(["encrypt", "-r", &key])
        .arg(&plain)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains(&key) && err.contains("disabled key"), "{err}");
}

#[test]
fn kms_alias_removed_is_not_found_and_every_recipient_is_listed() {
    let kms = moto();
    let env = Env::new();
    let (_, alias) = kms.create_key(Some("vaultfile-gone"));
    let file = encrypt_to(&env, "f.yaml", &[&alias, &env.public], &kms.endpoint());
    kms.admin("kms.delete_alias(AliasName='alias/vaultfile-gone')");
    // No local key, and KMS cannot find the alias: the error names each recipient and why.
    let (ok, _, err) = decrypt_kms_only(&env, &file, &kms.endpoint(), &[]);
    assert!(!ok);
    assert!(
        err.contains(&alias) && err.contains(&super::common::shown(&env.public)),
        "{err}"
    );
    assert!(err.contains(&format!("{alias}: not found:")), "{err}");
    assert!(err.contains("failed: AWS KMS: "), "{err}");
    // With the age key it still opens.
    let mut c = env.cmd();
    kms_env(&mut c, &kms.endpoint());
    let out = c.arg("decrypt").arg(&file).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), PLAIN);
}

#[test]
fn kms_web_identity_credentials_through_moto_sts() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let file = encrypt_to(&env, "f.yaml", &[&key], &kms.endpoint());
    let token = env.write(
        "oidc-token",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmNpIn0.c2lnbmF0dXJl",
    );
    let web_identity = |with_token: bool| {
        let mut c = env.bare_cmd();
        c.env("AWS_ENDPOINT_URL", kms.endpoint())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci-deploy")
            .env("AWS_ROLE_SESSION_NAME", "vaultfile-ci");
        if with_token {
            c.env("AWS_WEB_IDENTITY_TOKEN_FILE", &token);
        }
        c.arg("decrypt").arg(&file).output().unwrap()
    };
    // No static keys: the credentials come from STS AssumeRoleWithWebIdentity (moto's).
    let out = web_identity(true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), PLAIN);
    // Without the token file the chain has nothing, and says so.
    let out = web_identity(false);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(err.contains(&format!("{key}: no credentials")), "{err}");
}

#[test]
fn age_key_decrypts_within_two_seconds_while_kms_is_stopped() {
    // A KMS server of this test's own, so that stopping it disturbs no other test.
    let own = Moto::start();
    let env = Env::new();
    let (key, _) = own.create_key(None);
    let file = encrypt_to(&env, "f.yaml", &[&key, &env.public], &own.endpoint());
    let endpoint = own.endpoint();
    own.server.stop();
    for prefer in [None, Some("aws-kms")] {
        let mut c = env.cmd();
        kms_env(&mut c, &endpoint);
        if let Some(p) = prefer {
            // KMS first: refused at once, then the age key.
            c.args(["--prefer", p]);
        }
        let start = Instant::now();
        let out = c.arg("decrypt").arg(&file).output().unwrap();
        let took = start.elapsed();
        assert!(
            out.status.success(),
            "{prefer:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8(out.stdout).unwrap(), PLAIN);
        assert!(took < Duration::from_secs(2), "{prefer:?}: took {took:?}");
    }
    // Without the age key the error says KMS is unreachable.
    let (ok, _, err) = decrypt_kms_only(&env, &file, &endpoint, &[]);
    assert!(!ok);
    assert!(err.contains(&format!("{key}: unreachable")), "{err}");
}

#[test]
fn kms_that_never_answers_fails_within_the_timeout() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let file = encrypt_to(&env, "f.yaml", &[&key], &kms.endpoint());
    let hung = format!("http://127.0.0.1:{}", services::silent_server());
    let start = Instant::now();
    let (ok, _, err) = decrypt_kms_only(&env, &file, &hung, &[("VAULTFILE_KMS_TIMEOUT", "1s")]);
    let took = start.elapsed();
    assert!(!ok);
    // "no answer within 1s" as a rule; on a loaded machine (the whole suite on 2 cores) the
    // same bound can already run out while connecting. Either way: timed out, at 1s.
    assert!(err.contains(&format!("{key}: timed out: ")), "{err}");
    assert!(err.contains(" within 1s"), "{err}");
    assert!(took < Duration::from_secs(4), "took {took:?}");
    // Encrypting: the same bound, and the flag works as well as the variable.
    let plain = env.write("p.yaml", PLAIN);
    let mut c = env.bare_cmd();
    kms_env(&mut c, &hung);
    let start = Instant::now();
    let out = c
        .args(["--kms-timeout", "500ms", "encrypt", "-r", &key])
        .arg(&plain)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("timed out: "), "{err}");
    assert!(err.contains(" within 500ms"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn kms_unwraps_once_per_file_not_per_value() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let many: String = (0..200)
        .map(|i| format!("secret_{i}: value-{i}\n"))
        .collect();
    let plain = env.write("many.yaml", &many);
    let mut c = env.bare_cmd();
    kms_env(&mut c, &kms.endpoint());
    let out = c
        .args(["encrypt", "-r", &key])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(out.status.success());
    let file = env.write("many.enc.yaml", out.stdout);
    let proxy = services::CountingProxy::start(kms.server.port, "TrentService.Decrypt");
    let (ok, out, err) = decrypt_kms_only(
        &env,
        &file,
        &format!("http://127.0.0.1:{}", proxy.port),
        &[],
    );
    assert!(ok, "{err}");
    assert_eq!(out, many);
    assert_eq!(
        proxy.count(),
        1,
        "one Decrypt call for a file of 200 values"
    );
}

#[test]
fn keys_check_reports_each_recipient_without_secrets() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let (_, alias) = kms.create_key(Some("vaultfile-check"));
    let file = encrypt_to(
        &env,
        "f.yaml",
        &[&env.public, &key, &alias],
        &kms.endpoint(),
    );
    kms.admin("kms.delete_alias(AliasName='alias/vaultfile-check')");
    let mut c = env.cmd();
    kms_env(&mut c, &kms.endpoint());
    let out = c.args(["keys", "check"]).arg(&file).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |r: &str| {
        stdout
            .lines()
            .find(|l| l.contains(r))
            .unwrap_or_else(|| panic!("{r} in {stdout}"))
            .to_owned()
    };
    assert!(
        line(&super::common::shown(&env.public))
            .trim_start()
            .starts_with("ok "),
        "{stdout}"
    );
    assert!(
        line(&key).trim_start().starts_with("ok ") && line(&key).contains("AWS KMS"),
        "{stdout}"
    );
    assert!(
        line(&alias).trim_start().starts_with("FAILED") && line(&alias).contains("not found"),
        "{stdout}"
    );
    assert!(
        stdout.contains("can be decrypted (integrity checked)"),
        "{stdout}"
    );
    assert!(!stdout.contains("s3cr3t") && !stdout.contains("tok-0123"));

    // Without the age key and with KMS gone: exit 6, and each recipient says why.
    let mut c = env.bare_cmd();
    kms_env(
        &mut c,
        &format!("http://127.0.0.1:{}", services::free_port()),
    );
    let out = c.args(["keys", "check"]).arg(&file).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(6), "{stdout}");
    assert!(
        line(&super::common::shown(&env.public)).contains("ok"),
        "sanity"
    );
    let gone = |r: &str| stdout.lines().find(|l| l.contains(r)).unwrap().to_owned();
    assert!(
        gone(&super::common::shown(&env.public)).contains("no identity for it here"),
        "{stdout}"
    );
    assert!(gone(&key).contains("unreachable"), "{stdout}");
    assert!(stdout.contains("cannot be decrypted here"), "{stdout}");
}

/// A `git filter-process` session (git's long-running filter protocol, spoken directly)
/// that smudges each (path, blob).
fn smudge_session(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut session = b"0016git-filter-client\n000eversion=2\n0000".to_vec();
    let mut packets = |lines: &[&[u8]], content: Option<&[u8]>| {
        for l in lines {
            session.extend_from_slice(format!("{:04x}", l.len() + 4).as_bytes());
            session.extend_from_slice(l);
        }
        session.extend_from_slice(b"0000");
        if let Some(c) = content {
            for chunk in c.chunks(65516) {
                session.extend_from_slice(format!("{:04x}", chunk.len() + 4).as_bytes());
                session.extend_from_slice(chunk);
            }
            session.extend_from_slice(b"0000");
        }
    };
    packets(&[b"capability=clean\n", b"capability=smudge\n"], None);
    for (path, blob) in files {
        let pathname = format!("pathname={path}\n");
        packets(&[b"command=smudge\n", pathname.as_bytes()], Some(blob));
    }
    session
}

/// Runs `vaultfile git filter-process` on `session` with KMS at `endpoint`.
fn run_filter(
    env: &Env,
    endpoint: &str,
    session: &[u8],
    extra: &[(&str, &str)],
) -> (std::process::Output, Duration) {
    use std::io::Write as _;
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_vaultfile"));
    c.env_clear()
        .env("HOME", env.dir.path())
        .current_dir(env.dir.path())
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(extra.iter().copied())
        .args(["git", "filter-process"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let start = Instant::now();
    let mut child = c.spawn().unwrap();
    child.stdin.take().unwrap().write_all(session).unwrap();
    let out = child.wait_with_output().unwrap();
    (out, start.elapsed())
}

/// One filter process smudges the same KMS-encrypted file three times and another file
/// once: two Decrypt calls.
#[test]
fn git_filter_process_unwraps_each_file_once() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let a = std::fs::read(encrypt_to(&env, "a.yaml", &[&key], &kms.endpoint())).unwrap();
    let b = std::fs::read(encrypt_to(&env, "b.yaml", &[&key], &kms.endpoint())).unwrap();
    let session = smudge_session(&[
        ("a.yaml", &a),
        ("a.yaml", &a),
        ("b.yaml", &b),
        ("a.yaml", &a),
    ]);
    let proxy = services::CountingProxy::start(kms.server.port, "TrentService.Decrypt");
    let (out, _) = run_filter(
        &env,
        &format!("http://127.0.0.1:{}", proxy.port),
        &session,
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every smudge gave the plaintext back (its lines are in the replies).
    assert_eq!(
        stdout.matches("password: s3cr3t-db-password").count(),
        4,
        "{stdout}"
    );
    assert_eq!(
        proxy.count(),
        2,
        "one Decrypt per file in one filter process"
    );
}

/// A checkout of many KMS-encrypted files while KMS hangs waits for the timeout once, not
/// once per file: the files are checked out as ciphertext, each with a warning.
#[test]
fn git_filter_process_waits_for_a_hung_kms_once() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let blobs: Vec<(String, Vec<u8>)> = (0..4)
        .map(|i| {
            let name = format!("f{i}.yaml");
            let blob = std::fs::read(encrypt_to(&env, &name, &[&key], &kms.endpoint())).unwrap();
            (name, blob)
        })
        .collect();
    let files: Vec<(&str, &[u8])> = blobs.iter().map(|(n, b)| (n.as_str(), &b[..])).collect();
    let hung = format!("http://127.0.0.1:{}", services::silent_server());
    let (out, took) = run_filter(
        &env,
        &hung,
        &smudge_session(&files),
        &[("VAULTFILE_KMS_TIMEOUT", "1")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(took < Duration::from_secs(3), "took {took:?}: {stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.matches("status=success").count(), 4, "{stdout}");
    assert!(!stdout.contains("s3cr3t-db-password"), "left encrypted");
}

#[test]
fn kms_throttling_is_retried_with_backoff_then_reported() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let file = encrypt_to(&env, "f.yaml", &[&key], &kms.endpoint());
    let body = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
    let (port, requests) = services::answering_server_counted(400, body);
    let (ok, _, err) = decrypt_kms_only(
        &env,
        &file,
        &format!("http://127.0.0.1:{port}"),
        &[("AWS_MAX_ATTEMPTS", "3")],
    );
    assert!(!ok);
    assert!(
        err.contains(&format!("{key}: throttled (still, after retries with backoff): Rate exceeded (ThrottlingException)")),
        "{err}"
    );
    assert_eq!(
        requests.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "three attempts"
    );
    // Other errors are not retried.
    let body = r#"{"__type":"AccessDeniedException","message":"not allowed"}"#;
    let (port, requests) = services::answering_server_counted(400, body);
    let (ok, _, err) = decrypt_kms_only(&env, &file, &format!("http://127.0.0.1:{port}"), &[]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "{key}: denied: not allowed (AccessDeniedException)"
        )),
        "{err}"
    );
    assert_eq!(
        requests.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "no retry"
    );
}

#[test]
fn kms_recipients_from_the_configuration_file() {
    let kms = moto();
    let env = Env::new();
    let (key, alias) = kms.create_key(Some("vaultfile-config"));
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: \\.yaml$\n    recipients:\n      - {alias}\n      - \"{key}+context=team=payments,env=prod\"\n      - {}\n",
            env.public
        ),
    );
    let plain = env.write("app.yaml", PLAIN);
    let mut c = env.bare_cmd();
    kms_env(&mut c, &kms.endpoint());
    let out = c.arg("encrypt").arg(&plain).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = env.write("app.enc.yaml", out.stdout);
    let out = env
        .bare_cmd()
        .arg("recipients")
        .arg(&file)
        .output()
        .unwrap();
    let listed = String::from_utf8(out.stdout).unwrap();
    assert!(
        listed.contains(&format!("{key}+context=env=prod,team=payments\n")),
        "{listed}"
    );
    assert!(listed.contains(&alias), "{listed}");
    let (ok, out, err) = decrypt_kms_only(&env, &file, &kms.endpoint(), &[]);
    assert!(ok, "{err}");
    assert_eq!(out, PLAIN);
}

/// What of the endpoint a file can steer. A KMS recipient or SOPS `kms` entry names no
/// endpoint (the parser refuses dots in a region and any `+endpoint=`; SOPS entries have no
/// such field and unknown fields are ignored), only a region, from which the SDK makes
/// `https://kms.REGION.amazonaws.com`. A region not named like an AWS region (`s3` would
/// make it an S3 bucket's address) is refused before any connection when the user set no
/// endpoint; with one, the region names no host and the call goes to the user's endpoint.
#[test]
fn kms_region_that_is_no_region_name_is_refused_before_connecting() {
    let kms = moto();
    let env = Env::new();
    let (key, _) = kms.create_key(None);
    let file = encrypt_to(&env, "f.yaml", &[&key], &kms.endpoint());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(key.starts_with("arn:aws:kms:us-east-1:"), "{key}");
    let steered = env.write(
        "steered.yaml",
        text.replace("arn:aws:kms:us-east-1:", "arn:aws:kms:s3:"),
    );
    // No endpoint of the user's: refused at once, saying why and what to set.
    let mut c = env.bare_cmd();
    c.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "session-token-4711")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    let start = Instant::now();
    let out = c.arg("decrypt").arg(&steered).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains("refused: 's3' is not an AWS region name, so the endpoint the SDK would make of it, https://kms.s3.amazonaws.com, need not be AWS KMS: nothing was sent"),
        "{err}"
    );
    assert!(err.contains("AWS_ENDPOINT_URL_KMS"), "{err}");
    assert!(!err.contains("session-token-4711"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(3));

    // The same with the user's endpoint: the region steers nothing, and KMS (moto) answers.
    let (ok, _, err) = decrypt_kms_only(&env, &steered, &kms.endpoint(), &[]);
    assert!(!ok);
    assert!(!err.contains("need not be AWS KMS"), "{err}");
    let (ok, out, err) = decrypt_kms_only(&env, &file, &kms.endpoint(), &[]);
    assert!(ok, "{err}");
    assert_eq!(out, PLAIN);
}

/// A SOPS file's `kms` entry: the same refusal for a region that is no region name; and an
/// endpoint-like field in the entry steers nothing (the user's endpoint is called, the
/// entry's never).
#[test]
fn sops_kms_entry_cannot_choose_the_endpoint() {
    let env = Env::new();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sops/getsops-sops/age-pr1031/example.yaml");
    let text = std::fs::read_to_string(fixture).unwrap();
    let start = text.find("sops:\n").unwrap();
    let tail = &text[start..];
    let lm = tail.find("    lastmodified:").unwrap();
    let with_kms = |region: &str, extra: &str| {
        format!(
            "{}sops:\n    kms:\n        - arn: arn:aws:kms:{region}:111122223333:key/test\n          created_at: \"2022-03-15T22:11:15Z\"\n          enc: AQICAHg=\n{extra}{}",
            &text[..start],
            &tail[lm..]
        )
    };
    let creds = |c: &mut Command| {
        c.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true");
    };
    let p = env.write("s3.sops.yaml", with_kms("s3", ""));
    let mut c = env.bare_cmd();
    creds(&mut c);
    let out = c.arg("decrypt").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("AWS KMS key arn:aws:kms:s3:111122223333:key/test: refused: 's3' is not an AWS region name"),
        "{err}"
    );

    // Two listeners: the file's (in fields an attacker might try) and the user's endpoint.
    let count = |listener: std::net::TcpListener| {
        let n = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = n.clone();
        std::thread::spawn(move || {
            for s in listener.incoming() {
                if s.is_ok() {
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
        });
        n
    };
    let files = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let files_url = format!("http://127.0.0.1:{}", files.local_addr().unwrap().port());
    let files_count = count(files);
    let users = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let users_url = format!("http://127.0.0.1:{}", users.local_addr().unwrap().port());
    let users_count = count(users);
    let extra = format!(
        "          endpoint: {files_url}\n          endpoint_url: {files_url}\n          aws_endpoint_url: {files_url}\n"
    );
    let p = env.write("endpoint.sops.yaml", with_kms("us-east-1", &extra));
    let mut c = env.bare_cmd();
    creds(&mut c);
    c.env("AWS_ENDPOINT_URL", &users_url)
        .env("VAULTFILE_KMS_TIMEOUT", "1");
    let out = c.arg("decrypt").arg(&p).output().unwrap();
    assert!(!out.status.success());
    std::thread::sleep(Duration::from_millis(300));
    let seq = std::sync::atomic::Ordering::SeqCst;
    assert!(
        users_count.load(seq) > 0,
        "the user's endpoint was not called"
    );
    assert_eq!(files_count.load(seq), 0, "the file chose the endpoint");
}
