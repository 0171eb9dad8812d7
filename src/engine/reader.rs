//! Reading the config document: the typed accessors every section's parser uses
//! (objects with their allowed fields, strings with a length cap, ids, bounded
//! lists, consent category references, `consent` lists, priorities, duplicate
//! ids) and the limits they enforce. Each feature parses its own section with
//! these; `config` only assembles the sections, so no feature depends on `config`.

use super::diagnostic::{field, index, unknown, Diagnostics, Path};
use super::value::{Map, Value};

pub const MAX_ID_LEN: usize = 64;
pub const MAX_SELECTOR_LEN: usize = 512;
pub const MAX_TEXT_LEN: usize = 20_000;
pub const MAX_CATEGORIES: usize = 16;
/// The consent category every config has and nobody can refuse.
pub const NECESSARY: &str = "necessary";
/// Rules and signals need this category unless they name their own.
pub const DEFAULT_RULE_CATEGORY: &str = "personalization";

pub fn object<'a>(
    value: &'a Value,
    path: &Path,
    allowed: &[&str],
    diags: &mut Diagnostics,
) -> Option<&'a Map> {
    let Some(map) = value.as_object() else {
        diags.report(path, || {
            format!("expected an object, found {}", value.kind())
        });
        return None;
    };
    for (key, _) in map {
        if !allowed.contains(&key.as_str()) {
            diags.report(&field(path, key), || unknown("field", key, allowed));
        }
    }
    Some(map)
}

pub fn get<'a>(map: &'a Map, key: &str) -> Option<&'a Value> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The boolean field `key` of the object at `path`; `default` when absent or not a
/// boolean (reported).
pub fn boolean(map: &Map, key: &str, default: bool, path: &Path, diags: &mut Diagnostics) -> bool {
    match get(map, key) {
        None => default,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            diags.report(&field(path, key), || {
                format!("expected true or false, found {}", other.to_json())
            });
            default
        }
    }
}

pub fn string(value: &Value, path: &Path, max: usize, diags: &mut Diagnostics) -> Option<String> {
    match value {
        // Characters are counted only when the bytes could be too many.
        Value::String(s) if s.len() > max && s.chars().count() > max => {
            diags.report(path, || format!("is longer than {max} characters"));
            None
        }
        Value::String(s) => Some(s.clone()),
        other => {
            diags.report(path, || {
                format!("expected a string, found {}", other.kind())
            });
            None
        }
    }
}

pub fn identifier(value: &Value, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    let s = string(value, path, MAX_ID_LEN, diags)?;
    // By bytes: every byte of a non-ASCII character fails the test, as it would.
    let valid = !s.is_empty()
        && s.as_bytes()
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if !valid {
        diags.report(path, || {
            format!("\"{s}\" is not a valid id (letters, digits, - _ . : only)")
        });
        return None;
    }
    Some(s)
}

/// The required `id` field of an object at `path`.
pub fn required_id(map: &Map, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    match get(map, "id") {
        Some(v) => identifier(v, &field(path, "id"), diags),
        None => {
            diags.report(path, || "missing field \"id\"");
            None
        }
    }
}

/// A list at `path` of at most `max` entries (`noun` names them in the error);
/// an absent field is an empty list.
pub fn bounded_list<'a>(
    value: Option<&'a Value>,
    path: &Path,
    max: usize,
    noun: &str,
    diags: &mut Diagnostics,
) -> &'a [Value] {
    match value {
        None => &[],
        Some(Value::Array(items)) if items.len() > max => {
            diags.report(path, || {
                format!("has {} {noun}; the limit is {max}", items.len())
            });
            &[]
        }
        Some(Value::Array(items)) => items,
        Some(other) => {
            diags.report(path, || {
                format!("expected an array, found {}", other.kind())
            });
            &[]
        }
    }
}

pub fn category_ref(
    value: &Value,
    path: &Path,
    known: &[&str],
    diags: &mut Diagnostics,
) -> Option<String> {
    let id = string(value, path, MAX_ID_LEN, diags)?;
    if !known.contains(&id.as_str()) {
        diags.report(path, || unknown("consent category", &id, known));
        return None;
    }
    Some(id)
}

/// `consent`: one category or a list; absent means `personalization`.
pub fn consent_list(
    map: &Map,
    path: &Path,
    known: &[&str],
    diags: &mut Diagnostics,
) -> Vec<String> {
    consent_list_or(map, path, known, DEFAULT_RULE_CATEGORY, diags)
}

/// `consent`: one category or a list; absent means `default`.
pub fn consent_list_or(
    map: &Map,
    path: &Path,
    known: &[&str],
    default: &str,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let consent_path = field(path, "consent");
    match get(map, "consent") {
        None if known.contains(&default) => vec![default.to_owned()],
        None => {
            diags.report(path, || {
                format!(
                    "missing field \"consent\" (there is no \"{default}\" category to default to)"
                )
            });
            Vec::new()
        }
        Some(Value::Array(items)) => {
            let mut list = Vec::new();
            for (i, v) in items.iter().enumerate() {
                list.extend(category_ref(v, &index(&consent_path, i), known, diags));
            }
            list
        }
        Some(v) => category_ref(v, &consent_path, known, diags)
            .into_iter()
            .collect(),
    }
}

/// `priority`: a whole number, default 0.
pub fn priority(map: &Map, path: &Path, diags: &mut Diagnostics) -> i32 {
    match get(map, "priority") {
        None => 0,
        Some(Value::Number(n)) if n.fract() == 0.0 && n.abs() <= 1e6 => *n as i32,
        Some(v) => {
            diags.report(&field(path, "priority"), || {
                format!(
                    "expected a whole number between -1000000 and 1000000, found {}",
                    v.to_json()
                )
            });
            0
        }
    }
}

/// A translated text: either one string or `{ "pt-BR": "...", "en": "..." }`.
pub fn translated(
    value: Option<&Value>,
    path: &Path,
    diags: &mut Diagnostics,
) -> Vec<(String, String)> {
    match value {
        None => Vec::new(),
        Some(Value::String(_)) => string(value.unwrap_or(&Value::Null), path, 500, diags)
            .map(|s| vec![(String::new(), s)])
            .unwrap_or_default(),
        Some(Value::Object(map)) => map
            .iter()
            .filter_map(|(lang, v)| {
                Some((lang.clone(), string(v, &field(path, lang), 500, diags)?))
            })
            .collect(),
        Some(other) => {
            diags.report(path, || {
                format!(
                    "expected a string or an object of translations, found {}",
                    other.kind()
                )
            });
            Vec::new()
        }
    }
}

/// The indexes of ids (a config's rule ids) an earlier one already has, in order.
/// Each id's hash goes into an open-addressed table with twice as many slots as
/// ids, and ids are compared only where hashes meet: 1,000 rules cost about 1,000 probes
/// (comparing every hash with every earlier one was 500,000 comparisons, a few
/// per cent of a start).
pub(crate) fn duplicate_ids(ids: &[&str]) -> Vec<usize> {
    let size = (ids.len() * 2).next_power_of_two();
    let mask = size - 1;
    // (hash, index + 1); index 0 is an empty slot.
    let mut slots = vec![(0u32, 0usize); size];
    let mut duplicates = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        let hash = super::bucket::fnv1a32(id);
        let mut at = hash as usize & mask;
        loop {
            match slots[at] {
                (_, 0) => {
                    slots[at] = (hash, i + 1);
                    break;
                }
                (h, j) if h == hash && ids[j - 1] == id => {
                    duplicates.push(i);
                    break;
                }
                _ => at = (at + 1) & mask,
            }
        }
    }
    duplicates
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn duplicate_ids_are_found_as_comparing_every_pair_finds_them() {
        use std::collections::HashMap;
        // Two different ids with the same hash: met in the table, told apart.
        let mut seen = HashMap::new();
        let (a, b) = (0..)
            .map(|n| format!("r{n}"))
            .find_map(|id| {
                let hash = super::super::bucket::fnv1a32(&id);
                seen.insert(hash, id.clone())
                    .filter(|other| *other != id)
                    .map(|other| (other, id))
            })
            .unwrap();
        assert_eq!(
            super::super::bucket::fnv1a32(&a),
            super::super::bucket::fnv1a32(&b)
        );
        let mut ids: Vec<String> = (0..3000).map(|n| format!("rule-{}", n % 2100)).collect();
        ids.extend([
            a.clone(),
            b.clone(),
            a,
            b,
            "x".into(),
            "x".into(),
            "x".into(),
        ]);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let naive: Vec<usize> = (0..ids.len())
            .filter(|&i| ids[..i].contains(&ids[i]))
            .collect();
        assert_eq!(naive.len(), 900 + 2 + 2);
        assert_eq!(duplicate_ids(&ids), naive);
        assert_eq!(duplicate_ids(&[]), Vec::<usize>::new());
        assert_eq!(duplicate_ids(&["only"]), Vec::<usize>::new());
    }
}
