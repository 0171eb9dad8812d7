//! The engine's whole loop, natively: config → signals → plan → storage, with the
//! three consent gates (collection, storage, action) checked at each step.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::config::Config;
use vitrine::engine::profile::CartItem;
use vitrine::engine::runtime::{Engine, Partition};
use vitrine::engine::signal::{Context, Signal};
use vitrine::engine::Value;

const CONFIG: &str = r##"{
  "version": 1,
  "signals": { "clicks": "analytics" },
  "rules": [
    { "id": "welcome", "when": { "visitor.visits": { "$gte": 2 } },
      "actions": [{ "op": "setText", "selector": "#hero", "text": "De volta!" }] },
    { "id": "shipping", "when": { "cart.total": { "$gte": 150 } },
      "actions": [{ "op": "setText", "selector": "#banner", "text": "Frete grátis" },
                  { "op": "addClass", "selector": "#banner", "class": "ok" }] },
    { "id": "low", "priority": -1, "when": { "cart.count": { "$gte": 1 } },
      "actions": [{ "op": "setText", "selector": "#banner", "text": "Quase lá" }] },
    { "id": "clicky", "consent": ["analytics", "personalization"], "when": { "clicks.promo": 2 },
      "actions": [{ "op": "hide", "selector": "#promo" }] },
    { "id": "always", "consent": "necessary",
      "actions": [{ "op": "setAttr", "selector": "html", "name": "data-v", "value": "1" }] }
  ]
}"##;

fn config() -> Config {
    let value: Value = serde_json::from_str(CONFIG).unwrap();
    Config::parse(&value).unwrap()
}

fn engine(stored: Vec<(String, Partition)>) -> Engine {
    Engine::new(config(), stored, "visitor-1", Context::default(), 1_000.0).0
}

fn item(id: &str, price: f64) -> Signal {
    Signal::CartAdd(CartItem {
        id: id.into(),
        price,
        quantity: 1,
        ..CartItem::default()
    })
}

fn grant(e: &mut Engine, category: &str, on: bool) {
    e.set_consent(&[(category.into(), on)], "api", 2_000.0)
        .unwrap();
}

fn applied(e: &Engine) -> Vec<String> {
    e.applied_rules().iter().map(|s| s.to_string()).collect()
}

#[test]
fn nothing_is_collected_stored_or_applied_without_consent() {
    let mut e = engine(Vec::new());
    assert!(!e.signal(item("a", 200.0), 1_500.0), "collection gate");
    assert!(!e.signal(
        Signal::Click {
            key: "promo".into()
        },
        1_500.0
    ));
    e.update();
    assert_eq!(
        applied(&e),
        ["always"],
        "action gate: only the necessary rule"
    );
    let writes = e.take_storage_writes();
    assert!(writes.write.is_empty(), "storage gate: {:?}", writes.write);
    assert_eq!(e.profile().cart_items().len(), 0);
}

#[test]
fn granting_counts_the_visit_and_applies_rules_at_once() {
    let mut e = engine(Vec::new());
    e.update();
    grant(&mut e, "personalization", true);
    assert_eq!(e.profile().visitor.as_ref().unwrap().visits, 1);
    assert!(e.signal(item("a", 100.0), 2_100.0));
    let diff = e.update();
    assert_eq!(diff.apply.len(), 1);
    assert_eq!(applied(&e), ["low", "always"]);
    assert!(e.signal(item("b", 60.0), 2_200.0));
    e.update();
    // "low" and "shipping" both set the banner's text: the higher priority wins and
    // the loser is not applied, with the reason recorded.
    assert_eq!(applied(&e), ["always", "shipping"]);
    let low = e.decision_value("low").unwrap();
    assert_eq!(low.get("applied"), Some(&Value::Bool(false)));
    assert_eq!(
        low.get("reason").and_then(Value::as_str),
        Some("overridden by shipping on #banner")
    );
    let writes = e.take_storage_writes();
    let mut written: Vec<&str> = writes.write.iter().map(|(c, _)| c.as_str()).collect();
    written.sort();
    assert_eq!(written, ["necessary", "personalization"]);
}

#[test]
fn withdrawal_purges_memory_and_storage_and_reverts() {
    let mut e = engine(Vec::new());
    grant(&mut e, "personalization", true);
    e.signal(item("a", 200.0), 2_100.0);
    e.update();
    e.take_storage_writes();
    assert!(applied(&e).contains(&"shipping".to_string()));
    grant(&mut e, "personalization", false);
    let diff = e.update();
    assert_eq!(diff.revert.len(), 2, "both shipping actions revert");
    assert_eq!(applied(&e), ["always"]);
    assert!(e.profile().cart.is_none() && e.profile().visitor.is_none());
    let writes = e.take_storage_writes();
    assert_eq!(writes.remove, ["personalization"]);
    assert_eq!(writes.write.len(), 1, "only the consent record is written");
    assert_eq!(writes.write[0].0, "necessary");
}

#[test]
fn a_rule_needing_two_categories_waits_for_both() {
    let mut e = engine(Vec::new());
    grant(&mut e, "personalization", true);
    assert!(
        !e.signal(
            Signal::Click {
                key: "promo".into()
            },
            2_100.0
        ),
        "clicks belong to analytics here"
    );
    grant(&mut e, "analytics", true);
    e.signal(
        Signal::Click {
            key: "promo".into(),
        },
        2_200.0,
    );
    e.signal(
        Signal::Click {
            key: "promo".into(),
        },
        2_300.0,
    );
    e.update();
    assert!(applied(&e).contains(&"clicky".to_string()));
    let writes = e.take_storage_writes();
    let analytics = writes.write.iter().find(|(c, _)| c == "analytics").unwrap();
    assert_eq!(analytics.1.profile.clicks, [("promo".to_string(), 2)]);
    assert!(
        analytics.1.profile.cart.is_none(),
        "each partition holds only its aggregates"
    );
    grant(&mut e, "analytics", false);
    e.update();
    assert!(!applied(&e).contains(&"clicky".to_string()));
    assert!(e.profile().clicks.is_empty());
}

#[test]
fn the_profile_survives_a_reload_and_counts_the_return() {
    let mut first = engine(Vec::new());
    grant(&mut first, "personalization", true);
    first.signal(item("a", 10.0), 2_100.0);
    first.update();
    assert!(!applied(&first).contains(&"welcome".to_string()));
    let stored = first.take_storage_writes().write;
    // Through the stored JSON form, as the browser does.
    let stored: Vec<(String, Partition)> = stored
        .into_iter()
        .map(|(c, p)| (c, Partition::from_value(&p.to_value()).unwrap()))
        .collect();
    let mut second = engine(stored);
    second.update();
    assert!(applied(&second).contains(&"welcome".to_string()));
    assert_eq!(second.profile().cart_total(), 10.0);
}

#[test]
fn stored_data_for_a_category_no_longer_granted_is_purged_at_start() {
    let mut first = engine(Vec::new());
    grant(&mut first, "personalization", true);
    let mut stored = first.take_storage_writes().write;
    // The consent record says "not granted" (e.g. withdrawn in another tab).
    for (category, partition) in &mut stored {
        if category == "necessary" {
            partition
                .consent
                .as_mut()
                .unwrap()
                .granted
                .iter_mut()
                .for_each(|(c, g)| {
                    if c == "personalization" {
                        *g = false;
                    }
                });
        }
    }
    let mut e = engine(stored);
    assert!(e.profile().visitor.is_none());
    assert_eq!(e.take_storage_writes().remove, ["personalization"]);
}

#[test]
fn export_holds_everything_and_erase_removes_it() {
    let mut e = engine(Vec::new());
    grant(&mut e, "personalization", true);
    e.signal(
        Signal::Track {
            name: "signup".into(),
            props: vec![],
        },
        2_100.0,
    );
    let export = e.export(3_000.0);
    assert_eq!(
        export
            .get("profile")
            .unwrap()
            .get("events")
            .unwrap()
            .get("signup"),
        Some(&Value::Number(1.0))
    );
    assert_eq!(
        export
            .get("consent")
            .unwrap()
            .get("records")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    e.erase();
    e.update();
    assert_eq!(applied(&e), ["always"]);
    let writes = e.take_storage_writes();
    assert!(writes.write.is_empty());
    assert_eq!(
        writes.remove.len(),
        5,
        "every category's partition is deleted"
    );
    assert!(!e.consent().is_granted("personalization"));
}

#[test]
fn decisions_explain_every_rule() {
    let mut e = engine(Vec::new());
    e.update();
    let reasons: Vec<(String, bool, String)> = e
        .decision_values()
        .iter()
        .map(|d| {
            let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            (
                text("id"),
                d.get("applied") == Some(&Value::Bool(true)),
                text("reason"),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "welcome".into(),
                false,
                "consent missing: personalization".into()
            ),
            (
                "shipping".into(),
                false,
                "consent missing: personalization".into()
            ),
            (
                "low".into(),
                false,
                "consent missing: personalization".into()
            ),
            ("clicky".into(), false, "consent missing: analytics".into()),
            ("always".into(), true, "applied".into()),
        ]
    );
    grant(&mut e, "personalization", true);
    e.update();
    let welcome = e.decision_value("welcome").unwrap();
    assert_eq!(
        welcome.get("reason").and_then(Value::as_str),
        Some("condition not met: visitor.visits")
    );
}

#[test]
fn a_preview_start_is_not_a_page_view() {
    let mut first = engine(Vec::new());
    grant(&mut first, "personalization", true);
    first.update();
    let stored: Vec<(String, Partition)> = first.take_storage_writes().write;
    assert_eq!(first.profile().visitor.as_ref().unwrap().visits, 1);
    let preview = Engine::open(
        config(),
        stored.clone(),
        "visitor-1",
        Context::default(),
        2_000.0,
        false,
    )
    .0;
    assert_eq!(
        preview.profile().visitor.as_ref().unwrap().visits,
        1,
        "the editor's restart"
    );
    let next = Engine::new(config(), stored, "visitor-1", Context::default(), 2_000.0).0;
    assert_eq!(
        next.profile().visitor.as_ref().unwrap().visits,
        2,
        "a real page view"
    );
}

#[test]
fn simulated_attributes_decide_but_are_never_recorded() {
    let mut e = engine(Vec::new());
    grant(&mut e, "personalization", true);
    e.update();
    assert!(!applied(&e).contains(&"shipping".to_string()));
    e.simulate(
        serde_json::from_str(r#"{"cart": {"total": 180}, "visitor": {"visits": 3}}"#).unwrap(),
    );
    e.update();
    let now = applied(&e);
    assert!(now.contains(&"shipping".to_string()), "{now:?}");
    assert!(now.contains(&"welcome".to_string()), "{now:?}");
    // The attributes show the values over the real document (the rest is kept).
    let attributes = e.attributes();
    let cart = attributes.get("cart").unwrap();
    assert_eq!(cart.get("total"), Some(&Value::Number(180.0)));
    assert_eq!(cart.get("count"), Some(&Value::Number(0.0)));
    // Nothing reached the profile, so nothing is stored as a cart.
    assert!(e.profile().cart_items().is_empty());
    e.simulate(Value::Null);
    e.update();
    assert!(!applied(&e).contains(&"shipping".to_string()));
}
