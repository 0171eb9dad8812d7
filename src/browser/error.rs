//! Errors that reach JavaScript as real `Error` objects.
//!
//! A config problem becomes a `VitrineConfigError` whose message lists every problem
//! with its path and whose `errors` property holds them as `[{path, message}]` data;
//! misuse of the API (a bad cart item, an unknown consent category) becomes a
//! `VitrineError` whose message says what to fix.

use wasm_bindgen::{JsCast, JsValue};

use crate::engine::diagnostic::Diagnostic;

fn named_error(name: &str, message: &str) -> js_sys::Error {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    error
}

/// An API call the site made wrongly.
pub fn usage(message: impl AsRef<str>) -> JsValue {
    named_error("VitrineError", &format!("vitrine: {}", message.as_ref())).into()
}

/// The config is invalid; nothing was changed on the page.
pub fn config(diagnostics: &[Diagnostic]) -> JsValue {
    let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    let message = format!("vitrine: invalid config: {}", lines.join("; "));
    let error = named_error("VitrineConfigError", &message);
    let _ = js_sys::Reflect::set(&error, &"errors".into(), &diagnostics_to_js(diagnostics));
    error.into()
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
