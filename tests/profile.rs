//! The visitor profile natively: affinity with decay, element dwell, cart
//! abandonment, identify, bounded props, schema migration, and the size the
//! persisted profile keeps after a long, hostile stream of signals.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::affinity::{Interest, ProductRef};
use vitrine::engine::config::Config;
use vitrine::engine::profile::{props_from_value, CartItem, MAX_PROPS, MAX_PROP_VALUE_LEN};
use vitrine::engine::runtime::{Engine, Partition};
use vitrine::engine::signal::{Context, Signal};
use vitrine::engine::Value;

const DAY: f64 = 86_400_000.0;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn engine_with(config: &str, url: &str, stored: Vec<(String, Partition)>) -> Engine {
    let config = Config::parse(&json(config)).unwrap();
    let context = Context::from_page(url, "", "", 12, 3, "pt-BR", 1200.0);
    let (mut e, _) = Engine::new(config, stored, "anon-1", context, 1_000.0);
    e.set_consent(&[("personalization".into(), true)], "api", 1_000.0)
        .unwrap();
    e.update();
    e
}

fn attr(e: &Engine, path: &str) -> Value {
    let mut v = e.attributes();
    for part in path.split('.') {
        v = v.get(part).cloned().unwrap_or(Value::Null);
    }
    v
}

fn stored(e: &mut Engine) -> Vec<(String, Partition)> {
    e.take_storage_writes().write
}

#[test]
fn affinity_from_clicks_views_dwell_and_the_cart_fades_with_time() {
    let mut e = engine_with(
        r#"{"version": 1, "profile": {"affinity": {"halfLifeDays": 2}}}"#,
        "https://s.example/",
        vec![],
    );
    let cafe = ProductRef::new("p1", "cafes", "Serra");
    let cha = ProductRef::new("p2", "chas", "Flor");
    e.signal(
        Signal::Interest(vec![(cafe.clone(), Interest::Click), (cha, Interest::View)]),
        2_000.0,
    );
    e.signal(
        Signal::Interest(vec![(cafe, Interest::Dwell(5_000.0))]),
        2_000.0,
    );
    assert_eq!(attr(&e, "affinity.category.cafes"), Value::Number(2.0));
    assert_eq!(attr(&e, "affinity.top_category"), Value::from("cafes"));
    assert_eq!(attr(&e, "affinity.brand.Flor"), Value::Number(1.0));
    // Adding to the cart counts three, under the item's category and brand.
    let item = CartItem {
        id: "p9".into(),
        category: "chas".into(),
        brand: "Flor".into(),
        price: 10.0,
        quantity: 1,
        ..CartItem::default()
    };
    e.signal(Signal::CartAdd(item), 2_000.0);
    assert_eq!(attr(&e, "affinity.category.chas"), Value::Number(4.0));
    assert_eq!(attr(&e, "affinity.top_category"), Value::from("chas"));
    // Two days later (one half-life) every score is halved.
    e.signal(Signal::Scroll { max_pct: 1.0 }, 2_000.0 + 2.0 * DAY);
    assert_eq!(attr(&e, "affinity.category.chas"), Value::Number(2.0));
    assert_eq!(attr(&e, "affinity.category.cafes"), Value::Number(1.0));
    // Stored under its category and read back as it was.
    let writes = stored(&mut e);
    let (_, partition) = writes.iter().find(|(c, _)| c == "personalization").unwrap();
    let again = Partition::from_value(&partition.to_value()).unwrap();
    assert_eq!(again.profile.affinity, e.profile().affinity);
}

#[test]
fn affinity_is_not_kept_without_its_consent() {
    let mut e = engine_with(
        r#"{"version": 1, "signals": {"affinity": "marketing"}}"#,
        "https://s.example/",
        vec![],
    );
    let p = ProductRef::new("p1", "cafes", "");
    assert!(!e.signal(Signal::Interest(vec![(p, Interest::Click)]), 2_000.0));
    let item = CartItem {
        id: "a".into(),
        category: "cafes".into(),
        price: 1.0,
        quantity: 1,
        ..CartItem::default()
    };
    assert!(
        e.signal(Signal::CartAdd(item), 2_000.0),
        "the cart is granted"
    );
    assert!(e.profile().affinity.is_empty());
    assert_eq!(attr(&e, "affinity.top_category"), Value::Null);
}

#[test]
fn time_on_marked_elements_is_kept_per_key() {
    let mut e = engine_with(r#"{"version": 1}"#, "https://s.example/", vec![]);
    for _ in 0..3 {
        e.signal(
            Signal::Dwell {
                active_ms: 1_000.0,
                elements: vec!["hero".into(), "reviews".into()],
            },
            2_000.0,
        );
    }
    e.signal(
        Signal::Dwell {
            active_ms: 500.0,
            elements: vec!["hero".into()],
        },
        2_000.0,
    );
    assert_eq!(attr(&e, "dwell.hero_ms"), Value::Number(3_500.0));
    assert_eq!(attr(&e, "dwell.reviews_ms"), Value::Number(3_000.0));
    assert_eq!(attr(&e, "dwell.page_ms"), Value::Number(3_500.0));
}

#[test]
fn a_full_cart_and_exit_intent_or_long_idle_is_an_abandoned_cart() {
    let config = r##"{"version": 1, "profile": {"abandonment": {"idleSeconds": 45}},
      "rules": [{"id": "come-back", "when": {"cart.abandoned": true},
                 "actions": [{"op": "setText", "selector": "#m", "text": "Seu carrinho te espera"}]}]}"##;
    let mut e = engine_with(config, "https://s.example/", vec![]);
    e.signal(Signal::ExitIntent, 2_000.0);
    e.update();
    assert_eq!(attr(&e, "cart.abandoned"), Value::Bool(false), "empty cart");
    let item = CartItem {
        id: "a".into(),
        price: 30.0,
        quantity: 1,
        ..CartItem::default()
    };
    e.signal(Signal::CartAdd(item), 3_000.0);
    e.update();
    assert_eq!(
        attr(&e, "cart.abandoned"),
        Value::Bool(true),
        "exit intent came first"
    );
    assert_eq!(e.applied_rules(), ["come-back"]);

    // Idle: not before the configured time.
    let mut e = engine_with(config, "https://s.example/", vec![]);
    let item = CartItem {
        id: "a".into(),
        price: 30.0,
        quantity: 1,
        ..CartItem::default()
    };
    e.signal(Signal::CartAdd(item), 2_000.0);
    e.signal(Signal::Idle { idle_ms: 40_000.0 }, 42_000.0);
    assert!(!e.cart_abandoned());
    e.signal(Signal::Idle { idle_ms: 45_000.0 }, 47_000.0);
    assert!(e.cart_abandoned());
    // Emptying the cart ends it; a new page view starts afresh.
    e.signal(Signal::CartSet(vec![]), 48_000.0);
    e.update();
    assert!(!e.cart_abandoned());
    assert!(e.applied_rules().is_empty());
}

const EXPERIMENT: &str = r##"{"version": 1,
  "profile": {"identity": {"replaceAnonymousId": true, "urlParam": "cid"}},
  "experiments": [{"id": "hero", "variants": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}]}],
  "rules": [{"id": "vip", "when": {"traits.tier": "gold", "customer.known": true},
             "actions": [{"op": "setText", "selector": "#v", "text": "Olá, {{name}}"}]}]}"##;

fn variant(e: &Engine) -> Value {
    attr(e, "experiments.hero")
}

#[test]
fn identify_makes_traits_attributes_and_one_customer_one_variant_everywhere() {
    // The same customer on two "devices" (two anonymous ids, no shared storage).
    let mut phone = engine_with(EXPERIMENT, "https://s.example/", vec![]);
    let signal = || Signal::Identify {
        id: Some("cust-42".into()),
        traits: vec![("tier".into(), Value::from("gold"))],
    };
    phone.signal(signal(), 2_000.0);
    phone.update();
    assert_eq!(attr(&phone, "customer.id"), Value::from("cust-42"));
    assert_eq!(attr(&phone, "traits.tier"), Value::from("gold"));
    assert!(phone.applied_rules().contains(&"vip"));

    let config = Config::parse(&json(EXPERIMENT)).unwrap();
    let mut variants = Vec::new();
    for anon in ["laptop-1", "laptop-2", "tablet-3", "tv-4"] {
        let context = Context::from_page("https://s.example/", "", "", 12, 3, "pt-BR", 1200.0);
        let (mut e, _) = Engine::new(config.clone(), vec![], anon, context, 1_000.0);
        e.set_consent(&[("personalization".into(), true)], "api", 1_000.0)
            .unwrap();
        e.signal(signal(), 2_000.0);
        e.update();
        variants.push(variant(&e));
    }
    assert!(variants.iter().all(|v| *v == variants[0]), "{variants:?}");

    // Logout forgets the customer and their traits.
    phone.signal(
        Signal::Identify {
            id: None,
            traits: vec![],
        },
        3_000.0,
    );
    phone.update();
    assert_eq!(attr(&phone, "customer.known"), Value::Bool(false));
    assert!(!phone.applied_rules().contains(&"vip"));
}

#[test]
fn arriving_from_an_email_link_identifies_the_customer() {
    let e = engine_with(
        EXPERIMENT,
        "https://s.example/?utm_medium=email&cid=cust-42",
        vec![],
    );
    assert_eq!(attr(&e, "customer.id"), Value::from("cust-42"));
    assert_eq!(attr(&e, "channel"), Value::from("email"));
    // Without consent for identity, the parameter is ignored.
    let config = Config::parse(&json(EXPERIMENT)).unwrap();
    let context = Context::from_page("https://s.example/?cid=cust-42", "", "", 12, 3, "", 1200.0);
    let (e, _) = Engine::new(config, vec![], "anon", context, 1_000.0);
    assert_eq!(attr(&e, "customer.known"), Value::Bool(false));
}

#[test]
fn track_props_are_bounded_primitives() {
    let ok = props_from_value(
        &json(r#"{"plan": "pro", "seats": 3, "trial": false, "x": null}"#),
        MAX_PROPS,
        MAX_PROP_VALUE_LEN,
    )
    .unwrap();
    assert_eq!(ok.len(), 4);
    let long = format!(r#"{{"note": "{}"}}"#, "a".repeat(1000));
    let cut = props_from_value(&json(&long), MAX_PROPS, MAX_PROP_VALUE_LEN).unwrap();
    assert_eq!(cut[0].1.as_str().unwrap().len(), MAX_PROP_VALUE_LEN);
    let nested = props_from_value(&json(r#"{"a": {"b": 1}}"#), MAX_PROPS, MAX_PROP_VALUE_LEN);
    assert!(nested.unwrap_err().contains("\"a\" must be a string"));
    let many = props_from_value(
        &json(r#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}"#),
        MAX_PROPS,
        MAX_PROP_VALUE_LEN,
    );
    assert!(many.unwrap_err().contains("at most 5"));

    let mut e = engine_with(r#"{"version": 1}"#, "https://s.example/", vec![]);
    e.signal(
        Signal::Track {
            name: "signup".into(),
            props: ok,
        },
        2_000.0,
    );
    assert_eq!(attr(&e, "event_props.signup.plan"), Value::from("pro"));
    assert_eq!(attr(&e, "events.signup"), Value::Number(1.0));
}

#[test]
fn schema_1_data_is_migrated_and_future_data_refused() {
    let v1 = json(r#"{"schema": 1, "profile": {"clicks": {"promo": 3}}}"#);
    let p = Partition::from_value(&v1).unwrap();
    assert_eq!(p.schema, vitrine::engine::runtime::SCHEMA);
    assert_eq!(p.profile.clicks, vec![("promo".to_owned(), 3)]);
    let v9 = json(r#"{"schema": 9, "profile": {}}"#);
    assert!(Partition::from_value(&v9).unwrap_err().contains("schema 9"));
}

/// Ten thousand signals of every kind, each with a new maximal-length key, as a
/// hostile page could produce: the persisted profile must stay under 16 KB.
#[test]
fn the_persisted_profile_stays_under_16_kb_after_10000_hostile_events() {
    let config = r#"{"version": 1, "consent": {"version": 1}}"#;
    let mut e = engine_with(config, "https://s.example/", vec![]);
    let long = |i: usize| format!("{i:06}-{}", "ç".repeat(200));
    let mut total = 0;
    for i in 0..10_000 {
        let now = 2_000.0 + i as f64 * 1_000.0;
        let signal = match i % 6 {
            0 => Signal::Click { key: long(i) },
            1 => Signal::Track {
                name: long(i),
                props: (0..5)
                    .map(|k| {
                        (
                            format!("{k}{}", "k".repeat(100)),
                            Value::from(long(i).as_str()),
                        )
                    })
                    .map(|(k, v)| (k.chars().take(32).collect(), v.clone()))
                    .map(|(k, v): (String, Value)| {
                        let s: String = v.as_str().unwrap().chars().take(64).collect();
                        (k, Value::from(s.as_str()))
                    })
                    .collect(),
            },
            2 => Signal::Interest(vec![(
                ProductRef::new(&long(i), &long(i), &long(i + 1)),
                Interest::Click,
            )]),
            3 => Signal::Dwell {
                active_ms: 1_000.0,
                elements: vec![long(i)],
            },
            4 => Signal::CartAdd(CartItem {
                id: long(i % 60),
                name: long(i),
                category: long(i),
                price: 10.0,
                quantity: 1,
                ..CartItem::default()
            }),
            _ => Signal::CartRemove { id: long(i - 1) },
        };
        e.signal(signal, now);
        if i % 50 == 0 {
            e.update();
        }
        total += 1;
    }
    e.update();
    let profile_bytes: usize = e
        .take_storage_writes()
        .write
        .iter()
        .map(|(c, p)| format!("vitrine:{c}").len() + p.to_value().to_json().len())
        .sum();
    assert_eq!(total, 10_000);
    let cart = e.profile().cart_items().len();
    println!("persisted after 10,000 hostile events: {profile_bytes} bytes, {cart} cart lines");
    assert!(profile_bytes < 16 * 1024, "{profile_bytes} bytes");
}
