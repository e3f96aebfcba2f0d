//! The real `factdesk run` binary as a child process, for end-to-end tests.
//!
//! [`Bot::spawn`] starts it against a fake Discord with the fixture config
//! and corpus, a temporary state file and no proxy settings inherited from
//! the environment; stdout and stderr are captured for assertions (the token
//! must never appear). Dropping a [`Bot`] kills a process still running and,
//! when the test is failing, prints what it logged, so a failed test never
//! leaves a bot behind and always shows why.
#![allow(dead_code)] // each test binary uses a different subset

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The token every test bot uses; searched for in its output.
pub const TEST_TOKEN: &str = "test-token";

/// The fixture folder of these tests.
pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gateway")
}

/// The fixture articles copied into `state/articles` (made if missing).
pub fn copy_fixture_articles(state: &TempDir) -> PathBuf {
    let corpus = state.path().join("articles");
    std::fs::create_dir_all(&corpus).expect("create the articles copy");
    for f in std::fs::read_dir(fixture_dir().join("articles")).expect("fixture articles") {
        let f = f.expect("fixture article").path();
        if f.extension().is_some_and(|e| e == "txt") {
            std::fs::copy(&f, corpus.join(f.file_name().unwrap())).expect("copy an article");
        }
    }
    corpus
}

/// A directory under the system temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh, empty directory unique to this process and call.
    pub fn new(label: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("factdesk-e2e-{}-{label}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How to start the bot.
#[derive(Debug, Clone)]
pub struct BotOptions {
    /// `--config`.
    pub config: PathBuf,
    /// `--corpus`.
    pub corpus: PathBuf,
    /// `DISCORD_API_BASE` (the fake's REST address).
    pub api_base: String,
    /// `FACTDESK_STATE_FILE`.
    pub state_file: PathBuf,
    /// `DISCORD_TOKEN`; `None` leaves it unset.
    pub token: Option<String>,
    /// `FACTDESK_LOG`.
    pub log: String,
    /// `DISCORD_GUILD_IDS`; `None` leaves it unset (global commands).
    pub guild_ids: Option<String>,
    /// `FACTDESK_HEALTH_FILE`.
    pub health_file: PathBuf,
}

impl BotOptions {
    /// The fixture config against `api_base`, state in `state`, and a copy
    /// of the fixture articles in `state` (the bot writes its extraction
    /// cache next to the articles: never into the source tree).
    pub fn new(api_base: &str, state: &TempDir) -> BotOptions {
        BotOptions {
            config: fixture_dir().join("config.toml"),
            corpus: copy_fixture_articles(state),
            api_base: api_base.to_string(),
            state_file: state.path().join("state.json"),
            token: Some(TEST_TOKEN.to_string()),
            // Debug, not the default info: the token must not leak even there.
            log: "debug".to_string(),
            guild_ids: None,
            health_file: state.path().join("healthy"),
        }
    }
}

/// A running `factdesk run`.
pub struct Bot {
    child: Child,
    pid: u32,
    output: Arc<Mutex<String>>,
    readers: Vec<std::thread::JoinHandle<()>>,
    exited: Option<ExitStatus>,
}

impl Bot {
    /// Starts the binary with `options`.
    pub fn spawn(options: &BotOptions) -> Bot {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_factdesk"));
        cmd.arg("run")
            .arg("--config")
            .arg(&options.config)
            .arg("--corpus")
            .arg(&options.corpus);
        // Only what the test sets: no token, proxy or config from the
        // developer's shell can change what is being tested.
        for var in [
            "DISCORD_TOKEN",
            "DISCORD_GUILD_IDS",
            "FACTDESK_CONFIG",
            "FACTDESK_CORPUS",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("NO_PROXY", "127.0.0.1,localhost")
            .env("DISCORD_API_BASE", &options.api_base)
            .env("FACTDESK_STATE_FILE", &options.state_file)
            .env("FACTDESK_HEALTH_FILE", &options.health_file)
            .env("FACTDESK_LOG", &options.log)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(t) = &options.token {
            cmd.env("DISCORD_TOKEN", t);
        }
        if let Some(ids) = &options.guild_ids {
            cmd.env("DISCORD_GUILD_IDS", ids);
        }
        let mut child = cmd.spawn().expect("spawn factdesk");
        let pid = child.id();
        let output = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()) as Box<dyn Read + Send>,
        ] {
            let output = output.clone();
            readers.push(std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    output
                        .lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }));
        }
        Bot {
            child,
            pid,
            output,
            readers,
            exited: None,
        }
    }

    /// Everything the bot printed so far (stdout and stderr interleaved).
    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// Sends SIGTERM.
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM {} failed", self.pid);
    }

    /// Waits for the process to exit; `None` if it is still running after
    /// `timeout`. Output readers are joined, so [`Bot::output`] is complete.
    pub async fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.exited {
                return Some(status);
            }
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.exited = Some(status);
                for r in self.readers.drain(..) {
                    let _ = r.join();
                }
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if self.exited.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if std::thread::panicking() {
            eprintln!(
                "---- factdesk output (pid {}) ----\n{}\n---- end ----",
                self.pid,
                self.output()
            );
        }
    }
}
