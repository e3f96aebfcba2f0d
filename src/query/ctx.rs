//! The context every answer builder reads: the fact table, the articles,
//! the config, the question lexicon, the sentence index and look-up tables
//! built once with the answerer. Also what all builders share: citing
//! evidence, a fact in words, its details, and the disagreement notes.
//!
//! Builders (`respond`, `story`, `retrieval`) depend on this module and on
//! `index`, never on each other's internals.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use crate::config::{Config, RelationConfig};
use crate::corpus::Article;
use crate::extract::mentions::fold;
use crate::extract::Evidence;
use crate::facts::{Fact, FactTable, Qualifier};

use super::answer::{markers, Answer, Citation, Item};
use super::index::Index;
use super::intent::Need;
use super::understand::{word_spans, Lexicon, Understanding};

/// Citations per item, at most.
pub(super) const CITES_PER_ITEM: usize = 3;
/// Items that get citations; the rest of a very long list is still listed
/// (renderers shorten it) but not cited, which keeps a question on a large
/// corpus within a millisecond.
pub(super) const CITED_ITEMS: usize = 25;

/// Everything a builder reads, for one request.
pub struct Ctx<'a> {
    /// The fact table.
    pub facts: &'a FactTable,
    /// The articles.
    pub articles: &'a [Article],
    /// The config.
    pub config: &'a Config,
    /// Question lexicon.
    pub lexicon: &'a Lexicon,
    /// Sentence index.
    pub index: &'a Index,
    /// Look-up tables built once with the answerer.
    pub lookups: &'a Lookups,
    /// The request as the user gave it (cleaned).
    pub question: &'a str,
}

/// Tables every answer needs, built once at start-up rather than per
/// question (on a 14 MB corpus rebuilding them cost milliseconds a question).
#[derive(Debug, Default)]
pub struct Lookups {
    fact_terms: Vec<HashSet<String>>,
    object_terms: Vec<Vec<String>>,
    fact_entities: Vec<BTreeSet<String>>,
    /// Every sentence stating the fact is modal or conditional ("would
    /// block"): it says what might happen, not what happened.
    modal_only: Vec<bool>,
    /// Facts by the name of a party (subject or object).
    by_party: HashMap<String, Vec<usize>>,
    /// Facts by who the sentences attribute them to ("according to X")
    /// and by the outlet that published them, folded.
    by_attribution: HashMap<String, Vec<usize>>,
    /// Per fact: some sentence quotes it directly.
    direct_quote: Vec<bool>,
    /// Facts whose object is a topic, not an entity ("a version of X").
    topic_facts: Vec<usize>,
    /// Per fact: each distinct reason, best supported first.
    reasons: Vec<Vec<ReasonGroup>>,
    /// Per fact, per disagreement, per value shown: the evidence giving it.
    disagreement_evidence: Vec<Vec<Vec<Vec<usize>>>>,
    /// The parties of the story's main deal: the best supported fact of a
    /// relation whose events have a price, with the story's actor in it.
    deal_parties: BTreeSet<String>,
    /// Topic nouns ("deal", "takeover"): an object that is one of them
    /// ("the deal") is the main deal.
    topic_words: HashSet<String>,
    /// Per fact: its distinct articles, by position (a fact stated
    /// thousands of times on a large corpus rests on hundreds).
    fact_articles: Vec<FactArticles>,
    /// Per fact of a relation that quotes its object: whether the object
    /// stands inside quotation marks in one of its sentences (a reported
    /// fact would be read in full to find it is not, per question).
    quoted_directly: Vec<bool>,
    /// Per fact: its reasons that say something, joined with "; ", for
    /// list details (a fact can have hundreds; each is checked once).
    said_reasons: Vec<String>,
    /// Per fact: its object is a known entity (else a topic).
    object_is_entity: Vec<bool>,
    /// What `/timeline` shows: the same whoever asks.
    timeline: super::story::Timeline,
    /// Per article: what its citations show, shared by every citation
    /// of it rather than copied into each.
    cited_articles: Vec<CitedArticle>,
    /// Per fact: its relation's position in the config's relations.
    relation_at: Vec<Option<u16>>,
    /// Relation name to its first position in the config's relations.
    relation_position: HashMap<String, u16>,
    /// Per fact: the [`pair_mask`] of its object, to rule out most
    /// "does this topic name X" substring searches with one test (a
    /// large corpus has thousands of topic facts, and a question naming
    /// one company asks each of them).
    object_pairs: Vec<u128>,
}

/// A bit for each pair of adjacent bytes of a string (hashed to 128): a
/// string containing another has every bit of the other's mask, so a
/// missing bit proves it does not contain it.
pub(super) fn pair_mask(s: &str) -> u128 {
    s.as_bytes().windows(2).fold(0, |m, w| {
        m | 1u128 << ((w[0] as usize * 31 + w[1] as usize) % 128)
    })
}

/// An article's file name and metadata as citations carry them.
#[derive(Debug)]
struct CitedArticle {
    source: Arc<str>,
    title: Option<Arc<str>>,
    outlet: Option<Arc<str>>,
    url: Option<Arc<str>>,
}

impl CitedArticle {
    fn new(a: &Article) -> CitedArticle {
        CitedArticle {
            source: a.id.as_str().into(),
            title: a.title.as_deref().map(Into::into),
            outlet: a.outlet.as_deref().map(Into::into),
            url: a.url.as_deref().map(Into::into),
        }
    }
}

/// A fact's distinct articles: a list in evidence order, or for a fact
/// stated in many articles a bit per article of the corpus, whichever is
/// smaller; the bits are added to an answer's support a word at a time.
#[derive(Debug)]
enum FactArticles {
    List(Vec<u32>),
    /// Words of an [`super::answer::ArticleSet`], up to the word of the
    /// last article.
    Bits(Vec<u64>),
}

impl FactArticles {
    fn new(list: Vec<u32>) -> FactArticles {
        let words = list.iter().max().map_or(0, |&m| m as usize / 64 + 1);
        if words * 8 >= list.len() * 4 {
            return FactArticles::List(list);
        }
        let mut bits = vec![0u64; words];
        for a in list {
            bits[a as usize / 64] |= 1 << (a % 64);
        }
        FactArticles::Bits(bits)
    }
}

/// The reasons a fact's sources give that say something, joined.
fn said_reasons_of(f: &Fact, config: &Config) -> String {
    let said: Vec<&str> = Qualifier::REASONS
        .iter()
        .flat_map(|q| f.values(*q))
        .filter(|r| super::clean::says_something(config, r))
        .map(String::as_str)
        .collect();
    said.join("; ")
}

/// One reason a fact's sources give, with who gives it.
#[derive(Debug, Clone)]
pub(super) struct ReasonGroup {
    /// The reason as first worded.
    pub text: String,
    /// The first few pieces of evidence giving it (indices in the fact).
    pub evidence: Vec<usize>,
    /// How many distinct articles give it.
    pub support: usize,
    /// Every source giving it hedges.
    pub hedged: bool,
    /// It says what the reason is ([`super::clean::says_something`]).
    pub says: bool,
}

/// Values of a disagreement shown in an answer, each with its sentences.
pub(super) const DISAGREEMENT_VALUES: usize = 4;

/// Groups a fact's reasons, once: on a large corpus a fact rests on
/// thousands of sentences, too many to read per question.
fn reason_groups(f: &Fact) -> Vec<ReasonGroup> {
    let mut groups: Vec<ReasonGroup> = Vec::new();
    let mut articles: Vec<BTreeSet<usize>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, e) in f.evidence.iter().enumerate() {
        for key in Qualifier::REASONS {
            let Some(r) = e.qualifiers.get(key.key()) else {
                continue;
            };
            let k = r.to_lowercase();
            let g = match at.get(&k) {
                Some(&g) => g,
                None => {
                    at.insert(k, groups.len());
                    groups.push(ReasonGroup {
                        text: r.to_string(),
                        evidence: Vec::new(),
                        support: 0,
                        hedged: true,
                        says: false,
                    });
                    articles.push(BTreeSet::new());
                    groups.len() - 1
                }
            };
            articles[g].insert(e.article);
            let g = &mut groups[g];
            if g.evidence.len() < CITES_PER_ITEM {
                g.evidence.push(i);
            }
            g.hedged &= e.hedged;
        }
    }
    for (g, a) in groups.iter_mut().zip(&articles) {
        g.support = a.len();
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.support));
    groups
}

/// For each disagreement of a fact and each value shown, the first two
/// pieces of evidence that give it.
fn disagreement_evidence(f: &Fact) -> Vec<Vec<Vec<usize>>> {
    f.disagreements
        .iter()
        .map(|d| {
            let values: Vec<&(String, Vec<String>)> =
                d.values.iter().take(DISAGREEMENT_VALUES).collect();
            let mut out = vec![Vec::new(); values.len()];
            for (i, e) in f.evidence.iter().enumerate() {
                if out.iter().all(|v: &Vec<usize>| v.len() >= 2) {
                    break;
                }
                let given = if d.what == Qualifier::Date.key() {
                    e.date.map(|x| x.to_string())
                } else {
                    e.qualifiers.get(&d.what).map(str::to_string)
                };
                let Some(given) = given else { continue };
                for (k, (value, sources)) in values.iter().enumerate() {
                    if out[k].len() < 2
                        && given.eq_ignore_ascii_case(value)
                        && sources.iter().any(|x| **x == *e.source)
                    {
                        out[k].push(i);
                    }
                }
            }
            out
        })
        .collect()
}

impl Lookups {
    /// Indexes each fact's words, entities, mood, parties and attributions.
    pub fn build(
        config: &Config,
        facts: &FactTable,
        articles: &[Article],
        index: &Index,
        lexicon: &Lexicon,
    ) -> Lookups {
        let mut out = Lookups {
            deal_parties: main_deal(config, facts),
            timeline: super::story::timeline_of(config, facts, articles),
            topic_words: config
                .query
                .topic_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            cited_articles: articles.iter().map(CitedArticle::new).collect(),
            ..Lookups::default()
        };
        for (i, r) in config.relations.iter().enumerate() {
            if let Ok(i) = u16::try_from(i) {
                out.relation_position.entry(r.name.clone()).or_insert(i);
            }
        }
        let event_classes: HashSet<&str> = config
            .relations
            .iter()
            .flat_map(|r| r.events.iter().map(|e| e.name.as_str()))
            .collect();
        let speech_relations: HashSet<&str> = config
            .relations
            .iter()
            .filter(|r| super::speech::quotes_speech(r))
            .map(|r| r.name.as_str())
            .collect();
        let outlets: Vec<Option<String>> = articles
            .iter()
            .map(|a| a.outlet.as_deref().map(fold))
            .collect();
        for f in facts.all() {
            let mut seen_articles: HashSet<usize> = HashSet::new();
            out.quoted_directly.push(
                speech_relations.contains(f.relation.as_str()) && super::speech::quoted_directly(f),
            );
            out.fact_articles.push(FactArticles::new(
                f.evidence
                    .iter()
                    .filter(|e| seen_articles.insert(e.article))
                    .map(|e| e.article as u32)
                    .collect(),
            ));
            let object_is_entity = facts.entities().contains_key(&f.object);
            out.object_is_entity.push(object_is_entity);
            out.relation_at
                .push(out.relation_position.get(&f.relation).copied());
            out.object_pairs.push(pair_mask(&f.object));
            if !object_is_entity {
                out.topic_facts.push(f.index);
            }
            for party in [&f.subject, &f.object] {
                let v = out.by_party.entry(party.clone()).or_default();
                if v.last() != Some(&f.index) {
                    v.push(f.index);
                }
            }
            let mut said_by: BTreeSet<String> = BTreeSet::new();
            for e in &f.evidence {
                if let Some(a) = &e.attribution {
                    said_by.insert(fold(a));
                }
                if let Some(Some(o)) = outlets.get(e.article) {
                    said_by.insert(o.clone());
                }
            }
            for who in said_by {
                out.by_attribution.entry(who).or_default().push(f.index);
            }
            let mut terms = HashSet::new();
            let mut ents = BTreeSet::new();
            let mut sentences = HashSet::new();
            let mut modal = true;
            for e in &f.evidence {
                if !sentences.insert((e.article, e.sentence)) {
                    continue;
                }
                // Terms of a few thousand sentences are plenty to match a
                // question's words; a fact stated 50,000 times need not
                // be read 50,000 times.
                if sentences.len() <= 64 {
                    let lower = e.quote.to_lowercase();
                    for (s, en) in word_spans(&lower) {
                        terms.insert(lexicon.term(&lower[s..en]));
                    }
                    if let Some(info) = facts.sentence_info(e.article, e.sentence) {
                        ents.extend(info.entities.iter().map(|e| e.to_string()));
                    }
                }
                // An event class gives no fact from a modal clause: a
                // modal clause elsewhere in its sentence ("a request that
                // would have stopped the deal") does not make it modal.
                modal = modal
                    && index.is_modal(e.article, e.sentence)
                    && !event_classes.contains(&*e.rule);
            }
            out.direct_quote
                .push(f.evidence.iter().any(|e| e.rule.contains("quote")));
            let mut reasons = reason_groups(f);
            for g in &mut reasons {
                g.says = super::clean::says_something(config, &g.text);
            }
            out.reasons.push(reasons);
            out.said_reasons.push(said_reasons_of(f, config));
            out.disagreement_evidence.push(disagreement_evidence(f));
            out.fact_terms.push(terms);
            out.fact_entities.push(ents);
            out.modal_only.push(modal && !f.evidence.is_empty());
            let object = f.object.to_lowercase();
            out.object_terms.push(
                word_spans(&object)
                    .into_iter()
                    .map(|(s, e)| lexicon.term(&object[s..e]))
                    .collect(),
            );
        }
        out
    }
}

/// The parties of the story's main deal: of the facts of relations whose
/// event classes take a price (a purchase, a bid), the best supported one
/// the story's actor is party to.
fn main_deal(config: &Config, facts: &FactTable) -> BTreeSet<String> {
    let deals: Vec<&str> = config
        .relations
        .iter()
        .filter(|r| {
            r.events
                .iter()
                .any(|e| e.roles.iter().any(|x| x == "price"))
        })
        .map(|r| r.name.as_str())
        .collect();
    let actor = facts.actor();
    deals
        .iter()
        .flat_map(|r| facts.relation(r))
        .filter(|f| !f.negated && (f.subject == actor || f.object == actor))
        .filter(|f| facts.entities().contains_key(&f.object))
        // Best supported, then first in the table.
        .min_by_key(|f| (std::cmp::Reverse(f.sources), f.index))
        .map(|f| [f.subject.clone(), f.object.clone()].into_iter().collect())
        .unwrap_or_default()
}

impl Lookups {
    /// Whether a fact's object is the story's main deal named by a topic
    /// noun ("closed the deal", "announced the takeover"), so a question
    /// naming either party of that deal is about it.
    pub fn of_main_deal(&self, f: &Fact, name: &str) -> bool {
        self.deal_parties.contains(name)
            && f.object
                .rsplit(' ')
                .next()
                .is_some_and(|w| self.topic_words.contains(w))
    }

    /// Whether a fact is between the parties of the story's main deal.
    pub fn is_main_deal(&self, f: &Fact) -> bool {
        self.deal_parties.contains(&f.subject) && self.deal_parties.contains(&f.object)
    }

    /// Whether a speech fact's object stands in quotation marks in one of
    /// its sentences ([`super::speech::quoted_directly`], read once).
    pub fn quoted_directly(&self, f: &Fact) -> bool {
        match self.quoted_directly.get(f.index) {
            Some(&direct) => direct,
            None => super::speech::quoted_directly(f),
        }
    }

    /// A fact's reasons that say something, joined with "; " (empty when
    /// none), read once at start-up.
    fn said_reasons<'f>(&'f self, f: &Fact, config: &Config) -> std::borrow::Cow<'f, str> {
        match self.said_reasons.get(f.index) {
            Some(r) => std::borrow::Cow::Borrowed(r.as_str()),
            None => std::borrow::Cow::Owned(said_reasons_of(f, config)),
        }
    }

    /// Where a fact's relation sits in the config's relations (`None` for
    /// a relation the config does not name).
    pub(super) fn relation_at(&self, f: &Fact) -> Option<usize> {
        self.relation_at
            .get(f.index)
            .copied()
            .flatten()
            .map(usize::from)
    }

    /// Where a relation sits in the config's relations, by name.
    pub(super) fn relation_position(&self, name: &str) -> Option<usize> {
        self.relation_position.get(name).map(|&i| usize::from(i))
    }

    /// Whether a fact's object contains `name` (a substring search, only
    /// made when the object's [`pair_mask`] allows it).
    pub(super) fn object_contains(&self, f: &Fact, name: &str, name_pairs: u128) -> bool {
        let ruled_out = matches!(
            self.object_pairs.get(f.index),
            Some(&m) if m & name_pairs != name_pairs
        );
        !ruled_out && f.object.contains(name)
    }

    /// Whether a fact's object is a known entity rather than a topic.
    pub fn object_is_entity(&self, f: &Fact, facts: &FactTable) -> bool {
        match self.object_is_entity.get(f.index) {
            Some(&known) => known,
            None => facts.entities().contains_key(&f.object),
        }
    }

    /// Whether some sentence quotes the fact directly.
    pub fn direct_quote(&self, fact: usize) -> bool {
        self.direct_quote.get(fact).copied().unwrap_or(false)
    }

    /// The distinct reasons a fact's sources give, best supported first.
    pub(super) fn reasons(&self, fact: usize) -> &[ReasonGroup] {
        self.reasons.get(fact).map_or(&[], |v| v.as_slice())
    }

    /// What `/timeline` shows.
    pub(super) fn timeline(&self) -> &super::story::Timeline {
        &self.timeline
    }

    /// Facts whose object is a topic rather than an entity.
    pub fn topic_facts(&self) -> &[usize] {
        &self.topic_facts
    }

    /// Facts in which a name is the subject or the object.
    pub fn involving(&self, name: &str) -> &[usize] {
        self.by_party.get(name).map_or(&[], |v| v.as_slice())
    }

    /// Facts attributed to any of these (folded) names, or published by
    /// an outlet of that name, in table order.
    pub fn attributed(&self, names: &[String]) -> Vec<usize> {
        let mut out: Vec<usize> = names
            .iter()
            .flat_map(|n| self.by_attribution.get(n).into_iter().flatten().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl<'a> Ctx<'a> {
    /// An empty answer to this request.
    pub(super) fn answer(&self, intent: &str) -> Answer {
        Answer::new(self.question, intent)
    }

    /// The relation's config entry: by its position, looked up once at
    /// start-up (a long list asks for every fact's relation).
    pub(super) fn relation(&self, name: &str) -> Option<&'a RelationConfig> {
        match self
            .lookups
            .relation_position(name)
            .and_then(|p| self.config.relations.get(p))
        {
            Some(r) if r.name == name => Some(r),
            _ => self.config.relations.iter().find(|r| r.name == name),
        }
    }

    /// The relation's label ("rejected", "partnered with").
    pub(super) fn label(&self, name: &str) -> &'a str {
        self.relation(name).map_or("", |r| r.label.as_str())
    }

    /// Whether the relation's facts read with their own template.
    pub(super) fn templated(&self, name: &str) -> bool {
        self.relation(name).is_some_and(|r| r.template.is_some())
    }

    pub(super) fn cite_sentence(&self, ans: &mut Answer, article: usize, sentence: usize) -> usize {
        let a = &self.articles[article];
        let quote = &a.sentences[sentence].text;
        // Cited already: found by position. The same sentence is the same
        // allocation; another sentence of the article with the same words
        // is the same citation too.
        if let Some(c) = ans.citations.iter().find(|c| {
            c.article == Some(article) && (Arc::ptr_eq(&c.quote, quote) || *c.quote == **quote)
        }) {
            return c.n;
        }
        // New: every citation made here has its position, so the check
        // above is the duplicate check `Answer::cite` would make again.
        let fresh;
        let meta = match self.lookups.cited_articles.get(article) {
            Some(m) => m,
            None => {
                fresh = CitedArticle::new(a);
                &fresh
            }
        };
        ans.cite_new(Citation {
            n: 0,
            source: meta.source.clone(),
            title: meta.title.clone(),
            outlet: meta.outlet.clone(),
            date: a.date,
            url: meta.url.clone(),
            quote: quote.clone(),
            article: Some(article),
        })
    }

    pub(super) fn cite(&self, ans: &mut Answer, e: &Evidence) -> Option<usize> {
        let a = self.articles.get(e.article)?;
        a.sentences.get(e.sentence)?;
        Some(self.cite_sentence(ans, e.article, e.sentence))
    }

    /// Whether the evidence is an article's headline.
    pub(super) fn heading(&self, e: &Evidence) -> bool {
        is_heading(self.articles, e)
    }

    /// Up to `max` pieces of evidence for a fact: running text before
    /// headlines (a headline states; a sentence also says who, when and
    /// why), one article each first. Each pass stops as soon as it has
    /// enough: a fact may rest on thousands of sentences.
    pub(super) fn best_evidence(&self, f: &'a Fact, max: usize) -> Vec<&'a Evidence> {
        let mut chosen: Vec<&Evidence> = Vec::with_capacity(max.min(8));
        // Articles taken: a few, so a list.
        let mut seen: Vec<usize> = Vec::with_capacity(max.min(8));
        for e in &f.evidence {
            if chosen.len() >= max {
                break;
            }
            if !self.heading(e) && !seen.contains(&e.article) {
                seen.push(e.article);
                chosen.push(e);
            }
        }
        for want_heading in [false, true] {
            for e in &f.evidence {
                if chosen.len() >= max {
                    break;
                }
                if self.heading(e) == want_heading && !chosen.iter().any(|c| std::ptr::eq(*c, e)) {
                    chosen.push(e);
                }
            }
        }
        chosen
    }

    /// Cites up to `max` pieces of evidence, one per article first.
    pub(super) fn cite_fact(&self, ans: &mut Answer, f: &Fact, max: usize) -> Vec<usize> {
        // Precomputed: a fact stated thousands of times rests on hundreds
        // of articles, a bit each.
        match self.lookups.fact_articles.get(f.index) {
            Some(FactArticles::List(articles)) => {
                ans.support.extend(articles.iter().map(|&a| a as usize))
            }
            Some(FactArticles::Bits(words)) => ans.support.union_words(words),
            None => ans.support.extend(f.evidence.iter().map(|e| e.article)),
        }
        note_fact(ans, f);
        let chosen = self.best_evidence(self.facts.all().get(f.index).unwrap_or(f), max);
        let mut out: Vec<usize> = chosen
            .into_iter()
            .filter_map(|e| self.cite(ans, e))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Cites up to `max` pieces of a fact's evidence that satisfy `keep`.
    pub(super) fn cite_where(
        &self,
        ans: &mut Answer,
        f: &Fact,
        keep: impl Fn(&Evidence) -> bool,
        max: usize,
    ) -> Vec<usize> {
        let mut out: Vec<usize> = f
            .evidence
            .iter()
            .filter(|e| keep(e))
            .take(max)
            .filter_map(|e| self.cite(ans, e))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Whether a piece of evidence is on someone's word: attributed to one
    /// of these (folded) names, or published by an outlet of that name.
    pub(super) fn said_by(&self, e: &Evidence, names: &[String]) -> bool {
        e.attribution
            .as_deref()
            .is_some_and(|a| names.contains(&fold(a)))
            || self
                .articles
                .get(e.article)
                .and_then(|a| a.outlet.as_deref())
                .is_some_and(|o| names.contains(&fold(o)))
    }

    /// Cites a fact only while the answer has few cited items.
    pub(super) fn cite_item(&self, ans: &mut Answer, f: &Fact) -> Vec<usize> {
        if ans.items.len() >= CITED_ITEMS {
            return Vec::new();
        }
        self.cite_fact(ans, f, CITES_PER_ITEM)
    }

    /// Entities mentioned in the sentences that state a fact.
    pub(super) fn fact_entities(&self, f: &Fact) -> &'a BTreeSet<String> {
        static EMPTY: BTreeSet<String> = BTreeSet::new();
        self.lookups.fact_entities.get(f.index).unwrap_or(&EMPTY)
    }

    /// Every sentence stating the fact says what would or could happen.
    pub(super) fn modal_only(&self, f: &Fact) -> bool {
        self.lookups
            .modal_only
            .get(f.index)
            .copied()
            .unwrap_or(false)
    }

    /// Whether a content word (a term) is in the sentences stating a fact.
    pub(super) fn fact_has_term(&self, f: &Fact, term: &str) -> bool {
        self.lookups
            .fact_terms
            .get(f.index)
            .is_some_and(|t| t.contains(term))
    }

    /// How well a fact matches the question's content words: a word in the
    /// fact's own object ("stock" in "Acme stock rose") counts three
    /// times, a word elsewhere in its sentences once.
    pub(super) fn relevance(&self, f: &Fact, u: &Understanding) -> usize {
        let (Some(words), Some(object_terms)) = (
            self.lookups.fact_terms.get(f.index),
            self.lookups.object_terms.get(f.index),
        ) else {
            return 0;
        };
        u.terms
            .iter()
            .map(|t| {
                if object_terms.contains(t) {
                    3
                } else {
                    usize::from(words.contains(t))
                }
            })
            .sum()
    }

    /// Applies "in China" / "outside China": keeps facts whose sentences
    /// name the place (or, for outside, do not), unless that keeps nothing.
    pub(super) fn place_filter<'f>(
        &self,
        facts: Vec<&'f Fact>,
        u: &Understanding,
    ) -> Vec<&'f Fact> {
        let mut out = facts;
        if !u.outside.is_empty() {
            out.retain(|f| {
                let ents = self.fact_entities(f);
                !u.outside.iter().any(|p| {
                    ents.contains(p)
                        || f.qualifiers
                            .values()
                            .flatten()
                            .any(|v| v.contains(p.as_str()))
                })
            });
        }
        if !u.within.is_empty() {
            // Named ("China") or as a word ("Chinese regulations").
            let mentions = |f: &Fact, p: &String| {
                self.fact_entities(f).contains(p.as_str())
                    || self.fact_has_term(f, &self.lexicon.term(&p.to_lowercase()))
            };
            let kept: Vec<&Fact> = out
                .iter()
                .copied()
                .filter(|f| u.within.iter().all(|p| mentions(f, p)))
                .collect();
            // No fact names the place: if they name other places, the
            // question is about somewhere the articles do not cover.
            let elsewhere = out.iter().any(|f| {
                f.values(Qualifier::Place)
                    .iter()
                    .any(|p| !u.within.contains(p))
            });
            if !kept.is_empty() || elsewhere {
                out = kept;
            }
        }
        out
    }

    /// A fact in words, from its relation's template.
    pub fn sentence(&self, f: &Fact) -> String {
        let rel = self.relation(&f.relation);
        let label = rel.map_or(f.relation.as_str(), |r| {
            r.label_for(&f.object, &self.config.query.topic_words)
        });
        let template = match (f.negated, rel) {
            (true, Some(r)) => r
                .negated_template
                .clone()
                .unwrap_or_else(|| "{subject} did not {label} {object}".into()),
            (false, Some(r)) => r
                .template
                .clone()
                .unwrap_or_else(|| "{subject} {label} {object}".into()),
            (true, None) => "{subject} did not {label} {object}".into(),
            (false, None) => "{subject} {label} {object}".into(),
        };
        let template = super::speech::honest(template, self.lookups.quoted_directly(f));
        let (template, optional) = optional_segments(&template, f);
        // Nobody named: the passive, never a pronoun as the subject.
        let unnamed;
        // A template that names no subject ("{object} failed") stands.
        let subjectless = !template.contains("{subject}");
        let (template, subject) = if f.subject.is_empty() && !subjectless {
            unnamed = super::clean::unnamed(label, "{object}") + &optional;
            (unnamed.as_str(), "")
        } else {
            (template.as_str(), f.subject.as_str())
        };
        let mut s = f.fill(template, subject, label);
        if f.subject.is_empty() {
            if let Some(c) = s.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
        }
        if f.hedged && !s.is_empty() {
            s.push_str(" (reportedly)");
        }
        s
    }

    /// Extra detail for list items: role, every reason, date, place.
    pub(super) fn details(&self, f: &Fact, used: &[Qualifier]) -> String {
        use std::fmt::Write;
        // Written into one string: a long list details fifty items.
        let mut out = String::with_capacity(64);
        out.push_str(" (");
        let next = |out: &mut String| {
            if out.len() > " (".len() {
                out.push_str("; ");
            }
        };
        if let Some(role) = f
            .qualifier(Qualifier::Role)
            .filter(|_| !used.contains(&Qualifier::Role))
        {
            next(&mut out);
            out.push_str("as ");
            out.push_str(role);
        }
        let reasons = self.lookups.said_reasons(f, self.config);
        if !reasons.is_empty() && !used.contains(&Qualifier::Reason) {
            next(&mut out);
            out.push_str("reason: ");
            out.push_str(&reasons);
        }
        if let Some(d) = f
            .event_date()
            .filter(|d| d.is_full() && !used.contains(&Qualifier::Date))
        {
            next(&mut out);
            let _ = write!(out, "{d}");
        }
        let event = f.qualifier(Qualifier::Event);
        let place = f.qualifier(Qualifier::Place);
        if (event.is_some() || place.is_some()) && !used.contains(&Qualifier::Place) {
            next(&mut out);
            out.push_str("at ");
            out.push_str(event.unwrap_or(""));
            if event.is_some() && place.is_some() {
                out.push_str(", ");
            }
            out.push_str(place.unwrap_or(""));
        }
        if f.hedged {
            next(&mut out);
            out.push_str("reportedly");
        }
        next(&mut out);
        let _ = write!(
            out,
            "{} source{}",
            f.sources,
            if f.sources == 1 { "" } else { "s" }
        );
        out.push(')');
        out
    }

    /// Notes where the sources differ on these facts: qualifiers with
    /// different values (reasons included, whatever the question) and
    /// contradicting facts.
    pub(super) fn add_disagreements(&self, ans: &mut Answer, facts: &[&Fact]) {
        // Reasons listed one by one already say how the sources differ.
        let reasons_listed = ans
            .disagreements
            .iter()
            .any(|d| d.text.starts_with("The articles give different reasons"));
        // Lines already there, looked up rather than compared one by one:
        // a list on a large corpus notes dozens.
        // By hash, the lines compared only when a hash is seen again.
        let hash = |text: &str| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut h);
            h.finish()
        };
        let mut noted: HashSet<u64> = ans.disagreements.iter().map(|d| hash(&d.text)).collect();
        // One buffer for every side's citation numbers.
        let mut c: Vec<usize> = Vec::new();
        for f in facts {
            let given = self.lookups.disagreement_evidence.get(f.index);
            let mut said: Option<String> = None;
            for (di, d) in f.disagreements.iter().enumerate() {
                if reasons_listed && d.what == Qualifier::Reason.key() {
                    continue;
                }
                let said = said.get_or_insert_with(|| self.sentence(f));
                // "{said}: the {what} differs between articles: {value}
                // [1][2] vs {value} [3] vs and N more", written in place: a
                // list on a large corpus notes dozens.
                let mut text = String::with_capacity(said.len() + 160);
                text.push_str(said);
                text.push_str(": the ");
                text.push_str(&d.what);
                text.push_str(" differs between articles: ");
                // A few values, each with the sentences that give it: on a
                // large corpus a fact can have hundreds of variants.
                for (k, (value, _)) in d.values.iter().take(DISAGREEMENT_VALUES).enumerate() {
                    let evidence = given
                        .and_then(|g| g.get(di))
                        .and_then(|g| g.get(k))
                        .map_or(&[][..], |v| v.as_slice());
                    c.clear();
                    c.extend(
                        evidence
                            .iter()
                            .filter_map(|&i| f.evidence.get(i))
                            .filter_map(|e| self.cite(ans, e)),
                    );
                    c.sort();
                    c.dedup();
                    if k > 0 {
                        text.push_str(" vs ");
                    }
                    text.push_str(value);
                    text.push(' ');
                    push_markers(&mut text, &c);
                }
                if d.values.len() > DISAGREEMENT_VALUES {
                    use std::fmt::Write;
                    let _ = write!(
                        text,
                        " vs and {} more",
                        d.values.len() - DISAGREEMENT_VALUES
                    );
                }
                if noted.insert(hash(&text)) || !ans.disagreements.iter().any(|d| d.text == text) {
                    ans.disagreements.push(Item {
                        text,
                        cites: Vec::new(),
                    });
                }
            }
            for other in self.facts.conflicting(f) {
                let a = self.cite_fact(ans, f, 2);
                let b = self.cite_fact(ans, other, 2);
                let said = said.get_or_insert_with(|| self.sentence(f));
                let text = format!(
                    "{said} {} but {} {}",
                    markers(&a).trim(),
                    self.sentence(other),
                    markers(&b).trim()
                );
                if noted.insert(hash(&text)) || !ans.disagreements.iter().any(|d| d.text == text) {
                    ans.disagreements.push(Item {
                        text,
                        cites: Vec::new(),
                    });
                }
            }
        }
    }

    /// When the question asks for a detail the answer's own words lack
    /// (a size, a name, a role) and the cited sentences hold it, the
    /// sentences are shown as they stand: a content word of the question
    /// that is not one of the relations' own words, or a figure for "how
    /// many" / "how big".
    pub(super) fn add_missing_detail(&self, ans: &mut Answer, u: &Understanding, need: Need) {
        // A detail of one fact; a list answers with names, not details.
        if ans.items.is_empty() || ans.citations.is_empty() || ans.items.len() > 1 {
            return;
        }
        let mut said = ans.headline.to_lowercase();
        for i in &ans.items {
            said.push(' ');
            said.push_str(&i.text.to_lowercase());
        }
        let said_terms: HashSet<String> = word_spans(&said)
            .into_iter()
            .map(|(s, e)| self.lexicon.term(&said[s..e]))
            .collect();
        let missing: Vec<&String> = u
            .terms
            .iter()
            .filter(|t| !said_terms.contains(*t) && !self.lexicon.is_relation_word(t))
            .collect();
        let want_figure =
            matches!(need, Need::Figure | Need::Money) && !said.chars().any(|c| c.is_ascii_digit());
        if missing.is_empty() && !want_figure {
            return;
        }
        let mut shown: Vec<(usize, Arc<str>)> = Vec::new();
        for c in ans.citations.iter().take(CITES_PER_ITEM * 2) {
            let lower = c.quote.to_lowercase();
            let terms: HashSet<String> = word_spans(&lower)
                .into_iter()
                .map(|(s, e)| self.lexicon.term(&lower[s..e]))
                .collect();
            let has_word = missing.iter().any(|t| terms.contains(*t));
            let has_figure = want_figure && lower.chars().any(|ch| ch.is_ascii_digit());
            if (has_word || has_figure) && shown.len() < 2 {
                shown.push((c.n, c.quote.clone()));
            }
        }
        for (n, quote) in shown {
            ans.items.push(Item {
                text: format!("In the article's words: \"{quote}\""),
                cites: vec![n],
            });
        }
    }
}

/// Appends `[1][3]` for a list of citation numbers ([`markers`] without
/// its leading space).
fn push_markers(out: &mut String, cites: &[usize]) {
    use std::fmt::Write;
    for c in cites {
        let _ = write!(out, "[{c}]");
    }
}

/// Notes that an answer rests on a fact: its id, written out only the
/// first time (a long list cites hundreds of facts, some many times).
pub(super) fn note_fact(ans: &mut Answer, f: &Fact) {
    use std::io::Write;
    let mut buf = [0u8; 24];
    let (written, len) = {
        let mut w: &mut [u8] = &mut buf;
        let written = write!(w, "{}", f.id).is_ok();
        (written, 24 - w.len())
    };
    match std::str::from_utf8(&buf[..len]) {
        Ok(id) if written => {
            if !ans.fact_ids.contains(id) {
                ans.fact_ids.insert(id.to_string());
            }
        }
        _ => {
            ans.fact_ids.insert(f.id.to_string());
        }
    }
}

/// Whether the evidence is an article's headline.
pub(super) fn is_heading(articles: &[Article], e: &Evidence) -> bool {
    articles
        .get(e.article)
        .and_then(|a| a.sentences.get(e.sentence))
        .is_some_and(|s| s.heading)
}

/// Drops repeated strings, keeping the first of each.
pub(super) fn dedup(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// A template's optional parts: "[ as {role}]" is kept when the fact has
/// every value it names, dropped otherwise. Returns the template with
/// them resolved, and the kept parts alone (for the passive line of a fact
/// that names no subject).
fn optional_segments(template: &str, f: &Fact) -> (String, String) {
    if !template.contains('[') {
        return (template.to_string(), String::new());
    }
    let mut out = String::with_capacity(template.len());
    let mut kept = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let part = &rest[open + 1..close];
        let has_all = part
            .split('{')
            .skip(1)
            .filter_map(|x| x.split_once('}').map(|(k, _)| k))
            .all(|k| match k {
                "object" => !f.object.is_empty(),
                "subject" => !f.subject.is_empty(),
                _ => f.qualifiers.get(k).is_some_and(|v| !v.is_empty()),
            });
        if has_all {
            out.push_str(part);
            kept.push_str(part);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (out, kept)
}
