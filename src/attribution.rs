//! Which site and visit each request the browser reports belongs to.
//!
//! The extension sees requests as `chrome.webRequest` details: a tab, a frame, a document. A
//! visit starts when a tab's top frame requests a page (`onBeforeRequest`: the one event that
//! surely comes before the page's own requests; a later event such as `onResponseStarted` can
//! reach the extension after them). A redirect within the site is the same visit; a redirect to
//! another site (a link shortener, a bounce tracker) is a visit to each. Every later request is
//! attributed to the top-level page it serves:
//!
//! - **by document** first: a request names the document that made it, and a document belongs
//!   to the page it was first seen in, so an old page's last beacons, sent while the next page
//!   is already loading, stay with the old visit;
//! - **iframes** through their parent document, else the tab's page;
//! - **dedicated workers** carry their page's tab and document;
//! - **prerendered pages** (a top-level frame other than the tab's own) are visits of their own
//!   from the first request — their trackers were contacted whether or not the page is shown —
//!   and become the tab's page when the tab shows their URL;
//! - a **missed navigation**: a stopped service worker wakes for the next page's navigation, and
//!   Chromium may deliver that event after the page's own requests, or not at all. A request
//!   from a new top-level document, when the tab's page already has its document, is then a new
//!   visit to the document's site (its `initiator`); the navigation event, if it comes late, is
//!   that same visit;
//! - a **speculative fetch** of the next page (a `main_frame` request made by a document) is
//!   one of that document's requests, not a visit;
//! - **requests with no tab** (service and shared workers) go to an open page of the site that
//!   started them (its origin, `initiator`), else to the site with no visit: background activity;
//! - browser-internal and extension requests (no web initiator) belong to no site.
//!
//! The state is small and serialisable: the service worker keeps it in session storage, so it
//! survives the worker being stopped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::site::{parse_url, registrable_domain};

/// Documents remembered, most recent kept.
const DOCUMENTS_KEPT: usize = 512;

/// What `chrome.webRequest` reports about a request (the fields used; others are ignored).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    pub url: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub request_id: String,
    pub time_stamp: f64,
    pub tab_id: i64,
    pub frame_id: i64,
    pub frame_type: Option<String>,
    pub document_id: Option<String>,
    pub parent_document_id: Option<String>,
    pub document_lifecycle: Option<String>,
    pub initiator: Option<String>,
}

/// The top-level page a request is attributed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// Registrable domain of the page.
    pub site: String,
    /// The visit, or `None` for a site's background activity.
    pub visit: Option<String>,
    pub url: String,
    /// The tab showing it (-1 for none).
    pub tab: i64,
}

/// A tab's page and how many tracker requests it made (the toolbar badge).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tab {
    pub page: Page,
    pub trackers: u64,
    /// The navigation request that brought the page (redirects keep it).
    #[serde(default)]
    pub request: String,
    /// The page's top-level document, once one of its requests named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// For a visit inferred from a new document's request (its navigation event not seen): that
    /// request's time (ms, rounded up). A navigation of the site that started before it is this visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<u64>,
}

/// A new visit, and the visits it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Navigation {
    pub page: Page,
    pub left: Vec<Page>,
}

/// The attribution state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attribution {
    tabs: BTreeMap<i64, Tab>,
    /// Prerendered pages not (yet) shown, by "tab:frame".
    prerendered: BTreeMap<String, Page>,
    /// Documents and their page, with the order they were first seen in.
    documents: BTreeMap<String, (u64, Page)>,
    next_order: u64,
}

/// The registrable domain of a web page's URL (http or https), or `None`.
pub fn page_site(url: &str) -> Option<String> {
    let parts = parse_url(url)?;
    if !matches!(parts.scheme(url), "http" | "https") {
        return None;
    }
    Some(registrable_domain(&parts.host(url).to_ascii_lowercase()).to_owned())
}

impl Attribution {
    /// A top-level page is requested (`webRequest.onBeforeRequest` of a `main_frame` request,
    /// each redirect included). `None` when it is no new visit: not a web page, no tab, a
    /// document's speculative fetch, or a redirect within the site.
    pub fn navigated(&mut self, d: &Details) -> Option<Navigation> {
        if d.kind != "main_frame" || d.tab_id < 0 || d.document_id.is_some() {
            return None;
        }
        let site = page_site(&d.url)?;
        if let Some(tab) = self.tabs.get_mut(&d.tab_id).filter(|t| t.page.site == site) {
            if is_same_navigation(tab, d) {
                tab.page.url.clone_from(&d.url);
                tab.request.clone_from(&d.request_id);
                tab.inferred = None;
                return None;
            }
        }
        let visit = format!("{}:{}:{}", d.tab_id, d.request_id, d.time_stamp.round());
        let page = Page { site, visit: Some(visit), url: d.url.clone(), tab: d.tab_id };
        if d.frame_id != 0 || d.document_lifecycle.as_deref() == Some("prerender") {
            self.prerendered.insert(frame_key(d.tab_id, d.frame_id), page.clone());
            return Some(Navigation { page, left: Vec::new() });
        }
        let left = self.leave_tab(d.tab_id);
        self.tabs.insert(d.tab_id, Tab::new(page.clone(), d.request_id.clone()));
        Some(Navigation { page, left })
    }

    /// The page a (non-navigation) request belongs to, or `None` for none.
    pub fn page_of(&mut self, d: &Details) -> Option<Page> {
        self.attribute(d).map(|(page, _)| page)
    }

    /// The page a (non-navigation) request belongs to, and the visit it revealed when it came
    /// from a top-level document whose navigation was not seen.
    pub fn attribute(&mut self, d: &Details) -> Option<(Page, Option<Navigation>)> {
        if let Some((_, page)) = d.document_id.as_ref().and_then(|id| self.documents.get(id)) {
            return Some((page.clone(), None));
        }
        if let Some(nav) = self.missed_navigation(d) {
            return Some((nav.page.clone(), Some(nav)));
        }
        if d.tab_id < 0 {
            return self.without_tab(d).map(|page| (page, None));
        }
        let framed = matches!(d.frame_type.as_deref(), Some("sub_frame" | "fenced_frame")) || d.kind == "sub_frame";
        let parent = d.parent_document_id.as_ref().and_then(|id| self.documents.get(id)).map(|(_, p)| p);
        let page = match (framed, parent) {
            (true, Some(parent)) => parent.clone(),
            (false, _) if d.frame_id != 0 => match self.prerendered.get(&frame_key(d.tab_id, d.frame_id)) {
                Some(page) => page.clone(),
                None => self.tabs.get(&d.tab_id)?.page.clone(),
            },
            _ => self.tabs.get(&d.tab_id)?.page.clone(),
        };
        if let Some(id) = &d.document_id {
            self.remember(id, &page);
        }
        Some((page, None))
    }

    /// The page of a frame that reported something itself (a script's message, with the sender
    /// the browser names: its tab, frame, document and site): the page of the frame's document
    /// if a request of that document was seen; else, for a tab's top frame, the tab's page if it
    /// is of the frame's site (another site means a navigation not seen yet: no page); else, for
    /// a subframe, its prerendered page or the tab's page.
    pub fn page_of_frame(&self, tab: i64, frame: i64, document: Option<&str>, site: &str) -> Option<Page> {
        if let Some((_, page)) = document.and_then(|id| self.documents.get(id)) {
            return Some(page.clone());
        }
        if tab < 0 {
            return None;
        }
        let page = match self.prerendered.get(&frame_key(tab, frame)) {
            Some(page) if frame != 0 => page,
            _ => &self.tabs.get(&tab)?.page,
        };
        (frame != 0 || page.site == site).then(|| page.clone())
    }

    /// A request from a new top-level document of a tab whose page already has its document:
    /// the navigation to it was not seen (or not yet). The document's site gets a visit.
    /// A document's first request names the page's document, unless it comes from another site
    /// (the previous page's last beacon, sent after the next page's navigation).
    fn missed_navigation(&mut self, d: &Details) -> Option<Navigation> {
        let document = d.document_id.as_ref()?;
        let top = d.frame_id == 0 && d.kind != "main_frame" && !matches!(d.frame_type.as_deref(), Some("sub_frame" | "fenced_frame"));
        if !top || !matches!(d.document_lifecycle.as_deref(), None | Some("active")) {
            return None;
        }
        let site = d.initiator.as_deref().and_then(page_site);
        let tab = self.tabs.get_mut(&d.tab_id)?;
        match &tab.document {
            None => {
                if site.as_ref().is_none_or(|s| *s == tab.page.site) {
                    tab.document = Some(document.clone());
                }
                None
            }
            Some(known) if known == document => None,
            Some(_) => {
                let site = site?;
                let origin = d.initiator.as_deref()?;
                let visit = format!("{}:{}:{}", d.tab_id, d.request_id, d.time_stamp.round());
                let page = Page { site, visit: Some(visit), url: format!("{origin}/"), tab: d.tab_id };
                let left = self.leave_tab(d.tab_id);
                let mut tab = Tab::new(page.clone(), String::new());
                tab.document = Some(document.clone());
                tab.inferred = Some(d.time_stamp.max(0.0).ceil() as u64);
                self.tabs.insert(d.tab_id, tab);
                self.remember(document, &page);
                Some(Navigation { page, left })
            }
        }
    }

    /// A service or shared worker's request: an open page of its site, else background.
    fn without_tab(&self, d: &Details) -> Option<Page> {
        let origin = d.initiator.as_deref()?;
        let site = page_site(origin)?;
        let open = self.tabs.values().filter(|t| t.page.site == site).max_by_key(|t| visit_started(&t.page));
        Some(match open {
            Some(t) => t.page.clone(),
            None => Page { site, visit: None, url: format!("{origin}/"), tab: -1 },
        })
    }

    /// The tab now shows `url` (`tabs.onUpdated`): a prerendered page of that URL becomes the
    /// tab's page. Returns the visits that ended.
    pub fn shown(&mut self, tab: i64, url: &str) -> Vec<Page> {
        let prefix = format!("{tab}:");
        let Some(key) = self.prerendered.iter().find(|(k, p)| k.starts_with(&prefix) && p.url == url).map(|(k, _)| k.clone()) else {
            return Vec::new();
        };
        let Some(page) = self.prerendered.remove(&key) else { return Vec::new() };
        let left = self.leave_tab(tab);
        self.tabs.insert(tab, Tab::new(page, String::new()));
        left
    }

    /// The tab was closed: returns the visits that ended.
    pub fn tab_closed(&mut self, tab: i64) -> Vec<Page> {
        let left = self.leave_tab(tab);
        self.documents.retain(|_, (_, p)| p.tab != tab);
        left
    }

    /// Counts a tracker request on the tab's page; returns the tab's count.
    pub fn count_tracker(&mut self, page: &Page) -> Option<u64> {
        let tab = self.tabs.get_mut(&page.tab).filter(|t| t.page.visit == page.visit)?;
        tab.trackers += 1;
        Some(tab.trackers)
    }

    /// What a tab shows.
    pub fn tab(&self, tab: i64) -> Option<&Tab> {
        self.tabs.get(&tab)
    }

    /// Whether some tab (or prerender) still holds this visit.
    pub fn holds(&self, visit: &str) -> bool {
        let is = |p: &Page| p.visit.as_deref() == Some(visit);
        self.tabs.values().any(|t| is(&t.page)) || self.prerendered.values().any(is)
    }

    /// The tab's page and its prerendered pages, removed: those visits end.
    fn leave_tab(&mut self, tab: i64) -> Vec<Page> {
        let prefix = format!("{tab}:");
        let mut left: Vec<Page> = self.tabs.remove(&tab).map(|t| t.page).into_iter().collect();
        let prerendered: Vec<String> = self.prerendered.keys().filter(|k| k.starts_with(&prefix)).cloned().collect();
        left.extend(prerendered.iter().filter_map(|k| self.prerendered.remove(k)));
        left
    }

    fn remember(&mut self, document: &str, page: &Page) {
        self.next_order += 1;
        self.documents.insert(document.to_owned(), (self.next_order, page.clone()));
        if self.documents.len() > DOCUMENTS_KEPT {
            // Forget the oldest quarter at once, so that this runs rarely.
            let mut orders: Vec<u64> = self.documents.values().map(|(o, _)| *o).collect();
            orders.sort_unstable();
            let cut = orders[DOCUMENTS_KEPT / 4];
            self.documents.retain(|_, (o, _)| *o >= cut);
        }
    }

    /// Reads the stored state.
    pub fn from_json(json: &str) -> Result<Attribution, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The stored state.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Tab {
    fn new(page: Page, request: String) -> Tab {
        Tab { page, trackers: 0, request, document: None, inferred: None }
    }
}

/// Whether a navigation of the tab's site is the tab's current visit: a redirect of its
/// navigation request, or the late event of the navigation a request revealed.
fn is_same_navigation(tab: &Tab, d: &Details) -> bool {
    tab.request == d.request_id || tab.inferred.is_some_and(|at| d.time_stamp <= at as f64)
}

fn frame_key(tab: i64, frame: i64) -> String {
    format!("{tab}:{frame}")
}

/// The start time in a visit id ("tab:request:time").
fn visit_started(page: &Page) -> u64 {
    page.visit.as_deref().and_then(|v| v.rsplit(':').next()).and_then(|t| t.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests;
