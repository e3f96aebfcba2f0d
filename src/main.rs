//! The `factdesk` command line: ask, facts, check, eval, and the two Discord
//! transports (run, serve). anyhow lives here and nowhere else.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use factdesk::{eval, render, Engine};

/// Answers questions about a news story from facts extracted from its
/// articles, every answer cited to the sentence.
#[derive(Parser, Debug)]
#[command(name = "factdesk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
struct Source {
    /// Language file, or a whole config (default: the language.toml
    /// embedded at build time).
    #[arg(long, global = true, env = "FACTDESK_CONFIG")]
    config: Option<PathBuf>,
    /// Story file: [story] and [[entity]] only (default: the seeds'
    /// story.toml embedded at build time, or the config's own story).
    #[arg(long, global = true, env = "FACTDESK_STORY")]
    story: Option<PathBuf>,
    /// Folder of article files (default: the seeds embedded at build time).
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
        #[command(flatten)]
        source: Source,
    },
    /// Print the fact table.
    Facts {
        /// Print JSON (the default is one line per fact).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        source: Source,
    },
    /// Validate config and corpus, print statistics.
    Check {
        /// Also print every sentence as the rules see it (mentions tagged).
        #[arg(long)]
        tags: bool,
        #[command(flatten)]
        source: Source,
    },
    /// Score a questions file; ends with "N passed, M failed".
    Eval {
        /// A TOML file of [[question]] entries.
        file: PathBuf,
        /// Print every question's answer, not only failures.
        #[arg(long)]
        verbose: bool,
        #[command(flatten)]
        source: Source,
    },
    /// Run the Discord bot over the gateway (needs DISCORD_TOKEN).
    Run {
        #[command(flatten)]
        source: Source,
    },
    /// Serve Discord's HTTP interactions (needs DISCORD_PUBLIC_KEY).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0:8080", env = "FACTDESK_ADDR")]
        addr: SocketAddr,
        #[command(flatten)]
        source: Source,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(matches!(
        cli.command,
        Command::Run { .. } | Command::Serve { .. }
    ));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("factdesk: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(server: bool) {
    let default = if server { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("FACTDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
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

fn load(source: &Source) -> anyhow::Result<Engine> {
    let engine = Engine::load_story(
        source.config.as_deref(),
        source.story.as_deref(),
        source.corpus.as_deref(),
    )
    .context("cannot start")?;
    for p in engine.problems() {
        // A bad article is reported and skipped; the rest is served.
        tracing::warn!(file = %p.file, line = ?p.line, problem = %p.message, "article skipped");
        eprintln!("factdesk: skipped {p}");
    }
    Ok(engine)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Ask {
            question,
            json,
            source,
        } => {
            let engine = load(&source)?;
            let request = engine.parse_request(&question.join(" "));
            let answer = engine.answer(&request);
            if json {
                out(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&render::json(&answer))?
                ));
            } else {
                out(&render::text(&answer));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Facts { json, source } => {
            let engine = load(&source)?;
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
        Command::Check { tags, source } => {
            let engine = load(&source)?;
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
        Command::Eval {
            file,
            verbose,
            source,
        } => {
            let engine = load(&source)?;
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
        Command::Run { source } => {
            let engine = Arc::new(load(&source)?);
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(factdesk::discord::gateway::run(engine))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { addr, source } => {
            let engine = Arc::new(load(&source)?);
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(factdesk::discord::http::serve(engine, addr))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
