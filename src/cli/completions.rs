//! `vaultfile completions SHELL`, and the committed completions and man pages.
//!
//! Everything here is generated from the clap definition in [`super::Cli`], the only
//! definition of the CLI. The files under `completions/` and `man/` are committed so that
//! packagers need not build the program to ship them; the test at the bottom fails when
//! they are out of date, and `VAULTFILE_BLESS=1 cargo test --bin vaultfile generated`
//! rewrites them.

#[cfg(test)]
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Cli;
use super::error::CliError;
#[cfg(test)]
use super::error::ExitKind;
use super::ui::Ui;

/// Print shell completions for bash, zsh, fish, PowerShell or elvish
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile completions bash > ~/.local/share/bash-completion/completions/vaultfile
  vaultfile completions zsh > \"${fpath[1]}/_vaultfile\"
  vaultfile completions fish > ~/.config/fish/completions/vaultfile.fish")]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: CompletionsArgs, _: &Ui) -> super::CmdResult {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "vaultfile", &mut out);
    std::io::Write::write_all(&mut std::io::stdout().lock(), &out).map_err(CliError::from_write)
}

/// The shells completions are committed for.
#[cfg(test)]
const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// Writes every completion file into `completions` and one man page per command and
/// subcommand into `man`.
#[cfg(test)]
fn generate_all(completions: &Path, man: &Path) -> Result<(), CliError> {
    let io = |e: std::io::Error| CliError::new(ExitKind::Other, format!("cannot generate: {e}"));
    std::fs::create_dir_all(completions).map_err(io)?;
    std::fs::create_dir_all(man).map_err(io)?;
    for shell in SHELLS {
        clap_complete::generate_to(shell, &mut Cli::command(), "vaultfile", completions)
            .map_err(io)?;
    }
    clap_mangen::generate_to(Cli::command(), man).map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;

    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read(e.path()).unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn generated_completions_and_man_pages_are_up_to_date() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let tmp = tempfile::tempdir().unwrap();
        let (c, m) = (tmp.path().join("completions"), tmp.path().join("man"));
        generate_all(&c, &m).unwrap();
        if std::env::var_os("VAULTFILE_BLESS").is_some() {
            for dir in ["completions", "man"] {
                let _ = std::fs::remove_dir_all(root.join(dir));
                std::fs::create_dir_all(root.join(dir)).unwrap();
                for (name, content) in files(&tmp.path().join(dir)) {
                    std::fs::write(root.join(dir).join(name), content).unwrap();
                }
            }
        }
        for dir in ["completions", "man"] {
            let want = files(&tmp.path().join(dir));
            let have = files(&root.join(dir));
            let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
            assert_eq!(
                names(&have),
                names(&want),
                "{dir}/ is out of date: run `VAULTFILE_BLESS=1 cargo test --bin vaultfile generated`"
            );
            for (name, content) in &want {
                assert!(
                    have[name] == *content,
                    "{dir}/{name} is out of date: run `VAULTFILE_BLESS=1 cargo test --bin vaultfile generated`"
                );
            }
        }
    }
}
