//! A private directory for plaintext that must exist as a file for a while (`edit`,
//! `exec-file --no-fifo`) or as a FIFO (`exec-file`).
//!
//! It is a fresh 0700 directory under `$XDG_RUNTIME_DIR` (a per-user tmpfs on systemd
//! systems) or `/dev/shm` (memory), never inside the working directory or the file's
//! repository. When dropped, every file in it is overwritten with zeros, synced, and removed
//! with the directory, on every way out (success, error, a signal that vaultfile handles).
//!
//! SIGKILL, a crash or an OOM kill skip all of that, and the plaintext would stay until the
//! next reboot (or forever, on the disk-backed fallback). So the directory's name says which
//! process made it (`vaultfile-PID-START-XXXXXX`, START being the process's start time, so a
//! process that later gets the same PID is not taken for it), and every vaultfile that makes
//! a private directory first wipes the ones of the same user whose process is gone, and says
//! so on stderr. A directory of a running process, of another user, or without such a name
//! is never touched.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::error::{CliError, ExitKind};
use super::ui::Ui;

/// How a private directory's name starts; the owner's tag and a random part follow.
const DIR_PREFIX: &str = "vaultfile-";

pub struct Scratch {
    dir: Option<tempfile::TempDir>,
}

impl Scratch {
    /// Creates the directory, after wiping the stale ones of killed runs beside it. `avoid`
    /// lists directories it must not be inside (the working directory and the file's
    /// repository).
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
        Self::create_in(&base, ui)
    }

    /// Creates the directory in `base`, named after this process, and wipes the stale ones.
    fn create_in(base: &Path, ui: &Ui) -> Result<Self, CliError> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{DIR_PREFIX}{}-", Owner::me().tag()))
            .permissions(fs::Permissions::from_mode(0o700))
            .tempdir_in(base)
            .map_err(|e| CliError::io("create a private directory in", base, e))?;
        // Our own directory says which user this process writes as (no call to getuid needed).
        if let Ok(meta) = fs::metadata(dir.path()) {
            let wiped = wipe_stale(base, meta.uid(), dir.path());
            if wiped > 0 {
                let what = if wiped == 1 {
                    "1 stale private directory".to_owned()
                } else {
                    format!("{wiped} stale private directories")
                };
                ui.warn(&format!(
                    "wiped {what} in {}: a vaultfile process was killed before it could clean \
                     up, and the plaintext it left there was overwritten with zeros and removed",
                    base.display()
                ));
            }
        }
        Ok(Scratch { dir: Some(dir) })
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().expect("not dropped").path()
    }

    /// Writes `content` to a new file `name` in the directory, mode 0600.
    pub fn write(&self, name: &str, content: &[u8]) -> Result<PathBuf, CliError> {
        let path = self.path().join(name);
        let mut f = private_file(&path).map_err(|e| CliError::io("create", &path, e))?;
        // Exactly 0600 whatever the umask: the owner must be able to overwrite it later.
        f.set_permissions(fs::Permissions::from_mode(0o600))
            .and_then(|_| f.write_all(content))
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
    base_dir_among(
        std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from),
        Path::new("/dev/shm"),
        std::env::temp_dir(),
    )
}

/// [`base_dir`]'s choice among the candidates it is given, so that a test can offer ones
/// that cannot be used.
fn base_dir_among(runtime: Option<PathBuf>, shm: &Path, fallback: PathBuf) -> (PathBuf, bool) {
    if let Some(d) = runtime
        && d.is_absolute()
        && d.is_dir()
    {
        return (d, true);
    }
    if shm.is_dir()
        && fs::metadata(shm).is_ok_and(|m| !m.permissions().readonly())
        && tempfile::tempdir_in(shm).is_ok()
    {
        return (shm.to_owned(), true);
    }
    (fallback, false)
}

/// Creates a new file readable and writable by its owner only.
pub fn private_file(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Wipes the private directories in `base` that processes of user `uid` left when they
/// were killed (their process is gone), except `own`; returns how many.
fn wipe_stale(base: &Path, uid: u32, own: &Path) -> usize {
    let Ok(entries) = fs::read_dir(base) else {
        return 0;
    };
    let mut wiped = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(owner) = name
            .to_str()
            .and_then(|n| n.strip_prefix(DIR_PREFIX))
            .and_then(Owner::parse)
            .map(|(owner, _)| owner)
        else {
            continue;
        };
        let path = e.path();
        // symlink_metadata: in a shared /dev/shm, a link named like ours is never followed,
        // and only this user's own directories are wiped.
        let ours = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() && m.uid() == uid);
        if path == own || !ours || !owner.is_gone() {
            continue;
        }
        wipe_dir(&path);
        if fs::remove_dir(&path).is_ok() {
            wiped += 1;
        }
    }
    wiped
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

/// Overwrites the regular file at `path` with zeros, in place, and syncs it: removing it
/// alone would leave the plaintext in memory (tmpfs) or on disk, and readable through any
/// other link or open descriptor.
pub fn overwrite(path: &Path) {
    // O_NOFOLLOW: a link put in the file's place is not followed to another file.
    let Ok(mut f) = fs::OpenOptions::new()
        .write(true)
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
        .open(path)
    else {
        return;
    };
    let Ok(len) = f.metadata().map(|m| m.len()) else {
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

/// A process as a temporary name records it: its id and its start time, so that a process
/// that later gets the same id is not taken for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    pid: u32,
    /// Clock ticks from boot to the process's start (`/proc/PID/stat`); 0 where unknown.
    start: u64,
}

impl Owner {
    /// This process.
    pub fn me() -> Self {
        let pid = std::process::id();
        Owner {
            pid,
            start: proc_stat(pid).map_or(0, |s| s.start),
        }
    }

    /// `PID-START`, as it goes into a name.
    pub fn tag(&self) -> String {
        format!("{}-{}", self.pid, self.start)
    }

    /// Reads `PID-START-` at the start of `s`: the owner, and what follows.
    pub fn parse(s: &str) -> Option<(Owner, &str)> {
        let (pid, rest) = s.split_once('-')?;
        let (start, rest) = rest.split_once('-')?;
        let number = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !number(pid) || !number(start) {
            return None;
        }
        let pid: u32 = pid.parse().ok()?;
        // 0 and ids beyond i32 would make kill(2) address a group or every process.
        if pid == 0 || i32::try_from(pid).is_err() {
            return None;
        }
        Some((
            Owner {
                pid,
                start: start.parse().ok()?,
            },
            rest,
        ))
    }

    /// Whether the process is gone: no process has its id, or the one that has it started at
    /// another time (the id was reused), or it is a zombie (it will never clean up). When in
    /// doubt, it is not gone.
    pub fn is_gone(&self) -> bool {
        let pid = nix::unistd::Pid::from_raw(self.pid as i32);
        // Signal 0 only checks; EPERM means a process (of another user) has the id.
        if let Err(nix::errno::Errno::ESRCH) = nix::sys::signal::kill(pid, None) {
            return true;
        }
        match proc_stat(self.pid) {
            Some(s) => s.zombie || (self.start != 0 && s.start != self.start),
            None => false,
        }
    }
}

/// What `/proc/PID/stat` says about a process.
struct ProcStat {
    start: u64,
    zombie: bool,
}

fn proc_stat(pid: u32) -> Option<ProcStat> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces and parentheses
    // itself: the fields are counted from the last `)`, which starts at field 3 (the state).
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let state = fields.next()?;
    let start = fields.nth(18)?.parse().ok()?;
    Some(ProcStat {
        start,
        zombie: state == "Z",
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The scratch directory goes to the runtime directory if it is an absolute directory,
    /// else to `/dev/shm` if it is a writable directory, else to the fallback (which is
    /// not memory, and says so).
    #[test]
    fn the_scratch_base_is_the_first_usable_candidate() {
        use std::os::unix::fs::PermissionsExt;
        let runtime = tempfile::tempdir().unwrap();
        let shm = tempfile::tempdir().unwrap();
        let fallback = PathBuf::from("/fallback");
        let among = |r: Option<&Path>, s: &Path| {
            base_dir_among(r.map(Path::to_path_buf), s, fallback.clone())
        };
        assert_eq!(
            among(Some(runtime.path()), shm.path()),
            (runtime.path().to_path_buf(), true)
        );
        assert_eq!(
            among(Some(Path::new("relative")), shm.path()),
            (shm.path().to_path_buf(), true)
        );
        assert_eq!(among(None, shm.path()), (shm.path().to_path_buf(), true));
        fs::set_permissions(shm.path(), fs::Permissions::from_mode(0o555)).unwrap();
        assert_eq!(among(None, shm.path()), (fallback.clone(), false));
        fs::set_permissions(shm.path(), fs::Permissions::from_mode(0o700)).unwrap();
        let file = shm.path().join("not-a-directory");
        fs::write(&file, "").unwrap();
        assert_eq!(among(None, &file), (fallback.clone(), false));
    }

    /// Plaintext stays out of the working directory, the file's directory and the file's
    /// repository; a bare file name's directory is the working directory.
    #[test]
    fn avoid_for_names_the_files_directory_and_its_repository() {
        let repo = tempfile::tempdir().unwrap();
        fs::create_dir(repo.path().join(".git")).unwrap();
        fs::create_dir(repo.path().join("config")).unwrap();
        let root = fs::canonicalize(repo.path()).unwrap();
        assert_eq!(repo_root(&repo.path().join("config")), Some(root.clone()));
        let avoid = avoid_for(&repo.path().join("config/prod.yaml"));
        assert!(avoid.contains(&root), "{avoid:?}");
        assert!(avoid.contains(&repo.path().join("config")), "{avoid:?}");
        assert!(
            avoid.contains(&std::env::current_dir().unwrap()),
            "{avoid:?}"
        );
        let bare = avoid_for(Path::new("prod.yaml"));
        assert_eq!(bare.last(), Some(&PathBuf::from(".")), "{bare:?}");
        let outside = tempfile::tempdir().unwrap();
        assert_eq!(repo_root(outside.path()), None);
    }

    const QUIET: Ui = Ui { quiet: true };

    /// A process id that no process has: a child that has exited and been waited for.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn all_zeros(bytes: &[u8]) -> bool {
        bytes.iter().all(|&b| b == 0)
    }

    #[test]
    fn drop_overwrites_each_file_before_removing_it() {
        let base = tempfile::tempdir().unwrap();
        let scratch = Scratch::create_in(base.path(), &QUIET).unwrap();
        let secret = b"password: hunter2-hunter2\n";
        let file = scratch.write("config.yaml", secret).unwrap();
        let swap = scratch.path().join("sub/.config.yaml.swp");
        fs::create_dir(swap.parent().unwrap()).unwrap();
        fs::write(&swap, secret).unwrap();
        // A second name and an open descriptor for the same files: removing the names alone
        // would leave the plaintext readable through them.
        let second = base.path().join("second-name");
        fs::hard_link(&file, &second).unwrap();
        let open = fs::File::open(&swap).unwrap();
        let dir = scratch.path().to_owned();
        drop(scratch);
        assert!(!dir.exists());
        let kept = fs::read(&second).unwrap();
        assert_eq!(kept.len(), secret.len());
        assert!(all_zeros(&kept), "{kept:?}");
        let mut seen = Vec::new();
        std::io::Read::read_to_end(&mut &open, &mut seen).unwrap();
        assert_eq!(seen.len(), secret.len());
        assert!(all_zeros(&seen), "{seen:?}");
    }

    #[test]
    fn the_directory_and_its_files_are_private_and_named_after_the_process() {
        let base = tempfile::tempdir().unwrap();
        let scratch = Scratch::create_in(base.path(), &QUIET).unwrap();
        let file = scratch.write("a.env", b"A=1\n").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!((mode(scratch.path()), mode(&file)), (0o700, 0o600));
        let name = scratch.path().file_name().unwrap().to_str().unwrap();
        let (owner, rest) = Owner::parse(name.strip_prefix(DIR_PREFIX).unwrap()).unwrap();
        assert_eq!(owner, Owner::me());
        assert!(!rest.is_empty());
    }

    #[test]
    fn owners_are_told_apart_by_id_and_start_time() {
        let me = Owner::me();
        assert!(me.start != 0, "/proc gives the start time");
        assert_eq!(
            Owner::parse(&format!("{}-rest", me.tag())),
            Some((me, "rest"))
        );
        assert!(!me.is_gone());
        // The same id with another start time: the id was reused, the owner is gone.
        let reused = Owner {
            start: me.start + 1,
            ..me
        };
        assert!(reused.is_gone());
        let dead = Owner {
            pid: dead_pid(),
            start: 0,
        };
        assert!(dead.is_gone());
        // Unknown start time: a running process with the id counts as the owner.
        assert!(!Owner { start: 0, ..me }.is_gone());
        for bad in [
            "",
            "12",
            "12-",
            "-12-x",
            "0-5-x",
            "+1-5-x",
            "1-+5-x",
            "4294967295-1-x",
            "a1-2-x",
        ] {
            assert_eq!(Owner::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_this_users_directories_of_gone_processes_are_wiped() {
        let base = tempfile::tempdir().unwrap();
        let make = |name: &str| {
            let dir = base.path().join(name);
            fs::create_dir(&dir).unwrap();
            fs::write(dir.join("plain.yaml"), b"secret: 1\n").unwrap();
            dir
        };
        let stale = make(&format!("vaultfile-{}-0-aaaaaa", dead_pid()));
        let reused = make(&format!(
            "vaultfile-{}-{}-bbbbbb",
            std::process::id(),
            Owner::me().start + 7
        ));
        let live = make(&format!("vaultfile-{}-cccccc", Owner::me().tag()));
        let unnamed = make("vaultfile-dddddd");
        let elsewhere = make("elsewhere");
        // A link named like a stale directory, to a directory that must stay as it is.
        std::os::unix::fs::symlink(
            &elsewhere,
            base.path()
                .join(format!("vaultfile-{}-0-eeeeee", dead_pid())),
        )
        .unwrap();
        let uid = fs::metadata(base.path()).unwrap().uid();
        // Another user's stale directory is left alone (here: a uid that is not ours).
        assert_eq!(wipe_stale(base.path(), uid + 1, &live), 0);
        assert!(stale.exists());

        let scratch = Scratch::create_in(base.path(), &QUIET).unwrap();
        assert!(!stale.exists() && !reused.exists());
        for kept in [&live, &unnamed, &elsewhere] {
            assert_eq!(fs::read(kept.join("plain.yaml")).unwrap(), b"secret: 1\n");
        }
        assert!(scratch.path().exists());
        assert_eq!(wipe_stale(base.path(), uid, scratch.path()), 0);
    }
}
