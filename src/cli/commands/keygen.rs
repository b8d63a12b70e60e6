//! `vaultfile keygen`: make an age identity.
//!
//! New keys are post-quantum (`age1pq1…`, age's `mlkem768x25519` type), as in age 1.4:
//! a file committed to git stays readable by whoever copies it, for as long as the
//! repository lives, so it must not fall to a quantum computer that may exist in its
//! lifetime ("harvest now, decrypt later"). The price is size: each post-quantum recipient
//! adds about 4 KB to every file it can open (an X25519 one about 300 bytes), and tools
//! without these keys (SOPS before 3.12, rage, age before 1.3) cannot use them; `--x25519`
//! makes the classical kind for those.

use std::io::Write;
use std::path::PathBuf;

use age::secrecy::ExposeSecret;
use vaultfile::keys::age::pq;

use crate::cli::error::{CliError, ExitKind};
use crate::cli::ui::Ui;

/// Generate an age identity (post-quantum by default)
///
/// Makes a hybrid post-quantum key (ML-KEM-768 + X25519, `age1pq1…`), as age 1.4 does: files
/// kept in git must stay secret even from a future quantum computer. `--x25519` makes a
/// classical key (`age1…`) for tools that lack post-quantum keys (SOPS before 3.12, rage,
/// age before 1.3); each post-quantum recipient adds about 4 KB to a file, an X25519 one
/// about 300 bytes.
///
/// Writes the identity in age-keygen's format, with `# created` and `# public key` comment
/// lines, so age (1.3 and later) and SOPS (3.12 and later) read it too. The file is created
/// with mode 0600 and is never overwritten. The public key (what others encrypt to) is
/// printed on stderr.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile keygen -o ~/.config/vaultfile/keys.txt   # the default place vaultfile looks
  vaultfile keygen > ci-key.txt                       # print to stdout
  vaultfile keygen --x25519 -o sops-key.txt           # a classical key, for SOPS < 3.12
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

    /// Make a classical X25519 key (`age1…`) instead of a post-quantum one
    #[arg(long, conflicts_with = "public")]
    x25519: bool,
}

pub fn run(args: KeygenArgs, ui: &Ui) -> crate::cli::CmdResult {
    if let Some(file) = &args.public {
        return print_public(file);
    }
    let kind = if args.x25519 {
        KeyKind::X25519
    } else {
        KeyKind::PostQuantum
    };
    let (public, text) = new_identity(kind);
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

/// The kinds of age key `keygen` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// `age1pq1…`: ML-KEM-768 + X25519 (the default).
    PostQuantum,
    /// `age1…`: X25519 alone.
    X25519,
}

/// A new age identity as age-keygen writes it (creation time, public key, secret key):
/// its public key, and the text of the key file. `init` makes its key the same way.
pub(crate) fn new_identity(kind: KeyKind) -> (String, zeroize::Zeroizing<String>) {
    let (public, secret) = match kind {
        KeyKind::PostQuantum => {
            let identity = pq::Identity::generate();
            (
                identity.to_public().to_string(),
                identity.to_secret_string(),
            )
        }
        KeyKind::X25519 => {
            let identity = age::x25519::Identity::generate();
            (
                identity.to_public().to_string(),
                zeroize::Zeroizing::new(identity.to_string().expose_secret().to_owned()),
            )
        }
    };
    let created = humantime::format_rfc3339_seconds(std::time::SystemTime::now());
    let text = zeroize::Zeroizing::new(format!(
        "# created: {created}\n# public key: {public}\n{}\n",
        secret.as_str()
    ));
    (public, text)
}

/// The public key of an age secret-key line (`AGE-SECRET-KEY-1…`, `AGE-SECRET-KEY-PQ-1…`);
/// `None` when the line is not one, `Some(Err)` when it is a damaged one.
pub(crate) fn public_of(line: &str) -> Option<Result<String, ()>> {
    let upper = line.trim().to_ascii_uppercase();
    if upper.starts_with(pq::IDENTITY_PREFIX) {
        Some(
            pq::Identity::parse(line)
                .map(|i| i.to_public().to_string())
                .map_err(drop),
        )
    } else if upper.starts_with("AGE-SECRET-KEY-1") {
        Some(
            line.trim()
                .parse::<age::x25519::Identity>()
                .map(|i| i.to_public().to_string())
                .map_err(drop),
        )
    } else {
        None
    }
}

/// Creates `dir` and its parents, readable only by the user (0700), for a key file.
pub(crate) fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// `keygen -y`: the public key of every age secret-key line of `file`.
fn print_public(file: &std::path::Path) -> crate::cli::CmdResult {
    let input = crate::cli::io::Input::new(Some(file));
    let name = input.name();
    let text = zeroize::Zeroizing::new(input.read()?);
    let text = String::from_utf8_lossy(&text);
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let Some(public) = public_of(line) else {
            continue;
        };
        let public = public.map_err(|()| {
            CliError::new(
                ExitKind::Syntax,
                format!("{name}:{}: not a valid age secret key", i + 1),
            )
            .hint("the line should be exactly what `vaultfile keygen` (or age-keygen) wrote")
        })?;
        out.push_str(&public);
        out.push('\n');
    }
    if out.is_empty() {
        return Err(CliError::new(
            ExitKind::Syntax,
            format!("{name} holds no age secret key (AGE-SECRET-KEY-1…, AGE-SECRET-KEY-PQ-1…)"),
        )
        .hint("an SSH key's public key is in its .pub file; a plugin identity's recipient is printed by the plugin"));
    }
    crate::cli::io::write_stdout(out.as_bytes())
}
