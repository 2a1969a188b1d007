//! The tracker engine: compiled filter lists plus tracker attribution, answering for one request
//! whether it is a tracker, which filter (list, line) decided, which exception overrode it, first
//! or third party, and which company and category are behind it.
//!
//! Layout, chosen so that the snapshot loads as a copy and stays smaller than the lists:
//! - **arena**: the filters' texts, one line per line of their list (an empty line for a comment
//!   or a skipped line), so a filter's list, line number and section follow from its offset;
//! - **filters**: 8-byte records ([`CFilter`]) whose pattern is a slice of their own text;
//! - **groups**: blocking and exception filters, each ordered by the index that finds them —
//!   by request host suffix (`||host^…`, 84 % of EasyPrivacy), by the filter's rarest URL token,
//!   by the page's domain (`$domain=` rules with no token), by a 3-byte literal they contain, and
//!   a small always-checked rest — so the host and token indexes are just the sorted keys of a
//!   contiguous run of filter ids;
//! - small side tables for the few filters with `$domain=`, a regex, a TrackerDB pattern, or a
//!   pattern that is not a slice of their text.
//!
//! Decision (as adblock-rust): a request is blocked when an `$important` filter matches, or a
//! blocking filter matches and no exception does. Among several matches the deciding filter is
//! the important one, then the earliest list, then the earliest line: verdicts are deterministic.

mod build;
mod compiled;
mod describe;
mod dnr;
mod lookup;
pub mod snapshot;
mod tokens;

use std::sync::OnceLock;

use regex::Regex;

pub use build::{EngineBuilder, TRACKERDB_LIST};
pub(crate) use compiled::CFilter;
pub use describe::{Attribution, AttributionSource, Classification, FilterInfo};
pub use dnr::CategoryFilter;

use crate::hash::KeyDir;
use crate::request::{Request, ResourceType};

pub(crate) const NONE: u32 = u32::MAX;

/// A filter list as the engine keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListInfo {
    pub name: String,
    pub title: Option<String>,
    pub version: Option<String>,
    /// Where the list's lines start in the arena.
    pub(crate) start: u32,
    /// Arena offset of lines 1, 1 + LINE_MARK, 1 + 2·LINE_MARK, …
    pub(crate) line_marks: Vec<u32>,
    /// Sections in order: (arena offset where it starts, section file, vendor or NONE).
    pub(crate) sections: Vec<(u32, String, u32)>,
}

/// Every `LINE_MARK`-th line's offset is kept; a line number costs at most that many lines' scan.
pub(crate) const LINE_MARK: usize = 64;

/// A run of filter ids found by key: ids `first + i` for each key entry `i`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct KeyedRun {
    pub first: u32,
    pub keys: KeyDir,
}

/// Filters found by a key that is not their own order: the page's domain (one filter may sit
/// under several) or a literal's 3-gram.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DomainIndex {
    pub keys: KeyDir,
    pub ids: Vec<u32>,
}

/// One kind's filters (blocking or exception) and how to find them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Group {
    pub host: KeyedRun,
    pub token: KeyedRun,
    /// One mask per token-run filter: a bit per complete token it needs (see `token_bit`).
    pub token_masks: Vec<u32>,
    /// One per token-run filter: where its key token starts in its pattern, when nothing before
    /// it can stretch (no `*`, no anchor), so a match must start that far before the URL's token;
    /// `NO_OFFSET` otherwise.
    pub token_offsets: Vec<u16>,
    pub domain: DomainIndex,
    /// Filters with no complete token, found by a 3-byte literal they contain (see `lookup`).
    pub gram: DomainIndex,
    /// A bit per first two bytes of each 3-gram of `gram` (see `gram_bit`): most positions of a
    /// URL are rejected here.
    pub gram_bits: Vec<u64>,
    /// Ids `fallback.0 .. fallback.0 + fallback.1`, checked for every request.
    pub fallback: (u32, u32),
}

/// A vendor attribution that comes from a list section rather than TrackerDB.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Vendor {
    pub organization: String,
    pub category: String,
}

/// A string in `Trackers::arena`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Str {
    pub off: u32,
    pub len: u32,
}

/// A TrackerDB pattern as the engine keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TrackerPattern {
    pub id: Str,
    pub name: Str,
    pub category: u16,
    pub organization: u32,
}

/// Attribution data: TrackerDB (possibly empty) and list-section vendors. TrackerDB's strings
/// live in one arena (thousands of small strings would cost more in headers than in text).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Trackers {
    pub version: String,
    pub arena: String,
    /// (id, name)
    pub categories: Vec<(Str, Str)>,
    /// (id, name)
    pub organizations: Vec<(Str, Str)>,
    pub patterns: Vec<TrackerPattern>,
    /// (domain, pattern) sorted by the domain's hash, found through `domain_keys`.
    pub domains: Vec<(Str, u32)>,
    pub domain_keys: KeyDir,
    pub vendors: Vec<Vendor>,
}

impl Trackers {
    /// A string of the arena (empty if out of range, which a validated snapshot excludes).
    #[inline]
    pub fn s(&self, s: Str) -> &str {
        self.arena.get(s.off as usize..(s.off + s.len) as usize).unwrap_or("")
    }

    /// Appends a string, or finds it already there (names repeat: a pattern is often named
    /// like its organisation).
    pub fn add(&mut self, s: &str) -> Str {
        let off = match memchr::memmem::find(self.arena.as_bytes(), s.as_bytes()) {
            Some(at) if self.arena.is_char_boundary(at) && self.arena.is_char_boundary(at + s.len()) => at,
            _ => {
                self.arena.push_str(s);
                self.arena.len() - s.len()
            }
        };
        Str { off: off as u32, len: s.len() as u32 }
    }
}

/// `$domain=` of one filter: hashes `start .. start + include + exclude` of `domain_hashes`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DomainRef {
    pub id: u32,
    pub start: u32,
    pub include: u16,
    pub exclude: u16,
}

/// The compiled engine. Immutable once built; `classify` takes `&self`.
#[derive(Debug, Default)]
pub struct Engine {
    pub(crate) arena: String,
    pub(crate) lists: Vec<ListInfo>,
    pub(crate) filters: Vec<CFilter>,
    pub(crate) groups: [Group; 2],
    /// Sorted by id.
    pub(crate) domain_refs: Vec<DomainRef>,
    pub(crate) domain_hashes: Vec<u32>,
    /// Patterns that are not a slice of their filter's text: (id, offset, length) in `ext_arena`,
    /// sorted by id.
    pub(crate) externals: Vec<(u32, u32, u32)>,
    pub(crate) ext_arena: String,
    /// Patterns that are a slice of their text but not where `compiled::derive` puts them:
    /// (id, start within the text, length), sorted by id.
    pub(crate) geometry: Vec<(u32, u16, u16)>,
    /// Regex filter ids, sorted; slot `i` of `regexes` compiles filter `regex_ids[i]` on first use.
    pub(crate) regex_ids: Vec<u32>,
    pub(crate) regexes: Vec<OnceLock<Option<Regex>>>,
    /// (filter id, TrackerDB pattern), sorted by id.
    pub(crate) tracker_filters: Vec<(u32, u32)>,
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

impl Engine {
    /// Classifies one request. `source_url` is the page or frame that made it (any string; a
    /// non-URL means an unknown page, which makes the request third party).
    pub fn classify(&self, url: &str, source_url: &str, rtype: ResourceType) -> Verdict {
        let req = Request::new(url, source_url, rtype);
        self.classify_request(&req)
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
        if self.trackers.version.is_empty() {
            "none"
        } else {
            &self.trackers.version
        }
    }
}

#[cfg(test)]
mod tests;

/// How many filters each index holds, per kind (blocking, exception): what `trustledger bench`
/// prints so that an index that grows out of shape is seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    pub host: usize,
    pub token: usize,
    pub domain: usize,
    pub gram: usize,
    pub fallback: usize,
    /// The fallback filters' texts (checked for every request), at most 20.
    pub fallback_sample: Vec<String>,
}

impl Engine {
    /// Index sizes for blocking filters (`[0]`) and exceptions (`[1]`).
    pub fn index_stats(&self) -> [IndexStats; 2] {
        self.groups.each_ref().map(|g| {
            let (start, len) = g.fallback;
            IndexStats {
                host: g.host.keys.len(),
                token: g.token.keys.len(),
                domain: g.domain.ids.len(),
                gram: g.gram.ids.len(),
                fallback: len as usize,
                fallback_sample: (start..start + len.min(20)).map(|id| self.filter_text(&self.filters[id as usize]).into_owned()).collect(),
            }
        })
    }
}
