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

use super::config::{Action, ActionKind, Config};
use super::consent::ConsentStore;
use super::experiment::forced;
use super::plan::OpId;
use super::value::{object, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// `rule` or `experiment`.
    pub kind: &'static str,
    pub id: String,
    pub applied: bool,
    pub variant: Option<String>,
    pub reason: String,
}

impl Decision {
    pub fn to_value(&self) -> Value {
        let mut fields = vec![
            ("kind", Value::from(self.kind)),
            ("id", Value::from(self.id.as_str())),
            ("applied", Value::Bool(self.applied)),
            ("reason", Value::from(self.reason.as_str())),
        ];
        if let Some(v) = &self.variant {
            fields.push(("variant", Value::from(v.as_str())));
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

/// What the evaluation needs to know about the visitor besides attributes.
pub struct Visitor<'a> {
    /// `None` while the visitor id may not be kept: no experiment assignment then.
    pub id: Option<&'a str>,
    pub assignments: &'a [(String, String)],
    /// The page URL's `vitrine_force` parameter.
    pub force: Option<&'a str>,
}

struct Candidate<'a> {
    source: u32,
    variant: u32,
    priority: i32,
    decision: usize,
    actions: &'a [Action],
}

/// The kind of change an action makes, for conflict detection.
fn way(action: &Action) -> String {
    match &action.kind {
        ActionKind::SetText(_) | ActionKind::SetHtml(_) => "content".into(),
        ActionKind::SetAttr { name, .. } => format!("attribute {name}"),
        ActionKind::AddClass(class) => format!("class {class}"),
        ActionKind::Hide => "visibility".into(),
    }
}

fn missing_consent(needed: &[String], consent: &ConsentStore) -> Option<String> {
    needed
        .iter()
        .find(|c| !consent.is_granted(c))
        .map(|c| format!("consent missing: {c}"))
}

pub fn evaluate(
    config: &Config,
    attributes: &Value,
    consent: &ConsentStore,
    visitor: Visitor,
) -> Evaluation {
    let mut out = Evaluation::default();
    let mut candidates: Vec<Candidate> = Vec::new();
    let blocked = |reason: String| (false, None, reason);

    for (i, rule) in config.rules.iter().enumerate() {
        let (applied, variant, reason) = if let Some(why) = missing_consent(&rule.consent, consent)
        {
            blocked(why)
        } else if let Some(path) = rule.when.as_ref().and_then(|w| w.first_failure(attributes)) {
            blocked(format!("condition not met: {path}"))
        } else {
            candidates.push(Candidate {
                source: i as u32,
                variant: 0,
                priority: rule.priority,
                decision: out.decisions.len(),
                actions: &rule.actions,
            });
            (true, None, "applied".to_owned())
        };
        out.decisions.push(Decision {
            kind: "rule",
            id: rule.id.clone(),
            applied,
            variant,
            reason,
        });
    }

    let forced = forced(visitor.force);
    for (e, experiment) in config.experiments.iter().enumerate() {
        let chosen: Result<(usize, &str), String> =
            if let Some(why) = missing_consent(&experiment.consent, consent) {
                Err(why)
            } else if let Some(path) = experiment
                .when
                .as_ref()
                .and_then(|w| w.first_failure(attributes))
            {
                Err(format!("condition not met: {path}"))
            } else if let Some(v) = forced
                .iter()
                .find(|(id, _)| *id == experiment.id)
                .and_then(|(_, v)| experiment.variant_index(v))
            {
                Ok((v, "forced by URL"))
            } else if let Some(v) = visitor
                .assignments
                .iter()
                .find(|(id, _)| *id == experiment.id)
                .and_then(|(_, v)| experiment.variant_index(v))
            {
                Ok((v, "assigned (sticky)"))
            } else {
                match visitor.id {
                    None => Err("no visitor id (its consent category is not granted)".into()),
                    Some(id) => match experiment.bucket(id) {
                        None => Err("outside the experiment's coverage".into()),
                        Some(v) => {
                            out.new_assignments
                                .push((experiment.id.clone(), experiment.variants[v].id.clone()));
                            Ok((v, "assigned"))
                        }
                    },
                }
            };
        let (applied, variant, reason) = match chosen {
            Err(why) => blocked(why),
            Ok((v, how)) => {
                candidates.push(Candidate {
                    source: (config.rules.len() + e) as u32,
                    variant: v as u32,
                    priority: experiment.priority,
                    decision: out.decisions.len(),
                    actions: &experiment.variants[v].actions,
                });
                (
                    true,
                    Some(experiment.variants[v].id.clone()),
                    how.to_owned(),
                )
            }
        };
        out.decisions.push(Decision {
            kind: "experiment",
            id: experiment.id.clone(),
            applied,
            variant,
            reason,
        });
    }

    // Winners first: higher priority, then earlier in the config.
    candidates.sort_unstable_by_key(|c| (std::cmp::Reverse(c.priority), c.decision));
    let mut claimed: Vec<(&str, String, usize)> = Vec::new();
    let mut accepted: Vec<&Candidate> = Vec::new();
    for candidate in &candidates {
        let conflict = candidate.actions.iter().find_map(|a| {
            let w = way(a);
            claimed
                .iter()
                .find(|(selector, way, _)| *selector == a.selector && *way == w)
                .map(|(selector, _, owner)| (selector.to_string(), *owner))
        });
        if let Some((selector, owner)) = conflict {
            let winner = out.decisions[owner].id.clone();
            let loser = &mut out.decisions[candidate.decision];
            loser.applied = false;
            loser.reason = format!("overridden by {winner} on {selector}");
            continue;
        }
        for a in candidate.actions {
            claimed.push((a.selector.as_str(), way(a), candidate.decision));
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
