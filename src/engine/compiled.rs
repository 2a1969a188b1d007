//! A compiled filter: fixed size, strings by reference into the engine's arena, and the check
//! that decides whether it matches a prepared request (cheap tests first: type, party, domains,
//! then the pattern).

use regex::RegexBuilder;

use super::{Engine, NONE};
use crate::filters::parse::{PARTY_FIRST, PARTY_STRICT_FIRST, PARTY_STRICT_THIRD, PARTY_THIRD};
use crate::filters::pattern::{self, Start};
use crate::request::Request;

pub(crate) const EXCEPTION: u8 = 1;
pub(crate) const IMPORTANT: u8 = 2;
pub(crate) const MATCH_CASE: u8 = 4;
pub(crate) const HOST_ANCHOR: u8 = 8;
pub(crate) const LEFT_ANCHOR: u8 = 16;
pub(crate) const RIGHT_ANCHOR: u8 = 32;
pub(crate) const REGEX: u8 = 64;
pub(crate) const REDIRECT: u8 = 128;

/// A byte range in the engine's string arena.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub off: u32,
    pub len: u32,
}

impl Span {
    #[inline]
    pub fn get<'a>(&self, arena: &'a str) -> &'a str {
        &arena[self.off as usize..(self.off + self.len) as usize]
    }
}

/// A compiled filter (52 bytes in a snapshot).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CFilter {
    /// The line as written.
    pub text: Span,
    /// The pattern (or, for host-keyed filters, what follows the host; or the regex source).
    pub pattern: Span,
    /// For host-keyed filters (`||host^…`), the host; empty otherwise.
    pub host: Span,
    pub types: u16,
    pub party: u8,
    pub flags: u8,
    /// Start of this filter's domain hashes (includes, then excludes) in `domain_hashes`.
    pub domains: u32,
    pub n_include: u16,
    pub n_exclude: u16,
    pub list: u16,
    /// Section within its list, or `NONE16`.
    pub section: u16,
    pub line: u32,
    /// TrackerDB pattern this filter comes from, or `NONE`.
    pub tracker: u32,
    /// Regex slot, or `NONE`.
    pub regex: u32,
}

impl Engine {
    /// Whether filter `f` matches `req`.
    #[inline]
    pub(crate) fn check(&self, f: &CFilter, req: &Request) -> bool {
        if u32::from(f.types) & req.rtype.bit() == 0 {
            return false;
        }
        if f.party != 0 {
            if (f.party & PARTY_FIRST != 0 && req.third_party)
                || (f.party & PARTY_THIRD != 0 && !req.third_party)
                || (f.party & PARTY_STRICT_THIRD != 0 && !req.strict_third_party)
                || (f.party & PARTY_STRICT_FIRST != 0 && req.strict_third_party)
            {
                return false;
            }
        }
        if f.n_include != 0 || f.n_exclude != 0 {
            let start = f.domains as usize;
            let include = &self.domain_hashes[start..start + usize::from(f.n_include)];
            let exclude = &self.domain_hashes[start + usize::from(f.n_include)..start + usize::from(f.n_include) + usize::from(f.n_exclude)];
            let page = req.source_hashes().iter().chain(req.entity_hashes());
            let mut included = include.is_empty();
            for h in page {
                if exclude.contains(h) {
                    return false;
                }
                included = included || include.contains(h);
            }
            if !included {
                return false;
            }
        }
        self.check_pattern(f, req)
    }

    fn check_pattern(&self, f: &CFilter, req: &Request) -> bool {
        let Some(parts) = req.parts else { return false };
        let url = if f.flags & MATCH_CASE != 0 { req.url } else { &req.lower };
        let hay = url.as_bytes();
        let pat = f.pattern.get(&self.strings).as_bytes();
        let right = f.flags & RIGHT_ANCHOR != 0;
        if f.flags & REGEX != 0 {
            return self.regex_matches(f, url);
        }
        if f.host.len != 0 {
            let host = &req.lower.as_bytes()[parts.host_start..parts.host_end];
            let fhost = f.host.get(&self.strings).as_bytes();
            let under = host.len() > fhost.len() && host.ends_with(fhost) && host[host.len() - fhost.len() - 1] == b'.';
            return (host == fhost || under) && pattern::matches(hay, pat, Start::At(parts.host_end), right);
        }
        if f.flags & HOST_ANCHOR != 0 {
            let host = &hay[parts.host_start..parts.host_end];
            if pattern::matches(hay, pat, Start::At(parts.host_start), right) {
                return true;
            }
            return host
                .iter()
                .enumerate()
                .filter(|(_, &b)| b == b'.')
                .any(|(i, _)| pattern::matches(hay, pat, Start::At(parts.host_start + i + 1), right));
        }
        let start = if f.flags & LEFT_ANCHOR != 0 { Start::At(0) } else { Start::Anywhere };
        pattern::matches(hay, pat, start, right)
    }

    fn regex_matches(&self, f: &CFilter, url: &str) -> bool {
        if f.regex == NONE {
            return false;
        }
        let Some(slot) = self.regexes.get(f.regex as usize) else { return false };
        let re = slot.get_or_init(|| {
            RegexBuilder::new(f.pattern.get(&self.strings)).case_insensitive(f.flags & MATCH_CASE == 0).size_limit(1 << 22).build().ok()
        });
        re.as_ref().is_some_and(|re| re.is_match(url))
    }
}
