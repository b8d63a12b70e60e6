//! The CLI's help, errors, hints and exit codes as data: every `tests/cmd/*.toml` is one
//! command line, run in a copy of its input directory with a hermetic environment, and its
//! `.stdout`, `.stderr` and exit status must match. How to read, run and bless the cases:
//! `tests/cmd/README.md`.

use std::path::Path;

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .register_bin("vaultfile", Path::new(env!("CARGO_BIN_EXE_vaultfile")))
        .case("tests/cmd/*.toml");
}
