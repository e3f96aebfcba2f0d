//! factdesk: answers a team's questions about a news story from facts
//! extracted from the articles, every answer cited to the sentence.
//!
//! # Layout
//!
//! The data flows one way:
//!
//! ```text
//! seeds/*.txt --corpus--> Article{id, title, date, outlet, url, sentences}
//!             --extract--> Fact{subject, relation, object, qualifiers, evidence[]}
//!             --facts----> FactTable (merged across sources, conflicts marked)
//!             --query----> Answer (from a Request: slash command or question)
//!             --render---> plain text | JSON | Discord message
//!             --discord--> gateway (serenity) | HTTP interactions endpoint
//! ```
//!
//! - [`config`]: config.toml, the only place domain knowledge lives.
//! - [`corpus`]: article files, metadata, sentence splitting.
//! - [`extract`]: mention tagging and relation rules over tagged sentences.
//! - [`facts`]: the merged fact table with provenance and disagreements.
//! - [`query`]: requests, intents, answers, retrieval fallback.
//! - [`render`]: text, JSON and Discord embeds within Discord's limits.
//! - [`discord`]: the one interaction handler and its two transports.
//!
//! [`Engine`] ties them together: built once at start-up, then shared
//! read-only by every transport.

#![warn(missing_docs)]

pub mod config;
pub mod corpus;
pub mod date;
pub mod discord;
pub mod eval;
pub mod extract;
pub mod facts;
pub mod language;
pub mod live;
pub mod query;
pub mod render;

use std::path::Path;

use config::{Config, ConfigError};
use corpus::{Article, Problem, Reader};
use extract::Extractor;
use facts::FactTable;
use query::{Answer, Request};

include!(concat!(env!("OUT_DIR"), "/embedded_seeds.rs"));

/// Why the engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The corpus folder cannot be listed.
    #[error("cannot read corpus folder {path}: {source}")]
    Corpus {
        /// The folder.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Not one article could be read.
    #[error("no readable article in {0}")]
    Empty(String),
}

/// The whole pipeline, built once and then read-only.
pub struct Engine {
    config: Config,
    origin: config::Origin,
    articles: Vec<Article>,
    problems: Vec<Problem>,
    duplicates: Vec<corpus::Duplicate>,
    extractor: std::sync::Arc<Extractor>,
    facts: FactTable,
    answerer: query::Answerer,
    /// Change sets of the live corpus, oldest first (empty for a one-shot
    /// engine).
    history: std::sync::Arc<Vec<live::diff::Diff>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("articles", &self.articles.len())
            .field("facts", &self.facts.len())
            .field("problems", &self.problems.len())
            .finish()
    }
}

impl Engine {
    /// Loads a config file (or the embedded one) and a corpus folder (or the
    /// embedded seeds). Bad articles are kept as [`Engine::problems`].
    pub fn load(config: Option<&Path>, corpus: Option<&Path>) -> Result<Engine, LoadError> {
        Engine::load_story(config, None, corpus)
    }

    /// Like [`Engine::load`], with a story file (`--story`) that replaces the
    /// config's story and gazetteer.
    pub fn load_story(
        config: Option<&Path>,
        story: Option<&Path>,
        corpus: Option<&Path>,
    ) -> Result<Engine, LoadError> {
        let (config, origin) = Config::load_parts(config, story)?;
        let reader = Reader::new(&config.corpus)?;
        let (articles, problems) = match corpus {
            Some(dir) => reader.read_dir(dir).map_err(|source| LoadError::Corpus {
                path: dir.display().to_string(),
                source,
            })?,
            None => read_embedded(&reader, &config),
        };
        if articles.is_empty() {
            let place = corpus.map_or("the embedded seeds".to_string(), |p| {
                p.display().to_string()
            });
            return Err(LoadError::Empty(place));
        }
        let mut engine = Engine::build(config, articles, problems)?;
        engine.origin = origin;
        Ok(engine)
    }

    /// Runs every event class's example and counterexample sentences
    /// through the whole pipeline (with this engine's story); returns one
    /// line per example that broke, naming its class.
    pub fn check_examples(&self) -> Vec<String> {
        let Ok(reader) = Reader::new(&self.config.corpus) else {
            return vec!["corpus settings do not compile".into()];
        };
        // The examples' own cast, in place of the story's.
        let mut config = self.config.clone();
        config.entities = config.example_entities.clone();
        if let Some(first) = config.entities.first() {
            config.story.actor = first.name.clone();
        }
        let extractor = match Extractor::new(&config) {
            Ok(x) => x,
            Err(e) => return vec![format!("examples: {e}")],
        };
        let mut broken = Vec::new();
        for r in &self.config.relations {
            // Event classes, then surface rules: a rule's positive example
            // must be matched by a fact that rule gave (its evidence names
            // it), and a counterexample must give no fact from that rule.
            let owners = r
                .events
                .iter()
                .map(|e| (&e.name, &e.examples, &e.counterexamples, false, false))
                .chain(
                    r.rules
                        .iter()
                        .map(|x| (&x.name, &x.examples, &x.counterexamples, true, x.negated)),
                );
            for (name, examples, counterexamples, own_rule, negated) in owners {
                let cases = examples
                    .iter()
                    .map(|x| (x, true))
                    .chain(counterexamples.iter().map(|x| (x, false)));
                for (case, positive) in cases {
                    let (sentence, expect) = match case.split_once("=>") {
                        Some((s, x)) => (s.trim(), Some(x.trim())),
                        None => (case.trim(), None),
                    };
                    let Ok(article) = reader.parse("example.txt", sentence) else {
                        broken.push(format!("{name}: cannot read example {sentence:?}"));
                        continue;
                    };
                    let facts = extractor.extract_all(std::slice::from_ref(&article)).facts;
                    // Any fact of a rule's counts against its counterexample,
                    // negated or not.
                    let hit = facts.iter().find(|f| {
                        *f.relation == *r.name
                            && (!own_rule || *f.evidence.rule == **name)
                            && ((own_rule && !positive) || f.negated == negated)
                            && expect.map_or(true, |x| example_matches(f, x))
                    });
                    match (positive, hit) {
                        (true, None) => {
                            let got: Vec<String> = facts.iter().map(describe_fact).collect();
                            broken.push(format!(
                                "{name}: example gives no {} fact{}: {sentence:?} (got: {})",
                                r.name,
                                expect.map(|x| format!(" {x}")).unwrap_or_default(),
                                if got.is_empty() {
                                    "nothing".to_string()
                                } else {
                                    got.join("; ")
                                }
                            ));
                        }
                        (false, Some(f)) => broken.push(format!(
                            "{name}: counterexample gives {}: {sentence:?}",
                            describe_fact(f)
                        )),
                        _ => {}
                    }
                }
            }
        }
        broken
    }

    /// Where the language and story files came from.
    pub fn origin(&self) -> &config::Origin {
        &self.origin
    }

    /// Builds the engine from articles already read (tests, benchmarks).
    pub fn build(
        config: Config,
        articles: Vec<Article>,
        problems: Vec<Problem>,
    ) -> Result<Engine, ConfigError> {
        // A copy under another name is one source, not two.
        let (mut articles, duplicates) = corpus::dedupe(articles);
        corpus::estimate_dates(&mut articles);
        let mut extractor = Extractor::new(&config)?;
        let extraction = extractor.extract_all(&articles);
        // The caches of a whole corpus's matching would stay with the
        // engine for its lifetime otherwise.
        extractor.shed_caches();
        let mut engine =
            Engine::assemble(config, articles, problems, extractor.into(), extraction)?;
        engine.set_duplicates(duplicates);
        Ok(engine)
    }

    /// Records the files left out as copies of another article (the
    /// builder dedupes before extracting; see [`corpus::dedupe`]).
    pub fn set_duplicates(&mut self, duplicates: Vec<corpus::Duplicate>) {
        self.duplicates = duplicates;
    }

    /// Builds the engine from an extraction already made (the live corpus,
    /// which extracts article by article and caches). `articles` must have
    /// their dates estimated, as the extraction saw them.
    pub fn assemble(
        config: Config,
        articles: Vec<Article>,
        problems: Vec<Problem>,
        extractor: std::sync::Arc<Extractor>,
        mut extraction: extract::Extraction,
    ) -> Result<Engine, ConfigError> {
        share_text(&articles, &mut extraction);
        let facts = FactTable::build(&config, extraction);
        let triggers = extractor.triggers().clone();
        let answerer = query::Answerer::with_triggers(&config, &facts, &articles, triggers)?;
        Ok(Engine {
            config,
            origin: config::Origin::default(),
            articles,
            problems,
            duplicates: Vec::new(),
            extractor,
            facts,
            answerer,
            history: Default::default(),
        })
    }

    /// Change sets of the live corpus, oldest first.
    pub fn history(&self) -> &[live::diff::Diff] {
        &self.history
    }

    /// Carries the previous engine's history over, with `diff` added when
    /// it matters (at most [`live::diff::HISTORY`] kept).
    pub fn record(&mut self, previous: &Engine, diff: Option<live::diff::Diff>) {
        let mut h: Vec<live::diff::Diff> = previous.history.as_ref().clone();
        h.extend(diff.filter(|d| d.matters()));
        let over = h.len().saturating_sub(live::diff::HISTORY);
        h.drain(..over);
        self.history = std::sync::Arc::new(h);
    }

    /// Sets where the language and story files came from.
    pub fn set_origin(&mut self, origin: config::Origin) {
        self.origin = origin;
    }

    /// Answers one request. Never fails: "no answer" is an answer.
    pub fn answer(&self, request: &Request) -> Answer {
        if let Request::Command { name, options } = request {
            let kind = self.config.command(name).map(|c| c.answer.as_str());
            if kind == Some(live::add::ANSWER_KIND) {
                // Fetching a page is the gateway bot's and the CLI's job.
                let mut a = Answer::new(&request.display(), live::add::ANSWER_KIND);
                a.hints.push(
                    "Articles are added with /add through the gateway bot, or `factdesk add <url>` on the terminal.".into(),
                );
                return a;
            }
            if kind == Some(live::diff::ANSWER_KIND) {
                let since = options.values().next().map(String::as_str);
                return live::diff::answer(self, &request.display(), since);
            }
        }
        self.answerer
            .answer(request, &self.facts, &self.articles, &self.config)
    }

    /// A fact in words, as answers word it (its relation's template,
    /// "reportedly" when its sources hedge).
    pub fn fact_sentence(&self, fact: &facts::Fact) -> String {
        self.answerer
            .sentence(fact, &self.facts, &self.articles, &self.config)
    }

    /// Parses the CLI form of a request (`/why entity:X`, `/ask ...`, text).
    pub fn parse_request(&self, input: &str) -> Request {
        Request::parse(input, |cmd| {
            self.config
                .command(cmd)
                .and_then(|c| c.options.first())
                .map(|o| o.name.clone())
        })
    }

    /// Entity names for autocomplete: prefix matches first, then fuzzy, at
    /// most `limit`.
    pub fn complete_entity(&self, partial: &str, limit: usize) -> Vec<String> {
        self.answerer.complete(partial, limit)
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The articles read.
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// Files that could not be read as articles.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Files left out as copies of another article (same URL or text).
    pub fn duplicates(&self) -> &[corpus::Duplicate] {
        &self.duplicates
    }

    /// The fact table.
    pub fn facts(&self) -> &FactTable {
        &self.facts
    }

    /// The compiled extractor (rule statistics for `check`).
    pub fn extractor(&self) -> &Extractor {
        &self.extractor
    }
}

/// Points every evidence at the one copy of its sentence, article name and
/// rule name. Extraction shares them already; an extraction read back from
/// the cache has a copy of each per evidence, which a large corpus's table
/// would keep for its lifetime.
fn share_text(articles: &[Article], extraction: &mut extract::Extraction) {
    let mut sources: Vec<Option<std::sync::Arc<str>>> = vec![None; articles.len()];
    let mut rules: std::collections::BTreeSet<std::sync::Arc<str>> = Default::default();
    for f in &mut extraction.facts {
        let e = &mut f.evidence;
        let Some(a) = articles.get(e.article) else {
            continue;
        };
        if let Some(s) = a.sentences.get(e.sentence) {
            if s.text == e.quote && !std::sync::Arc::ptr_eq(&s.text, &e.quote) {
                e.quote = s.text.clone();
            }
        }
        match &sources[e.article] {
            Some(src) if *src == e.source => e.source = src.clone(),
            Some(_) => {}
            None if *a.id == *e.source => sources[e.article] = Some(e.source.clone()),
            None => {}
        }
        match rules.get(&*e.rule) {
            Some(r) => e.rule = r.clone(),
            None => {
                rules.insert(e.rule.clone());
            }
        }
    }
}

fn read_embedded(reader: &Reader, config: &Config) -> (Vec<Article>, Vec<Problem>) {
    let mut articles = Vec::new();
    let mut problems = Vec::new();
    for (name, bytes) in EMBEDDED_SEEDS {
        let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        if !config.corpus.extensions.contains(&ext) {
            continue;
        }
        match reader.parse_bytes(name, bytes) {
            Ok(a) => articles.push(a),
            Err(p) => problems.push(p),
        }
    }
    (articles, problems)
}

/// One line for a raw fact in an example's report.
fn describe_fact(f: &extract::RawFact) -> String {
    let q: Vec<String> = f
        .evidence
        .qualifiers
        .iter()
        .map(|(k, v)| format!(" {k}={v}"))
        .collect();
    format!(
        "{} {} {}{}{} [{}]",
        f.subject,
        f.relation,
        f.object,
        if f.negated { " (negated)" } else { "" },
        q.concat(),
        f.evidence.rule
    )
}

/// Whether a raw fact is what an example expects: `subject / object`, then
/// optionally `/ key=value; key=-` for the roles it must give (`-`: must not
/// give that role).
fn example_matches(f: &extract::RawFact, expect: &str) -> bool {
    let mut parts = expect.splitn(3, '/');
    let subj = parts.next().unwrap_or("").trim();
    let obj = parts.next().unwrap_or("").trim();
    let roles = parts.next().unwrap_or("");
    f.subject.contains(subj)
        && f.object.contains(obj)
        && roles
            .split(';')
            .filter_map(|r| r.split_once('='))
            .all(|(k, v)| {
                let got = f.evidence.qualifiers.get(k.trim());
                match v.trim() {
                    "-" => got.is_none(),
                    v => got.is_some_and(|g| g == v),
                }
            })
}
