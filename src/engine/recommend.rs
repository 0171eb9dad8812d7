//! On-device recommendations: which catalog products to show in a slot, from
//! what the visitor did, with no server.
//!
//! Each recommender scores products; scores are scaled to [0, 1] by the best one
//! and combined with the slot's weights. Then exclusions (in the cart, out of
//! stock, already purchased, the product being viewed) and diversity (at most N
//! from one category) pick the list. Ties keep catalog order, so results are
//! deterministic and testable.

use super::catalog::Catalog;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recommender {
    /// Co-purchased with the cart's items and the product being viewed.
    Complements,
    /// The visitor's category and brand affinities (with decay).
    Affinity,
    /// Products the visitor looked at, most recent first.
    RecentlyViewed,
    /// Products the visitor interacted with most in this session.
    TrendingInSession,
    /// Like the product being viewed (or the last viewed): category, tags, price band.
    Similar,
}

pub const RECOMMENDERS: &[&str] = &[
    "complements",
    "affinity",
    "recently_viewed",
    "trending_in_session",
    "similar",
];

impl Recommender {
    pub fn parse(name: &str) -> Option<Recommender> {
        let all = [
            Recommender::Complements,
            Recommender::Affinity,
            Recommender::RecentlyViewed,
            Recommender::TrendingInSession,
            Recommender::Similar,
        ];
        RECOMMENDERS.iter().position(|n| *n == name).map(|i| all[i])
    }
}

/// What the visitor did, as the recommenders need it.
#[derive(Debug, Clone, Default)]
pub struct Inputs<'a> {
    pub cart: &'a [String],
    /// The product on the current page, if any.
    pub viewing: Option<&'a str>,
    /// Most recent last.
    pub recent: &'a [String],
    /// `(product, interactions)` in this session.
    pub session: &'a [(String, u32)],
    pub category_affinity: &'a [(String, f64)],
    pub brand_affinity: &'a [(String, f64)],
    pub purchased: &'a [String],
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub recommenders: Vec<(Recommender, f64)>,
    pub count: usize,
    /// At most this many from one category (0: no limit).
    pub max_per_category: usize,
    /// Leave out what the visitor already bought.
    pub exclude_purchased: bool,
}

fn scale(scores: &mut [f64]) {
    let best = scores.iter().cloned().fold(0.0, f64::max);
    if best > 0.0 {
        for s in scores.iter_mut() {
            *s /= best;
        }
    }
}

fn score(catalog: &Catalog, which: Recommender, inputs: &Inputs) -> Vec<f64> {
    let n = catalog.products.len();
    let mut scores = vec![0.0; n];
    let lookup = |pairs: &[(String, f64)], key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or(0.0, |(_, v)| *v)
    };
    match which {
        Recommender::Complements => {
            let sources = inputs.cart.iter().map(String::as_str).chain(inputs.viewing);
            for source in sources {
                if let Some(i) = catalog.position(source) {
                    for (j, w) in &catalog.complements[i] {
                        scores[*j] += w;
                    }
                }
            }
        }
        Recommender::Affinity => {
            let by_category: Vec<f64> = catalog
                .categories
                .iter()
                .map(|c| lookup(inputs.category_affinity, c))
                .collect();
            let by_brand: Vec<f64> = catalog
                .brands
                .iter()
                .map(|b| lookup(inputs.brand_affinity, b))
                .collect();
            for (i, s) in scores.iter_mut().enumerate() {
                *s = by_category[catalog.category_of[i] as usize]
                    + 0.5 * by_brand[catalog.brand_of[i] as usize];
            }
        }
        Recommender::RecentlyViewed => {
            let len = inputs.recent.len();
            for (k, id) in inputs.recent.iter().enumerate() {
                if let Some(i) = catalog.position(id) {
                    scores[i] = scores[i].max((k + 1) as f64 / len as f64);
                }
            }
        }
        Recommender::TrendingInSession => {
            for (id, count) in inputs.session {
                if let Some(i) = catalog.position(id) {
                    scores[i] += f64::from(*count);
                }
            }
        }
        Recommender::Similar => {
            let base = inputs
                .viewing
                .or(inputs.recent.last().map(String::as_str))
                .and_then(|id| catalog.position(id));
            if let Some(b) = base {
                let base = &catalog.products[b];
                for (i, p) in catalog.products.iter().enumerate() {
                    if i == b {
                        continue;
                    }
                    let mut s = 0.0;
                    if !p.category.is_empty() && catalog.category_of[i] == catalog.category_of[b] {
                        s += 1.0;
                    }
                    let shared = p.tags.iter().filter(|t| base.tags.contains(t)).count();
                    let union = p.tags.len() + base.tags.len() - shared;
                    if union > 0 {
                        s += shared as f64 / union as f64;
                    }
                    if base.price > 0.0 && (p.price - base.price).abs() <= 0.3 * base.price {
                        s += 0.5;
                    }
                    scores[i] = s;
                }
            }
        }
    }
    scale(&mut scores);
    scores
}

/// The positions in the catalog of the products to show, best first.
pub fn recommend(catalog: &Catalog, slot: &Slot, inputs: &Inputs) -> Vec<usize> {
    let n = catalog.products.len();
    let mut total = vec![0.0; n];
    for (which, weight) in &slot.recommenders {
        for (t, s) in total.iter_mut().zip(score(catalog, *which, inputs)) {
            *t += weight * s;
        }
    }
    // Exclusions by position (a lookup each), not by comparing every id.
    let mut excluded: Vec<bool> = catalog.products.iter().map(|p| !p.available).collect();
    let purchased = if slot.exclude_purchased {
        inputs.purchased
    } else {
        &[]
    };
    let ids = inputs
        .cart
        .iter()
        .chain(purchased)
        .map(String::as_str)
        .chain(inputs.viewing);
    for i in ids.filter_map(|id| catalog.position(id)) {
        excluded[i] = true;
    }
    let mut order: Vec<usize> = (0..n).filter(|&i| total[i] > 0.0 && !excluded[i]).collect();
    let better = |a: &usize, b: &usize| total[*b].total_cmp(&total[*a]).then(a.cmp(b));
    // Only the head of the ranking is needed: select it, then sort just that part
    // (the whole ranking only when diversity skips too many).
    let head = (slot.count * 8).max(32);
    if order.len() > head {
        order.select_nth_unstable_by(head, better);
        order[..head].sort_unstable_by(better);
        if pick(catalog, slot, &order[..head]).len() == slot.count.min(head) {
            return pick(catalog, slot, &order[..head]);
        }
    }
    order.sort_unstable_by(better);
    pick(catalog, slot, &order)
}

/// The first `slot.count` of a ranking that diversity allows.
fn pick(catalog: &Catalog, slot: &Slot, ranking: &[usize]) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::with_capacity(slot.count);
    let mut per_category: Vec<(&str, usize)> = Vec::new();
    for &i in ranking {
        if picked.len() >= slot.count {
            break;
        }
        let category = catalog.products[i].category.as_str();
        if slot.max_per_category > 0 {
            match per_category.iter_mut().find(|(c, _)| *c == category) {
                Some((_, k)) if *k >= slot.max_per_category => continue,
                Some((_, k)) => *k += 1,
                None => per_category.push((category, 1)),
            }
        }
        picked.push(i);
    }
    picked
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::catalog::Product;
    use super::*;

    fn product(id: &str, category: &str, brand: &str, price: f64, tags: &[&str]) -> Product {
        Product {
            id: id.into(),
            name: id.into(),
            category: category.into(),
            brand: brand.into(),
            price,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            available: true,
            ..Product::default()
        }
    }

    fn catalog() -> Catalog {
        let mut products = vec![
            product("coffee-a", "cafes", "Serra", 50.0, &["arabica", "frutado"]),
            product("coffee-b", "cafes", "Alto", 55.0, &["arabica", "chocolate"]),
            product("coffee-c", "cafes", "Serra", 130.0, &["geisha"]),
            product("tea-a", "chas", "Flor", 30.0, &["verde"]),
            product("tea-b", "chas", "Flor", 25.0, &["verde", "gelado"]),
            product("press", "acessorios", "Barista", 150.0, &["preparo"]),
            product(
                "grinder",
                "acessorios",
                "Barista",
                190.0,
                &["preparo", "moagem"],
            ),
            product("filter", "acessorios", "Hario", 90.0, &["preparo"]),
        ];
        products[6].available = false; // the grinder is out of stock
        let pairs = [
            ("coffee-a", "press", 5.0),
            ("coffee-a", "filter", 3.0),
            ("coffee-a", "grinder", 4.0),
            ("coffee-b", "filter", 2.0),
            ("tea-a", "tea-b", 1.0),
        ]
        .map(|(a, b, w)| (a.to_string(), b.to_string(), w));
        Catalog::new(products, &pairs)
    }

    fn ids(c: &Catalog, list: Vec<usize>) -> Vec<&str> {
        list.into_iter()
            .map(|i| c.products[i].id.as_str())
            .collect()
    }

    fn slot(recommenders: Vec<(Recommender, f64)>, count: usize, max_per_category: usize) -> Slot {
        Slot {
            recommenders,
            count,
            max_per_category,
            exclude_purchased: true,
        }
    }

    #[test]
    fn complements_of_the_cart_skip_the_cart_and_what_is_out_of_stock() {
        let c = catalog();
        let cart = ["coffee-a".to_string(), "coffee-b".to_string()];
        let inputs = Inputs {
            cart: &cart,
            ..Inputs::default()
        };
        let got = recommend(
            &c,
            &slot(vec![(Recommender::Complements, 1.0)], 4, 0),
            &inputs,
        );
        // filter: 3 + 2 = 5 ties press: 5, catalog order decides; grinder is out of stock.
        assert_eq!(ids(&c, got), ["press", "filter"]);
    }

    #[test]
    fn affinity_ranks_by_category_then_brand_with_diversity() {
        let c = catalog();
        let categories = [("chas".to_string(), 3.0), ("cafes".to_string(), 1.0)];
        let brands = [("Serra".to_string(), 2.0)];
        let inputs = Inputs {
            category_affinity: &categories,
            brand_affinity: &brands,
            ..Inputs::default()
        };
        let got = recommend(&c, &slot(vec![(Recommender::Affinity, 1.0)], 4, 2), &inputs);
        // tea-a/tea-b: 3; coffee-a/coffee-c: 1 + 1 = 2; coffee-b: 1 (third coffee: diversity).
        assert_eq!(ids(&c, got), ["tea-a", "tea-b", "coffee-a", "coffee-c"]);
    }

    #[test]
    fn recently_viewed_trending_and_similar() {
        let c = catalog();
        let recent = [
            "tea-b".to_string(),
            "press".to_string(),
            "coffee-a".to_string(),
        ];
        let inputs = Inputs {
            recent: &recent,
            ..Inputs::default()
        };
        let got = recommend(
            &c,
            &slot(vec![(Recommender::RecentlyViewed, 1.0)], 5, 0),
            &inputs,
        );
        assert_eq!(ids(&c, got), ["coffee-a", "press", "tea-b"]);

        let session = [
            ("filter".to_string(), 1),
            ("tea-a".to_string(), 4),
            ("press".to_string(), 4),
        ];
        let inputs = Inputs {
            session: &session,
            ..Inputs::default()
        };
        let got = recommend(
            &c,
            &slot(vec![(Recommender::TrendingInSession, 1.0)], 2, 0),
            &inputs,
        );
        assert_eq!(ids(&c, got), ["tea-a", "press"]);

        // Similar to coffee-a (viewing): same category, shared tags, price within 30 %.
        let inputs = Inputs {
            viewing: Some("coffee-a"),
            ..Inputs::default()
        };
        let got = recommend(&c, &slot(vec![(Recommender::Similar, 1.0)], 3, 0), &inputs);
        // coffee-b: 1 + 1/3 + 0.5; coffee-c: 1; nothing else scores.
        assert_eq!(ids(&c, got), ["coffee-b", "coffee-c"]);
    }

    #[test]
    fn weights_combine_and_purchases_are_excluded() {
        let c = catalog();
        let cart = ["coffee-a".to_string()];
        let categories = [("chas".to_string(), 1.0)];
        let purchased = ["press".to_string()];
        let inputs = Inputs {
            cart: &cart,
            category_affinity: &categories,
            purchased: &purchased,
            ..Inputs::default()
        };
        let mixed = slot(
            vec![
                (Recommender::Complements, 2.0),
                (Recommender::Affinity, 1.0),
            ],
            3,
            0,
        );
        // Complements scaled by the best (press, 5): filter 2 × 3/5 = 1.2 (press was
        // bought, the grinder is out of stock); teas 1 × 1.
        assert_eq!(
            ids(&c, recommend(&c, &mixed, &inputs)),
            ["filter", "tea-a", "tea-b"]
        );
    }
}
