//! Browser bindings for the ledger (wasm32 only): events in as plain objects (validated by
//! deserialising them), the ledger out as JSON or plain objects. No logic: see `crate::ledger`.

use wasm_bindgen::prelude::*;

use super::{js_error, to_js};
use crate::ledger::{Event, Ledger};

/// A trust ledger, and the stored site entries it could not read (`fromStored`).
#[wasm_bindgen]
pub struct WasmLedger(pub(super) Ledger, Vec<(String, String)>);

#[wasm_bindgen]
impl WasmLedger {
    /// An empty ledger for this profile.
    #[wasm_bindgen(constructor)]
    pub fn new(id: &str) -> WasmLedger {
        WasmLedger(Ledger::new(id), Vec::new())
    }

    /// Reads a stored or exported ledger; throws (naming the problem) if it is not valid.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(json: &str) -> Result<WasmLedger, JsError> {
        Ledger::from_json(json).map(|l| WasmLedger(l, Vec::new())).map_err(js_error)
    }

    /// The whole ledger as one JSON document (the export).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> Result<String, JsError> {
        self.0.to_json().map_err(js_error)
    }

    /// Reads a ledger stored in pieces: its head and `[[site, entry], …]`. Throws if the head is
    /// not valid; a site entry that is not is left out (see `unreadable`).
    #[wasm_bindgen(js_name = fromStored)]
    pub fn from_stored(head: &str, sites: JsValue) -> Result<WasmLedger, JsError> {
        let sites: Vec<(String, String)> = serde_wasm_bindgen::from_value(sites).map_err(js_error)?;
        let (ledger, bad) = Ledger::from_stored(head, sites).map_err(js_error)?;
        Ok(WasmLedger(ledger, bad.into_iter().map(|(site, e)| (site, e.to_string())).collect()))
    }

    /// The site entries `fromStored` left out: `[[site, problem], …]`.
    pub fn unreadable(&self) -> Result<JsValue, JsError> {
        to_js(&self.1)
    }

    /// The stored head (version, id, last event number).
    #[wasm_bindgen(js_name = headJson)]
    pub fn head_json(&self) -> Result<String, JsError> {
        self.0.head_json().map_err(js_error)
    }

    /// The entries of the sites changed since the last call: `[[site, entry], …]`.
    #[wasm_bindgen(js_name = takeChanged)]
    pub fn take_changed(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.0.take_changed().map_err(js_error)?)
    }

    /// Counts these sites as changed again (storing their entries failed).
    #[wasm_bindgen(js_name = markChanged)]
    pub fn mark_changed(&mut self, sites: Vec<String>) {
        self.0.mark_changed(sites);
    }

    /// Applies events (an array of plain objects, see `docs/ledger-format.md`); returns how many
    /// were new. Throws on an event of the wrong shape, having applied the ones before it.
    pub fn apply(&mut self, events: JsValue) -> Result<u32, JsError> {
        let events: Vec<Event> = serde_wasm_bindgen::from_value(events).map_err(js_error)?;
        Ok(events.iter().map(|e| u32::from(self.0.apply(e))).sum())
    }

    /// The sequence number of the last applied event.
    #[wasm_bindgen(js_name = lastSeq)]
    pub fn last_seq(&self) -> f64 {
        self.0.last_seq as f64
    }

    /// One site's record as a plain object, or `null`.
    pub fn site(&self, site: &str) -> Result<JsValue, JsError> {
        to_js(&self.0.sites.get(site))
    }

    /// The receipt of the consent answer in force on `site` (`ConsentLog::in_force`: Trust
    /// Ledger's latest answer, unless the person reopened the dialog since), or `null`.
    #[wasm_bindgen(js_name = consentInForce)]
    pub fn consent_in_force(&self, site: &str) -> Result<JsValue, JsError> {
        to_js(&self.0.sites.get(site).and_then(|s| s.consent.in_force()))
    }

    /// The names of all sites.
    pub fn sites(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.sites.keys().collect::<Vec<_>>())
    }

    /// One line per site, most recently seen first: `[{ site, score, visits, requests,
    /// trackerRequests, companies, thirdParties, cookies, firstSeen, lastSeen }]`.
    pub fn summaries(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.summaries())
    }

    /// Merges an exported ledger; returns `[added, combined]`. Throws, changing nothing, if the
    /// file is not a valid ledger.
    pub fn merge(&mut self, json: &str) -> Result<JsValue, JsError> {
        let other = Ledger::from_json(json).map_err(js_error)?;
        to_js(&self.0.merge(other))
    }

    /// The visits not yet closed, as `[[site, visit], …]`.
    #[wasm_bindgen(js_name = openVisits)]
    pub fn open_visits(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.open_visits())
    }
}
