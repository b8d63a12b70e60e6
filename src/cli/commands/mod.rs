//! The subcommands: one file each (`<Verb>Args` and `run`), `git` a folder of its own.

pub(super) mod completions;
pub(super) mod convert;
pub(super) mod decrypt;
pub(super) mod demo;
pub(super) mod edit;
pub(super) mod encrypt;
pub(super) mod exec_env;
pub(super) mod exec_file;
pub(super) mod export;
pub(super) mod get;
pub(super) mod git;
pub(super) mod init;
pub(super) mod keygen;
pub(super) mod keys_check;
pub(super) mod kustomize;
pub(super) mod recipients;
pub(super) mod render;
pub(super) mod rotate;
pub(super) mod scan;
pub(super) mod set;
pub(super) mod status;
pub(super) mod unset;
pub(super) mod updatekeys;
pub(super) mod upgrade;
