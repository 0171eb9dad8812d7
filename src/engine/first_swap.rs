//! The first swap: what the page can change before the full runtime has arrived.
//!
//! On a phone's first visit the runtime (profile, storage, collectors, catalog,
//! consent bridges, the validator's messages) is most of the bytes and most of the
//! wait, yet the swap a visitor sees first rarely needs it: a rule for everybody,
//! or for a UTM campaign, a path, a device. This module decides, from the config
//! and the page alone, which rules are *certain* to be decided the same way by the
//! runtime, and plans their operations; everything else is deferred, and its
//! targets stay hidden until the runtime decides them (never the page).
//!
//! Certain means: the rule has no gate but the load trigger (no frequency,
//! schedule, holdout); its condition and its actions read only the page context
//! (`page`, `utm`, `time`, `device`, `channel`); its operations are plain ones
//! (text, attributes, classes, styles, hide, show, remove: no markup, template,
//! recommendation, reorder, move or redirect); and its
//! consent is known now — every category it needs is required (always granted), or
//! the visitor has no stored choice and no consent platform is on the page, so a
//! category that is not required is not granted (opt-in) and the rule is off. A
//! rule that shares a selector with anything deferred is deferred too, so the
//! runtime never changes an element after this swap changed it. Conflicts are
//! resolved as `decide` resolves them (higher priority, then earlier).
//!
//! Anything the start cannot read with certainty (an invalid config, a rule that
//! does not parse) defers everything: the runtime reports it and fails open.
//!
//! This is the specification, not what the page runs: the loader makes the swap in
//! JavaScript (js/start.js), where it costs no wasm on the critical path, and is
//! held to this planner by the shared cases in tests/cases/first-swap.json and
//! tests/cases/context.json (answered here by tests/first_swap_cases.rs, checked
//! against js/start.js by tests/node/first-swap.test.mjs).

use super::action::{
    is_attribute_name, is_class_name, is_forbidden_attribute, is_safe_style_value, plain_fields_of,
    Action, ActionKind, DISPLAYS, MAX_ACTIONS, STYLE_PROPERTIES,
};
use super::condition::Condition;
use super::decide::{way, Way};
use super::diagnostic::{Diagnostics, Path};
use super::html_policy::{is_safe_url, is_url_attribute};
use super::reader::{get, DEFAULT_RULE_CATEGORY, MAX_SELECTOR_LEN, MAX_TEXT_LEN, NECESSARY};
use super::saved_groups::SavedGroups;
use super::template::has_expressions;
use super::value::Value;

/// The attribute roots the start knows: the page context (see
/// `signal::Context::attributes`) and the arrival channel.
pub const START_ROOTS: &[&str] = &["page", "utm", "time", "device", "channel"];

/// What the page says about consent before the runtime reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentFacts {
    /// No stored consent and no consent platform on the page: only required
    /// categories are granted.
    Defaults,
    /// A stored choice or a consent platform may grant more: only required
    /// categories are known.
    Unknown,
}

#[derive(Debug, Default, PartialEq)]
pub struct FirstSwap {
    /// Operations to apply now, in application order (lowest priority first),
    /// with the index of their rule and of the action in it.
    pub ops: Vec<(u32, u32, Action)>,
    /// Selectors whose elements wait for the runtime (kept hidden until then).
    pub deferred: Vec<String>,
    /// Ids of the rules applied now.
    pub applied: Vec<String>,
    /// Whether the config was read at all; when not, every target is deferred.
    pub read: bool,
}

struct Candidate {
    rule: usize,
    id: String,
    priority: i32,
    actions: Vec<Action>,
}

enum Outcome {
    Apply(Candidate),
    Off,
    Defer(Vec<String>),
}

/// Plans the first swap for `config` (the config document) on a page whose
/// context attributes are `attributes` (`page`, `utm`, `time`, `device`, `channel`).
/// `consent` is asked at most once, and only when a rule needs a category that is
/// not required (reading it touches storage, which costs time on a phone).
pub fn plan(config: &Value, attributes: &Value, consent: impl Fn() -> ConsentFacts) -> FirstSwap {
    let facts = std::cell::OnceCell::new();
    let consent = || *facts.get_or_init(&consent);
    read(config, attributes, &consent).unwrap_or_else(|| FirstSwap {
        deferred: every_selector(config),
        ..FirstSwap::default()
    })
}

fn read(
    config: &Value,
    attributes: &Value,
    consent: &dyn Fn() -> ConsentFacts,
) -> Option<FirstSwap> {
    let map = config.as_object()?;
    let mut diags = Diagnostics::default();
    let groups = SavedGroups::parse(get(map, "savedGroups"), &mut diags);
    let required = required_categories(get(map, "consent"))?;
    let known = |needed: &[String]| needed.iter().all(|c| required.contains(c));
    let mut deferred: Vec<String> = Vec::new();
    let mut candidates = Vec::new();
    let rules = match get(map, "rules") {
        None => &[][..],
        Some(v) => v.as_array()?,
    };
    for (i, rule) in rules.iter().enumerate() {
        let outcome = rule_outcome(rule, i, &groups, attributes, consent, &known, &mut diags)?;
        if !diags.is_empty() {
            return None;
        }
        match outcome {
            Outcome::Apply(c) => candidates.push(c),
            Outcome::Off => {}
            Outcome::Defer(selectors) => add_all(&mut deferred, selectors),
        }
    }
    if let Some(experiments) = get(map, "experiments") {
        for experiment in experiments.as_array()? {
            let needed = categories(experiment.get("consent"))?;
            // Assignment needs the visitor id and stored assignments: the runtime's.
            let off = !known(&needed) && consent() == ConsentFacts::Defaults;
            if !off {
                add_all(&mut deferred, experiment_selectors(experiment));
            }
        }
    }
    // A rule sharing a selector with something deferred waits too (until nothing moves).
    loop {
        let before = candidates.len();
        let mut moved = Vec::new();
        candidates.retain(|c: &Candidate| {
            let shares = c.actions.iter().any(|a| deferred.contains(&a.selector));
            if shares {
                moved.extend(c.actions.iter().map(|a| a.selector.clone()));
            }
            !shares
        });
        add_all(&mut deferred, moved);
        if candidates.len() == before {
            break;
        }
    }
    // Winners first (higher priority, then earlier), as `decide` does.
    candidates.sort_unstable_by_key(|c| (std::cmp::Reverse(c.priority), c.rule));
    let mut claimed: Vec<(&str, Way)> = Vec::new();
    let mut accepted: Vec<&Candidate> = Vec::new();
    for c in &candidates {
        let conflict = c.actions.iter().any(|a| {
            let w = way(a);
            w != Way::Insert && claimed.iter().any(|(s, cw)| *s == a.selector && *cw == w)
        });
        if conflict {
            continue;
        }
        claimed.extend(c.actions.iter().map(|a| (a.selector.as_str(), way(a))));
        accepted.push(c);
    }
    let mut swap = FirstSwap {
        deferred,
        read: true,
        ..FirstSwap::default()
    };
    for c in accepted.iter().rev() {
        for (a, action) in c.actions.iter().enumerate() {
            swap.ops.push((c.rule as u32, a as u32, action.clone()));
        }
        swap.applied.push(c.id.clone());
    }
    swap.applied.reverse();
    Some(swap)
}

fn rule_outcome(
    rule: &Value,
    at: usize,
    groups: &SavedGroups,
    attributes: &Value,
    consent: &dyn Fn() -> ConsentFacts,
    known: &dyn Fn(&[String]) -> bool,
    diags: &mut Diagnostics,
) -> Option<Outcome> {
    let map = rule.as_object()?;
    let id = get(map, "id")?.as_str()?.to_owned();
    let needed = categories(get(map, "consent"))?;
    let when = match get(map, "when") {
        // No path: the start never puts a problem into words (the runtime does).
        Some(v) => Some(Condition::compile(v, &Path::ROOT, groups, diags)?),
        None => None,
    };
    let priority = match get(map, "priority") {
        None => 0,
        Some(Value::Number(n)) if n.fract() == 0.0 && n.abs() <= 1e6 => *n as i32,
        Some(_) => return None,
    };
    let raw = get(map, "actions")?.as_array()?;
    if raw.is_empty() || raw.len() > MAX_ACTIONS {
        return None;
    }
    let selectors = || selectors_of(get(map, "actions"));
    if !known(&needed) {
        // Not granted unless a choice or a platform grants it later: off now.
        return Some(if consent() == ConsentFacts::Defaults {
            Outcome::Off
        } else {
            Outcome::Defer(selectors())
        });
    }
    let gated = ["trigger", "frequency", "schedule", "holdout"]
        .iter()
        .any(|g| get(map, g).is_some());
    let reads_only_context = when.as_ref().is_none_or(|w| {
        w.roots()
            .iter()
            .all(|p| START_ROOTS.contains(&p.split('.').next().unwrap_or("")))
    });
    let actions: Option<Vec<Action>> = raw.iter().map(plain_action).collect();
    let (false, true, Some(actions)) = (gated, reads_only_context, actions) else {
        return Some(Outcome::Defer(selectors()));
    };
    if when.as_ref().is_some_and(|w| !w.eval(attributes)) {
        return Some(Outcome::Off);
    }
    Some(Outcome::Apply(Candidate {
        rule: at,
        id,
        priority,
        actions,
    }))
}

/// An action as the start reads it: the operations it carries out itself, held
/// to the validator's own checks (`action`'s attribute, class, style and URL
/// rules; markup is sanitized when applied) but with no messages. `None` for
/// anything else — another operation, a template, a field out of place, a value
/// the validator would refuse — which leaves the rule to the runtime (and its
/// validator to report).
fn plain_action(value: &Value) -> Option<Action> {
    let map = value.as_object()?;
    let op = get(map, "op")?.as_str()?;
    // Markup (`setHtml`, `insert`) needs the sanitizer, which the start part
    // leaves to the runtime (3.9 KB gzip of its wasm).
    let allowed = plain_fields_of(op)?;
    if map.iter().any(|(k, _)| !allowed.contains(&k.as_str())) {
        return None;
    }
    let text = |key: &str, max: usize| -> Option<String> {
        let s = get(map, key)?.as_str()?;
        (s.chars().count() <= max && !has_expressions(s)).then(|| s.to_owned())
    };
    let selector = text("selector", MAX_SELECTOR_LEN).filter(|s| !s.trim().is_empty())?;
    let first = match get(map, "match").map(Value::as_str) {
        None | Some(Some("all")) => false,
        Some(Some("first")) => true,
        _ => return None,
    };
    let attribute = || {
        let name = text("name", 128)?.to_ascii_lowercase();
        (is_attribute_name(&name) && !is_forbidden_attribute(&name)).then_some(name)
    };
    let class = || text("class", 128).filter(|c| is_class_name(c));
    let kind = match op {
        "setText" => ActionKind::SetText(text("text", MAX_TEXT_LEN)?),
        "setAttr" => {
            let name = attribute()?;
            let value = text("value", MAX_TEXT_LEN)?;
            if is_url_attribute(&name) && !is_safe_url(&value) {
                return None;
            }
            ActionKind::SetAttr { name, value }
        }
        "removeAttr" => ActionKind::RemoveAttr(attribute()?),
        "addClass" => ActionKind::AddClass(class()?),
        "removeClass" => ActionKind::RemoveClass(class()?),
        "setStyle" => {
            let mut properties = Vec::new();
            for (property, v) in get(map, "style")?.as_object()? {
                let v = v.as_str()?.trim();
                if !STYLE_PROPERTIES.contains(&property.as_str()) || !is_safe_style_value(v) {
                    return None;
                }
                properties.push((property.clone(), v.to_owned()));
            }
            if properties.is_empty() {
                return None;
            }
            ActionKind::SetStyle(properties)
        }
        "show" => {
            let display = match get(map, "display") {
                None => "block",
                Some(v) => v.as_str()?,
            };
            if !DISPLAYS.contains(&display) {
                return None;
            }
            ActionKind::Show(display.to_owned())
        }
        "hide" => ActionKind::Hide,
        "remove" => ActionKind::Remove,
        _ => return None,
    };
    Some(Action {
        selector,
        kind,
        first,
    })
}

/// Whether any rule, experiment or saved group of the config mentions the time
/// zone (`time.timezone`): reading it costs the browser's `Intl` data, over 100 ms
/// on a phone the first time, so the start part reads it only then.
pub fn mentions_timezone(config: &Value) -> bool {
    fn walk(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains("timezone"),
            Value::Array(items) => items.iter().any(walk),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains("timezone") || walk(v)),
            _ => false,
        }
    }
    ["rules", "experiments", "savedGroups"]
        .iter()
        .any(|k| config.get(k).is_some_and(walk))
}

/// The categories a rule or experiment needs (`consent`: one id or a list;
/// `personalization` when absent). `None` when malformed.
fn categories(value: Option<&Value>) -> Option<Vec<String>> {
    match value {
        None => Some(vec![DEFAULT_RULE_CATEGORY.to_owned()]),
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(Value::Array(items)) => items.iter().map(|v| Some(v.as_str()?.to_owned())).collect(),
        Some(_) => None,
    }
}

/// The categories the config makes required (always granted).
fn required_categories(consent: Option<&Value>) -> Option<Vec<String>> {
    let Some(list) = consent.and_then(|c| c.get("categories")) else {
        return Some(vec![NECESSARY.to_owned()]);
    };
    let mut required = Vec::new();
    for category in list.as_array()? {
        if category.get("required") == Some(&Value::Bool(true)) {
            required.push(category.get("id")?.as_str()?.to_owned());
        }
    }
    Some(required)
}

fn selectors_of(actions: Option<&Value>) -> Vec<String> {
    actions
        .and_then(Value::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|a| Some(a.get("selector")?.as_str()?.to_owned()))
        .filter(|s| !s.is_empty())
        .collect()
}

fn experiment_selectors(experiment: &Value) -> Vec<String> {
    let variants = experiment.get("variants").and_then(Value::as_array);
    variants
        .unwrap_or(&[])
        .iter()
        .flat_map(|v| selectors_of(v.get("actions")))
        .collect()
}

/// Every selector a rule or variant names, read as leniently as possible.
fn every_selector(config: &Value) -> Vec<String> {
    let mut all = Vec::new();
    let list = |key| config.get(key).and_then(Value::as_array).unwrap_or(&[]);
    for rule in list("rules") {
        add_all(&mut all, selectors_of(rule.get("actions")));
    }
    for experiment in list("experiments") {
        add_all(&mut all, experiment_selectors(experiment));
    }
    all
}

fn add_all(to: &mut Vec<String>, selectors: Vec<String>) {
    for s in selectors {
        if !s.is_empty() && !to.contains(&s) {
            to.push(s);
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
