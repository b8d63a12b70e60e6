//! What the user has said is not a secret: allow-listed paths and fingerprints from the
//! `scan:` section of `.vaultfile.yaml`, and inline `vaultfile:allow` comments.
//!
//! A scanner that cannot be told "this one is fine" gets switched off; each way to say it
//! is narrow on purpose: a path glob silences a whole file, a fingerprint one secret in one
//! file, an inline comment one line.

use std::collections::HashSet;
use std::sync::LazyLock;

use globset::{GlobSet, GlobSetBuilder};
use memchr::memmem::Finder;

/// The markers that allow a line inline. `gitleaks:allow` is accepted too, so a team that
/// moves from gitleaks keeps its existing comments.
pub const INLINE_MARKERS: [&str; 2] = ["vaultfile:allow", "gitleaks:allow"];

/// Allow-listed paths and fingerprints.
#[derive(Clone, Debug, Default)]
pub struct AllowList {
    paths: Option<GlobSet>,
    fingerprints: HashSet<String>,
}

impl AllowList {
    /// Builds the list from path globs (matched against the path relative to the
    /// configuration's directory, `/`-separated; `*` stays within one directory, `**`
    /// crosses them) and finding fingerprints.
    pub fn new(paths: &[String], fingerprints: &[String]) -> Result<AllowList, globset::Error> {
        let paths = if paths.is_empty() {
            None
        } else {
            let mut set = GlobSetBuilder::new();
            for p in paths {
                set.add(crate::config::scan_allow_glob(p)?);
            }
            Some(set.build()?)
        };
        Ok(AllowList {
            paths,
            fingerprints: fingerprints.iter().cloned().collect(),
        })
    }

    /// Whether findings in `relative` (relative to the configuration's directory) are
    /// allowed.
    pub fn path_allowed(&self, relative: &str) -> bool {
        self.paths.as_ref().is_some_and(|s| s.is_match(relative))
    }

    /// Whether the finding with this fingerprint is allowed.
    pub fn fingerprint_allowed(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }
}

/// Whether `secret` is an age public key (`age1…`, bech32): a recipient, which
/// `.vaultfile.yaml` and READMEs list by design, not a secret. (Private age keys,
/// `AGE-SECRET-KEY-1…`, have a gitleaks rule of their own.)
pub fn is_public_key(secret: &[u8]) -> bool {
    secret.len() >= 40
        && secret.starts_with(b"age1")
        && secret[4..]
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Whether `line` carries an inline allow marker.
pub fn inline_allowed(line: &[u8]) -> bool {
    // Built once: it runs for every finding, and building a searcher costs more than
    // searching one line.
    static FINDERS: LazyLock<Vec<Finder<'static>>> =
        LazyLock::new(|| INLINE_MARKERS.iter().map(Finder::new).collect());
    FINDERS.iter().any(|f| f.find(line).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(paths: &[&str], fps: &[&str]) -> AllowList {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        AllowList::new(&s(paths), &s(fps)).unwrap()
    }

    #[test]
    fn path_globs() {
        let a = list(&["docs/**", "*.md", "test/fixtures/*.env"], &[]);
        assert!(a.path_allowed("docs/a/b.yaml"));
        assert!(a.path_allowed("README.md"));
        // `*` does not cross a directory.
        assert!(!a.path_allowed("sub/README.md"));
        assert!(a.path_allowed("test/fixtures/x.env"));
        assert!(!a.path_allowed("test/fixtures/deep/x.env"));
        assert!(!a.path_allowed("src/main.rs"));
        assert!(!AllowList::default().path_allowed("anything"));
    }

    #[test]
    fn fingerprints() {
        let a = list(&[], &["app.env:aws-access-token:0011223344556677"]);
        assert!(a.fingerprint_allowed("app.env:aws-access-token:0011223344556677"));
        assert!(!a.fingerprint_allowed("app.env:aws-access-token:0011223344556688"));
    }

    #[test]
    fn bad_glob_is_an_error() {
        assert!(AllowList::new(&["a[".into()], &[]).is_err());
    }

    #[test]
    fn age_public_keys_are_not_secrets() {
        let recipient = [
            "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j",
            "2elw8zmrj2kg5sfn9aqmcac8p",
        ]
        .concat();
        assert!(is_public_key(recipient.as_bytes()));
        assert!(!is_public_key(b"age1short"));
        assert!(!is_public_key(recipient.to_uppercase().as_bytes()));
    }

    #[test]
    fn inline_markers() {
        assert!(inline_allowed(b"key = \"x\" # vaultfile:allow"));
        assert!(inline_allowed(b"key = \"x\" // gitleaks:allow"));
        assert!(!inline_allowed(b"key = \"x\" # vaultfile: allow"));
    }
}
