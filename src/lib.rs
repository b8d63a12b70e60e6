//! vaultfile: keep secrets in git as structured files whose values are encrypted.
//!
//! The library does all the work; the `vaultfile` binary is glue. The library never
//! prints, prompts, exits or reads environment variables: the caller passes what it
//! needs, including a [`Callbacks`] object for passphrases.
//!
//! The pieces, and how they meet:
//! - [`format`]: one [`format::Store`] per file format finds each leaf value's byte span.
//! - [`path`]: canonical key paths (the AEAD associated data) and the selection rules.
//! - [`crypto`]: the data key, the deterministic value cipher (AES-SIV) and the file MAC.
//! - [`keys`]: one [`keys::Recipient`]/[`keys::Identity`] pair per key source.
//! - [`metadata`]: the `vaultfile` block stored inside each encrypted file.
//! - [`git`]: the filters, diff and merge drivers that make git store ciphertext.
//! - [`config`]: `.vaultfile.yaml`, which says who can decrypt which files; [`policy`]
//!   compares a file's recipients and rules with its rule there.
//! - [`patch`] and [`flatten`]: edit one value of a plaintext in the file's own style;
//!   turn values into environment variables.
//! - [`scan`]: `vaultfile scan`, which finds secrets that are not protected.
//! - [`sops`]: reading SOPS files, and converting between SOPS's format and vaultfile's.
//! - [`k8s`]: Kubernetes `Secret` manifests from decrypted values.
//! - [`view`]: the read model: values as a reader sees them (YAML aliases, merge keys and
//!   documents resolved), for every command that reads values.
//! - [`engine`]: encrypt, decrypt and re-encrypt with a baseline; the only module that
//!   combines the others.
//! - [`audit`]: what `vaultfile status` reports about one encrypted file.

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
