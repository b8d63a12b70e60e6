//! The command line: one file per subcommand, each a `<Verb>Args` (clap derive) and `run`.
//!
//! The clap definition here is the only definition of the CLI: `--help`, and later the man
//! pages and completions, come from it.

mod child;
mod clock;
mod commands;
mod common;
mod error;
mod identities;
mod io;
mod key_command;
mod key_services;
mod pool;
mod rekey;
mod scratch;
mod secret;
mod ui;
mod walk;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use commands::*;
use error::{CliError, EXIT_CODES_HELP};
use ui::Ui;

/// The help heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// Keep secrets in git: encrypt the values of YAML, JSON, TOML and dotenv files, losslessly
#[derive(Debug, Parser)]
#[command(name = "vaultfile", version, about, long_about = None, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Print no warnings or progress on stderr
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    quiet: bool,

    /// When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never
    #[arg(long, global = true, value_name = "WHEN", default_value_t = clap::ColorChoice::Auto, help_heading = GLOBAL)]
    color: clap::ColorChoice,

    /// Work on up to N files at once where there are many (a git checkout, exec-env and export over several files, updatekeys, rotate, recipients, status, keys check), so that key services' round trips overlap; 1 works on one file at a time [default: 16]
    #[arg(long, global = true, value_name = "N", env = pool::JOBS_VAR, value_parser = clap::value_parser!(u16).range(1..=256), help_heading = GLOBAL)]
    jobs: Option<u16>,

    // Global too (key services are reached from most commands): under the same heading,
    // so that each command's own options stand apart in its help.
    #[command(flatten, next_help_heading = GLOBAL)]
    services: key_services::ServiceArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Keygen(keygen::KeygenArgs),
    Init(init::InitArgs),
    Encrypt(encrypt::EncryptArgs),
    Decrypt(decrypt::DecryptArgs),
    Edit(edit::EditArgs),
    Set(set::SetArgs),
    Unset(unset::UnsetArgs),
    Get(get::GetArgs),
    ExecEnv(exec_env::ExecEnvArgs),
    ExecFile(exec_file::ExecFileArgs),
    Export(export::ExportArgs),
    Convert(convert::ConvertArgs),
    Recipients(recipients::RecipientsArgs),
    Updatekeys(updatekeys::UpdatekeysArgs),
    Rotate(rotate::RotateArgs),
    Upgrade(upgrade::UpgradeArgs),
    Keys(keys_check::KeysArgs),
    Status(status::StatusArgs),
    Demo(demo::DemoArgs),
    Git(git::GitArgs),
    Kustomize(kustomize::KustomizeArgs),
    Render(render::RenderArgs),
    Scan(scan::ScanArgs),
    Completions(completions::CompletionsArgs),
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap's own error (or --help) in the colours the command line asked for.
            ui::init_color(ui::color_from_args(std::env::args_os()));
            e.exit()
        }
    };
    ui::init_color(cli.color);
    let ui = Ui { quiet: cli.quiet };
    key_services::configure(&cli.services, &ui);
    pool::set_jobs(cli.jobs.map_or(pool::DEFAULT_JOBS, usize::from));
    let result = match cli.command {
        Command::Keygen(args) => keygen::run(args, &ui),
        Command::Init(args) => init::run(args, &ui),
        Command::Encrypt(args) => encrypt::run(args, &ui),
        Command::Decrypt(args) => decrypt::run(args, &ui),
        Command::Edit(args) => edit::run(args, &ui),
        Command::Set(args) => set::run(args, &ui),
        Command::Unset(args) => unset::run(args, &ui),
        Command::Get(args) => get::run(args, &ui),
        Command::ExecEnv(args) => exec_env::run(args, &ui),
        Command::ExecFile(args) => exec_file::run(args, &ui),
        Command::Export(args) => export::run(args, &ui),
        Command::Convert(args) => convert::run(args, &ui),
        Command::Recipients(args) => recipients::run(args, &ui),
        Command::Updatekeys(args) => updatekeys::run(args, &ui),
        Command::Rotate(args) => rotate::run(args, &ui),
        Command::Upgrade(args) => upgrade::run(args, &ui),
        Command::Keys(args) => keys_check::run(args, &ui),
        Command::Status(args) => status::run(args, &ui),
        Command::Demo(args) => demo::run(args, &ui),
        Command::Git(args) => git::run(args, &ui),
        Command::Kustomize(args) => kustomize::run(args, &ui),
        Command::Render(args) => render::run(args, &ui),
        Command::Scan(args) => scan::run(args, &ui),
        Command::Completions(args) => completions::run(args, &ui),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind == error::ExitKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            ui.error(&e);
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
