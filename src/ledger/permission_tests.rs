//! Permission tests: the tallies and latest asks, each broken-promise rule and its reason, the
//! cap not applying, once per visit, replay, older ledgers, merging.

use super::*;

const T0: u64 = 1_700_000_000_000;
const SITE: &str = "news.example";

/// How an ask is made, apart from its capability and outcome.
#[derive(Clone, Copy)]
struct How {
    /// Milliseconds after the visit started.
    after: u64,
    activation: bool,
    probe: bool,
    /// The asking frame's origin.
    frame: &'static str,
    by_terms: bool,
}

const CLICK: How = How { after: 10_000, activation: true, probe: false, frame: "https://www.news.example", by_terms: false };
const NO_CLICK: How = How { activation: false, ..CLICK };
const ON_LOAD: How = How { after: 1_000, ..NO_CLICK };
const PROBE: How = How { probe: true, ..NO_CLICK };
const WIDGET: How = How { frame: "https://cam.widget.example", ..CLICK };

struct Feed {
    ledger: Ledger,
    seq: u64,
    /// The current visit and when it started.
    visit: Option<(String, u64)>,
}

impl Feed {
    fn new(id: &str) -> Feed {
        Feed { ledger: Ledger::new(id), seq: 0, visit: None }
    }

    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn visit(&mut self, id: &str, at: u64) {
        let seq = self.next();
        assert!(self.ledger.apply(&Event::Visit { seq, at, site: SITE.into(), visit: id.into(), url: format!("https://{SITE}/") }));
        self.visit = Some((id.to_owned(), at));
    }

    fn event(&mut self, capability: &str, outcome: PermissionOutcome, how: How) -> Event {
        let (visit, started) = self.visit.clone().map_or((None, T0), |(v, at)| (Some(v), at));
        let third_party_frame = !how.frame.ends_with(SITE);
        let call = if how.probe { "navigator.permissions.query" } else { "Notification.requestPermission" };
        Event::Permission {
            seq: self.next(),
            at: started + how.after,
            site: SITE.into(),
            visit,
            origin: how.frame.into(),
            third_party_frame,
            capability: capability.into(),
            call: call.into(),
            probe: how.probe,
            activation: how.activation,
            outcome,
            by_terms: how.by_terms,
        }
    }

    fn ask(&mut self, capability: &str, outcome: PermissionOutcome, how: How) {
        let e = self.event(capability, outcome, how);
        assert!(self.ledger.apply(&e));
    }

    fn leave(&mut self) {
        let Some((visit, at)) = self.visit.take() else { return };
        let seq = self.next();
        assert!(self.ledger.apply(&Event::Leave { seq, at: at + 60_000, site: SITE.into(), visit }));
    }

    fn site(&self) -> &Site {
        &self.ledger.sites[SITE]
    }

    fn score(&self) -> i32 {
        self.site().score
    }

    /// The reasons of the changes since the `from`th, with their deltas.
    fn changes(&self, from: usize) -> Vec<(i32, String)> {
        self.site().changes[from..].iter().map(|c| (c.delta, c.reason.clone())).collect()
    }
}

use PermissionOutcome::{Denied, Dismissed, Granted, Prompt, Unsupported};

fn change(delta: i32, reason: &str) -> (i32, String) {
    (delta, reason.to_owned())
}

#[test]
fn asks_are_counted_per_capability_and_listed() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.ask("notifications", Dismissed, NO_CLICK);
    f.ask("notifications", Granted, CLICK);
    f.ask("geolocation", Denied, How { by_terms: true, ..CLICK });
    f.ask("geolocation", Prompt, PROBE);
    f.ask("camera", Granted, WIDGET);
    let s = f.site();
    let n = &s.permissions["notifications"];
    assert_eq!((n.asked, n.granted, n.dismissed, n.without_activation, n.probes), (2, 1, 1, 1, 0));
    assert_eq!((n.last_outcome, n.last_asked), (Some(Granted), Some(T0 + 10_000)));
    let g = &s.permissions["geolocation"];
    assert_eq!((g.asked, g.denied, g.by_terms, g.probes, g.last_outcome), (1, 1, 1, 1, Some(Denied)));
    assert_eq!(s.permissions["camera"].from_third_party_frames, 1);
    assert_eq!(s.recent[0].asks, 4, "probes are not asks");
    assert_eq!(s.recent_asks.len(), 5);
    let camera = &s.recent_asks[4];
    assert_eq!((camera.visit, camera.origin.as_str(), camera.third_party_frame), (1, "https://cam.widget.example", true));
    assert_eq!(camera.call, "Notification.requestPermission");
}

#[test]
fn asking_without_a_click_costs_more_as_the_page_loads() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.ask("notifications", Dismissed, ON_LOAD);
    assert_eq!(
        f.changes(0),
        [
            change(-score::ASK_WITHOUT_ACTIVATION, "news.example asked for notifications without a click"),
            change(-score::ASK_ON_LOAD, "news.example asked for notifications as the page loaded"),
        ]
    );
    // Later in the visit, for another capability: no click, but not as the page loaded.
    f.ask("geolocation", Dismissed, NO_CLICK);
    assert_eq!(f.changes(2), [change(-score::ASK_WITHOUT_ACTIVATION, "news.example asked for geolocation without a click")]);
    // Exactly the page-load window still counts; a click costs nothing.
    f.ask("midi", Dismissed, How { after: score::PAGE_LOAD_MS, ..NO_CLICK });
    f.ask("camera", Dismissed, How { after: 0, ..CLICK });
    assert_eq!(f.site().changes.len(), 5);
    assert_eq!(f.score(), score::START - 3 * score::ASK_WITHOUT_ACTIVATION - 2 * score::ASK_ON_LOAD);
}

#[test]
fn asking_again_after_a_denial_costs_in_this_visit_and_the_next() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.ask("geolocation", Denied, CLICK);
    assert_eq!(f.score(), score::START, "asking with a click, the first time, costs nothing");
    f.ask("geolocation", Denied, CLICK);
    f.ask("geolocation", Denied, CLICK);
    assert_eq!(f.changes(0), [change(-score::ASK_AFTER_DENIAL, "news.example asked again for geolocation after you said no")]);
    f.leave();
    f.visit("v2", T0 + 100_000);
    f.ask("geolocation", Denied, CLICK);
    assert_eq!(f.site().changes.last().map(|c| c.visit), Some(2), "charged again on the next visit");
    // Denied by the terms counts as a no; a grant or a dismissal after it does not.
    f.ask("notifications", Denied, How { by_terms: true, ..CLICK });
    f.ask("notifications", Denied, How { by_terms: true, ..CLICK });
    f.ask("camera", Denied, CLICK);
    f.ask("camera", Granted, CLICK);
    f.ask("camera", Granted, CLICK);
    f.ask("midi", Dismissed, CLICK);
    f.ask("midi", Dismissed, CLICK);
    let reasons: Vec<String> = f.changes(1).into_iter().map(|(_, r)| r).collect();
    assert_eq!(
        reasons,
        [
            "news.example asked again for geolocation after you said no",
            "news.example asked again for notifications after you said no",
            "news.example asked again for camera after you said no",
        ]
    );
    assert_eq!(f.score(), score::START - 4 * score::ASK_AFTER_DENIAL);
    // A probe reading "denied" is no ask: it neither costs nor counts as a no.
    f.ask("usb", Denied, PROBE);
    f.ask("usb", Granted, CLICK);
    assert_eq!(f.score(), score::START - 4 * score::ASK_AFTER_DENIAL);
}

#[test]
fn probing_many_permissions_costs_once_per_visit_and_says_how_many() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    for name in ["geolocation", "notifications", "camera", "microphone", "geolocation"] {
        f.ask(name, Prompt, PROBE);
    }
    assert_eq!(f.score(), score::START, "four distinct names, one probed twice");
    f.ask("bogus-name", Unsupported, PROBE);
    assert_eq!(f.changes(0), [change(-score::PROBING, "news.example probed 5 permissions, a fingerprinting sign")]);
    f.ask("usb", Prompt, PROBE);
    f.ask("hid", Denied, PROBE);
    assert_eq!(f.changes(0), [change(-score::PROBING, "news.example probed 7 permissions, a fingerprinting sign")], "retold, not charged");
    assert_eq!(f.site().permissions["geolocation"].probes, 2);
    assert_eq!(f.site().recent[0].asks, 0);
    f.leave();
    f.visit("v2", T0 + 100_000);
    for name in ["geolocation", "notifications", "camera", "microphone", "midi"] {
        f.ask(name, Granted, PROBE);
    }
    assert_eq!(f.score(), score::START - 2 * score::PROBING, "again on the next visit");
}

#[test]
fn an_embedded_third_party_frame_asking_costs() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.ask("camera", Granted, WIDGET);
    f.ask("microphone", Dismissed, How { activation: false, ..WIDGET });
    f.ask("camera", Granted, PROBE);
    f.ask("camera", Prompt, How { probe: true, ..WIDGET });
    assert_eq!(
        f.changes(0),
        [
            change(-score::THIRD_PARTY_FRAME_ASK, "an embedded frame of widget.example asked for camera"),
            change(-score::ASK_WITHOUT_ACTIVATION, "an embedded frame of widget.example asked for microphone without a click"),
            change(-score::THIRD_PARTY_FRAME_ASK, "an embedded frame of widget.example asked for microphone"),
        ],
        "probes from a frame cost nothing by themselves"
    );
}

#[test]
fn broken_promises_are_not_under_the_visit_cap_and_cost_once_per_visit() {
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
    assert_eq!(f.score(), score::START - score::VISIT_CAP);
    // A page that loops on a prompt is charged once for it.
    for _ in 0..20 {
        f.ask("notifications", Dismissed, NO_CLICK);
    }
    assert_eq!(f.score(), score::START - score::VISIT_CAP - score::ASK_WITHOUT_ACTIVATION);
    assert_eq!(f.site().recent[0].cost, score::VISIT_CAP, "the cap is tracking's");
    assert_eq!(f.site().permissions["notifications"].asked, 20);
    assert_eq!(f.site().recent[0].asks, 20);
    f.leave();
    f.visit("v2", T0 + 100_000);
    f.ask("notifications", Dismissed, NO_CLICK);
    assert_eq!(f.score(), score::START - score::VISIT_CAP - 2 * score::ASK_WITHOUT_ACTIVATION, "and again the next visit");
}

#[test]
fn a_visit_with_a_broken_promise_is_not_clean_one_with_a_clicked_ask_is() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.ask("notifications", Granted, CLICK);
    f.leave();
    assert_eq!(f.score(), score::START + score::CLEAN_VISIT);
    f.visit("v2", T0 + 100_000);
    f.ask("notifications", Granted, NO_CLICK);
    f.leave();
    assert_eq!(f.score(), score::START + score::CLEAN_VISIT - score::ASK_WITHOUT_ACTIVATION);
}

#[test]
fn an_ask_with_no_visit_is_background_charged_once_a_day() {
    const DAY: u64 = 86_400_000;
    let mut f = Feed::new("profile-a");
    f.ask("notifications", Dismissed, NO_CLICK);
    f.ask("notifications", Dismissed, NO_CLICK);
    let s = f.site();
    assert_eq!((s.visits, s.background.asks, s.recent_asks[0].visit), (0, 2, 0));
    assert_eq!(f.changes(0), [change(-score::ASK_WITHOUT_ACTIVATION, "news.example asked for notifications without a click")]);
    assert_eq!(s.changes[0].visit, 0);
    f.ask("notifications", Dismissed, How { after: DAY, ..NO_CLICK });
    assert_eq!(f.score(), score::START - 2 * score::ASK_WITHOUT_ACTIVATION, "no page load rule, charged again the next day");
}

#[test]
fn replaying_an_ask_counts_it_once() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    let e = f.event("notifications", Denied, ON_LOAD);
    assert!(f.ledger.apply(&e));
    let once = f.ledger.clone();
    assert!(!f.ledger.apply(&e));
    assert_eq!(f.ledger, once);
    assert_eq!(f.site().permissions["notifications"].asked, 1);
}

#[test]
fn the_latest_asks_are_kept_and_the_totals_stay_exact() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    for i in 0..(ASKS_KEPT as u64 + 7) {
        f.ask("notifications", Dismissed, How { after: 10_000 + i, ..CLICK });
    }
    let s = f.site();
    assert_eq!(s.recent_asks.len(), ASKS_KEPT);
    assert_eq!(s.recent_asks[0].at, T0 + 10_007, "the oldest dropped");
    assert_eq!(s.permissions["notifications"].asked, ASKS_KEPT as u64 + 7);
}

#[test]
fn stored_and_read_back_and_a_ledger_from_before_reads_with_none() {
    let mut f = Feed::new("profile-a");
    f.visit("v1", T0);
    f.ask("notifications", Denied, How { by_terms: true, ..ON_LOAD });
    let json = f.ledger.to_json().expect("serialises");
    assert_eq!(Ledger::from_json(&json), Ok(f.ledger.clone()));
    let mut old: serde_json::Value = serde_json::from_str(&json).expect("json");
    let site = old["sites"][SITE].as_object_mut().expect("a site");
    site.remove("permissions");
    site.remove("recentAsks");
    let visit = site["recent"][0].as_object_mut().expect("a visit");
    visit.remove("asks");
    visit.remove("asked");
    let old = Ledger::from_json(&old.to_string()).expect("an older ledger reads");
    let s = &old.sites[SITE];
    assert!(s.permissions.is_empty() && s.recent_asks.is_empty());
    assert_eq!((s.recent[0].asks, &s.recent[0].asked), (0, &Asked::default()));
    // A ledger with no asks writes none of the new fields.
    let mut plain = Feed::new("profile-a");
    plain.visit("v1", T0);
    let json = plain.ledger.to_json().expect("serialises");
    assert!(!json.contains("permissions") && !json.contains("recentAsks") && !json.contains("asked"));
    // Impossible counts are refused.
    let json = f.ledger.to_json().expect("serialises");
    let bad = json.replacen("\"byTerms\":1", "\"byTerms\":2", 1);
    assert_ne!(bad, json);
    assert_eq!(
        Ledger::from_json(&bad),
        Err(LedgerError::Invalid {
            path: "sites.news.example.permissions.notifications".into(),
            problem: "more denied by the terms than denied".into()
        })
    );
    let bad = json.replacen("\"outcome\":\"denied\"", "\"outcome\":\"maybe\"", 1);
    assert!(matches!(Ledger::from_json(&bad), Err(LedgerError::Json(_))));
}

#[test]
fn merging_adds_the_tallies_and_keeps_the_latest_asks_of_both() {
    let mut a = Feed::new("profile-a");
    a.visit("v1", T0);
    a.ask("notifications", Denied, CLICK);
    a.ask("geolocation", Granted, CLICK);
    let mut b = Feed::new("profile-b");
    b.visit("w1", T0 + 5_000);
    b.ask("notifications", Granted, CLICK);
    b.ask("camera", Prompt, PROBE);
    let (added, combined) = a.ledger.merge(b.ledger.clone());
    assert_eq!((added, combined), (0, 1));
    let s = &a.ledger.sites[SITE];
    let n = &s.permissions["notifications"];
    assert_eq!((n.asked, n.granted, n.denied, n.last_outcome, n.last_asked), (2, 1, 1, Some(Granted), Some(T0 + 15_000)));
    assert_eq!(s.permissions["camera"].probes, 1);
    let asks: Vec<(u64, u64, &str)> = s.recent_asks.iter().map(|a| (a.at, a.visit, a.capability.as_str())).collect();
    assert_eq!(
        asks,
        [(T0 + 10_000, 1, "notifications"), (T0 + 10_000, 1, "geolocation"), (T0 + 15_000, 2, "notifications"), (T0 + 15_000, 2, "camera")],
        "by time, the other profile's visits numbered after ours"
    );
    let read = Ledger::from_json(&a.ledger.to_json().expect("serialises")).expect("a merged ledger is valid");
    assert_eq!(read, a.ledger);
    // Importing it again changes nothing; merged, the latest 50 are kept.
    let once = a.ledger.clone();
    a.ledger.merge(b.ledger);
    assert_eq!(a.ledger, once);
    let mut c = Feed::new("profile-c");
    c.visit("x1", T0 + 1_000_000);
    for i in 0..ASKS_KEPT as u64 {
        c.ask("midi", Granted, How { after: i, ..CLICK });
    }
    a.ledger.merge(c.ledger);
    let s = &a.ledger.sites[SITE];
    assert_eq!(s.recent_asks.len(), ASKS_KEPT);
    assert!(s.recent_asks.iter().all(|a| a.capability == "midi"));
    assert_eq!(s.permissions["midi"].asked, ASKS_KEPT as u64);
}

#[test]
fn the_event_reads_and_writes_as_documented() {
    let json = r#"{"kind":"permission","seq":7,"at":1700000000000,"site":"news.example","visit":"3:1:5",
        "origin":"https://cam.widget.example","thirdPartyFrame":true,"capability":"camera","call":"MediaDevices.getUserMedia",
        "probe":false,"activation":true,"outcome":"dismissed","byTerms":false}"#;
    let e: Event = serde_json::from_str(json).expect("reads");
    assert!(matches!(&e, Event::Permission { seq: 7, outcome: Dismissed, third_party_frame: true, .. }));
    assert_eq!(e.seq(), 7);
    let back: Event = serde_json::from_str(&serde_json::to_string(&e).expect("writes")).expect("reads back");
    assert_eq!(back, e);
    assert!(serde_json::from_str::<Event>(&json.replace("dismissed", "later")).is_err());
}
