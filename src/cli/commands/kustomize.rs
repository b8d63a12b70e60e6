//! `vaultfile kustomize …`: the generator Kustomize runs, in both of its plugin forms, and
//! the installation of the legacy one.

use std::collections::HashMap;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use vaultfile::format::Format;
use vaultfile::k8s::generator::{self, Decrypted, Generator, GeneratorError, Objects};
use vaultfile::k8s::krm::{self, KrmError, ResourceList};

use crate::cli::common::{self, IdentityArgs};

use crate::cli::error::{CliError, ExitKind};
use crate::cli::io::{self, Output};
use crate::cli::pool;
use crate::cli::secret::{self, AnyLoaded};
use crate::cli::ui::Ui;

/// Make Kubernetes Secrets from encrypted files inside `kustomize build`
///
/// A generator in a kustomization (apiVersion vaultfile.dev/v1, kind SecretGenerator)
/// lists encrypted files, vaultfile's or SOPS's: `files` are manifests put out decrypted,
/// `secretFrom` makes Secrets from whole files (`files`) and from a file's values (`envs`,
/// named as exec-env names them). Paths are relative to the kustomization and may not leave
/// it. The field names are KSOPS's, so a KSOPS generator moves over by changing its
/// apiVersion, kind and function path.
///
/// Kustomize runs the generator in one of two forms: as a KRM function (`kustomize build
/// --enable-alpha-plugins --enable-exec`, the function's `exec.path` being vaultfile and
/// its args `[kustomize, krm]`), or as a legacy exec plugin, which `kubectl kustomize
/// --enable-alpha-plugins` also runs, after `vaultfile kustomize install`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "A generator (secret-generator.yaml, listed under `generators:` in kustomization.yaml):
  apiVersion: vaultfile.dev/v1
  kind: SecretGenerator
  metadata:
    name: web-secrets
  secretFrom:
    - metadata:
        name: web
      envs: [secrets/web.yaml]

With kubectl, as a legacy exec plugin:
  vaultfile kustomize install
  kubectl kustomize --enable-alpha-plugins DIR

With the standalone kustomize, as a KRM function: add to the generator's metadata
    annotations:
      config.kubernetes.io/function: |
        exec: {path: vaultfile, args: [kustomize, krm]}
  kustomize build --enable-alpha-plugins --enable-exec DIR
(`kubectl kustomize` skips a KRM function without a word: the Secret would be missing.)

Try a generator by hand:
  vaultfile kustomize plugin secret-generator.yaml"
)]
pub struct KustomizeArgs {
    #[command(subcommand)]
    command: KustomizeCommand,
}

#[derive(Debug, clap::Subcommand)]
enum KustomizeCommand {
    Krm(KrmArgs),
    Plugin(PluginArgs),
    Install(InstallArgs),
}

/// How the generator finds its files and keys.
#[derive(Debug, Default, clap::Args)]
pub struct GenerateArgs {
    /// Read files outside the kustomization's (or rendered) directory, as Kustomize's
    /// `--load-restrictor LoadRestrictionsNone`; by default a path or link that leaves it is
    /// refused, so that a generator cannot copy another application's secrets
    #[arg(long)]
    pub(super) allow_outside_root: bool,

    #[command(flatten)]
    identity: IdentityArgs,
}

/// Run as a KRM function: a ResourceList on standard input, one on standard output
///
/// Each item that is a vaultfile SecretGenerator is replaced by what it generates; other
/// items go out unchanged. On any error nothing is written to standard output.
#[derive(Debug, clap::Args)]
pub struct KrmArgs {
    #[command(flatten)]
    generate: GenerateArgs,
}

/// Run as a legacy Kustomize exec plugin: the generator's file in, manifests out
///
/// Kustomize calls the plugin with the path of a file holding the generator's
/// configuration, in the kustomization's directory; the manifests go to standard output
/// as a YAML stream. On any error nothing is written there.
#[derive(Debug, clap::Args)]
pub struct PluginArgs {
    #[command(flatten)]
    generate: GenerateArgs,

    /// The generator's configuration
    #[arg(value_name = "CONFIG")]
    config: PathBuf,
}

/// Install the legacy exec plugin where Kustomize looks for it
///
/// Writes an executable at PLUGIN_HOME/vaultfile.dev/v1/secretgenerator/SecretGenerator
/// that runs `vaultfile kustomize plugin`. PLUGIN_HOME is --dir, else $KUSTOMIZE_PLUGIN_HOME,
/// else $XDG_CONFIG_HOME/kustomize/plugin, else ~/.config/kustomize/plugin (Kustomize's own
/// order). Run it again after moving vaultfile.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// The plugin home to install into
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,

    /// Print the plugin to standard output instead of installing it
    #[arg(long)]
    print: bool,
}

pub fn run(args: KustomizeArgs, ui: &Ui) -> crate::cli::CmdResult {
    match args.command {
        KustomizeCommand::Krm(a) => run_krm(a, ui),
        KustomizeCommand::Plugin(a) => run_plugin(a, ui),
        KustomizeCommand::Install(a) => run_install(a, ui),
    }
}

fn run_krm(args: KrmArgs, ui: &Ui) -> crate::cli::CmdResult {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return Err(CliError::new(
            ExitKind::Usage,
            "`vaultfile kustomize krm` reads a ResourceList on standard input, and it is a terminal",
        )
        .hint("Kustomize runs it (kustomize build --enable-alpha-plugins --enable-exec); to try a generator by hand: vaultfile kustomize plugin CONFIG"));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| CliError::io("read", Path::new("<stdin>"), e))?;
    let text = zeroize::Zeroizing::new(text);
    if text.trim().is_empty() {
        return Err(CliError::new(
            ExitKind::Usage,
            "`vaultfile kustomize krm` reads a ResourceList on standard input, and got nothing",
        )
        .hint("Kustomize runs it (kustomize build --enable-alpha-plugins --enable-exec); to try a generator by hand: vaultfile kustomize plugin CONFIG"));
    }
    let list = ResourceList::parse(&text).map_err(|e| {
        let err = CliError::new(ExitKind::Syntax, e.to_string());
        match e {
            KrmError::NotResourceList(_) => err.hint(
                "this is Kustomize's KRM function form; for a generator file: vaultfile kustomize plugin CONFIG",
            ),
            _ => err,
        }
    })?;
    let mut items = list.items;
    // The generators among the items (Kustomize passes the generator itself as one); when
    // there are none, the function's configuration is the generator (a transformer, or
    // `kustomize fn run`).
    let mut generators = Vec::new();
    let mut positions = Vec::new();
    for (i, item) in items.0.iter().enumerate() {
        if generator::is_generator(item) {
            generators.push(Generator::from_value(item.clone()).map_err(generator_error)?);
            positions.push(i);
        }
    }
    let from_config = generators.is_empty();
    if from_config {
        match list.function_config {
            Some(config) if generator::is_generator(&config) => {
                generators.push(Generator::from_value(config).map_err(generator_error)?);
            }
            _ => {
                return Err(CliError::new(
                    ExitKind::Usage,
                    format!(
                        "the ResourceList holds no {} {}",
                        generator::API_VERSION,
                        generator::KIND
                    ),
                )
                .hint("check the generator's apiVersion and kind"));
            }
        }
    }
    let root = Path::new(KUSTOMIZATION_DIR);
    let mut generated = generate(&generators, root, &args.generate, ui)?;
    let mut out = Objects::default();
    if from_config {
        out.0.append(&mut items.0);
        out.0.append(&mut generated[0].0);
    } else {
        let mut next = generated.iter_mut();
        for (i, item) in std::mem::take(&mut items.0).into_iter().enumerate() {
            if positions.contains(&i) {
                let objects = next.next().expect("one output per generator");
                out.0.append(&mut objects.0);
                let mut item = item;
                generator::wipe(&mut item);
            } else {
                out.0.push(item);
            }
        }
    }
    io::write_stdout(krm::resource_list(&mut out).as_bytes())
}

fn run_plugin(args: PluginArgs, ui: &Ui) -> crate::cli::CmdResult {
    let bytes = std::fs::read(&args.config).map_err(|e| CliError::io("read", &args.config, e))?;
    let name = args.config.display().to_string();
    let text = common::text(&name, bytes)?;
    let generator =
        Generator::parse(&text).map_err(|e| generator_error(e).hint(format!("in {name}")))?;
    let root = Path::new(KUSTOMIZATION_DIR);
    let generated = generate(std::slice::from_ref(&generator), root, &args.generate, ui)?;
    io::write_stdout(krm::yaml_stream(&generated[0]).as_bytes())
}

/// The kustomization's directory: Kustomize runs both plugin forms there (kustomize's
/// `execplugin.go` and `kyaml/fn/runtime/exec` set the command's directory to it).
const KUSTOMIZATION_DIR: &str = ".";

/// Runs `generators` with the files under `root`: each file decrypted once, several at a
/// time (each may wait for a key service), then every generator's objects, in order.
pub(super) fn generate(
    generators: &[Generator],
    root: &Path,
    args: &GenerateArgs,
    ui: &Ui,
) -> Result<Vec<Objects>, CliError> {
    let mut paths: Vec<&str> = Vec::new();
    for g in generators {
        for p in g.paths() {
            if !paths.contains(&p) {
                paths.push(p);
            }
        }
    }
    let mut files = Vec::with_capacity(paths.len());
    for p in &paths {
        if !args.allow_outside_root {
            generator::resolve(root, p).map_err(generator_error)?;
        }
        // Messages name the file as the generator does, relative to the kustomization.
        files.push(if root == Path::new(".") {
            PathBuf::from(p)
        } else {
            root.join(p)
        });
    }
    let decrypted = pool::map_ordered(pool::jobs()?, &files, |file| decrypt(file, args, ui));
    let mut map = HashMap::with_capacity(paths.len());
    for (p, d) in paths.iter().zip(decrypted) {
        map.insert((*p).to_owned(), d?);
    }
    generators
        .iter()
        .map(|g| g.generate(&map).map_err(generator_error))
        .collect()
}

/// Decrypts one file the generator names: vaultfile's or SOPS's, structured or whole, or
/// the plaintext git's filter keeps in a work tree.
pub(super) fn decrypt(file: &Path, args: &GenerateArgs, ui: &Ui) -> Result<Decrypted, CliError> {
    Ok(match secret::load_any(file, None, &args.identity, ui)? {
        AnyLoaded::Text(l) => Decrypted {
            format: l.format,
            plain: zeroize::Zeroizing::new(l.plain.as_bytes().to_vec()),
        },
        AnyLoaded::Binary { content, .. } => Decrypted {
            format: Format::Binary,
            plain: content,
        },
    })
}

pub(super) fn generator_error(e: GeneratorError) -> CliError {
    let hint = match &e {
        GeneratorError::OutsideRoot { .. } => Some(
            "keep the encrypted files inside the kustomization's directory, or run the generator with --allow-outside-root (in a KRM function, its `args`)",
        ),
        GeneratorError::Missing { .. } => Some(
            "paths are relative to the directory of the kustomization that lists the generator",
        ),
        GeneratorError::Config(_) | GeneratorError::WrongKind { .. } | GeneratorError::Empty => {
            Some("see `vaultfile kustomize --help` for the generator's fields")
        }
        GeneratorError::Clash { .. } => {
            Some("rename one of the values, or give the whole file a key of its own: KEY=path")
        }
        _ => None,
    };
    let kind = match e {
        GeneratorError::Missing { .. } => ExitKind::Other,
        GeneratorError::Parse { .. } | GeneratorError::NotManifest { .. } => ExitKind::Syntax,
        _ => ExitKind::Usage,
    };
    let err = CliError::new(kind, e.to_string());
    match hint {
        Some(h) => err.hint(h),
        None => err,
    }
}

/// The legacy plugin: a POSIX shell script that runs this vaultfile, with `args`' options.
fn plugin_script(args: Option<&GenerateArgs>) -> String {
    let mut options = String::new();
    if let Some(a) = args {
        if a.allow_outside_root {
            options.push_str(" --allow-outside-root");
        }
        for id in &a.identity.identities {
            options.push_str(" -I ");
            options.push_str(&vaultfile::git::setup::shell_quote(&id.to_string_lossy()));
        }
    }
    format!(
        "#!/bin/sh\n\
         # Kustomize exec plugin for vaultfile's {api}/{kind} generator.\n\
         # Written by `vaultfile kustomize install`; run that again after moving vaultfile.\n\
         exec {cmd} kustomize plugin{options} \"$@\"\n",
        api = generator::API_VERSION,
        kind = generator::KIND,
        cmd = common::self_command(),
    )
}

/// Kustomize's plugin home, in its own order of precedence.
fn plugin_home(dir: Option<PathBuf>) -> Result<PathBuf, CliError> {
    if let Some(d) = dir {
        return Ok(d);
    }
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = var("KUSTOMIZE_PLUGIN_HOME") {
        return Ok(d);
    }
    if let Some(d) = var("XDG_CONFIG_HOME") {
        return Ok(d.join("kustomize/plugin"));
    }
    var("HOME")
        .map(|h| h.join(".config/kustomize/plugin"))
        .ok_or_else(|| {
            CliError::new(
                ExitKind::Other,
                "cannot tell where Kustomize's plugins live: HOME is not set",
            )
            .hint("pass --dir DIR, and set KUSTOMIZE_PLUGIN_HOME=DIR for Kustomize")
        })
}

/// Where the plugin goes under `home`: Kustomize looks for
/// `<group>/<version>/<lower-case kind>/<kind>`.
pub(super) fn plugin_path(home: &Path) -> PathBuf {
    home.join(generator::API_VERSION)
        .join(generator::KIND.to_lowercase())
        .join(generator::KIND)
}

/// Writes the legacy plugin under `home`, executable; `args`' options go into its command.
pub(super) fn install_plugin_with(home: &Path, args: &GenerateArgs) -> Result<PathBuf, CliError> {
    write_plugin(home, &plugin_script(Some(args)))
}

fn write_plugin(home: &Path, script: &str) -> Result<PathBuf, CliError> {
    let path = plugin_path(home);
    let dir = path.parent().expect("the plugin path has a directory");
    std::fs::create_dir_all(dir).map_err(|e| CliError::io("create", dir, e))?;
    io::write_all(
        Output::File {
            path: &path,
            private: false,
        },
        script.as_bytes(),
    )?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| CliError::io("make executable", &path, e))?;
    Ok(path)
}

fn run_install(args: InstallArgs, ui: &Ui) -> crate::cli::CmdResult {
    if args.print {
        return io::write_stdout(plugin_script(None).as_bytes());
    }
    let explicit = args.dir.is_some();
    let home = plugin_home(args.dir)?;
    let path = write_plugin(&home, &plugin_script(None))?;
    ui.info(&format!(
        "installed the Kustomize plugin: {}",
        path.display()
    ));
    if explicit {
        ui.info(&format!(
            "Kustomize looks there when KUSTOMIZE_PLUGIN_HOME={} is set",
            home.display()
        ));
    }
    ui.info("build with: kubectl kustomize --enable-alpha-plugins DIR (or kustomize build --enable-alpha-plugins DIR)");
    Ok(())
}
