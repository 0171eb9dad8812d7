//! Turns untrusted markup into safe DOM nodes.
//!
//! The markup is parsed by the browser's inert parser (`DOMParser`: no scripts run,
//! nothing loads) and then rebuilt node by node in the page's document, copying only
//! what `engine::html_policy` allows. Because the result is built from fresh nodes
//! and never serialized and parsed again, mutation-XSS tricks that rely on a second
//! parse have nothing to work with.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, DocumentFragment, DomParser, Element, Node};

use super::render::Render;
use crate::engine::template::has_expressions;

use crate::engine::html_policy::{
    is_allowed_attribute, is_allowed_element, is_dropped_with_content,
};

/// Deeper markup is cut off: nobody needs it and it costs stack.
const MAX_DEPTH: usize = 32;

std::thread_local! {
    /// The Trusted Types policy vitrine parses markup through, made once.
    static POLICY: Option<JsValue> = trusted_types_policy();
}

/// Under `require-trusted-types-for 'script'`, `DOMParser.parseFromString` only
/// takes TrustedHTML. The policy passes the string through unchanged: the parse is
/// inert (no script runs, nothing loads) and its result is only read, node by node,
/// by this module; nothing from it reaches the page unless the allowlist copies it.
fn trusted_types_policy() -> Option<JsValue> {
    let window = super::page::window()?;
    let factory = js_sys::Reflect::get(&window, &"trustedTypes".into()).ok()?;
    if factory.is_undefined() || factory.is_null() {
        return None;
    }
    let create: js_sys::Function = js_sys::Reflect::get(&factory, &"createPolicy".into())
        .ok()?
        .dyn_into()
        .ok()?;
    // A Rust closure, not `new Function` (which a strict CSP forbids); it lives as
    // long as the page, like the policy.
    let identity =
        wasm_bindgen::closure::Closure::<dyn Fn(JsValue) -> JsValue>::new(|s| s).into_js_value();
    let rules = js_sys::Object::new();
    js_sys::Reflect::set(&rules, &"createHTML".into(), &identity).ok()?;
    create.call2(&factory, &"vitrine".into(), &rules).ok()
}

fn parse_inert(html: &str) -> Result<Document, String> {
    let parser = DomParser::new().map_err(|e| super::error::describe(&e))?;
    let markup = POLICY.with(|policy| match policy {
        Some(policy) => js_sys::Reflect::get(policy, &"createHTML".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|f| f.call1(policy, &html.into()).ok())
            .unwrap_or_else(|| html.into()),
        None => html.into(),
    });
    let parse: js_sys::Function = js_sys::Reflect::get(&parser, &"parseFromString".into())
        .and_then(|f| f.dyn_into())
        .map_err(|e| super::error::describe(&e))?;
    parse
        .call2(&parser, &markup, &"text/html".into())
        .and_then(|d| d.dyn_into::<Document>())
        .map_err(|e| super::error::describe(&e))
}

std::thread_local! {
    /// Sanitized fragments of markup without templates, by markup: the same
    /// rule's markup is parsed once, then cloned (a deep clone of nodes we built
    /// ourselves is as safe as the original).
    static CLEAN: std::cell::RefCell<Vec<(String, DocumentFragment)>> = const { std::cell::RefCell::new(Vec::new()) };
}
const MAX_CACHED: usize = 64;

/// Parses `html` and returns a fragment holding only allowed elements, attributes
/// and text; templates in text and attribute values are filled afterwards, as text.
pub fn sanitized_fragment(
    document: &Document,
    html: &str,
    render: &Render,
) -> Result<DocumentFragment, String> {
    let clone = |f: &DocumentFragment| {
        f.clone_node_with_deep(true)
            .ok()
            .and_then(|n| n.dyn_into::<DocumentFragment>().ok())
    };
    let cacheable = !has_expressions(html);
    if cacheable {
        let hit = CLEAN.with(|c| {
            c.borrow()
                .iter()
                .find(|(h, _)| h == html)
                .and_then(|(_, f)| clone(f))
        });
        if let Some(fragment) = hit {
            return Ok(fragment);
        }
    }
    let parsed = parse_inert(html)?;
    let fragment = document.create_document_fragment();
    if let Some(body) = parsed.body() {
        copy_children(document, &body, &fragment, 0, render);
    }
    if cacheable {
        if let Some(kept) = clone(&fragment) {
            CLEAN.with(|c| {
                let mut c = c.borrow_mut();
                if c.len() >= MAX_CACHED {
                    c.remove(0);
                }
                c.push((html.to_owned(), kept));
            });
        }
    }
    Ok(fragment)
}

fn copy_children(document: &Document, from: &Node, to: &Node, depth: usize, render: &Render) {
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
                let data = render.text(&child.text_content().unwrap_or_default());
                let text = document.create_text_node(&data);
                let _ = to.append_child(&text);
            }
            Node::ELEMENT_NODE => {
                let Some(element) = child.dyn_ref::<Element>() else {
                    continue;
                };
                copy_element(document, element, to, depth, render);
            }
            // Comments, processing instructions, CDATA: dropped.
            _ => {}
        }
    }
}

fn copy_element(document: &Document, element: &Element, to: &Node, depth: usize, render: &Render) {
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
        copy_children(document, element, to, depth + 1, render);
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
        // Filled first, checked after: a value from outside is judged like any other.
        let value = render.text(&attr.value());
        if is_allowed_attribute(&tag, &name, &value) {
            let _ = copy.set_attribute(&name, &value);
        }
    }
    if tag == "button" {
        // Never a submit button, whatever form it may end up in.
        let _ = copy.set_attribute("type", "button");
    }
    if tag == "a" && copy.get_attribute("target").as_deref() == Some("_blank") {
        // A page opened from a link we wrote must not get a handle on this one.
        let _ = copy.set_attribute("rel", "noopener noreferrer");
    }
    copy_children(document, element, &copy, depth + 1, render);
    let _ = to.append_child(&copy);
}
