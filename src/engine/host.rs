//! The few things the engine borrows from its host instead of carrying itself.
//!
//! Formatting a non-integer number the way JavaScript does, Unicode lower-casing and
//! ECMAScript regular expressions are large in Rust (float printing, case tables, a
//! regex engine) and already present in every browser. The engine calls them through this table: natively it is filled with
//! Rust's implementations (same results for the values configs hold), and the
//! browser shell installs JavaScript's at start. The engine stays free of js-sys.

use std::sync::OnceLock;

#[derive(Clone, Copy)]
pub struct Host {
    /// ECMAScript `Number::toString` for finite, non-integer numbers.
    pub number_to_string: fn(f64) -> String,
    /// ECMAScript `String.prototype.toLowerCase`.
    pub to_lowercase: fn(&str) -> String,
    /// ECMAScript `String.prototype.toUpperCase`.
    pub to_uppercase: fn(&str) -> String,
    /// `Intl.NumberFormat("pt-BR")` of a number, as currency when a code is given.
    pub format_number: fn(f64, &str) -> String,
    /// ECMAScript `Number(string)`.
    pub string_to_number: fn(&str) -> f64,
    /// Compiles an ECMAScript regular expression (flags: `i` or none, never `u`);
    /// returns a handle for `regex_test`, or why the pattern is invalid. The same
    /// pattern and flags give the same handle, so handles stay few.
    pub compile_regex: fn(&str, bool) -> Result<u32, String>,
    /// `RegExp.prototype.test` of a compiled expression.
    pub regex_test: fn(u32, &str) -> bool,
}

static HOST: OnceLock<Host> = OnceLock::new();

/// Compiled regular expressions by pattern and flags (like GrowthBook's regex
/// cache), shared by the hosts: returns the handle of an existing entry or
/// compiles and adds one.
pub fn cached_regex<T>(
    cache: &std::cell::RefCell<Vec<(String, bool, T)>>,
    pattern: &str,
    insensitive: bool,
    compile: impl FnOnce() -> Result<T, String>,
) -> Result<u32, String> {
    let mut compiled = cache.borrow_mut();
    if let Some(i) = compiled
        .iter()
        .position(|(p, ci, _)| p == pattern && *ci == insensitive)
    {
        return Ok(i as u32);
    }
    compiled.push((pattern.to_owned(), insensitive, compile()?));
    Ok((compiled.len() - 1) as u32)
}

/// Installs the host's implementations; the first call wins.
pub fn install(host: Host) {
    let _ = HOST.set(host);
}

pub fn get() -> &'static Host {
    HOST.get_or_init(default_host)
}

#[cfg(not(target_arch = "wasm32"))]
fn default_host() -> Host {
    Host {
        number_to_string: native_number_to_string,
        to_lowercase: |s| s.to_lowercase(),
        to_uppercase: |s| s.to_uppercase(),
        format_number: native_format_number,
        string_to_number: parse_js_number,
        compile_regex: native_regex::compile,
        regex_test: native_regex::test,
    }
}

/// ECMAScript `StringToNumber`: decimal literals, `0x`/`0o`/`0b` integers,
/// `Infinity`, surrounding white space; anything else is NaN.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_js_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return 0.0;
    }
    let radix = match t.get(..2) {
        Some("0x") | Some("0X") => 16,
        Some("0o") | Some("0O") => 8,
        Some("0b") | Some("0B") => 2,
        _ => 0,
    };
    if radix != 0 {
        let digits = t.get(2..).unwrap_or("");
        if digits.is_empty() {
            return f64::NAN;
        }
        let mut acc = 0.0f64;
        for c in digits.chars() {
            match c.to_digit(radix) {
                Some(d) => acc = acc * f64::from(radix) + f64::from(d),
                None => return f64::NAN,
            }
        }
        return acc;
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned == "Infinity" {
        return if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    // Rust accepts "inf"/"nan"; JavaScript only digits, '.', exponent and sign.
    if !unsigned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        return f64::NAN;
    }
    t.parse::<f64>().unwrap_or(f64::NAN)
}

/// ECMAScript regular expressions natively, with the `regress` crate.
#[cfg(not(target_arch = "wasm32"))]
mod native_regex {
    use std::cell::RefCell;

    std::thread_local! {
        static COMPILED: RefCell<Vec<(String, bool, regress::Regex)>> = const { RefCell::new(Vec::new()) };
    }

    pub fn compile(pattern: &str, insensitive: bool) -> Result<u32, String> {
        COMPILED.with(|cache| {
            super::cached_regex(cache, pattern, insensitive, || {
                // As JavaScript reads a pattern without the `u` flag: UTF-16 units.
                let units: Vec<u32> = crate::engine::utf16::units(pattern)
                    .map(u32::from)
                    .collect();
                regress::Regex::from_unicode(units.into_iter(), if insensitive { "i" } else { "" })
                    .map_err(|e| e.to_string())
            })
        })
    }

    pub fn test(handle: u32, subject: &str) -> bool {
        COMPILED.with(|compiled| {
            compiled
                .borrow()
                .get(handle as usize)
                .is_some_and(|(_, _, regex)| {
                    let units: Vec<u16> = crate::engine::utf16::units(subject).collect();
                    regex.find_from_ucs2(&units, 0).next().is_some()
                })
        })
    }
}

/// The browser shell installs JavaScript's functions when its module starts
/// (`#[wasm_bindgen(start)]`, before anything can call the engine), so on wasm32
/// this table is never used: it only keeps `get` total without linking anything.
#[cfg(target_arch = "wasm32")]
fn default_host() -> Host {
    Host {
        number_to_string: |_| String::new(),
        to_lowercase: str::to_owned,
        to_uppercase: str::to_owned,
        format_number: |_, _| String::new(),
        compile_regex: |_, _| Err(String::new()),
        regex_test: |_, _| false,
        string_to_number: |_| f64::NAN,
    }
}

/// Rust's shortest round-trip digits, in JavaScript's notation.
#[cfg(not(target_arch = "wasm32"))]
pub fn native_number_to_string(n: f64) -> String {
    let abs = n.abs();
    if (1e-6..1e21).contains(&abs) {
        return format!("{n}");
    }
    let s = format!("{n:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => s,
    }
}

/// `Intl.NumberFormat("pt-BR")` natively, for tests: grouping with ".", decimals
/// with ","; numbers keep up to 3 decimals, currencies exactly 2.
#[cfg(not(target_arch = "wasm32"))]
pub fn native_format_number(n: f64, currency: &str) -> String {
    let digits = if currency.is_empty() { 3 } else { 2 };
    let fixed = format!("{:.*}", digits, n.abs());
    let (whole, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let frac = if currency.is_empty() {
        frac.trim_end_matches('0')
    } else {
        frac
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let number = if frac.is_empty() {
        grouped
    } else {
        format!("{grouped},{frac}")
    };
    match currency {
        "" => format!("{sign}{number}"),
        "BRL" => format!("{sign}R$\u{a0}{number}"),
        code => format!("{sign}{code}\u{a0}{number}"),
    }
}
