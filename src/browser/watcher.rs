//! Watches the page for content that appears or is re-rendered after vitrine
//! applied its plan (lazy sections, SPA routes, frameworks re-rendering a target).
//!
//! It reports `Input::PageChanged` from the MutationObserver callback itself: a
//! microtask right after the script that changed the page, so a re-rendered target
//! is healed before any frame is painted and before another task reads the DOM
//! (when the shell is busy then, the input waits in its inbox and is handled before
//! the shell returns to the page). Looking for new targets takes a query per
//! operation, so that is `Input::NewContent`, once per animation frame — still
//! before the frame is painted — however many mutations came in. vitrine's own changes are dropped with
//! `takeRecords()` right after it makes them (`discard`), so it never reacts to
//! itself; the applier's loop guard stops a page that undoes it forever.
//! Disconnects on drop.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MutationObserver, MutationObserverInit};

use super::input::{Input, Sink};

#[must_use = "the page is watched only while the Watcher lives"]
pub struct Watcher {
    observer: MutationObserver,
    _on_mutation: Closure<dyn FnMut(js_sys::Array)>,
    /// The animation frame requested and not run yet, cancelled on drop.
    pending: Rc<Cell<Option<i32>>>,
    on_frame: Rc<Closure<dyn FnMut()>>,
}

/// Requests the frame that reports `NewContent`, unless one is pending.
fn request_frame(pending: &Cell<Option<i32>>, on_frame: &Closure<dyn FnMut()>) {
    if pending.get().is_some() {
        return;
    }
    if let Some(window) = super::page::window() {
        pending.set(
            window
                .request_animation_frame(on_frame.as_ref().unchecked_ref())
                .ok(),
        );
    }
}

impl Watcher {
    pub fn attach(sink: Sink) -> Option<Watcher> {
        let document = super::page::document()?;
        let pending: Rc<Cell<Option<i32>>> = Rc::default();
        let on_frame = {
            let (pending, sink) = (pending.clone(), sink.clone());
            Rc::new(Closure::<dyn FnMut()>::new(move || {
                pending.set(None);
                sink(Input::NewContent);
            }))
        };
        let (frame, requested) = (on_frame.clone(), pending.clone());
        let on_mutation =
            Closure::<dyn FnMut(js_sys::Array)>::new(move |records: js_sys::Array| {
                if records.length() > 0 {
                    sink(Input::PageChanged);
                    request_frame(&requested, &frame);
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
            pending,
            on_frame,
        })
    }

    /// Takes the records of changes the page made; true when there were some.
    pub fn page_changed(&self) -> bool {
        self.observer.take_records().length() > 0
    }

    /// Asks for a look for new targets on the next animation frame (as a
    /// mutation would), for page changes whose records a call into the shell took.
    pub fn schedule(&self) {
        request_frame(&self.pending, &self.on_frame);
    }

    /// Drops the records of changes vitrine just made itself.
    pub fn discard(&self) {
        let _ = self.observer.take_records();
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.observer.disconnect();
        if let (Some(id), Some(window)) = (self.pending.take(), super::page::window()) {
            let _ = window.cancel_animation_frame(id);
        }
    }
}
