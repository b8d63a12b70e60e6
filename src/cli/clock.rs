//! The CLI's clock: the time recorded as a new data key's creation time, and the "now" that
//! `vaultfile status` measures data-key ages against.
//!
//! It is the system clock, unless `VAULTFILE_TEST_NOW` holds an RFC 3339 time
//! (`2026-01-01T00:00:00Z`). That variable exists **for tests only**: it lets a test encrypt
//! files "in January", rotate one "in April" and check what `status --max-age` says "in
//! June", without sleeping or patching the system clock. Outside tests it would let anyone
//! forge rotation evidence, which is why it is honoured only by the CLI (the library takes
//! the time as an argument), and why a malformed value is an error rather than silently
//! ignored: a test that thinks it set the clock must not run on the real one.
//!
//! Release builds do not read the variable at all: it is compiled in only with debug
//! assertions (the builds `cargo test` makes) or the `test-clock` feature, which no release
//! build enables, so an installed vaultfile always uses the system clock.

use std::time::SystemTime;

use super::error::CliError;
#[cfg(any(debug_assertions, feature = "test-clock", test))]
use super::error::ExitKind;

/// The environment variable that sets the clock, for tests only.
#[cfg(any(debug_assertions, feature = "test-clock", test))]
pub const TEST_NOW_VAR: &str = "VAULTFILE_TEST_NOW";

/// The current time: `VAULTFILE_TEST_NOW` when it is set (tests only), else the system clock.
#[cfg(any(debug_assertions, feature = "test-clock"))]
pub fn now() -> Result<SystemTime, CliError> {
    match std::env::var_os(TEST_NOW_VAR) {
        None => Ok(SystemTime::now()),
        Some(v) => parse(&v.to_string_lossy()),
    }
}

/// The current time: the system clock (release builds have no test clock).
#[cfg(not(any(debug_assertions, feature = "test-clock")))]
pub fn now() -> Result<SystemTime, CliError> {
    Ok(SystemTime::now())
}

#[cfg(any(debug_assertions, feature = "test-clock", test))]
fn parse(value: &str) -> Result<SystemTime, CliError> {
    humantime::parse_rfc3339_weak(value.trim()).map_err(|e| {
        CliError::new(
            ExitKind::Usage,
            format!("{TEST_NOW_VAR}='{value}' is not an RFC 3339 time: {e}"),
        )
        .hint(format!(
            "{TEST_NOW_VAR} is meant for tests only (e.g. 2026-01-01T00:00:00Z); unset it to use the system clock"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc3339_and_refuses_anything_else() {
        let t = parse("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(
            humantime::format_rfc3339_seconds(t).to_string(),
            "2026-01-01T00:00:00Z"
        );
        for bad in ["", "yesterday", "2026-13-01T00:00:00Z", "1767225600"] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.kind, ExitKind::Usage, "{bad}");
            assert!(e.message.contains(TEST_NOW_VAR), "{}", e.message);
            assert!(e.hints[0].contains("tests only"));
        }
    }
}
