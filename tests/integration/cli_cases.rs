//! The CLI's help, errors, hints and exit codes as data: every `tests/cmd/*.toml` is one
//! command line, run in a copy of its input directory with a hermetic environment, and its
//! `.stdout`, `.stderr` and exit status must match. How to read, run and bless the cases:
//! `tests/cmd/README.md`.

use std::path::Path;

/// The TEST-ONLY keys the cases name (`VAULTFILE_AGE_KEY_FILE = "test-only-key.txt"`). They
/// are kept with the other test keys in `tests/fixtures/cmd/` and copied into `files.in/`
/// (where `.gitignore` keeps the copies out of git) before the cases copy that directory.
const KEYS: [&str; 2] = ["test-only-key.txt", "other-test-only-key.txt"];

#[test]
fn cli_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for key in KEYS {
        std::fs::copy(
            root.join("tests/fixtures/cmd").join(key),
            root.join("tests/cmd/files.in").join(key),
        )
        .expect("copy a test key into tests/cmd/files.in");
    }
    trycmd::TestCases::new()
        .register_bin("vaultfile", Path::new(env!("CARGO_BIN_EXE_vaultfile")))
        .case("tests/cmd/*.toml");
}
