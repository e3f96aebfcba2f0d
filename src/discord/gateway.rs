//! Gateway transport: the bot as a serenity websocket client (`factdesk run`).
//!
//! Owns the bot's lifecycle: start-up checks, command registration, the
//! serenity client, event dispatch to the shared handler, deadlines, and
//! graceful shutdown. It decides nothing about answers: an interaction is
//! serialised back to Discord's JSON and given to [`handle_interaction`], a
//! mention or DM to [`handle_question`], and the JSON they return is sent as
//! is through [`Rest`], the one place REST calls (and 429 retries) happen.
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
//! Cooldown: per user, `discord.cooldown_seconds` (default 2) between two
//! questions. Slash commands get an ephemeral "slow down"; a mention gets a
//! short reply saying so (a reaction would need the Add Reactions permission
//! and tells the user less). Autocomplete is never throttled: it fires on
//! every keystroke and is answered from memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serenity::all::{
    ClientBuilder, Context, EventHandler, GatewayIntents, HttpBuilder, Interaction, Message, Ready,
    ResumedEvent,
};
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::task::{JoinError, JoinHandle};

use super::registration::{self, RegistrationError};
use super::rest::{Rest, RestError, DISCORD_BASE};
use super::{handle_interaction, handle_question, interaction_user, kind, question_from_mention, Cooldown, Outcome};
use crate::config::Secret;
use crate::render::Reply;
use crate::Engine;

/// Used when `discord.cooldown_seconds` is not set.
pub const DEFAULT_COOLDOWN_SECONDS: f64 = 2.0;
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
    // Installed first so a signal during start-up is not fatal-by-default.
    let mut signals = Signals::install().map_err(GatewayError::Signals)?;

    let token = Secret::from_env("DISCORD_TOKEN").ok_or(GatewayError::MissingToken)?;
    let discord = engine.config().discord.clone();
    let api_base = discord.api_base.clone();
    let rest = Rest::new(api_base.as_deref().unwrap_or(DISCORD_BASE), &token).map_err(GatewayError::Startup)?;

    let me = rest.current_user().await.map_err(startup_error)?;
    let bot_id = id_field(&me, "id").ok_or_else(|| bad_body("GET /users/@me", "no user id"))?;
    let app = rest.current_application().await.map_err(startup_error)?;
    let application_id = id_field(&app, "id").ok_or_else(|| bad_body("GET /oauth2/applications/@me", "no id"))?;
    tracing::info!(
        user = bot_id,
        application = application_id,
        name = me["username"].as_str().unwrap_or(""),
        api = rest.base(),
        "token accepted"
    );

    let gateway_url = match &api_base {
        Some(base) => Some(
            rest.gateway_url()
                .await
                .map_err(|source| GatewayError::GatewayUrl { base: base.clone(), source })?,
        ),
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
        engine: engine.clone(),
        rest,
        application_id,
        bot_id,
        cooldown: Cooldown::new(discord.cooldown_seconds.unwrap_or(DEFAULT_COOLDOWN_SECONDS)),
        defer_after: Duration::from_millis(discord.defer_after_ms.unwrap_or(DEFAULT_DEFER_AFTER_MS)),
        in_flight: AtomicUsize::new(0),
    });

    // serenity's own REST client is only used by the client internals. Its
    // ratelimiter bypasses `proxy`, so an override needs it disabled.
    let http = match &api_base {
        Some(base) => HttpBuilder::new(token.expose()).proxy(base.trim_end_matches('/')).ratelimiter_disabled(true),
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
    let result = tokio::select! {
        r = client.start() => r.map_err(client_error),
        name = signals.recv() => {
            tracing::info!(signal = name, "shutting down");
            shard_manager.shutdown_all().await;
            Ok(())
        }
    };
    drop(client);
    core.drain(DRAIN_TIMEOUT).await;
    result
}

/// State shared by every event: the engine, REST, ids and limits.
struct Core {
    engine: Arc<Engine>,
    rest: Rest,
    application_id: u64,
    bot_id: u64,
    cooldown: Cooldown,
    defer_after: Duration,
    /// Events being answered, so shutdown can wait for them.
    in_flight: AtomicUsize,
}

/// Counts an event as in flight for as long as it lives.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn new(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        InFlight(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Core {
    async fn drain(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let left = self.in_flight.load(Ordering::SeqCst);
        if left > 0 {
            tracing::warn!(left, "stopped with answers still in flight");
        }
    }

    /// The task's result if it is ready within `defer_after`; `None` means
    /// it is slow. A zero `defer_after` counts every answer as slow, which
    /// makes "always defer" a setting (and the deferred path testable).
    async fn in_time<T>(&self, task: &mut JoinHandle<T>) -> Option<Result<T, JoinError>> {
        if self.defer_after.is_zero() {
            return None;
        }
        tokio::time::timeout(self.defer_after, task).await.ok()
    }

    /// Answers one interaction given as Discord's JSON.
    async fn interaction(&self, id: u64, token: &str, interaction: Value) {
        let _guard = InFlight::new(&self.in_flight);
        let started = Instant::now();
        let typ = interaction["type"].as_u64().unwrap_or(0);
        let user = interaction_user(&interaction);
        let command = interaction["data"]["name"].as_str().unwrap_or("").to_string();

        if typ == kind::APPLICATION_COMMAND {
            if let Some(wait) = user.and_then(|u| self.cooldown.check(u)) {
                let response = Cooldown::reply(wait).to_interaction_response();
                let sent = self.rest.interaction_callback(id, token, &response).await;
                log_answer("interaction", &format!("{command}:cooldown"), user, started, None, false, sent.err());
                return;
            }
        }

        let engine = self.engine.clone();
        let mut task = tokio::task::spawn_blocking(move || handle_interaction(&engine, &interaction));
        // Autocomplete cannot be deferred (and is answered from memory).
        let quick = if typ == kind::AUTOCOMPLETE { Some((&mut task).await) } else { self.in_time(&mut task).await };
        let (outcome, deferred, sent) = match quick {
            Some(joined) => {
                let outcome = outcome_or_apology(joined, &command);
                let sent = self.rest.interaction_callback(id, token, &outcome.response).await;
                (outcome, false, sent)
            }
            None => {
                let deferred = self.rest.interaction_callback(id, token, &json!({ "type": 5 })).await;
                let outcome = outcome_or_apology(task.await, &command);
                let sent = match deferred {
                    Ok(()) => {
                        self.rest.edit_original(self.application_id, token, &deferred_edit_body(&outcome.response)).await
                    }
                    Err(e) => Err(e),
                };
                (outcome, true, sent)
            }
        };
        log_answer("interaction", &outcome.label, user, started, outcome.answered, deferred, sent.err());
    }

    /// Answers a message that mentions the bot, or a DM, with a reply.
    async fn message(&self, msg: &Message) {
        // Bots (this one included) never get answers: no loops between bots.
        if msg.author.bot || msg.author.id.get() == self.bot_id || msg.webhook_id.is_some() {
            return;
        }
        let Some(question) = question_from_mention(&msg.content, self.bot_id, msg.guild_id.is_none()) else {
            return;
        };
        let _guard = InFlight::new(&self.in_flight);
        let started = Instant::now();
        let user = Some(msg.author.id.get());
        let reference = MessageRef {
            message: msg.id.get(),
            channel: msg.channel_id.get(),
            guild: msg.guild_id.map(|g| g.get()),
        };

        if let Some(wait) = self.cooldown.check(msg.author.id.get()) {
            // Messages cannot be ephemeral: a short public reply instead.
            let mut notice = Cooldown::reply(wait);
            notice.ephemeral = false;
            let sent = self.rest.create_message(reference.channel, &reply_body(&notice, &reference)).await;
            log_answer("mention", "mention:cooldown", user, started, None, false, sent.err());
            return;
        }

        let engine = self.engine.clone();
        let mut task = tokio::task::spawn_blocking(move || handle_question(&engine, &question));
        let (joined, slow) = match self.in_time(&mut task).await {
            Some(joined) => (joined, false),
            None => {
                // No 3-second window for messages; "typing…" tells the user
                // an answer is coming.
                if let Err(e) = self.rest.trigger_typing(reference.channel).await {
                    tracing::debug!(error = %e, "cannot show typing");
                }
                (task.await, true)
            }
        };
        let (reply, answered) = match joined {
            Ok(r) => (r.0, Some(r.1)),
            Err(e) => {
                tracing::error!(error = %e, "answering a mention failed");
                (Reply::notice("Sorry, something went wrong while answering that.", false), None)
            }
        };
        let sent = self.rest.create_message(reference.channel, &reply_body(&reply, &reference)).await;
        log_answer("mention", "mention", user, started, answered, slow, sent.err());
    }
}

/// The message a reply answers.
#[derive(Debug, Clone, Copy, PartialEq)]
struct MessageRef {
    message: u64,
    channel: u64,
    guild: Option<u64>,
}

/// A message body that replies to `to` and pings no one, not even its
/// author (`replied_user: false`).
fn reply_body(reply: &Reply, to: &MessageRef) -> Value {
    let mut body = reply.to_json();
    body["allowed_mentions"] = json!({ "parse": [], "replied_user": false });
    let mut reference = json!({
        "message_id": to.message.to_string(),
        "channel_id": to.channel.to_string(),
        // The question may be deleted before the answer is ready.
        "fail_if_not_exists": false,
    });
    if let Some(g) = to.guild {
        reference["guild_id"] = json!(g.to_string());
    }
    body["message_reference"] = reference;
    body
}

/// The edit that fills in a deferred response: the message of the
/// type-4 response, minus `flags` (an edit cannot make it ephemeral).
fn deferred_edit_body(response: &Value) -> Value {
    let mut data = response["data"].clone();
    if let Some(obj) = data.as_object_mut() {
        obj.remove("flags");
    }
    data
}

fn outcome_or_apology(joined: Result<Outcome, JoinError>, command: &str) -> Outcome {
    joined.unwrap_or_else(|e| {
        tracing::error!(command, error = %e, "answering an interaction failed");
        Outcome {
            response: Reply::notice("Sorry, something went wrong while answering that.", true)
                .to_interaction_response(),
            label: format!("{command}:error"),
            answered: None,
        }
    })
}

fn log_answer(
    via: &str,
    command: &str,
    user: Option<u64>,
    started: Instant,
    answered: Option<bool>,
    deferred: bool,
    error: Option<RestError>,
) {
    let latency_ms = started.elapsed().as_millis() as u64;
    let user = user.unwrap_or(0);
    match error {
        None => tracing::info!(via, %command, user, latency_ms, answered, deferred, "answered"),
        Some(e) => tracing::error!(via, %command, user, latency_ms, deferred, error = %e, "answer not delivered"),
    }
}

/// An interaction back in Discord's JSON, for the handler both transports
/// share. serenity 0.12.5 serialises a command and an autocomplete as the
/// same struct without `type`, so the type is put back from the enum.
fn interaction_json(interaction: &Interaction) -> Result<Value, serde_json::Error> {
    let mut value = serde_json::to_value(interaction)?;
    value["type"] = json!(u8::from(interaction.kind()));
    Ok(value)
}

/// serenity's event entry points, each handing over to [`Core`].
struct Handler {
    core: Arc<Core>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(
            user = ready.user.id.get(),
            session = %ready.session_id,
            guilds = ready.guilds.len(),
            shard = ?ready.shard.map(|s| s.id.0),
            "connected to the gateway"
        );
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        tracing::info!("gateway session resumed");
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        let value = match interaction_json(&interaction) {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "cannot serialise an interaction");
                return;
            }
        };
        self.core.interaction(interaction.id().get(), interaction.token(), value).await;
    }

    async fn message(&self, _ctx: Context, msg: Message) {
        self.core.message(&msg).await;
    }
}

/// SIGINT and SIGTERM, listened for from start-up on.
struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    fn install() -> std::io::Result<Signals> {
        Ok(Signals { interrupt: signal(SignalKind::interrupt())?, terminate: signal(SignalKind::terminate())? })
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
    GatewayError::Startup(RestError::Decode { route: route.into(), message: what.into() })
}

/// A snowflake field, which Discord sends as a string.
fn id_field(v: &Value, field: &str) -> Option<u64> {
    v[field].as_str().and_then(|s| s.parse().ok()).or_else(|| v[field].as_u64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_reference_the_question_and_ping_no_one() {
        let reply = Reply::notice("@everyone hi", false);
        let body = reply_body(&reply, &MessageRef { message: 3, channel: 2, guild: Some(1) });
        assert_eq!(
            body,
            json!({
                "content": "@\u{200b}everyone hi",
                "embeds": [],
                "allowed_mentions": { "parse": [], "replied_user": false },
                "message_reference": {
                    "message_id": "3", "channel_id": "2", "guild_id": "1", "fail_if_not_exists": false
                },
            })
        );
        let dm = reply_body(&reply, &MessageRef { message: 3, channel: 2, guild: None });
        assert_eq!(dm["message_reference"].get("guild_id"), None);
    }

    #[test]
    fn deferred_edit_is_the_message_without_flags() {
        let response = Reply::notice("x", true).to_interaction_response();
        assert_eq!(
            deferred_edit_body(&response),
            json!({ "content": "x", "embeds": [], "allowed_mentions": { "parse": [] } })
        );
    }

    #[test]
    fn errors_never_carry_the_token() {
        let e = GatewayError::TokenRejected("401 Unauthorized");
        assert_eq!(
            e.to_string(),
            "Discord rejected the token in DISCORD_TOKEN (401 Unauthorized); copy a fresh one from the developer portal (Bot > Reset Token)"
        );
    }

    /// The gateway hands serenity's model to the shared handler by
    /// serialising it; this pins that the fields the handler reads survive.
    #[test]
    fn serenity_interactions_serialise_back_to_discord_json() {
        let raw = json!({
            "id": "1", "application_id": "2", "type": 4, "token": "tok", "version": 1,
            "channel_id": "5", "guild_id": "6", "locale": "en-US", "guild_locale": "en-US",
            "app_permissions": "0", "entitlements": [], "authorizing_integration_owners": {},
            "attachment_size_limit": 10485760,
            "member": {
                "user": { "id": "7", "username": "u", "discriminator": "0", "global_name": null, "avatar": null },
                "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
                "flags": 0, "permissions": "0"
            },
            "data": {
                "id": "8", "name": "about", "type": 1,
                "options": [{ "name": "entity", "type": 3, "value": "Ali", "focused": true }]
            }
        });
        let interaction: Interaction = serde_json::from_value(raw).unwrap();
        // The reason for interaction_json: serde alone loses the type.
        assert_eq!(serde_json::to_value(&interaction).unwrap().get("type"), None);
        let v = interaction_json(&interaction).unwrap();
        assert_eq!(v["type"], json!(4));
        assert_eq!(v["data"]["name"], json!("about"));
        assert_eq!(v["data"]["options"], json!([{ "name": "entity", "type": 3, "value": "Ali", "focused": true }]));
        assert_eq!(interaction_user(&v), Some(7));
    }
}
