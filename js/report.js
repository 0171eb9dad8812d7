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

// Loaded once, as index.js loads the validator part (and with its wasmSource's
// reading of a file: URL in Node); a failed load is tried again next time.
let loading = null;
function reportPart() {
  loading ??= import('./vitrine_report.js')
    .then(async (part) => {
      const url = new URL('./vitrine_report_bg.wasm', import.meta.url);
      // Node's fetch reads no file: URL; a specifier in a variable, so bundlers for
      // the browser leave it alone.
      const fs = 'node:fs/promises';
      await part.default({ module_or_path: url.protocol === 'file:' ? await (await import(fs)).readFile(url) : url });
      return part;
    })
    .catch((error) => {
      loading = null;
      throw error;
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

// ------------------------------------------------------------- from raw events
// Rows of an NDJSON export: GA4's BigQuery shape (`event_name`, `user_pseudo_id`,
// `event_timestamp` in µs, `event_params: [{key, value: {string_value | int_value |
// double_value | float_value}}]`) or a flat one (`event`, `user_pseudo_id` or `unit`,
// `time_ms`, the params beside them or under `params`).
function readEvent(row) {
  if (!row || typeof row !== 'object') return null;
  if (typeof row.event_name === 'string') {
    const params = {};
    for (const p of Array.isArray(row.event_params) ? row.event_params : []) {
      const v = p?.value ?? {};
      params[p?.key] = v.string_value ?? v.int_value ?? v.double_value ?? v.float_value ?? null;
    }
    return { name: row.event_name, unit: row.user_pseudo_id, timeMs: Number(row.event_timestamp) / 1000, params };
  }
  const name = row.event ?? row.name;
  if (typeof name !== 'string') return null;
  return { name, unit: row.user_pseudo_id ?? row.unit, timeMs: Number(row.time_ms), params: row.params ?? row };
}

/**
 * Per experiment and goal, each variant's totals from raw events, attributed as
 * GrowthBook does (the report part's `attribute`): exposures are the `exposureEvent`
 * events (vitrine's `vitrine_exposure` on the dataLayer and the beacon: `vitrine_kind`
 * "experiment", `vitrine_id`, `vitrine_variant`), conversions the `goals` events, with
 * `value` as their revenue. With `config` (vitrine.json) the variants are its
 * experiment's, in its order, with its weights; without, "control" first, then the
 * others by name. `lines` is the text of an export, or an (async) iterable of its
 * lines: the events are reduced as they are read and never held (per unit, its first
 * exposure per experiment; per conversion, three numbers). Returns the entries
 * `analyse()` takes, how many events were read, and the lines that could not be.
 */
export async function aggregateEvents(lines, { goals, config, exposureEvent = 'vitrine_exposure' }) {
  const part = await reportPart();
  const units = new Map();
  const unitIndex = (id) => {
    let i = units.get(id);
    if (i === undefined) {
      i = units.size;
      units.set(id, i);
    }
    return i;
  };
  const exposures = new Map(); // experiment -> Map(unit -> [variant name, first time])
  const conversions = new Map(goals.map((g) => [g, { triples: new Numbers(), valued: false }]));
  const unreadable = [];
  let read = 0;
  let number = 0;
  const take = (line) => {
    number += 1;
    if (!line.trim()) return;
    let event;
    try {
      event = readEvent(JSON.parse(line));
    } catch {
      event = null;
    }
    if (!event || (typeof event.unit !== 'string' && typeof event.unit !== 'number') || !Number.isFinite(event.timeMs)) {
      if (unreadable.length < 1000) unreadable.push(number);
      return;
    }
    read += 1;
    const p = event.params;
    if (event.name === exposureEvent && p.vitrine_kind === 'experiment' && p.vitrine_id != null && p.vitrine_variant != null) {
      const id = String(p.vitrine_id);
      let seen = exposures.get(id);
      if (!seen) exposures.set(id, (seen = new Map()));
      const unit = unitIndex(String(event.unit));
      const first = seen.get(unit);
      // Only the first exposure decides the unit's variant (GrowthBook's rule).
      if (!first || event.timeMs < first[1]) seen.set(unit, [String(p.vitrine_variant), event.timeMs]);
    } else if (conversions.has(event.name)) {
      const value = Number(p.value ?? 0);
      const goal = conversions.get(event.name);
      goal.valued ||= p.value != null;
      goal.triples.push(unitIndex(String(event.unit)), event.timeMs, Number.isFinite(value) ? value : 0);
    }
  };
  if (typeof lines === 'string') lines.split(/\r?\n/).forEach(take);
  else for await (const line of lines) take(line);
  // Only an experiment the config describes with its variants is taken from it.
  const described = (e) => e && typeof e === 'object' && Array.isArray(e.variants) && e.variants.length > 0 && e.variants.every((v) => v && typeof v === 'object');
  const configured = new Map((Array.isArray(config?.experiments) ? config.experiments : []).filter(described).map((e) => [String(e.id), e]));
  const entries = [];
  for (const [experiment, seen] of exposures) {
    const known = configured.get(experiment);
    const names = known
      ? known.variants.map((v) => String(v.id))
      : [...new Set([...seen.values()].map(([v]) => v))].sort((a, b) => (a === 'control' ? -1 : b === 'control' ? 1 : a < b ? -1 : a > b ? 1 : 0));
    const weights = known && known.variants.every((v) => typeof v.weight === 'number') ? known.variants.map((v) => v.weight) : names.map(() => 1);
    const position = new Map(names.map((n, i) => [n, i]));
    const triples = new Numbers();
    for (const [unit, [variant, time]] of seen) {
      if (position.has(variant)) triples.push(unit, position.get(variant), time);
    }
    for (const [goal, { triples: converted, valued }] of conversions) {
      const totals = part.attribute(names.length, triples.array(), converted.array());
      const at = (i, k) => totals[4 * i + k];
      const { conversions: daily, values: dailyValues } = dailySeries(seen, position, converted.array(), names.length);
      entries.push({ experiment, goal, weights, variants: names.map((name, i) => ({ name, units: at(i, 0), sum: at(i, 1) })), daily });
      if (valued) {
        entries.push({ experiment, goal: `${goal} value`, weights, variants: names.map((name, i) => ({ name, units: at(i, 0), sum: at(i, 2), sumSquares: at(i, 3) })), daily: dailyValues });
      }
    }
  }
  return { entries, read, unreadable };
}

/**
 * Per UTC day, cumulative per variant: units exposed so far, and units converted so
 * far (a unit's first conversion from its exposure on) or value so far — what the
 * report's "over time" plot draws. Attribution as in `attribute`.
 */
function dailySeries(seen, position, converted, variants) {
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const exposedOn = new Map();
  const convertedOn = new Map();
  const valueOn = new Map();
  const bump = (map, d, v, by) => {
    if (!map.has(d)) map.set(d, new Float64Array(variants));
    map.get(d)[v] += by;
  };
  for (const [, [variant, time]] of seen) {
    if (position.has(variant)) bump(exposedOn, day(time), position.get(variant), 1);
  }
  const first = new Map();
  for (let i = 0; i < converted.length; i += 3) {
    const unit = converted[i];
    const time = converted[i + 1];
    const exposure = seen.get(unit);
    if (!exposure || !position.has(exposure[0]) || time < exposure[1]) continue;
    bump(valueOn, day(time), position.get(exposure[0]), converted[i + 2]);
    if (!(first.get(unit) <= time)) first.set(unit, time);
  }
  for (const [unit, time] of first) bump(convertedOn, day(time), position.get(seen.get(unit)[0]), 1);
  const days = [...new Set([...exposedOn.keys(), ...convertedOn.keys()])].sort();
  const units = new Float64Array(variants);
  const hits = new Float64Array(variants);
  const value = new Float64Array(variants);
  const conversions = [];
  const values = [];
  for (const d of days) {
    for (let v = 0; v < variants; v++) {
      units[v] += exposedOn.get(d)?.[v] ?? 0;
      hits[v] += convertedOn.get(d)?.[v] ?? 0;
      value[v] += valueOn.get(d)?.[v] ?? 0;
    }
    conversions.push({ day: d, units: Array.from(units), sum: Array.from(hits) });
    values.push({ day: d, units: Array.from(units), sum: Array.from(value) });
  }
  return { conversions, values };
}

/** A growable Float64Array: three numbers per conversion, not an array each. */
class Numbers {
  constructor() {
    this.data = new Float64Array(3 * 1024);
    this.length = 0;
  }
  push(a, b, c) {
    if (this.length + 3 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = a;
    this.data[this.length++] = b;
    this.data[this.length++] = c;
  }
  array() {
    return this.data.subarray(0, this.length);
  }
}
