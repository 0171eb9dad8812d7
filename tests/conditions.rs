//! The shared condition cases (tests/cases/*.json), natively. The same files run
//! against the wasm build in Node and in Chromium, and against GrowthBook:
//! `conditions.json` is written by hand, `generated.json` by scripts/gen-cases.mjs.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::condition::Condition;
use vitrine::engine::diagnostic::Diagnostics;
use vitrine::engine::Value;

#[test]
fn hand_written_condition_cases() {
    run(include_str!("cases/conditions.json"), 100);
}

#[test]
fn generated_condition_cases() {
    run(include_str!("cases/generated.json"), 3000);
}

fn run(json: &str, at_least: usize) {
    let cases: Value = serde_json::from_str(json).unwrap();
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= at_least);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.get("name").and_then(Value::as_str).unwrap();
        let mut diagnostics = Diagnostics::default();
        let condition = Condition::compile(case.get("condition").unwrap(), "", &mut diagnostics)
            .unwrap_or_else(|| panic!("{name}: {:?}", diagnostics.items));
        let expected = case.get("expected") == Some(&Value::Bool(true));
        if condition.eval(case.get("attributes").unwrap()) != expected {
            failures.push(name.to_owned());
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases: {failures:#?}",
        failures.len()
    );
}
