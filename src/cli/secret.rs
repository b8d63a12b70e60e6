//! Opening an encrypted file for the everyday commands (`set`, `unset`, `get`, `exec-env`,
//! `exec-file`, `export`), saving it back with itself as baseline, and the variable-name
//! flags they share.

use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use vaultfile::engine::{self, EncryptOptions, Opened};
use vaultfile::flatten::{self, FlattenOptions};
use vaultfile::format::patch::{Op, PatchError, Shared};
use vaultfile::format::view::{LookupError, View, ViewError};
use vaultfile::format::{self, Format, Store};
use vaultfile::path::{KeyPath, PathQuery};

use super::common::{self, IdentityArgs};
use super::error::{CliError, ExitKind};
use super::identities;
use super::io::{self, Input, Output};
use super::ui::Ui;

/// What a loaded file was: it decides how the file can be written back.
pub enum Origin {
    /// A vaultfile-encrypted file, opened: saved with itself as baseline.
    Vaultfile(Box<Opened>),
    /// A SOPS file: readable by every command, written only after `vaultfile convert`.
    Sops,
    /// Plaintext that git's vaultfile filter protects (a work tree decrypted on checkout):
    /// read as it is, and saved as plaintext, since git encrypts it on `git add`.
    GitWorkTree,
}

impl Origin {
    /// The opened vaultfile file, or an error saying why this file cannot be re-encrypted
    /// in place by `command`.
    pub fn require_vaultfile(self, name: &str, command: &str) -> Result<Opened, CliError> {
        match self {
            Origin::Vaultfile(o) => Ok(*o),
            Origin::Sops => Err(CliError::new(
                ExitKind::State,
                format!("{name} is a SOPS file: `vaultfile {command}` writes vaultfile files only"),
            )
            .hint(format!(
                "convert it first: vaultfile convert --to vaultfile {name}"
            ))),
            Origin::GitWorkTree => Err(CliError::new(
                ExitKind::State,
                format!("{name} is the plaintext git's vaultfile filter checked out"),
            )
            .hint("edit it directly with your editor: git encrypts it when you `git add` it")),
        }
    }
}

/// A decrypted structured file.
pub struct Loaded {
    pub name: String,
    pub path: PathBuf,
    pub format: Format,
    pub store: &'static dyn Store,
    pub plain: Zeroizing<String>,
    pub origin: Origin,
}

/// A decrypted file of any format.
pub enum AnyLoaded {
    Text(Loaded),
    Binary {
        content: Zeroizing<Vec<u8>>,
        origin: Origin,
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
    if let Some(sf) = vaultfile::sops::sniff(&text, format) {
        let dec = common::sops_decrypt(&name, &text, sf, &ids.identities, &found, false, ui)?;
        let content = dec.plaintext.clone();
        return match format::store_for(format) {
            Some(store) => {
                let plain = String::from_utf8(content.to_vec()).map_err(|_| {
                    CliError::new(
                        ExitKind::Syntax,
                        format!("{name} does not decrypt to UTF-8 text"),
                    )
                })?;
                Ok(AnyLoaded::Text(Loaded {
                    name,
                    path: file.to_owned(),
                    format,
                    store,
                    plain: Zeroizing::new(plain),
                    origin: Origin::Sops,
                }))
            }
            None => Ok(AnyLoaded::Binary {
                content,
                origin: Origin::Sops,
            }),
        };
    }
    // A plaintext file that git's filter protects is the work tree of a repository set up
    // with `vaultfile git init`: read it as it is.
    if !is_vaultfile(&text, format) && vaultfile::git::repo::Repo::protects(file) {
        return Ok(match format::store_for(format) {
            Some(store) => AnyLoaded::Text(Loaded {
                name,
                path: file.to_owned(),
                format,
                store,
                plain: Zeroizing::new(text),
                origin: Origin::GitWorkTree,
            }),
            None => AnyLoaded::Binary {
                content: Zeroizing::new(text.into_bytes()),
                origin: Origin::GitWorkTree,
            },
        });
    }
    let err = |e| CliError::decrypt(&name, e, &found.tried);
    match format::store_for(format) {
        Some(store) => {
            let mut buf = Vec::with_capacity(text.len());
            let opened =
                engine::decrypt_to(store, &text, &found.identities, &mut buf).map_err(err)?;
            common::warn_if_old_format(ui, &name, &opened.metadata);
            common::warn_if_drift(ui, file, &name, &opened.metadata);
            let plain = Zeroizing::new(
                String::from_utf8(buf).expect("decrypted values are checked to be UTF-8"),
            );
            Ok(AnyLoaded::Text(Loaded {
                name,
                path: file.to_owned(),
                format,
                store,
                plain,
                origin: Origin::Vaultfile(Box::new(opened)),
            }))
        }
        None => {
            let (content, opened) =
                engine::decrypt_binary(&text, &found.identities).map_err(err)?;
            common::warn_if_old_format(ui, &name, &opened.metadata);
            common::warn_if_drift(ui, file, &name, &opened.metadata);
            Ok(AnyLoaded::Binary {
                content: Zeroizing::new(content),
                origin: Origin::Vaultfile(Box::new(opened)),
            })
        }
    }
}

/// Whether `text` is a vaultfile-encrypted file in `format`: its metadata block reads (the
/// word first, so that a large plaintext file costs one search).
pub fn is_vaultfile(text: &str, format: Format) -> bool {
    text.contains("vaultfile") && engine::inspect(format::encrypted_store_for(format), text).is_ok()
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
        .hint(format!(
            "pass --input-type {} if the name misleads, or use `vaultfile edit`",
            Format::names(Format::structured(), "|")
        ))),
    }
}

/// Encrypts `plain` with the loaded file as baseline (so only the changed values'
/// ciphertext and the MAC change) and replaces the file atomically.
pub fn save(loaded: &Loaded, plain: &str, ui: &Ui) -> Result<(), CliError> {
    let opened = match &loaded.origin {
        Origin::Vaultfile(o) => o,
        // git encrypts the work tree's plaintext on `git add`.
        Origin::GitWorkTree => {
            return io::write_all(
                Output::File {
                    path: &loaded.path,
                    private: false,
                },
                plain.as_bytes(),
            );
        }
        Origin::Sops => {
            return Err(CliError::new(
                ExitKind::State,
                format!(
                    "{} is a SOPS file: vaultfile writes vaultfile files only",
                    loaded.name
                ),
            )
            .hint(format!(
                "convert it first: vaultfile convert --to vaultfile {}",
                loaded.name
            )));
        }
    };
    let now = super::clock::now()?;
    let conformed = super::rekey::conform_to_rule(&loaded.path, &loaded.name, opened, now)?;
    let opts = EncryptOptions {
        recipients: &[],
        rules: conformed.as_ref().map(|c| c.rules.clone()),
        baseline: Some(conformed.as_ref().map_or(opened, |c| &c.opened)),
        now,
        allow_nothing_encrypted: false,
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
    )?;
    for note in conformed.iter().flat_map(|c| &c.notes) {
        ui.info(note);
    }
    Ok(())
}

/// Parses a key path argument (`get`, `set`, `unset`, `decrypt --extract`).
pub fn key_path(s: &str) -> Result<PathQuery, CliError> {
    PathQuery::parse(s).map_err(|e| {
        CliError::new(ExitKind::Usage, e.to_string()).hint(
            "paths look like database.password, servers[0].token, [\"a.b\"][\"c\"], or @1.a \
             for a key of the second document of a YAML stream",
        )
    })
}

/// The values of a decrypted text as a reader sees them (YAML aliases, merge keys and
/// documents resolved): what every reading command works from.
pub fn view(name: &str, store: &dyn Store, text: &str) -> Result<View, CliError> {
    View::parse(store, text).map_err(|e| view_error(name, e))
}

/// Maps a read-model error for `file`. Messages name keys, never values.
pub fn view_error(name: &str, e: ViewError) -> CliError {
    let edit = format!("fix it with `vaultfile edit {name}`");
    match e {
        ViewError::Parse(p) => {
            CliError::new(ExitKind::Syntax, format!("{name}: syntax error: {p}"))
                .hint("pass --input-type if the format was guessed wrong")
        }
        ViewError::DuplicateKey { .. } => CliError::new(ExitKind::Syntax, format!("{name}: {e}"))
            .hint(format!(
                "a key may appear once in a mapping, and readers disagree on which one wins: \
                 keep one ({edit})"
            )),
        ViewError::AliasCycle { .. } | ViewError::BadMerge { .. } => {
            CliError::new(ExitKind::Syntax, format!("{name}: {e}")).hint(edit)
        }
        other => CliError::new(ExitKind::Other, format!("{name}: {other}")).hint(edit),
    }
}

/// No value at `path` in the file `name`, with a few of the paths it has (`known`, at most
/// eight: the library stops there) as a hint; a lookup and an edit say it alike.
fn not_found(name: &str, path: &dyn std::fmt::Display, known: &[String]) -> CliError {
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

/// Maps a lookup error for `file`.
pub fn lookup_error(name: &str, e: LookupError) -> CliError {
    match e {
        LookupError::NotFound { query, known } => not_found(name, &query, &known),
        other => CliError::new(ExitKind::Usage, format!("{name}: {other}"))
            .hint("in a YAML file of several documents, @N. names document N (the first is @0)"),
    }
}

/// The hint for a write refused because of YAML aliases, anchors or merge keys.
fn shared_hint(name: &str, e: &Shared) -> String {
    let edit = format!("`vaultfile edit {name}`");
    match e {
        Shared::IsAlias { path, target, .. } => format!(
            "set '{target}' to change it everywhere, or use {edit} to give '{path}' a value of \
             its own"
        ),
        Shared::UnderAlias { alias, target, .. } => format!(
            "change it under '{target}' to change every copy, or use {edit} to write '{alias}' \
             out in full"
        ),
        Shared::Anchored { op: Op::Set, .. } => {
            format!("use {edit} to change it and decide what the aliases should hold")
        }
        Shared::Merged { op: Op::Unset, .. } => format!(
            "`vaultfile set` it to override the merged value, or use {edit} to change the \
             mapping it comes from"
        ),
        _ => format!("use {edit}, and decide there what the other keys should hold"),
    }
}

/// Maps a patch error for `file`. Messages name keys, never values.
pub fn patch_error(name: &str, e: PatchError) -> CliError {
    match e {
        PatchError::View(e) => view_error(name, e),
        PatchError::Lookup(e) => lookup_error(name, e),
        PatchError::Shared(s) => {
            let hint = shared_hint(name, &s);
            CliError::new(ExitKind::Other, format!("{name}: {s}")).hint(hint)
        }
        PatchError::NotFound { path, known } => not_found(name, &path, &known),
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

/// How a command that reads one encrypted file opens it.
#[derive(Debug, clap::Args)]
pub struct OpenArgs {
    /// The file's format [default: from the file extension]
    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = common::format_parser())]
    pub input_type: Option<Format>,

    #[command(flatten)]
    pub identity: IdentityArgs,
}

impl OpenArgs {
    /// [`load`]s `file`.
    pub fn load(&self, file: &Path, ui: &Ui) -> Result<Loaded, CliError> {
        load(file, self.input_type, &self.identity, ui)
    }

    /// [`load_any`]s `file`.
    pub fn load_any(&self, file: &Path, ui: &Ui) -> Result<AnyLoaded, CliError> {
        load_any(file, self.input_type, &self.identity, ui)
    }
}

/// How `exec-env` and `export` read their files and name the variables.
#[derive(Debug, clap::Args)]
pub struct VariableArgs {
    #[command(flatten)]
    pub names: NameArgs,

    /// The files' format [default: from each file's extension]
    #[arg(long, value_name = "TYPE", ignore_case = true, value_parser = common::format_parser())]
    pub input_type: Option<Format>,

    #[command(flatten)]
    pub identity: IdentityArgs,
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
    args: &VariableArgs,
    ui: &Ui,
) -> Result<(Vec<SourcedVar>, Nulls), CliError> {
    let opts = args.names.options();
    let mut out: Vec<SourcedVar> = Vec::new();
    // Name → index in `out`: a linear search per variable is quadratic on large files.
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut nulls = Vec::new();
    // Opened several at a time (each may wait for a key service), used in order: the
    // variables, and the first error, are those of one file after another.
    let opened = super::pool::map_ordered(super::pool::jobs()?, files, |file| {
        load(file, args.input_type, &args.identity, ui)
    });
    for loaded in opened {
        let loaded = loaded?;
        let view = view(&loaded.name, loaded.store, &loaded.plain)?;
        let flat = flatten::flatten(&view, &opts).map_err(|e| {
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
            match index.get(&var.name) {
                Some(&i) => out[i] = var,
                None => {
                    index.insert(var.name.clone(), out.len());
                    out.push(var);
                }
            }
        }
        nulls.extend(flat.nulls.into_iter().map(|p| (loaded.name.clone(), p)));
    }
    Ok((out, nulls))
}
