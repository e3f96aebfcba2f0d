//! The default [`PosTagger`]: the `english-pos-tagger` model run on compact
//! tables of ours.
//!
//! The crate is a Brill-style tagger: a lexicon proposes candidate tags per
//! word, 272 context rules rewrite them from the neighbours, and WordNet's
//! morphology gives lemmas. Run as shipped it costs about 1.5 us a word
//! (every rule condition is a regex over freshly allocated strings) and its
//! first use parses 2 MB of JSON. [`LexiconTagger`] gives the same tags and
//! lemmas from two tables generated from the crate's own data
//! (`tagger/lexicon.tsv`: the 13,462 lexicon words with their candidate
//! tags and lemmas; `tagger/rules.tsv`: the context rules;
//! `tools/gen-tagger-tables.py` regenerates both): rules are tested as
//! string comparisons, nothing is allocated per rule. Words the lexicon
//! does not know get the crate's guess from word shape and WordNet, and
//! their lemmas, from a third table (`tagger/wordnet.tsv`: WordNet's words
//! with their word classes and Morphy's exceptions) searched in place, once
//! per distinct word. The crate itself is never run: its first use parsed
//! 2 MB of JSON and compiled 272 regexes, 17 MB and a good part of start-up.
//!
//! The test `same_tags_as_the_crate` holds the two to the same output on
//! every seed and fixture sentence.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, OnceLock};

use super::PosTagger;

mod morphy;

const LEXICON: &str = include_str!("tagger/lexicon.tsv");
const RULES: &str = include_str!("tagger/rules.tsv");
/// Sorted by bytes, one word a line, no header: binary-searched in place.
const WORDNET: &str = include_str!("tagger/wordnet.tsv");

/// One lexicon word: candidate tags (most frequent first) and lemmas.
#[derive(Debug, Clone)]
struct Entry {
    tags: Vec<&'static str>,
    verb: Option<Box<str>>,
    noun: Option<Box<str>>,
    adj: Option<Box<str>>,
}

/// Which token field a condition reads.
#[derive(Debug, Clone, Copy)]
enum Field {
    Pos,
    Normal,
    Value,
}

/// A condition's pattern: the source tables' regexes are almost all
/// alternations of anchored literals (`^is$|^are$`).
#[derive(Debug)]
enum Pattern {
    Any(Vec<&'static str>),
    /// `..ing$`: at least two characters, then "ing".
    TwoThenIng,
    /// `^.$`: exactly one character.
    OneChar,
    Regex(regex::Regex),
}

impl Pattern {
    fn parse(src: &'static str) -> Pattern {
        // `PRP$$` is `PRP$` in the source's JavaScript regexes.
        let alternatives: Option<Vec<&'static str>> = src
            .split('|')
            .map(|a| {
                let a = a.strip_prefix('^')?;
                let a = a.strip_suffix("$$").or_else(|| a.strip_suffix('$'))?;
                (!a.contains(['.', '^', '$', '(', ')', '[', ']', '*', '+', '?', '\\'])).then_some(a)
            })
            .collect();
        match (alternatives, src) {
            (Some(a), _) => Pattern::Any(a),
            (None, "..ing$") => Pattern::TwoThenIng,
            (None, "^.$") => Pattern::OneChar,
            (None, _) => Pattern::Regex(
                regex::Regex::new(&src.replace("$$", "$")).expect("tagger rule pattern compiles"),
            ),
        }
    }

    fn matches(&self, s: &str) -> bool {
        match self {
            Pattern::Any(a) => a.contains(&s),
            Pattern::TwoThenIng => s.ends_with("ing") && s.chars().count() >= 5,
            Pattern::OneChar => s.chars().count() == 1,
            Pattern::Regex(r) => r.is_match(s),
        }
    }
}

#[derive(Debug)]
struct Condition {
    /// Inclusive range of offsets from the current token (one offset for a
    /// single-position test).
    from: i32,
    to: i32,
    test: Test,
}

/// What a condition asks of a token.
#[derive(Debug)]
enum Test {
    /// Its tag is one of these (bits by tag id): most conditions on tags.
    Tags(u64),
    /// Its normal form is one of these words (by word id).
    Words(Box<[u16]>),
    /// Any other test, on the field's text.
    Text(Field, Pattern),
}

impl Condition {
    fn holds(&self, tok: &Tok<'_>, tag: u8, word: u16) -> bool {
        match &self.test {
            Test::Tags(bits) => tag < 64 && bits >> tag & 1 == 1,
            Test::Words(ids) => word != NO_WORD && ids.contains(&word),
            Test::Text(field, pattern) => pattern.matches(tok.field(*field)),
        }
    }
}

#[derive(Debug)]
struct Rule {
    conditions: Vec<Condition>,
    /// The words one of which the current token must be, when a condition
    /// says so (most rules of the word tables): checked before the rest,
    /// it rules out nearly every such rule at once.
    gate: Option<Box<[u16]>>,
    will_be: &'static str,
    /// `will_be`'s tag id.
    will_be_id: u8,
}

/// The four rule tables in the order they run, each indexed by the
/// current tag's id.
type RuleSet = Vec<Vec<Rule>>;

/// Tag id of a tag no rule names.
const NO_TAG: u8 = u8::MAX;
/// Word id of a word no rule tests.
const NO_WORD: u16 = u16::MAX;

/// The FxHash mix (as in rustc): the tables below are our own static data,
/// looked up a few times per word, where std's SipHash (built to resist
/// keys chosen to collide, which fixed tables need not) was a tenth of
/// tagging. Only lookups: no order depends on it.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type Fx = std::hash::BuildHasherDefault<FxHasher>;

struct Tables {
    lexicon: HashMap<&'static str, Entry, Fx>,
    rules: Vec<RuleSet>,
    /// The tags the rules name (current, new or tested), by id: a token's
    /// tag is looked up once, not once per table and per condition.
    tag_ids: HashMap<&'static str, u8, Fx>,
    /// The words the rules test by their normal form, by id.
    word_ids: HashMap<&'static str, u16, Fx>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(Tables::load);

impl Tables {
    fn load() -> Tables {
        let mut lexicon = HashMap::with_capacity_and_hasher(14_000, Fx::default());
        for line in LEXICON.lines().filter(|l| !l.starts_with('#')) {
            let mut f = line.split('\t');
            let (Some(word), Some(tags)) = (f.next(), f.next()) else {
                continue;
            };
            let mut lemma = || {
                f.next()
                    .filter(|l| !l.is_empty())
                    .map(|l| l.to_string().into_boxed_str())
            };
            let (verb, noun, adj) = (lemma(), lemma(), lemma());
            lexicon.insert(
                word,
                Entry {
                    tags: tags.split(',').collect(),
                    verb,
                    noun,
                    adj,
                },
            );
        }
        let mut rules: Vec<RuleSet> = Vec::new();
        let mut table_names: Vec<&str> = Vec::new();
        let mut tag_ids: HashMap<&'static str, u8, Fx> = HashMap::default();
        let mut word_ids: HashMap<&'static str, u16, Fx> = HashMap::default();
        let mut tag_id = |tag: &'static str| -> u8 {
            let next = tag_ids.len();
            *tag_ids
                .entry(tag)
                .or_insert_with(|| u8::try_from(next).expect("fewer than 255 tags"))
        };
        for line in RULES.lines().filter(|l| !l.starts_with('#')) {
            let f: Vec<&'static str> = line.split('\t').collect();
            let [table, pos, will_be, conditions] = f[..] else {
                continue;
            };
            if table_names.last() != Some(&table) {
                table_names.push(table);
                rules.push(RuleSet::default());
            }
            let conditions: Vec<Condition> = conditions
                .split(" && ")
                .map(|c| {
                    let mut p = c.splitn(4, ':');
                    let (op, field, at, pattern) = (
                        p.next().unwrap_or(""),
                        p.next().unwrap_or(""),
                        p.next().unwrap_or(""),
                        p.next().unwrap_or(""),
                    );
                    let (from, to) = match (op, at.split_once("..")) {
                        ("1", Some((a, b))) => (a.parse().unwrap_or(0), b.parse().unwrap_or(0)),
                        _ => {
                            let d = at.parse().unwrap_or(0);
                            (d, d)
                        }
                    };
                    let field = match field {
                        "pos" => Field::Pos,
                        "normal" => Field::Normal,
                        _ => Field::Value,
                    };
                    let test = match (field, Pattern::parse(pattern)) {
                        (Field::Pos, Pattern::Any(tags)) => {
                            let ids: Vec<u8> = tags.iter().map(|t| tag_id(t)).collect();
                            if ids.iter().all(|&i| i < 64) {
                                Test::Tags(ids.iter().fold(0, |bits, &i| bits | 1 << i))
                            } else {
                                Test::Text(field, Pattern::Any(tags))
                            }
                        }
                        (Field::Normal, Pattern::Any(words)) => Test::Words(
                            words
                                .iter()
                                .map(|w| {
                                    let next = word_ids.len();
                                    *word_ids.entry(*w).or_insert_with(|| {
                                        u16::try_from(next).expect("fewer than 65535 words")
                                    })
                                })
                                .collect(),
                        ),
                        (field, pattern) => Test::Text(field, pattern),
                    };
                    Condition { from, to, test }
                })
                .collect();
            let gate = conditions.iter().find_map(|c: &Condition| match &c.test {
                Test::Words(ids) if c.from == 0 && c.to == 0 => Some(ids.clone()),
                _ => None,
            });
            let current = usize::from(tag_id(pos));
            let will_be_id = tag_id(will_be);
            if let Some(set) = rules.last_mut() {
                if set.len() <= current {
                    set.resize_with(current + 1, Vec::new);
                }
                set[current].push(Rule {
                    conditions,
                    gate,
                    will_be,
                    will_be_id,
                });
            }
        }
        Tables {
            lexicon,
            rules,
            tag_ids,
            word_ids,
        }
    }
}

/// What the crate says about a word its lexicon does not know.
#[derive(Debug, Clone)]
struct Unknown {
    normal: String,
    /// In the lexicon under its normal form after all (accented words).
    known: bool,
    tags: &'static [&'static str],
    /// Lemmas as a verb, a noun and an adjective, asked for when the word
    /// ends up with such a tag (most unknown words are names and need none).
    lemmas: [OnceLock<String>; 3],
}

/// Tags and lemmas as the `english-pos-tagger` crate gives them, fast.
#[derive(Default)]
pub struct LexiconTagger {
    unknown: Mutex<HashMap<String, std::sync::Arc<Unknown>, Fx>>,
}

impl std::fmt::Debug for LexiconTagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LexiconTagger")
    }
}

/// The tag the crate gives an unknown lower-case word tagged alone: its
/// guess from word shape and WordNet (`unigram_l2`), then the context rules
/// over a one-word sentence, then its fix for years.
fn guess(word: &str) -> String {
    let tags = shape_candidates(word);
    let mut toks = [Tok {
        value: word,
        normal: word.into(),
        pos: tags[0],
        tags,
        lemmas: None,
        unknown: None,
    }];
    apply_rules(&TABLES, &mut toks);
    if is_year(word) {
        return "CD".to_string();
    }
    toks[0].pos.to_string()
}

/// The crate's candidate tags for a word neither lexicon knows: a word
/// that is not a real one is a name; a real one takes the tag of its
/// longest known suffix, or JJ as "un-" and a lexicon word. (The crate also
/// makes a capitalised location a name here; the word is lower case.)
fn shape_candidates(word: &str) -> &'static [&'static str] {
    let tag = if morphy::known(word) {
        suffix_tag(word).or_else(|| {
            word.strip_prefix("un")
                .filter(|stem| TABLES.lexicon.contains_key(stem))
                .map(|_| "JJ")
        })
    } else {
        Some("NNP")
    };
    match tag {
        None => &["NN", "VBP", "VB"],
        Some("NNS") => &["NNS", "VBZ"],
        Some("VBN") => &["VBD", "VBN"],
        Some(t) => static_tag(t),
    }
}

/// The tag of the word's longest suffix (four characters down to one) in
/// the crate's suffix table.
fn suffix_tag(word: &str) -> Option<&'static str> {
    (1..=4).rev().find_map(|n| {
        let (i, _) = word.char_indices().rev().nth(n - 1)?;
        SUFFIXES
            .iter()
            .find(|(s, _)| *s == &word[i..])
            .map(|(_, t)| *t)
    })
}

/// Tags a single-token guess (the crate's unigram pass for an unknown
/// word) may start from, with the candidates that guess brings.
fn candidates_of(first: &str, word: &str) -> &'static [&'static str] {
    match first {
        "NNS" => &["NNS", "VBZ"],
        "VBD" | "VBN" => &["VBD", "VBN"],
        // No suffix told the crate anything: noun or verb.
        "NN" if !has_suffix_tag(word) => &["NN", "VBP", "VB"],
        other => static_tag(other),
    }
}

/// The crate's word-shape suffixes (`unknown_words.json`).
const SUFFIXES: &[(&str, &str)] = &[
    ("s", "NNS"),
    ("us", "NN"),
    ("ss", "NN"),
    ("sis", "NN"),
    ("ing", "VBG"),
    ("ed", "VBN"),
    ("ly", "RB"),
    ("al", "JJ"),
    ("ic", "JJ"),
    ("ve", "JJ"),
    ("ble", "JJ"),
    ("ous", "JJ"),
    ("ful", "JJ"),
    ("ary", "JJ"),
    ("ish", "JJ"),
    ("lar", "JJ"),
    ("ory", "JJ"),
    ("less", "JJ"),
    ("ier", "JJR"),
    ("est", "JJS"),
];

fn has_suffix_tag(word: &str) -> bool {
    (1..=4).any(|n| {
        word.char_indices()
            .rev()
            .nth(n - 1)
            .is_some_and(|(i, _)| SUFFIXES.iter().any(|(s, _)| *s == &word[i..]))
    })
}

/// A tag as a one-element static list.
fn static_tag(tag: &str) -> &'static [&'static str] {
    const ALL: &[&str] = &[
        "NNP", "NN", "NNS", "NNPS", "VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "JJ", "JJR", "JJS",
        "RB", "RBR", "RBS", "CD", "IN", "DT", "MD", "PRP", "PRP$", "CC", "FW", "UH", "RP", "WDT",
        "WP", "WP$", "WRB", "EX", "PDT", "POS", "TO", "LS", "SYM",
    ];
    match ALL.iter().position(|t| *t == tag) {
        Some(i) => std::slice::from_ref(&ALL[i]),
        None => &["NN"],
    }
}

const PUNCTUATION: &[(&str, &str)] = &[
    (".", "."),
    ("!", "."),
    ("?", "."),
    ("[", "-LRB-"),
    ("{", "-LRB-"),
    ("(", "-LRB-"),
    ("]", "-RRB-"),
    ("}", "-RRB-"),
    (")", "-RRB-"),
    (",", ","),
    (":", ":"),
    (";", ":"),
    ("--", ":"),
    ("-", "HYPH"),
    ("…", ":"),
    ("...", ":"),
    ("\"", "\""),
    ("'", "\""),
];

const LEMMA_EXCEPTIONS: &[(&str, &str)] = &[
    ("ai", "be"),
    ("ca", "can"),
    ("sha", "shall"),
    ("'ll", "will"),
    ("wo", "will"),
    ("'ve", "have"),
    ("'m", "am"),
    ("'re", "be"),
    ("n't", "not"),
    ("'d", "would"),
];

const YEARS: &[&str] = &[
    "1990s",
    "1980s",
    "1970s",
    "1960s",
    "1950s",
    "1940s",
    "1930s",
    "1910s",
    "mid-1990s",
    "mid-1980s",
    "mid-1970s",
    "mid-1960s",
    "mid-1950s",
    "mid-1940s",
    "mid-1930s",
    "mid-1920s",
    "mid-1910s",
];

/// A token while it is tagged.
struct Tok<'a> {
    value: &'a str,
    normal: std::borrow::Cow<'a, str>,
    pos: &'a str,
    tags: &'a [&'a str],
    /// Lemmas (verb, noun, adjective) of a lexicon word; None for names,
    /// numbers, punctuation and unknown words.
    lemmas: Option<(&'a str, &'a str, &'a str)>,
    /// What the crate said about a word its lexicon lacks.
    unknown: Option<&'a Unknown>,
}

impl Tok<'_> {
    fn field(&self, f: Field) -> &str {
        match f {
            Field::Pos => self.pos,
            Field::Normal => &self.normal,
            Field::Value => self.value,
        }
    }
}

/// One of [`YEARS`]: every one ends in "0s", which few words do, so most
/// words are ruled out before the list is read.
fn is_year(w: &str) -> bool {
    w.ends_with("0s") && YEARS.contains(&w)
}

/// The lemma [`LEMMA_EXCEPTIONS`] gives a word: those are all three bytes
/// or fewer, so longer words are ruled out before the list is read.
fn lemma_exception(w: &str) -> Option<&'static str> {
    if w.len() > 3 {
        return None;
    }
    LEMMA_EXCEPTIONS
        .iter()
        .find(|(k, _)| *k == w)
        .map(|(_, l)| *l)
}

fn or_word<'a>(lemma: &'a str, word: &'a str) -> &'a str {
    if lemma.is_empty() {
        word
    } else {
        lemma
    }
}

fn is_number(w: &str) -> bool {
    w.chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && w.chars().any(|c| c.is_ascii_digit())
}

impl LexiconTagger {
    /// An unknown word's lemma as a verb (0), a noun (1) or an adjective (2).
    fn unknown_lemma(&self, u: &Unknown, which: usize) -> String {
        u.lemmas[which]
            .get_or_init(|| {
                let w = u.normal.as_str();
                // The crate's lemmatiser with the word tagged VBD, NNS or JJR.
                if let Some(l) = lemma_exception(w) {
                    return l.to_string();
                }
                if is_year(w) {
                    return w.to_string();
                }
                match which {
                    0 => morphy::verb(w),
                    1 => morphy::noun(w),
                    _ => morphy::adjective(w),
                }
            })
            .clone()
    }

    /// What the crate would say about a word its lexicon does not know,
    /// worked out once.
    fn unknown(&self, value: &str) -> std::sync::Arc<Unknown> {
        let mut cache = self.unknown.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(u) = cache.get(value) {
            return u.clone();
        }
        // The crate's normal form: lower case, accents dropped.
        let normal = if value.is_ascii() {
            value.to_ascii_lowercase()
        } else {
            morphy::normalize(value)
        };
        let known = TABLES.lexicon.contains_key(normal.as_str());
        // The guess for the lower-cased word is the unigram guess: a capital
        // only turns nouns and adjectives into names after the rules.
        let first = if known { String::new() } else { guess(&normal) };
        let mut chars = value.chars();
        let capitalised = chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.next().is_some_and(|c| c.is_ascii_lowercase());
        // A word whose first WordNet sense is a location is a name when
        // capitalised ("Beijing"), whatever its suffix says.
        let location =
            capitalised && morphy::row(&normal).is_some_and(|r| r.indexed() && r.has('l'));
        let u = std::sync::Arc::new(Unknown {
            tags: if location {
                &["NNP"]
            } else {
                candidates_of(&first, &normal)
            },
            lemmas: Default::default(),
            normal,
            known,
        });
        cache.insert(value.to_string(), u.clone());
        u
    }
}

/// Whether the lexicon knows a lower-cased word as a common word (its most
/// frequent tag is no proper noun): "bank", "valley", not "nvidia".
pub fn common_word(lower: &str) -> bool {
    TABLES
        .lexicon
        .get(lower)
        .and_then(|e| e.tags.first())
        .is_some_and(|t| !t.starts_with("NNP"))
}

impl PosTagger for LexiconTagger {
    fn irregular_past(&self, lower: &str) -> Option<String> {
        if TABLES.lexicon.contains_key(lower) || lower.ends_with("ed") || lower.ends_with('s') {
            return None;
        }
        let base = morphy::verb(lower);
        (base != lower).then_some(base)
    }

    fn common_plural(&self, lower: &str) -> Option<String> {
        let e = TABLES.lexicon.get(lower)?;
        (e.tags.first() == Some(&"NNS")).then(|| e.noun.as_deref().unwrap_or(lower).to_string())
    }

    fn tag(&self, words: &[Option<&str>]) -> Vec<(String, String)> {
        let tables = &*TABLES;
        use std::borrow::Cow;
        // Lower case without allocating for the words already in it.
        fn lower(w: &str) -> Cow<'_, str> {
            if w.bytes().any(|b| b.is_ascii_uppercase()) || !w.is_ascii() {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        }
        enum Word<'w> {
            Name,
            Number(&'w str),
            Punct(&'w str),
            Known(&'w str, Cow<'w, str>, &'static Entry),
            Unknown(&'w str, std::sync::Arc<Unknown>),
        }
        let kinds: Vec<Word> = words
            .iter()
            .map(|w| match w {
                None => Word::Name,
                Some(w) if is_number(w) => Word::Number(w),
                Some(w) if !w.chars().any(char::is_alphanumeric) => Word::Punct(w),
                Some(w) => {
                    let l = lower(w);
                    match tables.lexicon.get(l.as_ref()).filter(|_| w.is_ascii()) {
                        Some(e) => Word::Known(w, l, e),
                        None => Word::Unknown(w, self.unknown(w)),
                    }
                }
            })
            .collect();
        let mut toks: Vec<Tok> = kinds
            .iter()
            .map(|k| match k {
                Word::Name => Tok {
                    value: "Name",
                    normal: "name".into(),
                    pos: "NNP",
                    tags: &[],
                    lemmas: None,
                    unknown: None,
                },
                Word::Number(w) => Tok {
                    value: w,
                    normal: lower(w),
                    pos: "CD",
                    tags: &[],
                    lemmas: None,
                    unknown: None,
                },
                Word::Punct(w) => {
                    let pos = PUNCTUATION
                        .iter()
                        .find(|(p, _)| p == w)
                        .map_or(*w, |(_, t)| *t);
                    // Its only candidate is its own tag, so no rule changes it.
                    Tok {
                        value: w,
                        normal: lower(w),
                        pos,
                        tags: &[],
                        lemmas: None,
                        unknown: None,
                    }
                }
                Word::Known(w, l, e) => Tok::from_entry(w, l.as_ref().into(), e),
                Word::Unknown(w, u) if u.known => Tok::from_entry(
                    w,
                    u.normal.as_str().into(),
                    &tables.lexicon[u.normal.as_str()],
                ),
                Word::Unknown(w, u) => Tok {
                    value: w,
                    normal: u.normal.as_str().into(),
                    pos: u.tags[0],
                    tags: u.tags,
                    lemmas: None,
                    unknown: Some(u),
                },
            })
            .collect();
        apply_rules(tables, &mut toks);
        toks.iter()
            .map(|t| {
                let w: &str = &t.normal;
                let cap = t.value.starts_with(|c: char| c.is_ascii_uppercase());
                let mut pos = t.pos;
                if is_year(w) {
                    pos = "CD";
                }
                if let Some(l) = lemma_exception(w) {
                    return (pos.to_string(), l.to_string());
                }
                // An empty lemma in the table is the word itself.
                let lemma_as = |which: usize| -> String {
                    match (t.unknown, t.lemmas) {
                        (Some(u), _) => self.unknown_lemma(u, which),
                        (None, Some(l)) => or_word([l.0, l.1, l.2][which], w).to_string(),
                        (None, None) => w.to_string(),
                    }
                };
                let lemma = match pos.as_bytes().first() {
                    Some(b'J') if cap => {
                        pos = "NNP";
                        w.to_string()
                    }
                    Some(b'J') if pos.len() > 2 => lemma_as(2),
                    Some(b'V') if pos.len() > 2 && w == "'s" => "be".to_string(),
                    Some(b'V') if pos.len() > 2 => lemma_as(0),
                    Some(b'N') if cap => {
                        pos = "NNP";
                        w.to_string()
                    }
                    Some(b'N') if pos != "NNP" && pos.len() > 2 => lemma_as(1),
                    Some(b'M') => lemma_as(0),
                    _ => w.to_string(),
                };
                (pos.to_string(), lemma)
            })
            .collect()
    }
}

/// Runs the four context-rule tables over tagged tokens, in order: a rule
/// of the token's current tag whose conditions all hold moves it to the
/// rule's tag, when that tag is one of the token's candidates.
fn apply_rules(tables: &Tables, toks: &mut [Tok<'_>]) {
    // Each token's tag and normal form by id, looked up once: what most
    // conditions compare.
    let mut tags: Vec<u8> = toks
        .iter()
        .map(|t| tables.tag_ids.get(t.pos).copied().unwrap_or(NO_TAG))
        .collect();
    let words: Vec<u16> = toks
        .iter()
        .map(|t| tables.word_ids.get(&*t.normal).copied().unwrap_or(NO_WORD))
        .collect();
    // Each token's candidate tags as bits by id (tags no rule names have
    // none, and no rule moves a token to them).
    let candidates: Vec<u64> = toks
        .iter()
        .map(|t| {
            t.tags
                .iter()
                .filter_map(|c| tables.tag_ids.get(c))
                .filter(|&&id| id < 64)
                .fold(0, |bits, &id| bits | 1 << id)
        })
        .collect();
    for set in &tables.rules {
        for i in 0..toks.len() {
            // A rule only moves a token to one of its candidate tags, and a
            // token starts on its first: with one candidate (or none, as
            // names, numbers and punctuation) no rule can change it.
            if toks[i].tags.len() < 2 {
                continue;
            }
            let Some(rules) = set.get(usize::from(tags[i])) else {
                continue;
            };
            for rule in rules {
                if rule.gate.as_ref().is_some_and(|g| !g.contains(&words[i])) {
                    continue;
                }
                // A rule whose tag the token cannot take does nothing
                // whether it fires or not: no need to test its conditions.
                let can_take = if rule.will_be_id < 64 {
                    candidates[i] >> rule.will_be_id & 1 == 1
                } else {
                    toks[i].tags.contains(&rule.will_be)
                };
                if !can_take {
                    continue;
                }
                let fires = rule.conditions.iter().all(|c| {
                    (c.from..=c.to).any(|d| {
                        let Some(at) = i.checked_add_signed(d as isize) else {
                            return false;
                        };
                        toks.get(at)
                            .is_some_and(|t| c.holds(t, tags[at], words[at]))
                    })
                });
                if fires {
                    toks[i].pos = rule.will_be;
                    tags[i] = rule.will_be_id;
                    break;
                }
            }
        }
    }
}

impl<'a> Tok<'a> {
    fn from_entry(value: &'a str, normal: std::borrow::Cow<'a, str>, e: &'a Entry) -> Tok<'a> {
        let w = |l: &'a Option<Box<str>>| -> &'a str { l.as_deref().unwrap_or("") };
        Tok {
            value,
            normal,
            pos: e.tags[0],
            tags: &e.tags,
            lemmas: Some((w(&e.verb), w(&e.noun), w(&e.adj))),
            unknown: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::corpus::Reader;
    use crate::language::EmbeddedTagger;

    /// Every sentence of the seeds and the fixtures, as the reader splits
    /// them, with the language file's examples.
    fn sentences() -> Vec<String> {
        let config = Config::embedded().unwrap();
        let reader = Reader::new(&config.corpus).unwrap();
        let mut out = Vec::new();
        for (name, bytes) in crate::EMBEDDED_SEEDS {
            let a = reader.parse_bytes(name, bytes).unwrap();
            out.extend(a.sentences.into_iter().map(|s| s.norm.to_string()));
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "txt" || x == "md") {
                    let text = std::fs::read_to_string(&p).unwrap_or_default();
                    if let Ok(a) = reader.parse("fixture.txt", &text) {
                        out.extend(a.sentences.into_iter().map(|s| s.norm.to_string()));
                    }
                }
            }
        }
        for r in &config.relations {
            for e in &r.events {
                out.extend(e.examples.iter().chain(&e.counterexamples).cloned());
            }
        }
        out
    }

    #[test]
    fn same_tags_as_the_crate() {
        let (fast, slow) = (LexiconTagger::default(), EmbeddedTagger::default());
        let mut words_seen = 0;
        for s in sentences() {
            let spans = super::super::split(&s, &[]);
            let words: Vec<Option<&str>> = spans.iter().map(|(r, _)| Some(&s[r.clone()])).collect();
            // And with capitalised words standing for mentions, as the
            // extractor passes them.
            let named: Vec<Option<&str>> = words
                .iter()
                .enumerate()
                .map(|(i, w)| w.filter(|w| i == 0 || !w.starts_with(char::is_uppercase)))
                .collect();
            for ws in [&words, &named] {
                let (a, b) = (fast.tag(ws), slow.tag(ws));
                for (k, (x, y)) in a.iter().zip(&b).enumerate() {
                    assert_eq!(x, y, "word {k} {:?} of {s:?}", ws[k]);
                }
                assert_eq!(a.len(), b.len());
                words_seen += ws.len();
            }
        }
        assert!(words_seen > 10_000, "{words_seen} words compared");
    }

    /// The crate's own answer for a word tagged alone (`pos`: taken as
    /// that tag, for its lemma).
    fn crate_probe(
        t: &english_pos_tagger::Tagger,
        value: &str,
        pos: Option<&str>,
    ) -> english_pos_tagger::Token {
        let mut tok = english_pos_tagger::Token::new(value, "word");
        if let Some(p) = pos {
            tok.entity_type = Some("word".into());
            tok.pos = Some(p.into());
        }
        t.tag(vec![tok]).pop().unwrap()
    }

    #[test]
    fn unknown_words_get_the_crate_guess_and_lemmas() {
        let crate_tagger = english_pos_tagger::Tagger::new();
        let mut words: Vec<String> = Vec::new();
        for (i, line) in WORDNET.lines().enumerate().filter(|(i, _)| i % 37 == 0) {
            let w = line.split('\t').next().unwrap();
            words.push(w.to_string());
            if i % 74 == 0 {
                for affix in ["s", "es", "ed", "ing", "er", "est", "ies", "ly", "ness"] {
                    words.push(format!("{w}{affix}"));
                }
                words.push(format!("un{w}"));
            }
        }
        words.extend(
            [
                "zenquor",
                "quorlumi",
                "1990s",
                "mid-1980s",
                "geese",
                "ran",
                "better",
                "aaa",
                "crises",
            ]
            .map(String::from),
        );
        let mut compared = 0;
        for w in words
            .iter()
            .filter(|w| !TABLES.lexicon.contains_key(w.as_str()))
        {
            let want = crate_probe(&crate_tagger, w, None).pos.unwrap();
            assert_eq!(guess(w), want, "tag of {w:?}");
            for (which, pos) in ["VBD", "NNS", "JJR"].iter().enumerate() {
                let want = crate_probe(&crate_tagger, w, Some(pos))
                    .lemma
                    .unwrap_or(w.clone());
                let u = Unknown {
                    normal: w.clone(),
                    known: false,
                    tags: &[],
                    lemmas: Default::default(),
                };
                assert_eq!(
                    LexiconTagger::default().unknown_lemma(&u, which),
                    want,
                    "{pos} lemma of {w:?}"
                );
            }
            compared += 1;
        }
        assert!(compared > 2_000, "{compared} words compared");
        for w in ["Nestlé", "ZÜRICH", "São"] {
            let want = crate_probe(&crate_tagger, w, None).normal.unwrap();
            assert_eq!(morphy::normalize(w), want);
        }
    }

    #[test]
    fn rule_patterns() {
        assert!(Pattern::parse("^is$|^are$").matches("are"));
        assert!(!Pattern::parse("^is$|^are$").matches("area"));
        assert!(Pattern::parse("^PRP$$").matches("PRP"));
        assert!(!Pattern::parse("^PRP$$").matches("PRP$"));
        assert!(Pattern::parse("^PRP$$|^NN$").matches("NN"));
        assert!(Pattern::parse("..ing$").matches("doing"));
        assert!(!Pattern::parse("..ing$").matches("ing"));
        assert!(Pattern::parse("^.$").matches(","));
        assert!(Pattern::parse("^U.S.$").matches("U.S."));
    }
}
