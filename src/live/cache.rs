//! The on-disk cache of per-article extraction results (see [`super`]).

/// Bumped when the cached format changes; part of every key.
pub const FORMAT: &str = "factdesk-extraction-cache-1";
