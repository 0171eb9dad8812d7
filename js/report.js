// Experiment results for `vitrine report` (and a report page): GrowthBook's formulas
// (gbstats 0.8.0) computed by the report part, vitrine_report.wasm (engine::stats).
// Never loaded by a page that personalizes.
//
//   const result = await analyse({
//     variants: [{ name: 'control', units: 5000, sum: 500 }, { name: 'b', units: 5000, sum: 540 }],
//     weights: [0.5, 0.5],
//   });
//
// A variant with `sumSquares` is a value per unit (revenue: `sum` and `sumSquares` of
// each unit's total, 0 for units without one); without, a conversion (`sum` units
// converted). The first variant is the control.

const PROBLEMS = [null, 'the control has a mean of 0', 'a variant has no units', 'a variant does not vary'];
// Below this the split is not what was configured (GrowthBook's threshold).
export const SRM_THRESHOLD = 0.001;

let loading = null;
function reportPart() {
  loading ??= import('./vitrine_report.js').then(async (part) => {
    const url = new URL('./vitrine_report_bg.wasm', import.meta.url);
    // Node's fetch reads no file: URL; a page's does.
    const source = url.protocol === 'file:' ? await (await import('node:fs/promises')).readFile(url) : url;
    await part.default({ module_or_path: source });
    return part;
  });
  return loading;
}

function numbers(variant, where) {
  const { units, sum, sumSquares } = variant;
  for (const [name, value] of [['units', units], ['sum', sum]]) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${where}.${name} must be a number`);
  }
  if (sumSquares === undefined) return Float64Array.of(units, sum);
  if (typeof sumSquares !== 'number' || !Number.isFinite(sumSquares)) throw new TypeError(`${where}.sumSquares must be a number`);
  return Float64Array.of(units, sum, sumSquares);
}

/** Every variant against the first, and the sample-ratio check. */
export async function analyse({ variants, weights, difference = 'relative', alpha = 0.05, inverse = false, sequentialTuning = 5000 }) {
  if (!Array.isArray(variants) || variants.length < 2) throw new TypeError('analyse() needs a control and at least one variant');
  if (difference !== 'relative' && difference !== 'absolute') throw new TypeError('difference is "relative" or "absolute"');
  const part = await reportPart();
  const given = variants.map((v, i) => numbers(v, `variants[${i}]`));
  const options = Float64Array.of(difference === 'relative' ? 1 : 0, alpha, inverse ? 1 : 0, sequentialTuning);
  const shares = weights ?? variants.map(() => 1);
  if (shares.length !== variants.length) throw new TypeError('one weight per variant');
  const srm = part.sampleRatioMismatch(Float64Array.from(variants, (v) => v.units), Float64Array.from(shares));
  return {
    srm: { p: srm, mismatch: srm < SRM_THRESHOLD },
    variants: variants.map((v, i) => {
      const mean = v.units > 0 ? v.sum / v.units : 0;
      const row = { name: String(v.name ?? i), units: v.units, mean };
      if (i === 0) return row;
      const r = part.compare(given[0], given[i], options);
      return {
        ...row,
        bayesian: { chanceToWin: r[0], expected: r[1], interval: [r[2], r[3]], risk: { control: r[4], variant: r[5] }, problem: PROBLEMS[r[6]] },
        frequentist: { expected: r[7], interval: [r[8], r[9]], pValue: r[10], problem: PROBLEMS[r[11]] },
        sequential: { interval: [r[12], r[13]], pValue: r[14] },
      };
    }),
  };
}

/** A short verdict: the best variant that beats the control, or why there is none. */
export function verdict(result, { chance = 0.95 } = {}) {
  if (result.srm.mismatch) return `sample ratio mismatch (p = ${result.srm.p.toPrecision(2)}): the split is not the configured one; do not trust these results`;
  const compared = result.variants.slice(1).filter((v) => !v.bayesian.problem);
  if (compared.length === 0) return 'not enough data to compare';
  const best = compared.reduce((a, b) => (b.bayesian.chanceToWin > a.bayesian.chanceToWin ? b : a));
  const worst = compared.reduce((a, b) => (b.bayesian.chanceToWin < a.bayesian.chanceToWin ? b : a));
  if (best.bayesian.chanceToWin >= chance) return `${best.name} beats ${result.variants[0].name} (chance ${(100 * best.bayesian.chanceToWin).toFixed(1)} %)`;
  if (worst.bayesian.chanceToWin <= 1 - chance) return `${worst.name} is worse than ${result.variants[0].name} (chance to win ${(100 * worst.bayesian.chanceToWin).toFixed(1)} %)`;
  return 'no winner yet: keep the experiment running';
}
