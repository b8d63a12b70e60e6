//! `vaultfile render`: a directory's Kubernetes manifests with its encrypted files
//! decrypted, for Argo CD's config-management plugin and for CI jobs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use vaultfile::format::Format;
use vaultfile::k8s::generator::{self, Decrypted, Generator, Objects};
use vaultfile::k8s::krm;

use super::kustomize::{self, GenerateArgs};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::io;
use crate::cli::pool;
use crate::cli::ui::Ui;

/// The names Kustomize takes for a kustomization.
const KUSTOMIZATIONS: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Print a directory's Kubernetes manifests with encrypted files decrypted (Argo CD, CI)
///
/// With a kustomization in DIR, runs `kustomize build --enable-alpha-plugins --enable-exec
/// DIR` (or, when only kubectl is installed, `kubectl kustomize --enable-alpha-plugins
/// DIR`), with vaultfile's generator found without `vaultfile kustomize install` (in a
/// plugin home of its own, where other legacy plugins are not found).
/// Otherwise reads DIR's .yaml, .yml and .json files (not hidden ones) in name order:
/// vaultfile and SOPS files decrypted, vaultfile SecretGenerators run, others as they are;
/// every document must be a Kubernetes object. Nothing is printed unless all of it
/// succeeded. This is the generate command of the Argo CD plugin in
/// examples/argocd/plugin.yaml.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile render deploy/prod | kubectl apply --server-side -f -
  vaultfile render .          # Argo CD runs this in the application's directory")]
pub struct RenderArgs {
    /// The directory
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,

    /// Read subdirectories too (a directory without a kustomization)
    #[arg(long)]
    recursive: bool,

    #[command(flatten)]
    generate: GenerateArgs,
}

pub fn run(args: RenderArgs, ui: &Ui) -> crate::cli::CmdResult {
    if !args.dir.is_dir() {
        return Err(CliError::new(
            ExitKind::Other,
            format!("{} is not a directory", args.dir.display()),
        ));
    }
    if KUSTOMIZATIONS.iter().any(|k| args.dir.join(k).is_file()) {
        return kustomize_build(&args, ui);
    }
    let files = manifest_files(&args.dir, args.recursive, &args.generate)?;
    let opened = pool::map_ordered(pool::jobs()?, &files, |file| open(file, &args, ui));
    // The documents in order; a generator's place is kept for what it makes.
    let mut objects: Vec<Option<serde_json::Value>> = Vec::new();
    let mut generators = Vec::new();
    let mut all = Objects::default();
    for docs in opened {
        for doc in std::mem::take(&mut docs?.0) {
            if generator::is_generator(&doc) {
                generators.push(Generator::from_value(doc).map_err(kustomize::generator_error)?);
                objects.push(None);
            } else {
                objects.push(Some(doc));
            }
        }
    }
    let mut generated = kustomize::generate(&generators, &args.dir, &args.generate, ui)?;
    let mut next = generated.iter_mut();
    for o in objects {
        match o {
            Some(doc) => all.0.push(doc),
            None => all
                .0
                .append(&mut next.next().expect("one output per generator").0),
        }
    }
    io::write_stdout(krm::yaml_stream(&all).as_bytes())
}

/// DIR's manifest files in name order: .yaml, .yml and .json, hidden ones left out (the
/// configuration of vaultfile and SOPS lives in dot files). A symbolic link is followed only
/// when it stays inside DIR, as a generator's paths do: a repository's link to another
/// application's encrypted file would otherwise render that application's secrets here.
fn manifest_files(
    dir: &Path,
    recursive: bool,
    args: &GenerateArgs,
) -> Result<Vec<PathBuf>, CliError> {
    let root = dir
        .canonicalize()
        .map_err(|e| CliError::io("read", dir, e))?;
    let mut out = Vec::new();
    walk(dir, &root, recursive, args, &mut out)?;
    Ok(out)
}

fn walk(
    dir: &Path,
    root: &Path,
    recursive: bool,
    args: &GenerateArgs,
    out: &mut Vec<PathBuf>,
) -> Result<(), CliError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| CliError::io("read", dir, e))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_symlink() && !args.allow_outside_root {
            let inside = path.canonicalize().is_ok_and(|real| real.starts_with(root));
            if !inside {
                return Err(CliError::new(
                    ExitKind::Usage,
                    format!(
                        "{} is a symbolic link that leads outside {}",
                        path.display(),
                        root.display()
                    ),
                )
                .hint("remove the link, or pass --allow-outside-root"));
            }
        }
        if path.is_dir() {
            // Linked directories are not descended into: a link cycle would never end.
            if recursive && !kind.is_symlink() {
                walk(&path, root, true, args, out)?;
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// One file's documents: decrypted when it is a vaultfile or SOPS file.
fn open(file: &Path, args: &RenderArgs, ui: &Ui) -> Result<Objects, CliError> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| CliError::io("read", file, e))?;
    let text = crate::cli::common::text(&name, bytes)?;
    let fmt = Format::from_path(file);
    let encrypted = vaultfile::sops::sniff(&text, fmt).is_some()
        || crate::cli::secret::is_vaultfile(&text, fmt);
    let d = if encrypted {
        kustomize::decrypt(file, &args.generate, ui)?
    } else {
        Decrypted {
            format: fmt,
            plain: zeroize::Zeroizing::new(text.into_bytes()),
        }
    };
    generator::manifests(&name, &d).map_err(kustomize::generator_error)
}

/// `kustomize build` of a kustomization, with vaultfile's legacy plugin in a plugin home of
/// its own; the output is printed only when the build succeeds.
fn kustomize_build(args: &RenderArgs, ui: &Ui) -> crate::cli::CmdResult {
    let home = tempfile::Builder::new()
        .prefix("vaultfile-kustomize-")
        .tempdir()
        .map_err(|e| CliError::io("create", Path::new("a temporary directory"), e))?;
    kustomize::install_plugin_with(home.path(), &args.generate)?;
    let mut cmd = if let Ok(k) = which::which("kustomize") {
        let mut c = Command::new(k);
        c.args(["build", "--enable-alpha-plugins", "--enable-exec"]);
        c
    } else if let Ok(k) = which::which("kubectl") {
        refuse_krm_functions(&args.dir)?;
        let mut c = Command::new(k);
        c.args(["kustomize", "--enable-alpha-plugins"]);
        c
    } else {
        return Err(CliError::new(
            ExitKind::Other,
            format!("{} holds a kustomization, and neither kustomize nor kubectl is on PATH", args.dir.display()),
        )
        .hint("install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) or kubectl"));
    };
    cmd.arg(&args.dir)
        .env("KUSTOMIZE_PLUGIN_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd
        .output()
        .map_err(|e| CliError::io("run", Path::new(&program), e))?;
    let stdout = zeroize::Zeroizing::new(out.stdout);
    if !out.status.success() {
        return Err(CliError::new(
            ExitKind::Other,
            format!(
                "{program} failed on {} ({})",
                args.dir.display(),
                out.status
            ),
        )
        .hint("its message is above"));
    }
    ui.info(&format!("rendered {} with {program}", args.dir.display()));
    io::write_stdout(&stdout)
}

/// `kubectl kustomize` has no `--enable-exec`: it skips an exec KRM function without a
/// word, and the Secret would be missing from the output. A generator in that form in DIR
/// is refused instead.
fn refuse_krm_functions(dir: &Path) -> Result<(), CliError> {
    for file in manifest_files(dir, false, &GenerateArgs::default())? {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let docs: Vec<serde_json::Value> = serde_saphyr::from_multiple(&text).unwrap_or_default();
        let krm_function = docs.iter().any(|d| {
            generator::is_generator(d)
                && krm::annotations(d)
                    .is_some_and(|a| a.contains_key("config.kubernetes.io/function"))
        });
        if krm_function {
            return Err(CliError::new(
                ExitKind::Usage,
                format!(
                    "{} is a KRM function, which `kubectl kustomize` skips silently (it has no --enable-exec), and kustomize is not on PATH",
                    file.display()
                ),
            )
            .hint("install kustomize, or drop the `config.kubernetes.io/function` annotation so that the generator runs as a legacy plugin"));
        }
    }
    Ok(())
}
