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
                        text: v.clone(),
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
        ans.support
            .extend(v.evidence.iter().map(|e| e.source.clone()));
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
    for r in relations {
        let facts: Vec<&Fact> = involving(ctx, std::slice::from_ref(r), u)
            .into_iter()
            .filter(|f| !f.negated && (f.has(Qualifier::Price) || f.has(Qualifier::PerShare)))
            .collect();
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

/// The counted noun of a "how many" question ("how many stores were
/// sold" -> "stores").
pub fn counted_noun(lower: &str) -> Option<&str> {
    let rest = &lower[lower.find("how many ")? + "how many ".len()..];
    rest.split(|c: char| !c.is_alphanumeric() && c != '-')
        .next()
        .filter(|w| !w.is_empty())
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
}
