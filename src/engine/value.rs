//! A JSON value with JavaScript's semantics.
//!
//! Config, attributes and stored data all arrive as JSON. In the wasm build they
//! are parsed by the browser's `JSON.parse` and handed over with
//! `serde-wasm-bindgen`; natively by `serde_json` in tests. Either way they land in
//! this type, so the engine needs no JSON parser of its own. Objects keep their
//! insertion order because GrowthBook-style conditions compare literals by
//! `JSON.stringify`, which is order-sensitive. The coercions (`String()`,
//! `ToNumber`, truthiness) follow ECMAScript so conditions behave exactly as they do
//! in JavaScript SDKs.

use std::fmt::{self, Write as _};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// Ordered key/value pairs of a JSON object.
pub type Map = Vec<(String, Value)>;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

impl Value {
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(map) => map.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The name used in error messages ("expected a string, found a number").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// ECMAScript truthiness (`!!value`).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) => true,
        }
    }

    /// ECMAScript `String(value)`.
    pub fn to_js_string(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => js_number_to_string(*n),
            Value::String(s) => s.clone(),
            Value::Array(items) => {
                let mut out = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    // Array.prototype.join renders null and undefined as "".
                    if !matches!(item, Value::Null) {
                        out.push_str(&item.to_js_string());
                    }
                }
                out
            }
            Value::Object(_) => "[object Object]".into(),
        }
    }

    /// ECMAScript `ToNumber(value)` (what `value * 1` computes).
    pub fn to_js_number(&self) -> f64 {
        match self {
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::String(s) => string_to_number(s),
            Value::Array(_) => string_to_number(&self.to_js_string()),
            Value::Object(_) => f64::NAN,
        }
    }

    /// `JSON.stringify(value)`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) if n.is_finite() => out.push_str(&js_number_to_string(*n)),
            Value::Number(_) => out.push_str("null"),
            Value::String(s) => write_json_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(k, out);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// ECMAScript `Number::toString`. Integers are formatted here; other numbers go
/// through the host (`super::host`), which in the browser is JavaScript itself, so the
/// wasm build carries no float-formatting code.
pub fn js_number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.fract() == 0.0 && n.abs() < 1e21 {
        let mut digits = Vec::new();
        let mut rest = n.abs();
        while rest >= 1.0 {
            digits.push(b'0' + (rest % 10.0) as u8);
            rest = (rest / 10.0).floor();
        }
        if n < 0.0 {
            digits.push(b'-');
        }
        digits.reverse();
        return String::from_utf8(digits).unwrap_or_default();
    }
    (super::host::get().number_to_string)(n)
}

/// Cuts a string to at most `max` characters, on a character boundary.
pub fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or("").to_owned(),
        None => s.to_owned(),
    }
}

/// ECMAScript `StringToNumber`, through the host (JavaScript's `Number(s)` in the
/// browser; `host::parse_js_number` natively).
pub fn string_to_number(s: &str) -> f64 {
    (super::host::get().string_to_number)(s)
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => serializer.serialize_f64(*n),
            Value::String(s) => serializer.serialize_str(s),
            Value::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Value::Object(map) => {
                let mut m = serializer.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Deepest nesting accepted when reading a document. JSON.parse accepts far deeper
/// input; refusing it here keeps a hostile config or stored value from exhausting the
/// (small, fixed) wasm stack.
pub const MAX_NESTING: usize = 64;

std::thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts nesting while a container is being read; errors past `MAX_NESTING`.
struct DepthGuard;

impl DepthGuard {
    fn enter<E: de::Error>() -> Result<DepthGuard, E> {
        let depth = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        let guard = DepthGuard;
        if depth > MAX_NESTING {
            return Err(E::custom(format!(
                "nested deeper than {MAX_NESTING} levels"
            )));
        }
        Ok(guard)
    }
}

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Deserialize::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }
    fn visit_i128<E: de::Error>(self, n: i128) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }
    fn visit_u128<E: de::Error>(self, n: u128) -> Result<Value, E> {
        Ok(Value::Number(n as f64))
    }
    // The visits below only exist so that serde's default `invalid_type` errors,
    // whose messages format floats and escape strings, are never compiled in.
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Value, E> {
        Err(E::custom("binary data is not JSON"))
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Deserialize::deserialize(d)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(de::Error::custom("an enum is not JSON"))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        Ok(Value::Number(n))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let _guard = DepthGuard::enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let _guard = DepthGuard::enter()?;
        let mut map: Map = Vec::new();
        while let Some((Key(k), v)) = access.next_entry::<Key, Value>()? {
            // Duplicate keys: the last one wins, as in JSON.parse.
            if let Some(slot) = map.iter_mut().find(|(key, _)| *key == k) {
                slot.1 = v;
            } else {
                map.push((k, v));
            }
        }
        Ok(Value::Object(map))
    }
}

/// An object key. Read with its own visitor (not `String`'s) for the same reason as
/// the extra visits above: serde's default errors would pull float formatting in.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_string(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Key, E> {
        Ok(Key(s.to_owned()))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Key, E> {
        Ok(Key(s))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Key, E> {
        Err(E::custom("object keys must be strings"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Key, E> {
        Err(E::custom("object keys must be strings"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Key, E> {
        Err(E::custom("object keys must be strings"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Key, E> {
        Err(E::custom("object keys must be strings"))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Key, E> {
        Err(E::custom("object keys must be strings"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Err(E::custom("object keys must be strings"))
    }
}

/// Builds an object value from pairs; used where the engine assembles attributes.
/// Takes a `Vec` rather than any iterator so the wasm holds one copy of this code,
/// not one per call site.
pub fn object(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn js_string_coercions() {
        assert_eq!(Value::Number(1.0).to_js_string(), "1");
        assert_eq!(Value::Number(1.5).to_js_string(), "1.5");
        assert_eq!(Value::Number(1e21).to_js_string(), "1e+21");
        assert_eq!(Value::Number(-0.0).to_js_string(), "0");
        assert_eq!(
            Value::Array(vec![Value::Number(1.0), Value::Null, "a".into()]).to_js_string(),
            "1,,a"
        );
        assert_eq!(Value::Object(vec![]).to_js_string(), "[object Object]");
    }

    #[test]
    fn js_number_coercions() {
        assert_eq!(Value::from(" 12 ").to_js_number(), 12.0);
        assert_eq!(Value::from("").to_js_number(), 0.0);
        assert_eq!(Value::from("0x1f").to_js_number(), 31.0);
        assert!(Value::from("inf").to_js_number().is_nan());
        assert!(Value::from("12px").to_js_number().is_nan());
        assert_eq!(Value::from("-Infinity").to_js_number(), f64::NEG_INFINITY);
        assert_eq!(Value::Bool(true).to_js_number(), 1.0);
        assert_eq!(Value::Null.to_js_number(), 0.0);
        assert_eq!(Value::Array(vec![Value::Number(7.0)]).to_js_number(), 7.0);
    }

    #[test]
    fn refuses_documents_nested_too_deeply() {
        let deep = "[".repeat(MAX_NESTING + 1) + &"]".repeat(MAX_NESTING + 1);
        let err = serde_json::from_str::<Value>(&deep).unwrap_err();
        assert!(err.to_string().contains("nested deeper"), "{err}");
        let ok = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        assert!(serde_json::from_str::<Value>(&ok).is_ok());
        // The counter is released after a failure.
        assert!(serde_json::from_str::<Value>("[[1]]").is_ok());
    }

    #[test]
    fn json_stringify_keeps_order_and_escapes() {
        let v = object(vec![
            ("b", Value::Number(1.0)),
            ("a", Value::from("x\"\n")),
            ("n", Value::Number(f64::NAN)),
        ]);
        assert_eq!(v.to_json(), r#"{"b":1,"a":"x\"\n","n":null}"#);
    }
}
