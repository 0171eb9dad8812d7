//! Pop-ups: the `popup` action, the config's `prompts` section, and what keeps a
//! matching pop-up back so the visitor is never pestered.
//!
//! A rule with a `popup` action is targeted, triggered and capped like any rule
//! (`when`, segments, `trigger`, `frequency`, `schedule`, `holdout`); on top of that
//! every pop-up shares one **cooldown** (after any was shown, no pop-up shows for
//! `prompts.cooldownDays`, 7 by default), waits while another is showing, may be
//! **sampled** (a stable hash of the visitor id), and follows its **recontact** rule
//! (`untilDismissed` by default: a dismissed pop-up is not shown to that visitor
//! again; `once`; or `{"everyDays": n}`). What was shown and dismissed is the
//! `History`, stored with the experiments' data (frequency counts, assignments), so
//! it follows that category's consent; without it, it lives for the page view.
//!
//! The engine only decides; the markup is sanitized by the shell and shown by the
//! on-demand UI part (`js/prompt-ui.js`).

use super::codec;
use super::diagnostic::{field, unknown, Diagnostics, Path};
use super::reader::{boolean, get, object, string, MAX_ID_LEN};
use super::value::{truncate, Map, Value};

const DAY_MS: f64 = 86_400_000.0;
pub const DEFAULT_COOLDOWN_DAYS: f64 = 7.0;
/// Pop-ups remembered per visitor (the least recently shown are forgotten first).
pub const MAX_SEEN: usize = 50;
pub const MAX_LABEL_LEN: usize = 200;

/// Where a pop-up appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// A native modal `<dialog>`: focus moves in and comes back, the page is inert,
    /// Escape closes it.
    Modal,
    /// A non-modal box in a corner, announced through a polite live region.
    Corner,
    /// A non-modal bar across the bottom, announced the same way.
    Banner,
    /// In the page, inside the element `selector` matches.
    Inline,
}

pub(crate) const DISPLAYS: &[&str] = &["modal", "corner", "banner", "inline"];

impl Display {
    pub fn name(self) -> &'static str {
        DISPLAYS[self as usize]
    }
}

/// When a pop-up already shown may be shown again (cooldown and caps still apply).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Recontact {
    /// Never again once shown.
    Once,
    /// Again (on a later page view) until the visitor closes it.
    UntilDismissed,
    /// Again this many days after it was last shown, closed or not.
    EveryDays(f64),
}

pub(crate) const RECONTACTS: &[&str] = &["once", "untilDismissed"];

#[derive(Debug, Clone, PartialEq)]
pub struct Popup {
    pub display: Display,
    /// Sanitized markup (templates allowed), rendered when the pop-up is shown.
    pub html: String,
    /// The accessible name of the dialog or region (and what the live region says).
    pub label: String,
    /// The close button's accessible name; empty: the UI's own, in the page's language.
    pub close_label: String,
    pub recontact: Recontact,
    /// Share of visitors who may see it, by a stable hash of the visitor id (1: all).
    pub sample: f64,
    /// Visible time on the page before it may show (the `dwell` collector's clock).
    pub min_time_ms: f64,
    /// Inside a shadow root (the page's styles do not reach it), or in the page.
    pub shadow: bool,
}

pub(crate) const POPUP_FIELDS: &[&str] = &[
    "op",
    "selector",
    "match",
    "display",
    "html",
    "label",
    "closeLabel",
    "recontact",
    "sample",
    "minTimeOnPage",
    "shadow",
];

/// Reads a `popup` action's own fields; the action parser checked `op` and the
/// field names and read the required `html` (its template checked) and `label`.
/// `selector` is required only for `inline`.
pub fn parse_popup(
    map: &Map,
    selector: &str,
    html: String,
    label: String,
    path: &Path,
    diags: &mut Diagnostics,
) -> Popup {
    let display = match get(map, "display") {
        None => Display::Modal,
        Some(Value::String(s)) => match DISPLAYS.iter().position(|d| d == s) {
            Some(0) => Display::Modal,
            Some(1) => Display::Corner,
            Some(2) => Display::Banner,
            Some(_) => Display::Inline,
            None => {
                diags.report(&field(path, "display"), || unknown("display", s, DISPLAYS));
                Display::Modal
            }
        },
        Some(other) => {
            diags.report(&field(path, "display"), || {
                format!("expected a string, found {}", other.kind())
            });
            Display::Modal
        }
    };
    if display == Display::Inline && selector.is_empty() {
        diags.report(path, || {
            "missing field \"selector\" (required by display \"inline\")"
        });
    }
    if display != Display::Inline && !selector.is_empty() {
        diags.report(&field(path, "selector"), || {
            "only an \"inline\" pop-up has a selector (the others are placed by vitrine)"
        });
    }
    if label.trim().is_empty() {
        diags.report(&field(path, "label"), || {
            "must not be empty: it is the name a screen reader announces"
        });
    }
    let close_label = get(map, "closeLabel")
        .and_then(|v| string(v, &field(path, "closeLabel"), MAX_LABEL_LEN, diags))
        .unwrap_or_default();
    let recontact = match get(map, "recontact") {
        None => Recontact::UntilDismissed,
        Some(v) => recontact(v, &field(path, "recontact"), diags),
    };
    let mut number =
        |key: &str, default: f64, ok: fn(f64) -> bool, range: &'static str| match get(map, key) {
            None => default,
            Some(Value::Number(n)) if ok(*n) => *n,
            Some(other) => {
                diags.report(&field(path, key), || {
                    format!("must be {range}, found {}", other.to_json())
                });
                default
            }
        };
    let sample = number(
        "sample",
        1.0,
        |n| n > 0.0 && n <= 1.0,
        "a number above 0 and at most 1 (a share of visitors)",
    );
    let min_time_ms = number(
        "minTimeOnPage",
        0.0,
        |n| (0.0..=3_600_000.0).contains(&n),
        "a number of milliseconds from 0 to 3600000",
    );
    let shadow = boolean(map, "shadow", true, path, diags);
    Popup {
        display,
        html,
        label,
        close_label,
        recontact,
        sample,
        min_time_ms,
        shadow,
    }
}

fn recontact(value: &Value, path: &Path, diags: &mut Diagnostics) -> Recontact {
    match value {
        Value::String(s) if s == "once" => Recontact::Once,
        Value::String(s) if s == "untilDismissed" => Recontact::UntilDismissed,
        Value::String(s) => {
            diags.report(path, || unknown("recontact", s, RECONTACTS));
            Recontact::UntilDismissed
        }
        Value::Object(_) => {
            let Some(map) = object(value, path, &["everyDays"], diags) else {
                return Recontact::UntilDismissed;
            };
            match get(map, "everyDays") {
                Some(Value::Number(n)) if *n >= 1.0 && *n <= 3650.0 && n.fract() == 0.0 => {
                    Recontact::EveryDays(*n)
                }
                other => {
                    diags.report(&field(path, "everyDays"), || {
                        format!(
                            "expected a whole number of days from 1 to 3650, found {}",
                            other.map_or("nothing".into(), Value::to_json)
                        )
                    });
                    Recontact::UntilDismissed
                }
            }
        }
        other => {
            diags.report(path, || {
                format!(
                    "expected \"once\", \"untilDismissed\" or {{\"everyDays\": n}}, found {}",
                    other.to_json()
                )
            });
            Recontact::UntilDismissed
        }
    }
}

/// The `prompts` section: what every pop-up shares.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// After any pop-up was shown, no pop-up shows for this long (0: no cooldown).
    pub cooldown_ms: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cooldown_ms: DEFAULT_COOLDOWN_DAYS * DAY_MS,
        }
    }
}

pub(crate) const SETTINGS_FIELDS: &[&str] = &["cooldownDays"];

pub fn parse_settings(value: &Value, path: &Path, diags: &mut Diagnostics) -> Settings {
    let Some(map) = object(value, path, SETTINGS_FIELDS, diags) else {
        return Settings::default();
    };
    match get(map, "cooldownDays") {
        None => Settings::default(),
        Some(Value::Number(n)) if *n >= 0.0 && *n <= 365.0 => Settings {
            cooldown_ms: n * DAY_MS,
        },
        Some(other) => {
            diags.report(&field(path, "cooldownDays"), || {
                format!(
                    "must be a number of days from 0 to 365, found {}",
                    other.to_json()
                )
            });
            Settings::default()
        }
    }
}

/// What this visitor was shown: the time of the last pop-up and, per pop-up, when
/// it was last shown and whether it was closed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub last_ms: Option<f64>,
    /// Least recently shown first.
    pub seen: Vec<Seen>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub id: String,
    pub shown_ms: f64,
    pub dismissed: bool,
}

impl History {
    pub fn is_empty(&self) -> bool {
        self.last_ms.is_none() && self.seen.is_empty()
    }

    fn get(&self, id: &str) -> Option<&Seen> {
        self.seen.iter().find(|s| s.id == id)
    }

    /// Pop-up `id` starts showing now.
    pub fn shown(&mut self, id: &str, now_ms: f64) {
        self.last_ms = Some(now_ms);
        self.seen.retain(|s| s.id != id);
        if self.seen.len() >= MAX_SEEN {
            self.seen.remove(0);
        }
        self.seen.push(Seen {
            id: truncate(id, MAX_ID_LEN),
            shown_ms: now_ms,
            dismissed: false,
        });
    }

    /// The visitor closed pop-up `id`.
    pub fn dismissed(&mut self, id: &str) {
        if let Some(s) = self.seen.iter_mut().find(|s| s.id == id) {
            s.dismissed = true;
        }
    }

    /// `{last, seen: {id: [shown_ms, dismissed]}}`.
    pub fn to_value(&self) -> Value {
        let seen = self.seen.iter().map(|s| {
            (
                s.id.clone(),
                Value::Array(vec![Value::Number(s.shown_ms), Value::Bool(s.dismissed)]),
            )
        });
        let mut map = Vec::new();
        if let Some(last) = self.last_ms {
            map.push(("last".to_owned(), Value::Number(last)));
        }
        map.push(("seen".to_owned(), Value::Object(seen.collect())));
        Value::Object(map)
    }

    /// Reads what `to_value` wrote; anything else is refused with the field.
    pub fn from_value(value: &Value) -> Result<History, String> {
        let map = codec::object(value, "prompts")?;
        let last_ms = match codec::field(map, "last") {
            None => None,
            Some(_) => Some(codec::number(map, "last", 0.0)?),
        };
        let mut seen = Vec::new();
        if let Some(v) = codec::field(map, "seen") {
            for (id, entry) in codec::object(v, "prompts.seen")? {
                match entry.as_array() {
                    Some([Value::Number(at), Value::Bool(dismissed)]) if at.is_finite() => seen
                        .push(Seen {
                            id: truncate(id, MAX_ID_LEN),
                            shown_ms: *at,
                            dismissed: *dismissed,
                        }),
                    _ => return Err(format!("\"prompts.seen.{id}\" must be [time, dismissed]")),
                }
            }
        }
        let skip = seen.len().saturating_sub(MAX_SEEN);
        seen.drain(..skip);
        Ok(History { last_ms, seen })
    }
}

/// Why a matching pop-up does not show (a `decide::Reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Another pop-up was shown within the shared cooldown.
    Cooldown,
    /// Already shown, and its recontact rule does not show it again yet.
    AlreadyShown,
    /// The visitor closed it.
    Dismissed,
    /// The visitor is outside its sample.
    NotSampled,
    /// Another pop-up is showing.
    AnotherPrompt,
    /// Its minimum time on the page has not passed.
    TooEarly,
}

impl Hold {
    pub fn describe(self) -> &'static str {
        match self {
            Hold::Cooldown => "another pop-up was shown within the cooldown",
            Hold::AlreadyShown => "pop-up already shown (recontact)",
            Hold::Dismissed => "pop-up closed by the visitor",
            Hold::NotSampled => "visitor outside the pop-up's sample",
            Hold::AnotherPrompt => "waiting for the pop-up showing to close",
            Hold::TooEarly => "waiting for its minimum time on the page",
        }
    }
}

/// What the gate of one pop-up looks at.
pub struct Context<'a> {
    pub history: &'a History,
    pub settings: &'a Settings,
    pub now_ms: f64,
    /// Visible time on this page so far.
    pub dwell_ms: f64,
    pub visitor_id: Option<&'a str>,
    /// Pop-ups closed in this page view (never shown again in it).
    pub closed: &'a [String],
    /// Another pop-up is showing right now.
    pub another_showing: bool,
}

/// Why pop-up `id`, whose rule matches and is not showing, must wait; `None`
/// when it may show now.
pub fn held(id: &str, popup: &Popup, cx: &Context) -> Option<Hold> {
    if cx.closed.iter().any(|c| c == id) {
        return Some(Hold::Dismissed);
    }
    if let Some(seen) = cx.history.get(id) {
        let again = match popup.recontact {
            Recontact::Once => false,
            Recontact::UntilDismissed => !seen.dismissed,
            Recontact::EveryDays(days) => cx.now_ms - seen.shown_ms >= days * DAY_MS,
        };
        if !again {
            return Some(if seen.dismissed {
                Hold::Dismissed
            } else {
                Hold::AlreadyShown
            });
        }
    }
    if popup.sample < 1.0 && !sampled(id, cx.visitor_id, popup.sample) {
        return Some(Hold::NotSampled);
    }
    if cx.another_showing {
        return Some(Hold::AnotherPrompt);
    }
    if cx
        .history
        .last_ms
        .is_some_and(|last| cx.now_ms - last < cx.settings.cooldown_ms)
    {
        return Some(Hold::Cooldown);
    }
    if cx.dwell_ms < popup.min_time_ms {
        return Some(Hold::TooEarly);
    }
    None
}

/// In the sample: the same visitor always gets the same answer for a pop-up. No
/// visitor id (its consent is not granted): not sampled.
fn sampled(id: &str, visitor_id: Option<&str>, share: f64) -> bool {
    visitor_id.is_some_and(|v| {
        let seed = [id, ":sample"].concat();
        super::bucket::hash(&seed, v, 2).is_some_and(|n| n < share)
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
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
        let (_, errors) =
            popup(r#"{"op": "popup", "html": "x", "label": "l", "display": "inline"}"#);
        assert_eq!(
            errors,
            ["missing field \"selector\" (required by display \"inline\")"]
        );
        let (_, errors) =
            popup(r##"{"op": "popup", "html": "x", "label": "l", "selector": "#a"}"##);
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
        let (late, _) =
            popup(r#"{"op": "popup", "html": "x", "label": "l", "minTimeOnPage": 10000}"#);
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
}
