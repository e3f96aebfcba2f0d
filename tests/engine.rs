//! The fact engine end to end, on a story of its own: `tests/fixtures/story`
//! holds articles about a battery deal whose companies and people appear in
//! no gazetteer, read with the repository's own language.toml (only the
//! story's actor changed). Facts must come out of the rules, with no code
//! change, and answers must cite the fixture sentences verbatim.
//!
//! Golden files live in `tests/golden/`; `UPDATE_GOLDEN=1 cargo test`
//! rewrites them after an intended change (review the diff).

use std::path::PathBuf;
use std::process::Command;

use factdesk::config::Config;
use factdesk::corpus::Reader;
use factdesk::facts::Qualifier;
use factdesk::query::{Basis, Request};
use factdesk::render;
use factdesk::Engine;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn story_dir() -> PathBuf {
    root().join("tests/fixtures/story/articles")
}

/// The repository's config with the fixture story's actor.
fn story_config_text() -> String {
    // The repository's language file and story file together make a whole
    // config (their keys are disjoint).
    let text = std::fs::read_to_string(root().join("language.toml")).unwrap()
        + "\n"
        + &std::fs::read_to_string(root().join("story.toml")).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("actor = ") {
            out.push_str("actor = \"Northwind\"\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn story_config_file() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("factdesk-story-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, story_config_text()).unwrap();
    path
}

fn story_engine() -> Engine {
    let config = Config::parse(&story_config_text()).unwrap();
    let reader = Reader::new(&config.corpus).unwrap();
    let (articles, problems) = reader.read_dir(&story_dir()).unwrap();
    Engine::build(config, articles, problems).unwrap()
}

fn ask(engine: &Engine, q: &str) -> factdesk::query::Answer {
    engine.answer(&engine.parse_request(q))
}

fn tiers_dir() -> PathBuf {
    root().join("tests/fixtures/tiers/articles")
}

/// The tiers fixture: articles on the same story whose answers often lie
/// in sentences no rule turns into a fact.
fn tiers_engine() -> Engine {
    let config = Config::parse(&story_config_text()).unwrap();
    let reader = Reader::new(&config.corpus).unwrap();
    let (articles, problems) = reader.read_dir(&tiers_dir()).unwrap();
    Engine::build(config, articles, problems).unwrap()
}

/// Questions by the tier that must answer them.
const FACTS_TIER: &[&str] = &[
    "Who did Northwind rule out?",
    "/who-rejected",
    // The fact lacks the memorandum the question names: its quote shows it.
    "When did Northwind sign the memorandum with Lumen Batteries?",
    // The sentence's opening date ("On March 10, Northwind began testing
    // packs from ...") dates the fact.
    "When did Northwind start testing Tailspin Energy's packs?",
];
const QUOTES_TIER: &[&str] = &[
    // The fact holds no reason ("after a price dispute" is no reason cue
    // of the language file); the sentence gives one.
    "Why did Northwind rule out Tailspin Energy?",
    "Why did Northwind pull out of talks with Woodgrove Cells?",
    "How many packs a year does the memorandum cover?",
    "Who could block the deal?",
    "What did the Ledger Daily report?",
];
/// Unanswerable at every tier: a name the articles never use, a relation
/// no fact or sentence holds for the name, a sentence about someone else,
/// a modal sentence for what happened, an answer type no sentence has.
const NONE_TIER: &[&str] = &[
    "Did Northwind partner with Samsung?",
    "Why did Northwind drop Orbit Cells?",
    "When did Northwind start testing Orbit Cells' packs?",
    "Who blocked the deal?",
    "How much is the memorandum worth?",
    "What is the capital of France?",
];

/// Compares with a golden file, printing both sides on a difference.
fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "output differs from {}\n--- expected ---\n{expected}\n--- actual ---\n{actual}\n(UPDATE_GOLDEN=1 rewrites it)",
            path.display()
        );
    }
}

#[test]
fn unknown_names_become_facts_without_code_changes() {
    let engine = story_engine();
    let facts: Vec<String> = engine
        .facts()
        .all()
        .iter()
        .map(|f| {
            format!(
                "{} {}{} {}",
                f.subject,
                if f.negated { "not " } else { "" },
                f.relation,
                f.object
            )
        })
        .collect();
    for expected in [
        "Northwind Motors rejected Contoso",
        "Northwind Motors rejected Tailspin Energy",
        "Northwind Motors partnered Fabrikam",
        "Northwind Motors considered Woodgrove Cells",
        "Northwind Motors initial_partner Contoso",
        "Priya Raman confirmed the partnership",
        "Priya Raman role Northwind Motors",
        "Dana Whitfield role Fabrikam",
        "Fabrikam not shares_data Northwind Motors",
        "Contoso metric shares",
    ] {
        assert!(
            facts.iter().any(|f| f == expected),
            "missing `{expected}` in {facts:#?}"
        );
    }
    // None of these names is in the gazetteer.
    let config = Config::parse(&story_config_text()).unwrap();
    for name in [
        "Northwind",
        "Fabrikam",
        "Contoso",
        "Tailspin",
        "Priya Raman",
    ] {
        assert!(!config
            .entities
            .iter()
            .any(|e| e.name.contains(name) || e.aliases.iter().any(|a| a.contains(name))));
    }
}

#[test]
fn facts_json_matches_golden() {
    let engine = story_engine();
    let json = serde_json::to_string_pretty(&engine.facts().to_json()).unwrap();
    golden("story_facts.json", &format!("{json}\n"));
}

#[test]
fn answers_match_golden() {
    let engine = story_engine();
    let questions = [
        "Who did Northwind reject?",
        "/who-rejected",
        "/who-partnered",
        "Who did Northwind pick?",
        "Why did Northwind drop Contoso?",
        "Which suppliers did Northwind consider?",
        "Who was Northwind's first battery supplier?",
        "When was the partnership confirmed?",
        "Where was the deal confirmed?",
        "Who is Priya Raman?",
        "What did Dana Whitfield say?",
        "How much did Contoso shares fall?",
        "Will Fabrikam share its driving data with Northwind?",
        "Did Northwind pick Contoso?",
        "/status",
        "/sources",
        "/timeline",
        "/about entity:Fabrikam",
        "When will the first vehicles arrive?",
        "Can you tell me why Northwind dropped Contoso?",
        "fabrikam?",
        "What is the capital of France?",
    ];
    let mut out = String::new();
    for q in questions {
        out.push_str(&format!("### {q}\n{}\n", render::text(&ask(&engine, q))));
    }
    golden("story_answers.txt", &out);
}

#[test]
fn every_citation_quotes_its_article_verbatim() {
    let engine = story_engine();
    for q in [
        "/status",
        "/timeline",
        "Why did Northwind drop Contoso?",
        "/about entity:Northwind Motors",
        "/sources",
    ] {
        let answer = ask(&engine, q);
        assert!(!answer.citations.is_empty(), "{q}: no citation");
        for c in &answer.citations {
            let text = std::fs::read_to_string(story_dir().join(&*c.source)).unwrap();
            assert!(
                text.contains(&*c.quote),
                "{q}: {:?} is not verbatim in {}",
                c.quote,
                c.source
            );
        }
    }
}

#[test]
fn evidence_spans_point_at_the_quoted_bytes() {
    let engine = story_engine();
    for f in engine.facts().all() {
        for e in &f.evidence {
            let bytes = std::fs::read(story_dir().join(&*e.source)).unwrap();
            assert_eq!(
                &bytes[e.span.0..e.span.1],
                e.quote.as_bytes(),
                "{} in {}",
                f.id,
                e.source
            );
        }
    }
}

#[test]
fn relative_dates_resolve_against_the_article_date() {
    let engine = story_engine();
    // The journal is dated Saturday 2026-03-07: "on Friday" is the 6th.
    let answer = ask(&engine, "When was the partnership confirmed?");
    assert!(answer.answered);
    assert_eq!(answer.headline, "2026-03-06");
}

#[test]
fn hedged_and_negated_claims_are_marked() {
    let engine = story_engine();
    let share = engine
        .facts()
        .all()
        .iter()
        .find(|f| f.relation == "shares_data")
        .unwrap();
    assert!(share.negated);
    assert_eq!(
        share.qualifier(Qualifier::Reason),
        Some("strict privacy rules")
    );
    let answer = ask(
        &engine,
        "Will Fabrikam share its driving data with Northwind?",
    );
    assert!(answer.headline.starts_with("No:"), "{}", answer.headline);
    // "according to The Ledger" hedges the choice of Fabrikam.
    let partnered = engine
        .facts()
        .all()
        .iter()
        .find(|f| f.relation == "partnered")
        .unwrap();
    assert!(partnered
        .evidence
        .iter()
        .any(|e| e.hedged && e.attribution.as_deref() == Some("The Ledger")));
}

#[test]
fn sources_that_differ_are_both_kept() {
    let engine = story_engine();
    let dropped = engine
        .facts()
        .all()
        .iter()
        .find(|f| f.relation == "rejected" && f.object == "Contoso")
        .unwrap();
    assert_eq!(dropped.sources, 2);
    let reasons = &dropped
        .disagreements
        .iter()
        .find(|d| d.what == "reason")
        .unwrap()
        .values;
    assert_eq!(reasons.len(), 2, "{reasons:?}");
}

#[test]
fn unanswerable_questions_say_so_with_hints() {
    let engine = story_engine();
    for q in [
        "What is the capital of France?",
        "How much does the new SUV cost?",
        "What's the weather tomorrow?",
        "Did Northwind partner with Samsung?",
        "Who won the Super Bowl?",
    ] {
        let a = ask(&engine, q);
        assert!(!a.answered, "{q} was answered: {}", a.body_text());
        assert!(a.citations.is_empty());
        assert!(!a.hints.is_empty());
    }
}

#[test]
fn bad_articles_are_reported_and_skipped() {
    let engine = story_engine();
    let problems: Vec<String> = engine.problems().iter().map(|p| p.to_string()).collect();
    assert_eq!(
        problems,
        vec![
            "03_broken.txt:2: binary data (NUL byte), not an article".to_string(),
            "04_latin1.txt:1: not valid UTF-8: invalid utf-8 sequence of 1 bytes from index 3"
                .to_string(),
            "05_empty.txt: empty article".to_string(),
        ]
    );
    assert_eq!(engine.articles().len(), 2);
}

#[test]
fn a_huge_article_is_skipped_and_the_rest_served() {
    let dir = std::env::temp_dir().join(format!("factdesk-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(story_dir().join("01_wire.txt"), dir.join("01_wire.txt")).unwrap();
    let line = "Northwind said the plan was on track. ".repeat(1000);
    let mut big = String::new();
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&line);
        big.push('\n');
    }
    std::fs::write(dir.join("02_huge.txt"), big).unwrap();
    let config = Config::parse(&story_config_text()).unwrap();
    let (articles, problems) = Reader::new(&config.corpus).unwrap().read_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(articles.len(), 1);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "02_huge.txt");
    assert!(
        problems[0].message.contains("over the"),
        "{}",
        problems[0].message
    );
}

#[test]
fn hostile_questions_get_clean_safe_replies() {
    let engine = story_engine();
    let long = "why ".repeat(2_500);
    let hostile = [
        long.as_str(),
        "@everyone @here who did <@123> reject?",
        "**who** did __Northwind__ `reject`? ||spoiler|| > quote",
        "who\u{0} did\u{7} Northwind\u{1b}[31m reject\u{202e}?",
        "",
        "/",
        "/nonexistent-command foo:bar",
        "/about entity:",
    ];
    for q in hostile {
        let answer = ask(&engine, q);
        let reply = render::discord_message(&answer).to_json();
        assert_eq!(
            reply["allowed_mentions"],
            serde_json::json!({"parse": []}),
            "{q:?}"
        );
        let s = reply.to_string();
        assert!(
            !s.contains("@everyone") && !s.contains("@here"),
            "{q:?} leaked a mention: {s}"
        );
        assert!(!answer.question.chars().any(|c| c.is_control()), "{q:?}");
        assert!(answer.question.chars().count() <= factdesk::query::MAX_QUESTION_CHARS);
        let _ = render::text(&answer);
    }
    assert!(ask(&engine, &long).truncated);
    // Control characters do not stop the question from being understood.
    let a = ask(&engine, "who\u{0} did\u{7} Northwind reject?");
    assert!(a.answered, "{}", a.body_text());
}

#[test]
fn typos_in_entity_names_are_tolerated() {
    let engine = story_engine();
    assert_eq!(
        ask(&engine, "Did Northwind partner with Samsung?").headline,
        "The articles don't mention Samsung."
    );
    let a = ask(&engine, "why did Northwind drop Contosso?");
    assert!(a.answered);
    assert!(
        a.body_text().contains("repeated delays"),
        "{}",
        a.body_text()
    );
}

#[test]
fn autocomplete_offers_prefix_matches_first() {
    let engine = story_engine();
    let c = engine.complete_entity("fab", 25);
    assert_eq!(c.first().map(|s| s.as_str()), Some("Fabrikam"));
    assert!(engine.complete_entity("", 25).len() <= 25);
}

fn factdesk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_factdesk"))
        .args(args)
        .env_remove("FACTDESK_CONFIG")
        .env_remove("FACTDESK_CORPUS")
        .output()
        .unwrap()
}

#[test]
fn cli_ask_json_follows_the_contract() {
    let config = story_config_file();
    let corpus = story_dir();
    let out = factdesk(&[
        "ask",
        "--json",
        "--config",
        config.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
        "/who-rejected",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["question"], "/who-rejected");
    assert_eq!(v["answered"], true);
    assert!(v["text"].as_str().unwrap().contains("Contoso"));
    let cites = v["citations"].as_array().unwrap();
    assert!(!cites.is_empty());
    for c in cites {
        for key in ["source", "title", "date", "quote"] {
            assert!(c.get(key).is_some(), "citation lacks {key}: {c}");
        }
    }
    // Skipped files are reported on stderr, the answer still given.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("03_broken.txt:2"), "{err}");
}

#[test]
fn cli_facts_json_has_evidence_with_spans() {
    let config = story_config_file();
    let corpus = story_dir();
    let out = factdesk(&[
        "facts",
        "--json",
        "--config",
        config.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &v.as_array().unwrap()[0];
    for key in ["subject", "relation", "object", "qualifiers", "evidence"] {
        assert!(first.get(key).is_some(), "fact lacks {key}");
    }
    let e = &first["evidence"][0];
    assert!(
        e["span"].as_array().unwrap().len() == 2
            && e["quote"].is_string()
            && e["source"].is_string()
    );
}

#[test]
fn cli_refuses_a_broken_rule_and_names_it() {
    let dir = std::env::temp_dir().join(format!("factdesk-badrule-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = story_config_text().replacen(
        "(?:was quoted as saying|said",
        "((?:was quoted as saying|said",
        1,
    );
    assert_ne!(bad, story_config_text(), "fixture edit did not apply");
    let path = dir.join("bad.toml");
    std::fs::write(&path, bad).unwrap();
    let out = factdesk(&[
        "check",
        "--config",
        path.to_str().unwrap(),
        "--corpus",
        story_dir().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("said.quote-then-speaker"), "{err}");

    let unknown = format!("{}\n[frobnicate]\nx = 1\n", story_config_text());
    std::fs::write(&path, unknown).unwrap();
    let out = factdesk(&[
        "check",
        "--config",
        path.to_str().unwrap(),
        "--corpus",
        story_dir().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("frobnicate"));

    let bad_cmd =
        story_config_text().replacen("name = \"who-rejected\"", "name = \"Who Rejected\"", 1);
    std::fs::write(&path, bad_cmd).unwrap();
    let out = factdesk(&[
        "check",
        "--config",
        path.to_str().unwrap(),
        "--corpus",
        story_dir().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Who Rejected"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cli_eval_ends_with_the_pass_line() {
    let dir = std::env::temp_dir().join(format!("factdesk-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let suite = dir.join("q.toml");
    std::fs::write(
        &suite,
        r#"
[[question]]
id = "rejected"
ask = "Who did Northwind reject?"
command = "/who-rejected"
all = [["Contoso"], ["Tailspin"]]
cite_any = ["01_wire.txt", "02_journal.md"]

[[question]]
id = "unknown"
ask = "What is the capital of France?"
answered = false
"#,
    )
    .unwrap();
    let config = story_config_file();
    let out = factdesk(&[
        "eval",
        suite.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--corpus",
        story_dir().to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().last(),
        Some("3 passed, 0 failed"),
        "{stdout}"
    );
    assert!(out.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_default_engine_runs_without_flags() {
    // The embedded config and seeds: what a newcomer's first command uses.
    let engine = Engine::load(None, None).unwrap();
    assert!(engine.problems().is_empty());
    assert!(engine.facts().len() > 10);
    let a = engine.answer(&Request::command("sources", Vec::new()));
    assert!(a.answered);
}

#[test]
fn an_event_word_naming_several_relations_dates_from_the_one_with_facts() {
    // "launch" is asked of two relations; the seeds state only one of
    // them: /when still gives its dates.
    let engine = Engine::load(None, None).unwrap();
    let a = engine.answer(&engine.parse_request("/when event:launch"));
    assert!(a.answered, "{}", a.headline);
    assert!(a.headline.contains("2025"), "{}", a.headline);
}

#[test]
fn other_articles_on_the_seed_story_answer_differently_worded_questions() {
    // Articles in other styles (wire dateline, markdown blog, analysis) with the
    // repository's config as is: the rules read news, not the seeds.
    let dir = root().join("tests/fixtures/apple-extra");
    let engine = Engine::load(None, Some(&dir.join("articles"))).unwrap();
    let suite =
        factdesk::eval::Suite::parse(&std::fs::read_to_string(dir.join("questions.toml")).unwrap())
            .unwrap();
    let report = factdesk::eval::run(&engine, &suite);
    assert_eq!(report.failed(), 0, "{}", report.render(false));
}

#[test]
fn every_event_class_example_passes() {
    // The language file's examples and counterexamples (event classes and
    // surface rules), through the whole pipeline: a broken one names its
    // class or rule.
    let engine = Engine::load(None, None).unwrap();
    let broken = engine.check_examples();
    assert!(broken.is_empty(), "broken examples:\n{}", broken.join("\n"));
}

#[test]
fn every_surface_rule_has_examples_and_counterexamples() {
    // Each rule carries at least one sentence it must fire on and one it
    // must not; `every_event_class_example_passes` runs them.
    let config = Config::parse(&story_config_text()).unwrap();
    let mut rules = 0;
    for r in &config.relations {
        for x in &r.rules {
            rules += 1;
            assert!(!x.examples.is_empty(), "rule {} has no example", x.name);
            assert!(
                !x.counterexamples.is_empty(),
                "rule {} has no counterexample",
                x.name
            );
        }
    }
    assert!(rules > 0);
}

#[test]
fn a_broken_rule_example_names_its_rule() {
    // A rule's example counts only a fact that rule gave, and its
    // counterexample fails on any fact from it.
    let mut config = Config::parse(&story_config_text()).unwrap();
    let competes = config
        .relations
        .iter_mut()
        .find(|r| r.name == "competes")
        .unwrap();
    let rule = competes
        .rules
        .iter_mut()
        .find(|x| x.name == "competes.competes-with")
        .unwrap();
    // Fires this rule: as a counterexample it must break.
    rule.counterexamples = vec!["Northwind competes with Globex in cloud services.".into()];
    // Fires a sibling rule, not this one: as an example it must break.
    rule.examples = vec!["Northwind faces competition from rivals such as Globex.".into()];
    let engine = Engine::build(config, Vec::new(), Vec::new()).unwrap();
    let broken = engine.check_examples();
    let mine: Vec<&String> = broken
        .iter()
        .filter(|b| b.starts_with("competes.competes-with:"))
        .collect();
    assert_eq!(mine.len(), 2, "{broken:#?}");
    assert!(mine
        .iter()
        .any(|b| b.contains("example gives no competes fact")));
    assert!(mine
        .iter()
        .any(|b| b.contains("counterexample gives Northwind competes Globex")));
}

#[test]
fn other_stories_answer_from_a_story_file_and_articles_only() {
    // Stories nobody tuned the language file for, each a story file
    // (only [story] and [[entity]]) and a folder of restated articles. The
    // floors are what the language layer answers today: a change may raise
    // them, never lower them.
    for (story, floor) in [
        ("adobe-figma", 22),
        ("msft-activision", 22),
        ("kroger-albertsons", 22),
        ("nvidia-arm", 21),
        ("capone-discover", 19),
        ("tiktok-divestiture", 23),
        // Not a deal: a product unveiled, criticised, enquired into by a
        // regulator, delayed twice, previewed and rolled out.
        ("recall-feature", 19),
        // Not a deal either: an in-flight blowout, a grounding, an
        // investigation, the return to service. Written after the rest.
        ("max9-door-plug", 22),
        // A sixth hold-out, a deal fought over by two administrations:
        // blocked by one president, sued over, reviewed again and approved
        // by the next (17 at its first run).
        ("nippon-us-steel", 26),
        // A seventh, no deal at all: a chief executive fired, two interim
        // chiefs, resignations, a rival's hiring and a return (21 at its
        // first run, before the office classes).
        ("openai-board", 28),
        // An eighth, written after the office classes to check them: a
        // chief executive pushed out, interim co-chiefs, a successor (19 at
        // its first run).
        ("intel-ceo", 26),
        // A ninth: an outage, its cause, a regulator's probe, a hearing and
        // lawsuits (22 at its first run).
        ("crowdstrike-outage", 29),
        // A tenth, a bank failure: losses, a run, the bank closed and put
        // in receivership, deposits guaranteed, a buyer, a review laying
        // blame (19 of 41 at its first run).
        ("svb-collapse", 28),
        // Two more, scored at the end of the stop that wrote them (first
        // runs 25 of 39 and 21 of 43): a court's monopoly ruling and its
        // remedies; an exchange's collapse, bankruptcy and its founder's
        // trial.
        ("google-search-ruling", 25),
        ("ftx-collapse", 21),
        // An eleventh, a labour dispute: a strike, votes on offers, job
        // cuts and furloughs, mediation, a ratified contract and the
        // return to work (16 at its first run, before the labour classes).
        ("boeing-strike", 35),
    ] {
        let dir = root().join("tests/fixtures/stories").join(story);
        let engine = Engine::load_story(
            None,
            Some(&dir.join("story.toml")),
            Some(&dir.join("articles")),
        )
        .unwrap();
        assert!(
            engine.problems().is_empty(),
            "{story}: {:?}",
            engine.problems()
        );
        let suite = factdesk::eval::Suite::parse(
            &std::fs::read_to_string(dir.join("questions.toml")).unwrap(),
        )
        .unwrap();
        let report = factdesk::eval::run(&engine, &suite);
        let passed = report.passed();
        assert!(
            passed >= floor,
            "{story}: {passed} questions pass, fewer than {floor}"
        );
    }
}

#[test]
fn what_did_someone_do_tells_about_them_with_roles_and_descriptions() {
    let engine = Engine::load(None, None).unwrap();
    let a = ask(&engine, "What did Apple do?");
    assert!(a.answered, "{}", a.body_text());
    assert_eq!(a.intent, "about");
    assert!(a.items.iter().any(|i| i.text.contains("rejected Baidu")));
    assert!(a.items.iter().any(|i| i.text.contains("Alibaba")));
    // "... with Y": the facts that involve Y.
    let a = ask(&engine, "What did Apple do with Baidu?");
    assert_eq!(a.intent, "about");
    assert!(!a.items.is_empty());
    assert!(
        a.items.iter().all(|i| i.text.contains("Baidu")),
        "{}",
        a.body_text()
    );
    // A role given with "as" belongs to the object: Baidu was Apple's
    // partner, not the other way round; one entry per role whatever its case.
    let a = ask(&engine, "/about entity:Baidu");
    assert!(
        a.headline.contains("initial AI partner of Apple"),
        "{}",
        a.headline
    );
    assert!(!a.headline.contains("initial ai partner"), "{}", a.headline);
    let a = ask(&engine, "/about entity:Apple");
    assert!(!a.headline.contains(" of Baidu"), "{}", a.headline);

    let dir = root().join("tests/fixtures/stories/msft-activision");
    let engine = Engine::load_story(
        None,
        Some(&dir.join("story.toml")),
        Some(&dir.join("articles")),
    )
    .unwrap();
    let a = ask(&engine, "What is Activision Blizzard?");
    let described = &a.items[0];
    assert_eq!(
        described.text,
        "Described as \"the publisher of Call of Duty\""
    );
    let cited = &a.citations[described.cites[0] - 1];
    assert!(cited
        .quote
        .contains("Activision Blizzard, the publisher of Call of Duty"));
}

#[test]
fn an_event_takes_the_sentence_date_that_plainly_belongs_to_it() {
    let config = Config::parse(&story_config_text()).unwrap();
    let reader = Reader::new(&config.corpus).unwrap();
    let article = reader
        .parse(
            "001.txt",
            "date 2026-03-06 Autoline Wire\nNorthwind closes battery venture\n\n\
             Northwind Motors completed the deal that puts its battery plants into a new venture \
             run by Fabrikam on Thursday, March 5, ending two years of talks.\n\n\
             In January, Fabrikam opened a review of the deal.\n\n\
             The boards of both companies approved the deal unanimously, and Fabrikam expects \
             to complete its part in early 2027.\n",
        )
        .unwrap();
    let engine = Engine::build(config, vec![article], vec![]).unwrap();
    let date_of = |relation: &str| -> Option<String> {
        let f = engine.facts().all().iter().find(|f| f.relation == relation);
        let f = f.unwrap_or_else(|| panic!("no {relation} fact"));
        f.evidence[0].date.map(|d| d.to_string())
    };
    // After the object's present-tense relative clause: the event's date.
    assert_eq!(date_of("closed").as_deref(), Some("2026-03-05"));
    // Opening the sentence: the event's date.
    assert_eq!(date_of("reviewed").as_deref(), Some("January 2026"));
    // In another clause, after "and": another event's date.
    assert_eq!(date_of("approved"), None);
}

#[test]
fn a_plural_noun_opening_a_sentence_is_no_part_of_the_name_after_of() {
    let config = Config::parse(&story_config_text()).unwrap();
    let reader = Reader::new(&config.corpus).unwrap();
    let article = reader
        .parse(
            "001.txt",
            "date 2026-03-06 Autoline Wire\nVote\n\n\
             Shareholders of Fabrikam voted in favour of the merger in March.\n\n\
             Bank of Northwind met Fabrikam.\n",
        )
        .unwrap();
    let engine = Engine::build(config, vec![article], vec![]).unwrap();
    let names: Vec<&String> = engine.facts().entities().keys().collect();
    assert!(names.iter().any(|n| *n == "Fabrikam"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("Shareholders")),
        "{names:?}"
    );
    // Only a plural: a name with "of" in it stays whole.
    assert!(names.iter().any(|n| *n == "Bank of Northwind"), "{names:?}");
    // "vote in favour of": a verb of the approved class with a noun in it.
    assert!(engine
        .facts()
        .all()
        .iter()
        .any(|f| f.relation == "approved" && f.subject == "Fabrikam"));
}

#[test]
fn each_tier_answers_match_golden() {
    let engine = tiers_engine();
    let mut out = String::new();
    for (tier, questions) in [
        (Basis::Facts, FACTS_TIER),
        (Basis::Quotes, QUOTES_TIER),
        (Basis::None, NONE_TIER),
    ] {
        for q in questions {
            let a = ask(&engine, q);
            assert_eq!(a.basis, tier, "{q}: {}", a.body_text());
            assert_eq!(a.answered, tier != Basis::None, "{q}");
            let json = render::json(&a);
            assert_eq!(json["basis"], tier.as_str(), "{q}");
            out.push_str(&format!(
                "### {q} [{}]\n{}\n",
                tier.as_str(),
                render::text(&a)
            ));
        }
    }
    golden("tiers_answers.txt", &out);
}

#[test]
fn the_tier_is_said_in_words_in_text_and_embeds() {
    let engine = tiers_engine();
    for (q, words) in [
        (FACTS_TIER[0], "From the facts extracted from the articles"),
        (
            QUOTES_TIER[0],
            "From the articles' own words (no extracted fact)",
        ),
        (NONE_TIER[1], "The articles do not answer this"),
    ] {
        let a = ask(&engine, q);
        let footer = render::discord_message(&a).embeds[0]
            .footer
            .clone()
            .unwrap();
        assert!(footer.starts_with(words), "{q}: {footer}");
        if a.answered {
            assert!(render::text(&a).contains(words), "{q}");
        }
    }
    let quoted = ask(&engine, QUOTES_TIER[2]);
    assert!(quoted.headline.starts_with("From the articles' own words"));
}

#[test]
fn each_question_is_answered_alike_as_command_text_and_mention() {
    let engine = tiers_engine();
    for q in FACTS_TIER
        .iter()
        .chain(QUOTES_TIER)
        .chain(NONE_TIER)
        .filter(|q| !q.starts_with('/'))
    {
        let plain = ask(&engine, q);
        let forms = [
            engine.answer(&Request::command(
                "ask",
                [("question".to_string(), q.to_string())],
            )),
            ask(&engine, &format!("/ask question:{q}")),
            ask(&engine, &format!("<@123> {q}")),
            ask(&engine, &format!("@everyone **{q}**")),
            ask(&engine, &format!("<@&9> @here > {q}")),
        ];
        for a in forms {
            assert_eq!(a.basis, plain.basis, "{q}");
            assert_eq!(a.body_text(), plain.body_text(), "{q}");
            assert_eq!(a.citations, plain.citations, "{q}");
        }
    }
}

#[test]
fn a_sentence_about_another_entity_does_not_answer() {
    let engine = tiers_engine();
    // "began testing packs from Tailspin Energy, while Orbit Cells sat out
    // the trial": Tailspin is tested; Orbit Cells is only mentioned.
    let tested = ask(
        &engine,
        "When did Northwind start testing Tailspin Energy's packs?",
    );
    assert!(tested.answered);
    assert!(tested.citations[0].quote.contains("Orbit Cells"));
    let bystander = ask(
        &engine,
        "When did Northwind start testing Orbit Cells' packs?",
    );
    assert!(!bystander.answered, "{}", bystander.body_text());
    assert!(bystander.citations.is_empty());
}

#[test]
fn modal_sentences_never_say_what_happened() {
    let engine = tiers_engine();
    let happened = ask(&engine, "Who blocked the deal?");
    assert!(!happened.answered, "{}", happened.body_text());
    let could = ask(&engine, "Who could block the deal?");
    assert!(could.answered);
    assert!(
        could.body_text().contains("Harbor Grid"),
        "{}",
        could.body_text()
    );
}

#[test]
fn a_reason_in_the_next_sentence_is_quoted_with_it() {
    let engine = tiers_engine();
    let a = ask(
        &engine,
        "Why did Northwind pull out of talks with Woodgrove Cells?",
    );
    assert_eq!(a.basis, Basis::Quotes);
    let quotes: Vec<&str> = a.citations.iter().map(|c| &*c.quote).collect();
    assert!(
        quotes.iter().any(|q| q.contains("pulled out of talks")),
        "{quotes:?}"
    );
    assert!(
        quotes
            .iter()
            .any(|q| q.contains("failed two safety audits")),
        "{quotes:?}"
    );
}

#[test]
fn what_a_source_reported_is_what_it_is_cited_for() {
    let engine = story_engine();
    let a = ask(&engine, "What did The Ledger report?");
    assert_eq!(a.basis, Basis::Facts, "{}", a.body_text());
    assert!(a.body_text().contains("Fabrikam"), "{}", a.body_text());
    assert!(a.citations.iter().all(|c| c.quote.contains("The Ledger")));
    let engine = tiers_engine();
    let a = ask(&engine, "What did the Ledger Daily report?");
    assert_eq!(a.basis, Basis::Quotes);
    assert!(a.citations.iter().all(|c| &*c.source == "02_ledger.txt"));
}

#[test]
fn disagreeing_sources_are_never_a_bare_yes_and_every_reason_is_listed() {
    let engine = story_engine();
    let dropped = engine
        .facts()
        .all()
        .iter()
        .find(|f| f.relation == "rejected" && f.object == "Contoso")
        .unwrap();
    assert!(!dropped.disagreements.is_empty());
    let agree = ask(
        &engine,
        "Do the articles agree on why Northwind dropped Contoso?",
    );
    assert!(
        agree.headline.starts_with("No, the sources differ"),
        "{}",
        agree.headline
    );
    let yes = ask(&engine, "Did Northwind drop Contoso?");
    assert!(yes.headline.contains("sources differ"), "{}", yes.headline);
    for a in [agree, yes, ask(&engine, "Why did Northwind drop Contoso?")] {
        let text = a.body_text();
        for r in dropped.values(Qualifier::Reason) {
            assert!(text.contains(r.as_str()), "{r} missing from {text}");
        }
    }
}

#[test]
fn fact_ids_survive_a_new_article_and_slash_fact_finds_them() {
    let config = Config::parse(&story_config_text()).unwrap();
    let reader = Reader::new(&config.corpus).unwrap();
    let (articles, _) = reader.read_dir(&story_dir()).unwrap();
    let (extra, _) = reader.read_dir(&tiers_dir()).unwrap();
    let small = Engine::build(config.clone(), articles.clone(), vec![]).unwrap();
    let mut more = extra;
    more.extend(articles);
    let big = Engine::build(config, more, vec![]).unwrap();
    for f in small.facts().all() {
        let same = big
            .facts()
            .all()
            .iter()
            .find(|g| {
                (&g.subject, &g.relation, &g.object, g.negated)
                    == (&f.subject, &f.relation, &f.object, f.negated)
            })
            .unwrap();
        assert_eq!(same.id, f.id);
        let a = ask(&big, &format!("/fact id:{}", f.id));
        assert!(
            a.answered && a.headline.starts_with(&f.id.to_string()),
            "{}",
            a.headline
        );
    }
}

#[test]
fn a_story_file_holds_only_a_story_and_its_gazetteer() {
    let dir = std::env::temp_dir().join(format!("factdesk-bad-story-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("story.toml");
    std::fs::write(
        &path,
        "[story]\ntitle = \"t\"\nactor = \"A\"\n[[relation]]\nname = \"x\"\nlabel = \"x\"\n",
    )
    .unwrap();
    let err = Engine::load_story(None, Some(&path), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown key `relation`"), "{err}");
}

#[test]
fn with_no_gazetteer_names_found_in_the_text_carry_the_story() {
    // A story file with a title only: no actor, no entity. The actor is the
    // most mentioned organisation; every other name is found in the text.
    let dir = std::env::temp_dir().join(format!("factdesk-bare-story-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bare = dir.join("story.toml");
    std::fs::write(&bare, "[story]\ntitle = \"A deal\"\n").unwrap();
    for (story, floor) in [
        ("adobe-figma", 20),
        // 18 for a while: "the takeover closed a few days before the
        // deadline", undated, was answered by its article's date, which is
        // now given only for news an article opens with.
        ("msft-activision", 17),
        ("kroger-albertsons", 16),
        ("nvidia-arm", 18),
        ("capone-discover", 16),
        ("tiktok-divestiture", 19),
        ("recall-feature", 17),
        // 18 before the halted class: "When did the FAA ground the MAX 9?"
        // now asks about a grounding, and without a gazetteer the fact's
        // "Boeing 737 MAX 9" is not the question's "MAX 9".
        ("max9-door-plug", 19),
        ("nippon-us-steel", 22),
        ("openai-board", 21),
        ("intel-ceo", 23),
        ("crowdstrike-outage", 28),
        ("svb-collapse", 26),
        ("google-search-ruling", 21),
        ("ftx-collapse", 16),
        // 17 before the labour classes.
        ("boeing-strike", 31),
    ] {
        let fixture = root().join("tests/fixtures/stories").join(story);
        let engine =
            Engine::load_story(None, Some(&bare), Some(&fixture.join("articles"))).unwrap();
        assert!(engine.config().entities.is_empty());
        let suite = factdesk::eval::Suite::parse(
            &std::fs::read_to_string(fixture.join("questions.toml")).unwrap(),
        )
        .unwrap();
        let passed = factdesk::eval::run(&engine, &suite).passed();
        assert!(
            passed >= floor,
            "{story}: {passed} pass without a gazetteer, fewer than {floor}"
        );
    }
}

#[test]
fn a_mistyped_answer_kind_refuses_to_start_and_names_it() {
    let bad = story_config_text().replacen("answer = \"timeline\"", "answer = \"timelime\"", 1);
    // Refused when the config is read, or at the latest when the answerer
    // is built; either way the bad value is named.
    let err = match Config::parse(&bad) {
        Err(e) => e.to_string(),
        Ok(config) => {
            let reader = Reader::new(&config.corpus).unwrap();
            let (articles, _) = reader.read_dir(&story_dir()).unwrap();
            Engine::build(config, articles, vec![])
                .unwrap_err()
                .to_string()
        }
    };
    assert!(err.contains("timelime"), "{err}");
}

#[test]
fn regulators_courts_and_lawsuits_answer_who_why_and_whether() {
    // A story of one deal taken to court: who sued, which judge blocked it,
    // who objected, and yes/no questions the articles answer with a "not".
    let (dir, engine) = temp_story(
        "legal",
        "[story]\ntitle = \"Globex's bid for Initech\"\nactor = \"Globex\"\n\n\
         [[entity]]\nname = \"Globex\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Initech\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Contoso\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Trade Authority\"\nkind = \"regulator\"\n\n\
         [[entity]]\nname = \"Markets Commission\"\nkind = \"regulator\"\n\n\
         [[entity]]\nname = \"U.S. Department of Justice\"\nkind = \"regulator\"\n",
        &[
            (
                "01.txt",
        "date: 2024-03-04\ntitle: Regulator sues to block Globex deal\n\n\
         The Trade Authority on Monday sued to block Globex's $9 billion takeover of Initech.\n\
         The Markets Commission sent Globex a statement of objections in February.\n\
         The Trade Authority has not signed off on the plan to sell 300 stores to Contoso.\n\
         The U.S. Department of Justice has also been reviewing the transaction.\n",
            ),
            (
                "02.txt",
        "date: 2024-09-10\ntitle: Judge blocks Globex deal\n\n\
         U.S. District Judge Maria Lopez granted the Trade Authority a preliminary injunction on Tuesday.\n\
         Initech terminated the merger agreement on Wednesday.\n\
         Globex has not paid the termination fee.\n",
            ),
        ],
    );
    let text = |q: &str| {
        let a = ask(&engine, q);
        assert!(a.answered, "{q}: not answered");
        a.body_text()
    };
    let sued = text("Who sued to block the merger?");
    assert!(sued.starts_with("Trade Authority"), "{sued}");
    let judge = text("Which judge blocked the deal?");
    assert!(judge.contains("Maria Lopez"), "{judge}");
    let objected = text("Which regulators objected to the Globex deal?");
    assert!(objected.contains("Markets Commission"), "{objected}");
    let approved = text("Did the Trade Authority approve the sale of stores to Contoso?");
    assert!(approved.starts_with("No"), "{approved}");
    let us = text("Did US regulators look at the deal?");
    assert!(us.starts_with("Yes: U.S. Department of Justice"), "{us}");
    let japan = ask(&engine, "Did Japanese regulators look at the deal?");
    assert!(!japan.answered, "{}", japan.body_text());
    let paid = text("Has Globex paid Initech the breakup fee?");
    assert!(paid.starts_with("No"), "{paid}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_court_denying_a_request_is_a_ruling_by_the_judge_the_article_names() {
    // "A federal judge ... refused X's request for an injunction" in one
    // sentence, the judge named in the next: the ruling is a denial (not a
    // block), and its agent is the named judge.
    let (dir, engine) = temp_story(
        "court",
        "[story]\ntitle = \"Globex's takeover of Initech\"\nactor = \"Globex\"\n\n\
         [[entity]]\nname = \"Globex\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Initech\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Northwind Trade Board\"\nkind = \"regulator\"\n\n\
         [[entity]]\nname = \"Helen Park\"\nkind = \"person\"\n",
        &[
            (
                "01.txt",
        "date: 2024-05-02\ntitle: Judge rejects regulator's bid to halt Globex deal\n\n\
         A federal judge in Chicago on Tuesday denied the Northwind Trade Board's request for a preliminary injunction that would have stopped Globex from closing its takeover of Initech.\n\
         U.S. District Judge Helen Park said the Northwind Trade Board had not shown that the deal would harm competition.\n\
         Globex welcomed the decision.\n",
            ),
        ],
    );
    let text = |q: &str| {
        let a = ask(&engine, q);
        assert!(a.answered, "{q}: not answered");
        a.body_text()
    };
    let decided = text("What did the court decide on the Northwind Trade Board's request?");
    assert!(decided.contains("denied"), "{decided}");
    assert!(!decided.contains("blocked"), "{decided}");
    let judge = text("Which judge ruled on the injunction request?");
    assert!(judge.contains("Helen Park"), "{judge}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A made-up deal: a price beside a fee and a per-share figure, a sale of
/// assets, share moves on two dates, a headline that dates the close.
fn deal_figures_engine() -> Engine {
    let dir = root().join("tests/fixtures/deal-figures");
    Engine::load_story(
        None,
        Some(&dir.join("story.toml")),
        Some(&dir.join("articles")),
    )
    .unwrap()
}

#[test]
fn a_price_question_answers_with_the_deal_price_not_a_fee() {
    let engine = deal_figures_engine();
    let a = ask(&engine, "How much did Globex pay for Initech?");
    assert_eq!(a.basis, factdesk::query::Basis::Facts, "{a:#?}");
    assert!(a.headline.starts_with("$12 billion"), "{}", a.headline);
    assert!(!a.headline.contains("600"), "{}", a.headline);
    // The sale of assets has its own price, asked by what was sold.
    let a = ask(&engine, "What was the price of the branches?");
    assert!(a.headline.starts_with("$900 million"), "{}", a.headline);
    // No name: the story's own deal, not an older one in passing.
    let a = ask(&engine, "What was the deal worth?");
    assert!(a.headline.starts_with("$12 billion"), "{}", a.headline);
    // A name that paid nothing gets no one else's price.
    let a = ask(&engine, "How much did Hooli pay for Globex?");
    assert!(!a.headline.contains("12 billion"), "{}", a.headline);
}

#[test]
fn how_many_counts_the_patient_of_the_event_the_question_names() {
    let engine = deal_figures_engine();
    let a = ask(&engine, "How many branches were sold to Hooli?");
    assert_eq!(a.basis, factdesk::query::Basis::Facts, "{a:#?}");
    assert!(a.headline.starts_with("120 branches"), "{}", a.headline);
}

#[test]
fn a_figure_tied_to_an_event_is_the_one_dated_nearest_it() {
    let engine = deal_figures_engine();
    let a = ask(
        &engine,
        "How did Globex shares react when the deal was announced?",
    );
    assert!(a.headline.contains("fell 9%"), "{}", a.headline);
    let a = ask(&engine, "What did Globex shares do when the deal closed?");
    assert!(a.headline.contains("rose 3%"), "{}", a.headline);
}

#[test]
fn stage_dates_come_from_the_stage_and_match_the_deal_by_its_parties() {
    let engine = deal_figures_engine();
    // "The takeover closed a week before the Dec. 1 deadline": the
    // deadline is no closing date; the headline "Globex completes Initech
    // takeover" dates it, and "the deal" is the deal with Initech.
    let a = ask(&engine, "When did Globex close the Initech acquisition?");
    assert_eq!(a.headline, "2024-11-22", "{a:#?}");
    // "Globex said on Monday it had agreed to acquire Initech" announced it.
    let a = ask(&engine, "When was the deal announced?");
    assert_eq!(a.headline, "2024-03-04", "{a:#?}");
}

#[test]
fn reasons_given_after_the_act_and_in_a_coordinated_suit_answer_why() {
    // Two judges block a deal, one giving her grounds in the next sentence
    // ("found that ..."); the target ends the deal and, after an insert,
    // sues "its would-be buyer for breach of contract".
    let (dir, engine) = temp_story(
        "grounds",
        "[story]\ntitle = \"Globex's bid for Initech\"\nactor = \"Globex\"\n\n\
         [[entity]]\nname = \"Globex\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Initech\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Northwind\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Maria Lopez\"\nkind = \"person\"\n\n\
         [[entity]]\nname = \"Tom Reyes\"\nkind = \"person\"\n",
        &[
            (
                "01.txt",
        "date: 2024-09-10\ntitle: Judges block Globex deal\n\n\
         U.S. District Judge Maria Lopez granted the Trade Authority a preliminary injunction on Tuesday.\n\
         In her opinion, Lopez found that the two chains compete head to head across the region.\n\
         Northwind said the ruling was a relief.\n\
         Hours later, state Judge Tom Reyes issued a permanent injunction, finding that the deal would violate state law.\n",
            ),
            (
                "02.txt",
        "date: 2024-09-11\ntitle: Initech ends Globex deal\n\n\
         Initech said on Wednesday it had terminated its merger agreement with Globex, a day after two judges blocked the deal, and sued its would-be buyer for breach of contract.\n",
            ),
        ],
    );
    let text = |q: &str| {
        let a = ask(&engine, q);
        assert!(a.answered, "{q}: not answered");
        a.body_text()
    };
    let why = text("Why did the judge block the merger?");
    assert!(why.contains("compete head to head"), "{why}");
    assert!(why.contains("violate state law"), "{why}");
    // What a bystander says after the ruling is no ground of it.
    assert!(!why.contains("relief"), "{why}");
    let suing = text("Why is Initech suing Globex?");
    assert!(suing.starts_with("Initech sued Globex"), "{suing}");
    assert!(suing.contains("breach of contract"), "{suing}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn questions_about_the_deal_itself_and_its_permission_get_the_outcome() {
    // A deal blocked by a judge and then called off, with a reason set off
    // by a comma after an infinitive in the object.
    let (dir, engine) = temp_story(
        "outcome",
        &globex_story(&[("Maria Lopez", "person")]),
        &[
            (
                "01.txt",
                "date: 2024-03-04\ntitle: Globex to buy Initech\n\n\
                 Globex agreed on Monday to buy Initech for $2 billion.\n",
            ),
            (
                "02.txt",
                "date: 2024-09-10\ntitle: Judge blocks Globex deal\n\n\
                 U.S. District Judge Maria Lopez on Tuesday blocked Globex's purchase of Initech.\n",
            ),
            (
                "03.txt",
                "date: 2024-09-12\ntitle: Globex ends Initech deal\n\n\
                 Globex said on Thursday it had terminated its agreement to buy Initech, citing the ruling and rising costs.\n",
            ),
        ],
    );
    // "Allowed X to buy Y" asks about the permission, and the judge's
    // block answers it.
    for q in [
        "Did the judge let Globex buy Initech?",
        "Was Globex allowed to buy Initech?",
    ] {
        let a = ask(&engine, q);
        assert_eq!(a.basis, Basis::Facts, "{q}: {}", a.body_text());
        assert!(
            a.headline.starts_with("No: Maria Lopez blocked"),
            "{q}: {}",
            a.headline
        );
    }
    // The deal itself: its contrary outcome answers "did it close?".
    let a = ask(&engine, "Did the deal close?");
    assert!(
        a.headline.starts_with("No: Globex called off"),
        "{}",
        a.headline
    );
    // "What happened to the deal?", "is it dead?": where things stand.
    for q in ["What happened to the deal?", "Is the deal dead?"] {
        let a = ask(&engine, q);
        assert!(
            a.headline.contains("Globex called off the deal"),
            "{q}: {}",
            a.headline
        );
    }
    // "What happened to the Globex deal?" tells about Globex.
    let a = ask(&engine, "What happened to the Globex deal?");
    assert_eq!(a.intent, "about", "{}", a.body_text());
    // "What did X do after ...": X's acts from that event on, in order.
    let a = ask(
        &engine,
        "What did Globex do after the judge blocked the deal?",
    );
    assert!(
        a.headline.starts_with("What Globex did from 2024-09-10"),
        "{}",
        a.body_text()
    );
    assert!(a.items[0].text.contains("called off"), "{}", a.body_text());
    // "Who is the buyer?": the agent, not the target.
    let a = ask(&engine, "Who is the buyer?");
    assert!(a.headline.starts_with("Globex"), "{}", a.body_text());
    // The reason after the comma is the termination's, not the purchase's.
    let a = ask(&engine, "Why did Globex give up on Initech?");
    assert!(a.body_text().contains("rising costs"), "{}", a.body_text());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_chief_executive_named_by_role_reacts_in_his_own_and_his_reported_words() {
    // "He said" after a sentence naming him; a quotation ending its
    // sentence; "describing the move as "..."".
    let (dir, engine) = temp_story(
        "reaction",
        &globex_story(&[("Dana Whitfield", "person"), ("Sam Ortiz", "person")]),
        &[(
            "01.txt",
            "date: 2025-01-04\ntitle: Regulator blocks Globex deal\n\n\
             The Trade Authority on Friday blocked Globex's purchase of Initech.\n\n\
             Globex's chief executive, Dana Whitfield, went further, describing the move as \"shameful and corrupt.\" He said the regulator had ignored the evidence.\n\n\
             In February, after talks with Sam Ortiz, he said Globex would appeal.\n",
        )],
    );
    let a = ask(
        &engine,
        "How did Globex's chief executive react to the decision?",
    );
    assert_eq!(a.intent, "reaction", "{}", a.body_text());
    let text = a.body_text();
    assert!(text.contains("Dana Whitfield"), "{text}");
    assert!(text.contains("shameful and corrupt"), "{text}");
    assert!(text.contains("ignored the evidence"), "{text}");
    // "he" after a fronted phrase naming someone else is not guessed.
    assert!(!text.contains("would appeal"), "{text}");
    let a = ask(&engine, "What did Sam Ortiz say?");
    assert_ne!(a.basis, Basis::Facts, "{}", a.body_text());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_question_may_name_a_body_by_its_acronym() {
    let (dir, engine) = temp_story(
        "acronym",
        &globex_story(&[("Office of Fair Trading Practices", "regulator")]),
        &[(
            "01.txt",
            "date: 2024-09-10\ntitle: Regulator blocks Globex deal\n\n\
             The Office of Fair Trading Practices on Monday blocked Globex's purchase of Initech.\n",
        )],
    );
    let a = ask(&engine, "Did the OFTP block the deal?");
    assert!(
        a.headline
            .starts_with("Yes: Office of Fair Trading Practices blocked"),
        "{}",
        a.body_text()
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn which_regulators_lists_institutions_not_the_companies_that_voted() {
    let fixture = |story: &str| {
        let dir = root().join("tests/fixtures/stories").join(story);
        Engine::load_story(
            None,
            Some(&dir.join("story.toml")),
            Some(&dir.join("articles")),
        )
        .unwrap()
    };
    let engine = fixture("capone-discover");
    let a = ask(&engine, "Which regulators had to sign off?");
    assert!(a.headline.contains("Federal Reserve"), "{}", a.body_text());
    assert!(!a.headline.contains("Discover"), "{}", a.body_text());
    // People count: judges are named people.
    let a = ask(
        &fixture("kroger-albertsons"),
        "Which judges blocked the deal?",
    );
    assert!(a.headline.contains("Adrienne Nelson"), "{}", a.body_text());
}

/// The story file of Globex's bid for Initech, with more entities (name,
/// kind).
fn globex_story(more: &[(&str, &str)]) -> String {
    let mut out =
        String::from("[story]\ntitle = \"Globex's bid for Initech\"\nactor = \"Globex\"\n");
    for (name, kind) in [("Globex", "org"), ("Initech", "org")].iter().chain(more) {
        out.push_str(&format!(
            "\n[[entity]]\nname = \"{name}\"\nkind = \"{kind}\"\n"
        ));
    }
    out
}

/// A story written to a temporary folder (its story file and articles) and
/// loaded as `run` would; the folder is returned for removal.
fn temp_story(tag: &str, story: &str, articles: &[(&str, &str)]) -> (PathBuf, Engine) {
    let dir = std::env::temp_dir().join(format!("factdesk-{tag}-{}", std::process::id()));
    let folder = dir.join("articles");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(dir.join("story.toml"), story).unwrap();
    for (name, text) in articles {
        std::fs::write(folder.join(name), text).unwrap();
    }
    let engine = Engine::load_story(None, Some(&dir.join("story.toml")), Some(&folder)).unwrap();
    (dir, engine)
}

/// A leadership change, in made-up words: offices are facts (who was
/// fired, named, who left), questions about an office answer from them,
/// newest first, and an undated article's lede dates it.
#[test]
fn offices_change_hands_and_questions_follow_them() {
    let dir = std::env::temp_dir().join(format!("factdesk-offices-{}", std::process::id()));
    let articles = dir.join("articles");
    std::fs::create_dir_all(&articles).unwrap();
    std::fs::write(
        dir.join("story.toml"),
        "[story]\ntitle = \"Northwind's new chief\"\nactor = \"Northwind\"\n\n\
         [[entity]]\nname = \"Northwind\"\nkind = \"org\"\n\n\
         [[entity]]\nname = \"Dana Roe\"\nkind = \"person\"\n\n\
         [[entity]]\nname = \"Sam Lee\"\nkind = \"person\"\n\n\
         [[entity]]\nname = \"Ada Park\"\nkind = \"person\"\n",
    )
    .unwrap();
    std::fs::write(
        articles.join("01.txt"),
        "title: Northwind fires its chief\ndate: 2025-03-07\n\n\
         Northwind's board fired chief executive Dana Roe on Friday, saying she had not been candid.\n\
         The board named finance chief Sam Lee interim chief executive.\n",
    )
    .unwrap();
    // No date: its lede gives the day.
    std::fs::write(
        articles.join("02.txt"),
        "title: Park takes over at Northwind\n\n\
         Ada Park took over as chief executive of Northwind on Monday, June 2, 2025.\n\
         Park replaces Sam Lee, who had been in the job for three months.\n",
    )
    .unwrap();
    let engine = Engine::load_story(None, Some(&dir.join("story.toml")), Some(&articles)).unwrap();
    let fired = ask(&engine, "Who fired Dana Roe?");
    assert!(fired.headline.contains("Northwind"), "{}", fired.headline);
    let interim = ask(&engine, "Who was named interim chief executive?");
    assert!(interim.headline.contains("Sam Lee"), "{}", interim.headline);
    assert!(
        !interim.headline.contains("Ada Park"),
        "{}",
        interim.headline
    );
    let now = ask(&engine, "Who is Northwind's chief executive now?");
    assert!(now.headline.contains("Ada Park"), "{}", now.headline);
    let replaced = ask(&engine, "Who replaced Sam Lee?");
    assert!(
        replaced.headline.contains("Ada Park"),
        "{}",
        replaced.headline
    );
    let when = ask(&engine, "When did Ada Park take over?");
    assert!(when.headline.contains("2025-06-02"), "{}", when.headline);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A labour dispute, in made-up words: a strike, votes on offers, job cuts,
/// mediation and a ratified contract are facts; a share question reads the
/// vote's figure, a yes/no question the contrary vote, a "between" question
/// the mediator, and "it" after a sentence about the contract is no company.
#[test]
fn a_labour_dispute_is_read_in_general_words() {
    let story = "[story]\ntitle = \"The Northwind pilots' strike\"\nactor = \"Northwind\"\n\n\
                 [[entity]]\nname = \"Northwind\"\nkind = \"org\"\n\n\
                 [[entity]]\nname = \"Pilots Association\"\nkind = \"org\"\n\
                 aliases = [\"pilots union\"]\n\n\
                 [[entity]]\nname = \"Dana Roe\"\nkind = \"person\"\n";
    let (dir, engine) = temp_story(
        "labour",
        story,
        &[
            (
                "01.txt",
                "title: Northwind pilots walk out\ndate: 2025-03-07\n\n\
                 About 4,000 Northwind pilots went on strike on Friday.\n\
                 Members of the Pilots Association voted 88% against the proposed agreement on Thursday night.\n\
                 Northwind said on Friday that it would reduce its workforce by about 5% in the coming months.\n",
            ),
            (
                "02.txt",
                "title: Pilots ratify contract\ndate: 2025-04-15\n\n\
                 Seventy percent of the Pilots Association members who cast ballots approved the agreement on Monday.\n\
                 The contract raises wages by 30% over four years.\n\
                 It does not restore the old pension plan.\n\
                 The agreement followed weeks of mediation by Dana Roe.\n",
            ),
        ],
    );
    let struck = ask(&engine, "When did the strike start?");
    assert!(
        struck.headline.contains("2025-03-07"),
        "{}",
        struck.body_text()
    );
    let share = ask(
        &engine,
        "What percentage of members voted for the agreement?",
    );
    assert!(
        share.body_text().to_lowercase().contains("seventy percent"),
        "{}",
        share.body_text()
    );
    let first = ask(&engine, "Did the union accept the proposed agreement?");
    assert!(first.headline.starts_with("No"), "{}", first.body_text());
    assert!(first.body_text().contains("88%"), "{}", first.body_text());
    let mediator = ask(&engine, "Who mediated between Northwind and the union?");
    assert!(
        mediator.headline.contains("Dana Roe"),
        "{}",
        mediator.body_text()
    );
    let cuts = ask(&engine, "/numbers");
    assert!(
        cuts.body_text().contains("about 5%"),
        "{}",
        cuts.body_text()
    );
    let when = ask(&engine, "When did Northwind announce the job cuts?");
    assert!(when.headline.contains("2025-03-07"), "{}", when.body_text());
    let status = ask(&engine, "/status");
    assert!(
        !status.body_text().contains("not resumed"),
        "{}",
        status.body_text()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
