//! Segments and experiments through the engine's loop, natively.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::config::Config;
use vitrine::engine::profile::CartItem;
use vitrine::engine::runtime::{Engine, Partition};
use vitrine::engine::signal::{Context, Signal};
use vitrine::engine::Value;

const CONFIG: &str = r##"{
  "version": 1,
  "segments": [
    { "id": "vip", "when": { "segments": { "$all": ["big-cart", "clicker"] } } },
    { "id": "big-cart", "when": { "cart.total": { "$gte": 300 } } },
    { "id": "clicker", "when": { "clicks.promo": { "$gte": 2 } } }
  ],
  "rules": [
    { "id": "vip-banner", "when": { "segments": { "$in": ["vip"] } },
      "actions": [{ "op": "setText", "selector": "#banner", "text": "VIP" }] }
  ],
  "experiments": [
    { "id": "hero", "variants": [
        { "id": "control" },
        { "id": "bold", "actions": [{ "op": "addClass", "selector": "#hero", "class": "bold" }] } ] },
    { "id": "tiny", "coverage": 0, "variants": [{ "id": "a" }, { "id": "b" }] }
  ]
}"##;

fn engine(stored: Vec<(String, Partition)>, url: &str, id: &str) -> Engine {
    let value: Value = serde_json::from_str(CONFIG).unwrap();
    let config = Config::parse(&value).unwrap();
    let context = Context::from_page(url, "", "", 10, 2, "pt-BR", 1200.0);
    Engine::new(config, stored, id, context, 1_000.0).0
}

fn grant(e: &mut Engine) {
    e.set_consent(&[("personalization".into(), true)], "api", 1_500.0)
        .unwrap();
}

fn decision(e: &Engine, id: &str) -> (bool, Option<String>, String) {
    let d = e.decision_value(id).unwrap();
    let text = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_owned);
    (
        d.get("applied") == Some(&Value::Bool(true)),
        text("variant"),
        text("reason").unwrap_or_default(),
    )
}

#[test]
fn segments_follow_the_signals() {
    let mut e = engine(Vec::new(), "https://shop.example/", "v1");
    grant(&mut e);
    let segments = |e: &Engine| e.attributes().get("segments").unwrap().to_json();
    assert_eq!(segments(&e), "[]");
    e.signal(
        Signal::CartAdd(CartItem {
            id: "x".into(),
            price: 350.0,
            quantity: 1,
            ..CartItem::default()
        }),
        2_000.0,
    );
    assert_eq!(segments(&e), r#"["big-cart"]"#);
    e.signal(
        Signal::Click {
            key: "promo".into(),
        },
        2_100.0,
    );
    e.signal(
        Signal::Click {
            key: "promo".into(),
        },
        2_200.0,
    );
    assert_eq!(segments(&e), r#"["big-cart","clicker","vip"]"#);
    e.update();
    assert!(e.applied_rules().contains(&"vip-banner"));
    e.signal(Signal::CartRemove { id: "x".into() }, 2_300.0);
    e.update();
    assert!(
        !e.applied_rules().contains(&"vip-banner"),
        "dynamic: leaving a segment reverts"
    );
}

#[test]
fn assignments_are_sticky_and_deterministic() {
    let mut first = engine(Vec::new(), "https://shop.example/", "visitor-42");
    first.update();
    assert_eq!(
        decision(&first, "hero").2,
        "consent missing: personalization"
    );
    grant(&mut first);
    first.update();
    let (applied, variant, reason) = decision(&first, "hero");
    assert!(applied);
    assert_eq!(reason, "assigned");
    let variant = variant.unwrap();
    // The same id always gets the same variant (GrowthBook's hash v2).
    let expected = if vitrine::engine::bucket::hash("hero", "visitor-42", 2).unwrap() < 0.5 {
        "control"
    } else {
        "bold"
    };
    assert_eq!(variant, expected);
    assert_eq!(
        decision(&first, "tiny").2,
        "outside the experiment's coverage"
    );

    let stored: Vec<(String, Partition)> = first
        .take_storage_writes()
        .write
        .into_iter()
        .map(|(c, p)| (c, Partition::from_value(&p.to_value()).unwrap()))
        .collect();
    let mut second = engine(stored, "https://shop.example/other", "ignored-new-id");
    second.update();
    assert_eq!(
        decision(&second, "hero"),
        (true, Some(variant.clone()), "assigned (sticky)".into())
    );
    assert_eq!(
        second.attributes().get("experiments").unwrap().get("hero"),
        Some(&Value::from(variant.as_str()))
    );
}

#[test]
fn variants_can_be_forced_from_the_url_and_actions_apply() {
    let mut e = engine(
        Vec::new(),
        "https://shop.example/?vitrine_force=hero:bold",
        "anyone",
    );
    grant(&mut e);
    let diff = e.update();
    assert_eq!(
        decision(&e, "hero"),
        (true, Some("bold".into()), "forced by URL".into())
    );
    assert_eq!(diff.apply.len(), 1);
    assert_eq!(e.source_id(diff.apply[0]), "hero");
    assert!(matches!(
        e.action(diff.apply[0]).map(|a| &a.kind),
        Some(vitrine::engine::config::ActionKind::AddClass(c)) if c == "bold"
    ));
    // A forced variant is not stored as an assignment.
    assert!(e.profile().assignments.is_empty());
}

#[test]
fn segments_follow_simulated_attributes() {
    let mut e = engine(Vec::new(), "https://shop.example/", "anyone");
    grant(&mut e);
    e.update();
    assert!(!decision(&e, "vip-banner").0);
    e.simulate(
        serde_json::from_str(r#"{"cart": {"total": 400}, "clicks": {"promo": 3}}"#).unwrap(),
    );
    e.update();
    assert_eq!(decision(&e, "vip-banner"), (true, None, "applied".into()));
    assert!(e.profile().cart_items().is_empty(), "nothing recorded");
}
