//! Consent logs stored, read back, read from a ledger written before them, refused when
//! impossible, and merged from another profile's ledger.

use super::consent_tests::{check, receipt, refused_all, Feed, SITE, T0};
use super::*;

const P7: &str = "records consent to purpose 7 (measure how ads perform) that you refused";

#[test]
fn stored_and_read_back_and_a_ledger_from_before_reads_with_none() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.receipt(refused_all());
    f.check(check(&[P7]));
    f.cookie("_ga", "Google Analytics", "statistics");
    let json = f.ledger.to_json().expect("serialises");
    assert_eq!(Ledger::from_json(&json), Ok(f.ledger.clone()));
    let mut old: serde_json::Value = serde_json::from_str(&json).expect("json");
    let site = old["sites"][SITE].as_object_mut().expect("a site");
    assert!(site.remove("consent").is_some());
    let visit = site["recent"][0].as_object_mut().expect("a visit");
    assert!(visit.remove("consent").is_some());
    let old = Ledger::from_json(&old.to_string()).expect("an older ledger reads");
    let s = &old.sites[SITE];
    assert!(s.consent.is_empty() && s.recent[0].consent.is_empty());
    // Older logs with only some of the fields read too.
    let partial = json.replacen("\"walls\":0,", "", 1);
    assert_ne!(partial, json);
    assert_eq!(Ledger::from_json(&partial).map(|l| l.sites[SITE].consent.walls), Ok(0));
    // A ledger with no consent writes none of the new fields.
    let mut plain = Feed::new("profile-a");
    plain.visit("v1", T0);
    let json = plain.ledger.to_json().expect("serialises");
    assert!(!json.contains("consent"), "{json}");
}

#[test]
fn an_impossible_consent_log_is_refused() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.receipt(refused_all());
    f.check(check(&[P7]));
    let json = f.ledger.to_json().expect("serialises");
    let refused = |bad: &str, path: &str, problem: &str| {
        assert_ne!(bad, json);
        assert_eq!(
            Ledger::from_json(bad),
            Err(LedgerError::Invalid { path: format!("sites.news.example.{path}"), problem: problem.into() })
        );
    };
    refused(&json.replacen("\"honoured\":0", "\"honoured\":1", 1), "consent.checks", "fewer than its honoured and broken records");
    refused(
        &json.replacen("\"refusedCategories\":[\"preferences\"", "\"refusedCategories\":[\"strictlyNecessary\"", 1),
        "consent.receipts",
        "a receipt does not fit the visits or names an unknown category",
    );
    refused(
        &json.replacen("\"outcome\":\"answered\"", "\"outcome\":\"failed\"", 1),
        "consent.receipts",
        "answered, but no answered receipt",
    );
    let bad = json.replacen("\"how\":\"refuseAll\"", "\"how\":\"clickedAround\"", 1);
    assert_ne!(bad, json);
    assert!(matches!(Ledger::from_json(&bad), Err(LedgerError::Json(_))));
}

#[test]
fn merging_adds_the_counts_and_keeps_the_latest_receipts_of_both() {
    let mut a = Feed::new("profile-a");
    a.visit("v1", T0);
    a.receipt(refused_all());
    a.check(check(&[P7]));
    let mut b = Feed::new("profile-b");
    b.visit("w1", T0 + 5_000);
    b.receipt(receipt(ConsentOutcome::Answered, Some(ConsentHow::Custom), &["marketing"]));
    b.check(check(&[]));
    b.cookie("_fbp", "Meta", "marketing");
    let (added, combined) = a.ledger.merge(b.ledger.clone());
    assert_eq!((added, combined), (0, 1));
    let log = &a.ledger.sites[SITE].consent;
    assert_eq!((log.answered, log.checks, log.honoured, log.violations), (2, 2, 1, 1));
    let receipts: Vec<(u64, u64)> = log.receipts.iter().map(|r| (r.at, r.visit)).collect();
    assert_eq!(receipts, [(T0 + 1_000, 1), (T0 + 6_000, 2)], "by time, the other profile's visits numbered after ours");
    assert_eq!(log.latest_check, Some(check(&[])), "the later check");
    assert_eq!(log.cookies_after_refusal, BTreeMap::from([("_fbp".into(), 1)]));
    assert!(log.refused("marketing") && !log.refused("statistics"), "the later answer is in force");
    let read = Ledger::from_json(&a.ledger.to_json().expect("serialises")).expect("a merged ledger is valid");
    assert_eq!(read, a.ledger);
    // Importing it again changes nothing.
    let once = a.ledger.clone();
    a.ledger.merge(b.ledger);
    assert_eq!(a.ledger, once);
    // Merged, the latest are kept, and the one in force however old.
    let mut c = Feed::new("profile-c");
    c.visit("x1", T0 + 1_000_000);
    for _ in 0..RECEIPTS_KEPT {
        c.receipt(receipt(ConsentOutcome::NotShowing, None, &[]));
    }
    a.ledger.merge(c.ledger);
    let log = &a.ledger.sites[SITE].consent;
    assert_eq!(log.receipts.len(), RECEIPTS_KEPT);
    assert_eq!((log.receipts[0].at, log.receipts[0].outcome), (T0 + 6_000, ConsentOutcome::Answered));
    assert!(log.receipts[1..].iter().all(|r| r.outcome == ConsentOutcome::NotShowing));
    assert!(Ledger::from_json(&a.ledger.to_json().expect("serialises")).is_ok());
    // A site only the import has comes whole.
    let mut d = Feed::new("profile-d");
    d.visit("y1", T0);
    d.receipt(refused_all());
    let mut fresh = Ledger::new("profile-e");
    assert_eq!(fresh.merge(d.ledger.clone()), (1, 0));
    assert_eq!(fresh.sites[SITE].consent, d.ledger.sites[SITE].consent);
}

#[test]
fn the_documented_example_reads() {
    let doc = include_str!("../../docs/ledger-format.md");
    let json = doc.split("```json\n").nth(1).and_then(|rest| rest.split("```").next()).expect("the example");
    let ledger = Ledger::from_json(json).expect("the example reads");
    let log = &ledger.sites[SITE].consent;
    assert_eq!((log.answered, log.violations, log.receipts[0].how), (1, 1, Some(ConsentHow::RefuseAll)));
    assert_eq!(ledger.sites[SITE].recent[0].consent, ["record", "cookie:Google Analytics"]);
}
