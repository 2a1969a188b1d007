//! Browser bindings (wasm32 only): the engine, the ledger and the terms for the extension's JavaScript. No logic lives
//! here — convert, call the engine, map errors — so everything it calls is tested natively.

mod consent;
mod ledger;
mod observer;
mod terms;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Engine, ResourceType};

/// A loaded engine, with a scratch buffer the caller may write requests into (see
/// `inputBuffer`/`classifyInput`): per request that saves three allocations that passing
/// strings costs, which is most of what crossing into wasm costs.
#[wasm_bindgen]
pub struct WasmEngine {
    engine: Engine,
    input: Vec<u8>,
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Plain JS objects, as JSON would have them: maps as objects (not `Map`), `null` (not
/// `undefined`) for absent values.
fn to_js(value: &impl Serialize) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true).serialize_maps_as_objects(true);
    value.serialize(&serializer).map_err(js_error)
}

#[wasm_bindgen]
impl WasmEngine {
    /// Loads an engine snapshot (as written by `trustledger snapshot`). A bad snapshot throws,
    /// and the caller keeps whatever engine it had.
    #[wasm_bindgen(js_name = fromSnapshot)]
    pub fn from_snapshot(bytes: &[u8]) -> Result<WasmEngine, JsError> {
        Engine::from_snapshot(bytes).map(|engine| WasmEngine { engine, input: Vec::new() }).map_err(js_error)
    }

    /// Classifies a request: a plain object with the fields of the command line's output
    /// (`match`, `filter`, `list`, `line`, `exception`, `thirdParty`, `organization`, …).
    pub fn classify(&self, url: &str, source_url: &str, rtype: &str) -> Result<JsValue, JsError> {
        to_js(&self.engine.classify_full(url, source_url, ResourceType::parse_lenient(rtype)))
    }

    /// The decision alone, packed: bit 0 blocked, bit 1 `$important`, bit 2 third party,
    /// bit 3 an exception overrode a block. For hot paths that need no text.
    #[wasm_bindgen(js_name = classifyCode)]
    pub fn classify_code(&self, url: &str, source_url: &str, rtype: &str) -> u32 {
        code(&self.engine, url, source_url, rtype)
    }

    /// The address of a scratch buffer of at least `len` bytes in the module's memory, for
    /// `classifyInput`. Valid until the next call that may grow memory.
    #[wasm_bindgen(js_name = inputBuffer)]
    pub fn input_buffer(&mut self, len: usize) -> *mut u8 {
        if self.input.len() < len {
            self.input.resize(len, 0);
        }
        self.input.as_mut_ptr()
    }

    /// Like `classifyCode`, for a request the caller wrote into the input buffer as UTF-8: URL,
    /// then source URL, then type, of these byte lengths. Throws if they overrun the buffer or
    /// are not UTF-8.
    #[wasm_bindgen(js_name = classifyInput)]
    pub fn classify_input(&self, url_len: usize, source_len: usize, type_len: usize) -> Result<u32, JsError> {
        let end = url_len.checked_add(source_len).and_then(|n| n.checked_add(type_len));
        let bytes = end.and_then(|end| self.input.get(..end)).ok_or_else(|| JsError::new("the request overruns the input buffer"))?;
        let (url, rest) = bytes.split_at(url_len);
        let (source, rtype) = rest.split_at(source_len);
        let text = |b| std::str::from_utf8(b).map_err(js_error);
        Ok(code(&self.engine, text(url)?, text(source)?, text(rtype)?))
    }

    /// Number of compiled filters.
    #[wasm_bindgen(js_name = filterCount)]
    pub fn filter_count(&self) -> usize {
        self.engine.filter_count()
    }

    /// The lists compiled in: `[{name, title, version}]`.
    pub fn lists(&self) -> Result<JsValue, JsError> {
        let lists: Vec<_> = self.engine.lists().iter().map(|l| (l.name.as_str(), l.title.as_deref(), l.version.as_deref())).collect();
        to_js(&lists)
    }

    /// The TrackerDB version compiled in.
    #[wasm_bindgen(js_name = trackerdbVersion)]
    pub fn trackerdb_version(&self) -> String {
        self.engine.trackerdb_version().to_owned()
    }
}

fn code(engine: &Engine, url: &str, source_url: &str, rtype: &str) -> u32 {
    let v = engine.classify(url, source_url, ResourceType::parse_lenient(rtype));
    u32::from(v.matched) | u32::from(v.important) << 1 | u32::from(v.third_party) << 2 | u32::from(v.exception.is_some()) << 3
}
