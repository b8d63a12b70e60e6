//! `vaultfile decrypt`: decrypt a file, or one value of it.

use std::path::PathBuf;

use vaultfile::engine;
use vaultfile::format::{self, Format, ParseOptions, ScalarKind};
use vaultfile::path::KeyPath;

use super::common::{self, IdentityArgs};
use super::error::{CliError, ExitKind};
use super::identities;
use super::io::{self, Input, Output};
use super::ui::Ui;

/// Decrypt a file encrypted by vaultfile (or by SOPS)
///
/// The output is byte for byte the file that was encrypted. The file's integrity is
/// checked first: if any value, the recipient list or the rules were altered, nothing is
/// written and the exit code is 7. A SOPS file (told apart by its `sops` metadata) has its
/// MAC checked as SOPS does, and its values decrypted in place.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile decrypt config/prod.yaml                       # to standard output
  vaultfile decrypt -i config/prod.yaml                    # in place
  vaultfile decrypt --extract database.password prod.yaml   # one value
  vaultfile decrypt --extract '[\"servers\"][0][\"token\"]' prod.json   # SOPS path syntax")]
pub struct DecryptArgs {
    /// The file to decrypt (`-` or nothing for standard input)
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    /// Decrypt the file in place
    #[arg(short = 'i', long, conflicts_with_all = ["output", "extract"])]
    in_place: bool,

    /// Write the plaintext to OUT (created with mode 0600) instead of standard output
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// Print only the value at PATH: `a.b[0].c` or `["a"]["b"][0]["c"]`; a subtree prints as JSON
    #[arg(long, value_name = "PATH")]
    extract: Option<String>,

    /// The input's format [default: from the file extension]
    #[arg(long, value_name = "TYPE", value_parser = common::parse_format)]
    input_type: Option<Format>,

    /// SOPS files only: decrypt even if the MAC is missing or does not match. The output may then hold altered values; for recovering damaged files only
    #[arg(long)]
    ignore_mac: bool,

    #[command(flatten)]
    identity: IdentityArgs,
}

pub fn run(args: DecryptArgs, ui: &Ui) -> super::CmdResult {
    let input = Input::new(args.file.as_deref());
    let name = input.name();
    if args.in_place && input.path().is_none() {
        return Err(CliError::new(
            ExitKind::Usage,
            "--in-place needs a file, not standard input",
        ));
    }
    let extract = args
        .extract
        .as_deref()
        .map(KeyPath::parse)
        .transpose()
        .map_err(|e| CliError::new(ExitKind::Usage, e.to_string()))?;
    let bytes = input.read()?;
    let text = common::text(&name, bytes)?;
    let format = common::format_for_encrypted(&input, args.input_type, &text);
    let found = identities::collect(&args.identity.identities, ui)?;
    let decrypt_err = |e| CliError::decrypt(&name, e, &found.tried);
    // A SOPS file (issue 7): told apart by its `sops` metadata.
    if let Some(sf) = vaultfile::sops::sniff(&text, format) {
        let dec = common::sops_decrypt(
            &name,
            &text,
            sf,
            &args.identity.identities,
            &found,
            args.ignore_mac,
            ui,
        )?;
        if let Some(path) = extract {
            let store = format::store_for(format)
                .filter(|_| {
                    !matches!(
                        sf,
                        vaultfile::sops::SopsFormat::Binary | vaultfile::sops::SopsFormat::Ini
                    )
                })
                .ok_or_else(|| {
                    CliError::new(
                        ExitKind::Usage,
                        "--extract needs a structured file (YAML, JSON or dotenv)",
                    )
                })?;
            let plain = std::str::from_utf8(&dec.plaintext).map_err(|_| {
                CliError::new(ExitKind::Syntax, format!("{name} does not decrypt to text"))
            })?;
            let value = extract_value(store, plain, &path)
                .map_err(|e| CliError::new(ExitKind::Other, format!("{name}: {e}")))?;
            return io::write_stdout(value.as_bytes());
        }
        let target = Output::choose(args.output.as_deref(), args.in_place, &input, true);
        return io::write_all(target, &dec.plaintext);
    }
    if let Some(path) = extract {
        let store = format::store_for(format).ok_or_else(|| {
            CliError::new(
                ExitKind::Usage,
                "--extract needs a structured file (YAML, JSON, TOML or dotenv)",
            )
        })?;
        let plain = zeroize::Zeroizing::new(
            engine::decrypt(store, &text, &found.identities).map_err(decrypt_err)?,
        );
        let value = extract_value(store, &plain, &path)
            .map_err(|e| CliError::new(ExitKind::Other, format!("{name}: {e}")))?;
        return io::write_stdout(value.as_bytes());
    }
    let target = Output::choose(args.output.as_deref(), args.in_place, &input, true);
    match format::store_for(format) {
        Some(store) => {
            io::write_with(target, |w| {
                engine::decrypt_to(store, &text, &found.identities, w).map_err(decrypt_err)
            })?;
        }
        None => {
            let (plain, _) =
                engine::decrypt_binary(&text, &found.identities).map_err(decrypt_err)?;
            io::write_all(target, &zeroize::Zeroizing::new(plain))?;
        }
    }
    Ok(())
}

/// Finds the value at `path`: a leaf prints as its decoded value, a subtree as JSON.
fn extract_value(store: &dyn format::Store, text: &str, path: &KeyPath) -> Result<String, String> {
    let doc = store
        .parse(
            text,
            ParseOptions {
                decode_values: true,
            },
        )
        .map_err(|e| format!("cannot parse the decrypted file: {e}"))?;
    if let Some(leaf) = doc.leaves.iter().find(|l| &l.path == path) {
        return Ok(leaf.value.unwrap_or_default().to_owned());
    }
    let under: Vec<_> = doc
        .leaves
        .iter()
        .filter(|l| l.path.as_bytes().starts_with(path.as_bytes()))
        .collect();
    if under.is_empty() {
        let known: Vec<String> = doc
            .leaves
            .iter()
            .take(8)
            .map(|l| l.path.to_string())
            .collect();
        let more = if doc.leaves.len() > known.len() {
            ", …"
        } else {
            ""
        };
        return Err(format!(
            "no value at '{path}'\nhint: paths look like {}{more}",
            known.join(", ")
        ));
    }
    let mut root = serde_json::Value::Null;
    for l in under {
        let rest = KeyPath::from_segments(l.path.segments().skip(path.segments().count()));
        insert_json(&mut root, &rest, json_scalar(l.kind, l.value.unwrap_or("")));
    }
    Ok(serde_json::to_string_pretty(&root).expect("JSON values serialise") + "\n")
}

fn json_scalar(kind: ScalarKind, v: &str) -> serde_json::Value {
    match kind {
        ScalarKind::Null => serde_json::Value::Null,
        ScalarKind::Bool => serde_json::Value::Bool(matches!(v, "true" | "True" | "TRUE")),
        ScalarKind::Number => serde_json::from_str::<serde_json::Number>(v)
            .map(serde_json::Value::Number)
            .unwrap_or_else(|_| serde_json::Value::String(v.to_owned())),
        ScalarKind::String | ScalarKind::DateTime => serde_json::Value::String(v.to_owned()),
    }
}

fn insert_json(node: &mut serde_json::Value, path: &KeyPath, value: serde_json::Value) {
    use vaultfile::path::Segment;
    let mut cur = node;
    for seg in path.segments() {
        cur = match seg {
            Segment::Key(k) => {
                if !cur.is_object() {
                    *cur = serde_json::Value::Object(Default::default());
                }
                cur.as_object_mut()
                    .expect("object")
                    .entry(k.to_owned())
                    .or_insert(serde_json::Value::Null)
            }
            Segment::Index(i) | Segment::Document(i) => {
                if !cur.is_array() {
                    *cur = serde_json::Value::Array(Vec::new());
                }
                let arr = cur.as_array_mut().expect("array");
                while arr.len() <= i {
                    arr.push(serde_json::Value::Null);
                }
                &mut arr[i]
            }
        };
    }
    *cur = value;
}
