//! `vaultfile decrypt`: decrypt a file, or one value of it.

use std::path::PathBuf;

use zeroize::Zeroizing;

use vaultfile::engine;
use vaultfile::flatten;
use vaultfile::format::view::Found;
use vaultfile::format::{self, Format, Store};
use vaultfile::k8s;
use vaultfile::path::PathQuery;

use crate::cli::common::{self, IdentityArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::io::{self, Input, Output};
use crate::cli::secret::{self, NameArgs};
use crate::cli::ui::Ui;

/// Decrypt a file encrypted by vaultfile (or by SOPS)
///
/// The output is byte for byte the file that was encrypted. The file's integrity is
/// checked first: if any value, the recipient list or the rules were altered, nothing is
/// written and the exit code is 7. A SOPS file (told apart by its `sops` metadata) has its
/// MAC checked as SOPS does, and its values decrypted in place.
///
/// --output-type writes the values in another form instead: another format (as
/// `exec-file` does), or a Kubernetes Secret manifest (k8s-secret). The Secret has type
/// Opaque; its name is --name, else the file's name made a valid Kubernetes name
/// (`config/prod.enc.yaml` gives prod.enc); its keys are the values' paths flattened as
/// `exec-env` names variables (database.password gives DATABASE_PASSWORD; --prefix,
/// --separator and --no-upper adjust this), so `envFrom: secretRef` gives a program the same
/// environment; null values give no key. The values are in `data`, base64-encoded, so any
/// bytes round-trip exactly. A file encrypted whole gives one key: its file name.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile decrypt config/prod.yaml                       # to standard output
  vaultfile decrypt -i config/prod.yaml                    # in place
  vaultfile decrypt --extract database.password prod.yaml   # one value
  vaultfile decrypt --extract '[\"servers\"][0][\"token\"]' prod.json   # SOPS path syntax
  vaultfile decrypt --output-type json prod.yaml           # the values as JSON
  vaultfile decrypt --output-type k8s-secret --namespace apps prod.yaml | kubectl apply -f -")]
pub struct DecryptArgs {
    /// The file to decrypt (`-` or nothing for standard input)
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,

    /// Decrypt the file in place (it ends with mode 0600; a symbolic link stays a link and
    /// the file it points to is replaced)
    #[arg(short = 'i', long, conflicts_with_all = ["output", "extract", "output_type"])]
    in_place: bool,

    /// Write the plaintext to OUT instead of standard output (mode 0600, also when OUT
    /// exists; through a symbolic link, to the file it points to)
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// Print only the value at PATH: `a.b[0].c` or `["a"]["b"][0]["c"]`; a subtree prints as JSON
    #[arg(long, value_name = "PATH")]
    extract: Option<String>,

    /// The input's format [default: from the file extension]
    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = common::format_parser())]
    input_type: Option<Format>,

    /// Write the values as TYPE instead of the file as it was: yaml, json, toml, dotenv, or
    /// k8s-secret (a Kubernetes Secret manifest)
    #[arg(long, value_enum, value_name = "TYPE", conflicts_with = "extract")]
    output_type: Option<OutputType>,

    /// k8s-secret: the Secret's name [default: from the file's name]
    #[arg(long, value_name = "NAME", requires = "output_type")]
    name: Option<String>,

    /// k8s-secret: the Secret's namespace [default: none, so kubectl's current one]
    #[arg(long, value_name = "NAMESPACE", requires = "output_type")]
    namespace: Option<String>,

    /// dotenv and k8s-secret: how keys become names
    #[command(flatten)]
    names: NameArgs,

    /// SOPS files only: decrypt even if the MAC is missing or does not match. The output may then hold altered values; for recovering damaged files only
    #[arg(long)]
    ignore_mac: bool,

    #[command(flatten)]
    identity: IdentityArgs,
}

/// What `--output-type` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputType {
    #[value(alias = "yml")]
    Yaml,
    Json,
    Toml,
    #[value(alias = "env")]
    Dotenv,
    // A Kubernetes `Secret` manifest (v1, type Opaque, values base64 in `data`); a plain
    // comment, so that --help lists the values on one line.
    K8sSecret,
}

pub fn run(args: DecryptArgs, ui: &Ui) -> crate::cli::CmdResult {
    let input = Input::new(args.file.as_deref());
    let name = input.name();
    common::in_place_needs_file(&input, args.in_place, "the plaintext")?;
    let extract = args.extract.as_deref().map(secret::key_path).transpose()?;
    let bytes = input.read()?;
    let text = common::text(&name, bytes)?;
    let format = common::format_for_encrypted(&input, args.input_type, &text);
    // A Secret's name is checked before anything is decrypted (or a passphrase asked for),
    // and so is whether the output type can hold a file encrypted whole.
    if args.output_type == Some(OutputType::K8sSecret) {
        secret_name(&args, &input)?;
    }
    if format == Format::Binary && args.output_type.is_some_and(|t| t != OutputType::K8sSecret) {
        return Err(CliError::new(
            ExitKind::Usage,
            format!("{name} is encrypted whole: it has no keys to write as another format"),
        )
        .hint("decrypt it without --output-type, or use --output-type k8s-secret"));
    }
    // The work-tree copy of a file git's filter manages is already plaintext: say so, rather
    // than "not encrypted, encrypt it" (which would put ciphertext where people edit).
    if let Some(path) = input.path()
        // From the end (where the metadata is), vectorised: not a scan of a large file.
        && memchr::memmem::rfind(text.as_bytes(), b"vaultfile").is_none()
        && vaultfile::sops::sniff(&text, format).is_none()
        && vaultfile::git::repo::Repo::protects(path)
    {
        return Err(CliError::new(
            ExitKind::State,
            format!("{name} is the plaintext copy that git's filter keeps in the work tree: git stores it encrypted"),
        )
        .hint(format!("read it as it is (or `vaultfile get {name} PATH`); `git show :{name}` is what git stores")));
    }
    let found = identities::collect(&args.identity.identities, ui)?;
    let decrypt_err = |e| CliError::decrypt(&name, e, &found.tried);
    // A SOPS file: told apart by its `sops` metadata.
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
        if let Some(output_type) = args.output_type {
            let store = format::store_for(format).filter(|_| {
                !matches!(
                    sf,
                    vaultfile::sops::SopsFormat::Binary | vaultfile::sops::SopsFormat::Ini
                )
            });
            return write_as(&args, output_type, &input, store, format, &dec.plaintext);
        }
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
            let value = extract_value(store, plain, &path, &name)?;
            return io::write_stdout(value.as_bytes());
        }
        let target = Output::choose(args.output.as_deref(), args.in_place, &input, true);
        return io::write_all(target, &dec.plaintext);
    }
    // Not a SOPS file: there is no MAC to ignore. A vaultfile file that fails its integrity
    // check is never decrypted (each value is authenticated on its own too), so saying
    // nothing would let the flag look as if it had done something.
    if args.ignore_mac {
        return Err(CliError::new(
            ExitKind::Usage,
            format!("--ignore-mac applies to SOPS files, and {name} is not one"),
        )
        .hint("a vaultfile file that fails its integrity check is never decrypted: restore it from version control"));
    }
    // Whole plaintext in memory, for the forms that transform it; the format-1 warning once
    // the file has opened (its version then comes with the verified metadata).
    let decrypt_all = |store: Option<&dyn Store>| -> Result<Zeroizing<Vec<u8>>, CliError> {
        let (plain, opened) = match store {
            Some(store) => {
                let mut plain = Zeroizing::new(Vec::with_capacity(text.len()));
                let opened = engine::decrypt_to(store, &text, &found.identities, &mut *plain)
                    .map_err(decrypt_err)?;
                (plain, opened)
            }
            None => {
                let (plain, opened) =
                    engine::decrypt_binary(&text, &found.identities).map_err(decrypt_err)?;
                (Zeroizing::new(plain), opened)
            }
        };
        common::warn_if_old_format(ui, &name, &opened.metadata);
        if let Some(path) = input.path() {
            common::warn_if_drift(ui, path, &name, &opened.metadata);
        }
        Ok(plain)
    };
    if let Some(output_type) = args.output_type {
        let store = format::store_for(format);
        let plain = decrypt_all(store)?;
        return write_as(&args, output_type, &input, store, format, &plain);
    }
    if let Some(path) = extract {
        let store = format::store_for(format).ok_or_else(|| {
            CliError::new(
                ExitKind::Usage,
                "--extract needs a structured file (YAML, JSON, TOML or dotenv)",
            )
        })?;
        let plain = decrypt_all(Some(store))?;
        let plain = std::str::from_utf8(&plain).expect("decrypted values are checked to be UTF-8");
        let value = extract_value(store, plain, &path, &name)?;
        return io::write_stdout(value.as_bytes());
    }
    let target = Output::choose(args.output.as_deref(), args.in_place, &input, true);
    let opened = match format::store_for(format) {
        Some(store) => io::write_with(target, |w| {
            engine::decrypt_to(store, &text, &found.identities, w).map_err(decrypt_err)
        })?,
        None => {
            let (plain, opened) =
                engine::decrypt_binary(&text, &found.identities).map_err(decrypt_err)?;
            io::write_all(target, &zeroize::Zeroizing::new(plain))?;
            Some(opened)
        }
    };
    // None: standard output closed early (a pipe to `head`), nothing more to say.
    if let Some(opened) = opened {
        common::warn_if_old_format(ui, &name, &opened.metadata);
        if let Some(path) = input.path() {
            common::warn_if_drift(ui, path, &name, &opened.metadata);
        }
    }
    Ok(())
}

/// Writes the decrypted `plain` as `output_type`, to standard output or `-o` (a new file
/// ends with mode 0600). `store` is the file's format when it is structured.
fn write_as(
    args: &DecryptArgs,
    output_type: OutputType,
    input: &Input,
    store: Option<&'static dyn Store>,
    format: Format,
    plain: &[u8],
) -> crate::cli::CmdResult {
    let name = input.name();
    let target = Output::choose(args.output.as_deref(), false, input, true);
    let utf8 = || -> Result<Zeroizing<String>, CliError> {
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| {
                CliError::new(
                    ExitKind::Syntax,
                    format!("{name} does not decrypt to UTF-8 text"),
                )
                .hint("pass --input-type binary to treat it as a file encrypted whole")
            })
    };
    if output_type != OutputType::K8sSecret {
        let to = match output_type {
            OutputType::Yaml => Format::Yaml,
            OutputType::Json => Format::Json,
            OutputType::Toml => Format::Toml,
            _ => Format::Dotenv,
        };
        let Some(store) = store else {
            return Err(CliError::new(
                ExitKind::Usage,
                format!("{name} is encrypted whole: it cannot be written as {to}"),
            )
            .hint("decrypt it without --output-type, or use --output-type k8s-secret"));
        };
        if to == format {
            return io::write_all(target, plain);
        }
        let text = utf8()?;
        let view = secret::view(&name, store, &text)?;
        let out = flatten::convert(&view, to, &args.names.options()).map_err(|e| {
            CliError::new(ExitKind::Other, format!("{name}: as {to}: {e}"))
                .hint("choose another --output-type, or decrypt the file as it is")
        })?;
        return io::write_all(target, out.as_bytes());
    }

    let secret_name = secret_name(args, input)?;
    let manifest = match store {
        Some(store) => {
            let text = utf8()?;
            let view = secret::view(&name, store, &text)?;
            let entries = k8s::entries(&view, &args.names.options()).map_err(|e| {
                CliError::new(ExitKind::Other, format!("{name}: {e}")).hint(
                    "rename the key in the file, or choose other keys with --prefix, --separator or --no-upper",
                )
            })?;
            k8s::render(
                &secret_name,
                args.namespace.as_deref(),
                entries.iter().map(|(k, v)| (k.as_str(), v.as_bytes())),
            )
            .map_err(|e| CliError::new(ExitKind::Usage, e.to_string()))?
        }
        None => {
            // Encrypted whole: one key, the file's name (the Secret's name from stdin).
            let key = input
                .path()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| secret_name.clone());
            if !k8s::is_valid_key(&key) {
                return Err(CliError::new(
                    ExitKind::Other,
                    format!("the file name '{key}' is not a valid Secret key (letters, digits, '-', '_' and '.')"),
                )
                .hint("rename the file, or decrypt it and use `kubectl create secret generic --from-file=KEY=FILE`"));
            }
            k8s::render(
                &secret_name,
                args.namespace.as_deref(),
                [(key.as_str(), plain)],
            )
            .map_err(|e| CliError::new(ExitKind::Usage, e.to_string()))?
        }
    };
    io::write_all(target, manifest.as_bytes())
}

/// The Secret's name for `--output-type k8s-secret`: `--name`, else the file's stem made
/// a valid name; checked (with `--namespace`) before anything is decrypted.
fn secret_name(args: &DecryptArgs, input: &Input) -> Result<String, CliError> {
    let name = input.name();
    let secret_name = match (&args.name, input.path()) {
        (Some(n), _) => n.clone(),
        (None, Some(path)) => path
            .file_stem()
            .and_then(|s| k8s::sanitize_name(&s.to_string_lossy()))
            .ok_or_else(|| {
                CliError::new(
                    ExitKind::Usage,
                    format!("cannot make a Kubernetes name from the file name {name}"),
                )
                .hint("pass --name NAME (lower-case letters, digits, '-' and '.')")
            })?,
        (None, None) => {
            return Err(CliError::new(
                ExitKind::Usage,
                "a Secret from standard input needs a name",
            )
            .hint("pass --name NAME"));
        }
    };
    k8s::check_metadata(&secret_name, args.namespace.as_deref()).map_err(|e| {
        let hint = match e {
            k8s::K8sError::InvalidNamespace(_) => {
                "pass --namespace with a valid namespace, e.g. --namespace my-app"
            }
            _ => "pass --name with a valid name, e.g. --name my-app.prod",
        };
        CliError::new(ExitKind::Usage, e.to_string()).hint(hint)
    })?;
    Ok(secret_name)
}

/// Finds the value at `path` with the lookup `get` uses ([`vaultfile::format::view::View::lookup`]):
/// a single value prints decoded, a mapping or a list as JSON.
fn extract_value(
    store: &dyn format::Store,
    text: &str,
    path: &PathQuery,
    name: &str,
) -> Result<Zeroizing<String>, CliError> {
    let found = secret::view(name, store, text)?
        .lookup(path)
        .map_err(|e| secret::lookup_error(name, e))?;
    Ok(Zeroizing::new(match found {
        Found::Value { value, .. } => value,
        Found::Tree(t) => serde_json::to_string_pretty(&t).expect("JSON values serialise") + "\n",
    }))
}
