//! Opening an encrypted file for the everyday commands (`set`, `unset`, `get`, `exec-env`,
//! `exec-file`, `export`), saving it back with itself as baseline, and the variable-name
//! flags they share.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use zeroize::Zeroizing;

use vaultfile::engine::{self, EncryptOptions, Opened};
use vaultfile::flatten::{self, FlattenOptions};
use vaultfile::format::{self, Format, ParseOptions, Store};
use vaultfile::patch::PatchError;
use vaultfile::path::KeyPath;

use super::common::{self, IdentityArgs};
use super::error::{CliError, ExitKind};
use super::identities;
use super::io::{self, Input, Output};
use super::ui::Ui;

/// A decrypted structured file.
pub struct Loaded {
    pub name: String,
    pub path: PathBuf,
    pub format: Format,
    pub store: &'static dyn Store,
    pub plain: Zeroizing<String>,
    pub opened: Opened,
}

/// A decrypted file of any format.
pub enum AnyLoaded {
    Text(Loaded),
    Binary {
        content: Zeroizing<Vec<u8>>,
        opened: Opened,
    },
}

/// Decrypts `file`; structured or binary.
pub fn load_any(
    file: &Path,
    input_type: Option<Format>,
    ids: &IdentityArgs,
    ui: &Ui,
) -> Result<AnyLoaded, CliError> {
    let input = Input::new(Some(file));
    let name = input.name();
    let text = common::text(&name, input.read()?)?;
    let format = common::format_for_encrypted(&input, input_type, &text);
    let found = identities::collect(&ids.identities, ui)?;
    let err = |e| CliError::decrypt(&name, e, &found.tried);
    match format::store_for(format) {
        Some(store) => {
            let mut buf = Vec::with_capacity(text.len());
            let opened =
                engine::decrypt_to(store, &text, &found.identities, &mut buf).map_err(err)?;
            let plain = Zeroizing::new(
                String::from_utf8(buf).expect("decrypted values are checked to be UTF-8"),
            );
            Ok(AnyLoaded::Text(Loaded {
                name,
                path: file.to_owned(),
                format,
                store,
                plain,
                opened,
            }))
        }
        None => {
            let (content, opened) =
                engine::decrypt_binary(&text, &found.identities).map_err(err)?;
            Ok(AnyLoaded::Binary {
                content: Zeroizing::new(content),
                opened,
            })
        }
    }
}

/// Decrypts a structured `file` (YAML, JSON, TOML or dotenv).
pub fn load(
    file: &Path,
    input_type: Option<Format>,
    ids: &IdentityArgs,
    ui: &Ui,
) -> Result<Loaded, CliError> {
    match load_any(file, input_type, ids, ui)? {
        AnyLoaded::Text(l) => Ok(l),
        AnyLoaded::Binary { .. } => Err(CliError::new(
            ExitKind::Usage,
            format!(
                "{} is encrypted whole (it is not YAML, JSON, TOML or dotenv), so it has no keys",
                file.display()
            ),
        )
        .hint(
            "pass --input-type yaml|json|toml|dotenv if the name misleads, or use `vaultfile edit`",
        )),
    }
}

/// Encrypts `plain` with the loaded file as baseline (so only the changed values'
/// ciphertext and the MAC change) and replaces the file atomically.
pub fn save(loaded: &Loaded, plain: &str, ui: &Ui) -> Result<(), CliError> {
    let opts = EncryptOptions {
        recipients: &[],
        rules: None,
        baseline: Some(&loaded.opened),
        now: SystemTime::now(),
    };
    let enc = engine::encrypt(loaded.store, plain, &opts)
        .map_err(|e| CliError::encrypt(&loaded.name, e))?;
    for w in &enc.warnings {
        ui.warn(&format!("{}: {w}", loaded.name));
    }
    io::write_all(
        Output::File {
            path: &loaded.path,
            private: false,
        },
        enc.text.as_bytes(),
    )
}

/// Parses a key path argument.
pub fn key_path(s: &str) -> Result<KeyPath, CliError> {
    KeyPath::parse(s).map_err(|e| {
        CliError::new(ExitKind::Usage, e.to_string())
            .hint("paths look like database.password, servers[0].token or [\"a.b\"][\"c\"]")
    })
}

/// Maps a patch error for `file`. Messages name keys, never values.
pub fn patch_error(name: &str, e: PatchError) -> CliError {
    match e {
        PatchError::NotFound { path, known } => {
            let more = if known.len() >= 8 { ", …" } else { "" };
            let e = CliError::new(ExitKind::Other, format!("{name}: no value at '{path}'"));
            if known.is_empty() {
                e.hint("the file has no values")
            } else {
                e.hint(format!(
                    "paths in this file look like {}{more}",
                    known.join(", ")
                ))
            }
        }
        PatchError::Parse(p) => {
            CliError::new(ExitKind::Syntax, format!("{name}: syntax error: {p}"))
        }
        PatchError::IsAContainer(p) => CliError::new(
            ExitKind::Other,
            format!("{name}: '{p}' holds a mapping or a list, not a single value"),
        )
        .hint(format!(
            "set the values under it one by one (e.g. '{p}.KEY'), or unset '{p}' first"
        )),
        other => CliError::new(ExitKind::Other, format!("{name}: {other}"))
            .hint("`vaultfile edit FILE` opens the decrypted file in your editor"),
    }
}

/// The flags that shape variable names.
#[derive(Debug, Default, clap::Args)]
pub struct NameArgs {
    /// Put PREFIX in front of every variable name (e.g. APP_)
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub prefix: String,
    /// Join the parts of a nested key with SEP
    #[arg(long, value_name = "SEP", default_value = "_")]
    pub separator: String,
    /// Keep the keys' case (database.password gives database_password)
    #[arg(long)]
    pub no_upper: bool,
}

impl NameArgs {
    pub fn options(&self) -> FlattenOptions {
        FlattenOptions {
            prefix: self.prefix.clone(),
            separator: self.separator.clone(),
            upper: !self.no_upper,
        }
    }
}

/// One variable from the files, and where it came from.
pub struct SourcedVar {
    pub name: String,
    pub value: Zeroizing<String>,
    pub file: String,
    pub path: KeyPath,
}

/// The null values found (which give no variable), as (file, path).
pub type Nulls = Vec<(String, KeyPath)>;

/// Decrypts and flattens `files`, merged left to right (a later file's value wins).
/// Also returns the null values found, by file.
pub fn variables(
    files: &[PathBuf],
    input_type: Option<Format>,
    names: &NameArgs,
    ids: &IdentityArgs,
    ui: &Ui,
) -> Result<(Vec<SourcedVar>, Nulls), CliError> {
    let opts = names.options();
    let mut out: Vec<SourcedVar> = Vec::new();
    let mut nulls = Vec::new();
    for file in files {
        let loaded = load(file, input_type, ids, ui)?;
        let doc = loaded
            .store
            .parse(
                &loaded.plain,
                ParseOptions {
                    decode_values: true,
                },
            )
            .map_err(|e| {
                CliError::new(
                    ExitKind::Syntax,
                    format!("{}: syntax error: {e}", loaded.name),
                )
            })?;
        let flat = flatten::flatten(&doc, loaded.format, &opts).map_err(|e| {
            CliError::new(ExitKind::Other, format!("{}: {e}", loaded.name)).hint(
                "rename the key in the file, or choose other names with --prefix, --separator or --no-upper",
            )
        })?;
        for v in flat.vars {
            let var = SourcedVar {
                name: v.name,
                value: v.value,
                file: loaded.name.clone(),
                path: v.path,
            };
            match out.iter_mut().find(|o| o.name == var.name) {
                Some(o) => *o = var,
                None => out.push(var),
            }
        }
        nulls.extend(flat.nulls.into_iter().map(|p| (loaded.name.clone(), p)));
    }
    Ok((out, nulls))
}
