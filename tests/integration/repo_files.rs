//! The files around the code that other programs read: GitHub workflows, the composite
//! action and the pre-commit hooks must parse, and every command they run must exist.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every string under a `run` or `entry` key.
fn commands(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                if let (true, Some(s)) = (k == "run" || k == "entry", v.as_str()) {
                    out.push(s.to_owned());
                }
                commands(v, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| commands(v, out)),
        _ => {}
    }
}

/// Checks `vaultfile SUB…` invocations against the real CLI and `./scripts/x` against
/// the tree.
fn check_command_line(line: &str, file: &Path) {
    let words: Vec<&str> = line.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if let Some(script) = w.strip_prefix("./")
            && script.starts_with("scripts/")
        {
            let exists = root().join(script).exists();
            assert!(exists, "{}: {w} does not exist", file.display());
        }
        // Only where a command starts, not inside a message.
        let command_position =
            i == 0 || ["&&", "||", "|", ";", "then", "do", "exec"].contains(&words[i - 1]);
        if (*w == "vaultfile" || *w == "$(vaultfile") && command_position {
            // The subcommand path: following words until an option or a non-word.
            let sub: Vec<&str> = words[i + 1..]
                .iter()
                .take_while(|s| {
                    s.chars().all(|c| c.is_ascii_lowercase() || c == '-') && !s.starts_with('-')
                })
                .copied()
                .collect();
            if sub.is_empty() {
                continue;
            }
            let out = Command::cargo_bin("vaultfile")
                .unwrap()
                .args(&sub)
                .arg("--help")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: `vaultfile {}` is not a command",
                file.display(),
                sub.join(" ")
            );
        }
    }
}

#[test]
fn workflows_action_and_hooks_parse_and_run_existing_commands() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    assert!(files.len() >= 2, "ci.yml and release.yml");
    files.push(root().join("action.yml"));
    files.push(root().join(".pre-commit-hooks.yaml"));
    for f in files {
        let doc = yaml(&f);
        let mut runs = Vec::new();
        commands(&doc, &mut runs);
        assert!(!runs.is_empty(), "{} runs nothing", f.display());
        for r in runs {
            for line in r.lines() {
                check_command_line(line, &f);
            }
        }
    }
}

#[test]
fn ci_workflow_runs_the_readme_test_command() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("./scripts/test.sh"));
    // CI runs `.ci/run` (the same entry point as every other CI), which runs the README's
    // test command.
    let ci = std::fs::read_to_string(root().join(".github/workflows/ci.yml")).unwrap();
    assert!(ci.contains("bash .ci/run"));
    let run = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(
        run.lines().any(|l| l.trim() == "./scripts/test.sh"),
        "{run}"
    );
}
