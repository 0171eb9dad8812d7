//! The collectors the shell owns, attached while their consent category is
//! granted (clicks, dwell, engagement, elements in view, cart sources) and the
//! lifecycle hooks that only flush storage; the dwell tick.

use super::*;

impl Shell {
    pub(super) fn granted(&self, aggregate: Aggregate) -> bool {
        let engine = &self.engine;
        engine
            .consent()
            .is_granted(engine.config().category_of(aggregate))
    }

    /// Collectors exist only while their category is granted (collection gate).
    pub(super) fn sync_collectors(&mut self) {
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
                            .and_then(crate::browser::visibility::product_of)
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
                let wants: fn(&Signal) -> bool = |s| !matches!(s, Signal::Search { .. });
                self.cart_sources =
                    Some(Rc::new(CartSources::attach(self.sink.clone(), true, wants)));
                // Entries pushed before vitrine loaded (or before consent) count too.
                self.read_data_layer();
            }
        } else {
            self.cart_sources = None;
        }
        if self.granted(Aggregate::Search) {
            if self.search_sources.is_none() {
                let wants: fn(&Signal) -> bool = |s| matches!(s, Signal::Search { .. });
                self.search_sources = Some(Rc::new(CartSources::attach(
                    self.sink.clone(),
                    false,
                    wants,
                )));
                self.read_data_layer();
            }
        } else {
            self.search_sources = None;
        }
        if self.granted(Aggregate::Dwell) {
            if self.engagement.is_none() {
                self.activity.set(page::now_ms());
                self.engagement =
                    Some(Engagement::attach(self.sink.clone(), self.activity.clone()));
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

    pub(super) fn dwell_tick(&mut self) {
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

    pub(super) fn attach_lifecycle(&mut self, document: &web_sys::Document) {
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
                // A null key means the whole storage was cleared; the delivery
                // part's queues change with every event and are not the profile's.
                let ours = key.is_some_and(|k| {
                    k.is_none_or(|k| {
                        k.starts_with(crate::browser::storage::PREFIX)
                            && !crate::browser::storage::is_queue(&k)
                    })
                });
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

    /// Reads dataLayer entries not read yet (also called on every dwell tick, to
    /// catch entries pushed through a `push` another script replaced).
    pub fn read_data_layer(&mut self) {
        self.read_consent_mode();
        // vitrine's own exposure entries are not page events.
        let own = self
            .engine
            .config()
            .exposures
            .as_ref()
            .map(|s| s.event.clone());
        for sources in [self.cart_sources.clone(), self.search_sources.clone()]
            .into_iter()
            .flatten()
        {
            for input in sources.read_new(own.as_deref()) {
                self.handle(input);
            }
        }
    }
}
