//! The server side of git's long-running filter protocol, version 2 (gitattributes(5),
//! "Long Running Filter Process").
//!
//! One `vaultfile git filter-process` serves a whole `git checkout` or `git add`, instead
//! of one process per file as git-crypt does (git-crypt#297). This
//! module only speaks the protocol; what clean and smudge do is the [`Filter`] given to
//! [`serve`]. `delay` is not negotiated: a blob is converted in well under a millisecond
//! once the process runs, so deferring it would only add round trips.

use std::io::{self, Read, Write};

use super::pktline::{Reader, Writer};

/// What one file's conversion can end in, besides success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// This file failed; git reports it (and fails the command, with `required = true`)
    /// but keeps sending the others.
    Error,
    /// Stop: git sends no more files of this kind to this process.
    Abort,
}

/// The two conversions git asks for.
pub trait Filter {
    /// Work tree → repository, for the file at repository-relative `path`.
    fn clean(&mut self, path: &str, content: Vec<u8>) -> Result<Vec<u8>, Failure>;
    /// Repository → work tree.
    fn smudge(&mut self, path: &str, content: Vec<u8>) -> Result<Vec<u8>, Failure>;
}

/// Why the conversation with git broke down.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// git's first message is not the filter protocol's greeting.
    #[error(
        "not a git filter-process client (got {0:?}); this command is run by git, see `vaultfile git init`"
    )]
    NotGit(Vec<String>),
    /// git does not offer version 2.
    #[error("git offers no protocol version this filter speaks (got {0:?})")]
    Version(Vec<String>),
    /// A request lacks `command=` or `pathname=`.
    #[error("malformed request from git: {0:?}")]
    Request(Vec<String>),
    /// Reading or writing the pipe failed.
    #[error("filter protocol I/O: {0}")]
    Io(#[from] io::Error),
}

/// Serves git's requests until it closes the stream.
pub fn serve<R: Read, W: Write>(
    input: R,
    output: W,
    filter: &mut dyn Filter,
) -> Result<(), ProtocolError> {
    let mut rd = Reader::new(input);
    let mut wr = Writer::new(output);

    let hello = rd.read_list()?;
    if hello.first().map(String::as_str) != Some("git-filter-client") {
        return Err(ProtocolError::NotGit(hello));
    }
    if !hello.iter().skip(1).any(|l| l == "version=2") {
        return Err(ProtocolError::Version(hello));
    }
    wr.line("git-filter-server")?;
    wr.line("version=2")?;
    wr.flush_pkt()?;
    wr.flush()?;

    let offered = rd.read_list()?;
    for cap in ["capability=clean", "capability=smudge"] {
        if offered.iter().any(|c| c == cap) {
            wr.line(cap)?;
        }
    }
    wr.flush_pkt()?;
    wr.flush()?;

    loop {
        // git closes the pipe between requests when it is done.
        let request = match rd.read()? {
            None => return Ok(()),
            Some(first) => {
                let mut lines = Vec::new();
                let mut pkt = Some(first);
                while let Some(super::pktline::Packet::Data(mut d)) = pkt {
                    if d.last() == Some(&b'\n') {
                        d.pop();
                    }
                    lines.push(String::from_utf8_lossy(&d).into_owned());
                    pkt = rd.read()?;
                }
                lines
            }
        };
        let value = |key: &str| {
            request
                .iter()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
        };
        let (Some(command), Some(path)) = (value("command"), value("pathname")) else {
            return Err(ProtocolError::Request(request));
        };
        let mut content = Vec::new();
        rd.read_content(&mut content)?;
        let result = match command {
            "clean" => filter.clean(path, content),
            "smudge" => filter.smudge(path, content),
            // Only clean and smudge were negotiated: git asking for anything else (a delayed
            // blob list) means we do not understand each other, so stop being asked.
            _ => Err(Failure::Abort),
        };
        match result {
            Ok(out) => {
                wr.line("status=success")?;
                wr.flush_pkt()?;
                wr.content(&out)?;
                wr.flush_pkt()?;
                // An empty trailing list keeps the status "success".
                wr.flush_pkt()?;
            }
            Err(f) => {
                wr.line(match f {
                    Failure::Error => "status=error",
                    Failure::Abort => "status=abort",
                })?;
                wr.flush_pkt()?;
            }
        }
        wr.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filter that upper-cases on clean, lower-cases on smudge, fails on `bad` and aborts
    /// on `stop`.
    struct Case;
    impl Filter for Case {
        fn clean(&mut self, path: &str, c: Vec<u8>) -> Result<Vec<u8>, Failure> {
            match path {
                "bad" => Err(Failure::Error),
                "stop" => Err(Failure::Abort),
                _ => Ok(c.to_ascii_uppercase()),
            }
        }
        fn smudge(&mut self, _: &str, c: Vec<u8>) -> Result<Vec<u8>, Failure> {
            Ok(c.to_ascii_lowercase())
        }
    }

    fn session(requests: &[(&str, &str, &[u8])]) -> Vec<u8> {
        let mut input = Vec::new();
        let mut w = Writer::new(&mut input);
        for l in ["git-filter-client", "version=2"] {
            w.line(l).unwrap();
        }
        w.flush_pkt().unwrap();
        for l in ["capability=clean", "capability=smudge", "capability=delay"] {
            w.line(l).unwrap();
        }
        w.flush_pkt().unwrap();
        for (cmd, path, content) in requests {
            w.line(&format!("command={cmd}")).unwrap();
            w.line(&format!("pathname={path}")).unwrap();
            w.flush_pkt().unwrap();
            w.content(content).unwrap();
            w.flush_pkt().unwrap();
        }
        let mut out = Vec::new();
        serve(&input[..], &mut out, &mut Case).unwrap();
        out
    }

    #[test]
    fn handshake_offers_only_clean_and_smudge() {
        let out = session(&[]);
        let mut r = Reader::new(&out[..]);
        assert_eq!(r.read_list().unwrap(), ["git-filter-server", "version=2"]);
        assert_eq!(
            r.read_list().unwrap(),
            ["capability=clean", "capability=smudge"]
        );
        assert_eq!(r.read().unwrap(), None);
    }

    #[test]
    fn an_error_on_one_file_does_not_stop_the_next() {
        let out = session(&[
            ("clean", "a", b"x"),
            ("clean", "bad", b"y"),
            ("smudge", "c", b"Z"),
            ("clean", "stop", b""),
        ]);
        let mut r = Reader::new(&out[..]);
        r.read_list().unwrap();
        r.read_list().unwrap();
        let mut reply = |expect_content: bool| {
            let status = r.read_list().unwrap();
            let mut c = Vec::new();
            if expect_content {
                r.read_content(&mut c).unwrap();
                assert!(r.read_list().unwrap().is_empty());
            }
            (status, c)
        };
        assert_eq!(reply(true), (vec!["status=success".into()], b"X".to_vec()));
        assert_eq!(reply(false).0, ["status=error"]);
        assert_eq!(reply(true), (vec!["status=success".into()], b"z".to_vec()));
        assert_eq!(reply(false).0, ["status=abort"]);
    }

    #[test]
    fn a_stranger_is_told_what_this_command_is_for() {
        let mut input = Vec::new();
        Writer::new(&mut input).line("hello").unwrap();
        input.extend_from_slice(b"0000");
        let err = serve(&input[..], Vec::new(), &mut Case).unwrap_err();
        assert!(err.to_string().contains("vaultfile git init"), "{err}");
    }
}
