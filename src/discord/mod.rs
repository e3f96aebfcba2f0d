//! Discord: the one interaction handler shared by both transports.
//!
//! The gateway bot ([`gateway`]) and the HTTP interactions endpoint
//! ([`http`]) are thin: each turns what Discord sent into interaction JSON,
//! calls [`handle_interaction`], and sends back the JSON it returns. Keeping
//! the wire format in one place means one set of tests pins both.

pub mod components;
pub mod gateway;
pub mod http;
pub mod registration;
pub mod rest;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::config::{CommandConfig, Config, DiscordConfig};
use crate::query::help::HELP;
use crate::query::Request;
use crate::render::{discord_message, Reply};
use crate::Engine;

/// Interaction types (Discord's numbering).
pub mod kind {
    /// Endpoint check.
    pub const PING: u64 = 1;
    /// Slash command.
    pub const APPLICATION_COMMAND: u64 = 2;
    /// Button or select menu.
    pub const MESSAGE_COMPONENT: u64 = 3;
    /// Option autocomplete.
    pub const AUTOCOMPLETE: u64 = 4;
    /// Modal form.
    pub const MODAL_SUBMIT: u64 = 5;
}

/// Discord's limit on autocomplete choices.
pub const MAX_CHOICES: usize = 25;

/// What handling an interaction produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The interaction-response body (`{"type": .., "data": ..}`).
    pub response: Value,
    /// Command name or kind, for logs and metrics.
    pub label: String,
    /// For questions and commands: whether the articles answered it.
    pub answered: Option<bool>,
    /// For a 👍/👎 click: the vote, for metrics.
    pub vote: Option<components::Vote>,
}

/// The body of the bulk-overwrite call that registers the slash commands.
pub fn commands_json(config: &Config) -> Value {
    // `/help` is always there: the config's own, or one listing its commands.
    let help = CommandConfig {
        name: HELP.into(),
        description: "What you can ask, with an example for each command".into(),
        answer: HELP.into(),
        relations: Vec::new(),
        options: Vec::new(),
    };
    let extra = config.command(HELP).is_none().then_some(&help);
    Value::Array(
        config
            .commands
            .iter()
            .chain(extra)
            .map(|c| {
                let options: Vec<Value> = c
                    .options
                    .iter()
                    .map(|o| {
                        json!({
                            "type": 3,
                            "name": o.name,
                            "description": o.description,
                            "required": o.required,
                            "autocomplete": o.autocomplete,
                        })
                    })
                    .collect();
                let mut v = json!({ "name": c.name, "description": c.description, "type": 1 });
                if !options.is_empty() {
                    v["options"] = Value::Array(options);
                }
                v
            })
            .collect(),
    )
}

/// A stable hash of the command set (FNV-1a over the JSON), to skip
/// re-registering unchanged commands on restart.
pub fn commands_hash(commands: &Value) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in commands.to_string().bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// Handles one interaction given as Discord's JSON (as received over HTTP,
/// or serialised back from serenity's gateway model).
pub fn handle_interaction(engine: &Engine, interaction: &Value) -> Outcome {
    let typ = interaction["type"].as_u64().unwrap_or(0);
    match typ {
        kind::PING => Outcome {
            response: json!({ "type": 1 }),
            label: "ping".into(),
            answered: None,
            vote: None,
        },
        kind::APPLICATION_COMMAND => {
            let name = interaction["data"]["name"]
                .as_str()
                .unwrap_or("")
                .to_string();
            if engine.config().command(&name).is_none() && name != "ask" && name != HELP {
                return unknown(&format!("/{name}"));
            }
            let request = Request::command(&name, options(&interaction["data"]));
            let answer = engine.answer(&request);
            let reply = components::with_buttons(discord_message(&answer), &answer, 0);
            Outcome {
                response: reply.to_interaction_response(),
                label: name,
                answered: Some(answer.answered),
                vote: None,
            }
        }
        kind::MESSAGE_COMPONENT => {
            let id = interaction["data"]["custom_id"].as_str().unwrap_or("");
            let user = interaction_user(interaction);
            let message = &interaction["message"];
            let (reply, label, vote) = components::answer_click(engine, id, message, user);
            Outcome {
                response: reply.to_interaction_response(),
                label: label.into(),
                answered: None,
                vote,
            }
        }
        kind::AUTOCOMPLETE => {
            let name = interaction["data"]["name"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let partial = focused_value(&interaction["data"]).unwrap_or_default();
            let choices = engine.complete_entity(&partial, MAX_CHOICES);
            Outcome {
                response: autocomplete_response(&choices),
                label: format!("{name}:autocomplete"),
                answered: None,
                vote: None,
            }
        }
        other => unknown(&format!("interaction type {other}")),
    }
}

/// A reply to a plain message (mention or DM) with a question.
pub fn handle_question(engine: &Engine, question: &str) -> (Reply, bool) {
    let request = engine.parse_request(question);
    let answer = engine.answer(&request);
    let reply = components::with_buttons(discord_message(&answer), &answer, 0);
    (reply, answer.answered)
}

/// The question in a message that mentions the bot: the text with the
/// mention removed. `None` when the message does not mention `bot_id`.
pub fn question_from_mention(content: &str, bot_id: u64, is_dm: bool) -> Option<String> {
    let tags = [format!("<@{bot_id}>"), format!("<@!{bot_id}>")];
    let mentioned = tags.iter().any(|t| content.contains(t.as_str()));
    if !mentioned && !is_dm {
        return None;
    }
    let mut q = content.to_string();
    for t in &tags {
        q = q.replace(t.as_str(), " ");
    }
    let q = q.trim().to_string();
    if q.is_empty() {
        None
    } else {
        Some(q)
    }
}

/// The autocomplete response body: type 8 with at most 25 choices.
pub fn autocomplete_response(choices: &[String]) -> Value {
    let choices: Vec<Value> = choices
        .iter()
        .take(MAX_CHOICES)
        .map(|c| {
            let c: String = c.chars().take(100).collect();
            json!({ "name": c, "value": c })
        })
        .collect();
    json!({ "type": 8, "data": { "choices": choices } })
}

fn unknown(what: &str) -> Outcome {
    let reply = Reply::notice(
        &format!("Sorry, factdesk does not handle {what}. Try /ask or /sources."),
        true,
    );
    Outcome {
        response: reply.to_interaction_response(),
        label: "unknown".into(),
        answered: None,
        vote: None,
    }
}

fn options(data: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect_options(&data["options"], &mut out);
    out
}

fn collect_options(options: &Value, out: &mut Vec<(String, String)>) {
    for o in options.as_array().into_iter().flatten() {
        let name = o["name"].as_str().unwrap_or("").to_string();
        match &o["value"] {
            Value::String(s) => out.push((name, s.clone())),
            Value::Null => collect_options(&o["options"], out),
            v => out.push((name, v.to_string())),
        }
    }
}

fn focused_value(data: &Value) -> Option<String> {
    fn walk(options: &Value) -> Option<String> {
        for o in options.as_array().into_iter().flatten() {
            if o["focused"].as_bool() == Some(true) {
                return Some(match &o["value"] {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                });
            }
            if let Some(v) = walk(&o["options"]) {
                return Some(v);
            }
        }
        None
    }
    walk(&data["options"])
}

/// The user who sent an interaction (guild member or DM user).
pub fn interaction_user(interaction: &Value) -> Option<u64> {
    let id = interaction["member"]["user"]["id"]
        .as_str()
        .or_else(|| interaction["user"]["id"].as_str())?;
    id.parse().ok()
}

/// The cooldown both transports use when `discord.cooldown_seconds` is not
/// set: one default, so the gateway and the HTTP endpoint behave alike.
pub const DEFAULT_COOLDOWN_SECONDS: f64 = 2.0;

/// Per-user cooldown between questions, shared by both transports.
#[derive(Debug)]
pub struct Cooldown {
    period: Duration,
    last: Mutex<HashMap<u64, Instant>>,
}

impl Cooldown {
    /// A cooldown of `period` (zero disables it).
    pub fn new(period: Duration) -> Cooldown {
        Cooldown {
            period,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// The period `discord.cooldown_seconds` asks for, default
    /// [`DEFAULT_COOLDOWN_SECONDS`]. The config refuses negative, NaN and
    /// infinite values at load; should one get here anyway it means "off",
    /// never a panic.
    pub fn period_from(discord: &DiscordConfig) -> Duration {
        let seconds = discord.cooldown_seconds.unwrap_or(DEFAULT_COOLDOWN_SECONDS);
        Duration::try_from_secs_f64(seconds).unwrap_or(Duration::ZERO)
    }

    /// The cooldown `discord.cooldown_seconds` asks for.
    pub fn from_config(discord: &DiscordConfig) -> Cooldown {
        Cooldown::new(Cooldown::period_from(discord))
    }

    /// The time a user waits between two questions.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// `None` when the user may ask now (and records it); otherwise how long
    /// to wait.
    pub fn check(&self, user: u64) -> Option<Duration> {
        if self.period.is_zero() {
            return None;
        }
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = last.get(&user) {
            let since = now.duration_since(*t);
            if since < self.period {
                return Some(self.period - since);
            }
        }
        // Forget old entries so the map stays as small as the active users.
        if last.len() > 10_000 {
            last.retain(|_, t| now.duration_since(*t) < self.period);
        }
        last.insert(user, now);
        None
    }

    /// The ephemeral "slow down" reply.
    pub fn reply(wait: Duration) -> Reply {
        Reply::notice(
            &format!(
                "Slow down a little: you can ask again in {:.1} s.",
                wait.as_secs_f64().max(0.1)
            ),
            true,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mention_is_stripped_from_the_question() {
        assert_eq!(
            question_from_mention("<@42> who won?", 42, false).as_deref(),
            Some("who won?")
        );
        assert_eq!(
            question_from_mention("<@!42>   who?", 42, false).as_deref(),
            Some("who?")
        );
        assert_eq!(question_from_mention("who won?", 42, false), None);
        assert_eq!(
            question_from_mention("who won?", 42, true).as_deref(),
            Some("who won?")
        );
        assert_eq!(question_from_mention("<@42>", 42, false), None);
    }

    #[test]
    fn autocomplete_never_offers_more_than_25() {
        let many: Vec<String> = (0..40).map(|i| format!("e{i}")).collect();
        let v = autocomplete_response(&many);
        assert_eq!(v["type"], 8);
        assert_eq!(v["data"]["choices"].as_array().unwrap().len(), 25);
    }

    #[test]
    fn cooldown_blocks_then_releases() {
        let c = Cooldown::new(Duration::from_secs(60));
        assert!(c.check(1).is_none());
        assert!(c.check(1).is_some());
        assert!(c.check(2).is_none());
        assert!(Cooldown::new(Duration::ZERO).check(1).is_none());
    }

    #[test]
    fn both_transports_share_one_cooldown_default() {
        let mut discord = DiscordConfig::default();
        assert_eq!(
            Cooldown::period_from(&discord),
            Duration::from_secs_f64(DEFAULT_COOLDOWN_SECONDS)
        );
        discord.cooldown_seconds = Some(0.0);
        assert_eq!(Cooldown::period_from(&discord), Duration::ZERO);
        // Refused at load; never a panic if one slips through.
        for bad in [f64::INFINITY, f64::NAN, -5.0] {
            discord.cooldown_seconds = Some(bad);
            assert_eq!(Cooldown::period_from(&discord), Duration::ZERO, "{bad}");
        }
    }

    #[test]
    fn more_pages_through_an_answer_and_help_lists_every_command() {
        let engine = Engine::load(None, None).unwrap();
        let first = handle_interaction(
            &engine,
            &json!({"type": 2, "data": {"name": "timeline"}, "member": {"user": {"id": "1"}}}),
        );
        let row = &first.response["data"]["components"][0]["components"];
        let more = row
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["label"] == "More")
            .expect("a More button");
        let click = json!({"type": 3, "data": {"custom_id": more["custom_id"], "component_type": 2},
                           "member": {"user": {"id": "2"}}});
        let page = handle_interaction(&engine, &click);
        assert_eq!(page.label, "button:more");
        assert_eq!(page.response["data"]["flags"], 64);
        let desc = page.response["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap();
        assert!(desc.starts_with("*Items 6–10 of "), "{desc}");

        let help = handle_interaction(&engine, &json!({"type": 2, "data": {"name": "help"}}));
        let desc = help.response["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap();
        for c in &engine.config().commands {
            assert!(
                desc.contains(&format!("• /{}", c.name)),
                "{} missing: {desc}",
                c.name
            );
        }
        let registered = commands_json(engine.config());
        assert!(registered
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "help"));
    }

    #[test]
    fn options_are_read_from_nested_payloads() {
        let data =
            json!({"options": [{"name": "entity", "type": 3, "value": "Acme", "focused": true}]});
        assert_eq!(
            options(&data),
            vec![("entity".to_string(), "Acme".to_string())]
        );
        assert_eq!(focused_value(&data).as_deref(), Some("Acme"));
    }
}
