//! Gives the engine JavaScript's own number formatting and lower-casing (see
//! `engine::host`), installed once when the wasm module is instantiated.

use wasm_bindgen::prelude::*;

use crate::engine::host::{install, Host};

#[wasm_bindgen(start)]
pub fn install_js_host() {
    install(Host {
        number_to_string: |n| {
            String::from(
                js_sys::Number::from(n)
                    .to_string_with_radix(10)
                    .unwrap_or_else(|_| "NaN".into()),
            )
        },
        to_lowercase: |s| String::from(js_sys::JsString::from(s).to_lower_case()),
        string_to_number: |s| js_sys::Number::from(JsValue::from_str(s)).value_of(),
    });
}
