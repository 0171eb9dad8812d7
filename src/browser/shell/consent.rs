//! The shell's consent wiring: a change from the API, the panel, a CMP or GPC
//! goes to the engine (which decides precedence), then purges storage, reverts
//! what may no longer apply and attaches or detaches collectors at once.
//! Consent Mode `default`s with `wait_for_update` wait here for their time.

use super::*;

impl Shell {
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
            crate::browser::cmp::emit_consent_mode(bridges, &|c| consent.is_granted(c));
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
    pub(super) fn apply_gpc(&mut self) {
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

    /// Consent Mode: an `update` is the CMP's report of the visitor's choice; a
    /// `default` only sets what no CMP and no visitor chose (the engine decides),
    /// and with `wait_for_update` only once that time passed without an update.
    pub(super) fn read_consent_mode(&mut self) {
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

    pub(super) fn act_on_waiting_defaults(&mut self) {
        self.defaults_timer = None;
        let defaults = std::mem::take(&mut self.waiting_defaults);
        self.cmp_consent(&defaults, "consent-mode-default");
    }

    /// Whether Global Privacy Control was received and honoured.
    pub fn gpc(&self) -> bool {
        self.gpc
    }
}
