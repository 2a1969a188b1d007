//! Property tests (proptest) of the terms' parser and model (`src/policy/`):
//! - `Terms::from_json` never panics, on any string and on valid documents mutated at random;
//!   a document that is valid JSON is refused only with a path (`Invalid`) or as `TooNew`, never
//!   with serde's bare message, and whatever it accepts is valid and written back as read;
//! - generated terms survive `to_json` → `from_json` unchanged;
//! - resolution and expiry agree: expiring the grants that are over changes nothing that
//!   applies now, and the browser rules never ask Chrome for what it refuses;
//! - block rules apply on exactly the sites whose terms block their category.
//!
//! Failures are not persisted; `PROPERTIES_SCALE=100` runs a hundred times as many cases.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Value};
use trustledger::engine::CategoryFilter;
use trustledger::policy::blocking::MAX_DYNAMIC_RULES;
use trustledger::policy::enforce::CONTENT_SETTING_TYPES;
use trustledger::policy::{
    Capability, Decision, Exception, Grant, LegitimateInterest, Purpose, Setting, SignalOverrides, Signals, Terms, TermsError,
    TrackerCategory,
};

fn config(cases: u32) -> ProptestConfig {
    let scale = std::env::var("PROPERTIES_SCALE").ok().and_then(|s| s.parse::<u32>().ok()).unwrap_or(1).max(1);
    ProptestConfig { cases: cases.saturating_mul(scale), failure_persistence: None, ..ProptestConfig::default() }
}

const FIELDS: [&str; 8] = ["version", "purposes", "legitimateInterest", "permissions", "grants", "signals", "blocking", "exceptions"];

const SITES: [&str; 8] =
    ["maps.example", "news.example", "bank.example", "bbc.co.uk", "a.github.io", "127.0.0.1", "localhost", "xn--bcher-kva.example"];

fn site() -> impl Strategy<Value = String> {
    select(SITES.to_vec()).prop_map(String::from)
}

fn decision() -> impl Strategy<Value = Decision> {
    prop_oneof![Just(Decision::Accept), Just(Decision::Refuse)]
}

fn setting() -> impl Strategy<Value = Setting> {
    prop_oneof![Just(Setting::Allow), Just(Setting::Ask), Just(Setting::Deny)]
}

fn capability() -> impl Strategy<Value = Capability> {
    select(Capability::ALL.to_vec())
}

fn category() -> impl Strategy<Value = TrackerCategory> {
    select(TrackerCategory::ALL.to_vec())
}

/// Some purposes with decisions; strictly necessary only ever accepted.
fn purposes(all: bool) -> impl Strategy<Value = BTreeMap<Purpose, Decision>> {
    proptest::collection::vec((decision(), any::<bool>()), Purpose::ALL.len()).prop_map(move |v| {
        Purpose::ALL
            .iter()
            .zip(v)
            .filter(|(_, (_, keep))| all || *keep)
            .map(|(&p, (d, _))| (p, if p.is_optional() { d } else { Decision::Accept }))
            .collect()
    })
}

fn exception() -> impl Strategy<Value = Exception> {
    (
        purposes(false),
        proptest::option::of(any::<bool>()),
        proptest::collection::btree_map(capability(), setting(), 0..4),
        proptest::option::of(any::<bool>()),
        proptest::collection::btree_map(category(), any::<bool>(), 0..4),
    )
        .prop_map(|(purposes, li, permissions, gpc, blocking)| Exception {
            purposes,
            legitimate_interest: li.map(|object| LegitimateInterest { object }),
            permissions,
            signals: SignalOverrides { gpc },
            blocking,
        })
}

/// Valid terms of every shape.
fn terms() -> impl Strategy<Value = Terms> {
    (
        purposes(true),
        any::<bool>(),
        proptest::collection::vec(setting(), Capability::ALL.len()),
        proptest::collection::vec((site(), capability(), prop_oneof![0..100u64, any::<u64>()]), 0..5),
        any::<bool>(),
        proptest::collection::btree_set(category(), 0..5),
        proptest::collection::btree_map(site(), exception(), 0..4),
    )
        .prop_map(|(purposes, object, settings, grants, gpc, blocking, exceptions)| Terms {
            purposes,
            legitimate_interest: LegitimateInterest { object },
            permissions: Capability::ALL.iter().copied().zip(settings).collect(),
            grants: grants.into_iter().map(|(site, capability, until)| Grant { site, capability, until }).collect(),
            signals: Signals { gpc },
            blocking,
            exceptions,
        })
}

/// Strings a mutation writes: every name of the format, good and bad sites, junk.
fn word() -> impl Strategy<Value = String> {
    let mut words: Vec<String> = Purpose::ALL.iter().map(|p| p.key().to_owned()).collect();
    words.extend(Capability::ALL.iter().map(|c| c.key().to_owned()));
    words.extend(TrackerCategory::ALL.iter().map(|c| c.key().to_owned()));
    words.extend(
        [
            "version",
            "purposes",
            "legitimateInterest",
            "object",
            "permissions",
            "grants",
            "site",
            "capability",
            "until",
            "signals",
            "gpc",
            "blocking",
            "exceptions",
            "accept",
            "refuse",
            "allow",
            "ask",
            "deny",
            "block",
            "www.maps.example",
            "Maps.example",
            "co.uk",
            "https://maps.example/",
            "::1",
            "",
            "🙂",
            "1",
        ]
        .map(String::from),
    );
    words.extend(SITES.map(String::from));
    words.push("x".repeat(100));
    prop_oneof![select(words), ".{0,12}"]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e20f64..1e20).prop_map(Value::from),
        Just(json!(1)),
        Just(json!(2)),
        word().prop_map(Value::from),
        Just(json!([])),
        Just(json!({})),
        proptest::collection::vec(word(), 0..3).prop_map(Value::from),
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    Insert(usize, String, Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), leaf()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        any::<usize>().prop_map(Mutation::Remove),
        (any::<usize>(), word(), leaf()).prop_map(|(at, k, v)| Mutation::Insert(at, k, v)),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every node's path, depth first.
fn paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, c)| {
            here.push(Step::Key(k.clone()));
            paths(c, here, out);
            here.pop();
        }),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| {
            here.push(Step::Index(i));
            paths(c, here, out);
            here.pop();
        }),
        _ => {}
    }
}

fn node<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::Index(i) => v.get_mut(*i),
    })
}

fn mutate(mut doc: Value, mutations: &[Mutation]) -> Value {
    for m in mutations {
        let mut all = Vec::new();
        paths(&doc, &mut Vec::new(), &mut all);
        let pick = |at: usize| all[at % all.len()].clone();
        match m {
            Mutation::Replace(at, v) => {
                if let Some(n) = node(&mut doc, &pick(*at)) {
                    *n = v.clone();
                }
            }
            Mutation::Remove(at) => {
                let path = pick(*at);
                if let Some((last, parent)) = path.split_last() {
                    match (node(&mut doc, parent), last) {
                        (Some(Value::Object(m)), Step::Key(k)) => drop(m.remove(k)),
                        (Some(Value::Array(a)), Step::Index(i)) => drop(a.remove(*i)),
                        _ => {}
                    }
                }
            }
            Mutation::Insert(at, k, v) => match node(&mut doc, &pick(*at)) {
                Some(Value::Object(m)) => drop(m.insert(k.clone(), v.clone())),
                Some(Value::Array(a)) => a.push(v.clone()),
                _ => {}
            },
        }
    }
    doc
}

/// Uses everything accepted terms offer, to be sure none of it panics.
fn exercise(t: &Terms, now: u64) {
    for site in SITES.iter().chain(&["www.news.example", "", "::1"]) {
        let e = t.for_site(site, now);
        let _ = (e.purpose_accepted(1), e.special_feature_accepted(2), e.blocks("advertising"), e.gpc());
    }
    let _ = (t.gpc_rules(), t.content_settings(now), t.proffer_json_ld(now), t.next_expiry(now));
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn any_string_is_read_or_refused(s in ".{0,200}") {
        let _ = Terms::from_json(&s);
    }

    #[test]
    fn json_like_strings_are_read_or_refused(s in r#"[\[\]{}":,0-9a-z .\-]{0,120}"#) {
        let _ = Terms::from_json(&s);
    }
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn generated_terms_round_trip(t in terms()) {
        prop_assert_eq!(t.validate(), Ok(()));
        let json = t.to_json().expect("serialises");
        prop_assert_eq!(Terms::from_json(&json), Ok(t));
    }

    #[test]
    fn mutated_documents_are_refused_with_a_path_or_read_whole(
        t in terms(),
        mutations in proptest::collection::vec(mutation(), 1..5),
        now in any::<u64>(),
    ) {
        let doc: Value = serde_json::from_str(&t.to_json().expect("serialises")).expect("JSON");
        let mutated = mutate(doc, &mutations);
        let text = mutated.to_string();
        match Terms::from_json(&text) {
            Ok(read) => {
                prop_assert_eq!(read.validate(), Ok(()));
                prop_assert_eq!(Terms::from_json(&read.to_json().expect("serialises")), Ok(read.clone()));
                exercise(&read, now);
            }
            Err(TermsError::Invalid { path, value, expected }) => {
                prop_assert!(!value.is_empty() && !expected.is_empty());
                // The path starts at a field of the format or a key the document has.
                let mut top: Vec<String> = FIELDS.map(String::from).to_vec();
                top.extend(mutated.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default());
                let rooted = |k: &String| path == *k || path.starts_with(&format!("{k}.")) || path.starts_with(&format!("{k}["));
                prop_assert!(path.is_empty() || top.iter().any(rooted), "{}", path);
            }
            Err(TermsError::TooNew(v)) => prop_assert!(v > 1),
            Err(e @ TermsError::Json(_)) => prop_assert!(false, "valid JSON refused without a path: {e}\n{text}"),
        }
    }

    #[test]
    fn expiring_changes_nothing_that_applies_now(t in terms(), now in prop_oneof![0..120u64, any::<u64>()]) {
        let mut expired = t.clone();
        let over = expired.expire(now);
        prop_assert!(over.iter().all(|g| g.until <= now));
        prop_assert!(expired.grants.iter().all(|g| g.until > now));
        prop_assert_eq!(over.len() + expired.grants.len(), t.grants.len());
        prop_assert_eq!(expired.next_expiry(now), t.next_expiry(now));
        prop_assert_eq!(t.next_expiry(now), expired.grants.iter().map(|g| g.until).min());
        for site in SITES {
            let e = t.for_site(site, now);
            prop_assert_eq!(&e, &expired.for_site(site, now));
            prop_assert_eq!(e.purpose(Purpose::StrictlyNecessary), Decision::Accept);
            for g in t.grants.iter().filter(|g| g.site == site && g.until > now) {
                prop_assert_eq!(e.permission(g.capability), Setting::Allow);
                prop_assert!(e.granted_until(g.capability).is_some_and(|until| until >= g.until));
            }
        }
        prop_assert_eq!(t.content_settings(now), expired.content_settings(now));
    }

    #[test]
    fn browser_rules_are_ones_chrome_accepts(t in terms(), now in 0..120u64) {
        let rules = t.content_settings(now);
        let mut seen = std::collections::BTreeSet::new();
        for r in &rules {
            prop_assert!(CONTENT_SETTING_TYPES.contains(&r.content_type));
            prop_assert!(!(r.primary_pattern == "<all_urls>" && r.setting == "allow" && matches!(r.content_type, "camera" | "microphone")));
            prop_assert!(r.primary_pattern == "<all_urls>" || (r.primary_pattern.starts_with("http") && r.primary_pattern.ends_with("/*")));
            prop_assert!(seen.insert((r.content_type, r.primary_pattern.clone())), "one rule per type and pattern");
        }
        let gpc = t.gpc_rules();
        prop_assert!(gpc.len() <= 1);
        if let Some(rule) = gpc.first() {
            let c = &rule.condition;
            prop_assert!(c.top_domains.is_none() || c.excluded_top_domains.is_none());
            prop_assert!(c.top_domains.as_ref().is_none_or(|d| !d.is_empty()) && c.excluded_top_domains.as_ref().is_none_or(|d| !d.is_empty()));
            for site in SITES {
                let sent = match (&c.top_domains, &c.excluded_top_domains) {
                    (Some(only), _) => only.iter().any(|d| d == site),
                    (_, Some(except)) => !except.iter().any(|d| d == site),
                    (None, None) => true,
                };
                prop_assert_eq!(sent, t.for_site(site, now).gpc(), "{}", site);
            }
        } else {
            prop_assert!(SITES.iter().all(|s| !t.for_site(s, now).gpc()));
        }
        // Exactly one mark rule applies to each site's documents, and it says what the header does.
        let marks = t.gpc_mark_rules();
        for site in SITES {
            let applying: Vec<&str> = marks
                .iter()
                .filter(|r| match (&r.condition.top_domains, &r.condition.excluded_top_domains) {
                    (Some(only), _) => only.iter().any(|d| d == site),
                    (_, Some(except)) => !except.iter().any(|d| d == site),
                    (None, None) => true,
                })
                .map(|r| r.action.response_headers[0].value)
                .collect();
            let expected = if t.for_site(site, now).gpc() { "gpc;desc=1" } else { "gpc;desc=0" };
            prop_assert_eq!(applying, vec![expected], "{}", site);
        }
    }

    #[test]
    fn block_rules_follow_each_sites_terms(t in terms()) {
        // One `||host^` filter per category: its rule says where the category is blocked.
        let hosts: Vec<String> = TrackerCategory::ALL.iter().map(|c| format!("{}.example", c.key().replace('_', "-"))).collect();
        let texts: Vec<String> = hosts.iter().map(|h| format!("||{h}^")).collect();
        let filters: Vec<CategoryFilter<'_>> = TrackerCategory::ALL
            .iter()
            .zip(&texts)
            .map(|(c, text)| CategoryFilter { filter: text.as_str().into(), line: 1, category: c.key(), pattern: "p", organization: "o" })
            .collect();
        let plan = t.blocking_rules(&filters, MAX_DYNAMIC_RULES);
        prop_assert!(plan.skipped.is_empty() && plan.cut.is_empty());
        for (&category, host) in TrackerCategory::ALL.iter().zip(&hosts) {
            let rule = plan.rules.iter().find(|r| r.condition.request_domains.as_deref() == Some(std::slice::from_ref(host)));
            for site in SITES {
                let blocked = rule.is_some_and(|r| match (&r.condition.top_domains, &r.condition.excluded_top_domains) {
                    (Some(only), _) => only.iter().any(|d| d == site),
                    (_, Some(except)) => !except.iter().any(|d| d == site),
                    (None, None) => true,
                });
                prop_assert_eq!(blocked, t.blocked_categories_for_site(site).contains(&category), "{} on {}", category.key(), site);
            }
        }
    }
}
