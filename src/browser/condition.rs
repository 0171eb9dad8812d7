//! `evalCondition(attributes, condition, savedGroups?)`: GrowthBook's helper, same
//! arguments and the same answers, usable without a page (in Node too). The
//! arguments arrive as JSON text (`js/index.js` calls `JSON.stringify`), one
//! crossing each. A malformed condition evaluates as GrowthBook evaluates it
//! (`false` where it is malformed); `validateConfig` and the CLI are where such a
//! condition is reported.

use wasm_bindgen::prelude::*;

use crate::engine::condition::Condition;
use crate::engine::diagnostic::Diagnostic;
use crate::engine::json;
use crate::engine::saved_groups::SavedGroups;

use super::error;

/// Evaluates a MongoDB-style condition (JSON text) against attributes (JSON text).
#[wasm_bindgen(js_name = evalConditionJson)]
pub fn eval_condition_json(
    attributes: &str,
    condition: &str,
    saved_groups: Option<String>,
) -> Result<bool, JsValue> {
    let read = |what: &str, text: &str| {
        json::parse(text).map_err(|e| {
            error::config(&[Diagnostic {
                path: String::new(),
                message: format!("{what} is not JSON: {e}"),
            }])
        })
    };
    let attributes = read("attributes", attributes)?;
    let condition = read("condition", condition)?;
    let groups = match saved_groups {
        Some(text) => SavedGroups::from_growthbook(&read("savedGroups", &text)?),
        None => SavedGroups::default(),
    };
    Ok(Condition::growthbook(&condition, &groups).eval(&attributes))
}
