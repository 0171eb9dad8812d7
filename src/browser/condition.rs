//! `evalCondition(attributes, condition)`: GrowthBook's helper, same argument order,
//! usable without a page (in Node too). Unlike GrowthBook, a malformed condition
//! throws a `VitrineConfigError` naming the bad field instead of quietly evaluating
//! to `false`.

use wasm_bindgen::prelude::*;

use crate::engine::condition::Condition;
use crate::engine::diagnostic::{Diagnostic, Diagnostics};

use super::error;
use super::json::from_js;

/// Evaluates a MongoDB-style condition against an attribute object.
#[wasm_bindgen(js_name = evalCondition)]
pub fn eval_condition(attributes: JsValue, condition: JsValue) -> Result<bool, JsValue> {
    let not_json = |what: &str, e: String| {
        error::config(&[Diagnostic {
            path: String::new(),
            message: format!("{what}: {e}"),
        }])
    };
    let attributes = from_js(&attributes).map_err(|e| not_json("attributes", e))?;
    let condition = from_js(&condition).map_err(|e| not_json("condition", e))?;
    let mut diagnostics = Diagnostics::default();
    match Condition::compile(&condition, "", &mut diagnostics) {
        Some(compiled) => Ok(compiled.eval(&attributes)),
        None => Err(error::config(&diagnostics.items)),
    }
}
