//! The product catalog the site ships in its config (`catalog`), for on-device
//! recommendations: products and item-to-item `complements` (co-purchase pairs
//! with weights, as a shop can export from its order history).
//!
//! Looked up by id through a sorted index (binary search) rather than a hash map:
//! the same speed at catalog sizes, and no hasher code in the wasm.

use super::diagnostic::{field, index, Diagnostics, Path};
use super::reader::{bounded_list, get, object, string};
use super::value::Value;

pub const MAX_PRODUCTS: usize = 10_000;
pub const MAX_COMPLEMENTS: usize = 50_000;
pub const MAX_TAGS: usize = 20;

pub(crate) const CATALOG_FIELDS: &[&str] = &["products", "complements"];
pub(crate) const PRODUCT_FIELDS: &[&str] = &[
    "id",
    "name",
    "url",
    "image",
    "price",
    "category",
    "brand",
    "tags",
    "available",
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub url: String,
    pub image: String,
    pub price: f64,
    pub category: String,
    pub brand: String,
    pub tags: Vec<String>,
    pub available: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub products: Vec<Product>,
    /// `(id, position)` sorted by id.
    by_id: Vec<(String, usize)>,
    /// Per product, its complements `(position, weight)`, both directions.
    pub complements: Vec<Vec<(usize, f64)>>,
    /// Distinct category and brand names, and each product's index into them,
    /// so recommenders score a category once, not once per product.
    pub categories: Vec<String>,
    pub brands: Vec<String>,
    pub category_of: Vec<u32>,
    pub brand_of: Vec<u32>,
}

/// Distinct values (sorted) and each item's index among them.
fn interned<'a>(values: impl Iterator<Item = &'a str> + Clone) -> (Vec<String>, Vec<u32>) {
    let mut names: Vec<String> = values.clone().map(str::to_owned).collect();
    names.sort_unstable();
    names.dedup();
    let of = values
        .map(|v| names.binary_search_by(|n| n.as_str().cmp(v)).unwrap_or(0) as u32)
        .collect();
    (names, of)
}

impl Catalog {
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id
            .binary_search_by(|(k, _)| k.as_str().cmp(id))
            .ok()
            .map(|i| self.by_id[i].1)
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// Builds the index and the complement lists (used by `parse` and tests).
    pub fn new(products: Vec<Product>, pairs: &[(String, String, f64)]) -> Catalog {
        let mut by_id: Vec<(String, usize)> = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        by_id.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let (categories, category_of) = interned(products.iter().map(|p| p.category.as_str()));
        let (brands, brand_of) = interned(products.iter().map(|p| p.brand.as_str()));
        let mut catalog = Catalog {
            complements: vec![Vec::new(); products.len()],
            products,
            by_id,
            categories,
            brands,
            category_of,
            brand_of,
        };
        for (a, b, w) in pairs {
            if let (Some(i), Some(j)) = (catalog.position(a), catalog.position(b)) {
                if i != j {
                    catalog.complements[i].push((j, *w));
                    catalog.complements[j].push((i, *w));
                }
            }
        }
        catalog
    }
}

fn text(
    map: &super::value::Map,
    key: &str,
    path: &Path,
    max: usize,
    diags: &mut Diagnostics,
) -> String {
    get(map, key)
        .and_then(|v| string(v, &field(path, key), max, diags))
        .unwrap_or_default()
}

pub fn parse(value: Option<&Value>, diags: &mut Diagnostics) -> Catalog {
    let Some(value) = value else {
        return Catalog::default();
    };
    let Some(map) = object(value, &Path::Text("catalog"), CATALOG_FIELDS, diags) else {
        return Catalog::default();
    };
    let mut builder = CatalogBuilder::default();
    let list = bounded_list(
        get(map, "products"),
        &Path::Text("catalog.products"),
        MAX_PRODUCTS,
        "products",
        diags,
    );
    builder.add_products(list, diags);
    let list = bounded_list(
        get(map, "complements"),
        &Path::Text("catalog.complements"),
        MAX_COMPLEMENTS,
        "pairs",
        diags,
    );
    builder.add_pairs(list, diags);
    builder.finish(diags)
}

/// Builds a catalog from pieces, so a large one can be read in chunks between
/// tasks (no long task on the page) with the same checks and paths as `parse`.
#[derive(Debug, Default)]
pub struct CatalogBuilder {
    products: Vec<Product>,
    /// Positions in the config of the products kept (for error paths).
    product_paths: Vec<usize>,
    read_products: usize,
    pairs: Vec<(String, String, f64)>,
    pair_paths: Vec<usize>,
    read_pairs: usize,
}

impl CatalogBuilder {
    /// Reads the next products (`catalog.products[n…]`); bad ones are reported
    /// and skipped.
    pub fn add_products(&mut self, list: &[Value], diags: &mut Diagnostics) {
        let offset = self.read_products;
        self.read_products += list.len();
        if self.read_products > MAX_PRODUCTS {
            diags.error(
                &Path::Text("catalog.products"),
                format!("has more than {MAX_PRODUCTS} products; the rest is ignored"),
            );
        }
        let products = &mut self.products;
        // The path of each kept product, for errors found when finishing.
        for (i, item) in list
            .iter()
            .enumerate()
            .take(MAX_PRODUCTS.saturating_sub(offset))
        {
            let path = index(&Path::Text("catalog.products"), offset + i);
            let Some(p) = object(item, &path, PRODUCT_FIELDS, diags) else {
                continue;
            };
            let id = text(p, "id", &path, 64, diags);
            if id.is_empty() {
                diags.error(&path, "missing field \"id\"");
                continue;
            }
            let url = text(p, "url", &path, 2048, diags);
            let image = text(p, "image", &path, 2048, diags);
            for (key, u) in [("url", &url), ("image", &image)] {
                if !u.is_empty() && !super::html_policy::is_safe_url(u) {
                    diags.error(&field(&path, key), "URL must be http(s) or relative");
                }
            }
            let price = match get(p, "price") {
                None => 0.0,
                Some(Value::Number(n)) if n.is_finite() && *n >= 0.0 && *n <= 1e9 => *n,
                Some(other) => {
                    diags.error(
                        &field(&path, "price"),
                        format!(
                            "must be a number from 0 to 1000000000, found {}",
                            other.to_json()
                        ),
                    );
                    0.0
                }
            };
            let tags = bounded_list(
                get(p, "tags"),
                &field(&path, "tags"),
                MAX_TAGS,
                "tags",
                diags,
            )
            .iter()
            .enumerate()
            .filter_map(|(t, v)| string(v, &index(&field(&path, "tags"), t), 48, diags))
            .collect();
            let available = match get(p, "available") {
                None => true,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    diags.error(
                        &field(&path, "available"),
                        format!("expected true or false, found {}", other.to_json()),
                    );
                    true
                }
            };
            self.product_paths.push(offset + i);
            products.push(Product {
                name: text(p, "name", &path, 200, diags),
                category: text(p, "category", &path, 48, diags),
                brand: text(p, "brand", &path, 48, diags),
                id,
                url,
                image,
                price,
                tags,
                available,
            });
        }
    }

    /// Reads the next complement pairs (`catalog.complements[n…]`).
    pub fn add_pairs(&mut self, list: &[Value], diags: &mut Diagnostics) {
        let offset = self.read_pairs;
        self.read_pairs += list.len();
        let pairs = &mut self.pairs;
        let mut paths = Vec::new();
        for (i, pair) in list
            .iter()
            .enumerate()
            .take(MAX_COMPLEMENTS.saturating_sub(offset))
        {
            let path = index(&Path::Text("catalog.complements"), offset + i);
            match pair.as_array() {
                Some([Value::String(a), Value::String(b)]) => {
                    pairs.push((a.clone(), b.clone(), 1.0))
                }
                Some([Value::String(a), Value::String(b), Value::Number(w)])
                    if w.is_finite() && *w > 0.0 =>
                {
                    pairs.push((a.clone(), b.clone(), *w))
                }
                _ => {
                    diags.error(&path, "expected [\"productA\", \"productB\", weight > 0]");
                    continue;
                }
            }
            paths.push(offset + i);
        }
        self.pair_paths.extend(paths);
    }

    /// The catalog; duplicate ids and pairs naming unknown products are reported.
    pub fn finish(self, diags: &mut Diagnostics) -> Catalog {
        let catalog = Catalog::new(self.products, &self.pairs);
        // Duplicates sit next to each other in the sorted index.
        for w in catalog.by_id.windows(2) {
            if w[0].0 == w[1].0 {
                let path = index(&Path::Text("catalog.products"), self.product_paths[w[1].1]);
                diags.error(
                    &field(&path, "id"),
                    format!("duplicate product id \"{}\"", w[1].0),
                );
            }
        }
        for ((a, b, _), at) in self.pairs.iter().zip(&self.pair_paths) {
            for id in [a, b] {
                if catalog.position(id).is_none() {
                    diags.error(
                        &index(&Path::Text("catalog.complements"), *at),
                        format!("unknown product \"{id}\""),
                    );
                }
            }
        }
        catalog
    }
}
