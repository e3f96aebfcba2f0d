//! What changed between two fact tables.
