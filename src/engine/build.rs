//! Building an engine: lists (and TrackerDB) in, arena, compiled filters and indexes out.
//!
//! Each filter goes into exactly one index of its kind (blocking or exception):
//! 1. **host** — `||host^…`, `||host/…`: keyed by the host; the rest of the pattern is checked
//!    where the host ends;
//! 2. **token** — keyed by the filter's rarest complete token (a run of `[a-z0-9%]` that any
//!    matching URL must contain whole), rarity counted over all filters, common URL words
//!    penalised; regex filters contribute literal tokens when they have no alternation. Each
//!    filter also keeps a 32-bit mask of all its tokens, so most wrong candidates are rejected
//!    before their pattern is looked at;
//! 3. **domain** — no token but `$domain=`: keyed by each included domain;
//! 4. **fallback** — what is left, checked for every request (kept tiny).
//!
//! Filter ids are assigned group by group in that order, host and token runs sorted by key, so
//! those two indexes are just the sorted keys (see `KeyedRun`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::compiled::{self, CFilter};
use super::lookup::{gram_bit, gram_key, token_bit, GRAM, NO_OFFSET};
use super::tokens::{host_key, pattern_tokens, regex_tokens, required_literal};
use super::{DomainIndex, DomainRef, Engine, Group, KeyedRun, ListInfo, TrackerPattern, Trackers, Vendor, LINE_MARK, NONE};
use crate::filters::NetworkFilter;
use crate::hash::{hash_bytes, KeyDir};
use crate::lists::{parse_list, ListReport, ListedFilter, ParsedList};
use crate::request::ENTITY_TAG;
use crate::trackers::{section_vendor, TrackerDb};

/// The list name TrackerDB's filters are cited under.
pub const TRACKERDB_LIST: &str = "trackerdb";

/// URL words too common to index by.
const COMMON_TOKENS: &[&str] = &[
    "http", "https", "www", "com", "net", "org", "js", "html", "htm", "php", "cdn", "static", "min", "jpg", "jpeg", "png", "gif", "api",
    "assets", "img", "images", "css", "v1", "v2", "json", "io", "co", "uk", "de", "fr",
];

/// Collects lists and TrackerDB, then [`EngineBuilder::build`]s an [`Engine`].
#[derive(Default)]
pub struct EngineBuilder {
    /// Each list with, per filter, the TrackerDB pattern it comes from (or NONE).
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

    /// Uses a tracker database: its filters become the list `trackerdb` (line *n* is the *n*-th
    /// filter, patterns in id order, each pattern's filters in order), its domains attribute
    /// requests.
    pub fn trackerdb(&mut self, db: TrackerDb) -> &mut Self {
        self.trackerdb = Some(db);
        self
    }

    /// Compiles everything. Returns the engine and one report per list (TrackerDB last).
    pub fn build(mut self) -> (Engine, Vec<ListReport>) {
        let mut engine = Engine::default();
        if let Some(db) = self.trackerdb.take() {
            self.lists.push(trackerdb_list(&db));
            engine.trackers = compile_trackers(&db);
        }
        // `$badfilter` applies across all lists.
        let bad: HashSet<String> =
            self.lists.iter().flat_map(|(l, _)| l.filters.iter()).filter_map(|f| f.filter.badfilter_target()).collect();
        let mut reports = Vec::with_capacity(self.lists.len());
        let mut items = Vec::new();
        for (list, owners) in self.lists {
            let mut report = list.report;
            let mut kept = Vec::with_capacity(list.filters.len());
            for (listed, owner) in list.filters.into_iter().zip(owners) {
                let f = &listed.filter;
                let counter = if f.exception { &mut report.exceptions } else { &mut report.filters };
                if f.badfilter {
                    *counter -= 1;
                    report.skip("$badfilter (disables another filter)".into());
                } else if bad.contains(&f.text) {
                    *counter -= 1;
                    report.skip("disabled by a $badfilter".into());
                } else {
                    kept.push((listed, owner));
                }
            }
            // The list's lines go into the arena: a kept filter's text, or an empty line.
            let start = engine.arena.len() as u32;
            let mut info = ListInfo {
                name: report.name.clone(),
                title: report.title.clone(),
                version: report.version.clone(),
                start,
                ..Default::default()
            };
            let mut next = kept.iter().peekable();
            let mut sections = list.sections.iter().peekable();
            for line in 1..=report.lines.max(1) as u32 {
                let here = engine.arena.len() as u32;
                if (line as usize - 1) % LINE_MARK == 0 {
                    info.line_marks.push(here);
                }
                if let Some((_, file)) = sections.next_if(|(l, _)| *l == line) {
                    let vendor = section_vendor(file).map_or(NONE, |v| {
                        let organization = v
                            .trackerdb_org
                            .and_then(|o| engine.trackers.organizations.iter().find(|(id, _)| engine.trackers.s(*id) == o))
                            .map_or_else(|| v.name.to_owned(), |(_, name)| engine.trackers.s(*name).to_owned());
                        engine.trackers.vendors.push(Vendor { organization, category: v.category.to_owned() });
                        (engine.trackers.vendors.len() - 1) as u32
                    });
                    info.sections.push((here, file.clone(), vendor));
                }
                if let Some((listed, owner)) = next.next_if(|(l, _)| l.line == line) {
                    let f = &listed.filter;
                    let bang = if f.exception { 2 } else { 0 };
                    // `||` is the most repeated pair of bytes in any list: keep it implied.
                    let elide = f.host_anchor && f.text[bang..].starts_with("||");
                    let stored = if elide { format!("{}{}", &f.text[..bang], &f.text[bang + 2..]) } else { f.text.clone() };
                    engine.arena.push_str(&stored);
                    items.push(Item::new(listed, *owner, here, &stored, elide));
                }
                engine.arena.push('\n');
            }
            engine.lists.push(info);
            reports.push(report);
        }
        assign(&mut engine, items);
        engine.shrink_to_fit();
        (engine, reports)
    }
}

impl Engine {
    /// Releases the spare capacity building left behind (the arena alone grew by doubling).
    fn shrink_to_fit(&mut self) {
        self.arena.shrink_to_fit();
        self.filters.shrink_to_fit();
        self.domain_refs.shrink_to_fit();
        self.domain_hashes.shrink_to_fit();
        self.externals.shrink_to_fit();
        self.ext_arena.shrink_to_fit();
        self.geometry.shrink_to_fit();
        self.regex_ids.shrink_to_fit();
        self.regexes.shrink_to_fit();
        self.tracker_filters.shrink_to_fit();
        self.trackers.arena.shrink_to_fit();
        self.lists.iter_mut().for_each(|l| l.line_marks.shrink_to_fit());
    }
}

/// TrackerDB's filters as a list (one filter a line, patterns in id order), each filter
/// remembering its pattern.
fn trackerdb_list(db: &TrackerDb) -> (ParsedList, Vec<u32>) {
    let mut text = String::new();
    let mut line_owner = Vec::new();
    for (pi, p) in db.patterns.iter().enumerate() {
        for filter in &p.filters {
            // A filter is one line: anything after a line break is not part of it.
            text.push_str(filter.lines().next().unwrap_or(""));
            text.push('\n');
            line_owner.push(pi as u32);
        }
    }
    let mut list = parse_list(TRACKERDB_LIST, &text);
    list.report.title = Some("Ghostery TrackerDB".into());
    list.report.version = Some(db.version.clone());
    let owners = list.filters.iter().map(|f| line_owner.get(f.line as usize - 1).copied().unwrap_or(NONE)).collect();
    (list, owners)
}

fn compile_trackers(db: &TrackerDb) -> Trackers {
    let mut t = Trackers { version: db.version.clone(), ..Default::default() };
    for c in &db.categories {
        let pair = (t.add(&c.id), t.add(&c.name));
        t.categories.push(pair);
    }
    for o in &db.organizations {
        let pair = (t.add(&o.id), t.add(&o.name));
        t.organizations.push(pair);
    }
    let mut seen = HashSet::new();
    let mut domains = Vec::new();
    for (pi, p) in db.patterns.iter().enumerate() {
        let (id, name) = (t.add(&p.id), t.add(&p.name));
        t.patterns.push(TrackerPattern { id, name, category: p.category, organization: p.organization.unwrap_or(NONE) });
        for d in &p.domains {
            // A domain claimed twice keeps its first owner (TrackerDB's `domains` map does too).
            if seen.insert(d.as_str()) {
                domains.push((hash_bytes(d.as_bytes()), t.add(d), pi as u32));
            }
        }
    }
    domains.sort_by_key(|d| (d.0, d.1.off));
    t.domain_keys = KeyDir::from_sorted(domains.iter().map(|d| d.0).collect());
    t.domains = domains.into_iter().map(|(_, d, p)| (d, p)).collect();
    t
}

/// Where a filter goes.
enum Slot {
    Host(u32),
    /// (token hash, where it starts in the pattern or NO_OFFSET)
    Token(Vec<(u32, u16)>),
    Domain,
    /// (key of the 3-gram, its `gram_bit`)
    Gram(u32, usize),
    Fallback,
}

/// A filter on its way to an id.
struct Item {
    filter: CFilter,
    slot: Slot,
    include: Vec<u32>,
    exclude: Vec<u32>,
    external: Option<String>,
    geometry: Option<(u16, u16)>,
    tracker: u32,
}

impl Item {
    /// `stored` is the text as the arena keeps it (`||` removed when `elided`).
    fn new(listed: &ListedFilter, tracker: u32, text_off: u32, stored: &str, elided: bool) -> Item {
        let f: &NetworkFilter = &listed.filter;
        let mut flags = 0u16;
        for (on, bit) in [
            (f.exception, compiled::EXCEPTION),
            (f.important, compiled::IMPORTANT),
            (f.match_case, compiled::MATCH_CASE),
            (f.host_anchor, compiled::HOST_ANCHOR),
            (f.left_anchor, compiled::LEFT_ANCHOR),
            (f.right_anchor, compiled::RIGHT_ANCHOR),
            (f.regex, compiled::REGEX),
            (f.redirect, compiled::REDIRECT),
            (!f.include_domains.is_empty() || !f.exclude_domains.is_empty(), compiled::DOMAINS),
            (tracker != NONE, compiled::TRACKER),
            (elided, compiled::ELIDED),
            (!f.regex && !f.pattern.contains(['*', '^']), compiled::PLAIN),
            (f.include_domains.iter().chain(&f.exclude_domains).any(|d| d.ends_with(".*")), compiled::ENTITY),
        ] {
            if on {
                flags |= bit;
            }
        }
        let domain_hash = |d: &String| match d.strip_suffix(".*") {
            Some(entity) => hash_bytes(entity.as_bytes()) ^ ENTITY_TAG,
            None => hash_bytes(d.as_bytes()),
        };
        let include: Vec<u32> = f.include_domains.iter().map(domain_hash).collect();
        let exclude: Vec<u32> = f.exclude_domains.iter().map(domain_hash).collect();
        let host = host_key(f).map(|(h, _)| h);
        if host.is_some() {
            flags |= compiled::HOST_KEYED;
        }
        let pattern = f.pattern.as_str();
        // The pattern is a slice of the stored text, where `derive` says (usually), elsewhere in
        // it (a regex, a `||*` start), or not at all (lower-cased, hosts-file line, `**`).
        let (start, end) = compiled::derive(stored.as_bytes(), flags);
        let (mut geometry, mut external) = (None, None);
        if stored.get(start..end) != Some(pattern) {
            match stored.find(pattern).filter(|&at| at <= usize::from(u16::MAX) && pattern.len() <= usize::from(u16::MAX)) {
                Some(at) => {
                    flags |= compiled::GEOMETRY;
                    geometry = Some((at as u16, pattern.len() as u16));
                }
                None => {
                    flags |= compiled::EXTERNAL;
                    external = Some(pattern.to_owned());
                }
            }
        }
        let filter = CFilter { text: text_off, meta: CFilter::meta(f.types, f.party, flags) };
        let slot = if let Some(h) = host {
            Slot::Host(hash_bytes(h.as_bytes()))
        } else {
            let tokens: Vec<(u32, u16)> = if f.regex {
                regex_tokens(pattern).iter().map(|t| (hash_bytes(t.as_bytes()), NO_OFFSET)).collect()
            } else {
                // A plain unanchored pattern with no `*` before the token starts where the token
                // is found, less its offset.
                let fixed = |at: usize| !f.host_anchor && !f.left_anchor && !pattern[..at].contains('*') && at < usize::from(NO_OFFSET);
                pattern_tokens(f)
                    .iter()
                    .map(|(t, at)| (hash_bytes(t.as_bytes()), if fixed(*at) { *at as u16 } else { NO_OFFSET }))
                    .collect()
            };
            if !tokens.is_empty() {
                Slot::Token(tokens)
            } else if !include.is_empty() && flags & compiled::ENTITY == 0 {
                // Entities (`google.*`) would need the Public Suffix List per request to look up.
                Slot::Domain
            } else if let Some(literal) = required_literal(f) {
                let gram = rarest_gram(&literal);
                Slot::Gram(gram_key(gram), gram_bit(gram))
            } else {
                Slot::Fallback
            }
        };
        Item { filter, slot, include, exclude, external, geometry, tracker }
    }
}

/// Orders the filters into groups, assigns ids, builds indexes and side tables.
fn assign(engine: &mut Engine, items: Vec<Item>) {
    let mut counts: HashMap<u32, u32> = HashMap::new();
    for item in &items {
        if let Slot::Token(tokens) = &item.slot {
            for &(t, _) in tokens {
                *counts.entry(t).or_default() += 1;
            }
        }
    }
    let common: HashSet<u32> = COMMON_TOKENS.iter().map(|t| hash_bytes(t.as_bytes())).collect();
    let score = |t: &u32| counts.get(t).copied().unwrap_or(0) + if common.contains(t) { 1 << 20 } else { 0 };
    for kind in 0..2 {
        let mine = |i: &&Item| usize::from(i.filter.has(compiled::EXCEPTION)) == kind;
        let mut host: Vec<(u32, &Item)> =
            items.iter().filter(mine).filter_map(|i| if let Slot::Host(h) = i.slot { Some((h, i)) } else { None }).collect();
        host.sort_by_key(|(h, i)| (*h, i.filter.text));
        let mut token: Vec<(u32, u32, u16, &Item)> = items
            .iter()
            .filter(mine)
            .filter_map(|i| match &i.slot {
                Slot::Token(tokens) => {
                    let (best, offset) = *tokens.iter().min_by_key(|t| score(&t.0))?;
                    Some((best, tokens.iter().fold(0, |m, &(t, _)| m | token_bit(t)), offset, i))
                }
                _ => None,
            })
            .collect();
        token.sort_by_key(|(t, _, _, i)| (*t, i.filter.text));
        let domain: Vec<&Item> = items.iter().filter(mine).filter(|i| matches!(i.slot, Slot::Domain)).collect();
        let gram: Vec<(u32, usize, &Item)> =
            items.iter().filter(mine).filter_map(|i| if let Slot::Gram(k, b) = i.slot { Some((k, b, i)) } else { None }).collect();
        let fallback: Vec<&Item> = items.iter().filter(mine).filter(|i| matches!(i.slot, Slot::Fallback)).collect();

        let mut group = Group {
            host: KeyedRun { first: engine.filters.len() as u32, keys: KeyDir::from_sorted(host.iter().map(|h| h.0).collect()) },
            ..Group::default()
        };
        for (_, item) in &host {
            push(engine, item);
        }
        group.token = KeyedRun { first: engine.filters.len() as u32, keys: KeyDir::from_sorted(token.iter().map(|t| t.0).collect()) };
        group.token_masks = token.iter().map(|t| t.1).collect();
        group.token_offsets = token.iter().map(|t| t.2).collect();
        for (_, _, _, item) in &token {
            push(engine, item);
        }
        let mut by_domain: Vec<(u32, u32)> = Vec::new();
        for item in &domain {
            let id = push(engine, item);
            let mut seen = HashSet::new();
            by_domain.extend(item.include.iter().filter(|d| seen.insert(**d)).map(|&d| (d, id)));
        }
        by_domain.sort_unstable();
        group.domain = DomainIndex {
            keys: KeyDir::from_sorted(by_domain.iter().map(|d| d.0).collect()),
            ids: by_domain.iter().map(|d| d.1).collect(),
        };
        let mut by_gram: Vec<(u32, u32)> = gram.iter().map(|(k, _, item)| (*k, push(engine, item))).collect();
        by_gram.sort_unstable();
        group.gram_bits = vec![0; 1 << 10];
        for &(_, bit, _) in &gram {
            group.gram_bits[bit >> 6] |= 1 << (bit & 63);
        }
        group.gram =
            DomainIndex { keys: KeyDir::from_sorted(by_gram.iter().map(|d| d.0).collect()), ids: by_gram.iter().map(|d| d.1).collect() };
        group.fallback = (engine.filters.len() as u32, fallback.len() as u32);
        for item in &fallback {
            push(engine, item);
        }
        engine.groups[kind] = group;
    }
}

/// Appends one filter and its side-table rows; returns its id.
fn push(engine: &mut Engine, item: &Item) -> u32 {
    let id = engine.filters.len() as u32;
    let f = item.filter;
    if f.has(compiled::DOMAINS) {
        let start = engine.domain_hashes.len() as u32;
        engine.domain_hashes.extend(&item.include);
        engine.domain_hashes.extend(&item.exclude);
        let cap = |n: usize| n.min(usize::from(u16::MAX)) as u16;
        engine.domain_refs.push(DomainRef { id, start, include: cap(item.include.len()), exclude: cap(item.exclude.len()) });
    }
    if let Some((start, len)) = item.geometry {
        engine.geometry.push((id, start, len));
    }
    if let Some(p) = &item.external {
        engine.externals.push((id, engine.ext_arena.len() as u32, p.len() as u32));
        engine.ext_arena.push_str(p);
    }
    if f.has(compiled::REGEX) {
        engine.regex_ids.push(id);
        engine.regexes.push(OnceLock::new());
    }
    if item.tracker != NONE {
        engine.tracker_filters.push((id, item.tracker));
    }
    engine.filters.push(f);
    id
}

/// The 3-gram of a literal least likely to occur in URLs (fewest common URL characters).
fn rarest_gram(literal: &[u8]) -> &[u8] {
    const COMMON: &[u8] = b"/.-_=&?:etaoinsrhlcdwpm0123456789";
    let cost = |g: &[u8]| g.iter().filter(|b| COMMON.contains(b)).count();
    literal.windows(GRAM).min_by_key(|g| cost(g)).unwrap_or(literal)
}
