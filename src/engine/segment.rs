//! Segments: named conditions the visitor is in or not, re-evaluated with every
//! signal ("dynamic segmentation"). The attribute `segments` lists the ids the
//! visitor is in, so rules, experiments and other segments target them with
//! `{"segments": {"$in": ["vip"]}}`. A segment may use other segments; references
//! are checked (unknown ids, cycles) when the config is loaded, and segments are
//! kept in an order where every segment comes after the ones it uses.

use super::condition::Condition;
use super::diagnostic::{field, index, unknown, Diagnostics, Path};
use super::reader::{bounded_list, get, object, required_id};
use super::saved_groups::SavedGroups;
use super::value::Value;

pub const MAX_SEGMENTS: usize = 200;
pub(crate) const SEGMENT_FIELDS: &[&str] = &["id", "description", "when"];

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub id: String,
    pub when: Condition,
}

/// Segment ids a condition refers to: every string under a `segments` path.
pub fn references(condition: &Value) -> Vec<String> {
    fn strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
            Value::Object(map) => map.iter().for_each(|(_, v)| strings(v, out)),
            _ => {}
        }
    }
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    if key == "segments" {
                        strings(v, out);
                    } else {
                        walk(v, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(condition, &mut out);
    out
}

/// Reports references to segments the config does not define.
pub fn check_references(condition: &Value, path: &Path, known: &[&str], diags: &mut Diagnostics) {
    for id in references(condition) {
        if !known.contains(&id.as_str()) {
            diags.report(&field(path, "segments"), || unknown("segment", &id, known));
        }
    }
}

/// Parses `segments` and returns them in evaluation order.
pub fn parse(value: Option<&Value>, groups: &SavedGroups, diags: &mut Diagnostics) -> Vec<Segment> {
    let items = bounded_list(
        value,
        &Path::Text("segments"),
        MAX_SEGMENTS,
        "segments",
        diags,
    );
    // First pass: ids, so references can be checked in any order.
    let ids: Vec<Option<String>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let path = index(&Path::Text("segments"), i);
            let map = object(item, &path, SEGMENT_FIELDS, diags)?;
            required_id(map, &path, diags)
        })
        .collect();
    let known: Vec<&str> = ids.iter().flatten().map(String::as_str).collect();
    let mut parsed: Vec<(String, Condition, Vec<usize>)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = index(&Path::Text("segments"), i);
        let Some(id) = ids[i].clone() else { continue };
        if ids[..i].iter().flatten().any(|other| *other == id) {
            diags.report(&field(&path, "id"), || {
                format!("duplicate segment id \"{id}\"")
            });
            continue;
        }
        let Some(map) = item.as_object() else {
            continue;
        };
        if let Some(Value::String(d)) = get(map, "description") {
            if d.chars().count() > 2000 {
                diags.report(&field(&path, "description"), || {
                    "is longer than 2000 characters"
                });
            }
        }
        let when_path = field(&path, "when");
        let Some(when_value) = get(map, "when") else {
            diags.report(&path, || "missing field \"when\"");
            continue;
        };
        check_references(when_value, &when_path, &known, diags);
        let Some(when) = Condition::compile(when_value, &when_path, groups, diags) else {
            continue;
        };
        let uses = references(when_value)
            .iter()
            .filter_map(|r| ids.iter().position(|id| id.as_deref() == Some(r.as_str())))
            .collect();
        parsed.push((id, when, uses));
    }
    order(parsed, &ids, diags)
}

/// Depth-first topological order; a cycle is reported once, at the segment where
/// it is found, with the whole loop spelled out.
fn order(
    parsed: Vec<(String, Condition, Vec<usize>)>,
    ids: &[Option<String>],
    diags: &mut Diagnostics,
) -> Vec<Segment> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let position = |i: usize| {
        parsed
            .iter()
            .position(|(id, _, _)| Some(id) == ids[i].as_ref())
    };
    let mut marks = vec![Mark::New; parsed.len()];
    let mut sequence = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    fn visit(
        p: usize,
        parsed: &[(String, Condition, Vec<usize>)],
        position: &dyn Fn(usize) -> Option<usize>,
        marks: &mut [Mark],
        stack: &mut Vec<usize>,
        sequence: &mut Vec<usize>,
        diags: &mut Diagnostics,
    ) {
        match marks[p] {
            Mark::Done => return,
            Mark::Open => {
                let from = stack.iter().position(|&s| s == p).unwrap_or(0);
                let mut names: Vec<&str> = stack[from..]
                    .iter()
                    .map(|&s| parsed[s].0.as_str())
                    .collect();
                names.push(parsed[p].0.as_str());
                diags.report(&Path::Text("segments"), || {
                    format!("segment cycle: {}", names.join(" → "))
                });
                return;
            }
            Mark::New => {}
        }
        marks[p] = Mark::Open;
        stack.push(p);
        for &used in &parsed[p].2 {
            if let Some(q) = position(used) {
                visit(q, parsed, position, marks, stack, sequence, diags);
            }
        }
        stack.pop();
        marks[p] = Mark::Done;
        sequence.push(p);
    }
    for p in 0..parsed.len() {
        visit(
            p,
            &parsed,
            &position,
            &mut marks,
            &mut stack,
            &mut sequence,
            diags,
        );
    }
    let mut slots: Vec<Option<(String, Condition, Vec<usize>)>> =
        parsed.into_iter().map(Some).collect();
    sequence
        .into_iter()
        .filter_map(|p| slots[p].take())
        .map(|(id, when, _)| Segment { id, when })
        .collect()
}

/// Adds `segments` (the ids the visitor is in) to an attribute document.
pub fn evaluate(segments: &[Segment], attributes: &mut Value) {
    let Value::Object(doc) = attributes else {
        return;
    };
    doc.retain(|(k, _)| k != "segments");
    doc.push(("segments".to_owned(), Value::Array(Vec::new())));
    for segment in segments {
        let inside = segment.when.eval(attributes);
        if inside {
            if let Value::Object(doc) = attributes {
                if let Some((_, Value::Array(list))) = doc.last_mut() {
                    list.push(Value::String(segment.id.clone()));
                }
            }
        }
    }
}

/// Whether two attribute paths overlap: equal, or one inside the other
/// (`clicks` and `clicks.promo`).
pub fn overlaps(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.starts_with(short) && (long.len() == short.len() || long.as_bytes()[short.len()] == b'.')
}

/// The attribute roots the segments read (the `segments` attribute changes when
/// any of them does).
pub fn segment_roots(segments: &[Segment]) -> Vec<String> {
    let mut roots: Vec<String> = Vec::new();
    for segment in segments {
        for r in segment.when.roots() {
            if !roots.contains(&r) {
                roots.push(r);
            }
        }
    }
    roots
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn parse_json(json: &str) -> Result<Vec<Segment>, Vec<String>> {
        let v: Value = serde_json::from_str(json).unwrap();
        let mut d = Diagnostics::default();
        let segments = parse(Some(&v), &SavedGroups::default(), &mut d);
        if d.is_empty() {
            Ok(segments)
        } else {
            Err(d.items.iter().map(ToString::to_string).collect())
        }
    }

    #[test]
    fn segments_are_ordered_after_the_segments_they_use() {
        let segments = parse_json(
            r#"[{"id": "vip", "when": {"segments": {"$all": ["big-cart", "loyal"]}}},
                {"id": "big-cart", "when": {"cart.total": {"$gte": 300}}},
                {"id": "loyal", "when": {"visitor.visits": {"$gte": 5}}}]"#,
        )
        .unwrap();
        let ids: Vec<&str> = segments.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["big-cart", "loyal", "vip"]);
        let mut doc: Value =
            serde_json::from_str(r#"{"cart": {"total": 400}, "visitor": {"visits": 9}}"#).unwrap();
        evaluate(&segments, &mut doc);
        assert_eq!(
            doc.get("segments").unwrap().to_json(),
            r#"["big-cart","loyal","vip"]"#
        );
    }

    #[test]
    fn cycles_and_unknown_references_are_errors() {
        let errors = parse_json(
            r#"[{"id": "a", "when": {"segments": {"$in": ["b"]}}},
                {"id": "b", "when": {"segments": {"$in": ["a"]}}},
                {"id": "c", "when": {"segments": {"$in": ["vipp"]}}},
                {"id": "c", "when": {}}]"#,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "segments[2].when.segments: unknown segment \"vipp\"",
                "segments[3].id: duplicate segment id \"c\"",
                "segments: segment cycle: a → b → a",
            ]
        );
    }

    #[test]
    fn a_segment_using_itself_is_a_cycle() {
        let errors =
            parse_json(r#"[{"id": "a", "when": {"segments": {"$in": ["a"]}}}]"#).unwrap_err();
        assert_eq!(errors, ["segments: segment cycle: a → a"]);
    }
}
