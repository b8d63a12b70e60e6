//! The shape of the code that `docs/ARCHITECTURE.md` promises, checked: the layers (no
//! module uses one above it), every top-level module named in that page, and no source file
//! grown past the size where it stops being readable.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each library module and the modules it may use: the layers below it and the ones its
/// row in `docs/ARCHITECTURE.md` names.
const MAY_USE: &[(&str, &[&str])] = &[
    ("path", &[]),
    ("crypto", &["path"]),
    ("format", &["crypto", "path"]),
    ("metadata", &["crypto", "format", "path"]),
    ("keys", &["crypto", "metadata", "path"]),
    ("engine", &["crypto", "format", "keys", "metadata", "path"]),
    ("config", &["keys", "path"]),
    ("policy", &["keys", "metadata", "path"]),
    (
        "git",
        &["engine", "crypto", "format", "keys", "metadata", "path"],
    ),
    (
        "sops",
        &["engine", "crypto", "format", "keys", "metadata", "path"],
    ),
    ("flatten", &["format", "path"]),
    ("k8s", &["flatten", "format", "path"]),
    (
        "audit",
        &[
            "engine", "crypto", "format", "keys", "metadata", "path", "policy", "sops",
        ],
    ),
    (
        "scan",
        &[
            "engine", "crypto", "format", "keys", "metadata", "path", "config", "git", "sops",
        ],
    ),
];

const MAX_LINES: usize = 1200;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of the library belongs to (`src/format/yaml/mod.rs` →
/// `format`); `None` for the binary's files and `lib.rs`/`main.rs`.
fn module_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?.to_owned();
    let name = first.strip_suffix(".rs").unwrap_or(&first).to_owned();
    (!matches!(name.as_str(), "cli" | "lib" | "main")).then_some(name)
}

/// The modules a file's code names as `crate::NAME` (comments and doc comments left out:
/// a link in a comment is no dependency).
fn uses(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
            rest = after;
        }
    }
    found
}

#[test]
fn no_module_uses_one_above_it() {
    let may_use: BTreeMap<&str, &[&str]> = MAY_USE.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        let allowed = may_use.get(module.as_str()).unwrap_or_else(|| {
            panic!(
                "module `{module}` has no row in MAY_USE (and in docs/ARCHITECTURE.md's code map)"
            )
        });
        let text = std::fs::read_to_string(file).unwrap();
        for used in uses(&text) {
            if used != module && !allowed.contains(&used.as_str()) {
                wrong.push(format!(
                    "{} uses crate::{used}, which `{module}` may not use",
                    file.strip_prefix(src()).unwrap().display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn architecture_md_names_every_top_level_module() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ARCHITECTURE.md"))
            .unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(src()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let module = name.strip_suffix(".rs").unwrap_or(&name).to_owned();
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        if !doc.contains(&format!("`{module}`")) && !doc.contains(&format!("`{module}/")) {
            missing.push(module);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/ARCHITECTURE.md does not name: {missing:?}"
    );
}

#[test]
fn no_source_file_is_over_1200_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files: {long:?}");
}

/// A key source's recipient prefix is its own file's business: the registry in `keys`
/// picks a source by it, and nothing else needs to know (one file outside `keys` may
/// show one in an example).
#[test]
fn key_service_prefixes_are_named_only_in_keys() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let naming: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(src().join("keys")))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.contains("arn:aws")
                || text.contains("\"vault:")
                || text.contains("\"gcpkms:")
                || text.contains("\"azkv:")
        })
        .map(|f| f.strip_prefix(src()).unwrap().display().to_string())
        .collect();
    assert!(
        naming.len() <= 1,
        "key-service prefixes outside src/keys/: {naming:?}"
    );
}
