//! Checks the config's CSS selectors against the browser's own parser at start,
//! so an invalid selector is a config error with its path (the engine cannot
//! parse CSS; the browser is the reference).

use crate::engine::action::ActionKind;
use crate::engine::config::Config;
use crate::engine::diagnostic::Diagnostic;

use super::page;

/// Checks every action selector with the browser's own selector parser, so a typo
/// is a config error with a path rather than a failure on the page later.
pub fn check_selectors(config: &Config) -> Vec<Diagnostic> {
    let Some(document) = page::document() else {
        return Vec::new();
    };
    let probe = document.create_document_fragment();
    let mut problems = Vec::new();
    let mut check = |path: String, actions: &[crate::engine::action::Action]| {
        for (a, action) in actions.iter().enumerate() {
            let mut selectors = vec![("selector", &action.selector)];
            if let ActionKind::Move { to, .. } = &action.kind {
                selectors.push(("to", to));
            }
            for (name, selector) in selectors {
                // `redirect` has no selector.
                if !selector.is_empty() && probe.query_selector(selector).is_err() {
                    problems.push(Diagnostic {
                        path: format!("{path}.actions[{a}].{name}"),
                        message: format!("invalid CSS selector \"{selector}\""),
                    });
                }
            }
        }
    };
    for (r, rule) in config.rules.iter().enumerate() {
        check(format!("rules[{r}]"), &rule.actions);
    }
    for (e, experiment) in config.experiments.iter().enumerate() {
        for (v, variant) in experiment.variants.iter().enumerate() {
            check(format!("experiments[{e}].variants[{v}]"), &variant.actions);
        }
    }
    for (selector, _) in &config.tracking.clicks {
        if probe.query_selector(selector).is_err() {
            problems.push(Diagnostic {
                path: format!("profile.clicks.{selector}"),
                message: format!("invalid CSS selector \"{selector}\""),
            });
        }
    }
    problems
}
