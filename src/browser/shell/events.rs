//! What the site hears of an update: `apply`/`revert` events for the rules that
//! started and stopped, and for each start its exposure, to the site's `on()`
//! callbacks and to `window.dataLayer` when the config's `exposures` asks (and
//! its consent categories are granted). A detail is built only for a listener.

use super::*;
use crate::engine::plan::Diff;

impl Shell {
    /// Announces the rules an update started and stopped.
    pub(super) fn announce(&mut self, diff: &Diff) {
        if !diff.stopped.is_empty() && self.listens("revert") {
            for &i in &diff.stopped {
                let rule = self.engine.decision_id(i).to_owned();
                self.queue("revert", js_object(&[("rule", rule.as_str().into())]));
            }
        }
        if diff.started.is_empty() {
            return;
        }
        let apply = self.listens("apply");
        let exposure = self.listens("exposure");
        let data_layer = self.data_layer_granted();
        for &i in &diff.started {
            if apply {
                let rule = self.engine.decision_id(i).to_owned();
                self.queue("apply", js_object(&[("rule", rule.as_str().into())]));
            }
            // An exposure: the visitor now sees this rule or experiment variant.
            if !(exposure || data_layer) {
                continue;
            }
            if let Some(decision) = self.engine.decision_value_at(i) {
                if data_layer {
                    self.push_to_data_layer(&decision);
                }
                if exposure {
                    self.queue("exposure", to_js(&decision));
                }
            }
        }
    }

    /// Whether the site listens to `name` (asked once per update, not per rule);
    /// a site callback that throws here counts as listening.
    fn listens(&self, name: &str) -> bool {
        let Some(listening) = &self.listening else {
            return true;
        };
        listening
            .call1(&JsValue::NULL, &JsValue::from_str(name))
            .map_or(true, |answer| answer.is_truthy())
    }

    /// The config sends exposures to `window.dataLayer` and their consent is granted.
    fn data_layer_granted(&self) -> bool {
        self.engine.config().exposures.as_ref().is_some_and(|sink| {
            sink.consent
                .iter()
                .all(|c| self.engine.consent().is_granted(c))
        })
    }

    /// `window.dataLayer.push({event, vitrine_kind, vitrine_id, vitrine_variant})`
    /// when the config asks for it and its consent categories are granted.
    fn push_to_data_layer(&mut self, decision: &crate::engine::Value) {
        let Some(sink) = &self.engine.config().exposures else {
            return;
        };
        let Some(window) = page::window() else { return };
        let text = |k: &str| {
            decision
                .get(k)
                .and_then(|v| v.as_str())
                .map(JsValue::from_str)
        };
        let entry = js_object(&[
            ("event", JsValue::from_str(&sink.event)),
            ("vitrine_kind", text("kind").unwrap_or(JsValue::UNDEFINED)),
            ("vitrine_id", text("id").unwrap_or(JsValue::UNDEFINED)),
            (
                "vitrine_variant",
                text("variant").unwrap_or(JsValue::UNDEFINED),
            ),
        ]);
        let key = JsValue::from_str("dataLayer");
        let mut layer = js_sys::Reflect::get(&window, &key).unwrap_or(JsValue::UNDEFINED);
        if layer.is_undefined() || layer.is_null() {
            layer = js_sys::Array::new().into();
            let _ = js_sys::Reflect::set(&window, &key, &layer);
        }
        // GTM replaces `push`; call whatever is there, and never let it break us.
        let pushed = js_sys::Reflect::get(&layer, &JsValue::from_str("push"))
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Function>().ok())
            .map(|push| push.call1(&layer, &entry));
        if !matches!(pushed, Some(Ok(_))) {
            self.warn("could not push the exposure onto window.dataLayer".into());
        }
    }
}
