//! What changed between two fact tables: new facts, facts that gained or
//! lost sources, facts no source states any more, a new or changed status,
//! new disagreements. Computed by the watcher at each swap, kept on the new
//! engine as its history, answered by `/whats-new [since]` and posted to the
//! updates channel.
//!
//! Facts are matched by what they say (subject, relation, object, polarity),
//! not by id, so a renumbering can never read as a change.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Changes;
use crate::extract::Evidence;
use crate::facts::Fact;
use crate::query::{Answer, Citation, Item, Request};
use crate::Engine;

/// The answer kind of `/whats-new` in `[[command]]`.
pub const ANSWER_KIND: &str = "whats-new";
/// Change sets an engine remembers (older ones are dropped).
pub const HISTORY: usize = 50;
/// Citations shown per change.
const CITES_PER_CHANGE: usize = 2;

/// One change set: what a swap of the table changed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Diff {
    /// When the new table came into force (Unix seconds).
    pub at: u64,
    /// The files behind it.
    pub files: Changes,
    /// The changes that matter, in a stable order.
    pub changes: Vec<Change>,
}

/// What kind of change.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The status answer reads differently.
    Status,
    /// A fact no article stated before.
    NewFact,
    /// Sources now differ on a fact.
    Disagreement,
    /// More articles state a fact.
    GainedSources,
    /// Fewer articles state a fact (some still do).
    LostSources,
    /// No article states a fact any more.
    Gone,
}

/// One change, in words, with the sentences it rests on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// What kind.
    pub kind: Kind,
    /// The change in words.
    pub text: String,
    /// The sentences behind it (for [`Kind::Gone`] and
    /// [`Kind::LostSources`], none: the articles are gone).
    pub citations: Vec<Citation>,
}

impl Diff {
    /// Whether anything worth telling a channel changed.
    pub fn matters(&self) -> bool {
        !self.changes.is_empty()
    }
}

type Key<'a> = (&'a str, &'a str, &'a str, bool);

fn key(f: &Fact) -> Key<'_> {
    (&f.subject, &f.relation, &f.object, f.negated)
}

/// The difference from `old` to `new`, stamped `at`.
pub fn diff(old: &Engine, new: &Engine, files: &Changes, at: u64) -> Diff {
    let before: BTreeMap<Key<'_>, &Fact> = old.facts().all().iter().map(|f| (key(f), f)).collect();
    let after: BTreeMap<Key<'_>, &Fact> = new.facts().all().iter().map(|f| (key(f), f)).collect();
    let mut changes = Vec::new();
    if let (Some(was), Some(now)) = (status(old), status(new)) {
        if was.headline != now.headline {
            changes.push(Change {
                kind: Kind::Status,
                text: format!("Status: {}", now.headline),
                citations: now.citations.into_iter().take(CITES_PER_CHANGE).collect(),
            });
        }
    }
    for (k, f) in &after {
        let text = new.fact_sentence(f);
        let Some(o) = before.get(k) else {
            changes.push(Change {
                kind: Kind::NewFact,
                text,
                citations: cite(new, f.evidence.iter()),
            });
            continue;
        };
        let was: BTreeSet<&str> = o.evidence.iter().map(|e| &*e.source).collect();
        let now: BTreeSet<&str> = f.evidence.iter().map(|e| &*e.source).collect();
        let gained: Vec<&str> = now.difference(&was).copied().collect();
        let lost: Vec<&str> = was.difference(&now).copied().collect();
        for d in &f.disagreements {
            if !o.disagreements.iter().any(|x| x.what == d.what) {
                let values: Vec<&str> = d.values.iter().map(|(v, _)| v.as_str()).collect();
                changes.push(Change {
                    kind: Kind::Disagreement,
                    text: format!(
                        "Sources now differ on the {} of: {text} ({})",
                        d.what,
                        values.join(" / ")
                    ),
                    citations: cite(
                        new,
                        f.evidence.iter().filter(|e| gained.contains(&&*e.source)),
                    ),
                });
            }
        }
        if !gained.is_empty() {
            changes.push(Change {
                kind: Kind::GainedSources,
                text: format!("{text} ({} sources, was {})", f.sources, o.sources),
                citations: cite(
                    new,
                    f.evidence.iter().filter(|e| gained.contains(&&*e.source)),
                ),
            });
        }
        if !lost.is_empty() {
            changes.push(Change {
                kind: Kind::LostSources,
                text: format!(
                    "{text} ({} sources, was {}; no longer: {})",
                    f.sources,
                    o.sources,
                    lost.join(", ")
                ),
                citations: Vec::new(),
            });
        }
    }
    for (k, f) in &before {
        if !after.contains_key(k) {
            changes.push(Change {
                kind: Kind::Gone,
                text: format!("No article states any more: {}", old.fact_sentence(f)),
                citations: Vec::new(),
            });
        }
    }
    changes.sort_by_key(|c| c.kind);
    Diff {
        at,
        files: files.clone(),
        changes,
    }
}

/// The answer to the first `status` command, if the config has one.
fn status(engine: &Engine) -> Option<Answer> {
    let cmd = engine
        .config()
        .commands
        .iter()
        .find(|c| c.answer == "status")?;
    let a = engine.answer(&Request::Command {
        name: cmd.name.clone(),
        options: BTreeMap::new(),
    });
    a.answered.then_some(a)
}

/// Up to [`CITES_PER_CHANGE`] citations, one article each, from `engine`'s
/// articles.
fn cite<'a>(engine: &Engine, evidence: impl Iterator<Item = &'a Evidence>) -> Vec<Citation> {
    let mut seen = BTreeSet::new();
    evidence
        .filter(|e| seen.insert(e.source.clone()))
        .take(CITES_PER_CHANGE)
        .map(|e| {
            let a = engine.articles().iter().find(|a| *a.id == *e.source);
            Citation {
                n: 0,
                source: e.source.clone(),
                title: a.and_then(|a| a.title.as_deref().map(Into::into)),
                outlet: a.and_then(|a| a.outlet.as_deref().map(Into::into)),
                date: e.published,
                url: a.and_then(|a| a.url.as_deref().map(Into::into)),
                quote: e.quote.clone(),
                article: None,
            }
        })
        .collect()
}

/// Parses `/whats-new`'s `since`: `30m`, `6h`, `2d`, a date `YYYY-MM-DD`,
/// or nothing (everything remembered). Returns the Unix second it means.
pub fn parse_since(since: Option<&str>, now: u64) -> Result<u64, String> {
    let Some(s) = since.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(0);
    };
    if let Some(d) = crate::date::Date::parse_iso_prefix(s).filter(|_| s.len() == 10) {
        return Ok(u64::try_from(d.to_days()).unwrap_or(0) * 86_400);
    }
    let (n, unit) = s.split_at(s.len() - 1);
    let secs = match unit {
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "`{s}` is not a time: try 30m, 6h, 2d or 2025-02-14"
            ))
        }
    };
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a time: try 30m, 6h, 2d or 2025-02-14"))?;
    Ok(now.saturating_sub(n.saturating_mul(secs)))
}

/// The `/whats-new` answer: every remembered change set since `since`,
/// newest first, each change an item with its citations.
pub fn answer(engine: &Engine, question: &str, since: Option<&str>) -> Answer {
    let mut ans = Answer::new(question, ANSWER_KIND);
    let now = now();
    let from = match parse_since(since, now) {
        Ok(t) => t,
        Err(e) => {
            ans.hints.push(e);
            return ans;
        }
    };
    let sets: Vec<&Diff> = engine
        .history()
        .iter()
        .rev()
        .filter(|d| d.at >= from)
        .collect();
    let count: usize = sets.iter().map(|d| d.changes.len()).sum();
    ans.answered = true;
    if count == 0 {
        ans.headline = match since {
            Some(s) if !s.trim().is_empty() => format!("Nothing new since {}.", s.trim()),
            _ => "Nothing new since the bot started.".to_string(),
        };
        return ans;
    }
    ans.headline = format!(
        "{count} change{} in {} update{} of the articles:",
        if count == 1 { "" } else { "s" },
        sets.len(),
        if sets.len() == 1 { "" } else { "s" }
    );
    for d in sets {
        for c in &d.changes {
            let cites = c
                .citations
                .iter()
                .map(|x| ans.cite(x.clone()))
                .collect::<Vec<_>>();
            ans.items.push(Item {
                text: c.text.clone(),
                cites,
            });
        }
    }
    ans
}

/// The text the updates channel gets for one change set (plain; the
/// gateway wraps it in an embed).
pub fn announcement(d: &Diff) -> Answer {
    let mut ans = Answer::new("/whats-new", ANSWER_KIND);
    ans.answered = true;
    let names: Vec<&str> = d
        .files
        .added
        .iter()
        .chain(&d.files.changed)
        .map(String::as_str)
        .collect();
    ans.headline = if names.is_empty() {
        "The articles changed:".to_string()
    } else {
        format!("New in {}:", names.join(", "))
    };
    for c in &d.changes {
        let cites = c
            .citations
            .iter()
            .map(|x| ans.cite(x.clone()))
            .collect::<Vec<_>>();
        ans.items.push(Item {
            text: c.text.clone(),
            cites,
        });
    }
    ans
}

/// Unix seconds now.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
