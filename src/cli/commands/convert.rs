//! `vaultfile convert`: move files between SOPS's format and vaultfile's.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use vaultfile::engine::{self, EncryptOptions};
use vaultfile::format::{self, Format};
use vaultfile::keys::{self, Recipient};
use vaultfile::sops::{self, MasterKey, SopsFormat};
use zeroize::Zeroizing;

use crate::cli::common::{self, IdentityArgs, RecipientArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::identities;
use crate::cli::io::{self, Output};
use crate::cli::ui::Ui;
use crate::cli::walk::{Walk, WalkError};

/// The format `convert` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// vaultfile's format (needs a key that opens the SOPS file)
    Vaultfile,
    /// SOPS's format, as `sops decrypt` (3.x) reads it
    Sops,
}

/// Convert encrypted files between SOPS's format and vaultfile's
///
/// The values are decrypted and encrypted again, to the same recipients, in the other
/// format: the file is replaced (or written to -o). Reading needs a key that opens the
/// file. Key groups and their threshold are kept, AWS KMS keys carried over with their
/// encryption context, Vault transit keys as `vault:` recipients, GCP KMS keys as
/// `gcpkms:` recipients and Azure Key Vault keys as `azkv:` recipients; SOPS's PGP keys
/// cannot be: pass -r/-R to choose the recipients instead. A directory converts
/// every SOPS file under it, and turns the `.sops.yaml` that applies to it (found as SOPS
/// finds it: in the directory or above) into the equivalent `.vaultfile.yaml` beside it,
/// listing what could not be carried over.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile convert --to vaultfile secrets.enc.yaml        # SOPS → vaultfile, in place
  vaultfile convert --to vaultfile .                       # every SOPS file, and .sops.yaml
  vaultfile convert --to sops -o sops.yaml prod.yaml       # vaultfile → SOPS")]
pub struct ConvertArgs {
    /// The format to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    to: Target,

    /// Files to convert; with --to vaultfile, directories too
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Write the result to OUT instead of replacing the file (one file only)
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,

    /// Let comments that SOPS encrypted become plaintext comments (vaultfile leaves comments unencrypted)
    #[arg(long)]
    plaintext_comments: bool,

    /// Convert a SOPS file even if its MAC does not match (it may have been altered): for recovering damaged files only
    #[arg(long)]
    ignore_mac: bool,

    /// Encrypt to RECIPIENT instead of the file's own recipients (repeatable). Needed when a SOPS file has only PGP or cloud keys. Not read from VAULTFILE_RECIPIENTS, so that a conversion keeps the file's recipients unless asked
    #[arg(short = 'r', long = "recipient", value_name = "RECIPIENT")]
    recipient: Vec<String>,

    /// Encrypt to every recipient listed in FILE instead of the file's own (repeatable)
    #[arg(short = 'R', long = "recipients-file", value_name = "FILE")]
    recipients_file: Vec<PathBuf>,

    #[command(flatten)]
    identity: IdentityArgs,
}

pub fn run(args: ConvertArgs, ui: &Ui) -> crate::cli::CmdResult {
    if args.output.is_some() && (args.files.len() != 1 || args.files[0].is_dir()) {
        return Err(
            CliError::new(ExitKind::Usage, "-o/--output needs exactly one file")
                .hint("convert one file per run with -o, or drop -o to convert the files in place"),
        );
    }
    let found = identities::collect(&args.identity.identities, ui)?;
    let given = RecipientArgs {
        recipients: args.recipient.clone(),
        recipients_files: args.recipients_file.clone(),
    };
    let override_recipients = if given.is_empty() {
        None
    } else {
        Some(given.parse()?)
    };
    let ctx = Ctx {
        args: &args,
        ui,
        found: &found,
        recipients: override_recipients,
    };
    for path in &args.files {
        if path.is_dir() {
            if args.to == Target::Sops {
                return Err(CliError::new(
                    ExitKind::Usage,
                    format!(
                        "{} is a directory; --to sops converts files",
                        path.display()
                    ),
                )
                .hint("name the files, e.g. `vaultfile convert --to sops dir/*.yaml`"));
            }
            convert_dir(&ctx, path)?;
        } else {
            let out = args.output.as_deref().unwrap_or(path);
            match args.to {
                Target::Vaultfile => {
                    to_vaultfile(&ctx, path, out, true)?;
                }
                Target::Sops => to_sops(&ctx, path, out)?,
            }
        }
    }
    Ok(())
}

struct Ctx<'a> {
    args: &'a ConvertArgs,
    ui: &'a Ui,
    found: &'a identities::Found,
    recipients: Option<Vec<Box<dyn Recipient>>>,
}

fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::io("read", path, e))?;
    common::text(&path.display().to_string(), bytes)
}

/// Converts every SOPS file under `dir`, and its `.sops.yaml`.
fn convert_dir(ctx: &Ctx<'_>, dir: &Path) -> Result<(), CliError> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    let mut converted = 0;
    for f in &files {
        let is_sops = std::fs::read(f)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .is_some_and(|t| sops::sniff(&t, Format::from_path(f)).is_some());
        if is_sops && to_vaultfile(ctx, f, f, false)? {
            converted += 1;
        }
    }
    ctx.ui.info(&format!(
        "converted {converted} SOPS file{} under {}",
        if converted == 1 { "" } else { "s" },
        dir.display()
    ));
    if let Some((sops_config, outside)) = find_sops_config(ctx, dir)? {
        let text = read_text(&sops_config)?;
        let conv = sops::convert::sops_config_to_vaultfile(&text).map_err(|e| {
            CliError::new(ExitKind::Syntax, format!("{}: {e}", sops_config.display()))
                .hint("fix .sops.yaml (`sops` reads it the same way), or move it aside to convert only the files")
        })?;
        // Beside .sops.yaml: its path_regex rules are relative to its directory, and so
        // are vaultfile's.
        let target = sops_config.with_file_name(vaultfile::config::FILE_NAME);
        // Check that vaultfile reads what was written.
        vaultfile::config::Config::parse(&conv.text, &target).map_err(|e| {
            CliError::new(
                ExitKind::Other,
                format!("the converted configuration does not load: {e}"),
            )
            .hint("this is a bug in the conversion: please report it with the .sops.yaml (keys removed); nothing was written")
        })?;
        if outside {
            // Above the repository's top, where vaultfile would not find it: nothing is
            // written outside the repository.
            ctx.ui.warn(&format!(
                "{} is outside the repository that holds {}, and vaultfile looks for {} no higher than a repository's top: nothing written. The rules converted from it would be:\n{}",
                sops_config.display(),
                dir.display(),
                vaultfile::config::FILE_NAME,
                conv.text
            ));
        } else if target.exists() {
            ctx.ui.warn(&format!(
                "{} exists; not overwritten. The rules converted from {} would be:\n{}",
                target.display(),
                sops_config.display(),
                conv.text
            ));
        } else {
            io::write_all(
                Output::File {
                    path: &target,
                    private: false,
                },
                conv.text.as_bytes(),
            )?;
            ctx.ui.info(&format!(
                "wrote {} from {}",
                target.display(),
                sops_config.display()
            ));
        }
        for n in &conv.notes {
            ctx.ui.warn(&format!("{}: {n}", sops_config.display()));
        }
    }
    Ok(())
}

/// How many directories SOPS looks through for `.sops.yaml` (its `maxDepth`).
const SOPS_CONFIG_DEPTH: usize = 100;

/// The `.sops.yaml` that applies to the files in `dir`, found as SOPS finds it: in the
/// directory, then in each parent up to the filesystem's root (SOPS starts from the working
/// directory; here the search starts from `dir`, the directory being converted, which is
/// the same when it is run there). Like SOPS, a `.sops.yml` is not read: it is named in a
/// warning. Also returns whether the file is above the top of the repository that holds
/// `dir`.
fn find_sops_config(ctx: &Ctx<'_>, dir: &Path) -> Result<Option<(PathBuf, bool)>, CliError> {
    let start = std::path::absolute(dir).map_err(|e| CliError::io("find", dir, e))?;
    let mut ignored: Option<PathBuf> = None;
    // Whether the search has left the repository `dir` is in: vaultfile looks for
    // `.vaultfile.yaml` no higher than a repository's top.
    let mut left_repository = false;
    for d in start.ancestors().take(SOPS_CONFIG_DEPTH) {
        let candidate = d.join(".sops.yaml");
        if candidate.is_file() {
            if let Some(alt) = ignored {
                ctx.ui.warn(&format!(
                    "{} ignored: SOPS reads only `.sops.yaml`, so {} is the configuration in force",
                    alt.display(),
                    candidate.display()
                ));
            }
            return Ok(Some((candidate, left_repository)));
        }
        let alt = d.join(".sops.yml");
        if ignored.is_none() && alt.is_file() {
            ignored = Some(alt);
        }
        if d.join(".git").exists() {
            left_repository = true;
        }
    }
    if let Some(alt) = ignored {
        ctx.ui.warn(&format!(
            "{} ignored: SOPS reads only a file named `.sops.yaml`; rename it to convert its rules",
            alt.display()
        ));
    }
    Ok(None)
}

/// The files under `dir` that may be SOPS files: hidden directories (`.git`, tools'
/// caches) are not entered, and `.sops.yaml` is converted on its own.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    for file in Walk::new(dir).skip_hidden_dirs(true) {
        let path = file.map_err(|e| match e {
            WalkError::List { dir, source } | WalkError::EntryType { dir, source, .. } => {
                CliError::io("list", &dir, source)
            }
        })?;
        if path.file_name() != Some(std::ffi::OsStr::new(".sops.yaml")) {
            out.push(path);
        }
    }
    Ok(())
}

/// SOPS → vaultfile. Returns false when the file was skipped (directory mode only).
fn to_vaultfile(ctx: &Ctx<'_>, path: &Path, out: &Path, explicit: bool) -> Result<bool, CliError> {
    let name = path.display().to_string();
    let text = read_text(path)?;
    let Some(sf) = sops::sniff(&text, Format::from_path(path)) else {
        let e = CliError::new(
            ExitKind::State,
            format!("{name} is not a SOPS file (no sops metadata)"),
        );
        return if explicit {
            Err(e.hint("--to vaultfile reads SOPS files; `vaultfile encrypt` encrypts plaintext"))
        } else {
            Ok(false)
        };
    };
    let dec = common::sops_decrypt(
        &name,
        &text,
        sf,
        &ctx.args.identity.identities,
        ctx.found,
        ctx.args.ignore_mac,
        ctx.ui,
    )?;
    if dec.decrypted_comments > 0 && !ctx.args.plaintext_comments {
        return Err(CliError::new(
            ExitKind::State,
            format!(
                "{name} has {} encrypted comment{}; vaultfile leaves comments unencrypted, so they would become plaintext",
                dec.decrypted_comments,
                if dec.decrypted_comments == 1 { "" } else { "s" }
            ),
        )
        .hint("check the comments hold no secret, then pass --plaintext-comments"));
    }
    let meta = &dec.metadata;
    let mut dropped = Vec::new();
    // The file's own key holders, when -r/-R does not choose them: every key vaultfile can
    // encrypt to (age, SSH, AWS KMS, Vault transit, GCP KMS, Azure Key Vault), in the same key groups with the same
    // threshold.
    let holders = match &ctx.recipients {
        Some(_) => None,
        None => Some(holders_of(&name, meta, &mut dropped)?),
    };
    let new_key = match &holders {
        Some(h) => {
            Some(engine::new_key(h, SystemTime::now()).map_err(|e| CliError::encrypt(&name, e))?)
        }
        None => None,
    };
    let recipients: &[Box<dyn Recipient>] = ctx.recipients.as_deref().unwrap_or(&[]);
    let rules = match meta.rule.to_spec() {
        None => {
            let (k, v) = meta.rule.entry();
            ctx.ui.warn(&format!(
                "{name}: `{k}: {v}` selects values by comment, which vaultfile cannot do; every value that was encrypted is encrypted, and the others stay plaintext only if no rule covers them"
            ));
            None
        }
        // The no-match rule written by `convert --to sops`: vaultfile's default.
        Some(spec) if spec.unencrypted_regex.as_deref() == Some(sops::convert::MATCH_NOTHING) => {
            None
        }
        Some(spec) => {
            let default = spec.unencrypted_suffix.as_deref() == Some("_unencrypted");
            // SOPS's default rule: keep it only where it matters.
            if default && !String::from_utf8_lossy(&dec.plaintext).contains("_unencrypted") {
                None
            } else {
                Some(spec)
            }
        }
    };
    let opts = EncryptOptions {
        recipients,
        rules,
        baseline: new_key.as_ref(),
        now: SystemTime::now(),
        allow_nothing_encrypted: false,
    };
    let out_format = Format::from_path(out);
    // The output's name decides, as it will when vaultfile decrypts it (a SOPS binary
    // `.toml` file becomes a structured vaultfile TOML file).
    let encrypted = match format::store_for(out_format) {
        None => engine::encrypt_binary(&dec.plaintext, &opts),
        Some(store) => {
            let plain = std::str::from_utf8(&dec.plaintext).map_err(|_| {
                CliError::new(
                    ExitKind::Syntax,
                    format!("{name}: the plaintext is not UTF-8"),
                )
                .hint("structured files must be UTF-8 text; encrypt it whole as a binary file with `vaultfile encrypt --input-type binary`")
            })?;
            engine::encrypt(store, plain, &opts)
        }
    }
    .map_err(|e| CliError::encrypt(&name, e))?;
    for w in encrypted.warnings.iter().chain(&dec.warnings) {
        ctx.ui.warn(&format!("{name}: {w}"));
    }
    for d in &dropped {
        ctx.ui.warn(&format!(
            "{name}: {d} cannot be a vaultfile recipient and was left out"
        ));
    }
    if let Some(keys::KeyHolders::Groups { groups, threshold }) = &holders {
        ctx.ui.info(&format!(
            "{name}: {} key groups, {threshold} needed (Shamir), carried over",
            groups.len()
        ));
    }
    if meta.mac_only_encrypted {
        ctx.ui.info(&format!(
            "{name}: mac_only_encrypted dropped: vaultfile's MAC covers every value"
        ));
    }
    write_converted(
        ctx,
        out,
        path,
        encrypted.text.as_bytes(),
        &format!("{name}: SOPS ({}) → vaultfile", sf.name()),
    )?;
    Ok(true)
}

/// The vaultfile key holders for a SOPS file's keys: its key groups and threshold (a
/// threshold of 0 means every group), or one list without key groups. Keys vaultfile cannot
/// encrypt to are left out and named in `dropped`; a group left empty is an error, since
/// the file would then need fewer (or other) people than SOPS asked for.
fn holders_of(
    name: &str,
    meta: &sops::Metadata,
    dropped: &mut Vec<String>,
) -> Result<keys::KeyHolders, CliError> {
    let none_left = |what: String| {
        CliError::new(ExitKind::Recipients, what)
            .hint("pass -r/-R to choose the vaultfile recipients")
    };
    let context = crate::cli::key_services::context();
    let mut groups = Vec::with_capacity(meta.key_groups.len());
    for (i, group) in meta.key_groups.iter().enumerate() {
        let mut list: Vec<Box<dyn Recipient>> = Vec::new();
        for k in group {
            match k
                .vaultfile_recipient()
                .map(|id| keys::parse_recipient_with(&id, &context))
            {
                Some(Ok(r)) => {
                    if !list.iter().any(|o| o.id() == r.id()) {
                        list.push(r);
                    }
                }
                Some(Err(e)) => dropped.push(format!("{} ({e})", k.describe())),
                None => dropped.push(k.describe()),
            }
        }
        if list.is_empty() && meta.key_groups.len() > 1 {
            return Err(none_left(format!(
                "{name}: key group {} has no key that vaultfile can encrypt to (it has: {}), so the key groups cannot be carried over",
                i + 1,
                group
                    .iter()
                    .map(MasterKey::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        groups.push(list);
    }
    if groups.len() <= 1 {
        let list = groups.pop().unwrap_or_default();
        if list.is_empty() {
            return Err(none_left(format!(
                "{name} has no {} key that vaultfile can encrypt to (it has: {})",
                keys::sops_source_names("or"),
                meta.describe_keys().join(", ")
            )));
        }
        return Ok(keys::KeyHolders::Recipients(list));
    }
    let threshold = match meta.shamir_threshold {
        0 => groups.len(),
        t => t.min(groups.len()),
    };
    Ok(keys::KeyHolders::Groups { groups, threshold })
}

/// Whether a vaultfile recipient can be a SOPS master key.
fn sops_can_hold(id: &str) -> bool {
    keys::source_of(id).is_some_and(|s| s.sops_kind().is_some())
}

/// vaultfile → SOPS.
fn to_sops(ctx: &Ctx<'_>, path: &Path, out: &Path) -> Result<(), CliError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| CliError::io("read", path, e))?;
    let text = common::text(&name, bytes)?;
    if sops::sniff(&text, Format::from_path(path)).is_some() {
        return Err(
            CliError::new(ExitKind::State, format!("{name} is already a SOPS file"))
                .hint("nothing to do; `--to vaultfile` converts it the other way"),
        );
    }
    let format = Format::from_path(path);
    let tried = &ctx.found.tried;
    let (plain, opened) = match format::store_for(format) {
        Some(store) => {
            let mut buf = Zeroizing::new(Vec::new());
            let opened = engine::decrypt_to(store, &text, &ctx.found.identities, &mut *buf)
                .map_err(|e| CliError::decrypt(&name, e, tried))?;
            (buf, opened)
        }
        None => {
            let (p, opened) = engine::decrypt_binary(&text, &ctx.found.identities)
                .map_err(|e| CliError::decrypt(&name, e, tried))?;
            (Zeroizing::new(p), opened)
        }
    };
    let meta = &opened.metadata;
    let (ids, threshold) = meta.groups();
    let file_groups: Vec<Vec<Box<dyn Recipient>>>;
    let holders = match &ctx.recipients {
        Some(r) => sops::Holders::Recipients(r),
        None => {
            let mut groups = Vec::with_capacity(ids.len());
            for group in &ids {
                let mut list = Vec::with_capacity(group.len());
                for id in group {
                    if !sops_can_hold(id) {
                        return Err(CliError::new(
                            ExitKind::Recipients,
                            format!("{name}: recipient {id} cannot be written to a SOPS file (SOPS takes {} keys from vaultfile)", keys::sops_source_names("and")),
                        )
                        .hint("pass -r/-R to choose the SOPS recipients"));
                    }
                    let r = keys::parse_recipient_with(id, &crate::cli::key_services::context())
                        .map_err(|e| CliError::new(ExitKind::Recipients, format!("{name}: {e}")))?;
                    list.push(r);
                }
                groups.push(list);
            }
            file_groups = groups;
            if meta.has_key_groups() {
                if threshold == 1 && file_groups.len() > 1 {
                    ctx.ui.info(&format!(
                        "{name}: any 1 of its {} key groups opens it; SOPS combines at least two shares, so the SOPS file has one key group with every recipient (the same people open it)",
                        file_groups.len()
                    ));
                }
                sops::Holders::Groups {
                    groups: &file_groups,
                    threshold,
                }
            } else {
                sops::Holders::Recipients(&file_groups[0])
            }
        }
    };
    let sf = SopsFormat::from_path(out);
    let has_suffix_keys = String::from_utf8_lossy(&plain).contains("_unencrypted");
    let rule = sops::convert::rule_for_sops(&meta.rules, has_suffix_keys)
        .map_err(|e| CliError::new(ExitKind::Usage, format!("{name}: {e}")))?;
    let written = sops::encrypt(
        &plain,
        sf,
        &sops::EncryptOptions {
            holders,
            rule,
            mac_only_encrypted: false,
            now: SystemTime::now(),
        },
    )
    .map_err(|e| common::sops_error(&name, e, tried))?;
    write_converted(
        ctx,
        out,
        path,
        written.as_bytes(),
        &format!("{name}: vaultfile → SOPS ({})", sf.name()),
    )?;
    Ok(())
}

/// Writes a converted file to `out` and says what it became (`done`), and where when that
/// is not over the original `path`.
fn write_converted(
    ctx: &Ctx<'_>,
    out: &Path,
    path: &Path,
    text: &[u8],
    done: &str,
) -> Result<(), CliError> {
    io::write_all(
        Output::File {
            path: out,
            private: false,
        },
        text,
    )?;
    let place = if out == path {
        String::new()
    } else {
        format!(", written to {}", out.display())
    };
    ctx.ui.info(&format!("{done}{place}"));
    Ok(())
}
