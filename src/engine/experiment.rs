//! A/B experiments: variants with weights, coverage, a seed and a hash version,
//! bucketed exactly as GrowthBook does (`bucket`), so an assignment is the same on
//! every page, in every tab and in GrowthBook itself. Assignments are sticky (kept
//! in the profile, so changing weights later does not move visitors) and can be
//! forced for QA with `?vitrine_force=<experiment>:<variant>`.

use super::action::{actions, Action};
use super::bucket;
use super::condition::Condition;
use super::diagnostic::{field, index, Diagnostics, Path};
use super::reader::{bounded_list, consent_list, get, identifier, object, priority, required_id};
use super::saved_groups::SavedGroups;
use super::segment;
use super::value::Value;

pub const MAX_EXPERIMENTS: usize = 100;
pub const MAX_VARIANTS: usize = 20;
/// The query parameter that forces variants: `exp:variant[,exp:variant]`.
pub const FORCE_PARAM: &str = "vitrine_force";

#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    pub id: String,
    pub consent: Vec<String>,
    pub when: Option<Condition>,
    pub seed: String,
    pub hash_version: u32,
    pub coverage: f64,
    pub priority: i32,
    pub variants: Vec<Variant>,
    /// The attribute paths `when` reads (for incremental evaluation).
    pub reads: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub id: String,
    pub weight: f64,
    pub actions: Vec<Action>,
}

pub(crate) const EXPERIMENT_FIELDS: &[&str] = &[
    "id",
    "description",
    "consent",
    "when",
    "seed",
    "hashVersion",
    "coverage",
    "priority",
    "variants",
    "bandit",
];
/// `bandit`: where the posterior is published, and the least weight an arm keeps.
pub(crate) const BANDIT_FIELDS: &[&str] = &["posterior", "floor"];
pub const MAX_BANDIT_FLOOR: f64 = 0.2;
pub(crate) const VARIANT_FIELDS: &[&str] = &["id", "weight", "actions"];

impl Experiment {
    /// The variant a visitor id falls into, or `None` outside the coverage.
    pub fn bucket(&self, visitor_id: &str) -> Option<usize> {
        let n = bucket::hash(&self.seed, visitor_id, self.hash_version)?;
        let weights: Vec<f64> = self.variants.iter().map(|v| v.weight).collect();
        bucket::choose_variation(
            n,
            &bucket::bucket_ranges(self.variants.len(), self.coverage, Some(&weights)),
        )
    }

    pub fn variant_index(&self, id: &str) -> Option<usize> {
        self.variants.iter().position(|v| v.id == id)
    }
}

/// The `(experiment, variant)` pairs forced by the page URL's `vitrine_force`.
pub fn forced(param: Option<&str>) -> Vec<(String, String)> {
    param
        .unwrap_or("")
        .split(',')
        .filter_map(|pair| {
            let (e, v) = pair.split_once(':')?;
            Some((e.trim().to_owned(), v.trim().to_owned()))
        })
        .collect()
}

pub fn parse(
    value: Option<&Value>,
    categories: &[&str],
    segments: &[&str],
    groups: &SavedGroups,
    diags: &mut Diagnostics,
) -> Vec<Experiment> {
    let items = bounded_list(
        value,
        &Path::Text("experiments"),
        MAX_EXPERIMENTS,
        "experiments",
        diags,
    );
    let mut list: Vec<Experiment> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = index(&Path::Text("experiments"), i);
        if let Some(e) = parse_one(item, &path, categories, segments, groups, diags) {
            if list.iter().any(|other| other.id == e.id) {
                diags.report(&field(&path, "id"), || {
                    format!("duplicate experiment id \"{}\"", e.id)
                });
            }
            list.push(e);
        }
    }
    list
}

fn parse_one(
    value: &Value,
    path: &Path,
    categories: &[&str],
    segments: &[&str],
    groups: &SavedGroups,
    diags: &mut Diagnostics,
) -> Option<Experiment> {
    let map = object(value, path, EXPERIMENT_FIELDS, diags)?;
    let id = required_id(map, path, diags);
    let consent = consent_list(map, path, categories, diags);
    let when = get(map, "when").and_then(|v| {
        segment::check_references(v, &field(path, "when"), segments, diags);
        Condition::compile(v, &field(path, "when"), groups, diags)
    });
    let seed = match get(map, "seed") {
        None => id.clone().unwrap_or_default(),
        Some(v) => identifier(v, &field(path, "seed"), diags).unwrap_or_default(),
    };
    let hash_version = match get(map, "hashVersion") {
        None => 2,
        Some(Value::Number(n)) if *n == 1.0 || *n == 2.0 => *n as u32,
        Some(v) => {
            diags.report(&field(path, "hashVersion"), || {
                format!("must be 1 or 2, found {}", v.to_json())
            });
            2
        }
    };
    let coverage = match get(map, "coverage") {
        None => 1.0,
        Some(Value::Number(n)) if (0.0..=1.0).contains(n) => *n,
        Some(v) => {
            diags.report(&field(path, "coverage"), || {
                format!("must be a number from 0 to 1, found {}", v.to_json())
            });
            1.0
        }
    };
    let variants = variants(get(map, "variants"), &field(path, "variants"), diags);
    if let Some(b) = get(map, "bandit") {
        check_bandit(b, &field(path, "bandit"), variants.len(), diags);
    }
    let reads = when.as_ref().map(Condition::roots).unwrap_or_default();
    Some(Experiment {
        id: id?,
        consent,
        reads,
        when,
        seed,
        hash_version,
        coverage,
        priority: priority(map, path, diags),
        variants,
    })
}

/// A bandit's weights come from its posterior file (js/bandit.js, at start); the
/// engine only checks the field, and keeps assignments sticky as for any experiment.
fn check_bandit(value: &Value, path: &Path, arms: usize, diags: &mut Diagnostics) {
    let Some(map) = object(value, path, BANDIT_FIELDS, diags) else {
        return;
    };
    match get(map, "posterior") {
        Some(url) => {
            super::delivery::site_url(url, &field(path, "posterior"), diags);
        }
        None => diags.report(path, || {
            "missing field \"posterior\" (the posterior file's URL)"
        }),
    }
    if let Some(floor) = get(map, "floor") {
        let ok = matches!(floor, Value::Number(n) if *n >= 0.0 && *n <= MAX_BANDIT_FLOOR && *n * (arms as f64) < 1.0);
        if !ok {
            diags.report(&field(path, "floor"), || {
                format!(
                    "must be a number from 0 to 0.2 that leaves weight for every arm, found {}",
                    floor.to_json()
                )
            });
        }
    }
}

fn variants(value: Option<&Value>, path: &Path, diags: &mut Diagnostics) -> Vec<Variant> {
    let items = match value {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_VARIANTS => items,
        Some(Value::Array(items)) if items.is_empty() => {
            diags.report(path, || "needs at least one variant");
            return Vec::new();
        }
        Some(Value::Array(items)) => {
            diags.report(path, || {
                format!("has {} variants; the limit is {MAX_VARIANTS}", items.len())
            });
            return Vec::new();
        }
        Some(other) => {
            diags.report(path, || {
                format!("expected an array, found {}", other.kind())
            });
            return Vec::new();
        }
        None => {
            diags.report(&path.parent(), || "missing field \"variants\"");
            return Vec::new();
        }
    };
    let equal = 1.0 / items.len() as f64;
    let mut list: Vec<Variant> = Vec::new();
    let mut weighted = 0;
    for (i, item) in items.iter().enumerate() {
        let here = index(path, i);
        let Some(map) = object(item, &here, VARIANT_FIELDS, diags) else {
            continue;
        };
        let id = required_id(map, &here, diags);
        let weight = match get(map, "weight") {
            None => equal,
            Some(Value::Number(w)) if (0.0..=1.0).contains(w) => {
                weighted += 1;
                *w
            }
            Some(v) => {
                diags.report(&field(&here, "weight"), || {
                    format!("must be a number from 0 to 1, found {}", v.to_json())
                });
                continue;
            }
        };
        let actions = actions(get(map, "actions"), &field(&here, "actions"), true, diags);
        if let Some(a) = actions
            .iter()
            .position(|a| matches!(a.kind, super::action::ActionKind::Popup(_)))
        {
            diags.report(&index(&field(&here, "actions"), a), || {
                "a popup belongs in a rule (its cooldown and recontact are per rule)"
            });
        }
        let Some(id) = id else { continue };
        if list.iter().any(|v| v.id == id) {
            diags.report(&field(&here, "id"), || {
                format!("duplicate variant id \"{id}\"")
            });
        }
        list.push(Variant {
            id,
            weight,
            actions,
        });
    }
    if weighted > 0 && weighted != items.len() {
        diags.report(path, || {
            "give every variant a weight, or none (equal weights)"
        });
    } else if weighted > 0 {
        let total: f64 = list.iter().map(|v| v.weight).sum();
        if (total - 1.0).abs() > 1e-6 {
            diags.report(path, || {
                format!(
                    "weights must sum to 1, found {}",
                    Value::Number(total).to_json()
                )
            });
        }
    }
    list
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn parse_json(json: &str) -> Result<Vec<Experiment>, Vec<String>> {
        let v: Value = serde_json::from_str(json).unwrap();
        let mut d = Diagnostics::default();
        let list = parse(
            Some(&v),
            &["necessary", "personalization"],
            &["vip"],
            &SavedGroups::default(),
            &mut d,
        );
        if d.is_empty() {
            Ok(list)
        } else {
            Err(d.items.iter().map(ToString::to_string).collect())
        }
    }

    #[test]
    fn defaults_and_bucketing() {
        let list = parse_json(
            r##"[{"id": "hero", "variants": [{"id": "control"}, {"id": "b", "actions": [{"op": "hide", "selector": "#x"}]}]}]"##,
        )
        .unwrap();
        let e = &list[0];
        assert_eq!(
            (e.seed.as_str(), e.hash_version, e.coverage),
            ("hero", 2, 1.0)
        );
        assert_eq!(e.consent, ["personalization"]);
        assert_eq!(e.variants[0].weight, 0.5);
        // Bucketing is GrowthBook's: hash v2 of seed+id against the ranges.
        let counts = (0..2000).fold([0; 2], |mut acc, i| {
            acc[e.bucket(&format!("visitor-{i}")).unwrap()] += 1;
            acc
        });
        assert!(counts[0] > 900 && counts[1] > 900, "{counts:?}");
    }

    #[test]
    fn validation_errors() {
        let errors = parse_json(
            r#"[{"id": "a", "variants": []},
                {"id": "b", "coverage": 2, "hashVersion": 3, "variants": [{"id": "x", "weight": 0.5}, {"id": "y", "weight": 0.6}]},
                {"id": "c", "when": {"segments": {"$in": ["vpi"]}}, "variants": [{"id": "x", "weight": 1}, {"id": "x"}]},
                {"id": "a", "variants": [{"id": "z"}]}]"#,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "experiments[0].variants: needs at least one variant",
                "experiments[1].hashVersion: must be 1 or 2, found 3",
                "experiments[1].coverage: must be a number from 0 to 1, found 2",
                "experiments[1].variants: weights must sum to 1, found 1.1",
                "experiments[2].when.segments: unknown segment \"vpi\" (did you mean \"vip\"?)",
                "experiments[2].variants[1].id: duplicate variant id \"x\"",
                "experiments[2].variants: give every variant a weight, or none (equal weights)",
                "experiments[3].id: duplicate experiment id \"a\"",
            ]
        );
    }

    #[test]
    fn a_bandit_names_its_posterior_and_a_floor_that_leaves_weight() {
        assert!(parse_json(
            r#"[{"id": "a", "bandit": {"posterior": "/bandits/a.json", "floor": 0.05}, "variants": [{"id": "x"}, {"id": "y"}]}]"#
        )
        .is_ok());
        let errors = parse_json(
            r#"[{"id": "a", "bandit": {}, "variants": [{"id": "x"}]},
                {"id": "b", "bandit": {"posterior": "javascript:x", "floor": 0.6}, "variants": [{"id": "x"}, {"id": "y"}]},
                {"id": "c", "bandit": {"posterior": "/p.json", "floor": 0.2, "prior": 1}, "variants": [{"id": "1"}, {"id": "2"}, {"id": "3"}, {"id": "4"}, {"id": "5"}]}]"#,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "experiments[0].bandit: missing field \"posterior\" (the posterior file's URL)",
                "experiments[1].bandit.posterior: expected a path on this site (\"/collect\") or an http(s) URL",
                "experiments[1].bandit.floor: must be a number from 0 to 0.2 that leaves weight for every arm, found 0.6",
                "experiments[2].bandit.prior: unknown field \"prior\"",
                "experiments[2].bandit.floor: must be a number from 0 to 0.2 that leaves weight for every arm, found 0.2",
            ]
        );
    }

    #[test]
    fn forced_variants_from_the_url() {
        assert_eq!(
            forced(Some("hero:b, menu:control,bad")),
            [
                ("hero".to_owned(), "b".to_owned()),
                ("menu".to_owned(), "control".to_owned())
            ]
        );
        assert!(forced(None).is_empty());
    }
}
