//! The shared first-swap cases (tests/cases/first-swap.json, tests/cases/context.json),
//! natively: the engine's planner (`engine::first_swap`) and context document
//! (`signal::Context`, `attributes::context_document`) are the specification the
//! loader's JavaScript start (js/start.js) is held to; tests/node/first-swap.test.mjs
//! runs the same files against it.
//!
//! A case's inputs are written by hand; its `expect` is what the engine answers.
//! `VITRINE_UPDATE_CASES=1 cargo test --test first_swap_cases` writes the answers
//! of new or changed cases into the files (review the diff before committing);
//! without it a difference fails.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::{json, Value as Json};
use vitrine::engine::attributes::context_document;
use vitrine::engine::config::{Action, ActionKind};
use vitrine::engine::first_swap::{plan, ConsentFacts};
use vitrine::engine::signal::Context;
use vitrine::engine::Value;

fn to_value(j: &Json) -> Value {
    vitrine::engine::json::parse(&j.to_string()).unwrap()
}

fn to_json(v: &Value) -> Json {
    serde_json::from_str(&v.to_json()).unwrap()
}

fn context(page: &Json) -> Context {
    let s = |k: &str| page.get(k).and_then(Json::as_str).unwrap_or("").to_owned();
    let n = |k: &str, d: f64| page.get(k).and_then(Json::as_f64).unwrap_or(d);
    let mut c = Context::from_page(
        &s("url"),
        &s("referrer"),
        &s("title"),
        n("hour", 10.0) as u8,
        n("weekday", 2.0) as u8,
        page.get("language")
            .and_then(Json::as_str)
            .unwrap_or("pt-BR"),
        n("width", 390.0),
    );
    c.set_timezone(&s("timezone"));
    c
}

/// An operation as both sides write it: the action's own fields, normalized.
fn op(rule: u32, index: u32, action: &Action) -> Json {
    let mut o = json!({ "rule": rule, "action": index, "selector": action.selector, "first": action.first });
    let fields = match &action.kind {
        ActionKind::SetText(text) => json!({ "op": "setText", "text": text }),
        ActionKind::SetAttr { name, value } => {
            json!({ "op": "setAttr", "name": name, "value": value })
        }
        ActionKind::RemoveAttr(name) => json!({ "op": "removeAttr", "name": name }),
        ActionKind::AddClass(class) => json!({ "op": "addClass", "class": class }),
        ActionKind::RemoveClass(class) => json!({ "op": "removeClass", "class": class }),
        ActionKind::SetStyle(style) => json!({ "op": "setStyle", "style": style }),
        ActionKind::Show(display) => json!({ "op": "show", "display": display }),
        ActionKind::Hide => json!({ "op": "hide" }),
        ActionKind::Remove => json!({ "op": "remove" }),
        other => panic!("the start never plans {other:?}"),
    };
    for (k, v) in fields.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

fn first_swap(case: &Json) -> Json {
    let facts = match case["consent"].as_str() {
        Some("unknown") => ConsentFacts::Unknown,
        _ => ConsentFacts::Defaults,
    };
    let attributes = Value::Object(context_document(&context(&case["page"])));
    let s = plan(&to_value(&case["config"]), &attributes, || facts);
    json!({
        "read": s.read,
        "applied": s.applied,
        "deferred": s.deferred,
        "ops": s.ops.iter().map(|(r, a, action)| op(*r, *a, action)).collect::<Vec<_>>(),
    })
}

fn context_case(case: &Json) -> Json {
    to_json(&Value::Object(context_document(&context(&case["page"]))))
}

fn check(file: &str, answer: fn(&Json) -> Json) {
    let path = format!("{}/tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut cases: Vec<Json> = serde_json::from_str(&text).unwrap();
    let update = std::env::var_os("VITRINE_UPDATE_CASES").is_some();
    let mut wrong = Vec::new();
    for case in &mut cases {
        let got = answer(case);
        if case.get("expect") != Some(&got) {
            if update {
                case["expect"] = got;
            } else {
                wrong.push(format!(
                    "{}: expected {}, the engine answers {got}",
                    case["name"],
                    case.get("expect").unwrap_or(&Json::Null)
                ));
            }
        }
    }
    if update {
        let mut out = serde_json::to_string_pretty(&cases).unwrap();
        out.push('\n');
        std::fs::write(&path, out).unwrap();
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(cases.len() >= 20, "{file}: {} cases", cases.len());
}

#[test]
fn first_swap_cases() {
    check("first-swap.json", first_swap);
}

#[test]
fn context_cases() {
    check("context.json", context_case);
}
