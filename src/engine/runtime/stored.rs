//! The engine's side of storage: the coalesced writes and purges the shell must
//! do (under the storage gate: only granted partitions are written, withdrawn ones
//! deleted), taking over what another tab stored, and the export of everything
//! kept about the visitor.

use super::*;

impl Engine {
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
