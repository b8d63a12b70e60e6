//! The repository, through the `git` command-line program.
//!
//! git is always present when a filter runs, and it alone handles
//! reftable, includes, `safe.directory`, worktrees and SHA-256 repositories exactly as git
//! does (libgit2 cannot open a reftable repository; rust-eco.md section 6). Running a
//! child process is not "reading the environment": git reads `GIT_DIR`,
//! `GIT_INDEX_FILE` and the rest itself, which is what makes `git commit -a` (a temporary
//! index) and explicit `GIT_DIR` work.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Why a git command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitError {
    /// `git` could not be started.
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    /// git exited with an error.
    #[error("`git {args}` failed: {stderr}")]
    Failed {
        /// The arguments, space-separated.
        args: String,
        /// What git printed on stderr.
        stderr: String,
    },
    /// git printed something this module does not understand.
    #[error("unexpected output from `git {0}`")]
    Output(String),
    /// Reading from or writing to a long-running git process failed.
    #[error("talking to `git cat-file`: {0}")]
    Pipe(std::io::Error),
}

/// One entry of git's index (stage 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    /// The file mode, as git writes it (`100644`).
    pub mode: String,
    /// The blob's object id.
    pub oid: String,
}

/// A repository found from a directory.
#[derive(Clone, Debug)]
pub struct Repo {
    /// Where git commands run.
    pub cwd: PathBuf,
    /// The work tree's top directory; `None` in a bare repository.
    pub work_tree: Option<PathBuf>,
    /// This worktree's git directory (`.git`, or `.git/worktrees/NAME`).
    pub git_dir: PathBuf,
    /// The directory shared by all worktrees: where repository-wide state belongs
    /// (git-crypt#105 is what happens when it is looked up through `--git-dir`).
    pub common_dir: PathBuf,
}

impl Repo {
    /// Finds the repository that contains `cwd`, as git would.
    pub fn discover(cwd: &Path) -> Result<Repo, GitError> {
        let out = run_in(
            cwd,
            &[
                "rev-parse",
                "--path-format=absolute",
                "--git-dir",
                "--git-common-dir",
                "--is-bare-repository",
            ],
        )?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        let (Some(git_dir), Some(common_dir), Some(bare)) =
            (lines.next(), lines.next(), lines.next())
        else {
            return Err(GitError::Output("rev-parse".into()));
        };
        let work_tree = if bare == "true" {
            None
        } else {
            let top = run_in(cwd, &["rev-parse", "--show-toplevel"])?;
            Some(PathBuf::from(String::from_utf8_lossy(&top).trim_end()))
        };
        Ok(Repo {
            cwd: cwd.to_owned(),
            work_tree,
            git_dir: PathBuf::from(git_dir),
            common_dir: PathBuf::from(common_dir),
        })
    }

    /// Runs `git ARGS` in the repository and returns its standard output.
    pub fn run(&self, args: &[&str]) -> Result<Vec<u8>, GitError> {
        run_in(&self.cwd, args)
    }

    /// Runs `git ARGS` with `input` on its standard input.
    pub fn run_with_input(&self, args: &[&str], input: &[u8]) -> Result<Vec<u8>, GitError> {
        let mut child = spawn_piped(&self.cwd, args, Stdio::piped())?;
        let mut stdin = child.stdin.take().expect("piped");
        // Write from a thread: git may fill its stdout pipe before reading all its input.
        let input = input.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().map_err(GitError::Spawn)?;
        let _ = writer.join();
        check(args, out)
    }

    /// The value of a git configuration key, if set.
    pub fn config_get(&self, key: &str) -> Result<Option<String>, GitError> {
        let out = Command::new("git")
            .args(["config", "--get", key])
            .current_dir(&self.cwd)
            .output()
            .map_err(GitError::Spawn)?;
        // Exit 1 means "not set".
        match out.status.code() {
            Some(0) => Ok(Some(
                String::from_utf8_lossy(&out.stdout).trim_end().to_owned(),
            )),
            Some(1) => Ok(None),
            _ => check(&["config", "--get", key], out).map(|_| None),
        }
    }

    /// Resolves a path inside the git directory the way git does (`git rev-parse
    /// --git-path`), which honours `core.hooksPath` for `hooks`.
    pub fn git_path(&self, name: &str) -> Result<PathBuf, GitError> {
        let out = self.run(&["rev-parse", "--path-format=absolute", "--git-path", name])?;
        Ok(PathBuf::from(String::from_utf8_lossy(&out).trim_end()))
    }

    /// Every tracked path, repository-relative, from `git ls-files` (index) or
    /// `git ls-tree` (a commit).
    pub fn ls_files(&self, treeish: Option<&str>) -> Result<Vec<String>, GitError> {
        match treeish {
            None => self.ls_files_matching(&["--cached"], &[":/".to_owned()]),
            Some(t) => Ok(split_z(&self.run(&[
                "ls-tree",
                "-r",
                "-z",
                "--name-only",
                "--full-tree",
                t,
            ])?)),
        }
    }

    /// `git ls-files OPTIONS -- PATHSPEC…`: the paths, repository-relative, of the files
    /// the options select (`--modified`, `--others`…) under the pathspecs, which are read
    /// from the current directory as git reads them.
    pub fn ls_files_matching(
        &self,
        options: &[&str],
        pathspec: &[String],
    ) -> Result<Vec<String>, GitError> {
        let mut args = vec!["ls-files", "-z", "--full-name"];
        args.extend_from_slice(options);
        args.push("--");
        args.extend(pathspec.iter().map(String::as_str));
        Ok(split_z(&self.run(&args)?))
    }

    /// The blob id of every path at stage 0 of the index (`git ls-files -s`), by
    /// repository-relative path. Conflicted paths (stages 1-3) are left out, as
    /// `git cat-file` leaves out `:path` for them.
    pub fn index_blobs(&self) -> Result<std::collections::HashMap<String, String>, GitError> {
        Ok(self
            .index_entries()?
            .into_iter()
            .map(|(path, e)| (path, e.oid))
            .collect())
    }

    /// Every stage-0 index entry, with its file mode (what `git update-index --cacheinfo`
    /// needs to stage a new blob at the same path), by repository-relative path.
    pub fn index_entries(&self) -> Result<std::collections::HashMap<String, IndexEntry>, GitError> {
        let out = self.run(&["ls-files", "-s", "-z", "--full-name", ":/"])?;
        let mut entries = std::collections::HashMap::new();
        for entry in split_z(&out) {
            // "<mode> <oid> <stage>\t<path>"
            let Some((meta, path)) = entry.split_once('\t') else {
                return Err(GitError::Output("ls-files -s".into()));
            };
            let mut fields = meta.split(' ');
            let (Some(mode), Some(oid), Some("0")) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            entries.insert(
                path.to_owned(),
                IndexEntry {
                    mode: mode.to_owned(),
                    oid: oid.to_owned(),
                },
            );
        }
        Ok(entries)
    }

    /// The hash the repository names objects by (`extensions.objectFormat`).
    pub fn object_format(&self) -> Result<ObjectFormat, GitError> {
        let out = self.run(&["rev-parse", "--show-object-format"])?;
        match String::from_utf8_lossy(&out).trim_end() {
            "sha1" => Ok(ObjectFormat::Sha1),
            "sha256" => Ok(ObjectFormat::Sha256),
            _ => Err(GitError::Output("rev-parse --show-object-format".into())),
        }
    }

    /// Whether `HEAD` names a commit (false in a repository with no commit yet).
    pub fn has_head(&self) -> bool {
        self.run(&["rev-parse", "--verify", "-q", "HEAD^{commit}"])
            .is_ok()
    }

    /// The paths among `paths` (relative to the top of the work tree) whose attributes
    /// give them `filter=vaultfile`: the files git's filter keeps encrypted. The one place
    /// that decides which paths are protected.
    pub fn filtered(
        &self,
        paths: &[String],
    ) -> Result<std::collections::BTreeSet<String>, GitError> {
        Ok(self
            .check_attr("filter", paths)?
            .into_iter()
            .filter(|(_, v)| v == super::setup::DRIVER)
            .map(|(p, _)| p)
            .collect())
    }

    /// The tracked paths that git's filter protects (see [`Repo::filtered`]).
    pub fn filtered_tracked(&self) -> Result<std::collections::BTreeSet<String>, GitError> {
        self.filtered(&self.ls_files(None)?)
    }

    /// Whether git's filter protects `file`, a path anywhere: false outside a repository
    /// (or when git cannot say).
    pub fn protects(file: &Path) -> bool {
        let Ok(abs) = std::path::absolute(file) else {
            return false;
        };
        let Some(repo) = abs.parent().and_then(|d| Repo::discover(d).ok()) else {
            return false;
        };
        let Some(top) = repo.work_tree.clone() else {
            return false;
        };
        let top = top.canonicalize().unwrap_or(top);
        let abs = abs.canonicalize().unwrap_or(abs);
        let Ok(rel) = abs.strip_prefix(&top) else {
            return false;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        repo.filtered(&[rel]).is_ok_and(|f| !f.is_empty())
    }

    /// The value of attribute `attr` for each path (`unspecified`, `set`, `unset` or a
    /// value), read from the index's and the work tree's `.gitattributes` as git does.
    pub fn check_attr(
        &self,
        attr: &str,
        paths: &[String],
    ) -> Result<Vec<(String, String)>, GitError> {
        if paths.is_empty() {
            return Ok(Vec::new());
        }
        let mut input = Vec::new();
        for p in paths {
            input.extend_from_slice(p.as_bytes());
            input.push(0);
        }
        let top = self.work_tree.clone().unwrap_or_else(|| self.cwd.clone());
        let repo = Repo {
            cwd: top,
            ..self.clone()
        };
        let out = repo.run_with_input(&["check-attr", "--stdin", "-z", attr], &input)?;
        let fields = split_z(&out);
        Ok(fields
            .chunks(3)
            .filter(|c| c.len() == 3)
            .map(|c| (c[0].clone(), c[2].clone()))
            .collect())
    }
}

/// Starts `git ARGS` in `cwd` with its standard input and output piped to us.
fn spawn_piped(cwd: &Path, args: &[&str], stderr: Stdio) -> Result<Child, GitError> {
    Command::new("git")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(GitError::Spawn)
}

/// The hash a repository names its objects by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectFormat {
    /// SHA-1, git's default.
    Sha1,
    /// SHA-256 (`git init --object-format=sha256`).
    Sha256,
}

/// The id git gives a blob of `content` (what `git hash-object` prints), computed here so
/// that the filter can name the blob a clean produces without asking git.
pub fn blob_id(format: ObjectFormat, content: &[u8]) -> String {
    use sha2::Digest as _;
    fn hex(bytes: &[u8]) -> String {
        use std::fmt::Write as _;
        bytes.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
    let header = format!("blob {}\0", content.len());
    match format {
        ObjectFormat::Sha1 => {
            let mut h = sha1::Sha1::new();
            h.update(header.as_bytes());
            h.update(content);
            hex(&h.finalize())
        }
        ObjectFormat::Sha256 => {
            let mut h = sha2::Sha256::new();
            h.update(header.as_bytes());
            h.update(content);
            hex(&h.finalize())
        }
    }
}

fn run_in(cwd: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::Spawn)?;
    check(args, out)
}

fn check(args: &[&str], out: std::process::Output) -> Result<Vec<u8>, GitError> {
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

fn split_z(out: &[u8]) -> Vec<String> {
    out.split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// One `git cat-file --batch` process, for reading many blobs (the baselines of a whole
/// `git add`) without starting a process per file.
pub struct BlobReader {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl BlobReader {
    /// Starts `git cat-file --batch` in the repository.
    pub fn start(repo: &Repo) -> Result<BlobReader, GitError> {
        let mut child = spawn_piped(&repo.cwd, &["cat-file", "--batch"], Stdio::inherit())?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = BufReader::new(child.stdout.take().expect("piped"));
        Ok(BlobReader {
            child,
            stdin,
            stdout,
        })
    }

    /// The blob named by `spec` (`:path` for the index, `HEAD:path`, an object id), or
    /// `None` if there is none (or it is not a blob).
    pub fn read(&mut self, spec: &str) -> Result<Option<Vec<u8>>, GitError> {
        Ok(self.read_many(&[spec])?.pop().flatten())
    }

    /// The blobs named by `specs`, in order, for one round trip: every request is written
    /// at once, then every answer read. Between processes that take turns on two cores,
    /// a round trip per small blob costs more than reading it. The requests must fit in
    /// the pipe's buffer (64 KiB on Linux) while cat-file waits for its answers to be
    /// read: batches of a few dozen.
    pub fn read_many(&mut self, specs: &[&str]) -> Result<Vec<Option<Vec<u8>>>, GitError> {
        let mut lines = String::new();
        for spec in specs {
            // The batch protocol is line-based; such a path has no baseline.
            if !spec.contains('\n') {
                lines.push_str(spec);
                lines.push('\n');
            }
        }
        self.stdin
            .write_all(lines.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(GitError::Pipe)?;
        specs
            .iter()
            .map(|spec| {
                if spec.contains('\n') {
                    Ok(None)
                } else {
                    self.answer()
                }
            })
            .collect()
    }

    /// Reads cat-file's answer to one request.
    fn answer(&mut self) -> Result<Option<Vec<u8>>, GitError> {
        let mut header = String::new();
        self.stdout.read_line(&mut header).map_err(GitError::Pipe)?;
        if header.is_empty() {
            return Err(GitError::Output("cat-file --batch".into()));
        }
        // "<oid> <type> <size>", or "<spec> missing" / "<spec> ambiguous".
        let mut fields = header.trim_end().rsplitn(3, ' ');
        let (Some(size), Some(kind)) = (fields.next(), fields.next()) else {
            return Ok(None);
        };
        let Ok(size) = size.parse::<usize>() else {
            return Ok(None);
        };
        let mut buf = vec![0; size + 1];
        self.stdout.read_exact(&mut buf).map_err(GitError::Pipe)?;
        buf.pop();
        Ok((kind == "blob").then_some(buf))
    }
}

impl Drop for BlobReader {
    fn drop(&mut self) {
        // Closing stdin ends cat-file; wait so no zombie is left.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = run_in(dir, args).unwrap();
        String::from_utf8(out).unwrap().trim_end().to_owned()
    }

    #[test]
    fn blob_reader_reads_a_batch_in_order_with_missing_and_odd_specs() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        git(top, &["init", "-q"]);
        std::fs::write(top.join("a"), "alpha\n").unwrap();
        std::fs::write(top.join("b"), "").unwrap();
        git(top, &["add", "a", "b"]);
        let repo = Repo::discover(top).unwrap();
        let ids = repo.index_blobs().unwrap();
        let mut reader = BlobReader::start(&repo).unwrap();
        let got = reader
            .read_many(&[
                &ids["b"],
                "0000000000000000000000000000000000000001",
                "x\ny",
                &ids["a"],
            ])
            .unwrap();
        assert_eq!(
            got,
            [Some(Vec::new()), None, None, Some(b"alpha\n".to_vec())]
        );
        // The process is still in step for single reads.
        assert_eq!(reader.read(":a").unwrap(), Some(b"alpha\n".to_vec()));
    }

    #[test]
    fn index_blobs_lists_stage_zero_ids_by_path_and_has_head_follows_the_first_commit() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        git(top, &["init", "-q"]);
        std::fs::create_dir(top.join("secrets")).unwrap();
        std::fs::write(top.join("secrets/a b.yaml"), "a: 1\n").unwrap();
        std::fs::write(top.join("plain.txt"), "x\n").unwrap();
        git(top, &["add", "."]);
        // Asked from a subdirectory, paths are still repository-relative.
        let repo = Repo::discover(&top.join("secrets")).unwrap();
        assert!(!repo.has_head(), "no commit yet");
        let blobs = repo.index_blobs().unwrap();
        assert_eq!(blobs.len(), 2);
        assert_eq!(
            blobs["secrets/a b.yaml"],
            git(top, &["rev-parse", ":secrets/a b.yaml"])
        );
        assert_eq!(blobs["plain.txt"], git(top, &["rev-parse", ":plain.txt"]));
        git(
            top,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-q",
                "-m",
                "one",
            ],
        );
        assert!(repo.has_head());
    }

    #[test]
    fn blob_ids_are_gits_in_both_object_formats() {
        for (format, name) in [
            (ObjectFormat::Sha1, "sha1"),
            (ObjectFormat::Sha256, "sha256"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let top = dir.path();
            git(top, &["init", "-q", &format!("--object-format={name}")]);
            let repo = Repo::discover(top).unwrap();
            assert_eq!(repo.object_format().unwrap(), format);
            for content in [&b""[..], b"a: 1\n", b"bin\0ary\r\n"] {
                std::fs::write(top.join("f"), content).unwrap();
                assert_eq!(blob_id(format, content), git(top, &["hash-object", "f"]));
            }
        }
    }
}
