//! Post-quantum age keys (`age1pq1…`, age's `mlkem768x25519`): the official test vectors,
//! the TypeScript implementation in both directions, and the CLI with them beside X25519
//! and AWS KMS recipients.

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest;
use vaultfile::keys::age::pq;

use super::common::{Env, fixtures_dir};
use super::kms;

const PLAIN: &str = "database:\n  password: pq-secret-0117\napi_token: tok-pq-2026\n";

/// One test vector of C2SP/CCTV's age suite: its header, and the age file after it.
struct Vector {
    name: String,
    expect: String,
    payload_sha256: Option<String>,
    identities: Vec<String>,
    armored: bool,
    compressed: bool,
    file: Vec<u8>,
}

fn vectors() -> Vec<Vector> {
    let dir = fixtures_dir().join("age-testkit");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some() {
            continue; // README.md
        }
        let bytes = std::fs::read(&path).unwrap();
        let split = bytes.windows(2).position(|w| w == b"\n\n").unwrap();
        let header = std::str::from_utf8(&bytes[..split]).unwrap();
        let mut v = Vector {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            expect: String::new(),
            payload_sha256: None,
            identities: Vec::new(),
            armored: false,
            compressed: false,
            file: bytes[split + 2..].to_vec(),
        };
        for line in header.lines() {
            let (k, val) = line.split_once(": ").unwrap();
            match k {
                "expect" => v.expect = val.to_owned(),
                "payload" => v.payload_sha256 = Some(val.to_owned()),
                "identity" => v.identities.push(val.to_owned()),
                "armored" => v.armored = val == "yes",
                "compressed" => v.compressed = val == "zlib",
                _ => {}
            }
        }
        out.push(v);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Decrypts a vector's file with its identities through the `age` crate, using vaultfile's
/// post-quantum identity beside age's own X25519 one.
fn decrypt(v: &Vector) -> Result<Vec<u8>, age::DecryptError> {
    let mut file = v.file.clone();
    if v.compressed {
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&file[..])
            .read_to_end(&mut inflated)
            .unwrap();
        file = inflated;
    }
    let mut identities: Vec<Box<dyn age::Identity>> = Vec::new();
    for id in &v.identities {
        if id.starts_with(pq::IDENTITY_PREFIX) {
            identities.push(Box::new(pq::Identity::parse(id).unwrap()));
        } else {
            identities.push(Box::new(id.parse::<age::x25519::Identity>().unwrap()));
        }
    }
    let reader = age::armor::ArmoredReader::new(&file[..]);
    let decryptor = age::Decryptor::new_buffered(reader)?;
    let mut r = decryptor.decrypt(identities.iter().map(|i| i.as_ref()))?;
    let mut out = Vec::new();
    r.read_to_end(&mut out).map_err(age::DecryptError::Io)?;
    Ok(out)
}

#[test]
fn pq_identities_pass_the_official_age_test_vectors() {
    let vectors = vectors();
    assert!(
        vectors.len() >= 19,
        "the vectors are in tests/fixtures/age-testkit"
    );
    let mut checked = 0;
    for v in &vectors {
        let result = decrypt(v);
        match v.expect.as_str() {
            "success" => {
                let payload = result.unwrap_or_else(|e| panic!("{}: {e}", v.name));
                let digest = hex(&sha2::Sha256::digest(&payload));
                assert_eq!(Some(digest), v.payload_sha256, "{}", v.name);
            }
            "no match" => assert!(
                matches!(result, Err(age::DecryptError::NoMatchingKeys)),
                "{}: {:?}",
                v.name,
                result.map(|_| ())
            ),
            "header failure" => assert!(
                matches!(
                    result,
                    Err(age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat)
                ),
                "{}: {:?}",
                v.name,
                result.map(|_| ())
            ),
            other => assert!(result.is_err(), "{}: expected {other}", v.name),
        }
        checked += 1;
    }
    assert_eq!(checked, vectors.len());
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs tests/interop/typage.mjs (the TypeScript age, installed by scripts/test.sh).
fn typage(args: &[&str], stdin: &str) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/typage.mjs");
    let modules = script.with_file_name("node_modules").join("age-encryption");
    assert!(
        modules.exists(),
        "the TypeScript age is not installed in tests/interop/node_modules: run ./scripts/test.sh"
    );
    let mut child = std::process::Command::new("node")
        .arg(&script)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("node runs (installed by scripts/test.sh)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "typage {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The wrapped keys of an encrypted file: (recipient, base64 age file) pairs.
fn wrapped_keys(file: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut out = Vec::new();
    let mut recipient = None;
    for line in text.lines().map(str::trim) {
        if let Some(r) = line.strip_prefix("- recipient: ") {
            recipient = Some(r.trim_matches('"').to_owned());
        } else if let Some(k) = line.strip_prefix("key: ") {
            out.push((recipient.take().unwrap(), k.trim_matches('"').to_owned()));
        }
    }
    out
}

#[test]
fn typage_opens_what_vaultfile_wraps_and_makes_keys_vaultfile_uses() {
    // A key pair made by the TypeScript age.
    let keys = typage(&["keygen"], "");
    let mut lines = keys.lines();
    let identity = lines.next().unwrap().to_owned();
    let recipient = lines.next().unwrap().to_owned();
    assert!(identity.starts_with("AGE-SECRET-KEY-PQ-1"), "{identity}");
    assert!(recipient.starts_with("age1pq1"), "{recipient}");

    // vaultfile encrypts to its recipient and decrypts with its identity.
    let env = Env::new();
    let id_file = env.write("typage-key.txt", format!("{identity}\n"));
    let file = env.encrypt_with(env.bare_cmd(), "app.yaml", PLAIN, &[&recipient]);
    let out = env
        .bare_cmd()
        .args(["decrypt", "-I"])
        .arg(&id_file)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), PLAIN);

    // The TypeScript age opens the key vaultfile wrapped: the data key, 32 bytes.
    let wrapped = wrapped_keys(&file);
    assert_eq!(wrapped.len(), 1);
    assert_eq!(wrapped[0].0, recipient);
    let header = STANDARD.decode(&wrapped[0].1).unwrap();
    assert!(
        String::from_utf8_lossy(&header).contains("\n-> mlkem768x25519 "),
        "an mlkem768x25519 stanza"
    );
    let data_key = typage(&["decrypt", &identity], &wrapped[0].1);
    assert_eq!(
        data_key.trim().len(),
        64,
        "32 bytes of data key: {data_key}"
    );

    // And what the TypeScript age wraps for a vaultfile key, vaultfile's identity opens
    // (a wrapped key is an age file whose payload is the data key).
    let mine = pq::Identity::generate();
    let my_recipient = mine.to_public().to_string();
    let rewrapped = typage(&["encrypt", &my_recipient], data_key.trim());
    let ids = vaultfile::keys::load_identities(
        "mine",
        format!("{}\n", mine.to_secret_string().as_str()).as_bytes(),
        std::sync::Arc::new(vaultfile::keys::NoCallbacks),
    )
    .unwrap();
    let wrapped = vaultfile::metadata::WrappedKey {
        recipient: my_recipient,
        key: rewrapped.trim().to_owned(),
    };
    let key = ids[0].unwrap(&wrapped).expect("addressed to it").unwrap();
    assert_eq!(hex(key.expose()), data_key.trim());
}

/// Makes a key of `kind` (`keygen` or `keygen --x25519`) in `env`; returns its file and
/// public key.
fn keygen(env: &Env, name: &str, extra: &[&str]) -> (PathBuf, String) {
    let path = env.path(name);
    let out = env
        .bare_cmd()
        .arg("keygen")
        .args(extra)
        .arg("-o")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    let public = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Public key: "))
        .unwrap()
        .to_owned();
    (path, public)
}

#[test]
fn keygen_makes_post_quantum_keys_by_default_and_x25519_on_request() {
    let env = Env::new();
    let (pq_file, pq_public) = keygen(&env, "pq.txt", &[]);
    assert!(pq_public.starts_with("age1pq1"), "{pq_public}");
    let text = std::fs::read_to_string(&pq_file).unwrap();
    assert!(text.contains("\nAGE-SECRET-KEY-PQ-1"), "{text}");
    assert!(text.contains(&format!("# public key: {pq_public}\n")));
    let (_, classic) = keygen(&env, "x.txt", &["--x25519"]);
    assert!(classic.starts_with("age1") && !classic.starts_with("age1pq1"));

    // `keygen -y` gives the public key of either kind.
    let both = env.write(
        "both.txt",
        format!(
            "{}{}",
            std::fs::read_to_string(&pq_file).unwrap(),
            std::fs::read_to_string(env.path("x.txt")).unwrap()
        ),
    );
    let out = env
        .bare_cmd()
        .arg("keygen")
        .arg("-y")
        .arg(&both)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{pq_public}\n{classic}\n")
    );
}

#[test]
fn a_post_quantum_x25519_and_kms_file_opens_with_each() {
    let env = Env::new();
    let (pq_file, pq_public) = keygen(&env, "pq.txt", &[]);
    let (x_file, x_public) = keygen(&env, "x.txt", &["--x25519"]);
    let moto = kms::moto();
    let (arn, _) = moto.create_key(None);
    let mut c = env.bare_cmd();
    kms::kms_env(&mut c, &moto.endpoint());
    let file = env.encrypt_with(c, "mixed.yaml", PLAIN, &[&pq_public, &x_public, &arn]);

    for id in [&pq_file, &x_file] {
        let out = env
            .bare_cmd()
            .args(["decrypt", "-I"])
            .arg(id)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8(out.stdout).unwrap(), PLAIN);
    }
    let mut c = env.bare_cmd();
    kms::kms_env(&mut c, &moto.endpoint());
    let out = c.arg("decrypt").arg(&file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), PLAIN);

    // A post-quantum identity given in the environment works as a key file does.
    let secret = std::fs::read_to_string(&pq_file).unwrap();
    let out = env
        .bare_cmd()
        .env("VAULTFILE_AGE_KEY", secret.lines().last().unwrap())
        .arg("decrypt")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_damaged_post_quantum_identity_is_named_without_being_shown() {
    let env = Env::new();
    let (pq_file, pq_public) = keygen(&env, "pq.txt", &[]);
    let file = env.encrypt_with(env.bare_cmd(), "app.yaml", PLAIN, &[&pq_public]);
    let text = std::fs::read_to_string(&pq_file).unwrap();
    let secret = text.lines().last().unwrap();
    // One character changed: Bech32's checksum catches it.
    let swap = if &secret[30..31] == "Q" { "P" } else { "Q" };
    let damaged = format!("{}{swap}{}\n", &secret[..30], &secret[31..]);
    let bad = env.write("bad.txt", &damaged);
    let out = env
        .bare_cmd()
        .args(["decrypt", "-I"])
        .arg(&bad)
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("bad.txt"), "{stderr}");
    assert!(stderr.contains("post-quantum"), "{stderr}");
    assert!(!stderr.contains(&secret[20..40]), "{stderr}");
}

#[test]
fn post_quantum_keys_survive_conversion_to_sops_and_back() {
    let env = Env::new();
    assert!(env.public.starts_with("age1pq1"));
    let plain = env.write("app.yaml", PLAIN);
    let enc = env.write("app.enc.yaml", env.encrypt(&plain, &[]));
    let out = env
        .cmd()
        .args(["convert", "--to", "sops", "-o"])
        .arg(env.path("app.sops.yaml"))
        .arg(&enc)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sops = std::fs::read_to_string(env.path("app.sops.yaml")).unwrap();
    // SOPS 3.12 keeps post-quantum keys in its age list, as vaultfile writes them.
    assert!(
        sops.contains(&format!("recipient: {}", env.public)),
        "{sops}"
    );
    assert!(
        sops.contains("-----BEGIN AGE ENCRYPTED FILE-----"),
        "{sops}"
    );
    assert_eq!(
        String::from_utf8(env.decrypt(&env.path("app.sops.yaml"), &[])).unwrap(),
        PLAIN
    );
    let out = env
        .cmd()
        .args(["convert", "--to", "vaultfile", "-o"])
        .arg(env.path("back.yaml"))
        .arg(env.path("app.sops.yaml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(env.decrypt(&env.path("back.yaml"), &[])).unwrap(),
        PLAIN
    );
}

#[test]
fn status_and_keys_check_name_the_files_classical_keys_can_open() {
    let env = Env::new();
    let (_, x_public) = keygen(&env, "x.txt", &["--x25519"]);
    let pq_only = env.encrypt_with(env.bare_cmd(), "pq.yaml", PLAIN, &[&env.public]);
    let mixed = env.encrypt_with(
        env.bare_cmd(),
        "mixed.yaml",
        PLAIN,
        &[&env.public, &x_public],
    );

    let out = env
        .cmd()
        .args(["status", "--json"])
        .arg(&pq_only)
        .arg(&mixed)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["quantum_exposed"], 1, "{json}");
    let files = json["files"].as_array().unwrap();
    let by_name = |n: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(n))
            .unwrap()
    };
    assert_eq!(
        by_name("pq.yaml")["classical_recipients"],
        serde_json::json!([])
    );
    assert_eq!(
        by_name("mixed.yaml")["classical_recipients"],
        serde_json::json!([x_public])
    );

    let out = env
        .cmd()
        .arg("status")
        .arg(&pq_only)
        .arg(&mixed)
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("quantum-exposed (a key that a quantum computer could break"),
        "{table}"
    );
    assert!(table.contains("mixed.yaml: age1"), "{table}");
    assert!(!table.contains("pq.yaml: age1"), "{table}");
    assert!(table.contains("; 1 quantum-exposed"), "{table}");

    let check = |f: &Path| {
        let out = env.cmd().args(["keys", "check"]).arg(f).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(check(&mixed).contains("(quantum-exposed: 1 of its keys is classical"));
    assert!(!check(&pq_only).contains("quantum-exposed"));
}

#[test]
fn a_rule_can_require_post_quantum_recipients() {
    let env = Env::new();
    let (_, x_public) = keygen(&env, "x.txt", &["--x25519"]);
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^secure/\n    recipients: [{}, {x_public}]\n    require_post_quantum: true\n",
            env.public
        ),
    );
    let plain = env.write("secure/app.yaml", PLAIN);
    let out = env
        .cmd()
        .args(["encrypt", "-i"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains(".vaultfile.yaml:2"), "{stderr}");
    assert!(stderr.contains("require_post_quantum"), "{stderr}");
    assert!(stderr.contains(&x_public[..24]), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&plain).unwrap(),
        PLAIN,
        "nothing written"
    );

    // With post-quantum keys only, the rule encrypts.
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - path_regex: ^secure/\n    recipients: [{}]\n    require_post_quantum: true\n",
            env.public
        ),
    );
    let out = env
        .cmd()
        .args(["encrypt", "-i"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(env.decrypt(&plain, &[])).unwrap(), PLAIN);
}

/// SOPS key groups wrap Shamir shares, which go through the age crate's identities
/// directly: a post-quantum key there works as in a vaultfile file.
#[test]
fn a_post_quantum_key_in_a_sops_key_group_opens_its_share() {
    let env = Env::new();
    let (x_file, x_public) = keygen(&env, "x.txt", &["--x25519"]);
    env.write(
        ".vaultfile.yaml",
        format!(
            "creation_rules:\n  - key_groups: [[{}], [{x_public}]]\n    threshold: 2\n",
            env.public
        ),
    );
    let plain = env.write("app.yaml", PLAIN);
    let both = env.write(
        "both.txt",
        format!(
            "{}{}",
            std::fs::read_to_string(&env.key_file).unwrap(),
            std::fs::read_to_string(&x_file).unwrap()
        ),
    );
    let run = |args: &[&str]| {
        let out = env
            .bare_cmd()
            .env("VAULTFILE_AGE_KEY_FILE", &both)
            .args(args)
            .arg(&plain)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    run(&["encrypt", "-i"]);
    run(&["convert", "--to", "sops"]);
    let sops = std::fs::read_to_string(&plain).unwrap();
    assert!(sops.contains("key_groups"), "{sops}");
    assert!(sops.contains(&env.public), "{sops}");
    assert_eq!(String::from_utf8(run(&["decrypt"])).unwrap(), PLAIN);
    // Without the post-quantum key, one group is missing: it does not open.
    let out = env
        .bare_cmd()
        .env("VAULTFILE_AGE_KEY_FILE", &x_file)
        .arg("decrypt")
        .arg(&plain)
        .output()
        .unwrap();
    assert!(!out.status.success());
}
