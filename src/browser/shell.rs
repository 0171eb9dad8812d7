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
use crate::engine::profile::Aggregate;
use crate::engine::runtime::Engine;
use crate::engine::signal::Signal;

mod collect;
mod consent;
mod events;
mod prompt;

use super::applier::{Applier, JsApplier};
use super::cmp::ConsentBridges;
use super::engagement::Engagement;
use super::input::{Input, Sink};
pub use super::json::js_object;
use super::json::to_js;
use super::listener::EventListener;
use super::page;
use super::redirect::redirect;
use super::render::Render;
pub use super::selectors::check_selectors;
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
    /// Whether an event has a listener (see `Vitrine::start`); none: every event does.
    listening: Option<js_sys::Function>,
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
    /// GA4 search events on the dataLayer (their own category: `signals.search`).
    search_sources: Option<Rc<CartSources>>,
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
    /// What adapters reported while the shell was busy, handled before it
    /// returns to the page (see `input`).
    inbox: Rc<RefCell<Vec<Input>>>,
    /// The adapters' sink: into the inbox, then handled at once when possible.
    sink: Sink,
    weak: Weak<RefCell<Shell>>,
}

/// The sink the adapters report to: nothing is dropped; an input that comes while
/// the shell is busy waits in the inbox.
fn sink_into(weak: Weak<RefCell<Shell>>, inbox: Rc<RefCell<Vec<Input>>>) -> Sink {
    Rc::new(move |input| {
        inbox.borrow_mut().push(input);
        if let Some(shared) = weak.upgrade() {
            // Busy: the call under way drains the inbox before it returns.
            let _ = with_shell(&shared, |_| {});
        }
    })
}

/// What `Shell::start` is given besides the config (see `Vitrine::start`).
pub struct Start {
    pub emit: js_sys::Function,
    pub debug: bool,
    pub handover: Option<js_sys::Function>,
    pub listening: Option<js_sys::Function>,
    pub preview: bool,
    pub simulated: crate::engine::Value,
    /// The page's applier (js/applier.js).
    pub dom: JsApplier,
}

impl Shell {
    /// Starts on the current page: restores storage, applies the plan, attaches
    /// collectors for granted categories.
    /// `handover` is called right before the first plan is applied (see `Vitrine::start`).
    pub fn start(config: Config, with: Start) -> Result<Shared, JsValue> {
        let Start {
            emit,
            debug,
            handover,
            listening,
            preview,
            simulated,
            dom,
        } = with;
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
        // An editor's preview starts from what is stored and writes nothing back:
        // trying a pop-up must not start the owner's cooldown, nor a cart stay.
        let storage = if preview { None } else { storage };
        // An editor's preview is not a page view.
        let (mut engine, engine_warnings) = Engine::open(
            config,
            stored,
            &page::random_id(),
            page::context(),
            page::now_ms(),
            !preview,
        );
        engine.simulate(simulated);
        warnings.extend(engine_warnings);
        let inbox: Rc<RefCell<Vec<Input>>> = Rc::default();
        let shared = Rc::new_cyclic(|weak| {
            RefCell::new(Shell {
                engine,
                applier: Applier::new(document.clone(), dom),
                storage,
                emit,
                listening,
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
                search_sources: None,
                activity: Rc::new(Cell::new(page::now_ms())),
                idle_reported: 0.0,
                lifecycle: Vec::new(),
                flush_timer: None,
                waiting_defaults: Vec::new(),
                defaults_timer: None,
                inbox: inbox.clone(),
                sink: sink_into(weak.clone(), inbox.clone()),
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
            shell.bridges = Some(ConsentBridges::attach(shell.sink.clone(), bridges));
            shell.apply_gpc();
            shell.read_consent_mode();
            // A CMP that answered synchronously, inside `addEventListener`.
            shell.drain_inbox();
            // The first swap gives the page back in this very task (no frame between).
            if let Some(Err(e)) = handover.map(|h| h.call0(&JsValue::NULL)) {
                shell.warn(["first swap handover: ", &super::error::describe(&e)].concat());
            }
            shell.update();
            shell.flush();
            shell.attach_lifecycle(&document);
            shell.sync_collectors();
            shell.watcher = Watcher::attach(shell.sink.clone());
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

    pub fn changed_elements(&self) -> Vec<(crate::engine::plan::OpId, JsValue)> {
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
            let mut warnings = Vec::new();
            let engine = &self.engine;
            let recommend = |slot: &Slot| engine.recommendations(slot);
            let render = Render::new(&attributes, Some(&recommend));
            // Pop-ups are the UI part's: their requests are queued once the engine
            // is no longer borrowed.
            let mut prompts: Vec<(&'static str, JsValue)> = Vec::new();
            for op in &diff.revert {
                match engine.action(*op).map(|a| &a.kind) {
                    Some(ActionKind::Popup(_)) => {
                        prompts.push(("prompt:close", prompt::closing(engine.source_id(*op))))
                    }
                    _ => self.applier.revert(*op),
                }
            }
            // Rendered content that changed with the attributes is written again,
            // in its place in the stack.
            for op in self.applier.stale_dynamic(&render) {
                if let Some(Err(why)) = engine
                    .action(op)
                    .map(|action| self.applier.replace(op, action, &render))
                {
                    warnings.push(format!("rule \"{}\": {why}", engine.source_id(op)));
                }
            }
            for op in &diff.apply {
                let Some(action) = engine.action(*op).cloned() else {
                    continue;
                };
                let result = match &action.kind {
                    ActionKind::Redirect { url, cross_origin } => redirect(url, *cross_origin),
                    ActionKind::Popup(popup) => {
                        prompt::showing(engine.source_id(*op), popup, &action.selector, &render)
                            .map(|detail| prompts.push(("prompt:show", detail)))
                    }
                    _ => self.applier.apply(*op, &action, &render).map(|_| ()),
                };
                if let Err(why) = result {
                    warnings.push(format!("rule \"{}\": {why}", engine.source_id(*op)));
                }
            }
            for (name, detail) in prompts {
                self.queue(name, detail);
            }
            for warning in warnings {
                self.warn(warning);
            }
        }
        self.announce(&diff);
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
        self.applier.refresh();
    }

    /// After the page changed (in the MutationObserver callback): applies to new
    /// targets and re-applies to re-rendered ones, with what each operation
    /// rendered at the last update (a page re-rendering often pays for no
    /// profile document).
    pub fn heal(&mut self, new_targets: bool) {
        if let Some(warning) = self.applier.heal(new_targets) {
            self.warn(warning);
        }
    }

    /// One report of an adapter.
    fn handle(&mut self, input: Input) {
        match input {
            Input::Signal(signal) => {
                self.signal(signal);
            }
            Input::Warning(message) => self.warn(message),
            Input::DataLayer => self.read_data_layer(),
            Input::Tcf(data) => {
                let changes = self.engine.config().consent.bridges.from_tcf(&data);
                self.cmp_consent(&changes, "tcf");
            }
            Input::Navigated => self.navigated(),
            Input::PageChanged => self.heal(false),
            Input::NewContent => self.heal(true),
        }
    }

    /// Handles what the adapters reported while the shell was busy, in order
    /// (also what handling them reports in turn).
    fn drain_inbox(&mut self) {
        loop {
            let inputs = std::mem::take(&mut *self.inbox.borrow_mut());
            if inputs.is_empty() {
                return;
            }
            for input in inputs {
                self.handle(input);
            }
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
        // Hooks on dataLayer.push come off in the reverse order they went on
        // (the search reader is attached after the cart's when both are granted).
        self.search_sources = None;
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
        if page_changed {
            shell.inbox.borrow_mut().push(Input::PageChanged);
            if let Some(watcher) = shell.watcher.as_ref() {
                watcher.schedule();
            }
        }
        shell.drain_inbox();
        if let Some(watcher) = shell.watcher.as_ref() {
            watcher.discard();
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
