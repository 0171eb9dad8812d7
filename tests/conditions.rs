//! The shared condition cases (tests/cases/conditions.json), natively. The same file
//! runs against the wasm build in Node and in Chromium, and against GrowthBook.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::condition::Condition;
use vitrine::engine::diagnostic::Diagnostics;
use vitrine::engine::Value;

#[test]
fn shared_condition_cases() {
    let cases: Value = serde_json::from_str(include_str!("cases/conditions.json")).unwrap();
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 100);
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
    assert!(failures.is_empty(), "failing cases: {failures:#?}");
}
