//! The live corpus: a story that keeps developing while the bot runs.
//!
//! Sits beside the one-shot pipeline of [`crate::Engine::load_story`]:
//! [`Corpus`] remembers, per article file, its size and modification time,
//! what was read from it, and its extraction result. A [`Corpus::refresh`]
//! re-reads only the files whose stamp changed, re-extracts only articles
//! whose extraction inputs changed, redoes the cheap corpus-wide passes
//! (names learnt, short names merged, fact table), and returns a new
//! [`Engine`]. [`Shared`] holds the engine every transport answers from; a
//! new one replaces the old in one pointer swap, so a reader has either the
//! old table or the new one, never half of each. [`watch`] polls the folder
//! and does all that on its own thread.
//!
//! Why an article's extraction can be cached: pass 2 of the extractor reads
//! the article, its (possibly estimated) date, and the entries of the
//! corpus-wide learnt-name table that occur in its sentences. The cache key
//! is the hash of exactly those (plus the language and story files), so a
//! new article that teaches the corpus a name re-extracts just the articles
//! that use it.
//!
//! Why polling rather than inotify: one `stat` per article file per tick is
//! cheap next to the rest, works on every filesystem (bind mounts, NFS,
//! Docker volumes where inotify events do not cross), and adds no crates.

pub mod add;
pub mod announce;
pub mod cache;
pub mod diff;
pub mod fetch;
pub mod page;

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use crate::config::{Config, Origin};
use crate::corpus::{self, Article, Problem, Reader};
use crate::extract::mentions::Learnt;
use crate::extract::{Extraction, Extractor};
use crate::{Engine, LoadError};

/// The engine in force, replaced whole when the corpus changes.
#[derive(Debug)]
pub struct Shared {
    current: RwLock<Arc<Engine>>,
    /// The corpus folder being watched, where `/add` saves articles.
    dir: std::sync::OnceLock<PathBuf>,
}

impl Shared {
    /// Starts with `engine`.
    pub fn new(engine: Arc<Engine>) -> Shared {
        Shared {
            current: RwLock::new(engine),
            dir: std::sync::OnceLock::new(),
        }
    }

    /// Records the corpus folder being watched (once).
    pub fn set_corpus_dir(&self, dir: &Path) {
        let _ = self.dir.set(dir.to_path_buf());
    }

    /// The corpus folder being watched, if any.
    pub fn corpus_dir(&self) -> Option<&Path> {
        self.dir.get().map(PathBuf::as_path)
    }

    /// The engine to answer from. Cheap (one reference count); the caller
    /// keeps a consistent table for as long as it holds it.
    pub fn load(&self) -> Arc<Engine> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the engine; returns the one it replaced.
    pub fn store(&self, engine: Arc<Engine>) -> Arc<Engine> {
        let mut slot = self.current.write().unwrap_or_else(|e| e.into_inner());
        std::mem::replace(&mut *slot, engine)
    }
}

impl From<Engine> for Shared {
    fn from(engine: Engine) -> Shared {
        Shared::new(Arc::new(engine))
    }
}

impl From<Arc<Engine>> for Shared {
    fn from(engine: Arc<Engine>) -> Shared {
        Shared::new(engine)
    }
}

/// What identifies one version of a file cheaply: size and mtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

/// One article file as last seen.
#[derive(Debug)]
struct File {
    stamp: Option<Stamp>,
    /// Hash of the bytes, when they could be read.
    content: Option<u128>,
    /// The article read from it, or why it could not be.
    read: Result<Article, Problem>,
}

/// What a refresh found.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Changes {
    /// Files that appeared.
    pub added: Vec<String>,
    /// Files whose content changed.
    pub changed: Vec<String>,
    /// Files that disappeared.
    pub removed: Vec<String>,
    /// Files that could not be read (reported once per version).
    pub broken: Vec<String>,
}

impl Changes {
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.changed.is_empty()
            && self.removed.is_empty()
            && self.broken.is_empty()
    }
}

/// Statistics of the last build, for logs and the restart benchmark.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BuildStats {
    /// Articles in the new table.
    pub articles: usize,
    /// Articles whose extraction came from the cache.
    pub reused: usize,
    /// Articles extracted again.
    pub extracted: usize,
}

/// A corpus folder kept in memory with per-article extraction results.
pub struct Corpus {
    dir: PathBuf,
    config: Config,
    origin: Origin,
    reader: Reader,
    extractor: Arc<Extractor>,
    /// Hash of the language and story files: part of every cache key.
    config_key: u128,
    files: BTreeMap<String, File>,
    extractions: HashMap<u128, Arc<Extraction>>,
    stats: BuildStats,
    /// Where to write the on-disk cache after a build that extracted
    /// something (none: read-only, or no cache).
    cache_out: Option<PathBuf>,
}

impl std::fmt::Debug for Corpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Corpus")
            .field("dir", &self.dir)
            .field("files", &self.files.len())
            .field("cached", &self.extractions.len())
            .finish()
    }
}

impl Corpus {
    /// Opens a corpus folder with the language and story files (or the
    /// embedded ones), as `Engine::load_story` would. Nothing is read yet:
    /// call [`Corpus::refresh`] and [`Corpus::engine`].
    pub fn open(
        language: Option<&Path>,
        story: Option<&Path>,
        dir: &Path,
    ) -> Result<Corpus, LoadError> {
        let (config, origin) = Config::load_parts(language, story)?;
        let read = |p: &Path| std::fs::read(p).unwrap_or_default();
        let mut h = Hash128::new();
        match language {
            Some(p) => h.write(&read(p)),
            None => h.write(crate::config::EMBEDDED_LANGUAGE.as_bytes()),
        }
        match (story, language) {
            (Some(p), _) => h.write(&read(p)),
            (None, Some(_)) => h.write(b"(the language file's own story)"),
            (None, None) => h.write(crate::config::EMBEDDED_STORY.as_bytes()),
        }
        // A new build may extract differently from the same files.
        h.write(env!("CARGO_PKG_VERSION").as_bytes());
        h.write(cache::FORMAT.as_bytes());
        Corpus::with_config(config, origin, h.finish(), dir)
    }

    /// A corpus over `dir` with a config already loaded; `config_key`
    /// identifies it in cache keys.
    pub fn with_config(
        config: Config,
        origin: Origin,
        config_key: u128,
        dir: &Path,
    ) -> Result<Corpus, LoadError> {
        let reader = Reader::new(&config.corpus)?;
        let extractor = Arc::new(Extractor::new(&config)?);
        Ok(Corpus {
            dir: dir.to_path_buf(),
            config,
            origin,
            reader,
            extractor,
            config_key,
            files: BTreeMap::new(),
            extractions: HashMap::new(),
            stats: BuildStats::default(),
            cache_out: None,
        })
    }

    /// The folder watched.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What the last [`Corpus::engine`] reused and extracted.
    pub fn stats(&self) -> BuildStats {
        self.stats
    }

    /// Stats every article file; re-reads those whose size or mtime changed
    /// (and only those). A file that turns unreadable after having been read
    /// keeps its last good version in the table (an editor saving in two
    /// steps must not drop the article), and is reported.
    pub fn refresh(&mut self) -> Result<Changes, LoadError> {
        let paths = self
            .reader
            .list_dir(&self.dir)
            .map_err(|source| LoadError::Corpus {
                path: self.dir.display().to_string(),
                source,
            })?;
        let mut changes = Changes::default();
        let mut seen = Vec::with_capacity(paths.len());
        for path in paths {
            let name = file_name(&path);
            seen.push(name.clone());
            let stamp = std::fs::metadata(&path).ok().map(|m| Stamp {
                len: m.len(),
                modified: m.modified().ok(),
            });
            let old = self.files.get(&name);
            if old.is_some_and(|f| f.stamp.is_some() && f.stamp == stamp) {
                continue;
            }
            let bytes = self.reader.read_bytes(&path);
            let content = bytes.as_ref().ok().map(|b| Hash128::of(b));
            if old.is_some_and(|f| f.content.is_some() && f.content == content) {
                // Touched, same bytes.
                if let Some(f) = self.files.get_mut(&name) {
                    f.stamp = stamp;
                }
                continue;
            }
            let read = bytes.and_then(|b| self.reader.parse_bytes(&name, &b));
            match (&read, old) {
                (Err(p), Some(File { read: Ok(_), .. })) => {
                    tracing::warn!(file = %p.file, line = ?p.line, problem = %p.message,
                        "article unreadable; its previous version is kept");
                    changes.broken.push(name.clone());
                    if let Some(f) = self.files.get_mut(&name) {
                        f.stamp = stamp;
                    }
                    continue;
                }
                (Err(p), _) => {
                    tracing::warn!(file = %p.file, line = ?p.line, problem = %p.message, "article skipped");
                    changes.broken.push(name.clone());
                }
                (Ok(_), None) => changes.added.push(name.clone()),
                (Ok(_), Some(_)) => changes.changed.push(name.clone()),
            }
            self.files.insert(
                name,
                File {
                    stamp,
                    content,
                    read,
                },
            );
        }
        let gone: Vec<String> = self
            .files
            .keys()
            .filter(|k| seen.binary_search(k).is_err())
            .cloned()
            .collect();
        for name in gone {
            self.files.remove(&name);
            changes.removed.push(name);
        }
        Ok(changes)
    }

    /// Builds an engine from the files as last refreshed: cached
    /// extractions where their inputs are unchanged, the rest extracted
    /// (across the cores), then the corpus-wide passes.
    pub fn engine(&mut self) -> Result<Engine, LoadError> {
        let mut articles: Vec<Article> = Vec::new();
        let mut contents: Vec<u128> = Vec::new();
        let mut problems: Vec<Problem> = Vec::new();
        for f in self.files.values() {
            match &f.read {
                Ok(a) => {
                    articles.push(a.clone());
                    contents.push(f.content.unwrap_or_default());
                }
                Err(p) => problems.push(p.clone()),
            }
        }
        if articles.is_empty() {
            return Err(LoadError::Empty(self.dir.display().to_string()));
        }
        // A copy under another name is one source, not two.
        let content_of: std::collections::HashMap<String, u128> = articles
            .iter()
            .map(|a| a.id.clone())
            .zip(contents.iter().copied())
            .collect();
        let (mut articles, duplicates) = corpus::dedupe(articles);
        let contents: Vec<u128> = articles.iter().map(|a| content_of[&a.id]).collect();
        let t = Instant::now();
        corpus::estimate_dates(&mut articles);
        let (learnt, hits) = self.extractor.learn_names(&articles);
        let learn_ms = t.elapsed().as_millis() as u64;
        let index = LearntIndex::new(&learnt);
        let keys: Vec<u128> = articles
            .iter()
            .zip(&contents)
            .map(|(a, c)| self.key(a, *c, &index))
            .collect();
        let key_ms = t.elapsed().as_millis() as u64 - learn_ms;
        let missing: Vec<usize> = (0..articles.len())
            .filter(|&i| !self.extractions.contains_key(&keys[i]))
            .collect();
        let fresh = extract_parallel(&self.extractor, &articles, &missing, &learnt);
        for (i, x) in missing.iter().zip(fresh) {
            self.extractions.insert(keys[*i], Arc::new(x));
        }
        let parts: Vec<Extraction> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let mut part = (*self.extractions[k]).clone();
                for s in &mut part.sentences {
                    s.article = i;
                }
                part
            })
            .collect();
        // Entries no article uses any more would only grow the memory.
        let used: std::collections::HashSet<u128> = keys.iter().copied().collect();
        self.extractions.retain(|k, _| used.contains(k));
        self.stats = BuildStats {
            articles: articles.len(),
            reused: articles.len() - missing.len(),
            extracted: missing.len(),
        };
        let extract_ms = t.elapsed().as_millis() as u64 - learn_ms - key_ms;
        let extraction = self.extractor.assemble(hits, parts);
        let assemble_ms = t.elapsed().as_millis() as u64 - learn_ms - key_ms - extract_ms;
        let mut engine = Engine::assemble(
            self.config.clone(),
            articles,
            problems,
            self.extractor.clone(),
            extraction,
        )?;
        engine.set_origin(self.origin.clone());
        engine.set_duplicates(duplicates);
        tracing::debug!(
            learn_ms,
            key_ms,
            extract_ms,
            assemble_ms,
            table_ms =
                t.elapsed().as_millis() as u64 - learn_ms - key_ms - extract_ms - assemble_ms,
            "corpus built"
        );
        Ok(engine)
    }

    /// The cache key of one article's extraction: everything pass 2 reads.
    fn key(&self, article: &Article, content: u128, index: &LearntIndex<'_>) -> u128 {
        let mut h = Hash128::new();
        h.write(&self.config_key.to_le_bytes());
        h.write(article.id.as_bytes());
        h.write(&content.to_le_bytes());
        h.write(
            format!(
                "{:?}{}",
                article.date.map(|d| d.to_string()),
                article.date_estimated
            )
            .as_bytes(),
        );
        for (k, v) in index.relevant(article) {
            h.write(k.as_bytes());
            h.write(&[0]);
            h.write(v.as_bytes());
            h.write(&[0]);
        }
        h.finish()
    }

    /// Per-article extraction results by key, for the on-disk cache.
    pub(crate) fn extractions(&self) -> &HashMap<u128, Arc<Extraction>> {
        &self.extractions
    }

    /// Adds extraction results read from the on-disk cache.
    pub(crate) fn preload(&mut self, entries: impl IntoIterator<Item = (u128, Extraction)>) {
        for (k, x) in entries {
            self.extractions.entry(k).or_insert_with(|| Arc::new(x));
        }
    }

    /// Loads the on-disk cache at `path` (see [`cache`]); with `write`,
    /// [`Corpus::save_cache`] keeps it current. A cache that cannot be used
    /// is logged and ignored.
    pub fn use_cache(&mut self, path: &Path, write: bool) -> usize {
        self.cache_out = write.then(|| path.to_path_buf());
        match cache::load(self, path) {
            Ok(n) => n,
            Err(e) => {
                tracing::warn!(error = %e, "extraction cache not used");
                0
            }
        }
    }

    /// Writes the on-disk cache when this corpus writes one and the last
    /// build extracted something; logs a failure (the cache is an
    /// optimisation, never a reason to stop).
    pub fn save_cache(&self) -> Option<usize> {
        let path = self.cache_out.as_ref()?;
        if self.stats.extracted == 0 {
            return None;
        }
        match cache::save(self, path) {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, "cannot write the extraction cache");
                None
            }
        }
    }

    /// The key identifying the language and story files.
    pub(crate) fn config_key(&self) -> u128 {
        self.config_key
    }
}

/// Extracts the articles at `which` across the cores, results in order.
fn extract_parallel(
    extractor: &Extractor,
    articles: &[Article],
    which: &[usize],
    learnt: &Learnt,
) -> Vec<Extraction> {
    if which.is_empty() {
        return Vec::new();
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(which.len());
    let chunk = which.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = which
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|&i| extractor.extract_one(i, &articles[i], learnt))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("extraction thread panicked"))
            .collect()
    })
}

/// The learnt-name table indexed by each name's leading run of word
/// characters, which is how the tagger looks names up: by a text that
/// starts where a word starts.
struct LearntIndex<'a> {
    by_head: HashMap<&'a str, Vec<(&'a str, &'a str)>>,
}

impl<'a> LearntIndex<'a> {
    fn new(learnt: &'a Learnt) -> LearntIndex<'a> {
        let mut by_head: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
        for (k, v) in learnt {
            by_head
                .entry(head(k))
                .or_default()
                .push((k.as_str(), v.as_str()));
        }
        LearntIndex { by_head }
    }

    /// Every learnt entry whose name occurs in the article at a word start,
    /// sorted and deduplicated: a superset of what the tagger can look up.
    fn relevant(&self, article: &Article) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        let is_word = |c: char| c.is_alphanumeric() || c == '_' || "&'.-".contains(c);
        for s in &article.sentences {
            let norm = &*s.norm;
            let mut prev_word = false;
            for (i, c) in norm.char_indices() {
                let w = is_word(c);
                if w && !prev_word {
                    let rest = &norm[i..];
                    if let Some(cands) = self.by_head.get(head(rest)) {
                        out.extend(cands.iter().filter(|(k, _)| rest.starts_with(k)));
                    }
                }
                prev_word = w;
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The leading run of word characters (`\w`) of a text.
fn head(s: &str) -> &str {
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
        .map_or(s.len(), |(i, _)| i);
    &s[..end]
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or("?".into(), |n| n.to_string_lossy().into_owned())
}

/// 128 bits from two differently seeded SipHashes: no extra crate, and a
/// cache key collision is out of reach. (std does not promise the same
/// hash across Rust releases; the on-disk cache then misses, nothing worse.)
pub(crate) struct Hash128(
    std::collections::hash_map::DefaultHasher,
    std::collections::hash_map::DefaultHasher,
);

impl Hash128 {
    pub(crate) fn new() -> Hash128 {
        let mut a = std::collections::hash_map::DefaultHasher::new();
        let mut b = std::collections::hash_map::DefaultHasher::new();
        0xfac7_u32.hash(&mut a);
        0xde5c_u32.hash(&mut b);
        Hash128(a, b)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
        self.1.write(bytes);
        self.0.write_usize(bytes.len());
        self.1.write_usize(bytes.len());
    }

    pub(crate) fn finish(&self) -> u128 {
        (u128::from(self.0.finish()) << 64) | u128::from(self.1.finish())
    }

    pub(crate) fn of(bytes: &[u8]) -> u128 {
        let mut h = Hash128::new();
        h.write(bytes);
        h.finish()
    }
}

/// What the watcher calls after each swap, with the new engine and what
/// changed (also recorded in the new engine's history when it matters).
pub type OnSwap = Box<dyn Fn(&Engine, &diff::Diff) + Send>;

/// Watches `corpus`'s folder every `every` (debounced: a change is taken
/// once the folder has been quiet for one more short look, so a file being
/// written is read whole), and swaps a new engine into `shared` after each
/// change. Runs on its own thread until `shared` is dropped.
pub fn watch(
    mut corpus: Corpus,
    shared: &Arc<Shared>,
    every: Duration,
    on_swap: Option<OnSwap>,
) -> std::thread::JoinHandle<()> {
    shared.set_corpus_dir(corpus.dir());
    let weak = Arc::downgrade(shared);
    std::thread::Builder::new()
        .name("factdesk-watch".into())
        .spawn(move || {
            let mut last_save: Option<Instant> = None;
            loop {
            std::thread::sleep(every);
            let Some(shared) = weak.upgrade() else {
                return;
            };
            let mut changes = match corpus.refresh() {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the corpus folder; still serving the previous table");
                    continue;
                }
            };
            if changes.is_empty() {
                continue;
            }
            // Debounce: settle bursts (a copy of many files, an editor's
            // save in steps) into one rebuild.
            for _ in 0..10 {
                std::thread::sleep(DEBOUNCE);
                match corpus.refresh() {
                    Ok(more) if more.is_empty() => break,
                    Ok(more) => merge_changes(&mut changes, more),
                    Err(_) => break,
                }
            }
            let started = Instant::now();
            match corpus.engine() {
                Ok(mut engine) => {
                    let old = shared.load();
                    let d = diff::diff(&old, &engine, &changes, diff::now());
                    engine.record(&old, Some(d.clone()));
                    let engine = Arc::new(engine);
                    shared.store(engine.clone());
                    let stats = corpus.stats();
                    tracing::info!(
                        added = changes.added.len(),
                        changed = changes.changed.len(),
                        removed = changes.removed.len(),
                        broken = changes.broken.len(),
                        articles = stats.articles,
                        extracted = stats.extracted,
                        facts = engine.facts().len(),
                        changes = d.changes.len(),
                        ms = started.elapsed().as_millis() as u64,
                        "corpus changed; new fact table in force"
                    );
                    if let Some(f) = &on_swap {
                        f(&engine, &d);
                    }
                    // Rewriting a large cache costs seconds of CPU: at most
                    // once per CACHE_EVERY. A restart re-extracts only the
                    // few articles a skipped write missed.
                    if last_save.map_or(true, |t| t.elapsed() >= CACHE_EVERY) && corpus.save_cache().is_some() {
                        last_save = Some(Instant::now());
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot rebuild; still serving the previous table")
                }
            }
            }
        })
        .expect("cannot start the corpus watcher thread")
}

/// The watcher writes the on-disk cache at most this often.
const CACHE_EVERY: Duration = Duration::from_secs(60);

/// How long the folder must stay quiet before a change is taken.
const DEBOUNCE: Duration = Duration::from_millis(150);

fn merge_changes(into: &mut Changes, more: Changes) {
    into.added.extend(more.added);
    into.changed.extend(more.changed);
    into.removed.extend(more.removed);
    into.broken.extend(more.broken);
    for v in [
        &mut into.added,
        &mut into.changed,
        &mut into.removed,
        &mut into.broken,
    ] {
        v.sort();
        v.dedup();
    }
}
