//! Language: the layer that makes extraction general.
//!
//! Between tagging mentions ([`crate::extract::mentions`]) and matching
//! event classes ([`crate::extract::events`]). Each sentence is analysed
//! once: words become [`Token`]s with a part of speech and a lemma (from a
//! tagger behind the [`PosTagger`] trait, so the model can be replaced), and
//! mentions (entities, dates, figures, quotations) become single tokens.
//! Over the tokens, [`clause`] finds verb groups (voice, negation,
//! modality, control verbs, particles), their subjects, objects and
//! prepositional arguments, and nominal events ("a partnership with X").
//!
//! Everything the layer knows about English that is data (modal verbs,
//! control verbs, reason cues, hedges) comes from the `[grammar]` table of
//! the language file; the code holds only the shape of a clause.

pub mod clause;
pub mod tagger;

use std::ops::Range;

use crate::extract::mentions::{Mention, Tag};

pub use clause::{Analysis, Clause, Grammar, NounPhrase, VerbGroup};
pub use tagger::LexiconTagger;

/// A coarse part of speech: what the clause layer needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pos {
    /// Common noun, singular or mass.
    Noun,
    /// Common noun, plural.
    Plural,
    /// Proper noun the gazetteer does not know.
    Proper,
    /// A verb, in one of its forms.
    Verb(VForm),
    /// can, could, may, might, must, shall, should, will, would.
    Modal,
    /// Adjective (also ordinal numbers).
    Adj,
    /// Adverb.
    Adv,
    /// A particle of a phrasal verb ("out" in "ruled out").
    Particle,
    /// A preposition or subordinating conjunction.
    Prep,
    /// The infinitive marker "to".
    To,
    /// Determiner.
    Det,
    /// Personal pronoun.
    Pron,
    /// Possessive pronoun ("its").
    PossPron,
    /// who, which, that, what, whose.
    Wh,
    /// and, or, but.
    Conj,
    /// A number written as a word or digits (not a tagged figure).
    Num,
    /// The possessive marker "'s".
    Poss,
    /// Punctuation.
    Punct,
    /// A tagged entity mention: the index into the sentence's mentions.
    Mention(u16),
    /// A tagged date, figure or quotation: the index into the mentions.
    Literal(u16),
    /// Anything else (interjections, symbols, foreign words).
    Other,
}

/// The form of a verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VForm {
    /// Base form ("choose", VB).
    Base,
    /// Present ("chooses", "choose", VBZ/VBP).
    Present,
    /// Past ("chose", VBD).
    Past,
    /// Gerund or present participle ("choosing", VBG).
    Gerund,
    /// Past participle ("chosen", VBN).
    Participle,
}

/// One token of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the normalised sentence.
    pub span: Range<usize>,
    /// Part of speech.
    pub pos: Pos,
    /// Lower-case lemma ("chose" -> "choose", "talks" -> "talk"); for a
    /// mention, its lower-cased text.
    pub lemma: String,
    /// Lower-case surface form.
    pub lower: String,
}

/// A part-of-speech tagger and lemmatiser: our seam to the model.
pub trait PosTagger: Send + Sync {
    /// Tags pre-split words; `None` words are names (tagged as proper nouns
    /// and left alone). Returns one (Penn tag, lemma) pair per word.
    fn tag(&self, words: &[Option<&str>]) -> Vec<(String, String)>;

    /// The lemma of a lower-cased word the lexicon knows first as a plural
    /// common noun ("regulators": "regulator"), for a capital that only
    /// opens the sentence and that the model reads as a name.
    fn common_plural(&self, _lower: &str) -> Option<String> {
        None
    }

    /// The base form of an irregular past the lexicon lacks ("blew":
    /// "blow"), for a sentence the model left with no verb.
    fn irregular_past(&self, _lower: &str) -> Option<String> {
        None
    }
}

/// The embedded-model tagger: `english-pos-tagger` (a Brill-style tagger
/// with WordNet lemmas, shipped inside the crate; no download).
pub struct EmbeddedTagger(english_pos_tagger::Tagger);

impl std::fmt::Debug for EmbeddedTagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EmbeddedTagger")
    }
}

impl Default for EmbeddedTagger {
    fn default() -> Self {
        EmbeddedTagger(english_pos_tagger::Tagger::new())
    }
}

impl PosTagger for EmbeddedTagger {
    fn tag(&self, words: &[Option<&str>]) -> Vec<(String, String)> {
        use english_pos_tagger::Token as T;
        let tokens: Vec<T> = words
            .iter()
            .map(|w| match w {
                None => {
                    let mut t = T::new("Name", "mention");
                    t.entity_type = Some("name".into());
                    t.pos = Some("NNP".into());
                    t
                }
                Some(w) => {
                    let kind = if w
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
                        && w.chars().any(|c| c.is_ascii_digit())
                    {
                        "number"
                    } else if w.chars().all(|c| !c.is_alphanumeric()) {
                        "punctuation"
                    } else {
                        "word"
                    };
                    T::new(*w, kind)
                }
            })
            .collect();
        self.0
            .tag(tokens)
            .into_iter()
            .map(|t| {
                let lemma = t
                    .lemma
                    .or(t.normal)
                    .unwrap_or_else(|| t.value.to_lowercase());
                (t.pos.unwrap_or_default(), lemma)
            })
            .collect()
    }
}

/// Splits a normalised sentence into word spans, keeping each mention whole.
/// Returns the spans and, per span, the mention it stands for.
fn split(norm: &str, mentions: &[Mention]) -> Vec<(Range<usize>, Option<u16>)> {
    let mut out = Vec::new();
    let bytes = norm.as_bytes();
    let mut order: Vec<usize> = (0..mentions.len()).collect();
    order.sort_by_key(|&i| mentions[i].start);
    let mut next = order.into_iter().peekable();
    let mut i = 0;
    while i < norm.len() {
        while next.peek().is_some_and(|&m| mentions[m].start < i) {
            next.next();
        }
        if let Some(&m) = next.peek() {
            if mentions[m].start == i {
                let end = mentions[m].end.max(i + 1);
                out.push((i..end, Some(m as u16)));
                i = end;
                next.next();
                continue;
            }
        }
        let c = norm[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let stop = next.peek().map_or(norm.len(), |&m| mentions[m].start);
        if c.is_alphanumeric() {
            let mut j = i;
            while j < stop {
                let d = norm[j..].chars().next().unwrap_or(' ');
                let inner = (d == '-' || d == '.' || d == '&' || d == '\'' || d == ',')
                    && norm[j + 1..]
                        .chars()
                        .next()
                        .is_some_and(|e| e.is_alphanumeric())
                    && (d != ','
                        || (bytes[j - 1].is_ascii_digit() && bytes[j + 1].is_ascii_digit()))
                    && (d != '\'' || !norm[j..].starts_with("'s"));
                if d.is_alphanumeric() || inner {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            // "U.S." keeps its last dot.
            if j < stop && bytes[j] == b'.' && norm[i..j].contains('.') {
                j += 1;
            }
            let word = &norm[i..j];
            // Contractions: "didn't" -> "did" + "n't".
            if word.len() > 3
                && word.to_ascii_lowercase().ends_with("n")
                && norm[j..].starts_with("'t")
            {
                out.push((i..j - 1, None));
                out.push((j - 1..j + 2, None));
                i = j + 2;
                continue;
            }
            out.push((i..j, None));
            i = j;
        } else if norm[i..].starts_with("'s") || norm[i..].starts_with("’s") {
            let len = if norm[i..].starts_with("'s") { 2 } else { 4 };
            out.push((i..i + len, None));
            i += len;
        } else {
            out.push((i..i + c.len_utf8(), None));
            i += c.len_utf8();
        }
    }
    out
}

fn coarse(tag: &str, lower: &str) -> Pos {
    match tag {
        "NN" | "NNP" if lower.chars().next().is_some_and(|c| c.is_uppercase()) => Pos::Proper,
        "NN" => Pos::Noun,
        "NNS" => Pos::Plural,
        "NNP" | "NNPS" => Pos::Proper,
        "VB" => Pos::Verb(VForm::Base),
        "VBP" | "VBZ" => Pos::Verb(VForm::Present),
        "VBD" => Pos::Verb(VForm::Past),
        "VBG" => Pos::Verb(VForm::Gerund),
        "VBN" => Pos::Verb(VForm::Participle),
        "MD" => Pos::Modal,
        "JJ" | "JJR" | "JJS" => Pos::Adj,
        "RB" | "RBR" | "RBS" => Pos::Adv,
        "RP" => Pos::Particle,
        "IN" => Pos::Prep,
        "TO" => Pos::To,
        "DT" | "PDT" => Pos::Det,
        "PRP" | "EX" => Pos::Pron,
        "PRP$" => Pos::PossPron,
        "WDT" | "WP" | "WP$" | "WRB" => Pos::Wh,
        "CC" => Pos::Conj,
        "CD" => Pos::Num,
        "POS" => Pos::Poss,
        "," | "." | ":" | "(" | ")" | "\"" | "``" | "''" | "$" | "#" => Pos::Punct,
        _ if lower.chars().all(|c| !c.is_alphanumeric()) => Pos::Punct,
        _ => Pos::Other,
    }
}

/// Tokens of a normalised sentence: words tagged and lemmatised, mentions
/// kept whole. The tagger's errors that matter for clauses are mended here
/// (auxiliaries, "n't", "'s", sentence-initial capitals).
pub fn tokens(tagger: &dyn PosTagger, norm: &str, mentions: &[Mention]) -> Vec<Token> {
    let spans = split(norm, mentions);
    let words: Vec<Option<&str>> = spans
        .iter()
        .map(|(r, m)| match m {
            Some(_) => None,
            None => Some(&norm[r.clone()]),
        })
        .collect();
    let tagged = tagger.tag(&words);
    let mut out = Vec::with_capacity(spans.len());
    for (k, ((span, m), (tag, lemma))) in spans.into_iter().zip(tagged).enumerate() {
        let surface = &norm[span.clone()];
        let lower = lower_word(surface);
        // Acronyms ("AI", "EU") are names, whatever the tagger's lexicon
        // says ("ai" is a contraction there).
        let acronym = surface.len() >= 2
            && surface
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && surface.chars().any(|c| c.is_ascii_uppercase());
        let plural = (k == 0 && m.is_none() && !acronym && matches!(tag.as_str(), "NNP" | "NNPS"))
            .then(|| tagger.common_plural(&lower))
            .flatten();
        let entity = m.is_some_and(|i| {
            matches!(
                mentions.get(i as usize).map(|x| &x.tag),
                Some(Tag::Entity { .. } | Tag::Pronoun(_))
            )
        });
        let pos = match m {
            Some(i) if entity => Pos::Mention(i),
            Some(i) => Pos::Literal(i),
            None if acronym => Pos::Proper,
            // "Regulators closed Initech": a capital that only opens the
            // sentence makes no plural name.
            None if plural.is_some() => Pos::Plural,
            None => fix_pos(&lower, coarse(&tag, if k == 0 { &lower } else { surface })),
        };
        let mut lemma = match m {
            Some(_) => lower.clone(),
            None if acronym => lower.clone(),
            // Most lemmas are lower case already: no second copy.
            None if !lemma
                .bytes()
                .any(|b| b.is_ascii_uppercase() || !b.is_ascii()) =>
            {
                lemma
            }
            None => lemma.to_lowercase(),
        };
        if lower == "n't" {
            lemma = "not".into();
        }
        if pos == Pos::Plural && k == 0 {
            if let Some(p) = plural {
                lemma = p;
            }
        }
        if let (None, Some(l)) = (m, irregular(&lower)) {
            lemma = l.to_string();
        }
        out.push(Token {
            span,
            pos,
            lemma,
            lower,
        });
    }
    mend(&mut out, mentions);
    // "A door panel blew out", "the plug that blew out": a "noun" after a
    // noun or a relative pronoun that is an irregular past form the
    // lexicon lacks is the verb.
    for i in 1..out.len() {
        if out[i].pos == Pos::Noun
            && (matches!(
                out[i - 1].pos,
                Pos::Noun | Pos::Plural | Pos::Mention(_) | Pos::Wh | Pos::Pron
            ) || out[i - 1].lower == "that")
        {
            if let Some(base) = tagger.irregular_past(&out[i].lower) {
                out[i].pos = Pos::Verb(VForm::Past);
                out[i].lemma = base;
            }
        }
    }
    out
}

/// A word in lower case with a typographic apostrophe made straight; one
/// allocation for the ASCII words that are most of them.
fn lower_word(surface: &str) -> String {
    if surface.is_ascii() {
        surface.to_ascii_lowercase()
    } else {
        surface.to_lowercase().replace('’', "'")
    }
}

/// Closed-class words the tagger may get wrong, and the lemmas of the
/// auxiliaries.
fn fix_pos(lower: &str, pos: Pos) -> Pos {
    match lower {
        "n't" | "not" | "never" => Pos::Adv,
        "'s" => Pos::Poss,
        "to" => Pos::To,
        "is" | "are" | "am" | "has" | "does" | "'re" => Pos::Verb(VForm::Present),
        "was" | "were" | "had" | "did" => Pos::Verb(VForm::Past),
        "be" | "have" | "do" => Pos::Verb(VForm::Base),
        "been" => Pos::Verb(VForm::Participle),
        "being" | "having" => Pos::Verb(VForm::Gerund),
        "will" | "would" | "could" | "can" | "may" | "might" | "should" | "must" | "shall"
        | "wo" | "ca" => Pos::Modal,
        "which" | "who" | "whom" | "whose" => Pos::Wh,
        "and" | "or" | "but" | "nor" => Pos::Conj,
        "the" | "a" | "an" | "this" | "these" | "those" | "neither" | "either" | "no" | "every"
        | "each" | "any" | "some" | "both" | "all" => Pos::Det,
        "its" | "their" | "his" | "her" | "our" | "my" | "your" => Pos::PossPron,
        "it" | "they" | "he" | "she" | "we" | "i" | "you" | "them" | "him" | "us" => Pos::Pron,
        _ => pos,
    }
}

fn irregular(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "is" | "are" | "am" | "was" | "were" | "been" | "being" | "be" | "'re" => "be",
        "has" | "had" | "have" | "having" => "have",
        "does" | "did" | "do" => "do",
        "wo" | "will" => "will",
        "ca" | "can" => "can",
        _ => return None,
    })
}

/// Context fixes the tagger's unigram model misses.
fn mend(tokens: &mut [Token], mentions: &[Mention]) {
    let verbless = !tokens
        .iter()
        .any(|t| matches!(t.pos, Pos::Modal | Pos::Verb(VForm::Past | VForm::Present)));
    for i in 0..tokens.len() {
        let prev = if i > 0 { Some(tokens[i - 1].pos) } else { None };
        let next_pos = tokens.get(i + 1).map(|t| t.pos);
        // "'s" after a name and before a noun phrase is a possessive; after
        // a pronoun or before a participle it is "is"/"has".
        if tokens[i].lower == "'s" {
            let before_name = matches!(prev, Some(Pos::Mention(_) | Pos::Proper | Pos::Noun));
            // "Initech's closing price", "Globex's proposed takeover": a
            // gerund or participle before a noun is an adjective of the
            // possessed phrase.
            let after = tokens.get(i + 2).map(|t| t.pos);
            let gerund_adj = (matches!(next_pos, Some(Pos::Verb(VForm::Gerund)))
                && matches!(after, Some(Pos::Noun | Pos::Plural | Pos::Adj)))
                || (matches!(next_pos, Some(Pos::Verb(VForm::Participle)))
                    && matches!(after, Some(Pos::Noun | Pos::Plural)));
            let verbish = (matches!(next_pos, Some(Pos::Verb(VForm::Participle | VForm::Gerund)))
                && !gerund_adj)
                || matches!(prev, Some(Pos::Pron | Pos::Wh));
            if before_name && !verbish {
                tokens[i].pos = Pos::Poss;
            } else {
                tokens[i].pos = Pos::Verb(VForm::Present);
                tokens[i].lemma = "be".into();
            }
        }
        // After "to", a word that can be a verb is one ("to partner"); but
        // a noun ending the clause after a noun phrase is where something
        // goes ("took the ruling to court, ...").
        let destination = prev == Some(Pos::To)
            && matches!(
                tokens[i].pos,
                Pos::Noun | Pos::Verb(VForm::Base | VForm::Present)
            )
            && next_pos.map_or(true, |p| match p {
                Pos::Punct => true,
                // "went to court on Monday".
                Pos::Literal(m) => mentions
                    .get(m as usize)
                    .is_some_and(|x| matches!(x.tag, Tag::Date(_))),
                _ => false,
            })
            && i >= 2
            && (matches!(tokens[i - 2].pos, Pos::Noun | Pos::Plural | Pos::Mention(_))
                || matches!(tokens[i - 2].lemma.as_str(), "go" | "head" | "return"));
        if destination {
            tokens[i].pos = Pos::Noun;
        } else if prev == Some(Pos::To) && matches!(tokens[i].pos, Pos::Noun | Pos::Verb(_)) {
            tokens[i].pos = Pos::Verb(VForm::Base);
        }
        // After a modal or "did not", the base form.
        if matches!(prev, Some(Pos::Modal))
            && matches!(tokens[i].pos, Pos::Noun | Pos::Verb(VForm::Present))
        {
            tokens[i].pos = Pos::Verb(VForm::Base);
        }
        // A past form right after be/have/get is the participle.
        if i > 0 && matches!(tokens[i].pos, Pos::Verb(VForm::Past)) {
            let mut k = i - 1;
            while k > 0 && matches!(tokens[k].pos, Pos::Adv) {
                k -= 1;
            }
            if matches!(tokens[k].lemma.as_str(), "be" | "have" | "get")
                && matches!(tokens[k].pos, Pos::Verb(_))
            {
                tokens[i].pos = Pos::Verb(VForm::Participle);
            }
        }
        // "Globex first delayed the launch": an ordinal between a subject
        // and a verb is an adverb, and the verb after it the past tense
        // (the tagger reads "first" as an adjective, "delayed" as a participle).
        if matches!(tokens[i].lower.as_str(), "first" | "last")
            && matches!(prev, Some(Pos::Mention(_) | Pos::Pron))
            && matches!(next_pos, Some(Pos::Verb(VForm::Participle | VForm::Past)))
        {
            tokens[i].pos = Pos::Adv;
            tokens[i + 1].pos = Pos::Verb(VForm::Past);
        }
        // "A federal appeals court upheld the law": a present-tense verb
        // inside a noun phrase, right before a past form, is the phrase's
        // head noun ("court", "board"), and the past form its verb.
        if matches!(tokens[i].pos, Pos::Verb(VForm::Present))
            && !matches!(tokens[i].lemma.as_str(), "be" | "have" | "do" | "get")
            && matches!(prev, Some(Pos::Adj | Pos::Noun | Pos::Plural))
            && matches!(next_pos, Some(Pos::Verb(VForm::Past | VForm::Participle)))
            && matches!(
                tokens.get(i + 2).map(|t| t.pos),
                Some(
                    Pos::Det
                        | Pos::PossPron
                        | Pos::Mention(_)
                        | Pos::Noun
                        | Pos::Plural
                        | Pos::Particle
                )
            )
        {
            tokens[i].pos = Pos::Noun;
            tokens[i + 1].pos = Pos::Verb(VForm::Past);
        }
        // "Globex blocks Initech's purchase" (a headline): a plural noun
        // right after a name opening the clause, and before a noun phrase,
        // is the present tense of its verb.
        if tokens[i].pos == Pos::Plural
            && matches!(prev, Some(Pos::Mention(_)))
            && (i == 1 || matches!(tokens[i - 2].pos, Pos::Punct | Pos::Conj))
            && matches!(next_pos, Some(Pos::Mention(_) | Pos::Det | Pos::PossPron))
        {
            tokens[i].pos = Pos::Verb(VForm::Present);
        }
        // "Globex's review faults Initech's managers" (a headline with no
        // other verb): a plural noun after a singular one, before a noun
        // phrase, is the verb.
        if verbless
            && tokens[i].pos == Pos::Plural
            && matches!(prev, Some(Pos::Noun))
            && matches!(next_pos, Some(Pos::Mention(_) | Pos::Det | Pos::PossPron))
        {
            tokens[i].pos = Pos::Verb(VForm::Present);
        }
        // "about 171 jets", "nearly $15 billion": a word of approximation
        // before a figure belongs to the figure's phrase.
        if matches!(
            tokens[i].lower.as_str(),
            "about" | "around" | "roughly" | "nearly" | "almost" | "approximately" | "some"
        ) && matches!(next_pos, Some(Pos::Literal(_) | Pos::Num))
            && !matches!(prev, Some(Pos::Det))
        {
            tokens[i].pos = Pos::Adj;
        }
        // "more than 1,500 flights", "fewer than 20 stores": the comparison
        // belongs to the figure's phrase too.
        if matches!(tokens[i].lower.as_str(), "more" | "fewer" | "less")
            && i + 2 < tokens.len()
            && tokens[i + 1].lower == "than"
            && matches!(tokens[i + 2].pos, Pos::Literal(_) | Pos::Num)
        {
            tokens[i].pos = Pos::Adj;
            tokens[i + 1].pos = Pos::Adj;
        }
        // A mention standing for a pronoun is still a noun phrase.
        if let Pos::Mention(m) = tokens[i].pos {
            if let Some(Mention {
                tag: Tag::Pronoun(_),
                ..
            }) = mentions.get(m as usize)
            {
                tokens[i].pos = Pos::Mention(m);
            }
        }
    }
}
