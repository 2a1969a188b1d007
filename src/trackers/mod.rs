//! Who is behind a request: the Ghostery tracker database (`@ghostery/trackerdb`'s
//! `trackerdb.json`, CC-BY-NC-SA-4.0) and the vendor sections of EasyPrivacy.
//!
//! TrackerDB has *patterns* (a product such as "Google Analytics": category, organisation,
//! domains, filters), *organisations* ("Google") and *categories* ("site_analytics"). The engine
//! compiles the patterns' filters as one more list (`trackerdb`) and their domains into a host
//! index, so a verdict names the company whichever list decided.

mod sections;

use std::collections::BTreeMap;

pub use sections::{section_vendor, SectionVendor};
use serde::Deserialize;

/// Errors reading a tracker database.
#[derive(Debug, thiserror::Error)]
pub enum TrackerDbError {
    #[error("TrackerDB is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("TrackerDB pattern `{pattern}` names unknown category `{category}`")]
    UnknownCategory { pattern: String, category: String },
}

#[derive(Deserialize)]
struct RawDb {
    categories: BTreeMap<String, RawCategory>,
    organizations: BTreeMap<String, RawOrganization>,
    patterns: BTreeMap<String, RawPattern>,
}

#[derive(Deserialize)]
struct RawCategory {
    name: String,
}

#[derive(Deserialize)]
struct RawOrganization {
    name: String,
}

#[derive(Deserialize)]
struct RawPattern {
    name: String,
    category: String,
    organization: Option<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    filters: Vec<String>,
}

/// A category: id (`site_analytics`) and display name (`Site Analytics`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub name: String,
}

/// An organisation: id (`google`) and display name (`Google`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
}

/// A TrackerDB pattern, the unit of attribution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pub id: String,
    pub name: String,
    pub category: u16,
    /// Index into [`TrackerDb::organizations`]; `None` when TrackerDB names none.
    pub organization: Option<u32>,
    pub domains: Vec<String>,
    pub filters: Vec<String>,
}

/// The tracker database, in index form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrackerDb {
    pub categories: Vec<Category>,
    pub organizations: Vec<Organization>,
    pub patterns: Vec<Pattern>,
    /// Where it came from (e.g. `@ghostery/trackerdb 1.0.945`).
    pub version: String,
}

impl TrackerDb {
    /// Reads `trackerdb.json`. Unknown fields are ignored (the export grows); a pattern that
    /// names an unknown category is an error; an unknown organisation is dropped to `None`.
    pub fn from_json(json: &str, version: &str) -> Result<TrackerDb, TrackerDbError> {
        let raw: RawDb = serde_json::from_str(json)?;
        let categories: Vec<Category> = raw.categories.into_iter().map(|(id, c)| Category { id, name: c.name }).collect();
        let organizations: Vec<Organization> = raw.organizations.into_iter().map(|(id, o)| Organization { id, name: o.name }).collect();
        let mut patterns = Vec::with_capacity(raw.patterns.len());
        for (id, p) in raw.patterns {
            let category = categories
                .iter()
                .position(|c| c.id == p.category)
                .ok_or_else(|| TrackerDbError::UnknownCategory { pattern: id.clone(), category: p.category.clone() })?;
            let organization = p.organization.and_then(|o| organizations.iter().position(|x| x.id == o)).map(|i| i as u32);
            patterns.push(Pattern {
                id,
                name: p.name,
                category: category as u16,
                organization,
                domains: p.domains.into_iter().map(|d| d.trim().to_ascii_lowercase()).filter(|d| !d.is_empty()).collect(),
                filters: p.filters,
            });
        }
        Ok(TrackerDb { categories, organizations, patterns, version: version.to_owned() })
    }

    /// The TrackerDB `build.sh` installed, embedded at compile time (native builds only).
    /// `None` when the crate was built without it (see `build.rs`).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn embedded() -> Option<Result<TrackerDb, TrackerDbError>> {
        embedded::JSON.map(|json| TrackerDb::from_json(json, embedded::VERSION))
    }

    /// Finds an organisation by id.
    pub fn organization_by_id(&self, id: &str) -> Option<u32> {
        self.organizations.iter().position(|o| o.id == id).map(|i| i as u32)
    }

    /// Finds a category by id.
    pub fn category_by_id(&self, id: &str) -> Option<u16> {
        self.categories.iter().position(|c| c.id == id).map(|i| i as u16)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/trackerdb_embed.rs"));
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const SAMPLE: &str = r##"{
      "categories": {"site_analytics": {"name": "Site Analytics", "color": "#000"},
                     "advertising": {"name": "Advertising"}},
      "organizations": {"google": {"name": "Google", "country": "US"}},
      "patterns": {
        "google_analytics": {"name": "Google Analytics", "category": "site_analytics",
          "organization": "google", "domains": ["google-analytics.com"],
          "filters": ["||google-analytics.com^$3p"]},
        "orphan": {"name": "Orphan", "category": "advertising", "organization": "nobody",
          "domains": [], "filters": []}
      },
      "domains": {}, "filters": {}
    }"##;

    #[test]
    fn reads_trackerdb_json() {
        let db = TrackerDb::from_json(SAMPLE, "test").expect("sample parses");
        assert_eq!(db.patterns.len(), 2);
        let ga = &db.patterns[0];
        assert_eq!(ga.name, "Google Analytics");
        assert_eq!(db.categories[ga.category as usize].id, "site_analytics");
        assert_eq!(db.organizations[ga.organization.expect("org") as usize].name, "Google");
        assert_eq!(db.patterns[1].organization, None);
    }

    #[test]
    fn rejects_bad_databases() {
        assert!(matches!(TrackerDb::from_json("{", "x"), Err(TrackerDbError::Json(_))));
        let bad = SAMPLE.replace("\"advertising\", \"organization\": \"nobody\"", "\"nope\", \"organization\": \"nobody\"");
        assert!(matches!(TrackerDb::from_json(&bad, "x"), Err(TrackerDbError::UnknownCategory { .. })));
    }
}
