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
    /// A survey: again (on a later page view) until the visitor answers a question.
    UntilAnswered,
}

pub(crate) const RECONTACTS: &[&str] = &["once", "untilDismissed", "untilAnswered"];

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
    /// A survey's questions (the `survey` action); its `html` is an optional intro.
    pub survey: Option<super::survey::Survey>,
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

/// A `survey` action's fields: a pop-up's and the survey's own.
pub(crate) const SURVEY_ACTION_FIELDS: &[&str] = &[
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
    "survey",
    "questions",
    "thanks",
];

/// Reads a `popup` or `survey` action's own fields; the action parser checked `op`
/// and the field names and read `html` (its template checked; required by a
/// pop-up) and the required `label`. `selector` is required only for `inline`. A
/// survey recontacts `once` by default, every 90 days when it asks an NPS question.
pub fn parse_popup(
    map: &Map,
    selector: &str,
    html: String,
    label: String,
    survey: Option<super::survey::Survey>,
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
    let recontact = match (get(map, "recontact"), &survey) {
        (None, None) => Recontact::UntilDismissed,
        (None, Some(s)) if s.has_nps() => Recontact::EveryDays(90.0),
        (None, Some(_)) => Recontact::Once,
        (Some(v), _) => recontact(v, &field(path, "recontact"), diags),
    };
    if recontact == Recontact::UntilAnswered && survey.is_none() {
        diags.report(&field(path, "recontact"), || {
            "only a survey has \"untilAnswered\" (a pop-up: \"untilDismissed\")"
        });
    }
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
        survey,
    }
}

fn recontact(value: &Value, path: &Path, diags: &mut Diagnostics) -> Recontact {
    match value {
        Value::String(s) if s == "once" => Recontact::Once,
        Value::String(s) if s == "untilDismissed" => Recontact::UntilDismissed,
        Value::String(s) if s == "untilAnswered" => Recontact::UntilAnswered,
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
                    "expected \"once\", \"untilDismissed\", \"untilAnswered\" or {{\"everyDays\": n}}, found {}",
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
    /// A survey the visitor answered (at least one question).
    pub answered: bool,
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
            answered: false,
        });
    }

    /// The visitor answered a question of survey `id`.
    pub fn answered(&mut self, id: &str) {
        if let Some(s) = self.seen.iter_mut().find(|s| s.id == id) {
            s.answered = true;
        }
    }

    /// The visitor closed pop-up `id`.
    pub fn dismissed(&mut self, id: &str) {
        if let Some(s) = self.seen.iter_mut().find(|s| s.id == id) {
            s.dismissed = true;
        }
    }

    /// `{last, seen: {id: [shown_ms, dismissed, answered?]}}` (`answered` only
    /// when true, so what pop-ups wrote before surveys existed reads the same).
    pub fn to_value(&self) -> Value {
        let seen = self.seen.iter().map(|s| {
            let mut entry = vec![Value::Number(s.shown_ms), Value::Bool(s.dismissed)];
            if s.answered {
                entry.push(Value::Bool(true));
            }
            (s.id.clone(), Value::Array(entry))
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
                let (at, dismissed, answered) = match entry.as_array() {
                    Some([Value::Number(at), Value::Bool(d)]) => (*at, *d, false),
                    Some([Value::Number(at), Value::Bool(d), Value::Bool(a)]) => (*at, *d, *a),
                    _ => return Err(format!("\"prompts.seen.{id}\" must be [time, dismissed]")),
                };
                if !at.is_finite() {
                    return Err(format!("\"prompts.seen.{id}\" must be [time, dismissed]"));
                }
                seen.push(Seen {
                    id: truncate(id, MAX_ID_LEN),
                    shown_ms: at,
                    dismissed,
                    answered,
                });
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
    /// A survey whose answers' category (`signals.feedback`) is not granted: it
    /// is not asked when its answers could not be kept.
    NoFeedbackConsent,
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
            Hold::NoFeedbackConsent => "the survey answers' consent category is not granted",
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
            Recontact::UntilAnswered => !seen.answered,
            Recontact::EveryDays(days) => cx.now_ms - seen.shown_ms >= days * DAY_MS,
        };
        if !again {
            return Some(if seen.dismissed && !seen.answered {
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
mod tests;
