//! The `redirect` operation: where a visitor may be sent, and the loop guard.

use super::page;

/// Sends the visitor to `url` (resolved against this page): same origin unless the
/// action allows another, never to this same URL, and at most 3 times in 10 seconds
/// in this tab (a loop between two rules, or two pages, stops there).
pub fn redirect(url: &str, cross_origin: bool) -> Result<(), String> {
    let window = page::window().ok_or("no window")?;
    let location = window.location();
    let here = location.href().map_err(|e| super::error::describe(&e))?;
    let target = web_sys::Url::new_with_base(url, &here).map_err(|e| super::error::describe(&e))?;
    let origin = location.origin().unwrap_or_default();
    if !matches!(target.protocol().as_str(), "http:" | "https:") {
        return Err(format!("redirect to \"{url}\" refused: not http(s)"));
    }
    if target.origin() != origin && !cross_origin {
        return Err(format!(
            "redirect to another site ({}) refused: add \"crossOrigin\": true to allow it",
            target.origin()
        ));
    }
    let destination = target.href();
    if destination.split('#').next() == here.split('#').next() {
        return Ok(()); // already there
    }
    // Loop guard in sessionStorage (this tab only; a safety record, not profile data).
    let now = page::now_ms();
    let store = window.session_storage().ok().flatten();
    let key = "vitrine:redirects";
    // Whole milliseconds: parsing them as integers keeps Rust's float parser
    // (and its tables) out of the wasm.
    let now = now as u64;
    let mut recent: Vec<u64> = store
        .as_ref()
        .and_then(|s| s.get_item(key).ok().flatten())
        .map(|v| {
            v.split(',')
                .filter_map(|t| t.parse::<u64>().ok())
                .filter(|t| now.saturating_sub(*t) < 10_000)
                .collect()
        })
        .unwrap_or_default();
    if recent.len() >= 3 {
        return Err("redirect refused: 3 redirects in 10 seconds (a loop?)".into());
    }
    recent.push(now);
    if let Some(s) = store {
        let text: Vec<String> = recent.iter().map(u64::to_string).collect();
        let _ = s.set_item(key, &text.join(","));
    }
    location
        .replace(&destination)
        .map_err(|e| super::error::describe(&e))
}
