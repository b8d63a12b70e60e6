//! The `vaultfile` metadata block stored inside each encrypted file.
//!
//! One serde model for every format; each [`crate::format::Store`] renders it in its own
//! syntax (a top-level `vaultfile` key in YAML, JSON and TOML, a comment block in dotenv).
//! Nothing in it changes when the plaintext did not: in particular
//! there is no last-modified time. `created` records when the data key was made and
//! changes only when the data key is rotated.
//!
//! Who can open the file is written in one of two shapes:
//!
//! ```yaml
//! vaultfile:                       # any one recipient opens the file
//!   version: 2
//!   created: 2026-01-02T03:04:05Z
//!   recipients:
//!     - recipient: age1…
//!       key: YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+…   # the data key, in an age file for age1…
//!   mac: …
//! ```
//!
//! ```yaml
//! vaultfile:                       # key groups: any `threshold` groups open the file
//!   version: 2
//!   created: 2026-01-02T03:04:05Z
//!   key_groups:
//!     - recipients:                # group 1: its share, wrapped for each of its members
//!         - recipient: age1alice…
//!           key: …
//!         - recipient: age1bob…
//!           key: …
//!     - recipients:                # group 2
//!         - recipient: age1carol…
//!           key: …
//!     - recipients:                # group 3
//!         - recipient: passphrase
//!           key: …
//!   threshold: 2
//!   mac: …
//! ```
//!
//! With key groups the data key is split with Shamir's secret sharing over GF(256)
//! ([`crate::crypto::shamir`]): group `i` (1-based) holds the share at `x = i`, and every
//! member of a group gets that group's 32-byte share wrapped exactly as a data key would
//! be. One member of each of `threshold` groups is needed. The flat `recipients` shape is
//! the single-group case and is what every file without key groups uses, so files written
//! before key groups existed are unchanged.
//!
//! The MAC of format 2 covers the whole file text but its own value, this block included
//! (see [`crate::crypto::TextMac`]); that of format 1, still read, covered the values, the
//! recipients, the threshold and each group's recipient list, and the rules (see
//! [`crate::crypto::MacInput`]).

use serde::{Deserialize, Serialize};

use crate::path::RuleSpec;

/// The format version every file is written in: 2, whose MAC covers the whole text
/// (see [`crate::crypto::TextMac`]).
pub const VERSION: u32 = 2;

/// The oldest version still read: 1, whose MAC covers the values, the recipients and the
/// rules but not the text around them (comments, layout, anchors, structure without values).
pub const OLDEST_VERSION: u32 = 1;

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
    /// The whole text is one encrypted value (`data`), whatever the file's name says: a
    /// binary file, or a merge result with conflict markers (which must not reach git's
    /// object database in plaintext). Format 2 writes it; format-1 binary files are known
    /// by their name only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole: bool,
    /// The selection rules in force when the file was encrypted.
    #[serde(default, skip_serializing_if = "RuleSpec::is_empty")]
    pub rules: RuleSpec,
    /// The data key, wrapped once for each recipient. Empty when the file uses key groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<WrappedKey>,
    /// Key groups, each holding one share of the data key wrapped for each of its
    /// recipients. Empty when the file uses `recipients`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_groups: Vec<KeyGroup>,
    /// How many key groups are needed to open the file; set exactly when `key_groups` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    /// The file MAC (see [`crate::crypto::FileMac`]).
    pub mac: String,
}

/// One key group: a share of the data key, wrapped for each member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyGroup {
    /// The group's share, wrapped once for each recipient of the group.
    pub recipients: Vec<WrappedKey>,
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

    /// The recipient strings, in file order: every group's, one group after the other,
    /// for a file with key groups.
    pub fn recipient_ids(&self) -> impl Iterator<Item = &str> {
        self.recipients
            .iter()
            .chain(self.key_groups.iter().flat_map(|g| &g.recipients))
            .map(|w| w.recipient.as_str())
    }

    /// Whether the file uses key groups.
    pub fn has_key_groups(&self) -> bool {
        !self.key_groups.is_empty()
    }

    /// The recipient strings of each key group (one group holding every recipient, for a
    /// file without key groups), and how many groups are needed.
    pub fn groups(&self) -> (Vec<Vec<&str>>, usize) {
        if self.key_groups.is_empty() {
            (vec![self.recipient_ids().collect()], 1)
        } else {
            let groups = self
                .key_groups
                .iter()
                .map(|g| g.recipients.iter().map(|w| w.recipient.as_str()).collect())
                .collect();
            (groups, self.threshold.unwrap_or(0) as usize)
        }
    }

    /// Checks the shape: recipients or key groups (not both, not neither), no empty group,
    /// and a threshold between 1 and the number of groups exactly when there are groups.
    pub fn check_shape(&self) -> Result<(), ShapeError> {
        match (self.recipients.is_empty(), self.key_groups.is_empty()) {
            (true, true) => return Err(ShapeError::NoRecipients),
            (false, false) => return Err(ShapeError::RecipientsAndGroups),
            (false, true) => {
                if self.threshold.is_some() {
                    return Err(ShapeError::ThresholdWithoutGroups);
                }
                return Ok(());
            }
            (true, false) => {}
        }
        if let Some(i) = self.key_groups.iter().position(|g| g.recipients.is_empty()) {
            return Err(ShapeError::EmptyGroup(i + 1));
        }
        let n = self.key_groups.len();
        if n > crate::crypto::shamir::MAX_GROUPS {
            return Err(ShapeError::TooManyGroups(n));
        }
        match self.threshold {
            Some(t) if t >= 1 && t as usize <= n => Ok(()),
            Some(threshold) => Err(ShapeError::ThresholdOutOfRange {
                threshold,
                groups: n,
            }),
            None => Err(ShapeError::GroupsWithoutThreshold),
        }
    }
}

/// Why a metadata block's recipients and key groups do not have a shape vaultfile reads
/// (see [`Metadata::check_shape`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapeError {
    /// Neither `recipients` nor `key_groups`.
    #[error("it lists no recipients")]
    NoRecipients,
    /// Both `recipients` and `key_groups`.
    #[error("it has both `recipients` and `key_groups`")]
    RecipientsAndGroups,
    /// A `threshold` with flat recipients.
    #[error("it has a `threshold` but no `key_groups`")]
    ThresholdWithoutGroups,
    /// A key group with no recipient (1-based).
    #[error("key group {0} is empty")]
    EmptyGroup(usize),
    /// More key groups than Shamir's sharing over GF(256) allows.
    #[error("it has {0} key groups (at most 255)")]
    TooManyGroups(usize),
    /// A threshold of 0 or above the number of groups.
    #[error("its threshold {threshold} is not between 1 and the number of key groups ({groups})")]
    ThresholdOutOfRange {
        /// The threshold written.
        threshold: u32,
        /// How many key groups there are.
        groups: usize,
    },
    /// Key groups with no `threshold`.
    #[error("it has `key_groups` but no `threshold`")]
    GroupsWithoutThreshold,
}
