//! The toml store: parsing arbitrary text never panics, and every document that parses
//! without a metadata block passes the store round-trip contract (see `vaultfile_fuzz`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaultfile::format::Format;

fuzz_target!(|data: &[u8]| vaultfile_fuzz::check_store(Format::Toml, data));
