//! Fetching a news page for `/add` and `factdesk add`: the one place
//! factdesk reaches out to the web, so every limit is here.
//!
//! - Only `http` and `https`, and only hosts that resolve to public
//!   addresses: loopback, private, link-local, CGNAT, unique-local and
//!   unspecified addresses are refused (a bot must not be a way into the
//!   network it runs in) unless the host is in `add.allow_hosts`. The
//!   address checked is the address connected to (pinned in the client),
//!   so a second DNS answer cannot swap it.
//! - Redirects followed by hand, each hop checked the same way, at most
//!   `add.max_redirects`.
//! - A timeout over the whole exchange, a size cap enforced while reading
//!   (Content-Length is not trusted), and HTML only.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use reqwest::Url;

use crate::config::AddConfig;

/// Why a page was not fetched. The message is meant for the user.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    /// Not an http(s) URL.
    #[error("`{0}` is not an http(s) link")]
    BadUrl(String),
    /// The host is on a private, loopback or link-local network.
    #[error(
        "{0} is on a private, loopback or link-local network; factdesk does not fetch from there"
    )]
    PrivateHost(String),
    /// DNS, connection, TLS or timeout.
    #[error("cannot fetch the page: {0}")]
    Network(String),
    /// Not a 2xx.
    #[error("the site answered {0}")]
    Status(u16),
    /// Not HTML.
    #[error("not a web page (content type `{0}`)")]
    NotHtml(String),
    /// Over the size cap.
    #[error("the page is over the {0}-byte limit")]
    TooLarge(u64),
    /// Too many redirects.
    #[error("too many redirects (more than {0})")]
    Redirects(usize),
}

/// The limits in force (from `[add]`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Hosts fetched even on private addresses (tests: 127.0.0.1).
    pub allow_hosts: Vec<String>,
    /// Bytes read at most.
    pub max_bytes: u64,
    /// The whole exchange.
    pub timeout: Duration,
    /// Redirects followed at most.
    pub max_redirects: usize,
}

impl Limits {
    /// From the config's `[add]` table.
    pub fn from_config(c: &AddConfig) -> Limits {
        Limits {
            allow_hosts: c.allow_hosts.clone(),
            max_bytes: c.max_bytes.unwrap_or(5 * 1024 * 1024),
            timeout: Duration::from_secs_f64(c.timeout_seconds.unwrap_or(10.0)),
            max_redirects: c.max_redirects.unwrap_or(5),
        }
    }
}

/// A fetched page: the URL it was finally served from, and its HTML.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// After redirects.
    pub url: String,
    /// The body, as UTF-8 (invalid bytes replaced).
    pub html: String,
}

/// Fetches `url` within `limits`.
pub async fn fetch(url: &str, limits: &Limits) -> Result<Fetched, FetchError> {
    tokio::time::timeout(limits.timeout, fetch_inner(url, limits))
        .await
        .unwrap_or_else(|_| Err(FetchError::Network("timed out".into())))
}

async fn fetch_inner(url: &str, limits: &Limits) -> Result<Fetched, FetchError> {
    let mut current = parse(url)?;
    for _ in 0..=limits.max_redirects {
        let addr = check_host(&current, limits).await?;
        let host = current.host_str().unwrap_or_default().to_string();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .resolve(&host, addr)
            .timeout(limits.timeout)
            .user_agent(concat!("factdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        let mut resp = client
            .get(current.clone())
            .header("accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .map_err(|e| FetchError::Network(e.without_url().to_string()))?;
        let status = resp.status();
        if status.is_redirection() {
            let to = resp
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .ok_or(FetchError::Status(status.as_u16()))?;
            current = current
                .join(to)
                .map_err(|_| FetchError::BadUrl(to.to_string()))?;
            if !matches!(current.scheme(), "http" | "https") {
                return Err(FetchError::BadUrl(current.to_string()));
            }
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let kind = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !(kind.starts_with("text/html") || kind.starts_with("application/xhtml+xml")) {
            return Err(FetchError::NotHtml(kind));
        }
        if resp.content_length().is_some_and(|n| n > limits.max_bytes) {
            return Err(FetchError::TooLarge(limits.max_bytes));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| FetchError::Network(e.without_url().to_string()))?
        {
            if body.len() as u64 + chunk.len() as u64 > limits.max_bytes {
                return Err(FetchError::TooLarge(limits.max_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        return Ok(Fetched {
            url: current.to_string(),
            html: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    Err(FetchError::Redirects(limits.max_redirects))
}

fn parse(url: &str) -> Result<Url, FetchError> {
    let u = Url::parse(url.trim()).map_err(|_| FetchError::BadUrl(url.to_string()))?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(FetchError::BadUrl(url.to_string()));
    }
    Ok(u)
}

/// The address to connect to: the first the host resolves to, provided
/// every address it resolves to is public (or the host is allowed).
async fn check_host(url: &Url, limits: &Limits) -> Result<SocketAddr, FetchError> {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare, port))
        .await
        .map_err(|e| FetchError::Network(format!("cannot resolve {host}: {e}")))?
        .collect();
    let first = *addrs
        .first()
        .ok_or_else(|| FetchError::Network(format!("{host} has no address")))?;
    let allowed = limits
        .allow_hosts
        .iter()
        .any(|a| a.eq_ignore_ascii_case(host) || a.eq_ignore_ascii_case(bare));
    if !allowed && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(FetchError::PrivateHost(host.to_string()));
    }
    Ok(first)
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1])))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "2606:4700::1111"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }
}
