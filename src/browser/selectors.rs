//! Checks the config's CSS selectors against the browser's own parser at start,
//! so an invalid selector is a config error with its path (the engine cannot
//! parse CSS; the browser is the reference).

use crate::engine::action::{Action, ActionKind};
use crate::engine::config::Config;
use crate::engine::delivery::Trigger;
use crate::engine::diagnostic::Diagnostic;

use super::page;

/// Checks every action selector with the browser's own selector parser, so a typo
/// is a config error with a path rather than a failure on the page later.
pub fn check_selectors(config: &Config) -> Vec<Diagnostic> {
    let Some(document) = page::document() else {
        return Vec::new();
    };
    let probe = document.create_document_fragment();
    // One parse for the whole list when every selector is balanced on its own (so no
    // two can join into one valid selector across the comma): a 1,000-rule config
    // then costs one call into the browser, not 1,000. Only a failing list is
    // checked one by one, to name the bad ones.
    let all = all_selectors(config);
    if all.iter().all(|(_, s)| balanced(s)) {
        let list: Vec<&str> = all.iter().map(|(_, s)| *s).collect();
        if list.is_empty() || probe.query_selector(&list.join(",")).is_ok() {
            return Vec::new();
        }
    }
    all.into_iter()
        .filter(|(_, selector)| probe.query_selector(selector).is_err())
        .map(|(place, selector)| Diagnostic {
            path: place.path(selector),
            message: format!("invalid CSS selector \"{selector}\""),
        })
        .collect()
}

/// Where a selector is in the config; its path is only spelled out for a problem.
enum Place {
    /// Rule, action, field.
    Rule(usize, usize, &'static str),
    /// Experiment, variant, action, field.
    Variant(usize, usize, usize, &'static str),
    Click,
    /// Goal, field (`click` or `dwell.selector`).
    Goal(usize, &'static str),
}

impl Place {
    fn path(&self, selector: &str) -> String {
        match self {
            Place::Rule(r, a, name) => format!("rules[{r}].actions[{a}].{name}"),
            Place::Variant(e, v, a, name) => {
                format!("experiments[{e}].variants[{v}].actions[{a}].{name}")
            }
            Place::Click => format!("profile.clicks.{selector}"),
            Place::Goal(g, name) => format!("goals[{g}].{name}"),
        }
    }
}

/// Every selector of the config with its place.
fn all_selectors(config: &Config) -> Vec<(Place, &str)> {
    fn add<'c>(
        all: &mut Vec<(Place, &'c str)>,
        actions: &'c [Action],
        place: impl Fn(usize, &'static str) -> Place,
    ) {
        for (a, action) in actions.iter().enumerate() {
            // `redirect` has no selector.
            if !action.selector.is_empty() {
                all.push((place(a, "selector"), action.selector.as_str()));
            }
            if let ActionKind::Move { to, .. } = &action.kind {
                all.push((place(a, "to"), to.as_str()));
            }
        }
    }
    let mut all = Vec::new();
    for (r, rule) in config.rules.iter().enumerate() {
        add(&mut all, &rule.actions, |a, name| Place::Rule(r, a, name));
    }
    for (e, experiment) in config.experiments.iter().enumerate() {
        for (v, variant) in experiment.variants.iter().enumerate() {
            add(&mut all, &variant.actions, |a, name| {
                Place::Variant(e, v, a, name)
            });
        }
    }
    for (selector, _) in &config.tracking.clicks {
        all.push((Place::Click, selector.as_str()));
    }
    for (g, goal) in config.goals.iter().enumerate() {
        match &goal.trigger {
            Trigger::Click(selector) => all.push((Place::Goal(g, "click"), selector.as_str())),
            Trigger::Dwell { selector, .. } => {
                all.push((Place::Goal(g, "dwell.selector"), selector.as_str()))
            }
            _ => {}
        }
    }
    all
}

/// Brackets, parentheses and quotes closed, no escape left open, no comment: such a
/// selector ends where its text ends.
fn balanced(selector: &str) -> bool {
    let mut depth: i32 = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in selector.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            (None, '/') => return false,
            _ => {}
        }
    }
    depth == 0 && quote.is_none() && !escaped
}
