//! The `factdesk` command line: ask, facts, check, eval, and the two Discord
//! transports (run, serve). anyhow lives here and nowhere else.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use factdesk::{eval, live, render, Engine};

/// Answers questions about a news story from facts extracted from its
/// articles, every answer cited to the sentence.
#[derive(Parser, Debug)]
#[command(name = "factdesk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Where the config and the articles come from; accepted before or after
    /// the subcommand.
    #[command(flatten)]
    source: Source,
}

/// `--config`, `--story` and `--corpus`. Without them: the files of the
/// working directory when it is a story folder (`seeds/` beside
/// `language.toml`, `story.toml` or `config.toml`: a checkout, or a story
/// laid out the same way), else the copies embedded at build time.
#[derive(Args, Debug, Clone)]
struct Source {
    /// Language file, or a whole config (default: ./language.toml or
    /// ./config.toml in a story folder, else the language.toml embedded at
    /// build time).
    #[arg(long, global = true, env = "FACTDESK_CONFIG")]
    config: Option<PathBuf>,
    /// Story file: [story] and [[entity]] only (default: ./story.toml in a
    /// story folder, else the config's own story, else the seeds' story.toml
    /// embedded at build time).
    #[arg(long, global = true, env = "FACTDESK_STORY")]
    story: Option<PathBuf>,
    /// Folder of article files (default: ./seeds/ in a story folder, else
    /// the seeds embedded at build time).
    #[arg(long, global = true, env = "FACTDESK_CORPUS")]
    corpus: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Answer a question or a slash command ("/who-rejected", "/about entity:X").
    Ask {
        /// The question, or a slash command.
        #[arg(required = true, num_args = 1..)]
        question: Vec<String>,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
        /// Print the Discord interaction response instead (what the bot
        /// sends; feed it to an embed previewer).
        #[arg(long, conflicts_with = "json")]
        discord: bool,
    },
    /// Print the fact table.
    Facts {
        /// Print JSON (the default is one line per fact).
        #[arg(long)]
        json: bool,
    },
    /// Validate config and corpus, print statistics.
    Check {
        /// Also print every sentence as the rules see it (mentions tagged).
        #[arg(long)]
        tags: bool,
    },
    /// Score a questions file; ends with "N passed, M failed".
    Eval {
        /// A TOML file of [[question]] entries.
        file: PathBuf,
        /// Print every question's answer, not only failures.
        #[arg(long)]
        verbose: bool,
    },
    /// Add an article to the corpus folder from a link or a saved HTML page;
    /// prints its title, date, sentence count and the facts it brings.
    Add {
        /// An http(s) link, or the path of a saved page.
        source: String,
    },
    /// Build the extraction cache of the corpus folder (for fast restarts
    /// and for `serve` replicas, which only read it).
    Build,
    /// Run the Discord bot over the gateway (needs DISCORD_TOKEN).
    Run,
    /// Serve Discord's HTTP interactions (needs DISCORD_PUBLIC_KEY).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0:8080", env = "FACTDESK_ADDR")]
        addr: SocketAddr,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let server = matches!(cli.command, Command::Run | Command::Serve { .. });
    if let Err(e) = init_tracing(server) {
        eprintln!("factdesk: {e}");
        return ExitCode::from(2);
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("factdesk: {}", error_chain(&e));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes on one line, each cause once: many errors
/// already quote their source in their own message ("cannot read config x:
/// No such file"), and `{:#}` would repeat it.
fn error_chain(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.ends_with(&text) || text.is_empty() {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// Log filter: `FACTDESK_LOG`, else `RUST_LOG`, else `info` for the bot and
/// the endpoint and `warn` for the one-shot commands. A filter that does not
/// parse is an error naming the variable, not a silent fallback.
fn init_tracing(server: bool) -> Result<(), String> {
    let default = if server { "info" } else { "warn" };
    let chosen = ["FACTDESK_LOG", "RUST_LOG"].into_iter().find_map(|var| {
        std::env::var(var)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| (var, v))
    });
    let filter = match &chosen {
        Some((var, value)) => tracing_subscriber::EnvFilter::builder()
            .parse(value)
            .map_err(|e| format!("invalid log filter in {var} (`{value}`): {e}"))?,
        None => tracing_subscriber::EnvFilter::new(default),
    };
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
    Ok(())
}

/// Writes to stdout; a closed pipe (`factdesk facts | head`) ends the
/// program quietly instead of panicking.
fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("factdesk: cannot write the output: {e}");
        std::process::exit(2);
    }
}

/// Where a source came from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Origin {
    /// A flag or its environment variable.
    Given,
    /// The story folder that is the working directory.
    WorkingDir,
    /// Not given: the config's own story (a whole config), or the copy
    /// built into the binary.
    Default,
}

/// The language (or whole config) file, story file and corpus folder in
/// force, and where each came from.
#[derive(Debug)]
struct Sources {
    config: (Option<PathBuf>, Origin),
    story: (Option<PathBuf>, Origin),
    corpus: (Option<PathBuf>, Origin),
}

impl Sources {
    /// Flags and environment first; then the working directory when it is a
    /// story folder (edit an article, run again, no rebuild); then the
    /// embedded copies. A config given by flag brings its own story: the
    /// folder's story.toml is then used only through `--story`.
    fn resolve(source: &Source) -> Sources {
        let file = |name: &str| Some(PathBuf::from(name)).filter(|p| p.is_file());
        let seeds = Some(PathBuf::from("seeds")).filter(|p| p.is_dir());
        let language = file("language.toml").or_else(|| file("config.toml"));
        let story = file("story.toml");
        let folder = seeds.is_some() && (language.is_some() || story.is_some());
        let pick = |given: &Option<PathBuf>, local: Option<PathBuf>| match (given, local) {
            (Some(p), _) => (Some(p.clone()), Origin::Given),
            (None, Some(p)) if folder => (Some(p), Origin::WorkingDir),
            _ => (None, Origin::Default),
        };
        let config = pick(&source.config, language);
        let story = match (&source.story, config.1) {
            (None, Origin::Given) => (None, Origin::Default),
            _ => pick(&source.story, story),
        };
        Sources {
            config,
            story,
            corpus: pick(&source.corpus, seeds),
        }
    }

    /// One line per source, as `check` prints them.
    fn describe(&self) -> String {
        let line = |what: &str, (path, origin): &(Option<PathBuf>, Origin), default: &str| {
            let path = path
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string());
            match origin {
                Origin::Given => format!("{what}: {path} (given)\n"),
                Origin::WorkingDir => format!("{what}: {path} (from the working directory)\n"),
                Origin::Default => format!("{what}: {default}\n"),
            }
        };
        let embedded = "embedded in the binary at build time";
        let own_story = if self.config.1 == Origin::Default {
            embedded
        } else {
            "the config's own, if it has one"
        };
        line("language file", &self.config, embedded)
            + &line("story file", &self.story, own_story)
            + &line("corpus folder", &self.corpus, embedded)
    }
}

/// Builds the engine. Skipped articles are reported once each: on stderr for
/// the one-shot commands (`check` lists them in its report instead), as a
/// structured warning for the bot and the endpoint.
fn load(sources: &Sources, report: Report) -> anyhow::Result<Engine> {
    tracing::debug!(?sources, "loading");
    let engine = Engine::load_story(
        sources.config.0.as_deref(),
        sources.story.0.as_deref(),
        sources.corpus.0.as_deref(),
    )
    .context("cannot start")?;
    for p in engine.problems() {
        match report {
            Report::Stderr => eprintln!("factdesk: skipped {p}"),
            Report::Log => {
                tracing::warn!(file = %p.file, line = ?p.line, problem = %p.message, "article skipped")
            }
            Report::InOutput => {}
        }
    }
    Ok(engine)
}

/// How often `run` and `serve` look at the corpus folder for changes.
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// The engine for the bot and the endpoint. With a corpus folder, a live
/// corpus is returned too, for the watcher (skipped files are logged as it
/// reads them); the embedded seeds cannot change, so nothing is watched.
fn start_live(
    sources: &Sources,
    cache: CacheUse,
) -> anyhow::Result<(Arc<live::Shared>, Option<live::Corpus>)> {
    let Some(dir) = sources.corpus.0.as_deref() else {
        let engine = load(sources, Report::Log)?;
        return Ok((Arc::new(engine.into()), None));
    };
    let started = std::time::Instant::now();
    let mut corpus =
        live::Corpus::open(sources.config.0.as_deref(), sources.story.0.as_deref(), dir)
            .context("cannot start")?;
    let cached = corpus.use_cache(
        &live::cache::path_for(dir),
        matches!(cache, CacheUse::ReadWrite),
    );
    corpus.refresh().context("cannot start")?;
    let engine = corpus.engine().context("cannot start")?;
    corpus.save_cache();
    let stats = corpus.stats();
    tracing::info!(
        articles = engine.articles().len(),
        facts = engine.facts().len(),
        ms = started.elapsed().as_millis() as u64,
        cached,
        reused = stats.reused,
        extracted = stats.extracted,
        folder = %dir.display(),
        "corpus read; watching the folder for changes"
    );
    Ok((Arc::new(engine.into()), Some(corpus)))
}

/// Whether this process writes the extraction cache (the gateway bot, one
/// per story) or only reads it (`serve` replicas).
#[derive(Debug, Clone, Copy)]
enum CacheUse {
    ReadWrite,
    ReadOnly,
}

/// Where skipped articles are reported.
#[derive(Debug, Clone, Copy)]
enum Report {
    Stderr,
    Log,
    InOutput,
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let sources = Sources::resolve(&cli.source);
    match cli.command {
        Command::Ask {
            question,
            json,
            discord,
        } => {
            let engine = load(&sources, Report::Stderr)?;
            let question = question.join(" ");
            let request = engine.parse_request(&question);
            let answer = engine.answer(&request);
            if discord {
                let reply = factdesk::discord::components::with_buttons(
                    render::discord_message(&answer),
                    &answer,
                    0,
                );
                let mut v = reply.to_interaction_response();
                v["_label"] = serde_json::json!(question);
                out(&format!("{}\n", serde_json::to_string_pretty(&v)?));
            } else if json {
                out(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&render::json(&answer))?
                ));
            } else {
                out(&render::text(&answer));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Facts { json } => {
            let engine = load(&sources, Report::Stderr)?;
            if json {
                out(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&engine.facts().to_json())?
                ));
            } else {
                out(&engine.facts().to_text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { tags } => {
            let engine = load(&sources, Report::InOutput)?;
            out(&sources.describe());
            out(&eval::check_report(&engine));
            if tags {
                for line in engine.extractor().explain(engine.articles()) {
                    out(&format!("{line}\n"));
                }
            }
            Ok(if engine.problems().is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Eval { file, verbose } => {
            let engine = load(&sources, Report::Stderr)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let suite = eval::Suite::parse(&text)
                .with_context(|| format!("invalid questions file {}", file.display()))?;
            let report = eval::run(&engine, &suite);
            out(&report.render(verbose));
            Ok(if report.failed() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Add { source } => {
            let Some(dir) = sources.corpus.0.as_deref() else {
                anyhow::bail!(
                    "add needs a corpus folder (--corpus DIR, or run it in a story folder)"
                );
            };
            let mut corpus =
                live::Corpus::open(sources.config.0.as_deref(), sources.story.0.as_deref(), dir)?;
            corpus.use_cache(&live::cache::path_for(dir), true);
            corpus.refresh()?;
            let before = corpus.engine()?;
            let local = std::path::Path::new(&source);
            let (html, from) = if local.is_file() {
                let html = std::fs::read_to_string(local)
                    .with_context(|| format!("cannot read {source}"))?;
                (html, source.clone())
            } else {
                let limits = live::fetch::Limits::from_config(&before.config().add);
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                let fetched = rt
                    .block_on(live::fetch::fetch(&source, &limits))
                    .map_err(|e| anyhow::anyhow!("not added: {e}"))?;
                (fetched.html, fetched.url)
            };
            let page = live::page::parse(&html);
            let saved = live::add::save(&before, dir, &page, &from)
                .map_err(|e| anyhow::anyhow!("not added: {e}"))?;
            corpus.refresh()?;
            let after = corpus.engine()?;
            corpus.save_cache();
            let diff = live::diff::diff(&before, &after, &Default::default(), 0);
            let new: Vec<String> = diff
                .changes
                .iter()
                .filter(|c| c.kind == live::diff::Kind::NewFact)
                .map(|c| c.text.clone())
                .collect();
            out(&format!("{}\n", live::add::report(&saved, &new)));
            Ok(ExitCode::SUCCESS)
        }
        Command::Build => {
            let Some(dir) = sources.corpus.0.as_deref() else {
                anyhow::bail!(
                    "build needs a corpus folder (--corpus DIR, or run it in a story folder)"
                );
            };
            let started = std::time::Instant::now();
            let mut corpus =
                live::Corpus::open(sources.config.0.as_deref(), sources.story.0.as_deref(), dir)?;
            let path = live::cache::path_for(dir);
            let cached = corpus.use_cache(&path, true);
            let changes = corpus.refresh()?;
            for name in &changes.broken {
                eprintln!("factdesk: skipped {name}");
            }
            let engine = corpus.engine()?;
            let stats = corpus.stats();
            let written = live::cache::save(&corpus, &path)?;
            out(&format!(
                "{} articles, {} facts; {} extractions reused of {cached} cached, {} extracted; {written} written to {} in {} ms\n",
                stats.articles,
                engine.facts().len(),
                stats.reused,
                stats.extracted,
                path.display(),
                started.elapsed().as_millis()
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Run => {
            let (shared, corpus) = start_live(&sources, CacheUse::ReadWrite)?;
            // Change sets become messages for the updates channel (posted
            // only when `discord.updates_channel_id` is set).
            let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
            let on_swap: live::OnSwap = Box::new(move |_engine, diff| {
                if let Some(body) = live::announce::message(diff) {
                    let _ = tx.send(body);
                }
            });
            let _watch = corpus.map(|c| live::watch(c, &shared, WATCH_EVERY, Some(on_swap)));
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(factdesk::discord::gateway::run_live(shared, Some(rx)))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { addr } => {
            let (shared, corpus) = start_live(&sources, CacheUse::ReadOnly)?;
            let _watch = corpus.map(|c| live::watch(c, &shared, WATCH_EVERY, None));
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(factdesk::discord::http::serve_live(shared, addr))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
