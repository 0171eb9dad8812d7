// `npm run bench` (part): evalCondition in Node, vitrine's npm package against
// GrowthBook 1.8.0's, same process, same generated conditions (tests/cases: the
// hand-written and generated shared cases, ~3,000 attribute/condition pairs).
// Rounds alternate between the two; the table prints the median per call.
import { readFile } from 'node:fs/promises';
import { evalCondition as growthbook } from '@growthbook/growthbook';
import { evalCondition, init } from '../pkg/index.js';

const load = async (file) => JSON.parse(await readFile(new URL(`../tests/cases/${file}`, import.meta.url), 'utf8'));
const cases = [...(await load('conditions.json')), ...(await load('generated.json'))];
await init(await readFile(new URL('../pkg/vitrine_core_bg.wasm', import.meta.url)));

// A second workload shaped like targeting: the conditions of the 1,000-rule
// benchmark page (www/bench.js) plus richer ones, against a shop-like attribute
// document (what `attributes()` returns on the demo shop, ~60 paths).
const attributes = {
  page: { url: 'https://shop.example/p/12?utm_source=news', path: '/p/12', query: { utm_source: 'news' }, referrer: '', title: 'Café' },
  utm: { source: 'news', medium: 'email', campaign: 'nov' },
  channel: 'email',
  time: { hour: 14, weekday: 3, timezone: 'America/Sao_Paulo' },
  device: { type: 'mobile', language: 'pt-BR' },
  visitor: { visits: 4, sessions: 2, returning: true, days_since_first: 12, days_since_last: 1 },
  clicks: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i % 3])),
  events: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`e${i}`, i % 2])),
  cart: { count: 2, total: 180, currency: 'BRL', items: [{ id: 'a', category: 'cafes', price: 90, quantity: 2 }], abandoned: false },
  affinity: { category: { cafes: 2.5, chas: 1 }, brand: { x: 1 }, top_category: 'cafes', top_brand: 'x' },
  customer: { id: 'c-1001', known: true },
  consent: { necessary: true, personalization: true },
  segments: ['returning', 'coffee'],
};
const shaped = Array.from({ length: 1000 }, (_, i) => {
  switch (i % 6) {
    case 0: return { 'cart.total': { $gte: i % 300 } };
    case 1: return { [`events.e${i % 10}`]: { $gte: 1 } };
    case 2: return { $or: [{ 'page.path': `/p/${i}` }, { 'visitor.visits': { $gt: i % 7 } }] };
    case 3: return { 'device.type': { $in: ['mobile', 'desktop'] }, 'cart.count': { $lt: i % 5 } };
    case 4: return { 'utm.source': { $regex: '^new' }, 'segments': { $elemMatch: { $eq: 'coffee' } }, 'affinity.category.cafes': { $gte: (i % 4) / 2 } };
    default: return { $and: [{ channel: { $nin: ['paid', 'social'] } }, { 'time.hour': { $gte: 8, $lt: 20 } }, { 'customer.known': true }, { $not: { 'cart.abandoned': true } }] };
  }
}).map((condition) => ({ attributes, condition }));

const ROUNDS = 15;
const time = (fn, list = cases) => {
  const start = process.hrtime.bigint();
  let matched = 0;
  for (const c of list) if (fn(c.attributes, c.condition)) matched++;
  return { us: Number(process.hrtime.bigint() - start) / 1000 / list.length, matched };
};
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
function compare(list, title) {
  // Warm both up (JIT, the wasm's compiled conditions and regexes) before measuring.
  for (let i = 0; i < 3; i++) { time(evalCondition, list); time(growthbook, list); }
  const ours = [];
  const theirs = [];
  let agree = true;
  for (let i = 0; i < ROUNDS; i++) {
    const a = time(evalCondition, list);
    const b = time(growthbook, list);
    ours.push(a.us);
    theirs.push(b.us);
    agree &&= a.matched === b.matched;
  }
  const [v, g] = [median(ours), median(theirs)];
  console.log(`\n== Node ${process.version}: evalCondition, ${title}, ${ROUNDS} alternating rounds`);
  console.log('| implementation                 | median per call | vs GrowthBook |');
  console.log('|--------------------------------|-----------------|---------------|');
  console.log(`| vitrine (compiled closures)    | ${`${v.toFixed(2)} µs`.padStart(15)} | ${`${(g / v).toFixed(2)}x ${g >= v ? 'faster' : 'slower'}`.padStart(13)} |`);
  console.log(`| GrowthBook 1.8.0               | ${`${g.toFixed(2)} µs`.padStart(15)} |               |`);
  console.log(`both matched the same number of conditions in every round: ${agree}`);
}
compare(cases, `${cases.length} shared cases (one-clause conditions, one-key attributes)`);
compare(shaped, `${shaped.length} targeting-shaped conditions against a shop-like attribute document`);
