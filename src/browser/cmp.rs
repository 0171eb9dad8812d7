//! The consent signals the page already has, read for `engine::bridges`: Google
//! Consent Mode commands on `window.dataLayer` (also the ones pushed before vitrine
//! loaded), the IAB TCF v2.2 `__tcfapi` event listener, and Global Privacy Control.
//! Reading a consent signal is itself necessary, so these are attached whatever
//! the visitor granted; dropping them hands `push` back and removes the TCF listener.
//! What they hear goes to the shell's sink (`Input::Tcf`, `Input::DataLayer`).

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::bridges::{consent_mode_command, Bridges};

use super::call_hook::CallHook;
use super::input::{Input, Sink};
use super::json::from_js;
use super::page;
use super::sources::{data_layer, hook_push};

/// The TCF API, the callback registered with it, and the listener id it gave.
type TcfListener = (
    js_sys::Function,
    Closure<dyn FnMut(JsValue, JsValue)>,
    Rc<Cell<Option<f64>>>,
);

pub struct ConsentBridges {
    layer: Option<js_sys::Array>,
    read: Cell<u32>,
    _hook: Option<CallHook>,
    tcf: Option<TcfListener>,
}

impl ConsentBridges {
    pub fn attach(sink: Sink, bridges: &Bridges) -> ConsentBridges {
        let layer = bridges.consent_mode.as_ref().and_then(|_| data_layer());
        let hook = layer.as_ref().and_then(|l| hook_push(l, sink.clone()));
        ConsentBridges {
            layer,
            read: Cell::new(0),
            _hook: hook,
            tcf: bridges.tcf.as_ref().and_then(|_| listen_to_tcf(sink)),
        }
    }

    /// Consent Mode commands pushed since the last call, the latest command per
    /// category winning within its kind; an update also settles the defaults of
    /// its categories pushed before it.
    pub fn read_consent_mode(&self, bridges: &Bridges) -> ConsentModeRead {
        let mut read = ConsentModeRead::default();
        let Some(layer) = &self.layer else {
            return read;
        };
        let end = layer.length().min(self.read.get() + 500);
        for i in self.read.get()..end {
            let Ok(entry) = from_js(&layer.get(i)) else {
                continue;
            };
            let Some(command) = consent_mode_command(&entry) else {
                continue;
            };
            for (category, granted) in bridges.from_consent_mode(command.params) {
                let settle = |list: &mut Vec<(String, bool)>| list.retain(|(c, _)| *c != category);
                if command.update {
                    settle(&mut read.defaults);
                    settle(&mut read.updates);
                    read.updates.push((category, granted));
                } else {
                    settle(&mut read.defaults);
                    read.defaults.push((category, granted));
                    read.wait_ms = read.wait_ms.max(command.wait_ms);
                }
            }
        }
        self.read.set(end);
        read
    }
}

/// What the Consent Mode commands read in one pass decide.
#[derive(Default)]
pub struct ConsentModeRead {
    /// From `update` commands: the CMP reporting the visitor's choice.
    pub updates: Vec<(String, bool)>,
    /// From `default` commands: the page's starting point.
    pub defaults: Vec<(String, bool)>,
    /// The longest `wait_for_update` of those defaults.
    pub wait_ms: f64,
}

impl Drop for ConsentBridges {
    fn drop(&mut self) {
        if let Some((api, callback, id)) = &self.tcf {
            let args =
                js_sys::Array::of3(&"removeEventListener".into(), &2.into(), callback.as_ref());
            args.push(&id.get().map_or(JsValue::UNDEFINED, JsValue::from_f64));
            let _ = api.apply(&JsValue::NULL, &args);
        }
    }
}

/// `__tcfapi('addEventListener', 2, callback)`: the CMP calls back with tcData on
/// load and on every change of the visitor's choices.
fn listen_to_tcf(sink: Sink) -> Option<TcfListener> {
    let window = page::window()?;
    let api: js_sys::Function = js_sys::Reflect::get(&window, &"__tcfapi".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let listener_id: Rc<Cell<Option<f64>>> = Rc::default();
    let id = listener_id.clone();
    let callback =
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |tc_data: JsValue, success: JsValue| {
            if success.as_bool() != Some(true) {
                return;
            }
            if let Some(n) = js_sys::Reflect::get(&tc_data, &"listenerId".into())
                .ok()
                .and_then(|v| v.as_f64())
            {
                id.set(Some(n));
            }
            // Also when it answers synchronously, inside `addEventListener`
            // during start: the shell's inbox keeps it until start reads it.
            if let Ok(data) = from_js(&tc_data) {
                sink(Input::Tcf(data));
            }
        });
    let args = js_sys::Array::of3(&"addEventListener".into(), &2.into(), callback.as_ref());
    // A CMP that throws must not break vitrine or the page.
    api.apply(&JsValue::NULL, &args).ok()?;
    Some((api, callback, listener_id))
}

/// `navigator.globalPrivacyControl === true`.
pub fn global_privacy_control() -> bool {
    page::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"globalPrivacyControl".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// `gtag('consent', 'update', {...})` for the categories vitrine's panel decided,
/// when the config asks for it and the page has gtag.
pub fn emit_consent_mode(bridges: &Bridges, granted: &dyn Fn(&str) -> bool) {
    let Some(map) = &bridges.consent_mode else {
        return;
    };
    let Some(window) = page::window() else { return };
    let Ok(gtag) = js_sys::Reflect::get(&window, &"gtag".into())
        .and_then(|g| g.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    let params = js_sys::Object::new();
    for (signal, category) in map {
        let value = if granted(category) {
            "granted"
        } else {
            "denied"
        };
        let _ = js_sys::Reflect::set(&params, &signal.into(), &value.into());
    }
    let _ = gtag.call3(&JsValue::NULL, &"consent".into(), &"update".into(), &params);
}
