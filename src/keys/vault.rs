//! HashiCorp Vault and OpenBao transit recipients: `vault:https://HOST:PORT/MOUNT/keys/NAME`.
//!
//! The data key is sent to the transit engine's `encrypt` endpoint and the wrapped key
//! stored in the metadata is the ciphertext it returns (`vault:v1:…`); `decrypt` gives the
//! data key back. `MOUNT` is the path the transit engine is mounted at (`transit` by
//! default, any depth: `team/transit`). A key rotated in transit keeps decrypting files
//! wrapped under its earlier versions (as far as the key's `min_decryption_version`
//! allows).
//!
//! Plain `http://` is accepted for local development servers; the caller is told once per
//! address through [`Settings::warn`]. The token, the namespace and the CA certificate are
//! passed in as [`Settings`] in a [`Service`] (the CLI takes them from `VAULT_TOKEN` or `~/.vault-token`,
//! `VAULT_NAMESPACE` and `VAULT_CACERT`); the library reads no environment variable.
//!
//! **Servers come from the caller, never from a file alone.** A recipient names its server,
//! and a recipient is read from a file's metadata (or a SOPS `hc_vault` entry, or a
//! repository's `.vaultfile.yaml`) before anything in that file can be authenticated: the
//! MAC is checked with the data key this very call is to unwrap. So whoever wrote the file
//! chooses the server, and a pull request could send the token of the CI job that decrypts
//! it to a host of its own. Every call therefore first checks the recipient's server
//! against [`Settings::allowed`], which the caller fills from what the file's author cannot
//! write (the CLI: `VAULT_ADDR`, `--vault-allow`/`VAULTFILE_VAULT_ALLOWLIST` and SOPS's
//! `SOPS_HC_VAULT_ALLOWLIST`); a server not in it is refused before any connection is
//! made, with [`FailureClass::NotAllowed`]. Recipients typed on the command line get no exception:
//! one rule, the same as SOPS's, and a script's `-r` is often read from the repository too.
//!
//! Two REST calls over the hyper client and rustls stack the AWS SDK uses too, on a small
//! current-thread tokio runtime per [`Service`], created the first time it is needed. Each call is bounded
//! by the configured timeout (connecting, and the whole request) and is retried, with
//! exponential backoff and jitter, only when the server answers 429 (rate limited).

use crate::keys::service::{FailureClass, KeyServiceError};
use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use ::age::secrecy::{ExposeSecret, SecretString};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http_body_util::Full;
use zeroize::Zeroizing;

use super::http::{Exchange, Started};
use super::service::{BadKey, KeyService, ServiceIdentity, ServiceKey, ServiceRecipient};
use super::{RecipientError, SopsEntry, SopsFields};

/// The prefix of every transit recipient.
pub const PREFIX: &str = "vault:";

/// The default bound on connecting and on each request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How this process reaches Vault or OpenBao.
#[derive(Clone)]
pub struct Settings {
    /// The token sent as `X-Vault-Token`.
    pub token: Option<SecretString>,
    /// Where the token came from, for messages (`$VAULT_TOKEN`, `~/.vault-token`).
    pub token_source: String,
    /// The namespace sent as `X-Vault-Namespace`.
    pub namespace: Option<String>,
    /// A PEM file with the CA certificate(s) to trust instead of the system's.
    pub ca_cert: Option<PathBuf>,
    /// The bound on connecting, and on each request.
    pub timeout: Duration,
    /// How many times a rate-limited request is tried (at least 1).
    pub max_attempts: u32,
    /// Told about plain-HTTP addresses, once per address.
    pub warn: Option<Warn>,
    /// The servers that may be sent the token and data keys; nothing else is connected to.
    /// Empty by default: no server at all.
    pub allowed: AllowList,
}

/// A function told about something the user should know.
pub type Warn = Arc<dyn Fn(&str) + Send + Sync>;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            token: None,
            token_source: String::new(),
            namespace: None,
            ca_cert: None,
            timeout: DEFAULT_TIMEOUT,
            max_attempts: 3,
            warn: None,
            allowed: AllowList::default(),
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("token_source", &self.token_source)
            .field("namespace", &self.namespace)
            .field("ca_cert", &self.ca_cert)
            .field("timeout", &self.timeout)
            .field("max_attempts", &self.max_attempts)
            .field("allowed", &self.allowed)
            .finish_non_exhaustive()
    }
}

/// How this process reaches Vault or OpenBao: the [`Settings`], and the runtime, HTTP
/// client, warnings given and unreachable servers that every recipient and identity made
/// with it share. Cloning it shares them too.
#[derive(Clone, Default)]
pub struct Service(Arc<Shared>);

#[derive(Default)]
struct Shared {
    settings: Settings,
    started: OnceLock<Result<Started, KeyServiceError>>,
    warned: Mutex<HashSet<String>>,
    /// Servers found down.
    down: super::service::Down,
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Service").field(&self.0.settings).finish()
    }
}

/// A parsed transit key address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// `http` or `https`.
    pub scheme: String,
    /// `host:port`.
    pub authority: String,
    /// Where the transit engine is mounted (`transit`).
    pub mount: String,
    /// The key's name.
    pub name: String,
}

impl ServiceKey for KeySpec {
    /// Parses `vault:SCHEME://HOST[:PORT]/MOUNT/keys/NAME`.
    fn parse(text: &str) -> Result<Self, BadKey> {
        let url = text
            .trim()
            .strip_prefix(PREFIX)
            .ok_or(BadKey::from("a transit recipient starts with vault:"))?;
        let uri = http::Uri::from_str(url).map_err(|e| format!("'{url}' is not a URL: {e}"))?;
        let scheme = match uri.scheme_str() {
            Some(s @ ("https" | "http")) => s.to_owned(),
            _ => return Err(
                "the address must start with https:// (or http:// for a local development server)"
                    .into(),
            ),
        };
        let authority = uri
            .authority()
            .filter(|a| !a.host().is_empty())
            .ok_or(BadKey::from("the address has no host"))?;
        if authority.as_str().contains('@') {
            return Err("the address must not hold credentials (the token comes from VAULT_TOKEN or ~/.vault-token)".into());
        }
        if uri.query().is_some() || url.contains('#') {
            return Err("the address must not have a query or fragment".into());
        }
        let path = uri.path().trim_end_matches('/');
        let (mount, name) = path.rsplit_once("/keys/").ok_or(BadKey::from(
            "expected the key's path, MOUNT/keys/NAME (e.g. https://vault:8200/transit/keys/app)",
        ))?;
        let mount = mount.trim_start_matches('/');
        if mount.is_empty() {
            return Err("no mount path before /keys/ (e.g. /transit/keys/NAME)".into());
        }
        if mount.starts_with("v1/") {
            return Err("leave out /v1/: write the mount path only (e.g. https://vault:8200/transit/keys/NAME)".into());
        }
        if name.is_empty() || name.contains('/') {
            return Err(format!("'{name}' is not a key name").into());
        }
        Ok(KeySpec {
            scheme,
            authority: authority.as_str().to_owned(),
            mount: mount.to_owned(),
            name: name.to_owned(),
        })
    }

    /// The canonical recipient string.
    fn id(&self) -> String {
        format!(
            "{PREFIX}{}://{}/{}/keys/{}",
            self.scheme, self.authority, self.mount, self.name
        )
    }
}

impl KeySpec {
    fn endpoint(&self, action: &str) -> String {
        format!(
            "{}://{}/v1/{}/{action}/{}",
            self.scheme, self.authority, self.mount, self.name
        )
    }
}

/// The Vault / OpenBao servers this process may send its token (and data keys) to; see the
/// module documentation for why a recipient's own address is not enough.
///
/// Entries, as [`AllowList::allow`] reads them:
/// - `https://HOST[:PORT][/PATH]`: that server (port 443 when none is given); with a path,
///   only transit mounts under it (`https://vault:8200/team` allows `team/transit`).
/// - `http://HOST[:PORT][/PATH]`: the same over plain HTTP (port 80 when none is given), and
///   `https://` on the same host and port.
/// - `HOST:PORT`: `https://` on that port; `HOST` alone: `https://` on any port.
/// - `all`: any server (the file's author then chooses where the token goes: only for files
///   you trust); `none`: no server, whatever else is allowed (SOPS's meaning).
///
/// Host names are compared without case and without a final dot; nothing is resolved.
#[derive(Clone, Debug, Default)]
pub struct AllowList {
    servers: Vec<AllowedServer>,
    /// The source of an `all` entry.
    all: Option<String>,
    /// The source of a `none` entry.
    none: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct AllowedServer {
    /// `Some("http")`, `Some("https")`, or `None` for a `HOST[:PORT]` entry (https only).
    scheme: Option<String>,
    host: String,
    /// `None`: any port.
    port: Option<u16>,
    /// A path prefix without its final `/`, or empty.
    path: String,
    /// Where the entry came from (`VAULT_ADDR`), for messages.
    source: String,
}

/// How a server was allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// By an entry of `source` that names it.
    Listed {
        /// Where the entry came from.
        source: String,
    },
    /// Only by an `all` entry of `source`.
    ByAll {
        /// Where the `all` came from.
        source: String,
    },
}

/// An allow-list entry that cannot be read: it allows nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadEntry(pub String);

/// A server the allow-list does not allow (or cannot judge): why, and how to allow it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotAllowed(pub String);

impl AllowList {
    /// Allows one entry (see the type's documentation); `source` names where it came from
    /// (`VAULTFILE_VAULT_ALLOWLIST`) in messages. An entry that cannot be read is an error
    /// and allows nothing.
    pub fn allow(&mut self, entry: &str, source: &str) -> Result<(), BadEntry> {
        let entry = entry.trim();
        match entry {
            "" => return Err(BadEntry(format!("{source}: an entry is empty"))),
            "all" => {
                self.all.get_or_insert_with(|| source.to_owned());
                return Ok(());
            }
            "none" => {
                self.none.get_or_insert_with(|| source.to_owned());
                return Ok(());
            }
            _ => {}
        }
        let server = parse_server(entry, source)
            .map_err(|reason| BadEntry(format!("{source}: '{entry}' is not a server: {reason}")))?;
        if !self.servers.contains(&server) {
            self.servers.push(server);
        }
        Ok(())
    }

    /// Allows each entry of a comma-separated list, as SOPS reads `SOPS_HC_VAULT_ALLOWLIST`:
    /// `all` or `none` only as the whole value. Returns the entries' errors (those entries
    /// allow nothing; the others do).
    pub fn allow_list(&mut self, list: &str, source: &str) -> Vec<BadEntry> {
        let trimmed = list.trim();
        if trimmed == "all" || trimmed == "none" {
            return self.allow(trimmed, source).err().into_iter().collect();
        }
        let mut errors = Vec::new();
        for entry in list.split(',') {
            if matches!(entry.trim(), "all" | "none") {
                errors.push(BadEntry(format!(
                    "{source}: '{}' must be the whole value, not one entry of a list",
                    entry.trim()
                )));
                continue;
            }
            if let Err(e) = self.allow(entry, source) {
                errors.push(e);
            }
        }
        errors
    }

    /// Allows the server of a Vault address such as `VAULT_ADDR`'s (`https://HOST:PORT`),
    /// which must have its scheme.
    pub fn allow_address(&mut self, address: &str, source: &str) -> Result<(), BadEntry> {
        let address = address.trim();
        if !address.contains("://") {
            return Err(BadEntry(format!(
                "{source}: '{address}' is not an address (expected https://HOST[:PORT])"
            )));
        }
        self.allow(address, source)
    }

    /// Whether nothing is allowed.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty() && self.all.is_none()
    }

    /// Whether the server of `spec` may be called, and why; `Err` says why not (and how to
    /// allow it).
    pub fn check(&self, spec: &KeySpec) -> Result<Allowed, NotAllowed> {
        let origin = format!("{}://{}", spec.scheme, spec.authority);
        if let Some(source) = &self.none {
            return Err(NotAllowed(format!(
                "{source}=none allows no Vault server, so nothing was sent to {origin}"
            )));
        }
        let (host, port) = host_port(&spec.authority, &spec.scheme)
            .map_err(|e| NotAllowed(format!("{origin}: {e}")))?;
        let path = format!("/{}/keys/{}", spec.mount, spec.name);
        if let Some(s) = self.servers.iter().find(|s| {
            let scheme_ok = match s.scheme.as_deref() {
                Some("http") => true,
                _ => spec.scheme == "https",
            };
            scheme_ok
                && s.host == host
                && s.port.is_none_or(|p| p == port)
                && (s.path.is_empty()
                    || path == s.path
                    || path.starts_with(&format!("{}/", s.path)))
        }) {
            return Ok(Allowed::Listed {
                source: s.source.clone(),
            });
        }
        if let Some(source) = &self.all {
            return Ok(Allowed::ByAll {
                source: source.clone(),
            });
        }
        let mut message = format!(
            "{origin} is not a Vault server you allowed, and a server named only by a file or a recipient is never sent the token: nothing was sent to it. If you trust it, set VAULTFILE_VAULT_ALLOWLIST={origin} (comma separated; or --vault-allow {origin}, or VAULT_ADDR={origin})"
        );
        if !self.servers.is_empty() {
            let now: Vec<String> = self
                .servers
                .iter()
                .map(|s| format!("{} from {}", s.describe(), s.source))
                .collect();
            message.push_str(&format!("; allowed now: {}", now.join(", ")));
        }
        Err(NotAllowed(message))
    }
}

impl AllowedServer {
    fn describe(&self) -> String {
        let scheme = self.scheme.as_deref().unwrap_or("https");
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        format!("{scheme}://{}{port}{}", self.host, self.path)
    }
}

/// Reads an allow-list entry: a URL (`https://HOST[:PORT][/PATH]`) or `HOST[:PORT]`.
fn parse_server(entry: &str, source: &str) -> Result<AllowedServer, BadEntry> {
    if let Some((scheme, _)) = entry.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(BadEntry("expected https:// or http://".into()));
        }
        if entry.contains('#') {
            return Err(BadEntry("a server has no fragment".into()));
        }
        let uri = http::Uri::from_str(entry).map_err(|e| BadEntry(e.to_string()))?;
        if uri.query().is_some() {
            return Err(BadEntry("a server has no query".into()));
        }
        let authority = uri.authority().ok_or(BadEntry("no host".into()))?;
        let (host, port) = host_port(authority.as_str(), &scheme)?;
        let path = uri.path().trim_end_matches('/');
        return Ok(AllowedServer {
            scheme: Some(scheme),
            host,
            port: Some(port),
            path: path.to_owned(),
            source: source.to_owned(),
        });
    }
    if entry.contains('/') {
        return Err(BadEntry(
            "write a path as part of a URL (https://HOST/PATH)".into(),
        ));
    }
    let authority = http::uri::Authority::from_str(entry).map_err(|e| BadEntry(e.to_string()))?;
    if authority.as_str().contains('@') {
        return Err(BadEntry("a server holds no credentials".into()));
    }
    let host = normal_host(authority.host())?;
    Ok(AllowedServer {
        scheme: None,
        host,
        port: authority.port_u16(),
        path: String::new(),
        source: source.to_owned(),
    })
}

/// The host (lower case, no final dot) and port (the scheme's default if none) of
/// `authority`.
fn host_port(authority: &str, scheme: &str) -> Result<(String, u16), BadEntry> {
    if authority.contains('@') {
        return Err(BadEntry("a server holds no credentials".into()));
    }
    let a = http::uri::Authority::from_str(authority).map_err(|e| BadEntry(e.to_string()))?;
    let port = a
        .port_u16()
        .unwrap_or(if scheme == "http" { 80 } else { 443 });
    Ok((normal_host(a.host())?, port))
}

fn normal_host(host: &str) -> Result<String, BadEntry> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return Err(BadEntry("no host".into()));
    }
    Ok(host)
}

/// A transit key as a recipient.
pub type Recipient = ServiceRecipient<Service>;

/// Unwraps data keys wrapped for any transit recipient, with the configured token.
pub type Identity = ServiceIdentity<Service>;

impl KeyService for Service {
    type Key = KeySpec;

    const NAME: &'static str = "Vault transit";

    fn is_recipient(text: &str) -> bool {
        text.starts_with(PREFIX)
    }

    /// The transit ciphertext (`vault:v1:…`).
    fn wrap(&self, key: &KeySpec, payload: &[u8]) -> Result<String, KeyServiceError> {
        self.encrypt(key, payload)
    }

    fn unwrap(&self, key: &KeySpec, wrapped: &str) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        self.decrypt(key, wrapped)
    }

    /// SOPS's `hc_vault` entry: the server, the mount and the key's name apart.
    fn sops_entry(spec: &KeySpec, wrapped: String, created_at: &str) -> SopsEntry {
        use serde_json::Value;
        let address = format!("{}://{}", spec.scheme, spec.authority);
        let mut fields = SopsFields::new();
        fields.insert("vault_address".into(), Value::String(address.clone()));
        fields.insert("engine_path".into(), Value::String(spec.mount.clone()));
        fields.insert("key_name".into(), Value::String(spec.name.clone()));
        fields.insert("created_at".into(), Value::String(created_at.to_owned()));
        fields.insert("enc".into(), Value::String(wrapped));
        SopsEntry {
            kind: "hc_vault",
            id: format!("{address}/v1/{}/keys/{}", spec.mount, spec.name),
            fields,
        }
    }

    fn describe(&self) -> String {
        let s = &self.0.settings;
        match &s.token {
            Some(_) => format!("Vault/OpenBao transit (token from {})", s.token_source),
            None => "Vault/OpenBao transit (no token: VAULT_TOKEN is unset, no ~/.vault-token)"
                .to_owned(),
        }
    }
}

/// The Vault / OpenBao transit key source: `vault:…` recipients, SOPS's `hc_vault`
/// entries.
pub struct Source;

impl super::KeySource for Source {
    fn name(&self) -> &'static str {
        "Vault transit"
    }

    // The key never leaves the service and is symmetric (transit's default, AES-256-GCM),
    // which a quantum computer does not break.
    fn quantum_resistant(&self) -> bool {
        true
    }

    fn claims(&self, text: &str) -> bool {
        text.starts_with(PREFIX)
    }

    fn parse(
        &self,
        text: &str,
        context: &super::Context,
    ) -> Result<Box<dyn super::Recipient>, RecipientError> {
        Recipient::parse(text, &context.vault).map(|r| Box::new(r) as _)
    }

    fn sops_kind(&self) -> Option<&'static str> {
        Some("hc_vault")
    }

    // SOPS's hc_vault entry: the server, the transit mount and the key's name.
    fn sops_recipient(&self, _: &str, fields: &SopsFields) -> Option<String> {
        let field = |k: &str| super::sops_string(fields, k).filter(|v| !v.is_empty());
        let id = format!(
            "{PREFIX}{}/{}/keys/{}",
            field("vault_address")?.trim_end_matches('/'),
            field("engine_path")?.trim_matches('/'),
            field("key_name")?
        );
        KeySpec::parse(&id).ok().map(|s| s.id())
    }

    fn sops_config_fields(&self) -> Option<(&'static str, &'static str)> {
        Some(("hc_vault_transit_uri", "hc_vault"))
    }

    /// SOPS's transit URIs, `SCHEME://HOST[:PORT]/v1/MOUNT/keys/NAME` (SOPS writes the API
    /// path; vaultfile's recipient leaves `/v1/` out).
    fn sops_config_recipients(
        &self,
        keys: &serde_json::Value,
        _: &SopsFields,
    ) -> Vec<Result<String, BadKey>> {
        let one = |uri: &str| -> Result<String, BadKey> {
            let (scheme, rest) = uri
                .split_once("://")
                .ok_or_else(|| format!("'{uri}' is not a URL"))?;
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let path = path
                .strip_prefix("v1/")
                .ok_or_else(|| format!("'{uri}' is not SCHEME://HOST/v1/MOUNT/keys/NAME"))?;
            KeySpec::parse(&format!("{PREFIX}{scheme}://{authority}/{path}")).map(|s| s.id())
        };
        super::sops_list(keys).iter().map(|u| one(u)).collect()
    }
}

impl Service {
    /// A service that reaches Vault as `settings` say.
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

    /// Encrypts any payload with the transit key at `spec` (sent base64-encoded, as SOPS
    /// does too): a data key, or a Shamir share of one for a SOPS key group. Returns the
    /// transit ciphertext (`vault:v1:…`).
    pub fn encrypt(&self, spec: &KeySpec, payload: &[u8]) -> Result<String, KeyServiceError> {
        let plaintext = Zeroizing::new(STANDARD.encode(payload));
        let body =
            Zeroizing::new(serde_json::json!({ "plaintext": plaintext.as_str() }).to_string());
        let answer = self.call(spec, "encrypt", &body)?;
        answer
            .get("data")
            .and_then(|d| d.get("ciphertext"))
            .and_then(|c| c.as_str())
            .filter(|c| c.starts_with("vault:v"))
            .map(str::to_owned)
            .ok_or_else(|| {
                KeyServiceError::new(
                    FailureClass::Other,
                    "the server's answer has no data.ciphertext",
                )
            })
    }

    /// Decrypts a transit ciphertext (`vault:v…`) of any payload with the key at `spec`: a
    /// vaultfile data key, or what SOPS wraps there (a data key, or a Shamir share of one,
    /// which SOPS sends base64-encoded as vaultfile does).
    pub fn decrypt(
        &self,
        spec: &KeySpec,
        ciphertext: &str,
    ) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        let other = |detail: &str| KeyServiceError::new(FailureClass::Other, detail);
        let ciphertext = ciphertext.trim();
        if !ciphertext.starts_with("vault:v") {
            return Err(other(
                "the wrapped key is not a transit ciphertext (vault:v…)",
            ));
        }
        let body = serde_json::json!({ "ciphertext": ciphertext }).to_string();
        let answer = self.call(spec, "decrypt", &body)?;
        let b64 = answer
            .get("data")
            .and_then(|d| d.get("plaintext"))
            .and_then(|p| p.as_str())
            .ok_or_else(|| other("the server's answer has no data.plaintext"))?;
        STANDARD
            .decode(b64)
            .map(Zeroizing::new)
            .map_err(|_| other("the server's plaintext is not base64"))
    }
}

/// The class of an error answer, from its status and the server's messages.
pub fn class_of(status: u16, message: &str) -> FailureClass {
    let m = message.to_ascii_lowercase();
    match status {
        401 | 403 => FailureClass::Denied,
        404 => FailureClass::NotFound,
        429 => FailureClass::Throttled,
        503 => FailureClass::Unavailable,
        _ if m.contains("not found") || m.contains("no handler for route") => {
            FailureClass::NotFound
        }
        _ if m.contains("ciphertext")
            || m.contains("message authentication failed")
            || m.contains("decrypt") =>
        {
            FailureClass::Rejected
        }
        _ => FailureClass::Other,
    }
}

impl Service {
    /// The runtime and the client, made the first time a server is called.
    fn started(&self) -> Result<&Started, KeyServiceError> {
        let s = &self.0.settings;
        self.0
            .started
            .get_or_init(|| Started::new(s.timeout, s.ca_cert.as_deref()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Warns once per `key` with this service.
    fn warn_once(&self, key: String, message: impl FnOnce() -> String) {
        if let Some(warn) = &self.0.settings.warn
            && self
                .0
                .warned
                .lock()
                .map(|mut w| w.insert(key))
                .unwrap_or(false)
        {
            warn(&message());
        }
    }
}

impl Service {
    /// POSTs `body` to `ACTION/NAME` under the key's mount and returns the JSON answer.
    fn call(
        &self,
        spec: &KeySpec,
        action: &str,
        body: &str,
    ) -> Result<serde_json::Value, KeyServiceError> {
        let s = &self.0.settings;
        // First of all, before the token is even looked at: is this a server the caller
        // chose?
        let allowed = s
            .allowed
            .check(spec)
            .map_err(|NotAllowed(detail)| KeyServiceError {
                class: FailureClass::NotAllowed,
                detail,
            })?;
        let token = s.token.as_ref().ok_or_else(|| KeyServiceError {
            class: FailureClass::NoToken,
            detail: "set VAULT_TOKEN, or log in so that ~/.vault-token exists".into(),
        })?;
        let started = self.started()?;
        if let Allowed::ByAll { source } = &allowed {
            self.warn_once(format!("all {}", spec.authority), || {
                format!(
                    "{PREFIX}{}://{}: sending the Vault token there only because {source} is `all`; a file's author chooses that server",
                    spec.scheme, spec.authority
                )
            });
        }
        if spec.scheme == "http" {
            self.warn_once(spec.authority.clone(), || {
                format!(
                    "{PREFIX}http://{}: plain HTTP, so the token and data keys cross the network unencrypted; use https:// except for a local development server",
                    spec.authority
                )
            });
        }
        let url = spec.endpoint(action);
        let x = Exchange {
            authority: &spec.authority,
            timeout: s.timeout,
            attempts: s.max_attempts,
            certificate_hint: " (set VAULT_CACERT to the server's CA certificate)",
        };
        let (status, bytes) = started.exchange(&self.0.down, &x, || {
            let mut req = http::Request::post(&url)
                .header("X-Vault-Token", token.expose_secret())
                .header("X-Vault-Request", "true")
                .header(http::header::CONTENT_TYPE, "application/json");
            if let Some(ns) = &s.namespace {
                req = req.header("X-Vault-Namespace", ns.as_str());
            }
            req.body(Full::new(Bytes::copy_from_slice(body.as_bytes())))
        })?;
        let json: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        if (200..300).contains(&status) {
            return Ok(json);
        }
        let messages: Vec<&str> = json
            .get("errors")
            .and_then(|e| e.as_array())
            .map(|a| a.iter().filter_map(|m| m.as_str()).collect())
            .unwrap_or_default();
        let message = messages.join("; ").replace('\n', " ");
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        Err(KeyServiceError {
            class: class_of(status, &message),
            detail: if message.is_empty() {
                format!("HTTP {status} from {url}")
            } else {
                format!("{message} (HTTP {status})")
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_addresses() {
        let s = KeySpec::parse("vault:https://vault.example:8200/transit/keys/app").unwrap();
        assert_eq!(
            (
                s.scheme.as_str(),
                s.authority.as_str(),
                s.mount.as_str(),
                s.name.as_str()
            ),
            ("https", "vault.example:8200", "transit", "app")
        );
        assert_eq!(
            s.endpoint("decrypt"),
            "https://vault.example:8200/v1/transit/decrypt/app"
        );
        assert_eq!(s.id(), "vault:https://vault.example:8200/transit/keys/app");
        let s = KeySpec::parse("vault:http://127.0.0.1:8200/team/transit/keys/k/").unwrap();
        assert_eq!((s.mount.as_str(), s.name.as_str()), ("team/transit", "k"));
        assert_eq!(s.id(), "vault:http://127.0.0.1:8200/team/transit/keys/k");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for (text, why) in [
            ("vault:ftp://h/transit/keys/k", "https://"),
            ("vault:https://h/transit/k", "MOUNT/keys/NAME"),
            ("vault:https://h/keys/k", "no mount"),
            ("vault:https://h/v1/transit/keys/k", "leave out /v1/"),
            ("vault:https://h/transit/keys/k?x=1", "query"),
            ("vault:https://u:p@h/transit/keys/k", "credentials"),
            ("vault:https:///transit/keys/k", "URL"),
        ] {
            let e = KeySpec::parse(text).unwrap_err();
            assert!(e.0.contains(why), "{text}: {e}");
        }
    }

    #[test]
    fn answers_map_to_classes() {
        assert_eq!(
            class_of(403, "1 error occurred: * permission denied"),
            FailureClass::Denied
        );
        assert_eq!(
            class_of(400, "encryption key not found"),
            FailureClass::NotFound
        );
        assert_eq!(
            class_of(400, "invalid ciphertext: no prefix"),
            FailureClass::Rejected
        );
        assert_eq!(class_of(429, ""), FailureClass::Throttled);
        assert_eq!(class_of(503, "Vault is sealed"), FailureClass::Unavailable);
        assert_eq!(class_of(500, "internal error"), FailureClass::Other);
    }

    fn spec(text: &str) -> KeySpec {
        KeySpec::parse(text).unwrap()
    }

    #[test]
    fn nothing_is_allowed_by_default() {
        let list = AllowList::default();
        assert!(list.is_empty());
        let e = list
            .check(&spec("vault:https://evil.example:8200/transit/keys/k"))
            .unwrap_err();
        assert!(e.0.contains("https://evil.example:8200"), "{e}");
        assert!(
            e.0.contains("VAULTFILE_VAULT_ALLOWLIST=https://evil.example:8200"),
            "{e}"
        );
        assert!(Settings::default().allowed.is_empty());
    }

    /// `all` alone, or one server alone, is something allowed.
    #[test]
    fn is_empty_only_when_no_server_and_no_all() {
        let mut list = AllowList::default();
        assert!(list.is_empty());
        list.allow("all", "SRC").unwrap();
        assert!(!list.is_empty());
        let mut list = AllowList::default();
        list.allow("vault.example:8200", "SRC").unwrap();
        assert!(!list.is_empty());
    }

    /// A server allowed with a key's whole path allows that key, and no other key whose
    /// path merely starts the same way.
    #[test]
    fn a_server_allowed_for_one_key_path_allows_exactly_that_key() {
        let mut list = AllowList::default();
        list.allow("https://vault.example:8200/transit/keys/app", "SRC")
            .unwrap();
        let ok = |t: &str| list.check(&spec(t)).is_ok();
        assert!(ok("vault:https://vault.example:8200/transit/keys/app"));
        assert!(!ok("vault:https://vault.example:8200/transit/keys/app2"));
        assert!(!ok("vault:https://vault.example:8200/transit/keys/other"));
    }

    /// An empty entry (`a,,b`) is named as such, not as a server that cannot be read, and
    /// allows nothing.
    #[test]
    fn an_empty_entry_is_named_and_allows_nothing() {
        let mut list = AllowList::default();
        assert_eq!(
            list.allow("  ", "SRC"),
            Err(BadEntry("SRC: an entry is empty".into()))
        );
        assert!(list.is_empty());
        let errors = list.allow_list("https://a.example:8200,,https://b.example:8200", "SRC");
        assert_eq!(errors, [BadEntry("SRC: an entry is empty".into())]);
    }

    #[test]
    fn allowed_servers_match_scheme_host_port_and_path() {
        let mut list = AllowList::default();
        list.allow_address("https://Vault.Example.:8200/", "VAULT_ADDR")
            .unwrap();
        let ok = |l: &AllowList, t: &str| l.check(&spec(t)).is_ok();
        assert!(ok(&list, "vault:https://vault.example:8200/transit/keys/k"));
        assert!(ok(&list, "vault:https://VAULT.example.:8200/a/b/keys/k"));
        // Another port, another host, a look-alike, or a downgrade to plain HTTP: refused.
        assert!(!ok(
            &list,
            "vault:https://vault.example:8201/transit/keys/k"
        ));
        assert!(!ok(&list, "vault:https://vault.example/transit/keys/k"));
        assert!(!ok(
            &list,
            "vault:https://vault.example.evil.net:8200/transit/keys/k"
        ));
        assert!(!ok(
            &list,
            "vault:https://evil-vault.example:8200/transit/keys/k"
        ));
        assert!(!ok(&list, "vault:http://vault.example:8200/transit/keys/k"));
        let e = list
            .check(&spec("vault:http://vault.example:8200/transit/keys/k"))
            .unwrap_err();
        assert!(
            e.0.contains("allowed now: https://vault.example:8200 from VAULT_ADDR"),
            "{e}"
        );

        // A URL without a port: the scheme's; plain HTTP also allows https there.
        let mut list = AllowList::default();
        list.allow("http://127.0.0.1:8200", "X").unwrap();
        list.allow("https://vault.example", "X").unwrap();
        assert!(ok(&list, "vault:http://127.0.0.1:8200/transit/keys/k"));
        assert!(ok(&list, "vault:https://127.0.0.1:8200/transit/keys/k"));
        assert!(!ok(&list, "vault:http://127.0.0.1:8201/transit/keys/k"));
        assert!(!ok(&list, "vault:http://localhost:8200/transit/keys/k"));
        assert!(ok(&list, "vault:https://vault.example/transit/keys/k"));
        assert!(ok(&list, "vault:https://vault.example:443/transit/keys/k"));
        assert!(!ok(
            &list,
            "vault:https://vault.example:8200/transit/keys/k"
        ));

        // HOST:PORT and HOST: https only; HOST alone, any port.
        let mut list = AllowList::default();
        list.allow("vault.example:8200", "X").unwrap();
        list.allow("bao.example", "X").unwrap();
        list.allow("[::1]:8200", "X").unwrap();
        assert!(ok(&list, "vault:https://vault.example:8200/transit/keys/k"));
        assert!(!ok(&list, "vault:http://vault.example:8200/transit/keys/k"));
        assert!(!ok(
            &list,
            "vault:https://vault.example:9200/transit/keys/k"
        ));
        assert!(ok(&list, "vault:https://bao.example:9999/transit/keys/k"));
        assert!(!ok(&list, "vault:http://bao.example/transit/keys/k"));
        assert!(ok(&list, "vault:https://[::1]:8200/transit/keys/k"));

        // A path: only mounts under it, segment by segment.
        let mut list = AllowList::default();
        list.allow("https://vault.example/team/", "X").unwrap();
        assert!(ok(&list, "vault:https://vault.example/team/transit/keys/k"));
        assert!(!ok(
            &list,
            "vault:https://vault.example/teams/transit/keys/k"
        ));
        assert!(!ok(&list, "vault:https://vault.example/transit/keys/k"));
    }

    #[test]
    fn all_none_and_bad_entries() {
        let k = spec("vault:https://anywhere.example/transit/keys/k");
        let mut list = AllowList::default();
        assert!(list.allow_list("all", "SOPS_HC_VAULT_ALLOWLIST").is_empty());
        assert_eq!(
            list.check(&k),
            Ok(Allowed::ByAll {
                source: "SOPS_HC_VAULT_ALLOWLIST".into()
            })
        );
        // `none` wins over everything else.
        list.allow_address("https://anywhere.example", "VAULT_ADDR")
            .unwrap();
        assert!(
            list.allow_list(" none ", "VAULTFILE_VAULT_ALLOWLIST")
                .is_empty()
        );
        let e = list.check(&k).unwrap_err();
        assert!(e.0.contains("VAULTFILE_VAULT_ALLOWLIST=none"), "{e}");

        // As SOPS: `all`/`none` only as the whole value; empty entries are errors.
        let mut list = AllowList::default();
        let errors = list.allow_list("all,https://a.example,,ftp://b,c/d,https://u:p@e", "S");
        assert_eq!(errors.len(), 5, "{errors:?}");
        assert!(list.check(&k).is_err());
        assert!(
            list.check(&spec("vault:https://a.example/transit/keys/k"))
                .is_ok()
        );
        assert!(
            list.allow_address("vault.example:8200", "VAULT_ADDR")
                .is_err()
        );
    }

    #[test]
    fn settings_debug_hides_the_token() {
        let s = Settings {
            token: Some(SecretString::from("hvs.secret-token".to_owned())),
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("secret-token"));
    }
}
