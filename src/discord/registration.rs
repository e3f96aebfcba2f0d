//! Slash-command registration: config.toml's `[[command]]`s, registered on
//! Discord by bulk overwrite, once per change.
//!
//! Called once at start-up, before the gateway connects, so neither a restart
//! nor the READY that follows a reconnect registers again. A bulk overwrite
//! (`PUT`) replaces the whole set, so a renamed or removed command disappears
//! instead of piling up. Commands live in exactly one scope: in each of
//! `discord.guild_ids` when set (instant updates), globally otherwise; when
//! the scope changes, the old scope is emptied so no one sees every command
//! twice.
//!
//! What was last registered (application, scope, hash of the body) is kept
//! in a small JSON state file; an unchanged set makes no API call at all.
//! Deciding what to do ([`plan`]) is a pure function; [`sync`] carries it out.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::rest::{Rest, RestError};
use super::{commands_hash, commands_json};
use crate::config::Config;

/// The state file used when nothing names one and there is no home
/// directory to find the platform's state directory in (relative to the
/// working directory; `.gitignore` lists it).
pub const DEFAULT_STATE_FILE: &str = ".factdesk-state";

/// Where commands are registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every guild the application is in (and DMs).
    Global,
    /// Only these guilds, sorted and without duplicates.
    Guilds(Vec<u64>),
}

impl Scope {
    /// The scope `discord.guild_ids` asks for.
    pub fn from_config(config: &Config) -> Scope {
        let mut ids = config.discord.guild_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            Scope::Global
        } else {
            Scope::Guilds(ids)
        }
    }

    /// A stable text form for the state file: `global` or `guilds:1,2`.
    pub fn key(&self) -> String {
        match self {
            Scope::Global => "global".into(),
            Scope::Guilds(ids) => {
                format!(
                    "guilds:{}",
                    ids.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
                )
            }
        }
    }

    /// Parses [`Scope::key`]'s form.
    pub fn parse(key: &str) -> Option<Scope> {
        if key == "global" {
            return Some(Scope::Global);
        }
        let ids: Result<Vec<u64>, _> = key
            .strip_prefix("guilds:")?
            .split(',')
            .map(str::parse)
            .collect();
        ids.ok().filter(|ids| !ids.is_empty()).map(Scope::Guilds)
    }

    fn targets(&self) -> Vec<Option<u64>> {
        match self {
            Scope::Global => vec![None],
            Scope::Guilds(ids) => ids.iter().copied().map(Some).collect(),
        }
    }
}

/// What was registered last time: the content of the state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    /// The application the commands belong to (a string, as Discord writes ids).
    pub application_id: String,
    /// [`Scope::key`].
    pub scope: String,
    /// [`commands_hash`] of the registered body.
    pub commands_hash: String,
}

/// One bulk overwrite to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Overwrite {
    /// `None` for the global scope.
    pub guild: Option<u64>,
    /// The commands to put there (`[]` empties an abandoned scope).
    pub body: Value,
}

/// The overwrites that bring Discord from `stored` to `wanted`: none when
/// they match, the new scope's, plus emptying the old scope's when the same
/// application registered elsewhere before (never both scopes at once).
pub fn plan(stored: Option<&Registered>, wanted: &Registered, body: &Value) -> Vec<Overwrite> {
    if stored == Some(wanted) {
        return Vec::new();
    }
    let new_scope = Scope::parse(&wanted.scope).unwrap_or(Scope::Global);
    let mut calls: Vec<Overwrite> = new_scope
        .targets()
        .into_iter()
        .map(|guild| Overwrite {
            guild,
            body: body.clone(),
        })
        .collect();
    if let Some(old) = stored.filter(|s| s.application_id == wanted.application_id) {
        let old_targets = Scope::parse(&old.scope)
            .map(|s| s.targets())
            .unwrap_or_default();
        let new_targets = new_scope.targets();
        for guild in old_targets.into_iter().filter(|t| !new_targets.contains(t)) {
            calls.push(Overwrite {
                guild,
                body: Value::Array(Vec::new()),
            });
        }
    }
    calls
}

/// The state file path: `FACTDESK_STATE_FILE`, else `discord.state_file`,
/// else `state.json` in the platform's state directory
/// (`$XDG_STATE_HOME/factdesk`, else `~/.local/state/factdesk`), else
/// [`DEFAULT_STATE_FILE`] in the working directory. It is machine state, not
/// project content: it belongs neither in the checkout nor in git.
pub fn state_path(config: &Config) -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    state_path_from(
        var("FACTDESK_STATE_FILE").map(PathBuf::from),
        config.discord.state_file.as_deref(),
        var("XDG_STATE_HOME").map(PathBuf::from),
        var("HOME").map(PathBuf::from),
    )
}

/// [`state_path`] with the environment passed in.
fn state_path_from(
    explicit: Option<PathBuf>,
    configured: Option<&str>,
    xdg_state_home: Option<PathBuf>,
    home: Option<PathBuf>,
) -> PathBuf {
    if let Some(path) = explicit {
        return path;
    }
    if let Some(path) = configured {
        return PathBuf::from(path);
    }
    // The XDG spec: a relative XDG_STATE_HOME is invalid and ignored.
    let state_dir = xdg_state_home
        .filter(|d| d.is_absolute())
        .or_else(|| home.map(|h| h.join(".local").join("state")));
    match state_dir {
        Some(dir) => dir.join("factdesk").join("state.json"),
        None => PathBuf::from(DEFAULT_STATE_FILE),
    }
}

/// Reads the state file; a missing or unreadable one means "nothing known",
/// which costs one registration, never a failure.
pub fn read_state(path: &Path) -> Option<Registered> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "cannot read the state file; registering commands");
            return None;
        }
    };
    match serde_json::from_str(&text) {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "state file is not valid; registering commands");
            None
        }
    }
}

/// Writes the state file atomically (temporary file, then rename), so a
/// crash mid-write never leaves half a file.
pub fn write_state(path: &Path, state: &Registered) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let text = serde_json::to_string_pretty(state).unwrap_or_default() + "\n";
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// What [`sync`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    /// The state file matched: no call made.
    Unchanged,
    /// Every overwrite succeeded and the state file was updated.
    Registered {
        /// Number of PUT calls made.
        calls: usize,
    },
}

/// Why registration failed. The bot keeps running (mentions still work,
/// commands registered before still arrive); the state file is left alone so
/// the next start tries again.
#[derive(Debug, thiserror::Error)]
#[error("cannot register slash commands: {0}")]
pub struct RegistrationError(#[from] pub RestError);

/// Registers the config's commands for `application` unless the state file
/// says this exact set is already registered in this scope.
pub async fn sync(
    rest: &Rest,
    config: &Config,
    application: u64,
    state_file: &Path,
) -> Result<SyncOutcome, RegistrationError> {
    let body = commands_json(config);
    let scope = Scope::from_config(config);
    let wanted = Registered {
        application_id: application.to_string(),
        scope: scope.key(),
        commands_hash: commands_hash(&body),
    };
    let stored = read_state(state_file);
    let calls = plan(stored.as_ref(), &wanted, &body);
    if calls.is_empty() {
        tracing::info!(scope = %wanted.scope, hash = %wanted.commands_hash, "slash commands unchanged; not registering");
        return Ok(SyncOutcome::Unchanged);
    }
    for call in &calls {
        rest.overwrite_commands(application, call.guild, &call.body)
            .await?;
        let count = call.body.as_array().map_or(0, Vec::len);
        match call.guild {
            Some(g) => tracing::info!(
                guild = g,
                commands = count,
                "registered guild slash commands"
            ),
            None => tracing::info!(commands = count, "registered global slash commands"),
        }
    }
    if let Err(e) = write_state(state_file, &wanted) {
        // Only costs a redundant registration at the next start.
        tracing::warn!(path = %state_file.display(), error = %e, "cannot write the state file");
    }
    Ok(SyncOutcome::Registered { calls: calls.len() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reg(app: &str, scope: &str, hash: &str) -> Registered {
        Registered {
            application_id: app.into(),
            scope: scope.into(),
            commands_hash: hash.into(),
        }
    }

    #[test]
    fn scope_keys_round_trip_sorted() {
        assert_eq!(Scope::Guilds(vec![1, 2]).key(), "guilds:1,2");
        assert_eq!(Scope::parse("guilds:1,2"), Some(Scope::Guilds(vec![1, 2])));
        assert_eq!(Scope::parse("global"), Some(Scope::Global));
        assert_eq!(Scope::parse("guilds:"), None);
        assert_eq!(Scope::parse("guilds:x"), None);
    }

    #[test]
    fn unchanged_commands_make_no_call() {
        let r = reg("7", "global", "abc");
        assert_eq!(plan(Some(&r), &r, &json!([])), vec![]);
    }

    #[test]
    fn first_registration_puts_once_per_guild() {
        let body = json!([{"name": "x"}]);
        let calls = plan(None, &reg("7", "guilds:1,2", "h"), &body);
        assert_eq!(
            calls,
            vec![
                Overwrite {
                    guild: Some(1),
                    body: body.clone()
                },
                Overwrite {
                    guild: Some(2),
                    body: body.clone()
                }
            ]
        );
    }

    #[test]
    fn changed_hash_registers_again_in_the_same_scope_only() {
        let body = json!([{"name": "x"}]);
        let calls = plan(
            Some(&reg("7", "global", "old")),
            &reg("7", "global", "new"),
            &body,
        );
        assert_eq!(calls, vec![Overwrite { guild: None, body }]);
    }

    #[test]
    fn moving_from_global_to_guilds_empties_the_global_scope() {
        let body = json!([{"name": "x"}]);
        let calls = plan(
            Some(&reg("7", "global", "h")),
            &reg("7", "guilds:5", "h"),
            &body,
        );
        assert_eq!(
            calls,
            vec![
                Overwrite {
                    guild: Some(5),
                    body
                },
                Overwrite {
                    guild: None,
                    body: json!([])
                }
            ]
        );
    }

    #[test]
    fn moving_between_guild_sets_empties_only_the_dropped_guilds() {
        let body = json!([]);
        let calls = plan(
            Some(&reg("7", "guilds:1,2", "h")),
            &reg("7", "guilds:2,3", "h"),
            &body,
        );
        assert_eq!(
            calls,
            vec![
                Overwrite {
                    guild: Some(2),
                    body: json!([])
                },
                Overwrite {
                    guild: Some(3),
                    body: json!([])
                },
                Overwrite {
                    guild: Some(1),
                    body: json!([])
                },
            ]
        );
    }

    #[test]
    fn another_applications_state_is_not_cleaned_up() {
        let body = json!([]);
        let calls = plan(
            Some(&reg("8", "global", "h")),
            &reg("7", "guilds:1", "h"),
            &body,
        );
        assert_eq!(
            calls,
            vec![Overwrite {
                guild: Some(1),
                body
            }]
        );
    }

    #[test]
    fn the_state_file_lives_in_the_platform_state_directory() {
        let p = |explicit: Option<&str>,
                 configured: Option<&str>,
                 xdg: Option<&str>,
                 home: Option<&str>| {
            state_path_from(
                explicit.map(PathBuf::from),
                configured,
                xdg.map(PathBuf::from),
                home.map(PathBuf::from),
            )
        };
        assert_eq!(
            p(None, None, None, Some("/home/a")),
            PathBuf::from("/home/a/.local/state/factdesk/state.json")
        );
        assert_eq!(
            p(None, None, Some("/var/state"), Some("/home/a")),
            PathBuf::from("/var/state/factdesk/state.json")
        );
        // A relative XDG_STATE_HOME is ignored, as the spec says.
        assert_eq!(
            p(None, None, Some("state"), Some("/home/a")),
            PathBuf::from("/home/a/.local/state/factdesk/state.json")
        );
        assert_eq!(
            p(None, Some("bot.json"), Some("/var/state"), Some("/home/a")),
            PathBuf::from("bot.json")
        );
        assert_eq!(
            p(Some("/data/s.json"), Some("bot.json"), None, None),
            PathBuf::from("/data/s.json")
        );
        assert_eq!(p(None, None, None, None), PathBuf::from(DEFAULT_STATE_FILE));
    }

    #[test]
    fn state_file_round_trips_and_tolerates_garbage() {
        let dir = std::env::temp_dir().join(format!("factdesk-state-test-{}", std::process::id()));
        let path = dir.join("sub").join("state.json");
        let r = reg("7", "guilds:1", "abc");
        write_state(&path, &r).unwrap();
        assert_eq!(read_state(&path), Some(r));
        std::fs::write(&path, "not json").unwrap();
        assert_eq!(read_state(&path), None);
        assert_eq!(read_state(&dir.join("missing")), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
