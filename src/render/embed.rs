//! Discord rendering: an answer as a message with one embed, inside
//! Discord's limits, that can never ping anyone.
//!
//! Discord rejects a message that breaks a limit, so the renderer enforces
//! them itself and shortens with "and N more" instead: embed title 256,
//! description 4096, 25 fields, field name 256 and value 1024, footer 2048,
//! 6000 characters across the embeds, content 2000. Every payload carries
//! `allowed_mentions: {"parse": []}`, and text that came from outside
//! (articles, questions) has its markdown and `@` escaped as well.

use serde::Serialize;
use serde_json::{json, Value};

use crate::query::{markers, Answer};

/// Discord's limits, in characters.
pub mod limits {
    /// Embed title.
    pub const TITLE: usize = 256;
    /// Embed description.
    pub const DESCRIPTION: usize = 4096;
    /// Fields per embed.
    pub const FIELDS: usize = 25;
    /// Field name.
    pub const FIELD_NAME: usize = 256;
    /// Field value.
    pub const FIELD_VALUE: usize = 1024;
    /// Footer text.
    pub const FOOTER: usize = 2048;
    /// All embeds of a message together.
    pub const TOTAL: usize = 6000;
    /// Message content.
    pub const CONTENT: usize = 2000;
}

/// Embed colour for answers.
const ANSWERED: u32 = 0x2b6cb0;
/// Embed colour for "the articles don't say".
const UNANSWERED: u32 = 0x718096;
/// The ephemeral message flag.
const EPHEMERAL: u64 = 1 << 6;

/// A message ready for either transport.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reply {
    /// Plain content, if any.
    pub content: Option<String>,
    /// Embeds (at most one here).
    pub embeds: Vec<Embed>,
    /// Shown only to the user who asked.
    pub ephemeral: bool,
}

/// One embed.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Embed {
    /// Title line.
    pub title: Option<String>,
    /// Main text.
    pub description: Option<String>,
    /// Side colour.
    pub color: Option<u32>,
    /// Citation fields.
    pub fields: Vec<EmbedField>,
    /// Footer text.
    pub footer: Option<String>,
}

/// One embed field.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EmbedField {
    /// Field title.
    pub name: String,
    /// Field text.
    pub value: String,
    /// Shown side by side.
    pub inline: bool,
}

impl Embed {
    /// Characters Discord counts toward the 6000 total.
    pub fn char_count(&self) -> usize {
        let len = |s: &Option<String>| s.as_deref().map_or(0, |s| s.chars().count());
        len(&self.title)
            + len(&self.description)
            + len(&self.footer)
            + self
                .fields
                .iter()
                .map(|f| f.name.chars().count() + f.value.chars().count())
                .sum::<usize>()
    }
}

impl Reply {
    /// A short notice (errors, "slow down"), ephemeral when asked.
    pub fn notice(text: &str, ephemeral: bool) -> Reply {
        Reply {
            content: Some(truncate(&escape(text), limits::CONTENT)),
            embeds: Vec::new(),
            ephemeral,
        }
    }

    /// The message body as Discord's JSON, mentions disabled.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "embeds": self.embeds.iter().map(embed_json).collect::<Vec<_>>(),
            "allowed_mentions": { "parse": [] },
        });
        if let Some(c) = &self.content {
            v["content"] = json!(c);
        }
        if self.ephemeral {
            v["flags"] = json!(EPHEMERAL);
        }
        v
    }

    /// The interaction callback body: type 4, CHANNEL_MESSAGE_WITH_SOURCE.
    pub fn to_interaction_response(&self) -> Value {
        json!({ "type": 4, "data": self.to_json() })
    }
}

fn embed_json(e: &Embed) -> Value {
    let mut v = json!({});
    if let Some(t) = &e.title {
        v["title"] = json!(t);
    }
    if let Some(d) = &e.description {
        v["description"] = json!(d);
    }
    if let Some(c) = e.color {
        v["color"] = json!(c);
    }
    if !e.fields.is_empty() {
        v["fields"] = json!(e.fields);
    }
    if let Some(f) = &e.footer {
        v["footer"] = json!({ "text": f });
    }
    v
}

/// Renders an answer as a Discord message.
pub fn discord_message(answer: &Answer) -> Reply {
    let title = if answer.headline.is_empty() {
        "factdesk".to_string()
    } else {
        escape(&answer.headline)
    };
    let mut embed = Embed {
        title: Some(truncate(&title, limits::TITLE)),
        color: Some(if answer.answered {
            ANSWERED
        } else {
            UNANSWERED
        }),
        ..Embed::default()
    };
    // What the answer rests on, in words, first in the footer.
    let mut footer = answer.basis.describe().trim_end_matches('.').to_string();
    if !answer.citations.is_empty() {
        let n = answer.source_count();
        footer.push_str(&format!(" · {n} source{}", if n == 1 { "" } else { "s" }));
    }
    if let Some(d) = answer.as_of {
        footer.push_str(&format!(" · as of {d}"));
    }
    if answer.truncated {
        footer.push_str(" · only the start of a long question was read");
    }
    embed.footer = Some(truncate(&footer, limits::FOOTER));

    // Description: items first, then disagreements, then hints, each line
    // whole or not at all, with a count of what did not fit.
    let mut lines: Vec<String> = answer
        .items
        .iter()
        .map(|i| format!("• {}{}", escape(&i.text), markers(&i.cites)))
        .collect();
    if !answer.disagreements.is_empty() {
        lines.push("**Sources differ:**".into());
        lines.extend(
            answer
                .disagreements
                .iter()
                .map(|d| format!("• {}{}", escape(&d.text), markers(&d.cites))),
        );
    }
    if !answer.hints.is_empty() {
        lines.push("**You can ask:**".into());
        lines.extend(answer.hints.iter().map(|h| format!("• {}", escape(h))));
    }
    let budget_desc = limits::DESCRIPTION.min(limits::TOTAL / 2);
    embed.description = Some(fit_lines(&lines, budget_desc)).filter(|d| !d.is_empty());

    // Citations as fields, while the totals allow.
    let mut used = embed.char_count();
    let total = answer.citations.len();
    for (i, c) in answer.citations.iter().enumerate() {
        let left = total - i;
        // Keep room for the "and N more" field.
        let reserve = if left > 1 { 40 } else { 0 };
        if embed.fields.len() + 1 + usize::from(left > 1) > limits::FIELDS {
            push_more(&mut embed, left);
            break;
        }
        // Outlet when known, else the headline, else the file: a reader
        // should see where the sentence comes from without opening it.
        let mut name = format!("[{}]", c.n);
        let origin = c
            .outlet
            .clone()
            .or_else(|| c.title.as_ref().map(|t| truncate(t, 80)))
            .unwrap_or_else(|| c.source.clone());
        name.push_str(&format!(" {}", escape(&origin)));
        if let Some(d) = c.date {
            name.push_str(&format!(" · {d}"));
        }
        let name = truncate(&name, limits::FIELD_NAME);
        let link = c
            .url
            .as_deref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        let tail = match link {
            Some(u) => format!("\n<{u}>"),
            None => format!("\n`{}`", c.source.replace('`', "'")),
        };
        let room = limits::FIELD_VALUE.saturating_sub(tail.chars().count() + 4);
        let value = format!("> {}{}", truncate(&escape(&c.quote), room), tail);
        let cost = name.chars().count() + value.chars().count();
        if used + cost + reserve > limits::TOTAL {
            push_more(&mut embed, left);
            break;
        }
        used += cost;
        embed.fields.push(EmbedField {
            name,
            value,
            inline: false,
        });
    }
    Reply {
        content: None,
        embeds: vec![embed],
        ephemeral: false,
    }
}

fn push_more(embed: &mut Embed, left: usize) {
    embed.fields.push(EmbedField {
        name: "…".into(),
        value: format!("and {left} more source{}", if left == 1 { "" } else { "s" }),
        inline: false,
    });
}

/// Joins whole lines up to `max` characters, ending with "…and N more".
fn fit_lines(lines: &[String], max: usize) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let left = lines.len() - i;
        let more = format!("\n…and {} more", left);
        let need = out.chars().count() + l.chars().count() + 1;
        let reserve = if left > 1 { more.chars().count() } else { 0 };
        if need + reserve > max {
            if out.is_empty() {
                // A single line longer than the budget: cut it.
                out = truncate(l, max.saturating_sub(more.chars().count()));
                if lines.len() > 1 {
                    out.push_str(&format!("\n…and {} more", lines.len() - 1));
                }
                return out;
            }
            out.push_str(&more);
            return out;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(l);
    }
    out
}

/// Cuts text to at most `max` characters, ending with "…" when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Escapes Discord markdown and breaks `@` mentions in untrusted text.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200b}"),
            '<' => out.push_str("<\u{200b}"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{Citation, Item};

    fn big_answer(items: usize, cites: usize, len: usize) -> Answer {
        let mut a = Answer::new("q", "test");
        a.answered = true;
        a.headline = "h".repeat(400);
        for i in 0..cites {
            a.cite(Citation {
                n: 0,
                source: format!("f{i}.txt"),
                title: None,
                outlet: Some("Outlet".into()),
                date: None,
                url: None,
                quote: "q".repeat(len),
            });
        }
        for i in 0..items {
            a.items.push(Item {
                text: format!("{i} {}", "x".repeat(len)),
                cites: vec![1],
            });
        }
        a
    }

    fn assert_within_limits(r: &Reply) {
        for e in &r.embeds {
            assert!(e.title.as_ref().map_or(0, |t| t.chars().count()) <= limits::TITLE);
            assert!(e.description.as_ref().map_or(0, |t| t.chars().count()) <= limits::DESCRIPTION);
            assert!(e.fields.len() <= limits::FIELDS);
            for f in &e.fields {
                assert!(f.name.chars().count() <= limits::FIELD_NAME);
                assert!(f.value.chars().count() <= limits::FIELD_VALUE);
            }
            assert!(e.char_count() <= limits::TOTAL, "{}", e.char_count());
        }
    }

    #[test]
    fn huge_answers_are_shortened_not_rejected() {
        for (items, cites, len) in [(500, 60, 2000), (3, 3, 10), (1, 40, 5000), (100, 0, 100)] {
            let r = discord_message(&big_answer(items, cites, len));
            assert_within_limits(&r);
            let e = &r.embeds[0];
            if cites > 25 {
                assert!(
                    e.fields.last().unwrap().value.starts_with("and "),
                    "{:?}",
                    e.fields.last()
                );
            }
            if items > 50 {
                assert!(e.description.as_ref().unwrap().contains("more"));
            }
        }
    }

    #[test]
    fn every_payload_disables_mentions() {
        let r = Reply::notice("@everyone hi <@123>", true);
        let v = r.to_json();
        assert_eq!(v["allowed_mentions"], json!({"parse": []}));
        assert_eq!(v["flags"], json!(64));
        assert!(!v["content"].as_str().unwrap().contains("@everyone"));
        let v = discord_message(&big_answer(1, 1, 5)).to_interaction_response();
        assert_eq!(v["type"], json!(4));
        assert_eq!(v["data"]["allowed_mentions"], json!({"parse": []}));
    }

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(escape("**bold** @here"), "\\*\\*bold\\*\\* @\u{200b}here");
    }
}
