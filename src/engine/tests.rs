//! Engine unit tests: one table per filter feature, plus snapshot round trips and refusals.

use super::*;
use crate::trackers::TrackerDb;

fn engine(list: &str) -> Engine {
    let mut b = EngineBuilder::new();
    b.add_list("test.txt", list);
    b.build().0
}

/// (url, source, type, blocked?)
type Case = (&'static str, &'static str, &'static str, bool);

fn check(list: &str, cases: &[Case]) {
    let e = engine(list);
    for &(url, source, t, want) in cases {
        let v = e.classify(url, source, ResourceType::parse_lenient(t));
        assert_eq!(v.matched, want, "list {list:?}: {url} from {source} ({t}) → {v:?}");
    }
}

const PAGE: &str = "https://news.example/";

#[test]
fn host_anchors() {
    check(
        "||tracker.com^",
        &[
            ("https://tracker.com/x", PAGE, "script", true),
            ("https://a.b.tracker.com/x", PAGE, "script", true),
            ("https://tracker.com", PAGE, "script", true),
            ("https://tracker.com:8080/x", PAGE, "script", true),
            ("https://nottracker.com/x", PAGE, "script", false),
            ("https://tracker.com.evil.org/x", PAGE, "script", false),
            ("https://x.com/?u=https://tracker.com/", PAGE, "script", false),
            ("https://TRACKER.com/x", PAGE, "script", true),
        ],
    );
    check(
        "||ads.",
        &[
            ("https://ads.x.com/", PAGE, "image", true),
            ("https://x.ads.com/", PAGE, "image", true),
            ("https://xads.com/", PAGE, "image", false),
        ],
    );
    check(
        "||ga.com/analytics.js",
        &[("https://www.ga.com/analytics.js?v=1", PAGE, "script", true), ("https://www.ga.com/other.js", PAGE, "script", false)],
    );
    check("||cdn.*/track", &[("https://cdn.x.com/track", PAGE, "script", true), ("https://x.com/cdn./track", PAGE, "script", false)]);
}

#[test]
fn plain_anchors_wildcards_separators() {
    check("/pixel.gif|", &[("https://x.com/a/pixel.gif", PAGE, "image", true), ("https://x.com/a/pixel.gif?x", PAGE, "image", false)]);
    check("|https://t.", &[("https://t.x.com/", PAGE, "image", true), ("http://t.x.com/", PAGE, "image", false)]);
    check(
        "/ads/*/track^",
        &[
            ("https://x.com/ads/1/2/track?a", PAGE, "image", true),
            ("https://x.com/ads/track", PAGE, "image", false),
            ("https://x.com/ads/1/trackx", PAGE, "image", false),
        ],
    );
    check("&utm_", &[("https://x.com/?a=1&utm_source=z", PAGE, "xhr", true)]);
}

#[test]
fn regexes() {
    check(
        r"/^https?:\/\/[a-z]{4}\.com\/t\.js/$script",
        &[
            ("https://abcd.com/t.js", PAGE, "script", true),
            ("https://ABCD.com/t.js", PAGE, "script", true),
            ("https://abcde.com/t.js", PAGE, "script", false),
            ("https://abcd.com/t.js", PAGE, "image", false),
        ],
    );
    check(r"/\/TrAcK\//$match-case", &[("https://x.com/TrAcK/", PAGE, "image", true), ("https://x.com/track/", PAGE, "image", false)]);
}

#[test]
fn regexes_compiled_ahead_give_the_same_answers() {
    let mut b = EngineBuilder::new();
    b.add_list("l", "/^https?:\\/\\/[a-z]{4}\\.com\\/t\\.js/\n/\\/TrAcK\\//$match-case\n/[0-9]{3}\\.gif/\n||plain.example^");
    let (engine, _) = b.build();
    assert_eq!(engine.compile_regexes(2), 1, "two compiled, one left");
    assert_eq!(engine.compile_regexes(8), 0);
    assert_eq!(engine.compile_regexes(8), 0, "nothing left to do");
    let page = "https://page.example/";
    assert!(engine.classify("https://abcd.com/t.js", page, ResourceType::Script).matched);
    assert!(engine.classify("https://x.com/TrAcK/", page, ResourceType::Image).matched);
    assert!(!engine.classify("https://x.com/track/", page, ResourceType::Image).matched);
    assert!(engine.classify("https://x.com/123.gif", page, ResourceType::Image).matched);
}

#[test]
fn party_options() {
    let third = "https://t.com/p";
    check(
        "||t.com^$third-party",
        &[
            (third, PAGE, "image", true),
            (third, "https://www.t.com/", "image", false),
            (third, "http://", "image", true),
            (third, "", "image", true),
        ],
    );
    check("||t.com^$3p", &[(third, PAGE, "image", true)]);
    check("||t.com^$first-party", &[(third, PAGE, "image", false), (third, "https://t.com/", "image", true)]);
    check("||t.com^$1p", &[(third, "https://a.t.com/", "image", true)]);
    check("||t.com^$~third-party", &[(third, PAGE, "image", false), (third, "https://t.com/", "image", true)]);
    check("||t.com^$strict3p", &[(third, "https://a.t.com/", "image", true), (third, "https://t.com/", "image", false)]);
    check("||t.com^$strict1p", &[(third, "https://a.t.com/", "image", false), (third, "https://t.com/", "image", true)]);
}

#[test]
fn domain_option() {
    let list = "/track.js$domain=a.com|~b.a.com|shop.*";
    check(
        list,
        &[
            ("https://x.com/track.js", "https://a.com/", "script", true),
            ("https://x.com/track.js", "https://www.a.com/", "script", true),
            ("https://x.com/track.js", "https://b.a.com/", "script", false),
            ("https://x.com/track.js", "https://c.b.a.com/", "script", false),
            ("https://x.com/track.js", "https://z.com/", "script", false),
            ("https://x.com/track.js", "https://shop.co.uk/", "script", true),
            ("https://x.com/track.js", "https://shop.de/", "script", true),
            ("https://x.com/track.js", "http://", "script", false),
        ],
    );
    check(
        "/track.js$domain=~a.com",
        &[
            ("https://x.com/track.js", "https://a.com/", "script", false),
            ("https://x.com/track.js", "https://z.com/", "script", true),
            ("https://x.com/track.js", "", "script", true),
        ],
    );
    // No token at all: found through the page's domain.
    check(
        "$script,domain=a.com",
        &[
            ("https://x.com/anything.js", "https://a.com/", "script", true),
            ("https://x.com/anything.js", "https://b.com/", "script", false),
        ],
    );
}

#[test]
fn resource_types() {
    check("||t.com^$script", &[("https://t.com/a", PAGE, "script", true), ("https://t.com/a", PAGE, "image", false)]);
    check(
        "||t.com^$~script",
        &[
            ("https://t.com/a", PAGE, "script", false),
            ("https://t.com/a", PAGE, "image", true),
            ("https://t.com/a", PAGE, "main_frame", false),
        ],
    );
    check(
        "||t.com^",
        &[
            ("https://t.com/a", PAGE, "sub_frame", true),
            ("https://t.com/a", PAGE, "main_frame", false),
            ("https://t.com/a", PAGE, "beacon", true),
        ],
    );
    check("||t.com^$document", &[("https://t.com/a", PAGE, "main_frame", true), ("https://t.com/a", PAGE, "script", false)]);
    check(
        "||t.com^$xhr,ping,websocket,font,media,stylesheet,subdocument,other,object",
        &[("https://t.com/a", PAGE, "fetch", true), ("wss://t.com/a", PAGE, "websocket", true), ("https://t.com/a", PAGE, "image", false)],
    );
}

#[test]
fn exceptions_and_important() {
    let e = engine("||t.com^\n@@||t.com/ok.js\n||imp.com^$important\n@@||imp.com^");
    let v = e.classify("https://t.com/ok.js", PAGE, ResourceType::Script);
    assert!(!v.matched && v.filter.is_some() && v.exception.is_some());
    let c = e.classify_full("https://t.com/ok.js", PAGE, ResourceType::Script);
    assert_eq!(
        (c.filter.as_deref(), c.line, c.exception.as_deref(), c.exception_line),
        (Some("||t.com^"), Some(1), Some("@@||t.com/ok.js"), Some(2))
    );
    assert!(e.classify("https://t.com/other.js", PAGE, ResourceType::Script).matched);
    let v = e.classify("https://imp.com/x", PAGE, ResourceType::Script);
    assert!(v.matched && v.important && v.exception.is_none());
    // An exception alone blocks nothing.
    assert_eq!(
        engine("@@||t.com^").classify("https://t.com/", PAGE, ResourceType::Script),
        Verdict { matched: false, important: false, third_party: true, filter: None, exception: None, tracker: None }
    );
}

#[test]
fn match_case() {
    check(
        "/AdServer/$match-case",
        &[("https://x.com/AdServer/", PAGE, "script", true), ("https://x.com/adserver/", PAGE, "script", false)],
    );
    check("/AdServer/", &[("https://x.com/adserver/", PAGE, "script", true)]);
}

#[test]
fn badfilter_across_lists() {
    let mut b = EngineBuilder::new();
    b.add_list("a.txt", "||t.com^$third-party\n||u.com^");
    b.add_list("b.txt", "||t.com^$third-party,badfilter");
    let (e, reports) = b.build();
    assert!(!e.classify("https://t.com/", PAGE, ResourceType::Script).matched);
    assert!(e.classify("https://u.com/", PAGE, ResourceType::Script).matched);
    assert_eq!(reports[0].filters, 1);
    assert_eq!(reports[0].skipped.get("disabled by a $badfilter"), Some(&1));
    assert_eq!(reports[1].skipped.get("$badfilter (disables another filter)"), Some(&1));
}

#[test]
fn deciding_filter_is_deterministic() {
    let mut b = EngineBuilder::new();
    b.add_list("first.txt", "/x/y/\n||t.com^");
    b.add_list("second.txt", "||t.com/x/");
    let e = b.build().0;
    let c = e.classify_full("https://t.com/x/y/", PAGE, ResourceType::Script);
    assert_eq!((c.list.as_deref(), c.line), (Some("first.txt"), Some(1)));
}

#[test]
fn unsupported_requests_are_not_matched() {
    let e = engine("||t.com^\ndata:");
    assert!(!e.classify("data:text/html,hi", PAGE, ResourceType::Script).matched);
    assert!(!e.classify("chrome-extension://abc/t.com", PAGE, ResourceType::Script).matched);
    assert!(!e.classify("not a url", PAGE, ResourceType::Script).matched);
}

const DB: &str = r#"{
  "categories": {"site_analytics": {"name": "Site Analytics"}, "advertising": {"name": "Advertising"}},
  "organizations": {"google": {"name": "Google"}, "adobe": {"name": "Adobe"}},
  "patterns": {
    "google_analytics": {"name": "Google Analytics", "category": "site_analytics", "organization": "google",
      "domains": ["google-analytics.com"], "filters": ["||google-analytics.com^$3p"]},
    "doubleclick": {"name": "DoubleClick", "category": "advertising", "organization": "google",
      "domains": ["doubleclick.net"], "filters": []}
  }
}"#;

fn with_db(list: &str) -> Engine {
    let mut b = EngineBuilder::new();
    b.add_list("easyprivacy.txt", list);
    b.trackerdb(TrackerDb::from_json(DB, "test").expect("db"));
    b.build().0
}

#[test]
fn attribution() {
    let e = with_db(
        "||google-analytics.com/collect\n! *** easylist:easyprivacy/easyprivacy_specific_cname_adobe.txt ***\n||metrics.shop.example^",
    );
    // EasyPrivacy decides, TrackerDB's filter attributes.
    let c = e.classify_full("https://www.google-analytics.com/collect?v=1", PAGE, ResourceType::Image);
    assert_eq!(
        (c.list.as_deref(), c.organization.as_deref(), c.category.as_deref(), c.pattern.as_deref()),
        (Some("easyprivacy.txt"), Some("Google"), Some("site_analytics"), Some("Google Analytics"))
    );
    assert_eq!(c.attribution, Some(AttributionSource::TrackerdbFilter));
    // Nothing blocks, the domain still attributes.
    let c = e.classify_full("https://ad.doubleclick.net/x", PAGE, ResourceType::Image);
    assert!(!c.matched);
    assert_eq!(
        (c.organization.as_deref(), c.category.as_deref(), c.attribution),
        (Some("Google"), Some("advertising"), Some(AttributionSource::TrackerdbDomain))
    );
    // A CNAME-cloaked first-party host: the list section names the vendor.
    let c = e.classify_full("https://metrics.shop.example/b/ss", "https://www.shop.example/", ResourceType::Image);
    assert!(c.matched && !c.third_party);
    assert_eq!(
        (c.organization.as_deref(), c.category.as_deref(), c.attribution),
        (Some("Adobe"), Some("site_analytics"), Some(AttributionSource::ListSection))
    );
    // Unknown hosts have no attribution.
    let c = e.classify_full("https://cdn.unknown.example/x.js", PAGE, ResourceType::Script);
    assert_eq!((c.organization, c.category, c.attribution), (None, None, None));
    // TrackerDB's own filters block, cited as list `trackerdb`.
    let c = e.classify_full("https://google-analytics.com/g/collect", PAGE, ResourceType::Ping);
    assert_eq!((c.matched, c.list.as_deref(), c.line), (true, Some("trackerdb"), Some(1)));
    assert!(!e.classify("https://google-analytics.com/g/collect", "https://google-analytics.com/", ResourceType::Ping).matched);
}

#[test]
fn snapshot_round_trip() {
    let e = with_db("||t.com^$third-party\n@@||t.com/ok^\n/re\\d+x/\n$script,domain=a.com\n/track.js$domain=shop.*\n! *** easylist:easyprivacy/easyprivacy_specific_cname_criteo.txt ***\n||c.site.example^");
    let bytes = e.to_snapshot();
    let l = Engine::from_snapshot(&bytes).expect("loads");
    assert_eq!(l.to_snapshot(), bytes);
    let requests = [
        ("https://t.com/x", PAGE, ResourceType::Image),
        ("https://t.com/ok", PAGE, ResourceType::Image),
        ("https://x.com/re42x", PAGE, ResourceType::Image),
        ("https://x.com/a.js", "https://a.com/", ResourceType::Script),
        ("https://x.com/track.js", "https://shop.fr/", ResourceType::Script),
        ("https://c.site.example/", "https://site.example/", ResourceType::Script),
        ("https://www.google-analytics.com/x", PAGE, ResourceType::Script),
    ];
    for (u, s, t) in requests {
        assert_eq!(e.classify_full(u, s, t), l.classify_full(u, s, t), "{u}");
    }
}

#[test]
fn snapshot_refusals() {
    let bytes = with_db("||t.com^").to_snapshot();
    assert_eq!(Engine::from_snapshot(b"nope").err(), Some(snapshot::SnapshotError::Magic));
    let mut v = bytes.clone();
    v[8] = 99;
    assert_eq!(Engine::from_snapshot(&v).err(), Some(snapshot::SnapshotError::Version { found: 99 }));
    assert!(matches!(Engine::from_snapshot(&bytes[..bytes.len() - 1]), Err(snapshot::SnapshotError::Length { .. })));
    let mut v = bytes.clone();
    let last = v.len() - 3;
    v[last] ^= 0xff;
    assert_eq!(Engine::from_snapshot(&v).err(), Some(snapshot::SnapshotError::Checksum));
}
