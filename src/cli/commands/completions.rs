//! `vaultfile completions SHELL`, and the committed completions and man pages.
//!
//! Everything here is generated from the clap definition in [`crate::cli::Cli`], the only
//! definition of the CLI. The files under `completions/` and `man/` are committed so that
//! packagers need not build the program to ship them; the test at the bottom fails when
//! they are out of date, and `VAULTFILE_BLESS=1 cargo test --bin vaultfile generated`
//! rewrites them.

#[cfg(test)]
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::cli::error::CliError;
#[cfg(test)]
use crate::cli::error::ExitKind;
use crate::cli::ui::Ui;

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

pub fn run(args: CompletionsArgs, _: &Ui) -> crate::cli::CmdResult {
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
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    write_man_pages(&cli, man).map_err(io)?;
    Ok(())
}

/// One man page per command, as `clap_mangen::generate_to` writes them, but with the text
/// after the options in the sections man(7) names: the exit codes under EXIT STATUS
/// (every page: a command's own table, else the shared one), and the examples under
/// EXAMPLES, where clap_mangen puts both under a made-up EXTRA.
#[cfg(test)]
fn write_man_pages(cmd: &clap::Command, dir: &Path) -> std::io::Result<()> {
    use clap_mangen::roff::{Roff, roman};

    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_man_pages(sub, dir)?;
    }
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out)?;
    }
    let after = cmd
        .get_after_long_help()
        .or(cmd.get_after_help())
        .map(|t| t.to_string())
        .unwrap_or_default();
    // The text after the options: paragraphs headed "Examples:", "Exit codes…:" and others.
    let (mut examples, mut exit, mut notes) = (String::new(), String::new(), String::new());
    let mut current = &mut notes;
    for line in after.lines() {
        if line.starts_with("Examples:") || line.starts_with("Example:") {
            current = &mut examples;
            continue;
        }
        if line.starts_with("Exit codes") || line.starts_with("Exit status") {
            current = &mut exit;
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    if exit.trim().is_empty() {
        exit = crate::cli::error::EXIT_CODES_HELP
            .split_once('\n')
            .map_or("", |(_, rest)| rest)
            .to_owned();
    }
    let section = |title: &str, body: &str, out: &mut Vec<u8>| -> std::io::Result<()> {
        if body.trim().is_empty() {
            return Ok(());
        }
        let mut roff = Roff::default();
        roff.control("SH", [title]);
        roff.control("nf", []);
        for line in body.trim_end().lines() {
            roff.text([roman(line)]);
        }
        roff.control("fi", []);
        roff.to_writer(out)
    };
    section("NOTES", &notes, &mut out)?;
    section("EXIT STATUS", &exit, &mut out)?;
    section("EXAMPLES", &examples, &mut out)?;
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out)?;
    }
    std::fs::write(dir.join(man.get_filename()), out)
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
