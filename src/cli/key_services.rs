//! Network key services (AWS KMS, Vault/OpenBao transit, Google Cloud KMS, Azure Key
//! Vault): their settings,
//! read here from the environment and the global flags and passed into the library once,
//! and their identities, which [`super::identities::collect`] puts after the local keys
//! unless `--prefer` says otherwise.
//!
//! AWS: `AWS_ENDPOINT_URL_KMS` or `AWS_ENDPOINT_URL`, `AWS_REGION` (or
//! `AWS_DEFAULT_REGION`) for the credential providers, `AWS_PROFILE`, `AWS_MAX_ATTEMPTS`;
//! the SDK's credential chain reads the rest (keys, SSO, `AWS_WEB_IDENTITY_TOKEN_FILE`…).
//! Vault: `VAULT_TOKEN`, else `~/.vault-token`; `VAULT_NAMESPACE`; `VAULT_CACERT`; and which
//! servers may be sent the token: `VAULT_ADDR`'s, `--vault-allow`/`VAULTFILE_VAULT_ALLOWLIST`
//! and SOPS's `SOPS_HC_VAULT_ALLOWLIST`. A transit recipient names its server, and it is
//! read from the file (or a SOPS `hc_vault` entry, or the repository's `.vaultfile.yaml`)
//! before the file can be authenticated; so the servers come from here, from what the
//! file's author cannot write, and the library refuses any other before connecting.
//! Google Cloud KMS: `VAULTFILE_GCP_KMS_ENDPOINT` (else Google's endpoint); credentials in
//! the order Google's client libraries look for them, after SOPS's token variable:
//! `GOOGLE_OAUTH_ACCESS_TOKEN`, else the file `GOOGLE_APPLICATION_CREDENTIALS` names, else
//! gcloud's application-default credentials file (`CLOUDSDK_CONFIG` or `~/.config/gcloud`),
//! else the metadata server (`GCE_METADATA_HOST`, else `metadata.google.internal`). A GCP
//! recipient names no host, so none of this can come from a file. Azure Key Vault:
//! `VAULTFILE_AZURE_KEYVAULT_ENDPOINT` (else each vault's own host, which must be one of
//! Azure's), `AZURE_AUTHORITY_HOST`; credentials in the order of the Azure SDKs'
//! `DefaultAzureCredential`: a client secret (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`,
//! `AZURE_CLIENT_SECRET`), a workload identity (`AZURE_FEDERATED_TOKEN_FILE` with the tenant
//! and client IDs), a managed identity (`IDENTITY_ENDPOINT` and `IDENTITY_HEADER`, else the
//! instance metadata service at `AZURE_POD_IDENTITY_AUTHORITY_HOST` or 169.254.169.254;
//! `AZURE_CLIENT_ID` names a user-assigned one). `AWS_MAX_ATTEMPTS` and `--kms-timeout`
//! apply to every service.
//!
//! There is no user configuration file for these settings: the environment and flags only
//! (the repository's `.vaultfile.yaml` is not the user's, and a pull request can change it).

use std::sync::OnceLock;
use std::time::Duration;

use vaultfile::keys::Identity;

use super::identities::Found;
use super::ui::Ui;

/// A kind of identity, for `--prefer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// Age, SSH and plugin identities on this machine.
    Local,
    /// AWS KMS.
    #[value(alias = "kms")]
    AwsKms,
    /// Vault / OpenBao transit.
    #[value(alias = "openbao")]
    Vault,
    /// Google Cloud KMS.
    #[value(alias = "gcp")]
    GcpKms,
    /// Azure Key Vault.
    #[value(alias = "azure")]
    AzureKv,
}

/// The global flags for key services.
#[derive(Debug, Default, clap::Args)]
pub struct ServiceArgs {
    /// Try these identity sources first when decrypting, in this order: local, aws-kms, vault, gcp-kms, azure-kv (comma separated) [default: local keys first, then AWS KMS, Vault, GCP KMS, Azure Key Vault]
    #[arg(
        long,
        global = true,
        value_name = "SOURCES",
        env = "VAULTFILE_PREFER",
        value_delimiter = ','
    )]
    prefer: Vec<Source>,

    /// Give up on a key service (AWS KMS, Vault, GCP KMS, Azure Key Vault) that has not connected or answered within DURATION (5s, 500ms, or seconds) [default: 5s]
    #[arg(
        long,
        global = true,
        value_name = "DURATION",
        env = "VAULTFILE_KMS_TIMEOUT",
        value_parser = parse_timeout
    )]
    kms_timeout: Option<Duration>,

    /// Vault / OpenBao servers that may be sent the Vault token besides VAULT_ADDR's (comma separated); a server that a file, .vaultfile.yaml or -r names is refused unless allowed
    ///
    /// Each entry is https://HOST[:PORT][/PATH], http://HOST:PORT for a plain-HTTP development server, or HOST:PORT or HOST (https; any port with HOST alone). The servers in VAULT_ADDR and SOPS_HC_VAULT_ALLOWLIST are allowed too. Any other server a transit recipient names (in a file, a SOPS hc_vault entry, .vaultfile.yaml or -r) is refused before connecting. `all` allows every server (only for files you trust); `none` allows none, whatever else is set.
    #[cfg_attr(not(feature = "vault"), allow(dead_code))]
    #[arg(
        long,
        global = true,
        value_name = "SERVERS",
        env = "VAULTFILE_VAULT_ALLOWLIST",
        value_delimiter = ','
    )]
    vault_allow: Vec<String>,
}

fn parse_timeout(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let d = match s.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs < 86_400.0 => {
            Duration::from_secs_f64(secs)
        }
        Ok(_) => return Err("expected a positive number of seconds, under a day".into()),
        Err(_) => humantime::parse_duration(s).map_err(|e| format!("{e} (e.g. 5s, 500ms)"))?,
    };
    if d.is_zero() {
        return Err("the timeout must be more than zero".into());
    }
    Ok(d)
}

static PREFER: OnceLock<Vec<Source>> = OnceLock::new();

#[cfg_attr(not(feature = "key-service"), allow(dead_code))]
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

static CONTEXT: OnceLock<vaultfile::keys::Context> = OnceLock::new();

/// The context every recipient is parsed in and every key-service identity made with:
/// this process's prompts, and the key services' settings from [`configure`]. One per
/// process, so that a service found down is not tried again by the next file.
pub fn context() -> vaultfile::keys::Context {
    CONTEXT
        .get_or_init(|| vaultfile::keys::Context::new(super::rekey::callbacks()))
        .clone()
}

/// Reads the key services' settings from the environment and the global flags, into the
/// process's [`context`]; called once, before any command.
pub fn configure(args: &ServiceArgs, ui: &Ui) {
    let _ = PREFER.set(args.prefer.clone());
    #[cfg_attr(not(feature = "key-service"), allow(unused_mut))]
    let mut context = vaultfile::keys::Context::new(super::rekey::callbacks());
    #[cfg(feature = "aws-kms")]
    {
        use vaultfile::keys::aws_kms;
        let defaults = aws_kms::Settings::default();
        context.aws_kms = aws_kms::Service::new(aws_kms::Settings {
            endpoint_url: env("AWS_ENDPOINT_URL_KMS").or_else(|| env("AWS_ENDPOINT_URL")),
            region: env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION")),
            profile: env("AWS_PROFILE"),
            timeout: args.kms_timeout.unwrap_or(defaults.timeout),
            max_attempts: env("AWS_MAX_ATTEMPTS")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(defaults.max_attempts),
        });
    }
    #[cfg(feature = "vault")]
    {
        use vaultfile::keys::{SecretString, vault};
        let (token, token_source) = match env("VAULT_TOKEN") {
            Some(t) => (Some(t), "$VAULT_TOKEN".to_owned()),
            None => {
                let file = std::env::var_os("HOME")
                    .filter(|h| !h.is_empty())
                    .map(|h| std::path::PathBuf::from(h).join(".vault-token"));
                match file.as_ref().and_then(|f| std::fs::read_to_string(f).ok()) {
                    Some(t) if !t.trim().is_empty() => {
                        (Some(t.trim().to_owned()), "~/.vault-token".to_owned())
                    }
                    _ => (None, String::new()),
                }
            }
        };
        let quiet = ui.quiet;
        context.vault = vault::Service::new(vault::Settings {
            allowed: vault_servers(args, ui),
            token: token.map(SecretString::from),
            token_source,
            namespace: env("VAULT_NAMESPACE"),
            ca_cert: env("VAULT_CACERT").map(std::path::PathBuf::from),
            timeout: args.kms_timeout.unwrap_or(vault::DEFAULT_TIMEOUT),
            max_attempts: env("AWS_MAX_ATTEMPTS")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(3),
            warn: Some(std::sync::Arc::new(move |m: &str| {
                Ui { quiet }.warn(m);
            })),
        });
    }
    #[cfg(feature = "gcp-kms")]
    {
        use vaultfile::keys::gcp_kms;
        let defaults = gcp_kms::Settings::default();
        context.gcp_kms = gcp_kms::Service::new(gcp_kms::Settings {
            endpoint: env("VAULTFILE_GCP_KMS_ENDPOINT").unwrap_or(defaults.endpoint),
            credentials: gcp_credentials(),
            timeout: args.kms_timeout.unwrap_or(defaults.timeout),
            max_attempts: env("AWS_MAX_ATTEMPTS")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(defaults.max_attempts),
        });
    }
    #[cfg(feature = "azure-kv")]
    {
        use vaultfile::keys::azure_kv;
        let defaults = azure_kv::Settings::default();
        context.azure_kv = azure_kv::Service::new(azure_kv::Settings {
            endpoint: env("VAULTFILE_AZURE_KEYVAULT_ENDPOINT"),
            authority_host: env("AZURE_AUTHORITY_HOST").unwrap_or(defaults.authority_host),
            credentials: azure_credentials(),
            timeout: args.kms_timeout.unwrap_or(defaults.timeout),
            max_attempts: env("AWS_MAX_ATTEMPTS")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(defaults.max_attempts),
        });
    }
    let _ = CONTEXT.set(context);
    let _ = ui;
}

/// Google credentials, in the order of Google's application-default credentials
/// (<https://cloud.google.com/docs/authentication/application-default-credentials>), after
/// the access token SOPS takes from `GOOGLE_OAUTH_ACCESS_TOKEN`.
#[cfg(feature = "gcp-kms")]
fn gcp_credentials() -> vaultfile::keys::gcp_kms::Credentials {
    use vaultfile::keys::SecretString;
    use vaultfile::keys::gcp_kms::{Credentials, DEFAULT_METADATA_HOST};
    if let Some(token) = env("GOOGLE_OAUTH_ACCESS_TOKEN") {
        return Credentials::AccessToken {
            token: SecretString::from(token.trim().to_owned()),
            source: "$GOOGLE_OAUTH_ACCESS_TOKEN".into(),
        };
    }
    if let Some(path) = env("GOOGLE_APPLICATION_CREDENTIALS") {
        return Credentials::File {
            path: path.into(),
            source: "$GOOGLE_APPLICATION_CREDENTIALS".into(),
        };
    }
    // gcloud's `auth application-default login` file, where gcloud keeps its configuration.
    let gcloud = env("CLOUDSDK_CONFIG")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| std::path::PathBuf::from(h).join(".config").join("gcloud"))
        });
    if let Some(file) = gcloud
        .map(|d| d.join("application_default_credentials.json"))
        .filter(|f| f.is_file())
    {
        return Credentials::File {
            path: file,
            source: "gcloud's application-default credentials".into(),
        };
    }
    Credentials::Metadata {
        host: env("GCE_METADATA_HOST").unwrap_or_else(|| DEFAULT_METADATA_HOST.to_owned()),
    }
}

/// Azure credentials, in the order of the Azure SDKs' `DefaultAzureCredential`
/// (<https://learn.microsoft.com/en-us/azure/developer/python/sdk/authentication/credential-chains#defaultazurecredential-overview>)
/// and with the environment variables they read
/// (<https://learn.microsoft.com/en-us/python/api/azure-identity/azure.identity.environmentcredential>):
/// a service principal's client secret, a workload identity's federated token file, then
/// a managed identity: App Service's endpoint, else the instance metadata service
/// (`AZURE_POD_IDENTITY_AUTHORITY_HOST` overrides its address, as in the Azure SDKs).
#[cfg(feature = "azure-kv")]
fn azure_credentials() -> vaultfile::keys::azure_kv::Credentials {
    use vaultfile::keys::SecretString;
    use vaultfile::keys::azure_kv::{Credentials, DEFAULT_IMDS_ENDPOINT};
    let tenant = env("AZURE_TENANT_ID").map(|t| t.trim().to_owned());
    let client = env("AZURE_CLIENT_ID").map(|c| c.trim().to_owned());
    if let (Some(tenant_id), Some(client_id), Some(secret)) =
        (&tenant, &client, env("AZURE_CLIENT_SECRET"))
    {
        return Credentials::ClientSecret {
            tenant_id: tenant_id.clone(),
            client_id: client_id.clone(),
            secret: SecretString::from(secret),
        };
    }
    if let (Some(tenant_id), Some(client_id), Some(file)) =
        (&tenant, &client, env("AZURE_FEDERATED_TOKEN_FILE"))
    {
        return Credentials::WorkloadIdentity {
            tenant_id: tenant_id.clone(),
            client_id: client_id.clone(),
            token_file: file.into(),
        };
    }
    if let (Some(endpoint), Some(header)) = (env("IDENTITY_ENDPOINT"), env("IDENTITY_HEADER")) {
        return Credentials::AppService {
            endpoint,
            header: SecretString::from(header),
            client_id: client,
        };
    }
    Credentials::Imds {
        endpoint: env("AZURE_POD_IDENTITY_AUTHORITY_HOST")
            .unwrap_or_else(|| DEFAULT_IMDS_ENDPOINT.to_owned()),
        client_id: client,
    }
}

/// The Vault servers that may be sent the token: `VAULT_ADDR`'s, `--vault-allow` /
/// `VAULTFILE_VAULT_ALLOWLIST`'s and `SOPS_HC_VAULT_ALLOWLIST`'s (read as SOPS does: `all`,
/// `none`, or comma-separated URL prefixes, which name servers here). Entries that cannot
/// be read allow nothing and are warned about.
#[cfg(feature = "vault")]
fn vault_servers(args: &ServiceArgs, ui: &Ui) -> vaultfile::keys::vault::AllowList {
    let mut allowed = vaultfile::keys::vault::AllowList::default();
    let mut errors = Vec::new();
    if let Some(addr) = env("VAULT_ADDR") {
        errors.extend(allowed.allow_address(&addr, "VAULT_ADDR").err());
    }
    if args.vault_allow.iter().any(|e| !e.trim().is_empty()) {
        // clap split the list at its commas; the whole value decides `all`/`none`.
        errors.extend(allowed.allow_list(&args.vault_allow.join(","), "VAULTFILE_VAULT_ALLOWLIST"));
    }
    if let Some(list) = env("SOPS_HC_VAULT_ALLOWLIST") {
        errors.extend(allowed.allow_list(&list, "SOPS_HC_VAULT_ALLOWLIST"));
    }
    for e in errors {
        ui.warn(&format!("{e} (ignored: it allows no Vault server)"));
    }
    allowed
}

/// Adds the network identities to `found` (after its local ones), and orders the whole
/// list as `--prefer` says.
pub fn add_identities(found: &mut Found) {
    let local = std::mem::take(&mut found.identities);
    let mut by_source: Vec<(Source, Vec<Box<dyn Identity>>)> = vec![(Source::Local, local)];
    #[cfg(feature = "aws-kms")]
    {
        // Not listed in `tried`: it is only addressed by `arn:` recipients, and its
        // failures are reported with the recipient they concern.
        let id = vaultfile::keys::aws_kms::Identity::new(context().aws_kms);
        by_source.push((Source::AwsKms, vec![Box::new(id)]));
    }
    #[cfg(feature = "vault")]
    {
        let id = vaultfile::keys::vault::Identity::new(context().vault);
        by_source.push((Source::Vault, vec![Box::new(id)]));
    }
    #[cfg(feature = "gcp-kms")]
    {
        let id = vaultfile::keys::gcp_kms::Identity::new(context().gcp_kms);
        by_source.push((Source::GcpKms, vec![Box::new(id)]));
    }
    #[cfg(feature = "azure-kv")]
    {
        let id = vaultfile::keys::azure_kv::Identity::new(context().azure_kv);
        by_source.push((Source::AzureKv, vec![Box::new(id)]));
    }
    let prefer = PREFER.get().map(Vec::as_slice).unwrap_or(&[]);
    // A stable sort: the preferred sources in the order given, then the rest as they were.
    by_source.sort_by_key(|(s, _)| prefer.iter().position(|p| p == s).unwrap_or(usize::MAX));
    found.identities = by_source.into_iter().flat_map(|(_, ids)| ids).collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_parse() {
        assert_eq!(parse_timeout("5").unwrap(), Duration::from_secs(5));
        assert_eq!(parse_timeout("0.5").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_timeout("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_timeout("2s").unwrap(), Duration::from_secs(2));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("soon").is_err());
    }
}
