//! Google Cloud KMS recipients: `gcpkms:projects/P/locations/L/keyRings/R/cryptoKeys/K`.
//!
//! The data key is sent to Cloud KMS `encrypt` under the named crypto key, and the wrapped
//! key stored in the metadata is the base64 ciphertext it returns; `decrypt` gives the data
//! key back (<https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/encrypt>).
//! Cloud KMS decrypts with whichever key version encrypted, so a rotated key keeps opening
//! older files. SOPS's `gcp_kms` entries are the same thing: `resource_id` is the key's
//! resource name and `enc` that ciphertext, so files and `.sops.yaml` rules carry over.
//!
//! Two REST calls over the hyper client and rustls stack the other key services use, on a
//! small current-thread tokio runtime per [`Service`], created the first time it is needed.
//! Each request is bounded by the configured timeout (connecting, and the whole request)
//! and retried, with exponential backoff and jitter, only when Google answers 429
//! (`RESOURCE_EXHAUSTED`). A host that timed out or could not be reached is not tried again
//! with the same [`Service`].
//!
//! **Which hosts a file can choose: none.** A recipient (or a SOPS `gcp_kms` entry) is read
//! from a file before anything in it can be authenticated, so whatever it can steer, the
//! file's author steers. It names only a resource (each segment checked against the
//! characters Cloud KMS allows, so that it cannot add a path, a query or a host), never a
//! host: requests go to [`Settings::endpoint`] (`https://cloudkms.googleapis.com` unless the
//! caller sets another), and access tokens come from the hosts of the caller's own
//! [`Credentials`]: a service-account key file's `token_uri`, or the metadata server.
//!
//! Credentials, as the caller chose them ([`Credentials`]; the CLI reads the environment,
//! the library none): an OAuth access token as is (SOPS's `GOOGLE_OAUTH_ACCESS_TOKEN`); a
//! credentials file (`GOOGLE_APPLICATION_CREDENTIALS`): a service-account key, whose
//! private key signs a JWT (RS256) exchanged at the file's `token_uri` for an access token
//! (RFC 7523), or a user's `gcloud auth application-default login` file, whose refresh
//! token is exchanged the same way (RFC 6749, section 6); or the metadata server of Compute
//! Engine, GKE, Cloud Run (<https://cloud.google.com/compute/docs/access/authenticate-workloads#applications>).
//! Tokens obtained are kept for their lifetime with the [`Service`]. External-account
//! (workload identity federation) files are refused with a message that names what works.

mod credentials;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ::age::secrecy::{ExposeSecret, SecretString};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http_body_util::Full;
use zeroize::Zeroizing;

use super::http::{Exchange, Started, authority_of, endpoint_base};
use super::service::{
    BadKey, FailureClass, KeyService, KeyServiceError, ServiceIdentity, ServiceKey,
    ServiceRecipient,
};
use super::{RecipientError, SopsEntry, SopsFields};

/// The prefix of every Cloud KMS recipient.
pub const PREFIX: &str = "gcpkms:";

/// Google's Cloud KMS endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://cloudkms.googleapis.com";

/// The metadata server's host, as Google's client libraries name it.
pub const DEFAULT_METADATA_HOST: &str = "metadata.google.internal";

/// The default bound on connecting and on each request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a throttled request is tried, by default.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// Where access tokens come from.
#[derive(Clone)]
pub enum Credentials {
    /// An OAuth 2.0 access token, used as it is until Google refuses it.
    AccessToken {
        /// The token.
        token: SecretString,
        /// Where it came from, for messages (`$GOOGLE_OAUTH_ACCESS_TOKEN`).
        source: String,
    },
    /// A credentials file: a service-account key or an authorized user's refresh token
    /// (read when a token is first needed).
    File {
        /// The file.
        path: PathBuf,
        /// Where its name came from, for messages (`$GOOGLE_APPLICATION_CREDENTIALS`).
        source: String,
    },
    /// The metadata server at `host` (`HOST[:PORT]`, plain HTTP, as on Google's VMs).
    Metadata {
        /// Its host.
        host: String,
    },
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AccessToken { source, .. } => f
                .debug_struct("AccessToken")
                .field("token", &"[redacted]")
                .field("source", source)
                .finish(),
            Credentials::File { path, source } => f
                .debug_struct("File")
                .field("path", path)
                .field("source", source)
                .finish(),
            Credentials::Metadata { host } => {
                f.debug_struct("Metadata").field("host", host).finish()
            }
        }
    }
}

/// How this process reaches Cloud KMS.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The API's base URL (`https://cloudkms.googleapis.com`, or a private or local
    /// endpoint); `/v1/RESOURCE:encrypt` is appended.
    pub endpoint: String,
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
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            credentials: Credentials::Metadata {
                host: DEFAULT_METADATA_HOST.to_owned(),
            },
            timeout: DEFAULT_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// How this process reaches Cloud KMS: the [`Settings`], and the runtime, HTTP client,
/// access token and unreachable hosts that every recipient and identity made with it share.
/// Cloning it shares them too.
#[derive(Clone, Default)]
pub struct Service(Arc<Shared>);

#[derive(Default)]
struct Shared {
    settings: Settings,
    started: OnceLock<Result<Started, KeyServiceError>>,
    /// The access token obtained from the credentials, while it lasts.
    token: super::access_token::TokenCache,
    /// Hosts (`host:port`) found down.
    down: super::service::Down,
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Service").field(&self.0.settings).finish()
    }
}

/// A Cloud KMS crypto key's resource name, checked segment by segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// The project ID (`my-project`, `example.com:my-project`) or number.
    pub project: String,
    /// The location (`global`, `europe-west1`).
    pub location: String,
    /// The key ring's ID.
    pub key_ring: String,
    /// The crypto key's ID.
    pub key: String,
}

impl ServiceKey for KeySpec {
    /// Parses `gcpkms:projects/P/locations/L/keyRings/R/cryptoKeys/K`.
    fn parse(text: &str) -> Result<Self, BadKey> {
        let resource = text
            .trim()
            .strip_prefix(PREFIX)
            .ok_or(BadKey::from("a Cloud KMS recipient starts with gcpkms:"))?;
        Self::parse_resource(resource)
    }

    /// The recipient string, `gcpkms:` and the resource name.
    fn id(&self) -> String {
        format!("{PREFIX}{}", self.resource())
    }
}

impl KeySpec {
    /// Parses a crypto key's resource name, `projects/P/locations/L/keyRings/R/cryptoKeys/K`
    /// (SOPS's `resource_id`).
    pub fn parse_resource(resource: &str) -> Result<Self, BadKey> {
        let resource = resource.trim();
        if resource.contains("://") || resource.starts_with("//") {
            return Err(
                "write the key's resource name only (projects/P/locations/L/keyRings/R/cryptoKeys/K), without a host: requests go to the configured Cloud KMS endpoint"
                    .into(),
            );
        }
        let parts: Vec<&str> = resource.split('/').collect();
        let [
            "projects",
            project,
            "locations",
            location,
            "keyRings",
            key_ring,
            "cryptoKeys",
            key,
            rest @ ..,
        ] = parts.as_slice()
        else {
            return Err(
                "expected projects/PROJECT/locations/LOCATION/keyRings/RING/cryptoKeys/KEY".into(),
            );
        };
        if !rest.is_empty() {
            return Err(if rest.first() == Some(&"cryptoKeyVersions") {
                "name the crypto key, not one of its versions: Cloud KMS encrypts with the primary version and decrypts with whichever encrypted".into()
            } else {
                "nothing may follow cryptoKeys/KEY".into()
            });
        }
        check_project(project)?;
        check_location(location)?;
        check_id(key_ring, "key ring")?;
        check_id(key, "crypto key")?;
        Ok(KeySpec {
            project: (*project).to_owned(),
            location: (*location).to_owned(),
            key_ring: (*key_ring).to_owned(),
            key: (*key).to_owned(),
        })
    }

    /// The resource name, `projects/P/locations/L/keyRings/R/cryptoKeys/K`.
    pub fn resource(&self) -> String {
        format!(
            "projects/{}/locations/{}/keyRings/{}/cryptoKeys/{}",
            self.project, self.location, self.key_ring, self.key
        )
    }
}

/// A project ID (6 to 30 lowercase letters, digits and hyphens, starting with a letter and
/// not ending with a hyphen), a legacy domain-scoped one (`example.com:my-project`), or a
/// project number (<https://cloud.google.com/resource-manager/docs/creating-managing-projects>).
fn check_project(project: &str) -> Result<(), BadKey> {
    let bad = || {
        BadKey(format!(
            "'{project}' is not a project ID (6 to 30 lowercase letters, digits and hyphens, starting with a letter) or number"
        ))
    };
    if !project.is_empty() && project.len() <= 30 && project.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    let id = match project.rsplit_once(':') {
        Some((domain, id)) => {
            let domain_ok = !domain.is_empty()
                && domain.len() <= 253
                && domain.split('.').all(|label| {
                    !label.is_empty()
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                });
            if !domain_ok {
                return Err(bad());
            }
            id
        }
        None => project,
    };
    let ok = (6..=30).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { Ok(()) } else { Err(bad()) }
}

/// A location: `global`, a region (`europe-west1`) or a multi-region (`us`, `nam-eur-asia1`).
fn check_location(location: &str) -> Result<(), BadKey> {
    let ok = (1..=63).contains(&location.len())
        && location.starts_with(|c: char| c.is_ascii_lowercase())
        && location
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(
            format!("'{location}' is not a location (global, or a region such as europe-west1)")
                .into(),
        )
    }
}

/// A key ring's or crypto key's ID: 1 to 63 letters, digits, `_` and `-`, as Cloud KMS
/// allows (<https://cloud.google.com/kms/docs/resource-hierarchy>).
fn check_id(id: &str, what: &str) -> Result<(), BadKey> {
    let ok = (1..=63).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!("'{id}' is not a {what} ID (1 to 63 letters, digits, '_' and '-')").into())
    }
}

/// A Cloud KMS key as a recipient.
pub type Recipient = ServiceRecipient<Service>;

/// Unwraps data keys wrapped for any Cloud KMS recipient, with the configured credentials.
pub type Identity = ServiceIdentity<Service>;

impl KeyService for Service {
    type Key = KeySpec;

    const NAME: &'static str = "GCP KMS";

    fn is_recipient(text: &str) -> bool {
        text.starts_with(PREFIX)
    }

    /// The base64 ciphertext Cloud KMS returns.
    fn wrap(&self, key: &KeySpec, payload: &[u8]) -> Result<String, KeyServiceError> {
        self.encrypt(key, payload)
    }

    fn unwrap(&self, key: &KeySpec, wrapped: &str) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        self.decrypt(key, wrapped)
    }

    /// SOPS's `gcp_kms` entry: `resource_id`, `created_at`, `enc`.
    fn sops_entry(spec: &KeySpec, wrapped: String, created_at: &str) -> SopsEntry {
        use serde_json::Value;
        let mut fields = SopsFields::new();
        fields.insert("resource_id".into(), Value::String(spec.resource()));
        fields.insert("created_at".into(), Value::String(created_at.to_owned()));
        fields.insert("enc".into(), Value::String(wrapped));
        SopsEntry {
            kind: "gcp_kms",
            id: spec.resource(),
            fields,
        }
    }

    fn describe(&self) -> String {
        match &self.0.settings.credentials {
            Credentials::AccessToken { source, .. } => {
                format!("GCP KMS (access token from {source})")
            }
            Credentials::File { path, source } => {
                format!("GCP KMS (credentials {} from {source})", path.display())
            }
            Credentials::Metadata { host } => format!("GCP KMS (metadata server {host})"),
        }
    }
}

/// The Cloud KMS key source: `gcpkms:…` recipients, SOPS's `gcp_kms` entries.
pub struct Source;

impl super::KeySource for Source {
    fn name(&self) -> &'static str {
        "GCP KMS"
    }

    // The key never leaves the service and is symmetric (AES-256), which a quantum computer
    // does not break.
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
        Recipient::parse(text, &context.gcp_kms).map(|r| Box::new(r) as _)
    }

    fn sops_kind(&self) -> Option<&'static str> {
        Some("gcp_kms")
    }

    fn sops_recipient(&self, id: &str, _: &SopsFields) -> Option<String> {
        KeySpec::parse_resource(id).ok().map(|s| s.id())
    }

    fn sops_config_fields(&self) -> Option<(&'static str, &'static str)> {
        Some(("gcp_kms", "gcp_kms"))
    }

    /// A creation rule's `gcp_kms`: a comma-separated string (or a list) of resource
    /// names; a key group's: a list of `{resource_id}` mappings (or of strings).
    fn sops_config_recipients(
        &self,
        keys: &serde_json::Value,
        _: &SopsFields,
    ) -> Vec<Result<String, BadKey>> {
        use serde_json::Value;
        let one = |r: &str| {
            KeySpec::parse_resource(r)
                .map(|s| s.id())
                .map_err(|e| BadKey(format!("{r}: {e}")))
        };
        match keys {
            Value::Array(a) => a
                .iter()
                .map(|e| match e {
                    Value::String(s) => one(s),
                    Value::Object(o) => match o.get("resource_id").and_then(Value::as_str) {
                        Some(r) => one(r),
                        None => Err("a gcp_kms entry has no resource_id".into()),
                    },
                    _ => Err("a gcp_kms entry is neither a string nor a mapping".into()),
                })
                .collect(),
            other => super::sops_list(other).iter().map(|s| one(s)).collect(),
        }
    }
}

impl Service {
    /// A service that reaches Cloud KMS as `settings` say.
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

    /// Encrypts any payload (a data key, or a Shamir share of one for a SOPS key group)
    /// with the crypto key `spec`; returns the base64 ciphertext.
    pub fn encrypt(&self, spec: &KeySpec, payload: &[u8]) -> Result<String, KeyServiceError> {
        let plaintext = Zeroizing::new(STANDARD.encode(payload));
        let body =
            Zeroizing::new(serde_json::json!({ "plaintext": plaintext.as_str() }).to_string());
        let answer = self.call(spec, "encrypt", &body)?;
        answer
            .get("ciphertext")
            .and_then(|c| c.as_str())
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                KeyServiceError::new(FailureClass::Other, "Cloud KMS's answer has no ciphertext")
            })
    }

    /// Decrypts a base64 ciphertext of [`Service::encrypt`]'s (or SOPS's `enc`) with the
    /// crypto key `spec`.
    pub fn decrypt(
        &self,
        spec: &KeySpec,
        ciphertext: &str,
    ) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        let other = |detail: &str| KeyServiceError::new(FailureClass::Other, detail);
        let ciphertext = ciphertext.trim();
        if ciphertext.is_empty() || STANDARD.decode(ciphertext).is_err() {
            return Err(KeyServiceError::new(
                FailureClass::Rejected,
                "the wrapped key is not base64 (a Cloud KMS ciphertext)",
            ));
        }
        let body = serde_json::json!({ "ciphertext": ciphertext }).to_string();
        let answer = self.call(spec, "decrypt", &body)?;
        let b64 = Zeroizing::new(
            answer
                .get("plaintext")
                .and_then(|p| p.as_str())
                .ok_or_else(|| other("Cloud KMS's answer has no plaintext"))?
                .to_owned(),
        );
        STANDARD
            .decode(b64.as_bytes())
            .map(Zeroizing::new)
            .map_err(|_| other("Cloud KMS's plaintext is not base64"))
    }

    /// POSTs `body` to `RESOURCE:ACTION` with an access token; returns the JSON answer.
    fn call(
        &self,
        spec: &KeySpec,
        action: &str,
        body: &str,
    ) -> Result<serde_json::Value, KeyServiceError> {
        let s = &self.0.settings;
        let base = endpoint_base(&s.endpoint, "the Cloud KMS endpoint")?;
        let url = format!("{base}/v1/{}:{action}", spec.resource());
        let token = self.access_token()?;
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
            return Ok(json);
        }
        if status == 401 {
            // A token that expired early or was revoked: the next call gets a new one.
            self.0.token.forget("");
        }
        Err(error_answer(status, &json, action))
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
            certificate_hint: "",
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

/// The error of a Google API answer (`{"error": {"code", "message", "status"}}`,
/// <https://cloud.google.com/apis/design/errors>) to a call of `action`.
fn error_answer(status: u16, json: &serde_json::Value, action: &str) -> KeyServiceError {
    let error = json.get("error");
    let code = error
        .and_then(|e| e.get("status"))
        .and_then(|s| s.as_str())
        .unwrap_or("");
    let message = error
        .and_then(|e| e.get("message"))
        .and_then(|m| m.as_str())
        .unwrap_or("");
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    KeyServiceError {
        class: class_of(status, code, action),
        detail: match (message.is_empty(), code.is_empty()) {
            (false, false) => format!("{message} ({code})"),
            (false, true) => format!("{message} (HTTP {status})"),
            (true, false) => format!("{code} (HTTP {status})"),
            (true, true) => format!("HTTP {status}"),
        },
    }
}

/// The class of an error answer from its HTTP status and Google's canonical code
/// (`NOT_FOUND`…), for a call of `action` (`encrypt`, `decrypt`).
pub fn class_of(status: u16, code: &str, action: &str) -> FailureClass {
    match (code, status) {
        ("UNAUTHENTICATED" | "PERMISSION_DENIED", _) | (_, 401 | 403) => FailureClass::Denied,
        ("NOT_FOUND", _) | (_, 404) => FailureClass::NotFound,
        ("RESOURCE_EXHAUSTED", _) | (_, 429) => FailureClass::Throttled,
        // Encrypt and decrypt fail this way only for a key version that is not enabled
        // (disabled, destroyed or scheduled for destruction).
        ("FAILED_PRECONDITION", _) => FailureClass::Disabled,
        // For decrypt: a ciphertext that is altered, or from another key.
        ("INVALID_ARGUMENT", _) if action == "decrypt" => FailureClass::Rejected,
        ("UNAVAILABLE", _) | (_, 503) => FailureClass::Unavailable,
        ("DEADLINE_EXCEEDED", _) | (_, 504) => FailureClass::TimedOut,
        _ => FailureClass::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeySource as _;

    const KEY: &str =
        "gcpkms:projects/my-project/locations/europe-west1/keyRings/ring_1/cryptoKeys/app-key";

    #[test]
    fn parses_resource_names() {
        let s = KeySpec::parse(KEY).unwrap();
        assert_eq!(
            (
                s.project.as_str(),
                s.location.as_str(),
                s.key_ring.as_str(),
                s.key.as_str()
            ),
            ("my-project", "europe-west1", "ring_1", "app-key")
        );
        assert_eq!(s.id(), KEY);
        assert_eq!(
            s.resource(),
            "projects/my-project/locations/europe-west1/keyRings/ring_1/cryptoKeys/app-key"
        );
        for ok in [
            "gcpkms:projects/123456789012/locations/global/keyRings/r/cryptoKeys/k",
            "gcpkms:projects/example.com:my-project/locations/us/keyRings/R-1/cryptoKeys/K_2",
            "gcpkms:projects/example-corp.co.uk:my-project/locations/us/keyRings/r/cryptoKeys/k",
            "  gcpkms:projects/abcdef/locations/nam-eur-asia1/keyRings/r/cryptoKeys/k  ",
        ] {
            assert!(KeySpec::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_malformed_resource_names() {
        let long = "k".repeat(64);
        for (text, why) in [
            (
                "projects/p/locations/l/keyRings/r/cryptoKeys/k",
                "starts with gcpkms:",
            ),
            (
                "gcpkms:https://cloudkms.googleapis.com/v1/projects/my-project/locations/global/keyRings/r/cryptoKeys/k",
                "without a host",
            ),
            (
                "gcpkms://evil.example/projects/my-project",
                "without a host",
            ),
            (
                "gcpkms:projects/my-project/locations/global/keyRings/r",
                "expected projects/",
            ),
            (
                "gcpkms:projects/my-project/locations/global/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1",
                "not one of its versions",
            ),
            (
                "gcpkms:projects/my-project/locations/global/keyRings/r/cryptoKeys/k/x",
                "nothing may follow",
            ),
            (
                "gcpkms:projects/My-Project/locations/global/keyRings/r/cryptoKeys/k",
                "not a project ID",
            ),
            (
                "gcpkms:projects/short/locations/global/keyRings/r/cryptoKeys/k",
                "not a project ID",
            ),
            (
                "gcpkms:projects/my-project-/locations/global/keyRings/r/cryptoKeys/k",
                "not a project ID",
            ),
            (
                "gcpkms:projects/evil..com:my-project/locations/global/keyRings/r/cryptoKeys/k",
                "not a project ID",
            ),
            (
                "gcpkms:projects/exa_mple.com:my-project/locations/global/keyRings/r/cryptoKeys/k",
                "not a project ID",
            ),
            (
                "gcpkms:projects/my-project/locations/Global/keyRings/r/cryptoKeys/k",
                "not a location",
            ),
            // Each condition on its own: a leading hyphen (every character allowed), and
            // a name too long (every character allowed, starting with a letter).
            (
                "gcpkms:projects/my-project/locations/-eu/keyRings/r/cryptoKeys/k",
                "not a location",
            ),
            (
                &format!(
                    "gcpkms:projects/my-project/locations/{}/keyRings/r/cryptoKeys/k",
                    "a".repeat(64)
                ),
                "not a location",
            ),
            (
                "gcpkms:projects/my-project/locations/global/keyRings/r.s/cryptoKeys/k",
                "not a key ring ID",
            ),
            (
                "gcpkms:projects/my-project/locations/global/keyRings//cryptoKeys/k",
                "not a key ring ID",
            ),
            (
                "gcpkms:projects/my-project/locations/global/keyRings/r/cryptoKeys/k?alt=json",
                "not a crypto key ID",
            ),
            (
                "gcpkms:projects/my-project/locations/global/keyRings/r/cryptoKeys/k:decrypt",
                "not a crypto key ID",
            ),
            (
                "gcpkms:projects/my-project/locations/global/keyRings/r/cryptoKeys/..",
                "not a crypto key ID",
            ),
            (
                &format!(
                    "gcpkms:projects/my-project/locations/global/keyRings/r/cryptoKeys/{long}"
                ),
                "not a crypto key ID",
            ),
        ] {
            let e = KeySpec::parse(text).unwrap_err();
            assert!(e.0.contains(why), "{text}: {e}");
        }
    }

    #[test]
    fn answers_map_to_classes() {
        use FailureClass::*;
        for (status, code, action, class) in [
            (401, "UNAUTHENTICATED", "encrypt", Denied),
            (403, "PERMISSION_DENIED", "decrypt", Denied),
            (404, "NOT_FOUND", "encrypt", NotFound),
            (429, "RESOURCE_EXHAUSTED", "decrypt", Throttled),
            (400, "FAILED_PRECONDITION", "decrypt", Disabled),
            (400, "INVALID_ARGUMENT", "decrypt", Rejected),
            (400, "INVALID_ARGUMENT", "encrypt", Other),
            (503, "UNAVAILABLE", "encrypt", Unavailable),
            (500, "INTERNAL", "encrypt", Other),
            (404, "", "encrypt", NotFound),
        ] {
            assert_eq!(class_of(status, code, action), class, "{status} {code}");
        }
        let json = serde_json::json!({"error": {"code": 400, "message": "projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/1 is not enabled, current state is: DISABLED.", "status": "FAILED_PRECONDITION"}});
        let e = error_answer(400, &json, "decrypt");
        assert_eq!(e.class, Disabled);
        assert!(e.detail.ends_with("DISABLED. (FAILED_PRECONDITION)"), "{e}");
        assert_eq!(
            error_answer(502, &serde_json::Value::Null, "encrypt").detail,
            "HTTP 502"
        );
    }

    #[test]
    fn sops_entries_and_config_map_to_recipients() {
        let spec = KeySpec::parse(KEY).unwrap();
        let entry = Service::sops_entry(&spec, "CiQA…".into(), "2026-01-01T00:00:00Z");
        assert_eq!(entry.kind, "gcp_kms");
        assert_eq!(entry.id, spec.resource());
        let fields: Vec<&str> = entry.fields.keys().map(String::as_str).collect();
        assert_eq!(fields, ["resource_id", "created_at", "enc"]);
        assert_eq!(
            Source.sops_recipient(&entry.id, &entry.fields).as_deref(),
            Some(KEY)
        );
        assert_eq!(Source.sops_recipient("projects/x", &entry.fields), None);
        let resource = spec.resource();
        let rule = SopsFields::new();
        let ok = |v: serde_json::Value| -> Vec<String> {
            Source
                .sops_config_recipients(&v, &rule)
                .into_iter()
                .map(Result::unwrap)
                .collect()
        };
        let other = resource.replace("app-key", "other");
        assert_eq!(
            ok(serde_json::json!(format!("{resource}, {other}"))),
            [KEY.to_owned(), format!("{PREFIX}{other}")]
        );
        assert_eq!(
            ok(serde_json::json!([{ "resource_id": resource }, other])),
            [KEY.to_owned(), format!("{PREFIX}{other}")]
        );
        let bad = Source.sops_config_recipients(
            &serde_json::json!([{ "resource_id": "projects/x" }, {"nope": 1}, 3]),
            &rule,
        );
        assert_eq!(bad.len(), 3);
        assert!(bad.iter().all(Result::is_err));
    }

    #[test]
    fn debug_hides_the_token() {
        let s = Settings {
            credentials: Credentials::AccessToken {
                token: SecretString::from("ya29.secret-token".to_owned()),
                source: "$GOOGLE_OAUTH_ACCESS_TOKEN".into(),
            },
            ..Settings::default()
        };
        assert!(!format!("{s:?}").contains("secret-token"));
        assert!(!format!("{:?}", Service::new(s)).contains("secret-token"));
    }
}
