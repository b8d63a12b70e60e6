//! `vaultfile set`: set one value of an encrypted file.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use zeroize::Zeroizing;

use vaultfile::format::patch::{self, NewValue};

use crate::cli::error::{CliError, ExitKind};
use crate::cli::secret::{self, OpenArgs};
use crate::cli::ui::Ui;

/// Set the value at a key path of an encrypted file, adding the key if it is new
///
/// The file is decrypted in memory, the value is written in the file's own style (a new
/// key gets its siblings' indentation and quoting), and the file is encrypted again with
/// its old version as baseline: only that value's ciphertext and the MAC change. Setting a
/// value to what it already is leaves the file untouched.
///
/// Without VALUE, the value is typed at a hidden prompt (twice) on a terminal, or read from
/// standard input (one final line break dropped; --value-stdin keeps every byte). Prefer
/// these for secrets: a VALUE on the command line is visible to every user of the machine
/// (/proc/PID/cmdline, `ps`) and stays in your shell history.
///
/// The value is read as a literal of the file's format (5432 is a number, true a boolean,
/// "quoted" a string); anything that is not one literal is a string. --string takes it as
/// a string whatever it looks like.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile set config/prod.yaml database.password             # asks for it (hidden)
  pass show db/prod | vaultfile set config/prod.yaml database.password
  vaultfile set .env API_KEY --value-file api-key.txt          # taken byte for byte
  vaultfile set config/prod.yaml database.port 5433            # not secret: on the line
  vaultfile set --string config/prod.yaml database.port 5433   # the string \"5433\"
  vaultfile set app.json 'servers[0].token' tok_live_123
  vaultfile set config.yaml offset -5                         # negative numbers work
  vaultfile set config.yaml banner -- '--- hello ---'         # other values starting with -
  printf %s \"$TOKEN\" | vaultfile set secrets.toml api.token --value-stdin")]
pub struct SetArgs {
    /// The encrypted file
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Where: `a.b[0].c`, `["a"]["b"][0]["c"]`, or `@1.a.b` in the second document of a YAML
    /// stream, as for `get` and `decrypt --extract`
    #[arg(value_name = "PATH")]
    path: String,

    /// The value; omit it to be asked (or to read standard input), which keeps a secret out
    /// of the process list and your shell history
    #[arg(
        value_name = "VALUE",
        allow_negative_numbers = true,
        conflicts_with_all = ["value_file", "value_stdin"]
    )]
    value: Option<String>,

    /// Take the value as a string, whatever it looks like
    #[arg(long)]
    string: bool,

    /// Read the value from F (exactly its bytes: a final line break is kept)
    #[arg(long, value_name = "F", conflicts_with = "value_stdin")]
    value_file: Option<PathBuf>,

    /// Read the value from standard input (exactly its bytes)
    #[arg(long)]
    value_stdin: bool,

    #[command(flatten)]
    open: OpenArgs,
}

pub fn run(args: SetArgs, ui: &Ui) -> crate::cli::CmdResult {
    let path = secret::key_path(&args.path)?;
    let value = read_value(&args, ui)?;
    let loaded = args.open.load(&args.file, ui)?;
    let new = if args.string {
        NewValue::String(&value)
    } else {
        NewValue::Literal(&value)
    };
    let patched = Zeroizing::new(
        patch::set(loaded.store, &loaded.plain, &path, new)
            .map_err(|e| secret::patch_error(&loaded.name, e))?,
    );
    if *patched == *loaded.plain {
        ui.info(&format!(
            "{}: '{path}' already has this value; the file was not changed",
            loaded.name
        ));
        return Ok(());
    }
    secret::save(&loaded, &patched, ui)
}

fn read_value(args: &SetArgs, ui: &Ui) -> Result<Zeroizing<String>, CliError> {
    let not_text = |what: &str| {
        CliError::new(
            ExitKind::Syntax,
            format!("the value from {what} is not UTF-8 text"),
        )
        .hint("vaultfile stores text values; encode binary data (base64) first")
    };
    if let Some(v) = &args.value {
        return Ok(Zeroizing::new(v.clone()));
    }
    // Neither VALUE nor a source: ask on a terminal, else read standard input as `read`
    // in a shell does (the final line break is not part of the value).
    if args.value_file.is_none() && !args.value_stdin {
        if std::io::stdin().is_terminal() {
            return prompt_value(&args.path, ui);
        }
        let mut buf = Zeroizing::new(Vec::new());
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::io("read", std::path::Path::new("<stdin>"), e))?;
        // Nothing at all is more likely a missing value (a script with no input) than an
        // empty one, which --value-stdin sets explicitly.
        if buf.is_empty() {
            return Err(CliError::new(
                ExitKind::Usage,
                format!("no value for {}: standard input is empty", args.path),
            )
            .hint("give the value on standard input, run on a terminal to be asked for it, or pass --value-stdin to set an empty value"));
        }
        let end = buf.len()
            - if buf.ends_with(b"\r\n") {
                2
            } else {
                usize::from(buf.ends_with(b"\n"))
            };
        return String::from_utf8(buf[..end].to_vec())
            .map(Zeroizing::new)
            .map_err(|_| not_text("standard input"));
    }
    let bytes = if let Some(f) = &args.value_file {
        Zeroizing::new(std::fs::read(f).map_err(|e| CliError::io("read", f, e))?)
    } else {
        let mut buf = Zeroizing::new(Vec::new());
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::io("read", std::path::Path::new("<stdin>"), e))?;
        buf
    };
    let what = match &args.value_file {
        Some(f) => f.display().to_string(),
        None => "standard input".into(),
    };
    String::from_utf8(bytes.to_vec())
        .map(Zeroizing::new)
        .map_err(|_| not_text(&what))
}

/// Asks for the value twice, without echo, on the terminal.
fn prompt_value(path: &str, ui: &Ui) -> Result<Zeroizing<String>, CliError> {
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|e| CliError::io("read", std::path::Path::new("<terminal>"), e))
    };
    loop {
        let first = ask(&format!("Value for {path} (not shown): "))?;
        let again = ask("Type it again: ")?;
        if first == again {
            return Ok(first);
        }
        ui.always("The two values differ; try again.");
    }
}
