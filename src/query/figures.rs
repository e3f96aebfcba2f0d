//! Figures of events: what a deal cost ("how much did X pay for Y?", "what
//! was the bid worth?") and how many things an event was about ("how many
//! stores were sold?"). Both are read from the roles event classes fill
//! (`price`, `per_share`, `quantity`; see `extract::events`), not from
//! figures that merely share a sentence with the deal: a termination fee is
//! not its price.

use std::collections::BTreeSet;

use crate::extract::Evidence;
use crate::facts::{Fact, Qualifier};

use super::answer::{Answer, Basis, Item};
use super::ctx::{Ctx, CITES_PER_ITEM};
use super::respond::involving;
use super::understand::Understanding;

/// One value of a figure with the evidence that gives it.
struct Value<'f> {
    text: String,
    fact: &'f Fact,
    evidence: Vec<&'f Evidence>,
    articles: BTreeSet<usize>,
}

/// Every distinct value of `key` the facts' sentences give, the best
/// supported first (then the earliest fact).
fn values<'f>(facts: &[&'f Fact], key: Qualifier) -> Vec<Value<'f>> {
    let mut out: Vec<Value<'f>> = Vec::new();
    for f in facts {
        for e in &f.evidence {
            let Some(v) = e.qualifiers.get(key.key()) else {
                continue;
            };
            let i = match out.iter().position(|x| x.text == *v) {
                Some(i) => i,
                None => {
                    out.push(Value {
                        text: v.to_string(),
                        fact: f,
                        evidence: Vec::new(),
                        articles: BTreeSet::new(),
                    });
                    out.len() - 1
                }
            };
            out[i].evidence.push(e);
            out[i].articles.insert(e.article);
        }
    }
    // Stable: equal support keeps fact order.
    out.sort_by_key(|v| std::cmp::Reverse(v.articles.len()));
    out
}

/// Items for each value: the figure, the fact it belongs to, its sources.
fn list_values(ctx: &Ctx<'_>, ans: &mut Answer, vals: &[Value<'_>], suffix: &str) {
    for v in vals {
        let mut cites: Vec<usize> = v
            .evidence
            .iter()
            .take(CITES_PER_ITEM)
            .filter_map(|e| ctx.cite(ans, e))
            .collect();
        cites.sort();
        cites.dedup();
        ans.support.extend(v.evidence.iter().map(|e| e.article));
        ans.fact_ids.insert(v.fact.id.to_string());
        let n = v.articles.len();
        ans.items.push(Item {
            text: format!(
                "{}{suffix}: {} ({n} source{})",
                v.text,
                ctx.sentence(v.fact),
                if n == 1 { "" } else { "s" }
            ),
            cites,
        });
    }
}

/// The price of the deal the question names: the first of `relations` (in
/// order: the deal before a sale of assets) whose facts involving the
/// question's names give one; the price per share as an extra.
pub fn price(ctx: &Ctx<'_>, relations: &[String], u: &Understanding) -> Answer {
    let mut ans = ctx.answer("price");
    // Every name is a party: "how much did Initech pay for X" is not
    // answered by what Globex paid for X.
    let names = super::respond::named(u);
    let party = |f: &Fact| {
        names
            .iter()
            .all(|n| f.subject == *n || f.object == *n || ctx.lookups.of_main_deal(f, n))
    };
    // The things the question names ("the price of the stores"): a deal
    // whose counted patient they are comes first.
    let words: Vec<&str> = u
        .lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .collect();
    let counts = |f: &Fact| {
        f.values(Qualifier::Quantity).iter().any(|q| {
            q.split_whitespace()
                .last()
                .is_some_and(|n| words.contains(&n))
        })
    };
    let priced = |rels: &[String]| -> Vec<&Fact> {
        involving(ctx, rels, u)
            .into_iter()
            .filter(|f| !f.negated && party(f))
            .filter(|f| f.has(Qualifier::Price) || f.has(Qualifier::PerShare))
            .collect()
    };
    let counted: Vec<&Fact> = priced(relations)
        .into_iter()
        .filter(|f| counts(f))
        .collect();
    let by_relation = relations.iter().map(|r| {
        let mut found = priced(std::slice::from_ref(r));
        // "What was the deal worth?": no name, the story's own deal.
        if names.is_empty() && found.iter().any(|f| ctx.lookups.is_main_deal(f)) {
            found.retain(|f| ctx.lookups.is_main_deal(f));
        }
        found
    });
    for facts in std::iter::once(counted).chain(by_relation) {
        let prices = values(&facts, Qualifier::Price);
        let per_share = values(&facts, Qualifier::PerShare);
        let Some(best) = prices.first().or(per_share.first()) else {
            continue;
        };
        let suffix = if prices.is_empty() { " a share" } else { "" };
        ans.headline = format!("{}{suffix} ({})", best.text, ctx.sentence(best.fact));
        list_values(ctx, &mut ans, &prices, "");
        list_values(ctx, &mut ans, &per_share, " a share");
        if prices.len() > 1 {
            ans.disagreements.push(Item {
                text: "The articles give different figures; each is listed with its sources."
                    .into(),
                cites: Vec::new(),
            });
        }
        break;
    }
    ans.settle(Basis::Facts)
}

/// How many things an event was about ("413 stores"): facts of `relations`
/// involving the question's names whose counted patient is the thing asked
/// about (`noun`, the word after "how many").
pub fn quantity(
    ctx: &Ctx<'_>,
    relations: &[String],
    u: &Understanding,
    noun: Option<&str>,
) -> Answer {
    let mut ans = ctx.answer("quantity");
    let stem = |w: &str| w.trim_end_matches('s').to_string();
    let wanted = noun.map(stem);
    let facts: Vec<&Fact> = involving(ctx, relations, u)
        .into_iter()
        .filter(|f| !f.negated)
        .filter(|f| {
            f.values(Qualifier::Quantity).iter().any(|q| {
                wanted.as_ref().map_or(true, |w| {
                    q.split_whitespace().last().is_some_and(|n| stem(n) == *w)
                })
            })
        })
        .collect();
    let vals = values(&facts, Qualifier::Quantity);
    if let Some(best) = vals.first() {
        ans.headline = format!("{} ({})", best.text, ctx.sentence(best.fact));
        list_values(ctx, &mut ans, &vals, "");
    }
    ans.settle(Basis::Facts)
}

/// When the figure is one of several for the same thing ("Globex shares
/// fell 17%" on the day the deal was announced, "rose 1.8%" when it was
/// called off): the figure of `figures`' facts dated nearest the date of
/// the event `events` name ("how did the shares react when the deal was
/// announced?"). Not answered when that event has no date.
pub fn at_event(ctx: &Ctx<'_>, figures: &[String], events: &[String], u: &Understanding) -> Answer {
    let mut ans = ctx.answer("numbers");
    let Some(when) = involving(ctx, events, u)
        .into_iter()
        .filter(|f| !f.negated)
        .filter_map(|f| f.date())
        .min()
    else {
        return ans;
    };
    let names = super::respond::named(u);
    let mut facts: Vec<&Fact> = super::respond::facts_of(ctx, figures, u)
        .into_iter()
        .filter(|f| {
            names
                .iter()
                .any(|n| f.subject == *n || ctx.fact_entities(f).contains(*n))
        })
        .collect();
    // The thing measured, when the question names it ("shares").
    if facts.iter().any(|f| ctx.relevance(f, u) >= 3) {
        facts.retain(|f| ctx.relevance(f, u) >= 3);
    }
    // Each sentence's date: the one it gives the figure, else a date it
    // holds ("Sept. 15: ... shares fall 17% that day"), else publication.
    let dated = |e: &Evidence| {
        e.date
            .or_else(|| {
                ctx.facts
                    .sentence_info(e.article, e.sentence)
                    .and_then(|s| s.dates.iter().copied().find(|d| d.is_full()))
            })
            .or(e.published)
    };
    let mut found: Vec<(i64, &Fact, &Evidence)> = facts
        .iter()
        .flat_map(|f| f.evidence.iter().map(move |e| (f, e)))
        .filter_map(|(f, e)| {
            let d = dated(e)?;
            Some(((d.to_days() - when.to_days()).abs(), *f, e))
        })
        .collect();
    found.sort_by_key(|(gap, f, e)| (*gap, f.index, e.article, e.sentence));
    for (i, (_, f, e)) in found.iter().enumerate().take(super::respond::MAX_LISTED) {
        // The fact as this sentence states it (its own change and value).
        let mut one = (*f).clone();
        one.qualifiers = e
            .qualifiers
            .iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
            .collect();
        let day = dated(e).map_or(String::new(), |d| format!(" ({d})"));
        let text = format!("{}{day}", ctx.sentence(&one));
        if i == 0 {
            ans.headline = text.clone();
        }
        let cites: Vec<usize> = ctx.cite(&mut ans, e).into_iter().collect();
        ans.support.insert(e.article);
        ans.fact_ids.insert(f.id.to_string());
        ans.items.push(Item { text, cites });
    }
    ans.settle(Basis::Facts)
}

/// The event a figure is tied to: the words after "when" or "after" ("how
/// did the shares react when the deal was announced" -> "the deal was
/// announced").
pub fn tied_event(lower: &str) -> Option<&str> {
    [" when ", " after ", " on the day "]
        .iter()
        .filter_map(|cue| lower.find(cue).map(|i| &lower[i + cue.len()..]))
        .find(|rest| !rest.trim().is_empty())
}

/// The counted noun of a "how many" question ("how many stores were
/// sold" -> "stores").
pub fn counted_noun(lower: &str) -> Option<&str> {
    let rest = &lower[lower.find("how many ")? + "how many ".len()..];
    rest.split(|c: char| !c.is_alphanumeric() && c != '-')
        .next()
        .filter(|w| !w.is_empty())
}

/// Whether a question asks for a share or a margin ("what percentage",
/// "by what margin", "what share of").
pub fn asks_share(lower: &str) -> bool {
    [
        "what percent",
        "what share",
        "what proportion",
        "what fraction",
        "what margin",
        "how many percent",
    ]
    .iter()
    .any(|k| lower.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_noun_is_the_word_after_how_many() {
        assert_eq!(
            counted_noun("how many stores were to be sold to globex"),
            Some("stores")
        );
        assert_eq!(counted_noun("so how many jobs?"), Some("jobs"));
        assert_eq!(counted_noun("how much was it worth"), None);
    }

    #[test]
    fn a_figure_is_tied_to_the_event_after_when() {
        assert_eq!(
            tied_event("how did globex shares react when the deal was announced"),
            Some("the deal was announced")
        );
        assert_eq!(
            tied_event("what did the stock do after the merger collapsed"),
            Some("the merger collapsed")
        );
        assert_eq!(tied_event("how much did globex shares fall"), None);
    }
}
