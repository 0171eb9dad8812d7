//! What the visitor was shown: the counts frequency caps read, and the pop-ups —
//! which one is showing, that one was shown (the shared cooldown and recontact
//! read it) and that the visitor closed one. Both are stored with the
//! experiments' data: without that category's consent they live in memory for
//! the page view. A survey's answers are checked here against its questions
//! before they become feedback.

use super::*;
use crate::engine::feedback::Answer;
use crate::engine::survey::{Checked, Kind};

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

impl Engine {
    /// The visitor answered `question` of the survey of rule `id` (reported by the
    /// UI part while it shows): the answer is checked against the survey, kept as
    /// `feedback.*` under `signals.feedback`'s consent (rules reading it react at
    /// once), and the survey counts as answered for its recontact. `Ok(false)`
    /// when the answer could not be kept (no consent); an error names what is
    /// wrong with the answer or says the survey is not showing.
    pub fn survey_answer(
        &mut self,
        id: &str,
        question: &str,
        value: &Value,
        now_ms: f64,
    ) -> Result<bool, String> {
        let index = self
            .config
            .rules
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| format!("no rule \"{id}\""))?;
        let survey = self.config.rules[index]
            .popup()
            .and_then(|p| p.survey.as_ref())
            .ok_or_else(|| format!("rule \"{id}\" has no survey"))?;
        if !self.decisions().get(index).is_some_and(|d| d.applied) {
            return Err(format!("the survey of rule \"{id}\" is not showing"));
        }
        let mut answer = Answer {
            survey: survey.id.clone(),
            ..Answer::default()
        };
        match survey.check(question, value)? {
            Checked::Score(kind, n) => {
                match kind {
                    Kind::Nps => answer.nps = Some(n),
                    Kind::Csat => answer.csat = Some(n),
                    _ => answer.ces = Some(n),
                }
                answer
                    .answers
                    .push((question.to_owned(), Value::Number(f64::from(n))));
            }
            Checked::Choice(v) => answer.answers.push((question.to_owned(), v)),
            Checked::Text => {}
        }
        self.profile.prompts.answered(id);
        self.mark_changed("prompts");
        if self.allows(Aggregate::Experiments) {
            self.touch(Aggregate::Experiments);
        }
        Ok(self.signal(Signal::Answer(answer), now_ms))
    }
}
