//! A local stand-in for Discord (REST API + websocket gateway) for integration tests.
//!
//! Usage from an integration test:
//!
//! ```ignore
//! mod support;
//! use support::fake_discord::*;
//!
//! let fake = FakeDiscord::start().await;
//! let http = HttpBuilder::new("test-token")
//!     .proxy(fake.api_base())          // every REST call goes to 127.0.0.1
//!     .ratelimiter_disabled(true)      // REQUIRED: serenity's ratelimiter ignores `proxy`
//!     .build();
//! ```
//!
//! Everything binds to 127.0.0.1:0; nothing here ever resolves a hostname. Behaviour that is
//! modelled on real Discord (and that the bot can therefore rely on in tests):
//!
//! * gateway: HELLO on connect, HEARTBEAT -> HEARTBEAT_ACK, IDENTIFY -> READY (new session),
//!   RESUME of a known session -> RESUMED (sequence numbers continue), RESUME of an unknown
//!   session -> op 9 INVALID_SESSION(false). Frames are plain JSON text: serenity 0.12.5
//!   connects with `?v=10` only (no `compress=zlib-stream`), and although its IDENTIFY says
//!   `"compress": true`, it accepts uncompressed text frames, so the fake never compresses.
//! * REST: the routes a serenity bot uses, answered with bodies serenity 0.12.5 deserializes;
//!   a second initial response to the same interaction gets 400 / 40060, editing the original
//!   response of an interaction that was never acknowledged gets 404 / 10015, anything unknown
//!   gets 404 with a Discord error body.
//! * fault injection: one-shot 429s (Discord's real body and headers) or any other status.
//!
//! Every REST request and every gateway frame (both directions) is recorded with a timestamp.
//! All waits take an explicit timeout and return `None`/`false` instead of hanging.
#![allow(dead_code)] // each test binary uses a different subset of the API

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Map, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;
use tokio_tungstenite::tungstenite::handshake::server::{
    ErrorResponse as WsErrorResponse, Request as WsRequest, Response as WsResponse,
};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

// Identities used in every payload. They are consistent with each other the way real Discord's
// are: the bot user id equals the application id (true for bot applications), READY,
// /users/@me and /oauth2/applications/@me all agree, and the guild/channel/user match the
// builders below.
pub const APPLICATION_ID: &str = "1100000000000000001";
pub const BOT_USER_ID: &str = APPLICATION_ID;
pub const BOT_USERNAME: &str = "factbot";
pub const GUILD_ID: &str = "290926798626357999";
pub const CHANNEL_ID: &str = "645027906669510667";
/// The DM channel between `USER_ID` and the bot (used by `message_create_dm`).
pub const DM_CHANNEL_ID: &str = "645027906669510999";
/// The (human, non-bot) user that sends interactions and messages in the builders.
pub const USER_ID: &str = "53908232506183680";
pub const USER_NAME: &str = "Mason";

/// Discord's REST prefix; serenity 0.12.5 only speaks v10.
pub const API_PREFIX: &str = "/api/v10";

/// Discord's default heartbeat interval; tests that want to see heartbeats pass a short one.
pub const DEFAULT_HEARTBEAT_INTERVAL_MS: u64 = 41_250;

#[derive(Clone, Debug)]
pub struct FakeDiscordConfig {
    /// Sent in op 10 HELLO. serenity heartbeats roughly every interval (checked each ~500 ms).
    pub heartbeat_interval_ms: u64,
}

impl Default for FakeDiscordConfig {
    fn default() -> Self {
        Self {
            heartbeat_interval_ms: DEFAULT_HEARTBEAT_INTERVAL_MS,
        }
    }
}

/// One REST request as the fake received it, plus what the fake answered.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// Position in the request log (0-based).
    pub index: usize,
    pub at: Instant,
    pub method: String,
    /// Path only, e.g. `/api/v10/interactions/1/tok/callback`.
    pub path: String,
    /// Raw query string without `?` (serenity writes e.g. `&wait=true`).
    pub query: Option<String>,
    /// Lower-cased header names.
    pub headers: Vec<(String, String)>,
    /// Value of the Authorization header (`Bot <token>` for serenity), if any.
    pub authorization: Option<String>,
    /// The body parsed as JSON; `None` for empty or non-JSON (e.g. multipart) bodies.
    pub body: Option<Value>,
    pub raw_body: Vec<u8>,
    /// The status the fake answered with.
    pub status: u16,
    /// True when the answer came from `fail_next_*` rather than the normal route.
    pub injected: bool,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.path == path
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    FromBot,
    ToBot,
}

/// One gateway frame (text message) in either direction. Frames to the bot are recorded when
/// written to the socket, frames from the bot when read, so the relative order of the two
/// directions in the log is only approximate (e.g. READY may precede the IDENTIFY entry).
#[derive(Clone, Debug)]
pub struct GatewayFrame {
    pub at: Instant,
    pub connection: usize,
    pub direction: Direction,
    /// `op` of the payload, `None` if the frame was not a JSON object with an op.
    pub op: Option<u64>,
    pub payload: Value,
}

/// One websocket connection the bot opened.
#[derive(Clone, Debug)]
pub struct ConnectionRecord {
    pub id: usize,
    /// Request target of the websocket handshake, e.g. `/?v=10`.
    pub uri: String,
    pub opened_at: Instant,
    pub closed_at: Option<Instant>,
    /// Session this socket identified or resumed into.
    pub session_id: Option<String>,
}

/// A one-shot canned answer, consumed by the first REST request it matches.
struct Injection {
    method: Option<Method>,
    path_prefix: String,
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: Value,
}

enum Outgoing {
    Json(Value),
    Close(u16, String),
}

struct Connection {
    record: ConnectionRecord,
    tx: mpsc::UnboundedSender<Outgoing>,
}

#[derive(Default)]
struct InteractionState {
    /// Interaction ids that already got their initial callback.
    acknowledged: HashMap<String, Value>,
    /// Original-response message per interaction token (created by the callback).
    originals: HashMap<String, Value>,
}

#[derive(Default)]
struct StateInner {
    requests: Vec<Recorded>,
    frames: Vec<GatewayFrame>,
    connections: Vec<Connection>,
    /// session id -> last sequence number sent in that session.
    sessions: HashMap<String, u64>,
    /// The socket dispatches go to: the latest one that completed IDENTIFY or RESUME and has
    /// not been closed / told to reconnect since.
    live: Option<usize>,
    injections: Vec<Injection>,
    interactions: InteractionState,
    /// Command ids stay stable per (guild, name) across bulk overwrites, like on Discord.
    command_ids: HashMap<(Option<String>, String), String>,
    /// Last bulk-overwritten command list per scope (None = global), served by GET.
    commands: HashMap<Option<String>, Vec<Value>>,
}

struct Shared {
    config: FakeDiscordConfig,
    api_base: String,
    gateway_url: String,
    state: Mutex<StateInner>,
    /// Bumped after every recorded event so waiters can re-check without polling.
    changed: watch::Sender<u64>,
    ack_heartbeats: AtomicBool,
    tasks: Mutex<Vec<AbortHandle>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, StateInner> {
        // A panicking test thread must not turn every later assertion into a PoisonError.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.changed.send_modify(|v| *v += 1);
    }

    fn spawn<F>(&self, fut: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let handle = tokio::spawn(fut);
        self.tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle.abort_handle());
    }
}

/// The running fake. Dropping it stops all listeners and connections.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    rest_addr: SocketAddr,
    gateway_addr: SocketAddr,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in self
            .shared
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            task.abort();
        }
    }
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        Self::start_with(FakeDiscordConfig::default()).await
    }

    pub async fn start_with(config: FakeDiscordConfig) -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake REST listener");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake gateway listener");
        let rest_addr = rest.local_addr().unwrap();
        let gateway_addr = gateway.local_addr().unwrap();

        let shared = Arc::new(Shared {
            config,
            api_base: format!("http://{rest_addr}"),
            // No trailing slash: serenity appends `?v=10` to this string verbatim.
            gateway_url: format!("ws://{gateway_addr}"),
            state: Mutex::new(StateInner::default()),
            changed: watch::channel(0).0,
            ack_heartbeats: AtomicBool::new(true),
            tasks: Mutex::new(Vec::new()),
        });

        let app = Router::new()
            .fallback(rest_handler)
            .with_state(Arc::clone(&shared));
        shared.spawn(async move {
            let _ = axum::serve(rest, app).await;
        });

        let gw_shared = Arc::clone(&shared);
        shared.spawn(async move {
            loop {
                let Ok((stream, _)) = gateway.accept().await else {
                    continue;
                };
                let conn_shared = Arc::clone(&gw_shared);
                gw_shared.spawn(serve_gateway_connection(conn_shared, stream));
            }
        });

        FakeDiscord {
            shared,
            rest_addr,
            gateway_addr,
        }
    }

    /// Value for serenity's `HttpBuilder::proxy`, e.g. `http://127.0.0.1:40123`.
    pub fn api_base(&self) -> String {
        self.shared.api_base.clone()
    }

    /// What GET /gateway(/bot) advertises, e.g. `ws://127.0.0.1:40124`.
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url.clone()
    }

    pub fn rest_addr(&self) -> SocketAddr {
        self.rest_addr
    }

    pub fn gateway_addr(&self) -> SocketAddr {
        self.gateway_addr
    }

    // ---------------------------------------------------------------- REST log

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// Requests whose path is exactly `path` (any method), in arrival order.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Waits for the first recorded request (already recorded or future) matching `pred`.
    pub async fn wait_for_request<F>(&self, mut pred: F, timeout: Duration) -> Option<Recorded>
    where
        F: FnMut(&Recorded) -> bool,
    {
        self.wait_until(timeout, |s| s.requests.iter().find(|r| pred(r)).cloned())
            .await
    }

    /// Waits until at least `n` recorded requests match `pred`; returns all matches.
    pub async fn wait_for_requests<F>(
        &self,
        n: usize,
        mut pred: F,
        timeout: Duration,
    ) -> Option<Vec<Recorded>>
    where
        F: FnMut(&Recorded) -> bool,
    {
        self.wait_until(timeout, |s| {
            let hits: Vec<Recorded> = s.requests.iter().filter(|r| pred(r)).cloned().collect();
            (hits.len() >= n).then_some(hits)
        })
        .await
    }

    // ---------------------------------------------------------------- fault injection

    /// The next REST request whose path starts with `path_prefix` is answered 429 with
    /// Discord's user-scope rate-limit body and headers; later ones are served normally.
    /// Several calls queue several one-shot failures.
    pub fn fail_next_with_429(&self, path_prefix: &str, retry_after_secs: f64) {
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            + retry_after_secs;
        let headers = vec![
            // Discord sends whole seconds here (rounded up); the precise value is in the body
            // and in x-ratelimit-reset-after.
            (
                "retry-after".to_string(),
                format!("{}", retry_after_secs.ceil() as u64),
            ),
            ("x-ratelimit-limit".to_string(), "10".to_string()),
            ("x-ratelimit-remaining".to_string(), "0".to_string()),
            ("x-ratelimit-reset".to_string(), format!("{reset:.3}")),
            (
                "x-ratelimit-reset-after".to_string(),
                format!("{retry_after_secs:.3}"),
            ),
            ("x-ratelimit-bucket".to_string(), "abcd1234".to_string()),
            ("x-ratelimit-scope".to_string(), "user".to_string()),
        ];
        let body = json!({
            "message": "You are being rate limited.",
            "retry_after": retry_after_secs,
            "global": false
        });
        self.fail_next_with(None, path_prefix, 429, headers, body);
    }

    /// General one-shot injection: the next request with `method` (any if `None`) whose path
    /// starts with `path_prefix` gets `status`, `headers` and the JSON `body` instead of the
    /// normal answer. E.g. 404 `{"message":"Unknown interaction","code":10062}`.
    pub fn fail_next_with(
        &self,
        method: Option<&str>,
        path_prefix: &str,
        status: u16,
        headers: Vec<(String, String)>,
        body: Value,
    ) {
        let method = method.map(|m| Method::from_bytes(m.as_bytes()).expect("valid HTTP method"));
        self.shared.lock().injections.push(Injection {
            method,
            path_prefix: path_prefix.to_string(),
            status: StatusCode::from_u16(status).expect("valid status"),
            headers,
            body,
        });
    }

    /// Injections not consumed yet (a test can assert its fault actually fired).
    pub fn pending_injections(&self) -> usize {
        self.shared.lock().injections.len()
    }

    // ---------------------------------------------------------------- gateway log

    /// All gateway frames, both directions, in order.
    pub fn gateway_frames(&self) -> Vec<GatewayFrame> {
        self.shared.lock().frames.clone()
    }

    /// Frames the bot sent with the given op.
    pub fn frames_from_bot(&self, op: u64) -> Vec<GatewayFrame> {
        self.shared
            .lock()
            .frames
            .iter()
            .filter(|f| f.direction == Direction::FromBot && f.op == Some(op))
            .cloned()
            .collect()
    }

    /// Waits for the first frame from the bot with `op` (e.g. 2 IDENTIFY, 6 RESUME).
    pub async fn wait_for_gateway_op(&self, op: u64, timeout: Duration) -> Option<GatewayFrame> {
        self.wait_for_gateway_frame(
            |f| f.direction == Direction::FromBot && f.op == Some(op),
            timeout,
        )
        .await
    }

    /// Waits for the first frame (either direction) matching `pred`. Combine with `f.at` or
    /// `f.connection` to wait for e.g. the IDENTIFY *after* a given point.
    pub async fn wait_for_gateway_frame<F>(
        &self,
        mut pred: F,
        timeout: Duration,
    ) -> Option<GatewayFrame>
    where
        F: FnMut(&GatewayFrame) -> bool,
    {
        self.wait_until(timeout, |s| s.frames.iter().find(|f| pred(f)).cloned())
            .await
    }

    /// Number of websocket connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.lock().connections.len()
    }

    pub fn connection_log(&self) -> Vec<ConnectionRecord> {
        self.shared
            .lock()
            .connections
            .iter()
            .map(|c| c.record.clone())
            .collect()
    }

    pub async fn wait_for_connections(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |s| (s.connections.len() >= n).then_some(()))
            .await
            .is_some()
    }

    /// Waits until the connection with this id (see `connection_log`) has ended.
    pub async fn wait_for_connection_closed(&self, id: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |s| {
            s.connections.get(id).and_then(|c| c.record.closed_at)
        })
        .await
        .is_some()
    }

    /// Waits until some socket has completed IDENTIFY or RESUME and can receive dispatches;
    /// returns its connection id.
    pub async fn wait_for_live_session(&self, timeout: Duration) -> Option<usize> {
        self.wait_until(timeout, |s| s.live).await
    }

    /// When false, heartbeats are recorded but not acknowledged (zombie-connection tests).
    pub fn set_ack_heartbeats(&self, ack: bool) {
        self.shared.ack_heartbeats.store(ack, Ordering::SeqCst);
    }

    // ---------------------------------------------------------------- gateway control

    /// Sends an op 0 dispatch to the live bot socket and returns its sequence number.
    /// Errors if no socket is live (e.g. right after `close_socket`; use
    /// `wait_for_live_session` first, or `dispatch_when_live`).
    pub async fn dispatch(&self, event_name: &str, d: Value) -> Result<u64, String> {
        let mut st = self.shared.lock();
        let live = st
            .live
            .ok_or_else(|| "no live gateway session to dispatch to".to_string())?;
        let seq = send_dispatch(&mut st, live, event_name, d);
        drop(st);
        self.shared.bump();
        seq
    }

    /// `wait_for_live_session` + `dispatch`.
    pub async fn dispatch_when_live(
        &self,
        event_name: &str,
        d: Value,
        timeout: Duration,
    ) -> Result<u64, String> {
        if self.wait_for_live_session(timeout).await.is_none() {
            return Err(format!("no live gateway session within {timeout:?}"));
        }
        self.dispatch(event_name, d).await
    }

    /// Closes the live socket with a close frame carrying `code` (4000 = unknown error, which
    /// real Discord uses for "reconnect and resume"). Returns false if nothing was live.
    pub async fn close_socket(&self, code: u16) -> bool {
        let mut st = self.shared.lock();
        let Some(live) = st.live.take() else {
            return false;
        };
        let ok = st.connections[live]
            .tx
            .send(Outgoing::Close(code, "fake_discord close".into()))
            .is_ok();
        drop(st);
        self.shared.bump();
        ok
    }

    /// Sends op 7 RECONNECT to the live socket. The socket stops being live: real Discord
    /// sends nothing more on a socket it asked the client to leave.
    pub async fn send_reconnect(&self) -> bool {
        self.send_to_live_and_retire(json!({"op": 7, "d": null}))
    }

    /// Sends op 9 INVALID_SESSION (`d` = resumable) to the live socket.
    pub async fn send_invalid_session(&self, resumable: bool) -> bool {
        if !resumable {
            // A non-resumable invalidation really ends the session on Discord's side.
            let mut st = self.shared.lock();
            if let Some(live) = st.live {
                if let Some(sid) = st.connections[live].record.session_id.clone() {
                    st.sessions.remove(&sid);
                }
            }
        }
        self.send_to_live_and_retire(json!({"op": 9, "d": resumable}))
    }

    /// Sends an arbitrary payload to the live socket (recorded like any other frame).
    pub async fn send_raw(&self, payload: Value) -> bool {
        let st = self.shared.lock();
        let Some(live) = st.live else { return false };
        let ok = st.connections[live]
            .tx
            .send(Outgoing::Json(payload))
            .is_ok();
        drop(st);
        ok
    }

    fn send_to_live_and_retire(&self, payload: Value) -> bool {
        let mut st = self.shared.lock();
        let Some(live) = st.live.take() else {
            return false;
        };
        let ok = st.connections[live]
            .tx
            .send(Outgoing::Json(payload))
            .is_ok();
        drop(st);
        self.shared.bump();
        ok
    }

    // ---------------------------------------------------------------- helpers

    async fn wait_until<T, F>(&self, timeout: Duration, mut check: F) -> Option<T>
    where
        F: FnMut(&StateInner) -> Option<T>,
    {
        let deadline = tokio::time::Instant::now() + timeout;
        // Subscribing before the first check means no change can slip between check and wait.
        let mut rx = self.shared.changed.subscribe();
        loop {
            if let Some(v) = check(&self.shared.lock()) {
                return Some(v);
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => continue,
                _ => return check(&self.shared.lock()),
            }
        }
    }
}

// ==================================================================== gateway

async fn serve_gateway_connection(shared: Arc<Shared>, stream: TcpStream) {
    let mut uri = String::new();
    #[allow(clippy::result_large_err)] // the signature tungstenite's Callback requires
    let callback = |req: &WsRequest, resp: WsResponse| -> Result<WsResponse, WsErrorResponse> {
        uri = req.uri().to_string();
        Ok(resp)
    };
    // Without TCP_NODELAY a dispatch sent right after READY/RESUMED waits
    // for the bot's delayed ACK (Nagle): ~40 ms of latency that is the
    // fake's, not the bot's. (Added in the factdesk copy.)
    let _ = stream.set_nodelay(true);
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, callback).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();

    let conn_id = {
        let mut st = shared.lock();
        let id = st.connections.len();
        st.connections.push(Connection {
            record: ConnectionRecord {
                id,
                uri,
                opened_at: Instant::now(),
                closed_at: None,
                session_id: None,
            },
            tx: tx.clone(),
        });
        id
    };

    // Writer: everything to the bot goes through this queue, so frames reach the socket in
    // exactly the order their sequence numbers were assigned.
    let writer_shared = Arc::clone(&shared);
    let writer = tokio::spawn(async move {
        while let Some(out) = rx.recv().await {
            match out {
                Outgoing::Json(v) => {
                    record_frame(&writer_shared, conn_id, Direction::ToBot, v.clone());
                    if sink.send(Message::Text(v.to_string())).await.is_err() {
                        break;
                    }
                }
                Outgoing::Close(code, reason) => {
                    let frame = CloseFrame {
                        code: CloseCode::from(code),
                        reason: reason.into(),
                    };
                    let _ = sink.send(Message::Close(Some(frame))).await;
                    break;
                }
            }
        }
    });

    let hello = json!({
        "op": 10, "s": null, "t": null,
        "d": {"heartbeat_interval": shared.config.heartbeat_interval_ms}
    });
    let _ = tx.send(Outgoing::Json(hello));
    shared.bump();

    while let Some(msg) = source.next().await {
        let text = match msg {
            Ok(Message::Text(t)) => t,
            Ok(Message::Binary(b)) => String::from_utf8_lossy(&b).into_owned(),
            Ok(Message::Close(_)) | Err(_) => break,
            Ok(_) => continue,
        };
        let payload: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        // Answer first, record second: a test that sees the frame recorded can rely on the
        // answer (READY/RESUMED) already being queued ahead of anything it dispatches next.
        handle_bot_frame(&shared, conn_id, &tx, &payload);
        record_frame(&shared, conn_id, Direction::FromBot, payload);
    }

    {
        let mut st = shared.lock();
        st.connections[conn_id].record.closed_at = Some(Instant::now());
        if st.live == Some(conn_id) {
            st.live = None;
        }
    }
    shared.bump();
    // The reader only ends after the close handshake or a dead peer, so nothing the writer
    // could still send matters; it would otherwise wait forever on its queue.
    writer.abort();
}

fn handle_bot_frame(
    shared: &Shared,
    conn_id: usize,
    tx: &mpsc::UnboundedSender<Outgoing>,
    payload: &Value,
) {
    match payload.get("op").and_then(Value::as_u64) {
        Some(1) if shared.ack_heartbeats.load(Ordering::SeqCst) => {
            let _ = tx.send(Outgoing::Json(json!({"op": 11})));
        }
        Some(2) => {
            let mut st = shared.lock();
            let session_id = new_session_id();
            st.sessions.insert(session_id.clone(), 0);
            st.connections[conn_id].record.session_id = Some(session_id.clone());
            st.live = Some(conn_id);
            let ready = ready_payload(&session_id, &shared.gateway_url);
            let _ = send_dispatch(&mut st, conn_id, "READY", ready);
        }
        Some(6) => {
            let mut st = shared.lock();
            let session_id = payload
                .pointer("/d/session_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if st.sessions.contains_key(&session_id) {
                // Only one socket per session on Discord: the old one is dead by now anyway.
                st.connections[conn_id].record.session_id = Some(session_id);
                st.live = Some(conn_id);
                let _ = send_dispatch(&mut st, conn_id, "RESUMED", json!({}));
            } else {
                let _ = tx.send(Outgoing::Json(json!({"op": 9, "d": false})));
            }
        }
        _ => {}
    }
}

/// Assigns the next sequence number of the connection's session and queues the frame.
fn send_dispatch(st: &mut StateInner, conn_id: usize, t: &str, d: Value) -> Result<u64, String> {
    let conn = &st.connections[conn_id];
    let session_id = conn
        .record
        .session_id
        .clone()
        .ok_or("socket has no session")?;
    let seq = st.sessions.entry(session_id).or_insert(0);
    *seq += 1;
    let seq = *seq;
    let frame = json!({"op": 0, "s": seq, "t": t, "d": d});
    st.connections[conn_id]
        .tx
        .send(Outgoing::Json(frame))
        .map_err(|_| "socket already gone".to_string())?;
    Ok(seq)
}

fn record_frame(shared: &Shared, connection: usize, direction: Direction, payload: Value) {
    let op = payload.get("op").and_then(Value::as_u64);
    shared.lock().frames.push(GatewayFrame {
        at: Instant::now(),
        connection,
        direction,
        op,
        payload,
    });
    shared.bump();
}

fn new_session_id() -> String {
    format!("{:032x}", next_snowflake() as u128 * 0x9e37_79b9_7f4a_7c15)
}

/// READY `d`, from /work/shared/discord/derived/ready_dispatch_minimal.json (every field of the
/// docs' READY table) with a real session id and our own resume url. serenity 0.12.5 ignores
/// resume_gateway_url (it resumes on the url from GET /gateway) but it must be present.
fn ready_payload(session_id: &str, gateway_url: &str) -> Value {
    json!({
        "v": 10,
        "user": {
            "id": BOT_USER_ID, "username": BOT_USERNAME, "discriminator": "0",
            "global_name": null, "avatar": null, "bot": true, "flags": 0
        },
        "guilds": [{"id": GUILD_ID, "unavailable": true}],
        "session_id": session_id,
        "resume_gateway_url": gateway_url,
        "shard": [0, 1],
        "application": {"id": APPLICATION_ID, "flags": 0}
    })
}

// ==================================================================== REST

async fn rest_handler(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let body_json: Option<Value> = serde_json::from_slice(&body).ok();

    let injection = {
        let mut st = shared.lock();
        let pos = st.injections.iter().position(|i| {
            path.starts_with(&i.path_prefix)
                && (i.method.is_none() || i.method.as_ref() == Some(&method))
        });
        pos.map(|p| st.injections.remove(p))
    };

    let injected = injection.is_some();
    let (status, extra_headers, answer) = match injection {
        Some(i) => (i.status, i.headers, Some(i.body)),
        None => {
            let (status, body) = route(&shared, &method, &path, body_json.as_ref());
            (status, Vec::new(), body)
        }
    };

    {
        let mut st = shared.lock();
        let index = st.requests.len();
        st.requests.push(Recorded {
            index,
            at: Instant::now(),
            method: method.to_string(),
            path,
            query: uri.query().map(str::to_string),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            authorization: headers
                .get("authorization")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            body: body_json,
            raw_body: body.to_vec(),
            status: status.as_u16(),
            injected,
        });
    }
    shared.bump();

    let mut response = match answer {
        Some(v) => (status, axum::Json(v)).into_response(),
        None => status.into_response(),
    };
    for (k, v) in extra_headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            response.headers_mut().insert(k, v);
        }
    }
    response
}

fn discord_error(status: u16, code: u64, message: &str) -> (StatusCode, Option<Value>) {
    (
        StatusCode::from_u16(status).unwrap(),
        Some(json!({"message": message, "code": code})),
    )
}

fn not_found() -> (StatusCode, Option<Value>) {
    discord_error(404, 0, "404: Not Found")
}

/// The normal (non-injected) answer; `None` body means an empty response (204).
fn route(
    shared: &Shared,
    method: &Method,
    path: &str,
    body: Option<&Value>,
) -> (StatusCode, Option<Value>) {
    let Some(rest) = path.strip_prefix(API_PREFIX) else {
        return not_found();
    };
    let segs: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let m = method.as_str();

    match (m, segs.as_slice()) {
        ("GET", ["gateway"]) => (StatusCode::OK, Some(json!({"url": shared.gateway_url}))),
        ("GET", ["gateway", "bot"]) => (
            StatusCode::OK,
            Some(json!({
                "url": shared.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1
                }
            })),
        ),
        ("GET", ["users", "@me"]) => (StatusCode::OK, Some(current_user())),
        ("GET", ["oauth2", "applications", "@me"]) => (StatusCode::OK, Some(current_application())),

        // Application commands: global and guild scope share the logic.
        (_, ["applications", app, "commands"]) => commands_route(shared, m, app, None, body),
        (_, ["applications", app, "guilds", guild, "commands"]) => {
            commands_route(shared, m, app, Some(guild), body)
        }

        ("POST", ["interactions", id, token, "callback"]) => {
            interaction_callback(shared, id, token, body)
        }

        (_, ["webhooks", app, token, "messages", "@original"]) => {
            original_route(shared, m, app, token, body)
        }
        ("POST", ["webhooks", _app, _token]) => {
            // Follow-up message (serenity adds `?&wait=true`; the body is the message).
            (
                StatusCode::OK,
                Some(message_from_request(CHANNEL_ID, body, 20)),
            )
        }
        ("PATCH", ["webhooks", _app, _token, "messages", _id]) => (
            StatusCode::OK,
            Some(message_from_request(CHANNEL_ID, body, 20)),
        ),
        ("DELETE", ["webhooks", _app, _token, "messages", _id]) => (StatusCode::NO_CONTENT, None),

        ("POST", ["channels", channel, "messages"]) => {
            // 19 = REPLY when the bot references a message, 0 = DEFAULT otherwise.
            let kind = if body
                .and_then(|b| b.get("message_reference"))
                .is_some_and(|r| !r.is_null())
            {
                19
            } else {
                0
            };
            (
                StatusCode::OK,
                Some(message_from_request(channel, body, kind)),
            )
        }
        ("POST", ["channels", _channel, "typing"]) => (StatusCode::NO_CONTENT, None),

        _ => not_found(),
    }
}

fn commands_route(
    shared: &Shared,
    method: &str,
    app: &str,
    guild: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Option<Value>) {
    if app != APPLICATION_ID {
        return discord_error(404, 10002, "Unknown Application");
    }
    let scope = guild.map(str::to_string);
    let mut st = shared.lock();
    match method {
        "PUT" => {
            let Some(list) = body.and_then(Value::as_array) else {
                return discord_error(400, 50035, "Invalid Form Body");
            };
            let completed: Vec<Value> = list
                .iter()
                .map(|c| complete_command(&mut st, c, guild))
                .collect();
            st.commands.insert(scope, completed.clone());
            (StatusCode::OK, Some(Value::Array(completed)))
        }
        "POST" => {
            let Some(c) = body.filter(|b| b.is_object()) else {
                return discord_error(400, 50035, "Invalid Form Body");
            };
            let completed = complete_command(&mut st, c, guild);
            let list = st.commands.entry(scope).or_default();
            list.retain(|x| x["name"] != completed["name"]);
            list.push(completed.clone());
            (StatusCode::CREATED, Some(completed))
        }
        "GET" => (
            StatusCode::OK,
            Some(Value::Array(
                st.commands.get(&scope).cloned().unwrap_or_default(),
            )),
        ),
        _ => not_found(),
    }
}

/// Turns a command as the bot sent it into what Discord returns: the server-side fields
/// serenity 0.12.5 requires (id, application_id, version, type; see
/// derived/rest_command_response_minimal_for_serenity.json) plus the usual defaults.
fn complete_command(st: &mut StateInner, cmd: &Value, guild: Option<&str>) -> Value {
    let mut c = cmd.as_object().cloned().unwrap_or_default();
    let name = c
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let key = (guild.map(str::to_string), name);
    let id = st
        .command_ids
        .entry(key)
        .or_insert_with(|| next_snowflake().to_string())
        .clone();
    c.insert("id".into(), json!(id));
    c.insert("application_id".into(), json!(APPLICATION_ID));
    c.insert("version".into(), json!(next_snowflake().to_string()));
    if let Some(g) = guild {
        c.insert("guild_id".into(), json!(g));
    }
    set_default(&mut c, "type", json!(1));
    set_default(&mut c, "description", json!(""));
    set_default(&mut c, "default_member_permissions", Value::Null);
    set_default(&mut c, "nsfw", json!(false));
    if let Some(Value::Array(opts)) = c.get_mut("options") {
        opts.iter_mut().for_each(complete_option);
    }
    Value::Object(c)
}

fn complete_option(opt: &mut Value) {
    if let Some(o) = opt.as_object_mut() {
        set_default(o, "description", json!(""));
        if let Some(Value::Array(sub)) = o.get_mut("options") {
            sub.iter_mut().for_each(complete_option);
        }
    }
}

fn set_default(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.get(key).unwrap_or(&Value::Null).is_null() {
        map.insert(key.to_string(), value);
    }
}

fn interaction_callback(
    shared: &Shared,
    id: &str,
    token: &str,
    body: Option<&Value>,
) -> (StatusCode, Option<Value>) {
    let mut st = shared.lock();
    if st.interactions.acknowledged.contains_key(id) {
        // derived/rest_already_acknowledged_40060.json
        return discord_error(400, 40060, "Interaction has already been acknowledged.");
    }
    let body = body.cloned().unwrap_or(Value::Null);
    // 4 = CHANNEL_MESSAGE_WITH_SOURCE and 5 = DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE create an
    // "original response" message that can later be fetched / edited through the webhook.
    match body.get("type").and_then(Value::as_u64) {
        Some(4) => {
            let msg = message_from_request(CHANNEL_ID, body.get("data"), 20);
            st.interactions.originals.insert(token.to_string(), msg);
        }
        Some(5) => {
            let msg = message_from_request(CHANNEL_ID, Some(&json!({"content": ""})), 20);
            st.interactions.originals.insert(token.to_string(), msg);
        }
        _ => {}
    }
    st.interactions.acknowledged.insert(id.to_string(), body);
    (StatusCode::NO_CONTENT, None)
}

fn original_route(
    shared: &Shared,
    method: &str,
    app: &str,
    token: &str,
    body: Option<&Value>,
) -> (StatusCode, Option<Value>) {
    if app != APPLICATION_ID {
        return discord_error(404, 10015, "Unknown Webhook");
    }
    let mut st = shared.lock();
    let Some(original) = st.interactions.originals.get_mut(token) else {
        // What Discord says when the interaction was never acknowledged with a message.
        return discord_error(404, 10015, "Unknown Webhook");
    };
    match method {
        "GET" => (StatusCode::OK, Some(original.clone())),
        "PATCH" => {
            if let Some(patch) = body.and_then(Value::as_object) {
                for key in ["content", "embeds", "flags"] {
                    if let Some(v) = patch.get(key) {
                        original[key] = v.clone();
                    }
                }
                original["edited_timestamp"] = json!("2026-01-01T00:00:01.000000+00:00");
            }
            (StatusCode::OK, Some(original.clone()))
        }
        "DELETE" => {
            st.interactions.originals.remove(token);
            (StatusCode::NO_CONTENT, None)
        }
        _ => not_found(),
    }
}

/// A message as Discord returns it after the bot created/edited one, based on
/// derived/rest_message_minimal_for_serenity.json. Echoes content, embeds and flags from the
/// request so tests can read them back; components are not echoed (serenity's Component
/// deserializer needs server-side fields the request does not carry).
fn message_from_request(channel_id: &str, body: Option<&Value>, kind: u64) -> Value {
    let field = |k: &str| {
        body.and_then(|b| b.get(k))
            .filter(|v| !v.is_null())
            .cloned()
    };
    json!({
        "id": next_snowflake().to_string(),
        "channel_id": channel_id,
        "author": {
            "id": BOT_USER_ID, "username": BOT_USERNAME, "discriminator": "0",
            "avatar": null, "bot": true
        },
        "content": field("content").unwrap_or(json!("")),
        "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": field("embeds").unwrap_or(json!([])),
        "pinned": false,
        "type": kind,
        "flags": field("flags").unwrap_or(json!(0)),
    })
}

fn current_user() -> Value {
    json!({
        "id": BOT_USER_ID,
        "username": BOT_USERNAME,
        "discriminator": "0",
        "global_name": null,
        "avatar": null,
        "bot": true,
        "verified": true,
        "mfa_enabled": false,
        "flags": 0,
        "public_flags": 0
    })
}

fn current_application() -> Value {
    json!({
        "id": APPLICATION_ID,
        "name": BOT_USERNAME,
        "icon": null,
        "description": "",
        "bot_public": false,
        "bot_require_code_grant": false,
        "verify_key": "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "team": null,
        "owner": {"id": USER_ID, "username": USER_NAME, "discriminator": "0", "avatar": null},
        "flags": 0
    })
}

// ==================================================================== payload builders

static SNOWFLAKE: AtomicU64 = AtomicU64::new(1_400_000_000_000_000_000);

/// Unique, increasing ids (like Discord's snowflakes) so every interaction has its own id and
/// token and the fake can track acknowledgements per interaction.
pub fn next_snowflake() -> u64 {
    SNOWFLAKE.fetch_add(1, Ordering::Relaxed)
}

/// The member object every builder uses: the docs example plus `flags`, which serenity 0.12.5
/// requires (derived/interaction_create_dispatch__*_completed.json).
fn guild_member(with_user: bool) -> Value {
    let mut m = json!({
        "roles": ["539082325061836999"],
        "premium_since": null,
        "permissions": "2147483647",
        "pending": false,
        "nick": null,
        "mute": false,
        "joined_at": "2017-03-13T19:19:14.040000+00:00",
        "deaf": false,
        "flags": 0
    });
    if with_user {
        m["user"] = user_object();
    }
    m
}

fn user_object() -> Value {
    json!({
        "id": USER_ID,
        "username": USER_NAME,
        "avatar": "a_d5efa99b3eeaa7dd43acca82f5692432",
        "discriminator": "1337",
        "public_flags": 131141
    })
}

fn interaction_envelope(kind: u64, data: Value) -> Value {
    let id = next_snowflake();
    json!({
        "id": id.to_string(),
        "token": format!("fake-interaction-token-{id}"),
        "type": kind,
        "version": 1,
        "data": data,
        "application_id": APPLICATION_ID,
        "channel_id": CHANNEL_ID,
        "guild_id": GUILD_ID,
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": "442368",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID},
        "context": 0,
        "attachment_size_limit": 10485760,
        "member": guild_member(true)
    })
}

/// `d` of an INTERACTION_CREATE for a slash (CHAT_INPUT) command in the guild, sent by
/// `USER_ID`. `options` is the array Discord would send, e.g.
/// `json!([{"type": 3, "name": "question", "value": "who?"}])`. Each call gets a fresh
/// interaction id and token (read them back with `d["id"]`, `d["token"]`).
pub fn interaction_command(name: &str, options: Value) -> Value {
    let options = if options.is_null() {
        json!([])
    } else {
        options
    };
    interaction_envelope(
        2,
        json!({
            "id": command_id_for(name),
            "name": name,
            "type": 1,
            "options": options
        }),
    )
}

/// `d` of an INTERACTION_CREATE of type 4 (APPLICATION_COMMAND_AUTOCOMPLETE) for a string
/// option `focused_option` currently containing `partial`.
pub fn interaction_autocomplete(name: &str, focused_option: &str, partial: &str) -> Value {
    interaction_autocomplete_with(
        name,
        json!([{"type": 3, "name": focused_option, "value": partial, "focused": true}]),
    )
}

/// Autocomplete with a full options array (mark exactly one option `"focused": true`).
pub fn interaction_autocomplete_with(name: &str, options: Value) -> Value {
    interaction_envelope(
        4,
        json!({
            "id": command_id_for(name),
            "name": name,
            "type": 1,
            "version": command_id_for(name),
            "options": options
        }),
    )
}

/// A stable fake command id per name (only used inside interaction payloads).
fn command_id_for(name: &str) -> String {
    let h = name.bytes().fold(1_200_000_000_000_000_000u64, |acc, b| {
        acc.wrapping_mul(31).wrapping_add(b as u64)
    });
    (h % 9_000_000_000_000_000_000 + 100_000_000_000_000_000).to_string()
}

/// `d` of a MESSAGE_CREATE in the guild channel from a human user. With `mentions_bot`, the
/// bot is in `mentions` and, like on Discord (where `mentions` is derived from the text), the
/// content carries `<@BOT_USER_ID>`: it is prepended if the caller did not include it.
/// Without MESSAGE_CONTENT, Discord still delivers `content` for messages that mention the bot.
pub fn message_create(content: &str, mentions_bot: bool) -> Value {
    let mention = format!("<@{BOT_USER_ID}>");
    let content = if mentions_bot
        && !content.contains(&mention)
        && !content.contains(&format!("<@!{BOT_USER_ID}>"))
    {
        format!("{mention} {content}")
    } else {
        content.to_string()
    };
    let mentions = if mentions_bot {
        json!([{
            "id": BOT_USER_ID, "username": BOT_USERNAME, "discriminator": "0",
            "global_name": null, "avatar": null, "bot": true, "public_flags": 0,
            "member": guild_member(false)
        }])
    } else {
        json!([])
    };
    let mut m = base_message(&content, mentions);
    m["guild_id"] = json!(GUILD_ID);
    m["member"] = guild_member(false);
    m
}

/// What Discord actually delivers to a bot WITHOUT the privileged MESSAGE_CONTENT intent:
/// guild messages that do not mention the bot arrive with empty `content`, `embeds`,
/// `attachments` and `components` (DMs and mentions keep them). The fake does not filter by
/// intents itself; apply this to a `message_create(..)` payload to get the realistic one.
pub fn without_message_content(mut d: Value) -> Value {
    let in_guild = d.get("guild_id").is_some_and(|g| !g.is_null());
    let mentions_bot = d["mentions"]
        .as_array()
        .is_some_and(|m| m.iter().any(|u| u["id"] == json!(BOT_USER_ID)));
    if in_guild && !mentions_bot {
        d["content"] = json!("");
        d["embeds"] = json!([]);
        d["attachments"] = json!([]);
        d["components"] = json!([]);
    }
    d
}

/// `d` of a MESSAGE_CREATE in a DM channel with the bot (no guild_id, no member).
pub fn message_create_dm(content: &str) -> Value {
    let mut m = base_message(content, json!([]));
    m["channel_id"] = json!(DM_CHANNEL_ID);
    m
}

fn base_message(content: &str, mentions: Value) -> Value {
    json!({
        "id": next_snowflake().to_string(),
        "channel_id": CHANNEL_ID,
        "author": user_object(),
        "content": content,
        "timestamp": "2026-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": mentions,
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
        "nonce": next_snowflake().to_string()
    })
}
