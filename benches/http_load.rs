//! Load benchmark of the HTTP interactions endpoint on loopback.
//!
//! Starts the real server in-process on 127.0.0.1:0, then sends signed slash
//! commands from several keep-alive connections and prints throughput,
//! latency percentiles (client side, request sent to body read) and the
//! process' memory. Bounded in requests and in time; every response is
//! checked. Bodies are signed before the clock starts, as Discord signs on
//! its side: the server's verification is measured, the client's signing is
//! not.
//!
//! ```text
//! cargo bench --bench http_load
//! FACTDESK_BENCH_REQUESTS=50000 FACTDESK_BENCH_CONNECTIONS=16 cargo bench --bench http_load
//! ```
//!
//! Settings (environment): `FACTDESK_BENCH_REQUESTS` (20000),
//! `FACTDESK_BENCH_CONNECTIONS` (8), `FACTDESK_BENCH_SECONDS` (60, a hard
//! stop), `FACTDESK_BENCH_THREADS` (server and client worker threads, the
//! number of cores), `FACTDESK_CONFIG` / `FACTDESK_CORPUS` (default: the test
//! fixtures in tests/fixtures/http, cooldown off).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use ed25519_dalek::{Signer, SigningKey};
use factdesk::config::Secret;
use factdesk::discord::http::{serve_on, Endpoint, Options, PublicKey, Verdict};
use factdesk::Engine;
use serde_json::{json, Value};

/// RFC 8032 section 7.1 TEST 1 (a published test vector, never a real key).
const SECRET_KEY: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const PUBLIC_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const TIMESTAMP: &str = "1700000000";
/// Distinct signed bodies cycled through (different users and commands).
const POOL: usize = 256;
const WARMUP: usize = 1000;

fn env_or<T: std::str::FromStr>(var: &str, default: T) -> T {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let requests: usize = env_or("FACTDESK_BENCH_REQUESTS", 20_000);
    let connections: usize = env_or("FACTDESK_BENCH_CONNECTIONS", 8).max(1);
    let limit = Duration::from_secs(env_or("FACTDESK_BENCH_SECONDS", 60));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let threads: usize = env_or("FACTDESK_BENCH_THREADS", cores).max(1);

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http");
    let config =
        std::env::var_os("FACTDESK_CONFIG").map_or(fixtures.join("config.toml"), PathBuf::from);
    let corpus = std::env::var_os("FACTDESK_CORPUS").map_or(fixtures.join("corpus"), PathBuf::from);
    let engine = Arc::new(Engine::load(Some(&config), Some(&corpus)).expect("engine loads"));
    let key = PublicKey::from_hex(&Secret::new(PUBLIC_KEY)).expect("test key");
    let mut options = Options::from_config(engine.config());
    // Every request would otherwise be a "slow down" after the first.
    options.cooldown = Duration::ZERO;
    let endpoint = Arc::new(Endpoint::new(engine.clone(), key, options));

    let pool = signed_pool(&engine);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/interactions", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_on(listener, endpoint.clone(), async {
            let _ = stopped.await;
        }));
        let pool = Arc::new(pool);

        let _ = run(&url, &pool, WARMUP.min(requests), connections, limit).await;
        let report = run(&url, &pool, requests, connections, limit).await;

        let _ = stop.send(());
        tokio::time::timeout(Duration::from_secs(15), server)
            .await
            .expect("server stops")
            .unwrap()
            .unwrap();
        let served = endpoint
            .metrics()
            .requests(endpoint.metrics().label(&pool[0].command), Verdict::Ok);
        report.print(connections, threads, &engine, served);
    });
}

/// One pre-signed request.
struct Signed {
    command: String,
    /// Shared, not copied, by every request that sends it.
    body: Bytes,
    signature: String,
}

fn signed_pool(engine: &Engine) -> Vec<Signed> {
    let key = SigningKey::from_bytes(&unhex(SECRET_KEY));
    let template = template();
    // Commands without options answer without user input; fall back to
    // every command if the config has none such.
    let mut commands: Vec<&str> = engine
        .config()
        .commands
        .iter()
        .filter(|c| c.options.is_empty())
        .map(|c| c.name.as_str())
        .collect();
    if commands.is_empty() {
        commands = engine
            .config()
            .commands
            .iter()
            .map(|c| c.name.as_str())
            .collect();
    }
    // One command only, so the served count can be read from one counter.
    let command = commands.first().copied().expect("the config has commands");
    (0..POOL)
        .map(|i| {
            let mut d = template.clone();
            d["id"] = json!(format!("{}", 1_200_000_000_000_000_000u64 + i as u64));
            d["data"]["name"] = json!(command);
            d["data"]["options"] = json!([]);
            d["member"]["user"]["id"] = json!(format!("{}", 900_000_000_000_000_000u64 + i as u64));
            let body: Vec<u8> = d.to_string().into_bytes();
            let signature = hex(&key.sign(&[TIMESTAMP.as_bytes(), &body].concat()).to_bytes());
            Signed {
                command: command.to_string(),
                body: body.into(),
                signature,
            }
        })
        .collect()
}

/// A complete slash-command interaction (the test fixture's envelope).
fn template() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/http/command_interaction_dispatch.json");
    let dispatch: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    dispatch["d"].clone()
}

struct Report {
    sent: usize,
    failed: usize,
    elapsed: Duration,
    latencies_us: Vec<u32>,
    timed_out: bool,
}

async fn run(
    url: &str,
    pool: &Arc<Vec<Signed>>,
    requests: usize,
    connections: usize,
    limit: Duration,
) -> Report {
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + limit;
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..connections {
        // One client per worker: one keep-alive connection each.
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(1)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        // Parsed once: URL parsing per request would be client cost.
        let url = reqwest::Url::parse(url).unwrap();
        let (pool, next) = (pool.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(requests / connections + 1);
            let mut failed = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests || Instant::now() > deadline {
                    break;
                }
                let req = &pool[i % pool.len()];
                let t = Instant::now();
                let result = client
                    .post(url.clone())
                    .header("content-type", "application/json")
                    .header("x-signature-ed25519", &req.signature)
                    .header("x-signature-timestamp", TIMESTAMP)
                    .body(req.body.clone())
                    .send()
                    .await;
                let ok = match result {
                    Ok(resp) if resp.status() == 200 => match resp.bytes().await {
                        Ok(b) => is_message(&b, i % 100 == 0),
                        Err(_) => false,
                    },
                    _ => false,
                };
                latencies.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                if !ok {
                    failed += 1;
                }
            }
            (latencies, failed)
        }));
    }
    let mut latencies_us = Vec::with_capacity(requests);
    let mut failed = 0;
    for w in workers {
        let (l, f) = w.await.unwrap();
        latencies_us.extend(l);
        failed += f;
    }
    let elapsed = started.elapsed();
    latencies_us.sort_unstable();
    Report {
        sent: latencies_us.len(),
        failed,
        elapsed,
        latencies_us,
        timed_out: Instant::now() > deadline,
    }
}

impl Report {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 * p).ceil() as usize)
            .clamp(1, self.latencies_us.len())
            - 1;
        f64::from(self.latencies_us[i]) / 1000.0
    }

    fn print(&self, connections: usize, threads: usize, engine: &Engine, served: u64) {
        let rate = self.sent as f64 / self.elapsed.as_secs_f64();
        let (rss, hwm) = memory();
        println!(
            "http_load: signed slash commands over {connections} keep-alive connections, loopback"
        );
        println!(
            "  engine      {} article(s), {} fact(s); server and client share {threads} worker thread(s)",
            engine.articles().len(),
            engine.facts().len()
        );
        println!(
            "  requests    {} sent, {} failed; server counted {} ok (warm-up included){}",
            self.sent,
            self.failed,
            served,
            if self.timed_out {
                " (stopped at the time limit)"
            } else {
                ""
            }
        );
        println!("  time        {:.3} s", self.elapsed.as_secs_f64());
        println!("  throughput  {rate:.0} requests/s");
        println!(
            "  latency     p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            self.percentile(0.50),
            self.percentile(0.90),
            self.percentile(0.99),
            self.percentile(1.0)
        );
        println!("  memory      VmRSS {rss}, VmHWM {hwm} (whole process: server and client)");
    }
}

/// Whether a response body is a type 4 interaction response (a message).
/// Every response gets a byte check (serde_json writes keys in order, so
/// `"type"` comes last); every hundredth is parsed in full, which would
/// otherwise cost the client as much CPU as the server spends.
fn is_message(body: &[u8], parse: bool) -> bool {
    let shape = body.starts_with(b"{\"data\":{") && body.ends_with(b"\"type\":4}");
    shape
        && (!parse
            || serde_json::from_slice::<Value>(body)
                .is_ok_and(|v| v["type"] == 4 && v["data"]["embeds"][0].is_object()))
}

/// VmRSS and VmHWM from /proc/self/status ("?" where there is no /proc).
fn memory() -> (String, String) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map_or("?".to_string(), |v| v.trim().to_string())
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}
