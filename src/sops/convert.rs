//! Moving between SOPS and vaultfile: rules, and `.sops.yaml` to `.vaultfile.yaml`.
//!
//! Values are moved by the CLI with [`super::decrypt`] / [`crate::engine`] on one side and
//! [`crate::engine`] / [`super::encrypt`] on the other. What is here is the mapping of
//! what they do not share: SOPS allows one selection rule and defaults to
//! `unencrypted_suffix: _unencrypted`; vaultfile combines rules and defaults to encrypting
//! everything. SOPS's configuration names PGP and cloud keys; the key services vaultfile
//! has a source for (AWS KMS, Vault transit, GCP KMS, Azure Key Vault) carry over as recipients, the others
//! are noted.

use serde_json::{Map, Value};

use super::metadata::Rule;
use crate::path::RuleSpec;

/// A rule that matches no key: written to SOPS files converted from vaultfile files that
/// set no rule but have keys ending in `_unencrypted`, which SOPS's default rule would
/// otherwise leave in plaintext.
pub const MATCH_NOTHING: &str = r"[^\s\S]";

/// The SOPS rule for a vaultfile rule set. `has_unencrypted_suffix_keys` says whether the
/// file has a key ending in `_unencrypted` (see [`MATCH_NOTHING`]).
pub fn rule_for_sops(
    spec: &RuleSpec,
    has_unencrypted_suffix_keys: bool,
) -> Result<Option<Rule>, SeveralRules> {
    let mut set = Vec::new();
    if let Some(v) = &spec.encrypted_regex {
        set.push(Rule::EncryptedRegex(v.clone()));
    }
    if let Some(v) = &spec.unencrypted_regex {
        set.push(Rule::UnencryptedRegex(v.clone()));
    }
    if let Some(v) = &spec.encrypted_suffix {
        set.push(Rule::EncryptedSuffix(v.clone()));
    }
    if let Some(v) = &spec.unencrypted_suffix {
        set.push(Rule::UnencryptedSuffix(v.clone()));
    }
    match set.len() {
        0 if has_unencrypted_suffix_keys => {
            Ok(Some(Rule::UnencryptedRegex(MATCH_NOTHING.to_owned())))
        }
        0 => Ok(None),
        1 => Ok(set.pop()),
        _ => Err(SeveralRules),
    }
}

/// A vaultfile rule set that combines selection rules, which a SOPS file cannot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the file combines several selection rules; SOPS allows only one per file")]
pub struct SeveralRules;

/// Why a `.sops.yaml` cannot be converted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigConversionError {
    /// The text is not YAML.
    #[error("not valid YAML: {0}")]
    Yaml(#[source] serde_saphyr::Error),
    /// `creation_rules` is there and not a list.
    #[error("creation_rules is not a list")]
    RulesNotAList,
    /// A creation rule (1-based) is not a mapping.
    #[error("creation rule {0} is not a mapping")]
    RuleNotAMapping(usize),
}

/// The result of converting `.sops.yaml`.
#[derive(Debug)]
pub struct ConfigConversion {
    /// The `.vaultfile.yaml` text.
    pub text: String,
    /// What could not be carried over.
    pub notes: Vec<String>,
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| match x {
                Value::String(s) => Some(s.trim().to_owned()),
                Value::Object(o) => o
                    .get("arn")
                    .or_else(|| o.get("resource_id"))
                    .or_else(|| o.get("key_id"))
                    .or_else(|| o.get("vaultUrl"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Adds the key services' keys that `keys` (a creation rule, or one of its key groups)
/// lists to `ids`, or notes those that cannot be carried over.
fn carry_services(
    keys: &Map<String, Value>,
    rule: &Map<String, Value>,
    in_group: bool,
    ids: &mut Vec<String>,
    notes: &mut Vec<String>,
    label: &str,
) {
    for source in crate::keys::SOURCES {
        let Some((rule_field, group_field)) = source.sops_config_fields() else {
            continue;
        };
        let Some(v) = keys.get(if in_group { group_field } else { rule_field }) else {
            continue;
        };
        for r in source.sops_config_recipients(v, rule) {
            match r {
                Ok(id) => ids.push(id),
                Err(e) => notes.push(format!("{label}: {} key left out ({e})", source.name())),
            }
        }
    }
}

const OTHER_KEYS: [(&str, &str); 2] = [("pgp", "PGP keys"), ("hckms", "Huawei Cloud KMS keys")];

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// Converts a `.sops.yaml` to the equivalent `.vaultfile.yaml`, noting what could not be
/// carried over (PGP keys and the cloud keys vaultfile has no source for, comment rules,
/// `destination_rules`, `stores`). A rule left with no recipient is dropped, and noted.
pub fn sops_config_to_vaultfile(text: &str) -> Result<ConfigConversion, ConfigConversionError> {
    let root: Value = serde_saphyr::from_str(text).map_err(ConfigConversionError::Yaml)?;
    let mut notes = Vec::new();
    let rules = match root.get("creation_rules") {
        Some(Value::Array(r)) => r.clone(),
        Some(Value::Null) | None => Vec::new(),
        Some(_) => return Err(ConfigConversionError::RulesNotAList),
    };
    for key in ["destination_rules", "stores"] {
        if root.get(key).is_some() {
            notes.push(format!(
                "`{key}` has no vaultfile equivalent and was not carried over"
            ));
        }
    }
    let mut out = String::from(
        "# Converted from .sops.yaml by `vaultfile convert --to vaultfile`.\ncreation_rules:\n",
    );
    let mut written = 0;
    for (n, rule) in rules.iter().enumerate() {
        let Some(rule) = rule.as_object() else {
            return Err(ConfigConversionError::RuleNotAMapping(n + 1));
        };
        let label = match rule.get("path_regex").and_then(Value::as_str) {
            Some(p) => format!("creation rule {} (path_regex {p})", n + 1),
            None => format!("creation rule {}", n + 1),
        };
        for k in rule.keys() {
            if !matches!(
                k.as_str(),
                "path_regex"
                    | "age"
                    | "pgp"
                    | "kms"
                    | "gcp_kms"
                    | "azure_keyvault"
                    | "hc_vault_transit_uri"
                    | "hckms"
                    | "aws_profile"
                    | "key_groups"
                    | "shamir_threshold"
                    | "unencrypted_suffix"
                    | "encrypted_suffix"
                    | "unencrypted_regex"
                    | "encrypted_regex"
                    | "unencrypted_comment_regex"
                    | "encrypted_comment_regex"
                    | "mac_only_encrypted"
            ) {
                notes.push(format!("{label}: unknown key `{k}` ignored"));
            }
        }
        let mut body = String::new();
        if let Some(p) = rule.get("path_regex").and_then(Value::as_str) {
            body.push_str(&format!("    path_regex: {}\n", quote(p)));
        }
        let groups = match rule.get("key_groups") {
            Some(Value::Array(g)) if !g.is_empty() => Some(g),
            _ => None,
        };
        let mut has_recipients = false;
        if let Some(groups) = groups {
            let mut lists = Vec::new();
            for (gi, g) in groups.iter().enumerate() {
                let mut ids = string_list(g.get("age"));
                if let Some(g) = g.as_object() {
                    carry_services(
                        g,
                        rule,
                        true,
                        &mut ids,
                        &mut notes,
                        &format!("{label}, key group {}", gi + 1),
                    );
                }
                for (k, what) in OTHER_KEYS {
                    let found = string_list(g.get(k));
                    if !found.is_empty() {
                        notes.push(format!(
                            "{label}, key group {}: {what} ({}) cannot be used by vaultfile and were left out",
                            gi + 1,
                            found.join(", ")
                        ));
                    }
                }
                if g.get("merge").is_some() {
                    notes.push(format!(
                        "{label}, key group {}: `merge` was not carried over",
                        gi + 1
                    ));
                }
                if ids.is_empty() {
                    notes.push(format!(
                        "{label}, key group {}: no {} key left; the group was dropped",
                        gi + 1,
                        crate::keys::sops_source_names("or")
                    ));
                } else {
                    lists.push(ids);
                }
            }
            let threshold = rule.get("shamir_threshold").and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            });
            // SOPS's threshold counts the groups as written (absent or 0: all of them).
            // Dropping a group must never lower it: that would let fewer people open the
            // files than `.sops.yaml` demanded. If too few groups are left, the rule is left
            // out and the user decides.
            let needed = threshold
                .filter(|t| *t > 0)
                .map_or(groups.len(), |t| t as usize);
            if lists.len() < groups.len() && needed > lists.len() {
                notes.push(format!(
                    "{label}: {needed} key groups are needed but only {} have a key vaultfile can use, so the rule was left out (lowering the threshold would weaken it); give the other groups an age or SSH key, or write this rule by hand",
                    lists.len()
                ));
                continue;
            }
            if lists.len() == 1 {
                body.push_str(&format!(
                    "    recipients: [{}]\n",
                    lists[0]
                        .iter()
                        .map(|s| quote(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                has_recipients = true;
            } else if lists.len() > 1 {
                body.push_str("    key_groups:\n");
                for l in &lists {
                    body.push_str(&format!(
                        "      - [{}]\n",
                        l.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
                    ));
                }
                if threshold.is_some() || lists.len() < groups.len() {
                    body.push_str(&format!("    threshold: {needed}\n"));
                }
                has_recipients = true;
            }
        } else {
            let mut ids = string_list(rule.get("age"));
            carry_services(rule, rule, false, &mut ids, &mut notes, &label);
            for (k, what) in OTHER_KEYS {
                let found = string_list(rule.get(k));
                if !found.is_empty() {
                    notes.push(format!(
                        "{label}: {what} ({}) cannot be used by vaultfile and were left out",
                        found.join(", ")
                    ));
                }
            }
            if !ids.is_empty() {
                body.push_str(&format!(
                    "    recipients: [{}]\n",
                    ids.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
                ));
                has_recipients = true;
            }
        }
        for key in [
            "unencrypted_suffix",
            "encrypted_suffix",
            "unencrypted_regex",
            "encrypted_regex",
        ] {
            if let Some(v) = rule.get(key).and_then(Value::as_str) {
                body.push_str(&format!("    {key}: {}\n", quote(v)));
            }
        }
        for key in ["unencrypted_comment_regex", "encrypted_comment_regex"] {
            if rule.get(key).is_some() {
                notes.push(format!(
                    "{label}: `{key}` selects values by comment, which vaultfile does not do; not carried over"
                ));
            }
        }
        if rule.get("mac_only_encrypted").is_some() {
            notes.push(format!(
                "{label}: `mac_only_encrypted` dropped (vaultfile's MAC always covers every value)"
            ));
        }
        if !has_recipients {
            notes.push(format!(
                "{label}: no {} key, so the rule was left out; files it matched may now match a later rule",
                crate::keys::sops_source_names("or")
            ));
            continue;
        }
        out.push_str("  - ");
        out.push_str(body.trim_start());
        written += 1;
    }
    if written == 0 {
        out = out.replace("creation_rules:\n", "creation_rules: []\n");
    }
    Ok(ConfigConversion { text: out, notes })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails showing the converted `.vaultfile.yaml` if it lacks `want`.
    #[track_caller]
    fn assert_has(text: &str, want: &str) {
        assert!(text.contains(want), "no {want:?} in\n{text}");
    }

    /// A converted rule's two key groups of one recipient each, both needed.
    fn two_of_two_groups(first: &str, second: &str) -> String {
        format!("key_groups:\n      - [\"{first}\"]\n      - [\"{second}\"]\n    threshold: 2")
    }

    #[test]
    fn converts_rules_and_notes_the_rest() {
        let text = r#"
creation_rules:
  - path_regex: \.dev\.yaml$
    age: age1aaa, age1bbb
    encrypted_regex: ^(data|stringData)$
    mac_only_encrypted: true
  - path_regex: prod/.*
    key_groups:
      - age: [age1ccc]
        pgp: [FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4]
      - age: [age1ddd]
    shamir_threshold: 2
  - pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4
"#;
        let c = sops_config_to_vaultfile(text).unwrap();
        assert!(
            c.text.contains(r#"path_regex: "\\.dev\\.yaml$""#),
            "{}",
            c.text
        );
        assert!(c.text.contains(r#"recipients: ["age1aaa", "age1bbb"]"#));
        assert!(c.text.contains(r#"encrypted_regex: "^(data|stringData)$""#));
        assert_has(&c.text, &two_of_two_groups("age1ccc", "age1ddd"));
        let notes = c.notes.join("\n");
        assert!(notes.contains("mac_only_encrypted"));
        assert!(notes.contains("PGP keys (FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4)"));
        assert!(notes.contains(
            "creation rule 3: no age, age plugin, SSH, AWS KMS, Vault transit, GCP KMS or Azure Key Vault key"
        ));
    }

    #[cfg(feature = "vault")]
    #[test]
    fn vault_transit_keys_are_carried_over() {
        let text = r#"
creation_rules:
  - path_regex: prod/
    hc_vault_transit_uri: "https://vault.example.com:8200/v1/sops/keys/prod,http://127.0.0.1:8200/v1/team/transit/keys/app"
  - path_regex: groups/
    key_groups:
      - hc_vault: [https://vault.example.com:8200/v1/transit/keys/one]
      - age: [age1ddd]
    shamir_threshold: 2
  - path_regex: bad/
    hc_vault_transit_uri: https://vault.example.com:8200/transit/keys/no-api-path
"#;
        let c = sops_config_to_vaultfile(text).unwrap();
        let transit = crate::keys::examples::transit;
        assert_has(
            &c.text,
            &format!(
                r#"recipients: ["{}", "{}"]"#,
                transit("https://vault.example.com:8200/sops/keys/prod"),
                transit("http://127.0.0.1:8200/team/transit/keys/app")
            ),
        );
        assert_has(
            &c.text,
            &two_of_two_groups(
                &transit("https://vault.example.com:8200/transit/keys/one"),
                "age1ddd",
            ),
        );
        let notes = c.notes.join("\n");
        assert!(
            notes.contains("creation rule 3 (path_regex bad/): Vault transit key left out"),
            "{notes}"
        );
    }

    #[cfg(feature = "gcp-kms")]
    #[test]
    fn gcp_kms_keys_are_carried_over() {
        use crate::keys::examples::{gcp_key, gcp_resource};
        let text = format!(
            r#"
creation_rules:
  - path_regex: prod/
    gcp_kms: {a}, {b}
  - path_regex: groups/
    key_groups:
      - gcp_kms:
          - resource_id: {c}
      - age: [age1ddd]
    shamir_threshold: 2
  - path_regex: bad/
    gcp_kms: projects/p/keyRings/r
"#,
            a = gcp_resource("my-project", "a"),
            b = gcp_resource("my-project", "b"),
            c = gcp_resource("my-project", "c"),
        );
        let c = sops_config_to_vaultfile(&text).unwrap();
        assert_has(
            &c.text,
            &format!(
                r#"recipients: ["{}", "{}"]"#,
                gcp_key("my-project", "a"),
                gcp_key("my-project", "b")
            ),
        );
        assert_has(
            &c.text,
            &two_of_two_groups(&gcp_key("my-project", "c"), "age1ddd"),
        );
        let notes = c.notes.join("\n");
        assert!(
            notes.contains("creation rule 3 (path_regex bad/): GCP KMS key left out (projects/p/keyRings/r: expected projects/"),
            "{notes}"
        );
        assert!(!notes.contains("cannot be used by vaultfile"), "{notes}");
    }

    /// Without the feature, a `.sops.yaml`'s GCP keys are noted as left out, with the
    /// reason, not dropped unsaid.
    #[cfg(not(feature = "gcp-kms"))]
    #[test]
    fn gcp_kms_keys_without_the_feature_are_noted() {
        let text = format!(
            "creation_rules:\n  - gcp_kms: {}\n    age: age1aaa\n",
            crate::keys::examples::gcp_resource("my-project", "a")
        );
        let c = sops_config_to_vaultfile(&text).unwrap();
        let notes = c.notes.join("\n");
        assert!(
            notes.contains(
                "GCP KMS key left out (this vaultfile was built without the gcp-kms feature)"
            ),
            "{notes}"
        );
    }

    #[cfg(feature = "azure-kv")]
    #[test]
    fn azure_keyvault_keys_are_carried_over() {
        use crate::keys::examples::{azure_key, azure_url};
        let v = "0123456789abcdef0123456789abcdef";
        let text = format!(
            r#"
creation_rules:
  - path_regex: prod/
    azure_keyvault: {a}/{v},{b}
  - path_regex: groups/
    key_groups:
      - azure_keyvault:
          - vaultUrl: https://my-vault.vault.azure.net
            key: c
            version: ""
      - age: [age1ddd]
    shamir_threshold: 2
  - path_regex: bad/
    azure_keyvault: https://evil.example/keys/x
"#,
            a = azure_url("my-vault", "a"),
            b = azure_url("my-vault", "b"),
        );
        let c = sops_config_to_vaultfile(&text).unwrap();
        assert_has(
            &c.text,
            &format!(
                r#"recipients: ["{}/{v}", "{}"]"#,
                azure_key("my-vault", "a"),
                azure_key("my-vault", "b")
            ),
        );
        assert_has(
            &c.text,
            &two_of_two_groups(&azure_key("my-vault", "c"), "age1ddd"),
        );
        let notes = c.notes.join("\n");
        assert!(
            notes.contains("creation rule 3 (path_regex bad/): Azure Key Vault key left out (https://evil.example/keys/x: 'evil.example' is not an Azure Key Vault host"),
            "{notes}"
        );
        assert!(!notes.contains("cannot be used by vaultfile"), "{notes}");
    }

    /// Without the feature, a `.sops.yaml`'s Azure keys are noted as left out, with the
    /// reason, not dropped unsaid.
    #[cfg(not(feature = "azure-kv"))]
    #[test]
    fn azure_keyvault_keys_without_the_feature_are_noted() {
        let text = format!(
            "creation_rules:\n  - azure_keyvault: {}\n    age: age1aaa\n",
            crate::keys::examples::azure_url("my-vault", "a")
        );
        let c = sops_config_to_vaultfile(&text).unwrap();
        let notes = c.notes.join("\n");
        assert!(
            notes.contains(
                "Azure Key Vault key left out (this vaultfile was built without the azure-kv feature)"
            ),
            "{notes}"
        );
    }

    #[test]
    fn a_dropped_key_group_never_lowers_the_threshold() {
        let text = r#"
creation_rules:
  - path_regex: two-of-two/
    key_groups:
      - age: [age1aaa]
      - pgp: [FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4]
    shamir_threshold: 2
  - path_regex: all-of-two/
    key_groups:
      - age: [age1bbb]
      - pgp: [FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4]
  - path_regex: two-of-three/
    key_groups:
      - age: [age1ccc]
      - age: [age1ddd]
      - pgp: [FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4]
    shamir_threshold: 2
"#;
        let c = sops_config_to_vaultfile(text).unwrap();
        // 2 of 2 with one group unusable: one person alone must not become enough.
        assert!(!c.text.contains("age1aaa"), "{}", c.text);
        assert!(!c.text.contains("age1bbb"), "{}", c.text);
        let notes = c.notes.join("\n");
        assert!(
            notes.contains(
                "creation rule 1 (path_regex two-of-two/): 2 key groups are needed but only 1"
            ),
            "{notes}"
        );
        assert!(
            notes.contains("creation rule 2 (path_regex all-of-two/): 2 key groups are needed")
        );
        // 2 of 3 with one unusable: still 2 of the 2 left.
        assert_has(&c.text, &two_of_two_groups("age1ccc", "age1ddd"));
    }

    #[cfg(feature = "aws-kms")]
    #[test]
    fn kms_keys_are_carried_over() {
        use crate::keys::examples::{kms_arn, role_arn};
        let text = format!(
            r#"
creation_rules:
  - path_regex: prod/
    kms: {a},{b}+{role}
    aws_profile: ops
  - key_groups:
      - kms:
          - arn: {c}
            context: {{env: prod}}
      - age: [age1ddd]
    shamir_threshold: 2
"#,
            a = kms_arn("us-east-1", "key/a"),
            b = kms_arn("eu-west-1", "alias/b"),
            c = kms_arn("us-east-1", "key/c"),
            role = role_arn("r"),
        );
        let c = sops_config_to_vaultfile(&text).unwrap();
        assert_has(
            &c.text,
            &format!(
                r#"recipients: ["{}+profile=ops", "{}+role={}+profile=ops"]"#,
                kms_arn("us-east-1", "key/a"),
                kms_arn("eu-west-1", "alias/b"),
                role_arn("r")
            ),
        );
        assert_has(
            &c.text,
            &two_of_two_groups(
                &format!("{}+context=env=prod", kms_arn("us-east-1", "key/c")),
                "age1ddd",
            ),
        );
        assert!(c.notes.is_empty(), "{:?}", c.notes);
    }

    #[test]
    fn rules_for_sops() {
        let mut s = RuleSpec::default();
        assert_eq!(rule_for_sops(&s, false).unwrap(), None);
        assert_eq!(
            rule_for_sops(&s, true).unwrap(),
            Some(Rule::UnencryptedRegex(MATCH_NOTHING.into()))
        );
        s.encrypted_regex = Some("^a$".into());
        assert_eq!(
            rule_for_sops(&s, true).unwrap(),
            Some(Rule::EncryptedRegex("^a$".into()))
        );
        s.unencrypted_suffix = Some("_x".into());
        assert!(rule_for_sops(&s, false).is_err());
    }
}
