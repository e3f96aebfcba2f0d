//! Relation rules: patterns over tagged sentences.
//!
//! A rule is a regex in which placeholders stand for tagged mentions:
//! `{subject:ORG}` captures one organisation as the subject, `{object:ORG+}`
//! a list ("Acme, Globex and Initech"), `{DATE}` any date without
//! capturing it, `{ADV}` a macro from `[macros]`. Other named groups
//! (`(?P<reason>...)`) become qualifiers; `(?P<neg>...)` marks negation.
//! Kinds: `ORG` and `PERSON` also accept names of unknown kind (`NAME`), and
//! `ENT` accepts any entity.

use std::collections::BTreeMap;

use regex::bytes::{Regex, RegexBuilder};
use regex::Regex as TextRegex;

use crate::config::{Config, ConfigError, RuleConfig};

use super::mentions::LITERAL_LABELS;

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Rule name (unique).
    pub name: String,
    /// Relation it produces.
    pub relation: String,
    /// The expanded regex.
    /// The expanded pattern (what the extractor's prefilter set holds).
    pub pattern: String,
    regex: std::sync::OnceLock<Regex>,
    /// Groups that hold lists of mentions.
    pub lists: Vec<String>,
    /// Veto regex over the normalised sentence.
    unless: Option<(String, std::sync::OnceLock<TextRegex>)>,
    /// Subject when none is captured.
    pub subject: Option<String>,
    /// Object when none is captured.
    pub object: Option<String>,
    /// The fact is negative.
    pub negated: bool,
}

/// Compiles every rule of every relation, expanding placeholders. A rule that
/// does not compile stops start-up with its name.
pub fn compile(config: &Config) -> Result<Vec<Rule>, ConfigError> {
    let mut kinds: Vec<String> = config
        .entities
        .iter()
        .map(|e| e.kind.to_uppercase())
        .collect();
    kinds.extend(
        [
            // Every kind the gazetteer schema knows, so a rule naming a
            // kind works with a story that has no entity of it.
            "ORG",
            "PERSON",
            "NAME",
            "PLACE",
            "PRODUCT",
            "EVENT",
            "OUTLET",
            "REGULATOR",
        ]
        .map(String::from),
    );
    kinds.extend(
        config
            .tagging
            .discover
            .iter()
            .map(|d| d.kind.to_uppercase()),
    );
    kinds.sort();
    kinds.dedup();
    let mut out = Vec::new();
    for relation in &config.relations {
        for rule in &relation.rules {
            out.push(compile_rule(&relation.name, rule, &config.macros, &kinds)?);
        }
    }
    Ok(out)
}

fn compile_rule(
    relation: &str,
    rule: &RuleConfig,
    macros: &BTreeMap<String, String>,
    kinds: &[String],
) -> Result<Rule, ConfigError> {
    let err = |message: String| ConfigError::Pattern {
        what: "rule",
        name: rule.name.clone(),
        message,
    };
    let placeholder =
        TextRegex::new(r"\{(?:([a-z_][a-z0-9_]*):)?([A-Z][A-Z_|]*)(\+)?\}").expect("static");
    let mut lists = Vec::new();
    let mut failure = None;
    let expanded = placeholder.replace_all(&rule.pattern, |c: &regex::Captures<'_>| {
        let role = c.get(1).map(|m| m.as_str());
        let name = &c[2];
        if role.is_none() && c.get(3).is_none() {
            if let Some(m) = macros.get(name) {
                return format!("(?:{m})");
            }
        }
        let mut labels: Vec<String> = Vec::new();
        for k in name.split('|') {
            match k {
                "ENT" => labels.extend(kinds.iter().cloned()),
                "ORG" => labels.extend(["ORG".into(), "NAME".into()]),
                "PERSON" => labels.extend(["PERSON".into(), "NAME".into()]),
                k if kinds.iter().any(|x| x == k) || LITERAL_LABELS.contains(&k) => labels.push(k.to_string()),
                k => {
                    failure.get_or_insert(format!("unknown placeholder `{{{k}}}` (not a kind or a macro)"));
                }
            }
        }
        labels.sort();
        labels.dedup();
        let one = format!("\\x01(?:{})#\\d+\\x02", labels.join("|"));
        let body = if c.get(3).is_some() {
            // A list element may carry a possessive or hyphenated modifier
            // ("Hooli-parent Globex") and an article or adjective ("a
            // resurgent Initech"); the modifier's own mention is skipped when
            // the list is read.
            let elem = format!("(?:(?:a|an|the) )?(?:[a-z][\\w-]* ){{0,2}}(?:\\x01[A-Z]+#\\d+\\x02(?:'s|-)[\\w ]*? )?{one}");
            if let Some(r) = role {
                lists.push(r.to_string());
            }
            format!("{elem}(?:(?:,? and |,? or |, ){elem})*")
        } else {
            one
        };
        match role {
            Some(r) => format!("(?P<{r}>{body})"),
            None => format!("(?:{body})"),
        }
    });
    if let Some(f) = failure {
        return Err(err(f));
    }
    // Token markers are ASCII control characters; macros may still write
    // ⟦ ⟧ for readability.
    let expanded = expanded.replace('⟦', "\\x01").replace('⟧', "\\x02");
    // Case-insensitive: a rule must match "Shares of X" opening a sentence
    // as well as "shares of X" inside one; names are tokens, not text.
    // Compiled on first use (most rules never match most corpora); the
    // syntax is checked now so a bad rule is still named at start-up. The
    // extractor compiles every pattern together into its prefilter set,
    // which catches the rest.
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(true)
        .build()
        .parse(&expanded)
        .map_err(|e| err(e.to_string()))?;
    let unless = match &rule.unless {
        Some(u) => {
            regex_syntax::Parser::new()
                .parse(u)
                .map_err(|e| err(format!("in `unless`: {e}")))?;
            Some((u.clone(), std::sync::OnceLock::new()))
        }
        None => None,
    };
    Ok(Rule {
        name: rule.name.clone(),
        relation: relation.to_string(),
        pattern: expanded,
        regex: std::sync::OnceLock::new(),
        lists,
        unless,
        subject: rule.subject.clone(),
        object: rule.object.clone(),
        negated: rule.negated,
    })
}

impl Rule {
    /// The rule's regex over tagged sentences.
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            RegexBuilder::new(&self.pattern)
                .unicode(false)
                .case_insensitive(true)
                .build()
                .expect("a rule's syntax is checked when it is compiled")
        })
    }

    /// Drops the regex crate's search caches (a clone of a compiled regex
    /// shares its automata and starts with empty caches).
    pub fn shed_caches(&mut self) {
        if let Some(r) = self.regex.take() {
            self.regex = std::sync::OnceLock::from(r.clone());
        }
        if let Some((_, u)) = &mut self.unless {
            if let Some(r) = u.take() {
                *u = std::sync::OnceLock::from(r.clone());
            }
        }
    }

    /// Whether the rule's `unless` pattern matches the sentence.
    pub fn unless(&self, sentence: &str) -> bool {
        self.unless.as_ref().is_some_and(|(p, r)| {
            r.get_or_init(|| TextRegex::new(p).expect("`unless` syntax is checked"))
                .is_match(sentence)
        })
    }
}

/// Mention indices of the tokens inside a captured span of a tagged
/// sentence. In list captures, a mention directly followed by `'s` or `-` is
/// a modifier and is skipped.
pub fn token_ids(span: &str, list: bool) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = span;
    while let Some(start) = rest.find(super::OPEN) {
        let after = &rest[start..];
        let Some(end) = after.find(super::CLOSE) else {
            break;
        };
        let token = &after[1..end];
        let tail = &after[end + 1..];
        if let Some((_, id)) = token.split_once('#') {
            if let Ok(id) = id.parse::<usize>() {
                let modifier = list && (tail.starts_with("'s ") || tail.starts_with('-'));
                if !modifier {
                    out.push(id);
                }
            }
        }
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_tokens_skip_possessive_modifiers() {
        let t = |s: &str| s.replace('⟦', "\u{1}").replace('⟧', "\u{2}");
        let s = t("⟦ORG#1⟧, ⟦NAME#2⟧'s parent company ⟦ORG#3⟧, and ⟦ORG#4⟧");
        assert_eq!(token_ids(&s, true), vec![1, 3, 4]);
        assert_eq!(token_ids(&t("⟦NAME#2⟧-parent ⟦ORG#3⟧"), true), vec![3]);
        assert_eq!(token_ids(&t("⟦ORG#7⟧"), false), vec![7]);
    }
}
