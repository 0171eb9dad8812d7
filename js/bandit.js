// Bandits: an experiment whose weights follow the results. The site publishes a
// small posterior file per bandit experiment (written by `vitrine report --bandit`
// from its latest export: a Beta(1 + conversions, 1 + non-converted units) per arm);
// the runtime fetches it at start and assigns new visitors with Thompson sampling's
// weights — each arm's probability of being the best, estimated by drawing from the
// posteriors — with a floor per arm so no arm starves. Assignments stay sticky (the
// engine keeps a visitor's first assignment, whatever the weights become), as
// GrowthBook's bandits require.
//
// The report publishes each arm's share of the draws with the posterior, so a page
// only applies its floor; a posterior without shares is drawn from on the page,
// seeded by the posterior itself, so every page computes the same weights.

export const DRAWS = 10_000;
export const DEFAULT_FLOOR = 0.01;

/** A small seeded generator (mulberry32). */
function generator(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(arms) {
  let h = 0x811c9dc5;
  for (const c of JSON.stringify(arms.map((a) => [a.alpha, a.beta]))) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h >>> 0;
}

/** Gamma(shape, 1) by Marsaglia and Tsang (shape < 1 boosted). */
function gamma(shape, random, normal) {
  if (shape < 1) return gamma(shape + 1, random, normal) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x;
    let v;
    do {
      x = normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Thompson sampling's weights for `arms` ([{alpha, beta}]): the share of draws each
 * arm wins, then `floor + (1 − n·floor) · share`, so every arm keeps at least the
 * floor and the weights sum to 1.
 */
export function thompsonWeights(arms, { floor = DEFAULT_FLOOR, draws = DRAWS } = {}) {
  return floored(thompsonShares(arms, { draws }), floor);
}

/** `floor + (1 − n·floor) · share` per arm: at least the floor, summing to 1. */
export function floored(shares, floor = DEFAULT_FLOOR) {
  const n = shares.length;
  if (!(floor >= 0 && floor * n < 1)) throw new RangeError(`a floor of ${floor} leaves nothing for ${n} arms`);
  return shares.map((share) => floor + (1 - n * floor) * share);
}

/** Each arm's share of the Thompson draws it wins (its chance to be the best). */
export function thompsonShares(arms, { draws = DRAWS } = {}) {
  const n = arms.length;
  if (n === 0) return [];
  for (const a of arms) {
    if (!(a.alpha > 0 && a.beta > 0 && Number.isFinite(a.alpha) && Number.isFinite(a.beta))) throw new RangeError('every arm needs alpha > 0 and beta > 0');
  }
  const random = generator(seedOf(arms));
  let spare = null;
  const normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    // Box–Muller, both values used.
    const u = 1 - random();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * random();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  const wins = new Float64Array(n);
  for (let i = 0; i < draws; i++) {
    let best = 0;
    let top = -1;
    for (let k = 0; k < n; k++) {
      const x = gamma(arms[k].alpha, random, normal);
      const y = gamma(arms[k].beta, random, normal);
      const p = x / (x + y);
      if (p > top) {
        top = p;
        best = k;
      }
    }
    wins[best] += 1;
  }
  return Array.from(wins, (w) => w / draws);
}

/**
 * Reads a posterior file (`{experiment, arms: [{variant, alpha, beta}]}`) for an
 * experiment's variants: their weights, in the variants' order, or a reason why not.
 */
export function weightsFromPosterior(posterior, experiment, { floor = DEFAULT_FLOOR } = {}) {
  if (!posterior || typeof posterior !== 'object' || !Array.isArray(posterior.arms)) return { problem: 'not a posterior file (expected {experiment, arms: [...]})' };
  if (posterior.experiment !== undefined && posterior.experiment !== experiment.id) return { problem: `the posterior is for "${posterior.experiment}"` };
  const byVariant = new Map(posterior.arms.filter((a) => a && typeof a === 'object').map((a) => [String(a.variant), a]));
  const arms = experiment.variants.map((v) => byVariant.get(String(v.id)) ?? { alpha: 1, beta: 1 });
  try {
    // The shares `vitrine report --bandit` published, when they are whole and sound:
    // no draws on the page (10,000 of them cost a phone tens of ms at start).
    const published = arms.map((a) => a.share);
    const sound = published.every((x) => typeof x === 'number' && x >= 0 && x <= 1) && Math.abs(published.reduce((a, b) => a + b, 0) - 1) < 1e-9;
    return { weights: floored(sound ? published : thompsonShares(arms), floor) };
  } catch (error) {
    return { problem: error.message };
  }
}

/** The posterior a report's totals give: Beta(1 + converted, 1 + the others) per arm. */
export function posteriorOf(experiment, goal, variants) {
  return {
    experiment,
    goal,
    generated: new Date().toISOString(),
    arms: variants.map((v) => ({ variant: v.name, alpha: 1 + v.sum, beta: 1 + Math.max(0, v.units - v.sum), units: v.units })),
  };
}
