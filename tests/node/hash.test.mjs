// Bucketing hash against GrowthBook's own implementation, for thousands of ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hash, init } from '../../pkg/index.js';

// GrowthBook does not export `hash`; load its util module by file.
const gbRoot = dirname(createRequire(import.meta.url).resolve('@growthbook/growthbook/package.json'));
const growthbook = await import(pathToFileURL(join(gbRoot, 'dist/esm/util.mjs')).href);
await init(await readFile(new URL('../../pkg/vitrine_core_bg.wasm', import.meta.url)));

const ids = [];
for (let i = 0; i < 3000; i++) ids.push(`visitor-${i}`, `${(i * 2654435761) >>> 0}`);
ids.push('', 'ação', '😀 emoji', 'ümlaut', 'a'.repeat(300));

test(`hash matches GrowthBook for ${ids.length} ids, versions 1 and 2`, () => {
  let compared = 0;
  for (const seed of ['', 'exp-hero', 'checkout-2026']) {
    for (const id of ids) {
      for (const version of [1, 2]) {
        assert.equal(hash(seed, id, version), growthbook.hash(seed, id, version), `${seed}/${id}/v${version}`);
        compared++;
      }
    }
  }
  assert.equal(compared, ids.length * 6);
});

test('unknown versions give null, as GrowthBook', () => {
  for (const version of [0, 3, '2', null, undefined]) {
    assert.equal(hash('s', 'v', version), null);
    assert.equal(growthbook.hash('s', 'v', version), null);
  }
});

test('hash values are spread over [0, 1)', () => {
  const buckets = new Array(10).fill(0);
  for (const id of ids.slice(0, 6000)) buckets[Math.floor(hash('seed', id, 2) * 10)]++;
  for (const count of buckets) assert.ok(count > 450 && count < 750, `uneven: ${buckets}`);
});

test('the committed bucketing cases still agree with GrowthBook', async () => {
  const cases = JSON.parse(await readFile(new URL('../cases/buckets.json', import.meta.url), 'utf8'));
  assert.ok(cases.length >= 4000);
  for (const c of cases) {
    const ranges = growthbook.getBucketRanges(c.weights.length, c.coverage, c.weights);
    assert.equal(growthbook.chooseVariation(growthbook.hash(c.seed, c.id, c.version), ranges), c.variation);
  }
});
