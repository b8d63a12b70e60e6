//! `vaultfile keygen`: make an age identity.

use std::io::Write;
use std::path::PathBuf;

use age::secrecy::ExposeSecret;

use crate::cli::error::{CliError, ExitKind};
use crate::cli::ui::Ui;

/// Generate an age identity (X25519 key pair)
///
/// Writes the identity in age-keygen's format, with `# created` and `# public key` comment
/// lines, so age, rage and SOPS read it too. The file is created with mode 0600 and is
/// never overwritten. The public key (what others encrypt to) is printed on stderr.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile keygen -o ~/.config/vaultfile/keys.txt   # the default place vaultfile looks
  vaultfile keygen > ci-key.txt                       # print to stdout
  vaultfile keygen -y ~/.config/vaultfile/keys.txt   # the public key of an identity")]
pub struct KeygenArgs {
    /// Write the identity to FILE instead of standard output (refuses to overwrite)
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Print the public key of each age identity in KEYFILE (`-` for standard input)
    /// instead of making a new one, as `age-keygen -y` does
    #[arg(
        short = 'y',
        long = "public",
        value_name = "KEYFILE",
        conflicts_with = "output"
    )]
    public: Option<PathBuf>,
}

pub fn run(args: KeygenArgs, ui: &Ui) -> crate::cli::CmdResult {
    if let Some(file) = &args.public {
        return print_public(file);
    }
    let (public, text) = new_identity();
    match &args.output {
        None => crate::cli::io::write_stdout(text.as_bytes())?,
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                create_private_dir(dir).map_err(|e| CliError::io("create directory", dir, e))?;
            }
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts.open(path).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    CliError::new(ExitKind::Other, format!("{} already exists; refusing to overwrite a key", path.display()))
                        .hint("choose another file with -o, or remove the old key if you are sure nobody needs it")
                } else {
                    CliError::io("create", path, e)
                }
            })?;
            f.write_all(text.as_bytes())
                .and_then(|_| f.sync_all())
                .map_err(|e| CliError::io("write", path, e))?;
            ui.info(&format!("Wrote identity to {}", path.display()));
        }
    }
    // Always printed, even with --quiet: it is the command's result, like age-keygen's.
    ui.always(&format!("Public key: {public}"));
    Ok(())
}

/// A new age identity as age-keygen writes it (creation time, public key, secret key):
/// its public key, and the text of the key file. `init` makes its key the same way.
pub(crate) fn new_identity() -> (String, zeroize::Zeroizing<String>) {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let created = humantime::format_rfc3339_seconds(std::time::SystemTime::now());
    let text = zeroize::Zeroizing::new(format!(
        "# created: {created}\n# public key: {public}\n{}\n",
        identity.to_string().expose_secret()
    ));
    (public, text)
}

/// Creates `dir` and its parents, readable only by the user (0700), for a key file.
pub(crate) fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// `keygen -y`: the public key of every `AGE-SECRET-KEY-1…` line of `file`.
fn print_public(file: &std::path::Path) -> crate::cli::CmdResult {
    let input = crate::cli::io::Input::new(Some(file));
    let name = input.name();
    let text = zeroize::Zeroizing::new(input.read()?);
    let text = String::from_utf8_lossy(&text);
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.to_ascii_uppercase().starts_with("AGE-SECRET-KEY-1") {
            continue;
        }
        let id: age::x25519::Identity = line.parse().map_err(|_| {
            CliError::new(
                ExitKind::Syntax,
                format!("{name}:{}: not a valid age secret key", i + 1),
            )
            .hint("the line should be exactly what `vaultfile keygen` (or age-keygen) wrote")
        })?;
        out.push_str(&id.to_public().to_string());
        out.push('\n');
    }
    if out.is_empty() {
        return Err(CliError::new(
            ExitKind::Syntax,
            format!("{name} holds no age secret key (AGE-SECRET-KEY-1…)"),
        )
        .hint("an SSH key's public key is in its .pub file; a plugin identity's recipient is printed by the plugin"));
    }
    crate::cli::io::write_stdout(out.as_bytes())
}
