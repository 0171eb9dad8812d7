//! Signals: what the browser shell observed, translated into engine terms.
//!
//! A signal carries no time and no randomness of its own; the shell passes `now_ms`
//! alongside, so a sequence of signals replays identically in tests. The page context
//! (URL, referrer, local time) is parsed here rather than in the shell so the same
//! rules (UTM extraction, bounds) hold natively and in the browser.

use super::affinity::{Interest, ProductRef};
use super::profile::{truncate, Aggregate, CartItem, Props};
use super::value::{object, Value};

const MAX_URL_LEN: usize = 2048;
const MAX_PARAMS: usize = 50;
const MAX_PARAM_LEN: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// A click on (or inside) an element marked `data-vitrine-track="key"`.
    Click {
        key: String,
    },
    CartAdd(CartItem),
    CartRemove {
        id: String,
    },
    /// Replaces the whole cart (the site's cart is the source of truth).
    CartSet(Vec<CartItem>),
    /// Active (visible) time spent on the page since the previous dwell signal,
    /// and the marked elements (`data-vitrine-dwell`) that were in view meanwhile.
    Dwell {
        active_ms: f64,
        elements: Vec<String>,
    },
    /// Signs of interest in products (card clicks, time in view, views, adds).
    Interest(Vec<(ProductRef, Interest)>),
    /// A known customer from the site's login; `None` forgets them (logout).
    Identify {
        id: Option<String>,
        traits: Props,
    },
    /// The deepest the visitor has scrolled on this page, in percent.
    Scroll {
        max_pct: f64,
    },
    /// The visitor is about to leave (pointer out through the top, fast scroll up).
    ExitIntent,
    /// Time without interaction so far.
    Idle {
        idle_ms: f64,
    },
    /// A custom event from `track(name, props)`.
    Track {
        name: String,
        props: Props,
    },
    /// An on-site search: the term as typed (redacted before it is kept) and the
    /// number of results when the site says it.
    Search {
        term: String,
        results: Option<f64>,
    },
    /// A survey answered (its scores; free text goes through `Sentiment`).
    Answer(super::feedback::Answer),
    /// The sentiment of a text the visitor wrote (the text itself is not carried).
    Sentiment {
        label: super::sentiment::Label,
        score: f64,
    },
}

impl Signal {
    /// The profile aggregate the signal feeds, and so the consent category it needs.
    pub fn aggregate(&self) -> Aggregate {
        match self {
            Signal::Click { .. } => Aggregate::Clicks,
            Signal::CartAdd(_) | Signal::CartRemove { .. } | Signal::CartSet(_) => Aggregate::Cart,
            // Engagement signals share the dwell data's consent category.
            Signal::Dwell { .. }
            | Signal::Scroll { .. }
            | Signal::ExitIntent
            | Signal::Idle { .. } => Aggregate::Dwell,
            Signal::Track { .. } => Aggregate::Events,
            Signal::Interest(_) => Aggregate::Affinity,
            Signal::Identify { .. } => Aggregate::Identity,
            Signal::Search { .. } => Aggregate::Search,
            Signal::Sentiment { .. } | Signal::Answer(_) => Aggregate::Feedback,
        }
    }

    /// `track(name, props)`: a custom event, and for `search` with a `term` (or
    /// GA4's `search_term`) also a search. The term is taken out of the props
    /// before they are kept as they are (and cut at 64 characters): it is redacted
    /// first, whole (`search::normalize`). `results` (or `search_results`), a
    /// number, says how many results the search found.
    pub fn from_track(name: String, props: Option<&Value>) -> Result<Vec<Signal>, String> {
        const TAKEN: [&str; 4] = ["term", "search_term", "results", "search_results"];
        let mut kept = match props {
            None => Props::new(),
            Some(v) => super::profile::props_from_value(
                v,
                super::profile::MAX_PROPS,
                super::profile::MAX_PROP_VALUE_LEN,
            )?,
        };
        let mut search = None;
        if super::search::SEARCH_EVENTS.contains(&name.as_str()) {
            // Read whole from the argument: the kept props are cut at 64 characters.
            let raw = |key: &str| props.and_then(|p| p.get(key));
            if let Some(Value::String(term)) = raw("term").or_else(|| raw("search_term")) {
                search = Some(Signal::Search {
                    term: term.clone(),
                    results: raw("results")
                        .or_else(|| raw("search_results"))
                        .and_then(Value::as_f64),
                });
            }
            kept.retain(|(k, _)| !TAKEN.contains(&k.as_str()));
        }
        let mut signals = vec![Signal::Track { name, props: kept }];
        signals.extend(search);
        Ok(signals)
    }
}

/// Where the visitor is now. Not stored: it describes the page, not the person.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub url: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub referrer: String,
    pub title: String,
    /// Local hour 0–23 and weekday 0 (Sunday)–6, from the visitor's clock.
    pub hour: u8,
    pub weekday: u8,
    pub language: String,
    /// `mobile`, `tablet` or `desktop`.
    pub device: String,
    /// The visitor's IANA time zone, e.g. `America/Sao_Paulo` (may be empty).
    pub timezone: String,
}

impl Context {
    /// Builds the context from what the page reports; every field is bounded.
    pub fn from_page(
        url: &str,
        referrer: &str,
        title: &str,
        hour: u8,
        weekday: u8,
        language: &str,
        viewport_width: f64,
    ) -> Context {
        let url = truncate(url, MAX_URL_LEN);
        let without_fragment = url.split('#').next().unwrap_or("");
        let (before_query, query) = without_fragment
            .split_once('?')
            .unwrap_or((without_fragment, ""));
        let path = match before_query.split_once("://") {
            Some((_, rest)) => rest.find('/').and_then(|j| rest.get(j..)).unwrap_or("/"),
            None => before_query,
        };
        let device = if viewport_width < 768.0 {
            "mobile"
        } else if viewport_width < 1024.0 {
            "tablet"
        } else {
            "desktop"
        };
        Context {
            path: percent_decode(path),
            query: parse_query(query),
            referrer: truncate(referrer, MAX_URL_LEN),
            title: truncate(title, 200),
            hour: hour.min(23),
            weekday: weekday.min(6),
            language: truncate(language, 35),
            device: device.into(),
            timezone: String::new(),
            url,
        }
    }

    pub fn set_timezone(&mut self, timezone: &str) {
        self.timezone = truncate(timezone, 64);
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `page`, `utm`, `time` and `device` attributes.
    pub fn attributes(&self) -> Vec<(&'static str, Value)> {
        let query = Value::Object(
            self.query
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect(),
        );
        let utm = Value::Object(
            self.query
                .iter()
                .filter_map(|(k, v)| {
                    Some((k.strip_prefix("utm_")?.to_owned(), Value::from(v.as_str())))
                })
                .collect(),
        );
        vec![
            (
                "page",
                object(vec![
                    ("url", Value::from(self.url.as_str())),
                    ("path", Value::from(self.path.as_str())),
                    ("query", query),
                    ("referrer", Value::from(self.referrer.as_str())),
                    ("title", Value::from(self.title.as_str())),
                ]),
            ),
            ("utm", utm),
            (
                "time",
                object(vec![
                    ("hour", Value::Number(f64::from(self.hour))),
                    ("weekday", Value::Number(f64::from(self.weekday))),
                    ("timezone", Value::from(self.timezone.as_str())),
                ]),
            ),
            (
                "device",
                object(vec![
                    ("type", Value::from(self.device.as_str())),
                    ("language", Value::from(self.language.as_str())),
                ]),
            ),
        ]
    }
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if out.len() >= MAX_PARAMS {
            break;
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = truncate(&percent_decode(&k.replace('+', " ")), MAX_PARAM_LEN);
        let v = truncate(&percent_decode(&v.replace('+', " ")), MAX_PARAM_LEN);
        // The first occurrence wins, as URLSearchParams.get does.
        if !out.iter().any(|(key, _)| *key == k) {
            out.push((k, v));
        }
    }
    out
}

/// Decodes `%XX` escapes; invalid escapes and invalid UTF-8 are kept/replaced, never fatal.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn parses_path_query_and_utm() {
        let c = Context::from_page(
            "https://loja.example/caf%C3%A9s/?utm_source=news&utm_medium=email&q=a+b&q=c#x",
            "",
            "Loja",
            25,
            3,
            "pt-BR",
            1200.0,
        );
        assert_eq!(c.path, "/cafés/");
        assert_eq!(c.param("q"), Some("a b"));
        assert_eq!(c.param("utm_medium"), Some("email"));
        assert_eq!(c.hour, 23);
        assert_eq!(c.device, "desktop");
        let attrs = c.attributes();
        assert_eq!(attrs[1].1.get("source"), Some(&Value::from("news")));
    }

    #[test]
    fn bad_escapes_are_harmless() {
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
        assert_eq!(Context::from_page("/p", "", "", 0, 0, "", 500.0).path, "/p");
    }
}
