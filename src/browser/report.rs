//! The report part (`vitrine_report.wasm`, feature `report`): `engine::stats` for
//! `vitrine report` and a report page, never loaded by a page that personalizes.
//! Numbers cross as `Float64Array`s, not JSON: nothing to parse, no float formatting
//! in the wasm; js/report.js gives them names.

use wasm_bindgen::prelude::*;

use crate::engine::stats::attribution::{self, Conversion, Exposure};
use crate::engine::stats::{
    bayesian, frequentist, sample_ratio_mismatch, sequential, Difference, Metric, Options, Problem,
};

/// `x` as a whole number in `0..=max`: units and indices cross as `f64`.
fn whole(x: f64, max: f64) -> Option<u64> {
    (x >= 0.0 && x.fract() == 0.0 && x <= max).then_some(x as u64)
}

/// Units per variant: refused, never rounded, when they are not whole.
fn units(n: f64) -> Result<u64, JsError> {
    whole(n, 9_007_199_254_740_991.0)
        .ok_or_else(|| JsError::new("units must be a whole number ≥ 0"))
}

/// `[units, sum]` is a proportion (`sum` units converted), `[units, sum, sum_squares]`
/// a value per unit.
fn metric(numbers: &[f64]) -> Result<Metric, JsError> {
    match *numbers {
        [n, sum] => Ok(Metric::Proportion { n: units(n)?, sum }),
        [n, sum, sum_squares] => Ok(Metric::Mean {
            n: units(n)?,
            sum,
            sum_squares,
        }),
        _ => Err(JsError::new(
            "a variant is [units, sum] or [units, sum, sum of squares]",
        )),
    }
}

fn problem_code(problem: Option<Problem>) -> f64 {
    match problem {
        None => 0.0,
        Some(Problem::BaselineZero) => 1.0,
        Some(Problem::NoUnits) => 2.0,
        Some(Problem::ZeroVariance) => 3.0,
    }
}

/// Variant `b` against control `a`; `options` is `[relative (1) or absolute (0),
/// alpha, inverse (1/0), sequential tuning]`. Returns, in order: Bayesian chance to
/// win, expected, interval ×2, risk ×2, problem; t-test expected, interval ×2, p-value,
/// problem; sequential interval ×2, p-value (15 numbers).
#[wasm_bindgen]
pub fn compare(a: &[f64], b: &[f64], options: &[f64]) -> Result<Vec<f64>, JsError> {
    let &[relative, alpha, inverse, sequential_tuning] = options else {
        return Err(JsError::new(
            "options are [relative, alpha, inverse, sequential tuning]",
        ));
    };
    let valid = alpha > 0.0 && alpha < 1.0 && sequential_tuning > 0.0;
    if !valid {
        return Err(JsError::new(
            "alpha must be in (0, 1) and the sequential tuning above 0",
        ));
    }
    let options = Options {
        difference: if relative != 0.0 {
            Difference::Relative
        } else {
            Difference::Absolute
        },
        alpha,
        inverse: inverse != 0.0,
        sequential_tuning,
    };
    let (a, b) = (metric(a)?, metric(b)?);
    let bayes = bayesian(&a, &b, &options);
    let t = frequentist(&a, &b, &options);
    let s = sequential(&a, &b, &options);
    Ok(vec![
        bayes.chance_to_win,
        bayes.expected,
        bayes.interval[0],
        bayes.interval[1],
        bayes.risk[0],
        bayes.risk[1],
        problem_code(bayes.problem),
        t.expected,
        t.interval[0],
        t.interval[1],
        t.p_value,
        problem_code(t.problem),
        s.interval[0],
        s.interval[1],
        s.p_value,
    ])
}

/// The sample-ratio-mismatch p-value of `units` per variant against `weights`.
#[wasm_bindgen(js_name = sampleRatioMismatch)]
pub fn sample_ratio(units: &[f64], weights: &[f64]) -> Result<f64, JsError> {
    if units.len() != weights.len() {
        return Err(JsError::new("one weight per variant"));
    }
    let counted = units
        .iter()
        .map(|&u| self::units(u))
        .collect::<Result<Vec<u64>, _>>()?;
    Ok(sample_ratio_mismatch(&counted, weights))
}

/// Attributes one goal's conversions to an experiment's `variants` variants
/// (GrowthBook's rules, `engine::stats::attribution`). Units are indices into the
/// caller's list of ids: `exposures` is `[unit, variant, time_ms]` triples,
/// `conversions` `[unit, time_ms, value]` triples. Returns per variant `[units,
/// converted units, value sum, value sum of squares]`.
#[wasm_bindgen]
pub fn attribute(
    variants: usize,
    exposures: &[f64],
    conversions: &[f64],
) -> Result<Vec<f64>, JsError> {
    if exposures.len() % 3 != 0 || conversions.len() % 3 != 0 {
        return Err(JsError::new("exposures and conversions are triples"));
    }
    // Indices are whole numbers the caller made; anything else is dropped, never guessed.
    let unit = |x: f64| whole(x, f64::from(u32::MAX)).map(|u| u as u32);
    let exposures: Vec<Exposure<u32>> = exposures
        .chunks_exact(3)
        .filter_map(|e| {
            let variant = whole(e[1], variants as f64)? as usize;
            Some(Exposure {
                unit: unit(e[0])?,
                variant,
                time_ms: e[2],
            })
        })
        .collect();
    let conversions: Vec<Conversion<u32>> = conversions
        .chunks_exact(3)
        .filter_map(|c| {
            Some(Conversion {
                unit: unit(c[0])?,
                time_ms: c[1],
                value: c[2],
            })
        })
        .collect();
    Ok(attribution::attribute(variants, &exposures, &conversions)
        .into_iter()
        .flat_map(|t| {
            [
                t.units as f64,
                t.converted as f64,
                t.value_sum,
                t.value_sum_squares,
            ]
        })
        .collect())
}
