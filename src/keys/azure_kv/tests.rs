//! Recipient parsing, the vault host allow-list, Key Vault's answers, and the SOPS mapping.

use super::*;
use crate::keys::KeySource as _;

const KEY: &str = "azkv:https://my-vault.vault.azure.net/keys/app-key";
const VERSION: &str = "0123456789abcdef0123456789ABCDEF";

#[test]
fn parses_key_urls() {
    let s = KeySpec::parse(KEY).unwrap();
    assert_eq!(
        (
            s.host.as_str(),
            s.suffix,
            s.name.as_str(),
            s.version.as_deref()
        ),
        (
            "my-vault.vault.azure.net",
            "vault.azure.net",
            "app-key",
            None
        )
    );
    assert_eq!(s.id(), KEY);
    assert_eq!(s.vault_url(), "https://my-vault.vault.azure.net");
    assert_eq!(s.resource(), "https://vault.azure.net");
    let pinned = KeySpec::parse(&format!("{KEY}/{VERSION}")).unwrap();
    assert_eq!(pinned.version.as_deref(), Some(VERSION));
    assert_eq!(pinned.id(), format!("{KEY}/{VERSION}"));
    // A final `/` (SOPS allows it), blanks, and an upper-case host, written back canonical.
    for (text, id) in [
        (format!("{KEY}/"), KEY.to_owned()),
        (format!("  {KEY}  "), KEY.to_owned()),
        (
            "azkv:https://My-Vault.Vault.Azure.NET/keys/App".to_owned(),
            "azkv:https://my-vault.vault.azure.net/keys/App".to_owned(),
        ),
    ] {
        assert_eq!(KeySpec::parse(&text).unwrap().id(), id, "{text}");
    }
}

#[test]
fn each_cloud_has_its_resource() {
    for (host, resource) in [
        ("v01.vault.azure.net", "https://vault.azure.net"),
        ("v01.vault.azure.cn", "https://vault.azure.cn"),
        (
            "v01.vault.usgovcloudapi.net",
            "https://vault.usgovcloudapi.net",
        ),
        (
            "v01.vault.microsoftazure.de",
            "https://vault.microsoftazure.de",
        ),
    ] {
        let s = KeySpec::parse_url(&format!("https://{host}/keys/k")).unwrap();
        assert_eq!((s.host.as_str(), s.resource()), (host, resource.to_owned()));
    }
}

/// The hosts a recipient may name: Azure's vaults, nothing else, however it is spelled.
#[test]
fn only_azure_vault_hosts_are_accepted() {
    for (url, why) in [
        ("https://evil.example/keys/k", "not an Azure Key Vault host"),
        (
            "https://vault.azure.net/keys/k",
            "not an Azure Key Vault host",
        ),
        (
            "https://x.vault.azure.net.evil.example/keys/k",
            "not an Azure Key Vault host",
        ),
        (
            "https://xvault.azure.net/keys/k",
            "not an Azure Key Vault host",
        ),
        (
            "https://myvault.vault.azure.net:8443/keys/k",
            "not an Azure Key Vault host",
        ),
        (
            "https://u:p@myvault.vault.azure.net/keys/k",
            "not a vault name",
        ),
        ("https://a.b.vault.azure.net/keys/k", "not a vault name"),
        (
            "https://evil.example#.vault.azure.net/keys/k",
            "not a vault name",
        ),
        ("https://127.0.0.1/keys/k", "not an Azure Key Vault host"),
        (
            "https://myvault.managedhsm.azure.net/keys/k",
            "not an Azure Key Vault host",
        ),
        // Vault names: length, first and last character, hyphens, characters.
        ("https://ab.vault.azure.net/keys/k", "not a vault name"),
        (
            &format!("https://{}.vault.azure.net/keys/k", "a".repeat(25)),
            "not a vault name",
        ),
        ("https://1vault.vault.azure.net/keys/k", "not a vault name"),
        ("https://vault-.vault.azure.net/keys/k", "not a vault name"),
        (
            "https://my--vault.vault.azure.net/keys/k",
            "not a vault name",
        ),
        (
            "https://my_vault.vault.azure.net/keys/k",
            "not a vault name",
        ),
        ("https://.vault.azure.net/keys/k", "not a vault name"),
    ] {
        let e = KeySpec::parse_url(url).unwrap_err();
        assert!(e.0.contains(why), "{url}: {e}");
    }
    // The longest and shortest names, a digit at the end.
    for ok in [
        format!("https://{}.vault.azure.net/keys/k", "a".repeat(24)),
        "https://abc.vault.azure.net/keys/k".to_owned(),
        "https://a-1.vault.azure.net/keys/k".to_owned(),
    ] {
        assert!(KeySpec::parse_url(&ok).is_ok(), "{ok}");
    }
}

#[test]
fn rejects_malformed_key_urls() {
    let long = "k".repeat(128);
    for (text, why) in [
        (
            "https://my-vault.vault.azure.net/keys/k",
            "starts with azkv:",
        ),
        (
            "azkv:http://my-vault.vault.azure.net/keys/k",
            "expected https://",
        ),
        ("azkv:my-vault.vault.azure.net/keys/k", "expected https://"),
        ("azkv:https://my-vault.vault.azure.net", "expected https://"),
        (
            "azkv:https://my-vault.vault.azure.net/",
            "expected https://",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/secrets/k",
            "expected https://",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/keys/k/v/wrapkey",
            "expected https://",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/keys//x",
            "not a key name",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/keys/k?api-version=1",
            "not a key name",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/keys/a_b",
            "not a key name",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/keys/..",
            "not a key name",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/keys/k/latest",
            "not a key version",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/keys/k/0123456789abcdef0123456789abcdeg",
            "not a key version",
        ),
        (
            "azkv:https://my-vault.vault.azure.net/keys/k/0123456789abcdef0123456789abcde",
            "not a key version",
        ),
        (
            &format!("azkv:https://my-vault.vault.azure.net/keys/{long}"),
            "not a key name",
        ),
    ] {
        let e = KeySpec::parse(text).unwrap_err();
        assert!(e.0.contains(why), "{text}: {e}");
    }
    assert!(
        KeySpec::parse(&format!(
            "azkv:https://my-vault.vault.azure.net/keys/{}",
            "k".repeat(127)
        ))
        .is_ok()
    );
}

#[test]
fn wrapped_keys_carry_their_version() {
    let text = format!("{VERSION}:AbC-_w");
    let w = Wrapped::parse(&text).unwrap();
    assert_eq!(
        w,
        Wrapped {
            version: Some(VERSION),
            value: "AbC-_w"
        }
    );
    // A SOPS entry's enc: the value alone; padding is read too.
    assert_eq!(
        Wrapped::parse("AbC-_w==").unwrap(),
        Wrapped {
            version: None,
            value: "AbC-_w=="
        }
    );
    for bad in [
        "",
        "x:AbC",
        &format!("{VERSION}:"),
        &format!("{VERSION}:a+b/"),
        "a b",
    ] {
        let e = Wrapped::parse(bad).unwrap_err();
        assert_eq!(e.class, FailureClass::Rejected, "{bad}");
    }
}

#[test]
fn key_ids_give_their_version() {
    let kid = format!("https://my-vault.vault.azure.net/keys/app-key/{VERSION}");
    assert_eq!(kid_version(Some(&kid), "app-key").unwrap(), VERSION);
    assert_eq!(kid_version(Some(&kid), "APP-KEY").unwrap(), VERSION);
    for bad in [
        None,
        Some("https://my-vault.vault.azure.net/keys/app-key"),
        Some("https://my-vault.vault.azure.net/keys/other/0123456789abcdef0123456789abcdef"),
        Some("https://my-vault.vault.azure.net/keys/app-key/v1"),
        Some("app-key"),
    ] {
        assert!(kid_version(bad, "app-key").is_err(), "{bad:?}");
    }
}

#[test]
fn answers_map_to_classes() {
    use FailureClass::*;
    for (status, code, inner, op, class) in [
        (401, "Unauthorized", "", Op::WrapKey, Denied),
        (403, "Forbidden", "ForbiddenByRbac", Op::UnwrapKey, Denied),
        (403, "Forbidden", "AccessDenied", Op::Decrypt, Denied),
        (403, "Forbidden", "KeyDisabled", Op::WrapKey, Disabled),
        (404, "KeyNotFound", "", Op::WrapKey, NotFound),
        (404, "", "", Op::Encrypt, NotFound),
        (429, "Throttled", "", Op::UnwrapKey, Throttled),
        (400, "BadParameter", "", Op::UnwrapKey, Rejected),
        (400, "BadParameter", "", Op::Decrypt, Rejected),
        (400, "BadParameter", "", Op::WrapKey, Other),
        (503, "ServiceUnavailable", "", Op::WrapKey, Unavailable),
        (504, "", "", Op::WrapKey, TimedOut),
        (500, "InternalServerError", "", Op::WrapKey, Other),
    ] {
        assert_eq!(
            class_of(status, code, inner, op),
            class,
            "{status} {code} {inner}"
        );
    }
    let json = serde_json::json!({"error": {"code": "Forbidden", "message": "Caller is not authorized to perform action on resource.\r\nAction: 'Microsoft.KeyVault/vaults/keys/wrap/action'", "innererror": {"code": "ForbiddenByRbac"}}});
    let e = error_answer(403, &json, Op::WrapKey, KEY);
    assert_eq!(e.class, Denied);
    assert!(
        e.detail.starts_with("Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/keys/wrap/action' (Forbidden/ForbiddenByRbac) (the identity may not use azkv:https://my-vault.vault.azure.net/keys/app-key: give it the Key Vault Crypto User role"),
        "{e}"
    );
    assert!(
        e.detail
            .ends_with("the wrapKey and unwrapKey key permissions)"),
        "{e}"
    );
    let e = error_answer(403, &json, Op::Decrypt, KEY);
    assert!(
        e.detail
            .ends_with("the encrypt and decrypt key permissions)"),
        "{e}"
    );
    let e = error_answer(
        401,
        &serde_json::json!({"error": {"code": "Unauthorized", "message": "AKV10032: Invalid issuer."}}),
        Op::WrapKey,
        KEY,
    );
    assert_eq!(
        e.detail,
        "AKV10032: Invalid issuer. (Unauthorized) (Key Vault refused the access token: check the tenant and the credentials)"
    );
    assert_eq!(
        error_answer(502, &serde_json::Value::Null, Op::WrapKey, KEY).detail,
        "HTTP 502"
    );
    assert_eq!(
        error_answer(
            404,
            &serde_json::json!({"error": {"code": "KeyNotFound"}}),
            Op::WrapKey,
            KEY
        )
        .detail,
        "KeyNotFound (HTTP 404)"
    );
    assert_eq!(
        error_answer(
            500,
            &serde_json::json!({"error": {"message": "boom"}}),
            Op::WrapKey,
            KEY
        )
        .detail,
        "boom (HTTP 500)"
    );
}

#[test]
fn operations_name_their_paths_and_permissions() {
    assert_eq!(
        [Op::WrapKey, Op::UnwrapKey, Op::Encrypt, Op::Decrypt].map(Op::path),
        ["wrapkey", "unwrapkey", "encrypt", "decrypt"]
    );
    assert_eq!(
        [Op::WrapKey, Op::UnwrapKey, Op::Encrypt, Op::Decrypt].map(Op::opens),
        [false, true, false, true]
    );
}

#[test]
fn sops_entries_and_config_map_to_recipients() {
    let spec = KeySpec::parse(KEY).unwrap();
    let entry = Service::sops_entry(&spec, format!("{VERSION}:AbC"), "2026-01-01T00:00:00Z");
    assert_eq!(entry.kind, "azure_kv");
    assert_eq!(
        entry.id,
        format!("https://my-vault.vault.azure.net/keys/app-key/{VERSION}")
    );
    let fields: Vec<(&str, &str)> = entry
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        [
            ("vault_url", "https://my-vault.vault.azure.net"),
            ("name", "app-key"),
            ("version", VERSION),
            ("created_at", "2026-01-01T00:00:00Z"),
            ("enc", "AbC"),
        ]
    );
    // The entry's recipient is the key pinned to the entry's version.
    let pinned = format!("{KEY}/{VERSION}");
    assert_eq!(
        Source.sops_recipient(&entry.id, &entry.fields).as_deref(),
        Some(pinned.as_str())
    );
    // A vault_url with a final `/`; an entry without a version; one that is not Azure's.
    let mut f = entry.fields.clone();
    f.insert(
        "vault_url".into(),
        "https://my-vault.vault.azure.net/".into(),
    );
    f.insert("version".into(), "".into());
    assert_eq!(Source.sops_recipient("", &f).as_deref(), Some(KEY));
    f.insert("vault_url".into(), "https://evil.example".into());
    assert_eq!(Source.sops_recipient("", &f), None);
    assert_eq!(
        Source
            .sops_recipient(&format!("{}/", spec.url()), &SopsFields::new())
            .as_deref(),
        Some(KEY)
    );

    let rule = SopsFields::new();
    let ok = |v: serde_json::Value| -> Vec<String> {
        Source
            .sops_config_recipients(&v, &rule)
            .into_iter()
            .map(Result::unwrap)
            .collect()
    };
    let url = spec.url();
    let other = url.replace("app-key", "other");
    assert_eq!(
        ok(serde_json::json!(format!("{url}/{VERSION}, {other}"))),
        [pinned.clone(), format!("{PREFIX}{other}")]
    );
    assert_eq!(
        ok(serde_json::json!([
            {"vaultUrl": "https://my-vault.vault.azure.net/", "key": "app-key", "version": VERSION},
            {"vaultUrl": "https://my-vault.vault.azure.net", "key": "other"},
            other
        ])),
        [
            pinned,
            format!("{PREFIX}{other}"),
            format!("{PREFIX}{other}")
        ]
    );
    let bad = Source.sops_config_recipients(
        &serde_json::json!([{"vaultUrl": "https://x.example", "key": "k"}, {"key": "k"}, 3, "https://x.example/keys/k"]),
        &rule,
    );
    assert_eq!(bad.len(), 4);
    assert!(bad.iter().all(Result::is_err));
}

#[test]
fn debug_hides_the_secrets() {
    for credentials in [
        Credentials::ClientSecret {
            tenant_id: "t".into(),
            client_id: "c".into(),
            secret: SecretString::from("client-secret-value".to_owned()),
        },
        Credentials::AppService {
            endpoint: "http://localhost:1/msi/token".into(),
            header: SecretString::from("identity-header-value".to_owned()),
            client_id: None,
        },
    ] {
        let s = Settings {
            credentials,
            ..Settings::default()
        };
        let shown = format!("{s:?} {:?}", Service::new(s.clone()));
        assert!(
            !shown.contains("secret-value") && !shown.contains("header-value"),
            "{shown}"
        );
        assert!(shown.contains("[redacted]"), "{shown}");
    }
}

#[test]
fn identities_say_which_credentials_they_use() {
    let describe = |credentials| {
        Service::new(Settings {
            credentials,
            ..Settings::default()
        })
        .describe()
    };
    assert_eq!(
        describe(Credentials::WorkloadIdentity {
            tenant_id: "t".into(),
            client_id: "c".into(),
            token_file: "/var/run/token".into(),
        }),
        "Azure Key Vault (workload identity c, token file /var/run/token)"
    );
    assert_eq!(
        Service::default().describe(),
        "Azure Key Vault (managed identity, metadata service http://169.254.169.254)"
    );
}
