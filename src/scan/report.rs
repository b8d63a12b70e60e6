//! The machine-readable forms of a scan: vaultfile's own JSON, and SARIF 2.1.0 for GitHub
//! code scanning and other SARIF viewers.
//!
//! Both are built for the caller to serialize and write; the library prints nothing.
//!
//! The JSON form is stable (fields are only ever added):
//!
//! ```json
//! {
//!   "version": 1,
//!   "files_scanned": 12,
//!   "findings": [
//!     { "rule": "aws-access-token", "description": "…", "path": "deploy/app.env",
//!       "line": 3, "column": 19, "secret": "AKIA…",
//!       "fingerprint": "deploy/app.env:aws-access-token:0011223344556677" }
//!   ]
//! }
//! ```

use serde_json::{Value, json};

use super::{Finding, Outcome, UNENCRYPTED_PROTECTED};

/// The version of the JSON form.
pub const JSON_VERSION: u64 = 1;

/// The key of vaultfile's fingerprint in SARIF `partialFingerprints`.
pub const SARIF_FINGERPRINT_KEY: &str = "vaultfileFingerprint/v1";

/// vaultfile's JSON form of `outcome`, ready to serialize.
///
/// Typed rather than a `serde_json::Value`: a scan can have tens of thousands of findings,
/// and building a map per finding took longer than finding them.
pub fn json(outcome: &Outcome) -> JsonReport<'_> {
    JsonReport {
        version: JSON_VERSION,
        files_scanned: outcome.files_scanned,
        findings: outcome
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: &f.rule_id,
                description: &f.description,
                path: &f.path,
                line: f.line,
                column: f.column,
                secret: &f.redacted,
                fingerprint: &f.fingerprint,
            })
            .collect(),
    }
}

/// The JSON form (see the module docs); field order is the output's.
#[derive(Debug, serde::Serialize)]
pub struct JsonReport<'a> {
    version: u64,
    files_scanned: usize,
    findings: Vec<JsonFinding<'a>>,
}

/// One finding in the JSON form.
#[derive(Debug, serde::Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    description: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    secret: &'a str,
    fingerprint: &'a str,
}

/// A SARIF 2.1.0 log of `outcome`, with `tool_version` as the driver's version. The
/// driver lists the rules that have results; each result points at its file (relative
/// to `%SRCROOT%`, the repository's top directory), line and column, and carries the
/// finding's fingerprint in `partialFingerprints`.
pub fn sarif(outcome: &Outcome, tool_version: &str) -> Value {
    let mut rules: Vec<&Finding> = Vec::new();
    for f in &outcome.findings {
        if !rules.iter().any(|r| r.rule_id == f.rule_id) {
            rules.push(f);
        }
    }
    let rule_index = |id: &str| rules.iter().position(|r| r.rule_id == id).unwrap_or(0);
    let driver_rules: Vec<Value> = rules
        .iter()
        .map(|f| {
            // The unencrypted-file description names the reason; the rule's is generic.
            let text = if f.rule_id == UNENCRYPTED_PROTECTED {
                "A file that .vaultfile.yaml or filter=vaultfile protects is not encrypted"
                    .to_owned()
            } else {
                f.description.clone()
            };
            json!({
                "id": f.rule_id,
                "name": f.rule_id,
                "shortDescription": { "text": text },
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["security", "secret"] },
            })
        })
        .collect();
    let results: Vec<Value> = outcome
        .findings
        .iter()
        .map(|f| {
            let message = if f.redacted.is_empty() {
                format!("{}: {}", f.rule_id, f.description)
            } else {
                format!("{}: {} (secret: {})", f.rule_id, f.description, f.redacted)
            };
            json!({
                "ruleId": f.rule_id,
                "ruleIndex": rule_index(&f.rule_id),
                "level": "error",
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": f.line, "startColumn": f.column },
                    }
                }],
                "partialFingerprints": { SARIF_FINGERPRINT_KEY: f.fingerprint },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "vaultfile",
                    "semanticVersion": tool_version,
                    "version": tool_version,
                    "rules": driver_rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// A relative path as a URI reference: `/` kept, every byte outside RFC 3986's unreserved
/// set percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> Outcome {
        Outcome {
            root: "/r".into(),
            files_scanned: 2,
            findings: vec![
                Finding {
                    rule_id: "aws-access-token".into(),
                    description: "AWS key".into(),
                    path: "a b/c.env".into(),
                    line: 3,
                    column: 7,
                    redacted: "AKIA…".into(),
                    fingerprint: "a b/c.env:aws-access-token:0011223344556677".into(),
                },
                Finding {
                    rule_id: UNENCRYPTED_PROTECTED.into(),
                    description: "not encrypted".into(),
                    path: "secrets.yaml".into(),
                    line: 1,
                    column: 1,
                    redacted: String::new(),
                    fingerprint: "secrets.yaml:unencrypted-protected-file".into(),
                },
            ],
        }
    }

    #[test]
    fn json_shape() {
        let v = serde_json::to_value(json(&outcome())).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["files_scanned"], 2);
        assert_eq!(v["findings"][0]["rule"], "aws-access-token");
        assert_eq!(v["findings"][0]["secret"], "AKIA…");
        assert_eq!(v["findings"][1]["line"], 1);
    }

    #[test]
    fn sarif_shape() {
        let v = sarif(&outcome(), "0.1.0");
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 2);
        let r = &run["results"][0];
        assert_eq!(r["ruleIndex"], 0);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "a%20b/c.env"
        );
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        assert_eq!(run["results"][1]["ruleIndex"], 1);
    }
}
