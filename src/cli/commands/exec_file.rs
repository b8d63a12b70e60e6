//! `vaultfile exec-file`: run a command that reads the decrypted file from a path.

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use nix::fcntl::OFlag;
use nix::sys::stat::Mode;
use zeroize::Zeroizing;

use vaultfile::flatten;
use vaultfile::format::Format;

use super::exec_env::{fail_to_start, interrupted};
use crate::cli::child::{self, SignalGuard};
use crate::cli::common;
use crate::cli::error::{CliError, ExitKind};
use crate::cli::scratch::{self, Scratch};
use crate::cli::secret::{self, AnyLoaded, NameArgs, OpenArgs};
use crate::cli::ui::Ui;

/// Run a command that reads the decrypted file: `{}` in its arguments is the file's path
///
/// By default the path is a FIFO in a private directory (under $XDG_RUNTIME_DIR or
/// /dev/shm): the plaintext never touches a disk and can be read once. With --no-fifo it
/// is a regular 0600 file, overwritten and removed when the command ends. The command
/// runs directly (no shell); its exit code is vaultfile's, and SIGINT, SIGTERM and SIGHUP
/// are passed on to it.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile exec-file config/prod.yaml -- ./server --config {}
  vaultfile exec-file --output-type json prod.yaml -- jq .database {}
  vaultfile exec-file --no-fifo kubeconfig.yaml -- kubectl --kubeconfig {} get pods
  vaultfile exec-file secrets.env -- docker run --env-file {} app")]
pub struct ExecFileArgs {
    /// Give the command a regular 0600 file (removed afterwards) instead of a FIFO, for
    /// programs that read the file more than once or seek in it
    #[arg(long)]
    no_fifo: bool,

    /// The format given to the command (dotenv flattens nested keys as exec-env does)
    /// [default: the file's own, byte for byte]
    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = common::format_parser())]
    output_type: Option<Format>,

    #[command(flatten)]
    names: NameArgs,

    #[command(flatten)]
    open: OpenArgs,

    /// The encrypted file
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The command and its arguments; `{}` stands for the decrypted file's path
    #[arg(
        value_name = "COMMAND",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    command: Vec<OsString>,
}

pub fn run(args: ExecFileArgs, ui: &Ui) -> crate::cli::CmdResult {
    let mut command = args.command.clone();
    if command.first().is_some_and(|c| c == "--") {
        command.remove(0);
    }
    if command.is_empty() {
        return Err(CliError::new(ExitKind::Usage, "no command given")
            .hint("vaultfile exec-file [OPTIONS] FILE -- COMMAND ARGS… (with {} for the file)"));
    }
    if !command.iter().any(|a| a.to_string_lossy().contains("{}")) {
        return Err(CliError::new(
            ExitKind::Usage,
            "no {} in the command's arguments: the command would not know where the file is",
        )
        .hint("write {} where the decrypted file's path goes, e.g. -- cat {}"));
    }
    let (content, file_name) = content(&args, ui)?;
    // From here on the signals are caught, so the FIFO or file is always cleaned up.
    let guard = SignalGuard::new().map_err(|e| {
        CliError::new(ExitKind::Other, format!("cannot handle signals: {e}"))
            .hint("nothing was decrypted to disk; try again, or use `vaultfile exec-env`")
    })?;
    let dir = Scratch::new(&scratch::avoid_for(&args.file), ui)?;
    let path = dir.path().join(&file_name);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = if args.no_fifo {
        dir.write(&file_name, &content)?;
        drop(content);
        None
    } else {
        nix::unistd::mkfifo(&path, Mode::S_IRUSR | Mode::S_IWUSR)
            .map_err(|e| CliError::io("create a FIFO at", &path, std::io::Error::from(e)))?;
        let (path, stop) = (path.clone(), stop.clone());
        Some(std::thread::spawn(move || {
            serve_once(&path, &content, &stop);
        }))
    };
    let argv: Vec<OsString> = command
        .iter()
        .map(|a| replace_placeholder(a, &path))
        .collect();
    let name = argv[0].to_string_lossy().into_owned();
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    let result = match guard.received() {
        Some(sig) => Err(Err(interrupted(sig))),
        None => guard.run(&mut cmd).map_err(Ok),
    };
    stop.store(true, Ordering::SeqCst);
    if let Some(w) = writer {
        let _ = w.join();
    }
    drop(dir);
    drop(guard);
    match result {
        Ok(status) => std::process::exit(child::exit_code(status)),
        Err(Ok(e)) => fail_to_start(&name, &e),
        Err(Err(e)) => Err(e),
    }
}

/// The bytes to give the command, and the file name to give them under.
fn content(args: &ExecFileArgs, ui: &Ui) -> Result<(Zeroizing<Vec<u8>>, String), CliError> {
    let base = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "secrets".into());
    match args.open.load_any(&args.file, ui)? {
        AnyLoaded::Binary { content, .. } => match args.output_type {
            None | Some(Format::Binary) => Ok((content, base)),
            Some(t) => Err(CliError::new(
                ExitKind::Usage,
                format!(
                    "{} is encrypted whole: it cannot be given as {t}",
                    args.file.display()
                ),
            )
            .hint("drop --output-type: the command gets the file byte for byte")),
        },
        AnyLoaded::Text(l) => {
            let target = args.output_type.unwrap_or(l.format);
            if target == l.format {
                let bytes = Zeroizing::new(l.plain.as_bytes().to_vec());
                return Ok((bytes, base));
            }
            let view = secret::view(&l.name, l.store, &l.plain)?;
            let out = flatten::convert(&view, target, &args.names.options()).map_err(|e| {
                CliError::new(ExitKind::Other, format!("{}: as {target}: {e}", l.name))
                    .hint("choose another --output-type, or drop it to pass the file as it is")
            })?;
            let stem = base
                .split('.')
                .next()
                .filter(|s| !s.is_empty())
                .unwrap_or("secrets");
            let ext = match target {
                Format::Dotenv => "env",
                other => other.name(),
            };
            Ok((
                Zeroizing::new(out.as_bytes().to_vec()),
                format!("{stem}.{ext}"),
            ))
        }
    }
}

/// `{}` in `arg` replaced by `path`.
fn replace_placeholder(arg: &OsString, path: &Path) -> OsString {
    match arg.to_str() {
        Some(s) if s.contains("{}") => OsString::from(s.replace("{}", &path.to_string_lossy())),
        _ => arg.clone(),
    }
}

/// Writes `content` to the first reader of the FIFO at `path`, then removes it so that
/// nobody can open it again. Gives up when `stop` is set (the command ended without
/// reading it).
fn serve_once(path: &Path, content: &[u8], stop: &AtomicBool) {
    let mut file = loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(OFlag::O_NONBLOCK.bits())
            .open(path)
        {
            Ok(f) => break f,
            // ENXIO: no reader yet.
            Err(_) if !stop.load(Ordering::SeqCst) => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => {
                let _ = std::fs::remove_file(path);
                return;
            }
        }
    };
    let _ = std::fs::remove_file(path);
    let mut rest = content;
    while !rest.is_empty() {
        match file.write(rest) {
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // The reader closed its end.
            Err(_) => return,
        }
    }
}
