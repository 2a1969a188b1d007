//! Property tests (proptest): no panic on hostile input, URL and site invariants, snapshot round
//! trips and corruption, and the indexed matcher against brute-force references.
//!
//! Strategies are in `properties/generators.rs`; the brute-force reference (`naive_*`), which is
//! independent of the engine's matcher, in `properties/reference.rs`.
//!
//! Failures are not persisted (`failure_persistence: None`): proptest prints the minimal input.

#[path = "properties/generators.rs"]
mod generators;
#[path = "properties/reference.rs"]
mod reference;

use generators::*;
use proptest::prelude::*;
use proptest::sample::select;
use reference::*;
use trustledger::engine::snapshot::{checksum, MAGIC, VERSION};
use trustledger::filters::parse::{PARTY_FIRST, PARTY_THIRD};
use trustledger::filters::{parse_line, Line, NetworkFilter};
use trustledger::site;
use trustledger::{Engine, EngineBuilder, Request, ResourceType, TrackerDb};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// `cases` per property, times `PROPERTIES_SCALE` (default 1) for longer hunts:
/// `PROPERTIES_SCALE=100 cargo test --release --test properties`.
fn config(cases: u32) -> ProptestConfig {
    let scale = std::env::var("PROPERTIES_SCALE").ok().and_then(|s| s.parse::<u32>().ok()).unwrap_or(1).max(1);
    ProptestConfig { cases: cases.saturating_mul(scale), failure_persistence: None, ..ProptestConfig::default() }
}

fn engine(list: &str) -> Engine {
    let mut b = EngineBuilder::new();
    b.add_list("props.txt", list);
    b.build().0
}

fn parsed(line: &str) -> Option<NetworkFilter> {
    match parse_line(line) {
        Line::Filter(f) => Some(*f),
        _ => None,
    }
}

/// Snapshot header: magic (8) + version (4) + payload length (8) + checksum (8).
const HEADER: usize = 28;

/// A snapshot with a correct header around `payload`.
fn seal(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&checksum(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Requests any loaded engine is exercised with (a mix of hits, misses and non-URLs).
const PROBES: &[(&str, &str, ResourceType)] = &[
    ("https://tracker.com/t.gif", "https://news.example/", ResourceType::Image),
    ("https://tracker.com/ok.js", "https://news.example/", ResourceType::Script),
    ("https://www.google-analytics.com/collect", "https://news.example/", ResourceType::Ping),
    ("https://x.com/ads/1/2/track?a", "https://a.com/", ResourceType::Image),
    ("https://abcd.com/t.js", "https://shop.co.uk/", ResourceType::Script),
    ("https://x.com/TrAcK/", "", ResourceType::Image),
    ("https://x.com/?a=1&utm_source=z", "about:blank", ResourceType::Xmlhttprequest),
    ("https://imp.com/a", "https://imp.com/", ResourceType::Document),
    ("https://m.adobe.news.example/b/ss", "https://news.example/", ResourceType::Image),
    ("data:image/png;base64,xx", "", ResourceType::Image),
    ("", "", ResourceType::Other),
];

fn probe(e: &Engine) {
    for &(url, source, t) in PROBES {
        let c = e.classify_full(url, source, t);
        let v = e.classify(url, source, t);
        assert_eq!(c.matched, v.matched);
        let _ = e.describe(url, t, &v);
    }
}

// ---------------------------------------------------------------------------------------------
// 1. No panic on any input
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(3000))]

    /// The parser never panics, and what it keeps is well-formed.
    #[test]
    fn parse_line_never_panics(line in abp_line()) {
        if let Line::Filter(f) = parse_line(&line) {
            prop_assert!(f.types != 0, "{line:?} keeps a filter for no type");
            prop_assert!(f.party & PARTY_FIRST == 0 || f.party & PARTY_THIRD == 0);
            if !f.regex {
                prop_assert!(!f.pattern.contains("**"), "{line:?} → {:?}", f.pattern);
                prop_assert!(!f.pattern.starts_with('*') && !f.pattern.ends_with('*'), "{line:?} → {:?}", f.pattern);
                if !f.match_case {
                    prop_assert!(!f.pattern.bytes().any(|b| b.is_ascii_uppercase()));
                }
            }
            let _ = f.badfilter_target();
        }
    }

    /// URL parsing never panics, and the ranges it returns are inside the string, on character
    /// boundaries, and the host has no authority delimiter in it.
    #[test]
    fn parse_url_ranges_are_sound(url in url_ish()) {
        if let Some(p) = site::parse_url(&url) {
            prop_assert!(p.scheme_end < p.host_start && p.host_start < p.host_end && p.host_end <= url.len(), "{url:?} → {p:?}");
            prop_assert!(url.is_char_boundary(p.host_start) && url.is_char_boundary(p.host_end), "{url:?} → {p:?}");
            let host = p.host(&url);
            let _ = p.scheme(&url);
            prop_assert!(!host.bytes().any(|b| matches!(b, b'/' | b'?' | b'#' | b'\\' | b'@')), "{url:?} → {host:?}");
            prop_assert_eq!(site::host(&url), Some(host));
        }
    }

    /// `registrable_domain` is a (label-aligned) suffix of the host, `without_suffix` a prefix,
    /// and a host is never third party to itself.
    #[test]
    fn site_functions_on_hosts(host in prop_oneof![host_gen(), any::<String>().prop_map(|s| s.to_lowercase()), "[a-z0-9.é-]{0,20}"]) {
        let reg = site::registrable_domain(&host);
        let without = site::without_suffix(&host);
        // Empty labels (`a..com`, `.com`, `x...`) are left out: the PSL lookup counts them as
        // labels (`a..com` → `.com`, `0...` → `0.`), see the report.
        let stripped = host.strip_suffix('.').unwrap_or(&host);
        if !stripped.is_empty() && !stripped.starts_with('.') && !stripped.contains("..") && !stripped.ends_with('.') {
            prop_assert!(stripped.ends_with(reg), "{host:?} → {reg:?}");
            prop_assert!(reg == stripped || stripped[..stripped.len() - reg.len()].ends_with('.'), "{host:?} → {reg:?} not on a label boundary");
            if let Some(w) = without {
                prop_assert!(host.starts_with(w) && host[w.len()..].starts_with('.'), "{host:?} → {w:?}");
            }
        }
        if !host.is_empty() {
            prop_assert!(!site::is_third_party(&host, Some(&host)), "{host:?}");
        }
        let _ = site::is_third_party(&host, None);
        let _ = site::is_ip(&host);
    }

    /// `is_third_party` never panics on arbitrary pairs and is symmetric.
    #[test]
    fn third_party_is_symmetric(a in prop_oneof![host_gen(), "[a-z0-9.é-]{1,20}"], b in prop_oneof![host_gen(), "[a-z0-9.é-]{1,20}"]) {
        prop_assert_eq!(site::is_third_party(&a, Some(&b)), site::is_third_party(&b, Some(&a)));
    }

    /// `Request::new` never panics; what it derives is consistent.
    #[test]
    fn request_new_never_panics(url in url_ish(), source in url_ish(), t in any_rtype()) {
        let r = Request::new(&url, &source, t);
        prop_assert_eq!(r.lower.len(), url.len());
        prop_assert_eq!(r.host().is_some(), site::host(&url).is_some());
        if let Some(h) = r.host() {
            prop_assert!(!h.bytes().any(|b| b.is_ascii_uppercase()));
            prop_assert_eq!(h, site::host(&url).expect("same parse").to_ascii_lowercase());
        }
        if let Some(s) = r.source_host.as_deref() {
            prop_assert!(!s.bytes().any(|b| b.is_ascii_uppercase()));
        }
        // Same host implies same site.
        prop_assert!(r.strict_third_party || !r.third_party, "{:?}", r);
        let _ = r.is_supported();
    }
}

/// Generated `scheme://host/path` URLs give back their host.
#[test]
fn generated_urls_give_their_host() {
    proptest!(config(2000), |((url, host) in url_with_host())| {
        prop_assert_eq!(site::host(&url), Some(host.as_str()), "{}", url);
    });
}

proptest! {
    #![proptest_config(config(150))]

    /// Any list text compiles; classifying anything never panics; the snapshot of any engine loads
    /// back and answers identically.
    #[test]
    fn arbitrary_lists_and_requests(
        lines in prop::collection::vec(abp_line(), 0..16),
        requests in prop::collection::vec((url_ish(), url_ish(), any_rtype()), 1..8),
        generated in prop::collection::vec(simple_request(), 0..4),
    ) {
        let list = lines.join("\n");
        let e = engine(&list);
        let bytes = e.to_snapshot();
        let loaded = Engine::from_snapshot(&bytes).map_err(|err| TestCaseError::fail(format!("{err}")))?;
        for (url, source, t) in requests.iter().chain(&generated) {
            let c = e.classify_full(url, source, *t);
            prop_assert_eq!(&c, &loaded.classify_full(url, source, *t), "list {:?}", list);
            prop_assert!(!(c.matched && c.filter.is_none()));
            prop_assert!(c.exception.is_none() || (!c.matched && c.filter.is_some()));
        }
        probe(&loaded);
    }
}

fn tracker_db() -> TrackerDb {
    const JSON: &str = r##"{
      "categories": {"site_analytics": {"name": "Site Analytics"}, "advertising": {"name": "Advertising"}},
      "organizations": {"google": {"name": "Google"}, "adobe": {"name": "Adobe"}},
      "patterns": {
        "google_analytics": {"name": "Google Analytics", "category": "site_analytics", "organization": "google",
          "domains": ["google-analytics.com"], "filters": ["||google-analytics.com^$3p", "/collect?$ping"]},
        "orphan": {"name": "Orphan", "category": "advertising", "domains": ["orphan.net"], "filters": []}
      }
    }"##;
    TrackerDb::from_json(JSON, "props").expect("sample TrackerDB parses")
}

/// An engine using every part of the snapshot: lists with sections, all four index kinds, regex
/// slots, `$domain=` hashes, TrackerDB patterns, domains and vendors.
fn rich_engine() -> Engine {
    let list = "! Title: Props\n! Version: 1\n\
        ! *** easylist:easyprivacy/easyprivacy_general.txt ***\n\
        ||tracker.com^$third-party\n||a.b.com/x.js$script\n/pixel.gif|\n|https://ads.\n\
        /ads/*/track^$image,domain=a.com|~b.a.com|shop.*\n\
        /^https?:\\/\\/[a-z]{4}\\.com\\/t\\.js/$script\n/\\/TrAcK\\//$match-case\n&utm_\n\
        $script,domain=news.example\n||cdn.*/track\n@@||tracker.com/ok.js\n@@/pixel.gif|$domain=good.org\n\
        ||imp.com^$important,document\n@@||imp.com^\n||old.com^\n||old.com^$badfilter\nexample.com##.ad\n\
        ! *** easylist:easyprivacy/easyprivacy_specific_cname_adobe.txt ***\n||adobe.news.example^\n";
    let mut b = EngineBuilder::new();
    b.add_list("props.txt", list);
    b.add_list("second.txt", "||second.org^\n@@||ok.second.org^\n");
    b.trackerdb(tracker_db());
    b.build().0
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Word(usize, u32),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let word =
        prop_oneof![select(vec![0u32, 1, 2, 3, 52, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, u32::MAX - 1, u32::MAX]), any::<u32>()];
    prop_oneof![
        3 => (any::<usize>(), 1u8..).prop_map(|(i, x)| Mutation::Flip(i, x)),
        3 => (any::<usize>(), word).prop_map(|(i, w)| Mutation::Word(i, w)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => any::<usize>().prop_map(Mutation::Remove),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let n = bytes.len();
    match *m {
        Mutation::Flip(i, x) => bytes[i % n] ^= x,
        Mutation::Word(i, w) => {
            let at = i % n;
            let end = (at + 4).min(n);
            bytes[at..end].copy_from_slice(&w.to_le_bytes()[..end - at]);
        }
        Mutation::Insert(i, b) => bytes.insert(i % (n + 1), b),
        Mutation::Remove(i) => {
            bytes.remove(i % n);
        }
        Mutation::Truncate(i) => bytes.truncate(i % n),
    }
}

proptest! {
    #![proptest_config(config(400))]

    /// Arbitrary bytes are never a snapshot (and never a panic), with or without a valid magic.
    #[test]
    fn arbitrary_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..300), magic in any::<bool>(), version in any::<bool>()) {
        let mut input = Vec::new();
        if magic {
            input.extend_from_slice(MAGIC);
            if version {
                input.extend_from_slice(&VERSION.to_le_bytes());
            }
        }
        input.extend_from_slice(&bytes);
        prop_assert!(Engine::from_snapshot(&input).is_err());
    }

    /// A random payload under a correct header (length and checksum right) reaches the structural
    /// checks: it must be refused or load into an engine that classifies without panicking.
    #[test]
    fn sealed_random_payloads_never_panic(payload in prop::collection::vec(prop_oneof![3 => Just(0u8), 1 => any::<u8>()], 0..400)) {
        if let Ok(e) = Engine::from_snapshot(&seal(&payload)) {
            probe(&e);
        }
    }
}

proptest! {
    #![proptest_config(config(500))]

    /// A real snapshot, corrupted (bytes flipped, words overwritten, bytes inserted or removed,
    /// truncated), is refused or loads; if it loads, classifying never panics. With `reseal`, the
    /// header is fixed up afterwards so the damage reaches the structural validation.
    #[test]
    fn corrupted_snapshots_never_panic(mutations in prop::collection::vec(mutation(), 1..4), reseal in prop_oneof![1 => Just(false), 3 => Just(true)]) {
        let original = rich_engine().to_snapshot();
        let damaged = if reseal {
            let mut payload = original[HEADER..].to_vec();
            for m in &mutations {
                apply(&mut payload, m);
            }
            seal(&payload)
        } else {
            let mut bytes = original.clone();
            for m in &mutations {
                apply(&mut bytes, m);
            }
            bytes
        };
        match Engine::from_snapshot(&damaged) {
            Ok(e) => {
                probe(&e);
                let _ = e.to_snapshot();
            }
            Err(err) => {
                let _ = err.to_string();
                prop_assert!(damaged != original, "the intact snapshot was refused: {}", err);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Invariants
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(200))]

    /// `from_snapshot(to_snapshot())` answers exactly like the engine it came from, and
    /// re-serialises to the same bytes.
    #[test]
    fn snapshot_round_trip(
        filters in prop::collection::vec(simple_filter(true, true), 0..10),
        requests in prop::collection::vec(simple_request(), 1..10),
    ) {
        let list = filters.join("\n");
        let e = engine(&list);
        let bytes = e.to_snapshot();
        let loaded = Engine::from_snapshot(&bytes).map_err(|err| TestCaseError::fail(format!("{err}")))?;
        prop_assert!(loaded.to_snapshot() == bytes, "re-serialised snapshot differs");
        for (url, source, t) in &requests {
            prop_assert_eq!(e.classify_full(url, source, *t), loaded.classify_full(url, source, *t), "list {:?}", list);
        }
    }
}

proptest! {
    #![proptest_config(config(400))]

    /// `||host^` matches the host and its subdomains whatever the path, and no other host
    /// (`{host}x.com` only when that happens to be under `host`, as `comx.com` is under `com`).
    #[test]
    fn host_anchor_matches_host_and_subdomains(
        host in host_gen(),
        sub in label(),
        path in "[a-zA-Z0-9/._~%?=&-]{0,20}",
        t in network_rtype(),
        source in select(vec!["", "https://news.example/", "https://www.example.co.uk/x"]),
    ) {
        let filter = format!("||{host}^");
        let e = engine(&format!("||never.invalid^\n{filter}\n/unrelated/*"));
        for url in [format!("https://{host}/{path}"), format!("https://{sub}.{host}/{path}"), format!("wss://{}:8080/{path}", host.to_ascii_uppercase())] {
            let c = e.classify_full(&url, source, t);
            prop_assert!(c.matched, "{} should match {}", filter, url);
            prop_assert_eq!(c.filter.as_deref(), Some(filter.as_str()));
        }
        let other = format!("{host}x.com");
        let under = other.ends_with(&format!(".{host}"));
        let c = e.classify_full(&format!("https://{other}/"), source, t);
        prop_assert_eq!(c.matched, under, "{} vs https://{}/", filter, other);
    }

    /// The token index against `str::contains`: the plain filter `/{token}/` (written `/{token}/*`
    /// because `/{token}/` alone is a regex in ABP syntax) matches exactly the URLs containing
    /// `/{token}/`; and the regex `/{token}/` exactly those containing `{token}`.
    #[test]
    fn token_filter_matches_iff_url_contains_it(
        token in "[a-z0-9]{3,10}",
        host in host_gen(),
        segments in prop::collection::vec((0u8..4, "[a-zA-Z0-9._%-]{0,6}"), 0..5),
        t in network_rtype(),
    ) {
        let mut path = String::new();
        for (kind, seg) in &segments {
            match kind {
                0 => path.push_str(&token),
                1 => path.push_str(&token.to_ascii_uppercase()),
                2 => path.push_str(&format!("{seg}{token}")),
                _ => path.push_str(seg),
            }
            path.push('/');
        }
        let url = format!("https://{host}/{path}");
        let lower = url.to_ascii_lowercase();

        let plain = format!("/{token}/*");
        let e = engine(&format!("||never.invalid^\n/zzzz/qqqq/*\n{plain}"));
        let c = e.classify_full(&url, "https://page.example/", t);
        prop_assert_eq!(c.matched, lower.contains(&format!("/{token}/")), "{} on {}", plain, url);
        prop_assert_eq!(c.filter.is_some(), c.matched);

        let regex = format!("/{token}/");
        let e = engine(&format!("||never.invalid^\n{regex}"));
        let c = e.classify_full(&url, "https://page.example/", t);
        prop_assert_eq!(c.matched, lower.contains(&token), "{} on {}", regex, url);
    }

    /// An `@@` exception identical to a blocking filter always overrides it: never `matched`, and
    /// `filter` is set exactly when the blocking filter alone matches, with the exception beside it.
    #[test]
    fn identical_exception_always_overrides(
        filter in simple_filter(false, false),
        requests in prop::collection::vec(simple_request(), 1..8),
    ) {
        let both = engine(&format!("{filter}\n@@{filter}"));
        let alone = engine(&filter);
        for (url, source, t) in &requests {
            let c = both.classify_full(url, source, *t);
            let a = alone.classify_full(url, source, *t);
            prop_assert!(!c.matched, "{} / @@{} on {}", filter, filter, url);
            prop_assert_eq!(c.filter.is_some(), a.matched, "{} on {}", filter, url);
            prop_assert_eq!(c.exception.is_some(), c.filter.is_some(), "{} on {}", filter, url);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Brute-force equivalence
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(1000))]

    /// The indexed engine against two references over random small lists and requests:
    /// - per filter, a one-filter engine (exceptions compiled as blocks) agrees with the naive
    ///   regex translation of that filter (pattern matcher, anchors, options);
    /// - for the whole list, the engine's verdict (matched, important, deciding line, exception
    ///   line) is what OR-ing the per-filter results gives (important first, then earliest line;
    ///   earliest exception), so no index ever loses a match.
    #[test]
    fn indexed_engine_equals_brute_force(
        filters in prop::collection::vec(simple_filter(true, true), 1..10),
        requests in prop::collection::vec(simple_request(), 1..12),
    ) {
        let list = filters.join("\n");
        let full = engine(&list);
        let mut naive = Vec::new();
        let mut singles = Vec::new();
        for (i, text) in filters.iter().enumerate() {
            let Some(f) = parsed(text) else { continue };
            let as_block = text.strip_prefix("@@").unwrap_or(text);
            prop_assert!(parsed(as_block).is_some(), "{} parses but {} does not", text, as_block);
            singles.push((text.as_str(), engine(as_block)));
            naive.push(((i + 1) as u32, naive_filter(f)));
        }
        for (url, source, t) in &requests {
            let r = naive_request(url, source, *t);
            for ((_, nf), (text, single)) in naive.iter().zip(&singles) {
                let want = naive_matches(nf, &r);
                let got = single.classify(url, source, *t).matched;
                prop_assert_eq!(got, want, "filter {:?} alone on {} from {:?} ({:?}): engine {}, reference {}", text, url, source, t, got, want);
            }
            let c = full.classify_full(url, source, *t);
            prop_assert_eq!(actual(&c), expected(&naive, &r), "list {:?} on {} from {:?} ({:?})", list, url, source, t);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Regex filters: the literal tokens (and required literals) the engine indexes a regex by must be
// in every URL it matches. Everything the indexer handles runs always; POSIX classes, `]` as a
// class's first member and Unicode case folding are `#[ignore]`d while `regex_items`
// (src/engine/tokens.rs) mis-reads them.
// ---------------------------------------------------------------------------------------------

fn regex_filter(atoms: Vec<&'static str>) -> impl Strategy<Value = String> {
    prop::collection::vec(select(atoms), 1..7).prop_map(|v| format!("/{}/", v.concat()))
}

const REGEX_ATOMS: &[&str] = &[
    "ads",
    "x",
    "track",
    "\\/",
    "\\/",
    "\\.",
    ".",
    "[a-z]",
    "[/.]",
    "\\d",
    "a?",
    "s+",
    "^https?:\\/\\/",
    "$",
    "=",
    "1",
    "(\\/ads\\/)?",
    "(\\/x)*",
    "(track)?",
    "(ads){0,2}",
    "(ads|x)",
    "\\bads\\b",
];
/// What `regex_items` mis-reads today: a POSIX class's inner `]` ends the class early, `]`
/// first in a class likewise, and the case-insensitive regex matches non-ASCII case variants
/// (`K` KELVIN SIGN for `k`, `ſ` LONG S for `s`) that the ASCII URL tokens never contain.
const UNSUPPORTED_REGEX_ATOMS: &[&str] = &["[[:alpha:]]", "[]x]", "[^]a]", "k", "s"];

/// Requests whose paths are made of the regex atoms' literals (`unicode`: plus case variants).
fn regex_request(unicode: bool) -> impl Strategy<Value = (String, String, ResourceType)> {
    let mut atoms = vec!["ads", "x", "track", "/", "/", "/", ".", "1", "=", "xads", "a", "ADS", "]", "k"];
    if unicode {
        atoms.extend(["\u{212A}", "\u{17F}", "ad\u{17F}"]);
    }
    (select(HOSTS.to_vec()), prop::collection::vec(select(atoms), 0..8), select(vec!["", "https://a.com/"]), any_rtype())
        .prop_map(|(host, path, source, t)| (format!("https://{host}/{}", path.concat()), source.to_owned(), t))
}

fn check_regex_filter(filter: &str, requests: &[(String, String, ResourceType)]) -> Result<(), TestCaseError> {
    let Some(f) = parsed(filter) else {
        return Ok(());
    };
    prop_assume!(f.regex);
    let nf = naive_filter(f);
    let e = engine(filter);
    for (url, source, t) in requests {
        let r = naive_request(url, source, *t);
        prop_assert_eq!(e.classify(url, source, *t).matched, naive_matches(&nf, &r), "{} on {}", filter, url);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn regex_filters_equal_brute_force(
        filter in regex_filter(REGEX_ATOMS.to_vec()),
        requests in prop::collection::vec(regex_request(false), 1..10),
    ) {
        check_regex_filter(&filter, &requests)?;
    }

    /// Fails today: `/[[:alpha:]]track/` requires the literal `]track` (the class is cut at its
    /// first `]`), so `https://a.com/atrack` is missed; `/\/k\//` misses `https://a.com/\u{212A}/`.
    #[test]
    fn regex_filters_with_odd_classes_equal_brute_force(
        filter in regex_filter(REGEX_ATOMS.iter().chain(UNSUPPORTED_REGEX_ATOMS).copied().collect()),
        requests in prop::collection::vec(regex_request(true), 1..10),
    ) {
        check_regex_filter(&filter, &requests)?;
    }
}
