//! Key sources (placeholder, being written).

/// The library's only way to reach the user.
pub trait Callbacks {}
