//! Kubernetes `Secret` manifests from decrypted values.
//!
//! Teams that keep their secrets encrypted in git deploy them to a cluster; rendering the
//! manifest here lets the plaintext go straight to `kubectl apply -f -` without a plaintext
//! file in between, and without a second tool that re-implements the flattening.
//!
//! The values go in `data`, base64-encoded, rather than `stringData`: base64 carries any
//! bytes exactly (a binary file, a value with a trailing newline or a leading space) and is
//! the form the API server stores and `kubectl get -o yaml` shows, so a rendered manifest
//! compares equal to the live object. Keys are the paths of the values as a reader sees them
//! (YAML aliases and merge keys resolved, [`crate::format::view`]) flattened as for environment
//! variables ([`crate::flatten`]): `envFrom: secretRef` then gives a program the same
//! variables `vaultfile exec-env` would. Kubernetes allows only `[-._a-zA-Z0-9]` in keys; a
//! path that gives another key is an error that names it, never renamed silently. The name
//! must be a DNS-1123 subdomain and the namespace a DNS-1123 label, as the API server checks.

pub mod generator;
pub mod krm;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::flatten::{self, FlattenOptions};
use crate::format::Format;
use crate::format::document::ScalarKind;
use crate::format::view::View;
use crate::path::KeyPath;

/// The longest key, name or namespace Kubernetes accepts (namespaces: 63).
const MAX_KEY: usize = 253;
const MAX_NAMESPACE: usize = 63;

/// Why a manifest cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum K8sError {
    /// A key path gives a key with characters Kubernetes refuses.
    #[error(
        "the key '{path}' gives the Secret key '{key}', which Kubernetes refuses (only letters, \
         digits, '-', '_' and '.', at most 253 characters)"
    )]
    InvalidKey {
        /// The path in the document.
        path: KeyPath,
        /// The key it gives.
        key: String,
    },
    /// Two paths give the same key.
    #[error("the keys '{first}' and '{second}' both give the Secret key '{key}'")]
    Clash {
        /// The key.
        key: String,
        /// The first path.
        first: KeyPath,
        /// The second path.
        second: KeyPath,
    },
    /// The Secret's name is not a DNS-1123 subdomain.
    #[error(
        "'{0}' is not a valid Secret name (lower-case letters, digits, '-' and '.', starting \
         and ending with a letter or digit, at most 253 characters)"
    )]
    InvalidName(String),
    /// The namespace is not a DNS-1123 label.
    #[error(
        "'{0}' is not a valid namespace (lower-case letters, digits and '-', starting and \
         ending with a letter or digit, at most 63 characters)"
    )]
    InvalidNamespace(String),
}

/// True for a key Kubernetes accepts in a Secret's `data`: `[-._a-zA-Z0-9]+`, at most 253.
pub fn is_valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY
        && key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn alnum_lower(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// True for a DNS-1123 label's characters: lower-case letters, digits and `-`, starting
/// and ending with a letter or digit (the length is checked by the callers).
fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && alnum_lower(b[0])
        && alnum_lower(b[b.len() - 1])
        && b.iter().all(|&c| alnum_lower(c) || c == b'-')
}

/// True for a DNS-1123 subdomain (the rule for a Secret's name): labels joined by dots.
pub fn is_valid_name(name: &str) -> bool {
    name.len() <= MAX_KEY && name.split('.').all(is_label)
}

/// True for a DNS-1123 label (the rule for a namespace).
pub fn is_valid_namespace(ns: &str) -> bool {
    ns.len() <= MAX_NAMESPACE && is_label(ns)
}

/// Turns a file name into a Secret name: lower-cased, every run of other characters made one
/// `-`, trimmed to start and end with a letter or digit. `None` when nothing is left.
pub fn sanitize_name(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if c == '.' && !out.is_empty() && !out.ends_with(['.', '-']) {
            out.push('.');
        } else if !out.is_empty() && !out.ends_with(['.', '-']) {
            out.push('-');
        }
    }
    out.truncate(MAX_KEY);
    let out = out.trim_end_matches(['.', '-']).to_owned();
    is_valid_name(&out).then_some(out)
}

/// The Secret's entries from a document's values (the read model, aliases and merge keys
/// resolved): one per non-null value, its key the flattened path ([`flatten::name_for`]),
/// in document order.
pub fn entries(
    view: &View,
    opts: &FlattenOptions,
) -> Result<Vec<(String, Zeroizing<String>)>, K8sError> {
    let format = view.format();
    let mut out: Vec<(String, Zeroizing<String>)> = Vec::new();
    let mut paths: Vec<KeyPath> = Vec::new();
    // Key → index in `out`, so that large files do not take quadratic time.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for leaf in view.values() {
        if leaf.kind == ScalarKind::Null {
            continue;
        }
        let key = flatten::name_for(leaf.path.as_path(), format, opts);
        if !is_valid_key(&key) {
            return Err(K8sError::InvalidKey {
                path: leaf.path.clone(),
                key,
            });
        }
        let value = Zeroizing::new(leaf.value.to_owned());
        match index.get(&key).copied() {
            // dotenv: a later assignment wins, as every dotenv loader does.
            Some(i) if format == Format::Dotenv => out[i].1 = value,
            Some(i) => {
                return Err(K8sError::Clash {
                    key,
                    first: paths[i].clone(),
                    second: leaf.path.clone(),
                });
            }
            None => {
                index.insert(key.clone(), out.len());
                out.push((key, value));
                paths.push(leaf.path.clone());
            }
        }
    }
    Ok(out)
}

/// Checks a Secret's name (a DNS-1123 subdomain) and namespace (a DNS-1123 label).
pub fn check_metadata(name: &str, namespace: Option<&str>) -> Result<(), K8sError> {
    if !is_valid_name(name) {
        return Err(K8sError::InvalidName(name.to_owned()));
    }
    if let Some(ns) = namespace.filter(|ns| !is_valid_namespace(ns)) {
        return Err(K8sError::InvalidNamespace(ns.to_owned()));
    }
    Ok(())
}

/// Renders a `v1` `Secret` of type `Opaque` named `name` (in `namespace` if given), its
/// `data` the base64 of each entry's bytes, in order.
pub fn render<'a>(
    name: &str,
    namespace: Option<&str>,
    entries: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<Zeroizing<String>, K8sError> {
    check_metadata(name, namespace)?;
    let mut out = Zeroizing::new(String::new());
    out.push_str("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ");
    out.push_str(&crate::format::yaml::emit::key(name));
    out.push('\n');
    if let Some(ns) = namespace {
        out.push_str("  namespace: ");
        out.push_str(&crate::format::yaml::emit::key(ns));
        out.push('\n');
    }
    out.push_str("type: Opaque\ndata:");
    let mut any = false;
    for (key, value) in entries {
        if !is_valid_key(key) {
            return Err(K8sError::InvalidKey {
                path: KeyPath::from_segments(std::iter::empty()),
                key: key.to_owned(),
            });
        }
        any = true;
        out.push_str("\n  ");
        out.push_str(&crate::format::yaml::emit::key(key));
        out.push_str(": ");
        let encoded = Zeroizing::new(STANDARD.encode(value));
        if encoded.is_empty() {
            out.push_str("\"\"");
        } else {
            out.push_str(&encoded);
        }
    }
    out.push_str(if any { "\n" } else { " {}\n" });
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format;

    #[test]
    fn names_follow_dns_1123() {
        assert!(is_valid_name("prod"));
        assert!(is_valid_name("app.prod-1"));
        assert!(!is_valid_name("Prod"));
        assert!(!is_valid_name("-prod"));
        assert!(!is_valid_name("a..b"));
        assert!(!is_valid_name("a_b"));
        assert!(!is_valid_name(""));
        assert!(is_valid_namespace("team-a"));
        assert!(!is_valid_namespace("team.a"));
        assert!(!is_valid_namespace(&"a".repeat(64)));
    }

    #[test]
    fn file_names_are_sanitised() {
        assert_eq!(sanitize_name("prod.enc").as_deref(), Some("prod.enc"));
        assert_eq!(sanitize_name("My_Secrets").as_deref(), Some("my-secrets"));
        assert_eq!(
            sanitize_name(".env.production").as_deref(),
            Some("env.production")
        );
        assert_eq!(sanitize_name("a -- b..c_").as_deref(), Some("a-b.c"));
        assert_eq!(sanitize_name("___"), None);
    }

    /// The Secret's entries for a YAML text, flattened with the default options.
    fn yaml_entries(text: &str) -> Result<Vec<(String, String)>, K8sError> {
        let view = View::parse(format::store_for(Format::Yaml).unwrap(), text).unwrap();
        Ok(entries(&view, &FlattenOptions::default())?
            .into_iter()
            .map(|(k, v)| (k, v.as_str().to_owned()))
            .collect())
    }

    #[test]
    fn keys_are_flattened_and_checked() {
        let e = yaml_entries("db:\n  password: s3cret\n  port: 5432\nempty: null\nlist: [a, b]\n")
            .unwrap();
        let keys: Vec<&str> = e.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["DB_PASSWORD", "DB_PORT", "LIST_0", "LIST_1"]);
        assert_eq!(e[0].1, "s3cret");

        // Aliases and merge keys give keys like any value.
        let e =
            yaml_entries("pw: &pw s3cret\nbase: &b {port: 1}\napp:\n  password: *pw\n  <<: *b\n")
                .unwrap();
        let keys: Vec<&str> = e.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["PW", "BASE_PORT", "APP_PASSWORD", "APP_PORT"]);
        assert_eq!(e[2].1, "s3cret");

        let err = yaml_entries("\"a b\": x\n").unwrap_err();
        assert!(matches!(err, K8sError::InvalidKey { ref key, .. } if key == "A B"));
    }

    #[test]
    fn render_writes_base64_data() {
        let out = render(
            "prod",
            Some("apps"),
            [("A", b"x\n".as_slice()), ("1.5", b"".as_slice())],
        )
        .unwrap();
        assert_eq!(
            out.as_str(),
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: prod\n  namespace: apps\n\
             type: Opaque\ndata:\n  A: eAo=\n  \"1.5\": \"\"\n"
        );
        let empty = render("x", None, []).unwrap();
        assert!(empty.ends_with("data: {}\n"));
        assert!(matches!(
            render("Bad_Name", None, []),
            Err(K8sError::InvalidName(_))
        ));
        assert!(matches!(
            render("ok", Some("a.b"), []),
            Err(K8sError::InvalidNamespace(_))
        ));
    }
}
