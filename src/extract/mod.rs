//! Extract: articles in, raw facts with evidence out.
//!
//! Second stage of the pipeline. For each sentence: tag mentions
//! ([`mentions`]), resolve pronouns and descriptions to the entity they
//! stand for, write the tagged sentence, and run the relation rules
//! ([`rules`]) over it. Nothing here knows the story: entities, rules and
//! hedging words all come from config.toml.
//!
//! Articles are independent once the corpus-wide list of discovered names
//! is known, so extraction is two passes: discovery over every sentence, then
//! per-article extraction (data-parallel if a corpus ever needs it).

pub mod events;
pub mod mentions;
pub mod pattern;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::{Config, ConfigError};
use crate::corpus::{Article, Sentence};
use crate::date::Date;
use crate::facts::Qualifier;

use crate::language::{self, clause::Grammar, LexiconTagger, Pos, PosTagger, VForm};
// The sentence index's triggers, read at extraction (see
// `SentenceInfo::lemma_relations`).
use crate::query::index::Triggers;
use events::Classes;
use mentions::{Learnt, Mention, Tag, Tagger};
use rules::{token_ids, Rule};

/// One piece of evidence for a fact.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    /// Index of the article in the corpus (the engine's article list).
    pub article: usize,
    /// Article file name (shared by the article's evidence).
    pub source: Arc<str>,
    /// Sentence index in the article.
    pub sentence: usize,
    /// Byte span of the sentence in the article file.
    pub span: (usize, usize),
    /// The sentence, verbatim (shared with the [`Sentence`] and the
    /// sentence's other evidence: a fact may rest on thousands).
    pub quote: Arc<str>,
    /// The rule that fired (shared with the extractor's name for it).
    pub rule: Arc<str>,
    /// The sentence hedges ("reportedly", "according to").
    pub hedged: bool,
    /// Who the sentence attributes the claim to (shared, like the
    /// qualifiers' strings).
    pub attribution: Option<Arc<str>>,
    /// The article's publication date.
    pub published: Option<Date>,
    /// The date the sentence gives for the event, resolved.
    pub date: Option<Date>,
    /// Qualifiers this sentence gives (reason, place, value...).
    pub qualifiers: Qualifiers,
}

/// An evidence's qualifiers: key to value, in key order. A sorted list
/// rather than a `BTreeMap`: evidence holds a handful at most, and a map's
/// first node costs over 500 bytes, per evidence, of which a large corpus
/// has hundreds of thousands. Keys and values are shared strings: a
/// corpus's evidence gives the same few keys and values over and over
/// (an extraction points them at one copy each). A boxed slice, sized
/// exactly: evidence gets its qualifiers once, when it is made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Qualifiers(Box<[(Arc<str>, Arc<str>)]>);

impl Qualifiers {
    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.find(key).ok().map(|i| &*self.0[i].1)
    }

    /// Whether the key has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets a key's value.
    pub fn insert(&mut self, key: impl Into<Arc<str>>, value: impl Into<Arc<str>>) {
        let key = key.into();
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value.into(),
            Err(i) => self.insert_at(i, (key, value.into())),
        }
    }

    /// Sets a key's value unless it has one (`entry(k).or_insert_with`).
    pub fn insert_missing<V: Into<Arc<str>>>(&mut self, key: &str, value: impl FnOnce() -> V) {
        if let Err(i) = self.find(key) {
            self.insert_at(i, (key.into(), value().into()));
        }
    }

    fn insert_at(&mut self, i: usize, pair: (Arc<str>, Arc<str>)) {
        let mut pairs = std::mem::take(&mut self.0).into_vec();
        pairs.insert(i, pair);
        self.0 = pairs.into_boxed_slice();
    }

    /// (key, value) pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(key))
    }
}

impl IntoIterator for Qualifiers {
    type Item = (Arc<str>, Arc<str>);
    type IntoIter = std::vec::IntoIter<(Arc<str>, Arc<str>)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_vec().into_iter()
    }
}

impl<'a> IntoIterator for &'a Qualifiers {
    type Item = (&'a str, &'a str);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Arc<str>, Arc<str>)>,
        fn(&'a (Arc<str>, Arc<str>)) -> (&'a str, &'a str),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }
}

impl FromIterator<(String, String)> for Qualifiers {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        let mut q = Qualifiers::default();
        for (k, v) in iter {
            q.insert(k, v);
        }
        q
    }
}

// A JSON object, as the `BTreeMap` it replaces was (the extraction cache
// and `facts --json` read the same).
impl Serialize for Qualifiers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Qualifiers {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, String>::deserialize(d)?;
        Ok(map.into_iter().collect())
    }
}

/// A fact as one sentence states it, before merging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawFact {
    /// Canonical subject (shared: a corpus's raw facts name the same
    /// few entities hundreds of thousands of times).
    pub subject: Arc<str>,
    /// Relation name (shared likewise).
    pub relation: Arc<str>,
    /// Canonical object (an entity or a topic).
    pub object: Arc<str>,
    /// The sentence says it did not / will not happen.
    pub negated: bool,
    /// Where it was found.
    pub evidence: Evidence,
}

/// What the extractor knows about a sentence, for retrieval. One is kept
/// per sentence of the corpus for the engine's lifetime: its lists are
/// boxed slices, with no room to grow and no capacity word.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentenceInfo {
    /// Index into the article list.
    pub article: usize,
    /// Index into the article's sentences.
    pub sentence: usize,
    /// Canonical names of the entities mentioned (pronouns resolved);
    /// shared, as a corpus mentions the same names in most sentences.
    pub entities: Box<[Arc<str>]>,
    /// Dates mentioned.
    pub dates: Box<[Date]>,
    /// Mentions a date (even unresolved).
    pub has_date: bool,
    /// Mentions a number, a percentage or money.
    pub has_figure: bool,
    /// Mentions money.
    pub has_money: bool,
    /// The language layer parsed the sentence into words with lemmas.
    pub lemmatised: bool,
    /// The relations (config positions) whose trigger forms show among
    /// the sentence's lemmas ([`Triggers::relations_in`]), for the index.
    /// Worked out here rather than the lemmas kept: they were the largest
    /// part of a corpus's summaries, and the index reads nothing else of
    /// them.
    pub lemma_relations: Box<[u16]>,
    /// Events the language layer found (facts or not).
    pub events: Box<[SentenceEvent]>,
    /// A clause of the sentence is modal, conditional or speculative.
    pub modal: bool,
    /// Byte ranges (in the normalised sentence) of its modal, conditional
    /// or speculative clauses: a word inside one states no fact.
    #[serde(default)]
    pub modal_spans: Box<[(usize, usize)]>,
}

/// An event found in a sentence, as retrieval sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceEvent {
    /// The relation (event class) it gives.
    pub class: Arc<str>,
    /// Who did it, if the sentence says.
    pub agent: Option<Arc<str>>,
    /// Who or what it was done to.
    pub patients: Box<[Arc<str>]>,
    /// Negated.
    pub negated: bool,
    /// Modal, planned, conditional or speculative.
    pub modal: bool,
    /// Hedged ("reportedly").
    pub hedged: bool,
}

/// An entity seen in the corpus.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntityInfo {
    /// Canonical name.
    pub name: String,
    /// Kind label.
    pub kind: String,
    /// How many times it is mentioned.
    pub mentions: usize,
    /// In the gazetteer (rather than discovered).
    pub known: bool,
}

/// Everything extraction produced.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Extraction {
    /// Raw facts, in article and sentence order.
    pub facts: Vec<RawFact>,
    /// Per-sentence mention summaries.
    pub sentences: Vec<SentenceInfo>,
    /// Entities by canonical name.
    pub entities: BTreeMap<String, EntityInfo>,
    /// How often each rule fired.
    pub rule_hits: BTreeMap<String, usize>,
    /// Sentences the language layer parsed (the others hold no word that
    /// can head an event).
    pub parsed: usize,
    /// The story's actor as the corpus names it ("Northwind" may be
    /// "Northwind Motors").
    pub actor: String,
    /// The one copy of each name the facts and summaries hold.
    #[serde(skip)]
    names: Names,
}

/// One shared copy of each name (entity, topic, relation) and qualifier
/// string an extraction's raw facts and sentence summaries hold: a large corpus names the same few
/// entities in most of its hundreds of thousands of facts and sentences,
/// and a copy each was tens of MB.
#[derive(Debug, Default, Clone)]
struct Names(std::collections::HashSet<Arc<str>>);

impl Names {
    /// The shared copy of `name`.
    fn get(&mut self, name: &str) -> Arc<str> {
        match self.0.get(name) {
            Some(n) => n.clone(),
            None => {
                let n: Arc<str> = name.into();
                self.0.insert(n.clone());
                n
            }
        }
    }

    /// Points `name` at the shared copy (its own becomes it if new).
    fn share(&mut self, name: &mut Arc<str>) {
        match self.0.get(&**name) {
            Some(n) => {
                if !Arc::ptr_eq(n, name) {
                    *name = n.clone();
                }
            }
            None => {
                self.0.insert(name.clone());
            }
        }
    }
}

impl Extraction {
    /// Points the names of `facts` and `sentences` at this extraction's
    /// shared copies (a part extracted elsewhere, or read from the cache,
    /// has its own).
    fn share_names(&mut self, facts: &mut [RawFact], sentences: &mut [SentenceInfo]) {
        let names = &mut self.names;
        for f in facts {
            names.share(&mut f.subject);
            names.share(&mut f.relation);
            names.share(&mut f.object);
            if let Some(a) = &mut f.evidence.attribution {
                names.share(a);
            }
            for (k, v) in &mut f.evidence.qualifiers.0 {
                names.share(k);
                names.share(v);
            }
        }
        for s in sentences {
            for e in s.entities.iter_mut() {
                names.share(e);
            }
            for ev in s.events.iter_mut() {
                names.share(&mut ev.class);
                if let Some(a) = &mut ev.agent {
                    names.share(a);
                }
                for p in ev.patients.iter_mut() {
                    names.share(p);
                }
            }
        }
    }
}

/// The compiled extractor.
#[derive(Debug)]
pub struct Extractor {
    tagger: Tagger,
    pos: LexiconTagger,
    grammar: Grammar,
    classes: Classes,
    rules: Vec<Rule>,
    prefilter: rules::RuleFilter,
    actor: String,
    known: BTreeSet<String>,
    discover_names: Vec<String>,
    /// Common nouns naming institutions ("commission", "court"), lower case.
    institutions: std::collections::HashSet<String>,
    /// Verbs giving the grounds of an act ("found that"), lemmas.
    finding: std::collections::HashSet<String>,
    /// `rules[i].name` and `classes.classes[i].name`, shared by every
    /// evidence the rule or class gives.
    rule_names: Vec<Arc<str>>,
    class_names: Vec<Arc<str>>,
    /// The relations' trigger forms, read on each sentence's lemmas for
    /// [`SentenceInfo::lemma_relations`] (and shared with the answerer's
    /// index, which reads them on questions and unparsed sentences).
    triggers: Arc<Triggers>,
}

impl Extractor {
    /// Compiles tagging and relation rules; a bad rule is an error naming it.
    pub fn new(config: &Config) -> Result<Extractor, ConfigError> {
        let tagger = Tagger::new(config)?;
        let rules = rules::compile(config)?;
        let prefilter = rules::RuleFilter::new(&rules);
        let relations: Vec<String> = config.relations.iter().map(|r| r.name.clone()).collect();
        let classes = Classes::new(
            config
                .relations
                .iter()
                .flat_map(|r| r.events.iter().map(move |e| (r.name.as_str(), e))),
            &relations,
            &config.grammar,
            &config.tagging.roles,
        )?;
        Ok(Extractor {
            rule_names: rules.iter().map(|r| r.name.as_str().into()).collect(),
            class_names: classes
                .classes
                .iter()
                .map(|c| c.name.as_str().into())
                .collect(),
            finding: config
                .grammar
                .finding_verbs
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            institutions: config
                .grammar
                .institutions
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            triggers: Arc::new(Triggers::new(config)),
            tagger,
            pos: LexiconTagger::default(),
            grammar: Grammar::new(&config.grammar)?,
            classes,
            rules,
            prefilter,
            // A story without an actor gets the corpus's most mentioned
            // organisation, found after extraction (see `extract_all`).
            actor: if config.story.actor.trim().is_empty() {
                UNNAMED_ACTOR.to_string()
            } else {
                config.story.actor.clone()
            },
            known: config.entities.iter().map(|e| e.name.clone()).collect(),
            discover_names: config
                .tagging
                .discover
                .iter()
                .map(|d| d.name.clone())
                .collect(),
        })
    }

    /// The relations' trigger forms (see [`SentenceInfo::lemma_relations`]).
    pub fn triggers(&self) -> &Arc<Triggers> {
        &self.triggers
    }

    /// Rule names that never fired in `hits`.
    pub fn silent_rules(&self, hits: &BTreeMap<String, usize>) -> Vec<String> {
        self.rules
            .iter()
            .map(|r| &r.name)
            .chain(self.classes.classes.iter().map(|c| &c.name))
            .chain(self.discover_names.iter())
            .filter(|n| !hits.contains_key(*n))
            .cloned()
            .collect()
    }

    /// Every sentence as the rules see it, for rule authors (`check --tags`):
    /// mentions shown as `⟦KIND name⟧`.
    pub fn explain(&self, articles: &[Article]) -> Vec<String> {
        let (learnt, _) = self.learn(articles);
        let mut out = Vec::new();
        for a in articles {
            for s in &a.sentences {
                let mentions = self.tagger.tag(&s.norm, a.date, s.heading, &learnt);
                let mut line = String::new();
                let mut last = 0;
                for m in &mentions {
                    line.push_str(&s.norm[last..m.start]);
                    let what = match &m.tag {
                        Tag::Entity { name, .. } => name.clone(),
                        Tag::Date(Some(d)) => d.to_string(),
                        _ => m.text.clone(),
                    };
                    line.push_str(&format!("⟦{} {}⟧", m.tag.label(), what));
                    last = m.end;
                }
                line.push_str(&s.norm[last..]);
                out.push(format!(
                    "{}#{}{} {}",
                    a.id,
                    s.index,
                    if s.heading { " (heading)" } else { "" },
                    line
                ));
                let an = self.analyse(&s.norm, &mentions);
                let toks: Vec<String> = an
                    .tokens
                    .iter()
                    .map(|t| format!("{}/{:?}/{}", &s.norm[t.span.clone()], t.pos, t.lemma))
                    .collect();
                out.push(format!("    tokens: {}", toks.join(" ")));
                if std::env::var_os("FACTDESK_DEBUG_PHRASES").is_some() {
                    for p in &an.phrases {
                        out.push(format!("    phrase: {:?}", p));
                    }
                }
                for c in an.describe(&s.norm) {
                    out.push(format!("    clause: {c}"));
                }
                for e in self.classes.find(&an, &mentions) {
                    let name = |m: &u16| {
                        mentions
                            .get(*m as usize)
                            .and_then(entity_name)
                            .unwrap_or_default()
                    };
                    out.push(format!(
                        "    event: {} -> {} ({} / {}){}{}",
                        self.classes.classes[e.class].name,
                        e.relation,
                        if e.actor {
                            self.actor.clone()
                        } else {
                            e.agents.iter().map(name).collect::<Vec<_>>().join(", ")
                        },
                        e.object_text.clone().unwrap_or_else(|| e
                            .objects
                            .iter()
                            .map(name)
                            .collect::<Vec<_>>()
                            .join(", ")),
                        if e.negated { " negated" } else { "" },
                        if e.modal { " modal: no fact" } else { "" },
                    ));
                }
            }
        }
        out
    }

    /// Extracts facts from all articles.
    pub fn extract_all(&self, articles: &[Article]) -> Extraction {
        let (learnt, hits) = self.learn(articles);
        // Pass 2: tag, resolve, match. Articles are independent now: every
        // core takes the next article, and each article's result is folded
        // into the whole as soon as those before it are, then dropped. The
        // corpus's raw facts are so held once, not once per thread and
        // again merged.
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(articles.len().max(1));
        let next = std::sync::atomic::AtomicUsize::new(0);
        let mut out = Extraction {
            rule_hits: hits,
            ..Extraction::default()
        };
        // Every sentence gets a summary: their list is sized once, exactly,
        // rather than grown by doubling (which held up to twice the list,
        // and a copy of it while growing, at the end of a large corpus).
        out.sentences
            .reserve_exact(articles.iter().map(|a| a.sentences.len()).sum());
        // The raw facts' number is known at the end only: it is estimated
        // from the share of the text extracted so far.
        let bytes: Vec<usize> = articles
            .iter()
            .map(|a| a.sentences.iter().map(|s| s.text.len()).sum())
            .collect();
        let total_bytes: usize = bytes.iter().sum();
        let mut done_bytes = 0;
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::channel::<(usize, Extraction)>();
            for _ in 0..threads {
                let (tx, next, learnt) = (tx.clone(), &next, &learnt);
                scope.spawn(move || loop {
                    let ai = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(a) = articles.get(ai) else { break };
                    if tx.send((ai, self.extract_one(ai, a, learnt))).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            // Results arrive in any order; they are folded in article order.
            let mut waiting: BTreeMap<usize, Extraction> = BTreeMap::new();
            let mut want = 0;
            for (ai, part) in rx {
                waiting.insert(ai, part);
                while let Some(part) = waiting.remove(&want) {
                    done_bytes += bytes[want];
                    let need = out.facts.len() + part.facts.len();
                    if need > out.facts.capacity() {
                        out.facts.reserve_exact(
                            expected(need, done_bytes, total_bytes) - out.facts.len(),
                        );
                    }
                    absorb(&mut out, part);
                    want += 1;
                }
            }
        });
        self.finish(out)
    }

    /// Drops what matching cached: the regex crate's lazy DFA states (per
    /// thread and regex) and the tagger's answers
    /// for unknown words. Tens of MB after a large corpus, and of no use
    /// once it is extracted; a later extraction builds them again.
    pub fn shed_caches(&mut self) {
        // A clone of a compiled regex shares its automata and starts with
        // empty caches.
        self.tagger = self.tagger.clone();
        for r in &mut self.rules {
            r.shed_caches();
        }
        self.pos = LexiconTagger::default();
    }

    /// Pass 1 alone, for callers that extract article by article (the live
    /// corpus): the names the corpus learns and the discovery rules that fired.
    pub fn learn_names(&self, articles: &[Article]) -> (Learnt, BTreeMap<String, usize>) {
        self.learn(articles)
    }

    /// Pass 2 for one article, as if it were article `ai` of the corpus.
    /// Its result depends on the article and on the entries of `learnt` its
    /// sentences contain, nothing else: what makes it cacheable.
    pub fn extract_one(&self, ai: usize, article: &Article, learnt: &Learnt) -> Extraction {
        let mut out = Extraction::default();
        self.extract_article(ai, article, learnt, &mut out);
        out
    }

    /// The corpus-wide passes after pass 2: per-article parts merged in
    /// order (their `SentenceInfo::article` already set), the unnamed actor
    /// resolved, short names merged into long ones.
    pub fn assemble(&self, hits: BTreeMap<String, usize>, parts: Vec<Extraction>) -> Extraction {
        let facts: usize = parts.iter().map(|p| p.facts.len()).sum();
        let sentences: usize = parts.iter().map(|p| p.sentences.len()).sum();
        // The first part is the base the others are appended to, so the
        // corpus's raw facts are never held twice over (a fresh list would
        // hold them all while the parts still did).
        let mut parts = parts.into_iter();
        let mut out = parts.next().unwrap_or_default();
        let (mut facts_0, mut sentences_0) = (
            std::mem::take(&mut out.facts),
            std::mem::take(&mut out.sentences),
        );
        out.share_names(&mut facts_0, &mut sentences_0);
        (out.facts, out.sentences) = (facts_0, sentences_0);
        for (rule, n) in hits {
            *out.rule_hits.entry(rule).or_default() += n;
        }
        // Exact capacities: growing by doubling would copy (and briefly
        // hold twice) the corpus's raw facts.
        out.facts.reserve_exact(facts - out.facts.len());
        out.sentences.reserve_exact(sentences - out.sentences.len());
        for part in parts {
            absorb(&mut out, part);
        }
        self.finish(out)
    }

    /// The unnamed actor resolved, short names merged into long ones: what
    /// needs the whole corpus's extraction.
    fn finish(&self, mut out: Extraction) -> Extraction {
        out.actor = self.actor.clone();
        if self.actor == UNNAMED_ACTOR {
            let top = out
                .entities
                .values()
                .filter(|e| e.kind == "ORG" || e.kind == "NAME")
                .max_by_key(|e| (e.mentions, std::cmp::Reverse(e.name.clone())))
                .map(|e| e.name.clone())
                .unwrap_or_default();
            // No name at all: the actor's facts go (a fact naming nobody
            // on purpose, "Dana Roe was fired", stays).
            if top.is_empty() {
                out.facts.retain(|f| &*f.subject != UNNAMED_ACTOR);
            }
            let shared = out.names.get(&top);
            for f in &mut out.facts {
                if &*f.subject == UNNAMED_ACTOR {
                    f.subject = shared.clone();
                }
            }
            out.facts.retain(|f| f.subject != f.object);
            out.actor = top;
        }
        self.merge_short_names(&mut out);
        out
    }

    /// Pass 1: names the corpus itself introduces ("rivals such as X"), and
    /// capitalised words it uses mid-sentence; with the discovery rules that
    /// fired.
    fn learn(&self, articles: &[Article]) -> (Learnt, BTreeMap<String, usize>) {
        let mut learnt = Learnt::new();
        let mut hits = BTreeMap::new();
        for a in articles {
            for s in a.sentences.iter().filter(|s| !s.heading) {
                self.tagger.learn_words(&s.norm, &mut learnt);
                for fired in self.tagger.discover(&s.norm, &mut learnt) {
                    *hits.entry(fired).or_default() += 1;
                }
            }
        }
        (learnt, hits)
    }

    /// Names the gazetteer does not know often appear in full once and short
    /// afterwards ("Northwind Motors", then "Northwind"; "Priya Raman", then
    /// "Raman"). A short name that is the first or last word of exactly one
    /// longer discovered name becomes that name.
    fn merge_short_names(&self, out: &mut Extraction) {
        let map = Self::short_name_targets(
            out.entities
                .values()
                .filter(|e| !e.known)
                .map(|e| e.name.as_str()),
        );
        if map.is_empty() {
            return;
        }
        if let Some(m) = map.get(out.actor.as_str()) {
            out.actor = m.clone();
        }
        let shared: BTreeMap<&str, Arc<str>> = map
            .iter()
            .map(|(short, long)| (short.as_str(), out.names.get(long)))
            .collect();
        let fix = |n: &mut Arc<str>| {
            if let Some(m) = shared.get(&**n) {
                *n = m.clone();
            }
        };
        for f in &mut out.facts {
            fix(&mut f.subject);
            fix(&mut f.object);
        }
        for s in &mut out.sentences {
            for e in s.entities.iter_mut() {
                fix(e);
            }
            if s.entities.len() > 1 {
                let mut seen = BTreeSet::new();
                let mut kept = std::mem::take(&mut s.entities).into_vec();
                kept.retain(|e| seen.insert(e.clone()));
                s.entities = kept.into();
            }
        }
        for (short, long) in &map {
            if let Some(info) = out.entities.remove(short) {
                if let Some(l) = out.entities.get_mut(long) {
                    l.mentions += info.mentions;
                    // The full name's context may have been thinner.
                    if l.kind == "NAME" {
                        l.kind = info.kind;
                    }
                }
            }
        }
    }

    /// For each one-word name, the one longer name whose first or last word it
    /// is, when there is exactly one. One pass over the names with an index by
    /// edge word, so start-up stays linear in the number of discovered names
    /// (comparing every pair took minutes on a corpus with 100,000 of them).
    fn short_name_targets<'a>(
        names: impl Iterator<Item = &'a str> + Clone,
    ) -> BTreeMap<String, String> {
        // Edge word -> (how many longer names have it as first or last word,
        // the first such name).
        let mut by_edge: HashMap<&str, (usize, &str)> = HashMap::new();
        for long in names.clone() {
            let (Some((first, _)), Some((_, last))) = (long.split_once(' '), long.rsplit_once(' '))
            else {
                continue;
            };
            let edges = if first == last {
                [Some(first), None]
            } else {
                [Some(first), Some(last)]
            };
            for edge in edges.into_iter().flatten() {
                by_edge
                    .entry(edge)
                    .and_modify(|(n, _)| *n += 1)
                    .or_insert((1, long));
            }
        }
        // "FAA" for "Federal Aviation Administration", "CFIUS" for the
        // "Committee on Foreign Investment in the United States": an
        // acronym of exactly one longer name.
        let mut by_acronym: HashMap<String, (usize, &str)> = HashMap::new();
        for long in names.clone().filter(|n| n.contains(' ')) {
            if let Some(a) = acronym(long) {
                by_acronym
                    .entry(a)
                    .and_modify(|(n, _)| *n += 1)
                    .or_insert((1, long));
            }
        }
        names
            .filter(|short| !short.contains(' '))
            .filter_map(|short| match by_edge.get(short) {
                Some(&(1, long)) => Some((short.to_string(), long.to_string())),
                _ => match by_acronym.get(short) {
                    Some(&(1, long)) => Some((short.to_string(), long.to_string())),
                    _ => None,
                },
            })
            .collect()
    }

    fn extract_article(&self, ai: usize, article: &Article, learnt: &Learnt, out: &mut Extraction) {
        // The first entity of each kind in the previous sentence: what a
        // reference opening the next sentence most likely points at.
        let mut prev_subjects: Vec<(String, String)> = Vec::new();
        // The previous sentence opened with a thing, not a name ("The
        // contract raises wages ... It does not restore the pension"):
        // "it" opening the next one is that thing, no organisation.
        let mut prev_thing = false;
        // How often each entity has been mentioned so far, and the entities
        // of the last few sentences: a description opening a sentence ("The
        // carmaker ...") means the most talked-about of those.
        let mut salience: BTreeMap<String, usize> = BTreeMap::new();
        let mut recent: std::collections::VecDeque<Vec<(String, String)>> =
            std::collections::VecDeque::new();
        // People named with an institution's title ("U.S. District Judge
        // Jane Roe"), by that title: "a federal judge" in the article is
        // the one judge it names.
        let first_fact = out.facts.len();
        // One copy of the file name for all the article's evidence.
        let source: Arc<str> = article.id.as_str().into();
        let mut titled: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        // The last act stated without a reason: its sentence, its facts and
        // who did it; the next few sentences may give its grounds.
        let mut pending: Option<(usize, Vec<usize>, String)> = None;
        for s in &article.sentences {
            let mut mentions = self.tagger.tag(&s.norm, article.date, s.heading, learnt);
            for m in &mentions {
                if let Tag::Entity { name, kind } = &m.tag {
                    if kind == "PERSON" {
                        if let Some(t) = self.title_before(&s.norm[..m.start], &m.text) {
                            titled.entry(t).or_default().insert(name.clone());
                        }
                    }
                }
            }
            // Only references need resolving (and the window copied).
            if mentions.iter().any(|m| matches!(m.tag, Tag::Pronoun(_))) {
                let window: Vec<(String, String)> = recent.iter().flatten().cloned().collect();
                let prev: Vec<(String, String)> = prev_subjects
                    .iter()
                    .filter(|(_, k)| !(prev_thing && matches!(k.as_str(), "ORG" | "NAME")))
                    .cloned()
                    .collect();
                resolve_pronouns(
                    &s.norm,
                    &mut mentions,
                    &prev,
                    &window,
                    &salience,
                    &self.institutions,
                );
            }
            let here: Vec<(String, String)> = mentions
                .iter()
                .filter_map(|m| match &m.tag {
                    Tag::Entity { name, kind } => Some((name.clone(), kind.clone())),
                    _ => None,
                })
                .collect();
            for (n, _) in &here {
                match salience.get_mut(n) {
                    Some(count) => *count += 1,
                    None => {
                        salience.insert(n.clone(), 1);
                    }
                }
            }
            if !s.heading {
                recent.push_back(here);
                if recent.len() > 3 {
                    recent.pop_front();
                }
            }
            let tagged = tagged_sentence(&s.norm, &mentions);
            // Whether the sentence hedges and whom it attributes its claim
            // to: asked by events and rules alike, answered once.
            let hedging = std::cell::OnceCell::new();
            // Summaries for retrieval and the entity list.
            let mut info = SentenceInfo {
                article: ai,
                sentence: s.index,
                entities: Box::default(),
                dates: Box::default(),
                has_date: false,
                has_figure: false,
                has_money: false,
                lemmatised: false,
                lemma_relations: Box::default(),
                events: Box::default(),
                modal: false,
                modal_spans: Box::default(),
            };
            let (mut entities, mut dates): (Vec<Arc<str>>, Vec<Date>) = (Vec::new(), Vec::new());
            // Parsing costs most of extraction: only sentences with a word
            // that can head an event are parsed.
            let awaiting = pending
                .as_ref()
                .is_some_and(|p| !s.heading && s.index <= p.0 + GROUNDS_WINDOW);
            let analysis = if self.classes.triggered(&s.norm) || awaiting {
                out.parsed += 1;
                self.analyse(&s.norm, &mentions)
            } else {
                language::Analysis::default()
            };
            if !analysis.tokens.is_empty() {
                let lemmas: Vec<&str> = analysis.tokens.iter().map(|t| t.lemma.as_str()).collect();
                info.lemmatised = true;
                info.lemma_relations = self.triggers.relations_in(&lemmas).into();
            }
            info.modal_spans = analysis
                .clauses
                .iter()
                .filter(|c| c.verb.modal || c.speculative)
                .filter_map(|c| {
                    let first = analysis.tokens.get(c.tokens.start)?;
                    let last = analysis.tokens.get(c.tokens.end.checked_sub(1)?)?;
                    Some((first.span.start, last.span.end))
                })
                .collect();
            info.modal = !info.modal_spans.is_empty();
            for m in &mentions {
                match &m.tag {
                    Tag::Entity { name, kind } => {
                        if !entities.iter().any(|e| **e == **name) {
                            entities.push(out.names.get(name));
                        }
                        match out.entities.get_mut(name) {
                            Some(e) => e.mentions += 1,
                            None => {
                                out.entities.insert(
                                    name.clone(),
                                    EntityInfo {
                                        name: name.clone(),
                                        kind: kind.clone(),
                                        mentions: 1,
                                        known: self.known.contains(name),
                                    },
                                );
                            }
                        }
                    }
                    Tag::Date(d) => {
                        info.has_date = true;
                        dates.extend(d.iter().copied());
                    }
                    Tag::Money => {
                        info.has_money = true;
                        info.has_figure = true;
                    }
                    Tag::Percent | Tag::Number => info.has_figure = true,
                    _ => {}
                }
            }
            if !s.heading {
                let mut words = s.norm.split_whitespace();
                prev_thing = matches!(words.next(), Some("The" | "This" | "That"))
                    && words
                        .next()
                        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_lowercase()))
                    && !mentions.iter().any(|m| m.start == 0);
                let mut firsts: Vec<(String, String)> = Vec::new();
                for m in &mentions {
                    if let Tag::Entity { name, kind } = &m.tag {
                        if !firsts.iter().any(|(_, k)| k == kind) {
                            firsts.push((name.clone(), kind.clone()));
                        }
                    }
                }
                if !firsts.is_empty() {
                    prev_subjects = firsts;
                }
            }
            let events = self.classes.find(&analysis, &mentions);
            if awaiting {
                if let Some(p) = &pending {
                    self.add_grounds(s, &mentions, &analysis, p, out);
                }
            }
            let before = out.facts.len();
            info.events = self
                .apply_events(
                    ai, article, &source, s, &mentions, &analysis, &events, &hedging, out,
                )
                .into();
            if !s.heading && out.facts.len() > before {
                let acts: Vec<usize> = (before..out.facts.len())
                    .filter(|&i| !out.facts[i].negated && !out.facts[i].subject.is_empty())
                    .collect();
                let given = out.facts[before..]
                    .iter()
                    .any(|f| f.evidence.qualifiers.contains_key("reason"));
                pending = match acts.first() {
                    Some(&i) if !given => {
                        let agent = out.facts[i].subject.to_string();
                        let acts = acts
                            .into_iter()
                            .filter(|&k| *out.facts[k].subject == *agent)
                            .collect();
                        Some((s.index, acts, agent))
                    }
                    _ => None,
                };
            }
            (info.entities, info.dates) = (entities.into(), dates.into());
            out.sentences.push(info);
            self.apply_rules(ai, article, &source, s, &tagged, &mentions, &hedging, out);
        }
        let names = &mut out.names;
        for f in out.facts[first_fact..].iter_mut() {
            let Some(noun) = f.subject.rsplit(' ').next() else {
                continue;
            };
            if f.subject.chars().next().is_some_and(|c| c.is_uppercase())
                || !self.institutions.contains(noun)
            {
                continue;
            }
            if let Some(people) = titled.get(noun).filter(|p| p.len() == 1) {
                if let Some(person) = people.iter().next() {
                    f.subject = names.get(person);
                }
            }
        }
    }

    /// The institution noun a person's name is titled with: "Judge" in
    /// "U.S. District Judge Jane Roe" (before the name or inside it).
    fn title_before(&self, before: &str, text: &str) -> Option<String> {
        let last = before.split_whitespace().next_back().unwrap_or("");
        let first = text.split_whitespace().next().unwrap_or("");
        [last, first]
            .iter()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .find(|w| self.institutions.contains(w))
    }

    /// "The judge blocked the deal. In her opinion, Roe found that the
    /// chains compete head to head": the grounds an agent gives, by a verb of
    /// finding with a "that" clause, in one of the few sentences after its
    /// act, are the act's reason, cited to the sentence that gives them.
    fn add_grounds(
        &self,
        s: &Sentence,
        mentions: &[Mention],
        analysis: &language::Analysis,
        pending: &(usize, Vec<usize>, String),
        out: &mut Extraction,
    ) {
        let (_, acts, agent) = pending;
        let t = &analysis.tokens;
        let by_agent = |c: &language::clause::Clause| {
            c.subject.is_some_and(|sj| {
                analysis.phrases[sj]
                    .mentions
                    .iter()
                    .filter_map(|m| mentions.get(*m as usize).and_then(entity_name))
                    // "Judge Maria Lopez ... Lopez found": by surname too.
                    .any(|n| &n == agent || agent.ends_with(&format!(" {n}")))
            })
        };
        let Some(start) = analysis.clauses.iter().find_map(|c| {
            let v = &c.verb;
            let that = t.get(v.tokens.end)?;
            (self.finding.contains(&v.lemma)
                && !v.negated
                && !v.modal
                && !v.planned
                && !c.speculative
                && that.lower == "that"
                && by_agent(c))
            .then_some(that.span.end)
        }) else {
            return;
        };
        let text = untag_plain(&s.norm[start..]);
        if text.is_empty() {
            return;
        }
        for &i in acts {
            let Some(f) = out.facts.get(i) else { continue };
            let mut f = f.clone();
            f.evidence.sentence = s.index;
            f.evidence.span = s.span;
            f.evidence.quote = s.text.clone();
            f.evidence
                .qualifiers
                .insert("reason".to_string(), text.clone());
            out.facts.push(f);
        }
    }

    /// Whether a sentence hedges and whom it attributes its claim to,
    /// worked out on first need.
    fn hedging<'h>(&self, s: &Sentence, hedging: &'h Hedging) -> (bool, &'h Option<Arc<str>>) {
        let (hedged, attribution) = hedging.get_or_init(|| {
            (
                self.tagger.hedged(&s.norm),
                self.tagger.attribution(&s.norm).map(Arc::from),
            )
        });
        (*hedged, attribution)
    }

    /// Tokens and clauses of one sentence.
    fn analyse(&self, norm: &str, mentions: &[Mention]) -> language::Analysis {
        let tokens = language::tokens(&self.pos as &dyn PosTagger, norm, mentions);
        language::clause::analyse(&self.grammar, norm, tokens)
    }

    /// Facts from the event classes that fired; returns the events for
    /// retrieval (modal ones included, marked).
    #[allow(clippy::too_many_arguments)]
    fn apply_events(
        &self,
        ai: usize,
        article: &Article,
        source: &Arc<str>,
        s: &Sentence,
        mentions: &[Mention],
        analysis: &language::Analysis,
        events: &[events::Event],
        hedging: &Hedging,
        out: &mut Extraction,
    ) -> Vec<SentenceEvent> {
        if events.is_empty() {
            return Vec::new();
        }
        let (hedged, attribution) = self.hedging(s, hedging);
        let name = |m: &u16| mentions.get(*m as usize).and_then(entity_name);
        let mut seen = Vec::new();
        for e in events {
            let agents: Vec<String> = match (&e.agent_text, e.agents.is_empty()) {
                (_, false) => e.agents.iter().filter_map(name).collect(),
                (None, true) if e.unnamed => vec![String::new()],
                (Some(t), true) => vec![as_written(&s.norm, t)],
                (None, true) => vec![self.actor.clone()],
            };
            let objects: Vec<String> = match &e.object_text {
                Some(t) => vec![as_written(&s.norm, t)],
                None => e.objects.iter().filter_map(name).collect(),
            };
            seen.push(SentenceEvent {
                class: out.names.get(&e.relation),
                agent: agents.first().map(|a| out.names.get(a)),
                patients: objects.iter().map(|o| out.names.get(o)).collect(),
                negated: e.negated,
                modal: e.modal,
                hedged: hedged || attribution.is_some(),
            });
            if e.modal {
                continue;
            }
            let in_clause = |m: &Mention| {
                let r = &e.tokens;
                analysis
                    .tokens
                    .get(r.start)
                    .is_some_and(|t| m.start >= t.span.start)
                    && analysis
                        .tokens
                        .get(r.end.saturating_sub(1))
                        .is_some_and(|t| m.end <= t.span.end)
            };
            let mut qualifiers = Qualifiers::default();
            let mut date = None;
            let mut effective = None;
            for m in mentions.iter().filter(|m| in_clause(m)) {
                match &m.tag {
                    // "closed days before the Oct. 18 deadline": a date the
                    // event is measured against is not when it happened.
                    Tag::Date(_) if reference_date(&s.norm[..m.start]) => {}
                    // "named chief executive, effective March 18": the date
                    // set for it, whatever the clause's tense, kept apart
                    // from when it was decided.
                    Tag::Date(d) if s.norm[..m.start].trim_end().ends_with("effective") => {
                        effective = effective.or(*d);
                    }
                    Tag::Date(d) if date.is_none() => {
                        date = d.map(|d| tensed(d, &s.norm[m.start..m.end], article, analysis, e));
                    }
                    Tag::Entity { name, kind } if kind == "PLACE" || kind == "EVENT" => {
                        let key = if kind == "PLACE" { "place" } else { "event" };
                        if !excluded_place(&s.norm[..m.start]) {
                            qualifiers.insert_missing(key, || name.clone());
                        }
                    }
                    Tag::Money => {
                        qualifiers.insert_missing("value", || m.text.clone());
                    }
                    _ => {}
                }
            }
            if date.is_none() {
                date = self.only_date_outside_events(s, mentions, analysis, e);
            }
            // "Globex said on Friday that it would cut 900 jobs": a plan its
            // own maker announces is dated by the announcement.
            if date.is_none() && effective.is_none() {
                let said_by_agent = e
                    .reported_by
                    .and_then(|r| mentions.get(r as usize))
                    .is_some_and(|r| {
                        let who = entity_name(r);
                        who.is_some()
                            && e.agents
                                .iter()
                                .any(|&m| mentions.get(m as usize).and_then(entity_name) == who)
                    });
                let planned = analysis
                    .clauses
                    .iter()
                    .find(|c| c.tokens == e.tokens)
                    .is_some_and(|c| c.verb.future || c.verb.planned || c.verb.modal);
                if said_by_agent && planned {
                    date = reporting_date(s, mentions, analysis, e);
                }
            }
            if let (None, Some(from)) = (date, effective) {
                // "Globex said on Monday that its board had named Dana Roe
                // chief executive, effective March 18": named on Monday,
                // the day it was said. A change already in effect when
                // reported ("had retired, effective Dec. 1") happened then.
                let said = reporting_date(s, mentions, analysis, e);
                let ahead = said
                    .or(article.date)
                    .is_some_and(|r| r.is_full() && from > r);
                date = if ahead { said } else { None }.or(effective);
            }
            if let Some(d) = effective.filter(|&d| Some(d) != date) {
                qualifiers.insert(Qualifier::Effective.key().to_string(), d.to_string());
            }
            // A headline reports the day's news: "Globex completes Initech
            // takeover" happened on the day it was published.
            if date.is_none() && s.heading && !article.date_estimated && reports_news(analysis, e) {
                date = article.date;
            }
            if let Some(r) = &e.reason {
                let text = untag_plain(&s.norm[r.clone()]);
                if !text.is_empty() {
                    qualifiers.insert("reason".to_string(), text);
                }
            }
            if let Some(role) = &e.role {
                qualifiers.insert("role".to_string(), as_written(&s.norm, role));
            }
            // The deal's figures: its price is its value (not a fee that
            // happens to share the clause).
            for (key, v) in [
                (Qualifier::Price, &e.price),
                (Qualifier::PerShare, &e.per_share),
                (Qualifier::Quantity, &e.quantity),
            ] {
                if let Some(v) = v {
                    qualifiers.insert(key.key().to_string(), v.clone());
                }
            }
            if let Some(p) = e.price.as_ref().or(e.figure.as_ref()) {
                qualifiers.insert(Qualifier::Value.key().to_string(), p.clone());
            }
            let attribution = attribution
                .clone()
                .or_else(|| e.reported_by.as_ref().and_then(name).map(Arc::from));
            let evidence = Evidence {
                article: ai,
                source: source.clone(),
                sentence: s.index,
                span: s.span,
                quote: s.text.clone(),
                rule: self.class_names[e.class].clone(),
                hedged,
                attribution,
                published: article.date,
                date,
                qualifiers,
            };
            push_facts(out, &agents, &e.relation, &objects, e.negated, evidence);
        }
        seen
    }

    /// The date of an event whose own words hold none, when the sentence
    /// has one date (however often written, "on Thursday, Jan. 22") and it
    /// plainly belongs to the event: either it opens the sentence ("In
    /// January, Globex opened a review", "Nov. 28: Globex ...") or it follows the event's clause
    /// with nothing but that clause's own modifiers between ("Globex
    /// completed the deal that puts its plants into a venture run by
    /// Initech on Thursday"), not in another event's clause, and not a date
    /// something is measured against ("before the deadline").
    fn only_date_outside_events(
        &self,
        s: &Sentence,
        mentions: &[Mention],
        analysis: &language::Analysis,
        event: &events::Event,
    ) -> Option<crate::date::Date> {
        let mut dates = mentions.iter().filter_map(|m| match &m.tag {
            Tag::Date(d) => Some((m, *d)),
            _ => None,
        });
        let (first, day) = dates.next()?;
        let day = day?;
        for (m, d) in std::iter::once((first, Some(day))).chain(dates) {
            if d != Some(day) || reference_date(&s.norm[..m.start]) {
                return None;
            }
        }
        let span = |i: usize| analysis.tokens.get(i).map(|t| t.span.clone());
        let (from, to) = (
            span(event.tokens.start)?.start,
            span(event.tokens.end.checked_sub(1)?)?.end,
        );
        if first.end <= from {
            let opens = s.norm[..first.start].split_whitespace().count() <= 1
                && s.norm[first.end..]
                    .trim_start_matches([' ', '*'])
                    .starts_with([',', ':']);
            return opens.then_some(day);
        }
        if first.start < to {
            return None;
        }
        let gap = &s.norm[to..first.start];
        if gap.contains([',', ';', ':', '(', '"']) || gap.contains(" and ") || gap.contains(" but ")
        {
            return None;
        }
        // No other finite verb between ("..., and Initech expects to close
        // it in 2024"), but for a relative clause in the present, which
        // describes rather than happens ("the deal that puts ...").
        let between: Vec<&language::Token> = analysis
            .tokens
            .iter()
            .filter(|t| t.span.start >= to && t.span.end <= first.start)
            .collect();
        let finite = between.iter().enumerate().any(|(i, t)| match t.pos {
            Pos::Modal | Pos::Verb(VForm::Past) => true,
            Pos::Verb(VForm::Present) => {
                !matches!(i.checked_sub(1).map(|p| &between[p].pos), Some(Pos::Wh))
            }
            _ => false,
        });
        if finite {
            return None;
        }
        let in_event = analysis.clauses.iter().any(|c| {
            span(c.tokens.start).is_some_and(|t| first.start >= t.start)
                && c.tokens
                    .end
                    .checked_sub(1)
                    .and_then(span)
                    .is_some_and(|t| first.end <= t.end)
                && std::iter::once(&c.verb.lemma)
                    .chain(&c.verb.control)
                    .any(|v| self.classes.is_event_verb(v))
        });
        (!in_event).then_some(day)
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_rules(
        &self,
        ai: usize,
        article: &Article,
        source: &Arc<str>,
        s: &Sentence,
        tagged: &str,
        mentions: &[Mention],
        hedging: &Hedging,
        out: &mut Extraction,
    ) {
        for i in self.prefilter.candidates(tagged.as_bytes()) {
            let rule = &self.rules[i];
            // The capture search itself tells whether the rule matches (a
            // match test first searched every matching sentence twice).
            let mut all = rule.regex().captures_iter(tagged.as_bytes()).peekable();
            if all.peek().is_none() || rule.unless(&s.norm) {
                continue;
            }
            let (hedged, attribution) = self.hedging(s, hedging);
            for caps in all {
                // Rules run on bytes (ASCII classes are far cheaper to
                // compile); every capture boundary sits next to ASCII, so
                // the pieces are valid UTF-8.
                let text = |m: regex_automata::Span| {
                    String::from_utf8_lossy(&tagged.as_bytes()[m.range()]).into_owned()
                };
                let group = |name: &str| caps.get_group_by_name(name);
                let names = |group_name: &str| -> Vec<String> {
                    group(group_name)
                        .map(|m| {
                            token_ids(&text(m), rule.lists.iter().any(|l| l == group_name))
                                .into_iter()
                                .filter_map(|id| entity_name(mentions.get(id)?))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let mut objects = names("object");
                if objects.is_empty() {
                    if let Some(t) = group("topic") {
                        objects.push(untag(&text(t), mentions));
                    } else if let Some(o) = &rule.object {
                        objects.push(o.clone());
                    }
                }
                let mut subjects = names("subject");
                if subjects.is_empty() {
                    subjects = match rule.subject.as_deref() {
                        Some("actor") | None => vec![self.actor.clone()],
                        Some("none") => vec![String::new()],
                        Some("sentence") => first_entity(mentions, &objects).into_iter().collect(),
                        Some(name) => vec![name.to_string()],
                    };
                }
                let mut qualifiers = Qualifiers::default();
                let mut date = None;
                for name in rule
                    .regex()
                    .group_info()
                    .pattern_names(regex_automata::PatternID::ZERO)
                    .flatten()
                {
                    if matches!(name, "subject" | "object" | "topic" | "neg" | "context") {
                        continue;
                    }
                    // `date2` is another place in the pattern for a date.
                    let key = name.trim_end_matches(|c: char| c.is_ascii_digit());
                    if qualifiers.contains_key(key) {
                        continue;
                    }
                    if let Some(m) = group(name) {
                        let m_text = text(m);
                        let ids = token_ids(&m_text, false);
                        let single = match ids.as_slice() {
                            [id] if m_text.trim().starts_with(OPEN)
                                && m_text.trim().ends_with(CLOSE) =>
                            {
                                mentions.get(*id)
                            }
                            _ => None,
                        };
                        let value = if key == "date" {
                            let d =
                                ids.iter()
                                    .find_map(|&id| match mentions.get(id).map(|m| &m.tag) {
                                        Some(Tag::Date(d)) => *d,
                                        _ => None,
                                    });
                            date = d;
                            d.map(|d| d.to_string())
                                .unwrap_or_else(|| untag(&m_text, mentions))
                        } else if let Some(Mention {
                            tag: Tag::Entity { name, .. },
                            ..
                        }) = single
                        {
                            // One entity: its canonical name, not the wording.
                            name.clone()
                        } else {
                            untag(&m_text, mentions)
                        };
                        let value = value
                            .trim()
                            .trim_end_matches([',', '.', ';'])
                            .trim()
                            .to_string();
                        if !value.is_empty() {
                            qualifiers.insert(key.to_string(), value);
                        }
                    }
                }
                // Events and places inside the matched words qualify the fact
                // ("confirmed ... at the summit in Dubai").
                let inner: Vec<usize> = ["what", "topic", "reason", "because", "quote", "context"]
                    .iter()
                    .filter_map(|g| group(g))
                    .flat_map(|m| token_ids(&text(m), false))
                    .collect();
                let whole_ids: Vec<usize> = caps
                    .get_group(0)
                    .map(|m| token_ids(&text(m), false))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|id| !inner.contains(id))
                    .collect();
                for (key, kinds) in [("event", &["EVENT"][..]), ("place", &["PLACE"][..])] {
                    if qualifiers.contains_key(key) {
                        continue;
                    }
                    let found = whole_ids.iter().find_map(|&id| match mentions.get(id) {
                        Some(Mention {
                            tag: Tag::Entity { name, kind },
                            start,
                            ..
                        }) if kinds.contains(&kind.as_str())
                            && !excluded_place(&s.norm[..*start]) =>
                        {
                            Some(name.clone())
                        }
                        _ => None,
                    });
                    if let Some(v) = found {
                        qualifiers.insert(key.to_string(), v);
                    }
                }
                if date.is_none() {
                    // A date inside the matched words dates the event.
                    date = whole_ids.iter().copied().find_map(|id| {
                        match mentions.get(id).map(|m| &m.tag) {
                            Some(Tag::Date(d)) => *d,
                            _ => None,
                        }
                    });
                }
                let negated = rule.negated ^ group("neg").is_some();
                let evidence = Evidence {
                    article: ai,
                    source: source.clone(),
                    sentence: s.index,
                    span: s.span,
                    quote: s.text.clone(),
                    rule: self.rule_names[i].clone(),
                    hedged: hedged || attribution.is_some(),
                    attribution: attribution.clone(),
                    published: article.date,
                    date,
                    qualifiers,
                };
                push_facts(out, &subjects, &rule.relation, &objects, negated, evidence);
            }
        }
    }
}

/// A sentence's hedging and attribution, once known (see
/// [`Extractor::hedging`]).
type Hedging = std::cell::OnceCell<(bool, Option<Arc<str>>)>;

/// How many raw facts a corpus of `total` bytes will likely give, having
/// given `so_far` in its first `done` bytes (and at least `so_far`): an
/// eighth over the proportion, so the list of a large corpus grows a few
/// times by little rather than by doubling.
fn expected(so_far: usize, done: usize, total: usize) -> usize {
    let share = done.max(1) as f64 / total.max(1) as f64;
    ((so_far as f64 / share.min(1.0)) * 1.125).ceil() as usize
}

/// Appends the extraction of the next article(s) in corpus order.
fn absorb(out: &mut Extraction, mut part: Extraction) {
    out.share_names(&mut part.facts, &mut part.sentences);
    out.facts.extend(part.facts);
    out.parsed += part.parsed;
    out.sentences.extend(part.sentences);
    for (name, info) in part.entities {
        match out.entities.get_mut(&name) {
            Some(e) => e.mentions += info.mentions,
            None => {
                out.entities.insert(name, info);
            }
        }
    }
    for (rule, n) in part.rule_hits {
        *out.rule_hits.entry(rule).or_default() += n;
    }
}

/// One raw fact per (subject, object) pair that are not the same, all
/// resting on `evidence`; counts a hit for its rule or class if any fired.
fn push_facts(
    out: &mut Extraction,
    subjects: &[String],
    relation: &str,
    objects: &[String],
    negated: bool,
    evidence: Evidence,
) {
    let pairs: Vec<(&String, &String)> = subjects
        .iter()
        .flat_map(|subj| {
            objects
                .iter()
                .filter(move |o| *o != subj)
                .map(move |obj| (subj, obj))
        })
        .collect();
    let Some((last, rest)) = pairs.split_last() else {
        return;
    };
    match out.rule_hits.get_mut(&*evidence.rule) {
        Some(n) => *n += 1,
        None => {
            out.rule_hits.insert(evidence.rule.to_string(), 1);
        }
    }
    out.facts.reserve(pairs.len());
    let relation = out.names.get(relation);
    let mut fact = |(subj, obj): (&String, &String), evidence: Evidence| RawFact {
        subject: out.names.get(subj),
        relation: relation.clone(),
        object: out.names.get(obj),
        negated,
        evidence,
    };
    for &pair in rest {
        let f = fact(pair, evidence.clone());
        out.facts.push(f);
    }
    // The last pair takes the evidence itself rather than a copy.
    let f = fact(*last, evidence);
    out.facts.push(f);
}

/// Stands for the story's actor while extracting a story that names none.
const UNNAMED_ACTOR: &str = "\u{0}actor";

/// How many sentences after an act its grounds may follow.
const GROUNDS_WINDOW: usize = 3;

/// A reason as plain words: trimmed, no trailing punctuation.
fn untag_plain(s: &str) -> String {
    s.trim()
        .trim_end_matches([',', '.', ';'])
        .trim()
        .to_string()
}

fn entity_name(m: &Mention) -> Option<String> {
    match &m.tag {
        Tag::Entity { name, .. } => Some(name.clone()),
        Tag::Quote => Some(
            m.text
                .trim_matches('"')
                .trim_end_matches([',', ' '])
                .to_string(),
        ),
        _ => Some(m.text.clone()),
    }
}

/// The first organisation-like entity of a sentence that is not an object.
fn first_entity(mentions: &[Mention], objects: &[String]) -> Option<String> {
    mentions.iter().find_map(|m| match &m.tag {
        Tag::Entity { name, kind }
            if (kind == "ORG" || kind == "NAME") && !objects.contains(name) =>
        {
            Some(name.clone())
        }
        _ => None,
    })
}

/// "outside of mainland China": the place is where it is not.
fn excluded_place(before: &str) -> bool {
    let tail: String = before
        .chars()
        .rev()
        .take(30)
        .collect::<String>()
        .chars()
        .rev()
        .collect();
    let tail = tail.to_lowercase();
    ["outside", "beyond", "except", "excluding"]
        .iter()
        .any(|w| tail.contains(w))
}

/// Words that make what follows the object of a verb or preposition.
static OBJECT_OF: std::sync::LazyLock<pattern::TextRegex> = std::sync::LazyLock::new(|| {
    pattern::TextRegex::new(r"\b(?:with|to|by|from|for|on|over|against|of|into|toward|towards)\s*$")
        .expect("static regex")
});

/// Resolves pronouns and generic descriptions in place: a reference that
/// opens the sentence is the previous sentence's subject; "it" later on is
/// this sentence's subject; a description ("the Chinese company") is the
/// nearest fitting entity before it, except the subject of its own clause.
fn resolve_pronouns(
    norm: &str,
    mentions: &mut Vec<Mention>,
    prev_subjects: &[(String, String)],
    window: &[(String, String)],
    salience: &BTreeMap<String, usize>,
    institutions: &std::collections::HashSet<String>,
) {
    // "The agency" is a regulator: one from the gazetteer, or a name found
    // in the text that reads as an institution ("Federal Trade Commission").
    let institution = |name: &str| {
        name.split_whitespace()
            .any(|w| institutions.contains(&w.to_lowercase()))
    };
    let fits_named = |want: &str, kind: &str, name: &str| {
        want == kind
            || (want == "ORG" && kind == "NAME")
            || (want == "REGULATOR" && matches!(kind, "ORG" | "NAME") && institution(name))
    };
    let mut resolved: Vec<(usize, Option<(String, String)>)> = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        let Tag::Pronoun(want) = &m.tag else { continue };
        let at_start = norm[..m.start].trim().is_empty();
        // "Britain's regulator said it...": the owner named before "'s" and
        // another mention is not who "it" stands for; the owned one is.
        let possessor = |k: usize| {
            let x = &mentions[k];
            let rest = norm.get(x.end..).unwrap_or("");
            let after = ["'s ", "\u{2019}s "]
                .iter()
                .find_map(|p| rest.strip_prefix(p).map(|_| x.end + p.len()));
            after.is_some_and(|at| mentions.get(k + 1).is_some_and(|y| y.start == at))
        };
        let before: Vec<(usize, String, String)> = mentions[..i]
            .iter()
            .enumerate()
            .filter_map(|(k, x)| match &x.tag {
                Tag::Entity { name, kind } if fits_named(want, kind, name) && !possessor(k) => {
                    Some((x.end, name.clone(), kind.clone()))
                }
                _ => None,
            })
            .collect();
        let prev = prev_subjects
            .iter()
            .find(|(n, k)| fits_named(want, k, n))
            .cloned();
        // "X sued its would-be buyer": the counterpart of the owner "its"
        // stands for (the first fitting entity), never the owner itself.
        let before = if m.text.to_lowercase().starts_with("its ") && !before.is_empty() {
            let owner = before[0].1.clone();
            if at_start {
                Vec::new()
            } else {
                before.into_iter().filter(|(_, n, _)| *n != owner).collect()
            }
        } else {
            before
        };
        let short = m.text.split_whitespace().count() == 1;
        let salient = window
            .iter()
            .filter(|(n, k)| fits_named(want, k, n))
            .max_by_key(|(n, _)| {
                (
                    salience.get(n).copied().unwrap_or(0),
                    std::cmp::Reverse(window.iter().position(|(x, _)| x == n)),
                )
            })
            .cloned();
        // "He said" opens a sentence or follows a quote ("...," she
        // said); elsewhere "he" may be anyone named before it ("after talks
        // with X, he said"): not guessed.
        let after_quote = norm[..m.start].trim_end().ends_with(['"', '\u{201d}']);
        let choice = if want == "PERSON" && !at_start && !after_quote {
            None
        } else if at_start && !short {
            salient.or(prev)
        } else if at_start || before.is_empty() {
            prev
        } else if short {
            before.first().map(|(_, n, k)| (n.clone(), k.clone()))
        } else {
            let (end, name, kind) = before.last().expect("not empty");
            let between = norm.get(*end..m.start).unwrap_or("");
            // "X partnered with the company": the company is not X.
            let same_clause = !between.contains([',', ';'])
                && !between.contains(" but ")
                && OBJECT_OF.is_match(between);
            if same_clause && before.len() > 1 {
                let (_, n, k) = &before[before.len() - 2];
                Some((n.clone(), k.clone()))
            } else if same_clause {
                prev.filter(|(n, _)| n != name)
                    .or(Some((name.clone(), kind.clone())))
            } else {
                Some((name.clone(), kind.clone()))
            }
        };
        // "the joint venture" is the one entity whose name says it is
        // ("Globex Initech Joint Venture"), wherever it was last named.
        let head = m.text.rsplit(' ').next().unwrap_or("");
        let by_head = (!short && !m.text.to_lowercase().starts_with("its "))
            .then(|| {
                before
                    .iter()
                    .rev()
                    .map(|(_, n, k)| (n, k))
                    .chain(window.iter().map(|(n, k)| (n, k)))
                    .find(|(n, k)| {
                        fits_named(want, k, n)
                            && n.split_whitespace().any(|w| w.eq_ignore_ascii_case(head))
                    })
                    .map(|(n, k)| (n.clone(), k.clone()))
            })
            .flatten();
        resolved.push((i, by_head.or(choice)));
    }
    for (i, choice) in resolved.iter().rev() {
        match choice {
            Some((name, kind)) => {
                mentions[*i].tag = Tag::Entity {
                    name: name.clone(),
                    kind: kind.clone(),
                }
            }
            None => {
                mentions.remove(*i);
            }
        }
    }
}

/// Opens a mention token in a tagged sentence (shown as ⟦ in docs).
pub const OPEN: char = '\u{1}';
/// Closes a mention token (shown as ⟧ in docs).
pub const CLOSE: char = '\u{2}';

/// The sentence with every mention replaced by `⟦LABEL#index⟧`.
pub fn tagged_sentence(norm: &str, mentions: &[Mention]) -> String {
    let mut out = String::with_capacity(norm.len() + mentions.len() * 8);
    let mut last = 0;
    for (i, m) in mentions.iter().enumerate() {
        out.push_str(&norm[last..m.start]);
        out.push(OPEN);
        out.push_str(m.tag.label());
        out.push('#');
        out.push_str(&i.to_string());
        out.push(CLOSE);
        last = m.end;
    }
    out.push_str(&norm[last..]);
    out
}

/// A captured piece of a tagged sentence back in words (entities by their
/// surface text).
fn untag(span: &str, mentions: &[Mention]) -> String {
    let mut out = String::new();
    let mut rest = span;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(end) = after.find(CLOSE) else { break };
        let id = after[..end]
            .split_once('#')
            .and_then(|(_, id)| id.parse::<usize>().ok());
        if let Some(m) = id.and_then(|id| mentions.get(id)) {
            out.push_str(&m.text);
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// A month or day written without a year takes the occurrence nearest the
/// article's date (see `mentions`); the tense of the event's clause
/// corrects it: what happened ("sued in May", in a January article) is
/// before the article, what will happen ("will close in December", in a
/// March article) after it.
/// The date of the clause that reports an event ("Globex said on Monday
/// that ..."): the one date before the event's own words, when the event is
/// reported by someone the sentence names.
fn reporting_date(
    s: &Sentence,
    mentions: &[Mention],
    analysis: &language::Analysis,
    e: &events::Event,
) -> Option<crate::date::Date> {
    e.reported_by?;
    let from = analysis.tokens.get(e.tokens.start)?.span.start;
    let mut before = mentions.iter().filter_map(|m| match &m.tag {
        Tag::Date(d) if m.end <= from && !reference_date(&s.norm[..m.start]) => *d,
        _ => None,
    });
    let d = before.next()?;
    before.next().is_none().then_some(d)
}

fn tensed(
    d: crate::date::Date,
    written: &str,
    article: &Article,
    analysis: &language::Analysis,
    e: &events::Event,
) -> crate::date::Date {
    let has_year = written
        .as_bytes()
        .windows(4)
        .any(|w| w.iter().all(u8::is_ascii_digit));
    let Some(base) = article
        .date
        .filter(|b| b.is_full() && !has_year && d.month > 0)
    else {
        return d;
    };
    let Some(c) = analysis
        .clauses
        .iter()
        .find(|c| e.tokens.contains(&c.verb.head))
    else {
        return d;
    };
    let v = &c.verb;
    let t = &analysis.tokens;
    let past = !v.future
        && !v.planned
        && (t[v.head].pos == Pos::Verb(VForm::Past)
            || t[v.tokens.clone()]
                .iter()
                .any(|x| matches!(x.lower.as_str(), "has" | "have" | "had" | "was" | "were")));
    // A whole month is before or after the article's month.
    let key = |x: crate::date::Date| (x.year, x.month, if d.day == 0 { 0 } else { x.day });
    // An estimated article date (a neighbour's) may be weeks off: only a
    // date months on the wrong side of it moves.
    if article.date_estimated {
        let mid = crate::date::Date::ymd(d.year, d.month, if d.day == 0 { 15 } else { d.day })
            .unwrap_or(d);
        if (mid.to_days() - base.to_days()).abs() <= 60 {
            return d;
        }
    }
    let year = if past && key(d) > key(base) {
        d.year - 1
    } else if v.future && key(d) < key(base) {
        d.year + 1
    } else {
        return d;
    };
    match d.day {
        0 => crate::date::Date { year, ..d },
        day => crate::date::Date::ymd(year, d.month, day).unwrap_or(d),
    }
}

/// The acronym of a name of three or more capitalised words, small words
/// skipped ("Committee on Foreign Investment in the United States" gives
/// "CFIUS", "Competition and Markets Authority" "CMA"); none for a name with
/// initials or figures of its own.
pub fn acronym(name: &str) -> Option<String> {
    const SMALL: &[&str] = &[
        "of", "and", "the", "for", "in", "on", "&", "de", "du", "des",
    ];
    let mut out = String::new();
    for w in name.split_whitespace() {
        if SMALL.contains(&w) {
            continue;
        }
        let mut chars = w.chars();
        let first = chars.next()?;
        if !first.is_uppercase() || w.contains('.') || w.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        out.push(first);
    }
    (out.chars().count() >= 3).then_some(out)
}

/// Whether a date in a sentence is a reference point rather than when the
/// event happened: it follows "before", "after", "until", "by", "since" or
/// "ahead of" ("days before the Oct. 18 deadline").
fn reference_date(before: &str) -> bool {
    let words: Vec<&str> = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(3)
        .collect();
    let cue = |w: &str| matches!(w, "before" | "after" | "until" | "by" | "since" | "of");
    match words.as_slice() {
        [w, ..] if cue(w) && *w != "of" => true,
        ["the", w, ..] if cue(w) && *w != "of" => true,
        ["of", "ahead", ..] | ["the", "of", "ahead"] => true,
        _ => false,
    }
}

/// Whether an event's clause states it in the present or past tense (a
/// headline's "completes", "blocked"), not as a plan ("to buy").
fn reports_news(a: &language::Analysis, e: &events::Event) -> bool {
    let at = e.tokens.clone().find(|&k| {
        a.tokens.get(k).is_some_and(|t| {
            matches!(
                t.pos,
                language::Pos::Verb(_) | language::Pos::Modal | language::Pos::To
            )
        })
    });
    // "... door plug that blew out": a relative clause describes the
    // headline's news, it is not the news.
    let relative = at
        .and_then(|k| k.checked_sub(1))
        .and_then(|k| a.tokens.get(k))
        .is_some_and(|t| matches!(t.lower.as_str(), "that" | "which" | "who"));
    if relative {
        return false;
    }
    let verb = at.and_then(|k| a.tokens.get(k));
    matches!(
        verb.map(|t| t.pos),
        Some(language::Pos::Verb(
            language::VForm::Present | language::VForm::Past
        ))
    ) && !e.modal
}

/// A phrase of the clause layer (lower-cased words) as the sentence writes
/// it, so names keep their capitals ("a Washington state judge", "the UK
/// watchdog"); a capital that only opens the sentence is dropped. The
/// phrase itself when the sentence does not have it word for word.
fn as_written(norm: &str, phrase: &str) -> String {
    let Some(at) = norm.to_ascii_lowercase().find(phrase) else {
        return phrase.to_string();
    };
    let mut out = norm[at..at + phrase.len()].to_string();
    let mut chars = out.chars();
    // "The regulator" opening a sentence, not "Northwind's board".
    let opening = at == 0
        && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && !out
            .split(' ')
            .next()
            .is_some_and(|w| w.ends_with("'s") || w.ends_with("’s"));
    if opening {
        out[..1].make_ascii_lowercase();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_after_before_or_by_is_a_reference_point() {
        assert!(reference_date("The takeover closed a week before the "));
        assert!(reference_date("Globex must close the deal by "));
        assert!(reference_date("shares have doubled since "));
        assert!(reference_date("ahead of the "));
        assert!(!reference_date("Globex completed the deal on "));
        assert!(!reference_date("The board of "));
        assert!(!reference_date(""));
    }

    #[test]
    fn phrases_keep_the_capitals_of_the_sentence() {
        let s = "A federal judge and a Washington state judge blocked it, the UK watchdog said.";
        assert_eq!(
            as_written(s, "washington state judge"),
            "Washington state judge"
        );
        assert_eq!(as_written(s, "uk watchdog"), "UK watchdog");
        assert_eq!(as_written(s, "federal judge"), "federal judge");
        // Opening the sentence: the capital is the sentence's, not the name's.
        assert_eq!(
            as_written("Federal judges blocked it.", "federal judges"),
            "federal judges"
        );
        assert_eq!(
            as_written("UK regulators objected.", "uk regulators"),
            "UK regulators"
        );
        assert_eq!(as_written(s, "state court"), "state court");
    }
    use crate::corpus::Reader;

    const CONFIG: &str = r#"
[story]
title = "t"
actor = "Acme"

[tagging]
not_names = ["The", "It", "However"]
roles = ["CEO"]
pronouns = [{ pattern = "it", kind = "ORG" }, { pattern = "the (?:company|carmaker)", kind = "ORG" }]
hedges = ["reportedly"]
attributions = ['(?i:according to) (?P<source>[A-Z]\w*(?: [A-Z]\w*)*)']

[macros]
ADV = '(?:\w+ly )?'

[[entity]]
name = "Acme"
kind = "org"
aliases = ["Acme Corp."]
descriptions = ["the widget maker"]

[[entity]]
name = "United States"
kind = "place"
aliases = ["U.S."]

[[relation]]
name = "dropped"
label = "dropped"
[[relation.rule]]
name = "dropped.verb"
pattern = '{subject:ORG} {ADV}dropped {object:ORG+}(?: because (?P<reason>[^.]+))?'

[[relation]]
name = "met"
label = "met"
[[relation.rule]]
name = "met.on"
pattern = '{subject:ORG} met {object:ORG} {date:DATE}'
"#;

    fn run(text: &str) -> (Vec<RawFact>, Extraction) {
        let config = Config::parse(CONFIG).unwrap();
        let article = Reader::new(&config.corpus)
            .unwrap()
            .parse("a.txt", text)
            .unwrap();
        let x = Extractor::new(&config).unwrap().extract_all(&[article]);
        (x.facts.clone(), x)
    }

    fn triples(facts: &[RawFact]) -> Vec<String> {
        facts
            .iter()
            .map(|f| format!("{} {} {}", f.subject, f.relation, f.object))
            .collect()
    }

    #[test]
    fn lists_descriptions_and_unknown_names() {
        let (facts, _) = run("date 2025-02-14\nThe widget maker reportedly dropped Globex, Contoso-parent Initech and Hooli because of costs, according to The Ledger.");
        assert_eq!(
            triples(&facts),
            vec![
                "Acme dropped Globex",
                "Acme dropped Initech",
                "Acme dropped Hooli"
            ]
        );
        let e = &facts[0].evidence;
        assert_eq!(
            e.qualifiers.get("reason"),
            Some("of costs, according to The Ledger")
        );
        assert!(e.hedged);
        assert_eq!(e.attribution.as_deref(), Some("The Ledger"));
    }

    #[test]
    fn pronouns_resolve_to_the_subject_or_the_salient_entity() {
        let (facts, _) = run("date 2025-02-14\nAcme met Globex on Monday. It dropped Initech. However, the carmaker dropped Hooli.");
        assert_eq!(
            triples(&facts),
            vec![
                "Acme met Globex",
                "Acme dropped Initech",
                "Acme dropped Hooli"
            ]
        );
        // "on Monday" in an article of Friday 2025-02-14.
        assert_eq!(
            facts[0].evidence.date.map(|d| d.to_string()).as_deref(),
            Some("2025-02-10")
        );
    }

    #[test]
    fn a_lone_capitalised_opener_is_a_name_only_if_the_corpus_says_so() {
        let (facts, _) = run("date 2025-02-14\nGlobex dropped Initech. Acme met Globex on Friday.");
        assert_eq!(
            triples(&facts),
            vec!["Globex dropped Initech", "Acme met Globex"]
        );
        let (facts, _) = run("date 2025-02-14\nYesterday dropped Initech.");
        assert!(facts.is_empty(), "{:?}", triples(&facts));
    }

    #[test]
    fn aliases_ending_in_punctuation_and_short_names_merge() {
        let (_, x) = run("date 2025-02-14\nAcme Corp. met Globex Industries on Friday in the U.S. market. Acme dropped Globex.");
        assert!(
            x.entities.contains_key("United States"),
            "{:?}",
            x.entities.keys()
        );
        assert!(x.entities.contains_key("Globex Industries"));
        assert!(
            !x.entities.contains_key("Globex"),
            "short name merged into the full one"
        );
        assert_eq!(
            triples(&x.facts),
            vec![
                "Acme met Globex Industries",
                "Acme dropped Globex Industries"
            ]
        );
    }

    #[test]
    fn an_acronym_is_the_one_name_it_abbreviates() {
        assert_eq!(
            acronym("Committee on Foreign Investment in the United States").as_deref(),
            Some("CFIUS")
        );
        assert_eq!(
            acronym("Competition and Markets Authority").as_deref(),
            Some("CMA")
        );
        assert_eq!(acronym("Dana Whitfield"), None);
        assert_eq!(acronym("U.S. Widget Corp"), None);
        let names = ["Federal Aviation Administration", "FAA", "Northwind", "NW"];
        let map = Extractor::short_name_targets(names.iter().copied());
        assert_eq!(
            map.get("FAA").map(String::as_str),
            Some("Federal Aviation Administration")
        );
        assert!(!map.contains_key("NW"));
    }

    #[test]
    fn every_rule_that_never_fired_is_reported() {
        let config = Config::parse(CONFIG).unwrap();
        let ex = Extractor::new(&config).unwrap();
        let (_, x) = run("date 2025-02-14\nAcme dropped Globex.");
        assert_eq!(ex.silent_rules(&x.rule_hits), vec!["met.on".to_string()]);
    }
}
