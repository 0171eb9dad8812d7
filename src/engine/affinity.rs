//! Affinity: how much the visitor is drawn to each product category and brand.
//!
//! A score rises with each sign of interest (a click on a product card, time spent
//! looking at one, a product view, an add to cart) and halves every half-life
//! (default 7 days), so last month's curiosity fades behind today's. Scores are
//! kept as `(value, at_ms)` and decayed lazily when read: decaying every score on
//! every tick would be work for nothing, and since all scores decay at the same
//! rate, their order never changes by decay alone. Each dimension keeps at most
//! `MAX_AFFINITY_KEYS` names; when a new one arrives the weakest (decayed) goes.

use super::codec;
use super::value::truncate;
use super::value::{Map, Value};

pub const MAX_AFFINITY_KEYS: usize = 20;
/// Category and brand names, as kept.
pub const MAX_NAME_LEN: usize = 48;
pub const DEFAULT_HALF_LIFE_DAYS: f64 = 7.0;
const DAY_MS: f64 = 86_400_000.0;

/// How strongly one kind of interest counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Interest {
    /// A click on a product card.
    Click,
    /// A click on a product card soon after a search: a result the visitor chose.
    SearchClick,
    /// A product page or `view_item`.
    View,
    /// Put in the cart.
    Cart,
    /// Looked at (≥ 50 % visible, page active) for this many milliseconds.
    Dwell(f64),
    /// Bought (GA4 `purchase`): remembered so it is not recommended again.
    Purchase,
}

impl Interest {
    pub fn weight(self) -> f64 {
        match self {
            Interest::Click => 1.0,
            Interest::SearchClick => 2.0,
            Interest::View => 1.0,
            Interest::Cart => 3.0,
            // 0.2 per second, at most 2 per observation: a card left on screen
            // while the visitor reads something else must not outweigh a click.
            Interest::Dwell(ms) if ms.is_finite() && ms > 0.0 => (ms / 5_000.0).min(2.0),
            Interest::Dwell(_) => 0.0,
            // The add to the cart already counted.
            Interest::Purchase => 0.0,
        }
    }
}

/// A product as the page describes it (`data-product-id`, `data-category`,
/// `data-brand`, `data-price` on a card, or a GA4 item). Every field bounded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductRef {
    pub id: String,
    pub category: String,
    pub brand: String,
}

impl ProductRef {
    pub fn new(id: &str, category: &str, brand: &str) -> ProductRef {
        let clean = |s: &str| truncate(s.trim(), MAX_NAME_LEN);
        ProductRef {
            id: truncate(id.trim(), 64),
            category: clean(category),
            brand: clean(brand),
        }
    }
}

/// One name's score at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub name: String,
    pub value: f64,
    pub at_ms: f64,
}

/// Products recently viewed or clicked, interactions in this session, purchases.
pub const MAX_RECENT: usize = 20;
pub const MAX_PURCHASED: usize = 50;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Affinity {
    pub category: Vec<Score>,
    pub brand: Vec<Score>,
    /// Product ids viewed or clicked, most recent last.
    pub recent: Vec<String>,
    /// `(product, interactions)` in session number `session_no`.
    pub session: Vec<(String, u32)>,
    pub session_no: u32,
    /// Product ids bought, most recent last.
    pub purchased: Vec<String>,
}

/// `value` decayed from `at_ms` to `now_ms`.
pub fn decayed(value: f64, at_ms: f64, now_ms: f64, half_life_days: f64) -> f64 {
    let elapsed = (now_ms - at_ms).max(0.0);
    value * 0.5f64.powf(elapsed / (half_life_days * DAY_MS))
}

fn raise(scores: &mut Vec<Score>, name: &str, weight: f64, now_ms: f64, half_life: f64) {
    if name.is_empty() || weight <= 0.0 {
        return;
    }
    if let Some(s) = scores.iter_mut().find(|s| s.name == name) {
        s.value = decayed(s.value, s.at_ms, now_ms, half_life) + weight;
        s.at_ms = now_ms;
        return;
    }
    if scores.len() >= MAX_AFFINITY_KEYS {
        let weakest = scores
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| {
                let a = decayed(a.value, a.at_ms, now_ms, half_life);
                let b = decayed(b.value, b.at_ms, now_ms, half_life);
                a.total_cmp(&b)
            })
            .map(|(i, _)| i);
        if let Some(i) = weakest {
            scores.remove(i);
        }
    }
    scores.push(Score {
        name: name.to_owned(),
        value: weight,
        at_ms: now_ms,
    });
}

/// Rounded so attribute values (and stored data) do not carry float noise.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Affinity {
    pub fn is_empty(&self) -> bool {
        self.category.is_empty()
            && self.brand.is_empty()
            && self.recent.is_empty()
            && self.session.is_empty()
            && self.purchased.is_empty()
    }

    pub fn raise(&mut self, product: &ProductRef, interest: Interest, now_ms: f64, half_life: f64) {
        let w = interest.weight();
        raise(&mut self.category, &product.category, w, now_ms, half_life);
        raise(&mut self.brand, &product.brand, w, now_ms, half_life);
    }

    /// Remembers the product itself, for the recommenders: recently viewed (views
    /// and clicks), this session's interactions, purchases.
    pub fn note(&mut self, product: &ProductRef, interest: Interest, session_no: u32) {
        if product.id.is_empty() {
            return;
        }
        let id = product.id.clone();
        let push = |list: &mut Vec<String>, max: usize| {
            list.retain(|p| *p != id);
            if list.len() >= max {
                list.remove(0);
            }
            list.push(id.clone());
        };
        match interest {
            Interest::View | Interest::Click | Interest::SearchClick => {
                push(&mut self.recent, MAX_RECENT)
            }
            Interest::Purchase => push(&mut self.purchased, MAX_PURCHASED),
            _ => {}
        }
        if self.session_no != session_no {
            self.session.clear();
            self.session_no = session_no;
        }
        match self.session.iter().position(|(p, _)| *p == id) {
            Some(i) => self.session[i].1 = self.session[i].1.saturating_add(1),
            None if self.session.len() < MAX_PURCHASED => self.session.push((id, 1)),
            None => {}
        }
    }

    /// Decayed scores `(name, score)` as of `now_ms`, for the recommenders.
    pub fn scores(scores: &[Score], now_ms: f64, half_life: f64) -> Vec<(String, f64)> {
        scores
            .iter()
            .map(|s| (s.name.clone(), decayed(s.value, s.at_ms, now_ms, half_life)))
            .collect()
    }

    /// `{category: {name: score}, brand: {...}, top_category, top_brand}` as of
    /// `now_ms`; ties go to the name first seen.
    pub fn attributes(&self, now_ms: f64, half_life: f64) -> Value {
        let dimension = |scores: &[Score]| {
            let mut top: Option<(&str, f64)> = None;
            let mut map = Vec::with_capacity(scores.len());
            for s in scores {
                let v = round3(decayed(s.value, s.at_ms, now_ms, half_life));
                if top.is_none_or(|(_, best)| v > best) {
                    top = Some((&s.name, v));
                }
                map.push((s.name.clone(), Value::Number(v)));
            }
            let top = top.map_or(Value::Null, |(name, _)| Value::from(name));
            (Value::Object(map), top)
        };
        let (category, top_category) = dimension(&self.category);
        let (brand, top_brand) = dimension(&self.brand);
        Value::Object(vec![
            ("category".to_owned(), category),
            ("brand".to_owned(), brand),
            ("top_category".to_owned(), top_category),
            ("top_brand".to_owned(), top_brand),
        ])
    }

    /// Stored form: `{category: {name: [score, at_ms]}, brand: {...}}`.
    pub fn to_value(&self) -> Value {
        let dimension = |scores: &[Score]| {
            let mut map = Vec::with_capacity(scores.len());
            for s in scores {
                let pair = vec![Value::Number(round3(s.value)), Value::Number(s.at_ms)];
                map.push((s.name.clone(), Value::Array(pair)));
            }
            Value::Object(map)
        };
        let ids = |list: &[String]| {
            let mut items = Vec::with_capacity(list.len());
            for p in list {
                items.push(Value::from(p.as_str()));
            }
            Value::Array(items)
        };
        let mut session = Vec::with_capacity(self.session.len());
        for (p, n) in &self.session {
            session.push((p.clone(), Value::Number(f64::from(*n))));
        }
        Value::Object(vec![
            ("category".to_owned(), dimension(&self.category)),
            ("brand".to_owned(), dimension(&self.brand)),
            ("recent".to_owned(), ids(&self.recent)),
            (
                "session_no".to_owned(),
                Value::Number(f64::from(self.session_no)),
            ),
            ("session".to_owned(), Value::Object(session)),
            ("purchased".to_owned(), ids(&self.purchased)),
        ])
    }

    /// Reads the stored form; entries that are not `[score ≥ 0, time ≥ 0]` are an
    /// error naming them. Caps are applied (stored data is untrusted).
    pub fn from_value(value: &Value) -> Result<Affinity, String> {
        let map = codec::object(value, "affinity")?;
        let dimension = |key: &str| -> Result<Vec<Score>, String> {
            let Some(v) = codec::field(map, key) else {
                return Ok(Vec::new());
            };
            let entries: &Map = codec::object(v, key)?;
            let mut out: Vec<Score> = Vec::new();
            for (name, pair) in entries {
                match pair.as_array() {
                    Some([Value::Number(s), Value::Number(t)])
                        if s.is_finite() && *s >= 0.0 && t.is_finite() && *t >= 0.0 =>
                    {
                        let name = truncate(name, MAX_NAME_LEN);
                        if !name.is_empty()
                            && out.len() < MAX_AFFINITY_KEYS
                            && !out.iter().any(|o| o.name == name)
                        {
                            out.push(Score {
                                name,
                                value: *s,
                                at_ms: *t,
                            });
                        }
                    }
                    _ => return Err(format!("\"affinity.{key}.{name}\" must be [score, time]")),
                }
            }
            Ok(out)
        };
        let ids = |key: &str, max: usize| -> Vec<String> {
            let list = match codec::field(map, key) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .map(|s| truncate(s, 64))
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            };
            let skip = list.len().saturating_sub(max);
            list.into_iter().skip(skip).collect()
        };
        let session = match codec::field(map, "session") {
            Some(Value::Object(m)) => m
                .iter()
                .take(MAX_PURCHASED)
                .map(|(p, n)| {
                    (
                        truncate(p, 64),
                        n.as_f64().unwrap_or(0.0).clamp(0.0, 1e6) as u32,
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(Affinity {
            category: dimension("category")?,
            brand: dimension("brand")?,
            recent: ids("recent", MAX_RECENT),
            session,
            session_no: codec::count(map, "session_no").unwrap_or(0),
            purchased: ids("purchased", MAX_PURCHASED),
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const WEEK: f64 = 7.0 * DAY_MS;

    fn product(category: &str, brand: &str) -> ProductRef {
        ProductRef::new("p", category, brand)
    }

    #[test]
    fn scores_halve_every_half_life() {
        let mut a = Affinity::default();
        a.raise(&product("cafes", "serra"), Interest::Cart, 0.0, 7.0);
        let score = |a: &Affinity, dim: &str, name: &str, now: f64| {
            a.attributes(now, 7.0).get(dim).unwrap().get(name).cloned()
        };
        assert_eq!(
            score(&a, "category", "cafes", 0.0),
            Some(Value::Number(3.0))
        );
        assert_eq!(
            score(&a, "category", "cafes", WEEK),
            Some(Value::Number(1.5))
        );
        assert_eq!(
            score(&a, "brand", "serra", 2.0 * WEEK),
            Some(Value::Number(0.75))
        );
        // A new interest adds to the decayed score.
        a.raise(&product("cafes", ""), Interest::Click, WEEK, 7.0);
        assert_eq!(
            score(&a, "category", "cafes", WEEK),
            Some(Value::Number(2.5))
        );
    }

    #[test]
    fn recent_interest_beats_old_interest() {
        let mut a = Affinity::default();
        for _ in 0..3 {
            a.raise(&product("chas", ""), Interest::Click, 0.0, 7.0);
        }
        a.raise(&product("cafes", ""), Interest::Cart, 3.0 * WEEK, 7.0);
        let attrs = a.attributes(3.0 * WEEK, 7.0);
        assert_eq!(attrs.get("top_category"), Some(&Value::from("cafes")));
        assert_eq!(attrs.get("top_brand"), Some(&Value::Null));
    }

    #[test]
    fn the_weakest_name_makes_room() {
        let mut a = Affinity::default();
        for i in 0..MAX_AFFINITY_KEYS {
            let weight = if i == 5 {
                Interest::Click
            } else {
                Interest::Cart
            };
            a.raise(&product(&format!("c{i}"), ""), weight, 0.0, 7.0);
        }
        a.raise(&product("new", ""), Interest::Click, 1.0, 7.0);
        assert_eq!(a.category.len(), MAX_AFFINITY_KEYS);
        assert!(!a.category.iter().any(|s| s.name == "c5"));
        assert!(a.category.iter().any(|s| s.name == "new"));
    }

    #[test]
    fn dwell_counts_in_proportion_and_is_capped() {
        assert_eq!(Interest::Dwell(5_000.0).weight(), 1.0);
        assert_eq!(Interest::Dwell(60_000.0).weight(), 2.0);
        assert_eq!(Interest::Dwell(f64::NAN).weight(), 0.0);
        assert_eq!(Interest::Dwell(-5.0).weight(), 0.0);
    }

    #[test]
    fn stored_form_round_trips_and_rejects_garbage() {
        let mut a = Affinity::default();
        a.raise(&product("cafes", "serra"), Interest::View, 1_000.0, 7.0);
        assert_eq!(Affinity::from_value(&a.to_value()).unwrap(), a);
        let bad: Value = serde_json::from_str(r#"{"category": {"x": [-1, 0]}}"#).unwrap();
        assert!(Affinity::from_value(&bad)
            .unwrap_err()
            .contains("affinity.category.x"));
        let long = format!(r#"{{"brand": {{"{}": [1, 0]}}}}"#, "b".repeat(500));
        let v: Value = serde_json::from_str(&long).unwrap();
        assert_eq!(
            Affinity::from_value(&v).unwrap().brand[0].name.len(),
            MAX_NAME_LEN
        );
    }
}
