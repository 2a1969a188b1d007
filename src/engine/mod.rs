//! The tracker engine: compiled filter lists plus tracker attribution, answering for one request
//! whether it is a tracker, which filter (list, line) decided, which exception overrode it, first
//! or third party, and which company and category are behind it.
//!
//! Layout: every filter is a fixed-size [`CFilter`] whose strings live in one arena; filters are
//! found through four indexes per kind (blocking, exception): by request host suffix (for
//! `||host^…` rules, 84 % of EasyPrivacy), by the filter's rarest URL token, by the page's domain
//! (for `$domain=` rules with no token) and a small always-checked fallback. All of it is plain
//! arrays, which is what makes the snapshot ([`snapshot`]) load in a copy.
//!
//! Decision (as adblock-rust): a request is blocked when an `$important` filter matches, or a
//! blocking filter matches and no exception does. Among several matches the deciding filter is
//! the important one, then the earliest list, then the earliest line: verdicts are deterministic.

mod build;
mod compiled;
mod describe;
pub mod snapshot;

use std::sync::OnceLock;

use regex::Regex;

pub use build::EngineBuilder;
pub(crate) use compiled::CFilter;
pub use describe::{Attribution, AttributionSource, Classification};

use crate::hash::{hash_bytes, FlatIndex, Hasher};
use crate::request::{Request, ResourceType};

pub(crate) const NONE: u32 = u32::MAX;
pub(crate) const NONE16: u16 = u16::MAX;

/// A filter list as the engine keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListInfo {
    pub name: String,
    pub title: Option<String>,
    pub version: Option<String>,
    /// Section files, with the vendor each names (index into `Trackers::vendors`, or NONE).
    pub sections: Vec<(String, u32)>,
}

/// One kind's indexes (blocking or exception).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Indexes {
    pub host: FlatIndex,
    pub token: FlatIndex,
    pub domain: FlatIndex,
    pub fallback: Vec<u32>,
}

/// A vendor attribution that comes from a list section rather than TrackerDB.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Vendor {
    pub organization: String,
    pub category: String,
}

/// A TrackerDB pattern as the engine keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TrackerPattern {
    pub id: String,
    pub name: String,
    pub category: u16,
    pub organization: u32,
}

/// Attribution data: TrackerDB (possibly empty) and list-section vendors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Trackers {
    pub version: String,
    pub categories: Vec<(String, String)>,
    pub organizations: Vec<(String, String)>,
    pub patterns: Vec<TrackerPattern>,
    /// (domain, pattern) pairs, found through `domain_index` by the domain's hash.
    pub domains: Vec<(String, u32)>,
    pub domain_index: FlatIndex,
    pub vendors: Vec<Vendor>,
}

/// The compiled engine. Immutable once built; `classify` takes `&self`.
#[derive(Debug, Default)]
pub struct Engine {
    pub(crate) lists: Vec<ListInfo>,
    pub(crate) strings: String,
    pub(crate) filters: Vec<CFilter>,
    pub(crate) domain_hashes: Vec<u32>,
    pub(crate) block: Indexes,
    pub(crate) exception: Indexes,
    /// Compiled on first use, one slot per regex filter.
    pub(crate) regexes: Vec<OnceLock<Option<Regex>>>,
    pub(crate) trackers: Trackers,
}

/// Filter id: an index into the engine's filters.
pub type FilterId = u32;

/// Who is behind a request, as a reference into the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackerRef {
    /// A TrackerDB pattern whose filter matched.
    PatternByFilter(u32),
    /// A TrackerDB pattern whose domain the request host is (or is under).
    PatternByDomain(u32),
    /// A vendor named by the section of the list the deciding filter sits in.
    Vendor(u32),
}

/// The engine's answer for one request (references; see [`Engine::describe`] for text).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// A blocking filter matched and no exception overrides it (or it is `$important`).
    pub matched: bool,
    pub important: bool,
    pub third_party: bool,
    /// The deciding blocking filter (also set when an exception overrode it).
    pub filter: Option<FilterId>,
    /// The exception that overrode `filter`.
    pub exception: Option<FilterId>,
    pub tracker: Option<TrackerRef>,
}

/// Best match so far: (not important, list, line, id); smaller wins.
type Rank = (bool, u16, u32, u32);

impl Engine {
    /// Classifies one request. `source_url` is the page or frame that made it (any string; a
    /// non-URL means an unknown page, which makes the request third party).
    pub fn classify(&self, url: &str, source_url: &str, rtype: ResourceType) -> Verdict {
        let req = Request::new(url, source_url, rtype);
        self.classify_request(&req)
    }

    /// Classifies a prepared request.
    pub fn classify_request(&self, req: &Request) -> Verdict {
        let mut verdict = Verdict { matched: false, important: false, third_party: req.third_party, filter: None, exception: None, tracker: None };
        if !req.is_supported() {
            verdict.tracker = req.host().and_then(|h| self.tracker_by_domain(h));
            return verdict;
        }
        let mut best: Option<Rank> = None;
        let mut tracker_filter: Option<(u16, u32, u32)> = None;
        self.visit(&self.block, req, |id, f| {
            let rank = (f.flags & compiled::IMPORTANT == 0, f.list, f.line, id);
            if best.is_none_or(|b| rank < b) {
                best = Some(rank);
            }
            if f.tracker != NONE {
                let t = (f.list, f.line, f.tracker);
                if tracker_filter.is_none_or(|b| t < b) {
                    tracker_filter = Some(t);
                }
            }
        });
        if let Some((not_important, _, _, id)) = best {
            verdict.filter = Some(id);
            verdict.important = !not_important;
            verdict.matched = true;
            if not_important {
                let mut best_exception: Option<(u16, u32, u32)> = None;
                self.visit(&self.exception, req, |id, f| {
                    let rank = (f.list, f.line, id);
                    if best_exception.is_none_or(|b| rank < b) {
                        best_exception = Some(rank);
                    }
                });
                if let Some((_, _, eid)) = best_exception {
                    verdict.exception = Some(eid);
                    verdict.matched = false;
                }
            }
        }
        verdict.tracker = match tracker_filter {
            Some((_, _, pattern)) => Some(TrackerRef::PatternByFilter(pattern)),
            None => req
                .host()
                .and_then(|h| self.tracker_by_domain(h))
                .or_else(|| verdict.filter.and_then(|id| self.vendor_of(id)).map(TrackerRef::Vendor)),
        };
        verdict
    }

    /// The TrackerDB pattern owning `host` or its closest parent domain.
    fn tracker_by_domain(&self, host: &str) -> Option<TrackerRef> {
        let t = &self.trackers;
        if t.domains.is_empty() {
            return None;
        }
        let mut rest = host;
        loop {
            for &entry in t.domain_index.get(hash_bytes(rest.as_bytes())) {
                let (domain, pattern) = &t.domains[entry as usize];
                if domain == rest {
                    return Some(TrackerRef::PatternByDomain(*pattern));
                }
            }
            rest = rest.split_once('.')?.1;
        }
    }

    fn vendor_of(&self, id: FilterId) -> Option<u32> {
        let f = &self.filters[id as usize];
        let list = self.lists.get(f.list as usize)?;
        let vendor = list.sections.get(usize::from(f.section))?.1;
        (vendor != NONE).then_some(vendor)
    }

    /// Calls `on_match` for every filter of `ix` that matches `req`.
    #[inline]
    fn visit(&self, ix: &Indexes, req: &Request, mut on_match: impl FnMut(u32, &CFilter)) {
        let mut test = |id: u32| {
            let f = &self.filters[id as usize];
            if self.check(f, req) {
                on_match(id, f);
            }
        };
        let lower = req.lower.as_bytes();
        let parts = req.parts.unwrap_or(crate::site::UrlParts { scheme_end: 0, host_start: 0, host_end: 0 });
        // 1. Host suffixes: `a.b.example.com`, `b.example.com`, `example.com`, `com`.
        if !ix.host.keys.is_empty() {
            let host = &lower[parts.host_start..parts.host_end];
            let mut start = 0;
            loop {
                for &id in ix.host.get(hash_bytes(&host[start..])) {
                    test(id);
                }
                match memchr::memchr(b'.', &host[start..]) {
                    Some(dot) => start += dot + 1,
                    None => break,
                }
            }
        }
        // 2. URL tokens (runs of [a-z0-9%]).
        if !ix.token.keys.is_empty() {
            let mut h = Hasher::new();
            let mut in_token = false;
            for &b in lower {
                if b.is_ascii_alphanumeric() || b == b'%' {
                    h.push(b);
                    in_token = true;
                } else if in_token {
                    for &id in ix.token.get(h.finish()) {
                        test(id);
                    }
                    h = Hasher::new();
                    in_token = false;
                }
            }
            if in_token {
                for &id in ix.token.get(h.finish()) {
                    test(id);
                }
            }
        }
        // 3. The page's domains, for `$domain=` filters with nothing else to index.
        if !ix.domain.keys.is_empty() {
            for &d in req.source_hashes().iter().chain(req.entity_hashes()) {
                for &id in ix.domain.get(d) {
                    test(id);
                }
            }
        }
        // 4. The rest.
        for &id in &ix.fallback {
            test(id);
        }
    }

    /// Number of compiled filters (blocking and exception).
    pub fn filter_count(&self) -> usize {
        self.filters.len()
    }

    /// The lists compiled in, in order.
    pub fn lists(&self) -> &[ListInfo] {
        &self.lists
    }

    /// The TrackerDB version compiled in (`"none"` without TrackerDB).
    pub fn trackerdb_version(&self) -> &str {
        &self.trackers.version
    }
}

#[cfg(test)]
mod tests;
