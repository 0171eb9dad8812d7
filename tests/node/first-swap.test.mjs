// The loader's JavaScript start (js/start.js) against the shared first-swap cases
// (tests/cases/first-swap.json, tests/cases/context.json), whose answers the
// engine's own planner gives natively (tests/first_swap_cases.rs): what the
// start applies before the runtime arrives is what the runtime would apply.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { contextDocument, plan, isSafeUrl, isSafeStyleValue } from '../../js/start.js';

const cases = (file) => JSON.parse(readFileSync(new URL(`../cases/${file}`, import.meta.url), 'utf8'));
const page = (p) => ({ hour: 10, weekday: 2, language: 'pt-BR', width: 390, ...p });

test('the context document is the engine\'s', () => {
  const all = cases('context.json');
  assert.ok(all.length >= 30);
  for (const c of all) assert.deepEqual(contextDocument(page(c.page)), c.expect, c.name);
});

test('the first swap plans what the engine plans', () => {
  const all = cases('first-swap.json');
  assert.ok(all.length >= 50);
  for (const c of all) {
    let asked = 0;
    const got = plan(c.config, contextDocument(page(c.page)), () => {
      asked += 1;
      return c.consent;
    });
    assert.ok(asked <= 1, `${c.name}: consent is asked at most once`);
    assert.deepEqual(JSON.parse(JSON.stringify(got)), c.expect, c.name);
  }
});

test('unsafe URLs and style values are refused as the validator refuses them', () => {
  for (const ok of ['https://a.b/c', '/cart', 'cart?x=1', '#top', 'mailto:a@b.c', 'tel:+55', 'HTTP://X', '//cdn.x/y.png', './a:b']) assert.ok(isSafeUrl(ok), ok);
  for (const bad of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:x', '\u0000javascript:x', 'data:text/html,x', 'vbscript:x']) assert.ok(!isSafeUrl(bad), bad);
  for (const ok of ['#c00', '700', '1px solid red', '0 2px 4px rgba(0,0,0,.2)']) assert.ok(isSafeStyleValue(ok), ok);
  for (const bad of ['url(x)', 'IMAGE-set(x)', 'expression(1)', 'red;color:blue', 'var(--x)', 'a\u0085b', '"x"', 'a'.repeat(201), '']) assert.ok(!isSafeStyleValue(bad), bad);
});
