//! Templates: `{{path | filter: arg}}` in the texts, attribute values and markup
//! of actions, filled from the visitor's attributes.
//!
//! A template only ever produces text. Where it lands decides the escaping: as a
//! text node's data or an attribute's value (set through the DOM, never parsed);
//! inside markup, the markup is sanitized first and the expressions are filled into
//! the resulting text nodes and attribute values afterwards. So a value that came
//! from a URL parameter, a search box or the dataLayer can never become markup.
//!
//! Filters: `default: "x"`, `upper`, `lower`, `capitalize`, `truncate: n`,
//! `number`, `currency: "BRL"` (the last two through the browser's `Intl`).

use super::host;
use super::value::Value;

pub const MAX_EXPRESSIONS: usize = 50;
/// A rendered value is cut here, whatever the attribute held.
pub const MAX_RENDERED_LEN: usize = 1_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Default(String),
    Upper,
    Lower,
    Capitalize,
    Truncate(usize),
    Number,
    Currency(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Text(String),
    Expression {
        path: Vec<String>,
        filters: Vec<Filter>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

const FILTERS: &[&str] = &[
    "default",
    "upper",
    "lower",
    "capitalize",
    "truncate",
    "number",
    "currency",
];

/// Whether a string holds template expressions at all (most do not).
pub fn has_expressions(s: &str) -> bool {
    // A byte scan: `str::contains` sets up a two-way searcher for every text
    // (1 % of a 1,000-rule start).
    s.as_bytes().windows(2).any(|pair| pair == b"{{")
}

fn argument(raw: Option<&str>, name: &str) -> Result<String, String> {
    let raw = raw.map(str::trim).unwrap_or("");
    let unquoted = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')));
    match unquoted {
        Some(s) => Ok(s.to_owned()),
        None if !raw.is_empty() && raw.chars().all(|c| c.is_ascii_digit()) => Ok(raw.to_owned()),
        None if raw.is_empty() => Err(format!("filter \"{name}\" needs an argument")),
        None => Err(format!(
            "filter \"{name}\": the argument must be quoted, found {raw}"
        )),
    }
}

fn parse_filter(text: &str) -> Result<Filter, String> {
    let (name, arg) = match text.split_once(':') {
        Some((n, a)) => (n.trim(), Some(a)),
        None => (text.trim(), None),
    };
    let no_arg = |f: Filter| match arg {
        None => Ok(f),
        Some(_) => Err(format!("filter \"{name}\" takes no argument")),
    };
    match name {
        "default" => Ok(Filter::Default(argument(arg, name)?)),
        "upper" => no_arg(Filter::Upper),
        "lower" => no_arg(Filter::Lower),
        "capitalize" => no_arg(Filter::Capitalize),
        "number" => no_arg(Filter::Number),
        "truncate" => {
            let n = argument(arg, name)?;
            match n.parse::<usize>() {
                Ok(n) if (1..=MAX_RENDERED_LEN).contains(&n) => Ok(Filter::Truncate(n)),
                _ => Err(format!(
                    "filter \"truncate\" needs a length from 1 to {MAX_RENDERED_LEN}, found {n}"
                )),
            }
        }
        "currency" => {
            let code = match arg {
                None => "BRL".to_owned(),
                Some(_) => argument(arg, name)?,
            };
            if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
                Ok(Filter::Currency(code))
            } else {
                Err(format!(
                    "filter \"currency\" needs an ISO 4217 code like \"BRL\", found \"{code}\""
                ))
            }
        }
        other => Err(super::diagnostic::unknown("filter", other, FILTERS)),
    }
}

impl Template {
    /// Parses `text`; the error says what is wrong with which expression.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_owned()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err("\"{{\" without a closing \"}}\"".into());
            };
            let inner = &after[..end];
            let mut pieces = inner.split('|');
            let path = pieces.next().unwrap_or("").trim();
            let valid_path = !path.is_empty()
                && path.split('.').all(|seg| {
                    !seg.is_empty()
                        && seg
                            .chars()
                            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':'))
                });
            if !valid_path {
                return Err(format!(
                    "\"{{{{{inner}}}}}\": expected an attribute path like cart.total"
                ));
            }
            let mut filters = Vec::new();
            for piece in pieces {
                match parse_filter(piece) {
                    Ok(filter) => filters.push(filter),
                    Err(why) => return Err(format!("\"{{{{{inner}}}}}\": {why}")),
                }
            }
            parts.push(Part::Expression {
                path: path.split('.').map(str::to_owned).collect(),
                filters,
            });
            if parts.len() > MAX_EXPRESSIONS * 2 {
                return Err(format!("more than {MAX_EXPRESSIONS} expressions"));
            }
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_owned()));
        }
        Ok(Template { parts })
    }

    /// The text with every expression filled from `attributes`. A missing value
    /// renders as "" (or the `default`); objects and arrays never render.
    pub fn render(&self, attributes: &Value) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Expression { path, filters } => {
                    let mut value = Some(attributes);
                    for segment in path {
                        value = value.and_then(|v| match v {
                            // `cart.items.0.name`: arrays by position.
                            Value::Array(items) => {
                                segment.parse::<usize>().ok().and_then(|i| items.get(i))
                            }
                            _ => v.get(segment),
                        });
                    }
                    let text = match value {
                        Some(Value::String(s)) => s.clone(),
                        Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_js_string(),
                        _ => String::new(),
                    };
                    let number = match value {
                        Some(Value::Number(n)) => Some(*n),
                        _ => None,
                    };
                    out.push_str(&apply_filters(text, number, filters));
                }
            }
        }
        out
    }
}

fn apply_filters(mut text: String, mut number: Option<f64>, filters: &[Filter]) -> String {
    text = super::value::truncate(&text, MAX_RENDERED_LEN);
    for filter in filters {
        let host = host::get();
        text = match filter {
            Filter::Default(d) if text.is_empty() => d.clone(),
            Filter::Default(_) => text,
            Filter::Upper => (host.to_uppercase)(&text),
            Filter::Lower => (host.to_lowercase)(&text),
            Filter::Capitalize => {
                let mut chars = text.chars();
                match chars.next() {
                    Some(first) => {
                        (host.to_uppercase)(&first.to_string()) + &chars.collect::<String>()
                    }
                    None => text,
                }
            }
            Filter::Truncate(n) if text.chars().count() > *n => {
                let mut cut = super::value::truncate(&text, *n);
                cut.push('…');
                cut
            }
            Filter::Truncate(_) => text,
            Filter::Number | Filter::Currency(_) => {
                let n = number.or_else(|| {
                    let parsed = (host.string_to_number)(&text);
                    (!text.trim().is_empty() && parsed.is_finite()).then_some(parsed)
                });
                match (n, filter) {
                    (Some(n), Filter::Currency(code)) => (host.format_number)(n, code),
                    (Some(n), _) => (host.format_number)(n, ""),
                    (None, _) => text,
                }
            }
        };
        // After a text filter the value is text; number filters read it again.
        number = None;
    }
    text
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn attrs() -> Value {
        serde_json::from_str(
            r#"{"traits": {"first_name": "ana", "empty": ""}, "cart": {"total": 1234.5, "count": 2},
                "utm": {"campaign": "<img src=x onerror=alert(1)>"}}"#,
        )
        .unwrap()
    }

    fn render(t: &str) -> String {
        Template::parse(t).unwrap().render(&attrs())
    }

    #[test]
    fn fills_paths_with_filters() {
        assert_eq!(
            render("Olá, {{traits.first_name | capitalize}}!"),
            "Olá, Ana!"
        );
        assert_eq!(render("{{traits.last_name | default: \"você\"}}"), "você");
        assert_eq!(render("{{traits.empty | default: 'você'}}"), "você");
        assert_eq!(render("{{ traits.first_name | upper }}"), "ANA");
        assert_eq!(render("{{cart.count}} itens"), "2 itens");
        assert_eq!(
            render("{{cart.total | currency: \"BRL\"}}"),
            "R$\u{a0}1.234,50"
        );
        assert_eq!(render("{{cart.total | number}}"), "1.234,5");
        assert_eq!(render("{{traits.first_name | truncate: 2}}"), "an…");
        assert_eq!(render("{{cart}}"), "", "objects never render");
        let items: Value =
            serde_json::from_str(r#"{"cart": {"items": [{"name": "Café"}]}}"#).unwrap();
        let t = Template::parse("{{cart.items.0.name}} / {{cart.items.1.name | default: \"-\"}}")
            .unwrap();
        assert_eq!(t.render(&items), "Café / -");
        assert_eq!(render("no expressions"), "no expressions");
    }

    #[test]
    fn values_are_text_not_markup() {
        // The template engine leaves markup characters alone: the DOM receives the
        // result as text (a text node or an attribute value), never as HTML.
        assert_eq!(render("{{utm.campaign}}"), "<img src=x onerror=alert(1)>");
    }

    #[test]
    fn mistakes_are_explained() {
        let err = |t: &str| Template::parse(t).unwrap_err();
        assert!(err("{{cart.total").contains("without a closing"));
        assert!(err("{{cart.total | curency}}").contains("did you mean \"currency\""));
        assert!(err("{{cart.total | currency: \"reais\"}}").contains("ISO 4217"));
        assert!(err("{{ | upper}}").contains("attribute path"));
        assert!(err("{{a | truncate: x}}").contains("quoted"));
        assert!(err("{{a | upper: 1}}").contains("takes no argument"));
    }
}
