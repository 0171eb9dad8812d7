//! Surveys through the engine's loop: asked only with the feedback category's
//! consent, answers checked and turned into `feedback.*` that other rules read in
//! the same page view, withdrawal deleting them, recontact across page views.
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::config::Config;
use vitrine::engine::runtime::Engine;
use vitrine::engine::signal::Context;
use vitrine::engine::Value;

const CONFIG: &str = r##"{
  "version": 1,
  "consent": {"categories": [{"id": "necessary"}, {"id": "personalization"}, {"id": "feedback"}]},
  "signals": {"feedback": "feedback"},
  "prompts": {"cooldownDays": 0},
  "rules": [
    { "id": "nps", "actions": [{ "op": "survey", "survey": "post-purchase", "label": "Sua opinião",
        "questions": [
          {"id": "score", "type": "nps", "text": "Você nos indicaria?", "next": [{"answer": [0,1,2,3,4,5,6], "goto": "why"}, {"goto": "best"}]},
          {"id": "why", "type": "text", "text": "O que deu errado?", "next": [{"goto": "end"}]},
          {"id": "best", "type": "single", "text": "O melhor?", "options": [{"value": "price", "label": "Preço"}, {"value": "speed", "label": "Entrega"}]}
        ] }] },
    { "id": "support", "when": {"feedback.nps_group": "detractor"},
      "actions": [{ "op": "setText", "selector": "#help", "text": "Fale conosco" }] },
    { "id": "fans", "when": {"feedback.post-purchase.best": "price"},
      "actions": [{ "op": "setText", "selector": "#fans", "text": "Obrigado" }] }
  ]
}"##;

fn context() -> Context {
    Context::from_page("https://s.example/", "", "", 10, 2, "pt-BR", 1200.0)
}

fn engine(feedback: bool) -> Engine {
    engine_of(CONFIG, "v1", feedback)
}

fn engine_of(config: &str, visitor: &str, feedback: bool) -> Engine {
    let value: Value = serde_json::from_str(config).unwrap();
    let mut e = Engine::new(
        Config::parse(&value).unwrap(),
        Vec::new(),
        visitor,
        context(),
        1_000.0,
    )
    .0;
    e.set_consent(
        &[
            ("personalization".into(), true),
            ("feedback".into(), feedback),
        ],
        "api",
        1_000.0,
    )
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

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

#[test]
fn a_survey_is_not_asked_without_its_answers_consent() {
    let mut e = engine(false);
    assert_eq!(
        reason(&e, "nps"),
        "the survey answers' consent category is not granted"
    );
    assert!(e
        .survey_answer("nps", "score", &json("3"), 2_000.0)
        .is_err());
    e.set_consent(&[("feedback".into(), true)], "api", 2_000.0)
        .unwrap();
    e.update();
    assert_eq!(reason(&e, "nps"), "applied");
}

#[test]
fn answers_change_what_applies_in_the_same_page_view_and_withdrawal_deletes_them() {
    let mut e = engine(true);
    assert_eq!(reason(&e, "nps"), "applied");
    assert_ne!(reason(&e, "support"), "applied");
    // Bad answers are refused with what is wrong and change nothing.
    assert_eq!(
        e.survey_answer("nps", "score", &json("11"), 2_000.0),
        Err("\"score\" takes a whole number from 0 to 10".into())
    );
    assert_eq!(
        e.survey_answer("support", "score", &json("1"), 2_000.0),
        Err("rule \"support\" has no survey".into())
    );
    assert_eq!(
        e.survey_answer("nps", "score", &json("3"), 2_000.0),
        Ok(true)
    );
    e.update();
    assert_eq!(reason(&e, "support"), "applied");
    let feedback = e.attributes().get("feedback").cloned().unwrap();
    assert_eq!(feedback.get("nps"), Some(&Value::Number(3.0)));
    assert_eq!(
        feedback.get("post-purchase").and_then(|s| s.get("score")),
        Some(&Value::Number(3.0))
    );
    assert_eq!(
        e.survey_answer("nps", "why", &json("\"caro demais\""), 2_100.0),
        Ok(true)
    );
    assert_eq!(
        e.survey_answer("nps", "best", &json("\"price\""), 2_200.0),
        Ok(true)
    );
    e.update();
    assert_eq!(reason(&e, "fans"), "applied");
    // The text itself is never kept.
    let stored = e.export(3_000.0).to_json();
    assert!(!stored.contains("caro demais"), "{stored}");
    assert!(stored.contains("post-purchase"), "{stored}");
    // Withdrawal deletes the answers at once; the rules reading them stop.
    e.set_consent(&[("feedback".into(), false)], "api", 3_000.0)
        .unwrap();
    e.update();
    assert_ne!(reason(&e, "support"), "applied");
    assert_ne!(reason(&e, "fans"), "applied");
    assert_eq!(
        e.attributes().get("feedback").and_then(|f| f.get("nps")),
        Some(&Value::Null)
    );
    assert!(!e.export(3_000.0).to_json().contains("post-purchase"));
}

#[test]
fn an_answered_survey_is_not_asked_again_on_the_next_page_view() {
    let mut e = engine(true);
    e.survey_answer("nps", "score", &json("9"), 2_000.0)
        .unwrap();
    assert!(e.prompt_closed("nps"));
    e.update();
    e.page_view(context(), 3_000.0);
    e.update();
    // NPS: asked again after 90 days, not before.
    assert_eq!(reason(&e, "nps"), "pop-up already shown (recontact)");
    e.page_view(context(), 3_000.0 + 91.0 * 86_400_000.0);
    e.update();
    assert_eq!(reason(&e, "nps"), "applied");
}

#[test]
fn a_survey_reading_its_own_answers_stays_until_it_is_closed() {
    // Asked only of visitors without an NPS score: the first answer gives one, and
    // the survey must still go on to its next question and its thank-you step.
    let config = CONFIG.replace(
        r#"{ "id": "nps", "actions""#,
        r#"{ "id": "nps", "when": {"feedback.nps": null}, "actions""#,
    );
    let mut e = engine_of(&config, "v1", true);
    assert_eq!(reason(&e, "nps"), "applied");
    assert_eq!(
        e.survey_answer("nps", "score", &json("9"), 2_000.0),
        Ok(true)
    );
    let diff = e.update();
    assert_eq!(reason(&e, "nps"), "applied", "still asking");
    assert!(diff.revert.is_empty(), "nothing taken away");
    assert_eq!(
        e.survey_answer("nps", "best", &json("\"speed\""), 2_100.0),
        Ok(true)
    );
    // Closed by the visitor: now the condition decides again (and it is not met).
    e.prompt_closed("nps");
    e.update();
    assert_ne!(reason(&e, "nps"), "applied");
    // Withdrawal still closes a survey being answered.
    let mut e = engine_of(&config, "v2", true);
    assert_eq!(
        e.survey_answer("nps", "score", &json("3"), 2_000.0),
        Ok(true)
    );
    e.update();
    e.set_consent(&[("feedback".into(), false)], "api", 2_100.0)
        .unwrap();
    e.update();
    assert_ne!(reason(&e, "nps"), "applied");
}
