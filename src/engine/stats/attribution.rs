//! From raw events to what the tests in `engine::stats` need: per variant of an
//! experiment, its units and a goal's sufficient statistics, attributed the way
//! GrowthBook attributes them, so numbers match a GrowthBook analysis of the same data:
//! - a unit is a distinct visitor exposed to the experiment, counted in the variant of
//!   its **first** exposure (a later exposure to another variant changes nothing);
//! - a conversion counts only from that first exposure on (at the same millisecond or
//!   later): a purchase before it does not count;
//! - a goal's value per unit (revenue) is the sum of its values from the first exposure
//!   on, 0 for a unit that never converted, so means are per exposed unit.
//!
//! The reduction is one pass over the events in any order, memory bounded by the number
//! of exposed units; the same reduction in SQL (DuckDB, BigQuery) is for exports that
//! do not fit in memory.

use std::collections::BTreeMap;

use super::Metric;

/// A visitor (`unit`: an id, or its index in a list of ids) saw a variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposure<U> {
    pub unit: U,
    pub variant: usize,
    pub time_ms: f64,
}

/// A visitor reached the goal (`value` 0 for a goal without one, the revenue of a
/// purchase).
#[derive(Clone, Debug, PartialEq)]
pub struct Conversion<U> {
    pub unit: U,
    pub time_ms: f64,
    pub value: f64,
}

/// One variant's totals for a goal.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VariantTotals {
    /// Distinct exposed units first exposed to this variant.
    pub units: u64,
    /// Units with at least one conversion from their first exposure on.
    pub converted: u64,
    /// The sum over units of their value from their first exposure on, and the sum of
    /// the squares of those per-unit sums.
    pub value_sum: f64,
    pub value_sum_squares: f64,
}

impl VariantTotals {
    /// The goal as a conversion rate.
    pub fn conversion(&self) -> Metric {
        Metric::Proportion {
            n: self.units,
            sum: self.converted as f64,
        }
    }

    /// The goal's value per exposed unit (revenue per visitor).
    pub fn value(&self) -> Metric {
        Metric::Mean {
            n: self.units,
            sum: self.value_sum,
            sum_squares: self.value_sum_squares,
        }
    }
}

/// Attributes `conversions` of one goal to the `variants` variants of one experiment
/// with `exposures`. Exposures to a variant outside `0..variants` are ignored.
pub fn attribute<U: Ord + Copy>(
    variants: usize,
    exposures: &[Exposure<U>],
    conversions: &[Conversion<U>],
) -> Vec<VariantTotals> {
    // Each unit's first exposure: (time, variant); the earlier event wins a tie. Ordered
    // by unit, so the sums below add in the same order whatever the events' order.
    let mut first: BTreeMap<U, (f64, usize)> = BTreeMap::new();
    for e in exposures.iter().filter(|e| e.variant < variants) {
        first
            .entry(e.unit)
            .and_modify(|seen| {
                if e.time_ms < seen.0 {
                    *seen = (e.time_ms, e.variant);
                }
            })
            .or_insert((e.time_ms, e.variant));
    }
    // Per unit: converted, and its value from the first exposure on.
    let mut reached: BTreeMap<U, f64> = BTreeMap::new();
    for c in conversions {
        if let Some(&(since, _)) = first.get(&c.unit) {
            if c.time_ms >= since {
                *reached.entry(c.unit).or_insert(0.0) += c.value;
            }
        }
    }
    let mut totals = vec![VariantTotals::default(); variants];
    for (unit, &(_, variant)) in &first {
        let t = &mut totals[variant];
        t.units += 1;
        if let Some(&value) = reached.get(unit) {
            t.converted += 1;
            t.value_sum += value;
            t.value_sum_squares += value * value;
        }
    }
    totals
}
