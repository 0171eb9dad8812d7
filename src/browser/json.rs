//! Moves JSON data between JavaScript and the engine's `Value`, as text.
//!
//! In: the browser's own `JSON.stringify` turns the whole value into one string that
//! crosses the boundary once and is read by `engine::json` (a walk through `Reflect`
//! crossed it once per field). `JSON.stringify` also decides what is JSON data:
//! functions and `undefined` members are dropped, `NaN` becomes `null`, and a BigInt
//! or a cycle is refused with the browser's own message. The config at start, the
//! one large text, is not handed over as a string but written into the wasm's
//! memory as UTF-8 by the browser (`utf8_of`). Out: `Value::to_json` and
//! `JSON.parse`, so no serializer is compiled into the wasm either.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use super::allocator::ReadOnly;
use crate::engine::json;
use crate::engine::value::Value;

/// Reads plain data (what `JSON.parse` produces, or an object literal).
pub fn from_js(value: &JsValue) -> Result<Value, String> {
    match text_of(value)? {
        Some(text) => json::parse(&text),
        None => Ok(Value::Null),
    }
}

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<TextEncoder, JsValue>;
    /// `encodeInto` with a JS string as the source (web-sys's takes a `&str`, which
    /// is what would cross by a copy); the destination is a view of the wasm's memory.
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(
        this: &TextEncoder,
        source: &js_sys::JsString,
        destination: &mut [u8],
    ) -> Encoded;
    type Encoded;
    #[wasm_bindgen(method, getter)]
    fn read(this: &Encoded) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &Encoded) -> u32;
}

/// The UTF-8 bytes of a JS string (a config's JSON text at start), written by the
/// browser's `TextEncoder.encodeInto` straight into the wasm's memory. Handing the
/// wasm a string the usual way copies it one character at a time in wasm-bindgen's
/// JS glue, and `TextEncoder.encode` makes a new array to copy in again: for the
/// 128 KB of a 1,000-rule config 0.3 and 0.4 ms, where `encodeInto` takes 0.08.
/// An ASCII text fills a buffer of its length; past the first other character, the
/// rest is given three bytes a unit (a surrogate pair, two units, needs four).
pub fn utf8_of(text: &js_sys::JsString) -> Result<Vec<u8>, String> {
    let encoder = TextEncoder::new().map_err(|e| super::error::describe(&e))?;
    let units = text.length();
    // `resize` twice, not `vec![0; n]` then `resize`: one zero-filling routine in
    // the wasm instead of two (141 bytes).
    #[allow(clippy::slow_vector_initialization)]
    let mut bytes = Vec::new();
    bytes.resize(units as usize, 0);
    let done = encoder.encode_into(text, &mut bytes);
    // Clamped: a replaced `encodeInto` may answer anything.
    let read = done.read().min(units);
    let mut written = (done.written() as usize).min(bytes.len());
    if read < units {
        bytes.resize(written + (units - read) as usize * 3, 0);
        let rest = text.substring(read, units);
        let more = encoder.encode_into(&rest, &mut bytes[written..]).written() as usize;
        written += more.min(bytes.len() - written);
    }
    bytes.truncate(written);
    Ok(bytes)
}

/// As [`from_js`], for a value read once and dropped (a config at start): its
/// text crosses as UTF-8 ([`utf8_of`]; the bytes are checked as UTF-8 again, not
/// trusted: the page could have replaced `TextEncoder.prototype.encodeInto`), and
/// its tree is built in the allocator's scratch block as a tree that can only be
/// read, so the block goes back whole when it is dropped (`allocator::ReadOnly`).
pub fn from_js_once(value: &JsValue) -> Result<ReadOnly<Result<Value, String>>, String> {
    let text = match json_string(value)? {
        Some(text) => text,
        None => js_sys::JsString::from("null"),
    };
    let bytes = utf8_of(&text)?;
    drop(text);
    let Ok(text) = core::str::from_utf8(&bytes) else {
        return Err("not UTF-8 text".into());
    };
    // SAFETY: the parse keeps nothing but its result (the tree, or the error's
    // words, both in the `Result`), which is plain data.
    Ok(unsafe { super::allocator::scratch_read_only(block_for(text), || json::parse(text)) })
}

/// `JSON.stringify(value)`, as the JS string it is (`None` for `null`/`undefined`).
fn json_string(value: &JsValue) -> Result<Option<js_sys::JsString>, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let text = js_sys::JSON::stringify(value)
        .map_err(|e| format!("not JSON data ({})", super::error::describe(&e)))?;
    if text.is_undefined() {
        return Err("not JSON data (a function or symbol)".into());
    }
    Ok(Some(text))
}

fn text_of(value: &JsValue) -> Result<Option<String>, String> {
    Ok(json_string(value)?.map(String::from))
}

/// Reads JSON text (a stored partition, a config's raw text).
pub fn from_text(text: &str) -> Result<Value, String> {
    json::parse(text)
}

/// As [`from_text`], for a value read once and dropped (a stored partition): its
/// tree is built in the allocator's scratch block.
pub fn from_text_once(text: &str) -> Result<Value, String> {
    super::allocator::scratch(block_for(text), || json::parse(text))
}

/// The scratch block for the tree a text makes: 7.1 bytes per byte of text for a
/// rules config of short strings (tests/web.rs), so 10 with room; what does not
/// fit goes to the heap as usual.
fn block_for(text: &str) -> usize {
    text.len().saturating_mul(10).saturating_add(1024)
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
