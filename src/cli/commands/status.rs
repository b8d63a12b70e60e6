//! `vaultfile status`: for each encrypted file, its format, who holds its data key, how old
//! that key is and whether it passes its integrity check with the keys at hand; with
//! `--max-age`, the files whose data key is due for rotation (audit evidence).
//!
//! The per-file work is [`vaultfile::audit::inspect`]; this module finds the files, reads
//! what git stores for those whose work-tree copy is plaintext, compares each vaultfile
//! file with its `.vaultfile.yaml` rule ([`rule_drift`]: a file whose metadata names a
//! recipient its rule does not was written by someone who bypassed the rule, and that
//! needs no key to see), and formats the report.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use vaultfile::audit::{self, FileStatus, InspectError, Integrity};
use vaultfile::config::{self, Config};
use vaultfile::git::repo::{BlobReader, Repo};
use vaultfile::keys::{NoCallbacks, SecretString};
use vaultfile::metadata::Metadata;
use vaultfile::policy::{self, Drift};

use crate::cli::clock;
use crate::cli::common::{self, IdentityArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::io;
use crate::cli::ui::Ui;
use crate::cli::walk::{Walk, WalkError};

/// The version of the `--json` layout; fields are only ever added within a version.
const JSON_VERSION: u32 = 1;

/// Show each encrypted file's key holders, data-key age and integrity
///
/// For each vaultfile or SOPS file: its format, its recipients (or key groups and
/// threshold), when its data key was made (the metadata's `created`, which changes only
/// when the key is rotated), and whether its integrity check passes with the keys at hand:
/// `verified` (opened; every value and the MAC checked), `sealed` (no key at hand opens it;
/// every value that should be encrypted is a well-formed token, the MAC is not checked),
/// `no-key` (a SOPS file no key at hand opens), `failed` (altered or damaged). A protected
/// file that is plaintext where it should be encrypted is `not-encrypted`; one that cannot
/// be read is `error`.
///
/// The RULE column compares a vaultfile file's metadata with its .vaultfile.yaml creation
/// rule (found from the file's directory; no key needed): `matches`; `DRIFT` when someone
/// the rule does not name can open it, its key groups or threshold differ, or its
/// selection rules encrypt other values (written without the rule: by hand, or with the
/// filter bypassed); `behind` when it only lacks recipients the rule has since gained;
/// `-` without a rule. What differs is listed under the table, and in `drift` in --json.
///
/// Without PATH: in a git repository, every tracked file that is encrypted or protected
/// (`filter=vaultfile` in .gitattributes, or matched by a .vaultfile.yaml rule); for a
/// protected file whose work-tree copy is plaintext (after `vaultfile git init`), the
/// version in the index (else HEAD) is read, and the report says so. Outside git, the
/// files under the directory of the .vaultfile.yaml found from here.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit status:
  0  every file is encrypted and intact (or only lacks a key here); with --max-age, no
     data key is older than DURATION
  1  with --max-age: a data key is older than DURATION, or its age is unknown (SOPS files
     record none); or a protected file is not encrypted, or a file cannot be read; or a
     file differs from its .vaultfile.yaml rule so that someone the rule does not name can
     open it, or its key groups or selection rules differ (RULE DRIFT; a file that only
     lacks recipients of its rule, RULE behind, is shown but does not fail)
  7  a file failed its integrity check (altered, or damaged metadata)
  Every file is reported, whatever happens to the others; the problems are listed on
  stderr. 7 wins over 1.

Examples:
  vaultfile status                       # the current repository
  vaultfile status secrets/ .env.prod
  vaultfile status --max-age 90d         # rotation check for an audit (or a CI job)
  vaultfile status --json --max-age 90d > rotation-evidence.json")]
pub struct StatusArgs {
    /// Encrypted files, or directories to search (default: the current repository)
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Print a JSON object instead of a table (its layout is stable and documented in the README)
    #[arg(long)]
    json: bool,

    /// Exit 1 and list files whose data key is older than DURATION (90d, 12w, 1y, 36h)
    #[arg(long, value_name = "DURATION", value_parser = parse_max_age)]
    max_age: Option<MaxAge>,

    #[command(flatten)]
    identity: IdentityArgs,
}

/// `--max-age`, as given and parsed.
#[derive(Clone, Debug)]
struct MaxAge {
    text: String,
    duration: Duration,
}

fn parse_max_age(s: &str) -> Result<MaxAge, String> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{t}' has no unit: write {t}d for {t} days"));
    }
    let duration = humantime::parse_duration(t).map_err(|e| format!("{e} (e.g. 90d, 12w, 1y)"))?;
    Ok(MaxAge {
        text: t.to_owned(),
        duration,
    })
}

/// Where a report's bytes came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The file on disk.
    File,
    /// git's index (the work-tree copy is plaintext).
    Index,
    /// The HEAD commit (plaintext in the work tree, absent from the index).
    Head,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::File => "file",
            Source::Index => "index",
            Source::Head => "HEAD",
        }
    }
}

/// What is reported for one file.
enum Outcome {
    Inspected(Box<FileStatus>),
    /// Protected (or named) but plaintext where it should be encrypted.
    NotEncrypted(String),
    /// Could not be read, or written by a newer vaultfile.
    Error(String),
}

struct Entry {
    path: String,
    source: Source,
    outcome: Outcome,
    /// The data key's age, when known.
    age: Option<Duration>,
    stale: bool,
    /// How it differs from its `.vaultfile.yaml` rule.
    rule: RuleCheck,
}

impl Entry {
    /// The recipients of the file whose keys a quantum computer could break.
    fn classical(&self) -> Vec<&str> {
        match &self.outcome {
            Outcome::Inspected(s) => s
                .recipients()
                .filter(|r| !vaultfile::keys::quantum_resistant(r))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A vaultfile file compared with its `.vaultfile.yaml` rule.
enum RuleCheck {
    /// Not compared: no rule applies, or not a vaultfile file.
    None,
    /// Compared: what differs (nothing when it matches).
    Compared(Box<Drift>),
    /// The rule cannot be read, so who may open the file is unknown: why.
    Unreadable(String),
}

impl RuleCheck {
    /// One line per difference.
    fn lines(&self) -> Vec<String> {
        match self {
            RuleCheck::None => Vec::new(),
            RuleCheck::Compared(d) => d.lines(),
            RuleCheck::Unreadable(e) => vec![format!("cannot be compared with its rule: {e}")],
        }
    }

    /// Whether it fails the run: someone or something the rule does not allow, or a rule
    /// that cannot be checked.
    fn fails(&self) -> bool {
        match self {
            RuleCheck::None => false,
            RuleCheck::Compared(d) => d.widens_access(),
            RuleCheck::Unreadable(_) => true,
        }
    }

    /// The RULE column.
    fn name(&self) -> &'static str {
        match self {
            RuleCheck::None => "-",
            RuleCheck::Compared(d) if d.is_empty() => "matches",
            RuleCheck::Compared(d) if !d.widens_access() => "behind",
            RuleCheck::Compared(_) | RuleCheck::Unreadable(_) => "DRIFT",
        }
    }
}

/// How a vaultfile file's metadata differs from the rule `config` has for `file`; `None`
/// when no rule applies, `Err` when the rule's recipients cannot be parsed (then nobody
/// can say who may open the file). Needs no key: recipients and selection rules are in
/// the metadata in the clear.
pub(super) fn rule_drift(
    config: &Config,
    file: &Path,
    meta: &Metadata,
) -> Option<Result<Drift, String>> {
    let rule = config.rule_for(file)?;
    // Parsing only: nothing is wrapped, so no passphrase or plugin is ever asked for.
    // (Built without any key service, the context has no other field to keep.)
    #[cfg_attr(not(feature = "key-service"), allow(clippy::needless_update))]
    let holders = rule
        .holders(&vaultfile::keys::Context {
            callbacks: Arc::new(NoCallbacks),
            ..crate::cli::key_services::context()
        })
        .map_err(|e| format!("{}:{}: {e}", config.path.display(), rule.line));
    Some(holders.map(|h| policy::compare(meta, &h, &rule.rules)))
}

/// `.vaultfile.yaml` files found so far, by the directory the search started from.
type RuleCache = HashMap<PathBuf, Result<Option<Config>, String>>;

/// Compares an inspected file with the rule of the `.vaultfile.yaml` found from its
/// directory (as encrypting it would).
fn check_rule(file: &Path, status: &FileStatus, cache: &mut RuleCache) -> RuleCheck {
    let Some(meta) = &status.metadata else {
        return RuleCheck::None;
    };
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let config = cache
        .entry(dir.to_owned())
        .or_insert_with(|| Config::discover(dir).map_err(|e| e.to_string()));
    match config {
        Ok(None) => RuleCheck::None,
        Err(e) => RuleCheck::Unreadable(e.clone()),
        Ok(Some(c)) => match rule_drift(c, file, meta) {
            None => RuleCheck::None,
            Some(Ok(d)) => RuleCheck::Compared(Box::new(d)),
            Some(Err(e)) => RuleCheck::Unreadable(e),
        },
    }
}

impl Entry {
    fn state(&self) -> &'static str {
        match &self.outcome {
            Outcome::Inspected(s) => s.integrity.name(),
            Outcome::NotEncrypted(_) => "not-encrypted",
            Outcome::Error(_) => "error",
        }
    }

    fn detail(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Inspected(s) => s.integrity.detail(),
            Outcome::NotEncrypted(d) | Outcome::Error(d) => Some(d),
        }
    }
}

/// Passphrases only from `VAULTFILE_PASSPHRASE`: a status run over many files never stops
/// to ask for one (a break-glass passphrase, or an encrypted SSH key's).
struct NoPrompt;

impl vaultfile::Callbacks for NoPrompt {
    fn request_passphrase(&self, _: &str) -> Option<SecretString> {
        std::env::var("VAULTFILE_PASSPHRASE")
            .ok()
            .map(SecretString::from)
    }
}

pub fn run(args: StatusArgs, ui: &Ui) -> crate::cli::CmdResult {
    let now = clock::now()?;
    let found = identities::collect_with(&args.identity.identities, ui, Arc::new(NoPrompt))?;
    let (age_ids, _) = common::sops_age_identities(&args.identity.identities);
    let program = std::env::var_os("SOPS_GPG_EXEC")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("gpg"), PathBuf::from);
    let keys = audit::Keys {
        identities: &found.identities,
        age: &age_ids,
        gpg: Some(vaultfile::sops::Gpg { program }),
    };

    // Every file to look at, with the scope (repository or configuration) it is judged in.
    let mut scopes: Vec<Scope> = Vec::new();
    let mut candidates: Vec<(Candidate, usize)> = Vec::new();
    if args.paths.is_empty() {
        let (scope, list) = default_scope()?;
        scopes.push(scope);
        candidates.extend(list.into_iter().map(|c| (c, 0)));
    } else {
        for p in &args.paths {
            let at = Scope::find_or_add(&mut scopes, p);
            if p.is_dir() {
                let mut files = Vec::new();
                walk(p, &mut files);
                candidates.extend(files.into_iter().map(|(path, unreadable)| {
                    let c = Candidate {
                        display: path.display().to_string(),
                        named: unreadable.is_some(),
                        path,
                        unreadable,
                    };
                    (c, at)
                }));
            } else {
                // A named file is reported even if it is missing or not encrypted.
                let c = Candidate {
                    display: p.display().to_string(),
                    path: p.clone(),
                    named: true,
                    unreadable: None,
                };
                candidates.push((c, at));
            }
        }
    }
    let mut rules = RuleCache::new();
    // Read one after another (git's blobs come through one `cat-file`), inspected several
    // at a time (each may wait for key services), judged against the rules in order.
    let read: Vec<(PathBuf, Read)> = candidates
        .into_iter()
        .map(|(c, at)| {
            let path = c.path.clone();
            (
                path,
                read_candidate(c, &mut scopes[at], now, args.max_age.as_ref()),
            )
        })
        .collect();
    let max_age = args.max_age.as_ref();
    let read: Vec<std::sync::Mutex<Option<(PathBuf, Read)>>> = read
        .into_iter()
        .map(|r| std::sync::Mutex::new(Some(r)))
        .collect();
    let examined = crate::cli::pool::map_ordered(crate::cli::pool::jobs()?, &read, |r| {
        let (path, read) = r
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .expect("each file is examined once");
        (path, examine(read, &keys, now, max_age))
    });
    let entries: Vec<Entry> = examined
        .into_iter()
        .filter_map(|(path, e)| {
            let mut e = e?;
            if let Outcome::Inspected(s) = &e.outcome {
                e.rule = check_rule(&path, s, &mut rules);
            }
            Some(e)
        })
        .collect();

    if args.json {
        let mut out = serde_json::to_string_pretty(&json(&entries, now, args.max_age.as_ref()))
            .expect("the report serialises");
        out.push('\n');
        io::write_stdout(out.as_bytes())?;
    } else {
        io::write_stdout(table(&entries, now, args.max_age.as_ref()).as_bytes())?;
    }
    let old: Vec<&str> = entries
        .iter()
        .filter(|e| match &e.outcome {
            Outcome::Inspected(s) => s
                .format_version
                .is_some_and(|v| v < vaultfile::metadata::VERSION),
            _ => false,
        })
        .map(|e| e.path.as_str())
        .collect();
    let behind: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.rule.fails() && !e.rule.lines().is_empty())
        .collect();
    for e in &behind {
        for line in e.rule.lines() {
            ui.warn(&format!("{}: {line}", e.path));
        }
    }
    if !behind.is_empty() {
        ui.hint("`vaultfile updatekeys PATH` (in a `vaultfile git init` work tree: `git add --renormalize -- PATH`) gives a file its rule's recipients");
    }
    if !old.is_empty() {
        ui.warn(&format!(
            "{} file{} in vaultfile file format 1, whose comments, layout and keys without values are not authenticated: {}; `vaultfile upgrade` rewrites them in format {}",
            old.len(),
            if old.len() == 1 { " is" } else { "s are" },
            old.join(", "),
            vaultfile::metadata::VERSION
        ));
    }
    verdict(&entries, args.max_age.as_ref())
}

/// A file to look at, and how it came to be looked at.
struct Candidate {
    /// The name to report.
    display: String,
    /// Where it is on disk.
    path: PathBuf,
    /// Named on the command line: reported even when it is not encrypted.
    named: bool,
    /// Why a directory could not be searched.
    unreadable: Option<std::io::Error>,
}

/// What decides whether a plaintext file should have been encrypted, and where git keeps
/// the encrypted version of a protected file.
enum Scope {
    Git(GitScope),
    Config(Config),
    None,
}

struct GitScope {
    top: PathBuf,
    tracked: Vec<String>,
    protected: BTreeSet<String>,
    blobs: Option<BlobReader>,
    has_head: bool,
}

impl Scope {
    /// The scope of a PATH argument (its repository, else its .vaultfile.yaml), shared with
    /// the arguments before it in the same repository: its index in `scopes`.
    fn find_or_add(scopes: &mut Vec<Scope>, path: &Path) -> usize {
        let dir = if path.is_dir() {
            path.to_owned()
        } else {
            path.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_owned)
        };
        let scope = match GitScope::discover(&dir, scopes) {
            Ok(g) => Scope::Git(g),
            Err(Some(at)) => return at,
            Err(None) => match Config::discover(&dir) {
                Ok(Some(c)) => Scope::Config(c),
                _ => Scope::None,
            },
        };
        scopes.push(scope);
        scopes.len() - 1
    }

    /// Whether `file` should be encrypted.
    fn protects(&self, file: &Path) -> bool {
        match self {
            Scope::Git(g) => g.rel(file).is_some_and(|r| g.protected.contains(&r)),
            Scope::Config(c) => {
                file.file_name() != Some(config::FILE_NAME.as_ref()) && c.rule_for(file).is_some()
            }
            Scope::None => false,
        }
    }

    /// What git stores for `file` (index, else HEAD).
    fn stored(&mut self, file: &Path) -> Option<(Source, Vec<u8>)> {
        let Scope::Git(g) = self else {
            return None;
        };
        let rel = g.rel(file)?;
        let blobs = g.blobs.as_mut()?;
        if let Ok(Some(b)) = blobs.read(&format!(":{rel}")) {
            return Some((Source::Index, b));
        }
        if g.has_head
            && let Ok(Some(b)) = blobs.read(&format!("HEAD:{rel}"))
        {
            return Some((Source::Head, b));
        }
        None
    }
}

impl GitScope {
    /// The repository around `dir`: `Err(Some(i))` if it is already `known[i]`, `Err(None)`
    /// if there is none (or git cannot tell).
    fn discover(dir: &Path, known: &[Scope]) -> Result<GitScope, Option<usize>> {
        let repo = Repo::discover(dir).map_err(|_| None)?;
        let top = repo.work_tree.clone().ok_or(None)?;
        let top = top.canonicalize().unwrap_or(top);
        if let Some(at) = known
            .iter()
            .position(|s| matches!(s, Scope::Git(g) if g.top == top))
        {
            return Err(Some(at));
        }
        GitScope::build(&repo, top).ok_or(None)
    }

    fn build(repo: &Repo, top: PathBuf) -> Option<GitScope> {
        let tracked = repo.ls_files(None).ok()?;
        let mut protected: BTreeSet<String> = repo.filtered(&tracked).ok()?;
        if let Ok(Some(cfg)) = Config::discover(&top) {
            protected.extend(
                tracked
                    .iter()
                    .filter(|p| {
                        p.as_str() != config::FILE_NAME && cfg.rule_for(&top.join(p)).is_some()
                    })
                    .cloned(),
            );
        }
        let has_head = repo.run(&["rev-parse", "--verify", "-q", "HEAD"]).is_ok();
        Some(GitScope {
            blobs: BlobReader::start(repo).ok(),
            tracked,
            top,
            protected,
            has_head,
        })
    }

    /// `file` relative to the work tree's top, with `/` separators.
    fn rel(&self, file: &Path) -> Option<String> {
        let abs = std::path::absolute(file).ok()?;
        let abs = abs.canonicalize().unwrap_or(abs);
        let rel = abs.strip_prefix(&self.top).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }
}

/// Without PATH: the repository's tracked files, else the files under .vaultfile.yaml's
/// directory.
fn default_scope() -> Result<(Scope, Vec<Candidate>), CliError> {
    let cwd = std::env::current_dir().map_err(|e| CliError::io("find", Path::new("."), e))?;
    if let Ok(g) = GitScope::discover(&cwd, &[]) {
        let tracked = g.tracked.clone();
        let candidates = tracked
            .into_iter()
            .map(|p| Candidate {
                path: g.top.join(&p),
                named: false,
                unreadable: None,
                display: p,
            })
            .collect();
        return Ok((Scope::Git(g), candidates));
    }
    let cfg = Config::discover(&cwd)
        .map_err(|e| CliError::new(ExitKind::Usage, e.to_string()))?
        .ok_or_else(|| {
            CliError::new(
                ExitKind::Usage,
                "no PATH given, and this is neither a git repository nor under a .vaultfile.yaml",
            )
            .hint("name files or directories: vaultfile status secrets/ .env.prod")
        })?;
    let mut files = Vec::new();
    walk(&cfg.dir, &mut files);
    let candidates = files
        .into_iter()
        .map(|(f, unreadable)| Candidate {
            display: f.strip_prefix(&cwd).unwrap_or(&f).display().to_string(),
            named: unreadable.is_some(),
            path: f,
            unreadable,
        })
        .collect();
    Ok((Scope::Config(cfg), candidates))
}

/// Every regular file under `dir` (see [`Walk`]); a directory that cannot be listed, or
/// an entry whose type cannot be read, comes with the error, to be reported among the
/// files.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, Option<std::io::Error>)>) {
    out.extend(Walk::new(dir).map(|file| match file {
        Ok(path) => (path, None),
        Err(WalkError::List { dir: path, source } | WalkError::EntryType { path, source, .. }) => {
            (path, Some(source))
        }
    }));
}

/// Looks at one file; `None` when it is neither encrypted nor expected to be.
/// A candidate read: what to inspect, or already judged.
enum Read {
    /// Its bytes, to inspect (which may wait for key services, so several at once).
    Inspect {
        c: Candidate,
        source: Source,
        bytes: Vec<u8>,
        expected: bool,
    },
    /// Reported (or left out) without inspecting.
    Judged(Option<Entry>),
}

/// Reads a candidate: the file, or for a plaintext work-tree copy of a protected file what
/// git stores (through `scope`, one file after another).
fn read_candidate(
    c: Candidate,
    scope: &mut Scope,
    now: SystemTime,
    max_age: Option<&MaxAge>,
) -> Read {
    if let Some(e) = c.unreadable {
        let outcome = Outcome::Error(format!("cannot read it: {e}"));
        return Read::Judged(Some(entry(c.display, Source::File, outcome, now, max_age)));
    }
    let protected = scope.protects(&c.path);
    let expected = c.named || protected;
    let on_disk = std::fs::read(&c.path);
    let (source, bytes) = match on_disk {
        Ok(b) if audit::detect(&c.path, &b).is_some() => (Source::File, b),
        // A plaintext work-tree copy of a protected file: what git stores is what counts.
        other => match protected.then(|| scope.stored(&c.path)).flatten() {
            Some((src, blob)) => (src, blob),
            None => {
                let outcome = match other {
                    Ok(_) if expected => Outcome::NotEncrypted(if protected {
                        "it is protected (a .vaultfile.yaml rule or filter=vaultfile) but plaintext"
                            .into()
                    } else {
                        "it has no vaultfile or SOPS metadata".into()
                    }),
                    Ok(_) => return Read::Judged(None),
                    Err(e) if expected => Outcome::Error(format!("cannot read it: {e}")),
                    // A tracked file deleted from the work tree, say.
                    Err(_) => return Read::Judged(None),
                };
                return Read::Judged(Some(entry(c.display, Source::File, outcome, now, max_age)));
            }
        },
    };
    Read::Inspect {
        c,
        source,
        bytes,
        expected,
    }
}

/// Inspects what [`read_candidate`] read.
fn examine(
    read: Read,
    keys: &audit::Keys<'_>,
    now: SystemTime,
    max_age: Option<&MaxAge>,
) -> Option<Entry> {
    let (c, source, bytes, expected) = match read {
        Read::Judged(e) => return e,
        Read::Inspect {
            c,
            source,
            bytes,
            expected,
        } => (c, source, bytes, expected),
    };
    let outcome = match audit::inspect(&c.path, &bytes, keys) {
        Ok(s) => Outcome::Inspected(Box::new(s)),
        Err(InspectError::NotEncrypted) => {
            if !expected {
                return None;
            }
            Outcome::NotEncrypted(match source {
                Source::File => "it has no vaultfile or SOPS metadata".into(),
                s => format!("stored in plaintext in git ({})", s.name()),
            })
        }
        Err(e @ InspectError::Damaged(_)) => {
            Outcome::Inspected(Box::new(damaged(&c.path, &bytes, e)))
        }
        Err(e) => Outcome::Error(e.to_string()),
    };
    Some(entry(c.display, source, outcome, now, max_age))
}

/// A file whose metadata cannot be read: reported as failing its integrity check.
fn damaged(path: &Path, bytes: &[u8], e: InspectError) -> FileStatus {
    FileStatus {
        scheme: audit::detect(path, bytes).expect("damaged files were detected"),
        key_groups: Vec::new(),
        threshold: 0,
        grouped: false,
        created: None,
        data_key_created: None,
        last_modified: None,
        format_version: None,
        integrity: Integrity::Failed(e.to_string()),
        metadata: None,
    }
}

fn entry(
    path: String,
    source: Source,
    outcome: Outcome,
    now: SystemTime,
    max_age: Option<&MaxAge>,
) -> Entry {
    let (age, stale) = match &outcome {
        Outcome::Inspected(s) => {
            let age = s.data_key_created.map(|c| audit::data_key_age(c, now));
            // No evidence of a recent rotation counts as stale.
            let stale = max_age.is_some_and(|m| age.is_none_or(|a| a > m.duration));
            (age, stale)
        }
        _ => (None, false),
    };
    Entry {
        path,
        source,
        outcome,
        age,
        stale,
        rule: RuleCheck::None,
    }
}

fn days(d: Duration) -> u64 {
    d.as_secs() / 86_400
}

fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Counts per state, for the summary.
struct Counts {
    by_state: Vec<(&'static str, usize)>,
    stale: usize,
    oldest: Option<Duration>,
}

const STATES: [&str; 6] = [
    "verified",
    "sealed",
    "no-key",
    "failed",
    "not-encrypted",
    "error",
];

fn counts(entries: &[Entry]) -> Counts {
    Counts {
        by_state: STATES
            .iter()
            .map(|s| (*s, entries.iter().filter(|e| e.state() == *s).count()))
            .collect(),
        stale: entries.iter().filter(|e| e.stale).count(),
        oldest: entries.iter().filter_map(|e| e.age).max(),
    }
}

fn json(entries: &[Entry], now: SystemTime, max_age: Option<&MaxAge>) -> serde_json::Value {
    use serde_json::{Value, json};
    let files: Vec<Value> = entries
        .iter()
        .map(|e| {
            let s = match &e.outcome {
                Outcome::Inspected(s) => Some(s.as_ref()),
                _ => None,
            };
            json!({
                "path": e.path,
                "source": e.source.name(),
                "format": s.map(|s| s.scheme.name()),
                "recipients": s.map(|s| s.recipients().collect::<Vec<_>>()).unwrap_or_default(),
                "key_groups": s.map(|s| s.key_groups.clone()).unwrap_or_default(),
                "threshold": s.map(|s| s.threshold),
                "data_key_created": s.and_then(|s| s.created.clone()),
                "data_key_age_days": e.age.map(days),
                "data_key_age_seconds": e.age.map(|a| a.as_secs()),
                "last_modified": s.and_then(|s| s.last_modified.clone()),
                "format_version": s.and_then(|s| s.format_version),
                "integrity": e.state(),
                "detail": e.detail(),
                "stale": e.stale,
                "drift": e.rule.lines(),
                "classical_recipients": e.classical(),
            })
        })
        .collect();
    let c = counts(entries);
    let mut summary = serde_json::Map::new();
    summary.insert("files".into(), entries.len().into());
    for (state, n) in &c.by_state {
        summary.insert(state.replace('-', "_"), (*n).into());
    }
    summary.insert("stale".into(), c.stale.into());
    summary.insert(
        "quantum_exposed".into(),
        entries
            .iter()
            .filter(|e| !e.classical().is_empty())
            .count()
            .into(),
    );
    summary.insert("oldest_data_key_age_days".into(), c.oldest.map(days).into());
    json!({
        "version": JSON_VERSION,
        "now": rfc3339(now),
        "max_age": max_age.map(|m| m.text.clone()),
        "max_age_seconds": max_age.map(|m| m.duration.as_secs()),
        "files": files,
        "summary": summary,
    })
}

/// A recipient shortened for the table.
fn short(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() > 24 {
        let head: String = chars[..12].iter().collect();
        let tail: String = chars[chars.len() - 6..].iter().collect();
        format!("{head}…{tail}")
    } else {
        id.to_owned()
    }
}

fn holders(s: &FileStatus) -> String {
    if s.grouped {
        let groups: Vec<String> = s
            .key_groups
            .iter()
            .map(|g| {
                format!(
                    "[{}]",
                    g.iter().map(|r| short(r)).collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        format!(
            "{} of {} groups: {}",
            s.threshold,
            s.key_groups.len(),
            groups.join(" ")
        )
    } else {
        s.recipients().map(short).collect::<Vec<_>>().join(", ")
    }
}

fn table(entries: &[Entry], now: SystemTime, max_age: Option<&MaxAge>) -> String {
    let mut out = format!("now {}", rfc3339(now));
    if let Some(m) = max_age {
        out.push_str(&format!(", max data key age {}", m.text));
    }
    out.push('\n');
    if entries.is_empty() {
        out.push_str("no encrypted files found\n");
        return out;
    }
    let header = [
        "PATH",
        "FORMAT",
        "DATA KEY",
        "AGE",
        "INTEGRITY",
        "RULE",
        "KEY HOLDERS",
    ];
    let rows: Vec<[String; 7]> = entries
        .iter()
        .map(|e| {
            let path = match e.source {
                Source::File => e.path.clone(),
                s => format!("{} ({})", e.path, s.name()),
            };
            let (format, created, holders) = match &e.outcome {
                Outcome::Inspected(s) => (
                    match s.format_version {
                        Some(v) if v < vaultfile::metadata::VERSION => {
                            format!("{} (v{v})", s.scheme.name())
                        }
                        _ => s.scheme.name(),
                    },
                    s.created
                        .as_deref()
                        .map(|c| c.get(..10).unwrap_or(c).to_owned())
                        .unwrap_or_else(|| "unknown".into()),
                    holders(s),
                ),
                _ => ("-".into(), "-".into(), "-".into()),
            };
            let mut age = e
                .age
                .map_or_else(|| "-".into(), |a| format!("{}d", days(a)));
            if e.stale {
                age.push_str(" STALE");
            }
            [
                path,
                format,
                created,
                age,
                e.state().to_owned(),
                e.rule.name().to_owned(),
                holders,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(cell);
                l.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        l.trim_end().to_owned() + "\n"
    };
    out.push_str(&line(&header.map(str::to_owned)));
    for r in &rows {
        out.push_str(&line(r));
    }
    // What differs, in full (the RULE column only says that something does).
    let drifted: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.rule.lines().is_empty())
        .collect();
    if !drifted.is_empty() {
        out.push_str("differences from the .vaultfile.yaml rules:\n");
        for e in &drifted {
            for l in e.rule.lines() {
                out.push_str(&format!("  {}: {l}\n", e.path));
            }
        }
    }
    // Files a quantum computer could open from a copy taken today: not a failure (most
    // repositories have X25519 keys), but worth seeing before it is too late to re-key.
    let exposed: Vec<&Entry> = entries
        .iter()
        .filter(|e| !e.classical().is_empty())
        .collect();
    if !exposed.is_empty() {
        out.push_str(
            "quantum-exposed (a key that a quantum computer could break can open them):\n",
        );
        for e in &exposed {
            let keys: Vec<String> = e.classical().iter().map(|r| short(r)).collect();
            out.push_str(&format!("  {}: {}\n", e.path, keys.join(", ")));
        }
    }
    let c = counts(entries);
    let parts: Vec<String> = c
        .by_state
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    out.push_str(&format!(
        "{} file{}: {}",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        parts.join(", ")
    ));
    if let Some(m) = max_age {
        out.push_str(&format!(
            "; {} with a data key older than {}",
            c.stale, m.text
        ));
    }
    if !exposed.is_empty() {
        out.push_str(&format!("; {} quantum-exposed", exposed.len()));
    }
    if !drifted.is_empty() {
        out.push_str(&format!(
            "; {} differ{} from {} rule",
            drifted.len(),
            if drifted.len() == 1 { "s" } else { "" },
            if drifted.len() == 1 { "its" } else { "their" },
        ));
    }
    out.push('\n');
    out
}

/// The exit status: 7 if a file failed its integrity check, 1 for any other problem.
fn verdict(entries: &[Entry], max_age: Option<&MaxAge>) -> crate::cli::CmdResult {
    let mut problems = Vec::new();
    let mut stale = Vec::new();
    let mut drift = Vec::new();
    for e in entries {
        if matches!(e.state(), "failed" | "not-encrypted" | "error") {
            let detail = e.detail().map(|d| format!(" ({d})")).unwrap_or_default();
            problems.push(format!("{}: {}{detail}", e.path, e.state()));
        }
        if e.rule.fails() {
            drift.extend(e.rule.lines().iter().map(|l| format!("{}: {l}", e.path)));
        }
        if e.stale {
            let m = max_age.expect("stale only with --max-age");
            stale.push(match e.age {
                Some(a) => format!(
                    "{}: data key is {} days old (max {})",
                    e.path,
                    days(a),
                    m.text
                ),
                None => format!(
                    "{}: data key age unknown (no creation time in the file; SOPS files record none)",
                    e.path
                ),
            });
        }
    }
    if problems.is_empty() && stale.is_empty() && drift.is_empty() {
        return Ok(());
    }
    let kind = if entries.iter().any(|e| e.state() == "failed") {
        ExitKind::Integrity
    } else {
        ExitKind::Other
    };
    let n = problems.len() + stale.len() + drift.len();
    let mut msg = format!("{n} problem{}:", if n == 1 { "" } else { "s" });
    for p in problems.iter().chain(&stale).chain(&drift) {
        msg.push_str(&format!("\n  {p}"));
    }
    let mut err = CliError::new(kind, msg);
    if !stale.is_empty() {
        err = err.hint("`vaultfile rotate PATH…` makes a new data key (SOPS files: convert them with `vaultfile convert --to vaultfile`, or `sops rotate`)");
    }
    if !drift.is_empty() {
        err = err
            .hint("a file that differs from its .vaultfile.yaml rule was written without the rule (by hand, or with the git filter bypassed): find out who wrote it")
            .hint("`vaultfile updatekeys PATH` (in a `vaultfile git init` work tree: `git add --renormalize -- PATH`) re-keys it to its rule, with a new data key when someone is removed; then rotate the secrets an unexpected recipient could read");
    }
    if kind == ExitKind::Integrity {
        err = err.hint("a file that fails its integrity check was altered after it was encrypted: restore it from version control");
    }
    Err(err)
}
