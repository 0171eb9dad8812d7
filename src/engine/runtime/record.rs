//! Recording signals into the profile: what each signal changes, under the
//! collection gate (a signal whose category is not granted is dropped), and which
//! attribute paths it marks changed for the incremental evaluation; identity from
//! `identify` and the URL; cart abandonment.

use super::*;

impl Engine {
    /// Feeds a signal; returns false when consent for it is missing (it is dropped).
    pub fn signal(&mut self, signal: Signal, now_ms: f64) -> bool {
        self.advance_clock(now_ms);
        let aggregate = signal.aggregate();
        if !self.allows(aggregate) {
            return false;
        }
        let path = match &signal {
            Signal::Click { key } => format!("clicks.{}", truncate(key, MAX_KEY_LEN)),
            Signal::CartAdd(_) | Signal::CartRemove { .. } | Signal::CartSet(_) => "cart".into(),
            Signal::Dwell { .. } => "dwell".into(),
            Signal::Track { name, .. } => {
                self.mark_changed(&format!("event_props.{}", truncate(name, MAX_KEY_LEN)));
                format!("events.{}", truncate(name, MAX_KEY_LEN))
            }
            Signal::Scroll { .. } => "scroll".into(),
            Signal::ExitIntent => "exit".into(),
            Signal::Idle { .. } => "idle".into(),
            Signal::Interest(_) => "affinity".into(),
            // A new customer may mean a new bucketing id: decide everything again.
            Signal::Identify { .. } => {
                self.changed_all = true;
                "customer".into()
            }
            Signal::Search { .. } => "search".into(),
            Signal::Sentiment { .. } | Signal::Answer(_) => "feedback".into(),
        };
        self.mark_changed(&path);
        match signal {
            Signal::Click { key } => bump(&mut self.profile.clicks, &key),
            Signal::Track { name, props } => {
                if !self.page.events.contains(&name) && self.page.events.len() < MAX_KEYS {
                    self.page.events.push(truncate(&name, MAX_KEY_LEN));
                }
                bump(&mut self.profile.events, &name);
                remember_props(&mut self.profile.event_props, &name, props);
            }
            // Engagement of this page view only: nothing to store.
            Signal::Scroll { max_pct } => {
                if max_pct.is_finite() {
                    self.page.scroll_pct = self.page.scroll_pct.max(max_pct.clamp(0.0, 100.0));
                }
                return true;
            }
            Signal::ExitIntent => {
                self.page.exit = true;
                self.check_abandonment();
                return true;
            }
            Signal::Idle { idle_ms } => {
                if idle_ms.is_finite() {
                    self.page.idle_ms = self.page.idle_ms.max(idle_ms);
                }
                self.check_abandonment();
                return true;
            }
            Signal::Interest(products) => {
                let half_life = self.config.tracking.half_life_days;
                let session = self.profile.visitor.as_ref().map_or(0, |v| v.sessions);
                // A product card clicked soon after a search is a result the visitor
                // chose: it weighs more, and its category is kept with the searches
                // (only where the search data's category is granted too).
                let after_search = self.allows(Aggregate::Search)
                    && self
                        .profile
                        .search
                        .as_ref()
                        .is_some_and(|s| s.is_recent(now_ms));
                let mut result_clicks = false;
                for (product, interest) in products.iter().take(MAX_KEYS) {
                    let interest = &match interest {
                        Interest::Click if after_search => {
                            if let Some(search) = &mut self.profile.search {
                                search.clicked_category(&product.category);
                            }
                            result_clicks = true;
                            Interest::SearchClick
                        }
                        other => *other,
                    };
                    let affinity = &mut self.profile.affinity;
                    affinity.raise(product, *interest, now_ms, half_life);
                    affinity.note(product, *interest, session);
                    if *interest == Interest::View {
                        self.page.viewing = Some(product.id.clone());
                    }
                }
                // Only a result click changes the search data (not the dwell ticks).
                if result_clicks {
                    self.mark_changed("search");
                    self.touch(Aggregate::Search);
                }
            }
            Signal::Answer(answer) => self
                .profile
                .feedback
                .get_or_insert_with(Default::default)
                .record_answer(answer, now_ms),
            Signal::Sentiment { label, score } => self
                .profile
                .feedback
                .get_or_insert_with(Default::default)
                .record_sentiment(label, score),
            Signal::Search { term, results } => {
                let search = self.profile.search.get_or_insert_with(Default::default);
                if !search.record(&term, results, now_ms) {
                    return true;
                }
            }
            Signal::Identify { id, traits } => self.identify(id, traits),
            Signal::CartAdd(item) => {
                if self.allows(Aggregate::Affinity) {
                    let product = ProductRef::new(&item.id, &item.category, &item.brand);
                    let half_life = self.config.tracking.half_life_days;
                    let affinity = &mut self.profile.affinity;
                    affinity.raise(&product, Interest::Cart, now_ms, half_life);
                    self.mark_changed("affinity");
                    self.touch(Aggregate::Affinity);
                }
                self.profile.cart_add(item);
            }
            Signal::CartSet(items) => {
                self.profile.cart = None;
                for item in items {
                    self.profile.cart_add(item);
                }
            }
            Signal::CartRemove { id } => {
                if !self.profile.cart_remove(&id) {
                    return true;
                }
            }
            Signal::Dwell {
                active_ms,
                elements,
            } => {
                if !(active_ms.is_finite() && active_ms > 0.0) {
                    return true;
                }
                // Page dwell lives in memory for this page view; the total is profile data.
                self.page.dwell_ms += active_ms;
                let dwell = self.profile.dwell.get_or_insert_with(Default::default);
                dwell.total_ms += active_ms;
                for key in elements.iter().take(MAX_KEYS) {
                    dwell.add_element(key, active_ms);
                }
            }
        }
        if aggregate == Aggregate::Cart {
            self.check_abandonment();
        }
        if let Some(v) = self.profile.visitor.as_mut() {
            v.last_seen_ms = now_ms;
        }
        self.touch(aggregate);
        true
    }

    /// Marks the cart abandoned for this page view once it holds items and the
    /// visitor shows exit intent or stays idle past the configured time.
    pub(super) fn check_abandonment(&mut self) {
        let leaving = self.page.exit || self.page.idle_ms >= self.config.tracking.abandon_idle_ms;
        if !self.page.abandoned
            && leaving
            && self.allows(Aggregate::Cart)
            && self.profile.cart_count() > 0
        {
            self.page.abandoned = true;
            self.mark_changed("cart");
        }
    }

    /// Whether the cart was abandoned in this page view (and still holds items).
    pub fn cart_abandoned(&self) -> bool {
        self.page.abandoned && self.profile.cart_count() > 0
    }

    /// A known customer: the same id keeps (and adds to) its traits, another id
    /// starts afresh, `None` forgets the customer (logout).
    pub(super) fn identify(&mut self, id: Option<String>, traits: Props) {
        let Some(id) = id.map(|id| truncate(&id, MAX_CUSTOMER_ID_LEN)) else {
            self.profile.identity = None;
            return;
        };
        let identity = match self.profile.identity.take() {
            Some(known) if known.id == id => known,
            _ => Identity {
                id,
                traits: Props::new(),
            },
        };
        let mut identity = identity;
        for (k, v) in traits {
            let known = &mut identity.traits;
            match known.iter().position(|(seen, _)| *seen == k) {
                Some(i) => known[i].1 = v,
                None if known.len() < MAX_TRAITS => known.push((k, v)),
                None => {}
            }
        }
        self.profile.identity = Some(identity);
    }

    /// A search results page (the configured URL parameter holds the term) is a
    /// search, once per page view: at the page view, or when its category is granted.
    pub(super) fn search_from_url(&mut self) {
        if self.page.searched || !self.allows(Aggregate::Search) {
            return;
        }
        let Some(param) = &self.config.tracking.search_param else {
            return;
        };
        let Some(term) = self.context.param(param).map(str::to_owned) else {
            return;
        };
        self.page.searched = true;
        let now_ms = self.now_ms;
        let search = self.profile.search.get_or_insert_with(Default::default);
        if search.record(&term, None, now_ms) {
            self.mark_changed("search");
            self.touch(Aggregate::Search);
        }
    }

    /// Arriving with the configured URL parameter (an email or WhatsApp link that
    /// carries an opaque customer id) identifies the visitor.
    pub(super) fn identify_from_url(&mut self) {
        let Some(param) = &self.config.tracking.identity.url_param else {
            return;
        };
        let Some(id) = self.context.param(param).filter(|v| !v.trim().is_empty()) else {
            return;
        };
        let id = id.trim().to_owned();
        let known = self.profile.identity.as_ref().is_some_and(|i| i.id == id);
        if !known && self.allows(Aggregate::Identity) {
            self.identify(Some(id), Props::new());
            self.touch(Aggregate::Identity);
            self.changed_all = true;
        }
    }
}
