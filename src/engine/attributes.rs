//! The attribute document conditions read, built from the profile, the page
//! context, the consent state and the page's own state: a pure function (as
//! GrowthBook keeps `core.ts` beside `GrowthBook.ts`), so what a condition sees is
//! testable without an engine. See docs/config.md ("Attributes") for every path.

use super::config::Config;
use super::consent::ConsentState;
use super::gates::PageState;
use super::profile::Profile;
use super::signal::Context;
use super::value::{object, Value};

/// Lays `over` onto the document: objects merged key by key, anything else
/// replaced (the editor's simulated attributes, `{"cart": {"total": 180}}`).
pub fn overlay(document: &mut Value, over: &Value) {
    match (document, over) {
        (Value::Object(map), Value::Object(entries)) => {
            for (key, value) in entries {
                match map.iter_mut().find(|(k, _)| k == key) {
                    Some((_, slot)) => overlay(slot, value),
                    None => map.push((key.clone(), value.clone())),
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// Everything the attributes are made of.
pub struct Sources<'a> {
    pub config: &'a Config,
    pub profile: &'a Profile,
    pub context: &'a Context,
    pub consent: &'a ConsentState,
    pub page: &'a PageState,
    pub cart_abandoned: bool,
    pub now_ms: f64,
    /// The editor's simulated attributes, laid over the rest (null: none).
    pub simulated: &'a Value,
}

/// The attribute document: context, visitor, clicks, cart, dwell, events,
/// affinity, customer and traits, engagement, consent, experiments, `predict`
/// (when the config has models) and `segments`.
pub fn build(s: &Sources) -> Value {
    let p = s.profile;
    let counters = super::codec::counters_value;
    let visitor = match &p.visitor {
        Some(v) => {
            let day = 86_400_000.0;
            let since = |t: f64| ((s.now_ms - t) / day).floor().max(0.0);
            object(vec![
                ("visits", Value::Number(f64::from(v.visits))),
                ("sessions", Value::Number(f64::from(v.sessions))),
                ("returning", Value::Bool(v.visits > 1)),
                ("days_since_first", Value::Number(since(v.first_seen_ms))),
                (
                    "days_since_last",
                    v.previous_session_ms
                        .map(|t| Value::Number(since(t)))
                        .unwrap_or(Value::Null),
                ),
            ])
        }
        None => object(Vec::new()),
    };
    let items = super::profile::CartItem::list_value(p.cart_items());
    let consent = super::consent::state_value(s.consent);
    let mut dwell = vec![
        ("page_ms".to_owned(), Value::Number(s.page.dwell_ms.round())),
        (
            "total_ms".to_owned(),
            Value::Number(p.dwell.as_ref().map_or(0.0, |d| d.total_ms.round())),
        ),
    ];
    for (key, ms) in p.dwell.iter().flat_map(|d| &d.elements) {
        dwell.push((format!("{key}_ms"), Value::Number(ms.round())));
    }
    let event_props = p
        .event_props
        .iter()
        .map(|(e, props)| (e.clone(), Value::Object(props.clone())));
    let customer = object(vec![
        (
            "id",
            p.identity
                .as_ref()
                .map_or(Value::Null, |i| Value::from(i.id.as_str())),
        ),
        ("known", Value::Bool(p.identity.is_some())),
    ]);
    let traits = p
        .identity
        .as_ref()
        .map_or_else(Vec::new, |i| i.traits.clone());
    let mut doc = context_document(s.context);
    doc.extend([
        ("visitor".to_owned(), visitor),
        ("clicks".to_owned(), counters(&p.clicks)),
        (
            "cart".to_owned(),
            object(vec![
                ("count", Value::Number(f64::from(p.cart_count()))),
                ("total", Value::Number(p.cart_total())),
                ("items", items),
                ("currency", Value::from("BRL")),
                ("abandoned", Value::Bool(s.cart_abandoned)),
            ]),
        ),
        ("dwell".to_owned(), Value::Object(dwell)),
        ("events".to_owned(), counters(&p.events)),
        (
            "search".to_owned(),
            super::search::Search::attributes(p.search.as_ref()),
        ),
        (
            "feedback".to_owned(),
            super::feedback::Feedback::attributes(p.feedback.as_ref()),
        ),
        (
            "event_props".to_owned(),
            Value::Object(event_props.collect()),
        ),
        (
            "affinity".to_owned(),
            p.affinity
                .attributes(s.now_ms, s.config.tracking.half_life_days),
        ),
        ("customer".to_owned(), customer),
        ("traits".to_owned(), Value::Object(traits)),
        (
            "scroll".to_owned(),
            object(vec![("max_pct", Value::Number(s.page.scroll_pct))]),
        ),
        (
            "idle".to_owned(),
            object(vec![("ms", Value::Number(s.page.idle_ms))]),
        ),
        (
            "exit".to_owned(),
            object(vec![("intent", Value::Bool(s.page.exit))]),
        ),
        ("consent".to_owned(), consent),
        (
            "experiments".to_owned(),
            Value::Object(
                p.assignments
                    .iter()
                    .map(|(e, v)| (e.clone(), Value::from(v.as_str())))
                    .collect(),
            ),
        ),
    ]);
    let mut doc = Value::Object(doc);
    // Simulated values before the models and segments, which then follow them.
    if *s.simulated != Value::Null {
        overlay(&mut doc, s.simulated);
    }
    if !s.config.models.is_empty() {
        let predict = super::model::predictions(&s.config.models, &doc);
        if let Value::Object(fields) = &mut doc {
            fields.push(("predict".to_owned(), predict));
        }
    }
    super::segment::evaluate(&s.config.segments, &mut doc);
    doc
}

/// The attributes of the page context alone: `page`, `utm`, `channel`, `time`,
/// `device` (what the first swap knows before the runtime arrives).
pub fn context_document(context: &Context) -> Vec<(String, Value)> {
    let mut doc: Vec<(String, Value)> = context
        .attributes()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    // The channel is classified from the context (after `utm`, as documented).
    let at = doc
        .iter()
        .position(|(k, _)| k == "utm")
        .map_or(doc.len(), |i| i + 1);
    let channel = Value::from(super::channel::classify(context));
    doc.insert(at, ("channel".to_owned(), channel));
    doc
}
