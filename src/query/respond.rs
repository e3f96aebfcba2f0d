//! Answer builders for questions about relations: list, reason, date,
//! place, who, yes/no and numbers. Each reads facts, cites their evidence,
//! and fills an [`Answer`]; none invents text beyond joining what the facts
//! hold. Whole-story views live in `story`, the fallback in `retrieval`.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::config::Config;
use crate::corpus::Article;
use crate::extract::Evidence;
use crate::facts::{Fact, FactTable};

use super::answer::{Answer, Citation, Item};
use super::retrieval::Index;
use super::understand::{word_spans, Lexicon, Understanding};

/// Everything a builder reads.
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
}

/// Tables every answer needs, built once at start-up rather than per
/// question (on a 14 MB corpus rebuilding them cost milliseconds a question).
#[derive(Debug, Default)]
pub struct Lookups {
    by_id: HashMap<String, usize>,
    fact_terms: Vec<HashSet<String>>,
    object_terms: Vec<Vec<String>>,
    fact_entities: Vec<BTreeSet<String>>,
}

impl Lookups {
    /// Indexes articles by file name and each fact's words and entities.
    pub fn build(facts: &FactTable, articles: &[Article], lexicon: &Lexicon) -> Lookups {
        let by_id: HashMap<String, usize> = articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        let mut object_terms = Vec::with_capacity(facts.len());
        let mut fact_terms = Vec::with_capacity(facts.len());
        let mut fact_entities = Vec::with_capacity(facts.len());
        for f in facts.all() {
            let mut terms = HashSet::new();
            let mut ents = BTreeSet::new();
            let mut sentences = HashSet::new();
            for e in &f.evidence {
                let Some(&ai) = by_id.get(&e.source) else {
                    continue;
                };
                if !sentences.insert((ai, e.sentence)) {
                    continue;
                }
                let lower = e.quote.to_lowercase();
                for (s, en) in word_spans(&lower) {
                    terms.insert(lexicon.term(&lower[s..en]));
                }
                if let Some(info) = facts.sentence_info(ai, e.sentence) {
                    ents.extend(info.entities.iter().cloned());
                }
            }
            fact_terms.push(terms);
            fact_entities.push(ents);
            let object = f.object.to_lowercase();
            object_terms.push(
                word_spans(&object)
                    .into_iter()
                    .map(|(s, e)| lexicon.term(&object[s..e]))
                    .collect(),
            );
        }
        Lookups {
            by_id,
            fact_terms,
            object_terms,
            fact_entities,
        }
    }
}

/// Citations per item, at most.
pub(super) const CITES_PER_ITEM: usize = 3;
/// Items per answer before "and N more" (the renderers shorten further).
const MAX_ITEMS: usize = 12;

impl<'a> Ctx<'a> {
    /// A context over precomputed tables.
    pub fn new(
        facts: &'a FactTable,
        articles: &'a [Article],
        config: &'a Config,
        lexicon: &'a Lexicon,
        index: &'a Index,
        lookups: &'a Lookups,
    ) -> Ctx<'a> {
        Ctx {
            facts,
            articles,
            config,
            lexicon,
            index,
            lookups,
        }
    }

    pub(super) fn cite_sentence(&self, ans: &mut Answer, article: usize, sentence: usize) -> usize {
        let a = &self.articles[article];
        ans.cite(Citation {
            n: 0,
            source: a.id.clone(),
            title: a.title.clone(),
            outlet: a.outlet.clone(),
            date: a.date,
            url: a.url.clone(),
            quote: a.sentences[sentence].text.clone(),
        })
    }

    pub(super) fn cite(&self, ans: &mut Answer, e: &Evidence) -> Option<usize> {
        let ai = *self.lookups.by_id.get(e.source.as_str())?;
        Some(self.cite_sentence(ans, ai, e.sentence))
    }

    /// Cites up to `max` pieces of evidence, one per article first.
    pub(super) fn cite_fact(&self, ans: &mut Answer, f: &Fact, max: usize) -> Vec<usize> {
        // Running text before headlines (a headline states; a sentence also
        // says who, when and why), one article each first. Each pass stops
        // as soon as it has enough: a fact may rest on thousands of sentences.
        let heading = |e: &Evidence| {
            self.lookups
                .by_id
                .get(e.source.as_str())
                .and_then(|&ai| self.articles[ai].sentences.get(e.sentence))
                .is_some_and(|s| s.heading)
        };
        let mut chosen: Vec<&Evidence> = Vec::new();
        let mut seen = BTreeSet::new();
        for e in &f.evidence {
            if chosen.len() >= max {
                break;
            }
            if !heading(e) && seen.insert(e.source.as_str()) {
                chosen.push(e);
            }
        }
        for want_heading in [false, true] {
            for e in &f.evidence {
                if chosen.len() >= max {
                    break;
                }
                if heading(e) == want_heading && !chosen.iter().any(|c| std::ptr::eq(*c, e)) {
                    chosen.push(e);
                }
            }
        }
        let mut out: Vec<usize> = chosen
            .into_iter()
            .filter_map(|e| self.cite(ans, e))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Entities mentioned in the sentences that state a fact.
    pub(super) fn fact_entities(&self, f: &Fact) -> &'a BTreeSet<String> {
        static EMPTY: BTreeSet<String> = BTreeSet::new();
        self.lookups
            .fact_entities
            .get(self.facts.position(f))
            .unwrap_or(&EMPTY)
    }

    /// How well a fact matches the question's content words: a word in the
    /// fact's own object ("stock" in "Acme stock rose") counts three
    /// times, a word elsewhere in its sentences once.
    pub(super) fn relevance(&self, f: &Fact, u: &Understanding) -> usize {
        let at = self.facts.position(f);
        let (Some(words), Some(object_terms)) = (
            self.lookups.fact_terms.get(at),
            self.lookups.object_terms.get(at),
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
    fn place_filter<'f>(&self, facts: Vec<&'f Fact>, u: &Understanding) -> Vec<&'f Fact> {
        let mut out = facts;
        if !u.outside.is_empty() {
            let kept: Vec<&Fact> = out
                .iter()
                .copied()
                .filter(|f| {
                    let ents = self.fact_entities(f);
                    !u.outside.iter().any(|p| {
                        ents.contains(p)
                            || f.qualifiers
                                .values()
                                .flatten()
                                .any(|v| v.contains(p.as_str()))
                    })
                })
                .collect();
            out = kept;
        }
        if !u.within.is_empty() {
            // Named ("China") or as a word ("Chinese regulations").
            let mentions = |f: &Fact, p: &String| {
                self.fact_entities(f).contains(p.as_str())
                    || self
                        .lookups
                        .fact_terms
                        .get(self.facts.position(f))
                        .is_some_and(|t| t.contains(&self.lexicon.term(&p.to_lowercase())))
            };
            let kept: Vec<&Fact> = out
                .iter()
                .copied()
                .filter(|f| u.within.iter().all(|p| mentions(f, p)))
                .collect();
            // No fact names the place: if they name other places, the
            // question is about somewhere the articles do not cover.
            let elsewhere = out.iter().any(|f| {
                f.qualifiers
                    .get("place")
                    .into_iter()
                    .flatten()
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
        let rel = self.config.relations.iter().find(|r| r.name == f.relation);
        let label = rel.map_or(f.relation.as_str(), |r| r.label.as_str());
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
        let subject = if f.subject.is_empty() {
            "It (source unnamed)"
        } else {
            f.subject.as_str()
        };
        let mut out = template
            .replace("{subject}", subject)
            .replace("{label}", label)
            .replace("{object}", &f.object);
        for (k, v) in &f.qualifiers {
            out = out.replace(&format!("{{{k}}}"), v.first().map_or("", |s| s.as_str()));
        }
        // Qualifiers the fact does not have leave their braces: drop them.
        let mut clean = String::new();
        let mut skip = false;
        for c in out.chars() {
            match c {
                '{' => skip = true,
                '}' => skip = false,
                c if !skip => clean.push(c),
                _ => {}
            }
        }
        let words: Vec<&str> = clean.split_whitespace().collect();
        let mut s = words.join(" ");
        if f.hedged && !s.is_empty() {
            s.push_str(" (reportedly)");
        }
        s
    }

    /// Extra detail for list items: role, reasons, date, place.
    fn details(&self, f: &Fact, used: &[&str]) -> String {
        let mut parts = Vec::new();
        if let Some(role) = f.qualifier("role").filter(|_| !used.contains(&"role")) {
            parts.push(format!("as {role}"));
        }
        let reasons: Vec<&String> = f
            .qualifiers
            .get("reason")
            .into_iter()
            .flatten()
            .chain(f.qualifiers.get("because").into_iter().flatten())
            .collect();
        if !reasons.is_empty() && !used.contains(&"reason") {
            let shown: Vec<String> = reasons.iter().take(3).map(|r| r.to_string()).collect();
            parts.push(format!("reason: {}", shown.join("; ")));
        }
        if let Some(d) = f
            .event_date()
            .filter(|d| d.is_full() && !used.contains(&"date"))
        {
            parts.push(format!("{d}"));
        }
        let mut at = Vec::new();
        if let Some(e) = f.qualifier("event") {
            at.push(e.to_string());
        }
        if let Some(p) = f.qualifier("place") {
            at.push(p.to_string());
        }
        if !at.is_empty() && !used.contains(&"place") {
            parts.push(format!("at {}", at.join(", ")));
        }
        if f.hedged {
            parts.push("reportedly".into());
        }
        parts.push(format!(
            "{} source{}",
            f.sources,
            if f.sources == 1 { "" } else { "s" }
        ));
        format!(" ({})", parts.join("; "))
    }

    pub(super) fn add_disagreements(&self, ans: &mut Answer, facts: &[&Fact]) {
        for f in facts {
            for d in &f.disagreements {
                if d.what == "reason" && ans.intent != "reason" {
                    continue;
                }
                // A few values, each with the sentences that give it: on a
                // large corpus a fact can have hundreds of variants.
                const VALUES: usize = 4;
                let mut sides = Vec::new();
                for (value, sources) in d.values.iter().take(VALUES) {
                    let gives = |e: &&Evidence| {
                        sources.contains(&e.source)
                            && if d.what == "date" {
                                e.date.map(|x| x.to_string()).as_deref() == Some(value.as_str())
                            } else {
                                e.qualifiers
                                    .get(&d.what)
                                    .is_some_and(|v| v.eq_ignore_ascii_case(value))
                            }
                    };
                    let mut c: Vec<usize> = f
                        .evidence
                        .iter()
                        .filter(gives)
                        .take(2)
                        .filter_map(|e| self.cite(ans, e))
                        .collect();
                    c.sort();
                    c.dedup();
                    sides.push(format!("{value} {}", super::answer::markers(&c).trim()));
                }
                if d.values.len() > VALUES {
                    sides.push(format!("and {} more", d.values.len() - VALUES));
                }
                ans.disagreements.push(Item {
                    text: format!(
                        "{}: the {} differs between articles: {}",
                        self.sentence(f),
                        d.what,
                        sides.join(" vs ")
                    ),
                    cites: Vec::new(),
                });
            }
            for other in self.facts.conflicting(f) {
                let a = self.cite_fact(ans, f, 2);
                let b = self.cite_fact(ans, other, 2);
                let text = format!(
                    "{} {} but {} {}",
                    self.sentence(f),
                    super::answer::markers(&a).trim(),
                    self.sentence(other),
                    super::answer::markers(&b).trim()
                );
                if !ans.disagreements.iter().any(|d| d.text == text) {
                    ans.disagreements.push(Item {
                        text,
                        cites: Vec::new(),
                    });
                }
            }
        }
    }
}

fn named(u: &Understanding) -> Vec<&str> {
    u.entities
        .iter()
        .filter(|e| e.kind != "PLACE")
        .map(|e| e.name.as_str())
        .collect()
}

/// Facts of the given relations that involve the question's entities: all
/// of them if some fact has them all, else any. When no fact involves them
/// and they are only things (products, places, events), the relation's
/// facts stand on their own ("which model will power the product?").
fn involving<'f>(ctx: &Ctx<'f>, relations: &[String], u: &Understanding) -> Vec<&'f Fact> {
    let names = named(u);
    let all: Vec<&Fact> = relations
        .iter()
        .flat_map(|r| ctx.facts.relation(r))
        .collect();
    if names.is_empty() {
        return all;
    }
    // A topic object ("a version of Acme Cloud ...") names things
    // inside it; an entity object is only itself ("Acme Pay" is not Acme).
    let is_party = |f: &Fact, n: &str| {
        f.subject == n
            || f.object == n
            || (!ctx.facts.entities().contains_key(&f.object) && f.object.contains(n))
    };
    // The story's actor is implied in most questions; the other names are
    // what the question is really about.
    let actor = ctx.facts.actor();
    let focus: Vec<&str> = names.iter().copied().filter(|n| *n != actor).collect();
    let levels: [&dyn Fn(&Fact) -> bool; 3] = [
        &|f| names.iter().all(|n| is_party(f, n)),
        &|f| {
            focus.iter().all(|n| is_party(f, n))
                && names
                    .iter()
                    .all(|n| is_party(f, n) || ctx.fact_entities(f).contains(*n))
        },
        &|f| {
            if focus.is_empty() {
                names.iter().any(|n| is_party(f, n))
            } else {
                focus.iter().any(|n| is_party(f, n))
            }
        },
    ];
    for level in levels {
        let found: Vec<&Fact> = all.iter().copied().filter(|f| level(f)).collect();
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// [`involving`], and when nothing involves the named things and they are
/// only things (products, places, events), the relation's facts on their
/// own: "which model will power the product?" is about the model.
fn involving_or_things<'f>(
    ctx: &Ctx<'f>,
    relations: &[String],
    u: &Understanding,
) -> Vec<&'f Fact> {
    let found = involving(ctx, relations, u);
    let only_things = u
        .entities
        .iter()
        .all(|e| !matches!(e.kind.as_str(), "ORG" | "PERSON" | "NAME"));
    // Only for relations whose objects are products themselves (a model),
    // not figures or topics.
    let about_products = relations
        .iter()
        .flat_map(|r| ctx.facts.relation(r))
        .any(|f| {
            ctx.facts
                .entities()
                .get(&f.object)
                .is_some_and(|e| e.kind == "PRODUCT")
        });
    if found.is_empty() && only_things && about_products && !named(u).is_empty() {
        relations
            .iter()
            .flat_map(|r| ctx.facts.relation(r))
            .collect()
    } else {
        found
    }
}

pub(super) fn finish(ans: &mut Answer) {
    if ans.items.len() > MAX_ITEMS {
        let more = ans.items.len() - MAX_ITEMS;
        ans.items.truncate(MAX_ITEMS);
        ans.items.push(Item {
            text: format!("and {more} more"),
            cites: Vec::new(),
        });
    }
    ans.answered = !ans.items.is_empty();
}

/// Lists the entities on the other side of the question's entity.
pub fn list(
    ctx: &Ctx<'_>,
    ans: &mut Answer,
    relations: &[String],
    u: &Understanding,
    want_subjects: bool,
) {
    let names = named(u);
    // Relations in order: the first that has matching facts answers.
    let mut facts: Vec<&Fact> = Vec::new();
    let mut used = relations.first();
    for r in relations {
        facts = ctx.place_filter(involving_or_things(ctx, std::slice::from_ref(r), u), u);
        if !facts.is_empty() {
            used = Some(r);
            break;
        }
    }
    if facts.iter().any(|f| !f.negated) {
        facts.retain(|f| !f.negated);
    }
    // Which side answers: the side that is not the question's entity.
    let mut groups: Vec<(String, Vec<&Fact>)> = Vec::new();
    for f in &facts {
        let object_is_entity = ctx.facts.entities().contains_key(&f.object);
        let side = if want_subjects
            || names.contains(&f.object.as_str()) && !names.contains(&f.subject.as_str())
        {
            f.subject.clone()
        } else if names.contains(&f.subject.as_str()) || object_is_entity {
            f.object.clone()
        } else {
            f.subject.clone()
        };
        if side.is_empty() {
            continue;
        }
        // Facts with their own wording (quotes, figures, requirements) are
        // items of their own; the others group under the name they answer.
        let templated = ctx
            .config
            .relations
            .iter()
            .any(|r| r.name == f.relation && r.template.is_some());
        if templated && groups.iter().any(|(n, _)| *n == side) {
            groups.push((side, vec![f]));
            continue;
        }
        match groups.iter_mut().find(|(n, _)| *n == side) {
            Some((_, v)) => v.push(f),
            None => groups.push((side, vec![f])),
        }
    }
    groups.sort_by(|a, b| {
        let sa: usize = a.1.iter().map(|f| f.sources).max().unwrap_or(0);
        let sb: usize = b.1.iter().map(|f| f.sources).max().unwrap_or(0);
        let ra: usize = a.1.iter().map(|f| ctx.relevance(f, u)).max().unwrap_or(0);
        let rb: usize = b.1.iter().map(|f| ctx.relevance(f, u)).max().unwrap_or(0);
        rb.cmp(&ra)
            .then(sb.cmp(&sa))
            .then(a.1[0].date().cmp(&b.1[0].date()))
            .then(a.0.cmp(&b.0))
    });
    let mut subjects: BTreeSet<&str> = BTreeSet::new();
    for (name, fs) in &groups {
        let mut cites = Vec::new();
        for f in fs {
            subjects.insert(f.subject.as_str());
            cites.extend(ctx.cite_fact(ans, f, CITES_PER_ITEM));
        }
        cites.sort();
        cites.dedup();
        let best = fs
            .iter()
            .max_by_key(|f| (f.qualifiers.len(), f.sources))
            .expect("non-empty group");
        // Relations with their own wording (quotes, figures, roles) read as
        // sentences; the others as the name with its details.
        let templated = ctx
            .config
            .relations
            .iter()
            .any(|r| r.name == best.relation && r.template.is_some());
        let object_is_entity = ctx.facts.entities().contains_key(&best.object);
        let text = if object_is_entity && !templated {
            format!("{name}{}", ctx.details(best, &[]))
        } else {
            format!("{}{}", ctx.sentence(best), ctx.details(best, &["role"]))
        };
        ans.items.push(Item { text, cites });
    }
    let label = used
        .and_then(|r| ctx.config.relations.iter().find(|x| &x.name == r))
        .map_or("", |r| r.label.as_str());
    let mut names_list: Vec<&str> = Vec::new();
    for (n, _) in &groups {
        if !names_list.contains(&n.as_str()) {
            names_list.push(n.as_str());
        }
    }
    let templated = used.is_some_and(|r| {
        ctx.config
            .relations
            .iter()
            .any(|x| &x.name == r && x.template.is_some())
    });
    if templated {
        // Facts with their own wording: the best one says it best.
        if let Some((_, fs)) = groups.first() {
            ans.headline = ctx.sentence(fs[0]);
        }
    } else if !names_list.is_empty() {
        ans.headline = if subjects.len() == 1
            && !want_subjects
            && !names_list.contains(subjects.iter().next().expect("one"))
        {
            format!(
                "{} {}: {}",
                subjects.iter().next().expect("one"),
                label,
                names_list.join(", ")
            )
        } else {
            names_list.join(", ")
        };
    }
    let shown: Vec<&Fact> = groups.iter().flat_map(|(_, v)| v.iter().copied()).collect();
    ctx.add_disagreements(ans, &shown);
    finish(ans);
}

/// Reasons given for the facts that involve the question's entities.
pub fn reason(ctx: &Ctx<'_>, ans: &mut Answer, relations: &[String], u: &Understanding) {
    let with_reasons = |rels: &[String]| -> Vec<&Fact> {
        involving(ctx, rels, u)
            .into_iter()
            .filter(|f| f.qualifiers.contains_key("reason") || f.qualifiers.contains_key("because"))
            .collect()
    };
    let mut facts = if relations.is_empty() {
        Vec::new()
    } else {
        with_reasons(relations)
    };
    if facts.is_empty() && !named(u).is_empty() {
        let all: Vec<String> = ctx
            .config
            .relations
            .iter()
            .map(|r| r.name.clone())
            .collect();
        facts = with_reasons(&all);
    }
    facts = ctx.place_filter(facts, u);
    facts.sort_by(|a, b| {
        ctx.relevance(b, u)
            .cmp(&ctx.relevance(a, u))
            .then(b.sources.cmp(&a.sources))
    });
    if let Some(first) = facts.first() {
        let main: Vec<&Fact> = facts
            .iter()
            .copied()
            .filter(|f| f.relation == first.relation)
            .collect();
        let heads: Vec<String> = main.iter().map(|f| ctx.sentence(f)).collect();
        ans.headline = format!("{}. Reasons the articles give:", dedup(heads).join("; "));
        // Each distinct reason once, with the sentences that give it; the
        // best supported first, cited a few times at most.
        let mut reasons: Vec<(String, Vec<&Evidence>)> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for f in &main {
            for e in &f.evidence {
                for key in ["reason", "because"] {
                    if let Some(r) = e.qualifiers.get(key) {
                        let k = r.to_lowercase();
                        match at.get(&k) {
                            Some(&i) => reasons[i].1.push(e),
                            None => {
                                at.insert(k, reasons.len());
                                reasons.push((r.clone(), vec![e]));
                            }
                        }
                    }
                }
            }
        }
        let support = |ev: &Vec<&Evidence>| {
            ev.iter()
                .map(|e| e.source.as_str())
                .collect::<BTreeSet<_>>()
                .len()
        };
        reasons.sort_by_key(|r| std::cmp::Reverse(support(&r.1)));
        for (r, ev) in reasons.iter().take(MAX_ITEMS + 1) {
            let mut cites: Vec<usize> = ev
                .iter()
                .take(CITES_PER_ITEM)
                .filter_map(|e| ctx.cite(ans, e))
                .collect();
            cites.sort();
            cites.dedup();
            // "reportedly" only while every source giving it hedges.
            let text = if ev.iter().all(|e| e.hedged) {
                format!("{r} (reportedly)")
            } else {
                r.clone()
            };
            ans.items.push(Item { text, cites });
        }
        let sources: BTreeSet<&str> = main
            .iter()
            .flat_map(|f| {
                f.evidence
                    .iter()
                    .filter(|e| e.qualifiers.contains_key("reason"))
                    .map(|e| e.source.as_str())
            })
            .collect();
        if ans.items.len() > 1 && sources.len() > 1 {
            ans.disagreements.push(Item {
                text: "The articles give different reasons; each is listed with its source.".into(),
                cites: Vec::new(),
            });
        }
        ctx.add_disagreements(ans, &main);
    }
    finish(ans);
}

/// Dates for the facts that involve the question's entities.
pub fn date(ctx: &Ctx<'_>, ans: &mut Answer, relations: &[String], u: &Understanding) {
    let dated =
        |f: &&Fact| f.event_date().is_some() || f.qualifiers.contains_key("date") || f.negated;
    let mut facts: Vec<&Fact> = involving(ctx, relations, u)
        .into_iter()
        .filter(dated)
        .collect();
    if facts.is_empty() {
        // "When did Globex confirm it?" when the dated sentences name its
        // chairman: facts by someone the table links to the named entity
        // (a role, a partnership) answer, each saying who. Nobody linked,
        // no answer: "when did Initech confirm it?" gets no borrowed date.
        let names = named(u);
        let linked: BTreeSet<&str> = ctx
            .facts
            .all()
            .iter()
            // Only through roles: a chairman speaks for his company.
            .filter(|f| f.qualifiers.contains_key("role"))
            .filter_map(|f| {
                if names.contains(&f.subject.as_str()) {
                    Some(f.object.as_str())
                } else if names.contains(&f.object.as_str()) {
                    Some(f.subject.as_str())
                } else {
                    None
                }
            })
            .collect();
        let by_linked: Vec<&Fact> = relations
            .iter()
            .flat_map(|r| ctx.facts.relation(r))
            .filter(dated)
            .filter(|f| linked.contains(f.subject.as_str()))
            .collect();
        if !by_linked.is_empty() {
            facts = relations
                .iter()
                .flat_map(|r| ctx.facts.relation(r))
                .filter(dated)
                .filter(|f| linked.contains(f.subject.as_str()) || f.subject.is_empty())
                .collect();
        }
    }
    facts = ctx.place_filter(facts, u);
    let in_place = |f: &Fact| {
        u.within
            .iter()
            .any(|p| f.qualifiers.get("place").is_some_and(|v| v.contains(p)))
    };
    facts.sort_by(|a, b| {
        in_place(b)
            .cmp(&in_place(a))
            .then(ctx.relevance(b, u).cmp(&ctx.relevance(a, u)))
            .then(b.sources.cmp(&a.sources))
            .then(a.id.cmp(&b.id))
    });
    let mut first_when: Option<Option<String>> = None;
    for f in &facts {
        let when = match f.event_date() {
            Some(d) if d.is_full() => Some(d.to_string()),
            _ => f
                .qualifier("date")
                .map(|s| s.to_string())
                .or_else(|| f.event_date().map(|d| d.to_string())),
        };
        let cites = ctx.cite_fact(ans, f, CITES_PER_ITEM);
        let text = match &when {
            Some(w) => format!("{}: {w}", ctx.sentence(f)),
            None => ctx.sentence(f),
        };
        if first_when.is_none() {
            first_when = Some(when.clone());
            ans.headline = match &when {
                Some(w)
                    if facts.len() == 1
                        || facts
                            .iter()
                            .all(|g| g.event_date().map(|d| d.to_string()).as_ref() == Some(w)) =>
                {
                    w.clone()
                }
                Some(_) => text.clone(),
                None => ctx.sentence(f),
            };
        }
        ans.items.push(Item { text, cites });
    }
    ctx.add_disagreements(ans, &facts);
    finish(ans);
}

/// Places and events for the facts that involve the question's entities.
pub fn place(ctx: &Ctx<'_>, ans: &mut Answer, relations: &[String], u: &Understanding) {
    let facts: Vec<&Fact> = involving(ctx, relations, u)
        .into_iter()
        .filter(|f| f.qualifiers.contains_key("event") || f.qualifiers.contains_key("place"))
        .collect();
    let mut places: Vec<String> = Vec::new();
    for f in &facts {
        let mut at = Vec::new();
        at.extend(f.qualifiers.get("event").into_iter().flatten().cloned());
        at.extend(f.qualifiers.get("place").into_iter().flatten().cloned());
        let cites = ctx.cite_fact(ans, f, CITES_PER_ITEM);
        let where_ = at.join(", ");
        if !places.contains(&where_) {
            places.push(where_.clone());
        }
        ans.items.push(Item {
            text: format!("{}: at {where_}", ctx.sentence(f)),
            cites,
        });
    }
    if let Some(p) = places.first() {
        ans.headline = format!("At {p}");
    }
    finish(ans);
}

/// Who did it, earliest first ("who first reported").
pub fn who(ctx: &Ctx<'_>, ans: &mut Answer, relations: &[String], u: &Understanding) {
    let mut facts: Vec<&Fact> = relations
        .iter()
        .flat_map(|r| ctx.facts.relation(r))
        .filter(|f| !f.subject.is_empty())
        .collect();
    facts.sort_by(|a, b| {
        a.date()
            .is_none()
            .cmp(&b.date().is_none())
            .then(a.date().cmp(&b.date()))
            .then(b.sources.cmp(&a.sources))
    });
    let _ = u;
    for f in &facts {
        let cites = ctx.cite_fact(ans, f, CITES_PER_ITEM);
        let when = f.date().map_or(String::new(), |d| format!(" ({d})"));
        ans.items.push(Item {
            text: format!("{}{when}", f.subject),
            cites,
        });
    }
    if let Some(f) = facts.first() {
        let label = ctx
            .config
            .relations
            .iter()
            .find(|r| r.name == f.relation)
            .map_or("", |r| r.label.as_str());
        ans.headline = match f.date() {
            Some(d) => format!("{} {label} it first ({d})", f.subject),
            None => format!("{} {label} it", f.subject),
        };
    }
    finish(ans);
}

/// Yes or no from a fact's polarity, or from a contradicting relation.
pub fn yesno(ctx: &Ctx<'_>, ans: &mut Answer, relations: &[String], u: &Understanding) -> bool {
    let names = named(u);
    if names.is_empty() || relations.is_empty() {
        return false;
    }
    let facts = involving(ctx, relations, u);
    let facts: Vec<&Fact> = facts
        .into_iter()
        .filter(|f| {
            names
                .iter()
                .all(|n| f.subject == *n || f.object == *n || names.len() == 1)
        })
        .collect();
    if let Some(f) = facts
        .iter()
        .max_by_key(|f| (ctx.relevance(f, u), f.sources))
    {
        let word = if f.negated { "No" } else { "Yes" };
        let cites = ctx.cite_fact(ans, f, CITES_PER_ITEM);
        ans.headline = format!("{word}: {}", ctx.sentence(f));
        ans.items.push(Item {
            text: format!("{}{}", ctx.sentence(f), ctx.details(f, &[])),
            cites,
        });
        ctx.add_disagreements(ans, &[f]);
        finish(ans);
        return true;
    }
    // "Did Acme pick Globex?" with only "Acme rejected Globex" on file.
    for r in relations {
        let Some(rel) = ctx.config.relations.iter().find(|x| &x.name == r) else {
            continue;
        };
        let other: Vec<String> = rel.conflicts.clone();
        let facts: Vec<&Fact> = involving(ctx, &other, u)
            .into_iter()
            .filter(|f| names.iter().all(|n| f.subject == *n || f.object == *n))
            .collect();
        if let Some(f) = facts.first() {
            let cites = ctx.cite_fact(ans, f, CITES_PER_ITEM);
            ans.headline = format!("No: {}", ctx.sentence(f));
            ans.items.push(Item {
                text: format!("{}{}", ctx.sentence(f), ctx.details(f, &[])),
                cites,
            });
            finish(ans);
            return true;
        }
    }
    // Neither: say what the articles do report about these names, without
    // a yes or a no.
    if names.len() >= 2 {
        let all: Vec<String> = ctx
            .config
            .relations
            .iter()
            .map(|r| r.name.clone())
            .collect();
        let facts: Vec<&Fact> = involving(ctx, &all, u)
            .into_iter()
            .filter(|f| names.iter().all(|n| f.subject == *n || f.object == *n))
            .collect();
        if let Some(f) = facts.first() {
            let cites = ctx.cite_fact(ans, f, CITES_PER_ITEM);
            ans.headline = format!(
                "The articles do not say so; they report: {}",
                ctx.sentence(f)
            );
            for f in &facts {
                ans.items.push(Item {
                    text: format!("{}{}", ctx.sentence(f), ctx.details(f, &[])),
                    cites: cites.clone(),
                });
            }
            finish(ans);
            return true;
        }
    }
    false
}

/// Figures: metric facts about the question's entities and words.
pub fn numbers(ctx: &Ctx<'_>, ans: &mut Answer, u: &Understanding, relations: &[String]) {
    let names = named(u);
    let mut facts: Vec<&Fact> = relations
        .iter()
        .flat_map(|r| ctx.facts.relation(r))
        .collect();
    if !names.is_empty() {
        facts.retain(|f| {
            names
                .iter()
                .any(|n| f.subject == *n || ctx.fact_entities(f).contains(*n))
        });
    }
    if !u.terms.is_empty() {
        // Figures about what the question names ("stock", "revenue"):
        // a word of the question must be in the figure's own object, not
        // merely nearby, or it is another figure altogether.
        facts.retain(|f| ctx.relevance(f, u) >= 3);
    }
    facts.sort_by(|a, b| {
        ctx.relevance(b, u)
            .cmp(&ctx.relevance(a, u))
            .then(
                names
                    .iter()
                    .any(|n| b.subject == *n)
                    .cmp(&names.iter().any(|n| a.subject == *n)),
            )
            .then(b.sources.cmp(&a.sources))
            .then(a.id.cmp(&b.id))
    });
    for f in &facts {
        let cites = ctx.cite_fact(ans, f, CITES_PER_ITEM);
        ans.items.push(Item {
            text: ctx.sentence(f),
            cites,
        });
    }
    if let Some(f) = facts.first() {
        ans.headline = ctx.sentence(f);
    }
    ctx.add_disagreements(ans, &facts);
    finish(ans);
}

pub(super) fn dedup(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}
