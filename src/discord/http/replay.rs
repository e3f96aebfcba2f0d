//! Replay protection for the interactions endpoint.
//!
//! A signed request stays valid forever as far as Ed25519 is concerned, so
//! anyone who captures one (a log, a proxy, a packet capture) could send it
//! again: the answer would go to them, and the victim would be put into
//! cooldown. Two checks close that:
//!
//! 1. the signed `X-Signature-Timestamp` must be within a window of now
//!    (`http.timestamp_window_seconds`, default 5 minutes), checked on the
//!    headers before the body is read;
//! 2. within that window, an interaction is answered once: its id (signed,
//!    like the whole body) goes into a short-lived set, and a second request
//!    with the same id is refused. Entries outlive the window on both sides
//!    (a timestamp may be up to a window ahead of our clock), after which the
//!    timestamp check alone refuses the request.
//!
//! Both run before the cooldown, so a replay never touches it. The set is
//! per replica: a replay sent to another replica behind the same load
//! balancer is only stopped by the window.

use std::collections::hash_map::RandomState;
use std::collections::{HashSet, VecDeque};
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The window when the config sets none: Discord delivers within seconds,
/// and five minutes absorbs clock skew between us and Discord.
pub const DEFAULT_TIMESTAMP_WINDOW: Duration = Duration::from_secs(300);

/// At most this many interaction ids are remembered. At the default window
/// that is over 300 interactions a second on one replica; past it the oldest
/// are forgotten first (and a warning logged), leaving the window alone to
/// refuse their replays.
const MAX_REMEMBERED: usize = 200_000;

/// Why a request was refused as a replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The signed timestamp is outside the window.
    Stale,
    /// This interaction was answered already.
    Seen,
}

impl Refused {
    /// The reason given in the 401 body and the log line.
    pub fn reason(self) -> &'static str {
        match self {
            Refused::Stale => "request timestamp outside the accepted window (replay?)",
            Refused::Seen => "interaction already answered (replay)",
        }
    }
}

/// The timestamp window and the set of interactions already answered.
#[derive(Debug)]
pub struct ReplayGuard {
    window: Duration,
    hasher: RandomState,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    keys: HashSet<u64>,
    /// Insertion order with each entry's expiry; expiries only grow, since
    /// every entry lives the same time from its insertion.
    order: VecDeque<(Instant, u64)>,
    warned: bool,
}

impl ReplayGuard {
    /// A guard accepting timestamps within `window` of now.
    pub fn new(window: Duration) -> ReplayGuard {
        ReplayGuard {
            window,
            hasher: RandomState::new(),
            seen: Mutex::new(Seen::default()),
        }
    }

    /// The window in force.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Checks the signed timestamp (Unix seconds, already known to be
    /// digits) against the clock.
    pub fn check_timestamp(&self, timestamp: &str) -> Result<(), Refused> {
        self.check_timestamp_at(timestamp, SystemTime::now())
    }

    fn check_timestamp_at(&self, timestamp: &str, now: SystemTime) -> Result<(), Refused> {
        let Ok(sent) = timestamp.parse::<u64>() else {
            return Err(Refused::Stale);
        };
        let now = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if now.abs_diff(sent) <= self.window.as_secs() {
            Ok(())
        } else {
            Err(Refused::Stale)
        }
    }

    /// Records a verified request; `Err(Seen)` when it was recorded before.
    /// The key is the interaction's id, or the signed message itself for a
    /// body without one.
    pub fn first_time(
        &self,
        id: Option<&str>,
        timestamp: &str,
        body: &[u8],
    ) -> Result<(), Refused> {
        let key = match id {
            Some(id) => self.hasher.hash_one(("id", id)),
            None => self.hasher.hash_one(("message", timestamp, body)),
        };
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        while seen.order.front().is_some_and(|(expiry, _)| *expiry <= now) {
            if let Some((_, old)) = seen.order.pop_front() {
                seen.keys.remove(&old);
            }
        }
        if !seen.keys.insert(key) {
            return Err(Refused::Seen);
        }
        // A timestamp may be a window ahead of us and is accepted until a
        // window after it: remember the id for two windows. A window so wide
        // that this overflows means "for the life of the process".
        let expiry = now
            .checked_add(self.window.saturating_mul(2))
            .unwrap_or(now + Duration::from_secs(100 * 365 * 86_400));
        seen.order.push_back((expiry, key));
        if seen.order.len() > MAX_REMEMBERED {
            if let Some((_, old)) = seen.order.pop_front() {
                seen.keys.remove(&old);
            }
            if !seen.warned {
                seen.warned = true;
                tracing::warn!(
                    remembered = MAX_REMEMBERED,
                    "replay cache full: forgetting the oldest interaction ids early"
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_outside_the_window_are_stale() {
        let guard = ReplayGuard::new(Duration::from_secs(300));
        let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let at = |t: u64| guard.check_timestamp_at(&t.to_string(), now);
        assert_eq!(at(1_800_000_000), Ok(()));
        assert_eq!(at(1_800_000_000 - 300), Ok(()));
        assert_eq!(at(1_800_000_000 + 300), Ok(()));
        assert_eq!(at(1_800_000_000 - 301), Err(Refused::Stale));
        assert_eq!(at(1_800_000_000 + 301), Err(Refused::Stale));
        assert_eq!(at(1_700_000_000), Err(Refused::Stale));
        assert_eq!(
            guard.check_timestamp_at("99999999999999999999", now),
            Err(Refused::Stale)
        );
    }

    #[test]
    fn an_interaction_is_accepted_once() {
        let guard = ReplayGuard::new(Duration::from_secs(300));
        assert_eq!(guard.first_time(Some("1"), "1", b"a"), Ok(()));
        assert_eq!(guard.first_time(Some("1"), "2", b"b"), Err(Refused::Seen));
        assert_eq!(guard.first_time(Some("2"), "1", b"a"), Ok(()));
        // Without an id, the signed message is the key.
        assert_eq!(guard.first_time(None, "1", b"a"), Ok(()));
        assert_eq!(guard.first_time(None, "1", b"a"), Err(Refused::Seen));
        assert_eq!(guard.first_time(None, "2", b"a"), Ok(()));
    }

    #[test]
    fn ids_are_forgotten_after_two_windows() {
        let guard = ReplayGuard::new(Duration::from_millis(20));
        assert_eq!(guard.first_time(Some("1"), "1", b""), Ok(()));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(guard.first_time(Some("2"), "1", b""), Ok(()));
        assert_eq!(guard.seen.lock().unwrap().keys.len(), 1);
        assert_eq!(guard.first_time(Some("1"), "1", b""), Ok(()));
    }

    #[test]
    fn a_huge_window_does_not_overflow() {
        let guard = ReplayGuard::new(Duration::from_secs(u64::MAX));
        assert_eq!(guard.first_time(Some("1"), "1", b""), Ok(()));
        assert_eq!(guard.first_time(Some("1"), "1", b""), Err(Refused::Seen));
    }
}
