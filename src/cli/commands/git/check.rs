//! `vaultfile git check` (is anything protected stored in plaintext, altered, or readable
//! by someone its rule does not name?) and `vaultfile git status` (what is protected, and
//! is it locked?).
//!
//! A clone without the filter, a GUI that ignores it, or someone writing blobs by hand
//! (`git hash-object -w` + `git update-index`) stores whatever they are given, so the
//! check reads what git stores rather than trusting how it got there:
//!
//! - plaintext or an altered blob at a protected path;
//! - drift from the `.vaultfile.yaml` rule: the recipients and selection rules in a blob's
//!   metadata are readable without a key, and anyone who can push can commit a blob that
//!   also names a recipient of their own, or leaves values in plaintext. The rule a blob is
//!   judged by is the one of its time: the work tree's for the index, the commit's own for
//!   `HEAD` and each commit of the history, so that a rule changed since does not turn old
//!   commits into findings (and a rule changed in the same commit as the blob is honoured);
//! - protection that does not follow content: `git mv secrets/app.yaml config/app.yaml`
//!   (or a copy) takes a protected file to a path the filter does not cover, where the next
//!   `git add` stores its plaintext.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use vaultfile::config::{self, Config};
use vaultfile::engine::{self, DecryptError};
use vaultfile::git::convert::{self, Content, Smudged};
use vaultfile::git::repo::{BlobReader, Repo};
use vaultfile::keys::Identity;

use super::super::status::rule_drift;
use super::{current_repo, git_error};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::ui::Ui;

/// Find protected files stored in plaintext, altered, or differing from their rule
///
/// A path is protected when `.gitattributes` gives it `filter=vaultfile` or a
/// `.vaultfile.yaml` creation rule matches it. Exits 1 and lists each problem if there is
/// one: this is what the pre-commit hook runs, and what a CI job should run on the server
/// side, since a clone without the filter stores whatever it is given.
///
/// Problems: a protected file stored in plaintext or failing its integrity check; an
/// encrypted file whose metadata differs from its .vaultfile.yaml rule so that someone the
/// rule does not name can open it, its key groups or threshold differ, or its selection
/// rules leave other values in plaintext (the index is judged by the rules in the work
/// tree, HEAD and each commit by their own); a staged file outside the protected paths that
/// holds a protected file's content (renamed with `git mv`, or copied). No key is needed
/// for any of it. A recipient of the rule that a file lacks (the rule was extended since
/// the file was staged) is a warning only.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile git check --staged        # before a commit (the --hooks pre-commit hook)
  vaultfile git check                 # the index and HEAD
  vaultfile git check --all-history   # every blob ever committed at a protected path")]
pub struct CheckArgs {
    /// Check only what is staged (the index)
    #[arg(long, conflicts_with = "all_history")]
    staged: bool,
    /// Also check every blob in the history of every branch and tag (a shallow or partial
    /// clone is refused: it has no history to check; fetch it first)
    #[arg(long)]
    all_history: bool,
}

/// List protected files: locked or decrypted in the work tree, and their recipients
#[derive(Debug, clap::Args)]
pub struct StatusArgs {}

/// Tracked paths that are protected by attributes or by a `.vaultfile.yaml` rule.
fn protected(repo: &Repo, top: &Path, paths: &[String]) -> Result<BTreeSet<String>, CliError> {
    let mut out = repo.filtered_tracked().map_err(git_error)?;
    out.extend(repo.filtered(paths).map_err(git_error)?);
    if let Some(cfg) =
        Config::discover(top).map_err(|e| CliError::new(ExitKind::Usage, e.to_string()))?
    {
        out.extend(
            paths
                .iter()
                .filter(|p| {
                    p.as_str() != vaultfile::config::FILE_NAME
                        && cfg.rule_for(&top.join(p)).is_some()
                })
                .cloned(),
        );
    }
    Ok(out)
}

/// What is wrong with one stored blob, if anything.
fn problem(path: &str, blob: &[u8], ids: &[Box<dyn Identity>]) -> Option<String> {
    match convert::classify(path, blob) {
        Content::Plain => Some("stored in plaintext".into()),
        Content::Encrypted {
            store,
            text,
            binary,
        } => {
            let opened = if binary {
                engine::decrypt_binary(text, ids).map(|_| ())
            } else {
                engine::open(store, text, ids).map(|_| ())
            };
            match opened {
                Ok(()) => None,
                Err(e @ DecryptError::Integrity(_)) => Some(format!(
                    "fails its integrity check ({e}); staged with `git add -p`? stage the whole file with `git add`"
                )),
                // No key here: check what can be checked without one.
                Err(_) => engine::check_sealed(store, text)
                    .err()
                    .map(|e| format!("not fully encrypted: {e}")),
            }
        }
    }
}

/// What kind of problem a finding is: each kind has its own advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Plaintext, or a blob that fails its integrity check.
    Stored,
    /// Metadata that gives more than its rule: another recipient, shape or selection rules.
    Drift,
    /// A protected file's content staged at a path that is not protected.
    Escaped,
}

/// One problem (or, for notes, one remark) about one path.
struct Finding {
    /// `index`, `HEAD`, or the commit.
    place: String,
    path: String,
    why: String,
    kind: Kind,
    /// What to do about this very finding, when the advice names its paths.
    hint: Option<String>,
}

impl Finding {
    fn new(place: &str, path: &str, why: String, kind: Kind) -> Finding {
        Finding {
            place: place.to_owned(),
            path: path.to_owned(),
            why,
            kind,
            hint: None,
        }
    }

    fn line(&self) -> String {
        format!("{:<8} {}: {}", self.place, self.path, self.why)
    }
}

/// A `.vaultfile.yaml` as read for a check: parsed, or why it cannot be.
type Rules = Result<Config, String>;

/// Where the rules a blob is judged by come from.
#[derive(Clone, Copy)]
enum RuleSource<'a> {
    /// The work tree: what the next `git add` encrypts to (for the index).
    WorkTree,
    /// The `.vaultfile.yaml` files of a commit (`HEAD`, or a commit id).
    Commit(&'a str),
}

/// Finds and caches the `.vaultfile.yaml` that applies to a path, walking up from its
/// directory as [`Config::discover`] does, in the work tree or in a commit.
///
/// A history holds the same few configurations in thousands of commits, so a committed
/// one is parsed once per directory and content (the content is what a blob id names;
/// `git cat-file --batch` reads it in the process already running).
struct RuleBook {
    top: PathBuf,
    /// Work-tree configurations, by the directory the search started from.
    work: HashMap<PathBuf, Option<Rules>>,
    /// Committed configurations, parsed: by (directory, content).
    parsed: Vec<Rules>,
    by_content: HashMap<(String, Vec<u8>), usize>,
    /// (commit, directory) → the configuration that applies to files in the directory.
    at: HashMap<(String, String), Option<usize>>,
}

impl RuleBook {
    fn new(top: &Path) -> RuleBook {
        RuleBook {
            top: top.to_owned(),
            work: HashMap::new(),
            parsed: Vec::new(),
            by_content: HashMap::new(),
            at: HashMap::new(),
        }
    }

    /// The configuration that applies to `path` (repository-relative), if there is one.
    fn for_path(
        &mut self,
        source: RuleSource<'_>,
        path: &str,
        blobs: &mut BlobReader,
    ) -> Option<&Rules> {
        let dir = parent_dir(path);
        match source {
            RuleSource::WorkTree => {
                let start = self.top.join(dir);
                self.work
                    .entry(start)
                    .or_insert_with_key(|start| match Config::discover(start) {
                        Ok(c) => c.map(Ok),
                        Err(e) => Some(Err(e.to_string())),
                    })
                    .as_ref()
            }
            RuleSource::Commit(rev) => {
                let i = self.in_commit(rev, dir, blobs)?;
                Some(&self.parsed[i])
            }
        }
    }

    /// The configuration for files in `dir` as of `rev`: the nearest `.vaultfile.yaml` in
    /// `dir` or above it.
    fn in_commit(&mut self, rev: &str, dir: &str, blobs: &mut BlobReader) -> Option<usize> {
        let key = (rev.to_owned(), dir.to_owned());
        if let Some(found) = self.at.get(&key) {
            return *found;
        }
        let spec = if dir.is_empty() {
            format!("{rev}:{}", config::FILE_NAME)
        } else {
            format!("{rev}:{dir}/{}", config::FILE_NAME)
        };
        let found = match blobs.read(&spec) {
            Ok(Some(text)) => Some(self.parse(rev, dir, text)),
            // Not here: look further up.
            Ok(None) if dir.is_empty() => None,
            Ok(None) => self.in_commit(rev, parent_dir(dir), blobs),
            // Whether there is a rule is unknown, which is not "no rule".
            Err(e) => {
                self.parsed.push(Err(format!("cannot read {spec}: {e}")));
                Some(self.parsed.len() - 1)
            }
        };
        self.at.insert(key, found);
        found
    }

    fn parse(&mut self, rev: &str, dir: &str, text: Vec<u8>) -> usize {
        let key = (dir.to_owned(), text);
        if let Some(&i) = self.by_content.get(&key) {
            return i;
        }
        let name = if dir.is_empty() {
            config::FILE_NAME.to_owned()
        } else {
            format!("{dir}/{}", config::FILE_NAME)
        };
        let parsed = match std::str::from_utf8(&key.1) {
            Ok(text) => Config::parse(text, &self.top.join(&name)).map_err(|e| {
                let line = e.line.map(|l| format!(":{l}")).unwrap_or_default();
                format!("{rev}:{name}{line}: {}", e.message)
            }),
            Err(_) => Err(format!("{rev}:{name}: not UTF-8 text")),
        };
        self.parsed.push(parsed);
        self.by_content.insert(key, self.parsed.len() - 1);
        self.parsed.len() - 1
    }
}

/// The directory of a repository-relative path (`""` at the top).
fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// What a check found: problems, and notes that do not fail it.
#[derive(Default)]
struct Report {
    findings: Vec<Finding>,
    notes: Vec<Finding>,
}

impl Report {
    /// Compares an encrypted blob's metadata with its rule: someone or something the rule
    /// does not allow is a problem; a recipient of the rule that the file lacks is a note
    /// (it only locks that person out until the next `git add`). `strict`: a rule that
    /// cannot be read is a problem (the rules in force now), else a note (an old commit's
    /// typo is history).
    fn drift(
        &mut self,
        place: &str,
        path: &str,
        blob: &[u8],
        rules: Option<&Rules>,
        top: &Path,
        strict: bool,
    ) {
        // Plaintext is reported by `problem`; a file with no rule has nothing to match.
        let (Some(meta), Some(rules)) = (convert::metadata_of(path, blob), rules) else {
            return;
        };
        let compared = rules
            .as_ref()
            .map_err(String::clone)
            .map(|c| rule_drift(c, &top.join(path), &meta));
        let drift = match compared {
            Ok(None) => return,
            Ok(Some(Ok(d))) => d,
            Err(e) | Ok(Some(Err(e))) => {
                let why = format!("cannot be compared with its rule: {e}");
                let f = Finding::new(place, path, why, Kind::Drift);
                if strict {
                    self.findings.push(f);
                } else {
                    self.notes.push(f);
                }
                return;
            }
        };
        let fails = drift.widens_access();
        for line in drift.lines() {
            let f = Finding::new(place, path, line, Kind::Drift);
            if fails {
                self.findings.push(f);
            } else {
                self.notes.push(f);
            }
        }
    }
}

/// Whether git's rerere records conflicts here: `rerere.enabled`, or when unset, an
/// existing `rr-cache` directory (git's own rule).
fn rerere_on(repo: &Repo) -> bool {
    match repo.config_get("rerere.enabled").ok().flatten().as_deref() {
        Some("true") => true,
        Some(_) => false,
        None => repo.git_path("rr-cache").is_ok_and(|p| p.is_dir()),
    }
}

/// What checking the protected files stored in a tree needs.
struct Stored<'a> {
    repo: &'a Repo,
    top: &'a Path,
    blobs: &'a mut BlobReader,
    book: &'a mut RuleBook,
    ids: &'a [Box<dyn Identity>],
    report: &'a mut Report,
}

impl Stored<'_> {
    /// Checks each protected file as `tree` (a commit, or `None` for the index) stores it:
    /// in plaintext or altered, and its holders against its rule (the work tree's rules
    /// for the index, the commit's own for a commit).
    fn check(&mut self, tree: Option<&str>) -> Result<(), CliError> {
        let (place, source) = match tree {
            None => ("index", RuleSource::WorkTree),
            Some(rev) => (rev, RuleSource::Commit(rev)),
        };
        let paths = self.repo.ls_files(tree).map_err(git_error)?;
        for p in protected(self.repo, self.top, &paths)? {
            let Ok(Some(b)) = self.blobs.read(&format!("{}:{p}", tree.unwrap_or(""))) else {
                continue;
            };
            if let Some(why) = problem(&p, &b, self.ids) {
                self.report
                    .findings
                    .push(Finding::new(place, &p, why, Kind::Stored));
            }
            let rules = self.book.for_path(source, &p, self.blobs);
            self.report.drift(place, &p, &b, rules, self.top, true);
        }
        Ok(())
    }
}

pub fn run_check(args: CheckArgs, ui: &Ui) -> crate::cli::CmdResult {
    let repo = current_repo()?;
    if args.all_history {
        // Before anything else: a history that is not all here cannot be called clean.
        whole_history(&repo)?;
    }
    let top = repo.work_tree.clone().unwrap_or_else(|| repo.cwd.clone());
    let found = identities::collect(&[], &Ui { quiet: true })?;
    let ids = &found.identities;
    let mut blobs = BlobReader::start(&repo).map_err(git_error)?;
    let mut book = RuleBook::new(&top);
    let mut report = Report::default();

    let mut stored = Stored {
        repo: &repo,
        top: &top,
        blobs: &mut blobs,
        book: &mut book,
        ids,
        report: &mut report,
    };
    stored.check(None)?;
    let has_head = repo.has_head();
    // A bare repository (a server-side check) stages nothing.
    if repo.work_tree.is_some() {
        let moved = escaped(&repo, &top, has_head, stored.blobs, ids)?;
        stored.report.findings.extend(moved);
    }
    if !args.staged && has_head {
        stored.check(Some("HEAD"))?;
    }
    if args.all_history && has_head {
        let old = history(&repo, &top, &mut blobs, &mut book, ids)?;
        report.findings.extend(old);
    }
    let Report { findings, notes } = report;

    // Notes first: they are worth fixing even when the check fails for something else.
    for n in &notes {
        ui.warn(&n.line());
    }
    if rerere_on(&repo) && !args.staged {
        ui.warn("rerere is on: it keeps each conflicted file as it stands in the work tree, plaintext for a protected file, in .git/rr-cache; run `git config rerere.enabled false` (`vaultfile git init` does)");
    }
    let behind: BTreeSet<&str> = notes.iter().map(|n| n.path.as_str()).collect();
    for p in behind {
        ui.hint(&format!(
            "`git add --renormalize -- {p}` (or `vaultfile updatekeys {p}`) gives {p} its rule's recipients; then commit it"
        ));
    }

    if findings.is_empty() {
        // Silent on success under --staged: it runs on every commit as a hook.
        if !args.staged {
            ui.info(
                "vaultfile: no protected file is stored in plaintext, altered, or readable by anyone its rule does not name",
            );
        }
        return Ok(());
    }
    let mut msg = format!("{} problem(s) with protected files:", findings.len());
    for f in &findings {
        msg.push_str("\n  ");
        msg.push_str(&f.line());
    }
    let mut err = CliError::new(ExitKind::Other, msg);
    let stored = |f: &&Finding| f.kind == Kind::Stored;
    if findings.iter().filter(stored).any(|f| f.place == "index") {
        err = err.hint("run `vaultfile git init` (the filter may not be configured in this clone), then `git add --renormalize -- PATH`");
    }
    if findings.iter().filter(stored).any(|f| f.place != "index") {
        err = err.hint("plaintext in a commit stays in history: rotate those secrets, and rewrite history (git filter-repo) if it must go");
    }
    if findings.iter().any(|f| f.kind == Kind::Drift) {
        err = err
            .hint("a file that differs from its .vaultfile.yaml rule was written without the filter: find out who wrote it (`git log -- PATH`)")
            .hint("a key holder's `git add --renormalize -- PATH` (or `vaultfile updatekeys PATH`) re-keys it to its rule, with a new data key when someone is removed; commit that, and rotate the secrets an unexpected recipient could read");
    }
    for f in &findings {
        if let Some(h) = &f.hint {
            err = err.hint(h.clone());
        }
    }
    Err(err)
}

/// Staged files outside the protected paths that hold a protected file's content.
///
/// Protection is by path, so content moved to another path loses it: `git mv` keeps the
/// ciphertext blob under the new name (and the next `git add` stores the plaintext from
/// the work tree), and a copy is plaintext from the start. Found two ways: git's rename
/// detection pairing a protected path with an unprotected one, and a staged blob that is
/// byte for byte the plaintext of a protected file (the work-tree copy in a decrypted work
/// tree, or, with a key, the decrypted committed version of a protected file being
/// deleted: `mv` then `git add -A` is a deletion and an addition to git).
fn escaped(
    repo: &Repo,
    top: &Path,
    has_head: bool,
    blobs: &mut BlobReader,
    ids: &[Box<dyn Identity>],
) -> Result<Vec<Finding>, CliError> {
    let mut args = vec![
        "diff",
        "--cached",
        "--raw",
        "-z",
        "--no-abbrev",
        "-M",
        "--no-ext-diff",
        "--no-textconv",
    ];
    if has_head {
        args.push("HEAD");
    }
    // Without a commit, `git diff --cached` compares with the empty tree: all is added.
    let out = repo.run(&args).map_err(git_error)?;
    let changes = parse_raw(&out);
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let mut mentioned: Vec<String> = Vec::new();
    for c in &changes {
        mentioned.push(c.path.clone());
        mentioned.extend(c.from.clone());
    }
    let protected = protected(repo, top, &mentioned)?;

    let mut findings = Vec::new();
    // Staged, unprotected: (path, blob id).
    let mut candidates: Vec<(&str, &str)> = Vec::new();
    // Protected paths being deleted (or renamed away): (path, committed blob id).
    let mut deleted: Vec<(&str, &str)> = Vec::new();
    for c in &changes {
        if let Some(from) = &c.from
            && c.status == 'R'
            && protected.contains(from)
            && !protected.contains(&c.path)
        {
            let why = format!(
                "renamed from {from}, which is protected, to a path that is not: `git add` stores it in plaintext here"
            );
            let mut f = Finding::new("index", &c.path, why, Kind::Escaped);
            f.hint = Some(move_back_hint(&c.path, from, true));
            findings.push(f);
            continue;
        }
        match c.status {
            'D' if protected.contains(&c.path) => deleted.push((c.path.as_str(), c.old.as_str())),
            'R' if protected.contains(c.from.as_deref().unwrap_or_default()) => {
                deleted.push((c.from.as_deref().unwrap_or_default(), c.old.as_str()));
            }
            _ => {}
        }
        if matches!(c.status, 'A' | 'M' | 'T' | 'R' | 'C') && !protected.contains(&c.path) {
            candidates.push((c.path.as_str(), c.new.as_str()));
        }
    }
    if candidates.is_empty() {
        return Ok(findings);
    }

    // The blob id each protected file's plaintext would have: (id → path, still there).
    let mut plain_ids: HashMap<String, (String, bool)> = HashMap::new();
    let present: Vec<&String> = protected
        .iter()
        .filter(|p| !p.contains('\n'))
        .filter(|p| {
            // An empty file's id is every empty file's: it says nothing about content.
            std::fs::symlink_metadata(top.join(p)).is_ok_and(|m| m.is_file() && m.len() > 0)
        })
        .collect();
    if !present.is_empty() {
        let mut input = Vec::new();
        for p in &present {
            input.extend_from_slice(p.as_bytes());
            input.push(b'\n');
        }
        let at_top = Repo {
            cwd: top.to_owned(),
            ..repo.clone()
        };
        let out = at_top
            .run_with_input(&["hash-object", "--no-filters", "--stdin-paths"], &input)
            .map_err(git_error)?;
        let out = String::from_utf8_lossy(&out);
        for (p, id) in present.iter().zip(out.lines()) {
            plain_ids.insert(id.trim().to_owned(), ((*p).clone(), true));
        }
    }
    if !ids.is_empty() {
        for (p, old) in deleted {
            let Ok(Some(blob)) = blobs.read(old) else {
                continue;
            };
            let Ok(Smudged::Decrypted(plain)) = convert::smudge(p, blob, ids) else {
                continue;
            };
            if plain.is_empty() {
                continue;
            }
            let id = repo
                .run_with_input(&["hash-object", "--no-filters", "--stdin"], &plain)
                .map_err(git_error)?;
            let id = String::from_utf8_lossy(&id).trim().to_owned();
            plain_ids.entry(id).or_insert_with(|| (p.to_owned(), false));
        }
    }

    for (path, id) in candidates {
        let Some((source, still_there)) = plain_ids.get(id) else {
            continue;
        };
        // A copy of a locked (ciphertext) work-tree file is ciphertext: nothing leaks.
        match blobs.read(id) {
            Ok(Some(b)) if matches!(convert::classify(path, &b), Content::Plain) => {}
            _ => continue,
        }
        let why = format!(
            "holds the plaintext of {source}, which is protected, at a path that is not: it is staged in plaintext"
        );
        let mut f = Finding::new("index", path, why, Kind::Escaped);
        f.hint = Some(move_back_hint(path, source, !still_there));
        findings.push(f);
    }
    Ok(findings)
}

/// What to do with `new`, which holds the content of the protected `old`.
fn move_back_hint(new: &str, old: &str, moved: bool) -> String {
    let undo = if moved {
        format!("move it back (`git mv {new} {old}`, then `git add {old}`)")
    } else {
        format!("unstage the copy (`git rm --cached {new}`)")
    };
    format!(
        "{new}: {undo}, or protect {new}: a creation rule in .vaultfile.yaml that matches it, then `vaultfile git init` (or `vaultfile git init '{new}'`), and `git add {new}` again"
    )
}

/// One entry of `git diff --raw -z`.
struct Change {
    /// The first letter of the status: A, C, D, M, R, T, U, X.
    status: char,
    old: String,
    new: String,
    /// The source path of a rename or copy.
    from: Option<String>,
    path: String,
}

/// Parses `git diff --raw -z --no-abbrev` output:
/// `:<mode> <mode> <old> <new> <status>\0<path>\0`, with two paths for renames and copies.
fn parse_raw(out: &[u8]) -> Vec<Change> {
    let mut fields = out
        .split(|b| *b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut changes = Vec::new();
    while let Some(meta) = fields.next() {
        let Some(meta) = meta.trim_start_matches('\n').strip_prefix(':') else {
            continue;
        };
        let parts: Vec<&str> = meta.split(' ').collect();
        let [_, _, old, new, status, ..] = parts.as_slice() else {
            continue;
        };
        let Some(letter) = status.chars().next() else {
            continue;
        };
        let Some(first) = fields.next() else { break };
        let (from, path) = if matches!(letter, 'R' | 'C') {
            let Some(second) = fields.next() else { break };
            (Some(first), second)
        } else {
            (None, first)
        };
        changes.push(Change {
            status: letter,
            old: (*old).to_owned(),
            new: (*new).to_owned(),
            from,
            path,
        });
    }
    changes
}

/// Refuses a history that is not all in this clone, which `--all-history` would otherwise
/// call clean: a shallow clone (`git clone --depth`, and `actions/checkout`'s default
/// `fetch-depth: 1`) has no commits before its depth, and a partial clone (`--filter`)
/// lacks blobs that git would fetch one at a time, or not at all without a network.
fn whole_history(repo: &Repo) -> Result<(), CliError> {
    let shallow = repo
        .run(&["rev-parse", "--is-shallow-repository"])
        .map_err(git_error)?;
    // Shallow, and a commit at the boundary has parents that are not here (a one-commit
    // history cloned with --depth 1 is shallow to git, but all of it is here).
    if String::from_utf8_lossy(&shallow).trim() == "true" && cut_off(repo)? {
        return Err(CliError::new(
            ExitKind::State,
            "this clone is shallow: the commits before its depth are not here, so --all-history cannot check them (nothing was checked)",
        )
        .hint("fetch the whole history with `git fetch --unshallow` (or clone without --depth), then run the check again")
        .hint("in GitHub Actions: `actions/checkout` with `fetch-depth: 0` (its default, 1, is a shallow clone)"));
    }
    // A partial clone: a remote marked as a promisor (git's own test), or the older
    // repository extension.
    let remotes = repo.run(&["remote"]).map_err(git_error)?;
    let mut promisors: Vec<String> = String::from_utf8_lossy(&remotes)
        .lines()
        .filter(|r| {
            repo.config_get(&format!("remote.{r}.promisor"))
                .ok()
                .flatten()
                .is_some_and(|v| v == "true")
        })
        .map(str::to_owned)
        .collect();
    if let Some(r) = repo
        .config_get("extensions.partialclone")
        .map_err(git_error)?
        && !promisors.contains(&r)
    {
        promisors.push(r);
    }
    if promisors.is_empty() {
        return Ok(());
    }
    // A partial clone may have fetched everything since: count what is missing, without
    // fetching it (`--missing=print` turns git's lazy fetch off).
    let listed = repo
        .run(&["rev-list", "--objects", "--all", "--missing=print"])
        .map_err(git_error)?;
    let missing = listed
        .split(|b| *b == b'\n')
        .filter(|l| l.first() == Some(&b'?'))
        .count();
    if missing == 0 {
        return Ok(());
    }
    let remote = &promisors[0];
    Err(CliError::new(
        ExitKind::State,
        format!(
            "this is a partial clone (a --filter clone from {remote}): {missing} object(s) of the history are not here, so --all-history cannot check them (nothing was checked)"
        ),
    )
    .hint(format!(
        "fetch them: `git config --unset remote.{remote}.partialclonefilter && git fetch --refetch {remote}` (or clone without --filter), then run the check again"
    ))
    .hint("in GitHub Actions: `actions/checkout` with `fetch-depth: 0` and no `filter:`"))
}

/// Whether a commit at a shallow clone's boundary (listed in `.git/shallow`) has parents:
/// the commit object still names them, though git acts as if it had none.
fn cut_off(repo: &Repo) -> Result<bool, CliError> {
    let list = repo.git_path("shallow").map_err(git_error)?;
    let Ok(text) = std::fs::read_to_string(&list) else {
        // Shallow, but the list cannot be read: assume the worst.
        return Ok(true);
    };
    for id in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let commit = repo.run(&["cat-file", "commit", id]).map_err(git_error)?;
        let mut header = commit.split(|b| *b == b'\n').take_while(|l| !l.is_empty());
        if header.any(|l| l.starts_with(b"parent ")) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Every (commit, path, blob) ever added or changed at a protected path, on any ref:
/// plaintext, altered, or given more than the rule of that commit allows.
fn history(
    repo: &Repo,
    top: &Path,
    blobs: &mut BlobReader,
    book: &mut RuleBook,
    ids: &[Box<dyn Identity>],
) -> Result<Vec<Finding>, CliError> {
    let out = repo
        .run(&[
            "log",
            "--all",
            "-m",
            "--root",
            "--raw",
            "-z",
            "--no-abbrev",
            "--no-renames",
            "--format=%x00commit %H",
        ])
        .map_err(git_error)?;
    // -z output: "\0commit <id>\0" headers, then ":<modes> <old> <new> <status>\0<path>\0".
    let mut seen = BTreeSet::new();
    // (commit, path, blob): the commit's full id (--no-abbrev applies to %h too), which
    // is also what its `.vaultfile.yaml` files are read with.
    let mut pairs: Vec<(String, String, String)> = Vec::new();
    let mut commit = String::new();
    let mut fields = out.split(|b| *b == 0).peekable();
    while let Some(f) = fields.next() {
        let f = String::from_utf8_lossy(f);
        let f = f.trim_start_matches('\n');
        if let Some(h) = f.strip_prefix("commit ") {
            commit = h.to_owned();
        } else if let Some(meta) = f.strip_prefix(':') {
            let path = fields
                .next()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .unwrap_or_default();
            let parts: Vec<&str> = meta.split(' ').collect();
            if let [_, _, _, new, ..] = parts.as_slice()
                && !new.bytes().all(|b| b == b'0')
                && seen.insert((new.to_string(), path.clone()))
            {
                pairs.push((commit.clone(), path, new.to_string()));
            }
        }
    }
    let paths: Vec<String> = pairs
        .iter()
        .map(|p| p.1.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let protected = protected(repo, top, &paths)?;
    // Notes about old commits are left out: a missing recipient there cannot be fixed, and
    // neither can an old commit's unreadable configuration.
    let mut report = Report::default();
    for (commit, path, oid) in pairs {
        if !protected.contains(&path) {
            continue;
        }
        let Ok(Some(b)) = blobs.read(&oid) else {
            continue;
        };
        if let Some(why) = problem(&path, &b, ids) {
            report
                .findings
                .push(Finding::new(&commit, &path, why, Kind::Stored));
        }
        let rules = book.for_path(RuleSource::Commit(&commit), &path, blobs);
        report.drift(&commit, &path, &b, rules, top, false);
    }
    Ok(report.findings)
}

pub fn run_status(_: StatusArgs, ui: &Ui) -> crate::cli::CmdResult {
    let repo = current_repo()?;
    let top = repo.work_tree.clone().unwrap_or_else(|| repo.cwd.clone());
    let configured = repo
        .config_get("filter.vaultfile.process")
        .map_err(git_error)?;
    ui.line(&format!("filter: {}",
        match configured {
            Some(c) => format!("configured ({c})"),
            None => "NOT configured: run `vaultfile git init` (protected files are not encrypted on `git add`)".into(),
        }))?;
    let paths = repo.ls_files(None).map_err(git_error)?;
    let protected = protected(&repo, &top, &paths)?;
    if protected.is_empty() {
        ui.line("no protected files")?;
        let _ = ui;
        return Ok(());
    }
    let mut blobs = BlobReader::start(&repo).map_err(git_error)?;
    for p in protected {
        let work = match std::fs::read(top.join(&p)) {
            Ok(c) => match convert::classify(&p, &c) {
                Content::Encrypted { .. } => "locked",
                Content::Plain => "decrypted",
            },
            Err(_) => "missing",
        };
        let stored = blobs.read(&format!(":{p}")).ok().flatten();
        let recipients = match stored.as_deref().map(|b| (convert::metadata_of(&p, b), b)) {
            Some((Some(m), _)) => m.recipient_ids().map(short).collect::<Vec<_>>().join(", "),
            Some((None, _)) => "STORED IN PLAINTEXT".into(),
            None => "-".into(),
        };
        ui.line(&format!("{work:<9} {p}  [{recipients}]"))?;
    }
    Ok(())
}

/// A recipient shortened for a one-line listing.
fn short(id: &str) -> String {
    if id.len() > 24 {
        format!("{}…{}", &id[..12], &id[id.len() - 6..])
    } else {
        id.to_owned()
    }
}
