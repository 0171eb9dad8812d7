// What GrowthBook accepts and vitrine's config refuses, against the built package in
// Node and GrowthBook 1.8.0 in the same process: malformed operators evaluate as
// GrowthBook evaluates them (and validateConfig still names them), `$`-prefixed
// paths, saved groups, large numbers and UTF-16 strings; and the bucketing helpers
// GrowthBook exports (getBucketRanges, chooseVariation, inNamespace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { evalCondition as growthbookEval } from '@growthbook/growthbook';
import { chooseVariation, evalCondition, getBucketRanges, inNamespace, init, validateConfig } from '../../pkg/index.js';
import { quietly } from './quietly.mjs';

const gbRoot = dirname(createRequire(import.meta.url).resolve('@growthbook/growthbook/package.json'));
const gbUtil = await import(pathToFileURL(join(gbRoot, 'dist/esm/util.mjs')).href);
await init(await readFile(new URL('../../pkg/vitrine_core_bg.wasm', import.meta.url)));
const cases = JSON.parse(await readFile(new URL('../cases/growthbook-compat.json', import.meta.url), 'utf8'));


test(`${cases.length} compatibility cases: GrowthBook's answers`, () => {
  for (const c of cases) {
    assert.equal(quietly(() => growthbookEval(c.attributes, c.condition, c.savedGroups)), c.expected, `GrowthBook: ${c.name}`);
  }
});

test(`${cases.length} compatibility cases: vitrine's evalCondition gives the same answers`, () => {
  for (const c of cases) {
    assert.equal(evalCondition(c.attributes, c.condition, c.savedGroups), c.expected, c.name);
  }
});

test('the malformed cases are still reported by validateConfig, with the path of the field', async () => {
  let reported = 0;
  for (const c of cases) {
    const config = { version: 1, ...(c.savedGroups ? { savedGroups: c.savedGroups } : {}), rules: [{ id: 'r', when: c.condition, actions: [{ op: 'hide', selector: '#x' }] }] };
    const result = await validateConfig(config);
    assert.equal(!result.ok, c.reported, `${c.name}: ${JSON.stringify(result.errors)}`);
    if (c.reported) {
      reported++;
      assert.ok(result.errors.every((e) => e.path.startsWith('rules[0].when') || e.path.startsWith('savedGroups')), `${c.name}: ${JSON.stringify(result.errors)}`);
    }
  }
  assert.ok(reported >= 15);
});

test('savedGroups in a config: a bad group is named by its path', async () => {
  const result = await validateConfig({ version: 1, savedGroups: { vip: [{ id: 1 }], bad: { type: 'lst', values: [] }, ok: ['a'] }, rules: [] });
  assert.deepEqual(result.errors, [
    { path: 'savedGroups.vip[0]', message: 'expected a string or a number, found an object' },
    { path: 'savedGroups.bad.type', message: 'expected "list" or "condition" (or give the group as an array of values)' },
  ]);
  const typo = await validateConfig({ version: 1, savedGroups: { vip: ['a'] }, rules: [{ id: 'r', when: { id: { $inGroup: 'vpi' } }, actions: [{ op: 'hide', selector: '#x' }] }] });
  assert.deepEqual(typo.errors, [{ path: 'rules[0].when.id.$inGroup', message: 'unknown saved group "vpi" (did you mean "vip"?)' }]);
});

// Seeded generator, so a failure names a reproducible input.
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

test('getBucketRanges matches GrowthBook for 2,000 generated inputs', () => {
  for (let i = 0; i < 2000; i++) {
    const n = 1 + Math.floor(random() * 5);
    const coverage = [undefined, 1, 0.5, random(), -0.2, 1.7][i % 6];
    const kind = i % 4;
    const weights = kind === 0 ? undefined
      : kind === 1 ? Array.from({ length: n }, () => 1 / n)
      : kind === 2 ? Array.from({ length: n }, () => random())
      : Array.from({ length: n + 1 }, () => 1 / (n + 1));
    const ours = getBucketRanges(n, coverage, weights);
    const theirs = quietly(() => gbUtil.getBucketRanges(n, coverage, weights));
    assert.deepEqual(ours, theirs, JSON.stringify({ n, coverage, weights }));
  }
});

test('chooseVariation and inNamespace match GrowthBook', () => {
  const ranges = gbUtil.getBucketRanges(3, 0.8, [0.2, 0.3, 0.5]);
  for (let i = 0; i <= 1000; i++) {
    const n = i / 1000;
    assert.equal(chooseVariation(n, ranges), gbUtil.chooseVariation(n, ranges), `n=${n}`);
  }
  for (let i = 0; i < 3000; i++) {
    const id = `visitor-${i}`;
    const namespace = ['checkout', (i % 7) / 10, 0.4 + (i % 5) / 10];
    assert.equal(inNamespace(id, namespace), gbUtil.inNamespace(id, namespace), `${id} ${namespace}`);
  }
});

// evalCondition compiles a condition once and recognises the object when it comes
// back (confirmed against the JSON it was compiled from); these are the values JSON
// cannot carry, a present `undefined` beside a missing key, and the object changed
// in place.
test('evalCondition: values JSON cannot carry, getters, and a condition changed in place agree with GrowthBook', () => {
  const both = (attributes, condition, name) => {
    assert.equal(evalCondition(attributes, condition), quietly(() => growthbookEval(attributes, condition)), name);
  };
  for (const [name, value] of [['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['-0', -0]]) {
    both({ x: value }, { x: { $exists: true } }, `${name} $exists`);
    both({ x: value }, { x: { $gt: 0 } }, `${name} $gt`);
    both({ x: value }, { x: { $lte: 0 } }, `${name} $lte`);
    both({ x: { y: value } }, { 'x.y': { $exists: false } }, `${name} nested`);
  }
  both({ x: 10n, y: 2 }, { y: 2 }, 'a BigInt on another path');
  for (const op of [{ $gt: 5 }, { $eq: 10 }, { $in: [1, 2] }, { $type: 'unknown' }, { $exists: true }]) {
    both({ x: 10n }, { x: op }, `a BigInt read: ${Object.keys(op)[0]}`);
  }
  // A key present with `undefined` is not a missing key (GrowthBook's getPath).
  for (const op of [{ $lte: 0 }, { $exists: false }, { $type: 'undefined' }, { $type: 'null' }, { $eq: null }, { $ne: null }, { $not: { $lte: 0 } }]) {
    both({ x: undefined }, { x: op }, `undefined ${JSON.stringify(op)}`);
    both({}, { x: op }, `missing ${JSON.stringify(op)}`);
  }
  both({ x: undefined }, { x: null }, 'undefined against null');
  const cycle = { n: 3 };
  cycle.self = cycle;
  both({ x: cycle, y: 'a' }, { y: 'a' }, 'a cycle on another path');
  both({ get x() { return 5; } }, { x: { $gte: 5 } }, 'a getter');
  // A throwing getter reads as missing (GrowthBook would throw; vitrine never does).
  assert.equal(evalCondition({ get x() { throw new Error('boom'); } }, { x: { $exists: false } }), true);
  // The same object, changed between calls: its new content decides.
  const condition = { 'cart.total': { $gte: 100 } };
  const attributes = { cart: { total: 150 } };
  assert.equal(evalCondition(attributes, condition), true);
  condition['cart.total'].$gte = 200;
  assert.equal(evalCondition(attributes, condition), false);
  condition.channel = 'email';
  assert.equal(evalCondition({ cart: { total: 250 }, channel: 'email' }, condition), true);
  assert.equal(evalCondition({ cart: { total: 250 }, channel: 'paid' }, condition), false);
  // Values JSON cannot write, inside the condition: read as GrowthBook reads them.
  for (const [name, condition] of [
    ['$lt Infinity', { price: { $lt: Infinity } }],
    ['$gt NaN', { price: { $gt: NaN } }],
    ['$in [undefined]', { missing: { $in: [undefined] } }],
    ['$ne -Infinity', { price: { $ne: -Infinity } }],
  ]) {
    both({ price: 100 }, condition, `condition with ${name}`);
    both({ price: 100 }, condition, `condition with ${name}, again`);
  }
  // A null sub-condition, where GrowthBook throws: false, never a throw.
  assert.equal(evalCondition({ a: 1 }, { $not: null }), false);
  assert.equal(evalCondition({ a: 1 }, { $or: [null, { a: 1 }] }), false);
  // A list changed in place, and an array turned into an object of the same keys.
  const list = { c: { $in: ['a', 'b'] } };
  assert.equal(evalCondition({ c: 'b' }, list), true);
  list.c.$in.pop();
  assert.equal(evalCondition({ c: 'b' }, list), false);
  const shape = { c: { $in: ['a'] } };
  assert.equal(evalCondition({ c: 'a' }, shape), true);
  shape.c.$in = { 0: 'a' };
  assert.equal(evalCondition({ c: 'a' }, shape), quietly(() => growthbookEval({ c: 'a' }, shape)));
  // Saved groups are read when the condition is evaluated, as GrowthBook reads them.
  const groups = { vip: ['c-1'] };
  const inGroup = { id: { $inGroup: 'vip' } };
  assert.equal(evalCondition({ id: 'c-2' }, inGroup, groups), false);
  groups.vip.push('c-2');
  assert.equal(evalCondition({ id: 'c-2' }, inGroup, groups), true);
  // Two objects with the same content share one compiled condition and both answer.
  assert.equal(evalCondition({ a: [1, 2] }, { a: { $size: 2 } }), evalCondition({ a: [1, 2] }, { a: { $size: 2 } }));
});

test('evalCondition needs no init(): it runs before the wasm is loaded', () => {
  const script = `import('${new URL('../../pkg/index.js', import.meta.url).href}').then((m) => {
    process.stdout.write(JSON.stringify([m.evalCondition({ cart: { total: 180 } }, { 'cart.total': { $gte: 150 } }), m.evalCondition({ s: 'x' }, { s: { $regex: '(' } })]));
  });`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(out, '[true,false]');
});
