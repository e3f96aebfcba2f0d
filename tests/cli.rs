//! The `factdesk` binary's conventions, run as a user runs it: where flags
//! go, which config and articles it picks, how it logs, how it reports
//! errors and skipped files, and which settings it refuses. Everything in
//! temporary folders; nothing touches the network.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/http")
}

/// A fresh folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("factdesk-cli-{}-{label}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary with a clean environment for what it reads, run in `dir`.
fn factdesk(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_factdesk"));
    cmd.args(args).current_dir(dir);
    for var in [
        "FACTDESK_CONFIG",
        "FACTDESK_CORPUS",
        "FACTDESK_LOG",
        "RUST_LOG",
        "DISCORD_GUILD_IDS",
        "DISCORD_API_BASE",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A story folder laid out like the repository: `config.toml` (the HTTP
/// fixture's: 4 commands, 2 entities) and `seeds/` with its one article.
fn story_folder(label: &str) -> TempDir {
    let dir = TempDir::new(label);
    std::fs::copy(
        fixtures().join("config.toml"),
        dir.path().join("config.toml"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("seeds")).unwrap();
    std::fs::copy(
        fixtures().join("corpus/acme-widgetco.txt"),
        dir.path().join("seeds/acme-widgetco.txt"),
    )
    .unwrap();
    dir
}

/// The HTTP fixture's [story] and [[entity]] tables, as a story file.
fn fixture_story() -> String {
    let config = std::fs::read_to_string(fixtures().join("config.toml")).unwrap();
    config
        .split("\n[[command]]")
        .next()
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

const FIXTURE_CONFIG_LINE: &str = "config: ok (0 relations, 4 commands, 2 entities)";

#[test]
fn global_flags_are_accepted_before_or_after_the_subcommand() {
    let here = TempDir::new("flags");
    let config = fixtures().join("config.toml");
    let corpus = fixtures().join("corpus");
    let (config, corpus) = (config.to_str().unwrap(), corpus.to_str().unwrap());
    let orders: [&[&str]; 3] = [
        &["--config", config, "--corpus", corpus, "check"],
        &["check", "--config", config, "--corpus", corpus],
        &["--config", config, "check", "--corpus", corpus],
    ];
    for args in orders {
        let out = factdesk(here.path(), args, &[]);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(FIXTURE_CONFIG_LINE),
            "{args:?}: {}",
            stdout(&out)
        );
    }
    let out = factdesk(
        here.path(),
        &["--config", config, "--corpus", corpus, "ask", "/status"],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let story = here.path().join("acme.toml");
    std::fs::write(&story, fixture_story()).unwrap();
    let story = story.to_str().unwrap();
    for args in [
        ["--story", story, "check", "--corpus", corpus],
        ["check", "--story", story, "--corpus", corpus],
    ] {
        let out = factdesk(here.path(), &args, &[]);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!("(actor \"Acme\") from {story}")),
            "{args:?}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn a_folder_with_seeds_and_config_wins_over_the_embedded_copies() {
    let dir = story_folder("local");
    let out = factdesk(dir.path(), &["check"], &[]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}{}", text, stderr(&out));
    assert!(
        text.starts_with(
            "language file: config.toml (from the working directory)\n\
             story file: the config's own, if it has one\n\
             corpus folder: seeds (from the working directory)\n"
        ),
        "{text}"
    );
    assert!(text.contains(FIXTURE_CONFIG_LINE), "{text}");
    // An article dropped into seeds/ counts at once, without a rebuild; a
    // mere copy of one is listed as a duplicate and counted once.
    std::fs::copy(
        dir.path().join("seeds/acme-widgetco.txt"),
        dir.path().join("seeds/second.txt"),
    )
    .unwrap();
    let text = stdout(&factdesk(dir.path(), &["check"], &[]));
    assert!(text.contains("articles: 1 "), "{text}");
    assert!(
        text.contains("second.txt: duplicate of acme-widgetco.txt (same text)"),
        "{text}"
    );
    let original = std::fs::read_to_string(dir.path().join("seeds/acme-widgetco.txt")).unwrap();
    std::fs::write(
        dir.path().join("seeds/second.txt"),
        format!("{original}\nWidgetco shares rose on the news.\n"),
    )
    .unwrap();
    let text = stdout(&factdesk(dir.path(), &["check"], &[]));
    assert!(text.contains("articles: 2 "), "{text}");

    // A flag still wins over the folder, each source on its own.
    let corpus = fixtures().join("corpus");
    let text = stdout(&factdesk(
        dir.path(),
        &["check", "--corpus", corpus.to_str().unwrap()],
        &[],
    ));
    assert!(
        text.contains("language file: config.toml (from the working directory)\n")
            && text.contains(&format!("corpus folder: {} (given)\n", corpus.display())),
        "{text}"
    );

    // A folder with only one of the two is not a story folder.
    std::fs::remove_dir_all(dir.path().join("seeds")).unwrap();
    let text = stdout(&factdesk(dir.path(), &["check"], &[]));
    assert!(
        text.starts_with(
            "language file: embedded in the binary at build time\n\
             story file: embedded in the binary at build time\n\
             corpus folder: embedded in the binary at build time\n"
        ),
        "{text}"
    );
    assert!(!text.contains(FIXTURE_CONFIG_LINE), "{text}");
}

#[test]
fn a_story_folder_needs_only_its_story_file_and_seeds() {
    let dir = story_folder("story-only");
    // The fixture's [story] and [[entity]] as a story file; the language
    // comes from the binary.
    std::fs::write(dir.path().join("story.toml"), fixture_story()).unwrap();
    std::fs::remove_file(dir.path().join("config.toml")).unwrap();
    let out = factdesk(dir.path(), &["check"], &[]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}{}", text, stderr(&out));
    assert!(
        text.starts_with(
            "language file: embedded in the binary at build time\n\
             story file: story.toml (from the working directory)\n\
             corpus folder: seeds (from the working directory)\n"
        ),
        "{text}"
    );
    assert!(text.contains("articles: 1 "), "{text}");
    assert!(text.contains("(actor \"Acme\")"), "{text}");
}

#[test]
fn rust_log_is_honoured_and_factdesk_log_overrides_it() {
    let dir = story_folder("log");
    let debug_line = |out: &Output| stderr(out).lines().any(|l| l.contains("loading"));
    let out = factdesk(dir.path(), &["check"], &[("RUST_LOG", "debug")]);
    assert!(debug_line(&out), "{}", stderr(&out));
    let out = factdesk(
        dir.path(),
        &["check"],
        &[("RUST_LOG", "debug"), ("FACTDESK_LOG", "warn")],
    );
    assert!(!debug_line(&out), "{}", stderr(&out));
    let out = factdesk(dir.path(), &["check"], &[]);
    assert!(!debug_line(&out), "{}", stderr(&out));
}

#[test]
fn an_invalid_log_filter_is_an_error_naming_it() {
    let dir = story_folder("badlog");
    for var in ["RUST_LOG", "FACTDESK_LOG"] {
        let out = factdesk(dir.path(), &["check"], &[(var, "factdesk=loud")]);
        assert_eq!(out.status.code(), Some(2), "{var}");
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!(
                "factdesk: invalid log filter in {var} (`factdesk=loud`): "
            )),
            "{err}"
        );
        assert!(stdout(&out).is_empty());
    }
}

#[test]
fn an_error_prints_its_cause_once() {
    let dir = TempDir::new("cause");
    let out = factdesk(dir.path(), &["check", "--config", "missing.toml"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "factdesk: cannot start: cannot read config missing.toml: No such file or directory (os error 2)\n"
    );
    let out = factdesk(dir.path(), &["check", "--corpus", "no-such-folder"], &[]);
    assert_eq!(
        stderr(&out),
        "factdesk: cannot start: cannot read corpus folder no-such-folder: No such file or directory (os error 2)\n"
    );
}

#[test]
fn every_skipped_file_is_listed_once_with_its_reason() {
    let dir = story_folder("skipped");
    let seeds = dir.path().join("seeds");
    std::fs::write(seeds.join("binary.txt"), b"abc\0def").unwrap();
    std::fs::create_dir(seeds.join("folder.md")).unwrap();
    std::os::unix::fs::symlink("nowhere.txt", seeds.join("dangling.txt")).unwrap();
    std::os::unix::fs::symlink("loop-b.txt", seeds.join("loop-a.txt")).unwrap();
    std::os::unix::fs::symlink("loop-a.txt", seeds.join("loop-b.txt")).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(seeds.join("pipe.txt"))
        .status()
        .unwrap();
    assert!(fifo.success());
    // Not named like an article: not read, not reported.
    std::fs::write(seeds.join("notes.json"), b"{}").unwrap();

    let out = factdesk(dir.path(), &["check"], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let listed: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("skipped files:"))
        .collect();
    assert_eq!(
        listed,
        vec![
            "skipped files: 6",
            "  binary.txt:1: binary data (NUL byte), not an article",
            "  dangling.txt: dangling symbolic link (its target does not exist)",
            "  folder.md: a folder, not an article file",
            "  loop-a.txt: symbolic link that cannot be followed (a loop?): Too many levels of symbolic links (os error 40)",
            "  loop-b.txt: symbolic link that cannot be followed (a loop?): Too many levels of symbolic links (os error 40)",
            "  pipe.txt: not a regular file (a FIFO)",
        ],
        "{text}"
    );
    // `check` lists them in its report; nothing repeats them on stderr.
    assert!(!stderr(&out).contains("binary.txt"), "{}", stderr(&out));

    // The other commands report each once on stderr and still answer.
    let out = factdesk(dir.path(), &["ask", "/status"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for name in [
        "binary.txt",
        "dangling.txt",
        "folder.md",
        "loop-a.txt",
        "loop-b.txt",
        "pipe.txt",
    ] {
        assert_eq!(
            err.lines().filter(|l| l.contains(name)).count(),
            1,
            "{name}: {err}"
        );
    }
}

/// The HTTP fixture config with one line replaced.
fn config_with(dir: &TempDir, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join("config.toml")).unwrap();
    assert!(text.contains(from), "{from}");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, text.replace(from, to)).unwrap();
    path
}

#[test]
fn settings_that_make_no_sense_are_refused_at_start() {
    let cases = [
        (
            "cooldown_seconds = 0.0",
            "cooldown_seconds = -5",
            "discord.cooldown_seconds must be a number from 0 to 3600 (got `-5`)",
        ),
        (
            "cooldown_seconds = 0.0",
            "cooldown_seconds = nan",
            "discord.cooldown_seconds must be a number from 0 to 3600 (got `NaN`)",
        ),
        (
            "cooldown_seconds = 0.0",
            "cooldown_seconds = inf",
            "discord.cooldown_seconds must be a number from 0 to 3600 (got `inf`)",
        ),
        (
            "cooldown_seconds = 0.0",
            "cooldown_seconds = 0.0\ndefer_after_ms = 5000",
            "discord.defer_after_ms must be from 0 to 2500 (got `5000`)",
        ),
        (
            "cooldown_seconds = 0.0",
            "cooldown_seconds = 0.0\nguild_ids = [0]",
            "discord.guild_ids must be Discord server ids (got `0`)",
        ),
        (
            "max_body_bytes = 4096",
            "max_body_bytes = 0",
            "http.max_body_bytes must be from 1024 to 16777216 (got `0`)",
        ),
        (
            "max_body_bytes = 4096",
            "max_body_bytes = 4096\nheader_read_timeout_seconds = 0",
            "http.header_read_timeout_seconds must be a number of seconds above 0 and at most 300 (got `0`)",
        ),
        (
            "max_body_bytes = 4096",
            "max_body_bytes = 4096\nidle_timeout_seconds = inf",
            "http.idle_timeout_seconds must be a number of seconds above 0 and at most 3600 (got `inf`)",
        ),
        (
            "max_body_bytes = 4096",
            "max_body_bytes = 4096\nmax_connections = 0",
            "http.max_connections must be from 1 to 100000 (got `0`)",
        ),
        (
            "max_body_bytes = 4096",
            "max_body_bytes = 4096\ntimestamp_window_seconds = 0",
            "http.timestamp_window_seconds must be from 1 to 86400 (got `0`)",
        ),
    ];
    for (from, to, message) in cases {
        let dir = TempDir::new("settings");
        let config = config_with(&dir, from, to);
        let corpus = fixtures().join("corpus");
        let out = factdesk(
            dir.path(),
            &[
                "check",
                "--config",
                config.to_str().unwrap(),
                "--corpus",
                corpus.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "{to}: {}", stdout(&out));
        assert_eq!(
            stderr(&out),
            format!("factdesk: cannot start: invalid config: {message}\n"),
            "{to}"
        );
    }
}

#[test]
fn a_typo_in_discord_guild_ids_refuses_to_start() {
    let dir = story_folder("guilds");
    let out = factdesk(dir.path(), &["check"], &[("DISCORD_GUILD_IDS", "12x34")]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "factdesk: cannot start: invalid config: DISCORD_GUILD_IDS must be comma-separated Discord server ids (got `12x34`)\n"
    );
    let out = factdesk(
        dir.path(),
        &["check"],
        &[("DISCORD_GUILD_IDS", " 1234, 5678 ")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn check_runs_every_class_and_rule_example() {
    // The embedded language file's examples: event classes and surface
    // rules alike, all passing.
    let dir = TempDir::new("examples");
    let out = factdesk(dir.path(), &["check"], &[]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}{}", text, stderr(&out));
    assert!(!text.contains("broken"), "{text}");
    assert!(text.contains("event class examples: "), "{text}");
    let rules = text
        .lines()
        .find_map(|l| l.strip_prefix("rule examples: "))
        .and_then(|l| l.strip_suffix(" pass"))
        .and_then(|n| n.parse::<usize>().ok());
    assert!(rules.is_some_and(|n| n >= 110), "{text}");
}
