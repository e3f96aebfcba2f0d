//! Posting change sets to the updates channel (`discord.updates_channel_id`),
//! for the gateway bot.
//!
//! One message per change set, in order; never more often than
//! `discord.updates_min_interval_seconds` (default 60; a burst of articles
//! waits its turn rather than flooding the channel); nobody pinged (the
//! rendered message's `allowed_mentions` is empty); change sets that change
//! nothing that matters never reach this queue.

use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::discord::rest::Rest;
use crate::live::diff::{self, Diff};

/// Used when `discord.updates_min_interval_seconds` is not set.
pub const DEFAULT_MIN_INTERVAL: Duration = Duration::from_secs(60);

/// The message body for one change set: the channel's usual embed, no
/// pings; `None` when nothing that matters changed.
pub fn message(d: &Diff) -> Option<Value> {
    if !d.matters() {
        return None;
    }
    let answer = diff::announcement(d);
    let mut body = crate::render::embed::discord_message(&answer).to_json();
    body["allowed_mentions"] = serde_json::json!({ "parse": [] });
    Some(body)
}

/// Posts each body received to `channel`, at most one per `every`, until
/// the sending side is dropped.
pub async fn post(rest: &Rest, channel: u64, every: Duration, mut rx: UnboundedReceiver<Value>) {
    let mut last: Option<tokio::time::Instant> = None;
    while let Some(body) = rx.recv().await {
        if let Some(t) = last {
            tokio::time::sleep_until(t + every).await;
        }
        last = Some(tokio::time::Instant::now());
        match rest.create_message(channel, &body).await {
            Ok(_) => tracing::info!(channel, "update posted"),
            Err(e) => tracing::warn!(channel, error = %e, "cannot post the update"),
        }
    }
}
