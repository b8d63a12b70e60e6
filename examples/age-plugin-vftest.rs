//! `age-plugin-vftest`: a tiny age plugin for vaultfile's plugin tests, so that plugin
//! recipients and identities are tested through the real age plugin protocol without
//! hardware (tests/integration/plugin.rs builds it and puts it on PATH).
//!
//! NOT SECURE, by design: the file key is masked with a hash of the public recipient,
//! so anyone holding the recipient string can unwrap it. It only checks the protocol:
//! the recipient `age1vftest1…` encodes 16 bytes `R = SHA-256(identity)[..16]`, the
//! identity `AGE-PLUGIN-VFTEST-1…` encodes 16 random bytes, and a stanza
//! `vftest HEX(R)` is only answered by the identity whose hash is `R`.
//!
//! `age-plugin-vftest` without arguments prints a new identity, with its recipient on a
//! `# recipient:` comment line, like other plugins' key generators.

use std::collections::{HashMap, HashSet};
use std::io;

use age_core::format::{FileKey, Stanza};
use age_core::secrecy::ExposeSecret;
use age_plugin::identity::{self, IdentityPluginV1};
use age_plugin::recipient::{self, RecipientPluginV1};
use age_plugin::{Callbacks, PluginHandler, print_new_identity, run_state_machine};
use sha2::{Digest, Sha256};

const NAME: &str = "vftest";

fn recipient_of(identity: &[u8]) -> Vec<u8> {
    Sha256::digest(identity)[..16].to_vec()
}

fn mask(recipient: &[u8]) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(b"vftest mask");
    h.update(recipient);
    h.finalize()[..16].try_into().unwrap()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

struct Handler;

impl PluginHandler for Handler {
    type RecipientV1 = Recipients;
    type IdentityV1 = Identities;

    fn recipient_v1(self) -> io::Result<Recipients> {
        Ok(Recipients(Vec::new()))
    }

    fn identity_v1(self) -> io::Result<Identities> {
        Ok(Identities(Vec::new()))
    }
}

struct Recipients(Vec<Vec<u8>>);

impl RecipientPluginV1 for Recipients {
    fn add_recipient(
        &mut self,
        index: usize,
        plugin_name: &str,
        bytes: &[u8],
    ) -> Result<(), recipient::Error> {
        if plugin_name == NAME && bytes.len() == 16 {
            self.0.push(bytes.to_vec());
            Ok(())
        } else {
            Err(recipient::Error::Recipient {
                index,
                message: "not a vftest recipient".into(),
            })
        }
    }

    fn add_identity(
        &mut self,
        index: usize,
        plugin_name: &str,
        bytes: &[u8],
    ) -> Result<(), recipient::Error> {
        if plugin_name == NAME {
            self.0.push(recipient_of(bytes));
            Ok(())
        } else {
            Err(recipient::Error::Identity {
                index,
                message: "not a vftest identity".into(),
            })
        }
    }

    fn labels(&mut self) -> HashSet<String> {
        HashSet::new()
    }

    fn wrap_file_keys(
        &mut self,
        file_keys: Vec<FileKey>,
        _callbacks: impl Callbacks<recipient::Error>,
    ) -> io::Result<Result<Vec<Vec<Stanza>>, Vec<recipient::Error>>> {
        Ok(Ok(file_keys
            .iter()
            .map(|k| {
                self.0
                    .iter()
                    .map(|r| {
                        let m = mask(r);
                        Stanza {
                            tag: NAME.into(),
                            args: vec![hex(r)],
                            body: k
                                .expose_secret()
                                .iter()
                                .zip(m)
                                .map(|(a, b)| a ^ b)
                                .collect(),
                        }
                    })
                    .collect()
            })
            .collect()))
    }
}

struct Identities(Vec<Vec<u8>>);

impl IdentityPluginV1 for Identities {
    fn add_identity(
        &mut self,
        index: usize,
        plugin_name: &str,
        bytes: &[u8],
    ) -> Result<(), identity::Error> {
        if plugin_name == NAME && bytes.len() == 16 {
            self.0.push(bytes.to_vec());
            Ok(())
        } else {
            Err(identity::Error::Identity {
                index,
                message: "not a vftest identity".into(),
            })
        }
    }

    fn unwrap_file_keys(
        &mut self,
        files: Vec<Vec<Stanza>>,
        mut callbacks: impl Callbacks<identity::Error>,
    ) -> io::Result<HashMap<usize, Result<FileKey, Vec<identity::Error>>>> {
        let mut out = HashMap::new();
        for (i, stanzas) in files.iter().enumerate() {
            for s in stanzas
                .iter()
                .filter(|s| s.tag == NAME && s.body.len() == 16)
            {
                let Some(r) = self
                    .0
                    .iter()
                    .map(|id| recipient_of(id))
                    .find(|r| s.args.first() == Some(&hex(r)))
                else {
                    continue;
                };
                let _ = callbacks.message("vftest: unwrapping with the test plugin")?;
                let m = mask(&r);
                out.insert(
                    i,
                    Ok(FileKey::init_with_mut(|k| {
                        for (j, b) in k.iter_mut().enumerate() {
                            *b = s.body[j] ^ m[j];
                        }
                    })),
                );
                break;
            }
        }
        Ok(out)
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(machine) = args.iter().find_map(|a| a.strip_prefix("--age-plugin=")) {
        return run_state_machine(machine, Handler);
    }
    let mut identity = [0u8; 16];
    getrandom::getrandom(&mut identity).expect("OS RNG");
    print_new_identity(NAME, &identity, &recipient_of(&identity));
    Ok(())
}
