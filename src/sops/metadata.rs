//! The `sops` metadata block: reading it from any store's layout, and writing it.
//!
//! Readers accept every layout SOPS has written (getsops/sops): any key order;
//! `null`, `[]` or absent key lists (files from SOPS ≤ 3.9); numbers and booleans given as
//! strings (dotenv and INI store everything as strings, and SOPS decodes them weakly);
//! either the flat per-type key lists (one key group) or `key_groups` with
//! `shamir_threshold`. Writers produce SOPS 3.13's layout: keys sorted, empty lists left out.

use serde_json::{Map, Value};

/// The SOPS release whose metadata layout vaultfile writes; `version` must be semver, and
/// SOPS compares it with 3.3.0 on every decrypt.
pub const WRITTEN_VERSION: &str = "3.13.2";

/// One master key holding the data key (or, with several key groups, one Shamir share).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MasterKey {
    /// age (X25519, SSH, plugin): `enc` is an ASCII-armored age file.
    Age {
        /// The recipient (`age1…`, `ssh-ed25519 …`).
        recipient: String,
        /// The armored age file.
        enc: String,
    },
    /// PGP: `enc` is an armored PGP message.
    Pgp {
        /// The key's fingerprint.
        fp: String,
        /// When it was wrapped.
        created_at: String,
        /// The armored PGP message.
        enc: String,
    },
    /// A key held by a key service: AWS KMS, Vault transit, GCP KMS and Azure Key Vault
    /// (which vaultfile opens, with the `aws-kms`, `vault`, `gcp-kms` and `azure-kv`
    /// features), Huawei Cloud KMS.
    Other {
        /// The metadata list it came from (`kms`, `gcp_kms`, …).
        kind: &'static str,
        /// What identifies the key (an ARN, a resource id, a URL…).
        id: String,
        /// The entry as written (for AWS KMS: `arn`, `role`, `context`, `aws_profile`,
        /// `created_at`, `enc`); written back as it is.
        entry: Map<String, Value>,
    },
}

impl MasterKey {
    /// Names the key for messages.
    pub fn describe(&self) -> String {
        match self {
            MasterKey::Age { recipient, .. } => format!("age {recipient}"),
            MasterKey::Pgp { fp, .. } => format!("pgp {fp}"),
            MasterKey::Other { kind, id, .. } => format!("{} {id}", other_name(kind)),
        }
    }
}

impl MasterKey {
    /// The vaultfile recipient string that encrypts to the same key, if vaultfile can: the
    /// age or SSH recipient, or the recipient of the key service whose entries these are
    /// ([`crate::keys::KeySource::sops_recipient`]). `None` for PGP and the key services
    /// vaultfile has no source for.
    pub fn vaultfile_recipient(&self) -> Option<String> {
        match self {
            MasterKey::Age { recipient, .. } => Some(recipient.clone()),
            MasterKey::Pgp { .. } => None,
            MasterKey::Other { kind, id, entry } => {
                crate::keys::source_of_sops_kind(kind)?.sops_recipient(id, entry)
            }
        }
    }
}

fn other_name(kind: &str) -> &'static str {
    match kind {
        "kms" => "AWS KMS key",
        "gcp_kms" => "GCP KMS key",
        "azure_kv" => "Azure Key Vault key",
        "hc_vault" => "HashiCorp Vault transit key",
        _ => "Huawei Cloud KMS key",
    }
}

/// The selection rule of a SOPS file (at most one is set; none means
/// `unencrypted_suffix: _unencrypted`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// `unencrypted_suffix`.
    UnencryptedSuffix(String),
    /// `encrypted_suffix`.
    EncryptedSuffix(String),
    /// `unencrypted_regex`.
    UnencryptedRegex(String),
    /// `encrypted_regex`.
    EncryptedRegex(String),
    /// `unencrypted_comment_regex`.
    UnencryptedCommentRegex(String),
    /// `encrypted_comment_regex`.
    EncryptedCommentRegex(String),
}

impl Rule {
    /// The metadata key and its value.
    pub fn entry(&self) -> (&'static str, &str) {
        match self {
            Rule::UnencryptedSuffix(s) => ("unencrypted_suffix", s),
            Rule::EncryptedSuffix(s) => ("encrypted_suffix", s),
            Rule::UnencryptedRegex(s) => ("unencrypted_regex", s),
            Rule::EncryptedRegex(s) => ("encrypted_regex", s),
            Rule::UnencryptedCommentRegex(s) => ("unencrypted_comment_regex", s),
            Rule::EncryptedCommentRegex(s) => ("encrypted_comment_regex", s),
        }
    }

    /// The equivalent key-based rule for vaultfile's rule engine; `None` for the comment
    /// rules, which select by comment rather than by key.
    pub fn to_spec(&self) -> Option<crate::path::RuleSpec> {
        let mut s = crate::path::RuleSpec::default();
        match self {
            Rule::UnencryptedSuffix(v) => s.unencrypted_suffix = Some(v.clone()),
            Rule::EncryptedSuffix(v) => s.encrypted_suffix = Some(v.clone()),
            Rule::UnencryptedRegex(v) => s.unencrypted_regex = Some(v.clone()),
            Rule::EncryptedRegex(v) => s.encrypted_regex = Some(v.clone()),
            Rule::UnencryptedCommentRegex(_) | Rule::EncryptedCommentRegex(_) => return None,
        }
        Some(s)
    }
}

/// The parsed `sops` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// The key groups; one group when the file uses the flat lists.
    pub key_groups: Vec<Vec<MasterKey>>,
    /// How many groups are needed (0: all).
    pub shamir_threshold: usize,
    /// `lastmodified`, exactly as written (the MAC's associated data after normalisation).
    pub lastmodified: String,
    /// The encrypted MAC, if any.
    pub mac: Option<String>,
    /// The SOPS version that wrote the file.
    pub version: String,
    /// The selection rule.
    pub rule: Rule,
    /// Whether only encrypted values are in the MAC.
    pub mac_only_encrypted: bool,
}

/// Why a `sops` metadata block cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MetadataError {
    /// The block is not a mapping.
    #[error("the sops metadata is not a mapping")]
    NotAMapping,
    /// A key list (`age`, `kms`…) is not a list.
    #[error("'{0}' is not a list")]
    NotAList(&'static str),
    /// An entry of a key list is not a mapping.
    #[error("{kind}[{index}] is not a mapping")]
    EntryNotAMapping {
        /// The key list.
        kind: &'static str,
        /// The entry's index in it.
        index: usize,
    },
    /// An entry of a key list lacks a field it needs.
    #[error("{kind}[{index}] has no '{field}'")]
    MissingField {
        /// The key list.
        kind: &'static str,
        /// The entry's index in it.
        index: usize,
        /// The missing field.
        field: String,
    },
    /// An entry of `key_groups` is not a mapping.
    #[error("a key group is not a mapping")]
    GroupNotAMapping,
    /// No key list holds a key.
    #[error("no keys found in the sops metadata")]
    NoKeys,
    /// `shamir_threshold` is not a number.
    #[error("shamir_threshold '{0}' is not a number")]
    BadThreshold(String),
    /// `lastmodified` is missing.
    #[error("the sops metadata has no lastmodified")]
    NoLastModified,
    /// `lastmodified` is not an RFC 3339 time (it is the MAC's associated data).
    #[error("lastmodified '{0}' is not an RFC 3339 time")]
    BadLastModified(String),
    /// `version` is missing.
    #[error("the sops metadata has no version")]
    NoVersion,
    /// `mac_only_encrypted` is not a boolean.
    #[error("mac_only_encrypted '{0}' is not a boolean")]
    BadMacOnlyEncrypted(String),
    /// More than one selection rule.
    #[error(
        "more than one of the encrypted/unencrypted suffix and regex rules is set (SOPS allows one)"
    )]
    SeveralRules,
    /// The selection rule does not compile.
    #[error("{0}")]
    Rule(#[from] crate::path::RuleError),
}

const KEY_LISTS: [&str; 7] = [
    "age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "hckms",
];

fn group_from(m: &Map<String, Value>) -> Result<Vec<MasterKey>, MetadataError> {
    let mut keys = Vec::new();
    for kind in KEY_LISTS {
        let list = match m.get(kind) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(a)) => a,
            Some(_) => return Err(MetadataError::NotAList(kind)),
        };
        for (i, entry) in list.iter().enumerate() {
            let e = entry
                .as_object()
                .ok_or(MetadataError::EntryNotAMapping { kind, index: i })?;
            let need = |field: &str| {
                crate::keys::sops_string(e, field).ok_or_else(|| MetadataError::MissingField {
                    kind,
                    index: i,
                    field: field.to_owned(),
                })
            };
            keys.push(match kind {
                "age" => MasterKey::Age {
                    recipient: need("recipient")?,
                    enc: need("enc")?,
                },
                "pgp" => MasterKey::Pgp {
                    fp: need("fp")?,
                    created_at: crate::keys::sops_string(e, "created_at").unwrap_or_default(),
                    enc: need("enc")?,
                },
                "kms" => MasterKey::Other {
                    kind: "kms",
                    id: need("arn")?,
                    entry: e.clone(),
                },
                "gcp_kms" => MasterKey::Other {
                    kind: "gcp_kms",
                    id: need("resource_id")?,
                    entry: e.clone(),
                },
                "azure_kv" => MasterKey::Other {
                    kind: "azure_kv",
                    id: format!(
                        "{}/keys/{}/{}",
                        need("vault_url")?,
                        need("name")?,
                        crate::keys::sops_string(e, "version").unwrap_or_default()
                    ),
                    entry: e.clone(),
                },
                "hc_vault" => MasterKey::Other {
                    kind: "hc_vault",
                    id: format!(
                        "{}/v1/{}/keys/{}",
                        need("vault_address")?,
                        need("engine_path")?,
                        need("key_name")?
                    ),
                    entry: e.clone(),
                },
                _ => MasterKey::Other {
                    kind: "hckms",
                    id: need("key_id")?,
                    entry: e.clone(),
                },
            });
        }
    }
    Ok(keys)
}

impl Metadata {
    /// Reads the metadata from its generic tree (as any store gives it).
    pub fn from_value(v: &Value) -> Result<Metadata, MetadataError> {
        let m = v.as_object().ok_or(MetadataError::NotAMapping)?;
        let flat = group_from(m)?;
        let key_groups = if !flat.is_empty() {
            // Top-level key lists take precedence over key_groups (SOPS stores.go).
            vec![flat]
        } else {
            match m.get("key_groups") {
                Some(Value::Array(groups)) => groups
                    .iter()
                    .map(|g| {
                        g.as_object()
                            .ok_or(MetadataError::GroupNotAMapping)
                            .and_then(group_from)
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                _ => Vec::new(),
            }
        };
        if key_groups.iter().all(Vec::is_empty) {
            return Err(MetadataError::NoKeys);
        }
        let shamir_threshold = match crate::keys::sops_string(m, "shamir_threshold") {
            None => 0,
            Some(s) => s
                .parse::<usize>()
                .map_err(|_| MetadataError::BadThreshold(s))?,
        };
        let lastmodified =
            crate::keys::sops_string(m, "lastmodified").ok_or(MetadataError::NoLastModified)?;
        let version = crate::keys::sops_string(m, "version").ok_or(MetadataError::NoVersion)?;
        let mac = crate::keys::sops_string(m, "mac").filter(|s| !s.is_empty());
        let mac_only_encrypted = match crate::keys::sops_string(m, "mac_only_encrypted").as_deref()
        {
            None => false,
            Some(s) => super::value::parse_bool(s)
                .ok_or_else(|| MetadataError::BadMacOnlyEncrypted(s.to_owned()))?,
        };
        let mut rules = Vec::new();
        for (key, make) in [
            (
                "unencrypted_suffix",
                Rule::UnencryptedSuffix as fn(String) -> Rule,
            ),
            ("encrypted_suffix", Rule::EncryptedSuffix),
            ("unencrypted_regex", Rule::UnencryptedRegex),
            ("encrypted_regex", Rule::EncryptedRegex),
            ("unencrypted_comment_regex", Rule::UnencryptedCommentRegex),
            ("encrypted_comment_regex", Rule::EncryptedCommentRegex),
        ] {
            if let Some(s) = crate::keys::sops_string(m, key).filter(|s| !s.is_empty()) {
                rules.push(make(s));
            }
        }
        if rules.len() > 1 {
            return Err(MetadataError::SeveralRules);
        }
        let rule = rules
            .pop()
            .unwrap_or_else(|| Rule::UnencryptedSuffix("_unencrypted".into()));
        Ok(Metadata {
            key_groups,
            shamir_threshold,
            lastmodified,
            mac,
            version,
            rule,
            mac_only_encrypted,
        })
    }

    /// The MAC's associated data: `lastmodified` parsed and re-formatted as Go's
    /// `time.RFC3339` does (fractional seconds dropped, the offset kept, `Z` for UTC).
    pub fn mac_aad(&self) -> Result<String, MetadataError> {
        normalise_rfc3339(&self.lastmodified)
            .ok_or_else(|| MetadataError::BadLastModified(self.lastmodified.clone()))
    }

    /// Every master key, for messages.
    pub fn describe_keys(&self) -> Vec<String> {
        self.key_groups
            .iter()
            .enumerate()
            .flat_map(|(g, keys)| {
                let many = self.key_groups.len() > 1;
                keys.iter().map(move |k| {
                    if many {
                        format!("{} (key group {})", k.describe(), g + 1)
                    } else {
                        k.describe()
                    }
                })
            })
            .collect()
    }

    /// Builds the metadata tree in SOPS 3.13's layout (keys sorted, empty lists omitted;
    /// one group written flat, several under `key_groups`).
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        let group_value = |keys: &[MasterKey], in_group: bool| {
            let mut g = Map::new();
            let age: Vec<Value> = keys
                .iter()
                .filter_map(|k| match k {
                    MasterKey::Age { recipient, enc } => Some(serde_json::json!({
                        "recipient": recipient, "enc": enc
                    })),
                    _ => None,
                })
                .collect();
            let pgp: Vec<Value> = keys
                .iter()
                .filter_map(|k| match k {
                    MasterKey::Pgp {
                        fp,
                        created_at,
                        enc,
                    } => Some(serde_json::json!({
                        "created_at": created_at, "enc": enc, "fp": fp
                    })),
                    _ => None,
                })
                .collect();
            // Key services' entries as they were read, by list (`kms`, `gcp_kms`, …).
            let mut others: Map<String, Value> = Map::new();
            for k in keys {
                if let MasterKey::Other { kind, entry, .. } = k {
                    match others
                        .entry(kind.to_string())
                        .or_insert_with(|| Value::Array(Vec::new()))
                    {
                        Value::Array(a) => a.push(Value::Object(entry.clone())),
                        _ => unreachable!("only lists are inserted"),
                    }
                }
            }
            if !age.is_empty() || in_group {
                g.insert("age".into(), Value::Array(age));
            }
            g.extend(others);
            if !pgp.is_empty() {
                g.insert("pgp".into(), Value::Array(pgp));
            }
            g
        };
        if self.key_groups.len() > 1 {
            let groups = self
                .key_groups
                .iter()
                .map(|g| Value::Object(group_value(g, true)))
                .collect();
            m.insert("key_groups".into(), Value::Array(groups));
        } else if let Some(g) = self.key_groups.first() {
            m.extend(group_value(g, false));
        }
        m.insert(
            "lastmodified".into(),
            Value::String(self.lastmodified.clone()),
        );
        m.insert(
            "mac".into(),
            Value::String(self.mac.clone().unwrap_or_default()),
        );
        if self.mac_only_encrypted {
            m.insert("mac_only_encrypted".into(), Value::Bool(true));
        }
        if self.key_groups.len() > 1 {
            m.insert(
                "shamir_threshold".into(),
                Value::Number(self.shamir_threshold.into()),
            );
        }
        let (rk, rv) = self.rule.entry();
        m.insert(rk.into(), Value::String(rv.to_owned()));
        m.insert("version".into(), Value::String(self.version.clone()));
        sort(Value::Object(m))
    }
}

/// Sorts every mapping's keys (SOPS 3.13's `goToSops` does).
fn sort(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sort(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sort).collect()),
        other => other,
    }
}

/// Go's `time.Parse(time.RFC3339, s)` then `Format(time.RFC3339)`.
pub fn normalise_rfc3339(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|_| &s[r])
    };
    let date = format!("{}-{}-{}", digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't'))
    {
        return None;
    }
    let time = format!(
        "{}:{}:{}",
        digits(11..13)?,
        digits(14..16)?,
        digits(17..19)?
    );
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let zone = match rest {
        "Z" | "z" => "Z".to_owned(),
        _ => {
            let zb = rest.as_bytes();
            if zb.len() != 6
                || !matches!(zb[0], b'+' | b'-')
                || zb[3] != b':'
                || !rest[1..3]
                    .bytes()
                    .chain(rest[4..6].bytes())
                    .all(|c| c.is_ascii_digit())
            {
                return None;
            }
            if &rest[1..] == "00:00" {
                "Z".to_owned()
            } else {
                rest.to_owned()
            }
        }
    };
    Some(format!("{date}T{time}{zone}"))
}

/// Rebuilds the nested metadata tree from SOPS's flattened keys (dotenv `sops_…` lines,
/// the INI `[sops]` section): `a__map_b` is `{a: {b: …}}` and `a__list_0` is `{a: [ … ]}`.
/// Values get their newlines back (`\n` was written for each).
pub fn unflatten(entries: &[(String, String)]) -> Value {
    let mut root = Value::Object(Map::new());
    for (key, value) in entries {
        let value = Value::String(value.replace("\\n", "\n"));
        let mut parts: Vec<Step> = Vec::new();
        let mut rest = key.as_str();
        let first_end = rest.find("__").unwrap_or(rest.len());
        parts.push(Step::Key(rest[..first_end].to_owned()));
        rest = &rest[first_end..];
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("__map_") {
                let end = r
                    .find("__map_")
                    .into_iter()
                    .chain(r.find("__list_"))
                    .min()
                    .unwrap_or(r.len());
                parts.push(Step::Key(r[..end].to_owned()));
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix("__list_") {
                let end = r.find("__").unwrap_or(r.len());
                match r[..end].parse::<usize>() {
                    Ok(i) => parts.push(Step::Index(i)),
                    Err(_) => parts.push(Step::Key(format!("__list_{}", &r[..end]))),
                }
                rest = &r[end..];
            } else {
                // A double underscore that is not a flattening marker is part of the key.
                let end = rest[2..].find("__").map_or(rest.len(), |i| i + 2);
                if let Some(Step::Key(k)) = parts.last_mut() {
                    k.push_str(&rest[..end]);
                }
                rest = &rest[end..];
            }
        }
        let mut cur = &mut root;
        for step in parts {
            cur = match step {
                Step::Key(k) => {
                    if !cur.is_object() {
                        *cur = Value::Object(Map::new());
                    }
                    cur.as_object_mut()
                        .expect("object")
                        .entry(k)
                        .or_insert(Value::Null)
                }
                Step::Index(i) => {
                    if !cur.is_array() {
                        *cur = Value::Array(Vec::new());
                    }
                    let a = cur.as_array_mut().expect("array");
                    if a.len() <= i {
                        a.resize(i + 1, Value::Null);
                    }
                    &mut a[i]
                }
            };
        }
        *cur = value;
    }
    root
}

enum Step {
    Key(String),
    Index(usize),
}

/// Flattens the metadata tree for dotenv and INI: the inverse of [`unflatten`], with
/// newlines written as `\n`. Booleans and numbers become their text.
pub fn flatten(v: &Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}__map_{k}")
                    };
                    walk(&p, child, out);
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    walk(&format!("{prefix}__list_{i}"), child, out);
                }
            }
            Value::String(s) => out.push((prefix.to_owned(), s.replace('\n', "\\n"))),
            Value::Bool(b) => out.push((prefix.to_owned(), b.to_string())),
            Value::Number(n) => out.push((prefix.to_owned(), n.to_string())),
            Value::Null => {}
        }
    }
    let mut out = Vec::new();
    walk("", v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_as_go_formats_it() {
        assert_eq!(
            normalise_rfc3339("2022-03-15T22:11:15Z").unwrap(),
            "2022-03-15T22:11:15Z"
        );
        assert_eq!(
            normalise_rfc3339("2022-03-15T22:11:15.123Z").unwrap(),
            "2022-03-15T22:11:15Z"
        );
        assert_eq!(
            normalise_rfc3339("2022-03-15T22:11:15+02:00").unwrap(),
            "2022-03-15T22:11:15+02:00"
        );
        assert!(normalise_rfc3339("2022-03-15 22:11:15").is_none());
    }

    #[test]
    fn flatten_round_trip() {
        let v = serde_json::json!({
            "age": [{"enc": "a\nb\n", "recipient": "age1x"}],
            "lastmodified": "t",
            "mac_only_encrypted": true,
            "version": "3.13.2"
        });
        let flat = flatten(&v);
        assert!(flat.contains(&("age__list_0__map_enc".into(), "a\\nb\\n".into())));
        let back = unflatten(&flat);
        assert_eq!(back["age"][0]["enc"], "a\nb\n");
        assert_eq!(back["mac_only_encrypted"], "true");
        let m = Metadata::from_value(&back).unwrap();
        assert!(m.mac_only_encrypted);
        assert_eq!(m.rule, Rule::UnencryptedSuffix("_unencrypted".into()));
    }

    #[test]
    fn groups_and_old_layouts() {
        let v = serde_json::json!({
            "kms": null, "gcp_kms": [], "lastmodified": "2020-01-01T00:00:00Z", "version": "3.5.0",
            "key_groups": [
                {"age": [{"recipient": "age1a", "enc": "x"}], "hc_vault": []},
                {"pgp": [{"fp": "F", "created_at": "c", "enc": "y"}], "kms": [{"arn": "K1"}]}
            ],
            "shamir_threshold": "2",
            "encrypted_regex": "^data$"
        });
        let m = Metadata::from_value(&v).unwrap();
        assert_eq!(m.key_groups.len(), 2);
        assert_eq!(m.shamir_threshold, 2);
        assert_eq!(m.rule, Rule::EncryptedRegex("^data$".into()));
        assert!(m.describe_keys()[2].contains("AWS KMS key K1"));
        let again = Metadata::from_value(&m.to_value()).unwrap();
        assert_eq!(again.key_groups[0], m.key_groups[0]);
        assert!(
            Metadata::from_value(&serde_json::json!({"lastmodified": "x", "version": "1"}))
                .is_err()
        );
    }
}
