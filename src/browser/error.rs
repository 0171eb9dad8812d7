//! Errors that reach JavaScript as real `Error` objects.
//!
//! A config problem becomes a `VitrineConfigError` whose message lists every problem
//! with its path and whose `errors` property holds them as `[{path, message}]` data;
//! misuse of the API (a bad cart item, an unknown consent category) becomes a
//! `VitrineError` whose message says what to fix.
//!
//! The classes are defined once, in `js/errors.js`; the ESM entry hands them over
//! (`registerErrorClasses`) right after instantiating the wasm, so the errors made
//! here are instances of the very classes the entry exports (`instanceof` works).
//! Used without the entry, they are plain `Error`s with the same `name`.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};

use crate::engine::diagnostic::Diagnostic;

thread_local! {
    /// `(VitrineError, VitrineConfigError)` constructors from the entry.
    static CLASSES: RefCell<Option<(js_sys::Function, js_sys::Function)>> = const { RefCell::new(None) };
}

/// Called by the ESM entry once: the classes vitrine's errors are made of.
#[cfg(feature = "runtime")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = registerErrorClasses)]
pub fn register_error_classes(usage: js_sys::Function, config: js_sys::Function) {
    CLASSES.with(|c| *c.borrow_mut() = Some((usage, config)));
}

fn make(config_class: bool, name: &str, message: &str) -> JsValue {
    let registered = CLASSES.with(|c| {
        c.borrow().as_ref().map(|(usage, config)| {
            let class = if config_class { config } else { usage };
            js_sys::Reflect::construct(class, &js_sys::Array::of1(&message.into())).ok()
        })
    });
    registered.flatten().unwrap_or_else(|| {
        let error = js_sys::Error::new(message);
        error.set_name(name);
        error.into()
    })
}

/// An API call the site made wrongly.
pub fn usage(message: impl AsRef<str>) -> JsValue {
    make(
        false,
        "VitrineError",
        &format!("vitrine: {}", message.as_ref()),
    )
}

/// The config is invalid; nothing was changed on the page.
pub fn config(diagnostics: &[Diagnostic]) -> JsValue {
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    let message = format!("vitrine: invalid config: {}", lines.join("; "));
    let error = make(true, "VitrineConfigError", &message);
    let _ = js_sys::Reflect::set(&error, &"errors".into(), &diagnostics_to_js(diagnostics));
    error
}

/// `[{path, message}]`.
pub fn diagnostics_to_js(diagnostics: &[Diagnostic]) -> JsValue {
    let list = js_sys::Array::new();
    for d in diagnostics {
        let entry = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&entry, &"path".into(), &d.path.as_str().into());
        let _ = js_sys::Reflect::set(&entry, &"message".into(), &d.message.as_str().into());
        list.push(&entry);
    }
    list.into()
}

/// Text of whatever a JS call threw, for warnings.
pub fn describe(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
