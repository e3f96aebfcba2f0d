//! Gateway events: what the bot does with an interaction or a message.
//!
//! The serenity [`Handler`] only translates: an interaction goes back to
//! Discord's JSON ([`interaction_json`]) and to the shared
//! [`handle_interaction`]; a mention or DM goes to [`handle_question`]. The
//! [`Core`] applies the cooldown, runs the answer on a blocking thread, defers
//! when it is slow, sends the JSON through [`Rest`], and logs the command,
//! the user and the latency (never a token).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use serenity::all::{Context, EventHandler, Interaction, Message, Ready, ResumedEvent};
use tokio::task::{JoinError, JoinHandle};

use super::Health;
use crate::discord::rest::{Rest, RestError};
use crate::discord::{
    handle_interaction, handle_question, interaction_user, kind, question_from_mention, Cooldown,
    Outcome,
};
use crate::render::Reply;

/// State shared by every event: the engine, REST, ids and limits.
pub(super) struct Core {
    pub(super) engine: Arc<crate::live::Shared>,
    pub(super) rest: Rest,
    pub(super) application_id: u64,
    /// The bot's user id, to recognise mentions and its own messages.
    pub(super) bot_id: u64,
    pub(super) cooldown: Cooldown,
    /// Answers slower than this are deferred first.
    pub(super) defer_after: Duration,
    /// Events being answered, so shutdown can wait for them.
    pub(super) in_flight: AtomicUsize,
    /// The liveness file for container health checks.
    pub(super) health: Health,
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
    /// Waits until no event is being answered, or `timeout`.
    pub(super) async fn drain(&self, timeout: Duration) {
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
        let command = interaction["data"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string();

        if typ == kind::APPLICATION_COMMAND {
            if let Some(wait) = user.and_then(|u| self.cooldown.check(u)) {
                let response = Cooldown::reply(wait).to_interaction_response();
                let sent = self.rest.interaction_callback(id, token, &response).await;
                log_answer(
                    "interaction",
                    &format!("{command}:cooldown"),
                    user,
                    started,
                    None,
                    false,
                    sent.err(),
                );
                return;
            }
        }

        let engine = self.engine.load();
        if typ == kind::APPLICATION_COMMAND
            && engine
                .config()
                .command(&command)
                .is_some_and(|c| c.answer == crate::live::add::ANSWER_KIND)
        {
            // Fetches a page: async, and answered privately.
            let sent = crate::live::add::interaction(
                &self.engine,
                &self.rest,
                self.application_id,
                id,
                token,
                &interaction,
            )
            .await;
            let label = sent.as_ref().map_or("add", |l| *l).to_string();
            log_answer("interaction", &label, user, started, None, true, sent.err());
            return;
        }
        let mut task =
            tokio::task::spawn_blocking(move || handle_interaction(&engine, &interaction));
        // Autocomplete cannot be deferred (and is answered from memory).
        let quick = if typ == kind::AUTOCOMPLETE {
            Some((&mut task).await)
        } else {
            self.in_time(&mut task).await
        };
        let (outcome, deferred, sent) = match quick {
            Some(joined) => {
                let outcome = outcome_or_apology(joined, &command);
                let sent = self
                    .rest
                    .interaction_callback(id, token, &outcome.response)
                    .await;
                (outcome, false, sent)
            }
            None => {
                // A click is answered only to the user who clicked: so is
                // its "thinking…" placeholder.
                let defer = if typ == kind::MESSAGE_COMPONENT {
                    json!({ "type": 5, "data": { "flags": 64 } })
                } else {
                    json!({ "type": 5 })
                };
                let deferred = self.rest.interaction_callback(id, token, &defer).await;
                let outcome = outcome_or_apology(task.await, &command);
                let sent = match deferred {
                    Ok(()) => {
                        self.rest
                            .edit_original(
                                self.application_id,
                                token,
                                &deferred_edit_body(&outcome.response),
                            )
                            .await
                    }
                    Err(e) => Err(e),
                };
                (outcome, true, sent)
            }
        };
        log_answer(
            "interaction",
            &outcome.label,
            user,
            started,
            outcome.answered,
            deferred,
            sent.err(),
        );
    }

    /// Answers a message that mentions the bot, or a DM, with a reply.
    async fn message(&self, msg: &Message) {
        // Bots (this one included) never get answers: no loops between bots.
        if msg.author.bot || msg.author.id.get() == self.bot_id || msg.webhook_id.is_some() {
            return;
        }
        let Some(question) =
            question_from_mention(&msg.content, self.bot_id, msg.guild_id.is_none())
        else {
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
            let sent = self
                .rest
                .create_message(reference.channel, &reply_body(&notice, &reference))
                .await;
            log_answer(
                "mention",
                "mention:cooldown",
                user,
                started,
                None,
                false,
                sent.err(),
            );
            return;
        }

        let engine = self.engine.load();
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
                (
                    Reply::notice("Sorry, something went wrong while answering that.", false),
                    None,
                )
            }
        };
        let sent = self
            .rest
            .create_message(reference.channel, &reply_body(&reply, &reference))
            .await;
        log_answer(
            "mention",
            "mention",
            user,
            started,
            answered,
            slow,
            sent.err(),
        );
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
            vote: None,
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
        None => {
            tracing::info!(via = %via, command = %command, user, latency_ms, answered, deferred, "answered")
        }
        Some(e) => {
            tracing::error!(via = %via, command = %command, user, latency_ms, deferred, error = %e, "answer not delivered")
        }
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
pub(super) struct Handler {
    pub(super) core: Arc<Core>,
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
        self.core.health.touch();
    }

    async fn resume(&self, _ctx: Context, _event: ResumedEvent) {
        tracing::info!("gateway session resumed");
        self.core.health.touch();
    }

    async fn interaction_create(&self, _ctx: Context, interaction: Interaction) {
        let value = match interaction_json(&interaction) {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(error = %e, "cannot serialise an interaction");
                return;
            }
        };
        self.core
            .interaction(interaction.id().get(), interaction.token(), value)
            .await;
    }

    async fn message(&self, _ctx: Context, msg: Message) {
        self.core.message(&msg).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_reference_the_question_and_ping_no_one() {
        let reply = Reply::notice("@everyone hi", false);
        let body = reply_body(
            &reply,
            &MessageRef {
                message: 3,
                channel: 2,
                guild: Some(1),
            },
        );
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
        let dm = reply_body(
            &reply,
            &MessageRef {
                message: 3,
                channel: 2,
                guild: None,
            },
        );
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
        assert_eq!(
            serde_json::to_value(&interaction).unwrap().get("type"),
            None
        );
        let v = interaction_json(&interaction).unwrap();
        assert_eq!(v["type"], json!(4));
        assert_eq!(v["data"]["name"], json!("about"));
        assert_eq!(
            v["data"]["options"],
            json!([{ "name": "entity", "type": 3, "value": "Ali", "focused": true }])
        );
        assert_eq!(interaction_user(&v), Some(7));
    }
}
