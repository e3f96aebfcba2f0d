//! What a Discord user sees, pinned on the fixture stories: every reply
//! short and inside Discord's limits (golden embeds), quotes honest, copies
//! counted once, counts that agree, and lines that read cleanly.
//!
//! `UPDATE_GOLDEN=1 cargo test --test replies` rewrites the golden embeds
//! after an intended change (look at them with
//! `../shared/tools/embed_preview.py`, then review the diff).

use std::path::{Path, PathBuf};

use factdesk::config::Config;
use factdesk::corpus::Reader;
use factdesk::render::{self, embed::limits, embed::short, Reply};
use factdesk::Engine;
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn story_dir() -> PathBuf {
    root().join("tests/fixtures/story/articles")
}

/// The repository's language and story files with the fixture's actor.
fn story_config_text() -> String {
    let text = std::fs::read_to_string(root().join("language.toml")).unwrap()
        + "\n"
        + &std::fs::read_to_string(root().join("story.toml")).unwrap();
    text.lines()
        .map(|l| {
            if l.starts_with("actor = ") {
                "actor = \"Northwind\"\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}

fn engine_in(dir: &Path) -> Engine {
    let config = Config::parse(&story_config_text()).unwrap();
    let reader = Reader::new(&config.corpus).unwrap();
    let (articles, problems) = reader.read_dir(dir).unwrap();
    Engine::build(config, articles, problems).unwrap()
}

/// The three fixture stories nobody tuned the language file for.
fn stories() -> Vec<(String, Engine, PathBuf)> {
    ["adobe-figma", "kroger-albertsons", "msft-activision"]
        .iter()
        .map(|s| {
            let dir = root().join("tests/fixtures/stories").join(s);
            let engine = Engine::load_story(
                None,
                Some(&dir.join("story.toml")),
                Some(&dir.join("articles")),
            )
            .unwrap();
            (s.to_string(), engine, dir)
        })
        .collect()
}

fn ask(engine: &Engine, q: &str) -> factdesk::query::Answer {
    engine.answer(&engine.parse_request(q))
}

/// Every question a story's questions.toml asks, both forms, and every
/// command of the config (an option filled with an example).
fn questions(engine: &Engine, dir: &Path) -> Vec<String> {
    let suite =
        factdesk::eval::Suite::parse(&std::fs::read_to_string(dir.join("questions.toml")).unwrap())
            .unwrap();
    let mut out: Vec<String> = suite
        .question
        .iter()
        .flat_map(|c| std::iter::once(c.ask.clone()).chain(c.command.clone()))
        .collect();
    out.extend(commands(engine));
    out
}

/// Each command of the config once, required options filled from the story.
fn commands(engine: &Engine) -> Vec<String> {
    let names = engine.complete_entity("", 1);
    let entity = names.first().cloned().unwrap_or_default();
    engine
        .config()
        .commands
        .iter()
        .map(|c| match c.options.first().filter(|o| o.required) {
            None => format!("/{}", c.name),
            Some(o) if o.autocomplete => format!("/{} {}:{entity}", c.name, o.name),
            Some(o) if o.name == "id" => format!(
                "/{} {}:{}",
                c.name,
                o.name,
                engine
                    .facts()
                    .all()
                    .first()
                    .map_or("F1".to_string(), |f| f.id.to_string())
            ),
            Some(o) if o.name == "event" => format!("/{} {}:confirmed", c.name, o.name),
            Some(o) => format!("/{} {}:what happened?", c.name, o.name),
        })
        .collect()
}

/// Discord's limits, and ours: a short title, five bullets at most.
fn assert_fits(what: &str, reply: &Reply) {
    let v = reply.to_interaction_response();
    let data = &v["data"];
    assert_eq!(data["allowed_mentions"], json!({"parse": []}), "{what}");
    for e in &reply.embeds {
        let title = e.title.as_deref().unwrap_or("");
        assert!(title.chars().count() <= limits::TITLE, "{what}: title");
        assert!(
            title.chars().count() <= short::TITLE,
            "{what}: title of {} characters: {title}",
            title.chars().count()
        );
        let desc = e.description.as_deref().unwrap_or("");
        assert!(desc.chars().count() <= limits::DESCRIPTION, "{what}");
        assert!(
            desc.lines().filter(|l| l.starts_with("• ")).count()
                <= short::BULLETS + short::DISAGREEMENTS + short::BULLETS,
            "{what}: {desc}"
        );
        assert!(e.fields.len() <= limits::FIELDS, "{what}");
        for f in &e.fields {
            assert!(f.name.chars().count() <= limits::FIELD_NAME, "{what}");
            assert!(f.value.chars().count() <= limits::FIELD_VALUE, "{what}");
            // A file name only where the article has neither title nor outlet.
            assert!(
                !f.name.contains(".txt") || !f.name.contains(" · "),
                "{what}: {}",
                f.name
            );
        }
        assert!(e.char_count() <= limits::TOTAL, "{what}");
    }
    for row in data["components"].as_array().into_iter().flatten() {
        let buttons = row["components"].as_array().unwrap();
        assert!(buttons.len() <= 5, "{what}");
        for b in buttons {
            let id = b["custom_id"].as_str().unwrap();
            assert!(id.chars().count() <= 100, "{what}: {id}");
        }
    }
}

/// Compares with a golden file, printing both sides on a difference.
fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {}; run with UPDATE_GOLDEN=1", path.display()));
    if expected != actual {
        panic!(
            "output differs from {}\n--- expected ---\n{expected}\n--- actual ---\n{actual}\n(UPDATE_GOLDEN=1 rewrites it)",
            path.display()
        );
    }
}

#[test]
fn every_command_on_every_story_fits_discord_and_matches_golden() {
    for (name, engine, _) in stories() {
        let mut all = Vec::new();
        for q in commands(&engine) {
            let answer = ask(&engine, &q);
            let reply = factdesk::discord::components::with_buttons(
                render::discord_message(&answer),
                &answer,
                0,
            );
            assert_fits(&format!("{name} {q}"), &reply);
            for page in 0..render::pages(&answer) {
                assert_fits(
                    &format!("{name} {q} page {page}"),
                    &render::page_message(&answer, page),
                );
            }
            assert_fits(
                &format!("{name} {q} sources"),
                &render::sources_message(&answer),
            );
            let mut v = reply.to_interaction_response();
            v["_label"] = json!(q);
            all.push(v);
        }
        golden(
            &format!("embeds_{name}.json"),
            &format!(
                "{}\n",
                serde_json::to_string_pretty(&Value::Array(all)).unwrap()
            ),
        );
    }
}

/// Every line of an answer a reader sees.
fn lines(answer: &factdesk::query::Answer) -> Vec<String> {
    std::iter::once(answer.headline.clone())
        .chain(answer.items.iter().map(|i| i.text.clone()))
        .chain(answer.disagreements.iter().map(|i| i.text.clone()))
        .collect()
}

#[test]
fn lines_read_cleanly_on_every_story() {
    let pronoun =
        regex::Regex::new(r"(?:^|; |: |\. )(?:It|They|He|She|This)(?: \(| [a-z]+ed\b)").unwrap();
    let pointing =
        regex::Regex::new(r"(?:reason: |; )(?:These|This|Those|Such) (?:\S+ ){0,3}\S+(?:;|\)|$)")
            .unwrap();
    let mut seen = 0;
    let mut everything: Vec<(String, Engine, PathBuf)> = stories();
    everything.push(("seeds".into(), Engine::load(None, None).unwrap(), root()));
    for (name, engine, dir) in &everything {
        let qs = if name == "seeds" {
            let mut qs = commands(engine);
            qs.extend(
                [
                    "Why did Apple pick Alibaba?",
                    "Why did Apple pass on DeepSeek?",
                    "Who confirmed the deal?",
                    "/why entity:Baidu",
                ]
                .map(String::from),
            );
            qs
        } else {
            questions(engine, dir)
        };
        for q in qs {
            let answer = ask(engine, &q);
            for line in lines(&answer) {
                seen += 1;
                assert!(
                    !line.contains("(reportedly) (reportedly"),
                    "{name} {q}: {line}"
                );
                assert!(!line.contains("source unnamed"), "{name} {q}: {line}");
                assert!(
                    !pronoun.is_match(&line),
                    "{name} {q}: pronoun as subject: {line}"
                );
                assert!(
                    !pointing.is_match(&line),
                    "{name} {q}: a reason that says nothing: {line}"
                );
            }
        }
    }
    assert!(seen > 100, "only {seen} lines looked at");
}

#[test]
fn reported_speech_is_never_in_quotation_marks() {
    let mut everything: Vec<(String, Engine, PathBuf)> = stories();
    everything.push(("seeds".into(), Engine::load(None, None).unwrap(), root()));
    everything.push(("story".into(), engine_in(&story_dir()), root()));
    let quoted = regex::Regex::new(r#""([^"]{8,})""#).unwrap();
    let mut checked = 0;
    for (name, engine, _) in &everything {
        let answer = ask(engine, "/quotes");
        for item in &answer.items {
            // Whatever stands in quotation marks stands so in a cited sentence.
            for m in quoted.captures_iter(&item.text) {
                let words = m[1].replace('\'', "’");
                let fold = |s: &str| s.replace(['“', '”'], "\"").replace('’', "'");
                let found = item.cites.iter().any(|n| {
                    let c = &answer.citations[n - 1];
                    fold(&c.quote).contains(&fold(&words)) && fold(&c.quote).contains('"')
                });
                assert!(
                    found,
                    "{name}: {:?} is not quoted in its sentence",
                    item.text
                );
                checked += 1;
            }
            assert!(
                item.text.contains(", quoted: \"")
                    || item.text.contains(", reported: ")
                    || !item.text.contains('"'),
                "{name}: {:?} does not say which it is",
                item.text
            );
        }
        if !answer.items.is_empty() {
            assert!(
                answer.headline.contains("quoted word for word"),
                "{name}: {}",
                answer.headline
            );
        }
    }
    assert!(checked > 0);
}

/// The fixture story's articles plus `extra` files, in a folder of its own.
fn story_copy(tag: &str, extra: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("factdesk-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["01_wire.txt", "02_journal.md"] {
        std::fs::copy(story_dir().join(name), dir.join(name)).unwrap();
    }
    for (name, text) in extra {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

#[test]
fn a_copy_of_an_article_counts_once_and_check_lists_it() {
    let wire = std::fs::read_to_string(story_dir().join("01_wire.txt")).unwrap();
    let journal = std::fs::read_to_string(story_dir().join("02_journal.md")).unwrap();
    // Same text under another name (typography and spacing differ), and the
    // same URL with tracking parameters under a third.
    let retyped = wire.replace('\'', "’").replace(". ", ".  ");
    let linked = |extra: &str| {
        journal.replacen(
            "---\n",
            &format!("---\nurl: \"https://www.example-journal.test/northwind{extra}\"\n"),
            1,
        )
    };
    let plain = engine_in(&story_copy("nodup", &[]));
    let copied = engine_in(&story_copy(
        "dup",
        &[
            ("01_wire.txt", wire.clone()),
            ("02_journal.md", linked("")),
            ("10_wire_copy.txt", retyped),
            ("11_journal_again.md", linked("/?utm_source=x")),
        ],
    ));
    let dups: Vec<String> = copied.duplicates().iter().map(|d| d.to_string()).collect();
    assert_eq!(
        dups,
        vec![
            "10_wire_copy.txt: duplicate of 01_wire.txt (same text)",
            "11_journal_again.md: duplicate of 02_journal.md (same URL)",
        ]
    );
    let report = factdesk::eval::check_report(&copied);
    assert!(
        report.contains("10_wire_copy.txt: duplicate of 01_wire.txt"),
        "{report}"
    );
    for q in [
        "/who-rejected",
        "/status",
        "Why did Northwind drop Contoso?",
    ] {
        let (a, b) = (ask(&plain, q), ask(&copied, q));
        assert_eq!(a.source_count(), b.source_count(), "{q}");
        assert_eq!(a.items, b.items, "{q}");
    }
}

#[test]
fn every_count_in_an_answer_agrees_with_the_footer() {
    let engine = engine_in(&story_dir());
    let count = regex::Regex::new(r"(\d+) sources?\b").unwrap();
    for q in [
        "/who-rejected",
        "/who-partnered",
        "/who-considered",
        "Why did Northwind drop Contoso?",
    ] {
        let answer = ask(&engine, q);
        let footer = render::discord_message(&answer).embeds[0]
            .footer
            .clone()
            .unwrap();
        let total: usize = count.captures(&footer).unwrap()[1].parse().unwrap();
        assert_eq!(total, answer.source_count(), "{q}: {footer}");
        for i in &answer.items {
            for c in count.captures_iter(&i.text) {
                let n: usize = c[1].parse().unwrap();
                assert!(n <= total, "{q}: {:?} says {n}, the footer {total}", i.text);
            }
        }
    }
}
