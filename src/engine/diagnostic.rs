//! Problems a site owner can fix, reported as data.
//!
//! Config validation never stops at the first problem: it collects every one as a
//! `{path, message}` pair (the way oxc reports diagnostics), so a site owner sees the
//! whole list at once and each entry points at the exact field, e.g.
//! `rules[3].when.cart.total: unknown operator "$gtt" (did you mean "$gt"?)`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the problem is: `rules[0].actions[1].selector`; empty for the root.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Collects diagnostics while validation walks the document.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, path: &Path, message: impl Into<String>) {
        self.items.push(Diagnostic {
            path: path.render(),
            message: message.into(),
        });
    }

    /// A problem put into words only where someone reads it: the parts a page
    /// loads (built without the `messages` feature) only need to know there is one
    /// (and, in the runtime, where), so their wasm carries none of these messages;
    /// the validator part (`validateConfig`, loaded on demand) says them.
    pub fn report<M: Into<String>>(&mut self, path: &Path, message: impl FnOnce() -> M) {
        #[cfg(feature = "messages")]
        self.error(path, message());
        #[cfg(all(feature = "runtime", not(feature = "messages")))]
        {
            // The runtime keeps the path: what it reports when the validator part
            // cannot be loaded.
            let _ = message;
            self.items.push(Diagnostic {
                path: path.render(),
                message: String::from("invalid"),
            });
        }
        #[cfg(not(any(feature = "runtime", feature = "messages")))]
        {
            let _ = (path, message);
            self.items.push(Diagnostic {
                path: String::new(),
                message: String::new(),
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Where a field is in the document, kept as the chain of steps the parsers took
/// and put into words only when a problem is reported there: a valid config (the
/// usual case) formats no path at all. Parsers build a step on their stack
/// (`field(path, "when")`) and lend it to the parser of the part below.
#[derive(Debug, Clone, Copy)]
pub enum Path<'a> {
    /// A path given as text: `""` for the document itself, or a section's root.
    Text(&'a str),
    Field(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The document itself.
    pub const ROOT: Path<'static> = Path::Text("");

    /// One step up: where a missing field is reported.
    pub fn parent(&self) -> Path<'a> {
        match *self {
            Path::Field(parent, _) | Path::Index(parent, _) => *parent,
            Path::Text(_) => Path::ROOT,
        }
    }

    /// `rules[3].when.cart.total`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match *self {
            Path::Text(text) => out.push_str(text),
            Path::Field(parent, key) => {
                parent.write(out);
                // Concatenation, not `format!`: the start part links no formatting.
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                super::value::push_decimal(out, i);
                out.push(']');
            }
        }
    }
}

/// `parent.key`, or `key` at the root.
pub fn field<'a>(parent: &'a Path<'a>, key: &'a str) -> Path<'a> {
    Path::Field(parent, key)
}

/// `parent[index]`.
pub fn index<'a>(parent: &'a Path<'a>, i: usize) -> Path<'a> {
    Path::Index(parent, i)
}

/// The closest candidate within two edits, for "did you mean" hints.
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The message for an unknown name, with a hint when one is close.
pub fn unknown(what: &str, word: &str, candidates: &[&str]) -> String {
    match suggest(word, candidates) {
        Some(s) => format!("unknown {what} \"{word}\" (did you mean \"{s}\"?)"),
        None => format!("unknown {what} \"{word}\""),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("$gtt", &["$gt", "$gte", "$lt"]), Some("$gt"));
        assert_eq!(suggest("$banana", &["$gt", "$in"]), None);
        assert_eq!(
            unknown("operator", "$gtt", &["$gt"]),
            "unknown operator \"$gtt\" (did you mean \"$gt\"?)"
        );
    }

    #[test]
    fn paths_compose() {
        let rules = Path::Text("rules");
        assert_eq!(field(&index(&rules, 3), "when").render(), "rules[3].when");
        assert_eq!(field(&Path::ROOT, "rules").render(), "rules");
        assert_eq!(index(&field(&Path::ROOT, "a"), 0).render(), "a[0]");
    }
}
