//! The shared condition cases (tests/cases/*.json), natively. The same files run
//! against the wasm build in Node and in Chromium, and against GrowthBook:
//! `conditions.json` is written by hand, `generated.json` by scripts/gen-cases.mjs,
//! `growthbook-compat.json` by hand for what GrowthBook accepts and vitrine's config
//! reports (malformed operators, `$`-paths, saved groups, UTF-16 strings). The files
//! are read with the engine's own JSON reader (lone surrogates included).
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::condition::Condition;
use vitrine::engine::diagnostic::{Diagnostics, Path};
use vitrine::engine::saved_groups::SavedGroups;
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
    let cases = vitrine::engine::json::parse(json).unwrap();
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= at_least);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.get("name").and_then(Value::as_str).unwrap();
        let mut diagnostics = Diagnostics::default();
        let condition = Condition::compile(
            case.get("condition").unwrap(),
            &Path::ROOT,
            &SavedGroups::default(),
            &mut diagnostics,
        )
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

#[test]
fn growthbook_compatibility_cases() {
    let cases = vitrine::engine::json::parse(include_str!("cases/growthbook-compat.json")).unwrap();
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 35);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.get("name").and_then(Value::as_str).unwrap();
        let condition = case.get("condition").unwrap();
        let attributes = case.get("attributes").unwrap();
        let expected = case.get("expected") == Some(&Value::Bool(true));
        let reported = case.get("reported") == Some(&Value::Bool(true));
        // As evalCondition reads it: GrowthBook's leniency, GrowthBook's answer.
        let lenient = SavedGroups::from_growthbook(case.get("savedGroups").unwrap_or(&Value::Null));
        if Condition::growthbook(condition, &lenient).eval(attributes) != expected {
            failures.push(format!("{name}: evaluates wrong"));
        }
        // As a config reads it: every malformed part is reported with its path.
        let mut diagnostics = Diagnostics::default();
        let strict = SavedGroups::parse(case.get("savedGroups"), &mut diagnostics);
        let compiled =
            Condition::compile(condition, &Path::Text("when"), &strict, &mut diagnostics);
        if diagnostics.is_empty() == reported || compiled.is_some() == reported {
            failures.push(format!("{name}: reported {:?}", diagnostics.items));
        }
        if let Some(compiled) = compiled {
            if compiled.eval(attributes) != expected {
                failures.push(format!("{name}: compiled evaluates wrong"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
