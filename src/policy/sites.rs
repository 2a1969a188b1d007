//! Sites as the terms name them: a registrable domain (eTLD+1, as the ledger files sites) in
//! lower-case ASCII (`xn--` for international names), an IPv4 address, or `localhost`.
//!
//! Invariant: a name [`check`] accepts is its own [`site_key`], so an exception or grant written
//! for a site applies to every host of it and to nothing else.

use crate::site;

/// The site a host belongs to, as exceptions and grants name it: `www.Maps.example.` →
/// `maps.example`. `None` when no site can be named (no host, an IPv6 address, a public suffix
/// such as `co.uk`, a malformed name).
pub fn site_key(host: &str) -> Option<String> {
    let host = host.trim().strip_suffix('.').unwrap_or(host.trim()).to_ascii_lowercase();
    let key = site::registrable_domain(&host).to_owned();
    check(&key).ok().map(|()| key)
}

/// The site of what a person typed: a host (`www.Maps.example`) or a URL
/// (`https://user@www.maps.example:8080/path`) gives `maps.example`; `None` when it names none.
pub fn site_of(input: &str) -> Option<String> {
    let input = input.trim();
    let rest = input.split_once("://").map_or(input, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = host.split_once(':').map_or(host, |(host, _)| host);
    site_key(host)
}

/// Whether `name` is a site as the terms name them; `Err` says what was expected instead.
pub(crate) fn check(name: &str) -> Result<(), String> {
    const EXPECTED: &str = "a site: a registrable domain such as example.com";
    if name.is_empty() || name.len() > 253 {
        return Err(EXPECTED.into());
    }
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return match check(&name.to_ascii_lowercase()) {
            Ok(()) => Err(format!("lower case: {}", name.to_ascii_lowercase())),
            Err(e) => Err(e),
        };
    }
    if name.contains(':') || name.contains('/') {
        return Err("a site name alone (no scheme, port or path), such as example.com".into());
    }
    if name == "localhost" || is_ipv4(name) {
        return Ok(());
    }
    if site::is_ip(name) {
        return Err("an IPv4 address (four numbers 0–255) or a registrable domain".into());
    }
    let labels_ok = name.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    });
    if !labels_ok {
        return Err(format!("{EXPECTED} (letters, digits and hyphens, international names as xn--)"));
    }
    let registrable = site::registrable_domain(name);
    if registrable != name {
        return Err(format!("the registrable domain {registrable}"));
    }
    if crate::suffix::public_suffix(name) == name {
        return Err(format!("a registrable domain, not the public suffix {name}"));
    }
    Ok(())
}

fn is_ipv4(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0')))
        && parts.iter().all(|p| p.parse::<u16>().is_ok_and(|n| n <= 255))
}

/// Whether `name` is an IP address (its content-settings patterns have no `*.` wildcard).
pub(crate) fn is_ip(name: &str) -> bool {
    is_ipv4(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_registrable_domains() {
        for ok in
            ["example.com", "maps.example", "bbc.co.uk", "a.github.io", "xn--bcher-kva.example", "localhost", "127.0.0.1", "10.0.0.255"]
        {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        let cases = [
            ("www.example.com", "the registrable domain example.com"),
            ("Example.com", "lower case: example.com"),
            ("WWW.Example.com", "the registrable domain example.com"),
            ("co.uk", "a registrable domain, not the public suffix co.uk"),
            ("github.io", "a registrable domain, not the public suffix github.io"),
            ("com", "a registrable domain, not the public suffix com"),
            ("https://example.com/", "a site name alone (no scheme, port or path), such as example.com"),
            ("example.com:8080", "a site name alone (no scheme, port or path), such as example.com"),
            ("::1", "a site name alone (no scheme, port or path), such as example.com"),
            ("", "a site: a registrable domain such as example.com"),
            ("exa mple.com", "a site: a registrable domain such as example.com (letters, digits and hyphens, international names as xn--)"),
            ("example.com.", "a site: a registrable domain such as example.com (letters, digits and hyphens, international names as xn--)"),
            ("-x.example", "a site: a registrable domain such as example.com (letters, digits and hyphens, international names as xn--)"),
            (
                "bücher.example",
                "a site: a registrable domain such as example.com (letters, digits and hyphens, international names as xn--)",
            ),
            ("256.0.0.1", "an IPv4 address (four numbers 0–255) or a registrable domain"),
            ("01.2.3.4", "an IPv4 address (four numbers 0–255) or a registrable domain"),
        ];
        for (name, expected) in cases {
            assert_eq!(check(name), Err(expected.to_owned()), "{name}");
        }
    }

    #[test]
    fn a_host_gives_its_site() {
        assert_eq!(site_key("www.Maps.example.").as_deref(), Some("maps.example"));
        assert_eq!(site_of(" https://user@www.Maps.example:8080/path?q#h ").as_deref(), Some("maps.example"));
        assert_eq!(site_of("news.bbc.co.uk").as_deref(), Some("bbc.co.uk"));
        assert_eq!(site_of("co.uk"), None);
        assert_eq!(site_of("not a site"), None);
        assert_eq!(site_of(""), None);
        assert_eq!(site_key("news.bbc.co.uk").as_deref(), Some("bbc.co.uk"));
        assert_eq!(site_key("127.0.0.1").as_deref(), Some("127.0.0.1"));
        assert_eq!(site_key("co.uk"), None);
        assert_eq!(site_key(""), None);
        assert_eq!(site_key("::1"), None);
        for host in ["a.b.example.com", "x.localhost", "localhost"] {
            let key = site_key(host).expect("a site");
            assert_eq!(check(&key), Ok(()), "{host} → {key}");
        }
    }
}
