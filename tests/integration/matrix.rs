//! The cross-feature matrix: every command against every kind of input it can meet.
//!
//! Each command was written for some inputs; at the seams (aliases, SOPS files, copies
//! under another name, plaintext, several YAML documents, no key) it gave wrong answers,
//! lost data silently or crashed. Here every cell must give the right result or a
//! documented refusal with its exit code, and three rules hold for all of them:
//! - no cell panics (exit 101);
//! - a refusal says what happened on stderr and writes nothing on stdout;
//! - the commands that read one value (`get`, `decrypt --extract`, `exec-env`, `export`,
//!   `decrypt --output-type json`) give the same value for the same file and path.
//!
//! The matrix is data: a new command is one entry in `COMMANDS`, a new kind of input one
//! entry in `inputs()`, and the expected outcome of each new cell one line in `expect`.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{Env, fixtures_dir};

/// One kind of input: a file in the env's directory, and a path whose value the reading
/// commands must agree on (`None` when the input has no such value).
struct Input {
    name: &'static str,
    file: PathBuf,
    probe: Option<Probe>,
    /// Opened with the SOPS fixture's key rather than the env's.
    sops_key: bool,
}

/// A path, the value at it, and the variable name `exec-env`/`export` give it.
struct Probe {
    path: &'static str,
    value: &'static str,
    var: &'static str,
}

/// What a cell must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Exit 0.
    Ok,
    /// Refused with this exit code, a message on stderr and nothing on stdout.
    Refused(i32),
    /// A check's finding: this exit code, with its report on stdout.
    Reports(i32),
}

const PLAIN_YAML: &str = "# app\ndb:\n  password: \"s3cret-yaml\"\n  port: 5432\n";

fn inputs(env: &Env) -> Vec<Input> {
    let encrypt = |name: &str, text: &str| -> PathBuf {
        let plain = env.write(&format!("plain/{name}"), text);
        let enc = env.encrypt(&plain, &[]);
        env.write(name, enc)
    };
    let sops = fixtures_dir().join("sops/getsops-sops/age-pr1031/example.yaml");
    let yaml = encrypt("app.yaml", PLAIN_YAML);
    let copy = env.write("app.yaml.bak", std::fs::read(&yaml).unwrap());
    vec![
        Input {
            name: "yaml",
            file: yaml,
            probe: Some(Probe {
                path: "db.password",
                value: "s3cret-yaml",
                var: "DB_PASSWORD",
            }),
            sops_key: false,
        },
        Input {
            name: "json",
            file: encrypt(
                "app.json",
                "{\n  \"db\": {\"password\": \"s3cret-json\"}\n}\n",
            ),
            probe: Some(Probe {
                path: "db.password",
                value: "s3cret-json",
                var: "DB_PASSWORD",
            }),
            sops_key: false,
        },
        Input {
            name: "toml",
            file: encrypt("app.toml", "[db]\npassword = \"s3cret-toml\"\n"),
            probe: Some(Probe {
                path: "db.password",
                value: "s3cret-toml",
                var: "DB_PASSWORD",
            }),
            sops_key: false,
        },
        Input {
            name: "dotenv",
            file: encrypt("app.env", "# app\nDB_PASSWORD=s3cret-env\n"),
            probe: Some(Probe {
                path: "DB_PASSWORD",
                value: "s3cret-env",
                var: "DB_PASSWORD",
            }),
            sops_key: false,
        },
        Input {
            name: "yaml with CRLF and a BOM",
            file: encrypt("crlf.yaml", "\u{feff}db:\r\n  password: s3cret-crlf\r\n"),
            probe: Some(Probe {
                path: "db.password",
                value: "s3cret-crlf",
                var: "DB_PASSWORD",
            }),
            sops_key: false,
        },
        Input {
            name: "yaml with an alias",
            file: encrypt(
                "alias.yaml",
                "common: &pw s3cret-alias\napp:\n  password: *pw\n",
            ),
            probe: Some(Probe {
                path: "app.password",
                value: "s3cret-alias",
                var: "APP_PASSWORD",
            }),
            sops_key: false,
        },
        Input {
            name: "yaml with a merge key",
            file: encrypt(
                "merge.yaml",
                "defaults: &d\n  token: s3cret-merged\napi:\n  <<: *d\n  url: https://example.com\n",
            ),
            probe: Some(Probe {
                path: "api.token",
                value: "s3cret-merged",
                var: "API_TOKEN",
            }),
            sops_key: false,
        },
        Input {
            name: "yaml with two documents",
            file: encrypt(
                "two.yaml",
                "kind: Secret\nstringData:\n  pw: first\n---\nkind: Secret\nstringData:\n  pw: s3cret-second\n",
            ),
            probe: Some(Probe {
                path: "@1.stringData.pw",
                value: "s3cret-second",
                var: "-",
            }),
            sops_key: false,
        },
        Input {
            name: "a copy under another name",
            file: copy,
            probe: Some(Probe {
                path: "db.password",
                value: "s3cret-yaml",
                var: "DB_PASSWORD",
            }),
            sops_key: false,
        },
        Input {
            name: "binary",
            file: encrypt("blob.bin", "\u{1}binary s3cret\n"),
            probe: None,
            sops_key: false,
        },
        Input {
            name: "plaintext",
            file: env.write("plain.yaml", PLAIN_YAML),
            probe: None,
            sops_key: false,
        },
        Input {
            name: "sops",
            file: env.write("sops.yaml", std::fs::read(sops).unwrap()),
            probe: Some(Probe {
                path: "app2.db.password",
                value: "c4r1b0u",
                var: "APP2_DB_PASSWORD",
            }),
            sops_key: true,
        },
    ]
}

/// The commands, by name, and their arguments for `file` and `probe` path.
const COMMANDS: [&str; 11] = [
    "decrypt",
    "decrypt --extract",
    "decrypt --output-type json",
    "get",
    "exec-env",
    "export",
    "recipients",
    "keys check",
    "status",
    "encrypt",
    "kustomize plugin",
];

fn args(command: &str, file: &Path, path: &str) -> Vec<String> {
    let f = file.display().to_string();
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match command {
        "decrypt" => v(&["decrypt", &f]),
        "decrypt --extract" => v(&["decrypt", "--extract", path, &f]),
        "decrypt --output-type json" => v(&["decrypt", "--output-type", "json", &f]),
        "get" => v(&["get", &f, path]),
        "exec-env" => v(&["exec-env", &f, "--", "env"]),
        "export" => v(&["export", "--format", "dotenv", &f]),
        "recipients" => v(&["recipients", &f]),
        "keys check" => v(&["keys", "check", &f]),
        "status" => v(&["status", &f]),
        "encrypt" => v(&[
            "encrypt",
            "-r",
            "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            &f,
        ]),
        "kustomize plugin" => {
            // A generator beside the file, making a Secret of its values.
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let generator = file.with_file_name(format!("{name}.generator"));
            std::fs::write(
                &generator,
                format!(
                    "apiVersion: vaultfile.dev/v1\nkind: SecretGenerator\nsecretFrom:\n  - metadata: {{name: app}}\n    envs: [\"{name}\"]\n"
                ),
            )
            .unwrap();
            v(&["kustomize", "plugin", &generator.display().to_string()])
        }
        other => panic!("unknown command {other}"),
    }
}

/// The expected outcome of each cell; one line per exception to "it works".
fn expect(input: &str, command: &str) -> Expect {
    use Expect::*;
    match (input, command) {
        // Already encrypted: encrypt refuses (wrong state).
        (i, "encrypt") if i != "plaintext" => Refused(4),
        // A file encrypted whole has no keys to look up or flatten, nor a JSON form.
        (
            "binary",
            "decrypt --extract"
            | "get"
            | "exec-env"
            | "export"
            | "decrypt --output-type json"
            | "kustomize plugin",
        ) => Refused(2),
        // Documents after the first give names starting with a digit: refused, naming the
        // key and --prefix.
        ("yaml with two documents", "exec-env" | "export") => Refused(1),
        // SOPS files: readable as they are; vaultfile's own key commands say what to run.
        ("sops", "recipients" | "keys check") => Refused(4),
        // Plaintext: nothing to decrypt or check; status reports it (exit 1).
        ("plaintext", "encrypt") => Ok,
        ("plaintext", "status") => Reports(1),
        ("plaintext", _) => Refused(4),
        _ => Ok,
    }
}

fn run(env: &Env, input: &Input, command: &str) -> Output {
    let path = input.probe.as_ref().map_or("x", |p| p.path);
    let mut c = env.cmd();
    if input.sops_key {
        c.env(
            "SOPS_AGE_KEY_FILE",
            fixtures_dir().join("sops/getsops-sops/age-pr1031/age/keys.txt"),
        );
    }
    c.args(args(command, &input.file, path)).output().unwrap()
}

/// The probe's value in a command's output, for the commands that print values.
fn value_in(command: &str, out: &str, probe: &Probe) -> Option<String> {
    let var = |out: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{}=", probe.var)))
            .map(|v| v.trim_matches(|c| c == '\'' || c == '"').to_owned())
    };
    match command {
        "get" | "decrypt --extract" => Some(out.to_owned()),
        "exec-env" | "export" => var(out),
        "kustomize plugin" => {
            use base64::Engine as _;
            let secret: serde_json::Value = serde_saphyr::from_str(out).ok()?;
            let value = secret["data"][probe.var].as_str()?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(value)
                .ok()?;
            String::from_utf8(bytes).ok()
        }
        "decrypt --output-type json" => {
            let json: serde_json::Value = serde_json::from_str(out).ok()?;
            let mut v = &json;
            for part in probe.path.split('.') {
                v = match part.strip_prefix('@') {
                    // `@N`: document N of a stream, an item of the JSON list.
                    Some(n) => v.get(n.parse::<usize>().ok()?)?,
                    None => v.get(part)?,
                };
            }
            v.as_str().map(str::to_owned)
        }
        _ => None,
    }
}

#[test]
fn every_command_on_every_input_gives_the_right_result_or_a_documented_refusal() {
    let env = Env::new();
    let mut failures = Vec::new();
    for input in inputs(&env) {
        for command in COMMANDS {
            let out = run(&env, &input, command);
            let code = out.status.code();
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            let cell = format!("{command} × {}", input.name);
            if code == Some(101) {
                failures.push(format!("{cell}: panicked\n{stderr}"));
                continue;
            }
            match expect(input.name, command) {
                Expect::Ok if code != Some(0) => {
                    failures.push(format!("{cell}: exit {code:?}, expected success\n{stderr}"));
                }
                Expect::Refused(want) | Expect::Reports(want) if code != Some(want) => failures
                    .push(format!(
                        "{cell}: exit {code:?}, expected {want}\n{stderr}"
                    )),
                Expect::Refused(_) if !stdout.is_empty() || !stderr.contains("error") => failures
                    .push(format!(
                        "{cell}: a refusal must explain on stderr and print nothing\nstdout: {stdout}\nstderr: {stderr}"
                    )),
                _ => {}
            }
            if let (Expect::Ok, Some(probe)) = (expect(input.name, command), &input.probe)
                && let Some(got) = value_in(command, &stdout, probe)
                && got != probe.value
            {
                failures.push(format!(
                    "{cell}: gives {got:?} for {}, expected {:?} (as every other command)",
                    probe.path, probe.value
                ));
            }
            // Every reading command that should have found the probe did.
            if let (Expect::Ok, Some(probe)) = (expect(input.name, command), &input.probe)
                && matches!(
                    command,
                    "get"
                        | "decrypt --extract"
                        | "exec-env"
                        | "export"
                        | "decrypt --output-type json"
                        | "kustomize plugin"
                )
                // "-": no variable name (documents after the first; the Secret's keys
                // for them start with the document's number, as decrypt gives them).
                && !(command == "kustomize plugin" && probe.var == "-")
                && value_in(command, &stdout, probe).is_none()
            {
                failures.push(format!(
                    "{cell}: no value for {} ({}) in:\n{stdout}",
                    probe.path, probe.var
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cell(s) wrong:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Without any key (a clone whose owner has no key, a CI job without credentials),
/// nothing that reads values succeeds silently: each says no identity opens the file (exit
/// 6), on every kind of encrypted input, while what needs no key still works.
#[test]
fn without_a_key_reading_commands_refuse_and_inspecting_ones_work() {
    let env = Env::new();
    for input in inputs(&env) {
        if matches!(input.name, "plaintext" | "sops") {
            continue;
        }
        let path = input.probe.as_ref().map_or("x", |p| p.path);
        for command in COMMANDS {
            let want = match (input.name, command) {
                (_, "encrypt") => 4,
                (_, "recipients" | "status") => 0,
                // `decrypt` knows before any key is looked for that a whole file has no keys
                // (`--extract`, `--output-type`); the others find out once it is open, and
                // there is no key to open it.
                ("binary", "decrypt --extract" | "decrypt --output-type json") => 2,
                (_, _) => 6,
            };
            let out = env
                .bare_cmd()
                .args(args(command, &input.file, path))
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(want),
                "{command} × {} without a key: {}",
                input.name,
                String::from_utf8_lossy(&out.stderr)
            );
            // `keys check` reports each recipient on stdout, opened or not.
            if want != 0 && command != "keys check" {
                assert!(
                    out.stdout.is_empty(),
                    "{command} × {} printed without a key",
                    input.name
                );
            }
        }
    }
}
