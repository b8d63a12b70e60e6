//! Binary files: any file that is not a structured format, encrypted whole as one value.
//!
//! The encrypted form is a small YAML document with one leaf, `data`, followed by the
//! usual metadata block, so binary files share the YAML store's code and look like every
//! other vaultfile in a diff. The value encrypted is the file's exact bytes.

use super::Store;

/// The key under which the whole file's ciphertext is stored.
pub const DATA_KEY: &str = "data";

/// The store that reads and writes a binary file's encrypted form: the YAML envelope.
pub fn envelope() -> &'static dyn Store {
    &super::yaml::YamlStore
}
