//! Token decoding: `decode_token` and `ValueCipher::open` never panic on any string, and
//! sealing the input bytes always gives a token that opens to them again.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use vaultfile::crypto::{DataKey, TokenError, ValueCipher, decode_token, is_token};
use vaultfile::path::KeyPath;

thread_local! {
    static CIPHER: RefCell<(ValueCipher, KeyPath)> = RefCell::new((
        ValueCipher::new(&DataKey::from_bytes(&[7; 32]).unwrap()),
        KeyPath::parse("db.password").unwrap(),
    ));
}

fuzz_target!(|data: &[u8]| {
    CIPHER.with_borrow_mut(|(cipher, path)| {
        if let Ok(s) = std::str::from_utf8(data) {
            let _ = is_token(s);
            let decoded = decode_token(s);
            if let Ok(ct) = &decoded {
                assert!(ct.len() >= 16, "decode_token accepted a body shorter than the SIV tag");
            }
            match cipher.open(&*path, s) {
                Ok(_) => assert!(decoded.is_ok(), "open accepted a token decode_token rejects"),
                Err(TokenError::Malformed) => assert!(decoded.is_err(), "open says malformed, decode_token accepts"),
                Err(TokenError::Forged) => assert!(decoded.is_ok(), "open says forged, decode_token rejects"),
            }
        }
        // Any bytes seal to a well-formed token that opens at the same path.
        let token = cipher.seal(&*path, data);
        assert!(is_token(&token), "seal gave {token:?}, which is_token rejects");
        assert_eq!(cipher.open(&*path, &token).as_deref(), Ok(data), "seal/open round trip");
    });
});
