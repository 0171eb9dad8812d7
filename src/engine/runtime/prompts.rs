//! The engine's side of pop-ups: which one is showing, remembering that one was
//! shown (the shared cooldown and recontact read it) and that the visitor closed
//! one. Stored with the experiments' data, like frequency counts: without that
//! category's consent it lives in memory for the page view.

use super::*;

impl Engine {
    /// The rule whose pop-up is showing, as of the last update.
    pub(super) fn prompt_showing(&self) -> Option<usize> {
        self.decisions()
            .iter()
            .find(|d| !d.experiment && d.applied && self.config.rules[d.index].popup().is_some())
            .map(|d| d.index)
    }

    /// Remembers each pop-up that starts showing in `evaluation`.
    pub(super) fn record_prompts(&mut self, evaluation: &Evaluation) {
        let mut shown = false;
        for (i, rule) in self.config.rules.iter().enumerate() {
            let started = evaluation.decisions.get(i).is_some_and(|d| d.applied)
                && !self.decisions().get(i).is_some_and(|d| d.applied);
            if started && rule.popup().is_some() {
                self.profile.prompts.shown(&rule.id, self.now_ms);
                shown = true;
            }
        }
        if shown {
            self.mark_changed("prompts");
            if self.allows(Aggregate::Experiments) {
                self.touch(Aggregate::Experiments);
            }
        }
    }

    /// The visitor closed the pop-up of rule `id` (the close button, Escape, a
    /// click outside a modal): it is gone for this page view and, by its recontact
    /// rule, for later ones. Returns whether `id` is a pop-up that was showing.
    pub fn prompt_closed(&mut self, id: &str) -> bool {
        let Some(index) = self.config.rules.iter().position(|r| r.id == id) else {
            return false;
        };
        if self.config.rules[index].popup().is_none()
            || !self.decisions().get(index).is_some_and(|d| d.applied)
        {
            return false;
        }
        if !self.page.closed_prompts.iter().any(|c| c == id) {
            self.page.closed_prompts.push(id.to_owned());
        }
        self.profile.prompts.dismissed(id);
        self.mark_changed("prompts");
        if self.allows(Aggregate::Experiments) {
            self.touch(Aggregate::Experiments);
        }
        true
    }
}
