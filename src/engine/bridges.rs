//! Bridges from the consent signals a site already has to vitrine's categories:
//! Google Consent Mode v2 (`gtag('consent', 'default' | 'update', {...})` on the
//! dataLayer), IAB TCF v2.2 (`__tcfapi` tcData purposes) and Global Privacy
//! Control (`navigator.globalPrivacyControl`).
//!
//! Precedence (documented in docs/config.md, tested natively and in Chromium):
//! required categories are always granted; a choice the visitor made in vitrine
//! (its panel, or the site calling `consent.set`) beats CMP signals for that
//! category; TCF and Consent Mode set the categories the visitor has not chosen,
//! the latest signal winning; GPC can only deny, and denies its categories unless
//! the visitor explicitly granted them in vitrine.

use super::diagnostic::{field, Diagnostics, Path};
use super::reader::{get, object};
use super::value::Value;

/// Where a consent change came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// vitrine's own panel: an explicit choice by the visitor.
    Panel,
    /// The site calling `consent.set`: the site's own consent UI, explicit too.
    Api,
    Tcf,
    /// A Consent Mode `update`: the CMP reporting the visitor's choice.
    ConsentMode,
    /// A Consent Mode `default`: the page's starting point before any choice. It
    /// never overrides a choice a CMP or the visitor made (see `ConsentStore::set`).
    ConsentModeDefault,
    Gpc,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Panel => "panel",
            Source::Api => "api",
            Source::Tcf => "tcf",
            Source::ConsentMode => "consent-mode",
            Source::ConsentModeDefault => "consent-mode-default",
            Source::Gpc => "gpc",
        }
    }

    pub fn parse(name: &str) -> Option<Source> {
        [
            Source::Panel,
            Source::Api,
            Source::Tcf,
            Source::ConsentMode,
            Source::ConsentModeDefault,
            Source::Gpc,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }

    /// A choice the visitor made, which outranks CMP signals.
    pub fn is_explicit(self) -> bool {
        matches!(self, Source::Panel | Source::Api)
    }

    /// A CMP reporting the visitor's choice (TCF data, a Consent Mode `update`):
    /// what it says is remembered as the CMP's choice (`ConsentStore::cmp_seen`).
    pub fn is_cmp_choice(self) -> bool {
        matches!(self, Source::Tcf | Source::ConsentMode)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Bridges {
    /// Consent Mode signal → category (`None`: the bridge is off).
    pub consent_mode: Option<Vec<(String, String)>>,
    /// TCF purpose number → category (`None`: off). Purpose 1 (store and access
    /// information on a device) is required for any category.
    pub tcf: Option<Vec<(u32, String)>>,
    /// Categories GPC denies (`None`: off).
    pub gpc: Option<Vec<String>>,
    /// When vitrine's panel is the site's consent tool, also push the matching
    /// `gtag('consent', 'update', …)` onto the dataLayer.
    pub emit_consent_mode: bool,
    /// How long a choice a CMP reported stays trusted without a fresh signal
    /// from it (`cmpTrustDays`, default 395: 13 months, the longest a consent
    /// choice is kept before asking again under the CNIL's and the EDPB's
    /// guidance). Within it a Consent Mode `default` never overrides the choice;
    /// after it the grant lapses at the next start.
    pub cmp_trust_days: u32,
}

pub const DEFAULT_CMP_TRUST_DAYS: u32 = 395;

/// The fields of `consent.bridges`.
pub(crate) const BRIDGE_FIELDS: &[&str] = &[
    "consentMode",
    "tcf",
    "gpc",
    "emitConsentMode",
    "cmpTrustDays",
];

pub const DEFAULT_CONSENT_MODE: &[(&str, &str)] = &[
    ("analytics_storage", "analytics"),
    ("ad_storage", "marketing"),
    ("ad_user_data", "marketing"),
    ("ad_personalization", "marketing"),
    ("personalization_storage", "personalization"),
    ("functionality_storage", "preferences"),
];

pub const DEFAULT_TCF: &[(u32, &str)] = &[
    (3, "marketing"),
    (4, "marketing"),
    (5, "personalization"),
    (6, "personalization"),
    (7, "analytics"),
    (8, "analytics"),
    (9, "analytics"),
];

impl Bridges {
    /// The defaults, keeping only the categories the config has.
    pub fn defaults(known: &[&str]) -> Bridges {
        let has = |c: &str| known.contains(&c);
        Bridges {
            consent_mode: Some(
                DEFAULT_CONSENT_MODE
                    .iter()
                    .filter(|(_, c)| has(c))
                    .map(|(s, c)| ((*s).to_owned(), (*c).to_owned()))
                    .collect(),
            ),
            tcf: Some(
                DEFAULT_TCF
                    .iter()
                    .filter(|(_, c)| has(c))
                    .map(|(p, c)| (*p, (*c).to_owned()))
                    .collect(),
            ),
            gpc: Some(if has("marketing") {
                vec!["marketing".into()]
            } else {
                Vec::new()
            }),
            emit_consent_mode: false,
            cmp_trust_days: DEFAULT_CMP_TRUST_DAYS,
        }
    }

    /// The categories the Consent Mode parameters decide: a category is granted
    /// only if every one of its parameters that is present says "granted".
    pub fn from_consent_mode(&self, params: &Value) -> Vec<(String, bool)> {
        let Some(map) = &self.consent_mode else {
            return Vec::new();
        };
        let mut out: Vec<(String, bool)> = Vec::new();
        for (signal, category) in map {
            let granted = match params.get(signal).and_then(Value::as_str) {
                Some("granted") => true,
                Some("denied") => false,
                _ => continue,
            };
            match out.iter_mut().find(|(c, _)| c == category) {
                Some(slot) => slot.1 = slot.1 && granted,
                None => out.push((category.clone(), granted)),
            }
        }
        out
    }

    /// The categories a TCF tcData decides (`purpose.consents`); nothing when
    /// GDPR does not apply or the data is not final yet.
    pub fn from_tcf(&self, tc_data: &Value) -> Vec<(String, bool)> {
        let Some(map) = &self.tcf else {
            return Vec::new();
        };
        if tc_data.get("gdprApplies") == Some(&Value::Bool(false)) {
            return Vec::new();
        }
        let status = tc_data.get("eventStatus").and_then(Value::as_str);
        if !matches!(status, Some("tcloaded" | "useractioncomplete")) {
            return Vec::new();
        }
        let consents = tc_data.get("purpose").and_then(|p| p.get("consents"));
        let consented =
            |n: u32| consents.and_then(|c| c.get(&n.to_string())) == Some(&Value::Bool(true));
        let storage_allowed = consented(1);
        let mut out: Vec<(String, bool)> = Vec::new();
        for (purpose, category) in map {
            let granted = storage_allowed && consented(*purpose);
            match out.iter_mut().find(|(c, _)| c == category) {
                Some(slot) => slot.1 = slot.1 && granted,
                None => out.push((category.clone(), granted)),
            }
        }
        out
    }
}

/// A Consent Mode command found on the dataLayer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConsentModeCommand<'a> {
    /// `update` (the CMP reports a choice) or `default` (the page's start).
    pub update: bool,
    pub params: &'a Value,
    /// A `default`'s `wait_for_update` in ms (0 when absent): the time to wait
    /// for the CMP's update before acting on the default.
    pub wait_ms: f64,
}

/// The longest `wait_for_update` honoured: a page asking for more still gets its
/// default acted on after this.
pub const MAX_WAIT_FOR_UPDATE_MS: f64 = 10_000.0;

/// The Consent Mode command in a dataLayer entry: `["consent", "default" |
/// "update", {params}]` (gtag pushes its `arguments`, seen as an object with
/// keys "0", "1", "2", or an array). A `default` limited to `region`s is not
/// taken: vitrine cannot know the visitor's region, and the page's regionless
/// default (or the opt-in default) stands.
pub fn consent_mode_command(entry: &Value) -> Option<ConsentModeCommand<'_>> {
    let arg = |i: usize| match entry {
        Value::Array(args) => args.get(i),
        Value::Object(_) => entry.get(&i.to_string()),
        _ => None,
    };
    if arg(0)?.as_str()? != "consent" {
        return None;
    }
    let update = match arg(1)?.as_str()? {
        "default" => false,
        "update" => true,
        _ => return None,
    };
    let params = arg(2).filter(|p| p.as_object().is_some())?;
    if !update && params.get("region").is_some() {
        return None;
    }
    let wait_ms = match params.get("wait_for_update").and_then(Value::as_f64) {
        Some(ms) if !update && ms > 0.0 => ms.min(MAX_WAIT_FOR_UPDATE_MS),
        _ => 0.0,
    };
    Some(ConsentModeCommand {
        update,
        params,
        wait_ms,
    })
}

/// `consent.bridges` in the config.
pub fn parse(value: Option<&Value>, known: &[&str], diags: &mut Diagnostics) -> Bridges {
    let mut bridges = Bridges::defaults(known);
    let Some(value) = value else {
        return bridges;
    };
    let here = &Path::Text("consent.bridges");
    let Some(map) = object(value, here, BRIDGE_FIELDS, diags) else {
        return bridges;
    };
    let category = |v: &Value, path: &Path, diags: &mut Diagnostics| -> Option<String> {
        super::reader::category_ref(v, path, known, diags)
    };
    if let Some(v) = get(map, "consentMode") {
        let path = field(here, "consentMode");
        bridges.consent_mode = match v {
            Value::Bool(false) => None,
            Value::Bool(true) => bridges.consent_mode,
            Value::Object(entries) => Some(
                entries
                    .iter()
                    .filter_map(|(signal, c)| {
                        category(c, &field(&path, signal), diags).map(|c| (signal.clone(), c))
                    })
                    .collect(),
            ),
            other => {
                diags.report(&path, || {
                    format!(
                        "expected true, false or {{signal: category}}, found {}",
                        other.kind()
                    )
                });
                None
            }
        };
    }
    if let Some(v) = get(map, "tcf") {
        let path = field(here, "tcf");
        bridges.tcf = match v {
            Value::Bool(false) => None,
            Value::Bool(true) => bridges.tcf,
            Value::Object(entries) => Some(
                entries
                    .iter()
                    .filter_map(|(purpose, c)| {
                        let p = field(&path, purpose);
                        match purpose.parse::<u32>() {
                            Ok(n) if (2..=11).contains(&n) => category(c, &p, diags).map(|c| (n, c)),
                            _ => {
                                diags.report(&p, || "a TCF purpose is a number from 2 to 11 (purpose 1 is always required)");
                                None
                            }
                        }
                    })
                    .collect(),
            ),
            other => {
                diags.report(&path, || format!("expected true, false or {{purpose: category}}, found {}", other.kind()));
                None
            }
        };
    }
    if let Some(v) = get(map, "gpc") {
        let path = field(here, "gpc");
        bridges.gpc = match v {
            Value::Bool(false) => None,
            Value::Bool(true) => bridges.gpc,
            Value::Array(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| category(c, &super::diagnostic::index(&path, i), diags))
                    .collect(),
            ),
            other => {
                diags.report(&path, || {
                    format!(
                        "expected true, false or a list of categories, found {}",
                        other.kind()
                    )
                });
                None
            }
        };
    }
    bridges.emit_consent_mode = super::reader::boolean(
        map,
        "emitConsentMode",
        bridges.emit_consent_mode,
        here,
        diags,
    );
    if let Some(v) = get(map, "cmpTrustDays") {
        match v.as_f64() {
            Some(n) if (1.0..=3650.0).contains(&n) && n.fract() == 0.0 => {
                bridges.cmp_trust_days = n as u32
            }
            _ => diags.report(&field(here, "cmpTrustDays"), || {
                format!(
                    "expected a whole number of days from 1 to 3650, found {}",
                    v.to_json()
                )
            }),
        }
    }
    bridges
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &[
        "necessary",
        "preferences",
        "analytics",
        "personalization",
        "marketing",
    ];

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn consent_mode_maps_signals_conservatively() {
        let b = Bridges::defaults(KNOWN);
        let got = b.from_consent_mode(&json(
            r#"{"analytics_storage": "granted", "ad_storage": "granted", "ad_user_data": "denied", "functionality_storage": "granted"}"#,
        ));
        assert_eq!(
            got,
            [
                ("analytics".to_owned(), true),
                ("marketing".to_owned(), false),
                ("preferences".to_owned(), true)
            ]
        );
        let entry =
            json(r#"{"0": "consent", "1": "update", "2": {"analytics_storage": "denied"}}"#);
        let command = consent_mode_command(&entry).unwrap();
        assert!(command.update);
        assert_eq!(command.wait_ms, 0.0);
        assert!(consent_mode_command(&json(r#"["consent", "wait", {}]"#)).is_none());
        assert!(consent_mode_command(&json(r#"{"event": "x"}"#)).is_none());
    }

    #[test]
    fn defaults_are_told_apart_with_their_wait() {
        let default = json(
            r#"["consent", "default", {"personalization_storage": "denied", "wait_for_update": 500}]"#,
        );
        let command = consent_mode_command(&default).unwrap();
        assert!(!command.update);
        assert_eq!(command.wait_ms, 500.0);
        let long = json(r#"["consent", "default", {"wait_for_update": 600000}]"#);
        assert_eq!(
            consent_mode_command(&long).unwrap().wait_ms,
            MAX_WAIT_FOR_UPDATE_MS
        );
        // A regional default: the region is unknown here, so it is not taken.
        let regional =
            json(r#"["consent", "default", {"ad_storage": "granted", "region": ["US-CA"]}]"#);
        assert!(consent_mode_command(&regional).is_none());
    }

    #[test]
    fn tcf_needs_purpose_one_and_a_final_status() {
        let b = Bridges::defaults(KNOWN);
        let data = |status: &str, p1: bool| {
            json(&format!(
                r#"{{"gdprApplies": true, "eventStatus": "{status}", "purpose": {{"consents": {{"1": {p1}, "3": true, "4": true, "5": true, "6": true, "7": true, "8": false}}}}}}"#
            ))
        };
        assert_eq!(
            b.from_tcf(&data("useractioncomplete", true)),
            [
                ("marketing".to_owned(), true),
                ("personalization".to_owned(), true),
                ("analytics".to_owned(), false)
            ]
        );
        assert!(b.from_tcf(&data("cmpuishown", true)).is_empty());
        assert!(b.from_tcf(&data("tcloaded", false)).iter().all(|(_, g)| !g));
        assert!(b
            .from_tcf(&json(
                r#"{"gdprApplies": false, "eventStatus": "tcloaded"}"#
            ))
            .is_empty());
    }

    #[test]
    fn config_errors_name_their_path() {
        let mut d = Diagnostics::default();
        parse(
            Some(&json(
                r#"{"tcf": {"1": "analytics", "5": "personalizaton"}, "gpc": ["ads"]}"#,
            )),
            KNOWN,
            &mut d,
        );
        let errors: Vec<String> = d.items.iter().map(ToString::to_string).collect();
        assert!(
            errors[0].starts_with("consent.bridges.tcf.1: a TCF purpose"),
            "{errors:?}"
        );
        assert!(
            errors[1].contains("consent.bridges.tcf.5: unknown consent category"),
            "{errors:?}"
        );
        assert!(
            errors[2].starts_with("consent.bridges.gpc[0]"),
            "{errors:?}"
        );
    }
}
