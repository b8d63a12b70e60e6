//! The HTTP client of the key services that vaultfile calls over REST itself (Vault /
//! OpenBao transit, GCP Cloud KMS, Azure Key Vault): one current-thread tokio runtime and
//! one hyper client on rustls (aws-lc-rs, the TLS stack the AWS SDK brings too) per
//! service, what a failure before any answer means, and the URL and form helpers they share.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use zeroize::Zeroizing;

use super::service::{Down, FailureClass, KeyServiceError};

/// The client the services send their requests with.
pub(crate) type HttpsClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A service's runtime and client, made the first time it calls a host.
pub(crate) struct Started {
    pub runtime: tokio::runtime::Runtime,
    pub client: HttpsClient,
}

impl Started {
    /// A runtime, and a client that gives up connecting after `connect_timeout` and trusts
    /// `ca_cert` if given, else the system's certificates.
    pub fn new(connect_timeout: Duration, ca_cert: Option<&Path>) -> Result<Self, KeyServiceError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| other(format!("cannot start the HTTP client runtime: {e}")))?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls_config(ca_cert)?)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        // The client spawns its connection tasks, so it is made inside the runtime.
        let client = {
            let _guard = runtime.enter();
            Client::builder(hyper_util::rt::TokioExecutor::new()).build(connector)
        };
        Ok(Started { runtime, client })
    }
}

/// How a request is sent: to whom (for messages, and the memory of hosts found down), how
/// long to wait for it, and how many times to try it while the host rate-limits.
pub(crate) struct Exchange<'a> {
    /// The host's `host:port`.
    pub authority: &'a str,
    /// The bound on the whole request.
    pub timeout: Duration,
    /// How many times a request the host answers 429 is tried (at least once).
    pub attempts: u32,
    /// Added to a transport failure that speaks of a certificate (see [`transport_failure`]).
    pub certificate_hint: &'a str,
}

impl Started {
    /// Sends the request `build` makes, again after a backoff while the host answers 429:
    /// the status and body of the last answer. A host in `down` is not tried, and one that
    /// times out or cannot be reached is added to it.
    pub fn exchange<F>(
        &self,
        down: &Down,
        x: &Exchange<'_>,
        build: F,
    ) -> Result<(u16, Zeroizing<Vec<u8>>), KeyServiceError>
    where
        F: Fn() -> Result<http::Request<Full<Bytes>>, http::Error>,
    {
        let probe = down.check(x.authority)?;
        let mut attempt = 1;
        loop {
            let req = build()
                .map_err(|e| other(format!("cannot build the request to {}: {e}", x.authority)))?;
            let result = self.runtime.block_on(async {
                tokio::time::timeout(x.timeout, async {
                    let response = self.client.request(req).await?;
                    let status = response.status().as_u16();
                    let bytes = response.into_body().collect().await?.to_bytes();
                    Ok::<_, Box<dyn std::error::Error + Send + Sync>>((status, bytes))
                })
                .await
            });
            let failure = match result {
                Err(_) => KeyServiceError::new(
                    FailureClass::TimedOut,
                    format!(
                        "no answer from {} within {}",
                        x.authority,
                        humantime::format_duration(x.timeout)
                    ),
                ),
                Ok(Err(e)) => {
                    transport_failure(x.authority, e.as_ref(), x.timeout, x.certificate_hint)
                }
                Ok(Ok((429, _))) if attempt < x.attempts.max(1) => {
                    std::thread::sleep(super::service::backoff(attempt));
                    attempt += 1;
                    continue;
                }
                Ok(Ok((status, bytes))) => {
                    return probe.note(Ok((status, Zeroizing::new(bytes.to_vec()))));
                }
            };
            return probe.note(Err(failure));
        }
    }
}

fn other(detail: String) -> KeyServiceError {
    KeyServiceError::new(FailureClass::Other, detail)
}

/// The endpoint without its final `/`, if it is an `https://` or `http://` URL with a host
/// and no query; `what` names it in the error (`the Cloud KMS endpoint`).
#[cfg_attr(not(any(feature = "gcp-kms", feature = "azure-kv")), allow(dead_code))]
pub(crate) fn endpoint_base<'a>(endpoint: &'a str, what: &str) -> Result<&'a str, KeyServiceError> {
    let base = endpoint.trim().trim_end_matches('/');
    let bad = |why: &str| other(format!("{what} '{base}' {why}"));
    let uri = http::Uri::from_str(base).map_err(|_| bad("is not a URL"))?;
    if !matches!(uri.scheme_str(), Some("https" | "http")) {
        return Err(bad(
            "must start with https:// (or http:// for a local server)",
        ));
    }
    if uri
        .authority()
        .is_none_or(|a| a.host().is_empty() || a.as_str().contains('@'))
    {
        return Err(bad("has no host (or holds credentials)"));
    }
    if uri.query().is_some() || base.contains('#') {
        return Err(bad("must not have a query or fragment"));
    }
    Ok(base)
}

/// The `host:port` of `url`, the key of the "down" memory.
#[cfg_attr(not(any(feature = "gcp-kms", feature = "azure-kv")), allow(dead_code))]
pub(crate) fn authority_of(url: &str) -> Result<String, KeyServiceError> {
    http::Uri::from_str(url)
        .ok()
        .and_then(|u| u.authority().map(|a| a.as_str().to_owned()))
        .ok_or_else(|| other(format!("'{url}' is not a URL")))
}

/// `application/x-www-form-urlencoded` for one value (OAuth token requests, RFC 6749
/// appendix B), and a URL query's value: RFC 3986's unreserved characters as they are,
/// everything else `%XX`.
#[cfg_attr(not(any(feature = "gcp-kms", feature = "azure-kv")), allow(dead_code))]
pub(crate) fn form_encode(value: &str) -> String {
    const FORM: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, FORM).to_string()
}

/// rustls on aws-lc-rs, trusting `ca_cert` if given, else the system's certificates.
fn tls_config(ca_cert: Option<&Path>) -> Result<rustls::ClientConfig, KeyServiceError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| other(format!("TLS setup failed: {e}")))?;
    let mut roots = rustls::RootCertStore::empty();
    match ca_cert {
        Some(path) => {
            use rustls::pki_types::CertificateDer;
            use rustls::pki_types::pem::PemObject;
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| {
                    other(format!(
                        "cannot read the CA certificate {}: {e}",
                        path.display()
                    ))
                })?;
            if certs.is_empty() {
                return Err(other(format!(
                    "{} holds no PEM certificate",
                    path.display()
                )));
            }
            for c in certs {
                roots.add(c).map_err(|e| {
                    other(format!(
                        "cannot use the CA certificate in {}: {e}",
                        path.display()
                    ))
                })?;
            }
        }
        None => {
            use hyper_rustls::ConfigBuilderExt;
            // No system certificates is not an error until an https:// host is called,
            // which then fails verification (and the message says so).
            if let Ok(b) = builder.clone().with_native_roots() {
                return Ok(b.with_no_client_auth());
            }
        }
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// A failure before any answer from `authority`: no connection, a TLS failure, a connect
/// timeout. `certificate_hint` is added when the chain of errors speaks of a certificate.
pub(crate) fn transport_failure(
    authority: &str,
    e: &(dyn std::error::Error + 'static),
    timeout: Duration,
    certificate_hint: &str,
) -> KeyServiceError {
    let chain = super::service::error_chain(e);
    let lower = chain.to_ascii_lowercase();
    if lower.contains("timed out") || lower.contains("timeout") {
        return KeyServiceError::new(
            FailureClass::TimedOut,
            format!(
                "could not connect to {authority} within {}",
                humantime::format_duration(timeout)
            ),
        );
    }
    let hint = if lower.contains("certificate") {
        certificate_hint
    } else {
        ""
    };
    KeyServiceError::new(
        FailureClass::Unreachable,
        format!("{authority}: {chain}{hint}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked() {
        assert_eq!(
            endpoint_base("https://cloudkms.googleapis.com/", "E").unwrap(),
            "https://cloudkms.googleapis.com"
        );
        assert!(endpoint_base("http://127.0.0.1:9000", "E").is_ok());
        for bad in [
            "cloudkms.googleapis.com",
            "ftp://h",
            "https://u:p@h",
            "https://h/?x=1",
            "https://h/#x",
        ] {
            let e = endpoint_base(bad, "the endpoint").unwrap_err();
            assert!(e.detail.starts_with("the endpoint '"), "{bad}: {e}");
        }
    }

    #[test]
    fn authorities_are_host_and_port() {
        assert_eq!(
            authority_of("https://v.vault.azure.net/keys/k").unwrap(),
            "v.vault.azure.net"
        );
        assert_eq!(
            authority_of("http://127.0.0.1:8080/x?y=1").unwrap(),
            "127.0.0.1:8080"
        );
        assert!(authority_of("not a url").is_err());
    }

    #[test]
    fn form_values_are_encoded() {
        assert_eq!(
            form_encode("urn:ietf:params:oauth:grant-type:jwt-bearer"),
            "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"
        );
        assert_eq!(form_encode("a.b_c-d~e"), "a.b_c-d~e");
        assert_eq!(form_encode("1//0g+/= "), "1%2F%2F0g%2B%2F%3D%20");
    }
}
