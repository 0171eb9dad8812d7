//! What templates, `reorder` and `recommend` render from: the attributes at the
//! time of applying and the engine's recommendations. Its own module so the
//! applier and the sanitizer both read it without reaching into each other.

use crate::engine::recommend::Slot;
#[cfg(feature = "runtime")]
use crate::engine::template::{has_expressions, Template};
use crate::engine::Value;

/// The engine's recommendations for a slot, as item values.
pub type Recommend<'a> = &'a dyn Fn(&Slot) -> Vec<Value>;

/// What templates, `reorder` and `recommend` read: the attributes at the time
/// of applying, and the engine's recommendations for a slot.
pub struct Render<'a> {
    pub attributes: &'a Value,
    pub recommend: Option<Recommend<'a>>,
    /// Recommendations already computed during this render (a dynamic action's
    /// fingerprint and its rendering ask for the same slot).
    computed: std::cell::RefCell<Vec<(Slot, Vec<Value>)>>,
}

impl<'a> Render<'a> {
    pub fn new(attributes: &'a Value, recommend: Option<Recommend<'a>>) -> Render<'a> {
        Render {
            attributes,
            recommend,
            computed: Default::default(),
        }
    }

    /// Templates only (no recommendations).
    pub fn of(attributes: &'a Value) -> Render<'a> {
        Render::new(attributes, None)
    }

    pub fn items(&self, slot: &Slot) -> Vec<Value> {
        let Some(recommend) = self.recommend else {
            return Vec::new();
        };
        if let Some((_, items)) = self.computed.borrow().iter().find(|(s, _)| s == slot) {
            return items.clone();
        }
        let items = recommend(slot);
        self.computed
            .borrow_mut()
            .push((slot.clone(), items.clone()));
        items
    }
}

impl Render<'_> {
    /// The text with its template filled in. The start part (no `runtime`
    /// feature) never plans a template (`engine::first_swap`), so it carries no
    /// template engine and takes every text as it is.
    pub fn text(&self, text: &str) -> String {
        #[cfg(feature = "runtime")]
        if has_expressions(text) {
            return Template::parse(text)
                .map(|t| t.render(self.attributes))
                .unwrap_or_default();
        }
        text.to_owned()
    }
}
