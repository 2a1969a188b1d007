//! Browser bindings (wasm32 only): the engine for the extension's JavaScript. No logic lives
//! here — convert, call the engine, map errors — so everything it calls is tested natively.

use wasm_bindgen::prelude::*;

use crate::{Engine, ResourceType};

/// A loaded engine.
#[wasm_bindgen]
pub struct WasmEngine(Engine);

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

#[wasm_bindgen]
impl WasmEngine {
    /// Loads an engine snapshot (as written by `trustledger snapshot`). A bad snapshot throws,
    /// and the caller keeps whatever engine it had.
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(bytes: &[u8]) -> Result<WasmEngine, JsError> {
        Engine::from_snapshot(bytes).map(WasmEngine).map_err(js_error)
    }

    /// Classifies a request: a plain object with the fields of the command line's output
    /// (`match`, `filter`, `list`, `line`, `exception`, `thirdParty`, `organization`, …).
    pub fn classify(&self, url: &str, source_url: &str, rtype: &str) -> Result<JsValue, JsError> {
        let c = self.0.classify_full(url, source_url, ResourceType::parse_lenient(rtype));
        serde_wasm_bindgen::to_value(&c).map_err(js_error)
    }

    /// The decision alone, packed: bit 0 blocked, bit 1 `$important`, bit 2 third party,
    /// bit 3 an exception overrode a block. For hot paths that need no text.
    #[wasm_bindgen(js_name = classifyCode)]
    pub fn classify_code(&self, url: &str, source_url: &str, rtype: &str) -> u32 {
        let v = self.0.classify(url, source_url, ResourceType::parse_lenient(rtype));
        u32::from(v.matched) | u32::from(v.important) << 1 | u32::from(v.third_party) << 2 | u32::from(v.exception.is_some()) << 3
    }

    /// Number of compiled filters.
    #[wasm_bindgen(js_name = filterCount)]
    pub fn filter_count(&self) -> usize {
        self.0.filter_count()
    }

    /// The lists compiled in: `[{name, title, version}]`.
    pub fn lists(&self) -> Result<JsValue, JsError> {
        let lists: Vec<_> = self.0.lists().iter().map(|l| (l.name.as_str(), l.title.as_deref(), l.version.as_deref())).collect();
        serde_wasm_bindgen::to_value(&lists).map_err(js_error)
    }

    /// The TrackerDB version compiled in.
    #[wasm_bindgen(js_name = trackerdbVersion)]
    pub fn trackerdb_version(&self) -> String {
        self.0.trackerdb_version().to_owned()
    }
}
