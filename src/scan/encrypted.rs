//! The parts of a file that are already protected, which the scanner must not report.
//!
//! An encrypted value is random-looking by design, so every entropy rule would fire on it;
//! and the metadata block of an encrypted file (wrapped data keys, recipients, the MAC) is
//! not a secret either. What is left, the plaintext parts of a partially encrypted file
//! (`unencrypted_regex` keys, comments) and every ordinary file, is scanned as usual.

use std::ops::Range;
use std::path::Path;

use crate::crypto::{TOKEN_PREFIX, is_token};
use crate::format::{Format, ParseOptions};
use crate::git::convert::{self, Content};
use crate::sops::{self, SopsFormat};

/// What the scanner skips in one file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Protected {
    /// The whole file is ciphertext (a vaultfile or SOPS binary envelope).
    pub whole_file: bool,
    /// Whether the file is a vaultfile- or SOPS-encrypted document.
    pub encrypted_document: bool,
    /// Byte ranges holding encrypted values or metadata, in no particular order.
    pub spans: Vec<Range<usize>>,
}

impl Protected {
    /// Whether `range` touches anything protected.
    pub fn covers(&self, range: &Range<usize>) -> bool {
        self.whole_file
            || self
                .spans
                .iter()
                .any(|s| s.start < range.end.max(range.start + 1) && range.start < s.end)
    }
}

/// Finds the encrypted values (vaultfile tokens `VF1.…`, SOPS values `ENC[AES256_GCM,…]`)
/// and the metadata block of an encrypted document in `content`, the file at `path`.
pub fn protected_parts(path: &str, content: &[u8]) -> Protected {
    let mut out = Protected {
        spans: value_spans(content),
        ..Protected::default()
    };
    if let Content::Encrypted {
        store,
        text,
        binary,
    } = convert::classify(path, content)
    {
        out.encrypted_document = true;
        if binary {
            out.whole_file = true;
        } else if let Ok(doc) = store.parse(text, ParseOptions::default())
            && let Some(meta) = doc.metadata
        {
            out.spans.push(meta.span);
        }
        return out;
    }
    // SOPS marks its files with a `sops` metadata key; look only if the word is there.
    if memchr::memmem::find(content, b"sops").is_some()
        && let Ok(text) = std::str::from_utf8(content)
    {
        let file = Path::new(path);
        if let Some(kind) = sops::sniff(text, Format::from_path(file)) {
            out.encrypted_document = true;
            if kind == SopsFormat::Binary {
                out.whole_file = true;
            } else if let Ok(doc) = sops::doc::parse(text, kind) {
                out.spans.extend(doc.remove);
            }
        }
    }
    out
}

/// Whether `content` is an encrypted document (vaultfile or SOPS), as a protected path's
/// stored content must be.
pub fn is_encrypted_document(path: &str, content: &[u8]) -> bool {
    protected_parts(path, content).encrypted_document
}

/// The byte ranges of vaultfile tokens and SOPS encrypted values.
fn value_spans(content: &[u8]) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for start in memchr::memmem::find_iter(content, TOKEN_PREFIX.as_bytes()) {
        let body = content[start + TOKEN_PREFIX.len()..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            .count();
        let end = start + TOKEN_PREFIX.len() + body;
        if std::str::from_utf8(&content[start..end]).is_ok_and(is_token) {
            spans.push(start..end);
        }
    }
    const SOPS_PREFIX: &[u8] = b"ENC[AES256_GCM,";
    for start in memchr::memmem::find_iter(content, SOPS_PREFIX) {
        let rest = &content[start..];
        let end = memchr::memchr2(b']', b'\n', rest).map_or(content.len(), |p| start + p + 1);
        spans.push(start..end);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_sops_values_are_spans() {
        let token = format!("{TOKEN_PREFIX}{}", "A".repeat(30));
        let text = format!("a: {token}\nb: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]\nc: 1\n");
        let p = protected_parts("x.txt", text.as_bytes());
        assert!(!p.encrypted_document);
        assert_eq!(p.spans.len(), 2);
        let t = text.find("VF1").unwrap();
        assert!(p.covers(&(t + 5..t + 10)));
        let e = text.find("ENC[").unwrap();
        assert!(p.covers(&(e + 20..e + 22)));
        let c = text.find("c: 1").unwrap();
        assert!(!p.covers(&(c..c + 4)));
        // Too short to be a token.
        let p = protected_parts("x.txt", b"a: VF1.abc\n");
        assert!(p.spans.is_empty());
    }
}
