//! A private directory for plaintext that must exist as a file for a while (`edit`,
//! `exec-file --no-fifo`) or as a FIFO (`exec-file`).
//!
//! It is a fresh 0700 directory under `$XDG_RUNTIME_DIR` (a per-user tmpfs on systemd
//! systems) or `/dev/shm` (memory), never inside the working directory or the file's
//! repository. When dropped, every file in it is overwritten with zeros, synced, and removed
//! with the directory, on every way out (success, error, a signal that vaultfile handles).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::{CliError, ExitKind};
use super::ui::Ui;

pub struct Scratch {
    dir: Option<tempfile::TempDir>,
}

impl Scratch {
    /// Creates the directory. `avoid` lists directories it must not be inside (the
    /// working directory and the file's repository).
    pub fn new(avoid: &[PathBuf], ui: &Ui) -> Result<Self, CliError> {
        let (base, in_memory) = base_dir();
        if !in_memory {
            ui.warn(&format!(
                "neither $XDG_RUNTIME_DIR nor /dev/shm is available: the plaintext goes to {}, \
                 which may be on disk (it is overwritten and removed afterwards)",
                base.display()
            ));
        }
        let canonical = fs::canonicalize(&base).unwrap_or_else(|_| base.clone());
        for a in avoid {
            let a = fs::canonicalize(a).unwrap_or_else(|_| a.clone());
            // Working in `/` (a container's default) does not put everything in the tree.
            if a.parent().is_some() && canonical.starts_with(&a) {
                return Err(CliError::new(
                    ExitKind::Other,
                    format!(
                        "refusing to write plaintext under {}: it is inside {}",
                        base.display(),
                        a.display()
                    ),
                )
                .hint("set XDG_RUNTIME_DIR to a private directory outside the repository and the working directory"));
            }
        }
        let dir = tempfile::Builder::new()
            .prefix("vaultfile-")
            .permissions(private_dir_mode())
            .tempdir_in(&base)
            .map_err(|e| CliError::io("create a private directory in", &base, e))?;
        Ok(Scratch { dir: Some(dir) })
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().expect("not dropped").path()
    }

    /// Writes `content` to a new file `name` in the directory, mode 0600.
    pub fn write(&self, name: &str, content: &[u8]) -> Result<PathBuf, CliError> {
        let path = self.path().join(name);
        let mut f = private_file(&path).map_err(|e| CliError::io("create", &path, e))?;
        f.write_all(content)
            .and_then(|_| f.sync_all())
            .map_err(|e| CliError::io("write", &path, e))?;
        Ok(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            wipe_dir(dir.path());
            // TempDir's own drop removes whatever is left.
            drop(dir);
        }
    }
}

/// Where the directory goes: `$XDG_RUNTIME_DIR`, else `/dev/shm`, else the system's
/// temporary directory (the second value says whether it is one of the first two).
fn base_dir() -> (PathBuf, bool) {
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from)
        && d.is_absolute()
        && d.is_dir()
    {
        return (d, true);
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && fs::metadata(shm).is_ok_and(|m| !m.permissions().readonly())
        && tempfile::tempdir_in(shm).is_ok()
    {
        return (shm.to_owned(), true);
    }
    (std::env::temp_dir(), false)
}

#[cfg(unix)]
fn private_dir_mode() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o700)
}

#[cfg(not(unix))]
fn private_dir_mode() -> fs::Permissions {
    fs::metadata(".").map(|m| m.permissions()).expect("cwd")
}

/// Creates a new file readable and writable by its owner only.
pub fn private_file(path: &Path) -> std::io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Overwrites every regular file under `dir` with zeros and removes it, then the
/// directories. Editors leave swap and backup files next to the file: they go too.
fn wipe_dir(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            wipe_dir(&path);
            let _ = fs::remove_dir(&path);
        } else {
            if ft.is_file() {
                overwrite(&path);
            }
            let _ = fs::remove_file(&path);
        }
    }
}

fn overwrite(path: &Path) {
    let Ok(len) = fs::metadata(path).map(|m| m.len()) else {
        return;
    };
    let Ok(mut f) = fs::OpenOptions::new().write(true).open(path) else {
        return;
    };
    let zeros = [0u8; 8192];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        if f.write_all(&zeros[..n]).is_err() {
            break;
        }
        left -= n as u64;
    }
    let _ = f.sync_all();
}

/// The root of the git work tree holding `dir` (the first ancestor with a `.git`).
pub fn repo_root(dir: &Path) -> Option<PathBuf> {
    let dir = fs::canonicalize(dir).ok()?;
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The directories plaintext must stay out of for `file`: the working directory, the
/// file's directory and its repository.
pub fn avoid_for(file: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        v.push(cwd);
    }
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Some(r) = repo_root(&dir) {
        v.push(r);
    }
    v.push(dir);
    v
}
