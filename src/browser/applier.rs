//! Applies plan operations to the DOM and reverts them exactly.
//!
//! Each applied operation keeps what it replaced: the original child nodes
//! themselves (moved out, not copied, so listeners and identity survive), the
//! previous attribute value or its absence (the class attribute included), the
//! previous inline style. Operations form a stack; reverting one in the middle first
//! unwinds the ones above it and then re-applies them, so several rules touching one
//! element in turn still revert to the exact original. Dropping the applier reverts
//! everything (the page is left as it was found).

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, Node};

use crate::engine::config::{Action, ActionKind};
use crate::engine::plan::OpId;

use super::sanitize::sanitized_fragment;

struct Entry {
    op: OpId,
    action: Action,
    undo: Vec<Undo>,
}

enum Undo {
    Children {
        element: Element,
        original: Vec<Node>,
    },
    Attr {
        element: Element,
        name: String,
        previous: Option<String>,
    },
    Style {
        element: Element,
        previous: Option<String>,
    },
}

pub struct Applier {
    document: Document,
    entries: Vec<Entry>,
}

impl Applier {
    pub fn new(document: Document) -> Applier {
        Applier {
            document,
            entries: Vec::new(),
        }
    }

    /// Applies an operation to every element its selector matches now.
    pub fn apply(&mut self, op: OpId, action: &Action) -> Result<usize, String> {
        let undo = apply_action(&self.document, action)?;
        let count = undo.len();
        self.entries.push(Entry {
            op,
            action: action.clone(),
            undo,
        });
        Ok(count)
    }

    /// Reverts one operation, leaving the ones applied after it in place.
    pub fn revert(&mut self, op: OpId) {
        let Some(index) = self.entries.iter().position(|e| e.op == op) else {
            return;
        };
        let above: Vec<Entry> = self.entries.drain(index + 1..).collect();
        for entry in above.iter().rev() {
            undo_all(&entry.undo);
        }
        if let Some(entry) = self.entries.pop() {
            undo_all(&entry.undo);
        }
        for entry in above {
            // Re-applying cannot fail differently than the first time did.
            let undo = apply_action(&self.document, &entry.action).unwrap_or_default();
            self.entries.push(Entry { undo, ..entry });
        }
    }

    /// Reverts everything and applies it again, reaching elements parsed since.
    pub fn refresh(&mut self) {
        for entry in self.entries.iter().rev() {
            undo_all(&entry.undo);
        }
        for entry in &mut self.entries {
            entry.undo = apply_action(&self.document, &entry.action).unwrap_or_default();
        }
    }

    pub fn revert_all(&mut self) {
        while let Some(entry) = self.entries.pop() {
            undo_all(&entry.undo);
        }
    }
}

impl Drop for Applier {
    fn drop(&mut self) {
        self.revert_all();
    }
}

fn undo_all(undo: &[Undo]) {
    for u in undo.iter().rev() {
        match u {
            Undo::Children { element, original } => {
                element.set_text_content(None);
                for node in original {
                    let _ = element.append_child(node);
                }
            }
            Undo::Attr {
                element,
                name,
                previous,
            } => {
                let _ = match previous {
                    Some(v) => element.set_attribute(name, v),
                    None => element.remove_attribute(name),
                };
            }
            Undo::Style { element, previous } => match previous {
                Some(css) => {
                    // The attribute text comes back exactly. Under a CSP that forbids
                    // inline style attributes the browser does not apply it; the
                    // CSSOM is allowed, so fall back to it when nothing took effect.
                    let _ = element.set_attribute("style", css);
                    if let Some(html) = element.dyn_ref::<HtmlElement>() {
                        if html.style().css_text().is_empty() && !css.trim().is_empty() {
                            html.style().set_css_text(css);
                        }
                    }
                }
                None => {
                    let _ = element.remove_attribute("style");
                }
            },
        }
    }
}

fn take_children(element: &Element) -> Vec<Node> {
    let mut original = Vec::new();
    while let Some(child) = element.first_child() {
        let _ = element.remove_child(&child);
        original.push(child);
    }
    original
}

fn apply_action(document: &Document, action: &Action) -> Result<Vec<Undo>, String> {
    let matches = document
        .query_selector_all(&action.selector)
        .map_err(|_| format!("invalid CSS selector \"{}\"", action.selector))?;
    let mut undo = Vec::new();
    for i in 0..matches.length() {
        let Some(element) = matches.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        match &action.kind {
            ActionKind::SetText(text) => {
                let original = take_children(&element);
                element.set_text_content(Some(text));
                undo.push(Undo::Children { element, original });
            }
            ActionKind::SetHtml(html) => {
                let fragment = sanitized_fragment(document, html)?;
                let original = take_children(&element);
                let _ = element.append_child(&fragment);
                undo.push(Undo::Children { element, original });
            }
            ActionKind::SetAttr { name, value } => {
                let previous = element.get_attribute(name);
                let _ = element.set_attribute(name, value);
                undo.push(Undo::Attr {
                    element,
                    name: name.clone(),
                    previous,
                });
            }
            ActionKind::AddClass(class) => {
                if !element.class_list().contains(class) {
                    // DOMTokenList re-serializes the attribute (white space collapsed),
                    // so the undo keeps the attribute text, not just the token.
                    let previous = element.get_attribute("class");
                    let _ = element.class_list().add_1(class);
                    undo.push(Undo::Attr {
                        element,
                        name: "class".into(),
                        previous,
                    });
                }
            }
            ActionKind::Hide => {
                let Some(html) = element.dyn_ref::<HtmlElement>() else {
                    continue;
                };
                let previous = element.get_attribute("style");
                let _ = html
                    .style()
                    .set_property_with_priority("display", "none", "important");
                undo.push(Undo::Style { element, previous });
            }
        }
    }
    Ok(undo)
}
