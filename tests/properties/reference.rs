//! The brute-force reference for `tests/properties.rs`, independent of the engine's matcher:
//! each parsed filter's pattern becomes a byte regex (`*` → `.*`, `^` → separator-or-end,
//! `|`/`||` anchors as start positions); type, party and `$domain=` are applied by hand.

use regex::bytes::Regex as BytesRegex;
use regex::RegexBuilder;
use trustledger::filters::parse::{PARTY_FIRST, PARTY_STRICT_FIRST, PARTY_STRICT_THIRD, PARTY_THIRD};
use trustledger::filters::NetworkFilter;
use trustledger::site;
use trustledger::{Classification, ResourceType};
// ---------------------------------------------------------------------------------------------
// Brute-force reference
// ---------------------------------------------------------------------------------------------

/// A request as the reference sees it.
pub struct NaiveRequest<'a> {
    pub url: &'a str,
    pub lower: String,
    pub host_start: usize,
    pub host_end: usize,
    pub rtype: ResourceType,
    pub third_party: bool,
    pub strict_third_party: bool,
    /// The page host's label suffixes (`b.a.com`, `a.com`, `com`), then those of the page host
    /// without its public suffix, as `$domain=entity.*` names them (`b.a.*`, `a.*`).
    pub page: Vec<String>,
}

pub fn naive_request<'a>(url: &'a str, source: &str, rtype: ResourceType) -> NaiveRequest<'a> {
    let lower = url.to_ascii_lowercase();
    let p = site::parse_url(&lower).expect("generated URLs have a host");
    let host = p.host(&lower).to_owned();
    let source_lower = source.to_ascii_lowercase();
    let page_host = site::host(&source_lower).map(str::to_owned);
    let mut page = Vec::new();
    let suffixes = |host: &str, tag: &str, page: &mut Vec<String>| {
        let mut rest = host;
        loop {
            page.push(format!("{rest}{tag}"));
            match rest.split_once('.') {
                Some((_, r)) if !r.is_empty() => rest = r,
                _ => break,
            }
        }
    };
    if let Some(h) = &page_host {
        suffixes(h, "", &mut page);
        if let Some(entity) = site::without_suffix(h) {
            suffixes(entity, ".*", &mut page);
        }
    }
    NaiveRequest {
        url,
        host_start: p.host_start,
        host_end: p.host_end,
        rtype,
        third_party: site::is_third_party(&host, page_host.as_deref()),
        strict_third_party: page_host.as_deref() != Some(host.as_str()),
        page,
        lower,
    }
}

/// A parsed filter with its pattern compiled the slow, obvious way.
pub struct NaiveFilter {
    pub f: NetworkFilter,
    pub re: Option<BytesRegex>,
    pub regex: Option<regex::Regex>,
}

pub fn naive_filter(f: NetworkFilter) -> NaiveFilter {
    if f.regex {
        let regex = RegexBuilder::new(&f.pattern).case_insensitive(!f.match_case).build().ok();
        return NaiveFilter { f, re: None, regex };
    }
    let mut src = String::from(r"(?s-u)");
    if f.host_anchor || f.left_anchor {
        src.push_str(r"\A");
    }
    for c in f.pattern.chars() {
        match c {
            '*' => src.push_str(".*"),
            '^' => src.push_str(r"(?:[^a-zA-Z0-9_.%\-]|\z)"),
            c => src.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
    }
    if f.right_anchor {
        src.push_str(r"\z");
    }
    let re = Some(BytesRegex::new(&src).expect("escaped pattern compiles"));
    NaiveFilter { f, re, regex: None }
}

pub fn naive_matches(nf: &NaiveFilter, r: &NaiveRequest) -> bool {
    let f = &nf.f;
    if f.types & r.rtype.bit() == 0 {
        return false;
    }
    let party = f.party;
    if (party & PARTY_FIRST != 0 && r.third_party)
        || (party & PARTY_THIRD != 0 && !r.third_party)
        || (party & PARTY_STRICT_THIRD != 0 && !r.strict_third_party)
        || (party & PARTY_STRICT_FIRST != 0 && r.strict_third_party)
    {
        return false;
    }
    if f.exclude_domains.iter().any(|d| r.page.contains(d)) {
        return false;
    }
    if !f.include_domains.is_empty() && !f.include_domains.iter().any(|d| r.page.contains(d)) {
        return false;
    }
    let hay = if f.match_case { r.url } else { r.lower.as_str() };
    if let Some(re) = &nf.regex {
        return re.is_match(hay);
    }
    let Some(re) = &nf.re else { return false };
    let bytes = hay.as_bytes();
    if f.host_anchor {
        let dots = (r.host_start..r.host_end).filter(|&i| bytes[i] == b'.').map(|i| i + 1);
        std::iter::once(r.host_start).chain(dots).any(|s| re.is_match(&bytes[s..]))
    } else {
        re.is_match(bytes)
    }
}

/// What the engine should answer for one list (filters in line order) and one request.
#[derive(Debug, PartialEq, Eq)]
pub struct Expected {
    pub matched: bool,
    pub important: bool,
    pub line: Option<u32>,
    pub exception_line: Option<u32>,
}

pub fn expected(filters: &[(u32, NaiveFilter)], r: &NaiveRequest) -> Expected {
    let hits: Vec<(u32, &NetworkFilter)> = filters.iter().filter(|(_, nf)| naive_matches(nf, r)).map(|(line, nf)| (*line, &nf.f)).collect();
    let block = hits.iter().find(|(_, f)| !f.exception && f.important).or_else(|| hits.iter().find(|(_, f)| !f.exception));
    let Some(&(line, winner)) = block else {
        return Expected { matched: false, important: false, line: None, exception_line: None };
    };
    if winner.important {
        return Expected { matched: true, important: true, line: Some(line), exception_line: None };
    }
    let exception_line = hits.iter().find(|(_, f)| f.exception).map(|(l, _)| *l);
    Expected { matched: exception_line.is_none(), important: false, line: Some(line), exception_line }
}

pub fn actual(c: &Classification) -> Expected {
    Expected { matched: c.matched, important: c.important, line: c.line, exception_line: c.exception_line }
}
