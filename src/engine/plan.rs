//! The plan: the set of DOM operations the page should have applied right now.
//!
//! The engine never touches the DOM. It computes the desired operations in the
//! order they must be applied (so that, on one element, the winning rule writes
//! last) and diffs them against what is applied; the shell executes the diff.

/// One action of one rule or experiment variant. `source` counts the config's
/// rules first, then its experiments: `rules[source].actions[action]`, or
/// `experiments[source - rules].variants[variant].actions[action]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpId {
    pub source: u32,
    pub variant: u32,
    pub action: u32,
}

impl OpId {
    /// The operation as one number (the JS applier's key): its three indexes
    /// packed, which the config's limits keep apart (asserted below).
    pub fn key(self) -> u32 {
        self.source << 11 | self.variant << 6 | self.action
    }

    pub fn from_key(key: u32) -> OpId {
        OpId {
            source: key >> 11,
            variant: key >> 6 & 31,
            action: key & 63,
        }
    }
}

const _: () = assert!(
    super::config::MAX_RULES + super::experiment::MAX_EXPERIMENTS < 1 << 21
        && super::experiment::MAX_VARIANTS <= 32
        && super::action::MAX_ACTIONS <= 64
);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// Operations to undo, newest first.
    pub revert: Vec<OpId>,
    /// Operations to apply, in order.
    pub apply: Vec<OpId>,
    /// Decisions (by index) that stopped / started applying with this update, for
    /// `revert`/`apply`/`exposure` events (filled in by the engine).
    pub stopped: Vec<usize>,
    pub started: Vec<usize>,
}

/// What must change to go from `applied` to `desired`.
pub fn diff(applied: &[OpId], desired: &[OpId]) -> Diff {
    // Sorted copies for O(n log n) membership: plans can hold thousands of ops.
    let mut applied_sorted = applied.to_vec();
    applied_sorted.sort_unstable();
    let mut desired_sorted = desired.to_vec();
    desired_sorted.sort_unstable();
    Diff {
        stopped: Vec::new(),
        started: Vec::new(),
        revert: applied
            .iter()
            .rev()
            .filter(|op| desired_sorted.binary_search(op).is_err())
            .copied()
            .collect(),
        apply: desired
            .iter()
            .filter(|op| applied_sorted.binary_search(op).is_err())
            .copied()
            .collect(),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn op(source: u32) -> OpId {
        OpId {
            source,
            variant: 0,
            action: 0,
        }
    }

    #[test]
    fn keys_are_distinct_and_read_back() {
        use super::super::{action, config, experiment};
        let mut keys = std::collections::HashSet::new();
        let sources = (config::MAX_RULES + experiment::MAX_EXPERIMENTS) as u32;
        for source in [0, 1, 999, 1000, sources - 1] {
            for variant in 0..experiment::MAX_VARIANTS as u32 {
                for action in 0..action::MAX_ACTIONS as u32 {
                    let op = OpId {
                        source,
                        variant,
                        action,
                    };
                    assert_eq!(OpId::from_key(op.key()), op);
                    assert!(keys.insert(op.key()), "{op:?}");
                }
            }
        }
    }

    #[test]
    fn diff_reverts_newest_first_and_applies_in_order() {
        let d = diff(&[op(1), op(2), op(3)], &[op(2), op(4), op(5)]);
        assert_eq!(d.revert, [op(3), op(1)]);
        assert_eq!(d.apply, [op(4), op(5)]);
        assert_eq!(diff(&[op(1)], &[op(1)]), Diff::default());
    }
}
