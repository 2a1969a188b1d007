//! The per-site trust ledger: what each site (registrable domain) did with the person, visit by
//! visit and in total, and a trust score with its reasons ([`score`]).
//!
//! The browser side turns what it observes into [`Event`]s, each with a sequence number, and
//! persists them before they count; [`Ledger::apply`] ignores a sequence number it has already
//! applied, so replaying the persisted tail after the service worker was killed loses nothing and
//! counts nothing twice. Totals are exact forever; visit details and score reasons are kept for
//! the most recent visits and changes only ([`VISITS_KEPT`], [`CHANGES_KEPT`]), the older ones
//! folded into totals. The stored form is versioned (`store`, `docs/ledger-format.md`).

pub mod score;
mod store;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use store::{LedgerError, FORMAT_VERSION};

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
    /// A request made during a visit (by the page, its frames or workers).
    Request {
        seq: u64,
        at: u64,
        site: String,
        visit: String,
        /// Registrable domain of the request.
        domain: String,
        third_party: bool,
        /// The engine matched a blocking filter.
        tracker: bool,
        organization: Option<String>,
        category: Option<String>,
    },
    /// A third party set a cookie (`Set-Cookie` on a third-party response).
    Cookie { seq: u64, at: u64, site: String, visit: String, domain: String, organization: Option<String>, category: Option<String> },
}

impl Event {
    pub fn seq(&self) -> u64 {
        match self {
            Event::Visit { seq, .. } | Event::Request { seq, .. } | Event::Cookie { seq, .. } => *seq,
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
            companies: BTreeMap::new(),
            third_parties: BTreeMap::new(),
            score: score::START,
            changes: Vec::new(),
            earlier_changes: (0, 0),
            recent: Vec::new(),
            sources: BTreeSet::from([source.to_owned()]),
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

    /// Closes the open visits `which` selects: a clean one earns its bonus.
    fn close_visits(&mut self, at: u64, which: impl Fn(&Visit) -> bool) {
        let mut earned = Vec::new();
        for v in self.recent.iter_mut().filter(|v| !v.closed && which(v)) {
            v.closed = true;
            if v.cost == 0 {
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

    /// Charges a visit for a tracking company or cookie, within the visit's cap.
    fn charge(&mut self, i: usize, at: u64, cost: i32, reason: String) {
        let v = &mut self.recent[i];
        let cost = cost.min(score::VISIT_CAP - v.cost).max(0);
        if cost > 0 {
            v.cost += cost;
            let number = v.number;
            self.change(number, at, -cost, reason);
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
}

impl Ledger {
    pub fn new(id: &str) -> Ledger {
        Ledger { version: FORMAT_VERSION, id: id.to_owned(), last_seq: 0, sites: BTreeMap::new() }
    }

    /// Applies an event; returns false (and changes nothing) if its sequence number was already
    /// applied.
    pub fn apply(&mut self, event: &Event) -> bool {
        if event.seq() <= self.last_seq {
            return false;
        }
        self.last_seq = event.seq();
        let source = self.id.clone();
        match event {
            Event::Visit { at, site, visit, url, .. } => {
                let s = self.sites.entry(site.clone()).or_insert_with(|| Site::new(site, *at, &source));
                s.last_seen = s.last_seen.max(*at);
                s.visit_mut(visit, *at, url);
            }
            Event::Request { at, site, visit, domain, third_party, tracker, organization, category, .. } => {
                let s = self.sites.entry(site.clone()).or_insert_with(|| Site::new(site, *at, &source));
                s.last_seen = s.last_seen.max(*at);
                let i = s.visit_mut(visit, *at, "");
                s.requests += 1;
                s.recent[i].requests += 1;
                if *third_party {
                    s.third_party_requests += 1;
                    s.recent[i].third_party_requests += 1;
                    let first_on_visit = !s.recent[i].third_parties.contains_key(domain);
                    *s.recent[i].third_parties.entry(domain.clone()).or_default() += 1;
                    let t = s
                        .third_parties
                        .entry(domain.clone())
                        .or_insert_with(|| ThirdParty { organization: None, seen: Tally::starting(*at) });
                    t.seen.requests += 1;
                    t.seen.visits += u64::from(first_on_visit);
                    t.seen.last_seen = *at;
                    if organization.is_some() {
                        t.organization.clone_from(organization);
                    }
                }
                if *tracker {
                    s.tracker_requests += 1;
                    let company = organization.clone().unwrap_or_else(|| domain.clone());
                    let first_on_visit = !s.recent[i].trackers.contains_key(&company);
                    *s.recent[i].trackers.entry(company.clone()).or_default() += 1;
                    let c = s.companies.entry(company.clone()).or_insert_with(|| Company { category: None, seen: Tally::starting(*at) });
                    c.seen.requests += 1;
                    c.seen.visits += u64::from(first_on_visit);
                    c.seen.last_seen = *at;
                    if category.is_some() {
                        c.category.clone_from(category);
                    }
                    let mut cost = score::category_cost(category.as_deref());
                    if !*third_party {
                        cost = (cost + 1) / 2;
                    }
                    let already = s.recent[i].charged.get(&company).copied().unwrap_or(0);
                    if cost > already {
                        s.recent[i].charged.insert(company.clone(), cost);
                        let what = category.as_deref().map(|c| c.replace('_', " ")).unwrap_or_else(|| "tracking".to_owned());
                        let party = if *third_party { "" } else { ", first party" };
                        s.charge(i, *at, cost - already, format!("{company} ({what}{party}) tracked this visit"));
                    }
                }
            }
            Event::Cookie { at, site, visit, domain, organization, category, .. } => {
                let s = self.sites.entry(site.clone()).or_insert_with(|| Site::new(site, *at, &source));
                s.last_seen = s.last_seen.max(*at);
                let i = s.visit_mut(visit, *at, "");
                s.cookies += 1;
                *s.recent[i].cookies.entry(domain.clone()).or_default() += 1;
                let t =
                    s.third_parties.entry(domain.clone()).or_insert_with(|| ThirdParty { organization: None, seen: Tally::starting(*at) });
                t.seen.cookies += 1;
                t.seen.last_seen = *at;
                if let Some(org) = organization {
                    t.organization = Some(org.clone());
                    if let Some(c) = s.companies.get_mut(org) {
                        c.seen.cookies += 1;
                    }
                    if category.as_deref().is_some_and(|c| score::category_cost(Some(c)) > 0) {
                        s.charge(i, *at, score::COOKIE_COST, format!("{org} set a third-party cookie ({domain})"));
                    }
                }
            }
        }
        true
    }

    /// Closes open visits older than `before` (ms): their clean-visit bonus is earned then.
    pub fn close_visits_before(&mut self, before: u64, now: u64) {
        for s in self.sites.values_mut() {
            s.close_visits(now, |v| v.started < before);
        }
    }
}

#[cfg(test)]
mod tests;
