//! Prediction: logistic-regression models over named features of the profile,
//! trained by the site offline (docs/models.md has a scikit-learn recipe) and
//! shipped as weights in the config (`models`). Each score is an attribute
//! `predict.<id>` in [0, 1], so conditions can use it ("purchase propensity above
//! 0.7 and a cart → free shipping"); it follows every signal through the
//! incremental evaluation like any other attribute.

use super::diagnostic::{field, index, unknown, Diagnostics, Path};
use super::reader::{bounded_list, get, identifier, object};
use super::value::Value;

pub const MAX_MODELS: usize = 20;
pub(crate) const MODEL_FIELDS: &[&str] = &["id", "description", "bias", "weights"];

/// A feature: its name in the config and how it is read from the attributes.
pub struct Feature {
    pub name: &'static str,
    pub read: fn(&Value) -> f64,
}

fn number(doc: &Value, path: &[&str]) -> f64 {
    let mut v = Some(doc);
    for k in path {
        v = v.and_then(|x| x.get(k));
    }
    match v {
        Some(Value::Number(n)) if n.is_finite() => *n,
        Some(Value::Bool(true)) => 1.0,
        _ => 0.0,
    }
}

fn sum_of(doc: &Value, key: &str) -> f64 {
    match doc.get(key) {
        Some(Value::Object(m)) => m.iter().map(|(_, v)| v.as_f64().unwrap_or(0.0)).sum(),
        _ => 0.0,
    }
}

fn is(doc: &Value, key: &str, value: &str) -> f64 {
    f64::from(doc.get(key).and_then(Value::as_str) == Some(value))
}

/// The features a model may use (documented in docs/models.md).
pub const FEATURES: &[Feature] = &[
    Feature {
        name: "visits",
        read: |d| number(d, &["visitor", "visits"]),
    },
    Feature {
        name: "sessions",
        read: |d| number(d, &["visitor", "sessions"]),
    },
    Feature {
        name: "returning",
        read: |d| number(d, &["visitor", "returning"]),
    },
    Feature {
        name: "days_since_last",
        read: |d| number(d, &["visitor", "days_since_last"]),
    },
    Feature {
        name: "dwell_page_s",
        read: |d| number(d, &["dwell", "page_ms"]) / 1000.0,
    },
    Feature {
        name: "dwell_total_s",
        read: |d| number(d, &["dwell", "total_ms"]) / 1000.0,
    },
    Feature {
        name: "cart_count",
        read: |d| number(d, &["cart", "count"]),
    },
    Feature {
        name: "cart_total",
        read: |d| number(d, &["cart", "total"]),
    },
    Feature {
        name: "cart_abandoned",
        read: |d| number(d, &["cart", "abandoned"]),
    },
    Feature {
        name: "scroll_max_pct",
        read: |d| number(d, &["scroll", "max_pct"]),
    },
    Feature {
        name: "clicks_total",
        read: |d| sum_of(d, "clicks"),
    },
    Feature {
        name: "events_total",
        read: |d| sum_of(d, "events"),
    },
    Feature {
        name: "affinity_concentration",
        // The top category's share of all category affinity (0 when none):
        // 1 means the visitor is interested in one thing only.
        read: |d| {
            let scores = d.get("affinity").and_then(|a| a.get("category"));
            let (mut top, mut sum) = (0.0f64, 0.0);
            if let Some(Value::Object(m)) = scores {
                for (_, v) in m {
                    let x = v.as_f64().unwrap_or(0.0);
                    top = top.max(x);
                    sum += x;
                }
            }
            if sum > 0.0 {
                top / sum
            } else {
                0.0
            }
        },
    },
    Feature {
        name: "customer_known",
        read: |d| number(d, &["customer", "known"]),
    },
    Feature {
        name: "hour",
        read: |d| number(d, &["time", "hour"]),
    },
    Feature {
        name: "device_mobile",
        read: |d| {
            f64::from(
                d.get("device")
                    .and_then(|x| x.get("type"))
                    .and_then(Value::as_str)
                    == Some("mobile"),
            )
        },
    },
    Feature {
        name: "channel_email",
        read: |d| is(d, "channel", "email"),
    },
    Feature {
        name: "channel_whatsapp",
        read: |d| is(d, "channel", "whatsapp"),
    },
    Feature {
        name: "channel_social",
        read: |d| is(d, "channel", "social"),
    },
    Feature {
        name: "channel_search",
        read: |d| is(d, "channel", "search"),
    },
    Feature {
        name: "channel_paid",
        read: |d| is(d, "channel", "paid"),
    },
    Feature {
        name: "channel_referral",
        read: |d| is(d, "channel", "referral"),
    },
    Feature {
        name: "channel_direct",
        read: |d| is(d, "channel", "direct"),
    },
];

/// The attributes the features read: a rule that reads `predict` depends on them.
pub const FEATURE_ROOTS: &[&str] = &[
    "visitor", "dwell", "cart", "scroll", "clicks", "events", "affinity", "customer", "time",
    "device", "channel",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub id: String,
    pub bias: f64,
    /// `(index into FEATURES, weight)`.
    pub weights: Vec<(usize, f64)>,
}

impl Model {
    /// `1 / (1 + e^-(bias + Σ weight × feature))`, rounded to 4 decimals.
    pub fn score(&self, attributes: &Value) -> f64 {
        let z: f64 = self.bias
            + self
                .weights
                .iter()
                .map(|(f, w)| w * (FEATURES[*f].read)(attributes))
                .sum::<f64>();
        let p = 1.0 / (1.0 + (-z).exp());
        (p * 10_000.0).round() / 10_000.0
    }
}

/// `predict`: `{model id: score}`.
pub fn predictions(models: &[Model], attributes: &Value) -> Value {
    Value::Object(
        models
            .iter()
            .map(|m| (m.id.clone(), Value::Number(m.score(attributes))))
            .collect(),
    )
}

fn finite(v: &Value, path: &Path, diags: &mut Diagnostics) -> Option<f64> {
    match v {
        Value::Number(n) if n.is_finite() && n.abs() <= 1e6 => Some(*n),
        other => {
            diags.report(path, || {
                format!(
                    "must be a number from -1000000 to 1000000, found {}",
                    other.to_json()
                )
            });
            None
        }
    }
}

pub fn parse(value: Option<&Value>, diags: &mut Diagnostics) -> Vec<Model> {
    let names: Vec<&str> = FEATURES.iter().map(|f| f.name).collect();
    let mut models: Vec<Model> = Vec::new();
    for (i, item) in bounded_list(value, &Path::Text("models"), MAX_MODELS, "models", diags)
        .iter()
        .enumerate()
    {
        let path = index(&Path::Text("models"), i);
        let Some(map) = object(item, &path, MODEL_FIELDS, diags) else {
            continue;
        };
        let id = match get(map, "id") {
            Some(v) => identifier(v, &field(&path, "id"), diags),
            None => {
                diags.report(&path, || "missing field \"id\"");
                None
            }
        };
        let bias = get(map, "bias")
            .and_then(|b| finite(b, &field(&path, "bias"), diags))
            .unwrap_or(0.0);
        let mut weights = Vec::new();
        match get(map, "weights") {
            Some(Value::Object(entries)) => {
                let weights_path = field(&path, "weights");
                for (name, w) in entries {
                    let here = field(&weights_path, name);
                    match names.iter().position(|n| n == name) {
                        Some(f) => weights.extend(finite(w, &here, diags).map(|w| (f, w))),
                        None => diags.report(&here, || unknown("feature", name, &names)),
                    }
                }
            }
            Some(other) => diags.report(&field(&path, "weights"), || {
                format!("expected {{feature: weight}}, found {}", other.kind())
            }),
            None => diags.report(&path, || "missing field \"weights\""),
        }
        if let Some(id) = id {
            if models.iter().any(|m| m.id == id) {
                diags.report(&field(&path, "id"), || {
                    format!("duplicate model id \"{id}\"")
                });
            }
            models.push(Model { id, bias, weights });
        }
    }
    models
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn json(s: &str) -> Value {
        serde_json::from_str(s).unwrap()
    }

    #[test]
    fn scores_match_hand_computed_values() {
        let mut d = Diagnostics::default();
        let models = parse(
            Some(&json(
                r#"[{"id": "purchase", "bias": -3, "weights": {"cart_count": 1.2, "visits": 0.25, "channel_email": 0.8, "affinity_concentration": 1.0}}]"#,
            )),
            &mut d,
        );
        assert!(d.is_empty());
        let attrs = json(
            r#"{"visitor": {"visits": 4}, "cart": {"count": 2, "total": 99.9}, "channel": "email",
                "affinity": {"category": {"cafes": 3, "chas": 1}}}"#,
        );
        // z = -3 + 1.2*2 + 0.25*4 + 0.8*1 + 1.0*0.75 = 1.95; 1/(1+e^-1.95) = 0.87544
        assert_eq!(models[0].score(&attrs), 0.8754);
        assert_eq!(
            predictions(&models, &json("{}")).get("purchase"),
            Some(&Value::Number(0.0474))
        );
    }

    #[test]
    fn mistakes_name_their_path() {
        let mut d = Diagnostics::default();
        parse(
            Some(&json(
                r#"[{"id": "p", "weights": {"cart_cout": 1, "visits": "x"}}]"#,
            )),
            &mut d,
        );
        let e: Vec<String> = d.items.iter().map(ToString::to_string).collect();
        assert!(
            e[0].starts_with("models[0].weights.cart_cout: unknown feature")
                && e[0].contains("cart_count"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("models[0].weights.visits: must be a number"),
            "{e:?}"
        );
    }
}
