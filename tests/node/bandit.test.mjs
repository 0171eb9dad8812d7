// Bandits from the built package: Thompson sampling's weights (js/bandit.js) and a
// simulated population over 20 rounds of export → `vitrine report --bandit` → new
// weights, assigned with the package's GrowthBook bucketing (hash, getBucketRanges,
// chooseVariation: what the engine does, checked against GrowthBook in hash.test.mjs)
// and kept sticky as the engine keeps them (tests/e2e/bandit.test.mjs holds the real
// runtime to that in Chromium).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'pkg');
const { thompsonWeights, weightsFromPosterior } = await import(join(pkg, 'bandit.js'));
const vitrine = await import(join(pkg, 'index.js'));
await vitrine.init(readFileSync(join(pkg, 'vitrine_core_bg.wasm')));

test('Thompson weights: the likely best arm gets most, every arm keeps the floor, the same file gives the same weights', () => {
  const arms = [{ alpha: 11, beta: 91 }, { alpha: 21, beta: 81 }, { alpha: 12, beta: 90 }];
  const w = thompsonWeights(arms, { floor: 0.02 });
  assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.ok(w[1] > 0.9, `weights ${w}`);
  assert.ok(w.every((x) => x >= 0.02));
  assert.deepEqual(thompsonWeights(arms, { floor: 0.02 }), w, 'seeded by the posterior');
  // No data: equal chances.
  const flat = thompsonWeights([{ alpha: 1, beta: 1 }, { alpha: 1, beta: 1 }]);
  assert.ok(Math.abs(flat[0] - 0.5) < 0.02, `flat ${flat}`);
  // A posterior for other variants, or broken, is refused with a reason.
  const experiment = { id: 'hero', variants: [{ id: 'control' }, { id: 'b' }] };
  assert.match(weightsFromPosterior({ experiment: 'other', arms: [] }, experiment).problem, /is for "other"/);
  assert.match(weightsFromPosterior({ arms: [{ variant: 'b', alpha: -1, beta: 2 }] }, experiment).problem, /alpha > 0/);
  assert.match(weightsFromPosterior('nope', experiment).problem, /not a posterior/);
  // Published shares are used as they are (only the floor applied); unsound ones are redrawn.
  const published = { arms: [{ variant: 'control', alpha: 1, beta: 1, share: 0.25 }, { variant: 'b', alpha: 1, beta: 1, share: 0.75 }] };
  assert.deepEqual(weightsFromPosterior(published, experiment, { floor: 0.1 }).weights, [0.1 + 0.8 * 0.25, 0.1 + 0.8 * 0.75]);
  published.arms[1].share = 0.9;
  assert.ok(Math.abs(weightsFromPosterior(published, experiment).weights[0] - 0.5) < 0.02, 'redrawn from Beta(1, 1)s');
});

test('20 rounds of export → report --bandit → weights converge to the best arm; no visitor ever switches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-bandit-'));
  const truth = { control: 0.04, b: 0.07, c: 0.1 };
  const variants = Object.keys(truth);
  const sticky = new Map();
  let weights = variants.map(() => 1 / 3);
  let next = 1;
  let moved = 0;
  let random = 20261203;
  const rand = () => {
    random = (random * 1103515245 + 12345) % 2147483648;
    return random / 2147483648;
  };
  const history = [];
  const events = [];
  for (let round = 0; round < 20; round++) {
    const ranges = vitrine.getBucketRanges(variants.length, 1, weights);
    const returning = [...sticky.keys()].filter(() => rand() < 0.1);
    const fresh = Array.from({ length: 400 }, () => `visitor-${next++}`);
    for (const id of [...returning, ...fresh]) {
      const bucketed = variants[vitrine.chooseVariation(vitrine.hash('hero', id, 2), ranges)];
      if (sticky.has(id) && sticky.get(id) !== bucketed) moved += 1; // today's weights would move them
      if (!sticky.has(id)) sticky.set(id, bucketed);
      const variant = sticky.get(id);
      const t = round * 86_400_000 + events.length;
      events.push({ event: 'vitrine_exposure', unit: id, time_ms: t, params: { vitrine_kind: 'experiment', vitrine_id: 'hero', vitrine_variant: variant } });
      if (rand() < truth[variant]) events.push({ event: 'purchase', unit: id, time_ms: t + 1, params: {} });
    }
    const file = join(dir, `round-${round}.ndjson`);
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n'));
    const out = spawnSync('node', [join(pkg, 'cli.js'), 'report', file, '--goal', 'purchase', '--bandit', 'hero'], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const posterior = JSON.parse(out.stdout);
    assert.deepEqual(posterior.arms.map((a) => a.variant), ['control', 'b', 'c']);
    const read = weightsFromPosterior(posterior, { id: 'hero', variants: variants.map((id) => ({ id })) });
    assert.deepEqual(read.weights, posterior.arms.map((a) => a.weight), 'the page computes what the report wrote');
    weights = read.weights;
    history.push(weights[2]);
  }
  assert.ok(history[19] > 0.85, `the best arm's weight by round: ${history.map((w) => w.toFixed(2)).join(' ')}`);
  assert.ok(weights.every((w) => w >= 0.01 - 1e-12), 'every arm keeps the floor');
  assert.ok(moved > 0, 'the weights changed under returning visitors, who kept their variant');
});
