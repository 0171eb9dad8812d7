//! Experiment results from aggregated data, with the formulas of GrowthBook's stats
//! engine (gbstats 0.8.0), so an owner who moves from GrowthBook reads the same numbers:
//! per variant the sufficient statistics `vitrine report` reduces events to (units, sum,
//! sum of squares), and for a variant against control the Bayesian effect test (flat
//! prior: chance to beat control, credible interval, expected loss), the two-sided Welch
//! t-test (p-value, confidence interval), the sequential test that is safe to peek at
//! (Waudby-Smith et al.) and the sample-ratio-mismatch check. Pure and wasm-free: the
//! CLI and a report page run the same code. `tests/stats.rs` checks every figure against
//! gbstats itself (`tests/cases/gbstats.json`, written by scripts/gbstats-cases.sh).
//!
//! Where the data cannot be analysed (no units, a baseline of zero, no variance),
//! gbstats answers with an uninformative result and a reason; so does this module.

pub mod attribution;
pub mod special;

use special::{
    chi2_sf, normal_cdf, normal_ppf, normal_sf, student_t_ppf, student_t_sf, truncated_normal_mean,
};

/// One variant's metric, as sufficient statistics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    /// A conversion: `sum` units of `n` converted.
    Proportion { n: u64, sum: f64 },
    /// A value per unit (revenue): its sum and sum of squares over `n` units, 0 for a
    /// unit without one.
    Mean { n: u64, sum: f64, sum_squares: f64 },
}

impl Metric {
    pub fn units(&self) -> u64 {
        match *self {
            Metric::Proportion { n, .. } | Metric::Mean { n, .. } => n,
        }
    }

    pub fn mean(&self) -> f64 {
        match *self {
            Metric::Proportion { n: 0, .. } | Metric::Mean { n: 0, .. } => 0.0,
            Metric::Proportion { n, sum } | Metric::Mean { n, sum, .. } => sum / n as f64,
        }
    }

    /// The per-unit variance (Bernoulli for a proportion, the sample variance for a mean).
    pub fn variance(&self) -> f64 {
        match *self {
            Metric::Proportion { .. } => {
                let p = self.mean();
                p * (1.0 - p)
            }
            Metric::Mean { n, .. } if n <= 1 => 0.0,
            Metric::Mean {
                n,
                sum,
                sum_squares,
            } => (sum_squares - sum * sum / n as f64) / (n - 1) as f64,
        }
    }
}

/// How a variant is compared with control.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difference {
    /// (variant − control) / control: "+5 %".
    Relative,
    /// variant − control, in the metric's unit.
    Absolute,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Options {
    pub difference: Difference,
    /// 1 − the interval's coverage (0.05: 95 % intervals).
    pub alpha: f64,
    /// Lower is better (e.g. a bounce or a refund rate).
    pub inverse: bool,
    /// The sequential test's tuning (gbstats' `sequential_tuning_parameter`, 5000): the
    /// number of units at which its intervals are tightest.
    pub sequential_tuning: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            difference: Difference::Relative,
            alpha: 0.05,
            inverse: false,
            sequential_tuning: 5000.0,
        }
    }
}

/// Why a comparison has no informative result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Control's mean is 0: a relative change from it is undefined.
    BaselineZero,
    /// A variant has no units.
    NoUnits,
    /// A variant's metric does not vary (every unit converted, or none).
    ZeroVariance,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bayesian {
    /// The posterior probability that the variant beats control.
    pub chance_to_win: f64,
    /// The posterior mean of the difference.
    pub expected: f64,
    pub interval: [f64; 2],
    /// Expected loss of choosing control, and of choosing the variant.
    pub risk: [f64; 2],
    pub problem: Option<Problem>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frequentist {
    pub expected: f64,
    pub interval: [f64; 2],
    pub p_value: f64,
    pub problem: Option<Problem>,
}

/// The point estimate and variance of the difference (delta method when relative).
fn difference(a: &Metric, b: &Metric, how: Difference) -> (f64, f64) {
    let (mean_a, mean_b) = (a.mean(), b.mean());
    let (n_a, n_b) = (a.units() as f64, b.units() as f64);
    match how {
        Difference::Relative => (
            (mean_b - mean_a) / mean_a,
            b.variance() / (mean_a * mean_a * n_b)
                + a.variance() * mean_b * mean_b / mean_a.powi(4) / n_a,
        ),
        Difference::Absolute => (mean_b - mean_a, b.variance() / n_b + a.variance() / n_a),
    }
}

fn zero_variance(a: &Metric, b: &Metric) -> bool {
    a.variance() <= 0.0 || b.variance() <= 0.0
}

/// Bayesian comparison of variant `b` with control `a` (flat prior on the effect).
pub fn bayesian(a: &Metric, b: &Metric, options: &Options) -> Bayesian {
    let problem = if a.mean() == 0.0 && options.difference == Difference::Relative {
        Some(Problem::BaselineZero)
    } else if a.units() == 0 || b.units() == 0 {
        Some(Problem::NoUnits)
    } else if zero_variance(a, b) {
        Some(Problem::ZeroVariance)
    } else {
        None
    };
    if problem.is_some() {
        return Bayesian {
            chance_to_win: 0.5,
            expected: 0.0,
            interval: [0.0, 0.0],
            risk: [0.0, 0.0],
            problem,
        };
    }
    let (mean, variance) = difference(a, b, options.difference);
    let sd = variance.sqrt();
    let z = -mean / sd;
    let above = normal_sf(z);
    let chance_to_win = if options.inverse { 1.0 - above } else { above };
    let half = normal_ppf(1.0 - options.alpha / 2.0);
    // Expected loss: of keeping control (the gain given up when the variant is better)
    // and of shipping the variant (the loss when control is better).
    let control_better = normal_cdf(z);
    let risk_control = (1.0 - control_better) * truncated_normal_mean(mean, sd, 0.0, f64::INFINITY);
    let risk_variant = -(control_better * truncated_normal_mean(mean, sd, f64::NEG_INFINITY, 0.0));
    let risk = if options.inverse {
        [risk_variant, risk_control]
    } else {
        [risk_control, risk_variant]
    };
    Bayesian {
        chance_to_win,
        expected: mean,
        interval: [mean - half * sd, mean + half * sd],
        risk,
        problem: None,
    }
}

/// The difference and its variance for the frequentist tests, or their uninformative
/// result (gbstats checks the baseline whatever the kind of difference).
fn analysable(a: &Metric, b: &Metric, options: &Options) -> Result<(f64, f64), Frequentist> {
    let problem = if a.mean() == 0.0 {
        Problem::BaselineZero
    } else if zero_variance(a, b) {
        Problem::ZeroVariance
    } else {
        return Ok(difference(a, b, options.difference));
    };
    Err(Frequentist {
        problem: Some(problem),
        ..UNINFORMATIVE
    })
}

const UNINFORMATIVE: Frequentist = Frequentist {
    expected: 0.0,
    interval: [0.0, 0.0],
    p_value: 1.0,
    problem: None,
};

/// Two-sided Welch t-test of variant `b` against control `a`.
pub fn frequentist(a: &Metric, b: &Metric, options: &Options) -> Frequentist {
    let (estimate, variance) = match analysable(a, b, options) {
        Ok(difference) => difference,
        Err(uninformative) => return uninformative,
    };
    let sd = variance.sqrt();
    let dof = welch_dof(a, b);
    let p_value = 2.0 * student_t_sf((estimate / sd).abs(), dof);
    let half = student_t_ppf(1.0 - options.alpha / 2.0, dof) * sd;
    Frequentist {
        expected: estimate,
        interval: [estimate - half, estimate + half],
        p_value,
        problem: None,
    }
}

/// Welch–Satterthwaite degrees of freedom.
fn welch_dof(a: &Metric, b: &Metric) -> f64 {
    let (n_a, n_b) = (a.units() as f64, b.units() as f64);
    let (va, vb) = (a.variance(), b.variance());
    (vb / n_b + va / n_a).powi(2)
        / (vb * vb / (n_b * n_b * (n_b - 1.0)) + va * va / (n_a * n_a * (n_a - 1.0)))
}

/// The always-valid (sequential) two-sided test: intervals and p-value that stay valid
/// however often the owner looks (eq. 9 and 155 of Waudby-Smith et al. 2023).
pub fn sequential(a: &Metric, b: &Metric, options: &Options) -> Frequentist {
    let (estimate, variance) = match analysable(a, b, options) {
        Ok(difference) => difference,
        Err(uninformative) => return uninformative,
    };
    let alpha = options.alpha;
    let n = (a.units() + b.units()) as f64;
    let rho =
        ((-2.0 * alpha.ln() + (-2.0 * alpha.ln() + 1.0).ln()) / options.sequential_tuning).sqrt();
    let spread = n * rho * rho + 1.0;
    let half = (variance * n).sqrt()
        * (2.0 * spread * (spread.sqrt() / alpha).ln() / (n * rho).powi(2)).sqrt();
    let st2 = estimate * estimate * n / variance;
    let evalue = (rho * rho * st2 / (2.0 * spread)).exp() / spread.sqrt();
    Frequentist {
        expected: estimate,
        interval: [estimate - half, estimate + half],
        p_value: (1.0 / evalue).min(1.0),
        problem: None,
    }
}

/// The p-value of a chi-square test of the units per variant against the configured
/// weights; below 0.001 the split is not what was configured and the results are not to
/// be trusted. A variant of weight 0 is left out of the sum (as gbstats does).
pub fn sample_ratio_mismatch(units: &[u64], weights: &[f64]) -> f64 {
    let total: u64 = units.iter().sum();
    if total == 0 || units.len() < 2 {
        return 1.0;
    }
    let total_weight: f64 = weights.iter().sum();
    let statistic: f64 = units
        .iter()
        .zip(weights)
        .filter(|(_, &w)| w > 0.0)
        .map(|(&observed, &w)| {
            let expected = w / total_weight * total as f64;
            (observed as f64 - expected).powi(2) / expected
        })
        .sum();
    chi2_sf(statistic, (units.len() - 1) as f64)
}

/// The threshold below which `sample_ratio_mismatch` flags an experiment.
pub const SRM_THRESHOLD: f64 = 0.001;
