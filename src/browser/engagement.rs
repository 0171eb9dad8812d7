//! Engagement collectors: scroll depth, exit intent, idle time, and page views
//! from single-page-app navigation. Attached only while the `dwell` data's consent
//! category is granted (see `Shell::sync_collectors`); dropping this detaches them
//! all and hands `history.pushState`/`replaceState` back.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;

use crate::engine::signal::Signal;

use super::call_hook::{self, CallHook};
use super::input::{Input, Sink};
use super::listener::EventListener;
use super::page;

/// Scroll depth is reported in steps of this many percent.
const SCROLL_STEP: f64 = 5.0;

pub struct Engagement {
    _listeners: Vec<EventListener>,
    _history: [Option<CallHook>; 2],
}

impl Engagement {
    /// Attaches the collectors; `activity` is set to the time of every interaction
    /// (the dwell timer reads it to tell active from idle time).
    pub fn attach(sink: Sink, activity: Rc<Cell<f64>>) -> Engagement {
        let mut listeners = Vec::new();
        let (Some(window), Some(document)) = (page::window(), page::document()) else {
            return Engagement {
                _listeners: listeners,
                _history: [None, None],
            };
        };
        let reported = Rc::new(Cell::new(0.0f64));
        // Exit intent is reported once per page view, whichever sign comes first.
        let exited = Rc::new(Cell::new(false));
        let exit = {
            let (sink, exited) = (sink.clone(), exited.clone());
            move || {
                if !exited.replace(true) {
                    sink(Input::Signal(Signal::ExitIntent));
                }
            }
        };
        // A touch screen has no pointer to leave through the top: a fast scroll
        // back up, or the page going to the background, stands in for it.
        let touch = window.navigator().max_touch_points() > 0;
        {
            let (sink, reported, activity) = (sink.clone(), reported.clone(), activity.clone());
            let exit = exit.clone();
            let flick = Cell::new(Flick::default());
            listeners.push(EventListener::new(&window, "scroll", false, move |_| {
                activity.set(page::now_ms());
                if touch && flick_up(&flick) {
                    exit();
                }
                let Some(pct) = scroll_percent() else { return };
                if pct >= reported.get() + SCROLL_STEP || (pct >= 100.0 && reported.get() < 100.0) {
                    reported.set(pct);
                    sink(Input::Signal(Signal::Scroll { max_pct: pct }));
                }
            }));
        }
        {
            let exit = exit.clone();
            listeners.push(EventListener::new(
                &document,
                "mouseout",
                false,
                move |event| {
                    let Some(mouse) = event.dyn_ref::<web_sys::MouseEvent>() else {
                        return;
                    };
                    // Leaving the page through the top edge: towards the tabs or the URL bar.
                    if mouse.related_target().is_none() && mouse.client_y() <= 0 {
                        exit();
                    }
                },
            ));
        }
        if touch {
            let document = document.clone();
            listeners.push(EventListener::new(
                &document.clone(),
                "visibilitychange",
                false,
                move |_| {
                    if document.visibility_state() == web_sys::VisibilityState::Hidden {
                        exit();
                    }
                },
            ));
        }
        for kind in ["pointerdown", "keydown", "pointermove", "touchstart"] {
            let activity = activity.clone();
            listeners.push(EventListener::new(&document, kind, true, move |_| {
                activity.set(page::now_ms())
            }));
        }
        for kind in ["popstate", "hashchange"] {
            let sink = sink.clone();
            listeners.push(EventListener::new(&window, kind, false, move |_| {
                sink(Input::Navigated)
            }));
        }
        let history = hook_history(&sink);
        Engagement {
            _listeners: listeners,
            _history: history,
        }
    }
}

/// The scroll position a flick up is measured from.
#[derive(Clone, Copy, Default)]
struct Flick {
    /// Where the upward move started and when.
    from_y: f64,
    from_ms: f64,
    last_y: f64,
}

/// A flick back up towards the address bar: at least a third of the viewport
/// within 400 ms, by a visitor who had read past the first screen.
fn flick_up(state: &Cell<Flick>) -> bool {
    let (Some(window), now) = (page::window(), page::now_ms()) else {
        return false;
    };
    let (Ok(y), Some(height)) = (
        window.scroll_y(),
        window.inner_height().ok().and_then(|h| h.as_f64()),
    ) else {
        return false;
    };
    let mut f = state.get();
    if y >= f.last_y {
        // Moving down or still: a flick would start here.
        f.from_y = y;
        f.from_ms = now;
    } else if now - f.from_ms > 400.0 {
        // Moving up after a pause, or slowly: measured from the previous position.
        f.from_y = f.last_y;
        f.from_ms = now;
    }
    f.last_y = y;
    state.set(f);
    f.from_y > height && f.from_y - y >= height / 3.0 && now - f.from_ms <= 400.0
}

/// How far down the page the bottom of the viewport is, in percent.
fn scroll_percent() -> Option<f64> {
    let window = page::window()?;
    let root = page::document()?.document_element()?;
    let height = f64::from(root.scroll_height());
    let bottom = window.scroll_y().ok()? + window.inner_height().ok()?.as_f64()?;
    (height > 0.0).then(|| (bottom / height * 100.0).clamp(0.0, 100.0).round())
}

/// `history.pushState`/`replaceState` wrapped to report navigation (see `call_hook`).
fn hook_history(sink: &Sink) -> [Option<CallHook>; 2] {
    let Some(history) = page::window().and_then(|w| w.history().ok()) else {
        return [None, None];
    };
    let hook = |name| call_hook::hook(history.as_ref(), name, sink.clone(), || Input::Navigated);
    [hook("pushState"), hook("replaceState")]
}
