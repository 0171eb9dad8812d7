//! Reading typed data out of untrusted JSON values, with errors that say which field.
//!
//! Stored partitions and API arguments arrive as `Value`s. These helpers read them
//! into the engine's types by hand rather than through serde derives: each derive
//! would be compiled once per deserializer into the wasm, and hand-reading lets one
//! pass both type-check and bound the data.

use super::value::{Map, Value};

pub fn object<'a>(value: &'a Value, what: &str) -> Result<&'a Map, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{what} must be an object, found {}", value.kind()))
}

/// A present, non-null field.
pub fn field<'a>(map: &'a Map, key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !matches!(v, Value::Null))
}

pub fn string(map: &Map, key: &str) -> Result<String, String> {
    match field(map, key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "\"{key}\" must be a string, found {}",
            other.kind()
        )),
    }
}

/// A finite number; absent means `default`.
pub fn number(map: &Map, key: &str, default: f64) -> Result<f64, String> {
    match field(map, key) {
        None => Ok(default),
        Some(Value::Number(n)) if n.is_finite() => Ok(*n),
        Some(other) => Err(format!(
            "\"{key}\" must be a finite number, found {}",
            other.to_json()
        )),
    }
}

/// A whole number from 0 to `u32::MAX`; absent means 0.
pub fn count(map: &Map, key: &str) -> Result<u32, String> {
    let n = number(map, key, 0.0)?;
    if n < 0.0 || n.fract() != 0.0 || n > f64::from(u32::MAX) {
        return Err(format!(
            "\"{key}\" must be a whole number of at least 0, found {}",
            Value::Number(n).to_json()
        ));
    }
    Ok(n as u32)
}

/// `{name: count}`.
pub fn counters(map: &Map, key: &str) -> Result<Vec<(String, u32)>, String> {
    let Some(value) = field(map, key) else {
        return Ok(Vec::new());
    };
    let entries = object(value, key)?;
    let mut out = Vec::new();
    for (k, _) in entries {
        out.push((k.clone(), count(entries, k)?));
    }
    Ok(out)
}

/// Adds one to a counter and makes it the most recently used (last); past `max`
/// keys the least recently used goes. The key is cut at `max_key_len` characters.
pub fn bump(counters: &mut Vec<(String, u32)>, key: &str, max: usize, max_key_len: usize) {
    let key = super::value::truncate(key, max_key_len);
    let n = match counters.iter().position(|(k, _)| *k == key) {
        Some(i) => counters.remove(i).1.saturating_add(1),
        None => 1,
    };
    if counters.len() >= max {
        counters.remove(0);
    }
    counters.push((key, n));
}

pub fn counters_value(counters: &[(String, u32)]) -> Value {
    Value::Object(
        counters
            .iter()
            .map(|(k, n)| (k.clone(), Value::Number(f64::from(*n))))
            .collect(),
    )
}
