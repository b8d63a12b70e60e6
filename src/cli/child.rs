//! Running a command (the editor, or the program given to `exec-env`/`exec-file`) while
//! vaultfile holds plaintext: SIGINT, SIGTERM and SIGHUP do not kill vaultfile (so it can
//! clean up); they are forwarded to the child instead.
//!
//! A Ctrl-C typed at the terminal reaches every process of the foreground group, the child
//! included, so SIGINT is forwarded only when vaultfile is not in the terminal's foreground
//! group (a `kill -INT` from elsewhere): the child never gets it twice.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::thread::JoinHandle;

use nix::sys::signal::{Signal, kill};
use nix::unistd::{Pid, getpgrp, tcgetpgrp};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::{Handle, Signals};

/// Catches SIGINT, SIGTERM and SIGHUP for as long as it lives, forwarding them to the
/// current child and remembering the last one.
pub struct SignalGuard {
    handle: Handle,
    thread: Option<JoinHandle<()>>,
    child: Arc<AtomicU32>,
    received: Arc<AtomicI32>,
}

impl SignalGuard {
    pub fn new() -> io::Result<Self> {
        let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
        let handle = signals.handle();
        let child = Arc::new(AtomicU32::new(0));
        let received = Arc::new(AtomicI32::new(0));
        let thread = {
            let (child, received) = (child.clone(), received.clone());
            std::thread::spawn(move || {
                for sig in signals.forever() {
                    if sig != SIGINT || !in_foreground() {
                        received.store(sig, Ordering::SeqCst);
                    }
                    let pid = child.load(Ordering::SeqCst);
                    if pid == 0 || (sig == SIGINT && in_foreground()) {
                        continue;
                    }
                    if let Ok(s) = Signal::try_from(sig) {
                        let _ = kill(Pid::from_raw(pid as i32), s);
                    }
                }
            })
        };
        Ok(SignalGuard {
            handle,
            thread: Some(thread),
            child,
            received,
        })
    }

    /// The last signal received that was not a Ctrl-C at the terminal.
    pub fn received(&self) -> Option<i32> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s),
        }
    }

    /// Spawns `cmd`, forwards signals to it until it exits, and returns its status.
    pub fn run(&self, cmd: &mut Command) -> io::Result<ExitStatus> {
        let mut child: Child = cmd.spawn()?;
        self.child.store(child.id(), Ordering::SeqCst);
        let status = child.wait();
        self.child.store(0, Ordering::SeqCst);
        status
    }
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// True when this process is in the foreground process group of its terminal.
fn in_foreground() -> bool {
    tcgetpgrp(io::stdin()).is_ok_and(|pg| pg == getpgrp())
}

/// The exit code a shell would report for `status`: the code, or 128 + the signal.
pub fn exit_code(status: ExitStatus) -> i32 {
    status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(1)
}

/// Describes how a command ended, for messages.
pub fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(c), _) => format!("exited with status {c}"),
        (None, Some(s)) => format!(
            "was killed by signal {s}{}",
            Signal::try_from(s)
                .map(|s| format!(" ({})", s.as_str()))
                .unwrap_or_default()
        ),
        _ => "ended abnormally".into(),
    }
}

/// The exit code for a command that could not be started: 127 when it was not found,
/// 126 otherwise (as shells and env(1) report it).
pub fn spawn_failure_code(e: &io::Error) -> i32 {
    if e.kind() == io::ErrorKind::NotFound {
        127
    } else {
        126
    }
}
