//! age plugins as recipients and identities: `age1yubikey1…`, `age1tpm1…`, and any
//! `age1NAME1…` served by an `age-plugin-NAME` program on `PATH`.
//!
//! Through the age crate's plugin client, so the wrapped key is the same kind of age file
//! as for X25519 recipients, with the plugin's own stanza. The plugin program is looked up
//! only when a key is wrapped or unwrapped, not when a recipient is parsed, so listing or
//! checking files needs no plugin installed. A plugin identity (an `AGE-PLUGIN-NAME-1…`
//! line in an identity file) is only offered keys wrapped for a recipient of the same
//! plugin, so opening a file never starts plugins (or asks for a hardware touch) that
//! cannot help.

use std::str::FromStr;
use std::sync::Arc;

use super::age::{AgeCallbacks, unwrap_with, wrap_with};
use super::{Callbacks, LocalSource, RecipientError, UnwrapError, WrapError};
use crate::crypto::DataKey;
use crate::metadata::WrappedKey;

/// The plugin name of a plugin recipient string (`yubikey` for `age1yubikey1…`), if it is one.
pub fn plugin_name(recipient: &str) -> Option<String> {
    ::age::plugin::Recipient::from_str(recipient.trim())
        .ok()
        .map(|r| r.plugin().to_owned())
}

/// The age plugin key source: `age1NAME1…` recipients.
pub static SOURCE: LocalSource = LocalSource {
    name: "age plugin",
    claims: |text| text.starts_with("age1") && plugin_name(text).is_some(),
    parse: |text, callbacks| Recipient::parse(text, callbacks).map(|r| Box::new(r) as _),
    quantum_resistant: false,
    sops_kind: Some("age"),
};

/// A recipient served by an age plugin.
pub struct Recipient {
    id: String,
    inner: ::age::plugin::Recipient,
    callbacks: Arc<dyn Callbacks>,
}

impl Recipient {
    /// Parses an `age1NAME1…` plugin recipient.
    pub fn parse(text: &str, callbacks: Arc<dyn Callbacks>) -> Result<Self, RecipientError> {
        let inner = ::age::plugin::Recipient::from_str(text)
            .map_err(|e| RecipientError::invalid("age plugin", text, e.to_owned()))?;
        Ok(Recipient {
            id: text.to_owned(),
            inner,
            callbacks,
        })
    }
}

fn missing(name: &str, e: ::age::plugin::ResolveError) -> String {
    match e {
        ::age::plugin::ResolveError::MissingPlugin { binary_name } => {
            format!("{binary_name} is not on PATH (install the age plugin for '{name}')")
        }
        other => other.to_string(),
    }
}

impl super::Recipient for Recipient {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, key: &DataKey) -> Result<String, WrapError> {
        let name = self.inner.plugin();
        let plugin = ::age::plugin::RecipientPluginV1::new(
            name,
            std::slice::from_ref(&self.inner),
            &[],
            AgeCallbacks(self.callbacks.clone()),
        )
        .map_err(|e| WrapError {
            recipient: self.id.clone(),
            reason: missing(name, e),
        })?;
        wrap_with(&self.id, &plugin, key)
    }
}

/// An identity served by an age plugin (an `AGE-PLUGIN-NAME-1…` line).
pub struct Identity {
    describe: String,
    inner: ::age::plugin::Identity,
    callbacks: Arc<dyn Callbacks>,
    /// One plugin run at a time: a hardware key (a YubiKey, a TPM) serves one client, and
    /// asks for one touch or PIN at a time, even when files are opened on several threads.
    one_at_a_time: std::sync::Mutex<()>,
}

impl Identity {
    /// Parses an `AGE-PLUGIN-NAME-1…` identity line; `source` names where it came from.
    pub fn parse(
        source: &str,
        line: &str,
        callbacks: Arc<dyn Callbacks>,
    ) -> Result<Self, &'static str> {
        let inner = ::age::plugin::Identity::from_str(line.trim())?;
        Ok(Identity {
            describe: format!("{source} (age-plugin-{} identity)", inner.plugin()),
            inner,
            callbacks,
            one_at_a_time: std::sync::Mutex::new(()),
        })
    }
}

impl super::Identity for Identity {
    fn describe(&self) -> &str {
        &self.describe
    }

    fn unwrap(&self, wrapped: &WrappedKey) -> Option<Result<DataKey, UnwrapError>> {
        let name = self.inner.plugin();
        if plugin_name(&wrapped.recipient).as_deref() != Some(name) {
            return None;
        }
        let _running = self
            .one_at_a_time
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let plugin = match ::age::plugin::IdentityPluginV1::new(
            name,
            std::slice::from_ref(&self.inner),
            AgeCallbacks(self.callbacks.clone()),
        ) {
            Ok(p) => p,
            Err(e) => {
                return Some(Err(UnwrapError {
                    identity: self.describe.clone(),
                    reason: missing(name, e),
                }));
            }
        };
        unwrap_with(&self.describe, &plugin, wrapped)
    }
}
