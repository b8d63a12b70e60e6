//! The HTTP client of the key services that vaultfile calls over REST itself (Vault /
//! OpenBao transit, GCP Cloud KMS): one current-thread tokio runtime and one hyper client
//! on rustls (aws-lc-rs, the TLS stack the AWS SDK brings too) per service, and what a
//! failure before any answer means.

use std::path::Path;
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
        down.check(x.authority)?;
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
                Ok(Ok((status, bytes))) => return Ok((status, Zeroizing::new(bytes.to_vec()))),
            };
            return down.note(x.authority, Err(failure));
        }
    }
}

fn other(detail: String) -> KeyServiceError {
    KeyServiceError::new(FailureClass::Other, detail)
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
