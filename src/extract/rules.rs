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

use regex::Regex as TextRegex;
use regex_automata::meta::Regex;

use crate::config::{Config, ConfigError, RuleConfig};

use super::mentions::LITERAL_LABELS;

/// A compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// Rule name (unique).
    pub name: String,
    /// Relation it produces.
    pub relation: String,
    /// The expanded pattern.
    pub pattern: String,
    regex: std::sync::OnceLock<Regex>,
    /// The pattern as parsed when it was checked, until the regex is built
    /// from it (parsing a rule's pattern again cost a third of its build).
    hir: std::sync::Mutex<Option<regex_syntax::hir::Hir>>,
    /// Groups that hold lists of mentions.
    pub lists: Vec<String>,
    /// Veto regex over the normalised sentence.
    unless: Option<(String, std::sync::OnceLock<super::pattern::TextRegex>)>,
    /// Sets of literals every match holds one of each of, read from the
    /// pattern when it is checked (see [`RuleFilter`]).
    required: Vec<Vec<Vec<u8>>>,
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
    // One placeholder regex for every rule (compiling it per rule was a
    // twentieth of start-up).
    let placeholder =
        TextRegex::new(r"\{(?:([a-z_][a-z0-9_]*):)?([A-Z][A-Z_|]*)(\+)?\}").expect("static");
    let mut out = Vec::new();
    for relation in &config.relations {
        for rule in &relation.rules {
            out.push(compile_rule(
                &relation.name,
                rule,
                &config.macros,
                &kinds,
                &placeholder,
            )?);
        }
    }
    Ok(out)
}

fn compile_rule(
    relation: &str,
    rule: &RuleConfig,
    macros: &BTreeMap<String, String>,
    kinds: &[String],
    placeholder: &TextRegex,
) -> Result<Rule, ConfigError> {
    let err = |message: String| ConfigError::Pattern {
        what: "rule",
        name: rule.name.clone(),
        message,
    };
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
    // syntax is checked now so a bad rule is still named at start-up (only
    // a pattern past the regex crate's size limit would fail later; one
    // rule over ASCII is far below it).
    let hir = super::pattern::ascii_hir(&expanded, true).map_err(|e| err(e.to_string()))?;
    let required = required_all(&hir);
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
        hir: std::sync::Mutex::new(Some(hir)),
        lists,
        unless,
        required,
        subject: rule.subject.clone(),
        object: rule.object.clone(),
        negated: rule.negated,
    })
}

impl Rule {
    /// The rule's regex over tagged sentences.
    pub fn regex(&self) -> &Regex {
        self.regex.get_or_init(|| {
            let hir = self.hir.lock().unwrap_or_else(|e| e.into_inner()).take();
            match hir {
                // Parsed as `lean_bytes_regex` would parse the pattern.
                Some(hir) => super::pattern::lean_regex_from_hir(&hir),
                None => super::pattern::lean_bytes_regex(&self.pattern, true),
            }
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
            r.get_or_init(|| super::pattern::TextRegex::new(p).expect("`unless` syntax is checked"))
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

/// Which rules can match a tagged sentence, by the words they require.
///
/// Most sentences match no rule, and running every rule's regex (or one
/// set of all of them, a third of extraction) to learn that is costly. Each
/// rule's pattern is read for sets of literals such that every match
/// contains one literal of each set ("found", "judged", "deemed"... for a
/// rule over those verbs, and "\x01num#" if it also needs a number); one
/// Aho-Corasick pass finds which literals a sentence holds, and only rules
/// with every one of their sets present (or with no such set) are run.
/// This only skips regexes that cannot match, so the facts are the same.
#[derive(Debug, Clone)]
pub struct RuleFilter {
    literals: Option<aho_corasick::AhoCorasick>,
    /// Set ids by literal id (a literal may be in several sets).
    sets_of: Vec<Vec<usize>>,
    /// Per rule, the ids of its sets, all of which must be present; none
    /// for a rule that is always run.
    rule_sets: Vec<Vec<usize>>,
    sets: usize,
}

/// Shortest literal worth looking for: shorter ones are in most sentences.
const MIN_LITERAL: usize = 3;

impl RuleFilter {
    /// Reads every rule for its literals.
    pub fn new(rules: &[Rule]) -> RuleFilter {
        RuleFilter::from_required(rules.iter().map(|r| r.required.as_slice()))
    }

    /// A filter over any patterns, from each one's [`required_literals`].
    pub fn from_required<'a>(required: impl Iterator<Item = &'a [Vec<Vec<u8>>]>) -> RuleFilter {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut sets_of: Vec<Vec<usize>> = Vec::new();
        let mut sets: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut rule_sets = Vec::new();
        for required in required {
            let mut ids = Vec::new();
            for set in required {
                let mut set = set.clone();
                set.sort();
                let id = match sets.iter().position(|s| *s == set) {
                    Some(id) => id,
                    None => {
                        for lit in &set {
                            let k = match literals.iter().position(|l| l == lit) {
                                Some(k) => k,
                                None => {
                                    literals.push(lit.clone());
                                    sets_of.push(Vec::new());
                                    literals.len() - 1
                                }
                            };
                            sets_of[k].push(sets.len());
                        }
                        sets.push(set);
                        sets.len() - 1
                    }
                };
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            rule_sets.push(ids);
        }
        let literals = (!literals.is_empty()).then(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&literals)
                .expect("a few hundred short literals build")
        });
        RuleFilter {
            literals,
            sets_of,
            rule_sets,
            sets: sets.len(),
        }
    }

    /// Indices of the rules that may match `tagged`, ascending.
    pub fn candidates(&self, tagged: &[u8]) -> Vec<usize> {
        let mut hit = vec![false; self.sets];
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(tagged) {
                for &s in &self.sets_of[m.pattern().as_usize()] {
                    hit[s] = true;
                }
            }
        }
        (0..self.rule_sets.len())
            .filter(|&i| self.rule_sets[i].iter().all(|&s| hit[s]))
            .collect()
    }
}

impl RuleFilter {
    /// Where each literal set last occurs in `haystack`: the start of its
    /// last literal, per set (for [`RuleFilter::may_match_from`]).
    pub fn last_starts(&self, haystack: &[u8]) -> Vec<Option<usize>> {
        let mut last = vec![None; self.sets];
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(haystack) {
                for &s in &self.sets_of[m.pattern().as_usize()] {
                    last[s] = last[s].max(Some(m.start()));
                }
            }
        }
        last
    }

    /// Whether pattern `i` may match in `haystack[from..]`, given the
    /// haystack's [`RuleFilter::last_starts`]: each of its sets needs a
    /// literal starting at `from` or later.
    pub fn may_match_from(&self, i: usize, last: &[Option<usize>], from: usize) -> bool {
        self.rule_sets[i]
            .iter()
            .all(|&s| last[s].is_some_and(|at| at >= from))
    }

    /// How many patterns the filter was built for.
    pub fn len(&self) -> usize {
        self.rule_sets.len()
    }

    /// Whether it was built for none.
    pub fn is_empty(&self) -> bool {
        self.rule_sets.is_empty()
    }
}

/// Sets of literals (ASCII lower case, none shorter than [`MIN_LITERAL`])
/// such that every match of a pattern parsed by
/// [`super::pattern::ascii_hir`] contains a literal of each set.
pub fn required_literals(h: &regex_syntax::hir::Hir) -> Vec<Vec<Vec<u8>>> {
    required_all(h)
}

/// Sets of literals (ASCII lower case, none shorter than [`MIN_LITERAL`])
/// such that every match of `h` contains a literal of each set: the parts
/// of a concatenation each give theirs.
fn required_all(h: &regex_syntax::hir::Hir) -> Vec<Vec<Vec<u8>>> {
    use regex_syntax::hir::HirKind;
    let mut out = match h.kind() {
        HirKind::Capture(c) => return required_all(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => return required_all(&r.sub),
        HirKind::Concat(parts) => concat_sets(parts, required_all),
        _ => required(h).into_iter().collect(),
    };
    out.retain(|set| !set.is_empty() && set.iter().all(|l| l.len() >= MIN_LITERAL));
    out
}

/// The literal sets of a concatenation's parts, in order: runs of exact
/// parts joined into longer literals ("found " from "found" and " "), and
/// for every other part what `inner` finds in it.
fn concat_sets(
    parts: &[regex_syntax::hir::Hir],
    inner: impl Fn(&regex_syntax::hir::Hir) -> Vec<Vec<Vec<u8>>>,
) -> Vec<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut run: Option<Vec<Vec<u8>>> = None;
    for p in parts {
        match exact(p) {
            Some(set) => {
                run = Some(match run.take() {
                    None => set,
                    Some(prev) => match product(&prev, &set) {
                        Some(joined) => joined,
                        None => {
                            out.push(prev);
                            set
                        }
                    },
                });
            }
            None => {
                out.extend(run.take());
                out.extend(inner(p));
            }
        }
    }
    out.extend(run);
    out
}

/// Most strings of an exact set followed (products of alternations).
const MAX_EXACT: usize = 64;

/// Literals (ASCII lower case) one of which every match of `h` contains,
/// if such a set is known; None when any text might match.
fn required(h: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::HirKind;
    match h.kind() {
        HirKind::Literal(_) | HirKind::Class(_) => {
            exact(h).filter(|set| set.iter().all(|l| !l.is_empty()))
        }
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Alternation(branches) => {
            let mut out: Vec<Vec<u8>> = Vec::new();
            for b in branches {
                for l in required(b)? {
                    if !out.contains(&l) {
                        out.push(l);
                    }
                }
            }
            Some(out)
        }
        HirKind::Concat(parts) => {
            // Of every candidate, the one whose literals hold most letters
            // besides mention markers (a sentence naming an organisation
            // holds `\x01ORG#`), then the longest.
            let mut best: Option<Vec<Vec<u8>>> = None;
            let candidates = concat_sets(parts, |p| required(p).into_iter().collect());
            for set in candidates {
                if set.is_empty() || set.iter().any(|l| l.is_empty()) {
                    continue;
                }
                let score = |s: &Vec<Vec<u8>>| {
                    let min = |f: fn(&Vec<u8>) -> usize| s.iter().map(f).min().unwrap_or(0);
                    (min(letters), min(Vec::len))
                };
                if best.as_ref().map_or(true, |b| score(&set) > score(b)) {
                    best = Some(set);
                }
            }
            best
        }
        _ => None,
    }
}

/// Letters of a literal outside mention markers: `found \x01org#` has the
/// five of "found"; `\x02 ` none (it follows every mention).
fn letters(l: &Vec<u8>) -> usize {
    let mut n = 0;
    let mut in_marker = false;
    for &b in l {
        match b {
            b'\x01' => in_marker = true,
            b'#' | b'\x02' => in_marker = false,
            b if b.is_ascii_alphabetic() && !in_marker => n += 1,
            _ => {}
        }
    }
    n
}

/// Every string `h` matches (ASCII lower case), if they are few.
fn exact(h: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::{Class, HirKind};
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(l) => Some(vec![l.0.to_ascii_lowercase()]),
        HirKind::Class(c) => {
            let mut bytes: Vec<u8> = Vec::new();
            match c {
                Class::Bytes(b) => {
                    for r in b.iter() {
                        if usize::from(r.end() - r.start()) >= 8 {
                            return None;
                        }
                        bytes.extend(r.start()..=r.end());
                    }
                }
                Class::Unicode(u) => {
                    for r in u.iter() {
                        if !r.end().is_ascii() || (r.end() as u32 - r.start() as u32) >= 8 {
                            return None;
                        }
                        bytes.extend(r.start() as u8..=r.end() as u8);
                    }
                }
            }
            let mut lower: Vec<u8> = bytes.iter().map(u8::to_ascii_lowercase).collect();
            lower.sort_unstable();
            lower.dedup();
            // A letter in either case is one literal; a wider class is not
            // worth expanding.
            (lower.len() <= 2).then(|| lower.into_iter().map(|b| vec![b]).collect())
        }
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Repetition(r) => match (r.min, r.max) {
            (1, Some(1)) => exact(&r.sub),
            (0, Some(1)) => {
                let mut set = exact(&r.sub)?;
                if !set.iter().any(Vec::is_empty) {
                    set.push(Vec::new());
                }
                Some(set)
            }
            _ => None,
        },
        HirKind::Concat(parts) => {
            let mut out = vec![Vec::new()];
            for p in parts {
                out = product(&out, &exact(p)?)?;
            }
            Some(out)
        }
        HirKind::Alternation(branches) => {
            let mut out: Vec<Vec<u8>> = Vec::new();
            for b in branches {
                for l in exact(b)? {
                    if !out.contains(&l) {
                        out.push(l);
                    }
                }
            }
            (out.len() <= MAX_EXACT).then_some(out)
        }
    }
}

/// Each string of `a` followed by each of `b`, if not too many.
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_EXACT {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut l = x.clone();
            l.extend_from_slice(y);
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    Some(out)
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

    fn literals(pattern: &str) -> Option<Vec<String>> {
        let hir = crate::extract::pattern::ascii_hir(pattern, true).unwrap();
        required(&hir).map(|set| {
            set.iter()
                .map(|l| String::from_utf8_lossy(l).into_owned())
                .collect()
        })
    }

    #[test]
    fn required_literals_are_words_every_match_holds() {
        let org = r"\x01(?:ORG|NAME)#\d+\x02";
        assert_eq!(
            literals(&format!(r"{org} (?:\w+ly )?(?:Found|judged) {org}")).unwrap(),
            [
                "found \x01org#",
                "found \x01name#",
                "judged \x01org#",
                "judged \x01name#"
            ]
        );
        // Optional words multiply out; a mention marker is the last resort.
        assert_eq!(
            literals(&format!(r"{org} (?:has )?(?:said|says)")).unwrap(),
            ["\x02 has said", "\x02 has says", "\x02 said", "\x02 says"]
        );
        assert_eq!(
            literals(&format!(r"{org}\w+")).unwrap(),
            ["\x01org#", "\x01name#"]
        );
        // Anything may match: no literal.
        assert_eq!(literals(r"(?:rose|\w+) by"), Some(vec![" by".to_string()]));
        assert_eq!(literals(r"(?:rose|\w+)"), None);
    }

    #[test]
    fn every_part_of_a_concatenation_gives_its_literals() {
        let hir = |p: &str| crate::extract::pattern::ascii_hir(p, true).unwrap();
        let sets = |p: &str| -> Vec<Vec<String>> {
            required_all(&hir(p))
                .iter()
                .map(|set| {
                    set.iter()
                        .map(|l| String::from_utf8_lossy(l).into_owned())
                        .collect()
                })
                .collect()
        };
        assert_eq!(
            sets(
                r"\w+ (?:with|adding) (?P<value>\x01NUM#\d+\x02) (?P<topic>[\w ]*(?:models|users))"
            ),
            [
                vec![" with ", " adding "],
                vec!["\x01num#"],
                vec!["models", "users"]
            ]
        );
        // An optional part, or one with a short literal, requires nothing.
        assert_eq!(
            sets(r"(?:has )?said, \w+ (?:by|at) it"),
            [vec!["has said, ", "said, "], vec![" by it", " at it"]]
        );
        assert_eq!(sets(r"\w+,\w+ of \w+"), [vec![" of "]]);
        assert!(sets(r"(?:rose|\w+)").is_empty());
    }

    #[test]
    fn the_filter_keeps_every_rule_that_matches() {
        let config = Config::embedded().unwrap();
        let rules = compile(&config).unwrap();
        let filter = RuleFilter::new(&rules);
        let t = |s: &str| s.replace('⟦', "\u{1}").replace('⟧', "\u{2}");
        let sentences = [
            t("⟦ORG#0⟧ Found ⟦ORG#1⟧'s models lacking in quality."),
            t("⟦PERSON#0⟧ said that ⟦ORG#1⟧ will launch it."),
            t("Nothing here."),
        ];
        let mut kept = 0;
        for s in &sentences {
            let candidates = filter.candidates(s.as_bytes());
            for (i, r) in rules.iter().enumerate() {
                if r.regex().is_match(s.as_bytes()) {
                    assert!(candidates.contains(&i), "{} on {s:?}", r.name);
                    kept += 1;
                }
            }
        }
        assert!(kept >= 2, "{kept} rules matched the examples");
        assert!(filter.candidates(b"Nothing here.").len() < rules.len() / 4);
    }
}
