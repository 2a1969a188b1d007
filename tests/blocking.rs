//! Blocking by tracker category in the browser (`src/policy/blocking.rs`) over TrackerDB: the
//! embedded one when the build has it (else a printed note and only the fixture), and the small
//! `tests/fixtures/cli/trackerdb.json`.
//!
//! - The default terms give rules for the advertising categories only, within Chrome's limit,
//!   each in the shape Chrome accepts (checked on the JSON, independently of the code that
//!   builds it).
//! - Oracle: a small matcher of the DNR conditions the plan uses (`requestDomains`,
//!   `urlFilter`, `domainType`, `initiatorDomains`, resource types) runs over requests made up
//!   from every rule and over the recorded requests of `../shared/data`; every request a rule
//!   of category C matches must be blocked by an engine holding only C's TrackerDB patterns, and
//!   attributed to C.
//! - The numbers (filters per category converted, skipped and why) are printed: run with
//!   `--nocapture` to see them.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use trustledger::filters::{parse_line, Line};
use trustledger::policy::blocking::{BlockingPlan, BLOCKING_PRIORITY, BLOCKING_RULE_IDS, MAX_DYNAMIC_RULES};
use trustledger::policy::enforce::{GPC_PRIORITY, RESOURCE_TYPES};
use trustledger::policy::{Terms, TrackerCategory};
use trustledger::{site, Engine, EngineBuilder, ResourceType, TrackerDb};

const PAGE: &str = "https://news.example/";

/// The embedded TrackerDB, or `None` with a note (a failure when the data is required).
fn embedded() -> Option<TrackerDb> {
    match TrackerDb::embedded() {
        Some(Ok(db)) => Some(db),
        Some(Err(e)) => panic!("embedded TrackerDB is invalid: {e}"),
        None if std::env::var_os("TRUSTLEDGER_REQUIRE_DATA").is_some() => panic!("TrackerDB is not embedded: run ./build.sh"),
        None => {
            eprintln!("SKIPPED: TrackerDB is not embedded (run ./build.sh); only the fixture is checked");
            None
        }
    }
}

fn fixture() -> TrackerDb {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cli/trackerdb.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    TrackerDb::from_json(&text, "fixture").expect("the fixture is valid")
}

fn engine(db: TrackerDb) -> Engine {
    let mut b = EngineBuilder::new();
    b.trackerdb(db);
    b.build().0
}

/// An engine that knows only the patterns of `category`.
fn engine_of(db: &TrackerDb, category: TrackerCategory) -> Engine {
    let mut only = db.clone();
    let index = db.category_by_id(category.key());
    only.patterns.retain(|p| Some(p.category) == index);
    engine(only)
}

/// Terms that block exactly `categories`, everywhere.
fn blocking(categories: &[TrackerCategory]) -> Terms {
    Terms { blocking: categories.iter().copied().collect(), ..Terms::default() }
}

fn plan(db: &TrackerDb, terms: &Terms) -> BlockingPlan {
    let e = engine(db.clone());
    terms.blocking_rules(&e.tracker_filters_by_category(), MAX_DYNAMIC_RULES)
}

#[test]
fn default_terms_block_the_advertising_categories_in_chromes_shape() {
    for db in embedded().into_iter().chain([fixture()]) {
        let plan = plan(&db, &Terms::default());
        let json = serde_json::to_value(&plan.rules).expect("serialises");
        check_shape(&json);
        assert!(!plan.rules.is_empty(), "{}", db.version);
        assert!(plan.rules.len() < MAX_DYNAMIC_RULES && plan.cut.is_empty());
        let categories: BTreeSet<&str> = plan.per_category.keys().map(String::as_str).collect();
        assert!(categories.contains("advertising") && categories.is_subset(&["advertising", "pornvertising"].into()), "{categories:?}");
        println!(
            "{}: default terms → {} rules {:?}, {} filters skipped",
            db.version,
            plan.rules.len(),
            plan.per_category,
            plan.skipped.len()
        );
    }
}

/// Checks every rule's JSON against what Chrome accepts.
fn check_shape(rules: &Value) {
    const CONDITION_KEYS: [&str; 10] = [
        "urlFilter",
        "isUrlFilterCaseSensitive",
        "requestDomains",
        "domainType",
        "initiatorDomains",
        "excludedInitiatorDomains",
        "resourceTypes",
        "excludedResourceTypes",
        "topDomains",
        "excludedTopDomains",
    ];
    let mut ids = BTreeSet::new();
    for rule in rules.as_array().expect("a list") {
        let keys: BTreeSet<&str> = rule.as_object().expect("an object").keys().map(String::as_str).collect();
        assert_eq!(keys, ["action", "condition", "id", "priority"].into(), "{rule}");
        let id = rule["id"].as_u64().expect("an id") as u32;
        assert!(BLOCKING_RULE_IDS.contains(&id) && ids.insert(id), "{rule}");
        let priority = rule["priority"].as_u64().expect("a priority");
        assert!(priority == u64::from(BLOCKING_PRIORITY) && priority < u64::from(GPC_PRIORITY));
        assert_eq!(rule["action"], serde_json::json!({"type": "block"}));
        let c = rule["condition"].as_object().expect("a condition");
        assert!(c.keys().all(|k| CONDITION_KEYS.contains(&k.as_str())), "{rule}");
        assert!(c.contains_key("urlFilter") != c.contains_key("requestDomains"), "{rule}");
        if let Some(u) = c.get("urlFilter") {
            let u = u.as_str().expect("a string");
            assert!(!u.is_empty() && u.is_ascii() && !u.starts_with("||*"), "{rule}");
        }
        for key in ["requestDomains", "initiatorDomains", "excludedInitiatorDomains", "topDomains", "excludedTopDomains"] {
            let Some(list) = c.get(key) else { continue };
            let list = list.as_array().expect("a list");
            assert!(!list.is_empty(), "{rule}");
            for d in list {
                let d = d.as_str().expect("a string");
                let ok = d
                    .split('.')
                    .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(&b)));
                assert!(ok, "{key} {d:?} in {rule}");
            }
        }
        let types = |key| c.get(key).map(|l| l.as_array().expect("a list").iter().map(|t| t.as_str().expect("a name")).collect::<Vec<_>>());
        match (types("resourceTypes"), types("excludedResourceTypes")) {
            (Some(_), Some(_)) => panic!("both type lists: {rule}"),
            (Some(t), None) => assert!(!t.is_empty() && !t.contains(&"main_frame"), "{rule}"),
            (None, Some(t)) => assert!(t.contains(&"main_frame"), "the page itself is never blocked: {rule}"),
            (None, None) => {}
        }
        for t in types("resourceTypes").into_iter().chain(types("excludedResourceTypes")).flatten() {
            assert!(RESOURCE_TYPES.contains(&t), "{t} in {rule}");
        }
        assert!(c.get("domainType").is_none_or(|d| d == "firstParty" || d == "thirdParty"), "{rule}");
        assert!(c.get("isUrlFilterCaseSensitive").is_none_or(|v| v == true), "{rule}");
    }
}

/// A request as DNR sees it.
struct Req {
    url: String,
    host: String,
    initiator: String,
    dnr_type: &'static str,
}

impl Req {
    fn new(url: &str, source: &str, dnr_type: &'static str) -> Option<Req> {
        let host = |u: &str| site::parse_url(u).map(|p| u[p.host_start..p.host_end].to_ascii_lowercase());
        Some(Req { url: url.to_owned(), host: host(url)?, initiator: host(source)?, dnr_type })
    }
}

/// `host` is `domain` or under it.
fn under(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.'))
}

fn list<'a>(c: &'a Value, key: &str) -> Option<Vec<&'a str>> {
    c.get(key).and_then(Value::as_array).map(|l| l.iter().filter_map(Value::as_str).collect())
}

/// Whether a rule's condition matches (top domains aside: the oracle's terms have no exceptions).
fn dnr_matches(c: &Value, r: &Req) -> bool {
    let third_party = site::is_third_party(&r.host, Some(&r.initiator));
    let types_ok = match (list(c, "resourceTypes"), list(c, "excludedResourceTypes")) {
        (Some(t), _) => t.contains(&r.dnr_type),
        (None, Some(t)) => !t.contains(&r.dnr_type),
        (None, None) => r.dnr_type != "main_frame",
    };
    types_ok
        && c.get("domainType").is_none_or(|d| (d == "thirdParty") == third_party)
        && list(c, "requestDomains").is_none_or(|l| l.iter().any(|d| under(&r.host, d)))
        && list(c, "initiatorDomains").is_none_or(|l| l.iter().any(|d| under(&r.initiator, d)))
        && list(c, "excludedInitiatorDomains").is_none_or(|l| !l.iter().any(|d| under(&r.initiator, d)))
        && c.get("urlFilter").and_then(Value::as_str).is_none_or(|f| {
            let sensitive = c.get("isUrlFilterCaseSensitive") == Some(&Value::Bool(true));
            let url = if sensitive { r.url.clone() } else { r.url.to_ascii_lowercase() };
            let f = if sensitive { f.to_owned() } else { f.to_ascii_lowercase() };
            url_filter_matches(&f, &url, &r.host)
        })
}

/// DNR's `urlFilter` language: `||` (start of the host or of one of its labels), `|` at either
/// end, `^` (a separator or the end), `*`.
fn url_filter_matches(filter: &str, url: &str, host: &str) -> bool {
    let (body, right) = match filter.strip_suffix('|') {
        Some(b) => (b, true),
        None => (filter, false),
    };
    // Every literal piece must be in the URL: most rules are out before the glob runs.
    if !body.trim_start_matches('|').split(['*', '^']).all(|piece| url.contains(piece)) {
        return false;
    }
    let b = url.as_bytes();
    if let Some(rest) = body.strip_prefix("||") {
        let Some(at) = url.find(host) else { return false };
        let mut starts = vec![at];
        starts.extend(host.match_indices('.').map(|(i, _)| at + i + 1));
        starts.into_iter().any(|s| glob(rest.as_bytes(), b, s, right))
    } else if let Some(rest) = body.strip_prefix('|') {
        glob(rest.as_bytes(), b, 0, right)
    } else {
        (0..=b.len()).any(|s| glob(body.as_bytes(), b, s, right))
    }
}

fn glob(p: &[u8], s: &[u8], at: usize, to_end: bool) -> bool {
    let separator = |c: u8| !(c.is_ascii_alphanumeric() || b"_-.%".contains(&c));
    match p.split_first() {
        None => !to_end || at == s.len(),
        Some((b'*', rest)) => (at..=s.len()).any(|i| glob(rest, s, i, to_end)),
        Some((b'^', rest)) => {
            (at == s.len() && glob(rest, s, at, to_end)) || (at < s.len() && separator(s[at]) && glob(rest, s, at + 1, to_end))
        }
        Some((&c, rest)) => at < s.len() && s[at] == c && glob(rest, s, at + 1, to_end),
    }
}

/// A request a rule matches, made up from its condition.
fn request_for(c: &Value) -> Option<Req> {
    let url = match (c.get("urlFilter").and_then(Value::as_str), list(c, "requestDomains")) {
        (_, Some(domains)) => format!("https://{}/", domains[0]),
        (Some(f), None) => {
            let f = f.strip_suffix('|').unwrap_or(f).replace('*', "x").replace('^', "/");
            match (f.strip_prefix("||"), f.strip_prefix('|')) {
                (Some(rest), _) => format!("https://{rest}"),
                (None, Some(rest)) if rest.ends_with('.') => format!("{rest}x.example/"),
                (None, Some(rest)) => rest.to_owned(),
                _ => format!("https://cdn.example{}{f}", if f.starts_with('/') { "" } else { "/" }),
            }
        }
        (None, None) => return None,
    };
    let dnr_type: &'static str = match (list(c, "resourceTypes"), list(c, "excludedResourceTypes")) {
        (Some(t), _) => RESOURCE_TYPES.iter().find(|n| t.first() == Some(n))?,
        (None, Some(ex)) => RESOURCE_TYPES.iter().find(|t| !ex.contains(t))?,
        (None, None) => "script",
    };
    let host = site::parse_url(&url).map(|p| url[p.host_start..p.host_end].to_owned())?;
    let source = match (c.get("domainType").and_then(Value::as_str), list(c, "initiatorDomains")) {
        (_, Some(d)) => format!("https://{}/", d[0]),
        (Some("firstParty"), None) => format!("https://{host}/"),
        _ => PAGE.to_owned(),
    };
    Req::new(&url, &source, dnr_type)
}

/// Requests matched by rules of one category that the category's engine does not block.
fn disagreements(rules: &Value, e: &Engine, category: &str, requests: &[Req]) -> (usize, Vec<String>) {
    let rules = rules.as_array().expect("a list");
    let (mut matched, mut wrong) = (0, Vec::new());
    for r in requests {
        let Some(rule) = rules.iter().find(|rule| dnr_matches(&rule["condition"], r)) else { continue };
        matched += 1;
        let source = format!("https://{}/", r.initiator);
        let c = e.classify_full(&r.url, &source, ResourceType::parse_lenient(r.dnr_type));
        if !c.matched || c.category.as_deref() != Some(category) {
            wrong.push(format!("{} from {source} ({}) matched by {rule} → engine {:?} {:?}", r.url, r.dnr_type, c.filter, c.category));
        }
    }
    (matched, wrong)
}

#[test]
fn what_a_rule_blocks_the_engine_blocks_as_that_category() {
    let recorded: Vec<Req> = common::recorded_requests()
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            let t = ResourceType::parse_lenient(&r.rtype);
            let dnr_type = RESOURCE_TYPES.iter().copied().find(|n| ResourceType::parse(n) == Some(t))?;
            Req::new(&r.url, &r.source_url, dnr_type)
        })
        .collect();
    for db in embedded().into_iter().chain([fixture()]) {
        for &category in TrackerCategory::ALL {
            let plan = plan(&db, &blocking(&[category]));
            if plan.rules.is_empty() {
                continue;
            }
            let rules = serde_json::to_value(&plan.rules).expect("serialises");
            let made: Vec<Req> = rules.as_array().expect("a list").iter().filter_map(|r| request_for(&r["condition"])).collect();
            assert!(made.len() * 10 >= plan.rules.len() * 9, "{}: requests made for most rules", category.key());
            let e = engine_of(&db, category);
            let (hits, wrong) = disagreements(&rules, &e, category.key(), &made);
            assert_eq!(hits, made.len(), "{}: every made-up request matches some rule", category.key());
            assert!(wrong.is_empty(), "{}: {} of {hits}:\n{}", category.key(), wrong.len(), wrong.join("\n"));
            let (hits, wrong) = disagreements(&rules, &e, category.key(), &recorded);
            assert!(wrong.is_empty(), "{} (recorded): {} of {hits}:\n{}", category.key(), wrong.len(), wrong.join("\n"));
            println!(
                "{} {}: {} rules; {} made-up and {hits} recorded requests agree",
                db.version,
                category.key(),
                plan.rules.len(),
                made.len()
            );
        }
    }
}

#[test]
fn conversion_numbers_per_category() {
    let Some(db) = embedded() else { return };
    let all = blocking(TrackerCategory::ALL);
    let plan = plan(&db, &all);
    check_shape(&serde_json::to_value(&plan.rules).expect("serialises"));
    assert!(plan.cut.is_empty() && plan.rules.len() < MAX_DYNAMIC_RULES, "every category fits");
    // What the engine itself did not compile (cosmetic filters, …), per category.
    let mut uncompiled: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for p in &db.patterns {
        for f in &p.filters {
            if let Line::Skipped(skip) = parse_line(f) {
                *uncompiled.entry(&db.categories[usize::from(p.category)].id).or_default().entry(skip.to_string()).or_default() += 1;
            }
        }
    }
    let mut reasons: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for s in &plan.skipped {
        *reasons.entry(&s.category).or_default().entry(&s.reason).or_default() += 1;
    }
    println!("{}: all categories → {} rules", db.version, plan.rules.len());
    for (category, converted) in &plan.converted {
        let skipped: usize = reasons.get(category.as_str()).map_or(0, |r| r.values().sum());
        println!(
            "  {category}: {converted} converted into {} rules, {skipped} skipped {:?}; not compiled by the engine {:?}",
            plan.per_category.get(category).unwrap_or(&0),
            reasons.get(category.as_str()).cloned().unwrap_or_default(),
            uncompiled.get(category.as_str()).cloned().unwrap_or_default(),
        );
        assert!(*converted >= skipped * 10, "{category}: most filters convert");
    }
}
