//! How one observed request or cookie changes a site's record: its totals, the visit it belongs
//! to (or its background activity when no page of it was open), and the score.

use super::{score, Company, Site, Tally, ThirdParty};

pub(super) const DAY_MS: u64 = 86_400_000;

/// How a visit's charge for a company ends: its tracking got through, or all of it was blocked.
const TRACKED: &str = " tracked this visit";
const TRIED: &str = " tried to track this visit; blocked";

/// What a request or cookie event says about the party on the other end.
pub(super) struct Seen<'a> {
    pub at: u64,
    /// Registrable domain of the request.
    pub domain: &'a str,
    pub organization: Option<&'a str>,
    pub category: Option<&'a str>,
}

impl Seen<'_> {
    /// Who is charged and counted: the organisation, or the domain when nobody is named.
    fn company(&self) -> &str {
        self.organization.unwrap_or(self.domain)
    }

    fn what(&self) -> String {
        self.category.map(|c| c.replace('_', " ")).unwrap_or_else(|| "tracking".to_owned())
    }
}

impl Site {
    /// A request, during `visit` or (with none) in the background.
    pub(super) fn request(&mut self, visit: Option<&str>, seen: &Seen, third_party: bool, tracker: bool) {
        let at = seen.at;
        let i = visit.map(|id| self.visit_mut(id, at, ""));
        self.requests += 1;
        match i {
            Some(i) => self.recent[i].requests += 1,
            None => self.background.requests += 1,
        }
        if third_party {
            self.third_party_requests += 1;
            let first_on_visit = match i {
                Some(i) => {
                    let v = &mut self.recent[i];
                    v.third_party_requests += 1;
                    let count = v.third_parties.entry(seen.domain.to_owned()).or_default();
                    *count += 1;
                    *count == 1
                }
                None => false,
            };
            let t = self
                .third_parties
                .entry(seen.domain.to_owned())
                .or_insert_with(|| ThirdParty { organization: None, seen: Tally::starting(at) });
            t.seen.requests += 1;
            t.seen.visits += u64::from(first_on_visit);
            t.seen.last_seen = at;
            if let Some(org) = seen.organization {
                t.organization = Some(org.to_owned());
            }
        }
        if !tracker {
            return;
        }
        self.tracker_requests += 1;
        let company = seen.company().to_owned();
        let first_on_visit = match i {
            Some(i) => {
                let count = self.recent[i].trackers.entry(company.clone()).or_default();
                *count += 1;
                *count == 1
            }
            None => {
                self.background.tracker_requests += 1;
                false
            }
        };
        let c = self.companies.entry(company.clone()).or_insert_with(|| Company { category: None, seen: Tally::starting(at) });
        c.seen.requests += 1;
        c.seen.visits += u64::from(first_on_visit);
        c.seen.last_seen = at;
        if let Some(category) = seen.category {
            c.category = Some(category.to_owned());
        }
        self.consent_tracker(i, at, &company, seen.category);

        let mut cost = score::category_cost(seen.category);
        if !third_party {
            cost = (cost + 1) / 2;
        }
        let party = if third_party { "" } else { ", first party" };
        match i {
            // Once per visit, at the most telling category the company showed on it.
            Some(i) => {
                let already = self.recent[i].charged.get(&company).copied().unwrap_or(0);
                if cost > already {
                    self.recent[i].charged.insert(company.clone(), cost);
                    let reason = format!("{company} ({}{party}){TRACKED}", seen.what());
                    let amends = (already > 0).then(|| format!("{company} ("));
                    self.charge(i, at, cost - already, reason, amends.as_deref());
                }
                self.retell(i, &company);
            }
            // Once a day, with no visit to cap it.
            None => {
                let day = at / DAY_MS;
                if cost > 0 && self.background.charged.get(&company) != Some(&day) {
                    self.background.charged.insert(company.clone(), day);
                    let reason = format!("{company} ({}{party}) was contacted with no page of the site open", seen.what());
                    self.change(0, at, -cost, reason);
                }
            }
        }
    }

    /// A third-party cookie, during `visit` or in the background.
    pub(super) fn cookie(&mut self, visit: Option<&str>, seen: &Seen) {
        let at = seen.at;
        let i = visit.map(|id| self.visit_mut(id, at, ""));
        self.cookies += 1;
        match i {
            Some(i) => *self.recent[i].cookies.entry(seen.domain.to_owned()).or_default() += 1,
            None => self.background.cookies += 1,
        }
        let t = self
            .third_parties
            .entry(seen.domain.to_owned())
            .or_insert_with(|| ThirdParty { organization: None, seen: Tally::starting(at) });
        t.seen.cookies += 1;
        t.seen.last_seen = at;
        let Some(org) = seen.organization else { return };
        t.organization = Some(org.to_owned());
        if let Some(c) = self.companies.get_mut(org) {
            c.seen.cookies += 1;
        }
        let reason = format!("{org} set a third-party cookie ({})", seen.domain);
        match i {
            Some(i) if score::category_cost(seen.category) > 0 => self.charge(i, at, score::COOKIE_COST, reason, None),
            // In the background the company's daily charge covers its cookies.
            _ => {}
        }
    }

    /// A request the browser blocked: counted as blocked for its visit, company and third
    /// party. The request itself was counted (and charged) by its `Request` event: the site
    /// asked for it all the same.
    pub(super) fn blocked(&mut self, visit: Option<&str>, seen: &Seen) {
        let at = seen.at;
        self.blocked_requests += 1;
        let company = seen.company().to_owned();
        if let Some(i) = visit.map(|id| self.visit_mut(id, at, "")) {
            *self.recent[i].blocked.entry(company.clone()).or_default() += 1;
            self.retell(i, &company);
        }
        if let Some(c) = self.companies.get_mut(&company) {
            c.seen.blocked += 1;
        }
        if let Some(t) = self.third_parties.get_mut(seen.domain) {
            t.seen.blocked += 1;
        }
    }

    /// Says of a visit's charge for `company` whether its tracking got through: "tracked this
    /// visit" while any of its tracker requests on the visit went out, "tried to track this
    /// visit; blocked" while all were blocked. Each request's `Blocked` event follows its
    /// `Request`, so the reason is right after every event.
    fn retell(&mut self, i: usize, company: &str) {
        let v = &self.recent[i];
        let all_blocked = v.blocked.get(company).copied().unwrap_or(0) >= v.trackers.get(company).copied().unwrap_or(0);
        let (from, to) = if all_blocked { (TRACKED, TRIED) } else { (TRIED, TRACKED) };
        let (number, prefix) = (v.number, format!("{company} ("));
        let Some(c) = self.changes.iter_mut().rev().find(|c| c.visit == number && c.reason.starts_with(&prefix)) else { return };
        if let Some(stem) = c.reason.strip_suffix(from) {
            c.reason = format!("{stem}{to}");
        }
    }
}
