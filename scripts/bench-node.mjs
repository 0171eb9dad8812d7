// `npm run bench` (part): evalCondition in Node, vitrine's wasm package against
// GrowthBook 1.8.0's, same process, same generated conditions (tests/cases: the
// hand-written and generated shared cases, ~3,000 attribute/condition pairs).
// Rounds alternate between the two; the table prints the median per call.
import { readFile } from 'node:fs/promises';
import { evalCondition as growthbook } from '@growthbook/growthbook';
import { evalCondition, init } from '../pkg/index.js';

const load = async (file) => JSON.parse(await readFile(new URL(`../tests/cases/${file}`, import.meta.url), 'utf8'));
const cases = [...(await load('conditions.json')), ...(await load('generated.json'))];
await init(await readFile(new URL('../pkg/vitrine_core_bg.wasm', import.meta.url)));

const ROUNDS = 15;
const time = (fn) => {
  const start = process.hrtime.bigint();
  let matched = 0;
  for (const c of cases) if (fn(c.attributes, c.condition)) matched++;
  return { us: Number(process.hrtime.bigint() - start) / 1000 / cases.length, matched };
};
// Warm both up (JIT, the wasm's regex cache) before measuring.
for (let i = 0; i < 3; i++) { time(evalCondition); time(growthbook); }
const ours = [];
const theirs = [];
let agree = true;
for (let i = 0; i < ROUNDS; i++) {
  const a = time(evalCondition);
  const b = time(growthbook);
  ours.push(a.us);
  theirs.push(b.us);
  agree &&= a.matched === b.matched;
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const [v, g] = [median(ours), median(theirs)];
console.log(`\n== Node ${process.version}: evalCondition over ${cases.length} shared cases, ${ROUNDS} alternating rounds`);
console.log('| implementation                 | median per call | vs GrowthBook |');
console.log('|--------------------------------|-----------------|---------------|');
console.log(`| vitrine (wasm, JSON text in)   | ${`${v.toFixed(2)} µs`.padStart(15)} | ${`${(g / v).toFixed(2)}x ${g >= v ? 'faster' : 'slower'}`.padStart(13)} |`);
console.log(`| GrowthBook 1.8.0               | ${`${g.toFixed(2)} µs`.padStart(15)} |               |`);
console.log(`both matched the same number of cases in every round: ${agree}`);
