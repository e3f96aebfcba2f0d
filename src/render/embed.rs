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

use crate::query::{markers, Answer, Citation, Item};

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
    /// Action rows of buttons (Discord's component JSON), if any.
    pub components: Vec<Value>,
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
            components: Vec::new(),
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
        if !self.components.is_empty() {
            v["components"] = json!(self.components);
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

/// What a reply shows before "and N more": a reader sees the answer in the
/// first line and the rest one click away (the Sources and More buttons).
pub mod short {
    /// Title: the answer in one line.
    pub const TITLE: usize = 100;
    /// Bullets per page.
    pub const BULLETS: usize = 5;
    /// One bullet, about one line of an embed.
    pub const LINE: usize = 120;
    /// A quoted sentence, trimmed around what it supports.
    pub const QUOTE: usize = 200;
    /// Citations shown under the bullets.
    pub const CITATIONS: usize = 5;
    /// "Sources differ" lines.
    pub const DISAGREEMENTS: usize = 2;
    /// `/help` lines (every command, one page).
    pub const HELP: usize = 25;
}

/// Renders an answer as a Discord message: the first page, short.
pub fn discord_message(answer: &Answer) -> Reply {
    page_message(answer, 0)
}

/// The items of an answer, and how many more the engine left out ("and N
/// more" as the last item).
fn items_of(answer: &Answer) -> (Vec<&Item>, usize) {
    let mut items: Vec<&Item> = answer.items.iter().collect();
    let mut beyond = 0;
    if let Some(last) = items.last() {
        let n = last
            .text
            .strip_prefix("and ")
            .and_then(|t| t.strip_suffix(" more"))
            .and_then(|n| n.parse::<usize>().ok());
        if let (Some(n), true) = (n, last.cites.is_empty()) {
            beyond = n;
            items.pop();
        }
    }
    (items, beyond)
}

/// Bullets on one page: five, except for `/help`, which is read whole.
fn per_page(answer: &Answer) -> usize {
    if answer.intent == crate::query::help::HELP {
        short::HELP
    } else {
        short::BULLETS
    }
}

/// Pages of bullets an answer has.
pub fn pages(answer: &Answer) -> usize {
    let (items, _) = items_of(answer);
    items.len().div_ceil(per_page(answer)).max(1)
}

/// One page of an answer (page 0 is the reply; later pages answer "More").
pub fn page_message(answer: &Answer, page: usize) -> Reply {
    let title = if answer.headline.is_empty() {
        "factdesk".to_string()
    } else {
        escape(&answer.headline)
    };
    let mut embed = Embed {
        title: Some(shorten(&title, short::TITLE)),
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

    // Description: one page of bullets, what is left, then (first page
    // only) where sources differ and what can be asked.
    let (items, beyond) = items_of(answer);
    let size = per_page(answer);
    let from = (page * size).min(items.len());
    let shown = &items[from..(from + size).min(items.len())];
    let mut cited: Vec<usize> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    if page > 0 {
        lines.push(format!(
            "*Items {}–{} of {}*",
            from + 1,
            from + shown.len(),
            items.len() + beyond
        ));
    }
    for i in shown {
        lines.push(bullet(&i.text, &i.cites));
        cited.extend(&i.cites);
    }
    let left = items.len() - from - shown.len() + beyond;
    if left > 0 {
        let what = if answer.older { " earlier" } else { "" };
        lines.push(format!("…and {left} more{what}"));
    }
    if page == 0 && !answer.disagreements.is_empty() {
        lines.push("**Sources differ:**".into());
        for d in answer.disagreements.iter().take(short::DISAGREEMENTS) {
            lines.push(bullet(&d.text, &d.cites));
            cited.extend(&d.cites);
        }
        let more = answer
            .disagreements
            .len()
            .saturating_sub(short::DISAGREEMENTS);
        if more > 0 {
            lines.push(format!("…and {more} more"));
        }
    }
    if page == 0 && !answer.hints.is_empty() {
        lines.push("**You can ask:**".into());
        lines.extend(
            answer
                .hints
                .iter()
                .take(short::BULLETS)
                .map(|h| format!("• {}", escape(h))),
        );
    }
    let budget_desc = limits::DESCRIPTION.min(limits::TOTAL / 2);
    embed.description = Some(fit_lines(&lines, budget_desc)).filter(|d| !d.is_empty());

    // The citations behind what is shown, in their own numbering.
    let mut seen = std::collections::BTreeSet::new();
    cited.retain(|n| seen.insert(*n));
    cited.sort_unstable();
    let supports = |n: usize| -> String {
        shown
            .iter()
            .map(|i| (&i.text, &i.cites))
            .chain(answer.disagreements.iter().map(|d| (&d.text, &d.cites)))
            .filter(|(_, c)| c.contains(&n))
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let citations: Vec<&Citation> = cited
        .iter()
        .filter_map(|n| answer.citations.iter().find(|c| c.n == *n))
        .collect();
    push_citations(&mut embed, &citations, short::CITATIONS, |c| supports(c.n));
    Reply {
        content: None,
        embeds: vec![embed],
        ephemeral: page > 0,
        components: Vec::new(),
    }
}

/// How the Sources list's title starts.
const SOURCES: &str = "Sources:";

/// Every citation of an answer, compact (the "Sources" button).
pub fn sources_message(answer: &Answer) -> Reply {
    let n = answer.source_count();
    let mut embed = Embed {
        title: Some(shorten(
            &format!(
                "{SOURCES} {} sentence{} from {n} article{}",
                answer.citations.len(),
                if answer.citations.len() == 1 { "" } else { "s" },
                if n == 1 { "" } else { "s" }
            ),
            short::TITLE,
        )),
        color: Some(ANSWERED),
        footer: Some(truncate(&escape(&answer.question), limits::FOOTER)),
        ..Embed::default()
    };
    let all: Vec<&Citation> = answer.citations.iter().collect();
    push_citations(&mut embed, &all, limits::FIELDS - 1, |c| {
        answer
            .items
            .iter()
            .chain(&answer.disagreements)
            .filter(|i| i.cites.contains(&c.n))
            .map(|i| i.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    });
    if all.is_empty() {
        embed.description = Some("This answer cites no article.".into());
    }
    Reply {
        content: None,
        embeds: vec![embed],
        ephemeral: true,
        components: Vec::new(),
    }
}

/// One bullet: the claim on about one line, then its markers.
fn bullet(text: &str, cites: &[usize]) -> String {
    // Markers inside a line ("X [1] but Y [2]") stay markers.
    let mut text = shorten(&escape(text), short::LINE);
    // A quotation cut short still closes: the marks say where words end.
    if text.ends_with('…') && text.matches('"').count() % 2 == 1 {
        text.push('"');
    }
    let text = MARKER.replace_all(&text, "[$1]");
    format!("• {text}{}", markers(cites))
}

/// An escaped citation marker, `\[2\]`.
static MARKER: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"\\\[(\d+)\\\]").expect("marker pattern"));

/// Adds citations as compact fields, `[1] Outlet · date` over the quoted
/// sentence trimmed around `supports`, linked where the URL is known; the
/// rest are counted.
fn push_citations<'a>(
    embed: &mut Embed,
    citations: &[&'a Citation],
    max: usize,
    supports: impl Fn(&'a Citation) -> String,
) {
    let mut used = embed.char_count();
    for (i, c) in citations.iter().enumerate() {
        let left = citations.len() - i;
        let reserve = if left > 1 { 60 } else { 0 };
        if i >= max || embed.fields.len() + 1 + usize::from(left > 1) > limits::FIELDS {
            push_more(embed, left);
            break;
        }
        let name = truncate(&format!("[{}] {}", c.n, origin(c)), limits::FIELD_NAME);
        let quote = escape(&trim_quote(&c.quote, &supports(c), short::QUOTE));
        let link = c
            .url
            .as_deref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .filter(|u| !u.contains(')') && !u.contains(char::is_whitespace));
        let value = match link {
            Some(u) => format!("> {quote} [↗]({u})"),
            None => format!("> {quote}"),
        };
        let value = truncate(&value, limits::FIELD_VALUE);
        let cost = name.chars().count() + value.chars().count();
        if used + cost + reserve > limits::TOTAL {
            push_more(embed, left);
            break;
        }
        used += cost;
        embed.fields.push(EmbedField {
            name,
            value,
            inline: false,
        });
    }
}

/// Where a sentence comes from, for a reader: the outlet, else the
/// article's title, else (only then) its file name; then the date.
pub fn origin(c: &Citation) -> String {
    let mut out = c
        .outlet
        .as_deref()
        .map(String::from)
        .or_else(|| c.title.as_ref().map(|t| shorten(t, 60)))
        .unwrap_or_else(|| c.source.to_string());
    out = escape(&out);
    if let Some(d) = c.date {
        out.push_str(&format!(" · {d}"));
    }
    out
}

/// The field counting citations that did not fit; under an answer it
/// points at the Sources button, in the Sources list at nothing more.
fn push_more(embed: &mut Embed, left: usize) {
    let all = embed
        .title
        .as_deref()
        .is_some_and(|t| t.starts_with(SOURCES));
    let s = if left == 1 { "" } else { "s" };
    embed.fields.push(EmbedField {
        name: "…".into(),
        value: if all {
            format!("and {left} more quoted sentence{s}")
        } else {
            format!("and {left} more quoted sentence{s} (press Sources)")
        },
        inline: false,
    });
}

/// Cuts text to about `max` characters at a word boundary, with "…".
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let at = cut
        .rfind(' ')
        .filter(|&i| i > cut.len() / 2)
        .unwrap_or(cut.len());
    let mut out = cut[..at]
        .trim_end_matches([' ', ',', ';', ':', '(', '-'])
        .to_string();
    // Never leave a backslash escaping the ellipsis.
    while out.ends_with('\\') {
        out.pop();
    }
    out.push('…');
    out
}

/// The words of `supports` worth finding in a quote: names and longer words.
fn key_words(supports: &str) -> Vec<String> {
    supports
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 || w.chars().next().is_some_and(char::is_uppercase))
        .map(str::to_lowercase)
        .collect()
}

/// A quoted sentence cut to about `max` characters around the words of
/// `supports`, with "…" where cut.
pub fn trim_quote(quote: &str, supports: &str, max: usize) -> String {
    let chars: Vec<char> = quote.chars().collect();
    if chars.len() <= max {
        return quote.to_string();
    }
    let lower: Vec<char> = quote.to_lowercase().chars().collect();
    // Character offsets of the key words' occurrences (whole words).
    let keys = key_words(supports);
    let mut hits: Vec<usize> = Vec::new();
    if lower.len() == chars.len() {
        let text: String = lower.iter().collect();
        for k in &keys {
            for (b, _) in text.match_indices(k.as_str()) {
                let at = text[..b].chars().count();
                let end = at + k.chars().count();
                let before = at == 0 || !lower[at - 1].is_alphanumeric();
                let after = end >= lower.len() || !lower[end].is_alphanumeric();
                if before && after {
                    hits.push(at);
                }
            }
        }
    }
    hits.sort_unstable();
    let width = max - 2;
    // The window holding most hits, starting a little before one.
    let mut best = (0usize, 0usize);
    for &h in &hits {
        let start = h.saturating_sub(20).min(chars.len() - width);
        let n = hits
            .iter()
            .filter(|&&x| x >= start && x < start + width)
            .count();
        if n > best.1 {
            best = (start, n);
        }
    }
    let mut start = best.0;
    // Snap to word boundaries.
    while start > 0 && !chars[start - 1].is_whitespace() {
        start -= 1;
    }
    let mut end = (start + width).min(chars.len());
    if end < chars.len() {
        while end > start + width / 2 && !chars[end].is_whitespace() {
            end -= 1;
        }
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(chars[start..end].iter());
    let trimmed = out.trim_end_matches([' ', ',', ';', ':']).to_string();
    let mut out = trimmed;
    if end < chars.len() {
        out.push('…');
    }
    out
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

    fn big_answer(items: usize, cites: usize, len: usize) -> Answer {
        let mut a = Answer::new("q", "test");
        a.answered = true;
        a.headline = "h".repeat(400);
        for i in 0..cites {
            a.cite(Citation {
                n: 0,
                source: format!("f{i}.txt").into(),
                title: None,
                outlet: Some("Outlet".into()),
                date: None,
                url: None,
                quote: "q".repeat(len).into(),
                article: None,
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
            let mut a = big_answer(items, cites, len);
            for (k, i) in a.items.iter_mut().enumerate() {
                i.cites = vec![k % cites.max(1) + 1];
            }
            let r = discord_message(&a);
            assert_within_limits(&r);
            let e = &r.embeds[0];
            assert!(e.title.as_ref().unwrap().chars().count() <= short::TITLE);
            let desc = e.description.as_deref().unwrap_or("");
            assert!(desc.matches("• ").count() <= short::BULLETS, "{desc}");
            if items > short::BULLETS {
                assert!(
                    desc.ends_with(&format!("…and {} more", items - 5)),
                    "{desc}"
                );
            }
            assert!(e.fields.len() <= short::CITATIONS + 1);
            let all = sources_message(&a);
            assert_within_limits(&all);
            if cites > 25 {
                let last = all.embeds[0].fields.last().unwrap();
                assert!(last.value.starts_with("and "), "{last:?}");
            }
            for page in 0..pages(&a) {
                assert_within_limits(&page_message(&a, page));
            }
        }
    }

    #[test]
    fn quotes_are_trimmed_around_what_they_support() {
        let q = format!(
            "{} Northwind dropped Globex as its partner. {}",
            "a ".repeat(150),
            "b ".repeat(150)
        );
        let t = trim_quote(&q, "Northwind rejected Globex", short::QUOTE);
        assert!(t.chars().count() <= short::QUOTE, "{t}");
        assert!(t.contains("dropped Globex"), "{t}");
        assert!(t.starts_with('…') && t.ends_with('…'), "{t}");
        assert_eq!(trim_quote("short", "x", 200), "short");
    }

    #[test]
    fn citations_name_the_outlet_or_title_before_the_file() {
        let mut c = Citation {
            n: 1,
            source: "000_abc.txt".into(),
            title: Some("A title".into()),
            outlet: None,
            date: None,
            url: None,
            quote: "q".into(),
            article: None,
        };
        assert_eq!(origin(&c), "A title");
        c.outlet = Some("Maginative".into());
        assert_eq!(origin(&c), "Maginative");
        c.outlet = None;
        c.title = None;
        assert_eq!(origin(&c), "000\\_abc.txt");
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
