//! `/help`: the commands of the config, each with one example drawn from
//! the story being served, so the examples always answer something.
//!
//! Nothing here is written per story: the description is the config's, the
//! example fills the command's first option from the fact table (the most
//! cited entity for an entity option, a speaker for a person, a fact id, an
//! event with a date).

use crate::config::{CommandConfig, Config};
use crate::facts::{Fact, FactTable};

use super::answer::{Answer, Item};

/// The command name `/help` answers to when the config has none of its own.
pub const HELP: &str = "help";

/// The help answer: one line per command, with an example.
pub fn help(config: &Config, facts: &FactTable) -> Answer {
    let mut ans = Answer::new("/help", HELP);
    ans.headline = format!(
        "Ask about {}: {} commands, or @mention me with a question",
        config.story.title,
        config.commands.len()
    );
    for c in &config.commands {
        ans.items.push(Item {
            text: format!("{} — {}", example(config, facts, c), c.description),
            cites: Vec::new(),
        });
    }
    ans.answered = !ans.items.is_empty();
    ans
}

/// A command line that works on this story: `/why entity:Globex`.
pub fn example(config: &Config, facts: &FactTable, c: &CommandConfig) -> String {
    let Some(o) = c.options.first() else {
        return format!("/{}", c.name);
    };
    let best = |it: &mut dyn Iterator<Item = &Fact>| -> Option<String> {
        it.filter(|f| !f.subject.is_empty())
            .max_by_key(|f| (f.sources, std::cmp::Reverse(f.id.to_string())))
            .map(|f| f.subject.clone())
    };
    let value = match o.name.as_str() {
        "id" => facts.all().first().map(|f| f.id.to_string()),
        "person" | "speaker" => best(&mut c.relations.iter().flat_map(|r| facts.relation(r))),
        "event" => facts
            .all()
            .iter()
            .find(|f| f.event_date().is_some())
            .map(|f| f.relation.clone()),
        _ if o.autocomplete => most_cited_object(config, facts),
        _ => None,
    };
    let value = value.unwrap_or_else(|| {
        let who = most_cited_object(config, facts).unwrap_or_else(|| config.story.actor.clone());
        format!("what happened to {who}?")
    });
    format!("/{} {}:{value}", c.name, o.name)
}

/// The known entity other facts most often act on (not the story's actor).
fn most_cited_object(config: &Config, facts: &FactTable) -> Option<String> {
    facts
        .all()
        .iter()
        .filter(|f| f.object != config.story.actor && facts.entities().contains_key(&f.object))
        .max_by_key(|f| (f.sources, std::cmp::Reverse(f.id.to_string())))
        .map(|f| f.object.clone())
}
