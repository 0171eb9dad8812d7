//! A page function (`dataLayer.push`, `history.pushState`) wrapped so vitrine hears
//! of its calls, and unwrapped on drop without breaking anyone who kept the wrapper.
//!
//! The wrapper is a `Proxy` of the original whose `apply` trap forwards every
//! argument, `this` and the return value exactly, then reports the call; no
//! JavaScript of ours is evaluated (strict CSP). Another script may hold the
//! wrapper, or wrap it in turn, so it has to outlive us. On drop the trap is
//! deleted from the handler, which leaves the `Proxy` a plain pass-through to the
//! original, and the Rust closure is freed with the sink it holds; the original is
//! put back where the wrapper is still the current value. (Forgetting the closures
//! instead, as vitrine once did, kept 1,488 bytes of every stopped instance alive.)

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::input::{Input, Sink};

type Trap = dyn Fn(js_sys::Function, JsValue, js_sys::Array) -> Result<JsValue, JsValue>;

/// Undoes the wrapping on drop.
#[must_use = "dropping the hook unwraps the function at once"]
pub struct CallHook {
    owner: js_sys::Object,
    key: JsValue,
    original: js_sys::Function,
    wrapper: JsValue,
    handler: js_sys::Object,
    _trap: Closure<Trap>,
}

/// Wraps `owner[name]` (when it is a function) so `sink` hears `input()` after
/// each call that returns. A `Fn` trap, so a call made while the sink handles one
/// (vitrine's own `dataLayer.push`) re-enters safely. Not generic: one copy in
/// the wasm for every hook.
pub fn hook(
    owner: &js_sys::Object,
    name: &str,
    sink: Sink,
    input: fn() -> Input,
) -> Option<CallHook> {
    let key = JsValue::from_str(name);
    let original: js_sys::Function = js_sys::Reflect::get(owner, &key).ok()?.dyn_into().ok()?;
    let trap = Closure::<Trap>::new(
        move |target: js_sys::Function, this: JsValue, args: js_sys::Array| {
            let result = js_sys::Reflect::apply(&target, &this, &args);
            if result.is_ok() {
                sink(input());
            }
            result
        },
    );
    let handler = js_sys::Object::new();
    js_sys::Reflect::set(&handler, &"apply".into(), trap.as_ref()).ok()?;
    let wrapper: JsValue = js_sys::Proxy::new(&original, &handler).into();
    js_sys::Reflect::set(owner, &key, &wrapper).ok()?;
    Some(CallHook {
        owner: owner.clone(),
        key,
        original,
        wrapper,
        handler,
        _trap: trap,
    })
}

impl Drop for CallHook {
    fn drop(&mut self) {
        let _ = js_sys::Reflect::delete_property(&self.handler, &"apply".into());
        let current = js_sys::Reflect::get(&self.owner, &self.key).unwrap_or(JsValue::UNDEFINED);
        if current == self.wrapper {
            let _ = js_sys::Reflect::set(&self.owner, &self.key, &self.original);
        }
    }
}
