//! What the visitor told the site, kept so rules can answer it at once: the
//! sentiment of the last text they wrote (a survey's open answer, a review or chat
//! box the site scores with `sentiment()`). Never the text itself: only its label
//! and score. Its consent category is `signals.feedback` (default
//! `personalization`, like every aggregate: the point of keeping it is to change
//! what the visitor sees next, e.g. a support offer after a negative answer).

use super::sentiment::Label;
use super::value::{object, Value};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    /// The last text's label and compound score (3 decimals).
    pub sentiment: Option<(Label, f64)>,
}

fn label_of(name: &str) -> Option<Label> {
    [Label::Positive, Label::Neutral, Label::Negative]
        .into_iter()
        .find(|l| l.as_str() == name)
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

    /// `feedback.*` in the attribute document: `feedback.sentiment.label` and
    /// `.score` (`null` before any text was scored).
    pub fn attributes(feedback: Option<&Feedback>) -> Value {
        let sentiment = feedback
            .and_then(|f| f.sentiment)
            .map_or(Value::Null, |(label, score)| {
                object(vec![
                    ("label", Value::from(label.as_str())),
                    ("score", Value::Number(score)),
                ])
            });
        object(vec![("sentiment", sentiment)])
    }

    pub fn to_stored(&self) -> Value {
        Feedback::attributes(Some(self))
    }

    /// The stored form read back (untrusted: a wrong shape is an error naming it).
    pub fn from_stored(value: &Value) -> Result<Feedback, String> {
        let map = super::codec::object(value, "feedback")?;
        let sentiment = match super::codec::field(map, "sentiment") {
            None => None,
            Some(v) => {
                let m = super::codec::object(v, "feedback.sentiment")?;
                let label = label_of(&super::codec::string(m, "label")?)
                    .ok_or("\"feedback.sentiment.label\" must be positive, neutral or negative")?;
                let score = super::codec::number(m, "score", 0.0)?;
                Some((label, score.clamp(-1.0, 1.0)))
            }
        };
        Ok(Feedback { sentiment })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_round_trips_and_bad_data_is_refused() {
        let mut f = Feedback::default();
        f.record_sentiment(Label::Negative, -0.61234);
        assert_eq!(f.sentiment, Some((Label::Negative, -0.612)));
        assert_eq!(Feedback::from_stored(&f.to_stored()).unwrap(), f);
        let bad =
            super::super::json::parse(r#"{"sentiment": {"label": "angry", "score": 1}}"#).unwrap();
        assert!(Feedback::from_stored(&bad).is_err());
        let far = super::super::json::parse(r#"{"sentiment": {"label": "positive", "score": 9}}"#)
            .unwrap();
        assert_eq!(
            Feedback::from_stored(&far).unwrap().sentiment,
            Some((Label::Positive, 1.0))
        );
    }
}
