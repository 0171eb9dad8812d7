// `vitrine report` from the built package (pkg/cli.js and the report part) against
// GrowthBook's stats engine: the aggregates of tests/cases/gbstats.json (gbstats 0.8.0's
// own answers, scripts/gbstats-cases.sh) go through the CLI, and every figure it prints
// as JSON must be gbstats' to 1e-9 relative. Then the table, the SRM flag and bad input.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'pkg', 'cli.js');
const fixture = JSON.parse(readFileSync(join(root, 'tests', 'cases', 'gbstats.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'vitrine-report-'));

function close(what, ours, theirs) {
  const expected = theirs === 'inf' ? Infinity : theirs === '-inf' ? -Infinity : theirs;
  const gap = Math.abs(ours - expected);
  assert.ok(ours === expected || gap <= 1e-12 || gap <= 1e-9 * Math.abs(expected), `${what}: vitrine ${ours}, gbstats ${expected}`);
}

function run(...args) {
  return spawnSync('node', [cli, 'report', ...args], { encoding: 'utf8' });
}

test('vitrine report --aggregates --json gives gbstats\' figures for every relative comparison', () => {
  const cases = fixture.cases.filter((c) => c.options.difference === 'relative' && c.options.alpha === 0.05 && !c.options.inverse);
  assert.ok(cases.length >= 12, 'the fixture has the scenarios');
  const rows = cases.flatMap((c) =>
    ['a', 'b'].map((side) => ({
      experiment: c.name,
      goal: c[side].kind === 'mean' ? 'revenue' : 'purchase',
      variant: side === 'a' ? 'control' : 'treatment',
      units: c[side].n,
      sum: c[side].sum,
      ...(c[side].kind === 'mean' ? { sum_squares: c[side].sum_squares } : {}),
    })),
  );
  const file = join(dir, 'aggregates.json');
  writeFileSync(file, JSON.stringify(rows));
  const results = JSON.parse(execFileSync('node', [cli, 'report', '--aggregates', file, '--json'], { encoding: 'utf8' }));
  assert.equal(results.length, cases.length);
  for (const [i, c] of cases.entries()) {
    const r = results[i];
    assert.equal(r.experiment, c.name);
    const v = r.variants[1];
    close(`${c.name}: chance to win`, v.bayesian.chanceToWin, c.bayesian.chance_to_win);
    close(`${c.name}: expected`, v.bayesian.expected, c.bayesian.expected);
    close(`${c.name}: risk of control`, v.bayesian.risk.control, c.bayesian.risk[0]);
    close(`${c.name}: risk of the variant`, v.bayesian.risk.variant, c.bayesian.risk[1]);
    close(`${c.name}: p-value`, v.frequentist.pValue, c.frequentist.p_value);
    close(`${c.name}: sequential p-value`, v.sequential.pValue, c.sequential.p_value);
    for (const k of [0, 1]) {
      close(`${c.name}: credible interval`, v.bayesian.interval[k], c.bayesian.ci[k]);
      close(`${c.name}: confidence interval`, v.frequentist.interval[k], c.frequentist.ci[k]);
      close(`${c.name}: sequential interval`, v.sequential.interval[k], c.sequential.ci[k]);
    }
    assert.equal(v.bayesian.problem !== null, c.bayesian.error !== null, `${c.name}: a problem exactly when gbstats has one`);
  }
});

test('the table flags a sample ratio mismatch and says not to trust the result', () => {
  const srm = fixture.srm.find((s) => s.users[0] === 5000 && s.users[1] === 5400);
  const file = join(dir, 'srm.csv');
  writeFileSync(file, `experiment,goal,variant,units,sum,weight\nhero,purchase,control,${srm.users[0]},500,0.5\nhero,purchase,new,${srm.users[1]},560,0.5\n`);
  const out = run('--aggregates', file);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /## hero · purchase/);
  assert.match(out.stdout, /\| new \| 5400 \|/);
  const p = Number(/sample ratio: p = ([0-9.e-]+) — MISMATCH/.exec(out.stdout)?.[1]);
  close('SRM p-value in the table', p, Number(srm.p.toPrecision(3)));
  assert.match(out.stdout, /verdict: sample ratio mismatch .* do not trust/);
  // The same split at 5000/5150 is not a mismatch, and 4 % more conversions is no winner yet.
  writeFileSync(file, 'experiment,goal,variant,units,sum\nhero,purchase,control,5000,500\nhero,purchase,new,5150,536\n');
  const fair = run('--aggregates', file);
  assert.doesNotMatch(fair.stdout, /MISMATCH/);
  assert.match(fair.stdout, /verdict: no winner yet/);
});

test('bad aggregates are refused with the line and the field, and usage errors exit 2', async () => {
  const file = join(dir, 'bad.csv');
  writeFileSync(file, 'experiment,goal,variant,units,sum\nhero,purchase,control,5000,500\nhero,purchase,new,lots,536\n');
  const out = run('--aggregates', file);
  assert.equal(out.status, 1);
  assert.match(out.stderr, /bad\.csv: line 3: "units" must be a number, found "lots"/);
  assert.equal(run('--aggregates').status, 2);
  // Through the module: units that are not whole are refused, never rounded.
  const { analyse } = await import(join(root, 'pkg', 'report.js'));
  await assert.rejects(analyse({ variants: [{ units: 10.5, sum: 1 }, { units: 10, sum: 2 }] }), /whole number/);
  assert.equal(run('--frobnicate').status, 2);
});

// GA4's BigQuery export shape: what vitrine's dataLayer exposure becomes through GTM.
function ga4(name, unit, timeMs, params) {
  const event_params = Object.entries(params).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? { string_value: v } : Number.isInteger(v) ? { int_value: String(v) } : { double_value: v },
  }));
  return JSON.stringify({ event_name: name, user_pseudo_id: unit, event_timestamp: String(timeMs * 1000), event_params });
}
const exposed = (unit, variant, timeMs) => ga4('vitrine_exposure', unit, timeMs, { vitrine_kind: 'experiment', vitrine_id: 'hero', vitrine_variant: variant });

test('vitrine report <events>: attributed as GrowthBook does, the same figures as the aggregates they make', () => {
  const lines = [
    exposed('u1', 'control', 1000),
    ga4('purchase', 'u1', 2000, { value: 30, currency: 'BRL' }), // after exposure: counts
    exposed('u2', 'control', 1000),
    ga4('purchase', 'u2', 500, { value: 50.5 }), // before its exposure: does not count
    exposed('u3', 'new', 1000),
    exposed('u3', 'control', 3000), // a later exposure elsewhere changes nothing
    ga4('purchase', 'u3', 1500, { value: 20 }),
    JSON.stringify({ event: 'purchase', user_pseudo_id: 'u3', time_ms: 4000, value: 10 }), // a flat row
    exposed('u4', 'new', 1000),
    exposed('u5', 'new', 1000),
    ga4('purchase', 'u5', 1000, { value: 40 }), // the same millisecond: counts
    ga4('purchase', 'u6', 1000, { value: 99 }), // never exposed
    ga4('vitrine_exposure', 'u1', 900, { vitrine_kind: 'rule', vitrine_id: 'hero', vitrine_variant: 'new' }), // a rule, not the experiment
    'not json',
  ];
  const events = join(dir, 'events.ndjson');
  writeFileSync(events, lines.join('\n'));
  const config = join(dir, 'vitrine.json');
  writeFileSync(config, JSON.stringify({ version: 1, experiments: [{ id: 'hero', variants: [{ id: 'control', weight: 0.5 }, { id: 'new', weight: 0.5 }] }] }));
  const out = run(events, '--goal', 'purchase', '--config', config, '--json');
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stderr, /1 line\(s\) not read as events \(first: line 14\)/);
  const fromEvents = JSON.parse(out.stdout);
  assert.deepEqual(fromEvents.map((r) => r.goal), ['purchase', 'purchase value']);
  assert.deepEqual(fromEvents[0].variants.map((v) => [v.name, v.units, v.mean]), [['control', 2, 0.5], ['new', 3, 2 / 3]]);
  assert.deepEqual(fromEvents[1].variants.map((v) => [v.units, v.mean]), [[2, 15], [3, 70 / 3]]);
  // The totals worked out by hand, through the aggregates path: identical results.
  const aggregates = join(dir, 'by-hand.csv');
  writeFileSync(aggregates, [
    'experiment,goal,variant,units,sum,sum_squares,weight',
    'hero,purchase,control,2,1,,0.5',
    'hero,purchase,new,3,2,,0.5',
    'hero,purchase value,control,2,30,900,0.5',
    'hero,purchase value,new,3,70,2500,0.5',
  ].join('\n'));
  const byHand = JSON.parse(run('--aggregates', aggregates, '--json').stdout);
  assert.deepEqual(fromEvents, byHand);
});

test('vitrine report <events> streams the file: a progress bar and the peak memory on stderr, the same figures as from the text', async () => {
  // 3,000 visitors over 30,000 events; half of them in "b", which converts more.
  const lines = [];
  for (let u = 0; u < 3000; u++) {
    const variant = u % 2 ? 'b' : 'control';
    lines.push(exposed(`v${u}`, variant, 1000 + u));
    for (let i = 0; i < 8; i++) lines.push(ga4('page_view', `v${u}`, 2000 + u + i, { page_location: `/p/${i}` }));
    lines.push(u % (variant === 'b' ? 7 : 9) === 0 ? ga4('purchase', `v${u}`, 3000 + u, { value: 10 + (u % 13) }) : ga4('scroll', `v${u}`, 3000 + u, {}));
  }
  const events = join(dir, 'many.ndjson');
  writeFileSync(events, lines.join('\n'));
  const out = run(events, '--goal', 'purchase', '--json');
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stderr, /\[#{30}\] 100 % of \d+\.\d MB/);
  assert.match(out.stderr, /30,000 events in \d+\.\d s; peak memory \d+ MB/);
  const { aggregateEvents } = await import(join(root, 'pkg', 'report.js'));
  const { entries } = await aggregateEvents(readFileSync(events, 'utf8'), { goals: ['purchase'] });
  const streamed = JSON.parse(out.stdout);
  assert.deepEqual(streamed.map((r) => [r.goal, r.variants.map((v) => [v.name, v.units, v.mean])]), entries.map((e) => [e.goal, e.variants.map((v) => [v.name, v.units, v.sum / v.units])]));
  assert.equal(streamed[0].variants[1].units, 1500);
});

// GA4 export rows with 300 visitors, purchases before and after their exposure, and
// a second goal without values.
function sqlScenario() {
  const lines = [];
  for (let u = 0; u < 300; u++) {
    const variant = u % 2 ? 'b' : 'control';
    // One exposure an hour: the visitors' first exposures span 13 days.
    const at = 1000 + u * 3_600_000;
    lines.push(exposed(`v${u}`, variant, at));
    if (u % 5 === 0) lines.push(ga4('purchase', `v${u}`, at - 500, { value: 99 })); // before the exposure
    if (u % (variant === 'b' ? 3 : 4) === 0) lines.push(ga4('purchase', `v${u}`, at + 2000, { value: 10 + (u % 13) + 0.5 }));
    if (u % 7 === 0) lines.push(ga4('signup', `v${u}`, at + 3000, {}));
  }
  const file = join(dir, 'sql.ndjson');
  writeFileSync(file, lines.join('\n'));
  return file;
}

test('the DuckDB path, the JavaScript path and the aggregates of the SQL give identical numbers', () => {
  const events = sqlScenario();
  const viaNode = run(events, '--goal', 'purchase', '--goal', 'signup', '--json', '--engine', 'node');
  const viaDuckdb = run(events, '--goal', 'purchase', '--goal', 'signup', '--json', '--engine', 'duckdb');
  assert.equal(viaNode.status, 0, viaNode.stderr);
  assert.equal(viaDuckdb.status, 0, viaDuckdb.stderr);
  assert.match(viaDuckdb.stderr, /reduced by DuckDB/);
  const node = JSON.parse(viaNode.stdout);
  assert.deepEqual(node.map((r) => r.goal), ['purchase', 'purchase value', 'signup']);
  assert.equal(node[0].variants[0].units, 150);
  assert.deepEqual(JSON.parse(viaDuckdb.stdout), node);
  // The query's result saved as CSV (what BigQuery's would be) through --aggregates.
  const sql = spawnSync('node', [cli, 'report', '--sql', 'duckdb', events, '--goal', 'purchase', '--goal', 'signup'], { encoding: 'utf8' });
  assert.equal(sql.status, 0, sql.stderr);
  const csv = join(dir, 'sql-result.csv');
  const rows = execFileSync('node', ['--input-type=module', '-e', `
    import { DuckDBInstance } from '@duckdb/node-api';
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const rows = (await c.runAndReadAll(${JSON.stringify(sql.stdout.replace(/;\s*$/, ''))})).getRowObjectsJS();
    console.log(['experiment,goal,variant,day,units,sum,sum_squares', ...rows.map((r) => [r.experiment, r.goal, r.variant, r.day, r.units, r.sum, r.sum_squares ?? ''].join(','))].join('\\n'));
  `], { encoding: 'utf8', cwd: root });
  writeFileSync(csv, rows);
  // A row per variant and day of first exposure, which --aggregates adds up.
  assert.ok(rows.split('\n').filter((line) => line.startsWith('hero,purchase,control,')).length >= 13, rows.slice(0, 400));
  assert.deepEqual(JSON.parse(run('--aggregates', csv, '--json').stdout), node);
});

test('vitrine report --sql bigquery prints the golden query, whose core is the one DuckDB ran', () => {
  const out = spawnSync('node', [cli, 'report', '--sql', 'bigquery', '--dataset', 'shop-analytics.analytics_123456', '--goal', 'purchase', '--goal', 'signup', '--from', '20261101', '--to', '20261130'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  const golden = readFileSync(join(root, 'tests', 'cases', 'bigquery-report.sql'), 'utf8');
  assert.equal(out.stdout, golden, 'regenerate tests/cases/bigquery-report.sql if the query changed on purpose');
  assert.match(golden, /FROM `shop-analytics\.analytics_123456\.events_\*`/);
  assert.match(golden, /_TABLE_SUFFIX >= '20261101'\s+AND _TABLE_SUFFIX <= '20261130'/);
  // Everything after the events source is the same text DuckDB executed above.
  const core = (text) => text.slice(text.indexOf('\n),\ngoals AS')).replaceAll('FLOAT64', 'DOUBLE');
  const duckdb = spawnSync('node', [cli, 'report', '--sql', 'duckdb', sqlScenario(), '--goal', 'purchase', '--goal', 'signup'], { encoding: 'utf8' }).stdout;
  assert.equal(core(golden), core(duckdb));
  // Names are ids only: no way to inject SQL through a goal.
  const bad = spawnSync('node', [cli, 'report', '--sql', 'bigquery', '--dataset', 'p.d', '--goal', "x' OR 1=1 --"], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /is not a valid name/);
});

test('vitrine report --html writes one self-contained page: the plots inline, names from the export escaped', () => {
  const lines = [];
  const day = Date.UTC(2026, 10, 20);
  for (let u = 0; u < 200; u++) {
    const variant = u % 2 ? '</td><script>alert(1)</script>' : 'control';
    lines.push(JSON.stringify({ event: 'vitrine_exposure', unit: `u${u}`, time_ms: day + (u % 4) * 86_400_000, params: { vitrine_kind: 'experiment', vitrine_id: 'hero', vitrine_variant: variant } }));
    if (u % 3 === 0) lines.push(JSON.stringify({ event: 'purchase', unit: `u${u}`, time_ms: day + (u % 4) * 86_400_000 + 1000, params: { value: 12 } }));
  }
  const events = join(dir, 'html.ndjson');
  writeFileSync(events, lines.join('\n'));
  const html = join(dir, 'report.html');
  const out = run(events, '--goal', 'purchase', '--html', html);
  assert.equal(out.status, 0, out.stderr);
  const page = readFileSync(html, 'utf8');
  assert.ok(!/<script/i.test(page), 'no script at all');
  assert.ok(page.includes('&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;'), 'the name is escaped text');
  assert.ok(!/\b(src|href)=/.test(page), 'nothing fetched: works offline');
  assert.equal((page.match(/<polyline /g) ?? []).length, 4, 'two goals (rate and value) × two variants over the days');
  assert.match(page, /2026-11-20<\/text>.*2026-11-23<\/text>/s);
});

test('DuckDB reads the same events from Parquet (GA4 shape) and flat CSV: identical numbers', async () => {
  const events = sqlScenario();
  const parquet = join(dir, 'sql.parquet');
  const csv = join(dir, 'sql-flat.csv');
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const quote = (p) => `'${p.replaceAll("'", "''")}'`;
  // The GA4 rows as DuckDB reads them, written to Parquet as BigQuery exports them.
  await c.run(`COPY (SELECT * FROM read_json(${quote(events)}, format = 'newline_delimited', columns = {'event_name': 'VARCHAR', 'user_pseudo_id': 'VARCHAR', 'event_timestamp': 'BIGINT', 'event_params': 'STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value BIGINT, float_value DOUBLE, double_value DOUBLE))[]'})) TO ${quote(parquet)} (FORMAT parquet)`);
  // And flat, one column per parameter, as a spreadsheet or a warehouse would hand them.
  const flat = readFileSync(events, 'utf8').split('\n').map((line) => JSON.parse(line)).map((r) => {
    const p = Object.fromEntries(r.event_params.map(({ key, value }) => [key, value.string_value ?? value.double_value ?? value.int_value ?? '']));
    return [r.event_name, r.user_pseudo_id, Number(r.event_timestamp) / 1000, p.value ?? '', p.vitrine_kind ?? '', p.vitrine_id ?? '', p.vitrine_variant ?? ''].join(',');
  });
  writeFileSync(csv, ['event,unit,time_ms,value,vitrine_kind,vitrine_id,vitrine_variant', ...flat].join('\n'));
  const expected = JSON.parse(run(events, '--goal', 'purchase', '--goal', 'signup', '--json', '--engine', 'node').stdout);
  for (const file of [parquet, csv]) {
    const out = run(file, '--goal', 'purchase', '--goal', 'signup', '--json');
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), expected, file);
  }
});
