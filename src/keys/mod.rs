//! Key sources: who a data key is wrapped for, and who can unwrap it.
//!
//! One small trait pair, copied from the age crate's "one joint": a [`Recipient`] wraps a
//! file's data key into the string stored in the metadata, and an [`Identity`] tries to
//! unwrap one. Each key source lives in its own file ([`age`] for X25519 keys and identity
//! files, [`ssh`] for SSH keys, [`plugin`] for age plugins, [`passphrase`] for a
//! break-glass passphrase; `aws_kms`, `vault`, `gcp_kms` and `azure_kv` for the key services, each
//! behind its cargo feature); adding one is a new file plus a line in [`SOURCES`].
//!
//! Recipient strings, by shape: `age1…` (X25519), `age1NAME1…` (the age plugin
//! `age-plugin-NAME`, e.g. `age1yubikey1…`), `ssh-ed25519 …`/`ssh-rsa …`, `passphrase`
//! or `passphrase:LABEL`, and the key services' (`arn:aws:kms:…`, `vault:https://…`,
//! `gcpkms:projects/…`, `azkv:https://…`). [`KeyHolders`] says who can open a file: any one of a list of
//! recipients, or one recipient from each of `threshold` key groups.

#[cfg(any(feature = "gcp-kms", feature = "azure-kv"))]
mod access_token;
pub mod age;
#[cfg(feature = "aws-kms")]
pub mod aws_kms;
#[cfg(feature = "azure-kv")]
pub mod azure_kv;
#[cfg(feature = "gcp-kms")]
pub mod gcp_kms;
#[cfg(feature = "rest-client")]
mod http;
pub mod passphrase;
pub mod plugin;
pub mod remembering;
pub mod service;
pub mod ssh;
#[cfg(feature = "vault")]
pub mod vault;

use std::sync::Arc;

pub use ::age::secrecy::SecretString;

use crate::crypto::DataKey;
use crate::metadata::WrappedKey;

/// The library's only way to reach the user: passphrase prompts.
///
/// The CLI implements it with a terminal prompt or an environment variable; tests with a
/// fixed answer.
pub trait Callbacks: Send + Sync {
    /// Asks for the passphrase described by `description`; `None` if none can be had.
    fn request_passphrase(&self, description: &str) -> Option<SecretString>;

    /// Asks for a new passphrase (to encrypt to); a terminal prompt asks twice. By default,
    /// [`Callbacks::request_passphrase`].
    fn request_new_passphrase(&self, description: &str) -> Option<SecretString> {
        self.request_passphrase(description)
    }

    /// Shows a message from a key source (an age plugin's "touch your YubiKey"). By
    /// default, nothing.
    fn message(&self, _message: &str) {}
}

/// Callbacks that never answer (non-interactive use).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoCallbacks;

impl Callbacks for NoCallbacks {
    fn request_passphrase(&self, _: &str) -> Option<SecretString> {
        None
    }
}

/// What using a key source needs beyond a recipient's text: the user (passphrase prompts,
/// plugin messages) and how to reach each key service.
///
/// The caller makes one per process and passes it to every parse; recipients and
/// identities made from it share its key-service connections, so a service found down is
/// not tried again by the next file. Nothing here is process-wide: two contexts with
/// different settings (a test and its neighbour) never see each other's.
#[derive(Clone)]
pub struct Context {
    /// Asked for passphrases, shown age plugins' messages.
    pub callbacks: Arc<dyn Callbacks>,
    /// How AWS KMS is reached.
    #[cfg(feature = "aws-kms")]
    pub aws_kms: aws_kms::Service,
    /// How Vault / OpenBao transit is reached.
    #[cfg(feature = "vault")]
    pub vault: vault::Service,
    /// How Google Cloud KMS is reached.
    #[cfg(feature = "gcp-kms")]
    pub gcp_kms: gcp_kms::Service,
    /// How Azure Key Vault is reached.
    #[cfg(feature = "azure-kv")]
    pub azure_kv: azure_kv::Service,
}

impl Context {
    /// A context with `callbacks` and every key service's default settings.
    pub fn new(callbacks: Arc<dyn Callbacks>) -> Self {
        Context {
            callbacks,
            #[cfg(feature = "aws-kms")]
            aws_kms: aws_kms::Service::default(),
            #[cfg(feature = "vault")]
            vault: vault::Service::default(),
            #[cfg(feature = "gcp-kms")]
            gcp_kms: gcp_kms::Service::default(),
            #[cfg(feature = "azure-kv")]
            azure_kv: azure_kv::Service::default(),
        }
    }
}

impl Default for Context {
    /// No callbacks (nothing is asked) and default key-service settings.
    fn default() -> Self {
        Context::new(Arc::new(NoCallbacks))
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Context");
        #[cfg(feature = "aws-kms")]
        d.field("aws_kms", &self.aws_kms);
        #[cfg(feature = "vault")]
        d.field("vault", &self.vault);
        #[cfg(feature = "gcp-kms")]
        d.field("gcp_kms", &self.gcp_kms);
        #[cfg(feature = "azure-kv")]
        d.field("azure_kv", &self.azure_kv);
        d.finish_non_exhaustive()
    }
}

/// Something a data key can be wrapped for.
pub trait Recipient: Send + Sync {
    /// The recipient as stored in the metadata (`age1…`, `ssh-ed25519 AAAA… comment`).
    fn id(&self) -> &str;

    /// Wraps `key` for this recipient; returns the encoded wrapped key.
    fn wrap(&self, key: &DataKey) -> Result<String, WrapError>;

    /// Whether wrapping is arithmetic on this machine alone: no key service, no plugin
    /// program, no passphrase to ask for. Only such recipients may have keys wrapped for
    /// them ahead of need ([`crate::engine::KeyReserve`]): a wrap made in advance and never
    /// used must cost nothing but CPU. `false` unless a source says otherwise, so a new
    /// source is never wrapped for in advance by mistake.
    fn computed_locally(&self) -> bool {
        false
    }

    /// For a key service: a SOPS master-key entry holding `payload` (a data key, or a
    /// Shamir share of one) wrapped for this recipient; `None` for keys SOPS holds as its
    /// own kind (age), which `sops` writes itself. `created_at` is the entry's time.
    fn sops_entry(&self, payload: &[u8], created_at: &str) -> Option<Result<SopsEntry, WrapError>> {
        let _ = (payload, created_at);
        None
    }
}

/// Something that may unwrap a data key.
///
/// `Send + Sync`: a git checkout opens files on several threads at once (key services'
/// round trips overlap), all with the same identities.
pub trait Identity: Send + Sync {
    /// Names the identity for messages (`keys.txt line 3`, `~/.ssh/id_ed25519`).
    fn describe(&self) -> &str;

    /// Tries to unwrap `wrapped`:
    /// - `None` if it is not addressed to this identity;
    /// - `Some(Ok(key))` on success;
    /// - `Some(Err(_))` if it is addressed to this identity but unwrapping failed.
    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>>;

    /// For a key service: tries to unwrap a SOPS entry's payload of any length (a data key,
    /// or a Shamir share of one), given the entry's recipient string
    /// ([`KeySource::sops_recipient`]) and its `enc`; `None` if the recipient is not
    /// this identity's.
    fn unwrap_sops(
        &self,
        recipient: &str,
        enc: &str,
    ) -> Option<Result<zeroize::Zeroizing<Vec<u8>>, service::KeyServiceError>> {
        let _ = (recipient, enc);
        None
    }
}

/// A recipient string that is not understood.
#[derive(Debug, thiserror::Error)]
pub enum RecipientError {
    /// The string has no known shape.
    #[error(
        "'{0}' is not a recipient: expected an age public key (age1…), an age plugin recipient (age1yubikey1…), an SSH public key (ssh-ed25519 …, ssh-rsa …) or `passphrase`"
    )]
    Unknown(String),
    /// The string is a secret key (an identity), given where a public key belongs. Only
    /// its kind is kept, never the key: the message may end up in a CI log.
    #[error(
        "this is a secret key ({0}), not a recipient: give its public key instead (`vaultfile keygen -y KEYFILE` prints an age key's; an SSH key's is in its .pub file)"
    )]
    SecretKey(&'static str),
    /// The string has a known shape but is malformed.
    #[error("invalid {kind} recipient '{text}': {reason}")]
    Invalid {
        /// Which kind it looked like.
        kind: &'static str,
        /// The text given.
        text: String,
        /// Why it was rejected.
        reason: String,
    },
}

impl RecipientError {
    /// `text` looked like a `kind` recipient but is not one, for `reason`.
    pub(crate) fn invalid(kind: &'static str, text: &str, reason: impl Into<String>) -> Self {
        RecipientError::Invalid {
            kind,
            text: text.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Wrapping a data key failed.
#[derive(Debug, thiserror::Error)]
#[error("could not wrap the data key for {}: {reason}", short_id(recipient))]
pub struct WrapError {
    /// The recipient.
    pub recipient: String,
    /// The key source's message.
    pub reason: String,
}

/// Unwrapping a data key failed with an identity it was addressed to.
#[derive(Debug, thiserror::Error)]
#[error("{identity}: {reason}")]
pub struct UnwrapError {
    /// The identity that tried.
    pub identity: String,
    /// The key source's message.
    pub reason: String,
}

/// An identity file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {reason}")]
pub struct IdentityError {
    /// Where the identity came from.
    pub source_name: String,
    /// Why it could not be used.
    pub reason: String,
}

/// Parses one recipient string with a default [`Context`]: passphrase recipients parsed
/// this way cannot ask for their passphrase, age plugins show no messages, and key
/// services are reached with their default settings (see [`parse_recipient_with`]).
pub fn parse_recipient(text: &str) -> Result<Box<dyn Recipient>, RecipientError> {
    parse_recipient_with(text, &Context::default())
}

/// Parses one recipient string, choosing the key source by its shape; `context` is asked
/// for a passphrase recipient's passphrase, shown age plugins' messages, and says how key
/// services are reached.
pub fn parse_recipient_with(
    text: &str,
    context: &Context,
) -> Result<Box<dyn Recipient>, RecipientError> {
    let text = text.trim();
    if let Some(kind) = secret_key_kind(text) {
        return Err(RecipientError::SecretKey(kind));
    }
    match source_of(text) {
        Some(source) => source.parse(text, context),
        None => Err(RecipientError::Unknown(text.to_owned())),
    }
}

/// Joins back the pieces of a KMS encryption context that a comma-separated list (`-r`,
/// `VAULTFILE_RECIPIENTS`) split: a piece that is `KEY=VALUE` and no recipient, after one
/// that has `+context=` (only KMS recipients have one), belongs to it.
pub fn rejoin_split_recipients(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for item in list {
        let t = item.trim();
        let is_recipient = source_of(t).is_some();
        match out.last_mut() {
            Some(prev) if !is_recipient && t.contains('=') && prev.contains("+context=") => {
                prev.push(',');
                prev.push_str(t);
            }
            _ => out.push(t.to_owned()),
        }
    }
    out
}

/// One kind of key, as the rest of vaultfile knows it.
///
/// Each source lives in its own file and has one line in [`SOURCES`]; nothing outside
/// `keys` names a source's recipient prefix or its SOPS entries. A recipient string belongs
/// to the first source that claims it.
pub trait KeySource: Sync {
    /// Its name in messages (`AWS KMS`).
    fn name(&self) -> &'static str;

    /// Whether `text` (trimmed) is one of its recipient strings, judged by its shape alone
    /// (a malformed one is claimed, so that its error names the right source).
    fn claims(&self, text: &str) -> bool;

    /// Parses one of its recipient strings; `context` serves passphrase prompts and
    /// plugin messages, and holds the key services' settings.
    fn parse(&self, text: &str, context: &Context) -> Result<Box<dyn Recipient>, RecipientError>;

    /// Why this build cannot use the source's keys at all (a cargo feature left out);
    /// `None` when it can.
    fn unavailable(&self) -> Option<String> {
        None
    }

    /// Whether keys wrapped for its recipients stay secret from a quantum computer: a
    /// post-quantum public-key scheme, or a symmetric key (a passphrase, a key service's
    /// AES-256 key). X25519, SSH and RSA keys fall to Shor's algorithm; an age plugin's kind
    /// is not known, so it counts as classical.
    fn quantum_resistant(&self) -> bool {
        false
    }

    /// SOPS's name for the master keys its recipients become (`age`, `kms`, `hc_vault`);
    /// `None` when a SOPS file cannot hold them.
    fn sops_kind(&self) -> Option<&'static str> {
        None
    }

    /// For a key service: the recipient string for a SOPS entry of its kind (`id` is what
    /// the entry names: an ARN, a URL), if the entry names a usable key.
    fn sops_recipient(&self, id: &str, fields: &SopsFields) -> Option<String> {
        let _ = (id, fields);
        None
    }

    /// For a key service: the `.sops.yaml` fields that list its keys, in a creation rule
    /// and in a key group (`kms` and `kms`; `hc_vault_transit_uri` and `hc_vault`).
    fn sops_config_fields(&self) -> Option<(&'static str, &'static str)> {
        None
    }

    /// For a key service: the vaultfile recipient strings for the keys a `.sops.yaml`
    /// field of its ([`KeySource::sops_config_fields`]) lists; each `Err` says why one key
    /// cannot be carried over. `rule` is the whole creation rule (for settings such as
    /// `aws_profile`).
    fn sops_config_recipients(
        &self,
        keys: &serde_json::Value,
        rule: &SopsFields,
    ) -> Vec<Result<String, service::BadKey>> {
        let _ = (keys, rule);
        Vec::new()
    }
}

/// The strings of a `.sops.yaml` key list: a comma-separated string, or a list of strings.
pub fn sops_list(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(|s| s.trim().to_owned()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The fields of a SOPS master-key entry, as the file has them.
pub type SopsFields = serde_json::Map<String, serde_json::Value>;

/// A field of a SOPS entry as a string (SOPS writes some as numbers or booleans).
pub fn sops_string(fields: &SopsFields, key: &str) -> Option<String> {
    match fields.get(key)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A key service's SOPS master-key entry.
#[derive(Clone, Debug, PartialEq)]
pub struct SopsEntry {
    /// The metadata list it belongs in (`kms`, `hc_vault`).
    pub kind: &'static str,
    /// What identifies the key (an ARN, a URL).
    pub id: String,
    /// The entry's fields, `enc` and `created_at` included.
    pub fields: SopsFields,
}

/// Every key source, in the order they are asked to claim a recipient string.
pub static SOURCES: &[&dyn KeySource] = &[
    // First the post-quantum `age1pq1…`, which would read as a plugin named `pq`; then the
    // plugins, whose `age1NAME1…` starts as an X25519 `age1…` key does.
    &age::pq::SOURCE,
    &plugin::SOURCE,
    &age::SOURCE,
    &ssh::SOURCE,
    &passphrase::SOURCE,
    &AWS_KMS,
    &VAULT,
    &GCP_KMS,
    &AZURE_KV,
];

#[cfg(feature = "aws-kms")]
static AWS_KMS: aws_kms::Source = aws_kms::Source;
#[cfg(not(feature = "aws-kms"))]
static AWS_KMS: Missing = Missing::new("AWS KMS", "arn:", "kms", ("kms", "kms"), "aws-kms");

#[cfg(feature = "vault")]
static VAULT: vault::Source = vault::Source;
#[cfg(not(feature = "vault"))]
static VAULT: Missing = Missing::new(
    "Vault transit",
    "vault:",
    "hc_vault",
    ("hc_vault_transit_uri", "hc_vault"),
    "vault",
);

#[cfg(feature = "gcp-kms")]
static GCP_KMS: gcp_kms::Source = gcp_kms::Source;
#[cfg(not(feature = "gcp-kms"))]
static GCP_KMS: Missing = Missing::new(
    "GCP KMS",
    "gcpkms:",
    "gcp_kms",
    ("gcp_kms", "gcp_kms"),
    "gcp-kms",
);

#[cfg(feature = "azure-kv")]
static AZURE_KV: azure_kv::Source = azure_kv::Source;
#[cfg(not(feature = "azure-kv"))]
static AZURE_KV: Missing = Missing::new(
    "Azure Key Vault",
    "azkv:",
    "azure_kv",
    ("azure_keyvault", "azure_keyvault"),
    "azure-kv",
);

/// The source of `text`'s recipient string, if any source claims it.
pub fn source_of(text: &str) -> Option<&'static dyn KeySource> {
    let text = text.trim();
    SOURCES.iter().copied().find(|s| s.claims(text))
}

/// A recipient as messages show it: a post-quantum key's 1,959 characters cut to its
/// start and end (`age1pq1abcdefghijklmnop…stuvwxyz`), anything else whole. Lists meant
/// to be copied (`vaultfile recipients FILE`) show the whole key.
pub fn short_id(recipient: &str) -> std::borrow::Cow<'_, str> {
    if recipient.starts_with(age::pq::RECIPIENT_PREFIX) && recipient.len() > 60 {
        std::borrow::Cow::Owned(format!(
            "{}…{}",
            &recipient[..24],
            &recipient[recipient.len() - 8..]
        ))
    } else {
        std::borrow::Cow::Borrowed(recipient)
    }
}

/// Whether a key wrapped for `recipient` stays secret from a quantum computer (see
/// [`KeySource::quantum_resistant`]); `false` for a string no source claims.
pub fn quantum_resistant(recipient: &str) -> bool {
    source_of(recipient).is_some_and(|s| s.quantum_resistant())
}

/// The kinds of key a SOPS file can hold that vaultfile reads and writes, for messages:
/// `age, age plugin, SSH, AWS KMS, Vault transit, GCP KMS or Azure Key Vault` (`joiner` is
/// "or" or "and").
pub fn sops_source_names(joiner: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    // Post-quantum and X25519 keys are both "age" to SOPS (and in messages).
    for s in SOURCES.iter().filter(|s| s.sops_kind().is_some()) {
        if !names.contains(&s.name()) {
            names.push(s.name());
        }
    }
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {joiner} {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The key service whose SOPS entries are of `kind` (`kms`, `hc_vault`).
pub fn source_of_sops_kind(kind: &str) -> Option<&'static dyn KeySource> {
    SOURCES
        .iter()
        .copied()
        .find(|s| s.sops_kind() == Some(kind) && kind != "age")
}

/// Parses a recipient string; `callbacks` serves passphrase prompts and plugin messages.
pub(crate) type ParseRecipient =
    fn(&str, Arc<dyn Callbacks>) -> Result<Box<dyn Recipient>, RecipientError>;

/// A key source whose recipients are parsed and used here, with no key service: age X25519
/// keys, SSH keys, age plugins and passphrases. What sets one apart is data: its name, the
/// strings it claims, its parser, and SOPS's kind for its recipients (`age`, if SOPS holds
/// them at all).
pub struct LocalSource {
    pub(crate) name: &'static str,
    pub(crate) claims: fn(&str) -> bool,
    pub(crate) parse: ParseRecipient,
    pub(crate) quantum_resistant: bool,
    pub(crate) sops_kind: Option<&'static str>,
}

impl KeySource for LocalSource {
    fn name(&self) -> &'static str {
        self.name
    }

    fn quantum_resistant(&self) -> bool {
        self.quantum_resistant
    }

    fn claims(&self, text: &str) -> bool {
        (self.claims)(text)
    }

    fn parse(&self, text: &str, context: &Context) -> Result<Box<dyn Recipient>, RecipientError> {
        (self.parse)(text, context.callbacks.clone())
    }

    fn sops_kind(&self) -> Option<&'static str> {
        self.sops_kind
    }
}

/// A key source this build left out (a cargo feature not enabled): it still claims its
/// recipients, so that they get an error that says why rather than "not a recipient".
#[cfg_attr(
    all(
        feature = "aws-kms",
        feature = "vault",
        feature = "gcp-kms",
        feature = "azure-kv"
    ),
    allow(dead_code)
)]
struct Missing {
    name: &'static str,
    prefix: &'static str,
    sops_kind: &'static str,
    sops_config: (&'static str, &'static str),
    feature: &'static str,
}

#[cfg_attr(
    all(
        feature = "aws-kms",
        feature = "vault",
        feature = "gcp-kms",
        feature = "azure-kv"
    ),
    allow(dead_code)
)]
impl Missing {
    /// The source `name`, whose recipients start with `prefix`, whose SOPS entries are
    /// `sops_kind` and whose `.sops.yaml` fields are `sops_config`, left out with the cargo
    /// feature `feature`.
    const fn new(
        name: &'static str,
        prefix: &'static str,
        sops_kind: &'static str,
        sops_config: (&'static str, &'static str),
        feature: &'static str,
    ) -> Self {
        Missing {
            name,
            prefix,
            sops_kind,
            sops_config,
            feature,
        }
    }
}

impl KeySource for Missing {
    fn name(&self) -> &'static str {
        self.name
    }

    fn claims(&self, text: &str) -> bool {
        text.starts_with(self.prefix)
    }

    fn parse(&self, text: &str, _: &Context) -> Result<Box<dyn Recipient>, RecipientError> {
        Err(RecipientError::invalid(
            self.name,
            text,
            self.unavailable().unwrap_or_default(),
        ))
    }

    fn unavailable(&self) -> Option<String> {
        Some(format!(
            "this vaultfile was built without the {} feature",
            self.feature
        ))
    }

    fn sops_kind(&self) -> Option<&'static str> {
        Some(self.sops_kind)
    }

    fn sops_recipient(&self, id: &str, _: &SopsFields) -> Option<String> {
        Some(id.to_owned())
    }

    fn sops_config_fields(&self) -> Option<(&'static str, &'static str)> {
        Some(self.sops_config)
    }

    /// Each key listed, refused with the reason (so that a conversion notes it rather than
    /// dropping it unsaid).
    fn sops_config_recipients(
        &self,
        keys: &serde_json::Value,
        _: &SopsFields,
    ) -> Vec<Result<String, service::BadKey>> {
        let count = match keys {
            serde_json::Value::Array(a) => a.len(),
            other => sops_list(other).len(),
        };
        let reason = self.unavailable().unwrap_or_default();
        (0..count)
            .map(|_| Err(service::BadKey(reason.clone())))
            .collect()
    }
}

/// What kind of secret key `text` holds, if it holds one: a recipient list is the last
/// place a secret should be, and an error message must not repeat it.
fn secret_key_kind(text: &str) -> Option<&'static str> {
    let upper = text.to_ascii_uppercase();
    if upper.contains("AGE-SECRET-KEY-") {
        Some("AGE-SECRET-KEY-1…")
    } else if upper.contains("AGE-PLUGIN-") {
        Some("AGE-PLUGIN-…")
    } else if upper.contains("PRIVATE KEY-----") {
        Some("-----BEGIN … PRIVATE KEY-----")
    } else {
        None
    }
}

/// Parses a recipients file: one recipient per line; blank lines and `#` comments ignored.
pub fn parse_recipients_file(text: &str) -> Result<Vec<Box<dyn Recipient>>, RecipientError> {
    parse_recipients_file_with(text, &Context::default())
}

/// [`parse_recipients_file`], in `context` (see [`parse_recipient_with`]).
pub fn parse_recipients_file_with(
    text: &str,
    context: &Context,
) -> Result<Vec<Box<dyn Recipient>>, RecipientError> {
    text.lines()
        // `#` starts a comment, at the start of a line or after a blank (`age1… # alice`):
        // no recipient contains " #".
        .map(|l| l.split_once(" #").map_or(l, |(r, _)| r).trim())
        .map(|l| l.split_once("\t#").map_or(l, |(r, _)| r).trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| parse_recipient_with(l, context))
        .collect()
}

/// The identity that opens keys wrapped for `passphrase` recipients, asking `callbacks` for
/// the passphrase (once per recipient) only when a file has such a key and no other
/// identity opened it. Put it last in the identity list.
pub fn passphrase_identity(callbacks: Arc<dyn Callbacks>) -> Box<dyn Identity> {
    Box::new(passphrase::Identity::new(callbacks))
}

/// Who can open a file.
pub enum KeyHolders {
    /// Any one of these recipients.
    Recipients(Vec<Box<dyn Recipient>>),
    /// One recipient from each of `threshold` groups (Shamir's secret sharing of the key).
    Groups {
        /// The groups, in order; none is empty.
        groups: Vec<Vec<Box<dyn Recipient>>>,
        /// How many groups are needed: between 1 and the number of groups.
        threshold: usize,
    },
}

/// [`KeyHolders`], borrowed: what the code that wraps a data key (vaultfile's engine,
/// SOPS's writer) works on, from owned holders or from slices it has at hand.
#[derive(Clone, Copy)]
pub enum Holders<'a> {
    /// Any one of these recipients.
    Recipients(&'a [Box<dyn Recipient>]),
    /// One recipient from each of `threshold` groups.
    Groups {
        /// The groups, in order; none is empty.
        groups: &'a [Vec<Box<dyn Recipient>>],
        /// How many groups are needed: between 1 and the number of groups.
        threshold: usize,
    },
}

impl<'a> From<&'a KeyHolders> for Holders<'a> {
    fn from(h: &'a KeyHolders) -> Self {
        match h {
            KeyHolders::Recipients(r) => Holders::Recipients(r),
            KeyHolders::Groups { groups, threshold } => Holders::Groups {
                groups,
                threshold: *threshold,
            },
        }
    }
}

impl<'a> Holders<'a> {
    /// The recipient strings of each group (one group for [`Holders::Recipients`]) and the
    /// threshold (1 for [`Holders::Recipients`]), in the shape of
    /// [`crate::metadata::Metadata::groups`].
    pub fn ids(self) -> (Vec<Vec<&'a str>>, usize) {
        match self {
            Holders::Recipients(r) => (vec![r.iter().map(|r| r.id()).collect()], 1),
            Holders::Groups { groups, threshold } => (
                groups
                    .iter()
                    .map(|g| g.iter().map(|r| r.id()).collect())
                    .collect(),
                threshold,
            ),
        }
    }

    /// Whether the holders are key groups.
    pub fn is_grouped(self) -> bool {
        matches!(self, Holders::Groups { .. })
    }
}

impl KeyHolders {
    /// The recipient strings of each group (one group for [`KeyHolders::Recipients`]) and
    /// the threshold (1 for [`KeyHolders::Recipients`]), in the shape of
    /// [`crate::metadata::Metadata::groups`].
    pub fn ids(&self) -> (Vec<Vec<&str>>, usize) {
        Holders::from(self).ids()
    }

    /// Whether there is nobody to encrypt to.
    pub fn is_empty(&self) -> bool {
        match self {
            KeyHolders::Recipients(r) => r.is_empty(),
            KeyHolders::Groups { groups, .. } => groups.iter().all(Vec::is_empty),
        }
    }
}

/// [`KeyHolders`] parsed once and handed out for many files ([`SharedHolders::holders`]):
/// the git filter cleans and checks file after file of one rule, and parsing its
/// recipients for each was half the filter's own work for a post-quantum rule (1,216
/// bytes of Bech32 and an ML-KEM key to decode per recipient).
#[derive(Clone)]
pub struct SharedHolders {
    groups: Vec<Vec<Arc<dyn Recipient>>>,
    /// `None` for [`KeyHolders::Recipients`] (one list, kept as the only group).
    threshold: Option<usize>,
}

impl From<KeyHolders> for SharedHolders {
    fn from(holders: KeyHolders) -> Self {
        let share = |list: Vec<Box<dyn Recipient>>| list.into_iter().map(Arc::from).collect();
        match holders {
            KeyHolders::Recipients(r) => SharedHolders {
                groups: vec![share(r)],
                threshold: None,
            },
            KeyHolders::Groups { groups, threshold } => SharedHolders {
                groups: groups.into_iter().map(share).collect(),
                threshold: Some(threshold),
            },
        }
    }
}

impl SharedHolders {
    /// The holders, sharing the parsed recipients.
    pub fn holders(&self) -> KeyHolders {
        let list = |g: &[Arc<dyn Recipient>]| {
            g.iter()
                .map(|r| Box::new(SharedRecipient(Arc::clone(r))) as Box<dyn Recipient>)
                .collect()
        };
        match self.threshold {
            None => {
                KeyHolders::Recipients(self.groups.first().map(|g| list(g)).unwrap_or_default())
            }
            Some(threshold) => KeyHolders::Groups {
                groups: self.groups.iter().map(|g| list(g)).collect(),
                threshold,
            },
        }
    }
}

/// One recipient of [`SharedHolders`]: the parsed recipient, behind every method.
struct SharedRecipient(Arc<dyn Recipient>);

impl Recipient for SharedRecipient {
    fn id(&self) -> &str {
        self.0.id()
    }

    fn wrap(&self, key: &DataKey) -> Result<String, WrapError> {
        self.0.wrap(key)
    }

    fn computed_locally(&self) -> bool {
        self.0.computed_locally()
    }

    fn sops_entry(&self, payload: &[u8], created_at: &str) -> Option<Result<SopsEntry, WrapError>> {
        self.0.sops_entry(payload, created_at)
    }
}

/// Loads the identities in one identity source, choosing the parser by content: an
/// OpenSSH or PEM private key, a passphrase-protected age identity file, or age's
/// `keys.txt` format (comments and blank lines allowed, several keys per file).
///
/// `name` is used in messages (usually the file path). `callbacks` is asked for a
/// passphrase only when an encrypted identity is actually needed.
pub fn load_identities(
    name: &str,
    content: &[u8],
    callbacks: Arc<dyn Callbacks>,
) -> Result<Vec<Box<dyn Identity>>, IdentityError> {
    let text = std::str::from_utf8(content).map_err(|_| IdentityError {
        source_name: name.to_owned(),
        reason: "not a text file (identity files are UTF-8 text)".into(),
    })?;
    let trimmed = text.trim_start();
    if trimmed.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
        || trimmed.starts_with("-----BEGIN RSA PRIVATE KEY-----")
    {
        ssh::load_identity(name, text, callbacks).map(|i| vec![i])
    } else {
        age::load_identities(name, content, callbacks)
    }
}

/// Made-up key-service recipients for the tests of other modules (SOPS, the
/// configuration), so that no module outside `keys` spells a key service's prefix.
#[cfg(test)]
pub(crate) mod examples {
    /// An AWS KMS key's ARN in a made-up account: `arn:aws:kms:REGION:111122223333:WHAT`.
    pub fn kms_arn(region: &str, what: &str) -> String {
        format!("arn:aws:kms:{region}:111122223333:{what}")
    }

    /// An IAM role's ARN in the same account.
    pub fn role_arn(name: &str) -> String {
        format!("arn:aws:iam::111122223333:role/{name}")
    }

    /// A Vault transit recipient for `url` (`https://HOST:PORT/MOUNT/keys/NAME`).
    pub fn transit(url: &str) -> String {
        format!("vault:{url}")
    }

    /// A Cloud KMS recipient: the crypto key `key` in key ring `ring` of `project`, in
    /// `global`.
    pub fn gcp_key(project: &str, key: &str) -> String {
        format!("gcpkms:{}", gcp_resource(project, key))
    }

    /// The resource name of [`gcp_key`]'s key (SOPS's `resource_id`).
    pub fn gcp_resource(project: &str, key: &str) -> String {
        format!("projects/{project}/locations/global/keyRings/ring/cryptoKeys/{key}")
    }

    /// An Azure Key Vault recipient: the key `key` in the vault `vault` of Azure's public
    /// cloud.
    pub fn azure_key(vault: &str, key: &str) -> String {
        format!("azkv:{}", azure_url(vault, key))
    }

    /// The URL of [`azure_key`]'s key (as `.sops.yaml`'s `azure_keyvault` lists it).
    pub fn azure_url(vault: &str, key: &str) -> String {
        format!("https://{vault}.vault.azure.net/keys/{key}")
    }
}

/// Keys made up for unit tests.
#[cfg(test)]
pub(crate) mod testkit {
    use super::*;

    /// A recipient list and the identity list that opens what is encrypted to it.
    pub type KeyPair = (Vec<Box<dyn Recipient>>, Vec<Box<dyn Identity>>);

    /// A fresh age key pair.
    pub fn generated() -> KeyPair {
        let id = ::age::x25519::Identity::generate();
        let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        (
            vec![parse_recipient(&id.to_public().to_string()).unwrap()],
            load_identities("test key", secret.as_bytes(), Arc::new(NoCallbacks)).unwrap(),
        )
    }

    /// Any one of the recipients `ids`.
    pub fn flat(ids: &[&str]) -> KeyHolders {
        KeyHolders::Recipients(ids.iter().map(|r| parse_recipient(r).unwrap()).collect())
    }

    /// `threshold` of the key groups `groups`, each a list of recipients.
    pub fn grouped(groups: &[&[&str]], threshold: usize) -> KeyHolders {
        KeyHolders::Groups {
            groups: groups
                .iter()
                .map(|g| g.iter().map(|r| parse_recipient(r).unwrap()).collect())
                .collect(),
            threshold,
        }
    }
}

#[cfg(test)]
mod recipient_tests {
    use super::*;

    /// Regression: the registry once asked the age source first, which claimed a plugin's
    /// `age1NAME1…` recipient and refused it as a malformed X25519 key.
    #[test]
    fn each_recipient_shape_goes_to_its_source() {
        let age = ::age::x25519::Identity::generate().to_public().to_string();
        let kms = examples::kms_arn("eu-west-1", "key/x");
        let transit = examples::transit("https://vault.internal:8200/transit/keys/a");
        let gcp = examples::gcp_key("my-project", "app");
        let azure = examples::azure_key("my-vault", "app");
        for (text, name) in [
            (age.as_str(), "age"),
            ("age1vftest17nyvuwrn8xvqk3hfe03w53pdkcnzf3np", "age plugin"),
            ("ssh-ed25519 AAAAC3Nza test", "SSH"),
            ("passphrase", "passphrase"),
            ("passphrase:ops", "passphrase"),
            (kms.as_str(), "AWS KMS"),
            (transit.as_str(), "Vault transit"),
            (gcp.as_str(), "GCP KMS"),
            (azure.as_str(), "Azure Key Vault"),
        ] {
            assert_eq!(source_of(text).map(|s| s.name()), Some(name), "{text}");
        }
        assert!(source_of("pgp:F00D").is_none());
        assert_eq!(
            source_of_sops_kind("kms").map(|s| s.name()),
            Some("AWS KMS")
        );
        assert_eq!(
            source_of_sops_kind("hc_vault").map(|s| s.name()),
            Some("Vault transit")
        );
        assert_eq!(
            source_of_sops_kind("gcp_kms").map(|s| s.name()),
            Some("GCP KMS")
        );
        assert_eq!(
            source_of_sops_kind("azure_kv").map(|s| s.name()),
            Some("Azure Key Vault")
        );
        assert!(source_of_sops_kind("age").is_none() && source_of_sops_kind("hckms").is_none());
    }

    #[test]
    fn contexts_split_by_commas_are_joined_back() {
        let arn = "arn:aws:kms:eu-west-1:123456789012:alias/a";
        let list: Vec<String> = [
            &format!("{arn}+context=a=1"),
            "b=2",
            "age1xyz",
            "c=3",
            &format!("{arn}+context=x=1"),
            "y=2+role=arn:aws:iam::123456789012:role/r",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            rejoin_split_recipients(&list),
            [
                format!("{arn}+context=a=1,b=2"),
                "age1xyz".into(),
                "c=3".into(),
                format!("{arn}+context=x=1,y=2+role=arn:aws:iam::123456789012:role/r"),
            ]
        );
    }

    /// A secret key given as a recipient is recognised and never repeated.
    #[test]
    fn a_secret_key_given_as_a_recipient_is_not_echoed() {
        let id = ::age::x25519::Identity::generate();
        let secret = ::age::secrecy::ExposeSecret::expose_secret(&id.to_string()).to_owned();
        for given in [
            secret.clone(),
            secret.to_lowercase(),
            format!("  {secret}  "),
            "AGE-PLUGIN-YUBIKEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQ".to_owned(),
            // Assembled here, so that secret scanners do not take this test for a key.
            format!(
                "-----BEGIN OPENSSH {}-----\nb3BlbnNzaC1rZXktdjEAAAAA\n",
                "PRIVATE KEY"
            ),
        ] {
            let Err(err) = parse_recipient(&given) else {
                panic!("a secret key was taken as a recipient")
            };
            let msg = err.to_string();
            assert!(matches!(err, RecipientError::SecretKey(_)), "{msg}");
            assert!(msg.contains("secret key"), "{msg}");
            assert!(!msg.contains(&secret[16..]), "the key is echoed: {msg}");
            assert!(
                !msg.contains("QQQQQQQQ") && !msg.contains("b3BlbnNz"),
                "{msg}"
            );
        }
        let err = match parse_recipients_file(&format!("# alice\n{secret}  # mine\n")) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted"),
        };
        assert!(!err.contains(&secret[16..]), "{err}");
    }

    /// Regression: a recipients file's inline comment (`age1… # alice`) was refused,
    /// although `#` starts a comment.
    #[test]
    fn recipients_files_take_inline_comments() {
        let a = ::age::x25519::Identity::generate().to_public().to_string();
        let b = ::age::x25519::Identity::generate().to_public().to_string();
        let text = format!("# the team\n{a} # alice\n\n{b}\t# bob\n   # indented comment\n");
        let ids: Vec<String> = parse_recipients_file(&text)
            .unwrap()
            .iter()
            .map(|r| r.id().to_owned())
            .collect();
        assert_eq!(ids, vec![a, b]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_holders_give_the_parsed_holders_again_and_again() {
        let ids: Vec<String> = (0..3)
            .map(|_| ::age::x25519::Identity::generate().to_public().to_string())
            .collect();
        let parse = |i: usize| parse_recipient(&ids[i]).unwrap();
        let flat = SharedHolders::from(KeyHolders::Recipients(vec![parse(0), parse(1)]));
        let grouped = SharedHolders::from(KeyHolders::Groups {
            groups: vec![vec![parse(0)], vec![parse(1), parse(2)]],
            threshold: 1,
        });
        for _ in 0..2 {
            let h = flat.holders();
            assert!(matches!(h, KeyHolders::Recipients(_)));
            assert_eq!(h.ids(), (vec![vec![&*ids[0], &*ids[1]]], 1));
            let g = grouped.holders();
            assert!(Holders::from(&g).is_grouped());
            assert_eq!(g.ids(), (vec![vec![&*ids[0]], vec![&*ids[1], &*ids[2]]], 1));
        }
        // Every method reaches the parsed recipient.
        let KeyHolders::Recipients(r) = flat.holders() else {
            unreachable!()
        };
        assert!(r[0].computed_locally());
        assert!(r[0].sops_entry(b"k", "now").is_none());
        assert!(r[0].wrap(&DataKey::generate()).unwrap().len() > 100);
    }
}
