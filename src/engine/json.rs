//! JSON text → `Value`: how data enters the engine in one crossing.
//!
//! The page hands the wasm text — the raw text of an inline or fetched config, a
//! stored partition as `localStorage` holds it, or the browser's own
//! `JSON.stringify` of an API argument — instead of a JS object that Rust would walk
//! field by field through `Reflect` (one boundary crossing per field, which made
//! `evalCondition` many times slower than GrowthBook's). The reader is small on
//! purpose: numbers that are not short integers are handed to the host's `Number()`
//! (JavaScript itself in the browser), so the wasm carries no float parser.
//!
//! JavaScript strings are UTF-16 and may hold lone surrogates (`"\ude00"`), which a
//! Rust `String` cannot. They are kept as the code points `LONE_SURROGATE_BASE + (unit
//! - 0xD800)` (the last 2,048 code points of plane 16, private use; see `engine::utf16`) and turned back
//! into the lone unit wherever a string meets JavaScript semantics again: UTF-16 order
//! and hashing (`utf16::units`), `JSON.stringify`, and the host's regexes. So
//! GrowthBook's `{"$regex": "\ude00$"}` matches `"😀"` here as it does there.

use super::utf16::unit_char;
use super::value::{Map, Value, MAX_NESTING};

/// Parses JSON text as `JSON.parse` does (the last of duplicate keys wins, at the
/// position of the first); refuses documents nested deeper than `MAX_NESTING`.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let value = reader.value(0)?;
    reader.skip_space();
    if reader.pos < reader.bytes.len() {
        return Err(reader.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// Written out (no `format!` in the start part); a test keeps it equal to `MAX_NESTING`.
const NESTED_TOO_DEEP: &str = "nested deeper than 64 levels";

impl Reader<'_> {
    fn error(&self, what: &str) -> String {
        // The parts a page loads only need to know the text is not JSON (the
        // validator part says where).
        #[cfg(not(feature = "messages"))]
        {
            what.to_owned()
        }
        #[cfg(feature = "messages")]
        {
            let before = self.text.get(..self.pos).unwrap_or(self.text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{what} at line {line}, column {column}")
        }
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        self.skip_space();
        let Some(&first) = self.bytes.get(self.pos) else {
            return Err(self.error("unexpected end of the JSON text"));
        };
        match first {
            b'{' | b'[' if depth >= MAX_NESTING => Err(self.error(NESTED_TOO_DEEP)),
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(Value::String),
            b't' => self.literal("true", Value::Bool(true)),
            b'f' => self.literal("false", Value::Bool(false)),
            b'n' => self.literal("null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.error("unexpected character")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, String> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("unexpected character"))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        let negative = self.bytes[self.pos] == b'-';
        if negative {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_digits = self.digits();
        if int_digits == 0 || (int_digits > 1 && self.bytes[int_start] == b'0') {
            return Err(self.error("invalid number"));
        }
        let mut plain = true;
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            plain = false;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            plain = false;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        // Up to 15 digits an integer is exact in an f64; anything else is JavaScript's.
        if plain && int_digits <= 15 {
            let n = self.bytes[int_start..self.pos]
                .iter()
                .fold(0u64, |n, d| n * 10 + u64::from(d - b'0')) as f64;
            return Ok(Value::Number(if negative { -n } else { n }));
        }
        let literal = &self.text[start..self.pos];
        Ok(Value::Number((super::host::get().string_to_number)(
            literal,
        )))
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1; // the opening quote
        let start = self.pos;
        // Fast path: no escapes.
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'"' => {
                    let s = self.text[start..self.pos].to_owned();
                    self.pos += 1;
                    return Ok(s);
                }
                b'\\' => break,
                0..=0x1f => return Err(self.error("control character in a string")),
                _ => self.pos += 1,
            }
        }
        let mut out = String::from(&self.text[start..self.pos]);
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error("unterminated string"));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let Some(&escape) = self.bytes.get(self.pos) else {
                        return Err(self.error("unterminated string"));
                    };
                    self.pos += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            out.push(self.unit_to_char(unit)?);
                        }
                        _ => return Err(self.error("invalid escape in a string")),
                    }
                }
                0..=0x1f => return Err(self.error("control character in a string")),
                _ => {
                    // Copy the run up to the next quote or escape as it is.
                    let run = self.pos;
                    while self
                        .bytes
                        .get(self.pos)
                        .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
                    {
                        self.pos += 1;
                    }
                    out.push_str(&self.text[run..self.pos]);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let unit = digits.and_then(|d| {
            d.iter()
                .try_fold(0u32, |n, &b| Some(n * 16 + (b as char).to_digit(16)?))
        });
        match unit {
            Some(unit) => {
                self.pos += 4;
                Ok(unit)
            }
            None => Err(self.error("invalid \\u escape")),
        }
    }

    /// A `\uXXXX` unit, joined with a following low surrogate when it is a high one.
    fn unit_to_char(&mut self, unit: u32) -> Result<char, String> {
        if (0xD800..0xDC00).contains(&unit) && self.bytes[self.pos..].starts_with(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{fffd}'));
            }
            self.pos = save;
        }
        Ok(unit_char(unit))
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            if self.eat(b',') {
                continue;
            }
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            return Err(self.error("expected \",\" or \"]\""));
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut map: Map = Vec::new();
        if self.eat(b'}') {
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_space();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            if !self.eat(b':') {
                return Err(self.error("expected \":\""));
            }
            let value = self.value(depth)?;
            // A linear look-up: what reaches the reader comes from JSON.stringify or
            // `to_json` (never duplicated) or is a hand-written config, whose objects
            // are small; a sort or a hash map would cost the wasm more than it saves.
            match map.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => map.push((key, value)),
            }
            if self.eat(b',') {
                continue;
            }
            if self.eat(b'}') {
                return Ok(Value::Object(map));
            }
            return Err(self.error("expected \",\" or \"}\""));
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn same_as_serde(text: &str) {
        let ours = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs, "{text}");
    }

    #[test]
    fn the_nesting_message_names_the_limit() {
        assert_eq!(
            NESTED_TOO_DEEP,
            format!("nested deeper than {MAX_NESTING} levels")
        );
    }

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            "null",
            " true ",
            "false",
            "0",
            "-0",
            "123456789012345",
            "1234567890123456789",
            "-12.5e3",
            "1E-7",
            "0.1",
            r#""plain""#,
            r#""esc\"aped\\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 é😀""#,
            "[]",
            "{}",
            r#"{"a": [1, {"b": null}], "c": "d", "e": {"f": [true, false]}}"#,
            "[[[[1]]], 2]",
        ] {
            same_as_serde(text);
        }
        assert!(parse("-0").unwrap().as_f64().unwrap().is_sign_negative());
    }

    #[test]
    fn refuses_what_json_parse_refuses_with_a_position() {
        for (text, message) in [
            ("", "unexpected end of the JSON text at line 1, column 1"),
            ("{\"a\": 1,}", "expected a string key at line 1, column 9"),
            ("[1 2]", "expected \",\" or \"]\" at line 1, column 4"),
            ("01", "invalid number at line 1, column 3"),
            ("1.", "invalid number at line 1, column 3"),
            (
                "{\n \"a\": tru}",
                "unexpected character at line 2, column 7",
            ),
            (
                "\"a\u{1}\"",
                "control character in a string at line 1, column 3",
            ),
            ("\"\\x\"", "invalid escape in a string at line 1, column 4"),
            ("\"\\u12\"", "invalid \\u escape at line 1, column 4"),
            ("\"open", "unterminated string at line 1, column 6"),
            (
                "[1] x",
                "unexpected text after the JSON value at line 1, column 5",
            ),
            ("NaN", "unexpected character at line 1, column 1"),
        ] {
            assert_eq!(parse(text).unwrap_err(), message, "{text:?}");
        }
    }

    #[test]
    fn refuses_documents_nested_too_deeply() {
        let deep = "[".repeat(MAX_NESTING + 1) + &"]".repeat(MAX_NESTING + 1);
        assert!(parse(&deep).unwrap_err().contains("nested deeper"));
        let ok = "[".repeat(MAX_NESTING) + &"]".repeat(MAX_NESTING);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_at_the_first_position() {
        assert_eq!(
            parse(r#"{"a": 1, "b": 2, "a": 3}"#).unwrap().to_json(),
            r#"{"a":3,"b":2}"#
        );
        let mut text = String::from("{");
        for i in 0..100 {
            text.push_str(&format!("\"k{}\": {i},", i % 40));
        }
        text.push_str("\"last\": true}");
        let value = parse(&text).unwrap();
        let map = value.as_object().unwrap();
        assert_eq!(map.len(), 41);
        assert_eq!(map[0], ("k0".to_owned(), Value::Number(80.0)));
        assert_eq!(map[39], ("k39".to_owned(), Value::Number(79.0)));
        assert_eq!(map[40].0, "last");
    }

    #[test]
    fn lone_surrogates_survive_the_round_trip() {
        let value = parse(r#"["\ude00", "a\ud83d", "\ud83d\ude00"]"#).unwrap();
        assert_eq!(value.to_json(), r#"["\ude00","a\ud83d","😀"]"#);
        let units: Vec<u16> =
            crate::engine::utf16::units(value.as_array().unwrap()[0].as_str().unwrap()).collect();
        assert_eq!(units, [0xde00]);
    }
}
