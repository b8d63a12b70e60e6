//! The release pipeline, as far as it runs without GitHub (docs/releases.md).
//!
//! `.github/workflows/release.yml` and `ci.yml` are read as YAML: the tag patterns start a
//! release for version tags only (not for the moving major tag), every job runs on a runner
//! label GitHub still offers, every action is pinned by commit to a release that runs on
//! Node 24, one job publishes after the whole build matrix, and nothing hides a failure. The
//! workflow's own `run:` scripts (the tag check, packaging, checksums, moving the major tag)
//! are then run here on a binary built here, with stand-ins for `gh` and `curl`; the archive
//! they make is checked as docs/releases.md says, and installed with `action.yml`'s install
//! script. Building on GitHub's runners, attesting and publishing need GitHub.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::guides::blocks;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The version in Cargo.toml.
fn version() -> String {
    let cargo = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \"")?.strip_suffix('"'))
        .unwrap()
        .to_owned()
}

/// GitHub's filter pattern syntax (`*`, `+`, `?`, `[…]`) as a regular expression.
fn github_pattern(p: &str) -> regex::Regex {
    let mut re = String::from("^");
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                re.push_str(".*");
            }
            '*' => re.push_str("[^/]*"),
            '+' | '?' => re.push(c),
            '[' => {
                re.push('[');
                for c in chars.by_ref() {
                    re.push(c);
                    if c == ']' {
                        break;
                    }
                }
            }
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).unwrap()
}

#[test]
fn release_runs_for_version_tags_only() {
    let wf = yaml(".github/workflows/release.yml");
    let patterns: Vec<regex::Regex> = wf["on"]["push"]["tags"]
        .as_array()
        .expect("on.push.tags")
        .iter()
        .map(|p| github_pattern(p.as_str().unwrap()))
        .collect();
    assert!(wf["on"]["push"].get("branches").is_none());
    let starts = |tag: &str| patterns.iter().any(|p| p.is_match(tag));
    for tag in [
        "v0.1.0",
        "v1.2.3",
        "v10.20.30",
        "v0.2.0-rc.1",
        &format!("v{}", version()),
    ] {
        assert!(starts(tag), "{tag} must start a release");
    }
    // The moving major tag, and anything else, must not.
    for tag in ["v0", "v1", "v0.1", "latest", "v1.x", "0.1.0", "vx.y.z"] {
        assert!(!starts(tag), "{tag} must not start a release");
    }
}

/// Runner labels GitHub offers (standard hosted runners), and ones it has retired.
const CURRENT_RUNNERS: &[&str] = &[
    "ubuntu-latest",
    "ubuntu-24.04",
    "ubuntu-22.04",
    "ubuntu-24.04-arm",
    "ubuntu-22.04-arm",
    "macos-latest",
    "macos-26",
    "macos-15",
    "macos-14",
    "macos-15-intel",
    "windows-latest",
    "windows-2025",
    "windows-2022",
    "windows-11-arm",
];
const RETIRED_RUNNERS: &[&str] = &[
    "macos-13",
    "macos-12",
    "macos-11",
    "macos-10.15",
    "ubuntu-20.04",
    "ubuntu-18.04",
    "windows-2019",
];

/// Every label a job runs on: `runs-on`, with `${{ matrix.os }}` resolved.
fn runner_labels(wf: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, job) in wf["jobs"].as_object().unwrap() {
        let runs_on = job["runs-on"].as_str().expect("runs-on is one label");
        if runs_on.contains("matrix.os") {
            for entry in job["strategy"]["matrix"]["include"].as_array().unwrap() {
                out.push((name.clone(), entry["os"].as_str().unwrap().to_owned()));
            }
            if let Some(list) = job["strategy"]["matrix"]["os"].as_array() {
                for os in list {
                    out.push((name.clone(), os.as_str().unwrap().to_owned()));
                }
            }
        } else {
            out.push((name.clone(), runs_on.to_owned()));
        }
    }
    out
}

#[test]
fn workflows_run_on_current_runners() {
    for file in [
        ".github/workflows/release.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/mutants.yml",
    ] {
        let labels = runner_labels(&yaml(file));
        assert!(!labels.is_empty());
        for (job, label) in labels {
            assert!(
                !RETIRED_RUNNERS.contains(&label.as_str()),
                "{file}: job {job} runs on {label}, which GitHub retired"
            );
            assert!(
                CURRENT_RUNNERS.contains(&label.as_str()),
                "{file}: job {job} runs on {label}, not a runner label known here (add it to CURRENT_RUNNERS if GitHub offers it)"
            );
        }
    }
    // The release builds each of the four targets on its own platform.
    let wf = yaml(".github/workflows/release.yml");
    let targets: Vec<&str> = wf["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin"
        ]
    );
}

/// The first release of each action that runs on Node 24 (Node 20 leaves GitHub's runners
/// in 2026), as (major, minor).
const NODE24_FROM: &[(&str, (u32, u32))] = &[
    ("actions/checkout", (5, 0)),
    ("actions/upload-artifact", (6, 0)),
    ("actions/download-artifact", (7, 0)),
    ("actions/attest-build-provenance", (3, 0)),
    ("Swatinem/rust-cache", (2, 9)),
    ("softprops/action-gh-release", (3, 0)),
    ("aws-actions/configure-aws-credentials", (6, 0)),
];

/// `uses:` references in a file: (action, ref, the version in a trailing comment).
fn uses(text: &str) -> Vec<(String, String, Option<String>)> {
    let re = regex::Regex::new(r"uses:\s*([^@\s`]+)@([A-Za-z0-9._-]+)(?:\s*#\s*(v[0-9][0-9.]*))?")
        .unwrap();
    re.captures_iter(text)
        .map(|c| {
            (
                c[1].to_owned(),
                c[2].to_owned(),
                c.get(3).map(|m| m.as_str().to_owned()),
            )
        })
        .collect()
}

fn major_minor(v: &str) -> (u32, u32) {
    let mut parts = v.trim_start_matches('v').split('.');
    let major = parts.next().unwrap().parse().unwrap();
    let minor = parts.next().map_or(0, |m| m.parse().unwrap_or(0));
    (major, minor)
}

fn node24_or_later(what: &str, action: &str, version: &str) {
    let known = NODE24_FROM.iter().find(|(a, _)| *a == action);
    let (_, from) = known.unwrap_or_else(|| {
        panic!("{what}: {action} is not in NODE24_FROM: add the first release that runs on Node 24")
    });
    assert!(
        major_minor(version) >= *from,
        "{what}: {action}@{version} runs on Node 20; use v{}.{} or later",
        from.0,
        from.1
    );
}

#[test]
fn actions_are_pinned_and_run_on_node_24() {
    // This repository's workflows: pinned by commit, the release in a comment.
    for file in [
        ".github/workflows/release.yml",
        ".github/workflows/ci.yml",
        ".github/workflows/mutants.yml",
    ] {
        let text = std::fs::read_to_string(repo().join(file)).unwrap();
        let found = uses(&text);
        assert!(!found.is_empty());
        for (action, reference, comment) in found {
            assert!(
                reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit()),
                "{file}: {action}@{reference} is not pinned by commit"
            );
            let version = comment.unwrap_or_else(|| {
                panic!("{file}: {action}@{reference} has no `# vX.Y.Z` comment")
            });
            node24_or_later(file, &action, &version);
        }
        assert!(
            !text.contains("softprops/action-gh-release"),
            "{file}: the release is made by `gh release create`, in one job"
        );
    }
    // The guides and the action's comments: current majors (tags, for readability).
    let mut pages: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.push(repo().join("action.yml"));
    pages.push(repo().join("README.md"));
    let our_tag = regex::Regex::new(r"^v[0-9]+(\.[0-9]+\.[0-9]+)?$").unwrap();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for (action, reference, _) in uses(&text) {
            let what = page.display().to_string();
            if action.ends_with("/vaultfile") {
                // This repository: a release tag or the moving major tag (docs/releases.md).
                assert!(
                    our_tag.is_match(&reference),
                    "{what}: {action}@{reference} is not a tag the release workflow makes"
                );
                continue;
            }
            node24_or_later(&what, &action, &reference);
        }
    }
}

#[test]
fn one_job_publishes_after_every_build() {
    let wf = yaml(".github/workflows/release.yml");
    assert_eq!(
        wf["permissions"],
        serde_json::json!({}),
        "no permission by default"
    );
    let jobs = wf["jobs"].as_object().unwrap();
    assert_eq!(jobs["build"]["needs"], "preflight");
    assert_eq!(jobs["publish"]["needs"], "build");
    assert!(
        jobs["publish"].get("strategy").is_none(),
        "publish is one job"
    );
    let mut creates = 0;
    for (name, job) in jobs {
        let writes = job["permissions"]["contents"] == "write";
        assert_eq!(writes, name == "publish", "only publish writes: {name}");
        for step in job["steps"].as_array().unwrap() {
            let run = step["run"].as_str().unwrap_or_default();
            creates += run.matches("gh release create").count();
            assert!(
                !run.contains("|| true") && !run.contains("2>/dev/null"),
                "job {name}: a step hides failures:\n{run}"
            );
            if let Some(shell) = step["shell"].as_str() {
                assert_eq!(shell, "bash", "job {name}: bash gives -e and pipefail");
            }
        }
    }
    assert_eq!(creates, 1, "exactly one `gh release create`");
    let publish = jobs["publish"]["steps"].to_string();
    assert!(
        publish.contains("--verify-tag"),
        "the release is made for the pushed tag only"
    );
    assert!(publish.contains("actions/attest-build-provenance"));
    assert!(publish.contains("SHA256SUMS"));
}

#[test]
fn licences_are_files_and_go_into_every_archive() {
    let cargo = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    assert!(cargo.contains("license = \"MIT OR Apache-2.0\""));
    let mit = std::fs::read_to_string(repo().join("LICENSE-MIT")).unwrap();
    assert!(mit.contains("Permission is hereby granted, free of charge"));
    let apache = std::fs::read_to_string(repo().join("LICENSE-APACHE")).unwrap();
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
}

// ---------------------------------------------------------------------------------------
// The workflow's scripts, run here.

/// The `run:` script of the step named `name` in `job`.
fn step_script(file: &str, job: &str, name: &str) -> String {
    let wf = yaml(file);
    let steps = if job.is_empty() {
        wf["runs"]["steps"].clone()
    } else {
        wf["jobs"][job]["steps"].clone()
    };
    steps
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["run"].as_str())
        .unwrap_or_else(|| panic!("{file}: no step {name:?} in {job}"))
        .to_owned()
}

/// Runs a step's script as GitHub runs `shell: bash` (`bash --noprofile --norc -eo
/// pipefail`), in `dir`, with `env`, and `stand_ins` first on PATH.
fn run_step(script: &str, dir: &Path, stand_ins: &Path, env: &[(&str, &str)]) -> Output {
    let file = dir.join(".step.sh");
    std::fs::write(&file, script).unwrap();
    let path = format!(
        "{}:{}",
        stand_ins.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("bash");
    c.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&file)
        .current_dir(dir)
        .env("PATH", path);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    std::fs::remove_file(&file).unwrap();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn executable(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A checkout as the build job has it, with a vaultfile at each target's place.
fn checkout(dir: &Path, targets: &[&str]) {
    for f in ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "Cargo.toml"] {
        std::fs::copy(repo().join(f), dir.join(f)).unwrap();
    }
    copy_dir(&repo().join("man"), &dir.join("man"));
    copy_dir(&repo().join("completions"), &dir.join("completions"));
    // The binary: a small script that runs the one built here (a debug build is hundreds of
    // megabytes, and what is checked is the archive, not the build).
    for t in targets {
        let out = dir.join("target").join(t).join("release");
        std::fs::create_dir_all(&out).unwrap();
        executable(
            &out.join("vaultfile"),
            &format!(
                "#!/bin/sh\nexec '{}' \"$@\"\n",
                env!("CARGO_BIN_EXE_vaultfile")
            ),
        );
    }
}

const TARGETS: [&str; 4] = [
    "x86_64-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
];

#[test]
fn the_tag_must_be_cargo_toml_version() {
    let tmp = tempfile::tempdir().unwrap();
    checkout(tmp.path(), &[]);
    let script = step_script(
        ".github/workflows/release.yml",
        "preflight",
        "Compare the tag with Cargo.toml",
    );
    let tag = format!("v{}", version());
    let ok = run_step(
        &script,
        tmp.path(),
        tmp.path(),
        &[("GITHUB_REF_NAME", &tag)],
    );
    assert!(ok.status.success(), "{}", text(&ok.stdout));
    let bad = run_step(
        &script,
        tmp.path(),
        tmp.path(),
        &[("GITHUB_REF_NAME", "v999.0.0")],
    );
    assert!(!bad.status.success());
    assert!(text(&bad.stdout).contains("::error::tag v999.0.0"));
}

#[test]
fn packaging_checksums_docs_and_the_action_install_work_together() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let tag = format!("v{}", version());
    let package = step_script(".github/workflows/release.yml", "build", "Package");
    let stand_ins = root.join("stand-ins");
    std::fs::create_dir_all(&stand_ins).unwrap();

    // The build job's Package step, for each target.
    let published = root.join("published");
    std::fs::create_dir_all(published.join("dist")).unwrap();
    for target in TARGETS {
        let job = root.join(format!("job-{target}"));
        std::fs::create_dir_all(&job).unwrap();
        checkout(&job, &[target]);
        let out = run_step(
            &package,
            &job,
            &stand_ins,
            &[("GITHUB_REF_NAME", &tag), ("TARGET", target)],
        );
        assert!(
            out.status.success(),
            "Package {target}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        let name = format!("vaultfile-{tag}-{target}");
        let listing = Command::new("tar")
            .args(["-tzf"])
            .arg(job.join(format!("dist/{name}.tar.gz")))
            .output()
            .unwrap();
        let listing = text(&listing.stdout);
        for f in ["vaultfile", "README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
            assert!(
                listing.lines().any(|l| l == format!("{name}/{f}")),
                "{f} missing from the archive:\n{listing}"
            );
        }
        assert!(listing.contains(&format!("{name}/man/")), "{listing}");
        assert!(
            listing.contains(&format!("{name}/completions/")),
            "{listing}"
        );
        // What download-artifact (merge-multiple) gives the publish job.
        for f in std::fs::read_dir(job.join("dist")).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), published.join("dist").join(f.file_name())).unwrap();
        }
    }

    // A missing licence or binary fails the step (no `|| true`).
    let job = root.join("job-missing");
    std::fs::create_dir_all(&job).unwrap();
    checkout(&job, &[TARGETS[0]]);
    std::fs::remove_file(job.join("LICENSE-MIT")).unwrap();
    let env = [("GITHUB_REF_NAME", tag.as_str()), ("TARGET", TARGETS[0])];
    let out = run_step(&package, &job, &stand_ins, &env);
    assert!(
        !out.status.success(),
        "a missing LICENSE-MIT must fail the release"
    );
    std::fs::copy(repo().join("LICENSE-MIT"), job.join("LICENSE-MIT")).unwrap();
    std::fs::remove_file(job.join(format!("target/{}/release/vaultfile", TARGETS[0]))).unwrap();
    let out = run_step(&package, &job, &stand_ins, &env);
    assert!(
        !out.status.success(),
        "a missing binary must fail the release"
    );

    // The publish job's Checksums step.
    let checksums = step_script(".github/workflows/release.yml", "publish", "Checksums");
    let out = run_step(&checksums, &published, &stand_ins, &[]);
    assert!(
        out.status.success(),
        "Checksums: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let sums = std::fs::read_to_string(published.join("dist/SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), 4, "{sums}");
    // With an archive missing, it stops.
    let short = root.join("short");
    copy_dir(&published, &short);
    std::fs::remove_file(short.join(format!("dist/vaultfile-{tag}-{}.tar.gz", TARGETS[3])))
        .unwrap();
    assert!(
        !run_step(&checksums, &short, &stand_ins, &[])
            .status
            .success()
    );

    // docs/releases.md, "Checking a download", as written, on the archive.
    let md = std::fs::read_to_string(repo().join("docs/releases.md")).unwrap();
    let mut ran = 0;
    for b in blocks(&md).iter().filter(|b| b.has("test")) {
        let script = b.text.replace("v0.1.0", &tag);
        let out = run_step(&script, &published.join("dist"), &stand_ins, &[]);
        assert!(
            out.status.success(),
            "docs/releases.md:{}: {}{}",
            b.line,
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).contains(&version()),
            "{}",
            text(&out.stdout)
        );
        ran += 1;
    }
    assert_eq!(ran, 1);

    // action.yml's install script, with `curl` and `gh` stand-ins serving the release.
    let dist = published.join("dist");
    executable(
        &stand_ins.join("curl"),
        &format!(
            "#!/bin/bash\nset -euo pipefail\nout=\"\"; url=\"\"\nwhile [ $# -gt 0 ]; do case \"$1\" in -o) out=\"$2\"; shift 2 ;; -*) shift ;; *) url=\"$1\"; shift ;; esac; done\ncase \"$url\" in https://github.com/OWNER/vaultfile/releases/download/{tag}/*) ;; *) echo \"unexpected URL $url\" >&2; exit 22 ;; esac\ncp \"{}/${{url##*/}}\" \"$out\"\n",
            dist.display()
        ),
    );
    executable(
        &stand_ins.join("gh"),
        &format!(
            "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"{}/gh.args\"\n",
            root.display()
        ),
    );
    let install = step_script("action.yml", "", "Install from a release");
    let runner_temp = root.join("runner-temp");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let github_path = root.join("github-path");
    let action_path = repo().display().to_string();
    let out = run_step(
        &install,
        root,
        &stand_ins,
        &[
            ("VERSION", ""),
            ("VERIFY", "true"),
            ("GH_TOKEN", "stand-in"),
            ("REPO", "OWNER/vaultfile"),
            ("ACTION_PATH", &action_path),
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
            ("RUNNER_TEMP", runner_temp.to_str().unwrap()),
            ("GITHUB_PATH", github_path.to_str().unwrap()),
        ],
    );
    assert!(
        out.status.success(),
        "action.yml install: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let added = std::fs::read_to_string(&github_path).unwrap();
    let bin = Path::new(added.trim()).join("vaultfile");
    let v = Command::new(&bin).arg("--version").output().unwrap();
    assert!(text(&v.stdout).contains(&version()));
    let gh = std::fs::read_to_string(root.join("gh.args")).unwrap();
    let gh: Vec<&str> = gh.lines().collect();
    assert_eq!(
        gh,
        [
            "attestation",
            "verify",
            &format!("vaultfile-{tag}-x86_64-unknown-linux-musl.tar.gz"),
            "--repo",
            "OWNER/vaultfile",
            "--signer-workflow",
            "OWNER/vaultfile/.github/workflows/release.yml"
        ]
    );

    // A damaged archive is refused before anything is unpacked.
    let name = format!("vaultfile-{tag}-x86_64-unknown-linux-musl.tar.gz");
    std::fs::write(dist.join(&name), b"damaged").unwrap();
    std::fs::remove_file(&github_path).unwrap();
    let out = run_step(
        &install,
        root,
        &stand_ins,
        &[
            ("VERSION", &tag),
            ("VERIFY", "false"),
            ("REPO", "OWNER/vaultfile"),
            ("ACTION_PATH", &action_path),
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
            ("RUNNER_TEMP", runner_temp.to_str().unwrap()),
            ("GITHUB_PATH", github_path.to_str().unwrap()),
        ],
    );
    assert!(!out.status.success(), "a damaged archive must be refused");
    assert!(!github_path.exists());

    // A version with no release (the action used at an unreleased commit) says what to do.
    let out = run_step(
        &install,
        root,
        &stand_ins,
        &[
            ("VERSION", "v99.0.0"),
            ("VERIFY", "false"),
            ("REPO", "OWNER/vaultfile"),
            ("ACTION_PATH", &action_path),
            ("RUNNER_OS", "Linux"),
            ("RUNNER_ARCH", "X64"),
            ("RUNNER_TEMP", runner_temp.to_str().unwrap()),
            ("GITHUB_PATH", github_path.to_str().unwrap()),
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stdout).contains("::error::cannot download")
            && text(&out.stdout).contains("version: source"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn the_major_tag_follows_the_release() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let wf = yaml(".github/workflows/release.yml");
    let step = wf["jobs"]["publish"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["name"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Move the major tag")
        })
        .expect("a step moves the major tag")
        .clone();
    assert!(
        step["if"]
            .as_str()
            .unwrap()
            .contains("!contains(github.ref_name, '-')"),
        "a pre-release does not move the major tag"
    );
    // `gh api` stand-in: the tag's commit, no major tag yet; records the rest.
    executable(
        &root.join("gh"),
        &format!(
            "#!/bin/bash\nprintf '%s\\n' \"$*\" >> \"{log}\"\ncase \"$*\" in\n  *commits/v1.2.3*) echo 0123456789abcdef0123456789abcdef01234567 ;;\n  *matching-refs*) ;;\nesac\n",
            log = root.join("gh.log").display()
        ),
    );
    let out = run_step(
        step["run"].as_str().unwrap(),
        root,
        root,
        &[
            ("GITHUB_REF_NAME", "v1.2.3"),
            ("GH_REPO", "OWNER/vaultfile"),
        ],
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let log = std::fs::read_to_string(root.join("gh.log")).unwrap();
    assert!(
        log.contains("api -X POST repos/OWNER/vaultfile/git/refs -f ref=refs/tags/v1 -f sha=0123456789abcdef0123456789abcdef01234567"),
        "{log}"
    );
}
