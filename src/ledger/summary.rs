//! The list of all sites: each site in one line.

use serde::Serialize;

use super::Ledger;

/// A site in one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteSummary<'a> {
    pub site: &'a str,
    pub score: i32,
    pub visits: u64,
    pub requests: u64,
    pub tracker_requests: u64,
    pub companies: usize,
    pub third_parties: usize,
    pub cookies: u64,
    pub first_seen: u64,
    pub last_seen: u64,
}

impl Ledger {
    /// One line per site, for the list of all sites: most recently seen first.
    pub fn summaries(&self) -> Vec<SiteSummary<'_>> {
        let mut all: Vec<SiteSummary> = self
            .sites
            .values()
            .map(|s| SiteSummary {
                site: &s.site,
                score: s.score,
                visits: s.visits,
                requests: s.requests,
                tracker_requests: s.tracker_requests,
                companies: s.companies.len(),
                third_parties: s.third_parties.len(),
                cookies: s.cookies,
                first_seen: s.first_seen,
                last_seen: s.last_seen,
            })
            .collect();
        all.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then(a.site.cmp(b.site)));
        all
    }
}
