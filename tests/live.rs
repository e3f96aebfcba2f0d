//! The live corpus: files added, changed, removed and broken in a temporary
//! corpus folder reach the answers without a restart, re-extracting only
//! what changed; and a running HTTP endpoint on 127.0.0.1:0 cites a file
//! added after it started.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use factdesk::discord::http::{serve_on, Endpoint, Options, PublicKey};
use factdesk::live::{self, Corpus, Shared};
use serde_json::{json, Value};

/// The fixture story of Adobe's bid for Figma (the embedded language file
/// with its story file): two articles at start, the third arrives later.
fn story() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stories/adobe-figma")
}

fn article(name: &str) -> String {
    std::fs::read_to_string(story().join("articles").join(name)).unwrap()
}

const ADDED: &str = "03_deal_called_off.txt";

/// The time a change may take to reach the answers: 2 s as shipped
/// (release build); unoptimised test builds tag words ~20x slower.
const BUDGET: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(30)
} else {
    Duration::from_secs(2)
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http")
}

/// A fresh folder holding the first two articles.
fn temp_corpus(label: &str) -> PathBuf {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "factdesk-live-{}-{label}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["01_deal_announced.txt", "02_regulators_weigh_in.md"] {
        std::fs::write(dir.join(name), article(name)).unwrap();
    }
    dir
}

fn open(dir: &Path) -> Corpus {
    let mut c = Corpus::open(None, Some(&story().join("story.toml")), dir).unwrap();
    c.refresh().unwrap();
    c
}

fn sources(engine: &factdesk::Engine) -> Vec<String> {
    engine.articles().iter().map(|a| a.id.clone()).collect()
}

fn cited(engine: &factdesk::Engine, file: &str) -> bool {
    engine
        .facts()
        .to_json()
        .to_string()
        .contains(&format!("\"source\":\"{file}\""))
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[test]
fn added_changed_removed_and_broken_files_reach_the_table_extracting_only_them() {
    let dir = temp_corpus("cycle");
    let mut corpus = open(&dir);
    let first = corpus.engine().unwrap();
    assert_eq!(
        sources(&first),
        ["01_deal_announced.txt", "02_regulators_weigh_in.md"]
    );
    assert_eq!(corpus.stats().extracted, 2);

    // Nothing changed: nothing read, nothing extracted.
    assert!(corpus.refresh().unwrap().is_empty());
    corpus.engine().unwrap();
    assert_eq!((corpus.stats().reused, corpus.stats().extracted), (2, 0));

    // Added.
    write(&dir.join(ADDED), &article(ADDED));
    let changes = corpus.refresh().unwrap();
    assert_eq!(changes.added, [ADDED]);
    let second = corpus.engine().unwrap();
    assert_eq!(
        sources(&second),
        ["01_deal_announced.txt", "02_regulators_weigh_in.md", ADDED]
    );
    assert!(cited(&second, ADDED), "{}", second.facts().to_text());
    // The new article, and an old one only if it names something the new
    // one taught the corpus.
    assert!(corpus.stats().reused >= 1, "{:?}", corpus.stats());

    // Changed.
    write(
        &dir.join(ADDED),
        &article(ADDED).replace("$1 billion", "$2 billion"),
    );
    let changes = corpus.refresh().unwrap();
    assert_eq!(changes.changed, [ADDED]);
    let third = corpus.engine().unwrap();
    assert!(third.facts().to_text().contains("$2 billion"));
    assert_eq!(corpus.stats().extracted, 1);

    // Broken (a new binary file): reported, skipped, the rest serves.
    std::fs::write(dir.join("junk.txt"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    let changes = corpus.refresh().unwrap();
    assert_eq!(changes.broken, ["junk.txt"]);
    let fourth = corpus.engine().unwrap();
    assert_eq!(
        sources(&fourth),
        ["01_deal_announced.txt", "02_regulators_weigh_in.md", ADDED]
    );
    assert_eq!(fourth.problems().len(), 1);
    assert_eq!(corpus.stats().extracted, 0);

    // A good file turning bad keeps its last good version.
    std::fs::write(dir.join(ADDED), "").unwrap();
    let changes = corpus.refresh().unwrap();
    assert_eq!(changes.broken, [ADDED]);
    let fifth = corpus.engine().unwrap();
    assert!(cited(&fifth, ADDED));

    // Removed.
    std::fs::remove_file(dir.join(ADDED)).unwrap();
    let changes = corpus.refresh().unwrap();
    assert_eq!(changes.removed, [ADDED]);
    let sixth = corpus.engine().unwrap();
    assert_eq!(
        sources(&sixth),
        ["01_deal_announced.txt", "02_regulators_weigh_in.md"]
    );
    assert!(!cited(&sixth, ADDED));
    assert_eq!(
        first.facts().to_json(),
        sixth.facts().to_json(),
        "back to the first table"
    );

    // Every article gone: an error, and the caller keeps its table.
    std::fs::remove_file(dir.join("01_deal_announced.txt")).unwrap();
    std::fs::remove_file(dir.join("02_regulators_weigh_in.md")).unwrap();
    corpus.refresh().unwrap();
    assert!(corpus.engine().is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_live_table_equals_a_fresh_build_of_the_same_folder() {
    let dir = temp_corpus("same");
    let mut corpus = open(&dir);
    corpus.engine().unwrap();
    write(&dir.join(ADDED), &article(ADDED));
    corpus.refresh().unwrap();
    let live = corpus.engine().unwrap();
    let fresh =
        factdesk::Engine::load_story(None, Some(&story().join("story.toml")), Some(&dir)).unwrap();
    assert_eq!(live.facts().to_json(), fresh.facts().to_json());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_watcher_swaps_in_a_table_citing_a_new_file() {
    let dir = temp_corpus("watch");
    let mut corpus = open(&dir);
    let shared = Arc::new(Shared::from(corpus.engine().unwrap()));
    let _watch = live::watch(corpus, &shared, Duration::from_millis(50), None);
    write(&dir.join(ADDED), &article(ADDED));
    let started = Instant::now();
    while !cited(&shared.load(), ADDED) {
        assert!(started.elapsed() < BUDGET, "not within {BUDGET:?}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// --- a running endpoint ---------------------------------------------------

fn unhex<const N: usize>(s: &str) -> [u8; N] {
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn vectors() -> Value {
    let text =
        std::fs::read_to_string(fixtures().join("signed_ping_vectors_rfc8032.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn command(name: &str, options: Value, id: u64) -> Value {
    let text =
        std::fs::read_to_string(fixtures().join("command_interaction_dispatch.json")).unwrap();
    let mut d: Value = serde_json::from_str::<Value>(&text).unwrap()["d"].clone();
    d["id"] = json!(id.to_string());
    d["data"]["name"] = json!(name);
    d["data"]["options"] = options;
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_endpoint_cites_a_file_added_after_start() {
    let dir = temp_corpus("serve");
    let mut corpus = open(&dir);
    let shared = Arc::new(Shared::from(corpus.engine().unwrap()));
    let _watch = live::watch(corpus, &shared, Duration::from_millis(500), None);
    let v = vectors();
    let signing = SigningKey::from_bytes(&unhex::<32>(
        v["private_key_hex_TEST_ONLY"].as_str().unwrap(),
    ));
    let key = PublicKey::from_hex(&factdesk::config::Secret::new(
        v["public_key_hex"].as_str().unwrap().to_string(),
    ))
    .unwrap();
    let mut options = Options::from_config(shared.load().config());
    options.cooldown = Duration::ZERO;
    let endpoint = Arc::new(Endpoint::live(shared.clone(), key, options));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/interactions", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_on(listener, endpoint, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut id = 1_400_000_000_000_000_000u64;
    let mut ask = || {
        id += 1;
        let body = serde_json::to_vec(&command(
            "ask",
            json!([{"name": "question", "type": 3, "value": "Who ended the deal?"}]),
            id,
        ))
        .unwrap();
        let ts = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let sig: String = signing
            .sign(&[ts.as_bytes(), &body].concat())
            .to_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        client
            .post(&url)
            .header("content-type", "application/json")
            .header("x-signature-ed25519", sig)
            .header("x-signature-timestamp", ts)
            .body(body)
            .send()
    };
    let before: Value = ask().await.unwrap().json().await.unwrap();
    assert!(!before.to_string().contains("no clear path"), "{before:#}");

    write(&dir.join(ADDED), &article(ADDED));
    let landed = Instant::now();
    loop {
        let got: Value = ask().await.unwrap().json().await.unwrap();
        if got.to_string().contains("no clear path") {
            break;
        }
        assert!(
            landed.elapsed() < BUDGET,
            "no answer cites the new file within {BUDGET:?}: {got:#}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "file landing to first answer citing it: {} ms",
        landed.elapsed().as_millis()
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_diff_names_new_facts_and_sources_with_citations_and_whats_new_answers_it() {
    use factdesk::live::diff::{self, Kind};
    let dir = temp_corpus("diff");
    let mut corpus = open(&dir);
    let before = corpus.engine().unwrap();
    write(&dir.join(ADDED), &article(ADDED));
    let changes = corpus.refresh().unwrap();
    let mut after = corpus.engine().unwrap();
    let d = diff::diff(&before, &after, &changes, diff::now());
    assert!(d.matters());
    let new: Vec<_> = d
        .changes
        .iter()
        .filter(|c| c.kind == Kind::NewFact)
        .collect();
    assert!(!new.is_empty(), "{d:#?}");
    assert!(new
        .iter()
        .all(|c| c.citations.iter().all(|x| x.source == ADDED)));
    // Nothing changed: nothing to say.
    let same = diff::diff(&after, &after, &Default::default(), diff::now());
    assert!(!same.matters(), "{same:#?}");

    after.record(&before, Some(d));
    let ask = |q: &str| after.answer(&after.parse_request(q));
    let all = ask("/whats-new");
    assert!(all.answered && !all.items.is_empty(), "{all:#?}");
    assert!(all.citations.iter().any(|c| c.source == ADDED));
    let recent = ask("/whats-new since:1h");
    assert_eq!(recent.items.len(), all.items.len());
    let future = ask("/whats-new since:2999-01-01");
    assert!(future.items.is_empty() && future.headline.starts_with("Nothing new"));
    let bad = ask("/whats-new since:yesterdayish");
    assert!(!bad.answered && !bad.hints.is_empty(), "{bad:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_restart_with_the_disk_cache_extracts_nothing_and_builds_the_same_table() {
    let dir = temp_corpus("cache");
    let path = live::cache::path_for(&dir);
    let mut first = open(&dir);
    assert_eq!(first.use_cache(&path, true), 0);
    let built = first.engine().unwrap();
    assert_eq!(first.save_cache(), Some(2));

    // A replica: reads the cache, writes nothing, extracts nothing.
    let mut replica = Corpus::open(None, Some(&story().join("story.toml")), &dir).unwrap();
    assert_eq!(replica.use_cache(&path, false), 2);
    replica.refresh().unwrap();
    let loaded = replica.engine().unwrap();
    assert_eq!(replica.stats().extracted, 0, "{:?}", replica.stats());
    assert_eq!(built.facts().to_json(), loaded.facts().to_json());
    assert_eq!(sources(&loaded), sources(&built), "the cache is no article");

    // One new file: only what it touches is extracted.
    write(&dir.join(ADDED), &article(ADDED));
    replica.refresh().unwrap();
    replica.engine().unwrap();
    assert!(replica.stats().reused >= 1);
    assert_eq!(replica.save_cache(), None, "a replica never writes");

    // Other story file: the cache is not used.
    let other = dir.join("other-story.toml");
    std::fs::write(
        &other,
        std::fs::read_to_string(story().join("story.toml")).unwrap() + "\n# changed\n",
    )
    .unwrap();
    let mut stale = Corpus::open(None, Some(&other), &dir).unwrap();
    assert_eq!(stale.use_cache(&path, false), 0);
    let _ = std::fs::remove_dir_all(&dir);
}
