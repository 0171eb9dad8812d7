//! What vitrine knows about the visitor: bounded aggregates, never an event log.
//!
//! The profile is split into aggregates (visitor, clicks, cart, dwell, events); the
//! config says which consent category each one is collected and stored under, so a
//! partition of storage holds exactly the aggregates of one category and can be purged
//! on its own. Every collection is capped and every string truncated, both when a
//! signal arrives and when stored data is read back (storage is untrusted too).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const MAX_KEYS: usize = 200;
pub const MAX_KEY_LEN: usize = 64;
pub const MAX_CART_ITEMS: usize = 100;
pub const MAX_QUANTITY: u32 = 9_999;
pub const MAX_PRICE: f64 = 1e9;
pub const MAX_NAME_LEN: usize = 200;
/// A session ends after this long without a page view or signal.
pub const SESSION_GAP_MS: f64 = 30.0 * 60.0 * 1000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Aggregate {
    Visitor,
    Clicks,
    Cart,
    Dwell,
    Events,
}

impl Aggregate {
    pub const ALL: [Aggregate; 5] = [
        Aggregate::Visitor,
        Aggregate::Clicks,
        Aggregate::Cart,
        Aggregate::Dwell,
        Aggregate::Events,
    ];

    /// The name used in the config's `signals` section.
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Visitor => "visitor",
            Aggregate::Clicks => "clicks",
            Aggregate::Cart => "cart",
            Aggregate::Dwell => "dwell",
            Aggregate::Events => "events",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visitor: Option<Visitor>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub clicks: BTreeMap<String, u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cart: Option<Vec<CartItem>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dwell: Option<Dwell>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub events: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_session_ms: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Dwell {
    pub total_ms: f64,
}

/// One line of the cart. `Deserialize` accepts what a developer passes to
/// `cart.add`; `CartItem::checked` then validates and bounds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CartItem {
    pub id: String,
    pub name: String,
    pub category: String,
    pub price: f64,
    pub quantity: u32,
}

impl CartItem {
    /// Validates an item from outside; the error says what to fix.
    pub fn checked(mut self) -> Result<CartItem, String> {
        if self.id.is_empty() {
            return Err("cart item needs a non-empty \"id\"".into());
        }
        if !self.price.is_finite() || self.price < 0.0 || self.price > MAX_PRICE {
            return Err(format!("cart item \"{}\": price must be a number between 0 and {MAX_PRICE}", truncate(&self.id, MAX_KEY_LEN)));
        }
        if self.quantity == 0 {
            self.quantity = 1;
        }
        if self.quantity > MAX_QUANTITY {
            return Err(format!("cart item \"{}\": quantity must be between 1 and {MAX_QUANTITY}", truncate(&self.id, MAX_KEY_LEN)));
        }
        self.id = truncate(&self.id, MAX_KEY_LEN);
        self.name = truncate(&self.name, MAX_NAME_LEN);
        self.category = truncate(&self.category, MAX_KEY_LEN);
        Ok(self)
    }
}

/// Cuts a string to at most `max` characters, on a character boundary.
pub fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_owned(),
        None => s.to_owned(),
    }
}

/// Adds one to a bounded counter map; past the cap, new keys are not recorded.
pub fn bump(map: &mut BTreeMap<String, u32>, key: &str) {
    let key = truncate(key, MAX_KEY_LEN);
    if let Some(n) = map.get_mut(&key) {
        *n = n.saturating_add(1);
    } else if map.len() < MAX_KEYS {
        map.insert(key, 1);
    }
}

impl Profile {
    /// Keeps only the aggregates `keep` accepts (one storage partition's share).
    pub fn only(&self, keep: impl Fn(Aggregate) -> bool) -> Profile {
        Profile {
            visitor: self.visitor.clone().filter(|_| keep(Aggregate::Visitor)),
            clicks: if keep(Aggregate::Clicks) { self.clicks.clone() } else { BTreeMap::new() },
            cart: self.cart.clone().filter(|_| keep(Aggregate::Cart)),
            dwell: self.dwell.clone().filter(|_| keep(Aggregate::Dwell)),
            events: if keep(Aggregate::Events) { self.events.clone() } else { BTreeMap::new() },
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
    }

    pub fn clear(&mut self, aggregate: Aggregate) {
        match aggregate {
            Aggregate::Visitor => self.visitor = None,
            Aggregate::Clicks => self.clicks.clear(),
            Aggregate::Cart => self.cart = None,
            Aggregate::Dwell => self.dwell = None,
            Aggregate::Events => self.events.clear(),
        }
    }

    /// Re-applies every cap to data read back from storage, which may have been
    /// edited by hand or written by a hostile script.
    pub fn bounded(mut self) -> Profile {
        let clamp_map = |map: BTreeMap<String, u32>| -> BTreeMap<String, u32> {
            map.into_iter()
                .filter(|(k, _)| !k.is_empty())
                .take(MAX_KEYS)
                .map(|(k, v)| (truncate(&k, MAX_KEY_LEN), v))
                .collect()
        };
        self.clicks = clamp_map(self.clicks);
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
            line.quantity = line.quantity.saturating_add(item.quantity).min(MAX_QUANTITY);
            line.price = item.price;
        } else if items.len() < MAX_CART_ITEMS {
            items.push(item);
        }
    }

    /// Removes the line with this id; returns whether there was one.
    pub fn cart_remove(&mut self, id: &str) -> bool {
        let Some(items) = self.cart.as_mut() else { return false };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, price: f64, quantity: u32) -> CartItem {
        CartItem { id: id.into(), price, quantity, ..CartItem::default() }
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
        assert_eq!((v.visits, v.sessions, v.previous_session_ms), (3, 2, Some(2_000.0)));
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
        assert!(item("x", f64::NAN, 1).checked().unwrap_err().contains("price"));
        assert!(item("x", -1.0, 1).checked().unwrap_err().contains("price"));
        assert!(item("x", 1.0, 10_000).checked().unwrap_err().contains("quantity"));
        assert_eq!(item("x", 1.0, 0).checked().unwrap().quantity, 1);
    }

    #[test]
    fn counters_are_capped_and_keys_truncated() {
        let mut map = BTreeMap::new();
        for i in 0..(MAX_KEYS + 50) {
            bump(&mut map, &format!("k{i}"));
        }
        bump(&mut map, &"x".repeat(500));
        assert_eq!(map.len(), MAX_KEYS);
        assert!(map.keys().all(|k| k.chars().count() <= MAX_KEY_LEN));
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
        assert_eq!(q.clicks.get("promo"), Some(&1));
    }
}
