// Generates tests/cases/generated.json: conditions crossed with attribute values,
// each expected result computed by GrowthBook's own evalCondition (the reference
// vitrine must match). Run with `node scripts/gen-cases.mjs`; tests/node checks the
// committed file against GrowthBook again on every run, so it cannot go stale.
import { writeFileSync } from 'node:fs';
import { evalCondition } from '@growthbook/growthbook';

const values = [
  null, true, false, 0, 1, -1, 2.5, 10, 100, '', '0', '1', '10', '2.5', 'abc', 'ABC', 'a,b', ' 1 ',
  [], ['a'], ['a', 'b'], [1, 2], ['1'], [null], [0], { a: 1 }, {},
];
const operands = [0, 1, 10, '1', '10', 'abc', 'a', '', true, null];
const conditions = [];
for (const op of ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']) {
  for (const x of operands) conditions.push({ v: { [op]: x } });
}
for (const x of operands) conditions.push({ v: x });
for (const list of [['a', 'b'], [1, '1'], [], [null], [0, false]]) {
  conditions.push({ v: { $in: list } }, { v: { $nin: list } }, { v: { $all: list } });
}
conditions.push(
  { v: { $ini: ['A', 'B'] } },
  { v: { $nini: ['A'] } },
  { v: { $alli: ['A'] } },
  { v: { $exists: true } },
  { v: { $exists: false } },
  { v: { $exists: 0 } },
  { v: { $size: 0 } },
  { v: { $size: 2 } },
  { v: { $size: { $gte: 1 } } },
  { v: { $elemMatch: { $eq: 'a' } } },
  { v: { $elemMatch: { $gt: 1 } } },
  { v: { $not: { $eq: 1 } } },
  { v: { $not: 'abc' } },
  { v: ['a', 'b'] },
  { v: { a: 1 } },
  { v: { $regex: '^a' } },
  { v: { $regexi: '^a' } },
  { v: { $regex: '1' } },
  { v: { $type: 'string' } },
  { v: { $type: 'number' } },
  { v: { $type: 'array' } },
  { v: { $type: 'object' } },
  { v: { $type: 'null' } },
  { v: { $type: 'boolean' } },
  { v: { $veq: '1' } },
  { v: { $vgt: '1.0.0' } },
  { v: { $vlt: '10' } },
  { $or: [{ v: 1 }, { v: 'abc' }] },
  { $nor: [{ v: 1 }, { v: 'abc' }] },
  { $and: [{ v: { $exists: true } }, { v: { $ne: 0 } }] },
  { $not: { v: { $gt: 1 } } },
);
const cases = [];
for (const condition of conditions) {
  for (const value of values) {
    const attributes = value === undefined ? {} : { v: value };
    cases.push({
      name: `${JSON.stringify(condition)} on ${JSON.stringify(value)}`,
      condition,
      attributes,
      expected: evalCondition(attributes, condition),
    });
  }
  cases.push({ name: `${JSON.stringify(condition)} on a missing attribute`, condition, attributes: {}, expected: evalCondition({}, condition) });
}
writeFileSync(new URL('../tests/cases/generated.json', import.meta.url), JSON.stringify(cases, null, 1) + '\n');
console.log(`${cases.length} cases written`);

// Bucketing: GrowthBook's hash + getBucketRanges + chooseVariation for many ids,
// weights, coverages and both hash versions (tests/bucketing.rs reads this file).
const gbRoot = new URL('../node_modules/@growthbook/growthbook/dist/esm/util.mjs', import.meta.url);
const util = await import(gbRoot.href);
const setups = [
  { weights: [0.5, 0.5], coverage: 1 },
  { weights: [0.1, 0.2, 0.7], coverage: 1 },
  { weights: [0.25, 0.25, 0.25, 0.25], coverage: 0.6 },
  { weights: [0.9, 0.1], coverage: 0.05 },
  { weights: [1], coverage: 0.5 },
];
const buckets = [];
for (const [s, setup] of setups.entries()) {
  for (const version of [1, 2]) {
    for (let i = 0; i < 400; i++) {
      const id = i % 3 === 0 ? `visitor-${i}` : `${(i * 2654435761) >>> 0}-ação`;
      const seed = `exp-${s}`;
      const n = util.hash(seed, id, version);
      const ranges = util.getBucketRanges(setup.weights.length, setup.coverage, setup.weights);
      buckets.push({ seed, id, version, ...setup, variation: util.chooseVariation(n, ranges) });
    }
  }
}
writeFileSync(new URL('../tests/cases/buckets.json', import.meta.url), JSON.stringify(buckets) + '\n');
console.log(`${buckets.length} bucketing cases written`);
