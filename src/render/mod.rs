//! Render: an [`Answer`] as plain text, as the JSON contract, or as a Discord
//! message with embeds.
//!
//! Last stage before a transport. All three share the answer's single
//! numbering of citations, so `[2]` means the same sentence everywhere, and
//! all three say what the answer rests on (its [`Basis`]): extracted
//! facts, the articles' own words, or nothing. Only renderers shorten: an
//! answer holds every item, and a long list ends with "and N more" here.

pub mod embed;

use serde_json::{json, Value};

use crate::query::{Answer, Basis};

pub use embed::{discord_message, page_message, pages, sources_message, Embed, EmbedField, Reply};

/// Items shown in plain text before "and N more".
pub const TEXT_ITEMS: usize = 15;

/// Plain text for a terminal: the answer, what it rests on, then the
/// numbered citations.
pub fn text(answer: &Answer) -> String {
    let mut out = shortened_body(answer);
    // Quoted answers open with what they are; facts say it at the end.
    if answer.basis == Basis::Facts {
        out.push_str(&format!("\n({})", answer.basis.describe()));
    }
    if answer.truncated {
        out.push_str("\n(Only the first part of a very long question was read.)");
    }
    if !answer.citations.is_empty() {
        out.push_str("\n\nSources:");
        for c in &answer.citations {
            let mut meta = Vec::new();
            if let Some(o) = &c.outlet {
                meta.push(o.to_string());
            }
            if let Some(d) = c.date {
                meta.push(d.to_string());
            }
            meta.push(c.source.to_string());
            out.push_str(&format!(
                "\n[{}] {}\n    \"{}\"",
                c.n,
                meta.join(", "),
                c.quote
            ));
        }
    }
    out.push('\n');
    out
}

/// [`Answer::body_text`] with at most [`TEXT_ITEMS`] items.
fn shortened_body(answer: &Answer) -> String {
    if answer.items.len() <= TEXT_ITEMS {
        return answer.body_text();
    }
    let mut short = answer.clone();
    let more = short.items.len() - TEXT_ITEMS;
    short.items.truncate(TEXT_ITEMS);
    short.items.push(crate::query::Item {
        text: format!("and {more} more"),
        cites: Vec::new(),
    });
    short.body_text()
}

/// The JSON contract of `factdesk ask --json` (see DESIGN.md): the whole
/// answer, every item, and `basis`.
pub fn json(answer: &Answer) -> Value {
    json!({
        "question": answer.question,
        "answered": answer.answered,
        "basis": answer.basis,
        "intent": answer.intent,
        "text": answer.body_text(),
        "headline": answer.headline,
        "items": answer.items,
        "disagreements": answer.disagreements,
        "hints": answer.hints,
        "as_of": answer.as_of,
        "sources": answer.source_count(),
        "truncated": answer.truncated,
        "citations": answer.citations.iter().map(|c| json!({
            "n": c.n,
            "source": c.source,
            "title": c.title,
            "outlet": c.outlet,
            "date": c.date,
            "url": c.url,
            "quote": c.quote,
        })).collect::<Vec<_>>(),
    })
}
