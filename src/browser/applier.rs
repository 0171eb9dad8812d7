//! Hands plan operations to the page's applier (`js/applier.js`) and tracks what
//! their dynamic parts rendered.
//!
//! The DOM work — each operation's exact undo per target, reverting one in the
//! middle of a stack, healing re-rendered and late targets, the loop guard — is
//! JavaScript: the loader's first swap already carries that applier, and the
//! runtime is handed the same one (`start({ applier })`), so a page holds one copy
//! instead of a second one compiled into the wasm with a glue function per DOM
//! call (the move took ≈ 5.8 KB gzip off the runtime's wasm). This side decides what each
//! operation is once per update, as data: templates filled, markup sanitized into
//! a `DocumentFragment` (`sanitize`, which the JS side clones per target),
//! recommendations rendered into their cards, a reorder's scores, an unsafe URL
//! refused; and it keeps a fingerprint of what dynamic operations rendered, so the
//! shell re-applies those whose output changed with the attributes.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use web_sys::{Document, DocumentFragment};

use crate::engine::action::{Action, ActionKind, POSITIONS};
use crate::engine::html_policy::{is_safe_url, is_url_attribute};
use crate::engine::plan::OpId;
use crate::engine::value::object;
use crate::engine::Value;

use super::json::to_js;
use super::render::Render;
use super::sanitize::sanitized_fragment;

#[wasm_bindgen]
extern "C" {
    /// What `createApplier()` of js/applier.js returns; its methods never throw.
    pub type JsApplier;
    #[wasm_bindgen(method, js_name = applyOp)]
    fn apply_op(
        this: &JsApplier,
        replace: bool,
        id: u32,
        kind: u8,
        selector: &str,
        first: bool,
        x: &JsValue,
        y: &JsValue,
    ) -> i32;
    #[wasm_bindgen(method)]
    fn revert(this: &JsApplier, id: u32);
    #[wasm_bindgen(method)]
    fn refresh(this: &JsApplier);
    #[wasm_bindgen(method)]
    fn heal(this: &JsApplier, new_targets: bool) -> Option<String>;
    #[wasm_bindgen(method, js_name = revertAll)]
    fn revert_all(this: &JsApplier);
    #[wasm_bindgen(method)]
    fn changed(this: &JsApplier) -> js_sys::Array;
}

pub struct Applier {
    document: Document,
    dom: JsApplier,
    /// Dynamic operations applied (templates, reorder, recommendations) with what
    /// they rendered, to notice when that changes.
    dynamic: Vec<(OpId, Action, String)>,
}

impl Applier {
    pub fn new(document: Document, dom: JsApplier) -> Applier {
        Applier {
            document,
            dom,
            dynamic: Vec::new(),
        }
    }

    /// Applies an operation to the elements its selector matches now.
    pub fn apply(&mut self, op: OpId, action: &Action, render: &Render) -> Result<usize, String> {
        let payload = payload(&self.document, action, render)?;
        let count = self.send(false, op, action, &payload);
        self.applied(op, action, render, count)
    }

    /// A dynamic operation whose content changed, written again in its place in
    /// the stack (what others applied after it stays above it); when its new
    /// content is refused, it is reverted.
    pub fn replace(&mut self, op: OpId, action: &Action, render: &Render) -> Result<usize, String> {
        let payload = match payload(&self.document, action, render) {
            Ok(payload) => payload,
            Err(why) => {
                self.revert(op);
                return Err(why);
            }
        };
        let count = self.send(true, op, action, &payload);
        self.applied(op, action, render, count)
    }

    fn send(&self, replace: bool, op: OpId, action: &Action, p: &Payload) -> i32 {
        self.dom.apply_op(
            replace,
            op.key(),
            p.kind,
            &action.selector,
            action.first,
            &p.x,
            &p.y,
        )
    }

    fn applied(
        &mut self,
        op: OpId,
        action: &Action,
        render: &Render,
        count: i32,
    ) -> Result<usize, String> {
        self.dynamic.retain(|(o, ..)| *o != op);
        if count < 0 {
            return Err(["invalid CSS selector \"", &action.selector, "\""].concat());
        }
        if action.kind.is_dynamic() {
            self.dynamic
                .push((op, action.clone(), fingerprint(action, render)));
        }
        Ok(count as usize)
    }

    /// Reverts one operation, leaving the ones applied after it in place.
    pub fn revert(&mut self, op: OpId) {
        self.dynamic.retain(|(o, ..)| *o != op);
        self.dom.revert(op.key());
    }

    /// Reverts everything and applies it again, reaching elements parsed since.
    pub fn refresh(&mut self) {
        self.dom.refresh();
    }

    pub fn has_dynamic(&self) -> bool {
        !self.dynamic.is_empty()
    }

    /// Ops whose rendered content (templates, reorder) changed with the attributes.
    pub fn stale_dynamic(&self, render: &Render) -> Vec<OpId> {
        self.dynamic
            .iter()
            .filter(|(_, action, rendered)| *rendered != fingerprint(action, render))
            .map(|(op, ..)| *op)
            .collect()
    }

    /// Brings applied operations back after the page changed (see js/applier.js);
    /// a warning when the page keeps undoing us.
    pub fn heal(&mut self, new_targets: bool) -> Option<String> {
        self.dom.heal(new_targets)
    }

    pub fn revert_all(&mut self) {
        self.dynamic.clear();
        self.dom.revert_all();
    }

    /// The elements applied operations changed (for the debug overlay).
    pub fn changed_elements(&self) -> Vec<(OpId, JsValue)> {
        let flat = self.dom.changed();
        (0..flat.length() / 2)
            .map(|i| {
                let key = flat.get(2 * i).as_f64().unwrap_or_default() as u32;
                (OpId::from_key(key), flat.get(2 * i + 1))
            })
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
        // The items whole: a price or a name that changed re-renders the cards.
        ActionKind::Recommend { slot, .. } => render
            .items(slot)
            .iter()
            .map(Value::to_json)
            .collect::<Vec<_>>()
            .join(","),
        ActionKind::Reorder { by, .. } => {
            scores(render, by).map(Value::to_json).unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// The attribute object a reorder ranks children by (`by.<child's key>`).
fn scores<'a>(render: &Render<'a>, by: &str) -> Option<&'a Value> {
    by.split('.').try_fold(render.attributes, |v, k| v.get(k))
}

/// An operation as js/applier.js's `applyOp` takes it: its kind (an index into
/// the JS side's `KINDS`) and at most two values, whose names the kind gives
/// there. Positional, so one call carries it without an object built field by
/// field across the boundary.
struct Payload {
    kind: u8,
    x: JsValue,
    y: JsValue,
}

fn payload(document: &Document, action: &Action, render: &Render) -> Result<Payload, String> {
    let text = |t: &str| JsValue::from(render.text(t));
    let none = JsValue::UNDEFINED;
    // The order of js/applier.js's KINDS.
    let (kind, x, y) = match &action.kind {
        ActionKind::SetText(t) => (0, text(t), none),
        ActionKind::SetHtml(html) => (1, sanitized_fragment(document, html, render)?.into(), none),
        ActionKind::SetAttr { name, value } => {
            let value = render.text(value);
            if is_url_attribute(name) && !is_safe_url(&value) {
                return Err([
                    "\"",
                    name,
                    "\" would be set to an unsafe URL; left unchanged",
                ]
                .concat());
            }
            (2, name.into(), value.into())
        }
        ActionKind::RemoveAttr(name) => (3, name.into(), none),
        ActionKind::AddClass(class) => (4, class.into(), none),
        ActionKind::RemoveClass(class) => (5, class.into(), none),
        ActionKind::SetStyle(properties) => {
            let pairs = js_sys::Array::new();
            for (p, v) in properties {
                pairs.push(&js_sys::Array::of2(&p.into(), &v.into()));
            }
            (6, pairs.into(), none)
        }
        ActionKind::Hide => (7, none.clone(), none),
        ActionKind::Show(display) => (8, display.into(), none),
        ActionKind::Insert { position: p, html } => (
            9,
            POSITIONS[*p as usize].into(),
            sanitized_fragment(document, html, render)?.into(),
        ),
        ActionKind::Move { position: p, to } => (10, POSITIONS[*p as usize].into(), to.into()),
        ActionKind::Reorder { key, by } => (
            11,
            key.into(),
            scores(render, by).map_or(JsValue::NULL, to_js),
        ),
        ActionKind::Recommend {
            slot,
            name,
            template,
        } => (
            12,
            cards(document, &render.items(slot), name, template)?,
            none,
        ),
        ActionKind::Remove => (13, none.clone(), none),
        // Shown by the UI part or done by `redirect`, never by the applier.
        ActionKind::Redirect { .. } | ActionKind::Popup(_) => (14, none.clone(), none),
    };
    Ok(Payload { kind, x, y })
}

/// The recommended items rendered into their cards, each marked for click tracking
/// (`recommendation_click`) and as a product card; `null` when there is nothing to
/// recommend yet (the page keeps its own content).
fn cards(
    document: &Document,
    items: &[Value],
    name: &str,
    template: &str,
) -> Result<JsValue, String> {
    if items.is_empty() {
        return Ok(JsValue::NULL);
    }
    let fragment: DocumentFragment = document.create_document_fragment();
    for (rank, item) in items.iter().enumerate() {
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        // The template sees the item and its rank only: values as text.
        let scope = object(vec![
            ("item", item.clone()),
            ("rank", Value::Number((rank + 1) as f64)),
        ]);
        let rendered = sanitized_fragment(document, template, &Render::of(&scope))?;
        let card = match rendered.first_element_child() {
            Some(card) if rendered.child_element_count() == 1 => card,
            _ => {
                let wrapper = document
                    .create_element("div")
                    .map_err(|e| super::error::describe(&e))?;
                let _ = wrapper.append_child(&rendered);
                wrapper
            }
        };
        let _ = card.set_attribute("data-vitrine-rec", name);
        let _ = card.set_attribute("data-vitrine-rank", &(rank + 1).to_string());
        let _ = card.set_attribute("data-product-id", &id);
        let _ = fragment.append_child(&card);
        let _ = fragment.append_child(&rendered);
    }
    Ok(fragment.into())
}
