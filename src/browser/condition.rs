//! `evalCondition(attributes, condition, savedGroups?)`: GrowthBook's helper, same
//! arguments and the same answers, usable without a page (in Node too).
//!
//! The condition (with the saved groups) crosses as one JSON text (`js/index.js`
//! calls `JSON.stringify`) and is compiled leniently: a malformed part evaluates as
//! GrowthBook evaluates it (`false` there); `validateConfig` and the CLI are where
//! it is reported. Compiled conditions are kept by their text (the cache is in
//! `js/index.js`, bounded; `forgetConditions` empties this side), so evaluating the
//! same condition again is a look-up, not a parse. Compiling answers the paths the
//! condition reads; `js/index.js` reads them from the attribute object with
//! GrowthBook's `getPath` and hands their values over as one JSON text
//! (`evalValues`): one crossing per evaluation, whatever else the document holds,
//! and no JavaScript runs while the wasm evaluates. The numbers JSON cannot write
//! (`NaN`, `±Infinity`) come beside it, by index.

use std::borrow::Cow;
use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::engine::condition::{Attributes, Condition};
use crate::engine::json;
use crate::engine::saved_groups::SavedGroups;
use crate::engine::value::{self, Value};

/// A compiled condition and the address of each path `for_each_path` visits, in
/// the order `evalValues` receives their values (an address lives as long as the
/// condition).
struct Compiled {
    condition: Condition,
    order: Vec<usize>,
}

std::thread_local! {
    static COMPILED: RefCell<Vec<Compiled>> = const { RefCell::new(Vec::new()) };
}

/// Compiles `[condition, savedGroups]` (JSON text); returns `[handle, paths]` as
/// JSON text, each path an array of keys, in the order `evalValues` takes values;
/// an empty string if the text is not JSON (`JSON.stringify` wrote it, so only a
/// broken caller gets there; `js/index.js` throws).
#[wasm_bindgen(js_name = compileCondition)]
pub fn compile_condition(text: &str) -> String {
    let Ok(value) = json::parse(text) else {
        return String::new();
    };
    let argument = |i: usize| value.as_array().and_then(|a| a.get(i));
    let groups = SavedGroups::from_growthbook(argument(1).unwrap_or(&Value::Null));
    let condition = Condition::growthbook(argument(0).unwrap_or(&Value::Null), &groups);
    let mut order = Vec::new();
    let mut paths = Vec::new();
    condition.for_each_path(&mut |path| {
        order.push(path.as_ptr() as usize);
        paths.push(Value::Array(
            path.iter().cloned().map(Value::String).collect(),
        ));
    });
    COMPILED.with(|compiled| {
        let mut compiled = compiled.borrow_mut();
        let mut answer = String::from("[");
        value::push_decimal(&mut answer, compiled.len());
        answer.push(',');
        answer.push_str(&Value::Array(paths).to_json());
        answer.push(']');
        compiled.push(Compiled { condition, order });
        answer
    })
}

/// Evaluates a compiled condition against the values of its paths: a JSON array
/// text in the order `compileCondition` answered, and, when some are numbers JSON
/// cannot write, `special` as `[[index, kind], …]` (kind 0 `NaN`, 1 `Infinity`,
/// 2 `-Infinity`; `null` stands in the text). An unknown handle or unreadable
/// values are false.
#[wasm_bindgen(js_name = evalValues)]
pub fn eval_values(handle: u32, values: &str, special: Option<String>) -> bool {
    let Ok(Value::Array(mut values)) = json::parse(values) else {
        return false;
    };
    if let Some(Ok(Value::Array(special))) = special.as_deref().map(json::parse) {
        for entry in &special {
            let read = |i: usize| entry.as_array()?.get(i)?.as_f64();
            if let (Some(at), Some(kind)) = (read(0), read(1)) {
                if let Some(slot) = values.get_mut(at as usize) {
                    *slot = Value::Number(match kind as u8 {
                        0 => f64::NAN,
                        1 => f64::INFINITY,
                        _ => f64::NEG_INFINITY,
                    });
                }
            }
        }
    }
    COMPILED.with(|compiled| {
        compiled.borrow().get(handle as usize).is_some_and(|c| {
            c.condition.eval_in(&ReadValues {
                order: &c.order,
                values: &values,
            })
        })
    })
}

/// Drops every compiled condition (the JS cache was emptied).
#[wasm_bindgen(js_name = forgetConditions)]
pub fn forget_conditions() {
    COMPILED.with(|compiled| compiled.borrow_mut().clear());
}

/// The values `js/index.js` read for a condition's paths, found by the address
/// of the path asking.
struct ReadValues<'a> {
    order: &'a [usize],
    values: &'a [Value],
}

impl Attributes for ReadValues<'_> {
    fn lookup(&self, path: &[String]) -> Cow<'_, Value> {
        let id = path.as_ptr() as usize;
        match self.order.iter().position(|p| *p == id) {
            Some(i) => Cow::Borrowed(self.values.get(i).unwrap_or(&Value::Null)),
            None => Cow::Owned(Value::Null),
        }
    }
}
