//! The `vaultfile` binary: parse arguments, run, map errors to exit codes. Nothing else.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
