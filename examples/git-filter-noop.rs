//! `git-filter-noop`: a git long-running filter that gives every file back unchanged.
//!
//! For `scripts/bench-git.sh`: a checkout or an add through it costs what git's filter
//! protocol alone costs (git writing each file to a pipe and reading it back, the context
//! switches between the two processes), the floor under any filter, vaultfile's included.
//! It speaks the protocol through vaultfile's own server, without `delay`: the fewest
//! round trips git allows.

use vaultfile::git::filter_process::{Failure, Filter, serve};

struct Noop;

impl Filter for Noop {
    fn clean(&mut self, _: &str, content: Vec<u8>) -> Result<Vec<u8>, Failure> {
        Ok(content)
    }

    fn smudge(&mut self, _: &str, content: Vec<u8>) -> Result<Vec<u8>, Failure> {
        Ok(content)
    }
}

fn main() -> std::process::ExitCode {
    let stdin = std::io::stdin().lock();
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match serve(stdin, stdout, &mut Noop) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr)] // a benchmark tool: git shows this to the user
            {
                eprintln!("git-filter-noop: {e}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}
