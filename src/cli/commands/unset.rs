//! `vaultfile unset`: remove one key (or a whole mapping or list) from an encrypted file.

use std::path::PathBuf;

use zeroize::Zeroizing;

use vaultfile::format::patch;

use crate::cli::secret::{self, OpenArgs};
use crate::cli::ui::Ui;

/// Remove the key at a path (with its value, or its whole subtree) from an encrypted file
///
/// The file is decrypted in memory, the key is removed with its line(s), and the file is
/// encrypted again with its old version as baseline: the other values keep their exact
/// ciphertext. A path that does not exist is an error.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile unset config/prod.yaml database.old_password
  vaultfile unset app.json 'servers[1]'        # later items move up
  vaultfile unset .env LEGACY_TOKEN")]
pub struct UnsetArgs {
    /// The encrypted file
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// What to remove: `a.b[0].c`, `["a"]["b"][0]["c"]`, or `@1.a.b` in the second document of
    /// a YAML stream
    #[arg(value_name = "PATH")]
    path: String,

    #[command(flatten)]
    open: OpenArgs,
}

pub fn run(args: UnsetArgs, ui: &Ui) -> crate::cli::CmdResult {
    let path = secret::key_path(&args.path)?;
    let loaded = args.open.load(&args.file, ui)?;
    let patched = Zeroizing::new(
        patch::unset(loaded.store, &loaded.plain, &path)
            .map_err(|e| secret::patch_error(&loaded.name, e))?,
    );
    secret::save(&loaded, &patched, ui)
}
