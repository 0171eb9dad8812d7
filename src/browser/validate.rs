//! `validateConfig`: the config checker as a pure function, usable without a page
//! (in Node, in a build step, in an editor). It is the whole of the validator part
//! (`vitrine_validate.wasm`): the page runtime is built without the messages, so
//! the words for a site owner are only loaded where someone reads them (the CLI,
//! `validateConfig`, `start()` rejecting an invalid config).

use wasm_bindgen::prelude::*;

use crate::engine::diagnostic::Diagnostic;
use crate::engine::Config;

use super::error::diagnostics_to_js;
use super::json::js_object;
use super::selectors::check_selectors;

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
