//! Json store (placeholder, being written).

use super::{Document, Format, Insertion, ParseError, ParseOptions, Store};

/// The json format.
pub struct JsonStore;

impl Store for JsonStore {
    fn format(&self) -> Format {
        Format::Json
    }

    fn parse(&self, _text: &str, _options: ParseOptions) -> Result<Document, ParseError> {
        Err(ParseError { line: 1, column: 1, message: "not yet implemented".into() })
    }

    fn write_token(&self, out: &mut String, token: &str) {
        out.push_str(token);
    }

    fn read_token<'a>(&self, raw: &'a str) -> Option<&'a str> {
        Some(raw)
    }

    fn metadata_insertion(
        &self,
        text: &str,
        _doc: &Document,
        _block: &serde_json::Value,
    ) -> Result<Insertion, ParseError> {
        Ok(Insertion { at: text.len(), text: String::new() })
    }
}
