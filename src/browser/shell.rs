//! One running vitrine on one page: the engine plus its browser handles.
//!
//! The shell owns the engine, the applier, storage, the collectors (listeners and
//! timers, attached only while their consent category is granted) and the page
//! lifecycle hooks that flush storage. It is shared as `Rc<RefCell<Shell>>` between
//! the API object and the callbacks; events for the site's callbacks are queued
//! while the shell is borrowed and delivered after, so a callback may call back into
//! vitrine. A callback that runs while the shell is busy is skipped, never panics.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen::{JsCast, JsValue};

use crate::engine::config::Config;
use crate::engine::diagnostic::Diagnostic;
use crate::engine::profile::Aggregate;
use crate::engine::runtime::Engine;
use crate::engine::signal::Signal;

use super::applier::Applier;
use super::cmp::ConsentBridges;
use super::engagement::Engagement;
use super::json::to_js;
use super::listener::EventListener;
use super::page;
use super::render::Render;
use super::sources::CartSources;
use super::storage::Storage;
use super::visibility::InView;
use super::watcher::Watcher;
use crate::engine::action::ActionKind;
use crate::engine::affinity::Interest;
use crate::engine::recommend::Slot;

pub type Shared = Rc<RefCell<Shell>>;

/// How long changes may wait before they are written (coalescing writes).
const FLUSH_DELAY_MS: u32 = 1_000;
/// How often visible time on the page is added to dwell.
const DWELL_TICK_MS: u32 = 1_000;
/// Without interaction for this long the visitor is idle: time stops counting as
/// dwell, and idle time is reported (for `idle` triggers) in steps of `IDLE_STEP_MS`.
const IDLE_AFTER_MS: f64 = 30_000.0;
const IDLE_STEP_MS: f64 = 5_000.0;

pub struct Shell {
    engine: Engine,
    applier: Applier,
    storage: Option<Storage>,
    emit: js_sys::Function,
    debug: bool,
    outbox: Vec<(&'static str, JsValue)>,
    click_collector: Option<EventListener>,
    dwell_collector: Option<Interval>,
    last_tick_ms: f64,
    /// Scroll, exit intent, idle and SPA navigation collectors.
    engagement: Option<Engagement>,
    /// Marked elements and product cards in view (dwell per element, affinity).
    in_view: Option<InView>,
    /// Late and re-rendered targets (not consent-gated: it collects nothing).
    watcher: Option<Watcher>,
    /// Consent Mode and TCF readers (necessary: they carry consent itself).
    bridges: Option<ConsentBridges>,
    /// The browser sends Global Privacy Control and the config honours it.
    gpc: bool,
    /// A large catalog being read in chunks after start.
    pub catalog: Option<crate::engine::catalog::CatalogBuilder>,
    /// GA4 dataLayer ecommerce events and `vitrine:cart` events.
    cart_sources: Option<Rc<CartSources>>,
    /// When the visitor last interacted (set by the engagement collectors).
    activity: Rc<Cell<f64>>,
    /// The idle time last reported, so idle is reported in steps.
    idle_reported: f64,
    lifecycle: Vec<EventListener>,
    flush_timer: Option<Timeout>,
    /// Consent Mode defaults waiting for the CMP's update (`wait_for_update`),
    /// acted on when the timer fires unless an update settled them first.
    waiting_defaults: Vec<(String, bool)>,
    defaults_timer: Option<Timeout>,
    weak: Weak<RefCell<Shell>>,
}

/// Plain JS object from pairs.
pub fn js_object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(k), v);
    }
    object.into()
}

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

impl Shell {
    /// Starts on the current page: restores storage, applies the plan, attaches
    /// collectors for granted categories.
    pub fn start(config: Config, emit: js_sys::Function, debug: bool) -> Result<Shared, JsValue> {
        let document = page::document()
            .ok_or_else(|| super::error::usage("start() needs a page with a document"))?;
        let mut warnings = Vec::new();
        let storage = match Storage::detect() {
            Ok(s) => Some(s),
            Err(why) => {
                warnings.push(format!(
                    "localStorage is unavailable ({why}); running from memory only"
                ));
                None
            }
        };
        let (stored, read_warnings) = storage.as_ref().map(Storage::read_all).unwrap_or_default();
        warnings.extend(read_warnings);
        let (engine, engine_warnings) = Engine::new(
            config,
            stored,
            &page::random_id(),
            page::context(),
            page::now_ms(),
        );
        warnings.extend(engine_warnings);
        let shared = Rc::new_cyclic(|weak| {
            RefCell::new(Shell {
                engine,
                applier: Applier::new(document.clone()),
                storage,
                emit,
                debug,
                outbox: Vec::new(),
                click_collector: None,
                dwell_collector: None,
                last_tick_ms: page::now_ms(),
                engagement: None,
                in_view: None,
                watcher: None,
                bridges: None,
                gpc: false,
                catalog: None,
                cart_sources: None,
                activity: Rc::new(Cell::new(page::now_ms())),
                idle_reported: 0.0,
                lifecycle: Vec::new(),
                flush_timer: None,
                waiting_defaults: Vec::new(),
                defaults_timer: None,
                weak: weak.clone(),
            })
        });
        with_shell(&shared, |shell| {
            for w in warnings {
                shell.warn(w);
            }
            // Consent signals first, so the first plan already follows them.
            let bridges = &shell.engine.config().consent.bridges;
            shell.gpc = bridges.gpc.is_some() && super::cmp::global_privacy_control();
            shell.bridges = Some(ConsentBridges::attach(shell.weak.clone(), bridges));
            shell.apply_gpc();
            shell.read_consent_mode();
            shell.read_tcf_pending();
            shell.update();
            shell.flush();
            shell.attach_lifecycle(&document);
            shell.sync_collectors();
            shell.watcher = Watcher::attach(shell.weak.clone());
        });
        Ok(shared)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// Queues an event for the site's `on(...)` callbacks.
    pub fn queue(&mut self, name: &'static str, detail: JsValue) {
        self.outbox.push((name, detail));
    }

    /// Something went wrong that the page can live with: logged in debug mode,
    /// always available as a `warning` event.
    pub fn warn(&mut self, message: String) {
        if self.debug {
            web_sys::console::warn_1(&format!("[vitrine] {message}").into());
        }
        self.queue("warning", js_object(&[("message", message.into())]));
    }

    pub fn changed_elements(&self) -> Vec<(crate::engine::plan::OpId, web_sys::Element)> {
        self.applier.changed_elements()
    }

    /// Where the profile is kept.
    pub fn storage_kind(&self) -> &'static str {
        if self.storage.is_some() {
            "localStorage"
        } else {
            "memory"
        }
    }

    /// Feeds a signal, then re-plans and schedules a write if it was accepted.
    pub fn signal(&mut self, signal: Signal) -> bool {
        // Dwell ticks every second; its total is written with the next other change
        // or when the page is hidden, not once a second.
        let is_tick = matches!(signal, Signal::Dwell { .. } | Signal::Interest(_));
        let was_abandoned = self.engine.cart_abandoned();
        let accepted = self.engine.signal(signal, page::now_ms());
        if accepted {
            if !was_abandoned && self.engine.cart_abandoned() {
                let cart = self.engine.attributes().get("cart").cloned();
                self.queue("abandon", to_js(&cart.unwrap_or_default()));
            }
            self.update();
            if !is_tick {
                self.schedule_flush();
            }
        }
        accepted
    }

    /// Brings the page in line with the engine's plan.
    pub fn update(&mut self) {
        // No early return on an empty op diff: an experiment's control variant
        // changes nothing on the page but is still an exposure.
        let diff = self.engine.update();
        if !diff.apply.is_empty() || !diff.revert.is_empty() || self.applier.has_dynamic() {
            // Templates and reorder read the attributes: built once per update, and
            // only when some operation needs them.
            let dynamic = self.applier.has_dynamic()
                || diff
                    .apply
                    .iter()
                    .any(|op| self.engine.action(*op).is_some_and(|a| a.kind.is_dynamic()));
            let attributes = if dynamic {
                self.engine.attributes()
            } else {
                crate::engine::Value::Null
            };
            let engine = &self.engine;
            let recommend = |slot: &Slot| engine.recommendations(slot);
            let render = Render::new(&attributes, Some(&recommend));
            let mut warnings = Vec::new();
            for op in &diff.revert {
                self.applier.revert(*op, &render);
            }
            // Rendered content that changed with the attributes is written again.
            let stale = self.applier.stale_dynamic(&render);
            for op in &stale {
                self.applier.revert(*op, &render);
            }
            for op in diff.apply.iter().chain(&stale) {
                let Some(action) = engine.action(*op).cloned() else {
                    continue;
                };
                let result = match &action.kind {
                    ActionKind::Redirect { url, cross_origin } => redirect(url, *cross_origin),
                    _ => self.applier.apply(*op, &action, &render).map(|_| ()),
                };
                if let Err(why) = result {
                    warnings.push(format!("rule \"{}\": {why}", engine.source_id(*op)));
                }
            }
            for warning in warnings {
                self.warn(warning);
            }
        }
        for &i in &diff.stopped {
            let rule = self.engine.decision_id(i).to_owned();
            self.queue("revert", js_object(&[("rule", rule.as_str().into())]));
        }
        for &i in &diff.started {
            let rule = self.engine.decision_id(i).to_owned();
            self.queue("apply", js_object(&[("rule", rule.as_str().into())]));
            // An exposure: the visitor now sees this rule or experiment variant.
            if let Some(decision) = self.engine.decision_value_at(i) {
                self.push_to_data_layer(&decision);
                self.queue("exposure", to_js(&decision));
            }
        }
    }

    /// `window.dataLayer.push({event, vitrine_kind, vitrine_id, vitrine_variant})`
    /// when the config asks for it and its consent categories are granted.
    fn push_to_data_layer(&mut self, decision: &crate::engine::Value) {
        let Some(sink) = &self.engine.config().exposures else {
            return;
        };
        if !sink
            .consent
            .iter()
            .all(|c| self.engine.consent().is_granted(c))
        {
            return;
        }
        let Some(window) = page::window() else { return };
        let text = |k: &str| {
            decision
                .get(k)
                .and_then(|v| v.as_str())
                .map(JsValue::from_str)
        };
        let entry = js_object(&[
            ("event", JsValue::from_str(&sink.event)),
            ("vitrine_kind", text("kind").unwrap_or(JsValue::UNDEFINED)),
            ("vitrine_id", text("id").unwrap_or(JsValue::UNDEFINED)),
            (
                "vitrine_variant",
                text("variant").unwrap_or(JsValue::UNDEFINED),
            ),
        ]);
        let key = JsValue::from_str("dataLayer");
        let mut layer = js_sys::Reflect::get(&window, &key).unwrap_or(JsValue::UNDEFINED);
        if layer.is_undefined() || layer.is_null() {
            layer = js_sys::Array::new().into();
            let _ = js_sys::Reflect::set(&window, &key, &layer);
        }
        // GTM replaces `push`; call whatever is there, and never let it break us.
        let pushed = js_sys::Reflect::get(&layer, &JsValue::from_str("push"))
            .ok()
            .and_then(|p| p.dyn_into::<js_sys::Function>().ok())
            .map(|push| push.call1(&layer, &entry));
        if !matches!(pushed, Some(Ok(_))) {
            self.warn("could not push the exposure onto window.dataLayer".into());
        }
    }

    fn sync_from_storage(&mut self) {
        let Some(storage) = self.storage.as_ref() else {
            return;
        };
        let (stored, warnings) = storage.read_all();
        for w in warnings {
            self.warn(w);
        }
        if self.engine.sync_from_storage(stored) {
            let state = to_js(&crate::engine::consent::state_value(
                &self.engine.consent().granted,
            ));
            self.queue(
                "consent",
                js_object(&[("state", state), ("source", "storage".into())]),
            );
            self.sync_collectors();
        }
        self.update();
    }

    /// Full re-evaluation, then every applied operation re-applied to the current DOM.
    pub fn refresh(&mut self) {
        self.engine.invalidate();
        self.update();
        self.reapply();
    }

    /// Every applied operation undone and applied again to the DOM as it is now.
    fn reapply(&mut self) {
        let attributes = self.engine.attributes();
        let engine = &self.engine;
        let recommend = |slot: &Slot| engine.recommendations(slot);
        self.applier
            .refresh(&Render::new(&attributes, Some(&recommend)));
    }

    /// After the page changed (in the MutationObserver callback): applies to new
    /// targets and re-applies to re-rendered ones. The attributes are built only
    /// when an applied operation renders from them: a page re-rendering often
    /// must not pay for a profile document each time.
    pub fn heal(&mut self) {
        let attributes = if self.applier.has_dynamic() {
            self.engine.attributes()
        } else {
            crate::engine::Value::Null
        };
        let engine = &self.engine;
        let recommend = |slot: &Slot| engine.recommendations(slot);
        let render = Render::new(&attributes, Some(&recommend));
        let warning = self.applier.heal(&render, page::now_ms());
        if let Some(warning) = warning {
            self.warn(warning);
        }
    }

    /// After a consent change: purge and revert at once, attach or detach collectors.
    pub fn consent_changed(&mut self, source: &str) {
        // The consent event comes first, then the applies/reverts it caused.
        let state = to_js(&crate::engine::consent::state_value(
            &self.engine.consent().granted,
        ));
        self.queue(
            "consent",
            js_object(&[("state", state), ("source", source.into())]),
        );
        self.update();
        self.flush();
        self.sync_collectors();
        let bridges = &self.engine.config().consent.bridges;
        if source == "panel" && bridges.emit_consent_mode {
            let consent = self.engine.consent();
            super::cmp::emit_consent_mode(bridges, &|c| consent.is_granted(c));
        }
    }

    fn granted(&self, aggregate: Aggregate) -> bool {
        let engine = &self.engine;
        engine
            .consent()
            .is_granted(engine.config().category_of(aggregate))
    }

    /// Collectors exist only while their category is granted (collection gate).
    fn sync_collectors(&mut self) {
        let Some(document) = page::document() else {
            return;
        };
        // Clicks feed three kinds of data: click counts, affinity (product cards)
        // and recommendation_click events.
        if self.granted(Aggregate::Clicks)
            || self.granted(Aggregate::Affinity)
            || self.granted(Aggregate::Events)
        {
            if self.click_collector.is_none() {
                let weak = self.weak.clone();
                let selectors = self.engine.config().tracking.clicks.clone();
                self.click_collector =
                    Some(EventListener::new(&document, "click", true, move |event| {
                        let Some(target) = event
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        else {
                            return;
                        };
                        let Some(shared) = weak.upgrade() else { return };
                        let closest = |s: &str| target.closest(s).ok().flatten();
                        let mut signals = Vec::new();
                        if let Some(key) = closest("[data-vitrine-track]")
                            .and_then(|el| el.get_attribute("data-vitrine-track"))
                            .filter(|k| !k.trim().is_empty())
                        {
                            signals.push(Signal::Click { key });
                        }
                        for (selector, key) in &selectors {
                            if closest(selector).is_some() {
                                signals.push(Signal::Click { key: key.clone() });
                            }
                        }
                        if let Some(card) = closest("[data-vitrine-rec]") {
                            let attr = |n: &str| card.get_attribute(n).unwrap_or_default();
                            let rank = attr("data-vitrine-rank").parse::<u32>().unwrap_or(0);
                            signals.push(Signal::Track {
                                name: "recommendation_click".into(),
                                props: vec![
                                    ("slot".into(), attr("data-vitrine-rec").as_str().into()),
                                    ("rank".into(), crate::engine::Value::Number(f64::from(rank))),
                                    ("product".into(), attr("data-product-id").as_str().into()),
                                ],
                            });
                        }
                        if let Some(product) = closest("[data-product-id]")
                            .as_ref()
                            .and_then(super::visibility::product_of)
                        {
                            signals.push(Signal::Interest(vec![(product, Interest::Click)]));
                        }
                        with_shell(&shared, |shell| {
                            for signal in signals {
                                shell.signal(signal);
                            }
                        });
                    }));
            }
        } else {
            self.click_collector = None;
        }
        if self.granted(Aggregate::Dwell) {
            if self.dwell_collector.is_none() {
                self.last_tick_ms = page::now_ms();
                let weak = self.weak.clone();
                self.dwell_collector = Some(Interval::new(DWELL_TICK_MS, move || {
                    if let Some(shared) = weak.upgrade() {
                        with_shell(&shared, Shell::dwell_tick);
                    }
                }));
            }
        } else {
            self.dwell_collector = None;
        }
        if self.granted(Aggregate::Cart) {
            if self.cart_sources.is_none() {
                self.cart_sources = Some(Rc::new(CartSources::attach(self.weak.clone())));
                // Entries pushed before vitrine loaded (or before consent) count too.
                self.read_data_layer();
            }
        } else {
            self.cart_sources = None;
        }
        if self.granted(Aggregate::Dwell) {
            if self.engagement.is_none() {
                self.activity.set(page::now_ms());
                self.engagement =
                    Some(Engagement::attach(self.weak.clone(), self.activity.clone()));
            }
        } else {
            self.engagement = None;
        }
        if self.granted(Aggregate::Dwell) {
            if self.in_view.is_none() {
                self.in_view = InView::attach();
            }
        } else {
            self.in_view = None;
        }
    }

    /// A change from a CMP signal or GPC (precedence is the engine's).
    pub fn cmp_consent(&mut self, changes: &[(String, bool)], source: &str) {
        if changes.is_empty() {
            return;
        }
        match self.engine.set_consent(changes, source, page::now_ms()) {
            Ok(change) if !change.granted.is_empty() || !change.withdrawn.is_empty() => {
                self.consent_changed(source)
            }
            Ok(_) => {}
            Err(why) => self.warn(format!("{source}: {why}")),
        }
    }

    /// GPC denies its categories (unless the visitor chose otherwise in vitrine).
    fn apply_gpc(&mut self) {
        if !self.gpc {
            return;
        }
        let deny = self
            .engine
            .config()
            .consent
            .bridges
            .gpc
            .clone()
            .unwrap_or_default();
        self.engine.set_gpc(deny.clone());
        let changes: Vec<(String, bool)> = deny.into_iter().map(|c| (c, false)).collect();
        self.cmp_consent(&changes, "gpc");
    }

    /// A CMP that answered while vitrine was starting (synchronously, inside
    /// `addEventListener`) is heard now.
    fn read_tcf_pending(&mut self) {
        let Some(data) = self
            .bridges
            .as_ref()
            .and_then(ConsentBridges::take_pending_tcf)
        else {
            return;
        };
        let changes = self.engine.config().consent.bridges.from_tcf(&data);
        self.cmp_consent(&changes, "tcf");
    }

    /// Consent Mode: an `update` is the CMP's report of the visitor's choice; a
    /// `default` only sets what no CMP and no visitor chose (the engine decides),
    /// and with `wait_for_update` only once that time passed without an update.
    fn read_consent_mode(&mut self) {
        let read = match &self.bridges {
            Some(b) => b.read_consent_mode(&self.engine.config().consent.bridges),
            None => return,
        };
        let settled = |c: &String| read.updates.iter().any(|(u, _)| u == c);
        self.waiting_defaults.retain(|(c, _)| !settled(c));
        if read.wait_ms > 0.0 {
            for (category, granted) in read.defaults {
                self.waiting_defaults.retain(|(c, _)| *c != category);
                self.waiting_defaults.push((category, granted));
            }
            let weak = self.weak.clone();
            self.defaults_timer = Some(Timeout::new(read.wait_ms as u32, move || {
                if let Some(shared) = weak.upgrade() {
                    with_shell(&shared, Shell::act_on_waiting_defaults);
                }
            }));
        } else {
            self.cmp_consent(&read.defaults, "consent-mode-default");
        }
        self.cmp_consent(&read.updates, "consent-mode");
    }

    fn act_on_waiting_defaults(&mut self) {
        self.defaults_timer = None;
        let defaults = std::mem::take(&mut self.waiting_defaults);
        self.cmp_consent(&defaults, "consent-mode-default");
    }

    /// Whether Global Privacy Control was received and honoured.
    pub fn gpc(&self) -> bool {
        self.gpc
    }

    /// Reads dataLayer entries not read yet (also called on every dwell tick, to
    /// catch entries pushed through a `push` another script replaced).
    pub fn read_data_layer(&mut self) {
        self.read_consent_mode();
        if let Some(sources) = self.cart_sources.clone() {
            sources.read_new(self);
        }
    }

    /// A page view without a page load (pushState, replaceState, popstate,
    /// hashchange): the engine sees the new URL, rules are decided again, and
    /// applied changes are re-applied to the route's new content.
    pub fn navigated(&mut self) {
        let context = page::context();
        // A hash change fires both popstate and hashchange; replaceState to the
        // same URL changes nothing: one URL, one page view.
        if context.url == self.engine.context().url {
            return;
        }
        self.engine.page_view(context, page::now_ms());
        self.idle_reported = 0.0;
        self.update();
        self.reapply();
        self.schedule_flush();
    }

    fn dwell_tick(&mut self) {
        self.read_data_layer();
        let now = page::now_ms();
        let elapsed = now - self.last_tick_ms;
        self.last_tick_ms = now;
        let visible = page::document().is_some_and(|d| !d.hidden());
        let idle = now - self.activity.get();
        if idle < self.idle_reported {
            self.idle_reported = 0.0; // the visitor came back
        }
        if visible && idle - self.idle_reported >= IDLE_STEP_MS {
            self.idle_reported = idle;
            self.signal(Signal::Idle { idle_ms: idle });
        }
        // A long gap means the tab was frozen or the machine slept: that is not dwell.
        if let Some(in_view) = self.in_view.as_mut() {
            in_view.scan();
        }
        if visible
            && idle < IDLE_AFTER_MS
            && elapsed > 0.0
            && elapsed < f64::from(DWELL_TICK_MS) * 3.0
        {
            let seen = self.in_view.as_ref().map(InView::seen).unwrap_or_default();
            let mut elements = Vec::new();
            let mut products = Vec::new();
            for s in seen {
                elements.extend(s.key);
                if let Some(p) = s.product {
                    products.push((p, Interest::Dwell(elapsed)));
                }
            }
            self.signal(Signal::Dwell {
                active_ms: elapsed,
                elements,
            });
            if !products.is_empty() {
                self.signal(Signal::Interest(products));
            }
        }
    }

    fn attach_lifecycle(&mut self, document: &web_sys::Document) {
        let Some(window) = page::window() else { return };
        let flush_now = |weak: Weak<RefCell<Shell>>| {
            move |_event: web_sys::Event| {
                if let Some(shared) = weak.upgrade() {
                    with_shell(&shared, Shell::flush);
                }
            }
        };
        // Another tab wrote vitrine data: take it over (cart, consent, erasure).
        let weak = self.weak.clone();
        self.lifecycle.push(EventListener::new(
            &window,
            "storage",
            false,
            move |event| {
                let key = event
                    .dyn_ref::<web_sys::StorageEvent>()
                    .map(web_sys::StorageEvent::key);
                // A null key means the whole storage was cleared.
                let ours =
                    key.is_some_and(|k| k.is_none_or(|k| k.starts_with(super::storage::PREFIX)));
                if let (true, Some(shared)) = (ours, weak.upgrade()) {
                    with_shell(&shared, Shell::sync_from_storage);
                }
            },
        ));
        self.lifecycle.push(EventListener::new(
            &window,
            "pagehide",
            false,
            flush_now(self.weak.clone()),
        ));
        self.lifecycle.push(EventListener::new(
            document,
            "visibilitychange",
            false,
            flush_now(self.weak.clone()),
        ));
        if document.ready_state() == "loading" {
            // Elements parsed after start are reached once the document is complete.
            let weak = self.weak.clone();
            self.lifecycle.push(EventListener::new(
                document,
                "DOMContentLoaded",
                false,
                move |_| {
                    if let Some(shared) = weak.upgrade() {
                        with_shell(&shared, Shell::reapply);
                    }
                },
            ));
        }
    }

    fn schedule_flush(&mut self) {
        if self.flush_timer.is_some() {
            return;
        }
        let weak = self.weak.clone();
        self.flush_timer = Some(Timeout::new(FLUSH_DELAY_MS, move || {
            if let Some(shared) = weak.upgrade() {
                with_shell(&shared, Shell::flush);
            }
        }));
    }

    /// Writes what changed since the last flush; deletes purged partitions first.
    pub fn flush(&mut self) {
        self.flush_timer = None;
        let writes = self.engine.take_storage_writes();
        let Some(storage) = self.storage.as_ref() else {
            return;
        };
        for category in &writes.remove {
            storage.remove(category);
        }
        let mut failures = Vec::new();
        for (category, partition) in &writes.write {
            if let Err(why) = storage.write(category, partition) {
                failures.push(why);
            }
        }
        for why in failures {
            self.warn(why);
        }
    }

    /// Deletes every vitrine key, including ones this config does not know.
    pub fn erase(&mut self) {
        self.engine.erase();
        self.update();
        self.flush();
        if let Some(storage) = self.storage.as_ref() {
            storage.clear();
        }
        self.sync_collectors();
        self.queue("erase", JsValue::UNDEFINED);
        // The browser still sends GPC: it applies to the fresh state too.
        self.apply_gpc();
    }

    /// Writes pending data, reverts the page, detaches everything.
    pub fn stop(&mut self) {
        self.flush();
        self.click_collector = None;
        self.dwell_collector = None;
        self.engagement = None;
        self.in_view = None;
        self.watcher = None;
        // Hooks on dataLayer.push come off in the reverse order they went on.
        self.cart_sources = None;
        self.bridges = None;
        self.defaults_timer = None;
        self.waiting_defaults.clear();
        self.lifecycle.clear();
        self.applier.revert_all();
        self.engine.reset_applied();
    }
}

/// Runs `f` with the shell borrowed, then delivers the queued events. Returns `None`
/// when the shell is already borrowed (a callback re-entered from inside vitrine).
pub fn with_shell<R>(shared: &Shared, f: impl FnOnce(&mut Shell) -> R) -> Option<R> {
    // The generic part stays a few bytes; the work is in one non-generic function
    // instead of a copy per call site (this saves kilobytes of wasm).
    let mut f = Some(f);
    let mut result = None;
    let ran = run_with_shell(shared, &mut |shell| {
        if let Some(f) = f.take() {
            result = Some(f(shell));
        }
    });
    if ran {
        result
    } else {
        None
    }
}

fn run_with_shell(shared: &Shared, f: &mut dyn FnMut(&mut Shell)) -> bool {
    let (emit, events) = {
        let Ok(mut shell) = shared.try_borrow_mut() else {
            return false;
        };
        // The page's own changes made before this call are kept for the watcher;
        // the ones vitrine makes now are dropped, so it never reacts to itself.
        let page_changed = shell.watcher.as_ref().is_some_and(Watcher::page_changed);
        f(&mut shell);
        if let Some(watcher) = shell.watcher.as_ref() {
            watcher.discard();
            if page_changed {
                watcher.schedule();
            }
        }
        let events = std::mem::take(&mut shell.outbox);
        (shell.emit.clone(), events)
    };
    for (name, detail) in events {
        // The JS side catches errors thrown by the site's callbacks.
        let _ = emit.call2(&JsValue::NULL, &JsValue::from_str(name), &detail);
    }
    true
}

/// Sends the visitor to `url` (resolved against this page): same origin unless the
/// action allows another, never to this same URL, and at most 3 times in 10 seconds
/// in this tab (a loop between two rules, or two pages, stops there).
fn redirect(url: &str, cross_origin: bool) -> Result<(), String> {
    let window = page::window().ok_or("no window")?;
    let location = window.location();
    let here = location.href().map_err(|e| super::error::describe(&e))?;
    let target = web_sys::Url::new_with_base(url, &here).map_err(|e| super::error::describe(&e))?;
    let origin = location.origin().unwrap_or_default();
    if !matches!(target.protocol().as_str(), "http:" | "https:") {
        return Err(format!("redirect to \"{url}\" refused: not http(s)"));
    }
    if target.origin() != origin && !cross_origin {
        return Err(format!(
            "redirect to another site ({}) refused: add \"crossOrigin\": true to allow it",
            target.origin()
        ));
    }
    let destination = target.href();
    if destination.split('#').next() == here.split('#').next() {
        return Ok(()); // already there
    }
    // Loop guard in sessionStorage (this tab only; a safety record, not profile data).
    let now = page::now_ms();
    let store = window.session_storage().ok().flatten();
    let key = "vitrine:redirects";
    // Whole milliseconds: parsing them as integers keeps Rust's float parser
    // (and its tables) out of the wasm.
    let now = now as u64;
    let mut recent: Vec<u64> = store
        .as_ref()
        .and_then(|s| s.get_item(key).ok().flatten())
        .map(|v| {
            v.split(',')
                .filter_map(|t| t.parse::<u64>().ok())
                .filter(|t| now.saturating_sub(*t) < 10_000)
                .collect()
        })
        .unwrap_or_default();
    if recent.len() >= 3 {
        return Err("redirect refused: 3 redirects in 10 seconds (a loop?)".into());
    }
    recent.push(now);
    if let Some(s) = store {
        let text: Vec<String> = recent.iter().map(u64::to_string).collect();
        let _ = s.set_item(key, &text.join(","));
    }
    location
        .replace(&destination)
        .map_err(|e| super::error::describe(&e))
}
