//! End-to-end tests of the `vaultfile` binary. One test binary (see Cargo.toml), one
//! module per area.

mod cli;
mod common;
mod config;
mod fixtures;
mod git;
mod repo_files;
mod tamper;
