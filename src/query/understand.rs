//! Question understanding: which entities a question names (aliases, then
//! fuzzy matching for typos), which places it includes or excludes, which
//! content words it carries, and which relations its words point at.

use std::collections::{HashMap, HashSet};

use crate::config::Config;
use crate::extract::mentions::fold;
use crate::facts::FactTable;

pub use super::index::stem;

/// English function words, used when the config lists none: they carry no
/// story knowledge, only the grammar of questions.
const DEFAULT_STOPWORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "for", "by", "with", "from", "and", "or",
    "but", "is", "are", "was", "were", "be", "been", "do", "does", "did", "has", "have", "had",
    "will", "would", "can", "could", "should", "what", "which", "who", "whom", "when", "where",
    "why", "how", "that", "this", "it", "its", "they", "their", "about", "me", "you", "your", "we",
    "us", "tell", "know", "s",
];

/// Words of a question looked at for misspelt names.
const TYPO_WORDS: usize = 40;

/// An entity named in a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    /// Canonical name.
    pub name: String,
    /// Kind label (ORG, PERSON...).
    pub kind: String,
    /// Byte span in the lower-cased question.
    pub span: (usize, usize),
}

/// What a question is about.
#[derive(Debug, Clone)]
pub struct Understanding {
    /// The lower-cased question.
    pub lower: String,
    /// Entities named, in order.
    pub entities: Vec<Named>,
    /// Places the question restricts to ("in China").
    pub within: Vec<String>,
    /// Places the question excludes ("outside China").
    pub outside: Vec<String>,
    /// Content words (stemmed, synonyms folded), entities excluded.
    pub terms: Vec<String>,
    /// The question asks what happened (not what would, could or will):
    /// modal and conditional sentences do not answer it.
    pub happened: bool,
    /// Entities named as the deal's parties ("the Globex deal", "Globex's
    /// takeover", "the Globex Initech merger"): a fact about "the deal"
    /// is about them.
    pub deal_of: Vec<String>,
}

/// Entity names and aliases for question matching.
#[derive(Debug)]
pub struct Lexicon {
    /// (folded alias, canonical, kind), longest first.
    aliases: Vec<(String, String, String)>,
    /// Every alias at once (pattern id = position in `aliases`).
    matcher: aho_corasick::AhoCorasick,
    stopwords: HashSet<String>,
    /// Job titles ("ceo", "chair"): words of a question, never unknown names.
    role_words: HashSet<String>,
    synonyms: HashMap<String, String>,
    topic_words: HashSet<String>,
    /// Terms of the relations' question words ("reject", "partner").
    relation_terms: HashSet<String>,
    /// Every alias of a canonical name (folded).
    names: HashMap<String, Vec<String>>,
    /// Per relation (config order): its question words, lower-cased, with
    /// the stem of the single-word ones.
    asks: Vec<Vec<(String, Option<String>)>>,
    /// Every distinct question word of `asks` at once, and per relation,
    /// per word, its pattern: one pass over a question finds them all,
    /// where searching it once per word cost a tenth of a question.
    ask_matcher: aho_corasick::AhoCorasick,
    ask_patterns: Vec<Vec<usize>>,
    fuzzy: f64,
}

impl Lexicon {
    /// Builds the lexicon from the gazetteer and the entities the corpus has.
    pub fn new(config: &Config, facts: &FactTable) -> Lexicon {
        let mut aliases: Vec<(String, String, String)> = Vec::new();
        for e in &config.entities {
            let kind = e.kind.to_uppercase();
            for a in std::iter::once(&e.name).chain(&e.aliases) {
                aliases.push((fold(a), e.name.clone(), kind.clone()));
            }
        }
        for (name, info) in facts.entities() {
            if !info.known {
                aliases.push((fold(name), name.clone(), info.kind.clone()));
                // "Northwind" for "Northwind Motors", "Raman" for "Priya Raman".
                let words: Vec<&str> = name.split(' ').collect();
                if words.len() > 1 {
                    let short = if info.kind == "PERSON" {
                        words[words.len() - 1]
                    } else {
                        words[0]
                    };
                    if short.len() >= 4 {
                        aliases.push((fold(short), name.clone(), info.kind.clone()));
                    }
                }
            }
        }
        // "CFIUS" for the gazetteer's "Committee on Foreign Investment in
        // the United States": the acronym of exactly one name, when no name
        // has it. (A name found in the text takes its acronym in
        // extraction, where the articles use it.)
        let mut acronyms: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for e in &config.entities {
            let (name, kind) = (&e.name, e.kind.to_uppercase());
            if let Some(a) = crate::extract::acronym(name) {
                let v = acronyms.entry(fold(&a)).or_default();
                if !v.iter().any(|(n, _)| n == name) {
                    v.push((name.clone(), kind));
                }
            }
        }
        for (a, names) in acronyms {
            if let [(name, kind)] = names.as_slice() {
                if !aliases.iter().any(|(x, _, _)| *x == a) {
                    aliases.push((a, name.clone(), kind.clone()));
                }
            }
        }
        aliases.retain(|(a, _, _)| a.len() >= 2);
        aliases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        aliases.dedup_by(|a, b| a.0 == b.0);
        let mut synonyms = HashMap::new();
        for group in &config.query.synonyms {
            if let Some(head) = group.first() {
                for w in group {
                    synonyms.insert(w.to_lowercase(), stem(&head.to_lowercase()));
                }
            }
        }
        let mut names: HashMap<String, Vec<String>> = HashMap::new();
        for (alias, name, _) in &aliases {
            names.entry(name.clone()).or_default().push(alias.clone());
        }
        let relation_terms = config
            .relations
            .iter()
            .flat_map(|r| r.ask.iter())
            .flat_map(|a| {
                a.to_lowercase()
                    .split_whitespace()
                    .map(|w| match synonyms.get(w) {
                        Some(t) => t.clone(),
                        None => stem(w),
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let asks: Vec<Vec<(String, Option<String>)>> = config
            .relations
            .iter()
            .map(|r| {
                r.ask
                    .iter()
                    .map(|k| {
                        let k = k.to_lowercase();
                        let st = (!k.contains(' ')).then(|| stem(&k));
                        (k, st)
                    })
                    .collect()
            })
            .collect();
        let matcher = aho_corasick::AhoCorasick::new(aliases.iter().map(|(a, _, _)| a.as_str()))
            .expect("aliases are plain strings");
        let mut ask_words: Vec<&str> = Vec::new();
        let ask_patterns = asks
            .iter()
            .map(|words: &Vec<(String, Option<String>)>| {
                words
                    .iter()
                    .map(|(k, _)| match ask_words.iter().position(|w| w == k) {
                        // An empty word is searched for as it stands.
                        _ if k.is_empty() => usize::MAX,
                        Some(p) => p,
                        None => {
                            ask_words.push(k.as_str());
                            ask_words.len() - 1
                        }
                    })
                    .collect()
            })
            .collect();
        let ask_matcher =
            aho_corasick::AhoCorasick::new(&ask_words).expect("question words are plain strings");
        Lexicon {
            matcher,
            ask_matcher,
            ask_patterns,
            aliases,
            names,
            asks,
            relation_terms,
            role_words: config
                .tagging
                .roles
                .iter()
                .flat_map(|r| r.split_whitespace())
                .map(|w| w.to_lowercase())
                .collect(),
            stopwords: if config.query.stopwords.is_empty() {
                DEFAULT_STOPWORDS.iter().map(|w| w.to_string()).collect()
            } else {
                config
                    .query
                    .stopwords
                    .iter()
                    .map(|w| w.to_lowercase())
                    .collect()
            },
            synonyms,
            topic_words: config
                .query
                .topic_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            fuzzy: config.query.fuzzy_threshold.unwrap_or(0.8),
        }
    }

    /// Canonical names matching a partial string: prefix matches first,
    /// then substring, then fuzzy.
    pub fn complete(&self, partial: &str, limit: usize) -> Vec<String> {
        let p = fold(partial.trim());
        let mut scored: Vec<(u8, usize, String)> = Vec::new();
        for (alias, name, _) in &self.aliases {
            let rank = if p.is_empty() || alias.starts_with(&p) || fold(name).starts_with(&p) {
                0
            } else if alias.contains(&p) {
                1
            } else if p.len() >= 3 && similarity(&p, &alias[..alias.len().min(p.len() + 1)]) >= 0.6
            {
                2
            } else {
                continue;
            };
            scored.push((rank, name.len(), name.clone()));
        }
        scored.sort();
        let mut out: Vec<String> = Vec::new();
        for (_, _, n) in scored {
            if !out.contains(&n) {
                out.push(n);
            }
            if out.len() == limit {
                break;
            }
        }
        out
    }

    /// The best entity for a free string (an option value): exact alias,
    /// then fuzzy.
    pub fn resolve(&self, text: &str) -> Option<Named> {
        let u = self.understand(text);
        if let Some(e) = u.entities.into_iter().next() {
            return Some(e);
        }
        let f = fold(text.trim());
        self.aliases
            .iter()
            .map(|(a, n, k)| (similarity(&f, a), n, k))
            .filter(|(s, _, _)| *s >= self.fuzzy)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, n, k)| Named {
                name: n.clone(),
                kind: k.clone(),
                span: (0, text.len()),
            })
    }

    /// Reads a question.
    pub fn understand(&self, question: &str) -> Understanding {
        let straight = question.replace(['’', '‘'], "'");
        let lower = straight.to_lowercase();
        // A name that is also a common word ("Do" in a product's name, "Us")
        // counts only when written with a capital, past the first word: the
        // "do" of "what did Globex do?" is not a name.
        let written_as_name = |s: usize, e: usize| {
            s > 0
                && straight.len() == lower.len()
                && straight
                    .get(s..e)
                    .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
        };
        let mut entities: Vec<Named> = Vec::new();
        let taken = |s: usize, e: usize, ents: &Vec<Named>| {
            ents.iter().any(|n| s < n.span.1 && n.span.0 < e)
        };
        // Every occurrence of every alias in one pass, then taken longest
        // alias first, left to right, as long as names do not overlap.
        let mut found: Vec<(usize, usize, usize)> = self
            .matcher
            .find_overlapping_iter(lower.as_str())
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        found.sort_unstable();
        for (p, s, e) in found {
            let (_, name, kind) = &self.aliases[p];
            let before_ok = starts_word(&lower, s);
            let after = &lower[e..];
            let after_ok = after.is_empty()
                || after.starts_with("'s")
                || !after.chars().next().is_some_and(|c| c.is_alphanumeric());
            let word_ok = !self.stopwords.contains(&lower[s..e]) || written_as_name(s, e);
            if before_ok && after_ok && word_ok && !taken(s, e, &entities) {
                entities.push(Named {
                    name: name.clone(),
                    kind: kind.clone(),
                    span: (s, e),
                });
            }
        }
        // Typos: words (and word pairs) close to an alias, in the part of
        // the question a person types (a pasted wall of text is not
        // searched for typos word by word).
        let words = word_spans(&lower);
        for i in 0..words.len().min(TYPO_WORDS) {
            for len in [2usize, 1] {
                if i + len > words.len() {
                    continue;
                }
                let (s, e) = (words[i].0, words[i + len - 1].1);
                let w = &lower[s..e];
                if w.len() < 4 || taken(s, e, &entities) || self.stopwords.contains(w) {
                    continue;
                }
                let best = self
                    .aliases
                    .iter()
                    // Typos keep the first letter: "acne" is Acme, but
                    // "lobex" is not "Globex".
                    .filter(|(a, _, _)| {
                        a.len() >= 4
                            && (a.len() as i64 - w.len() as i64).abs() <= 2
                            && a.chars().next() == w.chars().next()
                    })
                    .map(|(a, n, k)| (similarity(w, a), n, k))
                    .filter(|(sc, _, _)| *sc >= self.fuzzy && *sc < 1.0)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                if let Some((_, n, k)) = best {
                    entities.push(Named {
                        name: n.clone(),
                        kind: k.clone(),
                        span: (s, e),
                    });
                }
            }
        }
        entities.sort_by_key(|n| n.span.0);
        let mut within = Vec::new();
        let mut outside = Vec::new();
        for n in entities.iter().filter(|n| n.kind == "PLACE") {
            let before = lower[..n.span.0].trim_end();
            let before = before.strip_suffix(" the").unwrap_or(before).trim_end();
            if before.ends_with("outside")
                || before.ends_with("outside of")
                || before.ends_with("beyond")
                || before.ends_with("except")
            {
                outside.push(n.name.clone());
            } else if before.ends_with(" in")
                || before.ends_with(" within")
                || before.ends_with(" for")
            {
                within.push(n.name.clone());
            }
        }
        let mut terms = Vec::new();
        for (s, e) in words {
            if taken(s, e, &entities) {
                continue;
            }
            let w = &lower[s..e];
            if self.stopwords.contains(w) || w.len() < 2 {
                continue;
            }
            let t = self.term(w);
            if !terms.contains(&t) {
                terms.push(t);
            }
        }
        let deal_of = self.deal_parties(&lower, &entities);
        Understanding {
            deal_of,
            happened: super::intent::asks_what_happened(&lower),
            lower,
            entities,
            within,
            outside,
            terms,
        }
    }

    /// The entities that modify a topic noun ("the Globex deal", "Globex's
    /// merger", "the Globex Initech merger").
    fn deal_parties(&self, lower: &str, entities: &[Named]) -> Vec<String> {
        let mut out = Vec::new();
        for (i, n) in entities.iter().enumerate() {
            let mut rest = &lower[n.span.1.min(lower.len())..];
            // "Globex Initech merger": skip the names that follow.
            for m in &entities[i + 1..] {
                let gap = m.span.0.saturating_sub(lower.len() - rest.len());
                let between = &rest[..gap.min(rest.len())];
                if between
                    .trim_start_matches(['\'', '’', 's'])
                    .trim()
                    .is_empty()
                    || between.trim() == "-"
                {
                    rest = &lower[m.span.1.min(lower.len())..];
                } else {
                    break;
                }
            }
            let rest = rest
                .strip_prefix("'s")
                .or_else(|| rest.strip_prefix("’s"))
                .unwrap_or(rest)
                .trim_start_matches([' ', '-']);
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            // "Globex's $20 billion deal": a figure may come between.
            let word = if word.is_empty() || word.chars().all(|c| c.is_ascii_digit()) {
                rest.split_whitespace()
                    .find(|w| w.chars().next().is_some_and(|c| c.is_alphabetic()))
                    .unwrap_or("")
                    .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .to_string()
            } else {
                word
            };
            if self.topic_words.contains(&word) && !out.contains(&n.name) {
                out.push(n.name.clone());
            }
        }
        out
    }

    /// A word as a retrieval term: synonym group, else its stem.
    pub fn term(&self, w: &str) -> String {
        match self.synonyms.get(w) {
            Some(t) => t.clone(),
            None => stem(w),
        }
    }

    /// [`Lexicon::term_stemmed`] without the copy.
    pub fn term_stemmed_ref<'a>(&'a self, w: &str, stemmed: &'a str) -> &'a str {
        match self.synonyms.get(w) {
            Some(t) => t,
            None => stemmed,
        }
    }

    /// [`Lexicon::term`] for a word already stemmed.
    pub fn term_stemmed(&self, w: &str, stemmed: &str) -> String {
        match self.synonyms.get(w) {
            Some(t) => t.clone(),
            None => stemmed.to_string(),
        }
    }

    /// Whether a term is one of the relations' question words: the fact's
    /// relation answers it, its wording need not repeat it.
    pub fn is_relation_word(&self, term: &str) -> bool {
        self.relation_terms.contains(term)
    }

    /// Every alias of a canonical name, folded (lower case).
    pub fn aliases_of(&self, name: &str) -> &[String] {
        self.names.get(name).map_or(&[], |v| v.as_slice())
    }

    /// Whether a word is a stopword.
    pub fn is_stopword(&self, w: &str) -> bool {
        self.stopwords.contains(w)
    }

    /// Whether a word is (part of) a job title: "CEO", "CFO".
    pub fn is_role_word(&self, w: &str) -> bool {
        self.role_words.contains(w)
            || w.strip_suffix('s')
                .is_some_and(|x| self.role_words.contains(x))
    }

    /// Scores each relation by the `ask` words found in the question; verbs
    /// right after the question word weigh more, topic nouns less. Returns
    /// the relations with the best score (empty when nothing matched).
    pub fn choose_relations(&self, config: &Config, lower: &str) -> Vec<String> {
        self.relations_tied(config, lower, true)
    }

    /// Every relation tied for the best score, event classes or not: for
    /// questions answered by a qualifier ("where was it announced"), which
    /// any of them may carry.
    pub fn choose_relations_all(&self, config: &Config, lower: &str) -> Vec<String> {
        self.relations_tied(config, lower, false)
    }

    fn relations_tied(&self, config: &Config, lower: &str, prefer_events: bool) -> Vec<String> {
        fn after_determiner(lower: &str, pos: usize) -> bool {
            // One space: more is a name blanked out ("the Globex review").
            let Some(before) = lower[..pos].strip_suffix(' ') else {
                return false;
            };
            if before.ends_with(' ') {
                return false;
            }
            before.ends_with("'s")
                || before.ends_with("’s")
                || before
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .is_some_and(|w| {
                        matches!(w, "the" | "a" | "an" | "its" | "their" | "his" | "her")
                    })
        }
        let words = word_spans(lower);
        let early_end = words.get(4).map_or(lower.len(), |w| w.1);
        let stems: Vec<(usize, String)> = words
            .iter()
            .map(|&(s, e)| (s, stem(&lower[s..e])))
            .collect();
        // Where each question word occurs, ascending.
        let mut occurs: Vec<Vec<usize>> = vec![Vec::new(); self.ask_matcher.patterns_len()];
        for m in self.ask_matcher.find_overlapping_iter(lower) {
            occurs[m.pattern().as_usize()].push(m.start());
        }
        for o in &mut occurs {
            o.sort_unstable();
        }
        // Where each relation's asks are found: as written ("evaluat" starts
        // "evaluated"), else by stem ("blocked" asks about "block").
        let found_at = |order: usize| -> Vec<(usize, bool)> {
            let asks = self.asks.get(order).map_or(&[][..], |a| a.as_slice());
            let patterns = self
                .ask_patterns
                .get(order)
                .map_or(&[][..], |a| a.as_slice());
            asks.iter()
                .zip(patterns)
                .filter_map(|((k, sk), &p)| {
                    let occurs_k = occurs.get(p).map_or(&[][..], |o| o.as_slice());
                    let pos = word_prefix_at(lower, k, occurs_k).or_else(|| {
                        let sk = sk.as_ref()?;
                        stems.iter().find(|(_, st)| st == sk).map(|(p, _)| *p)
                    })?;
                    Some((pos, k.contains(' ')))
                })
                .collect()
        };
        let all_found: Vec<Vec<(usize, bool)>> =
            (0..config.relations.len()).map(found_at).collect();
        // "launch its probe", "file a lawsuit", "open an inquiry": a light
        // verb whose object, within three words, another relation asks
        // about; the object says what the question is about.
        let light = |order: usize, pos: usize| {
            let Some(i) = words.iter().position(|w| w.0 == pos) else {
                return false;
            };
            let verb = &lower[words[i].0..words[i].1];
            LIGHT_VERBS.contains(&verb)
                && all_found.iter().enumerate().any(|(o, found)| {
                    o != order
                        && found
                            .iter()
                            .any(|(p, _)| words[i + 1..].iter().take(3).any(|w| w.0 == *p))
                })
        };
        // "allowed Globex to buy Initech", "let Globex buy": the event a
        // verb of permission governs, within four words after it, is what
        // was permitted; the question asks about the permission.
        let permitted = |order: usize, pos: usize| {
            let Some(i) = words.iter().position(|w| w.0 == pos) else {
                return false;
            };
            words[i.saturating_sub(4)..i].iter().any(|w| {
                PERMIT_VERBS.contains(&&lower[w.0..w.1])
                    && all_found
                        .iter()
                        .enumerate()
                        .any(|(o, found)| o != order && found.iter().any(|(p, _)| *p == w.0))
            })
        };
        let mut best: Vec<(f64, usize, String)> = Vec::new();
        for (order, r) in config.relations.iter().enumerate() {
            // One word of the question counts once per relation ("need"
            // and "needs" both match "needs"): the best weight wins.
            let mut at: HashMap<usize, f64> = HashMap::new();
            let _ = r;
            for &(pos, phrase) in &all_found[order] {
                let mut w: f64 = 1.0;
                if phrase {
                    w += 1.0;
                }
                if pos < early_end {
                    w += 1.0;
                }
                let word_end = lower[pos..]
                    .find(|c: char| !c.is_alphanumeric() && c != '-')
                    .map_or(lower.len(), |e| pos + e);
                if self.topic_words.contains(&lower[pos..word_end])
                    || light(order, pos)
                    || permitted(order, pos)
                {
                    w *= 0.4;
                }
                // "who did the Fed's review blame": a word after a
                // determiner or a possessive is a noun, and the question's
                // verb says more of what it asks.
                let light_object = words.iter().position(|x| x.0 == pos).is_some_and(|i| {
                    words[i.saturating_sub(3)..i]
                        .iter()
                        .any(|x| LIGHT_VERBS.contains(&&lower[x.0..x.1]))
                });
                if !phrase && !light_object && after_determiner(lower, pos) {
                    w = w.min(1.0) * 0.5;
                }
                let e = at.entry(pos).or_insert(0.0);
                *e = e.max(w);
            }
            let score: f64 = at.values().sum();
            if score > 0.0 {
                best.push((score, order, r.name.clone()));
            }
        }
        best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let top = best.first().map_or(0.0, |b| b.0);
        best.retain(|b| b.0 >= top && top > 0.0);
        // On a tie, relations read from clauses by event classes (general
        // news verbs) win over relations found only by surface patterns:
        // a keyword shared with a story's own phrasing ("approval" in
        // "awaiting approval") must not take a general question ("which
        // regulators approved") away.
        let has_events = |b: &(f64, usize, String)| {
            config
                .relations
                .get(b.1)
                .is_some_and(|r| !r.events.is_empty())
        };
        if prefer_events && best.iter().any(has_events) {
            best.retain(has_events);
        }
        best.into_iter().map(|b| b.2).collect()
    }
}

/// Verbs that take an event as their object ("launch a probe").
const LIGHT_VERBS: &[&str] = &[
    "launch", "launched", "launches", "open", "opened", "opens", "start", "started", "begin",
    "began", "file", "filed",
];

/// Verbs of permission, which take an event as their complement ("allowed
/// Globex to buy Initech").
const PERMIT_VERBS: &[&str] = &[
    "allow",
    "allowed",
    "allows",
    "allowing",
    "let",
    "lets",
    "permit",
    "permits",
    "permitted",
];

/// Byte spans of the words of a lower-cased text.
pub fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let part = c.is_alphanumeric() || c == '-' || (c == '.' && start.is_some());
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((st, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out.into_iter()
        .map(|(s0, e0)| {
            let w = &s[s0..e0];
            let t = w.trim_end_matches('.');
            (s0, s0 + t.len())
        })
        .filter(|(a, b)| b > a)
        .collect()
}

/// Position of `k` in `s` starting at a word boundary.
/// [`find_word_prefix`] from where `k` occurs in `s` (ascending), found
/// beforehand: the same search, skipping an occurrence that overlaps one
/// refused.
fn word_prefix_at(s: &str, k: &str, occurs: &[usize]) -> Option<usize> {
    if k.is_empty() {
        return find_word_prefix(s, k);
    }
    let mut from = 0;
    for &pos in occurs {
        if pos < from {
            continue;
        }
        if starts_word(s, pos) {
            return Some(pos);
        }
        from = pos + k.len();
    }
    None
}

fn find_word_prefix(s: &str, k: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = s[from..].find(k) {
        let pos = from + p;
        if starts_word(s, pos) {
            return Some(pos);
        }
        from = pos + k.len().max(1);
    }
    None
}

/// Whether a word starts at `pos`: no letter or digit just before.
pub(super) fn starts_word(s: &str, pos: usize) -> bool {
    !s[..pos]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric())
}

/// Similarity in 0..1 from the optimal string alignment distance.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return 0.0;
    }
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    1.0 - d[n][m] as f64 / n.max(m) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_words_found_beforehand_are_found_where_searching_finds_them() {
        let texts = [
            "who did northwind reject",
            "why was globex rejected after the rejection",
            "the partner's partnership partnered",
            "a-a-a a-a",
            "re-reject rejected",
            "",
        ];
        let words = ["reject", "partner", "a-a", "re", "rejected after", "z"];
        for s in texts {
            for k in words {
                let occurs: Vec<usize> = s.match_indices(k).map(|(p, _)| p).collect();
                // Every occurrence, overlapping ones too.
                let mut all: Vec<usize> = (0..s.len())
                    .filter(|&p| s.is_char_boundary(p) && s[p..].starts_with(k))
                    .collect();
                all.sort_unstable();
                assert!(occurs.iter().all(|p| all.contains(p)));
                assert_eq!(
                    word_prefix_at(s, k, &all),
                    find_word_prefix(s, k),
                    "{k:?} in {s:?}"
                );
            }
        }
    }

    #[test]
    fn stems_and_similarity() {
        assert_eq!(stem("rejected"), "reject");
        assert_eq!(stem("companies"), stem("company"));
        assert!(similarity("appel", "apple") >= 0.6);
        assert!(similarity("deepseak", "deepseek") > 0.85);
        assert!(similarity("weather", "apple") < 0.5);
    }

    #[test]
    fn a_light_verb_gives_way_to_the_event_it_takes() {
        let config = Config::embedded().unwrap();
        let lexicon = Lexicon::new(&config, &FactTable::default());
        let chosen = lexicon.choose_relations(&config, "when did the agency launch its probe");
        assert_eq!(chosen, vec!["reviewed".to_string()]);
        let chosen = lexicon.choose_relations(&config, "when did globex launch gizmo");
        assert_eq!(chosen, vec!["launched".to_string()]);
        // A relation word after a possessive is a noun; the verb asks.
        let chosen = lexicon.choose_relations(&config, "who did globex's review blame");
        assert_eq!(chosen, vec!["blamed".to_string()]);
    }

    #[test]
    fn a_name_that_is_a_common_word_needs_its_capital() {
        let mut config = Config::embedded().unwrap();
        config.entities.push(crate::config::EntityConfig {
            name: "Do".into(),
            kind: "product".into(),
            aliases: Vec::new(),
            descriptions: Vec::new(),
        });
        let lexicon = Lexicon::new(&config, &FactTable::default());
        let names = |q: &str| -> Vec<String> {
            let u = lexicon.understand(q);
            u.entities.into_iter().map(|n| n.name).collect()
        };
        assert!(names("What did Globex do?").iter().all(|n| n != "Do"));
        assert!(names("Do the articles agree?").is_empty());
        assert_eq!(names("Who makes Do?"), vec!["Do".to_string()]);
    }

    #[test]
    fn on_a_tie_relations_with_event_classes_win() {
        // "approve" is asked by `approved` (event classes) and by the
        // pattern-only `approver` ("needs approval from") alike.
        let config = Config::embedded().unwrap();
        let lexicon = Lexicon::new(&config, &FactTable::default());
        let q = "when was the approval granted";
        let tied = lexicon.choose_relations_all(&config, q);
        let chosen = lexicon.choose_relations(&config, q);
        let events = |r: &String| {
            config
                .relations
                .iter()
                .any(|c| &c.name == r && !c.events.is_empty())
        };
        assert!(
            tied.iter().any(events) && !tied.iter().all(events),
            "{tied:?}"
        );
        assert!(
            !chosen.is_empty() && chosen.iter().all(events),
            "{chosen:?}"
        );
        assert!(chosen.iter().all(|r| tied.contains(r)));
    }

    #[test]
    fn words_keep_decimals_and_hyphens() {
        let s = "qwen 2.5 e-commerce?";
        let w: Vec<&str> = word_spans(s).into_iter().map(|(a, b)| &s[a..b]).collect();
        assert_eq!(w, vec!["qwen", "2.5", "e-commerce"]);
    }
}
