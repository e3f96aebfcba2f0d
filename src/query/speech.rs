//! Honest quotes: a quotation mark is a promise that those were the words.
//!
//! A relation whose template puts its object in quotation marks ("said")
//! holds both direct quotations and reported speech ("Raman revealed that
//! Northwind engaged..."). Only an object that stands inside quotation marks in
//! one of its sentences is shown quoted; the rest is shown as reported,
//! without quotation marks. Each line says which it is.

use crate::config::Config;
use crate::facts::Fact;

/// How a speech fact is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speech {
    /// The words stand inside quotation marks in the article.
    Direct,
    /// The article reports what was said in its own words.
    Reported,
}

/// Whether a template quotes its object (`"{object}"` or `“{object}”`).
fn quotes_object(template: &str) -> bool {
    template.contains("\"{object}\"") || template.contains("“{object}”")
}

/// Whether a fact's object stands inside quotation marks in one of its
/// sentences. Reads every sentence of a reported fact: the answerer asks it
/// once per fact at start-up (`Lookups`), not per question.
pub fn quoted_directly(f: &Fact) -> bool {
    let said = normalise(&f.object);
    !said.is_empty()
        && f.evidence
            .iter()
            .any(|e| quoted_spans(&e.quote).iter().any(|q| q.contains(&said)))
}

/// Whether a relation has a template quoting its object, so its facts are
/// speech.
pub fn quotes_speech(r: &crate::config::RelationConfig) -> bool {
    [&r.template, &r.negated_template]
        .into_iter()
        .any(|t| t.as_deref().is_some_and(quotes_object))
}

/// The kind of speech a fact is, when its relation quotes its object;
/// `direct` is [`quoted_directly`] of the fact.
pub fn kind(template: &str, direct: bool) -> Option<Speech> {
    if !quotes_object(template) {
        return None;
    }
    Some(if direct {
        Speech::Direct
    } else {
        Speech::Reported
    })
}

/// The kind of speech a fact is under the config's template for it.
pub fn of(config: &Config, f: &Fact, direct: bool) -> Option<Speech> {
    let r = config.relations.iter().find(|r| r.name == f.relation)?;
    kind(r.template.as_deref().unwrap_or(""), direct)
}

/// "1 quoted, 5 reported": what a list of speech facts holds; `direct`
/// says whether a fact is [`quoted_directly`].
pub fn summary(config: &Config, facts: &[&Fact], direct: impl Fn(&Fact) -> bool) -> Option<String> {
    let kinds: Vec<Speech> = facts
        .iter()
        .filter_map(|f| of(config, f, direct(f)))
        .collect();
    if kinds.is_empty() {
        return None;
    }
    let direct = kinds.iter().filter(|k| **k == Speech::Direct).count();
    let reported = kinds.len() - direct;
    let count = |n: usize| {
        if n == 0 {
            "none".to_string()
        } else {
            n.to_string()
        }
    };
    Some(format!(
        "{} quoted word for word, {} reported in the article's words",
        count(direct),
        count(reported)
    ))
}

/// The template to show a fact with: the relation's own for a direct
/// quotation (with "quoted" said), a reported form without quotation marks
/// otherwise. Templates that quote nothing are returned as they are.
pub fn honest(template: String, direct: bool) -> String {
    match kind(&template, direct) {
        None => template,
        Some(Speech::Direct) => template.replacen("{subject}", "{subject}, quoted", 1),
        Some(Speech::Reported) => "{subject}, reported: {object}".into(),
    }
}

/// Lower case, straight apostrophes, single spaces, no end punctuation.
fn normalise(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| match c {
            '’' | '‘' => '\'',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(['.', ',', '!', '?', ';', ':'])
        .to_string()
}

/// The stretches of a sentence inside quotation marks (straight or curly),
/// normalised. An unclosed quotation runs to the end of the sentence (the
/// quote goes on in the next one).
fn quoted_spans(sentence: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, c) in sentence.char_indices() {
        match (open, c) {
            (None, '“') => open = Some((i + c.len_utf8(), '”')),
            (None, '"') => open = Some((i + 1, '"')),
            (Some((start, close)), c) if c == close => {
                out.push(normalise(&sentence[start..i]));
                open = None;
            }
            _ => {}
        }
    }
    if let Some((start, _)) = open {
        out.push(normalise(&sentence[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_words_in_quotation_marks_are_quoted() {
        let spans = quoted_spans("“We chose them,” Raman said, adding \"it was hard\".");
        assert_eq!(spans, vec!["we chose them", "it was hard"]);
        assert!(quoted_spans("Raman revealed that Northwind engaged with many.").is_empty());
        assert_eq!(quoted_spans("He said: “It goes on"), vec!["it goes on"]);
    }

    #[test]
    fn templates_that_quote_nothing_are_left_alone() {
        assert!(!quotes_object("{subject} {label} {object}"));
        assert!(quotes_object("{subject}: \"{object}\""));
    }
}
