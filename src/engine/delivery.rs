//! The `goals` and `destinations` sections: what counts as a conversion, and where
//! exposures and conversions go (the site's own pipeline: GTM's dataLayer, gtag,
//! Segment/RudderStack, PostHog, or a beacon URL of the site's collector).
//!
//! The engine only reads and checks them here, so `validateConfig`, the CLI and
//! `start` refuse a bad one with its path. Delivering is I/O and lives in the
//! delivery part (js/delivery.js), loaded only by a config that has destinations:
//! it reads the accepted sections as `to_value` writes them (defaults filled in),
//! never the raw config.

use super::diagnostic::{field, index, unknown, Diagnostics, Path};
use super::reader::{
    bounded_list, consent_list_or, get, identifier, object, required_id, string, MAX_SELECTOR_LEN,
};
use super::value::{object as value_object, Value};

pub const MAX_GOALS: usize = 50;
pub const MAX_DESTINATIONS: usize = 10;
pub const MAX_URL_LEN: usize = 2048;
/// A goal on dwell needs at least this long in view, and at most an hour.
pub const MAX_DWELL_MS: f64 = 3_600_000.0;
pub const BATCH_SIZE: f64 = 20.0;
pub const FLUSH_MS: f64 = 5_000.0;
/// Destinations send only while their categories are granted; by default the
/// analytics category, as exposures on the dataLayer.
pub const DEFAULT_CATEGORY: &str = "analytics";

pub(crate) const GOAL_FIELDS: &[&str] = &["id", "event", "click", "page", "dwell"];
pub(crate) const GOAL_KINDS: &[&str] = &["event", "click", "page", "dwell"];
pub(crate) const DWELL_FIELDS: &[&str] = &["selector", "ms"];
pub(crate) const DESTINATION_FIELDS: &[&str] = &[
    "type",
    "consent",
    "url",
    "crossOrigin",
    "batchSize",
    "flushMs",
];
pub(crate) const DESTINATION_TYPES: &[&str] = &[
    "dataLayer",
    "gtag",
    "segment",
    "rudderstack",
    "posthog",
    "beacon",
];

#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// A `track()` name or a dataLayer event (`purchase`: revenue from `value`).
    Event(String),
    /// A click on (or inside) an element matching the selector.
    Click(String),
    /// A page view whose path and query match the regular expression.
    Page(String),
    /// An element in view for this long, in one page view.
    Dwell { selector: String, ms: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    pub id: String,
    pub trigger: Trigger,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    pub kind: String,
    pub consent: Vec<String>,
    /// The beacon's URL (relative to the page, or absolute).
    pub url: Option<String>,
    pub cross_origin: bool,
    pub batch_size: f64,
    pub flush_ms: f64,
}

pub fn parse_goals(value: Option<&Value>, diags: &mut Diagnostics) -> Vec<Goal> {
    let root = Path::Text("goals");
    let mut goals: Vec<Goal> = Vec::new();
    for (i, item) in bounded_list(value, &root, MAX_GOALS, "goals", diags)
        .iter()
        .enumerate()
    {
        let path = index(&root, i);
        let Some(map) = object(item, &path, GOAL_FIELDS, diags) else {
            continue;
        };
        let id = required_id(map, &path, diags);
        let kinds: Vec<&str> = GOAL_KINDS
            .iter()
            .copied()
            .filter(|k| get(map, k).is_some())
            .collect();
        if kinds.len() != 1 {
            diags.report(&path, || {
                "needs exactly one of \"event\", \"click\", \"page\", \"dwell\""
            });
            continue;
        }
        let here = field(&path, kinds[0]);
        let given = get(map, kinds[0]).unwrap_or(&Value::Null);
        let trigger = match kinds[0] {
            "event" => identifier(given, &here, diags).map(Trigger::Event),
            "click" => selector(given, &here, diags).map(Trigger::Click),
            "page" => string(given, &here, MAX_SELECTOR_LEN, diags).and_then(|pattern| {
                match (super::host::get().compile_regex)(&pattern, false) {
                    Ok(_) => Some(Trigger::Page(pattern)),
                    Err(_) => {
                        diags.report(&here, || "invalid regular expression");
                        None
                    }
                }
            }),
            _ => dwell(given, &here, diags),
        };
        let (Some(id), Some(trigger)) = (id, trigger) else {
            continue;
        };
        if goals.iter().any(|g| g.id == id) {
            diags.report(&field(&path, "id"), || {
                format!("duplicate goal id \"{id}\"")
            });
            continue;
        }
        goals.push(Goal { id, trigger });
    }
    goals
}

fn selector(value: &Value, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    let s = string(value, path, MAX_SELECTOR_LEN, diags)?;
    if s.trim().is_empty() {
        diags.report(path, || "empty selector");
        return None;
    }
    Some(s)
}

fn dwell(value: &Value, path: &Path, diags: &mut Diagnostics) -> Option<Trigger> {
    let map = object(value, path, DWELL_FIELDS, diags)?;
    let selector = match get(map, "selector") {
        Some(v) => selector(v, &field(path, "selector"), diags),
        None => {
            diags.report(path, || "missing field \"selector\"");
            None
        }
    };
    let ms = match get(map, "ms") {
        Some(Value::Number(n)) if *n >= 1.0 && *n <= MAX_DWELL_MS => Some(*n),
        Some(other) => {
            diags.report(&field(path, "ms"), || {
                format!(
                    "expected milliseconds from 1 to 3600000, found {}",
                    other.to_json()
                )
            });
            None
        }
        None => {
            diags.report(path, || "missing field \"ms\"");
            None
        }
    };
    Some(Trigger::Dwell {
        selector: selector?,
        ms: ms?,
    })
}

pub fn parse_destinations(
    value: Option<&Value>,
    known: &[&str],
    diags: &mut Diagnostics,
) -> Vec<Destination> {
    let root = Path::Text("destinations");
    let mut list = Vec::new();
    for (i, item) in bounded_list(value, &root, MAX_DESTINATIONS, "destinations", diags)
        .iter()
        .enumerate()
    {
        let path = index(&root, i);
        let Some(map) = object(item, &path, DESTINATION_FIELDS, diags) else {
            continue;
        };
        let kind = match get(map, "type") {
            Some(Value::String(t)) if DESTINATION_TYPES.contains(&t.as_str()) => t.clone(),
            Some(Value::String(t)) => {
                diags.report(&field(&path, "type"), || {
                    unknown("destination type", t, DESTINATION_TYPES)
                });
                continue;
            }
            Some(other) => {
                diags.report(&field(&path, "type"), || {
                    format!("expected a string, found {}", other.kind())
                });
                continue;
            }
            None => {
                diags.report(&path, || "missing field \"type\"");
                continue;
            }
        };
        let consent = categories(map, &path, known, diags);
        let is_beacon = kind == "beacon";
        let url = match (get(map, "url"), is_beacon) {
            (Some(v), true) => site_url(v, &field(&path, "url"), diags),
            (None, true) => {
                diags.report(&path, || "a beacon needs \"url\" (the site's collector)");
                None
            }
            (_, false) if has_beacon_field(map) => {
                diags.report(&path, || {
                    "\"url\", \"crossOrigin\", \"batchSize\" and \"flushMs\" are a beacon's fields"
                });
                None
            }
            _ => None,
        };
        let cross_origin = super::reader::boolean(map, "crossOrigin", false, &path, diags);
        let batch_size = whole(map, "batchSize", 1.0, 100.0, BATCH_SIZE, &path, diags);
        let flush_ms = whole(map, "flushMs", 100.0, 60_000.0, FLUSH_MS, &path, diags);
        if is_beacon && url.is_none() {
            continue;
        }
        list.push(Destination {
            kind,
            consent,
            url,
            cross_origin,
            batch_size,
            flush_ms,
        });
    }
    list
}

fn has_beacon_field(map: &super::value::Map) -> bool {
    ["url", "crossOrigin", "batchSize", "flushMs"]
        .iter()
        .any(|k| get(map, k).is_some())
}

/// `consent`: one category or a list, absent meaning `analytics`; never an empty
/// list (a destination always needs consent).
fn categories(
    map: &super::value::Map,
    path: &Path,
    known: &[&str],
    diags: &mut Diagnostics,
) -> Vec<String> {
    if matches!(get(map, "consent"), Some(Value::Array(items)) if items.is_empty()) {
        diags.report(&field(path, "consent"), || {
            "name at least one category (a destination always needs consent)"
        });
        return Vec::new();
    }
    consent_list_or(map, path, known, DEFAULT_CATEGORY, diags)
}

/// A path on the page's origin (`/collect`) or an absolute http(s) URL; never a
/// `javascript:` or `data:` one. (For a beacon, whether an absolute one is the
/// page's origin is known only on the page: another origin also needs `crossOrigin`.)
pub(crate) fn site_url(value: &Value, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    let url = string(value, path, MAX_URL_LEN, diags)?;
    let lower = url.to_ascii_lowercase();
    let relative = url.starts_with('/') && !url.starts_with("//");
    if relative || lower.starts_with("https://") || lower.starts_with("http://") {
        return Some(url);
    }
    diags.report(path, || {
        "expected a path on this site (\"/collect\") or an http(s) URL"
    });
    None
}

fn whole(
    map: &super::value::Map,
    key: &str,
    min: f64,
    max: f64,
    default: f64,
    path: &Path,
    diags: &mut Diagnostics,
) -> f64 {
    match get(map, key) {
        None => default,
        Some(Value::Number(n)) if n.fract() == 0.0 && *n >= min && *n <= max => *n,
        Some(other) => {
            diags.report(&field(path, key), || {
                format!(
                    "expected a whole number from {} to {}, found {}",
                    min as u32,
                    max as u32,
                    other.to_json()
                )
            });
            default
        }
    }
}

impl Goal {
    /// The form the delivery part reads.
    pub fn to_value(&self) -> Value {
        let (kind, detail) = match &self.trigger {
            Trigger::Event(name) => ("event", Value::from(name.as_str())),
            Trigger::Click(selector) => ("click", Value::from(selector.as_str())),
            Trigger::Page(pattern) => ("page", Value::from(pattern.as_str())),
            Trigger::Dwell { selector, ms } => (
                "dwell",
                value_object(vec![
                    ("selector", Value::from(selector.as_str())),
                    ("ms", Value::Number(*ms)),
                ]),
            ),
        };
        value_object(vec![("id", Value::from(self.id.as_str())), (kind, detail)])
    }
}

impl Destination {
    /// The form the delivery part reads (defaults filled in).
    pub fn to_value(&self) -> Value {
        let mut fields = vec![
            ("type", Value::from(self.kind.as_str())),
            (
                "consent",
                Value::Array(
                    self.consent
                        .iter()
                        .map(|c| Value::from(c.as_str()))
                        .collect(),
                ),
            ),
        ];
        if let Some(url) = &self.url {
            fields.push(("url", Value::from(url.as_str())));
            fields.push(("crossOrigin", Value::Bool(self.cross_origin)));
            fields.push(("batchSize", Value::Number(self.batch_size)));
            fields.push(("flushMs", Value::Number(self.flush_ms)));
        }
        value_object(fields)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["necessary", "analytics", "marketing", "personalization"];

    fn goals(text: &str) -> (Vec<Goal>, Vec<String>) {
        let mut diags = Diagnostics::default();
        let value = crate::engine::json::parse(text).unwrap();
        let goals = parse_goals(Some(&value), &mut diags);
        (
            goals,
            diags
                .items
                .iter()
                .map(|d| format!("{}: {}", d.path, d.message))
                .collect(),
        )
    }

    fn destinations(text: &str) -> (Vec<Destination>, Vec<String>) {
        let mut diags = Diagnostics::default();
        let value = crate::engine::json::parse(text).unwrap();
        let list = parse_destinations(Some(&value), KNOWN, &mut diags);
        (
            list,
            diags
                .items
                .iter()
                .map(|d| format!("{}: {}", d.path, d.message))
                .collect(),
        )
    }

    #[test]
    fn goals_of_every_kind_are_read() {
        let (list, errors) = goals(
            r##"[{"id": "purchase", "event": "purchase"}, {"id": "cta", "click": "#buy"},
                {"id": "thanks", "page": "^/obrigado"}, {"id": "read", "dwell": {"selector": "article", "ms": 10000}}]"##,
        );
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(list[0].trigger, Trigger::Event("purchase".into()));
        assert_eq!(list[1].trigger, Trigger::Click("#buy".into()));
        assert_eq!(list[2].trigger, Trigger::Page("^/obrigado".into()));
        assert_eq!(
            list[3].trigger,
            Trigger::Dwell {
                selector: "article".into(),
                ms: 10000.0
            }
        );
        assert_eq!(
            list[3].to_value().to_json(),
            r#"{"id":"read","dwell":{"selector":"article","ms":10000}}"#
        );
    }

    #[test]
    fn a_bad_goal_is_refused_with_its_path() {
        let (_, errors) = goals(
            r##"[{"id": "a", "event": "x", "click": "#b"}, {"id": "b", "page": "(unclosed"},
                {"id": "c", "dwell": {"selector": "p", "ms": 0}}, {"id": "a", "event": "y"},
                {"event": "z"}, {"id": "d", "evnt": "z"}]"##,
        );
        assert_eq!(
            errors,
            vec![
                "goals[0]: needs exactly one of \"event\", \"click\", \"page\", \"dwell\"",
                "goals[1].page: invalid regular expression",
                "goals[2].dwell.ms: expected milliseconds from 1 to 3600000, found 0",
                "goals[4]: missing field \"id\"",
                "goals[5].evnt: unknown field \"evnt\" (did you mean \"event\"?)",
                "goals[5]: needs exactly one of \"event\", \"click\", \"page\", \"dwell\"",
            ]
        );
        // goals[3] repeats goals[0]'s id; goals[0] itself was refused, so no duplicate.
        let (_, errors) = goals(r#"[{"id": "a", "event": "x"}, {"id": "a", "event": "y"}]"#);
        assert_eq!(errors, vec!["goals[1].id: duplicate goal id \"a\""]);
    }

    #[test]
    fn destinations_default_to_analytics_and_beacon_batches() {
        let (list, errors) = destinations(
            r#"[{"type": "dataLayer"}, {"type": "beacon", "url": "/collect", "consent": "marketing"},
                {"type": "posthog", "consent": ["analytics", "marketing"]}]"#,
        );
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(list[0].consent, vec!["analytics"]);
        assert_eq!(
            list[1].to_value().to_json(),
            r#"{"type":"beacon","consent":["marketing"],"url":"/collect","crossOrigin":false,"batchSize":20,"flushMs":5000}"#
        );
        assert_eq!(list[2].consent, vec!["analytics", "marketing"]);
    }

    #[test]
    fn a_bad_destination_is_refused_with_its_path() {
        let (list, errors) = destinations(
            r#"[{"type": "mixpanel"}, {"type": "beacon"}, {"type": "beacon", "url": "javascript:alert(1)"},
                {"type": "gtag", "url": "/x"}, {"type": "beacon", "url": "//evil.example/c"},
                {"type": "beacon", "url": "/c", "batchSize": 0.5, "consent": ["analytcs"]}, {"type": "posthog", "consent": []}]"#,
        );
        // A refused entry is dropped; the config as a whole is refused anyway.
        assert_eq!(
            list.iter().map(|d| d.kind.as_str()).collect::<Vec<_>>(),
            ["gtag", "beacon", "posthog"]
        );
        assert_eq!(
            errors,
            vec![
                "destinations[0].type: unknown destination type \"mixpanel\"",
                "destinations[1]: a beacon needs \"url\" (the site's collector)",
                "destinations[2].url: expected a path on this site (\"/collect\") or an http(s) URL",
                "destinations[3]: \"url\", \"crossOrigin\", \"batchSize\" and \"flushMs\" are a beacon's fields",
                "destinations[4].url: expected a path on this site (\"/collect\") or an http(s) URL",
                "destinations[5].consent[0]: unknown consent category \"analytcs\" (did you mean \"analytics\"?)",
                "destinations[5].batchSize: expected a whole number from 1 to 100, found 0.5",
                "destinations[6].consent: name at least one category (a destination always needs consent)",
            ]
        );
    }
}
