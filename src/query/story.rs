//! Whole-story views: the status line, the timeline, quotations, one
//! entity, the sources and one fact with its evidence. Same rules as the
//! relation answers: every line rests on cited sentences.

use crate::config::Config;
use crate::corpus::Article;
use crate::date::Date;
use crate::extract::Evidence;
use crate::facts::{Fact, FactTable, Qualifier};

use super::answer::{Answer, Basis, Item};
use super::ctx::{dedup, Ctx};
use super::respond::{more_items, MAX_LISTED};

/// The latest reported state, then how it got there.
pub fn status(ctx: &Ctx<'_>) -> Answer {
    let mut ans = ctx.answer("status");
    let mut ranked: Vec<(u32, &str)> = ctx
        .config
        .relations
        .iter()
        .filter_map(|r| r.status.filter(|&s| s > 0).map(|s| (s, r.name.as_str())))
        .collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
    // The story's own parties: the actor and everyone a fact links to it.
    // A stage between two others ("as Contoso did when it completed its
    // deal for Fabrikam", said in passing) is another story.
    let actor = ctx.facts.actor();
    let entities = ctx.facts.entities();
    let mut core: std::collections::HashSet<&str> = std::collections::HashSet::new();
    core.insert(actor);
    // "Northwind board" and "Northwind": an actor named with its organisation.
    for name in entities.keys() {
        let within = |long: &str, short: &str| {
            long.len() > short.len()
                && long.starts_with(short)
                && long[short.len()..].starts_with(' ')
        };
        if within(actor, name) || within(name, actor) {
            core.insert(name.as_str());
        }
    }
    let actors: Vec<&str> = core.iter().copied().collect();
    for f in ctx.facts.all() {
        if actors.contains(&f.subject.as_str()) {
            core.insert(f.object.as_str());
        } else if actors.contains(&f.object.as_str()) {
            core.insert(f.subject.as_str());
        }
    }
    // The people who hold the story's offices ("Dana Roe: chief executive
    // of Northwind").
    for f in ctx.facts.relation("role") {
        if actors.contains(&f.object.as_str()) {
            core.insert(f.subject.as_str());
        }
    }
    core.remove("");
    // And the products they act on ("the regulator grounded the Gizmo"):
    // what others then do with those is the story too.
    let products: Vec<&str> = ctx
        .facts
        .all()
        .iter()
        .filter(|f| core.contains(f.subject.as_str()))
        .filter(|f| entities.get(&f.object).is_some_and(|e| e.kind == "PRODUCT"))
        .map(|f| f.object.as_str())
        .collect();
    core.extend(products);
    let on_story = |f: &Fact| {
        core.contains(f.subject.as_str())
            || core.contains(f.object.as_str())
            || !entities.contains_key(&f.object)
    };
    // The last stages of a story (a deal closed or called off): once one
    // has happened nothing is still open.
    let last_rank = ranked.first().map_or(0, |r| r.0);
    let mut over = false;
    let mut latest: Vec<String> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut newest: Option<Date> = None;
    for &(rank, rel) in &ranked {
        let mut facts: Vec<&Fact> = ctx.facts.relation(rel).filter(|f| on_story(f)).collect();
        // Where things stand: within a stage, the newest first (an office
        // changes hands; the last appointment is who holds it).
        facts.sort_by_key(|f| {
            let date = f.event_date().or(f.last_reported());
            // On one day, what the articles date comes before what they only report.
            std::cmp::Reverse((date, f.event_date().is_some()))
        });
        if facts.is_empty() {
            continue;
        }
        // The stage's heading: its label, or its topic label when every
        // fact shown is about the deal itself ("Completed", not "Completed
        // its deal for").
        let topic_words = &ctx.config.query.topic_words;
        let label = ctx
            .config
            .relations
            .iter()
            .find(|r| r.name == *rel)
            .map_or(rel, |r| {
                let first = facts
                    .first()
                    .map_or(r.label.as_str(), |f| r.label_for(&f.object, topic_words));
                let same = facts
                    .iter()
                    .take(6)
                    .all(|f| r.label_for(&f.object, topic_words) == first);
                if same {
                    first
                } else {
                    r.label.as_str()
                }
            });
        let mut parts = Vec::new();
        let mut cites = Vec::new();
        for f in facts.iter().take(6) {
            parts.push(ctx.sentence(f));
            cites.extend(ctx.cite_fact(&mut ans, f, 2));
            newest = newest.max(f.last_reported());
            // What is still open ("launch date yet to be confirmed").
            if f.negated {
                pending.push(ctx.sentence(f));
            }
        }
        cites.sort();
        cites.dedup();
        let parts = dedup(parts);
        // Where things stand is what happened, not what has not.
        if latest.is_empty() && facts.iter().take(6).any(|f| !f.negated) {
            let done: Vec<String> = facts
                .iter()
                .take(6)
                .filter(|f| !f.negated)
                .map(|f| ctx.sentence(f))
                .collect();
            latest.push(dedup(done).join("; "));
            over = rank == last_rank;
        }
        let mut label_cap = label.to_string();
        if let Some(c) = label_cap.get_mut(0..1) {
            c.make_ascii_uppercase();
        }
        ans.items.push(Item {
            text: format!("{label_cap}: {}", parts.join("; ")),
            cites,
        });
    }
    // "Where things stand" first: the latest state, its date and, when it
    // fits in a title, what is still open.
    if let Some(first) = latest.first() {
        let now = first.split("; ").next().unwrap_or(first);
        let mut head = match newest {
            Some(d) => format!("As of {d}: {now}"),
            None => format!("Latest: {now}"),
        };
        for p in dedup(pending).into_iter().filter(|_| !over) {
            if head.chars().count() + p.chars().count() + 2 <= 100 && !head.contains(&p) {
                head.push_str(&format!("; {p}"));
            }
        }
        ans.headline = head;
    }
    ans.older = true;
    ans.settle(Basis::Facts)
}

/// Lines a timeline shows, at most.
const TIMELINE_LINES: usize = 40;

/// One line of the timeline: a date, whether it is the event's own date
/// (else the day the fact was first reported), the fact (its position in
/// the table) and, for a fact dated more than once, the evidence giving
/// this date (its position in the fact's evidence).
#[derive(Debug, Clone, Copy)]
pub(super) struct Dated {
    date: Date,
    event: bool,
    fact: usize,
    evidence: Option<usize>,
}

/// What `/timeline` shows, worked out once at start-up: on a large corpus
/// finding the events told again weeks later reads every sentence of
/// every dated fact, milliseconds a call, and the timeline is the same
/// whoever asks.
#[derive(Debug, Default)]
pub(super) struct Timeline {
    /// The newest lines, newest first.
    lines: Vec<Dated>,
    /// The newest and the oldest date of all lines.
    span: Option<(Date, Date)>,
}

/// Dated events, newest first: facts whose sentences give a date, then the
/// story's stages by the date they were first reported.
pub(super) fn timeline_of(config: &Config, facts: &FactTable, articles: &[Article]) -> Timeline {
    let stage = |f: &Fact| {
        config
            .relations
            .iter()
            .any(|r| r.name == f.relation && r.status.is_some_and(|s| s > 0))
    };
    let heading = |e: &Evidence| super::ctx::is_heading(articles, e);
    let mut dated: Vec<(Date, bool, &Fact, Option<usize>)> = facts
        .all()
        .iter()
        .filter_map(|f| match f.event_date() {
            Some(d) => Some((d, true, f, None)),
            None if stage(f) => f.first_reported().map(|d| (d, false, f, None)),
            None => None,
        })
        .collect();
    // An event that happened again weeks later ("delayed again in
    // October", a preview then a general release) is one fact with two
    // full dates: each date gets its line, cited to its own sentence. Days
    // apart is one event told twice ("closed on Sunday", "said on Monday it
    // had completed"); a headline's date is only its article's.
    let again: Vec<(Date, bool, &Fact, Option<usize>)> = dated
        .iter()
        .filter(|(_, event, _, _)| *event)
        .flat_map(|&(first, _, f, _)| {
            let mut seen = vec![first];
            f.evidence
                .iter()
                .enumerate()
                .filter_map(move |(i, e)| {
                    let d = e.date.filter(|d| {
                        d.is_full() && seen.iter().all(|s| (s.to_days() - d.to_days()).abs() > 7)
                    })?;
                    if heading(e) {
                        return None;
                    }
                    seen.push(d);
                    Some((d, true, f, Some(i)))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    if !again.is_empty() {
        // The first date of such a fact is cited to its own sentences too.
        for entry in dated.iter_mut() {
            if again.iter().any(|a| std::ptr::eq(a.2, entry.2)) {
                entry.3 = entry
                    .2
                    .evidence
                    .iter()
                    .position(|e| e.date == Some(entry.0) && !heading(e));
            }
        }
    }
    dated.extend(again);
    // Newest first: a team following a story wants what happened last.
    dated.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.index.cmp(&b.2.index))
    });
    Timeline {
        span: dated.first().zip(dated.last()).map(|(n, o)| (n.0, o.0)),
        lines: dated
            .iter()
            .take(TIMELINE_LINES)
            .map(|&(date, event, f, evidence)| Dated {
                date,
                event,
                fact: f.index,
                evidence,
            })
            .collect(),
    }
}

/// Dated events, newest first ([`timeline_of`], read at start-up).
pub fn timeline(ctx: &Ctx<'_>) -> Answer {
    let mut ans = ctx.answer("timeline");
    let timeline = ctx.lookups.timeline();
    for line in &timeline.lines {
        let Some(f) = ctx.facts.all().get(line.fact) else {
            continue;
        };
        let cites = match line.evidence.and_then(|i| f.evidence.get(i)) {
            Some(e) => ctx.cite(&mut ans, e).into_iter().collect(),
            None => ctx.cite_fact(&mut ans, f, 2),
        };
        let when = if line.event {
            line.date.to_string()
        } else {
            format!("{} (reported)", line.date)
        };
        ans.items.push(Item {
            text: format!("{when}: {}", ctx.sentence(f)),
            cites,
        });
    }
    if let Some((newest, oldest)) = timeline.span {
        ans.headline = if newest == oldest {
            format!("What happened on {newest}")
        } else {
            format!("Newest first: {newest} back to {oldest}")
        };
    }
    ans.older = true;
    ans.settle(Basis::Facts)
}

/// Quotations, optionally by one speaker and about other entities; for a
/// speaker, also what the articles attribute to them ("according to X",
/// an outlet's own articles), and when no fact holds any of it, the
/// sentences that quote or cite them (the quotes tier).
pub fn quotes(
    ctx: &Ctx<'_>,
    relations: &[String],
    speaker: Option<&str>,
    about: &[&str],
) -> Answer {
    let mut ans = ctx.answer("quotes");
    let mut facts: Vec<&Fact> = relations
        .iter()
        .flat_map(|r| ctx.facts.relation(r))
        .collect();
    if let Some(s) = speaker {
        facts.retain(|f| f.subject == s);
    }
    if !about.is_empty() {
        facts = focus(ctx, facts, about);
    }
    // Direct quotations first, then reported speech.
    facts.sort_by_key(|f| (!ctx.lookups.direct_quote(f.index), f.index));
    let mut more = facts.len().saturating_sub(MAX_LISTED);
    for f in facts.iter().take(MAX_LISTED) {
        let cites = ctx.cite_item(&mut ans, f);
        ans.items.push(Item {
            text: ctx.sentence(f),
            cites,
        });
    }
    if let Some(s) = speaker {
        // What the articles report on the speaker's word.
        let mut reported: Vec<&Fact> = ctx
            .lookups
            .attributed(ctx.lexicon.aliases_of(s))
            .into_iter()
            .filter_map(|i| ctx.facts.all().get(i))
            .filter(|f| !facts.iter().any(|g| g.index == f.index) && f.subject != s)
            .collect();
        if !about.is_empty() {
            reported = focus(ctx, reported, about);
        }
        reported.sort_by_key(|f| (std::cmp::Reverse(f.sources), f.index));
        let names = ctx.lexicon.aliases_of(s);
        let room = MAX_LISTED.saturating_sub(ans.items.len());
        more += reported.len().saturating_sub(room);
        for f in reported.into_iter().take(room) {
            let cites = if ans.items.len() < super::ctx::CITED_ITEMS {
                ctx.cite_where(&mut ans, f, |e| ctx.said_by(e, names), 2)
            } else {
                Vec::new()
            };
            ans.items.push(Item {
                text: format!("{} (according to {s})", ctx.sentence(f)),
                cites,
            });
        }
    }
    more_items(&mut ans, more);
    if !ans.items.is_empty() {
        let who = match speaker {
            Some(s) => format!("What {s} said or reported"),
            None => "What was said".into(),
        };
        // Says which is which: quotation marks only for the words quoted.
        ans.headline =
            match super::speech::summary(ctx.config, &facts, |f| ctx.lookups.quoted_directly(f)) {
                Some(kinds) => format!("{who}: {kinds}"),
                None => format!("{who}:"),
            };
        return ans.settle(Basis::Facts);
    }
    match speaker {
        Some(s) => super::retrieval::attributed(ctx, s, about),
        None => ans,
    }
}

/// The facts about every `about` entity, if any; else all of them.
fn focus<'f>(ctx: &Ctx<'_>, facts: Vec<&'f Fact>, about: &[&str]) -> Vec<&'f Fact> {
    let focused: Vec<&Fact> = facts
        .iter()
        .copied()
        .filter(|f| {
            about
                .iter()
                .all(|a| ctx.fact_entities(f).contains(*a) || f.object.contains(a))
        })
        .collect();
    if focused.is_empty() {
        facts
    } else {
        focused
    }
}

/// The role a fact gives `entity` ("chairman of Globex"), if any. A role
/// fact's subject holds the role; any other fact's role qualifier describes
/// its object ("Globex picked Initech as its main partner": Initech is the
/// main partner of Globex).
/// Who holds a role at an organisation, by a role the words name ("the
/// chief executive of Globex", "Globex's CEO"): the subject of a role fact
/// on that organisation whose role the words hold.
pub fn holder_of_role(ctx: &Ctx<'_>, org: &str, words: &str) -> Option<String> {
    let words = words.to_lowercase();
    let named = |role: &str| {
        let role = role.to_lowercase();
        !role.is_empty()
            && words.match_indices(role.as_str()).any(|(at, _)| {
                let end = at + role.len();
                super::understand::starts_word(&words, at)
                    && !words[end..].starts_with(|c: char| c.is_alphanumeric())
            })
    };
    ctx.facts
        .relation("role")
        .filter(|f| f.object == org && !f.negated)
        .find(|f| f.values(Qualifier::Role).iter().any(|r| named(r)))
        .map(|f| f.subject.clone())
}

fn role_of(f: &Fact, entity: &str) -> Option<String> {
    let role = f.qualifier(Qualifier::Role)?;
    let of = if f.relation == "role" {
        (f.subject == entity).then_some(&f.object)?
    } else {
        (f.object == entity).then_some(&f.subject)?
    };
    (of != entity).then(|| format!("{role} of {of}"))
}

/// Sentences searched for an entity's description, at most: the first
/// mentions describe a name; a large corpus is not read whole per question.
const DESCRIBED_SEARCHED: usize = 60;

/// How the articles describe an entity, in their own words: the appositive
/// after its name ("Globex, the Ohio-based parts maker, said"), as
/// (article, sentence, phrase), at most two, different phrases.
fn descriptions(ctx: &Ctx<'_>, entity: &str) -> Vec<(usize, usize, String)> {
    let mut names: Vec<String> = vec![entity.to_lowercase()];
    names.extend(ctx.lexicon.aliases_of(entity).iter().cloned());
    let mut out: Vec<(usize, usize, String)> = Vec::new();
    for &d in ctx
        .index
        .entity_docs(entity)
        .iter()
        .take(DESCRIBED_SEARCHED)
    {
        let (article, sentence) = ctx.index.doc(d);
        let text = &ctx.articles[article].sentences[sentence].text;
        let Some(phrase) = names.iter().find_map(|n| appositive_after(text, n)) else {
            continue;
        };
        if !out.iter().any(|(_, _, p)| p.eq_ignore_ascii_case(phrase)) {
            out.push((article, sentence, phrase.to_string()));
        }
        if out.len() == 2 {
            break;
        }
    }
    out
}

/// The noun phrase set off by commas right after `name` (lower case) in
/// `text`: it starts with a determiner or possessive and runs to the next
/// comma, dash or the sentence's end ("Northwind, its biggest rival,").
fn appositive_after<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    const OPENERS: [&str; 7] = ["a", "an", "the", "its", "their", "his", "her"];
    if text.len() != text.to_lowercase().len() {
        return None;
    }
    let lower = text.to_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| i + from) {
        from = i + name.len();
        let Some(rest) = text[from..].strip_prefix(", ") else {
            continue;
        };
        if !super::understand::starts_word(&lower, i) {
            continue;
        }
        let end = rest
            .find([',', ';', '(', ')', '"', '\u{201c}', '\u{2014}'])
            .or_else(|| rest.find(" - "))
            .unwrap_or(rest.len());
        let phrase = rest[..end].trim_end_matches(['.', '!', '?', ' ']);
        let words: Vec<&str> = phrase.split_whitespace().collect();
        let reported = words
            .last()
            .is_some_and(|w| ["said", "says", "told", "added", "reported", "wrote"].contains(w));
        // "Globex, a day after the ruling, said": time, not a description.
        let when = words
            .iter()
            .any(|w| ["after", "before", "when", "while", "since", "until"].contains(w))
            || words.get(1).is_some_and(|w| {
                [
                    "day", "days", "week", "weeks", "month", "months", "year", "years",
                ]
                .contains(w)
            });
        if (3..=14).contains(&words.len())
            && OPENERS.contains(&words[0].to_lowercase().as_str())
            && !reported
            && !when
        {
            return Some(phrase);
        }
    }
    None
}

/// Who or what an entity is, and what the articles say it did.
pub fn about(ctx: &Ctx<'_>, entity: &str) -> Answer {
    about_with(ctx, entity, None)
}

/// `about`, narrowed to the facts that also involve `with` when there are
/// any ("what will Globex do with Initech?").
/// "What did X do after the ruling?": what X did, dated after the first
/// event of the relations named (`after`), in date order.
pub fn done_after(ctx: &Ctx<'_>, entity: &str, after: &[String]) -> Answer {
    let mut ans = ctx.answer("about");
    let Some(since) = after
        .iter()
        .flat_map(|r| ctx.facts.relation(r))
        .filter(|f| !f.negated)
        .filter_map(|f| f.event_date())
        .min()
    else {
        return ans;
    };
    let mut facts: Vec<(Date, &Fact)> = ctx
        .lookups
        .involving(entity)
        .iter()
        .filter_map(|&i| ctx.facts.all().get(i))
        .filter(|f| f.subject == entity && !f.negated && !after.contains(&f.relation))
        .filter_map(|f| f.event_date().filter(|d| *d >= since).map(|d| (d, f)))
        .collect();
    facts.sort_by_key(|(d, f)| (*d, f.index));
    for (d, f) in facts.iter().take(10) {
        let cites = ctx.cite_fact(&mut ans, f, 2);
        ans.items.push(Item {
            text: format!("{d}: {}", ctx.sentence(f)),
            cites,
        });
    }
    if !ans.items.is_empty() {
        ans.headline = format!("What {entity} did from {since} on:");
    }
    ans.settle(Basis::Facts)
}

pub fn about_with(ctx: &Ctx<'_>, entity: &str, with: Option<&str>) -> Answer {
    let mut ans = ctx.answer("about");
    let info = ctx.facts.entities().get(entity);
    let mut facts: Vec<&Fact> = ctx
        .lookups
        .involving(entity)
        .iter()
        .filter_map(|&i| ctx.facts.all().get(i))
        .collect();
    if let Some(w) = with {
        let both: Vec<&Fact> = facts
            .iter()
            .copied()
            .filter(|f| f.subject == w || f.object == w)
            .collect();
        if !both.is_empty() {
            facts = both;
        }
    }
    // Roles first ("chairman of Globex"), then by support.
    facts.sort_by_key(|f| {
        (
            role_of(f, entity).is_none(),
            std::cmp::Reverse(f.sources),
            f.index,
        )
    });
    let mut roles: Vec<String> = Vec::new();
    for role in facts.iter().filter_map(|f| role_of(f, entity)) {
        // One entry per role; a copy keeping the article's capitals ("AI")
        // wins over a lower-cased one.
        let caps = |r: &str| r.chars().filter(|c| c.is_uppercase()).count();
        match roles.iter_mut().find(|r| r.eq_ignore_ascii_case(&role)) {
            Some(r) if caps(r) < caps(&role) => *r = role,
            Some(_) => {}
            None => roles.push(role),
        }
    }
    for (article, sentence, phrase) in descriptions(ctx, entity) {
        let c = ctx.cite_sentence(&mut ans, article, sentence);
        ans.items.push(Item {
            text: format!("Described as \"{phrase}\""),
            cites: vec![c],
        });
    }
    for f in facts.iter().take(10) {
        let cites = ctx.cite_fact(&mut ans, f, 2);
        ans.items.push(Item {
            text: ctx.sentence(f),
            cites,
        });
    }
    let mut basis = Basis::Facts;
    if facts.is_empty() {
        // Known but in no fact: quote where it is mentioned.
        basis = Basis::Quotes;
        for &d in ctx.index.entity_docs(entity).iter().take(3) {
            let (article, sentence) = ctx.index.doc(d);
            let c = ctx.cite_sentence(&mut ans, article, sentence);
            ans.items.push(Item {
                text: format!("\"{}\"", ctx.articles[article].sentences[sentence].text),
                cites: vec![c],
            });
        }
    }
    // A friendly word for the kind; a name of unknown kind gets none.
    let kind = match info.map(|i| i.kind.as_str()) {
        Some("NAME") | None => String::new(),
        Some("ORG") => " (organisation)".to_string(),
        Some("OUTLET") => " (news outlet)".to_string(),
        Some(k) => format!(" ({})", k.to_lowercase()),
    };
    ans.headline = if !roles.is_empty() {
        format!("{entity}: {}", dedup(roles).join("; "))
    } else if basis == Basis::Quotes {
        format!("{entity}{kind}. {}", super::retrieval::LEAD)
    } else {
        format!("{entity}{kind}")
    };
    ans.settle(basis)
}

/// Articles listed by `/sources`, at most.
const SOURCES_LISTED: usize = 50;

/// The articles behind the answers.
pub fn sources(ctx: &Ctx<'_>) -> Answer {
    let mut ans = ctx.answer("sources");
    // A very large corpus: the first articles, then how many more (a
    // reply cannot list ten thousand; `check` can).
    for (i, a) in ctx.articles.iter().enumerate().take(SOURCES_LISTED) {
        let lede = a
            .sentences
            .iter()
            .find(|s| !s.heading)
            .unwrap_or(&a.sentences[0]);
        let c = ctx.cite_sentence(&mut ans, i, lede.index);
        let outlet = a.outlet.clone().unwrap_or_else(|| "unknown outlet".into());
        let date = a.date.map_or("undated".to_string(), |d| d.to_string());
        let title = a
            .title
            .clone()
            .unwrap_or_else(|| lede.text.chars().take(80).collect());
        ans.items.push(Item {
            text: format!("{outlet}, {date}: {title} ({})", a.id),
            cites: vec![c],
        });
    }
    if ctx.articles.len() > SOURCES_LISTED {
        ans.items.push(Item {
            text: format!(
                "and {} more articles (factdesk check lists them all)",
                ctx.articles.len() - SOURCES_LISTED
            ),
            cites: Vec::new(),
        });
    }
    ans.headline = format!("{} articles", ctx.articles.len());
    ans.settle(Basis::Facts)
}

/// One fact with all its evidence.
pub fn fact(ctx: &Ctx<'_>, id: &str) -> Answer {
    let mut ans = ctx.answer("fact");
    if let Some(f) = ctx.facts.by_id(id) {
        ans.headline = format!("{}: {}", f.id, ctx.sentence(f));
        // A popular fact can rest on thousands of sentences; a reply can
        // show a few dozen.
        const SHOWN: usize = 20;
        if f.evidence.len() > SHOWN {
            ans.headline.push_str(&format!(
                " ({} sentences; the first {SHOWN} shown)",
                f.evidence.len()
            ));
        }
        for e in f.evidence.iter().take(SHOWN) {
            let c = ctx.cite(&mut ans, e).into_iter().collect();
            let mut text = format!("rule {}", e.rule);
            if let Some(a) = &e.attribution {
                text.push_str(&format!(", attributed to {a}"));
            }
            for (k, v) in &e.qualifiers {
                text.push_str(&format!(", {k}: {v}"));
            }
            ans.items.push(Item { text, cites: c });
        }
        ctx.add_disagreements(&mut ans, &[f]);
    }
    ans.settle(Basis::Facts)
}

#[cfg(test)]
mod tests {
    use super::appositive_after;

    #[test]
    fn an_appositive_after_the_name_describes_it() {
        let s = "Northwind, the Ohio-based parts maker, said on Monday it would appeal.";
        assert_eq!(
            appositive_after(s, "northwind"),
            Some("the Ohio-based parts maker")
        );
        let s = "Regulators are looking into Gizmo, its screen-reading search tool.";
        assert_eq!(
            appositive_after(s, "gizmo"),
            Some("its screen-reading search tool")
        );
        // Lists, reporting clauses and time adverbials are not descriptions.
        for s in [
            "Globex, Initech and Northwind bid.",
            "The deal is off, Globex, the company said.",
            "Globex, a day after the ruling, walked away.",
            "Globex, which makes parts, said so.",
            "MegaGlobex, the parent, said so.",
        ] {
            assert_eq!(appositive_after(s, "globex"), None, "{s}");
        }
    }
}
