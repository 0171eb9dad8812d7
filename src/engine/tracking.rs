//! The config's `profile` section: how signals become profile data.
//!
//! Which elements' clicks count under which key (besides `data-vitrine-track`),
//! how fast affinity fades, when a full cart left alone counts as abandoned, and
//! whether a known customer id (from `identify`) replaces the anonymous id. Every
//! field is optional; the defaults are what most shops want.

use super::affinity::DEFAULT_HALF_LIFE_DAYS;
use super::diagnostic::{field, Diagnostics, Path};
use super::reader::{get, identifier, object, string, MAX_SELECTOR_LEN};
use super::value::Value;

/// Selector → key entries in `profile.clicks`.
pub const MAX_CLICK_SELECTORS: usize = 50;
const DEFAULT_ABANDON_IDLE_MS: f64 = 60_000.0;

pub(crate) const PROFILE_FIELDS: &[&str] =
    &["clicks", "affinity", "abandonment", "identity", "search"];
pub(crate) const AFFINITY_FIELDS: &[&str] = &["halfLifeDays"];
pub(crate) const ABANDONMENT_FIELDS: &[&str] = &["idleSeconds"];
pub(crate) const IDENTITY_FIELDS: &[&str] = &["replaceAnonymousId", "urlParam"];
pub(crate) const SEARCH_FIELDS: &[&str] = &["urlParam"];

#[derive(Debug, Clone, PartialEq)]
pub struct Tracking {
    /// `(selector, key)`: a click inside an element matching the selector counts
    /// as a click on `key`.
    pub clicks: Vec<(String, String)>,
    pub half_life_days: f64,
    /// A non-empty cart and this long without interaction is an abandoned cart
    /// (exit intent is the other way).
    pub abandon_idle_ms: f64,
    pub identity: IdentityConfig,
    /// The query parameter of the site's search results URL (`q` in `/busca?q=`):
    /// arriving with it is a search for its value.
    pub search_param: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdentityConfig {
    /// Experiments and holdouts bucket on the customer id once known, so a
    /// customer sees the same variant on every device they log in on.
    pub replace_anonymous_id: bool,
    /// A URL parameter that carries an opaque customer id (e.g. in email and
    /// WhatsApp links), read as `identify(value)` on arrival.
    pub url_param: Option<String>,
}

impl Default for Tracking {
    fn default() -> Self {
        Tracking {
            clicks: Vec::new(),
            half_life_days: DEFAULT_HALF_LIFE_DAYS,
            abandon_idle_ms: DEFAULT_ABANDON_IDLE_MS,
            identity: IdentityConfig::default(),
            search_param: None,
        }
    }
}

/// `max` is a whole number so the message needs no float formatting (which
/// would link 16 KB of float-printing code into the wasm).
fn positive(value: &Value, path: &Path, max: u32, diags: &mut Diagnostics) -> Option<f64> {
    match value {
        Value::Number(n) if *n > 0.0 && *n <= f64::from(max) => Some(*n),
        other => {
            diags.report(path, || {
                format!(
                    "must be a number above 0 and at most {max}, found {}",
                    other.to_json()
                )
            });
            None
        }
    }
}

pub fn parse(value: Option<&Value>, diags: &mut Diagnostics) -> Tracking {
    let mut tracking = Tracking::default();
    let Some(value) = value else {
        return tracking;
    };
    let Some(map) = object(value, &Path::Text("profile"), PROFILE_FIELDS, diags) else {
        return tracking;
    };
    if let Some(v) = get(map, "clicks") {
        if let Some(entries) = v.as_object() {
            if entries.len() > MAX_CLICK_SELECTORS {
                diags.report(&Path::Text("profile.clicks"), || {
                    format!(
                        "has {} selectors; the limit is {MAX_CLICK_SELECTORS}",
                        entries.len()
                    )
                });
            }
            for (selector, key) in entries.iter().take(MAX_CLICK_SELECTORS) {
                let path = field(&Path::Text("profile.clicks"), selector);
                if selector.trim().is_empty() || selector.chars().count() > MAX_SELECTOR_LEN {
                    diags.report(&path, || "the selector must be 1 to 512 characters");
                    continue;
                }
                if let Some(key) = identifier(key, &path, diags) {
                    tracking.clicks.push((selector.clone(), key));
                }
            }
        } else {
            diags.report(&Path::Text("profile.clicks"), || {
                format!("expected an object of selector: key, found {}", v.kind())
            });
        }
    }
    if let Some(v) = get(map, "affinity") {
        if let Some(m) = object(v, &Path::Text("profile.affinity"), AFFINITY_FIELDS, diags) {
            if let Some(h) = get(m, "halfLifeDays") {
                let path = &Path::Text("profile.affinity.halfLifeDays");
                tracking.half_life_days = positive(h, path, 3650, diags).unwrap_or(7.0);
            }
        }
    }
    if let Some(v) = get(map, "abandonment") {
        if let Some(m) = object(
            v,
            &Path::Text("profile.abandonment"),
            ABANDONMENT_FIELDS,
            diags,
        ) {
            if let Some(s) = get(m, "idleSeconds") {
                let path = &Path::Text("profile.abandonment.idleSeconds");
                if let Some(s) = positive(s, path, 86_400, diags) {
                    tracking.abandon_idle_ms = s * 1000.0;
                }
            }
        }
    }
    if let Some(v) = get(map, "identity") {
        let here = &Path::Text("profile.identity");
        if let Some(m) = object(v, here, IDENTITY_FIELDS, diags) {
            tracking.identity.replace_anonymous_id = super::reader::boolean(
                m,
                "replaceAnonymousId",
                tracking.identity.replace_anonymous_id,
                here,
                diags,
            );
            if let Some(p) = get(m, "urlParam") {
                tracking.identity.url_param =
                    string(p, &field(here, "urlParam"), 64, diags).filter(|p| !p.is_empty());
            }
        }
    }
    if let Some(v) = get(map, "search") {
        let here = &Path::Text("profile.search");
        if let Some(m) = object(v, here, SEARCH_FIELDS, diags) {
            if let Some(p) = get(m, "urlParam") {
                tracking.search_param =
                    string(p, &field(here, "urlParam"), 64, diags).filter(|p| !p.is_empty());
            }
        }
    }
    tracking
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn errors(json: &str) -> Vec<String> {
        let v: Value = serde_json::from_str(json).unwrap();
        let mut d = Diagnostics::default();
        parse(Some(&v), &mut d);
        d.items.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn defaults_and_values() {
        let mut d = Diagnostics::default();
        assert_eq!(parse(None, &mut d), Tracking::default());
        let v: Value = serde_json::from_str(
            r##"{"clicks": {"#buy": "buy"}, "affinity": {"halfLifeDays": 3},
                "abandonment": {"idleSeconds": 20},
                "identity": {"replaceAnonymousId": true, "urlParam": "cid"}}"##,
        )
        .unwrap();
        let t = parse(Some(&v), &mut d);
        assert!(d.is_empty());
        assert_eq!(t.clicks, vec![("#buy".to_owned(), "buy".to_owned())]);
        assert_eq!((t.half_life_days, t.abandon_idle_ms), (3.0, 20_000.0));
        assert!(t.identity.replace_anonymous_id);
        assert_eq!(t.identity.url_param.as_deref(), Some("cid"));
    }

    #[test]
    fn mistakes_name_their_path() {
        assert_eq!(
            errors(
                r#"{"affinity": {"halfLifeDays": 0}, "identity": {"replaceAnonymousId": "yes"}}"#
            ),
            [
                "profile.affinity.halfLifeDays: must be a number above 0 and at most 3650, found 0",
                "profile.identity.replaceAnonymousId: expected true or false, found \"yes\"",
            ]
        );
        assert_eq!(
            errors(r##"{"clicks": {"#a": "bad key!"}}"##),
            ["profile.clicks.#a: \"bad key!\" is not a valid id (letters, digits, - _ . : only)"]
        );
        assert!(errors(r#"{"abandonmnet": {}}"#)[0].contains("did you mean \"abandonment\""));
    }
}
