//! Catalog, recommend action and model validation natively, and recommendations
//! through the engine (profile → slot), with exact lists.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::action::ActionKind;
use vitrine::engine::affinity::{Interest, ProductRef};
use vitrine::engine::config::Config;
use vitrine::engine::profile::CartItem;
use vitrine::engine::runtime::Engine;
use vitrine::engine::signal::{Context, Signal};
use vitrine::engine::Value;

fn errors(json: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(json).unwrap();
    match Config::parse(&v) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn catalog_mistakes_are_reported_with_paths() {
    let e = errors(
        r#"{"version": 1, "catalog": {
            "products": [
              {"id": "a", "price": 10, "url": "javascript:alert(1)"},
              {"id": "a", "price": -1},
              {"name": "no id"},
              {"id": "b", "available": "yes", "tags": ["x", 1]}
            ],
            "complements": [["a", "zzz", 2], ["a"], ["a", "b", -3]]}}"#,
    );
    let expected = [
        "catalog.products[0].url: URL must be http(s) or relative",
        "catalog.products[1].price: must be a number from 0 to 1000000000, found -1",
        "catalog.products[2]: missing field \"id\"",
        "catalog.products[3].tags[1]: expected a string, found a number",
        "catalog.products[3].available: expected true or false, found \"yes\"",
        "catalog.complements[1]: expected [\"productA\", \"productB\", weight > 0]",
        "catalog.complements[2]: expected [\"productA\", \"productB\", weight > 0]",
        "catalog.products[1].id: duplicate product id \"a\"",
        "catalog.complements[0]: unknown product \"zzz\"",
    ];
    for line in expected {
        assert!(e.iter().any(|x| x == line), "missing {line:?} in {e:#?}");
    }
}

#[test]
fn recommend_actions_are_checked() {
    let e = errors(
        r##"{"version": 1, "rules": [{"id": "r", "actions": [
            {"op": "recommend", "selector": "#s", "slot": "s", "use": {"complement": 1}, "template": "<li>{{item.name}}</li>"},
            {"op": "recommend", "selector": "#s", "slot": "s", "use": {"affinity": 0}, "template": "x"},
            {"op": "recommend", "selector": "#s", "slot": "s", "use": {"affinity": 1}, "count": 100, "template": "{{item.name | lower"}
        ]}]}"##,
    );
    assert!(
        e.iter().any(
            |x| x.starts_with("rules[0].actions[0].use.complement: unknown recommender")
                && x.contains("complements")
        ),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|x| x.starts_with("rules[0].actions[1].use.affinity: the weight must be")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(
            |x| x.starts_with("rules[0].actions[2].count: must be a whole number from 0 to 24")
        ),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|x| x.starts_with("rules[0].actions[2].template:")),
        "{e:#?}"
    );
}

const SHOP: &str = r##"{"version": 1,
  "catalog": {
    "products": [
      {"id": "coffee", "name": "Café", "category": "cafes", "brand": "Serra", "price": 50},
      {"id": "filter", "name": "Coador", "category": "acessorios", "brand": "Hario", "price": 90},
      {"id": "press", "name": "Prensa", "category": "acessorios", "brand": "Barista", "price": 150},
      {"id": "tea", "name": "Chá", "category": "chas", "brand": "Flor", "price": 30},
      {"id": "mug", "name": "Caneca", "category": "acessorios", "brand": "Barista", "price": 40, "available": false}
    ],
    "complements": [["coffee", "filter", 3], ["coffee", "press", 2], ["coffee", "mug", 5], ["tea", "mug", 1]]
  },
  "rules": [{"id": "complete", "actions": [{"op": "recommend", "selector": "#c", "slot": "complete",
     "use": {"complements": 1}, "count": 3, "template": "<li>{{item.name}}</li>"}]},
            {"id": "mixed", "actions": [{"op": "recommend", "selector": "#m", "slot": "mixed",
     "use": {"complements": 1, "recently_viewed": 1}, "count": 3, "template": "x"}]}]
}"##;

fn slot(e: &Engine, rule: usize) -> Vec<String> {
    let ActionKind::Recommend { slot, .. } = &e.config().rules[rule].actions[0].kind else {
        panic!("not a recommend action");
    };
    e.recommendations(slot)
        .iter()
        .map(|v| v.get("id").and_then(Value::as_str).unwrap().to_owned())
        .collect()
}

#[test]
fn the_engine_recommends_from_what_the_visitor_did() {
    let v: Value = serde_json::from_str(SHOP).unwrap();
    let (mut e, _) = Engine::new(
        Config::parse(&v).unwrap(),
        vec![],
        "v",
        Context::default(),
        0.0,
    );
    e.set_consent(&[("personalization".into(), true)], "api", 0.0)
        .unwrap();
    assert!(slot(&e, 0).is_empty(), "nothing to go on yet");
    e.signal(
        Signal::CartAdd(CartItem {
            id: "coffee".into(),
            price: 50.0,
            quantity: 1,
            ..CartItem::default()
        }),
        1.0,
    );
    // The mug (weight 5) is out of stock; the coffee itself is in the cart.
    assert_eq!(slot(&e, 0), ["filter", "press"]);
    // Viewing the tea adds the tea's complements and recent views: tea first in
    // "recently viewed", then complements of the cart.
    e.signal(
        Signal::Interest(vec![(
            ProductRef::new("tea", "chas", "Flor"),
            Interest::View,
        )]),
        2.0,
    );
    assert_eq!(
        slot(&e, 1),
        ["filter", "press"],
        "the tea is being viewed: not recommended"
    );
    e.signal(
        Signal::Interest(vec![(
            ProductRef::new("press", "acessorios", "Barista"),
            Interest::Click,
        )]),
        3.0,
    );
    // press: complements 2/3 + recent 1 (most recent); filter: 1 + 0; tea: viewing.
    assert_eq!(slot(&e, 1), ["press", "filter"]);
    // Bought: never recommended again.
    e.signal(
        Signal::Interest(vec![(
            ProductRef::new("filter", "", ""),
            Interest::Purchase,
        )]),
        4.0,
    );
    assert_eq!(slot(&e, 0), ["press"]);
}
