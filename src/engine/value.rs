//! A JSON value with JavaScript's semantics.
//!
//! Config, attributes and stored data all arrive as JSON text, read by the
//! engine's small reader (`engine::json`), and leave as `to_json` text that the
//! page hands to `JSON.parse`. Objects keep their
//! insertion order because GrowthBook-style conditions compare literals by
//! `JSON.stringify`, which is order-sensitive. The coercions (`String()`,
//! `ToNumber`, truthiness) follow ECMAScript so conditions behave exactly as they do
//! in JavaScript SDKs.

#[cfg(not(target_arch = "wasm32"))]
mod serde_impls;

/// Ordered key/value pairs of a JSON object.
pub type Map = Vec<(String, Value)>;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

impl Value {
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(map) => map.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The name used in error messages ("expected a string, found a number").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// ECMAScript truthiness (`!!value`).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) => true,
        }
    }

    /// ECMAScript `String(value)`.
    pub fn to_js_string(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => js_number_to_string(*n),
            Value::String(s) => s.clone(),
            Value::Array(items) => {
                let mut out = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    // Array.prototype.join renders null and undefined as "".
                    if !matches!(item, Value::Null) {
                        out.push_str(&item.to_js_string());
                    }
                }
                out
            }
            Value::Object(_) => "[object Object]".into(),
        }
    }

    /// ECMAScript `ToNumber(value)` (what `value * 1` computes).
    pub fn to_js_number(&self) -> f64 {
        match self {
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) => *n,
            Value::String(s) => string_to_number(s),
            Value::Array(_) => string_to_number(&self.to_js_string()),
            Value::Object(_) => f64::NAN,
        }
    }

    /// `JSON.stringify(value)`.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) if n.is_finite() => out.push_str(&js_number_to_string(*n)),
            Value::Number(_) => out.push_str("null"),
            Value::String(s) => write_json_string(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(k, out);
                    out.push(':');
                    v.write_json(out);
                }
                out.push('}');
            }
        }
    }
}

/// `\\u` and four lower-case hex digits, as `JSON.stringify` writes them.
fn push_unit_escape(out: &mut String, unit: u16) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        let digit = (unit >> shift) & 0xf;
        out.push(char::from(b"0123456789abcdef"[usize::from(digit)]));
    }
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => push_unit_escape(out, c as u16),
            // A lone surrogate is written as JSON.stringify writes it.
            c => match super::utf16::lone_surrogate(c) {
                Some(unit) => push_unit_escape(out, unit),
                None => out.push(c),
            },
        }
    }
    out.push('"');
}

/// ECMAScript `Number::toString`. Integers are formatted here; other numbers go
/// through the host (`super::host`), which in the browser is JavaScript itself, so the
/// wasm build carries no float-formatting code.
pub fn js_number_to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if n == 0.0 {
        return "0".into();
    }
    // Exact integers are printed here; past 2^53 JavaScript prints the shortest
    // digits that round-trip ("123456789012345680000"), which is the host's job.
    if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        let mut digits = Vec::new();
        // Exact below 2^53; integer division (no float `%`, which links `fmod`).
        let mut rest = n.abs() as u64;
        while rest > 0 {
            digits.push(b'0' + (rest % 10) as u8);
            rest /= 10;
        }
        if n < 0.0 {
            digits.push(b'-');
        }
        digits.reverse();
        return String::from_utf8(digits).unwrap_or_default();
    }
    (super::host::get().number_to_string)(n)
}

/// `n` in decimal, without the formatting machinery (the start part links none).
pub fn decimal(n: usize) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

/// Appends `n` in decimal to `out` (paths are built for every rule and action).
pub fn push_decimal(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// Cuts a string to at most `max` characters, on a character boundary.
pub fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s.get(..i).unwrap_or("").to_owned(),
        None => s.to_owned(),
    }
}

/// ECMAScript `StringToNumber`, through the host (JavaScript's `Number(s)` in the
/// browser; `host::parse_js_number` natively).
pub fn string_to_number(s: &str) -> f64 {
    (super::host::get().string_to_number)(s)
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// Deepest nesting accepted when reading a document. JSON.parse accepts far deeper
/// input; refusing it here keeps a hostile config or stored value from exhausting the
/// (small, fixed) wasm stack.
pub const MAX_NESTING: usize = 64;

/// Builds an object value from pairs; used where the engine assembles attributes.
/// Takes a `Vec` rather than any iterator so the wasm holds one copy of this code,
/// not one per call site.
pub fn object(pairs: Vec<(&str, Value)>) -> Value {
    let mut map = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        map.push((k.to_owned(), v));
    }
    Value::Object(map)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn decimal_prints_like_to_string() {
        for n in [0, 7, 10, 99, 100, 12345, usize::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn js_string_coercions() {
        assert_eq!(Value::Number(1.0).to_js_string(), "1");
        assert_eq!(Value::Number(1.5).to_js_string(), "1.5");
        assert_eq!(Value::Number(1e21).to_js_string(), "1e+21");
        assert_eq!(Value::Number(-0.0).to_js_string(), "0");
        assert_eq!(
            Value::Array(vec![Value::Number(1.0), Value::Null, "a".into()]).to_js_string(),
            "1,,a"
        );
        assert_eq!(Value::Object(vec![]).to_js_string(), "[object Object]");
    }

    #[test]
    fn js_number_coercions() {
        assert_eq!(Value::from(" 12 ").to_js_number(), 12.0);
        assert_eq!(Value::from("").to_js_number(), 0.0);
        assert_eq!(Value::from("0x1f").to_js_number(), 31.0);
        assert!(Value::from("inf").to_js_number().is_nan());
        assert!(Value::from("12px").to_js_number().is_nan());
        assert_eq!(Value::from("-Infinity").to_js_number(), f64::NEG_INFINITY);
        assert_eq!(Value::Bool(true).to_js_number(), 1.0);
        assert_eq!(Value::Null.to_js_number(), 0.0);
        assert_eq!(Value::Array(vec![Value::Number(7.0)]).to_js_number(), 7.0);
    }

    #[test]
    fn refuses_documents_nested_too_deeply() {
        let deep = "[".repeat(MAX_NESTING + 1) + &"]".repeat(MAX_NESTING + 1);
        let err = serde_json::from_str::<Value>(&deep).unwrap_err();
        assert!(err.to_string().contains("nested deeper"), "{err}");
        let ok = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        assert!(serde_json::from_str::<Value>(&ok).is_ok());
        // The counter is released after a failure.
        assert!(serde_json::from_str::<Value>("[[1]]").is_ok());
    }

    #[test]
    fn json_stringify_keeps_order_and_escapes() {
        let v = object(vec![
            ("b", Value::Number(1.0)),
            ("a", Value::from("x\"\n")),
            ("n", Value::Number(f64::NAN)),
        ]);
        assert_eq!(v.to_json(), r#"{"b":1,"a":"x\"\n","n":null}"#);
    }
}
