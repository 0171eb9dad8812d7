//! What the page can tell the engine about itself: URL, referrer, local time,
//! language, viewport, and a fresh random id. Read defensively: in a sandboxed iframe
//! or a test harness any of these may be missing.

use crate::engine::signal::Context;

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn document() -> Option<web_sys::Document> {
    window()?.document()
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// The context of the page view under way.
pub fn context() -> Context {
    context_with(true)
}

/// The context, with the time zone only when asked: `Intl` costs over 100 ms on a
/// phone the first time, which the first swap does not pay unless a rule reads it.
pub fn context_with(timezone: bool) -> Context {
    let Some(window) = window() else {
        return Context::default();
    };
    let document = window.document();
    let url = window.location().href().unwrap_or_default();
    let referrer = document.as_ref().map(|d| d.referrer()).unwrap_or_default();
    let title = document.as_ref().map(|d| d.title()).unwrap_or_default();
    let date = js_sys::Date::new_0();
    let language = window.navigator().language().unwrap_or_default();
    let width = window
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(1280.0);
    let mut context = Context::from_page(
        &url,
        &referrer,
        &title,
        date.get_hours() as u8,
        date.get_day() as u8,
        &language,
        width,
    );
    if timezone {
        context.set_timezone(&self::timezone());
    }
    context
}

/// The visitor's IANA time zone (`America/Sao_Paulo`), or "" when Intl cannot say.
/// Read once per page: building a `DateTimeFormat` is the dearest thing a start
/// asks the page (a page that starts vitrine again, after a consent change or in
/// a single-page app, does not pay it twice; a time zone change mid-visit is not
/// worth following).
fn timezone() -> String {
    thread_local! {
        static ZONE: std::cell::OnceCell<String> = const { std::cell::OnceCell::new() };
    }
    ZONE.with(|zone| {
        zone.get_or_init(|| {
            let format =
                js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
            js_sys::Reflect::get(&format.resolved_options(), &"timeZone".into())
                .ok()
                .and_then(|tz| tz.as_string())
                .unwrap_or_default()
        })
        .clone()
    })
}

/// 128 random bits as hex, from the browser's CSPRNG (works outside secure contexts,
/// unlike `crypto.randomUUID`).
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // No CSPRNG: an id that is unique enough for bucketing, not for secrets.
        let seed = (js_sys::Math::random() * 1e15) as u64 ^ (now_ms() as u64);
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
