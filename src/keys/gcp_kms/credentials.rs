//! Access tokens for Cloud KMS, from the [`Credentials`] the caller chose: a token given as
//! it is, a credentials file (a service-account key: a JWT signed RS256 and exchanged at
//! the file's `token_uri`, RFC 7523; an authorized user: its refresh token exchanged there,
//! RFC 6749 section 6; an external account, for workload identity federation: another
//! identity provider's token, read from a file or a URL, exchanged at Google's Security
//! Token Service, RFC 8693, then for a service account's token if the file says so), or
//! the metadata server. Tokens obtained are kept until a minute before they expire.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ::age::secrecy::SecretString;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http_body_util::Full;
use zeroize::Zeroizing;

use super::super::http::form_encode;
use super::{Credentials, FailureClass, KeyServiceError, Service};

/// The OAuth scope of Cloud KMS
/// (<https://cloud.google.com/kms/docs/reference/rest#authorization-scopes>).
pub const SCOPE: &str = "https://www.googleapis.com/auth/cloudkms";

/// Google's token endpoint, for files that name none.
pub const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// How long a signed assertion is valid: Google accepts at most an hour.
const ASSERTION_LIFETIME: u64 = 3600;

/// A service-account key, as a credentials file of `"type": "service_account"` holds it.
struct ServiceAccount {
    /// The account (`NAME@PROJECT.iam.gserviceaccount.com`): the assertion's issuer.
    pub client_email: String,
    /// The PKCS#8 PEM private key.
    pub private_key: Zeroizing<String>,
    /// The key's ID, sent as the JWT's `kid`.
    pub private_key_id: Option<String>,
    /// Where the assertion is exchanged for a token (and its audience).
    pub token_uri: String,
}

/// An authorized user's refresh token (`gcloud auth application-default login`).
struct AuthorizedUser {
    client_id: String,
    client_secret: Zeroizing<String>,
    refresh_token: Zeroizing<String>,
    token_uri: String,
}

/// Workload identity federation (`"type": "external_account"`, as `gcloud iam
/// workload-identity-pools create-cred-config` writes it): a Kubernetes, GitHub Actions or
/// other OIDC token, traded for a Google token
/// (<https://google.aip.dev/auth/4117>).
struct ExternalAccount {
    /// The workload identity pool provider (`//iam.googleapis.com/projects/…/providers/…`).
    audience: String,
    /// What the subject token is (`urn:ietf:params:oauth:token-type:jwt`, `…:id_token`).
    subject_token_type: String,
    /// Google's Security Token Service endpoint.
    token_url: String,
    /// The IAM Credentials `generateAccessToken` URL of the service account to act as;
    /// `None` when the federated token is used directly.
    impersonation_url: Option<String>,
    /// Where the subject token is read, each time a token is made (they are short-lived).
    source: SubjectSource,
}

/// Where an external account's subject token comes from.
enum SubjectSource {
    /// A file (a Kubernetes projected service-account token, a CI job's OIDC token).
    File {
        path: String,
        /// With a JSON file, the field that holds the token.
        json_field: Option<String>,
    },
    /// A URL, fetched with these headers.
    Url {
        url: String,
        headers: Vec<(String, String)>,
        json_field: Option<String>,
    },
}

/// What a credentials file holds.
enum FileCredentials {
    ServiceAccount(ServiceAccount),
    AuthorizedUser(AuthorizedUser),
    ExternalAccount(ExternalAccount),
}

/// The scope a federated token is asked for when a service account is impersonated
/// (what Google's libraries ask for; the account's own token then gets Cloud KMS's).
const CLOUD_PLATFORM: &str = "https://www.googleapis.com/auth/cloud-platform";

/// A credentials file's fields, as far as they are used. The secrets move into
/// [`Zeroizing`] buffers as soon as the file is read.
#[derive(serde::Deserialize)]
struct RawFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    client_email: Option<String>,
    private_key: Option<String>,
    private_key_id: Option<String>,
    token_uri: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    refresh_token: Option<String>,
    audience: Option<String>,
    subject_token_type: Option<String>,
    token_url: Option<String>,
    service_account_impersonation_url: Option<String>,
    credential_source: Option<RawSource>,
}

/// An external account's `credential_source`.
#[derive(serde::Deserialize)]
struct RawSource {
    file: Option<String>,
    url: Option<String>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    format: Option<RawFormat>,
    /// AWS-sourced credentials (`aws1`): not supported.
    environment_id: Option<String>,
    /// Executable-sourced credentials: not supported.
    executable: Option<serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct RawFormat {
    #[serde(rename = "type")]
    kind: Option<String>,
    subject_token_field_name: Option<String>,
}

impl Service {
    /// An access token: the one given, the one kept while it lasts, or a new one.
    pub(super) fn access_token(&self) -> Result<SecretString, KeyServiceError> {
        // A token given is used as it is (and never kept); the others are kept while they
        // last, under one key: a service has one set of credentials.
        let credentials = &self.0.settings.credentials;
        if let Credentials::AccessToken { token, .. } = credentials {
            return Ok(token.clone());
        }
        self.0.token.get("", || match credentials {
            Credentials::File { path, source } => match read_file(path, source)? {
                FileCredentials::ServiceAccount(sa) => self.service_account_token(&sa),
                FileCredentials::AuthorizedUser(user) => self.refresh_token(&user),
                FileCredentials::ExternalAccount(account) => self.federated_token(&account),
            },
            Credentials::Metadata { host } => self.metadata_token(host),
            Credentials::AccessToken { .. } => unreachable!("a token given is returned above"),
        })
    }

    /// Exchanges a signed assertion for a token at the key's `token_uri` (RFC 7523).
    fn service_account_token(
        &self,
        sa: &ServiceAccount,
    ) -> Result<(SecretString, Duration), KeyServiceError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let assertion = jwt(sa, now)?;
        let body = Zeroizing::new(format!(
            "grant_type={}&assertion={}",
            form_encode("urn:ietf:params:oauth:grant-type:jwt-bearer"),
            form_encode(&assertion)
        ));
        self.token_request(&sa.token_uri, &body)
            .map_err(|e| context(e, &format!("service account {}", sa.client_email)))
    }

    /// Exchanges an authorized user's refresh token for an access token (RFC 6749,
    /// section 6).
    fn refresh_token(
        &self,
        user: &AuthorizedUser,
    ) -> Result<(SecretString, Duration), KeyServiceError> {
        let body = Zeroizing::new(format!(
            "grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
            form_encode(&user.client_id),
            form_encode(&user.client_secret),
            form_encode(&user.refresh_token)
        ));
        self.token_request(&user.token_uri, &body)
            .map_err(|e| context(e, "authorized user's refresh token"))
    }

    /// Workload identity federation: the subject token, exchanged at the Security Token
    /// Service (RFC 8693), then, when the file names a service account, for its token.
    fn federated_token(
        &self,
        account: &ExternalAccount,
    ) -> Result<(SecretString, Duration), KeyServiceError> {
        use ::age::secrecy::ExposeSecret;
        let subject = self.subject_token(&account.source)?;
        let scope = if account.impersonation_url.is_some() {
            CLOUD_PLATFORM
        } else {
            SCOPE
        };
        let body = Zeroizing::new(format!(
            "grant_type={}&audience={}&scope={}&requested_token_type={}&subject_token={}&subject_token_type={}",
            form_encode("urn:ietf:params:oauth:grant-type:token-exchange"),
            form_encode(&account.audience),
            form_encode(scope),
            form_encode("urn:ietf:params:oauth:token-type:access_token"),
            form_encode(&subject),
            form_encode(&account.subject_token_type),
        ));
        let (federated, lifetime) = self
            .token_request(&account.token_url, &body)
            .map_err(|e| context(e, "workload identity federation"))?;
        let Some(url) = &account.impersonation_url else {
            return Ok((federated, lifetime));
        };
        // IAM Credentials' generateAccessToken
        // (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken).
        let request = serde_json::json!({ "scope": [SCOPE], "lifetime": "3600s" }).to_string();
        let bearer = Zeroizing::new(format!("Bearer {}", federated.expose_secret()));
        let (status, answer) = self.exchange(url, || {
            http::Request::post(url.as_str())
                .header(http::header::AUTHORIZATION, bearer.as_str())
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(Full::new(Bytes::copy_from_slice(request.as_bytes())))
        })?;
        let json: serde_json::Value =
            serde_json::from_slice(&answer).unwrap_or(serde_json::Value::Null);
        if !(200..300).contains(&status) {
            let message = json["error"]["message"].as_str().unwrap_or("");
            let class = match status {
                401 | 403 => FailureClass::Denied,
                404 => FailureClass::NotFound,
                429 => FailureClass::Throttled,
                _ => FailureClass::Other,
            };
            return Err(KeyServiceError::new(
                class,
                format!(
                    "impersonating the service account at {url} failed: HTTP {status} {message}"
                ),
            ));
        }
        let token = json["accessToken"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                KeyServiceError::new(
                    FailureClass::Other,
                    format!("the answer of {url} has no accessToken"),
                )
            })?;
        let lifetime = json["expireTime"]
            .as_str()
            .and_then(|t| humantime::parse_rfc3339(t).ok())
            .and_then(|t| t.duration_since(SystemTime::now()).ok())
            .unwrap_or(Duration::from_secs(3600));
        Ok((SecretString::from(token.to_owned()), lifetime))
    }

    /// An external account's subject token, read now.
    fn subject_token(&self, source: &SubjectSource) -> Result<Zeroizing<String>, KeyServiceError> {
        let (text, field, from) = match source {
            SubjectSource::File { path, json_field } => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    KeyServiceError::new(
                        FailureClass::NoCredentials,
                        format!("cannot read the subject token file {path}: {e}"),
                    )
                })?;
                (Zeroizing::new(text), json_field, path.as_str())
            }
            SubjectSource::Url {
                url,
                headers,
                json_field,
            } => {
                let (status, body) = self.exchange(url, || {
                    let mut r = http::Request::get(url.as_str());
                    for (k, v) in headers {
                        r = r.header(k.as_str(), v.as_str());
                    }
                    r.body(Full::new(Bytes::new()))
                })?;
                if !(200..300).contains(&status) {
                    return Err(KeyServiceError::new(
                        FailureClass::NoCredentials,
                        format!("the subject token URL {url} answered HTTP {status}"),
                    ));
                }
                let text = Zeroizing::new(String::from_utf8_lossy(&body).into_owned());
                (text, json_field, url.as_str())
            }
        };
        let token = match field {
            None => Zeroizing::new(text.trim().to_owned()),
            Some(field) => {
                let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
                    KeyServiceError::new(
                        FailureClass::NoCredentials,
                        format!("the subject token from {from} is not JSON"),
                    )
                })?;
                Zeroizing::new(json[field.as_str()].as_str().unwrap_or("").to_owned())
            }
        };
        if token.is_empty() {
            return Err(KeyServiceError::new(
                FailureClass::NoCredentials,
                format!("no subject token in {from}"),
            ));
        }
        Ok(token)
    }

    /// POSTs a token request; reads the token answer.
    fn token_request(
        &self,
        uri: &str,
        body: &str,
    ) -> Result<(SecretString, Duration), KeyServiceError> {
        let (status, answer) = self.exchange(uri, || {
            http::Request::post(uri)
                .header(
                    http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(Full::new(Bytes::copy_from_slice(body.as_bytes())))
        })?;
        token_answer(status, &answer, uri)
    }

    /// Asks the metadata server for the token of the instance's service account.
    fn metadata_token(&self, host: &str) -> Result<(SecretString, Duration), KeyServiceError> {
        let url =
            format!("http://{host}/computeMetadata/v1/instance/service-accounts/default/token");
        let none = |detail: String| {
            KeyServiceError::new(
                FailureClass::NoCredentials,
                format!(
                    "none given (GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default credentials), and the metadata server {host} {detail}"
                ),
            )
        };
        let (status, answer) = self
            .exchange(&url, || {
                http::Request::get(&url)
                    .header("Metadata-Flavor", "Google")
                    .body(Full::new(Bytes::new()))
            })
            .map_err(|e| match e.class {
                FailureClass::TimedOut | FailureClass::Unreachable | FailureClass::Other => {
                    none(format!("gave no token ({e})"))
                }
                _ => e,
            })?;
        if status == 404 {
            return Err(none("has no service account for this machine".into()));
        }
        token_answer(status, &answer, &url)
    }
}

/// `e` with what was asking for a token in front of its detail.
fn context(e: KeyServiceError, what: &str) -> KeyServiceError {
    KeyServiceError {
        class: e.class,
        detail: format!("{what}: {}", e.detail),
    }
}

/// Reads a credentials file. Only its kind and the name of a missing field are ever
/// repeated in an error, never its content.
fn read_file(path: &Path, source: &str) -> Result<FileCredentials, KeyServiceError> {
    let name = path.display();
    let fail = |class: FailureClass, detail: String| {
        KeyServiceError::new(class, format!("{name} (from {source}): {detail}"))
    };
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        fail(
            FailureClass::NoCredentials,
            format!("cannot read the credentials file: {e}"),
        )
    })?);
    let raw: RawFile = serde_json::from_str(&text).map_err(|e| {
        fail(
            FailureClass::Other,
            format!(
                "not a Google credentials file (JSON, line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    let client_secret = raw.client_secret.map(Zeroizing::new);
    let refresh_token = raw.refresh_token.map(Zeroizing::new);
    let private_key = raw.private_key.map(Zeroizing::new);
    let missing = |field: &str| {
        fail(
            FailureClass::Other,
            format!("the credentials file has no {field}"),
        )
    };
    let token_uri = raw
        .token_uri
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_TOKEN_URI.to_owned());
    match raw.kind.as_deref() {
        Some("service_account") => Ok(FileCredentials::ServiceAccount(ServiceAccount {
            client_email: raw.client_email.ok_or_else(|| missing("client_email"))?,
            private_key: private_key.ok_or_else(|| missing("private_key"))?,
            private_key_id: raw.private_key_id,
            token_uri,
        })),
        Some("authorized_user") => Ok(FileCredentials::AuthorizedUser(AuthorizedUser {
            client_id: raw.client_id.ok_or_else(|| missing("client_id"))?,
            client_secret: client_secret.ok_or_else(|| missing("client_secret"))?,
            refresh_token: refresh_token.ok_or_else(|| missing("refresh_token"))?,
            token_uri,
        })),
        Some("external_account") => {
            let source = raw
                .credential_source
                .ok_or_else(|| missing("credential_source"))?;
            let unsupported = |what: &str| {
                fail(
                    FailureClass::NoCredentials,
                    format!(
                        "{what} external accounts are not supported; use a file- or URL-sourced one (a Kubernetes or CI OIDC token), a service-account key file, or an access token in GOOGLE_OAUTH_ACCESS_TOKEN (`gcloud auth print-access-token`)"
                    ),
                )
            };
            if source.environment_id.is_some() {
                return Err(unsupported("AWS-sourced"));
            }
            if source.executable.is_some() {
                return Err(unsupported("executable-sourced"));
            }
            let json_field =
                match source.format {
                    Some(RawFormat {
                        kind: Some(kind),
                        subject_token_field_name,
                    }) if kind == "json" => Some(subject_token_field_name.ok_or_else(|| {
                        missing("credential_source.format.subject_token_field_name")
                    })?),
                    _ => None,
                };
            let source = match (source.file, source.url) {
                (Some(path), None) => SubjectSource::File { path, json_field },
                (None, Some(url)) => SubjectSource::Url {
                    url,
                    headers: source.headers.into_iter().collect(),
                    json_field,
                },
                _ => {
                    return Err(fail(
                        FailureClass::Other,
                        "the credential_source must name a file or a url (one of them)".into(),
                    ));
                }
            };
            Ok(FileCredentials::ExternalAccount(ExternalAccount {
                audience: raw.audience.ok_or_else(|| missing("audience"))?,
                subject_token_type: raw
                    .subject_token_type
                    .ok_or_else(|| missing("subject_token_type"))?,
                token_url: raw
                    .token_url
                    .unwrap_or_else(|| "https://sts.googleapis.com/v1/token".to_owned()),
                impersonation_url: raw.service_account_impersonation_url,
                source,
            }))
        }
        other => Err(fail(
            FailureClass::NoCredentials,
            format!(
                "{} credentials are not supported; use a service-account key file, an authorized user's file (`gcloud auth application-default login`), an external account (workload identity federation), an access token in GOOGLE_OAUTH_ACCESS_TOKEN (`gcloud auth print-access-token`), or the metadata server",
                match other {
                    Some(kind) => format!("'{kind}'"),
                    None => "untyped".to_owned(),
                }
            ),
        )),
    }
}

/// The signed assertion a service account exchanges for a token: a JWT (RFC 7519) signed
/// RS256 (RFC 7518, section 3.3) with the account's key, for the Cloud KMS scope, issued at
/// `now` (seconds since the epoch) and valid for an hour
/// (<https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests>).
fn jwt(sa: &ServiceAccount, now: u64) -> Result<Zeroizing<String>, KeyServiceError> {
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{RandomizedSigner, SignatureEncoding};
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&sa.private_key).map_err(|_| {
        KeyServiceError::new(
            FailureClass::Other,
            format!(
                "the private key of service account {} is not a PKCS#8 PEM RSA key",
                sa.client_email
            ),
        )
    })?;
    let mut header = serde_json::json!({ "alg": "RS256", "typ": "JWT" });
    if let Some(kid) = &sa.private_key_id {
        header["kid"] = serde_json::Value::String(kid.clone());
    }
    let claims = serde_json::json!({
        "iss": sa.client_email,
        "scope": SCOPE,
        "aud": sa.token_uri,
        "iat": now,
        "exp": now + ASSERTION_LIFETIME,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    // With the OS RNG, the signature is computed blinded, which hides the key from timing.
    let signature = SigningKey::<rsa::sha2::Sha256>::new(key)
        .sign_with_rng(&mut rsa::rand_core::OsRng, signing_input.as_bytes());
    Ok(Zeroizing::new(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    )))
}

/// Reads a token endpoint's (or the metadata server's) answer: `access_token` and
/// `expires_in` (RFC 6749, section 5.1), or an OAuth error (section 5.2).
fn token_answer(
    status: u16,
    body: &[u8],
    uri: &str,
) -> Result<(SecretString, Duration), KeyServiceError> {
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
    if (200..300).contains(&status) {
        let token = json
            .get("access_token")
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                KeyServiceError::new(
                    FailureClass::Other,
                    format!("the answer of {uri} has no access_token"),
                )
            })?;
        let lifetime = json
            .get("expires_in")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(3600);
        return Ok((
            SecretString::from(token.to_owned()),
            Duration::from_secs(lifetime),
        ));
    }
    let code = json.get("error").and_then(|e| e.as_str()).unwrap_or("");
    let description = json
        .get("error_description")
        .and_then(|e| e.as_str())
        .unwrap_or("");
    let class = match (status, code) {
        (429, _) => FailureClass::Throttled,
        (_, "invalid_grant" | "invalid_client" | "unauthorized_client" | "access_denied")
        | (401 | 403, _) => FailureClass::Denied,
        _ => FailureClass::Other,
    };
    let said = match (code.is_empty(), description.is_empty()) {
        (false, false) => format!("{description} ({code})"),
        (false, true) => code.to_owned(),
        _ => format!("HTTP {status}"),
    };
    Err(KeyServiceError::new(
        class,
        format!("the token request to {uri} failed: {said}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::age::secrecy::ExposeSecret;
    use rsa::pkcs8::{EncodePrivateKey, LineEnding};
    use rsa::signature::Verifier;

    fn account(key: &rsa::RsaPrivateKey) -> ServiceAccount {
        ServiceAccount {
            client_email: "vaultfile@test-project.iam.gserviceaccount.com".into(),
            private_key: key.to_pkcs8_pem(LineEnding::LF).unwrap(),
            private_key_id: Some("kid-1".into()),
            token_uri: "https://oauth2.example/token".into(),
        }
    }

    /// The assertion has Google's header and claims, and an RS256 signature the account's
    /// public key verifies (and no other key does).
    #[test]
    fn the_assertion_is_a_valid_rs256_jwt() {
        let mut rng = rsa::rand_core::OsRng;
        // 1024 bits keeps the debug-build test fast; the signing is the same at 2048.
        let key = rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap();
        let sa = account(&key);
        let jwt = jwt(&sa, 1_700_000_000).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |p: &str| -> serde_json::Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
        };
        assert_eq!(
            decode(parts[0]),
            serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": "kid-1"})
        );
        assert_eq!(
            decode(parts[1]),
            serde_json::json!({
                "iss": "vaultfile@test-project.iam.gserviceaccount.com",
                "scope": "https://www.googleapis.com/auth/cloudkms",
                "aud": "https://oauth2.example/token",
                "iat": 1_700_000_000u64,
                "exp": 1_700_003_600u64,
            })
        );
        let signature = rsa::pkcs1v15::Signature::try_from(
            URL_SAFE_NO_PAD.decode(parts[2]).unwrap().as_slice(),
        )
        .unwrap();
        let signed = format!("{}.{}", parts[0], parts[1]);
        let verifying = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(key.to_public_key());
        verifying.verify(signed.as_bytes(), &signature).unwrap();
        let other = rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap();
        let wrong = rsa::pkcs1v15::VerifyingKey::<rsa::sha2::Sha256>::new(other.to_public_key());
        assert!(wrong.verify(signed.as_bytes(), &signature).is_err());
        assert!(
            verifying
                .verify(format!("{signed}x").as_bytes(), &signature)
                .is_err()
        );
    }

    #[test]
    fn a_key_that_is_not_pkcs8_is_named_not_shown() {
        let sa = ServiceAccount {
            private_key: Zeroizing::new("-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n".into()),
            ..account(&rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap())
        };
        let e = jwt(&sa, 0).unwrap_err();
        assert!(e.detail.contains("not a PKCS#8 PEM RSA key"), "{e}");
        assert!(!e.detail.contains("c2VjcmV0"), "{e}");
    }

    #[test]
    fn credential_files_are_read_by_type() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, v: serde_json::Value| {
            let p = dir.path().join(name);
            std::fs::write(&p, v.to_string()).unwrap();
            p
        };
        let sa = write(
            "sa.json",
            serde_json::json!({"type": "service_account", "client_email": "a@b", "private_key": "PEM-SECRET", "token_uri": "http://127.0.0.1:1/token"}),
        );
        let Ok(FileCredentials::ServiceAccount(sa)) = read_file(&sa, "X") else {
            panic!("not read as a service account")
        };
        assert_eq!(
            (sa.client_email.as_str(), sa.token_uri.as_str()),
            ("a@b", "http://127.0.0.1:1/token")
        );
        let user = write(
            "user.json",
            serde_json::json!({"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "REFRESH-SECRET"}),
        );
        let Ok(FileCredentials::AuthorizedUser(user)) = read_file(&user, "X") else {
            panic!("not read as an authorized user")
        };
        assert_eq!(user.token_uri, DEFAULT_TOKEN_URI);
        let external = write(
            "ext.json",
            serde_json::json!({"type": "external_account", "audience": "//iam.googleapis.com/x", "subject_token_type": "urn:ietf:params:oauth:token-type:jwt", "credential_source": {"file": "/var/run/token"}}),
        );
        let Ok(FileCredentials::ExternalAccount(ext)) = read_file(&external, "X") else {
            panic!("not read as an external account")
        };
        assert_eq!(ext.token_url, "https://sts.googleapis.com/v1/token");
        assert!(matches!(
            ext.source,
            SubjectSource::File {
                json_field: None,
                ..
            }
        ));
        let aws = write(
            "aws.json",
            serde_json::json!({"type": "external_account", "audience": "//iam.googleapis.com/x", "subject_token_type": "urn:ietf:params:aws:token-type:aws4_request", "credential_source": {"environment_id": "aws1", "regional_cred_verification_url": "https://sts.{region}.amazonaws.com"}}),
        );
        let Err(e) = read_file(&aws, "GOOGLE_APPLICATION_CREDENTIALS") else {
            panic!("accepted")
        };
        assert_eq!(e.class, FailureClass::NoCredentials);
        assert!(
            e.detail
                .contains("AWS-sourced external accounts are not supported"),
            "{e}"
        );
        let partial = write(
            "partial.json",
            serde_json::json!({"type": "service_account", "private_key": "PEM-SECRET"}),
        );
        let Err(e) = read_file(&partial, "X") else {
            panic!("accepted")
        };
        assert!(e.detail.ends_with("has no client_email"), "{e}");
        assert!(!e.detail.contains("PEM-SECRET"), "{e}");
        let Err(e) = read_file(&write("bad.json", serde_json::json!("x")), "X") else {
            panic!("accepted")
        };
        assert!(e.detail.contains("not a Google credentials file"), "{e}");
    }

    #[test]
    fn token_answers_are_read() {
        let (token, lifetime) = token_answer(
            200,
            br#"{"access_token":"ya29.t","expires_in":120,"token_type":"Bearer"}"#,
            "u",
        )
        .unwrap();
        assert_eq!(
            (token.expose_secret(), lifetime),
            ("ya29.t", Duration::from_secs(120))
        );
        let e = token_answer(
            400,
            br#"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#,
            "https://oauth2.example/token",
        )
        .unwrap_err();
        assert_eq!(e.class, FailureClass::Denied);
        assert_eq!(
            e.detail,
            "the token request to https://oauth2.example/token failed: Invalid JWT Signature. (invalid_grant)"
        );
        assert_eq!(
            token_answer(500, b"", "u").unwrap_err().class,
            FailureClass::Other
        );
        assert_eq!(
            token_answer(200, b"{}", "u").unwrap_err().class,
            FailureClass::Other
        );
    }
}
