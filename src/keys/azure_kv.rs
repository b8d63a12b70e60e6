//! Azure Key Vault recipients: `azkv:https://VAULT.vault.azure.net/keys/NAME[/VERSION]`.
//!
//! The data key is wrapped by Key Vault's `wrapkey` operation under the named RSA key,
//! with RSA-OAEP-256, and `unwrapkey` gives it back
//! (<https://learn.microsoft.com/en-us/rest/api/keyvault/keys/wrap-key/wrap-key>,
//! <https://learn.microsoft.com/en-us/rest/api/keyvault/keys/unwrap-key/unwrap-key>). Key
//! Vault needs the key version that wrapped to unwrap, so a recipient without a version
//! wraps with the key's current version and the wrapped key stored in the metadata is
//! `VERSION:VALUE`: the version Key Vault's answer names (its `kid`) and the base64url
//! value. Rotating the key in Key Vault therefore keeps older files open.
//!
//! SOPS's `azure_kv` entries (`vault_url`, `name`, `version`, `created_at`, `enc`, the
//! base64url of what Key Vault's `encrypt` returned) are the same key with SOPS's
//! operations: SOPS encrypts and decrypts (`encrypt`/`decrypt`, RSA-OAEP-256), so an entry
//! vaultfile writes or reads uses those, and the Key Vault permissions SOPS's users have
//! granted keep working. `.sops.yaml`'s `azure_keyvault` URLs become recipients.
//!
//! Two REST calls over the hyper client and rustls stack the other key services use
//! ([`super::http`]), each bounded by the configured timeout and retried, with backoff,
//! only while Key Vault answers 429. A host that timed out or could not be reached is not
//! tried again with the same [`Service`].
//!
//! **Which hosts a file can choose: Azure's vaults only.** A recipient (or a SOPS entry)
//! is read from a file before anything in it can be authenticated, and it names its
//! vault, so the vault's host is checked against the DNS suffixes of Key Vault in Azure's
//! clouds (`vault.azure.net`, `vault.azure.cn`, `vault.usgovcloudapi.net`,
//! `vault.microsoftazure.de`, <https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates#dns-suffixes-for-object-identifiers>)
//! and its name against the characters Key Vault allows: an access token goes to Microsoft's
//! vault hosts, or to [`Settings::endpoint`] when the caller set one (a local or private
//! endpoint), never to a host of the file's choosing. Tokens come from the hosts of the
//! caller's own [`Credentials`].
//!
//! Credentials, in the order of the Azure SDKs' `DefaultAzureCredential`, chosen by the
//! caller (the CLI reads the environment, the library none): a service principal's client
//! secret, a workload identity's federated token file, a managed identity (App Service's
//! identity endpoint, or the instance metadata service). See [`Credentials`].

mod credentials;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ::age::secrecy::{ExposeSecret, SecretString};
use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose::URL_SAFE_NO_PAD};
use bytes::Bytes;
use http_body_util::Full;
use zeroize::Zeroizing;

use super::http::{Exchange, Started, authority_of, endpoint_base};
use super::service::{
    BadKey, FailureClass, KeyService, KeyServiceError, ServiceIdentity, ServiceKey,
    ServiceRecipient,
};
use super::{RecipientError, SopsEntry, SopsFields};

/// The prefix of every Azure Key Vault recipient.
pub const PREFIX: &str = "azkv:";

/// The Key Vault REST API version vaultfile speaks.
pub const API_VERSION: &str = "7.4";

/// The wrapping algorithm: RSA-OAEP with SHA-256, as SOPS uses.
pub const ALGORITHM: &str = "RSA-OAEP-256";

/// The DNS suffixes of Key Vault's vaults in Azure's clouds (public, China, US Government,
/// Germany). A vault's tokens are for the resource `https://SUFFIX`.
pub const VAULT_SUFFIXES: [&str; 4] = [
    "vault.azure.net",
    "vault.azure.cn",
    "vault.usgovcloudapi.net",
    "vault.microsoftazure.de",
];

/// Microsoft Entra ID's host in Azure's public cloud.
pub const DEFAULT_AUTHORITY_HOST: &str = "https://login.microsoftonline.com";

/// The instance metadata service, which gives a VM's managed identity its tokens.
pub const DEFAULT_IMDS_ENDPOINT: &str = "http://169.254.169.254";

/// The default bound on connecting and on each request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a throttled request is tried, by default.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// Where access tokens come from, in the order `DefaultAzureCredential` tries them
/// (<https://learn.microsoft.com/en-us/azure/developer/python/sdk/authentication/credential-chains#defaultazurecredential-overview>).
#[derive(Clone)]
pub enum Credentials {
    /// A service principal's client secret, exchanged at the authority's token endpoint
    /// (the client credentials grant).
    ClientSecret {
        /// The tenant (directory) ID.
        tenant_id: String,
        /// The application (client) ID.
        client_id: String,
        /// The secret.
        secret: SecretString,
    },
    /// Workload identity federation: a token file (Kubernetes' projected service-account
    /// token, a CI job's OIDC token), read again for each token request and sent as the
    /// client assertion.
    WorkloadIdentity {
        /// The tenant (directory) ID.
        tenant_id: String,
        /// The application (client) ID.
        client_id: String,
        /// The file holding the federated token.
        token_file: PathBuf,
    },
    /// App Service's and Container Apps' managed identity endpoint.
    AppService {
        /// The endpoint's URL.
        endpoint: String,
        /// The secret sent in the `X-IDENTITY-HEADER` header.
        header: SecretString,
        /// A user-assigned identity's client ID; `None` for the system-assigned one.
        client_id: Option<String>,
    },
    /// The instance metadata service of a VM, a scale set or AKS.
    Imds {
        /// Its base URL (`http://169.254.169.254`).
        endpoint: String,
        /// A user-assigned identity's client ID; `None` for the system-assigned one.
        client_id: Option<String>,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ClientSecret {
                tenant_id,
                client_id,
                ..
            } => f
                .debug_struct("ClientSecret")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("secret", &"[redacted]")
                .finish(),
            Credentials::WorkloadIdentity {
                tenant_id,
                client_id,
                token_file,
            } => f
                .debug_struct("WorkloadIdentity")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("token_file", token_file)
                .finish(),
            Credentials::AppService {
                endpoint,
                client_id,
                ..
            } => f
                .debug_struct("AppService")
                .field("endpoint", endpoint)
                .field("header", &"[redacted]")
                .field("client_id", client_id)
                .finish(),
            Credentials::Imds {
                endpoint,
                client_id,
            } => f
                .debug_struct("Imds")
                .field("endpoint", endpoint)
                .field("client_id", client_id)
                .finish(),
        }
    }
}

/// How this process reaches Azure Key Vault.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Where every Key Vault request goes instead of the vault's own host (a local or
    /// private endpoint); `None`: the vault's host, `https://VAULT.vault.azure.net`.
    pub endpoint: Option<String>,
    /// Microsoft Entra ID's host, for the client secret and workload identity
    /// (`https://login.microsoftonline.com`).
    pub authority_host: String,
    /// Where access tokens come from.
    pub credentials: Credentials,
    /// The bound on connecting, and on each request.
    pub timeout: Duration,
    /// How many times a throttled request is tried (at least 1).
    pub max_attempts: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            endpoint: None,
            authority_host: DEFAULT_AUTHORITY_HOST.to_owned(),
            credentials: Credentials::Imds {
                endpoint: DEFAULT_IMDS_ENDPOINT.to_owned(),
                client_id: None,
            },
            timeout: DEFAULT_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// How this process reaches Azure Key Vault: the [`Settings`], and the runtime, HTTP
/// client, access tokens and unreachable hosts that every recipient and identity made with
/// it share. Cloning it shares them too.
#[derive(Clone, Default)]
pub struct Service(Arc<Shared>);

#[derive(Default)]
struct Shared {
    settings: Settings,
    started: OnceLock<Result<Started, KeyServiceError>>,
    /// The access tokens obtained from the credentials, by resource, while they last.
    tokens: super::access_token::TokenCache,
    /// Hosts (`host:port`) found down.
    down: super::service::Down,
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Service").field(&self.0.settings).finish()
    }
}

/// A Key Vault key, by its vault and name, and the version when one is pinned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// The vault's host, in lowercase (`my-vault.vault.azure.net`).
    pub host: String,
    /// The DNS suffix of its cloud (one of [`VAULT_SUFFIXES`]).
    pub suffix: &'static str,
    /// The key's name.
    pub name: String,
    /// The key's version (32 hexadecimal digits), if pinned.
    pub version: Option<String>,
}

impl ServiceKey for KeySpec {
    /// Parses `azkv:https://VAULT.vault.azure.net/keys/NAME[/VERSION]`.
    fn parse(text: &str) -> Result<Self, BadKey> {
        let url = text.trim().strip_prefix(PREFIX).ok_or(BadKey::from(
            "an Azure Key Vault recipient starts with azkv:",
        ))?;
        Self::parse_url(url)
    }

    /// The recipient string: `azkv:` and the key's URL.
    fn id(&self) -> String {
        format!("{PREFIX}{}", self.url())
    }
}

impl KeySpec {
    /// Parses a key's URL, `https://VAULT.vault.azure.net/keys/NAME[/VERSION]` (SOPS's
    /// `azure_keyvault` form; a final `/` after the name is allowed, as SOPS allows it).
    pub fn parse_url(url: &str) -> Result<Self, BadKey> {
        let url = url.trim();
        let expected = || {
            BadKey::from(
                "expected https://VAULT.vault.azure.net/keys/NAME or https://VAULT.vault.azure.net/keys/NAME/VERSION",
            )
        };
        let rest = url.strip_prefix("https://").ok_or_else(expected)?;
        let (host, path) = rest.split_once('/').ok_or_else(expected)?;
        let (host, suffix) = check_host(host)?;
        let (name, version) = match path.split('/').collect::<Vec<_>>().as_slice() {
            ["keys", name] | ["keys", name, ""] => (*name, None),
            ["keys", name, version] => (*name, Some(*version)),
            _ => return Err(expected()),
        };
        check_name(name)?;
        if let Some(v) = version {
            check_version(v)?;
        }
        Ok(KeySpec {
            host,
            suffix,
            name: name.to_owned(),
            version: version.map(str::to_owned),
        })
    }

    /// The vault's URL, `https://VAULT.vault.azure.net` (SOPS's `vault_url`).
    pub fn vault_url(&self) -> String {
        format!("https://{}", self.host)
    }

    /// The key's URL, with its version if pinned.
    pub fn url(&self) -> String {
        match &self.version {
            Some(v) => format!("{}/keys/{}/{v}", self.vault_url(), self.name),
            None => format!("{}/keys/{}", self.vault_url(), self.name),
        }
    }

    /// The resource its access tokens are for (`https://vault.azure.net`).
    pub fn resource(&self) -> String {
        format!("https://{}", self.suffix)
    }
}

/// A vault's host: `NAME.SUFFIX` with a suffix of [`VAULT_SUFFIXES`] and a vault name as
/// Azure allows it (3 to 24 letters, digits and hyphens, starting with a letter, ending
/// with a letter or digit, no two hyphens in a row,
/// <https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault>),
/// with no port or credentials. Returns the host in lowercase, and its suffix.
fn check_host(host: &str) -> Result<(String, &'static str), BadKey> {
    let lower = host.to_ascii_lowercase();
    let not_azure = || {
        BadKey(format!(
            "'{host}' is not an Azure Key Vault host (VAULT.vault.azure.net, or VAULT.vault.azure.cn, .vault.usgovcloudapi.net, .vault.microsoftazure.de): the access token is sent only to Azure's own vaults (a local or private endpoint is set by whoever decrypts, not in the recipient)"
        ))
    };
    let (vault, suffix) = VAULT_SUFFIXES
        .iter()
        .find_map(|s| {
            lower
                .strip_suffix(s)
                .and_then(|v| v.strip_suffix('.'))
                .map(|v| (v, *s))
        })
        .ok_or_else(not_azure)?;
    let ok = (3..=24).contains(&vault.len())
        && vault.starts_with(|c: char| c.is_ascii_lowercase())
        && vault.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && !vault.contains("--")
        && vault
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        return Err(BadKey(format!(
            "'{vault}' is not a vault name (3 to 24 letters, digits and hyphens, starting with a letter)"
        )));
    }
    Ok((lower, suffix))
}

/// A key's name: 1 to 127 letters, digits and hyphens
/// (<https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates#object-identifiers>).
fn check_name(name: &str) -> Result<(), BadKey> {
    let ok = (1..=127).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!("'{name}' is not a key name (1 to 127 letters, digits and hyphens)").into())
    }
}

/// A key's version: 32 hexadecimal digits, as Key Vault names them.
fn check_version(version: &str) -> Result<(), BadKey> {
    if version.len() == 32 && version.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(format!("'{version}' is not a key version (32 hexadecimal digits)").into())
    }
}

/// Base64url as Key Vault writes it (no padding); read with or without padding.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A wrapped payload: the key version that wrapped it, and Key Vault's base64url value.
/// Stored as `VERSION:VALUE`; a SOPS entry's `enc` is the value alone (its version is the
/// entry's own).
#[derive(Debug, PartialEq, Eq)]
struct Wrapped<'a> {
    version: Option<&'a str>,
    value: &'a str,
}

impl<'a> Wrapped<'a> {
    fn parse(text: &'a str) -> Result<Self, KeyServiceError> {
        let text = text.trim();
        let (version, value) = match text.split_once(':') {
            Some((v, value)) => (Some(v), value),
            None => (None, text),
        };
        let rejected = |why: &str| KeyServiceError::new(FailureClass::Rejected, why);
        if let Some(v) = version {
            check_version(v).map_err(|BadKey(e)| rejected(&format!("the wrapped key's {e}")))?;
        }
        if value.is_empty() || B64URL.decode(value).is_err() {
            return Err(rejected(
                "the wrapped key is not base64url (a Key Vault wrapped key)",
            ));
        }
        Ok(Wrapped { version, value })
    }
}

/// An Azure Key Vault key as a recipient.
pub type Recipient = ServiceRecipient<Service>;

/// Unwraps data keys wrapped for any Azure Key Vault recipient, with the configured
/// credentials.
pub type Identity = ServiceIdentity<Service>;

impl KeyService for Service {
    type Key = KeySpec;

    const NAME: &'static str = "Azure Key Vault";

    fn is_recipient(text: &str) -> bool {
        text.starts_with(PREFIX)
    }

    /// `VERSION:VALUE`: the version that wrapped, and the base64url value `wrapkey` gave.
    fn wrap(&self, key: &KeySpec, payload: &[u8]) -> Result<String, KeyServiceError> {
        let (version, value) = self.operate(key, None, Op::WrapKey, payload)?;
        Ok(format!("{version}:{value}"))
    }

    fn unwrap(&self, key: &KeySpec, wrapped: &str) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        let w = Wrapped::parse(wrapped)?;
        self.open(key, w.version, Op::UnwrapKey, w.value)
    }

    /// As SOPS does: `encrypt`, giving `VERSION:VALUE` for [`KeyService::sops_entry`].
    fn wrap_sops(&self, key: &KeySpec, payload: &[u8]) -> Result<String, KeyServiceError> {
        let (version, value) = self.operate(key, None, Op::Encrypt, payload)?;
        Ok(format!("{version}:{value}"))
    }

    /// As SOPS does: `decrypt` of the entry's `enc` with the entry's version.
    fn unwrap_sops(&self, key: &KeySpec, enc: &str) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        let w = Wrapped::parse(enc)?;
        self.open(key, w.version, Op::Decrypt, w.value)
    }

    /// SOPS's `azure_kv` entry: `vault_url`, `name`, `version`, `created_at`, `enc`.
    fn sops_entry(spec: &KeySpec, wrapped: String, created_at: &str) -> SopsEntry {
        use serde_json::Value;
        let (version, enc) = match wrapped.split_once(':') {
            Some((v, e)) => (v.to_owned(), e.to_owned()),
            None => (spec.version.clone().unwrap_or_default(), wrapped),
        };
        let mut fields = SopsFields::new();
        fields.insert("vault_url".into(), Value::String(spec.vault_url()));
        fields.insert("name".into(), Value::String(spec.name.clone()));
        fields.insert("version".into(), Value::String(version.clone()));
        fields.insert("created_at".into(), Value::String(created_at.to_owned()));
        fields.insert("enc".into(), Value::String(enc));
        SopsEntry {
            kind: "azure_kv",
            id: format!("{}/keys/{}/{version}", spec.vault_url(), spec.name),
            fields,
        }
    }

    fn describe(&self) -> String {
        match &self.0.settings.credentials {
            Credentials::ClientSecret {
                tenant_id,
                client_id,
                ..
            } => format!("Azure Key Vault (client secret of {client_id} in tenant {tenant_id})"),
            Credentials::WorkloadIdentity {
                client_id,
                token_file,
                ..
            } => format!(
                "Azure Key Vault (workload identity {client_id}, token file {})",
                token_file.display()
            ),
            Credentials::AppService { endpoint, .. } => {
                format!("Azure Key Vault (managed identity endpoint {endpoint})")
            }
            Credentials::Imds { endpoint, .. } => {
                format!("Azure Key Vault (managed identity, metadata service {endpoint})")
            }
        }
    }
}

/// The Azure Key Vault key source: `azkv:…` recipients, SOPS's `azure_kv` entries.
pub struct Source;

impl super::KeySource for Source {
    fn name(&self) -> &'static str {
        "Azure Key Vault"
    }

    fn claims(&self, text: &str) -> bool {
        text.starts_with(PREFIX)
    }

    fn parse(
        &self,
        text: &str,
        context: &super::Context,
    ) -> Result<Box<dyn super::Recipient>, RecipientError> {
        Recipient::parse(text, &context.azure_kv).map(|r| Box::new(r) as _)
    }

    fn sops_kind(&self) -> Option<&'static str> {
        Some("azure_kv")
    }

    /// The entry's key, pinned to the entry's version (SOPS decrypts with it).
    fn sops_recipient(&self, id: &str, fields: &SopsFields) -> Option<String> {
        let url = match (
            super::sops_string(fields, "vault_url"),
            super::sops_string(fields, "name"),
        ) {
            (Some(vault), Some(name)) => {
                let version = super::sops_string(fields, "version").unwrap_or_default();
                format!(
                    "{}/keys/{name}/{version}",
                    vault.trim().trim_end_matches('/')
                )
            }
            _ => id.to_owned(),
        };
        KeySpec::parse_url(&url).ok().map(|s| s.id())
    }

    fn sops_config_fields(&self) -> Option<(&'static str, &'static str)> {
        Some(("azure_keyvault", "azure_keyvault"))
    }

    /// A creation rule's `azure_keyvault`: a comma-separated string (or a list) of key
    /// URLs; a key group's: a list of `{vaultUrl, key, version}` mappings (or of URLs).
    fn sops_config_recipients(
        &self,
        keys: &serde_json::Value,
        _: &SopsFields,
    ) -> Vec<Result<String, BadKey>> {
        use serde_json::Value;
        let one = |url: &str| {
            KeySpec::parse_url(url)
                .map(|s| s.id())
                .map_err(|e| BadKey(format!("{url}: {e}")))
        };
        match keys {
            Value::Array(a) => a
                .iter()
                .map(|e| match e {
                    Value::String(s) => one(s),
                    Value::Object(o) => {
                        let field = |k: &str| o.get(k).and_then(Value::as_str).map(str::trim);
                        match (field("vaultUrl"), field("key")) {
                            (Some(vault), Some(key)) => one(&format!(
                                "{}/keys/{key}/{}",
                                vault.trim_end_matches('/'),
                                field("version").unwrap_or("")
                            )),
                            _ => Err("an azure_keyvault entry has no vaultUrl or key".into()),
                        }
                    }
                    _ => Err("an azure_keyvault entry is neither a string nor a mapping".into()),
                })
                .collect(),
            other => super::sops_list(other).iter().map(|s| one(s)).collect(),
        }
    }
}

/// A Key Vault key operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    WrapKey,
    UnwrapKey,
    Encrypt,
    Decrypt,
}

impl Op {
    /// Its name in the URL path.
    fn path(self) -> &'static str {
        match self {
            Op::WrapKey => "wrapkey",
            Op::UnwrapKey => "unwrapkey",
            Op::Encrypt => "encrypt",
            Op::Decrypt => "decrypt",
        }
    }

    /// Whether it gives a payload back (and so refuses a ciphertext it cannot open).
    fn opens(self) -> bool {
        matches!(self, Op::UnwrapKey | Op::Decrypt)
    }

    /// The key permissions an access policy needs for it, for messages.
    fn permissions(self) -> &'static str {
        match self {
            Op::WrapKey | Op::UnwrapKey => "wrapKey and unwrapKey",
            Op::Encrypt | Op::Decrypt => "encrypt and decrypt",
        }
    }
}

impl Service {
    /// A service that reaches Key Vault as `settings` say.
    pub fn new(settings: Settings) -> Self {
        Service(Arc::new(Shared {
            settings,
            ..Shared::default()
        }))
    }

    /// Its settings.
    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// Opens `value` (base64url) with `op` under `key`, at `version` (else the key's own
    /// version, else its current one).
    fn open(
        &self,
        key: &KeySpec,
        version: Option<&str>,
        op: Op,
        value: &str,
    ) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        let bytes = Zeroizing::new(B64URL.decode(value).map_err(|_| {
            KeyServiceError::new(FailureClass::Rejected, "the wrapped key is not base64url")
        })?);
        let (_, plain) = self.operate(key, version, op, &bytes)?;
        let plain = Zeroizing::new(plain);
        B64URL
            .decode(plain.as_bytes())
            .map(Zeroizing::new)
            .map_err(|_| {
                KeyServiceError::new(
                    FailureClass::Other,
                    "Key Vault's answer value is not base64url",
                )
            })
    }

    /// POSTs `{"alg", "value"}` to `keys/NAME/VERSION/OP` with an access token; returns
    /// the version Key Vault's answer names and its base64url value. Without a version
    /// (`version` and the key's), the path's version is empty, `keys/NAME//OP`, as
    /// Microsoft's clients send it for a key's current version.
    fn operate(
        &self,
        key: &KeySpec,
        version: Option<&str>,
        op: Op,
        payload: &[u8],
    ) -> Result<(String, String), KeyServiceError> {
        let s = &self.0.settings;
        let vault = key.vault_url();
        let base = match &s.endpoint {
            Some(e) => endpoint_base(e, "the Key Vault endpoint")?,
            None => vault.as_str(),
        };
        let version = version.or(key.version.as_deref()).unwrap_or("");
        let url = format!(
            "{base}/keys/{}/{version}/{}?api-version={API_VERSION}",
            key.name,
            op.path()
        );
        let body = Zeroizing::new(
            serde_json::json!({ "alg": ALGORITHM, "value": URL_SAFE_NO_PAD.encode(payload) })
                .to_string(),
        );
        let resource = key.resource();
        let token = self.access_token(&resource)?;
        let bearer = Zeroizing::new(format!("Bearer {}", token.expose_secret()));
        let (status, bytes) = self.exchange(&url, || {
            http::Request::post(&url)
                .header(http::header::AUTHORIZATION, bearer.as_str())
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(Full::new(Bytes::copy_from_slice(body.as_bytes())))
        })?;
        let json: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        if (200..300).contains(&status) {
            let value = json
                .get("value")
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| other("Key Vault's answer has no value"))?;
            let version = if op.opens() {
                String::new()
            } else {
                kid_version(json.get("kid").and_then(|k| k.as_str()), &key.name)?
            };
            return Ok((version, value.to_owned()));
        }
        if status == 401 {
            // A token that expired early or was revoked: the next call gets a new one.
            self.0.tokens.forget(&resource);
        }
        Err(error_answer(status, &json, op, &key.id()))
    }

    /// Sends the request `build` makes to `url` (see [`Started::exchange`]).
    fn exchange<F>(&self, url: &str, build: F) -> Result<(u16, Zeroizing<Vec<u8>>), KeyServiceError>
    where
        F: Fn() -> Result<http::Request<Full<Bytes>>, http::Error>,
    {
        let s = &self.0.settings;
        let authority = authority_of(url)?;
        let x = Exchange {
            authority: &authority,
            timeout: s.timeout,
            attempts: s.max_attempts,
            certificate_hint: " (a private CA: set SSL_CERT_FILE to its PEM file)",
        };
        self.started()?.exchange(&self.0.down, &x, build)
    }

    /// The runtime and the client, made the first time a host is called.
    fn started(&self) -> Result<&Started, KeyServiceError> {
        let s = &self.0.settings;
        self.0
            .started
            .get_or_init(|| Started::new(s.timeout, None))
            .as_ref()
            .map_err(Clone::clone)
    }
}

fn other(detail: &str) -> KeyServiceError {
    KeyServiceError::new(FailureClass::Other, detail)
}

/// The version in a key ID Key Vault answered with,
/// `https://VAULT.vault.azure.net/keys/NAME/VERSION`, if it is `name`'s.
fn kid_version(kid: Option<&str>, name: &str) -> Result<String, KeyServiceError> {
    let kid = kid.ok_or_else(|| other("Key Vault's answer has no kid"))?;
    let bad = || {
        other(&format!(
            "Key Vault's answer names the key '{kid}', not {name}"
        ))
    };
    let (path_name, version) = kid
        .trim_end_matches('/')
        .rsplit_once("/keys/")
        .and_then(|(_, rest)| rest.split_once('/'))
        .ok_or_else(bad)?;
    if !path_name.eq_ignore_ascii_case(name) || check_version(version).is_err() {
        return Err(bad());
    }
    Ok(version.to_owned())
}

/// The error of a Key Vault answer (`{"error": {"code", "message", "innererror"}}`,
/// <https://learn.microsoft.com/en-us/rest/api/keyvault/keys/wrap-key/wrap-key#keyvaulterror>)
/// to `op` for the recipient `recipient`.
fn error_answer(status: u16, json: &serde_json::Value, op: Op, recipient: &str) -> KeyServiceError {
    let error = json.get("error");
    let str_at = |v: Option<&serde_json::Value>, k: &str| {
        v.and_then(|e| e.get(k))
            .and_then(|s| s.as_str())
            .unwrap_or("")
            .to_owned()
    };
    let code = str_at(error, "code");
    let inner = str_at(error.and_then(|e| e.get("innererror")), "code");
    let message = str_at(error, "message");
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let class = class_of(status, &code, &inner, op);
    let code = if inner.is_empty() {
        code
    } else {
        format!("{code}/{inner}")
    };
    let mut detail = match (message.is_empty(), code.is_empty()) {
        (false, false) => format!("{message} ({code})"),
        (false, true) => format!("{message} (HTTP {status})"),
        (true, false) => format!("{code} (HTTP {status})"),
        (true, true) => format!("HTTP {status}"),
    };
    if class == FailureClass::Denied {
        detail.push_str(&if status == 401 {
            " (Key Vault refused the access token: check the tenant and the credentials)"
                .to_owned()
        } else {
            format!(
                " (the identity may not use {recipient}: give it the Key Vault Crypto User role on the vault or the key, or, for a vault with access policies, the {} key permissions)",
                op.permissions()
            )
        });
    }
    KeyServiceError { class, detail }
}

/// The class of an error answer from its HTTP status, Key Vault's error code and inner
/// error code, for `op`.
fn class_of(status: u16, code: &str, inner: &str, op: Op) -> FailureClass {
    match (status, code, inner) {
        (_, _, "KeyDisabled") => FailureClass::Disabled,
        (401 | 403, _, _) | (_, "Unauthorized" | "Forbidden", _) => FailureClass::Denied,
        (404, _, _) | (_, "KeyNotFound", _) => FailureClass::NotFound,
        (429, _, _) | (_, "Throttled", _) => FailureClass::Throttled,
        // For unwrapkey and decrypt: a value that is altered, or from another key.
        (400, "BadParameter", _) if op.opens() => FailureClass::Rejected,
        (503, _, _) => FailureClass::Unavailable,
        (504, _, _) => FailureClass::TimedOut,
        _ => FailureClass::Other,
    }
}

#[cfg(test)]
mod tests;
