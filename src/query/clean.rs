//! Clean lines: what an answer line may not say.
//!
//! A reason must say something: one that is only a source ("one person
//! with direct knowledge of the decision") or only a noun phrase pointing
//! back at a sentence we do not show ("These advanced AI capabilities") is
//! left out. A fact whose subject nobody named is said in the passive ("The
//! partnership was confirmed"), never with a pronoun standing in for it.

use std::cell::RefCell;

use regex::Regex;

use crate::config::Config;

/// Determiners that point back at something said before: a phrase opening
/// with one, and with nothing after it but its noun, says nothing alone.
const POINTING: [&str; 5] = ["this", "these", "those", "that", "such"];

/// A noun phrase opened by a pointing word is only that noun phrase when it
/// is this short.
const SHORT_PHRASE: usize = 5;

thread_local! {
    /// The config's hedges, compiled once per thread and language file.
    static HEDGES: RefCell<(Vec<String>, Vec<Regex>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

/// Whether the config's hedges match `text` (an attribution, not content).
fn hedged(config: &Config, text: &str) -> bool {
    HEDGES.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.0 != config.tagging.hedges {
            let compiled = config
                .tagging
                .hedges
                .iter()
                .filter_map(|h| Regex::new(&format!("(?i){h}")).ok())
                .collect();
            *cell = (config.tagging.hedges.clone(), compiled);
        }
        cell.1.iter().any(|r| r.is_match(text))
    })
}

/// Whether a reason says what the reason is.
pub fn says_something(config: &Config, reason: &str) -> bool {
    let words: Vec<&str> = reason.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    let pointing = POINTING.contains(&first.to_lowercase().as_str());
    if pointing && words.len() <= SHORT_PHRASE {
        return false;
    }
    // Only who said it: "one person with direct knowledge of the decision".
    !(words.len() <= 8 && hedged(config, reason))
}

/// A fact's line when no subject was named: the passive for a one-word
/// past-tense label ("The partnership was confirmed"), else an explicit
/// "someone not named".
pub fn unnamed(label: &str, object: &str) -> String {
    let one_word = !label.contains(' ') && label.ends_with("ed");
    if one_word && !object.is_empty() {
        let mut o = object.to_string();
        if let Some(c) = o.get_mut(0..1) {
            c.make_ascii_uppercase();
        }
        format!("{o} was {label}")
    } else {
        format!("Someone not named {label} {object}")
    }
}

/// No hedge said twice: a sentence that ends "(reportedly)" followed by
/// details that start with it again.
pub fn single_hedge(line: String) -> String {
    line.replace("(reportedly) (reportedly; ", "(reportedly; ")
        .replace("(reportedly) (reportedly)", "(reportedly)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_without_a_subject_are_passive() {
        assert_eq!(
            unnamed("confirmed", "the partnership"),
            "The partnership was confirmed"
        );
        assert_eq!(
            unnamed("made an offer for", "Globex"),
            "Someone not named made an offer for Globex"
        );
    }
}
