//! Mention tagging: finds entities, dates, figures and quotations in a
//! sentence and resolves what news writing leaves implicit.
//!
//! Order matters and is fixed: quotations first (rules must not read inside
//! them), then gazetteer aliases and descriptions, money, percentages, dates,
//! plain numbers, then proper names the gazetteer does not know, then
//! pronouns. A later tag never overlaps an earlier one. The tagged sentence
//! replaces each mention with a token such as `⟦ORG#3⟧`, which is what the
//! relation rules match.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::pattern::{Captures, TextRegex as Regex, TextRegexSet};

use crate::config::{Config, ConfigError};
use crate::date::{days_in_month, month_from_name, weekday_from_name, Date};

/// What a mention is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tag {
    /// An entity with its canonical name and kind label (ORG, PERSON, ...).
    Entity {
        /// Canonical name.
        name: String,
        /// Kind label, upper-case.
        kind: String,
    },
    /// A reference to be resolved ("it", "the company") of a kind.
    Pronoun(String),
    /// A date, resolved against the article's date where it was relative.
    Date(Option<Date>),
    /// A percentage.
    Percent,
    /// An amount of money.
    Money,
    /// Another number.
    Number,
    /// A quotation (the text inside the marks).
    Quote,
}

impl Tag {
    /// The token label used in tagged sentences.
    pub fn label(&self) -> &str {
        match self {
            Tag::Entity { kind, .. } => kind,
            Tag::Pronoun(_) => "PRON",
            Tag::Date(_) => "DATE",
            Tag::Percent => "PCT",
            Tag::Money => "MONEY",
            Tag::Number => "NUM",
            Tag::Quote => "QUOTE",
        }
    }
}

/// A tagged span of a normalised sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte start in the normalised sentence.
    pub start: usize,
    /// Byte end.
    pub end: usize,
    /// What it is.
    pub tag: Tag,
    /// The surface text.
    pub text: String,
}

/// Kind labels that are entities (for `{ENT}`).
pub const LITERAL_LABELS: &[&str] = &["DATE", "PCT", "MONEY", "NUM", "QUOTE", "PRON"];

/// Compiled tagging rules.
// Clone: a clone's regexes share the compiled automata with empty search
// caches (see `Extractor::shed_caches`).
#[derive(Debug, Clone)]
pub struct Tagger {
    aliases: Option<Regex>,
    alias_map: HashMap<String, usize>,
    entities: Vec<(String, String)>,
    descriptions: Vec<(Regex, usize)>,
    /// One pass telling which descriptions and pronouns occur at all
    /// (descriptions first, then pronouns; most sentences have few), so
    /// only those are searched.
    reference_set: TextRegexSet,
    pronouns: Vec<(Regex, String)>,
    quote: Regex,
    money: Regex,
    percent: Regex,
    date: Regex,
    number: Regex,
    word: Regex,
    not_names: HashSet<String>,
    joiners: HashSet<String>,
    org_suffixes: HashSet<String>,
    roles: Option<Regex>,
    discover: Vec<(String, Regex, String)>,
    /// The literals each discovery pattern needs (see
    /// [`super::rules::RuleFilter`]): a sentence without them is not searched.
    discover_literals: super::rules::RuleFilter,
    hedges: Option<Regex>,
    attributions: Vec<Regex>,
}

/// Names learnt from the corpus with their kinds (from discovery patterns).
pub type Learnt = BTreeMap<String, String>;

const NAME: &str = r"[A-Z][\w&'.-]*[\w&]|[a-z]+[A-Z][\w&-]*|[A-Z]";

impl Tagger {
    /// Compiles the gazetteer and tagging rules.
    pub fn new(config: &Config) -> Result<Tagger, ConfigError> {
        let bad = |what: &'static str, name: &str, e: regex::Error| ConfigError::Pattern {
            what,
            name: name.to_string(),
            message: e.to_string(),
        };
        let mut alias_map = HashMap::new();
        let mut alias_list: Vec<String> = Vec::new();
        let mut entities = Vec::new();
        let mut descriptions = Vec::new();
        for (i, e) in config.entities.iter().enumerate() {
            entities.push((e.name.clone(), e.kind.to_uppercase()));
            for a in std::iter::once(&e.name).chain(e.aliases.iter()) {
                let key = fold(a);
                if let Some(prev) = alias_map.insert(key.clone(), i) {
                    if prev != i {
                        return Err(ConfigError::Invalid(format!(
                            "alias `{a}` belongs to both `{}` and `{}`",
                            config.entities[prev].name, e.name
                        )));
                    }
                }
                alias_list.push(a.clone());
            }
            for d in &e.descriptions {
                let re = Regex::new(&format!(r"(?i)\b(?:{d})\b"))
                    .map_err(|x| bad("entity description", &e.name, x))?;
                descriptions.push((re, i));
            }
        }
        // A person is named by surname after the first mention ("Dana
        // Roe", then "Roe"): a surname no other entity or alias uses is an
        // alias too.
        let mut surnames: HashMap<String, Option<usize>> = HashMap::new();
        for (i, e) in config.entities.iter().enumerate() {
            if !e.kind.eq_ignore_ascii_case("person") {
                continue;
            }
            let Some((_, last)) = e.name.rsplit_once(' ') else {
                continue;
            };
            if last.chars().count() < 3 || !last.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            surnames
                .entry(last.to_string())
                .and_modify(|x| *x = None)
                .or_insert(Some(i));
        }
        for (last, owner) in surnames {
            let key = fold(&last);
            if let (Some(i), false) = (owner, alias_map.contains_key(&key)) {
                alias_map.insert(key, i);
                alias_list.push(last);
            }
        }
        // Longest alias first so "Acme Cloud" wins over "Acme".
        alias_list.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        alias_list.dedup();
        let aliases = if alias_list.is_empty() {
            None
        } else {
            let alts: Vec<String> = alias_list.iter().map(|a| alias_pattern(a)).collect();
            Some(
                Regex::new(&format!(r"(?i)(?:{})", alts.join("|")))
                    .map_err(|x| bad("entity alias", "gazetteer", x))?,
            )
        };
        let pronouns = config
            .tagging
            .pronouns
            .iter()
            .map(|p| {
                Regex::new(&format!(r"(?i)\b(?:{})\b", p.pattern))
                    .map(|r| (r, p.kind.to_uppercase()))
                    .map_err(|e| bad("pronoun", &p.pattern, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let words = |v: &[String]| v.iter().map(|w| w.to_lowercase()).collect::<HashSet<_>>();
        let roles = if config.tagging.roles.is_empty() {
            None
        } else {
            let alts: Vec<String> = config
                .tagging
                .roles
                .iter()
                .map(|r| regex::escape(r))
                .collect();
            Some(
                Regex::new(&format!(r"(?i)\b(?:{})$", alts.join("|")))
                    .map_err(|e| bad("role", "tagging.roles", e))?,
            )
        };
        let discover = config
            .tagging
            .discover
            .iter()
            .map(|d| {
                let names = format!(r"(?P<names>(?:{NAME})(?: (?:{NAME}))*(?:(?:, | and |, and )(?:{NAME})(?: (?:{NAME}))*)*)");
                let pat = d.pattern.replace("{NAMES}", &names).replace("{NAME}", &names);
                Regex::new(&pat).map(|r| (d.name.clone(), r, d.kind.to_uppercase())).map_err(|e| bad("rule", &d.name, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let discover_literals = super::rules::RuleFilter::from_required(
            discover
                .iter()
                .map(|(_, r, _)| {
                    // A pattern that needs Unicode to parse is always searched.
                    super::pattern::ascii_hir(r.as_str(), false)
                        .map(|h| super::rules::required_literals(&h))
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .iter()
                .map(Vec::as_slice),
        );
        let hedges = if config.tagging.hedges.is_empty() {
            None
        } else {
            Some(
                Regex::new(&format!(r"(?i)\b(?:{})\b", config.tagging.hedges.join("|")))
                    .map_err(|e| bad("hedge", "tagging.hedges", e))?,
            )
        };
        let attributions = config
            .tagging
            .attributions
            .iter()
            .map(|a| Regex::new(a).map_err(|e| bad("attribution", a, e)))
            .collect::<Result<Vec<_>, _>>()?;
        let months = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";
        let date = format!(
            r"(?i)\b(?:(?P<rel>today|yesterday|tomorrow|this (?:week|month|year)|last (?:week|month|year)|next (?:week|month|year)|the previous year|a year (?:earlier|ago))|(?:on |last |this |next )?(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:,? (?P<m5>{months})\.? (?P<d5>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<y5>\d{{4}}))?)?|(?P<d1>\d{{1,2}}) (?P<m1>{months})\.?(?:,? (?P<y1>\d{{4}}))?|(?P<m2>{months})\.?(?: (?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)?(?:,? (?P<y2>\d{{4}}))?(?P<prev> of (?:the previous|last) year)?|(?P<q>Q[1-4]|(?:first|second|third|fourth)[- ]quarter) (?P<y3>\d{{4}})|(?P<y4>(?:19|20)\d{{2}})\b)"
        );
        let reference_set = TextRegexSet::new(
            descriptions
                .iter()
                .map(|(r, _)| r.as_str())
                .chain(pronouns.iter().map(|(r, _)| r.as_str())),
        )
        .map_err(|e| bad("entity description", "gazetteer", e))?;
        Ok(Tagger {
            reference_set,
            aliases,
            alias_map,
            entities,
            descriptions,
            pronouns,
            quote: Regex::new(r#""([^"]{12,})""#).expect("static"),
            money: Regex::new(r"(?i)(?:(?:US|HK|A|C)?\$|€|£|¥|RMB ?)\d[\d,]*(?:\.\d+)?(?: ?(?:million|billion|trillion|bn|m)\b)?|\b\d[\d,]*(?:\.\d+)?(?: (?:million|billion|trillion))? (?:dollars|yuan|euros|pounds|yen)\b").expect("static"),
            percent: Regex::new(r"(?i)\b\d+(?:\.\d+)?(?: ?%| ?per ?cent\b| ?percent\b| percentage points?\b)").expect("static"),
            date: Regex::new(&date).expect("static"),
            number: Regex::new(r"(?i)\b\d[\d,]*(?:\.\d+)?(?: (?:million|billion|trillion|thousand|hundred))?\b").expect("static"),
            word: Regex::new(r"[\w&'.-]+").expect("static"),
            not_names: words(&config.tagging.not_names),
            joiners: words(&config.tagging.name_joiners),
            org_suffixes: words(&config.tagging.org_suffixes),
            roles,
            discover,
            discover_literals,
            hedges,
            attributions,
        })
    }

    /// Names (with kinds) that discovery patterns reveal in a sentence.
    pub fn discover(&self, norm: &str, learnt: &mut Learnt) -> Vec<String> {
        let mut fired = Vec::new();
        // On an ASCII sentence the patterns match as they parse without
        // Unicode, so a pattern whose literals are absent cannot match;
        // the rare other sentence is searched by every pattern.
        let literals = norm
            .is_ascii()
            .then(|| self.discover_literals.last_starts(norm.as_bytes()));
        for (i, (name, re, kind)) in self.discover.iter().enumerate() {
            if literals
                .as_ref()
                .is_some_and(|last| !self.discover_literals.may_match_from(i, last, 0))
            {
                continue;
            }
            for c in re.captures_iter(norm) {
                let Some(list) = c.name("names") else {
                    continue;
                };
                let mut any = false;
                for part in list
                    .as_str()
                    .split(", and ")
                    .flat_map(|p| p.split(", "))
                    .flat_map(|p| p.split(" and "))
                {
                    let part = part.trim().trim_end_matches("'s");
                    if part.is_empty()
                        || self.alias_map.contains_key(&fold(part))
                        || self.is_not_name(part)
                    {
                        continue;
                    }
                    // Looked up first: most names are learnt already, and an
                    // entry would copy the name to look.
                    if !learnt.contains_key(part) {
                        learnt.insert(part.to_string(), kind.clone());
                    }
                    // A person is named by surname later on ("Dana Roe",
                    // then "Roe").
                    if kind == "PERSON" {
                        if let Some((_, last)) = part.rsplit_once(' ') {
                            if !learnt.contains_key(last) && !self.is_not_name(last) {
                                learnt.insert(last.to_string(), kind.clone());
                            }
                        }
                    }
                    any = true;
                }
                if any {
                    fired.push(name.clone());
                }
            }
        }
        fired
    }

    /// Records capitalised words seen inside sentences: a lone capitalised
    /// word opening a sentence is a name only if the corpus also writes it
    /// capitalised mid-sentence ("Contoso shares fell" after "with Contoso").
    /// A word inside a longer gazetteer name ("Workers" in "Aerospace
    /// Workers") is no evidence that the word alone is a name.
    pub fn learn_words(&self, norm: &str, learnt: &mut Learnt) {
        let words = self.words(norm);
        // A word of a longer name ("Bank" in "Harbor Bank") is no name
        // of its own: "Bank shares fell" is about banks.
        let in_name = |k: usize| {
            let (start, end) = words[k];
            let next = words
                .get(k + 1)
                .filter(|&&(s, _)| norm[end..s].trim().is_empty());
            let prev = k
                .checked_sub(1)
                .map(|p| words[p])
                .filter(|&(_, e)| norm[e..start].trim().is_empty());
            [prev, next.copied()]
                .into_iter()
                .flatten()
                .any(|(s, e)| is_capitalised(clean_word(&norm[s..e])))
        };
        // Nor is a word inside a longer gazetteer name joined by small
        // words ("Pilots" in "Association of Pilots and Flight
        // Engineers").
        // Searched once, and only if a word gets that far: most sentences
        // have no capitalised word left to learn.
        let mut inside_names: Option<Vec<(usize, usize)>> = None;
        for (k, &(start, end)) in words.iter().enumerate() {
            let raw = &norm[start..end];
            let w = clean_word(raw);
            let opener = k == 0 || norm[..start].trim_end().ends_with(['"', ':', '.']);
            if opener
                || !is_capitalised(w)
                || (in_name(k) && crate::language::tagger::common_word(&w.to_lowercase()))
                || is_compound_adjective(w)
                || contains_folded(&self.not_names, w)
            {
                continue;
            }
            let spans = inside_names.get_or_insert_with(|| {
                self.aliases
                    .as_ref()
                    .map(|re| {
                        re.find_iter(norm)
                            .filter(|m| m.as_str().contains(' '))
                            .map(|m| (m.start(), m.end()))
                            .collect()
                    })
                    .unwrap_or_default()
            });
            if spans.iter().any(|&(s, e)| s <= start && end <= e) {
                continue;
            }
            if !learnt.contains_key(w) {
                learnt.insert(w.to_string(), "NAME".to_string());
            }
        }
    }

    /// The spans of `[\w&'.-]+` in a sentence: for an ASCII one (nearly
    /// all) a scan of its bytes, which finds the same runs as the regex
    /// (over ASCII, `\w` is `[0-9A-Za-z_]`) at a fraction of the cost.
    fn words(&self, norm: &str) -> Vec<(usize, usize)> {
        if !norm.is_ascii() {
            return self
                .word
                .find_iter(norm)
                .map(|m| (m.start(), m.end()))
                .collect();
        }
        let in_word =
            |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'&' | b'\'' | b'.' | b'-');
        let bytes = norm.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if !in_word(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && in_word(bytes[i]) {
                i += 1;
            }
            out.push((start, i));
        }
        out
    }

    fn is_not_name(&self, s: &str) -> bool {
        s.split(' ')
            .all(|w| self.not_names.contains(&w.to_lowercase()))
    }

    /// Whether a sentence hedges its claim ("reportedly").
    pub fn hedged(&self, norm: &str) -> bool {
        self.hedges.as_ref().is_some_and(|h| h.is_match(norm))
    }

    /// Who a sentence attributes its claim to ("according to X").
    pub fn attribution(&self, norm: &str) -> Option<String> {
        self.attributions
            .iter()
            .find_map(|r| r.captures(norm).and_then(|c| c.name("source")))
            .map(|m| m.as_str().trim().trim_end_matches(['.', ',']).to_string())
    }

    /// Tags a normalised sentence. `heading` sentences get gazetteer tags
    /// only (Title Case would make every word a name).
    pub fn tag(
        &self,
        norm: &str,
        article_date: Option<Date>,
        heading: bool,
        learnt: &Learnt,
    ) -> Vec<Mention> {
        let mut out: Vec<Mention> = Vec::new();
        let push = |out: &mut Vec<Mention>, start: usize, end: usize, tag: Tag| {
            if start >= end || out.iter().any(|m| start < m.end && m.start < end) {
                return false;
            }
            out.push(Mention {
                start,
                end,
                tag,
                text: norm[start..end].to_string(),
            });
            true
        };
        for m in self.quote.find_iter(norm) {
            push(&mut out, m.start(), m.end(), Tag::Quote);
        }
        let references = self.reference_set.matches(norm);
        let described = self.descriptions.len();
        // Descriptions first: "the Gizmo maker" holds the alias "Gizmo".
        for &d in references.iter().take_while(|&&d| d < described) {
            let (re, i) = &self.descriptions[d];
            for m in re.find_iter(norm) {
                let (name, kind) = &self.entities[*i];
                push(
                    &mut out,
                    m.start(),
                    m.end(),
                    Tag::Entity {
                        name: name.clone(),
                        kind: kind.clone(),
                    },
                );
            }
        }
        // References next: "the U.S. company" holds the alias "U.S.".
        for &p in references.iter().filter(|&&p| p >= described) {
            let (re, kind) = &self.pronouns[p - described];
            for m in re.find_iter(norm) {
                push(&mut out, m.start(), m.end(), Tag::Pronoun(kind.clone()));
            }
        }
        if let Some(re) = &self.aliases {
            for m in re.find_iter(norm) {
                let text = m.as_str();
                // Case-insensitive match, but the name must be capitalised as
                // a name is: "the Information" yes, "information" no.
                let core = strip_article(text);
                if !core.chars().next().is_some_and(|c| c.is_uppercase())
                    && !core.chars().any(|c| c.is_uppercase())
                {
                    continue;
                }
                if let Some(&i) = self.alias_map.get(&fold(text)) {
                    let (name, kind) = &self.entities[i];
                    push(
                        &mut out,
                        m.start(),
                        m.end(),
                        Tag::Entity {
                            name: name.clone(),
                            kind: kind.clone(),
                        },
                    );
                }
            }
        }
        // "Globex Inc.", "Acme Group Holding Ltd.": the legal suffix belongs
        // to the name, or it would sit between the name and its verb.
        for m in out.iter_mut() {
            if !matches!(&m.tag, Tag::Entity { kind, .. } if kind == "ORG") {
                continue;
            }
            let rest = &norm[m.end..];
            let word: String = rest
                .strip_prefix(' ')
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            if !word.is_empty() && self.org_suffixes.contains(&word.to_lowercase()) {
                let mut end = m.end + 1 + word.len();
                if norm[end..].starts_with('.') && !norm[end + 1..].trim_start().is_empty() {
                    end += 1;
                }
                m.end = end;
                m.text = norm[m.start..end].to_string();
            }
        }
        // Money, percentages and plain numbers all hold a digit (`\d`, any
        // Unicode decimal digit): most sentences have none, and one look
        // at the characters is cheaper than three scans.
        let digits = if norm.is_ascii() {
            norm.bytes().any(|b| b.is_ascii_digit())
        } else {
            norm.chars().any(char::is_numeric)
        };
        if digits {
            for m in self.money.find_iter(norm) {
                push(&mut out, m.start(), m.end(), Tag::Money);
            }
            for m in self.percent.find_iter(norm) {
                push(&mut out, m.start(), m.end(), Tag::Percent);
            }
        }
        for c in self.date.captures_iter(norm) {
            let m = c.get(0).expect("group 0");
            let d = resolve_date(&c, article_date);
            // A bare month word like "May" or "March" is only a date with a
            // day, a year or a preposition before it.
            if c.name("m2").is_some() && c.name("d2").is_none() && c.name("y2").is_none() {
                let before = norm[..m.start()]
                    .trim_end()
                    .rsplit(' ')
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                if !matches!(
                    before.as_str(),
                    "in" | "by"
                        | "until"
                        | "since"
                        | "from"
                        | "early"
                        | "late"
                        | "mid"
                        | "before"
                        | "after"
                        | "of"
                        | "through"
                ) {
                    continue;
                }
            }
            push(&mut out, m.start(), m.end(), Tag::Date(d));
        }
        if digits {
            for m in self.number.find_iter(norm) {
                push(&mut out, m.start(), m.end(), Tag::Number);
            }
        }
        if !heading {
            self.tag_names(norm, &mut out, learnt);
        }
        out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        // Every stage checks overlaps; this keeps the invariant the rules
        // and the resolver rely on even if a stage gets it wrong.
        let mut end = 0;
        out.retain(|m| {
            let keep = m.start >= end;
            if keep {
                end = m.end;
            }
            keep
        });
        out
    }

    /// Proper names the gazetteer does not know: runs of capitalised words.
    fn tag_names(&self, norm: &str, out: &mut Vec<Mention>, learnt: &Learnt) {
        let words: Vec<(usize, usize)> = self.words(norm);
        let taken =
            |s: usize, e: usize, out: &Vec<Mention>| out.iter().any(|m| s < m.end && m.start < e);
        let mut i = 0;
        let mut found = Vec::new();
        while i < words.len() {
            let (s, e) = words[i];
            let w = clean_word(&norm[s..e]);
            if !is_capitalised(w)
                || taken(s, e, out)
                || contains_folded(&self.not_names, w)
                || is_compound_adjective(w)
            {
                i += 1;
                continue;
            }
            // Extend the run over adjacent capitalised words (and joiners
            // such as "of" between two of them), stopping at punctuation.
            let mut j = i;
            let mut end = s + w.len();
            while j + 1 < words.len() {
                let gap = &norm[end..words[j + 1].0];
                let raw_cur = &norm[words[j].0..words[j].1];
                if gap != " "
                    || raw_cur.ends_with("'s")
                    || raw_cur.ends_with('.') && !raw_cur.ends_with(".S.")
                {
                    break;
                }
                let (ns, ne) = words[j + 1];
                let next = clean_word(&norm[ns..ne]);
                // A model number inside a name ("Gizmo 737 Max 9") was
                // tagged a number: the name takes it.
                let number = out.iter().any(|m| {
                    m.start == ns && m.end == ns + next.len() && matches!(m.tag, Tag::Number)
                });
                if taken(ns, ne, out) && !number {
                    break;
                }
                if is_capitalised(next) && !contains_folded(&self.not_names, next)
                    || next.chars().all(|c| c.is_ascii_digit() || c == '.') && next.len() <= 4
                {
                    j += 1;
                    end = ns + next.len();
                } else if self.joiners.contains(next)
                    && j + 2 < words.len()
                    && is_capitalised(clean_word(&norm[words[j + 2].0..words[j + 2].1]))
                    && &norm[ne..words[j + 2].0] == " "
                    && !taken(words[j + 2].0, words[j + 2].1, out)
                {
                    j += 2;
                    end = words[j].0 + clean_word(&norm[words[j].0..words[j].1]).len();
                } else {
                    break;
                }
            }
            let text = &norm[s..end];
            let sentence_start =
                norm[..s].trim().is_empty() || norm[..s].trim_end().ends_with(['"', ':']);
            let single = j == i;
            let known = learnt.get(text);
            // "Shareholders of Globex voted": a plural noun opening the
            // sentence is capitalised for that alone; the name starts after
            // the joiner.
            if sentence_start && !single && known.is_none() && learnt.get(w).is_none() {
                let joined = words
                    .get(i + 1)
                    .is_some_and(|&(a, b)| self.joiners.contains(&norm[a..b]));
                if joined && w.ends_with('s') && !w.ends_with("ss") {
                    i += 2;
                    continue;
                }
            }
            // A lone capitalised word opening the sentence is usually just
            // a capitalised word; trust it only when the corpus knows it.
            if sentence_start && single && known.is_none() {
                i = j + 1;
                continue;
            }
            let kind = match known {
                Some(k) if k != "NAME" => k.clone(),
                _ => self.guess_kind(norm, s, end),
            };
            found.push((s, end, text.to_string(), kind));
            i = j + 1;
        }
        for (s, e, text, kind) in found {
            out.retain(|m| !(matches!(m.tag, Tag::Number) && m.start >= s && m.end <= e));
            out.push(Mention {
                start: s,
                end: e,
                tag: Tag::Entity {
                    name: text.clone(),
                    kind,
                },
                text,
            });
        }
    }

    /// The kind of an unknown name from its neighbours.
    fn guess_kind(&self, norm: &str, start: usize, end: usize) -> String {
        let before = norm[..start].trim_end();
        let after = norm[end..].trim_start();
        let next_word = after
            .split([' ', ',', '.'])
            .next()
            .unwrap_or("")
            .to_lowercase();
        if self.org_suffixes.contains(&next_word) {
            return "ORG".into();
        }
        if let Some(r) = &self.roles {
            if r.is_match(before) {
                return "PERSON".into();
            }
            let appos = after.strip_prefix(", ").unwrap_or("");
            let appos = appos
                .strip_prefix("the ")
                .or_else(|| appos.strip_prefix("a "))
                .unwrap_or(appos);
            let head: String = appos.split(',').next().unwrap_or("").to_string();
            if !head.is_empty() && r.find(&head).is_some_and(|m| m.start() < 30) {
                return "PERSON".into();
            }
        }
        "NAME".into()
    }

    /// The role word right before a mention ("CEO" in "Acme CEO Jane Doe").
    pub fn role_before(&self, before: &str) -> Option<String> {
        self.roles
            .as_ref()
            .and_then(|r| r.find(before.trim_end()))
            .map(|m| m.as_str().to_string())
    }
}

/// The year of a month (and day; 0 for the whole month) written without
/// one: the occurrence nearest the article's date, as news uses them ("in
/// December" in a March article is last December; "on Jan. 5" in a
/// December article is next month). Half a year either way is a toss-up
/// that the coming one wins ("expected by September", in March): the past
/// counts half as far again.
fn nearest_year(base: Date, month: u32, day: u32) -> i32 {
    if !base.is_full() {
        return base.year;
    }
    let at = |year: i32| {
        // A whole month counts from its middle.
        let d = if day == 0 {
            15
        } else {
            day.min(days_in_month(year, month))
        };
        Date::ymd(year, month, d).map_or(i64::MAX, |d| {
            let days = d.to_days() - base.to_days();
            if days < 0 {
                -days * 3 / 2
            } else {
                days
            }
        })
    };
    [base.year, base.year - 1, base.year + 1]
        .into_iter()
        .min_by_key(|&y| at(y))
        .unwrap_or(base.year)
}

fn resolve_date(c: &Captures<'_>, base: Option<Date>) -> Option<Date> {
    if let Some(rel) = c.name("rel") {
        let b = base?;
        let r = rel.as_str().to_lowercase();
        return Some(match r.as_str() {
            "today" => b,
            "yesterday" => b.add_days(-1),
            "tomorrow" => b.add_days(1),
            "this week" => b,
            "last week" => b.add_days(-7),
            "next week" => b.add_days(7),
            "this month" => Date { day: 0, ..b },
            "last month" => {
                let d = Date { day: 1, ..b }.add_days(-1);
                Date { day: 0, ..d }
            }
            "next month" => {
                let d = Date { day: 28, ..b }.add_days(7);
                Date { day: 0, ..d }
            }
            "this year" => Date {
                year: b.year,
                month: 0,
                day: 0,
            },
            "next year" => Date {
                year: b.year + 1,
                month: 0,
                day: 0,
            },
            _ => Date {
                year: b.year - 1,
                month: 0,
                day: 0,
            },
        });
    }
    // "on Friday, Oct. 25, 2024": the date written out says which Friday.
    if let (Some(mn), Some(d)) = (c.name("m5"), c.name("d5")) {
        let m = month_from_name(mn.as_str())?;
        let day = d.as_str().parse().ok()?;
        let y = match c.name("y5").and_then(|y| y.as_str().parse().ok()) {
            Some(y) => y,
            None => nearest_year(base?, m, day),
        };
        return Date::ymd(y, m, day);
    }
    if let Some(wd) = c.name("wd") {
        let b = base?;
        let w = weekday_from_name(wd.as_str())?;
        let back = (b.weekday() as i64 - w as i64).rem_euclid(7);
        return Some(b.add_days(-back));
    }
    if let Some(d) = c.name("d1") {
        let m = month_from_name(c.name("m1")?.as_str())?;
        let day = d.as_str().parse().ok()?;
        let y = match c.name("y1").and_then(|y| y.as_str().parse().ok()) {
            Some(y) => y,
            None => nearest_year(base?, m, day),
        };
        return Date::ymd(y, m, day);
    }
    if let Some(mn) = c.name("m2") {
        let m = month_from_name(mn.as_str())?;
        let day: Option<u32> = match c.name("d2") {
            Some(d) => Some(d.as_str().parse().ok()?),
            None => None,
        };
        let y = match c.name("y2").and_then(|y| y.as_str().parse().ok()) {
            Some(y) => y,
            None if c.name("prev").is_some() => base?.year - 1,
            None => nearest_year(base?, m, day.unwrap_or(0)),
        };
        return match day {
            Some(d) => Date::ymd(y, m, d),
            None => Some(Date {
                year: y,
                month: m,
                day: 0,
            }),
        };
    }
    if let Some(y) = c.name("y3") {
        let q = c.name("q")?.as_str().to_lowercase();
        let n = match q.chars().next() {
            Some('q') => q[1..].parse::<u32>().ok()?,
            Some('f') if q.starts_with("first") => 1,
            Some('f') => 4,
            Some('s') => 2,
            _ => 3,
        };
        return Some(Date {
            year: y.as_str().parse().ok()?,
            month: n * 3,
            day: 0,
        });
    }
    let y = c.name("y4")?.as_str().parse().ok()?;
    Some(Date {
        year: y,
        month: 0,
        day: 0,
    })
}

/// Lower-cases and drops a leading article, for alias look-up.
pub fn fold(s: &str) -> String {
    strip_article(s).to_lowercase()
}

fn strip_article(s: &str) -> &str {
    for a in ["the ", "The ", "THE "] {
        if let Some(r) = s.strip_prefix(a) {
            return r;
        }
    }
    s
}

/// An alias as a regex: an optional leading "the", flexible spaces, and word
/// boundaries only where the alias itself starts or ends with a letter
/// ("U.S." ends with a dot, after which `\b` cannot match before a space).
fn alias_pattern(alias: &str) -> String {
    let bare = strip_article(alias);
    let core = regex::escape(bare)
        .replace(r"\ ", r"\s+")
        .replace(' ', r"\s+");
    let end = if bare.chars().last().is_some_and(|c| c.is_alphanumeric()) {
        r"\b"
    } else {
        ""
    };
    format!(r"\b(?:the\s+)?{core}{end}")
}

/// Whether a set of lower-case words holds `w` lower-cased, without
/// allocating for the short ASCII words that are most of them.
fn contains_folded(set: &HashSet<String>, w: &str) -> bool {
    let mut buf = [0u8; 32];
    match buf.get_mut(..w.len()) {
        Some(lower) if w.is_ascii() => {
            lower.copy_from_slice(w.as_bytes());
            lower.make_ascii_lowercase();
            std::str::from_utf8(lower).is_ok_and(|l| set.contains(l))
        }
        _ => set.contains(&w.to_lowercase()),
    }
}

fn clean_word(w: &str) -> &str {
    let w = w.strip_suffix("'s").unwrap_or(w);
    // "U.S.", "U.K.": initials keep their last period.
    let initials = w.len() >= 4
        && w.ends_with('.')
        && w.split_terminator('.')
            .all(|p| p.chars().count() == 1 && p.chars().all(|c| c.is_uppercase()));
    if initials {
        return w.trim_start_matches(['\'', '-']);
    }
    w.trim_end_matches(['.', '\'', '-'])
        .trim_start_matches(['\'', '-'])
}

/// "AI-powered", "US-listed": a capitalised word joined to a lower-case one.
fn is_compound_adjective(w: &str) -> bool {
    let mut parts = w.split('-');
    parts.next();
    parts.any(|p| p.chars().next().is_some_and(|c| c.is_lowercase()))
}

fn is_capitalised(w: &str) -> bool {
    let mut chars = w.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => true,
        // iPhone, eWEEK: lower-case first letter, capital inside.
        Some(c) if c.is_lowercase() => w.len() > 2 && chars.any(|c| c.is_uppercase()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_scan_finds_what_the_word_regex_finds() {
        let tagger = Tagger::new(&Config::embedded().unwrap()).unwrap();
        let regex = regex::Regex::new(r"[\w&'.-]+").unwrap();
        for s in [
            "Globex's U.S.-based unit, AT&T and Initech-parent Hooli rose 4.5% to $12 -- or not.",
            "  'quoted' _under_score_ ... end-",
            "Zürich-based Nestlé said “no” to Initech’s bid",
            "",
        ] {
            let want: Vec<(usize, usize)> =
                regex.find_iter(s).map(|m| (m.start(), m.end())).collect();
            assert_eq!(tagger.words(s), want, "{s:?}");
        }
    }

    #[test]
    fn a_common_word_inside_a_longer_name_is_not_learnt_alone() {
        let tagger = Tagger::new(&Config::embedded().unwrap()).unwrap();
        let mut learnt = Learnt::new();
        tagger.learn_words(
            "Depositors fled Harbor Bank, and Zentrix fell.",
            &mut learnt,
        );
        assert!(!learnt.contains_key("Bank"), "{learnt:?}");
        assert!(learnt.contains_key("Zentrix"), "{learnt:?}");
    }
}
