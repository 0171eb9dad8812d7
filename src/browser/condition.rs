//! `evalCondition(attributes, condition, savedGroups?)`: GrowthBook's helper, same
//! arguments and the same answers, usable without a page (in Node too).
//!
//! The condition (with the saved groups) crosses as one JSON text (`js/index.js`
//! calls `JSON.stringify`) and is compiled leniently: a malformed part evaluates as
//! GrowthBook evaluates it (`false` there); `validateConfig` and the CLI are where
//! it is reported. Compiled conditions are kept by their text (the cache is in
//! `js/index.js`, bounded; `forgetConditions` empties this side), so evaluating the
//! same condition again is a look-up, not a parse. The attributes stay a JavaScript object and are read only where
//! the condition looks, one property read per path step, as GrowthBook's `getPath`
//! does: a condition on `cart.total` costs the same whatever else the document holds.

use std::borrow::Cow;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::condition::{Attributes, Condition};
use crate::engine::diagnostic::Diagnostic;
use crate::engine::json;
use crate::engine::saved_groups::SavedGroups;
use crate::engine::value::Value;

use super::error;
use super::json::from_js;

std::thread_local! {
    static COMPILED: std::cell::RefCell<Vec<Condition>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Compiles `[condition, savedGroups]` (JSON text); returns its handle.
#[wasm_bindgen(js_name = compileCondition)]
pub fn compile_condition(text: &str) -> Result<u32, JsValue> {
    let value = json::parse(text).map_err(|e| {
        error::config(&[Diagnostic {
            path: String::new(),
            message: format!("evalCondition: the condition is not JSON: {e}"),
        }])
    })?;
    let argument = |i: usize| value.as_array().and_then(|a| a.get(i));
    let groups = SavedGroups::from_growthbook(argument(1).unwrap_or(&Value::Null));
    let condition = Condition::growthbook(argument(0).unwrap_or(&Value::Null), &groups);
    Ok(COMPILED.with(|compiled| {
        let mut compiled = compiled.borrow_mut();
        compiled.push(condition);
        (compiled.len() - 1) as u32
    }))
}

/// Evaluates a compiled condition against an attribute object (an unknown handle
/// is false).
#[wasm_bindgen(js_name = evalCompiled)]
pub fn eval_compiled(handle: u32, attributes: JsValue) -> bool {
    let attributes = JsAttributes(attributes);
    COMPILED.with(|compiled| {
        compiled
            .borrow()
            .get(handle as usize)
            .is_some_and(|c| c.eval_in(&attributes))
    })
}

/// Drops every compiled condition (the JS cache was emptied).
#[wasm_bindgen(js_name = forgetConditions)]
pub fn forget_conditions() {
    COMPILED.with(|compiled| compiled.borrow_mut().clear());
}

/// A JavaScript attribute object, read lazily.
struct JsAttributes(JsValue);

impl Attributes for JsAttributes {
    fn lookup(&self, path: &[String]) -> Cow<'_, Value> {
        let mut current = self.0.clone();
        for part in path {
            // GrowthBook: `current && typeof current === "object" && part in current`.
            if !current.is_object() || current.is_function() {
                return Cow::Owned(Value::Null);
            }
            current = js_sys::Reflect::get(&current, &JsValue::from_str(part))
                .unwrap_or(JsValue::UNDEFINED);
        }
        Cow::Owned(plain(&current))
    }
}

/// A JS value as the engine's: primitives directly, objects through JSON (a
/// BigInt, a function or a cycle reads as null).
fn plain(value: &JsValue) -> Value {
    if let Some(n) = value.as_f64() {
        return Value::Number(n);
    }
    if let Some(b) = value.as_bool() {
        return Value::Bool(b);
    }
    if let Some(s) = value.dyn_ref::<js_sys::JsString>() {
        // A lone surrogate would not survive the copy into Rust; JSON keeps it.
        if s.is_valid_utf16() {
            return Value::String(String::from(s));
        }
    }
    if value.is_null() || value.is_undefined() {
        return Value::Null;
    }
    from_js(value).unwrap_or(Value::Null)
}
