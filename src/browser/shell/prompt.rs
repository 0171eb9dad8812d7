//! The shell's side of pop-ups: the engine decides, the UI part shows. When a
//! pop-up's rule starts applying, its markup is filled and sanitized here (the
//! same sanitizer as `setHtml`) and handed to the entry as a `DocumentFragment`
//! in a `prompt:show` event; when the rule stops (consent withdrawn, the
//! condition no longer holds, the visitor closed it), a `prompt:close` event. The
//! entry loads `prompt-ui.js` the first time and reports the visitor's close back
//! (`promptClosed`) and a survey's answers as the visitor gives them
//! (`surveyAnswer`). Neither event reaches the site's `on()` listeners.

use crate::engine::prompt::Popup;

use super::super::sanitize::sanitized_fragment;
use super::*;

/// The `prompt:show` detail: what the UI part needs to show the pop-up.
pub(super) fn showing(
    rule: &str,
    popup: &Popup,
    selector: &str,
    render: &Render,
) -> Result<JsValue, String> {
    let document = page::document().ok_or("no document")?;
    let content = sanitized_fragment(&document, &popup.html, render)?;
    Ok(js_object(&[
        ("rule", rule.into()),
        ("display", popup.display.name().into()),
        ("label", popup.label.as_str().into()),
        ("closeLabel", popup.close_label.as_str().into()),
        ("selector", selector.into()),
        ("shadow", popup.shadow.into()),
        ("content", content.into()),
        (
            "survey",
            popup
                .survey
                .as_ref()
                .map_or(JsValue::UNDEFINED, |s| to_js(&s.view)),
        ),
    ]))
}

/// The `prompt:close` detail.
pub(super) fn closing(rule: &str) -> JsValue {
    js_object(&[("rule", rule.into())])
}

impl Shell {
    /// The visitor answered `question` of the survey of `rule` (reported by the UI
    /// part as they go, so rules reading the answer react at once). False when it
    /// could not be kept (no consent); an error says what is wrong with it.
    pub fn survey_answer(
        &mut self,
        rule: &str,
        question: &str,
        value: &crate::engine::Value,
    ) -> Result<bool, String> {
        let kept = self
            .engine
            .survey_answer(rule, question, value, page::now_ms())?;
        self.update();
        self.schedule_flush();
        Ok(kept)
    }

    /// The visitor closed the pop-up of `rule` (reported by the UI part): the
    /// engine remembers it and the rule stops applying. False when `rule` has no
    /// pop-up showing.
    pub fn prompt_closed(&mut self, rule: &str) -> bool {
        if !self.engine.prompt_closed(rule) {
            return false;
        }
        self.update();
        self.schedule_flush();
        true
    }
}
