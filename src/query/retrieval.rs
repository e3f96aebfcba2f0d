//! Retrieval: the fallback when no fact fits a question. Sentences are
//! ranked by the question's content words (weighted by rarity) and named
//! entities, and a sentence only counts if it holds what the question asks
//! for: a date for "when", a figure for "how much", a name for "who".

use std::collections::HashMap;

use crate::corpus::Article;
use crate::facts::FactTable;

use super::answer::{Answer, Item};
use super::respond::{finish, Ctx};
use super::understand::{word_spans, Lexicon, Understanding};

/// What an answering sentence must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anything relevant.
    Any,
    /// A date.
    Date,
    /// A number, percentage or amount.
    Figure,
    /// An amount of money.
    Money,
    /// An entity the question does not name.
    Entity,
}

/// An inverted index over the corpus sentences.
#[derive(Debug, Default)]
pub struct Index {
    docs: Vec<(usize, usize)>,
    postings: HashMap<String, Vec<u32>>,
}

/// A ranked sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Article index.
    pub article: usize,
    /// Sentence index.
    pub sentence: usize,
    /// Entities in the sentence that the question did not name.
    pub new_entities: Vec<String>,
    /// Score.
    pub score: f64,
}

impl Index {
    /// Indexes every running-text sentence.
    pub fn build(articles: &[Article], facts: &FactTable, lexicon: &Lexicon) -> Index {
        let mut index = Index::default();
        for (ai, a) in articles.iter().enumerate() {
            for s in a.sentences.iter().filter(|s| !s.heading) {
                if facts.sentence_info(ai, s.index).is_none() {
                    continue;
                }
                let id = index.docs.len() as u32;
                index.docs.push((ai, s.index));
                let lower = s.norm.to_lowercase();
                let mut seen: Vec<String> = Vec::new();
                for (st, en) in word_spans(&lower) {
                    let w = &lower[st..en];
                    if lexicon.is_stopword(w) {
                        continue;
                    }
                    let t = lexicon.term(w);
                    if !seen.contains(&t) {
                        index.postings.entry(t.clone()).or_default().push(id);
                        seen.push(t);
                    }
                }
            }
        }
        index
    }

    /// Whether the corpus uses this word anywhere (as a retrieval term).
    pub fn knows(&self, term: &str) -> bool {
        self.postings.contains_key(term)
    }

    /// The best sentences for a question that hold what it needs.
    pub fn search(
        &self,
        u: &Understanding,
        need: Need,
        facts: &FactTable,
        lexicon: &Lexicon,
        limit: usize,
    ) -> Vec<Hit> {
        let n = self.docs.len().max(1) as f64;
        let idf = |t: &str| {
            self.postings
                .get(t)
                .map_or(0.0, |p| (1.0 + n / p.len() as f64).ln())
        };
        let total: f64 = u
            .terms
            .iter()
            .map(|t| idf(t).max((1.0 + n).ln() * 0.5))
            .sum();
        let mut scores: HashMap<u32, (f64, usize)> = HashMap::new();
        for t in &u.terms {
            let w = idf(t);
            for &d in self.postings.get(t).into_iter().flatten() {
                let e = scores.entry(d).or_default();
                e.0 += w;
                e.1 += 1;
            }
        }
        let named: Vec<&str> = u
            .entities
            .iter()
            .filter(|e| e.kind != "PLACE")
            .map(|e| e.name.as_str())
            .collect();
        let places: Vec<&str> = u
            .entities
            .iter()
            .filter(|e| e.kind == "PLACE")
            .map(|e| e.name.as_str())
            .collect();
        let mut hits = Vec::new();
        for (d, (score, matched)) in scores {
            let (article, sentence) = self.docs[d as usize];
            let Some(info) = facts.sentence_info(article, sentence) else {
                continue;
            };
            // The question's own words must mostly be there...
            if matched == 0 || total > 0.0 && score < 0.5 * total {
                continue;
            }
            // ...and the things it names: every one of them, except the
            // story's actor, which most sentences leave implicit.
            let present = named
                .iter()
                .filter(|e| info.entities.iter().any(|x| x == *e))
                .count();
            if !named.is_empty() && present == 0 {
                continue;
            }
            // (A more specific name counts: "Gizmo Pro" for "Gizmo".)
            if named.iter().any(|e| {
                *e != facts.actor()
                    && !info
                        .entities
                        .iter()
                        .any(|x| x == *e || x.starts_with(&format!("{e} ")))
            }) {
                continue;
            }
            // "in China" needs China in the sentence, by name or by word
            // ("Chinese competitors").
            let has_term = |t: &str| {
                self.postings
                    .get(t)
                    .is_some_and(|p| p.binary_search(&d).is_ok())
            };
            if u.within
                .iter()
                .any(|p| !info.entities.contains(p) && !has_term(&lexicon.term(&p.to_lowercase())))
            {
                continue;
            }
            if !u.outside.is_empty() && u.outside.iter().any(|p| info.entities.contains(p)) {
                continue;
            }
            let new_entities: Vec<String> = info
                .entities
                .iter()
                .filter(|e| !u.entities.iter().any(|q| &q.name == *e))
                .filter(|e| {
                    facts
                        .entities()
                        .get(*e)
                        .is_some_and(|x| !matches!(x.kind.as_str(), "PLACE" | "OUTLET"))
                })
                .cloned()
                .collect();
            let ok = match need {
                Need::Any => true,
                Need::Date => info.has_date,
                Need::Figure => info.has_figure,
                Need::Money => info.has_money,
                Need::Entity => !new_entities.is_empty(),
            };
            if !ok {
                continue;
            }
            let place_bonus = places
                .iter()
                .filter(|p| info.entities.iter().any(|x| x == *p))
                .count() as f64
                * 0.3;
            hits.push(Hit {
                article,
                sentence,
                new_entities,
                score: score + present as f64 + place_bonus,
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.article.cmp(&b.article))
                .then(a.sentence.cmp(&b.sentence))
        });
        hits.truncate(limit);
        hits
    }
}

/// The fallback: sentences that match the question and hold what it needs.
pub fn answer(ctx: &Ctx<'_>, ans: &mut Answer, u: &Understanding, need: Need) {
    let hits = ctx.index.search(u, need, ctx.facts, ctx.lexicon, 2);
    let Some(best) = hits.first() else { return };
    let best_score = best.score;
    for h in hits.iter().filter(|h| h.score >= best_score * 0.8) {
        let c = ctx.cite_sentence(ans, h.article, h.sentence);
        let text = ctx.articles[h.article].sentences[h.sentence].text.clone();
        ans.items.push(Item {
            text: format!("\"{text}\""),
            cites: vec![c],
        });
    }
    ans.headline = match need {
        Need::Entity => format!("{} (from the sentence below)", best.new_entities.join(", ")),
        _ => "The closest the articles come:".into(),
    };
    ans.intent = format!("{}+retrieval", ans.intent);
    finish(ans);
}
