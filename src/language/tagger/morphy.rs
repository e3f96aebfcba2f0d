//! WordNet's Morphy as the `english-pos-tagger` crate runs it (its
//! `lemmatize` and the WordNet tests of its unknown-word guesser), over
//! `wordnet.tsv` searched in place: nothing is loaded or allocated up
//! front, and a look-up is a binary search over the embedded text.

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

use super::WORDNET;

/// One line of `wordnet.tsv` (see `tools/gen-tagger-tables.py`).
pub(super) struct Row {
    classes: &'static str,
    verb: &'static str,
    noun: &'static str,
    adj: &'static str,
}

impl Row {
    /// Has class `c` (`w` WordNet word, `0` index 0, `a`/`n`/`v` adjective,
    /// noun, verb sense, `l` first sense a location).
    pub(super) fn has(&self, c: char) -> bool {
        self.classes.contains(c)
    }

    /// A WordNet word with a non-zero index: the crate takes index 0 for
    /// absent where it tests the index itself.
    pub(super) fn indexed(&self) -> bool {
        self.has('w') && !self.has('0')
    }

    fn has_exception(&self) -> bool {
        !(self.verb.is_empty() && self.noun.is_empty() && self.adj.is_empty())
    }
}

/// The row of `word`, if WordNet or an exception table has it.
pub(super) fn row(word: &str) -> Option<Row> {
    let text = WORDNET;
    let bytes = text.as_bytes();
    // `lo` and `hi` are always at the start of a line.
    let (mut lo, mut hi) = (0, text.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let start = bytes[..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let mut fields = line.split('\t');
        match fields.next().unwrap_or("").cmp(word) {
            Ordering::Equal => {
                let mut next = || fields.next().unwrap_or("");
                return Some(Row {
                    classes: next(),
                    verb: next(),
                    noun: next(),
                    adj: next(),
                });
            }
            Ordering::Less => lo = end + 1,
            Ordering::Greater => hi = start,
        }
    }
    None
}

fn is(word: &str, class: char) -> bool {
    row(word).is_some_and(|r| r.has(class))
}

/// The crate's normal form: lower case, decomposed, accents dropped
/// (`Nestlé` is `nestle`).
pub(super) fn normalize(s: &str) -> String {
    s.to_lowercase()
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .collect()
}

/// Whether the crate's guesser takes `word` for a real word: in WordNet
/// (index 0 aside), in an exception table, or WordNet's once an inflection
/// is stripped.
pub(super) fn known(word: &str) -> bool {
    const INFLECTIONS: &[(&str, &str)] = &[
        ("s", ""),
        ("es", ""),
        ("ies", "y"),
        ("ing", ""),
        ("ing", "e"),
        ("ed", ""),
        ("d", ""),
        ("er", ""),
        ("r", ""),
        ("est", ""),
        ("st", ""),
        ("xes", "x"),
        ("zes", "s"),
        ("ves", "f"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
    ];
    row(word).is_some_and(|r| r.indexed() || r.has_exception())
        || INFLECTIONS.iter().any(|(suffix, by)| {
            word.strip_suffix(suffix)
                .is_some_and(|stem| row(&format!("{stem}{by}")).is_some_and(|r| r.has('w')))
        })
}

/// The base form of an adjective.
pub(super) fn adjective(a: &str) -> String {
    if let Some(r) = row(a).filter(|r| !r.adj.is_empty()) {
        return r.adj.to_string();
    }
    let Some(stem) = a.strip_suffix("est").or_else(|| a.strip_suffix("er")) else {
        return a.to_string();
    };
    stem_or_e(stem, 'a').unwrap_or_else(|| a.to_string())
}

/// `stem` ("larg", "mak") or `stem` + "e" ("large", "make"), whichever
/// WordNet has in word class `class`.
fn stem_or_e(stem: &str, class: char) -> Option<String> {
    if is(stem, class) {
        return Some(stem.to_string());
    }
    let e = format!("{stem}e");
    is(&e, class).then_some(e)
}

/// The base form of a verb.
pub(super) fn verb(v: &str) -> String {
    if let Some(r) = row(v).filter(|r| !r.verb.is_empty()) {
        return r.verb.to_string();
    }
    if let Some(stem) = v.strip_suffix('s').filter(|s| is(s, 'v')) {
        return stem.to_string();
    }
    if let Some(y) = v.strip_suffix("ies").map(|s| format!("{s}y")) {
        if is(&y, 'v') {
            return y;
        }
    }
    let stem = v
        .strip_suffix("es")
        .or_else(|| v.strip_suffix("ed"))
        .or_else(|| v.strip_suffix("ing"));
    stem.and_then(|stem| stem_or_e(stem, 'v'))
        .unwrap_or_else(|| v.to_string())
}

/// The singular of a noun.
pub(super) fn noun(n: &str) -> String {
    const SUFFIXES: &[(&str, &str)] = &[
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "s"),
        ("ves", "f"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ];
    if let Some(r) = row(n).filter(|r| !r.noun.is_empty()) {
        return r.noun.to_string();
    }
    for (suffix, by) in SUFFIXES {
        if let Some(stem) = n.strip_suffix(suffix) {
            let lemma = format!("{stem}{by}");
            if lemma != n && is(&lemma, 'n') {
                return lemma;
            }
        }
    }
    n.to_string()
}
