//! One line of the cart, read from outside (the API, GA4 events, `vitrine:cart`)
//! and checked: ids, names and prices bounded, quantities whole, money in cents.

use crate::engine::codec;
use crate::engine::value::{object, truncate, Value};

pub const MAX_KEY_LEN: usize = 64;
pub const MAX_QUANTITY: u32 = 9_999;
pub const MAX_PRICE: f64 = 1e9;
pub const MAX_NAME_LEN: usize = 120;

/// One line of the cart; `CartItem::checked` validates and bounds one from outside.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CartItem {
    pub id: String,
    pub name: String,
    pub category: String,
    /// Optional; raises brand affinity when the item is added.
    pub brand: String,
    pub price: f64,
    pub quantity: u32,
}

impl CartItem {
    /// Reads an item (`{id, name, category, price, quantity}`) from outside and
    /// validates it; the error says what to fix.
    pub fn from_value(value: &Value) -> Result<CartItem, String> {
        let map = codec::object(value, "cart item")?;
        let id = match codec::field(map, "id") {
            Some(Value::Number(n)) => Value::Number(*n).to_js_string(),
            _ => codec::string(map, "id")?,
        };
        let quantity = codec::number(map, "quantity", 1.0)?;
        if quantity.fract() != 0.0 || !(1.0..=f64::from(MAX_QUANTITY)).contains(&quantity) {
            return Err(format!(
                "cart item \"{}\": quantity must be a whole number from 1 to {MAX_QUANTITY}",
                truncate(&id, MAX_KEY_LEN)
            ));
        }
        if codec::field(map, "price").is_none() {
            return Err(format!(
                "cart item \"{}\" needs a \"price\"",
                truncate(&id, MAX_KEY_LEN)
            ));
        }
        CartItem {
            name: codec::string(map, "name")?,
            category: codec::string(map, "category")?,
            brand: codec::string(map, "brand")?,
            price: codec::number(map, "price", 0.0)?,
            quantity: quantity as u32,
            id,
        }
        .checked()
    }

    /// A list of items as the array the attributes, the API and storage show.
    pub fn list_value(items: &[CartItem]) -> Value {
        let mut list = Vec::with_capacity(items.len());
        for item in items {
            list.push(item.to_value());
        }
        Value::Array(list)
    }

    pub fn to_value(&self) -> Value {
        let mut fields = vec![
            ("id", Value::from(self.id.as_str())),
            ("name", Value::from(self.name.as_str())),
            ("category", Value::from(self.category.as_str())),
            ("price", Value::Number(self.price)),
            ("quantity", Value::Number(f64::from(self.quantity))),
        ];
        if !self.brand.is_empty() {
            fields.insert(3, ("brand", Value::from(self.brand.as_str())));
        }
        object(fields)
    }

    /// Validates an item from outside; the error says what to fix.
    pub fn checked(mut self) -> Result<CartItem, String> {
        if self.id.is_empty() {
            return Err("cart item needs a non-empty \"id\"".into());
        }
        if !self.price.is_finite() || self.price < 0.0 || self.price > MAX_PRICE {
            return Err(format!(
                "cart item \"{}\": price must be a number from 0 to 1000000000",
                truncate(&self.id, MAX_KEY_LEN)
            ));
        }
        if self.quantity == 0 {
            self.quantity = 1;
        }
        if self.quantity > MAX_QUANTITY {
            return Err(format!(
                "cart item \"{}\": quantity must be between 1 and {MAX_QUANTITY}",
                truncate(&self.id, MAX_KEY_LEN)
            ));
        }
        self.id = truncate(&self.id, MAX_KEY_LEN);
        self.name = truncate(&self.name, MAX_NAME_LEN);
        self.category = truncate(&self.category, MAX_KEY_LEN);
        self.brand = truncate(&self.brand, MAX_KEY_LEN);
        Ok(self)
    }
}
