//! Kustomize's generator: `Secret`s and decrypted manifests from encrypted files.
//!
//! GitOps pipelines render manifests with `kustomize build` (Argo CD, Flux's
//! kustomize-controller, a CI job); a generator lets the encrypted files stay in the
//! kustomization as they are in git, with the plaintext going from vaultfile straight into
//! Kustomize's output. The configuration uses KSOPS's field names (viaduct-ai/kustomize-sops:
//! `files`, `secretFrom` with `metadata`, `type`, `files`, `binaryFiles`, `envs`), so that a
//! KSOPS kustomization moves over by changing its `apiVersion`, `kind` and function path;
//! vaultfile reads SOPS files too, so the encrypted files themselves can stay as they are.
//!
//! What differs from KSOPS, on purpose:
//! - Every value goes in `data`, base64 (binary-safe, the form the API server stores), not
//!   `stringData`, as `decrypt --output-type k8s-secret` does ([`super::render`]).
//! - `envs` takes any format vaultfile reads: a dotenv file's names as they are, a YAML, JSON
//!   or TOML file's leaf values flattened as `exec-env` names them (`db.password` →
//!   `DB_PASSWORD`), so a pod sees the variables a local `vaultfile exec-env` gives.
//! - Two sources giving one key is an error that names both, as Kustomize's own
//!   `secretGenerator` does; never a silent "last one wins".
//! - Paths may not leave the kustomization's directory ([`resolve`]).
//!
//! The library does no decryption here: [`Generator::paths`] says which files are needed,
//! the caller decrypts them (with its keys and key services, several at a time), and
//! [`Generator::generate`] turns the plaintexts into objects.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::{Map, Value};
use zeroize::{Zeroize, Zeroizing};

use crate::flatten::FlattenOptions;
use crate::format::view::View;
use crate::format::{self, Format};

use super::K8sError;

/// The generator's `apiVersion`.
pub const API_VERSION: &str = "vaultfile.dev/v1";
/// The generator's `kind`.
pub const KIND: &str = "SecretGenerator";

/// Why a generator cannot run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GeneratorError {
    /// The configuration does not parse, or has a field this version does not know.
    #[error("the generator configuration is not valid: {0}")]
    Config(String),
    /// The configuration is another kind of object.
    #[error("expected apiVersion {API_VERSION} and kind {KIND}, found {api_version} {kind}")]
    WrongKind {
        /// Its `apiVersion`.
        api_version: String,
        /// Its `kind`.
        kind: String,
    },
    /// Neither `files` nor `secretFrom` is given.
    #[error("the generator lists no files: give `files` (encrypted manifests) or `secretFrom`")]
    Empty,
    /// A `secretFrom` entry lists no file.
    #[error("secretFrom '{0}' lists no file: give `files`, `binaryFiles` or `envs`")]
    EmptySecret(String),
    /// A path that is absolute or leads out of the kustomization's directory.
    #[error("'{path}' leads outside the kustomization's directory")]
    OutsideRoot {
        /// The path as written.
        path: String,
        /// The directory.
        root: PathBuf,
    },
    /// A listed file does not exist (or cannot be resolved).
    #[error("{path}: {source}")]
    Missing {
        /// The path as written.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A key given with `KEY=path` or taken from a file name that Kubernetes refuses.
    #[error(
        "'{key}' (from '{entry}') is not a valid Secret key (letters, digits, '-', '_' and \
         '.', at most 253 characters)"
    )]
    InvalidKey {
        /// The entry as written.
        entry: String,
        /// The key.
        key: String,
    },
    /// Two sources give one Secret the same key.
    #[error("Secret '{secret}': the key '{key}' comes from both {first} and {second}")]
    Clash {
        /// The Secret's name.
        secret: String,
        /// The key.
        key: String,
        /// The first source.
        first: String,
        /// The second source.
        second: String,
    },
    /// The values of a file make a key Kubernetes refuses, or two equal keys.
    #[error("{file}: {source}")]
    Values {
        /// The file.
        file: String,
        /// Why.
        #[source]
        source: K8sError,
    },
    /// An `envs` file encrypted whole has no values to list.
    #[error("{0} is encrypted whole (it has no keys): list it under `files` instead of `envs`")]
    NotStructured(String),
    /// A decrypted file does not parse in its format.
    #[error("{file} does not parse as {format} after decryption: {message}")]
    Parse {
        /// The file.
        file: String,
        /// Its format.
        format: Format,
        /// The parser's message (positions only, never text from the file).
        message: String,
    },
    /// A document of a `files` entry is not a Kubernetes object.
    #[error(
        "document {index} of {file} is not a Kubernetes object (a mapping with `apiVersion` \
         and `kind`)"
    )]
    NotManifest {
        /// The file.
        file: String,
        /// Its 1-based position in the file.
        index: usize,
    },
    /// The name, namespace, labels or annotations are not what Kubernetes accepts.
    #[error("secretFrom '{secret}': {message}")]
    Metadata {
        /// The Secret's name.
        secret: String,
        /// What is wrong.
        message: String,
    },
}

/// A `vaultfile.dev/v1` `SecretGenerator`, as written in a kustomization.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Generator {
    api_version: String,
    kind: String,
    /// The generator's own name and the annotations Kustomize adds; not used.
    #[serde(default)]
    #[allow(dead_code)]
    metadata: Option<Value>,
    /// Encrypted Kubernetes manifests, put out decrypted as they are.
    #[serde(default)]
    files: Vec<String>,
    /// Secrets made from encrypted files.
    #[serde(default)]
    secret_from: Vec<SecretFrom>,
}

/// One `Secret` to make.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SecretFrom {
    metadata: ObjectMeta,
    #[serde(default, rename = "type")]
    secret_type: Option<String>,
    /// `[KEY=]path`: the whole decrypted file under one key (the file's name by default).
    #[serde(default)]
    files: Vec<String>,
    /// The same as `files` (KSOPS keeps binary files apart; every value is base64 here).
    #[serde(default)]
    binary_files: Vec<String>,
    /// Files whose values become keys.
    #[serde(default)]
    envs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectMeta {
    name: String,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    labels: Map<String, Value>,
    #[serde(default)]
    annotations: Map<String, Value>,
}

/// A decrypted file, as the caller hands it to [`Generator::generate`].
pub struct Decrypted {
    /// The file's format (from its name, or [`Format::Binary`] for a file encrypted whole).
    pub format: Format,
    /// The plaintext.
    pub plain: Zeroizing<Vec<u8>>,
}

/// Kubernetes objects holding plaintext; their strings are wiped when dropped.
#[derive(Default)]
pub struct Objects(pub Vec<Value>);

impl Drop for Objects {
    fn drop(&mut self) {
        for v in &mut self.0 {
            wipe(v);
        }
    }
}

/// Overwrites every string in `v` (keys too) before it is freed.
pub fn wipe(v: &mut Value) {
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(a) => a.iter_mut().for_each(wipe),
        Value::Object(m) => {
            for (_, v) in m.iter_mut() {
                wipe(v);
            }
            // The keys of decrypted manifests are the documents' own keys; a mapping is
            // emptied rather than rebuilt, as serde_json gives no mutable access to them.
            let keys: Vec<String> = m.keys().cloned().collect();
            for mut k in keys {
                if let Some((mut owned, _)) = m.remove_entry(&k) {
                    owned.zeroize();
                }
                k.zeroize();
            }
        }
        _ => {}
    }
}

/// True when `v` is a vaultfile generator's configuration (its `apiVersion` and `kind`).
pub fn is_generator(v: &Value) -> bool {
    v.get("apiVersion").and_then(Value::as_str) == Some(API_VERSION)
        && v.get("kind").and_then(Value::as_str) == Some(KIND)
}

impl Generator {
    /// Reads a generator's configuration from YAML (the file the legacy exec plugin gets).
    pub fn parse(text: &str) -> Result<Generator, GeneratorError> {
        let value: Value =
            serde_saphyr::from_str(text).map_err(|e| GeneratorError::Config(e.to_string()))?;
        Generator::from_value(value)
    }

    /// Reads a generator's configuration from a parsed object (a ResourceList's item).
    pub fn from_value(value: Value) -> Result<Generator, GeneratorError> {
        if !is_generator(&value) {
            let field = |f: &str| {
                value
                    .get(f)
                    .and_then(Value::as_str)
                    .unwrap_or("(none)")
                    .to_owned()
            };
            return Err(GeneratorError::WrongKind {
                api_version: field("apiVersion"),
                kind: field("kind"),
            });
        }
        let g: Generator =
            serde_json::from_value(value).map_err(|e| GeneratorError::Config(e.to_string()))?;
        debug_assert!(g.api_version == API_VERSION && g.kind == KIND);
        if g.files.is_empty() && g.secret_from.is_empty() {
            return Err(GeneratorError::Empty);
        }
        for s in &g.secret_from {
            if s.files.is_empty() && s.binary_files.is_empty() && s.envs.is_empty() {
                return Err(GeneratorError::EmptySecret(s.metadata.name.clone()));
            }
            s.check_metadata()?;
            for entry in s.files.iter().chain(&s.binary_files) {
                file_key(entry)?;
            }
        }
        Ok(g)
    }

    /// The files to decrypt, each once, in the order they are listed.
    pub fn paths(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        let all = self
            .files
            .iter()
            .map(String::as_str)
            .chain(self.secret_from.iter().flat_map(|s| {
                s.files
                    .iter()
                    .chain(&s.binary_files)
                    .map(|e| file_key(e).map(|(_, p)| p).unwrap_or(e))
                    .chain(s.envs.iter().map(String::as_str))
            }));
        all.filter(|p| seen.insert(*p)).collect()
    }

    /// The objects: the documents of `files`, then one `Secret` per `secretFrom` entry.
    /// `decrypted` holds every path [`Generator::paths`] named.
    pub fn generate(
        &self,
        decrypted: &HashMap<String, Decrypted>,
    ) -> Result<Objects, GeneratorError> {
        let mut out = Objects::default();
        let get = |path: &str| {
            decrypted
                .get(path)
                .expect("the caller decrypts every path the generator names")
        };
        for path in &self.files {
            out.0.append(&mut manifests(path, get(path))?.0);
        }
        for s in &self.secret_from {
            out.0.push(s.secret(get)?);
        }
        Ok(out)
    }
}

impl SecretFrom {
    fn check_metadata(&self) -> Result<(), GeneratorError> {
        let m = &self.metadata;
        let err = |message: String| GeneratorError::Metadata {
            secret: m.name.clone(),
            message,
        };
        super::check_metadata(&m.name, m.namespace.as_deref()).map_err(|e| err(e.to_string()))?;
        for (what, map) in [("label", &m.labels), ("annotation", &m.annotations)] {
            if let Some((k, _)) = map.iter().find(|(_, v)| !v.is_string()) {
                return Err(err(format!(
                    "the {what} '{k}' is not a string: quote its value"
                )));
            }
        }
        Ok(())
    }

    fn secret<'a>(&self, get: impl Fn(&str) -> &'a Decrypted) -> Result<Value, GeneratorError> {
        let name = &self.metadata.name;
        let mut data = Map::new();
        let mut from: HashMap<String, String> = HashMap::new();
        let mut add = |key: String, value: &[u8], source: String| {
            if let Some(first) = from.get(&key) {
                return Err(GeneratorError::Clash {
                    secret: name.clone(),
                    key,
                    first: first.clone(),
                    second: source,
                });
            }
            from.insert(key.clone(), source);
            data.insert(key, Value::String(STANDARD.encode(value)));
            Ok(())
        };
        for entry in self.files.iter().chain(&self.binary_files) {
            let (key, path) = file_key(entry)?;
            add(key, &get(path).plain, path.to_owned())?;
        }
        for path in &self.envs {
            let d = get(path);
            let store = format::store_for(d.format)
                .ok_or_else(|| GeneratorError::NotStructured(path.clone()))?;
            let text = std::str::from_utf8(&d.plain).map_err(|_| GeneratorError::Parse {
                file: path.clone(),
                format: d.format,
                message: "not UTF-8 text".into(),
            })?;
            let view = View::parse(store, text).map_err(|e| GeneratorError::Parse {
                file: path.clone(),
                format: d.format,
                message: e.to_string(),
            })?;
            let entries = super::entries(&view, &FlattenOptions::default()).map_err(|source| {
                GeneratorError::Values {
                    file: path.clone(),
                    source,
                }
            })?;
            for (key, value) in entries {
                add(key, value.as_bytes(), path.clone())?;
            }
        }
        let m = &self.metadata;
        let mut metadata = Map::new();
        metadata.insert("name".into(), Value::String(m.name.clone()));
        if let Some(ns) = &m.namespace {
            metadata.insert("namespace".into(), Value::String(ns.clone()));
        }
        if !m.labels.is_empty() {
            metadata.insert("labels".into(), Value::Object(m.labels.clone()));
        }
        if !m.annotations.is_empty() {
            metadata.insert("annotations".into(), Value::Object(m.annotations.clone()));
        }
        let mut secret = Map::new();
        secret.insert("apiVersion".into(), "v1".into());
        secret.insert("kind".into(), "Secret".into());
        secret.insert("metadata".into(), Value::Object(metadata));
        secret.insert(
            "type".into(),
            Value::String(self.secret_type.clone().unwrap_or_else(|| "Opaque".into())),
        );
        secret.insert("data".into(), Value::Object(data));
        Ok(Value::Object(secret))
    }
}

/// `KEY=path` or `path` (the key is then the file's name), as in Kustomize's
/// `secretGenerator`.
fn file_key(entry: &str) -> Result<(String, &str), GeneratorError> {
    let (key, path) = match entry.split_once('=') {
        Some((k, p)) => (k.to_owned(), p),
        None => (
            Path::new(entry)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            entry,
        ),
    };
    if !super::is_valid_key(&key) {
        return Err(GeneratorError::InvalidKey {
            entry: entry.to_owned(),
            key,
        });
    }
    Ok((key, path))
}

/// The Kubernetes objects in a decrypted YAML or JSON file (a YAML file may hold several
/// documents; empty ones are skipped).
pub fn manifests(path: &str, d: &Decrypted) -> Result<Objects, GeneratorError> {
    let parse_err = |message: String| GeneratorError::Parse {
        file: path.to_owned(),
        format: d.format,
        message,
    };
    let text = std::str::from_utf8(&d.plain).map_err(|_| parse_err("not UTF-8 text".into()))?;
    let docs: Vec<Value> = match d.format {
        Format::Yaml => serde_saphyr::from_multiple(text).map_err(|e| parse_err(yaml_error(&e)))?,
        Format::Json => vec![
            serde_json::from_str(text)
                .map_err(|e| parse_err(format!("line {} column {}", e.line(), e.column())))?,
        ],
        other => {
            return Err(GeneratorError::Parse {
                file: path.to_owned(),
                format: other,
                message: "a manifest must be YAML or JSON".into(),
            });
        }
    };
    let mut out = Objects(docs);
    out.0.retain(|d| !d.is_null());
    for (i, doc) in out.0.iter().enumerate() {
        let has = |f: &str| doc.get(f).is_some_and(Value::is_string);
        if !(doc.is_object() && has("apiVersion") && has("kind")) {
            return Err(GeneratorError::NotManifest {
                file: path.to_owned(),
                index: i + 1,
            });
        }
    }
    Ok(out)
}

/// A YAML parser's error without the text it quotes (which may be a decrypted value).
fn yaml_error(e: &serde_saphyr::Error) -> String {
    match e.location() {
        Some(loc) => format!("line {} column {}", loc.line(), loc.column()),
        None => "invalid YAML".into(),
    }
}

/// Resolves `path`, relative to the kustomization's directory `root`, to a file inside it.
///
/// Kustomize's default (`LoadRestrictionsRootOnly`) keeps a kustomization to its own
/// directory, and a generator keeps to it too: its configuration is text anyone who can open
/// a pull request can change, and in a CI job or an Argo CD repo server that holds a key for
/// many applications, `../other-app/secrets.yaml` would copy another application's secret
/// into a Secret of the attacker's choosing. Symbolic links are followed before the check.
pub fn resolve(root: &Path, path: &str) -> Result<PathBuf, GeneratorError> {
    let outside = || GeneratorError::OutsideRoot {
        path: path.to_owned(),
        root: root.to_owned(),
    };
    let p = Path::new(path);
    if p.is_absolute() || p.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(outside());
    }
    let joined = root.join(p);
    let real = joined
        .canonicalize()
        .map_err(|source| GeneratorError::Missing {
            path: path.to_owned(),
            source,
        })?;
    let real_root = root
        .canonicalize()
        .map_err(|source| GeneratorError::Missing {
            path: root.display().to_string(),
            source,
        })?;
    if !real.starts_with(&real_root) {
        return Err(outside());
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(format: Format, text: &str) -> Decrypted {
        Decrypted {
            format,
            plain: Zeroizing::new(text.as_bytes().to_vec()),
        }
    }

    const CONFIG: &str = "apiVersion: vaultfile.dev/v1
kind: SecretGenerator
metadata:
  name: gen
files:
  - secret.enc.yaml
secretFrom:
  - metadata:
      name: web
      namespace: prod
      labels: {app: web}
      annotations:
        kustomize.config.k8s.io/needs-hash: \"true\"
    files: [tls.key, ca=ca.pem]
    envs: [web.yaml, web.env]
";

    #[test]
    fn config_lists_each_path_once() {
        let g = Generator::parse(CONFIG).unwrap();
        assert_eq!(
            g.paths(),
            [
                "secret.enc.yaml",
                "tls.key",
                "ca.pem",
                "web.yaml",
                "web.env"
            ]
        );
    }

    #[test]
    fn secrets_take_whole_files_and_flattened_values() {
        let g = Generator::parse(CONFIG).unwrap();
        let mut files = HashMap::new();
        files.insert(
            "secret.enc.yaml".into(),
            dec(
                Format::Yaml,
                "apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n",
            ),
        );
        files.insert("tls.key".into(), dec(Format::Binary, "\x00key"));
        files.insert("ca.pem".into(), dec(Format::Binary, "pem"));
        files.insert(
            "web.yaml".into(),
            dec(Format::Yaml, "db:\n  password: s3cret\nnothing: null\n"),
        );
        files.insert("web.env".into(), dec(Format::Dotenv, "API_TOKEN=t0k\n"));
        let out = g.generate(&files).unwrap();
        assert_eq!(out.0.len(), 3);
        assert_eq!(out.0[1]["kind"], "ConfigMap");
        let s = &out.0[2];
        assert_eq!(s["metadata"]["namespace"], "prod");
        assert_eq!(s["metadata"]["labels"]["app"], "web");
        assert_eq!(
            s["metadata"]["annotations"]["kustomize.config.k8s.io/needs-hash"],
            "true"
        );
        assert_eq!(s["type"], "Opaque");
        let data = s["data"].as_object().unwrap();
        let keys: Vec<&str> = data.keys().map(String::as_str).collect();
        assert_eq!(keys, ["tls.key", "ca", "DB_PASSWORD", "API_TOKEN"]);
        assert_eq!(data["tls.key"], STANDARD.encode("\x00key"));
        assert_eq!(data["DB_PASSWORD"], STANDARD.encode("s3cret"));
    }

    #[test]
    fn two_sources_of_one_key_are_refused() {
        let g = Generator::parse(
            "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nsecretFrom:\n  - metadata: {name: s}\n    envs: [a.env, b.env]\n",
        )
        .unwrap();
        let mut files = HashMap::new();
        files.insert("a.env".into(), dec(Format::Dotenv, "X=1\n"));
        files.insert("b.env".into(), dec(Format::Dotenv, "X=2\n"));
        // Without labels or annotations, the Secret has neither field.
        let one = Generator::parse(
            "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nsecretFrom:\n  - metadata: {name: s}\n    envs: [a.env]\n",
        )
        .unwrap();
        let out = one.generate(&files).unwrap();
        let metadata = out.0[0]["metadata"].as_object().unwrap();
        assert_eq!(metadata.keys().collect::<Vec<_>>(), ["name"]);
        let err = g.generate(&files).err().unwrap();
        assert!(
            matches!(err, GeneratorError::Clash { ref key, ref first, ref second, .. }
                if key == "X" && first == "a.env" && second == "b.env"),
            "{err}"
        );
    }

    #[test]
    fn bad_configurations_are_refused() {
        let bad = |text: &str| Generator::parse(text).err().unwrap();
        assert!(matches!(
            bad("apiVersion: viaduct.ai/v1\nkind: ksops\nfiles: [a]\n"),
            GeneratorError::WrongKind { .. }
        ));
        assert!(matches!(
            bad("apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\n"),
            GeneratorError::Empty
        ));
        // A misspelt field is an error, not a generator that silently makes nothing.
        assert!(matches!(
            bad(
                "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nsecretsFrom: []\nfiles: [a]\n"
            ),
            GeneratorError::Config(_)
        ));
        assert!(matches!(
            bad(
                "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nsecretFrom:\n  - metadata: {name: Web}\n    envs: [a]\n"
            ),
            GeneratorError::Metadata { .. }
        ));
        assert!(matches!(
            bad(
                "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nsecretFrom:\n  - metadata: {name: w, labels: {n: 1}}\n    envs: [a]\n"
            ),
            GeneratorError::Metadata { .. }
        ));
        assert!(matches!(
            bad(
                "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nsecretFrom:\n  - metadata: {name: w}\n    files: [\"a b=x\"]\n"
            ),
            GeneratorError::InvalidKey { .. }
        ));
    }

    #[test]
    fn documents_that_are_not_objects_are_refused() {
        let err = manifests(
            "m.yaml",
            &dec(
                Format::Yaml,
                "apiVersion: v1\nkind: Secret\n---\npassword: x\n",
            ),
        )
        .err()
        .unwrap();
        assert!(matches!(err, GeneratorError::NotManifest { index: 2, .. }));
        // Both fields are needed, as strings.
        for doc in [
            "apiVersion: v1\n",
            "kind: Secret\n",
            "apiVersion: v1\nkind: 3\n",
            "[1]\n",
        ] {
            let err = manifests("m.yaml", &dec(Format::Yaml, doc)).err();
            assert!(
                matches!(err, Some(GeneratorError::NotManifest { index: 1, .. })),
                "{doc}"
            );
        }
        // A parse error gives a position, never the decrypted text.
        let err = manifests("m.yaml", &dec(Format::Yaml, "a: [hunter2\n"))
            .err()
            .unwrap();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(err.to_string().contains("line 1 column"), "{err}");
    }

    #[test]
    fn paths_stay_inside_the_kustomization() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("app");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.yaml"), "x").unwrap();
        std::fs::write(dir.path().join("other.yaml"), "x").unwrap();
        assert!(resolve(&root, "a.yaml").is_ok());
        // A path is refused as written, even where it would land inside again: a
        // generator names its files plainly.
        let inside_again = format!("{}", root.join("a.yaml").display());
        for p in [
            "../other.yaml",
            "/etc/passwd",
            "./../other.yaml",
            "../app/a.yaml",
            inside_again.as_str(),
        ] {
            assert!(
                matches!(resolve(&root, p), Err(GeneratorError::OutsideRoot { .. })),
                "{p}"
            );
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("other.yaml"), root.join("link.yaml"))
                .unwrap();
            assert!(matches!(
                resolve(&root, "link.yaml"),
                Err(GeneratorError::OutsideRoot { .. })
            ));
        }
        assert!(matches!(
            resolve(&root, "missing.yaml"),
            Err(GeneratorError::Missing { .. })
        ));
    }

    #[test]
    fn objects_are_wiped() {
        let mut v: Value = serde_json::json!({"data": {"k": "secret"}, "l": ["x"]});
        wipe(&mut v);
        assert_eq!(v, serde_json::json!({}));
        // Strings are overwritten and emptied, in lists too.
        let mut v: Value = serde_json::json!(["secret", ["x"]]);
        wipe(&mut v);
        assert_eq!(v, serde_json::json!(["", [""]]));
    }

    #[test]
    fn only_the_generators_kind_is_a_generator() {
        let v = |api: &str, kind: &str| serde_json::json!({"apiVersion": api, "kind": kind});
        assert!(is_generator(&v(API_VERSION, KIND)));
        assert!(!is_generator(&v(API_VERSION, "ksops")));
        assert!(!is_generator(&v("viaduct.ai/v1", KIND)));
    }
}
