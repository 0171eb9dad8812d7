//! Targeting conditions: MongoDB-style query documents with the semantics of
//! GrowthBook's `evalCondition`.
//!
//! A condition is compiled once when the config is loaded (paths split, literal
//! comparisons pre-stringified, operators resolved, argument shapes checked) and then
//! evaluated many times against the attribute document. Where GrowthBook would
//! silently evaluate a malformed operator to `false` (for example `$in` with a
//! non-array), compilation reports a config error instead, so a site owner learns
//! about the mistake rather than wondering why a rule never fires. Evaluation itself
//! follows JavaScript's rules (`String()`, `ToNumber`, strict equality, relational
//! comparison with UTF-16 string order) so targeting pasted from GrowthBook behaves
//! the same here.
//!
//! This file is over 600 lines on purpose: each operator's compiled form and its
//! evaluation stay side by side, so a change to one cannot miss the other.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::diagnostic::{field, index, unknown, Diagnostics};
use super::value::Value;

/// Deepest nesting a condition may have; keeps hostile configs from exhausting the stack.
pub const MAX_DEPTH: usize = 24;

const OPERATORS: &[&str] = &[
    "$eq",
    "$ne",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$in",
    "$nin",
    "$ini",
    "$nini",
    "$all",
    "$alli",
    "$exists",
    "$type",
    "$elemMatch",
    "$size",
    "$not",
    "$and",
    "$or",
    "$nor",
    "$veq",
    "$vne",
    "$vgt",
    "$vgte",
    "$vlt",
    "$vlte",
    "$regex",
    "$regexi",
];

const TYPES: &[&str] = &[
    "string",
    "number",
    "boolean",
    "object",
    "array",
    "null",
    "undefined",
];

/// A compiled condition document: every clause must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq)]
enum Clause {
    Or(Vec<Condition>),
    Nor(Vec<Condition>),
    And(Vec<Condition>),
    Not(Box<Condition>),
    Path(Vec<String>, Test),
}

/// What a single value is tested against (GrowthBook's `evalConditionValue`).
#[derive(Debug, Clone, PartialEq)]
enum Test {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    /// Arrays and non-operator objects compare by `JSON.stringify`.
    Literal(String),
    Ops(Vec<Op>),
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Version(Ordering, bool, String),
    Eq(Value),
    Ne(Value),
    Lt(Value),
    Lte(Value),
    Gt(Value),
    Gte(Value),
    Exists(bool),
    In(Vec<Value>, bool),
    NotIn(Vec<Value>, bool),
    All(Vec<Test>, bool),
    Not(Box<Test>),
    Size(Box<Test>),
    ElemMatchValue(Box<Test>),
    ElemMatchDoc(Condition),
    Type(String),
    /// A handle from the host's `compile_regex`.
    Regex(u32),
}

impl Condition {
    /// Compiles a condition document, reporting every problem under `path`.
    pub fn compile(value: &Value, path: &str, diags: &mut Diagnostics) -> Option<Condition> {
        let before = diags.items.len();
        let cond = compile_doc(value, path, diags, 0);
        (diags.items.len() == before).then_some(cond)
    }

    /// Evaluates against an attribute document.
    pub fn eval(&self, attributes: &Value) -> bool {
        self.first_failure(attributes).is_none()
    }

    /// The index of the first top-level clause that does not hold, for explaining
    /// decisions (see `clause_label`); `None` if all hold. Allocates nothing.
    pub fn first_failure(&self, attributes: &Value) -> Option<usize> {
        self.clauses.iter().position(|clause| match clause {
            Clause::Or(list) => !eval_or(list, attributes),
            Clause::Nor(list) => eval_or(list, attributes),
            Clause::And(list) => !list.iter().all(|c| c.eval(attributes)),
            Clause::Not(c) => c.eval(attributes),
            Clause::Path(path, test) => !test.eval(&get_path(attributes, path), false),
        })
    }

    /// The attribute paths the condition reads (`cart.total`), so evaluation can
    /// skip it when none of them changed.
    pub fn roots(&self) -> Vec<String> {
        let mut roots = Vec::new();
        self.collect_roots(&mut roots);
        roots
    }

    fn collect_roots(&self, roots: &mut Vec<String>) {
        for clause in &self.clauses {
            match clause {
                Clause::Or(list) | Clause::Nor(list) | Clause::And(list) => {
                    list.iter().for_each(|c| c.collect_roots(roots))
                }
                Clause::Not(c) => c.collect_roots(roots),
                Clause::Path(path, _) => {
                    let joined = path.join(".");
                    if !roots.contains(&joined) {
                        roots.push(joined);
                    }
                }
            }
        }
    }

    /// What a top-level clause tests: its attribute path, or its operator.
    pub fn clause_label(&self, index: usize) -> String {
        match self.clauses.get(index) {
            Some(Clause::Or(_)) => "$or".into(),
            Some(Clause::Nor(_)) => "$nor".into(),
            Some(Clause::And(_)) => "$and".into(),
            Some(Clause::Not(_)) => "$not".into(),
            Some(Clause::Path(path, _)) => path.join("."),
            None => String::new(),
        }
    }
}

fn eval_or(list: &[Condition], attributes: &Value) -> bool {
    list.is_empty() || list.iter().any(|c| c.eval(attributes))
}

/// GrowthBook's `getPath`: missing steps yield `null`; arrays answer indexes and `length`.
fn get_path<'a>(root: &'a Value, path: &[String]) -> Cow<'a, Value> {
    let mut current = root;
    for (step, part) in path.iter().enumerate() {
        current = match current {
            Value::Object(map) => match map.iter().find(|(k, _)| k == part) {
                Some((_, v)) => v,
                None => return Cow::Owned(Value::Null),
            },
            Value::Array(items) if part == "length" => {
                let len = Value::Number(items.len() as f64);
                // A number has no properties, so `length` must be the last step.
                return Cow::Owned(if step + 1 == path.len() {
                    len
                } else {
                    Value::Null
                });
            }
            Value::Array(items) => match part.parse::<usize>() {
                Ok(i) if i.to_string() == *part && i < items.len() => &items[i],
                _ => return Cow::Owned(Value::Null),
            },
            _ => return Cow::Owned(Value::Null),
        };
    }
    Cow::Borrowed(current)
}

fn compile_doc(value: &Value, path: &str, diags: &mut Diagnostics, depth: usize) -> Condition {
    let mut clauses = Vec::new();
    if depth > MAX_DEPTH {
        diags.error(
            path,
            format!("condition nested deeper than {MAX_DEPTH} levels"),
        );
        return Condition { clauses };
    }
    let Some(map) = value.as_object() else {
        diags.error(
            path,
            format!("expected a condition object, found {}", value.kind()),
        );
        return Condition { clauses };
    };
    for (key, arg) in map {
        let here = field(path, key);
        let clause = match key.as_str() {
            "$or" | "$nor" | "$and" => {
                let list = compile_list(arg, &here, diags, depth);
                match key.as_str() {
                    "$or" => Clause::Or(list),
                    "$nor" => Clause::Nor(list),
                    _ => Clause::And(list),
                }
            }
            "$not" => Clause::Not(Box::new(compile_doc(arg, &here, diags, depth + 1))),
            k if k.starts_with('$') => {
                diags.error(
                    path,
                    unknown("operator", k, &["$or", "$nor", "$and", "$not"]),
                );
                continue;
            }
            k => {
                if k.is_empty() || k.split('.').any(str::is_empty) {
                    diags.error(&here, "attribute path has an empty segment");
                }
                let parts = k.split('.').map(str::to_owned).collect();
                Clause::Path(parts, compile_test(arg, &here, diags, depth + 1))
            }
        };
        clauses.push(clause);
    }
    Condition { clauses }
}

fn compile_list(
    value: &Value,
    path: &str,
    diags: &mut Diagnostics,
    depth: usize,
) -> Vec<Condition> {
    match value.as_array() {
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| compile_doc(item, &index(path, i), diags, depth + 1))
            .collect(),
        None => {
            diags.error(
                path,
                format!("expected an array of conditions, found {}", value.kind()),
            );
            Vec::new()
        }
    }
}

fn is_operator_object(value: &Value) -> bool {
    matches!(value, Value::Object(map) if !map.is_empty() && map.iter().all(|(k, _)| k.starts_with('$')))
}

fn compile_test(value: &Value, path: &str, diags: &mut Diagnostics, depth: usize) -> Test {
    if depth > MAX_DEPTH {
        diags.error(
            path,
            format!("condition nested deeper than {MAX_DEPTH} levels"),
        );
        return Test::Null;
    }
    match value {
        Value::String(s) => Test::Str(s.clone()),
        Value::Number(n) => Test::Num(*n),
        Value::Bool(b) => Test::Bool(*b),
        Value::Null => Test::Null,
        Value::Object(map) if is_operator_object(value) => Test::Ops(
            map.iter()
                .filter_map(|(op, arg)| compile_op(op, arg, path, diags, depth))
                .collect(),
        ),
        Value::Object(map) if map.iter().any(|(k, _)| k.starts_with('$')) => {
            diags.error(
                path,
                "mixes operators and plain fields; use only operators (\"$gt\", ...) or only a literal object",
            );
            Test::Null
        }
        _ => Test::Literal(value.to_json()),
    }
}

fn compile_op(
    op: &str,
    arg: &Value,
    path: &str,
    diags: &mut Diagnostics,
    depth: usize,
) -> Option<Op> {
    let here = field(path, op);
    let array = |diags: &mut Diagnostics| -> Option<Vec<Value>> {
        match arg {
            Value::Array(items) => Some(items.clone()),
            _ => {
                diags.error(
                    &here,
                    format!("{op} expects an array, found {}", arg.kind()),
                );
                None
            }
        }
    };
    let compiled = match op {
        "$eq" => Op::Eq(arg.clone()),
        "$ne" => Op::Ne(arg.clone()),
        "$lt" => Op::Lt(arg.clone()),
        "$lte" => Op::Lte(arg.clone()),
        "$gt" => Op::Gt(arg.clone()),
        "$gte" => Op::Gte(arg.clone()),
        "$exists" => Op::Exists(arg.truthy()),
        "$in" => Op::In(array(diags)?, false),
        "$ini" => Op::In(array(diags)?, true),
        "$nin" => Op::NotIn(array(diags)?, false),
        "$nini" => Op::NotIn(array(diags)?, true),
        "$all" | "$alli" => {
            let items = array(diags)?;
            let tests = items
                .iter()
                .enumerate()
                .map(|(i, v)| compile_test(v, &index(&here, i), diags, depth + 1))
                .collect();
            Op::All(tests, op == "$alli")
        }
        "$not" => Op::Not(Box::new(compile_test(arg, &here, diags, depth + 1))),
        "$size" => Op::Size(Box::new(compile_test(arg, &here, diags, depth + 1))),
        "$elemMatch" => {
            if is_operator_object(arg) {
                Op::ElemMatchValue(Box::new(compile_test(arg, &here, diags, depth + 1)))
            } else {
                Op::ElemMatchDoc(compile_doc(arg, &here, diags, depth + 1))
            }
        }
        "$type" => match arg.as_str() {
            Some(t) if TYPES.contains(&t) => Op::Type(t.to_owned()),
            Some(t) => {
                diags.error(&here, unknown("type", t, TYPES));
                return None;
            }
            None => {
                diags.error(
                    &here,
                    format!("$type expects a type name, found {}", arg.kind()),
                );
                return None;
            }
        },
        "$veq" | "$vne" | "$vgt" | "$vgte" | "$vlt" | "$vlte" => {
            let version = padded_version(arg);
            match op {
                "$veq" => Op::Version(Ordering::Equal, true, version),
                "$vne" => Op::Version(Ordering::Equal, false, version),
                "$vgt" => Op::Version(Ordering::Greater, true, version),
                "$vlte" => Op::Version(Ordering::Greater, false, version),
                "$vlt" => Op::Version(Ordering::Less, true, version),
                _ => Op::Version(Ordering::Less, false, version),
            }
        }
        "$regex" | "$regexi" => {
            let Some(pattern) = arg.as_str() else {
                diags.error(
                    &here,
                    format!(
                        "{op} expects a regular expression string, found {}",
                        arg.kind()
                    ),
                );
                return None;
            };
            match (super::host::get().compile_regex)(pattern, op == "$regexi") {
                Ok(handle) => Op::Regex(handle),
                Err(why) => {
                    diags.error(&here, format!("invalid regular expression: {why}"));
                    return None;
                }
            }
        }
        _ => {
            diags.error(path, unknown("operator", op, OPERATORS));
            return None;
        }
    };
    Some(compiled)
}

impl Test {
    fn eval(&self, actual: &Value, insensitive: bool) -> bool {
        match self {
            Test::Str(s) if insensitive => lower(&actual.to_js_string()) == lower(s),
            Test::Str(s) => actual.to_js_string() == *s,
            Test::Num(n) => actual.to_js_number() == *n,
            Test::Bool(b) => !matches!(actual, Value::Null) && actual.truthy() == *b,
            Test::Null => matches!(actual, Value::Null),
            Test::Literal(json) => actual.to_json() == *json,
            Test::Ops(ops) => ops.iter().all(|op| op.eval(actual)),
        }
    }
}

impl Op {
    fn eval(&self, actual: &Value) -> bool {
        match self {
            Op::Version(ord, want, expected) => {
                (padded_version(actual).as_str().cmp(expected.as_str()) == *ord) == *want
            }
            Op::Eq(expected) => strict_equals(actual, expected),
            Op::Ne(expected) => !strict_equals(actual, expected),
            Op::Lt(expected) => js_compare(actual, expected) == Some(Ordering::Less),
            Op::Lte(expected) => matches!(
                js_compare(actual, expected),
                Some(Ordering::Less | Ordering::Equal)
            ),
            Op::Gt(expected) => js_compare(actual, expected) == Some(Ordering::Greater),
            Op::Gte(expected) => matches!(
                js_compare(actual, expected),
                Some(Ordering::Greater | Ordering::Equal)
            ),
            Op::Exists(want) => matches!(actual, Value::Null) != *want,
            Op::In(list, insensitive) => is_in(actual, list, *insensitive),
            Op::NotIn(list, insensitive) => !is_in(actual, list, *insensitive),
            Op::All(tests, insensitive) => match actual {
                Value::Array(items) => tests
                    .iter()
                    .all(|t| items.iter().any(|item| t.eval(item, *insensitive))),
                _ => false,
            },
            Op::Not(test) => !test.eval(actual, false),
            Op::Size(test) => match actual {
                Value::Array(items) => test.eval(&Value::Number(items.len() as f64), false),
                _ => false,
            },
            Op::ElemMatchValue(test) => match actual {
                Value::Array(items) => items
                    .iter()
                    .any(|v| !matches!(v, Value::Null) && test.eval(v, false)),
                _ => false,
            },
            Op::ElemMatchDoc(cond) => match actual {
                Value::Array(items) => items
                    .iter()
                    .any(|v| !matches!(v, Value::Null) && cond.eval(v)),
                _ => false,
            },
            Op::Type(t) => type_name(actual) == t,
            // RegExp.prototype.test reads its argument with String().
            Op::Regex(handle) => (super::host::get().regex_test)(*handle, &actual.to_js_string()),
        }
    }
}

/// JavaScript's `toLowerCase`, through the host.
fn lower(s: &str) -> String {
    (super::host::get().to_lowercase)(s)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Object(_) => "object",
    }
}

/// `===`: objects and arrays from different documents are never identical.
fn strict_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        _ => false,
    }
}

/// `Array.prototype.includes` (SameValueZero: NaN finds NaN).
fn same_value_zero(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_nan() && y.is_nan() => true,
        _ => strict_equals(a, b),
    }
}

fn is_in(actual: &Value, expected: &[Value], insensitive: bool) -> bool {
    let fold = |v: &Value| match v {
        Value::String(s) if insensitive => Value::String(lower(s)),
        other => other.clone(),
    };
    let contains = |el: &Value| {
        if insensitive {
            let el = fold(el);
            expected.iter().any(|e| strict_equals(&el, &fold(e)))
        } else {
            expected.iter().any(|e| same_value_zero(el, e))
        }
    };
    match actual {
        Value::Array(items) => items.iter().any(contains),
        _ => contains(actual),
    }
}

/// JavaScript's abstract relational comparison; `None` when a NaN is involved.
fn js_compare(a: &Value, b: &Value) -> Option<Ordering> {
    let prim = |v: &Value| match v {
        Value::Array(_) | Value::Object(_) => Value::String(v.to_js_string()),
        other => other.clone(),
    };
    let (pa, pb) = (prim(a), prim(b));
    if let (Value::String(x), Value::String(y)) = (&pa, &pb) {
        return Some(x.encode_utf16().cmp(y.encode_utf16()));
    }
    pa.to_js_number().partial_cmp(&pb.to_js_number())
}

/// GrowthBook's `paddedVersionString`: numeric parts left-padded so versions
/// compare as strings; a release sorts after its pre-releases.
fn padded_version(v: &Value) -> String {
    let input = match v {
        Value::Number(n) => crate::engine::value::js_number_to_string(*n),
        Value::String(s) if !s.is_empty() => s.clone(),
        _ => "0".into(),
    };
    let trimmed = input.strip_prefix('v').unwrap_or(&input);
    let trimmed = trimmed.split('+').next().unwrap_or("");
    let mut parts: Vec<&str> = trimmed.split(['-', '.']).collect();
    if parts.len() == 3 {
        parts.push("~");
    }
    parts
        .iter()
        .map(|p| {
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
                format!("{p:>5}")
            } else {
                (*p).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn cond(json: &str) -> Condition {
        let v: Value = serde_json::from_str(json).unwrap();
        let mut d = Diagnostics::default();
        Condition::compile(&v, "when", &mut d).unwrap_or_else(|| panic!("{:?}", d.items))
    }

    fn attrs(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reports_unknown_operator_with_path_and_hint() {
        let v: Value = serde_json::from_str(r#"{"cart.total": {"$gtt": 100}}"#).unwrap();
        let mut d = Diagnostics::default();
        assert!(Condition::compile(&v, "rules[3].when", &mut d).is_none());
        assert_eq!(
            d.items[0].to_string(),
            "rules[3].when.cart.total: unknown operator \"$gtt\" (did you mean \"$gt\"?)"
        );
    }

    #[test]
    fn depth_limit_is_an_error_not_a_crash() {
        let mut json = String::from("{\"a\": 1}");
        for _ in 0..60 {
            json = format!("{{\"$not\": {json}}}");
        }
        let v: Value = serde_json::from_str(&json).unwrap();
        let mut d = Diagnostics::default();
        assert!(Condition::compile(&v, "when", &mut d).is_none());
        assert!(d.items[0].message.contains("nested deeper"));
    }

    #[test]
    fn invalid_regular_expressions_are_config_errors() {
        for (json, message) in [
            (
                r#"{"s": {"$regex": "(unclosed"}}"#,
                "when.s.$regex: invalid regular expression",
            ),
            (
                r#"{"s": {"$regexi": 5}}"#,
                "when.s.$regexi: $regexi expects a regular expression string, found a number",
            ),
        ] {
            let v: Value = serde_json::from_str(json).unwrap();
            let mut d = Diagnostics::default();
            assert!(Condition::compile(&v, "when", &mut d).is_none());
            assert!(
                d.items[0].to_string().starts_with(message),
                "{}",
                d.items[0]
            );
        }
    }

    #[test]
    fn padded_versions_order_prereleases_first() {
        let v = |s: &str| padded_version(&Value::from(s));
        assert!(v("1.0.0") > v("1.0.0-beta"));
        assert!(v("1.10.0") > v("1.9.0"));
        assert_eq!(v("v1.2.3+build"), v("1.2.3"));
    }

    #[test]
    fn utf16_order_for_strings() {
        // U+FF61 sorts after U+1F600 by code point but before it by UTF-16 code unit.
        let c = cond(r#"{"s": {"$lt": "😀"}}"#);
        assert!(!c.eval(&attrs(r#"{"s": "｡"}"#)));
    }

    #[test]
    fn array_paths_answer_index_and_length() {
        let c = cond(r#"{"cart.items.0.id": "a", "cart.items.length": 2}"#);
        assert!(c.eval(&attrs(r#"{"cart": {"items": [{"id": "a"}, {"id": "b"}]}}"#)));
    }
}
