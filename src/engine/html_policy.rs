//! What markup vitrine lets into the page: the sanitizer's allowlist.
//!
//! The browser shell parses untrusted markup with the browser's inert parser and
//! rebuilds it node by node, asking this policy which elements and attributes may be
//! copied. Building fresh nodes (instead of serializing a cleaned tree and parsing it
//! again) rules out mutation XSS; keeping the policy here, free of the DOM, lets it be
//! tested natively and shared by every place that writes markup.

/// Elements copied with their allowed attributes.
const ALLOWED_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    // Always copied as type="button" and never tied to a form (no `form`,
    // `formaction`…): it can only be clicked, for the page's own handlers.
    "button",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements dropped together with everything inside them; any other element that
/// is not allowed is unwrapped (its text kept, the tag dropped).
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "textarea",
    "title",
    "svg",
    "math",
    "select",
    "option",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "video",
    "audio",
    "source",
    "track",
    "canvas",
    "portal",
    "dialog",
];

const GLOBAL_ATTRIBUTES: &[&str] = &["class", "title", "lang", "dir", "role", "translate"];

/// Attributes whose value is a URL and must pass `is_safe_url`.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "cite",
    "background",
    "data",
    "xlink:href",
    "longdesc",
    "manifest",
    "ping",
    "srcset",
    "codebase",
    "usemap",
];

pub fn is_allowed_element(tag: &str) -> bool {
    ALLOWED_ELEMENTS.contains(&tag)
}

pub fn is_dropped_with_content(tag: &str) -> bool {
    DROPPED_WITH_CONTENT.contains(&tag)
}

pub fn is_url_attribute(name: &str) -> bool {
    URL_ATTRIBUTES.contains(&name)
}

/// Whether an attribute may be copied onto a sanitized element.
pub fn is_allowed_attribute(tag: &str, name: &str, value: &str) -> bool {
    if name.starts_with("aria-") || GLOBAL_ATTRIBUTES.contains(&name) {
        return true;
    }
    // data-* is inert, except vitrine's own markers, which would feed its trackers;
    // `data-vitrine-close` only closes the pop-up it is in.
    if name == "data-vitrine-close" {
        return true;
    }
    if let Some(rest) = name.strip_prefix("data-") {
        return !rest.is_empty()
            && !rest.starts_with("vitrine")
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    }
    let allowed = match tag {
        "a" => matches!(name, "href" | "hreflang" | "rel" | "target"),
        "img" => matches!(
            name,
            "src" | "alt" | "width" | "height" | "loading" | "decoding"
        ),
        "td" | "th" => matches!(name, "colspan" | "rowspan" | "scope" | "headers"),
        "col" | "colgroup" => name == "span",
        "ol" => matches!(name, "start" | "reversed" | "type"),
        "time" => name == "datetime",
        "button" => name == "type" && value == "button",
        "q" | "blockquote" | "del" | "ins" => name == "cite" || name == "datetime",
        _ => false,
    };
    if !allowed {
        return false;
    }
    if name == "target" {
        return matches!(value, "_blank" | "_self");
    }
    !is_url_attribute(name) || is_safe_url(value)
}

/// http(s), mailto:, tel: or a relative URL. The check applies the URL parser's own
/// clean-up first (surrounding control characters and spaces stripped, tabs and
/// newlines removed anywhere), so `java\tscript:` and ` javascript:` are caught.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if cleaned.get(i..).is_some_and(|rest| rest.starts_with(':')) => {
            let scheme = cleaned.get(..i).unwrap_or("").to_ascii_lowercase();
            let is_scheme = scheme
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
            // Not a scheme by the URL grammar means the browser reads it as a relative path.
            !is_scheme || matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "https://a.b/c",
            "/cart",
            "cart?x=1",
            "#top",
            "mailto:a@b.c",
            "tel:+55",
            "HTTP://X",
            "//cdn.x/y.png",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:x",
            "\u{1}javascript:x",
            "data:text/html,x",
            "vbscript:x",
            "blob:https://x/y",
        ] {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
    }

    #[test]
    fn attributes() {
        assert!(is_allowed_attribute("a", "href", "/p/1"));
        assert!(!is_allowed_attribute("a", "href", "javascript:x"));
        assert!(!is_allowed_attribute("div", "onclick", "x"));
        assert!(!is_allowed_attribute("div", "style", "x"));
        assert!(!is_allowed_attribute("div", "id", "x"));
        assert!(!is_allowed_attribute("div", "data-vitrine-track", "x"));
        assert!(is_allowed_attribute("button", "data-vitrine-close", ""));
        assert!(is_allowed_attribute("div", "data-sku", "x"));
        assert!(!is_allowed_attribute("a", "target", "_top"));
    }
}
