//! HTTP interactions transport: Discord POSTs every interaction to us, signed
//! with the application's Ed25519 key, and takes our response body as the
//! reply. The last stage of the pipeline, beside the gateway bot.
//!
//! This module owns the HTTP side only: the signature check, body limits,
//! routing, health and metrics pages, request logs and shutdown. What an
//! interaction means is decided by [`discord::handle_interaction`], the same
//! function the gateway calls, so both transports answer alike.
//!
//! Each `POST /interactions` (or `POST /`) goes through, in this order:
//!
//! 1. the signature headers: missing, not hex, or a timestamp that is not a
//!    number is 401 before the body is touched;
//! 2. the timestamp's age: outside `http.timestamp_window_seconds` (default
//!    5 minutes) of now is 401, a replay of an old capture;
//! 3. the size: a `Content-Length` over `http.max_body_bytes` is 413 without
//!    reading the body, and the streamed read is capped at the same limit
//!    (chunked bodies have no length to check);
//! 4. the signature over `timestamp + raw body`: 401 when it does not match.
//!    Discord probes a newly registered URL with a bad signature and refuses
//!    the URL unless it gets 401, so this is the first use of the body;
//! 5. only then JSON: not JSON or not an interaction is 400;
//! 6. an interaction answered before (same id) is 401: a replay within the
//!    window ([`replay`]). Replays never reach the cooldown;
//! 7. the per-user cooldown for commands (an ephemeral "slow down");
//! 8. [`discord::handle_interaction`]: PONG, a message, autocomplete choices,
//!    or an ephemeral notice for interactions the bot does not handle.
//!
//! Connections are served by [`server`]: at most `http.max_connections` at
//! once, headers within `http.header_read_timeout_seconds`, idle keep-alive
//! connections closed after `http.idle_timeout_seconds`, so slow or idle
//! clients cannot exhaust file handles or memory.
//!
//! The server keeps no state a replica would need to share (the cooldown and
//! the replay cache are per replica), so any number of replicas can sit
//! behind a load balancer.
//!
//! [`discord::handle_interaction`]: crate::discord::handle_interaction

mod metrics;
pub mod replay;
pub mod server;

pub use metrics::{Metrics, Verdict, LATENCY_BUCKETS, NO_COMMAND};
pub use replay::{ReplayGuard, DEFAULT_TIMESTAMP_WINDOW};
pub use server::Limits;

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use serenity::interactions_endpoint::Verifier;
use tokio::net::TcpListener;

use crate::config::{Config, Secret};
use crate::discord::{self, interaction_user, Cooldown};
use crate::Engine;

/// The environment variable holding the application's public key (hex).
pub const PUBLIC_KEY_ENV: &str = "DISCORD_PUBLIC_KEY";

/// Body limit when the config sets none. Interactions are a few kilobytes;
/// Discord's largest (a modal with many fields) stays far below this.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// How long a client may take to send a body. Discord expects an answer
/// within 3 s, so a body still arriving after this is not Discord.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client has to send a request's headers when the config sets
/// nothing. Discord sends them at once; only a slow (or hostile) client
/// takes longer.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// How long an idle keep-alive connection stays open when the config sets
/// nothing: longer than the 60 s idle timeout of common reverse proxies and
/// load balancers, so they close first and never send on a closing socket.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(75);

/// Connections served at once when the config sets nothing: far more than a
/// proxy in front of the endpoint opens, and below the common 1024 file
/// handle limit.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How long shutdown waits for open connections before giving up on them.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

const SIGNATURE_HEADER: &str = "x-signature-ed25519";
const TIMESTAMP_HEADER: &str = "x-signature-timestamp";

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// `DISCORD_PUBLIC_KEY` is not set.
    #[error(
        "{PUBLIC_KEY_ENV} is not set: copy the application's public key from the Discord developer portal \
         (General Information) into it"
    )]
    MissingPublicKey,
    /// `DISCORD_PUBLIC_KEY` is set but unusable. Never echoes the value.
    #[error("{PUBLIC_KEY_ENV} is not a valid Ed25519 public key: {0}")]
    InvalidPublicKey(&'static str),
    /// The address cannot be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// The application's public key, ready to verify request signatures.
///
/// A public key is not a secret in the cryptographic sense, but it names the
/// application and is configuration, not log material: `Debug` prints `***`.
#[derive(Clone)]
pub struct PublicKey(Verifier);

impl PublicKey {
    /// Parses the hex form shown in the developer portal (64 hex digits).
    pub fn from_hex(hex: &Secret) -> Result<PublicKey, HttpError> {
        let bytes = decode_hex::<32>(hex.expose().trim()).ok_or(HttpError::InvalidPublicKey(
            "expected 64 hexadecimal digits",
        ))?;
        Verifier::try_new(bytes).map(PublicKey).map_err(|_| {
            HttpError::InvalidPublicKey("the 32 bytes are not a point on the Ed25519 curve")
        })
    }

    /// Reads the key from `DISCORD_PUBLIC_KEY`.
    pub fn from_env() -> Result<PublicKey, HttpError> {
        let hex = Secret::from_env(PUBLIC_KEY_ENV).ok_or(HttpError::MissingPublicKey)?;
        PublicKey::from_hex(&hex)
    }

    /// Whether `signature` (hex) signs `timestamp` followed by `body`.
    pub fn verify(&self, signature: &str, timestamp: &str, body: &[u8]) -> bool {
        self.0.verify(signature, timestamp, body).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PublicKey(***)")
    }
}

/// Server settings that are not in the engine.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Bodies larger than this get 413.
    pub max_body_bytes: usize,
    /// Time a user waits between two commands (zero disables it).
    pub cooldown: Duration,
    /// Time a client has to send the body.
    pub body_timeout: Duration,
    /// Time a client has to send a request's headers.
    pub header_read_timeout: Duration,
    /// Time an idle keep-alive connection stays open.
    pub idle_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
    /// How far the signed timestamp may be from now.
    pub timestamp_window: Duration,
}

impl Options {
    /// The `[http]` settings and `discord.cooldown_seconds` from the config,
    /// with the defaults above for what it leaves out. The config has
    /// validated every value at load.
    pub fn from_config(config: &Config) -> Options {
        let http = &config.http;
        let seconds = |v: Option<f64>, default: Duration| {
            v.and_then(|s| Duration::try_from_secs_f64(s).ok())
                .unwrap_or(default)
        };
        Options {
            max_body_bytes: http.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            cooldown: Cooldown::period_from(&config.discord),
            body_timeout: DEFAULT_BODY_TIMEOUT,
            header_read_timeout: seconds(
                http.header_read_timeout_seconds,
                DEFAULT_HEADER_READ_TIMEOUT,
            ),
            idle_timeout: seconds(http.idle_timeout_seconds, DEFAULT_IDLE_TIMEOUT),
            max_connections: http.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS),
            timestamp_window: http
                .timestamp_window_seconds
                .map_or(DEFAULT_TIMESTAMP_WINDOW, Duration::from_secs),
        }
    }

    /// The connection limits for [`server::serve`].
    pub fn limits(&self) -> Limits {
        Limits {
            max_connections: self.max_connections,
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
            drain_timeout: DRAIN_TIMEOUT,
        }
    }
}

/// Everything a request handler needs, shared by all connections.
pub struct Endpoint {
    engine: Arc<crate::live::Shared>,
    key: PublicKey,
    options: Options,
    cooldown: Cooldown,
    replay: ReplayGuard,
    metrics: Metrics,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("engine", &self.engine)
            .field("key", &self.key)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// An endpoint answering from `engine`, trusting requests signed by `key`.
    pub fn new(engine: Arc<Engine>, key: PublicKey, options: Options) -> Endpoint {
        Endpoint::live(Arc::new(engine.into()), key, options)
    }

    /// An endpoint answering from whatever engine `engine` holds at the time
    /// of each request (the live corpus swaps it).
    pub fn live(engine: Arc<crate::live::Shared>, key: PublicKey, options: Options) -> Endpoint {
        let metrics = Metrics::new(engine.load().config());
        let cooldown = Cooldown::new(options.cooldown);
        let replay = ReplayGuard::new(options.timestamp_window);
        Endpoint {
            engine,
            key,
            options,
            cooldown,
            replay,
            metrics,
        }
    }

    /// The settings in force.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The counters behind `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Steps 1 to 8 of the module docs for one request.
    async fn handle(&self, headers: &HeaderMap, body: Body) -> Handled {
        let (signature, timestamp) = match signature_headers(headers) {
            Ok(pair) => pair,
            Err(reason) => {
                return Handled::reject(StatusCode::UNAUTHORIZED, Verdict::Unauthorized, reason)
            }
        };
        if let Err(refused) = self.replay.check_timestamp(timestamp) {
            return Handled::reject(
                StatusCode::UNAUTHORIZED,
                Verdict::Unauthorized,
                refused.reason(),
            );
        }
        let limit = self.options.max_body_bytes;
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Handled::too_large(limit);
        }
        let hint = declared.map_or(0, |n| n as usize);
        let bytes =
            match tokio::time::timeout(self.options.body_timeout, read_body(body, limit, hint))
                .await
            {
                Ok(Ok(bytes)) => bytes,
                Ok(Err(BodyError::TooLarge)) => return Handled::too_large(limit),
                Ok(Err(BodyError::Read)) => {
                    return Handled::reject(
                        StatusCode::BAD_REQUEST,
                        Verdict::BadRequest,
                        "the body could not be read",
                    )
                }
                Err(_) => {
                    return Handled::reject(
                        StatusCode::REQUEST_TIMEOUT,
                        Verdict::BadRequest,
                        "the body took too long",
                    )
                }
            };
        if !self.key.verify(signature, timestamp, &bytes) {
            return Handled::reject(
                StatusCode::UNAUTHORIZED,
                Verdict::Unauthorized,
                "invalid request signature",
            );
        }
        self.respond(timestamp, &bytes)
    }

    /// Steps 5 to 8: the body is authentic, answer it.
    fn respond(&self, timestamp: &str, body: &[u8]) -> Handled {
        let Ok(interaction) = serde_json::from_slice::<Value>(body) else {
            return Handled::reject(
                StatusCode::BAD_REQUEST,
                Verdict::BadRequest,
                "the body is not JSON",
            );
        };
        let Some(kind) = interaction.get("type").and_then(Value::as_u64) else {
            return Handled::reject(
                StatusCode::BAD_REQUEST,
                Verdict::BadRequest,
                "the body is not an interaction (no numeric `type`)",
            );
        };
        let id = interaction.get("id").and_then(Value::as_str);
        if let Err(refused) = self.replay.first_time(id, timestamp, body) {
            return Handled::reject(
                StatusCode::UNAUTHORIZED,
                Verdict::Unauthorized,
                refused.reason(),
            );
        }
        let user = interaction_user(&interaction);
        if kind == discord::kind::APPLICATION_COMMAND {
            if let Some(wait) = user.and_then(|u| self.cooldown.check(u)) {
                return Handled {
                    status: StatusCode::OK,
                    body: Cooldown::reply(wait).to_interaction_response(),
                    command: interaction["data"]["name"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    verdict: Verdict::Cooldown,
                    answered: None,
                    user,
                    reason: None,
                    vote: None,
                };
            }
        }
        // The engine answers from an in-memory table in well under a
        // millisecond; handing it to `spawn_blocking` would cost more than
        // it saves.
        let outcome = discord::handle_interaction(&self.engine.load(), &interaction);
        Handled {
            status: StatusCode::OK,
            body: outcome.response,
            command: outcome.label,
            verdict: Verdict::Ok,
            answered: outcome.answered,
            user,
            reason: None,
            vote: outcome.vote,
        }
    }
}

/// What one interaction request produced: the HTTP answer and what the log
/// line and the metrics say about it.
struct Handled {
    status: StatusCode,
    body: Value,
    command: String,
    verdict: Verdict,
    answered: Option<bool>,
    user: Option<u64>,
    reason: Option<&'static str>,
    /// A 👍/👎 click's vote.
    vote: Option<discord::components::Vote>,
}

impl Handled {
    fn reject(status: StatusCode, verdict: Verdict, reason: &'static str) -> Handled {
        Handled {
            status,
            body: json!({ "error": reason }),
            command: NO_COMMAND.to_string(),
            verdict,
            answered: None,
            user: None,
            reason: Some(reason),
            vote: None,
        }
    }

    fn too_large(limit: usize) -> Handled {
        let reason = "the body is over the size limit";
        Handled {
            body: json!({ "error": reason, "limit_bytes": limit }),
            ..Handled::reject(StatusCode::PAYLOAD_TOO_LARGE, Verdict::TooLarge, reason)
        }
    }
}

/// The router: `POST /interactions` (and `POST /`), `GET /healthz`,
/// `GET /metrics`.
pub fn router(endpoint: Arc<Endpoint>) -> Router {
    Router::new()
        .route("/interactions", post(interactions))
        .route("/", post(interactions))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(endpoint)
}

/// Serves on an already bound listener until `shutdown` completes, then
/// lets open requests finish (for at most a few seconds). Connections are
/// capped and timed out as the endpoint's options say ([`server`]).
pub async fn serve_on(
    listener: TcpListener,
    endpoint: Arc<Endpoint>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), HttpError> {
    let limits = endpoint.options.limits();
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(
            %addr,
            max_connections = limits.max_connections,
            header_read_timeout = ?limits.header_read_timeout,
            idle_timeout = ?limits.idle_timeout,
            "serving Discord interactions on POST /interactions"
        );
    }
    server::serve(listener, router(endpoint), limits, shutdown).await
}

/// Serves Discord's HTTP interactions on `addr` until SIGTERM or SIGINT.
/// Refuses to start without a valid `DISCORD_PUBLIC_KEY`.
pub async fn serve(engine: Arc<Engine>, addr: SocketAddr) -> Result<(), HttpError> {
    serve_live(Arc::new(engine.into()), addr).await
}

/// Like [`serve`], answering from whatever engine `shared` holds at the
/// time of each request (the live corpus swaps it).
pub async fn serve_live(
    shared: Arc<crate::live::Shared>,
    addr: SocketAddr,
) -> Result<(), HttpError> {
    let key = PublicKey::from_env()?;
    let options = Options::from_config(shared.load().config());
    let endpoint = Arc::new(Endpoint::live(shared, key, options));
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| HttpError::Bind { addr, source })?;
    serve_on(listener, endpoint, shutdown_signal()).await
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM (what `docker stop` and
/// Kubernetes send).
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No handler could be installed: never fire rather than stop now.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

async fn interactions(State(endpoint): State<Arc<Endpoint>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let handled = endpoint.handle(&parts.headers, body).await;
    let response = json_response(handled.status, &handled.body);
    let latency = started.elapsed();
    endpoint
        .metrics
        .record(&handled.command, handled.verdict, handled.answered, latency);
    if let Some(v) = &handled.vote {
        endpoint.metrics.vote(&v.command, v.tier, v.up);
    }
    // The fields are evaluated only when the event is enabled, so a quiet
    // log level costs nothing here. Headers and body are never logged: the
    // signature is useless to a reader and the body is the user's.
    tracing::info!(
        command = endpoint.metrics.label(&handled.command),
        user = handled
            .user
            .map(|u| u.to_string())
            .as_deref()
            .unwrap_or("-"),
        status = handled.status.as_u16(),
        outcome = handled.verdict.as_str(),
        latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
        reason = handled.reason.unwrap_or("-"),
        "interaction"
    );
    response
}

async fn healthz(State(endpoint): State<Arc<Endpoint>>) -> Json<Value> {
    let engine = endpoint.engine.load();
    Json(json!({
        "status": "ok",
        "articles": engine.articles().len(),
        "facts": engine.facts().len(),
    }))
}

async fn metrics(State(endpoint): State<Arc<Endpoint>>) -> Response {
    let engine = endpoint.engine.load();
    let text = endpoint
        .metrics
        .render(engine.articles().len(), engine.facts().len());
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    // Serialising a `Value` cannot fail (its map keys are strings).
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response()
}

/// The two signature headers, checked for shape only; `Err` is the reason.
fn signature_headers(headers: &HeaderMap) -> Result<(&str, &str), &'static str> {
    let (Some(signature), Some(timestamp)) =
        (headers.get(SIGNATURE_HEADER), headers.get(TIMESTAMP_HEADER))
    else {
        return Err("missing X-Signature-Ed25519 or X-Signature-Timestamp");
    };
    let signature = signature
        .to_str()
        .map_err(|_| "malformed X-Signature-Ed25519")?;
    if signature.len() != 128 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("malformed X-Signature-Ed25519 (expected 128 hex digits)");
    }
    let timestamp = timestamp
        .to_str()
        .map_err(|_| "malformed X-Signature-Timestamp")?;
    // Discord sends Unix seconds. Anything else is not Discord, and refusing
    // it here keeps arbitrary bytes out of the signed message.
    if timestamp.is_empty()
        || timestamp.len() > 20
        || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("X-Signature-Timestamp is not a number");
    }
    Ok((signature, timestamp))
}

enum BodyError {
    TooLarge,
    Read,
}

/// Reads the body frame by frame and stops as soon as it passes `limit`, so a
/// chunked body with no `Content-Length` cannot make us buffer it all.
async fn read_body(mut body: Body, limit: usize, hint: usize) -> Result<Vec<u8>, BodyError> {
    let mut buf = Vec::with_capacity(hint.min(limit));
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|_| BodyError::Read)?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(BodyError::TooLarge);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf)
}

fn decode_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 section 7.1 TEST 1: a published test key, never a real one.
    const TEST_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

    fn engine() -> Arc<Engine> {
        let config = Config::parse(
            "[story]\ntitle = \"t\"\nactor = \"Acme\"\n[discord]\ncooldown_seconds = 2.5\n[http]\nmax_body_bytes = 2000\n",
        )
        .unwrap();
        Arc::new(Engine::build(config, Vec::new(), Vec::new()).unwrap())
    }

    #[test]
    fn public_key_never_appears_in_debug_output() {
        let key = PublicKey::from_hex(&Secret::new(TEST_KEY)).unwrap();
        let engine = engine();
        let endpoint = Endpoint::new(
            engine.clone(),
            key.clone(),
            Options::from_config(engine.config()),
        );
        let shown = format!("{key:?} {endpoint:?} {endpoint:#?} {:?}", engine.config());
        assert!(!shown.to_lowercase().contains(&TEST_KEY[..16]), "{shown}");
        assert_eq!(format!("{key:?}"), "PublicKey(***)");
        assert!(
            format!("{endpoint:?}").contains("key: PublicKey(***)"),
            "{endpoint:?}"
        );
    }

    #[test]
    fn bad_public_keys_are_refused_without_echoing_them() {
        let short = "d75a980182b10ab7d54bfed3c964073a";
        let not_hex = format!("{}zz", &TEST_KEY[..62]);
        for bad in [short, not_hex.as_str(), ""] {
            let err = PublicKey::from_hex(&Secret::new(bad))
                .unwrap_err()
                .to_string();
            assert_eq!(err, "DISCORD_PUBLIC_KEY is not a valid Ed25519 public key: expected 64 hexadecimal digits");
        }
        // 0x02 followed by zeros does not decompress to a curve point.
        let off_curve = format!("02{}", "0".repeat(62));
        let err = PublicKey::from_hex(&Secret::new(off_curve))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "DISCORD_PUBLIC_KEY is not a valid Ed25519 public key: the 32 bytes are not a point on the Ed25519 curve"
        );
    }

    #[test]
    fn options_come_from_the_config() {
        let engine = engine();
        assert_eq!(
            Options::from_config(engine.config()),
            Options {
                max_body_bytes: 2000,
                cooldown: Duration::from_millis(2500),
                body_timeout: DEFAULT_BODY_TIMEOUT,
                header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
                idle_timeout: DEFAULT_IDLE_TIMEOUT,
                max_connections: DEFAULT_MAX_CONNECTIONS,
                timestamp_window: DEFAULT_TIMESTAMP_WINDOW,
            }
        );
        let config = Config::parse(
            "[story]\ntitle = \"t\"\nactor = \"Acme\"\n[http]\nheader_read_timeout_seconds = 2.5\n\
             idle_timeout_seconds = 30\nmax_connections = 64\ntimestamp_window_seconds = 60\n",
        )
        .unwrap();
        let options = Options::from_config(&config);
        assert_eq!(
            (
                options.header_read_timeout,
                options.idle_timeout,
                options.max_connections,
                options.timestamp_window,
                options.cooldown,
            ),
            (
                Duration::from_millis(2500),
                Duration::from_secs(30),
                64,
                Duration::from_secs(60),
                Duration::from_secs(2),
            )
        );
    }

    #[test]
    fn signature_headers_are_checked_for_shape() {
        let mut h = HeaderMap::new();
        assert_eq!(
            signature_headers(&h),
            Err("missing X-Signature-Ed25519 or X-Signature-Timestamp")
        );
        h.insert(
            SIGNATURE_HEADER,
            HeaderValue::from_str(&"ab".repeat(64)).unwrap(),
        );
        h.insert(TIMESTAMP_HEADER, HeaderValue::from_static("1700000000"));
        assert_eq!(
            signature_headers(&h),
            Ok(("ab".repeat(64).as_str(), "1700000000"))
        );
        h.insert(TIMESTAMP_HEADER, HeaderValue::from_static("-1"));
        assert_eq!(
            signature_headers(&h),
            Err("X-Signature-Timestamp is not a number")
        );
        h.insert(TIMESTAMP_HEADER, HeaderValue::from_static("1700000000"));
        h.insert(
            SIGNATURE_HEADER,
            HeaderValue::from_str(&"+b".repeat(64)).unwrap(),
        );
        assert_eq!(
            signature_headers(&h),
            Err("malformed X-Signature-Ed25519 (expected 128 hex digits)")
        );
    }
}
