//! The pop-ups' config, history and gate.
use super::*;

fn popup(json: &str) -> (Popup, Vec<String>) {
    let v: Value = serde_json::from_str(json).unwrap();
    let mut d = Diagnostics::default();
    let action = super::super::action::parse_action(&v, &Path::ROOT, &mut d);
    let popup = match action.map(|a| a.kind) {
        Some(super::super::action::ActionKind::Popup(p)) => (*p).clone(),
        _ => parse_popup(
            &Map::new(),
            "",
            String::new(),
            "l".into(),
            None,
            &Path::ROOT,
            &mut Diagnostics::default(),
        ),
    };
    (popup, d.items.iter().map(ToString::to_string).collect())
}

fn cx<'a>(history: &'a History, settings: &'a Settings, now_ms: f64) -> Context<'a> {
    Context {
        history,
        settings,
        now_ms,
        dwell_ms: 0.0,
        visitor_id: Some("v1"),
        closed: &[],
        another_showing: false,
    }
}

#[test]
fn a_popup_is_read_with_its_defaults_and_bad_fields_are_named() {
    let (p, errors) = popup(r#"{"op": "popup", "html": "<p>Hi</p>", "label": "Offer"}"#);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(p.display, Display::Modal);
    assert_eq!(p.recontact, Recontact::UntilDismissed);
    assert!(p.shadow);
    assert_eq!(p.sample, 1.0);
    let (_, errors) = popup(
        r#"{"op": "popup", "html": "x", "label": " ", "display": "modl", "sample": 2, "recontact": {"everyDays": 0.5}, "minTimeOnPage": -1, "shadow": 1}"#,
    );
    assert_eq!(
        errors,
        [
            "display: unknown display \"modl\" (did you mean \"modal\"?)",
            "label: must not be empty: it is the name a screen reader announces",
            "recontact.everyDays: expected a whole number of days from 1 to 3650, found 0.5",
            "sample: must be a number above 0 and at most 1 (a share of visitors), found 2",
            "minTimeOnPage: must be a number of milliseconds from 0 to 3600000, found -1",
            "shadow: expected true or false, found 1",
        ]
    );
    let (_, errors) = popup(r#"{"op": "popup", "html": "{{ x"}"#);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0], "missing field \"label\" (required by popup)");
    let (_, errors) = popup(r#"{"op": "popup", "html": "x", "label": "l", "display": "inline"}"#);
    assert_eq!(
        errors,
        ["missing field \"selector\" (required by display \"inline\")"]
    );
    let (_, errors) = popup(r##"{"op": "popup", "html": "x", "label": "l", "selector": "#a"}"##);
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn the_cooldown_holds_every_popup_after_any_was_shown() {
    let settings = Settings::default();
    let (p, _) = popup(r#"{"op": "popup", "html": "x", "label": "l"}"#);
    let mut history = History::default();
    assert_eq!(held("a", &p, &cx(&history, &settings, 1e12)), None);
    history.shown("a", 1e12);
    // Another campaign a day later: the shared cooldown holds it.
    let day = 1e12 + DAY_MS;
    assert_eq!(
        held("b", &p, &cx(&history, &settings, day)),
        Some(Hold::Cooldown)
    );
    // A week later it may show; "a" was never closed, so it may show again too.
    let week = 1e12 + 7.0 * DAY_MS;
    assert_eq!(held("b", &p, &cx(&history, &settings, week)), None);
    assert_eq!(held("a", &p, &cx(&history, &settings, week)), None);
    // Closed: remembered.
    history.dismissed("a");
    assert_eq!(
        held("a", &p, &cx(&history, &settings, week)),
        Some(Hold::Dismissed)
    );
    let none = Settings { cooldown_ms: 0.0 };
    assert_eq!(held("b", &p, &cx(&history, &none, day)), None);
}

#[test]
fn recontact_once_every_days_sampling_and_waiting() {
    let settings = Settings { cooldown_ms: 0.0 };
    let mut history = History::default();
    history.shown("a", 0.0);
    let (once, _) = popup(r#"{"op": "popup", "html": "x", "label": "l", "recontact": "once"}"#);
    assert_eq!(
        held("a", &once, &cx(&history, &settings, 1e12)),
        Some(Hold::AlreadyShown)
    );
    let (every, _) =
        popup(r#"{"op": "popup", "html": "x", "label": "l", "recontact": {"everyDays": 90}}"#);
    history.dismissed("a");
    assert_eq!(
        held("a", &every, &cx(&history, &settings, 89.0 * DAY_MS)),
        Some(Hold::Dismissed)
    );
    assert_eq!(
        held("a", &every, &cx(&history, &settings, 90.0 * DAY_MS)),
        None
    );
    let mut c = cx(&history, &settings, 0.0);
    c.another_showing = true;
    assert_eq!(held("b", &every, &c), Some(Hold::AnotherPrompt));
    let (late, _) = popup(r#"{"op": "popup", "html": "x", "label": "l", "minTimeOnPage": 10000}"#);
    let mut c = cx(&history, &settings, 0.0);
    assert_eq!(held("b", &late, &c), Some(Hold::TooEarly));
    c.dwell_ms = 10_000.0;
    assert_eq!(held("b", &late, &c), None);
    // Sampling: stable per visitor, about the share of visitors, none without an id.
    let (half, _) = popup(r#"{"op": "popup", "html": "x", "label": "l", "sample": 0.5}"#);
    let ids: Vec<String> = (0..1000).map(|i| format!("visitor-{i}")).collect();
    let inside = ids
        .iter()
        .filter(|id| {
            let mut c = cx(&history, &settings, 0.0);
            c.visitor_id = Some(id);
            held("b", &half, &c).is_none()
        })
        .count();
    assert!((430..570).contains(&inside), "{inside}");
    let mut c = cx(&history, &settings, 0.0);
    c.visitor_id = None;
    assert_eq!(held("b", &half, &c), Some(Hold::NotSampled));
}

#[test]
fn the_history_round_trips_and_refuses_what_it_did_not_write() {
    let mut history = History::default();
    for i in 0..(MAX_SEEN + 3) {
        history.shown(&format!("p{i}"), i as f64);
    }
    history.dismissed("p52");
    assert_eq!(history.seen.len(), MAX_SEEN);
    assert_eq!(History::from_value(&history.to_value()), Ok(history));
    let bad: Value = serde_json::from_str(r#"{"seen": {"x": [1]}}"#).unwrap();
    assert_eq!(
        History::from_value(&bad),
        Err("\"prompts.seen.x\" must be [time, dismissed]".into())
    );
}
