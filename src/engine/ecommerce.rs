//! Cart signals from what sites already publish: GA4 ecommerce events on
//! `window.dataLayer` (as `{event, ecommerce}` objects or gtag's
//! `['event', name, params]`), and the `vitrine:cart` DOM event.
//!
//! | GA4 event | signals |
//! |---|---|
//! | `add_to_cart` | each item added, and the event counted |
//! | `remove_from_cart` | each item removed, and the event counted |
//! | `view_cart`, `begin_checkout` | the cart replaced by the listed items, and the event counted |
//! | `purchase` | the cart emptied, and the event counted |
//! | `search`, `view_search_results` | a search for `search_term` (`search_results`, a number, if the site sends it), and the event counted |
//! | `view_item` and any other named event | the event counted |
//!
//! Items read `item_id` (or `id`), `item_name`, `item_category`, `price`,
//! `quantity`; an item that fails validation (no id, negative or non-numeric price,
//! a huge quantity) is skipped with a reason, never an error into the page.

use super::affinity::{Interest, ProductRef};
use super::codec;
use super::profile::CartItem;
use super::signal::Signal;
use super::value::Value;

/// Signals for one dataLayer entry, and the problems found (for debug warnings).
pub fn from_data_layer(entry: &Value) -> (Vec<Signal>, Vec<String>) {
    // gtag('event', name, params) pushes its `arguments` object, which reaches us
    // as {"0": "event", "1": name, "2": params} (or as an array when copied).
    let arg = |i: usize| match entry {
        Value::Array(args) => args.get(i),
        Value::Object(_) => entry.get(&i.to_string()),
        _ => None,
    };
    if let Some(first) = arg(0) {
        if first.as_str() == Some("event") {
            let name = arg(1).and_then(Value::as_str).unwrap_or("");
            return from_event(name, &[arg(2)]);
        }
        return (Vec::new(), Vec::new());
    }
    let Some(name) = entry.get("event").and_then(Value::as_str) else {
        return (Vec::new(), Vec::new());
    };
    // GTM puts an event's ecommerce data under `ecommerce`, its other parameters
    // beside `event`: looked up in that order.
    from_event(name, &[entry.get("ecommerce"), Some(entry)])
}

use super::search::SEARCH_EVENTS;

/// `places`: where the event's parameters may be, the first holding one wins.
fn from_event(name: &str, places: &[Option<&Value>]) -> (Vec<Signal>, Vec<String>) {
    let param = |key: &str| places.iter().flatten().find_map(|p| p.get(key));
    let items = param("items");
    let mut problems = Vec::new();
    if name.is_empty() || name.starts_with("gtm.") {
        return (Vec::new(), problems); // GTM's own lifecycle events
    }
    let mut parsed = Vec::new();
    if let Some(list) = items {
        match list.as_array() {
            Some(list) => {
                for (i, item) in list.iter().enumerate() {
                    match item_from_ga4(item) {
                        Ok(item) => parsed.push(item),
                        Err(why) => problems.push(format!("{name}: items[{i}] skipped: {why}")),
                    }
                }
            }
            None => problems.push(format!("{name}: ecommerce.items is not a list")),
        }
    }
    let mut signals = match name {
        "add_to_cart" => parsed.into_iter().map(Signal::CartAdd).collect(),
        "remove_from_cart" => parsed
            .into_iter()
            .map(|i| Signal::CartRemove { id: i.id })
            .collect(),
        "view_cart" | "begin_checkout" if items.is_some() => vec![Signal::CartSet(parsed)],
        "purchase" => vec![Signal::CartSet(Vec::new())],
        _ => Vec::new(),
    };
    if let Some(interest) = match name {
        // Adds to the cart raise affinity through the cart itself.
        "view_item" | "select_item" => Some(Interest::View),
        "purchase" => Some(Interest::Purchase),
        _ => None,
    } {
        let products: Vec<_> = items
            .and_then(Value::as_array)
            .unwrap_or(&[])
            .iter()
            .filter_map(product_from_ga4)
            .map(|p| (p, interest))
            .collect();
        if !products.is_empty() {
            signals.push(Signal::Interest(products));
        }
    }
    signals.push(Signal::Track {
        name: name.to_owned(),
        props: Vec::new(),
    });
    if SEARCH_EVENTS.contains(&name) {
        match param("search_term") {
            Some(Value::String(term)) => signals.push(Signal::Search {
                term: term.clone(),
                results: param("search_results")
                    .or_else(|| param("results"))
                    .and_then(Value::as_f64),
            }),
            Some(_) => problems.push(format!("{name}: search_term is not a string")),
            None => {}
        }
    }
    (signals, problems)
}

/// The product a GA4 item names, for affinity (no price needed to look at one).
fn product_from_ga4(item: &Value) -> Option<ProductRef> {
    let text = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or("");
    let id = match item.get("item_id") {
        Some(Value::Number(n)) => Value::Number(*n).to_js_string(),
        _ => text("item_id").to_owned(),
    };
    let product = ProductRef::new(&id, text("item_category"), text("item_brand"));
    (!product.id.is_empty() || !product.category.is_empty() || !product.brand.is_empty())
        .then_some(product)
}

/// A GA4 item (`item_id`, `item_name`, `item_category`, `item_brand`, `price`,
/// `quantity`).
fn item_from_ga4(item: &Value) -> Result<CartItem, String> {
    let map = codec::object(item, "item")?;
    let pick = |a: &str, b: &str| {
        codec::field(map, a)
            .or_else(|| codec::field(map, b))
            .cloned()
    };
    let mut fields = Vec::new();
    for (to, from, alt) in [
        ("id", "item_id", "id"),
        ("name", "item_name", "name"),
        ("category", "item_category", "category"),
        ("brand", "item_brand", "brand"),
        ("price", "price", "price"),
        ("quantity", "quantity", "quantity"),
    ] {
        if let Some(v) = pick(from, alt) {
            fields.push((to.to_owned(), v));
        }
    }
    CartItem::from_value(&Value::Object(fields))
}

/// Signals for a `vitrine:cart` event's `detail`: `{action: "add", item}`,
/// `{action: "remove", id}`, `{action: "set", items}` or `{action: "clear"}`.
pub fn from_cart_event(detail: &Value) -> Result<Signal, String> {
    let action = detail.get("action").and_then(Value::as_str).unwrap_or("");
    match action {
        "add" => {
            CartItem::from_value(detail.get("item").unwrap_or(&Value::Null)).map(Signal::CartAdd)
        }
        "remove" => match detail.get("id") {
            Some(Value::String(id)) => Ok(Signal::CartRemove { id: id.clone() }),
            Some(Value::Number(n)) => Ok(Signal::CartRemove {
                id: Value::Number(*n).to_js_string(),
            }),
            _ => Err("remove needs an \"id\"".into()),
        },
        "set" => match detail.get("items").and_then(Value::as_array) {
            Some(items) => {
                let mut list = Vec::new();
                for item in items {
                    list.push(CartItem::from_value(item)?);
                }
                Ok(Signal::CartSet(list))
            }
            None => Err("set needs \"items\"".into()),
        },
        "clear" => Ok(Signal::CartSet(Vec::new())),
        other => Err(format!(
            "unknown action \"{other}\" (add, remove, set, clear)"
        )),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn ga4_events_become_cart_signals() {
        let (signals, problems) = from_data_layer(&json(
            r#"{"event": "add_to_cart", "ecommerce": {"currency": "BRL", "items": [
                {"item_id": "cafe", "item_name": "Café", "item_category": "cafes", "price": 49.9, "quantity": 2},
                {"item_id": "bad", "price": -1}, {"item_name": "no id", "price": 1}]}}"#,
        ));
        assert_eq!(signals.len(), 2);
        match &signals[0] {
            Signal::CartAdd(item) => assert_eq!(
                (item.id.as_str(), item.quantity, item.price),
                ("cafe", 2, 49.9)
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            signals[1],
            Signal::Track {
                name: "add_to_cart".into(),
                props: vec![],
            }
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("add_to_cart: items[1] skipped"));
    }

    #[test]
    fn gtag_arguments_and_other_shapes() {
        let (signals, _) = from_data_layer(&json(
            r#"["event", "purchase", {"transaction_id": "T1", "items": []}]"#,
        ));
        assert_eq!(
            signals,
            [
                Signal::CartSet(Vec::new()),
                Signal::Track {
                    name: "purchase".into(),
                    props: vec![],
                }
            ]
        );
        let (signals, _) = from_data_layer(&json(r#"{"0": "event", "1": "view_item", "2": {}}"#));
        assert_eq!(
            signals,
            [Signal::Track {
                name: "view_item".into(),
                props: vec![],
            }]
        );
        let (signals, _) = from_data_layer(&json(
            r#"{"event": "remove_from_cart", "ecommerce": {"items": [{"item_id": 7, "price": 1}]}}"#,
        ));
        assert_eq!(signals[0], Signal::CartRemove { id: "7".into() });
        for ignored in [
            r#"{"event": "gtm.js"}"#,
            r#"["consent", "default", {}]"#,
            r#"{"foo": 1}"#,
            "42",
            "null",
        ] {
            assert!(from_data_layer(&json(ignored)).0.is_empty(), "{ignored}");
        }
        let (_, problems) = from_data_layer(&json(
            r#"{"event": "view_cart", "ecommerce": {"items": "x"}}"#,
        ));
        assert_eq!(problems, ["view_cart: ecommerce.items is not a list"]);
    }

    #[test]
    fn cart_events() {
        assert!(matches!(
            from_cart_event(&json(
                r#"{"action": "add", "item": {"id": "a", "price": 1}}"#
            )),
            Ok(Signal::CartAdd(_))
        ));
        assert_eq!(
            from_cart_event(&json(r#"{"action": "clear"}"#)),
            Ok(Signal::CartSet(Vec::new()))
        );
        assert!(from_cart_event(&json(r#"{"action": "fly"}"#))
            .unwrap_err()
            .contains("unknown action"));
        assert!(from_cart_event(&json(r#"{"action": "set", "items": [{"id": "a"}]}"#)).is_err());
    }
}
