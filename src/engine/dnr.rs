//! TrackerDB's filters with the category, pattern and organisation they belong to: what the
//! policy turns into the browser's own block rules (declarativeNetRequest,
//! `policy::blocking`), so that a category the person refuses is blocked before the request
//! leaves, not only reported.
//!
//! Everything comes from the engine's own tables (`tracker_filters`, the arena, `trackers`), so
//! an engine loaded from a snapshot lists the same filters as the one that was built. Only the
//! filters the engine compiled are listed: the TrackerDB lines it skipped (cosmetic filters,
//! unsupported options) are in its list report, not here.
//!
//! Exception filters (`@@`) are listed too, with their `@@`, for the caller to decide; TrackerDB
//! (1.0.x) has none, and `policy::blocking` skips them with a reason.

use std::borrow::Cow;

use serde::Serialize;

use super::{Engine, NONE};

/// One TrackerDB filter and who it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CategoryFilter<'a> {
    /// The filter as written in TrackerDB (`||mmtro.com^$3p`).
    pub filter: Cow<'a, str>,
    /// Its line in the `trackerdb` list ([`super::TRACKERDB_LIST`]).
    pub line: u32,
    /// The TrackerDB category id (`advertising`, `site_analytics`, …).
    pub category: &'a str,
    /// The TrackerDB pattern id (`google_analytics`).
    pub pattern: &'a str,
    /// The organisation's name (the pattern's name when TrackerDB names no organisation, as in
    /// attributions).
    pub organization: &'a str,
}

impl Engine {
    /// Every TrackerDB filter the engine compiled, with its category, pattern and organisation;
    /// ordered by category id, then by line. Empty without TrackerDB.
    pub fn tracker_filters_by_category(&self) -> Vec<CategoryFilter<'_>> {
        let t = &self.trackers;
        let mut out: Vec<(u16, CategoryFilter<'_>)> = self
            .tracker_filters
            .iter()
            .filter_map(|&(id, p)| {
                let f = self.filters.get(id as usize)?;
                let p = t.patterns.get(p as usize)?;
                let category = t.s(t.categories.get(usize::from(p.category))?.0);
                let organization = if p.organization == NONE { p.name } else { t.organizations.get(p.organization as usize)?.1 };
                let filter = CategoryFilter {
                    filter: self.filter_text(f),
                    line: self.line_of(f.text)?,
                    category,
                    pattern: t.s(p.id),
                    organization: t.s(organization),
                };
                Some((p.category, filter))
            })
            .collect();
        // Category ids are sorted in the table (TrackerDB's map order), so its index orders them.
        out.sort_by_key(|(category, f)| (*category, f.line));
        out.into_iter().map(|(_, f)| f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::EngineBuilder;
    use crate::trackers::TrackerDb;

    const DB: &str = r#"{
      "categories": {"site_analytics": {"name": "Site Analytics"}, "advertising": {"name": "Advertising"}},
      "organizations": {"google": {"name": "Google"}},
      "patterns": {
        "google_analytics": {"name": "Google Analytics", "category": "site_analytics", "organization": "google",
          "domains": ["google-analytics.com"], "filters": ["||google-analytics.com^$3p", "/ga.js"]},
        "mmtro": {"name": "1000mercis", "category": "advertising", "organization": "nobody",
          "domains": ["mmtro.com"], "filters": ["||mmtro.com^$3p", "example.com##.ad", "@@||mmtro.com/ok^"]}
      }
    }"#;

    #[test]
    fn lists_each_filter_with_its_category_from_a_snapshot_too() {
        let mut b = EngineBuilder::new();
        b.add_list("other.txt", "||elsewhere.example^");
        b.trackerdb(TrackerDb::from_json(DB, "test").expect("db"));
        let e = b.build().0;
        let rows = |e: &super::Engine| -> Vec<(String, u32, String, String, String)> {
            e.tracker_filters_by_category()
                .into_iter()
                .map(|f| (f.filter.into_owned(), f.line, f.category.to_owned(), f.pattern.to_owned(), f.organization.to_owned()))
                .collect()
        };
        let r = |f: &str, line, c: &str, p: &str, o: &str| (f.to_owned(), line, c.to_owned(), p.to_owned(), o.to_owned());
        // Patterns in id order make the lines: google_analytics 1–2, mmtro 3–5 (4 is cosmetic).
        let want = [
            r("||mmtro.com^$3p", 3, "advertising", "mmtro", "1000mercis"),
            r("@@||mmtro.com/ok^", 5, "advertising", "mmtro", "1000mercis"),
            r("||google-analytics.com^$3p", 1, "site_analytics", "google_analytics", "Google"),
            r("/ga.js", 2, "site_analytics", "google_analytics", "Google"),
        ];
        assert_eq!(rows(&e), want);
        let loaded = super::Engine::from_snapshot(&e.to_snapshot()).expect("loads");
        assert_eq!(rows(&loaded), want);
        assert!(EngineBuilder::new().build().0.tracker_filters_by_category().is_empty());
    }
}
