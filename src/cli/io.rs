//! Reading inputs and writing outputs atomically.
//!
//! Writes go to a temporary file in the target's directory, are synced, get the target's
//! permissions (or 0600 for a new file that may hold plaintext), and are renamed over the
//! target, so a failure never leaves a truncated or half-written file (DESIGN.md section 7).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::error::CliError;

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
                    return Err(CliError::new(super::error::ExitKind::Other, format!("{} is a directory", p.display()))
                        .hint("pass a file"));
                }
                fs::read(p).map_err(|e| CliError::io("read", p, e))
            }
        }
    }
}

/// Writes `data` to `path` atomically. `private` makes a new file 0600 (plaintext output).
pub fn write_atomic(path: &Path, data: &[u8], private: bool) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let existing = fs::metadata(path).ok();
    let mut tmp = tempfile::Builder::new()
        .prefix(".vaultfile-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| CliError::io("create a temporary file in", dir, e))?;
    tmp.write_all(data).map_err(|e| CliError::io("write", tmp.path(), e))?;
    tmp.as_file().sync_all().map_err(|e| CliError::io("sync", tmp.path(), e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match &existing {
            Some(m) => m.permissions().mode() & 0o7777,
            None if private => 0o600,
            None => 0o644 & !umask_guess(),
        };
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode))
            .map_err(|e| CliError::io("set permissions on", tmp.path(), e))?;
    }
    #[cfg(not(unix))]
    let _ = (existing, private);
    tmp.persist(path).map_err(|e| CliError::io("replace", path, e.error))?;
    Ok(())
}

#[cfg(unix)]
fn umask_guess() -> u32 {
    // The process umask cannot be read without changing it; 022 is what nearly every
    // system uses, and tempfile already created the file 0600.
    0o022
}

/// Writes to standard output, treating a closed pipe as success.
pub fn write_stdout(data: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(data).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::io("write", Path::new("<stdout>"), e)),
    }
}
