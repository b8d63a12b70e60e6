//! Checks shared by the fuzz targets.
//!
//! [`check_store`] is the [`Store`] contract that `vaultfile::format::testkit::round_trip`
//! checks in the crate's unit tests (that module is `#[cfg(test)]`, so it is reimplemented
//! here). A contract violation is a `panic!`/`assert!`, which libFuzzer reports as a crash.

use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use vaultfile::format::{self, Document, Format, Leaf, ParseOptions, ScalarKind, Store, apply_edits};
use vaultfile::path::KeyPath;

/// The options the parser targets use: values decoded, so the decoding code runs too.
pub const DECODE: ParseOptions = ParseOptions { decode_values: true };

/// A reversible stand-in for a real token: `VF1.` + base64url(16 zero bytes + raw),
/// as `testkit::fake_token` makes it.
pub fn fake_token(raw: &str) -> String {
    let mut bytes = vec![0u8; 16];
    bytes.extend_from_slice(raw.as_bytes());
    format!("{}{}", vaultfile::crypto::TOKEN_PREFIX, URL_SAFE_NO_PAD.encode(bytes))
}

fn unfake(token: &str) -> String {
    let body = token
        .strip_prefix(vaultfile::crypto::TOKEN_PREFIX)
        .unwrap_or_else(|| panic!("read_token returned {token:?}, which has no VF1. prefix"));
    let b = URL_SAFE_NO_PAD
        .decode(body)
        .unwrap_or_else(|e| panic!("read_token returned {token:?}, which is not base64url: {e}"));
    assert!(b.len() >= 16, "read_token returned a truncated token {token:?}");
    String::from_utf8(b[16..].to_vec())
        .unwrap_or_else(|_| panic!("read_token returned {token:?}, which does not hold UTF-8"))
}

/// A metadata value shaped like the real one (`testkit::sample_metadata`).
pub fn sample_metadata() -> serde_json::Value {
    serde_json::json!({
        "version": 1,
        "created": "2026-11-29T05:00:00Z",
        "rules": {"unencrypted_regex": "^(user|host)$"},
        "recipients": [
            {"recipient": "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p", "key": "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0-IFgyNTUxOSBhYmMK+/=="},
            {"recipient": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG alice@example.com", "key": "YWJj"}
        ],
        "mac": "Zm9vYmFy-_"
    })
}

fn check_span(text: &str, span: &Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} is out of bounds (text is {} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} splits a UTF-8 character"
    );
}

/// Checks what `parse` promises about any document: spans in bounds, on character
/// boundaries, in source order, not overlapping, and outside the metadata block.
pub fn check_shape(format: Format, text: &str, doc: &Document) {
    let leaves: Vec<Leaf<'_>> = doc.leaves.iter().collect();
    for l in &leaves {
        check_span(text, &l.span, &format!("leaf {}", l.path));
    }
    for w in leaves.windows(2) {
        assert!(
            w[0].span.end <= w[1].span.start,
            "leaves overlap or are out of order: {:?} then {:?}",
            w[0],
            w[1]
        );
    }
    if let Some(md) = &doc.metadata {
        check_span(text, &md.span, "metadata");
        for l in &leaves {
            if known_empty_null_in_metadata(format, l) {
                continue;
            }
            assert!(
                l.span.end <= md.span.start || l.span.start >= md.span.end,
                "leaf {:?} falls inside the metadata block {:?}",
                l,
                md.span
            );
        }
    }
}

/// The parser target: parse `data` as `format` with values decoded; it must not panic.
/// When it parses and has no metadata block, check the full store contract.
pub fn check_store(format: Format, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let store = format::store_for(format).expect("a text format");
    let Ok(doc) = store.parse(text, DECODE) else { return };
    check_shape(format, text, &doc);

    // Decoding values must not change which leaves are found (the engine parses without).
    let bare = store
        .parse(text, ParseOptions::default())
        .unwrap_or_else(|e| panic!("parses with decode_values but not without: {e}"));
    let shape = |d: &Document| -> Vec<_> {
        d.leaves.iter().map(|l| (l.path.to_owned(), l.span.clone(), l.kind)).collect()
    };
    assert_eq!(shape(&doc), shape(&bare), "decode_values changes the leaves");
    assert_eq!(
        doc.metadata.as_ref().map(|m| (m.span.clone(), m.value.clone())),
        bare.metadata.as_ref().map(|m| (m.span.clone(), m.value.clone())),
        "decode_values changes the metadata block"
    );

    if doc.metadata.is_none() && !known_bug(format, text) {
        round_trip(store, text, &doc);
    }
}

// Known bugs, already reported: skipped so that fuzzing can find others. Run with
// `VAULTFILE_FUZZ_ALL=1` in the environment to check them anyway; delete each entry once
// the bug is fixed.

fn check_all() -> bool {
    static CHECK_ALL: std::sync::LazyLock<bool> =
        std::sync::LazyLock::new(|| std::env::var_os("VAULTFILE_FUZZ_ALL").is_some());
    *CHECK_ALL
}

/// YAML, a document ending in an explicit key with no value and no final newline
/// (minimal: "?" or "? b"): once the block is appended, the key's null value is reported
/// as an empty span at the start of the `vaultfile:` line, inside the metadata block.
fn known_empty_null_in_metadata(format: Format, leaf: &Leaf<'_>) -> bool {
    !check_all() && format == Format::Yaml && leaf.kind == ScalarKind::Null && leaf.span.is_empty()
}

/// Inputs whose round trip hits a known bug.
pub fn known_bug(format: Format, text: &str) -> bool {
    if check_all() {
        return false;
    }
    // None open. Fixed: dotenv, a text ending in a lone `\r` lost it ("A=\r", fixed in
    // 28a0aa7); then a last line blank but for a lone `\r` ("\r", "A=b\n\r") encrypted to
    // text that does not parse (fixed in a11aea4).
    let _ = (format, text);
    false
}

/// `testkit::round_trip`: replace every non-null leaf with a token, add metadata, parse the
/// result, then undo both and compare byte for byte. Skips (returns) only when
/// `metadata_insertion` refuses the document, which is allowed (a JSON scalar root).
pub fn round_trip(store: &dyn Store, text: &str, doc: &Document) {
    let tokens: Vec<Option<String>> = doc
        .leaves
        .iter()
        .map(|l| {
            (l.kind != ScalarKind::Null).then(|| {
                let mut out = String::new();
                store.write_token(&mut out, &fake_token(&text[l.span.clone()]));
                out
            })
        })
        .collect();
    let meta = sample_metadata();
    let Ok(ins) = store.metadata_insertion(text, doc, &meta) else { return };
    assert!(
        ins.at <= text.len() && text.is_char_boundary(ins.at),
        "metadata insertion offset {} is not a character boundary of the text",
        ins.at
    );
    let edits = doc
        .leaves
        .iter()
        .zip(&tokens)
        .filter_map(|(l, t)| t.as_deref().map(|t| (l.span.clone(), t)));
    let enc = apply_edits(text, edits, Some(&ins), 0);

    let doc2 = store
        .parse(&enc, DECODE)
        .unwrap_or_else(|e| panic!("encrypted text does not parse: {e}\n--- encrypted:\n{enc}"));
    check_shape(store.format(), &enc, &doc2);
    let md = doc2
        .metadata
        .as_ref()
        .unwrap_or_else(|| panic!("metadata not found in\n--- encrypted:\n{enc}"));
    assert_eq!(md.value, meta, "metadata changed in\n--- encrypted:\n{enc}");
    let p1: Vec<KeyPath> = doc.leaves.iter().map(|l| l.path.to_owned()).collect();
    let p2: Vec<KeyPath> = doc2.leaves.iter().map(|l| l.path.to_owned()).collect();
    assert_eq!(p1, p2, "leaf paths differ after encryption\n--- encrypted:\n{enc}");

    let mut restore = Vec::new();
    for (l, t) in doc2.leaves.iter().zip(&tokens) {
        let raw = &enc[l.span.clone()];
        match t {
            Some(_) => {
                let tok = store
                    .read_token(raw)
                    .unwrap_or_else(|| panic!("no token in {raw:?} at {}\n--- encrypted:\n{enc}", l.path));
                restore.push((l.span.clone(), unfake(tok)));
            }
            None => assert!(
                store.read_token(raw).is_none(),
                "null leaf {raw:?} at {} reads as a token",
                l.path
            ),
        }
    }
    // Remove the metadata block, then restore the values.
    let mut edits: Vec<(Range<usize>, &str)> =
        restore.iter().map(|(s, r)| (s.clone(), r.as_str())).collect();
    edits.push((md.span.clone(), ""));
    edits.sort_by_key(|(s, _)| s.start);
    let back = apply_edits(&enc, edits, None, 0);
    assert_eq!(back, text, "round trip is not byte-identical\n--- encrypted:\n{enc}");
}
