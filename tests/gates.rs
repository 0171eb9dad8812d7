//! Triggers, frequency caps, schedules and holdouts through the engine's loop.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::config::Config;
use vitrine::engine::runtime::{Engine, Partition};
use vitrine::engine::signal::{Context, Signal};
use vitrine::engine::Value;

const CONFIG: &str = r##"{
  "version": 1,
  "rules": [
    { "id": "on-signup", "trigger": { "event": "signup" }, "actions": [{ "op": "setText", "selector": "#a", "text": "welcome" }] },
    { "id": "leaving", "trigger": "exit", "when": { "cart.count": { "$gte": 0 } }, "actions": [{ "op": "setText", "selector": "#b", "text": "wait!" }] },
    { "id": "once", "frequency": { "max": 1, "per": "visitor" }, "when": { "clicks.promo": { "$gte": 1 } },
      "actions": [{ "op": "setText", "selector": "#c", "text": "once" }] },
    { "id": "office-hours", "schedule": { "weekdays": [1, 2, 3, 4, 5], "hours": [9, 18] },
      "actions": [{ "op": "setText", "selector": "#d", "text": "chat" }] },
    { "id": "measured", "holdout": 0.5, "actions": [{ "op": "setText", "selector": "#e", "text": "x" }] }
  ]
}"##;

fn engine(stored: Vec<(String, Partition)>, hour: u8, weekday: u8, id: &str) -> Engine {
    let value: Value = serde_json::from_str(CONFIG).unwrap();
    let context = Context::from_page("https://s.example/", "", "", hour, weekday, "pt-BR", 1200.0);
    let mut e = Engine::new(Config::parse(&value).unwrap(), stored, id, context, 1_000.0).0;
    e.set_consent(&[("personalization".into(), true)], "api", 1_000.0)
        .unwrap();
    e.update();
    e
}

fn reason(e: &Engine, id: &str) -> String {
    e.decision_value(id)
        .unwrap()
        .get("reason")
        .and_then(Value::as_str)
        .unwrap()
        .to_owned()
}

#[test]
fn triggers_wait_for_their_signal_in_this_page_view() {
    let mut e = engine(Vec::new(), 10, 2, "v");
    assert_eq!(reason(&e, "on-signup"), "waiting for its trigger");
    assert_eq!(reason(&e, "leaving"), "waiting for its trigger");
    e.signal(
        Signal::Track {
            name: "signup".into(),
            props: vec![],
        },
        2_000.0,
    );
    e.signal(Signal::ExitIntent, 2_100.0);
    e.update();
    assert_eq!(reason(&e, "on-signup"), "applied");
    assert_eq!(reason(&e, "leaving"), "applied");
    // A new page view resets what has fired.
    e.page_view(
        Context::from_page("https://s.example/2", "", "", 10, 2, "pt-BR", 1200.0),
        3_000.0,
    );
    e.update();
    assert_eq!(reason(&e, "on-signup"), "waiting for its trigger");
}

#[test]
fn a_frequency_cap_holds_across_page_views() {
    let mut e = engine(Vec::new(), 10, 2, "v");
    e.signal(
        Signal::Click {
            key: "promo".into(),
        },
        2_000.0,
    );
    e.update();
    assert_eq!(reason(&e, "once"), "applied");
    // It keeps showing while it matches; the cap is about starting again.
    e.signal(
        Signal::Click {
            key: "other".into(),
        },
        2_100.0,
    );
    e.update();
    assert_eq!(reason(&e, "once"), "applied");
    let stored: Vec<(String, Partition)> = e
        .take_storage_writes()
        .write
        .into_iter()
        .map(|(c, p)| (c, Partition::from_value(&p.to_value()).unwrap()))
        .collect();
    let next = engine(stored, 10, 2, "v");
    assert_eq!(reason(&next, "once"), "frequency cap reached");
}

#[test]
fn schedules_use_the_visitors_local_time() {
    assert_eq!(
        reason(&engine(Vec::new(), 10, 2, "v"), "office-hours"),
        "applied"
    );
    assert_eq!(
        reason(&engine(Vec::new(), 20, 2, "v"), "office-hours"),
        "outside its schedule"
    );
    assert_eq!(
        reason(&engine(Vec::new(), 10, 0, "v"), "office-hours"),
        "outside its schedule"
    );
}

#[test]
fn holdouts_keep_a_stable_share_of_visitors_out() {
    let held = (0..400)
        .filter(|i| {
            reason(
                &engine(Vec::new(), 10, 2, &format!("visitor-{i}")),
                "measured",
            ) == "visitor in the holdout"
        })
        .count();
    assert!((150..250).contains(&held), "{held} of 400 held out");
}
