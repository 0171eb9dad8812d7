//! Actions: the DOM operations a rule or an experiment variant asks for, validated.
//!
//! Everything that could turn into code on the page is refused here, with the path
//! of the field: event-handler and `style`/`srcdoc` attributes, URLs that are not
//! http(s), relative, `mailto:` or `tel:`, style properties outside a short
//! allowlist or values that could load or run anything, templates that do not
//! parse. The browser shell then only has to carry out what is left.
//!
//! This file is over 600 lines on purpose: one enum of seventeen operations, the
//! parser of each beside it and the tests of every one (their JSON Schema is in
//! `schema`, held to the same field lists).

use super::diagnostic::{field, index, unknown, Diagnostics, Path};
use super::html_policy::{is_safe_url, is_url_attribute};
use super::reader::{boolean, get, object, string, MAX_SELECTOR_LEN, MAX_TEXT_LEN};
use super::template::{has_expressions, Template};
use super::value::Value;

pub const MAX_ACTIONS: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// CSS selector of the targets (empty for `redirect`).
    pub selector: String,
    pub kind: ActionKind,
    /// Only the first match (`"match": "first"`); all matches otherwise.
    pub first: bool,
}

/// Where `insert` and `move` put things, relative to the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Before,
    After,
    Prepend,
    Append,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// Text (templates allowed), set as text: never parsed as markup.
    SetText(String),
    /// Markup, sanitized against `html_policy` when applied; templates are filled
    /// into the sanitized text and attribute values.
    SetHtml(String),
    SetAttr {
        name: String,
        value: String,
    },
    RemoveAttr(String),
    AddClass(String),
    RemoveClass(String),
    /// Inline style properties from `STYLE_PROPERTIES`.
    SetStyle(Vec<(String, String)>),
    Hide,
    /// Undoes the page's own hiding: removes `hidden`, sets `display`.
    Show(String),
    /// Sanitized markup (templates allowed) placed relative to each target.
    Insert {
        position: Position,
        html: String,
    },
    /// Moves each target relative to the first element `to` matches.
    Move {
        position: Position,
        to: String,
    },
    /// Reorders each target's children by the attribute `by.<child's key>`
    /// (highest first, ties keep the page's order), e.g. product cards by
    /// `affinity.category.<data-category>`.
    Reorder {
        key: String,
        by: String,
    },
    Remove,
    /// Renders recommended catalog products into the target from a template
    /// (`{{item.name}}`, `{{item.price | currency}}`, `{{rank}}`), re-rendered
    /// when the inputs change; each item is marked for click tracking.
    Recommend {
        slot: super::recommend::Slot,
        name: String,
        template: String,
    },
    /// Same origin unless the action says `"crossOrigin": true`; guarded
    /// against loops.
    Redirect {
        url: String,
        cross_origin: bool,
    },
    /// A pop-up or a survey (`engine::prompt`, `engine::survey`): shown by the
    /// UI part, held back by the pop-ups' shared cooldown and recontact rules.
    Popup(std::rc::Rc<super::prompt::Popup>),
}

impl ActionKind {
    /// Whether what it writes depends on the attributes (templates, reorder), so
    /// it must be rendered again when they change.
    pub fn is_dynamic(&self) -> bool {
        match self {
            ActionKind::SetText(t) | ActionKind::SetHtml(t) => has_expressions(t),
            ActionKind::SetAttr { value, .. } => has_expressions(value),
            ActionKind::Insert { html, .. } => has_expressions(html),
            ActionKind::Reorder { .. } | ActionKind::Recommend { .. } => true,
            // Filled once, when it shows (the UI part never re-renders it).
            ActionKind::Popup(p) => has_expressions(&p.html),
            _ => false,
        }
    }
}

pub(crate) const OPS: &[&str] = &[
    "setText",
    "setHtml",
    "setAttr",
    "removeAttr",
    "addClass",
    "removeClass",
    "setStyle",
    "hide",
    "show",
    "insert",
    "move",
    "reorder",
    "remove",
    "redirect",
    "recommend",
    "popup",
    "survey",
];

/// Where `insert` and `move` may put things.
/// The names of `Position`, in its order (the browser shell indexes it by one).
pub(crate) const POSITIONS: &[&str] = &["before", "after", "prepend", "append"];

/// The `display` values `show` may set.
pub(crate) const DISPLAYS: &[&str] = &[
    "block",
    "inline",
    "inline-block",
    "flex",
    "inline-flex",
    "grid",
    "contents",
    "list-item",
    "table",
];

/// Inline style properties an action may set: looks, not layout tricks or loads.
pub const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "font-size",
    "text-decoration",
    "text-transform",
    "text-align",
    "letter-spacing",
    "line-height",
    "border",
    "border-color",
    "border-width",
    "border-style",
    "border-radius",
    "outline",
    "box-shadow",
    "opacity",
    "order",
    "margin",
    "margin-top",
    "margin-bottom",
    "padding",
];

/// A style value that cannot load a resource, run script or break out of the
/// declaration: no `url(`, `image-set(`, `expression(`, escapes, `;{}<>@`.
pub fn is_safe_style_value(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    !value.is_empty()
        && value.chars().count() <= 200
        && !value.chars().any(|c| {
            matches!(c, '\\' | ';' | '{' | '}' | '<' | '>' | '@' | '"' | '\'') || c.is_control()
        })
        && ![
            "url(",
            "image",
            "expression",
            "javascript:",
            "element(",
            "var(",
        ]
        .iter()
        .any(|bad| lower.contains(bad))
}

pub(crate) fn actions(
    value: Option<&Value>,
    path: &Path,
    may_be_empty: bool,
    diags: &mut Diagnostics,
) -> Vec<Action> {
    match value {
        None if may_be_empty => Vec::new(),
        None => {
            diags.report(&path.parent(), || "missing field \"actions\"");
            Vec::new()
        }
        Some(Value::Array(items)) if items.is_empty() && !may_be_empty => {
            diags.report(path, || "needs at least one action");
            Vec::new()
        }
        Some(Value::Array(items)) if items.len() > MAX_ACTIONS => {
            diags.report(path, || {
                format!("has {} actions; the limit is {MAX_ACTIONS}", items.len())
            });
            Vec::new()
        }
        Some(Value::Array(items)) => {
            let mut list = Vec::new();
            for (i, a) in items.iter().enumerate() {
                list.extend(parse_action(a, &index(path, i), diags));
            }
            list
        }
        Some(other) => {
            diags.report(path, || {
                format!("expected an array, found {}", other.kind())
            });
            Vec::new()
        }
    }
}

/// The fields of the operations that change only what is already on the page, with
/// no markup to sanitize (the start part applies these, and links only these).
pub(crate) fn plain_fields_of(op: &str) -> Option<&'static [&'static str]> {
    Some(match op {
        "setText" => &["op", "selector", "match", "text"],
        "setAttr" => &["op", "selector", "match", "name", "value"],
        "removeAttr" => &["op", "selector", "match", "name"],
        "addClass" | "removeClass" => &["op", "selector", "match", "class"],
        "setStyle" => &["op", "selector", "match", "style"],
        "show" => &["op", "selector", "match", "display"],
        "hide" | "remove" => &["op", "selector", "match"],
        _ => return None,
    })
}

/// The fields each operation allows (`reader::object` rejects the rest).
pub(crate) fn fields_of(op: &str) -> &'static [&'static str] {
    if let Some(fields) = plain_fields_of(op) {
        return fields;
    }
    match op {
        "setHtml" => &["op", "selector", "match", "html"],
        "insert" => &["op", "selector", "match", "position", "html"],
        "move" => &["op", "selector", "match", "position", "to"],
        "reorder" => &["op", "selector", "match", "key", "by"],
        "redirect" => &["op", "url", "crossOrigin"],
        "popup" => super::prompt::POPUP_FIELDS,
        "survey" => super::prompt::SURVEY_ACTION_FIELDS,
        "recommend" => &[
            "op",
            "selector",
            "match",
            "slot",
            "use",
            "count",
            "maxPerCategory",
            "excludePurchased",
            "template",
        ],
        _ => &["op", "selector", "match"],
    }
}

/// A template's syntax is checked now, so a typo is a config error with a path.
fn checked_template(text: String, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    if has_expressions(&text) {
        if let Err(why) = Template::parse(&text) {
            diags.report(path, || why);
            return None;
        }
    }
    Some(text)
}

/// Whether `name` (lower-cased) is an attribute name at all.
pub(crate) fn is_attribute_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

/// Attributes no action may set: event handlers, inline style, `srcdoc`, `is`.
pub(crate) fn is_forbidden_attribute(name: &str) -> bool {
    name.starts_with("on") || matches!(name, "style" | "srcdoc" | "is")
}

/// One class name, without spaces.
pub(crate) fn is_class_name(class: &str) -> bool {
    !class.is_empty() && !class.chars().any(char::is_whitespace)
}

fn attribute_name(name: String, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    let name = name.to_ascii_lowercase();
    if !is_attribute_name(&name) {
        diags.report(path, || format!("\"{name}\" is not a valid attribute name"));
        return None;
    }
    if is_forbidden_attribute(&name) {
        diags.report(path, || {
            format!("setting \"{name}\" is not allowed (it can run code or restyle the page)")
        });
        return None;
    }
    Some(name)
}

fn class_name(class: String, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    if !is_class_name(&class) {
        diags.report(path, || "must be one class name, without spaces");
        return None;
    }
    Some(class)
}

fn position(value: Option<&Value>, path: &Path, diags: &mut Diagnostics) -> Option<Position> {
    match value.and_then(Value::as_str) {
        None => {
            diags.report(path, || {
                "must be one of \"before\", \"after\", \"prepend\", \"append\""
            });
            None
        }
        Some("before") => Some(Position::Before),
        Some("after") => Some(Position::After),
        Some("prepend") => Some(Position::Prepend),
        Some("append") => Some(Position::Append),
        Some(other) => {
            diags.report(path, || unknown("position", other, POSITIONS));
            None
        }
    }
}

fn style(value: &Value, path: &Path, diags: &mut Diagnostics) -> Option<Vec<(String, String)>> {
    let Some(map) = value.as_object() else {
        diags.report(path, || {
            format!(
                "expected an object of property: value, found {}",
                value.kind()
            )
        });
        return None;
    };
    let mut out = Vec::new();
    for (property, v) in map {
        let here = field(path, property);
        if !STYLE_PROPERTIES.contains(&property.as_str()) {
            diags.report(&here, || {
                unknown("style property", property, STYLE_PROPERTIES)
            });
            continue;
        }
        match v.as_str() {
            Some(s) if is_safe_style_value(s.trim()) => {
                out.push((property.clone(), s.trim().to_owned()));
            }
            _ => diags.report(
                &here,
                || "must be a plain CSS value (no url(), image(), expression(), var(), escapes or ; { } < > @ quotes)",
            ),
        }
    }
    (!out.is_empty()).then_some(out)
}

pub(crate) fn parse_action(value: &Value, path: &Path, diags: &mut Diagnostics) -> Option<Action> {
    let Some(map) = value.as_object() else {
        diags.report(path, || {
            format!("expected an object, found {}", value.kind())
        });
        return None;
    };
    let op = match get(map, "op") {
        Some(Value::String(op)) if OPS.contains(&op.as_str()) => op.as_str(),
        Some(Value::String(op)) => {
            diags.report(&field(path, "op"), || unknown("operation", op, OPS));
            return None;
        }
        Some(other) => {
            diags.report(&field(path, "op"), || {
                format!("expected a string, found {}", other.kind())
            });
            return None;
        }
        None => {
            diags.report(path, || "missing field \"op\"");
            return None;
        }
    };
    object(value, path, fields_of(op), diags);
    let required = |key: &str, max: usize, diags: &mut Diagnostics| -> Option<String> {
        match get(map, key) {
            Some(v) => string(v, &field(path, key), max, diags),
            None => {
                diags.report(path, || {
                    format!("missing field \"{key}\" (required by {op})")
                });
                None
            }
        }
    };
    let selector = if op == "redirect" {
        Some(String::new())
    } else if op == "popup" || op == "survey" {
        // Only an inline pop-up has one (`prompt::parse_popup` checks).
        match get(map, "selector") {
            None => Some(String::new()),
            Some(v) => string(v, &field(path, "selector"), MAX_SELECTOR_LEN, diags),
        }
    } else {
        let s = required("selector", MAX_SELECTOR_LEN, diags);
        if s.as_deref().is_some_and(|s| s.trim().is_empty()) {
            diags.report(&field(path, "selector"), || "must not be empty");
        }
        s
    };
    let first = match get(map, "match") {
        None => false,
        Some(Value::String(m)) if m == "all" => false,
        Some(Value::String(m)) if m == "first" => true,
        Some(other) => {
            diags.report(&field(path, "match"), || {
                format!("must be \"all\" or \"first\", found {}", other.to_json())
            });
            false
        }
    };
    let text = |key: &str, diags: &mut Diagnostics| {
        let t = required(key, MAX_TEXT_LEN, diags)?;
        checked_template(t, &field(path, key), diags)
    };
    let kind = match op {
        "setText" => ActionKind::SetText(text("text", diags)?),
        "setHtml" => ActionKind::SetHtml(text("html", diags)?),
        "setAttr" => {
            let name = attribute_name(required("name", 128, diags)?, &field(path, "name"), diags)?;
            let value = text("value", diags)?;
            // A template's result is checked again when applied.
            if is_url_attribute(&name) && !has_expressions(&value) && !is_safe_url(&value) {
                diags.report(&field(path, "value"), || {
                    "URL must be http(s), relative, mailto: or tel:"
                });
                return None;
            }
            ActionKind::SetAttr { name, value }
        }
        "removeAttr" => {
            let name = attribute_name(required("name", 128, diags)?, &field(path, "name"), diags)?;
            ActionKind::RemoveAttr(name)
        }
        "addClass" => ActionKind::AddClass(class_name(
            required("class", 128, diags)?,
            &field(path, "class"),
            diags,
        )?),
        "removeClass" => ActionKind::RemoveClass(class_name(
            required("class", 128, diags)?,
            &field(path, "class"),
            diags,
        )?),
        "setStyle" => match get(map, "style") {
            Some(v) => ActionKind::SetStyle(style(v, &field(path, "style"), diags)?),
            None => {
                diags.report(path, || "missing field \"style\" (required by setStyle)");
                return None;
            }
        },
        "show" => {
            let display = match get(map, "display") {
                None => "block".to_owned(),
                Some(v) => string(v, &field(path, "display"), 32, diags)?,
            };
            if !DISPLAYS.contains(&display.as_str()) {
                diags.report(&field(path, "display"), || {
                    unknown("display", &display, DISPLAYS)
                });
                return None;
            }
            ActionKind::Show(display)
        }
        "insert" => ActionKind::Insert {
            position: position(get(map, "position"), &field(path, "position"), diags)?,
            html: text("html", diags)?,
        },
        "move" => {
            let to = required("to", MAX_SELECTOR_LEN, diags)?;
            ActionKind::Move {
                position: position(get(map, "position"), &field(path, "position"), diags)?,
                to,
            }
        }
        "reorder" => {
            let key = attribute_name(required("key", 128, diags)?, &field(path, "key"), diags)?;
            let by = required("by", 200, diags)?;
            if by.is_empty() || by.split('.').any(str::is_empty) {
                diags.report(&field(path, "by"), || {
                    "expected an attribute path like affinity.category"
                });
                return None;
            }
            ActionKind::Reorder { key, by }
        }
        "redirect" => {
            let url = required("url", 2048, diags)?;
            let relative = url.starts_with('/') && !url.starts_with("//");
            let lower = url.to_ascii_lowercase();
            if !(relative || lower.starts_with("https://") || lower.starts_with("http://")) {
                diags.report(&field(path, "url"), || {
                    "must be a path on this site (/...) or an http(s) URL"
                });
                return None;
            }
            let cross_origin = boolean(map, "crossOrigin", false, path, diags);
            ActionKind::Redirect { url, cross_origin }
        }
        "recommend" => {
            let name = match get(map, "slot") {
                Some(v) => super::reader::identifier(v, &field(path, "slot"), diags)?,
                None => {
                    diags.report(path, || "missing field \"slot\" (required by recommend)");
                    return None;
                }
            };
            // Checked without returning early, so every problem is reported.
            let template = text("template", diags);
            let here = field(path, "use");
            let mut recommenders = Vec::new();
            match get(map, "use") {
                Some(Value::Object(entries)) if !entries.is_empty() => {
                    for (which, weight) in entries {
                        let at = field(&here, which);
                        let Some(r) = super::recommend::Recommender::parse(which) else {
                            diags.report(&at, || {
                                unknown("recommender", which, super::recommend::RECOMMENDERS)
                            });
                            continue;
                        };
                        match weight {
                            Value::Number(w) if w.is_finite() && *w > 0.0 && *w <= 100.0 => {
                                recommenders.push((r, *w))
                            }
                            other => diags.report(&at, || {
                                format!(
                                    "the weight must be a number above 0 and at most 100, found {}",
                                    other.to_json()
                                )
                            }),
                        }
                    }
                }
                _ => {
                    diags.report(&here, || {
                        "expected {recommender: weight}, e.g. {\"complements\": 2, \"affinity\": 1}"
                    });
                    return None;
                }
            }
            let whole = |key: &str, default: usize, max: usize, diags: &mut Diagnostics| match get(
                map, key,
            ) {
                None => default,
                Some(Value::Number(n)) if n.fract() == 0.0 && *n >= 0.0 && *n <= max as f64 => {
                    *n as usize
                }
                Some(other) => {
                    diags.report(&field(path, key), || {
                        format!(
                            "must be a whole number from 0 to {max}, found {}",
                            other.to_json()
                        )
                    });
                    default
                }
            };
            let count = whole("count", 4, 24, diags).max(1);
            let max_per_category = whole("maxPerCategory", 0, 24, diags);
            let exclude_purchased =
                !matches!(get(map, "excludePurchased"), Some(Value::Bool(false)));
            ActionKind::Recommend {
                slot: super::recommend::Slot {
                    recommenders,
                    count,
                    max_per_category,
                    exclude_purchased,
                },
                name,
                template: template?,
            }
        }
        "remove" => ActionKind::Remove,
        "popup" => {
            let label = required("label", super::prompt::MAX_LABEL_LEN, diags);
            let html = text("html", diags);
            let selector = selector.as_deref().unwrap_or("");
            let popup = super::prompt::parse_popup(map, selector, html?, label?, None, path, diags);
            ActionKind::Popup(std::rc::Rc::new(popup))
        }
        "survey" => {
            let label = required("label", super::prompt::MAX_LABEL_LEN, diags);
            // An optional intro above the first question.
            let html = match get(map, "html") {
                None => Some(String::new()),
                Some(_) => text("html", diags),
            };
            let survey = super::survey::parse_survey(map, path, diags);
            let selector = selector.as_deref().unwrap_or("");
            let popup =
                super::prompt::parse_popup(map, selector, html?, label?, survey, path, diags);
            popup.survey.as_ref()?;
            ActionKind::Popup(std::rc::Rc::new(popup))
        }
        _ => ActionKind::Hide,
    };
    Some(Action {
        selector: selector?,
        kind,
        first,
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Action, Vec<String>> {
        let v: Value = serde_json::from_str(json).unwrap();
        let mut d = Diagnostics::default();
        let a = parse_action(&v, &Path::Text("rules[0].actions[0]"), &mut d);
        if d.is_empty() {
            Ok(a.unwrap())
        } else {
            Err(d.items.iter().map(ToString::to_string).collect())
        }
    }

    #[test]
    fn every_operation_parses() {
        for json in [
            r##"{"op": "setText", "selector": "#a", "text": "Olá, {{traits.first_name | default: \"você\"}}"}"##,
            r##"{"op": "setHtml", "selector": "#a", "html": "<b>{{cart.count}}</b>", "match": "first"}"##,
            r##"{"op": "setAttr", "selector": "a", "name": "href", "value": "/p/{{utm.campaign}}"}"##,
            r##"{"op": "removeAttr", "selector": "a", "name": "title"}"##,
            r##"{"op": "removeClass", "selector": "a", "class": "old"}"##,
            r##"{"op": "setStyle", "selector": "a", "style": {"color": "#c00", "font-weight": "700"}}"##,
            r##"{"op": "show", "selector": "#x", "display": "flex"}"##,
            r##"{"op": "insert", "selector": "#x", "position": "after", "html": "<p>Oi</p>"}"##,
            r##"{"op": "move", "selector": "#x", "position": "before", "to": "#y"}"##,
            r##"{"op": "reorder", "selector": "#list", "key": "data-category", "by": "affinity.category"}"##,
            r##"{"op": "remove", "selector": "#x"}"##,
            r##"{"op": "redirect", "url": "/promo"}"##,
        ] {
            assert!(parse(json).is_ok(), "{json}: {:?}", parse(json));
        }
        assert!(
            parse(r##"{"op": "setHtml", "selector": "#a", "html": "x", "match": "first"}"##)
                .unwrap()
                .first
        );
    }

    #[test]
    fn dangerous_or_broken_actions_are_refused_with_their_path() {
        let cases = [
            (
                r##"{"op": "setStyle", "selector": "a", "style": {"background": "url(x)"}}"##,
                "style.background: unknown style property",
            ),
            (
                r##"{"op": "setStyle", "selector": "a", "style": {"color": "red;position:fixed"}}"##,
                "style.color: must be a plain CSS value",
            ),
            (
                r##"{"op": "setStyle", "selector": "a", "style": {"border": "1px solid url(//x)"}}"##,
                "style.border: must be a plain CSS value",
            ),
            (
                r##"{"op": "setAttr", "selector": "a", "name": "onclick", "value": "x"}"##,
                "name: setting \"onclick\" is not allowed",
            ),
            (
                r##"{"op": "setAttr", "selector": "a", "name": "href", "value": "javascript:alert(1)"}"##,
                "value: URL must be",
            ),
            (
                r##"{"op": "insert", "selector": "a", "position": "inside", "html": "x"}"##,
                "position: unknown position \"inside\"",
            ),
            (
                r##"{"op": "setText", "selector": "a", "text": "{{cart.total | curency}}"}"##,
                "text: \"{{cart.total | curency}}\": unknown filter",
            ),
            (
                r##"{"op": "redirect", "url": "javascript:alert(1)"}"##,
                "url: must be a path on this site",
            ),
            (
                r##"{"op": "redirect", "url": "//evil.example"}"##,
                "url: must be a path on this site",
            ),
            (
                r##"{"op": "hide", "selector": "a", "match": "some"}"##,
                "match: must be \"all\" or \"first\"",
            ),
            (
                r##"{"op": "show", "selector": "a", "display": "none"}"##,
                "display: unknown display",
            ),
        ];
        for (json, expected) in cases {
            let errors = parse(json).unwrap_err();
            assert!(
                errors.iter().any(|e| e.contains(expected)),
                "{json}: {errors:?}"
            );
        }
    }

    #[test]
    fn style_values() {
        assert!(is_safe_style_value("1px solid #c00"));
        assert!(is_safe_style_value("rgba(0, 0, 0, .2) 0 1px 2px"));
        for bad in [
            "url(x)",
            "IMAGE-set(x)",
            "a\\75rl(x)",
            "red;x:y",
            "var(--x)",
            "expression(alert(1))",
            "",
        ] {
            assert!(!is_safe_style_value(bad), "{bad}");
        }
    }
}
