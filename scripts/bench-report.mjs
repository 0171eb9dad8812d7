// `vitrine report` over a generated 1,000,000-event export in GA4's BigQuery shape
// (NDJSON: event_name, user_pseudo_id, event_timestamp in µs, event_params), seeded,
// so every run reads the same file: 100,000 visitors exposed to a two-variant
// experiment, page views around it, purchases (10 % vs 11 %) with a value. Prints the
// wall time of the CLI run (the file streamed and reduced, then the stats) and its
// peak memory, beside DuckDB's SQL over the same file; the events are never all in
// memory.
//   node scripts/bench-report.mjs [--events 1000000]
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--events');
const TOTAL = at > 0 ? Number(process.argv[at + 1]) : 1_000_000;
const dir = join(root, 'target', 'bench-report');
const file = join(dir, `events-${TOTAL}.ndjson`);

/** Mulberry32: a small seeded generator, the same file on every machine. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const param = (key, value) => ({ key, value: typeof value === 'number' ? (Number.isInteger(value) ? { int_value: value } : { double_value: value }) : { string_value: value } });
const row = (name, unit, timeUs, params) => `${JSON.stringify({ event_name: name, user_pseudo_id: unit, event_timestamp: timeUs, event_params: params })}\n`;

async function generate() {
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(file);
  const next = random(20261203);
  const units = Math.round(TOTAL / 10);
  let written = 0;
  const write = (text) => {
    written += 1;
    return out.write(text) ? null : new Promise((r) => out.once('drain', r));
  };
  const start = Date.UTC(2026, 10, 1) * 1000;
  for (let u = 0; u < units && written < TOTAL; u++) {
    const unit = `${1000000000 + u}.${1700000000 + u}`;
    const variant = next() < 0.5 ? 'control' : 'b';
    let t = start + Math.floor(next() * 28 * 86_400e6);
    // A page view or two before the exposure, then the exposure, then browsing.
    await write(row('page_view', unit, t, [param('page_location', 'https://shop.example/')]));
    t += 1e6;
    await write(row('vitrine_exposure', unit, t, [param('vitrine_kind', 'experiment'), param('vitrine_id', 'hero'), param('vitrine_variant', variant)]));
    const buys = next() < (variant === 'b' ? 0.11 : 0.1);
    for (let i = 0; i < 7 && written < TOTAL; i++) {
      t += Math.floor(next() * 60e6);
      await write(row(i === 6 && buys ? 'purchase' : 'page_view', unit, t, i === 6 && buys ? [param('value', Math.round(5000 + next() * 20000) / 100), param('currency', 'BRL')] : [param('page_location', `https://shop.example/p/${i}`)]));
    }
    if (written < TOTAL) await write(row('scroll', unit, t + 1e6, [param('percent_scrolled', 90)]));
  }
  while (written < TOTAL) await write(row('page_view', 'tail', start, []));
  await new Promise((r) => out.end(r));
}

if (!existsSync(file)) {
  const t0 = Date.now();
  await generate();
  console.log(`generated ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
console.log(`\n== vitrine report over ${TOTAL.toLocaleString('en')} events (GA4 BigQuery shape, ${(statSync(file).size / 1e6).toFixed(0)} MB NDJSON)`);
// The streaming reader in JavaScript, and DuckDB's SQL over the same file (the
// engine a warehouse-sized export would use) in the same run.
function measure(engine) {
  const runs = [];
  let last;
  for (let i = 0; i < 3; i++) {
    const t0 = process.hrtime.bigint();
    last = spawnSync('node', [join(root, 'pkg', 'cli.js'), 'report', file, '--goal', 'purchase', '--json', '--engine', engine], { encoding: 'utf8', maxBuffer: 1 << 26 });
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (last.status !== 0) throw new Error(last.stderr);
  }
  const median = [...runs].sort((a, b) => a - b)[1];
  // As the CLI reports it (its process's max RSS; DuckDB runs in that process).
  const peak = Number(/peak memory (\d+) MB/.exec(last.stderr)?.[1]);
  return { runs, median, peak, result: JSON.parse(last.stdout).find((r) => r.goal === 'purchase') };
}
const ours = measure('node');
const duck = measure('duckdb');
if (JSON.stringify(ours.result) !== JSON.stringify(duck.result)) throw new Error('the two engines disagree');
console.log('| engine | wall time, median of 3 | peak memory (max RSS) | runs');
console.log('|---|---:|---:|---');
for (const [name, m] of [['streaming reader (default)', ours], ['DuckDB 1.5 (--engine duckdb)', duck]]) {
  console.log(`| ${name} | ${(m.median / 1000).toFixed(2)} s | ${m.peak.toFixed(0)} MB | ${m.runs.map((r) => (r / 1000).toFixed(2)).join(', ')} s |`);
}
console.log(`streaming ÷ DuckDB: ${(ours.median / duck.median).toFixed(2)}× the time; the same figures from both. Units: ${ours.result.variants.map((v) => `${v.name} ${v.units}`).join(', ')}; ${ours.result.verdict}`);
