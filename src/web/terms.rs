//! Browser bindings for the person's terms (wasm32 only): the terms in and out as their JSON
//! (`docs/terms.md`), what applies on a site and the browser rules as plain objects. No logic:
//! see `crate::policy`.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::observer::WasmObserver;
use super::{js_error, to_js};
use crate::policy::enforce::CONTENT_SETTING_TYPES;
use crate::policy::purpose::PURPOSES;
use crate::policy::{site_of, Capability, Preset, Terms, TrackerCategory};

/// The person's terms.
#[wasm_bindgen]
pub struct WasmTerms(pub(crate) Terms);

/// A preset, for the options and first-run pages.
#[derive(Serialize)]
struct PresetInfo {
    key: &'static str,
    name: &'static str,
    description: &'static str,
}

/// One entry of a vocabulary, for the options page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    key: &'static str,
    name: &'static str,
    /// Purposes: whether a person may refuse it. Capabilities: whether the browser enforces it
    /// through chrome.contentSettings (else the page-level handling does).
    #[serde(skip_serializing_if = "Option::is_none")]
    optional: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enforced_by_browser: Option<bool>,
    /// Capabilities: the `chrome.contentSettings` type that holds it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    content_setting: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tcf_purpose: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    special_feature: Option<u8>,
}

/// Every vocabulary of the terms, in the order the options page shows them.
#[derive(Serialize)]
struct Catalogue {
    purposes: Vec<Entry>,
    capabilities: Vec<Entry>,
    categories: Vec<Entry>,
    presets: Vec<PresetInfo>,
}

fn entry(key: &'static str, name: &'static str) -> Entry {
    Entry { key, name, optional: None, enforced_by_browser: None, content_setting: None, tcf_purpose: None, special_feature: None }
}

#[wasm_bindgen]
impl WasmTerms {
    /// The terms a new install starts with (they protect: see `docs/terms.md`).
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmTerms {
        WasmTerms(Terms::default())
    }

    /// Reads terms (stored, or a file to import); throws, naming the path, the value and what
    /// was expected, if they are not valid. The caller keeps the terms it had.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(json: &str) -> Result<WasmTerms, JsError> {
        Terms::from_json(json).map(WasmTerms).map_err(js_error)
    }

    /// The terms as their JSON document (stored and exported alike).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> Result<String, JsError> {
        self.0.to_json().map_err(js_error)
    }

    /// A preset's terms, by key (`refuseAll`, `balanced`, `acceptAll`); throws for another key.
    pub fn preset(key: &str) -> Result<WasmTerms, JsError> {
        Preset::from_key(key).map(|p| WasmTerms(p.terms())).ok_or_else(|| JsError::new(&format!("no preset {key:?}")))
    }

    /// The presets: `[{ key, name, description }]`.
    pub fn presets() -> Result<JsValue, JsError> {
        to_js(&Preset::ALL.iter().map(|p| PresetInfo { key: p.key(), name: p.name(), description: p.description() }).collect::<Vec<_>>())
    }

    /// The names of everything the terms speak of: `{ purposes, capabilities, categories,
    /// presets }`, each `[{ key, name, … }]`.
    pub fn catalogue() -> Result<JsValue, JsError> {
        let purposes = PURPOSES
            .iter()
            .map(|p| Entry {
                optional: Some(p.purpose.is_optional()),
                tcf_purpose: p.tcf_purpose,
                special_feature: p.special_feature,
                ..entry(p.purpose.key(), p.name)
            })
            .collect();
        let capabilities = Capability::ALL
            .iter()
            .map(|&c| Entry {
                enforced_by_browser: Some(c.content_setting().is_some()),
                content_setting: c.content_setting(),
                ..entry(c.key(), c.name())
            })
            .collect();
        let categories = TrackerCategory::ALL.iter().map(|&c| entry(c.key(), c.name())).collect();
        let presets = Preset::ALL.iter().map(|p| PresetInfo { key: p.key(), name: p.name(), description: p.description() }).collect();
        to_js(&Catalogue { purposes, capabilities, categories, presets })
    }

    /// The site, as the terms name sites, of what a person typed: a host (`www.Maps.example`) or a
    /// URL (`https://www.maps.example/path`) gives `maps.example`; undefined when it names none.
    #[wasm_bindgen(js_name = siteOf)]
    pub fn site_of(input: &str) -> Option<String> {
        site_of(input)
    }

    /// What applies on `site` (a host or registrable domain) at `now` (ms since the Unix epoch).
    #[wasm_bindgen(js_name = forSite)]
    pub fn for_site(&self, site: &str, now: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.for_site(site, now as u64))
    }

    /// Allows a capability on a site until `until` (ms since the Unix epoch).
    pub fn grant(&mut self, site: &str, capability: &str, until: f64) -> Result<(), JsError> {
        let capability = Capability::from_key(capability).ok_or_else(|| JsError::new(&format!("no capability {capability:?}")))?;
        self.0.grant(site, capability, until as u64).map_err(js_error)
    }

    /// When the next grant ends (ms since the Unix epoch), or undefined when none is in force.
    #[wasm_bindgen(js_name = nextExpiry)]
    pub fn next_expiry(&self, now: f64) -> Option<f64> {
        self.0.next_expiry(now as u64).map(|t| t as f64)
    }

    /// Removes the grants that have ended by `now`; returns them.
    pub fn expire(&mut self, now: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.expire(now as u64))
    }

    /// Every declarativeNetRequest dynamic rule the terms need, as Chrome takes them (Sec-GPC,
    /// the GPC marks for pages, blocking by category from the observer's engine), with what
    /// blocking could not carry out: `{ rules, blocking: { perCategory, converted, skipped, cut } }`.
    /// Replace all the extension's dynamic rules with `rules`.
    #[wasm_bindgen(js_name = dynamicRules)]
    pub fn dynamic_rules(&self, observer: &WasmObserver) -> Result<JsValue, JsError> {
        to_js(&self.0.dynamic_rules(&observer.0.engine.tracker_filters_by_category()))
    }

    /// The chrome.contentSettings types the terms manage: clear these before applying
    /// `contentSettings`.
    #[wasm_bindgen(js_name = contentSettingTypes)]
    pub fn content_setting_types() -> Vec<String> {
        CONTENT_SETTING_TYPES.iter().map(|&t| t.to_owned()).collect()
    }

    /// The chrome.contentSettings rules in force at `now`, complete (clear, then set them all).
    #[wasm_bindgen(js_name = contentSettings)]
    pub fn content_settings(&self, now: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.content_settings(now as u64))
    }

    /// The IEEE 7012 proffer of these terms, as JSON-LD.
    pub fn proffer(&self, issued_at: f64) -> String {
        self.0.proffer_json_ld(issued_at as u64)
    }
}

impl Default for WasmTerms {
    fn default() -> WasmTerms {
        WasmTerms::new()
    }
}
