//! Consent reports: attribution (as for permissions), receipts of each kind of report, checks,
//! cookies compared with the answer in force, reports out of shape, the JSON the worker sends.

use super::*;
use crate::attribution::{Attribution, Details};
use crate::consent::session::{self, Answer, Choice};
use crate::ledger::consent::ChoiceResult;
use crate::EngineBuilder;

const TAB: i64 = 3;
const AT: u64 = 1_700_000_000_000;

/// An observer whose tab 3 shows news.example, whose top document `TOP` and a CMP frame's
/// document `CMP` (of cdn.privacy-mgmt.com) made requests.
fn observer() -> Observer {
    let mut o = Observer::new(EngineBuilder::new().build().0, Attribution::default(), 10);
    let nav = Details {
        url: "https://www.news.example/".into(),
        kind: "main_frame".into(),
        request_id: "1".into(),
        time_stamp: 5.0,
        tab_id: TAB,
        ..Details::default()
    };
    o.navigated(&nav, 5);
    let top = Details { url: "https://www.news.example/app.js".into(), kind: "script".into(), document_id: Some("TOP".into()), ..nav };
    o.request(&top, 6);
    let frame = Details {
        url: "https://cdn.privacy-mgmt.com/index.js".into(),
        kind: "script".into(),
        frame_id: 4,
        frame_type: Some("sub_frame".into()),
        document_id: Some("CMP".into()),
        parent_document_id: Some("TOP".into()),
        ..top
    };
    o.request(&frame, 7);
    o
}

fn answer(outcome: session::Outcome, path: Option<crate::consent::Path>) -> Answer {
    Answer {
        rule: "Sourcepoint".into(),
        vendor: "sourcepoint".into(),
        outcome,
        path,
        reason: "everything optional refused".into(),
        choices: vec![],
        failure: None,
        commands: 6,
    }
}

/// A report from the top frame with `body` as JSON (the way the worker sends it).
fn report(body: serde_json::Value) -> ConsentReport {
    from_frame(0, "TOP", "https://www.news.example/article", body)
}

fn from_frame(frame_id: i64, document: &str, url: &str, body: serde_json::Value) -> ConsentReport {
    let json = serde_json::json!({ "tabId": TAB, "frameId": frame_id, "documentId": document, "frameUrl": url, "at": AT, "body": body });
    serde_json::from_value(json).expect("a report")
}

fn answered(a: &Answer, refused: &[&str]) -> serde_json::Value {
    serde_json::json!({ "kind": "answer", "answer": a, "refusedCategories": refused })
}

fn one(events: Vec<Event>) -> Event {
    match <[Event; 1]>::try_from(events) {
        Ok([e]) => e,
        Err(events) => panic!("one event, not {events:?}"),
    }
}

fn receipt_of(e: Event) -> Receipt {
    match e {
        Event::Consent { receipt, .. } => receipt,
        other => panic!("a consent event, not {other:?}"),
    }
}

#[test]
fn an_answer_from_the_top_frame_is_the_pages_receipt() {
    let mut o = observer();
    let refuse = answer(session::Outcome::Answered, Some(crate::consent::Path::RefuseAll));
    let e = one(o.consent(&report(answered(&refuse, &["marketing"]))));
    let Event::Consent { seq, at, site, visit, origin, third_party_frame, receipt } = e else { panic!("a consent event") };
    assert_eq!(
        (seq, at, site.as_str(), visit.as_deref(), origin.as_str(), third_party_frame),
        (14, AT, "news.example", Some("3:1:5"), "https://www.news.example", false)
    );
    assert_eq!(
        receipt,
        Receipt {
            at: AT,
            visit: 0,
            rule: "Sourcepoint".into(),
            vendor: "sourcepoint".into(),
            how: Some(ConsentHow::RefuseAll),
            outcome: ConsentOutcome::Answered,
            reason: "everything optional refused".into(),
            choices: vec![],
            failure: None,
            refused_categories: crate::ledger::consent::optional_categories(),
        },
        "a refusal of everything refuses every optional category"
    );
}

#[test]
fn a_cmp_frame_of_another_site_is_flagged_and_attributed_to_the_page() {
    let mut o = observer();
    let refuse = answer(session::Outcome::Answered, Some(crate::consent::Path::RefuseAll));
    let e = one(o.consent(&from_frame(4, "CMP", "https://cdn.privacy-mgmt.com/index.html?site=evil.example", answered(&refuse, &[]))));
    assert!(matches!(
        e,
        Event::Consent { ref site, third_party_frame: true, ref origin, .. } if site == "news.example" && origin == "https://cdn.privacy-mgmt.com"
    ));
    // The browser's origin first: an about:blank frame has its creator's.
    let blank = ConsentReport {
        frame_origin: Some("https://www.news.example".into()),
        ..from_frame(9, "NEW", "about:blank", answered(&refuse, &[]))
    };
    assert!(matches!(one(o.consent(&blank)), Event::Consent { third_party_frame: false, .. }));
    assert_eq!(o.consent(&from_frame(9, "NEW", "about:blank", answered(&refuse, &[]))), [], "no origin known");
    assert_eq!(
        o.consent(&ConsentReport { tab_id: 99, ..from_frame(0, "GONE", "https://www.news.example/", answered(&refuse, &[])) }),
        [],
        "no page"
    );
}

#[test]
fn each_kind_of_answer_has_its_receipt() {
    let mut o = observer();
    let mut custom = answer(session::Outcome::Answered, Some(crate::consent::Path::Custom));
    custom.choices = vec![Choice { what: "category statistics".into(), wanted: false, result: session::ChoiceResult::Set }];
    let r = receipt_of(one(o.consent(&report(answered(&custom, &["statistics", "marketing", "statistics"])))));
    assert_eq!((r.how, r.refused_categories), (Some(ConsentHow::Custom), vec!["statistics".to_owned(), "marketing".to_owned()]));
    assert_eq!(r.choices[0].result, ChoiceResult::Set);
    let accept = answer(session::Outcome::Answered, Some(crate::consent::Path::AcceptAll));
    assert!(receipt_of(one(o.consent(&report(answered(&accept, &["marketing"]))))).refused_categories.is_empty());
    let failed =
        Answer { failure: Some("refuseAll step 1 (click \"#x\"): nothing matched".into()), ..answer(session::Outcome::Failed, None) };
    let r = receipt_of(one(o.consent(&report(answered(&failed, &["marketing"])))));
    assert_eq!((r.outcome, r.how, r.refused_categories.len()), (ConsentOutcome::Failed, None, 0));
    assert!(r.failure.is_some_and(|f| f.contains("nothing matched")));

    let r = receipt_of(one(
        o.consent(&report(serde_json::json!({ "kind": "unknown", "pressed": "Reject all", "role": "refuse", "gone": true })))
    ));
    assert_eq!((r.how, r.outcome, r.rule.as_str()), (Some(ConsentHow::Heuristic), ConsentOutcome::Answered, "heuristic"));
    assert_eq!(r.reason, "no rule knows this dialog: pressed its one refusal button, \"Reject all\"");
    assert_eq!(r.refused_categories, crate::ledger::consent::optional_categories());
    let r = receipt_of(one(o.consent(&report(serde_json::json!({ "kind": "unknown", "pressed": "OK", "role": "accept", "gone": false })))));
    assert_eq!((r.outcome, r.failure.as_deref()), (ConsentOutcome::Failed, Some("the dialog was still shown after pressing \"OK\"")));
    assert!(r.refused_categories.is_empty());

    let r = receipt_of(one(o.consent(&report(serde_json::json!({ "kind": "wall", "rule": "Contentpass", "vendor": "contentpass" })))));
    assert_eq!((r.outcome, r.how, r.rule.as_str()), (ConsentOutcome::PayOrConsent, None, "Contentpass"));
    assert_eq!(receipt_of(one(o.consent(&report(serde_json::json!({ "kind": "wall" }))))).vendor, "");
}

#[test]
fn a_report_out_of_shape_makes_no_event() {
    let mut o = observer();
    let custom = answer(session::Outcome::Answered, Some(crate::consent::Path::Custom));
    assert_eq!(o.consent(&report(answered(&custom, &["strictlyNecessary"]))), []);
    assert_eq!(o.consent(&report(answered(&custom, &["Marketing"]))), []);
    assert_eq!(o.consent(&report(answered(&answer(session::Outcome::Answered, None), &[]))), [], "answered by no path");
    assert_eq!(o.seq(), 13, "no number used");
    let bad = [
        serde_json::json!({ "kind": "answer", "answer": { "rule": "x", "vendor": "y", "outcome": "answered", "path": "heuristic", "reason": "" } }),
        serde_json::json!({ "kind": "answer", "answer": { "rule": "x", "vendor": "y", "outcome": "won", "reason": "" } }),
        serde_json::json!({ "kind": "unknown", "pressed": "OK", "role": "maybe", "gone": true }),
        serde_json::json!({ "kind": "cookies", "names": ["_ga"], "site": "other.example" }),
        serde_json::json!({ "kind": "elsewhere" }),
    ];
    let heuristic_path = serde_json::from_value::<ConsentReport>(
        serde_json::json!({ "tabId": 3, "frameId": 0, "frameUrl": "https://news.example/", "at": 1, "body": bad[0] }),
    );
    assert_eq!(heuristic_path.map(|r| o.consent(&r)).ok(), Some(vec![]), "read, but refused");
    for body in &bad[1..] {
        let json = serde_json::json!({ "tabId": 3, "frameId": 0, "frameUrl": "https://news.example/", "at": 1, "body": body });
        assert!(serde_json::from_value::<ConsentReport>(json).is_err(), "{body}");
    }
    let extra = serde_json::json!({ "tabId": 3, "frameId": 0, "frameUrl": "https://news.example/", "at": 1, "url": "x", "body": { "kind": "wall" } });
    assert!(serde_json::from_value::<ConsentReport>(extra).is_err(), "unknown fields are refused");
    // Text is cut to a bounded length.
    let long = Answer { reason: "x".repeat(5_000), ..custom };
    let r = receipt_of(one(o.consent(&report(answered(&long, &[])))));
    assert_eq!(r.reason.chars().count(), 301);
}

#[test]
fn a_checked_record_is_the_pages_from_any_frame() {
    let mut o = observer();
    let check = crate::consent::verify::TcCheck { cmp_id: 6, tc_string: "CP".into(), violations: vec!["v".into()], ..Default::default() };
    let body = serde_json::json!({ "kind": "tcf", "check": check });
    let e = one(o.consent(&from_frame(4, "CMP", "https://cdn.privacy-mgmt.com/", body)));
    assert_eq!(
        e,
        Event::ConsentCheck {
            seq: 14,
            at: AT,
            site: "news.example".into(),
            visit: Some("3:1:5".into()),
            origin: "https://cdn.privacy-mgmt.com".into(),
            check
        }
    );
}

#[test]
fn cookies_count_only_after_an_answer_that_refused_their_category_and_only_the_pages_own() {
    let mut o = observer();
    let cookies = serde_json::json!({ "kind": "cookies", "names": ["_ga", "session", "_fbp", "_ga", "uid", " _gid"] });
    assert_eq!(o.consent(&report(cookies.clone())), [], "no answer yet");
    let custom = answer(session::Outcome::Answered, Some(crate::consent::Path::Custom));
    o.consent(&report(answered(&custom, &["statistics"])));
    let events = o.consent(&report(cookies.clone()));
    let found: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| match e {
            Event::ConsentCookie { name, company, category, site, visit, .. }
                if site == "news.example" && visit.as_deref() == Some("3:1:5") =>
            {
                (name.as_str(), company.as_str(), category.as_str())
            }
            other => panic!("a cookie event of the visit, not {other:?}"),
        })
        .collect();
    assert_eq!(found, [("_ga", "Google Analytics", "statistics"), ("_gid", "Google Analytics", "statistics")], "marketing was not refused");
    assert_eq!(o.consent(&from_frame(4, "CMP", "https://cdn.privacy-mgmt.com/", cookies.clone())), [], "a frame of another site");
    // A failed answer leaves the refusal in force; an acceptance ends it.
    o.consent(&report(answered(&answer(session::Outcome::Failed, None), &[])));
    assert_eq!(o.consent(&report(cookies.clone())).len(), 2);
    o.consent(&report(answered(&answer(session::Outcome::Answered, Some(crate::consent::Path::AcceptAll)), &[])));
    assert_eq!(o.consent(&report(cookies)), []);
}

#[test]
fn after_a_restart_the_answer_in_force_comes_from_the_ledger() {
    let mut o = observer();
    let mut ledger = Ledger::new("p");
    let refuse = answer(session::Outcome::Answered, Some(crate::consent::Path::RefuseAll));
    for e in o.consent(&report(answered(&refuse, &[]))) {
        assert!(ledger.apply(&e));
    }
    let mut restarted = observer();
    let cookies = serde_json::json!({ "kind": "cookies", "names": ["_fbp"] });
    assert_eq!(restarted.consent(&report(cookies.clone())), [], "nothing known yet");
    restarted.remember_consent(&ledger);
    let e = one(restarted.consent(&report(cookies)));
    assert!(matches!(e, Event::ConsentCookie { ref company, ref category, .. } if company == "Meta" && category == "marketing"));
}

#[test]
fn reports_read_as_the_service_worker_sends_them() {
    let json = r#"{"tabId":3,"frameId":0,"documentId":"TOP","frameUrl":"https://www.news.example/","frameOrigin":"https://www.news.example",
        "at":1700000000000,"body":{"kind":"answer","answer":{"rule":"OneTrust","vendor":"onetrust","outcome":"answered","path":"custom",
        "reason":"some purposes accepted, others refused: answered switch by switch",
        "choices":[{"what":"category statistics","wanted":false,"result":"set"}],"failure":null,"commands":12},
        "refusedCategories":["statistics"]}}"#;
    let r: ConsentReport = serde_json::from_str(json).expect("reads");
    assert!(
        matches!(&r.body, ConsentBody::Answer { answer, refused_categories } if answer.path == Some(ConsentHow::Custom) && refused_categories == &["statistics"])
    );
    // The engine's own answer, as it serialises it, reads as one: the shapes agree.
    let mut a = answer(session::Outcome::Answered, Some(crate::consent::Path::Custom));
    a.choices = vec![Choice { what: "tcf purpose 7 consent".into(), wanted: false, result: session::ChoiceResult::Absent }];
    let body = serde_json::json!({ "kind": "answer", "answer": a });
    let read = from_frame(0, "TOP", "https://news.example/", body);
    let ConsentBody::Answer { answer: read, .. } = read.body else { panic!("an answer") };
    let expected = Receipt { at: 5, refused_categories: vec![], ..Receipt::from(&a) };
    assert_eq!(read.receipt(5, &[]), Some(expected));
}
