//! Facts: raw facts merged into one row per (subject, relation, object,
//! polarity), with every piece of evidence, a count of sources, and the
//! places where sources disagree.
//!
//! Third stage of the pipeline. Disagreements are kept, never resolved:
//! when two articles give different dates, figures or reasons for the same
//! fact, or when one says "dropped" and another "still working with" (the
//! `conflicts` of a relation in config.toml), both stay, side by side, and
//! the answer says so. Order is deterministic (relation order in the config,
//! then support), so fact ids and golden files are stable.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::date::Date;
use crate::extract::{EntityInfo, Evidence, Extraction, SentenceInfo};

/// Qualifiers whose values are compared across sources.
const COMPARED: &[&str] = &["date", "value", "reason", "place"];

/// One merged fact.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// Stable id (`F1`, `F2`, ...).
    pub id: String,
    /// Canonical subject.
    pub subject: String,
    /// Relation name.
    pub relation: String,
    /// Canonical object or topic.
    pub object: String,
    /// Stated as not happening.
    pub negated: bool,
    /// Qualifier values, distinct, in evidence order.
    pub qualifiers: BTreeMap<String, Vec<String>>,
    /// Every sentence that states it.
    pub evidence: Vec<Evidence>,
    /// Number of distinct articles.
    pub sources: usize,
    /// Every source hedges it.
    pub hedged: bool,
    /// Qualifiers on which articles differ.
    pub disagreements: Vec<Disagreement>,
    /// See [`Fact::date`]; computed once, it is a sort key.
    #[serde(skip)]
    when: Option<Date>,
    /// See [`Fact::event_date`]; computed once for the same reason.
    #[serde(skip)]
    event: Option<Date>,
}

/// Articles giving different values for one qualifier of a fact.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Disagreement {
    /// The qualifier (date, value, reason...) or `relation` for a conflict.
    pub what: String,
    /// Each value with the articles that give it.
    pub values: Vec<(String, Vec<String>)>,
}

/// Two facts that contradict each other (e.g. dropped vs still partnered).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Conflict {
    /// One fact id.
    pub a: String,
    /// The other fact id.
    pub b: String,
}

impl Fact {
    /// The date the fact happened: the earliest event date the sentences
    /// give, else the earliest publication date.
    pub fn date(&self) -> Option<Date> {
        self.when
    }

    /// The date the sentences give for the event (the earliest full date,
    /// else the earliest partial one), not a publication date.
    pub fn event_date(&self) -> Option<Date> {
        self.event
    }

    fn compute_event_date(&self) -> Option<Date> {
        self.evidence
            .iter()
            .filter_map(|e| e.date)
            .filter(|d| d.is_full())
            .min()
            .or_else(|| self.evidence.iter().filter_map(|e| e.date).min())
    }

    /// The latest publication date among its sources.
    pub fn last_reported(&self) -> Option<Date> {
        self.evidence.iter().filter_map(|e| e.published).max()
    }

    /// First value of a qualifier.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .get(key)
            .and_then(|v| v.first())
            .map(|s| s.as_str())
    }
}

/// The merged, indexed fact table.
#[derive(Debug, Default)]
pub struct FactTable {
    facts: Vec<Fact>,
    by_relation: HashMap<String, Vec<usize>>,
    entities: BTreeMap<String, EntityInfo>,
    sentences: Vec<SentenceInfo>,
    rule_hits: BTreeMap<String, usize>,
    conflicts: Vec<Conflict>,
    actor: String,
    info_at: HashMap<(usize, usize), usize>,
}

impl FactTable {
    /// Merges raw facts and indexes them.
    pub fn build(config: &Config, extraction: Extraction) -> FactTable {
        let order: HashMap<&str, usize> = config
            .relations
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.as_str(), i))
            .collect();
        let symmetric: BTreeSet<&str> = config
            .relations
            .iter()
            .filter(|r| r.symmetric)
            .map(|r| r.name.as_str())
            .collect();
        let actor_name = extraction.actor.clone();
        let actor = actor_name.as_str();
        let mut merged: BTreeMap<(String, String, String, bool), Vec<Evidence>> = BTreeMap::new();
        // (fact, article, sentence) already recorded, and where.
        let mut seen: HashMap<(String, String, String, bool, String, usize), usize> =
            HashMap::new();
        for mut f in extraction.facts {
            // One order for symmetric relations: the story's actor first,
            // else alphabetical.
            if symmetric.contains(f.relation.as_str())
                && (f.object == actor || (f.subject != actor && f.object < f.subject))
            {
                std::mem::swap(&mut f.subject, &mut f.object);
            }
            let key = (f.relation, f.subject, f.object, f.negated);
            let at = (
                key.0.clone(),
                key.1.clone(),
                key.2.clone(),
                key.3,
                f.evidence.source.clone(),
                f.evidence.sentence,
            );
            let ev = merged.entry(key).or_default();
            // One sentence counts once per fact, whatever rules fired on it.
            if let Some(&i) = seen.get(&at) {
                let existing = &mut ev[i];
                for (k, v) in f.evidence.qualifiers {
                    existing.qualifiers.entry(k).or_insert(v);
                }
                existing.date = existing.date.or(f.evidence.date);
                continue;
            }
            seen.insert(at, ev.len());
            ev.push(f.evidence);
        }
        let mut facts: Vec<Fact> = merged
            .into_iter()
            .map(|((relation, subject, object, negated), evidence)| {
                let mut qualifiers: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for e in &evidence {
                    for (k, v) in &e.qualifiers {
                        let vals = qualifiers.entry(k.clone()).or_default();
                        if !vals.iter().any(|x| x.eq_ignore_ascii_case(v)) {
                            vals.push(v.clone());
                        }
                    }
                }
                let sources: BTreeSet<&str> = evidence.iter().map(|e| e.source.as_str()).collect();
                let disagreements = disagreements(&evidence);
                Fact {
                    id: String::new(),
                    hedged: evidence.iter().all(|e| e.hedged),
                    sources: sources.len(),
                    subject,
                    relation,
                    object,
                    negated,
                    qualifiers,
                    evidence,
                    disagreements,
                    when: None,
                    event: None,
                }
            })
            .map(|mut f: Fact| {
                f.event = f.compute_event_date();
                f.when = f
                    .event
                    .or_else(|| f.evidence.iter().filter_map(|e| e.published).min());
                f
            })
            .collect();
        facts.sort_by(|a, b| {
            let ra = order
                .get(a.relation.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            let rb = order
                .get(b.relation.as_str())
                .copied()
                .unwrap_or(usize::MAX);
            ra.cmp(&rb)
                .then(b.sources.cmp(&a.sources))
                .then(a.subject.cmp(&b.subject))
                .then(a.object.cmp(&b.object))
                .then(a.negated.cmp(&b.negated))
        });
        let mut by_relation: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in facts.iter_mut().enumerate() {
            f.id = format!("F{}", i + 1);
            by_relation.entry(f.relation.clone()).or_default().push(i);
        }
        let conflicts = find_conflicts(config, &facts);
        let info_at = extraction
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.article, s.sentence), i))
            .collect();
        FactTable {
            facts,
            by_relation,
            entities: extraction.entities,
            sentences: extraction.sentences,
            rule_hits: extraction.rule_hits,
            conflicts,
            actor: extraction.actor,
            info_at,
        }
    }

    /// Number of facts.
    pub fn len(&self) -> usize {
        self.facts.len()
    }

    /// Whether there are no facts.
    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// All facts in table order.
    pub fn all(&self) -> &[Fact] {
        &self.facts
    }

    /// Facts of one relation, in table order.
    pub fn relation(&self, name: &str) -> impl Iterator<Item = &Fact> {
        self.by_relation
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.facts[i])
    }

    /// Where a fact of this table sits in [`FactTable::all`].
    pub fn position(&self, fact: &Fact) -> usize {
        fact.id
            .get(1..)
            .and_then(|n| n.parse::<usize>().ok())
            .map_or(usize::MAX, |n| n - 1)
    }

    /// A fact by id (case-insensitive, `F` optional).
    pub fn by_id(&self, id: &str) -> Option<&Fact> {
        let id = id.trim().trim_start_matches(['F', 'f', '#']);
        let n: usize = id.parse().ok()?;
        self.facts.get(n.checked_sub(1)?)
    }

    /// Facts that contradict `fact` (cross-relation conflicts and the same
    /// fact with the other polarity).
    pub fn conflicting(&self, fact: &Fact) -> Vec<&Fact> {
        self.conflicts
            .iter()
            .filter_map(|c| {
                if c.a == fact.id {
                    self.by_id(&c.b)
                } else if c.b == fact.id {
                    self.by_id(&c.a)
                } else {
                    None
                }
            })
            .collect()
    }

    /// The story's actor, as the corpus names it.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Entities seen in the corpus.
    pub fn entities(&self) -> &BTreeMap<String, EntityInfo> {
        &self.entities
    }

    /// Per-sentence mention summaries (for retrieval).
    pub fn sentences(&self) -> &[SentenceInfo] {
        &self.sentences
    }

    /// What the extractor saw in one sentence (article index, sentence index).
    pub fn sentence_info(&self, article: usize, sentence: usize) -> Option<&SentenceInfo> {
        self.info_at
            .get(&(article, sentence))
            .map(|&i| &self.sentences[i])
    }

    /// How often each rule fired.
    pub fn rule_hits(&self) -> &BTreeMap<String, usize> {
        &self.rule_hits
    }

    /// Fact counts per relation, by name.
    pub fn count_by_relation(&self) -> BTreeMap<String, usize> {
        self.by_relation
            .iter()
            .map(|(k, v)| (k.clone(), v.len()))
            .collect()
    }

    /// The table as the `facts --json` contract.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.facts
                .iter()
                .map(|f| {
                    json!({
                        "id": f.id,
                        "subject": f.subject,
                        "relation": f.relation,
                        "object": f.object,
                        "negated": f.negated,
                        "qualifiers": f.qualifiers,
                        "sources": f.sources,
                        "hedged": f.hedged,
                        "disagreements": f.disagreements,
                        "conflicts_with": self.conflicting(f).iter().map(|c| c.id.clone()).collect::<Vec<_>>(),
                        "evidence": f.evidence.iter().map(|e| json!({
                            "source": e.source,
                            "sentence": e.sentence,
                            "span": [e.span.0, e.span.1],
                            "quote": e.quote,
                            "rule": e.rule,
                            "hedged": e.hedged,
                            "attribution": e.attribution,
                            "published": e.published,
                            "date": e.date,
                            "qualifiers": e.qualifiers,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect(),
        )
    }

    /// One line per fact, for terminals.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.facts {
            let neg = if f.negated { "NOT " } else { "" };
            out.push_str(&format!(
                "{:<5} {} {}{} {}  ({} source{})",
                f.id,
                f.subject,
                neg,
                f.relation,
                f.object,
                f.sources,
                if f.sources == 1 { "" } else { "s" }
            ));
            for (k, v) in &f.qualifiers {
                out.push_str(&format!("  {k}={}", v.join(" | ")));
            }
            if !f.disagreements.is_empty() {
                out.push_str("  [sources differ]");
            }
            out.push('\n');
        }
        out
    }
}

fn disagreements(evidence: &[Evidence]) -> Vec<Disagreement> {
    let mut out = Vec::new();
    for key in COMPARED {
        let mut values: Vec<(String, Vec<String>)> = Vec::new();
        for e in evidence {
            let v = if *key == "date" {
                e.date.filter(|d| d.is_full()).map(|d| d.to_string())
            } else {
                e.qualifiers.get(*key).cloned()
            };
            let Some(v) = v else { continue };
            match values.iter_mut().find(|(x, _)| x.eq_ignore_ascii_case(&v)) {
                Some((_, srcs)) => {
                    if !srcs.contains(&e.source) {
                        srcs.push(e.source.clone());
                    }
                }
                None => values.push((v, vec![e.source.clone()])),
            }
        }
        // Only a difference between articles counts; one article wording a
        // reason twice is not a disagreement.
        let articles: BTreeSet<&String> = values.iter().flat_map(|(_, s)| s.iter()).collect();
        if values.len() > 1 && articles.len() > 1 {
            out.push(Disagreement {
                what: key.to_string(),
                values,
            });
        }
    }
    out
}

fn find_conflicts(config: &Config, facts: &[Fact]) -> Vec<Conflict> {
    let mut out = Vec::new();
    let conflicts: Vec<(&str, &str)> = config
        .relations
        .iter()
        .flat_map(|r| {
            r.conflicts
                .iter()
                .map(move |c| (r.name.as_str(), c.as_str()))
        })
        .collect();
    // Only facts about the same pair can conflict: group by pair first.
    let mut pairs: HashMap<(&str, &str), Vec<&Fact>> = HashMap::new();
    for f in facts {
        pairs
            .entry((f.subject.as_str(), f.object.as_str()))
            .or_default()
            .push(f);
    }
    let mut groups: Vec<&Vec<&Fact>> = pairs.values().filter(|g| g.len() > 1).collect();
    groups.sort_by_key(|g| g[0].id.clone());
    for group in groups {
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                let polar = a.relation == b.relation && a.negated != b.negated;
                let crossed = !a.negated
                    && !b.negated
                    && conflicts.iter().any(|&(x, y)| {
                        (x == a.relation && y == b.relation) || (y == a.relation && x == b.relation)
                    });
                if polar || crossed {
                    out.push(Conflict {
                        a: a.id.clone(),
                        b: b.id.clone(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Reader;
    use crate::extract::Extractor;

    const CONFIG: &str = r#"
[story]
title = "t"
actor = "Acme"

[[entity]]
name = "Acme"
kind = "org"

[[entity]]
name = "Globex"
kind = "org"

[[relation]]
name = "dropped"
label = "dropped"
conflicts = ["partnered"]
[[relation.rule]]
name = "dropped.verb"
pattern = '{subject:ORG} dropped {object:ORG}(?: because (?P<reason>[^.]+))?'

[[relation]]
name = "partnered"
label = "partnered with"
symmetric = true
[[relation.rule]]
name = "partnered.with"
pattern = '{subject:ORG} (?:partnered|is still working) with {object:ORG}'
"#;

    fn table(articles: &[(&str, &str)]) -> FactTable {
        let config = Config::parse(CONFIG).unwrap();
        let reader = Reader::new(&config.corpus).unwrap();
        let parsed: Vec<_> = articles
            .iter()
            .map(|(n, t)| reader.parse(n, t).unwrap())
            .collect();
        FactTable::build(
            &config,
            Extractor::new(&config).unwrap().extract_all(&parsed),
        )
    }

    #[test]
    fn facts_merge_across_articles_with_a_source_count() {
        let t = table(&[
            (
                "a.txt",
                "date 2025-01-01\nAcme dropped Globex because of cost. Acme dropped Globex.",
            ),
            (
                "b.txt",
                "date 2025-01-02\nAcme dropped Globex because of delays.",
            ),
        ]);
        let f = t.relation("dropped").next().unwrap();
        assert_eq!((f.id.as_str(), f.sources, f.evidence.len()), ("F1", 2, 3));
        assert_eq!(
            f.qualifiers["reason"],
            vec!["of cost".to_string(), "of delays".to_string()]
        );
        assert_eq!(
            f.disagreements,
            vec![Disagreement {
                what: "reason".into(),
                values: vec![
                    ("of cost".into(), vec!["a.txt".into()]),
                    ("of delays".into(), vec!["b.txt".into()])
                ],
            }]
        );
    }

    #[test]
    fn symmetric_relations_put_the_actor_first_and_conflicts_are_kept() {
        let t = table(&[
            ("a.txt", "date 2025-01-01\nGlobex partnered with Acme."),
            ("b.txt", "date 2025-01-02\nAcme dropped Globex."),
        ]);
        let p = t.relation("partnered").next().unwrap();
        assert_eq!((p.subject.as_str(), p.object.as_str()), ("Acme", "Globex"));
        let d = t.relation("dropped").next().unwrap();
        assert_eq!(
            t.conflicting(d)
                .iter()
                .map(|f| f.id.as_str())
                .collect::<Vec<_>>(),
            vec![p.id.as_str()]
        );
        assert_eq!(t.by_id("f2").map(|f| f.id.as_str()), Some("F2"));
        assert!(t.by_id("F99").is_none());
    }
}
