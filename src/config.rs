//! Configuration: everything the engine knows about a story that is not in the
//! articles themselves.
//!
//! `language.toml` (and a story file) hold the domain knowledge (entity gazetteer, relation rules,
//! question intents, slash commands, article boilerplate); Rust holds none of
//! it. Layering follows the usual bot habit: built-in defaults, then the TOML
//! file, then the environment (`DISCORD_API_BASE`, `DISCORD_GUILD_IDS`).
//! Secrets (`DISCORD_TOKEN`, `DISCORD_PUBLIC_KEY`) come only from the
//! environment and live in [`Secret`], whose `Debug` and `Display` print `***`.
//!
//! [`Config::parse`] is pure (a `&str` in, a validated config out) so tests
//! never touch the disk; [`Config::load`] is the thin file wrapper. Every
//! regex is compiled and every command name checked here, so a bad rule stops
//! start-up with its name instead of failing later.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

/// The language file shipped in the repository, embedded in the binary.
pub const EMBEDDED_LANGUAGE: &str = include_str!("../language.toml");

/// The seed story's story file, embedded in the binary.
pub const EMBEDDED_STORY: &str = include_str!("../story.toml");

/// Where the language and the story came from (for `check`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The language file, or "embedded".
    pub language: String,
    /// The story file, or "embedded", or the language file's own story.
    pub story: String,
}

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Io {
        /// The file that was asked for.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// TOML syntax error or an unknown / mistyped key.
    #[error("invalid config: {0}")]
    Toml(String),
    /// A regex in a named rule does not compile.
    #[error("invalid pattern in {what} `{name}`: {message}")]
    Pattern {
        /// Which kind of item holds the pattern (rule, intent, boilerplate...).
        what: &'static str,
        /// The item's name.
        name: String,
        /// What the regex compiler said.
        message: String,
    },
    /// Anything else that makes the config unusable, named precisely.
    #[error("invalid config: {0}")]
    Invalid(String),
}

/// A secret value from the environment; never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret string.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// Reads a secret from an environment variable; empty counts as unset.
    pub fn from_env(var: &str) -> Option<Self> {
        std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| Secret(v.trim().to_string()))
    }
    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What the story is and who drives it.
    #[serde(default)]
    pub story: StoryConfig,
    /// How articles are read.
    #[serde(default)]
    pub corpus: CorpusConfig,
    /// How mentions are tagged in sentences.
    #[serde(default)]
    pub tagging: TaggingConfig,
    /// The English the clause layer needs (modals, control verbs, cues).
    #[serde(default)]
    pub grammar: crate::language::clause::GrammarConfig,
    /// Named regex fragments usable as `{NAME}` in rule patterns.
    #[serde(default)]
    pub macros: BTreeMap<String, String>,
    /// The entity gazetteer.
    #[serde(default, rename = "entity")]
    pub entities: Vec<EntityConfig>,
    /// The cast of the event classes' example sentences (the first is the
    /// examples' story actor); used only when examples are checked.
    #[serde(default, rename = "example_entity")]
    pub example_entities: Vec<EntityConfig>,
    /// Relations and their rules.
    #[serde(default, rename = "relation")]
    pub relations: Vec<RelationConfig>,
    /// Question understanding.
    #[serde(default)]
    pub query: QueryConfig,
    /// Slash commands offered on Discord and on the CLI.
    #[serde(default, rename = "command")]
    pub commands: Vec<CommandConfig>,
    /// Discord settings (no secrets here).
    #[serde(default)]
    pub discord: DiscordConfig,
    /// HTTP interactions endpoint settings.
    #[serde(default)]
    pub http: HttpConfig,
    /// `/add` and `factdesk add`: who may add articles, what may be fetched.
    #[serde(default)]
    pub add: AddConfig,
}

/// The story the corpus is about.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StoryConfig {
    /// A short human title, shown in footers and hints.
    #[serde(default)]
    pub title: String,
    /// The canonical name of the story's protagonist: the agent of agentless
    /// passives ("X was eliminated from consideration").
    #[serde(default)]
    pub actor: String,
}

/// Article reading settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CorpusConfig {
    /// Larger files are reported and skipped.
    pub max_bytes: u64,
    /// File extensions read from a corpus folder.
    pub extensions: Vec<String>,
    /// Words that end with a period without ending a sentence (no trailing dot).
    pub abbreviations: Vec<String>,
    /// A line matching one of these is site boilerplate and is dropped.
    pub boilerplate: Vec<String>,
    /// A line matching one of these ends the article: it and all after it go.
    pub cut_from: Vec<String>,
    /// Patterns with a named group `outlet` that reveal the publisher.
    pub outlet_patterns: Vec<String>,
    /// Display names for outlets found as hosts or categories.
    pub outlet_names: BTreeMap<String, String>,
    /// A wire dateline opening a sentence ("BOISE, Idaho, Dec 11 (Wire) -"):
    /// kept in the quoted text, blanked for reading (it is no subject).
    pub dateline: Option<String>,
}

impl Default for CorpusConfig {
    fn default() -> Self {
        CorpusConfig {
            max_bytes: 4 * 1024 * 1024,
            extensions: vec!["txt".into(), "md".into()],
            abbreviations: Vec::new(),
            boilerplate: Vec::new(),
            cut_from: Vec::new(),
            outlet_patterns: Vec::new(),
            outlet_names: BTreeMap::new(),
            dateline: None,
        }
    }
}

/// Mention tagging settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TaggingConfig {
    /// Capitalised words that never start or form a proper name on their own.
    pub not_names: Vec<String>,
    /// Lower-case words allowed inside a multi-word name ("of", "de").
    pub name_joiners: Vec<String>,
    /// Words (after a name) that mark an organisation: "Inc", "Group".
    pub org_suffixes: Vec<String>,
    /// Job titles: a name after one of these is a person ("CEO Tim Cook").
    pub roles: Vec<String>,
    /// References resolved to the nearest fitting antecedent.
    pub pronouns: Vec<PronounConfig>,
    /// Patterns that introduce names the gazetteer does not know.
    pub discover: Vec<DiscoverConfig>,
    /// Words that hedge a claim ("reportedly").
    pub hedges: Vec<String>,
    /// Phrases that attribute a claim, with a named group `source`.
    pub attributions: Vec<String>,
    /// Words that negate a claim ("not", "never").
    pub negations: Vec<String>,
}

/// A pronoun or generic description and what it may refer to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PronounConfig {
    /// Regex for the reference ("it", "the (?:Chinese )?company").
    pub pattern: String,
    /// The entity kind it refers to.
    pub kind: String,
}

/// A pattern that reveals unknown names and their kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoverConfig {
    /// Rule name, for errors and `check`.
    pub name: String,
    /// Regex over the sentence; `{NAME}` stands for a proper name and `{NAMES}` for a list.
    pub pattern: String,
    /// The kind given to the names found.
    pub kind: String,
}

/// One gazetteer entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityConfig {
    /// Canonical name.
    pub name: String,
    /// Kind: org, person, product, place, event, outlet, regulator...
    pub kind: String,
    /// Other spellings, matched as words.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Descriptive references, as regexes ("the gizmo maker").
    #[serde(default)]
    pub descriptions: Vec<String>,
}

/// A relation and the rules that find it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationConfig {
    /// Machine name ("rejected").
    pub name: String,
    /// Verb phrase used in answers ("rejected").
    pub label: String,
    /// The verb phrase when the object is the deal itself, named by a
    /// topic noun, not a party: "sued to block the deal", never "sued the
    /// deal". Default: `label`.
    #[serde(default)]
    pub topic_label: Option<String>,
    /// Words in a question that point at this relation.
    #[serde(default)]
    pub ask: Vec<String>,
    /// "A with B" is "B with A" (partnered, competes): merged as one fact.
    #[serde(default)]
    pub symmetric: bool,
    /// Relations that contradict this one for the same subject and object.
    #[serde(default)]
    pub conflicts: Vec<String>,
    /// Relations whose facts answer "no" to a yes/no question about this
    /// one ("did the court allow the deal?" when the court blocked it),
    /// though they need not contradict it: a deal can be blocked by one
    /// body and approved by another, or blocked and later cleared.
    #[serde(default)]
    pub contrary: Vec<String>,
    /// Whether the relation is part of the story's status line, and its rank.
    #[serde(default)]
    pub status: Option<u32>,
    /// How a fact reads: `{subject}`, `{label}`, `{object}` and qualifier
    /// names in braces. Default: "{subject} {label} {object}".
    #[serde(default)]
    pub template: Option<String>,
    /// How a negated fact reads. Default: "{subject} did not {label} {object}".
    #[serde(default)]
    pub negated_template: Option<String>,
    /// Rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleConfig>,
    /// Event classes: verbs and nouns by lemma (see [`crate::extract::events`]).
    #[serde(default, rename = "event")]
    pub events: Vec<crate::extract::events::EventConfig>,
}

impl RelationConfig {
    /// The verb phrase for a fact with this `object`: the topic label when
    /// the object ends in one of `topic_words` ("the deal").
    pub fn label_for(&self, object: &str, topic_words: &[String]) -> &str {
        match &self.topic_label {
            Some(l)
                if object
                    .rsplit(' ')
                    .next()
                    .is_some_and(|w| topic_words.iter().any(|t| t == w)) =>
            {
                l
            }
            _ => &self.label,
        }
    }
}

/// A pattern over a tagged sentence.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Unique name, reported in evidence and errors.
    pub name: String,
    /// The pattern; see config.toml's header for the placeholders.
    pub pattern: String,
    /// The rule does not fire when this regex matches the sentence.
    #[serde(default)]
    pub unless: Option<String>,
    /// Subject when the pattern captures none: "actor" (the story's actor),
    /// "sentence" (the sentence's first organisation) or a canonical name.
    #[serde(default)]
    pub subject: Option<String>,
    /// Object when the pattern captures none (a topic such as "partnership").
    #[serde(default)]
    pub object: Option<String>,
    /// The fact is negated ("did not proceed").
    #[serde(default)]
    pub negated: bool,
    /// Sentences this rule must give a fact for (same syntax as an event
    /// class's examples); run by `factdesk check` and the tests.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Sentences this rule must give no fact for.
    #[serde(default)]
    pub counterexamples: Vec<String>,
}

/// Question understanding.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct QueryConfig {
    /// Words ignored when matching questions to sentences.
    pub stopwords: Vec<String>,
    /// Word forms treated as one ("fell" = "fall").
    pub synonyms: Vec<Vec<String>>,
    /// Regexes for polite openings dropped before intents are matched.
    pub prefixes: Vec<String>,
    /// Nouns that name the story's topic ("deal"): weak evidence of a relation.
    pub topic_words: Vec<String>,
    /// Intents tried in order; the first that matches wins.
    pub intents: Vec<IntentConfig>,
    /// Hints shown when a question is not answered.
    pub hints: Vec<String>,
    /// Minimum similarity (0..1) for a fuzzy entity match.
    pub fuzzy_threshold: Option<f64>,
}

/// A question intent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntentConfig {
    /// Name (shown by `check` and in logs).
    pub name: String,
    /// Regexes over the lower-cased question; any may match.
    pub patterns: Vec<String>,
    /// What to do: list, reason, date, place, who, yesno, status, sources,
    /// timeline, quotes, about, numbers, role.
    pub answer: String,
    /// Relations to look in; empty means "choose by the question's words".
    #[serde(default)]
    pub relations: Vec<String>,
    /// Answer with subjects instead of objects.
    #[serde(default)]
    pub subjects: bool,
    /// Every fact of the relations, not only those matching the question's
    /// words ("how did the market react?" means every figure).
    #[serde(default)]
    pub every: bool,
}

/// A slash command.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandConfig {
    /// Command name, Discord rules (lowercase, 1-32 chars).
    pub name: String,
    /// Description, 1-100 characters.
    pub description: String,
    /// What it does, as an intent answer kind (see [`IntentConfig::answer`]).
    pub answer: String,
    /// Relations it looks in.
    #[serde(default)]
    pub relations: Vec<String>,
    /// Options.
    #[serde(default, rename = "option")]
    pub options: Vec<CommandOption>,
}

/// A slash-command option (always a string on the wire).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandOption {
    /// Option name, Discord rules.
    pub name: String,
    /// Description, 1-100 characters.
    pub description: String,
    /// Whether the user must give it.
    #[serde(default)]
    pub required: bool,
    /// Offer entity names as the user types.
    #[serde(default)]
    pub autocomplete: bool,
}

/// Discord settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// Register commands in these guilds only; empty means global.
    pub guild_ids: Vec<u64>,
    /// REST base URL override (a proxy such as twilight-http-proxy).
    pub api_base: Option<String>,
    /// Seconds a user waits between two questions (both transports; default
    /// 2, 0 turns it off).
    pub cooldown_seconds: Option<f64>,
    /// Answers slower than this are deferred first (milliseconds).
    pub defer_after_ms: Option<u64>,
    /// File that stores the hash of the last registered command set.
    pub state_file: Option<String>,
    /// Channel the gateway bot posts each change of the fact table to
    /// (none: no posts).
    pub updates_channel_id: Option<u64>,
    /// Seconds between two posts to the updates channel (default 60).
    pub updates_min_interval_seconds: Option<u64>,
    /// `DISCORD_GUILD_IDS` when it did not parse, kept so validation can
    /// refuse it by name instead of silently registering globally.
    #[serde(skip)]
    guild_ids_env_error: Option<String>,
}

impl DiscordConfig {
    /// Overlays `DISCORD_GUILD_IDS` (comma-separated ids; empty leaves the
    /// config's list). Anything that is not an id is kept for
    /// [`Config::validate`] to refuse.
    fn overlay_guild_ids(&mut self, text: &str) {
        let parts: Vec<&str> = text
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let parsed: Result<Vec<u64>, _> = parts.iter().map(|p| p.parse::<u64>()).collect();
        match parsed {
            Ok(ids) if ids.is_empty() => {}
            Ok(ids) => self.guild_ids = ids,
            Err(_) => self.guild_ids_env_error = Some(text.trim().to_string()),
        }
    }
}

/// Adding articles from a link (`/add`, `factdesk add`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct AddConfig {
    /// The Discord permission a member needs to use `/add` (default
    /// `MANAGE_GUILD`, "Manage Server"; administrators always may).
    pub permission: Option<String>,
    /// Role ids whose members may use `/add` whatever their permissions.
    pub roles: Vec<u64>,
    /// Hosts fetched even when they resolve to private, loopback or
    /// link-local addresses (none by default).
    pub allow_hosts: Vec<String>,
    /// Largest page read, in bytes (default 5 MiB).
    pub max_bytes: Option<u64>,
    /// Seconds for the whole fetch (default 10).
    pub timeout_seconds: Option<f64>,
    /// Redirects followed at most (default 5).
    pub max_redirects: Option<usize>,
}

/// HTTP interactions endpoint settings. Each is optional; the defaults
/// live with the server (`discord::http`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Bodies larger than this get 413.
    pub max_body_bytes: Option<usize>,
    /// Seconds a client has to send a request's headers (slow clients are
    /// disconnected).
    pub header_read_timeout_seconds: Option<f64>,
    /// Seconds a keep-alive connection may sit idle between requests.
    pub idle_timeout_seconds: Option<f64>,
    /// Connections served at once; more wait until one closes.
    pub max_connections: Option<usize>,
    /// How far a request's signed timestamp may be from now, in seconds;
    /// older (or later) requests are refused as replays.
    pub timestamp_window_seconds: Option<u64>,
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text)
    }

    /// The embedded default: the language file and the seeds' story.
    pub fn embedded() -> Result<Config, ConfigError> {
        Config::parse_parts(EMBEDDED_LANGUAGE, Some(EMBEDDED_STORY))
    }

    /// Loads a language file (or the embedded one) and a story file. Without
    /// a story file, the language file's own story is used if it has one
    /// (`--config` as a full override), else the embedded seeds' story when
    /// the language file is the embedded one.
    pub fn load_parts(
        language: Option<&Path>,
        story: Option<&Path>,
    ) -> Result<(Config, Origin), ConfigError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
                path: path.display().to_string(),
                source,
            })
        };
        let (lang_text, lang_origin) = match language {
            Some(p) => (read(p)?, p.display().to_string()),
            None => (
                EMBEDDED_LANGUAGE.to_string(),
                "embedded language.toml".to_string(),
            ),
        };
        let (story_text, story_origin) = match (story, language) {
            (Some(p), _) => (Some(read(p)?), p.display().to_string()),
            (None, Some(p)) => (None, p.display().to_string()),
            (None, None) => (
                Some(EMBEDDED_STORY.to_string()),
                "embedded story.toml".to_string(),
            ),
        };
        let config = Config::parse_parts(&lang_text, story_text.as_deref())?;
        Ok((
            config,
            Origin {
                language: lang_origin,
                story: story_origin,
            },
        ))
    }

    /// Parses a language file and, if given, a story file that replaces its
    /// `[story]` and `[[entity]]` (a story file may hold nothing else).
    pub fn parse_parts(language: &str, story: Option<&str>) -> Result<Config, ConfigError> {
        let Some(story) = story else {
            return Config::parse(language);
        };
        let mut lang: toml::Table = language
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Toml(format!("language file: {e}")))?;
        let story: toml::Table = story
            .parse()
            .map_err(|e: toml::de::Error| ConfigError::Toml(format!("story file: {e}")))?;
        for key in story.keys() {
            if key != "story" && key != "entity" {
                return Err(ConfigError::Invalid(format!(
                    "story file: unknown key `{key}` (a story file holds only [story] and [[entity]])"
                )));
            }
        }
        lang.remove("story");
        lang.remove("entity");
        lang.extend(story);
        let mut config: Config = toml::Value::Table(lang)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Toml(e.to_string()))?;
        config.apply_env();
        config.validate()?;
        Ok(config)
    }

    /// Parses and validates TOML, then applies the environment overlay.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut config: Config =
            toml::from_str(text).map_err(|e| ConfigError::Toml(e.to_string()))?;
        config.apply_env();
        config.validate()?;
        Ok(config)
    }

    fn apply_env(&mut self) {
        if let Ok(base) = std::env::var("DISCORD_API_BASE") {
            if !base.trim().is_empty() {
                self.discord.api_base = Some(base.trim().to_string());
            }
        }
        if let Ok(ids) = std::env::var("DISCORD_GUILD_IDS") {
            self.discord.overlay_guild_ids(&ids);
        }
    }

    /// Checks everything that can be checked before the corpus is read.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_patterns(
            "boilerplate",
            "corpus.boilerplate",
            &self.corpus.boilerplate,
        )?;
        check_patterns("boilerplate", "corpus.cut_from", &self.corpus.cut_from)?;
        check_patterns(
            "outlet pattern",
            "corpus.outlet_patterns",
            &self.corpus.outlet_patterns,
        )?;
        check_patterns(
            "attribution",
            "tagging.attributions",
            &self.tagging.attributions,
        )?;
        for p in &self.tagging.pronouns {
            check_pattern("pronoun", &p.pattern, &p.pattern)?;
        }
        let mut names = std::collections::BTreeSet::new();
        for e in &self.entities {
            if e.name.trim().is_empty() {
                return Err(ConfigError::Invalid(
                    "an [[entity]] has an empty name".into(),
                ));
            }
            if !names.insert(e.name.to_lowercase()) {
                return Err(ConfigError::Invalid(format!(
                    "entity `{}` is listed twice",
                    e.name
                )));
            }
            for d in &e.descriptions {
                check_pattern("entity description", &e.name, d)?;
            }
        }
        let mut rule_names = std::collections::BTreeSet::new();
        let relation_names: std::collections::BTreeSet<&str> =
            self.relations.iter().map(|r| r.name.as_str()).collect();
        for r in &self.relations {
            for c in &r.conflicts {
                if !relation_names.contains(c.as_str()) {
                    return Err(ConfigError::Invalid(format!(
                        "relation `{}` conflicts with unknown relation `{}`",
                        r.name, c
                    )));
                }
            }
            for c in &r.contrary {
                if !relation_names.contains(c.as_str()) {
                    return Err(ConfigError::Invalid(format!(
                        "relation `{}` names unknown relation `{}` as its contrary",
                        r.name, c
                    )));
                }
            }
            for rule in &r.rules {
                if !rule_names.insert(rule.name.clone()) {
                    return Err(ConfigError::Invalid(format!(
                        "rule name `{}` is used twice",
                        rule.name
                    )));
                }
                // The full compile (placeholders expanded) happens in extract; a
                // failure there is reported with the same rule name.
                if let Some(u) = &rule.unless {
                    check_pattern("rule", &rule.name, u)?;
                }
            }
        }
        for d in &self.tagging.discover {
            if !rule_names.insert(d.name.clone()) {
                return Err(ConfigError::Invalid(format!(
                    "rule name `{}` is used twice",
                    d.name
                )));
            }
        }
        check_patterns("question prefix", "query.prefixes", &self.query.prefixes)?;
        for i in &self.query.intents {
            check_patterns("intent", &i.name, &i.patterns)?;
            check_answer_kind(&format!("intent `{}`", i.name), &i.answer)?;
            for rel in &i.relations {
                if !relation_names.contains(rel.as_str()) {
                    return Err(ConfigError::Invalid(format!(
                        "intent `{}` names unknown relation `{}`",
                        i.name, rel
                    )));
                }
            }
        }
        self.validate_commands(&relation_names)?;
        if let Some(base) = &self.discord.api_base {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(ConfigError::Invalid(format!(
                    "discord.api_base must start with http:// or https:// (got `{base}`)"
                )));
            }
        }
        self.validate_settings()
    }

    /// Numeric and id settings: finite, in range, parseable. A typo here
    /// would otherwise show up much later (a panic on the first question, a
    /// 413 for every request, commands registered globally).
    fn validate_settings(&self) -> Result<(), ConfigError> {
        let d = &self.discord;
        if let Some(text) = &d.guild_ids_env_error {
            return Err(ConfigError::Invalid(format!(
                "DISCORD_GUILD_IDS must be comma-separated Discord server ids (got `{text}`)"
            )));
        }
        if d.guild_ids.contains(&0) {
            return Err(ConfigError::Invalid(
                "discord.guild_ids must be Discord server ids (got `0`)".into(),
            ));
        }
        check_number("discord.cooldown_seconds", d.cooldown_seconds, 0.0, 3600.0)?;
        check_int("discord.defer_after_ms", d.defer_after_ms, 0, 2500)?;
        if d.state_file.as_deref().is_some_and(|f| f.trim().is_empty()) {
            return Err(ConfigError::Invalid(
                "discord.state_file must name a file (got an empty string)".into(),
            ));
        }
        if let Some(p) = &self.add.permission {
            if crate::live::add::permission_bit(p).is_none() {
                return Err(ConfigError::Invalid(format!(
                    "add.permission must be a Discord permission name such as MANAGE_GUILD or MANAGE_MESSAGES (got `{p}`)"
                )));
            }
        }
        check_int("add.max_bytes", self.add.max_bytes, 1024, 64 * 1024 * 1024)?;
        check_positive("add.timeout_seconds", self.add.timeout_seconds, 120.0)?;
        check_int(
            "add.max_redirects",
            self.add.max_redirects.map(|n| n as u64),
            0,
            20,
        )?;
        check_int(
            "discord.updates_min_interval_seconds",
            d.updates_min_interval_seconds,
            0,
            86_400,
        )?;
        let h = &self.http;
        check_int(
            "http.max_body_bytes",
            h.max_body_bytes.map(|n| n as u64),
            1024,
            16 * 1024 * 1024,
        )?;
        check_positive(
            "http.header_read_timeout_seconds",
            h.header_read_timeout_seconds,
            300.0,
        )?;
        check_positive("http.idle_timeout_seconds", h.idle_timeout_seconds, 3600.0)?;
        check_int(
            "http.max_connections",
            h.max_connections.map(|n| n as u64),
            1,
            100_000,
        )?;
        check_int(
            "http.timestamp_window_seconds",
            h.timestamp_window_seconds,
            1,
            86_400,
        )?;
        check_int("corpus.max_bytes", Some(self.corpus.max_bytes), 1, u64::MAX)?;
        check_number(
            "query.fuzzy_threshold",
            self.query.fuzzy_threshold,
            0.0,
            1.0,
        )?;
        Ok(())
    }

    fn validate_commands(
        &self,
        relations: &std::collections::BTreeSet<&str>,
    ) -> Result<(), ConfigError> {
        if self.commands.len() > 100 {
            return Err(ConfigError::Invalid(
                "Discord allows at most 100 slash commands".into(),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &self.commands {
            check_command_name("command", &c.name)?;
            check_description(&format!("command `{}`", c.name), &c.description)?;
            check_answer_kind(&format!("command `{}`", c.name), &c.answer)?;
            if !seen.insert(c.name.clone()) {
                return Err(ConfigError::Invalid(format!(
                    "command `{}` is defined twice",
                    c.name
                )));
            }
            if c.options.len() > 25 {
                return Err(ConfigError::Invalid(format!(
                    "command `{}` has {} options; Discord allows at most 25",
                    c.name,
                    c.options.len()
                )));
            }
            let mut seen_required_end = false;
            for o in &c.options {
                check_command_name(&format!("option of command `{}`", c.name), &o.name)?;
                check_description(
                    &format!("option `{}` of command `{}`", o.name, c.name),
                    &o.description,
                )?;
                if o.required && seen_required_end {
                    return Err(ConfigError::Invalid(format!(
                        "command `{}`: required option `{}` follows an optional one (Discord refuses that)",
                        c.name, o.name
                    )));
                }
                if !o.required {
                    seen_required_end = true;
                }
            }
            for rel in &c.relations {
                if !relations.contains(rel.as_str()) {
                    return Err(ConfigError::Invalid(format!(
                        "command `{}` names unknown relation `{}`",
                        c.name, rel
                    )));
                }
            }
        }
        Ok(())
    }

    /// The command with this name, if any.
    pub fn command(&self, name: &str) -> Option<&CommandConfig> {
        self.commands.iter().find(|c| c.name == name)
    }
}

/// Answer kinds understood by the query engine.
pub const ANSWER_KINDS: &[&str] = &[
    "list",
    "reason",
    "date",
    "place",
    "who",
    "yesno",
    "status",
    "sources",
    "timeline",
    "quotes",
    "about",
    "numbers",
    "price",
    "fact",
    "ask",
    "whats-new",
    "add",
];

fn check_answer_kind(what: &str, kind: &str) -> Result<(), ConfigError> {
    if ANSWER_KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(ConfigError::Invalid(format!(
            "{what}: unknown answer kind `{kind}` (expected one of {})",
            ANSWER_KINDS.join(", ")
        )))
    }
}

/// Discord's rule for command and option names: 1-32 of `-_'`, letters and
/// digits, and no upper-case letters.
pub fn check_command_name(what: &str, name: &str) -> Result<(), ConfigError> {
    let count = name.chars().count();
    let ok_chars = name
        .chars()
        .all(|c| c == '-' || c == '_' || c == '\'' || c.is_alphanumeric());
    let lower = name.chars().all(|c| !c.is_uppercase());
    if (1..=32).contains(&count) && ok_chars && lower {
        Ok(())
    } else {
        Err(ConfigError::Invalid(format!(
            "{what} name `{name}` is not a valid Discord name (1-32 lower-case letters, digits, - _ ')"
        )))
    }
}

/// A number setting within `min..=max` (and not NaN or infinite).
fn check_number(key: &str, value: Option<f64>, min: f64, max: f64) -> Result<(), ConfigError> {
    match value {
        Some(v) if !(v.is_finite() && (min..=max).contains(&v)) => Err(ConfigError::Invalid(
            format!("{key} must be a number from {min} to {max} (got `{v}`)"),
        )),
        _ => Ok(()),
    }
}

/// A duration setting above zero and at most `max` seconds.
fn check_positive(key: &str, value: Option<f64>, max: f64) -> Result<(), ConfigError> {
    match value {
        Some(v) if !(v.is_finite() && v > 0.0 && v <= max) => Err(ConfigError::Invalid(format!(
            "{key} must be a number of seconds above 0 and at most {max} (got `{v}`)"
        ))),
        _ => Ok(()),
    }
}

/// A whole-number setting within `min..=max`.
fn check_int(key: &str, value: Option<u64>, min: u64, max: u64) -> Result<(), ConfigError> {
    match value {
        Some(v) if !(min..=max).contains(&v) => Err(ConfigError::Invalid(if max == u64::MAX {
            format!("{key} must be at least {min} (got `{v}`)")
        } else {
            format!("{key} must be from {min} to {max} (got `{v}`)")
        })),
        _ => Ok(()),
    }
}

fn check_description(what: &str, text: &str) -> Result<(), ConfigError> {
    let n = text.chars().count();
    if (1..=100).contains(&n) {
        Ok(())
    } else {
        Err(ConfigError::Invalid(format!(
            "{what}: description must be 1-100 characters (has {n})"
        )))
    }
}

fn check_patterns(what: &'static str, name: &str, patterns: &[String]) -> Result<(), ConfigError> {
    patterns
        .iter()
        .try_for_each(|p| check_pattern(what, name, p))
}

/// Checks a pattern's syntax. Compiling is left to where the pattern is
/// used (each place names it in its own error too): compiling every pattern
/// twice was a third of start-up.
fn check_pattern(what: &'static str, name: &str, pattern: &str) -> Result<(), ConfigError> {
    regex_syntax::Parser::new()
        .parse(pattern)
        .map(|_| ())
        .map_err(|e| ConfigError::Pattern {
            what,
            name: name.to_string(),
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[story]
title = "t"
actor = "Acme"
"#;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("abc.def");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
    }

    #[test]
    fn embedded_config_is_valid() {
        Config::embedded().unwrap();
    }

    #[test]
    fn unknown_key_is_refused_with_its_name() {
        let err = Config::parse(&format!("{MINIMAL}\nfrobnicate = 1\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("frobnicate"), "{err}");
    }

    #[test]
    fn bad_command_name_is_refused() {
        let text = format!("{MINIMAL}\n[[command]]\nname = \"Who Rejected\"\ndescription = \"x\"\nanswer = \"list\"\n");
        let err = Config::parse(&text).unwrap_err().to_string();
        assert!(err.contains("Who Rejected"), "{err}");
    }

    #[test]
    fn long_description_is_refused() {
        let text = format!(
            "{MINIMAL}\n[[command]]\nname = \"x\"\ndescription = \"{}\"\nanswer = \"list\"\n",
            "d".repeat(101)
        );
        assert!(Config::parse(&text)
            .unwrap_err()
            .to_string()
            .contains("1-100"));
    }

    #[test]
    fn bad_unless_regex_names_the_rule() {
        let text = format!(
            "{MINIMAL}\n[[relation]]\nname = \"r\"\nlabel = \"r\"\n[[relation.rule]]\nname = \"r.broken\"\npattern = \"x\"\nunless = \"(\"\n"
        );
        let err = Config::parse(&text).unwrap_err().to_string();
        assert!(err.contains("r.broken"), "{err}");
    }
}
