//! git's pkt-line framing (gitprotocol-common(5)), as used by the long-running filter
//! protocol.
//!
//! A packet is four hex digits giving its length including those four bytes, then the
//! payload; `0000` is a flush packet that ends a list or a piece of content. Hand-rolled
//! because it is this small (rust-eco.md section 6) and we need only the blocking,
//! 8-bit-clean subset.

use std::io::{self, Read, Write};

/// The largest payload one packet carries (65520 bytes in all, minus the 4-byte header).
pub const MAX_PAYLOAD: usize = 65516;

/// One packet as read.
#[derive(Debug, PartialEq, Eq)]
pub enum Packet {
    /// `0000`: the end of a list or of content.
    Flush,
    /// A data packet's payload.
    Data(Vec<u8>),
}

/// Reads packets from git.
pub struct Reader<R> {
    inner: R,
}

impl<R: Read> Reader<R> {
    /// Wraps a byte stream.
    pub fn new(inner: R) -> Self {
        Reader { inner }
    }

    /// Reads the next packet; `Ok(None)` at a clean end of stream (git closed the pipe
    /// between requests).
    pub fn read(&mut self) -> io::Result<Option<Packet>> {
        let mut header = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match self.inner.read(&mut header[got..]) {
                Ok(0) if got == 0 => return Ok(None),
                Ok(0) => return Err(invalid("stream ended inside a packet header")),
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let len = std::str::from_utf8(&header)
            .ok()
            .and_then(|h| usize::from_str_radix(h, 16).ok())
            .ok_or_else(|| invalid("bad packet length"))?;
        match len {
            0 => Ok(Some(Packet::Flush)),
            // 0001 (delimiter) and 0002 (response end) belong to protocol v2 of the wire
            // protocol, not to the filter protocol.
            1..=4 => Err(invalid("unexpected special packet")),
            _ if len - 4 > MAX_PAYLOAD => Err(invalid("packet too long")),
            _ => {
                let mut data = vec![0; len - 4];
                self.inner.read_exact(&mut data)?;
                Ok(Some(Packet::Data(data)))
            }
        }
    }

    /// Reads a text packet (a `key=value` line), with its trailing LF removed; `None` at a
    /// flush packet.
    pub fn read_line(&mut self) -> io::Result<Option<String>> {
        match self.read()? {
            None => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "git closed the stream",
            )),
            Some(Packet::Flush) => Ok(None),
            Some(Packet::Data(mut d)) => {
                if d.last() == Some(&b'\n') {
                    d.pop();
                }
                String::from_utf8(d)
                    .map(Some)
                    .map_err(|_| invalid("text packet is not UTF-8"))
            }
        }
    }

    /// Reads text packets up to a flush.
    pub fn read_list(&mut self) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        while let Some(line) = self.read_line()? {
            out.push(line);
        }
        Ok(out)
    }

    /// Reads content packets up to a flush, appending to `buf`.
    pub fn read_content(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        loop {
            match self.read()? {
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "git closed the stream inside content",
                    ));
                }
                Some(Packet::Flush) => return Ok(()),
                Some(Packet::Data(d)) => buf.extend_from_slice(&d),
            }
        }
    }
}

/// Writes packets to git.
pub struct Writer<W> {
    inner: W,
}

impl<W: Write> Writer<W> {
    /// Wraps a byte stream.
    pub fn new(inner: W) -> Self {
        Writer { inner }
    }

    /// Writes one text packet: `line` plus LF.
    pub fn line(&mut self, line: &str) -> io::Result<()> {
        let len = line.len() + 1;
        if len > MAX_PAYLOAD {
            return Err(invalid("text packet too long"));
        }
        writeln!(self.inner, "{:04x}{line}", len + 4)
    }

    /// Writes a flush packet.
    pub fn flush_pkt(&mut self) -> io::Result<()> {
        self.inner.write_all(b"0000")
    }

    /// Writes content as data packets (none for empty content), without the closing flush.
    pub fn content(&mut self, data: &[u8]) -> io::Result<()> {
        for chunk in data.chunks(MAX_PAYLOAD) {
            write!(self.inner, "{:04x}", chunk.len() + 4)?;
            self.inner.write_all(chunk)?;
        }
        Ok(())
    }

    /// Flushes the underlying stream, so git sees a complete response.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_packets_carry_their_length_in_hex() {
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out);
        w.line("version=2").unwrap();
        w.flush_pkt().unwrap();
        assert_eq!(out, b"000eversion=2\n0000");
    }

    #[test]
    fn content_is_split_at_the_maximum_payload() {
        let data = vec![7u8; MAX_PAYLOAD * 2 + 3];
        let mut out = Vec::new();
        let mut w = Writer::new(&mut out);
        w.content(&data).unwrap();
        w.flush_pkt().unwrap();
        assert_eq!(&out[..4], b"fff0");
        let mut r = Reader::new(&out[..]);
        let mut back = Vec::new();
        r.read_content(&mut back).unwrap();
        assert_eq!(back, data);
        assert_eq!(r.read().unwrap(), None);
    }

    #[test]
    fn empty_content_is_just_a_flush() {
        let mut out = Vec::new();
        Writer::new(&mut out).content(b"").unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn malformed_headers_are_errors() {
        for bad in [&b"zzzz"[..], b"0003", b"00"] {
            assert!(Reader::new(bad).read().is_err(), "{bad:?}");
        }
        let too_long = b"fff5";
        assert!(Reader::new(&too_long[..]).read().is_err());
    }

    #[test]
    fn lines_lose_their_newline() {
        let mut r = Reader::new(&b"000fcommand=xx\n0000"[..]);
        assert_eq!(r.read_list().unwrap(), vec!["command=xx".to_owned()]);
    }
}
