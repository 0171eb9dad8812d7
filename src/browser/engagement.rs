//! Engagement collectors: scroll depth, exit intent, idle time, and page views
//! from single-page-app navigation. Attached only while the `dwell` data's consent
//! category is granted (see `Shell::sync_collectors`); dropping this detaches them
//! all and hands `history.pushState`/`replaceState` back.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::signal::Signal;

use super::input::{Input, Sink};
use super::listener::EventListener;
use super::page;

/// Scroll depth is reported in steps of this many percent.
const SCROLL_STEP: f64 = 5.0;

pub struct Engagement {
    _listeners: Vec<EventListener>,
    _history: Option<HistoryHook>,
}

/// `history.pushState`/`replaceState` wrapped to report navigation. The wrappers
/// outlive us (another script may have wrapped them in turn), so on drop they are
/// switched off and, where still ours, the originals put back.
struct HistoryHook {
    active: Rc<Cell<bool>>,
    originals: Vec<(&'static str, js_sys::Function, js_sys::Function)>,
}

impl Drop for HistoryHook {
    fn drop(&mut self) {
        self.active.set(false);
        let Some(history) = page::window().and_then(|w| w.history().ok()) else {
            return;
        };
        for (name, original, wrapper) in &self.originals {
            let current = js_sys::Reflect::get(&history, &JsValue::from_str(name))
                .unwrap_or(JsValue::UNDEFINED);
            if current == JsValue::from(wrapper.clone()) {
                let _ = js_sys::Reflect::set(&history, &JsValue::from_str(name), original);
            }
        }
    }
}

impl Engagement {
    /// Attaches the collectors; `activity` is set to the time of every interaction
    /// (the dwell timer reads it to tell active from idle time).
    pub fn attach(sink: Sink, activity: Rc<Cell<f64>>) -> Engagement {
        let mut listeners = Vec::new();
        let (Some(window), Some(document)) = (page::window(), page::document()) else {
            return Engagement {
                _listeners: listeners,
                _history: None,
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

fn hook_history(sink: &Sink) -> Option<HistoryHook> {
    let history = page::window()?.history().ok()?;
    let active = Rc::new(Cell::new(true));
    let mut originals = Vec::new();
    for name in ["pushState", "replaceState"] {
        let key = JsValue::from_str(name);
        let original: js_sys::Function =
            js_sys::Reflect::get(&history, &key).ok()?.dyn_into().ok()?;
        let (sink, active, call) = (sink.clone(), active.clone(), original.clone());
        let this = history.clone();
        let wrapper =
            Closure::<dyn FnMut(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
                move |state: JsValue, unused: JsValue, url: JsValue| {
                    let result = call.call3(&this, &state, &unused, &url);
                    if active.get() && result.is_ok() {
                        sink(Input::Navigated);
                    }
                    result
                },
            );
        let function: js_sys::Function =
            wrapper.as_ref().unchecked_ref::<js_sys::Function>().clone();
        // The page (or a later wrapper) may keep calling it after we stop.
        wrapper.forget();
        let _ = js_sys::Reflect::set(&history, &key, &function);
        originals.push((name, original, function));
    }
    Some(HistoryHook { active, originals })
}
