//! `vaultfile export`: decrypted values as variables, for other tools.

use std::path::PathBuf;

use vaultfile::flatten::{self, ExportFormat};

use crate::cli::io;
use crate::cli::secret::{self, VariableArgs};
use crate::cli::ui::Ui;

/// Print the decrypted values of one or more files as variables, for other tools
///
/// Nested keys are flattened into variable names as for `exec-env` (database.password
/// gives DATABASE_PASSWORD, servers[0].token gives SERVERS_0_TOKEN; dotenv names are kept).
/// Several files merge left to right: a later file's value wins. The shell format is quoted
/// for `eval`; the dotenv format reads back in vaultfile, docker compose and python-dotenv.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vars=\"$(vaultfile export --format shell secrets.yaml)\" || exit 1; eval \"$vars\"
  vaultfile export secrets.yaml .env.local > /dev/shm/app.env
  vaultfile export --format json --prefix APP_ config/prod.toml

Assign first: `eval \"$(vaultfile export …)\"` succeeds (eval of nothing) when the export
fails, and the failure goes unnoticed.

direnv: put this in .envrc (and run `direnv allow`):
  watch_file secrets.yaml
  vars=\"$(vaultfile export --format shell secrets.yaml)\" || exit 1
  eval \"$vars\"")]
pub struct ExportArgs {
    /// The encrypted files (later files override earlier ones)
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_name = "FORMAT", default_value = "dotenv", value_parser = parse_export_format)]
    format: ExportFormat,

    #[command(flatten)]
    vars: VariableArgs,
}

fn parse_export_format(s: &str) -> Result<ExportFormat, String> {
    Ok(match s {
        "dotenv" | "env" => ExportFormat::Dotenv,
        "shell" | "sh" => ExportFormat::Shell,
        "json" => ExportFormat::Json,
        "yaml" | "yml" => ExportFormat::Yaml,
        _ => {
            return Err(format!(
                "unknown format '{s}' (expected dotenv, shell, json or yaml)"
            ));
        }
    })
}

pub fn run(args: ExportArgs, ui: &Ui) -> crate::cli::CmdResult {
    let (vars, _nulls) = secret::variables(&args.files, &args.vars, ui)?;
    let out = flatten::render(
        vars.iter().map(|v| (v.name.as_str(), v.value.as_str())),
        args.format,
    );
    io::write_stdout(out.as_bytes())
}
