//! What a user asked: a slash command with options, or a free-text question.
//!
//! Every transport (CLI, gateway, HTTP interactions) builds one of these and
//! hands it to the same engine. Parsing also makes hostile input harmless:
//! control characters go, length is capped, and nothing here is ever echoed
//! back unescaped.

use std::collections::BTreeMap;

/// Longest question the engine reads; the rest is ignored (and said so).
pub const MAX_QUESTION_CHARS: usize = 500;

/// A request to the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A slash command (`/who-rejected`, `/about entity:Globex`).
    Command {
        /// Command name without the slash.
        name: String,
        /// Option values by option name.
        options: BTreeMap<String, String>,
    },
    /// A question in plain words (`/ask`, a mention, the CLI).
    Question {
        /// The cleaned question.
        text: String,
        /// Whether the original was cut at [`MAX_QUESTION_CHARS`].
        truncated: bool,
    },
}

impl Request {
    /// A free-text question, cleaned, and stripped of what is not words
    /// (see [`plain`]).
    pub fn question(raw: &str) -> Request {
        let (text, truncated) = clean(raw);
        Request::Question {
            text: plain(&text),
            truncated,
        }
    }

    /// A slash command with options.
    pub fn command(name: &str, options: impl IntoIterator<Item = (String, String)>) -> Request {
        let name = name.trim().trim_start_matches('/').to_lowercase();
        let options = options
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), clean(&v).0))
            .collect();
        if name == "ask" {
            let options: BTreeMap<String, String> = options;
            let q = options.values().next().cloned().unwrap_or_default();
            return Request::question(&q);
        }
        Request::Command { name, options }
    }

    /// Parses the CLI form: `/name key:value ...`, `/ask question`, or a
    /// question. Text after a command without `key:` goes to `first_option`.
    pub fn parse(input: &str, first_option: impl Fn(&str) -> Option<String>) -> Request {
        let trimmed = input.trim();
        let Some(rest) = trimmed.strip_prefix('/') else {
            return Request::question(trimmed);
        };
        let (name, args) = match rest.split_once(char::is_whitespace) {
            Some((n, a)) => (n, a.trim()),
            None => (rest, ""),
        };
        if name.is_empty() {
            return Request::question(trimmed);
        }
        if name.eq_ignore_ascii_case("ask") {
            return Request::question(args.strip_prefix("question:").unwrap_or(args));
        }
        let mut options = Vec::new();
        let mut free = Vec::new();
        // `key:value` pairs; a value runs until the next `key:`.
        let mut current: Option<(String, Vec<&str>)> = None;
        for word in args.split_whitespace() {
            if let Some((k, v)) = word.split_once(':') {
                if !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
                {
                    if let Some((key, vals)) = current.take() {
                        options.push((key, vals.join(" ")));
                    }
                    current = Some((k.to_string(), if v.is_empty() { vec![] } else { vec![v] }));
                    continue;
                }
            }
            match &mut current {
                Some((_, vals)) => vals.push(word),
                None => free.push(word),
            }
        }
        if let Some((key, vals)) = current.take() {
            options.push((key, vals.join(" ")));
        }
        if !free.is_empty() {
            if let Some(first) = first_option(name) {
                options.push((first, free.join(" ")));
            }
        }
        Request::command(name, options)
    }

    /// How the request reads back to a user (for embeds and logs).
    pub fn display(&self) -> String {
        match self {
            Request::Question { text, .. } => text.clone(),
            Request::Command { name, options } => {
                let mut s = format!("/{name}");
                for (k, v) in options {
                    s.push_str(&format!(" {k}:{v}"));
                }
                s
            }
        }
    }
}

/// What a question says, without what Discord adds around words: user,
/// role and channel mentions (`<@123>`, `<@!123>`, `<@&1>`, `<#1>`),
/// `@everyone` and `@here`, markdown (`**`, `__`, `~~`, backticks,
/// spoilers, a leading `>` quote) and leading punctuation. A question
/// that is nothing else stays as it was, so it is still shown back.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let inner = &rest[1..end];
                let id = inner.trim_start_matches(['@', '!', '&', '#']);
                if inner.len() > id.len()
                    && !id.is_empty()
                    && id.chars().all(|d| d.is_ascii_digit())
                {
                    rest = &rest[end + 1..];
                    out.push(' ');
                    continue;
                }
            }
        }
        if c == '@' {
            let lower = rest.to_ascii_lowercase();
            if let Some(w) = ["@everyone", "@here"]
                .iter()
                .find(|w| lower.starts_with(**w))
            {
                rest = &rest[w.len()..];
                out.push(' ');
                continue;
            }
        }
        if matches!(c, '*' | '_' | '~' | '`' | '|') {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let joined = words.join(" ");
    // A leading quote marker, bullet or stray punctuation ("> ", "- ",
    // "...", "?? why"), but not a slash command's slash.
    let trimmed = joined
        .trim_start_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '"')
        .trim();
    if trimmed.is_empty() {
        text.to_string()
    } else {
        trimmed.to_string()
    }
}

/// Drops control characters and zero-width tricks, folds whitespace and caps
/// the length.
pub fn clean(raw: &str) -> (String, bool) {
    let mut out = String::new();
    let mut count = 0;
    let mut truncated = false;
    let mut last_space = true;
    for c in raw.chars() {
        let c = if c.is_whitespace() || c == '\u{a0}' {
            ' '
        } else {
            c
        };
        if c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
        {
            continue;
        }
        if c == ' ' && last_space {
            continue;
        }
        if count == MAX_QUESTION_CHARS {
            truncated = true;
            break;
        }
        last_space = c == ' ';
        out.push(c);
        count += 1;
    }
    (out.trim().to_string(), truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(_: &str) -> Option<String> {
        Some("entity".into())
    }

    #[test]
    fn slash_forms_parse_to_commands() {
        assert_eq!(
            Request::parse("/about entity:Jane Doe", first),
            Request::Command {
                name: "about".into(),
                options: [("entity".into(), "Jane Doe".into())].into()
            }
        );
        assert_eq!(
            Request::parse("/why Globex", first),
            Request::Command {
                name: "why".into(),
                options: [("entity".into(), "Globex".into())].into()
            }
        );
        assert_eq!(
            Request::parse("/ask who won?", first),
            Request::question("who won?")
        );
        assert_eq!(
            Request::parse("who won?", first),
            Request::question("who won?")
        );
    }

    #[test]
    fn mentions_markdown_and_leading_punctuation_are_not_the_question() {
        for q in [
            "@everyone why did Acme drop Globex?",
            "<@123> why did Acme drop Globex?",
            "<@!123> <@&45> @here why did Acme drop Globex?",
            "**why** did __Acme__ drop `Globex`?",
            "> why did Acme drop Globex?",
            "... why did Acme drop Globex?",
            "||why did Acme drop Globex?||",
        ] {
            assert_eq!(plain(q), "why did Acme drop Globex?", "{q}");
        }
        assert_eq!(plain("@everyone"), "@everyone");
        assert_eq!(plain("/about entity:Globex"), "/about entity:Globex");
    }

    #[test]
    fn hostile_input_is_cleaned_and_capped() {
        let (text, cut) = clean("a\u{0}b\u{7}\n\n c\u{200b}d");
        assert_eq!((text.as_str(), cut), ("ab cd", false));
        let (text, cut) = clean(&"x".repeat(10_000));
        assert_eq!((text.chars().count(), cut), (MAX_QUESTION_CHARS, true));
    }
}
