//! Which marked elements the visitor is looking at: an IntersectionObserver over
//! `[data-vitrine-dwell]` elements and product cards (`[data-product-id]`), each
//! counted as seen while at least half of it is visible.
//!
//! The observer only keeps the set of elements in view; the dwell tick (which
//! already knows whether the page is visible and the visitor active) turns that
//! set into time. The browser computes intersections off the main thread, so this
//! costs nothing per scroll event. Elements added later (lazy lists) are picked up
//! by `scan`, which the shell calls on its tick; the observer disconnects on drop.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

use crate::engine::affinity::ProductRef;

const MARKED: &str = "[data-vitrine-dwell], [data-product-id]";
/// A page with thousands of cards does not get thousands of observations.
const MAX_OBSERVED: usize = 500;

pub struct InView {
    observer: IntersectionObserver,
    observed: Vec<Element>,
    visible: Rc<RefCell<Vec<Element>>>,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

/// What one element in view stands for.
pub struct Seen {
    pub key: Option<String>,
    pub product: Option<ProductRef>,
}

impl InView {
    pub fn attach() -> Option<InView> {
        let visible: Rc<RefCell<Vec<Element>>> = Rc::default();
        let sink = visible.clone();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let mut visible = sink.borrow_mut();
            for entry in entries.iter() {
                let Ok(entry) = entry.dyn_into::<IntersectionObserverEntry>() else {
                    continue;
                };
                let element = entry.target();
                visible.retain(|e| *e != element);
                if entry.is_intersecting() && entry.intersection_ratio() >= 0.5 {
                    visible.push(element);
                }
            }
        });
        let options = IntersectionObserverInit::new();
        options.set_threshold(&wasm_bindgen::JsValue::from_f64(0.5));
        let observer =
            IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
                .ok()?;
        let mut in_view = InView {
            observer,
            observed: Vec::new(),
            visible,
            _callback: callback,
        };
        in_view.scan();
        Some(in_view)
    }

    /// Observes marked elements not observed yet; forgets removed ones.
    pub fn scan(&mut self) {
        let Some(document) = super::page::document() else {
            return;
        };
        let observer = &self.observer;
        self.observed.retain(|e| {
            let kept = e.is_connected();
            if !kept {
                observer.unobserve(e);
            }
            kept
        });
        self.visible.borrow_mut().retain(|e| e.is_connected());
        let Ok(found) = document.query_selector_all(MARKED) else {
            return;
        };
        for i in 0..found.length() {
            if self.observed.len() >= MAX_OBSERVED {
                break;
            }
            let Some(element) = found.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            if !self.observed.contains(&element) {
                self.observer.observe(&element);
                self.observed.push(element);
            }
        }
    }

    /// The marked elements at least half visible right now.
    pub fn seen(&self) -> Vec<Seen> {
        self.visible
            .borrow()
            .iter()
            .map(|e| Seen {
                key: e
                    .get_attribute("data-vitrine-dwell")
                    .filter(|k| !k.trim().is_empty()),
                product: product_of(e),
            })
            .collect()
    }
}

/// The product a card describes (`data-product-id`, `data-category`, `data-brand`).
pub fn product_of(element: &Element) -> Option<ProductRef> {
    let id = element.get_attribute("data-product-id")?;
    let attr = |name: &str| element.get_attribute(name).unwrap_or_default();
    let product = ProductRef::new(&id, &attr("data-category"), &attr("data-brand"));
    (!product.id.is_empty()).then_some(product)
}

impl Drop for InView {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
