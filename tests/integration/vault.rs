//! Vault transit recipients against a real server: OpenBao (`bao server -dev`) on
//! 127.0.0.1, started once for this test binary from `.venv` (installed by
//! `./scripts/test.sh`). The dev server speaks plain HTTP, which vaultfile accepts with a
//! warning.
//!
//! A transit recipient names its server, and is read from a file before the file can be
//! authenticated: vaultfile sends the token only to servers the user allowed (`VAULT_ADDR`,
//! `VAULTFILE_VAULT_ALLOWLIST`, `SOPS_HC_VAULT_ALLOWLIST`). The tests that use OpenBao allow
//! it with `VAULT_ADDR`, as a user of the `vault`/`bao` CLI has it set.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use assert_cmd::Command;

use super::common::Env;
use super::services::{self, Server};

const PLAIN: &str =
    "DATABASE_URL=postgres://app:pg-pass-4711@db/app\nSTRIPE_KEY=sk_test_0123456789\nDEBUG=false\n";
const ROOT_TOKEN: &str = "vaultfile-test-root";

struct Bao {
    server: Server,
    home: tempfile::TempDir,
}

impl Bao {
    fn start() -> Bao {
        let port = services::free_port();
        let listen = format!("-dev-listen-address=127.0.0.1:{port}");
        let root = format!("-dev-root-token-id={ROOT_TOKEN}");
        let home = tempfile::tempdir().unwrap();
        let home_s = home.path().to_str().unwrap().to_owned();
        let server = Server::start(
            &services::venv_bin("bao"),
            &["server", "-dev", &listen, &root],
            &[("HOME", &home_s)],
            port,
            |p| services::http_get_status(p, "/v1/sys/health") == Some(200),
        );
        let bao = Bao { server, home };
        bao.admin(ROOT_TOKEN, &["secrets", "enable", "transit"]);
        bao.admin(
            ROOT_TOKEN,
            &["secrets", "enable", "-path=team/transit", "transit"],
        );
        bao
    }

    fn addr(&self) -> String {
        self.server.url()
    }

    /// Runs the `bao` CLI against this server with `token`; returns its stdout.
    fn admin(&self, token: &str, args: &[&str]) -> String {
        let out = std::process::Command::new(services::venv_bin("bao"))
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("BAO_ADDR", self.addr())
            .env("BAO_TOKEN", token)
            .output()
            .expect("run bao");
        assert!(
            out.status.success(),
            "bao {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A token with only `policy` (HCL).
    fn token_with(&self, name: &str, policy: &str) -> String {
        let file = self.home.path().join(format!("{name}.hcl"));
        std::fs::write(&file, policy).unwrap();
        self.admin(
            ROOT_TOKEN,
            &["policy", "write", name, file.to_str().unwrap()],
        );
        self.admin(
            ROOT_TOKEN,
            &[
                "token",
                "create",
                &format!("-policy={name}"),
                "-field=token",
            ],
        )
        .trim()
        .to_owned()
    }

    fn recipient(&self, mount: &str, key: &str) -> String {
        format!("vault:{}/{mount}/keys/{key}", self.addr())
    }
}

fn bao() -> &'static Bao {
    static BAO: OnceLock<Bao> = OnceLock::new();
    BAO.get_or_init(Bao::start)
}

/// The token, and OpenBao's address in `VAULT_ADDR` (which allows that server).
fn with_token(c: &mut Command, token: &str) {
    c.env("VAULT_TOKEN", token).env("VAULT_ADDR", bao().addr());
}

/// A plain TCP listener on 127.0.0.1 that counts the connections it accepts (and closes
/// each at once): a server a file names and the user did not allow. Returns its address
/// (`http://127.0.0.1:PORT`) and the count.
fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = count.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stream.is_ok() {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    (format!("http://127.0.0.1:{port}"), count)
}

/// The number of connections `count` has seen once things settle: a connection made by a
/// finished process has been accepted within this time.
fn settled(count: &AtomicUsize) -> usize {
    std::thread::sleep(Duration::from_millis(300));
    count.load(Ordering::SeqCst)
}

/// Encrypts PLAIN to `recipients` with `token`; returns the file.
fn encrypt_to(env: &Env, name: &str, recipients: &[&str], token: &str) -> std::path::PathBuf {
    let mut c = env.bare_cmd();
    with_token(&mut c, token);
    env.encrypt_with(c, name, PLAIN, recipients)
}

fn decrypt_with(env: &Env, c: &mut Command, file: &std::path::Path) -> (bool, String, String) {
    let _ = env;
    let out = c.arg("decrypt").arg(file).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn vault_transit_round_trip_with_token_file_and_custom_mount() {
    let bao = bao();
    let env = Env::new();
    bao.admin(ROOT_TOKEN, &["write", "-f", "transit/keys/roundtrip"]);
    bao.admin(ROOT_TOKEN, &["write", "-f", "team/transit/keys/roundtrip"]);
    for (name, mount) in [("a.env", "transit"), ("b.env", "team/transit")] {
        let recipient = bao.recipient(mount, "roundtrip");
        let plain = env.write(&format!("plain-{name}"), PLAIN);
        let mut c = env.bare_cmd();
        with_token(&mut c, ROOT_TOKEN);
        let out = c
            .args(["encrypt", "-r", &recipient])
            .arg(&plain)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        // Plain http:// works for a development server, with a warning.
        assert!(err.contains("plain HTTP"), "{err}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains("pg-pass-4711") && !text.contains("sk_test_0123456789"));
        assert!(
            text.contains("vault:v1:"),
            "the wrapped key is transit's ciphertext"
        );
        let file = env.write(name, &text);
        // The token from ~/.vault-token this time (VAULT_TOKEN unset).
        std::fs::write(env.path(".vault-token"), format!("{ROOT_TOKEN}\n")).unwrap();
        let mut c = env.bare_cmd();
        c.env("VAULT_ADDR", bao.addr());
        let (ok, out, err) = decrypt_with(&env, &mut c, &file);
        std::fs::remove_file(env.path(".vault-token")).unwrap();
        assert!(ok, "{mount}: {err}");
        assert_eq!(out, PLAIN);
    }
}

#[test]
fn vault_token_without_permission_fails_clearly() {
    let bao = bao();
    let env = Env::new();
    bao.admin(ROOT_TOKEN, &["write", "-f", "transit/keys/guarded"]);
    let file = encrypt_to(
        &env,
        "f.env",
        &[&bao.recipient("transit", "guarded")],
        ROOT_TOKEN,
    );
    let encrypt_only = bao.token_with(
        "encrypt-only",
        r#"path "transit/encrypt/guarded" { capabilities = ["update"] }"#,
    );
    let mut c = env.bare_cmd();
    with_token(&mut c, &encrypt_only);
    let (ok, _, err) = decrypt_with(&env, &mut c, &file);
    assert!(!ok);
    assert!(err.contains("no identity can decrypt"), "{err}");
    assert!(
        err.contains(&format!(
            "{}: denied: 1 error occurred: * permission denied (HTTP 403)",
            bao.recipient("transit", "guarded")
        )),
        "{err}"
    );
    assert!(!err.contains(&encrypt_only), "the token is never printed");
    // No token at all: said as such.
    let mut c = env.bare_cmd();
    c.env("VAULT_ADDR", bao.addr());
    let (ok, _, err) = decrypt_with(&env, &mut c, &file);
    assert!(!ok);
    assert!(err.contains("no Vault token"), "{err}");
    // A key that does not exist.
    let text = std::fs::read_to_string(&file).unwrap();
    let moved = env.write("g.env", text.replace("/keys/guarded", "/keys/absent"));
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    let (ok, _, err) = decrypt_with(&env, &mut c, &moved);
    assert!(!ok);
    assert!(
        err.contains("/keys/absent: not found: encryption key not found"),
        "{err}"
    );
}

#[test]
fn vault_key_rotation_still_decrypts_old_files() {
    let bao = bao();
    let env = Env::new();
    bao.admin(ROOT_TOKEN, &["write", "-f", "transit/keys/rotating"]);
    let recipient = bao.recipient("transit", "rotating");
    let old = encrypt_to(&env, "old.env", &[&recipient], ROOT_TOKEN);
    assert!(std::fs::read_to_string(&old).unwrap().contains("vault:v1:"));
    bao.admin(ROOT_TOKEN, &["write", "-f", "transit/keys/rotating/rotate"]);
    let new = encrypt_to(&env, "new.env", &[&recipient], ROOT_TOKEN);
    assert!(std::fs::read_to_string(&new).unwrap().contains("vault:v2:"));
    for file in [&old, &new] {
        let mut c = env.bare_cmd();
        with_token(&mut c, ROOT_TOKEN);
        let (ok, out, err) = decrypt_with(&env, &mut c, file);
        assert!(ok, "{}: {err}", file.display());
        assert_eq!(out, PLAIN);
    }
}

#[test]
fn vault_and_age_recipients_with_keys_check() {
    let bao = bao();
    let env = Env::new();
    bao.admin(ROOT_TOKEN, &["write", "-f", "transit/keys/checked"]);
    let recipient = bao.recipient("transit", "checked");
    let file = encrypt_to(&env, "f.env", &[&env.public, &recipient], ROOT_TOKEN);
    let mut c = env.cmd();
    with_token(&mut c, ROOT_TOKEN);
    let out = c.args(["keys", "check"]).arg(&file).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}");
    let line = |r: &str| stdout.lines().find(|l| l.contains(r)).unwrap().to_owned();
    assert!(
        line(&super::common::shown(&env.public))
            .trim_start()
            .starts_with("ok "),
        "{stdout}"
    );
    assert!(
        line(&recipient).trim_start().starts_with("ok ") && line(&recipient).contains("Vault"),
        "{stdout}"
    );
    assert!(!stdout.contains(ROOT_TOKEN) && !stdout.contains("pg-pass"));

    // A server that never answers: the Vault recipient times out within the bound.
    let hung = services::silent_server();
    let text = std::fs::read_to_string(&file).unwrap();
    let hung_file = env.write(
        "hung.env",
        text.replace(&bao.addr(), &format!("http://127.0.0.1:{hung}")),
    );
    let start = Instant::now();
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    c.env("VAULTFILE_KMS_TIMEOUT", "1").env(
        "VAULTFILE_VAULT_ALLOWLIST",
        format!("http://127.0.0.1:{hung}"),
    );
    let (ok, _, err) = decrypt_with(&env, &mut c, &hung_file);
    assert!(!ok);
    assert!(err.contains("timed out: no answer from 127.0.0.1"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(4));
}

#[test]
fn vault_over_tls_trusts_vault_cacert() {
    // A TLS dev server of this test's own: OpenBao makes a CA and a certificate for it.
    let port = services::free_port();
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("tls");
    std::fs::create_dir(&certs).unwrap();
    let listen = format!("-dev-listen-address=127.0.0.1:{port}");
    let cert_dir = format!("-dev-tls-cert-dir={}", certs.display());
    let root = format!("-dev-root-token-id={ROOT_TOKEN}");
    let home = dir.path().to_str().unwrap();
    let ca = certs.join("vault-ca.pem");
    let ca_ready = ca.clone();
    let server = Server::start(
        &services::venv_bin("bao"),
        &["server", "-dev", "-dev-tls", &cert_dir, &listen, &root],
        &[("HOME", home)],
        port,
        move |p| ca_ready.exists() && std::net::TcpStream::connect(("127.0.0.1", p)).is_ok(),
    );
    let addr = format!("https://127.0.0.1:{port}");
    let admin = |args: &[&str]| {
        let out = std::process::Command::new(services::venv_bin("bao"))
            .args(args)
            .env_clear()
            .env("HOME", home)
            .env("BAO_ADDR", &addr)
            .env("BAO_TOKEN", ROOT_TOKEN)
            .env("BAO_CACERT", &ca)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    admin(&["secrets", "enable", "transit"]);
    admin(&["write", "-f", "transit/keys/tls"]);
    let env = Env::new();
    let recipient = format!("vault:{addr}/transit/keys/tls");
    let plain = env.write("p.env", PLAIN);
    // This server, not OpenBao's shared one, is the one in VAULT_ADDR.
    let with_token = |c: &mut Command, token: &str| {
        c.env("VAULT_TOKEN", token).env("VAULT_ADDR", &addr);
    };
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    c.env("VAULT_CACERT", &ca);
    let out = c
        .args(["encrypt", "-r", &recipient])
        .arg(&plain)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("plain HTTP"), "{err}");
    let file = env.write("f.env", out.stdout);
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    c.env("VAULT_CACERT", &ca);
    let (ok, out, err) = decrypt_with(&env, &mut c, &file);
    assert!(ok, "{err}");
    assert_eq!(out, PLAIN);
    // Without the CA the server's certificate is not trusted, and the hint says what to set.
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    let (ok, _, err) = decrypt_with(&env, &mut c, &file);
    assert!(!ok);
    assert!(err.contains("invalid peer certificate"), "{err}");
    assert!(err.contains("set VAULT_CACERT"), "{err}");
    server.stop();
}

/// A file the real `sops` encrypted to a transit key (`--hc-vault-transit`, against this
/// OpenBao): vaultfile opens it with the same token, names the key when the token may not
/// use it, and `convert` carries the key over as a `vault:` recipient, and back to an
/// `hc_vault` entry that `sops decrypt` opens.
#[test]
fn sops_files_with_vault_transit_keys_open_and_convert() {
    let bao = bao();
    let env = Env::new();
    bao.admin(ROOT_TOKEN, &["write", "-f", "team/transit/keys/sops"]);
    let plain = "db:\n    password: pg-pass-4711\n";
    let plain_file = env.write("app.yaml", plain);
    let uri = format!("{}/v1/team/transit/keys/sops", bao.addr());
    let enc = super::sops::run_ok(
        super::sops::sops(&env)
            .env("VAULT_TOKEN", ROOT_TOKEN)
            .args(["encrypt", "--hc-vault-transit", &uri])
            .arg(&plain_file),
        "sops encrypt --hc-vault-transit",
    );
    let enc_text = String::from_utf8(enc).unwrap();
    assert!(enc_text.contains("hc_vault"), "{enc_text}");
    assert!(!enc_text.contains("pg-pass-4711"));
    let file = env.write("app.sops.yaml", &enc_text);

    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    let (ok, out, err) = decrypt_with(&env, &mut c, &file);
    assert!(ok, "{err}");
    assert_eq!(out, plain);

    // The entry's server, not allowed (no VAULT_ADDR): refused, with how to allow it; as
    // SOPS reads it, SOPS_HC_VAULT_ALLOWLIST allows it.
    let mut c = env.bare_cmd();
    c.env("VAULT_TOKEN", ROOT_TOKEN);
    let (ok, _, err) = decrypt_with(&env, &mut c, &file);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "HashiCorp Vault transit key {uri}: refused: {} is not a Vault server you allowed",
            bao.addr()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("VAULTFILE_VAULT_ALLOWLIST={}", bao.addr())),
        "{err}"
    );
    let mut c = env.bare_cmd();
    c.env("VAULT_TOKEN", ROOT_TOKEN)
        .env("SOPS_HC_VAULT_ALLOWLIST", format!("{}/", bao.addr()));
    let (ok, out, err) = decrypt_with(&env, &mut c, &file);
    assert!(ok, "{err}");
    assert_eq!(out, plain);

    // A token that may not decrypt: the key is named with the server's reason.
    let encrypt_only = bao.token_with(
        "sops-encrypt-only",
        r#"path "team/transit/encrypt/sops" { capabilities = ["update"] }"#,
    );
    let mut c = env.bare_cmd();
    with_token(&mut c, &encrypt_only);
    let (ok, _, err) = decrypt_with(&env, &mut c, &file);
    assert!(!ok);
    assert!(
        err.contains(&format!("HashiCorp Vault transit key {uri}: denied")),
        "{err}"
    );

    // convert: the SOPS key becomes the same transit key as a vaultfile recipient.
    convert_in_place(&env, &file, "vaultfile");
    let converted = std::fs::read_to_string(&file).unwrap();
    assert!(!converted.contains("hc_vault"), "{converted}");
    let recipient = bao.recipient("team/transit", "sops");
    assert!(converted.contains(&recipient), "{converted}");
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    let (ok, out, err) = decrypt_with(&env, &mut c, &file);
    assert!(ok, "{err}");
    assert_eq!(out, plain);

    // And back: `convert --to sops` writes an hc_vault entry that the real sops opens.
    convert_in_place(&env, &file, "sops");
    let back = std::fs::read_to_string(&file).unwrap();
    assert!(back.contains("hc_vault:"), "{back}");
    assert!(back.contains("engine_path: team/transit"), "{back}");
    let decrypted = super::sops::run_ok(
        super::sops::sops(&env)
            .env("VAULT_TOKEN", ROOT_TOKEN)
            .args(["decrypt"])
            .arg(&file),
        "sops decrypt of vaultfile's hc_vault entry",
    );
    assert_eq!(String::from_utf8(decrypted).unwrap(), plain);
}

/// `vaultfile convert --to TO FILE` with the root token; it must succeed.
fn convert_in_place(env: &Env, file: &std::path::Path, to: &str) {
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    let out = c.args(["convert", "--to", to]).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "convert --to {to}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// SOPS key groups with a transit key in one group and an age key in the other (2 of 2):
/// vaultfile combines the share from OpenBao with the one from age.
#[test]
fn sops_key_group_with_a_vault_share() {
    let bao = bao();
    let env = Env::x25519();
    bao.admin(ROOT_TOKEN, &["write", "-f", "transit/keys/sops-group"]);
    let uri = format!("{}/v1/transit/keys/sops-group", bao.addr());
    env.write(
        ".sops.yaml",
        format!(
            "creation_rules:\n  - key_groups:\n      - hc_vault: [\"{uri}\"]\n      - age: [\"{}\"]\n    shamir_threshold: 2\n",
            env.public
        ),
    );
    let plain = "token: t0k3n-4711\n";
    let plain_file = env.write("grouped.yaml", plain);
    let enc = super::sops::run_ok(
        super::sops::sops(&env)
            .env("VAULT_TOKEN", ROOT_TOKEN)
            .args(["encrypt"])
            .arg(&plain_file),
        "sops encrypt with key groups",
    );
    let enc_text = String::from_utf8(enc).unwrap();
    assert!(
        enc_text.contains("hc_vault") && enc_text.contains("shamir_threshold: 2"),
        "{enc_text}"
    );
    let file = env.write("grouped.sops.yaml", &enc_text);
    // Both shares: the age key (env.cmd) and the token.
    let mut c = env.cmd();
    with_token(&mut c, ROOT_TOKEN);
    let (ok, out, err) = decrypt_with(&env, &mut c, &file);
    assert!(ok, "{err}");
    assert_eq!(out, plain);
    // Without the token, one share is missing.
    let mut c = env.cmd();
    c.env("VAULT_ADDR", bao.addr());
    let (ok, _, err) = decrypt_with(&env, &mut c, &file);
    assert!(!ok);
    assert!(err.contains("HashiCorp Vault transit key"), "{err}");
}

/// The vulnerability this guards against: a file (from a pull request, say) names a Vault
/// server of its author's, and a CI job that decrypts it with `VAULT_TOKEN` set sends the
/// token there. An unlisted server is refused before any connection: the listener sees
/// none, even with the token set and VAULT_ADDR naming another server. The same file
/// naming an allowed server (OpenBao) opens, whichever way that server is allowed.
#[test]
fn vault_servers_not_allowed_are_never_connected_to() {
    let bao = bao();
    let env = Env::new();
    bao.admin(ROOT_TOKEN, &["write", "-f", "transit/keys/allowed"]);
    let recipient = bao.recipient("transit", "allowed");
    let file = encrypt_to(&env, "f.env", &[&recipient], ROOT_TOKEN);
    let text = std::fs::read_to_string(&file).unwrap();
    let (evil_addr, connections) = counting_listener();
    let evil = env.write("evil.env", text.replace(&bao.addr(), &evil_addr));
    let evil_host = evil_addr.trim_start_matches("http://");

    for (what, setup) in [
        (
            "VAULT_ADDR naming another server",
            ("VAULT_ADDR", bao.addr()),
        ),
        (
            "an allow-list of other servers",
            (
                "VAULTFILE_VAULT_ALLOWLIST",
                format!("{},vault.example", bao.addr()),
            ),
        ),
        (
            "SOPS's allow-list, a look-alike prefix",
            ("SOPS_HC_VAULT_ALLOWLIST", format!("{evil_addr}0")),
        ),
        ("nothing", ("VAULT_NAMESPACE", "ns".to_owned())),
    ] {
        let mut c = env.bare_cmd();
        c.env("VAULT_TOKEN", ROOT_TOKEN).env(setup.0, &setup.1);
        let out = c.arg("decrypt").arg(&evil).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}: decrypted");
        assert_ne!(out.status.code(), Some(0));
        assert!(out.stdout.is_empty(), "{what}");
        assert!(
            err.contains(&format!("{evil_addr} is not a Vault server you allowed")),
            "{what}: {err}"
        );
        assert!(err.contains(evil_host), "{what}: {err}");
        assert!(
            err.contains(&format!("set VAULTFILE_VAULT_ALLOWLIST={evil_addr}")),
            "{what}: {err}"
        );
        assert!(!err.contains(ROOT_TOKEN), "{what}: {err}");
    }
    // `keys check` tries every recipient: refused the same way.
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    let out = c.args(["keys", "check"]).arg(&evil).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(6), "{stdout}");
    assert!(stdout.contains("refused"), "{stdout}");
    assert_eq!(
        settled(&connections),
        0,
        "a connection to an unlisted server"
    );

    // The same file, naming OpenBao, with OpenBao allowed: each way works. With none of
    // them, it is refused too.
    for (var, value) in [
        ("VAULT_ADDR", bao.addr()),
        (
            "VAULTFILE_VAULT_ALLOWLIST",
            format!("vault.example,{}", bao.addr()),
        ),
        ("SOPS_HC_VAULT_ALLOWLIST", bao.addr()),
        ("VAULTFILE_VAULT_ALLOWLIST", "all".to_owned()),
    ] {
        let mut c = env.bare_cmd();
        c.env("VAULT_TOKEN", ROOT_TOKEN).env(var, &value);
        let (ok, out, err) = decrypt_with(&env, &mut c, &file);
        assert!(ok, "{var}={value}: {err}");
        assert_eq!(out, PLAIN);
        assert_eq!(
            err.contains("only because VAULTFILE_VAULT_ALLOWLIST is `all`"),
            value == "all",
            "{err}"
        );
    }
    let mut c = env.bare_cmd();
    c.env("VAULT_TOKEN", ROOT_TOKEN)
        .args(["--vault-allow", &bao.addr()]);
    let (ok, out, err) = decrypt_with(&env, &mut c, &file);
    assert!(ok, "--vault-allow: {err}");
    assert_eq!(out, PLAIN);
    let mut c = env.bare_cmd();
    c.env("VAULT_TOKEN", ROOT_TOKEN);
    let (ok, _, err) = decrypt_with(&env, &mut c, &file);
    assert!(!ok);
    assert!(
        err.contains(&format!("{} is not a Vault server you allowed", bao.addr())),
        "{err}"
    );
    // `none` (SOPS's meaning: no server) wins over VAULT_ADDR.
    let mut c = env.bare_cmd();
    with_token(&mut c, ROOT_TOKEN);
    c.env("SOPS_HC_VAULT_ALLOWLIST", "none");
    let (ok, _, err) = decrypt_with(&env, &mut c, &file);
    assert!(!ok);
    assert!(
        err.contains("SOPS_HC_VAULT_ALLOWLIST=none allows no Vault server"),
        "{err}"
    );

    // And the count means something: allowing the listener does reach it.
    let mut c = env.bare_cmd();
    c.env("VAULT_TOKEN", ROOT_TOKEN)
        .env("VAULTFILE_VAULT_ALLOWLIST", &evil_addr);
    let (ok, _, _) = decrypt_with(&env, &mut c, &evil);
    assert!(!ok);
    let start = Instant::now();
    while connections.load(Ordering::SeqCst) == 0 && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(connections.load(Ordering::SeqCst) > 0);
}

/// Encrypting is no exception: a transit recipient given with `-r` or in `.vaultfile.yaml`
/// (which a pull request can change) whose server is not allowed is refused before
/// connecting, so neither the token nor the new file's data key goes there.
#[test]
fn encrypting_to_a_server_not_allowed_is_refused() {
    let env = Env::new();
    let (evil_addr, connections) = counting_listener();
    let recipient = format!("vault:{evil_addr}/transit/keys/k");
    let plain = env.write("app.env", PLAIN);
    let mut c = env.bare_cmd();
    c.env("VAULT_TOKEN", ROOT_TOKEN)
        .env("VAULT_ADDR", "https://vault.example:8200");
    let out = c
        .args(["encrypt", "-r", &recipient])
        .arg(&plain)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains(&format!("set VAULTFILE_VAULT_ALLOWLIST={evil_addr}")),
        "{err}"
    );
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - recipients: [{}, \"{recipient}\"]\n",
            env.public
        ),
    );
    let mut c = env.bare_cmd();
    c.env("VAULT_TOKEN", ROOT_TOKEN);
    let out = c.arg("encrypt").arg(&plain).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains(&format!("{evil_addr} is not a Vault server you allowed")),
        "{err}"
    );
    assert_eq!(
        settled(&connections),
        0,
        "a connection to an unlisted server"
    );
}

/// A SOPS file whose `hc_vault` entry names a server not allowed: refused the same way,
/// before any connection, token set or not.
#[test]
fn sops_hc_vault_entry_for_a_server_not_allowed_is_refused() {
    let env = Env::new();
    let (evil_addr, connections) = counting_listener();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sops/getsops-sops/age-pr1031/example.yaml");
    let text = std::fs::read_to_string(fixture).unwrap();
    // Keep the values; replace the key lists by one transit key on the listener.
    let start = text.find("sops:\n").unwrap();
    let tail = &text[start..];
    let lm = tail.find("    lastmodified:").unwrap();
    let file = env.write(
        "evil.sops.yaml",
        format!(
            "{}sops:\n    hc_vault:\n        - vault_address: {evil_addr}\n          engine_path: transit\n          key_name: sops\n          created_at: \"2024-01-01T00:00:00Z\"\n          enc: vault:v1:AAAA\n{}",
            &text[..start],
            &tail[lm..]
        ),
    );
    let mut c = env.bare_cmd();
    c.env("VAULT_TOKEN", ROOT_TOKEN)
        .env("VAULT_ADDR", "https://vault.example:8200");
    let out = c.arg("decrypt").arg(&file).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(out.stdout.is_empty());
    assert!(
        err.contains(&format!(
            "HashiCorp Vault transit key {evil_addr}/v1/transit/keys/sops: refused: {evil_addr} is not a Vault server you allowed"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("set VAULTFILE_VAULT_ALLOWLIST={evil_addr}")),
        "{err}"
    );
    assert!(!err.contains(ROOT_TOKEN));
    assert_eq!(
        settled(&connections),
        0,
        "a connection to an unlisted server"
    );
}
