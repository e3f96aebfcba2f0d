//! Render: an [`Answer`] as plain text, as the JSON contract, or as a Discord
//! message with embeds.
//!
//! Last stage before a transport. All three share the answer's single
//! numbering of citations, so `[2]` means the same sentence everywhere.

pub mod embed;

use serde_json::{json, Value};

use crate::query::Answer;

pub use embed::{discord_message, Embed, EmbedField, Reply};

/// Plain text for a terminal: the answer, then the numbered citations.
pub fn text(answer: &Answer) -> String {
    let mut out = answer.body_text();
    if answer.truncated {
        out.push_str("\n(Only the first part of a very long question was read.)");
    }
    if !answer.citations.is_empty() {
        out.push_str("\n\nSources:");
        for c in &answer.citations {
            let mut meta = Vec::new();
            if let Some(o) = &c.outlet {
                meta.push(o.clone());
            }
            if let Some(d) = c.date {
                meta.push(d.to_string());
            }
            meta.push(c.source.clone());
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

/// The JSON contract of `factdesk ask --json` (see DESIGN.md).
pub fn json(answer: &Answer) -> Value {
    json!({
        "question": answer.question,
        "answered": answer.answered,
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
