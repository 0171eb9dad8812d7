//! The first swap's decisions, and its action reader held to the validator's.
use super::*;
use crate::engine::attributes::context_document;
use crate::engine::signal::Context;

fn page(url: &str) -> Value {
    let context = Context::from_page(url, "", "", 10, 2, "pt-BR", 390.0);
    Value::Object(context_document(&context))
}

fn swap(config: &str, url: &str, consent: ConsentFacts) -> FirstSwap {
    let config = crate::engine::json::parse(config).unwrap();
    plan(&config, &page(url), || consent)
}

fn ids(s: &FirstSwap) -> Vec<&str> {
    s.applied.iter().map(String::as_str).collect()
}

const HERO: &str = r##"{"op": "setText", "selector": "#hero", "text": "Oi"}"##;

#[test]
fn a_rule_for_everybody_is_applied_now() {
    let c = format!(
        r#"{{"version": 1, "rules": [{{"id": "hero", "consent": "necessary", "actions": [{HERO}]}}]}}"#
    );
    let s = swap(&c, "https://shop.example/", ConsentFacts::Unknown);
    assert!(s.read);
    assert_eq!(ids(&s), ["hero"]);
    assert_eq!(s.ops.len(), 1);
    assert_eq!(s.ops[0].2.selector, "#hero");
    assert!(s.deferred.is_empty());
}

#[test]
fn context_conditions_are_evaluated_now() {
    let c = format!(
        r#"{{"rules": [{{"id": "utm", "consent": ["necessary"], "when": {{"utm.campaign": "verao", "channel": "email"}}, "actions": [{HERO}]}}]}}"#
    );
    let hit = swap(
        &c,
        "https://s.example/?utm_campaign=verao&utm_medium=email",
        ConsentFacts::Unknown,
    );
    assert_eq!(ids(&hit), ["utm"]);
    let miss = swap(
        &c,
        "https://s.example/?utm_campaign=inverno",
        ConsentFacts::Unknown,
    );
    assert!(miss.applied.is_empty());
    assert!(
        miss.deferred.is_empty(),
        "decided off, so revealed as it is"
    );
}

#[test]
fn profile_reads_gates_and_templates_wait_for_the_runtime() {
    for rule in [
        format!(r#"{{"id": "r", "consent": "necessary", "when": {{"visitor.visits": {{"$gte": 2}}}}, "actions": [{HERO}]}}"#),
        format!(r#"{{"id": "r", "consent": "necessary", "trigger": "exit", "actions": [{HERO}]}}"#),
        format!(r#"{{"id": "r", "consent": "necessary", "frequency": {{"max": 1, "per": "visitor"}}, "actions": [{HERO}]}}"#),
        r##"{"id": "r", "consent": "necessary", "actions": [{"op": "setText", "selector": "#hero", "text": "{{utm.source}}"}]}"##.to_owned(),
        r##"{"id": "r", "consent": "necessary", "when": {"segments.vip": true}, "actions": [{"op": "hide", "selector": "#hero"}]}"##.to_owned(),
    ] {
        let s = swap(&format!(r#"{{"rules": [{rule}]}}"#), "https://s.example/", ConsentFacts::Defaults);
        assert!(s.read, "{rule}");
        assert!(s.ops.is_empty(), "{rule}");
        assert_eq!(s.deferred, ["#hero"], "{rule}");
    }
}

#[test]
fn consent_not_required_is_off_on_a_fresh_visit_and_unknown_otherwise() {
    let c = format!(r#"{{"rules": [{{"id": "p", "actions": [{HERO}]}}]}}"#);
    let fresh = swap(&c, "https://s.example/", ConsentFacts::Defaults);
    assert!(fresh.ops.is_empty() && fresh.deferred.is_empty());
    let returning = swap(&c, "https://s.example/", ConsentFacts::Unknown);
    assert!(returning.ops.is_empty());
    assert_eq!(returning.deferred, ["#hero"]);
    // A category the config makes required is always granted.
    let required = format!(
        r#"{{"consent": {{"categories": [{{"id": "necessary", "required": true}}, {{"id": "personalization", "required": true}}]}}, "rules": [{{"id": "p", "actions": [{HERO}]}}]}}"#
    );
    assert_eq!(
        ids(&swap(
            &required,
            "https://s.example/",
            ConsentFacts::Unknown
        )),
        ["p"]
    );
}

#[test]
fn a_rule_sharing_a_selector_with_a_deferred_one_waits_too() {
    let c = r##"{"rules": [
        {"id": "now", "consent": "necessary", "actions": [{"op": "addClass", "selector": "#a", "class": "x"}, {"op": "hide", "selector": "#b"}]},
        {"id": "later", "consent": "necessary", "when": {"cart.total": {"$gte": 1}}, "actions": [{"op": "hide", "selector": "#a"}]},
        {"id": "free", "consent": "necessary", "actions": [{"op": "hide", "selector": "#c"}]}
    ], "experiments": [{"id": "e", "consent": "necessary", "variants": [{"id": "a", "weight": 1, "actions": [{"op": "hide", "selector": "#d"}]}]}]}"##;
    let s = swap(c, "https://s.example/", ConsentFacts::Unknown);
    assert_eq!(ids(&s), ["free"]);
    let mut deferred = s.deferred.clone();
    deferred.sort();
    assert_eq!(deferred, ["#a", "#b", "#d"]);
}

#[test]
fn conflicts_resolve_as_decide_does() {
    let c = r##"{"rules": [
        {"id": "low", "consent": "necessary", "actions": [{"op": "setText", "selector": "#h", "text": "low"}]},
        {"id": "high", "consent": "necessary", "priority": 5, "actions": [{"op": "setText", "selector": "#h", "text": "high"}]},
        {"id": "tie", "consent": "necessary", "priority": 5, "actions": [{"op": "setText", "selector": "#h", "text": "tie"}]},
        {"id": "class", "consent": "necessary", "actions": [{"op": "addClass", "selector": "#h", "class": "x"}]}
    ]}"##;
    let s = swap(c, "https://s.example/", ConsentFacts::Unknown);
    assert_eq!(ids(&s), ["high", "class"]);
    // Application order: lowest priority first.
    let order: Vec<u32> = s.ops.iter().map(|(r, _, _)| *r).collect();
    assert_eq!(order, [3, 1]);
}

#[test]
fn an_invalid_config_defers_every_target() {
    for c in [
        r##"{"rules": [{"id": "x", "consent": "necessary", "when": {"a": {"$regx": 1}}, "actions": [{"op": "hide", "selector": "#a"}]}]}"##,
        r##"{"rules": [{"consent": "necessary", "actions": [{"op": "hide", "selector": "#a"}]}]}"##,
        r##"{"rules": {"a": 1}, "experiments": [{"variants": [{"actions": [{"selector": "#a"}]}]}]}"##,
    ] {
        let s = swap(c, "https://s.example/", ConsentFacts::Defaults);
        assert!(!s.read, "{c}");
        assert!(s.ops.is_empty());
        assert_eq!(s.deferred, ["#a"], "{c}");
    }
}

#[test]
fn an_action_the_start_does_not_take_leaves_its_rule_to_the_runtime() {
    for action in [
        r##"{"op": "setHtml", "selector": "#a", "html": "{{oops"}"##,
        r##"{"op": "setAttr", "selector": "#a", "name": "onclick", "value": "x()"}"##,
        r##"{"op": "setAttr", "selector": "#a", "name": "href", "value": "javascript:x()"}"##,
        r##"{"op": "setStyle", "selector": "#a", "style": {"background": "url(x)"}}"##,
        r##"{"op": "move", "selector": "#a", "position": "after", "to": "#b"}"##,
        r##"{"op": "setHtml", "selector": "#a", "html": "<b>x</b>"}"##,
        r##"{"op": "insert", "selector": "#a", "position": "after", "html": "<b>x</b>"}"##,
        r##"{"op": "setText", "selector": "#a", "text": "x", "extra": 1}"##,
    ] {
        let c = format!(
            r#"{{"rules": [{{"id": "x", "consent": "necessary", "actions": [{action}]}}]}}"#
        );
        let s = swap(&c, "https://s.example/", ConsentFacts::Defaults);
        assert!(s.read && s.ops.is_empty(), "{action}");
        assert_eq!(s.deferred, ["#a"], "{action}");
    }
}

/// The start's reader never takes an action the validator refuses, and reads
/// every action it takes exactly as the validator does.
#[test]
fn the_start_reads_actions_as_the_validator_does() {
    let corpus = r##"[
        {"op": "setText", "selector": "#a", "text": "Oi"},
        {"op": "setText", "selector": "#a", "text": "Oi", "match": "first"},
        {"op": "setText", "selector": "#a", "text": "Oi", "match": "some"},
        {"op": "setText", "selector": "  ", "text": "Oi"},
        {"op": "setText", "selector": "#a", "text": 5},
        {"op": "setHtml", "selector": "#a", "html": "<b onclick=x()>x</b>"},
        {"op": "setAttr", "selector": "a", "name": "HREF", "value": "/ok"},
        {"op": "setAttr", "selector": "a", "name": "href", "value": "JavaScript:alert(1)"},
        {"op": "setAttr", "selector": "a", "name": "href", "value": "data:text/html,x"},
        {"op": "setAttr", "selector": "a", "name": "OnMouseOver", "value": "x"},
        {"op": "setAttr", "selector": "a", "name": "style", "value": "color:red"},
        {"op": "setAttr", "selector": "a", "name": "srcdoc", "value": "x"},
        {"op": "setAttr", "selector": "a", "name": "1x", "value": "x"},
        {"op": "setAttr", "selector": "a", "name": "data-x", "value": "{{page.path}}"},
        {"op": "removeAttr", "selector": "a", "name": "title"},
        {"op": "removeAttr", "selector": "a", "name": "onclick"},
        {"op": "addClass", "selector": "a", "class": "promo"},
        {"op": "addClass", "selector": "a", "class": "two words"},
        {"op": "removeClass", "selector": "a", "class": ""},
        {"op": "setStyle", "selector": "a", "style": {"color": " red "}},
        {"op": "setStyle", "selector": "a", "style": {"color": "red", "position": "fixed"}},
        {"op": "setStyle", "selector": "a", "style": {"color": "expression(alert(1))"}},
        {"op": "setStyle", "selector": "a", "style": {}},
        {"op": "hide", "selector": "a"},
        {"op": "hide", "selector": "a", "text": "x"},
        {"op": "show", "selector": "a"},
        {"op": "show", "selector": "a", "display": "flex"},
        {"op": "show", "selector": "a", "display": "fixed"},
        {"op": "insert", "selector": "a", "position": "before", "html": "<p>x</p>"},
        {"op": "insert", "selector": "a", "position": "inside", "html": "<p>x</p>"},
        {"op": "remove", "selector": "a"},
        {"op": "remove"},
        {"op": "explode", "selector": "a"}
    ]"##;
    let corpus = crate::engine::json::parse(corpus).unwrap();
    let mut taken = 0;
    for (i, a) in corpus.as_array().unwrap().iter().enumerate() {
        let mut diags = Diagnostics::default();
        let full = crate::engine::action::parse_action(a, &Path::Text("a"), &mut diags)
            .filter(|_| diags.is_empty());
        if let Some(lean) = plain_action(a) {
            assert_eq!(Some(lean), full, "action {i}: {}", a.to_json());
            taken += 1;
        }
    }
    assert_eq!(taken, 10, "the plain actions of the corpus are taken");
}

#[test]
fn the_time_zone_is_read_only_for_a_config_that_mentions_it() {
    let with = crate::engine::json::parse(
        r#"{"rules": [{"when": {"time": {"timezone": "America/Sao_Paulo"}}}]}"#,
    )
    .unwrap();
    let without = crate::engine::json::parse(
        r#"{"rules": [{"when": {"time.hour": 9}}], "catalog": {"timezone": 1}}"#,
    )
    .unwrap();
    assert!(mentions_timezone(&with));
    assert!(!mentions_timezone(&without));
}

#[test]
fn consent_is_read_only_when_a_rule_needs_more_than_required() {
    let asked = std::cell::Cell::new(0);
    let ask = || {
        asked.set(asked.get() + 1);
        ConsentFacts::Unknown
    };
    let necessary = crate::engine::json::parse(&format!(
        r#"{{"rules": [{{"id": "a", "consent": "necessary", "actions": [{HERO}]}}]}}"#
    ))
    .unwrap();
    plan(&necessary, &page("https://s.example/"), ask);
    assert_eq!(asked.get(), 0);
    let two = crate::engine::json::parse(&format!(
        r#"{{"rules": [{{"id": "a", "actions": [{HERO}]}}, {{"id": "b", "actions": [{HERO}]}}]}}"#
    ))
    .unwrap();
    plan(&two, &page("https://s.example/"), ask);
    assert_eq!(asked.get(), 1, "asked once");
}

#[test]
fn experiments_wait_unless_their_consent_is_known_off() {
    let c = r##"{"experiments": [{"id": "e", "variants": [{"id": "a", "weight": 1, "actions": [{"op": "hide", "selector": "#e"}]}]}]}"##;
    assert!(swap(c, "https://s.example/", ConsentFacts::Defaults)
        .deferred
        .is_empty());
    assert_eq!(
        swap(c, "https://s.example/", ConsentFacts::Unknown).deferred,
        ["#e"]
    );
}

#[test]
fn the_demo_shop_on_a_first_visit_is_decided_without_the_runtime() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/vitrine.json")).unwrap();
    let config = crate::engine::json::parse(&text).unwrap();
    let s = plan(&config, &page("https://shop.example/"), || {
        ConsentFacts::Defaults
    });
    assert!(s.read && s.ops.is_empty() && s.deferred.is_empty());
    // A returning visitor who may have granted personalization: the runtime decides.
    let r = plan(&config, &page("https://shop.example/"), || {
        ConsentFacts::Unknown
    });
    assert!(r.deferred.contains(&"#hero-title".to_owned()));
}
