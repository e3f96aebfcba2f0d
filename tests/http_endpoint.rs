//! The HTTP interactions endpoint end to end: a real server bound to
//! 127.0.0.1:0, requests signed here with the RFC 8032 test key, answers
//! checked on the wire (status, interaction-response type, embeds, flags,
//! `allowed_mentions`), never on answer wording, which belongs to the engine.
//!
//! Payloads start from complete Discord interactions (tests/fixtures/http,
//! copied from the shared Discord fixtures) and every one is checked to
//! deserialize in serenity 0.12.5 before it is sent, so a test never passes
//! on a payload Discord could not have sent.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use factdesk::config::Config;
use factdesk::discord::http::{serve_on, Endpoint, HttpError, Options, PublicKey};
use factdesk::Engine;
use serde_json::{json, Value};
use serenity::all::Interaction;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Every wait in these tests is bounded by this.
const TIMEOUT: Duration = Duration::from_secs(10);

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http")
}

fn fixture(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn vectors() -> Value {
    fixture("signed_ping_vectors_rfc8032.json")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> [u8; N] {
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

/// The RFC 8032 TEST 1 key pair (public test vector, never a real app key).
fn test_key() -> SigningKey {
    SigningKey::from_bytes(&unhex::<32>(
        vectors()["private_key_hex_TEST_ONLY"].as_str().unwrap(),
    ))
}

fn sign_with(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    hex(&key.sign(&[timestamp.as_bytes(), body].concat()).to_bytes())
}

/// The current Unix time, as Discord stamps a request it sends now.
fn now() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string()
}

/// A new interaction id for every payload built here: the server answers
/// each interaction once and refuses a second request with the same id as a
/// replay.
fn fresh_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1_300_000_000_000_000_000);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

struct Server {
    url: String,
    client: reqwest::Client,
    engine: Arc<Engine>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), HttpError>>,
}

/// Starts a server on the test fixtures; `tune` adjusts the options read
/// from the fixture config.
async fn start(tune: impl FnOnce(&mut Options)) -> Server {
    let dir = fixtures();
    let engine =
        Arc::new(Engine::load(Some(&dir.join("config.toml")), Some(&dir.join("corpus"))).unwrap());
    let public = vectors()["public_key_hex"].as_str().unwrap().to_string();
    let key = PublicKey::from_hex(&factdesk::config::Secret::new(public)).unwrap();
    let mut options = Options::from_config(engine.config());
    tune(&mut options);
    let endpoint = Arc::new(Endpoint::new(engine.clone(), key, options));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve_on(listener, endpoint, async {
        let _ = stopped.await;
    }));
    // No proxy from the environment: these requests stay on loopback.
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    Server {
        url: format!("http://{addr}"),
        client,
        engine,
        stop: Some(stop),
        task,
    }
}

impl Server {
    /// POSTs `body` to /interactions with exactly these headers.
    async fn post_raw(&self, headers: &[(&str, &str)], body: Vec<u8>) -> (u16, Value) {
        let mut req = self
            .client
            .post(format!("{}/interactions", self.url))
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
        assert_eq!(
            content_type, "application/json",
            "every interaction answer is JSON"
        );
        (status, resp.json().await.unwrap())
    }

    /// POSTs `body` signed with the test key.
    async fn post_signed(&self, body: &[u8]) -> (u16, Value) {
        let ts = now();
        let sig = sign_with(&test_key(), &ts, body);
        self.post_raw(
            &[
                ("content-type", "application/json"),
                ("x-signature-ed25519", &sig),
                ("x-signature-timestamp", &ts),
            ],
            body.to_vec(),
        )
        .await
    }

    async fn post_interaction(&self, interaction: &Value) -> (u16, Value) {
        self.post_signed(interaction.to_string().as_bytes()).await
    }

    async fn get(&self, path: &str) -> (u16, String, String) {
        let resp = self
            .client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
        (status, ct, resp.text().await.unwrap())
    }

    async fn stop(mut self) -> Result<(), HttpError> {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(TIMEOUT, self.task)
            .await
            .expect("server stops in time")
            .unwrap()
    }
}

/// Checks that serenity 0.12.5 accepts a payload as the expected kind, so
/// the tests only send what Discord could send.
fn assert_complete(interaction: &Value, kind: &str) {
    let parsed: Interaction = serde_json::from_value(interaction.clone())
        .unwrap_or_else(|e| panic!("not a complete Discord interaction: {e}\n{interaction:#}"));
    let got = match parsed {
        Interaction::Ping(_) => "ping",
        Interaction::Command(_) => "command",
        Interaction::Autocomplete(_) => "autocomplete",
        Interaction::Component(_) => "component",
        Interaction::Modal(_) => "modal",
        _ => "other",
    };
    assert_eq!(got, kind);
}

/// A slash-command interaction from a guild member.
fn command(name: &str, options: Value, user: &str) -> Value {
    let mut d = fixture("command_interaction_dispatch.json")["d"].clone();
    d["id"] = json!(fresh_id());
    d["data"]["name"] = json!(name);
    d["data"]["options"] = options;
    d["member"]["user"]["id"] = json!(user);
    assert_complete(&d, "command");
    d
}

fn autocomplete(name: &str, option: &str, typed: &str) -> Value {
    let mut d = fixture("autocomplete_interaction_dispatch.json")["d"].clone();
    d["id"] = json!(fresh_id());
    d["data"]["name"] = json!(name);
    d["data"]["options"] = json!([{ "type": 3, "name": option, "value": typed, "focused": true }]);
    assert_complete(&d, "autocomplete");
    d
}

/// A button press (type 3) on one of the bot's messages.
fn button_press() -> Value {
    let mut d = fixture("command_interaction_dispatch.json")["d"].clone();
    d["id"] = json!(fresh_id());
    d["type"] = json!(3);
    d["data"] = json!({ "custom_id": "more", "component_type": 2 });
    d["message"] = fixture("component_message.json");
    assert_complete(&d, "component");
    d
}

/// A click on the button with `custom_id` under `message` (the answer it
/// belongs to, as Discord sends it back).
fn click(custom_id: &str, message: &Value, user: &str) -> Value {
    let mut d = button_press();
    d["data"]["custom_id"] = json!(custom_id);
    let mut m = fixture("component_message.json");
    for k in ["embeds", "components"] {
        m[k] = message[k].clone();
    }
    d["message"] = m;
    d["member"]["user"]["id"] = json!(user);
    assert_complete(&d, "component");
    d
}

/// The custom ids of the buttons of a message, by label or emoji.
fn buttons(message: &Value) -> Vec<(String, String)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .map(|b| {
            let label = b["label"]
                .as_str()
                .or_else(|| b["emoji"]["name"].as_str())
                .unwrap_or("")
                .to_string();
            (label, b["custom_id"].as_str().unwrap().to_string())
        })
        .collect()
}

/// A modal form submission (type 5).
fn modal_submit() -> Value {
    let mut d = fixture("command_interaction_dispatch.json")["d"].clone();
    d["id"] = json!(fresh_id());
    d["type"] = json!(5);
    d["data"] = json!({
        "custom_id": "feedback",
        "components": [{ "type": 1, "components": [{ "type": 4, "custom_id": "text", "value": "thanks" }] }],
    });
    assert_complete(&d, "modal");
    d
}

/// A type 4 message answer: embeds present, nobody pinged, and ephemeral or
/// not as expected.
fn assert_message(response: &Value, ephemeral: bool) {
    assert_eq!(response["type"], 4, "{response:#}");
    assert_eq!(
        response["data"]["allowed_mentions"],
        json!({ "parse": [] }),
        "{response:#}"
    );
    if ephemeral {
        assert_eq!(response["data"]["flags"], 64, "{response:#}");
        assert!(
            response["data"]["content"]
                .as_str()
                .is_some_and(|c| !c.is_empty()),
            "{response:#}"
        );
    } else {
        assert_eq!(response["data"].get("flags"), None, "{response:#}");
        let embeds = response["data"]["embeds"].as_array().expect("embeds");
        assert!(!embeds.is_empty(), "{response:#}");
        assert!(
            embeds[0]["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{response:#}"
        );
    }
}

fn unauthorized(reason: &str) -> (u16, Value) {
    (401, json!({ "error": reason }))
}

#[tokio::test]
async fn ping_gets_pong() {
    let server = start(|_| {}).await;
    let vectors = vectors();
    let ping: Value = serde_json::from_str(vectors["cases"][1]["body"].as_str().unwrap()).unwrap();
    assert_complete(&ping, "ping");
    assert_eq!(
        server.post_interaction(&ping).await,
        (200, json!({ "type": 1 }))
    );
    server.stop().await.unwrap();
}

/// Wide enough for Discord's sample requests signed in 2023.
const WIDE_WINDOW: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Sends one case of the signed vector file exactly as recorded.
async fn post_vector(server: &Server, case: &Value) -> (u16, Value) {
    let headers: Vec<(&str, &str)> = case["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    let body = case["body"].as_str().unwrap().as_bytes().to_vec();
    server.post_raw(&headers, body).await
}

#[tokio::test]
async fn signed_ping_vectors_replay_byte_for_byte() {
    let vectors = vectors();
    let mut results = Vec::new();
    for case in vectors["cases"].as_array().unwrap() {
        // The vectors were signed in 2023: only a window this wide accepts
        // them. A server per case, since two sample pings share one
        // interaction id, which one server rightly refuses as a replay.
        let server = start(|o| o.timestamp_window = WIDE_WINDOW).await;
        let (status, response) = post_vector(&server, case).await;
        results.push(json!({ "name": case["name"], "status": status, "response": response }));
        server.stop().await.unwrap();
    }
    let expected = json!([
        { "name": "ping_djs", "status": 200, "response": { "type": 1 } },
        { "name": "ping_with_application_id", "status": 200, "response": { "type": 1 } },
        { "name": "tampered_body", "status": 401, "response": { "error": "invalid request signature" } },
        { "name": "tampered_timestamp", "status": 401, "response": { "error": "invalid request signature" } },
        { "name": "signature_not_hex", "status": 401,
          "response": { "error": "malformed X-Signature-Ed25519 (expected 128 hex digits)" } },
    ]);
    assert_eq!(Value::Array(results), expected);
    // The vector file's own expectations agree with the table above.
    for case in vectors["cases"].as_array().unwrap() {
        let want = expected
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == case["name"])
            .unwrap();
        assert_eq!(want["status"], case["expect_status"], "{}", case["name"]);
    }
}

#[tokio::test]
async fn a_signature_from_another_key_is_401() {
    let server = start(|_| {}).await;
    let body = json!({ "type": 1, "id": "1", "application_id": "2", "token": "t", "version": 1 })
        .to_string();
    let other = SigningKey::from_bytes(&[7u8; 32]);
    let ts = now();
    let sig = sign_with(&other, &ts, body.as_bytes());
    let got = server
        .post_raw(
            &[
                ("x-signature-ed25519", &sig),
                ("x-signature-timestamp", &ts),
            ],
            body.into_bytes(),
        )
        .await;
    assert_eq!(got, unauthorized("invalid request signature"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn missing_signature_headers_are_401() {
    let server = start(|_| {}).await;
    let body = br#"{"type":1}"#.to_vec();
    let ts = now();
    let sig = sign_with(&test_key(), &ts, &body);
    let missing = unauthorized("missing X-Signature-Ed25519 or X-Signature-Timestamp");
    assert_eq!(server.post_raw(&[], body.clone()).await, missing);
    assert_eq!(
        server
            .post_raw(&[("x-signature-ed25519", &sig)], body.clone())
            .await,
        missing
    );
    assert_eq!(
        server
            .post_raw(&[("x-signature-timestamp", &ts)], body)
            .await,
        missing
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_timestamp_that_is_not_a_number_is_401_even_when_signed() {
    let server = start(|_| {}).await;
    let body = br#"{"type":1}"#.to_vec();
    for ts in ["yesterday", "", "1700000000.5", "-1700000000"] {
        let sig = sign_with(&test_key(), ts, &body);
        let got = server
            .post_raw(
                &[("x-signature-ed25519", &sig), ("x-signature-timestamp", ts)],
                body.clone(),
            )
            .await;
        assert_eq!(
            got,
            unauthorized("X-Signature-Timestamp is not a number"),
            "timestamp {ts:?}"
        );
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn every_configured_command_answers_with_an_embed() {
    let server = start(|_| {}).await;
    let config = Config::load(&fixtures().join("config.toml")).unwrap();
    assert!(config.commands.len() >= 3);
    for c in &config.commands {
        let options: Vec<Value> = c
            .options
            .iter()
            .map(|o| json!({ "type": 3, "name": o.name, "value": "Widgetco" }))
            .collect();
        let (status, response) = server
            .post_interaction(&command(&c.name, json!(options), "53908232506183680"))
            .await;
        assert_eq!(status, 200, "/{}", c.name);
        assert_message(&response, false);
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn autocomplete_offers_at_most_25_choices() {
    let server = start(|_| {}).await;
    for typed in ["", "W", "Widg", "zzz"] {
        let (status, response) = server
            .post_interaction(&autocomplete("about", "entity", typed))
            .await;
        assert_eq!(status, 200);
        assert_eq!(response["type"], 8, "{response:#}");
        let choices = response["data"]["choices"].as_array().expect("choices");
        assert!(choices.len() <= 25, "{response:#}");
        for c in choices {
            assert!(
                c["name"].is_string() && c["value"].is_string(),
                "{response:#}"
            );
        }
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn interactions_the_bot_does_not_handle_get_an_ephemeral_notice() {
    let server = start(|_| {}).await;
    for interaction in [
        button_press(),
        modal_submit(),
        command("no-such-command", json!([]), "1"),
    ] {
        let (status, response) = server.post_interaction(&interaction).await;
        assert_eq!(status, 200, "{response:#}");
        assert_message(&response, true);
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_body_that_is_not_json_is_400_with_a_json_error() {
    let server = start(|_| {}).await;
    assert_eq!(
        server.post_signed(b"type=1").await,
        (400, json!({ "error": "the body is not JSON" }))
    );
    let not_interaction = json!({ "error": "the body is not an interaction (no numeric `type`)" });
    assert_eq!(
        server.post_signed(b"[1, 2]").await,
        (400, not_interaction.clone())
    );
    assert_eq!(
        server.post_signed(br#"{"type": "1"}"#).await,
        (400, not_interaction)
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn an_oversized_body_is_413_and_the_server_keeps_serving() {
    let server = start(|_| {}).await;
    let limit = server.engine.config().http.max_body_bytes.unwrap();
    let mut big = command("status", json!([]), "1");
    big["data"]["padding"] = json!("x".repeat(limit));
    let got = server.post_interaction(&big).await;
    assert_eq!(
        got,
        (
            413,
            json!({ "error": "the body is over the size limit", "limit_bytes": limit })
        )
    );
    // A body of exactly the limit is still read.
    let mut exact = command("status", json!([]), "1");
    let room = limit - exact.to_string().len() - r#","padding":"""#.len();
    exact["data"]["padding"] = json!("x".repeat(room));
    assert_eq!(exact.to_string().len(), limit);
    let (status, response) = server.post_interaction(&exact).await;
    assert_eq!(status, 200);
    assert_message(&response, false);
    server.stop().await.unwrap();
}

/// A raw HTTP/1.1 exchange, for what reqwest will not send (a chunked body).
async fn raw_exchange(url: &str, request: &[u8]) -> String {
    let addr = url.trim_start_matches("http://");
    let mut stream = tokio::time::timeout(TIMEOUT, TcpStream::connect(addr))
        .await
        .unwrap()
        .unwrap();
    stream.write_all(request).await.unwrap();
    let mut out = Vec::new();
    // The server closes the connection after refusing a body it did not read.
    tokio::time::timeout(TIMEOUT, stream.read_to_end(&mut out))
        .await
        .expect("server answers in time")
        .unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn an_oversized_chunked_body_is_cut_off_at_the_limit() {
    let server = start(|o| o.max_body_bytes = 1000).await;
    let ts = now();
    let sig = sign_with(&test_key(), &ts, b"ignored");
    let chunk = "x".repeat(600);
    let request = format!(
        "POST /interactions HTTP/1.1\r\nhost: 127.0.0.1\r\nx-signature-ed25519: {sig}\r\n\
         x-signature-timestamp: {ts}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n\
         258\r\n{chunk}\r\n258\r\n{chunk}\r\n0\r\n\r\n"
    );
    let response = raw_exchange(&server.url, request.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413 "), "{response}");
    assert!(
        response.ends_with(r#"{"error":"the body is over the size limit","limit_bytes":1000}"#),
        "{response}"
    );
    server.stop().await.unwrap();
}

#[tokio::test]
async fn commands_within_the_cooldown_get_an_ephemeral_slow_down() {
    let server = start(|o| o.cooldown = Duration::from_secs(60)).await;
    let (status, first) = server
        .post_interaction(&command("status", json!([]), "111"))
        .await;
    assert_eq!(status, 200);
    assert_message(&first, false);
    let (status, second) = server
        .post_interaction(&command("timeline", json!([]), "111"))
        .await;
    assert_eq!(status, 200);
    assert_message(&second, true);
    // Autocomplete and other users are not held back.
    let (_, choices) = server
        .post_interaction(&autocomplete("about", "entity", "W"))
        .await;
    assert_eq!(choices["type"], 8);
    let (_, other) = server
        .post_interaction(&command("status", json!([]), "222"))
        .await;
    assert_message(&other, false);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn healthz_reports_articles_and_facts() {
    let server = start(|_| {}).await;
    let (status, content_type, body) = server.get("/healthz").await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    let expected = json!({ "status": "ok", "articles": 1, "facts": server.engine.facts().len() });
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), expected);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn metrics_count_requests_by_command_and_outcome() {
    let server = start(|_| {}).await;
    server
        .post_interaction(&command("status", json!([]), "1"))
        .await;
    server
        .post_interaction(&command("status", json!([]), "1"))
        .await;
    server
        .post_interaction(&autocomplete("about", "entity", "W"))
        .await;
    server.post_interaction(&modal_submit()).await;
    server.post_signed(b"not json").await;
    server.post_raw(&[], b"{}".to_vec()).await;
    let (status, content_type, text) = server.get("/metrics").await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/plain; version=0.0.4; charset=utf-8")
    );
    let series: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.starts_with("factdesk_requests_total") || l.starts_with("factdesk_questions_total")
        })
        .collect();
    let answered = server
        .engine
        .answer(&factdesk::query::Request::command("status", Vec::new()))
        .answered;
    let expected = vec![
        "factdesk_requests_total{command=\"about:autocomplete\",outcome=\"ok\"} 1".to_string(),
        "factdesk_requests_total{command=\"none\",outcome=\"unauthorized\"} 1".to_string(),
        "factdesk_requests_total{command=\"none\",outcome=\"bad_request\"} 1".to_string(),
        "factdesk_requests_total{command=\"status\",outcome=\"ok\"} 2".to_string(),
        "factdesk_requests_total{command=\"unknown\",outcome=\"ok\"} 1".to_string(),
        format!("factdesk_questions_total{{command=\"status\",answered=\"{answered}\"}} 2"),
    ];
    assert_eq!(series, expected, "\n{text}");
    assert!(
        text.contains("factdesk_request_duration_seconds_count 6\n"),
        "{text}"
    );
    assert!(
        text.contains("factdesk_request_duration_seconds_bucket{le=\"+Inf\"} 6\n"),
        "{text}"
    );
    assert!(text.contains("factdesk_articles 1\n"), "{text}");
    server.stop().await.unwrap();
}

/// Signed headers and body for one interaction, to send (and send again)
/// byte for byte.
fn signed(interaction: &Value, timestamp: &str) -> (String, String, Vec<u8>) {
    let body = interaction.to_string().into_bytes();
    let sig = sign_with(&test_key(), timestamp, &body);
    (sig, timestamp.to_string(), body)
}

async fn post_captured(server: &Server, captured: &(String, String, Vec<u8>)) -> (u16, Value) {
    let (sig, ts, body) = captured;
    server
        .post_raw(
            &[
                ("content-type", "application/json"),
                ("x-signature-ed25519", sig),
                ("x-signature-timestamp", ts),
            ],
            body.clone(),
        )
        .await
}

#[tokio::test]
async fn a_replayed_request_is_401_and_never_touches_the_cooldown() {
    let server = start(|o| o.cooldown = Duration::from_millis(700)).await;
    let captured = signed(&command("status", json!([]), "333"), &now());
    let (status, first) = post_captured(&server, &captured).await;
    assert_eq!(status, 200);
    assert_message(&first, false);
    // Once the cooldown is over, the replay is refused...
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        post_captured(&server, &captured).await,
        unauthorized("interaction already answered (replay)")
    );
    // ...and did not start a new cooldown: the user's next command answers.
    let (status, next) = server
        .post_interaction(&command("status", json!([]), "333"))
        .await;
    assert_eq!(status, 200);
    assert_message(&next, false);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_request_signed_outside_the_timestamp_window_is_401() {
    let server = start(|o| o.timestamp_window = Duration::from_secs(300)).await;
    let now: u64 = now().parse().unwrap();
    let stale = unauthorized("request timestamp outside the accepted window (replay?)");
    for ts in [now - 301, now + 301, 1_700_000_000] {
        let captured = signed(&command("status", json!([]), "444"), &ts.to_string());
        assert_eq!(post_captured(&server, &captured).await, stale, "{ts}");
    }
    // Inside the window, with the same user: not in cooldown, so the stale
    // ones never reached it.
    let captured = signed(
        &command("status", json!([]), "444"),
        &(now - 299).to_string(),
    );
    let (status, response) = post_captured(&server, &captured).await;
    assert_eq!(status, 200);
    assert_message(&response, false);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn discords_2023_vectors_are_stale_under_the_default_window() {
    let server = start(|_| {}).await;
    assert_eq!(server.engine.config().http.timestamp_window_seconds, None);
    let case = &vectors()["cases"][0];
    assert_eq!(
        post_vector(&server, case).await,
        unauthorized("request timestamp outside the accepted window (replay?)")
    );
    server.stop().await.unwrap();
}

/// A client that opens a connection and sends a request's headers a few
/// bytes at a time, never finishing them. Returns how long the server kept
/// it open (`None`: still open after `give_up`).
async fn slow_header_client(addr: String, give_up: Duration) -> Option<Duration> {
    let started = std::time::Instant::now();
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let _ = stream
        .write_all(b"POST /interactions HTTP/1.1\r\nhost: 127.0.0.1\r\n")
        .await;
    let mut buf = [0u8; 1024];
    loop {
        if started.elapsed() > give_up {
            return None;
        }
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                // Closed (or refused with a status line and then closed).
                Ok(0) | Err(_) => return Some(started.elapsed()),
                Ok(_) => continue,
            },
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                if stream.write_all(b"x-slow: 1\r\n").await.is_err() {
                    return Some(started.elapsed());
                }
            }
        }
    }
}

/// The process' resident memory in kB (Linux).
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs `n` slow-header clients against the server, sends one signed
/// command while they hold their connections, and returns that command's
/// latency and how long each slow client was kept.
async fn slow_header_attack(server: &Server, n: usize) -> (Duration, Vec<Option<Duration>>) {
    let addr = server.url.trim_start_matches("http://").to_string();
    let attackers: Vec<_> = (0..n)
        .map(|_| tokio::spawn(slow_header_client(addr.clone(), TIMEOUT)))
        .collect();
    // Let every slow client connect and start dripping.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let (status, response) = server
        .post_interaction(&command("status", json!([]), "555"))
        .await;
    let latency = started.elapsed();
    assert_eq!(status, 200);
    assert_message(&response, false);
    let mut kept = Vec::new();
    for a in attackers {
        kept.push(a.await.unwrap());
    }
    (latency, kept)
}

#[tokio::test]
async fn a_signed_request_is_answered_during_a_slow_header_attack() {
    // 200 slow clients, well under the default cap: the answer comes at once
    // and every slow client is cut off at the header timeout.
    let server = start(|o| o.header_read_timeout = Duration::from_secs(1)).await;
    let before = rss_kb();
    let (latency, kept) = slow_header_attack(&server, 200).await;
    eprintln!(
        "slow-header attack, 200 connections: signed command answered in {latency:?}; \
         RSS {before} kB before, {} kB after",
        rss_kb()
    );
    assert!(latency < Duration::from_millis(900), "{latency:?}");
    for k in &kept {
        let k = k.expect("the server closed every slow connection");
        assert!(
            k >= Duration::from_millis(900) && k < Duration::from_secs(4),
            "{k:?}"
        );
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn over_the_connection_cap_a_signed_request_waits_its_turn() {
    // 40 slow clients against a cap of 16: the command queues behind them
    // and is answered once the header timeout has freed the slots.
    let server = start(|o| {
        o.header_read_timeout = Duration::from_secs(1);
        o.max_connections = 16;
    })
    .await;
    let (latency, kept) = slow_header_attack(&server, 40).await;
    eprintln!("slow-header attack, 40 connections over a cap of 16: answered in {latency:?}");
    assert!(latency < Duration::from_secs(5), "{latency:?}");
    assert!(kept.iter().all(Option::is_some), "{kept:?}");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed_after_the_idle_timeout() {
    let server = start(|o| o.idle_timeout = Duration::from_secs(1)).await;
    let addr = server.url.trim_start_matches("http://").to_string();
    let before = rss_kb();
    let clients: Vec<_> = (0..100)
        .map(|_| {
            let addr = addr.clone();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream
                    .write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
                    .await
                    .unwrap();
                let mut buf = vec![0u8; 4096];
                let n = stream.read(&mut buf).await.unwrap();
                assert!(buf[..n].starts_with(b"HTTP/1.1 200 "));
                // Kept alive after the answer, then closed when idle.
                let answered = std::time::Instant::now();
                let closed = tokio::time::timeout(TIMEOUT, stream.read(&mut buf)).await;
                assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "{closed:?}");
                answered.elapsed()
            })
        })
        .collect();
    let mut idle = Vec::new();
    for c in clients {
        idle.push(c.await.unwrap());
    }
    eprintln!(
        "100 idle keep-alive connections closed after {:?}..{:?}; RSS {before} kB before, {} kB after",
        idle.iter().min().unwrap(),
        idle.iter().max().unwrap(),
        rss_kb()
    );
    for d in idle {
        assert!(
            d >= Duration::from_millis(900) && d < Duration::from_secs(8),
            "{d:?}"
        );
    }
    // Still serving.
    assert_eq!(server.get("/healthz").await.0, 200);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let server = start(|_| {}).await;
    let url = server.url.clone();
    assert_eq!(server.get("/healthz").await.0, 200);
    server.stop().await.unwrap();
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    assert!(
        client.get(format!("{url}/healthz")).send().await.is_err(),
        "still serving after shutdown"
    );
}

/// `factdesk serve` as a child process on the fixtures, on a free port.
fn factdesk_serve(public_key: Option<&str>) -> std::process::Command {
    factdesk_serve_with(&fixtures().join("config.toml"), public_key)
}

/// `factdesk serve` with another config, on the fixture corpus.
fn factdesk_serve_with(config: &Path, public_key: Option<&str>) -> std::process::Command {
    let dir = fixtures();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_factdesk"));
    cmd.arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .arg("--config")
        .arg(config)
        .arg("--corpus")
        .arg(dir.join("corpus"))
        .env("FACTDESK_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    match public_key {
        Some(k) => cmd.env("DISCORD_PUBLIC_KEY", k),
        None => cmd.env_remove("DISCORD_PUBLIC_KEY"),
    };
    cmd
}

/// The child's stderr, line by line, through a channel (so reads can time out).
fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Colour codes, if the logger adds them despite NO_COLOR.
        let colour = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let plain = colour.replace_all(&line, "").into_owned();
            if tx.send(plain).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for the child to exit, killing it after [`TIMEOUT`].
fn wait_for_exit(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("factdesk serve did not exit within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_refuses_to_start_without_a_valid_public_key() {
    let cases = [
        (None, "factdesk: DISCORD_PUBLIC_KEY is not set: copy the application's public key from the Discord developer portal (General Information) into it"),
        (Some("s3cr3t-but-not-a-key"), "factdesk: DISCORD_PUBLIC_KEY is not a valid Ed25519 public key: expected 64 hexadecimal digits"),
    ];
    for (key, expected) in cases {
        let mut child = factdesk_serve(key).spawn().unwrap();
        let lines = stderr_lines(&mut child);
        let status = wait_for_exit(&mut child);
        let stderr: Vec<String> = lines.iter().collect();
        assert_eq!(status.code(), Some(2), "{stderr:#?}");
        assert_eq!(
            stderr.last().map(String::as_str),
            Some(expected),
            "{stderr:#?}"
        );
        assert!(
            !stderr.iter().any(|l| l.contains("s3cr3t")),
            "the key was printed: {stderr:#?}"
        );
    }
}

/// Reads the child's log until it says where it listens.
fn listening_addr(
    child: &mut std::process::Child,
    lines: &std::sync::mpsc::Receiver<String>,
    seen: &mut Vec<String>,
) -> String {
    loop {
        match lines.recv_timeout(TIMEOUT) {
            Ok(line) => {
                let addr = line
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("addr="))
                    .map(str::to_string);
                seen.push(line);
                if let Some(addr) = addr {
                    return addr;
                }
            }
            Err(e) => {
                let _ = child.kill();
                panic!("no listening address logged ({e}): {seen:#?}");
            }
        }
    }
}

#[test]
fn serve_answers_and_stops_cleanly_on_sigterm() {
    let public = vectors()["public_key_hex"].as_str().unwrap().to_string();
    let mut child = factdesk_serve(Some(&public)).spawn().unwrap();
    let lines = stderr_lines(&mut child);
    let mut seen = Vec::new();
    let addr = listening_addr(&mut child, &lines, &mut seen);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let health = rt.block_on(async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(TIMEOUT)
            .build()
            .unwrap();
        let resp = client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .unwrap();
        (
            resp.status().as_u16(),
            resp.json::<Value>().await.unwrap()["status"].clone(),
        )
    });
    assert_eq!(health, (200, json!("ok")));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = wait_for_exit(&mut child);
    seen.extend(lines.iter());
    assert!(status.success(), "{status:?} {seen:#?}");
    assert!(
        seen.iter().any(|l| l.contains("shutting down")),
        "{seen:#?}"
    );
    assert!(
        !seen.iter().any(|l| l.contains(&public)),
        "the key was logged: {seen:#?}"
    );
}

#[test]
fn reaching_the_connection_cap_logs_a_warning_and_connections_wait() {
    let dir = std::env::temp_dir().join(format!("factdesk-cap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config.toml");
    let text = std::fs::read_to_string(fixtures().join("config.toml")).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "[http]\n",
            "[http]\nmax_connections = 2\nheader_read_timeout_seconds = 1\n",
        ),
    )
    .unwrap();
    let public = vectors()["public_key_hex"].as_str().unwrap().to_string();
    let mut child = factdesk_serve_with(&config, Some(&public)).spawn().unwrap();
    let lines = stderr_lines(&mut child);
    let mut seen = Vec::new();
    let addr = listening_addr(&mut child, &lines, &mut seen);
    // Two silent connections take both slots; a third request waits in the
    // backlog until the header timeout frees one, then gets its answer.
    let held: Vec<std::net::TcpStream> = (0..2)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    let started = std::time::Instant::now();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(TIMEOUT)
            .build()
            .unwrap();
        client
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    let waited = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    seen.extend(lines.iter());
    drop(held);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(status.ok(), Some(200), "{seen:#?}");
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    let warnings: Vec<&String> = seen
        .iter()
        .filter(|l| l.contains("connection limit reached"))
        .collect();
    assert_eq!(warnings.len(), 1, "{seen:#?}");
    assert!(
        warnings[0].contains("WARN") && warnings[0].contains("max_connections=2"),
        "{seen:#?}"
    );
}

#[tokio::test]
async fn buttons_under_an_answer_are_answered_by_any_server_and_votes_are_counted() {
    let server = start(|o| o.cooldown = Duration::ZERO).await;
    let (status, response) = server
        .post_interaction(&command(
            "about",
            json!([{ "type": 3, "name": "entity", "value": "Widgetco" }]),
            "7",
        ))
        .await;
    assert_eq!(status, 200);
    assert_message(&response, false);
    let message = &response["data"];
    let ids = buttons(message);
    let labels: Vec<&str> = ids.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["Sources", "👍", "👎"], "{message:#}");
    for row in message["components"].as_array().unwrap() {
        assert!(row["components"].as_array().unwrap().len() <= 5);
    }
    // Sources: every citation, only for the one who clicked.
    let (status, sources) = server
        .post_interaction(&click(&ids[0].1, message, "7"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(sources["type"], 4, "{sources:#}");
    assert_eq!(sources["data"]["flags"], 64, "{sources:#}");
    assert_eq!(sources["data"]["allowed_mentions"], json!({ "parse": [] }));
    let fields = sources["data"]["embeds"][0]["fields"]
        .as_array()
        .expect("citations");
    assert!(
        fields[0]["name"].as_str().unwrap().starts_with("[1] "),
        "{sources:#}"
    );
    // A vote: acknowledged only to the voter, counted by command and tier.
    let (_, thanks) = server
        .post_interaction(&click(&ids[1].1, message, "7"))
        .await;
    assert_message(&thanks, true);
    let (_, _, text) = server.get("/metrics").await;
    let tier = factdesk::discord::components::tier(&server.engine.answer(
        &factdesk::query::Request::command("about", [("entity".into(), "Widgetco".into())]),
    ));
    assert!(
        text.contains(&format!(
            "factdesk_feedback_total{{command=\"about\",tier=\"{tier}\",vote=\"up\"}} 1\n"
        )),
        "{text}"
    );
    assert!(
        text.contains("factdesk_requests_total{command=\"button:sources\",outcome=\"ok\"} 1\n"),
        "{text}"
    );
    // After a restart (or on another replica) the same click gets the same
    // answer: the custom id carries what it needs.
    server.stop().await.unwrap();
    let other = start(|_| {}).await;
    let (status, again) = other
        .post_interaction(&click(&ids[0].1, message, "8"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(again, sources);
    other.stop().await.unwrap();
}
