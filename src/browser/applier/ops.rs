//! The operations themselves: each applies to one target element and returns
//! its own undo (what it replaced, exactly), as dom-mutator's mutations do.

use super::*;

fn set_attr(element: &Element, name: &str, value: Option<&str>) -> Undo {
    let previous = element.get_attribute(name);
    let following = if value.is_none() && previous.is_some() {
        let names = element.get_attribute_names();
        let names: Vec<String> = names.iter().filter_map(|n| n.as_string()).collect();
        let at = names
            .iter()
            .position(|n| n == name)
            .map_or(names.len(), |i| i + 1);
        names[at..].to_vec()
    } else {
        Vec::new()
    };
    let _ = match value {
        Some(v) => element.set_attribute(name, v),
        None => element.remove_attribute(name),
    };
    Undo::Attr {
        name: name.to_owned(),
        previous,
        ours: element.get_attribute(name),
        following,
    }
}

/// Sets inline style properties through the CSSOM (allowed under a strict CSP).
fn set_style(element: &Element, properties: &[(&str, &str)]) -> Option<Undo> {
    let html = element.dyn_ref::<HtmlElement>()?;
    let previous = element.get_attribute("style");
    for (property, value) in properties {
        let _ = html
            .style()
            .set_property_with_priority(property, value, "important");
    }
    Some(Undo::Style {
        previous,
        ours: element.get_attribute("style"),
    })
}

fn insert(target: &Element, position: Position, node: &Node) {
    let _ = match position {
        Position::Before => target
            .parent_node()
            .map(|p| p.insert_before(node, Some(target))),
        Position::After => target
            .parent_node()
            .map(|p| p.insert_before(node, target.next_sibling().as_ref())),
        Position::Prepend => Some(target.insert_before(node, target.first_child().as_ref())),
        Position::Append => Some(target.append_child(node)),
    };
}

impl Undo {
    pub(super) fn apply_to(
        document: &Document,
        element: &Element,
        action: &Action,
        render: &Render,
    ) -> Result<Option<Undo>, String> {
        let undo = match &action.kind {
            ActionKind::SetText(text) => {
                let original = take_children(element);
                element.set_text_content(Some(&render.text(text)));
                ours_children(element, original)
            }
            ActionKind::SetHtml(html) => {
                let fragment = sanitized_fragment(document, html, render)?;
                let original = take_children(element);
                let _ = element.append_child(&fragment);
                ours_children(element, original)
            }
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
                set_attr(element, name, Some(&value))
            }
            ActionKind::RemoveAttr(name) => {
                if !element.has_attribute(name) {
                    return Ok(None);
                }
                set_attr(element, name, None)
            }
            ActionKind::AddClass(class) | ActionKind::RemoveClass(class) => {
                let add = matches!(action.kind, ActionKind::AddClass(_));
                if element.class_list().contains(class) == add {
                    return Ok(None);
                }
                // DOMTokenList re-serializes the attribute (white space collapsed),
                // so the undo keeps the attribute text, not just the token.
                let previous = element.get_attribute("class");
                let _ = if add {
                    element.class_list().add_1(class)
                } else {
                    element.class_list().remove_1(class)
                };
                Undo::Attr {
                    name: "class".into(),
                    previous,
                    ours: element.get_attribute("class"),
                    following: Vec::new(),
                }
            }
            ActionKind::SetStyle(properties) => {
                let pairs: Vec<(&str, &str)> = properties
                    .iter()
                    .map(|(p, v)| (p.as_str(), v.as_str()))
                    .collect();
                match set_style(element, &pairs) {
                    Some(undo) => undo,
                    None => return Ok(None),
                }
            }
            ActionKind::Hide => match set_style(element, &[("display", "none")]) {
                Some(undo) => undo,
                None => return Ok(None),
            },
            ActionKind::Show(display) => {
                let hidden = set_attr(element, "hidden", None);
                match set_style(element, &[("display", display)]) {
                    Some(style) => Undo::Both(Box::new(hidden), Box::new(style)),
                    None => hidden,
                }
            }
            ActionKind::Insert { position, html } => {
                let fragment = sanitized_fragment(document, html, render)?;
                let nodes = children(&fragment);
                insert(element, *position, &fragment);
                Undo::Inserted(nodes)
            }
            ActionKind::Move { position, to } => {
                let Some(anchor) = document.query_selector(to).ok().flatten() else {
                    return Ok(None);
                };
                let Some(parent) = element.parent_node() else {
                    return Ok(None);
                };
                if anchor == *element || element.contains(Some(&anchor)) {
                    return Ok(None);
                }
                let next = element.next_sibling();
                insert(&anchor, *position, element);
                Undo::Place { parent, next }
            }
            ActionKind::Reorder { key, by } => {
                let original = children(element);
                let items: Vec<Element> = original
                    .iter()
                    .filter_map(|n| n.dyn_ref::<Element>().cloned())
                    .collect();
                let keys: Vec<String> = items
                    .iter()
                    .map(|e| e.get_attribute(key).unwrap_or_default())
                    .collect();
                let order = reorder(&reorder_scores(render.attributes, by, &keys));
                if order.iter().enumerate().all(|(i, &j)| i == j) {
                    let ours = original.clone();
                    return Ok(Some(Undo::Order { original, ours }));
                }
                // Elements move to the end in the new order; text between them stays.
                for &i in &order {
                    let _ = element.append_child(&items[i]);
                }
                Undo::Order {
                    original,
                    ours: children(element),
                }
            }
            ActionKind::Recommend {
                slot,
                name,
                template,
            } => {
                let items = render.items(slot);
                if items.is_empty() {
                    // Nothing to recommend yet: the page keeps its own content.
                    return Ok(None);
                }
                let fragment = document.create_document_fragment();
                for (rank, item) in items.into_iter().enumerate() {
                    let id = item
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    // The template sees the item and its rank only: values as text.
                    let scope = object(vec![
                        ("item", item),
                        ("rank", Value::Number((rank + 1) as f64)),
                    ]);
                    let rendered = sanitized_fragment(document, template, &Render::of(&scope))?;
                    let card = match rendered.first_element_child() {
                        Some(card) if rendered.child_element_count() == 1 => card,
                        _ => {
                            let wrapper = document
                                .create_element("div")
                                .map_err(|e| crate::browser::error::describe(&e))?;
                            let _ = wrapper.append_child(&rendered);
                            wrapper
                        }
                    };
                    // Marked for click tracking (recommendation_click) and as a product card.
                    let _ = card.set_attribute("data-vitrine-rec", name);
                    let _ = card.set_attribute("data-vitrine-rank", &(rank + 1).to_string());
                    let _ = card.set_attribute("data-product-id", &id);
                    let _ = fragment.append_child(&card);
                    let _ = fragment.append_child(&rendered);
                }
                let original = take_children(element);
                let _ = element.append_child(&fragment);
                ours_children(element, original)
            }
            ActionKind::Remove => {
                let Some(parent) = element.parent_node() else {
                    return Ok(None);
                };
                let next = element.next_sibling();
                let _ = parent.remove_child(element);
                Undo::Place { parent, next }
            }
            // Shown by the UI part, never by the applier (`shell::prompt`).
            ActionKind::Redirect { .. } | ActionKind::Popup(_) => Undo::Nothing,
        };
        Ok(Some(undo))
    }
}
