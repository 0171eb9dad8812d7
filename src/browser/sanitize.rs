//! Turns untrusted markup into safe DOM nodes.
//!
//! The markup is parsed by the browser's inert parser (`DOMParser`: no scripts run,
//! nothing loads) and then rebuilt node by node in the page's document, copying only
//! what `engine::html_policy` allows. Because the result is built from fresh nodes
//! and never serialized and parsed again, mutation-XSS tricks that rely on a second
//! parse have nothing to work with.

use wasm_bindgen::JsCast;
use web_sys::{Document, DocumentFragment, DomParser, Element, Node, SupportedType};

use crate::engine::html_policy::{
    is_allowed_attribute, is_allowed_element, is_dropped_with_content,
};

/// Deeper markup is cut off: nobody needs it and it costs stack.
const MAX_DEPTH: usize = 32;

/// Parses `html` and returns a fragment holding only allowed elements, attributes and text.
pub fn sanitized_fragment(document: &Document, html: &str) -> Result<DocumentFragment, String> {
    let parser = DomParser::new().map_err(|e| super::error::describe(&e))?;
    let parsed = parser
        .parse_from_string(html, SupportedType::TextHtml)
        .map_err(|e| super::error::describe(&e))?;
    let fragment = document.create_document_fragment();
    if let Some(body) = parsed.body() {
        copy_children(document, &body, &fragment, 0);
    }
    Ok(fragment)
}

fn copy_children(document: &Document, from: &Node, to: &Node, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let children = from.child_nodes();
    for i in 0..children.length() {
        let Some(child) = children.item(i) else {
            continue;
        };
        match child.node_type() {
            Node::TEXT_NODE => {
                let text = document.create_text_node(&child.text_content().unwrap_or_default());
                let _ = to.append_child(&text);
            }
            Node::ELEMENT_NODE => {
                let Some(element) = child.dyn_ref::<Element>() else {
                    continue;
                };
                copy_element(document, element, to, depth);
            }
            // Comments, processing instructions, CDATA: dropped.
            _ => {}
        }
    }
}

fn copy_element(document: &Document, element: &Element, to: &Node, depth: usize) {
    // Only HTML-namespace elements: SVG and MathML are where parser tricks live.
    if element.namespace_uri().as_deref() != Some("http://www.w3.org/1999/xhtml") {
        return;
    }
    let tag = element.local_name().to_ascii_lowercase();
    if is_dropped_with_content(&tag) {
        return;
    }
    if !is_allowed_element(&tag) {
        // Unknown or disallowed wrapper: keep what is inside, drop the tag.
        copy_children(document, element, to, depth + 1);
        return;
    }
    let Ok(copy) = document.create_element(&tag) else {
        return;
    };
    let attributes = element.attributes();
    for i in 0..attributes.length() {
        let Some(attr) = attributes.item(i) else {
            continue;
        };
        let name = attr.name().to_ascii_lowercase();
        let value = attr.value();
        if is_allowed_attribute(&tag, &name, &value) {
            let _ = copy.set_attribute(&name, &value);
        }
    }
    if tag == "a" && copy.get_attribute("target").as_deref() == Some("_blank") {
        // A page opened from a link we wrote must not get a handle on this one.
        let _ = copy.set_attribute("rel", "noopener noreferrer");
    }
    copy_children(document, element, &copy, depth + 1);
    let _ = to.append_child(&copy);
}
