//! `v.sentiment(text, {language})`, the wasm side: its own small module
//! (`vitrine_sentiment.wasm`, feature `sentiment`), loaded by `js/index.js` with
//! the language's lexicon the first time a page asks, so the runtime carries
//! neither the scoring nor its Unicode tables. It scores and forgets: the runtime
//! records the result (`Vitrine.recordSentiment`) under the `feedback` category.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::engine::profile::truncate;
use crate::engine::sentiment::{analyze, Language, Lexicon};

/// Longer texts are scored on their first 2,000 characters.
const MAX_TEXT_CHARS: usize = 2000;

std::thread_local! {
    static LEXICONS: RefCell<Vec<(Language, Lexicon)>> = const { RefCell::new(Vec::new()) };
}

fn language(code: &str) -> Language {
    if code.to_ascii_lowercase().starts_with("pt") {
        Language::Pt
    } else {
        Language::En
    }
}

/// Whether the lexicon `code` (`pt…`, or anything else for English) needs is in.
#[wasm_bindgen(js_name = hasLexicon)]
pub fn has_lexicon(code: &str) -> bool {
    let language = language(code);
    LEXICONS.with(|l| l.borrow().iter().any(|(g, _)| *g == language))
}

/// Hands over a lexicon file (`token<TAB>valence`); returns its number of tokens.
#[wasm_bindgen(js_name = loadLexicon)]
pub fn load_lexicon(code: &str, text: &str) -> usize {
    let language = language(code);
    let lexicon = Lexicon::parse(text);
    let size = lexicon.len();
    LEXICONS.with(|l| {
        let mut l = l.borrow_mut();
        l.retain(|(g, _)| *g != language);
        l.push((language, lexicon));
    });
    size
}

/// The score of `text` in thousandths (−1000..1000; the label follows from it:
/// ≥ 50 positive, ≤ −50 negative), or `None` when its lexicon is not loaded.
#[wasm_bindgen]
pub fn score(text: &str, code: &str) -> Option<i32> {
    let language = language(code);
    let text = truncate(text, MAX_TEXT_CHARS);
    LEXICONS.with(|l| {
        let l = l.borrow();
        let (_, lexicon) = l.iter().find(|(g, _)| *g == language)?;
        Some((analyze(&text, lexicon, language).score * 1000.0).round() as i32)
    })
}
