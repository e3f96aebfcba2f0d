//! Discord REST: the handful of calls the bot makes, with 429s retried.
//!
//! Sits between the transports and Discord's HTTP API: start-up checks
//! (`/users/@me`, `/oauth2/applications/@me`, `/gateway`), command
//! registration, interaction callbacks, edits of deferred responses, and
//! replies to messages. Bodies are the `serde_json::Value`s built by
//! [`crate::discord`] and [`crate::render`], so the wire format stays in one
//! place.
//!
//! Why not serenity's `Http`: with a REST base override serenity 0.12.5 must
//! run with its ratelimiter disabled (the ratelimiter ignores the proxy), and
//! then a 429 comes back as an error that has already dropped `retry_after`
//! and the headers, and whose `Debug` carries the request URL (interaction
//! tokens included). This client uses the same `reqwest` serenity pulls in,
//! retries a 429 after Discord's `retry_after` a bounded number of times, and
//! names routes with `{token}` in place of interaction tokens so errors and
//! logs never hold a credential. The bot token lives in a [`Secret`] and in a
//! header marked sensitive.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::config::Secret;

/// Discord's public API host, used when no base override is configured.
pub const DISCORD_BASE: &str = "https://discord.com";

/// The API version prefix every route starts with.
pub const API_PREFIX: &str = "/api/v10";

/// Why a REST call failed. Messages name the route with `{token}` placeholders
/// and never contain a token.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    /// Discord refused the bot token (401).
    #[error("{route}: Discord rejected the bot token (401 Unauthorized)")]
    Unauthorized {
        /// Method and route, tokens redacted.
        route: String,
    },
    /// Any other non-success status.
    #[error("{route}: Discord answered {status}{}: {message}", code.map(|c| format!(" (code {c})")).unwrap_or_default())]
    Status {
        /// Method and route, tokens redacted.
        route: String,
        /// HTTP status.
        status: u16,
        /// Discord's JSON error code, when the body had one.
        code: Option<i64>,
        /// Discord's message, or the start of the body.
        message: String,
    },
    /// Still 429 after the allowed attempts, or asked to wait too long.
    #[error("{route}: rate limited after {attempts} attempt(s) (retry_after {:.2} s)", retry_after.as_secs_f64())]
    RateLimited {
        /// Method and route, tokens redacted.
        route: String,
        /// Attempts made.
        attempts: u32,
        /// The last wait Discord asked for.
        retry_after: Duration,
    },
    /// The request never got a response (connection refused, timeout...).
    #[error("{route}: {message}")]
    Transport {
        /// Method and route, tokens redacted.
        route: String,
        /// What went wrong, without the URL.
        message: String,
    },
    /// A success response whose body was not the JSON expected.
    #[error("{route}: unexpected response body: {message}")]
    Decode {
        /// Method and route, tokens redacted.
        route: String,
        /// What was missing or malformed.
        message: String,
    },
    /// The client could not be built (bad base URL, token not a header value).
    #[error("cannot set up the Discord REST client: {0}")]
    Setup(String),
}

impl RestError {
    /// The HTTP status Discord answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Unauthorized { .. } => Some(401),
            RestError::Status { status, .. } => Some(*status),
            RestError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}

/// How 429s are retried.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// A longer `retry_after` than this is not waited for: the call fails.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // Three attempts cover the usual one-off 429; an interaction token is
        // only useful for 15 minutes and the user is waiting, so a long
        // penalty is reported rather than slept through.
        RetryPolicy {
            max_attempts: 3,
            max_wait: Duration::from_secs(10),
        }
    }
}

/// A Discord REST client bound to one base URL and one bot token.
#[derive(Clone)]
pub struct Rest {
    client: reqwest::Client,
    base: String,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rest")
            .field("base", &self.base)
            .field("token", &"***")
            .finish()
    }
}

impl Rest {
    /// A client for `base` (e.g. `https://discord.com` or a local proxy)
    /// that authenticates as the bot with `token`.
    pub fn new(base: &str, token: &Secret) -> Result<Rest, RestError> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(RestError::Setup(format!(
                "the API base `{base}` must start with http:// or https://"
            )));
        }
        // Accept a token pasted with its "Bot " prefix, as serenity does.
        let raw = token.expose().trim();
        let raw = raw.strip_prefix("Bot ").unwrap_or(raw);
        let mut auth = HeaderValue::from_str(&format!("Bot {raw}")).map_err(|_| {
            RestError::Setup(
                "DISCORD_TOKEN contains characters not allowed in an HTTP header".into(),
            )
        })?;
        // Keeps the header out of reqwest's and hyper's Debug output.
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!(
                "DiscordBot (factdesk, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            )),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .map_err(|e| RestError::Setup(e.without_url().to_string()))?;
        Ok(Rest {
            client,
            base,
            retry: RetryPolicy::default(),
        })
    }

    /// The same client with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Rest {
        self.retry = retry;
        self
    }

    /// The base URL requests go to.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET /users/@me`: the bot's own user (checks the token).
    pub async fn current_user(&self) -> Result<Value, RestError> {
        let route = Route::new(Method::GET, "/users/@me".into(), "GET /users/@me".into());
        self.send_json(&route, None).await
    }

    /// `GET /oauth2/applications/@me`: the bot's application.
    pub async fn current_application(&self) -> Result<Value, RestError> {
        let route = Route::new(
            Method::GET,
            "/oauth2/applications/@me".into(),
            "GET /oauth2/applications/@me".into(),
        );
        self.send_json(&route, None).await
    }

    /// `GET /gateway`: the websocket URL to connect to.
    pub async fn gateway_url(&self) -> Result<String, RestError> {
        let route = Route::new(Method::GET, "/gateway".into(), "GET /gateway".into());
        let v = self.send_json(&route, None).await?;
        match v["url"].as_str() {
            Some(url) if url.starts_with("ws://") || url.starts_with("wss://") => {
                Ok(url.to_string())
            }
            _ => Err(RestError::Decode {
                route: route.label,
                message: "no ws:// or wss:// `url` in the body".into(),
            }),
        }
    }

    /// `PUT .../commands`: replaces the application's commands, globally
    /// (`guild: None`) or in one guild, with `commands`.
    pub async fn overwrite_commands(
        &self,
        application: u64,
        guild: Option<u64>,
        commands: &Value,
    ) -> Result<Value, RestError> {
        let (path, label) = match guild {
            Some(g) => (
                format!("/applications/{application}/guilds/{g}/commands"),
                format!("PUT /applications/{application}/guilds/{g}/commands"),
            ),
            None => (
                format!("/applications/{application}/commands"),
                format!("PUT /applications/{application}/commands"),
            ),
        };
        self.send_json(&Route::new(Method::PUT, path, label), Some(commands))
            .await
    }

    /// `POST /interactions/{id}/{token}/callback`: the initial response.
    pub async fn interaction_callback(
        &self,
        id: u64,
        token: &str,
        response: &Value,
    ) -> Result<(), RestError> {
        let route = Route::new(
            Method::POST,
            format!("/interactions/{id}/{token}/callback"),
            format!("POST /interactions/{id}/{{token}}/callback"),
        );
        self.send(&route, Some(response)).await.map(drop)
    }

    /// `PATCH /webhooks/{app}/{token}/messages/@original`: fills in a
    /// deferred response.
    pub async fn edit_original(
        &self,
        application: u64,
        token: &str,
        message: &Value,
    ) -> Result<(), RestError> {
        let route = Route::new(
            Method::PATCH,
            format!("/webhooks/{application}/{token}/messages/@original"),
            format!("PATCH /webhooks/{application}/{{token}}/messages/@original"),
        );
        self.send(&route, Some(message)).await.map(drop)
    }

    /// `POST /channels/{id}/messages`: sends a message.
    pub async fn create_message(&self, channel: u64, message: &Value) -> Result<Value, RestError> {
        let route = Route::new(
            Method::POST,
            format!("/channels/{channel}/messages"),
            format!("POST /channels/{channel}/messages"),
        );
        self.send_json(&route, Some(message)).await
    }

    /// `POST /channels/{id}/typing`: shows "factdesk is typing…".
    pub async fn trigger_typing(&self, channel: u64) -> Result<(), RestError> {
        let route = Route::new(
            Method::POST,
            format!("/channels/{channel}/typing"),
            format!("POST /channels/{channel}/typing"),
        );
        self.send(&route, None).await.map(drop)
    }

    async fn send_json(&self, route: &Route, body: Option<&Value>) -> Result<Value, RestError> {
        let bytes = self.send(route, body).await?;
        serde_json::from_slice(&bytes).map_err(|e| RestError::Decode {
            route: route.label.clone(),
            message: e.to_string(),
        })
    }

    /// Sends one request, retrying 429s; the response body on success.
    async fn send(&self, route: &Route, body: Option<&Value>) -> Result<Vec<u8>, RestError> {
        let url = format!("{}{}{}", self.base, API_PREFIX, route.path);
        let body = body.map(|b| b.to_string());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = self.client.request(route.method.clone(), &url);
            req = match &body {
                Some(b) => req.header(CONTENT_TYPE, "application/json").body(b.clone()),
                // Discord wants an explicit zero length on empty POSTs.
                None => req.header(reqwest::header::CONTENT_LENGTH, "0"),
            };
            let response = req.send().await.map_err(|e| RestError::Transport {
                route: route.label.clone(),
                // without_url: the URL may hold an interaction token.
                message: error_chain(&e.without_url()),
            })?;
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| RestError::Transport {
                    route: route.label.clone(),
                    message: error_chain(&e.without_url()),
                })?
                .to_vec();
            if status.is_success() {
                return Ok(bytes);
            }
            if status == StatusCode::UNAUTHORIZED {
                return Err(RestError::Unauthorized {
                    route: route.label.clone(),
                });
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = retry_after(&headers, &bytes).unwrap_or(Duration::from_secs(1));
                if attempt >= self.retry.max_attempts || wait > self.retry.max_wait {
                    return Err(RestError::RateLimited {
                        route: route.label.clone(),
                        attempts: attempt,
                        retry_after: wait,
                    });
                }
                tracing::warn!(route = %route.label, retry_after_ms = wait.as_millis() as u64, attempt, "rate limited; retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
            let (code, message) = error_body(&bytes);
            return Err(RestError::Status {
                route: route.label.clone(),
                status: status.as_u16(),
                code,
                message,
            });
        }
    }
}

/// A request target: the real path, and the label used in errors and logs
/// (the path with interaction tokens replaced by `{token}`).
struct Route {
    method: Method,
    path: String,
    label: String,
}

impl Route {
    fn new(method: Method, path: String, label: String) -> Route {
        Route {
            method,
            path,
            label,
        }
    }
}

/// How long a 429 asks to wait: the body's `retry_after` (seconds, with
/// fractions), else `X-RateLimit-Reset-After`, else `Retry-After`.
pub fn retry_after(headers: &HeaderMap, body: &[u8]) -> Option<Duration> {
    let from_body = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v["retry_after"].as_f64());
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<f64>().ok())
    };
    from_body
        .or_else(|| header("x-ratelimit-reset-after"))
        .or_else(|| header("retry-after"))
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// Discord's error code and message from an error body, or the body's start.
fn error_body(bytes: &[u8]) -> (Option<i64>, String) {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) if v["message"].is_string() => {
            let mut message = v["message"].as_str().unwrap_or_default().to_string();
            // Discord explains 400s in `errors`; keep it, it names the bad field.
            if let Some(errors) = v.get("errors") {
                message.push_str(&format!(
                    " {}",
                    crate::render::embed::truncate(&errors.to_string(), 500)
                ));
            }
            (v["code"].as_i64(), message)
        }
        _ => (
            None,
            crate::render::embed::truncate(String::from_utf8_lossy(bytes).trim(), 200),
        ),
    }
}

/// An error and its causes on one line (reqwest hides the useful part in the
/// source chain: "connection refused").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(&format!(": {s}"));
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_prefers_the_precise_body_value() {
        let body =
            br#"{"message": "You are being rate limited.", "retry_after": 0.25, "global": false}"#;
        let h = headers(&[("retry-after", "1"), ("x-ratelimit-reset-after", "0.5")]);
        assert_eq!(retry_after(&h, body), Some(Duration::from_millis(250)));
        assert_eq!(retry_after(&h, b""), Some(Duration::from_millis(500)));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2")]), b"<html>"),
            Some(Duration::from_secs(2))
        );
        assert_eq!(retry_after(&HeaderMap::new(), b"{}"), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-3")]), b""), None);
    }

    #[test]
    fn error_body_keeps_code_message_and_field_errors() {
        let body = br#"{"code": 50035, "message": "Invalid Form Body", "errors": {"name": {"_errors": []}}}"#;
        assert_eq!(
            error_body(body),
            (
                Some(50035),
                r#"Invalid Form Body {"name":{"_errors":[]}}"#.to_string()
            )
        );
        assert_eq!(
            error_body(b"  bad gateway \n"),
            (None, "bad gateway".to_string())
        );
    }

    #[test]
    fn debug_and_errors_never_show_tokens() {
        let rest = Rest::new("http://127.0.0.1:9/", &Secret::new("Bot sekrit.token")).unwrap();
        let debug = format!("{rest:?}");
        assert_eq!(
            debug,
            r#"Rest { base: "http://127.0.0.1:9", token: "***" }"#
        );
        let e = RestError::Status {
            route: "POST /interactions/1/{token}/callback".into(),
            status: 400,
            code: Some(40060),
            message: "Interaction has already been acknowledged.".into(),
        };
        assert_eq!(
            e.to_string(),
            "POST /interactions/1/{token}/callback: Discord answered 400 (code 40060): Interaction has already been acknowledged."
        );
    }

    #[test]
    fn a_base_without_scheme_is_refused() {
        let err = Rest::new("discord.com", &Secret::new("t"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "cannot set up the Discord REST client: the API base `discord.com` must start with http:// or https://");
    }
}
