// The shared condition cases (tests/cases/conditions.json) against the built npm
// package in Node (no DOM), and against GrowthBook's own evalCondition: the expected
// values are GrowthBook's, so vitrine matches it case for case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { evalCondition as growthbook } from '@growthbook/growthbook';
import { evalCondition, init, validateConfig, VitrineConfigError, VitrineError } from '../../pkg/index.js';

const load = async (file) => JSON.parse(await readFile(new URL(`../cases/${file}`, import.meta.url), 'utf8'));
const cases = [...(await load('conditions.json')), ...(await load('generated.json'))];
await init(await readFile(new URL('../../pkg/vitrine_core_bg.wasm', import.meta.url)));

test(`${cases.length} shared cases agree with GrowthBook's evalCondition`, () => {
  for (const c of cases) {
    assert.equal(growthbook(c.attributes, c.condition), c.expected, `GrowthBook: ${c.name}`);
  }
});

test(`${cases.length} shared cases pass against the wasm package in Node`, () => {
  for (const c of cases) {
    assert.equal(evalCondition(c.attributes, c.condition), c.expected, c.name);
  }
});

test('a malformed condition throws an error that names the field', () => {
  assert.throws(() => evalCondition({}, { 'cart.total': { $gtt: 1 } }), VitrineConfigError);
  assert.throws(() => evalCondition({}, { 'cart.total': { $gtt: 1 } }), VitrineError);
  assert.throws(() => evalCondition({}, { 'cart.total': { $gtt: 1 } }), {
    name: 'VitrineConfigError',
    message: 'vitrine: invalid config: cart.total: unknown operator "$gtt" (did you mean "$gt"?)',
  });
});

test('validateConfig works in Node and reports every problem', () => {
  assert.deepEqual(validateConfig({ version: 1, rules: [] }), { ok: true, errors: [] });
  const result = validateConfig({ version: 2, rules: [{ id: 'a', actions: [{ op: 'setText', selector: '#x' }] }] });
  assert.equal(result.ok, false);
  assert.deepEqual(result.errors, [
    { path: 'version', message: 'unsupported config version 2; this vitrine reads version 1' },
    { path: 'rules[0].actions[0]', message: 'missing field "text" (required by setText)' },
  ]);
});

test('an invalid regular expression is a config error, not a silent false', () => {
  assert.throws(() => evalCondition({ s: 'x' }, { s: { $regex: '(unclosed' } }), (error) => {
    assert.equal(error.name, 'VitrineConfigError');
    assert.equal(error.errors[0].path, 's.$regex');
    assert.match(error.errors[0].message, /^invalid regular expression: .*Invalid regular expression/);
    return true;
  });
});
