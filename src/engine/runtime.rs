//! The engine: config + profile + consent + page context → plan, and what to store.
//!
//! This is where every decision is made, and where the three consent gates are
//! enforced: a signal whose category is not granted is dropped (collection); only
//! granted partitions are written, and withdrawn ones are purged (storage); a rule
//! applies only while all its categories are granted (action). Time and the fresh
//! visitor id are arguments, so the engine is deterministic.

use super::affinity::{Interest, ProductRef};
use super::config::{Action, Config, NECESSARY};
use super::consent::{ConsentChange, ConsentStore};
use super::decide::{self, Decision, Evaluation};
use super::experiment::FORCE_PARAM;
use super::gates::PageState;
use super::plan::{diff, Diff, OpId};
use super::profile::{
    bump, remember_props, truncate, Aggregate, Identity, Profile, Props, MAX_CUSTOMER_ID_LEN,
    MAX_KEYS, MAX_KEY_LEN, MAX_TRAITS,
};
use super::signal::{Context, Signal};
use super::value::{object, Value};

/// Version of the stored partition format. Older versions are migrated when read
/// (`migrate`); newer or unknown ones are discarded, never misread.
pub const SCHEMA: u32 = 2;

/// Brings a stored partition of an older schema up to `SCHEMA`.
fn migrate(schema: u32) -> Result<(), String> {
    match schema {
        // 1 → 2 only added fields (affinity, identity, event props, element
        // dwell) and keeps counters least recently used first; v1's first-seen
        // order reads as a valid recency order, so v1 data is v2 data.
        1 | SCHEMA => Ok(()),
        other => Err(format!("schema {other} is not {SCHEMA}")),
    }
}

/// The most the profile's stored form may take, all partitions together (the
/// partition wrappers and key names stay well within the 16 KB promised).
pub const PROFILE_BUDGET_BYTES: usize = 15 * 1024;

/// One consent category's share of the stored data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Partition {
    pub schema: u32,
    pub profile: Profile,
    pub consent: Option<ConsentStore>,
}

impl Partition {
    /// The stored form: `{"schema": 1, "profile": {...}, "consent": {...}}`.
    pub fn to_value(&self) -> Value {
        let mut map = vec![("schema".to_owned(), Value::Number(f64::from(self.schema)))];
        if !is_empty_profile(&self.profile) {
            map.push(("profile".to_owned(), self.profile.to_value()));
        }
        if let Some(consent) = &self.consent {
            map.push(("consent".to_owned(), consent.to_value()));
        }
        Value::Object(map)
    }

    /// Reads stored data. Any other schema version is refused before the rest is
    /// read, so a future format is never misread as this one.
    pub fn from_value(value: &Value) -> Result<Partition, String> {
        let map = super::codec::object(value, "stored data")?;
        migrate(super::codec::count(map, "schema")?)?;
        Ok(Partition {
            schema: SCHEMA,
            profile: match super::codec::field(map, "profile") {
                Some(p) => Profile::from_value(p)?,
                None => Profile::default(),
            },
            consent: super::codec::field(map, "consent")
                .map(ConsentStore::from_value)
                .transpose()?,
        })
    }
}

fn is_empty_profile(p: &Profile) -> bool {
    *p == Profile::default()
}

/// Storage work the shell must do: write these partitions, delete those.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StorageWrites {
    pub write: Vec<(String, Partition)>,
    pub remove: Vec<String>,
}

pub struct Engine {
    config: Config,
    profile: Profile,
    consent: ConsentStore,
    context: Context,
    /// What this page view has seen (dwell, scroll, events...), for triggers.
    page: PageState,
    fresh_id: String,
    now_ms: f64,
    applied: Vec<OpId>,
    /// The last evaluation, the base of the next incremental one.
    last: Option<Evaluation>,
    /// Attribute paths changed since the last evaluation (see `decide`).
    changed: Vec<String>,
    /// Everything may have changed (page view, consent, erasure, start).
    changed_all: bool,
    /// Categories whose partition changed since the last write.
    dirty: Vec<String>,
    /// Categories whose partition must be deleted.
    purged: Vec<String>,
    /// Categories Global Privacy Control denies (the browser says so on every load).
    gpc: Vec<String>,
}

/// Adds to a small set kept as a vector.
fn add(set: &mut Vec<String>, item: &str) {
    if !set.iter().any(|s| s == item) {
        set.push(item.to_owned());
    }
}

impl Engine {
    /// Starts from a validated config and the partitions read from storage. Returns
    /// warnings for stored data that had to be discarded.
    pub fn new(
        config: Config,
        stored: Vec<(String, Partition)>,
        fresh_id: &str,
        context: Context,
        now_ms: f64,
    ) -> (Engine, Vec<String>) {
        let mut warnings = Vec::new();
        let mut stored_consent = None;
        let mut others = Vec::new();
        let mut discarded = Vec::new();
        for (category, partition) in stored {
            if partition.schema != SCHEMA {
                warnings.push(format!(
                    "stored \"{category}\" data has schema {} (expected {SCHEMA}); discarded",
                    partition.schema
                ));
                add(&mut discarded, &category);
                continue;
            }
            if category == NECESSARY {
                stored_consent = partition.consent.clone();
            }
            others.push((category, partition));
        }
        let consent = ConsentStore::restore(&config.consent, stored_consent, now_ms);
        // A CMP choice that lapsed at this start is proof to keep.
        let lapsed = consent
            .records
            .last()
            .is_some_and(|r| r.source == "cmp-expired" && r.time_ms == now_ms);
        let mut engine = Engine {
            config,
            profile: Profile::default(),
            consent,
            context,
            page: PageState::default(),
            fresh_id: truncate(fresh_id, MAX_KEY_LEN),
            now_ms,
            applied: Vec::new(),
            last: None,
            changed: Vec::new(),
            changed_all: true,
            dirty: if lapsed {
                vec![NECESSARY.to_owned()]
            } else {
                Vec::new()
            },
            purged: discarded,
            gpc: Vec::new(),
        };
        for (category, partition) in others {
            if engine.config.category(&category).is_none() || !engine.consent.is_granted(&category)
            {
                // Left over from a consent that no longer holds (or a category the
                // config dropped): it must not survive.
                add(&mut engine.purged, &category);
                continue;
            }
            let config = &engine.config;
            engine.profile.merge_from(partition.profile.bounded(), |a| {
                config.category_of(a) == category
            });
        }
        engine.count_page_view();
        engine.identify_from_url();
        (engine, warnings)
    }

    /// Takes over what another tab stored (consent and profile), so a cart or a
    /// consent change there reaches this tab's decisions. Aggregates of categories
    /// not granted are dropped. This tab's changes not yet written are replaced by
    /// the stored ones. Returns whether the consent state changed.
    pub fn sync_from_storage(&mut self, stored: Vec<(String, Partition)>) -> bool {
        let stored_consent = stored
            .iter()
            .find(|(c, p)| c == NECESSARY && p.schema == SCHEMA)
            .and_then(|(_, p)| p.consent.clone());
        let before = self.consent.granted.clone();
        self.consent = ConsentStore::restore(&self.config.consent, stored_consent, self.now_ms);
        let mut profile = Profile::default();
        for (category, partition) in stored {
            if partition.schema != SCHEMA || !self.consent.is_granted(&category) {
                continue;
            }
            let config = &self.config;
            profile.merge_from(partition.profile.bounded(), |a| {
                config.category_of(a) == category
            });
        }
        self.profile = profile;
        if !self.allows(Aggregate::Dwell) {
            self.page = PageState::default();
        }
        self.changed_all = true;
        before != self.consent.granted
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The page view under way.
    pub fn context(&self) -> &Context {
        &self.context
    }

    pub fn consent(&self) -> &ConsentStore {
        &self.consent
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    fn allows(&self, aggregate: Aggregate) -> bool {
        self.consent.is_granted(self.config.category_of(aggregate))
    }

    fn touch(&mut self, aggregate: Aggregate) {
        let category = self.config.category_of(aggregate).to_owned();
        self.purged.retain(|c| *c != category);
        add(&mut self.dirty, &category);
    }

    fn count_page_view(&mut self) {
        if self.allows(Aggregate::Visitor) {
            self.profile.page_view(&self.fresh_id, self.now_ms);
            self.touch(Aggregate::Visitor);
        }
    }

    /// A new page view in the same document (SPA navigation).
    pub fn page_view(&mut self, context: Context, now_ms: f64) {
        self.now_ms = now_ms;
        self.context = context;
        self.page = PageState::default();
        self.count_page_view();
        self.identify_from_url();
        self.changed_all = true;
    }

    /// Moves the engine's clock. Attributes and gates that depend on time
    /// (`visitor.days_since_*`, schedules) may change with it, even when the signal
    /// that brought the time is dropped for lack of consent.
    fn advance_clock(&mut self, now_ms: f64) {
        if now_ms == self.now_ms {
            return;
        }
        let days = |engine: &Engine| {
            engine.profile.visitor.as_ref().map(|v| {
                let since = |t: f64| ((engine.now_ms - t) / 86_400_000.0).floor();
                (since(v.first_seen_ms), v.previous_session_ms.map(since))
            })
        };
        let before = days(self);
        self.now_ms = now_ms;
        if !self.profile.affinity.is_empty() {
            self.mark_changed("affinity"); // scores decay with time
        }
        if days(self) != before {
            self.mark_changed("visitor.days_since_first");
            self.mark_changed("visitor.days_since_last");
        }
        self.mark_changed("clock");
    }

    fn mark_changed(&mut self, path: &str) {
        if !self.changed.iter().any(|c| c == path) {
            self.changed.push(path.to_owned());
        }
    }

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
                for (product, interest) in products.iter().take(MAX_KEYS) {
                    let affinity = &mut self.profile.affinity;
                    affinity.raise(product, *interest, now_ms, half_life);
                    affinity.note(product, *interest, session);
                    if *interest == Interest::View {
                        self.page.viewing = Some(product.id.clone());
                    }
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
    fn check_abandonment(&mut self) {
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
    fn identify(&mut self, id: Option<String>, traits: Props) {
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

    /// Arriving with the configured URL parameter (an email or WhatsApp link that
    /// carries an opaque customer id) identifies the visitor.
    fn identify_from_url(&mut self) {
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

    /// The id experiments and holdouts bucket on: the customer id when the config
    /// says so and it is known, else the anonymous visitor id (if it may be kept).
    fn bucketing_id(&self) -> Option<&str> {
        let customer = self
            .profile
            .identity
            .as_ref()
            .filter(|_| self.config.tracking.identity.replace_anonymous_id)
            .filter(|_| self.allows(Aggregate::Identity))
            .map(|i| i.id.as_str());
        customer.or_else(|| {
            self.profile
                .visitor
                .as_ref()
                .map(|v| v.id.as_str())
                .filter(|_| self.allows(Aggregate::Visitor))
        })
    }

    /// Changes consent. Withdrawn categories are purged from memory at once and
    /// queued for deletion from storage; the next `update` reverts their rules.
    pub fn set_consent(
        &mut self,
        changes: &[(String, bool)],
        source: &str,
        now_ms: f64,
    ) -> Result<ConsentChange, String> {
        self.now_ms = now_ms;
        let was_counting = self.allows(Aggregate::Visitor);
        let change = self
            .consent
            .set(&self.config.consent, changes, source, &self.gpc, now_ms)?;
        add(&mut self.dirty, NECESSARY);
        self.changed_all = true;
        for category in &change.withdrawn {
            for aggregate in Aggregate::ALL {
                if self.config.category_of(aggregate) == category {
                    self.profile.clear(aggregate);
                    if aggregate == Aggregate::Dwell {
                        self.page = PageState::default();
                    }
                }
            }
            self.dirty.retain(|c| c != category);
            add(&mut self.purged, category);
        }
        if !was_counting && self.allows(Aggregate::Visitor) {
            // The page view that is under way counts from the moment it may.
            self.count_page_view();
        }
        self.identify_from_url();
        Ok(change)
    }

    /// A catalog read after start (in chunks, see `catalog::CatalogBuilder`):
    /// everything is decided again with it.
    pub fn set_catalog(&mut self, catalog: super::catalog::Catalog) {
        self.config.catalog = catalog;
        self.changed_all = true;
    }

    /// The browser sends Global Privacy Control: CMP signals may no longer grant
    /// these categories (the visitor still may, explicitly).
    pub fn set_gpc(&mut self, categories: Vec<String>) {
        self.gpc = categories;
    }

    /// Deletes everything about the visitor, consent choices included (back to opt-in).
    pub fn erase(&mut self) {
        self.changed_all = true;
        self.profile = Profile::default();
        self.page = PageState::default();
        self.consent = ConsentStore::restore(&self.config.consent, None, self.now_ms);
        self.dirty.clear();
        self.purged = self
            .config
            .consent
            .categories
            .iter()
            .map(|c| c.id.clone())
            .collect();
    }

    /// The catalog products a recommendation slot shows now, as item values
    /// (`{id, name, url, image, price, category, brand}`) for its template.
    pub fn recommendations(&self, slot: &super::recommend::Slot) -> Vec<Value> {
        let catalog = &self.config.catalog;
        if catalog.is_empty() {
            return Vec::new();
        }
        let p = &self.profile;
        let cart: Vec<String> = p.cart_items().iter().map(|i| i.id.clone()).collect();
        let half_life = self.config.tracking.half_life_days;
        let categories =
            super::affinity::Affinity::scores(&p.affinity.category, self.now_ms, half_life);
        let brands = super::affinity::Affinity::scores(&p.affinity.brand, self.now_ms, half_life);
        let current_session = p.visitor.as_ref().map_or(0, |v| v.sessions);
        let session: &[(String, u32)] = if p.affinity.session_no == current_session {
            &p.affinity.session
        } else {
            &[]
        };
        let inputs = super::recommend::Inputs {
            cart: &cart,
            viewing: self.page.viewing.as_deref(),
            recent: &p.affinity.recent,
            session,
            category_affinity: &categories,
            brand_affinity: &brands,
            purchased: &p.affinity.purchased,
        };
        super::recommend::recommend(catalog, slot, &inputs)
            .into_iter()
            .map(|i| {
                let product = &catalog.products[i];
                object(vec![
                    ("id", Value::from(product.id.as_str())),
                    ("name", Value::from(product.name.as_str())),
                    ("url", Value::from(product.url.as_str())),
                    ("image", Value::from(product.image.as_str())),
                    ("price", Value::Number(product.price)),
                    ("category", Value::from(product.category.as_str())),
                    ("brand", Value::from(product.brand.as_str())),
                ])
            })
            .collect()
    }

    /// The attribute document conditions read.
    pub fn attributes(&self) -> Value {
        let p = &self.profile;
        let counters = super::codec::counters_value;
        let visitor = match &p.visitor {
            Some(v) => {
                let day = 86_400_000.0;
                let since = |t: f64| ((self.now_ms - t) / day).floor().max(0.0);
                object(vec![
                    ("visits", Value::Number(f64::from(v.visits))),
                    ("sessions", Value::Number(f64::from(v.sessions))),
                    ("returning", Value::Bool(v.visits > 1)),
                    ("days_since_first", Value::Number(since(v.first_seen_ms))),
                    (
                        "days_since_last",
                        v.previous_session_ms
                            .map(|t| Value::Number(since(t)))
                            .unwrap_or(Value::Null),
                    ),
                ])
            }
            None => object(Vec::new()),
        };
        let items = p
            .cart_items()
            .iter()
            .map(super::profile::CartItem::to_value)
            .collect();
        let consent = super::consent::state_value(&self.consent.granted);
        let mut dwell = vec![
            (
                "page_ms".to_owned(),
                Value::Number(self.page.dwell_ms.round()),
            ),
            (
                "total_ms".to_owned(),
                Value::Number(p.dwell.as_ref().map_or(0.0, |d| d.total_ms.round())),
            ),
        ];
        for (key, ms) in p.dwell.iter().flat_map(|d| &d.elements) {
            dwell.push((format!("{key}_ms"), Value::Number(ms.round())));
        }
        let event_props = p
            .event_props
            .iter()
            .map(|(e, props)| (e.clone(), Value::Object(props.clone())));
        let customer = object(vec![
            (
                "id",
                p.identity
                    .as_ref()
                    .map_or(Value::Null, |i| Value::from(i.id.as_str())),
            ),
            ("known", Value::Bool(p.identity.is_some())),
        ]);
        let traits = p
            .identity
            .as_ref()
            .map_or_else(Vec::new, |i| i.traits.clone());
        let mut doc: Vec<(String, Value)> = self
            .context
            .attributes()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        // The channel is classified from the context (after `utm`, as documented).
        let at = doc
            .iter()
            .position(|(k, _)| k == "utm")
            .map_or(doc.len(), |i| i + 1);
        let channel = Value::from(super::channel::classify(&self.context));
        doc.insert(at, ("channel".to_owned(), channel));
        doc.extend([
            ("visitor".to_owned(), visitor),
            ("clicks".to_owned(), counters(&p.clicks)),
            (
                "cart".to_owned(),
                object(vec![
                    ("count", Value::Number(f64::from(p.cart_count()))),
                    ("total", Value::Number(p.cart_total())),
                    ("items", Value::Array(items)),
                    ("currency", Value::from("BRL")),
                    ("abandoned", Value::Bool(self.cart_abandoned())),
                ]),
            ),
            ("dwell".to_owned(), Value::Object(dwell)),
            ("events".to_owned(), counters(&p.events)),
            (
                "event_props".to_owned(),
                Value::Object(event_props.collect()),
            ),
            (
                "affinity".to_owned(),
                p.affinity
                    .attributes(self.now_ms, self.config.tracking.half_life_days),
            ),
            ("customer".to_owned(), customer),
            ("traits".to_owned(), Value::Object(traits)),
            (
                "scroll".to_owned(),
                object(vec![("max_pct", Value::Number(self.page.scroll_pct))]),
            ),
            (
                "idle".to_owned(),
                object(vec![("ms", Value::Number(self.page.idle_ms))]),
            ),
            (
                "exit".to_owned(),
                object(vec![("intent", Value::Bool(self.page.exit))]),
            ),
            ("consent".to_owned(), consent),
            (
                "experiments".to_owned(),
                Value::Object(
                    p.assignments
                        .iter()
                        .map(|(e, v)| (e.clone(), Value::from(v.as_str())))
                        .collect(),
                ),
            ),
        ]);
        let mut doc = Value::Object(doc);
        if !self.config.models.is_empty() {
            let predict = super::model::predictions(&self.config.models, &doc);
            if let Value::Object(fields) = &mut doc {
                fields.push(("predict".to_owned(), predict));
            }
        }
        super::segment::evaluate(&self.config.segments, &mut doc);
        doc
    }

    /// Decides every rule and experiment against the current attributes, from
    /// scratch (what an incremental `update` must always agree with).
    pub fn evaluate(&self) -> Evaluation {
        self.evaluate_with(None)
    }

    fn evaluate_with(&self, changes: Option<decide::Changes>) -> Evaluation {
        // Nothing any rule or experiment reads changed: skip building attributes.
        let needed = changes
            .as_ref()
            .is_none_or(|c| decide::anything_stale(&self.config, c.roots));
        let attributes = if needed {
            self.attributes()
        } else {
            Value::Null
        };
        let visitor_id = self.bucketing_id();
        decide::evaluate(
            &self.config,
            &attributes,
            &self.consent,
            decide::Visitor {
                id: visitor_id,
                assignments: &self.profile.assignments,
                force: self.context.param(FORCE_PARAM),
                page: &self.page,
                now_ms: self.now_ms,
                hour: self.context.hour,
                weekday: self.context.weekday,
                page_views: self.profile.visitor.as_ref().map_or(0, |v| v.visits),
                sessions: self.profile.visitor.as_ref().map_or(0, |v| v.sessions),
                exposures: &self.profile.exposures,
                previous: self.decisions(),
            },
            changes,
        )
    }

    /// The operations that should be applied now, in application order.
    pub fn plan(&self) -> Vec<OpId> {
        self.evaluate().ops
    }

    /// Computes the plan and returns what must change on the page; from then on the
    /// engine assumes the diff was applied. Only rules reading attributes that
    /// changed since the last update are evaluated again. New experiment
    /// assignments are kept (sticky) when the experiments' data may be stored.
    pub fn update(&mut self) -> Diff {
        let mut evaluation = match (&self.last, self.changed_all) {
            (Some(previous), false) => self.evaluate_with(Some(decide::Changes {
                previous,
                roots: &self.changed,
            })),
            _ => self.evaluate(),
        };
        self.changed.clear();
        self.changed_all = false;
        if !evaluation.new_assignments.is_empty() && self.allows(Aggregate::Experiments) {
            let assigned = std::mem::take(&mut evaluation.new_assignments);
            for assignment in &assigned {
                if self.profile.assignments.len() < MAX_KEYS {
                    self.profile.assignments.push(assignment.clone());
                }
            }
            self.touch(Aggregate::Experiments);
            // Rules may target `experiments.<id>`: decide again with the assignment,
            // still reporting it as made now (not yet "sticky").
            evaluation = self.evaluate();
            for d in &mut evaluation.decisions {
                if d.experiment
                    && d.reason == decide::Reason::Sticky
                    && assigned
                        .iter()
                        .any(|(e, _)| *e == self.config.experiments[d.index].id)
                {
                    d.reason = decide::Reason::Assigned;
                }
            }
        }
        // Most signals change nothing on the page: skip the sorting diff then.
        let mut d = if evaluation.ops == self.applied {
            Diff::default()
        } else {
            diff(&self.applied, &evaluation.ops)
        };
        self.count_exposures(&evaluation);
        let previous = self.decisions();
        for (i, now) in evaluation.decisions.iter().enumerate() {
            let before = previous.get(i).filter(|p| p.applied);
            let same = before.is_some_and(|p| p.variant == now.variant);
            if before.is_some() && !(now.applied && same) {
                d.stopped.push(i);
            }
            if now.applied && !same {
                d.started.push(i);
            }
        }
        if evaluation.ops != self.applied {
            self.applied = evaluation.ops.clone();
        }
        self.last = Some(evaluation);
        d
    }

    /// Counts, for rules with a frequency cap, each time they start showing.
    fn count_exposures(&mut self, evaluation: &Evaluation) {
        let mut counted = false;
        for (i, rule) in self.config.rules.iter().enumerate() {
            let Some(f) = &rule.gates.frequency else {
                continue;
            };
            let started = evaluation.decisions.get(i).is_some_and(|d| d.applied)
                && !self.decisions().get(i).is_some_and(|d| d.applied);
            if !started {
                continue;
            }
            let visitor = self.profile.visitor.as_ref();
            let window = super::gates::window(
                f.per,
                visitor.map_or(0, |v| v.visits),
                visitor.map_or(0, |v| v.sessions),
                self.now_ms,
            );
            let exposures = &mut self.profile.exposures;
            match exposures.iter().position(|(r, _, _)| *r == rule.id) {
                Some(k) if exposures[k].1 == window => {
                    exposures[k].2 = exposures[k].2.saturating_add(1)
                }
                Some(k) => exposures[k] = (rule.id.clone(), window, 1),
                None if exposures.len() < MAX_KEYS => exposures.push((rule.id.clone(), window, 1)),
                None => {}
            }
            counted = true;
        }
        if counted {
            self.mark_changed("frequency");
            // Without consent to store them, the counts live in memory only.
            if self.allows(Aggregate::Experiments) {
                self.touch(Aggregate::Experiments);
            }
        }
    }

    /// The id of the rule or experiment of decision `index`.
    pub fn decision_id(&self, index: usize) -> &str {
        self.decisions()
            .get(index)
            .map_or("", |d| d.id(&self.config))
    }

    /// Decision `index` as a value (for `exposure` events).
    pub fn decision_value_at(&self, index: usize) -> Option<Value> {
        let all = self.decisions();
        all.get(index).map(|d| d.to_value(&self.config, all))
    }

    /// Why each rule and experiment is applied or not, as of the last `update`.
    pub fn decisions(&self) -> &[Decision] {
        self.last.as_ref().map_or(&[], |e| &e.decisions)
    }

    /// Makes the next `update` evaluate everything from scratch.
    pub fn invalidate(&mut self) {
        self.changed_all = true;
    }

    /// The operations applied as of the last `update`, in application order.
    pub fn applied_ops(&self) -> &[OpId] {
        &self.applied
    }

    /// Forgets what is applied (the shell reverted everything, e.g. on stop).
    pub fn reset_applied(&mut self) {
        self.applied.clear();
        self.last = None;
        self.changed_all = true;
    }

    pub fn action(&self, op: OpId) -> Option<&Action> {
        let rules = self.config.rules.len();
        let source = op.source as usize;
        if source < rules {
            return self.config.rules[source].actions.get(op.action as usize);
        }
        self.config
            .experiments
            .get(source - rules)?
            .variants
            .get(op.variant as usize)?
            .actions
            .get(op.action as usize)
    }

    /// The id of the rule or experiment an operation belongs to.
    pub fn source_id(&self, op: OpId) -> &str {
        let rules = self.config.rules.len();
        let source = op.source as usize;
        if source < rules {
            return &self.config.rules[source].id;
        }
        self.config
            .experiments
            .get(source - rules)
            .map_or("", |e| e.id.as_str())
    }

    /// Ids of the rules and experiments applied right now, in application order.
    pub fn applied_rules(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        let mut last = None;
        for op in &self.applied {
            // A source's operations are contiguous in the plan.
            if last != Some(op.source) {
                ids.push(self.source_id(*op));
                last = Some(op.source);
            }
        }
        // An applied experiment variant with no actions (a control) has no ops.
        for d in self.decisions() {
            if d.applied
                && d.experiment
                && self.config.experiments[d.index].variants[d.variant.unwrap_or(0)]
                    .actions
                    .is_empty()
            {
                ids.push(d.id(&self.config));
            }
        }
        ids
    }

    /// The decisions as `{kind, id, applied, variant?, reason}` values.
    pub fn decision_values(&self) -> Vec<Value> {
        let all = self.decisions();
        all.iter().map(|d| d.to_value(&self.config, all)).collect()
    }

    /// The decision about one rule or experiment, as a value.
    pub fn decision_value(&self, id: &str) -> Option<Value> {
        let all = self.decisions();
        all.iter()
            .find(|d| d.id(&self.config) == id)
            .map(|d| d.to_value(&self.config, all))
    }

    /// Takes the pending storage work (coalesced since the last call).
    pub fn take_storage_writes(&mut self) -> StorageWrites {
        let mut writes = StorageWrites::default();
        if !self.dirty.is_empty() && self.profile.fit(PROFILE_BUDGET_BYTES) {
            // Trimming may touch any partition: write them all.
            for aggregate in Aggregate::ALL {
                let category = self.config.category_of(aggregate).to_owned();
                add(&mut self.dirty, &category);
            }
            self.changed_all = true;
        }
        for category in std::mem::take(&mut self.dirty) {
            if !self.consent.is_granted(&category) {
                continue;
            }
            let config = &self.config;
            let partition = Partition {
                schema: SCHEMA,
                profile: self.profile.only(|a| config.category_of(a) == category),
                consent: (category == NECESSARY).then(|| self.consent.clone()),
            };
            if is_empty_profile(&partition.profile) && partition.consent.is_none() {
                writes.remove.push(category);
            } else {
                writes.write.push((category, partition));
            }
        }
        let purged = std::mem::take(&mut self.purged);
        let written: Vec<String> = writes.write.iter().map(|(c, _)| c.clone()).collect();
        writes
            .remove
            .extend(purged.into_iter().filter(|c| !written.contains(c)));
        writes
    }

    /// Everything known about the visitor as one document (data portability):
    /// the profile, the consent state with its proof, and which consent category
    /// each part of the profile is kept under.
    pub fn export(&self, now_ms: f64) -> Value {
        let categories = Value::Object(
            Aggregate::ALL
                .iter()
                .map(|a| {
                    (
                        a.name().to_owned(),
                        Value::from(self.config.category_of(*a)),
                    )
                })
                .collect(),
        );
        object(vec![
            ("schema", Value::Number(f64::from(SCHEMA))),
            ("exported_at_ms", Value::Number(now_ms)),
            ("profile", self.profile.to_value()),
            ("consent", self.consent.to_value()),
            ("stored_under", categories),
        ])
    }
}
