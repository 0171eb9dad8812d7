//! `evalCondition(attributes, condition, savedGroups?)`: GrowthBook's helper, same
//! arguments and the same answers, usable without a page (in Node too).
//!
//! The condition (with the saved groups) crosses as one JSON text (`js/index.js`
//! calls `JSON.stringify`) and is compiled leniently: a malformed part evaluates as
//! GrowthBook evaluates it (`false` there); `validateConfig` and the CLI are where
//! it is reported. Compiled conditions are kept by their text (the cache is in
//! `js/index.js`, bounded; `forgetConditions` empties this side), so evaluating the
//! same condition again is a look-up, not a parse. The attributes stay a JavaScript
//! object and are read only where the condition looks, by GrowthBook's `getPath` in
//! JS (one call per path): a condition on `cart.total` costs the same whatever else
//! the document holds.

use std::borrow::Cow;
use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::condition::{Attributes, Condition};
use crate::engine::diagnostic::Diagnostic;
use crate::engine::json;
use crate::engine::saved_groups::SavedGroups;
use crate::engine::value::Value;

use super::error;
use super::json::from_js;

/// A compiled condition and, per path it reads, the path as a JS array of keys
/// (made on first use and kept: a JS string made from Rust costs a UTF-8 decode).
/// Keyed by the address of the path inside the condition, which lives as long as
/// the condition.
struct Compiled {
    condition: Condition,
    paths: RefCell<Vec<(usize, JsValue)>>,
}

std::thread_local! {
    static COMPILED: RefCell<Vec<Compiled>> = const { RefCell::new(Vec::new()) };
    /// `(object, keys) => value`: GrowthBook's getPath, in JS (`js/index.js`), so a
    /// path costs one call into JS rather than several per step.
    static READ_PATH: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

/// Installs the path reader (`js/index.js`, at init).
#[wasm_bindgen(js_name = registerPathReader)]
pub fn register_path_reader(reader: js_sys::Function) {
    READ_PATH.with(|r| *r.borrow_mut() = Some(reader));
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
    COMPILED.with(|compiled| {
        // Busy only when an attribute getter calls evalCondition during an evaluation.
        let mut compiled = compiled.try_borrow_mut().map_err(|_| {
            error::usage("evalCondition cannot be called from inside an attribute getter")
        })?;
        compiled.push(Compiled {
            condition,
            paths: RefCell::new(Vec::new()),
        });
        Ok((compiled.len() - 1) as u32)
    })
}

/// Evaluates a compiled condition against an attribute object (an unknown handle
/// is false).
#[wasm_bindgen(js_name = evalCompiled)]
pub fn eval_compiled(handle: u32, attributes: JsValue) -> bool {
    READ_PATH.with(|reader| {
        let reader = reader.borrow();
        COMPILED.with(|compiled| {
            let Ok(compiled) = compiled.try_borrow() else {
                return false;
            };
            compiled.get(handle as usize).is_some_and(|c| {
                c.condition.eval_in(&JsAttributes {
                    object: attributes,
                    paths: &c.paths,
                    reader: reader.as_ref(),
                })
            })
        })
    })
}

/// Drops every compiled condition (the JS cache was emptied).
#[wasm_bindgen(js_name = forgetConditions)]
pub fn forget_conditions() {
    COMPILED.with(|compiled| {
        if let Ok(mut compiled) = compiled.try_borrow_mut() {
            compiled.clear();
        }
    });
}

/// A JavaScript attribute object, read lazily through the registered path reader
/// (`js/index.js` registers it at init; without one every path reads as null).
struct JsAttributes<'a> {
    object: JsValue,
    paths: &'a RefCell<Vec<(usize, JsValue)>>,
    reader: Option<&'a js_sys::Function>,
}

impl Attributes for JsAttributes<'_> {
    fn lookup(&self, path: &[String]) -> Cow<'_, Value> {
        let Some(reader) = self.reader else {
            return Cow::Owned(Value::Null);
        };
        // No JS runs while the table is borrowed, so the borrow cannot be re-entered.
        let keys = {
            let mut paths = self.paths.borrow_mut();
            let id = path.as_ptr() as usize;
            match paths.iter().find(|(p, _)| *p == id) {
                Some((_, keys)) => keys.clone(),
                None => {
                    let keys: JsValue = path
                        .iter()
                        .map(|p| JsValue::from_str(p))
                        .collect::<js_sys::Array>()
                        .into();
                    paths.push((id, keys.clone()));
                    keys
                }
            }
        };
        // A throwing getter reads as null rather than breaking the caller.
        let value = reader
            .call2(&JsValue::NULL, &self.object, &keys)
            .unwrap_or(JsValue::NULL);
        Cow::Owned(plain(&value))
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
