//! `hash(seed, value, version)`: GrowthBook-compatible bucketing hash for JS, so a
//! site can reproduce vitrine's (and GrowthBook's) assignments anywhere.
//! `getBucketRanges`, `chooseVariation` and `inNamespace` are a few lines of
//! arithmetic over it in `js/index.js` (a binding each would cost the page's wasm
//! more than the JS does); tests/node holds both to GrowthBook.

use wasm_bindgen::prelude::*;

use crate::engine::bucket;

use super::json::from_js;

/// A number in [0, 1), or `undefined` for an unknown version (the JS entry turns
/// that into GrowthBook's `null`). `seed` and `value` are read with `String()`.
#[wasm_bindgen(js_name = hash)]
pub fn hash(seed: JsValue, value: JsValue, version: JsValue) -> Option<f64> {
    // Strings (the usual seed and id) directly; anything else as `String(value)`.
    let text = |v: &JsValue| {
        v.as_string()
            .unwrap_or_else(|| from_js(v).map(|v| v.to_js_string()).unwrap_or_default())
    };
    let version = match version.as_f64() {
        Some(v) if v == 1.0 || v == 2.0 => v as u32,
        _ => return None,
    };
    bucket::hash(&text(&seed), &text(&value), version)
}
