//! The special functions the experiment statistics need — the normal, Student-t and
//! chi-square distributions — written out so the stats engine has no dependency and
//! runs the same natively (the CLI) and in wasm (a report page). Accuracy is what
//! GrowthBook's engine gets from SciPy, to about 1e-12 relative away from underflow:
//! `tests/stats.rs` holds them to gbstats' answers. Tails are computed directly (the
//! regularized incomplete gamma and beta functions), never as `1 - cdf`.

use std::f64::consts::PI;

const EPSILON: f64 = 1e-15;
const MAX_ITERATIONS: usize = 500;

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 1e-15 relative).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a).
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    if x < a + 1.0 {
        1.0 - gamma_p_series(a, x)
    } else {
        gamma_q_fraction(a, x)
    }
}

fn gamma_p_series(a: f64, x: f64) -> f64 {
    let mut term = 1.0 / a;
    let mut sum = term;
    let mut n = a;
    for _ in 0..MAX_ITERATIONS {
        n += 1.0;
        term *= x / n;
        sum += term;
        if term.abs() < sum.abs() * EPSILON {
            break;
        }
    }
    sum * (-x + a * x.ln() - ln_gamma(a)).exp()
}

/// Q(a, x) by its continued fraction (modified Lentz), accurate deep in the tail.
fn gamma_q_fraction(a: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / tiny;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..MAX_ITERATIONS {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < tiny {
            d = tiny;
        }
        c = b + an / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPSILON {
            break;
        }
    }
    (-x + a * x.ln() - ln_gamma(a)).exp() * h
}

/// The regularized incomplete beta function I_x(a, b).
pub fn beta_inc(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    // The fraction converges fast below the mean; above it, use the symmetry.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let tiny = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..MAX_ITERATIONS {
        let m = m as f64;
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        for an in [
            even,
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + an * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = 1.0 + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < EPSILON {
            break;
        }
    }
    h
}

/// P(Z > z) for a standard normal Z: erfc(z/√2)/2, through Q(1/2, z²/2).
pub fn normal_sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    if z.is_infinite() {
        return if z > 0.0 { 0.0 } else { 1.0 };
    }
    let tail = 0.5 * gamma_q(0.5, z * z / 2.0);
    if z >= 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

/// P(Z ≤ z) for a standard normal Z.
pub fn normal_cdf(z: f64) -> f64 {
    normal_sf(-z)
}

pub fn normal_pdf(z: f64) -> f64 {
    (-z * z / 2.0).exp() / (2.0 * PI).sqrt()
}

/// The standard normal quantile: Acklam's approximation, then one Halley step on the
/// exact CDF (about 1e-15 relative).
pub fn normal_ppf(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let low = 0.024_25;
    let x = if p < low || p > 1.0 - low {
        let q = if p < low { p } else { 1.0 - p };
        let r = (-2.0 * q.ln()).sqrt();
        let x = (((((C[0] * r + C[1]) * r + C[2]) * r + C[3]) * r + C[4]) * r + C[5])
            / ((((D[0] * r + D[1]) * r + D[2]) * r + D[3]) * r + 1.0);
        if p < low {
            x
        } else {
            -x
        }
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // Halley on the side whose tail is small, so the error is relative to it.
    let e = if p < 0.5 {
        normal_cdf(x) - p
    } else {
        (1.0 - p) - normal_sf(x)
    };
    let u = e * (2.0 * PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// P(T > t) for Student's t with `dof` degrees of freedom (real-valued, as Welch's).
pub fn student_t_sf(t: f64, dof: f64) -> f64 {
    if t.is_nan() || dof.is_nan() {
        return f64::NAN;
    }
    let tail = 0.5 * beta_inc(dof / 2.0, 0.5, dof / (dof + t * t));
    if t >= 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

pub fn student_t_cdf(t: f64, dof: f64) -> f64 {
    student_t_sf(-t, dof)
}

/// The quantile of Student's t: Newton on the exact tail from the normal quantile,
/// bracketed so it never leaves the root's side.
pub fn student_t_ppf(p: f64, dof: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p < 0.5 {
        return -student_t_ppf(1.0 - p, dof);
    }
    let q = 1.0 - p;
    let ln_density_norm = ln_gamma((dof + 1.0) / 2.0) - ln_gamma(dof / 2.0) - 0.5 * (dof * PI).ln();
    let (mut low, mut high) = (0.0_f64, f64::INFINITY);
    let mut t = normal_ppf(p).max(0.0);
    for _ in 0..100 {
        let excess = student_t_sf(t, dof) - q;
        if excess > 0.0 {
            low = t;
        } else {
            high = t;
        }
        let density = (ln_density_norm - (dof + 1.0) / 2.0 * (1.0 + t * t / dof).ln()).exp();
        let mut next = t + excess / density;
        if !(next > low && next < high) {
            next = if high.is_finite() {
                (low + high) / 2.0
            } else {
                2.0 * t + 1.0
            };
        }
        if (next - t).abs() <= 1e-15 * t.abs().max(1.0) {
            return next;
        }
        t = next;
    }
    t
}

/// P(X > x) for a chi-square X with `dof` degrees of freedom.
pub fn chi2_sf(x: f64, dof: f64) -> f64 {
    gamma_q(dof / 2.0, x / 2.0)
}

/// The mean of a normal(mu, sigma) truncated to [a, b] (either end may be infinite).
pub fn truncated_normal_mean(mu: f64, sigma: f64, a: f64, b: f64) -> f64 {
    let alpha = (a - mu) / sigma;
    let beta = (b - mu) / sigma;
    // Φ(β) − Φ(α) from the smaller tail, so a far tail keeps its digits.
    let mass = if alpha > 0.0 {
        normal_sf(alpha) - normal_sf(beta)
    } else {
        normal_cdf(beta) - normal_cdf(alpha)
    };
    let density = |z: f64| if z.is_finite() { normal_pdf(z) } else { 0.0 };
    mu + sigma * (density(alpha) - density(beta)) / mass
}
