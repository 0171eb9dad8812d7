// Seeded differential fuzzing of vitrine's evalCondition (js/condition.js, built into
// pkg/) against GrowthBook 1.8.0's: random (attributes, condition, savedGroups)
// triples aimed at the edges of GrowthBook's mongrule.mjs (every operator, malformed
// arguments, array-likes where lists are read, `$`-prefixed paths, dotted and index
// paths, values JSON cannot carry in the attributes, saved groups of every shape and
// cycles). Where GrowthBook throws, vitrine only has to answer without throwing;
// otherwise both answer the same. Each condition is also evaluated a second time
// (vitrine's cache), as a structuredClone (same text, new object), and for a sample
// changed in place and evaluated again. A failure names the seed; rerun with
// FUZZ_SEED=<seed> (FUZZ_CASES=<n> for more cases, FUZZ_SHOW=<n> to shrink and show
// more than the first 3 failures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { evalCondition as growthbookEval } from '@growthbook/growthbook';
import { evalCondition } from '../../pkg/index.js';
import { quietly } from './quietly.mjs';

// GrowthBook keeps the regexes it built in a module-wide cache keyed by `${pattern}`
// (plus "/i"), so once "null" was a pattern {$regex: null} finds it, and {$regex:
// "a/i"} finds {$regexi: "a"}: its answer depends on the calls before. An answer that
// differs from vitrine's is therefore asked again of a new instance of the module
// (an empty cache), and that answer is the one compared.
const mongrule = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('@growthbook/growthbook/package.json')), 'dist/esm/mongrule.mjs')).href;
let instances = 0;
const freshGrowthbook = async () => (await import(`${mongrule}?instance=${++instances}`)).evalCondition;

const SEED = (process.env.FUZZ_SEED === undefined ? 0x5eed : Number(process.env.FUZZ_SEED)) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 20000);


function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rand = mulberry32(SEED);
const int = (n) => Math.floor(rand() * n);
const chance = (p) => rand() < p;
const pick = (list) => list[int(list.length)];
// A factory in the list is called, so no object is shared between cases.
const pickf = (list) => {
  const x = pick(list);
  return typeof x === 'function' ? x() : x;
};
// Own data properties, as JSON.parse makes them ("__proto__" is a key, not the prototype).
const obj = (entries, proto = Object.prototype) => {
  const o = Object.create(proto);
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
};

const STRINGS = ['', 'a', 'A', 'ab', 'AB', 'Ab', 'abc', 'us', 'US', 'Us', 'ca', 'CA', 'fr', 'c-1', 'C-1', 'c-2', 'vip', 'VIP',
  '1', '01', '1.0', ' 1', '1e3', '1E3', '0x10', '-0', '0', '2', '10', '9', '18', 'NaN', 'Infinity', 'true', 'false', 'null',
  'undefined', 'ä', 'Ä', 'İ', 'i̇', 'ß', 'SS', '😀', 'a/b', 'a\\/b', '[object Object]', 'a,b', '1,2', 'a/i', '5'];
const VERSIONS = ['1.2.3', 'v1.2.3', '1.2.3-beta', '1.2.3-beta.1', '1.2.3-rc.1+build', '1.2.10', '1.10.0', '2.0.0', '2.0.0+build',
  '1.2', '1', '01.2.3', 'v', '1.2.3.4', '1.2.3-', '1.2.3-alpha', '1.2.3-Beta', '0.0.0', '10.0.0-0', 'v2', '99999.0.0'];
const NUMBERS = [0, -0, 1, -1, 1.5, 2, 3, 5, 9, 10, 17, 18, 65, 100, 0.1, 1e21, 2 ** 53, 2 ** 53 + 2, -1e300, Number.MAX_VALUE, 5e-324];
const ATTR_NUMBERS = [...NUMBERS, NaN, Infinity, -Infinity];
const TYPES = ['string', 'number', 'boolean', 'object', 'array', 'null', 'undefined', 'unknown', 'String', 'function', 'bigint', 'symbol'];
const REGEXES = ['a', 'A', '^a', 'a$', '^$', 'b', '^[0-9]+$', '\\d', '.', '(', '[', '*', 'a{', '(?<n>a)\\k<n>', 'a/b', '\\/', 'a/i',
  '5', 'null', 'true', 'undefined', 'a,b', '[object Object]', 'ß', 'us|ca', '^US$', '\\u{1F600}', '(?i)a', '', 'Symbol'];
const GROUP_IDS = ['g1', 'g2', 'list', 'cond', 'cyc', 'cycA', 'cycB', 'bad', 'missing', '', '__proto__', 'constructor'];
const ATTR_KEYS = ['id', 'country', 'age', 'tags', 'version', 'nested', 'arr', 'flag', 'u', 'n', '', '$weird', '$in', '0', 'length', '__proto__', 'a.b', 'A'];
const HEADS = [...ATTR_KEYS, 'missing', 'toString', 'constructor'];
const STEPS = ['a', 'b', 'c', 'x', '0', '1', '2', 'length', '', 'A', '$eq', '__proto__'];
const OPERATORS = ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$exists', '$in', '$nin', '$ini', '$nini', '$all', '$alli', '$elemMatch',
  '$size', '$not', '$type', '$regex', '$regexi', '$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte', '$inGroup', '$notInGroup'];
const KNOWN = new Set(OPERATORS);
const UNKNOWN = ['$foo', '$', '$EQ', '$regexp', '$or', '$and', '$nor', '$savedGroup', '$where', '$exist'];

const primitive = () => {
  const r = rand();
  return r < 0.45 ? (chance(0.75) ? pick(STRINGS) : pick(VERSIONS)) : r < 0.8 ? pick(NUMBERS) : r < 0.9 ? chance(0.5) : null;
};
function json(d) {
  const r = rand();
  if (r < 0.7 || d > 2) return primitive();
  if (r < 0.85) return Array.from({ length: int(4) }, () => json(d + 1));
  return obj(Array.from({ length: int(3) }, () => [pick(STEPS), json(d + 1)]));
}
function attr(d) {
  const r = rand();
  if (r < 0.55 || d > 2) return r < 0.05 ? undefined : r < 0.1 ? pick(ATTR_NUMBERS) : primitive();
  if (r < 0.75) return Array.from({ length: int(5) }, () => attr(d + 1));
  if (r < 0.97) return obj(Array.from({ length: int(4) }, () => [pick(STEPS), attr(d + 1)]));
  // Values that GrowthBook cannot convert or write out.
  return pickf([() => Object.create(null), () => obj([['a', 1]], null), () => Symbol('s'), 10n, -5n]);
}
const groupValues = () => Array.from({ length: int(5) }, () =>
  pickf(['c-1', 'c-2', 'C-1', 'us', 'US', 'ca', 'vip', 'VIP', 'a', 'A', '1', 1, 2, 18, 0, '', null, false, true, NaN, undefined, () => ['a']]));

function typed(key) {
  switch (key) {
    case 'id': return pick(['c-1', 'c-2', 'C-1', '1', 1, 2, '']);
    case 'country': return pick(['us', 'US', 'Us', 'ca', 'CA', '', 'fr', 'ä']);
    case 'age': return pick([0, -0, 17, 18, 18.5, 65, '18', '18.0', ' 18', '', NaN, Infinity, -Infinity, 1e21, null, undefined]);
    case 'tags': return Array.from({ length: int(5) }, () => pickf(TAGS));
    case 'version': return chance(0.85) ? pick(VERSIONS) : pick([1, 1.2, 10, '']);
    case 'nested': return obj([['a', obj([['b', attr(2)], ['c', [attr(2), attr(2)]]])], ['x', attr(1)]].filter(() => chance(0.8)));
    case 'arr': return Array.from({ length: int(5) }, () => chance(0.75) ? obj([['a', attr(2)], ['b', primitive()]].filter(() => chance(0.8))) : attr(2));
    case 'flag': return pick([true, false, 0, 1, '', 'false', null, undefined]);
    case 'u': return undefined;
    case 'n': return NaN;
    default: return attr(0);
  }
}
function attributes() {
  if (chance(0.01)) return pickf([null, undefined, () => [], 'abc', 5, () => ['a', { a: 1 }]]);
  return obj(ATTR_KEYS.filter((k) => chance(k.length > 2 && k[0] !== '$' ? 0.6 : 0.2)).map((k) => [k, chance(0.6) ? typed(k) : attr(0)]));
}

function path() {
  if (chance(0.1)) {
    return pick(['a..b', '.', 'tags.length', 'arr.length', 'arr.0.a', 'arr.1.b', 'nested.a.b', 'nested.a.c.0', 'tags.0', 'tags.10',
      'missing.deep.er', 'id.length', 'country.0', '$weird', '$foo', '$', '$in', '$exists', '$elemMatch', 'n.x', 'u.x']);
  }
  const r = rand();
  const steps = r < 0.55 ? 0 : r < 0.85 ? 1 : 2;
  return [pick(HEADS), ...Array.from({ length: steps }, () => pick(STEPS))].join('.');
}
const elemPath = () => pick(['a', 'b', 'x', '0', 'length', 'a.b', '', '$weird', 'c.0']);

function doc(d, paths = path) {
  const n = chance(0.08) ? 0 : 1 + int(d === 0 ? 3 : 2);
  const entries = [];
  for (let k = 0; k < n; k++) {
    const r = rand();
    entries.push(d < 3 && r < (d === 0 ? 0.35 : 0.25) ? logical(d, paths) : paths === path && r > 0.7 ? themed() : [paths(), valueCondition(d)]);
  }
  return obj(entries);
}
function logical(d, paths) {
  const r = rand();
  const sub = () => doc(d + 1, paths);
  if (r < 0.6) {
    const list = chance(0.8) ? Array.from({ length: int(4) }, sub) : pickf([null, 5, 0, '', 'a', 'ab', true, () => ({}),
      () => ({ length: 1, 0: sub() }), () => ({ length: 2, 0: {}, 1: sub() }), () => ({ length: -1 }), () => ({ length: 0 }),
      () => ({ length: '1', 0: sub() }), () => ({ length: true, 0: sub() }), () => ({ length: 0.5, 0: {} }), () => ({ 0: sub() }),
      () => [null], () => [5], () => ['a'], () => [[]], () => [{}], () => [sub(), null], () => [[sub()]]]);
    return [pick(['$or', '$and', '$nor']), list];
  }
  if (r < 0.8) return ['$not', chance(0.85) ? sub() : pickf([null, 5, 0, 'a', 'ab', true, () => [], () => [sub()]])];
  return ['$savedGroup', reference()];
}
// A clause on an attribute the generator fills with related values, so that the
// operators meet the values that tell implementations apart.
const TAGS = ['a', 'A', 'b', 'vip', 'VIP', 'Vip', ' vip', '', 1, '1', null, undefined, 0, -0, false, true, () => ['a']];
const FALSY_TESTS = [() => ({ $exists: true }), () => ({ $type: pick(['boolean', 'number', 'string']) }), () => ({ $eq: pick([0, false, '']) }),
  () => ({ $in: [0, false, ''] }), () => ({ $lte: 0 }), () => ({ $not: { $eq: 'a' } }), () => ({ $ne: null }), () => ({})];
const tag = () => pickf(TAGS.filter((t) => t !== undefined));
function themed() {
  const ops = (...entries) => obj(entries);
  switch (int(6)) {
    case 0: return [pick(['version', 'version', 'nested.a.b']), ops([pick(['$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte']), pick(VERSIONS)])];
    case 1: {
      const op = pick(['$elemMatch', '$elemMatch', '$all', '$alli', '$alli', '$in', '$nin', '$ini', '$nini', '$size']);
      const arg = op === '$elemMatch' ? (chance(0.7) ? pickf(FALSY_TESTS) : doc(2, elemPath)) : op === '$size' ? int(4)
        : Array.from({ length: op.startsWith('$all') ? 1 + int(2) : int(4) }, tag);
      return ['tags', ops([op, arg])];
    }
    case 2: {
      const op = pick(['$in', '$nin', '$ini', '$nini', '$regex', '$regexi', '$eq', '$alli', null]);
      const country = () => pick(['us', 'US', 'Us', 'ca', 'CA', 'fr', '', 'ä', 'Ä']);
      if (op === null) return ['country', country()];
      return ['country', ops([op, op.startsWith('$regex') ? pick(['^us$', '^US$', 'u', 'A']) : op === '$eq' ? country() : [country(), country()]])];
    }
    case 3: return [pick(['id', 'id', 'tags', 'country']), ops([pick(['$inGroup', '$notInGroup']), pick(GROUP_IDS)])];
    case 4: return ['$savedGroup', obj([['id', pick(['g1', 'g2', 'g2', 'list', 'cond', 'cyc', 'cycA', 'bad'])],
      ...(chance(0.6) ? [['attributeKey', pick(['id', 'country', 'tags', 'missing'])]] : [])])];
    default: return ['arr', ops(['$elemMatch', chance(0.5) ? doc(2, elemPath) : pickf(FALSY_TESTS)])];
  }
}
function reference() {
  if (chance(0.15)) return pickf([null, 'g2', 5, () => ['g2'], () => ({}), () => ({ id: 5 }), () => ({ id: null }), () => ({ id: ['g2'] })]);
  const ref = { id: pick(GROUP_IDS) };
  if (chance(0.35)) ref.attributeKey = chance(0.85) ? path() : pick([5, null, true, '']);
  return ref;
}
function valueCondition(d) {
  const r = rand();
  if (r < 0.18) return primitive();
  if (r < 0.25) {
    return pickf([() => [], () => ({}), () => ['a', 'b'], () => [1], () => ({ a: 1 }), () => ({ $eq: 1, a: 1 }), () => ({ a: { b: 'x' } }),
      () => json(1), () => [primitive()]]);
  }
  return operators(d);
}
function operators(d) {
  const entries = [];
  for (let k = chance(0.8) ? 1 : 2; k > 0; k--) {
    const op = chance(0.035) ? pick(UNKNOWN) : pick(OPERATORS);
    entries.push([op, argument(op, d)]);
  }
  return obj(entries);
}
function list() {
  const n = chance(0.15) ? 9 + int(4) : int(5);
  return Array.from({ length: n }, () => (chance(0.9) ? primitive() : pickf([() => ['a'], () => [], () => ({ a: 1 })])));
}
function argument(op, d) {
  const deeper = d < 3;
  switch (op) {
    case '$eq': case '$ne': case '$lt': case '$lte': case '$gt': case '$gte':
      return chance(0.85) ? primitive() : json(1);
    case '$exists': return pickf([true, false, true, false, 0, 1, '', 'a', null, () => [], () => ({})]);
    case '$in': case '$nin': case '$ini': case '$nini':
      return chance(0.8) ? list() : pickf([null, 'a', 'abc', 5, true, () => ({}), () => ({ 0: 'a', length: 1 })]);
    case '$all': case '$alli':
      if (chance(0.8)) return Array.from({ length: int(4) }, () => (chance(0.6) || !deeper ? primitive() : valueCondition(d + 1)));
      return pickf([null, 'a', 5, true, () => ({}), () => ({ 0: 'a', length: 1 })]);
    case '$elemMatch': {
      const r = rand();
      if (r < 0.45 && deeper) return operators(d + 1);
      if (r < 0.85 && deeper) return doc(d + 1, elemPath);
      return pickf([null, 5, 0, 'a', true, () => [], () => ({}), () => [1], () => ['a']]);
    }
    case '$size': {
      const r = rand();
      if (r < 0.6) return int(5);
      if (r < 0.85) return pickf([() => ({ $gt: int(4) }), () => ({ $lte: int(4) }), () => ({ $in: [0, 2] }), () => ({ $not: { $eq: 0 } }), () => ({ $type: 'number' })]);
      return pickf(['2', '', null, true, -0, () => [], () => ({}), () => [2]]);
    }
    case '$not': return deeper ? valueCondition(d + 1) : primitive();
    case '$type': return chance(0.85) ? pick(TYPES) : pickf([5, null, true, () => ['string']]);
    case '$regex': case '$regexi':
      return chance(0.8) ? pick(REGEXES) : pickf([5, 0, null, true, () => ['a'], () => ['a', 'b'], () => ({})]);
    case '$veq': case '$vne': case '$vgt': case '$vgte': case '$vlt': case '$vlte':
      return chance(0.8) ? pick(VERSIONS) : pickf([1, 1.2, 0, 10, null, true, '', () => ['1.2.3'], () => ({})]);
    case '$inGroup': case '$notInGroup':
      return chance(0.85) ? pick(GROUP_IDS) : pickf([5, null, true, () => ['g1'], () => ({})]);
    default: return json(1);
  }
}
function savedGroups() {
  const r = rand();
  if (r < 0.12) return undefined;
  if (r < 0.16) return pickf([null, 5, 'abc', () => [], () => ({}), () => ['a']]);
  const entries = [];
  const add = (id, p, make) => chance(p) && entries.push([id, make()]);
  const condition = (c) => ({ type: 'condition', condition: c });
  add('g1', 0.7, groupValues);
  add('g2', 0.7, () => {
    const g = { type: 'list', values: groupValues() };
    if (chance(0.7)) g.attributeKey = chance(0.9) ? (chance(0.6) ? pick(['id', 'country', 'tags']) : path()) : pick([5, null]);
    return g;
  });
  add('list', 0.5, () => ({ type: 'list', values: groupValues() }));
  add('cond', 0.7, () => condition(doc(1)));
  add('cyc', 0.4, () => condition(pickf([() => ({ $savedGroup: { id: 'cyc' } }), () => ({ $not: { $savedGroup: { id: 'cyc' } } }),
    () => ({ $or: [{ $savedGroup: { id: 'cyc' } }, doc(2)] }), () => ({ id: { $inGroup: 'cyc' } }),
    () => ({ $and: [doc(2), { $nor: [{ $savedGroup: { id: 'cyc', attributeKey: 'id' } }] }] })])));
  add('cycA', 0.35, () => condition(pickf([() => ({ $savedGroup: { id: 'cycB' } }), () => ({ $or: [{ $savedGroup: { id: 'cycB' } }, doc(2)] })])));
  add('cycB', 0.35, () => condition(pickf([() => ({ $savedGroup: { id: 'cycA' } }), () => ({ $not: { $savedGroup: { id: 'cycA' } } }),
    () => ({ $or: [{ $savedGroup: { id: 'cycA' } }, { $savedGroup: { id: 'cond' } }] })])));
  add('bad', 0.6, () => pickf([null, 5, 'abc', true, () => ({}), () => ({ type: 'lst', values: ['a'] }), () => ({ type: 'list', values: 'a' }),
    () => ({ type: 'list' }), () => ({ type: 'list', values: { 0: 'a', length: 1 } }), () => condition(null), () => condition('a'),
    () => condition([doc(2)]), () => ({ type: 'condition' }), () => ({ type: 'Condition', condition: {} }), () => ({ values: ['a'] }),
    () => ({ type: 'condition', condition: {}, values: ['a'] }), () => ({ type: 'list', values: groupValues(), condition: {} })]));
  if (chance(0.1)) entries.push(['__proto__', groupValues()]);
  return obj(entries);
}
const triple = () => ({
  attributes: attributes(),
  condition: chance(0.01) ? [doc(1), doc(1)] : doc(0),
  savedGroups: savedGroups(),
});

// Places in a condition, as [object, key, kind]: kind is the operator for an operator
// object's entry, 'list' / 'doc' / 'ref' for $or-$and-$nor / $not / $savedGroup, 'path'.
function places(condition) {
  const out = [];
  const isOps = (v) => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k[0] === '$');
  const inDoc = (c) => {
    if (!c || typeof c !== 'object') return;
    for (const k of Object.keys(c)) {
      const v = c[k];
      if (k === '$or' || k === '$and' || k === '$nor') {
        out.push([c, k, 'list']);
        if (v && typeof v === 'object') Object.values(v).forEach(inDoc);
      } else if (k === '$not') out.push([c, k, 'doc'], ...places(v));
      else if (k === '$savedGroup') out.push([c, k, 'ref']);
      else out.push([c, k, 'path']), inValue(v);
    }
  };
  const inValue = (v) => {
    if (!isOps(v)) return;
    for (const op of Object.keys(v)) {
      const a = v[op];
      const form = isOps(a) ? '(ops)' : a && typeof a === 'object' ? '(doc)' : '(other)';
      out.push([v, op, op === '$elemMatch' ? op + form : op]);
      if (op === '$not' || op === '$size') inValue(a);
      else if (op === '$elemMatch' && a && typeof a === 'object') (isOps(a) ? inValue(a) : inDoc(a));
      else if ((op === '$all' || op === '$alli') && Array.isArray(a)) a.forEach(inValue);
    }
  };
  inDoc(condition);
  return out;
}
// Changes one place of the condition (or of a saved group's condition) in place.
function mutate(t) {
  const groups = t.savedGroups && typeof t.savedGroups === 'object' ? Object.values(t.savedGroups) : [];
  const inGroups = groups.filter((g) => g && g.type === 'condition' && g.condition && typeof g.condition === 'object').map((g) => g.condition);
  const target = inGroups.length > 0 && chance(0.2) ? pick(inGroups) : t.condition;
  const all = places(target);
  if (Array.isArray(target)) return void target.push(doc(2));
  if (all.length === 0) return void Object.defineProperty(target, path(), { value: valueCondition(1), enumerable: true, writable: true, configurable: true });
  const [o, k, kind] = pick(all);
  const v = o[k];
  if (Array.isArray(v) && v.length > 0 && chance(0.4)) {
    if (chance(0.5)) v.pop();
    else v[int(v.length)] = kind === 'list' ? doc(2) : primitive();
  } else if (kind === 'list') o[k] = Array.from({ length: int(3) }, () => doc(2));
  else if (kind === 'doc') o[k] = doc(2);
  else if (kind === 'ref') o[k] = reference();
  else if (kind === 'path') o[k] = valueCondition(2);
  else o[k] = argument(kind.split('(')[0], 2);
}

// A JavaScript literal of the value: undefined, NaN, -0, BigInt, Symbol and
// null-prototype objects are named; "__proto__" is written as an own key.
function show(v) {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return `Symbol(${JSON.stringify(v.description)})`;
  if (typeof v === 'function') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  const body = Object.keys(v).map((k) => `${k === '__proto__' ? '["__proto__"]' : JSON.stringify(k)}: ${show(v[k])}`).join(', ');
  return Object.getPrototypeOf(v) === null ? `Object.assign(Object.create(null), {${body}})` : `{${body}}`;
}
const copy = (v) => v === null || typeof v !== 'object' ? v
  : Array.isArray(v) ? v.map(copy) : obj(Object.keys(v).map((k) => [k, copy(v[k])]), Object.getPrototypeOf(v));

// GrowthBook's answer, or {threw}.
function growthbook(evaluate, { attributes, condition, savedGroups }) {
  try {
    return quietly(() => evaluate(attributes, condition, savedGroups));
  } catch (error) {
    return { threw: error };
  }
}
// One triple: vitrine three times, GrowthBook once (twice on a disagreement); the
// problem found, or null.
async function check(t) {
  const answers = [];
  for (const c of [t.condition, t.condition, structuredClone(t.condition)]) {
    try {
      answers.push(evalCondition(t.attributes, c, t.savedGroups));
    } catch (error) {
      return { gb: growthbook(growthbookEval, t), problem: `vitrine threw ${error?.stack ?? error}` };
    }
  }
  const [first, again, clone] = answers;
  let gb = growthbook(growthbookEval, t);
  let cached = false;
  if (!gb?.threw && gb !== first) {
    const fresh = growthbook(await freshGrowthbook(), t);
    cached = fresh !== gb;
    gb = fresh;
  }
  if (typeof first !== 'boolean') return { gb, cached, problem: `vitrine answered ${show(first)}` };
  if (again !== first || clone !== first) return { gb, cached, problem: `vitrine answered ${first}, then ${again}, then ${clone} for a clone` };
  if (!gb?.threw && gb !== first) return { gb, cached, problem: `GrowthBook ${gb}, vitrine ${first}` };
  return { gb, cached, problem: null };
}
// Deletes keys and elements while the triple still fails.
async function shrink(t) {
  let best = t;
  let budget = 600;
  const reductions = function* (t) {
    if (t.savedGroups !== undefined) yield { ...t, savedGroups: undefined };
    for (const part of ['condition', 'attributes', 'savedGroups']) {
      const containers = [];
      const walk = (v, at) => {
        if (!v || typeof v !== 'object') return;
        containers.push(at);
        for (const k of Object.keys(v)) walk(v[k], [...at, k]);
      };
      walk(t[part], []);
      for (const at of containers) {
        const keys = Object.keys(at.reduce((v, k) => v[k], t[part]));
        for (const k of keys.reverse()) {
          const c = copy(t[part]);
          const parent = at.reduce((v, key) => v[key], c);
          if (Array.isArray(parent)) parent.splice(Number(k), 1);
          else delete parent[k];
          yield { ...t, [part]: c };
        }
      }
    }
  };
  outer: while (budget > 0) {
    for (const candidate of reductions(best)) {
      if (--budget < 0) break outer;
      if ((await check(candidate)).problem) {
        best = candidate;
        continue outer;
      }
    }
    break;
  }
  return best;
}
const describe = (t) => `condition ${show(t.condition)}\n    attributes ${show(t.attributes)}\n    savedGroups ${show(t.savedGroups)}`;

test(`evalCondition agrees with GrowthBook on ${CASES} generated triples (seed ${SEED})`, async () => {
  const stats = { checks: 0, threw: 0, true: 0, false: 0, mutated: 0, regexCache: 0 };
  const hits = {};
  const failures = [];
  const run = async (t, i, phase) => {
    stats.checks++;
    const { gb, cached, problem } = await check(t);
    if (cached) stats.regexCache++;
    if (gb?.threw) stats.threw++;
    else stats[gb] = (stats[gb] ?? 0) + 1;
    if (problem) failures.push({ i, phase, problem, t: copy(t) });
  };
  for (let i = 0; i < CASES; i++) {
    rand = mulberry32((SEED ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
    const t = triple();
    const kinds = new Set(places(t.condition).map(([, k, kind]) => (kind === 'path' ? (k[0] === '$' ? '$path' : 'path')
      : kind === 'doc' ? '$not(doc)' : kind === 'list' ? k : kind === 'ref' ? '$savedGroup' : KNOWN.has(kind.split('(')[0]) ? kind : 'unknown')));
    for (const kind of kinds) hits[kind] = (hits[kind] ?? 0) + 1;
    await run(t, i, 'fresh');
    if (chance(0.2)) {
      stats.mutated++;
      mutate(t);
      await run(t, i, 'changed in place');
    }
  }
  const counts = Object.entries(hits).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}=${n}`).join(' ');
  console.log(`condition fuzz: seed=${SEED} checks=${stats.checks} (changed in place ${stats.mutated}) GrowthBook true=${stats.true} false=${stats.false} threw(skipped)=${stats.threw} regex-cache-dependent=${stats.regexCache} failures=${failures.length} | ${counts}`);
  const shown = [];
  for (const f of failures.slice(0, Number(process.env.FUZZ_SHOW ?? 3))) {
    const alone = f.phase === 'fresh' || (await check(f.t)).problem;
    const shrunk = alone ? describe(await shrink(f.t)) : '(only after the change in place: the cache kept a stale answer)';
    shown.push(`case ${f.i} (${f.phase}): ${f.problem}\n    ${describe(f.t)}\n  shrunk: ${shrunk}`);
  }
  assert.equal(failures.length, 0, `${failures.length} failures with FUZZ_SEED=${SEED} FUZZ_CASES=${CASES}:\n${shown.join('\n')}`);
});
