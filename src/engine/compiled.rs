//! A compiled filter: 12 bytes, its pattern a slice of its own text in the arena, and the check
//! that decides whether it matches a prepared request (cheap tests first: type, party, domains,
//! then the pattern).

use regex::RegexBuilder;

use super::Engine;
use crate::filters::parse::{PARTY_FIRST, PARTY_STRICT_FIRST, PARTY_STRICT_THIRD, PARTY_THIRD};
use crate::filters::pattern::{self, Start};
use crate::request::Request;

pub(crate) const EXCEPTION: u16 = 1;
pub(crate) const IMPORTANT: u16 = 1 << 1;
pub(crate) const MATCH_CASE: u16 = 1 << 2;
pub(crate) const HOST_ANCHOR: u16 = 1 << 3;
pub(crate) const LEFT_ANCHOR: u16 = 1 << 4;
pub(crate) const RIGHT_ANCHOR: u16 = 1 << 5;
pub(crate) const REGEX: u16 = 1 << 6;
pub(crate) const REDIRECT: u16 = 1 << 7;
/// Has `$domain=` (see `Engine::domain_refs`).
pub(crate) const DOMAINS: u16 = 1 << 8;
/// Pattern is not a slice of the text (see `Engine::externals`).
pub(crate) const EXTERNAL: u16 = 1 << 9;
/// Comes from a TrackerDB pattern (see `Engine::tracker_filters`).
pub(crate) const TRACKER: u16 = 1 << 10;
pub(crate) const ALL_FLAGS: u16 = (1 << 11) - 1;

/// A compiled filter (12 bytes, also in a snapshot).
///
/// For a host-keyed filter (`||host^…`) the pattern is `host` + the rest, `host_len` long.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CFilter {
    /// Arena offset of the filter's text (up to the next `\n`).
    pub text: u32,
    /// Allowed types (bits 0–11), party (12–15), flags (16–31).
    pub meta: u32,
    /// Where the pattern starts within the text.
    pub pat_start: u8,
    pub host_len: u8,
    pub pat_len: u16,
}

impl CFilter {
    #[inline]
    pub fn types(&self) -> u32 {
        self.meta & 0xfff
    }
    #[inline]
    pub fn party(&self) -> u8 {
        ((self.meta >> 12) & 0xf) as u8
    }
    #[inline]
    pub fn flags(&self) -> u16 {
        (self.meta >> 16) as u16
    }
    #[inline]
    pub fn has(&self, flag: u16) -> bool {
        self.flags() & flag != 0
    }
    pub fn meta(types: u32, party: u8, flags: u16) -> u32 {
        (types & 0xfff) | (u32::from(party & 0xf) << 12) | (u32::from(flags) << 16)
    }
}

impl Engine {
    /// The filter's pattern (for host-keyed filters: host then rest; for regexes: the source).
    #[inline]
    pub(crate) fn pattern(&self, id: u32, f: &CFilter) -> &str {
        if f.has(EXTERNAL) {
            return match self.externals.binary_search_by_key(&id, |e| e.0) {
                Ok(i) => {
                    let (_, off, len) = self.externals[i];
                    &self.ext_arena[off as usize..(off + len) as usize]
                }
                Err(_) => "",
            };
        }
        let start = f.text as usize + usize::from(f.pat_start);
        &self.arena[start..start + usize::from(f.pat_len)]
    }

    /// Whether filter `id` matches `req`.
    #[inline]
    pub(crate) fn check(&self, id: u32, f: &CFilter, req: &Request) -> bool {
        if f.types() & req.rtype.bit() == 0 {
            return false;
        }
        let party = f.party();
        if party != 0
            && ((party & PARTY_FIRST != 0 && req.third_party)
                || (party & PARTY_THIRD != 0 && !req.third_party)
                || (party & PARTY_STRICT_THIRD != 0 && !req.strict_third_party)
                || (party & PARTY_STRICT_FIRST != 0 && req.strict_third_party))
        {
            return false;
        }
        if f.has(DOMAINS) && !self.domains_allow(id, req) {
            return false;
        }
        self.check_pattern(id, f, req)
    }

    fn domains_allow(&self, id: u32, req: &Request) -> bool {
        let Ok(i) = self.domain_refs.binary_search_by_key(&id, |d| d.id) else { return true };
        let d = self.domain_refs[i];
        let start = d.start as usize;
        let include = &self.domain_hashes[start..start + usize::from(d.include)];
        let exclude = &self.domain_hashes[start + usize::from(d.include)..start + usize::from(d.include) + usize::from(d.exclude)];
        let mut included = include.is_empty();
        for h in req.source_hashes().iter().chain(req.entity_hashes()) {
            if exclude.contains(h) {
                return false;
            }
            included = included || include.contains(h);
        }
        included
    }

    fn check_pattern(&self, id: u32, f: &CFilter, req: &Request) -> bool {
        let Some(parts) = req.parts else { return false };
        let url = if f.has(MATCH_CASE) { req.url } else { &req.lower };
        let hay = url.as_bytes();
        let pat = self.pattern(id, f);
        if f.has(REGEX) {
            return self.regex_matches(id, f, pat, url);
        }
        let right = f.has(RIGHT_ANCHOR);
        if f.host_len != 0 {
            let (fhost, rest) = pat.as_bytes().split_at(usize::from(f.host_len));
            let host = &req.lower.as_bytes()[parts.host_start..parts.host_end];
            let under = host.len() > fhost.len() && host.ends_with(fhost) && host[host.len() - fhost.len() - 1] == b'.';
            return (host == fhost || under) && pattern::matches(hay, rest, Start::At(parts.host_end), right);
        }
        let pat = pat.as_bytes();
        if f.has(HOST_ANCHOR) {
            if pattern::matches(hay, pat, Start::At(parts.host_start), right) {
                return true;
            }
            let host = &hay[parts.host_start..parts.host_end];
            return memchr::memchr_iter(b'.', host).any(|i| pattern::matches(hay, pat, Start::At(parts.host_start + i + 1), right));
        }
        let start = if f.has(LEFT_ANCHOR) { Start::At(0) } else { Start::Anywhere };
        pattern::matches(hay, pat, start, right)
    }

    fn regex_matches(&self, id: u32, f: &CFilter, source: &str, url: &str) -> bool {
        let Ok(slot) = self.regex_ids.binary_search(&id) else { return false };
        let re = self.regexes[slot].get_or_init(|| RegexBuilder::new(source).case_insensitive(!f.has(MATCH_CASE)).size_limit(1 << 22).build().ok());
        re.as_ref().is_some_and(|re| re.is_match(url))
    }
}
