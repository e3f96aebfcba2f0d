//! What a question or command asks for, parsed once: the answer kind of
//! every intent and command (config strings become [`AnswerKind`] when the
//! answerer is built, and a typo is an error naming it), the compiled
//! intent patterns, and what an answering sentence must hold ([`Need`]).

use regex::Regex;

use crate::config::{Config, ConfigError, IntentConfig};

/// What an intent or a command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    /// The entities on the other side of a relation.
    List,
    /// The story's latest state.
    Status,
    /// The articles.
    Sources,
    /// Dated events in order.
    Timeline,
    /// Quotations and what someone reported.
    Quotes,
    /// Figures.
    Numbers,
    /// A deal's price (the `price` role of its event).
    Price,
    /// One entity.
    About,
    /// Reasons, with where the sources differ.
    Reason,
    /// Dates of an event.
    Date,
    /// Places and events.
    Place,
    /// Who did it, earliest first.
    Who,
    /// Yes or no.
    YesNo,
    /// One fact by id.
    Fact,
    /// A question in plain words (the `/ask` command).
    Ask,
    /// What changed since a time (`/whats-new`): answered by the live
    /// layer from its history, never here.
    WhatsNew,
    /// Add an article (`/add`): handled by the live layer, never here.
    Add,
}

impl AnswerKind {
    const ALL: [(&'static str, AnswerKind); 18] = [
        ("list", AnswerKind::List),
        ("status", AnswerKind::Status),
        ("sources", AnswerKind::Sources),
        ("timeline", AnswerKind::Timeline),
        ("quotes", AnswerKind::Quotes),
        ("numbers", AnswerKind::Numbers),
        ("price", AnswerKind::Price),
        ("about", AnswerKind::About),
        ("reason", AnswerKind::Reason),
        ("date", AnswerKind::Date),
        ("place", AnswerKind::Place),
        ("who", AnswerKind::Who),
        ("yesno", AnswerKind::YesNo),
        ("fact", AnswerKind::Fact),
        ("ask", AnswerKind::Ask),
        (crate::live::diff::ANSWER_KIND, AnswerKind::WhatsNew),
        (crate::live::add::ANSWER_KIND, AnswerKind::Add),
        // "role" reads as the facts about a person: who they are.
        ("role", AnswerKind::About),
    ];

    /// Parses a config value; `place` names where it was written.
    pub fn parse(value: &str, place: &str) -> Result<AnswerKind, ConfigError> {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == value)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|(k, _)| *k).collect();
                ConfigError::Invalid(format!(
                    "{place}: unknown answer `{value}` (one of: {})",
                    known.join(", ")
                ))
            })
    }

    /// The config spelling.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("ask", |(k, _)| k)
    }
}

/// An intent, compiled.
#[derive(Debug)]
pub struct Intent {
    /// Name (shown in answers as `intent`).
    pub name: String,
    /// What it does.
    pub kind: AnswerKind,
    /// Relations it looks in (empty: chosen by the question's words).
    pub relations: Vec<String>,
    /// Answer with subjects instead of objects.
    pub subjects: bool,
    /// Every fact of the relations, whatever the question's words.
    pub every: bool,
    /// The patterns.
    patterns: Vec<Pattern>,
}

/// An intent pattern, compiled the first time a question could match it.
///
/// A few intent patterns repeat a Unicode class up to 60 times
/// (`[\w\s\x27-]{0,60}`): each costs 2-3 MB and tens of milliseconds to
/// compile, which was most of the answerer's start-up and of the memory
/// of a one-shot `factdesk ask`. Most such patterns begin with words
/// ("where does ..."), so a question holding none of the literals a match
/// must begin with is ruled out without compiling anything.
#[derive(Debug)]
struct Pattern {
    source: String,
    /// Every match begins with one of these (None: no such finite set).
    starts: Option<Vec<String>>,
    regex: std::sync::OnceLock<Option<Regex>>,
}

impl Pattern {
    fn new(source: &str) -> Result<Pattern, String> {
        let hir = regex_syntax::Parser::new()
            .parse(source)
            .map_err(|e| e.to_string())?;
        let prefixes = regex_syntax::hir::literal::Extractor::new()
            .kind(regex_syntax::hir::literal::ExtractKind::Prefix)
            .extract(&hir);
        // A finite prefix set: every match starts with one of its literals
        // (an inexact literal is the beginning of a match, an exact one the
        // whole of it). An empty literal or bytes that are not text rule
        // nothing out.
        let starts = prefixes.literals().and_then(|lits| {
            lits.iter()
                .map(|l| {
                    std::str::from_utf8(l.as_bytes())
                        .ok()
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                })
                .collect::<Option<Vec<String>>>()
        });
        Ok(Pattern {
            source: source.to_string(),
            starts,
            regex: std::sync::OnceLock::new(),
        })
    }

    /// The compiled regex, unless `text` cannot match it.
    fn regex(&self, text: &str) -> Option<&Regex> {
        if let Some(starts) = &self.starts {
            if !starts.iter().any(|s| text.contains(s.as_str())) {
                return None;
            }
        }
        self.regex
            .get_or_init(|| match Regex::new(&self.source) {
                Ok(r) => Some(r),
                Err(e) => {
                    // The syntax was checked at load; only a size limit
                    // can fail here.
                    tracing::warn!(pattern = %self.source, error = %e, "intent pattern does not compile");
                    None
                }
            })
            .as_ref()
    }
}

impl Intent {
    fn compile(i: &IntentConfig) -> Result<Intent, ConfigError> {
        let patterns = i
            .patterns
            .iter()
            .map(|p| {
                Pattern::new(p).map_err(|message| ConfigError::Pattern {
                    what: "intent",
                    name: i.name.clone(),
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Intent {
            name: i.name.clone(),
            kind: AnswerKind::parse(&i.answer, &format!("intent `{}`", i.name))?,
            relations: i.relations.clone(),
            subjects: i.subjects,
            every: i.every,
            patterns,
        })
    }

    /// Whether the intent matches a lower-cased question.
    pub fn matches(&self, lower: &str) -> bool {
        self.patterns
            .iter()
            .any(|p| p.regex(lower).is_some_and(|r| r.is_match(lower)))
    }

    /// The span of the `who` group ("what did <who> say"), if any.
    pub fn who(&self, lower: &str) -> Option<(usize, usize)> {
        self.patterns.iter().find_map(|p| {
            p.regex(lower)?
                .captures(lower)
                .and_then(|c| c.name("who"))
                .map(|m| (m.start(), m.end()))
        })
    }
}

/// Compiles every intent, and checks every command's answer kind; all
/// errors are reported together.
pub fn compile(config: &Config) -> Result<(Vec<Intent>, Vec<AnswerKind>), ConfigError> {
    let mut errors = Vec::new();
    let mut intents = Vec::new();
    for i in &config.query.intents {
        match Intent::compile(i) {
            Ok(x) => intents.push(x),
            Err(e) => errors.push(e),
        }
    }
    let mut commands = Vec::new();
    for c in &config.commands {
        match AnswerKind::parse(&c.answer, &format!("command `{}`", c.name)) {
            Ok(k) => commands.push(k),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok((intents, commands)),
        1 => Err(errors.remove(0)),
        _ => Err(ConfigError::Invalid(
            errors
                .iter()
                .map(|e| {
                    e.to_string()
                        .trim_start_matches("invalid config: ")
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join("; "),
        )),
    }
}

/// What an answering sentence must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anything relevant.
    Any,
    /// A date ("when").
    Date,
    /// A number, percentage or amount ("how many").
    Figure,
    /// An amount of money ("how much does it cost").
    Money,
    /// A person or company the question does not name ("who", "which").
    Entity,
    /// A reason ("why"), in the sentence or the next one.
    Reason,
}

/// What a sentence must contain to answer this lower-cased question.
pub fn need_of(lower: &str) -> Need {
    let cost = ["cost", "price", "priced", "pay", "worth", "spend", "fee"];
    let word = |w: &str| {
        lower
            .split(|ch: char| !ch.is_alphanumeric())
            .any(|x| x == w)
    };
    if lower.starts_with("when")
        || lower.contains("what date")
        || lower.contains("what day")
        || lower.contains("what year")
    {
        Need::Date
    } else if lower.starts_with("how much")
        || lower.starts_with("how many")
        || lower.contains("what percent")
        || lower.starts_with("how big")
        || lower.starts_with("how large")
    {
        if cost.iter().any(|c| word(c)) {
            Need::Money
        } else {
            Need::Figure
        }
    } else if lower.starts_with("why") || word("why") || lower.starts_with("how come") {
        Need::Reason
    } else if lower.starts_with("who") || lower.starts_with("which") {
        Need::Entity
    } else {
        Need::Any
    }
}

/// Whether a question asks what happened, rather than what would, could or
/// will happen: only then do modal sentences not answer it.
pub fn asks_what_happened(lower: &str) -> bool {
    !lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .any(|w| {
            matches!(
                w,
                "would" | "could" | "might" | "may" | "will" | "if" | "can" | "should" | "won't"
            )
        })
}

/// Auxiliaries that put the question word in the object slot ("who did
/// Northwind sue?").
const OBJECT_AUX: [&str; 11] = [
    "did", "does", "do", "will", "would", "can", "could", "should", "might", "may", "must",
];

/// Whether the question word is the agent of the question's verb ("who
/// sued ...", "which regulators objected ...", "who has approved ..."),
/// not its patient ("who did X sue", "which companies were dropped").
/// `irregular` lists verbs' base forms then their other forms, as the
/// language file's grammar does ("buy bought").
pub fn asks_agent(lower: &str, irregular: &[String]) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let is_aux = |w: &str| {
        OBJECT_AUX.contains(&w)
            || matches!(
                w,
                "was" | "were" | "is" | "are" | "be" | "been" | "has" | "have" | "had"
            )
    };
    let past = |w: &str| {
        w.ends_with("ed")
            || irregular
                .iter()
                .any(|l| l.split_whitespace().skip(1).any(|f| f == w))
    };
    let verb_at = match words.first() {
        Some(&"who") => 1,
        // "which regulators objected": up to three words of the noun
        // phrase, then the verb.
        Some(&"which") | Some(&"what") => {
            match (1..words.len().min(5)).find(|&i| is_aux(words[i]) || past(words[i])) {
                Some(i) if i > 1 => i,
                _ => return false,
            }
        }
        _ => return false,
    };
    let Some(&verb) = words.get(verb_at) else {
        return false;
    };
    let next = words.get(verb_at + 1).copied().unwrap_or("");
    let after = words.get(verb_at + 2).copied().unwrap_or("");
    match verb {
        w if OBJECT_AUX.contains(&w) => false,
        // "who is suing": active; "which firms were dropped": passive.
        "was" | "were" | "is" | "are" | "be" => next.ends_with("ing"),
        "has" | "have" | "had" if next == "been" => after.ends_with("ing"),
        "has" | "have" | "had" => past(next) || next.ends_with("en"),
        _ => true,
    }
}

/// The kind of answer a "which <noun>" question names ("which judge",
/// "which regulators" -> "regulator"), singular.
pub fn asked_noun(lower: &str) -> Option<String> {
    let mut words = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty());
    if !matches!(words.next(), Some("which") | Some("what")) {
        return None;
    }
    let w = words.next()?;
    if OBJECT_AUX.contains(&w) || matches!(w, "was" | "were" | "is" | "are" | "has" | "have") {
        return None;
    }
    let singular = if let Some(s) = w.strip_suffix("ies") {
        format!("{s}y")
    } else if w.ends_with("ss") {
        w.to_string()
    } else {
        w.strip_suffix('s').unwrap_or(w).to_string()
    };
    Some(singular)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intent_patterns_compile_only_for_questions_that_can_match_and_agree_with_the_regex() {
        let config = Config::embedded().unwrap();
        let (intents, _) = compile(&config).unwrap();
        let questions = [
            "who did northwind reject",
            "where does the deal stand",
            "how did the talks unfold",
            "what did globex pay for initech",
            "what was the deal worth",
            "do the sources agree on why northwind dropped globex",
            "what did jane doe say about the deal",
            "why did northwind pick globex",
            "when was the partnership confirmed",
            "how much did revenue fall",
            "où en est l\u{2019}accord avec nestlé",
            "tell me about initech",
            "sources?",
            "",
        ];
        for i in &intents {
            for p in &i.patterns {
                let eager = Regex::new(&p.source).unwrap();
                for q in questions {
                    assert_eq!(
                        p.regex(q).is_some_and(|r| r.is_match(q)),
                        eager.is_match(q),
                        "{} on {q:?}",
                        p.source
                    );
                }
            }
        }
        // The costly bounded repetitions were never compiled for a
        // question that does not begin one of their matches.
        let fresh = compile(&config).unwrap().0;
        let list = fresh.iter().find(|i| i.name == "list").unwrap();
        assert!(fresh.iter().any(|i| i.matches("who did northwind reject")));
        assert!(list.matches("who did northwind reject"));
        for i in &fresh {
            for p in i.patterns.iter().filter(|p| p.source.contains("{0,60}")) {
                assert!(p.starts.is_some(), "{}", p.source);
                assert!(p.regex.get().is_none(), "{} compiled", p.source);
            }
        }
    }

    fn irregular() -> Vec<String> {
        vec!["buy bought".to_string(), "win won".to_string()]
    }

    #[test]
    fn the_question_word_is_the_agent_of_an_active_verb() {
        let irr = irregular();
        for q in [
            "who sued to block the merger",
            "which regulators objected to the deal",
            "which judge blocked the deal in federal court",
            "who has approved the deal",
            "who is suing globex",
            "who bought initech",
            "which us regulator won the case",
        ] {
            assert!(asks_agent(q, &irr), "{q}");
        }
        for q in [
            "who did northwind sue",
            "which companies were dropped",
            "who was chosen",
            "what did the court decide",
            "which firms has northwind been talking to",
            "why did the judge block the deal",
            "who is the ceo of globex",
        ] {
            assert!(!asks_agent(q, &irr), "{q}");
        }
    }

    #[test]
    fn a_which_question_names_the_kind_it_wants() {
        assert_eq!(
            asked_noun("which regulators objected").as_deref(),
            Some("regulator")
        );
        assert_eq!(asked_noun("which judge ruled").as_deref(), Some("judge"));
        assert_eq!(
            asked_noun("which companies were dropped").as_deref(),
            Some("company")
        );
        assert_eq!(asked_noun("what did the court decide"), None);
        assert_eq!(asked_noun("who sued"), None);
    }

    #[test]
    fn a_mistyped_answer_kind_is_an_error_naming_it() {
        let e = AnswerKind::parse("lsit", "intent `who`").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("lsit") && msg.contains("intent `who`"),
            "{msg}"
        );
        assert_eq!(AnswerKind::parse("yesno", "x").unwrap(), AnswerKind::YesNo);
    }

    #[test]
    fn needs_follow_the_question_word() {
        assert_eq!(need_of("when did it launch"), Need::Date);
        assert_eq!(need_of("how much does it cost"), Need::Money);
        assert_eq!(need_of("why was globex dropped"), Need::Reason);
        assert_eq!(need_of("who did acme pick"), Need::Entity);
        assert!(asks_what_happened("who did acme pick"));
        assert!(!asks_what_happened("who would block the deal"));
    }
}
