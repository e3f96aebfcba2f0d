//! Clauses: noun phrases, verb groups, and who did what to whom.
//!
//! A shallow parse, in three steps over a sentence's [`Token`]s:
//!
//! 1. noun phrases: determiners, adjectives, nouns and mentions, with
//!    possessives ("X's bid") and coordinated lists ("X, Y and Z");
//! 2. verb groups: auxiliaries, modals, negation, adverbs and control verbs
//!    ("decided not to choose") folded into one group with its main verb,
//!    its voice, polarity and modality;
//! 3. clauses: each verb group with its subject (left, skipping inserts
//!    such as appositives and relative pronouns), its direct object,
//!    particles ("ruled X out") and prepositional arguments.
//!
//! No attachment is resolved beyond what the event classes need: the layer
//! aims at being right on the clauses news writes most, and saying nothing
//! rather than something wrong on the rest.

use std::collections::HashSet;
use std::ops::Range;

use regex_automata::meta::Regex;
use serde::Deserialize;

use super::{Pos, Token, VForm};
use crate::config::ConfigError;

/// The English that the clause layer needs as data: the `[grammar]` table of
/// the language file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct GrammarConfig {
    /// Modal verbs that make a claim a possibility ("could", "would").
    pub modals: Vec<String>,
    /// Verbs that take a "to" infinitive and assert it ("decided to").
    pub control_assert: Vec<String>,
    /// Verbs that take a "to" infinitive and deny it ("failed to").
    pub control_negate: Vec<String>,
    /// Verbs that take a "to" infinitive as a plan or a wish ("plans to").
    pub control_plan: Vec<String>,
    /// Words that may follow a verb as its particle ("out", "off").
    pub particles: Vec<String>,
    /// Determiners that negate the subject ("neither", "no").
    pub negative_determiners: Vec<String>,
    /// Verbs of saying: what follows is reported speech.
    pub speech_verbs: Vec<String>,
    /// Verbs with which an agent gives the grounds of what it just did
    /// ("the judge found that ...", "the regulator concluded that ...").
    pub finding_verbs: Vec<String>,
    /// Cues (regexes) before a verb that make its clause speculation or a
    /// condition ("speculation that", "if", "whether").
    pub speculation: Vec<String>,
    /// Cues (regexes) that introduce a reason after the verb.
    pub reason_cues: Vec<String>,
    /// Trailing words cut from a reason (", the report said").
    pub reason_tail: Option<String>,
    /// Common nouns that name an institution able to act when no name is
    /// given ("judge", "regulator", "shareholders"), for classes that allow it.
    pub institutions: Vec<String>,
    /// Institutions made of members, never an authority: a question about
    /// "shareholders" is not answered by a regulator's act.
    pub member_institutions: Vec<String>,
    /// Irregular verbs: the base form, then its other forms ("buy bought").
    pub irregular: Vec<String>,
    /// Nouns of a product's stages: a name before one is what the phrase is
    /// about ("the Gizmo preview" is Gizmo's, as "the preview of Gizmo").
    pub release_nouns: Vec<String>,
    /// Instruments that act for whoever issues them: a participle after
    /// one heads a clause of its issuer ("signed an order clearing the
    /// deal": the signer clears it).
    pub instrument_nouns: Vec<String>,
    /// Nouns that name an event that can collapse or end ("deal", "talks").
    pub event_nouns: Vec<String>,
    /// The event nouns that name a deal itself ("merger", "takeover"), not
    /// what happens around one ("ruling", "findings", "plan"): a class
    /// about the deal takes a common-noun patient as the deal only when the
    /// phrase has one ("reviewed the merger", not "reviewed the findings").
    pub deal_nouns: Vec<String>,
    /// Verbs whose "X from V-ing" complement did not happen ("prevented
    /// the deal from closing", "barred X from buying Y").
    pub prevent_verbs: Vec<String>,
    /// Verbs whose object is an act of their subject ("granted an
    /// injunction", "sent a statement of objections", "issued a ruling").
    pub issue_verbs: Vec<String>,
}

/// Words opening a subordinate clause ("a day after judges blocked it").
const SUBORDINATORS: [&str; 13] = [
    "after", "before", "when", "while", "because", "since", "until", "as", "if", "although",
    "though", "once", "where",
];

/// The compiled grammar.
#[derive(Debug)]
pub struct Grammar {
    modals: HashSet<String>,
    control_assert: HashSet<String>,
    control_negate: HashSet<String>,
    control_plan: HashSet<String>,
    particles: HashSet<String>,
    negative_determiners: HashSet<String>,
    release_nouns: HashSet<String>,
    instruments: HashSet<String>,
    speech: HashSet<String>,
    prevent: HashSet<String>,
    speculation: Option<Regex>,
    /// Each reason cue, compiled when `any_reason` first finds one.
    reason: Vec<(String, std::sync::OnceLock<Regex>)>,
    /// Every reason cue in one regex: most verbs have none after them, and
    /// one scan tells so where one per cue took 16 (a fifth of parsing).
    any_reason: Option<Regex>,
    /// The literals each reason cue needs: a verb with none of any cue's
    /// after it (most verbs) is not searched for cues at all.
    reason_literals: crate::extract::rules::RuleFilter,
    reason_tail: Option<Regex>,
}

fn set(v: &[String]) -> HashSet<String> {
    v.iter().map(|s| s.to_lowercase()).collect()
}

/// A case-insensitive ASCII regex over bytes: cues are English words, and
/// ASCII word boundaries keep matching on the fast engines.
fn ascii(pattern: &str) -> Result<Regex, Box<regex_automata::meta::BuildError>> {
    crate::extract::pattern::lean_bytes_regex(pattern, true)
}

fn alternation(what: &'static str, list: &[String]) -> Result<Option<Regex>, ConfigError> {
    if list.is_empty() {
        return Ok(None);
    }
    let joined = list
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    ascii(&joined).map(Some).map_err(|e| ConfigError::Pattern {
        what,
        name: "grammar".into(),
        message: e.to_string(),
    })
}

impl Grammar {
    /// Compiles the grammar table; a bad cue is an error naming its list.
    pub fn new(cfg: &GrammarConfig) -> Result<Grammar, ConfigError> {
        let tail = match &cfg.reason_tail {
            Some(t) => Some(
                ascii(&format!("(?:{t})$")).map_err(|e| ConfigError::Pattern {
                    what: "grammar.reason_tail",
                    name: "grammar".into(),
                    message: e.to_string(),
                })?,
            ),
            None => None,
        };
        let reason_literals: Vec<Vec<Vec<Vec<u8>>>> = cfg
            .reason_cues
            .iter()
            .map(|p| {
                crate::extract::pattern::ascii_hir(p, true)
                    .map(|h| crate::extract::rules::required_literals(&h))
                    .unwrap_or_default()
            })
            .collect();
        Ok(Grammar {
            modals: set(&cfg.modals),
            control_assert: set(&cfg.control_assert),
            control_negate: set(&cfg.control_negate),
            control_plan: set(&cfg.control_plan),
            particles: set(&cfg.particles),
            negative_determiners: set(&cfg.negative_determiners),
            release_nouns: set(&cfg.release_nouns),
            instruments: set(&cfg.instrument_nouns),
            speech: set(&cfg.speech_verbs),
            prevent: set(&cfg.prevent_verbs),
            speculation: alternation("grammar.speculation", &cfg.speculation)?,
            reason_literals: crate::extract::rules::RuleFilter::from_required(
                reason_literals.iter().map(Vec::as_slice),
            ),
            reason: cfg
                .reason_cues
                .iter()
                .map(|p| {
                    // The syntax is checked now, as `ascii` would.
                    crate::extract::pattern::ascii_hir(p, true)
                        .map(|_| (p.clone(), std::sync::OnceLock::new()))
                        .map_err(|e| ConfigError::Pattern {
                            what: "grammar.reason_cues",
                            name: p.clone(),
                            message: e.to_string(),
                        })
                })
                .collect::<Result<_, _>>()?,
            any_reason: alternation("grammar.reason_cues", &cfg.reason_cues)?,
            reason_tail: tail,
        })
    }

    /// Is this lemma a verb of saying?
    pub fn is_speech(&self, lemma: &str) -> bool {
        self.speech.contains(lemma)
    }
}

/// A noun phrase: a run of tokens around a head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NounPhrase {
    /// Token range.
    pub tokens: Range<usize>,
    /// The head token (the last noun or mention of the first conjunct).
    pub head: usize,
    /// Mentions heading the phrase (several for a coordinated list).
    pub mentions: Vec<u16>,
    /// The mention before "'s", if any ("X's bid").
    pub possessor: Option<u16>,
    /// Lemma of the head when it is a common noun ("talk", "partnership").
    pub noun: Option<String>,
    /// "neither company", "no firm".
    pub negative: bool,
    /// Prepositional phrases attached right after it: (preposition, phrase index).
    pub pps: Vec<(String, usize)>,
}

/// A verb group: auxiliaries, modals, negation, adverbs and its main verb.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerbGroup {
    /// Token range.
    pub tokens: Range<usize>,
    /// The main verb's token.
    pub head: usize,
    /// The main verb's lemma.
    pub lemma: String,
    /// Passive voice ("was dropped").
    pub passive: bool,
    /// Negated ("did not", "never", "failed to", "has yet to").
    pub negated: bool,
    /// Modal: a possibility or an obligation ("could", "would", "has to"),
    /// or a goal ("sued to block").
    pub modal: bool,
    /// Planned, expected or wished ("plans to", "is expected to").
    pub planned: bool,
    /// Future ("will", "is set to").
    pub future: bool,
    /// Lemmas of the control verbs folded in ("decide" in "decided to pick").
    pub control: Vec<String>,
    /// Adverbs in the group or just before it ("initially", "reportedly").
    pub adverbs: Vec<String>,
}

/// A clause: a verb group and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// The verb group.
    pub verb: VerbGroup,
    /// Subject phrase (index into [`Analysis::phrases`]).
    pub subject: Option<usize>,
    /// Direct object phrase.
    pub object: Option<usize>,
    /// The second object of a verb of giving, the thing given ("granted
    /// the regulator an injunction", "sent Globex a statement of objections").
    pub second: Option<usize>,
    /// The object is all of what it names ("bought all of Initech's
    /// shares": the whole company).
    pub whole: bool,
    /// Particles of a phrasal verb ("out" in "ruled X out").
    pub particles: Vec<String>,
    /// Prepositional arguments after the verb: (preposition, phrase index).
    pub preps: Vec<(String, usize)>,
    /// The clause reports speculation or a condition.
    pub speculative: bool,
    /// The subject of the verb of saying this clause is reported by.
    pub reported_by: Option<usize>,
    /// Byte range of a reason given after the verb ("because ...").
    pub reason: Option<Range<usize>>,
    /// Token range of the clause (verb group to the next clause).
    pub tokens: Range<usize>,
}

/// A sentence analysed: tokens, phrases and clauses.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Tokens.
    pub tokens: Vec<Token>,
    /// Noun phrases, in order.
    pub phrases: Vec<NounPhrase>,
    /// Clauses, in order.
    pub clauses: Vec<Clause>,
}

/// A tagged date ("on Friday", "last week", "Nov. 17"): a literal whose
/// first word is a time preposition, a weekday or a month. (Figures start
/// with a digit or a currency sign, quotations with a quotation mark.)
fn is_time(t: &Token) -> bool {
    const TIME_WORDS: &[&str] = &[
        "on", "in", "at", "by", "since", "until", "from", "during", "last", "this", "next",
        "earlier", "later", "early", "late",
    ];
    matches!(t.pos, Pos::Literal(_)) && {
        let first = t.lower.split([' ', '.', ',']).next().unwrap_or("");
        TIME_WORDS.contains(&first)
            || crate::date::weekday_from_name(first).is_some()
            || crate::date::month_from_name(first).is_some()
    }
}

/// Whether a word that can be a preposition, followed by a phrase ending at
/// `end`, is a conjunction before a clause: "as Globex hires Dana Roe",
/// "after the board fired her".
fn opens_clause(t: &[Token], word: &str, end: usize) -> bool {
    // Not "since": "opposed the deal since it was announced" is about the
    // deal, the phrase "it" stands for.
    matches!(word, "as" | "after" | "before" | "while" | "until" | "when")
        && t.get(end).is_some_and(|x| {
            matches!(
                x.pos,
                Pos::Verb(VForm::Past | VForm::Present | VForm::Participle) | Pos::Modal
            )
        })
}

fn np_start(p: Pos) -> bool {
    matches!(
        p,
        Pos::Det
            | Pos::PossPron
            | Pos::Adj
            | Pos::Noun
            | Pos::Plural
            | Pos::Proper
            | Pos::Mention(_)
            | Pos::Literal(_)
            | Pos::Num
    )
}

fn np_inner(p: Pos) -> bool {
    matches!(
        p,
        Pos::Adj | Pos::Noun | Pos::Plural | Pos::Proper | Pos::Mention(_) | Pos::Num | Pos::Poss
    )
}

fn is_nominal(p: Pos) -> bool {
    matches!(
        p,
        Pos::Noun | Pos::Plural | Pos::Proper | Pos::Mention(_) | Pos::Literal(_) | Pos::Num
    )
}

/// Analyses one sentence.
pub fn analyse(g: &Grammar, norm: &str, tokens: Vec<Token>) -> Analysis {
    let mut a = Analysis {
        tokens,
        ..Analysis::default()
    };
    let owner = phrases(g, &mut a);
    let groups = verb_groups(g, &a.tokens, &owner);
    clauses(g, norm, &mut a, &owner, groups);
    a
}

/// Finds the noun phrases; returns, per token, the phrase it belongs to.
fn phrases(g: &Grammar, a: &mut Analysis) -> Vec<Option<usize>> {
    let t = &a.tokens;
    let n = t.len();
    let mut owner = vec![None; n];
    let mut i = 0;
    let mut raw: Vec<NounPhrase> = Vec::new();
    while i < n {
        let p = t[i].pos;
        // A participle or gerund before a noun is an adjective ("the
        // proposed deal"); elsewhere it is a verb.
        let adj_verb = matches!(p, Pos::Verb(VForm::Participle | VForm::Gerund))
            && i > 0
            && matches!(t[i - 1].pos, Pos::Det | Pos::PossPron | Pos::Poss)
            && t.get(i + 1).is_some_and(|x| is_nominal(x.pos));
        if !(np_start(p) || adj_verb) {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        while j < n {
            let q = t[j].pos;
            // A gerund modifies a noun only before it ("the closing
            // price"): after a noun it heads a clause of its own ("an order
            // clearing the deal"). A past participle after a noun may name
            // it ("laptops called Gizmo").
            // But with no finite verb after it before a comma, it is the
            // verb: "the board named Dana Roe chief executive".
            let finite_after = || {
                t[j + 1..]
                    .iter()
                    .take_while(|x| !matches!(x.lower.as_str(), "," | ";" | ":"))
                    .any(|x| matches!(x.pos, Pos::Verb(VForm::Past | VForm::Present) | Pos::Modal))
            };
            let adj_verb = (q == Pos::Verb(VForm::Participle)
                || (q == Pos::Verb(VForm::Gerund)
                    && !matches!(t[j - 1].pos, Pos::Noun | Pos::Plural)))
                && t.get(j + 1).is_some_and(|x| is_nominal(x.pos))
                && (q == Pos::Verb(VForm::Gerund)
                    || !matches!(t[j - 1].pos, Pos::Noun | Pos::Plural)
                    || finite_after());
            // "'s" must be followed by the rest of the phrase.
            if t[j].lower == "such" && t.get(j + 1).is_some_and(|x| x.lower == "as") {
                break;
            }
            if q == Pos::Poss
                && !t
                    .get(j + 1)
                    .is_some_and(|x| np_start(x.pos) || matches!(x.pos, Pos::Verb(_)))
            {
                break;
            }
            // A date or a figure joins a phrase only as a modifier ("the $20
            // billion deal"), and nothing joins a phrase that is one.
            // A count before a named thing counts it too ("171 Gizmo jets").
            let count = |k: usize| t[k].lower.bytes().all(|b| b.is_ascii_digit() || b == b',');
            // A date opened by a preposition ("on Thursday night") is an
            // adverbial, never a modifier of the noun after it.
            let adverbial = is_time(&t[j]);
            let literal_mod = matches!(q, Pos::Literal(_))
                && !adverbial
                && (t
                    .get(j + 1)
                    .is_some_and(|x| matches!(x.pos, Pos::Noun | Pos::Plural | Pos::Adj))
                    || (count(j)
                        && t.get(j + 1)
                            .is_some_and(|x| matches!(x.pos, Pos::Mention(_)))
                        && t.get(j + 2)
                            .is_some_and(|x| matches!(x.pos, Pos::Noun | Pos::Plural))));
            let counted_name = matches!(q, Pos::Mention(_))
                && count(j - 1)
                && t.get(j + 1)
                    .is_some_and(|x| matches!(x.pos, Pos::Noun | Pos::Plural));
            if matches!(t[j - 1].pos, Pos::Literal(_))
                && !matches!(q, Pos::Noun | Pos::Plural | Pos::Adj)
                && !counted_name
            {
                break;
            }
            // A number after a common noun starts another phrase ("upholds
            // the law two days before ...").
            if q == Pos::Num && matches!(t[j - 1].pos, Pos::Noun | Pos::Plural) {
                break;
            }
            if (np_inner(q) && !matches!(q, Pos::Literal(_)))
                || literal_mod
                || adj_verb
                || (q == Pos::Det && t[j - 1].pos == Pos::Poss)
            {
                j += 1;
            } else {
                break;
            }
        }
        // A phrase of determiners and adjectives only is not a noun phrase
        // ("the same", "no"), unless the adjective is a mention.
        if !(start..j).any(|k| is_nominal(t[k].pos)) {
            i = j;
            continue;
        }
        let mut possessor = None;
        let mut head_from = start;
        for k in start..j {
            if t[k].pos == Pos::Poss {
                possessor = (start..k).rev().find_map(|m| match t[m].pos {
                    Pos::Mention(x) => Some(x),
                    _ => None,
                });
                head_from = k + 1;
            }
        }
        let head = (head_from..j)
            .rev()
            .find(|&k| is_nominal(t[k].pos))
            .unwrap_or(j - 1);
        let mentions: Vec<u16> = (head_from..j)
            .filter_map(|k| match t[k].pos {
                Pos::Mention(x) => Some(x),
                _ => None,
            })
            .collect();
        // "Northwind CEO Priya Raman": the head mention is the last one.
        let mentions = match mentions.last() {
            Some(&last) if matches!(t[head].pos, Pos::Mention(_)) => vec![last],
            _ if matches!(t[head].pos, Pos::Noun | Pos::Plural)
                && !g.release_nouns.contains(&t[head].lemma) =>
            {
                // "the Fabrikam partnership": a mention modifying a noun is
                // not the phrase's referent.
                Vec::new()
            }
            _ => mentions,
        };
        let noun = match t[head].pos {
            Pos::Noun | Pos::Plural => Some(t[head].lemma.clone()),
            _ => None,
        };
        let negative = g.negative_determiners.contains(&t[start].lower);
        raw.push(NounPhrase {
            tokens: start..j,
            head,
            mentions,
            possessor,
            noun,
            negative,
            pps: Vec::new(),
        });
        i = j;
    }
    // Coordination: "X, Y and Z" and "X and Y" become one phrase, unless the
    // last conjunct opens a clause of its own (", and Z was ...").
    let mut merged: Vec<NounPhrase> = Vec::new();
    let mut k = 0;
    while k < raw.len() {
        let mut cur = raw[k].clone();
        let mut m = k + 1;
        let mut pending: Vec<usize> = Vec::new();
        let mut last_end = cur.tokens.end;
        while m < raw.len() {
            let gap = last_end..raw[m].tokens.start;
            let words: Vec<&str> = gap.clone().map(|x| t[x].lower.as_str()).collect();
            let proper = |np: &NounPhrase| !np.mentions.is_empty();
            if !(proper(&cur) && proper(&raw[m])) {
                break;
            }
            match words.as_slice() {
                [","] => {
                    pending.push(m);
                    last_end = raw[m].tokens.end;
                    m += 1;
                }
                ["and"] | ["or"] | [",", "and"] | [",", "or"] | ["as", "well", "as"] => {
                    // Past an appositive: ", and Z, the nominee, has said".
                    let mut after = raw[m].tokens.end;
                    if t.get(after).is_some_and(|x| x.lower == ",") {
                        let close = (after + 1..n.min(after + 14)).find(|&x| t[x].lower == ",");
                        if let Some(c) = close.filter(|&c| {
                            t[after + 1..c]
                                .iter()
                                .all(|x| !matches!(x.pos, Pos::Verb(_) | Pos::Modal))
                        }) {
                            after = c + 1;
                        }
                    }
                    let opens_clause = words[0] == ","
                        && t.get(after).is_some_and(|x| {
                            matches!(x.pos, Pos::Verb(_) | Pos::Modal)
                                && !matches!(x.pos, Pos::Verb(VForm::Gerund))
                        });
                    // "X, and Y ... are": two names need no comma; with one
                    // the "and" joins clauses (lists of three have more).
                    let two_with_comma = words[0] == "," && pending.is_empty();
                    if opens_clause || two_with_comma {
                        break;
                    }
                    for &p in pending.iter().chain(std::iter::once(&m)) {
                        cur.mentions.extend(raw[p].mentions.iter().copied());
                    }
                    cur.tokens.end = raw[m].tokens.end;
                    pending.clear();
                    m += 1;
                    // A list continues only through commas before its end.
                    break;
                }
                _ => break,
            }
        }
        // Commas without a closing "and" were not a list (appositives).
        let consumed = m - pending.len();
        merged.push(cur);
        k = consumed.max(k + 1);
    }
    for (idx, np) in merged.iter().enumerate() {
        for x in np.tokens.clone() {
            owner[x] = Some(idx);
        }
    }
    // Prepositional phrases attached to a phrase: "talks with X", "X's
    // offer for Y", "the partnership between A and B".
    for idx in 0..merged.len() {
        // "closed on Friday by the regulator": a date takes no phrase.
        if merged[idx].tokens.len() == 1 && is_time(&t[merged[idx].tokens.start]) {
            continue;
        }
        let mut end = merged[idx].tokens.end;
        let mut pps = Vec::new();
        while pps.len() < 3 {
            // "firms, including X and Y", "rivals such as X", "players like X".
            let mut k = end;
            if t.get(k).is_some_and(|x| x.lower == ",") {
                k += 1;
            }
            let cue = match (
                t.get(k).map(|x| x.lower.as_str()),
                t.get(k + 1).map(|x| x.lower.as_str()),
            ) {
                (Some("including" | "like" | "notably" | "especially" | "namely"), _) => {
                    Some(k + 1)
                }
                (Some("such"), Some("as")) => Some(k + 2),
                _ => None,
            };
            if let Some(at) = cue {
                match t.get(at).and_then(|_| owner[at]) {
                    Some(obj) if merged[obj].tokens.start == at && obj != idx => {
                        pps.push(("including".to_string(), obj));
                        end = merged[obj].tokens.end;
                        continue;
                    }
                    _ => break,
                }
            }
            let Some(prep) = t.get(end) else { break };
            // "told regulators that it opposes": "that" opens a clause, it
            // never attaches a phrase to a noun.
            if !matches!(prep.pos, Pos::Prep | Pos::To) || prep.lower == "that" {
                break;
            }
            match t.get(end + 1).and_then(|_| owner[end + 1]) {
                // "at Globex as Initech hires Dana Roe": a conjunction
                // before a clause, not a preposition.
                Some(obj) if opens_clause(t, &prep.lower, merged[obj].tokens.end) => break,
                Some(obj) if merged[obj].tokens.start == end + 1 => {
                    pps.push((prep.lower.clone(), obj));
                    end = merged[obj].tokens.end;
                    // "an investigation into X's takeover of Y": "of" hangs
                    // from the noun just before it, not from the head.
                    if t.get(end).is_some_and(|x| x.lower == "of") {
                        break;
                    }
                }
                _ => break,
            }
        }
        merged[idx].pps = pps;
    }
    // "the deposits and loans of Initech": two common nouns joined share
    // the "of" after the second.
    for idx in 0..merged.len().saturating_sub(1) {
        let (a_np, b_np) = (&merged[idx], &merged[idx + 1]);
        let joined = t
            .get(a_np.tokens.end)
            .is_some_and(|x| matches!(x.lower.as_str(), "and" | "or"))
            && b_np.tokens.start == a_np.tokens.end + 1;
        let common = |np: &NounPhrase| np.mentions.is_empty() && np.noun.is_some();
        if joined && a_np.pps.is_empty() && common(a_np) && common(b_np) {
            if let Some(of) = b_np.pps.iter().find(|(p, _)| p == "of").cloned() {
                merged[idx].pps.push(of);
            }
        }
    }
    a.phrases = merged;
    owner
}

/// Finds verb groups, folding control verbs into the verb they control.
fn verb_groups(g: &Grammar, t: &[Token], owner: &[Option<usize>]) -> Vec<VerbGroup> {
    let n = t.len();
    let mut out = Vec::new();
    let mut i = 0;
    let is_aux = |tok: &Token| matches!(tok.lemma.as_str(), "be" | "have" | "do" | "get");
    while i < n {
        // A participle or gerund inside a noun phrase ("the closing
        // price") is an adjective, not a verb.
        let in_phrase = owner[i].is_some();
        let starts = !in_phrase
            && match t[i].pos {
                Pos::Modal => true,
                Pos::Verb(VForm::Gerund) => {
                    // A gerund opens a group only after an auxiliary (handled
                    // below) or at the start of a participial clause.
                    // "before selecting X", "after dropping Y".
                    let mut p = i;
                    while p > 0 && t[p - 1].pos == Pos::Adv {
                        p -= 1;
                    }
                    // "an order clearing the deal", "an order on Friday
                    // clearing ...": after an instrument.
                    let mut q = i;
                    while q > 0 && matches!(t[q - 1].pos, Pos::Literal(_)) {
                        q -= 1;
                    }
                    let after_instrument = q > 0
                        && matches!(t[q - 1].pos, Pos::Noun | Pos::Plural)
                        && g.instruments.contains(&t[q - 1].lemma);
                    i == 0
                        || after_instrument
                        || matches!(t[i - 1].pos, Pos::Punct | Pos::Conj)
                        || (p > 0
                            && t[p - 1].pos == Pos::Prep
                            && matches!(
                                t[p - 1].lower.as_str(),
                                "before" | "after" | "by" | "while" | "since" | "without" | "upon"
                            ))
                }
                Pos::Verb(_) => true,
                _ => false,
            };
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i;
        let mut last_verb = None;
        // "invest without taking a stake": what is done without is not done.
        let mut negated =
            t[i].pos == Pos::Verb(VForm::Gerund) && i > 0 && t[i - 1].lower == "without";
        let mut modal = false;
        let mut future = false;
        let mut planned = false;
        let mut control = Vec::new();
        let mut passive_aux = false;
        let mut passive = false;
        while j < n {
            let tok = &t[j];
            match tok.pos {
                Pos::Modal => {
                    if matches!(tok.lower.as_str(), "will" | "shall" | "'ll" | "wo") {
                        future = true;
                    } else if g.modals.contains(&tok.lower) || g.modals.contains(&tok.lemma) {
                        modal = true;
                    }
                }
                Pos::Adv => {
                    if matches!(tok.lower.as_str(), "not" | "n't" | "never")
                        || (tok.lower == "no" && t.get(j + 1).is_some_and(|x| x.lower == "longer"))
                    {
                        negated = true;
                    }
                    // Adverbs inside a group are fine; a trailing one is not
                    // part of it (checked when the group closes).
                }
                Pos::Det
                    if tok.lower == "no" && t.get(j + 1).is_some_and(|x| x.lower == "longer") =>
                {
                    negated = true;
                    j += 1;
                }
                Pos::Verb(form) => {
                    if let Some(prev) = last_verb {
                        let prev: &Token = &t[prev];
                        if !is_aux(prev) && !matches!(prev.pos, Pos::Verb(VForm::Participle))
                            || (is_aux(prev)
                                && matches!(form, VForm::Base | VForm::Present | VForm::Past)
                                && prev.lemma != "do")
                        {
                            // Two main verbs in a row: a new group, unless the
                            // first is an aspect verb with a gerund ("began
                            // rolling out", "stopped selling"): a control verb
                            // like "began to roll out".
                            let aspect = matches!(form, VForm::Gerund)
                                && !is_aux(prev)
                                && (g.control_assert.contains(&prev.lemma)
                                    || g.control_negate.contains(&prev.lemma));
                            if aspect {
                                if g.control_negate.contains(&prev.lemma) {
                                    negated = !negated;
                                }
                                control.push(prev.lemma.clone());
                                passive_aux = false;
                            }
                            let continues = aspect
                                || (prev.lemma == "be"
                                    && matches!(form, VForm::Gerund | VForm::Participle))
                                || (matches!(prev.lemma.as_str(), "have" | "get")
                                    && matches!(form, VForm::Participle));
                            if !continues {
                                break;
                            }
                        }
                    }
                    if matches!(form, VForm::Participle) {
                        passive = passive_aux;
                    }
                    passive_aux = matches!(tok.lemma.as_str(), "be" | "get")
                        && !matches!(form, VForm::Gerund)
                        || (tok.lemma == "be" && matches!(form, VForm::Gerund));
                    if !matches!(form, VForm::Participle) {
                        passive = false;
                    }
                    last_verb = Some(j);
                }
                Pos::To => {
                    // "decided (not) to choose", "is expected to", "has yet to".
                    let Some(lv) = last_verb else { break };
                    if !t
                        .get(j + 1)
                        .is_some_and(|x| matches!(x.pos, Pos::Verb(VForm::Base)))
                        && !t.get(j + 1).is_some_and(|x| x.pos == Pos::Adv)
                    {
                        break;
                    }
                    let ctl = t[lv].lemma.clone();
                    let yet = j > 0 && t[j - 1].lower == "yet";
                    if yet || g.control_negate.contains(&ctl) {
                        negated = !negated || yet;
                        if yet {
                            negated = true;
                        }
                    } else if g.control_plan.contains(&ctl) || (ctl == "be" && passive) {
                        planned = true;
                    } else if g.control_assert.contains(&ctl) {
                    } else if ctl == "be" || ctl == "have" {
                        // "is to", "has to": an obligation or a plan.
                        modal = true;
                    } else {
                        // An unknown verb before "to": a goal, not a fact.
                        modal = true;
                    }
                    if t[lv].lemma == "set"
                        || (ctl == "be" && t.get(lv).is_some_and(|x| x.lower == "set"))
                    {
                        future = true;
                    }
                    control.push(ctl);
                    passive = false;
                    passive_aux = false;
                    last_verb = None;
                }
                // "sued on Thursday to block": a date between a verb and its
                // "to" complement is an adverbial inside the group.
                Pos::Literal(_)
                    if last_verb.is_some()
                        && !tok.lower.contains(['$', '%', '€', '£', '"'])
                        && t.get(j + 1).is_some_and(|x| x.pos == Pos::To)
                        && t.get(j + 2)
                            .is_some_and(|x| matches!(x.pos, Pos::Verb(VForm::Base))) => {}
                _ => break,
            }
            j += 1;
        }
        let Some(head) =
            last_verb.or_else(|| (start..j).rev().find(|&k| matches!(t[k].pos, Pos::Verb(_))))
        else {
            i = j.max(i + 1);
            continue;
        };
        // "demanded that Globex be sold": a bare "be" after no modal and no
        // "to" is a subjunctive, a demand or a wish, not a fact.
        let first_verb = (start..j).find(|&k| matches!(t[k].pos, Pos::Verb(_) | Pos::Modal));
        if first_verb.is_some_and(|k| t[k].lower == "be")
            && !(start > 0 && t[start - 1].pos == Pos::To)
        {
            modal = true;
        }
        // Trailing adverbs belong to what follows.
        let end = head + 1;
        let mut first = start;
        while first > 0 && t[first - 1].pos == Pos::Adv {
            first -= 1;
        }
        let adverbs = (first..end)
            .filter(|&k| t[k].pos == Pos::Adv)
            .map(|k| t[k].lower.clone())
            .collect();
        out.push(VerbGroup {
            adverbs,
            tokens: start..end,
            head,
            lemma: t[head].lemma.clone(),
            passive,
            negated,
            modal,
            planned,
            future,
            control,
        });
        i = end.max(i + 1);
    }
    out
}

/// Assembles clauses around the verb groups.
fn clauses(
    g: &Grammar,
    norm: &str,
    a: &mut Analysis,
    owner: &[Option<usize>],
    groups: Vec<VerbGroup>,
) {
    let t = &a.tokens;
    let phrases = &a.phrases;
    let n = t.len();
    // The phrase a phrase hangs from ("X" in "talks with X" hangs from
    // "talks"), so that a subject is the top of its chain.
    let mut parent = vec![None; phrases.len()];
    // Whether the link to the parent is a subordinator ("after").
    let mut subordinate = vec![false; phrases.len()];
    for (i, np) in phrases.iter().enumerate() {
        for (p, c) in &np.pps {
            parent[*c] = Some(i);
            subordinate[*c] = matches!(p.as_str(), "after" | "before" | "until" | "while");
        }
    }
    // A verb's subject climbs no subordinator: in "hours after members of
    // the union rejected the offer" the members reject it.
    let top_subject = |mut i: usize| {
        while let Some(p) = parent[i].filter(|_| !subordinate[i]) {
            i = p;
        }
        i
    };
    // "to buy": a verb group after "to".
    let infinitive = |x: &VerbGroup| x.tokens.start > 0 && t[x.tokens.start - 1].pos == Pos::To;
    let mut out: Vec<Clause> = Vec::new();
    let mut last_speech: Option<(usize, Option<usize>)> = None;
    // Per clause: its subject is the owner of a plan noun ("X's plan to").
    let mut noun_subjects: Vec<bool> = Vec::new();
    // Where the reason cues' literals last occur, found on first need.
    let mut cue_literals: Option<Vec<Option<usize>>> = None;
    for (gi, vg) in groups.iter().enumerate() {
        let next_start = groups.get(gi + 1).map_or(n, |x| x.tokens.start);
        // Subject: to the left, over adverbs, inserts and relative pronouns.
        let mut k = vg.tokens.start;
        let mut subject = None;
        let mut relative = false;
        while k > 0 {
            let p = &t[k - 1];
            match p.pos {
                Pos::Adv => k -= 1,
                Pos::Wh | Pos::Det if matches!(p.lower.as_str(), "which" | "who" | "that") => {
                    relative = true;
                    k -= 1;
                    if k > 0 && t[k - 1].lower == "," {
                        k -= 1;
                    }
                }
                Pos::Punct if p.lower == "," => {
                    // ", the carmaker," or ", which ...,": skip the insert.
                    let back = (k.saturating_sub(16)..k - 1)
                        .rev()
                        .find(|&x| t[x].lower == ",");
                    match back {
                        Some(b) if b > 0 && owner[b - 1].is_some() => {
                            // "Two executives, Dana Roe and Sam Lee, were
                            // named": the names the insert gives are who.
                            let general = owner[b - 1].is_some_and(|o| {
                                phrases[o].mentions.is_empty()
                                    && t[phrases[o].head].pos == Pos::Plural
                            });
                            let named = owner[b + 1].filter(|&o| {
                                !phrases[o].mentions.is_empty() && phrases[o].tokens.end == k - 1
                            });
                            if let (true, Some(o)) = (general, named) {
                                subject = Some(o);
                                break;
                            }
                            k = b;
                        }
                        _ => break,
                    }
                }
                _ => {
                    if let Some(o) = owner[k - 1] {
                        // "The regulator on Friday approved": a date or a
                        // figure standing alone is an adverbial, not the
                        // subject; look past it.
                        let literal = phrases[o]
                            .tokens
                            .clone()
                            .all(|x| matches!(t[x].pos, Pos::Literal(_)));
                        if literal && phrases[o].tokens.start > 0 {
                            k = phrases[o].tokens.start;
                            continue;
                        }
                        subject = Some(top_subject(o));
                        // "members who cast ballots approved the deal": the
                        // object of a relative clause just before is not
                        // the subject; the relative's own subject is.
                        if let Some(rel) = out.last().filter(|c| {
                            c.object == subject
                                && c.verb.tokens.start > 0
                                && c.verb.tokens.end <= k
                                && matches!(
                                    t[c.verb.tokens.start - 1].lower.as_str(),
                                    "who" | "which" | "that"
                                )
                        }) {
                            subject = rel.subject;
                        }
                    }
                    break;
                }
            }
        }
        // "X's plan to sell Y", "its offer to buy Z": the plan's owner acts,
        // and what it plans is a plan, not a fact.
        let mut planned_noun = false;
        let start = vg.tokens.start;
        if subject.is_none()
            && start >= 2
            && t[start - 1].pos == Pos::To
            && t[vg.head].pos == Pos::Verb(VForm::Base)
        {
            if let Some(o) = owner[start - 2].filter(|&o| {
                phrases[o].tokens.end == start - 1
                    && phrases[o]
                        .noun
                        .as_ref()
                        .is_some_and(|n| g.control_plan.contains(n))
            }) {
                subject = Some(o);
                planned_noun = true;
            }
            // A headline's "Globex to cut 900 jobs": the name opening the
            // sentence plans what follows "to".
            if let Some(o) = owner[start - 2].filter(|&o| {
                phrases[o].tokens.start == 0
                    && phrases[o].tokens.end == start - 1
                    && !phrases[o].mentions.is_empty()
            }) {
                if subject.is_none() {
                    subject = Some(o);
                    planned_noun = true;
                }
            }
        }
        // "signed an order clearing X": the instrument's issuer acts.
        if let Some(sj) = subject {
            let instrument = t[vg.head].pos == Pos::Verb(VForm::Gerund)
                && phrases[sj].mentions.is_empty()
                && phrases[sj]
                    .noun
                    .as_ref()
                    .is_some_and(|n| g.instruments.contains(n));
            if let Some(prev) = out
                .last()
                .filter(|c: &&Clause| instrument && c.object == Some(sj))
            {
                subject = prev.subject;
            }
        }
        // A participial clause ("..., before ultimately selecting X", "after
        // dropping Y") has the subject of the clause before it.
        if subject.is_none() && t[vg.head].pos == Pos::Verb(VForm::Gerund) && vg.tokens.start > 0 {
            // Not a plan's owner: "rejected X's plan to sell Y, writing
            // that..." is written by whoever rejected it.
            subject = out
                .iter()
                .zip(&noun_subjects)
                .rev()
                .find(|(_, by_noun)| !**by_noun)
                .and_then(|(c, _): (&Clause, _)| c.subject);
        }
        // "X said it had ended the deal, a day after judges blocked it, and
        // sued Y": a finite verb coordinated by "and" with no subject of its
        // own has the subject of the last clause of the same form that is
        // not a subordinate insert ("after judges blocked it").
        // So does a verb group opened by a modal after one so opened ("X
        // will keep the fee, and will instead list Y").
        let modal = t[vg.tokens.start].pos == Pos::Modal;
        // "had retired and given up his seat": a participle sharing the
        // perfect's auxiliary.
        let perfect_shared = t[vg.head].pos == Pos::Verb(VForm::Participle)
            && vg.tokens.len() == 1
            && out.last().is_some_and(|c: &Clause| {
                t[c.verb.head].pos == Pos::Verb(VForm::Participle)
                    && t[c.verb.tokens.clone()].iter().any(|x| x.lemma == "have")
            });
        if subject.is_none()
            && start > 0
            && t[start - 1].lower == "and"
            && (modal
                || perfect_shared
                || matches!(t[vg.head].pos, Pos::Verb(VForm::Past | VForm::Present)))
        {
            let form = t[vg.head].pos;
            subject = out
                .iter()
                .rev()
                .filter(|c| {
                    if modal {
                        t[c.verb.tokens.start].pos == Pos::Modal
                    } else {
                        t[c.verb.head].pos == form
                    }
                })
                .find(|c| {
                    // Back from its verb to the comma before: no subordinator.
                    let v = c.verb.tokens.start;
                    let from = (0..v)
                        .rev()
                        .find(|&x| t[x].lower == ",")
                        .map_or(0, |x| x + 1);
                    !t[from..v]
                        .iter()
                        .any(|x| SUBORDINATORS.contains(&x.lower.as_str()))
                })
                .and_then(|c| c.subject);
        }
        // "Globex takes the ruling to court, sues Initech" (a headline): a
        // present-tense verb after a comma, with no subject of its own, has
        // the subject of the present-tense clause just before.
        if subject.is_none()
            && start > 0
            && t[start - 1].lower == ","
            && matches!(t[vg.head].pos, Pos::Verb(VForm::Present | VForm::Base))
            && t[vg.tokens.start].pos != Pos::Modal
        {
            subject = out
                .last()
                .filter(|c| t[c.verb.head].pos == Pos::Verb(VForm::Present))
                .and_then(|c| c.subject);
        }
        // Object, particles and prepositional arguments, to the right.
        let mut j = vg.tokens.end;
        let mut object = None;
        let mut whole = false;
        let mut second = None;
        let mut particles = Vec::new();
        let mut preps = Vec::new();
        let limit = next_start.min(n);
        while j < limit {
            let tok = &t[j];
            // "told regulators that ...": the complement is a clause of its
            // own, not an argument of this verb ("turned that offer down":
            // a determiner before its noun is the object's).
            if tok.lower == "that"
                && !(tok.pos == Pos::Det
                    && t.get(j + 1)
                        .is_some_and(|x| matches!(x.pos, Pos::Noun | Pos::Plural | Pos::Adj)))
            {
                break;
            }
            let follows_np_at = |k: usize| {
                t.get(k)
                    .and_then(|_| owner[k])
                    .is_some_and(|o| phrases[o].tokens.start == k)
            };
            // "walked out on Tuesday": a date is no particle's object.
            let date_after_particle =
                !matches!(tok.lower.as_str(), "on" | "in" | "over" | "through")
                    && g.particles.contains(&tok.lower)
                    && owner
                        .get(j + 1)
                        .copied()
                        .flatten()
                        .is_some_and(|o| phrases[o].tokens.len() == 1 && is_time(&t[j + 1]));
            let follows_np = follows_np_at(j + 1) && !date_after_particle;
            // "takes over as Globex hires Dana Roe": a conjunction before a
            // clause of its own, not a preposition.
            let before_clause =
                || owner[j + 1].is_some_and(|o| opens_clause(t, &tok.lower, phrases[o].tokens.end));
            if matches!(tok.pos, Pos::Prep | Pos::To | Pos::Particle | Pos::Adv)
                && follows_np
                && (matches!(tok.pos, Pos::Prep | Pos::To) || g.particles.contains(&tok.lower))
                && !before_clause()
            {
                let o = owner[j + 1].unwrap_or(0);
                preps.push((tok.lower.clone(), o));
                j = phrases[o].tokens.end;
                continue;
            }
            if g.particles.contains(&tok.lower)
                && matches!(tok.pos, Pos::Particle | Pos::Adv | Pos::Prep)
            {
                particles.push(tok.lower.clone());
                j += 1;
                continue;
            }
            // "bought all of the assets", "sold most of its stake": the
            // share named is of the phrase after "of", which is the object.
            if object.is_none()
                && preps.is_empty()
                && matches!(
                    tok.lower.as_str(),
                    "all"
                        | "most"
                        | "some"
                        | "much"
                        | "part"
                        | "half"
                        | "many"
                        | "none"
                        | "each"
                        | "both"
                        | "any"
                        | "majority"
                        | "bulk"
                        | "rest"
                )
                && owner[j].map_or(true, |o| phrases[o].tokens.len() == 1)
                && t.get(j + 1).is_some_and(|x| x.lower == "of")
                && follows_np_at(j + 2)
            {
                whole = tok.lower == "all";
                j += 2;
                continue;
            }
            if tok.pos == Pos::Adv {
                j += 1;
                continue;
            }
            if let Some(o) = owner[j] {
                // "quit on Friday", "was fired Friday": a time is no object.
                if phrases[o].tokens.len() == 1 && is_time(&t[j]) {
                    j = phrases[o].tokens.end;
                    continue;
                }
                if object.is_none() && preps.is_empty() && phrases[o].tokens.start == j {
                    object = Some(o);
                    j = phrases[o].tokens.end;
                    // "ruled X out".
                    continue;
                }
                // "granted the regulator an injunction": the thing given.
                if object.is_some()
                    && second.is_none()
                    && preps.is_empty()
                    && particles.is_empty()
                    && phrases[o].tokens.start == j
                {
                    second = Some(o);
                }
                j = phrases[o].tokens.end;
                continue;
            }
            // "succeeds the interim co-chiefs, Dana Roe and Sam Lee": a
            // plural common noun named by the names after it.
            if tok.lower == "," && preps.is_empty() {
                if let (Some(o), Some(names)) = (object, t.get(j + 1).and_then(|_| owner[j + 1])) {
                    let head = &t[phrases[o].head];
                    let general = phrases[o].mentions.is_empty()
                        && phrases[o].tokens.end == j
                        && (head.pos == Pos::Plural
                            || (head.pos == Pos::Proper && head.lower.ends_with('s')));
                    if general
                        && phrases[names].tokens.start == j + 1
                        && phrases[names].mentions.len() >= 2
                    {
                        object = Some(names);
                        j = phrases[names].tokens.end;
                        continue;
                    }
                }
            }
            // ", its first partner," after the object: skip the appositive
            // (with its own prepositional phrases: ", the co-founder of
            // Initech,").
            if tok.lower == "," && object.is_some() {
                if let Some(o) = t.get(j + 1).and_then(|_| owner[j + 1]) {
                    let mut after = phrases[o].tokens.end;
                    let mut last = o;
                    while let Some(&(_, pp)) = phrases[last].pps.last() {
                        if phrases[pp].tokens.end <= after {
                            break;
                        }
                        after = phrases[pp].tokens.end;
                        last = pp;
                    }
                    if t.get(after).is_some_and(|x| x.lower == ",")
                        && phrases[o].mentions.is_empty()
                    {
                        j = after + 1;
                        continue;
                    }
                    // A longer one, with no verb, opened by a determiner:
                    // ", the co-founder and former head of Initech,".
                    let close = (j + 1..limit.min(j + 20)).find(|&x| t[x].lower == ",");
                    if let Some(close) = close.filter(|_| t[j + 1].pos == Pos::Det) {
                        let verbless = t[j + 1..close]
                            .iter()
                            .all(|x| !matches!(x.pos, Pos::Verb(_) | Pos::Modal | Pos::Wh));
                        if verbless {
                            j = close + 1;
                            continue;
                        }
                    }
                }
            }
            // "bought the deposits and loans of Initech": two common nouns
            // share what follows them.
            if matches!(tok.lower.as_str(), "and" | "or")
                && preps.is_empty()
                && object
                    .is_some_and(|o| phrases[o].mentions.is_empty() && phrases[o].tokens.end == j)
                && follows_np
            {
                let o = owner[j + 1].unwrap_or(0);
                if phrases[o].mentions.is_empty() && phrases[o].noun.is_some() {
                    j = phrases[o].tokens.end;
                    continue;
                }
            }
            // ", who ran Initech, as its chief": a relative clause's comma
            // closes it; what follows is the main clause's.
            if tok.lower == "," && t.get(j + 1).is_some_and(|x| matches!(x.pos, Pos::Prep)) {
                if relative {
                    break;
                }
                j += 1;
                continue;
            }
            break;
        }
        // "named Dana Roe, who ran Initech, as its chief executive": past
        // a relative clause set off by commas, the main clause goes on.
        if !relative
            && t.get(j).is_some_and(|x| x.lower == ",")
            && t.get(j + 1)
                .is_some_and(|x| matches!(x.lower.as_str(), "who" | "which"))
        {
            let close = (j + 2..n.min(j + 30)).find(|&x| t[x].lower == ",");
            if let Some(close) = close {
                let prep = t.get(close + 1).filter(|x| matches!(x.pos, Pos::Prep));
                let np = t.get(close + 2).and_then(|_| owner[close + 2]);
                if let (Some(p), Some(o)) = (prep, np) {
                    if phrases[o].tokens.start == close + 2 {
                        preps.push((p.lower.clone(), o));
                    }
                }
            }
        }
        // "bought $500 million of Initech stock": what is bought is the
        // stock; the figure is how much of it.
        if let Some(o) = object {
            let figure = phrases[o].tokens.len() == 1
                && matches!(t[phrases[o].tokens.start].pos, Pos::Literal(_))
                && t[phrases[o].tokens.start].lower.starts_with(|c: char| {
                    c.is_ascii_digit() || matches!(c, '$' | '€' | '£' | '¥')
                });
            if let Some(&(_, of)) = preps.first().filter(|(p, of)| {
                figure && p == "of" && phrases[*of].tokens.start == phrases[o].tokens.end + 1
            }) {
                object = Some(of);
                preps.remove(0);
            }
        }
        // Speech: "X said (that) ..." reports the clauses after it.
        let speech = g.is_speech(&vg.lemma);
        let before = &norm[..t[vg.tokens.start].span.start];
        let speculative = g
            .speculation
            .as_ref()
            .is_some_and(|r| r.is_match(before.as_bytes()));
        let verb_end = t[vg.head].span.end;
        // The earliest cue after the verb; a cue with a group starts the
        // reason at the group ("after repeated delays" keeps "repeated").
        let reason = (|| {
            let rest = &norm[verb_end..];
            let last =
                cue_literals.get_or_insert_with(|| g.reason_literals.last_starts(norm.as_bytes()));
            if !(0..g.reason_literals.len())
                .any(|c| g.reason_literals.may_match_from(c, last, verb_end))
            {
                return None;
            }
            if !g.any_reason.as_ref()?.is_match(rest.as_bytes()) {
                return None;
            }
            let perfect = t[vg.tokens.clone()].iter().any(|x| {
                x.lemma == "have"
                    && x.pos != Pos::Verb(VForm::Base)
                    && x.span.start < t[vg.head].span.start
            });
            let (at, start) = g
                .reason
                .iter()
                .enumerate()
                .filter(|&(c, _)| g.reason_literals.may_match_from(c, last, verb_end))
                .filter_map(|(_, (p, r))| {
                    let r = r.get_or_init(|| ascii(p).expect("a reason cue's syntax is checked"));
                    let mut c = r.create_captures();
                    r.captures(rest.as_bytes(), &mut c);
                    let m = c.get_match()?;
                    // "has opposed the deal since it was announced": after a
                    // perfect, "since" says from when, not why.
                    if perfect && rest[m.start()..].trim_start().starts_with("since") {
                        return None;
                    }
                    Some((m.start(), c.get_group(1).map_or(m.end(), |g| g.start)))
                })
                .min()?;
            // A cue after a later verb is that verb's reason ("rolled it
            // out, a year after it was delayed over concerns"); but a
            // reason set off by a comma ("terminated its agreement to buy
            // Initech, citing ...") is the finite verb's, over the
            // infinitives in its object.
            let set_off = rest[at..].trim_start().starts_with(',');
            let over_infinitives = set_off
                && !infinitive(vg)
                && groups[gi + 1..]
                    .iter()
                    .take_while(|x| t[x.tokens.start].span.start < verb_end + at)
                    .all(infinitive);
            if next_start < n && verb_end + at > t[next_start].span.start && !over_infinitives {
                return None;
            }
            let from = verb_end + start;
            let mut to = norm[from..].find([';']).map_or(norm.len(), |x| from + x);
            let mut text = norm[from..to].trim_end();
            text = text.trim_end_matches(['.', ',', ' ']);
            if let Some(tail) = &g.reason_tail {
                if let Some(tm) = tail
                    .find(text.as_bytes())
                    .filter(|m| text.is_char_boundary(m.start()))
                {
                    text = text[..tm.start()].trim_end_matches([',', ' ']);
                }
            }
            to = from + text.len();
            let lead = norm[from..to].len() - norm[from..to].trim_start().len();
            (to > from + lead + 2).then_some(from + lead..to)
        })();
        // "X sued to block Y's proposed takeover, arguing that ...": a
        // participle or an infinitive inside the clause before does not
        // take its reason too.
        let reason = reason.filter(|r| {
            !out.last().is_some_and(|c: &Clause| {
                c.reason.as_ref() == Some(r)
                    && (t[vg.head].pos == Pos::Verb(VForm::Participle) || infinitive(vg))
            })
        });
        let reported_by = match last_speech {
            Some((end, subj)) if end <= vg.tokens.start => subj,
            _ => None,
        };
        // "X said they had ended the talks": a bare pronoun opening the
        // reported clause is the speaker.
        if subject.is_none() && reported_by.is_some() && k > 0 {
            let p = &t[k - 1];
            if p.pos == Pos::Pron
                && matches!(p.lower.as_str(), "they" | "it" | "he" | "she" | "we")
                && owner[k - 1].is_none()
            {
                subject = reported_by;
            }
        }
        // "prevented the deal from being completed", "barred X from
        // buying Y": the complement did not happen.
        let verb_group_end = vg.tokens.end;
        let mut vg = vg.clone();
        vg.planned |= planned_noun;
        noun_subjects.push(planned_noun);
        let mut b = vg.tokens.start;
        while b > 0 && matches!(t[b - 1].lower.as_str(), "being" | "having" | "been") {
            b -= 1;
        }
        if b > 0
            && t[b - 1].lower == "from"
            && out
                .last()
                .is_some_and(|c| g.prevent.contains(&c.verb.lemma))
        {
            vg.negated = true;
        }
        // "urged regulators to reject the deal": what the object is urged to
        // do is a wish, and the object is its subject.
        if vg.tokens.start > 0 && t[vg.tokens.start - 1].pos == Pos::To {
            if let Some(prev) = out
                .last()
                .filter(|c| c.object.is_some() && g.control_plan.contains(&c.verb.lemma))
            {
                vg.planned = true;
                if subject.is_none() {
                    subject = prev.object;
                }
            }
        }
        // "will vest after the deal closes": a time clause in the present
        // tense is about the future.
        if t[vg.head].pos == Pos::Verb(VForm::Present) {
            let opener = subject
                .map(|s| phrases[s].tokens.start)
                .and_then(|s| s.checked_sub(1))
                .map(|s| t[s].lower.as_str());
            if matches!(opener, Some("after" | "before" | "until" | "once" | "when")) {
                vg.future = true;
            }
        }
        let verb_start = vg.tokens.start;
        out.push(Clause {
            verb: vg,
            subject,
            object,
            second,
            whole,
            particles,
            preps,
            speculative,
            reported_by,
            reason,
            // From the subject on: a date between subject and verb ("on
            // Friday") dates the clause too.
            tokens: subject.map_or(verb_start, |sj| phrases[sj].tokens.start.min(verb_start))
                ..limit,
        });
        if speech {
            last_speech = Some((verb_group_end, subject));
        }
    }
    a.clauses = out;
}

impl Analysis {
    /// The tokens of a phrase as text.
    pub fn phrase_text<'a>(&self, norm: &'a str, np: usize) -> &'a str {
        let r = &self.phrases[np].tokens;
        &norm[self.tokens[r.start].span.start..self.tokens[r.end - 1].span.end]
    }

    /// One line per clause, for `check --tags`.
    pub fn describe(&self, norm: &str) -> Vec<String> {
        let np = |i: Option<usize>| {
            i.map_or("-".to_string(), |i| {
                format!("[{}]", self.phrase_text(norm, i))
            })
        };
        self.clauses
            .iter()
            .map(|c| {
                let mut flags = Vec::new();
                if c.verb.passive {
                    flags.push("passive");
                }
                if c.verb.negated {
                    flags.push("negated");
                }
                if c.verb.modal {
                    flags.push("modal");
                }
                if c.verb.planned {
                    flags.push("planned");
                }
                if c.verb.future {
                    flags.push("future");
                }
                if c.speculative {
                    flags.push("speculative");
                }
                let mut s = format!(
                    "{} <{}{}{}> {}",
                    np(c.subject),
                    c.verb
                        .control
                        .iter()
                        .map(|x| format!("{x}+"))
                        .collect::<String>(),
                    c.verb.lemma,
                    c.particles
                        .iter()
                        .map(|p| format!(" {p}"))
                        .collect::<String>(),
                    np(c.object)
                );
                if c.second.is_some() {
                    s.push_str(&format!(" +[{}]", np(c.second).trim_matches(['[', ']'])));
                }
                for (p, o) in &c.preps {
                    s.push_str(&format!(" {p}:{}", np(Some(*o))));
                }
                if !flags.is_empty() {
                    s.push_str(&format!(" ({})", flags.join(", ")));
                }
                if let Some(r) = &c.reason {
                    s.push_str(&format!(" because: {}", &norm[r.clone()]));
                }
                s
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::corpus::Reader;
    use crate::extract::Extractor;

    /// The clause lines `check --tags` prints for one sentence.
    fn clauses(sentence: &str) -> Vec<String> {
        // The examples' cast (Northwind, Globex, Initech...) as the gazetteer.
        let mut config = Config::embedded().unwrap();
        config.entities = config.example_entities.clone();
        config.entities.push(config.entities[1].clone());
        config.entities.last_mut().unwrap().name = "Contoso".into();
        let extractor = Extractor::new(&config).unwrap();
        let article = Reader::new(&config.corpus)
            .unwrap()
            .parse("t.txt", sentence)
            .unwrap();
        extractor
            .explain(&[article])
            .into_iter()
            .filter_map(|l| l.trim().strip_prefix("clause: ").map(str::to_string))
            .collect()
    }

    #[test]
    fn voice_negation_control_and_particles_fold_into_one_group() {
        assert_eq!(
            clauses("Globex was ruled out by Northwind."),
            ["[Globex] <rule out> - by:[Northwind] (passive)"]
        );
        assert_eq!(
            clauses("Northwind decided not to choose Globex."),
            ["[Northwind] <decide+choose> [Globex] (negated)"]
        );
        assert_eq!(
            clauses("Northwind has yet to confirm the deal."),
            ["[Northwind] <have+confirm> [the deal] (negated)"]
        );
        assert_eq!(
            clauses("Northwind is expected to partner with Globex."),
            ["[Northwind] <expect+partner> - with:[Globex] (planned)"]
        );
    }

    #[test]
    fn an_ordinal_adverb_and_a_noun_read_as_a_verb_are_mended() {
        // The tagger reads "first" as an adjective and "delayed" as a
        // participle; "court" after "appeals" as a verb.
        assert_eq!(
            clauses("Globex first delayed the launch on Monday."),
            ["[Globex] <delay> [the launch]"]
        );
        assert_eq!(
            clauses("A federal appeals court upheld the law on Friday."),
            ["[A federal appeals court] <uphold> [the law]"]
        );
    }

    #[test]
    fn offices_parse_around_times_conjunctions_and_appositives() {
        // A date is no object; a participle after a noun with no other verb
        // is the verb (the events layer splits the name from the office).
        assert_eq!(
            clauses("The board named Dana Roe interim chief executive on Friday."),
            ["[The board] <name> [Dana Roe interim chief executive]"]
        );
        assert_eq!(clauses("Dana Roe quit on Friday."), ["[Dana Roe] <quit> -"]);
        // "as" before a clause is a conjunction.
        assert_eq!(
            clauses("Dana Roe takes over at Northwind as Globex hires Sam Lee."),
            [
                "[Dana Roe] <take over> - at:[Northwind]",
                "[Globex] <hire> [Sam Lee]"
            ]
        );
        // A long appositive is skipped.
        assert_eq!(
            clauses(
                "The board named Dana Roe, the co-founder and former head of Initech, as chair."
            ),
            ["[The board] <name> [Dana Roe] as:[chair]"]
        );
        // Past a relative clause set off by commas, the main clause goes on.
        assert_eq!(
            clauses("The venture named Dana Roe, who ran Initech, as its chief executive."),
            [
                "[The venture] <name> [Dana Roe] as:[its chief executive]",
                "[Dana Roe] <run> [Initech]"
            ]
        );
        // A subjunctive is a demand, not a fact.
        let demanded = clauses("The staff demanded that Dana Roe be reinstated.");
        assert!(demanded[1].contains("modal"), "{demanded:?}");
        // A present-tense time clause is about the future.
        let later = clauses("Shares will vest after the deal closes.");
        assert!(
            later
                .iter()
                .any(|c| c.contains("<close>") && c.contains("future")),
            "{later:?}"
        );
    }

    #[test]
    fn a_reason_after_a_later_verb_is_that_verbs_own() {
        let c = clauses("Northwind released Gizmo on Friday, a year after it was delayed over privacy concerns.");
        let release: Vec<&String> = c.iter().filter(|x| x.contains("<release>")).collect();
        assert_eq!(release.len(), 1, "{c:?}");
        assert!(!release[0].contains("because"), "{c:?}");
    }

    #[test]
    fn since_after_a_perfect_is_a_time_and_a_set_off_reason_skips_infinitives() {
        let c = clauses("The union has opposed the deal since it was announced in December.");
        assert!(!c[0].contains("because"), "{c:?}");
        let c = clauses("Northwind opposed the deal since it would raise prices.");
        assert!(c[0].contains("because"), "{c:?}");
        let c = clauses("Northwind terminated its agreement to buy Globex, citing rising costs.");
        let ended: Vec<&String> = c.iter().filter(|x| x.contains("<terminate>")).collect();
        assert!(ended[0].contains("because"), "{c:?}");
        let bought: Vec<&String> = c.iter().filter(|x| x.contains("<buy>")).collect();
        assert!(bought.iter().all(|x| !x.contains("because")), "{c:?}");
    }

    #[test]
    fn an_aspect_verb_with_a_gerund_folds_like_a_control_verb() {
        assert_eq!(
            clauses("Northwind began rolling out Gizmo on Friday."),
            ["[Northwind] <begin+roll> - out:[Gizmo]"]
        );
        assert_eq!(
            clauses("Northwind stopped selling Gizmo."),
            ["[Northwind] <stop+sell> [Gizmo] (negated)"]
        );
    }

    #[test]
    fn lists_inserts_and_speculation_are_read() {
        assert_eq!(
            clauses("Northwind, the carmaker, tested models from Initech, Contoso and Globex."),
            ["[Northwind] <test> [models] from:[Initech, Contoso and Globex]"]
        );
        let spec = clauses("There is speculation that Northwind dropped Globex.");
        assert!(
            spec.iter()
                .any(|c| c.contains("<drop>") && c.contains("speculative")),
            "{spec:?}"
        );
        let modal = clauses("The regulator could block the deal.");
        assert!(modal.iter().all(|c| c.contains("modal")), "{modal:?}");
    }

    #[test]
    fn shares_coordinated_nouns_and_relatives_after_dates_are_read() {
        // "all of", "most of": the share's phrase is the object.
        assert_eq!(
            clauses("Globex agreed to buy all of the assets of Initech."),
            ["[Globex] <agree+buy> [the assets] of:[Initech]"]
        );
        // Two common nouns joined share the "of" after the second.
        assert_eq!(
            clauses("Globex bought the deposits and loans of Initech."),
            ["[Globex] <buy> [the deposits] of:[Initech]"]
        );
        // "Regulators" opening a sentence is a plural noun, and a date
        // takes no phrase: "which" is the regulator.
        let c = clauses("Regulators closed Initech on Friday by order of the Northwind regulator, which named Globex as receiver.");
        assert!(
            c.iter()
                .any(|c| c.starts_with("[Regulators] <close> [Initech]")),
            "{c:?}"
        );
        // "bought $500 million of X stock": the stock is bought; a gerund
        // after "without" is negated.
        assert_eq!(
            clauses("Globex bought $500 million of Initech stock without taking a seat."),
            [
                "[Globex] <buy> [Initech stock]",
                "[Globex] <take> [a seat] (negated)"
            ]
        );
        // A plural noun named by the names after it.
        assert_eq!(
            clauses("Northwind replaced its suppliers, Initech and Contoso, last year."),
            ["[Northwind] <replace> [Initech and Contoso]"]
        );
        let c = clauses(
            "Initech was closed on Friday by the regulator, which named Globex as receiver.",
        );
        assert!(
            c.iter()
                .any(|c| c.starts_with("[the regulator] <name> [Globex] as:[receiver]")),
            "{c:?}"
        );
    }

    #[test]
    fn a_verb_coordinated_after_an_insert_keeps_the_main_subject() {
        let c = clauses(
            "Northwind said it had ended the deal with Globex, a day after a judge blocked it, and sued Globex.",
        );
        assert!(
            c.iter()
                .any(|c| c.starts_with("[Northwind] <sue> [Globex]")),
            "{c:?}"
        );
        // The insert's subject is not the one kept.
        assert!(!c.iter().any(|c| c.starts_with("[a judge] <sue>")), "{c:?}");
    }

    #[test]
    fn a_modal_verb_coordinated_keeps_the_main_subject() {
        let c = clauses(
            "Northwind will keep the fee that Globex paid in advance, and will instead prepare to list Initech.",
        );
        assert!(
            c.iter()
                .any(|c| c.starts_with("[Northwind] <prepare+list> [Initech]")),
            "{c:?}"
        );
    }

    #[test]
    fn a_double_object_and_a_reason_belong_to_their_own_clause() {
        // "granted the regulator an injunction": the thing given is the second object.
        let given = clauses("Judge Roe granted Northwind a preliminary injunction.");
        assert!(
            given
                .iter()
                .any(|c| c.contains("+[a preliminary injunction]")),
            "{given:?}"
        );
        // The reason is the suit's, not the participle's inside it.
        let sued = clauses(
            "Northwind sued to block Globex's proposed acquisition of Initech, arguing that the deal would raise prices.",
        );
        let with_reason: Vec<&String> = sued.iter().filter(|c| c.contains("because")).collect();
        assert_eq!(with_reason.len(), 1, "{sued:?}");
        assert!(with_reason[0].contains("<sue+block>"), "{sued:?}");
    }

    #[test]
    fn complements_of_saying_and_preventing() {
        // "that" opens the told clause; its subject is not the hearer.
        assert_eq!(
            clauses("Globex has told regulators that it opposes the merger."),
            ["[Globex] <tell> [regulators]", "[it] <oppose> [the merger]"]
        );
        // A bare pronoun opening reported speech is the speaker.
        assert_eq!(
            clauses("Northwind and Globex said they had ended the talks."),
            [
                "[Northwind and Globex] <say> -",
                "[Northwind and Globex] <end> [the talks]"
            ]
        );
        // "prevented X from V-ing": V did not happen.
        // A date between a control verb and its "to" stays in the group.
        assert_eq!(
            clauses("The regulator sued on Thursday to block the merger."),
            ["[The regulator] <sue+block> [the merger] (planned)"]
        );
        assert_eq!(
            clauses("Lawmakers urged regulators to reject the merger."),
            [
                "[Lawmakers] <urge> [regulators]",
                "[regulators] <reject> [the merger] (planned)"
            ]
        );
        assert_eq!(
            clauses("The ruling prevented the deal from being completed."),
            [
                "[The ruling] <prevent> [the deal]",
                "- <complete> - (negated)"
            ]
        );
    }

    #[test]
    fn subordinate_phrases_relatives_dates_and_particles_keep_their_places() {
        // "hours after X rejected": X is the subject, not "hours".
        assert_eq!(
            clauses("Hours after members of the union rejected the offer, the nurses walked out."),
            [
                "[members] <reject> [the offer]",
                "[the nurses] <walk out> -"
            ]
        );
        // A restrictive relative's object is not the next verb's subject.
        assert_eq!(
            clauses("Sixty percent of the members who cast ballots approved the agreement."),
            [
                "[Sixty percent] <cast> [ballots]",
                "[Sixty percent] <approve> [the agreement]"
            ]
        );
        // A date opened by a preposition modifies no noun after it.
        assert_eq!(
            clauses("The members voted 71% against the proposed agreement on Thursday night."),
            ["[The members] <vote> [71%] against:[the proposed agreement]"]
        );
        // A headline's "X to V": X plans it.
        assert_eq!(
            clauses("Globex to cut 900 jobs as sales slump."),
            ["[Globex] <cut> [900 jobs] (planned)", "[sales] <slump> -"]
        );
    }
}
