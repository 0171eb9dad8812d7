//! Watches the page for content that appears or is re-rendered after vitrine
//! applied its plan (lazy sections, SPA routes, frameworks re-rendering a target).
//!
//! The work (`heal`) runs in the MutationObserver callback itself: a microtask
//! right after the script that changed the page, so no frame is painted and no
//! other task reads the DOM while a re-rendered target shows its original. Only
//! when vitrine itself is busy at that moment (a page callback re-entered it) is
//! the heal put off to the next animation frame, still before paint. vitrine's own
//! changes are dropped with `takeRecords()` right after it makes them (`discard`),
//! so it never reacts to itself; the applier's loop guard stops a page that undoes
//! it forever. Disconnects on drop.

use std::cell::Cell;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{MutationObserver, MutationObserverInit};

use super::shell::{with_shell, Shell};

pub struct Watcher {
    observer: MutationObserver,
    /// The animation frame requested and not run yet, cancelled on drop.
    pending: Rc<Cell<Option<i32>>>,
    _on_mutation: Closure<dyn FnMut(js_sys::Array)>,
    on_frame: Rc<Closure<dyn FnMut()>>,
}

impl Watcher {
    pub fn attach(weak: Weak<std::cell::RefCell<Shell>>) -> Option<Watcher> {
        let document = super::page::document()?;
        let window = super::page::window()?;
        let pending: Rc<Cell<Option<i32>>> = Rc::default();
        let weak_now = weak.clone();
        let on_frame = {
            let pending = pending.clone();
            Rc::new(Closure::<dyn FnMut()>::new(move || {
                pending.set(None);
                if let Some(shared) = weak.upgrade() {
                    with_shell(&shared, Shell::heal);
                }
            }))
        };
        let frame = on_frame.clone();
        let requested = pending.clone();
        let on_mutation =
            Closure::<dyn FnMut(js_sys::Array)>::new(move |records: js_sys::Array| {
                if records.length() == 0 {
                    return;
                }
                let healed = weak_now
                    .upgrade()
                    .and_then(|shared| with_shell(&shared, Shell::heal));
                if healed.is_none() && requested.get().is_none() {
                    let callback: &js_sys::Function = (*frame).as_ref().unchecked_ref();
                    requested.set(window.request_animation_frame(callback).ok());
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
            pending,
            _on_mutation: on_mutation,
            on_frame,
        })
    }

    /// Takes the records of changes the page made; true when there were some.
    pub fn page_changed(&self) -> bool {
        self.observer.take_records().length() > 0
    }

    /// Asks for a heal on the next animation frame (as a mutation would).
    pub fn schedule(&self) {
        if self.pending.get().is_some() {
            return;
        }
        if let Some(window) = super::page::window() {
            let callback: &js_sys::Function = (*self.on_frame).as_ref().unchecked_ref();
            self.pending
                .set(window.request_animation_frame(callback).ok());
        }
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
