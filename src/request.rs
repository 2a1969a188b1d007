//! Requests as the engine sees them: resource types (webRequest and Adblock Plus names), and a
//! request prepared once for matching (lower-cased URL, hosts, party, the page's domain hashes).

use std::borrow::Cow;

use crate::hash::hash_bytes;
use crate::site::{self, UrlParts};

/// Resource types, the union of webRequest's and Adblock Plus's vocabularies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum ResourceType {
    Document = 0,
    Subdocument,
    Script,
    Image,
    Stylesheet,
    Xmlhttprequest,
    Ping,
    Media,
    Font,
    Websocket,
    Object,
    Other,
}

impl ResourceType {
    pub const ALL: [ResourceType; 12] = [
        ResourceType::Document,
        ResourceType::Subdocument,
        ResourceType::Script,
        ResourceType::Image,
        ResourceType::Stylesheet,
        ResourceType::Xmlhttprequest,
        ResourceType::Ping,
        ResourceType::Media,
        ResourceType::Font,
        ResourceType::Websocket,
        ResourceType::Object,
        ResourceType::Other,
    ];

    /// Parses a webRequest (`main_frame`, `sub_frame`, `xmlhttprequest`, `csp_report`, …),
    /// Adblock Plus (`document`, `subdocument`, `xhr`, …) or Puppeteer/HAR (`fetch`, `beacon`,
    /// `eventsource`, …) type name, case-insensitively. Unknown names are `None`.
    pub fn parse(name: &str) -> Option<ResourceType> {
        use ResourceType::*;
        // The names browsers send most, as they send them, without lower-casing.
        match name {
            "script" => return Some(Script),
            "image" => return Some(Image),
            "xmlhttprequest" => return Some(Xmlhttprequest),
            "sub_frame" => return Some(Subdocument),
            "main_frame" => return Some(Document),
            "stylesheet" => return Some(Stylesheet),
            "other" => return Some(Other),
            _ => {}
        }
        // Lower-cased on the stack: this runs once per request.
        let mut buf = [0u8; 24];
        let lower = buf.get_mut(..name.len()).map(|b| {
            b.copy_from_slice(name.as_bytes());
            b.make_ascii_lowercase();
            &*b
        })?;
        Some(match std::str::from_utf8(lower).unwrap_or("") {
            "main_frame" | "document" | "doc" | "outermost_frame" => Document,
            "sub_frame" | "subdocument" | "frame" | "iframe" => Subdocument,
            "script" => Script,
            "image" | "imageset" | "img" => Image,
            "stylesheet" | "css" => Stylesheet,
            "xmlhttprequest" | "xhr" | "fetch" => Xmlhttprequest,
            "ping" | "beacon" | "csp_report" => Ping,
            "media" => Media,
            "font" => Font,
            "websocket" => Websocket,
            "object" | "object_subrequest" => Object,
            "other" | "eventsource" | "manifest" | "texttrack" | "webtransport" | "webbundle" | "speculationrules" | "prefetch"
            | "signedexchange" | "preflight" | "cspviolationreport" => Other,
            _ => return None,
        })
    }

    /// Like [`ResourceType::parse`], but unknown names become `Other` (as browsers report them).
    pub fn parse_lenient(name: &str) -> ResourceType {
        Self::parse(name).unwrap_or(ResourceType::Other)
    }

    /// The Adblock Plus name.
    pub fn as_str(self) -> &'static str {
        use ResourceType::*;
        match self {
            Document => "document",
            Subdocument => "subdocument",
            Script => "script",
            Image => "image",
            Stylesheet => "stylesheet",
            Xmlhttprequest => "xmlhttprequest",
            Ping => "ping",
            Media => "media",
            Font => "font",
            Websocket => "websocket",
            Object => "object",
            Other => "other",
        }
    }

    /// This type's bit in a filter's type mask.
    #[inline]
    pub fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// Most page hosts have few labels; deeper ones keep their last `MAX_SUFFIXES` suffixes.
pub(crate) const MAX_SUFFIXES: usize = 8;

/// A request prepared once for matching. Everything here is derived from
/// (`url`, `source_url`, `type`); nothing is supplied by the caller separately.
#[derive(Debug)]
pub struct Request<'a> {
    /// The URL as given (used by `$match-case` filters).
    pub url: &'a str,
    /// The URL lower-cased (borrowed when it already was).
    pub lower: Cow<'a, str>,
    /// Scheme and host positions (the same in `url` and `lower`); `None` when not a URL.
    pub parts: Option<UrlParts>,
    pub rtype: ResourceType,
    /// Lower-cased page host, when the page is a real URL.
    pub source_host: Option<Cow<'a, str>>,
    pub third_party: bool,
    /// Host-level party (`$strict3p`): hosts differ, or the page is unknown.
    pub strict_third_party: bool,
    /// Hashes of the page host's label suffixes (`a.b.com`, `b.com`, `com`), for `$domain=`.
    pub(crate) source_hashes: [u32; MAX_SUFFIXES],
    pub(crate) n_source_hashes: usize,
    /// Hashes of the page host's label suffixes with the public suffix removed, for `$domain=x.*`
    /// (tagged so they never equal a plain domain hash). Computed on first use: it needs the
    /// Public Suffix List, and few filters name entities.
    entity_hashes: std::cell::OnceCell<([u32; MAX_SUFFIXES], usize)>,
}

/// Tag XORed into entity hashes (`google.*`) so they live apart from plain domain hashes.
pub(crate) const ENTITY_TAG: u32 = 0x5bd1_e995;

pub(crate) fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// The last two labels of a host (`example.com` of `www.example.com`), or all of it.
fn last_two_labels(host: &str) -> &str {
    let host = host.strip_suffix('.').unwrap_or(host);
    match memchr::memrchr(b'.', host.as_bytes()).and_then(|i| memchr::memrchr(b'.', &host.as_bytes()[..i])) {
        Some(i) => &host[i + 1..],
        None => host,
    }
}

/// Hashes of every label suffix of `host`, longest first (at most `MAX_SUFFIXES`, shortest kept).
pub(crate) fn suffix_hashes(host: &str, tag: u32, out: &mut [u32; MAX_SUFFIXES]) -> usize {
    let bytes = host.as_bytes();
    let mut starts = [0usize; 64];
    let mut n = 0;
    starts[n] = 0;
    n += 1;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'.' && i + 1 < bytes.len() && n < starts.len() {
            starts[n] = i + 1;
            n += 1;
        }
    }
    let skip = n.saturating_sub(MAX_SUFFIXES);
    let mut count = 0;
    for &s in &starts[skip..n] {
        out[count] = hash_bytes(&bytes[s..]) ^ tag;
        count += 1;
    }
    count
}

impl<'a> Request<'a> {
    /// Prepares a request. `source_url` is the page or frame that made it.
    pub fn new(url: &'a str, source_url: &'a str, rtype: ResourceType) -> Request<'a> {
        let lower_url = lower(url);
        let parts = site::parse_url(&lower_url);
        let source_host = site::parse_url(source_url).map(|p| lower(&source_url[p.host_start..p.host_end]));
        let host = parts.map(|p| &lower_url[p.host_start..p.host_end]);
        let src = source_host.as_deref();
        let third_party = match (host, src) {
            (Some(h), Some(s)) if h == s => false,
            // A registrable domain always ends with the last two labels: when those differ, so
            // do the sites, and the Public Suffix List need not be asked.
            (Some(h), Some(s)) if last_two_labels(h) != last_two_labels(s) => true,
            (Some(h), _) => site::is_third_party(h, src),
            (None, _) => true,
        };
        let strict_third_party = match (host, src) {
            (Some(h), Some(s)) => h != s,
            _ => true,
        };
        let mut source_hashes = [0; MAX_SUFFIXES];
        let n_source_hashes = src.map_or(0, |s| suffix_hashes(s, 0, &mut source_hashes));
        Request {
            url,
            lower: lower_url,
            parts,
            rtype,
            source_host,
            third_party,
            strict_third_party,
            source_hashes,
            n_source_hashes,
            entity_hashes: std::cell::OnceCell::new(),
        }
    }

    /// The lower-cased request host, if the URL has one.
    pub fn host(&self) -> Option<&str> {
        self.parts.map(|p| &self.lower[p.host_start..p.host_end])
    }

    /// Whether the engine classifies this URL at all (http, https, ws, wss with a host).
    pub fn is_supported(&self) -> bool {
        self.parts.is_some_and(|p| matches!(&self.lower[..p.scheme_end], "http" | "https" | "ws" | "wss"))
    }

    pub(crate) fn source_hashes(&self) -> &[u32] {
        &self.source_hashes[..self.n_source_hashes]
    }

    pub(crate) fn entity_hashes(&self) -> &[u32] {
        let (hashes, n) = self.entity_hashes.get_or_init(|| {
            let mut hashes = [0; MAX_SUFFIXES];
            let n = self.source_host.as_deref().and_then(site::without_suffix).map_or(0, |e| suffix_hashes(e, ENTITY_TAG, &mut hashes));
            (hashes, n)
        });
        &hashes[..*n]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(ResourceType::parse("main_frame"), Some(ResourceType::Document));
        assert_eq!(ResourceType::parse("sub_frame"), Some(ResourceType::Subdocument));
        assert_eq!(ResourceType::parse("XHR"), Some(ResourceType::Xmlhttprequest));
        assert_eq!(ResourceType::parse("fetch"), Some(ResourceType::Xmlhttprequest));
        assert_eq!(ResourceType::parse("beacon"), Some(ResourceType::Ping));
        assert_eq!(ResourceType::parse("bogus"), None);
        assert_eq!(ResourceType::parse_lenient("bogus"), ResourceType::Other);
        for t in ResourceType::ALL {
            assert_eq!(ResourceType::parse(t.as_str()), Some(t));
        }
    }

    #[test]
    fn prepares_requests() {
        let r = Request::new("https://WWW.Google-Analytics.com/collect?A=1", "https://News.example.co.uk/", ResourceType::Image);
        assert_eq!(r.host(), Some("www.google-analytics.com"));
        assert!(r.third_party && r.strict_third_party);
        assert_eq!(r.source_host.as_deref(), Some("news.example.co.uk"));
        assert_eq!(r.source_hashes().len(), 4);
        assert_eq!(r.entity_hashes().len(), 2); // news.example, example
        let same = Request::new("https://cdn.example.com/a.js", "https://www.example.com/", ResourceType::Script);
        assert!(!same.third_party && same.strict_third_party);
        let unknown = Request::new("https://cdn.example.com/a.js", "http://", ResourceType::Script);
        assert!(unknown.third_party && unknown.source_host.is_none());
        assert!(!Request::new("data:image/png;base64,xx", "", ResourceType::Image).is_supported());
    }

    #[test]
    fn deep_hosts_keep_shortest_suffixes() {
        let mut out = [0; MAX_SUFFIXES];
        let n = suffix_hashes("a.b.c.d.e.f.g.h.i.j.example.com", 0, &mut out);
        assert_eq!(n, MAX_SUFFIXES);
        assert_eq!(out[n - 1], hash_bytes(b"com"));
        assert_eq!(out[n - 2], hash_bytes(b"example.com"));
    }
}
