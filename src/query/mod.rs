//! Query: from a [`Request`] to an [`Answer`], in three tiers, and the
//! answer says which ([`Basis`]):
//!
//! - **facts**: slash commands map straight to fact look-ups; free text
//!   goes through the intents of config.toml, entity detection (aliases,
//!   then fuzzy matching for typos) and the relation words of each
//!   relation (`respond`, `story`).
//! - **quotes**: when no fact fits, relation-aware sentence retrieval
//!   answers with the articles' own sentences, marked as quotes, and only
//!   with a sentence holding what was asked (`retrieval`).
//! - **none**: otherwise `answered: false`, with hints. Names the articles
//!   never use stay unanswered.
//!
//! Layout: `intent` (answer kinds, needs), `understand` (entities, terms),
//! `ctx` (what builders share), `index` (the sentence index), then the
//! builders. Builders return an [`Answer`]; none fills a shared one.

mod answer;
mod clean;
mod ctx;
mod figures;
pub mod help;
pub mod index;
pub mod intent;
mod request;
mod respond;
mod retrieval;
pub mod speech;
mod story;
pub mod understand;

pub use answer::{markers, Answer, Basis, Citation, Item};
pub use intent::{AnswerKind, Need};
pub use request::{clean, plain, Request, MAX_QUESTION_CHARS};

use std::collections::BTreeMap;

use regex::Regex;

use crate::config::{Config, ConfigError};
use crate::corpus::Article;
use crate::facts::FactTable;

use ctx::{Ctx, Lookups};
use index::Index;
use intent::{need_of, Intent};
use understand::{Lexicon, Understanding};

/// The compiled question-answering side: intents, lexicon, sentence index.
#[derive(Debug)]
pub struct Answerer {
    intents: Vec<Intent>,
    /// The answer kind of each config command, in config order.
    commands: Vec<AnswerKind>,
    lexicon: Lexicon,
    index: Index,
    lookups: Lookups,
    prefixes: Vec<Regex>,
    hints: Vec<String>,
    /// The terms of words that add nothing to "who is X?", "what happened
    /// to X?": function words and the story's topic nouns ("what happened
    /// to the Globex deal?" asks about Globex).
    about_filler: Vec<String>,
}

impl Answerer {
    /// Compiles intents, checks answer kinds and indexes the corpus.
    pub fn new(
        config: &Config,
        facts: &FactTable,
        articles: &[Article],
    ) -> Result<Answerer, ConfigError> {
        let triggers = std::sync::Arc::new(index::Triggers::new(config));
        Answerer::with_triggers(config, facts, articles, triggers)
    }

    /// [`Answerer::new`] with the relations' triggers compiled already
    /// (the extractor's, which read the same on each sentence's lemmas).
    pub fn with_triggers(
        config: &Config,
        facts: &FactTable,
        articles: &[Article],
        triggers: std::sync::Arc<index::Triggers>,
    ) -> Result<Answerer, ConfigError> {
        let (intents, commands) = intent::compile(config)?;
        let lexicon = Lexicon::new(config, facts);
        let index = Index::build(config, articles, facts, &lexicon, triggers);
        let lookups = Lookups::build(config, facts, articles, &index, &lexicon);
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
        let about_filler = ["happened", "happening", "tell", "know", "now", "next"]
            .iter()
            .map(|w| w.to_string())
            .chain(config.query.topic_words.iter().cloned())
            .map(|w| lexicon.term(&w))
            .collect();
        Ok(Answerer {
            intents,
            commands,
            lexicon,
            index,
            lookups,
            prefixes,
            hints: config.query.hints.clone(),
            about_filler,
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
        let question = request.display();
        let ctx = self.ctx(facts, articles, config, &question);
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

    /// A fact in words, as answers word it.
    pub fn sentence(
        &self,
        fact: &crate::facts::Fact,
        facts: &FactTable,
        articles: &[Article],
        config: &Config,
    ) -> String {
        self.ctx(facts, articles, config, "").sentence(fact)
    }

    /// What answering one question reads: the table, the articles, the
    /// config and what was built from them at start.
    fn ctx<'a>(
        &'a self,
        facts: &'a FactTable,
        articles: &'a [Article],
        config: &'a Config,
        question: &'a str,
    ) -> Ctx<'a> {
        Ctx {
            facts,
            articles,
            config,
            lexicon: &self.lexicon,
            index: &self.index,
            lookups: &self.lookups,
            question,
        }
    }

    fn command(&self, ctx: &Ctx<'_>, name: &str, options: &BTreeMap<String, String>) -> Answer {
        let Some((at, cmd)) = ctx
            .config
            .commands
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == name)
        else {
            if name == help::HELP {
                return help::help(ctx.config, ctx.facts);
            }
            let mut a = ctx.answer("unknown-command");
            a.headline = format!("There is no /{name} command.");
            return a;
        };
        let kind = self.commands[at];
        let first = cmd
            .options
            .first()
            .and_then(|o| options.get(&o.name))
            .map(|s| s.as_str())
            .unwrap_or("");
        let u = self.lexicon.understand(first);
        let ans = match kind {
            AnswerKind::List | AnswerKind::Who => respond::list(ctx, &cmd.relations, &u, false),
            AnswerKind::Status => story::status(ctx),
            AnswerKind::Sources => story::sources(ctx),
            AnswerKind::Timeline => story::timeline(ctx),
            AnswerKind::Price => figures::price(ctx, &cmd.relations, &u),
            AnswerKind::Numbers => respond::numbers(
                ctx,
                &Understanding {
                    terms: Vec::new(),
                    ..u
                },
                &self.relations_for(ctx, cmd.relations.clone(), AnswerKind::Numbers),
            ),
            AnswerKind::Quotes => {
                let speaker = if first.is_empty() {
                    None
                } else {
                    self.lexicon.resolve(first)
                };
                if first.is_empty() || speaker.is_some() {
                    let rel = self.relations_for(ctx, cmd.relations.clone(), AnswerKind::Quotes);
                    story::quotes(ctx, &rel, speaker.as_ref().map(|s| s.name.as_str()), &[])
                } else {
                    ctx.answer("quotes")
                }
            }
            AnswerKind::About => match self.lexicon.resolve(first) {
                Some(e) => story::about(ctx, &e.name),
                None => ctx.answer("about"),
            },
            AnswerKind::Reason => {
                let u = match self.lexicon.resolve(first) {
                    Some(e) => Understanding {
                        entities: vec![e],
                        ..u
                    },
                    None => u,
                };
                let ans = respond::reason(ctx, &cmd.relations, &u);
                if ans.answered || u.entities.is_empty() {
                    ans
                } else {
                    // No fact gives a reason: the sentences that say what
                    // happened to it, and why, in the articles' words.
                    let relations = self.relations_of(ctx, &u.entities[0].name, &cmd.relations);
                    let quoted = retrieval::answer(ctx, &u, Need::Reason, &relations);
                    if quoted.answered {
                        quoted
                    } else {
                        ans
                    }
                }
            }
            AnswerKind::Date => {
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
                let ans = respond::date(ctx, &rel, &u);
                if ans.answered || !cmd.relations.is_empty() {
                    ans
                } else {
                    // The event word names several relations equally
                    // ("launch"): the tie-break's pick has no dated fact,
                    // another may.
                    let all = self.lexicon.choose_relations_all(ctx.config, &u.lower);
                    if all == rel {
                        ans
                    } else {
                        respond::date(ctx, &all, &u)
                    }
                }
            }
            AnswerKind::Place => {
                let rel = if cmd.relations.is_empty() {
                    self.lexicon.choose_relations_all(ctx.config, &u.lower)
                } else {
                    cmd.relations.clone()
                };
                respond::place(ctx, &rel, &u)
            }
            AnswerKind::YesNo => respond::yesno(ctx, &cmd.relations, &u),
            AnswerKind::Fact => story::fact(ctx, first),
            AnswerKind::Ask => return self.ask(ctx, first),
            // The engine answers these from the live corpus before a
            // request reaches the answerer.
            AnswerKind::WhatsNew | AnswerKind::Add => ctx.answer(&cmd.name),
        };
        ans.with_intent(&cmd.name)
    }

    /// Relations named by a command or intent, else the ones an intent of
    /// that answer kind names in the config.
    fn relations_for(&self, ctx: &Ctx<'_>, named: Vec<String>, kind: AnswerKind) -> Vec<String> {
        if !named.is_empty() {
            return named;
        }
        self.intents
            .iter()
            .find(|i| i.kind == kind && !i.relations.is_empty())
            .map(|i| i.relations.clone())
            .or_else(|| {
                ctx.config
                    .commands
                    .iter()
                    .zip(&self.commands)
                    .find(|(c, k)| **k == kind && !c.relations.is_empty())
                    .map(|(c, _)| c.relations.clone())
            })
            .unwrap_or_default()
    }

    /// The relations named, else those of the facts an entity is in.
    fn relations_of(&self, ctx: &Ctx<'_>, entity: &str, named: &[String]) -> Vec<String> {
        if !named.is_empty() {
            return named.to_vec();
        }
        let mut out: Vec<String> = Vec::new();
        for &i in self.lookups.involving(entity) {
            let r = &ctx.facts.all()[i].relation;
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
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
            let mut ans = ctx.answer("unknown-name");
            ans.headline = format!("The articles don't mention {name}.");
            return ans;
        }
        // A bare name ("deepseek?") asks about that name.
        if u.entities.len() == 1
            && u.terms.is_empty()
            && lower.trim().len() <= u.entities[0].span.1 - u.entities[0].span.0 + 4
        {
            return story::about(ctx, &u.entities[0].name);
        }
        let need = need_of(&lower);
        let Some(intent) = self.intents.iter().find(|i| i.matches(&lower)) else {
            let chosen = self.lexicon.choose_relations(ctx.config, &lower);
            return retrieval::answer(ctx, &u, need, &chosen);
        };
        let chosen = if intent.relations.is_empty() {
            self.relations_asked(ctx, &lower, &u)
        } else {
            intent.relations.clone()
        };
        let ans = self.by_intent(ctx, intent, &u, &lower, &chosen);
        if ans.answered {
            let mut ans = ans.with_intent(&intent.name);
            if ans.basis == Basis::Facts {
                ctx.add_missing_detail(&mut ans, &u, need);
            }
            return ans;
        }
        // No fact fits: the articles' own words, with the relation the
        // question's words point at (the intent's may be a narrow one).
        // Only an intent's fixed relations are widened by the question's
        // words: relations read from the question already are its words
        // ("which regulator blocked" asks about blocking, not approval).
        let mut relations = chosen;
        if !intent.relations.is_empty() || relations.is_empty() {
            for r in self.lexicon.choose_relations(ctx.config, &lower) {
                if !relations.contains(&r) {
                    relations.push(r);
                }
            }
        }
        let quoted = retrieval::answer(ctx, &u, need, &relations);
        if quoted.answered {
            quoted.with_intent(&format!("{}+retrieval", intent.name))
        } else {
            ans.with_intent(&intent.name)
        }
    }

    /// The relations a question's words point at. In "which regulators
    /// approved ...", "regulators" names the answer, not the event: the
    /// verb decides, when it points at a relation.
    fn relations_asked(&self, ctx: &Ctx<'_>, lower: &str, u: &Understanding) -> Vec<String> {
        // Names are not relation words: "the Trade Authority" asks nothing
        // about authorisation.
        let mut unnamed = lower.to_string();
        for e in &u.entities {
            if let Some(name) = u.lower.get(e.span.0..e.span.1) {
                unnamed = unnamed.replacen(name, &" ".repeat(name.len()), 1);
            }
        }
        // "Who replaced X as chief executive?": the office after "as" says
        // which post, not what happened.
        let mut office_asked = false;
        if let Some(at) = unnamed.find(" as ") {
            if !respond::office_words(ctx, &unnamed[at + 4..]).is_empty() {
                unnamed.truncate(at);
                office_asked = true;
            }
        }
        // "Who took over as chief executive?" asks about the office, not a
        // takeover.
        let about_office = |chosen: Vec<String>| -> Vec<String> {
            let offices: Vec<String> = chosen
                .iter()
                .filter(|name| {
                    ctx.config
                        .relations
                        .iter()
                        .any(|r| r.name == **name && r.events.iter().any(|e| e.office))
                })
                .cloned()
                .collect();
            if office_asked && !offices.is_empty() {
                offices
            } else {
                chosen
            }
        };
        let lower = unnamed.as_str();
        let which_noun = intent::asks_agent(lower, &ctx.config.grammar.irregular)
            && intent::asked_noun(lower).is_some();
        if which_noun {
            // The question without its noun: "which approved the takeover".
            let mut words = lower.splitn(3, ' ');
            if let (Some(which), Some(_), Some(rest)) = (words.next(), words.next(), words.next()) {
                let chosen = self
                    .lexicon
                    .choose_relations(ctx.config, &format!("{which} {rest}"));
                if !chosen.is_empty() {
                    return chosen;
                }
            }
        }
        let chosen = self.lexicon.choose_relations(ctx.config, lower);
        if chosen.is_empty() {
            // Only a name held a relation word: keep what it points at.
            return self.lexicon.choose_relations(ctx.config, &u.lower);
        }
        about_office(chosen)
    }

    /// The facts tier for a matched intent.
    fn by_intent(
        &self,
        ctx: &Ctx<'_>,
        intent: &Intent,
        u: &Understanding,
        lower: &str,
        chosen: &[String],
    ) -> Answer {
        match intent.kind {
            AnswerKind::Sources => story::sources(ctx),
            AnswerKind::Status => story::status(ctx),
            AnswerKind::Timeline => story::timeline(ctx),
            AnswerKind::Price => figures::price(ctx, chosen, u),
            AnswerKind::Quotes => {
                // The speaker is the name in the "what did X say" slot; a
                // named speaker with no quotes gets no one else's.
                let slot = intent.who(lower);
                let speaker = match slot {
                    Some((s, e)) => u.entities.iter().find(|x| x.span.0 >= s && x.span.1 <= e),
                    None => u.entities.iter().find(|e| e.kind == "PERSON"),
                };
                // "What did Globex's chief executive say?": the person the
                // articles give that role at Globex speaks.
                let by_role = speaker.filter(|s| s.kind != "PERSON").and_then(|org| {
                    let (s, e) = slot?;
                    story::holder_of_role(ctx, &org.name, lower.get(s..e)?)
                });
                let about: Vec<&str> = u
                    .entities
                    .iter()
                    .filter(|e| Some(&e.name) != speaker.map(|s| &s.name))
                    .map(|e| e.name.as_str())
                    .collect();
                let rel = self.relations_for(ctx, intent.relations.clone(), AnswerKind::Quotes);
                let speaker = by_role.as_deref().or(speaker.map(|s| s.name.as_str()));
                story::quotes(ctx, &rel, speaker, &about)
            }
            AnswerKind::Numbers => {
                let rel = self.relations_for(ctx, intent.relations.clone(), AnswerKind::Numbers);
                // "How did the shares react when the deal was announced?":
                // the figure dated nearest that event.
                if let Some(tail) = figures::tied_event(lower) {
                    let events: Vec<String> = self
                        .lexicon
                        .choose_relations(ctx.config, tail)
                        .into_iter()
                        .filter(|r| !rel.contains(r))
                        .collect();
                    if !events.is_empty() {
                        let ans = figures::at_event(ctx, &rel, &events, u);
                        if ans.answered {
                            return ans;
                        }
                    }
                }
                let ans = if intent.every {
                    let all = Understanding {
                        terms: Vec::new(),
                        ..u.clone()
                    };
                    respond::numbers(ctx, &all, &rel)
                } else {
                    respond::numbers(ctx, u, &rel)
                };
                // "How many stores were sold?": no figure fact, but the
                // event the question's words name may count its patient.
                let ans = match figures::counted_noun(lower) {
                    Some(noun) if !ans.answered => {
                        // Without "how many", which asks for figures of any kind.
                        let rest = lower.replacen("how many", "", 1);
                        let events = self.lexicon.choose_relations(ctx.config, &rest);
                        figures::quantity(ctx, &events, u, Some(noun))
                    }
                    _ => ans,
                };
                // "What percentage of members voted for the deal?": no
                // figure fact, but the event the question names may carry
                // its share.
                if ans.answered || !figures::asks_share(lower) {
                    return ans;
                }
                let events: Vec<String> = self
                    .lexicon
                    .choose_relations(ctx.config, lower)
                    .into_iter()
                    .filter(|r| !rel.contains(r))
                    .collect();
                let valued = respond::valued(ctx, u, &events);
                if valued.answered {
                    valued
                } else {
                    ans
                }
            }
            AnswerKind::About => {
                // "Who is X?", "what happened to X?": only when the question
                // is X and function words; otherwise it asks about a relation.
                // "What will X do with Y?": X's facts that involve Y.
                let with = match u.entities.as_slice() {
                    [_, y] => {
                        let before = u.lower[..y.span.0].trim_end();
                        [" with", " about", " to"]
                            .iter()
                            .any(|p| before.ends_with(p))
                            .then_some(y.name.as_str())
                    }
                    _ => None,
                };
                let only_filler = u.terms.iter().all(|t| self.about_filler.contains(t));
                let only_entity = (u.entities.len() == 1 || with.is_some()) && only_filler;
                // "What did X do after the ruling?": the event after
                // "after" dates what X did.
                let after = lower
                    .split_once(" after ")
                    .or_else(|| lower.split_once(" since "))
                    .or_else(|| lower.split_once(" following "))
                    .map(|(_, tail)| self.lexicon.choose_relations(ctx.config, tail))
                    .filter(|r| !r.is_empty());
                if let (Some(e), Some(after)) = (u.entities.first(), &after) {
                    let ans = story::done_after(ctx, &e.name, after);
                    if ans.answered {
                        return ans;
                    }
                }
                match u.entities.first() {
                    Some(e) if only_entity => story::about_with(ctx, &e.name, with),
                    // "What happened to the deal?" names no one: where the
                    // story stands.
                    None if only_filler && !u.terms.is_empty() => story::status(ctx),
                    _ => {
                        // "Who is the buyer?": a noun for the agent of a
                        // relation asked about ("buyer", "bidder") asks
                        // for its subjects.
                        let agent_noun = u
                            .lower
                            .split(|c: char| !c.is_alphanumeric() && c != '-')
                            .map(|w| w.strip_suffix('s').unwrap_or(w))
                            .filter(|w| w.ends_with("er") || w.ends_with("or"))
                            .any(|w| {
                                chosen.iter().any(|r| {
                                    ctx.relation(r)
                                        .is_some_and(|rel| rel.ask.iter().any(|a| a == w))
                                })
                            });
                        let mut u = u.clone();
                        drop_time_clause_names(&mut u);
                        respond::list(ctx, chosen, &u, agent_noun)
                    }
                }
            }
            AnswerKind::List if !chosen.is_empty() => {
                // "working with before Globex": the name after "before" is
                // the later event, not what the question is about.
                let mut u = u.clone();
                u.entities
                    .retain(|e| !u.lower[..e.span.0].trim_end().ends_with("before"));
                drop_time_clause_names(&mut u);
                // "Who sued ...", "which regulators objected ...": the
                // question word is the agent, so the answer is a subject.
                let agent =
                    intent.subjects || intent::asks_agent(lower, &ctx.config.grammar.irregular);
                respond::list(ctx, chosen, &u, agent)
            }
            AnswerKind::Who => respond::who(ctx, chosen, u),
            AnswerKind::Reason => respond::reason(ctx, chosen, u),
            AnswerKind::Date if !chosen.is_empty() => respond::date(ctx, chosen, u),
            AnswerKind::Place if !chosen.is_empty() => {
                // A place is a qualifier any relation tied for the question
                // may carry: the tie-break for event classes does not apply.
                let mut rel = chosen.to_vec();
                for r in self.lexicon.choose_relations_all(ctx.config, lower) {
                    if !rel.contains(&r) {
                        rel.push(r);
                    }
                }
                respond::place(ctx, &rel, u)
            }
            AnswerKind::YesNo => respond::yesno(ctx, chosen, u),
            AnswerKind::Fact => {
                let id = lower.split_whitespace().last().unwrap_or("");
                story::fact(ctx, id)
            }
            AnswerKind::List
            | AnswerKind::Date
            | AnswerKind::Place
            | AnswerKind::Ask
            | AnswerKind::WhatsNew
            | AnswerKind::Add => ctx.answer(&intent.name),
        }
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
            if self.lexicon.is_stopword(w)
                || self.lexicon.is_role_word(w)
                || self.index.knows(&self.lexicon.term(w))
            {
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

    /// The none tier: nothing answers; say so, with hints.
    fn not_found(&self, ctx: &Ctx<'_>, ans: &mut Answer) {
        ans.answered = false;
        ans.basis = Basis::None;
        ans.items.clear();
        ans.disagreements.clear();
        ans.citations.clear();
        ans.support.clear();
        ans.fact_ids.clear();
        ans.as_of = None;
        if ans.intent != "unknown-name" && ans.intent != "unknown-command" {
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

/// "Who was named chief executive when Globex was sold?": a name in a
/// clause that only says when is no party to what is asked.
fn drop_time_clause_names(u: &mut Understanding) {
    let text = u.lower.clone();
    u.entities.retain(|e| {
        let before = text[..e.span.0].trim_end();
        let after = text[e.span.1..].trim_start();
        let clause = ["was ", "were ", "had ", "is ", "has "]
            .iter()
            .any(|w| after.starts_with(w));
        let when = [" when", " while", " after"]
            .iter()
            .any(|w| before.ends_with(w));
        !(when && clause)
    });
}
