//! AWS KMS recipients: `arn:aws:kms:REGION:ACCOUNT:key/ID` and `…:alias/NAME`.
//!
//! The data key is sent to KMS `Encrypt` under the named key, and the wrapped key stored in
//! the metadata is the base64 of the ciphertext blob KMS returns; `Decrypt` gives it back.
//! Options follow the ARN, each as `+NAME=VALUE`:
//!
//! - `+context=k1=v1,k2=v2`: an encryption context. KMS binds it to the ciphertext (a
//!   different context fails to decrypt), and since it is part of the recipient string, the
//!   file MAC covers it too. `%`, `,`, `=` and `+` inside keys and values are written
//!   `%25`, `%2C`, `%3D` and `%2B`.
//! - `+role=arn:aws:iam::ACCOUNT:role/NAME`: a role to assume (STS `AssumeRole`) first.
//!   SOPS's `ARN+ROLE_ARN` form is accepted and written as `+role=`.
//! - `+profile=NAME`: the shared-config profile whose credentials to use.
//!
//! Credentials come from the SDK's standard chain (environment, profile, SSO, web
//! identity for CI OIDC, ECS and instance roles). That chain reads the environment itself,
//! as the SDK documents; everything else (endpoint, region for STS, timeouts) is passed in
//! by the caller as [`Settings`] in a [`Service`], since the library reads no environment
//! variable.
//!
//! **Which host a file can choose.** A recipient (or a SOPS `kms` entry: `arn`, `role`,
//! `context`, `aws_profile`) is read from a file before anything in it can be
//! authenticated, so whatever it can steer, the file's author steers. It names no endpoint:
//! the endpoint is `AWS_ENDPOINT_URL_KMS`/`AWS_ENDPOINT_URL` (passed in by the caller) or
//! the user's own AWS config, else the SDK derives `https://kms.REGION.amazonaws.com` (or
//! the partition's suffix) from the region in the ARN, with no check of its own: the
//! region *is* a host choice. Within AWS's domains only, and only signed requests go there
//! (SigV4 never sends the secret key, and a signature is bound to its host), but a region
//! such as `s3` would make it `kms.s3.amazonaws.com`, an S3 bucket's address, not KMS.
//! So, with no custom endpoint, a region must be named like an AWS region
//! ([`is_region_name`]: `eu-west-1`, `us-gov-west-1`, `cn-north-1`); then the host is
//! that region's AWS KMS, and that the ARN may name another account's key is no host
//! choice (AWS answers either way). Anything else is refused before any connection, with
//! [`FailureClass::NotAllowed`]. With a custom endpoint the region
//! names no host and is not checked. The region matters beyond KMS: without `AWS_REGION`,
//! STS is called in it too, for `+role=` and for web identity credentials, whose OIDC token
//! is a bearer credential sent as is (`sts.s3.amazonaws.com` would be another bucket's
//! address); the check, made before any client exists, covers those calls. `+role=` is
//! only an ARN, and `+profile=` picks one of the user's own profiles, whose endpoints, if
//! any, the user wrote.
//!
//! The SDK is asynchronous and the [`super::Identity`] trait is not: calls run on one
//! small current-thread tokio runtime per [`Service`], created the first time it is used.
//! Every call is bounded by the configured timeout (connect and each attempt) and is
//! retried, with exponential backoff and jitter, only when KMS says it is throttling.

use crate::keys::service::{FailureClass, KeyServiceError};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_kms::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_kms::primitives::Blob;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::service::{BadKey, KeyService, ServiceIdentity, ServiceKey, ServiceRecipient};
use super::{RecipientError, SopsEntry, SopsFields};

/// The default bound on connecting and on each attempt of a KMS call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a throttled call is tried, by default.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;

/// How this process reaches KMS. The CLI fills it from `AWS_ENDPOINT_URL_KMS` /
/// `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_PROFILE` and its own flags.
#[derive(Clone, Debug)]
pub struct Settings {
    /// A custom endpoint (a local emulator, a VPC endpoint); `None` for AWS's.
    pub endpoint_url: Option<String>,
    /// The region for the credential providers (STS, SSO). KMS calls always go to the
    /// region named in the key's ARN.
    pub region: Option<String>,
    /// The profile to use when the recipient names none; `None` for the SDK's default.
    pub profile: Option<String>,
    /// The bound on connecting, and on each attempt of a call.
    pub timeout: Duration,
    /// How many times a call is tried when KMS throttles it (at least 1).
    pub max_attempts: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            endpoint_url: None,
            region: None,
            profile: None,
            timeout: DEFAULT_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// How this process reaches AWS KMS: the [`Settings`], and the runtime, clients and
/// unreachable regions that every recipient and identity made with it share. Cloning it
/// shares them too.
#[derive(Clone, Default)]
pub struct Service(Arc<Shared>);

#[derive(Default)]
struct Shared {
    settings: Settings,
    runtime: OnceLock<Result<tokio::runtime::Runtime, KeyServiceError>>,
    clients: Mutex<HashMap<ClientKey, aws_sdk_kms::Client>>,
    /// Regions found down.
    down: super::service::Down,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Service").field(&self.0.settings).finish()
    }
}

/// Whether `text` has the shape of a KMS recipient (`arn:…:kms:…`), valid or not.
pub fn is_kms_recipient(text: &str) -> bool {
    let mut parts = text.trim().splitn(4, ':');
    parts.next() == Some("arn")
        && parts.next().is_some_and(|p| p.starts_with("aws"))
        && parts.next() == Some("kms")
}

/// Whether `region` is named like an AWS region: two letters, one or more words, a number
/// (`eu-west-1`, `ap-southeast-5`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`). For
/// such a name, `kms.REGION.amazonaws.com` (and the other partitions' equivalents) is that
/// region's KMS endpoint; no other AWS address has that form (S3's legacy and website
/// addresses, which a bucket called `kms` would answer at, start with `s3`).
pub fn is_region_name(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let [first, words @ .., number] = parts.as_slice() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !words.is_empty()
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.len() <= 3
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// A parsed KMS recipient: the key and the options that go with every call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySpec {
    /// The key or alias ARN.
    pub arn: String,
    /// The region, from the ARN.
    pub region: String,
    /// The encryption context (sorted by key).
    pub context: BTreeMap<String, String>,
    /// A role to assume first.
    pub role: Option<String>,
    /// A shared-config profile.
    pub profile: Option<String>,
}

impl ServiceKey for KeySpec {
    /// Parses `ARN[+context=k=v,…][+role=ROLE_ARN][+profile=NAME]`.
    fn parse(text: &str) -> Result<Self, BadKey> {
        let text = text.trim();
        let mut pieces = split_options(text).into_iter();
        let arn = pieces.next().unwrap_or_default();
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, partition, _, region, account, resource] = parts[..] else {
            return Err(
                "expected arn:aws:kms:REGION:ACCOUNT:key/ID or arn:aws:kms:REGION:ACCOUNT:alias/NAME"
                    .into(),
            );
        };
        if !partition.starts_with("aws") {
            return Err(format!("unknown partition '{partition}'").into());
        }
        if region.is_empty()
            || !region
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(format!("'{region}' is not a region").into());
        }
        if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{account}' is not a 12-digit account ID").into());
        }
        let name = resource
            .strip_prefix("key/")
            .or_else(|| resource.strip_prefix("alias/"))
            .ok_or_else(|| {
                format!("'{resource}' is neither key/ID nor alias/NAME (a KMS recipient names a key or an alias)")
            })?;
        if name.is_empty() {
            return Err(format!("'{resource}' has no key ID or alias name").into());
        }
        if let Some((_, option)) = name.split_once('+') {
            return Err(format!(
                "unknown option '+{option}' (expected +context=, +role= or +profile=)"
            )
            .into());
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
        {
            return Err(format!(
                "'{name}' is not a key ID or alias name (letters, digits, -, _ and /)"
            )
            .into());
        }
        let mut spec = KeySpec {
            arn: arn.to_owned(),
            region: region.to_owned(),
            context: BTreeMap::new(),
            role: None,
            profile: None,
        };
        for piece in pieces {
            if piece.starts_with("arn:") && piece.contains(":iam::") {
                set_once(&mut spec.role, "role", piece)?;
                continue;
            }
            let (name, value) = piece
                .split_once('=')
                .ok_or_else(|| format!("option '+{piece}' needs a value (+NAME=VALUE)"))?;
            match name {
                "context" => {
                    if !spec.context.is_empty() {
                        return Err("+context is given twice".into());
                    }
                    for pair in value.split(',').filter(|p| !p.trim().is_empty()) {
                        let (k, v) = pair.split_once('=').ok_or_else(|| {
                            format!("encryption context entry '{pair}' is not KEY=VALUE")
                        })?;
                        let k = unescape(k.trim())?;
                        if k.is_empty() {
                            return Err("an encryption context key is empty".into());
                        }
                        if spec
                            .context
                            .insert(k.clone(), unescape(v.trim())?)
                            .is_some()
                        {
                            return Err(
                                format!("encryption context key '{k}' is given twice").into()
                            );
                        }
                    }
                    if spec.context.is_empty() {
                        return Err("+context= is empty".into());
                    }
                }
                "role" => {
                    if !value.starts_with("arn:") {
                        return Err(format!("role '{value}' is not a role ARN").into());
                    }
                    set_once(&mut spec.role, "role", value)?;
                }
                "profile" if !value.is_empty() => set_once(&mut spec.profile, "profile", value)?,
                _ => {
                    return Err(format!(
                        "unknown option '+{name}=' (expected +context=, +role= or +profile=)"
                    )
                    .into());
                }
            }
        }
        Ok(spec)
    }

    /// The canonical recipient string: the ARN, then the context (sorted), role and profile.
    fn id(&self) -> String {
        let mut id = self.arn.clone();
        if !self.context.is_empty() {
            id.push_str("+context=");
            let pairs: Vec<String> = self
                .context
                .iter()
                .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
                .collect();
            id.push_str(&pairs.join(","));
        }
        if let Some(role) = &self.role {
            id.push_str("+role=");
            id.push_str(role);
        }
        if let Some(profile) = &self.profile {
            id.push_str("+profile=");
            id.push_str(profile);
        }
        id
    }
}

/// Splits at each `+` that starts an option (`+context=`, `+role=`, `+profile=`, or SOPS's
/// `+arn:…:iam::`), so that `+` elsewhere (in a role name) stays.
fn split_options(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let starts_option = |rest: &str| {
        ["context=", "role=", "profile=", "arn:"]
            .iter()
            .any(|p| rest.starts_with(p))
    };
    for (i, _) in text.match_indices('+') {
        if i >= start && starts_option(&text[i + 1..]) {
            out.push(&text[start..i]);
            start = i + 1;
        }
    }
    out.push(&text[start..]);
    out
}

fn set_once(slot: &mut Option<String>, name: &str, value: &str) -> Result<(), BadKey> {
    if slot.replace(value.to_owned()).is_some() {
        return Err(format!("+{name} is given twice").into());
    }
    Ok(())
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            ',' => out.push_str("%2C"),
            '=' => out.push_str("%3D"),
            '+' => out.push_str("%2B"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> Result<String, BadKey> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).unwrap_or("");
        out.push(match code.to_ascii_uppercase().as_str() {
            "25" => '%',
            "2C" => ',',
            "3D" => '=',
            "2B" => '+',
            _ => {
                return Err(
                    format!("'%{code}' in '{s}': only %25, %2C, %3D and %2B are escapes").into(),
                );
            }
        });
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

/// An AWS KMS key as a recipient.
pub type Recipient = ServiceRecipient<Service>;

/// Unwraps data keys wrapped for any KMS recipient, with the credentials at hand (the
/// standard chain).
pub type Identity = ServiceIdentity<Service>;

impl KeyService for Service {
    type Key = KeySpec;

    const NAME: &'static str = "AWS KMS";

    fn is_recipient(text: &str) -> bool {
        is_kms_recipient(text)
    }

    /// The base64 of the ciphertext blob.
    fn wrap(&self, key: &KeySpec, payload: &[u8]) -> Result<String, KeyServiceError> {
        self.encrypt(key, payload).map(|blob| STANDARD.encode(blob))
    }

    fn unwrap(&self, key: &KeySpec, wrapped: &str) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        let blob = STANDARD.decode(wrapped.trim()).map_err(|_| {
            KeyServiceError::new(FailureClass::Other, "the wrapped key is not valid base64")
        })?;
        self.decrypt(key, &blob)
    }

    /// SOPS's `kms` entry: `aws_profile` always written, `role` and `context` only when
    /// set.
    fn sops_entry(spec: &KeySpec, wrapped: String, created_at: &str) -> SopsEntry {
        use serde_json::Value;
        let mut fields = SopsFields::new();
        fields.insert("arn".into(), Value::String(spec.arn.clone()));
        fields.insert(
            "aws_profile".into(),
            Value::String(spec.profile.clone().unwrap_or_default()),
        );
        if !spec.context.is_empty() {
            let c = spec
                .context
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            fields.insert("context".into(), Value::Object(c));
        }
        fields.insert("created_at".into(), Value::String(created_at.to_owned()));
        fields.insert("enc".into(), Value::String(wrapped));
        if let Some(r) = &spec.role {
            fields.insert("role".into(), Value::String(r.clone()));
        }
        SopsEntry {
            kind: "kms",
            id: spec.arn.clone(),
            fields,
        }
    }

    fn describe(&self) -> String {
        let s = &self.0.settings;
        let mut describe = "AWS KMS (standard credential chain".to_owned();
        if let Some(p) = &s.profile {
            describe.push_str(&format!(", profile {p}"));
        }
        if let Some(e) = &s.endpoint_url {
            describe.push_str(&format!(", endpoint {e}"));
        }
        describe.push(')');
        describe
    }
}

/// The AWS KMS key source: `arn:aws:kms:…` recipients, SOPS's `kms` entries.
pub struct Source;

impl super::KeySource for Source {
    fn name(&self) -> &'static str {
        "AWS KMS"
    }

    // The key never leaves the service and is symmetric (AES-256), which a quantum computer
    // does not break.
    fn quantum_resistant(&self) -> bool {
        true
    }

    fn claims(&self, text: &str) -> bool {
        text.starts_with("arn:")
    }

    fn parse(
        &self,
        text: &str,
        context: &super::Context,
    ) -> Result<Box<dyn super::Recipient>, RecipientError> {
        Recipient::parse(text, &context.aws_kms).map(|r| Box::new(r) as _)
    }

    fn sops_kind(&self) -> Option<&'static str> {
        Some("kms")
    }

    fn sops_recipient(&self, id: &str, fields: &SopsFields) -> Option<String> {
        let field = |k: &str| super::sops_string(fields, k).filter(|v| !v.is_empty());
        let context = match fields.get("context") {
            Some(serde_json::Value::Object(c)) => c
                .keys()
                .filter_map(|k| super::sops_string(c, k).map(|v| (k.clone(), v)))
                .collect(),
            _ => std::collections::BTreeMap::new(),
        };
        Some(
            KeySpec {
                arn: id.to_owned(),
                region: id.split(':').nth(3).unwrap_or_default().to_owned(),
                context,
                role: field("role"),
                profile: field("aws_profile"),
            }
            .id(),
        )
    }

    fn sops_config_fields(&self) -> Option<(&'static str, &'static str)> {
        Some(("kms", "kms"))
    }

    /// A creation rule's `kms`: a comma-separated string of `ARN` or `ARN+ROLE_ARN` (with
    /// the rule's `aws_profile`); a key group's: a list of `{arn, role, context,
    /// aws_profile}`.
    fn sops_config_recipients(
        &self,
        keys: &serde_json::Value,
        rule: &SopsFields,
    ) -> Vec<Result<String, BadKey>> {
        use serde_json::Value;
        let profile = rule.get("aws_profile").and_then(Value::as_str);
        let one = |arn: &str, role: Option<&str>, context: Option<&Value>, p: Option<&str>| {
            let mut spec = KeySpec::parse(arn).map_err(|e| format!("{arn}: {e}"))?;
            if let Some(r) = role.filter(|r| !r.is_empty()) {
                spec.role = Some(r.to_owned());
            }
            if let Some(Value::Object(c)) = context {
                for (k, v) in c {
                    let v = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    spec.context.insert(k.clone(), v);
                }
            }
            if spec.profile.is_none() {
                spec.profile = p.filter(|p| !p.is_empty()).map(str::to_owned);
            }
            Ok(spec.id())
        };
        match keys {
            Value::Array(a) => a
                .iter()
                .map(|e| match e {
                    Value::String(s) => one(s.trim(), None, None, profile),
                    Value::Object(o) => match o.get("arn").and_then(Value::as_str) {
                        Some(arn) => one(
                            arn,
                            o.get("role").and_then(Value::as_str),
                            o.get("context"),
                            o.get("aws_profile").and_then(Value::as_str).or(profile),
                        ),
                        None => Err("a kms entry has no arn".into()),
                    },
                    _ => Err("a kms entry is neither a string nor a mapping".into()),
                })
                .collect(),
            other => super::sops_list(other)
                .iter()
                .map(|s| one(s, None, None, profile))
                .collect(),
        }
    }
}

/// Classifies an SDK error.
pub fn classify<E>(
    err: &SdkError<E, aws_sdk_kms::config::http::HttpResponse>,
    timeout: Duration,
) -> KeyServiceError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let detail = || chain(err);
    let class = match err {
        SdkError::TimeoutError(_) => {
            return KeyServiceError {
                class: FailureClass::TimedOut,
                detail: format!("no answer within {}", humantime::format_duration(timeout)),
            };
        }
        SdkError::DispatchFailure(d) if d.is_timeout() => {
            return KeyServiceError {
                class: FailureClass::TimedOut,
                detail: format!(
                    "could not connect within {}",
                    humantime::format_duration(timeout)
                ),
            };
        }
        SdkError::DispatchFailure(d) if d.is_io() => FailureClass::Unreachable,
        SdkError::DispatchFailure(_) if detail().contains("credentials") => {
            FailureClass::NoCredentials
        }
        SdkError::ServiceError(s) => {
            let code = s.err().code().unwrap_or("");
            let message = s.err().message().unwrap_or("");
            let status = s.raw().status().as_u16();
            let class = class_of_code(code, status);
            let detail = match (code.is_empty(), message.is_empty()) {
                (false, false) => format!("{message} ({code})"),
                (false, true) => code.to_owned(),
                _ => format!("HTTP {status}: {}", detail()),
            };
            return KeyServiceError { class, detail };
        }
        _ if detail().contains("no credentials")
            || detail().contains("failed to load credentials")
            || detail().contains("the credential provider was not enabled") =>
        {
            FailureClass::NoCredentials
        }
        _ => FailureClass::Other,
    };
    KeyServiceError {
        class,
        detail: detail(),
    }
}

/// An error and its sources, one after the other (`a: b: c`), without repeats.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let joined = super::service::error_chain(err);
    joined
        .strip_prefix("dispatch failure: ")
        .unwrap_or(&joined)
        .to_owned()
}

/// The class of a KMS error code (or, without one, an HTTP status).
pub fn class_of_code(code: &str, status: u16) -> FailureClass {
    match code {
        "AccessDeniedException"
        | "AccessDenied"
        | "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "ExpiredTokenException"
        | "InvalidClientTokenId" => FailureClass::Denied,
        "NotFoundException" => FailureClass::NotFound,
        "DisabledException" | "KMSInvalidStateException" | "KeyUnavailableException" => {
            FailureClass::Disabled
        }
        "InvalidCiphertextException" | "IncorrectKeyException" => FailureClass::WrongContext,
        "ThrottlingException"
        | "Throttling"
        | "LimitExceededException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException" => FailureClass::Throttled,
        _ => match status {
            401 | 403 => FailureClass::Denied,
            404 => FailureClass::NotFound,
            429 => FailureClass::Throttled,
            _ => FailureClass::Other,
        },
    }
}

/// A client's region, profile and role to assume.
type ClientKey = (String, Option<String>, Option<String>);

impl Service {
    /// A service that reaches KMS as `settings` say.
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

    /// The runtime the SDK's calls run on, started the first time it is needed.
    fn runtime(&self) -> Result<&tokio::runtime::Runtime, KeyServiceError> {
        self.0
            .runtime
            .get_or_init(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| {
                        KeyServiceError::new(
                            FailureClass::Other,
                            format!("cannot start the AWS client runtime: {e}"),
                        )
                    })
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The client for the key's region, profile and role, made once.
    fn client(&self, runtime: &tokio::runtime::Runtime, spec: &KeySpec) -> aws_sdk_kms::Client {
        let s = &self.0.settings;
        let profile = spec.profile.clone().or_else(|| s.profile.clone());
        let key = (spec.region.clone(), profile.clone(), spec.role.clone());
        if let Some(c) = self
            .0
            .clients
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return c;
        }
        let client = runtime.block_on(async {
            let timeouts = TimeoutConfig::builder()
                .connect_timeout(s.timeout)
                .read_timeout(s.timeout)
                .operation_attempt_timeout(s.timeout)
                .build();
            // Retries are ours (throttling only, below); the SDK's would also retry
            // connection failures and time-outs, multiplying the wait on a dead endpoint.
            let mut loader = aws_config::defaults(BehaviorVersion::latest())
                .region(Region::new(
                    s.region.clone().unwrap_or_else(|| spec.region.clone()),
                ))
                .timeout_config(timeouts)
                .retry_config(RetryConfig::disabled());
            if let Some(e) = &s.endpoint_url {
                loader = loader.endpoint_url(e);
            }
            if let Some(p) = &profile {
                loader = loader.profile_name(p);
            }
            let sdk = loader.load().await;
            let mut conf =
                aws_sdk_kms::config::Builder::from(&sdk).region(Region::new(spec.region.clone()));
            if let Some(role) = &spec.role {
                let provider = aws_config::sts::AssumeRoleProvider::builder(role)
                    .session_name("vaultfile")
                    .configure(&sdk)
                    .build()
                    .await;
                conf = conf.credentials_provider(provider);
            }
            aws_sdk_kms::Client::from_conf(conf.build())
        });
        if let Ok(mut m) = self.0.clients.lock() {
            m.insert(key, client.clone());
        }
        client
    }

    fn context(spec: &KeySpec) -> Option<HashMap<String, String>> {
        (!spec.context.is_empty()).then(|| spec.context.clone().into_iter().collect())
    }

    /// Fails, before any client is made or connection opened, if the file's ARN would
    /// choose a host that is not AWS KMS: a region not named like one, and no endpoint of
    /// the user's.
    fn check_endpoint(&self, spec: &KeySpec) -> Result<(), KeyServiceError> {
        if self.0.settings.endpoint_url.is_some() || is_region_name(&spec.region) {
            return Ok(());
        }
        Err(KeyServiceError {
            class: FailureClass::NotAllowed,
            detail: format!(
                "'{0}' is not an AWS region name, so the endpoint the SDK would make of it, https://kms.{0}.amazonaws.com, need not be AWS KMS: nothing was sent. Use the key's real ARN; for a KMS-compatible service of your own, set AWS_ENDPOINT_URL_KMS (the region then names no host)",
                spec.region
            ),
        })
    }

    /// `Encrypt` of any payload under `spec`'s key (a data key, or a Shamir share of one
    /// for a SOPS key group): the ciphertext blob.
    pub fn encrypt(&self, spec: &KeySpec, plaintext: &[u8]) -> Result<Vec<u8>, KeyServiceError> {
        let out = self.call(spec, |client| {
            client
                .encrypt()
                .key_id(&spec.arn)
                .plaintext(Blob::new(plaintext.to_vec()))
                .set_encryption_context(Self::context(spec))
                .send()
        })?;
        out.ciphertext_blob
            .map(Blob::into_inner)
            .ok_or(KeyServiceError {
                class: FailureClass::Other,
                detail: "KMS returned no ciphertext".into(),
            })
    }

    /// `Decrypt` of a ciphertext blob (see [`Service::encrypt`]): the plaintext,
    /// zeroized when dropped.
    pub fn decrypt(
        &self,
        spec: &KeySpec,
        blob: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, KeyServiceError> {
        let out = self.call(spec, |client| {
            client
                .decrypt()
                .key_id(&spec.arn)
                .ciphertext_blob(Blob::new(blob.to_vec()))
                .set_encryption_context(Self::context(spec))
                .send()
        })?;
        let plain = Zeroizing::new(out.plaintext.map(Blob::into_inner).unwrap_or_default());
        if plain.is_empty() {
            return Err(KeyServiceError {
                class: FailureClass::Other,
                detail: "KMS returned no plaintext".into(),
            });
        }
        Ok(plain)
    }

    /// Makes a call to KMS for `spec`'s key: refused before any client exists if the ARN
    /// would choose a host that is not KMS, at once if the key's region is already known
    /// to be down, and remembered if it times out or cannot be reached.
    fn call<T, E, F, Fut>(&self, spec: &KeySpec, call: F) -> Result<T, KeyServiceError>
    where
        F: Fn(&aws_sdk_kms::Client) -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, aws_sdk_kms::config::http::HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.check_endpoint(spec)?;
        let runtime = self.runtime()?;
        let client = self.client(runtime, spec);
        let probe = self.0.down.check(&spec.region)?;
        let result = runtime.block_on(self.with_retries(|| call(&client)));
        probe.note(result)
    }
}

impl Service {
    /// Runs `call`, again after a backoff while KMS throttles it, up to the configured
    /// attempts.
    async fn with_retries<T, E, F, Fut>(&self, call: F) -> Result<T, KeyServiceError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, aws_sdk_kms::config::http::HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let s = &self.0.settings;
        let attempts = s.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            match call().await {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let failure = classify(&e, s.timeout);
                    if failure.class != FailureClass::Throttled || attempt >= attempts {
                        return Err(failure);
                    }
                    tokio::time::sleep(super::service::backoff(attempt)).await;
                    attempt += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn parses_keys_aliases_and_options() {
        let s = KeySpec::parse(KEY).unwrap();
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(s.id(), KEY);
        let alias = "arn:aws:kms:us-east-1:123456789012:alias/app-prod";
        assert_eq!(KeySpec::parse(alias).unwrap().id(), alias);

        let s = KeySpec::parse(&format!(
            "{KEY}+profile=ci+context=b=2,a=x%2Cy%3Dz+role=arn:aws:iam::123456789012:role/a+b"
        ))
        .unwrap();
        assert_eq!(s.context["a"], "x,y=z");
        assert_eq!(s.context["b"], "2");
        assert_eq!(
            s.role.as_deref(),
            Some("arn:aws:iam::123456789012:role/a+b")
        );
        assert_eq!(s.profile.as_deref(), Some("ci"));
        // Canonical: context sorted, then role, then profile; parsing it again is stable.
        let id = s.id();
        assert_eq!(
            id,
            format!(
                "{KEY}+context=a=x%2Cy%3Dz,b=2+role=arn:aws:iam::123456789012:role/a+b+profile=ci"
            )
        );
        assert_eq!(KeySpec::parse(&id).unwrap(), s);

        // SOPS's ARN+ROLE form.
        let s = KeySpec::parse(&format!("{KEY}+arn:aws:iam::123456789012:role/r")).unwrap();
        assert_eq!(s.role.as_deref(), Some("arn:aws:iam::123456789012:role/r"));
    }

    #[test]
    fn rejects_malformed_recipients() {
        for (text, why) in [
            ("arn:aws:kms:eu-west-1:123456789012", "expected"),
            ("arn:aws:kms:eu-west-1:1234:key/x", "12-digit"),
            ("arn:aws:kms:EU:123456789012:key/x", "region"),
            ("arn:aws:kms:eu-west-1:123456789012:grant/x", "neither"),
            ("arn:aws:kms:eu-west-1:123456789012:key/", "no key ID"),
        ] {
            let e = KeySpec::parse(text).unwrap_err();
            assert!(e.0.contains(why), "{text}: {e}");
        }
        for (opt, why) in [
            ("+context=", "empty"),
            ("+context=a", "KEY=VALUE"),
            ("+context=a=1,a=2", "twice"),
            ("+context=a=%41", "escapes"),
            ("+region=x", "unknown option"),
            ("+role=someone", "role ARN"),
        ] {
            let e = KeySpec::parse(&format!("{KEY}{opt}")).unwrap_err();
            assert!(e.0.contains(why), "{opt}: {e}");
        }
        assert!(is_kms_recipient(KEY));
        assert!(is_kms_recipient("arn:aws-us-gov:kms:x"));
        assert!(!is_kms_recipient("arn:aws:iam::1:role/x"));
        assert!(!is_kms_recipient("age1xyz"));
    }

    #[test]
    fn only_region_names_may_choose_the_endpoint() {
        for r in [
            "us-east-1",
            "eu-west-1",
            "ap-southeast-5",
            "us-gov-west-1",
            "cn-northwest-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "mx-central-1",
        ] {
            assert!(is_region_name(r), "{r}");
        }
        // `kms.s3.amazonaws.com` and the like are S3 buckets' addresses, not KMS.
        for r in [
            "s3",
            "s3-website-us-east-1",
            "s3-us-west-2",
            "s3-external-1",
            "local",
            "us-east",
            "useast-1",
            "us--1",
            "us-east-1a",
            "u-east-1",
            "us-east-",
            "",
        ] {
            assert!(!is_region_name(r), "{r}");
        }
        // The parser already keeps dots (another domain) out of a region.
        assert!(KeySpec::parse("arn:aws:kms:evil.example:123456789012:key/k").is_err());
        // No option names an endpoint.
        assert!(KeySpec::parse(&format!("{KEY}+endpoint=http://127.0.0.1:1")).is_err());
        let s = KeySpec::parse("arn:aws:kms:s3:123456789012:key/k").unwrap();
        let e = Service::default().check_endpoint(&s).unwrap_err();
        assert_eq!(e.class, FailureClass::NotAllowed);
        assert!(
            e.to_string()
                .contains("https://kms.s3.amazonaws.com, need not be AWS KMS"),
            "{e}"
        );
        assert!(e.to_string().contains("AWS_ENDPOINT_URL_KMS"), "{e}");
        assert!(
            Service::default()
                .check_endpoint(&KeySpec::parse(KEY).unwrap())
                .is_ok()
        );
        // With the user's own endpoint, the region names no host and is not checked.
        let own = Service::new(Settings {
            endpoint_url: Some("http://127.0.0.1:4566".into()),
            ..Settings::default()
        });
        assert!(own.check_endpoint(&s).is_ok());
    }

    #[test]
    fn error_codes_map_to_classes() {
        assert_eq!(
            class_of_code("DisabledException", 400),
            FailureClass::Disabled
        );
        assert_eq!(
            class_of_code("KMSInvalidStateException", 400),
            FailureClass::Disabled
        );
        assert_eq!(
            class_of_code("InvalidCiphertextException", 400),
            FailureClass::WrongContext
        );
        assert_eq!(
            class_of_code("AccessDeniedException", 400),
            FailureClass::Denied
        );
        assert_eq!(
            class_of_code("NotFoundException", 400),
            FailureClass::NotFound
        );
        assert_eq!(
            class_of_code("ThrottlingException", 400),
            FailureClass::Throttled
        );
        assert_eq!(class_of_code("", 429), FailureClass::Throttled);
        assert_eq!(class_of_code("", 500), FailureClass::Other);
    }
}
