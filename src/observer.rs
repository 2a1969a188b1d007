//! From what the browser reports to ledger events: attributes each request to its page
//! ([`crate::attribution`]), classifies it with the engine, and numbers the events. The service
//! worker persists each event before the ledger applies it (see `docs/ARCHITECTURE.md`), so the
//! numbering here is what makes replay exact. Frames' reports of permission calls are turned
//! into events by [`Observer::permission`] ([`PermissionReport`]), their reports of consent
//! dialogs, records and cookies by [`Observer::consent`] ([`ConsentReport`]).

mod consent;
mod permission;

pub use consent::{AnswerReport, ConsentBody, ConsentReport, HeuristicRole};
pub use permission::PermissionReport;

use std::collections::BTreeMap;

use crate::attribution::{Attribution, Details, Navigation, Page};
use crate::engine::Classification;
use crate::ledger::{Event, Ledger};
use crate::{Engine, ResourceType};

/// What [`Observer::attributed`] found for one report.
struct Attributed {
    page: Page,
    c: Classification,
    events: Vec<Event>,
    revealed: bool,
}

/// The engine and the attribution state, with the event counter.
pub struct Observer {
    pub engine: Engine,
    pub attribution: Attribution,
    seq: u64,
    /// Per site, the CMP categories its answer in force refused (see [`Observer::consent`]).
    refused: BTreeMap<String, Vec<String>>,
}

/// A request's events (its own, after the visit it revealed if its navigation was missed), and
/// the tab's new tracker count when it was a tracker on a shown page.
#[derive(Debug, PartialEq)]
pub struct Observed {
    pub events: Vec<Event>,
    pub badge: Option<(i64, u64)>,
}

impl Observer {
    /// `seq` is the last event number used (the ledger's, or a pending event's if higher).
    pub fn new(engine: Engine, attribution: Attribution, seq: u64) -> Observer {
        Observer { engine, attribution, seq, refused: BTreeMap::new() }
    }

    fn next(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The last event number used.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// A top-level page arrived: the visits it ended, then the new visit.
    pub fn navigated(&mut self, d: &Details, at: u64) -> Vec<Event> {
        match self.attribution.navigated(d) {
            Some(nav) => self.visit(nav, at),
            None => Vec::new(),
        }
    }

    fn visit(&mut self, nav: Navigation, at: u64) -> Vec<Event> {
        let mut events = self.leave(nav.left, at);
        let Page { site, visit, url, .. } = nav.page;
        if let Some(visit) = visit {
            let seq = self.next();
            events.push(Event::Visit { seq, at, site, visit, url });
        }
        events
    }

    /// Any other request, classified and attributed; `None` if it belongs to no site.
    pub fn request(&mut self, d: &Details, at: u64) -> Option<Observed> {
        let Attributed { page, c, mut events, revealed } = self.attributed(d, at)?;
        // A revealed visit starts the tab's badge again.
        let reset = revealed.then_some((page.tab, 0));
        let Some(domain) = c.domain else { return Some(Observed { events, badge: reset }).filter(|o| !o.events.is_empty()) };
        let tracker = is_tracker(c.matched, c.third_party, c.organization.as_deref(), c.category.as_deref());
        let badge = if tracker { self.attribution.count_tracker(&page).map(|n| (page.tab, n)) } else { reset };
        events.push(Event::Request {
            seq: self.next(),
            at,
            site: page.site,
            visit: page.visit,
            domain,
            third_party: c.third_party,
            tracker,
            organization: c.organization,
            category: c.category,
        });
        Some(Observed { events, badge })
    }

    /// A response that set cookies: its event if it is a third party's (after the visit it
    /// revealed if its navigation was missed).
    pub fn cookie(&mut self, d: &Details, at: u64) -> Vec<Event> {
        if d.kind == "main_frame" {
            return Vec::new();
        }
        let Some(Attributed { page, c, mut events, .. }) = self.attributed(d, at) else { return Vec::new() };
        let Some(domain) = c.domain.filter(|_| c.third_party) else { return events };
        events.push(Event::Cookie {
            seq: self.next(),
            at,
            site: page.site,
            visit: page.visit,
            domain,
            organization: c.organization,
            category: c.category,
        });
        events
    }

    /// A request the browser blocked (`net::ERR_BLOCKED_BY_CLIENT`): its `Blocked` event, once
    /// its `Request` event has been made (after the visit it revealed, as for any request).
    pub fn blocked(&mut self, d: &Details, at: u64) -> Vec<Event> {
        let Some(Attributed { page, c, mut events, .. }) = self.attributed(d, at) else { return Vec::new() };
        let Some(domain) = c.domain else { return events };
        events.push(Event::Blocked {
            seq: self.next(),
            at,
            site: page.site,
            visit: page.visit,
            domain,
            organization: c.organization,
            category: c.category,
        });
        events
    }

    /// A report's page and classification, with the events of the visit it revealed if that
    /// visit's navigation was missed; `None` if it belongs to no site.
    fn attributed(&mut self, d: &Details, at: u64) -> Option<Attributed> {
        let (page, nav) = self.attribution.attribute(d)?;
        let c = self.engine.classify_full(&d.url, &page.url, ResourceType::parse_lenient(&d.kind));
        let revealed = nav.is_some();
        let events = nav.map(|nav| self.visit(nav, at)).unwrap_or_default();
        Some(Attributed { page, c, events, revealed })
    }

    /// The tab was closed.
    pub fn tab_closed(&mut self, tab: i64, at: u64) -> Vec<Event> {
        let left = self.attribution.tab_closed(tab);
        self.leave(left, at)
    }

    /// The tab shows `url` now (a prerendered page may have become the tab's).
    pub fn shown(&mut self, tab: i64, url: &str, at: u64) -> Vec<Event> {
        let left = self.attribution.shown(tab, url);
        self.leave(left, at)
    }

    /// Ends the ledger's open visits that no tab shows any more (after a browser restart, the
    /// tabs are gone).
    pub fn leave_unheld(&mut self, ledger: &Ledger, at: u64) -> Vec<Event> {
        let unheld: Vec<Page> = ledger
            .open_visits()
            .into_iter()
            .filter(|(_, visit)| !self.attribution.holds(visit))
            .map(|(site, visit)| Page { site: site.to_owned(), visit: Some(visit.to_owned()), url: String::new(), tab: -1 })
            .collect();
        self.leave(unheld, at)
    }

    fn leave(&mut self, pages: Vec<Page>, at: u64) -> Vec<Event> {
        pages.into_iter().filter_map(|p| Some(Event::Leave { seq: self.next(), at, site: p.site, visit: p.visit? })).collect()
    }
}

/// A tracker request: a filter matched, or the request went to a third party that TrackerDB
/// names as a company whose category is tracking (not hosting or other infrastructure). Filter
/// lists block what breaks nothing, so they miss many requests of known trackers — Google
/// Analytics' `g/collect` beacon, Segment's API — that a person would still count as tracking.
pub fn is_tracker(matched: bool, third_party: bool, organization: Option<&str>, category: Option<&str>) -> bool {
    matched || (third_party && organization.is_some() && crate::ledger::score::category_cost(category) > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EngineBuilder;

    fn observer() -> Observer {
        let mut b = EngineBuilder::new();
        b.add_list("test", "||tracker.example^$third-party");
        Observer::new(b.build().0, Attribution::default(), 10)
    }

    fn details(url: &str, kind: &str, document: Option<&str>) -> Details {
        Details {
            url: url.into(),
            kind: kind.into(),
            request_id: "1".into(),
            time_stamp: 5.0,
            tab_id: 3,
            document_id: document.map(Into::into),
            ..Details::default()
        }
    }

    #[test]
    fn events_are_numbered_attributed_and_classified() {
        let mut o = observer();
        let events = o.navigated(&details("https://news.example/", "main_frame", None), 5);
        assert_eq!(
            events,
            [Event::Visit { seq: 11, at: 5, site: "news.example".into(), visit: "3:1:5".into(), url: "https://news.example/".into() }]
        );
        let seen = o.request(&details("https://cdn.tracker.example/t.gif", "image", Some("D")), 6).expect("observed");
        assert_eq!(seen.badge, Some((3, 1)));
        let [Event::Request { seq, site, visit, domain, third_party, tracker, .. }] = seen.events.as_slice() else { panic!("a request") };
        assert_eq!(
            (*seq, site.as_str(), visit.as_deref(), domain.as_str(), *third_party, *tracker),
            (12, "news.example", Some("3:1:5"), "tracker.example", true, true)
        );
        assert_eq!(o.cookie(&details("https://news.example/x", "xmlhttprequest", Some("D")), 7), [], "first party");
        assert!(matches!(
            o.cookie(&details("https://cdn.tracker.example/x", "image", Some("D")), 7).as_slice(),
            [Event::Cookie { seq: 13, .. }]
        ));
        assert_eq!(
            o.blocked(&details("https://cdn.tracker.example/t.gif", "image", Some("D")), 7),
            [Event::Blocked {
                seq: 14,
                at: 7,
                site: "news.example".into(),
                visit: Some("3:1:5".into()),
                domain: "tracker.example".into(),
                organization: None,
                category: None,
            }],
            "the blocked request, where its request event was"
        );
        assert_eq!(o.tab_closed(3, 8), [Event::Leave { seq: 15, at: 8, site: "news.example".into(), visit: "3:1:5".into() }]);
        assert_eq!(o.seq(), 15);
    }

    #[test]
    fn a_request_that_reveals_a_missed_navigation_brings_its_visit_events_first() {
        let mut o = observer();
        o.navigated(&details("https://news.example/", "main_frame", None), 5);
        let own = Details { initiator: Some("https://news.example".into()), ..details("https://news.example/a.js", "script", Some("N")) };
        o.request(&own, 6);
        let blog = Details {
            initiator: Some("https://blog.example".into()),
            request_id: "7".into(),
            time_stamp: 9.0,
            ..details("https://blog.example/b.css", "stylesheet", Some("B"))
        };
        let seen = o.request(&blog, 9).expect("observed");
        assert_eq!(seen.badge, Some((3, 0)), "the new page's badge starts at zero");
        assert!(matches!(
            seen.events.as_slice(),
            [Event::Leave { seq: 13, site: l, .. }, Event::Visit { seq: 14, site: v, url, .. }, Event::Request { seq: 15, site: r, .. }]
                if l == "news.example" && v == "blog.example" && url == "https://blog.example/" && r == "blog.example"
        ));
    }

    #[test]
    fn known_tracking_companies_count_without_a_filter_infrastructure_does_not() {
        assert!(is_tracker(true, false, None, None));
        assert!(is_tracker(false, true, Some("Google"), Some("site_analytics")));
        assert!(!is_tracker(false, true, Some("Google"), Some("hosting")));
        assert!(!is_tracker(false, false, Some("Adobe"), Some("site_analytics")), "first party needs a filter");
        assert!(!is_tracker(false, true, None, None));
    }

    #[test]
    fn open_visits_no_tab_holds_are_left() {
        let mut o = observer();
        let mut ledger = Ledger::new("p");
        for e in o.navigated(&details("https://news.example/", "main_frame", None), 5) {
            ledger.apply(&e);
        }
        assert!(o.leave_unheld(&ledger, 9).is_empty(), "the tab still shows it");
        let mut restarted = Observer::new(observer().engine, Attribution::default(), o.seq());
        assert_eq!(
            restarted.leave_unheld(&ledger, 9),
            [Event::Leave { seq: 12, at: 9, site: "news.example".into(), visit: "3:1:5".into() }]
        );
    }
}
