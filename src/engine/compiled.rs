//! A compiled filter: 8 bytes — where its text starts in the arena, and its types, party and
//! flags. Its pattern is a slice of its own text, found by [`derive`]; the few filters where that
//! rule does not hold have a side-table entry. Then the check that decides whether it matches a
//! prepared request (cheap tests first: type, party, domains, then the pattern).

use regex::{Regex, RegexBuilder};

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
/// Found by its host (`||host^…`): the pattern starts with the host.
pub(crate) const HOST_KEYED: u16 = 1 << 11;
/// Pattern is a slice of the text, but not where [`derive`] puts it (see `Engine::geometry`).
pub(crate) const GEOMETRY: u16 = 1 << 12;
/// The arena keeps the text without its leading `||` (restored when the text is shown).
pub(crate) const ELIDED: u16 = 1 << 13;
/// The pattern has no `*` and no `^`: a plain string comparison decides it.
pub(crate) const PLAIN: u16 = 1 << 14;
/// Some `$domain=` entry is an entity (`google.*`): the page's entity names are needed.
pub(crate) const ENTITY: u16 = 1 << 15;

/// A compiled filter (8 bytes, also in a snapshot).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CFilter {
    /// Arena offset of the filter's stored text (up to the next `\n`).
    pub text: u32,
    /// Allowed types (bits 0–11), party (12–15), flags (16–31).
    pub meta: u32,
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

/// Where the pattern sits in a stored line (`line` runs from the filter's text to the end of the
/// arena): after `@@`, after a `|` anchor (a `||` is elided from the arena), up to the options'
/// `$` or the end of the line, less a right-anchor `|`.
#[inline]
pub(crate) fn derive(line: &[u8], flags: u16) -> (usize, usize) {
    let start = derive_start(flags).min(line.len());
    // Patterns are short: a plain loop beats a vectorised search's set-up here.
    let mut end = start + line[start..].iter().position(|&b| b == b'$' || b == b'\n').unwrap_or(line.len() - start);
    if flags & RIGHT_ANCHOR != 0 && end > start {
        end -= 1;
    }
    (start, end)
}

/// Where [`derive`] starts the pattern: after `@@` and a `|` anchor.
#[inline]
fn derive_start(flags: u16) -> usize {
    let bang = if flags & EXCEPTION != 0 { 2 } else { 0 };
    bang + usize::from(flags & ELIDED == 0 && flags & LEFT_ANCHOR != 0)
}

/// Bytes a host is made of (what ends the host of a host-keyed pattern).
#[inline]
pub(crate) fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

impl Engine {
    /// The filter's pattern (for host-keyed filters: host then rest; for regexes: the source).
    #[inline]
    pub(crate) fn pattern(&self, id: u32, f: &CFilter) -> &str {
        let text = f.text as usize;
        if f.has(EXTERNAL) {
            if let Ok(i) = self.externals.binary_search_by_key(&id, |e| e.0) {
                let (_, off, len) = self.externals[i];
                return &self.ext_arena[off as usize..(off + len) as usize];
            }
            return "";
        }
        if f.has(GEOMETRY) {
            if let Ok(i) = self.geometry.binary_search_by_key(&id, |g| g.0) {
                let (_, start, len) = self.geometry[i];
                let start = text + usize::from(start);
                return &self.arena[start..start + usize::from(len)];
            }
            return "";
        }
        let (start, end) = derive(&self.arena.as_bytes()[text..], f.flags());
        &self.arena[text + start..text + end]
    }

    /// Type, party and `$domain=`: everything but the pattern.
    #[inline]
    pub(crate) fn check_options(&self, id: u32, f: &CFilter, req: &Request) -> bool {
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
        !f.has(DOMAINS) || self.domains_allow(id, req)
    }

    /// Whether filter `id` matches `req`.
    #[inline]
    pub(crate) fn check(&self, id: u32, f: &CFilter, req: &Request) -> bool {
        self.check_options(id, f, req) && self.check_pattern(id, f, req)
    }

    /// Whether host-keyed filter `id`, found under the request host's suffix starting at
    /// `suffix` (an offset in the host), matches.
    #[inline]
    pub(crate) fn check_host_keyed(&self, id: u32, f: &CFilter, req: &Request, suffix: usize) -> bool {
        let Some(parts) = req.parts else { return false };
        if !self.check_options(id, f, req) {
            return false;
        }
        let host = &req.lower.as_bytes()[parts.host_start + suffix..parts.host_end];
        let url = if f.has(MATCH_CASE) { req.url } else { &req.lower };
        let rest = if f.has(EXTERNAL | GEOMETRY) {
            let pat = self.pattern(id, f).as_bytes();
            if !pat.starts_with(host) || pat.get(host.len()).is_some_and(|&b| is_host_byte(b)) {
                return false;
            }
            &pat[host.len()..]
        } else {
            // The usual case, without a scan of the whole text: host, then the rest up to `$`.
            let line = &self.arena.as_bytes()[f.text as usize..];
            let start = derive_start(f.flags());
            let Some(after) = line.get(start..).filter(|l| l.starts_with(host)).map(|l| &l[host.len()..]) else { return false };
            if after.first().is_some_and(|&b| is_host_byte(b)) {
                return false;
            }
            let mut end = after.iter().position(|&b| b == b'$' || b == b'\n').unwrap_or(after.len());
            if f.has(RIGHT_ANCHOR) && end > 0 {
                end -= 1;
            }
            &after[..end]
        };
        pattern::matches(url.as_bytes(), rest, Start::At(parts.host_end), f.has(RIGHT_ANCHOR))
    }

    /// Whether plain filter `id` matches with its pattern starting at `at` in the URL.
    #[inline]
    pub(crate) fn check_at(&self, id: u32, f: &CFilter, req: &Request, at: usize) -> bool {
        if !self.check_options(id, f, req) {
            return false;
        }
        let url = if f.has(MATCH_CASE) { req.url } else { &req.lower };
        let pat = self.pattern(id, f).as_bytes();
        if f.has(PLAIN) {
            let hay = url.as_bytes();
            return hay.get(at..).is_some_and(|h| h.starts_with(pat)) && (!f.has(RIGHT_ANCHOR) || at + pat.len() == hay.len());
        }
        pattern::matches(url.as_bytes(), pat, Start::At(at), f.has(RIGHT_ANCHOR))
    }

    fn domains_allow(&self, id: u32, req: &Request) -> bool {
        let Ok(i) = self.domain_refs.binary_search_by_key(&id, |d| d.id) else { return true };
        let d = self.domain_refs[i];
        let start = d.start as usize;
        let include = &self.domain_hashes[start..start + usize::from(d.include)];
        let exclude = &self.domain_hashes[start + usize::from(d.include)..start + usize::from(d.include) + usize::from(d.exclude)];
        let entities: &[u32] = if self.filters[id as usize].has(ENTITY) { req.entity_hashes() } else { &[] };
        let mut included = include.is_empty();
        for h in req.source_hashes().iter().chain(entities) {
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
        let pat = pat.as_bytes();
        if f.has(HOST_KEYED) {
            let host_len = pat.iter().position(|&b| !is_host_byte(b)).unwrap_or(pat.len());
            let (fhost, rest) = pat.split_at(host_len);
            let host = &req.lower.as_bytes()[parts.host_start..parts.host_end];
            let under = host.len() > fhost.len() && host.ends_with(fhost) && host[host.len() - fhost.len() - 1] == b'.';
            return (host == fhost || under) && pattern::matches(hay, rest, Start::At(parts.host_end), right);
        }
        if f.has(HOST_ANCHOR) {
            if pattern::matches(hay, pat, Start::At(parts.host_start), right) {
                return true;
            }
            let host = &hay[parts.host_start..parts.host_end];
            return memchr::memchr_iter(b'.', host).any(|i| pattern::matches(hay, pat, Start::At(parts.host_start + i + 1), right));
        }
        if f.has(PLAIN) && !f.has(LEFT_ANCHOR | RIGHT_ANCHOR) {
            return memchr::memmem::find(hay, pat).is_some();
        }
        let start = if f.has(LEFT_ANCHOR) { Start::At(0) } else { Start::Anywhere };
        pattern::matches(hay, pat, start, right)
    }

    fn regex_matches(&self, id: u32, f: &CFilter, source: &str, url: &str) -> bool {
        let Ok(slot) = self.regex_ids.binary_search(&id) else { return false };
        let re = self.regexes[slot].get_or_init(|| compile_regex(source, f));
        re.as_ref().is_some_and(|re| re.is_match(url))
    }

    /// Compiles up to `max` regex filters not compiled yet (each compiles on first use
    /// otherwise, which can take tens of milliseconds in wasm: the extension compiles them while
    /// idle instead, a few at a time). Returns how many are left.
    pub fn compile_regexes(&self, max: usize) -> usize {
        let mut done = 0;
        for (slot, &id) in self.regex_ids.iter().enumerate() {
            if self.regexes[slot].get().is_some() {
                continue;
            }
            if done == max {
                return self.regexes[slot..].iter().filter(|r| r.get().is_none()).count();
            }
            let f = &self.filters[id as usize];
            self.regexes[slot].get_or_init(|| compile_regex(self.pattern(id, f), f));
            done += 1;
        }
        0
    }
}

fn compile_regex(source: &str, f: &CFilter) -> Option<Regex> {
    RegexBuilder::new(source).case_insensitive(!f.has(MATCH_CASE)).size_limit(1 << 22).build().ok()
}
