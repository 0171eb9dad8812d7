//! Watches the page for content that appears or is re-rendered after vitrine
//! applied its plan (lazy sections, SPA routes, frameworks re-rendering a target).
//!
//! It reports `Input::PageChanged` from the MutationObserver callback itself: a
//! microtask right after the script that changed the page, so the shell heals
//! before any frame is painted and before another task reads the DOM. When the
//! shell is busy at that moment the input waits in its inbox and is handled before
//! the shell returns to the page. vitrine's own changes are dropped with
//! `takeRecords()` right after it makes them (`discard`), so it never reacts to
//! itself; the applier's loop guard stops a page that undoes it forever.
//! Disconnects on drop.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MutationObserver, MutationObserverInit};

use super::input::{Input, Sink};

#[must_use = "the page is watched only while the Watcher lives"]
pub struct Watcher {
    observer: MutationObserver,
    _on_mutation: Closure<dyn FnMut(js_sys::Array)>,
}

impl Watcher {
    pub fn attach(sink: Sink) -> Option<Watcher> {
        let document = super::page::document()?;
        let on_mutation =
            Closure::<dyn FnMut(js_sys::Array)>::new(move |records: js_sys::Array| {
                if records.length() > 0 {
                    sink(Input::PageChanged);
                }
            });
        let observer = MutationObserver::new(on_mutation.as_ref().unchecked_ref()).ok()?;
        let options = MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        options.set_character_data(true);
        options.set_attributes(true);
        observer.observe_with_options(&document, &options).ok()?;
        Some(Watcher {
            observer,
            _on_mutation: on_mutation,
        })
    }

    /// Takes the records of changes the page made; true when there were some.
    pub fn page_changed(&self) -> bool {
        self.observer.take_records().length() > 0
    }

    /// Drops the records of changes vitrine just made itself.
    pub fn discard(&self) {
        let _ = self.observer.take_records();
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}
