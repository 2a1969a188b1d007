//! Consent dialogs for the service worker: the rule set, one session per dialog being answered,
//! the heuristic for unknown dialogs and the check of a recorded TC string. No logic: the
//! engine is `crate::consent`, tested natively.

use std::collections::BTreeMap;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::terms::WasmTerms;
use super::{js_error, to_js};
use crate::consent::heuristic::{self, Candidate, Verdict};
use crate::consent::verify::{self, TcfReport};
use crate::consent::{cookies, Command, Reply, RuleSet, Session};
use crate::policy::{CmpCategory, Decision, Effective, Purpose};

/// At most this many dialogs are answered at once; the oldest session is dropped past it.
const MAX_SESSIONS: usize = 64;

/// The rules, and the sessions under way (by number).
#[wasm_bindgen]
pub struct WasmConsent {
    rules: RuleSet,
    sessions: BTreeMap<u32, Session>,
    next: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Started<'a> {
    session: u32,
    command: &'a Command,
}

/// What to press in an unknown dialog, and why.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Press {
    candidate: usize,
    button: usize,
    role: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UnknownAnswer {
    press: Option<Press>,
    verdicts: Vec<Verdict>,
}

fn effective(terms: &WasmTerms, site: &str, now: f64) -> Effective {
    terms.0.for_site(site, now as u64)
}

/// The person refuses every optional purpose, or accepts them all (and objects to nothing): an
/// unknown dialog can be answered only then, with its one refusal or its one acceptance.
fn all_or_nothing(terms: &Effective) -> Option<&'static str> {
    let optional = || Purpose::ALL.iter().filter(|p| p.is_optional());
    if optional().all(|p| terms.purpose(*p) == Decision::Refuse) {
        Some("refuse")
    } else if optional().all(|p| terms.purpose(*p) == Decision::Accept) && !terms.legitimate_interest_objected() {
        Some("accept")
    } else {
        None
    }
}

#[wasm_bindgen]
impl WasmConsent {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmConsent {
        WasmConsent { rules: RuleSet::default(), sessions: BTreeMap::new(), next: 1 }
    }

    /// Loads one rule file (an object or an array of rules); throws, naming the file and the
    /// bad value, and then nothing of the file is loaded. Answers how many rules it held.
    pub fn load(&mut self, file_name: &str, json: &str) -> Result<usize, JsError> {
        self.rules.load(file_name, json).map_err(js_error)
    }

    /// How many rules are loaded.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.rules.len()
    }

    /// What a frame needs to watch for: `{ rules: [{ name, vendor, present, showing }], prehide }`.
    pub fn plan(&self, url: &str, top: bool) -> Result<JsValue, JsError> {
        to_js(&self.rules.for_frame(url, top))
    }

    /// Starts answering the dialog of rule `rule` on `site` under `terms`: `{ session, command }`.
    pub fn start(&mut self, rule: &str, terms: &WasmTerms, site: &str, now: f64) -> Result<JsValue, JsError> {
        let rule = self.rules.get(rule).ok_or_else(|| JsError::new(&format!("no consent rule named {rule:?}")))?;
        let mut session = Session::start(rule, &effective(terms, site, now));
        let command = session.next(None);
        let id = self.next;
        self.next = self.next.wrapping_add(1).max(1);
        let started = to_js(&Started { session: id, command: &command })?;
        if !matches!(command, Command::Done { .. }) {
            if self.sessions.len() >= MAX_SESSIONS {
                self.sessions.pop_first();
            }
            self.sessions.insert(id, session);
        }
        Ok(started)
    }

    /// The executor's reply to the session's last command: the next command (`op: "done"`
    /// with the answer at the end). An unknown session throws.
    pub fn step(&mut self, session: u32, reply: JsValue) -> Result<JsValue, JsError> {
        let running = self.sessions.get_mut(&session).ok_or_else(|| JsError::new(&format!("no consent session {session}")))?;
        let command = match serde_wasm_bindgen::from_value::<serde_json::Value>(reply) {
            Ok(value) => match Reply::from_value(&value) {
                Ok(reply) => running.next(Some(reply)),
                Err(why) => running.abort(&why),
            },
            Err(e) => running.abort(&format!("unreadable reply: {e}")),
        };
        if matches!(command, Command::Done { .. }) {
            self.sessions.remove(&session);
        }
        to_js(&command)
    }

    /// How the person reopens the settings of the dialog `rule` answers (`docs/consent-rules.md`,
    /// `reopen`): `{ kind: "call", path, args }`, `{ kind: "click", selector }`, or null when the
    /// rule does not say (or there is no such rule).
    pub fn reopen(&self, rule: &str) -> Result<JsValue, JsError> {
        match self.rules.get(rule).and_then(|r| r.reopen.as_ref()) {
            Some(reopen) => to_js(reopen),
            None => Ok(JsValue::NULL),
        }
    }

    /// Ends a session whose frame went away: its answer, failed with `why`.
    pub fn abort(&mut self, session: u32, why: &str) -> Result<JsValue, JsError> {
        match self.sessions.remove(&session) {
            Some(mut running) => to_js(&running.abort(why)),
            None => Ok(JsValue::NULL),
        }
    }

    /// Ends a session whose page went away (reloaded or left, as some sites do the moment they
    /// have the answer): answered if its path was carried out, else failed. Its `done`.
    #[wasm_bindgen(js_name = pageGone)]
    pub fn page_gone(&mut self, session: u32) -> Result<JsValue, JsError> {
        match self.sessions.remove(&session) {
            Some(mut running) => to_js(&running.page_gone()),
            None => Ok(JsValue::NULL),
        }
    }

    /// The CMP categories (keys) the terms refuse on `site`: what an answer refused.
    #[wasm_bindgen(js_name = refusedCategories)]
    pub fn refused_categories(terms: &WasmTerms, site: &str, now: f64) -> Vec<String> {
        let effective = effective(terms, site, now);
        CmpCategory::ALL
            .iter()
            .filter(|c| **c != CmpCategory::StrictlyNecessary && !effective.cmp_category_accepted(**c))
            .map(|c| c.key().to_string())
            .collect()
    }

    /// An unknown dialog's candidates (`[{ text, lang, buttons: [{ text, ariaLabel, title }] }]`)
    /// judged by the heuristic: `{ press: { candidate, button, role } | null, verdicts }`. A
    /// button is named only when the person refuses (or accepts) everything optional and
    /// exactly one button does that in a consent dialog that is no pay-or-consent wall.
    #[wasm_bindgen(js_name = judgeUnknown)]
    pub fn judge_unknown(candidates: JsValue, terms: &WasmTerms, site: &str, now: f64) -> Result<JsValue, JsError> {
        let candidates: Vec<Candidate> = serde_wasm_bindgen::from_value(candidates).map_err(js_error)?;
        let verdicts: Vec<Verdict> = candidates.iter().take(5).map(heuristic::classify).collect();
        let wanted = all_or_nothing(&effective(terms, site, now));
        let press = verdicts.iter().enumerate().find_map(|(candidate, verdict)| {
            let button = match (wanted?, verdict) {
                ("refuse", _) => heuristic::refuse_button(verdict)?,
                ("accept", Verdict::Consent { accept: Some(button), .. }) => *button,
                _ => return None,
            };
            Some(Press { candidate, button, role: if wanted == Some("refuse") { "refuse" } else { "accept" } })
        });
        to_js(&UnknownAnswer { press, verdicts })
    }

    /// A TC string the page's CMP recorded (`{ tcString, eventStatus, cmpId, purposeConsents,
    /// purposeLegitimateInterests }`), checked against the terms on `site`.
    #[wasm_bindgen(js_name = checkTcf)]
    pub fn check_tcf(report: JsValue, terms: &WasmTerms, site: &str, now: f64) -> Result<JsValue, JsError> {
        let report: TcfReport = serde_wasm_bindgen::from_value(report).map_err(js_error)?;
        to_js(&verify::check(&report, &effective(terms, site, now)))
    }

    /// Checks a GPP string the page's `__gpp` reported (`{ gppString, applicableSections }`)
    /// against the terms for `site` (`consent::gpp::check`): the `GppCheck`.
    #[wasm_bindgen(js_name = checkGpp)]
    pub fn check_gpp(report: JsValue, terms: &WasmTerms, site: &str, now: f64) -> Result<JsValue, JsError> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct GppReport {
            gpp_string: String,
            #[serde(default)]
            applicable_sections: Vec<i64>,
        }
        let report: GppReport = serde_wasm_bindgen::from_value(report).map_err(js_error)?;
        // The page's "-1" means "none applies"; other ids are sections.
        let sections: Vec<u32> = report.applicable_sections.iter().filter_map(|&id| u32::try_from(id).ok()).collect();
        to_js(&crate::consent::gpp::check(&report.gpp_string, &sections, &effective(terms, site, now)))
    }

    /// A known tracking cookie's `{ company, category }`, or null.
    #[wasm_bindgen(js_name = trackingCookie)]
    pub fn tracking_cookie(name: &str, host: &str) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Found {
            company: &'static str,
            category: &'static str,
        }
        match cookies::tracking_cookie(name, host) {
            Some(c) => to_js(&Found { company: c.company, category: c.category.key() }),
            None => Ok(JsValue::NULL),
        }
    }
}

impl Default for WasmConsent {
    fn default() -> Self {
        WasmConsent::new()
    }
}
