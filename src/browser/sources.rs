//! Data the site already publishes: GA4 ecommerce events on `window.dataLayer`
//! (entries pushed before vitrine loaded included) and the `vitrine:cart` DOM
//! event. Attached only while the consent category of what it reads is granted;
//! dropping it detaches the listener and hands `dataLayer.push` back. The shell
//! keeps two: one for the cart data (and the events and interest that come with
//! it), one for searches, so a search category granted later still reads the
//! searches pushed before, from the first entry, without reading the rest twice.
//! Entries are read by index, so entries pushed while vitrine was busy, or through a
//! `push` that another script (GTM) replaced, are picked up at the next tick.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};

use crate::engine::ecommerce;
use crate::engine::signal::Signal;

use super::call_hook::{self, CallHook};
use super::input::{Input, Sink};
use super::json::from_js;
use super::listener::EventListener;
use super::page;

pub struct CartSources {
    _listener: Option<EventListener>,
    layer: Option<js_sys::Array>,
    /// How many dataLayer entries have been read.
    read: Rc<Cell<u32>>,
    _hook: Option<CallHook>,
    /// The signals this reader delivers.
    wants: fn(&Signal) -> bool,
}

impl CartSources {
    /// `cart_events`: also listen to `vitrine:cart` events.
    pub fn attach(sink: Sink, cart_events: bool, wants: fn(&Signal) -> bool) -> CartSources {
        let listener = page::document().filter(|_| cart_events).map(|document| {
            let sink = sink.clone();
            EventListener::new(&document, "vitrine:cart", false, move |event| {
                let detail = event
                    .dyn_ref::<web_sys::CustomEvent>()
                    .map(web_sys::CustomEvent::detail)
                    .unwrap_or(JsValue::UNDEFINED);
                let input = match from_js(&detail)
                    .map_err(|e| e.to_string())
                    .and_then(|d| ecommerce::from_cart_event(&d))
                {
                    Ok(signal) => Input::Signal(signal),
                    Err(why) => Input::Warning(format!("vitrine:cart event ignored: {why}")),
                };
                sink(input);
            })
        });
        let layer = data_layer();
        let read = Rc::new(Cell::new(0));
        let hook = layer.as_ref().and_then(|layer| hook_push(layer, sink));
        CartSources {
            _listener: listener,
            layer,
            read,
            _hook: hook,
            wants,
        }
    }

    /// The dataLayer entries not read yet, as inputs (their signals, and a
    /// warning per malformed ecommerce entry); entries whose `event` is
    /// `skip_event` (vitrine's own exposures) are not page events.
    pub fn read_new(&self, skip_event: Option<&str>) -> Vec<Input> {
        let mut inputs = Vec::new();
        let Some(layer) = &self.layer else {
            return inputs;
        };
        let length = layer.length();
        // Bounded per call, so a flood of entries cannot stall the page.
        let end = length.min(self.read.get() + 500);
        for i in self.read.get()..end {
            let Ok(entry) = from_js(&layer.get(i)) else {
                continue;
            };
            if skip_event.is_some() && entry.get("event").and_then(|e| e.as_str()) == skip_event {
                continue;
            }
            let (signals, problems) = ecommerce::from_data_layer(&entry);
            inputs.extend(
                problems
                    .into_iter()
                    .map(|p| Input::Warning(format!("dataLayer: {p}"))),
            );
            inputs.extend(signals.into_iter().filter(self.wants).map(Input::Signal));
        }
        self.read.set(end);
        inputs
    }
}

/// `window.dataLayer`, created if the page has none (as gtag.js does).
pub(super) fn data_layer() -> Option<js_sys::Array> {
    let window = page::window()?;
    let key = JsValue::from_str("dataLayer");
    let existing = js_sys::Reflect::get(&window, &key).ok()?;
    if let Some(array) = existing.dyn_ref::<js_sys::Array>() {
        return Some(array.clone());
    }
    if !existing.is_undefined() {
        return None; // something else owns that name
    }
    let array = js_sys::Array::new();
    js_sys::Reflect::set(&window, &key, &array).ok()?;
    Some(array)
}

/// Wraps `dataLayer.push` so new entries are read at once (see `call_hook`:
/// every argument, `this` and the return value are forwarded exactly, so
/// `dataLayer.push(a, b)` appends both and returns the new length).
pub(super) fn hook_push(layer: &js_sys::Array, sink: Sink) -> Option<CallHook> {
    call_hook::hook(layer, "push", sink, || Input::DataLayer)
}
