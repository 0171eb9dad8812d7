//! The `Vitrine` instance JavaScript holds: the methods behind `track`, `cart`,
//! `consent`, `profile` and `stop`. The hand-written `js/index.js` wraps it into the
//! idiomatic nested API (`v.cart.add(...)`, `v.on(...)`); this file only checks
//! arguments and hands them to the shell.

use wasm_bindgen::prelude::*;

use crate::engine::consent::state_value;
use crate::engine::profile::{
    props_from_value, truncate, CartItem, Props, MAX_CUSTOMER_ID_LEN, MAX_KEY_LEN, MAX_TRAITS,
    MAX_TRAIT_VALUE_LEN,
};
use crate::engine::signal::Signal;
use crate::engine::value::object;
use crate::engine::{Config, Value};

use super::applier::JsApplier;
use super::error;
use super::json::{from_js, to_js};
use super::page;
use super::shell::{check_selectors, with_shell, Shared, Shell, Start};

/// A running vitrine. Create it with `start()` from the package entry.
#[wasm_bindgen]
pub struct Vitrine {
    shell: Option<Shared>,
}

/// Reads an argument into an engine value; `what` names it in the error.
fn argument(value: JsValue, what: &str) -> Result<Value, JsValue> {
    from_js(&value).map_err(|e| error::usage(format!("{what}: {e}")))
}

fn busy() -> JsValue {
    error::usage("vitrine is busy; call it again outside this callback")
}

#[wasm_bindgen]
impl Vitrine {
    /// Validates `config` (a parsed JSON object, read as `json::from_js_once`),
    /// restores the stored profile, applies the rules that match, and starts
    /// collecting what consent allows.
    /// `emit(name, detail)` receives every event. Throws a `VitrineConfigError`
    /// (with `errors: [{path, message}]`) when the config is invalid; the page is
    /// then left untouched. `handover`, when given, is called right before the first
    /// plan is applied, in the same task (the loader's first swap hands the page
    /// back there, so no frame paints between the two). `listening(name)`, when
    /// given, says whether anyone listens to an event: the details of `apply`,
    /// `revert` and `exposure` are then only built for a listener (1,000 rules
    /// starting at once are 1,000 objects nobody reads otherwise). `preview`: the
    /// editor's restarts, which are not page views; `simulate` (with `preview`
    /// only): an attribute object laid over the visitor's (the editor's "preview
    /// as a visitor"). `applier`: the page's applier (`createApplier()` of
    /// js/applier.js), which does the DOM work of every operation.
    // Positional arguments are what a wasm-bindgen export takes; js/runtime.js is
    // the one caller.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        config: JsValue,
        emit: js_sys::Function,
        debug: bool,
        handover: Option<js_sys::Function>,
        listening: Option<js_sys::Function>,
        preview: Option<bool>,
        simulate: JsValue,
        applier: JsApplier,
    ) -> Result<Vitrine, JsValue> {
        let refuse = |e: &str| {
            error::config(&[crate::engine::diagnostic::Diagnostic {
                path: String::new(),
                message: format!("config is {e}"),
            }])
        };
        let tree = super::json::from_js_once(&config).map_err(|e| refuse(&e))?;
        let value = match &*tree {
            Ok(value) => value,
            Err(e) => return Err(refuse(e)),
        };
        let config = Config::parse(value).map_err(|d| error::config(&d));
        // The tree is dropped before the start goes on, so its block goes back at once.
        drop(tree);
        let config = config?;
        let selector_problems = check_selectors(&config);
        if !selector_problems.is_empty() {
            return Err(error::config(&selector_problems));
        }
        let preview = preview.unwrap_or(false);
        let simulated = match preview {
            true => from_js(&simulate).unwrap_or_default(),
            false => crate::engine::Value::Null,
        };
        let shell = Shell::start(
            config,
            Start {
                emit,
                debug,
                handover,
                listening,
                preview,
                simulated,
                dom: applier,
            },
        )?;
        Ok(Vitrine { shell: Some(shell) })
    }

    fn run<R>(&self, f: impl FnOnce(&mut Shell) -> Result<R, JsValue>) -> Result<R, JsValue> {
        let shell = self
            .shell
            .as_ref()
            .ok_or_else(|| error::usage("this vitrine was stopped"))?;
        with_shell(shell, f).unwrap_or_else(|| Err(busy()))
    }

    /// Counts a custom event by name (at most 64 characters are kept) and keeps
    /// its last `props` (at most 5 strings, numbers, booleans or nulls).
    pub fn track(&self, name: String, props: JsValue) -> Result<bool, JsValue> {
        if name.trim().is_empty() {
            return Err(error::usage("track(name): name must be a non-empty string"));
        }
        let value = if props.is_undefined() || props.is_null() {
            None
        } else {
            Some(argument(props, "track(name, props)")?)
        };
        let signals = Signal::from_track(truncate(&name, MAX_KEY_LEN), value.as_ref())
            .map_err(|why| error::usage(format!("track(name, props): props {why}")))?;
        self.run(|shell| {
            // Every signal is offered (each has its own consent category).
            Ok(signals
                .into_iter()
                .fold(false, |any, signal| shell.signal(signal) | any))
        })
    }

    /// Records a survey's answer (`{survey, nps?, csat?, ces?}`) as `feedback.*`,
    /// where `signals.feedback`'s category is granted; a bad field is an error
    /// naming it.
    #[wasm_bindgen(js_name = feedbackAnswer)]
    pub fn feedback_answer(&self, answer: JsValue) -> Result<bool, JsValue> {
        let what = "feedback.answer(answer)";
        let value = argument(answer, what)?;
        let answer = crate::engine::feedback::Answer::from_value(&value)
            .map_err(|why| error::usage(format!("{what}: {why}")))?;
        self.run(|shell| Ok(shell.signal(Signal::Answer(answer))))
    }

    /// Records the sentiment `sentiment()` scored (in thousandths, −1000..1000) as
    /// `feedback.sentiment`, where `signals.feedback`'s category is granted.
    #[wasm_bindgen(js_name = recordSentiment)]
    pub fn record_sentiment(&self, thousandths: i32) -> Result<bool, JsValue> {
        let score = f64::from(thousandths.clamp(-1000, 1000)) / 1000.0;
        let label = crate::engine::sentiment::Label::of(score);
        self.run(|shell| Ok(shell.signal(Signal::Sentiment { label, score })))
    }

    /// The visitor answered `question` of the survey of rule `rule` with `value`
    /// (a score, an option value or a list of them, a text): checked against the
    /// survey and kept as `feedback.*` (a text only as its answered mark: its
    /// sentiment is recorded apart). False when `signals.feedback`'s category is
    /// not granted; an error when the answer does not fit its question or the
    /// survey is not showing.
    #[wasm_bindgen(js_name = surveyAnswer)]
    pub fn survey_answer(
        &self,
        rule: String,
        question: String,
        value: JsValue,
    ) -> Result<bool, JsValue> {
        let what = "surveyAnswer(rule, question, value)";
        let value = argument(value, what)?;
        self.run(|shell| {
            shell
                .survey_answer(&rule, &question, &value)
                .map_err(|why| error::usage(format!("{what}: {why}")))
        })
    }

    /// The visitor closed the pop-up of rule `rule` (the UI part reports it): it
    /// is not shown again in this page view, nor later unless its `recontact`
    /// says so. False when that rule has no pop-up showing.
    #[wasm_bindgen(js_name = promptClosed)]
    pub fn prompt_closed(&self, rule: String) -> Result<bool, JsValue> {
        self.run(|shell| Ok(shell.prompt_closed(&rule)))
    }

    /// A known customer from the site's login: `id` (a string; `null` forgets the
    /// customer, on logout) and `traits` (at most 20 strings, numbers, booleans or
    /// nulls) that conditions read as `traits.*`.
    pub fn identify(&self, id: JsValue, traits: JsValue) -> Result<bool, JsValue> {
        let what = "identify(id, traits)";
        let id = match argument(id, what)? {
            Value::Null => None,
            Value::String(s) if !s.trim().is_empty() && s.chars().count() <= MAX_CUSTOMER_ID_LEN => {
                Some(s.trim().to_owned())
            }
            Value::Number(n) if n.is_finite() => Some(Value::Number(n).to_js_string()),
            _ => {
                return Err(error::usage(format!(
                    "{what}: id must be a non-empty string of at most {MAX_CUSTOMER_ID_LEN} characters, or null"
                )))
            }
        };
        let traits = if traits.is_undefined() || traits.is_null() {
            Props::new()
        } else {
            props_from_value(&argument(traits, what)?, MAX_TRAITS, MAX_TRAIT_VALUE_LEN)
                .map_err(|why| error::usage(format!("{what}: traits {why}")))?
        };
        self.run(|shell| Ok(shell.signal(Signal::Identify { id, traits })))
    }

    /// Where the profile is kept: `"localStorage"`, or `"memory"` when the
    /// browser refuses storage (then nothing survives the page).
    pub fn storage(&self) -> Result<String, JsValue> {
        self.run(|shell| Ok(shell.storage_kind().to_owned()))
    }

    /// The accepted `goals` and `destinations` (defaults filled in) for the
    /// delivery part, or `null` when the config has no destination.
    pub fn delivery(&self) -> Result<JsValue, JsValue> {
        self.run(|shell| {
            let config = shell.engine().config();
            if config.destinations.is_empty() {
                return Ok(JsValue::NULL);
            }
            Ok(to_js(&object(vec![
                (
                    "goals",
                    Value::Array(config.goals.iter().map(|g| g.to_value()).collect()),
                ),
                (
                    "destinations",
                    Value::Array(config.destinations.iter().map(|d| d.to_value()).collect()),
                ),
            ])))
        })
    }

    /// The id experiments bucket on (the unit of `vitrine report`), or `undefined`
    /// while its consent is not granted.
    pub fn unit(&self) -> Result<Option<String>, JsValue> {
        self.run(|shell| Ok(shell.engine().unit().map(str::to_owned)))
    }

    /// Adds an item (`{id, name, category, price, quantity}`) to the cart.
    #[wasm_bindgen(js_name = cartAdd)]
    pub fn cart_add(&self, item: JsValue) -> Result<bool, JsValue> {
        let item = CartItem::from_value(&argument(item, "cart.add(item)")?)
            .map_err(|e| error::usage(format!("cart.add(item): {e}")))?;
        self.run(|shell| Ok(shell.signal(Signal::CartAdd(item))))
    }

    /// Replaces the cart with these items (`[]` empties it).
    #[wasm_bindgen(js_name = cartSet)]
    pub fn cart_set(&self, items: JsValue) -> Result<bool, JsValue> {
        let Value::Array(items) = argument(items, "cart.set(items)")? else {
            return Err(error::usage("cart.set(items): items must be an array"));
        };
        let mut list = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match CartItem::from_value(item) {
                Ok(item) => list.push(item),
                Err(e) => return Err(error::usage(format!("cart.set(items): items[{i}]: {e}"))),
            }
        }
        let items = list;
        self.run(|shell| Ok(shell.signal(Signal::CartSet(items))))
    }

    /// Removes the cart line with this id.
    #[wasm_bindgen(js_name = cartRemove)]
    pub fn cart_remove(&self, id: String) -> Result<bool, JsValue> {
        self.run(|shell| Ok(shell.signal(Signal::CartRemove { id })))
    }

    /// `{items, count, total, currency}` as vitrine sees the cart.
    #[wasm_bindgen(js_name = cartGet)]
    pub fn cart_get(&self) -> Result<JsValue, JsValue> {
        self.run(|shell| {
            let profile = shell.engine().profile();
            Ok(to_js(&object(vec![
                ("items", CartItem::list_value(profile.cart_items())),
                ("count", Value::Number(f64::from(profile.cart_count()))),
                ("total", Value::Number(profile.cart_total())),
                ("currency", Value::from("BRL")),
            ])))
        })
    }

    /// `{category: granted}` for every category of the config.
    #[wasm_bindgen(js_name = consentGet)]
    pub fn consent_get(&self) -> Result<JsValue, JsValue> {
        self.run(|shell| Ok(to_js(&state_value(&shell.engine().consent().granted))))
    }

    /// Grants or withdraws categories (`{personalization: true}`); withdrawal purges
    /// the category's stored data and reverts its rules before this returns.
    #[wasm_bindgen(js_name = consentSet)]
    pub fn consent_set(
        &self,
        changes: JsValue,
        source: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let bad = || error::usage("consent.set(changes): expected {category: true|false}");
        let Value::Object(entries) = argument(changes, "consent.set(changes)")? else {
            return Err(bad());
        };
        let mut changes = Vec::new();
        for (category, granted) in entries {
            match granted {
                Value::Bool(g) => changes.push((category, g)),
                _ => return Err(bad()),
            }
        }
        let source = source.unwrap_or_else(|| "api".into());
        let source = match source.as_str() {
            "api" | "panel" => source,
            _ => "api".into(),
        };
        self.run(|shell| {
            let change = shell
                .engine_mut()
                .set_consent(&changes, &source, page::now_ms())
                .map_err(|e| error::usage(format!("consent.set: {e}")))?;
            shell.consent_changed(&source);
            let list = |ids: Vec<String>| Value::Array(ids.into_iter().map(Value::from).collect());
            Ok(to_js(&object(vec![
                ("granted", list(change.granted)),
                ("withdrawn", list(change.withdrawn)),
            ])))
        })
    }

    /// For the consent panel and the privacy center: the consent version, whether
    /// Global Privacy Control was honoured, the categories the visitor chose
    /// explicitly, and per category its texts, state and what it unlocks.
    #[wasm_bindgen(js_name = consentInfo)]
    pub fn consent_info(&self) -> Result<JsValue, JsValue> {
        self.run(|shell| {
            let engine = shell.engine();
            let consent = engine.consent();
            let mut categories = engine.config().privacy_map();
            if let Value::Array(items) = &mut categories {
                for item in items {
                    if let Value::Object(fields) = item {
                        let id = fields[0].1.as_str().unwrap_or("").to_owned();
                        fields.push(("granted".into(), Value::Bool(consent.is_granted(&id))));
                    }
                }
            }
            let explicit = consent.explicit.iter().map(|c| Value::from(c.as_str()));
            let ui = engine.config().consent.ui.as_deref();
            Ok(to_js(&object(vec![
                ("version", Value::Number(f64::from(consent.version))),
                ("ui", ui.map_or(Value::Null, Value::from)),
                ("gpc", Value::Bool(shell.gpc())),
                (
                    "gpcCategories",
                    Value::Array(
                        engine
                            .config()
                            .consent
                            .bridges
                            .gpc
                            .iter()
                            .flatten()
                            .map(|c| Value::from(c.as_str()))
                            .collect(),
                    ),
                ),
                ("explicit", Value::Array(explicit.collect())),
                ("categories", categories),
            ])))
        })
    }

    /// Everything stored about the visitor, as one JSON-compatible object.
    #[wasm_bindgen(js_name = profileExport)]
    pub fn profile_export(&self) -> Result<JsValue, JsValue> {
        self.run(|shell| Ok(to_js(&shell.engine().export(page::now_ms()))))
    }

    /// Deletes everything stored about the visitor (consent included) and reverts.
    #[wasm_bindgen(js_name = profileErase)]
    pub fn profile_erase(&self) -> Result<(), JsValue> {
        self.run(|shell| {
            shell.erase();
            Ok(())
        })
    }

    /// The attribute document conditions currently see (for debugging rules).
    pub fn attributes(&self) -> Result<JsValue, JsValue> {
        self.run(|shell| Ok(to_js(&shell.engine().attributes())))
    }

    /// Why each rule and experiment is applied or not:
    /// `[{kind, id, applied, variant?, reason}]`, rules first, in config order.
    pub fn decisions(&self) -> Result<JsValue, JsValue> {
        self.run(|shell| Ok(to_js(&Value::Array(shell.engine().decision_values()))))
    }

    /// Re-evaluates every rule and experiment and re-applies the plan to the DOM as
    /// it is now (after a framework re-rendered a section, for example).
    pub fn refresh(&self) -> Result<(), JsValue> {
        self.run(|shell| {
            shell.refresh();
            Ok(())
        })
    }

    /// The elements vitrine changed right now, with the rule or experiment that
    /// changed each: `[{rule, element}]` (for the debug overlay's highlights).
    pub fn changed(&self) -> Result<js_sys::Array, JsValue> {
        self.run(|shell| {
            let list = js_sys::Array::new();
            for (op, element) in shell.changed_elements() {
                let rule = shell.engine().source_id(op).to_owned();
                list.push(&super::shell::js_object(&[
                    ("rule", rule.into()),
                    ("element", element),
                ]));
            }
            Ok(list)
        })
    }

    /// Reads a large catalog in chunks after start, so no task is long:
    /// `catalogAdd(products, pairs)` for each chunk (the next
    /// `catalog.products[…]` and `catalog.complements[…]`), then `catalogFinish()`.
    /// Problems are `warning` events with the path; bad entries are skipped.
    #[wasm_bindgen(js_name = catalogAdd)]
    pub fn catalog_add(&self, products: JsValue, pairs: JsValue) -> Result<(), JsValue> {
        let products = argument(products, "catalogAdd(products)")?;
        let pairs = argument(pairs, "catalogAdd(pairs)")?;
        self.run(|shell| {
            let mut diags = crate::engine::diagnostic::Diagnostics::default();
            let builder = shell.catalog.get_or_insert_with(Default::default);
            builder.add_products(products.as_array().unwrap_or(&[]), &mut diags);
            builder.add_pairs(pairs.as_array().unwrap_or(&[]), &mut diags);
            for d in diags.items {
                shell.warn(d.to_string());
            }
            Ok(())
        })
    }

    /// Puts the catalog read by `catalogAdd` to use (call `refresh()` after).
    #[wasm_bindgen(js_name = catalogFinish)]
    pub fn catalog_finish(&self) -> Result<(), JsValue> {
        self.run(|shell| {
            let mut diags = crate::engine::diagnostic::Diagnostics::default();
            let catalog = shell.catalog.take().unwrap_or_default().finish(&mut diags);
            for d in diags.items {
                shell.warn(d.to_string());
            }
            // Applied by the next update (`refresh()`), in a task of its own.
            shell.engine_mut().set_catalog(catalog);
            Ok(())
        })
    }

    /// Ids of the rules applied right now.
    pub fn applied(&self) -> Result<Vec<String>, JsValue> {
        self.run(|shell| {
            Ok(shell
                .engine()
                .applied_rules()
                .iter()
                .map(|s| (*s).to_owned())
                .collect())
        })
    }

    /// Writes pending data, reverts every change, detaches every listener.
    /// Calling it twice is harmless.
    pub fn stop(&mut self) {
        if let Some(shell) = self.shell.take() {
            with_shell(&shell, Shell::stop);
        }
    }
}
