//! The command line: one file per subcommand, each a `<Verb>Args` (clap derive) and `run`.
//!
//! The clap definition here is the only definition of the CLI: `--help`, and later the man
//! pages and completions, come from it.

mod common;
mod completions;
mod decrypt;
mod demo;
mod encrypt;
mod error;
mod git;
mod identities;
mod io;
mod keygen;
mod recipients;
mod ui;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use error::{CliError, EXIT_CODES_HELP};
use ui::Ui;

/// Keep secrets in git: encrypt the values of YAML, JSON, TOML and dotenv files, losslessly
#[derive(Debug, Parser)]
#[command(name = "vaultfile", version, about, long_about = None, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Print no warnings or progress on stderr
    #[arg(short, long, global = true)]
    quiet: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Keygen(keygen::KeygenArgs),
    Encrypt(encrypt::EncryptArgs),
    Decrypt(decrypt::DecryptArgs),
    Recipients(recipients::RecipientsArgs),
    Demo(demo::DemoArgs),
    Git(git::GitArgs),
    Completions(completions::CompletionsArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui { quiet: cli.quiet };
    let result = match cli.command {
        Command::Keygen(args) => keygen::run(args, &ui),
        Command::Encrypt(args) => encrypt::run(args, &ui),
        Command::Decrypt(args) => decrypt::run(args, &ui),
        Command::Recipients(args) => recipients::run(args, &ui),
        Command::Demo(args) => demo::run(args, &ui),
        Command::Git(args) => git::run(args, &ui),
        Command::Completions(args) => completions::run(args, &ui),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind == error::ExitKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.kind as u8)
        }
    }
}

/// Result type of every subcommand.
type CmdResult = Result<(), CliError>;

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
