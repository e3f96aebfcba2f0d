//! End-to-end tests of the gateway bot: the real `factdesk run` binary
//! against a local Discord (REST + websocket gateway on 127.0.0.1, see
//! `support/fake_discord.rs`), with the fixture config and articles under
//! `tests/fixtures/gateway/`.
//!
//! Every interaction sent must get its answer within a timeout or the test
//! fails; every payload is first checked to deserialise as serenity's model,
//! because serenity silently drops events it cannot parse (a test would then
//! only time out). The tests assert the wire format and the behaviour (who
//! gets which call, when), not the wording of answers, which belongs to the
//! engine.

mod support;

use std::time::{Duration, Instant};

use factdesk::config::Config;
use factdesk::discord::commands_json;
use serde_json::{json, Value};
use support::bot::{copy_fixture_articles, fixture_dir, Bot, BotOptions, TempDir, TEST_TOKEN};
use support::fake_discord::*;

/// Upper bound for any single wait; the machine may be busy.
const WAIT: Duration = Duration::from_secs(20);
/// A clean shutdown must be at least this quick.
const SHUTDOWN: Duration = Duration::from_secs(8);
/// GUILD_MESSAGES | DIRECT_MESSAGES, nothing privileged.
const INTENTS: u64 = (1 << 9) | (1 << 12);

fn fixture_commands() -> Value {
    commands_json(&Config::load(&fixture_dir().join("config.toml")).expect("fixture config"))
}

/// The fixture config with one line replaced, written into `dir`.
fn config_variant(dir: &TempDir, from: &str, to: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture_dir().join("config.toml")).unwrap();
    assert!(text.contains(from), "fixture config has no `{from}`");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text.replace(from, to)).unwrap();
    path
}

/// A slash command from its own user (so the cooldown only bites when a
/// test means it to), checked against serenity's model.
fn command(user: u64, name: &str, options: Value) -> Value {
    let mut d = interaction_command(name, options);
    d["member"]["user"]["id"] = json!(user.to_string());
    checked_interaction(d)
}

fn autocomplete(user: u64, name: &str, option: &str, partial: &str) -> Value {
    let mut d = interaction_autocomplete(name, option, partial);
    d["member"]["user"]["id"] = json!(user.to_string());
    checked_interaction(d)
}

fn checked_interaction(d: Value) -> Value {
    if let Err(e) = serde_json::from_value::<serenity::all::Interaction>(d.clone()) {
        panic!("serenity would drop this interaction ({e}): {d:#}");
    }
    d
}

fn checked_message(d: Value) -> Value {
    if let Err(e) = serde_json::from_value::<serenity::all::Message>(d.clone()) {
        panic!("serenity would drop this message ({e}): {d:#}");
    }
    d
}

fn callback_path(d: &Value) -> String {
    format!(
        "{API_PREFIX}/interactions/{}/{}/callback",
        d["id"].as_str().unwrap(),
        d["token"].as_str().unwrap()
    )
}

/// A fake Discord and the bot connected to it.
struct Session {
    fake: FakeDiscord,
    bot: Bot,
    _state: TempDir,
}

impl Session {
    async fn start(label: &str) -> Session {
        let fake = FakeDiscord::start().await;
        let state = TempDir::new(label);
        let bot = Bot::spawn(&BotOptions::new(&fake.api_base(), &state));
        let session = Session {
            fake,
            bot,
            _state: state,
        };
        session.live().await;
        session
    }

    fn health_file(&self) -> std::path::PathBuf {
        self._state.path().join("healthy")
    }

    async fn live(&self) -> usize {
        self.fake
            .wait_for_live_session(WAIT)
            .await
            .expect("the bot never completed IDENTIFY/RESUME")
    }

    /// Sends an INTERACTION_CREATE and waits for its successful initial
    /// response; returns it and the time from dispatch to its arrival.
    async fn interact(&self, d: &Value) -> (Recorded, Duration) {
        let path = callback_path(d);
        let sent = Instant::now();
        self.fake
            .dispatch_when_live("INTERACTION_CREATE", d.clone(), WAIT)
            .await
            .expect("dispatch");
        let reply = self
            .fake
            .wait_for_request(
                |r| r.is("POST", &path) && !r.injected && r.status < 300,
                WAIT,
            )
            .await
            .unwrap_or_else(|| {
                panic!(
                    "no answer to interaction {} ({})",
                    d["id"], d["data"]["name"]
                )
            });
        let latency = reply.at.duration_since(sent);
        (reply, latency)
    }

    /// Sends a MESSAGE_CREATE and waits for the bot's reply to it.
    async fn mention(&self, d: &Value) -> Recorded {
        let channel = d["channel_id"].as_str().unwrap().to_string();
        let id = d["id"].as_str().unwrap().to_string();
        let path = format!("{API_PREFIX}/channels/{channel}/messages");
        self.fake
            .dispatch_when_live("MESSAGE_CREATE", d.clone(), WAIT)
            .await
            .expect("dispatch");
        self.fake
            .wait_for_request(
                |r| {
                    r.is("POST", &path)
                        && !r.injected
                        && r.body
                            .as_ref()
                            .is_some_and(|b| b["message_reference"]["message_id"] == json!(id))
                },
                WAIT,
            )
            .await
            .unwrap_or_else(|| panic!("no reply to message {id}"))
    }

    async fn stop(mut self) -> String {
        self.bot.sigterm();
        let started = Instant::now();
        let status = self
            .bot
            .wait_exit(SHUTDOWN)
            .await
            .expect("the bot did not stop after SIGTERM");
        println!(
            "shutdown after SIGTERM took {} ms",
            started.elapsed().as_millis()
        );
        assert_eq!(
            status.code(),
            Some(0),
            "exit status after SIGTERM: {status:?}"
        );
        assert!(
            !self.health_file().exists(),
            "a stopped bot must not look healthy"
        );
        let output = self.bot.output();
        assert_no_token(&output);
        output
    }
}

fn assert_no_token(output: &str) {
    assert!(
        !output.contains(TEST_TOKEN),
        "the bot token appears in the bot's output:\n{output}"
    );
}

/// The checks every answer message passes, whatever it says: embeds, no
/// pings, and citation fields quoting a sentence.
fn assert_answer_message(message: &Value) {
    assert_eq!(
        message["allowed_mentions"]["parse"],
        json!([]),
        "{message:#}"
    );
    let embeds = message["embeds"].as_array().expect("embeds");
    assert!(!embeds.is_empty(), "an answer is an embed: {message:#}");
    for embed in embeds {
        assert!(
            embed["title"].is_string() || embed["description"].is_string(),
            "{embed:#}"
        );
        let fields = embed["fields"].as_array().cloned().unwrap_or_default();
        assert!(fields.len() <= 25, "{embed:#}");
        for f in fields.iter().filter(|f| f["name"] != json!("…")) {
            // One field per citation: "[n] outlet · date" then the quote.
            assert!(f["name"].as_str().unwrap().starts_with('['), "{f:#}");
            assert!(f["value"].as_str().unwrap().starts_with("> "), "{f:#}");
        }
    }
}

/// The whole happy path of one bot lifetime: registration, a slash command,
/// autocomplete, cooldown, an unknown command, mentions, DMs, messages from
/// bots, and a clean SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_registers_answers_and_stops_cleanly_on_sigterm() {
    let s = Session::start("happy").await;
    let app = APPLICATION_ID;

    // Registered once, globally (the fixture has no guild ids), with exactly
    // the body built from the config.
    let puts: Vec<Recorded> = s
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 1, "{puts:#?}");
    assert_eq!(
        puts[0].path,
        format!("{API_PREFIX}/applications/{app}/commands")
    );
    assert_eq!(puts[0].body.as_ref(), Some(&fixture_commands()));

    // The liveness file a container HEALTHCHECK looks at.
    let health = s.health_file();
    let deadline = Instant::now() + WAIT;
    while !health.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(std::fs::read_to_string(&health)
        .unwrap()
        .starts_with("connected "));

    let identify = s.fake.wait_for_gateway_op(2, WAIT).await.expect("IDENTIFY");
    assert_eq!(
        identify.payload["d"]["intents"],
        json!(INTENTS),
        "only non-privileged intents"
    );

    // A slash command: a public embed.
    let (reply, latency) = s.interact(&command(1001, "who-rejected", json!([]))).await;
    println!(
        "answer latency (INTERACTION_CREATE sent -> callback received): {} ms",
        latency.as_millis()
    );
    let body = reply.body.expect("callback body");
    assert_eq!(body["type"], json!(4), "{body:#}");
    assert_eq!(
        body["data"].get("flags"),
        None,
        "answers are public: {body:#}"
    );
    assert_answer_message(&body["data"]);

    // Autocomplete: type 8, at most 25 choices.
    let (reply, latency) = s
        .interact(&autocomplete(1002, "about", "entity", "A"))
        .await;
    println!("autocomplete latency: {} ms", latency.as_millis());
    let body = reply.body.expect("callback body");
    assert_eq!(body["type"], json!(8), "{body:#}");
    assert!(
        body["data"]["choices"].as_array().expect("choices").len() <= 25,
        "{body:#}"
    );

    // A second command from the same user inside the cooldown: ephemeral.
    let (reply, _) = s.interact(&command(1001, "who-rejected", json!([]))).await;
    let body = reply.body.expect("callback body");
    assert_eq!(body["type"], json!(4), "{body:#}");
    assert_eq!(
        body["data"]["flags"],
        json!(64),
        "slow-down notices are ephemeral: {body:#}"
    );
    assert_eq!(body["data"]["allowed_mentions"], json!({"parse": []}));

    // A command the config does not have: an ephemeral notice.
    let (reply, _) = s.interact(&command(1003, "frobnicate", json!([]))).await;
    let body = reply.body.expect("callback body");
    assert_eq!(
        body["data"]["flags"],
        json!(64),
        "errors are ephemeral: {body:#}"
    );

    // A bot's message is ignored, even when it mentions the bot; a person's
    // mention is answered with a reply that pings no one.
    let mut from_bot = message_create("who did Acme reject?", true);
    from_bot["author"]["id"] = json!("777");
    from_bot["author"]["bot"] = json!(true);
    let from_bot = checked_message(from_bot);
    s.fake
        .dispatch_when_live("MESSAGE_CREATE", from_bot.clone(), WAIT)
        .await
        .unwrap();
    let mut question = message_create("who did Acme reject?", true);
    question["author"]["id"] = json!("1004");
    let question = checked_message(question);
    let reply = s.mention(&question).await.body.expect("reply body");
    assert_answer_message(&reply);
    assert_eq!(
        reply["allowed_mentions"],
        json!({"parse": [], "replied_user": false})
    );
    assert_eq!(
        reply["message_reference"],
        json!({
            "message_id": question["id"], "channel_id": CHANNEL_ID, "guild_id": GUILD_ID,
            "fail_if_not_exists": false
        })
    );

    // A DM needs no mention.
    let mut dm = message_create_dm("who did Acme reject?");
    dm["author"]["id"] = json!("1005");
    let dm = checked_message(dm);
    let reply = s.mention(&dm).await.body.expect("reply body");
    assert_answer_message(&reply);
    assert_eq!(
        reply["message_reference"]["channel_id"],
        json!(DM_CHANNEL_ID)
    );
    assert_eq!(reply["message_reference"].get("guild_id"), None);

    // A message that does not mention the bot is none of its business (and,
    // without MESSAGE_CONTENT, arrives without its text).
    let mut chatter = message_create("who did Acme reject?", false);
    chatter["author"]["id"] = json!("1006");
    let chatter = checked_message(without_message_content(chatter));
    s.fake
        .dispatch_when_live("MESSAGE_CREATE", chatter, WAIT)
        .await
        .unwrap();

    // Nothing but the two replies was posted (the bot's message and the
    // chatter had time to be handled while the replies were computed).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let posted: Vec<Recorded> = s
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages"))
        .collect();
    assert_eq!(posted.len(), 2, "{posted:#?}");

    // Every request authenticated as the bot, on a route Discord has.
    for r in s.fake.requests() {
        assert_eq!(r.authorization.as_deref(), Some("Bot test-token"), "{r:?}");
        assert!(r.path.starts_with(API_PREFIX) && r.status != 404, "{r:?}");
    }

    let output = s.stop().await;
    assert!(output.contains("shutting down"), "{output}");
    assert!(
        output.contains("command=who-rejected"),
        "logs name the command: {output}"
    );
}

/// Restarting with the same commands makes no registration call; changing
/// them registers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_commands_are_not_registered_again_on_restart() {
    let fake = FakeDiscord::start().await;
    let state = TempDir::new("restart");
    let options = BotOptions::new(&fake.api_base(), &state);
    let is_put = |r: &Recorded| r.method == "PUT";

    let first = Session {
        fake,
        bot: Bot::spawn(&options),
        _state: state,
    };
    first.live().await;
    assert_eq!(
        first.fake.requests().iter().filter(|r| is_put(r)).count(),
        1
    );
    let Session {
        fake,
        bot,
        _state: state,
    } = first;
    let mut bot = bot;
    bot.sigterm();
    assert_eq!(
        bot.wait_exit(SHUTDOWN).await.and_then(|s| s.code()),
        Some(0)
    );
    drop(bot);

    // Same commands: READY, an answer, and still a single PUT in all.
    let second = Session {
        fake,
        bot: Bot::spawn(&options),
        _state: state,
    };
    assert!(second.fake.wait_for_connections(2, WAIT).await);
    second.live().await;
    second
        .interact(&command(2001, "who-rejected", json!([])))
        .await;
    assert_eq!(
        second.fake.requests().iter().filter(|r| is_put(r)).count(),
        1,
        "re-registered unchanged commands"
    );
    assert!(
        second.bot.output().contains("unchanged"),
        "{}",
        second.bot.output()
    );
    let Session {
        fake,
        bot,
        _state: state,
    } = second;
    let mut bot = bot;
    bot.sigterm();
    assert_eq!(
        bot.wait_exit(SHUTDOWN).await.and_then(|s| s.code()),
        Some(0)
    );
    drop(bot);

    // A changed description: registered again, with the new body.
    let dir = TempDir::new("restart-config");
    let changed = config_variant(
        &dir,
        "Ask anything about the story in plain words",
        "Ask about the story",
    );
    let third_options = BotOptions {
        config: changed.clone(),
        ..options.clone()
    };
    let third = Session {
        fake,
        bot: Bot::spawn(&third_options),
        _state: state,
    };
    let puts = third
        .fake
        .wait_for_requests(2, |r| r.method == "PUT", WAIT)
        .await
        .expect("second PUT");
    let expected = commands_json(&Config::load(&changed).unwrap());
    assert_eq!(puts[1].body.as_ref(), Some(&expected));
    third.live().await;
    third.stop().await;
}

/// With guild ids, commands go to each guild and never globally; moving
/// back to global registration empties the guilds, so no one ever sees
/// every command twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_live_in_exactly_one_scope() {
    let fake = FakeDiscord::start().await;
    let state = TempDir::new("scope");
    let global = BotOptions::new(&fake.api_base(), &state);
    let guilds = BotOptions {
        guild_ids: Some(format!("{GUILD_ID}, 42")),
        ..global.clone()
    };
    let app = APPLICATION_ID;
    let puts = |fake: &FakeDiscord| -> Vec<(String, Value)> {
        // In arrival order: guilds in ascending id order, as registered.
        fake.requests()
            .into_iter()
            .filter(|r| r.method == "PUT")
            .map(|r| (r.path.clone(), r.body.clone().unwrap_or(Value::Null)))
            .collect::<Vec<_>>()
    };

    let mut bot = Bot::spawn(&guilds);
    fake.wait_for_live_session(WAIT).await.expect("live");
    let commands = fixture_commands();
    assert_eq!(
        puts(&fake),
        vec![
            (
                format!("{API_PREFIX}/applications/{app}/guilds/42/commands"),
                commands.clone()
            ),
            (
                format!("{API_PREFIX}/applications/{app}/guilds/{GUILD_ID}/commands"),
                commands.clone()
            ),
        ]
    );
    bot.sigterm();
    assert_eq!(
        bot.wait_exit(SHUTDOWN).await.and_then(|s| s.code()),
        Some(0)
    );
    drop(bot);

    let s = Session {
        bot: Bot::spawn(&global),
        fake,
        _state: state,
    };
    s.fake
        .wait_for_requests(5, |r| r.method == "PUT", WAIT)
        .await
        .expect("global PUT and guild clean-up");
    s.live().await;
    let all = puts(&s.fake);
    assert_eq!(
        all[2..].to_vec(),
        vec![
            (
                format!("{API_PREFIX}/applications/{app}/commands"),
                commands.clone()
            ),
            (
                format!("{API_PREFIX}/applications/{app}/guilds/42/commands"),
                json!([])
            ),
            (
                format!("{API_PREFIX}/applications/{app}/guilds/{GUILD_ID}/commands"),
                json!([])
            ),
        ],
        "{all:#?}"
    );
    s.stop().await;
}

/// serenity resumes after Discord closes the socket with 4000 and after an
/// op 7 RECONNECT; the bot answers on the new connection each time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bot_resumes_after_close_4000_and_op_7_and_still_answers() {
    let s = Session::start("reconnect").await;
    let first = s.live().await;
    s.interact(&command(3001, "who-rejected", json!([]))).await;

    let dropped_at = Instant::now();
    assert!(s.fake.close_socket(4000).await, "nothing live to close");
    let resume = s
        .fake
        .wait_for_gateway_frame(
            |f| f.direction == Direction::FromBot && f.op == Some(6) && f.connection > first,
            WAIT,
        )
        .await
        .expect("no RESUME after close 4000");
    println!(
        "close 4000 -> RESUME on connection {} after {} ms",
        resume.connection,
        dropped_at.elapsed().as_millis()
    );
    let (_, latency) = s.interact(&command(3002, "who-rejected", json!([]))).await;
    println!("answer latency after resume: {} ms", latency.as_millis());

    let second = resume.connection;
    let asked_at = Instant::now();
    assert!(
        s.fake.send_reconnect().await,
        "nothing live to send op 7 to"
    );
    let resume = s
        .fake
        .wait_for_gateway_frame(
            |f| f.direction == Direction::FromBot && f.op == Some(6) && f.connection > second,
            WAIT,
        )
        .await
        .expect("no RESUME after op 7");
    println!(
        "op 7 -> RESUME on connection {} after {} ms",
        resume.connection,
        asked_at.elapsed().as_millis()
    );
    s.interact(&command(3003, "who-rejected", json!([]))).await;

    // Resumes are not new sessions: one IDENTIFY in all, one registration.
    assert_eq!(
        s.fake.frames_from_bot(2).len(),
        1,
        "re-identified instead of resuming"
    );
    assert_eq!(
        s.fake
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .count(),
        1
    );
    s.stop().await;
}

/// A 429 on registration, on an interaction callback and on a message reply
/// is retried once Discord's `retry_after` has passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_calls_are_retried_after_retry_after() {
    let fake = FakeDiscord::start().await;
    fake.fail_next_with_429(&format!("{API_PREFIX}/applications/"), 0.3);
    let state = TempDir::new("ratelimit");
    let s = Session {
        bot: Bot::spawn(&BotOptions::new(&fake.api_base(), &state)),
        fake,
        _state: state,
    };
    s.live().await;
    let puts: Vec<Recorded> = s
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(
        puts.iter()
            .map(|r| (r.status, r.injected))
            .collect::<Vec<_>>(),
        vec![(429, true), (200, false)]
    );
    let waited = puts[1].at.duration_since(puts[0].at);
    println!(
        "registration retried {} ms after a 429 with retry_after 0.3 s",
        waited.as_millis()
    );
    assert!(
        waited >= Duration::from_millis(300),
        "retried after {waited:?}"
    );

    s.fake
        .fail_next_with_429(&format!("{API_PREFIX}/interactions/"), 0.5);
    let d = command(4001, "who-rejected", json!([]));
    let (reply, latency) = s.interact(&d).await;
    let calls = s.fake.requests_to(&callback_path(&d));
    assert_eq!(
        calls
            .iter()
            .map(|r| (r.status, r.injected))
            .collect::<Vec<_>>(),
        vec![(429, true), (reply.status, false)]
    );
    let waited = calls[1].at.duration_since(calls[0].at);
    println!(
        "callback retried {} ms after a 429 with retry_after 0.5 s (answer latency {} ms)",
        waited.as_millis(),
        latency.as_millis()
    );
    assert!(
        waited >= Duration::from_millis(500),
        "retried after {waited:?}"
    );
    assert_eq!(reply.body.unwrap()["type"], json!(4));

    s.fake
        .fail_next_with_429(&format!("{API_PREFIX}/channels/"), 0.2);
    let mut question = message_create("who did Acme reject?", true);
    question["author"]["id"] = json!("4002");
    s.mention(&checked_message(question)).await;
    assert_eq!(s.fake.pending_injections(), 0);
    s.stop().await;
}

/// An answer slower than `defer_after_ms` is deferred (type 5) and then
/// delivered by editing the original response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_are_deferred_then_the_original_is_edited() {
    let fake = FakeDiscord::start().await;
    let state = TempDir::new("defer");
    // 0 ms: every answer counts as slow, so the deferred path is the one taken.
    let config = config_variant(&state, "defer_after_ms = 1500", "defer_after_ms = 0");
    let options = BotOptions {
        config,
        ..BotOptions::new(&fake.api_base(), &state)
    };
    let s = Session {
        bot: Bot::spawn(&options),
        fake,
        _state: state,
    };
    s.live().await;

    let d = command(5001, "who-rejected", json!([]));
    let (reply, _) = s.interact(&d).await;
    assert_eq!(reply.body.unwrap(), json!({"type": 5}));
    let token = d["token"].as_str().unwrap();
    let edit_path = format!("{API_PREFIX}/webhooks/{APPLICATION_ID}/{token}/messages/@original");
    let edit = s
        .fake
        .wait_for_request(|r| r.is("PATCH", &edit_path), WAIT)
        .await
        .expect("no edit of @original");
    assert!(edit.status < 300, "{edit:?}");
    let body = edit.body.unwrap();
    assert_answer_message(&body);
    assert_eq!(body.get("flags"), None);
    // Exactly one initial response.
    assert_eq!(s.fake.requests_to(&callback_path(&d)).len(), 1);
    s.stop().await;
}

/// A token Discord refuses (401 on start-up) or one missing altogether
/// stops the bot at once with a clear message and a non-zero exit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_rejected_token_exits_non_zero_with_a_clear_error() {
    let fake = FakeDiscord::start().await;
    fake.fail_next_with(
        Some("GET"),
        &format!("{API_PREFIX}/users/@me"),
        401,
        vec![],
        json!({"message": "401: Unauthorized", "code": 0}),
    );
    let state = TempDir::new("badtoken");
    let mut bot = Bot::spawn(&BotOptions::new(&fake.api_base(), &state));
    let status = bot
        .wait_exit(WAIT)
        .await
        .expect("the bot kept running with a rejected token");
    assert_ne!(status.code(), Some(0));
    let output = bot.output();
    assert!(
        output.contains("Discord rejected the token in DISCORD_TOKEN (401 Unauthorized)"),
        "{output}"
    );
    assert_no_token(&output);
    assert_eq!(
        fake.connections(),
        0,
        "connected to the gateway with a rejected token"
    );

    let mut bot = Bot::spawn(&BotOptions {
        token: None,
        ..BotOptions::new(&fake.api_base(), &state)
    });
    let status = bot
        .wait_exit(WAIT)
        .await
        .expect("the bot kept running without a token");
    assert_ne!(status.code(), Some(0));
    assert!(
        bot.output().contains("DISCORD_TOKEN is not set"),
        "{}",
        bot.output()
    );
}

/// Gateway close code 4004 (authentication failed) ends the bot with a
/// clear error instead of reconnecting forever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gateway_close_4004_exits_non_zero_with_a_clear_error() {
    let mut s = Session::start("close4004").await;
    assert!(s.fake.close_socket(4004).await);
    let status = s
        .bot
        .wait_exit(WAIT)
        .await
        .expect("the bot kept running after close 4004");
    assert_ne!(status.code(), Some(0));
    let output = s.bot.output();
    assert!(
        output.contains("Discord rejected the token in DISCORD_TOKEN (gateway close code 4004)"),
        "{output}"
    );
    assert_no_token(&output);
}

/// With a REST base override, a failing `GET /gateway` stops the bot rather
/// than letting serenity fall back to Discord's public gateway.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_gateway_url_stops_the_bot_instead_of_falling_back() {
    let fake = FakeDiscord::start().await;
    fake.fail_next_with(
        Some("GET"),
        &format!("{API_PREFIX}/gateway"),
        502,
        vec![],
        json!({"message": "Bad Gateway", "code": 0}),
    );
    let state = TempDir::new("nogateway");
    let mut bot = Bot::spawn(&BotOptions::new(&fake.api_base(), &state));
    let status = bot
        .wait_exit(WAIT)
        .await
        .expect("the bot kept running without a gateway URL");
    assert_ne!(status.code(), Some(0));
    let output = bot.output();
    assert!(output.contains("cannot get the gateway URL"), "{output}");
    assert!(output.contains("not falling back"), "{output}");
    assert_eq!(fake.connections(), 0);
}

/// Needs the lead's answering engine: the stub answers "The articles don't
/// say." with no citations and completes no entity. Once it lands, answers
/// cite the fixture articles sentence by sentence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_cite_the_fixture_articles() {
    let fixture_sentences = [
        "Acme rejected Globex after months of tests, the Daily Planet reported on Friday.",
        "Acme dropped Globex because its models fell short, the Ledger has learned.",
        "Acme partnered with Initech instead, according to two people familiar with the talks.",
    ];
    let quotes = |message: &Value| -> usize {
        message["embeds"][0]["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| {
                fixture_sentences
                    .iter()
                    .any(|s| f["value"].as_str().unwrap_or("").contains(s))
            })
            .count()
    };
    let s = Session::start("citations").await;

    let (reply, _) = s.interact(&command(6001, "who-rejected", json!([]))).await;
    let body = reply.body.unwrap();
    assert_answer_message(&body["data"]);
    assert!(
        quotes(&body["data"]) >= 1,
        "no field quotes a fixture sentence: {body:#}"
    );

    let (reply, _) = s
        .interact(&autocomplete(6002, "about", "entity", "Ac"))
        .await;
    let choices = reply.body.unwrap()["data"]["choices"].clone();
    assert!(
        choices
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == json!("Acme")),
        "{choices:#}"
    );

    let mut question = message_create("who did Acme reject?", true);
    question["author"]["id"] = json!("6003");
    let reply = s.mention(&checked_message(question)).await.body.unwrap();
    assert!(
        quotes(&reply) >= 1,
        "no field quotes a fixture sentence: {reply:#}"
    );
    s.stop().await;
}

/// The live story over the gateway: an article dropped into the running
/// bot's corpus folder is posted to the updates channel (one message, no
/// pings, citing it), `/whats-new` lists its new fact, and the next answer
/// cites it, all without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_article_is_announced_listed_by_whats_new_and_cited() {
    const CHANNEL: &str = "4242";
    let fake = FakeDiscord::start().await;
    let state = TempDir::new("live");
    let corpus = copy_fixture_articles(&state);
    let text = std::fs::read_to_string(fixture_dir().join("config.toml")).unwrap();
    assert!(text.contains("defer_after_ms = 1500\n"));
    let text = text.replace(
        "defer_after_ms = 1500\n",
        "defer_after_ms = 1500\nupdates_channel_id = 4242\nupdates_min_interval_seconds = 0\n",
    ) + "\n[[command]]\nname = \"whats-new\"\ndescription = \"What changed\"\n\
           answer = \"whats-new\"\n[[command.option]]\nname = \"since\"\n\
           description = \"How far back\"\nrequired = false\n";
    let config = state.path().join("config.toml");
    std::fs::write(&config, text).unwrap();
    Config::load(&config).expect("the test config loads");
    let options = BotOptions {
        config,
        corpus: corpus.clone(),
        ..BotOptions::new(&fake.api_base(), &state)
    };
    let s = Session {
        bot: Bot::spawn(&options),
        fake,
        _state: state,
    };
    s.live().await;

    let sentence = "Initech rejected Globex as well, the Courier reported on Monday.";
    std::fs::write(
        corpus.join("003_courier.txt"),
        format!("date 2025-02-17\nInitech also passes on Globex\n\n{sentence}\n"),
    )
    .unwrap();
    let posts = format!("{API_PREFIX}/channels/{CHANNEL}/messages");
    let post = s
        .fake
        .wait_for_request(|r| r.is("POST", &posts) && !r.injected, WAIT)
        .await
        .expect("no update posted to the updates channel");
    let body = post.body.unwrap();
    assert_answer_message(&body);
    assert!(body.to_string().contains(sentence), "{body:#}");
    assert!(body.get("message_reference").is_none(), "{body:#}");

    let (reply, _) = s.interact(&command(7001, "whats-new", json!([]))).await;
    let data = reply.body.unwrap()["data"].clone();
    assert_answer_message(&data);
    assert!(data.to_string().contains(sentence), "{data:#}");

    let (reply, _) = s.interact(&command(7002, "who-rejected", json!([]))).await;
    let data = reply.body.unwrap()["data"].clone();
    assert!(data.to_string().contains(sentence), "{data:#}");

    // Touching a file with the same bytes changes nothing that matters:
    // no second post.
    let again = std::fs::read(corpus.join("003_courier.txt")).unwrap();
    std::fs::write(corpus.join("003_courier.txt"), again).unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(s.fake.requests_to(&posts).len(), 1);
    s.stop().await;
}

/// `/add` over the gateway: a member without Manage Server gets an
/// ephemeral refusal and nothing is fetched; a member with it gets an
/// ephemeral deferral, then the article's title, date, sentence count and
/// new facts; the page (served on 127.0.0.1, allowed in the config) is now
/// an article file, and the next answer cites it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_saves_a_page_for_allowed_members_and_refuses_others() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sentence = "Initech rejected Globex after a month of talks, the Courier reported.";
    let html = format!(
        "<!DOCTYPE html><html><head><title>Initech passes | The Courier</title>\
         <meta property=\"og:site_name\" content=\"The Courier\">\
         <meta property=\"article:published_time\" content=\"2025-02-17T08:00:00Z\">\
         <link rel=\"canonical\" href=\"https://courier.example/initech-passes\"></head>\
         <body><nav><p>Home and all the other sections of this site</p></nav><article>\
         <h1>Initech also passes on Globex</h1><p>{sentence}</p>\
         <div class=\"ad\"><p>Advertisement for something nobody asked for at all</p></div>\
         <p>Neither company commented on the talks when reached on Monday.</p></article>\
         <section class=\"comments\"><p>Globex rejected Initech first, says a reader here.</p></section>\
         </body></html>"
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let page_url = format!("http://{}/initech", listener.local_addr().unwrap());
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = vec![0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                html.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            let _ = sock.write_all(html.as_bytes()).await;
        }
    });

    let fake = FakeDiscord::start().await;
    let state = TempDir::new("add");
    let corpus = copy_fixture_articles(&state);
    let text = std::fs::read_to_string(fixture_dir().join("config.toml")).unwrap()
        + "\n[add]\nallow_hosts = [\"127.0.0.1\"]\n\n\
           [[command]]\nname = \"add\"\ndescription = \"Add an article from a link\"\nanswer = \"add\"\n\
           [[command.option]]\nname = \"url\"\ndescription = \"The link\"\nrequired = true\n";
    let config = state.path().join("config.toml");
    std::fs::write(&config, text).unwrap();
    Config::load(&config).expect("the test config loads");
    let options = BotOptions {
        config,
        corpus: corpus.clone(),
        ..BotOptions::new(&fake.api_base(), &state)
    };
    let s = Session {
        bot: Bot::spawn(&options),
        fake,
        _state: state,
    };
    s.live().await;

    // Refused: no Manage Server (nor Administrator).
    let mut refused = command(
        8001,
        "add",
        json!([{"name": "url", "type": 3, "value": page_url}]),
    );
    refused["member"]["permissions"] = json!("2048");
    let (reply, _) = s.interact(&checked_interaction(refused)).await;
    let body = reply.body.unwrap();
    assert_eq!(body["type"], 4, "{body:#}");
    assert_eq!(body["data"]["flags"], 64, "{body:#}");
    assert!(
        body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Manage Server"),
        "{body:#}"
    );
    assert_eq!(
        served.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing fetched"
    );

    // Allowed: Manage Server.
    let mut allowed = command(
        8002,
        "add",
        json!([{"name": "url", "type": 3, "value": page_url}]),
    );
    allowed["member"]["permissions"] = json!("32");
    let allowed = checked_interaction(allowed);
    let (reply, _) = s.interact(&allowed).await;
    assert_eq!(
        reply.body.unwrap(),
        json!({"type": 5, "data": {"flags": 64}})
    );
    let token = allowed["token"].as_str().unwrap();
    let edit_path = format!("{API_PREFIX}/webhooks/{APPLICATION_ID}/{token}/messages/@original");
    let edit = s
        .fake
        .wait_for_request(|r| r.is("PATCH", &edit_path), WAIT)
        .await
        .expect("no edit of the deferred /add reply");
    let content = edit.body.unwrap()["content"].as_str().unwrap().to_string();
    assert!(
        content.starts_with("Added 2025-02-17\\_initech-also-passes-on-globex.txt"),
        "{content}"
    );
    assert!(content.contains("(2025-02-17), 2 sentences"), "{content}");
    assert!(
        content.contains("New facts (1):\n- Initech rejected Globex"),
        "{content}"
    );
    let saved =
        std::fs::read_to_string(corpus.join("2025-02-17_initech-also-passes-on-globex.txt"))
            .unwrap();
    assert!(
        saved.starts_with("source: https://courier.example/initech-passes\ndate: 2025-02-17\n"),
        "{saved}"
    );
    assert!(
        !saved.contains("Advertisement") && !saved.contains("says a reader"),
        "{saved}"
    );

    let (reply, _) = s.interact(&command(8003, "who-rejected", json!([]))).await;
    let data = reply.body.unwrap()["data"].clone();
    assert!(data.to_string().contains(sentence), "{data:#}");
    s.stop().await;
}

/// A click on the button `custom_id` under `message` (one of the bot's
/// answers), as the gateway delivers it, checked against serenity's model.
fn click(user: u64, custom_id: &str, message: &Value) -> Value {
    let mut d = interaction_command("who-rejected", json!([]));
    d["type"] = json!(3);
    d["data"] = json!({ "custom_id": custom_id, "component_type": 2 });
    let mut m = message_create("", false);
    m["embeds"] = message["embeds"].clone();
    m["components"] = message["components"].clone();
    d["message"] = m;
    d["member"]["user"]["id"] = json!(user.to_string());
    checked_interaction(d)
}

/// The buttons under an answer: Sources, 👍 and 👎, each answered over the
/// gateway, only to the user who clicked, and the vote logged with the
/// question, the facts and the user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_under_an_answer_are_answered_over_the_gateway() {
    let s = Session::start("buttons").await;
    let (reply, _) = s.interact(&command(7001, "who-rejected", json!([]))).await;
    let body = reply.body.unwrap();
    let message = &body["data"];
    assert_answer_message(message);
    let row = message["components"][0]["components"]
        .as_array()
        .unwrap_or_else(|| panic!("no buttons: {message:#}"))
        .clone();
    assert!(row.len() <= 5, "{message:#}");
    let id = |label: &str| -> String {
        row.iter()
            .find(|b| b["label"] == json!(label) || b["emoji"]["name"] == json!(label))
            .and_then(|b| b["custom_id"].as_str())
            .unwrap_or_else(|| panic!("no {label} button: {message:#}"))
            .to_string()
    };

    let (sources, _) = s.interact(&click(7002, &id("Sources"), message)).await;
    let sources = sources.body.unwrap();
    assert_eq!(sources["type"], 4, "{sources:#}");
    assert_eq!(sources["data"]["flags"], 64, "{sources:#}");
    assert_answer_message(&sources["data"]);

    let (thanks, _) = s.interact(&click(7003, &id("👎"), message)).await;
    let thanks = thanks.body.unwrap();
    assert_eq!(thanks["data"]["flags"], 64, "{thanks:#}");
    assert!(thanks["data"]["content"]
        .as_str()
        .unwrap()
        .starts_with("Thanks"));

    let output = s.stop().await;
    let vote = output
        .lines()
        .find(|l| l.contains("feedback"))
        .unwrap_or_else(|| panic!("the vote is not logged:\n{output}"));
    for part in ["vote=\"down\"", "/who-rejected", "user=7003", "facts=F"] {
        assert!(vote.contains(part), "{part} missing from {vote}");
    }
}
