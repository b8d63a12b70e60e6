//! Access tokens for Key Vault, from the [`Credentials`] the caller chose: a service
//! principal's client secret or a workload identity's federated token, each exchanged at
//! Microsoft Entra ID's token endpoint (the OAuth 2.0 client credentials grant,
//! <https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow>),
//! or a managed identity's token from App Service's identity endpoint or the instance
//! metadata service
//! (<https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/how-to-use-vm-token#get-a-token-using-http>,
//! <https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity#rest-endpoint-reference>).
//! Tokens obtained are kept, per resource, until a minute before they expire.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ::age::secrecy::{ExposeSecret, SecretString};
use bytes::Bytes;
use http_body_util::Full;
use zeroize::Zeroizing;

use super::super::http::{endpoint_base, form_encode};
use super::{Credentials, FailureClass, KeyServiceError, Service};

/// The client assertion type of a federated token (RFC 7521, section 4.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The API version of App Service's identity endpoint.
const APP_SERVICE_API_VERSION: &str = "2019-08-01";

/// The API version of the instance metadata service's token endpoint.
const IMDS_API_VERSION: &str = "2018-02-01";

impl Service {
    /// An access token for `resource` (`https://vault.azure.net`): the one kept while it
    /// lasts, or a new one.
    pub(super) fn access_token(&self, resource: &str) -> Result<SecretString, KeyServiceError> {
        self.0.tokens.get(resource, || self.new_token(resource))
    }

    /// A new access token for `resource`, and how long it lasts.
    fn new_token(&self, resource: &str) -> Result<(SecretString, Duration), KeyServiceError> {
        Ok(match &self.0.settings.credentials {
            Credentials::ClientSecret {
                tenant_id,
                client_id,
                secret,
            } => {
                let body = Zeroizing::new(format!(
                    "client_id={}&client_secret={}",
                    form_encode(client_id),
                    form_encode(secret.expose_secret())
                ));
                self.entra_token(tenant_id, &body, resource)
                    .map_err(|e| context(e, &format!("client secret of {client_id}")))?
            }
            Credentials::WorkloadIdentity {
                tenant_id,
                client_id,
                token_file,
            } => {
                // Read again for every token: the file is rotated under the process (a
                // projected service-account token lives an hour).
                let assertion =
                    Zeroizing::new(std::fs::read_to_string(token_file).map_err(|e| {
                        KeyServiceError::new(
                            FailureClass::NoCredentials,
                            format!(
                                "cannot read the federated token file {} (AZURE_FEDERATED_TOKEN_FILE): {e}",
                                token_file.display()
                            ),
                        )
                    })?);
                let body = Zeroizing::new(format!(
                    "client_id={}&client_assertion_type={}&client_assertion={}",
                    form_encode(client_id),
                    form_encode(JWT_BEARER),
                    form_encode(assertion.trim())
                ));
                self.entra_token(tenant_id, &body, resource)
                    .map_err(|e| context(e, &format!("workload identity {client_id}")))?
            }
            Credentials::AppService {
                endpoint,
                header,
                client_id,
            } => {
                let url = format!(
                    "{}?api-version={APP_SERVICE_API_VERSION}&resource={}{}",
                    endpoint.trim(),
                    form_encode(resource),
                    client_query(client_id.as_deref())
                );
                self.managed_identity_token(&url, ("X-IDENTITY-HEADER", header.expose_secret()))?
            }
            Credentials::Imds {
                endpoint,
                client_id,
            } => {
                let base = endpoint_base(endpoint, "the instance metadata service")?;
                let url = format!(
                    "{base}/metadata/identity/oauth2/token?api-version={IMDS_API_VERSION}&resource={}{}",
                    form_encode(resource),
                    client_query(client_id.as_deref())
                );
                self.managed_identity_token(&url, ("Metadata", "true"))?
            }
        })
    }

    /// The client credentials grant at `{authority}/{tenant}/oauth2/v2.0/token`, with the
    /// client's proof in `client` (its ID and secret, or its assertion), for `resource`.
    fn entra_token(
        &self,
        tenant: &str,
        client: &str,
        resource: &str,
    ) -> Result<(SecretString, Duration), KeyServiceError> {
        let s = &self.0.settings;
        let authority = endpoint_base(
            &s.authority_host,
            "the authority host (AZURE_AUTHORITY_HOST)",
        )?;
        if tenant.is_empty()
            || !tenant
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            return Err(KeyServiceError::new(
                FailureClass::NoCredentials,
                format!("'{tenant}' is not a tenant ID (AZURE_TENANT_ID)"),
            ));
        }
        let uri = format!("{authority}/{tenant}/oauth2/v2.0/token");
        let body = Zeroizing::new(format!(
            "grant_type=client_credentials&scope={}&{client}",
            form_encode(&format!("{resource}/.default"))
        ));
        let (status, answer) = self.exchange(&uri, || {
            http::Request::post(&uri)
                .header(
                    http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(Full::new(Bytes::copy_from_slice(body.as_bytes())))
        })?;
        token_answer(status, &answer, &uri)
    }

    /// A managed identity's token from `url`, asked for with the header `header`.
    fn managed_identity_token(
        &self,
        url: &str,
        header: (&str, &str),
    ) -> Result<(SecretString, Duration), KeyServiceError> {
        let shown = url.split('?').next().unwrap_or(url);
        let none = |detail: String| {
            KeyServiceError::new(
                FailureClass::NoCredentials,
                format!(
                    "none given (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE), and the managed identity endpoint {shown} {detail}"
                ),
            )
        };
        let (status, answer) = self
            .exchange(url, || {
                http::Request::get(url)
                    .header(header.0, header.1)
                    .body(Full::new(Bytes::new()))
            })
            .map_err(|e| match e.class {
                FailureClass::TimedOut | FailureClass::Unreachable | FailureClass::Other => {
                    none(format!("gave no token ({e})"))
                }
                _ => e,
            })?;
        match token_answer(status, &answer, shown) {
            // No identity on this machine (or not the user-assigned one named): no
            // credentials, as for no machine at all.
            Err(e) if matches!(status, 400 | 404) => Err(none(format!("gave none: {}", e.detail))),
            other => other,
        }
    }
}

/// `&client_id=ID` for a user-assigned identity, else nothing.
fn client_query(client_id: Option<&str>) -> String {
    client_id.map_or_else(String::new, |id| format!("&client_id={}", form_encode(id)))
}

/// `e` with what was asking for a token in front of its detail.
fn context(e: KeyServiceError, what: &str) -> KeyServiceError {
    KeyServiceError {
        class: e.class,
        detail: format!("{what}: {}", e.detail),
    }
}

/// A number of seconds, as a JSON number or a string of digits (the managed identity
/// endpoints write strings).
fn seconds(v: Option<&serde_json::Value>) -> Option<u64> {
    match v? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a token answer: `access_token` and `expires_in` (RFC 6749, section 5.1) or
/// `expires_on` (seconds since the epoch, from the managed identity endpoints), or an
/// OAuth error (section 5.2, with Entra ID's `AADSTS…` description).
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
        let lifetime = match seconds(json.get("expires_in")) {
            Some(s) => s,
            None => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                seconds(json.get("expires_on")).map_or(0, |on| on.saturating_sub(now))
            }
        };
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
    // Entra ID's descriptions run over several lines (trace and correlation IDs).
    let description = description.lines().next().unwrap_or("").trim();
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

    #[test]
    fn token_answers_are_read() {
        let (token, lifetime) = token_answer(
            200,
            br#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0.a.b"}"#,
            "u",
        )
        .unwrap();
        assert_eq!(
            (token.expose_secret(), lifetime),
            ("eyJ0.a.b", Duration::from_secs(3599))
        );
        // The metadata service writes numbers as strings.
        let (_, lifetime) = token_answer(
            200,
            br#"{"access_token":"t","expires_in":"86399","expires_on":"1","token_type":"Bearer"}"#,
            "u",
        )
        .unwrap();
        assert_eq!(lifetime, Duration::from_secs(86399));
        // App Service gives only the time it expires on.
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let body = format!(r#"{{"access_token":"t","expires_on":"{}"}}"#, now + 600);
        let (_, lifetime) = token_answer(200, body.as_bytes(), "u").unwrap();
        assert!((590..=600).contains(&lifetime.as_secs()), "{lifetime:?}");
        // Neither: not kept.
        let (_, lifetime) = token_answer(200, br#"{"access_token":"t"}"#, "u").unwrap();
        assert_eq!(lifetime, Duration::ZERO);

        let e = token_answer(
            401,
            b"{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\\r\\nTrace ID: x\",\"error_codes\":[7000215]}",
            "https://login.example/t/oauth2/v2.0/token",
        )
        .unwrap_err();
        assert_eq!(e.class, FailureClass::Denied);
        assert_eq!(
            e.detail,
            "the token request to https://login.example/t/oauth2/v2.0/token failed: AADSTS7000215: Invalid client secret provided. (invalid_client)"
        );
        assert_eq!(
            token_answer(400, br#"{"error":"invalid_grant"}"#, "u")
                .unwrap_err()
                .class,
            FailureClass::Denied
        );
        assert_eq!(
            token_answer(429, b"", "u").unwrap_err().class,
            FailureClass::Throttled
        );
        assert_eq!(
            token_answer(500, b"", "u").unwrap_err().detail,
            "the token request to u failed: HTTP 500"
        );
        assert_eq!(
            token_answer(200, b"{}", "u").unwrap_err().class,
            FailureClass::Other
        );
    }

    #[test]
    fn user_assigned_identities_are_named_in_the_query() {
        assert_eq!(client_query(None), "");
        assert_eq!(client_query(Some("a b/c")), "&client_id=a%20b%2Fc");
    }

    #[test]
    fn numbers_of_seconds_are_read_from_numbers_and_strings() {
        assert_eq!(seconds(Some(&serde_json::json!(5))), Some(5));
        assert_eq!(seconds(Some(&serde_json::json!(" 7 "))), Some(7));
        assert_eq!(seconds(Some(&serde_json::json!("x"))), None);
        assert_eq!(seconds(Some(&serde_json::json!(-1))), None);
        assert_eq!(seconds(None), None);
    }
}
