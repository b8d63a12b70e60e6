//! Reading inputs and writing outputs atomically.
//!
//! A file is replaced by renaming a complete, synced new file over it, so a failure never
//! leaves a truncated or half-written target: the target is either its
//! old content or the whole new one. The new file has to be in the target's directory
//! (a rename does not cross filesystems), and while it is written it may hold plaintext, so
//! a run killed mid-write (SIGKILL, a crash, the OOM killer) must not leave it there:
//!
//! - On Linux it is created unnamed (`O_TMPFILE`) and gets a name only once it is complete
//!   and synced: linked through `/proc/self/fd` straight under the target's name when there
//!   is no target yet, else under a temporary name that is at once renamed over the target.
//! - Where that is not possible (another system, a filesystem without `O_TMPFILE`, no
//!   `/proc`), it is created under a name that says which process writes it,
//!   `.vaultfile-PID-START-XXXXXX.tmp`. Such a file whose process is gone was left by a
//!   killed run: the next vaultfile that writes in that directory overwrites it with zeros,
//!   removes it and says so. This also covers the instant between link and rename above.
//!
//! A symbolic link is written through: the file it points to is replaced and the link stays
//! a link (dotfile managers such as stow and chezmoi link configuration files into place).
//! Plaintext outputs end 0600, whatever the mode of the file they replace; other outputs
//! keep an existing file's mode, and a new one is 0644.

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::error::{CliError, ExitKind};
use super::scratch::{self, Owner};
use super::ui::Ui;

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
                read_file(p).map_err(|e| CliError::io("read", p, e))
            }
        }
    }
}

/// Files at least this large are read by two threads, a half each.
const SPLIT_READ_MIN: u64 = 4 << 20;

/// Reads a whole file. A large one is read in two halves at once: most of a large read's
/// time is the kernel mapping and zeroing the buffer's fresh pages, which two threads do
/// side by side (a 7 MB file: 4 ms in one read).
fn read_file(p: &Path) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::FileExt;
    let mut f = fs::File::open(p)?;
    let len = f.metadata()?.len();
    if len < SPLIT_READ_MIN {
        // As `fs::read`, on the file already open. The size is a hint: what is read counts.
        let mut buf = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        f.read_to_end(&mut buf)?;
        return Ok(buf);
    }
    let half = len / 2;
    let mut buf = vec![0; usize::try_from(len).map_err(std::io::Error::other)?];
    let (front, back) = buf.split_at_mut(half as usize);
    let (a, b) = std::thread::scope(|s| {
        let back = s.spawn(|| f.read_exact_at(back, half));
        (f.read_exact_at(front, 0), back.join())
    });
    let whole = a.and(b.unwrap_or_else(|e| std::panic::resume_unwind(e)));
    // Changed while it was read (shorter or longer than its size said): read it again,
    // in one go, as any other file.
    if whole.is_err() || f.read_at(&mut [0], len)? != 0 {
        return fs::read(p);
    }
    Ok(buf)
}

/// Where output goes.
pub enum Output<'a> {
    /// Standard output.
    Stdout,
    /// A file (or the file a symbolic link points to), replaced atomically. `private`: the
    /// content is plaintext, and the file ends 0600 whether it is new or not.
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
            write_file(path, private, Strategy::best(), produce).map(Some)
        }
    }
}

/// How the new file is made (a parameter so that tests can take the fallback on Linux too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    /// Unnamed until complete (`O_TMPFILE`), falling back to `Named` if the filesystem
    /// refuses it.
    Unnamed,
    /// Named after the process from the start.
    Named,
}

impl Strategy {
    fn best() -> Self {
        // Giving an unnamed file a name goes through /proc/self/fd.
        if cfg!(any(target_os = "linux", target_os = "android"))
            && Path::new("/proc/self/fd").is_dir()
        {
            Strategy::Unnamed
        } else {
            Strategy::Named
        }
    }
}

/// Replaces the file at `path` (through any symbolic links) with what `produce` writes.
fn write_file<T>(
    path: &Path,
    private: bool,
    strategy: Strategy,
    produce: impl FnOnce(&mut dyn Write) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let target = resolve_links(path).map_err(|e| {
        CliError::io("follow the symbolic link", path, e)
            .hint("point the link at a file, or write to another path")
    })?;
    let (dir, file_name) = match (target.parent(), target.file_name()) {
        (Some(d), Some(n)) if !d.as_os_str().is_empty() => (d.to_owned(), n.to_owned()),
        (_, Some(n)) => (PathBuf::from("."), n.to_owned()),
        _ => {
            return Err(CliError::new(
                ExitKind::Usage,
                format!("{} does not name a file", path.display()),
            )
            .hint("pass the path of a file to write"));
        }
    };
    let mode = match fs::metadata(&target) {
        _ if private => 0o600,
        Ok(m) => m.permissions().mode() & 0o7777,
        Err(_) => 0o644,
    };
    let new = NewFile::create(&dir, strategy)
        .map_err(|e| CliError::io("create a temporary file in", &dir, e))?;
    // The new file says which user this process writes as: only that user's stale files go.
    if let Ok(meta) = new.file().metadata() {
        sweep_once(&dir, meta.uid());
    }
    let mut w = std::io::BufWriter::with_capacity(256 * 1024, new.file());
    // On error the new file is dropped: unnamed, it vanishes; named, it is removed. The
    // target is untouched either way.
    let v = produce(&mut w)?;
    w.into_inner()
        .map_err(|e| CliError::io("write", path, e.into_error()))?;
    // The mode before the sync, so that it is as durable as the content.
    new.file()
        .set_permissions(fs::Permissions::from_mode(mode))
        .map_err(|e| CliError::io("set permissions on the new", &target, e))?;
    new.file()
        .sync_all()
        .map_err(|e| CliError::io("sync", &target, e))?;
    new.replace(&dir, &file_name)
        .map_err(|e| CliError::io("replace", &target, e))?;
    Ok(v)
}

/// `path`, with symbolic links at its end followed to the file they point to (which may not
/// exist yet), so that the link stays and its target is replaced.
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_owned();
    // As the kernel does (MAXSYMLINKS): a loop is an error, not a hang.
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(parent) if to.is_relative() => parent.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// The new content of a target, before it replaces it.
enum NewFile {
    /// Created with `O_TMPFILE`: no name until `replace` gives it one.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Unnamed { file: fs::File, dir: fs::File },
    /// Created under a name that says which process writes it; removed when dropped.
    Named(tempfile::NamedTempFile),
}

/// How a temporary name starts and ends; the owner's tag and a unique part go between.
const TMP_PREFIX: &str = ".vaultfile-";
const TMP_SUFFIX: &str = ".tmp";

impl NewFile {
    fn create(dir: &Path, strategy: Strategy) -> std::io::Result<NewFile> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if strategy == Strategy::Unnamed {
            use nix::fcntl::{OFlag, openat};
            use nix::sys::stat::Mode;
            let dir_fd = fs::File::open(dir)?;
            // Read and write: if it cannot be linked after all, it is copied (`replace`).
            let flags = OFlag::O_TMPFILE | OFlag::O_RDWR | OFlag::O_CLOEXEC;
            // Any error means the named fallback: O_TMPFILE not supported here (EOPNOTSUPP;
            // EISDIR or ENOENT from old kernels), and a real problem (EACCES, EROFS…) shows
            // again there, with its message.
            if let Ok(fd) = openat(&dir_fd, ".", flags, Mode::S_IRUSR | Mode::S_IWUSR) {
                return Ok(NewFile::Unnamed {
                    file: fs::File::from(fd),
                    dir: dir_fd,
                });
            }
        }
        let _ = strategy;
        Self::named(dir)
    }

    fn named(dir: &Path) -> std::io::Result<NewFile> {
        tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{}-", Owner::me().tag()))
            .suffix(TMP_SUFFIX)
            .permissions(fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)
            .map(NewFile::Named)
    }

    fn file(&self) -> &fs::File {
        match self {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            NewFile::Unnamed { file, .. } => file,
            NewFile::Named(t) => t.as_file(),
        }
    }

    /// Puts the (complete, synced) file in place of `name` in `dir`, atomically.
    fn replace(self, dir: &Path, name: &std::ffi::OsStr) -> std::io::Result<()> {
        match self {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            NewFile::Unnamed { file, dir: dir_fd } => {
                match link_unnamed(&file, &dir_fd, name) {
                    Ok(()) => Ok(()),
                    Err(Unlinked::Rename(e)) => Err(e),
                    // The filesystem would not link it (an unusual /proc, a security
                    // module): copy it into a named file, the fallback's way.
                    Err(Unlinked::Link) => {
                        let named = Self::named(dir)?;
                        std::io::Seek::rewind(&mut &file)?;
                        std::io::copy(&mut &file, &mut named.file())?;
                        let meta = file.metadata()?;
                        named.file().set_permissions(meta.permissions())?;
                        named.file().sync_all()?;
                        named.replace(dir, name)
                    }
                }
            }
            NewFile::Named(t) => t.persist(dir.join(name)).map(drop).map_err(|e| e.error),
        }
    }
}

/// Why an unnamed file did not get its name.
#[cfg(any(target_os = "linux", target_os = "android"))]
enum Unlinked {
    /// It could not be linked at all (a copy may still work).
    Link,
    /// It was linked, but could not be renamed over the target (nor will a copy be).
    Rename(std::io::Error),
}

/// Gives the unnamed `file` the name `name` in `dir`: directly when there is no file by that
/// name (nothing else ever shows), else under a temporary name renamed over it at once.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn link_unnamed(file: &fs::File, dir: &fs::File, name: &std::ffi::OsStr) -> Result<(), Unlinked> {
    use std::os::fd::AsRawFd;
    use std::sync::atomic::{AtomicU32, Ordering};

    use nix::errno::Errno;
    use nix::fcntl::{AT_FDCWD, AtFlags, renameat};
    use nix::unistd::{UnlinkatFlags, linkat, unlinkat};

    static NEXT: AtomicU32 = AtomicU32::new(0);
    let proc_path = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
    let link = |to: &Path| linkat(AT_FDCWD, &proc_path, dir, to, AtFlags::AT_SYMLINK_FOLLOW);
    match link(Path::new(name)) {
        Ok(()) => return Ok(()),
        Err(Errno::EEXIST) => {}
        Err(_) => return Err(Unlinked::Link),
    }
    // A link cannot replace an existing name, so the file gets a temporary name for the
    // instant before the rename. The name says which process made it: if this one dies in
    // that instant, the next run in the directory removes it.
    let owner = Owner::me().tag();
    for _ in 0..100 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = PathBuf::from(format!("{TMP_PREFIX}{owner}-u{n}{TMP_SUFFIX}"));
        match link(&tmp) {
            Ok(()) => {}
            Err(Errno::EEXIST) => continue,
            Err(_) => return Err(Unlinked::Link),
        }
        return renameat(dir, &tmp, dir, Path::new(name)).map_err(|e| {
            let _ = unlinkat(dir, &tmp, UnlinkatFlags::NoRemoveDir);
            Unlinked::Rename(e.into())
        });
    }
    // No free name after many tries: let the copy find one its own way.
    Err(Unlinked::Link)
}

/// Removes the temporary files that killed runs left in `dir` (see the module's
/// documentation), once per directory and process, and says so if there were any.
fn sweep_once(dir: &Path, uid: u32) {
    static SWEPT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    let key = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    if !SWEPT.lock().map(|mut s| s.insert(key)).unwrap_or(true) {
        return;
    }
    if let Some(warning) = stale_warning(sweep_stale(dir, uid), dir) {
        // Said even with --quiet: a file that may have held plaintext was on disk.
        Ui { quiet: false }.warn(&warning);
    }
}

/// The warning for `removed` stale temporary files swept from `dir`, if there were any.
fn stale_warning(removed: usize, dir: &Path) -> Option<String> {
    if removed == 0 {
        return None;
    }
    let what = if removed == 1 {
        "1 stale temporary file".to_owned()
    } else {
        format!("{removed} stale temporary files")
    };
    Some(format!(
        "removed {what} ({TMP_PREFIX}*{TMP_SUFFIX}) from {}: a vaultfile run was killed \
         while writing there; it was overwritten with zeros first, as it may have held \
         plaintext",
        dir.display()
    ))
}

/// Overwrites and removes the files in `dir` named by a process of user `uid` that is gone;
/// returns how many.
fn sweep_stale(dir: &Path, uid: u32) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(owner) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TMP_PREFIX))
            .and_then(|n| n.strip_suffix(TMP_SUFFIX))
            .and_then(Owner::parse)
            .map(|(owner, _)| owner)
        else {
            continue;
        };
        let path = e.path();
        // Only this user's regular files (never a link, never another user's file).
        let ours = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.uid() == uid);
        if !ours || !owner.is_gone() {
            continue;
        }
        scratch::overwrite(&path);
        if fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Writes `data` to `target`.
pub fn write_all(target: Output<'_>, data: &[u8]) -> Result<(), CliError> {
    write_with(target, |w| w.write_all(data).map_err(CliError::from_write)).map(|_| ())
}

/// Writes to standard output, treating a closed pipe as success.
pub fn write_stdout(data: &[u8]) -> Result<(), CliError> {
    write_all(Output::Stdout, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A process id that no process has: a child that has exited and been waited for.
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn stale_warning_counts_the_files_it_names() {
        let dir = Path::new("/some/dir");
        assert_eq!(stale_warning(0, dir), None, "no files swept, no warning");
        let one = stale_warning(1, dir).unwrap();
        assert!(one.starts_with("removed 1 stale temporary file ("), "{one}");
        assert!(one.contains("from /some/dir:"), "{one}");
        let three = stale_warning(3, dir).unwrap();
        assert!(
            three.starts_with("removed 3 stale temporary files ("),
            "{three}"
        );
    }

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn write(path: &Path, private: bool, strategy: Strategy, data: &[u8]) -> Result<(), CliError> {
        write_file(path, private, strategy, |w| {
            w.write_all(data).map_err(CliError::from_write)
        })
    }

    #[test]
    fn both_strategies_replace_atomically_with_the_right_mode() {
        for strategy in [Strategy::Unnamed, Strategy::Named] {
            let d = tempfile::tempdir().unwrap();
            let new = d.path().join("new.yaml");
            write(&new, false, strategy, b"a: 1\n").unwrap();
            assert_eq!(
                (fs::read(&new).unwrap(), mode(&new)),
                (b"a: 1\n".to_vec(), 0o644)
            );
            write(&new, true, strategy, b"a: 2\n").unwrap();
            assert_eq!(
                (fs::read(&new).unwrap(), mode(&new)),
                (b"a: 2\n".to_vec(), 0o600)
            );
            let kept = d.path().join("kept.yaml");
            fs::write(&kept, "old\n").unwrap();
            fs::set_permissions(&kept, fs::Permissions::from_mode(0o640)).unwrap();
            write(&kept, false, strategy, b"b: 1\n").unwrap();
            assert_eq!(
                (fs::read(&kept).unwrap(), mode(&kept)),
                (b"b: 1\n".to_vec(), 0o640)
            );
            let private = d.path().join("private.yaml");
            write(&private, true, strategy, b"p: 1\n").unwrap();
            assert_eq!(mode(&private), 0o600);
            assert_eq!(
                names(d.path()),
                ["kept.yaml", "new.yaml", "private.yaml"],
                "{strategy:?}"
            );
        }
    }

    #[test]
    fn a_failed_write_leaves_the_target_and_no_other_file() {
        for strategy in [Strategy::Unnamed, Strategy::Named] {
            let d = tempfile::tempdir().unwrap();
            let t = d.path().join("t.yaml");
            fs::write(&t, "old\n").unwrap();
            let r = write_file(&t, true, strategy, |w| {
                w.write_all(b"half of the plaintext")
                    .map_err(CliError::from_write)?;
                Err::<(), _>(CliError::new(ExitKind::Other, "failed midway"))
            });
            assert!(r.is_err());
            assert_eq!(fs::read(&t).unwrap(), b"old\n");
            assert_eq!(names(d.path()), ["t.yaml"], "{strategy:?}");
        }
    }

    #[test]
    fn the_named_fallback_says_which_process_writes() {
        let d = tempfile::tempdir().unwrap();
        let t = d.path().join("t.yaml");
        let mut seen = Vec::new();
        write_file(&t, true, Strategy::Named, |_| {
            seen = names(d.path());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), 1);
        let name = seen[0]
            .strip_prefix(TMP_PREFIX)
            .and_then(|n| n.strip_suffix(TMP_SUFFIX))
            .unwrap();
        assert_eq!(Owner::parse(name).unwrap().0, Owner::me());
    }

    #[test]
    fn the_unnamed_file_has_no_name_until_it_is_complete() {
        let d = tempfile::tempdir().unwrap();
        let t = d.path().join("t.yaml");
        fs::write(&t, "old\n").unwrap();
        let mut seen = Vec::new();
        write_file(&t, true, Strategy::Unnamed, |w| {
            w.write_all(b"secret").map_err(CliError::from_write)?;
            seen = names(d.path());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["t.yaml"]);
        assert_eq!(fs::read(&t).unwrap(), b"secret");
    }

    #[test]
    fn stale_files_of_gone_processes_are_overwritten_and_removed() {
        let d = tempfile::tempdir().unwrap();
        let put = |name: &str| {
            let p = d.path().join(name);
            fs::write(&p, "password: hunter2\n").unwrap();
            p
        };
        let dead = dead_pid();
        let stale = put(&format!(".vaultfile-{dead}-0-AbC123.tmp"));
        let stale_link = put(&format!(".vaultfile-{dead}-0-u7.tmp"));
        let second = d.path().join("second-name");
        fs::hard_link(&stale, &second).unwrap();
        let live = put(&format!(".vaultfile-{}-Xy9Z01.tmp", Owner::me().tag()));
        // The names of versions before this one, and other files: not ours to judge.
        let old_style = put(".vaultfile-AbC123.tmp");
        let other = put("config.yaml");
        let elsewhere = put("elsewhere");
        let link = d.path().join(format!(".vaultfile-{dead}-0-LnK000.tmp"));
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        let uid = fs::metadata(d.path()).unwrap().uid();
        assert_eq!(
            sweep_stale(d.path(), uid + 1),
            0,
            "another user's files stay"
        );
        assert_eq!(sweep_stale(d.path(), uid), 2);
        assert!(!stale.exists() && !stale_link.exists());
        assert_eq!(
            fs::read(&second).unwrap(),
            vec![0u8; 18],
            "overwritten in place"
        );
        for kept in [&live, &old_style, &other, &elsewhere] {
            assert_eq!(fs::read(kept).unwrap(), b"password: hunter2\n");
        }
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    }

    #[test]
    fn links_are_followed_to_the_file_they_point_to() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("real")).unwrap();
        let real = d.path().join("real/app.yaml");
        fs::write(&real, "old\n").unwrap();
        let link = d.path().join("app.yaml");
        std::os::unix::fs::symlink("real/app.yaml", &link).unwrap();
        let chain = d.path().join("chain.yaml");
        std::os::unix::fs::symlink(&link, &chain).unwrap();
        assert_eq!(resolve_links(&chain).unwrap(), real);
        write(&chain, false, Strategy::Unnamed, b"new\n").unwrap();
        assert!(fs::symlink_metadata(&chain).unwrap().is_symlink());
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new\n");
        // A dangling link: the file it points to is created.
        let dangling = d.path().join("dangling.yaml");
        std::os::unix::fs::symlink("real/new.yaml", &dangling).unwrap();
        write(&dangling, true, Strategy::Named, b"p\n").unwrap();
        assert_eq!(fs::read(d.path().join("real/new.yaml")).unwrap(), b"p\n");
        // A loop is an error, not a hang.
        let a = d.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", d.path().join("b")).unwrap();
        assert!(write(&a, false, Strategy::Unnamed, b"x").is_err());
        assert_eq!(names(&d.path().join("real")), ["app.yaml", "new.yaml"]);
    }
}
