//! Moves JSON data between JavaScript and the engine's `Value`, as text.
//!
//! In: the browser's own `JSON.stringify` turns the whole value into one string that
//! crosses the boundary once and is read by `engine::json` (a walk through `Reflect`
//! crossed it once per field). `JSON.stringify` also decides what is JSON data:
//! functions and `undefined` members are dropped, `NaN` becomes `null`, and a BigInt
//! or a cycle is refused with the browser's own message. Out: `Value::to_json` and
//! `JSON.parse`, so no serializer is compiled into the wasm either.

use wasm_bindgen::JsValue;

use crate::engine::json;
use crate::engine::value::Value;

/// Reads plain data (what `JSON.parse` produces, or an object literal).
pub fn from_js(value: &JsValue) -> Result<Value, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(value).map_err(|e| {
        format!(
            "the value is not JSON data ({})",
            super::error::describe(&e)
        )
    })?;
    match text.as_string() {
        Some(text) => json::parse(&text),
        None => Err("the value is not JSON data (a function or symbol)".into()),
    }
}

/// A config as the page gives it: its JSON text as it was fetched or written in the
/// page (read as it is), or an object (read through `JSON.stringify`).
pub fn from_js_or_text(value: &JsValue) -> Result<Value, String> {
    match value.as_string() {
        Some(text) => json::parse(&text).map_err(|e| format!("not valid JSON: {e}")),
        None => from_js(value),
    }
}

/// Reads JSON text (a stored partition, a config's raw text).
pub fn from_text(text: &str) -> Result<Value, String> {
    json::parse(text)
}

/// An engine value as a plain JS value (objects, not Maps).
pub fn to_js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_json()).unwrap_or(JsValue::NULL)
}
