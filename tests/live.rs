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
        .all(|c| c.citations.iter().all(|x| &*x.source == ADDED)));
    // Nothing changed: nothing to say.
    let same = diff::diff(&after, &after, &Default::default(), diff::now());
    assert!(!same.matters(), "{same:#?}");

    after.record(&before, Some(d));
    let ask = |q: &str| after.answer(&after.parse_request(q));
    let all = ask("/whats-new");
    assert!(all.answered && !all.items.is_empty(), "{all:#?}");
    assert!(all.citations.iter().any(|c| &*c.source == ADDED));
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

// --- adding an article from a link ----------------------------------------

fn page(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/pages")
            .join(name),
    )
    .unwrap()
}

/// A small web server on 127.0.0.1:0 serving the fixture pages, an image,
/// an oversized page, a redirect loop and a redirect to the story.
async fn pages_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let req = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                let (status, kind, body, extra) = match path.as_str() {
                    "/story" => (
                        "200 OK",
                        "text/html; charset=utf-8",
                        page("news-story.html"),
                        String::new(),
                    ),
                    "/gallery" => ("200 OK", "text/html", page("no-text.html"), String::new()),
                    "/image.png" => (
                        "200 OK",
                        "image/png",
                        "\u{89}PNG....".to_string(),
                        String::new(),
                    ),
                    "/huge" => (
                        "200 OK",
                        "text/html",
                        format!(
                            "<html><body>{}</body></html>",
                            "<p>word </p>".repeat(200_000)
                        ),
                        String::new(),
                    ),
                    "/moved" => (
                        "301 Moved Permanently",
                        "text/html",
                        String::new(),
                        "location: /story\r\n".to_string(),
                    ),
                    "/loop" => (
                        "302 Found",
                        "text/html",
                        String::new(),
                        "location: /loop\r\n".to_string(),
                    ),
                    _ => ("404 Not Found", "text/html", String::new(), String::new()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(body.as_bytes()).await;
            });
        }
    });
    base
}

fn limits(allow_loopback: bool) -> live::fetch::Limits {
    live::fetch::Limits {
        allow_hosts: if allow_loopback {
            vec!["127.0.0.1".into()]
        } else {
            Vec::new()
        },
        max_bytes: 1_000_000,
        timeout: Duration::from_secs(10),
        max_redirects: 3,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_served_from_127_0_0_1_is_saved_as_an_article_and_cited() {
    use live::fetch::fetch;
    let base = pages_server().await;
    let dir = temp_corpus("add");
    let mut corpus = open(&dir);
    let before = corpus.engine().unwrap();

    // Through a redirect, as links often are.
    let fetched = fetch(&format!("{base}/moved"), &limits(true))
        .await
        .unwrap();
    assert_eq!(fetched.url, format!("{base}/story"));
    let page = live::page::parse(&fetched.html);
    let saved = live::add::save(&before, &dir, &page, &fetched.url).unwrap();
    let text = std::fs::read_to_string(&saved.path).unwrap();
    assert!(
        text.starts_with(
            "source: https://designdesk.example/2023/12/18/adobe-figma-called-off\n\
         date: 2023-12-18\n\
         title: Adobe and Figma walk away from $20 billion merger, citing regulators\n\
         outlet: The Design Desk\n\
         author: Sam Writer, Lee Reporter\n\n\
         Adobe and Figma called off their $20 billion merger on Monday"
        ),
        "{text}"
    );
    for furniture in [
        "Advertisement",
        "Related",
        "newsletter",
        "Reader123",
        "Copyright",
        "Share this",
        "News and analysis",
    ] {
        assert!(!text.contains(furniture), "{furniture} in:\n{text}");
    }
    assert_eq!(saved.date, factdesk::date::Date::ymd(2023, 12, 18));
    assert!(saved.sentences >= 10, "{saved:?}");

    corpus.refresh().unwrap();
    let after = corpus.engine().unwrap();
    assert!(cited(&after, &saved.name), "{}", after.facts().to_text());
    let d = live::diff::diff(&before, &after, &Default::default(), 0);
    let report = live::add::report(
        &saved,
        &d.changes
            .iter()
            .filter(|c| c.kind == live::diff::Kind::NewFact)
            .map(|c| c.text.clone())
            .collect::<Vec<_>>(),
    );
    assert!(report.contains("New facts"), "{report}");

    // The same page again: a duplicate (by canonical URL), nothing written.
    let files = std::fs::read_dir(&dir).unwrap().count();
    let again = live::add::save(&after, &dir, &page, &fetched.url).unwrap_err();
    assert!(
        matches!(again, live::add::AddError::Duplicate(ref f) if *f == saved.name),
        "{again}"
    );
    // The same text under another URL: a duplicate too.
    let mut moved = page.clone();
    moved.canonical = Some("https://mirror.example/copy".into());
    assert!(matches!(
        live::add::save(&after, &dir, &moved, "https://mirror.example/copy"),
        Err(live::add::AddError::Duplicate(_))
    ));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), files);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_that_must_not_be_added_are_refused() {
    use live::fetch::{fetch, FetchError};
    let base = pages_server().await;
    // Loopback is refused unless allowed.
    assert_eq!(
        fetch(&format!("{base}/story"), &limits(false))
            .await
            .unwrap_err(),
        FetchError::PrivateHost("127.0.0.1".into())
    );
    let ok = limits(true);
    assert!(matches!(
        fetch(&format!("{base}/image.png"), &ok).await,
        Err(FetchError::NotHtml(k)) if k == "image/png"
    ));
    assert_eq!(
        fetch(&format!("{base}/huge"), &ok).await.unwrap_err(),
        FetchError::TooLarge(1_000_000)
    );
    assert_eq!(
        fetch(&format!("{base}/loop"), &ok).await.unwrap_err(),
        FetchError::Redirects(3)
    );
    assert_eq!(
        fetch(&format!("{base}/missing"), &ok).await.unwrap_err(),
        FetchError::Status(404)
    );
    assert!(matches!(
        fetch("file:///etc/passwd", &ok).await,
        Err(FetchError::BadUrl(_))
    ));
    // A page with no article text.
    let dir = temp_corpus("refuse");
    let engine = open(&dir).engine().unwrap();
    let gallery = fetch(&format!("{base}/gallery"), &ok).await.unwrap();
    assert!(matches!(
        live::add::save(
            &engine,
            &dir,
            &live::page::parse(&gallery.html),
            &gallery.url
        ),
        Err(live::add::AddError::NoText)
    ));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "nothing written"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn only_members_with_the_permission_or_a_listed_role_may_add() {
    let mut config = factdesk::config::AddConfig::default();
    let member = |perms: &str, roles: &[&str]| json!({"permissions": perms, "roles": roles});
    assert!(
        live::add::allowed(&config, &member("32", &[])),
        "Manage Server"
    );
    assert!(
        live::add::allowed(&config, &member("8", &[])),
        "Administrator"
    );
    assert!(!live::add::allowed(&config, &member("2048", &["77"])));
    assert!(
        !live::add::allowed(&config, &json!(null)),
        "a DM has no member"
    );
    config.roles = vec![77];
    assert!(live::add::allowed(&config, &member("2048", &["77"])));
    config.permission = Some("MANAGE_MESSAGES".into());
    assert!(live::add::allowed(&config, &member("8192", &[])));
    assert!(!live::add::allowed(&config, &member("32", &[])));
}

#[test]
fn factdesk_add_saves_a_page_file_and_prints_what_it_brought() {
    let dir = temp_corpus("cli-add");
    let html = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages/news-story.html");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_factdesk"))
        .arg("--story")
        .arg(story().join("story.toml"))
        .arg("--corpus")
        .arg(&dir)
        .arg("add")
        .arg(&html)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("Added 2023-12-18_adobe-and-figma-walk-away-from-20-billion.txt: \"Adobe and Figma walk away from $20 billion merger, citing regulators\" (2023-12-18),"),
        "{stdout}"
    );
    assert!(stdout.contains("New facts"), "{stdout}");
    // Twice: refused, exit 2, nothing written.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_factdesk"))
        .arg("--story")
        .arg(story().join("story.toml"))
        .arg("--corpus")
        .arg(&dir)
        .arg("add")
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("not added: already in the corpus"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn add_and_update_settings_out_of_range_refuse_to_start() {
    let base = std::fs::read_to_string(fixtures().join("config.toml")).unwrap();
    for (extra, expected) in [
        (
            "\n[add]\npermission = \"MANAGE_EVERYTHING\"\n",
            "add.permission must be a Discord permission name",
        ),
        (
            "\n[add]\ntimeout_seconds = 0.0\n",
            "add.timeout_seconds must be",
        ),
        ("\n[add]\nmax_redirects = 99\n", "add.max_redirects must be"),
    ] {
        let err = factdesk::config::Config::parse(&(base.clone() + extra)).unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    let ok = base + "\n[add]\npermission = \"MANAGE_MESSAGES\"\nroles = [77]\nallow_hosts = [\"127.0.0.1\"]\n";
    factdesk::config::Config::parse(&ok).unwrap();
}
