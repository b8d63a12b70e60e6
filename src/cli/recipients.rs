//! `vaultfile recipients`: who can decrypt a file.

use std::path::PathBuf;

use vaultfile::engine;
use vaultfile::format::Format;

use super::common;
use super::error::CliError;
use super::io::Input;
use super::ui::Ui;

/// List the recipients of an encrypted file (no key needed)
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:
  vaultfile recipients config/prod.yaml")]
pub struct RecipientsArgs {
    /// The encrypted file (`-` for standard input)
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The file's format, when its name does not say [default: from the extension]
    #[arg(long, value_name = "TYPE", value_parser = common::parse_format)]
    input_type: Option<Format>,
}

pub fn run(args: RecipientsArgs, _ui: &Ui) -> super::CmdResult {
    let input = Input::new(Some(&args.file));
    let name = input.name();
    let bytes = input.read()?;
    let text = common::text(&name, bytes)?;
    let format = common::format_for_encrypted(&input, args.input_type, &text);
    let store = vaultfile::format::store_for(format)
        .unwrap_or_else(|| vaultfile::format::store_for(Format::Yaml).unwrap());
    let meta = engine::inspect(store, &text).map_err(|e| CliError::decrypt(&name, e, &[]))?;
    let mut out = String::new();
    for r in meta.recipient_ids() {
        out.push_str(r);
        out.push('\n');
    }
    super::io::write_stdout(out.as_bytes())
}
