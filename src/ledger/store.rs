//! The ledger's stored and exported form: JSON with a format version. Reading validates
//! everything (unknown fields, impossible numbers, a site filed under another name) and migrates
//! older versions; an invalid file is an error naming where and why, and the caller keeps its
//! ledger. Merging an import never counts the same history twice (see [`Ledger::merge`]).
//!
//! Exported, the ledger is one JSON document. Stored in the extension, it is the same JSON cut
//! in pieces: a head (version, id, last event number) and one entry per site, so that saving
//! writes only the sites that changed, however many sites the ledger holds.

use serde::{Deserialize, Serialize};

use super::{Changed, Ledger, Site};

/// The current format version. Version history: 1 — first release.
pub const FORMAT_VERSION: u32 = 1;

/// Why a stored or imported ledger was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LedgerError {
    #[error("not a Trust Ledger ledger: {0}")]
    Json(String),
    #[error("ledger format version {0} is newer than this version of Trust Ledger reads ({FORMAT_VERSION}); update Trust Ledger")]
    TooNew(u32),
    #[error("ledger: {path}: {problem}")]
    Invalid { path: String, problem: String },
}

impl Ledger {
    /// The stored form.
    pub fn to_json(&self) -> Result<String, LedgerError> {
        serde_json::to_string(self).map_err(json_error)
    }

    /// Reads a stored or exported ledger, migrating older versions and validating it.
    pub fn from_json(json: &str) -> Result<Ledger, LedgerError> {
        let ledger: Ledger = serde_json::from_value(current(json)?).map_err(json_error)?;
        ledger.validate()?;
        // Read whole, it is stored in pieces next: every site is to be written.
        let changed = Changed(ledger.sites.keys().cloned().collect());
        Ok(Ledger { version: FORMAT_VERSION, changed, ..ledger })
    }

    /// The stored head: the ledger without its sites.
    pub fn head_json(&self) -> Result<String, LedgerError> {
        let head = Head { version: FORMAT_VERSION, id: self.id.clone(), last_seq: self.last_seq };
        serde_json::to_string(&head).map_err(json_error)
    }

    /// The sites changed since the last call, as (site, stored entry); they count as stored
    /// from then on (give them back with [`Ledger::mark_changed`] if storing failed).
    pub fn take_changed(&mut self) -> Result<Vec<(String, String)>, LedgerError> {
        let names = std::mem::take(&mut self.changed.0);
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            if let Some(site) = self.sites.get(&name) {
                out.push((name, serde_json::to_string(site).map_err(json_error)?));
            }
        }
        Ok(out)
    }

    /// Counts these sites as changed again (their entries were not stored).
    pub fn mark_changed<I: IntoIterator<Item = String>>(&mut self, sites: I) {
        self.changed.0.extend(sites.into_iter().filter(|s| self.sites.contains_key(s)));
    }

    /// Reads a ledger stored in pieces ([`Ledger::head_json`], [`Ledger::take_changed`]). A bad
    /// head is an error; a bad site entry is left out and returned with its error, the other
    /// sites are read.
    pub fn from_stored<I>(head: &str, sites: I) -> Result<(Ledger, Vec<(String, LedgerError)>), LedgerError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let head: Head = serde_json::from_value(current(head)?).map_err(json_error)?;
        let mut ledger = Ledger::new(&head.id);
        ledger.last_seq = head.last_seq;
        ledger.validate()?;
        let mut bad = Vec::new();
        for (name, json) in sites {
            let site = serde_json::from_str::<Site>(&json)
                .map_err(|e| invalid(&format!("sites.{name}"), &e.to_string()))
                .and_then(|site| validate_site(&name, &site).map(|()| site));
            match site {
                Ok(site) => {
                    ledger.sites.insert(name, site);
                }
                Err(e) => bad.push((name, e)),
            }
        }
        Ok((ledger, bad))
    }

    fn validate(&self) -> Result<(), LedgerError> {
        if self.id.is_empty() {
            return Err(invalid("id", "empty"));
        }
        self.sites.iter().try_for_each(|(name, s)| validate_site(name, s))
    }
}

/// The stored ledger's head.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Head {
    version: u32,
    id: String,
    last_seq: u64,
}

fn validate_site(name: &str, s: &Site) -> Result<(), LedgerError> {
    let at = |field: &str| format!("sites.{name}.{field}");
    if s.site != name {
        return Err(invalid(&at("site"), &format!("is {:?}, filed under {name:?}", s.site)));
    }
    if !(0..=100).contains(&s.score) {
        return Err(invalid(&at("score"), &format!("{} is outside 0–100", s.score)));
    }
    if s.first_seen > s.last_seen {
        return Err(invalid(&at("firstSeen"), "is after lastSeen"));
    }
    if s.third_party_requests > s.requests || s.tracker_requests > s.requests {
        return Err(invalid(&at("requests"), "fewer than its third-party or tracker requests"));
    }
    let b = &s.background;
    if b.requests > s.requests || b.tracker_requests > s.tracker_requests || b.cookies > s.cookies {
        return Err(invalid(&at("background"), "counts exceed the site's"));
    }
    if s.recent.len() > super::VISITS_KEPT || s.recent.iter().any(|v| v.number == 0 || v.number > s.visits) {
        return Err(invalid(&at("recent"), "visits do not fit the visit count"));
    }
    if s.changes.len() > super::CHANGES_KEPT {
        return Err(invalid(&at("changes"), "more than are kept"));
    }
    if let Some((company, _)) = s.companies.iter().find(|(_, c)| c.seen.visits > s.visits || c.seen.requests > s.tracker_requests) {
        return Err(invalid(&at(&format!("companies.{company}")), "counts exceed the site's"));
    }
    if let Some((field, problem)) = super::permissions::problem(s) {
        return Err(invalid(&at(&field), problem));
    }
    if let Some((field, problem)) = super::consent::problem(s) {
        return Err(invalid(&at(&field), problem));
    }
    Ok(())
}

impl Ledger {
    /// Merges another ledger (an import) into this one, per site:
    /// - a site only the import has is added (its visits closed: they are over here, and a clean
    ///   one earns nothing by being imported);
    /// - a site whose history already includes the import's ledger (the same profile's export,
    ///   imported again) keeps whichever record is more recent — nothing is counted twice;
    /// - a site from another profile's ledger is combined: totals add up, the most recent
    ///   visits and score changes of both are kept, and the score is the lower of the two
    ///   (trust is not earned by importing).
    ///
    /// Returns how many sites were added and combined.
    pub fn merge(&mut self, other: Ledger) -> (usize, usize) {
        let (mut added, mut combined) = (0, 0);
        for (name, theirs) in other.sites {
            self.changed.0.insert(name.clone());
            match self.sites.get_mut(&name) {
                None => {
                    // Its open visits are over here: closed as they are, earning nothing.
                    let recent = theirs.recent.into_iter().map(|v| super::Visit { closed: true, ..v }).collect();
                    self.sites.insert(name, Site { recent, ..theirs });
                    added += 1;
                }
                Some(ours) if ours.sources.intersection(&theirs.sources).next().is_some() => {
                    if theirs.last_seen > ours.last_seen || (theirs.last_seen == ours.last_seen && theirs.visits > ours.visits) {
                        let sources = ours.sources.union(&theirs.sources).cloned().collect();
                        *ours = Site { sources, ..theirs };
                        combined += 1;
                    }
                }
                Some(ours) => {
                    combine(ours, theirs);
                    combined += 1;
                }
            }
        }
        (added, combined)
    }
}

fn combine(ours: &mut Site, theirs: Site) {
    ours.first_seen = ours.first_seen.min(theirs.first_seen);
    ours.last_seen = ours.last_seen.max(theirs.last_seen);
    ours.visits += theirs.visits;
    ours.requests += theirs.requests;
    ours.third_party_requests += theirs.third_party_requests;
    ours.tracker_requests += theirs.tracker_requests;
    ours.cookies += theirs.cookies;
    ours.blocked_requests += theirs.blocked_requests;
    for (name, c) in theirs.companies {
        let o = ours
            .companies
            .entry(name)
            .or_insert_with(|| super::Company { category: None, seen: super::Tally { first_seen: u64::MAX, ..Default::default() } });
        o.category = o.category.take().or(c.category);
        o.seen.add(&c.seen);
    }
    for (name, t) in theirs.third_parties {
        let o = ours
            .third_parties
            .entry(name)
            .or_insert_with(|| super::ThirdParty { organization: None, seen: super::Tally { first_seen: u64::MAX, ..Default::default() } });
        o.organization = o.organization.take().or(t.organization);
        o.seen.add(&t.seen);
    }
    ours.score = ours.score.min(theirs.score);
    ours.changes.extend(theirs.changes);
    ours.changes.sort_by_key(|c| c.at);
    let drop = ours.changes.len().saturating_sub(super::CHANGES_KEPT);
    for old in ours.changes.drain(..drop) {
        ours.earlier_changes.0 += old.delta;
        ours.earlier_changes.1 += 1;
    }
    ours.earlier_changes.0 += theirs.earlier_changes.0;
    ours.earlier_changes.1 += theirs.earlier_changes.1;
    // The other profile's visits are renumbered after ours, in time order.
    let base = ours.visits - theirs.visits;
    ours.add_permissions(theirs.permissions, theirs.recent_asks, base);
    ours.consent.add(theirs.consent, base);
    ours.recent.extend(theirs.recent.into_iter().map(|v| super::Visit { number: base + v.number, closed: true, ..v }));
    ours.recent.sort_by_key(|v| v.started);
    let drop = ours.recent.len().saturating_sub(super::VISITS_KEPT);
    ours.recent.drain(..drop);
    ours.sources.extend(theirs.sources);
    ours.background.requests += theirs.background.requests;
    ours.background.tracker_requests += theirs.background.tracker_requests;
    ours.background.cookies += theirs.background.cookies;
    for (company, day) in theirs.background.charged {
        let o = ours.background.charged.entry(company).or_default();
        *o = (*o).max(day);
    }
    ours.background.asks += theirs.background.asks;
    let (mine, other) = (&mut ours.background.asked, theirs.background.asked);
    if other.day > mine.day {
        *mine = other;
    } else if other.day == mine.day {
        mine.charged.extend(other.charged);
        mine.probed.extend(other.probed);
    }
}

/// A stored or exported document (the whole ledger, or the stored head) as JSON of the current
/// format version: a newer version is refused, an older one migrated.
fn current(json: &str) -> Result<serde_json::Value, LedgerError> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(json_error)?;
    let version = value.get("version").and_then(serde_json::Value::as_u64).ok_or_else(|| invalid("version", "missing or not a number"))?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(LedgerError::TooNew(version as u32));
    }
    // Version 1 is the first format: later versions add their migrations here, oldest first.
    Ok(value)
}

fn json_error(e: serde_json::Error) -> LedgerError {
    LedgerError::Json(e.to_string())
}

fn invalid(path: &str, problem: &str) -> LedgerError {
    LedgerError::Invalid { path: path.to_owned(), problem: problem.to_owned() }
}
