//! `vaultfile exec-env`: run a command with the decrypted values in its environment.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

use vaultfile::format::Format;

use crate::cli::child::{self, SignalGuard};
use crate::cli::error::{CliError, ExitKind};
use crate::cli::secret::{self, VariableArgs};
use crate::cli::ui::Ui;

/// The variables `--pristine` keeps from vaultfile's own environment.
const PRISTINE_KEEP: [&str; 4] = ["PATH", "HOME", "TERM", "LANG"];

/// Run a command with the decrypted values of one or more files in its environment
///
/// Nothing is written to disk. Nested keys become variable names predictably:
/// database.password gives DATABASE_PASSWORD, servers[0].token gives SERVERS_0_TOKEN
/// (--prefix, --separator and --no-upper adjust this); a dotenv file's names are kept as
/// they are. A key that gives an invalid name is an error that names the key. Several files
/// merge left to right: a later file's value wins.
///
/// The command runs directly (no shell), and its exit code is vaultfile's (128 + N when it
/// is killed by signal N). SIGINT, SIGTERM and SIGHUP sent to vaultfile are passed on to it.
/// With --exec, vaultfile replaces itself with the command, so no process keeps the values.
///
/// Options go before the files. Separate the files from the command with `--` (needed when
/// a file's name does not end in .yaml, .yml, .json, .toml or .env).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  vaultfile exec-env config/prod.yaml -- ./server --port 8080
  vaultfile exec-env base.env prod.yaml -- env          # prod.yaml wins on a name clash
  vaultfile exec-env --pristine --require DATABASE_PASSWORD prod.yaml -- ./migrate
  vaultfile exec-env --exec secrets.toml -- node app.js
  vaultfile exec-env secrets.yaml -- sh -c 'echo \"$DATABASE_USER\"'")]
pub struct ExecEnvArgs {
    /// Start from an empty environment: only the secrets plus PATH, HOME, TERM and LANG
    #[arg(long)]
    pristine: bool,

    /// Keep a variable that is already set in the environment instead of the file's value
    #[arg(long)]
    no_override: bool,

    /// Fail before running the command unless NAME is set and not empty (repeatable, or NAME,NAME)
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    require: Vec<String>,

    /// Fail before running if a value from the files is empty or null, and take the
    /// --require names only from the files (not from the inherited environment)
    #[arg(long)]
    strict: bool,

    /// Replace vaultfile with the command (execve) instead of running it as a child
    #[arg(long)]
    exec: bool,

    #[command(flatten)]
    vars: VariableArgs,

    /// The encrypted files, then the command and its arguments
    #[arg(
        value_name = "FILE… [--] COMMAND",
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<OsString>,
}

/// Splits `FILE… [--] COMMAND ARGS…`. Without `--`, the files are the leading arguments
/// named like YAML, JSON, TOML or dotenv files.
pub fn split_files(args: &[OsString]) -> Result<(Vec<PathBuf>, Vec<OsString>), CliError> {
    let (files, command): (Vec<&OsString>, &[OsString]) = match args.iter().position(|a| a == "--")
    {
        Some(i) => (args[..i].iter().collect(), &args[i + 1..]),
        None => {
            let n = args
                .iter()
                .take_while(|a| {
                    !a.to_string_lossy().starts_with('-')
                        && Format::from_path(std::path::Path::new(a)) != Format::Binary
                })
                .count();
            (args[..n].iter().collect(), &args[n..])
        }
    };
    if let Some(opt) = files.iter().find(|f| f.to_string_lossy().starts_with('-')) {
        return Err(CliError::new(
            ExitKind::Usage,
            format!(
                "'{}' is not a file: options go before the files",
                opt.to_string_lossy()
            ),
        )
        .hint("vaultfile exec-env [OPTIONS] FILE… -- COMMAND [ARGS…]"));
    }
    if files.is_empty() {
        return Err(CliError::new(ExitKind::Usage, "no encrypted file given")
            .hint("vaultfile exec-env [OPTIONS] FILE… -- COMMAND [ARGS…]; put -- after the files when their names do not end in .yaml, .json, .toml or .env"));
    }
    if command.is_empty() {
        return Err(CliError::new(ExitKind::Usage, "no command given")
            .hint("vaultfile exec-env [OPTIONS] FILE… -- COMMAND [ARGS…]"));
    }
    Ok((
        files.into_iter().map(PathBuf::from).collect(),
        command.to_vec(),
    ))
}

pub fn run(args: ExecEnvArgs, ui: &Ui) -> crate::cli::CmdResult {
    let (files, command) = split_files(&args.args)?;
    let (vars, nulls) = secret::variables(&files, &args.vars, ui)?;
    if args.strict {
        if let Some((file, path)) = nulls.first() {
            return Err(CliError::new(
                ExitKind::Other,
                format!("{file}: '{path}' is null (--strict)"),
            )
            .hint("give it a value, or drop --strict"));
        }
        if let Some(v) = vars.iter().find(|v| v.value.is_empty()) {
            return Err(CliError::new(
                ExitKind::Other,
                format!("{}: '{}' ({}) is empty (--strict)", v.file, v.path, v.name),
            )
            .hint("give it a value, or drop --strict"));
        }
    }
    let mut env: HashMap<OsString, OsString> = std::env::vars_os()
        .filter(|(k, _)| !args.pristine || PRISTINE_KEEP.iter().any(|p| k == OsStr::new(p)))
        .collect();
    let inherited: Vec<OsString> = env.keys().cloned().collect();
    for v in &vars {
        let key = OsString::from(&v.name);
        if args.no_override && env.contains_key(&key) {
            continue;
        }
        env.insert(key, OsString::from(v.value.as_str()));
    }
    for name in args.require.iter().filter(|n| !n.is_empty()) {
        let key = OsString::from(name);
        let from_files = vars.iter().any(|v| &v.name == name);
        let value = env.get(&key).filter(|v| !v.is_empty());
        let what = match (value, from_files, args.strict) {
            (None, _, _) if env.contains_key(&key) => "is empty",
            (None, _, _) => "is not set",
            (Some(_), false, true) => "does not come from the files (--strict)",
            _ => continue,
        };
        let known = if args.strict || !inherited.contains(&key) {
            let names: Vec<&str> = vars.iter().take(8).map(|v| v.name.as_str()).collect();
            format!("the files give: {}", names.join(", "))
        } else {
            String::new()
        };
        let mut e = CliError::new(ExitKind::Other, format!("required variable {name} {what}"));
        if !known.is_empty() {
            e = e.hint(known);
        }
        return Err(e.hint("the command was not run"));
    }
    drop(vars);
    // From here on SIGINT, SIGTERM and SIGHUP are passed on to the command.
    let guard = SignalGuard::new()
        .map_err(|e| CliError::new(ExitKind::Other, format!("cannot handle signals: {e}")))?;
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..]).env_clear().envs(&env);
    let name = command[0].to_string_lossy().into_owned();
    if let Some(sig) = guard.received() {
        return Err(interrupted(sig));
    }
    if args.exec {
        drop(guard);
        let e = cmd.exec();
        drop(env);
        fail_to_start(&name, &e);
    }
    match guard.run(&mut cmd) {
        Ok(status) => {
            drop(env);
            drop(guard);
            std::process::exit(child::exit_code(status));
        }
        Err(e) => {
            drop(env);
            drop(guard);
            fail_to_start(&name, &e);
        }
    }
}

pub fn interrupted(sig: i32) -> CliError {
    CliError::new(
        ExitKind::Other,
        format!("interrupted by signal {sig} before the command was run"),
    )
    .hint("nothing was run; start it again")
}

/// Reports a command that could not be started and exits as shells do (127, 126).
pub fn fail_to_start(name: &str, e: &std::io::Error) -> ! {
    let err = CliError::new(ExitKind::Other, format!("cannot run {name}: {e}")).hint(
        if e.kind() == std::io::ErrorKind::NotFound {
            "check the command's name and PATH (the command runs directly, not through a shell)"
        } else {
            "check that the command is executable"
        },
    );
    crate::cli::ui::print_error(&err);
    std::process::exit(child::spawn_failure_code(e));
}
