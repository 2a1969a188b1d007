//! Consent tests: receipts and their counts, each charge with its reason and points, once per
//! visit, no charge without Trust Ledger's answer, cookies only of refused categories, the
//! honoured bonus, replay, the event's JSON. Storage and merging: `consent_store_tests.rs`.

use super::*;
use crate::consent::verify::TcCheck;

pub(super) const T0: u64 = 1_700_000_000_000;
pub(super) const SITE: &str = "news.example";

pub(super) struct Feed {
    pub ledger: Ledger,
    seq: u64,
    visit: Option<(String, u64)>,
    /// Milliseconds since the visit started, for the next event.
    after: u64,
}

impl Feed {
    pub fn new(id: &str) -> Feed {
        Feed { ledger: Ledger::new(id), seq: 0, visit: None, after: 0 }
    }

    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The next event's time (a second after the previous) and visit.
    fn when(&mut self) -> (u64, Option<String>) {
        self.when_after(1_000)
    }

    /// The next event's time (`step` ms after the previous) and visit.
    fn when_after(&mut self, step: u64) -> (u64, Option<String>) {
        self.after += step;
        let (visit, started) = self.visit.clone().map_or((None, T0), |(v, at)| (Some(v), at));
        (started + self.after, visit)
    }

    pub fn visit(&mut self, id: &str, at: u64) {
        let seq = self.next();
        assert!(self.ledger.apply(&Event::Visit { seq, at, site: SITE.into(), visit: id.into(), url: format!("https://{SITE}/") }));
        self.visit = Some((id.to_owned(), at));
        self.after = 0;
    }

    pub fn leave(&mut self) {
        let Some((visit, at)) = self.visit.take() else { return };
        let seq = self.next();
        assert!(self.ledger.apply(&Event::Leave { seq, at: at + 60_000, site: SITE.into(), visit }));
    }

    pub fn receipt_event(&mut self, receipt: Receipt) -> Event {
        let (at, visit) = self.when();
        let seq = self.next();
        let origin = "https://www.news.example".to_owned();
        Event::Consent { seq, at, site: SITE.into(), visit, origin, third_party_frame: false, receipt: Receipt { at, ..receipt } }
    }

    pub fn receipt(&mut self, receipt: Receipt) {
        let e = self.receipt_event(receipt);
        assert!(self.ledger.apply(&e));
    }

    pub fn check(&mut self, check: TcCheck) {
        let (at, visit) = self.when();
        let seq = self.next();
        assert!(self.ledger.apply(&Event::ConsentCheck {
            seq,
            at,
            site: SITE.into(),
            visit,
            origin: "https://www.news.example".into(),
            check
        }));
    }

    pub fn cookie(&mut self, name: &str, company: &str, category: &str) {
        let (at, visit) = self.when();
        let seq = self.next();
        let e = Event::ConsentCookie {
            seq,
            at,
            site: SITE.into(),
            visit,
            name: name.into(),
            company: company.into(),
            category: category.into(),
        };
        assert!(self.ledger.apply(&e));
    }

    /// A third-party request to `company`'s tracker of TrackerDB `category`, `step` ms after
    /// the previous event.
    pub fn tracker(&mut self, company: &str, category: &str, step: u64) {
        let (at, visit) = self.when_after(step);
        let seq = self.next();
        let e = Event::Request {
            seq,
            at,
            site: SITE.into(),
            visit,
            domain: format!("{}.example", company.to_lowercase()),
            third_party: true,
            tracker: true,
            organization: Some(company.into()),
            category: Some(category.into()),
        };
        assert!(self.ledger.apply(&e));
    }

    pub fn site(&self) -> &Site {
        &self.ledger.sites[SITE]
    }

    pub fn score(&self) -> i32 {
        self.site().score
    }

    /// The changes since the `from`th, with their deltas.
    pub fn changes(&self, from: usize) -> Vec<(i32, String)> {
        self.site().changes[from..].iter().map(|c| (c.delta, c.reason.clone())).collect()
    }
}

/// A receipt of `outcome`, answered by `how`, refusing `refused`.
pub(super) fn receipt(outcome: ConsentOutcome, how: Option<ConsentHow>, refused: &[&str]) -> Receipt {
    Receipt {
        at: 0,
        visit: 0,
        rule: "Sourcepoint".into(),
        vendor: "sourcepoint".into(),
        how,
        outcome,
        reason: "everything optional refused".into(),
        choices: Vec::new(),
        failure: (outcome == ConsentOutcome::Failed).then(|| "refuseAll step 1 (click \"#reject\"): nothing matched".into()),
        refused_categories: refused.iter().map(|c| (*c).to_owned()).collect(),
    }
}

/// An answered refusal of everything.
pub(super) fn refused_all() -> Receipt {
    receipt(
        ConsentOutcome::Answered,
        Some(ConsentHow::RefuseAll),
        &consent::optional_categories().iter().map(String::as_str).collect::<Vec<_>>(),
    )
}

/// A check of a record with these violations.
pub(super) fn check(violations: &[&str]) -> TcCheck {
    TcCheck {
        cmp_id: 7,
        tc_string: "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA".into(),
        purpose_consents: if violations.is_empty() { vec![] } else { vec![7] },
        violations: violations.iter().map(|v| (*v).to_owned()).collect(),
        ..TcCheck::default()
    }
}

const P7: &str = "records consent to purpose 7 (measure how ads perform) that you refused";

fn change(delta: i32, reason: &str) -> (i32, String) {
    (delta, reason.to_owned())
}

#[test]
fn receipts_are_counted_numbered_and_the_latest_kept_with_the_one_in_force() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.receipt(refused_all());
    f.receipt(receipt(ConsentOutcome::Failed, Some(ConsentHow::Custom), &[]));
    f.receipt(receipt(ConsentOutcome::PayOrConsent, None, &[]));
    f.receipt(receipt(ConsentOutcome::NotShowing, None, &[]));
    let log = &f.site().consent;
    assert_eq!((log.answered, log.failed, log.walls, log.receipts.len()), (1, 1, 1, 4));
    assert_eq!((log.receipts[0].visit, log.receipts[0].at), (1, T0 + 1_000));
    assert_eq!(log.in_force().map(|r| r.how), Some(Some(ConsentHow::RefuseAll)));
    assert_eq!(f.score(), score::START, "answering, failing and walls cost nothing");
    assert!(log.refused("statistics") && !log.refused("strictlyNecessary"));
    for i in 0..RECEIPTS_KEPT + 3 {
        f.visit(&format!("w{i}"), T0 + 100_000 * (i as u64 + 1));
        f.receipt(receipt(ConsentOutcome::NotShowing, None, &[]));
    }
    let log = &f.site().consent;
    assert_eq!(log.receipts.len(), RECEIPTS_KEPT);
    assert_eq!(log.receipts[0].outcome, ConsentOutcome::Answered, "the one in force stays");
    assert_eq!(log.receipts[1].visit, 6, "the oldest others dropped");
    assert_eq!(log.receipts[RECEIPTS_KEPT - 1].visit, f.site().visits);
    assert_eq!(log.answered, 1);
    assert!(log.refused("marketing"), "still in force");
    // A later acceptance is in force now: nothing is refused any more.
    f.receipt(receipt(ConsentOutcome::Answered, Some(ConsentHow::AcceptAll), &[]));
    assert!(!f.site().consent.refused("marketing"));
}

#[test]
fn a_record_that_breaks_the_terms_costs_10_once_per_visit_outside_the_cap() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    for i in 0..10 {
        let seq = f.next();
        f.ledger.apply(&Event::Request {
            seq,
            at: T0 + 1,
            site: SITE.into(),
            visit: Some("v1".into()),
            domain: format!("ads{i}.example"),
            third_party: true,
            tracker: true,
            organization: Some(format!("Ads {i}")),
            category: Some("advertising".into()),
        });
    }
    let before = f.site().changes.len();
    f.receipt(refused_all());
    f.check(check(&[P7]));
    assert_eq!(
        f.changes(before),
        [change(-score::CONSENT_RECORD_BROKEN, &format!("news.example's consent record says other than you chose: {P7}"))]
    );
    assert_eq!(f.score(), score::START - score::VISIT_CAP - score::CONSENT_RECORD_BROKEN);
    f.check(check(&[P7, "records consent to purpose 3 (build a profile of me for personalised ads) that you refused", "another"]));
    assert_eq!(f.site().changes.len(), before + 1, "once per visit");
    let log = &f.site().consent;
    assert_eq!((log.checks, log.violations, log.honoured), (2, 2, 0));
    assert_eq!(log.latest_check.as_ref().map(|c| c.violations.len()), Some(3));
    assert_eq!(f.site().recent[0].consent, ["record"]);
    f.leave();
    assert_eq!(f.score(), score::START - score::VISIT_CAP - score::CONSENT_RECORD_BROKEN, "no clean bonus");
    f.visit("v2", T0 + 100_000);
    f.check(check(&[P7, "b", "c"]));
    assert_eq!(
        f.changes(before + 1),
        [change(-score::CONSENT_RECORD_BROKEN, &format!("news.example's consent record says other than you chose: {P7} and 2 more"))],
        "charged again on the next visit, the answer of an earlier one counting"
    );
    assert_eq!(f.site().changes.last().map(|c| c.visit), Some(2));
}

#[test]
fn without_trust_ledgers_answer_a_check_is_recorded_and_costs_nothing() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.check(check(&[P7]));
    f.receipt(receipt(ConsentOutcome::Failed, Some(ConsentHow::RefuseAll), &[]));
    f.receipt(receipt(ConsentOutcome::PayOrConsent, None, &[]));
    f.check(check(&[P7]));
    f.check(check(&[]));
    let s = f.site();
    assert!(s.changes.is_empty(), "{:?}", s.changes);
    let log = &s.consent;
    assert_eq!((log.checks, log.violations, log.honoured, log.failed, log.walls), (3, 0, 0, 1, 1));
    assert_eq!(log.latest_check, Some(check(&[])));
    assert!(s.recent[0].consent.is_empty());
    f.leave();
    assert_eq!(f.score(), score::START + score::CLEAN_VISIT, "a clean visit all the same");
}

#[test]
fn a_tracking_cookie_costs_only_when_its_category_was_refused_once_per_company_and_visit() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.cookie("_ga", "Google Analytics", "statistics");
    assert!(f.site().changes.is_empty() && f.site().consent.cookies_after_refusal.is_empty(), "no answer yet");
    f.receipt(receipt(ConsentOutcome::Answered, Some(ConsentHow::Custom), &["marketing", "saleOrSharing"]));
    f.cookie("_ga", "Google Analytics", "statistics");
    assert!(f.site().changes.is_empty(), "statistics was allowed");
    f.cookie("_fbp", "Meta", "marketing");
    f.cookie("fr", "Meta", "marketing");
    f.cookie("_gcl_au", "Google Ads", "marketing");
    f.cookie("_fbp", "Meta", "marketing");
    assert_eq!(
        f.changes(0),
        [
            change(-score::COOKIE_AFTER_REFUSAL, "news.example let Meta set its cookie _fbp after you refused marketing"),
            change(-score::COOKIE_AFTER_REFUSAL, "news.example let Google Ads set its cookie _gcl_au after you refused marketing"),
        ]
    );
    let log = &f.site().consent;
    assert_eq!(log.cookies_after_refusal, BTreeMap::from([("_fbp".into(), 2), ("_gcl_au".into(), 1), ("fr".into(), 1)]));
    assert_eq!(f.site().recent[0].consent, ["cookie:Meta", "cookie:Google Ads"]);
    f.leave();
    f.visit("v2", T0 + 100_000);
    f.cookie("fr", "Meta", "marketing");
    assert_eq!(f.score(), score::START - 3 * score::COOKIE_AFTER_REFUSAL, "again on the next visit");
    // A failed answer or a wall leaves the refusal in force; a later acceptance ends it.
    f.receipt(receipt(ConsentOutcome::Failed, Some(ConsentHow::AcceptAll), &[]));
    f.leave();
    f.visit("v3", T0 + 200_000);
    f.cookie("_fbp", "Meta", "marketing");
    f.receipt(receipt(ConsentOutcome::Answered, Some(ConsentHow::AcceptAll), &[]));
    f.leave();
    f.visit("v4", T0 + 300_000);
    f.cookie("_fbp", "Meta", "marketing");
    assert_eq!(f.score(), score::START - 4 * score::COOKIE_AFTER_REFUSAL);
    // Categories in words.
    f.receipt(receipt(ConsentOutcome::Answered, Some(ConsentHow::Custom), &["socialMedia"]));
    f.cookie("x", "Some Network", "socialMedia");
    assert_eq!(
        f.site().changes.last().map(|c| c.reason.as_str()),
        Some("news.example let Some Network set its cookie x after you refused social media")
    );
}

#[test]
fn a_tracker_of_a_refused_category_contacted_after_the_answer_costs_once_per_company_and_visit() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.tracker("Google", "site_analytics", 1_000);
    f.receipt(receipt(ConsentOutcome::Answered, Some(ConsentHow::Custom), &["marketing", "socialMedia"]));
    let before = f.site().changes.len();
    f.tracker("Criteo", "advertising", 500);
    assert_eq!(f.changes(before).len(), 1, "within the grace, only the tracking charge");
    f.tracker("Google", "site_analytics", 1_000);
    f.tracker("Zendesk", "customer_interaction", 1_000);
    f.tracker("Criteo", "advertising", 1_000);
    f.tracker("Meta", "social_media", 1_000);
    f.tracker("Criteo", "advertising", 1_000);
    let broken: Vec<_> = f.changes(0).into_iter().filter(|(d, _)| *d == -score::TRACKER_AFTER_REFUSAL).collect();
    assert_eq!(
        broken,
        [
            change(-score::TRACKER_AFTER_REFUSAL, "news.example let Criteo track you after you refused marketing"),
            change(-score::TRACKER_AFTER_REFUSAL, "news.example let Meta track you after you refused social media"),
        ],
        "statistics was allowed; customer interaction needs no consent category"
    );
    assert_eq!(f.site().consent.trackers_after_refusal, BTreeMap::from([("Criteo".into(), 2), ("Meta".into(), 1)]));
    f.leave();
    f.visit("v2", T0 + 100_000);
    f.tracker("Criteo", "advertising", 1_000);
    assert_eq!(f.site().recent[1].consent, ["tracker:Criteo"], "again on the next visit");
    // Accepting ends the refusal.
    f.receipt(receipt(ConsentOutcome::Answered, Some(ConsentHow::AcceptAll), &[]));
    let before = f.site().changes.len();
    f.tracker("Meta", "social_media", 5_000);
    assert!(f.changes(before).iter().all(|(d, _)| *d != -score::TRACKER_AFTER_REFUSAL));
}

#[test]
fn once_the_person_reopens_the_dialog_the_site_is_no_longer_held_to_the_answer() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.receipt(refused_all());
    f.receipt(Receipt { outcome: ConsentOutcome::Reopened, how: None, refused_categories: Vec::new(), ..refused_all() });
    let log = &f.site().consent;
    assert_eq!((log.answered, log.receipts.len()), (1, 2));
    assert!(log.in_force().is_none(), "the choice is the person's");
    f.check(check(&[P7]));
    f.cookie("_ga", "Google Analytics", "statistics");
    f.tracker("Criteo", "advertising", 2_000);
    assert!(
        f.site().changes.iter().all(|c| c.delta != -score::CONSENT_RECORD_BROKEN && c.delta != -score::COOKIE_AFTER_REFUSAL),
        "{:?}",
        f.changes(0)
    );
    assert!(f.site().consent.trackers_after_refusal.is_empty());
    assert_eq!(super::consent::problem(f.site()), None, "a reopened answer is a consistent log");
    // Trust Ledger's next answer is in force again.
    f.receipt(refused_all());
    f.tracker("Criteo", "advertising", 2_000);
    assert_eq!(f.site().consent.trackers_after_refusal["Criteo"], 1);
}

#[test]
fn a_gpp_record_is_judged_as_a_tc_string_is_one_charge_per_visit_for_both() {
    use crate::consent::gpp::GppCheck;
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.receipt(refused_all());
    let gpp = |violations: &[&str]| GppCheck {
        gpp_string: "DBABLA~CVQqAAAAAACA.YA".into(),
        sections: vec![7],
        checked: vec![7],
        violations: violations.iter().map(|v| (*v).to_owned()).collect(),
        ..GppCheck::default()
    };
    let apply = |f: &mut Feed, check: GppCheck| {
        let seq = f.next();
        let at = T0 + 5_000 + seq;
        let e =
            Event::ConsentGpp { seq, at, site: SITE.into(), visit: Some("v1".into()), origin: "https://www.news.example".into(), check };
        assert!(f.ledger.apply(&e));
    };
    apply(&mut f, gpp(&["records that you did not opt out of the sale of your personal data, which you refuse (usnat section)"]));
    f.check(check(&[P7]));
    let log = &f.site().consent;
    assert_eq!((log.checks, log.violations), (2, 2));
    assert_eq!(log.latest_gpp_check.as_ref().map(|c| c.sections.clone()), Some(vec![7]));
    assert_eq!(
        f.changes(0),
        [change(
            -score::CONSENT_RECORD_BROKEN,
            "news.example's consent record says other than you chose: records that you did not opt out of the sale of your personal data, which you refuse (usnat section)"
        )],
        "one charge for the visit, whichever record broke the terms"
    );
}

#[test]
fn a_record_as_chosen_earns_2_once_per_visit_and_keeps_the_visit_clean() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.receipt(refused_all());
    f.check(check(&[]));
    f.check(check(&[]));
    assert_eq!(f.changes(0), [change(score::CONSENT_HONOURED, "news.example recorded your choices as you made them")]);
    f.leave();
    assert_eq!(f.score(), score::START + score::CONSENT_HONOURED + score::CLEAN_VISIT);
    f.visit("v2", T0 + 100_000);
    f.check(TcCheck { unreadable: Some("not base64url".into()), ..check(&[]) });
    assert_eq!(f.site().changes.len(), 2, "an unreadable record earns nothing");
    f.check(check(&[]));
    f.check(check(&[P7]));
    assert_eq!(f.site().recent[1].consent, ["honoured", "record"]);
    f.leave();
    assert_eq!(f.score(), score::START + 2 * score::CONSENT_HONOURED + score::CLEAN_VISIT - score::CONSENT_RECORD_BROKEN, "not clean");
    let log = &f.site().consent;
    assert_eq!((log.checks, log.honoured, log.violations), (5, 3, 1));
}

#[test]
fn a_report_with_no_visit_is_recorded_with_no_charge() {
    let mut f = Feed::new("profile-a");
    f.receipt(refused_all());
    f.check(check(&[P7]));
    f.cookie("_ga", "Google Analytics", "statistics");
    let s = f.site();
    assert_eq!((s.visits, s.consent.receipts[0].visit, s.consent.violations), (0, 0, 1));
    assert_eq!(s.consent.cookies_after_refusal["_ga"], 1);
    assert!(s.changes.is_empty());
}

#[test]
fn replaying_a_consent_event_counts_it_once() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    let e = f.receipt_event(refused_all());
    assert!(f.ledger.apply(&e));
    let once = f.ledger.clone();
    assert!(!f.ledger.apply(&e));
    assert_eq!(f.ledger, once);
}

#[test]
fn an_answer_becomes_a_receipt() {
    use crate::consent::session::{self, Answer, Choice};
    let answer = Answer {
        rule: "OneTrust".into(),
        vendor: "onetrust".into(),
        outcome: session::Outcome::Answered,
        path: Some(crate::consent::Path::Custom),
        reason: "some purposes accepted, others refused: answered switch by switch".into(),
        choices: vec![Choice { what: "category statistics".into(), wanted: false, result: session::ChoiceResult::Set }],
        failure: None,
        commands: 9,
    };
    let r = Receipt::from(&answer);
    assert_eq!((r.rule.as_str(), r.how, r.outcome, r.at), ("OneTrust", Some(ConsentHow::Custom), ConsentOutcome::Answered, 0));
    assert_eq!(r.choices, [ReceiptChoice { what: "category statistics".into(), wanted: false, result: consent::ChoiceResult::Set }]);
    let wall = Receipt::from(&Answer { outcome: session::Outcome::PayOrConsent, path: None, ..answer });
    assert_eq!((wall.how, wall.outcome), (None, ConsentOutcome::PayOrConsent));
}

#[test]
fn the_events_read_and_write_as_documented() {
    let json = r#"[
        {"kind":"consent","seq":7,"at":1700000000000,"site":"news.example","visit":"3:1:5","origin":"https://cdn.privacy-mgmt.com",
         "thirdPartyFrame":true,"receipt":{"at":1700000000000,"rule":"Sourcepoint","vendor":"sourcepoint","how":"refuseAll",
         "outcome":"answered","reason":"everything optional refused","choices":[],"failure":null,
         "refusedCategories":["preferences","statistics","marketing"]}},
        {"kind":"consentCheck","seq":8,"at":1700000001000,"site":"news.example","visit":"3:1:5","origin":"https://www.news.example",
         "check":{"cmpId":7,"tcString":"CP","purposeConsents":[7],"purposeLegitimateInterests":[],"specialFeatures":[],
                  "violations":["records consent to purpose 7 (…) that you refused"],"notes":[]}},
        {"kind":"consentCookie","seq":9,"at":1700000002000,"site":"news.example","visit":"3:1:5","name":"_ga",
         "company":"Google Analytics","category":"statistics"}
    ]"#;
    let events: Vec<Event> = serde_json::from_str(json).expect("reads");
    assert!(
        matches!(&events[0], Event::Consent { seq: 7, third_party_frame: true, receipt, .. } if receipt.how == Some(ConsentHow::RefuseAll))
    );
    assert!(matches!(&events[1], Event::ConsentCheck { seq: 8, check, .. } if check.violations.len() == 1));
    assert!(matches!(&events[2], Event::ConsentCookie { seq: 9, name, .. } if name == "_ga"));
    assert_eq!(events.iter().map(Event::seq).collect::<Vec<_>>(), [7, 8, 9]);
    let back: Vec<Event> = serde_json::from_str(&serde_json::to_string(&events).expect("writes")).expect("reads back");
    assert_eq!(back, events);
    assert!(serde_json::from_str::<Vec<Event>>(&json.replace("\"answered\"", "\"maybe\"")).is_err());
    assert!(serde_json::from_str::<Vec<Event>>(&json.replace("\"failure\":null", "\"failure\":null,\"extra\":1")).is_err());
}
