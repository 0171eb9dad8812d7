//! Gives the engine JavaScript's own number formatting, number parsing,
//! lower-casing and regular expressions (see `engine::host`), installed once when
//! the wasm module is instantiated.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::engine::host::{cached_regex, install, Host};
use crate::engine::utf16::{lone_surrogate, units as utf16_units};

#[wasm_bindgen]
extern "C" {
    /// A RegExp whose `test` takes any JS string (js-sys's takes `&str`).
    type UnitsRegExp;
    #[wasm_bindgen(method, js_name = test)]
    fn test(this: &UnitsRegExp, subject: &JsValue) -> bool;
}

/// A string as JavaScript would hold it: lone surrogates read from JSON text (kept
/// as stand-ins, see `engine::json`) are lone surrogates again.
fn js_string(s: &str) -> JsValue {
    // Stand-ins are 4-byte UTF-8 sequences starting F4 8F; most strings have none.
    if s.as_bytes().contains(&0xF4) && s.chars().any(|c| lone_surrogate(c).is_some()) {
        let units: Vec<u16> = utf16_units(s).collect();
        return js_sys::JsString::from_char_code(&units).into();
    }
    JsValue::from_str(s)
}

std::thread_local! {
    /// Compiled expressions by pattern and flags, like GrowthBook's regex cache.
    static COMPILED: RefCell<Vec<(String, bool, js_sys::RegExp)>> = const { RefCell::new(Vec::new()) };
}

fn compile_regex(pattern: &str, insensitive: bool) -> Result<u32, String> {
    COMPILED.with(|cache| {
        cached_regex(cache, pattern, insensitive, || {
            // `new RegExp` throws a SyntaxError for an invalid pattern; catch it.
            let constructor: js_sys::Function =
                js_sys::Reflect::get(&js_sys::global(), &"RegExp".into())
                    .map_err(|e| super::error::describe(&e))?
                    .into();
            let flags = if insensitive { "i" } else { "" };
            let args = js_sys::Array::of2(&js_string(pattern), &flags.into());
            js_sys::Reflect::construct(&constructor, &args)
                .map(Into::into)
                .map_err(|e| super::error::describe(&e))
        })
    })
}

fn regex_test(handle: u32, subject: &str) -> bool {
    COMPILED.with(|compiled| {
        compiled
            .borrow()
            .get(handle as usize)
            .is_some_and(|(_, _, regex)| {
                regex
                    .unchecked_ref::<UnitsRegExp>()
                    .test(&js_string(subject))
            })
    })
}

/// `Intl.NumberFormat("pt-BR", …).format(n)`; the formatters are made once.
#[cfg(feature = "runtime")]
fn format_number(n: f64, currency: &str) -> String {
    std::thread_local! {
        static FORMATS: RefCell<Vec<(String, js_sys::Intl::NumberFormat)>> = const { RefCell::new(Vec::new()) };
    }
    FORMATS.with(|formats| {
        let mut formats = formats.borrow_mut();
        let index = match formats.iter().position(|(c, _)| c == currency) {
            Some(i) => i,
            None => {
                let options = js_sys::Object::new();
                if !currency.is_empty() {
                    let _ = js_sys::Reflect::set(&options, &"style".into(), &"currency".into());
                    let _ = js_sys::Reflect::set(&options, &"currency".into(), &currency.into());
                }
                let locales = js_sys::Array::of1(&"pt-BR".into());
                formats.push((
                    currency.to_owned(),
                    js_sys::Intl::NumberFormat::new(&locales, &options),
                ));
                formats.len() - 1
            }
        };
        let format = formats[index].1.format();
        format
            .call1(&JsValue::NULL, &JsValue::from_f64(n))
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    })
}

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
        to_uppercase: |s| String::from(js_sys::JsString::from(s).to_upper_case()),
        // Only templates format numbers, and the validator renders none.
        #[cfg(feature = "runtime")]
        format_number,
        #[cfg(not(feature = "runtime"))]
        format_number: |_, _| String::new(),
        string_to_number: |s| js_sys::Number::from(JsValue::from_str(s)).value_of(),
        compile_regex,
        regex_test,
    });
}
