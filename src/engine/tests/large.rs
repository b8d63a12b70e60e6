//! Documents past the size where values are sealed and opened on several threads: the
//! parallel paths must give what one thread gives, and refuse what it refuses.

use super::*;

/// Documents over the 32-bit offset limit are refused before anything is parsed.
#[test]
fn the_document_size_limit_is_inclusive() {
    let max = crate::format::document::MAX_DOCUMENT_LEN;
    assert!(check_len(0).is_ok());
    assert!(check_len(max).is_ok());
    assert!(check_len(max + 1).is_err());
}

/// Large documents are sealed in parallel waves; the result must be the document the
/// sequential path gives, value for value, across wave boundaries.
#[test]
fn documents_larger_than_a_wave_round_trip() {
    let k = key();
    let n = WAVE + PARALLEL_THRESHOLD + 7;
    let text: String = (0..n).map(|i| format!("k{i}: v{i}\n")).collect();
    let st = store(Format::Yaml);
    let enc = encrypt(st, &text, &opts(&k, None)).unwrap();
    assert_eq!(enc.encrypted_values, n);
    // The plaintext line is gone. (Not "v17" anywhere: a random token may end in it.)
    assert!(!enc.text.lines().any(|l| l == "k17: v17"));
    let opened = open(st, &enc.text, &k.identities).unwrap();
    // The same values, encrypted again with the file as baseline, give the same bytes.
    let again = encrypt(st, &text, &opts(&k, Some(&opened))).unwrap();
    assert_eq!(again.text, enc.text);
    assert_eq!(decrypt(st, &enc.text, &k.identities).unwrap(), text);
}

/// A large file is decrypted while its MAC is checked, on other threads: still nothing is
/// written unless the whole text is intact, and each kind of damage is named as on one
/// thread (a value left in plaintext, then the MAC, then a value that does not open).
#[test]
fn a_large_damaged_file_writes_nothing_and_names_the_damage() {
    let k = key();
    let n = 2 * WAVE + 5;
    let text: String = (0..n).map(|i| format!("k{i}: v{i}\n")).collect();
    let st = store(Format::Yaml);
    let enc = encrypt(st, &text, &opts(&k, None)).unwrap().text;
    let decrypt_into = |t: &str| {
        let mut out = Vec::new();
        let r = decrypt_to(st, t, &k.identities, &mut out).map(|_| ());
        (r, out)
    };
    let (ok, out) = decrypt_into(&enc);
    ok.unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), text);
    let token_of = |key: &str| {
        let line = enc
            .lines()
            .find(|l| l.starts_with(&format!("{key}: ")))
            .unwrap();
        line.split_once(": ").unwrap().1.to_owned()
    };
    // A key renamed (outside any value): only the MAC sees it.
    let renamed = enc.replacen("k3: ", "k3x: ", 1);
    let (r, out) = decrypt_into(&renamed);
    assert!(
        matches!(r, Err(DecryptError::Integrity(Integrity::Mac))),
        "{r:?}"
    );
    assert!(out.is_empty(), "wrote {} bytes", out.len());
    // A value in plaintext, in the last wave: named, though the MAC is broken too.
    let last = format!("k{}", n - 2);
    let plain = enc.replacen(&token_of(&last), "hello", 1);
    match decrypt_into(&plain) {
        (Err(DecryptError::Integrity(Integrity::Plaintext(p))), out) => {
            assert_eq!(p.to_string(), last);
            assert!(out.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // A value swapped with another's (in another wave): the MAC fails first.
    let (a, b) = (token_of("k1"), token_of(&last));
    let swapped = enc
        .replacen(&a, "@", 1)
        .replacen(&b, &a, 1)
        .replacen('@', &b, 1);
    let (r, out) = decrypt_into(&swapped);
    assert!(
        matches!(r, Err(DecryptError::Integrity(Integrity::Mac))),
        "{r:?}"
    );
    assert!(out.is_empty());
}
