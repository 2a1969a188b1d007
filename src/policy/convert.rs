//! One Adblock Plus filter as a declarativeNetRequest condition, for the subset that converts
//! exactly; anything else is refused with the reason, never approximated.
//!
//! The filter is read by the engine's own parser ([`crate::filters::parse_line`]), so a filter
//! means here what it means to the engine. What converts:
//! - `||host^` (with options or not) → the host, to be grouped into `requestDomains` (which, like
//!   `||`, matches the host and its subdomains);
//! - any other pattern (`||host/path`, `|https://…`, `/path…`, with `*` and `^`) → `urlFilter`,
//!   which has the same syntax. Lower case, as the engine compares it: DNR matches it
//!   case-insensitively (the default since Chrome 118), except for `$match-case`;
//! - `$3p`/`$third-party` → `domainType: thirdParty`, `$1p`/`~third-party` → `firstParty`;
//! - resource types (`$image`, `$script`, `$xhr`, `$css`, `$frame`, `$ping`, …, and `~` negations)
//!   → `resourceTypes`, or `excludedResourceTypes` when that is the shorter list (then with
//!   `main_frame` in it, since an excluded list matches `main_frame` otherwise). A DNR type
//!   counts as the engine type the extension classifies it as (`csp_report` is a ping,
//!   `webtransport` and `webbundle` are `other`). `main_frame` is never matched: the page the
//!   person navigated to is not blocked;
//! - `$domain=a.com|~b.com` → `initiatorDomains`/`excludedInitiatorDomains` (the frame that made
//!   the request, subdomains included, as the engine's source URL);
//! - `$important`: a plain block (the plan has no allow rule for it to win over).
//!
//! Refused: exceptions (`@@`), regexes, `$redirect`/`$empty`/`$mp4`, `$strict1p`/`$strict3p`
//! (DNR's `domainType` compares sites, not hosts), entity domains (`google.*`), patterns with a
//! `$` or an inner `|` (a filter whose options were written twice), non-ASCII text, and
//! everything the parser itself refuses (cosmetic filters, unknown options such as `$csp` or
//! `$removeparam`), with its reason.

use crate::filters::parse::{PARTY_FIRST, PARTY_STRICT_FIRST, PARTY_STRICT_THIRD, PARTY_THIRD};
use crate::filters::{parse_line, Line, NetworkFilter};
use crate::request::ResourceType;

use super::enforce::{DnrCondition, RESOURCE_TYPES};

/// A filter as a condition: the host for `requestDomains` (when `||host^`), else `url_filter`
/// is set. Top domains are left to the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Converted {
    pub request_domain: Option<String>,
    pub condition: DnrCondition,
}

/// Converts one filter, or says why not.
pub(crate) fn convert(text: &str) -> Result<Converted, String> {
    if !text.is_ascii() {
        return Err("not ASCII (DNR conditions are ASCII; not converted to punycode)".into());
    }
    let f = match parse_line(text) {
        Line::Filter(f) => f,
        Line::Skipped(skip) => return Err(skip.to_string()),
        Line::Empty | Line::Comment => return Err("not a filter".into()),
    };
    if f.exception {
        return Err("exception filter (@@): an allow rule would also let through what other categories block".into());
    }
    if f.regex {
        return Err("regex filter (DNR regexFilter is RE2 with at most 1,000 rules; not converted)".into());
    }
    if f.redirect {
        return Err("$redirect/$empty/$mp4 (needs a resource the extension does not ship)".into());
    }
    if f.party & (PARTY_STRICT_FIRST | PARTY_STRICT_THIRD) != 0 {
        return Err("$strict1p/$strict3p (DNR's domainType compares sites, not hosts)".into());
    }
    if f.include_domains.iter().chain(&f.exclude_domains).any(|d| d.ends_with(".*")) {
        return Err("$domain= entity (name.*): DNR has no such wildcard".into());
    }
    if f.pattern.contains('$') {
        return Err("a `$` inside the pattern (options written twice?)".into());
    }
    if f.pattern.contains('|') {
        return Err("a `|` inside the pattern (a regex without its slashes?)".into());
    }
    let (resource_types, excluded_resource_types) = resource_types(f.types).ok_or("blocks only the page itself (main_frame)")?;
    let mut condition = DnrCondition {
        domain_type: match (f.party & PARTY_FIRST != 0, f.party & PARTY_THIRD != 0) {
            (true, false) => Some("firstParty"),
            (false, true) => Some("thirdParty"),
            _ => None,
        },
        initiator_domains: domain_list(&f.include_domains),
        excluded_initiator_domains: domain_list(&f.exclude_domains),
        resource_types,
        excluded_resource_types,
        ..DnrCondition::default()
    };
    if let Some(host) = request_domain(&f) {
        return Ok(Converted { request_domain: Some(host.to_owned()), condition: checked(condition)? });
    }
    if f.pattern.is_empty() {
        return Err("empty pattern".into());
    }
    let start = if f.host_anchor {
        "||"
    } else if f.left_anchor {
        "|"
    } else {
        ""
    };
    let end = if f.right_anchor { "|" } else { "" };
    condition.url_filter = Some(format!("{start}{}{end}", f.pattern));
    condition.is_url_filter_case_sensitive = f.match_case.then_some(true);
    let condition = checked(condition)?;
    Ok(Converted { request_domain: None, condition })
}

/// `||host^` exactly (no path, no right anchor, a plain lower-case host): the host.
fn request_domain(f: &NetworkFilter) -> Option<&str> {
    if !f.host_anchor || f.right_anchor {
        return None;
    }
    let host = f.pattern.strip_suffix('^')?;
    is_host(host).then_some(host)
}

/// A host name as DNR's domain lists take it: lower-case ASCII labels, no wildcard.
pub(crate) fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'))
}

/// `$domain=` entries as a DNR list (`None` when there are none).
fn domain_list(domains: &[String]) -> Option<Vec<String>> {
    let mut list = domains.to_vec();
    list.sort();
    list.dedup();
    (!list.is_empty()).then_some(list)
}

/// The DNR types matching the engine type mask `types`, as (`resourceTypes`,
/// `excludedResourceTypes`), the shorter way (both empty: every type but `main_frame`); `None`
/// when only `main_frame` would be left.
fn resource_types(types: u32) -> Option<(Vec<&'static str>, Vec<&'static str>)> {
    let matches = |name: &str| name != "main_frame" && ResourceType::parse(name).is_some_and(|t| types & t.bit() != 0);
    let (included, excluded): (Vec<&'static str>, Vec<&'static str>) = RESOURCE_TYPES.iter().partition(|n| matches(n));
    Some(match excluded.as_slice() {
        _ if included.is_empty() => return None,
        ["main_frame"] => (Vec::new(), Vec::new()),
        _ if excluded.len() < included.len() => (Vec::new(), excluded),
        _ => (included, Vec::new()),
    })
}

/// The condition if Chrome accepts it: a `urlFilter` that is ASCII, non-empty and does not start
/// with `||*`; domain lists of plain hosts.
fn checked(c: DnrCondition) -> Result<DnrCondition, String> {
    if let Some(u) = &c.url_filter {
        if u.is_empty() || !u.is_ascii() || u.starts_with("||*") {
            return Err(format!("urlFilter {u:?} is not one Chrome accepts"));
        }
    }
    let lists = [&c.initiator_domains, &c.excluded_initiator_domains, &c.request_domains];
    if lists.into_iter().flatten().flatten().any(|d| !is_host(d)) {
        return Err("a domain that is not a plain lower-case host".into());
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Converted {
        convert(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn url(text: &str) -> (String, DnrCondition) {
        let c = ok(text);
        assert_eq!(c.request_domain, None, "{text}");
        (c.condition.url_filter.clone().unwrap_or_default(), c.condition)
    }

    #[test]
    fn host_filters_become_request_domains() {
        let c = ok("||mmtro.com^$3p");
        assert_eq!(c.request_domain.as_deref(), Some("mmtro.com"));
        assert_eq!(c.condition, DnrCondition { domain_type: Some("thirdParty"), ..DnrCondition::default() });
        assert_eq!(ok("||Sub.Example.COM^").request_domain.as_deref(), Some("sub.example.com"), "hosts are lower-cased");
        assert_eq!(ok("||1.2.3.4^").request_domain.as_deref(), Some("1.2.3.4"));
        // Not a plain host, or not ending there: a urlFilter.
        for text in ["||websitealive*.com^$3p", "||fls-*.amazon.com^$image", "||adnow.com", "||host^|", "||x..com^"] {
            assert!(ok(text).request_domain.is_none(), "{text}");
        }
    }

    #[test]
    fn other_patterns_become_url_filters() {
        assert_eq!(url("||sync.1dmp.io/pixel.gif").0, "||sync.1dmp.io/pixel.gif");
        assert_eq!(url("/timetracking/abtastytiming.gif").0, "/timetracking/abtastytiming.gif");
        assert_eq!(url("|https://smetrics.").0, "|https://smetrics.");
        assert_eq!(url("/pixel.gif|").0, "/pixel.gif|");
        assert_eq!(url("adbutler").0, "adbutler");
        let (u, c) = url("||fls-*.amazon.com^$image");
        assert_eq!((u.as_str(), c.resource_types), ("||fls-*.amazon.com^", vec!["image"]));
        // Lower-cased as the engine compares; wildcards at the ends and doubled ones go.
        assert_eq!(url("||t.a3cloud.net/AM-141112/tag.js").0, "||t.a3cloud.net/am-141112/tag.js");
        assert_eq!(url("*/ads/**/track*").0, "/ads/*/track");
        assert_eq!(url("||*.tracker.example/x").0, ".tracker.example/x", "||* loses its anchor, as in the engine");
        let (u, c) = url("/Track.JS$match-case");
        assert_eq!((u.as_str(), c.is_url_filter_case_sensitive), ("/Track.JS", Some(true)));
    }

    #[test]
    fn options_become_conditions() {
        let c = |text| ok(text).condition;
        assert_eq!(c("||a.com^$third-party").domain_type, Some("thirdParty"));
        assert_eq!(c("||a.com^$1p").domain_type, Some("firstParty"));
        assert_eq!(c("||a.com^$~third-party").domain_type, Some("firstParty"));
        assert_eq!(c("||a.com^$~1p").domain_type, Some("thirdParty"));
        assert_eq!(c("||a.com^").domain_type, None);
        assert_eq!(c("||a.com^$script,xhr").resource_types, ["script", "xmlhttprequest"]);
        assert_eq!(c("||a.com^$css,frame,beacon").resource_types, ["sub_frame", "stylesheet", "ping", "csp_report"]);
        assert_eq!(c("||a.com^$other").resource_types, ["webtransport", "webbundle", "other"]);
        assert_eq!(c("||a.com^$document,image").resource_types, ["image"], "never main_frame");
        let negated = c("||a.com^$~image,~script");
        assert_eq!((negated.resource_types.len(), negated.excluded_resource_types), (0, vec!["main_frame", "script", "image"]));
        assert_eq!(c("||a.com^$image,~image,script").resource_types, ["script"]);
        let d = c("||t.example^$domain=b.com|a.com|~x.a.com");
        assert_eq!(d.initiator_domains, Some(vec!["a.com".to_owned(), "b.com".to_owned()]));
        assert_eq!(d.excluded_initiator_domains, Some(vec!["x.a.com".to_owned()]));
        let d = c(".tealium.$domain=~tealium.co.jp|~tealium.com");
        assert_eq!((d.url_filter.as_deref(), d.initiator_domains), (Some(".tealium."), None));
        assert_eq!(c("||a.com^$important,image").resource_types, ["image"]);
    }

    #[test]
    fn the_rest_is_skipped_with_its_reason() {
        let cases = [
            ("@@||a.com^", "exception filter"),
            ("/^https:\\/\\/www\\.x\\.com\\/a/$3p", "regex filter"),
            ("||a.com/x.js$script,redirect=noop.js", "$redirect"),
            ("||a.com^$empty", "$redirect"),
            ("||a.com^$strict3p", "$strict1p/$strict3p"),
            ("||a.com^$domain=google.*", "entity"),
            ("||tealiumiq.com^$3p$domain=autobild.de", "a `$` inside the pattern"),
            ("(stat|main)\\//", "a `|` inside the pattern"),
            ("||a.com^$csp=script-src 'none'", "unsupported option $csp"),
            ("||a.com^$removeparam=utm", "unsupported option $removeparam"),
            ("||a.com^$nonsense", "unsupported option $nonsense"),
            ("example.com##.ad", "cosmetic filter"),
            ("||bücher.example^", "not ASCII"),
            ("||a.com^$document", "main_frame"),
            ("||a.com^$popup", "$popup"),
            ("! comment", "not a filter"),
            ("||", "empty pattern"),
        ];
        for (text, reason) in cases {
            let e = convert(text).expect_err(text);
            assert!(e.contains(reason), "{text}: {e}");
        }
    }
}
