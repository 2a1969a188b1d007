//! From a frame's report about a consent dialog to its ledger events: the receipt of a dialog
//! answered (by a rule or by the heuristic), failed, or found to be a pay-or-consent wall; the
//! site's consent record checked against the terms; the known tracking cookies the page has
//! after the person refused their category.
//!
//! Attribution is the permission reports' ([`super::permission`]): the page of the sender's tab,
//! by what the browser says of the sender (its tab, frame, document and origin), never by a URL
//! the page supplies; a frame of another site is flagged. A report out of shape (an unknown
//! category, a path the outcome cannot have) makes no event. Free text is cut to a bounded length
//! so a page cannot swell the ledger.
//!
//! For cookies the observer compares with the answer in force on the site: it remembers, per
//! site, the categories refused by the latest answered receipt it made an event of, and, after
//! the worker restarts, those of the ledger ([`Observer::remember_consent`]).

use serde::Deserialize;

use super::permission::web_origin;
use super::Observer;
use crate::attribution::{page_site, Page};
use crate::consent::cookies::tracking_cookie;
use crate::consent::gpp::GppCheck;
use crate::consent::verify::TcCheck;
use crate::ledger::consent::optional_categories;
use crate::ledger::{ConsentHow, ConsentOutcome, Event, Ledger, Receipt, ReceiptChoice};
use crate::policy::CmpCategory;
use crate::site::host;

/// The longest rule or vendor name kept, in characters.
const NAME_MAX: usize = 100;
/// The longest sentence kept (a reason, a failure, a switch, a button's text), in characters.
const TEXT_MAX: usize = 300;
/// The most switches kept of one answer.
const CHOICES_MAX: usize = 100;
/// The longest TC string kept, in characters (a longer one is cut, its verdict kept).
const TC_STRING_MAX: usize = 16_384;
/// The most sentences (violations, notes) and ids (purposes, features) kept of one check.
const LIST_MAX: usize = 64;
/// The most cookie names read of one report, and the longest name read.
const COOKIES_MAX: usize = 200;
const COOKIE_NAME_MAX: usize = 256;

/// A frame's report about a consent dialog, as the service worker passes it on from
/// `chrome.runtime.onMessage`: what happened from the message (`body`), who from the message's
/// sender.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentReport {
    /// `sender.tab.id`.
    pub tab_id: i64,
    /// `sender.frameId` (0 for the tab's top frame).
    pub frame_id: i64,
    /// `sender.documentId`.
    #[serde(default)]
    pub document_id: Option<String>,
    /// `sender.url`: the frame's URL.
    pub frame_url: String,
    /// `sender.origin`, when the browser gives it; taken before `frame_url`.
    #[serde(default)]
    pub frame_origin: Option<String>,
    /// When, in milliseconds since the Unix epoch (the service worker's clock).
    pub at: u64,
    pub body: ConsentBody,
}

/// What a consent report says, tagged by `kind`.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
pub enum ConsentBody {
    /// A session's final answer (`crate::consent::Answer`, as the engine serialised it), with the
    /// CMP categories (keys) the person's terms refuse on the site: what a settings-layer answer
    /// refused. A refusal of everything refused every optional category, an acceptance none,
    /// whatever is passed.
    Answer {
        answer: AnswerReport,
        #[serde(default)]
        refused_categories: Vec<String>,
    },
    /// The site's TC string, already checked against the terms (`crate::consent::verify::check`).
    Tcf { check: TcCheck },
    /// The site's GPP string, already checked against the terms (`crate::consent::gpp::check`).
    Gpp { check: GppCheck },
    /// The first-party cookie names the page has after an answer (`document.cookie`).
    Cookies { names: Vec<String> },
    /// The heuristic answered a dialog no rule knows: the text of the button it pressed, its
    /// role, and whether the dialog was gone after.
    Unknown { pressed: String, role: HeuristicRole, gone: bool },
    /// The person opened the settings of the dialog answered by `rule` again (the popup's
    /// button), to choose for themselves.
    Reopened { rule: String, vendor: String },
    /// A pay-or-consent wall was seen (nothing clicked), with the rule that knows it, if any.
    Wall {
        #[serde(default)]
        rule: String,
        #[serde(default)]
        vendor: String,
    },
}

/// A session's [`crate::consent::Answer`] as JSON: the same fields.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerReport {
    pub rule: String,
    pub vendor: String,
    pub outcome: ConsentOutcome,
    /// `refuseAll`, `acceptAll` or `custom`, once a path started.
    #[serde(default)]
    pub path: Option<ConsentHow>,
    pub reason: String,
    #[serde(default)]
    pub choices: Vec<ReceiptChoice>,
    #[serde(default)]
    pub failure: Option<String>,
    /// How many commands the session issued (not kept).
    #[serde(default)]
    pub commands: u32,
}

/// Which button the heuristic pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeuristicRole {
    Refuse,
    Accept,
}

impl AnswerReport {
    /// Its receipt, or `None` when it is out of shape: a heuristic path, an answer with no path,
    /// a category that is no optional CMP category.
    fn receipt(&self, at: u64, refused: &[String]) -> Option<Receipt> {
        if self.path == Some(ConsentHow::Heuristic) || (self.outcome == ConsentOutcome::Answered && self.path.is_none()) {
            return None;
        }
        let mut keys = Vec::with_capacity(refused.len());
        for key in refused {
            keys.push(CmpCategory::from_key(key).filter(|c| *c != CmpCategory::StrictlyNecessary)?);
        }
        let refused_categories = match (self.outcome, self.path) {
            (ConsentOutcome::Answered, Some(ConsentHow::RefuseAll)) => optional_categories(),
            (ConsentOutcome::Answered, Some(ConsentHow::Custom)) => {
                CmpCategory::ALL.iter().filter(|c| keys.contains(c)).map(|c| c.key().to_owned()).collect()
            }
            _ => Vec::new(),
        };
        let choices = self.choices.iter().take(CHOICES_MAX).map(|c| ReceiptChoice { what: clip(&c.what, TEXT_MAX), ..c.clone() }).collect();
        Some(Receipt {
            at,
            visit: 0,
            rule: clip(&self.rule, NAME_MAX),
            vendor: clip(&self.vendor, NAME_MAX),
            how: self.path,
            outcome: self.outcome,
            reason: clip(&self.reason, TEXT_MAX),
            choices,
            failure: self.failure.as_deref().map(|f| clip(f, TEXT_MAX)),
            refused_categories,
        })
    }
}

/// The receipt of the heuristic's answer to a dialog no rule knows.
fn heuristic_receipt(at: u64, pressed: &str, role: HeuristicRole, gone: bool) -> Receipt {
    let pressed = clip(pressed, TEXT_MAX);
    let noun = match role {
        HeuristicRole::Refuse => "refusal",
        HeuristicRole::Accept => "acceptance",
    };
    Receipt {
        at,
        visit: 0,
        rule: "heuristic".to_owned(),
        vendor: "unknown".to_owned(),
        how: Some(ConsentHow::Heuristic),
        outcome: if gone { ConsentOutcome::Answered } else { ConsentOutcome::Failed },
        reason: format!("no rule knows this dialog: pressed its one {noun} button, \"{pressed}\""),
        choices: Vec::new(),
        failure: (!gone).then(|| format!("the dialog was still shown after pressing \"{pressed}\"")),
        refused_categories: if gone && role == HeuristicRole::Refuse { optional_categories() } else { Vec::new() },
    }
}

/// A TC string's check with every list and text bounded.
fn bounded(check: &TcCheck) -> TcCheck {
    let texts = |v: &[String]| v.iter().take(LIST_MAX).map(|t| clip(t, TEXT_MAX)).collect();
    let ids = |v: &[u8]| v.iter().take(LIST_MAX).copied().collect();
    TcCheck {
        cmp_id: check.cmp_id,
        tc_string: clip(&check.tc_string, TC_STRING_MAX),
        purpose_consents: ids(&check.purpose_consents),
        purpose_legitimate_interests: ids(&check.purpose_legitimate_interests),
        special_features: ids(&check.special_features),
        violations: texts(&check.violations),
        notes: texts(&check.notes),
        unreadable: check.unreadable.as_deref().map(|u| clip(u, TEXT_MAX)),
    }
}

/// A GPP string's check with every list and text bounded.
fn bounded_gpp(check: &GppCheck) -> GppCheck {
    let texts = |v: &[String]| v.iter().take(LIST_MAX).map(|t| clip(t, TEXT_MAX)).collect();
    let ids = |v: &[u32]| v.iter().take(LIST_MAX).copied().collect();
    GppCheck {
        gpp_string: clip(&check.gpp_string, TC_STRING_MAX),
        sections: ids(&check.sections),
        applicable_sections: ids(&check.applicable_sections),
        checked: ids(&check.checked),
        violations: texts(&check.violations),
        notes: texts(&check.notes),
        unreadable: check.unreadable.as_deref().map(|u| clip(u, TEXT_MAX)),
    }
}

/// `text`, cut to `max` characters (a cut one ends in `…`).
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

impl Observer {
    /// A frame's report about a consent dialog: its events, none when the report is out of
    /// shape or belongs to no page of the sender's tab.
    ///
    /// - `answer`, `unknown`, `wall`: a `consent` event with the receipt;
    /// - `tcf`: a `consentCheck` event;
    /// - `cookies`: from the page's own frames only, a `consentCookie` event per name
    ///   `tracking_cookie` knows (on the frame's host) whose category the site's answer in force
    ///   refused (an answer of this visit or an earlier one); none before any answer.
    pub fn consent(&mut self, r: &ConsentReport) -> Vec<Event> {
        let Some(origin) = r.frame_origin.as_deref().and_then(web_origin).or_else(|| web_origin(&r.frame_url)) else { return Vec::new() };
        let Some(frame_site) = page_site(&origin) else { return Vec::new() };
        let Some(page) = self.attribution.page_of_frame(r.tab_id, r.frame_id, r.document_id.as_deref(), &frame_site) else {
            return Vec::new();
        };
        let third_party_frame = frame_site != page.site;
        let receipt = match &r.body {
            ConsentBody::Answer { answer, refused_categories } => answer.receipt(r.at, refused_categories),
            ConsentBody::Unknown { pressed, role, gone } => Some(heuristic_receipt(r.at, pressed, *role, *gone)),
            ConsentBody::Wall { rule, vendor } => Some(Receipt {
                at: r.at,
                visit: 0,
                rule: clip(rule, NAME_MAX),
                vendor: clip(vendor, NAME_MAX),
                how: None,
                outcome: ConsentOutcome::PayOrConsent,
                reason: "a pay-or-consent wall: reported, not answered".to_owned(),
                choices: Vec::new(),
                failure: None,
                refused_categories: Vec::new(),
            }),
            ConsentBody::Reopened { rule, vendor } => Some(Receipt {
                at: r.at,
                visit: 0,
                rule: clip(rule, NAME_MAX),
                vendor: clip(vendor, NAME_MAX),
                how: None,
                outcome: ConsentOutcome::Reopened,
                reason: "you opened its settings to choose for yourself".to_owned(),
                choices: Vec::new(),
                failure: None,
                refused_categories: Vec::new(),
            }),
            ConsentBody::Gpp { check } => {
                let Page { site, visit, .. } = page;
                return vec![Event::ConsentGpp { seq: self.next(), at: r.at, site, visit, origin, check: bounded_gpp(check) }];
            }
            ConsentBody::Tcf { check } => {
                let Page { site, visit, .. } = page;
                return vec![Event::ConsentCheck { seq: self.next(), at: r.at, site, visit, origin, check: bounded(check) }];
            }
            ConsentBody::Cookies { names } if !third_party_frame => return self.cookies(page, &origin, r.at, names),
            ConsentBody::Cookies { .. } => return Vec::new(),
        };
        let Some(receipt) = receipt else { return Vec::new() };
        match receipt.outcome {
            ConsentOutcome::Answered => {
                self.refused.insert(page.site.clone(), receipt.refused_categories.clone());
            }
            ConsentOutcome::Reopened => {
                self.refused.remove(&page.site);
            }
            _ => {}
        }
        let Page { site, visit, .. } = page;
        vec![Event::Consent { seq: self.next(), at: r.at, site, visit, origin, third_party_frame, receipt }]
    }

    /// The `consentCookie` events of a page's cookie names.
    fn cookies(&mut self, page: Page, origin: &str, at: u64, names: &[String]) -> Vec<Event> {
        let Some(refused) = self.refused.get(&page.site) else { return Vec::new() };
        let Some(host) = host(origin) else { return Vec::new() };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let mut seen: Vec<&str> = Vec::new();
        let mut found = Vec::new();
        for name in names.iter().take(COOKIES_MAX).map(|n| n.trim()).filter(|n| !n.is_empty() && n.len() <= COOKIE_NAME_MAX) {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let Some(cookie) = tracking_cookie(name, &host) else { continue };
            if refused.iter().any(|c| c == cookie.category.key()) {
                found.push((name.to_owned(), cookie.company.to_owned(), cookie.category.key().to_owned()));
            }
        }
        found
            .into_iter()
            .map(|(name, company, category)| Event::ConsentCookie {
                seq: self.next(),
                at,
                site: page.site.clone(),
                visit: page.visit.clone(),
                name,
                company,
                category,
            })
            .collect()
    }

    /// Remembers, for cookie reports, the categories refused by each site's answer in force in
    /// `ledger`: to call after the service worker restarts (the observer is new, the ledger is
    /// not). A site this observer already made an answer's event for keeps what it knows.
    pub fn remember_consent(&mut self, ledger: &Ledger) {
        for (name, site) in &ledger.sites {
            if let Some(receipt) = site.consent.in_force() {
                self.refused.entry(name.clone()).or_insert_with(|| receipt.refused_categories.clone());
            }
        }
    }
}

#[cfg(test)]
#[path = "consent_tests.rs"]
mod tests;
