//! What the visitor told the site, kept so rules can answer it at once: their last
//! NPS (0-10, and its group), CSAT (1-5) and CES (1-7) scores, which surveys they
//! answered, and the sentiment of the last text they wrote (a survey's open
//! answer, a review or chat box the site scores with `sentiment()`). Never the
//! text itself: only its label and score. Its consent category is
//! `signals.feedback` (default `personalization`, like every aggregate: the point
//! of keeping it is to change what the visitor sees next, e.g. a support offer
//! after a detractor's answer, a review request after a promoter's).

use super::sentiment::Label;
use super::value::truncate;
use super::value::{object, Map, Value};

/// Surveys whose answer is remembered, the least recent dropped first.
pub const MAX_SURVEYS: usize = 20;
pub const MAX_SURVEY_ID_LEN: usize = 64;
/// A survey's questions and a choice question's options (`engine::survey` reads
/// surveys within them; what is stored is held to them).
pub const MAX_QUESTIONS: usize = 10;
pub const MAX_OPTIONS: usize = 20;
/// Names under `feedback.` that a survey id cannot take.
pub const RESERVED: &[&str] = &["nps", "nps_group", "csat", "ces", "sentiment"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    pub nps: Option<u8>,
    pub csat: Option<u8>,
    pub ces: Option<u8>,
    /// `(survey, when)` of the surveys answered, least recent first.
    pub answered: Vec<(String, f64)>,
    /// The last text's label and compound score (3 decimals).
    pub sentiment: Option<(Label, f64)>,
    /// `(survey, question, answer)` of the choice and rating questions answered in
    /// a survey the site configured (`feedback.<survey>.<question>`).
    pub answers: Vec<(String, String, Value)>,
}

/// One survey's answers as the engine keeps them (the scores; free text is never
/// kept, its sentiment goes through `Signal::Sentiment`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answer {
    pub survey: String,
    pub nps: Option<u8>,
    pub csat: Option<u8>,
    pub ces: Option<u8>,
    /// `(question, answer)` of a configured survey's question (checked by
    /// `survey::Survey::check`).
    pub answers: Vec<(String, Value)>,
}

impl Answer {
    /// Reads `{survey, nps?, csat?, ces?}` from outside; the message names the field.
    pub fn from_value(value: &Value) -> Result<Answer, String> {
        let map = super::codec::object(value, "the answer")?;
        let survey = super::codec::string(map, "survey")?;
        let valid = !survey.is_empty()
            && survey.len() <= MAX_SURVEY_ID_LEN
            && survey
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        if !valid || RESERVED.contains(&survey.as_str()) {
            return Err(format!(
                "\"survey\" must be an id of letters, digits, - and _ (at most {MAX_SURVEY_ID_LEN}), not one of {}",
                RESERVED.join(", ")
            ));
        }
        let known = ["survey", "nps", "csat", "ces"];
        if let Some((k, _)) = map.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            return Err(format!("unknown field \"{}\"", truncate(k, 32)));
        }
        Ok(Answer {
            survey,
            nps: scale(map, "nps", 0, 10)?,
            csat: scale(map, "csat", 1, 5)?,
            ces: scale(map, "ces", 1, 7)?,
            answers: Vec::new(),
        })
    }
}

fn scale(map: &Map, key: &str, min: u8, max: u8) -> Result<Option<u8>, String> {
    match super::codec::field(map, key) {
        None => Ok(None),
        Some(Value::Number(n))
            if n.fract() == 0.0 && *n >= f64::from(min) && *n <= f64::from(max) =>
        {
            Ok(Some(*n as u8))
        }
        Some(_) => Err(format!(
            "\"{key}\" must be a whole number from {min} to {max}"
        )),
    }
}

fn number(n: Option<u8>) -> Value {
    n.map_or(Value::Null, |n| Value::Number(f64::from(n)))
}

fn label_of(name: &str) -> Option<Label> {
    [Label::Positive, Label::Neutral, Label::Negative]
        .into_iter()
        .find(|l| l.as_str() == name)
}

/// NPS's groups: promoters 9-10, passives 7-8, detractors 0-6.
pub fn nps_group(score: u8) -> &'static str {
    match score {
        9.. => "promoter",
        7 | 8 => "passive",
        _ => "detractor",
    }
}

impl Feedback {
    pub fn record_sentiment(&mut self, label: Label, score: f64) {
        let score = if score.is_finite() {
            (score.clamp(-1.0, 1.0) * 1000.0).round() / 1000.0
        } else {
            0.0
        };
        self.sentiment = Some((label, score));
    }

    pub fn record_answer(&mut self, answer: Answer, now_ms: f64) {
        self.nps = answer.nps.or(self.nps);
        self.csat = answer.csat.or(self.csat);
        self.ces = answer.ces.or(self.ces);
        self.answered.retain(|(s, _)| *s != answer.survey);
        if self.answered.len() >= MAX_SURVEYS {
            let (gone, _) = self.answered.remove(0);
            self.answers.retain(|(s, _, _)| *s != gone);
        }
        for (question, value) in answer.answers {
            self.answers
                .retain(|(s, q, _)| !(*s == answer.survey && *q == question));
            self.answers.push((answer.survey.clone(), question, value));
        }
        self.answered.push((answer.survey, now_ms));
    }

    /// `{question: answer}` of one survey.
    fn answers_of(&self, survey: &str) -> Vec<(String, Value)> {
        self.answers
            .iter()
            .filter(|(s, _, _)| s == survey)
            .map(|(_, q, v)| (q.clone(), v.clone()))
            .collect()
    }

    /// `feedback.*` in the attribute document: `nps`, `nps_group`, `csat`, `ces`
    /// (`null` before any), `<survey>.answered`, `<survey>.<question>` and
    /// `sentiment.label` / `.score`.
    pub fn attributes(feedback: Option<&Feedback>) -> Value {
        let empty = Feedback::default();
        let f = feedback.unwrap_or(&empty);
        let mut fields = vec![
            ("nps".to_owned(), number(f.nps)),
            (
                "nps_group".to_owned(),
                f.nps.map_or(Value::Null, |n| Value::from(nps_group(n))),
            ),
            ("csat".to_owned(), number(f.csat)),
            ("ces".to_owned(), number(f.ces)),
            ("sentiment".to_owned(), f.sentiment_value()),
        ];
        for (survey, _) in &f.answered {
            let mut entries = vec![("answered".to_owned(), Value::Bool(true))];
            entries.extend(f.answers_of(survey));
            fields.push((survey.clone(), Value::Object(entries)));
        }
        Value::Object(fields)
    }

    /// `{label, score}` of the last text, or null.
    fn sentiment_value(&self) -> Value {
        self.sentiment.map_or(Value::Null, |(label, score)| {
            object(vec![
                ("label", Value::from(label.as_str())),
                ("score", Value::Number(score)),
            ])
        })
    }

    pub fn to_stored(&self) -> Value {
        let mut answered = Vec::new();
        let mut answers = Vec::new();
        for (survey, time) in &self.answered {
            answered.push((survey.clone(), Value::Number(*time)));
            let given = self.answers_of(survey);
            if !given.is_empty() {
                answers.push((survey.clone(), Value::Object(given)));
            }
        }
        object(vec![
            ("nps", number(self.nps)),
            ("csat", number(self.csat)),
            ("ces", number(self.ces)),
            ("answered", Value::Object(answered)),
            ("answers", Value::Object(answers)),
            ("sentiment", self.sentiment_value()),
        ])
    }

    /// The stored form read back (untrusted: a wrong shape is an error naming it).
    pub fn from_stored(value: &Value) -> Result<Feedback, String> {
        use super::codec::{field, number, object as read_object, string};
        let map = read_object(value, "feedback")?;
        let sentiment = match field(map, "sentiment") {
            None => None,
            Some(v) => {
                let m = read_object(v, "feedback.sentiment")?;
                let label = label_of(&string(m, "label")?)
                    .ok_or("\"feedback.sentiment.label\" must be positive, neutral or negative")?;
                Some((label, number(m, "score", 0.0)?.clamp(-1.0, 1.0)))
            }
        };
        let mut answered = Vec::new();
        if let Some(v) = field(map, "answered") {
            let m = read_object(v, "feedback.answered")?;
            for (survey, _) in m {
                let when = number(m, survey, 0.0)?;
                answered.push((truncate(survey, MAX_SURVEY_ID_LEN), when));
            }
            answered.drain(..answered.len().saturating_sub(MAX_SURVEYS));
        }
        // Only what a survey could have recorded: short option values (one or a
        // list) and whole scores, for surveys still remembered.
        let mut answers = Vec::new();
        if let Some(v) = field(map, "answers") {
            for (survey, questions) in read_object(v, "feedback.answers")? {
                let known = answered.iter().any(|(s, _)| s == survey);
                for (question, answer) in read_object(questions, "feedback.answers.*")? {
                    let short =
                        |v: &Value| v.as_str().is_some_and(|s| s.len() <= MAX_SURVEY_ID_LEN);
                    let fits = match answer {
                        Value::Number(n) => n.fract() == 0.0 && (0.0..=10.0).contains(n),
                        Value::Array(items) => {
                            items.len() <= MAX_OPTIONS && items.iter().all(short)
                        }
                        v => short(v),
                    };
                    if !fits || question.len() > MAX_SURVEY_ID_LEN {
                        return Err(format!(
                            "\"feedback.answers.{survey}\" holds an answer vitrine did not write"
                        ));
                    }
                    if known && answers.len() < MAX_SURVEYS * MAX_QUESTIONS {
                        answers.push((survey.clone(), question.clone(), answer.clone()));
                    }
                }
            }
        }
        Ok(Feedback {
            nps: scale(map, "nps", 0, 10)?,
            csat: scale(map, "csat", 1, 5)?,
            ces: scale(map, "ces", 1, 7)?,
            answered,
            sentiment,
            answers,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        super::super::json::parse(s).unwrap()
    }

    #[test]
    fn answers_keep_the_last_scores_and_the_surveys_answered() {
        let mut f = Feedback::default();
        f.record_answer(
            Answer::from_value(&json(r#"{"survey": "post-purchase", "nps": 6}"#)).unwrap(),
            1.0,
        );
        f.record_answer(
            Answer::from_value(&json(r#"{"survey": "checkout", "csat": 5}"#)).unwrap(),
            2.0,
        );
        let a = Feedback::attributes(Some(&f));
        assert_eq!(a.get("nps"), Some(&Value::Number(6.0)));
        assert_eq!(
            a.get("nps_group").and_then(Value::as_str),
            Some("detractor")
        );
        assert_eq!(a.get("csat"), Some(&Value::Number(5.0)));
        assert_eq!(a.get("ces"), Some(&Value::Null));
        assert_eq!(
            a.get("checkout").and_then(|s| s.get("answered")),
            Some(&Value::Bool(true))
        );
        assert_eq!(nps_group(9), "promoter");
        assert_eq!(nps_group(8), "passive");
        for _ in 0..30 {
            let n = f.answered.len();
            f.record_answer(
                Answer {
                    survey: format!("s{n}"),
                    ..Answer::default()
                },
                3.0,
            );
        }
        assert_eq!(f.answered.len(), MAX_SURVEYS);
    }

    #[test]
    fn bad_answers_name_the_field() {
        let err = |s: &str| Answer::from_value(&json(s)).unwrap_err();
        assert_eq!(
            err(r#"{"survey": "x", "nps": 11}"#),
            "\"nps\" must be a whole number from 0 to 10"
        );
        assert_eq!(
            err(r#"{"survey": "x", "csat": 0}"#),
            "\"csat\" must be a whole number from 1 to 5"
        );
        assert_eq!(
            err(r#"{"survey": "x", "ces": 2.5}"#),
            "\"ces\" must be a whole number from 1 to 7"
        );
        assert!(err(r#"{"survey": "nps", "nps": 1}"#).contains("not one of"));
        assert!(err(r#"{"survey": "a b"}"#).contains("\"survey\""));
        assert_eq!(
            err(r#"{"survey": "x", "comment": "hi"}"#),
            "unknown field \"comment\""
        );
    }

    #[test]
    fn the_stored_form_round_trips_and_bad_data_is_refused() {
        let mut f = Feedback::default();
        f.record_sentiment(Label::Negative, -0.61234);
        f.record_answer(
            Answer {
                survey: "nps-q3".into(),
                nps: Some(10),
                ..Answer::default()
            },
            5.0,
        );
        assert_eq!(f.sentiment, Some((Label::Negative, -0.612)));
        assert_eq!(Feedback::from_stored(&f.to_stored()).unwrap(), f);
        assert!(
            Feedback::from_stored(&json(r#"{"sentiment": {"label": "angry", "score": 1}}"#))
                .is_err()
        );
        assert!(Feedback::from_stored(&json(r#"{"nps": 42}"#)).is_err());
        let far = json(r#"{"sentiment": {"label": "positive", "score": 9}}"#);
        assert_eq!(
            Feedback::from_stored(&far).unwrap().sentiment,
            Some((Label::Positive, 1.0))
        );
    }
}
