//! Adding an article from a link or a saved page (`/add`, `factdesk add`):
//! fetch ([`super::fetch`]), extract ([`super::page`]), refuse what must not
//! be added, save into the corpus folder, and report what it brought.
//!
//! Refused, with nothing written: a page with no article text, and a page
//! already in the corpus: the same canonical URL as an article's `source:`
//! or the same text. The file is written under a temporary name and renamed
//! into place, so the watcher never reads half of it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::corpus::Reader;
use crate::discord::rest::{Rest, RestError};
use crate::live::page::Page;
use crate::live::{diff, fetch, page, Shared};
use crate::Engine;

/// The answer kind of `/add` in `[[command]]`.
pub const ANSWER_KIND: &str = "add";
/// How long `/add` waits for the watcher to bring the new article in.
const WAIT_FOR_WATCHER: Duration = Duration::from_secs(10);

/// Why an article was not added. The message is meant for the user.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// The page could not be fetched.
    #[error(transparent)]
    Fetch(#[from] super::fetch::FetchError),
    /// No paragraphs of running text.
    #[error("no article text found on the page")]
    NoText,
    /// Already in the corpus.
    #[error("already in the corpus as {0}")]
    Duplicate(String),
    /// The saved text would not read as an article.
    #[error("the page does not read as an article: {0}")]
    Unreadable(String),
    /// Writing the file failed.
    #[error("cannot save the article: {0}")]
    Io(String),
}

/// What was saved.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The file written.
    pub path: PathBuf,
    /// Its name (the id citations use).
    pub name: String,
    /// The headline.
    pub title: Option<String>,
    /// The date.
    pub date: Option<crate::date::Date>,
    /// Sentences read from it.
    pub sentences: usize,
}

/// Checks `page` against the articles `engine` serves and writes it into
/// `dir`. `source` is the URL fetched (or the file read).
pub fn save(engine: &Engine, dir: &Path, page: &Page, source: &str) -> Result<Saved, AddError> {
    if page.paragraphs.is_empty() {
        return Err(AddError::NoText);
    }
    let canonical = page.canonical.as_deref().unwrap_or(source);
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    let text_key = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mine = text_key(&page.text());
    for a in engine.articles() {
        if a.url.as_deref().is_some_and(|u| norm(u) == norm(canonical)) {
            return Err(AddError::Duplicate(a.id.clone()));
        }
        let theirs: Vec<&str> = a
            .sentences
            .iter()
            .filter(|s| !s.heading)
            .map(|s| &*s.text)
            .collect();
        if !theirs.is_empty() && text_key(&theirs.join(" ")) == mine {
            return Err(AddError::Duplicate(a.id.clone()));
        }
    }
    let text = page.to_article(source);
    let name = file_name(page, dir);
    let reader = Reader::new(&engine.config().corpus).map_err(|e| AddError::Io(e.to_string()))?;
    let article = reader
        .parse(&name, &text)
        .map_err(|p| AddError::Unreadable(p.message))?;
    let path = dir.join(&name);
    // Not an article extension while it is being written.
    let tmp = dir.join(format!(".{name}.part"));
    std::fs::write(&tmp, &text).map_err(|e| AddError::Io(e.to_string()))?;
    std::fs::rename(&tmp, &path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        AddError::Io(e.to_string())
    })?;
    Ok(Saved {
        path,
        name,
        title: article.title.or(page.title.clone()),
        date: article.date,
        sentences: article.sentences.iter().filter(|s| !s.heading).count(),
    })
}

/// `<date>_<slug of the title>.txt`, made unique in `dir`.
fn file_name(page: &Page, dir: &Path) -> String {
    let date = page.date.map_or("undated".to_string(), |d| d.to_string());
    let slug: String = page
        .title
        .as_deref()
        .unwrap_or("article")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('-')
        .filter(|w| !w.is_empty())
        .take(8)
        .collect::<Vec<_>>()
        .join("-");
    let base = format!("{date}_{slug}");
    let mut name = format!("{base}.txt");
    let mut n = 2;
    while dir.join(&name).exists() {
        name = format!("{base}-{n}.txt");
        n += 1;
    }
    name
}

/// The reply for a saved article: title, date, sentence count and the new
/// facts (from the change set the article brought, if known).
pub fn report(saved: &Saved, new_facts: &[String]) -> String {
    let mut out = format!(
        "Added {}: \"{}\" ({}), {} sentence{}.",
        saved.name,
        saved.title.as_deref().unwrap_or("untitled"),
        saved.date.map_or("no date".to_string(), |d| d.to_string()),
        saved.sentences,
        if saved.sentences == 1 { "" } else { "s" }
    );
    if new_facts.is_empty() {
        out.push_str(" No new facts.");
    } else {
        out.push_str(&format!(" New facts ({}):", new_facts.len()));
        for f in new_facts.iter().take(10) {
            out.push_str(&format!("\n- {f}"));
        }
        if new_facts.len() > 10 {
            out.push_str(&format!("\n- and {} more", new_facts.len() - 10));
        }
    }
    out
}

/// Whether a member may use `/add`: the permission named in
/// `add.permission` (default MANAGE_GUILD), ADMINISTRATOR, or one of
/// `add.roles`. `member` is the interaction's `member` object (absent in
/// DMs: refused).
pub fn allowed(config: &crate::config::AddConfig, member: &serde_json::Value) -> bool {
    const ADMINISTRATOR: u64 = 1 << 3;
    let Some(perms) = member["permissions"]
        .as_str()
        .and_then(|p| p.parse::<u64>().ok())
    else {
        return false;
    };
    let needed = permission_bit(config.permission.as_deref().unwrap_or("MANAGE_GUILD"));
    if perms & ADMINISTRATOR != 0 || needed.is_some_and(|b| perms & b != 0) {
        return true;
    }
    member["roles"].as_array().is_some_and(|roles| {
        roles
            .iter()
            .filter_map(|r| r.as_str().and_then(|r| r.parse::<u64>().ok()))
            .any(|r| config.roles.contains(&r))
    })
}

/// The bit of a Discord permission by its API name.
pub fn permission_bit(name: &str) -> Option<u64> {
    let bit = match name.trim().to_ascii_uppercase().as_str() {
        "ADMINISTRATOR" => 3,
        "MANAGE_CHANNELS" => 4,
        "MANAGE_GUILD" | "MANAGE_SERVER" => 5,
        "MANAGE_MESSAGES" => 13,
        "MANAGE_ROLES" => 28,
        "MANAGE_WEBHOOKS" => 29,
        "MODERATE_MEMBERS" => 40,
        _ => return None,
    };
    Some(1 << bit)
}

/// Fetches `url`, saves it into `dir`, waits for the watcher to swap in a
/// table holding it, and returns the reply: title, date, sentences, and
/// the facts that are new.
pub async fn add_url(shared: &Shared, dir: &Path, url: &str) -> Result<String, AddError> {
    let before = shared.load();
    let limits = fetch::Limits::from_config(&before.config().add);
    let fetched = fetch::fetch(url, &limits).await?;
    let page = page::parse(&fetched.html);
    let saved = save(&before, dir, &page, &fetched.url)?;
    let deadline = Instant::now() + WAIT_FOR_WATCHER;
    let after = loop {
        let now = shared.load();
        if now.articles().iter().any(|a| a.id == saved.name) {
            break Some(now);
        }
        if Instant::now() > deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let new: Vec<String> = after
        .map(|after| {
            diff::diff(&before, &after, &Default::default(), 0)
                .changes
                .into_iter()
                .filter(|c| c.kind == diff::Kind::NewFact)
                .map(|c| c.text)
                .collect()
        })
        .unwrap_or_default();
    Ok(report(&saved, &new))
}

/// Answers an `/add` interaction over the gateway: refuses members without
/// the permission (ephemeral), else defers (ephemeral), adds the article,
/// and edits the deferred reply with the outcome.
pub async fn interaction(
    shared: &Shared,
    rest: &Rest,
    application: u64,
    id: u64,
    token: &str,
    interaction: &Value,
) -> Result<&'static str, RestError> {
    let engine = shared.load();
    let notice = |text: &str| crate::render::Reply::notice(text, true).to_interaction_response();
    let config = &engine.config().add;
    if !allowed(config, &interaction["member"]) {
        let needed = match config.permission.as_deref().unwrap_or("MANAGE_GUILD") {
            "MANAGE_GUILD" | "MANAGE_SERVER" => "Manage Server".to_string(),
            other => other.replace('_', " ").to_lowercase(),
        };
        let text = format!("Only members with the {needed} permission (or a role allowed in the bot's config) can add articles.");
        rest.interaction_callback(id, token, &notice(&text)).await?;
        return Ok("add:refused");
    }
    let Some(dir) = shared.corpus_dir() else {
        let text = "This bot serves a built-in corpus, not a folder: articles cannot be added.";
        rest.interaction_callback(id, token, &notice(text)).await?;
        return Ok("add:no-folder");
    };
    let url = interaction["data"]["options"]
        .as_array()
        .and_then(|o| o.iter().find(|o| o["name"] == "url").or(o.first()))
        .and_then(|o| o["value"].as_str())
        .unwrap_or("")
        .to_string();
    rest.interaction_callback(id, token, &json!({"type": 5, "data": {"flags": 64}}))
        .await?;
    let (text, label) = match add_url(shared, dir, &url).await {
        Ok(report) => (report, "add"),
        Err(e) => (format!("Not added: {e}"), "add:refused"),
    };
    let body = json!({
        "content": crate::render::embed::truncate(
            &text
                .lines()
                .map(crate::render::embed::escape)
                .collect::<Vec<_>>()
                .join("\n"),
            2000
        ),
        "allowed_mentions": {"parse": []},
    });
    rest.edit_original(application, token, &body).await?;
    Ok(label)
}
