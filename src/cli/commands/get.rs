//! `vaultfile get`: print one value of an encrypted file.

use std::path::PathBuf;

use vaultfile::format::view::{self, Found};

use crate::cli::error::{CliError, ExitKind};
use crate::cli::io;
use crate::cli::secret::{self, OpenArgs};
use crate::cli::ui::Ui;

/// Print the value at a key path of an encrypted file
///
/// The value is printed raw (decoded, without quotes, and without a line break added), so
/// `$(vaultfile get …)` gives it exactly. A mapping or a list needs --json.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile get config/prod.yaml database.password
  PGPASSWORD=\"$(vaultfile get config/prod.yaml database.password)\" psql …
  vaultfile get --json config/prod.yaml database       # the whole mapping
  vaultfile get .env API_KEY")]
pub struct GetArgs {
    /// The encrypted file
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Which value: `a.b[0].c`, `["a"]["b"][0]["c"]`, or `@1.a.b` in the second document of a
    /// YAML stream (see "Paths" in the README)
    #[arg(value_name = "PATH")]
    path: String,

    /// Print JSON (with a final line break): typed scalars, mappings and lists
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    open: OpenArgs,
}

pub fn run(args: GetArgs, ui: &Ui) -> crate::cli::CmdResult {
    let path = secret::key_path(&args.path)?;
    let loaded = args.open.load(&args.file, ui)?;
    let found = secret::view(&loaded.name, loaded.store, &loaded.plain)?
        .lookup(&path)
        .map_err(|e| secret::lookup_error(&loaded.name, e))?;
    let out = zeroize::Zeroizing::new(match (found, args.json) {
        (Found::Value { value, .. }, false) => value,
        (Found::Value { kind, value }, true) => {
            serde_json::to_string(&view::json_scalar(kind, &value)).expect("JSON") + "\n"
        }
        (Found::Tree(t), true) => serde_json::to_string_pretty(&t).expect("JSON") + "\n",
        (Found::Tree(_), false) => {
            return Err(CliError::new(
                ExitKind::Usage,
                format!("{}: '{path}' holds a mapping or a list", loaded.name),
            )
            .hint("pass --json to print it as JSON, or name one value under it"));
        }
    });
    io::write_stdout(out.as_bytes())
}
