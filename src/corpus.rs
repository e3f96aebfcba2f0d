//! Corpus: article files in, [`Article`]s with metadata and sentences out.
//!
//! First stage of the pipeline. It understands the shapes articles arrive in
//! (YAML front matter, a leading `date YYYY-MM-DD` line, a repeated title,
//! bullets, site boilerplate, a markdown source link, non-breaking spaces,
//! curly quotes) and splits paragraphs into sentences without breaking on
//! "U.S.", "version 2.5" or inside a quotation. Every sentence keeps its byte
//! span in the original file, so a citation quotes the article verbatim.
//!
//! A bad file (unreadable, binary, empty, not UTF-8, too large) becomes a
//! [`Problem`] naming the file and, where it can, the line; the other
//! articles are still served.

use std::path::Path;
use std::sync::Arc;

use regex::Regex;
use serde::Serialize;

use crate::config::{ConfigError, CorpusConfig};
use crate::date::{month_from_name, Date};

/// One article as read from its file.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// The file name, which is the article's id in citations.
    pub id: String,
    /// Headline, where the text gives one.
    pub title: Option<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// The date is an estimate (from dates in the text or a neighbouring
    /// article), not the article's own metadata.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub date_estimated: bool,
    /// Author, where a header gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Publisher.
    pub outlet: Option<String>,
    /// Link to the original.
    pub url: Option<String>,
    /// Sentences in reading order (headings included, marked).
    pub sentences: Vec<Sentence>,
}

/// One sentence of an article.
#[derive(Debug, Clone, Serialize)]
pub struct Sentence {
    /// Position in the article, from 0.
    pub index: usize,
    /// Byte span in the original file.
    pub span: (usize, usize),
    /// The sentence exactly as written (trimmed); shared with the evidence
    /// that quotes it.
    pub text: Arc<str>,
    /// The sentence with typography folded (curly quotes, non-breaking
    /// spaces), which is what the rules match against. The same allocation
    /// as `text` when folding changes nothing (most sentences).
    #[serde(skip)]
    pub norm: Arc<str>,
    /// A headline or section heading rather than running text.
    pub heading: bool,
    /// Paragraph number, for resolving references across sentences.
    #[serde(skip)]
    pub paragraph: usize,
}

/// A file that could not be read as an article.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// The line, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Why an entry named like an article cannot be opened, in words: a broken
/// or looping symbolic link says so rather than "No such file".
fn unreadable(path: &Path, e: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match (is_link, e.kind()) {
        (true, std::io::ErrorKind::NotFound) => {
            "dangling symbolic link (its target does not exist)".into()
        }
        (true, _) => format!("symbolic link that cannot be followed (a loop?): {e}"),
        _ => format!("cannot read: {e}"),
    }
}

/// What a non-regular, non-folder entry is.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

/// The compiled reading rules.
#[derive(Debug, Clone)]
pub struct Reader {
    max_bytes: u64,
    extensions: Vec<String>,
    abbreviations: Vec<String>,
    boilerplate: Vec<Regex>,
    cut_from: Vec<Regex>,
    outlet_patterns: Vec<Regex>,
    outlet_names: Vec<(String, String)>,
    link: Regex,
    date_words: Regex,
    lede_date_words: Regex,
    dateline: Option<Regex>,
}

impl Reader {
    /// Compiles the corpus section of the config.
    pub fn new(cfg: &CorpusConfig) -> Result<Reader, ConfigError> {
        let compile =
            |what: &'static str, name: &str, ps: &[String]| -> Result<Vec<Regex>, ConfigError> {
                ps.iter()
                    .map(|p| {
                        Regex::new(p).map_err(|e| ConfigError::Pattern {
                            what,
                            name: name.to_string(),
                            message: e.to_string(),
                        })
                    })
                    .collect()
            };
        Ok(Reader {
            max_bytes: cfg.max_bytes,
            extensions: cfg.extensions.iter().map(|e| e.to_ascii_lowercase()).collect(),
            abbreviations: cfg.abbreviations.clone(),
            boilerplate: compile("boilerplate", "corpus.boilerplate", &cfg.boilerplate)?,
            cut_from: compile("boilerplate", "corpus.cut_from", &cfg.cut_from)?,
            outlet_patterns: compile("outlet pattern", "corpus.outlet_patterns", &cfg.outlet_patterns)?,
            outlet_names: cfg.outlet_names.iter().map(|(k, v)| (k.to_lowercase(), v.clone())).collect(),
            dateline: match &cfg.dateline {
                Some(p) => Some(Regex::new(p).map_err(|e| ConfigError::Pattern {
                    what: "dateline",
                    name: "corpus.dateline".to_string(),
                    message: e.to_string(),
                })?),
                None => None,
            },
            link: Regex::new(r"^\[([^\]]+)\]\((https?://[^)\s]+)\)\s*$").expect("static regex"),
            // "on Thursday, Nov. 2, 2023": a weekday marks the day of the news.
            lede_date_words: Regex::new(
                r"(?i)\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),? (jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.? (\d{1,2}),? (\d{4})\b",
            )
            .expect("static regex"),
            date_words: Regex::new(
                r"(?i)\b(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|November|December) (\d{4})\b|\b(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}), (\d{4})\b",
            )
            .expect("static regex"),
        })
    }

    /// Reads every article file in a folder, sorted by name. Files that fail
    /// are returned as problems; the folder itself failing is an error.
    pub fn read_dir(&self, dir: &Path) -> std::io::Result<(Vec<Article>, Vec<Problem>)> {
        // Every entry named like an article, whatever it is: a folder, a
        // FIFO or a broken link named `x.txt` is listed as skipped with the
        // reason, never silently ignored (nor opened: a FIFO would block).
        let names = self.list_dir(dir)?;
        let mut articles = Vec::new();
        let mut problems = Vec::new();
        for path in names {
            match self.read_file(&path) {
                Ok(a) => articles.push(a),
                Err(p) => problems.push(p),
            }
        }
        Ok((articles, problems))
    }

    fn read_file(&self, path: &Path) -> Result<Article, Problem> {
        let bytes = self.read_bytes(path)?;
        let name = path
            .file_name()
            .map_or("?".into(), |n| n.to_string_lossy().into_owned());
        self.parse_bytes(&name, &bytes)
    }

    /// The names `read_dir` would read, sorted: every entry of `dir` whose
    /// extension is an article's.
    pub fn list_dir(&self, dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
        let mut names: Vec<_> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| self.extensions.contains(&e.to_ascii_lowercase()))
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// A file's bytes, after the checks that need no parsing (a regular
    /// file, within `corpus.max_bytes`); `parse_bytes` does the rest.
    pub fn read_bytes(&self, path: &Path) -> Result<Vec<u8>, Problem> {
        let name = path
            .file_name()
            .map_or("?".into(), |n| n.to_string_lossy().into_owned());
        let problem = |line: Option<usize>, message: String| Problem {
            file: name.clone(),
            line,
            message,
        };
        let meta = std::fs::metadata(path).map_err(|e| problem(None, unreadable(path, &e)))?;
        if meta.is_dir() {
            return Err(problem(None, "a folder, not an article file".into()));
        }
        if !meta.is_file() {
            return Err(problem(
                None,
                format!("not a regular file ({})", special_kind(&meta)),
            ));
        }
        if meta.len() > self.max_bytes {
            return Err(problem(
                None,
                format!(
                    "{} bytes is over the {}-byte limit (corpus.max_bytes)",
                    meta.len(),
                    self.max_bytes
                ),
            ));
        }
        std::fs::read(path).map_err(|e| problem(None, format!("cannot read: {e}")))
    }

    /// Checks raw bytes (size, binary, UTF-8) and parses them.
    pub fn parse_bytes(&self, name: &str, bytes: &[u8]) -> Result<Article, Problem> {
        let problem = |line: Option<usize>, message: String| Problem {
            file: name.to_string(),
            line,
            message,
        };
        let line_of = |pos: usize| bytes[..pos].iter().filter(|&&b| b == b'\n').count() + 1;
        if bytes.len() as u64 > self.max_bytes {
            return Err(problem(
                None,
                format!(
                    "{} bytes is over the {}-byte limit",
                    bytes.len(),
                    self.max_bytes
                ),
            ));
        }
        if let Some(pos) = bytes.iter().position(|&b| b == 0) {
            return Err(problem(
                Some(line_of(pos)),
                "binary data (NUL byte), not an article".into(),
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            problem(
                Some(line_of(e.valid_up_to())),
                format!("not valid UTF-8: {e}"),
            )
        })?;
        self.parse(name, text)
    }

    /// Parses an article's text. Pure: tests call this with string fixtures.
    pub fn parse(&self, name: &str, text: &str) -> Result<Article, Problem> {
        let problem = |line: Option<usize>, message: &str| Problem {
            file: name.to_string(),
            line,
            message: message.to_string(),
        };
        if text.trim().is_empty() {
            return Err(problem(None, "empty article"));
        }
        let lines = split_lines(text);
        let mut article = Article {
            id: name.to_string(),
            title: None,
            date: None,
            date_estimated: false,
            author: None,
            outlet: None,
            url: None,
            sentences: Vec::new(),
        };
        let mut i = 0;
        let mut categories: Vec<String> = Vec::new();
        // YAML front matter: a `---` line, `key: value` lines, a closing `---`.
        if lines.first().is_some_and(|l| l.text.trim() == "---") {
            let close = lines.iter().skip(1).position(|l| l.text.trim() == "---");
            let Some(close) = close.map(|c| c + 1) else {
                return Err(problem(
                    Some(1),
                    "front matter opened with `---` is never closed",
                ));
            };
            let mut key = String::new();
            for l in &lines[1..close] {
                let t = l.text;
                if let Some(item) = t.trim_start().strip_prefix("- ") {
                    if matches!(
                        key.as_str(),
                        "categories" | "category" | "source" | "publisher" | "site"
                    ) {
                        categories.push(unquote(item).to_string());
                    }
                    continue;
                }
                let Some((k, v)) = t.split_once(':') else {
                    continue;
                };
                key = k.trim().to_ascii_lowercase();
                let v = unquote(v.trim());
                if v.is_empty() {
                    continue;
                }
                match key.as_str() {
                    "title" | "headline" => article.title = Some(v.to_string()),
                    "date" | "published" | "pubdate" => article.date = Date::parse_iso_prefix(v),
                    "url" | "link" | "source_url" | "canonical_url" => {
                        article.url = Some(v.to_string())
                    }
                    // `source:` holds a link as often as a name: a link is
                    // the URL, never the outlet a citation shows.
                    "source" if v.starts_with("http://") || v.starts_with("https://") => {
                        article.url.get_or_insert_with(|| v.to_string());
                    }
                    "outlet" | "publisher" | "site" => article.outlet = Some(v.to_string()),
                    "source" => {
                        article.outlet.get_or_insert_with(|| v.to_string());
                    }
                    _ => {}
                }
            }
            i = close + 1;
        }
        // Header lines as scrapers save them: `source: URL`, `date: ...`,
        // `title: ...`, `outlet: ...`, `author: ...` at the top, before the
        // first blank line. `unknown` (or `n/a`, `none`) means no value.
        let mut no_date = false;
        let mut header_title: Option<(usize, usize)> = None;
        while let Some(l) = lines.get(i) {
            let Some((k, v)) = l.text.split_once(':') else {
                break;
            };
            let key = k.trim().to_ascii_lowercase();
            let known = matches!(
                key.as_str(),
                "source"
                    | "url"
                    | "link"
                    | "canonical"
                    | "date"
                    | "published"
                    | "title"
                    | "headline"
                    | "outlet"
                    | "publisher"
                    | "site"
                    | "author"
                    | "byline"
            );
            if !known || k.contains(' ') {
                break;
            }
            let v = unquote(v.trim());
            let empty = v.is_empty()
                || matches!(
                    v.to_ascii_lowercase().as_str(),
                    "unknown" | "n/a" | "none" | "null" | "-"
                );
            if !empty {
                let is_url = v.starts_with("http://") || v.starts_with("https://");
                match key.as_str() {
                    "source" | "url" | "link" | "canonical" if is_url => {
                        article.url = Some(v.to_string())
                    }
                    "source" | "outlet" | "publisher" | "site" => {
                        article.outlet = Some(v.to_string())
                    }
                    "date" | "published" => article.date = Date::parse_iso_prefix(v),
                    "title" | "headline" => {
                        article.title = Some(v.to_string());
                        // The headline is also read, as a heading, at its
                        // place in the file (citations quote it verbatim).
                        if let Some(off) = l.text.find(v) {
                            header_title = Some((l.start + off, v.len()));
                        }
                    }
                    "author" | "byline" => article.author = Some(v.to_string()),
                    _ => {}
                }
            } else if matches!(key.as_str(), "date" | "published") {
                no_date = true;
            }
            i += 1;
        }
        let _ = no_date;
        // Everything after the metadata, as (line, kind) before sentence splitting.
        let mut body: Vec<&Line> = Vec::new();
        let mut trailer = String::new();
        for l in &lines[i..] {
            let t = l.text.trim_matches(is_space);
            if body.is_empty() && article.date.is_none() {
                // A leading `date YYYY-MM-DD <rest>` line: the rest is often
                // site furniture that names the outlet.
                if let Some(rest) = t.strip_prefix("date ") {
                    if let Some(d) = Date::parse_iso_prefix(rest) {
                        article.date = Some(d);
                        trailer = rest[10..].trim().to_string();
                        continue;
                    }
                }
            }
            if self.cut_from.iter().any(|r| r.is_match(t)) {
                break;
            }
            if let Some(c) = self.link.captures(t) {
                article.url.get_or_insert_with(|| c[2].to_string());
                categories.push(c[1].to_string());
                continue;
            }
            if t.is_empty() || self.boilerplate.iter().any(|r| r.is_match(t)) {
                continue;
            }
            body.push(l);
        }
        // Outlet: explicit metadata, then telltale boilerplate, then the
        // link's host or the front matter's category.
        if article.outlet.is_none() {
            let whole = format!("{trailer}\n{text}");
            article.outlet = self.outlet_patterns.iter().find_map(|r| {
                r.captures(&whole)
                    .and_then(|c| c.name("outlet"))
                    .map(|m| m.as_str().to_string())
            });
        }
        if article.outlet.is_none() {
            if let Some(host) = article.url.as_deref().and_then(url_host) {
                article.outlet = Some(host.to_string());
            } else if let Some(c) = categories.first() {
                article.outlet = Some(c.clone());
            }
        }
        if let Some(o) = article.outlet.take() {
            let key = o.to_lowercase();
            let key = key.trim_start_matches("www.");
            let named = self
                .outlet_names
                .iter()
                .find(|(k, _)| key == k || key.starts_with(&format!("{k}.")))
                .map(|(_, v)| v.clone());
            article.outlet = Some(named.unwrap_or(o));
        }
        if article.date.is_none() {
            // No date of its own: the first full date the text gives, marked
            // as an estimate so "on Thursday" still resolves.
            article.date = self.find_date(&text[lines.get(i).map_or(0, |l| l.start)..]);
            article.date_estimated = article.date.is_some();
        }
        // The first line without sentence punctuation is the headline; a
        // repeat of it right after is dropped.
        let mut paragraph = 0;
        let mut k = 0;
        if article.title.is_none() {
            if let Some(first) = body.first() {
                if is_heading(first.text.trim_matches(is_space)) {
                    let t = first.text.trim_matches(is_space);
                    article.title = Some(t.trim_start_matches('#').trim().to_string());
                }
            }
        }
        if let Some((start, len)) = header_title {
            self.push_sentence(&mut article, start, &text[start..start + len], true, 0);
        }
        for l in body {
            let t = l.text.trim_matches(is_space);
            if k > 0 && article.title.as_deref() == Some(t) && article.sentences.len() <= 1 {
                continue;
            }
            k += 1;
            paragraph += 1;
            let lead = l.text.len() - l.text.trim_start_matches(is_space).len();
            let (start, content) = strip_bullet(l.start + lead, t);
            let bullet = content.len() < t.len() && !t.starts_with('#');
            // A bullet is running text even without a full stop; any other
            // line without one is a headline or section heading.
            if is_heading(content) && !bullet {
                self.push_sentence(&mut article, start, content, true, paragraph);
                continue;
            }
            for (s, e) in self.split_sentences(content) {
                self.push_sentence(&mut article, start + s, &content[s..e], false, paragraph);
            }
        }
        if article.sentences.iter().all(|s| s.heading) {
            return Err(problem(
                None,
                "no running text after removing metadata and boilerplate",
            ));
        }
        // Held for the engine's lifetime: no room left over from growing.
        article.sentences.shrink_to_fit();
        Ok(article)
    }

    fn push_sentence(
        &self,
        article: &mut Article,
        start: usize,
        text: &str,
        heading: bool,
        paragraph: usize,
    ) {
        let text = text.trim_matches(is_space);
        if text.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            return;
        }
        let mut norm = normalize(text);
        // "WASHINGTON, Dec 2 (Wire) - The regulator sued": the dateline is
        // blanked (offsets kept) so that it is never read as the subject.
        if let Some(m) = self.dateline.as_ref().and_then(|r| r.find(&norm)) {
            if m.start() == 0 && m.end() < norm.len() {
                let n = m.end();
                norm.replace_range(..n, &" ".repeat(n));
            }
        }
        let text: Arc<str> = text.into();
        let norm = if norm == *text {
            text.clone()
        } else {
            norm.into()
        };
        article.sentences.push(Sentence {
            index: article.sentences.len(),
            span: (start, start + text.len()),
            text,
            norm,
            heading,
            paragraph,
        });
    }

    fn find_date(&self, text: &str) -> Option<Date> {
        const LEDE_BYTES: usize = 400;
        // A weekday date in the lede is the news's day ("found guilty on
        // Thursday, Nov. 2, 2023"), whatever later dates the text gives
        // ("sentencing was set for March 28, 2024").
        let lede = text.get(..LEDE_BYTES).unwrap_or(text);
        if let Some(c) = self.lede_date_words.captures(lede) {
            return Date::ymd(
                c[3].parse().ok()?,
                month_from_name(&c[1])?,
                c[2].parse().ok()?,
            );
        }
        let c = self.date_words.captures(text)?;
        if let Some(d) = c.get(1) {
            Date::ymd(
                c[3].parse().ok()?,
                month_from_name(&c[2])?,
                d.as_str().parse().ok()?,
            )
        } else {
            Date::ymd(
                c[6].parse().ok()?,
                month_from_name(&c[4])?,
                c[5].parse().ok()?,
            )
        }
    }

    /// Splits a paragraph into sentences, as byte ranges into it.
    pub fn split_sentences(&self, para: &str) -> Vec<(usize, usize)> {
        let with_quotes = self.split_inner(para, true);
        // A quotation that never closes would swallow the paragraph: split
        // as if there were no quotes at all.
        if with_quotes.len() == 1 && para.len() > 600 {
            return self.split_inner(para, false);
        }
        with_quotes
    }

    fn split_inner(&self, para: &str, track_quotes: bool) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut depth: i32 = 0;
        let mut straight_open = false;
        let chars: Vec<(usize, char)> = para.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (pos, c) = chars[i];
            let was_inside = track_quotes && (depth > 0 || straight_open);
            match c {
                '“' => depth += 1,
                '”' => depth = (depth - 1).max(0),
                '"' => straight_open = !straight_open,
                _ => {}
            }
            let inside = track_quotes && (depth > 0 || straight_open);
            // A quotation that ends its sentence: `... appropriate." The
            // panel ...`.
            let closes_sentence =
                was_inside && !inside && i > 0 && matches!(chars[i - 1].1, '.' | '!' | '?');
            let (pos, c) = if closes_sentence {
                chars[i - 1]
            } else {
                (pos, c)
            };
            if matches!(c, '.' | '!' | '?') && !inside {
                // Take closing quotes and brackets with the sentence.
                let mut j = i + 1;
                while j < chars.len() && matches!(chars[j].1, '”' | '"' | '’' | '\'' | ')' | ']')
                {
                    if chars[j].1 == '"' {
                        straight_open = !straight_open;
                    }
                    j += 1;
                }
                let end = chars.get(j).map_or(para.len(), |x| x.0);
                let next_is_space = j >= chars.len() || is_space(chars[j].1);
                let mut k = j;
                while k < chars.len() && is_space(chars[k].1) {
                    k += 1;
                }
                let next = chars.get(k).map(|x| x.1);
                let starts_new = match next {
                    None => true,
                    Some(n) => {
                        n.is_uppercase()
                            || n.is_ascii_digit()
                            || matches!(n, '“' | '"' | '‘' | '(' | '[')
                    }
                };
                if next_is_space
                    && starts_new
                    && !(c == '.' && self.is_abbreviation(&para[start..pos]))
                {
                    out.push((start, end));
                    start = chars.get(k).map_or(para.len(), |x| x.0);
                    i = k;
                    continue;
                }
            }
            i += 1;
        }
        if start < para.len() && !para[start..].trim_matches(is_space).is_empty() {
            out.push((start, para.len()));
        }
        out
    }

    /// Whether the text before a period ends with an abbreviation or initial.
    fn is_abbreviation(&self, before: &str) -> bool {
        // "**Sept. 15**" in markdown: the emphasis is not part of the word.
        let word = before
            .rsplit(|c: char| is_space(c) || c == '(' || c == '“' || c == '"')
            .next()
            .unwrap_or("")
            .trim_start_matches(|c: char| !c.is_alphanumeric());
        if word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase()) {
            return true; // an initial: "J. Smith"
        }
        self.abbreviations.iter().any(|a| a == word)
    }
}

/// Gives each article without a date its nearest neighbour's (in file
/// order: the one before, else the one after), marked as an estimate. A
/// wire dateline's day ("WASHINGTON, Jan 17 (Wire) -") is nearer the truth
/// than a neighbour's: it is taken in the year that puts it closest to the
/// neighbour's date.
pub fn estimate_dates(articles: &mut [Article]) {
    let known: Vec<Option<Date>> = articles.iter().map(|a| a.date).collect();
    for (i, a) in articles.iter_mut().enumerate() {
        if a.date.is_some() {
            continue;
        }
        let before = known[..i].iter().rev().find_map(|d| *d);
        let after = known[i + 1..].iter().find_map(|d| *d);
        if let Some(d) = before.or(after) {
            let dated = dateline_day(a).and_then(|(month, day)| {
                (d.year - 1..=d.year + 1)
                    .filter_map(|y| Date::ymd(y, month, day))
                    .min_by_key(|c| (c.to_days() - d.to_days()).abs())
            });
            a.date = Some(dated.or_else(|| lede_date(a)).unwrap_or(d));
            a.date_estimated = true;
        }
    }
}

/// A full date with its year in the article's first two sentences ("on
/// Friday, Oct. 25, 2024, Globex sued ..."): a lede dates its news.
fn lede_date(a: &Article) -> Option<Date> {
    a.sentences
        .iter()
        .filter(|s| !s.heading)
        .take(2)
        .find_map(|s| {
            let words: Vec<&str> = s
                .text
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .collect();
            words.windows(4).find_map(|w| {
                crate::date::weekday_from_name(w[0])?;
                let month = month_from_name(w[1].trim_end_matches('.'))?;
                let day: u32 = w[2]
                    .trim_end_matches(['s', 't', 'n', 'd', 'r', 'h'])
                    .parse()
                    .ok()?;
                let year: i32 = w[3].trim_end_matches(['.', ';', ')']).parse().ok()?;
                ((1900..=2100).contains(&year)).then(|| Date::ymd(year, month, day))?
            })
        })
}

/// The month and day of the article's wire dateline, if its first sentence
/// opens with one (the dateline is blanked in the sentence's `norm`).
fn dateline_day(a: &Article) -> Option<(u32, u32)> {
    let s = a.sentences.iter().find(|s| !s.heading)?;
    let blank = s.norm.len() - s.norm.trim_start().len();
    let head = s.text.get(..blank)?;
    let words: Vec<&str> = head
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(')
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).find_map(|w| {
        let month = month_from_name(w[0])?;
        let day: u32 = w[1].parse().ok()?;
        (1..=31).contains(&day).then_some((month, day))
    })
}

struct Line<'a> {
    start: usize,
    text: &'a str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in text.split_inclusive('\n') {
        let t = part.trim_end_matches(['\n', '\r']);
        out.push(Line { start, text: t });
        start += part.len();
    }
    out
}

/// Whitespace including the non-breaking space news sites sprinkle around.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}' || c == '\u{feff}'
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

fn url_host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(
        rest.split(['/', '?', '#', ':'])
            .next()?
            .trim_start_matches("www."),
    )
}

fn ends_sentence(t: &str) -> bool {
    t.trim_end_matches(is_space)
        .ends_with(['.', '!', '?', '"', '”', ')', '’'])
}

/// A short line with no closing punctuation: a headline or section heading.
fn is_heading(t: &str) -> bool {
    !t.is_empty() && t.len() < 300 && !ends_sentence(t)
}

fn strip_bullet(start: usize, t: &str) -> (usize, &str) {
    // Markdown headings: "## What's next" is the heading "What's next".
    if t.starts_with('#') {
        let rest = t.trim_start_matches('#');
        if rest.starts_with(' ') {
            let rest_trim = rest.trim_start_matches(is_space);
            return (start + (t.len() - rest_trim.len()), rest_trim);
        }
    }
    for marker in ["• ", "- ", "* ", "– ", "· ", "— "] {
        if let Some(rest) = t.strip_prefix(marker) {
            let rest_trim = rest.trim_start_matches(is_space);
            return (start + (t.len() - rest_trim.len()), rest_trim);
        }
    }
    (start, t)
}

/// An article file that is a copy of another, counted once.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Duplicate {
    /// The copy (not read as a source).
    pub file: String,
    /// The article it copies, which is kept.
    pub original: String,
    /// Why they are one source.
    pub reason: DuplicateReason,
}

/// Why two files are one source.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DuplicateReason {
    /// Both name the same canonical URL.
    SameUrl,
    /// Their text is the same once typography, case and spacing are folded.
    SameText,
}

impl std::fmt::Display for Duplicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = match self.reason {
            DuplicateReason::SameUrl => "same URL",
            DuplicateReason::SameText => "same text",
        };
        write!(f, "{}: duplicate of {} ({why})", self.file, self.original)
    }
}

/// A URL as the same article is linked in many ways: no scheme, no `www.`,
/// host in lower case, no fragment, no tracking parameters, no trailing `/`.
pub fn canonical_url(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split('#').next().unwrap_or(rest);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = path.split_once('/').unwrap_or((path, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let params: Vec<&str> = query
        .split('&')
        .filter(|p| {
            !p.is_empty()
                && !p.starts_with("utm_")
                && !["ref=", "fbclid=", "gclid=", "cmpid=", "mc_cid=", "mc_eid="]
                    .iter()
                    .any(|t| p.starts_with(t))
        })
        .collect();
    let mut out = format!("{host}/{}", path.trim_end_matches('/'));
    if !params.is_empty() {
        out.push('?');
        out.push_str(&params.join("&"));
    }
    Some(out.trim_end_matches('/').to_string())
}

/// The article's running text folded for comparison: letters and digits in
/// lower case, one space between words.
fn text_key(a: &Article) -> String {
    let mut out = String::new();
    for s in a.sentences.iter().filter(|s| !s.heading) {
        for w in s
            .norm
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(w.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// Keeps one article per canonical URL and per folded text: a copy saved
/// under another name is one source, not two. The first in name order is
/// the original, unless a copy with the same URL is dated later (an
/// updated version), which then replaces it.
pub fn dedupe(articles: Vec<Article>) -> (Vec<Article>, Vec<Duplicate>) {
    use std::collections::HashMap;
    let mut kept: Vec<Article> = Vec::new();
    let mut duplicates = Vec::new();
    let mut by_url: HashMap<String, usize> = HashMap::new();
    let mut by_text: HashMap<String, usize> = HashMap::new();
    for a in articles {
        let url = a.url.as_deref().and_then(canonical_url);
        let text = text_key(&a);
        let same_url = url.as_ref().and_then(|u| by_url.get(u)).copied();
        let same_text = by_text.get(&text).copied().filter(|_| !text.is_empty());
        let (at, reason) = match (same_url, same_text) {
            (Some(i), _) => (i, DuplicateReason::SameUrl),
            (None, Some(i)) => (i, DuplicateReason::SameText),
            (None, None) => {
                if let Some(u) = url {
                    by_url.insert(u, kept.len());
                }
                if !text.is_empty() {
                    by_text.insert(text, kept.len());
                }
                kept.push(a);
                continue;
            }
        };
        let newer = reason == DuplicateReason::SameUrl
            && matches!((a.date, kept[at].date), (Some(n), Some(o)) if n > o);
        let (file, original) = if newer {
            by_text.insert(text, at);
            let old = std::mem::replace(&mut kept[at], a);
            (old.id, kept[at].id.clone())
        } else {
            (a.id, kept[at].id.clone())
        };
        duplicates.push(Duplicate {
            file,
            original,
            reason,
        });
    }
    (kept, duplicates)
}

/// Folds typography so rules see plain ASCII punctuation and spaces.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let c = match c {
            '’' | '‘' | '′' => '\'',
            '“' | '”' | '″' => '"',
            '–' | '—' => '-',
            c if is_space(c) => ' ',
            c => c,
        };
        if matches!(c, ',' | ';' | ':') && last_space && out.ends_with(' ') {
            // "Acme , Globex": a stray space before punctuation.
            out.pop();
        }
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_article_linked_in_many_ways_has_one_canonical_url() {
        let want = canonical_url("https://example.com/a/b").unwrap();
        for u in [
            "http://www.Example.com/a/b/",
            "https://example.com/a/b?utm_source=x&utm_medium=y",
            "https://example.com/a/b#comments",
        ] {
            assert_eq!(canonical_url(u).unwrap(), want, "{u}");
        }
        assert_ne!(canonical_url("https://example.com/a/b?id=2").unwrap(), want);
        assert_eq!(canonical_url("not a url"), None);
    }

    fn reader() -> Reader {
        Reader::new(&CorpusConfig {
            abbreviations: vec!["U.S".into(), "Inc".into(), "Mr".into()],
            boilerplate: vec!["^Subscribe$".into(), "syndicated feed".into()],
            cut_from: vec!["^Leave a Reply$".into()],
            outlet_patterns: vec![
                r"(?P<outlet>[A-Z]\w+) content and product recommendations".into()
            ],
            outlet_names: [("example.com".to_string(), "Example News".to_string())]
                .into_iter()
                .collect(),
            ..CorpusConfig::default()
        })
        .unwrap()
    }

    fn sentences(a: &Article) -> Vec<&str> {
        a.sentences.iter().map(|s| &*s.text).collect()
    }

    #[test]
    fn splitting_survives_abbreviations_decimals_and_quotes() {
        let r = reader();
        let split = |para: &'static str| -> Vec<&'static str> {
            r.split_sentences(para)
                .into_iter()
                .map(|(s, e)| &para[s..e])
                .collect()
        };
        assert_eq!(
            split("Acme Inc. sold 1.5 per cent more in the U.S. market. Mr. Smith left. “We won. We are glad,” Jo said. Next one."),
            vec![
                "Acme Inc. sold 1.5 per cent more in the U.S. market.",
                "Mr. Smith left.",
                "“We won. We are glad,” Jo said.",
                "Next one."
            ]
        );
        // A quotation that ends its sentence ends it.
        assert_eq!(
            split("Jo asked the panel to act \"if it is appropriate.\" The panel was given 45 days. He said: “We won.” Next one."),
            vec![
                "Jo asked the panel to act \"if it is appropriate.\"",
                "The panel was given 45 days.",
                "He said: “We won.”",
                "Next one."
            ]
        );
    }

    #[test]
    fn front_matter_link_and_title_are_metadata() {
        let text = "---\ntitle: \"Big news\"\ndate: \"2025-02-12 00:35:28\"\ncategories:\n  - \"example\"\n---\n\nAcme bought Globex.\u{a0}\n[example](https://www.example.com/a)\n";
        let a = reader().parse("a.txt", text).unwrap();
        assert_eq!(a.title.as_deref(), Some("Big news"));
        assert_eq!(a.date.unwrap().to_string(), "2025-02-12");
        assert_eq!(a.url.as_deref(), Some("https://www.example.com/a"));
        assert_eq!(a.outlet.as_deref(), Some("Example News"));
        assert_eq!(sentences(&a), vec!["Acme bought Globex."]);
    }

    #[test]
    fn date_line_repeated_title_bullets_and_boilerplate() {
        let text = " date 2025-02-13 Wired content and product recommendations are editorially independent.\nAcme Buys Globex\n\nAcme Buys Globex\n\n  • Globex agreed\nAcme bought Globex on Monday.\nSubscribe\nLeave a Reply\nNot an article line.";
        let a = reader().parse("b.txt", text).unwrap();
        assert_eq!(a.date.unwrap().to_string(), "2025-02-13");
        assert_eq!(a.outlet.as_deref(), Some("Wired"));
        assert_eq!(a.title.as_deref(), Some("Acme Buys Globex"));
        assert_eq!(
            sentences(&a),
            vec![
                "Acme Buys Globex",
                "Globex agreed",
                "Acme bought Globex on Monday."
            ]
        );
        assert!(a.sentences[0].heading);
        assert!(!a.sentences[1].heading, "a bullet is running text");
    }

    #[test]
    fn spans_quote_the_original_bytes() {
        let text = "Head Line\n\nIt’s “curly”\u{a0}text. And more.";
        let a = reader().parse("c.txt", text).unwrap();
        for s in &a.sentences {
            assert_eq!(&text[s.span.0..s.span.1], &*s.text);
        }
        assert_eq!(&*a.sentences[1].norm, "It's \"curly\" text.");
    }

    #[test]
    fn bad_files_are_problems_with_lines() {
        let r = reader();
        assert_eq!(
            r.parse_bytes("e.txt", b"  \n").unwrap_err().message,
            "empty article"
        );
        let p = r.parse_bytes("bin.txt", b"ok\nline\0two").unwrap_err();
        assert_eq!(p.line, Some(2));
        let p = r
            .parse_bytes("u.txt", b"ok\nok\nbad \xff here")
            .unwrap_err();
        assert_eq!(p.line, Some(3));
        assert!(p.message.contains("UTF-8"));
        let p = r.parse("fm.txt", "---\ntitle: x\n").unwrap_err();
        assert_eq!(
            (p.line, p.message.contains("never closed")),
            (Some(1), true)
        );
    }
}

#[cfg(test)]
mod dateline_tests {
    use super::*;

    #[test]
    fn an_undated_article_takes_its_first_full_date_abbreviated_or_not() {
        let r = Reader::new(&CorpusConfig::default()).unwrap();
        let a = r
            .parse(
                "a.txt",
                "Globex convicted\n\nDana Roe was found guilty on Thursday, Nov. 2, 2023. Sentencing was set for March 28, 2024.\n",
            )
            .unwrap();
        assert_eq!(a.date, Date::ymd(2023, 11, 2));
        assert!(a.date_estimated);
    }

    #[test]
    fn an_undated_wire_story_takes_its_datelines_day_in_the_nearest_year() {
        let r = Reader::new(&CorpusConfig {
            dateline: Some(r"^[A-Z]+, [A-Z][a-z]+ \d{1,2} \([^)]+\) - ".into()),
            ..CorpusConfig::default()
        })
        .unwrap();
        let dated = r
            .parse("a.txt", "date: 2024-12-06\n\nGlobex sued.\n")
            .unwrap();
        let wire = r
            .parse(
                "b.txt",
                "date: unknown\n\nLONDON, Jan 17 (Wire) - The court ruled on Friday.\n",
            )
            .unwrap();
        let plain = r
            .parse("c.txt", "date: unknown\n\nThe court ruled.\n")
            .unwrap();
        let mut all = vec![dated, wire, plain];
        estimate_dates(&mut all);
        assert_eq!(all[1].date, Date::ymd(2025, 1, 17));
        assert!(all[1].date_estimated);
        assert_eq!(all[2].date, Date::ymd(2024, 12, 6), "a neighbour's date");
    }
}
