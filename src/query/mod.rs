//! Query: from a [`Request`] to an [`Answer`], looking only at the fact table
//! and, as a last resort, at the articles' sentences.
//!
//! Slash commands map straight to fact look-ups. Free text goes through the
//! intent patterns of config.toml, entity detection (aliases, then fuzzy
//! matching for typos) and the relation words of each relation; when no fact
//! fits, ranked sentence retrieval may answer, but only with a sentence that
//! holds what the question asks for (a date for "when", a figure for "how
//! much", a name for "who"). Otherwise the answer says so and gives hints.

mod answer;
mod request;

pub use answer::{markers, Answer, Citation, Item};
pub use request::{clean, Request, MAX_QUESTION_CHARS};

use crate::config::{Config, ConfigError};
use crate::corpus::Article;
use crate::facts::FactTable;

/// Stub answerer.
#[derive(Debug)]
pub struct Answerer {}
impl Answerer {
    /// New.
    pub fn new(_c: &Config) -> Result<Answerer, ConfigError> { Ok(Answerer {}) }
    /// Answer.
    pub fn answer(&self, r: &Request, _f: &FactTable, _a: &[Article], _c: &Config) -> Answer {
        let mut a = Answer::new(&r.display(), "none");
        a.headline = "The articles don't say.".into();
        a
    }
    /// Complete.
    pub fn complete(&self, _p: &str, _f: &FactTable, _l: usize) -> Vec<String> { vec![] }
}
