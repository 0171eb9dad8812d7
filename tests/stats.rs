//! engine::stats against GrowthBook's own stats engine: every case of
//! tests/cases/gbstats.json (gbstats 0.8.0 on seeded data, written by
//! scripts/gbstats-cases.sh) must come out the same, to 1e-9 relative (1e-12 absolute
//! for figures near zero, where SciPy's `1 - cdf` has no digits left).
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value as Json;
use vitrine::engine::stats::{
    bayesian, frequentist, sample_ratio_mismatch, sequential, special, Difference, Frequentist,
    Metric, Options,
};

const RELATIVE: f64 = 1e-9;
const ABSOLUTE: f64 = 1e-12;

fn cases() -> Json {
    serde_json::from_str(include_str!("cases/gbstats.json")).expect("tests/cases/gbstats.json")
}

fn number(v: &Json) -> f64 {
    match v {
        Json::String(s) if s == "inf" => f64::INFINITY,
        Json::String(s) if s == "-inf" => f64::NEG_INFINITY,
        _ => v.as_f64().expect("a number"),
    }
}

fn metric(v: &Json) -> Metric {
    let n = v["n"].as_u64().unwrap();
    match v["kind"].as_str().unwrap() {
        "proportion" => Metric::Proportion {
            n,
            sum: number(&v["sum"]),
        },
        _ => Metric::Mean {
            n,
            sum: number(&v["sum"]),
            sum_squares: number(&v["sum_squares"]),
        },
    }
}

/// Collects every figure that differs, so one run lists them all.
struct Check {
    failures: Vec<String>,
}

impl Check {
    fn close(&mut self, what: &str, ours: f64, theirs: f64) {
        let gap = (ours - theirs).abs();
        if !(ours == theirs || gap <= ABSOLUTE || gap <= RELATIVE * theirs.abs()) {
            self.failures
                .push(format!("{what}: vitrine {ours:e}, gbstats {theirs:e}"));
        }
    }

    fn interval(&mut self, what: &str, ours: [f64; 2], theirs: &Json) {
        for (i, bound) in ours.into_iter().enumerate() {
            self.close(&format!("{what}[{i}]"), bound, number(&theirs[i]));
        }
    }

    /// A frequentist or sequential result against gbstats' answer for it.
    fn test(&mut self, what: &str, ours: &Frequentist, theirs: &Json) {
        self.close(
            &format!("{what} p-value"),
            ours.p_value,
            number(&theirs["p_value"]),
        );
        self.interval(&format!("{what} interval"), ours.interval, &theirs["ci"]);
    }
}

fn options(o: &Json) -> Options {
    Options {
        difference: if o["difference"] == "absolute" {
            Difference::Absolute
        } else {
            Difference::Relative
        },
        alpha: number(&o["alpha"]),
        inverse: o["inverse"].as_bool().unwrap(),
        ..Options::default()
    }
}

#[test]
fn every_comparison_agrees_with_gbstats() {
    let all = cases();
    let list = all["cases"].as_array().unwrap();
    assert!(list.len() >= 18, "the fixture holds the scenarios");
    let mut check = Check {
        failures: Vec::new(),
    };
    for case in list {
        let name = case["name"].as_str().unwrap();
        let (a, b) = (metric(&case["a"]), metric(&case["b"]));
        let options = options(&case["options"]);

        let ours = bayesian(&a, &b, &options);
        let theirs = &case["bayesian"];
        check.close(
            &format!("{name}: chance to win"),
            ours.chance_to_win,
            number(&theirs["chance_to_win"]),
        );
        check.close(
            &format!("{name}: bayesian expected"),
            ours.expected,
            number(&theirs["expected"]),
        );
        check.interval(
            &format!("{name}: credible interval"),
            ours.interval,
            &theirs["ci"],
        );
        check.interval(&format!("{name}: risk"), ours.risk, &theirs["risk"]);
        // An uninformative result comes with a reason exactly when gbstats gives one.
        assert_eq!(
            ours.problem.is_some(),
            !theirs["error"].is_null(),
            "{name}: bayesian {:?}",
            ours.problem
        );

        let ours = frequentist(&a, &b, &options);
        let theirs = &case["frequentist"];
        check.close(
            &format!("{name}: frequentist expected"),
            ours.expected,
            number(&theirs["expected"]),
        );
        check.test(&format!("{name}: t-test"), &ours, theirs);
        assert_eq!(
            ours.problem.is_some(),
            !theirs["error"].is_null(),
            "{name}: t-test {:?}",
            ours.problem
        );

        check.test(
            &format!("{name}: sequential"),
            &sequential(&a, &b, &options),
            &case["sequential"],
        );
    }
    assert!(
        check.failures.is_empty(),
        "{} figures differ from gbstats:\n{}",
        check.failures.len(),
        check.failures.join("\n")
    );
}

#[test]
fn the_sample_ratio_check_agrees_with_gbstats() {
    let all = cases();
    let mut check = Check {
        failures: Vec::new(),
    };
    let mut flagged = 0;
    for case in all["srm"].as_array().unwrap() {
        let units: Vec<u64> = case["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_u64().unwrap())
            .collect();
        let weights: Vec<f64> = case["weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(number)
            .collect();
        let p = sample_ratio_mismatch(&units, &weights);
        check.close(
            &format!("SRM {units:?} against {weights:?}"),
            p,
            number(&case["p"]),
        );
        flagged += usize::from(p < vitrine::engine::stats::SRM_THRESHOLD);
    }
    assert!(check.failures.is_empty(), "{}", check.failures.join("\n"));
    assert_eq!(
        flagged, 2,
        "5000/5400 and 2000/7000 are mismatches, the rest are not"
    );
}

#[test]
fn the_special_functions_hold_known_values() {
    // Values from the definitions (and SciPy, to the digits shown).
    assert!((special::normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-15);
    assert!((special::normal_ppf(0.975) - 1.959_963_984_540_054).abs() < 1e-13);
    assert!(
        (special::normal_sf(8.0) / 6.220_960_574_271_785e-16 - 1.0).abs() < 1e-12,
        "a far tail keeps its digits"
    );
    assert!((special::student_t_ppf(0.975, 10.0) - 2.228_138_851_986_273_5).abs() < 1e-12);
    assert!((special::student_t_sf(2.0, 3.0) - 0.069_662_984_279_421_7).abs() < 1e-14);
    assert!((special::chi2_sf(3.841_458_820_694_124, 1.0) - 0.05).abs() < 1e-14);
    assert!((special::ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
    // A symmetric truncation at the mean: mean ± σ√(2/π).
    let half = special::truncated_normal_mean(0.0, 1.0, 0.0, f64::INFINITY);
    assert!((half - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-14);
}

mod attribution {
    use vitrine::engine::stats::attribution::{attribute, Conversion, Exposure, VariantTotals};

    fn exposure(unit: &str, variant: usize, time_ms: f64) -> Exposure<&str> {
        Exposure {
            unit,
            variant,
            time_ms,
        }
    }

    fn purchase(unit: &str, time_ms: f64, value: f64) -> Conversion<&str> {
        Conversion {
            unit,
            time_ms,
            value,
        }
    }

    #[test]
    fn a_unit_counts_once_in_the_variant_of_its_first_exposure() {
        // Events out of order: v's first exposure (t=5) is to variant 1.
        let exposures = [
            exposure("v", 0, 9.0),
            exposure("v", 1, 5.0),
            exposure("w", 0, 1.0),
            exposure("w", 0, 2.0),
        ];
        let totals = attribute(2, &exposures, &[]);
        assert_eq!(totals[0].units, 1, "w, exposed twice, is one unit");
        assert_eq!(totals[1].units, 1, "v stays in its first variant");
    }

    #[test]
    fn only_conversions_from_the_first_exposure_on_count_and_revenue_is_per_unit() {
        let exposures = [
            exposure("a", 0, 100.0),
            exposure("b", 0, 100.0),
            exposure("c", 1, 100.0),
            exposure("d", 1, 100.0),
        ];
        let conversions = [
            purchase("a", 50.0, 30.0),  // before its exposure: not counted
            purchase("b", 100.0, 20.0), // at the same millisecond: counted
            purchase("b", 200.0, 10.0), // a second purchase adds to b's revenue
            purchase("c", 150.0, 40.0),
            purchase("x", 150.0, 99.0), // never exposed: nobody's
        ];
        let totals = attribute(2, &exposures, &conversions);
        assert_eq!(
            totals[0],
            VariantTotals {
                units: 2,
                converted: 1,
                value_sum: 30.0,
                value_sum_squares: 900.0
            },
            "a does not count; b's two purchases are one unit with 30"
        );
        assert_eq!(
            totals[1],
            VariantTotals {
                units: 2,
                converted: 1,
                value_sum: 40.0,
                value_sum_squares: 1600.0
            }
        );
        // d bought nothing: revenue per unit is over both units.
        assert_eq!(totals[1].value().mean(), 20.0);
        assert_eq!(totals[1].conversion().mean(), 0.5);
    }

    #[test]
    fn an_exposure_to_an_unknown_variant_is_ignored() {
        let totals = attribute(
            2,
            &[exposure("a", 2, 1.0), exposure("a", 1, 3.0)],
            &[purchase("a", 2.0, 5.0)],
        );
        assert_eq!(totals[1].units, 1);
        assert_eq!(
            totals[1].converted, 0,
            "the purchase came before the first exposure to a known variant"
        );
    }
}
