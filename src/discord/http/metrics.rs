//! Metrics of the HTTP interactions endpoint, in Prometheus' text exposition
//! format (version 0.0.4), kept by hand with atomics.
//!
//! Owned by the HTTP transport: every interaction request is counted once,
//! by command and outcome, and timed into one latency histogram; questions
//! also count as answered or not. The set of command labels is fixed when
//! the server starts (from the configured commands), so a request naming an
//! unknown command cannot grow the label space: it is counted as `unknown`.
//! Counting is lock-free because it happens on every request; rendering
//! walks the same fixed tables in sorted order, so the output is stable.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::config::Config;

/// The label for a request rejected before its command could be read.
pub const NO_COMMAND: &str = "none";

/// Upper bounds of the latency buckets, in seconds. Fine-grained below 10 ms
/// where this endpoint lives, up to Discord's 3-second answer deadline.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The tiers an answer can rest on, as votes are counted.
pub const TIERS: [&str; 3] = ["facts", "quotes", "none"];

/// Labels counted besides the commands: `/help` and the buttons.
const EXTRA_LABELS: [&str; 4] = ["help", "button:sources", "button:more", "button:feedback"];

/// How a request ended, as far as metrics are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Handled and answered with an interaction response.
    Ok,
    /// A command refused by the per-user cooldown.
    Cooldown,
    /// Missing, malformed or wrong signature (401).
    Unauthorized,
    /// Body over the configured limit (413).
    TooLarge,
    /// Signed, but not an interaction, or the body could not be read (400, 408).
    BadRequest,
}

impl Verdict {
    const ALL: [Verdict; 5] = [
        Verdict::Ok,
        Verdict::Cooldown,
        Verdict::Unauthorized,
        Verdict::TooLarge,
        Verdict::BadRequest,
    ];

    /// The `outcome` label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Cooldown => "cooldown",
            Verdict::Unauthorized => "unauthorized",
            Verdict::TooLarge => "too_large",
            Verdict::BadRequest => "bad_request",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// All counters of one server.
#[derive(Debug)]
pub struct Metrics {
    /// Command labels, sorted; the index is the row in the tables below.
    labels: Vec<String>,
    index: HashMap<String, usize>,
    unknown: usize,
    requests: Vec<[AtomicU64; Verdict::ALL.len()]>,
    /// Per label: [answered, unanswered].
    questions: Vec<[AtomicU64; 2]>,
    /// Per label, per tier ([`TIERS`]): [👍, 👎] votes on its answers.
    feedback: Vec<[[AtomicU64; 2]; TIERS.len()]>,
    latency: Histogram,
}

impl Metrics {
    /// Counters for the commands of `config` (plus `ask`, `ping`, `unknown`
    /// and `none`, and the autocomplete of every command).
    pub fn new(config: &Config) -> Metrics {
        let mut labels: Vec<String> = vec![NO_COMMAND.into(), "ping".into(), "unknown".into()];
        // `ask` is answered even when the config does not list it (see
        // `discord::handle_interaction`).
        let names = config
            .commands
            .iter()
            .map(|c| c.name.as_str())
            .chain(std::iter::once("ask"));
        for name in names {
            labels.push(name.to_string());
            labels.push(format!("{name}:autocomplete"));
        }
        labels.extend(EXTRA_LABELS.iter().map(|l| l.to_string()));
        labels.sort();
        labels.dedup();
        let index: HashMap<String, usize> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.clone(), i))
            .collect();
        let unknown = index["unknown"];
        Metrics {
            requests: labels.iter().map(|_| Default::default()).collect(),
            questions: labels.iter().map(|_| Default::default()).collect(),
            feedback: labels.iter().map(|_| Default::default()).collect(),
            labels,
            index,
            unknown,
            latency: Histogram::default(),
        }
    }

    /// The label a command is counted under: itself when known, else `unknown`.
    pub fn label<'a>(&'a self, command: &str) -> &'a str {
        &self.labels[self.row(command)]
    }

    fn row(&self, command: &str) -> usize {
        self.index.get(command).copied().unwrap_or(self.unknown)
    }

    /// Counts one request.
    pub fn record(
        &self,
        command: &str,
        verdict: Verdict,
        answered: Option<bool>,
        latency: Duration,
    ) {
        let row = self.row(command);
        self.requests[row][verdict.index()].fetch_add(1, Ordering::Relaxed);
        if let Some(answered) = answered {
            self.questions[row][usize::from(!answered)].fetch_add(1, Ordering::Relaxed);
        }
        self.latency.observe(latency);
    }

    /// Counts a 👍 (`up`) or 👎 on an answer of `command` in `tier`.
    pub fn vote(&self, command: &str, tier: &str, up: bool) {
        let t = TIERS
            .iter()
            .position(|x| *x == tier)
            .unwrap_or(TIERS.len() - 1);
        self.feedback[self.row(command)][t][usize::from(!up)].fetch_add(1, Ordering::Relaxed);
    }

    /// Votes counted so far for a command, tier and direction.
    pub fn votes(&self, command: &str, tier: &str, up: bool) -> u64 {
        let t = TIERS
            .iter()
            .position(|x| *x == tier)
            .unwrap_or(TIERS.len() - 1);
        self.feedback[self.row(command)][t][usize::from(!up)].load(Ordering::Relaxed)
    }

    /// Requests counted so far for a command label and outcome.
    pub fn requests(&self, command: &str, verdict: Verdict) -> u64 {
        self.requests[self.row(command)][verdict.index()].load(Ordering::Relaxed)
    }

    /// The exposition text. `articles` and `facts` are reported as gauges.
    /// Series that are still zero are left out, which keeps the page short
    /// (most command/outcome pairs never happen).
    pub fn render(&self, articles: usize, facts: usize) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("# HELP factdesk_articles Articles loaded.\n# TYPE factdesk_articles gauge\n");
        let _ = writeln!(out, "factdesk_articles {articles}");
        out.push_str(
            "# HELP factdesk_facts Facts in the fact table.\n# TYPE factdesk_facts gauge\n",
        );
        let _ = writeln!(out, "factdesk_facts {facts}");

        out.push_str(
            "# HELP factdesk_requests_total Interaction requests by command and outcome.\n\
             # TYPE factdesk_requests_total counter\n",
        );
        for (label, row) in self.labels.iter().zip(&self.requests) {
            for v in Verdict::ALL {
                let n = row[v.index()].load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "factdesk_requests_total{{command=\"{}\",outcome=\"{}\"}} {n}",
                        escape(label),
                        v.as_str()
                    );
                }
            }
        }

        out.push_str(
            "# HELP factdesk_questions_total Commands and questions, by whether the articles answered them.\n\
             # TYPE factdesk_questions_total counter\n",
        );
        for (label, row) in self.labels.iter().zip(&self.questions) {
            for (i, answered) in ["true", "false"].iter().enumerate() {
                let n = row[i].load(Ordering::Relaxed);
                if n > 0 {
                    let _ = writeln!(
                        out,
                        "factdesk_questions_total{{command=\"{}\",answered=\"{answered}\"}} {n}",
                        escape(label)
                    );
                }
            }
        }

        out.push_str(
            "# HELP factdesk_feedback_total Votes on answers (the thumbs under each), by command, tier and vote.\n\
             # TYPE factdesk_feedback_total counter\n",
        );
        for (label, row) in self.labels.iter().zip(&self.feedback) {
            for (tier, votes) in TIERS.iter().zip(row) {
                for (i, vote) in ["up", "down"].iter().enumerate() {
                    let n = votes[i].load(Ordering::Relaxed);
                    if n > 0 {
                        let _ = writeln!(
                            out,
                            "factdesk_feedback_total{{command=\"{}\",tier=\"{tier}\",vote=\"{vote}\"}} {n}",
                            escape(label)
                        );
                    }
                }
            }
        }

        self.latency.render(&mut out);
        out
    }
}

/// A fixed-bucket latency histogram.
#[derive(Debug, Default)]
struct Histogram {
    /// Per bucket (not cumulative), the last one is +Inf.
    buckets: [AtomicU64; LATENCY_BUCKETS.len() + 1],
    sum_nanos: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = LATENCY_BUCKETS
            .iter()
            .position(|&b| secs <= b)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        self.sum_nanos.fetch_add(
            u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String) {
        out.push_str(
            "# HELP factdesk_request_duration_seconds Time from request to response, interaction requests.\n\
             # TYPE factdesk_request_duration_seconds histogram\n",
        );
        // Prometheus buckets are cumulative; they are stored per bucket so
        // that `observe` touches one counter.
        let mut cumulative = 0;
        for (i, bucket) in self.buckets.iter().enumerate() {
            cumulative += bucket.load(Ordering::Relaxed);
            let le = LATENCY_BUCKETS
                .get(i)
                .map_or("+Inf".to_string(), |b| b.to_string());
            let _ = writeln!(
                out,
                "factdesk_request_duration_seconds_bucket{{le=\"{le}\"}} {cumulative}"
            );
        }
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(out, "factdesk_request_duration_seconds_sum {sum}");
        // The count is the +Inf bucket by definition; reading it from the
        // buckets keeps the two equal even while requests are being counted.
        let _ = writeln!(out, "factdesk_request_duration_seconds_count {cumulative}");
    }
}

/// Label values are command names (Discord's rules keep them plain), but the
/// format requires escaping, so it is done anyway.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "[story]\ntitle = \"t\"\nactor = \"Acme\"\n\
             [[command]]\nname = \"status\"\ndescription = \"d\"\nanswer = \"status\"\n",
        )
        .unwrap()
    }

    #[test]
    fn exposition_lists_counted_series_in_order() {
        let m = Metrics::new(&config());
        m.record(
            "status",
            Verdict::Ok,
            Some(true),
            Duration::from_micros(300),
        );
        m.record("status", Verdict::Ok, Some(false), Duration::from_millis(3));
        m.record(
            "status",
            Verdict::Cooldown,
            None,
            Duration::from_micros(100),
        );
        m.record(
            NO_COMMAND,
            Verdict::Unauthorized,
            None,
            Duration::from_secs(5),
        );
        m.record(
            "no-such-command:autocomplete",
            Verdict::Ok,
            None,
            Duration::from_micros(700),
        );
        m.vote("status", "facts", true);
        m.vote("status", "facts", true);
        m.vote("status", "none", false);
        m.vote("no-such-command", "facts", false);
        let expected = "\
# HELP factdesk_articles Articles loaded.
# TYPE factdesk_articles gauge
factdesk_articles 2
# HELP factdesk_facts Facts in the fact table.
# TYPE factdesk_facts gauge
factdesk_facts 7
# HELP factdesk_requests_total Interaction requests by command and outcome.
# TYPE factdesk_requests_total counter
factdesk_requests_total{command=\"none\",outcome=\"unauthorized\"} 1
factdesk_requests_total{command=\"status\",outcome=\"ok\"} 2
factdesk_requests_total{command=\"status\",outcome=\"cooldown\"} 1
factdesk_requests_total{command=\"unknown\",outcome=\"ok\"} 1
# HELP factdesk_questions_total Commands and questions, by whether the articles answered them.
# TYPE factdesk_questions_total counter
factdesk_questions_total{command=\"status\",answered=\"true\"} 1
factdesk_questions_total{command=\"status\",answered=\"false\"} 1
# HELP factdesk_feedback_total Votes on answers (the thumbs under each), by command, tier and vote.
# TYPE factdesk_feedback_total counter
factdesk_feedback_total{command=\"status\",tier=\"facts\",vote=\"up\"} 2
factdesk_feedback_total{command=\"status\",tier=\"none\",vote=\"down\"} 1
factdesk_feedback_total{command=\"unknown\",tier=\"facts\",vote=\"down\"} 1
# HELP factdesk_request_duration_seconds Time from request to response, interaction requests.
# TYPE factdesk_request_duration_seconds histogram
factdesk_request_duration_seconds_bucket{le=\"0.0005\"} 2
factdesk_request_duration_seconds_bucket{le=\"0.001\"} 3
factdesk_request_duration_seconds_bucket{le=\"0.0025\"} 3
factdesk_request_duration_seconds_bucket{le=\"0.005\"} 4
factdesk_request_duration_seconds_bucket{le=\"0.01\"} 4
factdesk_request_duration_seconds_bucket{le=\"0.025\"} 4
factdesk_request_duration_seconds_bucket{le=\"0.05\"} 4
factdesk_request_duration_seconds_bucket{le=\"0.1\"} 4
factdesk_request_duration_seconds_bucket{le=\"0.25\"} 4
factdesk_request_duration_seconds_bucket{le=\"0.5\"} 4
factdesk_request_duration_seconds_bucket{le=\"1\"} 4
factdesk_request_duration_seconds_bucket{le=\"2.5\"} 4
factdesk_request_duration_seconds_bucket{le=\"+Inf\"} 5
factdesk_request_duration_seconds_sum 5.0041
factdesk_request_duration_seconds_count 5
";
        let got = m.render(2, 7);
        assert_eq!(
            got, expected,
            "\n--- got ---\n{got}\n--- expected ---\n{expected}"
        );
    }

    #[test]
    fn unknown_commands_share_one_label() {
        let m = Metrics::new(&config());
        assert_eq!(m.label("status"), "status");
        assert_eq!(m.label("ask:autocomplete"), "ask:autocomplete");
        assert_eq!(m.label("drop table"), "unknown");
    }
}
