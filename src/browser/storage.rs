//! Persists the engine's partitions in `localStorage`, one key per consent category
//! under the `vitrine:` namespace, each value a JSON document with a schema version.
//!
//! Storage is detected before use (it can be missing, disabled or full); when it is
//! unusable vitrine runs from memory and says so. Stored data is untrusted: a value
//! that does not parse or does not fit the schema is deleted with a warning, never
//! thrown. JSON goes through the browser's own `JSON.parse`/`JSON.stringify`.

use crate::engine::runtime::Partition;

use super::json::from_text_once;

pub const PREFIX: &str = "vitrine:";
/// `vitrine:queue:<lane>:<tab>`: events waiting for a destination, kept and read by
/// the delivery part; `clear` (erase) deletes them with the rest.
const QUEUE_PREFIX: &str = "vitrine:queue:";

/// Whether a storage key is one of the delivery part's queues.
pub fn is_queue(key: &str) -> bool {
    key.starts_with(QUEUE_PREFIX)
}

pub struct Storage {
    local: web_sys::Storage,
}

impl Storage {
    /// `localStorage`, if it exists and accepts a write.
    pub fn detect() -> Result<Storage, String> {
        let window = web_sys::window().ok_or("no window")?;
        let local = window
            .local_storage()
            .map_err(|e| super::error::describe(&e))?
            .ok_or("localStorage is not available")?;
        let probe = format!("{PREFIX}probe");
        local
            .set_item(&probe, "1")
            .map_err(|e| super::error::describe(&e))?;
        let _ = local.remove_item(&probe);
        Ok(Storage { local })
    }

    /// Every vitrine partition present; unreadable ones are deleted and reported.
    pub fn read_all(&self) -> (Vec<(String, Partition)>, Vec<String>) {
        let mut partitions = Vec::new();
        let mut warnings = Vec::new();
        for key in self.keys() {
            let Some(category) = key.strip_prefix(PREFIX) else {
                continue;
            };
            // The delivery part's queues (js/delivery.js) are its own to read.
            if is_queue(&key) {
                continue;
            }
            let Ok(Some(text)) = self.local.get_item(&key) else {
                continue;
            };
            match decode(&text) {
                Ok(partition) => partitions.push((category.to_owned(), partition)),
                Err(why) => {
                    warnings.push(format!(
                        "stored \"{category}\" data could not be read ({why}); discarded"
                    ));
                    let _ = self.local.remove_item(&key);
                }
            }
        }
        (partitions, warnings)
    }

    pub fn write(&self, category: &str, partition: &Partition) -> Result<(), String> {
        let text = partition.to_value().to_json();
        self.local
            .set_item(&format!("{PREFIX}{category}"), &text)
            .map_err(|e| {
                format!(
                    "could not store \"{category}\" data: {}",
                    super::error::describe(&e)
                )
            })
    }

    pub fn remove(&self, category: &str) {
        let _ = self.local.remove_item(&format!("{PREFIX}{category}"));
    }

    /// Every key in the vitrine namespace.
    pub fn keys(&self) -> Vec<String> {
        let count = self.local.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| self.local.key(i).ok().flatten())
            .filter(|k| k.starts_with(PREFIX))
            .collect()
    }

    /// Deletes every key in the vitrine namespace.
    pub fn clear(&self) {
        for key in self.keys() {
            let _ = self.local.remove_item(&key);
        }
    }
}

fn decode(text: &str) -> Result<Partition, String> {
    let value = from_text_once(text).map_err(|e| format!("not JSON: {e}"))?;
    if value.as_object().is_none() {
        return Err("not an object".into());
    }
    Partition::from_value(&value)
}
