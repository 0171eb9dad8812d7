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
    match text_of(value)? {
        Some(text) => json::parse(&text),
        None => Ok(Value::Null),
    }
}

/// A config at start, as the UTF-8 bytes of its JSON text: js/runtime.js makes
/// them with the browser's `JSON.stringify` and `TextEncoder` (or has the fetched
/// text itself), which is native code, where handing the wasm a JS string copies it
/// one character at a time in wasm-bindgen's glue (4.6 % of a 1,000-rule start).
/// Read as [`from_text_once`].
pub fn from_utf8_once(bytes: &[u8]) -> Result<Value, String> {
    match core::str::from_utf8(bytes) {
        Ok(text) => from_text_once(text),
        Err(_) => Err("not UTF-8 text".into()),
    }
}

fn text_of(value: &JsValue) -> Result<Option<String>, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let text = js_sys::JSON::stringify(value)
        .map_err(|e| format!("not JSON data ({})", super::error::describe(&e)))?;
    match text.as_string() {
        Some(text) => Ok(Some(text)),
        None => Err("not JSON data (a function or symbol)".into()),
    }
}

/// Reads JSON text (a stored partition, a config's raw text).
pub fn from_text(text: &str) -> Result<Value, String> {
    json::parse(text)
}

/// As [`from_text`], for a value read once and dropped (see [`from_js_once`]).
/// The block is sized for the tree the text makes: 7.1 bytes per byte of text for
/// a rules config of short strings (tests/web.rs), so 10 with room; what does not
/// fit goes to the heap as usual.
pub fn from_text_once(text: &str) -> Result<Value, String> {
    let bytes = text.len().saturating_mul(10).saturating_add(1024);
    super::allocator::scratch(bytes, || json::parse(text))
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
