//! On-site search as a signal, natively through the engine: the search results URL,
//! GA4 `search` / `view_search_results` on the dataLayer (both shapes) and
//! `track('search', {term})`; redaction before anything is kept; rules that react to
//! a search in the same page view; result clicks feeding affinity; the consent gate
//! (nothing recorded or stored without it, the page view's search counted when it is
//! granted, withdrawal purging it).
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::affinity::{Interest, ProductRef};
use vitrine::engine::config::Config;
use vitrine::engine::ecommerce::from_data_layer;
use vitrine::engine::runtime::{Engine, Partition};
use vitrine::engine::signal::{Context, Signal};
use vitrine::engine::Value;

const CONFIG: &str = r##"{
  "version": 1,
  "consent": { "categories": [
    { "id": "necessary" }, { "id": "personalization" }, { "id": "analytics" } ] },
  "signals": { "search": "analytics" },
  "profile": { "search": { "urlParam": "q" } },
  "rules": [
    { "id": "help", "consent": "personalization",
      "when": { "search.last_zero": true },
      "actions": [{ "op": "setText", "selector": "#help", "text": "Não achou? Fale conosco" }] },
    { "id": "coffee", "consent": "personalization",
      "when": { "search.terms": { "$elemMatch": { "$regex": "caf" } } },
      "actions": [{ "op": "setText", "selector": "#hero", "text": "Cafés especiais" }] }
  ]
}"##;

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

fn engine(url: &str, stored: Vec<(String, Partition)>, analytics: bool) -> Engine {
    let config = Config::parse(&json(CONFIG)).unwrap();
    let context = Context::from_page(url, "", "", 12, 3, "pt-BR", 1200.0);
    let (mut e, _) = Engine::new(config, stored, "anon-1", context, 1_000.0);
    e.set_consent(
        &[
            ("personalization".into(), true),
            ("analytics".into(), analytics),
        ],
        "api",
        1_000.0,
    )
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

fn terms(e: &Engine) -> Vec<String> {
    match attr(e, "search.terms") {
        Value::Array(items) => items
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect(),
        other => panic!("search.terms is {other:?}"),
    }
}

fn feed(e: &mut Engine, entry: &str, now_ms: f64) {
    let (signals, problems) = from_data_layer(&json(entry));
    assert!(problems.is_empty(), "{problems:?}");
    for s in signals {
        e.signal(s, now_ms);
    }
}

#[test]
fn searches_from_the_url_the_data_layer_and_track_become_attributes_redacted() {
    let mut e = engine(
        "https://loja.example/busca?q=Caf%C3%A9+em+gr%C3%A3os",
        vec![],
        true,
    );
    assert_eq!(terms(&e), ["café em grãos"]);
    assert_eq!(attr(&e, "search.count"), Value::Number(1.0));
    // The rule reading search.terms applies in the same page view.
    assert!(e.applied_rules().contains(&"coffee"));

    // GTM's shape, with a result count of zero.
    feed(
        &mut e,
        r#"{"event": "view_search_results", "search_term": "Tênis  maria@example.com", "search_results": 0}"#,
        2_000.0,
    );
    e.update();
    assert_eq!(attr(&e, "search.last"), Value::from("tênis [email]"));
    assert_eq!(attr(&e, "search.zero_results"), Value::Number(1.0));
    assert!(
        e.applied_rules().contains(&"help"),
        "no results: the help rule applies at once"
    );

    // gtag's shape, with a phone number and a CPF in the term.
    feed(
        &mut e,
        r#"{"0": "event", "1": "search", "2": {"search_term": "pedido 123.456.789-09 (11) 98765-4321"}}"#,
        3_000.0,
    );
    e.update();
    assert_eq!(
        attr(&e, "search.last"),
        Value::from("pedido [cpf] [number]")
    );
    assert_eq!(attr(&e, "search.last_zero"), Value::Bool(false));
    assert!(!e.applied_rules().contains(&"help"));
    // The event itself is still counted, without its term.
    assert_eq!(attr(&e, "events.search"), Value::Number(1.0));

    // track('search', {term}): the term never reaches the event's props.
    let props = json(r#"{"term": "Moedor joao@mail.com.br", "results": 7, "source": "header"}"#);
    for s in Signal::from_track("search".into(), Some(&props)).unwrap() {
        e.signal(s, 4_000.0);
    }
    assert_eq!(attr(&e, "search.last"), Value::from("moedor [email]"));
    assert_eq!(
        attr(&e, "event_props.search"),
        json(r#"{"source": "header"}"#)
    );
    assert_eq!(
        terms(&e),
        [
            "moedor [email]",
            "pedido [cpf] [number]",
            "tênis [email]",
            "café em grãos"
        ]
    );

    // Nothing unredacted anywhere in what is stored.
    let written = e.take_storage_writes().write;
    let text: String = written
        .iter()
        .map(|(_, p)| p.to_value().to_json())
        .collect();
    for secret in ["maria@", "joao@", "123.456", "98765"] {
        assert!(!text.contains(secret), "{secret} stored: {text}");
    }
    assert!(text.contains("moedor [email]"));
}

#[test]
fn the_last_five_terms_survive_a_reload_and_only_five() {
    let mut e = engine("https://loja.example/", vec![], true);
    for (i, t) in ["a", "b", "c", "d", "e", "f", "b"].iter().enumerate() {
        e.signal(
            Signal::Search {
                term: (*t).into(),
                results: None,
            },
            2_000.0 + i as f64,
        );
    }
    let stored = e.take_storage_writes().write;
    assert!(
        stored.iter().any(|(c, _)| c == "analytics"),
        "kept in its category's partition"
    );
    let again = engine("https://loja.example/", stored, true);
    assert_eq!(terms(&again), ["b", "f", "e", "d", "c"]);
    assert_eq!(attr(&again, "search.count"), Value::Number(7.0));
}

#[test]
fn a_product_clicked_after_a_search_weighs_more_and_its_category_is_kept() {
    let mut e = engine("https://loja.example/", vec![], true);
    let cafe = ProductRef::new("p1", "cafes", "");
    e.signal(
        Signal::Interest(vec![(cafe.clone(), Interest::Click)]),
        2_000.0,
    );
    assert_eq!(attr(&e, "affinity.category.cafes"), Value::Number(1.0));
    e.signal(
        Signal::Search {
            term: "café".into(),
            results: Some(12.0),
        },
        3_000.0,
    );
    e.signal(
        Signal::Interest(vec![(cafe.clone(), Interest::Click)]),
        4_000.0,
    );
    let after = attr(&e, "affinity.category.cafes").as_f64().unwrap();
    assert!(
        (after - 3.0).abs() < 1e-6,
        "a result click counts twice: {after}"
    );
    assert_eq!(attr(&e, "search.categories.cafes"), Value::Number(1.0));
    // Long after the search, a click is an ordinary click again.
    e.signal(
        Signal::Interest(vec![(cafe, Interest::Click)]),
        4_000.0 + 31.0 * 60_000.0,
    );
    assert_eq!(attr(&e, "search.categories.cafes"), Value::Number(1.0));
}

#[test]
fn nothing_is_recorded_without_consent_and_withdrawal_purges_it() {
    // analytics not granted: the URL's search is not recorded, nor a dataLayer one.
    let mut e = engine("https://loja.example/busca?q=cafe", vec![], false);
    assert_eq!(attr(&e, "search.count"), Value::Number(0.0));
    assert!(!e.signal(
        Signal::Search {
            term: "cafe".into(),
            results: None
        },
        2_000.0
    ));
    assert!(e
        .take_storage_writes()
        .write
        .iter()
        .all(|(c, _)| c != "analytics"));
    // Granted: the search of the page view under way counts from that moment, once.
    e.set_consent(&[("analytics".into(), true)], "api", 3_000.0)
        .unwrap();
    e.set_consent(&[("personalization".into(), true)], "api", 3_500.0)
        .unwrap();
    e.update();
    assert_eq!(terms(&e), ["cafe"]);
    assert_eq!(attr(&e, "search.count"), Value::Number(1.0));
    assert!(e.applied_rules().contains(&"coffee"));
    // Withdrawn: gone at once, the partition removed, the rule reverted.
    e.set_consent(&[("analytics".into(), false)], "api", 4_000.0)
        .unwrap();
    e.update();
    assert_eq!(attr(&e, "search.count"), Value::Number(0.0));
    assert!(!e.applied_rules().contains(&"coffee"));
    assert!(e
        .take_storage_writes()
        .remove
        .contains(&"analytics".to_owned()));
}

#[test]
fn the_config_names_a_bad_search_setting() {
    let bad = json(r#"{"version": 1, "profile": {"search": {"urlParam": 5, "urlparam": "q"}}}"#);
    let errors: Vec<String> = Config::parse(&bad)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "profile.search.urlparam: unknown field \"urlparam\" (did you mean \"urlParam\"?)",
            "profile.search.urlParam: expected a string, found a number"
        ]
    );
}
