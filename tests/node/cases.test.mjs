// The shared condition cases (tests/cases/conditions.json) against the built npm
// package in Node (no DOM), and against GrowthBook's own evalCondition: the expected
// values are GrowthBook's, so vitrine matches it case for case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { evalCondition as growthbook } from '@growthbook/growthbook';
import { evalCondition, init, validateConfig, VitrineConfigError, VitrineError } from '../../pkg/index.js';
import { quietly } from './quietly.mjs';

const load = async (file) => JSON.parse(await readFile(new URL(`../cases/${file}`, import.meta.url), 'utf8'));
const cases = [...(await load('conditions.json')), ...(await load('generated.json'))];
await init(await readFile(new URL('../../pkg/vitrine_core_bg.wasm', import.meta.url)));

test(`${cases.length} shared cases agree with GrowthBook's evalCondition`, () => {
  for (const c of cases) {
    assert.equal(growthbook(c.attributes, c.condition), c.expected, `GrowthBook: ${c.name}`);
  }
});

test(`${cases.length} shared cases pass against the npm package in Node`, () => {
  for (const c of cases) {
    assert.equal(evalCondition(c.attributes, c.condition), c.expected, c.name);
  }
});

test('a malformed condition evaluates as GrowthBook evaluates it, and validateConfig names the field', async () => {
  assert.equal(evalCondition({ cart: { total: 5 } }, { 'cart.total': { $gtt: 1 } }), false);
  assert.equal(quietly(() => growthbook({ cart: { total: 5 } }, { 'cart.total': { $gtt: 1 } })), false);
  const result = await validateConfig({ version: 1, rules: [{ id: 'r', when: { 'cart.total': { $gtt: 1 } }, actions: [{ op: 'hide', selector: '#x' }] }] });
  assert.deepEqual(result.errors, [{ path: 'rules[0].when.cart.total', message: 'unknown operator "$gtt" (did you mean "$gt"?)' }]);
});

test('evalCondition refuses what is not JSON data with a VitrineError', () => {
  assert.throws(() => evalCondition({ n: 1 }, { n: 1n }), (error) => error instanceof VitrineError && /condition is not JSON data/.test(error.message));
  assert.throws(() => evalCondition({}, null), VitrineError);
});

test('validateConfig works in Node and reports every problem', async () => {
  assert.deepEqual(await validateConfig({ version: 1, rules: [] }), { ok: true, errors: [] });
  const result = await validateConfig({ version: 2, rules: [{ id: 'a', actions: [{ op: 'setText', selector: '#x' }] }] });
  assert.equal(result.ok, false);
  assert.deepEqual(result.errors, [
    { path: 'version', message: 'unsupported config version 2; this vitrine reads version 1' },
    { path: 'rules[0].actions[0]', message: 'missing field "text" (required by setText)' },
  ]);
});

test('an invalid regular expression evaluates false in evalCondition and is a config error in validateConfig', async () => {
  assert.equal(evalCondition({ s: '(unclosed' }, { s: { $regex: '(unclosed' } }), false);
  const result = await validateConfig({ version: 1, rules: [{ id: 'r', when: { s: { $regex: '(unclosed' } }, actions: [{ op: 'hide', selector: '#x' }] }] });
  assert.equal(result.errors[0].path, 'rules[0].when.s.$regex');
  assert.match(result.errors[0].message, /^invalid regular expression: .*Invalid regular expression/);
});
