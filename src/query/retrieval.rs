//! The quotes tier: when no fact fits, the articles' own sentences answer,
//! quoted as they stand and marked as such, never as extracted facts.
//!
//! A sentence answers only if it holds what the question asks:
//!
//! 1. **Relation-aware first.** The question's relation (its `ask` words,
//!    or the intent's relations) expanded through the relation's triggers,
//!    so "drop" finds "ruled out" and "passed on"; the entity asked about
//!    must be the one acted on ("Globex was ruled out"), not a bystander
//!    ("dropped Globex while Initech stayed in talks").
//! 2. **Then by words.** Stemmed content words weighted by rarity, every
//!    named entity present; a sentence that expresses the question's
//!    relation about someone else is never taken this way.
//!
//! Both need the answer type (a date for "when", a figure for "how much",
//! a person or company for "who", a reason for "why", following into the
//! next sentence when the reason continues there), and a modal or
//! conditional sentence never answers a question about what happened.

use std::collections::HashSet;

use crate::extract::mentions::fold;
use crate::extract::SentenceInfo;

use super::answer::{Answer, Basis, Item};
use super::ctx::Ctx;
use super::index::{acted_on, contrast_asserts, spans_of};
use super::intent::Need;
use super::understand::{word_spans, Understanding};

/// How quoted answers open, in text, JSON and embeds.
pub const LEAD: &str = "From the articles' own words (no extracted fact):";

/// Words that introduce what someone said or reported.
const SPEECH: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "according",
    "reported",
    "reports",
    "wrote",
    "writes",
    "noted",
    "added",
    "stated",
    "explained",
    "believes",
    "expects",
    "argued",
    "commented",
];

/// A ranked sentence.
#[derive(Debug, Clone)]
struct Hit {
    doc: u32,
    score: f64,
    /// Entities in the sentence the question did not name.
    new_entities: Vec<String>,
    /// The next sentence carries the reason.
    continued: bool,
}

/// What the question names and asks, prepared once.
struct Query<'u> {
    u: &'u Understanding,
    need: Need,
    /// Relations (config positions) the question is about.
    relations: Vec<usize>,
    /// Content words, the relation's own words left out.
    content: Vec<String>,
    /// The question's words that name the relation ("drop", "revenue").
    covered: Vec<String>,
    /// Named things that are not places.
    named: Vec<&'u str>,
    /// What the question is really about: the named things but the
    /// story's actor, which most sentences leave implicit.
    focus: Vec<&'u str>,
    /// Whether each focus entity is acted on in the question ("why was X
    /// dropped", "why did A drop X") rather than acting.
    patient: Vec<bool>,
}

impl<'u> Query<'u> {
    fn new(ctx: &Ctx<'_>, u: &'u Understanding, need: Need, relations: &[String]) -> Query<'u> {
        let rel_pos: Vec<usize> = relations
            .iter()
            .filter_map(|r| ctx.config.relations.iter().position(|x| &x.name == r))
            .collect();
        let triggers: Vec<_> = ctx
            .index
            .triggers_in(&u.lower, true)
            .into_iter()
            .filter(|(t, _)| rel_pos.contains(&t.relation))
            .collect();
        let mut covered: HashSet<String> = HashSet::new();
        for (_, (s, e)) in &triggers {
            let part = &u.lower[*s..*e];
            for (a, b) in word_spans(part) {
                covered.insert(ctx.lexicon.term(&part[a..b]));
            }
        }
        let content = u
            .terms
            .iter()
            .filter(|t| !covered.contains(*t))
            .cloned()
            .collect();
        let mut covered: Vec<String> = covered.into_iter().collect();
        covered.sort();
        let mut named: Vec<&str> = Vec::new();
        for e in u.entities.iter().filter(|e| e.kind != "PLACE") {
            if !named.contains(&e.name.as_str()) {
                named.push(e.name.as_str());
            }
        }
        let actor = ctx.facts.actor();
        let mut focus: Vec<&str> = named.iter().copied().filter(|n| *n != actor).collect();
        if focus.is_empty() {
            focus = named.clone();
        }
        let mentions: Vec<(String, (usize, usize))> = u
            .entities
            .iter()
            .map(|e| (e.name.clone(), e.span))
            .collect();
        let patient = focus
            .iter()
            .map(|n| {
                triggers
                    .iter()
                    .any(|(_, span)| acted_on(&u.lower, *span, n, &mentions))
                    // No relation word in the question ("who was the first
                    // partner of X"): X is what it is about.
                    || triggers.is_empty()
            })
            .collect();
        Query {
            u,
            need,
            relations: rel_pos,
            content,
            covered,
            named,
            focus,
            patient,
        }
    }
}

/// The quotes tier for a question: the best sentences that hold what it
/// asks, or not answered.
pub fn answer(ctx: &Ctx<'_>, u: &Understanding, need: Need, relations: &[String]) -> Answer {
    let q = Query::new(ctx, u, need, relations);
    let mut hits = by_relation(ctx, &q);
    if hits.is_empty() {
        hits = by_words(ctx, &q);
    }
    quoted(ctx, &q, hits)
}

/// The sentences quoting or citing a speaker, and the lede of an outlet's
/// own articles: what X said or reported, when no fact holds it.
pub fn attributed(ctx: &Ctx<'_>, speaker: &str, about: &[&str]) -> Answer {
    let mut ans = ctx.answer("quotes");
    let mut docs: Vec<(bool, u32)> = Vec::new();
    for &d in ctx.index.entity_docs(speaker) {
        let (a, s) = ctx.index.doc(d);
        let lower = ctx.articles[a].sentences[s].norm.to_lowercase();
        let speech = lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| SPEECH.contains(&w));
        if !speech {
            continue;
        }
        let on_topic = ctx
            .facts
            .sentence_info(a, s)
            .is_some_and(|i| about.iter().all(|x| i.entities.iter().any(|e| **e == **x)));
        docs.push((!on_topic, d));
        if docs.len() >= 50 {
            break;
        }
    }
    // An outlet's own articles: their first sentences are what it reported.
    let names = ctx.lexicon.aliases_of(speaker);
    for (ai, a) in ctx.articles.iter().enumerate() {
        if docs.len() >= 50 {
            break;
        }
        let Some(o) = a.outlet.as_deref().map(fold) else {
            continue;
        };
        if !names.contains(&o) && o != fold(speaker) {
            continue;
        }
        for s in a.sentences.iter().filter(|s| !s.heading).take(2) {
            if let Some(d) = ctx.index.doc_of(ai, s.index) {
                docs.push((false, d));
            }
        }
    }
    docs.sort();
    docs.dedup_by_key(|x| x.1);
    for (_, d) in docs.into_iter().take(3) {
        let (a, s) = ctx.index.doc(d);
        let c = ctx.cite_sentence(&mut ans, a, s);
        ans.items.push(Item {
            text: format!("\"{}\"", ctx.articles[a].sentences[s].text),
            cites: vec![c],
        });
    }
    ans.headline = format!("{LEAD} what {speaker} said or reported");
    ans.settle(Basis::Quotes)
}

/// Candidates that express one of the question's relations and mention
/// every focus entity in the role the question gives it.
fn by_relation(ctx: &Ctx<'_>, q: &Query<'_>) -> Vec<Hit> {
    if q.relations.is_empty() {
        return Vec::new();
    }
    // Every focus entity's sentences, and any of the relation's: a
    // relation with event classes shows in the sentences giving any of its
    // forms; one without, in those with the question's own words for it.
    let entities: Vec<&[u32]> = q.focus.iter().map(|e| ctx.index.entity_docs(e)).collect();
    let mut relation: Vec<&[u32]> = Vec::new();
    for &r in &q.relations {
        if ctx.index.expanded(r) {
            relation.push(ctx.index.relation_docs(r));
        } else {
            relation.extend(q.covered.iter().map(|t| ctx.index.postings(t)));
        }
    }
    relation.retain(|l| !l.is_empty());
    if relation.is_empty() || entities.iter().any(|l| l.is_empty()) {
        return Vec::new();
    }
    let terms = Terms::new(ctx, q, &q.content);
    let must = terms.must();
    let in_all = |d: u32| {
        entities.iter().all(|l| l.binary_search(&d).is_ok())
            && relation.iter().any(|l| l.binary_search(&d).is_ok())
            && must.as_ref().map_or(true, |m| m.contains(d))
    };
    // Walk the shortest list; the others are looked up.
    let relation_len: usize = relation.iter().map(|r| r.len()).sum();
    let mut driver: Vec<&[u32]> = relation.clone();
    let mut len = relation_len;
    if let Some(l) = entities.iter().min_by_key(|l| l.len()) {
        if l.len() < len {
            driver = vec![*l];
            len = l.len();
        }
    }
    let docs: Box<dyn Iterator<Item = u32>> = match &must {
        Some(m) if m.shorter_than(len) => Box::new(m.iter()),
        _ => Box::new(driver.iter().flat_map(|l| l.iter().copied())),
    };
    let mut seen = HashSet::new();
    let mut hits = Vec::new();
    let several = driver.len() > 1;
    for d in docs.take(MAX_SCANNED) {
        if several && !seen.insert(d) {
            continue;
        }
        if !in_all(d) {
            continue;
        }
        if let Some(hit) = check(ctx, q, d, &terms, 3.0) {
            hits.push(hit);
        }
    }
    // Roles cost a look at the sentence's words: only for the best.
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    let mut kept = Vec::new();
    for h in hits.into_iter().take(MAX_ROLE_CHECKS) {
        if in_role(ctx, q, h.doc) {
            kept.push(h);
            if kept.len() == 2 {
                break;
            }
        }
    }
    rank(kept)
}

/// Candidate sentences looked at per question, at most: on a large corpus
/// a popular name and relation share tens of thousands, and the first few
/// thousand (in corpus order) hold answers as surely as all would.
const MAX_SCANNED: usize = 800;
/// Sentences whose roles are read per question, best first.
const MAX_ROLE_CHECKS: usize = 40;

/// Candidates by content words and names, for questions whose relation no
/// sentence expresses in words the index knows.
fn by_words(ctx: &Ctx<'_>, q: &Query<'_>) -> Vec<Hit> {
    if q.u.terms.is_empty() {
        return Vec::new();
    }
    // Candidates: sentences with every named thing but the actor (a more
    // specific name counts: "Gizmo Pro" for "Gizmo") and with enough of
    // the rarest words to reach the threshold.
    let weighted = Terms::new(ctx, q, &q.u.terms);
    let actor = ctx.facts.actor();
    let required: Vec<&[u32]> = q
        .named
        .iter()
        .filter(|e| **e != actor)
        .map(|e| ctx.index.entity_docs(e))
        .collect();
    let must = weighted.must().unwrap_or_default();
    let first: Box<dyn Iterator<Item = u32>> = match required.iter().min_by_key(|l| l.len()) {
        Some(l) if !must.shorter_than(l.len() + 1) => Box::new(l.iter().copied()),
        _ => Box::new(must.iter()),
    };
    let relation_docs: Vec<&[u32]> = q
        .relations
        .iter()
        .map(|&r| ctx.index.relation_docs(r))
        .collect();
    let verb_docs: Vec<&[u32]> = q.covered.iter().map(|t| ctx.index.postings(t)).collect();
    let mut hits = Vec::new();
    for d in first.take(MAX_SCANNED) {
        if !required.iter().all(|l| l.binary_search(&d).is_ok()) || !must.contains(d) {
            continue;
        }
        // A sentence saying the question's relation of someone else is
        // about someone else.
        if relation_docs.iter().any(|l| l.binary_search(&d).is_ok()) {
            continue;
        }
        // "When did X complete the deal?": the date of a sentence that
        // says something else happened (X was sued) is that event's date.
        if q.need == Need::Date && dated_other_event(ctx, q, d) {
            continue;
        }
        // "Which regulator blocked the deal?": whoever a sentence names is
        // the answer only if it says the question's verb ("would buy" for
        // "who tried to buy"); "subject to approval by regulators" names
        // no one who blocked anything.
        if q.need == Need::Entity
            && !verb_docs.is_empty()
            && !verb_docs.iter().any(|l| l.binary_search(&d).is_ok())
        {
            continue;
        }
        let Some(hit) = check(ctx, q, d, &weighted, 0.0) else {
            continue;
        };
        hits.push(hit);
        if hits.len() >= 200 {
            break;
        }
    }
    rank(hits)
}

/// The share of a question's word weight a sentence must hold: most of
/// what it asks, not every filler verb of a long yes/no question.
const WORD_SHARE: f64 = 0.4;

/// A question's terms with their sentences and weights, looked up once.
struct Terms<'i> {
    lists: Vec<(&'i [u32], f64)>,
    /// Each term's share of `total`.
    weights: Vec<f64>,
    /// The weight they can reach, for the "mostly there" threshold; a word
    /// the corpus never uses still counts.
    total: f64,
    /// "in China" as a word ("Chinese"), per place.
    within: Vec<&'i [u32]>,
}

impl<'i> Terms<'i> {
    fn new(ctx: &Ctx<'i>, q: &Query<'_>, terms: &[String]) -> Terms<'i> {
        let index: &'i super::index::Index = ctx.index;
        Terms {
            lists: terms
                .iter()
                .map(|t| (index.postings(t), index.idf(t)))
                .collect(),
            weights: terms
                .iter()
                .map(|t| index.idf(t).max(index.max_idf() * 0.5))
                .collect(),
            total: terms
                .iter()
                .map(|t| index.idf(t).max(index.max_idf() * 0.5))
                .sum(),
            within: q
                .u
                .within
                .iter()
                .map(|p| index.postings(&ctx.lexicon.term(&p.to_lowercase())))
                .collect(),
        }
    }
}

impl<'i> Terms<'i> {
    /// The sentences that can reach the threshold at all: whatever passes
    /// has one of the rarest terms whose weights pass the rest of the total
    /// (else the others cannot make up [`WORD_SHARE`]). `None` without terms.
    fn must(&self) -> Option<Union<'i>> {
        if self.lists.is_empty() || self.total <= 0.0 {
            return None;
        }
        let mut order: Vec<usize> = (0..self.lists.len()).collect();
        order.sort_by(|&a, &b| self.weights[b].total_cmp(&self.weights[a]));
        let mut acc = 0.0;
        let mut out = Union::default();
        for i in order {
            out.lists.push(self.lists[i].0);
            acc += self.weights[i];
            if acc > (1.0 - WORD_SHARE) * self.total {
                break;
            }
        }
        Some(out)
    }
}

/// Ascending document lists taken together, read in place: on a large
/// corpus a question's rarest words still have tens of thousands of
/// sentences, and merging their lists into one (sorted, deduplicated) was
/// most of the question's time, when a question reads a few hundred.
#[derive(Default)]
struct Union<'i> {
    lists: Vec<&'i [u32]>,
}

impl Union<'_> {
    /// Whether a document is in one of the lists.
    fn contains(&self, d: u32) -> bool {
        self.lists.iter().any(|l| l.binary_search(&d).is_ok())
    }

    /// Whether the union holds fewer than `n` documents, counted only as
    /// far as needed.
    fn shorter_than(&self, n: usize) -> bool {
        if self.lists.iter().any(|l| l.len() >= n) {
            return false;
        }
        if self.lists.iter().map(|l| l.len()).sum::<usize>() < n {
            return true;
        }
        self.iter().take(n).count() < n
    }

    /// The documents ascending, each once (a merge of the lists).
    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut at = vec![0usize; self.lists.len()];
        std::iter::from_fn(move || {
            let next = self
                .lists
                .iter()
                .zip(&at)
                .filter_map(|(l, &i)| l.get(i).copied())
                .min()?;
            for (l, i) in self.lists.iter().zip(at.iter_mut()) {
                if l.get(*i) == Some(&next) {
                    *i += 1;
                }
            }
            Some(next)
        })
    }
}

/// Scores one candidate, or refuses it: the answer type present, not
/// modal for what happened, words mostly there, places as asked.
fn check(ctx: &Ctx<'_>, q: &Query<'_>, d: u32, terms: &Terms<'_>, base: f64) -> Option<Hit> {
    let (article, sentence) = ctx.index.doc(d);
    let info = ctx.facts.sentence_info(article, sentence)?;
    // The cheap refusals first: a large corpus offers thousands.
    let quick = match q.need {
        Need::Date => info.has_date,
        Need::Figure => info.has_figure,
        Need::Money => info.has_money,
        _ => true,
    };
    if !quick {
        return None;
    }
    let mut score = base;
    let mut matched = 0;
    for (list, idf) in &terms.lists {
        if list.binary_search(&d).is_ok() {
            score += idf;
            matched += 1;
        }
    }
    let words = score - base;
    if terms.total > 0.0 && words < WORD_SHARE * terms.total {
        return None;
    }
    if base == 0.0 && matched == 0 {
        return None;
    }
    if q.u.happened && modal(ctx, q, info, article, sentence) {
        return None;
    }
    // "in China" needs China in the sentence, by name or by word.
    if q.u.within.iter().zip(&terms.within).any(|(p, list)| {
        !info.entities.iter().any(|e| **e == **p) && list.binary_search(&d).is_err()
    }) {
        return None;
    }
    if q.u
        .outside
        .iter()
        .any(|p| info.entities.iter().any(|e| **e == **p))
    {
        return None;
    }
    // Entities the question does not name (kinds that can answer "who").
    let is_new = |e: &str| {
        !q.u.entities.iter().any(|x| x.name == e)
            && ctx
                .facts
                .entities()
                .get(e)
                .is_some_and(|x| !matches!(x.kind.as_str(), "PLACE" | "OUTLET"))
    };
    let mut continued = false;
    let ok = match q.need {
        Need::Any => true,
        Need::Date => info.has_date,
        Need::Figure => info.has_figure,
        Need::Money => info.has_money,
        Need::Entity => info.entities.iter().any(|e| is_new(e)),
        Need::Reason => {
            if ctx.index.gives_reason(d) {
                true
            } else {
                continued = ctx
                    .index
                    .doc_of(article, sentence + 1)
                    .is_some_and(|n| ctx.index.gives_reason(n));
                continued
            }
        }
    };
    if !ok {
        return None;
    }
    let new_entities = if q.need == Need::Entity {
        info.entities
            .iter()
            .filter(|e| is_new(e))
            .map(|e| e.to_string())
            .collect()
    } else {
        Vec::new()
    };
    let present = q
        .named
        .iter()
        .filter(|e| info.entities.iter().any(|x| **x == ***e))
        .count();
    let places =
        q.u.entities
            .iter()
            .filter(|e| e.kind == "PLACE" && info.entities.iter().any(|x| **x == *e.name))
            .count();
    Some(Hit {
        doc: d,
        score: score + present as f64 + places as f64 * 0.3 - f64::from(u8::from(continued)) * 0.5,
        new_entities,
        continued,
    })
}

/// Whether a sentence states, as fact, an event of another relation than
/// the question's (or what it reports): its date is that event's.
fn dated_other_event(ctx: &Ctx<'_>, q: &Query<'_>, d: u32) -> bool {
    let (article, sentence) = ctx.index.doc(d);
    let Some(info) = ctx.facts.sentence_info(article, sentence) else {
        return false;
    };
    // The question's relations, and what they report: the date of "X agreed
    // to buy Y" answers when the deal was announced.
    let ours = |class: &str| {
        q.relations.iter().any(|&r| {
            let rel = &ctx.config.relations[r];
            rel.name == class
                || rel
                    .events
                    .iter()
                    .any(|e| e.reports.iter().any(|x| x == class))
        })
    };
    info.events
        .iter()
        .any(|e| !e.modal && !e.negated && !ours(&e.class))
}

/// Whether a sentence says only what would, could or might happen: its
/// events of the question's relations when the language layer found any,
/// else its main clause.
fn modal(
    ctx: &Ctx<'_>,
    q: &Query<'_>,
    info: &SentenceInfo,
    article: usize,
    sentence: usize,
) -> bool {
    let mut events = info
        .events
        .iter()
        .filter(|e| {
            q.relations
                .iter()
                .any(|&r| *ctx.config.relations[r].name == *e.class)
        })
        .peekable();
    let modal = if events.peek().is_some() {
        events.all(|e| e.modal)
    } else if !info.modal_spans.is_empty() {
        // No event of the relation: the relation's words, where they stand
        // only inside modal or conditional clauses ("once it has been
        // cleared by regulators"), say nothing happened.
        let norm = &ctx.articles[article].sentences[sentence].norm;
        let lower = norm.to_lowercase();
        let spans: Vec<(usize, usize)> = if lower.len() == norm.len() {
            ctx.index
                .triggers_in(&lower, false)
                .into_iter()
                .filter(|(t, _)| q.relations.contains(&t.relation))
                .map(|(_, span)| span)
                .collect()
        } else {
            Vec::new()
        };
        let inside =
            |&(a, b): &(usize, usize)| info.modal_spans.iter().any(|&(s, e)| s <= a && b <= e);
        (!spans.is_empty() && spans.iter().all(inside)) || ctx.index.is_modal(article, sentence)
    } else {
        ctx.index.is_modal(article, sentence)
    };
    modal
        && !contrast_asserts(
            &ctx.articles[article].sentences[sentence]
                .norm
                .to_lowercase(),
        )
}

/// Whether each focus entity has, in this sentence, the role the question
/// gives it: acted on by one of the relation's triggers, or acting.
fn in_role(ctx: &Ctx<'_>, q: &Query<'_>, d: u32) -> bool {
    // Roles come with verbs: a relation without event classes is shown by
    // the question's own words, often nouns ("regulator"), which act on
    // nothing; its sentences need only name the entities.
    if !q.relations.iter().any(|&r| ctx.index.expanded(r)) {
        return true;
    }
    let (article, sentence) = ctx.index.doc(d);
    let Some(info) = ctx.facts.sentence_info(article, sentence) else {
        return false;
    };
    let lower = ctx.articles[article].sentences[sentence]
        .norm
        .to_lowercase();
    let mut triggers: Vec<(usize, usize)> = ctx
        .index
        .triggers_in(&lower, false)
        .into_iter()
        .filter(|(t, _)| q.relations.contains(&t.relation))
        .map(|(_, span)| span)
        .collect();
    // Relations without event classes show by the question's own words.
    triggers.extend(
        word_spans(&lower)
            .into_iter()
            .filter(|&(a, b)| q.covered.contains(&ctx.lexicon.term(&lower[a..b]))),
    );
    // The language layer's events say who did what outright.
    let events: Vec<_> = info
        .events
        .iter()
        .filter(|e| {
            q.relations
                .iter()
                .any(|&r| *ctx.config.relations[r].name == *e.class)
        })
        .collect();
    let mentions: Vec<(String, (usize, usize))> = info
        .entities
        .iter()
        .flat_map(|e| {
            spans_of(&lower, ctx.lexicon.aliases_of(e))
                .into_iter()
                .map(move |sp| (e.to_string(), sp))
        })
        .collect();
    q.focus.iter().zip(&q.patient).all(|(e, patient)| {
        let here = mentions.iter().any(|(n, _)| n == e);
        if !here {
            // Named through a pronoun or a description only: the sentence
            // may still be about it, but not as surely.
            return false;
        }
        let by_event = events.iter().any(|ev| {
            if *patient {
                ev.patients.iter().any(|p| **p == **e)
            } else {
                ev.agent.as_deref() == Some(*e)
            }
        });
        if by_event {
            return true;
        }
        if *patient {
            triggers
                .iter()
                .any(|span| acted_on(&lower, *span, e, &mentions))
        } else {
            // Acting: named before the trigger and not acted on by it.
            triggers.iter().any(|span| {
                mentions
                    .iter()
                    .any(|(n, (_, end))| n == e && *end <= span.0)
                    && !acted_on(&lower, *span, e, &mentions)
            })
        }
    })
}

fn rank(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
    hits.truncate(2);
    hits
}

/// The answer from ranked sentences: the best, and the runner-up when it
/// is nearly as good; a sentence whose reason continues brings the next.
fn quoted(ctx: &Ctx<'_>, q: &Query<'_>, hits: Vec<Hit>) -> Answer {
    let mut ans = ctx.answer("retrieval");
    let Some(best) = hits.first() else {
        return ans;
    };
    let best_score = best.score;
    for h in hits.iter().filter(|h| h.score >= best_score * 0.8) {
        let (a, s) = ctx.index.doc(h.doc);
        let mut cites = vec![ctx.cite_sentence(&mut ans, a, s)];
        let mut text = format!("\"{}\"", ctx.articles[a].sentences[s].text);
        if h.continued {
            cites.push(ctx.cite_sentence(&mut ans, a, s + 1));
            text.push_str(&format!(" \"{}\"", ctx.articles[a].sentences[s + 1].text));
        }
        ans.items.push(Item { text, cites });
    }
    // The answer type, when the sentence gives it in a form of its own:
    // the names for "who", the date (resolved) for "when".
    let (a, s) = ctx.index.doc(best.doc);
    let date = ctx
        .facts
        .sentence_info(a, s)
        .and_then(|i| i.dates.iter().find(|d| d.is_full()).or(i.dates.first()))
        .map(|d| d.to_string());
    ans.headline = match (q.need, date) {
        (Need::Entity, _) if !best.new_entities.is_empty() => {
            format!("{LEAD} {}", best.new_entities.join(", "))
        }
        (Need::Date, Some(d)) => format!("{LEAD} {d}"),
        _ => LEAD.to_string(),
    };
    ans.settle(Basis::Quotes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_union_reads_as_its_lists_merged() {
        let a = [1u32, 4, 7, 9];
        let b = [2u32, 4, 9, 12, 15];
        let c = [4u32];
        let union = Union {
            lists: vec![&a[..], &b[..], &c[..]],
        };
        let mut merged: Vec<u32> = a.iter().chain(&b).chain(&c).copied().collect();
        merged.sort_unstable();
        merged.dedup();
        assert_eq!(union.iter().collect::<Vec<_>>(), merged);
        for n in 0..12 {
            assert_eq!(union.shorter_than(n), merged.len() < n, "{n}");
        }
        for d in 0..16 {
            assert_eq!(union.contains(d), merged.contains(&d), "{d}");
        }
        let empty = Union::default();
        assert_eq!(empty.iter().count(), 0);
        assert!(empty.shorter_than(1) && !empty.shorter_than(0));
    }
}
