//! The server side of git's long-running filter protocol, version 2 (gitattributes(5),
//! "Long Running Filter Process").
//!
//! One `vaultfile git filter-process` serves a whole `git checkout` or `git add`, instead
//! of one process per file as git-crypt does (git-crypt#297). This
//! module only speaks the protocol; what clean and smudge do is the [`Filter`] given to
//! [`serve`].
//!
//! git hands a filter one file at a time and waits for each answer, so a checkout of files
//! that each need a key service's round trip would cost the sum of the round trips. The
//! protocol's `delay` capability (which git-lfs uses for downloads) lets the filter answer
//! "later" to a smudge: the filter starts it in the background ([`Filter::start_smudge`]),
//! git goes on sending the next files, then asks which are ready (`list_available_blobs`)
//! and fetches them. Clean has no such capability: git needs each result at once.

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

    /// The blob a smudge request is for (`blob=`, which git sends since 2.27 when it
    /// knows it), told before [`Filter::smudge`] or [`Filter::start_smudge`] is asked.
    fn smudge_blob(&mut self, path: &str, blob: &str) {
        let _ = (path, blob);
    }

    /// Whether smudges may be started now and collected later (git's `delay` capability).
    fn can_delay(&self) -> bool {
        false
    }

    /// Starts smudging `path` in the background, for [`Filter::finished_smudges`] to give
    /// back; `Err(content)` hands the file back to be smudged now instead.
    fn start_smudge(&mut self, path: &str, content: Vec<u8>) -> Result<(), Vec<u8>> {
        let _ = path;
        Err(content)
    }

    /// Waits until at least one started smudge has finished, and returns every finished one
    /// (path and result); an empty list when none is left.
    fn finished_smudges(&mut self) -> Vec<(String, Result<Vec<u8>, Failure>)> {
        Vec::new()
    }
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
    let mut delay = false;
    for cap in ["capability=clean", "capability=smudge", "capability=delay"] {
        if !offered.iter().any(|c| c == cap) {
            continue;
        }
        if cap == "capability=delay" {
            if !filter.can_delay() {
                continue;
            }
            delay = true;
        }
        wr.line(cap)?;
    }
    wr.flush_pkt()?;
    wr.flush()?;
    // Delayed smudges that finished and were listed to git, which fetches them next.
    let mut ready: std::collections::HashMap<String, Vec<Result<Vec<u8>, Failure>>> =
        std::collections::HashMap::new();

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
        if delay && value("command") == Some("list_available_blobs") {
            // gitattributes(5), "Delay": block until something is ready; an empty list
            // says that nothing is left.
            for (path, result) in filter.finished_smudges() {
                wr.line(&format!("pathname={path}"))?;
                ready.entry(path).or_default().push(result);
            }
            wr.flush_pkt()?;
            wr.line("status=success")?;
            wr.flush_pkt()?;
            wr.flush()?;
            continue;
        }
        let (Some(command), Some(path)) = (value("command"), value("pathname")) else {
            return Err(ProtocolError::Request(request));
        };
        let mut content = Vec::new();
        rd.read_content(&mut content)?;
        if command == "smudge"
            && let Some(blob) = value("blob")
        {
            filter.smudge_blob(path, blob);
        }
        let finished = match ready.get_mut(path) {
            Some(results) if command == "smudge" && !results.is_empty() => Some(results.remove(0)),
            _ => None,
        };
        let result = match command {
            // A delayed file, fetched: git sends no content this time.
            "smudge" if finished.is_some() => finished.expect("just checked"),
            "smudge" if delay && value("can-delay") == Some("1") => {
                match filter.start_smudge(path, content) {
                    Ok(()) => {
                        wr.line("status=delayed")?;
                        wr.flush_pkt()?;
                        wr.flush()?;
                        continue;
                    }
                    Err(content) => filter.smudge(path, content),
                }
            }
            "clean" => filter.clean(path, content),
            "smudge" => filter.smudge(path, content),
            // Anything else means we do not understand each other: stop being asked.
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

    /// A filter that delays every smudge it may, and finishes them in reverse order.
    #[derive(Default)]
    struct Later {
        started: Vec<(String, Vec<u8>)>,
    }
    impl Filter for Later {
        fn clean(&mut self, _: &str, c: Vec<u8>) -> Result<Vec<u8>, Failure> {
            Ok(c)
        }
        fn smudge(&mut self, _: &str, c: Vec<u8>) -> Result<Vec<u8>, Failure> {
            Ok(c.to_ascii_lowercase())
        }
        fn can_delay(&self) -> bool {
            true
        }
        fn start_smudge(&mut self, path: &str, content: Vec<u8>) -> Result<(), Vec<u8>> {
            self.started.push((path.to_owned(), content));
            Ok(())
        }
        fn finished_smudges(&mut self) -> Vec<(String, Result<Vec<u8>, Failure>)> {
            let mut out: Vec<_> = self
                .started
                .drain(..)
                .map(|(p, c)| {
                    let r = if p == "bad" {
                        Err(Failure::Error)
                    } else {
                        Ok(c.to_ascii_lowercase())
                    };
                    (p, r)
                })
                .collect();
            out.reverse();
            out
        }
    }

    #[test]
    fn delayed_smudges_are_listed_then_fetched_by_path() {
        let mut input = Vec::new();
        let mut w = Writer::new(&mut input);
        let list = |w: &mut Writer<&mut Vec<u8>>, lines: &[&str]| {
            for l in lines {
                w.line(l).unwrap();
            }
            w.flush_pkt().unwrap();
        };
        list(&mut w, &["git-filter-client", "version=2"]);
        list(
            &mut w,
            &["capability=clean", "capability=smudge", "capability=delay"],
        );
        for (path, content) in [("a", &b"A"[..]), ("bad", b"B"), ("c", b"C")] {
            list(
                &mut w,
                &["command=smudge", &format!("pathname={path}"), "can-delay=1"],
            );
            w.content(content).unwrap();
            w.flush_pkt().unwrap();
        }
        list(&mut w, &["command=list_available_blobs"]);
        for path in ["a", "bad", "c"] {
            list(&mut w, &["command=smudge", &format!("pathname={path}")]);
            w.flush_pkt().unwrap(); // no content
        }
        list(&mut w, &["command=list_available_blobs"]);
        let mut out = Vec::new();
        serve(&input[..], &mut out, &mut Later::default()).unwrap();

        let mut r = Reader::new(&out[..]);
        r.read_list().unwrap();
        assert_eq!(
            r.read_list().unwrap(),
            ["capability=clean", "capability=smudge", "capability=delay"]
        );
        for _ in 0..3 {
            assert_eq!(r.read_list().unwrap(), ["status=delayed"]);
        }
        assert_eq!(
            r.read_list().unwrap(),
            ["pathname=c", "pathname=bad", "pathname=a"]
        );
        assert_eq!(r.read_list().unwrap(), ["status=success"]);
        let mut fetched = |expect: Option<&[u8]>| {
            let status = r.read_list().unwrap();
            match expect {
                Some(body) => {
                    assert_eq!(status, ["status=success"]);
                    let mut c = Vec::new();
                    r.read_content(&mut c).unwrap();
                    assert_eq!(c, body);
                    assert!(r.read_list().unwrap().is_empty());
                }
                None => assert_eq!(status, ["status=error"]),
            }
        };
        fetched(Some(b"a"));
        fetched(None);
        fetched(Some(b"c"));
        // Nothing is left: an empty list, then success.
        assert!(r.read_list().unwrap().is_empty());
        assert_eq!(r.read_list().unwrap(), ["status=success"]);
        assert_eq!(r.read().unwrap(), None);
    }
}
