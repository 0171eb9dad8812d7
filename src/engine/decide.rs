//! Deciding what applies, and why: consent, conditions, experiment assignment and
//! conflicts between rules, with a reason for every rule and experiment so each
//! decision can be explained (`decisions()`, the debug overlay).
//!
//! Conflicts: two rules (or experiment variants) change the same element in the
//! same way when they have the same selector and the same kind of change (content,
//! the same attribute, the same class, visibility). The higher priority wins, on a
//! tie the one earlier in the config; the loser is not applied at all (a rule is
//! all or nothing) and its decision names the winner. Selectors are compared as
//! written: two different selectors that happen to match one element are not
//! detected as a conflict, and the later-applied one wins on that element.
//!
//! Evaluation runs on every signal, so decisions hold indexes into the config and
//! their reasons are only put into words when someone asks (`describe`).

use super::config::{Action, ActionKind, Config};
use super::consent::ConsentStore;
use super::experiment::forced;
use super::plan::OpId;
use super::value::{object, Value};

/// Why a rule or experiment is (not) applied. Indexes point into the config.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reason {
    Applied,
    Assigned,
    Sticky,
    Forced,
    /// `consent[i]` of the rule or experiment is not granted.
    ConsentMissing(usize),
    /// Top-level clause `i` of its condition does not hold.
    ConditionNotMet(usize),
    /// Decision `winner` changes action `action`'s selector in the same way.
    Overridden {
        winner: usize,
        action: usize,
    },
    OutsideCoverage,
    NoVisitorId,
    /// The rule's schedule is closed now.
    OutOfSchedule,
    /// The rule's trigger has not fired in this page view.
    NotTriggered,
    /// The visitor is in the rule's holdout.
    HeldOut,
    /// The rule was shown as often as its frequency allows in this window.
    FrequencyCapped,
    /// A pop-up held back by what every pop-up shares (`engine::prompt`).
    Prompt(super::prompt::Hold),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Index of the rule, or (when `experiment`) of the experiment.
    pub index: usize,
    pub experiment: bool,
    pub applied: bool,
    pub variant: Option<usize>,
    pub reason: Reason,
}

impl Decision {
    pub fn id<'a>(&self, config: &'a Config) -> &'a str {
        if self.experiment {
            &config.experiments[self.index].id
        } else {
            &config.rules[self.index].id
        }
    }

    /// The reason in words: `applied`, `consent missing: personalization`, ...
    pub fn describe(&self, config: &Config, all: &[Decision]) -> String {
        let (consent, when, actions) = if self.experiment {
            let e = &config.experiments[self.index];
            let actions = self.variant.map_or(&[][..], |v| &e.variants[v].actions[..]);
            (&e.consent, e.when.as_ref(), actions)
        } else {
            let r = &config.rules[self.index];
            (&r.consent, r.when.as_ref(), &r.actions[..])
        };
        match self.reason {
            Reason::Applied => "applied".into(),
            Reason::Assigned => "assigned".into(),
            Reason::Sticky => "assigned (sticky)".into(),
            Reason::Forced => "forced by URL".into(),
            Reason::ConsentMissing(i) => format!("consent missing: {}", consent[i]),
            Reason::ConditionNotMet(i) => {
                format!(
                    "condition not met: {}",
                    when.map(|w| w.clause_label(i)).unwrap_or_default()
                )
            }
            Reason::Overridden { winner, action } => format!(
                "overridden by {} on {}",
                all[winner].id(config),
                actions.get(action).map_or("", |a| a.selector.as_str())
            ),
            Reason::OutsideCoverage => "outside the experiment's coverage".into(),
            Reason::NoVisitorId => "no visitor id (its consent category is not granted)".into(),
            Reason::OutOfSchedule => "outside its schedule".into(),
            Reason::NotTriggered => "waiting for its trigger".into(),
            Reason::HeldOut => "visitor in the holdout".into(),
            Reason::FrequencyCapped => "frequency cap reached".into(),
            Reason::Prompt(hold) => hold.describe().into(),
        }
    }

    /// `{kind, id, applied, variant?, reason}`.
    pub fn to_value(&self, config: &Config, all: &[Decision]) -> Value {
        let mut fields = vec![
            (
                "kind",
                Value::from(if self.experiment {
                    "experiment"
                } else {
                    "rule"
                }),
            ),
            ("id", Value::from(self.id(config))),
            ("applied", Value::Bool(self.applied)),
            ("reason", Value::from(self.describe(config, all))),
        ];
        if let Some(v) = self.variant {
            fields.push((
                "variant",
                Value::from(config.experiments[self.index].variants[v].id.as_str()),
            ));
        }
        object(fields)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evaluation {
    /// In application order (lowest priority first).
    pub ops: Vec<OpId>,
    /// One per rule, then one per experiment, in config order.
    pub decisions: Vec<Decision>,
    /// Experiment assignments made by this evaluation (not forced, not sticky).
    pub new_assignments: Vec<(String, String)>,
}

/// What changed since the previous evaluation, for incremental evaluation.
pub struct Changes<'a> {
    pub previous: &'a Evaluation,
    /// Attribute paths that changed (`clicks.promo`, `cart`); rules reading none
    /// of them keep their previous outcome.
    pub roots: &'a [String],
}

/// Whether a rule must be evaluated again after `changes`.
fn stale(reads: &[String], changed: &[String]) -> bool {
    reads
        .iter()
        .any(|read| changed.iter().any(|c| overlaps(read, c)))
}

/// Whether anything must be evaluated again after `changes` (if not, the
/// attributes need not even be built).
pub fn anything_stale(config: &Config, changed: &[String]) -> bool {
    config.rules.iter().any(|r| stale(&r.reads, changed))
        || config.experiments.iter().any(|e| stale(&e.reads, changed))
}

pub use super::segment::{overlaps, segment_roots};

/// What the evaluation needs to know about the visitor besides attributes.
pub struct Visitor<'a> {
    /// `None` while the visitor id may not be kept: no experiment assignment then.
    pub id: Option<&'a str>,
    pub assignments: &'a [(String, String)],
    /// The page URL's `vitrine_force` parameter.
    pub force: Option<&'a str>,
    /// This page view so far, for triggers.
    pub page: &'a super::gates::PageState,
    /// The clock and the visitor's local hour and weekday, for schedules.
    pub now_ms: f64,
    pub hour: u8,
    pub weekday: u8,
    /// Page views and sessions so far, and exposure counts, for frequency caps.
    pub page_views: u32,
    pub sessions: u32,
    pub exposures: &'a [(String, u64, u32)],
    /// The previous decisions: a capped rule already showing stays.
    pub previous: &'a [Decision],
    /// What pop-ups were shown and closed, and what they share.
    pub prompts: &'a super::prompt::History,
    pub prompt_settings: &'a super::prompt::Settings,
    /// The rule whose pop-up is showing, if one is.
    pub prompt_showing: Option<usize>,
    /// `signals.feedback`'s category is granted: surveys may be asked.
    pub feedback_allowed: bool,
}

/// The first gate (schedule, trigger, holdout, frequency) that holds a matching
/// rule back.
fn gate(rule: &super::config::Rule, index: usize, visitor: &Visitor) -> Option<Reason> {
    let g = &rule.gates;
    if g.schedule
        .as_ref()
        .is_some_and(|s| !s.open(visitor.now_ms, visitor.hour, visitor.weekday))
    {
        return Some(Reason::OutOfSchedule);
    }
    if !g.trigger.fired(visitor.page) {
        return Some(Reason::NotTriggered);
    }
    if visitor
        .id
        .is_some_and(|id| super::gates::held_out(&rule.id, id, g.holdout))
    {
        return Some(Reason::HeldOut);
    }
    if let Some(f) = &g.frequency {
        let showing = visitor.previous.get(index).is_some_and(|d| d.applied);
        let window =
            super::gates::window(f.per, visitor.page_views, visitor.sessions, visitor.now_ms);
        let shown = visitor
            .exposures
            .iter()
            .find(|(r, w, _)| *r == rule.id && *w == window)
            .map_or(0, |(_, _, n)| *n);
        if !showing && shown >= f.max {
            return Some(Reason::FrequencyCapped);
        }
    }
    if let Some(popup) = rule.popup() {
        // Closed: gone for this page view, even while it was showing.
        if visitor.page.closed_prompts.contains(&rule.id) {
            return Some(Reason::Prompt(super::prompt::Hold::Dismissed));
        }
        if popup.survey.is_some() && !visitor.feedback_allowed {
            return Some(Reason::Prompt(super::prompt::Hold::NoFeedbackConsent));
        }
        if !visitor.previous.get(index).is_some_and(|d| d.applied) {
            let cx = super::prompt::Context {
                history: visitor.prompts,
                settings: visitor.prompt_settings,
                now_ms: visitor.now_ms,
                dwell_ms: visitor.page.dwell_ms,
                visitor_id: visitor.id,
                closed: &visitor.page.closed_prompts,
                another_showing: visitor.prompt_showing.is_some_and(|k| k != index),
            };
            if let Some(hold) = super::prompt::held(&rule.id, popup, &cx) {
                return Some(Reason::Prompt(hold));
            }
        }
    }
    None
}

/// A survey showing now is not taken away by its condition: its own answers (or a
/// cart emptied meanwhile) must not close it between two questions. Closing it,
/// its consent and its gates still do.
fn being_answered(rule: &super::config::Rule, index: usize, visitor: &Visitor) -> bool {
    rule.popup().is_some_and(|p| p.survey.is_some())
        && visitor.previous.get(index).is_some_and(|d| d.applied)
        && !visitor.page.closed_prompts.contains(&rule.id)
}

struct Candidate<'a> {
    source: u32,
    variant: u32,
    priority: i32,
    decision: usize,
    actions: &'a [Action],
}

/// The kind of change an action makes, for conflict detection: two applied
/// actions on the same selector that change the same thing conflict.
#[derive(PartialEq)]
pub(crate) enum Way<'a> {
    Content,
    Attribute(&'a str),
    Class(&'a str),
    Style,
    Visibility,
    Position,
    Redirect,
    /// Inserting never conflicts: several rules may add their own blocks.
    Insert,
    /// One pop-up at a time: every pop-up claims the same (empty) selector.
    Prompt,
}

pub(crate) fn way(action: &Action) -> Way<'_> {
    match &action.kind {
        ActionKind::SetText(_) | ActionKind::SetHtml(_) | ActionKind::Recommend { .. } => {
            Way::Content
        }
        ActionKind::SetAttr { name, .. } | ActionKind::RemoveAttr(name) => Way::Attribute(name),
        ActionKind::AddClass(class) | ActionKind::RemoveClass(class) => Way::Class(class),
        ActionKind::SetStyle(_) => Way::Style,
        ActionKind::Hide | ActionKind::Show(_) | ActionKind::Remove => Way::Visibility,
        ActionKind::Move { .. } | ActionKind::Reorder { .. } => Way::Position,
        ActionKind::Redirect { .. } => Way::Redirect,
        ActionKind::Insert { .. } => Way::Insert,
        ActionKind::Popup(_) => Way::Prompt,
    }
}

fn missing_consent(needed: &[String], consent: &ConsentStore) -> Option<usize> {
    needed.iter().position(|c| !consent.is_granted(c))
}

pub fn evaluate(
    config: &Config,
    attributes: &Value,
    consent: &ConsentStore,
    visitor: Visitor,
    changes: Option<Changes>,
) -> Evaluation {
    let mut out = Evaluation::default();
    let mut candidates: Vec<Candidate> = Vec::new();

    for (i, rule) in config.rules.iter().enumerate() {
        // Incremental: a rule that reads none of the changed attributes keeps its
        // previous outcome (consent changes always come as a full evaluation).
        let previous = changes
            .as_ref()
            .filter(|c| !stale(&rule.reads, c.roots))
            .and_then(|c| c.previous.decisions.get(i))
            .map(|d| match d.reason {
                Reason::Overridden { .. } => Reason::Applied,
                other => other,
            });
        let reason = if let Some(reason) = previous {
            reason
        } else if let Some(c) = missing_consent(&rule.consent, consent) {
            Reason::ConsentMissing(c)
        } else if let Some(clause) = rule
            .when
            .as_ref()
            .and_then(|w| w.first_failure(attributes))
            .filter(|_| !being_answered(rule, i, &visitor))
        {
            Reason::ConditionNotMet(clause)
        } else if let Some(held) = gate(rule, i, &visitor) {
            held
        } else {
            Reason::Applied
        };
        if reason == Reason::Applied {
            candidates.push(Candidate {
                source: i as u32,
                variant: 0,
                priority: rule.priority,
                decision: out.decisions.len(),
                actions: &rule.actions,
            });
        }
        out.decisions.push(Decision {
            index: i,
            experiment: false,
            applied: reason == Reason::Applied,
            variant: None,
            reason,
        });
    }

    let forced = forced(visitor.force);
    for (e, experiment) in config.experiments.iter().enumerate() {
        // Incremental: consent, forcing and assignments come as full evaluations,
        // so an experiment whose condition reads nothing that changed stands.
        let previous = changes
            .as_ref()
            .filter(|c| !stale(&experiment.reads, c.roots))
            .and_then(|c| c.previous.decisions.get(config.rules.len() + e))
            // An overridden decision no longer says how the variant was chosen.
            .filter(|p| !matches!(p.reason, Reason::Overridden { .. }))
            .copied();
        let chosen: Result<(usize, Reason), Reason> = if let Some(p) = previous {
            match p.variant {
                Some(v) => Ok((v, p.reason)),
                None => Err(p.reason),
            }
        } else if let Some(c) = missing_consent(&experiment.consent, consent) {
            Err(Reason::ConsentMissing(c))
        } else if let Some(clause) = experiment
            .when
            .as_ref()
            .and_then(|w| w.first_failure(attributes))
        {
            Err(Reason::ConditionNotMet(clause))
        } else if let Some(v) = forced
            .iter()
            .find(|(id, _)| *id == experiment.id)
            .and_then(|(_, v)| experiment.variant_index(v))
        {
            Ok((v, Reason::Forced))
        } else if let Some(v) = visitor
            .assignments
            .iter()
            .find(|(id, _)| *id == experiment.id)
            .and_then(|(_, v)| experiment.variant_index(v))
        {
            Ok((v, Reason::Sticky))
        } else {
            match visitor.id {
                None => Err(Reason::NoVisitorId),
                Some(id) => match experiment.bucket(id) {
                    None => Err(Reason::OutsideCoverage),
                    Some(v) => {
                        out.new_assignments
                            .push((experiment.id.clone(), experiment.variants[v].id.clone()));
                        Ok((v, Reason::Assigned))
                    }
                },
            }
        };
        let decision = match chosen {
            Err(reason) => Decision {
                index: e,
                experiment: true,
                applied: false,
                variant: None,
                reason,
            },
            Ok((v, reason)) => {
                candidates.push(Candidate {
                    source: (config.rules.len() + e) as u32,
                    variant: v as u32,
                    priority: experiment.priority,
                    decision: out.decisions.len(),
                    actions: &experiment.variants[v].actions,
                });
                Decision {
                    index: e,
                    experiment: true,
                    applied: true,
                    variant: Some(v),
                    reason,
                }
            }
        };
        out.decisions.push(decision);
    }

    // Nothing matched differently from last time: the previous plan stands as is.
    if let Some(c) = &changes {
        let same = |a: &Decision, b: &Decision| {
            let matched = |d: &Decision| {
                matches!(d.reason, Reason::Applied | Reason::Overridden { .. }) || d.applied
            };
            matched(a) == matched(b)
                && a.variant == b.variant
                && (matched(a) || a.reason == b.reason)
        };
        if out.new_assignments.is_empty()
            && c.previous.decisions.len() == out.decisions.len()
            && out
                .decisions
                .iter()
                .zip(&c.previous.decisions)
                .all(|(a, b)| same(a, b))
        {
            let mut kept = c.previous.clone();
            kept.new_assignments.clear();
            // Reasons may have changed without changing the outcome (another
            // failing clause, a now-sticky assignment): keep them current.
            for (k, d) in kept.decisions.iter_mut().enumerate() {
                if !matches!(d.reason, Reason::Overridden { .. }) {
                    d.reason = out.decisions[k].reason;
                }
            }
            return kept;
        }
    }

    // Winners first: higher priority, then earlier in the config.
    candidates.sort_unstable_by_key(|c| (std::cmp::Reverse(c.priority), c.decision));
    // Claimed (selector, way) pairs, kept sorted by selector for binary search.
    let mut claimed: Vec<(&str, Way, usize)> = Vec::new();
    let mut accepted: Vec<&Candidate> = Vec::new();
    for candidate in &candidates {
        let conflict = candidate
            .actions
            .iter()
            .enumerate()
            .find_map(|(a, action)| {
                let w = way(action);
                let from = claimed.partition_point(|(s, _, _)| *s < action.selector.as_str());
                claimed[from..]
                    .iter()
                    .take_while(|(s, _, _)| *s == action.selector)
                    .find(|(_, way, _)| *way == w && w != Way::Insert)
                    .map(|(_, _, owner)| (a, *owner))
            });
        if let Some((action, winner)) = conflict {
            let loser = &mut out.decisions[candidate.decision];
            loser.applied = false;
            loser.reason = Reason::Overridden { winner, action };
            continue;
        }
        for a in candidate.actions {
            let at = claimed.partition_point(|(s, _, _)| *s < a.selector.as_str());
            claimed.insert(at, (a.selector.as_str(), way(a), candidate.decision));
        }
        accepted.push(candidate);
    }
    // Application order: lowest priority first.
    for candidate in accepted.iter().rev() {
        for a in 0..candidate.actions.len() {
            out.ops.push(OpId {
                source: candidate.source,
                variant: candidate.variant,
                action: a as u32,
            });
        }
    }
    out
}
