//! Applies plan operations to the DOM and reverts them exactly.
//!
//! Each applied operation keeps, per target element, what it replaced: the original
//! child nodes themselves (moved out, not copied, so listeners and identity
//! survive), the previous attribute value or its absence, the previous inline style,
//! the place a moved or removed node came from, the nodes it inserted. Operations
//! form a stack; reverting one in the middle first unwinds the ones above it and
//! then re-applies them, so several rules touching one element in turn still revert
//! to the exact original. Dropping the applier reverts everything.
//!
//! Pages change under us: `heal` (run by the shell's MutationObserver, once per
//! animation frame) applies operations to targets that appeared since, and when a
//! framework re-rendered a target (our text gone, our attribute overwritten) takes
//! the page's new content as the original and applies again.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, Node};

use crate::engine::action::{reorder, reorder_scores};
use crate::engine::action::{Action, ActionKind, Position};
use crate::engine::html_policy::{is_safe_url, is_url_attribute};
use crate::engine::plan::OpId;
use crate::engine::value::object;
use crate::engine::Value;

use super::render::Render;
use super::sanitize::sanitized_fragment;

// `Undo::apply_to`, one operation on one element.
mod ops;

struct Entry {
    op: OpId,
    action: Action,
    /// One per target element.
    targets: Vec<Target>,
    /// What the dynamic parts rendered to, to notice when they change.
    fingerprint: String,
}

struct Target {
    element: Element,
    undo: Undo,
}

enum Undo {
    /// The original children, and the ones we put in their place with the text
    /// they held: a framework may write into our own text node (React sets
    /// `firstChild.nodeValue`), which keeps the nodes but changes the text.
    Children {
        original: Vec<Node>,
        ours: Vec<Node>,
        text: String,
    },
    Attr {
        name: String,
        previous: Option<String>,
        ours: Option<String>,
        /// The attributes after it, when it was removed: putting it back appends
        /// it, so these are moved after it again and the order is the original.
        following: Vec<String>,
    },
    Style {
        previous: Option<String>,
        ours: Option<String>,
    },
    /// Several attributes at once (`show`: `hidden` and `style`).
    Both(Box<Undo>, Box<Undo>),
    Inserted(Vec<Node>),
    /// Where a moved or removed node was: its parent and the node after it.
    Place {
        parent: Node,
        next: Option<Node>,
    },
    /// The children of a reordered list in their original order, and in ours.
    Order {
        original: Vec<Node>,
        ours: Vec<Node>,
    },
    Nothing,
}

pub struct Applier {
    document: Document,
    entries: Vec<Entry>,
    /// Heals in the current second, to stop fighting a page that undoes us forever.
    heals: (f64, u32),
}

/// A page that re-renders a target more often than this per second is left alone
/// (with a warning): fighting it would be a loop.
const MAX_HEALS_PER_SECOND: u32 = 200;

impl Applier {
    pub fn new(document: Document) -> Applier {
        Applier {
            document,
            entries: Vec::new(),
            heals: (0.0, 0),
        }
    }

    /// Applies an operation to the elements its selector matches now.
    pub fn apply(&mut self, op: OpId, action: &Action, render: &Render) -> Result<usize, String> {
        let elements = matches(&self.document, action)?;
        let mut targets = Vec::new();
        for element in elements {
            if let Some(undo) = Undo::apply_to(&self.document, &element, action, render)? {
                targets.push(Target { element, undo });
            }
        }
        let count = targets.len();
        self.entries.push(Entry {
            op,
            action: action.clone(),
            targets,
            fingerprint: fingerprint(action, render),
        });
        Ok(count)
    }

    /// Reverts one operation, leaving the ones applied after it in place.
    pub fn revert(&mut self, op: OpId, render: &Render) {
        let Some(index) = self.entries.iter().position(|e| e.op == op) else {
            return;
        };
        let above: Vec<Entry> = self.entries.drain(index + 1..).collect();
        for entry in above.iter().rev() {
            undo_entry(entry);
        }
        if let Some(entry) = self.entries.pop() {
            undo_entry(&entry);
        }
        for entry in above {
            let _ = self.apply(entry.op, &entry.action, render);
        }
    }

    /// Reverts everything and applies it again, reaching elements parsed since.
    pub fn refresh(&mut self, render: &Render) {
        let entries = std::mem::take(&mut self.entries);
        for entry in entries.iter().rev() {
            undo_entry(entry);
        }
        for entry in entries {
            let _ = self.apply(entry.op, &entry.action, render);
        }
    }

    pub fn has_dynamic(&self) -> bool {
        self.entries.iter().any(|e| e.action.kind.is_dynamic())
    }

    /// Ops whose rendered content (templates, reorder) changed with the attributes.
    pub fn stale_dynamic(&self, render: &Render) -> Vec<OpId> {
        self.entries
            .iter()
            .filter(|e| {
                e.action.kind.is_dynamic() && e.fingerprint != fingerprint(&e.action, render)
            })
            .map(|e| e.op)
            .collect()
    }

    /// Brings applied operations back after the page changed: new targets get
    /// them, re-rendered targets get them again (their new content becomes the
    /// original), removed targets are forgotten. Returns a warning when the page
    /// keeps undoing us.
    /// `new_targets`: also look for elements the selectors match now (a query per
    /// operation, so it runs once per animation frame, not on every mutation).
    pub fn heal(&mut self, render: &Render, now_ms: f64, new_targets: bool) -> Option<String> {
        if now_ms - self.heals.0 > 1000.0 {
            self.heals = (now_ms, 0);
        }
        // Re-applying to re-rendered targets is what could loop; new targets are
        // always served.
        let fighting = self.heals.1 >= MAX_HEALS_PER_SECOND;
        let Applier {
            document,
            entries,
            heals,
        } = self;
        for entry in entries.iter_mut() {
            let action = &entry.action;
            if matches!(action.kind, ActionKind::Redirect { .. }) {
                continue;
            }
            let targets = &mut entry.targets;
            targets.retain(|t| t.element.is_connected() || matches!(t.undo, Undo::Place { .. }));
            for t in targets.iter_mut() {
                if fighting || !t.element.is_connected() || intact(&t.element, &t.undo) {
                    continue;
                }
                // The page rewrote it: its content now is the original (for a
                // reordered list, the page's order, see `page_order`).
                let page_order = match &t.undo {
                    Undo::Order { original, .. } => Some(page_order(original, &t.element)),
                    _ => None,
                };
                forget(&t.undo);
                if let Ok(Some(mut undo)) = Undo::apply_to(document, &t.element, action, render) {
                    if let (Undo::Order { original, .. }, Some(order)) = (&mut undo, page_order) {
                        *original = order;
                    }
                    t.undo = undo;
                    heals.1 += 1;
                }
            }
            if !new_targets || action.first && !targets.is_empty() {
                continue;
            }
            for element in matches(document, action).unwrap_or_default() {
                if targets.iter().any(|t| t.element == element) {
                    continue;
                }
                if let Ok(Some(undo)) = Undo::apply_to(document, &element, action, render) {
                    targets.push(Target { element, undo });
                }
                if action.first {
                    break;
                }
            }
        }
        (!fighting && self.heals.1 >= MAX_HEALS_PER_SECOND).then(|| {
            "the page keeps re-rendering vitrine's targets; re-applying paused for a second".into()
        })
    }

    pub fn revert_all(&mut self) {
        while let Some(entry) = self.entries.pop() {
            undo_entry(&entry);
        }
    }

    /// The elements applied operations changed (for the debug overlay).
    pub fn changed_elements(&self) -> Vec<(OpId, Element)> {
        self.entries
            .iter()
            .flat_map(|e| e.targets.iter().map(|t| (e.op, t.element.clone())))
            .collect()
    }
}

impl Drop for Applier {
    fn drop(&mut self) {
        self.revert_all();
    }
}

fn fingerprint(action: &Action, render: &Render) -> String {
    match &action.kind {
        ActionKind::SetText(t) | ActionKind::SetHtml(t) => render.text(t),
        ActionKind::SetAttr { value, .. } => render.text(value),
        ActionKind::Insert { html, .. } => render.text(html),
        ActionKind::Recommend { slot, .. } => render
            .items(slot)
            .iter()
            .filter_map(|i| i.get("id").and_then(Value::as_str).map(str::to_owned))
            .collect::<Vec<_>>()
            .join(","),
        ActionKind::Reorder { by, .. } => by
            .split('.')
            .try_fold(render.attributes, |v, k| v.get(k))
            .map(Value::to_json)
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn matches(document: &Document, action: &Action) -> Result<Vec<Element>, String> {
    if action.selector.is_empty() {
        return Ok(Vec::new());
    }
    let invalid = || ["invalid CSS selector \"", &action.selector, "\""].concat();
    if action.first {
        return Ok(document
            .query_selector(&action.selector)
            .map_err(|_| invalid())?
            .into_iter()
            .collect());
    }
    let list = document
        .query_selector_all(&action.selector)
        .map_err(|_| invalid())?;
    Ok((0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
        .collect())
}

fn children(node: &Node) -> Vec<Node> {
    let list = node.child_nodes();
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// What a content operation leaves: the original children and ours now.
fn ours_children(element: &Element, original: Vec<Node>) -> Undo {
    Undo::Children {
        original,
        ours: children(element),
        text: element.text_content().unwrap_or_default(),
    }
}

fn take_children(element: &Element) -> Vec<Node> {
    let original = children(element);
    for child in &original {
        let _ = element.remove_child(child);
    }
    original
}

/// Whether what we applied to `element` is still there.
fn intact(element: &Element, undo: &Undo) -> bool {
    match undo {
        Undo::Children { ours, text, .. } => {
            children(element) == *ours && element.text_content().unwrap_or_default() == *text
        }
        Undo::Attr { name, ours, .. } => element.get_attribute(name) == *ours,
        Undo::Style { ours, .. } => element.get_attribute("style") == *ours,
        Undo::Both(a, b) => intact(element, a) && intact(element, b),
        Undo::Inserted(nodes) => nodes.iter().all(Node::is_connected),
        Undo::Order { ours, .. } => children(element) == *ours,
        Undo::Place { .. } | Undo::Nothing => true,
    }
}

/// Drops what an undo would restore (the page replaced it with its own content).
fn forget(undo: &Undo) {
    if let Undo::Inserted(nodes) = undo {
        for n in nodes {
            if let Some(parent) = n.parent_node() {
                let _ = parent.remove_child(n);
            }
        }
    }
}

/// Reverts an entry. A target the page changed since (not healed yet) keeps the
/// page's latest content: putting back what it replaced would show stale content.
fn undo_entry(entry: &Entry) {
    for t in entry.targets.iter().rev() {
        match &t.undo {
            _ if intact(&t.element, &t.undo) => undo_one(&t.element, &t.undo),
            Undo::Order { original, .. } => {
                let order = page_order(original, &t.element);
                undo_one(
                    &t.element,
                    &Undo::Order {
                        ours: Vec::new(),
                        original: order,
                    },
                );
            }
            undo => forget(undo),
        }
    }
}

/// The order the page means for a list it changed under a reorder: its original
/// children still there, in their original order, with the children it added
/// since at the places they have now.
fn page_order(original: &[Node], element: &Element) -> Vec<Node> {
    let now = children(element);
    let mut kept = original.iter().filter(|n| now.contains(n));
    now.iter()
        .map(|n| {
            if original.contains(n) {
                kept.next().cloned().unwrap_or_else(|| n.clone())
            } else {
                n.clone()
            }
        })
        .collect()
}

fn undo_one(element: &Element, undo: &Undo) {
    match undo {
        Undo::Children { original, .. } => {
            element.set_text_content(None);
            for node in original {
                let _ = element.append_child(node);
            }
        }
        Undo::Attr {
            name,
            previous,
            following,
            ..
        } => {
            let _ = match previous {
                Some(v) => element.set_attribute(name, v),
                None => element.remove_attribute(name),
            };
            for after in following {
                if let Some(value) = element.get_attribute(after) {
                    let _ = element.remove_attribute(after);
                    let _ = element.set_attribute(after, &value);
                }
            }
        }
        Undo::Style { previous, .. } => restore_style(element, previous.as_deref()),
        Undo::Both(a, b) => {
            undo_one(element, b);
            undo_one(element, a);
        }
        Undo::Inserted(nodes) => {
            for n in nodes {
                if let Some(parent) = n.parent_node() {
                    let _ = parent.remove_child(n);
                }
            }
        }
        Undo::Place { parent, next } => {
            let next = next
                .as_ref()
                .filter(|n| n.parent_node().as_ref() == Some(parent));
            let _ = parent.insert_before(element, next);
        }
        Undo::Order { original, .. } => {
            for child in original {
                if child.parent_node().as_deref() == Some(element.as_ref()) {
                    let _ = element.append_child(child);
                }
            }
        }
        Undo::Nothing => {}
    }
}

fn restore_style(element: &Element, previous: Option<&str>) {
    match previous {
        Some(css) => {
            // The attribute text comes back exactly. Under a CSP that forbids
            // inline style attributes the browser does not apply it; the CSSOM is
            // allowed, so fall back to it when nothing took effect.
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
    }
}
