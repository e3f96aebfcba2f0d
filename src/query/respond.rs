//! Answer builders for questions about relations: list, reason, date,
//! place, who, yes/no and numbers. Each reads facts, cites their evidence
//! and returns an [`Answer`] (not answered when no fact fits); none
//! invents text beyond joining what the facts hold. Whole-story views live
//! in `story`, the quotes tier in `retrieval`.

use std::collections::{BTreeSet, HashMap};

use crate::extract::Evidence;
use crate::facts::{Fact, Qualifier};

use super::answer::{Answer, Basis, Item};
use super::ctx::{dedup, Ctx, CITES_PER_ITEM};
use super::understand::Understanding;

pub(super) fn named(u: &Understanding) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for e in u.entities.iter().filter(|e| e.kind != "PLACE") {
        if !out.contains(&e.name.as_str()) {
            out.push(e.name.as_str());
        }
    }
    out
}

/// The facts of these relations, leaving out those only modal or
/// conditional sentences state when the question asks what happened
/// ("X would partner with Y" does not answer "who did X partner with?").
pub(super) fn facts_of<'f>(
    ctx: &Ctx<'f>,
    relations: &[String],
    u: &Understanding,
) -> Vec<&'f Fact> {
    relations
        .iter()
        .flat_map(|r| ctx.facts.relation(r))
        .filter(|f| !(u.happened && ctx.modal_only(f)))
        .collect()
}

/// Facts of the given relations that involve the question's entities: all
/// of them if some fact has them all, else any.
pub(super) fn involving<'f>(
    ctx: &Ctx<'f>,
    relations: &[String],
    u: &Understanding,
) -> Vec<&'f Fact> {
    let names = named(u);
    if names.is_empty() {
        return facts_of(ctx, relations, u);
    }
    // Only facts a name is party to can qualify (or whose topic object
    // names it), of the relations asked: looked up by name or by
    // relation, whichever lists fewer facts (the story's actor is party
    // to nearly every fact), not by reading every fact.
    let by_name: usize = names
        .iter()
        .map(|n| ctx.lookups.involving(n).len())
        .sum::<usize>()
        + ctx.lookups.topic_facts().len();
    let by_relation: usize = relations
        .iter()
        .map(|r| ctx.facts.relation(r).count())
        .sum();
    // A fact's rank is where its relation first comes in `relations`:
    // looked up by the relation's config position, not by comparing
    // names (thousands of candidates, dozens of relations).
    let mut rank_at: Vec<Option<usize>> = vec![None; ctx.config.relations.len()];
    for (r, name) in relations.iter().enumerate().rev() {
        if let Some(slot) = ctx
            .lookups
            .relation_position(name)
            .and_then(|p| rank_at.get_mut(p))
        {
            *slot = Some(r);
        }
    }
    let rank = |f: &Fact| match ctx.lookups.relation_at(f) {
        Some(p) if p < rank_at.len() => rank_at[p],
        _ => relations.iter().position(|r| *r == f.relation),
    };
    let mut all: Vec<(usize, &Fact)> = if by_relation < by_name {
        let candidate = |f: &Fact| {
            names.iter().any(|n| f.subject == *n || f.object == *n)
                || !ctx.lookups.object_is_entity(f, ctx.facts)
        };
        let mut all: Vec<(usize, &Fact)> = Vec::new();
        for (r, name) in relations.iter().enumerate() {
            // A relation named twice ranks by its first place.
            if relations[..r].contains(name) {
                continue;
            }
            all.extend(
                ctx.facts
                    .relation(name)
                    .filter(|f| candidate(f))
                    .filter(|f| !(u.happened && ctx.modal_only(f)))
                    .map(|f| (r, f)),
            );
        }
        all
    } else {
        let mut candidates: Vec<usize> = Vec::with_capacity(by_name);
        candidates.extend(
            names
                .iter()
                .flat_map(|n| ctx.lookups.involving(n).iter().copied())
                .chain(ctx.lookups.topic_facts().iter().copied()),
        );
        candidates.sort_unstable();
        candidates.dedup();
        let mut all = Vec::with_capacity(candidates.len());
        all.extend(
            candidates
                .into_iter()
                .filter_map(|i| ctx.facts.all().get(i))
                .filter(|f| !(u.happened && ctx.modal_only(f)))
                .filter_map(|f| rank(f).map(|r| (r, f))),
        );
        all
    };
    all.sort_by_key(|(r, f)| (*r, f.index));
    let all: Vec<&Fact> = all.into_iter().map(|(_, f)| f).collect();
    // A topic object ("a version of Acme Cloud ...") names things
    // inside it; an entity object is only itself ("Acme Pay" is not Acme).
    // "the Globex deal": a fact about "the deal" is about its parties.
    let topic = &ctx.config.query.topic_words;
    let about_the_deal = |f: &Fact| {
        !ctx.lookups.object_is_entity(f, ctx.facts)
            && f.object
                .rsplit(' ')
                .next()
                .is_some_and(|w| topic.iter().any(|t| t == w))
    };
    let pairs: Vec<u128> = names.iter().map(|n| super::ctx::pair_mask(n)).collect();
    let name_pairs = |n: &str| {
        names
            .iter()
            .position(|m| *m == n)
            .map_or_else(|| super::ctx::pair_mask(n), |i| pairs[i])
    };
    let is_party = |f: &Fact, n: &str| {
        f.subject == n
            || f.object == n
            || (!ctx.lookups.object_is_entity(f, ctx.facts)
                && ctx.lookups.object_contains(f, n, name_pairs(n)))
            || ctx.lookups.of_main_deal(f, n)
    };
    let deal_party = |f: &Fact, n: &str| {
        is_party(f, n) || (u.deal_of.iter().any(|d| d == n) && about_the_deal(f))
    };
    // The story's actor is implied in most questions; the other names are
    // what the question is really about.
    let actor = ctx.facts.actor();
    let focus: Vec<&str> = names.iter().copied().filter(|n| *n != actor).collect();
    // "When was the Globex law signed": a fact whose object is an act in
    // its own words ("law", "executive order") is about the names its
    // sentence gives that act.
    let act_about = |f: &Fact| {
        !ctx.facts.entities().contains_key(&f.object)
            && !about_the_deal(f)
            && names.iter().all(|n| ctx.fact_entities(f).contains(*n))
    };
    let levels: [&dyn Fn(&Fact) -> bool; 5] = [
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
        // Last, "the Globex deal" asks about "the deal" too.
        &|f| names.iter().all(|n| deal_party(f, n)),
        &|f| act_about(f),
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
    if !found.is_empty() || !only_things || named(u).is_empty() {
        return found;
    }
    // Only for relations whose objects are products themselves (a model),
    // not figures or topics.
    let all = facts_of(ctx, relations, u);
    let about_products = all.iter().any(|f| {
        ctx.facts
            .entities()
            .get(&f.object)
            .is_some_and(|e| e.kind == "PRODUCT")
    });
    if about_products {
        all
    } else {
        found
    }
}

/// Items a list builds before "and N more": a list of hundreds of names
/// is shortened here, where it costs, rather than only when rendered.
/// Reasons are never shortened here.
pub(super) const MAX_LISTED: usize = 50;

/// Ends a shortened list with how many were left out.
pub(super) fn more_items(ans: &mut Answer, more: usize) {
    if more > 0 {
        ans.items.push(Item {
            text: format!("and {more} more"),
            cites: Vec::new(),
        });
    }
}

/// Lists the entities on the other side of the question's entity.
pub fn list(ctx: &Ctx<'_>, relations: &[String], u: &Understanding, want_subjects: bool) -> Answer {
    let mut ans = ctx.answer("list");
    let names = named(u);
    // "Who is Globex's chief executive?": who was put in the office comes
    // before the roles the articles mention in passing, and a relation
    // whose facts hold other offices does not answer.
    // Sorted once: the check below runs per fact.
    let offices = offices_longest_first(ctx);
    let asked = office_words_in(&offices, &u.lower);
    let appointed = "appointed".to_string();
    let mut relations = relations.to_vec();
    if let Some(at) = relations.iter().position(|r| r == "role") {
        if !relations.contains(&appointed) && ctx.relation(&appointed).is_some() {
            relations.insert(at, appointed.clone());
        }
    }
    let holds_asked = |f: &&Fact| {
        f.values(Qualifier::Role).iter().any(|r| {
            let held = office_words_in(&offices, &r.to_lowercase());
            asked.iter().all(|w| held.contains(w))
        })
    };
    // Relations in order: the first that has matching facts answers.
    let mut facts: Vec<&Fact> = Vec::new();
    let mut used = relations.first();
    for r in &relations {
        facts = ctx.place_filter(involving_or_things(ctx, std::slice::from_ref(r), u), u);
        let offices = r == "role" || r == &appointed;
        if offices && !asked.is_empty() {
            facts.retain(holds_asked);
        }
        if !facts.is_empty() {
            used = Some(r);
            break;
        }
    }
    // "Who mediated between Globex and its pilots?": the parties after
    // "between" place the event; a fact naming neither still answers.
    let between = u.lower.find(" between ");
    if facts.is_empty()
        && !u.entities.is_empty()
        && between.is_some_and(|b| u.entities.iter().all(|e| e.span.0 > b))
    {
        for r in &relations {
            facts = facts_of(ctx, std::slice::from_ref(r), u);
            if !facts.is_empty() {
                used = Some(r);
                break;
            }
        }
    }
    // Offices change hands: the newest appointment first.
    let newest_first = used.is_some_and(|r| *r == appointed);
    if facts.iter().any(|f| !f.negated) {
        facts.retain(|f| !f.negated);
    }
    // "Which regulators signed off?": the institutions among the agents,
    // when the articles name any (not the shareholders who voted).
    {
        if let Some(noun) = asked_institution(ctx, u) {
            let kept: Vec<&Fact> = facts
                .iter()
                .copied()
                .filter(|f| is_institution(ctx, &f.subject, &noun))
                .collect();
            if !kept.is_empty() {
                facts = kept;
            }
        }
    }
    // "Who was named interim chief executive?": the facts whose office the
    // question names, when any does.
    if !asked.is_empty() {
        let kept: Vec<&Fact> = facts.iter().copied().filter(holds_asked).collect();
        if !kept.is_empty() {
            facts = kept;
        }
    }
    // Which side answers: the side that is not the question's entity.
    let mut groups: Vec<(&str, Vec<&Fact>)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for f in &facts {
        let object_is_entity = ctx.lookups.object_is_entity(f, ctx.facts);
        // Wanted subjects, unless the question names the subject itself
        // ("who did Northwind sue").
        let named_subject =
            names.contains(&f.subject.as_str()) && !names.contains(&f.object.as_str());
        let side = if want_subjects && !named_subject
            || names.contains(&f.object.as_str()) && !names.contains(&f.subject.as_str())
        {
            f.subject.as_str()
        } else if names.contains(&f.subject.as_str()) || object_is_entity {
            f.object.as_str()
        } else {
            f.subject.as_str()
        };
        if side.is_empty() {
            continue;
        }
        // Facts with their own wording (quotes, figures, requirements) are
        // items of their own; the others group under the name they answer.
        match at.get(side) {
            Some(&i) if !ctx.templated(&f.relation) => groups[i].1.push(f),
            Some(_) => groups.push((side, vec![f])),
            None => {
                at.insert(side, groups.len());
                groups.push((side, vec![f]));
            }
        }
    }
    // Most relevant, then best supported, then earliest; keys computed
    // once (a large corpus has hundreds of groups).
    type Key = (std::cmp::Reverse<usize>, std::cmp::Reverse<usize>);
    let keys: Vec<Key> = groups
        .iter()
        .map(|(_, fs)| {
            let sources = fs.iter().map(|f| f.sources).max().unwrap_or(0);
            let relevance = fs.iter().map(|f| ctx.relevance(f, u)).max().unwrap_or(0);
            (std::cmp::Reverse(relevance), std::cmp::Reverse(sources))
        })
        .collect();
    let mut order: Vec<usize> = (0..groups.len()).collect();
    let newest = |g: &(&str, Vec<&Fact>)| g.1.iter().filter_map(|f| f.date()).max();
    order.sort_by(|&a, &b| {
        let (ga, gb) = (&groups[a], &groups[b]);
        if newest_first {
            let by_date = newest(gb).cmp(&newest(ga));
            if by_date != std::cmp::Ordering::Equal {
                return by_date;
            }
        }
        keys[a]
            .cmp(&keys[b])
            .then(ga.1[0].date().cmp(&gb.1[0].date()))
            .then(ga.0.cmp(gb.0))
    });
    let groups: Vec<(&str, Vec<&Fact>)> = {
        let mut slots: Vec<Option<(&str, Vec<&Fact>)>> = groups.into_iter().map(Some).collect();
        order.iter().filter_map(|&i| slots[i].take()).collect()
    };
    // The one subject of every listed fact, if they have one ("Globex
    // rejected: ..."); `None` once a second appears.
    let mut subject: Option<Option<&str>> = None;
    let mut more = 0;
    for (name, fs) in &groups {
        for f in fs {
            match subject {
                None => subject = Some(Some(f.subject.as_str())),
                Some(Some(s)) if s != f.subject => subject = Some(None),
                _ => {}
            }
        }
        if ans.items.len() >= MAX_LISTED {
            more += 1;
            continue;
        }
        let mut cites = Vec::new();
        for f in fs {
            if ans.items.len() < super::ctx::CITED_ITEMS {
                cites.extend(ctx.cite_fact(&mut ans, f, CITES_PER_ITEM));
            }
        }
        cites.sort();
        cites.dedup();
        let best = fs
            .iter()
            .max_by_key(|f| (f.qualifiers.len(), f.sources))
            .expect("non-empty group");
        // Relations with their own wording (quotes, figures, roles) read as
        // sentences; the others as the name with its details.
        let object_is_entity = ctx.lookups.object_is_entity(best, ctx.facts);
        let text = if object_is_entity && !ctx.templated(&best.relation) {
            format!("{name}{}", ctx.details(best, &[]))
        } else {
            super::clean::single_hedge(format!(
                "{}{}",
                ctx.sentence(best),
                ctx.details(best, &[Qualifier::Role])
            ))
        };
        ans.items.push(Item { text, cites });
    }
    more_items(&mut ans, more);
    let label = used.map_or("", |r| ctx.label(r));
    let mut names_list: Vec<&str> = Vec::new();
    for (n, _) in &groups {
        if !names_list.contains(n) {
            names_list.push(n);
        }
    }
    if used.is_some_and(|r| ctx.templated(r)) {
        // Facts with their own wording: the best one says it best.
        if let Some((_, fs)) = groups.first() {
            ans.headline = ctx.sentence(fs[0]);
        }
    } else if !names_list.is_empty() {
        let named_subject = match subject {
            Some(Some(one)) if !want_subjects && !names_list.contains(&one) => Some(one),
            _ => None,
        };
        ans.headline = if let Some(one) = named_subject {
            format!("{} {}: {}", one, label, names_list.join(", "))
        } else {
            names_list.join(", ")
        };
    }
    let shown: Vec<&Fact> = groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .take(super::ctx::CITED_ITEMS)
        .collect();
    ctx.add_disagreements(&mut ans, &shown);
    ans.settle(Basis::Facts)
}

/// Every distinct reason the facts' sources give, each with the sentences
/// that give it, the best supported first; and a note when different
/// articles give different reasons. All are listed: only renderers shorten.
fn add_reasons(ctx: &Ctx<'_>, ans: &mut Answer, facts: &[&Fact], prefix: &str) {
    // The reasons of each fact, grouped once at start-up; merged here
    // across the facts (one per relation) by their wording.
    let mut reasons: Vec<(String, Vec<&Evidence>, usize, bool)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut articles: BTreeSet<usize> = BTreeSet::new();
    for f in facts {
        for g in ctx.lookups.reasons(f.index).iter().filter(|g| g.says) {
            let k = g.text.to_lowercase();
            let i = *at.entry(k).or_insert_with(|| {
                reasons.push((g.text.clone(), Vec::new(), 0, true));
                reasons.len() - 1
            });
            let r = &mut reasons[i];
            let ev: Vec<&Evidence> = g
                .evidence
                .iter()
                .filter_map(|&e| f.evidence.get(e))
                .collect();
            // Two articles are enough to know the reasons come from more
            // than one.
            if articles.len() < 2 {
                articles.extend(ev.iter().map(|e| e.article));
            }
            r.1.extend(ev);
            r.2 += g.support;
            r.3 &= g.hedged;
        }
    }
    reasons.sort_by_key(|r| std::cmp::Reverse(r.2));
    for (r, ev, _, hedged) in &reasons {
        let mut cites: Vec<usize> = if ans.items.len() < super::ctx::CITED_ITEMS {
            ev.iter()
                .take(CITES_PER_ITEM)
                .filter_map(|e| ctx.cite(ans, e))
                .collect()
        } else {
            Vec::new()
        };
        cites.sort();
        cites.dedup();
        // "reportedly" only while every source giving it hedges.
        let text = if *hedged {
            format!("{prefix}{r} (reportedly)")
        } else {
            format!("{prefix}{r}")
        };
        ans.items.push(Item { text, cites });
    }
    if reasons.len() > 1 && articles.len() > 1 {
        ans.disagreements.push(Item {
            text: "The articles give different reasons; each is listed with its source.".into(),
            cites: Vec::new(),
        });
    }
}

/// Whether a question asks if the sources agree ("do the articles agree on
/// why...", "do reports differ about...").
fn asks_agreement(lower: &str) -> bool {
    lower.split(|c: char| !c.is_alphanumeric()).any(|w| {
        matches!(
            w,
            "agree"
                | "agreed"
                | "disagree"
                | "disagreed"
                | "differ"
                | "differed"
                | "consistent"
                | "contradict"
                | "contradicts"
                | "conflicting"
                | "same"
        )
    })
}

/// Reasons given for the facts that involve the question's entities, and
/// where the sources differ on them.
pub fn reason(ctx: &Ctx<'_>, relations: &[String], u: &Understanding) -> Answer {
    let mut ans = ctx.answer("reason");
    let with_reasons = |rels: &[String]| -> Vec<&Fact> {
        involving(ctx, rels, u)
            .into_iter()
            .filter(|f| f.has_reason())
            .collect()
    };
    let mut facts = if relations.is_empty() {
        Vec::new()
    } else {
        with_reasons(relations)
    };
    if facts.is_empty() && !relations.is_empty() {
        // "Why did the regulator block it?" when the blocking sentence
        // gives no reason: the reasons the same agents give elsewhere
        // ("the regulator said the deal would harm competition").
        let actor = ctx.facts.actor();
        let agents: BTreeSet<&str> = involving(ctx, relations, u)
            .iter()
            .filter(|f| !f.negated && f.subject != actor)
            .map(|f| f.subject.as_str())
            .collect();
        facts = ctx
            .facts
            .all()
            .iter()
            .filter(|f| agents.contains(f.subject.as_str()) && f.has_reason() && !f.negated)
            .filter(|f| !(u.happened && ctx.modal_only(f)))
            .collect();
    }
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
            .then(a.index.cmp(&b.index))
    });
    if let Some(first) = facts.first() {
        let main: Vec<&Fact> = facts
            .iter()
            .copied()
            .filter(|f| f.relation == first.relation)
            .collect();
        let heads = dedup(main.iter().map(|f| ctx.sentence(f)).collect()).join("; ");
        add_reasons(ctx, &mut ans, &main, "");
        let differ = !ans.disagreements.is_empty();
        ans.headline = if asks_agreement(&u.lower) {
            if differ {
                format!("No, the sources differ: {heads}, for different reasons:")
            } else {
                format!("The sources agree: {heads}. Reasons the articles give:")
            }
        } else {
            format!("{heads}. Reasons the articles give:")
        };
        ctx.add_disagreements(&mut ans, &main);
    }
    ans.settle(Basis::Facts)
}

/// The headline and the first sentences of an article: what it reports as
/// the day's news.
const LEDE_SENTENCES: usize = 2;

/// Dates for the facts that involve the question's entities.
pub fn date(ctx: &Ctx<'_>, relations: &[String], u: &Understanding) -> Answer {
    let mut ans = ctx.answer("date");
    let dated = |f: &&Fact| {
        f.event_date().is_some()
            || f.has(Qualifier::Date)
            || f.has(Qualifier::Effective)
            || f.negated
    };
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
            .filter(|f| f.has(Qualifier::Role))
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
        let all = facts_of(ctx, relations, u);
        if all
            .iter()
            .any(|f| dated(f) && linked.contains(f.subject.as_str()))
        {
            facts = all
                .into_iter()
                .filter(dated)
                .filter(|f| linked.contains(f.subject.as_str()) || f.subject.is_empty())
                .collect();
        }
    }
    if facts.is_empty() {
        // "When was the takeover announced?" with no announcement stated:
        // the deal the announcement reports ("agreed on Monday to acquire
        // Y") is dated by the same sentence.
        let reported: Vec<String> = ctx
            .config
            .relations
            .iter()
            .filter(|r| relations.contains(&r.name))
            .flat_map(|r| r.events.iter().flat_map(|e| e.reports.iter().cloned()))
            .collect();
        if !reported.is_empty() {
            facts = involving(ctx, &reported, u)
                .into_iter()
                .filter(|f| f.event_date().is_some() && !f.negated)
                .collect();
        }
    }
    // No sentence dates it: the day the articles first reported it, said
    // as such ("When did X testify?" from a story that only says he did),
    // when an article's opening sentences give it as its news (not
    // background further down: "the board, which he had left").
    let undated = facts.is_empty();
    if undated && !relations.is_empty() && !named(u).is_empty() {
        facts = involving(ctx, relations, u)
            .into_iter()
            .filter(|f| !f.negated && !f.subject.is_empty() && f.first_reported().is_some())
            .filter(|f| f.evidence.iter().any(|e| e.sentence <= LEDE_SENTENCES))
            .filter(|f| !ctx.modal_only(f))
            .collect();
    }
    facts = ctx.place_filter(facts, u);
    let in_place = |f: &Fact| {
        u.within
            .iter()
            .any(|p| f.values(Qualifier::Place).contains(p))
    };
    facts.sort_by(|a, b| {
        in_place(b)
            .cmp(&in_place(a))
            .then(ctx.relevance(b, u).cmp(&ctx.relevance(a, u)))
            .then(b.sources.cmp(&a.sources))
            .then(a.index.cmp(&b.index))
    });
    let mut first_when: Option<Option<String>> = None;
    for f in facts.iter().take(MAX_LISTED) {
        let when = match f.event_date() {
            _ if undated => f
                .first_reported()
                .map(|d| format!("{d}, when first reported (no article dates the event)")),
            Some(d) if d.is_full() => Some(d.to_string()),
            _ => f
                .qualifier(Qualifier::Date)
                .map(|s| s.to_string())
                .or_else(|| f.event_date().map(|d| d.to_string())),
        };
        // "named chief executive, effective March 18": both dates.
        let when = match (when, f.qualifier(Qualifier::Effective)) {
            (Some(w), Some(e)) => Some(format!("{w} (effective {e})")),
            (None, Some(e)) => Some(format!("effective {e}")),
            (w, None) => w,
        };
        let cites = ctx.cite_item(&mut ans, f);
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
    more_items(&mut ans, facts.len().saturating_sub(MAX_LISTED));
    let shown: Vec<&Fact> = facts
        .iter()
        .copied()
        .take(super::ctx::CITED_ITEMS)
        .collect();
    ctx.add_disagreements(&mut ans, &shown);
    ans.settle(Basis::Facts)
}

/// Places and events for the facts that involve the question's entities.
pub fn place(ctx: &Ctx<'_>, relations: &[String], u: &Understanding) -> Answer {
    let mut ans = ctx.answer("place");
    let facts: Vec<&Fact> = involving(ctx, relations, u)
        .into_iter()
        .filter(|f| f.has(Qualifier::Event) || f.has(Qualifier::Place))
        .collect();
    let mut places: Vec<String> = Vec::new();
    for f in &facts {
        let mut at = Vec::new();
        at.extend(f.values(Qualifier::Event).iter().cloned());
        at.extend(f.values(Qualifier::Place).iter().cloned());
        let cites = ctx.cite_item(&mut ans, f);
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
    ans.settle(Basis::Facts)
}

/// Who did it, earliest first ("who first reported").
pub fn who(ctx: &Ctx<'_>, relations: &[String], u: &Understanding) -> Answer {
    let mut ans = ctx.answer("who");
    let mut facts: Vec<&Fact> = facts_of(ctx, relations, u)
        .into_iter()
        .filter(|f| !f.subject.is_empty())
        .collect();
    facts.sort_by(|a, b| {
        a.date()
            .is_none()
            .cmp(&b.date().is_none())
            .then(a.date().cmp(&b.date()))
            .then(b.sources.cmp(&a.sources))
            .then(a.index.cmp(&b.index))
    });
    for f in facts.iter().take(MAX_LISTED) {
        let cites = ctx.cite_item(&mut ans, f);
        let when = f.date().map_or(String::new(), |d| format!(" ({d})"));
        ans.items.push(Item {
            text: format!("{}{when}", f.subject),
            cites,
        });
    }
    more_items(&mut ans, facts.len().saturating_sub(MAX_LISTED));
    if let Some(f) = facts.first() {
        let label = ctx.label(&f.relation);
        ans.headline = match f.date() {
            Some(d) => format!("{} {label} it first ({d})", f.subject),
            None => format!("{} {label} it", f.subject),
        };
    }
    ans.settle(Basis::Facts)
}

/// One fact as the answer to a yes/no question: the word, the fact with
/// its details, every reason, and where the sources differ. A fact the
/// sources disagree about never gets a bare "Yes".
/// The best fact of these relations whose subject is an institution of the
/// kind the question names ("regulators", "the court"), from where the word
/// before it says ("US regulators": a name or alias holding "US"). None
/// when the question names no institution.
fn by_institution<'f>(ctx: &Ctx<'f>, relations: &[String], u: &Understanding) -> Option<&'f Fact> {
    let institutions = &ctx.config.grammar.institutions;
    let words: Vec<String> = u
        .lower
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .map(|w| w.replace('.', ""))
        .filter(|w| !w.is_empty())
        .collect();
    let at = words.iter().position(|w| institutions.contains(w))?;
    let noun = words[at].trim_end_matches('s');
    let from = at.checked_sub(1).map(|i| words[i].as_str());
    // Words of a name and its aliases, dots dropped ("U.S." -> "us").
    let name_words = |name: &str| -> Vec<String> {
        let aliases = ctx
            .config
            .entities
            .iter()
            .filter(|e| e.name == name)
            .flat_map(|e| e.aliases.iter().map(String::as_str));
        std::iter::once(name)
            .chain(aliases)
            .flat_map(|n| {
                n.split_whitespace()
                    .map(|w| w.replace('.', "").to_lowercase())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let institution = |f: &Fact| {
        let kind = ctx
            .facts
            .entities()
            .get(&f.subject)
            .map(|e| e.kind.as_str());
        let members = member_noun(ctx, noun);
        kind == Some(noun.to_uppercase().as_str())
            || (kind == Some("REGULATOR") && !members)
            || f.subject.to_lowercase().contains(noun)
            // "the union" asked, a union named by an alias ("Pilots union").
            || name_words(&f.subject)
                .iter()
                .skip(f.subject.split_whitespace().count())
                .any(|w| w.trim_end_matches('s') == noun)
    };
    let candidates: Vec<&Fact> = facts_of(ctx, relations, u)
        .into_iter()
        .filter(|f| institution(f))
        .collect();
    let from_there: Vec<&Fact> = candidates
        .iter()
        .copied()
        .filter(|f| from.is_some_and(|w| name_words(&f.subject).iter().any(|x| x == w)))
        .collect();
    // A word before the noun that no institution's name holds is a place
    // the articles do not tie to one ("Japanese regulators"): no answer;
    // unless it is a function word ("the regulators", "any regulator").
    let pool = if !from_there.is_empty() {
        from_there
    } else if from.map_or(true, |w| {
        matches!(
            w,
            "the"
                | "a"
                | "an"
                | "any"
                | "all"
                | "some"
                | "its"
                | "their"
                | "other"
                | "did"
                | "do"
                | "does"
                | "have"
                | "has"
                | "had"
                | "will"
                | "would"
                | "can"
                | "could"
        )
    }) {
        candidates
    } else {
        Vec::new()
    };
    pool.into_iter()
        .max_by_key(|f| (!f.negated, f.sources, std::cmp::Reverse(f.index)))
}

fn yesno_fact(ctx: &Ctx<'_>, ans: &mut Answer, word: &str, f: &Fact) {
    let cites = ctx.cite_fact(ans, f, CITES_PER_ITEM);
    ans.headline = if !ctx.facts.conflicting(f).is_empty() {
        format!(
            "{word} by some articles, not by others: {}",
            ctx.sentence(f)
        )
    } else if f.disagreements.is_empty() {
        format!("{word}: {}", ctx.sentence(f))
    } else {
        let what: Vec<&str> = f.disagreements.iter().map(|d| d.what.as_str()).collect();
        format!(
            "{word}: {} (the sources differ on the {})",
            ctx.sentence(f),
            what.join(" and ")
        )
    };
    ans.items.push(Item {
        text: format!(
            "{}{}",
            ctx.sentence(f),
            ctx.details(f, &[Qualifier::Reason])
        ),
        cites,
    });
    add_reasons(ctx, ans, &[f], "reason: ");
    ctx.add_disagreements(ans, &[f]);
}

/// Yes or no from a fact's polarity, or from a contradicting relation.
pub fn yesno(ctx: &Ctx<'_>, relations: &[String], u: &Understanding) -> Answer {
    let mut ans = ctx.answer("yesno");
    let names = named(u);
    if relations.is_empty() {
        return ans;
    }
    if names.is_empty() {
        // "Did US regulators look at the deal?": institutions the question
        // names by a common noun and where they are from.
        // The contrary outcome answers too, first when it is about more of
        // what the question names ("did the union accept the first
        // agreement?" with "the union turned down the proposed agreement").
        let against = by_institution(ctx, &contrary(ctx, relations), u).filter(|f| !f.negated);
        if let Some(f) = by_institution(ctx, relations, u) {
            if let Some(c) = against.filter(|c| ctx.relevance(c, u) > ctx.relevance(f, u)) {
                yesno_fact(ctx, &mut ans, "No", c);
                return ans.settle(Basis::Facts);
            }
            let word = if f.negated { "No" } else { "Yes" };
            yesno_fact(ctx, &mut ans, word, f);
            return ans.settle(Basis::Facts);
        }
        if let Some(f) = against {
            yesno_fact(ctx, &mut ans, "No", f);
            return ans.settle(Basis::Facts);
        }
        // "Did the deal close?": the deal itself, by whoever did it; else
        // its contrary outcome ("No: Globex called off the deal").
        if about_the_deal(ctx, u) {
            // The deal itself ("called off the deal") before a party to it
            // ("completed its deal with Initech").
            let best = |rels: &[String]| {
                facts_of(ctx, rels, u).into_iter().max_by_key(|f| {
                    (
                        !ctx.facts.entities().contains_key(&f.object),
                        ctx.relevance(f, u),
                        f.sources,
                        std::cmp::Reverse(f.index),
                    )
                })
            };
            if let Some(f) = best(relations) {
                let word = if f.negated { "No" } else { "Yes" };
                yesno_fact(ctx, &mut ans, word, f);
                return ans.settle(Basis::Facts);
            }
            if let Some(f) = best(&contrary(ctx, relations)).filter(|f| !f.negated) {
                yesno_fact(ctx, &mut ans, "No", f);
                return ans.settle(Basis::Facts);
            }
        }
        return ans;
    }
    let facts: Vec<&Fact> = involving(ctx, relations, u)
        .into_iter()
        .filter(|f| {
            names
                .iter()
                .all(|n| f.subject == *n || f.object == *n || names.len() == 1)
        })
        .collect();
    // "Did the regulator approve the sale to Initech?" with only "the
    // regulator has not approved the deal" on file: a fact by the named
    // subject about the deal itself (no named object) answers.
    let facts = if facts.is_empty() && names.len() > 1 {
        facts_of(ctx, relations, u)
            .into_iter()
            .filter(|f| f.subject == names[0] && !ctx.facts.entities().contains_key(&f.object))
            .collect()
    } else {
        facts
    };
    if let Some(f) = facts
        .iter()
        .max_by_key(|f| (ctx.relevance(f, u), f.sources, std::cmp::Reverse(f.index)))
    {
        let word = if f.negated { "No" } else { "Yes" };
        yesno_fact(ctx, &mut ans, word, f);
        return ans.settle(Basis::Facts);
    }
    // "Did Acme pick Globex?" with only "Acme rejected Globex" on file.
    for r in relations {
        let Some(rel) = ctx.relation(r) else {
            continue;
        };
        let facts: Vec<&Fact> = involving(ctx, &rel.conflicts, u)
            .into_iter()
            .filter(|f| names.iter().all(|n| f.subject == *n || f.object == *n))
            .collect();
        if let Some(f) = facts.first() {
            yesno_fact(ctx, &mut ans, "No", f);
            return ans.settle(Basis::Facts);
        }
    }
    // "Did the court let Globex buy Initech?" with only "the court blocked
    // the deal" on file: the contrary outcome, for the deal between the
    // names (a fact whose object is the deal itself, from a sentence that
    // names them all).
    let entities = ctx.facts.entities();
    if let Some(f) = facts_of(ctx, &contrary(ctx, relations), u)
        .into_iter()
        .filter(|f| !f.negated)
        .filter(|f| {
            names.iter().all(|n| f.subject == *n || f.object == *n)
                || (!entities.contains_key(&f.object)
                    && names.iter().all(|n| ctx.fact_entities(f).contains(*n)))
        })
        .max_by_key(|f| (ctx.relevance(f, u), f.sources, std::cmp::Reverse(f.index)))
    {
        yesno_fact(ctx, &mut ans, "No", f);
        return ans.settle(Basis::Facts);
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
            ans.headline = format!(
                "The articles do not say so; they report: {}",
                ctx.sentence(f)
            );
            for f in &facts {
                let cites = ctx.cite_item(&mut ans, f);
                ans.items.push(Item {
                    text: super::clean::single_hedge(format!(
                        "{}{}",
                        ctx.sentence(f),
                        ctx.details(f, &[])
                    )),
                    cites,
                });
            }
            return ans.settle(Basis::Facts);
        }
    }
    ans
}

/// The office words in a text, abbreviations spelled out: "interim CEO"
/// gives "interim" and "chief executive". Offices are the tagging's role
/// words; "interim", "acting" and "co-" say how one is held.
pub(super) fn office_words(ctx: &Ctx<'_>, lower: &str) -> Vec<String> {
    office_words_in(&offices_longest_first(ctx), lower)
}

/// The tagging's role words, lower-cased, the longest first ("chief
/// executive" is found before "chief").
fn offices_longest_first(ctx: &Ctx<'_>) -> Vec<String> {
    let mut offices: Vec<String> = ctx
        .config
        .tagging
        .roles
        .iter()
        .map(|r| r.to_lowercase())
        .collect();
    offices.sort_by_key(|r| std::cmp::Reverse(r.len()));
    offices
}

/// [`office_words`] with the offices already sorted.
fn office_words_in(offices: &[String], lower: &str) -> Vec<String> {
    let mut text = format!(" {} ", lower.replace(['?', '.', ',', '!'], " "));
    for (short, long) in [
        (" ceo ", " chief executive "),
        (" cfo ", " chief financial officer "),
        (" cto ", " chief technology officer "),
        (" coo ", " chief operating officer "),
        (" co-ceo ", " co- chief executive "),
        (" co-chief ", " co- chief "),
        (" chief executive officer ", " chief executive "),
        (" chairman ", " chair "),
        (" chairwoman ", " chair "),
        (" chairperson ", " chair "),
    ] {
        text = text.replace(short, long);
    }
    let mut out: Vec<String> = Vec::new();
    for w in ["interim", "acting", "co-"] {
        if text.contains(&format!(" {w} ")) {
            out.push(w.to_string());
        }
    }
    // The longest office named wins ("chief executive", not "chief").
    for o in offices {
        let needle = format!(" {o} ");
        if text.contains(&needle) {
            text = text.replace(&needle, " ");
            out.push(o.clone());
        }
    }
    out
}

/// The institution a "which/what" question asks for ("which regulators"),
/// singular.
fn asked_institution(ctx: &Ctx<'_>, u: &Understanding) -> Option<String> {
    let mut words = u
        .lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    words.find(|w| matches!(*w, "which" | "what"))?;
    let noun = words.next()?.trim_end_matches('s');
    ctx.config
        .grammar
        .institutions
        .iter()
        .any(|i| i.trim_end_matches('s') == noun)
        .then(|| noun.to_string())
}

/// A noun for a group of members ("shareholders", "lawmakers"), singular.
fn member_noun(ctx: &Ctx<'_>, noun: &str) -> bool {
    ctx.config
        .grammar
        .member_institutions
        .iter()
        .any(|m| m.trim_end_matches('s') == noun)
}

/// Whether a name may be an institution of the kind a question asks for:
/// anything but a company or a product the gazetteer names, unless its
/// name says it is one ("the Globex board", "European Commission"); any
/// name for a group of members ("which shareholders"). A name found in the
/// text has no kind to go by.
fn is_institution(ctx: &Ctx<'_>, name: &str, noun: &str) -> bool {
    let company = ctx
        .facts
        .entities()
        .get(name)
        .is_some_and(|e| e.known && matches!(e.kind.as_str(), "ORG" | "PRODUCT"));
    let lower = name.to_lowercase();
    member_noun(ctx, noun)
        || !company
        || lower.contains(noun)
        || ctx
            .config
            .grammar
            .institutions
            .iter()
            .any(|i| lower.split_whitespace().any(|w| w == i.as_str()))
}

/// The question is about the story's deal itself ("did the merger go
/// through?"): it names a topic noun and no institution.
fn about_the_deal(ctx: &Ctx<'_>, u: &Understanding) -> bool {
    let words: Vec<&str> = u
        .lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let q = &ctx.config.query;
    words.iter().any(|w| q.topic_words.iter().any(|t| t == w))
        && !words.iter().any(|w| {
            let w = w.trim_end_matches('s');
            ctx.config
                .grammar
                .institutions
                .iter()
                .any(|i| i.trim_end_matches('s') == w)
        })
}

/// The contrary relations of the relations asked.
fn contrary(ctx: &Ctx<'_>, relations: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in relations {
        for c in ctx
            .relation(r)
            .map_or(&[][..], |rel| rel.contrary.as_slice())
        {
            if !out.contains(c) && !relations.contains(c) {
                out.push(c.clone());
            }
        }
    }
    out
}

/// Figures: metric facts about the question's entities and words.
pub fn numbers(ctx: &Ctx<'_>, u: &Understanding, relations: &[String]) -> Answer {
    numbers_of(ctx, u, relations, false)
}

/// "What share of members voted for the deal?": the figures the events
/// the question names carry ("accepted the agreement (59%)"), whatever
/// the words of their objects.
pub fn valued(ctx: &Ctx<'_>, u: &Understanding, relations: &[String]) -> Answer {
    numbers_of(ctx, u, relations, true)
}

fn numbers_of(ctx: &Ctx<'_>, u: &Understanding, relations: &[String], valued: bool) -> Answer {
    let mut ans = ctx.answer("numbers");
    let names = named(u);
    let mut all = facts_of(ctx, relations, u);
    if valued {
        all.retain(|f| !f.negated && !f.values(Qualifier::Value).is_empty());
    }
    let mut facts = all.clone();
    if !names.is_empty() {
        facts.retain(|f| {
            names
                .iter()
                .any(|n| f.subject == *n || ctx.fact_entities(f).contains(*n))
        });
        // "What premium did Globex's offer represent?" when the premium is
        // stated of the target's price: the figure the question names, in
        // an article about the named party.
        if facts.is_empty() && !u.terms.is_empty() {
            facts = all
                .into_iter()
                .filter(|f| ctx.relevance(f, u) >= 3)
                .filter(|f| {
                    f.evidence.iter().any(|e| {
                        (0..ctx.articles[e.article].sentences.len()).any(|s| {
                            ctx.facts.sentence_info(e.article, s).is_some_and(|i| {
                                names.iter().any(|n| i.entities.iter().any(|x| **x == **n))
                            })
                        })
                    })
                })
                .collect();
        }
    }
    if !u.terms.is_empty() && !valued {
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
            .then(a.index.cmp(&b.index))
    });
    for f in facts.iter().take(MAX_LISTED) {
        let cites = ctx.cite_item(&mut ans, f);
        ans.items.push(Item {
            text: ctx.sentence(f),
            cites,
        });
    }
    more_items(&mut ans, facts.len().saturating_sub(MAX_LISTED));
    if let Some(f) = facts.first() {
        ans.headline = ctx.sentence(f);
    }
    let shown: Vec<&Fact> = facts
        .iter()
        .copied()
        .take(super::ctx::CITED_ITEMS)
        .collect();
    ctx.add_disagreements(&mut ans, &shown);
    ans.settle(Basis::Facts)
}
