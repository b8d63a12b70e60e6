//! The HTTP client of the key services that vaultfile calls over REST itself (Vault /
//! OpenBao transit, GCP Cloud KMS): one current-thread tokio runtime and one hyper client
//! on rustls (aws-lc-rs, the TLS stack the AWS SDK brings too) per service, and what a
//! failure before any answer means.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;

use super::service::{FailureClass, KeyServiceError};

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
