//! Extract: stub.
use std::collections::BTreeMap;
use crate::config::{Config, ConfigError};
use crate::corpus::Article;

/// Compiled rules.
#[derive(Debug)]
pub struct Extractor { rules: Vec<String> }
/// Extraction output.
#[derive(Debug, Default)]
pub struct Extraction {}
impl Extractor {
    /// Compiles.
    pub fn new(_c: &Config) -> Result<Extractor, ConfigError> { Ok(Extractor { rules: vec![] }) }
    /// Runs.
    pub fn extract_all(&self, _a: &[Article]) -> Extraction { Extraction {} }
    /// Rules that never fired.
    pub fn silent_rules(&self, hits: &BTreeMap<String, usize>) -> Vec<String> { self.rules.iter().filter(|r| !hits.contains_key(*r)).cloned().collect() }
}
