//! Scoring a questions file (the format of the acceptance questions) and the
//! `check` report.
//!
//! A question passes when `answered` matches, every `all` group has one
//! alternative in the answer text (case-insensitive), no `none` string
//! appears, and, when `cite_any` is given, one citation comes from one of
//! those files. A question with a `command` is asked both ways.

use std::fmt::Write as _;

use serde::Deserialize;

use crate::query::{Answer, Basis};
use crate::Engine;

/// A questions file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suite {
    /// The questions.
    #[serde(default)]
    pub question: Vec<Case>,
}

/// One scored question.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Identifier.
    pub id: String,
    /// The question as a user types it.
    pub ask: String,
    /// The slash-command form, also scored.
    #[serde(default)]
    pub command: Option<String>,
    /// Expected `answered`.
    #[serde(default = "yes")]
    pub answered: bool,
    /// Groups of alternatives; each group must match.
    #[serde(default)]
    pub all: Vec<Vec<String>>,
    /// Strings that must not appear.
    #[serde(default)]
    pub none: Vec<String>,
    /// At least one citation from one of these files.
    #[serde(default)]
    pub cite_any: Vec<String>,
}

fn yes() -> bool {
    true
}

impl Suite {
    /// Parses a questions file.
    pub fn parse(text: &str) -> Result<Suite, toml::de::Error> {
        toml::from_str(text)
    }
}

/// The outcome of one asked form.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Question id, with `(command)` for the slash form.
    pub id: String,
    /// What was asked.
    pub asked: String,
    /// Why it failed; empty when it passed.
    pub failures: Vec<String>,
    /// The answer's text.
    pub text: String,
    /// The tier that answered.
    pub basis: Basis,
}

/// All outcomes.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// In file order.
    pub outcomes: Vec<Outcome>,
}

impl Report {
    /// Passed count.
    pub fn passed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.failures.is_empty())
            .count()
    }
    /// Failed count.
    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed()
    }
    /// How many asked forms each tier answered: (facts, quotes, none).
    pub fn tiers(&self) -> (usize, usize, usize) {
        let n = |b: Basis| self.outcomes.iter().filter(|o| o.basis == b).count();
        (n(Basis::Facts), n(Basis::Quotes), n(Basis::None))
    }

    /// Human report ending with `N passed, M failed`.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        for o in &self.outcomes {
            let ok = o.failures.is_empty();
            let _ = writeln!(
                out,
                "{} {}  {}  [{}]",
                if ok { "PASS" } else { "FAIL" },
                o.id,
                o.asked,
                o.basis.as_str()
            );
            for f in &o.failures {
                let _ = writeln!(out, "     {f}");
            }
            if verbose || !ok {
                for line in o.text.lines() {
                    let _ = writeln!(out, "     | {line}");
                }
            }
        }
        let (facts, quotes, none) = self.tiers();
        let _ = writeln!(out, "tiers: {facts} facts, {quotes} quotes, {none} none");
        let _ = writeln!(out, "{} passed, {} failed", self.passed(), self.failed());
        out
    }
}

/// Asks every question (and command form) and scores the answers.
pub fn run(engine: &Engine, suite: &Suite) -> Report {
    let mut report = Report::default();
    for case in &suite.question {
        let mut forms = vec![(case.id.clone(), case.ask.clone())];
        if let Some(c) = &case.command {
            forms.push((format!("{} (command)", case.id), c.clone()));
        }
        for (id, asked) in forms {
            let answer = engine.answer(&engine.parse_request(&asked));
            let failures = score(case, &answer);
            report.outcomes.push(Outcome {
                id,
                asked,
                failures,
                text: answer.body_text(),
                basis: answer.basis,
            });
        }
    }
    report
}

/// Why an answer fails a case (empty: it passes).
pub fn score(case: &Case, answer: &Answer) -> Vec<String> {
    let mut failures = Vec::new();
    let text = answer.body_text().to_lowercase();
    if answer.answered != case.answered {
        failures.push(format!(
            "answered = {}, expected {}",
            answer.answered, case.answered
        ));
    }
    for group in &case.all {
        if !group.iter().any(|alt| text.contains(&alt.to_lowercase())) {
            failures.push(format!("missing one of {group:?}"));
        }
    }
    for bad in &case.none {
        if text.contains(&bad.to_lowercase()) {
            failures.push(format!("contains {bad:?}"));
        }
    }
    if !case.cite_any.is_empty()
        && !answer
            .citations
            .iter()
            .any(|c| case.cite_any.iter().any(|s| **s == *c.source))
    {
        failures.push(format!("no citation from {:?}", case.cite_any));
    }
    failures
}

/// The `check` report: articles, duplicates, sentences, facts per relation,
/// rules that never fired, skipped files.
pub fn check_report(engine: &Engine) -> String {
    let mut out = String::new();
    let sentences: usize = engine.articles().iter().map(|a| a.sentences.len()).sum();
    let _ = writeln!(
        out,
        "config: ok ({} relations, {} commands, {} entities)",
        engine.config().relations.len(),
        engine.config().commands.len(),
        engine.config().entities.len()
    );
    let _ = writeln!(out, "language: {}", engine.origin().language);
    let _ = writeln!(
        out,
        "story: {:?} (actor {:?}) from {}",
        engine.config().story.title,
        engine.config().story.actor,
        engine.origin().story
    );
    let _ = writeln!(
        out,
        "articles: {} ({} sentences)",
        engine.articles().len(),
        sentences
    );
    for a in engine.articles() {
        let _ = writeln!(
            out,
            "  {}  {}  {}  {} sentences  {}",
            a.id,
            a.date.map_or("----------".to_string(), |d| {
                if a.date_estimated {
                    format!("{d} (estimated)")
                } else {
                    d.to_string()
                }
            }),
            a.outlet.as_deref().unwrap_or("-"),
            a.sentences.len(),
            a.title.as_deref().unwrap_or("")
        );
    }
    // Copies are one source with their original: listed, not counted.
    if engine.duplicates().is_empty() {
        let _ = writeln!(out, "duplicates: none");
    } else {
        let _ = writeln!(
            out,
            "duplicates: {} (each counted once, with its original)",
            engine.duplicates().len()
        );
        for d in engine.duplicates() {
            let _ = writeln!(out, "  {d}");
        }
    }
    let facts = engine.facts();
    let _ = writeln!(out, "facts: {}", facts.len());
    for (relation, n) in facts.count_by_relation() {
        let _ = writeln!(out, "  {relation}: {n}");
    }
    let _ = writeln!(out, "entities: {}", facts.entities().len());
    let silent = engine.extractor().silent_rules(facts.rule_hits());
    if silent.is_empty() {
        let _ = writeln!(out, "rules that never fired: none");
    } else {
        let _ = writeln!(out, "rules that never fired: {}", silent.len());
        for r in silent {
            let _ = writeln!(out, "  {r}");
        }
    }
    let broken = engine.check_examples();
    let total: usize = engine
        .config()
        .relations
        .iter()
        .flat_map(|r| &r.events)
        .map(|e| e.examples.len() + e.counterexamples.len())
        .sum();
    let rule_total: usize = engine
        .config()
        .relations
        .iter()
        .flat_map(|r| &r.rules)
        .map(|x| x.examples.len() + x.counterexamples.len())
        .sum();
    if broken.is_empty() {
        let _ = writeln!(out, "event class examples: {total} pass");
        let _ = writeln!(out, "rule examples: {rule_total} pass");
    } else {
        let _ = writeln!(
            out,
            "event class and rule examples: {} of {} broken",
            broken.len(),
            total + rule_total
        );
        for b in &broken {
            let _ = writeln!(out, "  {b}");
        }
    }
    if engine.problems().is_empty() {
        let _ = writeln!(out, "skipped files: none");
    } else {
        let _ = writeln!(out, "skipped files: {}", engine.problems().len());
        for p in engine.problems() {
            let _ = writeln!(out, "  {p}");
        }
    }
    out
}
