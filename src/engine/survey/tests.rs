//! Reading surveys (every problem named at its path) and checking answers.

use super::*;
use crate::engine::action::{parse_action, ActionKind};
use crate::engine::prompt::Recontact;

fn read(json: &str) -> (Option<crate::engine::prompt::Popup>, Vec<String>) {
    let v: Value = crate::engine::json::parse(json).unwrap();
    let mut d = Diagnostics::default();
    let popup = parse_action(&v, &Path::ROOT, &mut d).and_then(|a| match a.kind {
        ActionKind::Popup(p) => Some((*p).clone()),
        _ => None,
    });
    (popup, d.items.iter().map(ToString::to_string).collect())
}

const NPS: &str = r#"{"op": "survey", "survey": "post-purchase", "label": "Sua opinião",
  "questions": [
    {"id": "score", "type": "nps", "text": {"pt-BR": "Você nos indicaria?", "en": "Would you recommend us?"},
     "next": [{"answer": [0, 1, 2, 3, 4, 5, 6], "goto": "why"}, {"goto": "best"}]},
    {"id": "why", "type": "text", "text": "O que deu errado?", "next": [{"goto": "end"}]},
    {"id": "best", "type": "multiple", "text": "Do que você mais gostou?",
     "options": [{"value": "price", "label": "Preço"}, {"value": "delivery", "label": {"pt-BR": "Entrega", "en": "Delivery"}}]}
  ],
  "thanks": {"pt-BR": "Obrigado!", "en": "Thanks!"}}"#;

#[test]
fn a_survey_is_read_with_its_defaults() {
    let (popup, errors) = read(NPS);
    assert!(errors.is_empty(), "{errors:?}");
    let popup = popup.unwrap();
    let survey = popup.survey.as_ref().unwrap();
    assert_eq!(survey.id, "post-purchase");
    assert_eq!(survey.questions.len(), 3);
    assert_eq!(survey.questions[2].options, ["price", "delivery"]);
    // An NPS survey is asked again after 90 days by default; others once.
    assert_eq!(popup.recontact, Recontact::EveryDays(90.0));
    assert_eq!(popup.html, "");
    let (csat, errors) = read(
        r#"{"op": "survey", "survey": "s", "label": "l", "questions": [{"id": "q", "type": "csat", "text": "t", "style": "emoji"}], "recontact": "untilAnswered"}"#,
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(csat.unwrap().recontact, Recontact::UntilAnswered);
    let (once, _) = read(
        r#"{"op": "survey", "survey": "s", "label": "l", "questions": [{"id": "q", "type": "ces", "text": "t"}]}"#,
    );
    assert_eq!(once.unwrap().recontact, Recontact::Once);
    // The view the UI part renders is the validated definition.
    assert_eq!(
        survey
            .view
            .get("questions")
            .and_then(|q| q.as_array())
            .map(<[Value]>::len),
        Some(3)
    );
}

#[test]
fn every_problem_is_named_at_its_path() {
    let (_, errors) = read(
        r#"{"op": "survey", "survey": "nps", "label": "l", "questions": [
          {"id": "a", "type": "stars", "text": "t"},
          {"id": "b", "type": "nps", "text": {"pt_BR": 1}, "style": "emoji", "next": [{"answer": 11, "goto": "a"}]},
          {"id": "b", "type": "single", "text": "t", "options": [{"value": "x", "label": "X"}]},
          {"id": "answered", "type": "text", "text": "t", "low": "x"}
        ], "thanks": 3}"#,
    );
    assert_eq!(
        errors,
        [
            "survey: \"nps\" cannot name a survey (letters, digits, - and _, not one of nps, nps_group, csat, ces, sentiment)",
            "questions[0].type: unknown question type \"stars\"",
            "questions[1].text.pt_BR: expected a string, found a number",
            "questions[1].style: only csat questions have \"style\"",
            "questions[2].options: a choice question has at least two options",
            "questions[2].id: another question has the id \"b\"",
            "questions[3].id: a question id is letters, digits, - and _, and not \"answered\"",
            "questions[3].low: only rating questions (nps, csat, ces) have \"low\"",
            "questions[1].next[0].goto: \"a\" is not a later question's id (or \"end\")",
            "questions[1].next[0].answer[0]: \"b\" takes a whole number from 0 to 10",
            "thanks: expected a string or an object of translations, found a number",
        ]
    );
    let (_, errors) = read(r#"{"op": "survey", "label": "l", "questions": []}"#);
    assert_eq!(
        errors,
        [
            "missing field \"survey\" (required by survey)",
            "questions: a survey asks at least one question"
        ]
    );
    let (_, errors) =
        read(r#"{"op": "popup", "html": "x", "label": "l", "recontact": "untilAnswered"}"#);
    assert_eq!(
        errors,
        ["recontact: only a survey has \"untilAnswered\" (a pop-up: \"untilDismissed\")"]
    );
}

#[test]
fn answers_are_checked_against_their_question() {
    let (popup, _) = read(NPS);
    let popup = popup.unwrap();
    let survey = popup.survey.as_ref().unwrap();
    let v = |s: &str| crate::engine::json::parse(s).unwrap();
    assert_eq!(
        survey.check("score", &v("6")),
        Ok(Checked::Score(Kind::Nps, 6))
    );
    assert_eq!(
        survey.check("score", &v("10.5")),
        Err("\"score\" takes a whole number from 0 to 10".into())
    );
    assert_eq!(survey.check("why", &v("\"caro\"")), Ok(Checked::Text));
    assert!(survey.check("why", &v("3")).is_err());
    assert_eq!(
        survey.check("best", &v(r#"["price", "delivery"]"#)),
        Ok(Checked::Choice(v(r#"["price", "delivery"]"#)))
    );
    assert!(survey.check("best", &v(r#"["price", "price"]"#)).is_err());
    assert!(survey.check("best", &v(r#"["gift"]"#)).is_err());
    assert_eq!(
        survey.check("nope", &v("1")),
        Err("survey \"post-purchase\" has no question \"nope\"".into())
    );
}
