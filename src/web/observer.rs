//! Browser bindings for the observer (wasm32 only): `chrome.webRequest` details in as plain
//! objects, ledger events out as plain objects. No logic: see `crate::observer`.

use wasm_bindgen::prelude::*;

use super::ledger::WasmLedger;
use super::{js_error, to_js, WasmEngine};
use crate::attribution::{Attribution, Details};
use crate::observer::{ConsentReport, Observer, PermissionReport};

/// The engine with the attribution state.
#[wasm_bindgen]
pub struct WasmObserver(pub(crate) Observer);

fn details(value: JsValue) -> Result<Details, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(js_error)
}

#[wasm_bindgen]
impl WasmObserver {
    /// Takes over `engine`. `state` is what `state()` returned before (or null for none); `seq`
    /// the last event number used. A state it cannot read (from another version) is dropped:
    /// open pages are then attributed again from their next navigation.
    #[wasm_bindgen(constructor)]
    pub fn new(engine: WasmEngine, state: Option<String>, seq: f64) -> WasmObserver {
        let attribution = state.and_then(|json| Attribution::from_json(&json).ok()).unwrap_or_default();
        WasmObserver(Observer::new(engine.engine, attribution, seq as u64))
    }

    /// The attribution state, to keep in session storage.
    pub fn state(&self) -> String {
        self.0.attribution.to_json()
    }

    /// The last event number used.
    pub fn seq(&self) -> f64 {
        self.0.seq() as f64
    }

    /// A top-level page is requested (`onBeforeRequest`, `main_frame`): events to record.
    pub fn navigated(&mut self, d: JsValue, at: f64) -> Result<JsValue, JsError> {
        let d = details(d)?;
        to_js(&self.0.navigated(&d, at as u64))
    }

    /// Any other request: `[events, [tabId, count] | null]` (the events to record and the tab's
    /// new badge count), or null when it belongs to no site.
    pub fn request(&mut self, d: JsValue, at: f64) -> Result<JsValue, JsError> {
        let d = details(d)?;
        let observed = self.0.request(&d, at as u64);
        to_js(&observed.map(|o| (o.events, o.badge)))
    }

    /// A response with `Set-Cookie`: events to record (none when it is not a third party's).
    pub fn cookie(&mut self, d: JsValue, at: f64) -> Result<JsValue, JsError> {
        let d = details(d)?;
        to_js(&self.0.cookie(&d, at as u64))
    }

    /// A request the browser blocked (`webRequest.onErrorOccurred` with
    /// `net::ERR_BLOCKED_BY_CLIENT`): its events.
    pub fn blocked(&mut self, d: JsValue, at: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.blocked(&details(d)?, at as u64))
    }

    /// A permission call a frame reported (`content/permissions.js`), with the browser's sender
    /// (`tabId`, `frameId`, `documentId`, `frameUrl`, `frameOrigin`) and `at`: its events, none
    /// when the report is refused or belongs to no page.
    pub fn permission(&mut self, report: JsValue) -> Result<JsValue, JsError> {
        let report: PermissionReport = serde_wasm_bindgen::from_value(report).map_err(js_error)?;
        to_js(&self.0.permission(&report))
    }

    /// What a consent dialog's executor or the page's CMP reported (`consent-worker.js`: an
    /// answer, a TCF check, cookie names, an unknown dialog's answer, a wall), with the browser's
    /// sender and `at`: its events, none when the report is refused or belongs to no page.
    pub fn consent(&mut self, report: JsValue) -> Result<JsValue, JsError> {
        let report: ConsentReport = serde_wasm_bindgen::from_value(report).map_err(js_error)?;
        to_js(&self.0.consent(&report))
    }

    /// After a start: what each site's answer in force refused, from the stored ledger, so that a
    /// tracker's cookie after a refusal is still caught.
    #[wasm_bindgen(js_name = rememberConsent)]
    pub fn remember_consent(&mut self, ledger: &WasmLedger) {
        self.0.remember_consent(&ledger.0);
    }

    /// A tab was closed: events to record.
    #[wasm_bindgen(js_name = tabClosed)]
    pub fn tab_closed(&mut self, tab: f64, at: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.tab_closed(tab as i64, at as u64))
    }

    /// A tab shows a new URL: events to record.
    pub fn shown(&mut self, tab: f64, url: &str, at: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.shown(tab as i64, url, at as u64))
    }

    /// Leave events for the ledger's open visits that no tab shows.
    #[wasm_bindgen(js_name = leaveUnheld)]
    pub fn leave_unheld(&mut self, ledger: &WasmLedger, at: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.leave_unheld(&ledger.0, at as u64))
    }

    /// Compiles up to `max` of the engine's regex filters not compiled yet (they compile on
    /// first use otherwise, in the way of a request); returns how many are left.
    #[wasm_bindgen(js_name = compileRegexes)]
    pub fn compile_regexes(&self, max: u32) -> u32 {
        self.0.engine.compile_regexes(max as usize) as u32
    }

    /// What a tab shows: `{ page: { site, visit, url, tab }, trackers }`, or null.
    pub fn tab(&self, tab: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.attribution.tab(tab as i64))
    }
}
