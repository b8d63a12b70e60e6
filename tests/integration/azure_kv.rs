//! Azure Key Vault recipients against a local stand-in: `tests/servers/azure_kv.py` (Key
//! Vault's REST `wrapkey`/`unwrapkey`/`encrypt`/`decrypt` with real RSA-OAEP-256 over HTTPS,
//! Microsoft Entra ID's token endpoint, and the managed identity endpoints, on 127.0.0.1),
//! run with `.venv`'s Python. `azure_kv_server_answers_as_microsoft_libraries_expect`
//! drives the same server with Microsoft's own `azure-identity` and `azure-keyvault-keys`
//! (installed by `./scripts/test.sh`), so that what vaultfile is tested against answers as
//! the real services do for them. Nothing here reaches Azure.
//!
//! The recipients name a real-looking vault (`https://vaultfile-test.vault.azure.net`);
//! `VAULTFILE_AZURE_KEYVAULT_ENDPOINT` sends the requests to the stand-in, whose TLS
//! certificate is signed by a CA it makes when it starts (trusted through `SSL_CERT_FILE`).
//! `AZURE_POD_IDENTITY_AUTHORITY_HOST` always points at 127.0.0.1, so the instance metadata
//! service's real address is never tried.
//!
//! SOPS is not run against it: `sops` reaches the vault its file names, through the Azure
//! SDK for Go, which has no endpoint setting (and would try the real instance metadata
//! service), so the SOPS files here are checked by their entries and by vaultfile reading
//! them, not by `sops decrypt`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;

use super::common::Env;
use super::services::{self, Server};

const PLAIN: &str = "DATABASE_URL=postgres://app:pg-pass-5821@db/app\nAPI_TOKEN=azure-test-7703\n";
const VAULT: &str = "https://vaultfile-test.vault.azure.net";
const TENANT: &str = "72f988bf-0000-4000-8000-vaultfiletest";
const CLIENT: &str = "vaultfile-app";
const SECRET: &str = "TEST-ONLY-client-secret-8d1f";
const DENIED: &str = "vaultfile-no-role";
const DENIED_SECRET: &str = "TEST-ONLY-denied-secret-51c2";
const NO_GET: &str = "vaultfile-wrap-only";
const NO_GET_SECRET: &str = "TEST-ONLY-wrap-only-secret-07aa";
const FEDERATED: &str = "vaultfile-federated";
const HEADER: &str = "TEST-ONLY-identity-header-3e9b";
const USER_ASSIGNED: &str = "vaultfile-user-assigned";

fn url(key: &str) -> String {
    format!("{VAULT}/keys/{key}")
}

fn recipient(key: &str) -> String {
    format!("azkv:{}", url(key))
}

/// A running stand-in, with its CA and federated token files.
struct Azure {
    server: Server,
    tls_port: u16,
    dir: tempfile::TempDir,
}

impl Azure {
    /// Starts a server with the keys `keys` (`NAME` or `NAME=DISABLED`) and `extra` flags.
    fn start(keys: &[&str], extra: &[&str]) -> Azure {
        let port = services::free_port();
        let tls_port = loop {
            let p = services::free_port();
            if p != port {
                break p;
            }
        };
        let dir = tempfile::tempdir().unwrap();
        let mut args: Vec<String> = vec![
            script("azure_kv.py").display().to_string(),
            "--port".into(),
            port.to_string(),
            "--tls-port".into(),
            tls_port.to_string(),
            "--tenant".into(),
            TENANT.into(),
            "--write-ca".into(),
            dir.path().join("ca.pem").display().to_string(),
            "--client".into(),
            format!("{CLIENT}={SECRET}"),
            "--client".into(),
            format!("{DENIED}={DENIED_SECRET}"),
            "--client".into(),
            format!("{NO_GET}={NO_GET_SECRET}"),
            "--deny".into(),
            DENIED.into(),
            "--no-get".into(),
            NO_GET.into(),
            "--federated-client".into(),
            FEDERATED.into(),
            "--write-federated-token".into(),
            dir.path().join("federated-token").display().to_string(),
            "--identity-header".into(),
            HEADER.into(),
            "--user-assigned".into(),
            USER_ASSIGNED.into(),
        ];
        for k in keys {
            args.push("--key".into());
            args.push((*k).to_owned());
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let server = Server::start(&services::venv_bin("python3"), &args, &[], port, |p| {
            services::http_get_status(p, "/admin/stats") == Some(200)
        });
        Azure {
            server,
            tls_port,
            dir,
        }
    }

    /// The stand-in's HTTPS address: Key Vault and Entra ID.
    fn endpoint(&self) -> String {
        format!("https://127.0.0.1:{}", self.tls_port)
    }

    fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn federated_token(&self) -> PathBuf {
        self.dir.path().join("federated-token")
    }

    /// The server's call counts (`wrapkey`, `unwrapkey`, `encrypt`, `decrypt`, `token`,
    /// `imds`, `appservice`, `throttled`) and `paths`, the key operations' paths.
    fn stats(&self) -> serde_json::Value {
        let out = std::process::Command::new(services::venv_bin("python3"))
            .args([
                "-c",
                "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())",
                &format!("{}/admin/stats", self.server.url()),
            ])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn count(&self, what: &str) -> u64 {
        self.stats()[what].as_u64().unwrap()
    }

    /// The path of the last key operation.
    fn last_path(&self) -> String {
        let stats = self.stats();
        let paths = stats["paths"].as_array().unwrap();
        paths.last().unwrap().as_str().unwrap().to_owned()
    }

    /// `POST /admin/ACTION` with `body`: a key's state, a new key version.
    fn admin(&self, action: &str, body: serde_json::Value) {
        let out = std::process::Command::new(services::venv_bin("python3"))
            .args([
                "-c",
                "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method='POST'))",
                &format!("{}/admin/{action}", self.server.url()),
                &body.to_string(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn set_state(&self, key: &str, state: &str) {
        self.admin("key", serde_json::json!({"name": key, "state": state}));
    }
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("servers")
        .join(name)
}

/// How a command gets its Azure credentials.
#[derive(Clone, Copy)]
enum Creds<'a> {
    /// A client secret: `(client ID, secret)`.
    Secret(&'a str, &'a str),
    /// A workload identity's federated token file.
    Workload(&'a Path),
    /// App Service's managed identity endpoint.
    AppService,
    /// The instance metadata service; `Some(ID)`: a user-assigned identity.
    Imds(Option<&'a str>),
    /// None at all: the metadata service is a closed port.
    Nothing,
}

const APP: Creds<'static> = Creds::Secret(CLIENT, SECRET);

/// A command that reaches `az` with `creds`, and no other identity.
fn cmd(env: &Env, az: &Azure, creds: Creds<'_>) -> Command {
    let mut c = env.bare_cmd();
    c.env("VAULTFILE_AZURE_KEYVAULT_ENDPOINT", az.endpoint())
        .env("SSL_CERT_FILE", az.ca())
        .env("AZURE_AUTHORITY_HOST", az.endpoint())
        // Never the real metadata service, whatever the credentials.
        .env(
            "AZURE_POD_IDENTITY_AUTHORITY_HOST",
            format!("http://127.0.0.1:{}", services::free_port()),
        );
    match creds {
        Creds::Secret(client, secret) => {
            c.env("AZURE_TENANT_ID", TENANT)
                .env("AZURE_CLIENT_ID", client)
                .env("AZURE_CLIENT_SECRET", secret);
        }
        Creds::Workload(file) => {
            c.env("AZURE_TENANT_ID", TENANT)
                .env("AZURE_CLIENT_ID", FEDERATED)
                .env("AZURE_FEDERATED_TOKEN_FILE", file);
        }
        Creds::AppService => {
            c.env(
                "IDENTITY_ENDPOINT",
                format!("{}/msi/token", az.server.url()),
            )
            .env("IDENTITY_HEADER", HEADER);
        }
        Creds::Imds(client) => {
            c.env("AZURE_POD_IDENTITY_AUTHORITY_HOST", az.server.url());
            if let Some(id) = client {
                c.env("AZURE_CLIENT_ID", id);
            }
        }
        Creds::Nothing => {}
    }
    c
}

/// Encrypts `plain` to `recipients` with the client secret; returns the file.
fn encrypt_to(env: &Env, az: &Azure, name: &str, plain: &str, recipients: &[&str]) -> PathBuf {
    env.encrypt_with(cmd(env, az, APP), name, plain, recipients)
}

/// Runs `c` (with its arguments); returns the exit code, stdout and stderr.
fn run(c: &mut Command) -> (Option<i32>, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The key version in a key operation's path, `/keys/NAME/VERSION/OP`.
fn version_in(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    assert_eq!(parts.len(), 5, "{path}");
    parts[3].to_owned()
}

#[test]
fn azure_kv_round_trip_with_each_kind_of_credentials() {
    let az = Azure::start(&["app"], &[]);
    let env = Env::new();
    let file = encrypt_to(&env, &az, "app.env", PLAIN, &[&recipient("app")]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("pg-pass-5821") && !text.contains("azure-test-7703"));
    assert!(text.contains(&recipient("app")), "{text}");
    // Wrapped with the key's current version (no version in the path), as Microsoft's
    // clients ask for it.
    assert_eq!(az.count("wrapkey"), 1);
    assert_eq!(az.last_path(), "/keys/app//wrapkey");

    let workload = az.federated_token();
    for (creds, what) in [
        (APP, "token"),
        (Creds::Workload(&workload), "token"),
        (Creds::AppService, "appservice"),
        (Creds::Imds(None), "imds"),
        (Creds::Imds(Some(USER_ASSIGNED)), "imds"),
    ] {
        let before = az.stats();
        let (code, out, err) = run(cmd(&env, &az, creds).arg("decrypt").arg(&file));
        assert_eq!(code, Some(0), "{what}: {err}");
        assert_eq!(out, PLAIN);
        let after = az.stats();
        assert_eq!(
            after["unwrapkey"],
            before["unwrapkey"].as_u64().unwrap() + 1
        );
        assert_eq!(
            after[what],
            before[what].as_u64().unwrap() + 1,
            "{what}: one token per process"
        );
    }
    // Unwrapped with the exact version that wrapped, which the file records.
    let version = version_in(&az.last_path());
    assert_eq!(version.len(), 32);
    assert!(text.contains(&format!("{version}:")), "{text}");
    assert_eq!(az.last_path(), format!("/keys/app/{version}/unwrapkey"));

    // A new key version: older files still open (with their version), new ones take it.
    az.admin("rotate", serde_json::json!({"name": "app"}));
    let (code, out, err) = run(cmd(&env, &az, APP).arg("decrypt").arg(&file));
    assert_eq!((code, out.as_str()), (Some(0), PLAIN), "{err}");
    assert_eq!(az.last_path(), format!("/keys/app/{version}/unwrapkey"));
    let newer = encrypt_to(&env, &az, "newer.env", PLAIN, &[&recipient("app")]);
    let (code, out, err) = run(cmd(&env, &az, APP).arg("decrypt").arg(&newer));
    assert_eq!((code, out.as_str()), (Some(0), PLAIN), "{err}");
    assert_ne!(version_in(&az.last_path()), version);

    // A recipient pinned to a version wraps and unwraps with it.
    let pinned = format!("{}/{version}", recipient("app"));
    let old = encrypt_to(&env, &az, "pinned.env", PLAIN, &[&pinned]);
    assert_eq!(az.last_path(), format!("/keys/app/{version}/wrapkey"));
    let (code, out, err) = run(cmd(&env, &az, APP).arg("decrypt").arg(&old));
    assert_eq!((code, out.as_str()), (Some(0), PLAIN), "{err}");

    // One token per process, however many files: `keys check` of three files fetches one.
    let before = az.count("token");
    let (code, out, err) = run(cmd(&env, &az, APP)
        .args(["keys", "check"])
        .arg(&file)
        .arg(&newer)
        .arg(&old));
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(az.count("token"), before + 1);
}

#[test]
fn azure_kv_server_answers_as_microsoft_libraries_expect() {
    let az = Azure::start(&["app", "off=DISABLED"], &[]);
    let out = std::process::Command::new(services::venv_bin("python3"))
        .arg(script("azure_kv_check.py"))
        .arg(az.server.port.to_string())
        .arg(az.tls_port.to_string())
        .args([
            TENANT,
            CLIENT,
            SECRET,
            DENIED,
            DENIED_SECRET,
            NO_GET,
            NO_GET_SECRET,
            FEDERATED,
        ])
        .arg(az.federated_token())
        .args([HEADER, "app", "off"])
        .env("REQUESTS_CA_BUNDLE", az.ca())
        .env_remove("IDENTITY_ENDPOINT")
        .env_remove("IDENTITY_HEADER")
        .env_remove("AZURE_POD_IDENTITY_AUTHORITY_HOST")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "Microsoft's client libraries disagree with tests/servers/azure_kv.py (run ./scripts/test.sh to install them):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn azure_kv_failures_are_classified_with_their_exit_codes() {
    let az = Azure::start(&["app", "other", "gone", "off=DISABLED"], &[]);
    let env = Env::new();
    let plain = env.write("p.env", PLAIN);
    let encrypt = |r: &str, creds: Creds<'_>| {
        run(cmd(&env, &az, creds).args(["encrypt", "-r", r]).arg(&plain))
    };

    // A key that does not exist, a disabled key: no usable recipient (5).
    let (code, _, err) = encrypt(&recipient("missing"), APP);
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains(&format!(
            "{}: not found: A key with (name/id) missing was not found in this key vault.",
            recipient("missing")
        )),
        "{err}"
    );
    let (code, _, err) = encrypt(&recipient("off"), APP);
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("disabled key: Operation wrapKey is not allowed on a disabled key. (Forbidden/KeyDisabled)"),
        "{err}"
    );
    // An identity without a role on the key: denied, saying what to grant.
    let (code, _, err) = encrypt(&recipient("app"), Creds::Secret(DENIED, DENIED_SECRET));
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("denied: Caller is not authorized to perform action on resource.")
            && err.contains("Action: 'Microsoft.KeyVault/vaults/keys/wrap/action'")
            && err.contains("(Forbidden/ForbiddenByRbac)")
            && err.contains(&format!(
                "(the identity may not use {}: give it the Key Vault Crypto User role on the vault or the key, or, for a vault with access policies, the wrapKey and unwrapKey key permissions)",
                recipient("app")
            )),
        "{err}"
    );
    // A wrong secret, an unknown tenant, a federated token Entra ID does not trust, a
    // token file that is not there, no credentials at all.
    let (code, _, err) = encrypt(&recipient("app"), Creds::Secret(CLIENT, "not-the-secret"));
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains(&format!(
            "denied: client secret of {CLIENT}: the token request to "
        )) && err.contains("failed: AADSTS7000215: Invalid client secret provided."),
        "{err}"
    );
    let (code, _, err) = run(cmd(&env, &az, APP)
        .env("AZURE_TENANT_ID", "another-tenant")
        .args(["encrypt", "-r", &recipient("app")])
        .arg(&plain));
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("AADSTS90002: Tenant 'another-tenant' not found."),
        "{err}"
    );
    let forged = env.write("forged-token", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");
    let (code, _, err) = encrypt(&recipient("app"), Creds::Workload(&forged));
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains(&format!("denied: workload identity {FEDERATED}: "))
            && err.contains("AADSTS700213: No matching federated identity record found"),
        "{err}"
    );
    let (code, _, err) = encrypt(
        &recipient("app"),
        Creds::Workload(&env.path("no-such-file")),
    );
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("no credentials: cannot read the federated token file"),
        "{err}"
    );
    let (code, _, err) = encrypt(&recipient("app"), Creds::Nothing);
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("no credentials: none given (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE), and the managed identity endpoint http://127.0.0.1:"),
        "{err}"
    );
    // A user-assigned identity this machine does not have.
    let (code, _, err) = encrypt(&recipient("app"), Creds::Imds(Some("not-assigned")));
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("no credentials: ")
            && err.contains("gave none: ")
            && err.contains("Identity not found (invalid_request)"),
        "{err}"
    );
    // A host that is not one of Azure's vaults: refused before anything is sent.
    let before = az.count("token");
    let (code, _, err) = encrypt("azkv:https://evil.example/keys/app", APP);
    assert_eq!(code, Some(5), "{err}");
    assert!(
        err.contains("invalid Azure Key Vault recipient 'azkv:https://evil.example/keys/app': 'evil.example' is not an Azure Key Vault host"),
        "{err}"
    );
    assert!(
        err.contains("hint: check the Azure Key Vault key's name"),
        "{err}"
    );
    assert_eq!(az.count("token"), before);

    // Decrypting: no identity can (6), with the reason per recipient.
    let file = encrypt_to(&env, &az, "f.env", PLAIN, &[&recipient("app")]);
    let decrypt =
        |file: &Path, creds: Creds<'_>| run(cmd(&env, &az, creds).arg("decrypt").arg(file));
    let (code, out, err) = decrypt(&file, Creds::Nothing);
    assert_eq!(code, Some(6), "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains(&format!(
            "Azure Key Vault: {}: no credentials: ",
            recipient("app")
        )),
        "{err}"
    );
    let (code, _, err) = decrypt(&file, Creds::Secret(DENIED, DENIED_SECRET));
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("keys/unwrap/action"), "{err}");
    // Wrapped under another key: the recipient says `other`, Key Vault refuses the value
    // (the version is `app`'s, which `other` does not have).
    let moved_text = std::fs::read_to_string(&file)
        .unwrap()
        .replace(&recipient("app"), &recipient("other"));
    let moved = env.write("moved.env", &moved_text);
    let (code, out, err) = decrypt(&moved, APP);
    assert_eq!(code, Some(6), "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains(&format!("{}: not found: ", recipient("other"))),
        "{err}"
    );
    // A recipient moved to a host of the file's choosing: refused, nothing sent.
    let stolen = env.write(
        "stolen.env",
        moved_text.replace(VAULT, "https://evil.example"),
    );
    let before = az.count("token");
    let (code, _, err) = decrypt(&stolen, APP);
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("not an Azure Key Vault host"), "{err}");
    assert_eq!(az.count("token"), before);

    // The value altered: Key Vault cannot open it.
    let version = version_in(&az.last_path());
    let altered_text = std::fs::read_to_string(&file).unwrap();
    let start = altered_text.find(&format!("{version}:")).unwrap() + 33;
    let mut altered_bytes = altered_text.into_bytes();
    altered_bytes[start + 5] = if altered_bytes[start + 5] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let altered = env.write("altered.env", altered_bytes);
    let (code, _, err) = decrypt(&altered, APP);
    assert_eq!(code, Some(6), "{err}");
    assert!(
        err.contains("ciphertext rejected: Error while decrypting")
            && err.contains("(BadParameter)"),
        "{err}"
    );

    // A key disabled after the file was written.
    let gone = encrypt_to(&env, &az, "gone.env", PLAIN, &[&recipient("gone")]);
    az.set_state("gone", "DISABLED");
    let (code, _, err) = decrypt(&gone, APP);
    assert_eq!(code, Some(6), "{err}");
    assert!(
        err.contains(&format!("{}: disabled key: ", recipient("gone"))),
        "{err}"
    );
    az.set_state("gone", "ENABLED");
    let (code, out, _) = decrypt(&gone, APP);
    assert_eq!((code, out.as_str()), (Some(0), PLAIN));
}

#[test]
fn azure_kv_throttling_is_retried_with_backoff_then_reported() {
    let az = Azure::start(&["app"], &["--throttle", "2"]);
    let env = Env::new();
    // The first two calls are throttled; the third attempt (of 3 by default) wraps.
    let file = encrypt_to(&env, &az, "f.env", PLAIN, &[&recipient("app")]);
    assert_eq!(az.count("throttled"), 2);
    let (code, out, err) = run(cmd(&env, &az, APP).arg("decrypt").arg(&file));
    assert_eq!((code, out.as_str()), (Some(0), PLAIN), "{err}");

    let az = Azure::start(&["app"], &["--throttle", "100"]);
    let (code, _, err) = run(cmd(&env, &az, APP)
        .env("AWS_MAX_ATTEMPTS", "2")
        .arg("decrypt")
        .arg(&file));
    assert_eq!(code, Some(6), "{err}");
    assert!(
        err.contains("throttled (still, after retries with backoff): Request was not allowed because of too many requests.")
            && err.contains("(Throttled)"),
        "{err}"
    );
    assert_eq!(az.count("throttled"), 2, "two attempts");
}

/// A Key Vault endpoint that never answers, or cannot be reached, costs one timeout per
/// process, not one per file, and the file opens with its other recipient.
#[test]
fn azure_kv_that_is_down_fails_over_to_another_recipient() {
    let az = Azure::start(&["app"], &[]);
    let env = Env::new();
    let a = encrypt_to(&env, &az, "a.env", PLAIN, &[&recipient("app"), &env.public]);
    let b = encrypt_to(&env, &az, "b.env", PLAIN, &[&recipient("app"), &env.public]);
    let hung = format!("https://127.0.0.1:{}", services::silent_server());
    let closed = format!("https://127.0.0.1:{}", services::free_port());
    // Key Vault first (--prefer), then the age key.
    let with_age = |endpoint: &str| {
        let mut c = cmd(&env, &az, APP);
        c.env("VAULTFILE_AZURE_KEYVAULT_ENDPOINT", endpoint)
            .env("VAULTFILE_AGE_KEY_FILE", &env.key_file)
            .args(["--prefer", "azure-kv,local", "--kms-timeout", "2s"]);
        c
    };
    for endpoint in [&hung, &closed] {
        let start = Instant::now();
        let (code, out, err) = run(with_age(endpoint).arg("decrypt").arg(&a));
        let took = start.elapsed();
        assert_eq!(code, Some(0), "{endpoint}: {err}");
        assert_eq!(out, PLAIN, "{endpoint}");
        // One timeout (2 s) at most.
        assert!(took < Duration::from_millis(3800), "took {took:?}: {err}");
    }
    // `keys check` says why Key Vault failed, once, and that the age key opens the files.
    let (code, out, err) = run(with_age(&hung).args(["keys", "check"]).arg(&a).arg(&b));
    assert_eq!(code, Some(0), "{out}{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("timed out: "), "{all}");
    assert!(
        all.contains("(earlier in this run; not tried again)"),
        "{all}"
    );
    let (code, out, err) = run(with_age(&closed).args(["keys", "check"]).arg(&a));
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        format!("{out}{err}").contains("unreachable: 127.0.0.1:"),
        "{out}{err}"
    );
    // Without the age key, nothing opens it (6).
    let (code, _, err) = run(cmd(&env, &az, APP)
        .env("VAULTFILE_AZURE_KEYVAULT_ENDPOINT", &closed)
        .arg("decrypt")
        .arg(&a));
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("unreachable: "), "{err}");
}

/// `convert --to sops` writes an `azure_kv` entry (SOPS's `vault_url`, `name`, `version`,
/// `enc`: the base64url, unpadded, of what Key Vault's `encrypt` gave, as SOPS writes it),
/// vaultfile decrypts that SOPS file with Key Vault alone (`decrypt`, as SOPS does), and
/// `convert --to vaultfile` reads it back as the same key, pinned to the entry's version; a
/// `.sops.yaml` rule's `azure_keyvault` keys become `.vaultfile.yaml` recipients.
#[test]
fn azure_kv_keys_survive_conversion_to_sops_and_back() {
    use base64::Engine as _;
    let az = Azure::start(&["app"], &[]);
    let env = Env::new();
    let yaml = "database:\n  password: pg-pass-5821\napi_token: azure-test-7703\n";
    let file = encrypt_to(
        &env,
        &az,
        "app.yaml",
        yaml,
        &[&recipient("app"), &env.public],
    );
    let (code, _, err) = run(cmd(&env, &az, APP)
        .args(["convert", "--to", "sops"])
        .arg(&file));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(az.count("encrypt"), 1, "SOPS's operation");
    let sops = std::fs::read_to_string(&file).unwrap();
    assert!(!sops.contains("pg-pass-5821"), "{sops}");
    assert_eq!(az.last_path(), "/keys/app//encrypt");
    // The entry's fields, `KEY: VALUE` lines (quoted or not) after `azure_kv:`.
    let entry: std::collections::BTreeMap<String, String> = sops
        .split("azure_kv:")
        .nth(1)
        .unwrap_or_else(|| panic!("no azure_kv list: {sops}"))
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("      "))
        .filter_map(|l| l.trim().trim_start_matches("- ").split_once(": "))
        .map(|(k, v)| (k.to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect();
    let keys: Vec<&str> = entry.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["created_at", "enc", "name", "vault_url", "version"],
        "{sops}"
    );
    assert_eq!(entry["vault_url"], VAULT);
    assert_eq!(entry["name"], "app");
    // The version Key Vault's answer named.
    let version = entry["version"].clone();
    assert!(
        version.len() == 32 && version.bytes().all(|b| b.is_ascii_hexdigit()),
        "{version}"
    );
    let enc = entry["enc"].as_str();
    assert!(!enc.contains('='), "unpadded: {enc}");
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(enc)
        .unwrap();
    assert_eq!(raw.len(), 256, "an RSA-2048 ciphertext");

    // The SOPS file opens with Key Vault alone, by `decrypt` at the entry's version.
    let (code, out, err) = run(cmd(&env, &az, Creds::Workload(&az.federated_token()))
        .arg("decrypt")
        .arg(&file));
    assert_eq!((code, out.as_str()), (Some(0), yaml), "{err}");
    assert_eq!(az.last_path(), format!("/keys/app/{version}/decrypt"));

    // Back, with only Key Vault (no age key): the key opens it and stays a recipient.
    let (code, _, err) = run(cmd(&env, &az, APP)
        .args(["convert", "--to", "vaultfile"])
        .arg(&file));
    assert_eq!(code, Some(0), "{err}");
    let back = std::fs::read_to_string(&file).unwrap();
    assert!(
        back.contains(&format!("{}/{version}", recipient("app"))),
        "{back}"
    );
    assert!(back.contains(&env.public), "{back}");
    let (code, out, err) = run(cmd(&env, &az, APP).arg("decrypt").arg(&file));
    assert_eq!((code, out.as_str()), (Some(0), yaml), "{err}");

    // `.sops.yaml` with azure_keyvault, in a rule (SOPS's comma-separated URLs) and in a
    // key group (SOPS's vaultUrl/key/version mappings).
    let dir = env.path("repo");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".sops.yaml"),
        format!(
            "creation_rules:\n  - path_regex: prod/\n    azure_keyvault: {a}/{version},{b}\n  - path_regex: groups/\n    key_groups:\n      - azure_keyvault:\n          - vaultUrl: {VAULT}\n            key: app\n            version: \"\"\n      - age: [{age}]\n    shamir_threshold: 2\n",
            a = url("app"),
            b = url("other"),
            age = env.public
        ),
    )
    .unwrap();
    let (code, out, err) = run(cmd(&env, &az, APP)
        .args(["convert", "--to", "vaultfile"])
        .arg(&dir));
    assert_eq!(code, Some(0), "{out}{err}");
    let config = std::fs::read_to_string(dir.join(".vaultfile.yaml")).unwrap();
    assert!(
        config.contains(&format!(
            "recipients: [\"{}/{version}\", \"{}\"]",
            recipient("app"),
            recipient("other")
        )),
        "{config}"
    );
    assert!(
        config.contains(&format!("- [\"{}\"]", recipient("app"))),
        "{config}"
    );
    assert!(!err.contains("Azure"), "nothing left out: {err}");
}
