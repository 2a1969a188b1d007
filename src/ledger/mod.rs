//! The per-site trust ledger: what each site (registrable domain) did with the person, visit by
//! visit and in total, and a trust score with its reasons ([`score`]).
//!
//! The browser side turns what it observes into [`Event`]s, each with a sequence number, and
//! persists them before they count; [`Ledger::apply`] ignores a sequence number it has already
//! applied, so replaying the persisted tail after the service worker was killed loses nothing and
//! counts nothing twice. Totals are exact forever; visit details and score reasons are kept for
//! the most recent visits and changes only ([`VISITS_KEPT`], [`CHANGES_KEPT`]), the older ones
//! folded into totals. Permission prompts and probes are kept per capability ([`permissions`]),
//! consent dialogs' receipts and what the site's consent record says of them in [`consent`].
//! The stored form is versioned (`store`, `docs/ledger-format.md`).

pub mod consent;
pub mod permissions;
mod record;
pub mod score;
mod store;
mod summary;

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use consent::{ConsentHow, ConsentLog, ConsentOutcome, Receipt, ReceiptChoice, RECEIPTS_KEPT};
pub use permissions::{Ask, Asked, PermissionOutcome, PermissionTally, ASKS_KEPT};
pub use store::{LedgerError, FORMAT_VERSION};
pub use summary::SiteSummary;

/// Visits kept in detail per site.
pub const VISITS_KEPT: usize = 20;
/// Score changes kept per site (older ones are summed into `earlier_changes`).
pub const CHANGES_KEPT: usize = 100;

/// Something the browser saw, already attributed to the top-level site of its tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum Event {
    /// A top-level navigation started a visit to `site`. `visit` is the browser's id for it
    /// (unique across sites), `url` the page.
    Visit { seq: u64, at: u64, site: String, visit: String, url: String },
    /// A request made during a visit (by the page, its frames or workers), or, with no `visit`,
    /// by the site while none of its pages was open (its service worker, say).
    Request {
        seq: u64,
        at: u64,
        site: String,
        #[serde(default)]
        visit: Option<String>,
        /// Registrable domain of the request.
        domain: String,
        third_party: bool,
        /// A tracker request (`crate::observer::is_tracker`): a filter matched, or TrackerDB names
        /// the third party as a tracking company.
        tracker: bool,
        organization: Option<String>,
        category: Option<String>,
    },
    /// A third party set a cookie (`Set-Cookie` on a third-party response); `visit` as for
    /// requests.
    Cookie {
        seq: u64,
        at: u64,
        site: String,
        #[serde(default)]
        visit: Option<String>,
        domain: String,
        organization: Option<String>,
        category: Option<String>,
    },
    /// A request the browser blocked by the person's terms (declarativeNetRequest), after its
    /// `Request` event was counted: the site asked for it, and it never left the device.
    Blocked {
        seq: u64,
        at: u64,
        site: String,
        #[serde(default)]
        visit: Option<String>,
        domain: String,
        organization: Option<String>,
        category: Option<String>,
    },
    /// A visit ended: its tab went to another page or was closed, or the browser restarted.
    Leave { seq: u64, at: u64, site: String, visit: String },
    /// A frame of the page called an API that prompts for a permission, or read a permission's
    /// state (`probe`); `visit` as for requests. What the browser said of the frame, never what
    /// the page said.
    Permission {
        seq: u64,
        at: u64,
        site: String,
        #[serde(default)]
        visit: Option<String>,
        /// The frame's origin, `scheme://host[:port]`.
        origin: String,
        /// The frame's registrable domain is not the page's site.
        third_party_frame: bool,
        /// The permission's name, as `navigator.permissions.query` names it.
        capability: String,
        /// The API called, such as `Notification.requestPermission`.
        call: String,
        /// A read of the state, no prompt (`navigator.permissions.query`).
        probe: bool,
        /// The frame had transient user activation at the call.
        activation: bool,
        outcome: PermissionOutcome,
        /// The person's terms denied it without a prompt.
        by_terms: bool,
    },
    /// A consent dialog of the page, in a frame of `origin` (as for permissions), was answered,
    /// failed to be, was a pay-or-consent wall or was not shown: its receipt.
    Consent {
        seq: u64,
        at: u64,
        site: String,
        #[serde(default)]
        visit: Option<String>,
        origin: String,
        third_party_frame: bool,
        receipt: Receipt,
    },
    /// The site's consent record (its TC string), read in a frame of `origin` and checked
    /// against the person's terms.
    ConsentCheck {
        seq: u64,
        at: u64,
        site: String,
        #[serde(default)]
        visit: Option<String>,
        origin: String,
        check: crate::consent::verify::TcCheck,
    },
    /// The site's Global Privacy Platform string, read in a frame of `origin` and checked
    /// against the person's terms (`crate::consent::gpp::check`).
    ConsentGpp {
        seq: u64,
        at: u64,
        site: String,
        #[serde(default)]
        visit: Option<String>,
        origin: String,
        check: crate::consent::gpp::GppCheck,
    },
    /// The page has a known tracking cookie (`crate::consent::cookies`) of a category the
    /// site's answer in force refused.
    ConsentCookie {
        seq: u64,
        at: u64,
        site: String,
        #[serde(default)]
        visit: Option<String>,
        name: String,
        company: String,
        /// Its CMP category's key (`statistics`).
        category: String,
    },
}

impl Event {
    pub fn seq(&self) -> u64 {
        match self {
            Event::Visit { seq, .. }
            | Event::Request { seq, .. }
            | Event::Cookie { seq, .. }
            | Event::Blocked { seq, .. }
            | Event::Leave { seq, .. }
            | Event::Permission { seq, .. }
            | Event::Consent { seq, .. }
            | Event::ConsentCheck { seq, .. }
            | Event::ConsentGpp { seq, .. }
            | Event::ConsentCookie { seq, .. } => *seq,
        }
    }
}

/// How much of something a site showed, in total.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tally {
    pub requests: u64,
    /// Visits it was seen on.
    pub visits: u64,
    pub cookies: u64,
    /// Requests the browser blocked by the person's terms (counted in `requests` too).
    #[serde(default)]
    pub blocked: u64,
    pub first_seen: u64,
    pub last_seen: u64,
}

impl Tally {
    fn starting(at: u64) -> Tally {
        Tally { first_seen: at, last_seen: at, ..Tally::default() }
    }

    /// Adds another profile's tally of the same thing.
    pub(crate) fn add(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.visits += other.visits;
        self.cookies += other.cookies;
        self.blocked += other.blocked;
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
    }
}

/// A company seen tracking on a site.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Company {
    pub category: Option<String>,
    pub seen: Tally,
}

/// A third-party domain contacted from a site.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ThirdParty {
    pub organization: Option<String>,
    pub seen: Tally,
}

/// One visit, in detail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Visit {
    pub id: String,
    /// 1 for the site's first visit.
    pub number: u64,
    pub started: u64,
    pub url: String,
    pub requests: u64,
    pub third_party_requests: u64,
    /// Requests to trackers, by company.
    pub trackers: BTreeMap<String, u64>,
    /// Requests, by third-party domain.
    pub third_parties: BTreeMap<String, u64>,
    /// Third-party cookies set, by domain.
    pub cookies: BTreeMap<String, u64>,
    /// Requests blocked by the person's terms, by company (or domain when nobody is named).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub blocked: BTreeMap<String, u64>,
    /// Permission asks (not probes) made on this visit.
    #[serde(default)]
    pub asks: u64,
    /// What the visit probed and was charged for as broken promises.
    #[serde(default, skip_serializing_if = "Asked::is_empty")]
    pub asked: Asked,
    /// The consent charges and bonus of this visit, each once (`record`, `cookie:COMPANY`,
    /// `honoured`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consent: Vec<String>,
    /// What tracking cost this visit so far (capped at `score::VISIT_CAP`).
    pub cost: i32,
    /// What each company was charged on this visit: a company is charged once per visit, at the
    /// cost of the most telling category it showed (a tag manager first, then analytics, costs
    /// as analytics).
    pub charged: BTreeMap<String, i32>,
    /// Closed visits are final: a newer visit started, or it left the detailed window.
    pub closed: bool,
}

/// Everything known about one site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Site {
    pub site: String,
    pub first_seen: u64,
    pub last_seen: u64,
    pub visits: u64,
    pub requests: u64,
    pub third_party_requests: u64,
    pub tracker_requests: u64,
    pub cookies: u64,
    /// Requests the browser blocked by the person's terms (counted in `requests` too).
    #[serde(default)]
    pub blocked_requests: u64,
    pub companies: BTreeMap<String, Company>,
    pub third_parties: BTreeMap<String, ThirdParty>,
    pub score: i32,
    /// The latest score changes, oldest first.
    pub changes: Vec<score::ScoreChange>,
    /// Sum and count of the changes no longer listed.
    pub earlier_changes: (i32, u64),
    /// The latest visits, oldest first.
    pub recent: Vec<Visit>,
    /// Ledgers (by id) whose history this record holds, for merging imports.
    pub sources: BTreeSet<String>,
    /// What the site did while none of its pages was open (counted in the totals too).
    #[serde(default)]
    pub background: Background,
    /// Permission asks and probes, by capability, in total.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub permissions: BTreeMap<String, PermissionTally>,
    /// The latest permission asks and probes, oldest first (at most [`ASKS_KEPT`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent_asks: Vec<Ask>,
    /// Consent dialogs, receipts and records.
    #[serde(default, skip_serializing_if = "ConsentLog::is_empty")]
    pub consent: ConsentLog,
}

/// A site's activity with no page open: its service worker, say, contacting a tracker.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Background {
    pub requests: u64,
    pub tracker_requests: u64,
    pub cookies: u64,
    /// The day (days since the Unix epoch) each company was last charged for: a company is
    /// charged at most once a day for background tracking.
    pub charged: BTreeMap<String, u64>,
    /// Permission asks (not probes) made with no page open.
    #[serde(default, skip_serializing_if = "permissions::is_zero")]
    pub asks: u64,
    /// What the background probed and was charged for as broken promises, that day.
    #[serde(default, skip_serializing_if = "Asked::is_empty")]
    pub asked: Asked,
}

impl Site {
    fn new(site: &str, at: u64, source: &str) -> Site {
        Site {
            site: site.to_owned(),
            first_seen: at,
            last_seen: at,
            visits: 0,
            requests: 0,
            third_party_requests: 0,
            tracker_requests: 0,
            cookies: 0,
            blocked_requests: 0,
            companies: BTreeMap::new(),
            third_parties: BTreeMap::new(),
            score: score::START,
            changes: Vec::new(),
            earlier_changes: (0, 0),
            recent: Vec::new(),
            sources: BTreeSet::from([source.to_owned()]),
            background: Background::default(),
            permissions: BTreeMap::new(),
            recent_asks: Vec::new(),
            consent: ConsentLog::default(),
        }
    }

    fn change(&mut self, visit: u64, at: u64, delta: i32, reason: String) {
        let applied = score::apply(&mut self.score, delta);
        if applied == 0 && delta != 0 && self.changes.last().is_some_and(|c| c.reason == reason) {
            return; // at a bound, and already said
        }
        self.changes.push(score::ScoreChange { visit, at, delta: applied, reason });
        if self.changes.len() > CHANGES_KEPT {
            let old = self.changes.remove(0);
            self.earlier_changes.0 += old.delta;
            self.earlier_changes.1 += 1;
        }
    }

    /// Closes the open visits `which` selects: a clean one (no tracking cost, no broken promise;
    /// a consent record's bonus is none) earns its bonus.
    fn close_visits(&mut self, at: u64, which: impl Fn(&Visit) -> bool) {
        let mut earned = Vec::new();
        for v in self.recent.iter_mut().filter(|v| !v.closed && which(v)) {
            v.closed = true;
            if v.cost == 0 && v.asked.charged.is_empty() && v.consent.iter().all(|k| k == consent::HONOURED) {
                earned.push(v.number);
            }
        }
        for number in earned {
            self.change(number, at, score::CLEAN_VISIT, "A visit without tracking".to_owned());
        }
    }

    fn visit_mut(&mut self, id: &str, at: u64, url: &str) -> usize {
        if let Some(i) = self.recent.iter().position(|v| v.id == id) {
            return i;
        }
        self.visits += 1;
        self.close_visits(at, |_| true);
        self.recent.push(Visit { id: id.to_owned(), number: self.visits, started: at, url: url.to_owned(), ..Visit::default() });
        if self.recent.len() > VISITS_KEPT {
            self.recent.remove(0);
        }
        self.recent.len() - 1
    }

    /// Charges a visit for a tracking company or cookie, within the visit's cap. With `amends`,
    /// the visit's latest change whose reason starts so is amended instead of adding one (a
    /// company seen again in a costlier category: one line, at the higher cost).
    fn charge(&mut self, i: usize, at: u64, cost: i32, reason: String, amends: Option<&str>) {
        let v = &mut self.recent[i];
        let cost = cost.min(score::VISIT_CAP - v.cost).max(0);
        if cost == 0 {
            return;
        }
        v.cost += cost;
        let number = v.number;
        let amended = amends.and_then(|prefix| self.changes.iter().rposition(|c| c.visit == number && c.reason.starts_with(prefix)));
        match amended {
            Some(k) => {
                let applied = score::apply(&mut self.score, -cost);
                let c = &mut self.changes[k];
                c.delta += applied;
                c.reason = reason;
            }
            None => self.change(number, at, -cost, reason),
        }
    }
}

/// All sites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ledger {
    pub version: u32,
    /// This browser profile's ledger id (set once, at install).
    pub id: String,
    /// The last event sequence number applied.
    pub last_seq: u64,
    pub sites: BTreeMap<String, Site>,
    /// Sites changed since they were last stored ([`Ledger::take_changed`]).
    #[serde(skip)]
    changed: Changed,
}

/// Names of changed sites: bookkeeping for storage, not part of the ledger's content (two
/// ledgers with the same sites are equal whatever was saved of them).
#[derive(Clone, Debug, Default, Eq)]
struct Changed(BTreeSet<String>);

impl PartialEq for Changed {
    fn eq(&self, _: &Changed) -> bool {
        true
    }
}

impl Ledger {
    pub fn new(id: &str) -> Ledger {
        Ledger { version: FORMAT_VERSION, id: id.to_owned(), last_seq: 0, sites: BTreeMap::new(), changed: Changed::default() }
    }

    /// Applies an event; returns false (and changes nothing) if its sequence number was already
    /// applied.
    pub fn apply(&mut self, event: &Event) -> bool {
        if event.seq() <= self.last_seq {
            return false;
        }
        self.last_seq = event.seq();
        match event {
            Event::Visit { at, site, visit, url, .. } => {
                self.site_mut(site, *at).visit_mut(visit, *at, url);
            }
            Event::Request { at, site, visit, domain, third_party, tracker, organization, category, .. } => {
                let seen = record::Seen { at: *at, domain, organization: organization.as_deref(), category: category.as_deref() };
                self.site_mut(site, *at).request(visit.as_deref(), &seen, *third_party, *tracker);
            }
            Event::Cookie { at, site, visit, domain, organization, category, .. } => {
                let seen = record::Seen { at: *at, domain, organization: organization.as_deref(), category: category.as_deref() };
                self.site_mut(site, *at).cookie(visit.as_deref(), &seen);
            }
            Event::Blocked { at, site, visit, domain, organization, category, .. } => {
                let seen = record::Seen { at: *at, domain, organization: organization.as_deref(), category: category.as_deref() };
                self.site_mut(site, *at).blocked(visit.as_deref(), &seen);
            }
            Event::Permission { at, site, visit, .. } => {
                if let Some(ask) = Ask::of(event) {
                    self.site_mut(site, *at).permission(visit.as_deref(), ask);
                }
            }
            Event::Consent { at, site, visit, receipt, .. } => {
                self.site_mut(site, *at).consent_receipt(visit.as_deref(), Receipt { at: *at, ..receipt.clone() });
            }
            Event::ConsentCheck { at, site, visit, check, .. } => {
                self.site_mut(site, *at).consent_check(visit.as_deref(), *at, check);
            }
            Event::ConsentGpp { at, site, visit, check, .. } => {
                self.site_mut(site, *at).consent_gpp(visit.as_deref(), *at, check);
            }
            Event::ConsentCookie { at, site, visit, name, company, category, .. } => {
                self.site_mut(site, *at).consent_cookie(visit.as_deref(), *at, name, company, category);
            }
            Event::Leave { at, site, visit, .. } => {
                if let Some(s) = self.sites.get_mut(site) {
                    s.close_visits(*at, |v| &v.id == visit);
                    self.changed.0.insert(site.clone());
                }
            }
        }
        true
    }

    fn site_mut(&mut self, site: &str, at: u64) -> &mut Site {
        if !self.changed.0.contains(site) {
            self.changed.0.insert(site.to_owned());
        }
        let s = match self.sites.entry(site.to_owned()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(Site::new(site, at, &self.id)),
        };
        s.last_seen = s.last_seen.max(at);
        s
    }

    /// The visits not yet closed, as (site, visit id): after a browser restart, those no tab
    /// shows any more are closed with [`Event::Leave`].
    pub fn open_visits(&self) -> Vec<(&str, &str)> {
        self.sites.values().flat_map(|s| s.recent.iter().filter(|v| !v.closed).map(move |v| (s.site.as_str(), v.id.as_str()))).collect()
    }
}

#[cfg(test)]
mod consent_store_tests;
#[cfg(test)]
mod consent_tests;
#[cfg(test)]
mod permission_tests;
#[cfg(test)]
mod tests;
