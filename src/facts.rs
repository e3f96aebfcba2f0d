//! Facts: stub.
use std::collections::BTreeMap;
use crate::config::Config;
use crate::extract::Extraction;
/// Table.
#[derive(Debug, Default)]
pub struct FactTable { hits: BTreeMap<String, usize> }
impl FactTable {
    /// Build.
    pub fn build(_c: &Config, _e: Extraction) -> FactTable { FactTable::default() }
    /// Len.
    pub fn len(&self) -> usize { 0 }
    /// Empty.
    pub fn is_empty(&self) -> bool { true }
    /// JSON.
    pub fn to_json(&self) -> serde_json::Value { serde_json::json!([]) }
    /// Text.
    pub fn to_text(&self) -> String { String::new() }
    /// Counts.
    pub fn count_by_relation(&self) -> BTreeMap<String, usize> { BTreeMap::new() }
    /// Entities.
    pub fn entities(&self) -> Vec<String> { vec![] }
    /// Hits.
    pub fn rule_hits(&self) -> &BTreeMap<String, usize> { &self.hits }
}
