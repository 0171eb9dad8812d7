//! Bucketing identical to GrowthBook's: 4,000 (seed, id, version, weights,
//! coverage) cases whose expected variation was computed by GrowthBook's own
//! `hash`, `getBucketRanges` and `chooseVariation` (scripts/gen-cases.mjs;
//! tests/node/hash.test.mjs re-checks the file against GrowthBook on every run).
#![cfg(not(target_arch = "wasm32"))]

use vitrine::engine::bucket::{bucket_ranges, choose_variation, hash};
use vitrine::engine::Value;

#[test]
fn bucketing_matches_growthbook() {
    let cases: Value = serde_json::from_str(include_str!("cases/buckets.json")).unwrap();
    let cases = cases.as_array().unwrap();
    assert!(cases.len() >= 4000);
    for case in cases {
        let text = |k: &str| case.get(k).and_then(Value::as_str).unwrap();
        let number = |k: &str| case.get(k).and_then(Value::as_f64).unwrap();
        let weights: Vec<f64> = case
            .get("weights")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_f64)
            .collect();
        let n = hash(text("seed"), text("id"), number("version") as u32).unwrap();
        let ranges = bucket_ranges(weights.len(), number("coverage"), Some(&weights));
        let expected = match number("variation") {
            v if v < 0.0 => None,
            v => Some(v as usize),
        };
        assert_eq!(choose_variation(n, &ranges), expected, "{}", case.to_json());
    }
}
