//! Building an engine: lists (and TrackerDB) in, compiled filters and indexes out.
//!
//! Each filter goes into exactly one index of its kind (blocking or exception):
//! 1. **host** — `||host^…`, `||host/…`: keyed by the host; the rest of the pattern is checked
//!    where the host ends;
//! 2. **token** — keyed by the filter's rarest complete token (a run of `[a-z0-9%]` that any
//!    matching URL must contain whole), rarity counted over all filters, common URL words
//!    penalised; regex filters contribute literal tokens when they have no alternation;
//! 3. **domain** — no token but `$domain=`: keyed by each included domain;
//! 4. **fallback** — what is left, checked for every request (kept tiny).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use super::compiled::{self, CFilter, Span};
use super::{Engine, Indexes, ListInfo, TrackerPattern, Trackers, Vendor, NONE, NONE16};
use crate::filters::NetworkFilter;
use crate::hash::{hash_bytes, FlatIndex};
use crate::lists::{parse_list, ListReport, ListedFilter, ParsedList};
use crate::request::ENTITY_TAG;
use crate::trackers::{section_vendor, TrackerDb};

/// The list name TrackerDB's filters are cited under.
pub const TRACKERDB_LIST: &str = "trackerdb";

/// URL words too common to index by.
const COMMON_TOKENS: &[&str] = &[
    "http", "https", "www", "com", "net", "org", "js", "html", "htm", "php", "cdn", "static", "min", "jpg", "jpeg", "png", "gif", "api", "assets",
    "img", "images", "css", "js", "v1", "v2", "json", "io", "co", "uk", "de", "fr",
];

/// Collects lists and TrackerDB, then [`EngineBuilder::build`]s an [`Engine`].
#[derive(Default)]
pub struct EngineBuilder {
    lists: Vec<(ParsedList, Vec<u32>)>,
    trackerdb: Option<TrackerDb>,
}

impl EngineBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a list; `name` is how verdicts cite it. Returns its report so far (before
    /// `$badfilter` across lists is applied).
    pub fn add_list(&mut self, name: &str, text: &str) -> &ListReport {
        let list = parse_list(name, text);
        let trackers = vec![NONE; list.filters.len()];
        self.lists.push((list, trackers));
        &self.lists[self.lists.len() - 1].0.report
    }

    /// Uses a tracker database: its filters become the list `trackerdb` (cited by position:
    /// patterns in id order, each pattern's filters in order), its domains attribute requests.
    pub fn trackerdb(&mut self, db: TrackerDb) -> &mut Self {
        self.trackerdb = Some(db);
        self
    }

    /// Compiles everything. Returns the engine and one report per list (TrackerDB last).
    pub fn build(mut self) -> (Engine, Vec<ListReport>) {
        let mut engine = Engine::default();
        if let Some(db) = self.trackerdb.take() {
            let mut list = ParsedList { report: ListReport { name: TRACKERDB_LIST.into(), title: Some("Ghostery TrackerDB".into()), version: Some(db.version.clone()), ..Default::default() }, ..Default::default() };
            let mut owners = Vec::new();
            for (pi, p) in db.patterns.iter().enumerate() {
                for text in &p.filters {
                    list.report.lines += 1;
                    let line = list.report.lines as u32;
                    match crate::filters::parse_line(text) {
                        crate::filters::Line::Filter(f) => {
                            if f.exception {
                                list.report.exceptions += 1;
                            } else {
                                list.report.filters += 1;
                            }
                            list.filters.push(ListedFilter { filter: *f, line, section: None });
                            owners.push(pi as u32);
                        }
                        crate::filters::Line::Skipped(s) => list.report.skip(s.to_string()),
                        _ => list.report.comments += 1,
                    }
                }
            }
            engine.trackers = compile_trackers(&db);
            self.lists.push((list, owners));
        }
        // `$badfilter` applies across all lists.
        let bad: HashSet<String> = self.lists.iter().flat_map(|(l, _)| l.filters.iter()).filter_map(|f| f.filter.badfilter_target()).collect();
        let mut reports = Vec::with_capacity(self.lists.len());
        let mut compiler = Compiler::default();
        for (li, (list, owners)) in self.lists.into_iter().enumerate() {
            let mut report = list.report;
            let sections = list
                .sections
                .iter()
                .map(|file| {
                    let vendor = section_vendor(file).map(|v| {
                        let (organization, category) = match v.trackerdb_org.and_then(|o| engine.trackers.organizations.iter().find(|(id, _)| id == o)) {
                            Some((_, name)) => (name.clone(), v.category.to_owned()),
                            None => (v.name.to_owned(), v.category.to_owned()),
                        };
                        engine.trackers.vendors.push(Vendor { organization, category });
                        (engine.trackers.vendors.len() - 1) as u32
                    });
                    (file.clone(), vendor.unwrap_or(NONE))
                })
                .collect();
            engine.lists.push(ListInfo { name: report.name.clone(), title: report.title.clone(), version: report.version.clone(), sections });
            for (listed, owner) in list.filters.into_iter().zip(owners) {
                let f = &listed.filter;
                let counter = if f.exception { &mut report.exceptions } else { &mut report.filters };
                if f.badfilter {
                    *counter -= 1;
                    report.skip("$badfilter (disables another filter)".into());
                    continue;
                }
                if bad.contains(&f.text) {
                    *counter -= 1;
                    report.skip("disabled by a $badfilter".into());
                    continue;
                }
                compiler.add(&mut engine, li as u16, &listed, owner);
            }
            reports.push(report);
        }
        compiler.finish(&mut engine);
        (engine, reports)
    }
}

fn compile_trackers(db: &TrackerDb) -> Trackers {
    let mut t = Trackers {
        version: db.version.clone(),
        categories: db.categories.iter().map(|c| (c.id.clone(), c.name.clone())).collect(),
        organizations: db.organizations.iter().map(|o| (o.id.clone(), o.name.clone())).collect(),
        ..Default::default()
    };
    let mut seen = HashSet::new();
    for (pi, p) in db.patterns.iter().enumerate() {
        t.patterns.push(TrackerPattern { id: p.id.clone(), name: p.name.clone(), category: p.category, organization: p.organization.unwrap_or(NONE) });
        for d in &p.domains {
            // A domain claimed twice keeps its first owner (TrackerDB's `domains` map does too).
            if seen.insert(d.clone()) {
                t.domains.push((d.clone(), pi as u32));
            }
        }
    }
    let mut map: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (i, (d, _)) in t.domains.iter().enumerate() {
        map.entry(hash_bytes(d.as_bytes())).or_default().push(i as u32);
    }
    t.domain_index = FlatIndex::build(&map);
    t
}

/// Where a filter goes.
enum Slot {
    Host(u32),
    Token(Vec<u32>),
    Domain(Vec<u32>),
    Fallback,
}

#[derive(Default)]
struct Compiler {
    slots: Vec<Slot>,
    token_counts: HashMap<u32, u32>,
    interned: HashMap<String, Span>,
}

impl Compiler {
    fn intern(&mut self, engine: &mut Engine, s: &str) -> Span {
        if s.is_empty() {
            return Span::default();
        }
        if let Some(span) = self.interned.get(s) {
            return *span;
        }
        let span = Span { off: engine.strings.len() as u32, len: s.len() as u32 };
        engine.strings.push_str(s);
        self.interned.insert(s.to_owned(), span);
        span
    }

    fn add(&mut self, engine: &mut Engine, list: u16, listed: &ListedFilter, tracker: u32) {
        let f: &NetworkFilter = &listed.filter;
        let mut flags = 0u8;
        for (on, bit) in [
            (f.exception, compiled::EXCEPTION),
            (f.important, compiled::IMPORTANT),
            (f.match_case, compiled::MATCH_CASE),
            (f.host_anchor, compiled::HOST_ANCHOR),
            (f.left_anchor, compiled::LEFT_ANCHOR),
            (f.right_anchor, compiled::RIGHT_ANCHOR),
            (f.regex, compiled::REGEX),
            (f.redirect, compiled::REDIRECT),
        ] {
            if on {
                flags |= bit;
            }
        }
        let domains = engine.domain_hashes.len() as u32;
        let domain_hash = |d: &String| match d.strip_suffix(".*") {
            Some(entity) => hash_bytes(entity.as_bytes()) ^ ENTITY_TAG,
            None => hash_bytes(d.as_bytes()),
        };
        let include: Vec<u32> = f.include_domains.iter().map(domain_hash).collect();
        engine.domain_hashes.extend(&include);
        engine.domain_hashes.extend(f.exclude_domains.iter().map(domain_hash));
        let (host, rest) = host_key(f).unwrap_or(("", f.pattern.as_str()));
        let mut c = CFilter {
            text: self.intern(engine, &f.text),
            pattern: self.intern(engine, rest),
            host: self.intern(engine, host),
            types: f.types as u16,
            party: f.party,
            flags,
            domains,
            n_include: f.include_domains.len().min(u16::MAX as usize) as u16,
            n_exclude: f.exclude_domains.len().min(u16::MAX as usize) as u16,
            list,
            section: listed.section.unwrap_or(NONE16),
            line: listed.line,
            tracker,
            regex: NONE,
        };
        if f.regex {
            c.regex = engine.regexes.len() as u32;
            engine.regexes.push(OnceLock::new());
        }
        let slot = if !host.is_empty() {
            Slot::Host(hash_bytes(host.as_bytes()))
        } else {
            let tokens: Vec<u32> = if f.regex { regex_tokens(&f.pattern) } else { pattern_tokens(f) }.iter().map(|t| hash_bytes(t.as_bytes())).collect();
            if !tokens.is_empty() {
                for &t in &tokens {
                    *self.token_counts.entry(t).or_default() += 1;
                }
                Slot::Token(tokens)
            } else if !include.is_empty() {
                Slot::Domain(include)
            } else {
                Slot::Fallback
            }
        };
        engine.filters.push(c);
        self.slots.push(slot);
    }

    fn finish(self, engine: &mut Engine) {
        let common: HashSet<u32> = COMMON_TOKENS.iter().map(|t| hash_bytes(t.as_bytes())).collect();
        let mut maps: [[BTreeMap<u32, Vec<u32>>; 3]; 2] = Default::default();
        let mut fallback: [Vec<u32>; 2] = Default::default();
        for (id, slot) in self.slots.iter().enumerate() {
            let kind = usize::from(engine.filters[id].flags & compiled::EXCEPTION != 0);
            let id = id as u32;
            match slot {
                Slot::Host(h) => maps[kind][0].entry(*h).or_default().push(id),
                Slot::Token(tokens) => {
                    let score = |t: &u32| self.token_counts.get(t).copied().unwrap_or(0) + if common.contains(t) { 1 << 20 } else { 0 };
                    if let Some(best) = tokens.iter().min_by_key(|t| score(t)) {
                        maps[kind][1].entry(*best).or_default().push(id);
                    }
                }
                Slot::Domain(domains) => {
                    for d in domains {
                        let ids = maps[kind][2].entry(*d).or_default();
                        if ids.last() != Some(&id) {
                            ids.push(id);
                        }
                    }
                }
                Slot::Fallback => fallback[kind].push(id),
            }
        }
        let [block, exception] = maps;
        let [fb_block, fb_exception] = fallback;
        engine.block = indexes(block, fb_block);
        engine.exception = indexes(exception, fb_exception);
    }
}

fn indexes(maps: [BTreeMap<u32, Vec<u32>>; 3], fallback: Vec<u32>) -> Indexes {
    let [host, token, domain] = maps;
    Indexes { host: FlatIndex::build(&host), token: FlatIndex::build(&token), domain: FlatIndex::build(&domain), fallback }
}

/// `||host^rest` / `||host/rest` / `||host:rest` → (host, rest starting at the separator).
fn host_key(f: &NetworkFilter) -> Option<(&str, &str)> {
    if !f.host_anchor || f.regex {
        return None;
    }
    let p = f.pattern.as_str();
    let end = p.bytes().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')))?;
    let host = &p[..end];
    let next = p.as_bytes()[end];
    let ok = matches!(next, b'^' | b'/' | b':') && host.contains('.') && !host.starts_with('.') && !host.ends_with('.') && !host.bytes().any(|b| b.is_ascii_uppercase());
    ok.then(|| (host, &p[end..]))
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'%'
}

/// Tokens a URL must contain whole for this (non-regex) filter to match.
fn pattern_tokens(f: &NetworkFilter) -> Vec<String> {
    let p = f.pattern.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        if !is_token_byte(p[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < p.len() && is_token_byte(p[i]) {
            i += 1;
        }
        let left = if s == 0 { f.left_anchor || f.host_anchor } else { p[s - 1] != b'*' };
        let right = if i == p.len() { f.right_anchor } else { p[i] != b'*' };
        if left && right {
            out.push(String::from_utf8_lossy(&p[s..i]).to_ascii_lowercase());
        }
    }
    out
}

/// Literal tokens of a regex without alternation: runs of letters/digits between literal
/// non-token characters (escaped or plain), none followed by a quantifier.
fn regex_tokens(src: &str) -> Vec<String> {
    if src.contains('|') || src.contains("(?") {
        return Vec::new();
    }
    // Tokenise into (byte, literal?) pairs: escapes resolved, classes and groups opaque.
    let b = src.as_bytes();
    let mut items: Vec<Option<u8>> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if i + 1 < b.len() => {
                let c = b[i + 1];
                items.push(if c.is_ascii_alphanumeric() { None } else { Some(c) });
                i += 2;
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                items.push(None);
                i += 1;
            }
            b'?' | b'*' | b'{' | b'+' => {
                // The quantifier makes the previous item optional or repeated.
                if let Some(last) = items.last_mut() {
                    *last = None;
                }
                if b[i] == b'{' {
                    while i < b.len() && b[i] != b'}' {
                        i += 1;
                    }
                }
                items.push(None);
                i += 1;
            }
            b'.' | b'(' | b')' | b'^' | b'$' => {
                items.push(None);
                i += 1;
            }
            c => {
                items.push(Some(c.to_ascii_lowercase()));
                i += 1;
            }
        }
    }
    let mut out = Vec::new();
    let mut j = 0;
    while j < items.len() {
        if !items[j].is_some_and(is_token_byte) {
            j += 1;
            continue;
        }
        let s = j;
        while j < items.len() && items[j].is_some_and(is_token_byte) {
            j += 1;
        }
        let bounded = |k: Option<&Option<u8>>| matches!(k, Some(Some(c)) if !is_token_byte(*c));
        if s > 0 && bounded(items.get(s - 1)) && bounded(items.get(j)) {
            out.push(items[s..j].iter().flatten().map(|&c| c as char).collect());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filters::{parse_line, Line};

    fn f(line: &str) -> NetworkFilter {
        match parse_line(line) {
            Line::Filter(f) => *f,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn host_keys() {
        assert_eq!(host_key(&f("||google-analytics.com^")), Some(("google-analytics.com", "^")));
        assert_eq!(host_key(&f("||ga.com/analytics.js")), Some(("ga.com", "/analytics.js")));
        assert_eq!(host_key(&f("||ads.")), None);
        assert_eq!(host_key(&f("||example.com")), None);
        assert_eq!(host_key(&f("||localhost^")), None);
        assert_eq!(host_key(&f("|https://x.com^")), None);
    }

    #[test]
    fn tokens() {
        assert_eq!(pattern_tokens(&f("/pagead/conversion.")), ["pagead", "conversion"]);
        assert_eq!(pattern_tokens(&f("pagead/conv")), Vec::<String>::new());
        assert_eq!(pattern_tokens(&f("||ads.")), ["ads"]);
        assert_eq!(pattern_tokens(&f("/a*b/c|")), ["c"]);
        assert_eq!(pattern_tokens(&f("^track^")), ["track"]);
        assert_eq!(regex_tokens(r"^https?:\/\/cdn\.jsdelivr\.net\/npm\/[-a-z_]{4,22}@latest\/dist\/script\.min\.js$"), ["cdn", "jsdelivr", "net", "npm", "latest", "dist", "script", "min"]);
        assert!(regex_tokens(r"^https?:\/\/tmx\.(td|tdbank)\.com\/").is_empty());
        assert_eq!(regex_tokens(r"\/ads?\/"), Vec::<String>::new());
        assert_eq!(regex_tokens(r"\/adx\/"), ["adx"]);
    }
}
