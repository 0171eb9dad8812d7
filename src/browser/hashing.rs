//! `hash(seed, value, version)` and `getBucketRanges(n, coverage, weights)`:
//! GrowthBook-compatible bucketing for JS, so a site can reproduce vitrine's (and
//! GrowthBook's) assignments anywhere. `chooseVariation` and `inNamespace` are built
//! on these in `js/index.js`.

use wasm_bindgen::prelude::*;

use crate::engine::bucket;
use crate::engine::value::Value;

use super::json::{from_js, to_js};

/// A number in [0, 1), or `undefined` for an unknown version (the JS entry turns
/// that into GrowthBook's `null`). `seed` and `value` are read with `String()`.
#[wasm_bindgen(js_name = hash)]
pub fn hash(seed: JsValue, value: JsValue, version: JsValue) -> Option<f64> {
    let text = |v: &JsValue| from_js(v).map(|v| v.to_js_string()).unwrap_or_default();
    let version = match version.as_f64() {
        Some(v) if v == 1.0 || v == 2.0 => v as u32,
        _ => return None,
    };
    bucket::hash(&text(&seed), &text(&value), version)
}

/// GrowthBook's `getBucketRanges(numVariations, coverage = 1, weights?)`: `[start,
/// end)` per variation, with its fallbacks to equal weights.
#[wasm_bindgen(js_name = getBucketRanges)]
pub fn get_bucket_ranges(variations: f64, coverage: Option<f64>, weights: JsValue) -> JsValue {
    let count = if variations > 0.0 { variations as usize } else { 0 };
    let weights: Option<Vec<f64>> = match from_js(&weights) {
        Ok(Value::Array(items)) => Some(items.iter().map(Value::to_js_number).collect()),
        _ => None,
    };
    let ranges = bucket::bucket_ranges(count, coverage.unwrap_or(1.0), weights.as_deref());
    let pairs = ranges
        .into_iter()
        .map(|(a, b)| Value::Array(vec![Value::Number(a), Value::Number(b)]))
        .collect();
    to_js(&Value::Array(pairs))
}
