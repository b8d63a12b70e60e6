//! vaultfile: keep secrets in git as structured files whose values are encrypted.
//!
//! The library does all the work; the `vaultfile` binary is glue. The library never
//! prints, prompts, exits or reads environment variables: the caller passes what it
//! needs, including a [`Callbacks`] object for passphrases.
//!
//! The pieces, in layers (each uses only the ones above it in this list, and
//! `docs/ARCHITECTURE.md` has the map):
//! - [`path`]: canonical key paths (the AEAD associated data) and the selection rules.
//! - [`crypto`]: the data key, the deterministic value cipher (AES-SIV) and the file MAC.
//! - [`format`](mod@format): one folder per file format: a [`format::Store`] finds each leaf value's
//!   byte span and places the metadata block; [`format::patch`] edits one value in the
//!   file's own style; [`format::view`] is the read model (YAML aliases, merge keys and
//!   documents resolved) that every command reading values goes through.
//! - [`metadata`]: the `vaultfile` block stored inside each encrypted file.
//! - [`keys`]: one [`keys::KeySource`] per kind of key, each in its own file, with its
//!   [`keys::Recipient`]/[`keys::Identity`] pair and its SOPS entries.
//! - [`engine`]: encrypt, decrypt and re-encrypt with a baseline; the only module that
//!   combines the ones above.
//! - Features built on the engine: [`config`] (`.vaultfile.yaml`, who can decrypt which
//!   files) and [`policy`] (a file compared with its rule there); [`git`] (the filters,
//!   diff and merge drivers); [`sops`] (SOPS files read, written and converted);
//!   [`flatten`] and [`k8s`] (values as environment variables and Kubernetes `Secret`s);
//!   [`audit`] (what `vaultfile status` reports) and [`scan`] (secrets left unprotected).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod config;
pub mod crypto;
pub mod engine;
pub mod flatten;
pub mod format;
pub mod git;
pub mod k8s;
pub mod keys;
pub mod metadata;
pub mod path;
pub mod policy;
pub mod scan;
pub mod sops;

pub use keys::Callbacks;
