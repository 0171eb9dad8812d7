//! `firstSwap` and `releaseFirstSwap`, the exports of the start part
//! (`vitrine_start.wasm`, built with `--no-default-features --features start`):
//! applies what `engine::first_swap` decided before the runtime arrives, keeps
//! applying it to targets the parser adds later, and hands the page back exactly as
//! it found it when the runtime takes over (`releaseFirstSwap`, called by the
//! runtime right before its first plan, in the same task, so no frame paints in
//! between) or fails (fail open). Two plain functions over one thread-local swap,
//! not a class: the glue stays small.
//!
//! Consent is read only as far as the start needs: a stored choice
//! (`localStorage["vitrine:necessary"]`), a TCF API or a Consent Mode command on
//! the `dataLayer` make every category but the required ones unknown; with none of
//! them only the required ones are granted (opt-in), as the runtime will find.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsValue;

use crate::engine::attributes::context_document;
use crate::engine::first_swap::{mentions_timezone, plan, ConsentFacts};
use crate::engine::plan::OpId;
use crate::engine::Value;

use super::applier::Applier;
use super::input::Input;
use super::render::Render;
use super::watcher::Watcher;

struct Applied {
    applier: Applier,
    attributes: Value,
    watcher: Option<Watcher>,
}

type Slot = Rc<RefCell<Option<Applied>>>;

thread_local! {
    /// The swap applied on this page, until `releaseFirstSwap`.
    static CURRENT: Slot = Rc::default();
}

/// Reverts every change of the first swap and stops watching the page: the
/// runtime is taking over (it calls this right before its first plan, in the same
/// task) or failed. Idempotent.
#[wasm_bindgen(js_name = releaseFirstSwap)]
pub fn release_first_swap() {
    let taken = CURRENT.with(|slot| slot.borrow_mut().take());
    if let Some(mut applied) = taken {
        applied.watcher = None;
        applied.applier.revert_all();
    }
}

/// Plans and applies the first swap for the config's JSON text, and returns the
/// selectors whose elements wait for the runtime, comma-separated (the loader
/// keeps them hidden); `undefined` when the config could not be read, so every
/// target waits. Never throws.
#[wasm_bindgen(js_name = firstSwap)]
pub fn first_swap(config_text: &str) -> Option<String> {
    release_first_swap();
    let config = crate::engine::json::parse(config_text).ok()?;
    let document = super::page::document()?;
    let context = super::page::context_with(mentions_timezone(&config));
    let attributes = Value::Object(context_document(&context));
    let planned = plan(&config, &attributes, consent_facts);
    let mut applier = Applier::new(document);
    {
        let render = Render::of(&attributes);
        for (rule, action, op) in &planned.ops {
            let id = OpId {
                source: *rule,
                variant: 0,
                action: *action,
            };
            // A selector the browser refuses changes nothing (the runtime reports it).
            let _ = applier.apply(id, op, &render);
        }
    }
    let slot = CURRENT.with(Rc::clone);
    *slot.borrow_mut() = Some(Applied {
        applier,
        attributes,
        watcher: None,
    });
    if !planned.ops.is_empty() {
        let watcher = Watcher::attach(heal_into(Rc::downgrade(&slot)));
        if let Some(applied) = slot.borrow_mut().as_mut() {
            applied.watcher = watcher;
        }
    }
    planned.read.then(|| planned.deferred.join(","))
}

/// Targets the parser adds later, or a framework re-renders, get the changes again.
fn heal_into(slot: Weak<RefCell<Option<Applied>>>) -> super::input::Sink {
    Rc::new(move |input| {
        // New targets are looked for in the observer's callback itself, not on
        // the next frame as the runtime does: the start part runs while the parser
        // is still adding the page, and its few selectors make that cheap. The
        // watcher's frame that follows (`NewContent`) then has nothing left to do.
        if !matches!(input, Input::PageChanged) {
            return;
        }
        let Some(slot) = slot.upgrade() else { return };
        let Ok(mut guard) = slot.try_borrow_mut() else {
            return;
        };
        if let Some(Applied {
            applier,
            attributes,
            watcher,
        }) = guard.as_mut()
        {
            let _ = applier.heal(&Render::of(attributes), super::page::now_ms(), true);
            if let Some(w) = watcher {
                w.discard();
            }
        }
    })
}

fn consent_facts() -> ConsentFacts {
    let Some(window) = super::page::window() else {
        return ConsentFacts::Defaults;
    };
    let stored = window
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item("vitrine:necessary").ok().flatten())
        .is_some();
    let get = |target: &JsValue, key: &str| js_sys::Reflect::get(target, &key.into()).ok();
    let tcf = get(&window, "__tcfapi").is_some_and(|f| f.is_function());
    let consent_mode = get(&window, "dataLayer")
        .filter(js_sys::Array::is_array)
        .is_some_and(|layer| {
            js_sys::Array::from(&layer).iter().any(|entry| {
                js_sys::Reflect::get_u32(&entry, 0)
                    .ok()
                    .and_then(|v| v.as_string())
                    .as_deref()
                    == Some("consent")
            })
        });
    if stored || tcf || consent_mode {
        ConsentFacts::Unknown
    } else {
        ConsentFacts::Defaults
    }
}
