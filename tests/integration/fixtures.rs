//! Every file under `tests/fixtures/{yaml,json,toml,dotenv}`, end to end through the binary.
//!
//! For each fixture `x`:
//! 1. `decrypt(encrypt(x))` is byte-identical to `x` (the encrypted bytes are decrypted from a
//!    file with the same name, so the format is chosen the same way);
//! 2. no value of `x` is readable in the encrypted bytes. The values are found with a parser
//!    of the format that is independent of `src/format` (saphyr-parser for YAML, serde_json
//!    and a small tokenizer for JSON, the `toml` crate for TOML, a line parser here for
//!    dotenv);
//! 3. the encrypted file still parses as its format, with the same keys in the same order,
//!    nulls left alone and every other value replaced by a `VF1.` token;
//! 4. every line of `x` that holds no value (blank lines, comments, keys that open a block,
//!    closing brackets, document markers) is in the encrypted file unchanged and in order, and
//!    each line where a value starts keeps what stands before the value (indentation, key).
//!
//! One test per format, each with its own generated key. A test runs all its fixtures and
//! then reports every failure at once, naming the fixture and showing the bytes involved; the
//! encrypted output of a failing fixture is kept under `$CARGO_TARGET_TMPDIR/fixtures/`.
//! The binary runs twice per fixture (encrypt, decrypt).

use std::collections::BTreeSet;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, ScalarStyle};
use vaultfile::crypto::TOKEN_PREFIX;
use vaultfile::format::Format;

use crate::common::{Env, fixtures_dir};

/// The fixture folders and the format each one's files must select.
const FORMATS: [(&str, Format); 4] = [
    ("yaml", Format::Yaml),
    ("json", Format::Json),
    ("toml", Format::Toml),
    ("dotenv", Format::Dotenv),
];
/// Deleting fixtures must fail the tests.
const MIN_PER_FORMAT: usize = 9;
const MIN_TOTAL: usize = 40;
/// Values shorter than this (in characters) are not searched for in the encrypted bytes:
/// `true`, `80` or `app` can occur by chance.
const MIN_SECRET_CHARS: usize = 6;
/// Single words of a multi-word value are searched for from this length on, so that a value
/// encrypted only in part (the first line of a block scalar, say) is caught.
const MIN_WORD_CHARS: usize = 8;
/// At most this many problems of one kind are listed per fixture.
const MAX_PROBLEMS: usize = 8;

#[test]
fn fixtures_cover_every_format() {
    let mut total = 0;
    for (dir, _) in FORMATS {
        let n = fixture_files(dir).len();
        assert!(
            n >= MIN_PER_FORMAT,
            "tests/fixtures/{dir} holds {n} files; at least {MIN_PER_FORMAT} expected"
        );
        total += n;
    }
    assert!(
        total >= MIN_TOTAL,
        "tests/fixtures holds {total} fixtures; at least {MIN_TOTAL} expected"
    );
}

#[test]
fn yaml_fixtures_round_trip_and_hide_values() {
    check_format("yaml", Format::Yaml);
}

#[test]
fn json_fixtures_round_trip_and_hide_values() {
    check_format("json", Format::Json);
}

#[test]
fn toml_fixtures_round_trip_and_hide_values() {
    check_format("toml", Format::Toml);
}

#[test]
fn dotenv_fixtures_round_trip_and_hide_values() {
    check_format("dotenv", Format::Dotenv);
}

/// Every file under `tests/fixtures/<dir>`, recursively, in a stable order.
fn fixture_files(dir: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&fixtures_dir().join(dir), &mut files);
    files.sort();
    files
}

fn check_format(dir: &str, format: Format) {
    let files = fixture_files(dir);
    assert!(
        files.len() >= MIN_PER_FORMAT,
        "tests/fixtures/{dir} holds {} files; at least {MIN_PER_FORMAT} expected",
        files.len()
    );
    let env = Env::new();
    let root = fixtures_dir();
    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        if let Err(problems) = check_fixture(&env, dir, format, file) {
            failures.push(format!("--- tests/fixtures/{name}\n{problems}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {dir} fixtures failed:\n\n{}\n",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// Runs the four checks on one fixture; `Err` lists every problem found.
fn check_fixture(env: &Env, dir: &str, format: Format, file: &Path) -> Result<(), String> {
    let file_name = file
        .file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned();
    let selected = Format::from_path(file);
    if selected != format {
        return Err(format!(
            "the file name selects the {selected} format, not {format}: rename it"
        ));
    }
    let original = std::fs::read(file).map_err(|e| format!("cannot read the fixture: {e}"))?;
    let text =
        std::str::from_utf8(&original).map_err(|e| format!("the fixture is not UTF-8: {e}"))?;
    let plain = parse(format, text)
        .map_err(|e| format!("the fixture itself is not valid {format}: {e}"))?;

    let encrypted = run_binary(|| env.encrypt(file, &[]))?;
    let mut problems = Vec::new();

    // 1. Round trip, from a file of the same name so that the format is chosen the same way.
    let enc_path = env.write(&format!("{dir}/{file_name}"), &encrypted);
    let decrypted = run_binary(|| env.decrypt(&enc_path, &[]));
    match &decrypted {
        Ok(d) if *d == original => {}
        Ok(d) => problems.push(first_difference(&original, d)),
        Err(e) => problems.push(e.clone()),
    }

    match std::str::from_utf8(&encrypted) {
        Err(e) => problems.push(format!("the encrypted file is not UTF-8: {e}")),
        Ok(enc) => {
            // 2. No value is readable.
            check_values_hidden(text, &plain, enc, &mut problems);
            // 3. Still valid, same keys, values replaced by tokens.
            match parse(format, enc) {
                Ok(enc_parsed) => {
                    compare_documents(format, &plain.docs, enc_parsed.docs, &mut problems);
                }
                Err(e) => problems.push(format!("the encrypted file is not valid {format}: {e}")),
            }
            // 4. Lines without values, and what stands before each value, are unchanged.
            check_lines_kept(format, text, &plain, enc, &mut problems);
        }
    }

    if problems.is_empty() {
        return Ok(());
    }
    if let Some(kept) = keep_output(dir, &file_name, &encrypted, decrypted.as_deref().ok()) {
        problems.push(format!("(encrypted output kept in {kept})"));
    }
    Err(problems.join("\n"))
}

/// Runs one `Env` command, turning its failed assertion into an error message.
fn run_binary(f: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "the command panicked".to_owned())
            .trim_end()
            .to_owned()
    })
}

/// Keeps a failing fixture's encrypted (and decrypted) output for inspection.
fn keep_output(
    dir: &str,
    file_name: &str,
    encrypted: &[u8],
    decrypted: Option<&[u8]>,
) -> Option<String> {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fixtures")
        .join(dir);
    std::fs::create_dir_all(&out_dir).ok()?;
    let enc_path = out_dir.join(file_name);
    std::fs::write(&enc_path, encrypted).ok()?;
    if let Some(d) = decrypted {
        std::fs::write(out_dir.join(format!("{file_name}.decrypted")), d).ok()?;
    }
    Some(enc_path.display().to_string())
}

// ---------------------------------------------------------------------------------------------
// The checks

/// Check 1's message: where the decrypted bytes first differ from the original.
fn first_difference(original: &[u8], decrypted: &[u8]) -> String {
    let at = original
        .iter()
        .zip(decrypted)
        .position(|(a, b)| a != b)
        .unwrap_or(original.len().min(decrypted.len()));
    let line = original[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let window = |b: &[u8]| {
        let from = at.saturating_sub(40);
        let to = (at + 40).min(b.len());
        format!("{:?}", String::from_utf8_lossy(&b[from.min(to)..to]))
    };
    format!(
        "decrypt(encrypt(x)) is not x: first difference at byte {at} (line {line}); \
         x is {} bytes, the decryption {} bytes\n  x:         ...{}...\n  decrypted: ...{}...",
        original.len(),
        decrypted.len(),
        window(original),
        window(decrypted)
    )
}

/// Check 2: no value of the plaintext occurs in the encrypted bytes.
///
/// Keys and comments stay readable by design, so a value that also occurs outside the values
/// (as a key, in a comment, in an anchor name) cannot be expected to vanish, and is skipped.
/// What is "outside the values" is the plaintext with every value's span cut out.
fn check_values_hidden(text: &str, plain: &Parsed, enc: &str, problems: &mut Vec<String>) {
    let mut spans: Vec<&Range<usize>> = plain.values.iter().map(|v| &v.span).collect();
    spans.sort_by_key(|s| s.start);
    let mut public = String::with_capacity(text.len());
    let mut pos = 0;
    for s in spans {
        if s.start > pos {
            public.push_str(&text[pos..s.start]);
        }
        public.push('\0');
        pos = pos.max(s.end);
    }
    public.push_str(&text[pos.min(text.len())..]);

    let mut candidates = BTreeSet::new();
    for v in &plain.values {
        candidates.insert(v.text.trim());
        candidates.extend(v.text.lines().map(str::trim));
        candidates.extend(
            v.text
                .split_whitespace()
                .filter(|w| w.chars().count() >= MIN_WORD_CHARS),
        );
    }
    let mut found = 0;
    for c in candidates {
        if c.chars().count() < MIN_SECRET_CHARS || public.contains(c) {
            continue;
        }
        if let Some(at) = enc.find(c) {
            found += 1;
            if found <= MAX_PROBLEMS {
                problems.push(format!(
                    "value {c:?} is readable in the encrypted file: {}",
                    line_at(enc, at)
                ));
            }
        }
    }
    if found > MAX_PROBLEMS {
        problems.push(format!(
            "... and {} more readable values",
            found - MAX_PROBLEMS
        ));
    }
}

/// Check 3: the encrypted documents have the plaintext's keys, with values made tokens.
fn compare_documents(
    format: Format,
    plain: &[Node],
    mut enc: Vec<Node>,
    problems: &mut Vec<String>,
) {
    // The metadata block is a top-level `vaultfile` key (a comment block in dotenv, which the
    // dotenv parser skips). Under a root sequence it is a last item `{vaultfile: ...}`; YAML
    // may also put it in a document of its own, at the end.
    let mut blocks = 0;
    for doc in &mut enc {
        match doc {
            Node::Map(entries) => {
                let before = entries.len();
                entries.retain(|(k, _)| k != "vaultfile");
                blocks += before - entries.len();
            }
            Node::Seq(items) => {
                if matches!(items.last(), Some(Node::Map(m)) if m.len() == 1 && m[0].0 == "vaultfile")
                {
                    items.pop();
                    blocks += 1;
                }
            }
            _ => {}
        }
    }
    if format == Format::Yaml
        && enc.len() == plain.len() + 1
        && matches!(enc.last(), Some(Node::Map(m)) if m.is_empty())
    {
        enc.pop();
    }
    if format != Format::Dotenv && blocks != 1 {
        problems.push(format!(
            "the encrypted file has {blocks} top-level `vaultfile` keys; 1 expected"
        ));
    }
    if plain.len() != enc.len() {
        problems.push(format!(
            "the encrypted file holds {} documents, the plaintext {}",
            enc.len(),
            plain.len()
        ));
        return;
    }
    let mut found = Vec::new();
    for (i, (p, e)) in plain.iter().zip(&enc).enumerate() {
        let root = if plain.len() > 1 {
            format!("(document {i})")
        } else {
            String::new()
        };
        compare_nodes(&root, p, e, &mut found);
    }
    let more = found.len().saturating_sub(MAX_PROBLEMS);
    problems.extend(found.into_iter().take(MAX_PROBLEMS));
    if more > 0 {
        problems.push(format!(
            "... and {more} more differences in the encrypted tree"
        ));
    }
}

fn compare_nodes(path: &str, plain: &Node, enc: &Node, out: &mut Vec<String>) {
    let at = if path.is_empty() { "the root" } else { path };
    match (plain, enc) {
        (Node::Map(a), Node::Map(b)) => {
            let ka: Vec<&str> = a.iter().map(|(k, _)| k.as_str()).collect();
            let kb: Vec<&str> = b.iter().map(|(k, _)| k.as_str()).collect();
            if ka != kb {
                out.push(format!("keys at {at} changed: {ka:?} became {kb:?}"));
                return;
            }
            for ((k, x), (_, y)) in a.iter().zip(b) {
                compare_nodes(&format!("{path}.{k}"), x, y, out);
            }
        }
        (Node::Seq(a), Node::Seq(b)) => {
            if a.len() != b.len() {
                out.push(format!(
                    "the sequence at {at} had {} items and has {}",
                    a.len(),
                    b.len()
                ));
                return;
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare_nodes(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (Node::Alias, Node::Alias) | (Node::Leaf(Leaf::Null), Node::Leaf(Leaf::Null)) => {}
        // An empty string reveals nothing: encrypting it or not are both fine.
        (Node::Leaf(Leaf::Empty), Node::Leaf(Leaf::Empty)) => {}
        (Node::Leaf(Leaf::Empty | Leaf::Text(_)), Node::Leaf(Leaf::Text(t)))
            if t.starts_with(TOKEN_PREFIX) => {}
        (Node::Leaf(Leaf::Text(p)), Node::Leaf(Leaf::Text(t))) if p == t => {
            out.push(format!("the value at {at} is not encrypted: {t:?}"));
        }
        (p, e) => out.push(format!(
            "the value at {at} was {} and is now {}",
            p.describe(),
            e.describe()
        )),
    }
}

/// Check 4: every line without a value is unchanged and in order, and every line on which a
/// value starts keeps its text up to the value. Lines may be added (the metadata block).
fn check_lines_kept(
    format: Format,
    text: &str,
    plain: &Parsed,
    enc: &str,
    problems: &mut Vec<String>,
) {
    let lines = Lines::new(text);
    let enc_lines: Vec<&str> = enc.split('\n').collect();
    // The text before the first value that starts on each line, unless the line starts inside
    // another value (a multi-line one).
    let mut prefixes: Vec<Option<&str>> = vec![None; lines.count()];
    let mut starts: Vec<usize> = plain.values.iter().map(|v| v.span.start).collect();
    starts.sort_unstable();
    for start in starts.into_iter().rev() {
        let i = lines.line_of(start);
        let line_start = lines.start(i);
        let inside = plain
            .values
            .iter()
            .any(|v| v.span.start < line_start && line_start < v.span.end);
        let prefix = &text[line_start..start];
        if !inside && !prefix.trim().is_empty() {
            prefixes[i] = Some(prefix);
        }
    }
    let mut j = 0;
    let mut missing = 0;
    for (i, (&has_value, prefix)) in plain.value_lines.iter().zip(&prefixes).enumerate() {
        let line = lines.text(text, i);
        let found = match (has_value, prefix) {
            (false, _) => enc_lines[j..]
                .iter()
                .position(|e| same_line(format, line, e)),
            (true, Some(prefix)) => enc_lines[j..].iter().position(|e| e.starts_with(prefix)),
            (true, None) => continue,
        };
        if let Some(k) = found {
            j += k + 1;
            continue;
        }
        missing += 1;
        if missing <= MAX_PROBLEMS {
            let what = match prefix {
                Some(p) if has_value => format!("the text before its value, {p:?},"),
                _ => "holds no value and".to_owned(),
            };
            let near = enc_lines.get(j).map_or_else(String::new, |e| {
                format!(" (encrypted line {}: {e:?})", j + 1)
            });
            problems.push(format!(
                "line {} of the plaintext, {line:?}, {what} is missing from the encrypted file or out of order{near}",
                i + 1
            ));
        }
    }
    if missing > MAX_PROBLEMS {
        problems.push(format!(
            "... and {} more lines missing",
            missing - MAX_PROBLEMS
        ));
    }
}

/// Whether an encrypted line is the plaintext line unchanged. In JSON the metadata block is
/// added after the last member, so the line that closes that member gains a comma.
fn same_line(format: Format, plain: &str, enc: &str) -> bool {
    if plain == enc {
        return true;
    }
    if format != Format::Json {
        return false;
    }
    let (body, cr) = match plain.strip_suffix('\r') {
        Some(b) => (b, "\r"),
        None => (plain, ""),
    };
    enc.strip_suffix(cr).and_then(|e| e.strip_suffix(',')) == Some(body)
}

/// The line of `text` that holds byte `at`, for messages.
fn line_at(text: &str, at: usize) -> String {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[start..end];
    let shown: String = line.chars().take(200).collect();
    let cut = if shown.len() < line.len() { "..." } else { "" };
    format!(
        "line {}: {shown:?}{cut}",
        text[..at].matches('\n').count() + 1
    )
}

// ---------------------------------------------------------------------------------------------
// What a parsed document is reduced to

/// A document's tree of keys; values are reduced to whether they are null.
#[derive(Debug)]
enum Node {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    /// A YAML alias (`*name`): it stays as written.
    Alias,
    Leaf(Leaf),
}

#[derive(Debug)]
enum Leaf {
    /// Never encrypted.
    Null,
    /// An empty string: may be encrypted or not.
    Empty,
    /// Any other scalar, as decoded (strings) or as written (numbers, booleans, dates).
    Text(String),
}

impl Node {
    fn describe(&self) -> String {
        match self {
            Node::Map(m) => format!("a mapping of {} keys", m.len()),
            Node::Seq(s) => format!("a sequence of {} items", s.len()),
            Node::Alias => "an alias".to_owned(),
            Node::Leaf(Leaf::Null) => "null".to_owned(),
            Node::Leaf(Leaf::Empty) => "an empty string".to_owned(),
            Node::Leaf(Leaf::Text(t)) => format!("{t:?}"),
        }
    }

    /// A key as text; a complex YAML key (a sequence or mapping) in a flow-like spelling.
    fn key_text(&self) -> String {
        match self {
            Node::Leaf(Leaf::Text(t)) => t.clone(),
            Node::Leaf(Leaf::Empty | Leaf::Null) => String::new(),
            Node::Alias => "*alias".to_owned(),
            Node::Seq(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Node::key_text)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Node::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.key_text()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// One non-null value of a document.
struct Value {
    /// Its bytes in the text, as the parser reports them.
    span: Range<usize>,
    /// Its text: decoded for strings (raw between the quotes for dotenv), as written otherwise.
    text: String,
}

/// A parsed document: its tree, its values, and which lines hold (part of) a value.
struct Parsed {
    docs: Vec<Node>,
    values: Vec<Value>,
    value_lines: Vec<bool>,
}

impl Parsed {
    fn new(lines: &Lines) -> Self {
        Parsed {
            docs: Vec::new(),
            values: Vec::new(),
            value_lines: vec![false; lines.count()],
        }
    }

    /// Records a value and marks its lines; `first_line` overrides the line of `span.start`.
    fn add_value(
        &mut self,
        lines: &Lines,
        span: Range<usize>,
        text: String,
        first_line: Option<usize>,
    ) {
        let first = first_line.unwrap_or_else(|| lines.line_of(span.start));
        let last = if span.end > span.start {
            lines.line_of(span.end - 1)
        } else {
            first
        };
        for flag in &mut self.value_lines[first..=last.max(first)] {
            *flag = true;
        }
        self.values.push(Value { span, text });
    }
}

/// Line starts of a text split at `\n` (a `\r` before it stays part of the line).
struct Lines {
    starts: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines {
            starts,
            len: text.len(),
        }
    }

    fn count(&self) -> usize {
        self.starts.len()
    }

    fn start(&self, line: usize) -> usize {
        self.starts[line]
    }

    fn line_of(&self, byte: usize) -> usize {
        self.starts.partition_point(|&s| s <= byte.min(self.len)) - 1
    }

    fn text<'a>(&self, text: &'a str, line: usize) -> &'a str {
        let end = self.starts.get(line + 1).map_or(self.len, |&s| s - 1);
        &text[self.starts[line]..end]
    }
}

fn parse(format: Format, text: &str) -> Result<Parsed, String> {
    match format {
        Format::Yaml => parse_yaml(text),
        Format::Json => parse_json(text),
        Format::Toml => parse_toml(text),
        Format::Dotenv => parse_dotenv(text),
        Format::Binary => Err("binary files are not fixtures".to_owned()),
    }
}

// ---------------------------------------------------------------------------------------------
// YAML: saphyr-parser's events (strict: it decides the whole yaml-test-suite correctly).

enum Frame {
    Map {
        entries: Vec<(String, Node)>,
        pending_key: Option<String>,
        in_key: bool,
    },
    Seq {
        items: Vec<Node>,
        in_key: bool,
    },
}

fn parse_yaml(text: &str) -> Result<Parsed, String> {
    // saphyr counts characters; spans here are bytes.
    let mut byte_of: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    byte_of.push(text.len());
    let lines = Lines::new(text);
    let mut parsed = Parsed::new(&lines);
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| format!("YAML error: {e}"))?;
        let start = byte_of[span.start.index().min(byte_of.len() - 1)];
        let end = byte_of[span.end.index().min(byte_of.len() - 1)];
        // Is the node that starts here a key, or inside a (complex) key?
        let in_key = match stack.last() {
            Some(Frame::Map {
                pending_key,
                in_key,
                ..
            }) => pending_key.is_none() || *in_key,
            Some(Frame::Seq { in_key, .. }) => *in_key,
            None => false,
        };
        let node = match event {
            Event::Scalar(value, style, _anchor, tag) => {
                let leaf = if style == ScalarStyle::Plain
                    && tag.is_none()
                    && matches!(&*value, "" | "~" | "null" | "Null" | "NULL")
                {
                    Leaf::Null
                } else if value.is_empty() {
                    Leaf::Empty
                } else {
                    Leaf::Text(value.clone().into_owned())
                };
                if !in_key && !matches!(leaf, Leaf::Null) {
                    // A block scalar's span starts at its content: its header (`|`, `>-`, ...)
                    // sits on the last non-blank line before that.
                    let first_line = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
                        .then(|| {
                            let header = text[..start]
                                .trim_end_matches([' ', '\t', '\r', '\n'])
                                .len();
                            lines.line_of(header.saturating_sub(1))
                        });
                    parsed.add_value(&lines, start..end, value.into_owned(), first_line);
                }
                Node::Leaf(leaf)
            }
            Event::Alias(_) => Node::Alias,
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq {
                    items: Vec::new(),
                    in_key,
                });
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map {
                    entries: Vec::new(),
                    pending_key: None,
                    in_key,
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { items, .. }) => Node::Seq(items),
                Some(Frame::Map {
                    entries,
                    pending_key: None,
                    ..
                }) => Node::Map(entries),
                Some(Frame::Map {
                    pending_key: Some(k),
                    ..
                }) => return Err(format!("key {k:?} without a value")),
                None => return Err("unbalanced collection end".to_owned()),
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => parsed.docs.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node.key_text()),
                Some(k) => entries.push((k, node)),
            },
        }
    }
    Ok(parsed)
}

// ---------------------------------------------------------------------------------------------
// JSON: serde_json for validity and the tree; a tokenizer for the values' spans.

fn parse_json(text: &str) -> Result<Parsed, String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("JSON error: {e}"))?;
    let lines = Lines::new(text);
    let mut parsed = Parsed::new(&lines);
    parsed.docs.push(json_node(&value));

    // serde_json accepted the text, so this tokenizer only meets valid JSON.
    let b = text.as_bytes();
    let mut i = text.len() - body.len();
    while i < b.len() {
        let start = i;
        match b[i] {
            b'"' => {
                i += 1;
                while b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                let next = b[i..].iter().find(|c| !c.is_ascii_whitespace());
                if next != Some(&b':') {
                    let s: String =
                        serde_json::from_str(&text[start..i]).map_err(|e| e.to_string())?;
                    parsed.add_value(&lines, start..i, s, None);
                }
            }
            b'-' | b'0'..=b'9' => {
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                parsed.add_value(&lines, start..i, text[start..i].to_owned(), None);
            }
            b't' | b'f' | b'n' => {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                if &text[start..i] != "null" {
                    parsed.add_value(&lines, start..i, text[start..i].to_owned(), None);
                }
            }
            _ => i += 1,
        }
    }
    Ok(parsed)
}

fn json_node(v: &serde_json::Value) -> Node {
    use serde_json::Value as J;
    match v {
        J::Object(m) => Node::Map(m.iter().map(|(k, v)| (k.clone(), json_node(v))).collect()),
        J::Array(a) => Node::Seq(a.iter().map(json_node).collect()),
        J::Null => Node::Leaf(Leaf::Null),
        J::String(s) if s.is_empty() => Node::Leaf(Leaf::Empty),
        J::String(s) => Node::Leaf(Leaf::Text(s.clone())),
        J::Number(n) => Node::Leaf(Leaf::Text(n.to_string())),
        J::Bool(b) => Node::Leaf(Leaf::Text(b.to_string())),
    }
}

// ---------------------------------------------------------------------------------------------
// TOML: the `toml` crate, whose `DeTable` keeps every value's span.

fn parse_toml(text: &str) -> Result<Parsed, String> {
    // Full validation (duplicate keys, redefined tables...), then the spanned tree.
    toml::from_str::<toml::Table>(text).map_err(|e| format!("TOML error: {e}"))?;
    let root = toml::de::DeTable::parse(text).map_err(|e| format!("TOML error: {e}"))?;
    let lines = Lines::new(text);
    let mut parsed = Parsed::new(&lines);
    let node = toml_table(root.get_ref(), text, &lines, &mut parsed);
    parsed.docs.push(node);
    Ok(parsed)
}

fn toml_table(t: &toml::de::DeTable<'_>, text: &str, lines: &Lines, parsed: &mut Parsed) -> Node {
    Node::Map(
        t.iter()
            .map(|(k, v)| (k.get_ref().to_string(), toml_value(v, text, lines, parsed)))
            .collect(),
    )
}

fn toml_value(
    v: &toml::Spanned<toml::de::DeValue<'_>>,
    text: &str,
    lines: &Lines,
    parsed: &mut Parsed,
) -> Node {
    use toml::de::DeValue as T;
    let span = v.span();
    match v.get_ref() {
        T::Table(t) => toml_table(t, text, lines, parsed),
        T::Array(a) => Node::Seq(
            a.iter()
                .map(|v| toml_value(v, text, lines, parsed))
                .collect(),
        ),
        T::String(s) => {
            parsed.add_value(lines, span, s.to_string(), None);
            Node::Leaf(if s.is_empty() {
                Leaf::Empty
            } else {
                Leaf::Text(s.to_string())
            })
        }
        _ => {
            let raw = text[span.clone()].to_owned();
            parsed.add_value(lines, span, raw.clone(), None);
            Node::Leaf(Leaf::Text(raw))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// dotenv: a line parser following python-dotenv and docker compose. `[export ]KEY=VALUE`,
// spaces or tabs around `=`; VALUE is `"..."` (backslash escapes, may span lines), `'...'`
// (may span lines), or unquoted up to a `#` that follows a space or tab. References
// (`$VAR`, `${VAR}`) are not expanded. A value's text is taken as written between the quotes.

fn parse_dotenv(text: &str) -> Result<Parsed, String> {
    let assignment =
        regex::Regex::new(r"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*")
            .expect("valid regex");
    let lines = Lines::new(text);
    let mut parsed = Parsed::new(&lines);
    let mut entries = Vec::new();
    let line_end = |from: usize| text[from..].find('\n').map_or(text.len(), |i| from + i);
    let mut pos = 0;
    while pos < text.len() {
        let end = line_end(pos);
        let line = text[pos..end].trim_end_matches('\r');
        let n = lines.line_of(pos) + 1;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            pos = end + 1;
            continue;
        }
        let caps = assignment
            .captures(line)
            .ok_or_else(|| format!("line {n} is not KEY=VALUE: {line:?}"))?;
        let key = caps[1].to_owned();
        let v = pos + caps[0].len();
        let (span, after) = match text.as_bytes().get(v) {
            Some(&q @ (b'"' | b'\'')) => {
                let mut i = v + 1;
                loop {
                    match text.as_bytes().get(i) {
                        None => {
                            return Err(format!(
                                "line {n}: the quoted value of {key} is not closed"
                            ));
                        }
                        Some(b'\\') if q == b'"' => i += 2,
                        Some(&c) if c == q => break,
                        Some(_) => i += 1,
                    }
                }
                (v..i + 1, i + 1)
            }
            _ => {
                let rest = &line[caps[0].len()..];
                let cut = rest
                    .char_indices()
                    .find(|&(i, c)| c == '#' && i > 0 && rest[..i].ends_with([' ', '\t']))
                    .map_or(rest.len(), |(i, _)| i);
                let value = rest[..cut].trim_end();
                (v..v + value.len(), v + value.len())
            }
        };
        let raw = &text[span.clone()];
        let value = if raw.starts_with(['"', '\'']) {
            &raw[1..raw.len() - 1]
        } else {
            raw
        };
        let close_end = line_end(after);
        let tail = text[after..close_end].trim_end_matches('\r').trim();
        if !(tail.is_empty() || tail.starts_with('#')) {
            return Err(format!(
                "line {n}: unexpected text after the value of {key}: {tail:?}"
            ));
        }
        parsed.add_value(&lines, span, value.to_owned(), None);
        let leaf = if value.is_empty() {
            Leaf::Empty
        } else {
            Leaf::Text(value.to_owned())
        };
        entries.push((key, Node::Leaf(leaf)));
        pos = close_end + 1;
    }
    parsed.docs.push(Node::Map(entries));
    Ok(parsed)
}
