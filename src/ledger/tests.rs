//! Ledger tests: counting, visits, the score's arithmetic, replay, storage and merging.

use super::*;

const T0: u64 = 1_700_000_000_000;

struct Feed {
    ledger: Ledger,
    seq: u64,
}

impl Feed {
    fn new() -> Feed {
        Feed { ledger: Ledger::new("profile-a"), seq: 0 }
    }
    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }
    fn visit(&mut self, site: &str, visit: &str, at: u64) {
        let seq = self.next();
        assert!(self.ledger.apply(&Event::Visit { seq, at, site: site.into(), visit: visit.into(), url: format!("https://{site}/") }));
    }
    fn request(&mut self, site: &str, visit: &str, domain: &str, org: Option<(&str, &str)>, third_party: bool) {
        let seq = self.next();
        self.ledger.apply(&Event::Request {
            seq,
            at: T0 + seq,
            site: site.into(),
            visit: Some(visit.into()),
            domain: domain.into(),
            third_party,
            tracker: org.is_some(),
            organization: org.map(|o| o.0.into()),
            category: org.map(|o| o.1.into()),
        });
    }
    fn cookie(&mut self, site: &str, visit: &str, domain: &str, org: (&str, &str)) {
        let seq = self.next();
        self.ledger.apply(&Event::Cookie {
            seq,
            at: T0 + seq,
            site: site.into(),
            visit: Some(visit.into()),
            domain: domain.into(),
            organization: Some(org.0.into()),
            category: Some(org.1.into()),
        });
    }
    fn blocked(&mut self, site: &str, visit: &str, domain: &str, org: (&str, &str)) {
        let seq = self.next();
        assert!(self.ledger.apply(&Event::Blocked {
            seq,
            at: T0 + seq,
            site: site.into(),
            visit: Some(visit.into()),
            domain: domain.into(),
            organization: Some(org.0.into()),
            category: Some(org.1.into()),
        }));
    }
    fn background(&mut self, site: &str, at: u64, domain: &str, org: Option<(&str, &str)>) {
        let seq = self.next();
        self.ledger.apply(&Event::Request {
            seq,
            at,
            site: site.into(),
            visit: None,
            domain: domain.into(),
            third_party: true,
            tracker: org.is_some(),
            organization: org.map(|o| o.0.into()),
            category: org.map(|o| o.1.into()),
        });
    }
    fn leave(&mut self, site: &str, visit: &str) {
        let seq = self.next();
        assert!(self.ledger.apply(&Event::Leave { seq, at: T0 + seq, site: site.into(), visit: visit.into() }));
    }
    fn site(&self, site: &str) -> &Site {
        &self.ledger.sites[site]
    }
}

const GA: Option<(&str, &str)> = Some(("Google", "site_analytics"));
const ADS: Option<(&str, &str)> = Some(("Criteo", "advertising"));

#[test]
fn counts_requests_companies_and_third_parties() {
    let mut f = Feed::new();
    f.visit("news.example", "v1", T0);
    f.request("news.example", "v1", "news.example", None, false);
    f.request("news.example", "v1", "cdn.example", None, true);
    for _ in 0..3 {
        f.request("news.example", "v1", "google-analytics.com", GA, true);
    }
    f.request("news.example", "v1", "criteo.com", ADS, true);
    f.cookie("news.example", "v1", "criteo.com", ("Criteo", "advertising"));
    let s = f.site("news.example");
    assert_eq!((s.visits, s.requests, s.third_party_requests, s.tracker_requests, s.cookies), (1, 6, 5, 4, 1));
    assert_eq!(s.companies["Google"].seen.requests, 3);
    assert_eq!(s.companies["Google"].seen.visits, 1);
    assert_eq!(s.companies["Criteo"].seen.cookies, 1);
    assert_eq!(s.third_parties["criteo.com"].organization.as_deref(), Some("Criteo"));
    assert_eq!(s.third_parties.len(), 3);
    assert_eq!(s.recent[0].trackers["Google"], 3);
}

#[test]
fn score_arithmetic_has_reasons() {
    let mut f = Feed::new();
    f.visit("news.example", "v1", T0);
    f.request("news.example", "v1", "google-analytics.com", GA, true);
    f.request("news.example", "v1", "google-analytics.com", GA, true); // same company: no new cost
    f.request("news.example", "v1", "criteo.com", ADS, true);
    f.cookie("news.example", "v1", "criteo.com", ("Criteo", "advertising"));
    let s = f.site("news.example");
    let want = score::START - score::category_cost(Some("site_analytics")) - score::category_cost(Some("advertising")) - score::COOKIE_COST;
    assert_eq!(s.score, want);
    let reasons: Vec<&str> = s.changes.iter().map(|c| c.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "Google (site analytics) tracked this visit",
            "Criteo (advertising) tracked this visit",
            "Criteo set a third-party cookie (criteo.com)"
        ]
    );
    assert!(s.changes.iter().all(|c| c.visit == 1));
    assert_eq!(s.score, score::START + s.changes.iter().map(|c| c.delta).sum::<i32>());
}

#[test]
fn clean_visits_earn_back_and_first_party_analytics_costs_less() {
    let mut f = Feed::new();
    f.visit("shop.example", "v1", T0);
    f.request("shop.example", "v1", "shop.example", Some(("Shop Analytics", "site_analytics")), false);
    let after_first = f.site("shop.example").score;
    assert_eq!(after_first, score::START - (score::category_cost(Some("site_analytics")) + 1) / 2);
    f.visit("shop.example", "v2", T0 + 10);
    f.request("shop.example", "v2", "shop.example", None, false);
    f.visit("shop.example", "v3", T0 + 20); // closes v2, which was clean
    let s = f.site("shop.example");
    assert_eq!(s.score, after_first + score::CLEAN_VISIT);
    assert_eq!(s.changes.last().map(|c| (c.visit, c.reason.as_str())), Some((2, "A visit without tracking")));
    assert!(s.recent[0].closed && s.recent[1].closed && !s.recent[2].closed);
}

#[test]
fn one_visit_costs_at_most_the_cap() {
    let mut f = Feed::new();
    f.visit("heavy.example", "v1", T0);
    for i in 0..20 {
        let org = format!("Ad Company {i}");
        f.request("heavy.example", "v1", &format!("ads{i}.example"), Some((org.as_str(), "advertising")), true);
    }
    let s = f.site("heavy.example");
    assert_eq!(s.score, score::START - score::VISIT_CAP);
    assert_eq!(s.recent[0].cost, score::VISIT_CAP);
    assert_eq!(s.companies.len(), 20);
}

#[test]
fn replay_is_idempotent() {
    let mut f = Feed::new();
    f.visit("a.example", "v1", T0);
    f.request("a.example", "v1", "criteo.com", ADS, true);
    let before = f.ledger.clone();
    let replay = Event::Request {
        seq: 2,
        at: T0,
        site: "a.example".into(),
        visit: Some("v1".into()),
        domain: "criteo.com".into(),
        third_party: true,
        tracker: true,
        organization: Some("Criteo".into()),
        category: Some("advertising".into()),
    };
    assert!(!f.ledger.apply(&replay));
    assert_eq!(f.ledger, before);
}

#[test]
fn requests_before_their_visit_event_open_the_visit() {
    let mut f = Feed::new();
    f.request("late.example", "v9", "late.example", None, false);
    let s = f.site("late.example");
    assert_eq!((s.visits, s.recent.len(), s.recent[0].id.as_str()), (1, 1, "v9"));
}

#[test]
fn compaction_keeps_totals_exact() {
    let mut f = Feed::new();
    for v in 0..(VISITS_KEPT + 15) {
        let id = format!("v{v}");
        f.visit("busy.example", &id, T0 + v as u64 * 1000);
        f.request("busy.example", &id, "criteo.com", ADS, true);
    }
    let s = f.site("busy.example");
    assert_eq!(s.recent.len(), VISITS_KEPT);
    assert_eq!(s.visits, (VISITS_KEPT + 15) as u64);
    assert_eq!(s.companies["Criteo"].seen.visits, s.visits);
    assert_eq!(s.tracker_requests, s.visits);
    assert_eq!(s.recent[0].number, 16);
    // The score and its listed changes add up, older changes folded in.
    assert_eq!(s.score, (score::START + s.changes.iter().map(|c| c.delta).sum::<i32>() + s.earlier_changes.0).clamp(0, 100));
}

#[test]
fn stored_form_round_trips_and_refuses_bad_files() {
    let mut f = Feed::new();
    f.visit("a.example", "v1", T0);
    f.request("a.example", "v1", "criteo.com", ADS, true);
    let json = f.ledger.to_json().expect("serialises");
    assert_eq!(Ledger::from_json(&json), Ok(f.ledger.clone()));
    assert!(matches!(Ledger::from_json("{"), Err(LedgerError::Json(_))));
    assert!(matches!(Ledger::from_json(r#"{"id":"x"}"#), Err(LedgerError::Invalid { .. })));
    assert_eq!(Ledger::from_json(&json.replacen("\"version\":1", "\"version\":99", 1)), Err(LedgerError::TooNew(99)));
    let bad_score = json.replace(&format!("\"score\":{}", f.site("a.example").score), "\"score\":140");
    assert_eq!(
        Ledger::from_json(&bad_score),
        Err(LedgerError::Invalid { path: "sites.a.example.score".into(), problem: "140 is outside 0–100".into() })
    );
    let misfiled = json.replacen("\"site\":\"a.example\"", "\"site\":\"b.example\"", 1);
    assert!(matches!(Ledger::from_json(&misfiled), Err(LedgerError::Invalid { .. })));
    assert!(matches!(Ledger::from_json(&json.replacen("\"visits\":1", "\"visits\":1,\"extra\":2", 1)), Err(LedgerError::Json(_))));
}

#[test]
fn stored_in_pieces_only_changed_sites_are_written_and_a_bad_entry_loses_only_itself() {
    let mut f = Feed::new();
    f.visit("a.example", "v1", T0);
    f.visit("b.example", "v2", T0);
    let names = |c: Vec<(String, String)>| c.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
    let stored = f.ledger.take_changed().expect("serialises");
    assert_eq!(names(stored.clone()), ["a.example", "b.example"]);
    assert_eq!(f.ledger.take_changed(), Ok(vec![]), "nothing changed since");
    f.request("b.example", "v2", "criteo.com", ADS, true);
    f.leave("a.example", "v1");
    let again = f.ledger.take_changed().expect("serialises");
    assert_eq!(names(again.clone()), ["a.example", "b.example"]);
    f.ledger.mark_changed(["b.example".to_owned(), "gone.example".to_owned()]);
    assert_eq!(names(f.ledger.take_changed().expect("serialises")), ["b.example"], "given back, unknown sites ignored");

    // Read back: the head, and the latest entry of each site.
    let head = f.ledger.head_json().expect("serialises");
    let (read, bad) = Ledger::from_stored(&head, again.clone()).expect("reads");
    assert_eq!((read, bad), (f.ledger.clone(), vec![]));
    // A bad entry is left out and named; the others are read.
    let broken = vec![again[0].clone(), ("b.example".to_owned(), again[1].1.replacen("\"score\":", "\"score\":1", 1))];
    let (read, bad) = Ledger::from_stored(&head, broken).expect("reads");
    assert_eq!(read.sites.keys().collect::<Vec<_>>(), ["a.example"]);
    assert!(matches!(&bad[..], [(name, LedgerError::Invalid { path, .. })] if name == "b.example" && path == "sites.b.example.score"));
    assert!(matches!(Ledger::from_stored("{", vec![]), Err(LedgerError::Json(_))));
    assert_eq!(Ledger::from_stored(&head.replacen("\"version\":1", "\"version\":7", 1), vec![]).map(|_| ()), Err(LedgerError::TooNew(7)));

    // A ledger read whole (an older store) is written whole next; a merge writes what it touched.
    let mut whole = Ledger::from_json(&f.ledger.to_json().expect("serialises")).expect("reads");
    assert_eq!(names(whole.take_changed().expect("serialises")), ["a.example", "b.example"]);
    let mut other = Feed::new();
    other.visit("c.example", "v9", T0);
    whole.merge(other.ledger);
    assert_eq!(names(whole.take_changed().expect("serialises")), ["c.example"]);
}

#[test]
fn merging_never_counts_twice() {
    let mut f = Feed::new();
    f.visit("a.example", "v1", T0);
    f.request("a.example", "v1", "criteo.com", ADS, true);
    let export = f.ledger.clone();
    // The same profile's export imported again changes nothing.
    assert_eq!(f.ledger.merge(export.clone()), (0, 0));
    assert_eq!(f.ledger, export);

    // Another profile's history of the same site adds up; a new site is added.
    let mut g = Feed { ledger: Ledger::new("profile-b"), seq: 0 };
    g.visit("a.example", "w1", T0 + 5);
    g.request("a.example", "w1", "google-analytics.com", GA, true);
    g.visit("b.example", "w2", T0 + 6);
    let (added, combined) = f.ledger.merge(g.ledger.clone());
    assert_eq!((added, combined), (1, 1));
    assert!(!g.ledger.sites["b.example"].recent[0].closed);
    assert!(f.ledger.sites["b.example"].recent[0].closed, "an imported visit is over here");
    assert_eq!(f.ledger.sites["b.example"].score, g.ledger.sites["b.example"].score, "and earns nothing");
    let s = &f.ledger.sites["a.example"];
    assert_eq!((s.visits, s.tracker_requests, s.companies.len()), (2, 2, 2));
    assert_eq!(s.score, export.sites["a.example"].score.min(g.ledger.sites["a.example"].score));
    assert_eq!(s.recent.iter().map(|v| v.number).collect::<Vec<_>>(), [1, 2]);
    // And importing that other profile again is idempotent.
    let once = f.ledger.clone();
    f.ledger.merge(g.ledger);
    assert_eq!(f.ledger, once);
}

#[test]
fn a_company_costs_its_most_telling_category_once_per_visit() {
    let mut f = Feed::new();
    f.visit("news.example", "v1", T0);
    f.request("news.example", "v1", "googletagmanager.com", Some(("Google", "utilities")), true);
    f.request("news.example", "v1", "google-analytics.com", GA, true);
    f.request("news.example", "v1", "google-analytics.com", GA, true);
    f.request("news.example", "v1", "googletagmanager.com", Some(("Google", "utilities")), true);
    let s = f.site("news.example");
    assert_eq!(s.score, score::START - score::category_cost(Some("site_analytics")));
    assert_eq!(s.changes.len(), 1);
    assert_eq!(s.recent[0].charged["Google"], score::category_cost(Some("site_analytics")));
    // Seen in a costlier category later on the same visit: one line, at the higher cost.
    f.request("news.example", "v1", "doubleclick.net", Some(("Google", "advertising")), true);
    let s = f.site("news.example");
    assert_eq!(s.changes.len(), 1);
    assert_eq!(s.changes[0].reason, "Google (advertising) tracked this visit");
    assert_eq!(s.changes[0].delta, -score::category_cost(Some("advertising")));
    assert_eq!(s.score, score::START - score::category_cost(Some("advertising")));
}

#[test]
fn leaving_closes_the_visit_and_a_clean_one_earns_then() {
    let mut f = Feed::new();
    f.visit("clean.example", "v1", T0);
    f.request("clean.example", "v1", "clean.example", None, false);
    f.visit("busy.example", "v2", T0 + 10);
    f.request("busy.example", "v2", "criteo.com", ADS, true);
    assert_eq!(f.ledger.open_visits(), [("busy.example", "v2"), ("clean.example", "v1")]);
    f.leave("clean.example", "v1");
    f.leave("busy.example", "v2");
    assert_eq!(f.site("clean.example").score, score::START + score::CLEAN_VISIT);
    assert_eq!(f.site("busy.example").score, score::START - score::category_cost(Some("advertising")));
    assert!(f.ledger.open_visits().is_empty());
    // Leaving twice, or a visit the ledger does not know, changes nothing more.
    let before = f.ledger.sites.clone();
    f.leave("clean.example", "v1");
    f.leave("nowhere.example", "v7");
    assert_eq!(f.ledger.sites, before);
}

#[test]
fn background_activity_counts_in_totals_and_costs_once_a_day() {
    const DAY: u64 = 86_400_000;
    let mut f = Feed::new();
    f.visit("app.example", "v1", T0);
    f.leave("app.example", "v1");
    let start = f.site("app.example").score;
    f.background("app.example", T0 + 100, "segment.io", Some(("Twilio", "site_analytics")));
    f.background("app.example", T0 + 200, "segment.io", Some(("Twilio", "site_analytics")));
    f.background("app.example", T0 + 300, "example-cdn.com", None);
    let s = f.site("app.example");
    assert_eq!((s.requests, s.tracker_requests, s.third_party_requests), (3, 2, 3));
    assert_eq!((s.background.requests, s.background.tracker_requests), (3, 2));
    assert_eq!((s.visits, s.recent[0].requests), (1, 0), "no visit is made up");
    assert_eq!(s.companies["Twilio"].seen.requests, 2);
    assert_eq!(s.companies["Twilio"].seen.visits, 0);
    assert_eq!(s.score, start - score::category_cost(Some("site_analytics")), "charged once that day");
    let change = s.changes.last().expect("a change");
    assert_eq!((change.visit, change.reason.as_str()), (0, "Twilio (site analytics) was contacted with no page of the site open"));
    f.background("app.example", T0 + DAY, "segment.io", Some(("Twilio", "site_analytics")));
    assert_eq!(f.site("app.example").score, start - 2 * score::category_cost(Some("site_analytics")), "and again the next day");
    // The stored form keeps it, and refuses background counts beyond the totals.
    let json = f.ledger.to_json().expect("serialises");
    assert_eq!(Ledger::from_json(&json), Ok(f.ledger.clone()));
    let bad = json.replace("\"background\":{\"requests\":4", "\"background\":{\"requests\":99");
    assert_ne!(bad, json);
    assert!(matches!(Ledger::from_json(&bad), Err(LedgerError::Invalid { .. })));
}

#[test]
fn a_ledger_without_background_fields_still_reads() {
    let mut f = Feed::new();
    f.visit("a.example", "v1", T0);
    let json = f.ledger.to_json().expect("serialises");
    let old = json.replace(",\"background\":{\"requests\":0,\"trackerRequests\":0,\"cookies\":0,\"charged\":{}}", "");
    assert_ne!(old, json);
    assert_eq!(Ledger::from_json(&old), Ok(f.ledger.clone()));
}

#[test]
fn summaries_list_every_site_most_recent_first() {
    let mut f = Feed::new();
    f.visit("old.example", "v1", T0);
    f.visit("new.example", "v2", T0 + 1000);
    f.request("new.example", "v2", "criteo.com", ADS, true);
    let all = f.ledger.summaries();
    assert_eq!(all.iter().map(|s| s.site).collect::<Vec<_>>(), ["new.example", "old.example"]);
    assert_eq!((all[0].visits, all[0].tracker_requests, all[0].companies, all[0].third_parties), (1, 1, 1, 1));
    assert_eq!(all[0].score, f.site("new.example").score);
}

#[test]
fn blocked_requests_are_counted_where_they_were_asked_for_and_cost_what_asking_cost() {
    let mut f = Feed::new();
    f.visit("news.example", "v1", T0);
    f.request("news.example", "v1", "criteo.com", Some(("Criteo", "advertising")), true);
    let score = f.ledger.sites["news.example"].score;
    f.blocked("news.example", "v1", "criteo.com", ("Criteo", "advertising"));
    let s = &f.ledger.sites["news.example"];
    assert_eq!((s.requests, s.tracker_requests, s.blocked_requests), (1, 1, 1));
    assert_eq!(s.companies["Criteo"].seen.blocked, 1);
    assert_eq!(s.third_parties["criteo.com"].seen.blocked, 1);
    assert_eq!(s.recent[0].blocked, BTreeMap::from([("Criteo".to_owned(), 1)]));
    assert_eq!(s.score, score, "blocking is the person's doing: the site asked all the same");
    assert_eq!(s.changes.last().map(|c| c.reason.as_str()), Some("Criteo (advertising) tried to track this visit; blocked"));
    // Stored and read back; a ledger written before blocking existed reads with none.
    let back = Ledger::from_json(&f.ledger.to_json().expect("serialises")).expect("reads");
    assert_eq!(back, f.ledger);
    let mut old: serde_json::Value = serde_json::from_str(&f.ledger.to_json().expect("serialises")).expect("json");
    let site = &mut old["sites"]["news.example"];
    site.as_object_mut().expect("a site").remove("blockedRequests");
    site["companies"]["Criteo"]["seen"].as_object_mut().expect("a tally").remove("blocked");
    site["recent"][0].as_object_mut().expect("a visit").remove("blocked");
    let old = Ledger::from_json(&old.to_string()).expect("an older ledger reads");
    assert_eq!((old.sites["news.example"].blocked_requests, old.sites["news.example"].companies["Criteo"].seen.blocked), (0, 0));
}

#[test]
fn a_company_tracked_the_visit_once_any_of_its_requests_got_through() {
    let mut f = Feed::new();
    f.visit("news.example", "v1", T0);
    let blocked = |f: &mut Feed| f.blocked("news.example", "v1", "criteo.com", ("Criteo", "advertising"));
    let reason = |f: &Feed| f.ledger.sites["news.example"].changes.last().map(|c| c.reason.clone()).unwrap_or_default();
    f.request("news.example", "v1", "criteo.com", Some(("Criteo", "advertising")), true);
    blocked(&mut f);
    assert_eq!(reason(&f), "Criteo (advertising) tried to track this visit; blocked");
    f.request("news.example", "v1", "criteo.com", Some(("Criteo", "advertising")), true);
    assert_eq!(reason(&f), "Criteo (advertising) tracked this visit", "the second request got through");
    f.request("news.example", "v1", "criteo.com", Some(("Criteo", "advertising")), true);
    blocked(&mut f);
    assert_eq!(reason(&f), "Criteo (advertising) tracked this visit", "one of three got through");
    assert_eq!(f.ledger.sites["news.example"].changes.len(), 1, "one charge, retold");
}
