//! Buttons under an answer: "Sources" (every citation), "More" (the next
//! page of items), and 👍/👎 (was this answer right?).
//!
//! A button's `custom_id` carries everything needed to answer it: the
//! action, a page, and the request as the user gave it (`/why
//! entity:Globex`, or the question). Answering a click re-runs the request
//! on the engine, which is deterministic over the same articles, so any
//! replica, or the same one after a restart, answers it the same way and
//! nothing is kept between the answer and the click (the HTTP mode stays
//! stateless). Discord caps a custom id at 100 characters: a request too
//! long for one is written at the end of the embed's footer ("asked: …"),
//! which Discord sends back with the click, and the id says so (`^`).

use serde_json::{json, Value};

use crate::query::Answer;
use crate::render::{self, Reply};
use crate::Engine;

/// Version prefix of our custom ids; a click on a button of another format
/// is answered with a notice, never misread.
const PREFIX: &str = "fd1";

/// Discord's limit on a custom id.
pub const CUSTOM_ID_MAX: usize = 100;

/// The request stands in the footer of the message clicked.
const IN_FOOTER: &str = "^";

/// What precedes the request in a footer.
const ASKED: &str = " · asked: ";

/// Discord's limit on buttons in one action row.
pub const ROW_MAX: usize = 5;

/// What a button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Every citation of the answer, ephemeral.
    Sources,
    /// Page `n` (from 1) of the items, ephemeral.
    More(usize),
    /// The answer was right.
    Up,
    /// The answer was wrong.
    Down,
}

impl Action {
    fn code(self) -> String {
        match self {
            Action::Sources => "src".into(),
            Action::More(n) => format!("more{n}"),
            Action::Up => "up".into(),
            Action::Down => "down".into(),
        }
    }

    fn parse(code: &str) -> Option<Action> {
        match code {
            "src" => Some(Action::Sources),
            "up" => Some(Action::Up),
            "down" => Some(Action::Down),
            _ => code
                .strip_prefix("more")
                .and_then(|n| n.parse().ok())
                .filter(|&n| n >= 1)
                .map(Action::More),
        }
    }

    /// The label metrics and logs count the click under.
    pub fn label(self) -> &'static str {
        match self {
            Action::Sources => "button:sources",
            Action::More(_) => "button:more",
            Action::Up | Action::Down => "button:feedback",
        }
    }
}

/// The custom id of a button, or `None` when the request does not fit.
pub fn custom_id(action: Action, request: &str) -> Option<String> {
    let id = format!("{PREFIX}:{}:{request}", action.code());
    (id.chars().count() <= CUSTOM_ID_MAX).then_some(id)
}

/// The action and request a custom id carries.
pub fn parse(custom_id: &str) -> Option<(Action, String)> {
    let rest = custom_id.strip_prefix(PREFIX)?.strip_prefix(':')?;
    let (code, request) = rest.split_once(':')?;
    let request = request.trim();
    if request.is_empty() {
        return None;
    }
    Some((Action::parse(code)?, request.to_string()))
}

/// Adds the buttons under an answer: Sources (when it cites), More (when
/// its items do not fit on `page`), 👍 and 👎 (when it answered). One row,
/// at most five.
pub fn with_buttons(mut reply: Reply, answer: &Answer, page: usize) -> Reply {
    let mut request = answer.question.as_str();
    if custom_id(Action::More(page + 1), request).is_none() {
        // Too long for an id: carried in the footer, which comes back.
        let Some(footer) = reply.embeds.first_mut().map(|e| &mut e.footer) else {
            return reply;
        };
        let text = format!("{}{ASKED}{request}", footer.as_deref().unwrap_or(""));
        if text.chars().count() > render::embed::limits::FOOTER {
            return reply;
        }
        *footer = Some(text);
        request = IN_FOOTER;
    }
    let mut row: Vec<Value> = Vec::new();
    let mut button = |action: Action, label: &str, emoji: Option<&str>| {
        if let Some(id) = custom_id(action, request) {
            let mut b = json!({ "type": 2, "style": 2, "custom_id": id });
            if !label.is_empty() {
                b["label"] = json!(label);
            }
            if let Some(e) = emoji {
                b["emoji"] = json!({ "name": e });
            }
            row.push(b);
        }
    };
    if page == 0 && !answer.citations.is_empty() {
        button(Action::Sources, "Sources", None);
    }
    if page + 1 < render::pages(answer) {
        button(Action::More(page + 1), "More", None);
    }
    if page == 0 && answer.answered && answer.intent != crate::query::help::HELP {
        button(Action::Up, "", Some("👍"));
        button(Action::Down, "", Some("👎"));
    }
    row.truncate(ROW_MAX);
    if !row.is_empty() {
        reply.components = vec![json!({ "type": 1, "components": row })];
    }
    reply
}

/// What the answer rests on, for metrics and logs: the fact table
/// (`facts`), the articles' own sentences (`quotes`), or nothing (`none`).
pub fn tier(answer: &Answer) -> &'static str {
    answer.basis.as_str()
}

/// A vote on an answer, for metrics and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    /// True for 👍.
    pub up: bool,
    /// The command (or `ask`) the answer came from.
    pub command: String,
    /// The answer's tier (see [`tier`]).
    pub tier: &'static str,
}

/// The reply to a click, and the vote it carried, if any.
pub fn answer_click(
    engine: &Engine,
    custom_id: &str,
    message: &Value,
    user: Option<u64>,
) -> (Reply, &'static str, Option<Vote>) {
    let parsed = parse(custom_id).and_then(|(action, request)| {
        if request != IN_FOOTER {
            return Some((action, request));
        }
        let footer = message["embeds"][0]["footer"]["text"].as_str()?;
        let (_, asked) = footer.rsplit_once(ASKED)?;
        Some((action, asked.to_string()))
    });
    let Some((action, request)) = parsed else {
        return (
            Reply::notice(
                "This button belongs to an answer factdesk can no longer read. Ask again?",
                true,
            ),
            "unknown",
            None,
        );
    };
    let answer = engine.answer(&engine.parse_request(&request));
    match action {
        Action::Sources => (render::sources_message(&answer), action.label(), None),
        Action::More(page) => {
            let reply = render::page_message(&answer, page);
            (with_buttons(reply, &answer, page), action.label(), None)
        }
        Action::Up | Action::Down => {
            let up = action == Action::Up;
            let vote = Vote {
                up,
                command: command_of(&request),
                tier: tier(&answer),
            };
            let facts: Vec<&str> = answer.fact_ids.iter().map(String::as_str).collect();
            // The question, the facts it rested on and who voted: enough to
            // find what was wrong. Never the token or the interaction.
            tracing::info!(
                vote = if up { "up" } else { "down" },
                command = %vote.command,
                tier = vote.tier,
                question = %request,
                facts = %facts.join(","),
                user = user.unwrap_or(0),
                "feedback"
            );
            let thanks = if up {
                "Thanks! Noted that this answer helped."
            } else {
                "Thanks for saying so: noted, with the facts this answer used, so it can be checked."
            };
            (Reply::notice(thanks, true), action.label(), Some(vote))
        }
    }
}

/// The command a request names (`why` for `/why entity:X`), else `ask`.
fn command_of(request: &str) -> String {
    request
        .strip_prefix('/')
        .and_then(|r| r.split_whitespace().next())
        .map_or("ask".into(), |c| c.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip_and_fit_discord() {
        for a in [Action::Sources, Action::More(3), Action::Up, Action::Down] {
            let id = custom_id(a, "/why entity:Globex").unwrap();
            assert!(id.chars().count() <= CUSTOM_ID_MAX);
            assert_eq!(parse(&id), Some((a, "/why entity:Globex".to_string())));
        }
        assert_eq!(custom_id(Action::Sources, &"x".repeat(100)), None);
        for bad in [
            "",
            "fd1",
            "fd1:src:",
            "fd2:src:/status",
            "fd1:more0:/status",
            "fd1:what:/x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(command_of("/why entity:X"), "why");
    }

    #[test]
    fn a_long_question_travels_in_the_footer() {
        let engine = Engine::load(None, None).unwrap();
        let q = format!("which companies were rejected{}?", " and".repeat(30));
        let answer = engine.answer(&engine.parse_request(&q));
        let reply = with_buttons(render::discord_message(&answer), &answer, 0);
        let v = reply.to_json();
        let id = v["components"][0]["components"][0]["custom_id"]
            .as_str()
            .unwrap();
        assert_eq!(id, "fd1:src:^");
        let footer = v["embeds"][0]["footer"]["text"].as_str().unwrap();
        assert!(
            footer.ends_with(&format!("{ASKED}{}", answer.question)),
            "{footer}"
        );
        let (sources, label, _) = answer_click(&engine, id, &v, None);
        assert_eq!(label, "button:sources");
        assert_eq!(sources, render::sources_message(&answer));
        assert_eq!(command_of("why did X?"), "ask");
    }
}
