//! JavaScript strings are UTF-16 and may hold lone surrogates, which a Rust `String`
//! cannot. A lone surrogate read from JSON text (`engine::json`) is kept as a
//! stand-in code point, and turned back into the unit wherever a string meets
//! JavaScript semantics: UTF-16 order, hashing, `JSON.stringify`, regexes. This
//! module is that mapping and nothing else, so every module can use it.

/// First code point of the range that stands for lone UTF-16 surrogates.
pub const LONE_SURROGATE_BASE: u32 = 0x10F800;

/// The char a single UTF-16 unit stands for (a lone surrogate gets its stand-in).
pub fn unit_char(unit: u32) -> char {
    match unit {
        0xD800..=0xDFFF => char::from_u32(LONE_SURROGATE_BASE + unit - 0xD800),
        _ => char::from_u32(unit),
    }
    .unwrap_or('\u{fffd}')
}

/// The lone surrogate a stand-in code point means, if it is one.
pub fn lone_surrogate(c: char) -> Option<u16> {
    let c = c as u32;
    (c >= LONE_SURROGATE_BASE).then(|| (c - LONE_SURROGATE_BASE + 0xD800) as u16)
}

/// The UTF-16 code units of a string as JavaScript holds it (a lone surrogate read
/// from JSON text is one unit again; see `engine::json`). For JavaScript's string
/// order and for hashing.
pub fn units(s: &str) -> impl Iterator<Item = u16> + '_ {
    let mut pending: Option<u16> = None;
    let mut chars = s.chars();
    std::iter::from_fn(move || {
        if let Some(unit) = pending.take() {
            return Some(unit);
        }
        let c = chars.next()?;
        if let Some(unit) = lone_surrogate(c) {
            return Some(unit);
        }
        let mut buf = [0u16; 2];
        let units = c.encode_utf16(&mut buf);
        if units.len() == 2 {
            pending = Some(units[1]);
        }
        Some(units[0])
    })
}
