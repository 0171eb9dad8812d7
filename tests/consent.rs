//! Precedence between consent sources, natively: the visitor's explicit choice
//! (vitrine's panel or the site's API) beats CMP signals (TCF, Consent Mode); CMP
//! signals set what the visitor has not chosen; GPC can only deny; records prove
//! every change and only changes.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::config::Config;
use vitrine::engine::runtime::Engine;
use vitrine::engine::signal::Context;
use vitrine::engine::Value;

fn engine() -> Engine {
    let value: Value = serde_json::from_str(r#"{"version": 1}"#).unwrap();
    let config = Config::parse(&value).unwrap();
    Engine::new(config, vec![], "v", Context::default(), 0.0).0
}

fn set(e: &mut Engine, category: &str, granted: bool, source: &str) {
    e.set_consent(&[(category.into(), granted)], source, 1.0)
        .unwrap();
}

fn granted(e: &Engine, category: &str) -> bool {
    e.consent().is_granted(category)
}

#[test]
fn an_explicit_choice_beats_later_cmp_signals() {
    let mut e = engine();
    set(&mut e, "marketing", true, "tcf");
    assert!(
        granted(&e, "marketing"),
        "a CMP signal sets what was not chosen"
    );
    set(&mut e, "marketing", false, "panel");
    set(&mut e, "marketing", true, "tcf");
    set(&mut e, "marketing", true, "consent-mode");
    assert!(!granted(&e, "marketing"), "the visitor's no stands");
    // Categories the visitor did not touch still follow the CMP.
    set(&mut e, "analytics", true, "consent-mode");
    assert!(granted(&e, "analytics"));
}

#[test]
fn gpc_only_denies_and_yields_to_an_explicit_grant() {
    let mut e = engine();
    set(&mut e, "marketing", true, "consent-mode");
    set(&mut e, "marketing", false, "gpc");
    assert!(!granted(&e, "marketing"), "GPC denies a CMP grant");
    set(&mut e, "analytics", true, "gpc");
    assert!(!granted(&e, "analytics"), "GPC never grants");
    set(&mut e, "marketing", true, "panel");
    set(&mut e, "marketing", false, "gpc");
    assert!(
        granted(&e, "marketing"),
        "the visitor opted in after GPC, in the panel"
    );
}

#[test]
fn records_prove_every_choice_and_only_real_cmp_changes() {
    let mut e = engine();
    set(&mut e, "analytics", true, "consent-mode");
    set(&mut e, "analytics", true, "consent-mode"); // no change: no record
    set(&mut e, "analytics", true, "panel"); // an explicit choice is always recorded
    let sources: Vec<&str> = e
        .consent()
        .records
        .iter()
        .map(|r| r.source.as_str())
        .collect();
    assert_eq!(sources, ["consent-mode", "panel"]);
    assert_eq!(e.consent().explicit, ["analytics"]);
    // The explicit choices survive storage.
    let stored = e.consent().to_value();
    let back = vitrine::engine::consent::ConsentStore::from_value(&stored).unwrap();
    assert_eq!(back.explicit, ["analytics"]);
}
