//! Targeting conditions: MongoDB-style query documents with the semantics of
//! GrowthBook's `evalCondition`.
//!
//! A condition is compiled once when the config is loaded (paths checked, literal
//! comparisons pre-stringified, operators resolved, argument shapes checked) and then
//! evaluated many times against the attribute document. A malformed operator (for
//! example `$in` with a non-array) compiles to what GrowthBook evaluates it to
//! (`false`) and is also reported: `compile` (the config, `validateConfig`, the CLI)
//! refuses a condition with any problem, so a site owner learns about the mistake
//! rather than wondering why a rule never fires, while `growthbook` evaluates it
//! exactly as GrowthBook does (the shared compatibility cases hold the engine to
//! GrowthBook's answers with it; the `evalCondition` helper itself is JavaScript,
//! `js/condition.js`). Evaluation itself
//! follows JavaScript's rules (`String()`, `ToNumber`, strict equality, relational
//! comparison with UTF-16 string order) so targeting pasted from GrowthBook behaves
//! the same here.
//!
//! This file is over 600 lines on purpose: each operator's compiled form and its
//! evaluation stay side by side, so a change to one cannot miss the other.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::diagnostic::{field, index, unknown, Diagnostics, Path};
use super::saved_groups::{Group, SavedGroups};
use super::utf16::{unit_char, units as utf16_units};
use super::value::{decimal, Value};

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
    "$inGroup",
    "$notInGroup",
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
    Path(AttrPath, Test),
    /// What GrowthBook evaluates an unusable `$savedGroup` reference to: false.
    Never,
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
    /// A malformed operator: false, as in GrowthBook (and reported by `compile`).
    Never,
}

impl Condition {
    /// Compiles a condition document, reporting every problem under `path`; `None`
    /// when there is any.
    pub fn compile(
        value: &Value,
        path: &Path,
        groups: &SavedGroups,
        diags: &mut Diagnostics,
    ) -> Option<Condition> {
        let before = diags.items.len();
        let cond = compile_with(value, path, groups, diags);
        (diags.items.len() == before).then_some(cond)
    }

    /// Compiles a condition the way GrowthBook's `evalCondition` reads it: a
    /// malformed part evaluates to false instead of being refused.
    pub fn growthbook(value: &Value, groups: &SavedGroups) -> Condition {
        compile_with(value, &Path::ROOT, groups, &mut Diagnostics::default())
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
            Clause::Never => true,
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
        self.for_each_path(&mut |path| {
            if !roots.iter().any(|r| r == path) {
                roots.push(path.to_owned());
            }
        });
    }

    /// Every attribute path the condition's clauses read, in clause order (paths
    /// inside `$elemMatch` are relative to the element and not included).
    fn for_each_path<'a>(&'a self, visit: &mut impl FnMut(&'a str)) {
        for clause in &self.clauses {
            match clause {
                Clause::Or(list) | Clause::Nor(list) | Clause::And(list) => {
                    list.iter().for_each(|c| c.for_each_path(visit))
                }
                Clause::Not(c) => c.for_each_path(visit),
                Clause::Path(path, _) => visit(&path.text),
                Clause::Never => {}
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
            Some(Clause::Path(path, _)) => path.text.clone(),
            Some(Clause::Never) => "$savedGroup".into(),
            None => String::new(),
        }
    }
}

fn eval_or(list: &[Condition], attributes: &Value) -> bool {
    list.is_empty() || list.iter().any(|c| c.eval(attributes))
}

/// An attribute path as written (`cart.total`), kept as the one string: a start
/// that split every path into owned step strings (and joined them back for
/// `roots`) spent 7 % of its time on that. Where the first step ends is found once
/// here, so a one-step path is never scanned when it runs and a longer one only
/// from its second step on (a scan of every step at evaluation made `refresh()`
/// 10-20 % slower).
#[derive(Debug, Clone, PartialEq)]
struct AttrPath {
    text: String,
    /// The byte index of the first `.`, or the length.
    first_end: usize,
}

impl AttrPath {
    fn new(text: &str) -> AttrPath {
        AttrPath {
            text: text.to_owned(),
            first_end: step_end(text.as_bytes(), 0),
        }
    }
}

/// The index of the `.` that ends the step starting at `from`, or the length.
fn step_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while at < bytes.len() && bytes[at] != b'.' {
        at += 1;
    }
    at
}

/// GrowthBook's `getPath`: missing steps yield `null`; arrays answer indexes and `length`.
fn get_path<'a>(root: &'a Value, path: &AttrPath) -> Cow<'a, Value> {
    let (text, bytes) = (path.text.as_str(), path.text.as_bytes());
    let mut current = root;
    let (mut start, mut end) = (0, path.first_end);
    loop {
        let part = &text[start..end];
        let last = end == bytes.len();
        current = match current {
            Value::Object(map) => match map.iter().find(|(k, _)| k == part) {
                Some((_, v)) => v,
                None => return Cow::Owned(Value::Null),
            },
            Value::Array(items) if part == "length" => {
                let len = Value::Number(items.len() as f64);
                // A number has no properties, so `length` must be the last step.
                return Cow::Owned(if last { len } else { Value::Null });
            }
            Value::Array(items) => match part.parse::<usize>() {
                Ok(i) if decimal(i) == part && i < items.len() => &items[i],
                _ => return Cow::Owned(Value::Null),
            },
            _ => return Cow::Owned(Value::Null),
        };
        if last {
            return Cow::Borrowed(current);
        }
        start = end + 1;
        end = step_end(bytes, start);
    }
}

/// One compilation: the saved groups conditions may refer to, where problems go,
/// and the condition groups being expanded (a group that refers to itself matches
/// nobody instead of recursing).
struct Compiler<'a> {
    groups: &'a SavedGroups,
    diags: &'a mut Diagnostics,
    visiting: Vec<String>,
}

impl Compiler<'_> {
    fn doc(&mut self, value: &Value, path: &Path, depth: usize) -> Condition {
        let never = || Condition {
            clauses: vec![Clause::Never],
        };
        if depth > MAX_DEPTH {
            self.diags.report(path, || {
                format!("condition nested deeper than {MAX_DEPTH} levels")
            });
            return never();
        }
        // GrowthBook walks `Object.entries(condition)`: an array's entries are its
        // indexes, a string's its UTF-16 units, a number or boolean has none (true).
        let entries: Cow<'_, [(String, Value)]> = match value {
            Value::Object(map) => Cow::Borrowed(map),
            Value::Null => {
                self.diags
                    .report(path, || "expected a condition object, found null");
                return never();
            }
            other => {
                self.diags.report(path, || {
                    format!("expected a condition object, found {}", other.kind())
                });
                Cow::Owned(entries_of(other))
            }
        };
        let mut clauses = Vec::new();
        for (key, arg) in entries.iter() {
            let here = field(path, key);
            let clause = match key.as_str() {
                "$or" | "$nor" | "$and" => {
                    let list = self.list(arg, &here, depth);
                    match key.as_str() {
                        "$or" => Clause::Or(list),
                        "$nor" => Clause::Nor(list),
                        _ => Clause::And(list),
                    }
                }
                "$not" => Clause::Not(Box::new(self.doc(arg, &here, depth + 1))),
                "$savedGroup" => self.saved_group(arg, &here, depth),
                // Any other key, `$`-prefixed or not, is an attribute path (GrowthBook's
                // `{"$groups": {"$elemMatch": …}}`).
                k => {
                    if has_empty_step(k) {
                        self.diags
                            .report(&here, || "attribute path has an empty segment");
                    }
                    Clause::Path(AttrPath::new(k), self.test(arg, &here, depth + 1))
                }
            };
            clauses.push(clause);
        }
        Condition { clauses }
    }

    fn list(&mut self, value: &Value, path: &Path, depth: usize) -> Vec<Condition> {
        match value.as_array() {
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| self.doc(item, &index(path, i), depth + 1))
                .collect(),
            // GrowthBook: a list without a length is an empty list.
            None => {
                self.diags.report(path, || {
                    format!("expected an array of conditions, found {}", value.kind())
                });
                Vec::new()
            }
        }
    }

    /// `{"$savedGroup": {"id": …, "attributeKey"?: …}}`.
    fn saved_group(&mut self, value: &Value, path: &Path, depth: usize) -> Clause {
        let map = value.as_object();
        let id = map
            .and_then(|m| m.iter().find(|(k, _)| k == "id"))
            .map(|(_, v)| v);
        let key = map
            .and_then(|m| m.iter().find(|(k, _)| k == "attributeKey"))
            .map(|(_, v)| v);
        if let Some(m) = map {
            for (k, _) in m {
                if k != "id" && k != "attributeKey" {
                    self.diags.report(&field(path, k), || {
                        unknown("field", k, &["id", "attributeKey"])
                    });
                }
            }
        }
        let (Some(Value::String(id)), None | Some(Value::String(_))) = (id, key) else {
            self.diags.report(path, || {
                "expected {\"id\": group id, \"attributeKey\"?: attribute path}"
            });
            return Clause::Never;
        };
        let key = key.and_then(Value::as_str);
        match self.groups.get(id) {
            None => {
                self.diags.report(&field(path, "id"), || {
                    unknown("saved group", id, &self.groups.ids())
                });
                Clause::Never
            }
            Some(Group::List { attribute, values }) => match key.or(attribute.as_deref()) {
                Some(key) => Clause::Path(
                    AttrPath::new(key),
                    Test::Ops(vec![Op::In(values.clone(), false)]),
                ),
                None => {
                    self.diags.report(path, || {
                        format!("saved group \"{id}\" has no attributeKey; name the attribute here")
                    });
                    Clause::Never
                }
            },
            Some(Group::Condition(condition)) => {
                if self.visiting.iter().any(|v| v == id) {
                    self.diags
                        .report(path, || format!("saved group \"{id}\" refers to itself"));
                    return Clause::Never;
                }
                self.visiting.push(id.clone());
                let groups_root = Path::Text("savedGroups");
                let compiled = self.doc(condition, &field(&groups_root, id), depth + 1);
                self.visiting.pop();
                Clause::And(vec![compiled])
            }
            Some(Group::Malformed) => Clause::Never,
        }
    }

    fn test(&mut self, value: &Value, path: &Path, depth: usize) -> Test {
        if depth > MAX_DEPTH {
            self.diags.report(path, || {
                format!("condition nested deeper than {MAX_DEPTH} levels")
            });
            return Test::Ops(vec![Op::Never]);
        }
        match value {
            Value::String(s) => Test::Str(s.clone()),
            Value::Number(n) => Test::Num(*n),
            Value::Bool(b) => Test::Bool(*b),
            Value::Null => Test::Null,
            Value::Object(map) if is_operator_object(value) => Test::Ops(
                map.iter()
                    .map(|(op, arg)| self.op(op, arg, path, depth))
                    .collect(),
            ),
            Value::Object(map) if map.iter().any(|(k, _)| k.starts_with('$')) => {
                self.diags.report(
                    path, || "mixes operators and plain fields; use only operators (\"$gt\", ...) or only a literal object");
                // GrowthBook compares such an object as a literal.
                Test::Literal(value.to_json())
            }
            _ => Test::Literal(value.to_json()),
        }
    }

    fn op(&mut self, op: &str, arg: &Value, path: &Path, depth: usize) -> Op {
        let here = field(path, op);
        let array = |diags: &mut Diagnostics| -> Option<Vec<Value>> {
            match arg {
                Value::Array(items) => Some(items.clone()),
                _ => {
                    diags.report(&here, || {
                        format!("{op} expects an array, found {}", arg.kind())
                    });
                    None
                }
            }
        };
        let compiled = match op {
            "$eq" => Some(Op::Eq(arg.clone())),
            "$ne" => Some(Op::Ne(arg.clone())),
            "$lt" => Some(Op::Lt(arg.clone())),
            "$lte" => Some(Op::Lte(arg.clone())),
            "$gt" => Some(Op::Gt(arg.clone())),
            "$gte" => Some(Op::Gte(arg.clone())),
            "$exists" => Some(Op::Exists(arg.truthy())),
            "$in" => array(self.diags).map(|a| Op::In(a, false)),
            "$ini" => array(self.diags).map(|a| Op::In(a, true)),
            "$nin" => array(self.diags).map(|a| Op::NotIn(a, false)),
            "$nini" => array(self.diags).map(|a| Op::NotIn(a, true)),
            "$all" | "$alli" => array(self.diags).map(|items| {
                let tests = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.test(v, &index(&here, i), depth + 1))
                    .collect();
                Op::All(tests, op == "$alli")
            }),
            "$not" => Some(Op::Not(Box::new(self.test(arg, &here, depth + 1)))),
            "$size" => Some(Op::Size(Box::new(self.test(arg, &here, depth + 1)))),
            "$elemMatch" => Some(if is_operator_object(arg) {
                Op::ElemMatchValue(Box::new(self.test(arg, &here, depth + 1)))
            } else {
                Op::ElemMatchDoc(self.doc(arg, &here, depth + 1))
            }),
            "$type" => match arg.as_str() {
                Some(t) if TYPES.contains(&t) => Some(Op::Type(t.to_owned())),
                Some(t) => {
                    self.diags.report(&here, || unknown("type", t, TYPES));
                    None
                }
                None => {
                    self.diags.report(&here, || {
                        format!("$type expects a type name, found {}", arg.kind())
                    });
                    None
                }
            },
            "$veq" | "$vne" | "$vgt" | "$vgte" | "$vlt" | "$vlte" => {
                let version = padded_version(arg);
                Some(match op {
                    "$veq" => Op::Version(Ordering::Equal, true, version),
                    "$vne" => Op::Version(Ordering::Equal, false, version),
                    "$vgt" => Op::Version(Ordering::Greater, true, version),
                    "$vlte" => Op::Version(Ordering::Greater, false, version),
                    "$vlt" => Op::Version(Ordering::Less, true, version),
                    _ => Op::Version(Ordering::Less, false, version),
                })
            }
            "$regex" | "$regexi" => match arg.as_str() {
                None => {
                    self.diags.report(&here, || {
                        format!(
                            "{op} expects a regular expression string, found {}",
                            arg.kind()
                        )
                    });
                    None
                }
                Some(pattern) => {
                    match (super::host::get().compile_regex)(pattern, op == "$regexi") {
                        Ok(handle) => Some(Op::Regex(handle)),
                        Err(why) => {
                            self.diags
                                .report(&here, || format!("invalid regular expression: {why}"));
                            None
                        }
                    }
                }
            },
            "$inGroup" | "$notInGroup" => self.in_group(op, arg, &here),
            _ => {
                self.diags
                    .report(path, || unknown("operator", op, OPERATORS));
                None
            }
        };
        compiled.unwrap_or(Op::Never)
    }

    /// `$inGroup` / `$notInGroup`: the group's list, resolved now. GrowthBook looks
    /// the argument up as a property name, so a number names the group "7"; an unknown
    /// group is an empty list there (and a config error here).
    fn in_group(&mut self, op: &str, arg: &Value, here: &Path) -> Option<Op> {
        let id = arg.to_js_string();
        let values = match self.groups.get(&id) {
            Some(Group::List { values, .. }) => values.clone(),
            Some(_) => {
                self.diags.report(
                    here, || format!("saved group \"{id}\" is not a list; use {{\"$savedGroup\": {{\"id\": \"{id}\"}}}}"));
                return None;
            }
            None => {
                self.diags
                    .report(here, || unknown("saved group", &id, &self.groups.ids()));
                Vec::new()
            }
        };
        Some(if op == "$inGroup" {
            Op::In(values, false)
        } else {
            Op::NotIn(values, false)
        })
    }
}

fn compile_with(
    value: &Value,
    path: &Path,
    groups: &SavedGroups,
    diags: &mut Diagnostics,
) -> Condition {
    let mut compiler = Compiler {
        groups,
        diags,
        visiting: Vec::new(),
    };
    compiler.doc(value, path, 0)
}

/// `""`, `.a`, `a.` or `a..b`: a path with a step that names nothing.
fn has_empty_step(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.first().is_none_or(|&b| b == b'.')
        || bytes.last() == Some(&b'.')
        || bytes.windows(2).any(|w| w == b"..")
}

/// `Object.entries` of a non-object condition, as GrowthBook walks it.
fn entries_of(value: &Value) -> Vec<(String, Value)> {
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (decimal(i), v.clone()))
            .collect(),
        Value::String(s) => utf16_units(s)
            .enumerate()
            .map(|(i, unit)| (decimal(i), Value::String(unit_char(unit.into()).into())))
            .collect(),
        _ => Vec::new(),
    }
}

fn is_operator_object(value: &Value) -> bool {
    matches!(value, Value::Object(map) if !map.is_empty() && map.iter().all(|(k, _)| k.starts_with('$')))
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
            Op::Never => false,
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
        return Some(utf16_units(x).cmp(utf16_units(y)));
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
    let parts: Vec<&str> = trimmed.split(['-', '.']).collect();
    let mut out = String::new();
    for (i, p) in parts
        .iter()
        .chain((parts.len() == 3).then_some(&"~"))
        .enumerate()
    {
        if i > 0 {
            out.push('-');
        }
        // Numeric parts `padStart(5, " ")`, as GrowthBook's paddedVersionString.
        if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
            out.extend(std::iter::repeat_n(' ', 5usize.saturating_sub(p.len())));
        }
        out.push_str(p);
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn cond(json: &str) -> Condition {
        let v: Value = serde_json::from_str(json).unwrap();
        let mut d = Diagnostics::default();
        Condition::compile(&v, &Path::Text("when"), &SavedGroups::default(), &mut d)
            .unwrap_or_else(|| panic!("{:?}", d.items))
    }

    fn attrs(json: &str) -> Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reports_unknown_operator_with_path_and_hint() {
        let v: Value = serde_json::from_str(r#"{"cart.total": {"$gtt": 100}}"#).unwrap();
        let mut d = Diagnostics::default();
        assert!(Condition::compile(
            &v,
            &Path::Text("rules[3].when"),
            &SavedGroups::default(),
            &mut d
        )
        .is_none());
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
        assert!(
            Condition::compile(&v, &Path::Text("when"), &SavedGroups::default(), &mut d).is_none()
        );
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
            assert!(
                Condition::compile(&v, &Path::Text("when"), &SavedGroups::default(), &mut d)
                    .is_none()
            );
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
