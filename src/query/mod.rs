//! Query: from a [`Request`] to an [`Answer`], looking only at the fact table
//! and, as a last resort, at the articles' sentences.
//!
//! Slash commands map straight to fact look-ups. Free text goes through the
//! intent patterns of config.toml, entity detection (aliases, then fuzzy
//! matching for typos) and the relation words of each relation; when no fact
//! fits, ranked sentence retrieval may answer, but only with a sentence that
//! holds what the question asks for (a date for "when", a figure for "how
//! much", a name for "who"). Otherwise the answer says so and gives hints.

mod answer;
mod request;
mod respond;
pub mod retrieval;
mod story;
pub mod understand;

pub use answer::{markers, Answer, Citation, Item};
pub use request::{clean, Request, MAX_QUESTION_CHARS};

use regex::Regex;

use crate::config::{Config, ConfigError, IntentConfig};
use crate::corpus::Article;
use crate::facts::FactTable;

use respond::{Ctx, Lookups};
use retrieval::{Index, Need};
use understand::{Lexicon, Understanding};

/// The compiled question-answering side: intents, lexicon, sentence index.
#[derive(Debug)]
pub struct Answerer {
    intents: Vec<(IntentConfig, Vec<Regex>)>,
    lexicon: Lexicon,
    index: Index,
    lookups: Lookups,
    prefixes: Vec<Regex>,
    hints: Vec<String>,
}

impl Answerer {
    /// Compiles intents and indexes the corpus.
    pub fn new(
        config: &Config,
        facts: &FactTable,
        articles: &[Article],
    ) -> Result<Answerer, ConfigError> {
        let intents = config
            .query
            .intents
            .iter()
            .map(|i| {
                let res = i
                    .patterns
                    .iter()
                    .map(|p| {
                        Regex::new(p).map_err(|e| ConfigError::Pattern {
                            what: "intent",
                            name: i.name.clone(),
                            message: e.to_string(),
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((i.clone(), res))
            })
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let lexicon = Lexicon::new(config, facts);
        let index = Index::build(articles, facts, &lexicon);
        let lookups = Lookups::build(facts, articles, &lexicon);
        let prefixes = config
            .query
            .prefixes
            .iter()
            .map(|p| {
                Regex::new(p).map_err(|e| ConfigError::Pattern {
                    what: "question prefix",
                    name: p.clone(),
                    message: e.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Answerer {
            intents,
            lexicon,
            index,
            lookups,
            prefixes,
            hints: config.query.hints.clone(),
        })
    }

    /// Entity names for autocomplete.
    pub fn complete(&self, partial: &str, limit: usize) -> Vec<String> {
        self.lexicon.complete(partial, limit)
    }

    /// Answers a request.
    pub fn answer(
        &self,
        request: &Request,
        facts: &FactTable,
        articles: &[Article],
        config: &Config,
    ) -> Answer {
        let ctx = Ctx::new(
            facts,
            articles,
            config,
            &self.lexicon,
            &self.index,
            &self.lookups,
        );
        let mut ans = match request {
            Request::Question { text, truncated } => {
                let mut a = self.ask(&ctx, text);
                a.truncated = *truncated;
                a
            }
            Request::Command { name, options } => self.command(&ctx, name, options),
        };
        if !ans.answered {
            self.not_found(&ctx, &mut ans);
        }
        ans
    }

    fn command(
        &self,
        ctx: &Ctx<'_>,
        name: &str,
        options: &std::collections::BTreeMap<String, String>,
    ) -> Answer {
        let display = Request::Command {
            name: name.to_string(),
            options: options.clone(),
        }
        .display();
        let Some(cmd) = ctx.config.command(name) else {
            let mut a = Answer::new(&display, "unknown-command");
            a.headline = format!("There is no /{name} command.");
            return a;
        };
        let mut ans = Answer::new(&display, &cmd.name);
        let first = cmd
            .options
            .first()
            .and_then(|o| options.get(&o.name))
            .map(|s| s.as_str())
            .unwrap_or("");
        let u = self.lexicon.understand(first);
        match cmd.answer.as_str() {
            "list" => respond::list(ctx, &mut ans, &cmd.relations, &u, false),
            "status" => story::status(ctx, &mut ans),
            "sources" => story::sources(ctx, &mut ans),
            "timeline" => story::timeline(ctx, &mut ans),
            "numbers" => respond::numbers(
                ctx,
                &mut ans,
                &Understanding {
                    terms: Vec::new(),
                    ..u
                },
                &self.relations_for(ctx, cmd.relations.clone(), "numbers"),
            ),
            "quotes" => {
                let speaker = if first.is_empty() {
                    None
                } else {
                    self.lexicon.resolve(first)
                };
                if first.is_empty() || speaker.is_some() {
                    let rel = self.relations_for(ctx, cmd.relations.clone(), "quotes");
                    story::quotes(
                        ctx,
                        &mut ans,
                        &rel,
                        speaker.as_ref().map(|s| s.name.as_str()),
                        &[],
                    );
                }
            }
            "about" => {
                if let Some(e) = self.lexicon.resolve(first) {
                    story::about(ctx, &mut ans, &e.name);
                }
            }
            "reason" => {
                let u = match self.lexicon.resolve(first) {
                    Some(e) => Understanding {
                        entities: vec![e],
                        ..u
                    },
                    None => u,
                };
                respond::reason(ctx, &mut ans, &cmd.relations, &u);
            }
            "date" => {
                let rel = if cmd.relations.is_empty() {
                    self.lexicon.choose_relations(ctx.config, &u.lower)
                } else {
                    cmd.relations.clone()
                };
                let u = Understanding {
                    entities: Vec::new(),
                    terms: Vec::new(),
                    ..u
                };
                respond::date(ctx, &mut ans, &rel, &u);
            }
            "fact" => story::fact(ctx, &mut ans, first),
            _ => return self.ask(ctx, first),
        }
        ans
    }

    /// Relations named by a command or intent, else the ones an intent of
    /// that answer kind names in the config.
    fn relations_for(&self, ctx: &Ctx<'_>, named: Vec<String>, kind: &str) -> Vec<String> {
        if !named.is_empty() {
            return named;
        }
        self.intents
            .iter()
            .find(|(i, _)| i.answer == kind && !i.relations.is_empty())
            .map(|(i, _)| i.relations.clone())
            .or_else(|| {
                ctx.config
                    .commands
                    .iter()
                    .find(|c| c.answer == kind && !c.relations.is_empty())
                    .map(|c| c.relations.clone())
            })
            .unwrap_or_default()
    }

    fn ask(&self, ctx: &Ctx<'_>, question: &str) -> Answer {
        let u = self.lexicon.understand(question);
        let mut lower = u.lower.trim_end_matches(['?', '!', '.', ' ']).to_string();
        for p in &self.prefixes {
            lower = p.replace(&lower, "").into_owned();
        }
        // A proper name the articles never use ("Samsung", "Super Bowl"):
        // whatever else the question says, they cannot answer it.
        if let Some(name) = self.unknown_name(question, &u) {
            let mut ans = Answer::new(question, "unknown-name");
            ans.headline = format!("The articles don't mention {name}.");
            return ans;
        }
        // A bare name ("deepseek?") asks about that name.
        if u.entities.len() == 1
            && u.terms.is_empty()
            && lower.trim().len() <= u.entities[0].span.1 - u.entities[0].span.0 + 4
        {
            let mut ans = Answer::new(question, "about");
            story::about(ctx, &mut ans, &u.entities[0].name);
            return ans;
        }
        let intent = self
            .intents
            .iter()
            .find(|(_, res)| res.iter().any(|r| r.is_match(&lower)));
        let Some((intent, res)) = intent else {
            let mut ans = Answer::new(question, "retrieval");
            retrieval::answer(ctx, &mut ans, &u, need_of(&lower));
            return ans;
        };
        let mut ans = Answer::new(question, &intent.name);
        let chosen = if intent.relations.is_empty() {
            self.lexicon.choose_relations(ctx.config, &lower)
        } else {
            intent.relations.clone()
        };
        let need = need_of(&lower);
        match intent.answer.as_str() {
            "sources" => story::sources(ctx, &mut ans),
            "status" => story::status(ctx, &mut ans),
            "timeline" => story::timeline(ctx, &mut ans),
            "quotes" => {
                // The speaker is the name in the "what did X say" slot; a
                // named speaker with no quotes gets no one else's.
                let who = res.iter().find_map(|r| {
                    r.captures(&lower)
                        .and_then(|c| c.name("who"))
                        .map(|m| (m.start(), m.end()))
                });
                let speaker = match who {
                    Some((s, e)) => u.entities.iter().find(|x| x.span.0 >= s && x.span.1 <= e),
                    None => u.entities.iter().find(|e| e.kind == "PERSON"),
                };
                let about: Vec<&str> = u
                    .entities
                    .iter()
                    .filter(|e| Some(&e.name) != speaker.map(|s| &s.name))
                    .map(|e| e.name.as_str())
                    .collect();
                let rel = self.relations_for(ctx, intent.relations.clone(), "quotes");
                story::quotes(
                    ctx,
                    &mut ans,
                    &rel,
                    speaker.map(|s| s.name.as_str()),
                    &about,
                );
            }
            "numbers" => {
                let rel = self.relations_for(ctx, intent.relations.clone(), "numbers");
                if intent.every {
                    respond::numbers(
                        ctx,
                        &mut ans,
                        &Understanding {
                            terms: Vec::new(),
                            ..u.clone()
                        },
                        &rel,
                    );
                } else {
                    respond::numbers(ctx, &mut ans, &u, &rel);
                }
            }
            "about" => {
                // "Who is X?", "what happened to X?": only when the question
                // is X and function words; otherwise it asks about a relation.
                let filler: Vec<String> = ["happened", "happening", "tell", "know"]
                    .iter()
                    .map(|w| self.lexicon.term(w))
                    .collect();
                let only_entity =
                    u.entities.len() == 1 && u.terms.iter().all(|t| filler.contains(t));
                match u.entities.first() {
                    Some(e) if only_entity => story::about(ctx, &mut ans, &e.name),
                    _ => respond::list(ctx, &mut ans, &chosen, &u, false),
                }
            }
            "list" if !chosen.is_empty() => {
                // "working with before Globex": the name after "before" is
                // the later event, not what the question is about.
                let mut u = u.clone();
                u.entities
                    .retain(|e| !u.lower[..e.span.0].trim_end().ends_with("before"));
                respond::list(ctx, &mut ans, &chosen, &u, intent.subjects);
            }
            "who" => respond::who(ctx, &mut ans, &chosen, &u),
            "reason" => respond::reason(ctx, &mut ans, &chosen, &u),
            "date" if !chosen.is_empty() => respond::date(ctx, &mut ans, &chosen, &u),
            "place" if !chosen.is_empty() => respond::place(ctx, &mut ans, &chosen, &u),
            "yesno" => {
                respond::yesno(ctx, &mut ans, &chosen, &u);
            }
            _ => {}
        }
        if !ans.answered {
            retrieval::answer(ctx, &mut ans, &u, need);
        }
        ans
    }

    /// The first capitalised word after the question's first word that is
    /// no entity and appears nowhere in the corpus.
    fn unknown_name(&self, question: &str, u: &Understanding) -> Option<String> {
        let lower = &u.lower;
        // A Title Cased Question capitalises words, not names: skip it.
        let words: Vec<&str> = question.split_whitespace().skip(1).collect();
        let capitalised = words
            .iter()
            .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
            .count();
        if capitalised * 2 > words.len() {
            return None;
        }
        let mut first = true;
        for (s, e) in understand::word_spans(lower) {
            let original = question.get(s..e).unwrap_or("");
            let opener = first;
            first = false;
            if opener || !original.chars().next().is_some_and(|c| c.is_uppercase()) {
                continue;
            }
            if u.entities.iter().any(|n| s < n.span.1 && n.span.0 < e) {
                continue;
            }
            let w = &lower[s..e];
            if self.lexicon.is_stopword(w) || self.index.knows(&self.lexicon.term(w)) {
                continue;
            }
            // The whole name: "Super Bowl", not "Super".
            let more: Vec<&str> = question
                .get(e..)
                .unwrap_or("")
                .split_whitespace()
                .take_while(|t| t.chars().next().is_some_and(|c| c.is_uppercase()))
                .collect();
            let name = std::iter::once(original)
                .chain(more)
                .collect::<Vec<_>>()
                .join(" ");
            return Some(name.trim_end_matches(['?', '.', '!', ',']).to_string());
        }
        None
    }

    fn not_found(&self, ctx: &Ctx<'_>, ans: &mut Answer) {
        ans.answered = false;
        ans.items.clear();
        ans.disagreements.clear();
        ans.citations.clear();
        ans.as_of = None;
        if ans.intent != "unknown-name" {
            ans.headline = "The articles don't say.".into();
        }
        ans.hints = self.hints.clone();
        let u = self.lexicon.understand(&ans.question);
        for e in u
            .entities
            .iter()
            .filter(|e| ctx.facts.entities().contains_key(&e.name))
            .take(2)
        {
            ans.hints.insert(0, format!("/about entity:{}", e.name));
        }
    }
}

/// What a retrieved sentence must contain for this question.
fn need_of(lower: &str) -> Need {
    let cost = ["cost", "price", "priced", "pay", "worth", "spend", "fee"];
    if lower.starts_with("when")
        || lower.contains("what date")
        || lower.contains("what day")
        || lower.contains("what year")
    {
        Need::Date
    } else if lower.starts_with("how much")
        || lower.starts_with("how many")
        || lower.contains("what percent")
    {
        if cost.iter().any(|c| {
            lower
                .split(|ch: char| !ch.is_alphanumeric())
                .any(|w| w == *c)
        }) {
            Need::Money
        } else {
            Need::Figure
        }
    } else if lower.starts_with("who") || lower.starts_with("which") {
        Need::Entity
    } else {
        Need::Any
    }
}
