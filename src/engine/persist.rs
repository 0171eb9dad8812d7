//! The stored form of the engine's state: one partition per consent category
//! (`localStorage["vitrine:<category>"]`), its schema version and migration, the
//! byte budget, and the storage work the shell must do. Reading is strict: a
//! field of the wrong type or an unknown schema is an error (the shell discards
//! that partition with a warning), never a misread.

use super::consent::ConsentStore;
use super::profile::Profile;
use super::value::Value;

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

pub fn is_empty_profile(p: &Profile) -> bool {
    *p == Profile::default()
}

/// Storage work the shell must do: write these partitions, delete those.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StorageWrites {
    pub write: Vec<(String, Partition)>,
    pub remove: Vec<String>,
}
