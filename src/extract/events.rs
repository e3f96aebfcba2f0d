//! Event classes: relations found from clauses, by lemma.
//!
//! Each `[[relation.event]]` of the language file lists its verbs and nouns
//! once, in their base form with their particles and prepositions ("rule
//! out", "pull out of", "partnership with"). Inflection, voice, negation
//! and noun forms come from the clause layer ([`crate::language`]), so
//! "ruled X out", "X was ruled out", "did not rule X out" and "the decision
//! to rule out X" are one entry. A class says what negation does to it
//! (keep a negated fact, drop it, or turn it into another relation: "did not
//! choose X" is a rejection) and whether plans count ("will launch").
//! Modal, conditional and speculative clauses never give a fact.

use std::collections::HashMap;

use serde::Deserialize;

use crate::config::ConfigError;
use crate::extract::mentions::{Mention, Tag};
use crate::language::{Analysis, Clause, Pos, VForm};

/// An event class in config: one `[[relation.event]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventConfig {
    /// Unique name, reported in evidence and errors ("rejected.drop").
    pub name: String,
    /// Verbs in base form, with particles and a final preposition that
    /// introduces the object ("reject", "rule out", "pass on", "pull out of").
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Nouns with the preposition that introduces the object
    /// ("partnership with", "rejection of", "bid for").
    #[serde(default)]
    pub nouns: Vec<String>,
    /// Acts a verb of issuing performs ("injunction": "the judge granted
    /// the regulator an injunction"; "statement of objection"): the verb's
    /// subject is the agent. Head nouns in the singular, with an "of"
    /// complement if the act has one.
    #[serde(default)]
    pub issued: Vec<String>,
    /// The agent is whoever says or finds the clause, whose subject is the
    /// event itself: "the regulator found that the deal would harm
    /// competition" is the regulator's objection.
    #[serde(default)]
    pub speaker_agent: bool,
    /// The party after "from" is the agent, and the verb's patient the
    /// object: "Globex bought Initech from Northwind" is Northwind's sale
    /// of Initech.
    #[serde(default)]
    pub from_agent: bool,
    /// The verbs take a goal whose object is theirs: "sued to block the
    /// deal" is a suit against the deal. Other classes give no fact from a
    /// verb before an infinitive ("chose to sue Initech" is no choice of
    /// Initech).
    #[serde(default)]
    pub goal: bool,
    /// A thing a name modifies stands for that name: "grounded 171 Gizmo
    /// jets" grounds Gizmo (for most classes "the Gizmo deadline" is no
    /// more Gizmo than "the Gizmo deal").
    #[serde(default)]
    pub named_things: bool,
    /// Verbs of urging ("urge", "call on"): the class's verbs give a fact
    /// only as what the urging verb's object is urged to do, and the agent
    /// is whoever urged: "lawmakers urged regulators to reject the deal"
    /// is the lawmakers' objection, not the regulators' rejection.
    #[serde(default)]
    pub urged_by: Vec<String>,
    /// Verbs whose subject is an event noun that this class ends ("talks
    /// with X collapsed": "collapse", "fall through").
    #[serde(default)]
    pub ends: Vec<String>,
    /// "actor": the agent of an agentless passive is the story's actor;
    /// "unnamed": the fact names no agent ("Dana Roe was fired"); "none":
    /// such a passive gives no fact (default).
    #[serde(default)]
    pub agentless: Option<String>,
    /// A thing can act for whoever it belongs to or comes from: "a faulty
    /// update from Northwind crashed computers" is Northwind's doing.
    #[serde(default)]
    pub owned_agents: bool,
    /// The class is about offices: its role is the office given or left
    /// ("as interim chief executive", "named X chief executive", "was
    /// appointed chair"), and a verb given an office ("replaced X as
    /// chair", "dropped X as chief executive") is in no other class.
    #[serde(default)]
    pub office: bool,
    /// No office named, no fact: "named X chief executive" is an
    /// appointment, "named X in the lawsuit" is not.
    #[serde(default)]
    pub role_required: bool,
    /// The clause's subject is whoever takes the office, and nobody is
    /// named who gave it: "took over as chief executive", "returned as
    /// chair", "became chief executive".
    #[serde(default)]
    pub holder_subject: bool,
    /// With no object, the clause's subject is what the event happened
    /// to, and nobody did it: "a door plug blew out", "the servers
    /// crashed".
    #[serde(default)]
    pub undergoer_subject: bool,
    /// What negation does: "keep" (a negated fact, the default), "drop", or
    /// the name of the relation it becomes.
    #[serde(default)]
    pub negated: Option<String>,
    /// Plans and expectations count ("plans to launch", "is expected to").
    #[serde(default)]
    pub plans: bool,
    /// Future claims count ("will launch"); default true.
    #[serde(default = "yes")]
    pub future: bool,
    /// An institution named by a common noun can be the agent ("a federal
    /// judge", "the regulator"): the grammar's `institutions` list.
    #[serde(default)]
    pub institutions: bool,
    /// Common nouns (lemmas) that can be this class's agent, as the
    /// grammar's institutions can: "about 33,000 factory workers went on
    /// strike", "the members ratified the contract".
    #[serde(default)]
    pub agent_nouns: Vec<String>,
    /// The object when the clause names none ("the deal").
    #[serde(default)]
    pub object: Option<String>,
    /// Adverbs that keep a verb out of this class ("initially worked with"
    /// is not today's partner).
    #[serde(default)]
    pub unless_adverbs: Vec<String>,
    /// Adverbs a verb needs to be in this class ("initially").
    #[serde(default)]
    pub adverbs: Vec<String>,
    /// With no named object, the patient's own words are the object ("579
    /// stores"), when they hold a noun.
    #[serde(default)]
    pub topic_objects: bool,
    /// An event noun that is this verb's object did not happen ("explored
    /// a partnership with X" is no partnership); default true.
    #[serde(default = "yes")]
    pub asserts_object: bool,
    /// A deal as the patient ("X's purchase of Y") is the class's default
    /// object, not the parties inside it: a regulator reviews, blocks or
    /// approves the deal, not the buyer.
    #[serde(default)]
    pub deal_object: bool,
    /// The date of this event is the date of the deal it names
    /// ("announced its takeover of Y on Monday").
    #[serde(default)]
    pub dates_object: bool,
    /// Figures the class takes from its clause: "price" (the money paid
    /// for the deal: "for $20 billion", "valued at $N", "a $N takeover",
    /// with "$95 a share" kept apart as per share), "quantity" (a counted
    /// patient: "sold 413 stores") and "figure" (the clause's first
    /// percentage or sum, as its value: "voted 94.6% against", "cut 10% of
    /// its staff", "a loss of $6.2 billion").
    #[serde(default)]
    pub roles: Vec<String>,
    /// Relations whose event, said by its own agent, is this event: "Globex
    /// said on Monday it had agreed to buy Initech" announces the deal
    /// (dated by the saying).
    #[serde(default)]
    pub reports: Vec<String>,
    /// Kinds the agent must be, if any (`["PERSON", "ORG"]`).
    #[serde(default)]
    pub agent_kinds: Vec<String>,
    /// Kinds the object must be, if any.
    #[serde(default)]
    pub object_kinds: Vec<String>,
    /// Head nouns the patient phrase must have, if any: "denied Globex's
    /// request" is a ruling on a request, "denied the report" is not.
    #[serde(default)]
    pub patient_nouns: Vec<String>,
    /// Head nouns that keep a patient out of this class: "bought $500
    /// million of Initech stock" is an investment, not a takeover.
    #[serde(default)]
    pub not_patient_nouns: Vec<String>,
    /// Sentences that must give this relation; `=> subject / object` after
    /// the sentence checks the names too.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Sentences that must not give this relation as a positive fact.
    #[serde(default)]
    pub counterexamples: Vec<String>,
}

/// A compiled frame: one verb or noun of a class.
#[derive(Debug, Clone)]
struct Frame {
    class: usize,
    /// Words after the head: particles, then maybe a preposition.
    rest: Vec<String>,
}

/// A compiled class.
#[derive(Debug, Clone)]
pub struct Class {
    /// Entry name.
    pub name: String,
    /// The relation it gives.
    pub relation: String,
    negated: Negation,
    agentless_actor: bool,
    agentless_unnamed: bool,
    owned_agents: bool,
    office: bool,
    role_required: bool,
    holder_subject: bool,
    undergoer_subject: bool,
    plans: bool,
    future: bool,
    institutions: bool,
    agent_nouns: Vec<String>,
    topic_objects: bool,
    asserts_object: bool,
    deal_object: bool,
    /// The default object is a deal ("the deal"): a patient naming another
    /// event ("its challenge") is that event, not the deal.
    about_deal: bool,
    dates_object: bool,
    speaker_agent: bool,
    from_agent: bool,
    goal: bool,
    named_things: bool,
    urged_by: Vec<String>,
    price: bool,
    quantity: bool,
    figure: bool,
    reports: Vec<String>,
    object: Option<String>,
    unless_adverbs: Vec<String>,
    adverbs: Vec<String>,
    agent_kinds: Vec<String>,
    object_kinds: Vec<String>,
    patient_nouns: Vec<String>,
    not_patient_nouns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Negation {
    Keep,
    Drop,
    Becomes(String),
}

/// All classes, indexed by head lemma.
#[derive(Debug, Default)]
pub struct Classes {
    /// The classes, in config order.
    pub classes: Vec<Class>,
    verbs: HashMap<String, Vec<Frame>>,
    nouns: HashMap<String, Vec<Frame>>,
    ends: HashMap<String, Vec<Frame>>,
    /// Acts, by their words ("injunction", "statement of objection").
    issued: Vec<(String, usize)>,
    /// Verbs of issuing ("grant", "issue", "send").
    issue_verbs: std::collections::HashSet<String>,
    institutions: std::collections::HashSet<String>,
    /// Nouns that name an event that can end ("deal", "talks").
    event_nouns: std::collections::HashSet<String>,
    /// The event nouns that name a deal itself ("merger", not "ruling").
    deal_nouns: std::collections::HashSet<String>,
    /// Every surface form of every head (inflections included): a sentence
    /// with none of them has no event, and is not parsed.
    triggers: std::collections::HashSet<String>,
    /// Offices ("chief executive", "chair"): the tagging's role words.
    offices: Vec<String>,
}

/// One event found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Index of the class.
    pub class: usize,
    /// The relation of the fact (after negation turned it, if it did).
    pub relation: String,
    /// Agent mentions (indices into the sentence's mentions); empty with
    /// `actor` set means the story's actor.
    pub agents: Vec<u16>,
    /// The story's actor is the agent (agentless passive).
    pub actor: bool,
    /// Nobody is named as the agent ("Dana Roe was fired").
    pub unnamed: bool,
    /// An agent named by a common noun ("federal judge").
    pub agent_text: Option<String>,
    /// Object mentions.
    pub objects: Vec<u16>,
    /// Fixed object when there is no mention.
    pub object_text: Option<String>,
    /// Negated fact.
    pub negated: bool,
    /// The clause is modal, planned or speculative (no fact is made of it).
    pub modal: bool,
    /// Byte range of the reason in the sentence, if the clause gives one.
    pub reason: Option<std::ops::Range<usize>>,
    /// Role words after "as" ("its initial partner").
    pub role: Option<String>,
    /// Mention of whoever the clause is reported by.
    pub reported_by: Option<u16>,
    /// Token range of the clause or phrase.
    pub tokens: std::ops::Range<usize>,
    /// The deal's price ("$20 billion"), for classes with a price role.
    pub price: Option<String>,
    /// The price per share ("$95 a share").
    pub per_share: Option<String>,
    /// The counted patient ("413 stores"), for classes with a quantity role.
    pub quantity: Option<String>,
    /// The clause's figure ("94.6%"), for classes with a figure role.
    pub figure: Option<String>,
}

fn yes() -> bool {
    true
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(|w| w.to_lowercase()).collect()
}

impl Classes {
    /// Compiles the classes of every relation; an entry that names an
    /// unknown relation or has nothing to match is an error naming it.
    pub fn new<'a>(
        entries: impl Iterator<Item = (&'a str, &'a EventConfig)>,
        relations: &[String],
        grammar: &crate::language::clause::GrammarConfig,
        offices: &[String],
    ) -> Result<Classes, ConfigError> {
        let (institutions, irregular, event_nouns, deal_nouns, issue_verbs) = (
            &grammar.institutions,
            &grammar.irregular,
            &grammar.event_nouns,
            &grammar.deal_nouns,
            &grammar.issue_verbs,
        );
        let mut out = Classes {
            offices: offices.iter().map(|s| s.to_lowercase()).collect(),
            issue_verbs: issue_verbs.iter().map(|s| s.to_lowercase()).collect(),
            institutions: institutions.iter().map(|s| s.to_lowercase()).collect(),
            event_nouns: event_nouns.iter().map(|s| s.to_lowercase()).collect(),
            deal_nouns: deal_nouns.iter().map(|s| s.to_lowercase()).collect(),
            ..Classes::default()
        };
        let irregular_forms: HashMap<String, Vec<String>> = irregular
            .iter()
            .filter_map(|line| {
                let mut w = line.split_whitespace().map(str::to_lowercase);
                let base = w.next()?;
                Some((base, w.collect()))
            })
            .collect();
        for (relation, e) in entries {
            let bad =
                |message: String| ConfigError::Invalid(format!("event `{}`: {message}", e.name));
            if e.verbs.is_empty() && e.nouns.is_empty() && e.ends.is_empty() && e.issued.is_empty()
            {
                return Err(bad("lists no verbs, nouns, ends or issued acts".into()));
            }
            let negated = match e.negated.as_deref() {
                None | Some("keep") => Negation::Keep,
                Some("drop") => Negation::Drop,
                Some(r) if relations.iter().any(|x| x == r) => Negation::Becomes(r.to_string()),
                Some(r) => {
                    return Err(bad(format!(
                        "negated = {r:?} is not a relation, \"keep\" or \"drop\""
                    )))
                }
            };
            let (agentless_actor, agentless_unnamed) = match e.agentless.as_deref() {
                None | Some("none") => (false, false),
                Some("actor") => (true, false),
                Some("unnamed") => (false, true),
                Some(x) => {
                    return Err(bad(format!(
                        "agentless = {x:?} is not \"actor\", \"unnamed\" or \"none\""
                    )))
                }
            };
            if (e.role_required || e.holder_subject) && !e.office {
                return Err(bad(
                    "role_required and holder_subject need office = true".into()
                ));
            }
            if let Some(r) = e
                .roles
                .iter()
                .find(|r| !matches!(r.as_str(), "price" | "quantity" | "figure"))
            {
                return Err(bad(format!(
                    "roles: {r:?} is not \"price\", \"quantity\" or \"figure\""
                )));
            }
            if let Some(r) = e.reports.iter().find(|r| !relations.contains(r)) {
                return Err(bad(format!("reports: {r:?} is not a relation")));
            }
            let ci = out.classes.len();
            out.classes.push(Class {
                name: e.name.clone(),
                relation: relation.to_string(),
                negated,
                agentless_actor,
                agentless_unnamed,
                owned_agents: e.owned_agents,
                office: e.office,
                role_required: e.role_required,
                holder_subject: e.holder_subject,
                undergoer_subject: e.undergoer_subject,
                plans: e.plans,
                future: e.future,
                institutions: e.institutions,
                agent_nouns: e.agent_nouns.iter().map(|n| n.to_lowercase()).collect(),
                topic_objects: e.topic_objects,
                asserts_object: e.asserts_object,
                deal_object: e.deal_object && e.object.is_some(),
                about_deal: e.object.as_ref().is_some_and(|o| {
                    o.rsplit(' ')
                        .next()
                        .is_some_and(|w| out.deal_nouns.contains(&w.to_lowercase()))
                }),
                dates_object: e.dates_object,
                speaker_agent: e.speaker_agent,
                from_agent: e.from_agent,
                goal: e.goal,
                named_things: e.named_things,
                urged_by: e.urged_by.iter().map(|v| v.to_lowercase()).collect(),
                price: e.roles.iter().any(|r| r == "price"),
                quantity: e.roles.iter().any(|r| r == "quantity"),
                figure: e.roles.iter().any(|r| r == "figure"),
                reports: e.reports.clone(),
                object: e.object.clone(),
                unless_adverbs: e.unless_adverbs.iter().map(|a| a.to_lowercase()).collect(),
                adverbs: e.adverbs.iter().map(|a| a.to_lowercase()).collect(),
                agent_kinds: e.agent_kinds.iter().map(|k| k.to_uppercase()).collect(),
                object_kinds: e.object_kinds.iter().map(|k| k.to_uppercase()).collect(),
                patient_nouns: e.patient_nouns.iter().map(|k| k.to_lowercase()).collect(),
                not_patient_nouns: e
                    .not_patient_nouns
                    .iter()
                    .map(|k| k.to_lowercase())
                    .collect(),
            });
            for (list, map) in [(&e.verbs, &mut out.verbs), (&e.nouns, &mut out.nouns)] {
                for v in list {
                    let w = words(v);
                    let Some((head, rest)) = w.split_first() else {
                        return Err(bad("an empty verb or noun".into()));
                    };
                    map.entry(head.clone()).or_default().push(Frame {
                        class: ci,
                        rest: rest.to_vec(),
                    });
                }
            }
            for act in &e.issued {
                out.issued.push((words(act).join(" "), ci));
            }
            for v in &e.ends {
                let w = words(v);
                let Some((head, rest)) = w.split_first() else {
                    return Err(bad("an empty end verb".into()));
                };
                out.ends.entry(head.clone()).or_default().push(Frame {
                    class: ci,
                    rest: rest.to_vec(),
                });
            }
            // An act's head noun is its last word before any "of".
            let act_heads = e.issued.iter().filter_map(|x| {
                let w = words(x);
                let of = w.iter().position(|x| x == "of").unwrap_or(w.len());
                w[..of].last().cloned()
            });
            for head in act_heads {
                out.triggers.insert(head.clone());
                out.triggers.insert(format!("{head}s"));
            }
            for head in e.verbs.iter().chain(&e.nouns).chain(&e.ends) {
                let Some(head) = words(head).into_iter().next() else {
                    continue;
                };
                for form in inflections(&head) {
                    out.triggers.insert(form);
                }
                for form in irregular_forms.get(&head).into_iter().flatten() {
                    out.triggers.insert(form.clone());
                }
            }
        }
        Ok(out)
    }

    /// Whether a verb (lemma) heads an event of some class.
    pub fn is_event_verb(&self, lemma: &str) -> bool {
        self.verbs.contains_key(lemma)
    }

    /// Could this sentence hold an event? (Any word is a form of a head.)
    pub fn triggered(&self, norm: &str) -> bool {
        norm.split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| w.len() > 1)
            .any(|w| {
                if w.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                    self.triggers.contains(w)
                } else {
                    self.triggers.contains(&w.to_lowercase())
                }
            })
    }

    /// Finds the events of one analysed sentence.
    pub fn find(&self, a: &Analysis, mentions: &[Mention]) -> Vec<Event> {
        let mut out = Vec::new();
        // Which clause a phrase is an argument of.
        let mut governed: Vec<Option<usize>> = vec![None; a.phrases.len()];
        for (ci, c) in a.clauses.iter().enumerate() {
            for np in c
                .subject
                .iter()
                .chain(c.object.iter())
                .chain(c.second.iter())
                .chain(c.preps.iter().map(|(_, o)| o))
            {
                mark(a, *np, ci, &mut governed);
            }
        }
        for c in &a.clauses {
            self.verb_events(a, c, mentions, &mut out);
            self.end_events(a, c, mentions, &mut out);
            self.issued_events(a, c, mentions, &mut out);
        }
        self.noun_events(a, &governed, mentions, &mut out);
        self.announcements(a, mentions, &mut out);
        out
    }

    /// "Globex said on Monday it had agreed to buy Initech": an agent
    /// saying it did what a class `reports` is that class's event (an
    /// announcement), in the clause of the saying, which dates it.
    fn announcements(&self, a: &Analysis, mentions: &[Mention], out: &mut Vec<Event>) {
        let name = |m: u16| match mentions.get(m as usize).map(|x| &x.tag) {
            Some(Tag::Entity { name, .. }) => Some(name.as_str()),
            _ => None,
        };
        let mut found = Vec::new();
        for e in out.iter().filter(|e| !e.modal && !e.negated) {
            let Some(speaker) = e.reported_by else {
                continue;
            };
            let Some(who) = name(speaker) else { continue };
            if !e.agents.iter().any(|&m| name(m) == Some(who)) {
                continue;
            }
            // "said it had completed its acquisition of Y": a deal named
            // inside another event is not what the speaker reports agreeing.
            if !a.clauses.iter().any(|c| c.tokens == e.tokens) {
                continue;
            }
            let Some(said) = a.clauses.iter().find(|c| {
                c.subject
                    .is_some_and(|s| a.phrases[s].mentions.contains(&speaker))
                    && c.tokens.start < e.tokens.start
            }) else {
                continue;
            };
            if said.verb.negated || said.verb.modal || said.speculative {
                continue;
            }
            for (ci, class) in self.classes.iter().enumerate() {
                if !class.reports.contains(&e.relation) {
                    continue;
                }
                found.push(Event {
                    class: ci,
                    relation: class.relation.clone(),
                    agents: vec![speaker],
                    actor: false,
                    unnamed: false,
                    agent_text: None,
                    objects: Vec::new(),
                    object_text: class.object.clone(),
                    negated: false,
                    modal: false,
                    reason: None,
                    role: None,
                    reported_by: None,
                    tokens: said.tokens.clone(),
                    price: e.price.clone(),
                    per_share: None,
                    quantity: None,
                    figure: None,
                });
            }
        }
        for e in found {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }

    /// "X dropped Y", "Y was ruled out", "X decided not to choose Y", and
    /// the control verb itself when it is an event ("X sued to block Y").
    fn verb_events(&self, a: &Analysis, c: &Clause, mentions: &[Mention], out: &mut Vec<Event>) {
        let head = &a.tokens[c.verb.head].lower;
        // "fined", "fines": a base form ending in "e" the lemmatiser may
        // cut too far ("fin").
        let frames = self
            .verbs
            .get(&c.verb.lemma)
            .or_else(|| self.verbs.get(&deinflect(head)))
            .or_else(|| {
                let base = head.strip_suffix("d").or_else(|| head.strip_suffix('s'))?;
                base.ends_with('e').then(|| self.verbs.get(base)).flatten()
            });
        let negative_subject = c.subject.is_some_and(|s| a.phrases[s].negative);
        let modal_aux = c.verb.tokens.clone().any(|k| {
            a.tokens[k].pos == Pos::Modal && !matches!(a.tokens[k].lemma.as_str(), "will" | "shall")
        });
        let reported_by = c
            .reported_by
            .and_then(|s| a.phrases[s].mentions.first().copied());
        // "Globex said it would cut 900 jobs": a "will" reported in the
        // past is a plan (counted by classes that count plans), not a
        // possibility; "would have" is one.
        let reported_would = c.reported_by.is_some() && {
            let modals: Vec<usize> = c
                .verb
                .tokens
                .clone()
                .filter(|&k| a.tokens[k].pos == Pos::Modal)
                .collect();
            matches!(modals.as_slice(), [k] if a.tokens[*k].lower == "would"
                && a.tokens.get(k + 1).is_some_and(|t| t.lower != "have"))
        };
        // The office the clause is about, if any: "as chief executive".
        let as_office = c
            .preps
            .iter()
            .find(|(p, _)| p == "as")
            .is_some_and(|&(_, o)| self.is_office(a, o));
        // "testified before a committee": a frame with its preposition
        // matched is the reading; the bare verb's frame of the same class
        // adds no second fact.
        let mut with_prep: Vec<usize> = Vec::new();
        for f in frames.into_iter().flatten() {
            if f.rest.is_empty() && with_prep.contains(&f.class) {
                continue;
            }
            let class = &self.classes[f.class];
            // "replaced Initech as chair" is about the office, not a rejection.
            if as_office && !class.office {
                continue;
            }
            let has = |list: &[String]| c.verb.adverbs.iter().any(|a| list.contains(a));
            if has(&class.unless_adverbs) || (!class.adverbs.is_empty() && !has(&class.adverbs)) {
                continue;
            }
            if class.speaker_agent {
                self.claimed_event(a, c, f.class, mentions, out);
                continue;
            }
            if !class.urged_by.is_empty() {
                self.urged_event(a, c, f.class, mentions, out);
                continue;
            }
            // The words after the verb: particles, then a preposition.
            let mut patient = None;
            let mut idiom_object = false;
            let mut ok = true;
            for (k, w) in f.rest.iter().enumerate() {
                let last = k + 1 == f.rest.len();
                if c.particles.iter().any(|p| p == w) {
                    // "take their fight over the outage": a "particle"
                    // followed by a determiner after the object is the
                    // object's preposition.
                    let at = (c.verb.head + 1..c.tokens.end.min(a.tokens.len()))
                        .find(|&x| a.tokens[x].lower == *w);
                    let before_np = at
                        .and_then(|x| a.tokens.get(x + 1))
                        .is_some_and(|x| matches!(x.pos, Pos::Det | Pos::PossPron));
                    if f.rest.len() == 1 && c.object.is_some() && before_np {
                        ok = false;
                    }
                    continue;
                }
                // "vote in favour of", "return X to service": a noun that is
                // the object of the preposition before it.
                let noun_of_prep = k > 0
                    && c.preps.iter().any(|(p, o)| {
                        *p == f.rest[k - 1] && a.phrases[*o].noun.as_ref() == Some(w)
                    });
                // "caught fire", "took office": a bare noun after the verb
                // is part of it, not its object.
                let idiom = k == 0
                    && c.object.is_some_and(|o| {
                        let p = &a.phrases[o];
                        p.tokens.len() == 1 && a.tokens[p.tokens.start].lower == *w
                    });
                if idiom {
                    idiom_object = true;
                    continue;
                }
                // "was found guilty", "pleaded guilty to": an adjective right
                // after the verb is part of it, for a class whose patient is
                // named (a default object, "the deal", would stand in for
                // whatever "it was made public" means).
                let adjective = k == 0
                    && class.object.as_deref().map_or(true, str::is_empty)
                    && a.tokens
                        .get(c.verb.tokens.end)
                        .is_some_and(|t| t.lower == *w && t.pos == Pos::Adj)
                    && !matches!(
                        w.as_str(),
                        "down" | "up" | "out" | "off" | "over" | "back" | "on" | "in" | "away"
                    );
                if adjective {
                    continue;
                }
                match c.preps.iter().find(|(p, _)| p == w) {
                    Some((_, o)) if last => patient = Some(*o),
                    Some(_) => {}
                    None if noun_of_prep => {}
                    None => ok = false,
                }
            }
            if !ok {
                continue;
            }
            if patient.is_some() {
                with_prep.push(f.class);
            }
            let object = c.object.filter(|_| !idiom_object);
            let (agent_np, patient_np) = if c.verb.passive {
                let by = c.preps.iter().find(|(p, _)| p == "by").map(|x| x.1);
                (by, patient.or(c.subject))
            } else {
                (c.subject, patient.or(object))
            };
            let (agent_np, patient_np) = match (agent_np, patient_np) {
                // Not the object of a verb before it ("computers that
                // received it overnight crashed": "it" is no subject).
                (Some(s), None)
                    if class.undergoer_subject
                        && !c.verb.passive
                        && !a.phrases[s].tokens.start.checked_sub(1).is_some_and(|k| {
                            matches!(a.tokens[k].pos, Pos::Verb(_) | Pos::Pron | Pos::Mention(_))
                        }) =>
                {
                    (None, Some(s))
                }
                _ if class.undergoer_subject => continue,
                x => x,
            };
            let (agent_np, patient_np) = if class.from_agent {
                let Some(from) = c.preps.iter().find(|(p, _)| p == "from").map(|x| x.1) else {
                    continue;
                };
                (Some(from), patient_np)
            } else {
                (agent_np, patient_np)
            };
            // An office class checks its nouns itself (`office_frame`).
            let noun_ok = class.patient_nouns.is_empty()
                || class.office
                || patient_np.is_some_and(|n| {
                    a.phrases[n]
                        .noun
                        .as_ref()
                        .is_some_and(|w| class.patient_nouns.contains(w))
                });
            // "bought all of Initech's shares" is the whole company.
            let excluded = !c.whole
                && patient_np.is_some_and(|n| {
                    a.phrases[n]
                        .noun
                        .as_ref()
                        .is_some_and(|w| class.not_patient_nouns.contains(w))
                });
            if !noun_ok || excluded {
                continue;
            }
            // With nothing acted on, a class's default object ("the deal")
            // stands in only for a plain use: not "examining whether ...",
            // whose object is a question, nor "appealed to residents to
            // report ...", a plea to people, not to a court.
            if patient_np.is_none() && class.object.is_some() {
                let question = c
                    .preps
                    .iter()
                    .any(|(p, _)| matches!(p.as_str(), "whether" | "if" | "how"));
                let plea = c.preps.iter().any(|(p, o)| {
                    p == "to"
                        && a.phrases[*o].mentions.is_empty()
                        && !a.phrases[*o]
                            .noun
                            .as_ref()
                            .is_some_and(|n| self.institutions.contains(n))
                });
                // "Initech sued for damages": a claim, with no party or deal
                // to stand for.
                let claim = class.goal
                    && c.verb.control.is_empty()
                    && c.preps.iter().any(|(p, _)| p == "for");
                if question || plea || claim {
                    continue;
                }
            }
            let role = c
                .preps
                .iter()
                .find(|(p, _)| p == "as")
                .map(|(_, o)| *o)
                .filter(|&o| a.phrases[o].mentions.is_empty())
                // "as the startup's team lacked...", "as run on a rival
                // leaves it short": a reason, not a role.
                .filter(|&o| {
                    let mut end = a.phrases[o].tokens.end;
                    let mut last = o;
                    while let Some(&(_, pp)) = a.phrases[last].pps.last() {
                        if a.phrases[pp].tokens.end <= end {
                            break;
                        }
                        end = a.phrases[pp].tokens.end;
                        last = pp;
                    }
                    !a.tokens
                        .get(end)
                        .is_some_and(|t| matches!(t.pos, Pos::Verb(_) | Pos::Modal))
                })
                .map(|o| phrase_words(a, o));
            let (role, agent_np, patient_np, holder) = if class.office {
                match self.office_frame(a, c, class, role, agent_np, patient_np) {
                    Some(x) => x,
                    None => continue,
                }
            } else {
                (role, agent_np, patient_np, None)
            };
            // "barred Globex from buying Initech": for a class about the deal,
            // the party kept from a deal with another stands for the deal
            // ("barred Globex from increasing output" is no deal).
            let patient_np = patient_np.filter(|&n| {
                let end = a.phrases[n].tokens.end;
                let kept_from_deal = a.tokens.get(end).is_some_and(|t| t.lower == "from")
                    && a.tokens
                        .get(end + 1)
                        .is_some_and(|t| t.pos == Pos::Verb(VForm::Gerund))
                    && a.tokens
                        .iter()
                        .skip(end + 2)
                        .take(2)
                        .any(|t| matches!(t.pos, Pos::Mention(_)));
                !(class.deal_object && kept_from_deal)
            });
            // "Bitcoin dropped more than 10%": a figure acted on is a change
            // in it, not the deal a default object would stand for.
            let figure = patient_np.is_some_and(|n| {
                let p = &a.phrases[n];
                p.mentions.is_empty()
                    && p.tokens.clone().all(|k| {
                        matches!(
                            a.tokens[k].pos,
                            Pos::Literal(_) | Pos::Num | Pos::Adj | Pos::Adv
                        ) || matches!(a.tokens[k].lower.as_str(), "than" | "%" | "percent")
                    })
                    && p.tokens
                        .clone()
                        .any(|k| matches!(a.tokens[k].pos, Pos::Literal(_) | Pos::Num))
            });
            let figure_after = patient_np.is_none()
                && a.tokens[c.verb.tokens.end.min(a.tokens.len())..]
                    .iter()
                    .find(|t| {
                        !matches!(
                            t.lower.as_str(),
                            "more"
                                | "less"
                                | "than"
                                | "about"
                                | "nearly"
                                | "almost"
                                | "by"
                                | "some"
                                | "over"
                                | "roughly"
                                | "around"
                        )
                    })
                    .is_some_and(|t| {
                        matches!(t.pos, Pos::Literal(_) | Pos::Num)
                            && t.lower.starts_with(|ch: char| {
                                ch.is_ascii_digit() || matches!(ch, '$' | '€' | '£')
                            })
                    });
            if (figure || figure_after) && class.object.as_deref().is_some_and(|o| !o.is_empty()) {
                continue;
            }
            self.push(
                a,
                out,
                f.class,
                Raw {
                    agents: agent_np
                        .filter(|&n| !(class.office && self.owned_institution(a, n)))
                        .map(|n| {
                            let named = self.agents_of(a, n);
                            if named.is_empty() && class.owned_agents {
                                // "the outage at Globex": where it happened too.
                                let at = a.phrases[n]
                                    .pps
                                    .iter()
                                    .filter(|(p, _)| p == "at")
                                    .flat_map(|(_, o)| referents(a, *o));
                                let mut found = referents(a, n);
                                found.extend(at);
                                found.truncate(1);
                                found
                            } else if named.is_empty() && self.members_of_named(a, n, class) {
                                // "Members of the Northwind pilots' union
                                // rejected it": the union did.
                                referents(a, n)
                            } else {
                                named
                            }
                        })
                        .unwrap_or_default(),
                    agent_text: agent_np.and_then(|n| self.institution(a, n, class)),
                    actor: c.verb.passive && agent_np.is_none() && class.agentless_actor,
                    unnamed: class.holder_subject
                        || class.undergoer_subject
                        || c.verb.passive && agent_np.is_none() && class.agentless_unnamed,
                    objects: match holder {
                        Some(m) => vec![m],
                        None => patient_np
                            .map(|n| self.patients_of(a, n, class))
                            .unwrap_or_default(),
                    },
                    named_patient: patient_np.is_some_and(|n| !a.phrases[n].mentions.is_empty()),
                    // An office class's patient is checked (`office_frame`).
                    other_patient: !class.office
                        && patient_np.is_some_and(|n| self.other_thing(a, n, class)),
                    side_event: patient_np
                        .filter(|&n| self.side_event(a, n, class))
                        .map(|n| phrase_all_words(a, n)),
                    // "pays each worker a $12,000 bonus": what is given.
                    patient_text: c
                        .second
                        .filter(|_| {
                            !c.verb.passive
                                && patient.is_none()
                                && GIVING.contains(&c.verb.lemma.as_str())
                        })
                        .or(patient_np)
                        .filter(|&n| a.phrases[n].noun.is_some() && !per_share_unit(a, mentions, n))
                        .map(|n| {
                            patient_words(a, n)
                                .replace(" 's", "'s")
                                .replace(" ’s", "’s")
                        }),
                    negated: c.verb.negated || negative_subject,
                    modal: (c.verb.modal && !reported_would) || c.speculative,
                    planned: c.verb.planned || reported_would,
                    future: c.verb.future,
                    reason: c.reason.clone(),
                    role,
                    reported_by,
                    tokens: c.tokens.clone(),
                    np: None,
                    // What was sold or bought: the object, or the passive's subject.
                    quantity: if c.verb.passive { c.subject } else { c.object }
                        .and_then(|n| counted(a, mentions, n)),
                    figure_tokens: agent_np
                        .map(|n| a.phrases[n].tokens.clone())
                        .filter(|r| r.end <= c.verb.tokens.start),
                    figure_from: Some(c.verb.tokens.start),
                },
                mentions,
            );
        }
        // The control verbs of classes that take a goal: "sued to block".
        // An obligation before one ("will have to sue") is no event.
        if c.verb.passive {
            return;
        }
        for (i, ctl) in c.verb.control.iter().enumerate() {
            let obliged = c.verb.control[..i]
                .iter()
                .any(|v| matches!(v.as_str(), "have" | "need" | "ought"));
            for f in self.verbs.get(ctl).into_iter().flatten() {
                if !f.rest.is_empty() || obliged || !self.classes[f.class].goal {
                    continue;
                }
                let class = &self.classes[f.class];
                self.push(
                    a,
                    out,
                    f.class,
                    Raw {
                        agents: c.subject.map(|n| self.agents_of(a, n)).unwrap_or_default(),
                        agent_text: c.subject.and_then(|n| self.institution(a, n, class)),
                        objects: c
                            .object
                            .map(|n| self.patients_of(a, n, class))
                            .unwrap_or_default(),
                        negated: negative_subject,
                        modal: modal_aux || c.speculative,
                        reason: c.reason.clone(),
                        reported_by,
                        tokens: c.tokens.clone(),
                        ..Raw::default()
                    },
                    mentions,
                );
            }
        }
    }

    /// "Lawmakers urged regulators to reject the deal": the clause `c`
    /// ("regulators reject the deal") is what an urging clause's object was
    /// urged to do; the urger is the agent, and the urging, not the urged
    /// act, decides whether it happened.
    fn urged_event(
        &self,
        a: &Analysis,
        c: &Clause,
        ci: usize,
        mentions: &[Mention],
        out: &mut Vec<Event>,
    ) {
        let class = &self.classes[ci];
        let Some(urged) = c.subject else {
            return;
        };
        let urging = a.clauses.iter().find(|u| {
            u.object == Some(urged)
                && !u.verb.passive
                && (class.urged_by.contains(&u.verb.lemma)
                    || u.particles
                        .first()
                        .is_some_and(|p| class.urged_by.contains(&format!("{} {p}", u.verb.lemma))))
        });
        let Some(u) = urging else {
            return;
        };
        let negative_subject = u.subject.is_some_and(|s| a.phrases[s].negative);
        self.push(
            a,
            out,
            ci,
            Raw {
                agents: u.subject.map(|n| self.agents_of(a, n)).unwrap_or_default(),
                agent_text: u.subject.and_then(|n| self.institution(a, n, class)),
                objects: c
                    .object
                    .map(|n| self.patients_of(a, n, class))
                    .unwrap_or_default(),
                negated: u.verb.negated || negative_subject || c.verb.negated,
                modal: u.verb.modal || u.speculative,
                planned: u.verb.planned,
                future: u.verb.future,
                reason: c.reason.clone().or_else(|| u.reason.clone()),
                reported_by: u
                    .reported_by
                    .and_then(|s| a.phrases[s].mentions.first().copied()),
                tokens: u.tokens.start.min(c.tokens.start)..u.tokens.end.max(c.tokens.end),
                ..Raw::default()
            },
            mentions,
        );
    }

    /// "The regulator said the deal would harm competition": the speaker
    /// objects to the deal. The clause's subject must be an event noun;
    /// "would" is the speaker's claim, not a possibility.
    fn claimed_event(
        &self,
        a: &Analysis,
        c: &Clause,
        ci: usize,
        mentions: &[Mention],
        out: &mut Vec<Event>,
    ) {
        let class = &self.classes[ci];
        let (Some(speaker), Some(subject)) = (c.reported_by, c.subject) else {
            return;
        };
        let np = &a.phrases[subject];
        let event_subject = np.mentions.is_empty()
            && np
                .noun
                .as_ref()
                .is_some_and(|n| self.nouns.contains_key(n) || self.event_nouns.contains(n));
        if !event_subject || c.verb.passive {
            return;
        }
        // Said directly by the speaker: "said the deal would harm", not
        // "said X had not shown that the deal would harm".
        let at = a.clauses.iter().position(|x| std::ptr::eq(x, c));
        let direct = at
            .and_then(|i| i.checked_sub(1))
            .is_some_and(|p| a.clauses[p].subject == Some(speaker));
        if !direct {
            return;
        }
        self.push(
            a,
            out,
            ci,
            Raw {
                agents: self.agents_of(a, speaker),
                agent_text: self.institution(a, speaker, class),
                negated: c.verb.negated,
                modal: c.speculative,
                // What the speaker says the event would do.
                reason: c
                    .tokens
                    .end
                    .checked_sub(1)
                    .map(|last| a.tokens[c.verb.tokens.start].span.start..a.tokens[last].span.end),
                tokens: c.tokens.clone(),
                ..Raw::default()
            },
            mentions,
        );
    }

    /// "Talks with X collapsed", "the deal fell apart": an event noun as
    /// the subject of a verb that ends it.
    fn end_events(&self, a: &Analysis, c: &Clause, mentions: &[Mention], out: &mut Vec<Event>) {
        let Some(frames) = self.ends.get(&c.verb.lemma) else {
            return;
        };
        let Some(s) = c.subject else { return };
        let np = &a.phrases[s];
        // Only an event ends: "talks collapsed", "the deal fell through";
        // "shares fell" is not one.
        let event_noun = np
            .noun
            .as_ref()
            .is_some_and(|n| self.nouns.contains_key(n) || self.event_nouns.contains(n));
        // "The decision ends a search": a transitive use ends something else.
        // "The decision ends a search": a transitive use ends something
        // else ("closed a few days before the deadline" measures time).
        let ends_other = c.object.is_some_and(|o| {
            !a.phrases[o].noun.as_ref().is_some_and(|n| {
                matches!(
                    n.as_str(),
                    "day" | "week" | "month" | "year" | "hour" | "minute" | "quarter"
                )
            })
        });
        if !event_noun || !np.mentions.is_empty() || c.verb.passive || ends_other {
            return;
        }
        let classes: Vec<usize> = frames
            .iter()
            .filter(|f| {
                f.rest
                    .iter()
                    .all(|w| c.particles.contains(w) || c.preps.iter().any(|(p, _)| p == w))
            })
            .map(|f| f.class)
            .collect();
        let mut objects = Vec::new();
        for (p, o) in &np.pps {
            if matches!(p.as_str(), "with" | "for" | "between" | "of") {
                objects.extend(referents(a, *o));
            }
        }
        for ci in classes {
            let class = &self.classes[ci];
            self.push(
                a,
                out,
                ci,
                Raw {
                    agents: np.possessor.into_iter().collect(),
                    actor: np.possessor.is_none() && class.agentless_actor,
                    unnamed: np.possessor.is_none() && class.agentless_unnamed,
                    objects: objects.clone(),
                    negated: c.verb.negated,
                    modal: c.verb.modal || c.speculative,
                    planned: c.verb.planned,
                    future: c.verb.future,
                    reason: c.reason.clone(),
                    tokens: c.tokens.clone(),
                    ..Raw::default()
                },
                mentions,
            );
        }
    }

    /// Acts issued by the subject of a verb of issuing: "the judge granted
    /// the regulator a preliminary injunction", "the Commission sent Globex a
    /// statement of objections", "an injunction was issued by the court".
    fn issued_events(&self, a: &Analysis, c: &Clause, mentions: &[Mention], out: &mut Vec<Event>) {
        if self.issued.is_empty() || !self.issue_verbs.contains(&c.verb.lemma) {
            return;
        }
        let (agent_np, acts) = if c.verb.passive {
            let by = c.preps.iter().find(|(p, _)| p == "by").map(|x| x.1);
            (by, vec![c.subject])
        } else {
            (c.subject, vec![c.second, c.object])
        };
        let Some(agent_np) = agent_np else { return };
        for np in acts.into_iter().flatten() {
            let key = act_words(a, np);
            for (act, ci) in &self.issued {
                if !(key == *act || key.ends_with(&format!(" {act}"))) {
                    continue;
                }
                let class = &self.classes[*ci];
                self.push(
                    a,
                    out,
                    *ci,
                    Raw {
                        agents: self.agents_of(a, agent_np),
                        agent_text: self.institution(a, agent_np, class),
                        negated: c.verb.negated || a.phrases[agent_np].negative,
                        modal: c.verb.modal || c.speculative,
                        planned: c.verb.planned,
                        future: c.verb.future,
                        reason: c.reason.clone(),
                        tokens: c.tokens.clone(),
                        ..Raw::default()
                    },
                    mentions,
                );
            }
        }
    }

    /// Nominal events: "a partnership with X", "X's offer for Y".
    fn noun_events(
        &self,
        a: &Analysis,
        governed: &[Option<usize>],
        mentions: &[Mention],
        out: &mut Vec<Event>,
    ) {
        for (pi, np) in a.phrases.iter().enumerate() {
            let Some(noun) = &np.noun else { continue };
            let Some(frames) = self.nouns.get(noun) else {
                continue;
            };
            let clause = governed[pi].map(|ci| &a.clauses[ci]);
            // "explored a partnership with X": the verb's class says the
            // event it names did not (yet) happen.
            if let Some(c) = clause.filter(|c| c.subject != Some(pi)) {
                let unasserted = self
                    .verbs
                    .get(&c.verb.lemma)
                    .into_iter()
                    .flatten()
                    .any(|f| f.rest.is_empty() && !self.classes[f.class].asserts_object);
                if unasserted {
                    continue;
                }
            }
            for f in frames {
                let class = &self.classes[f.class];
                let prep = f.rest.last();
                let mut objects = Vec::new();
                let mut agents: Vec<u16> = np.possessor.into_iter().collect();
                for (p, o) in &np.pps {
                    if Some(p) == prep {
                        let m = &a.phrases[*o].mentions;
                        // "weeks of mediation by Dana Roe": who acts.
                        if p == "by" {
                            agents.extend(self.agents_of(a, *o));
                            continue;
                        }
                        if p == "between" && m.len() >= 2 && agents.is_empty() {
                            agents.push(m[0]);
                            objects.extend(m[1..].iter().copied());
                        } else {
                            objects.extend(self.patients_of(a, *o, class));
                        }
                    }
                }
                // The noun needs its preposition ("complaint against"), and a
                // named object unless the class has a default one.
                let has_pp = prep.map_or(true, |p| np.pps.iter().any(|(q, _)| q == p));
                let by_agent = prep.is_some_and(|p| p == "by");
                if !has_pp
                    || (prep.is_some() && !by_agent && objects.is_empty() && class.object.is_none())
                    || (by_agent && agents.is_empty())
                {
                    continue;
                }
                // "the Globex takeover of Initech": a name before the event
                // noun, with the patient after it, is the agent ("the
                // Initech takeover" alone names the patient).
                if agents.is_empty() && !objects.is_empty() {
                    let noun_at = np
                        .tokens
                        .clone()
                        .find(|&k| np.noun.as_deref() == Some(a.tokens[k].lemma.as_str()));
                    if let Some(at) = noun_at {
                        agents.extend(
                            (np.tokens.start..at)
                                .filter_map(|k| match a.tokens[k].pos {
                                    Pos::Mention(m) if !objects.contains(&m) => Some(m),
                                    _ => None,
                                })
                                .take(1),
                        );
                    }
                }
                let mut agent_text = None;
                if agents.is_empty() {
                    if let Some(c) = clause.filter(|c| c.subject != Some(pi)) {
                        if let Some(s) = c.subject {
                            agents = referents(a, s);
                            agent_text = self.institution(a, s, class);
                        }
                    }
                }
                // A noun nested deeper in another event's argument ("an
                // investigation into X's takeover of Y on Wednesday") does not
                // take that clause's date: only its own words date it.
                // Nor does a deal that is what another event acts on ("sued on
                // Thursday to block X's takeover of Y"), unless that event
                // dates it ("announced its takeover of Y on Monday").
                let other_event = |c: &Clause| {
                    std::iter::once(&c.verb.lemma)
                        .chain(&c.verb.control)
                        .filter_map(|v| self.verbs.get(v))
                        .flatten()
                        .map(|f| &self.classes[f.class])
                        .any(|k| k.relation != class.relation && !k.dates_object)
                };
                let direct = clause.is_some_and(|c| {
                    (c.subject == Some(pi)
                        || c.object == Some(pi)
                        || (c.object.is_none() && c.preps.iter().any(|(_, o)| *o == pi)))
                        && !other_event(c)
                });
                // "X sued to block Y's takeover, arguing that ...": the
                // reason is the verb's event's, not the takeover's.
                let verb_is_event = clause.is_some_and(|c| {
                    c.subject != Some(pi)
                        && (self.verbs.contains_key(&c.verb.lemma)
                            || c.verb.control.iter().any(|v| self.verbs.contains_key(v)))
                });
                let raw = match clause {
                    Some(c) => Raw {
                        reason: if verb_is_event {
                            None
                        } else {
                            c.reason.clone()
                        },
                        negated: c.verb.negated || c.subject.is_some_and(|s| a.phrases[s].negative),
                        modal: c.verb.modal || c.speculative,
                        planned: c.verb.planned,
                        future: c.verb.future,
                        reported_by: c
                            .reported_by
                            .and_then(|s| a.phrases[s].mentions.first().copied()),
                        tokens: if direct {
                            c.tokens.clone()
                        } else {
                            np.tokens.clone()
                        },
                        ..Raw::default()
                    },
                    None => Raw {
                        negated: np.negative,
                        tokens: np.tokens.clone(),
                        ..Raw::default()
                    },
                };
                let quantity = np
                    .pps
                    .iter()
                    .find(|(p, _)| p == "of")
                    .and_then(|&(_, o)| counted(a, mentions, o));
                self.push(
                    a,
                    out,
                    f.class,
                    Raw {
                        np: Some(np.tokens.clone()),
                        quantity,
                        actor: agents.is_empty() && agent_text.is_none() && class.agentless_actor,
                        unnamed: agents.is_empty()
                            && agent_text.is_none()
                            && class.agentless_unnamed,
                        agents,
                        agent_text,
                        objects,
                        ..raw
                    },
                    mentions,
                );
            }
        }
    }

    /// A phrase naming an office and no one ("its interim chief
    /// executive", "chair of the board").
    fn is_office(&self, a: &Analysis, np: usize) -> bool {
        let p = &a.phrases[np];
        if !p.mentions.is_empty() {
            return false;
        }
        let words = phrase_words(a, np).to_lowercase();
        self.offices.iter().any(|o| office_end(&words, o).is_some())
    }

    /// The role, agent and patient of an office class's clause, or `None`
    /// when the clause is not about an office the class needs: the office
    /// after "as", else a second object ("named Dana Roe chief
    /// executive"), else, in a passive or for whoever takes the office, the
    /// object ("Dana Roe was appointed chief executive", "became chair").
    /// The last item is the office holder when one phrase names both
    /// ("named [Dana Roe interim chief executive]").
    fn office_frame(
        &self,
        a: &Analysis,
        c: &Clause,
        class: &Class,
        role: Option<String>,
        agent_np: Option<usize>,
        patient_np: Option<usize>,
    ) -> Option<OfficeFrame> {
        // "named [Dana Roe interim chief executive]": a name, then an office.
        let holder = patient_np.filter(|_| !c.verb.passive).and_then(|o| {
            let p = &a.phrases[o];
            let Pos::Mention(m) = a.tokens.get(p.tokens.start)?.pos else {
                return None;
            };
            let rest = joined_words(a, p.tokens.start + 1..p.tokens.end).to_lowercase();
            let office = self
                .offices
                .iter()
                .any(|x| office_end(&rest, x) == Some(rest.len()));
            (p.mentions.is_empty() && office).then_some((m, rest))
        });
        if let Some((m, rest)) = holder {
            if class.holder_subject {
                return None;
            }
            return Some((Some(rest), agent_np, None, Some(m)));
        }
        let object_office = |o: Option<usize>| o.filter(|&o| self.is_office(a, o));
        let as_phrase = object_office(c.preps.iter().find(|(p, _)| p == "as").map(|&(_, o)| o));
        let as_role = as_phrase.is_some();
        let office = as_phrase
            .or_else(|| object_office(c.second))
            .or_else(|| object_office(c.object).filter(|_| c.verb.passive || class.holder_subject));
        let role = if as_role {
            role
        } else {
            office.map(|o| phrase_words(a, o))
        }
        .map(|r| r.replace(" 's", "'s").replace(" ’s", "’s"));
        // "chief executive of Northwind": the office's organisation.
        let org = office.and_then(|o| {
            a.phrases[o]
                .pps
                .iter()
                .find(|(p, x)| p == "of" && !a.phrases[*x].mentions.is_empty())
                .map(|&(_, x)| x)
        });
        if role.is_none() && class.role_required {
            return None;
        }
        // "as interim chief executive late on Sunday": the office ends
        // with its last office word.
        let role = role.map(|r| {
            let lower = r.to_lowercase();
            let end = self
                .offices
                .iter()
                .filter_map(|o| office_end(&lower, o))
                .max();
            end.map_or(r.clone(), |e| r[..e].to_string())
        });
        if class.holder_subject {
            // Whoever takes the office is the subject; a passive ("was
            // succeeded by") is another's.
            if c.verb.passive {
                return None;
            }
            return Some((role, org, c.subject, None));
        }
        // "was appointed chief executive": the office is no patient.
        let patient_np = patient_np.filter(|&o| !self.is_office(a, o));
        // Who appoints or removes, when no one is named, is the office's
        // organisation; what is left is the office's organisation.
        let (agent_np, patient_np) = if class.object.is_some() {
            (agent_np, patient_np.or(org))
        } else {
            (agent_np.or(org.filter(|_| c.verb.passive)), patient_np)
        };
        // "left the meeting": what is left unnamed must be a post.
        if let Some(p) = patient_np.map(|o| &a.phrases[o]) {
            let post = p
                .noun
                .as_ref()
                .is_some_and(|n| class.patient_nouns.contains(n));
            if p.mentions.is_empty() && !post && !class.patient_nouns.is_empty() {
                return None;
            }
        }
        Some((role, agent_np, patient_np, None))
    }

    /// A phrase that names neither an entity nor an event, and has no
    /// prepositional phrase that does ("any job cuts").
    fn other_thing(&self, a: &Analysis, np: usize, class: &Class) -> bool {
        let p = &a.phrases[np];
        if !p.mentions.is_empty() || p.possessor.is_some() {
            return false;
        }
        // A name in a prepositional phrase counts for an event or an
        // unnamed head ("the deal with Initech"), not for another thing's
        // ("a sale process for Initech" is no deal).
        let head_is_other = p
            .noun
            .as_ref()
            .is_some_and(|n| !(self.nouns.contains_key(n) || self.event_nouns.contains(n)));
        if !head_is_other && !referents(a, np).is_empty() {
            return false;
        }
        // "the Gizmo fleet": a thing a name modifies is that name's.
        if class.named_things
            && (p.tokens.start..p.head).any(|k| matches!(a.tokens[k].pos, Pos::Mention(_)))
        {
            return false;
        }
        if self.side_event(a, np, class) {
            return true;
        }
        match &p.noun {
            Some(n) => !(self.nouns.contains_key(n) || self.event_nouns.contains(n)),
            // "closed about 17% lower": a figure is not the deal either.
            None => {
                p.tokens
                    .clone()
                    .all(|k| matches!(a.tokens[k].pos, Pos::Literal(_)))
                    || p.tokens.clone().any(|k| {
                        matches!(a.tokens[k].pos, Pos::Literal(_))
                            && a.tokens[k].lower.contains(['%', '$', '€', '£'])
                    })
            }
        }
    }

    /// For a class whose default object is the deal, a patient naming another event
    /// and no deal: "reviewed the provisional findings", "signed off on the
    /// divestiture plan" (but "the merger plan" is the deal). That event,
    /// not the deal, is the object.
    fn side_event(&self, a: &Analysis, np: usize, class: &Class) -> bool {
        let p = &a.phrases[np];
        class.about_deal
            && p.mentions.is_empty()
            && p.possessor.is_none()
            && p.noun
                .as_ref()
                .is_some_and(|n| self.nouns.contains_key(n) || self.event_nouns.contains(n))
            && !p
                .tokens
                .clone()
                .any(|k| self.deal_nouns.contains(a.tokens[k].lemma.as_str()))
            && referents(a, np).is_empty()
    }

    /// The patients a phrase gives: its names; for a deal ("Globex's
    /// purchase of Initech"), the party it is about, never its owner (the
    /// buyer does not complete its deal for itself), or for classes about
    /// the deal itself, none: their default object stands for it.
    fn patients_of(&self, a: &Analysis, np: usize, class: &Class) -> Vec<u16> {
        let p = &a.phrases[np];
        let deal = p.mentions.is_empty()
            && p.noun
                .as_ref()
                .is_some_and(|n| self.event_nouns.contains(n));
        // "finalized a grant to Initech" is no deal with Initech: for a
        // class about the deal, a name after another thing is not its party.
        let thing = p.mentions.is_empty()
            && p.possessor.is_none()
            && p.noun
                .as_ref()
                .is_some_and(|n| !(self.nouns.contains_key(n) || self.event_nouns.contains(n)));
        if !deal && thing && class.about_deal {
            return Vec::new();
        }
        // "opposed it", "blocked it": for a class about the deal, "it" is
        // the deal, whatever name the pronoun was given.
        let it = p.tokens.len() == 1 && a.tokens[p.tokens.start].lower == "it";
        if it && class.about_deal {
            return Vec::new();
        }
        if !deal {
            let found = referents(a, np);
            if !found.is_empty() || !class.named_things {
                return found;
            }
            // "grounded 171 Gizmo jets", "its Gizmo fleet": a thing named by
            // the one name modifying it (not an event: "the Gizmo deal").
            let thing = p
                .noun
                .as_ref()
                .is_some_and(|n| !(self.nouns.contains_key(n) || self.event_nouns.contains(n)));
            let named: Vec<u16> = (p.tokens.start..p.head)
                .filter_map(|k| match a.tokens[k].pos {
                    Pos::Mention(m) => Some(m),
                    _ => None,
                })
                .collect();
            return match named.as_slice() {
                [m] if thing => vec![*m],
                _ => found,
            };
        }
        if class.deal_object {
            return Vec::new();
        }
        p.pps
            .iter()
            .filter(|(prep, _)| {
                matches!(
                    prep.as_str(),
                    "of" | "for" | "with" | "between" | "including"
                )
            })
            .map(|(_, c)| referents(a, *c))
            .find(|r| !r.is_empty())
            .unwrap_or_default()
    }

    /// The agents a phrase gives: its names; for "X's <noun>", X only when
    /// the noun is an event or an institution ("Globex's purchase", "the
    /// EU's regulator"), not a thing X owns ("Globex's stock closed").
    fn agents_of(&self, a: &Analysis, np: usize) -> Vec<u16> {
        let p = &a.phrases[np];
        if !p.mentions.is_empty() {
            return heads(a, np);
        }
        match &p.noun {
            Some(n)
                if !(self.nouns.contains_key(n)
                    || self.event_nouns.contains(n)
                    || self.institutions.contains(n)) =>
            {
                Vec::new()
            }
            _ => referents(a, np),
        }
    }

    /// "Northwind's board": an institution of a named owner. For offices the
    /// institution acts (a board fires a chief executive), not its owner.
    fn owned_institution(&self, a: &Analysis, np: usize) -> bool {
        let p = &a.phrases[np];
        p.possessor.is_some()
            && p.mentions.iter().all(|m| Some(*m) == p.possessor)
            && p.noun
                .as_ref()
                .is_some_and(|n| self.institutions.contains(n))
    }

    /// "Members of Initech's union": a group the class's agent nouns name,
    /// of a named body, which acts for it.
    fn members_of_named(&self, a: &Analysis, np: usize, class: &Class) -> bool {
        let p = &a.phrases[np];
        p.mentions.is_empty()
            && p.possessor.is_none()
            && p.noun
                .as_ref()
                .is_some_and(|n| class.agent_nouns.contains(n))
            && p.pps
                .iter()
                .any(|(w, o)| w == "of" && !a.phrases[*o].mentions.is_empty())
    }

    /// A common-noun agent the class accepts ("the federal judge").
    fn institution(&self, a: &Analysis, np: usize, class: &Class) -> Option<String> {
        let p = &a.phrases[np];
        // "A federal judge in San Francisco": a named place inside the
        // phrase does not make it a name (a named agent, when there is one,
        // comes first anyway).
        if !class.institutions && class.agent_nouns.is_empty() {
            return None;
        }
        // "Nurses at Northwind walked out": a plural opening the sentence
        // is capitalised, and tagged as a name.
        let opening = || {
            let t = &a.tokens[p.head];
            (p.head == 0 && p.mentions.is_empty() && t.pos == Pos::Proper)
                .then(|| t.lower.strip_suffix('s').unwrap_or(&t.lower).to_string())
        };
        if let Some(noun) = p.noun.clone().or_else(opening) {
            // "59% of the members approved it": the members did.
            if !class.agent_nouns.is_empty() && SHARE_NOUNS.contains(&noun.as_str()) {
                let of = p.pps.iter().find(|(w, _)| w == "of").map(|x| x.1)?;
                return self.institution(a, of, class);
            }
            if class.agent_nouns.contains(&noun) {
                // Written as in the text: "Globex's nurses".
                return Some(
                    phrase_words(a, np)
                        .replace(" 's", "'s")
                        .replace(" ’s", "’s"),
                );
            }
        }
        let noun = p.noun.as_ref()?;
        if !class.institutions {
            return None;
        }
        if class.office && self.owned_institution(a, np) {
            // Written as in the text: "northwind's board", not "northwind 's board".
            let words = phrase_words(a, np)
                .replace(" 's", "'s")
                .replace(" ’s", "’s");
            return Some(words);
        }
        self.institutions
            .contains(noun)
            .then(|| phrase_words(a, np))
    }

    fn push(&self, a: &Analysis, out: &mut Vec<Event>, ci: usize, raw: Raw, mentions: &[Mention]) {
        let class = &self.classes[ci];
        let kind_ok = |kinds: &[String], m: u16| match mentions.get(m as usize).map(|x| &x.tag) {
            Some(Tag::Entity { kind, .. }) => {
                kinds.is_empty()
                    || kinds
                        .iter()
                        .any(|k| k == kind || (kind == "NAME" && k == "ORG"))
            }
            _ => false,
        };
        // `object_kinds = ["NONE"]`: the class is about the deal itself, not
        // a named party ("called off the deal", not "dropped Contoso").
        if class.object_kinds.iter().any(|k| k == "NONE") && raw.named_patient {
            return;
        }
        let agents: Vec<u16> = raw
            .agents
            .into_iter()
            .filter(|&m| kind_ok(&class.agent_kinds, m))
            .collect();
        let objects: Vec<u16> = raw
            .objects
            .into_iter()
            .filter(|&m| kind_ok(&class.object_kinds, m) && !agents.contains(&m))
            .collect();
        let agent_text = if agents.is_empty() {
            raw.agent_text
        } else {
            None
        };
        if agents.is_empty() && agent_text.is_none() && !raw.actor && !raw.unnamed {
            return;
        }
        // A class about the deal whose patient is another event ("has not
        // signed off on the divestiture plan"): that event is the object.
        let topic = if !objects.is_empty() {
            None
        } else if raw.side_event.is_some() {
            raw.side_event.clone()
        } else if class.topic_objects {
            raw.patient_text.clone()
        } else {
            None
        };
        if objects.is_empty() && topic.is_none() && (class.object.is_none() || raw.other_patient) {
            return;
        }
        // "Globex turned down Globex's offer": a misread agent, never a fact.
        let own = |m: &u16| match mentions.get(*m as usize).map(|x| &x.tag) {
            Some(Tag::Entity { name, .. }) => topic.as_ref().is_some_and(|t| {
                let t = t.to_lowercase();
                let n = name.to_lowercase();
                t.starts_with(&format!("{n}'s")) || t.starts_with(&format!("{n}’s"))
            }),
            _ => false,
        };
        if objects.is_empty() && agents.iter().any(own) {
            return;
        }
        if raw.future && !class.future {
            return;
        }
        let mut relation = class.relation.clone();
        let mut negated = raw.negated;
        if negated {
            match &class.negated {
                Negation::Keep => {}
                Negation::Drop => return,
                Negation::Becomes(r) => {
                    relation = r.clone();
                    negated = false;
                }
            }
        }
        let modal = raw.modal || (raw.planned && !class.plans);
        let (price, per_share) = if class.price {
            // The event's own phrase, then its clause, then the sentence.
            [
                raw.np.clone(),
                Some(raw.tokens.clone()),
                Some(0..a.tokens.len()),
            ]
            .into_iter()
            .flatten()
            .map(|r| prices(a, mentions, r, &self.event_nouns, &self.nouns))
            .find(|(p, s)| p.is_some() || s.is_some())
            .unwrap_or_default()
        } else {
            (None, None)
        };
        let unnamed = raw.unnamed && agents.is_empty() && agent_text.is_none();
        let figure = if class.figure {
            // The clause from its verb on (a coordinated clause's range may
            // reach back over the one before it).
            let own = raw.np.clone().unwrap_or_else(|| {
                raw.tokens.start.max(raw.figure_from.unwrap_or(0))..raw.tokens.end
            });
            let subject = raw.figure_tokens.clone();
            figure(a, mentions, own)
                .or_else(|| figure(a, mentions, subject.clone()?))
                .or_else(|| {
                    // "Fifty-nine percent of the members", in words.
                    let r = raw.figure_tokens.clone()?;
                    a.phrases
                        .iter()
                        .find(|p| p.tokens.start == r.start && p.noun.as_deref() == Some("percent"))
                        .map(|p| joined_words(a, p.tokens.clone()))
                })
        } else {
            None
        }
        // "provides for a $12,000 bonus": a figure the object already shows.
        .filter(|v| !topic.as_ref().is_some_and(|t| t.contains(v.as_str())));
        let e = Event {
            class: ci,
            unnamed,
            relation,
            agents,
            agent_text,
            actor: raw.actor,
            object_text: if objects.is_empty() {
                topic.or_else(|| class.object.clone())
            } else {
                None
            },
            objects,
            negated,
            modal,
            reason: raw.reason,
            role: raw.role,
            reported_by: raw.reported_by,
            tokens: raw.tokens,
            price,
            per_share,
            quantity: raw.quantity.filter(|_| class.quantity),
            figure,
        };
        if !out.contains(&e) {
            out.push(e);
        }
    }
}

/// An office class's reading of a clause: the office, the agent's and the
/// patient's phrases, and the holder when one phrase names both holder and
/// office.
type OfficeFrame = (Option<String>, Option<usize>, Option<usize>, Option<u16>);

#[derive(Debug, Clone, Default)]
struct Raw {
    agents: Vec<u16>,
    agent_text: Option<String>,
    actor: bool,
    /// Nobody is named as the agent, and the class allows that.
    unnamed: bool,
    planned: bool,
    future: bool,
    /// The patient phrase is itself a name (not an event noun around one).
    named_patient: bool,
    /// The patient is a thing that is neither a name nor an event ("job
    /// cuts"): a class's default object ("the deal") does not stand for it.
    other_patient: bool,
    /// The patient is another event than the deal: its words ("its
    /// challenge").
    side_event: Option<String>,
    /// The patient phrase's words, for classes with topic objects.
    patient_text: Option<String>,
    objects: Vec<u16>,
    negated: bool,
    modal: bool,
    reason: Option<std::ops::Range<usize>>,
    role: Option<String>,
    reported_by: Option<u16>,
    tokens: std::ops::Range<usize>,
    /// A nominal event's own tokens ("Globex's $9 billion takeover of Initech").
    np: Option<std::ops::Range<usize>>,
    /// The patient counted ("413 stores").
    quantity: Option<String>,
    /// The subject's tokens, where the clause's figure may be when the
    /// clause has none ("Fifty-nine percent of the members approved").
    figure_tokens: Option<std::ops::Range<usize>>,
    /// Where the clause's own figure may start: its verb.
    figure_from: Option<usize>,
}

/// Marks a phrase and the phrases hanging from it as arguments of a clause.
fn mark(a: &Analysis, np: usize, ci: usize, governed: &mut [Option<usize>]) {
    if governed[np].is_some() {
        return;
    }
    governed[np] = Some(ci);
    for &(_, c) in &a.phrases[np].pps {
        mark(a, c, ci, governed);
    }
}

/// The entities a phrase stands for: its mentions; for an event noun
/// without one ("Globex's bid for Initech", "talks with X"), the
/// possessor, else the entities of its prepositional phrases.
fn referents(a: &Analysis, np: usize) -> Vec<u16> {
    let p = &a.phrases[np];
    if !p.mentions.is_empty() {
        return p.mentions.clone();
    }
    if let Some(m) = p.possessor {
        return vec![m];
    }
    for (prep, c) in &p.pps {
        if matches!(
            prep.as_str(),
            "with" | "of" | "for" | "between" | "from" | "to" | "including"
        ) {
            let r = referents(a, *c);
            if !r.is_empty() {
                return r;
            }
        }
    }
    Vec::new()
}

/// A phrase's mentions without those that only modify the next one: in
/// "King County Superior Court Judge Jane Roe" or "Oregon Attorney General
/// Jane Roe" the agent is the person; "X, Y and Z" keeps all three.
fn heads(a: &Analysis, np: usize) -> Vec<u16> {
    let p = &a.phrases[np];
    let at = |m: u16| {
        p.tokens
            .clone()
            .find(|&k| a.tokens[k].pos == Pos::Mention(m))
    };
    let mut out = Vec::new();
    for (i, &m) in p.mentions.iter().enumerate() {
        let modifier = p
            .mentions
            .get(i + 1)
            .is_some_and(|&next| match (at(m), at(next)) {
                (Some(x), Some(y)) if x < y => (x + 1..y)
                    .all(|k| matches!(a.tokens[k].pos, Pos::Proper | Pos::Noun | Pos::Adj)),
                _ => false,
            });
        if !modifier {
            out.push(m);
        }
    }
    out
}

/// The words of an act: the phrase's words with its head noun's lemma, and
/// its "of" complement's head ("a statement of objections" -> "statement of
/// objection", "a temporary restraining order" -> "temporary restraining
/// order").
fn act_words(a: &Analysis, np: usize) -> String {
    let p = &a.phrases[np];
    let mut w: Vec<String> = p
        .tokens
        .clone()
        .filter(|&k| !matches!(a.tokens[k].pos, Pos::Punct | Pos::Det | Pos::PossPron))
        .map(|k| a.tokens[k].lower.clone())
        .collect();
    if let (Some(last), Some(noun)) = (w.last_mut(), &p.noun) {
        *last = noun.clone();
    }
    if let Some((_, o)) = p.pps.iter().find(|(prep, _)| prep == "of") {
        if let Some(n) = &a.phrases[*o].noun {
            w.push("of".into());
            w.push(n.clone());
        }
    }
    w.join(" ")
}

/// A counted phrase's words ("413 stores"): a number, then a noun.
fn counted(a: &Analysis, mentions: &[Mention], np: usize) -> Option<String> {
    let p = &a.phrases[np];
    p.noun.as_ref()?;
    let first = p
        .tokens
        .clone()
        .find(|&k| !matches!(a.tokens[k].pos, Pos::Det | Pos::Adv))?;
    let number = match a.tokens[first].pos {
        Pos::Num => true,
        Pos::Literal(m) => mentions
            .get(m as usize)
            .is_some_and(|m| m.tag == Tag::Number),
        _ => false,
    };
    (number && first < p.head).then(|| {
        (first..=p.head)
            .map(|k| a.tokens[k].lower.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The first percentage or sum in a range of tokens, with the words that
/// make it approximate ("about 10%").
fn figure(a: &Analysis, mentions: &[Mention], range: std::ops::Range<usize>) -> Option<String> {
    // Not a figure that modifies a noun ("a 38% raise", "a 35% offer"):
    // one followed by a preposition, a determiner, punctuation or nothing.
    let modifier = |k: usize| {
        a.tokens.get(k + 1).is_some_and(|t| {
            !matches!(
                t.pos,
                Pos::Prep
                    | Pos::To
                    | Pos::Det
                    | Pos::Punct
                    | Pos::Conj
                    | Pos::Adv
                    | Pos::Literal(_)
            )
        })
    };
    let (k, m) = range
        .clone()
        .filter(|&k| k < a.tokens.len() && !modifier(k))
        .find_map(|k| match a.tokens[k].pos {
            Pos::Literal(m) => mentions
                .get(m as usize)
                .filter(|m| matches!(m.tag, Tag::Percent | Tag::Money))
                .map(|m| (k, m)),
            _ => None,
        })?;
    let mut b = k;
    while b > range.start && APPROXIMATE.contains(&a.tokens[b - 1].lower.as_str()) {
        b -= 1;
    }
    let mut words: Vec<&str> = (b..k).map(|i| a.tokens[i].lower.as_str()).collect();
    words.push(&m.text);
    Some(words.join(" "))
}

/// "$95 a share": the unit of a price, not what is paid for.
fn per_share_unit(a: &Analysis, mentions: &[Mention], np: usize) -> bool {
    let p = &a.phrases[np];
    p.noun.as_deref() == Some("share")
        && p.tokens.start > 0
        && matches!(a.tokens[p.tokens.start - 1].pos, Pos::Literal(m)
            if mentions.get(m as usize).is_some_and(|m| m.tag == Tag::Money))
}

/// Verbs of giving, whose second object is the thing given ("pays each
/// worker a $12,000 bonus").
const GIVING: &[&str] = &[
    "pay",
    "give",
    "grant",
    "offer",
    "award",
    "send",
    "hand",
    "promise",
    "guarantee",
];

/// Nouns of a share of a group ("59 percent of the members").
const SHARE_NOUNS: &[&str] = &[
    "percent",
    "majority",
    "minority",
    "share",
    "proportion",
    "third",
    "half",
];

/// Words that make a figure approximate ("about $20 billion").
const APPROXIMATE: &[&str] = &[
    "about",
    "around",
    "roughly",
    "nearly",
    "almost",
    "approximately",
    "some",
    "over",
    "than",
    "more",
    "up",
    "to",
    "just",
    "an",
    "estimated",
];

/// The deal price and the price per share among the money in `range`: money
/// after "for", "worth", "valued at", "a value of", or before an event noun
/// ("a $9 billion takeover"); money followed by "a share" or "per share" is
/// per share. Fees, market values and other money are neither.
fn prices(
    a: &Analysis,
    mentions: &[Mention],
    range: std::ops::Range<usize>,
    event_nouns: &std::collections::HashSet<String>,
    nouns: &HashMap<String, Vec<Frame>>,
) -> (Option<String>, Option<String>) {
    let (mut price, mut per_share) = (None, None);
    let lower = |k: usize| a.tokens.get(k).map_or("", |t| t.lower.as_str());
    for k in range.filter(|&k| k < a.tokens.len()) {
        let Pos::Literal(m) = a.tokens[k].pos else {
            continue;
        };
        let Some(m) = mentions.get(m as usize).filter(|m| m.tag == Tag::Money) else {
            continue;
        };
        // "$95 a share", "$34.10 per share", "$34.10 for each Initech share".
        let share = |w: &str| matches!(w, "share" | "shares");
        let per = matches!(lower(k + 1), "a" | "per" | "each") && share(lower(k + 2))
            || lower(k + 1) == "for"
                && lower(k + 2) == "each"
                && (share(lower(k + 3)) || share(lower(k + 4)));
        if per {
            per_share.get_or_insert_with(|| m.text.clone());
            continue;
        }
        let mut b = k;
        while b > 0 && APPROXIMATE.contains(&lower(b - 1)) {
            b -= 1;
        }
        let before = lower(b.wrapping_sub(1));
        let lemma_before = |n: usize| {
            b.checked_sub(n)
                .and_then(|i| a.tokens.get(i))
                .map_or("", |t| t.lemma.as_str())
        };
        let after_cue = match before {
            "for" | "worth" => true,
            "at" => matches!(lemma_before(2), "value" | "price"),
            "of" => matches!(lemma_before(2), "value" | "price" | "worth"),
            _ => false,
        };
        // Before the head of its phrase, when that head is an event noun.
        let pre_nominal = a.phrases.iter().any(|p| {
            p.tokens.contains(&k)
                && p.head > k
                && p.noun
                    .as_ref()
                    .is_some_and(|n| event_nouns.contains(n) || nouns.contains_key(n))
        });
        if after_cue || pre_nominal {
            price.get_or_insert_with(|| m.text.clone());
        }
    }
    (price, per_share)
}

/// A phrase's words without its determiner ("its initial partner" ->
/// "initial partner").
fn phrase_words(a: &Analysis, np: usize) -> String {
    let r = a.phrases[np].tokens.clone();
    let skip = r.start
        + usize::from(matches!(a.tokens[r.start].pos, Pos::Det | Pos::PossPron) && r.len() > 1);
    joined_words(a, skip..r.end)
}

/// A patient's words, a quantity with what it counts: "tens of
/// thousands of staff", "a large number of its executives", not "tens".
fn patient_words(a: &Analysis, np: usize) -> String {
    let mut out = phrase_words(a, np);
    let mut at = np;
    for _ in 0..3 {
        let p = &a.phrases[at];
        let quantity = p.noun.as_deref().is_some_and(|n| {
            matches!(
                n,
                "ten"
                    | "tens"
                    | "hundred"
                    | "hundreds"
                    | "thousand"
                    | "thousands"
                    | "million"
                    | "millions"
                    | "dozen"
                    | "dozens"
                    | "number"
                    | "percent"
                    | "share"
                    | "majority"
                    | "third"
                    | "half"
                    | "part"
                    | "portion"
                    | "fraction"
            )
        });
        let Some(&(_, of)) = p.pps.iter().find(|(w, _)| w == "of").filter(|_| quantity) else {
            break;
        };
        out = format!("{out} of {}", phrase_all_words(a, of));
        at = of;
    }
    out
}

/// A phrase's words, its determiner too ("its challenge").
fn phrase_all_words(a: &Analysis, np: usize) -> String {
    joined_words(a, a.phrases[np].tokens.clone())
}

/// The lower-cased words of a token range, punctuation left out.
/// Where the last whole-word use of an office ends in a lower-cased text:
/// "co-chief executive officers" holds "chief executive officer" (a prefix
/// and a plural allowed).
fn office_end(text: &str, office: &str) -> Option<usize> {
    let b = text.as_bytes();
    text.match_indices(office)
        .filter_map(|(at, _)| {
            let mut end = at + office.len();
            if b.get(end) == Some(&b's') {
                end += 1;
            }
            let starts = at == 0 || matches!(b[at - 1], b' ' | b'-');
            let ends = end == b.len() || b[end] == b' ';
            (starts && ends).then_some(end)
        })
        .max()
}

fn joined_words(a: &Analysis, r: std::ops::Range<usize>) -> String {
    r.filter(|&k| !matches!(a.tokens[k].pos, Pos::Punct))
        .map(|k| a.tokens[k].lower.clone())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Regular English inflections of a head word: "drop" -> drops, dropped,
/// dropping; "rely" -> relies, relied; "merge" -> merged, merging.
fn inflections(w: &str) -> Vec<String> {
    let mut out = vec![w.to_string()];
    let b = w.as_bytes();
    let last = *b.last().unwrap_or(&b'x');
    let vowel = |c: u8| b"aeiou".contains(&c);
    if last == b'y' && b.len() > 1 && !vowel(b[b.len() - 2]) {
        let stem = &w[..w.len() - 1];
        out.extend([
            format!("{stem}ies"),
            format!("{stem}ied"),
            format!("{w}ing"),
        ]);
    } else if last == b'e' {
        let stem = &w[..w.len() - 1];
        out.extend([format!("{w}s"), format!("{w}d"), format!("{stem}ing")]);
    } else {
        let es = matches!(last, b's' | b'x' | b'z' | b'h');
        out.push(if es {
            format!("{w}es")
        } else {
            format!("{w}s")
        });
        out.extend([format!("{w}ed"), format!("{w}ing")]);
        // "drop" -> "dropped": a short word ending consonant-vowel-consonant.
        if b.len() >= 3
            && !vowel(last)
            && vowel(b[b.len() - 2])
            && !vowel(b[b.len() - 3])
            && !b"wxy".contains(&last)
        {
            let c = last as char;
            out.extend([format!("{w}{c}ed"), format!("{w}{c}ing")]);
        }
    }
    out
}

/// A last-resort lemma for verbs the tagger does not know ("partnered").
fn deinflect(w: &str) -> String {
    for (suf, rep) in [
        ("ied", "y"),
        ("ies", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ] {
        if let Some(stem) = w.strip_suffix(suf) {
            if stem.len() >= 3 {
                let b = stem.as_bytes();
                // "dropped" -> "drop".
                if b.len() >= 2 && b[b.len() - 1] == b[b.len() - 2] && suf != "es" && suf != "s" {
                    return format!("{}{rep}", &stem[..stem.len() - 1]);
                }
                return format!("{stem}{rep}");
            }
        }
    }
    w.to_string()
}
