//! Parser unit tests, one per syntax feature.

use super::*;

fn filter(line: &str) -> NetworkFilter {
    match parse_line(line) {
        Line::Filter(f) => *f,
        other => panic!("{line}: {other:?}"),
    }
}

fn skip(line: &str) -> Skip {
    match parse_line(line) {
        Line::Skipped(s) => s,
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn comments_and_cosmetics() {
    assert_eq!(parse_line("! Title: EasyPrivacy"), Line::Comment);
    assert_eq!(parse_line("[Adblock Plus 2.0]"), Line::Comment);
    assert_eq!(parse_line("   "), Line::Empty);
    assert_eq!(parse_line("# hosts comment"), Line::Comment);
    assert_eq!(skip("example.com##.ad"), Skip::Cosmetic);
    assert_eq!(skip("##.banner"), Skip::Cosmetic);
    assert_eq!(skip("example.com#@#.ad"), Skip::Cosmetic);
    assert_eq!(skip("example.com#?#div:has(.x)"), Skip::Cosmetic);
    assert_eq!(skip("example.com#$#abort-on-property-read x"), Skip::Cosmetic);
    assert_eq!(skip("example.com##+js(set, x, 1)"), Skip::Cosmetic);
    assert_eq!(skip("example.com$$script[data-x]"), Skip::HtmlFilter);
    // A `#` inside a URL pattern is not cosmetic.
    let f = filter("||example.com/page#frag");
    assert_eq!(f.pattern, "example.com/page#frag");
}

#[test]
fn anchors_and_wildcards() {
    let f = filter("||google-analytics.com^");
    assert!(f.host_anchor && !f.left_anchor && !f.right_anchor);
    assert_eq!(f.pattern, "google-analytics.com^");
    let f = filter("|https://ads.");
    assert!(f.left_anchor && f.pattern == "https://ads.");
    let f = filter("/pixel.gif|");
    assert!(f.right_anchor && f.pattern == "/pixel.gif");
    let f = filter("/a/**b*");
    assert_eq!(f.pattern, "/a/*b");
    let f = filter("||*.doubleclick.net^");
    assert!(!f.host_anchor && f.pattern == ".doubleclick.net^");
    assert_eq!(filter("/ADS/Track.JS").pattern, "/ads/track.js");
    assert_eq!(filter("/ADS/Track.JS$match-case").pattern, "/ADS/Track.JS");
}

#[test]
fn regex_filters() {
    let f = filter(r"/^https?:\/\/[a-z]{8}\.com\/$/$script,third-party");
    assert!(f.regex && f.party == PARTY_THIRD);
    assert_eq!(f.pattern, r"^https?:\/\/[a-z]{8}\.com\/$");
    assert_eq!(skip("/(unclosed/"), Skip::InvalidRegex);
    let f = filter("/banner/*/img");
    assert!(!f.regex);
}

#[test]
fn options() {
    let f = filter("||x.com^$third-party,script,image");
    assert_eq!(f.party, PARTY_THIRD);
    assert_eq!(f.types, ResourceType::Script.bit() | ResourceType::Image.bit());
    assert_eq!(filter("||x.com^$3p").party, PARTY_THIRD);
    assert_eq!(filter("||x.com^$~third-party").party, PARTY_FIRST);
    assert_eq!(filter("||x.com^$1p").party, PARTY_FIRST);
    assert_eq!(filter("||x.com^$first-party").party, PARTY_FIRST);
    assert_eq!(filter("||x.com^$strict3p").party, PARTY_STRICT_THIRD);
    let f = filter("||x.com^$~script,~image");
    assert_eq!(f.types, NETWORK_TYPES & !(ResourceType::Script.bit() | ResourceType::Image.bit()));
    assert_eq!(filter("||x.com^$xhr").types, ResourceType::Xmlhttprequest.bit());
    assert_eq!(filter("||x.com^$document").types, ResourceType::Document.bit());
    assert_eq!(filter("||x.com^$all").types, ALL_TYPES);
    assert_eq!(filter("||x.com^").types, NETWORK_TYPES);
    let f = filter("/track$domain=a.com|~b.a.com|google.*");
    assert_eq!(f.include_domains, ["a.com", "google.*"]);
    assert_eq!(f.exclude_domains, ["b.a.com"]);
    assert!(filter("||x.com^$important").important);
    assert!(filter("||x.com^$badfilter").badfilter);
    assert!(filter("||x.com/a.js$script,redirect=noop.js").redirect);
    assert!(filter("@@||x.com^$script").exception);
}

#[test]
fn unsupported_and_impossible() {
    assert_eq!(skip("||x.com^$popup"), Skip::Popup);
    assert_eq!(skip("||x.com^$csp=script-src 'none'"), Skip::UnsupportedOption("csp".into()));
    assert_eq!(skip("||x.com^$removeparam=utm_source"), Skip::UnsupportedOption("removeparam".into()));
    assert_eq!(skip("@@||x.com^$generichide"), Skip::UnsupportedOption("generichide".into()));
    assert_eq!(skip("||x.com^$bogus"), Skip::UnsupportedOption("bogus".into()));
    assert_eq!(skip(r"||x.com^$domain=/re\.com/"), Skip::UnsupportedValue("domain".into()));
    assert_eq!(skip("||x.com^$script,~script"), Skip::MatchesNothing);
    assert_eq!(skip("||x.com^$1p,3p"), Skip::MatchesNothing);
    assert_eq!(skip("*"), Skip::MatchesEverything);
    assert_eq!(skip("//"), Skip::MatchesEverything);
    assert_eq!(skip("/.*/"), Skip::MatchesEverything);
    assert!(matches!(parse_line("/.*/$script"), Line::Filter(_)));
    assert!(matches!(parse_line("$script,domain=a.com"), Line::Filter(_)));
}

#[test]
fn hosts_lines() {
    let f = filter("0.0.0.0 tracker.example");
    assert_eq!(f.pattern, "tracker.example^");
    assert!(f.host_anchor);
    assert_eq!(f.text, "0.0.0.0 tracker.example");
    assert_eq!(parse_line("127.0.0.1 localhost"), Line::Comment);
}

#[test]
fn badfilter_targets() {
    assert_eq!(filter("||x.com^$third-party,badfilter").badfilter_target().as_deref(), Some("||x.com^$third-party"));
    assert_eq!(filter("||x.com^$badfilter").badfilter_target().as_deref(), Some("||x.com^"));
    assert_eq!(filter("||x.com^").badfilter_target(), None);
}
