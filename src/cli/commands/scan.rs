//! `vaultfile scan`: find secrets that are not protected (the library's [`vaultfile::scan`]),
//! and print them as text, JSON or SARIF.
//!
//! Its exit codes are a scanner's, not the table the other commands share: 0 clean,
//! 1 findings, 2 an error (so a CI job or hook can tell "found something" from "could not
//! look").

use std::io::Write;
use std::path::PathBuf;

use vaultfile::scan::{self, Outcome, Request, ScanError, report};

use crate::cli::error::{CliError, ExitKind};
use crate::cli::ui::Ui;

/// The `--help` text after the options.
const AFTER_HELP: &str = "\
Finds two kinds of problem:
  unencrypted-protected-file  a file that a .vaultfile.yaml rule (or, with --staged, a
                              filter=vaultfile attribute) protects is not encrypted
  RULE-ID                     a credential (gitleaks' rule set) or a quoted high-entropy
                              string in any other text file

Encrypted values (VF1.…, SOPS ENC[…]) and the metadata of encrypted files are never
reported; nor are binary files, .git/, or what .gitignore ignores when walking a directory.
Work-tree files with filter=vaultfile hold plaintext by design: git encrypts them on
`git add`. Their work-tree content is not scanned; what git holds for them (the index, or
HEAD) is checked instead, and reported when it is not encrypted (a clone where the filter
was never set up stores plaintext silently).

Allow-lists, in .vaultfile.yaml:
  scan:
    allow_paths: [\"docs/**\"]              # globs, relative to .vaultfile.yaml
    allow_fingerprints: [\"a.env:generic-api-key:0011223344556677\"]
and `vaultfile:allow` (or `gitleaks:allow`) anywhere on a line.

Output: text (PATH:LINE:COL: RULE: DESCRIPTION (secret: AKIA…) [FINGERPRINT]), json (a
stable object: version, files_scanned, findings), or sarif (SARIF 2.1.0, for GitHub code
scanning). Credential rules: gitleaks v8.30.1 (MIT, Copyright (c) 2019 Zachary Rice).

Exit codes (scan's own):
  0  no finding
  1  findings
  2  error (bad command line, invalid .vaultfile.yaml, unreadable file, not a repository)

Examples:
  vaultfile scan                          # the work tree under the current directory
  vaultfile scan --staged                 # what the next commit holds (pre-commit hook)
  vaultfile scan --format sarif > scan.sarif";

/// Find secrets that are not protected: plaintext protected files and credentials
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct ScanArgs {
    /// Files and directories to scan [default: the current directory]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Scan what is staged (the git index), not the work tree
    #[arg(long)]
    staged: bool,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ScanFormat::Text)]
    format: ScanFormat,
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ScanFormat {
    /// One line per finding: PATH:LINE:COL: RULE: DESCRIPTION (secret: AKIA…) [FINGERPRINT]
    Text,
    /// A JSON object (version, files_scanned, findings), one finding per line
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
}

pub fn run(args: ScanArgs, ui: &Ui) -> crate::cli::CmdResult {
    let cwd = std::env::current_dir().map_err(|e| {
        CliError::new(
            ExitKind::Usage,
            format!("cannot read the current directory: {e}"),
        )
    })?;
    let outcome = scan::scan(&Request {
        cwd,
        paths: args.paths,
        staged: args.staged,
    })
    .map_err(scan_error)?;

    // Buffered: stdout is line-buffered, and tens of thousands of findings made as many
    // write calls (a third of the run time on the benchmark tree).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match args.format {
        ScanFormat::Text => write_text(&mut out, &outcome),
        ScanFormat::Json => report::write_json(&outcome, &mut out),
        ScanFormat::Sarif => write_json(
            &mut out,
            &report::sarif(&outcome, env!("CARGO_PKG_VERSION")),
        ),
    }
    .and_then(|()| out.flush())
    .map_err(|e| match CliError::from_write(e) {
        e if e.kind == ExitKind::BrokenPipe => e,
        e => CliError {
            kind: ExitKind::Usage,
            ..e
        },
    })?;

    let n = outcome.findings.len();
    if n == 0 {
        ui.info(&format!(
            "vaultfile scan: no unprotected secret in {} file(s)",
            outcome.files_scanned
        ));
        return Ok(());
    }
    let files = outcome
        .findings
        .iter()
        .map(|f| f.path.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    Err(CliError::new(
        ExitKind::Other,
        format!(
            "{n} unprotected secret(s) in {files} file(s) ({} file(s) scanned)",
            outcome.files_scanned
        ),
    )
    .hint("encrypt the file (`vaultfile encrypt -i FILE`) or move the secret into one; a secret that was committed must also be rotated")
    .hint("not a secret? add `vaultfile:allow` to the line, or its fingerprint to `scan: allow_fingerprints` in .vaultfile.yaml"))
}

/// A scan that could not run: exit 2.
fn scan_error(e: ScanError) -> CliError {
    let hint = match &e {
        ScanError::NotARepository(_) => Some("run it inside a git repository, or drop --staged"),
        ScanError::Config(_) => Some("fix .vaultfile.yaml (its `scan:` section or a rule)"),
        _ => None,
    };
    let err = CliError::new(ExitKind::Usage, e.to_string());
    match hint {
        Some(h) => err.hint(h),
        None => err,
    }
}

/// `PATH:LINE:COL: RULE: DESCRIPTION (secret: AKIA…) [FINGERPRINT]`, grouped by file.
fn write_text(out: &mut impl Write, outcome: &Outcome) -> std::io::Result<()> {
    let mut last: Option<&str> = None;
    for f in &outcome.findings {
        if last.is_some_and(|p| p != f.path) {
            writeln!(out)?;
        }
        last = Some(&f.path);
        write!(
            out,
            "{}:{}:{}: {}: {}",
            f.path, f.line, f.column, f.rule_id, f.description
        )?;
        if !f.redacted.is_empty() {
            write!(out, " (secret: {})", f.redacted)?;
        }
        writeln!(out, " [{}]", f.fingerprint)?;
    }
    Ok(())
}

fn write_json(out: &mut impl Write, v: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)
}
