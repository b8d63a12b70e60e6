//! End-to-end tests of the `vaultfile` binary. One test binary (see Cargo.toml), one
//! module per area.

mod age_pq;
mod architecture;
mod azure_kv;
mod cli;
mod cli_cases;
mod common;
mod concurrency;
mod config;
mod differential;
mod edit;
mod escapes;
mod exec;
mod fixtures;
mod format_v2;
mod gcp_kms;
mod git;
mod git_policy;
mod groups;
mod guides;
mod keys;
mod kms;
mod manners;
mod matrix;
mod plugin;
mod read_model;
mod release;
mod repo_files;
mod scan;
mod services;
mod set_get;
mod sops;
mod status;
mod tamper;
mod updatekeys;
mod vault;
