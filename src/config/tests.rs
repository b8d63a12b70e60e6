use super::*;

const AGE_A: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
const AGE_B: &str = "age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg";

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/repo/.vaultfile.yaml"))
}

fn err_at(text: &str) -> (Option<usize>, String) {
    let e = parse(text).expect_err("invalid config");
    assert!(e.to_string().starts_with("/repo/.vaultfile.yaml"), "{e}");
    (e.line, e.message)
}

#[test]
fn parses_the_design_example() {
    let c = parse(&format!(
        "creation_rules:                 # first match wins
  - path_regex: ^config/prod/.*\\.ya?ml$
    recipients: [{AGE_A}, \"ssh-ed25519 AAAAC3Nza test\"]
    unencrypted_regex: ^(user|host|port)$
  - path_regex: \\.env$
    key_groups:
      - [{AGE_A}, {AGE_B}]
      - [\"{KMS}\"]
      - [\"{TRANSIT}\"]
    threshold: 2
",
        KMS = crate::keys::examples::kms_arn("eu-west-1", "key/x"),
        TRANSIT = crate::keys::examples::transit("https://vault.internal:8200/transit/keys/app"),
    ))
    .unwrap();
    assert_eq!(c.dir, Path::new("/repo"));
    assert_eq!(c.creation_rules.len(), 2);
    let r = &c.creation_rules[0];
    assert_eq!(r.line, 2);
    assert_eq!(r.recipients, [AGE_A, "ssh-ed25519 AAAAC3Nza test"]);
    assert_eq!(
        r.rules.unencrypted_regex.as_deref(),
        Some("^(user|host|port)$")
    );
    assert!(r.key_groups.is_empty() && r.threshold.is_none());
    let r = &c.creation_rules[1];
    assert_eq!(r.line, 5);
    assert_eq!(r.key_groups.len(), 3);
    assert_eq!(r.key_groups[0], [AGE_A, AGE_B]);
    assert_eq!(r.threshold, Some(2));
    assert!(r.recipients.is_empty() && r.rules.is_empty());
}

#[test]
fn comma_separated_recipients_string() {
    let c = parse(&format!(
        "creation_rules:\n  - recipients: \"{AGE_A}, {AGE_B},\"\n"
    ))
    .unwrap();
    assert_eq!(c.creation_rules[0].recipients, [AGE_A, AGE_B]);
    let c = parse(&format!("creation_rules:\n  - recipients: {AGE_A}\n")).unwrap();
    assert_eq!(c.creation_rules[0].recipients, [AGE_A]);
}

#[test]
fn empty_file_has_no_rules() {
    for text in ["", "# nothing yet\n", "creation_rules: []\n"] {
        assert!(parse(text).unwrap().creation_rules.is_empty());
    }
}

#[test]
fn schema_errors_name_their_line() {
    let cases: &[(&str, usize, &str)] = &[
        ("creation_rulez: []\n", 1, "unknown field `creation_rulez`"),
        (
            "creation_rules:\n  - path_regex: a\n    recipientz: [x]\n",
            3,
            "unknown field `recipientz`",
        ),
        (
            "creation_rules:\n  - recipients: [x]\n    age: age1x\n",
            3,
            "`recipients`",
        ),
        (
            "creation_rules:\n  - recipients: [x]\n  - path_regex: [a]\n    recipients: [x]\n",
            3,
            "string",
        ),
        ("creation_rules:\n  - recipients: 5\n", 2, "comma-separated"),
        (
            "creation_rules:\n  - recipients: [x]\n\n  - path_regex: (unclosed\n    recipients: [x]\n",
            4,
            "invalid path_regex",
        ),
        (
            "creation_rules:\n  - recipients: [x]\n    encrypted_regex: '[a-'\n",
            3,
            "invalid encrypted_regex",
        ),
        (
            "creation_rules:\n  - recipients: [x]\n    unencrypted_regex: '(a'\n",
            3,
            "invalid unencrypted_regex",
        ),
        (
            "creation_rules:\n  - path_regex: a\n    recipients: [x]\n    key_groups: [[y]]\n",
            2,
            "both `recipients` and `key_groups`",
        ),
        (
            "creation_rules:\n  - recipients: [x]\n  - path_regex: a\n",
            3,
            "no `recipients` and no `key_groups`",
        ),
        (
            "creation_rules:\n  - path_regex: a\n    recipients: []\n",
            3,
            "`recipients` is empty",
        ),
        (
            "creation_rules:\n  - key_groups:\n      - [x]\n      - []\n",
            4,
            "key group 2 is empty",
        ),
        (
            "creation_rules:\n  - key_groups: [[x], [y]]\n    threshold: 3\n",
            3,
            "between 1 and the number of key groups (2)",
        ),
        (
            "creation_rules:\n  - key_groups: [[x], [y]]\n    threshold: 0\n",
            3,
            "threshold 0",
        ),
        (
            "creation_rules:\n  - key_groups: [[x], [y]]\n    threshold: -1\n",
            3,
            "whole number",
        ),
        (
            "creation_rules:\n  - key_groups: [[x], [y]]\n    threshold: two\n",
            3,
            "whole number",
        ),
        (
            "creation_rules:\n  - recipients: [x]\n    threshold: 1\n",
            3,
            "only applies to `key_groups`",
        ),
        (
            "creation_rules:\n  - recipients: [x]\n    recipients: [y]\n",
            3,
            "duplicate",
        ),
        ("creation_rules:\n  - recipients: [x\n", 2, "unclosed"),
    ];
    for (text, line, needle) in cases {
        let (got_line, msg) = err_at(text);
        assert_eq!(got_line, Some(*line), "{text:?}: {msg}");
        assert!(msg.contains(needle), "{text:?}: {msg}");
        assert!(!msg.contains('\n'), "{msg}");
    }
}

#[test]
fn error_display_is_path_line_message() {
    let e = parse("creation_rulez: []\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/repo/.vaultfile.yaml:1: unknown field `creation_rulez`"),
        "{e}"
    );
    let e = Config::load(Path::new("/nonexistent/.vaultfile.yaml")).unwrap_err();
    assert_eq!(e.line, None);
    assert!(
        e.to_string()
            .starts_with("/nonexistent/.vaultfile.yaml: cannot read"),
        "{e}"
    );
}

fn rules(text: &str) -> Config {
    parse(&format!("creation_rules:\n{text}")).unwrap()
}

#[test]
fn scan_section() {
    let c = parse(
            "scan:\n  allow_paths: [\"docs/**\", \"*.md\"]\n  allow_fingerprints:\n    - a.env:generic-api-key:0011223344556677\n",
        )
        .unwrap();
    assert_eq!(c.scan.allow_paths, ["docs/**", "*.md"]);
    assert_eq!(
        c.scan.allow_fingerprints,
        ["a.env:generic-api-key:0011223344556677"]
    );
    assert!(parse("").unwrap().scan.allow_paths.is_empty());
    // A bad glob and an unknown key are errors on their line.
    let (line, msg) = err_at("creation_rules: []\nscan:\n  allow_paths:\n    - \"a[\"\n");
    assert_eq!(line, Some(4), "{msg}");
    assert!(msg.contains("invalid scan.allow_paths glob 'a['"), "{msg}");
    let (line, msg) = err_at("scan:\n  allow_path: [x]\n");
    assert_eq!(line, Some(2), "{msg}");
    assert!(msg.contains("allow_path"), "{msg}");
}

fn line_for(c: &Config, file: &str) -> Option<usize> {
    c.rule_for(Path::new(file)).map(|r| r.line)
}

#[test]
fn first_match_wins() {
    let c = rules(
        "  - path_regex: ^secrets/prod/\n    recipients: [a]\n  - path_regex: ^secrets/\n    recipients: [b]\n  - recipients: [c]\n",
    );
    assert_eq!(line_for(&c, "/repo/secrets/prod/db.yaml"), Some(2));
    assert_eq!(line_for(&c, "/repo/secrets/dev/db.yaml"), Some(4));
    assert_eq!(line_for(&c, "/repo/other.yaml"), Some(6));
}

#[test]
fn matching_is_relative_to_the_config_dir() {
    let c = rules("  - path_regex: ^config/.*\\.yaml$\n    recipients: [a]\n");
    assert_eq!(
        c.relative_path(Path::new("/repo/config/x.yaml")).as_deref(),
        Some("config/x.yaml")
    );
    assert_eq!(line_for(&c, "/repo/config/x.yaml"), Some(2));
    assert_eq!(line_for(&c, "/repo/./config/sub/../x.yaml"), Some(2));
    assert_eq!(line_for(&c, "/repo/sub/config/x.yaml"), None);
    assert_eq!(line_for(&c, "/elsewhere/config/x.yaml"), None);
    assert_eq!(c.relative_path(Path::new("/repo")), None);
    // Relative paths are taken against the current directory.
    let dir = tempfile::tempdir().unwrap();
    let cfg = Config::parse(
        "creation_rules:\n  - path_regex: ^src/\n    recipients: [a]\n",
        &dir.path().join(FILE_NAME),
    )
    .unwrap();
    let cwd = std::env::current_dir().unwrap();
    let rel = cwd.join("src/lib.rs");
    assert_eq!(cfg.rule_for(&rel).map(|r| r.line), None);
    let c2 = Config::parse(
        "creation_rules:\n  - path_regex: ^src/lib\\.rs$\n    recipients: [a]\n",
        &cwd.join(FILE_NAME),
    )
    .unwrap();
    assert_eq!(
        c2.rule_for(Path::new("src/lib.rs")).map(|r| r.line),
        Some(2)
    );
    assert_eq!(
        c2.rule_for(Path::new("./src/../src/lib.rs"))
            .map(|r| r.line),
        Some(2)
    );
}

#[cfg(unix)]
#[test]
fn matching_sees_through_a_symlinked_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir_all(real.join("secrets")).unwrap();
    std::os::unix::fs::symlink(&real, tmp.path().join("link")).unwrap();
    let c = Config::parse(
        "creation_rules:\n  - path_regex: ^secrets/\n    recipients: [a]\n",
        &tmp.path().join("link").join(FILE_NAME),
    )
    .unwrap();
    assert!(c.rule_for(&real.join("secrets/x.yaml")).is_some());
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const ONE_RULE: &str = "creation_rules:\n  - recipients: [a]\n";

#[test]
fn discovery_walks_up_from_a_nested_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo.join(FILE_NAME), ONE_RULE);
    let nested = repo.join("a/b/c");
    std::fs::create_dir_all(&nested).unwrap();
    let c = Config::discover(&nested).unwrap().expect("found");
    assert_eq!(c.path, repo.join(FILE_NAME));
    assert_eq!(c.dir, repo);
    // The nearest file wins.
    write(&repo.join("a").join(FILE_NAME), ONE_RULE);
    let c = Config::discover(&nested).unwrap().expect("found");
    assert_eq!(c.dir, repo.join("a"));
    // A broken file is an error, not a reason to keep looking.
    write(&repo.join("a/b").join(FILE_NAME), "creation_rules: 5\n");
    let e = Config::discover(&nested).unwrap_err();
    assert_eq!(e.path, repo.join("a/b").join(FILE_NAME));
    assert_eq!(e.line, Some(1));
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let tmp = tempfile::tempdir().unwrap();
    // A configuration above the repository is not used.
    write(&tmp.path().join(FILE_NAME), ONE_RULE);
    let repo = tmp.path().join("repo");
    // `.git` as a file (a worktree or submodule) marks the root too.
    write(&repo.join(".git"), "gitdir: /elsewhere\n");
    std::fs::create_dir_all(repo.join("sub")).unwrap();
    assert!(Config::discover(&repo.join("sub")).unwrap().is_none());
    assert!(Config::discover(&repo).unwrap().is_none());
    // Outside a repository the walk continues up.
    let plain = tmp.path().join("plain/sub");
    std::fs::create_dir_all(&plain).unwrap();
    let c = Config::discover(&plain).unwrap().expect("found");
    assert_eq!(c.dir, tmp.path());
}

fn pats(re: &str) -> Option<Vec<String>> {
    path_regex_to_patterns(re)
}

fn v(p: &[&str]) -> Option<Vec<String>> {
    Some(p.iter().map(|s| s.to_string()).collect())
}

#[test]
fn path_regex_to_patterns_cases() {
    assert_eq!(pats(r"\.enc\.yaml$"), v(&["*.enc.yaml"]));
    assert_eq!(pats(r"\.env$"), v(&["*.env"]));
    assert_eq!(pats(r"^secrets/"), v(&["/secrets/**"]));
    assert_eq!(pats(r"^secrets/.*\.yaml$"), v(&["/secrets/**/*.yaml"]));
    assert_eq!(
        pats(r"^config/prod/.*\.ya?ml$"),
        v(&["/config/prod/**/*.yaml", "/config/prod/**/*.yml"])
    );
    assert_eq!(pats(r"\.(yaml|yml)$"), v(&["*.yaml", "*.yml"]));
    assert_eq!(pats(r"\.(?:json|toml)$"), v(&["*.json", "*.toml"]));
    assert_eq!(pats(r"\.json$|\.toml$"), v(&["*.json", "*.toml"]));
    assert_eq!(pats(r"^\.env$"), v(&["/.env"]));
    assert_eq!(pats(r"\A\.env\z"), v(&["/.env"]));
    assert_eq!(pats(r"^secrets"), v(&["/secrets*", "/secrets*/**"]));
    assert_eq!(
        pats(r"^secrets.*\.yaml$"),
        v(&["/secrets*.yaml", "/secrets*/**/*.yaml"])
    );
    assert_eq!(
        pats(r"^config/prod-.*\.yaml$"),
        v(&["/config/prod-*.yaml", "/config/prod-*/**/*.yaml"])
    );
    assert_eq!(pats(r"/secrets\.yaml$"), v(&["**/*/secrets.yaml"]));
    assert_eq!(pats(r"^a/.*/b$"), v(&["/a/**/*/b"]));
    assert_eq!(pats(r"secret"), v(&["*secret*", "**/*secret*/**"]));
    assert_eq!(pats(r"prod/db\.yaml$"), v(&["**/*prod/db.yaml"]));
    assert_eq!(pats(r".*"), v(&["*"]));
    assert_eq!(pats(r""), v(&["*"]));
    // Not expressible exactly, or not understood.
    for re in [
        r"^secrets/(",
        r"\.ya+ml$",
        r"[ab]\.yaml$",
        r".yaml$",
        r"\d+\.yaml$",
        r"(?i)\.yaml$",
        r"^/abs",
        r"dir/$",
        r"a^b",
        r"^$",
        r"a b\.yaml$",
        r"\*\.yaml$",
        r"a{2}",
        r"^(?P<x>a)",
        r"(a|b)(c|d)(e|f)(g|h)(i|j)\.yaml$",
    ] {
        assert_eq!(pats(re), None, "{re}");
    }
}

/// Checks the translations against git itself: for sample paths, `git check-attr` on the
/// patterns must agree with the regex. Skipped when git is not installed.
#[test]
fn path_regex_to_patterns_agrees_with_git() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if Command::new("git").arg("--version").output().is_err() {
        return;
    }
    let regexes = [
        r"\.enc\.yaml$",
        r"^secrets/",
        r"^secrets/.*\.yaml$",
        r"^config/prod/.*\.ya?ml$",
        r"^secrets",
        r"^config/prod-.*\.yaml$",
        r"/secrets\.yaml$",
        r"^a/.*/b$",
        r"secret",
        r"prod/db\.yaml$",
        r"(^|/)\.env$",
        r"secrets/.*\.yaml",
        r"\.ya?ml",
        r"^secrets.*\.yaml$",
    ];
    let paths = [
        "x.enc.yaml",
        ".enc.yaml",
        "a/x.enc.yaml",
        "a/b/x.enc.yaml.bak",
        "x.enc.yamlx",
        "secrets",
        "secrets.yaml",
        "secrets/a",
        "secrets/.yaml",
        "secrets/a.yaml",
        "secrets/a/b.yaml",
        "secrets/a.yaml/c",
        "secretsx/a.yaml",
        "a/secrets/b.yaml",
        "xsecrets/b.yaml",
        "config/prod/a.yml",
        "config/prod/a.yaml",
        "config/prod/x/a.yml",
        "config/prod.yaml",
        "config/prod-eu.yaml",
        "config/prod-eu/a/b.yaml",
        "config/prod-/c.yaml",
        "config/prod-eu/a.yml",
        "a/b",
        "a/x/b",
        "a/x/y/b",
        "a/bb",
        "b/a/x/b",
        "x/secrets.yaml",
        "x/y/secrets.yaml",
        "top-secret.txt",
        "dir/secret/x",
        "prod/db.yaml",
        "aprod/db.yaml",
        "x/prod/db.yaml",
        "x/aprod/db.yaml",
        ".env",
        "a/.env",
        "a.env",
        "a/b/.env",
    ];
    for re in regexes {
        let patterns = path_regex_to_patterns(re).unwrap_or_else(|| panic!("{re}"));
        let regex = Regex::new(re).unwrap();
        let repo = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            Command::new("git")
                .current_dir(repo.path())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        };
        assert!(git(&["init", "-q"]).wait().unwrap().success());
        let attrs: String = patterns.iter().map(|p| format!("{p} vf\n")).collect();
        std::fs::write(repo.path().join(".gitattributes"), attrs).unwrap();
        let mut child = git(&["check-attr", "--stdin", "vf"]);
        let input: String = paths.iter().map(|p| format!("{p}\n")).collect();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for (line, path) in text.lines().zip(paths) {
            let by_git = line.ends_with(": vf: set");
            assert_eq!(
                by_git,
                regex.is_match(path),
                "regex {re} vs patterns {patterns:?} on {path}"
            );
        }
        assert_eq!(text.lines().count(), paths.len());
    }
}

/// `require_post_quantum` takes post-quantum age keys and key services' symmetric keys,
/// and refuses X25519 and SSH keys, naming the rule's line.
#[test]
fn require_post_quantum_refuses_classical_recipients() {
    let pq = crate::keys::age::pq::Identity::generate()
        .to_public()
        .to_string();
    let kms = crate::keys::examples::kms_arn("eu-west-1", "alias/prod");
    let ok =
        format!("creation_rules:\n  - recipients: [{pq}, {kms}]\n    require_post_quantum: true\n");
    assert!(Config::parse(&ok, Path::new("/r/.vaultfile.yaml")).is_ok());
    let x25519 = ::age::x25519::Identity::generate().to_public().to_string();
    for classical in [
        x25519.as_str(),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl test",
    ] {
        let bad = format!(
            "creation_rules:\n  - key_groups: [[{pq}], [\"{classical}\"]]\n    require_post_quantum: true\n"
        );
        let e = Config::parse(&bad, Path::new("/r/.vaultfile.yaml")).unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("require_post_quantum"), "{e}");
    }
}
