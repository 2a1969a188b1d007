//! A reference oracle: Brave's `adblock` crate, on the same lists (EasyPrivacy plus TrackerDB's
//! filters) and the same requests. Block decisions must agree on ≥ 99.9 % of requests, and every
//! disagreement must fall in a class explained below.

mod common;

use std::collections::BTreeMap;

use trustledger::{EngineBuilder, ResourceType};

/// Why the two engines may decide differently, by class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// `fetch` requests: we (like Chromium's webRequest and uBO) treat them as `xmlhttprequest`;
    /// adblock-rust treats an unknown type name as `other`.
    FetchIsXhr,
    /// A filter with `$~document`: adblock-rust applies it to no request type at all (e.g.
    /// `/webtracking/*$~document,~subdocument` never matches a script there); ABP and uBO apply it
    /// to every type but `document`, as we do.
    NegatedDocument,
    /// Anything else: not explained, fails the test.
    Unexplained,
}

fn explain(rtype: &str, ours: Option<&str>) -> Class {
    if rtype == "fetch" {
        Class::FetchIsXhr
    } else if ours.is_some_and(|f| f.contains("~document")) {
        Class::NegatedDocument
    } else {
        Class::Unexplained
    }
}

#[test]
fn agrees_with_adblock_rust() {
    let (Some(easyprivacy), Some(records)) = (common::read("easyprivacy.txt"), common::recorded_requests()) else { return };
    let db = common::trackerdb();
    let trackerdb_text: String = db.patterns.iter().flat_map(|p| p.filters.iter()).map(|f| format!("{f}\n")).collect();

    let mut set = adblock::lists::FilterSet::new(true);
    set.add_filter_list(easyprivacy.clone(), adblock::lists::ParseOptions::default());
    set.add_filter_list(trackerdb_text, adblock::lists::ParseOptions::default());
    let peer = adblock::Engine::new_with_filter_set(set);

    let mut b = EngineBuilder::new();
    b.add_list("easyprivacy.txt", &easyprivacy);
    b.trackerdb(db);
    let ours = b.build().0;

    // Each recorded request three ways: as recorded (most sources are a bare scheme, i.e. an
    // unknown page), from an unrelated page, and from its own site (first party).
    let mut requests = Vec::new();
    for r in records.iter().filter(|r| !matches!(r.url.as_str(), "http://" | "https://")) {
        requests.push((r.url.clone(), r.source_url.clone(), r.rtype.clone()));
        requests.push((r.url.clone(), "https://www.example.org/news/".to_owned(), r.rtype.clone()));
        if let Some(host) = trustledger::site::host(&r.url) {
            requests.push((r.url.clone(), format!("https://{host}/"), r.rtype.clone()));
        }
    }

    let mut classes: BTreeMap<Class, Vec<String>> = BTreeMap::new();
    let (mut total, mut blocked) = (0usize, 0usize);
    for (url, source, rtype) in &requests {
        let Ok(req) = adblock::request::Request::new(url, source, rtype, "GET") else { continue };
        total += 1;
        let theirs = peer.check_network_request(&req);
        let mine = ours.classify_full(url, source, ResourceType::parse_lenient(rtype));
        blocked += usize::from(mine.matched);
        if theirs.should_block() != mine.matched {
            let detail = format!(
                "{url} from {source} ({rtype}): adblock {} [{:?} / {:?}], ours {} [{:?} / {:?}]",
                theirs.should_block(),
                theirs.filter.as_ref().map(|f| f.to_string()),
                theirs.exception.as_ref().map(|f| f.to_string()),
                mine.matched,
                mine.filter,
                mine.exception
            );
            classes.entry(explain(rtype, mine.filter.as_deref())).or_default().push(detail);
        }
    }
    let disagreements: usize = classes.values().map(Vec::len).sum();
    for (class, cases) in &classes {
        eprintln!("{class:?}: {} requests, e.g.\n  {}", cases.len(), cases.iter().take(5).cloned().collect::<Vec<_>>().join("\n  "));
    }
    let agreement = 1.0 - disagreements as f64 / total as f64;
    eprintln!("{total} requests, {blocked} blocked by us, {disagreements} disagreements, agreement {:.4} %", agreement * 100.0);
    assert!(total > 24_000, "only {total} requests compared");
    assert!(agreement >= 0.999, "agreement {:.4} % is below 99.9 %", agreement * 100.0);
    let unexplained = classes.get(&Class::Unexplained).map_or(0, Vec::len);
    assert_eq!(
        unexplained,
        0,
        "unexplained disagreements:\n{}",
        classes.get(&Class::Unexplained).map(|v| v.join("\n")).unwrap_or_default()
    );
}
