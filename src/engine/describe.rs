//! Turning a [`Verdict`] (references) into a [`Classification`] (text): what the CLI prints and
//! the extension stores. Field names are the command line's JSON output (camelCase).

use serde::Serialize;

use super::{Engine, FilterId, TrackerRef, Verdict, NONE};
use crate::request::{Request, ResourceType};
use crate::site;

/// Where an attribution came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttributionSource {
    /// A TrackerDB pattern's filter matched the request.
    TrackerdbFilter,
    /// The request host is one of a TrackerDB pattern's domains (or under one).
    TrackerdbDomain,
    /// The deciding filter sits in a list section named after a vendor (EasyPrivacy's CNAME
    /// sections).
    ListSection,
}

/// Who is behind a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribution {
    pub organization: String,
    /// TrackerDB category id (`advertising`, `site_analytics`, …).
    pub category: Option<String>,
    /// TrackerDB pattern name (`Google Analytics`), when TrackerDB attributed it.
    pub pattern: Option<String>,
    pub source: AttributionSource,
}

/// A request's classification, self-contained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    pub url: String,
    #[serde(rename = "type")]
    pub rtype: &'static str,
    /// Blocked: a blocking filter matched and no exception overrides it.
    #[serde(rename = "match")]
    pub matched: bool,
    pub filter: Option<String>,
    pub list: Option<String>,
    pub line: Option<u32>,
    pub exception: Option<String>,
    pub exception_list: Option<String>,
    pub exception_line: Option<u32>,
    pub important: bool,
    pub third_party: bool,
    /// Registrable domain of the request and of its page (null when not a URL).
    pub domain: Option<String>,
    pub source_domain: Option<String>,
    pub organization: Option<String>,
    pub category: Option<String>,
    pub pattern: Option<String>,
    pub attribution: Option<AttributionSource>,
}

/// A filter, cited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FilterInfo<'a> {
    pub text: std::borrow::Cow<'a, str>,
    pub list: &'a str,
    pub line: u32,
    /// The list section it sits in (`easyprivacy/easyprivacy_general.txt`), if any.
    pub section: Option<&'a str>,
}

impl Engine {
    /// The text, list and line of a filter.
    pub fn filter_info(&self, id: FilterId) -> Option<FilterInfo<'_>> {
        let f = self.filters.get(id as usize)?;
        let off = f.text;
        let list = &self.lists[self.list_of(off)?];
        let section = list.sections.partition_point(|s| s.0 <= off).checked_sub(1).map(|i| list.sections[i].1.as_str());
        Some(FilterInfo { text: self.filter_text(f), list: &list.name, line: self.line_of(off)?, section })
    }

    /// Resolves a tracker reference.
    pub fn attribution(&self, tracker: TrackerRef) -> Option<Attribution> {
        let t = &self.trackers;
        let pattern = |p: u32, source| {
            let p = t.patterns.get(p as usize)?;
            let organization = if p.organization == NONE { p.name } else { t.organizations.get(p.organization as usize)?.1 };
            let category = t.categories.get(usize::from(p.category)).map(|c| t.s(c.0).to_owned());
            Some(Attribution { organization: t.s(organization).to_owned(), category, pattern: Some(t.s(p.name).to_owned()), source })
        };
        match tracker {
            TrackerRef::PatternByFilter(p) => pattern(p, AttributionSource::TrackerdbFilter),
            TrackerRef::PatternByDomain(p) => pattern(p, AttributionSource::TrackerdbDomain),
            TrackerRef::Vendor(v) => {
                let v = t.vendors.get(v as usize)?;
                Some(Attribution {
                    organization: v.organization.clone(),
                    category: Some(v.category.clone()),
                    pattern: None,
                    source: AttributionSource::ListSection,
                })
            }
        }
    }

    /// Classifies and describes in one go.
    pub fn classify_full(&self, url: &str, source_url: &str, rtype: ResourceType) -> Classification {
        let req = Request::new(url, source_url, rtype);
        let verdict = self.classify_request(&req);
        let mut c = self.describe(url, rtype, &verdict);
        c.domain = req.host().map(|h| site::registrable_domain(h).to_owned());
        c.source_domain = req.source_host.as_deref().map(|h| site::registrable_domain(h).to_owned());
        c
    }

    /// Text for a verdict (without the domains, which need the request).
    pub fn describe(&self, url: &str, rtype: ResourceType, v: &Verdict) -> Classification {
        let filter = v.filter.and_then(|id| self.filter_info(id));
        let exception = v.exception.and_then(|id| self.filter_info(id));
        let who = v.tracker.and_then(|t| self.attribution(t));
        Classification {
            url: url.to_owned(),
            rtype: rtype.as_str(),
            matched: v.matched,
            filter: filter.as_ref().map(|f| f.text.to_string()),
            list: filter.as_ref().map(|f| f.list.to_owned()),
            line: filter.as_ref().map(|f| f.line),
            exception: exception.as_ref().map(|f| f.text.to_string()),
            exception_list: exception.as_ref().map(|f| f.list.to_owned()),
            exception_line: exception.as_ref().map(|f| f.line),
            important: v.important,
            third_party: v.third_party,
            domain: None,
            source_domain: None,
            organization: who.as_ref().map(|a| a.organization.clone()),
            category: who.as_ref().and_then(|a| a.category.clone()),
            pattern: who.as_ref().and_then(|a| a.pattern.clone()),
            attribution: who.map(|a| a.source),
        }
    }
}
