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
    // One parse for the whole list when every selector is balanced on its own (so no
    // two can join into one valid selector across the comma): a 1,000-rule config
    // then costs one call into the browser, not 1,000. Only a failing list is
    // checked one by one, to name the bad ones.
    let all = all_selectors(config);
    if all.iter().all(|(_, s)| balanced(s)) {
        let list: Vec<&str> = all.iter().map(|(_, s)| s.as_str()).collect();
        if list.is_empty() || probe.query_selector(&list.join(",")).is_ok() {
            return Vec::new();
        }
    }
    all.into_iter()
        .filter(|(_, selector)| probe.query_selector(selector).is_err())
        .map(|(path, selector)| Diagnostic {
            path,
            message: format!("invalid CSS selector \"{selector}\""),
        })
        .collect()
}

/// Every selector of the config with the path of its field.
fn all_selectors(config: &Config) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut add = |path: String, actions: &[crate::engine::action::Action]| {
        for (a, action) in actions.iter().enumerate() {
            // `redirect` has no selector.
            if !action.selector.is_empty() {
                all.push((
                    format!("{path}.actions[{a}].selector"),
                    action.selector.clone(),
                ));
            }
            if let ActionKind::Move { to, .. } = &action.kind {
                all.push((format!("{path}.actions[{a}].to"), to.clone()));
            }
        }
    };
    for (r, rule) in config.rules.iter().enumerate() {
        add(format!("rules[{r}]"), &rule.actions);
    }
    for (e, experiment) in config.experiments.iter().enumerate() {
        for (v, variant) in experiment.variants.iter().enumerate() {
            add(format!("experiments[{e}].variants[{v}]"), &variant.actions);
        }
    }
    for (selector, _) in &config.tracking.clicks {
        all.push((format!("profile.clicks.{selector}"), selector.clone()));
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
