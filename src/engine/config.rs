//! The site owner's config: parsed from a JSON value, validated, compiled.
//!
//! Validation walks the whole document and reports every problem with the path of
//! the field (see `diagnostic`), never stopping at the first. Unknown fields are
//! errors, because a misspelt field silently ignored is a rule that silently never
//! fires. Limits (rule count, string lengths, condition depth) keep a broken or
//! hostile config from hurting the page: exceeding one is a validation error.

use super::condition::Condition;
use super::diagnostic::{field, index, Diagnostics, Path};
use super::profile::Aggregate;
use super::saved_groups::SavedGroups;
use super::value::Value;

use super::action::actions;
use super::reader::{
    bounded_list, category_ref, consent_list, get, identifier, object, priority, required_id,
    string,
};
pub use super::reader::{
    DEFAULT_RULE_CATEGORY, MAX_CATEGORIES, MAX_ID_LEN, MAX_SELECTOR_LEN, MAX_TEXT_LEN, NECESSARY,
};

pub const MAX_RULES: usize = 1000;
pub use super::action::MAX_ACTIONS;
use super::consent_config::parse_consent;
pub use super::consent_config::{Category, ConsentConfig, DEFAULT_CATEGORIES};

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub consent: ConsentConfig,
    /// The consent category each profile aggregate is collected and stored under.
    pub signals: Vec<(Aggregate, String)>,
    /// In evaluation order: every segment after the segments it uses.
    pub segments: Vec<super::segment::Segment>,
    pub rules: Vec<Rule>,
    pub experiments: Vec<super::experiment::Experiment>,
    /// Where exposures are reported besides `on('exposure')`, if anywhere.
    pub exposures: Option<ExposureSink>,
    /// Conversions (`goals`) and where exposures and conversions are delivered.
    pub goals: Vec<super::delivery::Goal>,
    pub destinations: Vec<super::delivery::Destination>,
    /// How signals become profile data (the `profile` section).
    pub tracking: super::tracking::Tracking,
    /// Products and complements for recommendations.
    pub catalog: super::catalog::Catalog,
    /// Prediction models: `predict.<id>` attributes.
    pub models: Vec<super::model::Model>,
    /// What every pop-up shares (the `prompts` section): the cooldown.
    pub prompts: super::prompt::Settings,
}

/// Exposures pushed onto `window.dataLayer` (for GTM/GA), only while every
/// category in `consent` is granted: the page's tags may send them on.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposureSink {
    pub event: String,
    pub consent: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    /// Every category the rule needs; it applies only while all are granted.
    pub consent: Vec<String>,
    pub when: Option<Condition>,
    pub actions: Vec<Action>,
    pub priority: i32,
    /// The top-level attributes `when` reads, `segments` expanded to what the
    /// segments read (for incremental evaluation).
    pub reads: Vec<String>,
    /// Trigger, frequency cap, schedule, holdout.
    pub gates: super::gates::Gates,
}

impl Rule {
    /// The rule's pop-up, if it shows one (at most one per rule).
    pub fn popup(&self) -> Option<&super::prompt::Popup> {
        self.actions.iter().find_map(|a| match &a.kind {
            ActionKind::Popup(p) => Some(&**p),
            _ => None,
        })
    }
}

pub use super::action::{Action, ActionKind};

pub(crate) const ROOT_FIELDS: &[&str] = &[
    "$schema",
    "version",
    "consent",
    "signals",
    "segments",
    "rules",
    "experiments",
    "savedGroups",
    "exposures",
    "goals",
    "destinations",
    "profile",
    "catalog",
    "models",
    "prompts",
];
pub(crate) const EXPOSURE_FIELDS: &[&str] = &["dataLayer", "consent"];
/// `exposures.dataLayer` in its object form.
pub(crate) const DATALAYER_FIELDS: &[&str] = &["event"];
pub(crate) const RULE_FIELDS: &[&str] = &[
    "id",
    "description",
    "consent",
    "trigger",
    "frequency",
    "schedule",
    "holdout",
    "when",
    "actions",
    "priority",
];

impl Config {
    /// Validates and compiles; on failure returns every problem found.
    pub fn parse(value: &Value) -> Result<Config, Vec<super::diagnostic::Diagnostic>> {
        let mut diags = Diagnostics::default();
        let config = parse_root(value, &mut diags);
        match config {
            Some(c) if diags.is_empty() => {
                #[cfg(not(target_arch = "wasm32"))]
                super::harvest::harvest(value);
                Ok(c)
            }
            _ => Err(diags.items),
        }
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.consent.categories.iter().find(|c| c.id == id)
    }

    /// For each category, what it unlocks: the profile data collected under it,
    /// the rules and experiments that need it, whether exposures are sent under
    /// it. For privacy officers (the privacy center) and the consent panel.
    pub fn privacy_map(&self) -> Value {
        let texts = |t: &[(String, String)]| {
            Value::Object(
                t.iter()
                    .map(|(l, x)| (l.clone(), Value::from(x.as_str())))
                    .collect(),
            )
        };
        let list = |ids: Vec<&str>| Value::Array(ids.into_iter().map(Value::from).collect());
        let categories = self.consent.categories.iter().map(|c| {
            let id = c.id.as_str();
            let signals = self
                .signals
                .iter()
                .filter(|(_, cat)| cat == id)
                .map(|(a, _)| a.name());
            let rules = self
                .rules
                .iter()
                .filter(|r| r.consent.iter().any(|x| x == id));
            let experiments = self
                .experiments
                .iter()
                .filter(|e| e.consent.iter().any(|x| x == id));
            let exposures = self
                .exposures
                .as_ref()
                .is_some_and(|e| e.consent.iter().any(|x| x == id));
            super::value::object(vec![
                ("id", Value::from(id)),
                ("required", Value::Bool(c.required)),
                ("label", texts(&c.label)),
                ("description", texts(&c.description)),
                ("signals", list(signals.collect())),
                ("rules", list(rules.map(|r| r.id.as_str()).collect())),
                (
                    "experiments",
                    list(experiments.map(|e| e.id.as_str()).collect()),
                ),
                ("exposures", Value::Bool(exposures)),
            ])
        });
        Value::Array(categories.collect())
    }

    /// The category an aggregate of the profile belongs to.
    pub fn category_of(&self, aggregate: Aggregate) -> &str {
        self.signals
            .iter()
            .find(|(a, _)| *a == aggregate)
            .map(|(_, c)| c.as_str())
            .unwrap_or(DEFAULT_RULE_CATEGORY)
    }
}

fn parse_root(value: &Value, diags: &mut Diagnostics) -> Option<Config> {
    let map = object(value, &Path::ROOT, ROOT_FIELDS, diags)?;
    if let Some(v) = get(map, "version") {
        if v.as_f64() != Some(1.0) {
            diags.report(&Path::Text("version"), || {
                format!(
                    "unsupported config version {}; this vitrine reads version 1",
                    v.to_json()
                )
            });
        }
    }
    let consent = parse_consent(get(map, "consent"), diags);
    let known: Vec<&str> = consent.categories.iter().map(|c| c.id.as_str()).collect();
    let signals = parse_signals(get(map, "signals"), &known, diags);
    let groups = SavedGroups::parse(get(map, "savedGroups"), diags);
    let segments = super::segment::parse(get(map, "segments"), &groups, diags);
    let segment_ids: Vec<&str> = segments.iter().map(|s| s.id.as_str()).collect();
    let mut rules = Vec::new();
    for (i, r) in bounded_list(
        get(map, "rules"),
        &Path::Text("rules"),
        MAX_RULES,
        "rules",
        diags,
    )
    .iter()
    .enumerate()
    {
        let path = index(&Path::Text("rules"), i);
        if let Some(when) = r.get("when") {
            super::segment::check_references(when, &field(&path, "when"), &segment_ids, diags);
        }
        rules.extend(parse_rule(r, &path, &known, &groups, diags));
    }
    let experiments = super::experiment::parse(
        get(map, "experiments"),
        &known,
        &segment_ids,
        &groups,
        diags,
    );
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    for i in super::reader::duplicate_ids(&ids) {
        diags.report(&field(&index(&Path::Text("rules"), i), "id"), || {
            format!("duplicate rule id \"{}\"", rules[i].id)
        });
    }
    let exposures = get(map, "exposures").and_then(|v| parse_exposures(v, &known, diags));
    let goals = super::delivery::parse_goals(get(map, "goals"), diags);
    let destinations = super::delivery::parse_destinations(get(map, "destinations"), &known, diags);
    let tracking = super::tracking::parse(get(map, "profile"), diags);
    let catalog = super::catalog::parse(get(map, "catalog"), diags);
    let models = super::model::parse(get(map, "models"), diags);
    let prompts = get(map, "prompts").map_or_else(Default::default, |v| {
        super::prompt::parse_settings(v, &Path::Text("prompts"), diags)
    });
    let mut segment_reads = super::segment::segment_roots(&segments);
    // Scores read the profile: whoever reads `predict` depends on the features.
    let with_features = |reads: &mut Vec<String>| {
        if reads.iter().any(|r| super::segment::overlaps(r, "predict")) {
            for root in super::model::FEATURE_ROOTS {
                if !reads.iter().any(|r| r == root) {
                    reads.push((*root).to_owned());
                }
            }
        }
    };
    with_features(&mut segment_reads);
    for rule in &mut rules {
        with_features(&mut rule.reads);
        if rule.reads.iter().any(|r| r == "segments") {
            for r in &segment_reads {
                if !rule.reads.contains(r) {
                    rule.reads.push(r.clone());
                }
            }
        }
    }
    Some(Config {
        consent,
        signals,
        segments,
        rules,
        experiments,
        exposures,
        goals,
        destinations,
        tracking,
        catalog,
        models,
        prompts,
    })
}

fn parse_exposures(value: &Value, known: &[&str], diags: &mut Diagnostics) -> Option<ExposureSink> {
    let map = object(value, &Path::Text("exposures"), EXPOSURE_FIELDS, diags)?;
    let event = match get(map, "dataLayer") {
        None | Some(Value::Bool(false)) => return None,
        Some(Value::Bool(true)) => "vitrine_exposure".to_owned(),
        Some(v @ Value::Object(_)) => {
            let inner = object(
                v,
                &Path::Text("exposures.dataLayer"),
                DATALAYER_FIELDS,
                diags,
            )?;
            match get(inner, "event") {
                Some(e) => identifier(e, &Path::Text("exposures.dataLayer.event"), diags)?,
                None => "vitrine_exposure".to_owned(),
            }
        }
        Some(other) => {
            diags.report(&Path::Text("exposures.dataLayer"), || {
                format!(
                    "expected true or {{\"event\": name}}, found {}",
                    other.to_json()
                )
            });
            return None;
        }
    };
    let consent = match get(map, "consent") {
        None if known.contains(&"analytics") => vec!["analytics".to_owned()],
        None => {
            diags.report(&Path::Text("exposures"), || {
                "missing field \"consent\" (there is no \"analytics\" category to default to)"
            });
            return None;
        }
        Some(_) => consent_list(map, &Path::Text("exposures"), known, diags),
    };
    Some(ExposureSink { event, consent })
}

fn parse_signals(
    value: Option<&Value>,
    known: &[&str],
    diags: &mut Diagnostics,
) -> Vec<(Aggregate, String)> {
    let mut signals: Vec<(Aggregate, String)> = Aggregate::ALL
        .iter()
        .map(|a| (*a, DEFAULT_RULE_CATEGORY.to_owned()))
        .collect();
    let names: Vec<&str> = Aggregate::ALL.iter().map(|a| a.name()).collect();
    if let Some(value) = value {
        if let Some(map) = object(value, &Path::Text("signals"), &names, diags) {
            for (key, v) in map {
                let path = field(&Path::Text("signals"), key);
                let Some(agg) = Aggregate::ALL.iter().find(|a| a.name() == key) else {
                    continue;
                };
                if let Some(cat) = category_ref(v, &path, known, diags) {
                    if let Some(slot) = signals.iter_mut().find(|(a, _)| a == agg) {
                        slot.1 = cat;
                    }
                }
            }
        }
    }
    // A config with its own categories and no "personalization" must say where signals go.
    if value.is_none() && !known.contains(&DEFAULT_RULE_CATEGORY) {
        diags.report(&Path::Text("signals"), || {
            "required when the consent categories do not include \"personalization\""
        });
    }
    signals
}

fn parse_rule(
    value: &Value,
    path: &Path,
    known: &[&str],
    groups: &SavedGroups,
    diags: &mut Diagnostics,
) -> Option<Rule> {
    let map = object(value, path, RULE_FIELDS, diags)?;
    let id = required_id(map, path, diags);
    if let Some(v) = get(map, "description") {
        string(v, &field(path, "description"), 2000, diags);
    }
    let consent = consent_list(map, path, known, diags);
    let when =
        get(map, "when").and_then(|v| Condition::compile(v, &field(path, "when"), groups, diags));
    let priority = priority(map, path, diags);
    let actions = actions(get(map, "actions"), &field(path, "actions"), false, diags);
    let gates = super::gates::parse(map, path, diags);
    let mut reads = when.as_ref().map(Condition::roots).unwrap_or_default();
    // Gates read attributes too; incremental evaluation must know.
    let gate_reads = [
        gates.trigger.reads(),
        gates.frequency.as_ref().map(|_| "frequency"),
        gates.schedule.as_ref().map(|_| "time"),
        gates.schedule.as_ref().map(|_| "clock"),
    ];
    for r in gate_reads.into_iter().flatten() {
        reads.push(r.to_owned());
    }
    let popups = actions
        .iter()
        .filter(|a| matches!(a.kind, ActionKind::Popup(_)))
        .count();
    if popups > 0 {
        // What pop-ups share (shown, closed, the one showing) and their minimum
        // time on the page.
        reads.extend(["prompts".to_owned(), "dwell".to_owned()]);
    }
    if popups > 1 {
        diags.report(&field(path, "actions"), || {
            "has more than one popup action; a rule shows at most one pop-up"
        });
    }
    Some(Rule {
        id: id?,
        consent,
        when,
        actions,
        priority,
        reads,
        gates,
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Config, Vec<String>> {
        let v: Value = serde_json::from_str(json).unwrap();
        Config::parse(&v).map_err(|d| d.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn minimal_config_gets_default_categories() {
        let c = parse(r#"{"version": 1}"#).unwrap();
        let ids: Vec<_> = c.consent.categories.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, DEFAULT_CATEGORIES);
        assert!(c.consent.categories[0].required);
        assert_eq!(c.category_of(Aggregate::Cart), "personalization");
    }

    #[test]
    fn a_schema_reference_is_accepted_and_ignored() {
        let with = parse(
            r##"{"$schema": "./node_modules/vitrine/schema.json", "version": 1,
                 "rules": [{"id": "a", "actions": [{"op": "hide", "selector": "#a"}]}]}"##,
        )
        .unwrap();
        let without =
            parse(r##"{"rules": [{"id": "a", "actions": [{"op": "hide", "selector": "#a"}]}]}"##)
                .unwrap();
        assert_eq!(with, without);
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let errors = parse(
            r##"{"version": 1, "rulez": [], "rules": [
                {"id": "a", "when": {"cart.total": {"$gtt": 1}}, "actions": [{"op": "setText", "selector": "#x", "text": "y"}]},
                {"id": "a", "consent": ["marketin"], "actions": []},
                {"id": "b", "actions": [{"op": "setAttr", "selector": "a", "name": "onclick", "value": "x"},
                                         {"op": "setAttr", "selector": "a", "name": "href", "value": "javascript:alert(1)"},
                                         {"op": "fly", "selector": "a"}, {"op": "setText", "selector": "a"}]}
            ]}"##,
        )
        .unwrap_err();
        let expected = [
            "rulez: unknown field \"rulez\" (did you mean \"rules\"?)",
            "rules[0].when.cart.total: unknown operator \"$gtt\" (did you mean \"$gt\"?)",
            "rules[1].consent[0]: unknown consent category \"marketin\" (did you mean \"marketing\"?)",
            "rules[1].actions: needs at least one action",
            "rules[2].actions[0].name: setting \"onclick\" is not allowed (it can run code or restyle the page)",
            "rules[2].actions[1].value: URL must be http(s), relative, mailto: or tel:",
            "rules[2].actions[2].op: unknown operation \"fly\"",
            "rules[2].actions[3]: missing field \"text\" (required by setText)",
            "rules[1].id: duplicate rule id \"a\"",
        ];
        assert_eq!(errors, expected);
    }

    #[test]
    fn wrong_types_are_named() {
        let errors = parse(r#"{"rules": {"id": 1}, "consent": {"version": 0}}"#).unwrap_err();
        assert_eq!(
            errors,
            [
                "consent.version: expected a whole number of at least 1, found 0",
                "rules: expected an array, found an object"
            ]
        );
        assert_eq!(
            parse("[]").unwrap_err(),
            ["expected an object, found an array"]
        );
    }

    #[test]
    fn custom_categories_must_keep_necessary() {
        let errors = parse(
            r#"{"consent": {"categories": [{"id": "stats"}]}, "signals": {"clicks": "stats"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            ["consent.categories: must include the \"necessary\" category"]
        );
    }

    #[test]
    fn limits_and_exposure_settings_are_checked() {
        let long = "x".repeat(MAX_TEXT_LEN + 1);
        let errors = parse(&format!(
            r##"{{"rules": [{{"id": "{id}", "actions": [{{"op": "setText", "selector": "#a", "text": "{long}"}}]}}],
                 "exposures": {{"dataLayer": "yes"}}}}"##,
            id = "i".repeat(MAX_ID_LEN + 1)
        ))
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "rules[0].id: is longer than 64 characters",
                "rules[0].actions[0].text: is longer than 20000 characters",
                "exposures.dataLayer: expected true or {\"event\": name}, found \"yes\"",
            ]
        );
        let c = parse(r#"{"exposures": {"dataLayer": true}}"#).unwrap();
        let sink = c.exposures.unwrap();
        assert_eq!(
            (sink.event.as_str(), sink.consent.as_slice()),
            ("vitrine_exposure", &["analytics".to_owned()][..])
        );
    }

    #[test]
    fn too_many_rules_is_an_error() {
        let rules: Vec<String> = (0..=MAX_RULES)
            .map(|i| {
                format!(r##"{{"id": "r{i}", "actions": [{{"op": "hide", "selector": "#a"}}]}}"##)
            })
            .collect();
        let errors = parse(&format!(r#"{{"rules": [{}]}}"#, rules.join(","))).unwrap_err();
        assert_eq!(errors, ["rules: has 1001 rules; the limit is 1000"]);
    }
}
