//! The `vaultfile` metadata block stored inside each encrypted file.
//!
//! One serde model for every format; each [`crate::format::Store`] renders it in its own
//! syntax (a top-level `vaultfile` key in YAML, JSON and TOML, a comment block in dotenv).
//! Nothing in it changes when the plaintext did not (DESIGN.md section 3): in particular
//! there is no last-modified time. `created` records when the data key was made and
//! changes only when the data key is rotated.

use serde::{Deserialize, Serialize};

use crate::path::RuleSpec;

/// The current format version.
pub const VERSION: u32 = 1;

/// The name of the metadata key (and of the dotenv comment marker).
pub const KEY: &str = "vaultfile";

/// The metadata block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// Format version; readers refuse versions they do not know.
    pub version: u32,
    /// When the data key was created (RFC 3339, UTC, seconds); rotation evidence.
    pub created: String,
    /// The selection rules in force when the file was encrypted.
    #[serde(default, skip_serializing_if = "RuleSpec::is_empty")]
    pub rules: RuleSpec,
    /// The data key, wrapped once for each recipient.
    pub recipients: Vec<WrappedKey>,
    /// The file MAC (see [`crate::crypto::FileMac`]).
    pub mac: String,
}

/// The data key wrapped for one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedKey {
    /// The recipient as written by the user (`age1…`, `ssh-ed25519 AAAA… comment`).
    pub recipient: String,
    /// The wrapped data key; its encoding is the key source's (base64 of an age file for
    /// age and SSH recipients).
    pub key: String,
}

impl Metadata {
    /// Converts to the generic value that stores render.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("metadata always serialises")
    }

    /// Reads the generic value that a store parsed.
    pub fn from_value(value: serde_json::Value) -> Result<Self, serde_json::Error> {
        serde_json::from_value(value)
    }

    /// The recipient strings, in file order.
    pub fn recipient_ids(&self) -> impl Iterator<Item = &str> {
        self.recipients.iter().map(|w| w.recipient.as_str())
    }
}
