//! What the visitor was shown: the counts frequency caps read, and the pop-ups —
//! which one is showing, that one was shown (the shared cooldown and recontact
//! read it) and that the visitor closed one. Both are stored with the
//! experiments' data: without that category's consent they live in memory for
//! the page view.

use super::*;

impl Engine {
    /// Counts, for rules with a frequency cap, each time they start showing.
    pub(super) fn count_exposures(&mut self, evaluation: &Evaluation) {
        let mut counted = false;
        for (i, rule) in self.config.rules.iter().enumerate() {
            let Some(f) = &rule.gates.frequency else {
                continue;
            };
            let started = evaluation.decisions.get(i).is_some_and(|d| d.applied)
                && !self.decisions().get(i).is_some_and(|d| d.applied);
            if !started {
                continue;
            }
            let visitor = self.profile.visitor.as_ref();
            let window = crate::engine::gates::window(
                f.per,
                visitor.map_or(0, |v| v.visits),
                visitor.map_or(0, |v| v.sessions),
                self.now_ms,
            );
            let exposures = &mut self.profile.exposures;
            match exposures.iter().position(|(r, _, _)| *r == rule.id) {
                Some(k) if exposures[k].1 == window => {
                    exposures[k].2 = exposures[k].2.saturating_add(1)
                }
                Some(k) => exposures[k] = (rule.id.clone(), window, 1),
                None if exposures.len() < MAX_KEYS => exposures.push((rule.id.clone(), window, 1)),
                None => {}
            }
            counted = true;
        }
        if counted {
            self.mark_changed("frequency");
            // Without consent to store them, the counts live in memory only.
            if self.allows(Aggregate::Experiments) {
                self.touch(Aggregate::Experiments);
            }
        }
    }

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
