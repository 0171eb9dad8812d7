//! `validateConfig`: the config checker as a pure function, usable without a page
//! (in Node, in a build step, in an editor) and by the script tag before starting.

use wasm_bindgen::prelude::*;

use crate::engine::diagnostic::Diagnostic;
use crate::engine::Config;

use super::error::diagnostics_to_js;
use super::shell::{check_selectors, js_object};

/// Checks a config object; returns `{ok, errors: [{path, message}]}`. Selectors are
/// checked too when a document is available.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(config: JsValue) -> JsValue {
    let errors: Vec<Diagnostic> = match super::json::from_js(&config) {
        Err(e) => vec![Diagnostic {
            path: String::new(),
            message: format!("config is {e}"),
        }],
        Ok(value) => match Config::parse(&value) {
            Err(diagnostics) => diagnostics,
            Ok(config) => check_selectors(&config),
        },
    };
    js_object(&[
        ("ok", errors.is_empty().into()),
        ("errors", diagnostics_to_js(&errors)),
    ])
}
