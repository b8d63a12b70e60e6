//! The directory walker of the commands that take directories (`updatekeys`, `rotate`,
//! `recipients`, `upgrade`, `convert`, `status`).
//!
//! One walk for all of them so that they agree on what "the files under a directory" means:
//! regular files only, in sorted order (the same on every machine, so output and the order
//! files are rewritten in are reproducible), never following a symbolic link (a link out
//! of the tree must not make a command rewrite or report files elsewhere), and never
//! entering `.git`. What differs between the commands is an option ([`Walk::skip_hidden_dirs`])
//! or is done by the caller with the yielded errors: some report an unreadable directory
//! and go on, others stop.
//!
//! `ignore::WalkBuilder` (used by `scan`) is not used here: its errors do not say whether
//! listing a directory or reading an entry's type failed, which the commands' messages
//! name, and turning its filters back off leaves little of it.

use std::fs::DirEntry;
use std::io;
use std::path::{Path, PathBuf};

/// Why part of a walk could not be read; the walk goes on with the rest.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// A directory could not be listed; none of its files is yielded.
    #[error("cannot list {}: {source}", .dir.display())]
    List {
        /// The directory.
        dir: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// An entry's type could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    EntryType {
        /// The directory holding the entry.
        dir: PathBuf,
        /// The entry.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// A walk over the regular files under a directory, depth first, each directory's entries
/// in file-name order (so the files come in path order).
pub struct Walk {
    /// The directory not listed yet (the root, until the first call to `next`).
    root: Option<PathBuf>,
    /// The directories being walked, innermost last, with the entries left in each.
    stack: Vec<(PathBuf, std::vec::IntoIter<DirEntry>)>,
    skip_hidden_dirs: bool,
}

impl Walk {
    /// A walk of `root`, which is listed when the walk starts.
    pub fn new(root: &Path) -> Walk {
        Walk {
            root: Some(root.to_owned()),
            stack: Vec::new(),
            skip_hidden_dirs: false,
        }
    }

    /// Skips every directory whose name starts with `.`, not only `.git` (files are still
    /// yielded, hidden or not).
    pub fn skip_hidden_dirs(mut self, yes: bool) -> Walk {
        self.skip_hidden_dirs = yes;
        self
    }

    /// Lists `dir` sorted and puts it on the stack.
    fn enter(&mut self, dir: PathBuf) -> Result<(), WalkError> {
        // All entries are read before any is yielded: they are sorted, and a directory
        // whose listing fails half-way is reported as a whole rather than in part.
        let listed = std::fs::read_dir(&dir).and_then(|r| r.collect::<Result<Vec<_>, _>>());
        match listed {
            Ok(mut entries) => {
                entries.sort_by_key(DirEntry::file_name);
                self.stack.push((dir, entries.into_iter()));
                Ok(())
            }
            Err(source) => Err(WalkError::List { dir, source }),
        }
    }

    fn skipped(&self, name: &std::ffi::OsStr) -> bool {
        name == ".git" || (self.skip_hidden_dirs && name.as_encoded_bytes().starts_with(b"."))
    }
}

impl Iterator for Walk {
    type Item = Result<PathBuf, WalkError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(root) = self.root.take()
            && let Err(e) = self.enter(root)
        {
            return Some(Err(e));
        }
        loop {
            let (dir, entries) = self.stack.last_mut()?;
            let Some(entry) = entries.next() else {
                self.stack.pop();
                continue;
            };
            let path = entry.path();
            match entry.file_type() {
                Err(source) => {
                    let dir = dir.clone();
                    return Some(Err(WalkError::EntryType { dir, path, source }));
                }
                Ok(t) if t.is_dir() => {
                    if !self.skipped(&entry.file_name())
                        && let Err(e) = self.enter(path)
                    {
                        return Some(Err(e));
                    }
                }
                Ok(t) if t.is_file() => return Some(Ok(path)),
                // Symbolic links (never followed), sockets, devices.
                Ok(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        for dir in ["b", "a/c", ".git", ".hidden"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for file in [
            "z",
            "b/y",
            "a/x",
            "a/c/w",
            ".git/config",
            ".hidden/v",
            ".env",
        ] {
            std::fs::write(root.join(file), "").unwrap();
        }
        std::os::unix::fs::symlink(root.join("b"), root.join("link")).unwrap();
        std::os::unix::fs::symlink(root.join("z"), root.join("a/zlink")).unwrap();
        d
    }

    fn names(root: &Path, walk: Walk) -> Vec<String> {
        walk.map(|f| {
            let f = f.unwrap();
            f.strip_prefix(root).unwrap().display().to_string()
        })
        .collect()
    }

    #[test]
    fn regular_files_in_path_order_without_links_or_git() {
        let d = tree();
        assert_eq!(
            names(d.path(), Walk::new(d.path())),
            [".env", ".hidden/v", "a/c/w", "a/x", "b/y", "z"]
        );
    }

    #[test]
    fn hidden_directories_can_be_skipped_but_not_hidden_files() {
        let d = tree();
        assert_eq!(
            names(d.path(), Walk::new(d.path()).skip_hidden_dirs(true)),
            [".env", "a/c/w", "a/x", "b/y", "z"]
        );
    }

    #[test]
    fn a_directory_that_cannot_be_listed_is_an_error() {
        let d = tree();
        let missing = d.path().join("missing");
        let mut w = Walk::new(&missing);
        assert!(matches!(w.next(), Some(Err(WalkError::List { dir, .. })) if dir == missing));
        assert!(w.next().is_none());
    }
}
