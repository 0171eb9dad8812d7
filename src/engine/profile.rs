//! What vitrine knows about the visitor: bounded aggregates, never an event log.
//!
//! The profile is split into aggregates (visitor, clicks, cart, dwell, events); the
//! config says which consent category each one is collected and stored under, so a
//! partition of storage holds exactly the aggregates of one category and can be purged
//! on its own. Every collection is capped and every string truncated, both when a
//! signal arrives and when stored data is read back (storage is untrusted too).
//!
//! This file is just over 600 lines with its tests: the aggregates, their caps and
//! the byte budget that trims them belong together; the stored form and the cart
//! line are in `profile/`.

use super::affinity::Affinity;
use super::feedback::Feedback;
use super::search::Search;

mod cart;
mod stored;

use super::codec;
pub use super::value::truncate;
use super::value::{object, Value};
pub use cart::{CartItem, MAX_KEY_LEN, MAX_NAME_LEN, MAX_PRICE, MAX_QUANTITY};

/// Counters by key, least recently used first (small: at most `MAX_COUNTER_KEYS`).
pub type Counters = Vec<(String, u32)>;

/// Experiment assignments and exposure counts (bounded by the config anyway).
pub const MAX_KEYS: usize = 200;
/// Click keys and event names kept; the least recently used goes first. With the
/// other caps this keeps the persisted profile under 16 KB whatever happens.
pub const MAX_COUNTER_KEYS: usize = 40;
/// Marked elements whose dwell is kept (`dwell.<key>_ms`).
pub const MAX_DWELL_KEYS: usize = 20;
/// Events whose last props are kept, and props per event.
pub const MAX_PROP_EVENTS: usize = 8;
pub const MAX_PROPS: usize = 5;
pub const MAX_PROP_KEY_LEN: usize = 32;
pub const MAX_PROP_VALUE_LEN: usize = 64;
/// Customer ids from `identify`, and their traits.
pub const MAX_CUSTOMER_ID_LEN: usize = 128;
pub const MAX_TRAITS: usize = 20;
pub const MAX_TRAIT_VALUE_LEN: usize = 128;
pub const MAX_CART_ITEMS: usize = 100;
/// A session ends after this long without a page view or signal.
pub const SESSION_GAP_MS: f64 = 30.0 * 60.0 * 1000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Aggregate {
    Visitor,
    Clicks,
    Cart,
    Dwell,
    Events,
    /// Sticky experiment assignments.
    Experiments,
    /// Category and brand affinity scores.
    Affinity,
    /// The customer id and traits from `identify`.
    Identity,
    /// On-site search terms (`search`).
    Search,
    /// What the visitor told the site: the sentiment of their last text (`feedback`).
    Feedback,
}

impl Aggregate {
    pub const ALL: [Aggregate; 10] = [
        Aggregate::Visitor,
        Aggregate::Clicks,
        Aggregate::Cart,
        Aggregate::Dwell,
        Aggregate::Events,
        Aggregate::Experiments,
        Aggregate::Affinity,
        Aggregate::Identity,
        Aggregate::Search,
        Aggregate::Feedback,
    ];

    /// The name used in the config's `signals` section.
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Visitor => "visitor",
            Aggregate::Clicks => "clicks",
            Aggregate::Cart => "cart",
            Aggregate::Dwell => "dwell",
            Aggregate::Events => "events",
            Aggregate::Experiments => "experiments",
            Aggregate::Affinity => "affinity",
            Aggregate::Identity => "identity",
            Aggregate::Search => "search",
            Aggregate::Feedback => "feedback",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub visitor: Option<Visitor>,
    pub clicks: Counters,
    pub cart: Option<Vec<CartItem>>,
    pub dwell: Option<Dwell>,
    pub events: Counters,
    /// `(experiment, variant)`, kept so a visitor stays in the variant first given.
    pub assignments: Vec<(String, String)>,
    /// `(rule, window, count)`: how often a rule with a frequency cap was shown in
    /// its current window (stored with the experiments' data).
    pub exposures: Vec<(String, u64, u32)>,
    /// The pop-ups shown and closed (stored with the experiments' data).
    pub prompts: super::prompt::History,
    pub affinity: Affinity,
    pub identity: Option<Identity>,
    /// The last props of recent events: `(event, props)`, least recent first
    /// (stored with the events).
    pub event_props: Vec<(String, Props)>,
    pub search: Option<Search>,
    pub feedback: Option<Feedback>,
}

/// Props of one event or the traits of a customer: primitive values only.
pub type Props = Vec<(String, Value)>;

/// A known customer (`identify`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    pub id: String,
    pub traits: Props,
}

/// Reads props or traits from outside: an object of at most `max` strings,
/// numbers, booleans or nulls. Keys and strings are truncated; other values are
/// refused with the key that holds them.
pub fn props_from_value(value: &Value, max: usize, max_value_len: usize) -> Result<Props, String> {
    let map = codec::object(value, "props")?;
    if map.len() > max {
        return Err(format!("has {} entries; at most {max} are kept", map.len()));
    }
    let mut out = Props::new();
    for (k, v) in map {
        let v = match v {
            Value::String(s) => Value::String(truncate(s, max_value_len)),
            Value::Number(n) if n.is_finite() => v.clone(),
            Value::Bool(_) | Value::Null => v.clone(),
            other => {
                return Err(format!(
                    "\"{}\" must be a string, number, boolean or null, found {}",
                    truncate(k, MAX_PROP_KEY_LEN),
                    other.kind()
                ))
            }
        };
        let k = truncate(k, MAX_PROP_KEY_LEN);
        if !k.is_empty() && !out.iter().any(|(seen, _)| *seen == k) {
            out.push((k, v));
        }
    }
    Ok(out)
}

fn props_value(props: &Props) -> Value {
    Value::Object(props.clone())
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Visitor {
    /// Random, made by the browser shell; never derived from anything about the person.
    pub id: String,
    /// Page views.
    pub visits: u32,
    /// Sessions: a new one starts after 30 minutes without activity.
    pub sessions: u32,
    pub first_seen_ms: f64,
    pub last_seen_ms: f64,
    /// When the previous session ended, for `visitor.days_since_last`.
    pub previous_session_ms: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dwell {
    pub total_ms: f64,
    /// Time on marked elements (`data-vitrine-dwell="key"`), least recent first.
    pub elements: Vec<(String, f64)>,
}

impl Dwell {
    /// Adds time on a marked element; the least recently seen key makes room.
    pub fn add_element(&mut self, key: &str, ms: f64) {
        let key = truncate(key, MAX_KEY_LEN);
        if key.is_empty() || !(ms.is_finite() && ms > 0.0) {
            return;
        }
        let total = match self.elements.iter().position(|(k, _)| *k == key) {
            Some(i) => self.elements.remove(i).1 + ms,
            None => ms,
        };
        if self.elements.len() >= MAX_DWELL_KEYS {
            self.elements.remove(0);
        }
        self.elements.push((key, total));
    }
}

/// Adds one to a bounded counter and makes it the most recently used; past the
/// cap, the least recently used key is dropped.
pub fn bump(counters: &mut Counters, key: &str) {
    codec::bump(counters, key, MAX_COUNTER_KEYS, MAX_KEY_LEN);
}

/// Keeps `props` as the last props of `event` (most recent last, bounded).
pub fn remember_props(all: &mut Vec<(String, Props)>, event: &str, props: Props) {
    let event = truncate(event, MAX_KEY_LEN);
    all.retain(|(e, _)| *e != event);
    if props.is_empty() {
        return;
    }
    if all.len() >= MAX_PROP_EVENTS {
        all.remove(0);
    }
    all.push((event, props));
}

/// The count under `key`, 0 if absent.
pub fn count_of(counters: &Counters, key: &str) -> u32 {
    counters
        .iter()
        .find(|(k, _)| k == key)
        .map_or(0, |(_, n)| *n)
}

impl Profile {
    /// Keeps only the aggregates `keep` accepts (one storage partition's share).
    pub fn only(&self, keep: impl Fn(Aggregate) -> bool) -> Profile {
        Profile {
            visitor: self.visitor.clone().filter(|_| keep(Aggregate::Visitor)),
            clicks: if keep(Aggregate::Clicks) {
                self.clicks.clone()
            } else {
                Vec::new()
            },
            cart: self.cart.clone().filter(|_| keep(Aggregate::Cart)),
            dwell: self.dwell.clone().filter(|_| keep(Aggregate::Dwell)),
            events: if keep(Aggregate::Events) {
                self.events.clone()
            } else {
                Vec::new()
            },
            event_props: if keep(Aggregate::Events) {
                self.event_props.clone()
            } else {
                Vec::new()
            },
            affinity: if keep(Aggregate::Affinity) {
                self.affinity.clone()
            } else {
                Affinity::default()
            },
            identity: self.identity.clone().filter(|_| keep(Aggregate::Identity)),
            search: self.search.clone().filter(|_| keep(Aggregate::Search)),
            feedback: self.feedback.clone().filter(|_| keep(Aggregate::Feedback)),
            assignments: if keep(Aggregate::Experiments) {
                self.assignments.clone()
            } else {
                Vec::new()
            },
            exposures: if keep(Aggregate::Experiments) {
                self.exposures.clone()
            } else {
                Vec::new()
            },
            prompts: if keep(Aggregate::Experiments) {
                self.prompts.clone()
            } else {
                Default::default()
            },
        }
    }

    /// Takes the aggregates `take` accepts from `other` (restoring a partition).
    pub fn merge_from(&mut self, other: Profile, take: impl Fn(Aggregate) -> bool) {
        if take(Aggregate::Visitor) && other.visitor.is_some() {
            self.visitor = other.visitor;
        }
        if take(Aggregate::Clicks) && !other.clicks.is_empty() {
            self.clicks = other.clicks;
        }
        if take(Aggregate::Cart) && other.cart.is_some() {
            self.cart = other.cart;
        }
        if take(Aggregate::Dwell) && other.dwell.is_some() {
            self.dwell = other.dwell;
        }
        if take(Aggregate::Events) && !other.events.is_empty() {
            self.events = other.events;
        }
        if take(Aggregate::Events) && !other.event_props.is_empty() {
            self.event_props = other.event_props;
        }
        if take(Aggregate::Affinity) && !other.affinity.is_empty() {
            self.affinity = other.affinity;
        }
        if take(Aggregate::Identity) && other.identity.is_some() {
            self.identity = other.identity;
        }
        if take(Aggregate::Search) && other.search.is_some() {
            self.search = other.search;
        }
        if take(Aggregate::Feedback) && other.feedback.is_some() {
            self.feedback = other.feedback;
        }
        if take(Aggregate::Experiments) && !other.assignments.is_empty() {
            self.assignments = other.assignments;
        }
        if take(Aggregate::Experiments) && !other.exposures.is_empty() {
            self.exposures = other.exposures;
        }
        if take(Aggregate::Experiments) && !other.prompts.is_empty() {
            self.prompts = other.prompts;
        }
    }

    pub fn clear(&mut self, aggregate: Aggregate) {
        match aggregate {
            Aggregate::Visitor => self.visitor = None,
            Aggregate::Clicks => self.clicks.clear(),
            Aggregate::Cart => self.cart = None,
            Aggregate::Dwell => self.dwell = None,
            Aggregate::Events => {
                self.events.clear();
                self.event_props.clear();
            }
            Aggregate::Affinity => self.affinity = Affinity::default(),
            Aggregate::Identity => self.identity = None,
            Aggregate::Search => self.search = None,
            Aggregate::Feedback => self.feedback = None,
            Aggregate::Experiments => {
                self.assignments.clear();
                self.exposures.clear();
                self.prompts = Default::default();
            }
        }
    }

    /// Re-applies every cap to data read back from storage, which may have been
    /// edited by hand or written by a hostile script.
    pub fn bounded(mut self) -> Profile {
        let clamp_map = |map: Counters| -> Counters {
            let mut out = Counters::new();
            // The most recently used are last: keep the tail.
            let skip = map.len().saturating_sub(MAX_COUNTER_KEYS);
            for (k, v) in map.into_iter().skip(skip).filter(|(k, _)| !k.is_empty()) {
                let k = truncate(&k, MAX_KEY_LEN);
                if !out.iter().any(|(seen, _)| *seen == k) {
                    out.push((k, v));
                }
            }
            out
        };
        self.clicks = clamp_map(self.clicks);
        self.assignments.truncate(MAX_KEYS);
        self.exposures.truncate(MAX_KEYS);
        for (e, v) in &mut self.assignments {
            *e = truncate(e, MAX_KEY_LEN);
            *v = truncate(v, MAX_KEY_LEN);
        }
        self.events = clamp_map(self.events);
        if let Some(items) = self.cart.take() {
            let items: Vec<CartItem> = items
                .into_iter()
                .filter_map(|i| i.checked().ok())
                .take(MAX_CART_ITEMS)
                .collect();
            self.cart = Some(items);
        }
        if let Some(v) = self.visitor.as_mut() {
            v.id = truncate(&v.id, MAX_KEY_LEN);
            for t in [&mut v.first_seen_ms, &mut v.last_seen_ms] {
                if !t.is_finite() || *t < 0.0 {
                    *t = 0.0;
                }
            }
        }
        if let Some(d) = self.dwell.as_mut() {
            if !d.total_ms.is_finite() || d.total_ms < 0.0 {
                d.total_ms = 0.0;
            }
        }
        self
    }

    /// Trims the least recently used entries (event props, element dwell, click
    /// and event counters, recently viewed, session interactions, purchases, the
    /// oldest affinities, in turns) until the stored form
    /// is at most `budget` bytes. The caps alone bound each collection; this bounds
    /// their sum, whatever keys a page throws at vitrine. The cart, the visitor,
    /// the customer and experiment assignments are never trimmed. Returns whether
    /// anything was dropped.
    pub fn fit(&mut self, budget: usize) -> bool {
        let mut trimmed = false;
        while self.to_value().to_json().len() > budget {
            let mut dropped = false;
            let mut drop_first = |len: usize, remove: &mut dyn FnMut()| {
                if len > 0 {
                    remove();
                    dropped = true;
                }
            };
            drop_first(self.event_props.len(), &mut || {
                self.event_props.remove(0);
            });
            if let Some(d) = self.dwell.as_mut() {
                drop_first(d.elements.len(), &mut || {
                    d.elements.remove(0);
                });
            }
            drop_first(self.clicks.len(), &mut || {
                self.clicks.remove(0);
            });
            drop_first(self.events.len(), &mut || {
                self.events.remove(0);
            });
            let a = &mut self.affinity;
            for list in [&mut a.recent, &mut a.purchased] {
                if !list.is_empty() {
                    list.remove(0);
                    dropped = true;
                }
            }
            if !a.session.is_empty() {
                a.session.remove(0);
                dropped = true;
            }
            for scores in [&mut self.affinity.category, &mut self.affinity.brand] {
                // Scores are kept in first-seen order; the oldest update goes.
                let oldest = scores
                    .iter()
                    .enumerate()
                    .min_by(|(_, a), (_, b)| a.at_ms.total_cmp(&b.at_ms))
                    .map(|(i, _)| i);
                if let Some(i) = oldest {
                    scores.remove(i);
                    dropped = true;
                }
            }
            if !dropped {
                break;
            }
            trimmed = true;
        }
        trimmed
    }

    /// A page view: counts the visit and starts a new session after a gap.
    pub fn page_view(&mut self, fresh_id: &str, now_ms: f64) {
        let v = self.visitor.get_or_insert_with(|| Visitor {
            id: truncate(fresh_id, MAX_KEY_LEN),
            first_seen_ms: now_ms,
            ..Visitor::default()
        });
        if v.sessions == 0 || now_ms - v.last_seen_ms > SESSION_GAP_MS {
            if v.sessions > 0 {
                v.previous_session_ms = Some(v.last_seen_ms);
            }
            v.sessions = v.sessions.saturating_add(1);
        }
        v.visits = v.visits.saturating_add(1);
        v.last_seen_ms = now_ms;
    }

    pub fn cart_items(&self) -> &[CartItem] {
        self.cart.as_deref().unwrap_or(&[])
    }

    /// Adds an item, or adds its quantity to the line with the same id.
    pub fn cart_add(&mut self, item: CartItem) {
        let items = self.cart.get_or_insert_with(Vec::new);
        if let Some(line) = items.iter_mut().find(|l| l.id == item.id) {
            line.quantity = line
                .quantity
                .saturating_add(item.quantity)
                .min(MAX_QUANTITY);
            line.price = item.price;
        } else if items.len() < MAX_CART_ITEMS {
            items.push(item);
        }
    }

    /// Removes the line with this id; returns whether there was one.
    pub fn cart_remove(&mut self, id: &str) -> bool {
        let Some(items) = self.cart.as_mut() else {
            return false;
        };
        let before = items.len();
        items.retain(|l| l.id != id);
        before != items.len()
    }

    pub fn cart_total(&self) -> f64 {
        let cents: f64 = self
            .cart_items()
            .iter()
            .map(|i| (i.price * 100.0).round() * f64::from(i.quantity))
            .sum();
        cents / 100.0
    }

    pub fn cart_count(&self) -> u32 {
        self.cart_items().iter().map(|i| i.quantity).sum()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn item(id: &str, price: f64, quantity: u32) -> CartItem {
        CartItem {
            id: id.into(),
            price,
            quantity,
            ..CartItem::default()
        }
    }

    #[test]
    fn sessions_start_after_a_gap() {
        let mut p = Profile::default();
        p.page_view("id1", 1_000.0);
        p.page_view("ignored", 2_000.0);
        let v = p.visitor.clone().unwrap();
        assert_eq!((v.id.as_str(), v.visits, v.sessions), ("id1", 2, 1));
        p.page_view("ignored", 2_000.0 + SESSION_GAP_MS + 1.0);
        let v = p.visitor.unwrap();
        assert_eq!(
            (v.visits, v.sessions, v.previous_session_ms),
            (3, 2, Some(2_000.0))
        );
    }

    #[test]
    fn cart_merges_lines_and_totals_in_cents() {
        let mut p = Profile::default();
        p.cart_add(item("a", 0.1, 1));
        p.cart_add(item("a", 0.1, 2));
        p.cart_add(item("b", 0.2, 1));
        assert_eq!((p.cart_count(), p.cart_total()), (4, 0.5));
        assert!(p.cart_remove("a"));
        assert!(!p.cart_remove("a"));
        assert_eq!(p.cart_total(), 0.2);
    }

    #[test]
    fn bad_items_are_refused_with_a_reason() {
        assert!(item("", 1.0, 1).checked().unwrap_err().contains("id"));
        assert!(item("x", f64::NAN, 1)
            .checked()
            .unwrap_err()
            .contains("price"));
        assert!(item("x", -1.0, 1).checked().unwrap_err().contains("price"));
        assert!(item("x", 1.0, 10_000)
            .checked()
            .unwrap_err()
            .contains("quantity"));
        assert_eq!(item("x", 1.0, 0).checked().unwrap().quantity, 1);
    }

    #[test]
    fn counters_are_capped_and_keys_truncated() {
        let mut map = Counters::new();
        for i in 0..(MAX_COUNTER_KEYS + 50) {
            bump(&mut map, &format!("k{i}"));
        }
        // Used again, so it survives while older keys go.
        bump(&mut map, "k60");
        bump(&mut map, &"x".repeat(500));
        assert_eq!(map.len(), MAX_COUNTER_KEYS);
        assert_eq!(count_of(&map, "k60"), 2);
        assert_eq!(count_of(&map, "k50"), 0);
        assert_eq!(map.last().unwrap().0.len(), MAX_KEY_LEN);
        assert!(map.iter().all(|(k, _)| k.chars().count() <= MAX_KEY_LEN));
        assert_eq!(truncate("ação", 2), "aç");
    }

    #[test]
    fn partitions_split_and_merge() {
        let mut p = Profile::default();
        p.page_view("id", 1.0);
        bump(&mut p.clicks, "promo");
        let clicks_only = p.only(|a| a == Aggregate::Clicks);
        assert!(clicks_only.visitor.is_none());
        let mut q = Profile::default();
        q.merge_from(clicks_only, |_| true);
        assert_eq!(count_of(&q.clicks, "promo"), 1);
    }

    #[test]
    fn stored_form_round_trips_and_rejects_wrong_types() {
        let mut p = Profile::default();
        p.page_view("id", 1.5);
        bump(&mut p.clicks, "promo");
        bump(&mut p.events, "signup");
        p.cart_add(item("a", 9.9, 2));
        p.dwell = Some(Dwell {
            total_ms: 1234.0,
            elements: vec![("hero".into(), 800.0)],
        });
        assert_eq!(Profile::from_value(&p.to_value()).unwrap(), p);
        let bad: Value = serde_json::from_str(r#"{"clicks": {"x": -1}}"#).unwrap();
        assert!(Profile::from_value(&bad).unwrap_err().contains("\"x\""));
        let bad: Value = serde_json::from_str(r#"{"visitor": "me"}"#).unwrap();
        assert!(Profile::from_value(&bad).is_err());
    }

    #[test]
    fn cart_items_from_outside() {
        let v: Value =
            serde_json::from_str(r#"{"id": 7, "price": 10, "quantity": 2, "name": "X"}"#).unwrap();
        let i = CartItem::from_value(&v).unwrap();
        assert_eq!((i.id.as_str(), i.quantity), ("7", 2));
        for bad in [
            r#"{"id": "a"}"#,
            r#"{"id": "a", "price": "10"}"#,
            r#"{"id": "a", "price": 1, "quantity": 1.5}"#,
            r#"[]"#,
        ] {
            let v: Value = serde_json::from_str(bad).unwrap();
            assert!(CartItem::from_value(&v).is_err(), "{bad}");
        }
    }
}
