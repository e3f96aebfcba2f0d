//! Text regexes compiled for ASCII first.
//!
//! Tagging patterns run over normalised sentences, which are nearly all
//! ASCII (typography is folded to ASCII by the reader). Over an ASCII
//! haystack a pattern's Unicode classes (`\w`, `\b`, `\d`, `(?i)`) match
//! exactly what their ASCII versions match, but they cost far more: a
//! Unicode `\w` compiles to a large UTF-8 automaton (a third of start-up
//! went to the discovery and tagging patterns) and slows the lazy DFA down
//! while it warms up. So a [`TextRegex`] compiles the pattern once with
//! Unicode off, over bytes, for ASCII sentences, and with Unicode on, on
//! first need, for the others: the matches are the same as the Unicode
//! regex's on every sentence.

use std::ops::Range;
use std::sync::OnceLock;

use regex::bytes::RegexSetBuilder;
use regex::{Regex, RegexSet};
use regex_automata::meta::Regex as ByteRegex;

/// A regex over sentences, compiled for ASCII and for Unicode, each on
/// first need: a pattern no sentence needs costs only its syntax check
/// (each compiled regex costs a fraction of a millisecond however small,
/// and start-up compiled dozens that the seeds never use).
// Clone: a clone shares the compiled automata and starts with empty search
// caches (see `Extractor::shed_caches`).
#[derive(Debug, Clone)]
pub struct TextRegex {
    pattern: String,
    /// None inside if the pattern cannot be compiled without Unicode (it
    /// names a Unicode class or a non-ASCII character in a class).
    ascii: OnceLock<Option<ByteRegex>>,
    unicode: OnceLock<Regex>,
}

/// A match: its byte range and its text.
#[derive(Debug, Clone, Copy)]
pub struct Found<'h> {
    start: usize,
    end: usize,
    text: &'h str,
}

impl<'h> Found<'h> {
    fn new(haystack: &'h str, start: usize, end: usize) -> Found<'h> {
        Found {
            start,
            end,
            text: &haystack[start..end],
        }
    }

    /// Byte start in the haystack.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Byte end in the haystack.
    pub fn end(&self) -> usize {
        self.end
    }

    /// The matched text.
    pub fn as_str(&self) -> &'h str {
        self.text
    }

    /// Byte range in the haystack.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// Capture groups of one match.
#[derive(Debug)]
pub enum Captures<'h> {
    /// From the ASCII regex, with the haystack.
    Ascii(regex_automata::util::captures::Captures, &'h str),
    /// From the Unicode regex.
    Unicode(regex::Captures<'h>),
}

impl<'h> Captures<'h> {
    /// Group `i` (0 is the whole match).
    pub fn get(&self, i: usize) -> Option<Found<'h>> {
        match self {
            Captures::Ascii(c, h) => c.get_group(i).map(|m| Found::new(h, m.start, m.end)),
            Captures::Unicode(c) => c.get(i).map(|m| Found {
                start: m.start(),
                end: m.end(),
                text: m.as_str(),
            }),
        }
    }

    /// The named group.
    pub fn name(&self, name: &str) -> Option<Found<'h>> {
        match self {
            Captures::Ascii(c, h) => c
                .get_group_by_name(name)
                .map(|m| Found::new(h, m.start, m.end)),
            Captures::Unicode(c) => c.name(name).map(|m| Found {
                start: m.start(),
                end: m.end(),
                text: m.as_str(),
            }),
        }
    }
}

/// Whether the ASCII regexes answer for this haystack.
fn ascii(haystack: &str) -> bool {
    haystack.is_ascii()
}

/// A pattern parsed as it is matched on ASCII text (Unicode off, bytes):
/// cheap, as no Unicode class is built.
pub fn ascii_hir(
    pattern: &str,
    case_insensitive: bool,
) -> Result<regex_syntax::hir::Hir, Box<regex_syntax::Error>> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(case_insensitive)
        .build()
        .parse(pattern)
        .map_err(Box::new)
}

impl TextRegex {
    /// Checks a pattern's syntax; the regexes are compiled when a sentence
    /// first needs them. A syntax error is the regex crate's, as if the
    /// pattern were compiled with Unicode.
    pub fn new(pattern: &str) -> Result<TextRegex, regex::Error> {
        // Parsing without Unicode is cheap (no Unicode classes to build);
        // what only Unicode mode accepts (`\p{L}`) is parsed with it.
        let ascii_syntax = ascii_hir(pattern, false);
        if ascii_syntax.is_err() {
            regex_syntax::Parser::new()
                .parse(pattern)
                .map_err(|e| regex::Error::Syntax(e.to_string()))?;
        }
        Ok(TextRegex {
            pattern: pattern.to_string(),
            ascii: OnceLock::new(),
            unicode: OnceLock::new(),
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    fn unicode(&self) -> &Regex {
        self.unicode.get_or_init(|| {
            Regex::new(&self.pattern).expect("the pattern's syntax is checked when it is compiled")
        })
    }

    fn ascii_for(&self, haystack: &str) -> Option<&ByteRegex> {
        if !ascii(haystack) {
            return None;
        }
        self.ascii
            .get_or_init(|| lean_bytes_regex(&self.pattern, false).ok())
            .as_ref()
    }

    /// Whether the pattern matches anywhere in `haystack`.
    pub fn is_match(&self, haystack: &str) -> bool {
        match self.ascii_for(haystack) {
            Some(r) => r.is_match(haystack.as_bytes()),
            None => self.unicode().is_match(haystack),
        }
    }

    /// The leftmost-first match.
    pub fn find<'h>(&self, haystack: &'h str) -> Option<Found<'h>> {
        match self.ascii_for(haystack) {
            Some(r) => r
                .find(haystack.as_bytes())
                .map(|m| Found::new(haystack, m.start(), m.end())),
            None => self
                .unicode()
                .find(haystack)
                .map(|m| Found::new(haystack, m.start(), m.end())),
        }
    }

    /// Every successive non-overlapping match.
    pub fn find_iter<'r, 'h>(&'r self, haystack: &'h str) -> impl Iterator<Item = Found<'h>> + 'r
    where
        'h: 'r,
    {
        let (a, u) = match self.ascii_for(haystack) {
            Some(r) => (Some(r.find_iter(haystack.as_bytes())), None),
            None => (None, Some(self.unicode().find_iter(haystack))),
        };
        a.into_iter()
            .flatten()
            .map(move |m| Found::new(haystack, m.start(), m.end()))
            .chain(
                u.into_iter()
                    .flatten()
                    .map(move |m| Found::new(haystack, m.start(), m.end())),
            )
    }

    /// The capture groups of the leftmost-first match.
    pub fn captures<'h>(&self, haystack: &'h str) -> Option<Captures<'h>> {
        match self.ascii_for(haystack) {
            Some(r) => {
                let mut c = r.create_captures();
                r.captures(haystack.as_bytes(), &mut c);
                c.is_match().then_some(Captures::Ascii(c, haystack))
            }
            None => self.unicode().captures(haystack).map(Captures::Unicode),
        }
    }

    /// The capture groups of every successive non-overlapping match.
    pub fn captures_iter<'r, 'h>(
        &'r self,
        haystack: &'h str,
    ) -> impl Iterator<Item = Captures<'h>> + 'r
    where
        'h: 'r,
    {
        let (a, u) = match self.ascii_for(haystack) {
            Some(r) => (Some(r.captures_iter(haystack.as_bytes())), None),
            None => (None, Some(self.unicode().captures_iter(haystack))),
        };
        a.into_iter()
            .flatten()
            .map(move |c| Captures::Ascii(c, haystack))
            .chain(u.into_iter().flatten().map(Captures::Unicode))
    }
}

/// A set of patterns compiled the same way: which of them match a
/// sentence.
#[derive(Debug, Clone)]
pub struct TextRegexSet {
    patterns: Vec<String>,
    ascii: Option<regex::bytes::RegexSet>,
    unicode: OnceLock<RegexSet>,
}

impl TextRegexSet {
    /// Compiles the patterns (each already checked as a [`TextRegex`]).
    pub fn new<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
    ) -> Result<TextRegexSet, regex::Error> {
        let patterns: Vec<String> = patterns.into_iter().map(str::to_string).collect();
        let ascii = RegexSetBuilder::new(&patterns).unicode(false).build().ok();
        let unicode = OnceLock::new();
        if ascii.is_none() {
            let _ = unicode.set(RegexSet::new(&patterns)?);
        }
        Ok(TextRegexSet {
            patterns,
            ascii,
            unicode,
        })
    }

    /// Indices of the patterns that match somewhere in `haystack`,
    /// ascending.
    pub fn matches(&self, haystack: &str) -> Vec<usize> {
        match self.ascii.as_ref().filter(|_| ascii(haystack)) {
            Some(s) => s.matches(haystack.as_bytes()).into_iter().collect(),
            None => self
                .unicode
                .get_or_init(|| {
                    RegexSet::new(&self.patterns).expect("every pattern of the set compiles")
                })
                .matches(haystack)
                .into_iter()
                .collect(),
        }
    }
}

/// A case-insensitive or plain regex over ASCII bytes (Unicode off), built
/// with only the engines a sentence-sized haystack needs.
///
/// Built through the `regex` crate, every regex also gets a full DFA when
/// its automaton is small (the feature is on in the tree for
/// `tracing-subscriber`'s filters), about a third of its compile time and
/// nothing a haystack of a few hundred bytes profits from: the lazy DFA
/// answers as fast once warm. Matches are the `regex` crate's with
/// `RegexBuilder::new(pattern).unicode(false)` (leftmost-first, empty
/// matches anywhere), with the same size limits.
pub fn lean_bytes_regex(
    pattern: &str,
    case_insensitive: bool,
) -> Result<regex_automata::meta::Regex, Box<regex_automata::meta::BuildError>> {
    use regex_automata::util::syntax;
    lean_builder()
        .syntax(
            syntax::Config::new()
                .unicode(false)
                .utf8(false)
                .case_insensitive(case_insensitive),
        )
        .build(pattern)
        .map_err(Box::new)
}

/// [`lean_bytes_regex`] from a pattern already parsed by [`ascii_hir`].
pub fn lean_regex_from_hir(
    hir: &regex_syntax::hir::Hir,
) -> Result<regex_automata::meta::Regex, Box<regex_automata::meta::BuildError>> {
    lean_builder().build_from_hir(hir).map_err(Box::new)
}

fn lean_builder() -> regex_automata::meta::Builder {
    use regex_automata::meta;
    let mut builder = meta::Builder::new();
    builder.configure(
        meta::Config::new()
            .nfa_size_limit(Some(10 * (1 << 20)))
            .hybrid_cache_capacity(2 * (1 << 20))
            .utf8_empty(false)
            .dfa(false),
    );
    builder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_unicode_sentences_match_as_the_unicode_regex_does() {
        let patterns = [
            r"(?i)\b(?:the\s+)?acme\b",
            r"[A-Z][\w&'.-]*[\w&]",
            r"(?i)\b\d+(?:\.\d+)? ?%",
            r"(?i)(?:US)?\$|€|£\d+",
            r#""([^"]{12,})""#,
        ];
        let haystacks = [
            "The Acme board met Zürich-based Globex on Monday.",
            "THE ACME units rose 12.5 % in Q3, \"a record for the group\" it said.",
            "Nestlé and Acme: €5bn, £3 and US$4 deals, Kelvin K and ſ",
            "the acmeé deal",
        ];
        for p in patterns {
            let ours = TextRegex::new(p).unwrap();
            let theirs = Regex::new(p).unwrap();
            for h in haystacks {
                let a: Vec<_> = ours.find_iter(h).map(|m| m.range()).collect();
                let b: Vec<_> = theirs.find_iter(h).map(|m| m.range()).collect();
                assert_eq!(a, b, "{p} on {h}");
                assert_eq!(ours.is_match(h), theirs.is_match(h));
                let a: Vec<_> = ours
                    .captures_iter(h)
                    .map(|c| c.get(1).map(|m| m.as_str().to_string()))
                    .collect();
                let b: Vec<_> = theirs
                    .captures_iter(h)
                    .map(|c| c.get(1).map(|m| m.as_str().to_string()))
                    .collect();
                assert_eq!(a, b, "{p} on {h}");
            }
        }
        let set = TextRegexSet::new(patterns).unwrap();
        let theirs = RegexSet::new(patterns).unwrap();
        for h in haystacks {
            assert_eq!(
                set.matches(h),
                theirs.matches(h).into_iter().collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_pattern_that_needs_unicode_still_works() {
        let r = TextRegex::new(r"\p{Lu}\w+").unwrap();
        assert_eq!(r.find("the Acme").map(|m| m.as_str()), Some("Acme"));
        assert!(matches!(r.ascii.get(), Some(None)));
        assert_eq!(r.find("the Émile Acme").map(|m| m.as_str()), Some("Émile"));
        assert!(TextRegex::new(r"(unclosed").is_err());
    }
}
