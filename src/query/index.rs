//! The sentence index behind the quotes tier: stemmed terms, the entities
//! of each sentence, which relations each sentence expresses, and which
//! sentences are modal or conditional ("would block", "if approved").
//!
//! Built once with the answerer. Until the language layer gives every
//! sentence its lemmas and event classes, this module reads the sentence
//! text itself: Snowball stems for terms, a relation's `ask` words (verb
//! forms, phrasal forms, stems) as its triggers, and a small main-clause
//! check for modality. That fallback lives here and nowhere else
//! ([`stem`], [`Triggers`], [`modal_text`], [`reason_cue`]), so switching
//! to lemmas and events touches this file only.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::config::Config;
use crate::corpus::Article;
use crate::extract::mentions::fold;
use crate::facts::FactTable;
use crate::language::tagger::Fx;

use super::understand::{word_spans, Lexicon};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// A word as a retrieval term: Snowball English stem of the lower-cased
/// word ("rejected", "rejecting" -> "reject"; "companies" -> "compani").
pub fn stem(w: &str) -> String {
    let w = w.trim_end_matches("'s").trim_end_matches('\'');
    STEMMER.stem(w).into_owned()
}

/// Suffixes a trigger word may take in a sentence ("evaluat" + "ed").
const MAX_SUFFIX: usize = 5;

/// Where a relation's trigger fired in a sentence: word positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trigger {
    /// Relation position in the config.
    pub relation: usize,
    /// First word of the trigger.
    pub start: usize,
    /// One past its last word.
    pub end: usize,
}

/// The words that show a relation. In sentences: the forms of the
/// relation's event classes (verbs with their particles, nouns, the verbs
/// that end an event: "pull out of", "partnership with", "collapse"),
/// matched on lemmas, so "drop" finds "ruled out" and "pulled out of". In
/// questions: those forms and the relation's `ask` words. A relation with
/// no event class has no expansion: a sentence shows it only with the
/// question's own words ("revenue" is not "stock").
#[derive(Debug, Default)]
pub struct Triggers {
    /// (relation, words of the form), keyed by the first four letters of
    /// the form's first word, so a word costs one look-up.
    sentence: HashMap<String, Vec<(usize, Form)>, Fx>,
    question: HashMap<String, Vec<(usize, Form)>, Fx>,
    /// Relations with event classes.
    expanded: Vec<bool>,
}

/// A trigger form: its words and their stems.
#[derive(Debug, Clone)]
struct Form {
    words: Vec<String>,
    stems: Vec<String>,
}

impl Form {
    fn new(words: Vec<String>) -> Form {
        let stems = words.iter().map(|w| stem(w)).collect();
        Form { words, stems }
    }
}

fn key(w: &str) -> String {
    key_of(w).to_string()
}

/// [`key`] without a copy: the word's first four characters.
fn key_of(w: &str) -> &str {
    match w.char_indices().nth(4) {
        Some((end, _)) => &w[..end],
        None => w,
    }
}

/// [`stem`], remembered per thread: a sentence's lemmas are stemmed where a
/// trigger form is tried on them, and the same few thousand lemmas come
/// back sentence after sentence. Keyed by the word, never by a sentence.
fn stem_cached(w: &str) -> String {
    /// Past this many words the cache starts over (a bound on memory for
    /// a corpus of many distinct names).
    const MAX_WORDS: usize = 50_000;
    thread_local! {
        static STEMS: std::cell::RefCell<HashMap<String, String, Fx>> =
            std::cell::RefCell::new(HashMap::default());
    }
    STEMS.with(|cell| {
        let mut stems = cell.borrow_mut();
        if let Some(s) = stems.get(w) {
            return s.clone();
        }
        let s = stem(w);
        if stems.len() >= MAX_WORDS {
            stems.clear();
        }
        stems.insert(w.to_string(), s.clone());
        s
    })
}

fn form_words(form: &str) -> Vec<String> {
    form.to_lowercase()
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl Triggers {
    /// Compiles the triggers of every relation.
    pub fn new(config: &Config) -> Triggers {
        let mut t = Triggers::default();
        for (ri, r) in config.relations.iter().enumerate() {
            let forms: Vec<Vec<String>> = r
                .events
                .iter()
                .flat_map(|e| e.verbs.iter().chain(&e.nouns).chain(&e.ends))
                .map(|f| form_words(f))
                .filter(|w| !w.is_empty())
                .collect();
            t.expanded.push(!forms.is_empty());
            for words in &forms {
                let form = Form::new(words.clone());
                for table in [&mut t.sentence, &mut t.question] {
                    table
                        .entry(key(&words[0]))
                        .or_default()
                        .push((ri, form.clone()));
                }
            }
            for form in &r.ask {
                let words = form_words(form);
                // Question-only phrasing ("how much", "who said") and
                // words too short to be a verb are no triggers.
                if words.is_empty()
                    || words[0].len() < 3
                    || matches!(words[0].as_str(), "how" | "who" | "what" | "when" | "first")
                {
                    continue;
                }
                t.question
                    .entry(key(&words[0]))
                    .or_default()
                    .push((ri, Form::new(words)));
            }
        }
        t
    }

    /// Whether a relation has event classes (and so an expansion).
    pub fn expanded(&self, relation: usize) -> bool {
        self.expanded.get(relation).copied().unwrap_or(false)
    }

    /// Whether a word (or lemma) is a form of a trigger word: the same,
    /// the same stem, or a stub with a short suffix ("negotiat" + "ions").
    /// The word's stem is asked for only when it is not the form itself.
    fn word_is<'s>(
        word: &str,
        stemmed: impl FnOnce() -> &'s str,
        form: &str,
        form_stem: &str,
    ) -> bool {
        if word == form || stemmed() == form_stem {
            return true;
        }
        word.strip_prefix(form)
            .is_some_and(|rest| rest.len() <= MAX_SUFFIX && rest.chars().all(|c| c.is_alphabetic()))
    }

    /// The triggers among words (lower-cased words or lemmas) and their
    /// stems; `question` also reads the relations' question words.
    pub fn find<S: AsRef<str>>(&self, words: &[&str], stems: &[S], question: bool) -> Vec<Trigger> {
        self.find_by(words, |i| stems[i].as_ref(), question)
    }

    /// The relations (config positions) whose sentence triggers a
    /// sentence's lemmas show, ascending, each once: those of
    /// [`Triggers::find`] on the lemmas and their stems. Extraction works
    /// them out sentence by sentence, so that no sentence's lemmas need be
    /// kept for the index (they were the largest part of a corpus's
    /// sentence summaries); a lemma is stemmed only where a form is tried.
    pub fn relations_in(&self, lemmas: &[&str]) -> Vec<u16> {
        let stems = vec![std::cell::OnceCell::<String>::new(); lemmas.len()];
        let stem_at = |i: usize| stems[i].get_or_init(|| stem_cached(lemmas[i])).as_str();
        let mut out: Vec<u16> = self
            .find_by(lemmas, stem_at, false)
            .iter()
            .map(|t| u16::try_from(t.relation).expect("fewer than 65,536 relations"))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// [`Triggers::find`] with the stem of the word at a position asked
    /// for when needed.
    fn find_by<'s>(
        &self,
        words: &[&str],
        stem_at: impl Fn(usize) -> &'s str,
        question: bool,
    ) -> Vec<Trigger> {
        let table = if question {
            &self.question
        } else {
            &self.sentence
        };
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let Some(cands) = table.get(key_of(w)) else {
                continue;
            };
            for (ri, form) in cands {
                let n = form.words.len();
                if i + n > words.len() {
                    continue;
                }
                let hit = form
                    .words
                    .iter()
                    .zip(&form.stems)
                    .enumerate()
                    .all(|(k, (f, fs))| Triggers::word_is(words[i + k], || stem_at(i + k), f, fs));
                if hit
                    && !out
                        .iter()
                        .any(|t: &Trigger| t.relation == *ri && t.start == i)
                {
                    out.push(Trigger {
                        relation: *ri,
                        start: i,
                        end: i + n,
                    });
                }
            }
        }
        out
    }
}

/// The main clause of a sentence says what would, could or might happen,
/// or the sentence is a condition ("If approved, ..."). Only the clause
/// before the first subordinate marker counts: "dropped Globex, which could
/// not meet the standards" is what happened.
pub fn modal_text(lower: &str) -> bool {
    let t = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    if ["if ", "unless ", "should ", "were it "]
        .iter()
        .any(|p| t.starts_with(p))
    {
        return true;
    }
    let mut end = t.len();
    for stop in [
        ",",
        ";",
        " because ",
        " after ",
        " since ",
        " as ",
        " but ",
        " which ",
        " who ",
        " due to ",
        " while ",
        " although ",
        " though ",
    ] {
        if let Some(p) = t.find(stop) {
            end = end.min(p);
        }
    }
    let main = &t[..end];
    let words: Vec<&str> = main
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| match *w {
        "would" | "could" | "might" | "if" | "wouldn't" | "couldn't" | "might've" | "whether"
        | "unclear" | "speculation" | "speculated" | "rumored" | "rumoured" => true,
        // "may" the verb, not the month ("in May", "May 5").
        "may" => {
            let prev = if i > 0 { words[i - 1] } else { "" };
            let next = words.get(i + 1).copied().unwrap_or("");
            !matches!(
                prev,
                "in" | "of"
                    | "early"
                    | "late"
                    | "mid"
                    | "since"
                    | "until"
                    | "by"
                    | "from"
                    | "on"
                    | "this"
                    | "next"
                    | "last"
                    | "before"
                    | "after"
            ) && !next.starts_with(|c: char| c.is_ascii_digit())
                && !next.is_empty()
        }
        _ => false,
    })
}

/// "could have kept the deal alive, but it refused": after the modal part,
/// a contrast asserts what did happen, so the sentence is not only modal.
pub fn contrast_asserts(lower: &str) -> bool {
    let Some(p) = lower.find(" but ").or_else(|| lower.find(", however")) else {
        return false;
    };
    !modal_text(&lower[p + 1..].replacen("but ", "", 1))
}

/// Words and phrases that give a reason ("because", "due to", "citing").
const REASON_CUES: &[&str] = &[
    "because",
    "due to",
    "owing to",
    "citing",
    "cited",
    "after",
    "amid",
    "over concerns",
    "since",
    "as a result",
    "given",
    "lack",
    "lacked",
    "lacking",
    "failed",
    "struggled",
    "concern",
    "concerns",
    "reason",
    "reasons",
    "so that",
    "in order to",
    "fell short",
    "insufficient",
    "unable",
    "too small",
    "not good enough",
    "dissatisfied",
    "couldn't",
    "could not",
    "meant",
    "require",
    "requires",
    "required",
    "thanks to",
    "strength",
    "strengths",
    "expertise",
];

/// Whether a lower-cased sentence gives a reason.
pub fn reason_cue(lower: &str) -> bool {
    static CUES: LazyLock<aho_corasick::AhoCorasick> =
        LazyLock::new(|| aho_corasick::AhoCorasick::new(REASON_CUES).expect("reason cues compile"));
    CUES.find_overlapping_iter(lower).any(|m| {
        let (s, e) = (m.start(), m.end());
        let before = s == 0 || !lower[..s].ends_with(|ch: char| ch.is_alphanumeric());
        let after = e == lower.len() || !lower[e..].starts_with(|ch: char| ch.is_alphanumeric());
        before && after
    })
}

/// An inverted index over the corpus sentences.
#[derive(Debug, Default)]
pub struct Index {
    /// (article, sentence) per document.
    docs: Vec<(usize, usize)>,
    postings: HashMap<String, Vec<u32>>,
    /// Stems of the headlines' words (headlines are not searched).
    heading_terms: HashSet<String>,
    entity_docs: HashMap<String, Vec<u32>>,
    /// Per relation (config order), the documents that express it.
    relation_docs: Vec<Vec<u32>>,
    /// Documents whose text gives a reason.
    reasons: HashSet<u32>,
    /// (article, sentence) of every modal or conditional sentence,
    /// headlines included (facts rest on them too).
    modal: HashSet<(usize, usize)>,
    /// A sentence's document, when `docs` is not in (article, sentence)
    /// order; in order (as `build` makes it), a binary search finds it
    /// and no map of the corpus's sentences is kept.
    doc_at: Option<HashMap<(usize, usize), u32>>,
    triggers: std::sync::Arc<Triggers>,
}

impl Index {
    /// Indexes every running-text sentence.
    pub fn build(
        config: &Config,
        articles: &[Article],
        facts: &FactTable,
        lexicon: &Lexicon,
        triggers: std::sync::Arc<Triggers>,
    ) -> Index {
        let relation_at: HashMap<&str, usize> = config
            .relations
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.as_str(), i))
            .collect();
        let mut index = Index {
            triggers,
            relation_docs: vec![Vec::new(); config.relations.len()],
            ..Index::default()
        };
        let mut stems_of: HashMap<String, String> = HashMap::new();
        for (ai, a) in articles.iter().enumerate() {
            for s in &a.sentences {
                let lower = s.norm.to_lowercase();
                if modal_text(&lower) {
                    index.modal.insert((ai, s.index));
                }
                if s.heading {
                    // Not searched, but known: "apologizes to Congress" in
                    // a headline is no name the articles never use.
                    for (a, b) in word_spans(&lower) {
                        index.heading_terms.insert(stem(&lower[a..b]));
                    }
                    continue;
                }
                let Some(info) = facts.sentence_info(ai, s.index) else {
                    continue;
                };
                let id = index.docs.len() as u32;
                index.docs.push((ai, s.index));
                let spans = word_spans(&lower);
                let words: Vec<&str> = spans.iter().map(|&(a, b)| &lower[a..b]).collect();
                // Stems repeat across sentences: each distinct word is
                // stemmed once.
                for w in words.iter().copied() {
                    if !stems_of.contains_key(w) {
                        stems_of.insert(w.to_string(), stem(w));
                    }
                }
                let stems: Vec<&str> = words.iter().map(|w| stems_of[*w].as_str()).collect();
                let mut seen: HashSet<&str> = HashSet::new();
                for (w, st) in words.iter().zip(&stems) {
                    if lexicon.is_stopword(w) {
                        continue;
                    }
                    let t = lexicon.term_stemmed_ref(w, st);
                    if seen.insert(t) {
                        match index.postings.get_mut(t) {
                            Some(docs) => docs.push(id),
                            None => {
                                index.postings.insert(t.to_string(), vec![id]);
                            }
                        }
                    }
                }
                for e in &info.entities {
                    // A more specific name counts for the general one:
                    // "Gizmo Pro" is a sentence about "Gizmo" too.
                    let mut names = vec![&**e];
                    names.extend(e.match_indices(' ').map(|(i, _)| &e[..i]));
                    for n in names {
                        let docs = index.entity_docs.entry(n.to_string()).or_default();
                        if docs.last() != Some(&id) {
                            docs.push(id);
                        }
                    }
                }
                // Relations the sentence shows: its events (the language
                // layer's classes), and the classes' forms in its lemmas
                // (found at extraction), or in its words when it was not
                // parsed.
                let mut rels: Vec<usize> = info
                    .events
                    .iter()
                    .filter_map(|e| relation_at.get(&*e.class).copied())
                    .collect();
                if info.lemmatised {
                    rels.extend(info.lemma_relations.iter().map(|&r| usize::from(r)));
                } else {
                    let found = index.triggers.find(&words, &stems, false);
                    rels.extend(found.iter().map(|t| t.relation));
                }
                rels.sort_unstable();
                rels.dedup();
                for r in rels {
                    index.relation_docs[r].push(id);
                }
                if reason_cue(&lower) {
                    index.reasons.insert(id);
                }
            }
        }
        index.shrink_to_fit();
        // Sentence indices are positions in their article, so the
        // documents are in order; were they not, a map finds them.
        if !index.docs.windows(2).all(|w| w[0] < w[1]) {
            index.doc_at = Some(
                index
                    .docs
                    .iter()
                    .enumerate()
                    .map(|(d, &at)| (at, d as u32))
                    .collect(),
            );
        }
        index
    }

    /// Gives back the room the lists grew into: they are built by pushing
    /// (a list's capacity doubles as it grows, a quarter of it unused on
    /// average) and read only from then on, for the engine's lifetime.
    /// Several MB on a large corpus (tens of thousands of posting lists).
    fn shrink_to_fit(&mut self) {
        self.docs.shrink_to_fit();
        for docs in self
            .postings
            .values_mut()
            .chain(self.entity_docs.values_mut())
            .chain(self.relation_docs.iter_mut())
        {
            docs.shrink_to_fit();
        }
        self.postings.shrink_to_fit();
        self.entity_docs.shrink_to_fit();
        self.heading_terms.shrink_to_fit();
        self.reasons.shrink_to_fit();
        self.modal.shrink_to_fit();
    }

    /// Whether the corpus uses this word anywhere (as a retrieval term).
    pub fn knows(&self, term: &str) -> bool {
        self.postings.contains_key(term) || self.heading_terms.contains(term)
    }

    /// Number of indexed sentences.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// (article, sentence) of a document.
    pub fn doc(&self, d: u32) -> (usize, usize) {
        self.docs[d as usize]
    }

    /// The document of a sentence, if indexed.
    pub fn doc_of(&self, article: usize, sentence: usize) -> Option<u32> {
        match &self.doc_at {
            Some(map) => map.get(&(article, sentence)).copied(),
            None => self
                .docs
                .binary_search(&(article, sentence))
                .ok()
                .map(|d| d as u32),
        }
    }

    /// Documents containing a term, ascending.
    pub fn postings(&self, term: &str) -> &[u32] {
        self.postings.get(term).map_or(&[], |v| v.as_slice())
    }

    /// Documents mentioning an entity, ascending.
    pub fn entity_docs(&self, name: &str) -> &[u32] {
        self.entity_docs.get(name).map_or(&[], |v| v.as_slice())
    }

    /// Documents expressing a relation (config position), ascending.
    pub fn relation_docs(&self, relation: usize) -> &[u32] {
        self.relation_docs
            .get(relation)
            .map_or(&[], |v| v.as_slice())
    }

    /// Inverse document frequency of a term.
    pub fn idf(&self, term: &str) -> f64 {
        let n = self.docs.len().max(1) as f64;
        self.postings
            .get(term)
            .map_or(0.0, |p| (1.0 + n / p.len() as f64).ln())
    }

    /// The largest idf a term can have (a word in one sentence).
    pub fn max_idf(&self) -> f64 {
        (1.0 + self.docs.len().max(1) as f64).ln()
    }

    /// Whether a document's text gives a reason.
    pub fn gives_reason(&self, d: u32) -> bool {
        self.reasons.contains(&d)
    }

    /// Whether a sentence's main clause is modal or conditional.
    pub fn is_modal(&self, article: usize, sentence: usize) -> bool {
        // With the language layer: `SentenceInfo::modal`.
        self.modal.contains(&(article, sentence))
    }

    /// The relation triggers in a lower-cased text, with their byte spans;
    /// `question` also reads the relations' question words.
    pub fn triggers_in(&self, lower: &str, question: bool) -> Vec<(Trigger, (usize, usize))> {
        let spans = word_spans(lower);
        let words: Vec<&str> = spans.iter().map(|&(a, b)| &lower[a..b]).collect();
        let stems: Vec<String> = words.iter().map(|w| stem(w)).collect();
        self.triggers
            .find(&words, &stems, question)
            .into_iter()
            .map(|t| (t, (spans[t.start].0, spans[t.end - 1].1)))
            .collect()
    }

    /// Whether a relation (config position) has event classes.
    pub fn expanded(&self, relation: usize) -> bool {
        self.triggers.expanded(relation)
    }
}

/// Whether `entity` is what a relation acts on in a sentence, not merely
/// mentioned: the nearest name after the trigger ("dropped Globex"), or the
/// subject of a passive ("Globex was ruled out"), or the name a
/// trigger's noun is about ("talks with Globex collapsed"). `mentions` are
/// the byte spans of every entity named in the sentence, by name.
pub fn acted_on(
    lower: &str,
    trigger: (usize, usize),
    entity: &str,
    mentions: &[(String, (usize, usize))],
) -> bool {
    let (ts, te) = trigger;
    // After the trigger: a name in its object phrase, up to where the
    // clause ends ("dropped Globex, while Initech stayed": not Initech).
    let rest = &lower[te..];
    let clause_end = [
        ",",
        ";",
        " while ",
        " but ",
        " whereas ",
        " although ",
        " though ",
    ]
    .iter()
    .filter_map(|b| rest.find(b))
    .min()
    .map_or(lower.len(), |p| te + p);
    let in_object = mentions.iter().any(|(n, (s, _))| {
        n == entity && *s >= te && *s < clause_end && lower[te..*s].split_whitespace().count() <= 10
    });
    if in_object {
        return true;
    }
    // Before it: a passive or a noun phrase ("Initech was eliminated",
    // "talks with Globex collapsed"), the nearest name before the trigger.
    let before = mentions
        .iter()
        .filter(|(_, (_, e))| *e <= ts)
        .max_by_key(|(_, (_, e))| *e);
    if let Some((n, (s, e))) = before {
        let between = &lower[*e..ts];
        let gap = between.split_whitespace().count();
        let passive = gap <= 5
            && between.split_whitespace().any(|w| {
                matches!(
                    w,
                    "was" | "were" | "been" | "being" | "is" | "are" | "got" | "be"
                )
            });
        let pre = lower[..*s].trim_end();
        // A question's passive puts the auxiliary first ("why was Globex
        // dropped"): the name is acted on when a participle, not a gerund,
        // follows it.
        let inverted = gap <= 2
            && !lower[ts..te].ends_with("ing")
            && pre
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .is_some_and(|w| matches!(w, "was" | "were" | "is" | "are"));
        let about = gap <= 3
            && [
                "talks with",
                "deal with",
                "partnership with",
                "negotiations with",
                "agreement with",
            ]
            .iter()
            .any(|w| pre.ends_with(w));
        if n == entity && (passive || inverted || about) {
            return true;
        }
    }
    false
}

/// The byte spans of an entity's names in a lower-cased sentence.
pub fn spans_of(lower: &str, aliases: &[String]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for a in aliases {
        let a = fold(a);
        if a.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(p) = lower[from..].find(a.as_str()) {
            let s = from + p;
            let e = s + a.len();
            let ok_before = s == 0 || !lower[..s].ends_with(|c: char| c.is_alphanumeric());
            let ok_after = !lower[e..].starts_with(|c: char| c.is_alphanumeric());
            if ok_before && ok_after && !out.iter().any(|&(x, y)| s < y && x < e) {
                out.push((s, e));
            }
            from = e;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_fold_inflections() {
        assert_eq!(stem("rejected"), stem("rejecting"));
        assert_eq!(stem("companies"), stem("company"));
        assert_eq!(stem("Northwind's".to_lowercase().as_str()), "northwind");
    }

    #[test]
    fn the_relations_in_lemmas_are_those_their_triggers_give() {
        let config = crate::config::Config::embedded().unwrap();
        let t = Triggers::new(&config);
        let mut fired = 0;
        for text in [
            "northwind hold talks with globex and evaluate initech",
            "the regulator consider the negotiations before they collapse",
            "evaluations of initech",
            "nothing of note",
        ] {
            let lemmas: Vec<&str> = text.split(' ').collect();
            let stems: Vec<String> = lemmas.iter().map(|l| stem(l)).collect();
            let mut want: Vec<u16> = t
                .find(&lemmas, &stems, false)
                .iter()
                .map(|x| x.relation as u16)
                .collect();
            want.sort_unstable();
            want.dedup();
            fired += usize::from(!want.is_empty());
            assert_eq!(t.relations_in(&lemmas), want, "{text}");
        }
        assert!(fired >= 2, "the examples show some trigger");
    }

    #[test]
    fn modal_main_clauses_and_conditions() {
        assert!(modal_text("globex would block the deal."));
        assert!(modal_text("if approved, the features could launch in may."));
        assert!(modal_text("acme said it could partner with initech."));
        assert!(!modal_text(
            "acme dropped globex, which could not meet its standards."
        ));
        assert!(!modal_text(
            "acme dropped globex because it could not scale."
        ));
        assert!(!modal_text("acme will launch the product in may."));
    }

    #[test]
    fn reason_cues_are_words_not_parts_of_words() {
        assert!(reason_cue("it was dropped due to delays."));
        assert!(reason_cue("citing concerns over privacy"));
        assert!(!reason_cue("the cause was unknown afterwards"));
    }

    #[test]
    fn the_entity_acted_on_is_the_one_after_the_verb_or_before_a_passive() {
        let s = "acme dropped globex, while initech stayed in talks.";
        let m = vec![
            ("Acme".to_string(), (0, 4)),
            ("Globex".to_string(), (13, 19)),
            ("Initech".to_string(), (27, 34)),
        ];
        assert!(acted_on(s, (5, 12), "Globex", &m));
        assert!(!acted_on(s, (5, 12), "Initech", &m));
        let p = "globex was ruled out early.";
        let m = vec![("Globex".to_string(), (0, 6))];
        assert!(acted_on(p, (11, 20), "Globex", &m));
        // A question's passive, auxiliary first; a gerund is no passive.
        let q = "why was globex dropped?";
        let m = vec![("Globex".to_string(), (8, 14))];
        assert!(acted_on(q, (15, 22), "Globex", &m));
        let g = "why was globex dropping it?";
        assert!(!acted_on(g, (15, 23), "Globex", &m));
        let a = "why did globex drop it?";
        assert!(!acted_on(a, (15, 19), "Globex", &m));
    }
}
