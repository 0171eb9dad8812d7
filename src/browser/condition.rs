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
use crate::engine::value::Value;

use super::error;

/// Evaluates `[attributes, condition, savedGroups]` given as one JSON array text
/// (one string crossing, one small binding).
#[wasm_bindgen(js_name = evalConditionJson)]
pub fn eval_condition_json(arguments: &str) -> Result<bool, JsValue> {
    let value = json::parse(arguments).map_err(|e| {
        error::config(&[Diagnostic {
            path: String::new(),
            message: format!("evalCondition: the arguments are not JSON: {e}"),
        }])
    })?;
    let argument = |i: usize| value.as_array().and_then(|a| a.get(i));
    let groups = SavedGroups::from_growthbook(argument(2).unwrap_or(&Value::Null));
    let condition = Condition::growthbook(argument(1).unwrap_or(&Value::Null), &groups);
    Ok(condition.eval(argument(0).unwrap_or(&Value::Null)))
}
