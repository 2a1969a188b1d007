//! Sites: URL → host → registrable domain (eTLD+1), and first/third party between a request
//! and the page that made it.
//!
//! Parsing is deliberately small and allocation-free: the engine needs the scheme, the host and
//! where the host sits in the URL, nothing else. Hosts are compared lower-cased. The registrable
//! domain comes from the Public Suffix List as compiled into the `psl` crate (private section
//! included, so `a.github.io` and `b.github.io` are different sites). IP literals and single-label
//! hosts (`localhost`) are their own registrable domain.
//!
//! Party rule: a request is first party when its registrable domain equals the page's. A request
//! whose page is unknown, empty or not a real URL (`""`, `"http://"`, `"about:blank"`) is
//! **third party**, as Brave's adblock-rust decides; a page cannot vouch for a request it cannot
//! name.

/// The parts of a URL the engine uses, as byte ranges into the URL it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UrlParts {
    /// End of the scheme (index of the `:`).
    pub scheme_end: usize,
    /// Host range (without userinfo, port or IPv6 brackets).
    pub host_start: usize,
    pub host_end: usize,
}

impl UrlParts {
    pub fn scheme<'a>(&self, url: &'a str) -> &'a str {
        &url[..self.scheme_end]
    }
    pub fn host<'a>(&self, url: &'a str) -> &'a str {
        &url[self.host_start..self.host_end]
    }
}

/// Splits `scheme://[userinfo@]host[:port][/path…]`. Returns `None` when there is no scheme,
/// no `//` authority, or an empty host. The URL is not lower-cased here.
pub fn parse_url(url: &str) -> Option<UrlParts> {
    let bytes = url.as_bytes();
    let colon = memchr::memchr(b':', bytes)?;
    if colon == 0 || !bytes[..colon].iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
        return None;
    }
    let rest = &bytes[colon + 1..];
    if !rest.starts_with(b"//") {
        return None;
    }
    let auth_start = colon + 3;
    let auth_end = bytes[auth_start..].iter().position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\')).map_or(bytes.len(), |p| auth_start + p);
    let authority = &bytes[auth_start..auth_end];
    let host_start = match memchr::memrchr(b'@', authority) {
        Some(at) => auth_start + at + 1,
        None => auth_start,
    };
    let (host_start, host_end) = if bytes.get(host_start) == Some(&b'[') {
        let close = memchr::memchr(b']', &bytes[host_start..auth_end])?;
        (host_start + 1, host_start + close)
    } else {
        let end = memchr::memchr(b':', &bytes[host_start..auth_end]).map_or(auth_end, |p| host_start + p);
        (host_start, end)
    };
    if host_end <= host_start {
        return None;
    }
    Some(UrlParts { scheme_end: colon, host_start, host_end })
}

/// The host of a URL, as written (not lower-cased), or `None` when the URL has none.
pub fn host(url: &str) -> Option<&str> {
    parse_url(url).map(|p| p.host(url))
}

/// True for IPv4 dotted quads and IPv6 literals (as hosts, without brackets).
pub fn is_ip(host: &str) -> bool {
    host.contains(':')
        || (!host.is_empty() && host.bytes().all(|b| b.is_ascii_digit() || b == b'.') && host.bytes().filter(|&b| b == b'.').count() == 3)
}

/// The registrable domain (eTLD+1) of a lower-case host. A host that is itself a public suffix,
/// an IP literal or a single label is returned whole, so it is still comparable.
pub fn registrable_domain(host: &str) -> &str {
    let host = host.strip_suffix('.').unwrap_or(host);
    // IPs, single labels and malformed hosts (empty labels) are compared whole.
    if is_ip(host) || !host.contains('.') || host.starts_with('.') || host.contains("..") {
        return host;
    }
    let start = RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some((_, start)) = recent.iter().find(|(h, _)| h == host) {
            return *start;
        }
        let suffix = crate::suffix::public_suffix(host);
        let start = match host.len().checked_sub(suffix.len() + 1) {
            // The suffix and one label more; a host that is a public suffix is taken whole.
            Some(dot) => host[..dot].rfind('.').map_or(0, |i| i + 1),
            None => 0,
        };
        let slot = recent.iter().position(|(h, _)| h.is_empty()).unwrap_or(host.len() % recent.len());
        recent[slot] = (host.to_owned(), start);
        start
    });
    &host[start..]
}

thread_local! {
    /// The last few hosts looked up and where their registrable domain starts: a page's requests
    /// come in bursts from the same hosts, and the Public Suffix List lookup is the most
    /// expensive step of classifying (several times more so in WebAssembly).
    static RECENT: std::cell::RefCell<[(String, usize); 8]> = Default::default();
}

/// The host with its public suffix removed (`www.google.co.uk` → `www.google`), used for
/// `$domain=google.*` entity matches. `None` when nothing is left.
pub fn without_suffix(host: &str) -> Option<&str> {
    if is_ip(host) {
        return None;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let suffix = crate::suffix::public_suffix(host);
    let cut = host.len().checked_sub(suffix.len() + 1)?;
    (host.as_bytes().get(cut) == Some(&b'.')).then(|| &host[..cut])
}

/// First/third party between a request host and its page's host (both lower-case).
/// `None` for the page means unknown: third party.
pub fn is_third_party(request_host: &str, page_host: Option<&str>) -> bool {
    match page_host {
        Some(page) if !page.is_empty() => registrable_domain(request_host) != registrable_domain(page),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hosts() {
        let cases = [
            ("https://www.Example.com/a?b#c", Some("www.Example.com")),
            ("http://user:pw@host.net:8080/x", Some("host.net")),
            ("https://[::1]:443/", Some("::1")),
            ("wss://socket.io", Some("socket.io")),
            ("https://a.b?x=http://c", Some("a.b")),
            ("http://", None),
            ("https://", None),
            ("about:blank", None),
            ("data:text/plain,hi", None),
            ("", None),
            ("//no-scheme.com/", None),
            ("https://host.com\\path", Some("host.com")),
        ];
        for (url, want) in cases {
            assert_eq!(host(url), want, "{url}");
        }
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("www.google.co.uk"), "google.co.uk");
        assert_eq!(registrable_domain("a.b.example.com"), "example.com");
        assert_eq!(registrable_domain("user.github.io"), "user.github.io");
        assert_eq!(registrable_domain("localhost"), "localhost");
        assert_eq!(registrable_domain("10.0.0.1"), "10.0.0.1");
        assert_eq!(registrable_domain("co.uk"), "co.uk");
        assert_eq!(registrable_domain("example.com."), "example.com");
        assert_eq!(registrable_domain("a..com"), "a..com");
        assert!(is_third_party("ém-é.véba9éé-44..", Some("x.example")));
        assert!(is_third_party("evil..com", Some("victim..com")));
    }

    #[test]
    fn party() {
        assert!(!is_third_party("cdn.example.com", Some("www.example.com")));
        assert!(is_third_party("www.google-analytics.com", Some("example.com")));
        assert!(is_third_party("a.github.io", Some("b.github.io")));
        assert!(is_third_party("example.com", None));
        assert!(is_third_party("example.com", Some("")));
    }

    #[test]
    fn suffix_removed() {
        assert_eq!(without_suffix("www.google.co.uk"), Some("www.google"));
        assert_eq!(without_suffix("google.com"), Some("google"));
        assert_eq!(without_suffix("com"), None);
        assert_eq!(without_suffix("1.2.3.4"), None);
    }
}
