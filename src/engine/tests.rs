use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::keys::{self, NoCallbacks};

struct Key {
    recipients: Vec<Box<dyn Recipient>>,
    identities: Vec<Box<dyn Identity>>,
    secret: String,
}

fn key() -> Key {
    let id = ::age::x25519::Identity::generate();
    let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
    Key {
        recipients: vec![keys::parse_recipient(&id.to_public().to_string()).unwrap()],
        identities: keys::load_identities("test key", secret.as_bytes(), Arc::new(NoCallbacks))
            .unwrap(),
        secret,
    }
}

fn opts<'a>(k: &'a Key, baseline: Option<&'a Opened>) -> EncryptOptions<'a> {
    EncryptOptions {
        recipients: &k.recipients,
        rules: None,
        baseline,
        now: SystemTime::UNIX_EPOCH,
        allow_nothing_encrypted: false,
    }
}

fn store(f: Format) -> &'static dyn Store {
    format::store_for(f).unwrap()
}

/// Whether decrypting `text` says it is not encrypted.
fn reads_as_not_encrypted(format: Format, text: &str, k: &Key) -> bool {
    matches!(
        decrypt(store(format), text, &k.identities),
        Err(DecryptError::NotEncrypted)
    )
}

const JSON: &str = "{\n  \"user\": \"admin\",\n  \"password\": \"hunter2-hunter2\",\n  \"port\": 5432,\n  \"tags\": [\"a\", null, true]\n}\n";

#[test]
fn round_trip_and_no_plaintext_left() {
    let k = key();
    let enc = encrypt(store(Format::Json), JSON, &opts(&k, None)).unwrap();
    assert_eq!(enc.encrypted_values, 5);
    assert!(!enc.text.contains("hunter2") && !enc.text.contains("5432"));
    assert_eq!(
        decrypt(store(Format::Json), &enc.text, &k.identities).unwrap(),
        JSON
    );
}

/// A file's own top-level `vaultfile` key is not metadata: decrypting says "not
/// encrypted", and encrypting says the key is reserved (not "already encrypted").
#[test]
fn a_top_level_vaultfile_key_of_the_files_own() {
    let k = key();
    let text = "app: 1\nvaultfile:\n  enabled: true\n";
    assert!(matches!(
        encrypt(store(Format::Yaml), text, &opts(&k, None)),
        Err(EncryptError::ReservedKey)
    ));
    assert!(reads_as_not_encrypted(Format::Yaml, text, &k));
}

/// Text added after the metadata block, or the block moved, in every format: an
/// altered encrypted file (exit 7), never "not encrypted" (which would invite encrypting
/// it again), and `encrypt` refuses it as already encrypted.
#[test]
fn a_misplaced_metadata_block_is_an_integrity_failure_in_every_format() {
    let k = key();
    type Alter = fn(&str) -> String;
    let cases: [(Format, &str, Alter); 5] = [
        (Format::Dotenv, "A=secret\n", |t| format!("{t}B=1\n")),
        (Format::Json, "{\"a\": \"secret\"}\n", |t| {
            let end = t.rfind('}').unwrap();
            format!("{}, \"db\": {{}}}}\n", &t[..end])
        }),
        (Format::Toml, "a = \"secret\"\n", |t| {
            format!("{t}\n[extra]\nx = 1\n")
        }),
        (Format::Yaml, "a: secret\n", |t| format!("{t}extra: 1\n")),
        // The block moved to the top: the file starts with its marker.
        (Format::Yaml, "a: secret\n", |t| {
            let i = t.find("vaultfile:").unwrap();
            format!("{}{}", &t[i..], &t[..i])
        }),
    ];
    for (format, text, alter) in cases {
        let st = store(format);
        let enc = encrypt(st, text, &opts(&k, None)).unwrap().text;
        let altered = alter(&enc);
        match decrypt(st, &altered, &k.identities) {
            Err(DecryptError::Integrity(Integrity::MisplacedMetadata)) => {}
            other => panic!("{format:?}: {other:?}\n{altered}"),
        }
        assert!(
            matches!(
                encrypt(st, &altered, &opts(&k, None)),
                Err(EncryptError::AlreadyEncrypted)
            ),
            "{format:?}"
        );
    }
    // A marker without any token, or tokens without a marker: not encrypted.
    for (format, text) in [
        (
            Format::Dotenv,
            "A=1\n#vaultfile: a note, not a block\nB=2\n",
        ),
        (Format::Yaml, "a: VF1.notatoken\nb: 2\n"),
    ] {
        assert!(
            matches!(
                decrypt(store(format), text, &k.identities),
                Err(DecryptError::NotEncrypted)
            ),
            "{format:?}"
        );
    }
}

/// A file encrypted whole is known by its content, whatever its name; a structured file
/// whose only key happens to be `data` is not one.
#[test]
fn is_whole_tells_a_file_encrypted_whole_by_its_content() {
    let k = key();
    let whole = encrypt_binary(b"\x00\x01anything", &opts(&k, None))
        .unwrap()
        .text;
    assert!(is_whole(&whole));
    let structured = encrypt(store(Format::Yaml), "data: secret\n", &opts(&k, None))
        .unwrap()
        .text;
    assert!(structured.starts_with("data: VF1."));
    assert!(!is_whole(&structured));
    assert!(!is_whole("data: VF1.notatoken\n"));
    let other = encrypt(store(Format::Yaml), "a: secret\n", &opts(&k, None))
        .unwrap()
        .text;
    assert!(!is_whole(&other));
}

/// A metadata block with a version or a MAC is meant as one: damaged, it is reported
/// as damaged, not taken for the file's own `vaultfile` key.
#[test]
fn a_damaged_metadata_block_is_reported_as_damaged() {
    let k = key();
    let st = store(Format::Yaml);
    let enc = encrypt(st, "a: secret\n", &opts(&k, None)).unwrap().text;
    let mac_line = enc
        .lines()
        .find(|l| l.trim_start().starts_with("mac:"))
        .unwrap();
    let version_line = enc
        .lines()
        .find(|l| l.trim_start().starts_with("version:"))
        .unwrap();
    for damaged in [
        enc.replace(&format!("{mac_line}\n"), ""),
        enc.replace(&format!("{version_line}\n"), ""),
    ] {
        match decrypt(st, &damaged, &k.identities) {
            Err(DecryptError::BadMetadata(_)) => {}
            other => panic!("{other:?}\n{damaged}"),
        }
    }
}

#[test]
fn already_encrypted_and_not_encrypted() {
    let k = key();
    let enc = encrypt(store(Format::Json), JSON, &opts(&k, None)).unwrap();
    assert!(matches!(
        encrypt(store(Format::Json), &enc.text, &opts(&k, None)),
        Err(EncryptError::AlreadyEncrypted)
    ));
    assert!(reads_as_not_encrypted(Format::Json, JSON, &k));
}

#[test]
fn wrong_identity_is_reported_with_recipients() {
    let (a, b) = (key(), key());
    let enc = encrypt(store(Format::Json), JSON, &opts(&a, None)).unwrap();
    match decrypt(store(Format::Json), &enc.text, &b.identities) {
        Err(DecryptError::NoMatchingIdentity { recipients, .. }) => {
            assert_eq!(recipients, vec![a.recipients[0].id().to_owned()]);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn baseline_keeps_ciphertext_and_recipient_removal_rotates() {
    let (a, b) = (key(), key());
    let both: Vec<Box<dyn Recipient>> = vec![
        keys::parse_recipient(a.recipients[0].id()).unwrap(),
        keys::parse_recipient(b.recipients[0].id()).unwrap(),
    ];
    let o = EncryptOptions {
        recipients: &both,
        rules: None,
        baseline: None,
        now: SystemTime::UNIX_EPOCH,
        allow_nothing_encrypted: false,
    };
    let enc = encrypt(store(Format::Json), JSON, &o).unwrap();
    let base = open(store(Format::Json), &enc.text, &a.identities).unwrap();
    // Same recipients: byte-identical.
    let o = EncryptOptions {
        recipients: &both,
        rules: None,
        baseline: Some(&base),
        now: SystemTime::now(),
        allow_nothing_encrypted: false,
    };
    assert_eq!(
        encrypt(store(Format::Json), JSON, &o).unwrap().text,
        enc.text
    );
    // No recipients given: the baseline's.
    let o = EncryptOptions {
        recipients: &[],
        rules: None,
        baseline: Some(&base),
        now: SystemTime::now(),
        allow_nothing_encrypted: false,
    };
    assert_eq!(
        encrypt(store(Format::Json), JSON, &o).unwrap().text,
        enc.text
    );
    // Removing b: a new data key, b can no longer decrypt, a warning says so.
    let again = encrypt(store(Format::Json), JSON, &opts(&a, Some(&base))).unwrap();
    assert!(again.warnings.iter().any(|w| w.contains("new data key")));
    assert!(decrypt(store(Format::Json), &again.text, &b.identities).is_err());
    assert_eq!(
        decrypt(store(Format::Json), &again.text, &a.identities).unwrap(),
        JSON
    );
    let tok = |t: &str| {
        t.lines()
            .find(|l| l.contains("password"))
            .unwrap()
            .to_owned()
    };
    assert_ne!(tok(&again.text), tok(&enc.text));
}

/// Three groups of one fresh key each, 2 needed; returns the keys and the holders.
fn three_groups(threshold: usize) -> (Vec<Key>, KeyHolders) {
    let keys: Vec<Key> = (0..3).map(|_| key()).collect();
    let groups = keys
        .iter()
        .map(|k| vec![keys::parse_recipient(k.recipients[0].id()).unwrap()])
        .collect();
    (keys, KeyHolders::Groups { groups, threshold })
}

fn ids_of(keys: &[&Key]) -> Vec<Box<dyn Identity>> {
    // Identities cannot be cloned: load each key's text again.
    keys.iter()
        .flat_map(|k| {
            let text = k.secret.clone();
            keys::load_identities("test key", text.as_bytes(), Arc::new(NoCallbacks)).unwrap()
        })
        .collect()
}

fn grouped_opts<'a>(base: &'a Opened) -> EncryptOptions<'a> {
    EncryptOptions {
        recipients: &[],
        rules: None,
        baseline: Some(base),
        now: SystemTime::UNIX_EPOCH,
        allow_nothing_encrypted: false,
    }
}

#[test]
fn two_of_three_key_groups_in_every_format() {
    let (k, holders) = three_groups(2);
    let fresh = new_key(&holders, SystemTime::UNIX_EPOCH).unwrap();
    for format in [Format::Json, Format::Yaml, Format::Toml, Format::Dotenv] {
        let text = document(
            format,
            &[
                ("user".into(), "admin".into()),
                ("password".into(), "hunter2-hunter2".into()),
            ],
        );
        let st = store(format);
        let enc = encrypt(st, &text, &grouped_opts(&fresh)).unwrap();
        assert!(!enc.text.contains("hunter2"), "{format:?}");
        let meta = inspect(st, &enc.text).unwrap();
        assert_eq!(meta.key_groups.len(), 3, "{format:?}");
        assert_eq!(meta.threshold, Some(2));
        assert!(meta.recipients.is_empty());
        for pair in [[0, 1], [0, 2], [1, 2]] {
            let ids = ids_of(&[&k[pair[0]], &k[pair[1]]]);
            assert_eq!(
                decrypt(st, &enc.text, &ids).unwrap(),
                text,
                "{format:?} {pair:?}"
            );
        }
        for (one, alone) in k.iter().enumerate() {
            match decrypt(st, &enc.text, &ids_of(&[alone])) {
                Err(e @ DecryptError::NotEnoughKeyGroups { .. }) => {
                    let msg = e.to_string();
                    assert!(msg.contains("needs 2 of its 3 key groups"), "{msg}");
                    assert!(
                        msg.contains(&format!("only 1 (group {})", one + 1)),
                        "{msg}"
                    );
                    assert!(msg.contains("1 more group is needed"), "{msg}");
                }
                other => panic!("{format:?}: unexpected {other:?}"),
            }
        }
        // Byte-identical re-encryption with the grouped file as baseline.
        let base = open(st, &enc.text, &ids_of(&[&k[2], &k[0]])).unwrap();
        assert_eq!(
            encrypt(st, &text, &grouped_opts(&base)).unwrap().text,
            enc.text,
            "{format:?}"
        );
    }
    // A binary file too.
    let enc = encrypt_binary(b"\x00\x01binary", &grouped_opts(&fresh)).unwrap();
    let (plain, base) = decrypt_binary(&enc.text, &ids_of(&[&k[1], &k[2]])).unwrap();
    assert_eq!(plain, b"\x00\x01binary");
    assert_eq!(
        encrypt_binary(&plain, &grouped_opts(&base)).unwrap().text,
        enc.text
    );
    assert!(matches!(
        decrypt_binary(&enc.text, &ids_of(&[&k[1]])),
        Err(DecryptError::NotEnoughKeyGroups { .. })
    ));
}

/// Each element the MAC must cover, changed on its own and by as little as possible
/// (one recipient of one key group, the threshold, a rule, an unencrypted value, a
/// comment, the creation time, a wrapped key), fails the MAC check: format 2 covers the
/// text, so no element can be left out by mistake without one of these failing.
#[test]
fn each_element_the_mac_covers_is_bound_on_its_own() {
    let (k, _) = three_groups(2);
    let extra = key();
    let r = |k: &Key| keys::parse_recipient(k.recipients[0].id()).unwrap();
    let holders = KeyHolders::Groups {
        groups: vec![vec![r(&k[0]), r(&extra)], vec![r(&k[1])], vec![r(&k[2])]],
        threshold: 2,
    };
    let fresh = new_key(&holders, SystemTime::UNIX_EPOCH).unwrap();
    let text = "# settings\ndb:\n  port: 5432\n  password: hunter2\n";
    let opts = EncryptOptions {
        rules: Some(RuleSpec {
            unencrypted_regex: Some("^port$".into()),
            ..RuleSpec::default()
        }),
        ..grouped_opts(&fresh)
    };
    let st = store(Format::Yaml);
    let enc = encrypt(st, text, &opts).unwrap().text;
    let ids = ids_of(&[&k[0], &k[1]]);
    assert_eq!(decrypt(st, &enc, &ids).unwrap(), text);
    let other = key().recipients[0].id().to_owned();
    // The wrapped key of the member not used to open the file: damaged, it must not go
    // unnoticed until that member needs it.
    let member = enc.find(extra.recipients[0].id()).unwrap();
    let wrapped_at = member + enc[member..].find("key: \"").unwrap() + 20;
    let mut wrapped = enc.clone();
    wrapped.replace_range(
        wrapped_at..wrapped_at + 1,
        if &enc[wrapped_at..=wrapped_at] == "A" {
            "B"
        } else {
            "A"
        },
    );
    for (what, changed) in [
        // A member of group 1 whose key is not used to open the file.
        (
            "a key-group member",
            enc.replacen(extra.recipients[0].id(), &other, 1),
        ),
        (
            "the threshold",
            enc.replacen("threshold: 2", "threshold: 1", 1),
        ),
        ("a rule", enc.replacen("\"^port$\"", "\"^(port)$\"", 1)),
        (
            "an unencrypted value",
            enc.replacen("port: 5432", "port: 5433", 1),
        ),
        ("a comment", enc.replacen("# settings", "# Settings", 1)),
        (
            "the creation time",
            enc.replacen("1970-01-01T00:00:00Z", "1970-01-01T00:00:01Z", 1),
        ),
        ("a wrapped key", wrapped),
    ] {
        assert_ne!(changed, enc, "{what}: the edit did not apply");
        match decrypt(st, &changed, &ids) {
            Err(DecryptError::Integrity(Integrity::Mac)) => {}
            other => panic!("{what}: {other:?}"),
        }
    }
    // Flat recipients: the second recipient changed, the first opening the file.
    let two = [key(), key()];
    let flat = encrypt(
        st,
        text,
        &EncryptOptions {
            recipients: &[r(&two[0]), r(&two[1])],
            ..opts_for_rules(&opts)
        },
    )
    .unwrap()
    .text;
    let changed = flat.replacen(two[1].recipients[0].id(), &other, 1);
    assert!(matches!(
        decrypt(st, &changed, &two[0].identities),
        Err(DecryptError::Integrity(Integrity::Mac))
    ));
}

/// `opts` without its baseline: a new key for its recipients.
fn opts_for_rules<'a>(opts: &EncryptOptions<'a>) -> EncryptOptions<'a> {
    EncryptOptions {
        recipients: &[],
        rules: opts.rules.clone(),
        baseline: None,
        now: opts.now,
        allow_nothing_encrypted: false,
    }
}

#[test]
fn key_groups_are_bound_by_the_mac() {
    let (k, holders) = three_groups(2);
    let fresh = new_key(&holders, SystemTime::UNIX_EPOCH).unwrap();
    let enc = encrypt(store(Format::Json), JSON, &grouped_opts(&fresh)).unwrap();
    let all = ids_of(&[&k[0], &k[1], &k[2]]);
    let value: serde_json::Value = serde_json::from_str(&enc.text).unwrap();
    // Only the metadata block is rewritten, by the store that wrote it, and the rest of
    // the text kept byte for byte: a whole re-serialised document would fail the MAC
    // whatever the edit.
    let st = store(Format::Json);
    let span = st
        .parse(&enc.text, ParseOptions::default())
        .unwrap()
        .metadata
        .unwrap()
        .span;
    let without = format!("{}{}", &enc.text[..span.start], &enc.text[span.end..]);
    let check = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut m = value["vaultfile"].clone();
        edit(&mut m);
        let doc = st.parse(&without, ParseOptions::default()).unwrap();
        let ins = st.metadata_insertion(&without, &doc, &m).unwrap();
        let text = format::apply_edits(&without, [], Some(&ins), 0);
        decrypt(st, &text, &all)
    };
    assert_eq!(
        check(&|_| {}).unwrap(),
        JSON,
        "an edit that changes nothing"
    );
    // Threshold lowered to 1: the MAC (keyed by the real data key) fails.
    assert!(matches!(
        check(&|m| m["threshold"] = 1.into()),
        Err(DecryptError::Integrity(_))
    ));
    // Groups swapped: the shares combine to another key, or the MAC fails.
    assert!(check(&|m| m["key_groups"].as_array_mut().unwrap().swap(0, 1)).is_err());
    // A group dropped (threshold still 2, two groups left): the MAC covers the groups.
    assert!(matches!(
        check(&|m| {
            m["key_groups"].as_array_mut().unwrap().remove(2);
        }),
        Err(DecryptError::Integrity(_))
    ));
    // Malformed shapes are refused before any key is tried.
    for (edit, what) in [
        (
            Box::new(|m: &mut serde_json::Value| m["threshold"] = 4.into())
                as Box<dyn Fn(&mut serde_json::Value)>,
            "threshold 4",
        ),
        (
            Box::new(|m: &mut serde_json::Value| m["threshold"] = serde_json::Value::Null),
            "no `threshold`",
        ),
        (
            Box::new(|m: &mut serde_json::Value| {
                m["recipients"] = m["key_groups"][0]["recipients"].clone();
            }),
            "both",
        ),
        (
            Box::new(|m: &mut serde_json::Value| {
                m["key_groups"][1]["recipients"] = serde_json::json!([]);
            }),
            "key group 2 is empty",
        ),
    ] {
        match check(&edit) {
            Err(DecryptError::BadMetadata(m)) => assert!(m.contains(what), "{m}"),
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn rekey_adds_keeping_the_key_and_removing_rotates() {
    let (a, b, c) = (key(), key(), key());
    let r = |k: &Key| keys::parse_recipient(k.recipients[0].id()).unwrap();
    let enc = encrypt(store(Format::Json), JSON, &opts(&a, None)).unwrap();
    let base = open(store(Format::Json), &enc.text, &a.identities).unwrap();
    let token_lines = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| l.contains("VF1."))
            .map(str::to_owned)
            .collect()
    };

    // Same holders: unchanged, byte-identical.
    let same = base
        .rekey(
            &KeyHolders::Recipients(vec![r(&a)]),
            Rotation::OnRemoval,
            SystemTime::now(),
        )
        .unwrap();
    assert!(same.unchanged && !same.rotated);
    assert_eq!(
        encrypt(store(Format::Json), JSON, &grouped_opts(&same.opened))
            .unwrap()
            .text,
        enc.text
    );

    // Adding b keeps the data key and a's wrapped key; b can decrypt; values identical.
    let added = base
        .rekey(
            &KeyHolders::Recipients(vec![r(&a), r(&b)]),
            Rotation::OnRemoval,
            SystemTime::now(),
        )
        .unwrap();
    assert!(!added.rotated && !added.unchanged);
    assert_eq!(added.added, vec![b.recipients[0].id().to_owned()]);
    assert_eq!(
        added.opened.metadata.recipients[0],
        base.metadata.recipients[0]
    );
    assert_eq!(added.opened.metadata.created, base.metadata.created);
    let two = encrypt(store(Format::Json), JSON, &grouped_opts(&added.opened)).unwrap();
    assert_eq!(token_lines(&two.text), token_lines(&enc.text));
    assert_eq!(
        decrypt(store(Format::Json), &two.text, &b.identities).unwrap(),
        JSON
    );

    // Removing a rotates: a can no longer decrypt, every token changes, created changes.
    let base2 = open(store(Format::Json), &two.text, &b.identities).unwrap();
    let later = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(86_400);
    let removed = base2
        .rekey(
            &KeyHolders::Recipients(vec![r(&b)]),
            Rotation::OnRemoval,
            later,
        )
        .unwrap();
    assert!(removed.rotated);
    assert_eq!(removed.removed, vec![a.recipients[0].id().to_owned()]);
    assert_eq!(removed.opened.metadata.created, "1970-01-02T00:00:00Z");
    let three = encrypt(store(Format::Json), JSON, &grouped_opts(&removed.opened)).unwrap();
    assert!(decrypt(store(Format::Json), &three.text, &a.identities).is_err());
    assert_eq!(
        decrypt(store(Format::Json), &three.text, &b.identities).unwrap(),
        JSON
    );
    for (x, y) in token_lines(&three.text).iter().zip(token_lines(&two.text)) {
        assert_ne!(*x, y);
    }

    // --no-rotate: removal keeps the key (and its tokens).
    let kept = base2
        .rekey(&KeyHolders::Recipients(vec![r(&b)]), Rotation::Never, later)
        .unwrap();
    assert!(!kept.rotated);
    let four = encrypt(store(Format::Json), JSON, &grouped_opts(&kept.opened)).unwrap();
    assert_eq!(token_lines(&four.text), token_lines(&two.text));

    // Always: same recipients, new key.
    let rotated = base2
        .rekey(
            &KeyHolders::Recipients(vec![r(&a), r(&b)]),
            Rotation::Always,
            later,
        )
        .unwrap();
    assert!(rotated.rotated && rotated.removed.is_empty());

    // Flat to key groups changes the shape: a new key by default.
    let grouped = KeyHolders::Groups {
        groups: vec![vec![r(&a)], vec![r(&b), r(&c)]],
        threshold: 2,
    };
    let g = base2.rekey(&grouped, Rotation::OnRemoval, later).unwrap();
    assert!(g.rotated && g.removed.is_empty());
    let five = encrypt(store(Format::Json), JSON, &grouped_opts(&g.opened)).unwrap();
    assert_eq!(
        decrypt(store(Format::Json), &five.text, &ids_of(&[&a, &c])).unwrap(),
        JSON
    );
    assert!(decrypt(store(Format::Json), &five.text, &ids_of(&[&b, &c])).is_err());

    // Adding to a group keeps the key (shares are made anew); removing from one rotates.
    let base5 = open(store(Format::Json), &five.text, &ids_of(&[&a, &b])).unwrap();
    let d = key();
    let more = KeyHolders::Groups {
        groups: vec![vec![r(&a), r(&d)], vec![r(&b), r(&c)]],
        threshold: 2,
    };
    let m = base5
        .rekey(&more, Rotation::OnRemoval, SystemTime::now())
        .unwrap();
    assert!(!m.rotated && m.added == vec![d.recipients[0].id().to_owned()]);
    let six = encrypt(store(Format::Json), JSON, &grouped_opts(&m.opened)).unwrap();
    assert_eq!(token_lines(&six.text), token_lines(&five.text));
    assert_eq!(
        decrypt(store(Format::Json), &six.text, &ids_of(&[&d, &c])).unwrap(),
        JSON
    );
    let fewer = KeyHolders::Groups {
        groups: vec![vec![r(&a)], vec![r(&b)]],
        threshold: 2,
    };
    let f = base5
        .rekey(&fewer, Rotation::OnRemoval, SystemTime::now())
        .unwrap();
    assert!(f.rotated && f.removed == vec![c.recipients[0].id().to_owned()]);
    // A threshold change is a shape change.
    let lower = KeyHolders::Groups {
        groups: vec![vec![r(&a)], vec![r(&b), r(&c)]],
        threshold: 1,
    };
    assert!(
        base5
            .rekey(&lower, Rotation::OnRemoval, SystemTime::now())
            .unwrap()
            .rotated
    );
}

#[test]
fn impossible_key_groups_are_refused() {
    let (_, holders) = three_groups(4);
    assert!(matches!(
        new_key(&holders, SystemTime::UNIX_EPOCH),
        Err(EncryptError::KeyGroups(_))
    ));
    let empty = KeyHolders::Groups {
        groups: vec![vec![], vec![]],
        threshold: 1,
    };
    assert!(matches!(
        new_key(&empty, SystemTime::UNIX_EPOCH),
        Err(EncryptError::KeyGroups(_))
    ));
    assert!(matches!(
        new_key(&KeyHolders::Recipients(vec![]), SystemTime::UNIX_EPOCH),
        Err(EncryptError::NoRecipients)
    ));
}

#[test]
fn binary_round_trip_and_tamper() {
    let k = key();
    let content: Vec<u8> = (0..=255).collect();
    let enc = encrypt_binary(&content, &opts(&k, None)).unwrap();
    assert_eq!(decrypt_binary(&enc.text, &k.identities).unwrap().0, content);
    let tampered = enc.text.replacen("data: VF1.", "data: VF1.A", 1);
    assert!(matches!(
        decrypt_binary(&tampered, &k.identities),
        Err(DecryptError::Integrity(_))
    ));
}

/// A generated flat document in each text format, with its values.
fn document(format: Format, values: &[(String, String)]) -> String {
    let mut s = String::new();
    match format {
        Format::Json => {
            let m: serde_json::Map<_, _> = values
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect();
            s = serde_json::to_string_pretty(&m).unwrap() + "\n";
        }
        Format::Toml => {
            for (k, v) in values {
                s += &format!("{k} = {}\n", serde_json::to_string(v).unwrap());
            }
        }
        Format::Dotenv => {
            for (k, v) in values {
                s += &format!(
                    "{}={}\n",
                    k.to_uppercase(),
                    serde_json::to_string(v).unwrap()
                );
            }
        }
        Format::Yaml => {
            for (k, v) in values {
                s += &format!("{k}: {}\n", serde_json::to_string(v).unwrap());
            }
        }
        Format::Binary => unreachable!(),
    }
    s
}

/// A generated document with comments, nesting and values, in each text format.
fn rich_document(format: Format, values: &[(String, String)], comments: &[bool]) -> String {
    let mut s = String::new();
    let c = |i: usize| comments.get(i).copied().unwrap_or(false);
    match format {
        Format::Yaml => {
            s += "# settings\n";
            for (i, (k, v)) in values.iter().enumerate() {
                if c(i) {
                    s += &format!("# about {k}\n");
                }
                if i % 3 == 1 {
                    s += &format!(
                        "{k}:\n  inner: {}  # note\n  list:\n    - x\n",
                        serde_json::to_string(v).unwrap()
                    );
                } else {
                    s += &format!("{k}: {}\n", serde_json::to_string(v).unwrap());
                }
            }
        }
        Format::Json => {
            let mut m = serde_json::Map::new();
            for (i, (k, v)) in values.iter().enumerate() {
                let v = serde_json::Value::String(v.clone());
                if i % 3 == 1 {
                    m.insert(k.clone(), serde_json::json!({"inner": v, "n": [1, null]}));
                } else {
                    m.insert(k.clone(), v);
                }
            }
            s = serde_json::to_string_pretty(&m).unwrap() + "\n";
        }
        Format::Toml => {
            s += "# settings\n";
            let mut tables = String::new();
            for (i, (k, v)) in values.iter().enumerate() {
                let v = serde_json::to_string(v).unwrap();
                if i % 3 == 1 {
                    tables += &format!("\n[{k}]\ninner = {v} # note\n");
                } else {
                    if c(i) {
                        s += &format!("# about {k}\n");
                    }
                    s += &format!("{k} = {v}\n");
                }
            }
            s += &tables;
        }
        Format::Dotenv => {
            for (i, (k, v)) in values.iter().enumerate() {
                if c(i) {
                    s += &format!("# about {k}\n");
                }
                s += &format!(
                    "{}={}\n",
                    k.to_uppercase(),
                    serde_json::to_string(v).unwrap()
                );
            }
        }
        Format::Binary => unreachable!(),
    }
    s
}

/// What a writer without the key can do to an encrypted file.
#[derive(Clone, Debug)]
enum Mutation {
    /// Flip bits of one byte (kept ASCII, so the text stays UTF-8).
    Flip(prop::sample::Index, u8),
    DeleteLine(prop::sample::Index),
    DuplicateLine(prop::sample::Index),
    InsertLine(prop::sample::Index, &'static str),
    /// Insert text at a character boundary.
    Insert(prop::sample::Index, &'static str),
    /// Change one character just after a `#` (a comment, in most formats).
    EditComment(prop::sample::Index),
}

/// Lines and snippets an attacker would add: comments (with Unicode line separators
/// and a lone CR inside), keys and structure without a value, duplicates, aliases.
const LINES: &[&str] = &[
    "# a comment",
    "#\u{2028}replica: {password: attacker}",
    "# x\u{2029}y: 1",
    "# x\u{85}y: 1",
    "# x\rAPI_TOKEN=attacker",
    "db: {}",
    "extra: {<<: *p}",
    "log_line: *p",
    "[debug]",
    "[[upstream]]",
    "EXTRA=1",
    "\"db\": {},",
    "",
    "   ",
];
const SNIPPETS: &[&str] = &[
    " ", "\t", "\u{2028}", "\u{85}", "\r", "#", "'", "\"", "{}", "\n", "\r\n",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), 1u8..0x80).prop_map(|(i, x)| Mutation::Flip(i, x)),
        any::<prop::sample::Index>().prop_map(Mutation::DeleteLine),
        any::<prop::sample::Index>().prop_map(Mutation::DuplicateLine),
        (any::<prop::sample::Index>(), prop::sample::select(LINES))
            .prop_map(|(i, l)| Mutation::InsertLine(i, l)),
        (any::<prop::sample::Index>(), prop::sample::select(SNIPPETS))
            .prop_map(|(i, l)| Mutation::Insert(i, l)),
        any::<prop::sample::Index>().prop_map(Mutation::EditComment),
    ]
}

/// Applies `m` to `text`; `None` when it cannot apply (no comment to edit, a non-ASCII
/// byte to flip).
fn mutate(text: &str, m: &Mutation) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let boundary = |i: &prop::sample::Index| {
        let mut at = i.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    Some(match m {
        Mutation::Flip(i, x) => {
            let at = i.index(text.len());
            let b = text.as_bytes()[at];
            if !b.is_ascii() {
                return None;
            }
            let mut bytes = text.as_bytes().to_vec();
            bytes[at] = b ^ x;
            String::from_utf8(bytes).ok()?
        }
        Mutation::DeleteLine(i) => {
            let n = i.index(lines.len());
            lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != n)
                .map(|(_, l)| *l)
                .collect()
        }
        Mutation::DuplicateLine(i) => {
            let n = i.index(lines.len());
            let mut out = String::new();
            for (j, l) in lines.iter().enumerate() {
                out.push_str(l);
                if j == n {
                    if !l.ends_with('\n') {
                        out.push('\n');
                    }
                    out.push_str(l);
                }
            }
            out
        }
        Mutation::InsertLine(i, line) => {
            let n = i.index(lines.len() + 1);
            let mut out: String = lines[..n].concat();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(line);
            out.push('\n');
            out.push_str(&lines[n..].concat());
            out
        }
        Mutation::Insert(i, snippet) => {
            let at = boundary(i);
            format!("{}{snippet}{}", &text[..at], &text[at..])
        }
        Mutation::EditComment(i) => {
            let hashes: Vec<usize> = text.match_indices('#').map(|(j, _)| j).collect();
            if hashes.is_empty() {
                return None;
            }
            let at = hashes[i.index(hashes.len())] + 1;
            format!("{}X{}", &text[..at], &text[at..])
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Format 2 authenticates every byte: whatever a keyless writer changes in an
    /// encrypted file, decryption either refuses without writing a byte or gives back
    /// the original plaintext (up to CR LF read as LF, the one documented freedom).
    #[test]
    fn every_keyless_mutation_is_refused_before_any_output(
        format in prop_oneof![Just(Format::Json), Just(Format::Toml), Just(Format::Dotenv), Just(Format::Yaml)],
        values in proptest::collection::btree_map("[a-z][a-z0-9_]{0,8}", "[ -~]{0,24}", 1..8),
        comments in proptest::collection::vec(any::<bool>(), 8),
        mutations in proptest::collection::vec(mutation(), 12),
    ) {
        let k = key();
        let values: Vec<(String, String)> = values.into_iter().collect();
        let text = rich_document(format, &values, &comments);
        let st = store(format);
        let enc = encrypt(st, &text, &opts(&k, None)).unwrap();
        let lf = |s: &str| s.replace("\r\n", "\n");
        for m in &mutations {
            let Some(mutated) = mutate(&enc.text, m) else { continue };
            if mutated == enc.text {
                continue;
            }
            let mut out = Vec::new();
            match decrypt_to(st, &mutated, &k.identities, &mut out) {
                Ok(_) => prop_assert_eq!(
                    lf(std::str::from_utf8(&out).unwrap()),
                    lf(&text),
                    "{:?} accepted {:?}:\n{}", format, m, mutated
                ),
                Err(_) => prop_assert!(out.is_empty(), "{:?}: output before refusing {:?}", format, m),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Round trip through real crypto, and any single-character change to an
    /// encrypted value is caught by the integrity check.
    #[test]
    fn encrypt_decrypt_and_mac_in_every_format(
        format in prop_oneof![Just(Format::Json), Just(Format::Toml), Just(Format::Dotenv), Just(Format::Yaml)],
        values in proptest::collection::btree_map("[a-z][a-z0-9_]{0,8}", "[ -~]{0,24}", 1..8),
        victim in any::<prop::sample::Index>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let k = key();
        let values: Vec<(String, String)> = values.into_iter().collect();
        let text = document(format, &values);
        let st = store(format);
        let enc = encrypt(st, &text, &opts(&k, None)).unwrap();
        prop_assert_eq!(decrypt(st, &enc.text, &k.identities).unwrap(), text.clone());
        // Re-encryption with the baseline is byte-identical.
        let base = open(st, &enc.text, &k.identities).unwrap();
        prop_assert_eq!(&encrypt(st, &text, &opts(&k, Some(&base))).unwrap().text, &enc.text);
        // Tamper with one character of one token.
        let doc = st.parse(&enc.text, ParseOptions::default()).unwrap();
        let leaf = doc.leaves.get(victim.index(doc.leaves.len()));
        let raw = &enc.text[leaf.span.clone()];
        let token = st.read_token(raw).unwrap();
        let body_start = leaf.span.start + raw.find(token).unwrap() + crate::crypto::TOKEN_PREFIX.len();
        let body_len = token.len() - crate::crypto::TOKEN_PREFIX.len();
        let at = body_start + flip.index(body_len);
        let old = enc.text.as_bytes()[at];
        let new = if old == b'A' { 'B' } else { 'A' };
        let mut tampered = enc.text.clone();
        tampered.replace_range(at..at + 1, &new.to_string());
        prop_assert!(matches!(decrypt(st, &tampered, &k.identities), Err(DecryptError::Integrity(_))));
    }
}

/// Rules that select no value are refused, since the file would look encrypted and hold
/// every secret in plaintext, unless the caller asks for it; a file with no value to
/// encrypt (nulls only) is no such case. Either way, a file left without an encrypted
/// value says so.
#[test]
fn rules_that_encrypt_nothing_are_refused_unless_allowed() {
    let k = key();
    let text = "user: admin\npassword: hunter2\n";
    let nothing = RuleSpec {
        encrypted_regex: Some("^nothing$".into()),
        ..RuleSpec::default()
    };
    let refused = encrypt(
        store(Format::Yaml),
        text,
        &EncryptOptions {
            rules: Some(nothing.clone()),
            ..opts(&k, None)
        },
    );
    match refused {
        Err(EncryptError::NothingEncrypted(why)) => assert!(why.contains("^nothing$"), "{why}"),
        other => panic!("not refused: {:?}", other.map(|e| e.text)),
    }
    let allowed = encrypt(
        store(Format::Yaml),
        text,
        &EncryptOptions {
            rules: Some(nothing),
            allow_nothing_encrypted: true,
            ..opts(&k, None)
        },
    )
    .unwrap();
    assert_eq!(allowed.encrypted_values, 0);
    let says_so = |w: &[String]| w.iter().any(|w| w.contains("no value was encrypted"));
    assert!(says_so(&allowed.warnings), "{:?}", allowed.warnings);
    let nulls = encrypt(store(Format::Yaml), "a: null\nb: ~\n", &opts(&k, None)).unwrap();
    assert_eq!(nulls.encrypted_values, 0);
    assert!(says_so(&nulls.warnings), "{:?}", nulls.warnings);
    let normal = encrypt(store(Format::Yaml), text, &opts(&k, None)).unwrap();
    assert!(!says_so(&normal.warnings), "{:?}", normal.warnings);
}

/// An opened file's `Debug` shows its metadata and never the data key.
#[test]
fn opened_debug_shows_the_metadata_not_the_key() {
    let k = key();
    let enc = encrypt(store(Format::Json), JSON, &opts(&k, None)).unwrap();
    let opened = open(store(Format::Json), &enc.text, &k.identities).unwrap();
    let shown = format!("{opened:?}");
    assert!(shown.starts_with("Opened {"), "{shown}");
    assert!(shown.contains(k.recipients[0].id()), "{shown}");
    assert!(shown.ends_with(", .. }"), "{shown}");
    let key = opened.key.expose();
    assert!(!shown.contains(&format!("{key:?}")), "{shown}");
    assert!(!shown.contains("DataKey"), "{shown}");
}

/// A change of shape (recipients to key groups) reports as added exactly the recipients
/// that could not open the file before, and as removed those that no longer can.
#[test]
fn a_change_of_shape_reports_who_was_added_and_removed() {
    let (a, b, c) = (key(), key(), key());
    let holders = KeyHolders::Recipients(vec![
        keys::parse_recipient(a.recipients[0].id()).unwrap(),
        keys::parse_recipient(b.recipients[0].id()).unwrap(),
    ]);
    let base = new_key(&holders, SystemTime::UNIX_EPOCH).unwrap();
    let grouped = KeyHolders::Groups {
        groups: vec![
            vec![keys::parse_recipient(a.recipients[0].id()).unwrap()],
            vec![keys::parse_recipient(c.recipients[0].id()).unwrap()],
        ],
        threshold: 2,
    };
    let r = base
        .rekey(&grouped, Rotation::OnRemoval, SystemTime::UNIX_EPOCH)
        .unwrap();
    assert_eq!(r.added, [c.recipients[0].id()]);
    assert_eq!(r.removed, [b.recipients[0].id()]);
    assert!(r.rotated);
}

/// A file that another identity opens never asks for its passphrase: passphrase
/// recipients are tried last, after every other identity has had its turn, with plain
/// recipients and inside a key group alike.
#[test]
fn a_passphrase_is_asked_for_only_when_nothing_else_opens_the_file() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    struct Fixed;
    impl keys::Callbacks for Fixed {
        fn request_passphrase(&self, _: &str) -> Option<keys::SecretString> {
            Some(keys::SecretString::from("correct horse".to_owned()))
        }
    }
    #[derive(Default)]
    struct Counting(AtomicUsize);
    impl keys::Callbacks for Counting {
        fn request_passphrase(&self, _: &str) -> Option<keys::SecretString> {
            self.0.fetch_add(1, Ordering::SeqCst);
            None
        }
    }
    let k = key();
    let both = || {
        vec![
            keys::parse_recipient_with("passphrase", &keys::Context::new(Arc::new(Fixed))).unwrap(),
            keys::parse_recipient(k.recipients[0].id()).unwrap(),
        ]
    };
    let st = store(Format::Yaml);
    let text = "password: hunter2\n";
    let flat = encrypt(
        st,
        text,
        &EncryptOptions {
            recipients: &both(),
            ..opts(&k, None)
        },
    )
    .unwrap()
    .text;
    let group = KeyHolders::Groups {
        groups: vec![both()],
        threshold: 1,
    };
    let fresh = new_key(&group, SystemTime::UNIX_EPOCH).unwrap();
    let grouped = encrypt(st, text, &grouped_opts(&fresh)).unwrap().text;
    for (what, enc) in [("recipients", flat), ("a key group", grouped)] {
        let asked = Arc::new(Counting::default());
        let mut ids = ids_of(&[&k]);
        ids.push(keys::passphrase_identity(asked.clone()));
        assert_eq!(decrypt(st, &enc, &ids).unwrap(), text, "{what}");
        assert_eq!(
            asked.0.load(Ordering::SeqCst),
            0,
            "{what}: the passphrase was asked for"
        );
    }
}

/// The check that needs no key: every value the rules select holds a token; a null is no
/// value, and a plaintext where a token belongs is named.
#[test]
fn check_sealed_passes_nulls_and_names_plaintext_where_a_token_belongs() {
    let k = key();
    let st = store(Format::Yaml);
    let enc = encrypt(st, "a: null\nb: hunter2\n", &opts(&k, None))
        .unwrap()
        .text;
    assert!(check_sealed(st, &enc).is_ok());
    let token_line = enc.lines().find(|l| l.starts_with("b: ")).unwrap();
    let plain = enc.replacen(token_line, "b: hunter2", 1);
    match check_sealed(st, &plain) {
        Err(DecryptError::Integrity(Integrity::Plaintext(p))) => assert_eq!(p.to_string(), "b"),
        other => panic!("{other:?}"),
    }
}

/// Large documents: the parallel paths.
mod large;
