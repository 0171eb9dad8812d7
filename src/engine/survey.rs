//! Surveys: the `survey` action's questions, read and checked, and the visitor's
//! answers checked against them before they become `feedback.*` attributes.
//!
//! A survey is a pop-up (`engine::prompt`: display, label, targeting, cooldown,
//! sampling, recontact) whose body is 1-10 questions: NPS (0-10), CSAT (1-5,
//! numbers or emoji), CES (1-7), single or multiple choice and open text, with
//! optional branching on an answer (`next: [{answer, goto}]`, only forward, so a
//! survey always ends) and a thank-you step. Texts are plain text (the UI part
//! writes them with `textContent`), one string or one per language
//! (`{"pt-BR": "…", "en": "…"}`).
//!
//! The engine keeps the definition it validated as the `view` the UI part renders,
//! and checks every answer the UI part reports against it: a score outside its
//! scale or an option the question does not have never reaches the profile. Free
//! text is never kept here; the entry scores its sentiment on the device.

use super::diagnostic::{field, index, unknown, Diagnostics, Path};
use super::reader::{boolean, bounded_list, get, identifier, object, string, translated};
use super::value::{object as value_object, Map, Value};

pub use super::feedback::{MAX_OPTIONS, MAX_QUESTIONS};
pub const MAX_TEXT_ANSWER: usize = 2000;

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Nps,
    Csat,
    Ces,
    Single,
    Multiple,
    Text,
}

pub(crate) const KINDS: &[&str] = &["nps", "csat", "ces", "single", "multiple", "text"];

impl Kind {
    /// The scale's ends, for the rating kinds.
    pub fn scale(self) -> Option<(u8, u8)> {
        match self {
            Kind::Nps => Some((0, 10)),
            Kind::Csat => Some((1, 5)),
            Kind::Ces => Some((1, 7)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    /// The option values of a choice question.
    pub options: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Survey {
    /// Its id under `feedback.` (`feedback.<id>.answered`).
    pub id: String,
    pub questions: Vec<Question>,
    /// The validated definition, as the UI part shows it.
    pub view: Value,
}

pub(crate) const QUESTION_FIELDS: &[&str] = &[
    "id",
    "type",
    "text",
    "low",
    "high",
    "style",
    "options",
    "required",
    "placeholder",
    "keepText",
    "next",
];

/// A checked answer: what the profile keeps of it.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// A rating (NPS, CSAT or CES).
    Score(Kind, u8),
    /// The chosen option(s), kept as `feedback.<survey>.<question>`.
    Choice(Value),
    /// Free text: nothing is kept (its sentiment is scored by the entry).
    Text,
}

impl Survey {
    /// Whether it asks an NPS question (its recontact default is every 90 days).
    pub fn has_nps(&self) -> bool {
        self.questions.iter().any(|q| q.kind == Kind::Nps)
    }

    /// Checks the answer to `question`; the message says what is wrong.
    pub fn check(&self, question: &str, value: &Value) -> Result<Checked, String> {
        let q = self
            .questions
            .iter()
            .find(|q| q.id == question)
            .ok_or_else(|| format!("survey \"{}\" has no question \"{question}\"", self.id))?;
        let option = |v: &Value| v.as_str().is_some_and(|s| q.options.iter().any(|o| o == s));
        match (q.kind, value) {
            (kind, Value::Number(n)) if kind.scale().is_some() => {
                let (min, max) = kind.scale().unwrap_or_default();
                if n.fract() == 0.0 && *n >= f64::from(min) && *n <= f64::from(max) {
                    Ok(Checked::Score(kind, *n as u8))
                } else {
                    Err(format!(
                        "\"{question}\" takes a whole number from {min} to {max}"
                    ))
                }
            }
            (Kind::Single, v) if option(v) => Ok(Checked::Choice(v.clone())),
            (Kind::Multiple, Value::Array(items))
                if items.iter().all(option)
                    && items
                        .iter()
                        .enumerate()
                        .all(|(i, v)| !items[..i].contains(v)) =>
            {
                Ok(Checked::Choice(value.clone()))
            }
            (Kind::Text, Value::String(s)) if s.chars().count() <= MAX_TEXT_ANSWER => {
                Ok(Checked::Text)
            }
            (kind, _) => Err(format!(
                "\"{question}\" ({}) does not take {}",
                KINDS[kind as usize],
                super::value::truncate(&value.to_json(), 40)
            )),
        }
    }
}

/// Reads a `survey` action's own fields (`survey`, `questions`, `thanks`); the
/// pop-up's fields are `prompt::parse_popup`'s.
pub fn parse_survey(map: &Map, path: &Path, diags: &mut Diagnostics) -> Option<Survey> {
    let id = match get(map, "survey") {
        Some(v) => identifier(v, &field(path, "survey"), diags),
        None => {
            diags.report(path, || "missing field \"survey\" (required by survey)");
            None
        }
    };
    if let Some(id) = &id {
        if super::feedback::RESERVED.contains(&id.as_str()) || id.contains(['.', ':']) {
            diags.report(&field(path, "survey"), || {
                format!(
                    "\"{id}\" cannot name a survey (letters, digits, - and _, not one of {})",
                    super::feedback::RESERVED.join(", ")
                )
            });
        }
    }
    let at = field(path, "questions");
    let items = bounded_list(
        get(map, "questions"),
        &at,
        MAX_QUESTIONS,
        "questions",
        diags,
    );
    if items.is_empty() {
        diags.report(&at, || "a survey asks at least one question");
    }
    let mut questions: Vec<Question> = Vec::new();
    let mut branches = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = index(&at, i);
        if let Some((q, next)) = parse_question(item, &here, diags) {
            if questions.iter().any(|p| p.id == q.id) {
                diags.report(&field(&here, "id"), || {
                    format!("another question has the id \"{}\"", q.id)
                });
            }
            questions.push(q);
            branches.push((i, next));
        }
    }
    // Branches only go forward (or to the end): every survey ends.
    for (i, next) in branches {
        for (k, (answers, goto)) in next.iter().enumerate() {
            let question_at = index(&at, i);
            let next_at = field(&question_at, "next");
            let there = index(&next_at, k);
            let position = questions.iter().position(|q| q.id == *goto);
            let own = questions.iter().position(|q| q.id == item_id(&items[i]));
            if goto != "end" && !matches!((position, own), (Some(p), Some(o)) if p > o) {
                diags.report(&field(&there, "goto"), || {
                    format!("\"{goto}\" is not a later question's id (or \"end\")")
                });
            }
            if let Some(own) = own.and_then(|o| questions.get(o)) {
                for (j, answer) in answers.iter().enumerate() {
                    let probe = Survey {
                        id: String::new(),
                        questions: vec![own.clone()],
                        view: Value::Null,
                    };
                    let bad = match (own.kind, answer) {
                        (Kind::Multiple, v) => probe.check(&own.id, &Value::Array(vec![v.clone()])),
                        (_, v) => probe.check(&own.id, v),
                    };
                    if let Err(message) = bad.and_then(|c| match c {
                        Checked::Text => Err("a text answer cannot be branched on".into()),
                        _ => Ok(()),
                    }) {
                        let answer_at = field(&there, "answer");
                        diags.report(&index(&answer_at, j), || message);
                    }
                }
            }
        }
    }
    let thanks = match get(map, "thanks") {
        None => Value::Null,
        Some(v) => {
            localized(v, &field(path, "thanks"), diags);
            v.clone()
        }
    };
    let id = id?;
    let view = value_object(vec![
        ("survey", Value::from(id.as_str())),
        ("questions", Value::Array(items.to_vec())),
        ("thanks", thanks),
    ]);
    Some(Survey {
        id,
        questions,
        view,
    })
}

fn item_id(item: &Value) -> &str {
    item.get("id").and_then(Value::as_str).unwrap_or("")
}

type Branches = Vec<(Vec<Value>, String)>;

fn parse_question(
    value: &Value,
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<(Question, Branches)> {
    let map = object(value, path, QUESTION_FIELDS, diags)?;
    let id = super::reader::required_id(map, path, diags);
    if id
        .as_deref()
        .is_some_and(|id| id == "answered" || id.contains(['.', ':']))
    {
        diags.report(&field(path, "id"), || {
            "a question id is letters, digits, - and _, and not \"answered\""
        });
    }
    let kind = match get(map, "type") {
        Some(Value::String(s)) => match KINDS.iter().position(|k| k == s) {
            Some(k) => [
                Kind::Nps,
                Kind::Csat,
                Kind::Ces,
                Kind::Single,
                Kind::Multiple,
                Kind::Text,
            ][k],
            None => {
                diags.report(&field(path, "type"), || unknown("question type", s, KINDS));
                return None;
            }
        },
        Some(other) => {
            diags.report(&field(path, "type"), || {
                format!("expected a string, found {}", other.kind())
            });
            return None;
        }
        None => {
            diags.report(path, || "missing field \"type\"");
            return None;
        }
    };
    match get(map, "text") {
        Some(v) => localized(v, &field(path, "text"), diags),
        None => diags.report(path, || {
            "missing field \"text\" (the question, as the visitor reads it)"
        }),
    }
    let only = |key: &str, allowed: bool, what: &'static str, diags: &mut Diagnostics| {
        if get(map, key).is_some() && !allowed {
            diags.report(&field(path, key), || format!("only {what} have \"{key}\""));
        }
    };
    let scale = kind.scale().is_some();
    only("low", scale, "rating questions (nps, csat, ces)", diags);
    only("high", scale, "rating questions (nps, csat, ces)", diags);
    only("style", kind == Kind::Csat, "csat questions", diags);
    only("placeholder", kind == Kind::Text, "text questions", diags);
    only("keepText", kind == Kind::Text, "text questions", diags);
    let choice = matches!(kind, Kind::Single | Kind::Multiple);
    only(
        "options",
        choice,
        "choice questions (single, multiple)",
        diags,
    );
    for key in ["low", "high", "placeholder"] {
        if let Some(v) = get(map, key) {
            localized(v, &field(path, key), diags);
        }
    }
    if let Some(v) = get(map, "style") {
        if !matches!(v.as_str(), Some("number" | "emoji")) {
            diags.report(&field(path, "style"), || {
                format!("expected \"number\" or \"emoji\", found {}", v.to_json())
            });
        }
    }
    boolean(map, "required", kind != Kind::Text, path, diags);
    boolean(map, "keepText", false, path, diags);
    let mut options = Vec::new();
    if choice {
        let at = field(path, "options");
        let items = bounded_list(get(map, "options"), &at, MAX_OPTIONS, "options", diags);
        if items.len() < 2 {
            diags.report(&at, || "a choice question has at least two options");
        }
        for (i, item) in items.iter().enumerate() {
            let here = index(&at, i);
            let Some(option) = object(item, &here, &["value", "label"], diags) else {
                continue;
            };
            match get(option, "value") {
                Some(v) => {
                    if let Some(value) = identifier(v, &field(&here, "value"), diags) {
                        if options.contains(&value) {
                            diags.report(&field(&here, "value"), || {
                                format!("another option has the value \"{value}\"")
                            });
                        }
                        options.push(value);
                    }
                }
                None => diags.report(&here, || "missing field \"value\""),
            }
            match get(option, "label") {
                Some(v) => localized(v, &field(&here, "label"), diags),
                None => diags.report(&here, || "missing field \"label\""),
            }
        }
    }
    let at = field(path, "next");
    let mut next = Vec::new();
    for (i, item) in bounded_list(get(map, "next"), &at, MAX_OPTIONS, "branches", diags)
        .iter()
        .enumerate()
    {
        let here = index(&at, i);
        let Some(branch) = object(item, &here, &["answer", "goto"], diags) else {
            continue;
        };
        let answers = match get(branch, "answer") {
            None => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(v) => vec![v.clone()],
        };
        match get(branch, "goto").and_then(|v| string(v, &field(&here, "goto"), 64, diags)) {
            Some(goto) => next.push((answers, goto)),
            None if get(branch, "goto").is_none() => diags.report(&here, || {
                "missing field \"goto\" (a later question's id or \"end\")"
            }),
            None => {}
        }
    }
    Some((
        Question {
            id: id?,
            kind,
            options,
        },
        next,
    ))
}

/// A text as the visitor reads it: one string, or one per language.
fn localized(value: &Value, path: &Path, diags: &mut Diagnostics) {
    translated(Some(value), path, diags);
    if value.as_object().is_some_and(|m| m.is_empty()) {
        diags.report(path, || "expected at least one language");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
