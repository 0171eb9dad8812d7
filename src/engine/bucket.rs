//! Deterministic bucketing, bit-for-bit compatible with GrowthBook: FNV-1a (32-bit)
//! over UTF-16 code units, hash versions 1 and 2, and bucket ranges from weights and
//! coverage. The same visitor id gets the same variation on every page, in every
//! tab, in vitrine and in GrowthBook, with no server.

/// FNV-1a 32-bit over the string's UTF-16 code units (JavaScript's `charCodeAt`).
pub fn fnv1a32(s: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for unit in super::utf16::units(s) {
        hash ^= u32::from(unit);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// GrowthBook's `hash(seed, value, version)`: a number in [0, 1), or `None` for an
/// unknown version. Version 1 is GrowthBook's original (biased) algorithm, kept for
/// compatibility; version 2 is the unbiased one.
pub fn hash(seed: &str, value: &str, version: u32) -> Option<f64> {
    match version {
        2 => {
            let inner = fnv1a32(&format!("{seed}{value}"));
            Some(f64::from(fnv1a32(&inner.to_string()) % 10_000) / 10_000.0)
        }
        1 => Some(f64::from(fnv1a32(&format!("{value}{seed}")) % 1_000) / 1_000.0),
        _ => None,
    }
}

/// GrowthBook's `getBucketRanges`: `[start, end)` per variation. Weights that do
/// not match the variation count or do not sum to 1 (±0.01) fall back to equal
/// weights; coverage is clamped to [0, 1] (a NaN stays NaN, as there: no variation).
pub fn bucket_ranges(variations: usize, coverage: f64, weights: Option<&[f64]>) -> Vec<(f64, f64)> {
    let coverage = coverage.clamp(0.0, 1.0);
    let equal = vec![1.0 / variations as f64; variations];
    let weights = match weights {
        Some(w) if w.len() == variations => {
            let total: f64 = w.iter().sum();
            if (0.99..=1.01).contains(&total) {
                w.to_vec()
            } else {
                equal
            }
        }
        _ => equal,
    };
    let mut cumulative = 0.0;
    weights
        .iter()
        .map(|w| {
            let start = cumulative;
            cumulative += w;
            (start, start + coverage * w)
        })
        .collect()
}

/// The variation whose range holds `n`, if any (outside coverage: none).
pub fn choose_variation(n: f64, ranges: &[(f64, f64)]) -> Option<usize> {
    ranges
        .iter()
        .position(|(start, end)| n >= *start && n < *end)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_values() {
        // FNV-1a test vectors (ASCII, where UTF-16 units equal bytes).
        assert_eq!(fnv1a32(""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c_292c);
        assert_eq!(fnv1a32("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn unknown_versions_have_no_hash() {
        assert_eq!(hash("s", "v", 3), None);
        assert_eq!(hash("s", "v", 0), None);
        let h = hash("seed", "user-1", 2).unwrap();
        assert!((0.0..1.0).contains(&h));
    }

    #[test]
    fn ranges_follow_weights_and_coverage() {
        assert_eq!(bucket_ranges(2, 1.0, None), [(0.0, 0.5), (0.5, 1.0)]);
        assert_eq!(
            bucket_ranges(2, 0.5, Some(&[0.4, 0.6])),
            [(0.0, 0.2), (0.4, 0.7)]
        );
        assert_eq!(
            bucket_ranges(2, 1.0, Some(&[0.4, 0.4])),
            [(0.0, 0.5), (0.5, 1.0)]
        );
        assert_eq!(
            bucket_ranges(2, 7.0, Some(&[1.0])),
            [(0.0, 0.5), (0.5, 1.0)]
        );
        assert_eq!(
            choose_variation(0.3, &bucket_ranges(2, 0.5, Some(&[0.4, 0.6]))),
            None
        );
        assert_eq!(
            choose_variation(0.45, &bucket_ranges(2, 1.0, Some(&[0.4, 0.6]))),
            Some(1)
        );
    }
}
