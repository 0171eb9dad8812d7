//! Moves JSON data between JavaScript and the engine's `Value`.
//!
//! Out (engine → page) goes through `serde-wasm-bindgen`'s JSON-compatible
//! serializer. In (page → engine) is read here by hand with `js-sys`: serde's
//! deserializer error path formats floats and escapes strings, which would add
//! ~16 KB to the wasm for messages nobody reads. Reading by hand also lets the
//! depth limit and the "not JSON" cases (functions, symbols, BigInts, cycles) be
//! reported with a path.

use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::value::{Value, MAX_NESTING};

/// Reads plain data (what `JSON.parse` produces, or an object literal).
pub fn from_js(value: &JsValue) -> Result<Value, String> {
    read(value, "", 0)
}

/// An engine value as a plain JS value (objects, not Maps).
pub fn to_js(value: &Value) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

fn read(value: &JsValue, path: &str, depth: usize) -> Result<Value, String> {
    if value.is_null() || value.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = value.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = value.as_f64() {
        return Ok(Value::Number(n));
    }
    if let Some(s) = value.as_string() {
        return Ok(Value::String(s));
    }
    let at = |p: &str| {
        if p.is_empty() {
            "the value".to_owned()
        } else {
            p.to_owned()
        }
    };
    if depth >= MAX_NESTING {
        return Err(format!(
            "{} is nested deeper than {MAX_NESTING} levels",
            at(path)
        ));
    }
    if let Some(array) = value.dyn_ref::<js_sys::Array>() {
        let mut items = Vec::with_capacity(array.length() as usize);
        for (i, item) in array.iter().enumerate() {
            items.push(read(&item, &format!("{path}[{i}]"), depth + 1)?);
        }
        return Ok(Value::Array(items));
    }
    if value.is_object() && !value.is_function() {
        let object: &js_sys::Object = value.unchecked_ref();
        let keys = js_sys::Object::keys(object);
        let mut map = Vec::with_capacity(keys.length() as usize);
        for key in keys.iter() {
            let name = key.as_string().unwrap_or_default();
            let child = js_sys::Reflect::get(object, &key).unwrap_or(JsValue::UNDEFINED);
            let child_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            // Like JSON.stringify, drop undefined and function members.
            if child.is_undefined() || child.is_function() {
                continue;
            }
            map.push((name, read(&child, &child_path, depth + 1)?));
        }
        return Ok(Value::Object(map));
    }
    Err(format!(
        "{} is not JSON data (a function, symbol or BigInt)",
        at(path)
    ))
}
