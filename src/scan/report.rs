//! The machine-readable forms of a scan: vaultfile's own JSON, and SARIF 2.1.0 for GitHub
//! code scanning and other SARIF viewers.
//!
//! Both are built for the caller to serialize and write; the library prints nothing.
//!
//! The JSON form is stable (fields are only ever added), one finding per line:
//!
//! ```json
//! {
//!   "version": 1,
//!   "files_scanned": 12,
//!   "findings": [
//!     {"rule":"aws-access-token","description":"…","path":"deploy/app.env","line":3,"column":19,"secret":"AKIA…","fingerprint":"deploy/app.env:aws-access-token:0011223344556677"}
//!   ]
//! }
//! ```

use std::io::{self, Write};

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{Finding, Outcome, UNENCRYPTED_PROTECTED};

/// The version of the JSON form.
pub const JSON_VERSION: u64 = 1;

/// The key of vaultfile's fingerprint in SARIF `partialFingerprints`.
pub const SARIF_FINGERPRINT_KEY: &str = "vaultfileFingerprint/v1";

/// Writes vaultfile's JSON form of `outcome` to `out`: the envelope indented, and each
/// finding on a line of its own.
///
/// One finding per line reads well, greps and diffs well, and lets the findings be
/// rendered side by side on every core: a scan can have tens of thousands of them, and
/// one pretty-printer on one core took longer than finding them.
pub fn write_json(outcome: &Outcome, out: &mut impl Write) -> io::Result<()> {
    write!(
        out,
        "{{\n  \"version\": {JSON_VERSION},\n  \"files_scanned\": {},\n  \"findings\": [",
        outcome.files_scanned
    )?;
    let chunks: Vec<Vec<u8>> = outcome
        .findings
        .par_chunks(1024)
        .map(|chunk| {
            let mut buf = Vec::with_capacity(chunk.len() * 256);
            for f in chunk {
                buf.extend_from_slice(b"\n    ");
                serde_json::to_writer(&mut buf, &JsonFinding::from(f))
                    .expect("a finding serializes: strings and numbers only");
                buf.push(b',');
            }
            buf
        })
        .collect();
    let count = chunks.len();
    for (i, mut chunk) in chunks.into_iter().enumerate() {
        if i + 1 == count {
            chunk.pop(); // The last finding's comma.
        }
        out.write_all(&chunk)?;
    }
    let indent = if outcome.findings.is_empty() {
        ""
    } else {
        "\n  "
    };
    writeln!(out, "{indent}]\n}}")
}

/// One finding in the JSON form (see the module docs); field order is the output's.
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

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule_id,
            description: &f.description,
            path: &f.path,
            line: f.line,
            column: f.column,
            secret: &f.redacted,
            fingerprint: &f.fingerprint,
        }
    }
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
            } else {
                &f.description
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
                "ruleIndex": rule_index(f.rule_id),
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
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(path, PATH).to_string()
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
                    rule_id: "aws-access-token",
                    description: "AWS key".into(),
                    path: "a b/c.env".into(),
                    line: 3,
                    column: 7,
                    redacted: "AKIA…".into(),
                    fingerprint: "a b/c.env:aws-access-token:0011223344556677".into(),
                },
                Finding {
                    rule_id: UNENCRYPTED_PROTECTED,
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

    fn json(outcome: &Outcome) -> (String, Value) {
        let mut out = Vec::new();
        write_json(outcome, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let v = serde_json::from_str(&text).expect("the output is JSON");
        (text, v)
    }

    #[test]
    fn json_shape() {
        let (text, v) = json(&outcome());
        // The envelope indented, one finding per line.
        assert!(text.starts_with("{\n  \"version\": 1,\n  \"files_scanned\": 2,\n"));
        assert_eq!(text.lines().filter(|l| l.starts_with("    {")).count(), 2);
        assert!(text.ends_with("}\n  ]\n}\n"));
        assert_eq!(v["version"], 1);
        assert_eq!(v["files_scanned"], 2);
        assert_eq!(v["findings"][0]["rule"], "aws-access-token");
        assert_eq!(v["findings"][0]["secret"], "AKIA…");
        assert_eq!(v["findings"][1]["line"], 1);
    }

    #[test]
    fn json_of_many_findings_and_of_none() {
        // More findings than one rendering chunk holds: order kept, commas right.
        let one = outcome().findings.remove(0);
        let many = Outcome {
            findings: (1..=2500)
                .map(|line| Finding {
                    line,
                    ..one.clone()
                })
                .collect(),
            ..outcome()
        };
        let (_, v) = json(&many);
        let lines: Vec<u64> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, (1..=2500).collect::<Vec<u64>>());
        let none = Outcome {
            findings: Vec::new(),
            ..outcome()
        };
        let (text, v) = json(&none);
        assert_eq!(v["findings"], json!([]));
        assert!(text.ends_with("\"findings\": []\n}\n"), "{text}");
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
