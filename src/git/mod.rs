//! Git integration: the clean/smudge filters, the diff and merge drivers, and the
//! repository queries behind `vaultfile git …`.
//!
//! - [`convert`]: what clean, smudge and textconv do to one file (no git involved).
//! - [`merge`]: the merge driver's three-way merge of decrypted versions.
//! - [`filter_process`] and [`pktline`]: git's long-running filter protocol.
//! - [`repo`]: the `git` program, for baselines, attributes and configuration.
//! - [`setup`]: the configuration and `.gitattributes` lines `vaultfile git init` writes.
//! - [`smudged`]: what the filter decrypted, so that clean recognises it without a key.

pub mod convert;
pub mod filter_process;
pub mod merge;
pub mod pktline;
pub mod repo;
pub mod setup;
pub mod smudged;
