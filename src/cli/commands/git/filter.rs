//! The programs git runs: `filter-process` (long-running), one-shot `clean` and
//! `smudge`, and `textconv` for `git diff`.
//!
//! Everything here writes git's data on stdout and talks to the user only on stderr.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use vaultfile::config::Config;
use vaultfile::engine::DecryptError;
use vaultfile::git::convert::{self, CleanError, RuleFor, RuleUnavailable, Smudged};
use vaultfile::git::filter_process::{self, Failure, Filter};
use vaultfile::git::repo::{BlobReader, ObjectFormat, Repo, blob_id};
use vaultfile::keys::{self, Identity};

use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::pool::{self, Pool};
use crate::cli::ui::Ui;

/// Serve git's long-running filter protocol on stdin/stdout (run by git)
#[derive(Debug, clap::Args)]
pub struct FilterProcessArgs {}

/// Encrypt stdin for the repository (one-shot clean filter, run by git)
#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// The file's path in the repository (git's %f)
    #[arg(value_name = "PATH")]
    path: String,
}

/// Decrypt stdin for the work tree (one-shot smudge filter, run by git)
#[derive(Debug, clap::Args)]
pub struct SmudgeArgs {
    /// The file's path in the repository (git's %f)
    #[arg(value_name = "PATH")]
    path: String,
}

/// Print FILE decrypted, or as it is without a key (diff textconv, run by git)
#[derive(Debug, clap::Args)]
pub struct TextconvArgs {
    /// A file holding a blob, named by git
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// A file that takes this long to open was waiting for something (a key service's round
/// trip takes 10-150 ms; a small file opens locally in well under a millisecond).
const WAITING: std::time::Duration = std::time::Duration::from_millis(5);

/// Slow cleans in one git command after which the filter says how to stage faster.
const SLOW_CLEANS_HINT: usize = 20;

/// How many of the files handled took [`WAITING`] or more.
///
/// Every file that waits for a key service is slow, but on a busy machine a file that
/// opens locally is now and then slow too: its thread was preempted for a few
/// milliseconds (1 to 5 of the 2,000 files of a checkout on the benchmark machine, with
/// git and the filter's threads sharing two cores, at times three in a row). So the filter
/// acts on the share of slow files, not on one of them: growing to 16 workers on such a
/// file made a local checkout twice as slow, the workers taking turns on the cores with the
/// thread that answers git. An eighth: a repository whose key-service files are a
/// minority still gets its workers.
#[derive(Debug, Default)]
struct Slowness {
    files: AtomicUsize,
    slow: AtomicUsize,
}

impl Slowness {
    /// Counts a file that took `took`.
    fn note(&self, took: std::time::Duration) {
        self.files.fetch_add(1, Ordering::Relaxed);
        if took >= WAITING {
            self.slow.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// True once at least `min` files were slow, and at least an eighth of all of them.
    fn waiting(&self, min: usize) -> bool {
        let slow = self.slow.load(Ordering::Relaxed);
        slow >= min.max(1) && 8 * slow >= self.files.load(Ordering::Relaxed)
    }
}

/// How many bytes of delayed smudges may wait in memory for git to collect them.
const DELAY_BUDGET: usize = 256 << 20;

/// Files left encrypted are named one by one up to this many, then counted.
const LOCKED_NAMED: usize = 5;

/// What the repository held when the first file was cleaned: the baselines to look for.
struct Known {
    /// The index's paths in order, with their blob ids: git cleans in this order.
    index: Vec<(String, String)>,
    has_head: bool,
}

impl Known {
    fn read(repo: &Repo) -> Known {
        let mut index: Vec<(String, String)> =
            repo.index_blobs().unwrap_or_default().into_iter().collect();
        index.sort_unstable();
        Known {
            index,
            has_head: repo.has_head(),
        }
    }

    /// Where `path` is in the index.
    fn position(&self, path: &str) -> Option<usize> {
        self.index
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
    }

    /// The index's blob id for `path`.
    fn blob(&self, path: &str) -> Option<&str> {
        self.position(path).map(|i| self.index[i].1.as_str())
    }
}

/// Index blobs read ahead with the one asked for (see [`GitFilter::baseline`]).
const READ_AHEAD: usize = 32;
/// A batch whose blobs average more than this is not followed by a read-ahead: large
/// blobs gain nothing from saved round trips and would only sit in memory.
const READ_AHEAD_BLOB: usize = 64 << 10;

/// A smudge's outcome, as the workers give it back.
type Opened = Result<(Smudged, Option<vaultfile::metadata::Metadata>), DecryptError>;

/// The state shared by every file one git command sends.
pub(super) struct GitFilter<'a> {
    ui: &'a Ui,
    repo: Option<Repo>,
    blobs: Option<BlobReader>,
    /// The index's blob ids and whether HEAD exists, read at the first clean.
    known: Option<Known>,
    /// Index blobs read ahead, by id, until git asks for them.
    ahead: HashMap<String, Option<Vec<u8>>>,
    /// Whether the last read-ahead's blobs were small enough to read ahead again.
    read_ahead: bool,
    identities: Arc<Vec<Box<dyn Identity>>>,
    /// How many files are smudged at once (`VAULTFILE_JOBS`); 1: no delayed smudges.
    jobs: usize,
    /// The workers for delayed smudges, started at the first.
    pool: Option<Pool<Vec<u8>, Opened>>,
    /// How long cleans took; `hinted` once the hint about them was given.
    cleans: Slowness,
    hinted: bool,
    /// How long the smudge workers took to open files.
    opens: Arc<Slowness>,
    /// The bytes of the delayed smudges not yet handed back: git collects them only once
    /// it has sent every file, so they are all in memory at once.
    delayed_bytes: usize,
    /// Each delayed file's share of `delayed_bytes`.
    delayed: HashMap<String, usize>,
    /// The blob each file being smudged comes from (git's `blob=`).
    blobs_smudged: HashMap<String, String>,
    /// What this clone's filter decrypted, opened at the first use.
    smudged: Option<Option<vaultfile::git::smudged::Smudged>>,
    rules: Rules,
    /// New files' data keys, wrapped ahead on a second thread for local recipients: git
    /// waits for each clean in turn, so this is how `git add` gets a second core. `None`
    /// for a one-shot clean, which has one file and would only waste the keys made ahead.
    reserve: Option<vaultfile::engine::KeyReserve>,
    /// The repository's object format, read at the first clean (`None` inside: unknown).
    object_format: Option<Option<ObjectFormat>>,
    /// Blobs `vaultfile git add` made ahead of this `git add`, by path.
    prepared: vaultfile::git::smudged::Prepared,
    locked: usize,
    /// Decided at the first locked file: see [`GitFilter::writes_work_tree`].
    writes_work_tree: Option<bool>,
}

impl<'a> GitFilter<'a> {
    pub(super) fn new(ui: &'a Ui) -> Result<Self, CliError> {
        let found = identities::collect(&[], ui)?;
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Ok(GitFilter {
            ui,
            repo: Repo::discover(&cwd).ok(),
            blobs: None,
            known: None,
            ahead: HashMap::new(),
            read_ahead: true,
            // One filter process sees the same file more than once: unwrap each key once.
            // One cache per identity keeps the lookup order (local keys before network
            // services): the engine tries identities in order.
            identities: Arc::new(
                found
                    .identities
                    .into_iter()
                    .map(|i| {
                        Box::new(keys::remembering::Remembering::new(vec![i])) as Box<dyn Identity>
                    })
                    .collect(),
            ),
            jobs: pool::jobs()?,
            pool: None,
            opens: Arc::default(),
            cleans: Slowness::default(),
            hinted: false,
            delayed_bytes: 0,
            delayed: HashMap::new(),
            blobs_smudged: HashMap::new(),
            smudged: None,
            rules: Rules::default(),
            reserve: Some(vaultfile::engine::KeyReserve::new()),
            object_format: None,
            prepared: super::add::prepared_by_parent(),
            locked: 0,
            writes_work_tree: None,
        })
    }

    /// The index version of `path`, else HEAD's: the baseline that keeps unchanged values'
    /// ciphertext (and the data key) as they are.
    ///
    /// The index is listed once (`git ls-files -s`) and blobs are read by id, so a new file
    /// costs no `git cat-file` round trip at all, and HEAD is asked only when there is one:
    /// `git add` of many new files was paying two round trips per file to learn there was
    /// nothing to find (BENCHMARKS.md, git benchmark).
    fn baseline(&mut self, path: &str) -> Option<Vec<u8>> {
        let repo = self.repo.as_ref()?;
        let known = self.known.get_or_insert_with(|| Known::read(repo));
        let Some(at) = known.position(path) else {
            if !known.has_head {
                return None;
            }
            return self.read_blobs(&[&format!("HEAD:{path}")])?.pop().flatten();
        };
        if let Some(found) = self.ahead.remove(&known.index[at].1) {
            return found;
        }
        // git cleans files in index order (`git add` of changed files, and `git status` or
        // `git commit` cleaning "racily clean" ones again): this blob and the next ones in
        // one round trip to cat-file, unless the last ones were large.
        let n = if self.read_ahead { READ_AHEAD } else { 1 };
        let specs: Vec<String> = known.index[at..]
            .iter()
            .take(n)
            .map(|(_, oid)| oid.clone())
            .collect();
        let read = self.read_blobs(&specs.iter().map(String::as_str).collect::<Vec<_>>())?;
        let bytes: usize = read.iter().flatten().map(Vec::len).sum();
        self.read_ahead = bytes <= READ_AHEAD_BLOB * read.len();
        let mut read = read.into_iter();
        let found = read.next().flatten();
        self.ahead = specs.into_iter().skip(1).zip(read).collect();
        found
    }

    /// The blobs `specs` name (ids, or `REV:PATH`), read in one round trip through one
    /// `git cat-file` (`None` if it fails; the next read starts another).
    fn read_blobs(&mut self, specs: &[&str]) -> Option<Vec<Option<Vec<u8>>>> {
        if self.blobs.is_none() {
            self.blobs = BlobReader::start(self.repo.as_ref()?).ok();
        }
        let read = self.blobs.as_mut()?.read_many(specs);
        if read.is_err() {
            self.blobs = None;
        }
        read.ok()
    }

    /// Where git's `path` (relative to the work tree's top) is on disk: its rule is found
    /// from there.
    fn in_work_tree(&self, path: &str) -> PathBuf {
        // Outside a known work tree, the current directory (as git runs the filter at the
        // top): "./" so that a file at the top still has a directory to look for rules in.
        let top = self.repo.as_ref().and_then(|r| r.work_tree.as_deref());
        top.unwrap_or(Path::new(".")).join(path)
    }

    /// The record of what this clone's filter decrypted (`None`: not in a repository, or
    /// its directory cannot hold one).
    fn smudged(&mut self) -> Option<&mut vaultfile::git::smudged::Smudged> {
        let repo = self.repo.as_ref();
        self.smudged
            .get_or_insert_with(|| {
                repo.and_then(|r| vaultfile::git::smudged::Smudged::open(&r.common_dir))
            })
            .as_mut()
    }

    fn clean_file(&mut self, path: &str, content: Vec<u8>) -> Result<Vec<u8>, CliError> {
        // Cleaned a moment ago by `vaultfile git add`, several files at a time: the blob
        // it made, if the content is still what it cleaned.
        if let Some((oid, file)) = self.prepared.get(path).map(|(o, f)| (o.to_owned(), f))
            && self.smudged().is_some_and(|s| s.gave(&oid, &content))
            && let Ok(blob) = std::fs::read(file)
            && let Some(format) = self.object_format()
            && blob_id(format, &blob) == oid
        {
            return Ok(blob);
        }
        let baseline = self.baseline(path);
        // Unchanged plaintext of a blob this clone's filter decrypted (a checkout's
        // "racily clean" files, which git cleans again): the blob itself, without its data
        // key, if it already has its rule's recipients and selection rules.
        if let Some(base) = &baseline
            && let Some(oid) = self
                .known
                .as_ref()
                .and_then(|k| k.blob(path))
                .map(str::to_owned)
            && self.smudged().is_some_and(|s| s.gave(&oid, &content))
        {
            let file = self.in_work_tree(path);
            if let Ok(target) = rule_for_file(&mut self.rules, &file)
                && conforms(path, base, &target)
            {
                return Ok(base.clone());
            }
        }
        let file = self.in_work_tree(path);
        // Plaintext comes back from the blob clean makes of it: remember that blob's
        // plaintext.
        let plain = self
            .smudged()
            .and_then(|s| s.plaintext_fingerprint(&content));
        let rules = &mut self.rules;
        let mut rule = || rule_for_file(rules, &file);
        let out = convert::clean_with(
            path,
            content,
            baseline.as_deref(),
            &self.identities,
            &mut rule,
            crate::cli::clock::now()?,
            self.reserve.as_mut(),
        )
        .map_err(|e| clean_error(path, e))?;
        // git cleans a file again when its stat data cannot be trusted: a file written in
        // the same second as the index, as a `git add` of files just saved leaves them, is
        // cleaned again by the next `git commit` or `git status`. The record lets that
        // second clean give the blob back without the data key and without encrypting
        // (a post-quantum key's decapsulation and the whole encryption, per file).
        if let Some(fingerprint) = plain
            && let Some(format) = self.object_format()
            && let Some(record) = self.smudged()
        {
            record.note_fingerprint(&blob_id(format, &out), fingerprint);
        }
        Ok(out)
    }

    /// Cleans `files` (git's paths, with their content in the work tree) `jobs` at a
    /// time, each as [`GitFilter::clean_file`] would one after another (same baseline,
    /// rule, output and errors), and records the blob each plaintext becomes. The work of
    /// `vaultfile git add`, before it runs git.
    pub(super) fn clean_ahead(
        &mut self,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<Vec<Result<Vec<u8>, CliError>>, CliError> {
        use std::sync::Mutex;
        /// One file, with what only this thread can look up (git's blobs, the rules'
        /// cache) looked up; the content and the rule are taken by the worker.
        struct Ahead {
            path: String,
            content: Mutex<Option<Vec<u8>>>,
            baseline: Option<Vec<u8>>,
            rule: Mutex<Option<Result<RuleFor, RuleUnavailable>>>,
        }
        let now = crate::cli::clock::now()?;
        let mut fingerprints = Vec::with_capacity(files.len());
        let mut ahead = Vec::with_capacity(files.len());
        for (path, content) in files {
            let baseline = self.baseline(&path);
            let file = self.in_work_tree(&path);
            let rule = rule_for_file(&mut self.rules, &file);
            fingerprints.push(
                self.smudged()
                    .and_then(|s| s.plaintext_fingerprint(&content)),
            );
            ahead.push(Ahead {
                path,
                content: Mutex::new(Some(content)),
                baseline,
                rule: Mutex::new(Some(rule)),
            });
        }
        let identities = Arc::clone(&self.identities);
        fn take<T>(m: &Mutex<Option<T>>) -> Option<T> {
            m.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
        }
        let outs = pool::map_ordered(self.jobs, &ahead, |a| {
            let content = take(&a.content).unwrap_or_default();
            let mut found = take(&a.rule);
            // clean asks for the rule at most once.
            let mut rule = || {
                found
                    .take()
                    .unwrap_or_else(|| Err(RuleUnavailable::new("the rule was asked for twice")))
            };
            convert::clean_with(
                &a.path,
                content,
                a.baseline.as_deref(),
                &identities,
                &mut rule,
                now,
                None,
            )
            .map_err(|e| clean_error(&a.path, e))
        });
        if let Some(format) = self.object_format() {
            for (fingerprint, out) in fingerprints.into_iter().zip(&outs) {
                if let (Some(fingerprint), Ok(out)) = (fingerprint, out)
                    && let Some(record) = self.smudged()
                {
                    record.note_fingerprint(&blob_id(format, out), fingerprint);
                }
            }
        }
        Ok(outs)
    }

    /// Gives the smudge workers `jobs` threads once files are waiting to open (two at
    /// least, and an eighth of those opened).
    fn grow_if_waiting(&mut self) {
        if let Some(pool) = self.pool.as_mut()
            && self.opens.waiting(2)
            && pool.workers() < self.jobs
        {
            pool.grow(self.jobs);
        }
    }

    /// The repository's object format, asked once.
    fn object_format(&mut self) -> Option<ObjectFormat> {
        let repo = self.repo.as_ref();
        *self
            .object_format
            .get_or_insert_with(|| repo.and_then(|r| r.object_format().ok()))
    }

    /// Whether the locked-file warnings apply: not when git smudges blobs only to show
    /// them (`git log -p`, `git show`, `git diff`), where nothing is left in the work tree.
    fn writes_work_tree(&mut self) -> bool {
        *self
            .writes_work_tree
            .get_or_insert_with(|| !git_command_only_reads())
    }

    fn smudge_file(&mut self, path: &str, content: Vec<u8>) -> Result<Vec<u8>, CliError> {
        let opened = convert::smudge_opened(path, content, &self.identities);
        self.smudged_file(path, opened)
    }

    /// What git gets for a smudged file, with the warnings it calls for.
    fn smudged_file(&mut self, path: &str, opened: Opened) -> Result<Vec<u8>, CliError> {
        let blob = self.blobs_smudged.remove(path);
        match opened {
            Ok((Smudged::Decrypted(p), Some(metadata))) => {
                self.warn_drift(path, &metadata);
                if let Some(oid) = blob
                    && let Some(record) = self.smudged()
                {
                    record.note(&oid, &p);
                }
                Ok(p)
            }
            Ok((Smudged::Decrypted(p) | Smudged::Plain(p), _)) => Ok(p),
            Ok((Smudged::Locked(c, _), _)) if !self.writes_work_tree() => Ok(c),
            Ok((Smudged::Locked(c, why), _)) => {
                self.locked += 1;
                if self.locked <= LOCKED_NAMED {
                    self.ui.warn(&format!(
                        "{path}: left encrypted in the work tree ({})",
                        locked_reason(&why)
                    ));
                }
                Ok(c)
            }
            Err(e) => Err(CliError::decrypt(path, e, &[]).hint(
                "the blob in the repository was altered; check out an earlier commit of this file",
            )),
        }
    }

    /// Warns when a checked-out file's recipients or rules are not its rule's: someone
    /// who could push may have added a recipient. The next `git add` by a key holder
    /// makes the file match its rule.
    fn warn_drift(&mut self, path: &str, metadata: &vaultfile::metadata::Metadata) {
        let file = self.in_work_tree(path);
        let Ok(RuleFor::Rule(holders, rules)) = rule_for_file(&mut self.rules, &file) else {
            return;
        };
        let drift = vaultfile::policy::compare(metadata, &holders, &rules);
        if !drift.is_empty() {
            self.ui.warn(&format!(
                "{path}: {}; `git add --renormalize -- {path}` (with a key) makes it match its rule",
                drift.lines().join("; ")
            ));
        }
    }

    pub(super) fn finish(&mut self) {
        if let Some(Some(record)) = self.smudged.as_mut() {
            record.save();
        }
        if self.locked > LOCKED_NAMED {
            self.ui.warn(&format!(
                "…and {} more files left encrypted: no identity at hand opens them",
                self.locked - LOCKED_NAMED
            ));
        }
        if self.locked > 0 {
            self.ui.info(
                "hint: put your key in ~/.config/vaultfile/keys.txt (or set VAULTFILE_AGE_KEY_FILE), then `vaultfile git init` decrypts them",
            );
        }
    }
}

/// Whether `stored`, an encrypted blob, already has the recipients (or key groups) and
/// selection rules of `target`, judged from its metadata alone (no key): then clean may
/// give it back as it is for unchanged plaintext (`vaultfile::git::smudged`). A blob
/// without readable metadata, or with no rule to match, does not.
fn conforms(path: &str, stored: &[u8], target: &RuleFor) -> bool {
    use vaultfile::format::{self, Format};
    let RuleFor::Rule(holders, rules) = target else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(stored) else {
        return false;
    };
    let mut format = Format::from_path(Path::new(path));
    if format != Format::Binary && vaultfile::engine::is_whole(text) {
        format = Format::Binary;
    }
    match vaultfile::engine::inspect(format::encrypted_store_for(format), text) {
        Ok(meta) => vaultfile::policy::compare(&meta, holders, rules).is_empty(),
        Err(_) => false,
    }
}

/// Whether the git command that started this filter only shows blobs (`log -p`, `show`,
/// `diff`, `blame`…): git smudges each blob it diffs, and "left encrypted in the work tree"
/// would be false there. The filter protocol does not say why git asks, so the command is
/// read from the parent process (git, or the `sh -c` git ran the filter through); where that
/// cannot be read (not Linux), the warnings stay.
fn git_command_only_reads() -> bool {
    const READERS: [&str; 10] = [
        "log",
        "show",
        "diff",
        "blame",
        "annotate",
        "grep",
        "format-patch",
        "whatchanged",
        "range-diff",
        "cat-file",
    ];
    let mut pid = std::os::unix::process::parent_id();
    for _ in 0..3 {
        let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            return false;
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_git = args.first().is_some_and(|a| {
            std::path::Path::new(a)
                .file_name()
                .is_some_and(|n| n == "git")
        });
        if is_git {
            // The subcommand: the first argument that is not a global option (`-c k=v`,
            // `-C dir`, `--no-pager`, `--git-dir=…`).
            let mut it = args.iter().skip(1);
            while let Some(a) = it.next() {
                if a == "-c" || a == "-C" {
                    it.next();
                } else if !a.starts_with('-') {
                    return READERS.contains(&a.as_str());
                }
            }
            return false;
        }
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        // "pid (comm) state ppid …": the comm may hold spaces, so split after its `)`.
        let Some(ppid) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
        else {
            return false;
        };
        pid = ppid;
    }
    false
}

fn locked_reason(e: &DecryptError) -> String {
    match e {
        DecryptError::NoMatchingIdentity { .. } => "no identity at hand opens it".into(),
        other => other.to_string(),
    }
}

/// The configurations read and the rules' holders parsed so far, by directory and by
/// (configuration, rule line): one git command sends many files of the same few rules.
#[derive(Default)]
struct Rules {
    configs: HashMap<PathBuf, Option<Config>>,
    holders: HashMap<(PathBuf, usize), keys::SharedHolders>,
}

/// The `.vaultfile.yaml` rule for a file: who may read it and which values are encrypted.
/// No configuration above it, or no rule matching it, is [`RuleFor::NoRule`]; a
/// configuration that cannot be read is an error (its rules cannot be checked).
fn rule_for_file(rules: &mut Rules, file: &Path) -> Result<RuleFor, RuleUnavailable> {
    let Rules { configs, holders } = rules;
    let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
    if !configs.contains_key(&dir) {
        let c = Config::discover(&dir).map_err(RuleUnavailable::new)?;
        configs.insert(dir.clone(), c);
    }
    let Some(config) = configs[&dir].as_ref() else {
        return Ok(RuleFor::NoRule(format!(
            "it is a new file and there is no {} above it to say who may read it",
            vaultfile::config::FILE_NAME
        )));
    };
    let Some(rule) = config.rule_for(file) else {
        return Ok(RuleFor::NoRule(format!(
            "it is a new file and no creation rule in {} matches it",
            config.path.display()
        )));
    };
    let at = (config.path.clone(), rule.line);
    if !holders.contains_key(&at) {
        let parsed = rule
            .holders(&crate::cli::key_services::context())
            .map_err(|e| {
                RuleUnavailable::new(format!("{}:{}: {e}", config.path.display(), rule.line))
            })?;
        holders.insert(at.clone(), parsed.into());
    }
    Ok(RuleFor::Rule(holders[&at].holders(), rule.rules.clone()))
}

fn clean_error(path: &str, e: CleanError) -> CliError {
    let msg = format!("cannot encrypt {path} for the repository: {e}");
    let err = match &e {
        CleanError::Syntax {
            conflict_markers: true,
            ..
        } => CliError::new(ExitKind::Syntax, msg)
            .hint("it still has conflict markers (<<<<<<< ======= >>>>>>>): resolve them, then `git add` it"),
        CleanError::ConflictMarkers => CliError::new(ExitKind::Syntax, msg)
            .hint("resolve the conflict (keep one side of each <<<<<<< ======= >>>>>>> block), then `git add` it"),
        CleanError::Syntax { .. } | CleanError::NotText(_) => {
            CliError::new(ExitKind::Syntax, msg).hint("fix the file, then `git add` it again")
        }
        CleanError::BaselineLocked(_) => CliError::new(ExitKind::NoIdentity, msg).hint(
            "only someone who can decrypt the committed version can change it; put your key in ~/.config/vaultfile/keys.txt",
        ),
        CleanError::Tampered(_) => CliError::new(ExitKind::Integrity, msg)
            .hint("restore the file with `git checkout -- PATH`"),
        CleanError::LockedChange { recipients } => {
            let who = recipients.join(", ");
            CliError::new(ExitKind::NoIdentity, msg).hint(format!(
                "only a recipient of the file can change it, comments included: {who}; restore it with `git checkout -- {path}`"
            ))
        }
        CleanError::PlaintextInLockedFile(_) => CliError::new(ExitKind::NoIdentity, msg)
            .hint("the work tree holds the encrypted file; values can only be changed with a key that opens it"),
        CleanError::Unreadable(DecryptError::UnsupportedVersion(_)) => {
            CliError::new(ExitKind::State, msg).hint("upgrade vaultfile to work with this file")
        }
        CleanError::Unreadable(_) => CliError::new(ExitKind::Integrity, msg)
            .hint("restore the file with `git checkout -- PATH`"),
        CleanError::Encrypt(vaultfile::engine::EncryptError::ReservedKey) => {
            CliError::new(ExitKind::Syntax, msg).hint(
                "rename the file's top-level `vaultfile` key: an encrypted file keeps its metadata there",
            )
        }
        CleanError::Config(_) => CliError::new(ExitKind::Usage, msg)
            .hint("fix .vaultfile.yaml: its rule says who may read this file"),
        CleanError::NoRecipients(_) => CliError::new(ExitKind::Recipients, msg).hint(
            "add a creation rule with recipients to .vaultfile.yaml (`vaultfile init` writes one), or encrypt it once with `vaultfile encrypt -i -r age1… PATH`",
        ),
        _ => CliError::new(ExitKind::Other, msg),
    };
    err.hint("git stored nothing for this file")
}

impl Filter for GitFilter<'_> {
    fn clean(&mut self, path: &str, content: Vec<u8>) -> Result<Vec<u8>, Failure> {
        let started = std::time::Instant::now();
        let cleaned = self.clean_file(path, content);
        self.cleans.note(started.elapsed());
        // git cleans one file at a time: files that each wait for a key service wait in
        // turn. Said once, when it has cost about a second.
        if !self.hinted && self.cleans.waiting(SLOW_CLEANS_HINT) {
            self.hinted = true;
            self.ui.hint(&format!(
                "git hands vaultfile one file at a time, so each new file waits for its key service in turn; `vaultfile git add PATHSPEC…` stages the same files, {} at a time",
                self.jobs
            ));
        }
        cleaned.map_err(|e| {
            // Through the Ui: coloured like every other error when git's stderr is a
            // terminal (git passes the filter's stderr through).
            self.ui.error(&e);
            Failure::Error
        })
    }

    fn smudge(&mut self, path: &str, content: Vec<u8>) -> Result<Vec<u8>, Failure> {
        self.smudge_file(path, content).map_err(|e| {
            self.ui.error(&e);
            Failure::Error
        })
    }

    fn smudge_blob(&mut self, path: &str, blob: &str) {
        self.blobs_smudged.insert(path.to_owned(), blob.to_owned());
    }

    fn can_delay(&self) -> bool {
        self.jobs > 1
    }

    /// Hands the file to a worker: a checkout of files that each need a key service's
    /// round trip then waits for the slowest of `jobs` at a time, not for every one in
    /// turn, and both cores decrypt.
    fn start_smudge(&mut self, path: &str, content: Vec<u8>) -> Result<(), Vec<u8>> {
        // Past the budget, files are smudged at once: a checkout of large encrypted files
        // does not hold them all in memory.
        if self.jobs <= 1 || self.delayed_bytes + content.len() > DELAY_BUDGET {
            return Err(content);
        }
        self.delayed_bytes += content.len();
        *self.delayed.entry(path.to_owned()).or_default() += content.len();
        let (jobs, identities) = (self.jobs, Arc::clone(&self.identities));
        let opens = Arc::clone(&self.opens);
        let pool = self.pool.get_or_insert_with(|| {
            // One worker per core while files open locally: more would only take turns
            // on the cores. A file that takes long to open is waiting (for a key service,
            // a plugin): then `jobs` workers overlap the waits.
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            Pool::new(
                jobs.min(cores),
                Arc::new(move |path: &str, content: Vec<u8>| {
                    let started = std::time::Instant::now();
                    let opened = convert::smudge_opened(path, content, &identities);
                    opens.note(started.elapsed());
                    opened
                }),
            )
        });
        pool.submit(path.to_owned(), content);
        self.grow_if_waiting();
        Ok(())
    }

    fn finished_smudges(&mut self) -> Vec<(String, Result<Vec<u8>, Failure>)> {
        let finished = match self.pool.as_mut() {
            Some(pool) => pool.finished(),
            None => return Vec::new(),
        };
        // git sends every file before it asks for any: the files queued behind the first
        // slow ones get all the workers from here.
        self.grow_if_waiting();
        finished
            .into_iter()
            .map(|(path, opened)| {
                let size = self.delayed.remove(&path).unwrap_or(0);
                self.delayed_bytes = self.delayed_bytes.saturating_sub(size);
                let result = self.smudged_file(&path, opened).map_err(|e| {
                    self.ui.error(&e);
                    Failure::Error
                });
                (path, result)
            })
            .collect()
    }
}

pub fn run_process(_: FilterProcessArgs, ui: &Ui) -> crate::cli::CmdResult {
    let mut filter = GitFilter::new(ui)?;
    let stdin = std::io::stdin().lock();
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let result = filter_process::serve(stdin, stdout, &mut filter);
    filter.finish();
    result.map_err(|e| CliError::new(ExitKind::Usage, e.to_string()))
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| CliError::new(ExitKind::Other, format!("cannot read standard input: {e}")))?;
    Ok(buf)
}

fn write_stdout(data: &[u8]) -> crate::cli::CmdResult {
    let mut out = std::io::stdout().lock();
    out.write_all(data)
        .and_then(|()| out.flush())
        .map_err(CliError::from_write)
}

pub fn run_clean(args: CleanArgs, ui: &Ui) -> crate::cli::CmdResult {
    let mut filter = GitFilter::new(ui)?;
    filter.reserve = None;
    let out = filter.clean_file(&args.path, read_stdin()?)?;
    write_stdout(&out)
}

pub fn run_smudge(args: SmudgeArgs, ui: &Ui) -> crate::cli::CmdResult {
    let mut filter = GitFilter::new(ui)?;
    let out = filter.smudge_file(&args.path, read_stdin()?)?;
    filter.finish();
    write_stdout(&out)
}

pub fn run_textconv(args: TextconvArgs, ui: &Ui) -> crate::cli::CmdResult {
    let content = std::fs::read(&args.file).map_err(|e| CliError::io("read", &args.file, e))?;
    // git names the temporary file `XXXXXX_<basename>`, so the extension tells the format.
    let _ = ui;
    let found = identities::collect(&[], &Ui { quiet: true })?;
    let name = args.file.to_string_lossy();
    write_stdout(&convert::textconv(&name, content, &found.identities))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A checkout on a busy machine: a few local files slowed by preemption do not make the
    /// filter act as if files waited for a key service (16 workers on two cores made such a
    /// checkout twice as slow); files that each wait do, from the second.
    #[test]
    fn a_few_files_slowed_by_a_busy_machine_do_not_count_as_waiting() {
        let local = Slowness::default();
        for i in 0..2000 {
            let preempted = i % 400 == 7;
            local.note(Duration::from_micros(if preempted { 9000 } else { 150 }));
        }
        assert!(!local.waiting(2));
        assert!(!local.waiting(SLOW_CLEANS_HINT));

        let service = Slowness::default();
        service.note(Duration::from_millis(60));
        assert!(!service.waiting(2), "one slow file is not a pattern");
        service.note(Duration::from_millis(60));
        assert!(service.waiting(2));
        // A minority of such files still counts; fewer than an eighth do not.
        for _ in 0..14 {
            service.note(Duration::from_micros(150));
        }
        assert!(service.waiting(2), "2 of 16");
        service.note(Duration::from_micros(150));
        assert!(!service.waiting(2), "2 of 17");
    }
}
