//! The visitor's consent: which categories are granted, and the proof of each change.
//!
//! Default is opt-in: nothing but required categories until the visitor grants more.
//! The state and its records live in the `necessary` partition (remembering a choice
//! is itself necessary). Consent given to an older `consent.version` of the config
//! does not carry over: raising the version asks again. Records are bounded.
//!
//! A choice a CMP reported (TCF data, a Consent Mode `update`) is remembered with
//! the time the CMP last said it (`cmp_seen`): a Consent Mode `default` — the
//! page's starting point, pushed on every load before a late CMP has spoken —
//! never overrides it, so a returning visitor's profile is not deleted because the
//! CMP's script arrived after vitrine. A CMP choice not heard again for
//! `consent.bridges.cmpTrustDays` (13 months by default) lapses at the next start.

use super::bridges::Source;
use super::codec;
use super::consent_config::ConsentConfig;
use super::value::{object, Value};

/// `(category, granted)` in the config's category order.
pub type ConsentState = Vec<(String, bool)>;

pub const MAX_RECORDS: usize = 50;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsentStore {
    /// The config consent version these choices were made under.
    pub version: u32,
    pub granted: ConsentState,
    /// Proof of consent: newest last, at most `MAX_RECORDS`.
    pub records: Vec<ConsentRecord>,
    /// Categories the visitor chose in vitrine (panel or the site's API): CMP
    /// signals and GPC no longer change them (see `bridges`).
    pub explicit: Vec<String>,
    /// Categories whose state a CMP reported, with when it last did (ms).
    pub cmp_seen: Vec<(String, f64)>,
}

const DAY_MS: f64 = 86_400_000.0;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsentRecord {
    pub time_ms: f64,
    pub version: u32,
    /// The state of every category after the change.
    pub state: ConsentState,
    /// Who made the change: `api`, `panel`, `consent-mode`, `tcf`, `gpc`, `storage`.
    pub source: String,
}

/// What a consent change did, so the shell can purge storage and detach listeners.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConsentChange {
    pub granted: Vec<String>,
    pub withdrawn: Vec<String>,
}

impl ConsentStore {
    /// The opt-in default for a config, keeping records restored from storage.
    /// CMP grants not heard again within the trust window lapse here (recorded
    /// as `cmp-expired`).
    pub fn restore(
        config: &ConsentConfig,
        stored: Option<ConsentStore>,
        now_ms: f64,
    ) -> ConsentStore {
        let mut store = ConsentStore {
            version: config.version,
            granted: config
                .categories
                .iter()
                .map(|c| (c.id.clone(), c.required))
                .collect(),
            records: Vec::new(),
            explicit: Vec::new(),
            cmp_seen: Vec::new(),
        };
        if let Some(stored) = stored {
            if stored.version == config.version {
                store.explicit = stored.explicit.clone();
                store.explicit.truncate(super::reader::MAX_CATEGORIES);
                for (id, granted) in stored.granted {
                    if let Some((_, slot)) = store.granted.iter_mut().find(|(c, _)| *c == id) {
                        *slot = *slot || granted;
                    }
                }
                store.cmp_seen = stored.cmp_seen;
                store.cmp_seen.retain(|(c, at)| {
                    at.is_finite() && config.categories.iter().any(|k| k.id == *c)
                });
                store.cmp_seen.truncate(super::reader::MAX_CATEGORIES);
            }
            store.records = stored.records;
            store.records.retain(|r| r.time_ms.is_finite());
            store.lapse_stale_cmp_choices(config, now_ms);
            let excess = store.records.len().saturating_sub(MAX_RECORDS);
            store.records.drain(..excess);
        }
        store
    }

    /// Drops CMP choices older than the trust window; a grant among them is
    /// withdrawn (its partition is then purged like any withdrawal).
    fn lapse_stale_cmp_choices(&mut self, config: &ConsentConfig, now_ms: f64) {
        let window = f64::from(config.bridges.cmp_trust_days) * DAY_MS;
        let (stale, fresh): (Vec<_>, Vec<_>) = std::mem::take(&mut self.cmp_seen)
            .into_iter()
            .partition(|(_, at)| now_ms - at > window);
        self.cmp_seen = fresh;
        let mut lapsed = false;
        for (id, _) in stale {
            let explicit = self.explicit.contains(&id);
            let required = config.categories.iter().any(|c| c.id == id && c.required);
            if let Some((_, slot)) = self.granted.iter_mut().find(|(c, _)| *c == id) {
                if *slot && !explicit && !required {
                    *slot = false;
                    lapsed = true;
                }
            }
        }
        if lapsed {
            self.records.push(ConsentRecord {
                time_ms: now_ms,
                version: self.version,
                state: self.granted.clone(),
                source: "cmp-expired".to_owned(),
            });
        }
    }

    /// Whether a CMP reported a choice for `category` (within the trust window).
    pub fn cmp_chose(&self, category: &str) -> bool {
        self.cmp_seen.iter().any(|(c, _)| c == category)
    }

    pub fn is_granted(&self, category: &str) -> bool {
        self.granted.iter().any(|(c, g)| c == category && *g)
    }

    pub fn to_value(&self) -> Value {
        let records = self
            .records
            .iter()
            .map(|r| {
                object(vec![
                    ("time_ms", Value::Number(r.time_ms)),
                    ("version", Value::Number(f64::from(r.version))),
                    ("state", state_value(&r.state)),
                    ("source", Value::from(r.source.as_str())),
                ])
            })
            .collect();
        let explicit = self.explicit.iter().map(|c| Value::from(c.as_str()));
        let cmp = self
            .cmp_seen
            .iter()
            .map(|(c, at)| (c.clone(), Value::Number(*at)))
            .collect();
        object(vec![
            ("version", Value::Number(f64::from(self.version))),
            ("granted", state_value(&self.granted)),
            ("explicit", Value::Array(explicit.collect())),
            ("cmp", Value::Object(cmp)),
            ("records", Value::Array(records)),
        ])
    }

    /// Reads the stored form; a field of the wrong type is an error naming it.
    pub fn from_value(value: &Value) -> Result<ConsentStore, String> {
        let map = codec::object(value, "consent")?;
        let mut records = Vec::new();
        match codec::field(map, "records") {
            None => {}
            Some(Value::Array(items)) => {
                for item in items {
                    let r = codec::object(item, "consent record")?;
                    records.push(ConsentRecord {
                        time_ms: codec::number(r, "time_ms", 0.0)?,
                        version: codec::count(r, "version")?,
                        state: read_state(r, "state")?,
                        source: codec::string(r, "source")?,
                    });
                }
            }
            Some(other) => {
                return Err(format!(
                    "\"records\" must be an array, found {}",
                    other.kind()
                ))
            }
        };
        let explicit = match codec::field(map, "explicit") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            Some(other) => {
                return Err(format!(
                    "\"explicit\" must be an array, found {}",
                    other.kind()
                ))
            }
        };
        let granted = read_state(map, "granted")?;
        let cmp_seen = match codec::field(map, "cmp") {
            Some(value) => codec::object(value, "cmp")?
                .iter()
                .filter_map(|(c, at)| at.as_f64().map(|at| (c.clone(), at)))
                .collect(),
            // Stored before `cmp` existed: the newest CMP record stands for the
            // CMP's choice of the categories it left as they are now.
            None => cmp_choices_from_records(&records, &granted, &explicit),
        };
        Ok(ConsentStore {
            version: codec::count(map, "version")?,
            granted,
            records,
            explicit,
            cmp_seen,
        })
    }

    /// Applies changes to known, non-required categories and records the result.
    /// Unknown category names are returned as errors and change nothing.
    /// `gpc_denied`: categories Global Privacy Control denies right now; CMP
    /// signals may not grant them (only the visitor, explicitly).
    pub fn set(
        &mut self,
        config: &ConsentConfig,
        changes: &[(String, bool)],
        source: &str,
        gpc_denied: &[String],
        now_ms: f64,
    ) -> Result<ConsentChange, String> {
        for (id, _) in changes {
            if config.categories.iter().all(|c| c.id != *id) {
                let known: Vec<&str> = config.categories.iter().map(|c| c.id.as_str()).collect();
                return Err(super::diagnostic::unknown("consent category", id, &known));
            }
        }
        // Precedence between sources (see `bridges`): explicit choices are kept
        // from CMP signals and GPC; GPC only ever denies.
        let kind = Source::parse(source).unwrap_or(Source::Api);
        let mut change = ConsentChange::default();
        for (id, want) in changes {
            let required = config.categories.iter().any(|c| c.id == *id && c.required);
            let chosen = self.explicit.iter().any(|c| c == id);
            if kind.is_explicit() && !required && !chosen {
                self.explicit.push(id.clone());
            }
            let gpc_blocks = *want && !kind.is_explicit() && gpc_denied.contains(id);
            if !kind.is_explicit() && chosen || kind == Source::Gpc && *want || gpc_blocks {
                continue;
            }
            // A page's default is where it starts, not what anybody chose.
            if kind == Source::ConsentModeDefault && self.cmp_chose(id) {
                continue;
            }
            if kind.is_cmp_choice() && !required {
                match self.cmp_seen.iter_mut().find(|(c, _)| c == id) {
                    Some(seen) => seen.1 = now_ms,
                    None => self.cmp_seen.push((id.clone(), now_ms)),
                }
            }
            let Some((_, slot)) = self.granted.iter_mut().find(|(c, _)| c == id) else {
                continue;
            };
            if required || *slot == *want {
                continue;
            }
            *slot = *want;
            if *want {
                change.granted.push(id.clone());
            } else {
                change.withdrawn.push(id.clone());
            }
        }
        // A CMP signal or GPC that changed nothing is not a consent event.
        if !kind.is_explicit() && change.granted.is_empty() && change.withdrawn.is_empty() {
            return Ok(change);
        }
        self.records.push(ConsentRecord {
            time_ms: now_ms,
            version: self.version,
            state: self.granted.clone(),
            source: source.to_owned(),
        });
        let excess = self.records.len().saturating_sub(MAX_RECORDS);
        self.records.drain(..excess);
        Ok(change)
    }
}

/// The categories whose present state the newest CMP record (TCF or Consent
/// Mode) set, with its time: how a store written before `cmp_seen` existed is read.
fn cmp_choices_from_records(
    records: &[ConsentRecord],
    granted: &ConsentState,
    explicit: &[String],
) -> Vec<(String, f64)> {
    let Some(last) = records
        .iter()
        .rev()
        .find(|r| Source::parse(&r.source).is_some_and(Source::is_cmp_choice))
    else {
        return Vec::new();
    };
    granted
        .iter()
        .filter(|(c, g)| !explicit.contains(c) && last.state.contains(&(c.clone(), *g)))
        .map(|(c, _)| (c.clone(), last.time_ms))
        .collect()
}

/// `{category: granted}`.
pub fn state_value(state: &ConsentState) -> Value {
    Value::Object(
        state
            .iter()
            .map(|(c, g)| (c.clone(), Value::Bool(*g)))
            .collect(),
    )
}

fn read_state(map: &super::value::Map, key: &str) -> Result<ConsentState, String> {
    let Some(value) = codec::field(map, key) else {
        return Ok(Vec::new());
    };
    let mut state = Vec::new();
    for (c, g) in codec::object(value, key)? {
        match g {
            Value::Bool(b) => state.push((c.clone(), *b)),
            other => {
                return Err(format!(
                    "\"{key}.{c}\" must be a boolean, found {}",
                    other.kind()
                ))
            }
        }
    }
    Ok(state)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::config::Config;
    use crate::engine::value::Value;

    fn config(version: u32) -> ConsentConfig {
        let v: Value =
            serde_json::from_str(&format!(r#"{{"consent": {{"version": {version}}}}}"#)).unwrap();
        Config::parse(&v).unwrap().consent
    }

    #[test]
    fn opt_in_by_default() {
        let c = config(1);
        let s = ConsentStore::restore(&c, None, 0.0);
        assert!(s.is_granted("necessary"));
        assert!(!s.is_granted("personalization"));
        assert!(!s.is_granted("nonexistent"));
    }

    #[test]
    fn changes_are_recorded_and_required_cannot_be_refused() {
        let c = config(1);
        let mut s = ConsentStore::restore(&c, None, 0.0);
        let change = s
            .set(
                &c,
                &[
                    ("personalization".into(), true),
                    ("necessary".into(), false),
                ],
                "api",
                &[],
                5.0,
            )
            .unwrap();
        assert_eq!(change.granted, ["personalization"]);
        assert!(s.is_granted("necessary"));
        assert_eq!(s.records.len(), 1);
        assert_eq!(s.records[0].source, "api");
        assert!(s.records[0]
            .state
            .contains(&("personalization".to_owned(), true)));
        assert_eq!(ConsentStore::from_value(&s.to_value()).unwrap(), s);
        assert!(s
            .set(&c, &[("personalisation".into(), true)], "api", &[], 6.0)
            .unwrap_err()
            .contains("did you mean"));
    }

    #[test]
    fn raising_the_version_asks_again_but_keeps_proof() {
        let mut s = ConsentStore::restore(&config(1), None, 0.0);
        s.set(&config(1), &[("marketing".into(), true)], "panel", &[], 1.0)
            .unwrap();
        let again = ConsentStore::restore(&config(2), Some(s.clone()), 2.0);
        assert!(!again.is_granted("marketing"));
        assert_eq!(again.records.len(), 1);
        let same = ConsentStore::restore(&config(1), Some(s), 2.0);
        assert!(same.is_granted("marketing"));
    }

    #[test]
    fn a_default_never_overrides_a_cmp_choice() {
        let c = config(1);
        let mut s = ConsentStore::restore(&c, None, 0.0);
        let granted = [("personalization".to_owned(), true)];
        let denied = [("personalization".to_owned(), false)];
        s.set(&c, &granted, "consent-mode", &[], 10.0).unwrap();
        // The next page: the site's default first, the late CMP after it.
        let mut next = ConsentStore::restore(&c, Some(s.clone()), 20.0);
        let change = next
            .set(&c, &denied, "consent-mode-default", &[], 21.0)
            .unwrap();
        assert!(change.withdrawn.is_empty() && next.is_granted("personalization"));
        assert_eq!(
            next.records.len(),
            1,
            "a default that changed nothing is no record"
        );
        // The CMP confirming changes nothing but refreshes its time.
        next.set(&c, &granted, "consent-mode", &[], 30.0).unwrap();
        assert_eq!(next.cmp_seen, [("personalization".to_owned(), 30.0)]);
        assert_eq!(next.records.len(), 1);
        // The CMP's own update withdraws at once.
        let change = next.set(&c, &denied, "consent-mode", &[], 40.0).unwrap();
        assert_eq!(change.withdrawn, ["personalization"]);
        // A default still sets what nobody chose.
        let change = next
            .set(
                &c,
                &[("analytics".into(), true)],
                "consent-mode-default",
                &[],
                50.0,
            )
            .unwrap();
        assert_eq!(change.granted, ["analytics"]);
        assert!(!next.cmp_chose("analytics"));
        assert_eq!(ConsentStore::from_value(&next.to_value()).unwrap(), next);
    }

    #[test]
    fn a_cmp_choice_lapses_after_the_trust_window() {
        let c = config(1);
        let mut s = ConsentStore::restore(&c, None, 0.0);
        s.set(&c, &[("personalization".into(), true)], "tcf", &[], 0.0)
            .unwrap();
        s.set(&c, &[("analytics".into(), true)], "panel", &[], 0.0)
            .unwrap();
        let day = 86_400_000.0;
        let within = ConsentStore::restore(&c, Some(s.clone()), 395.0 * day);
        assert!(within.is_granted("personalization"));
        let after = ConsentStore::restore(&c, Some(s), 396.0 * day);
        assert!(!after.is_granted("personalization"));
        assert!(
            after.is_granted("analytics"),
            "explicit choices do not lapse"
        );
        assert_eq!(after.records.last().unwrap().source, "cmp-expired");
        assert!(after.cmp_seen.is_empty());
    }

    #[test]
    fn stores_from_before_cmp_seen_read_it_from_the_records() {
        let c = config(1);
        let mut s = ConsentStore::restore(&c, None, 0.0);
        s.set(
            &c,
            &[("personalization".into(), true)],
            "consent-mode",
            &[],
            7.0,
        )
        .unwrap();
        let mut old = s.to_value();
        if let Value::Object(map) = &mut old {
            map.retain(|(k, _)| k != "cmp");
        }
        let back = ConsentStore::from_value(&old).unwrap();
        assert!(back.cmp_seen.contains(&("personalization".to_owned(), 7.0)));
    }

    #[test]
    fn records_are_bounded() {
        let c = config(1);
        let mut s = ConsentStore::restore(&c, None, 0.0);
        for i in 0..(MAX_RECORDS + 10) {
            s.set(
                &c,
                &[("analytics".into(), i % 2 == 0)],
                "api",
                &[],
                i as f64,
            )
            .unwrap();
        }
        assert_eq!(s.records.len(), MAX_RECORDS);
        assert_eq!(s.records[0].time_ms, 10.0);
    }
}
