//! Finding the filters that match a request: the per-request work, kept allocation-free.
//!
//! One pass prepares what every index needs — the hashes of the request host's label suffixes
//! (also used for TrackerDB domains), the hashes of the URL's tokens and their bit mask — then the
//! blocking group is searched, and the exception group only when a non-important block matched.

use super::compiled::{CFilter, IMPORTANT, TRACKER};
use super::{Engine, Group, TrackerRef, Verdict, NONE};
use crate::hash::hash_bytes;
use crate::request::Request;

/// Length of the literals the n-gram index keys filters by.
pub(crate) const GRAM: usize = 3;

/// The index key of the 3 bytes at the start of `b`.
#[inline]
pub(crate) fn gram_key(b: &[u8]) -> u32 {
    ((u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2])).wrapping_mul(0x9e37_79b1) | 1
}

/// The bit of a group's `gram_bits` a 3-gram's first two bytes select.
#[inline]
pub(crate) fn gram_bit(b: &[u8]) -> usize {
    (usize::from(b[0]) << 8) | usize::from(b[1])
}

/// `token_offsets` entry of a filter whose match start the token does not fix.
pub(crate) const NO_OFFSET: u16 = u16::MAX;

/// Token bytes: what URLs and patterns are cut into tokens by (letters, digits, `%`).
#[inline]
pub(crate) fn is_token_byte(b: u8) -> bool {
    TOKEN_BYTES[usize::from(b)]
}

static TOKEN_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'%' as usize;
        b += 1;
    }
    t
};

/// The bit a token contributes to a token mask.
#[inline]
pub(crate) fn token_bit(hash: u32) -> u32 {
    1 << (hash >> 27)
}

/// A request's hashes, computed once.
pub(crate) struct Prepared {
    /// (hash, start offset within the host) of each label suffix, longest first.
    suffixes: [(u32, u16); 16],
    n_suffixes: usize,
    /// (hash, position in the URL) of each token.
    tokens: [(u32, u32); 64],
    n_tokens: usize,
    /// Tokens past the first 64 (long URLs).
    more_tokens: Vec<(u32, u32)>,
    pub(crate) url_mask: u32,
    /// The URL has non-ASCII characters, which a case-insensitive regex may fold onto ASCII
    /// letters (`K` KELVIN SIGN matches `k`): token indexes cannot vouch for regexes then.
    non_ascii: bool,
}

impl Prepared {
    pub(crate) fn new(req: &Request) -> Prepared {
        let mut p = Prepared {
            suffixes: [(0, 0); 16],
            n_suffixes: 0,
            tokens: [(0, 0); 64],
            n_tokens: 0,
            more_tokens: Vec::new(),
            url_mask: 0,
            non_ascii: !req.lower.is_ascii(),
        };
        if let Some(host) = req.host() {
            let bytes = host.as_bytes();
            let mut starts = [0u16; 16];
            let mut n = 1;
            for i in memchr::memchr_iter(b'.', bytes) {
                if i + 1 < bytes.len() {
                    if n == starts.len() {
                        starts.copy_within(1.., 0);
                        n -= 1;
                    }
                    starts[n] = (i + 1) as u16;
                    n += 1;
                }
            }
            for (k, &s) in starts[..n].iter().enumerate() {
                p.suffixes[k] = (hash_bytes(&bytes[usize::from(s)..]), s);
            }
            p.n_suffixes = n;
        }
        let url = req.lower.as_bytes();
        let mut i = 0;
        while i < url.len() {
            if !is_token_byte(url[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < url.len() && is_token_byte(url[i]) {
                i += 1;
            }
            let t = (hash_bytes(&url[start..i]), start as u32);
            p.url_mask |= token_bit(t.0);
            if p.n_tokens < p.tokens.len() {
                p.tokens[p.n_tokens] = t;
                p.n_tokens += 1;
            } else {
                p.more_tokens.push(t);
            }
        }
        p
    }

    pub(crate) fn tokens(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.tokens[..self.n_tokens].iter().chain(&self.more_tokens).copied()
    }
}

/// Where `visit` hands matching filters. `wants` is asked first, so that a filter that could not
/// change the outcome is never checked.
trait Sink {
    fn wants(&self, f: &CFilter) -> bool;
    fn take(&mut self, id: u32, f: &CFilter);
}

/// Blocking filters: the deciding one — `$important` first, then the earliest list and line
/// (the smallest arena offset) — and the earliest TrackerDB filter, for attribution.
struct Blocks<'e> {
    engine: &'e Engine,
    /// (not important, arena offset, id)
    best: Option<(bool, u32, u32)>,
    /// (arena offset, TrackerDB pattern)
    tracker: Option<(u32, u32)>,
}

impl Sink for Blocks<'_> {
    #[inline]
    fn wants(&self, f: &CFilter) -> bool {
        self.best.is_none_or(|(n, text, _)| (!f.has(IMPORTANT), f.text) < (n, text))
            || (f.has(TRACKER) && self.tracker.is_none_or(|(text, _)| f.text < text))
    }

    fn take(&mut self, id: u32, f: &CFilter) {
        let rank = (!f.has(IMPORTANT), f.text, id);
        if self.best.is_none_or(|b| rank < b) {
            self.best = Some(rank);
        }
        if f.has(TRACKER) && self.tracker.is_none_or(|(text, _)| f.text < text) {
            if let Ok(i) = self.engine.tracker_filters.binary_search_by_key(&id, |t| t.0) {
                self.tracker = Some((f.text, self.engine.tracker_filters[i].1));
            }
        }
    }
}

/// Exceptions: the earliest one.
struct Exceptions {
    /// (arena offset, id)
    best: Option<(u32, u32)>,
}

impl Sink for Exceptions {
    #[inline]
    fn wants(&self, f: &CFilter) -> bool {
        self.best.is_none_or(|(text, _)| f.text < text)
    }

    fn take(&mut self, id: u32, f: &CFilter) {
        if self.wants(f) {
            self.best = Some((f.text, id));
        }
    }
}

impl Engine {
    /// Classifies a prepared request.
    pub fn classify_request(&self, req: &Request) -> Verdict {
        let mut verdict =
            Verdict { matched: false, important: false, third_party: req.third_party, filter: None, exception: None, tracker: None };
        let prepared = Prepared::new(req);
        if !req.is_supported() {
            verdict.tracker = self.tracker_by_domain(req, &prepared);
            return verdict;
        }
        let mut blocks = Blocks { engine: self, best: None, tracker: None };
        self.visit(&self.groups[0], req, &prepared, &mut blocks);
        let tracker = blocks.tracker;
        if let Some((not_important, _, id)) = blocks.best {
            verdict.filter = Some(id);
            verdict.important = !not_important;
            verdict.matched = true;
            if not_important {
                let mut exceptions = Exceptions { best: None };
                self.visit(&self.groups[1], req, &prepared, &mut exceptions);
                if let Some((_, id)) = exceptions.best {
                    verdict.exception = Some(id);
                    verdict.matched = false;
                }
            }
        }
        verdict.tracker = match tracker {
            Some((_, pattern)) => Some(TrackerRef::PatternByFilter(pattern)),
            None => {
                self.tracker_by_domain(req, &prepared).or_else(|| verdict.filter.and_then(|id| self.vendor_of(id)).map(TrackerRef::Vendor))
            }
        };
        verdict
    }

    /// Hands `sink` every filter of `g` that matches `req` and that it still wants.
    #[inline]
    fn visit(&self, g: &Group, req: &Request, p: &Prepared, sink: &mut impl Sink) {
        if !g.host.keys.is_empty() {
            for &(h, suffix) in &p.suffixes[..p.n_suffixes] {
                let (lo, hi) = g.host.keys.find(h);
                for i in lo..hi {
                    let id = g.host.first + i as u32;
                    let f = &self.filters[id as usize];
                    if sink.wants(f) && self.check_host_keyed(id, f, req, usize::from(suffix)) {
                        sink.take(id, f);
                    }
                }
            }
        }
        if !g.token.keys.is_empty() {
            for (t, pos) in p.tokens() {
                let (lo, hi) = g.token.keys.find(t);
                for i in lo..hi {
                    if g.token_masks[i] & !p.url_mask != 0 {
                        continue;
                    }
                    let id = g.token.first + i as u32;
                    let f = &self.filters[id as usize];
                    if !sink.wants(f) {
                        continue;
                    }
                    // Where the token sits in the pattern, when that fixes where the match starts.
                    let matched = match g.token_offsets[i] {
                        NO_OFFSET => self.check(id, f, req),
                        off => pos >= u32::from(off) && self.check_at(id, f, req, (pos - u32::from(off)) as usize),
                    };
                    if matched {
                        sink.take(id, f);
                    }
                }
            }
        }
        let mut test = |id: u32| {
            let f = &self.filters[id as usize];
            if sink.wants(f) && self.check(id, f, req) {
                sink.take(id, f);
            }
        };
        if !g.gram.keys.is_empty() {
            let url = req.lower.as_bytes();
            for i in 0..url.len().saturating_sub(GRAM - 1) {
                let bit = gram_bit(&url[i..]);
                if g.gram_bits[bit >> 6] & (1 << (bit & 63)) != 0 {
                    let (lo, hi) = g.gram.keys.find(gram_key(&url[i..]));
                    for &id in &g.gram.ids[lo..hi] {
                        test(id);
                    }
                }
            }
        }
        if !g.domain.keys.is_empty() {
            for &d in req.source_hashes() {
                let (lo, hi) = g.domain.keys.find(d);
                for &id in &g.domain.ids[lo..hi] {
                    test(id);
                }
            }
        }
        for id in g.fallback.0..g.fallback.0 + g.fallback.1 {
            test(id);
        }
        if p.non_ascii {
            let exception = std::ptr::eq(g, &self.groups[1]);
            for &id in &self.regex_ids {
                if self.filters[id as usize].has(super::compiled::EXCEPTION) == exception {
                    test(id);
                }
            }
        }
    }

    /// The TrackerDB pattern owning the request host or its closest parent domain.
    fn tracker_by_domain(&self, req: &Request, p: &Prepared) -> Option<TrackerRef> {
        let t = &self.trackers;
        let host = req.host()?;
        for &(h, start) in &p.suffixes[..p.n_suffixes] {
            let (lo, hi) = t.domain_keys.find(h);
            for (domain, pattern) in &t.domains[lo..hi] {
                if t.s(*domain) == &host[usize::from(start)..] {
                    return Some(TrackerRef::PatternByDomain(*pattern));
                }
            }
        }
        None
    }

    /// The vendor named by the section the filter sits in.
    pub(crate) fn vendor_of(&self, id: u32) -> Option<u32> {
        let off = self.filters.get(id as usize)?.text;
        let list = &self.lists[self.list_of(off)?];
        let i = list.sections.partition_point(|s| s.0 <= off).checked_sub(1)?;
        let vendor = list.sections[i].2;
        (vendor != NONE).then_some(vendor)
    }

    /// The list an arena offset belongs to.
    pub(crate) fn list_of(&self, off: u32) -> Option<usize> {
        self.lists.partition_point(|l| l.start <= off).checked_sub(1)
    }

    /// The 1-based line number of the arena offset `off` within its list.
    pub(crate) fn line_of(&self, off: u32) -> Option<u32> {
        let list = &self.lists[self.list_of(off)?];
        let k = list.line_marks.partition_point(|&m| m <= off).checked_sub(1)?;
        let from = list.line_marks[k] as usize;
        let between = memchr::memchr_iter(b'\n', &self.arena.as_bytes()[from..off as usize]).count();
        Some((k * super::LINE_MARK + 1 + between) as u32)
    }

    /// The text of a filter as written in its list.
    pub(crate) fn filter_text(&self, f: &CFilter) -> std::borrow::Cow<'_, str> {
        let rest = &self.arena[f.text as usize..];
        let stored = &rest[..memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len())];
        if f.has(super::compiled::ELIDED) {
            let bang = if f.has(super::compiled::EXCEPTION) { 2 } else { 0 };
            std::borrow::Cow::Owned(format!("{}||{}", &stored[..bang], &stored[bang..]))
        } else {
            std::borrow::Cow::Borrowed(stored)
        }
    }
}
