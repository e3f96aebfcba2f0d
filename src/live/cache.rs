//! The on-disk cache of per-article extraction results, so a restart
//! re-extracts only what changed.
//!
//! One file next to the articles, `.factdesk-cache.json` in the corpus
//! folder (the reader only looks at article extensions, so it is never
//! read as an article). It holds the key of the language and story files
//! and, per article, the extraction keyed as [`super::Corpus`] keys it (the
//! article's name, bytes, date and the learnt names it contains). A cache
//! written for other language or story files, another build, or in another
//! format is ignored as a whole, with a log line: the worst a stale cache
//! can do is cost an extraction. `factdesk build` and the gateway bot write
//! it (to a temporary file, then renamed, so a reader never sees half of
//! it); `serve` replicas only read it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Corpus;
use crate::extract::Extraction;

/// Bumped when the cached format changes; part of every key.
pub const FORMAT: &str = "factdesk-extraction-cache-3";
/// The cache's file name inside the corpus folder.
pub const FILE_NAME: &str = ".factdesk-cache.json";

/// Why the cache could not be used or written.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Reading or writing failed.
    #[error("cache {path}: {source}")]
    Io {
        /// The cache file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not a cache this build can read.
    #[error("cache {path} is unreadable ({message}); it will be rebuilt")]
    Format {
        /// The cache file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Written for other language or story files, or another build.
    #[error("cache {0} was written for other language/story files or another build; not used")]
    Stale(String),
}

#[derive(Deserialize)]
struct File {
    format: String,
    config: String,
    entries: BTreeMap<String, Extraction>,
}

/// [`File`] as written: borrowed, so saving copies nothing.
#[derive(Serialize)]
struct FileOut<'a> {
    format: &'a str,
    config: String,
    entries: BTreeMap<String, &'a Extraction>,
}

/// The default cache file of a corpus folder.
pub fn path_for(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// Loads the cache at `path` into `corpus`; returns how many entries.
/// A missing file is 0 entries, not an error.
pub fn load(corpus: &mut Corpus, path: &Path) -> Result<usize, CacheError> {
    let shown = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(source) => {
            return Err(CacheError::Io {
                path: shown,
                source,
            })
        }
    };
    let file: File = serde_json::from_slice(&text).map_err(|e| CacheError::Format {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    if file.format != FORMAT || file.config != format!("{:032x}", corpus.config_key()) {
        return Err(CacheError::Stale(shown));
    }
    let n = file.entries.len();
    corpus.preload(
        file.entries
            .into_iter()
            .filter_map(|(k, x)| u128::from_str_radix(&k, 16).ok().map(|k| (k, x))),
    );
    Ok(n)
}

/// Writes `corpus`'s extractions to `path` (a temporary file renamed into
/// place); returns how many entries.
pub fn save(corpus: &Corpus, path: &Path) -> Result<usize, CacheError> {
    let io = |source| CacheError::Io {
        path: path.display().to_string(),
        source,
    };
    let file = FileOut {
        format: FORMAT,
        config: format!("{:032x}", corpus.config_key()),
        entries: corpus
            .extractions()
            .iter()
            .map(|(k, x)| (format!("{k:032x}"), &**x))
            .collect(),
    };
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let bytes = serde_json::to_vec(&file).map_err(|e| io(std::io::Error::other(e)))?;
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })?;
    Ok(file.entries.len())
}
