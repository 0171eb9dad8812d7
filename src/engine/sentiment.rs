//! Sentiment of short free text (survey answers, reviews, chat), on the device, in
//! English and Brazilian Portuguese: VADER's method (a valence lexicon, boosters,
//! negation within three words, "but", capitals and exclamation marks, the
//! compound score `x / √(x² + 15)`) over VADER's English lexicon and LeIA's
//! Portuguese one (`lexicons/*.tsv`, MIT, built by `scripts/lexicons.py`).
//!
//! What plain LeIA gets wrong for a shop is added here, not in its lexicon:
//! Portuguese negation as people write it ("não", "nunca", "nem", "jamais",
//! "nada", "nenhum", "sem", also with the accents left out), Portuguese boosters
//! ("muito", "super", "bem", "demais"), accents folded before any lookup, the
//! emoji shops receive, and the words of delivery, defects, exchanges and refunds
//! ("atrasou", "não chegou", "veio quebrado", "never arrived") that a general
//! lexicon scores as neutral. The lexicon is data handed in (`Lexicon::parse`), so
//! the page loads it only where a survey or `sentiment()` needs it.

use std::cmp::Ordering;

/// Which rules apply: the Portuguese ones fold accents and know its negations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    En,
    Pt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Positive,
    Neutral,
    Negative,
}

impl Label {
    /// VADER's thresholds on the compound score.
    pub fn of(score: f64) -> Label {
        if score >= 0.05 {
            Label::Positive
        } else if score <= -0.05 {
            Label::Negative
        } else {
            Label::Neutral
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Positive => "positive",
            Label::Neutral => "neutral",
            Label::Negative => "negative",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    /// VADER's compound score, in [-1, 1].
    pub score: f64,
    pub label: Label,
}

/// Tokens and their valence in tenths, sorted for binary search.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<(String, i8)>,
}

impl Lexicon {
    /// `token<TAB>valence-in-tenths` lines; `#` lines are comments. Lines that do
    /// not parse are skipped (the file is built by a script, but read defensively).
    pub fn parse(text: &str) -> Lexicon {
        let mut entries: Vec<(String, i8)> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (token, v) = l.split_once('\t')?;
                let v: i32 = v.trim().parse().ok()?;
                (!token.is_empty()).then(|| (token.to_owned(), v.clamp(-40, 40) as i8))
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries.dedup_by(|a, b| a.0 == b.0);
        Lexicon { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn get(&self, token: &str) -> Option<f64> {
        self.entries
            .binary_search_by(|(t, _)| t.as_str().cmp(token))
            .ok()
            .map(|i| f64::from(self.entries[i].1) / 10.0)
    }
}

/// Words or phrases and their valence (VADER's scale, −4..4).
type Table = &'static [(&'static str, f64)];

const B_INCR: f64 = 0.293;
const C_INCR: f64 = 0.733;
const N_SCALAR: f64 = -0.74;

/// Words and phrases of shopping a general lexicon misses, in both languages
/// (Portuguese already folded), valence as VADER's (−4..4). Written from what
/// shops hear, not fitted to the evaluation set.
#[rustfmt::skip]
const COMMERCE: Table = &[
    // Portuguese
    ("atraso", -2.0), ("atrasou", -2.0), ("atrasado", -2.0),
    ("atrasada", -2.0), ("atrasados", -2.0), ("demorou", -1.5), ("demora", -1.5),
    ("demorado", -1.5), ("quebrado", -2.5), ("quebrada", -2.5), ("quebrou", -2.5),
    ("rasgado", -2.0), ("rasgada", -2.0), ("defeito", -2.5), ("defeituoso", -2.5),
    ("danificado", -2.5), ("danificada", -2.5), ("amassado", -2.0), ("amassada", -2.0),
    ("errado", -1.5), ("errada", -1.5), ("faltando", -1.5), ("faltou", -1.5),
    ("sumiu", -2.0), ("extraviado", -2.5), ("parado", -1.0), ("cancelado", -1.0),
    ("cancelaram", -1.5), ("cobraram", -1.0), ("enrolacao", -2.0), ("descaso", -2.5),
    ("pessimo", -3.0), ("pessima", -3.0), ("horrivel", -3.0), ("lixo", -3.0),
    ("zoado", -2.0), ("bosta", -3.0), ("porcaria", -2.5), ("decepcao", -2.5),
    ("decepcionado", -2.5), ("decepcionada", -2.5), ("decepcionante", -2.5),
    ("frustrante", -2.0), ("insatisfeito", -2.0), ("insatisfeita", -2.0), ("caro", -1.0),
    ("cara", -0.5), ("lento", -1.5), ("lenta", -1.5), ("travando", -1.5), ("travou", -1.5),
    ("golpe", -3.0), ("prejuizo", -2.0), ("reclamacao", -1.5), ("problema", -1.5),
    ("problemas", -1.5), ("ruim", -2.5), ("fraco", -1.5), ("fraca", -1.5),
    ("recomendo", 2.0), ("amei", 3.0), ("adorei", 3.0), ("gostei", 2.0), ("perfeito", 3.0),
    ("perfeita", 3.0), ("otimo", 3.0), ("otima", 3.0), ("excelente", 3.0),
    ("maravilhoso", 3.0), ("maravilhosa", 3.0), ("top", 2.0), ("show", 2.0),
    ("satisfeito", 2.0), ("satisfeita", 2.0), ("rapido", 1.5), ("rapida", 1.5),
    ("rapidez", 1.5), ("agil", 1.5), ("barato", 1.0), ("confortavel", 2.0), ("lindo", 2.5),
    ("linda", 2.5), ("bom", 2.0), ("boa", 2.0), ("atencioso", 2.0), ("atenciosa", 2.0),
    ("educado", 1.5), ("educada", 1.5), ("resolveram", 1.5), ("resolveu", 1.5),
    ("obrigado", 1.5), ("obrigada", 1.5), ("parabens", 2.5), ("nota 10", 3.0),
    ("vale a pena", 2.0), ("custo beneficio", 1.5), ("no prazo", 1.5),
    ("antes do prazo", 2.0), ("fora do prazo", -2.0), ("nunca mais", -2.5),
    ("ainda nao chegou", -2.5), ("nao chegou", -2.5), ("nao veio", -2.0),
    ("veio errado", -2.0), ("veio errada", -2.0), ("nao funciona", -2.5),
    ("parou de funcionar", -2.5), ("nao responde", -2.0), ("nao resolveu", -2.0),
    ("nao resolveram", -2.0), ("sem resposta", -2.0), ("nada demais", -0.5),
    ("deixou a desejar", -2.0), ("deixa a desejar", -2.0),
    ("nunca chegou", -2.5), ("nunca recebi", -2.5), ("nao recebi", -2.0), ("resistente", 1.5),
    ("demoraram", -1.5), ("demorando", -1.5),
    // English
    ("late", -1.5),
    ("delayed", -1.5), ("delay", -1.5), ("broken", -2.5), ("damaged", -2.5),
    ("defective", -2.5), ("faulty", -2.5), ("torn", -2.0), ("wrong", -1.5),
    ("missing", -1.5), ("lost", -1.5), ("overpriced", -2.0), ("waste", -2.0),
    ("sucks", -2.0), ("meh", -0.5), ("useless", -2.5), ("scam", -3.0), ("slow", -1.5),
    ("refunded", 1.0), ("recommend", 2.0), ("awesome", 3.0), ("fast", 1.5), ("quick", 1.5),
    ("comfy", 2.0), ("never arrived", -2.5), ("hasn't arrived", -2.5),
    ("has not arrived", -2.5), ("didn't arrive", -2.5), ("did not arrive", -2.5),
    ("not arrived", -2.5), ("still waiting", -2.0), ("on time", 1.5),
    ("ahead of schedule", 2.0), ("stopped working", -2.5), ("doesn't work", -2.5),
    ("does not work", -2.5), ("didn't work", -2.5), ("no response", -2.0),
    ("no reply", -2.0), ("falling apart", -2.5), ("fell apart", -2.5), ("worth it", 2.0),
    ("not worth", -2.0), ("never again", -2.5), ("rip off", -3.0), ("ripped off", -3.0),
    ("nothing special", -0.5), ("five stars", 3.0), ("5 stars", 3.0), ("one star", -2.5),
    ("1 star", -2.5), ("thank you", 1.5), ("thanks", 1.5),
    ("never showed up", -2.5), ("still nothing", -2.0), ("never received", -2.5),
    ("a joke", -2.0), ("uma piada", -2.0),
];

/// The emoji and emoticons shops receive (the lexicons' own come from their
/// descriptions, which misses some).
#[rustfmt::skip]
const EMOJI: Table = &[
    ("😍", 3.0), ("🥰", 3.0), ("❤️", 3.0), ("❤", 3.0), ("💖", 3.0), ("👍", 2.0), ("👏", 2.0),
    ("🙌", 2.0), ("😀", 2.0), ("😃", 2.0), ("😄", 2.0), ("😊", 2.0), ("🙂", 1.0), ("😁", 2.0),
    ("⭐", 1.5), ("🌟", 2.0), ("🔥", 1.5), ("✅", 1.0), ("👎", -2.0), ("😡", -3.0), ("🤬", -3.0),
    ("😠", -2.5), ("😞", -2.0), ("😔", -2.0), ("😢", -2.0), ("😭", -2.5), ("🙄", -1.5),
    ("😤", -2.0), ("😒", -1.5), ("🤡", -2.0), ("💩", -2.5), ("😩", -2.0), ("😫", -2.0), (":)",
    2.0), (":-)", 2.0), (":D", 2.5), (";)", 1.5), (":(", -2.0), (":-(", -2.0), (":/",
    -1.0), (":'(", -2.5),
];

#[rustfmt::skip]
/// Words a lexicon scores that carry no sentiment in a shop's messages: LeIA's
/// translation artefacts ("para" from "stop", "há" folded into the laugh "ha",
/// "você" from "you") and shop nouns ("valor", "pagamento", "dúvidas").
const NEUTRAL_PT: &[&str] = &[
    "para", "pra", "voce", "voces", "ha", "valor", "numero", "aceita", "aceitam", "anexo",
    "credito", "pagamento", "duvida", "duvidas", "sim",
];
const NEUTRAL_EN: &[&str] = &["please", "yes", "ok", "okay", "pay", "charge", "question"];

const NEGATIONS_PT: &[&str] = &[
    "nao",
    "nunca",
    "nem",
    "jamais",
    "nada",
    "nenhum",
    "nenhuma",
    "ninguem",
    "sem",
    "tampouco",
    "dificilmente",
];
#[rustfmt::skip]
const NEGATIONS_EN: &[&str] = &[
    "not", "no", "never", "nor", "neither", "without", "hardly", "barely", "cannot", "isnt",
    "isn't", "dont", "don't", "doesnt", "doesn't", "didnt", "didn't", "wasnt", "wasn't",
    "werent", "weren't", "cant", "can't", "wont", "won't", "couldnt", "couldn't",
    "shouldnt", "shouldn't", "wouldnt", "wouldn't", "aint", "ain't", "havent", "haven't",
    "hasnt", "hasn't", "nothing", "nobody", "none",
];
#[rustfmt::skip]
const BOOSTERS_PT: Table = &[
    ("muito", B_INCR), ("muita", B_INCR), ("super", B_INCR), ("bem", B_INCR),
    ("demais", B_INCR), ("extremamente", B_INCR), ("mega", B_INCR), ("tao", B_INCR),
    ("bastante", B_INCR), ("totalmente", B_INCR), ("completamente", B_INCR),
    ("absolutamente", B_INCR), ("realmente", B_INCR), ("bem mais", B_INCR),
    ("pouco", -B_INCR), ("meio", -B_INCR), ("quase", -B_INCR), ("um pouco", -B_INCR),
];
#[rustfmt::skip]
const BOOSTERS_EN: Table = &[
    ("very", B_INCR), ("really", B_INCR), ("so", B_INCR), ("extremely", B_INCR),
    ("super", B_INCR), ("totally", B_INCR), ("absolutely", B_INCR), ("completely", B_INCR),
    ("incredibly", B_INCR), ("highly", B_INCR), ("too", B_INCR), ("most", B_INCR),
    ("utterly", B_INCR), ("truly", B_INCR), ("quite", B_INCR), ("such", B_INCR),
    ("slightly", -B_INCR), ("somewhat", -B_INCR), ("barely", -B_INCR), ("kinda", -B_INCR),
    ("kind of", -B_INCR), ("sort of", -B_INCR), ("a bit", -B_INCR), ("little", -B_INCR),
];
const BUT_PT: &[&str] = &["mas", "porem", "entretanto", "todavia", "contudo"];
const BUT_EN: &[&str] = &["but", "however", "although", "though", "yet"];

/// Folds the accents of Portuguese (and other Latin-1) letters: "não" → "nao".
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'A',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'É' | 'È' | 'Ê' | 'Ë' => 'E',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'O',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
            'ç' => 'c',
            'Ç' => 'C',
            other => other,
        })
        .collect()
}

struct Token {
    /// As written (capitals kept), punctuation around it removed.
    raw: String,
    lower: String,
}

fn is_emoji(c: char) -> bool {
    matches!(u32::from(c), 0x2600..=0x27bf | 0x2b50 | 0x1f300..=0x1faff)
}

/// Words and emoticons: split on spaces, emoji made tokens of their own,
/// punctuation around a word removed unless the token is an emoticon.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for piece in text.split_whitespace() {
        if EMOJI.iter().any(|(e, _)| *e == piece) {
            out.push(Token {
                raw: piece.to_owned(),
                lower: piece.to_owned(),
            });
            continue;
        }
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut Vec<Token>| {
            let trimmed = word.trim_matches(|c: char| !is_word_char(c) && c != '\'');
            if !trimmed.is_empty() {
                let lower = trimmed.chars().map(to_lower).collect();
                out.push(Token {
                    raw: trimmed.to_owned(),
                    lower,
                });
            }
            word.clear();
        };
        for c in piece.chars() {
            if is_emoji(c) || c == '\u{fe0f}' {
                flush(&mut word, &mut out);
                if c != '\u{fe0f}' {
                    out.push(Token {
                        raw: c.to_string(),
                        lower: c.to_string(),
                    });
                }
            } else {
                word.push(c);
            }
        }
        flush(&mut word, &mut out);
    }
    out
}

fn table(list: &[(&str, f64)], key: &str) -> Option<f64> {
    list.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The sentiment of `text` with `lexicon` under `language`'s rules.
pub fn analyze(text: &str, lexicon: &Lexicon, language: Language) -> Sentiment {
    analyze_with(text, lexicon, language, true)
}

/// `analyze`, with or without vitrine's tables of shop words and emoji (without
/// them it is VADER's method over the lexicon alone: what the tables add is
/// measured against that).
pub fn analyze_with(text: &str, lexicon: &Lexicon, language: Language, tables: bool) -> Sentiment {
    let (commerce, emoji): (Table, Table) = if tables {
        (COMMERCE, EMOJI)
    } else {
        (&[], &[])
    };
    let folded;
    let text = match language {
        Language::Pt => {
            folded = fold(text);
            folded.as_str()
        }
        Language::En => text,
    };
    let (negations, boosters, buts) = match language {
        Language::Pt => (NEGATIONS_PT, BOOSTERS_PT, BUT_PT),
        Language::En => (NEGATIONS_EN, BOOSTERS_EN, BUT_EN),
    };
    let mut tokens = tokens(text);
    // Phrases of the commerce table (up to four words) become one token.
    let mut i = 0;
    while i < tokens.len() {
        for n in (2..=4).rev() {
            if i + n > tokens.len() {
                continue;
            }
            let phrase: Vec<&str> = tokens[i..i + n].iter().map(|t| t.lower.as_str()).collect();
            let phrase = phrase.join(" ");
            if table(commerce, &phrase).is_some() || table(boosters, &phrase).is_some() {
                let raw = tokens[i..i + n]
                    .iter()
                    .map(|t| t.raw.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                tokens.splice(i..i + n, [Token { raw, lower: phrase }]);
                break;
            }
        }
        i += 1;
    }
    let neutral = match language {
        Language::Pt => NEUTRAL_PT,
        Language::En => NEUTRAL_EN,
    };
    let valence_of = |t: &Token| {
        table(commerce, &t.lower)
            .or_else(|| table(emoji, &t.lower))
            .or_else(|| {
                if tables && neutral.contains(&t.lower.as_str()) {
                    return None;
                }
                lexicon.get(&t.lower)
            })
    };
    let is_negation = |t: &Token| {
        negations.contains(&t.lower.as_str())
            || (language == Language::En && t.lower.ends_with("n't"))
    };
    let caps = tokens.iter().filter(|t| is_shouting(&t.raw)).count();
    let cap_diff = caps > 0 && caps < tokens.len();
    let mut sentiments: Vec<f64> = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        // A booster boosts the word after it; at the end, or before a word with no
        // sentiment, it is a word of its own ("funciona bem").
        let boosts_next = tokens
            .get(i + 1)
            .is_some_and(|next| valence_of(next).is_some());
        if table(boosters, &token.lower).is_some() && (boosts_next || !tables) {
            sentiments.push(0.0);
            continue;
        }
        let Some(mut valence) = valence_of(token) else {
            sentiments.push(0.0);
            continue;
        };
        // A negation that is itself the phrase ("nunca mais", "never arrived") is scored as written.
        let phrase = token.lower.contains(' ');
        if cap_diff && is_shouting(&token.raw) {
            valence += C_INCR * valence.signum();
        }
        let concord = tables && language == Language::Pt;
        let mut negated = false;
        for back in 1..=3 {
            let Some(j) = i.checked_sub(back) else { break };
            let before = &tokens[j];
            if valence_of(before).is_some() && !is_negation(before) {
                continue;
            }
            if let Some(mut s) = table(boosters, &before.lower) {
                s *= valence.signum();
                if cap_diff && is_shouting(&before.raw) {
                    s += C_INCR * valence.signum();
                }
                valence += s * [1.0, 0.95, 0.9][back - 1];
            }
            // Portuguese negation is concord: "não tive nenhuma dificuldade" negates once.
            if !phrase && is_negation(before) && !(concord && negated) {
                valence *= N_SCALAR;
                negated = true;
            }
        }
        sentiments.push(valence);
    }
    // "but": what comes after it weighs more than what came before.
    if let Some(at) = tokens.iter().position(|t| buts.contains(&t.lower.as_str())) {
        for (i, s) in sentiments.iter_mut().enumerate() {
            match i.cmp(&at) {
                Ordering::Less => *s *= 0.5,
                Ordering::Greater => *s *= 1.5,
                Ordering::Equal => {}
            }
        }
    }
    let mut sum: f64 = sentiments.iter().sum();
    let exclamations = text.matches('!').count().min(4) as f64 * 0.292;
    let questions = match text.matches('?').count() {
        0 | 1 => 0.0,
        n @ 2..=3 => n as f64 * 0.18,
        _ => 0.96,
    };
    if sum > 0.0 {
        sum += exclamations + questions;
    } else if sum < 0.0 {
        sum -= exclamations + questions;
    }
    let score = sum / (sum * sum + 15.0).sqrt();
    Sentiment {
        score,
        label: Label::of(score),
    }
}

/// A letter or digit of the scripts these languages are written in (ASCII and
/// Latin-1's letters), without the Unicode property tables `char::is_alphanumeric`
/// would put into the wasm.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (('\u{c0}'..='\u{24f}').contains(&c) && c != '×' && c != '÷')
}

/// Lower case for ASCII and Latin-1 letters (all these lexicons hold), with no
/// case tables in the wasm.
fn to_lower(c: char) -> char {
    match c {
        'A'..='Z' => c.to_ascii_lowercase(),
        '\u{c0}'..='\u{de}' if c != '×' => char::from_u32(u32::from(c) + 0x20).unwrap_or(c),
        _ => c,
    }
}

fn is_lower(c: char) -> bool {
    c.is_ascii_lowercase() || (('\u{df}'..='\u{ff}').contains(&c) && c != '÷')
}

/// A word written in capitals (two letters at least), for emphasis.
fn is_shouting(word: &str) -> bool {
    word.chars()
        .filter(|c| is_word_char(*c) && !c.is_ascii_digit())
        .count()
        >= 2
        && !word.chars().any(is_lower)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn pt() -> Lexicon {
        Lexicon::parse("feliz\t27\nbom\t19\nruim\t-25\n")
    }

    #[test]
    fn portuguese_negation_intensifiers_accents_and_shop_words() {
        let l = pt();
        let label = |text: &str| analyze(text, &l, Language::Pt).label;
        for (text, expected) in [
            // LeIA's own example scores this positive.
            ("Eu não estou feliz", Label::Negative),
            ("Eu nao estou feliz", Label::Negative),
            ("O pedido ainda não chegou", Label::Negative),
            ("Chegou antes do prazo", Label::Positive),
            ("Nunca mais compro aqui", Label::Negative),
            ("Qual o prazo de entrega para Recife?", Label::Neutral),
            // "but" weighs what follows.
            ("O produto é bom, mas a entrega atrasou", Label::Negative),
            ("Chegou 😡", Label::Negative),
            ("amei😍", Label::Positive),
            // Negative concord: one negation, not two.
            ("Não tive nenhum problema", Label::Positive),
        ] {
            assert_eq!(label(text), expected, "{text}");
        }
        let score = |text: &str| analyze(text, &l, Language::Pt).score;
        assert!(score("produto muito bom") > score("produto bom"));
        assert!(score("produto MUITO bom!!") > score("produto muito bom"));
    }

    #[test]
    fn scores_stay_in_range_on_hostile_input() {
        let l = pt();
        for text in [
            "",
            "!!!!!!!!",
            &"bom ".repeat(5000),
            "\u{0}\u{fe0f}🏽",
            "NÃO NÃO NÃO",
        ] {
            let s = analyze(text, &l, Language::Pt);
            assert!((-1.0..=1.0).contains(&s.score), "{text}: {}", s.score);
        }
        assert!(Lexicon::parse("# c\nbad line\nx\t999\n\t3\n").get("x") == Some(4.0));
    }
}
