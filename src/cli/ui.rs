//! The only place that prints to the terminal or asks the user anything.
//!
//! Colour is decided once, at start-up ([`init_color`]), from `--color` and then the
//! environment as anstream (clap's own terminal layer) reads it: `NO_COLOR` (non-empty) turns
//! it off, else `CLICOLOR_FORCE` (not `0`) turns it on, else `CLICOLOR=0` turns it off, else
//! colour is used only when the stream is a terminal that supports it. An explicit
//! `--color always|never` wins over all of them (a flag given for this one run is more
//! specific than a variable set for every program). The decision is then handed to clap (its
//! help and errors), to our own messages, and to console, through which indicatif and
//! dialoguer draw.

#![allow(clippy::print_stdout, clippy::print_stderr)] // the one module that prints

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use anstyle::{AnsiColor, Style};
use vaultfile::Callbacks;
use vaultfile::keys::SecretString;

use super::error::CliError;

/// Progress is shown only for at least this many files, so short runs stay clean.
pub const PROGRESS_FROM: usize = 20;

/// Whether our messages on stderr are coloured; set once by [`init_color`].
static STDERR_COLOR: AtomicBool = AtomicBool::new(false);

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();

/// Decides, once, whether stdout and stderr get colour (see the module documentation).
pub fn init_color(choice: clap::ColorChoice) {
    let choice = match choice {
        clap::ColorChoice::Always => anstream::ColorChoice::Always,
        clap::ColorChoice::Never => anstream::ColorChoice::Never,
        clap::ColorChoice::Auto => anstream::ColorChoice::Auto,
    };
    // clap prints its help and errors through anstream, which reads this global.
    choice.write_global();
    let on = |c: anstream::ColorChoice| c != anstream::ColorChoice::Never;
    let stderr = on(anstream::AutoStream::choice(&std::io::stderr()));
    let stdout = on(anstream::AutoStream::choice(&std::io::stdout()));
    STDERR_COLOR.store(stderr, Ordering::Relaxed);
    console::set_colors_enabled_stderr(stderr);
    console::set_colors_enabled(stdout);
}

/// The last `--color WHEN` / `--color=WHEN` before `--`, for when clap cannot parse the
/// command line and must still print its error in the right colours.
pub fn color_from_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut args = args.into_iter().skip(1);
    while let Some(a) = args.next() {
        let a = a.to_string_lossy().into_owned();
        let value = if a == "--" {
            break;
        } else if a == "--color" {
            args.next().map(|v| v.to_string_lossy().into_owned())
        } else {
            a.strip_prefix("--color=").map(str::to_owned)
        };
        match value.as_deref() {
            Some("always") => choice = clap::ColorChoice::Always,
            Some("never") => choice = clap::ColorChoice::Never,
            Some("auto") => choice = clap::ColorChoice::Auto,
            _ => {}
        }
    }
    choice
}

/// `text` in `style`, if stderr is coloured.
fn paint(style: Style, text: &str) -> String {
    if STDERR_COLOR.load(Ordering::Relaxed) {
        format!("{style}{text}{style:#}")
    } else {
        text.to_owned()
    }
}

/// Where messages go, and how quiet to be.
#[derive(Clone, Copy, Debug)]
pub struct Ui {
    pub quiet: bool,
}

impl Ui {
    /// Prints a warning on stderr.
    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{} {msg}", paint(WARNING, "warning:"));
        }
    }

    /// Prints a hint (what to do next) on stderr.
    pub fn hint(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{} {msg}", paint(HINT, "hint:"));
        }
    }

    /// Prints an informational line on stderr.
    pub fn info(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    /// Writes a command's result on stdout (what a pipe reads). A closed pipe ends the
    /// command quietly ([`ExitKind::BrokenPipe`](super::error::ExitKind)) instead of the
    /// panic `print!` would give.
    pub fn out(&self, text: &str) -> Result<(), CliError> {
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(CliError::from_write)
    }

    /// [`Ui::out`] with a line break after `line`.
    pub fn line(&self, line: &str) -> Result<(), CliError> {
        self.out(&format!("{line}\n"))
    }

    /// Prints on stderr even with --quiet: a result that belongs beside the output rather
    /// than in it (the public key of a key just made), or a prompt's follow-up.
    pub fn always(&self, msg: &str) {
        eprintln!("{msg}");
    }

    /// Prints an error, with its hints, on stderr (also with --quiet: errors are not chatter).
    pub fn error(&self, err: &CliError) {
        print_error(err);
    }

    /// A progress bar over `len` files, drawn on stderr only when it is a terminal, there
    /// are at least [`PROGRESS_FROM`] files and --quiet is not given.
    pub fn progress(&self, len: usize, what: &str) -> Progress {
        if len < PROGRESS_FROM || self.quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(len as u64),
            indicatif::ProgressDrawTarget::stderr(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_owned());
        Progress(Some(bar))
    }

    /// A spinner for one step over `len` files that cannot be counted one by one (such as a
    /// single `git checkout`); shown under the same conditions as [`Ui::progress`].
    pub fn spinner(&self, len: usize, what: &str) -> Progress {
        if len < PROGRESS_FROM || self.quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_message(what.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Progress(Some(bar))
    }
}

/// Prints an error, with its hints, on stderr; for the few places without a [`Ui`] at hand.
pub fn print_error(err: &CliError) {
    eprintln!("{}", render_error(err));
}

/// An error as shown on stderr: `error:` and `hint:` coloured when stderr is.
pub fn render_error(err: &CliError) -> String {
    let mut out = format!("{} {}", paint(ERROR, "error:"), err.message);
    for h in &err.hints {
        out.push_str(&format!("\n{} {h}", paint(HINT, "hint:")));
    }
    out
}

/// A progress bar that may be hidden; cleared from the screen when finished or dropped.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// One more file done.
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// Runs `f` (which prints) with the bar hidden, so lines and bar do not mix.
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        match &self.0 {
            Some(b) => b.suspend(f),
            None => f(),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = self.0.take() {
            b.finish_and_clear();
        }
    }
}

/// Asks for passphrases: `VAULTFILE_PASSPHRASE` when set, else a prompt on the terminal.
pub struct PassphrasePrompt;

/// One terminal prompt at a time: files opened on several threads may each need one.
static PROMPTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Callbacks for PassphrasePrompt {
    fn request_passphrase(&self, description: &str) -> Option<SecretString> {
        if let Ok(p) = std::env::var("VAULTFILE_PASSPHRASE") {
            return Some(SecretString::from(p));
        }
        if !std::io::stderr().is_terminal() && !std::io::stdin().is_terminal() {
            return None;
        }
        let _one = PROMPTING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        rpassword::prompt_password(format!("{description}: "))
            .ok()
            .map(SecretString::from)
    }

    /// A new passphrase: `VAULTFILE_PASSPHRASE` when set, else asked twice on the terminal.
    fn request_new_passphrase(&self, description: &str) -> Option<SecretString> {
        if let Ok(p) = std::env::var("VAULTFILE_PASSPHRASE") {
            return Some(SecretString::from(p));
        }
        if !std::io::stderr().is_terminal() && !std::io::stdin().is_terminal() {
            return None;
        }
        let _one = PROMPTING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            let first = zeroize::Zeroizing::new(
                rpassword::prompt_password(format!("{description}: ")).ok()?,
            );
            let again =
                zeroize::Zeroizing::new(rpassword::prompt_password("Type it again: ").ok()?);
            if first == again {
                return Some(SecretString::from(first.to_string()));
            }
            eprintln!("The passphrases differ; try again.");
        }
    }

    /// Messages from age plugins ("touch your YubiKey") go to stderr.
    fn message(&self, message: &str) {
        eprintln!("{message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<std::ffi::OsString> {
        a.iter().map(Into::into).collect()
    }

    #[test]
    fn color_flag_is_found_before_the_parse() {
        use clap::ColorChoice::*;
        assert_eq!(color_from_args(args(&["vf", "x"])), Auto);
        assert_eq!(
            color_from_args(args(&["vf", "--color", "never", "x"])),
            Never
        );
        assert_eq!(
            color_from_args(args(&["vf", "x", "--color=always"])),
            Always
        );
        // After `--` it belongs to another program.
        assert_eq!(
            color_from_args(args(&["vf", "exec-env", "--", "ls", "--color=always"])),
            Auto
        );
        assert_eq!(
            color_from_args(args(&["vf", "--color=always", "--color", "never"])),
            Never
        );
    }
}
