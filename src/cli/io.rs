//! Reading inputs and writing outputs atomically.
//!
//! Writes go to a temporary file in the target's directory, are synced, get the target's
//! permissions (or 0600 for a new file that may hold plaintext), and are renamed over the
//! target, so a failure never leaves a truncated or half-written file (DESIGN.md section 7).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::error::{CliError, ExitKind};

/// An input: a file path, or `-` for standard input.
pub enum Input {
    Stdin,
    File(PathBuf),
}

impl Input {
    pub fn new(arg: Option<&Path>) -> Self {
        match arg {
            None => Input::Stdin,
            Some(p) if p == Path::new("-") => Input::Stdin,
            Some(p) => Input::File(p.to_owned()),
        }
    }

    /// The name used in messages.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".into(),
            Input::File(p) => p.display().to_string(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Input::Stdin => None,
            Input::File(p) => Some(p),
        }
    }

    pub fn read(&self) -> Result<Vec<u8>, CliError> {
        match self {
            Input::Stdin => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|e| CliError::io("read", Path::new("<stdin>"), e))?;
                Ok(buf)
            }
            Input::File(p) => {
                if p.is_dir() {
                    return Err(CliError::new(
                        super::error::ExitKind::Other,
                        format!("{} is a directory", p.display()),
                    )
                    .hint("pass a file"));
                }
                fs::read(p).map_err(|e| CliError::io("read", p, e))
            }
        }
    }
}

/// Where output goes.
pub enum Output<'a> {
    /// Standard output.
    Stdout,
    /// A file, replaced atomically. `private` makes a new file 0600 (plaintext output).
    File { path: &'a Path, private: bool },
}

impl<'a> Output<'a> {
    /// `-o OUT` wins, then `-i` (the input file itself), else standard output.
    pub fn choose(
        output: Option<&'a Path>,
        in_place: bool,
        input: &'a Input,
        private: bool,
    ) -> Self {
        match (output, in_place, input.path()) {
            (Some(path), _, _) | (None, true, Some(path)) => Output::File { path, private },
            _ => Output::Stdout,
        }
    }
}

/// Runs `produce` with a writer for `target`. A file is only replaced when `produce`
/// succeeds; standard output treats a closed pipe as success.
pub fn write_with<T>(
    target: Output<'_>,
    produce: impl FnOnce(&mut dyn Write) -> Result<T, CliError>,
) -> Result<Option<T>, CliError> {
    match target {
        Output::Stdout => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, stdout.lock());
            let r = produce(&mut w);
            let r = match r {
                Ok(v) => w
                    .flush()
                    .map(|_| v)
                    .map_err(|e| CliError::io("write", Path::new("<stdout>"), e)),
                Err(e) => Err(e),
            };
            match r {
                Ok(v) => Ok(Some(v)),
                Err(e) if e.kind == ExitKind::BrokenPipe => Ok(None),
                Err(e) => Err(e),
            }
        }
        Output::File { path, private } => {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let existing = fs::metadata(path).ok();
            let tmp = tempfile::Builder::new()
                .prefix(".vaultfile-")
                .suffix(".tmp")
                .tempfile_in(dir)
                .map_err(|e| CliError::io("create a temporary file in", dir, e))?;
            let mut w = std::io::BufWriter::with_capacity(256 * 1024, tmp);
            // On error the temporary file is dropped, which deletes it: the target is untouched.
            let v = produce(&mut w)?;
            let tmp = w
                .into_inner()
                .map_err(|e| CliError::io("write", path, e.into_error()))?;
            tmp.as_file()
                .sync_all()
                .map_err(|e| CliError::io("sync", tmp.path(), e))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = match &existing {
                    Some(m) => m.permissions().mode() & 0o7777,
                    None if private => 0o600,
                    None => 0o644,
                };
                fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode))
                    .map_err(|e| CliError::io("set permissions on", tmp.path(), e))?;
            }
            #[cfg(not(unix))]
            let _ = (existing, private);
            tmp.persist(path)
                .map_err(|e| CliError::io("replace", path, e.error))?;
            Ok(Some(v))
        }
    }
}

/// Writes `data` to `target`.
pub fn write_all(target: Output<'_>, data: &[u8]) -> Result<(), CliError> {
    write_with(target, |w| w.write_all(data).map_err(CliError::from_write)).map(|_| ())
}

/// Writes to standard output, treating a closed pipe as success.
pub fn write_stdout(data: &[u8]) -> Result<(), CliError> {
    write_all(Output::Stdout, data)
}
