//! What holds a matching rule back besides its condition: a `trigger` that must
//! have fired in this page view, a `frequency` cap on how often the visitor sees it,
//! a `schedule` (dates, weekdays, hours in the visitor's local time) and a
//! `holdout` share of visitors who never see it (for measuring its effect).

use super::bucket;
use super::diagnostic::{field, index, unknown, Diagnostics, Path};
use super::reader::{get, object, string};
use super::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// As soon as the condition holds (the default).
    Load,
    /// After `track(name)` (or a tracked event of that name) in this page view.
    Event(String),
    /// After this much visible time on the page.
    Dwell(f64),
    /// After the visitor scrolled this far (percent of the page).
    Scroll(f64),
    /// When the visitor is about to leave (exit intent).
    Exit,
    /// After this long without interaction.
    Idle(f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Per {
    PageView,
    Session,
    Day,
    Visitor,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Frequency {
    pub max: u32,
    pub per: Per,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    pub start_ms: Option<f64>,
    pub end_ms: Option<f64>,
    /// 0 (Sunday) – 6; empty means every day.
    pub weekdays: Vec<u8>,
    /// `[from, to)` local hours; `from > to` wraps midnight.
    pub hours: Option<(u8, u8)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Gates {
    pub trigger: Trigger,
    pub frequency: Option<Frequency>,
    pub schedule: Option<Schedule>,
    pub holdout: f64,
}

impl Default for Gates {
    fn default() -> Self {
        Gates {
            trigger: Trigger::Load,
            frequency: None,
            schedule: None,
            holdout: 0.0,
        }
    }
}

/// What the page has seen so far in this page view, for triggers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageState {
    pub events: Vec<String>,
    pub dwell_ms: f64,
    pub scroll_pct: f64,
    pub exit: bool,
    pub idle_ms: f64,
    /// The cart was abandoned (exit intent or long idle with items in it).
    pub abandoned: bool,
    /// The product this page shows (the last GA4 `view_item`), for recommendations.
    pub viewing: Option<String>,
    /// This page view's search term (URL parameter) was recorded.
    pub searched: bool,
    /// Pop-ups the visitor closed in this page view: never shown again in it.
    pub closed_prompts: Vec<String>,
}

impl Trigger {
    pub fn fired(&self, page: &PageState) -> bool {
        match self {
            Trigger::Load => true,
            Trigger::Event(name) => page.events.iter().any(|e| e == name),
            Trigger::Dwell(ms) => page.dwell_ms >= *ms,
            Trigger::Scroll(pct) => page.scroll_pct >= *pct,
            Trigger::Exit => page.exit,
            Trigger::Idle(ms) => page.idle_ms >= *ms,
        }
    }

    /// The attribute the trigger depends on, for incremental evaluation.
    pub fn reads(&self) -> Option<&'static str> {
        match self {
            Trigger::Load => None,
            Trigger::Event(_) => Some("events"),
            Trigger::Dwell(_) => Some("dwell"),
            Trigger::Scroll(_) => Some("scroll"),
            Trigger::Exit => Some("exit"),
            Trigger::Idle(_) => Some("idle"),
        }
    }
}

impl Schedule {
    /// Whether the rule may apply at `now_ms`, local `hour` and `weekday`.
    pub fn open(&self, now_ms: f64, hour: u8, weekday: u8) -> bool {
        if self.start_ms.is_some_and(|s| now_ms < s) || self.end_ms.is_some_and(|e| now_ms >= e) {
            return false;
        }
        if !self.weekdays.is_empty() && !self.weekdays.contains(&weekday) {
            return false;
        }
        match self.hours {
            Some((from, to)) if from <= to => (from..to).contains(&hour),
            Some((from, to)) => hour >= from || hour < to,
            None => true,
        }
    }
}

/// Whether a visitor is in a rule's holdout: a stable GrowthBook-style hash of
/// the rule id and the visitor id, so the same visitors stay out on every page.
pub fn held_out(rule_id: &str, visitor_id: &str, holdout: f64) -> bool {
    holdout > 0.0
        && bucket::hash(&format!("{rule_id}:holdout"), visitor_id, 2).is_some_and(|n| n < holdout)
}

/// The window a frequency count belongs to; a new window starts a new count.
pub fn window(per: Per, page_views: u32, sessions: u32, now_ms: f64) -> u64 {
    match per {
        Per::PageView => u64::from(page_views),
        Per::Session => u64::from(sessions),
        Per::Day => (now_ms / 86_400_000.0).floor().max(0.0) as u64,
        Per::Visitor => 0,
    }
}

pub(crate) const FREQUENCY_FIELDS: &[&str] = &["max", "per"];
pub(crate) const FREQUENCY_WINDOWS: &[&str] = &["pageview", "session", "day", "visitor"];
pub(crate) const SCHEDULE_FIELDS: &[&str] = &["start", "end", "weekdays", "hours"];
/// `"load"` and `"exit"` are strings; the others one-field objects (`{"dwell": ms}`).
pub(crate) const TRIGGER_KINDS: &[&str] = &["load", "exit", "event", "dwell", "scroll", "idle"];

/// Parses the optional `trigger`, `frequency`, `schedule` and `holdout` of a rule.
pub fn parse(map: &super::value::Map, path: &Path, diags: &mut Diagnostics) -> Gates {
    let mut gates = Gates::default();
    if let Some(v) = get(map, "trigger") {
        gates.trigger = parse_trigger(v, &field(path, "trigger"), diags);
    }
    if let Some(v) = get(map, "frequency") {
        let here = field(path, "frequency");
        if let Some(m) = object(v, &here, FREQUENCY_FIELDS, diags) {
            let max = match get(m, "max") {
                Some(Value::Number(n)) if *n >= 1.0 && n.fract() == 0.0 && *n <= 1e6 => *n as u32,
                Some(other) => {
                    diags.report(&field(&here, "max"), || {
                        format!(
                            "must be a whole number of at least 1, found {}",
                            other.to_json()
                        )
                    });
                    1
                }
                None => {
                    diags.report(&here, || "missing field \"max\"");
                    1
                }
            };
            let per = match get(m, "per").and_then(|p| string(p, &field(&here, "per"), 16, diags)) {
                None => Per::Visitor,
                Some(p) => match p.as_str() {
                    "pageview" => Per::PageView,
                    "session" => Per::Session,
                    "day" => Per::Day,
                    "visitor" => Per::Visitor,
                    other => {
                        diags.report(&field(&here, "per"), || {
                            unknown("frequency window", other, FREQUENCY_WINDOWS)
                        });
                        Per::Visitor
                    }
                },
            };
            gates.frequency = Some(Frequency { max, per });
        }
    }
    if let Some(v) = get(map, "schedule") {
        gates.schedule = parse_schedule(v, &field(path, "schedule"), diags);
    }
    if let Some(v) = get(map, "holdout") {
        match v {
            Value::Number(n) if (0.0..1.0).contains(n) => gates.holdout = *n,
            other => diags.report(&field(path, "holdout"), || {
                format!(
                    "must be a number from 0 to below 1 (a share of visitors), found {}",
                    other.to_json()
                )
            }),
        }
    }
    gates
}

fn number_at_least(v: &Value, path: &Path, min: f64, diags: &mut Diagnostics) -> f64 {
    match v {
        Value::Number(n) if *n >= min && n.is_finite() => *n,
        other => {
            diags.report(path, || {
                format!(
                    "must be a number of at least {}, found {}",
                    Value::Number(min).to_json(),
                    other.to_json()
                )
            });
            min
        }
    }
}

fn parse_trigger(v: &Value, path: &Path, diags: &mut Diagnostics) -> Trigger {
    match v {
        Value::String(s) if s == "load" => Trigger::Load,
        Value::String(s) if s == "exit" => Trigger::Exit,
        Value::String(s) => {
            diags.report(path, || unknown("trigger", s, TRIGGER_KINDS));
            Trigger::Load
        }
        Value::Object(map) if map.len() == 1 => {
            let (kind, arg) = (&map[0].0, &map[0].1);
            let here = field(path, kind);
            match kind.as_str() {
                "event" => match arg {
                    Value::String(name) if !name.is_empty() && name.chars().count() <= 64 => {
                        Trigger::Event(name.clone())
                    }
                    other => {
                        diags.report(&here, || {
                            format!("must be an event name, found {}", other.to_json())
                        });
                        Trigger::Load
                    }
                },
                "dwell" => Trigger::Dwell(number_at_least(arg, &here, 0.0, diags)),
                "idle" => Trigger::Idle(number_at_least(arg, &here, 0.0, diags)),
                "scroll" => {
                    let pct = number_at_least(arg, &here, 0.0, diags);
                    if pct > 100.0 {
                        diags.report(&here, || "must be a percentage from 0 to 100");
                    }
                    Trigger::Scroll(pct)
                }
                other => {
                    diags.report(path, || unknown("trigger", other, TRIGGER_KINDS));
                    Trigger::Load
                }
            }
        }
        other => {
            diags.report(
                path,
                || format!("expected \"load\", \"exit\" or one of {{event|dwell|scroll|idle: ...}}, found {}", other.to_json()),
            );
            Trigger::Load
        }
    }
}

fn parse_schedule(v: &Value, path: &Path, diags: &mut Diagnostics) -> Option<Schedule> {
    let map = object(v, path, SCHEDULE_FIELDS, diags)?;
    let mut schedule = Schedule::default();
    for (key, slot) in [
        ("start", &mut schedule.start_ms),
        ("end", &mut schedule.end_ms),
    ] {
        if let Some(v) = get(map, key) {
            let here = field(path, key);
            match v.as_str().and_then(parse_timestamp) {
                Some(ms) => *slot = Some(ms),
                None => diags.report(&here, || {
                    format!(
                        "expected a UTC time like \"2026-12-24T18:00:00Z\", found {}",
                        v.to_json()
                    )
                }),
            }
        }
    }
    if let (Some(s), Some(e)) = (schedule.start_ms, schedule.end_ms) {
        if e <= s {
            diags.report(&field(path, "end"), || "must be after \"start\"");
        }
    }
    if let Some(v) = get(map, "weekdays") {
        let here = field(path, "weekdays");
        match v.as_array() {
            Some(days) if !days.is_empty() => {
                for (i, d) in days.iter().enumerate() {
                    match d {
                        Value::Number(n) if (0.0..=6.0).contains(n) && n.fract() == 0.0 => {
                            schedule.weekdays.push(*n as u8)
                        }
                        other => diags.report(&index(&here, i), || {
                            format!(
                                "must be 0 (Sunday) to 6 (Saturday), found {}",
                                other.to_json()
                            )
                        }),
                    }
                }
            }
            _ => diags.report(&here, || {
                "expected a non-empty array of weekdays (0 = Sunday)"
            }),
        }
    }
    if let Some(v) = get(map, "hours") {
        let here = field(path, "hours");
        let hour = |v: &Value| match v {
            Value::Number(n) if (0.0..=24.0).contains(n) && n.fract() == 0.0 => Some(*n as u8),
            _ => None,
        };
        match v.as_array() {
            Some([from, to]) => match (hour(from), hour(to)) {
                (Some(f), Some(t)) if f != t => schedule.hours = Some((f, t)),
                _ => diags.report(&here, || {
                    "expected [from, to] with two different whole hours from 0 to 24"
                }),
            },
            _ => diags.report(&here, || "expected [from, to] local hours, e.g. [9, 18]"),
        }
    }
    Some(schedule)
}

/// `YYYY-MM-DDTHH:MM[:SS]Z` (UTC) to epoch milliseconds.
pub fn parse_timestamp(s: &str) -> Option<f64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-');
    let mut part = || d.next()?.parse::<i64>().ok();
    let (y, m, day) = (part()?, part()?, part()?);
    let mut t = time.split(':');
    let mut part = || t.next().map(|p| p.parse::<i64>().ok());
    let (hh, mm) = (part()??, part()??);
    let ss = part().map_or(Some(0), |x| x).unwrap_or(0);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + hh * 3_600 + mm * 60 + ss) * 1_000) as f64)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn gates(json: &str) -> Result<Gates, Vec<String>> {
        let v: Value = serde_json::from_str(json).unwrap();
        let mut d = Diagnostics::default();
        let g = parse(v.as_object().unwrap(), &Path::Text("rules[0]"), &mut d);
        if d.is_empty() {
            Ok(g)
        } else {
            Err(d.items.iter().map(ToString::to_string).collect())
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_timestamp("2026-11-22T05:00Z"),
            Some(1_795_323_600_000.0)
        );
        assert_eq!(
            parse_timestamp("2024-02-29T12:00:00Z"),
            Some(1_709_208_000_000.0)
        );
        assert_eq!(parse_timestamp("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_timestamp("2026-11-22 05:00"), None);
    }

    #[test]
    fn schedules_and_triggers() {
        let g = gates(r#"{"trigger": {"dwell": 5000}, "schedule": {"weekdays": [1,2,3,4,5], "hours": [22, 6], "start": "2026-01-01T00:00:00Z"}}"#).unwrap();
        let s = g.schedule.unwrap();
        let jan2 = parse_timestamp("2026-01-02T00:00:00Z").unwrap();
        assert!(s.open(jan2, 23, 1));
        assert!(s.open(jan2, 5, 1));
        assert!(!s.open(jan2, 12, 1), "outside the hours");
        assert!(!s.open(jan2, 23, 0), "Sunday");
        assert!(!s.open(0.0, 23, 1), "before the start");
        let page = PageState {
            dwell_ms: 4999.0,
            ..PageState::default()
        };
        assert!(!g.trigger.fired(&page));
        assert!(g.trigger.fired(&PageState {
            dwell_ms: 5000.0,
            ..page
        }));
    }

    #[test]
    fn holdout_is_stable_and_proportional() {
        let held = (0..4000)
            .filter(|i| held_out("promo", &format!("v{i}"), 0.1))
            .count();
        assert!((300..500).contains(&held), "{held}");
        assert_eq!(held_out("promo", "v1", 0.1), held_out("promo", "v1", 0.1));
        assert!(!held_out("promo", "v1", 0.0));
    }

    #[test]
    fn errors_name_the_field() {
        let errors = gates(
            r#"{"trigger": {"scrol": 50}, "frequency": {"max": 0, "per": "week"},
                "schedule": {"start": "tomorrow", "hours": [9, 9], "weekdays": [7]}, "holdout": 1}"#,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "rules[0].trigger: unknown trigger \"scrol\" (did you mean \"scroll\"?)",
                "rules[0].frequency.max: must be a whole number of at least 1, found 0",
                "rules[0].frequency.per: unknown frequency window \"week\"",
                "rules[0].schedule.start: expected a UTC time like \"2026-12-24T18:00:00Z\", found \"tomorrow\"",
                "rules[0].schedule.weekdays[0]: must be 0 (Sunday) to 6 (Saturday), found 7",
                "rules[0].schedule.hours: expected [from, to] with two different whole hours from 0 to 24",
                "rules[0].holdout: must be a number from 0 to below 1 (a share of visitors), found 1",
            ]
        );
    }
}
