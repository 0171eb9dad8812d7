// The editor's schema extract and its plain-language reading of targeting, in both
// languages: the extract has a form for every operation and field the schema has
// (a new one in the engine fails here until the editor can show it), and every
// kind of clause, trigger, cap and schedule is put into words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { editorSpec } from '../../scripts/editor-spec.mjs';

const schema = JSON.parse(readFileSync(new URL('../../js/schema.json', import.meta.url), 'utf8'));
globalThis.VITRINE_EDITOR_SPEC = editorSpec(schema);
const { describeCondition, describeRule } = await import('../../js/editor-words.js');
// The forms module loads in Node too (its spec defined as the build defines it).
await import('../../js/editor-forms.js');

test('the extract has every operation and every field of the schema', () => {
  const spec = globalThis.VITRINE_EDITOR_SPEC;
  for (const { $ref } of schema.$defs.Action.oneOf) {
    const def = schema.$defs[$ref.split('/').pop()];
    const op = def.properties.op.const;
    const fields = Object.keys(def.properties).filter((f) => !['op', 'selector', 'match'].includes(f));
    assert.deepEqual(spec.ops[op].fields.map((f) => f.name), fields, op);
    for (const f of spec.ops[op].fields) assert.ok(f.kind, `${op}.${f.name} has a control kind`);
  }
  assert.equal(spec.ops.redirect.selector, 'none');
  assert.equal(spec.ops.popup.selector, 'optional');
  assert.equal(spec.ops.setText.selector, 'required');
  assert.deepEqual(spec.ops.show.fields[0].choices, schema.$defs.ShowAction.properties.display.enum);
  assert.deepEqual(spec.style, Object.keys(schema.$defs.Style.properties));
  assert.deepEqual(spec.triggers, ['load', 'exit', 'event', 'dwell', 'scroll', 'idle']);
  // A field kind the editor has no control for is a build error, not a silent gap.
  const broken = structuredClone(schema);
  broken.$defs.SetTextAction.properties.extra = { type: 'array' };
  assert.throws(() => editorSpec(broken), /no form for the field "extra"/);
});

test('conditions in words, in Portuguese and English', () => {
  const attributes = {
    'cart.total': { en: 'cart total', pt: 'total do carrinho', kind: 'money' },
    'utm.source': { en: 'UTM source', pt: 'origem UTM', kind: 'text' },
    segments: { en: 'segment', pt: 'segmento', kind: 'segment', values: ['vip'] },
    'predict.purchase': { en: 'prediction purchase', pt: 'previsão purchase', kind: 'number' },
  };
  const when = { 'cart.total': { $gte: 150, $lt: 1000.5 }, channel: 'whatsapp', segments: { $in: ['vip'] }, 'predict.purchase': { $gt: 0.6 } };
  assert.equal(describeCondition(when, 'pt', attributes).replace(/\u00a0/g, ' '),
    'total do carrinho ≥ R$ 150 e total do carrinho < R$ 1.000,5 e chegou pelo WhatsApp e no segmento vip e previsão purchase > 0.6');
  assert.equal(describeCondition(when, 'en', attributes),
    'cart total ≥ R$150 and cart total < R$1,000.5 and arrived from WhatsApp and in segment vip and prediction purchase > 0.6');
  assert.equal(describeCondition({ $or: [{ 'utm.source': { $in: ['ig', 'fb'] } }, { segments: { $nin: ['vip'] } }] }, 'en', attributes),
    '(UTM source is one of ig, fb or not in segment vip)');
  assert.equal(describeCondition({ 'utm.source': { $regex: 'black\\.friday' } }, 'pt', attributes), 'origem UTM contém black.friday');
  const yesNo = { 'visitor.returning': { en: 'returning visitor', pt: 'visitante que voltou', kind: 'bool' } };
  assert.equal(describeCondition({ 'visitor.returning': { $eq: false } }, 'pt', yesNo), 'não visitante que voltou');
  assert.equal(describeCondition({ 'visitor.returning': true }, 'en', yesNo), 'returning visitor');
  assert.equal(describeCondition(undefined, 'pt'), 'sempre');
  assert.equal(describeCondition({}, 'en'), 'always');
});

test('a rule\'s whole targeting in words', () => {
  const rule = {
    when: { 'cart.count': { $gte: 1 } },
    trigger: { dwell: 10000 },
    frequency: { max: 1, per: 'day' },
    schedule: { start: '2026-12-24T18:00:00Z', end: '2026-12-26T00:00:00Z', weekdays: [1, 2, 3, 4, 5], hours: [9, 18] },
    consent: ['personalization', 'marketing'],
    holdout: 0.1,
  };
  assert.equal(describeRule(rule, 'pt'),
    'itens no carrinho ≥ 1; depois de 10 s na página; no máximo 1× por dia (UTC); a partir de 2026-12-24 18:00 UTC; até 2026-12-26 00:00 UTC; em seg, ter, qua, qui, sex; das 9 h às 18 h; precisa do consentimento: personalization, marketing; 10 % fora (controle)');
  assert.equal(describeRule({ trigger: 'exit', consent: 'personalization' }, 'en'), 'always; on exit intent');
  assert.equal(describeRule({ trigger: { event: 'purchase' } }, 'en'), 'always; after the event "purchase"');
  assert.equal(describeRule({ trigger: { scroll: 50 } }, 'pt'), 'sempre; depois de rolar 50 %');
});
