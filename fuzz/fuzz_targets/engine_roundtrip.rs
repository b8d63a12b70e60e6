//! The whole engine: a plaintext that parses as YAML, JSON, TOML or dotenv (each store is
//! tried) encrypts with a fixed age recipient and decrypts with its identity to exactly the
//! input bytes.
#![no_main]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use vaultfile::engine::{self, EncryptError, EncryptOptions};
use vaultfile::format::{self, Format, ParseOptions};
use vaultfile::keys::{self, Identity, Recipient};

struct Keys {
    recipients: Vec<Box<dyn Recipient>>,
    identities: Vec<Box<dyn Identity>>,
}

thread_local! {
    // Generated once per process, as benches/engine.rs does. Each encryption makes a new
    // random data key anyway, so the tokens differ from run to run.
    static KEYS: Keys = {
        let identity = age::x25519::Identity::generate();
        let secret = format!("{}\n", age::secrecy::ExposeSecret::expose_secret(&identity.to_string()));
        Keys {
            identities: keys::load_identities("fuzz", secret.as_bytes(), Arc::new(keys::NoCallbacks)).unwrap(),
            recipients: vec![keys::parse_recipient(&identity.to_public().to_string()).unwrap()],
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    KEYS.with(|k| {
        for f in [Format::Yaml, Format::Json, Format::Toml, Format::Dotenv] {
            let store = format::store_for(f).unwrap();
            match store.parse(text, ParseOptions::default()) {
                Ok(doc) if doc.metadata.is_none() => {}
                _ => continue,
            }
            if vaultfile_fuzz::known_bug(f, text) {
                continue;
            }
            let opts = EncryptOptions {
                recipients: &k.recipients,
                rules: None,
                baseline: None,
                now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            };
            let enc = match engine::encrypt(store, text, &opts) {
                Ok(enc) => enc,
                // Allowed: a document that cannot hold the block (a JSON scalar root).
                Err(EncryptError::Metadata(_)) => continue,
                Err(e) => panic!("{f}: encrypt failed on a plaintext that parses: {e}"),
            };
            let dec = engine::decrypt(store, &enc.text, &k.identities)
                .unwrap_or_else(|e| panic!("{f}: decrypt failed: {e}\n--- encrypted:\n{}", enc.text));
            assert_eq!(dec, text, "{f}: decrypt(encrypt(x)) != x\n--- encrypted:\n{}", enc.text);
        }
    });
});
