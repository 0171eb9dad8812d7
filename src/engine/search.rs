//! On-site search as a signal: the terms a visitor searched for, how many searches
//! found nothing, and the categories of the products clicked right after a search.
//!
//! A term arrives from GA4's `search` / `view_search_results` (`search_term`), from
//! the search results URL's parameter (`profile.search.urlParam`) or from
//! `track('search', {term})`. What a visitor types into a search box is the one
//! place they paste an email, a CPF or a phone number, so a term is redacted before
//! anything keeps it (`redact`): emails, CPFs and runs of eight or more digits are
//! replaced by a placeholder. Terms are folded to lower case, spaces collapsed, cut
//! at 64 characters, and only the last five are kept.

use super::value::{object, truncate, Value};

/// `(category, clicks)`, least recently used first.
pub type Counters = Vec<(String, u32)>;

/// GA4's search events (the term is `search_term`), also as `track` names.
pub const SEARCH_EVENTS: &[&str] = &["search", "view_search_results"];
/// Terms kept, most recent last.
pub const MAX_TERMS: usize = 5;
pub const MAX_TERM_LEN: usize = 64;
/// Categories of products clicked after a search, least recently used first.
pub const MAX_CATEGORIES: usize = 10;
/// A product click this soon after a search counts as a click on a search result.
pub const RESULT_CLICK_WINDOW_MS: f64 = 30.0 * 60.0 * 1000.0;
/// What of a term is read (whole words), before it is redacted and cut to
/// `MAX_TERM_LEN`.
const MAX_INPUT_CHARS: usize = 512;
/// A term repeated within this is one search reported by two sources.
const SAME_SEARCH_MS: f64 = 60_000.0;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Search {
    /// Redacted, normalized terms, most recent last.
    pub terms: Vec<String>,
    /// Searches seen (terms repeated included).
    pub count: u32,
    /// Searches that reported no results.
    pub zero_results: u32,
    /// Whether the last search reported no results.
    pub last_zero: bool,
    pub last_ms: f64,
    /// Categories of products clicked within `RESULT_CLICK_WINDOW_MS` of a search.
    pub categories: Counters,
}

impl Search {
    /// Records a search; `results` is the number of results when the site says it.
    /// Returns false (nothing recorded) for a term that is empty once normalized.
    pub fn record(&mut self, term: &str, results: Option<f64>, now_ms: f64) -> bool {
        let Some(term) = normalize(term) else {
            return false;
        };
        // The same term again within a minute is the same search reported twice
        // (the results URL and the dataLayer): only its result count is taken.
        if self.terms.last() == Some(&term)
            && (0.0..SAME_SEARCH_MS).contains(&(now_ms - self.last_ms))
        {
            if let Some(n) = results {
                let zero = n == 0.0;
                if zero && !self.last_zero {
                    self.zero_results = self.zero_results.saturating_add(1);
                }
                self.last_zero = zero;
            }
            return true;
        }
        self.terms.retain(|t| *t != term);
        if self.terms.len() >= MAX_TERMS {
            self.terms.remove(0);
        }
        self.terms.push(term);
        self.count = self.count.saturating_add(1);
        self.last_zero = results == Some(0.0);
        if self.last_zero {
            self.zero_results = self.zero_results.saturating_add(1);
        }
        self.last_ms = now_ms;
        true
    }

    /// Whether a product click now follows a search closely enough to be a result click.
    pub fn is_recent(&self, now_ms: f64) -> bool {
        self.count > 0 && now_ms >= self.last_ms && now_ms - self.last_ms <= RESULT_CLICK_WINDOW_MS
    }

    pub fn clicked_category(&mut self, category: &str) {
        if !category.is_empty() {
            super::codec::bump(&mut self.categories, category, MAX_CATEGORIES, MAX_TERM_LEN);
        }
    }

    /// `search.*` in the attribute document.
    pub fn attributes(search: Option<&Search>) -> Value {
        let empty = Search::default();
        let s = search.unwrap_or(&empty);
        object(vec![
            (
                "last",
                s.terms
                    .last()
                    .map_or(Value::Null, |t| Value::from(t.as_str())),
            ),
            (
                "terms",
                Value::Array(
                    s.terms
                        .iter()
                        .rev()
                        .map(|t| Value::from(t.as_str()))
                        .collect(),
                ),
            ),
            ("count", Value::Number(f64::from(s.count))),
            ("zero_results", Value::Number(f64::from(s.zero_results))),
            ("last_zero", Value::Bool(s.last_zero)),
            ("categories", super::codec::counters_value(&s.categories)),
        ])
    }
}

/// A term as it is kept: redacted, lower case, spaces collapsed, at most
/// `MAX_TERM_LEN` characters; `None` if nothing is left.
pub fn normalize(term: &str) -> Option<String> {
    // Spaces collapsed first; past `MAX_INPUT_CHARS` the last, cut word is dropped,
    // so no cut leaves part of a number or an email unredacted.
    let mut text = String::new();
    let mut chars = 0;
    for word in term.split_whitespace() {
        chars += word.chars().count() + 1;
        if chars > MAX_INPUT_CHARS {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    if text.is_empty() {
        return None;
    }
    let lower = (super::host::get().to_lowercase)(&redact(&text));
    Some(truncate(&lower, MAX_TERM_LEN))
}

/// Replaces what identifies a person in free text: an email (`[email]`), a CPF
/// (`[cpf]`: eleven digits written as ddd.ddd.ddd-dd, or that pass the CPF check
/// digits) and any other run of digits and separators (`.-()+/` and single
/// spaces) with ten digits or more, or eight or more with no space inside or a
/// group of five (`[number]`: phone and card numbers, also glued to a word as in
/// "cpf:…" or "nf12345678"). Short numbers side by side (sizes "38 40 42",
/// years "2024 2025") are left alone.
pub fn redact(text: &str) -> String {
    let emails_out: Vec<String> = text
        .split(' ')
        .map(|word| {
            let core = word.trim_matches(|c: char| c.is_ascii_punctuation() && c != '@');
            if is_email(core) {
                word.replacen(core, "[email]", 1)
            } else {
                word.to_owned()
            }
        })
        .collect();
    let text = emails_out.join(" ");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // A CPF as it is written (ddd.ddd.ddd-dd) stands on its own.
        if chars.len() >= i + 14 && is_cpf(&chars[i..i + 14].iter().collect::<String>()) {
            out.push_str("[cpf]");
            i += 14;
            continue;
        }
        // A run: digit groups joined by up to three separators ("+55 (11) 9…").
        let is_sep = |c: char| matches!(c, '.' | '-' | '(' | ')' | '+' | '/' | ' ');
        let start = i;
        let mut end = i;
        let (mut digits, mut group, mut longest, mut spaced) = (0, 0, 0, false);
        let mut j = i;
        while j < chars.len() {
            if chars[j].is_ascii_digit() {
                digits += 1;
                group += 1;
                longest = longest.max(group);
                j += 1;
                end = j;
                continue;
            }
            let (mut k, mut space) = (j, false);
            while k < chars.len() && k - j < 3 && is_sep(chars[k]) {
                space |= chars[k] == ' ';
                k += 1;
            }
            if k == j || !chars.get(k).is_some_and(char::is_ascii_digit) {
                break;
            }
            spaced |= space;
            group = 0;
            j = k;
        }
        // A '+' or '(' just before the first digit belongs to the number.
        let opening = out.ends_with('+') || out.ends_with('(');
        let run: String = chars[start..end].iter().collect();
        let secret = digits >= 10 || (digits >= 8 && (!spaced || longest >= 5));
        if digits == 11 && is_cpf(&run) {
            out.push_str("[cpf]");
        } else if secret {
            if opening {
                out.pop();
            }
            out.push_str("[number]");
        } else {
            out.push_str(&run);
        }
        i = end;
    }
    out
}

fn is_email(word: &str) -> bool {
    match word.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// Eleven digits written as ddd.ddd.ddd-dd, or with valid CPF check digits.
fn is_cpf(run: &str) -> bool {
    let bytes = run.as_bytes();
    let formatted = bytes.len() == 14
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            3 | 7 => b == b'.',
            11 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let d: Vec<u32> = bytes
        .iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| u32::from(b - b'0'))
        .collect();
    if formatted {
        return true;
    }
    if d.len() != 11 || bytes.len() != 11 || d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let check = |n: usize| (0..n).map(|i| d[i] * (n + 1 - i) as u32).sum::<u32>() * 10 % 11 % 10;
    check(9) == d[9] && check(10) == d[10]
}

/// The stored form of the search aggregate.
pub fn to_stored(s: &Search) -> Value {
    object(vec![
        (
            "terms",
            Value::Array(s.terms.iter().map(|t| Value::from(t.as_str())).collect()),
        ),
        ("count", Value::Number(f64::from(s.count))),
        ("zero_results", Value::Number(f64::from(s.zero_results))),
        ("last_zero", Value::Bool(s.last_zero)),
        ("last_ms", Value::Number(s.last_ms)),
        ("categories", super::codec::counters_value(&s.categories)),
    ])
}

/// Reads the stored form back (untrusted: every field checked, caps re-applied).
pub fn from_stored(value: &Value) -> Result<Search, String> {
    use super::codec::{count, counters, field, number, object};
    let map = object(value, "search")?;
    let mut terms = Vec::new();
    for t in field(map, "terms").and_then(Value::as_array).unwrap_or(&[]) {
        terms.push(truncate(
            t.as_str().ok_or("\"search.terms\" must hold strings")?,
            MAX_TERM_LEN,
        ));
    }
    terms.drain(..terms.len().saturating_sub(MAX_TERMS));
    let mut categories = counters(map, "categories")?;
    categories.drain(..categories.len().saturating_sub(MAX_CATEGORIES));
    Ok(Search {
        terms,
        count: count(map, "count")?,
        zero_results: count(map, "zero_results")?,
        last_zero: field(map, "last_zero") == Some(&Value::Bool(true)),
        last_ms: number(map, "last_ms", 0.0)?,
        categories,
    })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn emails_cpfs_and_long_numbers_are_redacted() {
        assert_eq!(redact("tenis maria@example.com"), "tenis [email]");
        assert_eq!(
            redact("<joao.silva@mail.com.br>, pedido"),
            "<[email]>, pedido"
        );
        assert_eq!(redact("cpf 123.456.789-09 troca"), "cpf [cpf] troca");
        // Eleven digits that pass the CPF check digits, unformatted.
        assert_eq!(redact("52998224725"), "[cpf]");
        assert_eq!(
            redact("ligar +55 (11) 98765-4321 hoje"),
            "ligar [number] hoje"
        );
        assert_eq!(redact("cartao 4111 1111 1111 1111"), "cartao [number]");
        // Short numbers stay: sizes, models, years, a CEP prefix.
        assert_eq!(redact("tenis 42 air max 2024"), "tenis 42 air max 2024");
        assert_eq!(redact("iphone 15 pro 256gb"), "iphone 15 pro 256gb");
        assert_eq!(redact("@marca"), "@marca");
        assert_eq!(redact("11111111111"), "[number]");
        // Punctuation around, or glued to a word.
        assert_eq!(redact("contato maria@gmail.com."), "contato [email].");
        assert_eq!(redact("ligar 11987654321, hoje"), "ligar [number], hoje");
        assert_eq!(redact("cpf:52998224725"), "cpf:[cpf]");
        assert_eq!(
            redact("pedido#12345678 nf12345678"),
            "pedido#[number] nf[number]"
        );
        // Short numbers side by side stay.
        assert_eq!(redact("camisa 38 40 42 44"), "camisa 38 40 42 44");
        assert_eq!(redact("calendario 2024 2025"), "calendario 2024 2025");
    }

    #[test]
    fn terms_are_normalized_bounded_and_most_recent_last() {
        let mut s = Search::default();
        assert!(!s.record("   ", None, 1.0));
        for (i, t) in ["Tênis", "camisa  AZUL", "meia", "boné", "bolsa", "tênis"]
            .iter()
            .enumerate()
        {
            assert!(s.record(t, Some(3.0), i as f64));
        }
        assert_eq!(s.terms, ["camisa azul", "meia", "boné", "bolsa", "tênis"]);
        assert_eq!(s.count, 6);
        assert!(s.record("x".repeat(100).as_str(), Some(0.0), 10.0));
        assert_eq!(s.terms.last().unwrap().chars().count(), MAX_TERM_LEN);
        assert_eq!((s.zero_results, s.last_zero), (1, true));
        assert!(s.record("meia", None, 11.0));
        assert!(!s.last_zero, "an unknown result count is not a zero");
        let attrs = Search::attributes(Some(&s));
        assert_eq!(attrs.get("last").and_then(Value::as_str), Some("meia"));
        assert_eq!(
            attrs
                .get("terms")
                .and_then(Value::as_array)
                .map(|a| a.len()),
            Some(5)
        );
    }

    #[test]
    fn the_stored_form_round_trips_and_hostile_data_is_refused_or_capped() {
        let mut s = Search::default();
        s.record("café", Some(0.0), 5.0);
        s.clicked_category("cafes");
        assert_eq!(from_stored(&to_stored(&s)).unwrap(), s);
        let hostile = super::super::json::parse(
            r#"{"terms": ["a","b","c","d","e","f","g","h"], "count": 7, "categories": {}}"#,
        )
        .unwrap();
        let read = from_stored(&hostile).unwrap();
        assert_eq!(read.terms, ["d", "e", "f", "g", "h"]);
        assert_eq!(read.count, 7);
        assert!(from_stored(&super::super::json::parse(r#"{"count": 1e12}"#).unwrap()).is_err());
        assert!(from_stored(&super::super::json::parse(r#"{"terms": [1]}"#).unwrap()).is_err());
        assert!(from_stored(&super::super::json::parse(r#"{"count": -1}"#).unwrap()).is_err());
    }

    #[test]
    fn result_clicks_count_only_soon_after_a_search() {
        let mut s = Search::default();
        assert!(!s.is_recent(0.0));
        s.record("café", None, 1_000.0);
        assert!(s.is_recent(1_000.0 + RESULT_CLICK_WINDOW_MS));
        assert!(!s.is_recent(1_001.0 + RESULT_CLICK_WINDOW_MS));
    }
}
