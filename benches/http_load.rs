//! Load benchmark of the HTTP interactions endpoint on loopback.
//!
//! Starts the real server in-process on 127.0.0.1:0, then sends signed slash
//! commands from several keep-alive connections and prints throughput,
//! latency percentiles (client side, request sent to body read) and the
//! process' memory. Bounded in requests and in time; every response is
//! checked. Bodies are signed before the clock starts, as Discord signs on
//! its side: the server's verification is measured, the client's signing is
//! not. Every request is a new interaction (its own id, a current
//! timestamp), as the endpoint refuses replays.
//!
//! Then two abuse phases, on a server with short timeouts, each reporting
//! the process' memory before, during and after:
//!
//! - *idle*: `FACTDESK_BENCH_IDLE` (4000) keep-alive connections make one
//!   request each and then sit idle until the idle timeout closes them;
//! - *slow headers*: `FACTDESK_BENCH_SLOW` (200) connections send headers a
//!   few bytes at a time while signed commands are timed on another
//!   connection; the header timeout closes the slow ones.
//!
//! ```text
//! cargo bench --bench http_load
//! FACTDESK_BENCH_REQUESTS=50000 FACTDESK_BENCH_CONNECTIONS=16 cargo bench --bench http_load
//! ```
//!
//! Settings (environment): `FACTDESK_BENCH_REQUESTS` (20000),
//! `FACTDESK_BENCH_IDLE` (4000), `FACTDESK_BENCH_SLOW` (200),
//! `FACTDESK_BENCH_CONNECTIONS` (8), `FACTDESK_BENCH_SECONDS` (60, a hard
//! stop), `FACTDESK_BENCH_THREADS` (server and client worker threads, the
//! number of cores), `FACTDESK_CONFIG` / `FACTDESK_STORY` /
//! `FACTDESK_CORPUS` (default: the test fixtures in tests/fixtures/http,
//! cooldown off).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use ed25519_dalek::{Signer as _, SigningKey};
use factdesk::config::Secret;
use factdesk::discord::http::{serve_on, Endpoint, Options, PublicKey, Verdict};
use factdesk::Engine;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// RFC 8032 section 7.1 TEST 1 (a published test vector, never a real key).
const SECRET_KEY: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const PUBLIC_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const WARMUP: usize = 1000;
/// Timeouts of the abuse phases' server, short so the bench stays short.
const ABUSE_HEADER_TIMEOUT: Duration = Duration::from_secs(2);
const ABUSE_IDLE_TIMEOUT: Duration = Duration::from_secs(3);

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
    let story = std::env::var_os("FACTDESK_STORY").map(PathBuf::from);
    let engine = Arc::new(
        Engine::load_story(Some(&config), story.as_deref(), Some(&corpus)).expect("engine loads"),
    );
    let key = PublicKey::from_hex(&Secret::new(PUBLIC_KEY)).expect("test key");
    let mut options = Options::from_config(engine.config());
    // Every request would otherwise be a "slow down" after the first.
    options.cooldown = Duration::ZERO;
    let endpoint = Arc::new(Endpoint::new(engine.clone(), key, options));

    let idle: usize = env_or("FACTDESK_BENCH_IDLE", 4000);
    let slow: usize = env_or("FACTDESK_BENCH_SLOW", 200);
    let signer = Interactions::new(&engine);
    let pool = signer.sign(WARMUP.min(requests) + requests);
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

        let warm = WARMUP.min(requests);
        let _ = run(&url, &pool, 0..warm, connections, limit).await;
        let report = run(&url, &pool, warm..warm + requests, connections, limit).await;

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
        drop(pool);

        abuse(&engine, &signer, idle, slow).await;
    });
}

/// One pre-signed request.
struct Signed {
    command: String,
    /// Shared, not copied, by every request that sends it.
    body: Bytes,
    signature: String,
    timestamp: String,
}

/// Signs interactions as Discord would: each its own id and user, stamped
/// with the current time.
struct Interactions {
    key: SigningKey,
    template: Value,
    command: String,
    next: AtomicUsize,
}

impl Interactions {
    fn new(engine: &Engine) -> Interactions {
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
        Interactions {
            key: SigningKey::from_bytes(&unhex(SECRET_KEY)),
            template: template(),
            command: command.to_string(),
            next: AtomicUsize::new(0),
        }
    }

    fn sign(&self, n: usize) -> Vec<Signed> {
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        (0..n)
            .map(|_| {
                let i = self.next.fetch_add(1, Ordering::Relaxed) as u64;
                let mut d = self.template.clone();
                d["id"] = json!(format!("{}", 1_200_000_000_000_000_000u64 + i));
                d["data"]["name"] = json!(self.command);
                d["data"]["options"] = json!([]);
                // 256 users, cycled (the cooldown is off).
                d["member"]["user"]["id"] =
                    json!(format!("{}", 900_000_000_000_000_000u64 + i % 256));
                let body: Vec<u8> = d.to_string().into_bytes();
                let message = [timestamp.as_bytes(), &body].concat();
                let signature = hex(&self.key.sign(&message).to_bytes());
                Signed {
                    command: self.command.clone(),
                    body: body.into(),
                    signature,
                    timestamp: timestamp.clone(),
                }
            })
            .collect()
    }
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
    range: std::ops::Range<usize>,
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
        let (pool, next, range) = (pool.clone(), next.clone(), range.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(range.len() / connections + 1);
            let mut failed = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= range.len() || Instant::now() > deadline {
                    break;
                }
                let req = &pool[range.start + i];
                let t = Instant::now();
                let result = client
                    .post(url.clone())
                    .header("content-type", "application/json")
                    .header("x-signature-ed25519", &req.signature)
                    .header("x-signature-timestamp", &req.timestamp)
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
    let mut latencies_us = Vec::with_capacity(range.len());
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

// ---------------------------------------------------------------------------
// Abuse: idle keep-alive connections and slow headers

/// Both abuse phases on a server of their own: short timeouts, and a cap
/// above the idle phase's connection count so the idle timeout (not the cap)
/// is what frees them.
async fn abuse(engine: &Arc<Engine>, signer: &Interactions, idle: usize, slow: usize) {
    let key = PublicKey::from_hex(&Secret::new(PUBLIC_KEY)).expect("test key");
    let mut options = Options::from_config(engine.config());
    options.cooldown = Duration::ZERO;
    options.header_read_timeout = ABUSE_HEADER_TIMEOUT;
    options.idle_timeout = ABUSE_IDLE_TIMEOUT;
    options.max_connections = idle + slow + 64;
    let endpoint = Arc::new(Endpoint::new(engine.clone(), key, options));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_on(listener, endpoint, async {
        let _ = stopped.await;
    }));

    println!();
    idle_phase(&addr, idle).await;
    println!();
    slow_phase(&addr, signer, slow).await;

    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(15), server).await;
}

/// `n` keep-alive connections, one request each, then idle.
async fn idle_phase(addr: &str, n: usize) {
    let before = memory().0;
    let opened = Instant::now();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(n.max(1));
    let mut clients = Vec::with_capacity(n);
    for i in 0..n {
        let (addr, ready) = (addr.to_string(), ready_tx.clone());
        clients.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n")
                .await
                .ok()?;
            let mut buf = vec![0u8; 1024];
            let n = stream.read(&mut buf).await.ok()?;
            if !buf[..n].starts_with(b"HTTP/1.1 200 ") {
                return None;
            }
            let _ = ready.send(()).await;
            let answered = Instant::now();
            // Idle from here on; the server should close it.
            match tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => Some(answered.elapsed()),
                _ => None,
            }
        }));
        // Connect in batches, so the listen backlog never overflows.
        if i % 200 == 199 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    drop(ready_tx);
    let mut answered = 0;
    while answered < n {
        match tokio::time::timeout(Duration::from_secs(10), ready_rx.recv()).await {
            Ok(Some(())) => answered += 1,
            _ => break,
        }
    }
    let open_for = opened.elapsed();
    let during = memory().0;
    let mut closed = Vec::new();
    for c in clients {
        if let Ok(Some(d)) = c.await {
            closed.push(d);
        }
    }
    closed.sort();
    // Give the allocator a moment; freed memory is not always returned at once.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = memory().0;
    println!("idle keep-alive: {n} connections, one request each, then idle (idle timeout {ABUSE_IDLE_TIMEOUT:?})");
    println!(
        "  answered    {answered} of {n} (all open after {:.2} s)",
        open_for.as_secs_f64()
    );
    println!(
        "  closed      {} by the server, after {} .. {} idle",
        closed.len(),
        fmt_secs(closed.first()),
        fmt_secs(closed.last())
    );
    println!(
        "  memory      VmRSS {before} before, {during} with all open, {after} after they closed"
    );
    if let Some(trimmed) = trimmed_rss() {
        println!("              {trimmed} once the allocator returns its free pages (malloc_trim)");
    }
}

/// `n` slow-header connections, and signed commands timed meanwhile.
async fn slow_phase(addr: &str, signer: &Interactions, n: usize) {
    let before = memory().0;
    let started = Instant::now();
    let slow: Vec<_> = (0..n)
        .map(|_| {
            let addr = addr.to_string();
            tokio::spawn(async move {
                let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
                let t = Instant::now();
                stream
                    .write_all(b"POST /interactions HTTP/1.1\r\nhost: 127.0.0.1\r\n")
                    .await
                    .ok()?;
                let mut buf = [0u8; 512];
                while t.elapsed() < Duration::from_secs(30) {
                    tokio::select! {
                        r = stream.read(&mut buf) => match r {
                            Ok(0) | Err(_) => return Some(t.elapsed()),
                            Ok(_) => {}
                        },
                        () = tokio::time::sleep(Duration::from_millis(200)) => {
                            if stream.write_all(b"x-slow: 1\r\n").await.is_err() {
                                return Some(t.elapsed());
                            }
                        }
                    }
                }
                None
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let during = memory().0;
    // Signed commands while the slow clients hold their connections, one
    // keep-alive client, a new interaction each.
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let url = format!("http://{addr}/interactions");
    let mut latencies = Vec::new();
    let mut ok = 0;
    for req in signer.sign(50) {
        if started.elapsed() > ABUSE_HEADER_TIMEOUT - Duration::from_millis(200) {
            break;
        }
        let t = Instant::now();
        let resp = client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-signature-ed25519", &req.signature)
            .header("x-signature-timestamp", &req.timestamp)
            .body(req.body.clone())
            .send()
            .await;
        if let Ok(r) = resp {
            if r.status() == 200 && r.bytes().await.is_ok_and(|b| is_message(&b, true)) {
                ok += 1;
            }
        }
        latencies.push(t.elapsed());
    }
    let mut kept: Vec<Duration> = Vec::new();
    let mut still_open = 0;
    for s in slow {
        match s.await {
            Ok(Some(d)) => kept.push(d),
            _ => still_open += 1,
        }
    }
    kept.sort();
    latencies.sort();
    let after = memory().0;
    println!(
        "slow headers: {n} connections dripping headers (header timeout {ABUSE_HEADER_TIMEOUT:?})"
    );
    println!(
        "  signed      {ok} of {} answered during the attack; latency p50 {}, max {}",
        latencies.len(),
        fmt_ms(latencies.get(latencies.len() / 2)),
        fmt_ms(latencies.last())
    );
    println!(
        "  closed      {} by the server after {} .. {}, {still_open} still open",
        kept.len(),
        fmt_secs(kept.first()),
        fmt_secs(kept.last())
    );
    println!("  memory      VmRSS {before} before, {during} during, {after} after");
}

/// VmRSS after asking glibc to return free memory to the kernel: what the
/// closed connections really left behind, as opposed to pages the allocator
/// keeps for reuse. `None` off glibc.
fn trimmed_rss() -> Option<String> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only releases free heap memory; no pointer is
        // passed and no allocation is touched.
        unsafe {
            malloc_trim(0);
        }
        Some(memory().0)
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    None
}

fn fmt_secs(d: Option<&Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.2} s", d.as_secs_f64()))
}

fn fmt_ms(d: Option<&Duration>) -> String {
    d.map_or("-".into(), |d| format!("{:.2} ms", d.as_secs_f64() * 1e3))
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
