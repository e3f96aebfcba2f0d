//! A news page's HTML to an article: title, date, outlet, author, canonical
//! URL and the paragraphs of the story, without menus, ads, related links,
//! share bars or comment threads.
//!
//! Why our own extractor rather than a readability crate: the well-kept
//! ones pull a full HTML5 parser (html5ever and its build-time code
//! generation) into a bot that builds on 2-core machines, to recover what
//! news pages state plainly anyway: JSON-LD (`NewsArticle`), Open Graph and
//! `<link rel=canonical>` for the metadata, `<article>`/`<main>` and `<p>`
//! for the text. Pure functions over `&str`; the network is in
//! [`super::fetch`].
//!
//! Metadata: JSON-LD first (what publishers maintain for search engines),
//! then meta tags, then `<title>`/`<h1>`. Text: paragraphs, headings and
//! list items inside `<article>` (else `<main>`, else the whole body),
//! skipping `nav`, `header`, `footer`, `aside`, `form`, `script`, `style`
//! and any element whose class, id or role says it is navigation, an ad,
//! a promo, related links, sharing, a newsletter box or comments.

use serde_json::Value;

use crate::date::Date;

/// What a page holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    /// Headline.
    pub title: Option<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// Publisher.
    pub outlet: Option<String>,
    /// Author(s), comma-separated.
    pub author: Option<String>,
    /// The page's canonical URL.
    pub canonical: Option<String>,
    /// The story's paragraphs, in order.
    pub paragraphs: Vec<String>,
}

impl Page {
    /// The article file: `key: value` header lines, a blank line, the
    /// paragraphs separated by blank lines. `source` is the URL fetched,
    /// used when the page names no canonical URL.
    pub fn to_article(&self, source: &str) -> String {
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut out = format!(
            "source: {}\n",
            one_line(self.canonical.as_deref().unwrap_or(source))
        );
        out.push_str(&format!(
            "date: {}\n",
            self.date.map_or("unknown".to_string(), |d| d.to_string())
        ));
        if let Some(t) = &self.title {
            out.push_str(&format!("title: {}\n", one_line(t)));
        }
        if let Some(o) = &self.outlet {
            out.push_str(&format!("outlet: {}\n", one_line(o)));
        }
        if let Some(a) = &self.author {
            out.push_str(&format!("author: {}\n", one_line(a)));
        }
        out.push('\n');
        out.push_str(&self.paragraphs.join("\n\n"));
        out.push('\n');
        out
    }

    /// The story's text as one normalised string (duplicate detection).
    pub fn text(&self) -> String {
        self.paragraphs.join(" ")
    }
}

/// Elements never holding the story.
const SKIPPED: &[&str] = &[
    "nav", "header", "footer", "aside", "form", "button", "select", "figure", "noscript",
    "template", "svg", "iframe", "dialog", "menu",
];
/// Elements whose text is raw (never parsed for tags).
const RAW: &[&str] = &["script", "style", "noscript", "template", "textarea", "svg"];
/// Elements with no closing tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements whose text is one block of the story.
const BLOCKS: &[&str] = &["p", "h2", "h3", "h4", "li", "blockquote", "pre"];
/// Words in a class, id or role that mark page furniture.
const FURNITURE: &[&str] = &[
    "nav",
    "navbar",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "sponsor",
    "sponsored",
    "promo",
    "related",
    "recommended",
    "more-stories",
    "share",
    "sharing",
    "social",
    "newsletter",
    "subscribe",
    "signup",
    "sidebar",
    "comments",
    "comment",
    "disqus",
    "footer",
    "header",
    "cookie",
    "banner",
    "popup",
    "modal",
    "navigation",
    "complementary",
    "contentinfo",
    "byline",
    "caption",
    "tags",
    "author-bio",
];

struct Open {
    name: String,
    skip: bool,
    article: bool,
}

/// Parses a page.
pub fn parse(html: &str) -> Page {
    let mut page = Page::default();
    let mut meta = Meta::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut blocks: Vec<(String, bool)> = Vec::new();
    let mut block: Option<String> = None;
    let mut title_text: Option<String> = None;
    let mut in_title = false;
    let mut h1: Option<String> = None;
    let mut in_h1: Option<String> = None;
    let mut i = 0;
    let b = html.as_bytes();
    let skipping = |stack: &[Open]| stack.iter().any(|o| o.skip);
    let in_article = |stack: &[Open]| stack.iter().any(|o| o.article);
    while i < b.len() {
        if b[i] != b'<' {
            let end = html[i..].find('<').map_or(html.len(), |j| i + j);
            let text = &html[i..end];
            if in_title {
                title_text.get_or_insert_with(String::new).push_str(text);
            }
            if let Some(h) = in_h1.as_mut() {
                h.push_str(text);
            }
            if !skipping(&stack) {
                if let Some(bl) = block.as_mut() {
                    bl.push_str(text);
                }
            }
            i = end;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(html.len(), |j| i + j + 3);
            continue;
        }
        if html[i..].starts_with("<!") || html[i..].starts_with("<?") {
            i = html[i..].find('>').map_or(html.len(), |j| i + j + 1);
            continue;
        }
        let Some(tag) = Tag::parse(&html[i..]) else {
            // A lone '<' in text.
            if let Some(bl) = block.as_mut() {
                bl.push('<');
            }
            i += 1;
            continue;
        };
        i += tag.len;
        let name = tag.name.as_str();
        if tag.closing {
            match name {
                "title" => in_title = false,
                "h1" => {
                    if let Some(h) = in_h1.take() {
                        h1.get_or_insert(h);
                    }
                }
                _ => {}
            }
            if BLOCKS.contains(&name) {
                if let Some(text) = block.take() {
                    blocks.push((text, in_article(&stack)));
                }
            }
            if let Some(pos) = stack.iter().rposition(|o| o.name == name) {
                stack.truncate(pos);
            }
            continue;
        }
        match name {
            "meta" => meta.meta(&tag),
            "link" => meta.link(&tag),
            "title" => in_title = true,
            "h1" if !skipping(&stack) => in_h1 = Some(String::new()),
            "br" => {
                if let Some(bl) = block.as_mut() {
                    bl.push(' ');
                }
            }
            _ => {}
        }
        if RAW.contains(&name) {
            let close = format!("</{name}");
            let rest = &html[i..];
            let end = find_ci(rest, &close).unwrap_or(rest.len());
            if name == "script" && tag.attr("type").is_some_and(|t| t.contains("ld+json")) {
                meta.json_ld(&rest[..end]);
            }
            i += end;
            i = html[i..].find('>').map_or(html.len(), |j| i + j + 1);
            continue;
        }
        if VOID.contains(&name) || tag.self_closing {
            continue;
        }
        if BLOCKS.contains(&name) {
            // A block opening inside another ends it (unclosed <p>).
            if let Some(text) = block.take() {
                blocks.push((text, in_article(&stack)));
            }
            block = Some(String::new());
        }
        let skip = SKIPPED.contains(&name) || tag.is_furniture();
        let article = name == "article" || name == "main" || tag.attr("role") == Some("main");
        stack.push(Open {
            name: name.to_string(),
            skip,
            article,
        });
    }
    if let Some(text) = block.take() {
        blocks.push((text, in_article(&stack)));
    }
    let any_in_article = blocks.iter().any(|(t, a)| *a && is_prose(&clean(t)));
    page.paragraphs = blocks
        .into_iter()
        .filter(|(_, a)| *a || !any_in_article)
        .map(|(t, _)| clean(&t))
        .filter(|t| is_prose(t))
        .collect();
    page.paragraphs.dedup();
    page.title = meta
        .ld_title
        .or(meta.og_title)
        .or(h1.map(|h| clean(&h)))
        .or(title_text.map(|t| clean(&t)))
        .filter(|t| !t.is_empty());
    page.date = meta
        .ld_date
        .or(meta.meta_date)
        .and_then(|d| Date::parse_iso_prefix(&d));
    page.outlet = meta.ld_outlet.or(meta.og_site).filter(|s| !s.is_empty());
    page.author = meta
        .ld_author
        .or(meta.meta_author)
        .filter(|s| !s.is_empty());
    page.canonical = meta.canonical.or(meta.ld_url).or(meta.og_url);
    page
}

/// A paragraph of running text, not a label ("Share", "Advertisement").
fn is_prose(t: &str) -> bool {
    t.split_whitespace().count() >= 6
}

/// Entities decoded, whitespace collapsed.
fn clean(s: &str) -> String {
    decode(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Decodes the entities news pages use.
pub fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        let (entity, after) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], &rest[e + 1..]),
            _ => {
                out.push('&');
                rest = &rest[1..];
                continue;
            }
        };
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "rsquo" => Some('\u{2019}'),
            "lsquo" => Some('\u{2018}'),
            "rdquo" => Some('\u{201d}'),
            "ldquo" => Some('\u{201c}'),
            "mdash" => Some('\u{2014}'),
            "ndash" => Some('\u{2013}'),
            "hellip" => Some('\u{2026}'),
            "pound" => Some('£'),
            "euro" => Some('€'),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = after;
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// One start or end tag.
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, String)>,
    len: usize,
}

impl Tag {
    /// Parses the tag at the start of `s` (which starts with `<`).
    fn parse(s: &str) -> Option<Tag> {
        let b = s.as_bytes();
        let mut i = 1;
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b':') {
            i += 1;
        }
        if i == start || !b[start].is_ascii_alphabetic() {
            return None;
        }
        let name = s[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut self_closing = false;
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i) {
                None => return None,
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') => {
                    self_closing = true;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let k0 = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let key = s[k0..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = s[i + 1..].find(q as char)? + i + 1;
                        value = decode(&s[i + 1..end]);
                        i = end + 1;
                    }
                    _ => {
                        let v0 = i;
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                        value = decode(&s[v0..i]);
                    }
                }
            }
            if key.is_empty() {
                i += 1;
            } else {
                attrs.push((key, value));
            }
        }
        Some(Tag {
            name,
            closing,
            self_closing,
            attrs,
            len: i,
        })
    }

    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Class, id or role naming page furniture.
    fn is_furniture(&self) -> bool {
        ["class", "id", "role"].iter().any(|k| {
            self.attr(k).is_some_and(|v| {
                v.to_ascii_lowercase()
                    .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
                    .any(|w| FURNITURE.contains(&w))
            })
        }) || self.attr("aria-hidden") == Some("true")
    }
}

/// Metadata as found, by source.
#[derive(Default)]
struct Meta {
    ld_title: Option<String>,
    ld_date: Option<String>,
    ld_outlet: Option<String>,
    ld_author: Option<String>,
    ld_url: Option<String>,
    og_title: Option<String>,
    og_site: Option<String>,
    og_url: Option<String>,
    meta_date: Option<String>,
    meta_author: Option<String>,
    canonical: Option<String>,
}

impl Meta {
    fn meta(&mut self, tag: &Tag) {
        let key = tag
            .attr("property")
            .or(tag.attr("name"))
            .or(tag.attr("itemprop"))
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(v) = tag.attr("content").map(clean).filter(|v| !v.is_empty()) else {
            return;
        };
        let slot = match key.as_str() {
            "og:title" | "twitter:title" => &mut self.og_title,
            "og:site_name" => &mut self.og_site,
            "og:url" => &mut self.og_url,
            "article:published_time"
            | "datepublished"
            | "date"
            | "pubdate"
            | "parsely-pub-date"
            | "dc.date" => &mut self.meta_date,
            "author" | "article:author" | "parsely-author" | "dc.creator" => &mut self.meta_author,
            _ => return,
        };
        slot.get_or_insert(v);
    }

    fn link(&mut self, tag: &Tag) {
        if tag
            .attr("rel")
            .is_some_and(|r| r.eq_ignore_ascii_case("canonical"))
        {
            if let Some(h) = tag.attr("href").filter(|h| h.starts_with("http")) {
                self.canonical.get_or_insert(h.trim().to_string());
            }
        }
    }

    fn json_ld(&mut self, text: &str) {
        let Ok(v) = serde_json::from_str::<Value>(text.trim()) else {
            return;
        };
        let mut found = Vec::new();
        articles(&v, &mut found);
        let Some(a) = found.first() else {
            return;
        };
        let s = |v: &Value| v.as_str().map(clean).filter(|s| !s.is_empty());
        self.ld_title = self.ld_title.take().or(s(&a["headline"]).or(s(&a["name"])));
        self.ld_date = self
            .ld_date
            .take()
            .or(s(&a["datePublished"]).or(s(&a["dateCreated"])));
        self.ld_outlet = self.ld_outlet.take().or(s(&a["publisher"]["name"]));
        let names: Vec<String> = match &a["author"] {
            Value::Array(xs) => xs.iter().filter_map(|x| s(&x["name"]).or(s(x))).collect(),
            x => s(&x["name"]).or(s(x)).into_iter().collect(),
        };
        if !names.is_empty() {
            self.ld_author.get_or_insert(names.join(", "));
        }
        let url = s(&a["url"])
            .or(s(&a["mainEntityOfPage"]["@id"]))
            .or(s(&a["mainEntityOfPage"]));
        if let Some(u) = url.filter(|u| u.starts_with("http")) {
            self.ld_url.get_or_insert(u);
        }
    }
}

/// Objects of an article type in a JSON-LD value (top level, arrays,
/// `@graph`).
fn articles<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Array(xs) => xs.iter().for_each(|x| articles(x, out)),
        Value::Object(o) => {
            let is_article = |t: &Value| {
                t.as_str()
                    .is_some_and(|t| t.ends_with("Article") || t == "BlogPosting" || t == "Report")
            };
            let typed = match &o.get("@type") {
                Some(Value::Array(ts)) => ts.iter().any(is_article),
                Some(t) => is_article(t),
                None => false,
            };
            if typed {
                out.push(v);
            }
            if let Some(g) = o.get("@graph") {
                articles(g, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_decode_and_unknown_ones_stay() {
        assert_eq!(
            decode("AT&amp;T&#39;s &ldquo;deal&rdquo; &#x2014; &bogus; & more"),
            "AT&T's \u{201c}deal\u{201d} \u{2014} &bogus; & more"
        );
    }

    #[test]
    fn furniture_is_dropped_and_metadata_read_from_json_ld_first() {
        let html = r#"<html><head><title>Site | A</title>
<meta property="og:title" content="OG title">
<meta property="og:site_name" content="The Courier">
<link rel="canonical" href="https://news.example/a">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
{"@type":"NewsArticle","headline":"Acme buys Widgetco","datePublished":"2025-02-14T08:00:00Z",
"author":[{"@type":"Person","name":"Jane Roe"}],"publisher":{"@type":"Organization","name":"The Courier"}}]}</script>
</head><body><nav><p>Home News Sport and some other menu items here</p></nav>
<article><h1>Acme buys Widgetco</h1>
<p>Acme said on Thursday that it agreed to buy Widgetco for $1.5 billion.</p>
<div class="ad-slot"><p>Advertisement: buy our fine products today at a discount</p></div>
<p>The deal still needs approval from regulators, a spokesperson said.
<p>An unclosed paragraph still counts as one of the story's paragraphs.
<section class="comments"><p>First comment: this deal is a terrible idea for everyone</p></section>
</article>
<aside><p>Related: other stories you may like to read this week</p></aside></body></html>"#;
        let page = parse(html);
        assert_eq!(page.title.as_deref(), Some("Acme buys Widgetco"));
        assert_eq!(page.date, Date::ymd(2025, 2, 14));
        assert_eq!(page.outlet.as_deref(), Some("The Courier"));
        assert_eq!(page.author.as_deref(), Some("Jane Roe"));
        assert_eq!(page.canonical.as_deref(), Some("https://news.example/a"));
        assert_eq!(
            page.paragraphs,
            [
                "Acme said on Thursday that it agreed to buy Widgetco for $1.5 billion.",
                "The deal still needs approval from regulators, a spokesperson said.",
                "An unclosed paragraph still counts as one of the story's paragraphs.",
            ]
        );
    }
}
