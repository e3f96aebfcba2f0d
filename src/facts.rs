//! Facts: raw facts merged into one row per (subject, relation, object,
//! polarity), with every piece of evidence, a count of sources, and the
//! places where sources disagree.
//!
//! Third stage of the pipeline. Disagreements are kept, never resolved:
//! when two articles give different dates, figures or reasons for the same
//! fact, or when one says "dropped" and another "still working with" (the
//! `conflicts` of a relation in config.toml), both stay, side by side, and
//! the answer says so. Order is deterministic (relation order in the config,
//! then support), so golden files are stable; fact ids are derived from the
//! fact's content (subject, relation, object, polarity), so adding an article
//! renumbers nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::date::Date;
use crate::extract::{EntityInfo, Evidence, Extraction, SentenceInfo};

/// Qualifiers whose values are compared across sources.
const COMPARED: &[&str] = &["date", "value", "reason", "place"];

/// A fact's id: a hash of its subject, relation, object and polarity, so
/// the same fact keeps its id whatever articles are added. Shown as `F`
/// and eight hex digits (`F3fa2c1d0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactId(pub u32);

impl FactId {
    /// The id of a fact with this content; `salt` > 0 only to step past a
    /// collision (two facts of one table with the same hash).
    pub fn of(relation: &str, subject: &str, object: &str, negated: bool, salt: u32) -> FactId {
        // FNV-1a, 64 bits, folded: stable across builds and platforms
        // (std's hasher is not guaranteed to be).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        for part in [relation, subject, object] {
            eat(part.as_bytes());
            eat(&[0]);
        }
        eat(&[u8::from(negated)]);
        eat(&salt.to_le_bytes()[..usize::from(salt > 0) * 4]);
        FactId((h ^ (h >> 32)) as u32)
    }

    /// Parses `F3fa2c1d0` (case-insensitive; `F` or `#` optional).
    pub fn parse(text: &str) -> Option<FactId> {
        let t = text.trim();
        let t = t.strip_prefix('#').unwrap_or(t);
        // One `F` at most: the hex digits themselves may start with `f`.
        let t = match t.strip_prefix(['F', 'f']) {
            Some(rest) if rest.len() == 8 => rest,
            _ => t,
        };
        if t.is_empty() || t.len() > 8 {
            return None;
        }
        u32::from_str_radix(t, 16).ok().map(FactId)
    }
}

impl std::fmt::Display for FactId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "F{:08x}", self.0)
    }
}

impl Serialize for FactId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The qualifier keys the answers read. Extraction records any key a rule
/// names (the config's capture groups); these are the ones with a meaning
/// in answers, matched here and nowhere as strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// Why it happened (`reason`).
    Reason,
    /// Why it happened, as a "because" clause (`because`).
    Because,
    /// A role ("as initial partner", "chairman").
    Role,
    /// A date as written.
    Date,
    /// A place.
    Place,
    /// An event (a summit, a conference).
    Event,
    /// A figure.
    Value,
    /// A state ("pending", "yet to be confirmed").
    Status,
    /// A deal's price ("$20 billion").
    Price,
    /// A deal's price per share ("$95 a share").
    PerShare,
    /// How many of a thing an event was about ("413 stores").
    Quantity,
    /// When it takes or took effect, if not when it was decided ("named
    /// chief executive, effective March 18"), as an ISO date.
    Effective,
}

impl Qualifier {
    /// The key as rules and JSON spell it.
    pub fn key(self) -> &'static str {
        match self {
            Qualifier::Reason => "reason",
            Qualifier::Because => "because",
            Qualifier::Role => "role",
            Qualifier::Date => "date",
            Qualifier::Place => "place",
            Qualifier::Event => "event",
            Qualifier::Value => "value",
            Qualifier::Status => "status",
            Qualifier::Price => "price",
            Qualifier::PerShare => "per_share",
            Qualifier::Quantity => "quantity",
            Qualifier::Effective => "effective",
        }
    }

    /// Both keys that hold a reason.
    pub const REASONS: [Qualifier; 2] = [Qualifier::Reason, Qualifier::Because];
}

/// One merged fact.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// Stable id derived from the content ([`FactId`]).
    pub id: FactId,
    /// Where the fact sits in [`FactTable::all`].
    #[serde(skip)]
    pub index: usize,
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
    /// Earliest and latest publication dates among its sources, computed
    /// once: a fact may rest on thousands of sentences.
    #[serde(skip)]
    reported: (Option<Date>, Option<Date>),
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
    /// One fact (position in the table).
    pub a: usize,
    /// The other fact (position in the table).
    pub b: usize,
}

impl Fact {
    /// The fact read through a template: `{subject}`, `{label}`, `{object}`
    /// and its qualifiers filled in, braces it does not have dropped, runs of
    /// spaces collapsed.
    pub fn fill(&self, template: &str, subject: &str, label: &str) -> String {
        self.fill_plain(template, subject, label)
            .unwrap_or_else(|| self.fill_by_replacing(template, subject, label))
    }

    /// [`Fact::fill`] one replacement after another: the general way, when
    /// one pass cannot be shown to give the same.
    fn fill_by_replacing(&self, template: &str, subject: &str, label: &str) -> String {
        let mut out = template
            .replace("{subject}", subject)
            .replace("{label}", label)
            .replace("{object}", &self.object);
        for (k, v) in &self.qualifiers {
            out = out.replace(&format!("{{{k}}}"), v.first().map_or("", |s| s.as_str()));
        }
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
        clean.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// [`Fact::fill`] in one pass, when that gives the same: every brace
    /// of the template is one of a `{name}` pair and no value put in holds
    /// a brace (which the replacements one after another could read as a
    /// placeholder, and the clean-up would drop). A quote's fact is long:
    /// copying it once per placeholder was most of `/quotes`.
    fn fill_plain(&self, template: &str, subject: &str, label: &str) -> Option<String> {
        let plain = |s: &str| !s.contains(['{', '}']);
        if !plain(subject)
            || !plain(label)
            || !plain(&self.object)
            || self.qualifiers.keys().any(|k| !plain(k))
        {
            return None;
        }
        let mut out = String::with_capacity(template.len() + self.object.len() + subject.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let (text, after) = (&rest[..open], &rest[open + 1..]);
            let close = after.find('}')?;
            let key = &after[..close];
            if !plain(text) || !plain(key) {
                return None;
            }
            out.push_str(text);
            let value = match key {
                "subject" => subject,
                "label" => label,
                "object" => self.object.as_str(),
                k => self
                    .qualifiers
                    .get(k)
                    .and_then(|v| v.first())
                    .map_or("", String::as_str),
            };
            if !plain(value) {
                return None;
            }
            out.push_str(value);
            rest = &after[close + 1..];
        }
        if !plain(rest) {
            return None;
        }
        out.push_str(rest);
        Some(out.split_whitespace().collect::<Vec<_>>().join(" "))
    }

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
        self.reported.1
    }

    /// The earliest publication date among its sources.
    pub fn first_reported(&self) -> Option<Date> {
        self.reported.0
    }

    /// First value of a qualifier.
    pub fn qualifier(&self, key: Qualifier) -> Option<&str> {
        self.qualifiers
            .get(key.key())
            .and_then(|v| v.first())
            .map(|s| s.as_str())
    }

    /// Every value of a qualifier.
    pub fn values(&self, key: Qualifier) -> &[String] {
        self.qualifiers.get(key.key()).map_or(&[], |v| v.as_slice())
    }

    /// Whether the fact has a value for this qualifier.
    pub fn has(&self, key: Qualifier) -> bool {
        self.qualifiers.contains_key(key.key())
    }

    /// Whether some source gives a reason.
    pub fn has_reason(&self) -> bool {
        Qualifier::REASONS.iter().any(|q| self.has(*q))
    }
}

/// What makes a fact one: relation, subject, object, negated (shared
/// with the raw facts').
type FactKey = (Arc<str>, Arc<str>, Arc<str>, bool);

/// The merged, indexed fact table.
#[derive(Debug, Default)]
pub struct FactTable {
    facts: Vec<Fact>,
    by_relation: HashMap<String, Vec<usize>>,
    entities: BTreeMap<String, EntityInfo>,
    sentences: Vec<SentenceInfo>,
    rule_hits: BTreeMap<String, usize>,
    /// Per fact, the facts it conflicts with (positions).
    conflicts_of: Vec<Vec<usize>>,
    actor: String,
    /// Where a sentence's summary sits, when the summaries are not in
    /// (article, sentence) order; in order (as extraction gives them),
    /// a binary search finds it and no map of the corpus's sentences is
    /// kept.
    info_at: Option<HashMap<(usize, usize), usize>>,
    by_id: HashMap<FactId, usize>,
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
        // Each distinct fact gets a number on first sight; the
        // de-duplication below is keyed by numbers, not by copies of its
        // strings (millions of raw facts on a large corpus).
        let mut group_of: HashMap<FactKey, usize> = HashMap::new();
        let mut groups: Vec<(FactKey, Vec<Evidence>)> = Vec::new();
        let mut source_id: HashMap<std::sync::Arc<str>, usize> = HashMap::new();
        // (fact, sentence) of the current source already recorded, and
        // where. A source's raw facts come together (extraction goes
        // article by article), so the map holds one article's at a time:
        // kept for the whole corpus, one entry per evidence, it was the
        // largest transient of the build (8 MB on a 14 MB corpus, the
        // build's peak RSS).
        let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
        let mut current_source: Option<usize> = None;
        // Sources whose run of raw facts has ended: were one to come back
        // (no extraction does that), its earlier evidence is found by a
        // scan of the fact's list, so the result is the same either way.
        let mut left: std::collections::HashSet<usize> = Default::default();
        // The raw facts are taken from the back of their list, which is
        // shrunk as it empties: each evidence moves into its fact's list,
        // and the raw list's memory goes back as it does (no moment where
        // the corpus's evidence is held twice).
        let mut raw = extraction.facts;
        raw.reverse();
        while let Some(mut f) = raw.pop() {
            if raw.len() < raw.capacity() / 2 {
                raw.shrink_to_fit();
            }
            // One order for symmetric relations: the story's actor first,
            // else alphabetical.
            if symmetric.contains(&*f.relation)
                && (&*f.object == actor || (&*f.subject != actor && f.object < f.subject))
            {
                std::mem::swap(&mut f.subject, &mut f.object);
            }
            let key = (f.relation, f.subject, f.object, f.negated);
            let g = match group_of.get(&key) {
                Some(&g) => g,
                None => {
                    groups.push((key.clone(), Vec::new()));
                    group_of.insert(key, groups.len() - 1);
                    groups.len() - 1
                }
            };
            let next = source_id.len();
            let src = match source_id.get(&*f.evidence.source) {
                Some(&s) => s,
                None => {
                    source_id.insert(f.evidence.source.clone(), next);
                    next
                }
            };
            if current_source != Some(src) {
                left.extend(current_source);
                seen.clear();
                current_source = Some(src);
            }
            let at = (g, f.evidence.sentence);
            let ev = &mut groups[g].1;
            // One sentence counts once per fact, whatever rules fired on it.
            let recorded = if left.contains(&src) {
                ev.iter().position(|e| {
                    e.sentence == f.evidence.sentence && *e.source == *f.evidence.source
                })
            } else {
                seen.get(&at).copied()
            };
            if let Some(i) = recorded {
                let existing = &mut ev[i];
                for (k, v) in f.evidence.qualifiers {
                    existing.qualifiers.insert_missing(&k, || v);
                }
                existing.date = existing.date.or(f.evidence.date);
                continue;
            }
            seen.insert(at, ev.len());
            ev.push(f.evidence);
        }
        drop((group_of, source_id, seen, left));
        // The order the facts are sorted from (a stable sort below).
        groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let merged = groups.into_iter().map(|(key, mut evidence)| {
            evidence.shrink_to_fit();
            (key, evidence)
        });
        let mut facts: Vec<Fact> = merged
            .into_iter()
            .map(|((relation, subject, object, negated), evidence)| {
                let mut qualifiers: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for e in &evidence {
                    for (k, v) in &e.qualifiers {
                        let vals = qualifiers.entry(k.to_string()).or_default();
                        if !vals.iter().any(|x| x.eq_ignore_ascii_case(v)) {
                            vals.push(v.to_string());
                        }
                    }
                }
                let sources: BTreeSet<&str> = evidence.iter().map(|e| &*e.source).collect();
                let disagreements = disagreements(&evidence);
                Fact {
                    id: FactId(0),
                    index: 0,
                    hedged: evidence.iter().all(|e| e.hedged),
                    sources: sources.len(),
                    subject: subject.to_string(),
                    relation: relation.to_string(),
                    object: object.to_string(),
                    negated,
                    qualifiers,
                    evidence,
                    disagreements,
                    when: None,
                    event: None,
                    reported: (None, None),
                }
            })
            .map(|mut f: Fact| {
                f.event = f.compute_event_date();
                f.reported = (
                    f.evidence.iter().filter_map(|e| e.published).min(),
                    f.evidence.iter().filter_map(|e| e.published).max(),
                );
                f.when = f.event.or(f.reported.0);
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
            f.index = i;
            by_relation.entry(f.relation.clone()).or_default().push(i);
        }
        let by_id = assign_ids(&mut facts);
        let conflicts = find_conflicts(config, &facts);
        let mut conflicts_of = vec![Vec::new(); facts.len()];
        for c in &conflicts {
            conflicts_of[c.a].push(c.b);
            conflicts_of[c.b].push(c.a);
        }
        let ordered = extraction
            .sentences
            .windows(2)
            .all(|w| (w[0].article, w[0].sentence) < (w[1].article, w[1].sentence));
        let info_at = (!ordered).then(|| {
            extraction
                .sentences
                .iter()
                .enumerate()
                .map(|(i, s)| ((s.article, s.sentence), i))
                .collect()
        });
        FactTable {
            facts,
            by_relation,
            entities: extraction.entities,
            sentences: extraction.sentences,
            rule_hits: extraction.rule_hits,
            conflicts_of,
            actor: extraction.actor,
            info_at,
            by_id,
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
        fact.index
    }

    /// A fact by id as users type it (`F3fa2c1d0`, case-insensitive, `F`
    /// optional).
    pub fn by_id(&self, id: &str) -> Option<&Fact> {
        let id = FactId::parse(id)?;
        self.by_id.get(&id).map(|&i| &self.facts[i])
    }

    /// Facts that contradict `fact` (cross-relation conflicts and the same
    /// fact with the other polarity).
    pub fn conflicting(&self, fact: &Fact) -> Vec<&Fact> {
        self.conflicts_of
            .get(fact.index)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.facts.get(i))
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
        let i = match &self.info_at {
            Some(map) => *map.get(&(article, sentence))?,
            None => self
                .sentences
                .binary_search_by(|s| (s.article, s.sentence).cmp(&(article, sentence)))
                .ok()?,
        };
        Some(&self.sentences[i])
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
                        "conflicts_with": self.conflicting(f).iter().map(|c| c.id.to_string()).collect::<Vec<_>>(),
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
                "{:<9} {} {}{} {}  ({} source{})",
                f.id.to_string(),
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

/// Gives every fact its content-derived id. A collision (two facts, one
/// 32-bit hash) is settled in key order, so it too is independent of
/// support and of which articles came first.
fn assign_ids(facts: &mut [Fact]) -> HashMap<FactId, usize> {
    let mut order: Vec<usize> = (0..facts.len()).collect();
    order.sort_by(|&a, &b| {
        let k = |f: &Fact| {
            (
                f.relation.clone(),
                f.subject.clone(),
                f.object.clone(),
                f.negated,
            )
        };
        k(&facts[a]).cmp(&k(&facts[b]))
    });
    let mut by_id = HashMap::with_capacity(facts.len());
    for i in order {
        let f = &facts[i];
        let mut salt = 0;
        let mut id = FactId::of(&f.relation, &f.subject, &f.object, f.negated, salt);
        while by_id.contains_key(&id) {
            salt += 1;
            id = FactId::of(&f.relation, &f.subject, &f.object, f.negated, salt);
        }
        by_id.insert(id, i);
        facts[i].id = id;
    }
    by_id
}

fn disagreements(evidence: &[Evidence]) -> Vec<Disagreement> {
    let mut out = Vec::new();
    for key in COMPARED {
        let mut values: Vec<(String, Vec<String>)> = Vec::new();
        for e in evidence {
            let v = if *key == "date" {
                e.date.filter(|d| d.is_full()).map(|d| d.to_string())
            } else {
                e.qualifiers.get(key).map(str::to_string)
            };
            let Some(v) = v else { continue };
            match values.iter_mut().find(|(x, _)| x.eq_ignore_ascii_case(&v)) {
                Some((_, srcs)) => {
                    if !srcs.iter().any(|x| **x == *e.source) {
                        srcs.push(e.source.to_string());
                    }
                }
                None => values.push((v, vec![e.source.to_string()])),
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
    groups.sort_by_key(|g| g[0].index);
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
                        a: a.index,
                        b: b.index,
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

    /// [`Fact::fill`] the old way: one replacement after another.
    fn fill_by_replacing(f: &Fact, template: &str, subject: &str, label: &str) -> String {
        f.fill_by_replacing(template, subject, label)
    }

    #[test]
    fn filling_in_one_pass_gives_what_replacing_gave() {
        let fact = |object: &str, reason: &str| Fact {
            id: FactId(0),
            index: 0,
            subject: "Northwind".into(),
            relation: "dropped".into(),
            object: object.into(),
            negated: false,
            qualifiers: [("reason".to_string(), vec![reason.to_string()])]
                .into_iter()
                .collect(),
            evidence: Vec::new(),
            sources: 1,
            hedged: false,
            disagreements: Vec::new(),
            when: None,
            event: None,
            reported: (None, None),
        };
        let facts = [
            fact("Globex", "too  small"),
            fact("the {deal}", "cost"),
            fact("Initech", "a {reason} here"),
            fact("", ""),
        ];
        let templates = [
            "{subject} {label} {object}",
            "{subject} {label} {object} ({reason})",
            "{subject} said {unknown} {object}.",
            "  {subject}   {label}  ",
            "{subject} {label} {object",
            "{subject} } {label}",
            "{sub{subject}ject} {object}",
            "",
        ];
        for f in &facts {
            for t in templates {
                for subject in ["Acme", "", "A{b}c"] {
                    assert_eq!(
                        f.fill(t, subject, "dropped"),
                        fill_by_replacing(f, t, subject, "dropped"),
                        "{t:?} with {subject:?} and {:?}",
                        f.object
                    );
                }
            }
        }
    }

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
        assert_eq!((f.sources, f.evidence.len()), (2, 3));
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
    fn a_sentence_counts_once_even_when_its_article_comes_back() {
        let config = Config::parse(CONFIG).unwrap();
        let reader = Reader::new(&config.corpus).unwrap();
        let parsed: Vec<_> = [
            ("a.txt", "date 2025-01-01\nAcme dropped Globex."),
            ("b.txt", "date 2025-01-02\nAcme dropped Globex."),
        ]
        .iter()
        .map(|(n, t)| reader.parse(n, t).unwrap())
        .collect();
        let mut extraction = Extractor::new(&config).unwrap().extract_all(&parsed);
        assert_eq!(extraction.facts.len(), 2);
        // a.txt's sentence again, after b.txt's, with a reason: no
        // extraction breaks a source's run of raw facts, but the table
        // must not count the sentence twice if one did.
        let mut again = extraction.facts[0].clone();
        again.evidence.qualifiers = [("reason".to_string(), "of cost".to_string())]
            .into_iter()
            .collect();
        extraction.facts.push(again);
        let t = FactTable::build(&config, extraction);
        let f = t.relation("dropped").next().unwrap();
        assert_eq!((f.sources, f.evidence.len()), (2, 2));
        assert_eq!(f.qualifiers["reason"], vec!["of cost".to_string()]);
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
            t.conflicting(d).iter().map(|f| f.id).collect::<Vec<_>>(),
            vec![p.id]
        );
        let typed = p.id.to_string().to_lowercase();
        assert_eq!(t.by_id(&typed).map(|f| f.id), Some(p.id));
        assert!(t.by_id("F99").is_none());
    }

    #[test]
    fn fact_ids_stay_the_same_when_an_article_is_added() {
        let one = table(&[("b.txt", "date 2025-01-02\nAcme dropped Globex.")]);
        let two = table(&[
            (
                "a.txt",
                "date 2025-01-01\nGlobex partnered with Acme. Acme dropped Initech.",
            ),
            ("b.txt", "date 2025-01-02\nAcme dropped Globex."),
        ]);
        let id = |t: &FactTable| {
            t.all()
                .iter()
                .find(|f| f.relation == "dropped" && f.object == "Globex")
                .map(|f| f.id)
        };
        assert!(id(&one).is_some());
        assert_eq!(id(&one), id(&two));
        assert_eq!(two.all().len(), 3);
        assert_eq!(
            FactId::parse(&FactId(0x3fa2c1d0).to_string()),
            Some(FactId(0x3fa2c1d0))
        );
    }
}
