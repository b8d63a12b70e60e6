//! Real key servers for the key-service tests (moto as AWS KMS, OpenBao), on 127.0.0.1.
//!
//! `./scripts/test.sh` installs them into `.venv`; a missing binary fails the test with
//! that instruction (these tests are never skipped). Each server runs under a small `sh`
//! watchdog that reads our end of a pipe and kills the server when the pipe closes, so a
//! server started for the whole test binary (in a `OnceLock`, never dropped) still stops
//! when the test process exits, however it exits.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A program installed in the test virtual environment.
pub fn venv_bin(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(".venv")
        .join("bin")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: run ./scripts/test.sh, which installs the test servers (moto, OpenBao) into .venv",
        path.display()
    );
    path
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A running server; stopped when dropped (or when the test process exits).
pub struct Server {
    pub port: u16,
    watchdog: Child,
}

impl Server {
    /// Starts `program args…` (which must listen on 127.0.0.1:`port`) and waits until
    /// `ready` answers true, for at most 60 s.
    pub fn start(
        program: &PathBuf,
        args: &[&str],
        envs: &[(&str, &str)],
        port: u16,
        ready: impl Fn(u16) -> bool,
    ) -> Server {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#""$@" & pid=$!; cat >/dev/null; kill "$pid" 2>/dev/null; wait "$pid""#)
            .arg("server")
            .arg(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let watchdog = cmd.spawn().expect("start the server's watchdog");
        let mut server = Server { port, watchdog };
        let start = Instant::now();
        while !ready(port) {
            if let Ok(Some(status)) = server.watchdog.try_wait() {
                panic!(
                    "{} exited ({status}) before it was ready",
                    program.display()
                );
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{} did not become ready on 127.0.0.1:{port} within 60 s",
                program.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops the server and waits until it is gone.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        drop(self.watchdog.stdin.take());
        let _ = self.watchdog.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The status code of `GET path` on 127.0.0.1:`port`, if anything answers.
pub fn http_get_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut head = [0u8; 12];
    s.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// A socket on 127.0.0.1 that accepts connections and never answers (a hung server).
/// Returns its port; the connections are held open until the process exits.
/// [`silent_server`], and how many connections it has accepted.
pub fn silent_server_counted() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&count);
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(conn);
        }
    });
    (port, count)
}

pub fn silent_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            held.push(conn);
        }
    });
    port
}

/// A socket on 127.0.0.1 that answers every HTTP request with `status` and `body`
/// (`application/x-amz-json-1.1`), for error answers a local emulator does not produce.
pub fn answering_server(status: u16, body: &'static str) -> u16 {
    answering_server_counted(status, body).0
}

/// [`answering_server`], and the number of requests it has answered.
pub fn answering_server_counted(
    status: u16,
    body: &'static str,
) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let c = c.clone();
            std::thread::spawn(move || serve_canned(conn, status, body, &c));
        }
    });
    (port, count)
}

fn serve_canned(
    mut conn: TcpStream,
    status: u16,
    body: &str,
    count: &std::sync::atomic::AtomicUsize,
) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // Read one request: headers, then Content-Length bytes of body.
        let Some(end) = find(&buf, b"\r\n\r\n") else {
            match conn.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < end + 4 + len {
            match conn.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..end + 4 + len);
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let answer = format!(
            "HTTP/1.1 {status} Error\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: 00000000-0000-0000-0000-000000000000\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if conn.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A TCP proxy on 127.0.0.1 in front of `target_port` that counts the requests whose
/// headers contain `marker` (case-insensitive), e.g. `TrentService.Decrypt`.
pub struct CountingProxy {
    pub port: u16,
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl CountingProxy {
    pub fn start(target_port: u16, marker: &'static str) -> CountingProxy {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", target_port)) else {
                    continue;
                };
                let (mut c_read, mut s_write) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (mut s_read, mut c_write) = (server, client);
                let counter = c.clone();
                let needle = marker.to_ascii_lowercase();
                std::thread::spawn(move || {
                    let mut chunk = [0u8; 8192];
                    // The tail of the previous read, so a marker split across reads counts.
                    let mut carry: Vec<u8> = Vec::new();
                    while let Ok(n) = c_read.read(&mut chunk) {
                        if n == 0 {
                            break;
                        }
                        carry.extend_from_slice(&chunk[..n]);
                        let lower = carry.to_ascii_lowercase();
                        let (mut at, mut last_end) = (0, 0);
                        while let Some(p) = find(&lower[at..], needle.as_bytes()) {
                            counter.fetch_add(1, Ordering::SeqCst);
                            at += p + needle.len();
                            last_end = at;
                        }
                        let keep_from = last_end.max(carry.len().saturating_sub(needle.len() - 1));
                        carry.drain(..keep_from);
                        if s_write.write_all(&chunk[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = s_write.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut s_read, &mut c_write);
                    let _ = c_write.shutdown(std::net::Shutdown::Write);
                });
            }
        });
        CountingProxy { port, count }
    }

    pub fn count(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }
}
