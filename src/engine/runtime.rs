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

mod record;
mod shown;
mod stored;

use super::persist::is_empty_profile;
pub use super::persist::{Partition, StorageWrites, PROFILE_BUDGET_BYTES, SCHEMA};

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
    /// Laid over the attributes (`simulate`); null on every visitor's page.
    simulated: Value,
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
        Self::open(config, stored, fresh_id, context, now_ms, true)
    }

    /// As `new`, with whether the start is a page view: not for the editor's
    /// previews (trying a config again and again must not make the owner a
    /// returning visitor).
    pub fn open(
        config: Config,
        stored: Vec<(String, Partition)>,
        fresh_id: &str,
        context: Context,
        now_ms: f64,
        page_view: bool,
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
            simulated: Value::Null,
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
        if page_view {
            engine.count_page_view();
        }
        engine.identify_from_url();
        engine.search_from_url();
        (engine, warnings)
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
        self.search_from_url();
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

    /// The id experiments bucket on, for whoever reports their results.
    pub fn unit(&self) -> Option<&str> {
        self.bucketing_id()
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
                        let searched = self.page.searched; // not engagement: kept
                        self.page = PageState {
                            searched,
                            ..PageState::default()
                        };
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
        self.search_from_url();
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

    /// The attribute document conditions read (see `attributes::build`).
    pub fn attributes(&self) -> Value {
        super::attributes::build(&super::attributes::Sources {
            config: &self.config,
            profile: &self.profile,
            context: &self.context,
            consent: &self.consent.granted,
            page: &self.page,
            cart_abandoned: self.cart_abandoned(),
            now_ms: self.now_ms,
            simulated: &self.simulated,
        })
    }

    /// The editor's "preview as a visitor": conditions and templates read this
    /// object's values (`{"cart": {"total": 180}}`) over the profile's; nothing
    /// is recorded. (Variants: through `vitrine_force`, set by the editor.)
    pub fn simulate(&mut self, values: Value) {
        self.simulated = values;
        self.changed_all = true;
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
                prompts: &self.profile.prompts,
                prompt_settings: &self.config.prompts,
                prompt_showing: self.prompt_showing(),
                feedback_allowed: self.allows(Aggregate::Feedback),
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
        self.record_prompts(&evaluation);
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
}
