//! What `vaultfile git init` writes, as data: the git configuration entries, the
//! `.gitattributes` lines and the pre-commit hook, with the edits that add and remove them.
//!
//! Kept apart from the command that applies them so that "running it twice changes
//! nothing" is a property of pure functions, tested here.

/// The driver name in `filter=`, `diff=` and `merge=` attributes.
pub const DRIVER: &str = "vaultfile";

/// The attributes a protected path gets.
pub const ATTRIBUTES: &str = "filter=vaultfile diff=vaultfile merge=vaultfile";

/// The git configuration sections `init` writes and `deinit` removes.
pub const SECTIONS: [&str; 3] = ["filter.vaultfile", "diff.vaultfile", "merge.vaultfile"];

/// The configuration entries, for the vaultfile program at `exe` (as written in a shell
/// command: git runs these through `sh`).
///
/// As git-lfs does, both the long-running `process` and the one-shot `clean`/`smudge`
/// are set: `process` takes precedence in git ≥ 2.11, the others serve tools that only
/// know one-shot filters. `required` makes a failing filter fail the git command instead
/// of silently storing plaintext (gitattributes(5)). There is deliberately no
/// `cachetextconv`: it would store plaintext under `refs/notes/textconv`.
pub fn config_entries(exe: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "filter.vaultfile.process",
            format!("{exe} git filter-process"),
        ),
        ("filter.vaultfile.clean", format!("{exe} git clean -- %f")),
        ("filter.vaultfile.smudge", format!("{exe} git smudge -- %f")),
        ("filter.vaultfile.required", "true".to_owned()),
        ("diff.vaultfile.textconv", format!("{exe} git textconv")),
        // Plumbing diffs (what `git add -p` and `git apply` work from) see the blob as
        // binary, so `add -p` refuses to stage part of a file ("Only binary files
        // changed") instead of staging a blob whose MAC no longer matches (git-crypt#167).
        // `git diff` and `git log -p` still show text: textconv takes precedence.
        ("diff.vaultfile.binary", "true".to_owned()),
        (
            "merge.vaultfile.name",
            "vaultfile: three-way merge of decrypted values".to_owned(),
        ),
        (
            "merge.vaultfile.driver",
            format!("{exe} git merge %O %A %B %L %P %S %X %Y"),
        ),
    ]
}

/// Quotes a program path for a shell command line, only when it needs it.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@".contains(&b))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// The `.gitattributes` line for one pattern.
pub fn attributes_line(pattern: &str) -> String {
    format!("{pattern} {ATTRIBUTES}")
}

/// Adds a line for each pattern that does not have one yet. `None` when nothing changes.
pub fn add_patterns(existing: &str, patterns: &[String]) -> Option<String> {
    let have = |p: &str| existing.lines().any(|l| l.trim_end() == attributes_line(p));
    let missing: Vec<&String> = patterns.iter().filter(|p| !have(p)).collect();
    if missing.is_empty() {
        return None;
    }
    let mut out = existing.to_owned();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for p in missing {
        out.push_str(&attributes_line(p));
        out.push('\n');
    }
    Some(out)
}

/// Removes every line that gives exactly our attributes. `None` when nothing changes.
pub fn remove_patterns(existing: &str) -> Option<String> {
    let suffix = format!(" {ATTRIBUTES}");
    let kept: Vec<&str> = existing
        .split_inclusive('\n')
        .filter(|l| !l.trim_end().ends_with(&suffix))
        .collect();
    let out = kept.concat();
    (out != existing).then_some(out)
}

/// The patterns `.gitattributes` protects with our attributes.
pub fn protected_patterns(existing: &str) -> Vec<String> {
    let suffix = format!(" {ATTRIBUTES}");
    existing
        .lines()
        .filter_map(|l| l.trim_end().strip_suffix(&suffix))
        .map(str::to_owned)
        .collect()
}

/// Marks a pre-commit hook as ours, so `init` can update it and `deinit` remove it
/// without touching a hook someone else wrote.
pub const HOOK_MARKER: &str = "# installed by `vaultfile git init --hooks`";

/// The pre-commit hook: refuse a commit whose index holds a protected path in plaintext
/// (the guard `required = true` cannot give when the filter is not configured at all:
/// git-crypt#26, #91, #123).
pub fn hook_script(exe: &str) -> String {
    format!(
        "#!/bin/sh\n{HOOK_MARKER}\n# Refuses the commit if a protected file is staged in plaintext.\nexec {exe} git check --staged\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_patterns_twice_changes_nothing() {
        let p = vec!["*.enc.yaml".to_owned(), "/secrets/**".to_owned()];
        let once = add_patterns("*.png binary", &p).unwrap();
        assert_eq!(
            once,
            "*.png binary\n*.enc.yaml filter=vaultfile diff=vaultfile merge=vaultfile\n/secrets/** filter=vaultfile diff=vaultfile merge=vaultfile\n"
        );
        assert_eq!(add_patterns(&once, &p), None);
        assert_eq!(protected_patterns(&once), p);
    }

    #[test]
    fn removing_keeps_other_lines() {
        let text =
            "*.png binary\n*.enc.yaml filter=vaultfile diff=vaultfile merge=vaultfile\n# end\n";
        assert_eq!(remove_patterns(text).unwrap(), "*.png binary\n# end\n");
        assert_eq!(remove_patterns("*.png binary\n"), None);
    }

    #[test]
    fn program_paths_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("/usr/bin/vaultfile"), "/usr/bin/vaultfile");
        assert_eq!(
            shell_quote("/opt/my tools/vaultfile"),
            "'/opt/my tools/vaultfile'"
        );
        assert_eq!(shell_quote("/a'b"), r"'/a'\''b'");
    }
}
