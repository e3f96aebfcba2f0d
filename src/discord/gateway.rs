//! Gateway transport: the bot as a serenity websocket client (`factdesk run`).
//!
//! Owns the bot's lifecycle: start-up checks, command registration, the
//! serenity client, event dispatch to the shared handler, deadlines, and
//! graceful shutdown. It decides nothing about answers: an interaction is
//! serialised back to Discord's JSON and given to
//! [`super::handle_interaction`], a mention or DM to
//! [`super::handle_question`], and the JSON they return is sent as is
//! through [`Rest`], the one place REST calls (and 429 retries) happen. The
//! event side lives in `events`.
//!
//! Start-up, in order, each step failing with a clear error:
//! 1. `DISCORD_TOKEN` from the environment ([`Secret`]; never logged).
//! 2. `GET /users/@me` checks the token (401: [`GatewayError::TokenRejected`])
//!    and gives the bot's user id (to recognise mentions);
//!    `GET /oauth2/applications/@me` gives the application id.
//! 3. With a REST base override (`discord.api_base` / `DISCORD_API_BASE`),
//!    `GET /gateway` through it. serenity would quietly fall back to Discord's
//!    public gateway if its own call failed, which would connect a test bot
//!    to the real Discord; so the URL is fetched here, start-up fails if it
//!    cannot be, and it is written into the client in place of serenity's.
//! 4. Slash commands registered ([`registration::sync`]), once per change.
//! 5. The gateway connection, with only GUILD_MESSAGES and DIRECT_MESSAGES
//!    (no privileged intent: a message that mentions the bot carries its
//!    content anyway). serenity heartbeats, resumes and reconnects.
//!
//! Deadlines: Discord drops an interaction not answered within 3 seconds.
//! The answer runs on a blocking thread; if it is not ready after
//! `discord.defer_after_ms` (default 1500; 0 defers every command), the
//! interaction is deferred (type 5) and the original response edited when
//! the answer is ready. A slow answer to a mention shows "typing…" instead.
//!
//! Lifecycle: SIGINT or SIGTERM shuts the shards down, waits up to 5 s for
//! answers in flight, and returns `Ok` (exit code 0). A liveness file
//! (`FACTDESK_HEALTH_FILE`, optional) is kept fresh while a shard is
//! connected, for container health checks.
//!
//! Cooldown: per user, `discord.cooldown_seconds` (default 2; the same
//! [`Cooldown`] and default as the HTTP endpoint) between two questions.
//! Slash commands get an ephemeral "slow down"; a mention gets a short reply
//! saying so (a reaction would need the Add Reactions permission
//! and tells the user less). Autocomplete is never throttled: it fires on
//! every keystroke and is answered from memory.

mod events;

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use serenity::all::{ClientBuilder, ConnectionStage, GatewayIntents, HttpBuilder, ShardManager};
use tokio::signal::unix::{signal, Signal, SignalKind};

use self::events::{Core, Handler};
use super::registration::{self, RegistrationError};
use super::rest::{Rest, RestError, DISCORD_BASE};
use super::Cooldown;
use crate::config::Secret;
use crate::Engine;

/// Used when `discord.defer_after_ms` is not set: well inside Discord's 3 s.
pub const DEFAULT_DEFER_AFTER_MS: u64 = 1500;
/// How long shutdown waits for answers already being computed or sent.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the bot stopped (or never started). No variant carries the token.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// `DISCORD_TOKEN` is unset or empty.
    #[error("DISCORD_TOKEN is not set: put the bot token from the Discord developer portal in the environment")]
    MissingToken,
    /// Discord refused the token (401 from the API or gateway close 4004).
    #[error("Discord rejected the token in DISCORD_TOKEN ({0}); copy a fresh one from the developer portal (Bot > Reset Token)")]
    TokenRejected(&'static str),
    /// A start-up REST call failed.
    #[error("cannot start the bot: {0}")]
    Startup(#[source] RestError),
    /// The gateway URL could not be fetched through the REST base override.
    #[error("cannot get the gateway URL from {base}: {source} (not falling back to Discord's public gateway while a REST base override is set)")]
    GatewayUrl {
        /// The override in force.
        base: String,
        /// What went wrong.
        #[source]
        source: RestError,
    },
    /// Signal handlers could not be installed.
    #[error("cannot listen for SIGINT/SIGTERM: {0}")]
    Signals(#[source] std::io::Error),
    /// serenity gave up (building the client or running the shards).
    #[error("gateway client failed: {0}")]
    Client(String),
}

/// Runs the bot until SIGINT or SIGTERM, then shuts the shards down and
/// lets answers in flight finish (up to 5 s). Returns `Ok` on a signal.
pub async fn run(engine: Arc<Engine>) -> Result<(), GatewayError> {
    run_live(Arc::new(engine.into()), None).await
}

/// Like [`run`], answering from whatever engine `shared` holds at the time
/// of each question (the live corpus swaps it). Message bodies sent on
/// `updates` are posted to `discord.updates_channel_id`
/// ([`crate::live::announce`]).
pub async fn run_live(
    shared: Arc<crate::live::Shared>,
    updates: Option<tokio::sync::mpsc::UnboundedReceiver<Value>>,
) -> Result<(), GatewayError> {
    let engine = shared.load();
    // Installed first so a signal during start-up is not fatal-by-default.
    let mut signals = Signals::install().map_err(GatewayError::Signals)?;

    let token = Secret::from_env("DISCORD_TOKEN").ok_or(GatewayError::MissingToken)?;
    let discord = engine.config().discord.clone();
    let api_base = discord.api_base.clone();
    let rest = Rest::new(api_base.as_deref().unwrap_or(DISCORD_BASE), &token)
        .map_err(GatewayError::Startup)?;

    let me = rest.current_user().await.map_err(startup_error)?;
    let bot_id = id_field(&me, "id").ok_or_else(|| bad_body("GET /users/@me", "no user id"))?;
    let app = rest.current_application().await.map_err(startup_error)?;
    let application_id =
        id_field(&app, "id").ok_or_else(|| bad_body("GET /oauth2/applications/@me", "no id"))?;
    tracing::info!(
        user = bot_id,
        application = application_id,
        name = me["username"].as_str().unwrap_or(""),
        api = rest.base(),
        "token accepted"
    );

    let gateway_url = match &api_base {
        Some(base) => {
            Some(
                rest.gateway_url()
                    .await
                    .map_err(|source| GatewayError::GatewayUrl {
                        base: base.clone(),
                        source,
                    })?,
            )
        }
        None => None,
    };

    let state_file = registration::state_path(engine.config());
    match registration::sync(&rest, engine.config(), application_id, &state_file).await {
        Ok(_) => {}
        Err(RegistrationError(RestError::Unauthorized { .. })) => {
            return Err(GatewayError::TokenRejected("401 Unauthorized"));
        }
        // Not fatal: mentions and previously registered commands still work,
        // and the unchanged state file makes the next start try again.
        Err(e) => tracing::error!(error = %e, "slash commands not registered"),
    }

    let core = Arc::new(Core {
        engine: shared.clone(),
        rest,
        application_id,
        bot_id,
        cooldown: Cooldown::from_config(&discord),
        defer_after: Duration::from_millis(
            discord.defer_after_ms.unwrap_or(DEFAULT_DEFER_AFTER_MS),
        ),
        in_flight: AtomicUsize::new(0),
        health: Health::from_env(),
    });

    // serenity's own REST client is only used by the client internals. Its
    // ratelimiter bypasses `proxy`, so an override needs it disabled.
    let http = match &api_base {
        Some(base) => HttpBuilder::new(token.expose())
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true),
        None => HttpBuilder::new(token.expose()),
    }
    .build();
    let intents = GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    let mut client = ClientBuilder::new_with_http(http, intents)
        .event_handler(Handler { core: core.clone() })
        .await
        .map_err(|e| GatewayError::Client(e.to_string()))?;
    if let Some(url) = gateway_url {
        *client.ws_url.lock().await = url;
    }

    let shard_manager = client.shard_manager.clone();
    let beat = tokio::spawn(health_beat(core.clone(), shard_manager.clone()));
    let poster = match (updates, discord.updates_channel_id) {
        (Some(rx), Some(channel)) => {
            let core = core.clone();
            let every = discord.updates_min_interval_seconds.map_or(
                crate::live::announce::DEFAULT_MIN_INTERVAL,
                Duration::from_secs,
            );
            Some(tokio::spawn(async move {
                crate::live::announce::post(&core.rest, channel, every, rx).await
            }))
        }
        _ => None,
    };
    let result = tokio::select! {
        r = client.start() => r.map_err(client_error),
        name = signals.recv() => {
            tracing::info!(signal = name, "shutting down");
            shard_manager.shutdown_all().await;
            Ok(())
        }
    };
    beat.abort();
    if let Some(p) = poster {
        p.abort();
    }
    drop(client);
    core.drain(DRAIN_TIMEOUT).await;
    core.health.clear();
    result
}

/// How often the health file is refreshed while a shard is connected.
const HEALTH_EVERY: Duration = Duration::from_secs(15);

/// The liveness file named by `FACTDESK_HEALTH_FILE`: touched on READY, on
/// RESUMED, and every 15 s while a shard is connected, removed on exit. A
/// container HEALTHCHECK tests its age; `factdesk check` could only say the
/// files are valid, not that the bot is still connected to Discord.
///
/// Once cleared it stays cleared: an event handler still running at
/// shutdown (a late READY) must not bring the file back, so touching and
/// clearing take the same lock.
#[derive(Debug, Default)]
pub(crate) struct Health {
    path: Option<std::path::PathBuf>,
    cleared: std::sync::Mutex<bool>,
}

impl Health {
    fn from_env() -> Health {
        Health {
            path: std::env::var_os("FACTDESK_HEALTH_FILE")
                .filter(|p| !p.is_empty())
                .map(Into::into),
            cleared: std::sync::Mutex::new(false),
        }
    }

    pub(crate) fn touch(&self) {
        let Some(path) = &self.path else {
            return;
        };
        let cleared = self.cleared.lock().unwrap_or_else(|e| e.into_inner());
        if *cleared {
            return;
        }
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // Written aside and renamed, so a reader never sees it half done.
        let tmp = path.with_extension("tmp");
        let written = std::fs::write(&tmp, format!("connected {stamp}\n"))
            .and_then(|()| std::fs::rename(&tmp, path));
        if let Err(e) = written {
            tracing::warn!(path = %path.display(), error = %e, "cannot write the health file");
        }
    }

    fn clear(&self) {
        let mut cleared = self.cleared.lock().unwrap_or_else(|e| e.into_inner());
        *cleared = true;
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

async fn health_beat(core: Arc<Core>, manager: Arc<ShardManager>) {
    if core.health.path.is_none() {
        return;
    }
    let mut tick = tokio::time::interval(HEALTH_EVERY);
    loop {
        tick.tick().await;
        // The stage is refreshed on every heartbeat ACK, so a zombie socket
        // stops counting as connected once serenity notices it.
        let connected = manager
            .runners
            .lock()
            .await
            .values()
            .any(|r| r.stage == ConnectionStage::Connected);
        if connected {
            core.health.touch();
        }
    }
}

/// SIGINT and SIGTERM, listened for from start-up on.
struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    fn install() -> std::io::Result<Signals> {
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.interrupt.recv() => "SIGINT",
            _ = self.terminate.recv() => "SIGTERM",
        }
    }
}

fn startup_error(e: RestError) -> GatewayError {
    match e {
        RestError::Unauthorized { .. } => GatewayError::TokenRejected("401 Unauthorized"),
        e => GatewayError::Startup(e),
    }
}

fn client_error(e: serenity::Error) -> GatewayError {
    match e {
        serenity::Error::Gateway(serenity::gateway::GatewayError::InvalidAuthentication) => {
            GatewayError::TokenRejected("gateway close code 4004")
        }
        e => GatewayError::Client(e.to_string()),
    }
}

fn bad_body(route: &str, what: &str) -> GatewayError {
    GatewayError::Startup(RestError::Decode {
        route: route.into(),
        message: what.into(),
    })
}

/// A snowflake field, which Discord sends as a string.
fn id_field(v: &Value, field: &str) -> Option<u64> {
    v[field]
        .as_str()
        .and_then(|s| s.parse().ok())
        .or_else(|| v[field].as_u64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_carry_the_token() {
        let e = GatewayError::TokenRejected("401 Unauthorized");
        assert_eq!(
            e.to_string(),
            "Discord rejected the token in DISCORD_TOKEN (401 Unauthorized); copy a fresh one from the developer portal (Bot > Reset Token)"
        );
    }
}
