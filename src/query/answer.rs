//! The answer value every renderer consumes.
//!
//! An answer is a headline, a list of items (each a claim with the numbers of
//! the citations that support it), notes where sources disagree, hints when
//! nothing was found, and one numbered list of citations. "No answer" is a
//! normal value (`answered = false` with hints), not an error.
//!
//! Every answer says what it rests on ([`Basis`]): the fact table, the
//! articles' own sentences when no fact fits, or nothing.

use std::sync::Arc;

use serde::Serialize;

use crate::date::Date;

/// What an answer rests on: the three tiers of the answer policy.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// Facts extracted from the articles (the fact table).
    Facts,
    /// No fact fits: sentences of the articles, quoted as they stand.
    Quotes,
    /// Nothing in the articles answers it.
    #[default]
    None,
}

impl Basis {
    /// The tier in words, for plain text and embeds.
    pub fn describe(self) -> &'static str {
        match self {
            Basis::Facts => "From the facts extracted from the articles.",
            Basis::Quotes => "From the articles' own words (no extracted fact).",
            Basis::None => "The articles do not answer this.",
        }
    }

    /// The JSON spelling (`facts`, `quotes`, `none`).
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Facts => "facts",
            Basis::Quotes => "quotes",
            Basis::None => "none",
        }
    }
}

/// An answer to one request.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Answer {
    /// The request as the user gave it (cleaned).
    pub question: String,
    /// Whether the articles answer it.
    pub answered: bool,
    /// What the answer rests on (facts, quotes or none).
    pub basis: Basis,
    /// Which intent or command produced it.
    pub intent: String,
    /// One-line summary.
    pub headline: String,
    /// The claims, each with its citation numbers.
    pub items: Vec<Item>,
    /// Where the sources differ, one line each, with citation numbers.
    pub disagreements: Vec<Item>,
    /// What can be asked instead (unanswered questions).
    pub hints: Vec<String>,
    /// The sentences the claims rest on, numbered from 1.
    pub citations: Vec<Citation>,
    /// Newest publication date among the cited articles.
    pub as_of: Option<Date>,
    /// The input was longer than the engine reads.
    pub truncated: bool,
    /// Items run newest first: what does not fit is earlier.
    pub older: bool,
    /// Every article the answer's facts rest on, cited or not, so that
    /// "4 sources" in a line and the count under the answer agree.
    #[serde(skip)]
    pub support: ArticleSet,
    /// The ids of the facts the answer cites (logged with feedback).
    #[serde(skip)]
    pub fact_ids: std::collections::BTreeSet<String>,
}

/// One claim of an answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    /// The claim in words.
    pub text: String,
    /// Citation numbers (1-based) that support it.
    pub cites: Vec<usize>,
}

/// A cited sentence. Its strings are shared (with the article's sentence
/// and the answerer's per-article copy of its metadata): a list on a large
/// corpus cites hundreds of sentences, and copying five strings each was
/// most of its time.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Citation {
    /// The number shown in the answer.
    pub n: usize,
    /// The article's file name.
    pub source: Arc<str>,
    /// The article's headline, when it has one.
    pub title: Option<Arc<str>>,
    /// The publisher, when known.
    pub outlet: Option<Arc<str>>,
    /// Publication date.
    pub date: Option<Date>,
    /// Link to the article, when known.
    pub url: Option<Arc<str>>,
    /// The sentence, verbatim.
    pub quote: Arc<str>,
    /// The article's position in the engine's article list, when the
    /// citation comes from it (counted once with [`Answer::support`]).
    #[serde(skip)]
    pub article: Option<usize>,
}

/// A set of articles by their position in the engine's article list: a
/// fact stated thousands of times rests on thousands of articles, and
/// marking a bit is all an answer pays for each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleSet {
    words: Vec<u64>,
    len: usize,
}

impl ArticleSet {
    /// Adds an article; whether it was new.
    pub fn insert(&mut self, article: usize) -> bool {
        let (w, bit) = (article / 64, 1u64 << (article % 64));
        if w >= self.words.len() {
            self.words.resize(w + 1, 0);
        }
        let new = self.words[w] & bit == 0;
        if new {
            self.words[w] |= bit;
            self.len += 1;
        }
        new
    }

    /// Adds every article of another set given as its words (bit `i` of
    /// word `w` is article `64 * w + i`): a word at a time.
    pub(crate) fn union_words(&mut self, words: &[u64]) {
        if words.len() > self.words.len() {
            self.words.resize(words.len(), 0);
        }
        for (mine, &theirs) in self.words.iter_mut().zip(words) {
            self.len += (theirs & !*mine).count_ones() as usize;
            *mine |= theirs;
        }
    }

    /// Whether the article is in the set.
    pub fn contains(&self, article: usize) -> bool {
        self.words
            .get(article / 64)
            .is_some_and(|w| w & (1u64 << (article % 64)) != 0)
    }

    /// Number of articles in the set.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.words.clear();
        self.len = 0;
    }
}

impl Extend<usize> for ArticleSet {
    fn extend<I: IntoIterator<Item = usize>>(&mut self, articles: I) {
        for a in articles {
            self.insert(a);
        }
    }
}

impl Answer {
    /// An empty answer for a request; fill it with [`Answer::cite`] and items.
    pub fn new(question: &str, intent: &str) -> Answer {
        Answer {
            question: question.to_string(),
            answered: false,
            basis: Basis::None,
            intent: intent.to_string(),
            headline: String::new(),
            items: Vec::new(),
            disagreements: Vec::new(),
            hints: Vec::new(),
            citations: Vec::new(),
            as_of: None,
            truncated: false,
            older: false,
            support: Default::default(),
            fact_ids: Default::default(),
        }
    }

    /// Settles the answer on its items: answered on `basis` when it has
    /// any, else not answered (the caller adds hints).
    pub fn settle(mut self, basis: Basis) -> Answer {
        self.answered = !self.items.is_empty();
        self.basis = if self.answered { basis } else { Basis::None };
        self
    }

    /// The same answer under another intent name.
    pub fn with_intent(mut self, intent: &str) -> Answer {
        self.intent = intent.to_string();
        self
    }

    /// Adds a citation (or finds the same sentence already cited) and
    /// returns its number.
    pub fn cite(&mut self, c: Citation) -> usize {
        if let Some(existing) = self
            .citations
            .iter()
            .find(|x| x.source == c.source && x.quote == c.quote)
        {
            return existing.n;
        }
        self.cite_new(c)
    }

    /// Adds a citation the caller knows is not there yet (the answerer
    /// checks by article position, which is cheaper); returns its number.
    pub(crate) fn cite_new(&mut self, c: Citation) -> usize {
        let n = self.citations.len() + 1;
        if let Some(d) = c.date {
            self.as_of = Some(self.as_of.map_or(d, |a| a.max(d)));
        }
        self.citations.push(Citation { n, ..c });
        n
    }

    /// Number of distinct articles the answer rests on: those cited, and
    /// those behind its facts (a line's "4 sources" never exceeds it).
    pub fn source_count(&self) -> usize {
        let mut cited: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        let mut cited_support = ArticleSet::default();
        for c in &self.citations {
            cited.insert(&c.source);
            if let Some(a) = c.article.filter(|&a| self.support.contains(a)) {
                cited_support.insert(a);
            }
        }
        // An article cited and behind a fact counts once (its file name
        // is its id: one article, one name).
        cited.len() + self.support.len() - cited_support.len()
    }

    /// The whole answer as plain text with `[n]` markers (no citation list):
    /// the `text` field of the JSON contract.
    pub fn body_text(&self) -> String {
        let mut out = String::new();
        if !self.headline.is_empty() {
            out.push_str(&self.headline);
        }
        for item in &self.items {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str("- ");
            out.push_str(&item.text);
            out.push_str(&markers(&item.cites));
        }
        if !self.disagreements.is_empty() {
            out.push_str("\nSources differ:");
            for d in &self.disagreements {
                out.push_str("\n- ");
                out.push_str(&d.text);
                out.push_str(&markers(&d.cites));
            }
        }
        if !self.hints.is_empty() {
            out.push_str("\nYou can ask:");
            for h in &self.hints {
                out.push_str("\n- ");
                out.push_str(h);
            }
        }
        out
    }
}

/// `[1][3]` for a list of citation numbers.
pub fn markers(cites: &[usize]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    if !cites.is_empty() {
        s.push(' ');
    }
    for c in cites {
        // Written in place: a long answer has hundreds of markers.
        let _ = write!(s, "[{c}]");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_words_is_adding_their_articles() {
        let mut by_one = ArticleSet::default();
        by_one.extend([3, 70, 5]);
        let mut by_words = by_one.clone();
        let other = [3usize, 64, 130, 190];
        let mut words = vec![0u64; 190 / 64 + 1];
        for a in other {
            words[a / 64] |= 1 << (a % 64);
        }
        by_one.extend(other);
        by_words.union_words(&words);
        assert_eq!(by_one, by_words);
        assert_eq!(by_words.len(), 6);
    }
}
