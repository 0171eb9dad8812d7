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
    let text = js_sys::JSON::stringify(value)
        .map_err(|e| format!("not JSON data ({})", super::error::describe(&e)))?;
    match text.as_string() {
        Some(text) => json::parse(&text),
        None => Err("not JSON data (a function or symbol)".into()),
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

/// Plain JS object from pairs.
pub fn js_object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(k), v);
    }
    object.into()
}
