#!/usr/bin/env node
// vitrine command line.
//   vitrine validate <config.json>
//     Prints every problem as `file: path: message` and exits 1 if there is any.
//     CSS selectors are checked by the browser when vitrine starts; everything else here.
//   vitrine report --aggregates <file.csv|file.json> [--json] [--absolute] [--alpha 0.05]
//     Experiment results from per-variant aggregates (one row per experiment, goal and
//     variant: experiment, goal, variant, units, sum[, sum_squares][, weight][, day]; the
//     first variant of an experiment is its control; rows per day of a variant add up),
//     with GrowthBook's formulas.
//   vitrine report <events.ndjson> --goal <event> [--goal …] [--config vitrine.json]
//                  [--exposure-event vitrine_exposure] [--json] [--absolute] [--alpha 0.05]
//     The same from raw events (GA4's BigQuery export shape, or flat rows), attributed
//     as GrowthBook does (js/report.js, aggregateEvents). The file is read as a stream
//     and reduced as it goes (a progress bar and the peak memory on stderr); with
//     --engine duckdb (and always for .csv and .parquet) DuckDB reduces it in SQL
//     (js/report-sql.js; the optional package @duckdb/node-api).
//   vitrine report --sql bigquery --dataset <project.dataset> --goal <event> [--from --to]
//     Prints the same reduction for BigQuery over a GA4 export's events_* tables; its
//     result, saved as CSV, is what --aggregates reads.
//   vitrine report <events|--aggregates file> --goal <event> --bandit <experiment> [--floor] [--out]
//     The bandit's posterior (js/bandit.js) for the site to publish.
//   vitrine inline --base <url> [--config vitrine.json | --config-url <url> [--hide <selectors>]]
//                  [--timeout ms] [--debug] [--nonce value] [--json]
//     Prints the loader as an inline <script> for the page's <head> (the package's
//     vitrine.js verbatim, so a first visit makes no request before the first swap),
//     with the config validated and inline before it (--config) or fetched from a URL
//     (--config-url, with --hide naming its targets); on stderr the Content-Security-
//     Policy it needs ('sha256-…' of the loader, or the page's nonce). --base is where
//     the package's other files are served (name the release: /vitrine/0.1.0/);
//     --json prints {html, csp, policy} instead (js/inline.js).
// Usage errors exit 2.
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

const USAGE = [
  'usage: vitrine validate <config.json>',
  '       vitrine report --aggregates <file.csv|file.json> [--json] [--absolute] [--alpha 0.05]',
  '       vitrine report <events.ndjson|.csv|.parquet> --goal <event> [--goal ...] [--config vitrine.json] [--exposure-event name] [--engine duckdb|node] [--json] [--html report.html] [--absolute] [--alpha 0.05]',
  '       vitrine report --sql bigquery --dataset <project.dataset> --goal <event> [--from YYYYMMDD] [--to YYYYMMDD]',
  '       vitrine report --sql duckdb <events> --goal <event>',
  '       vitrine report <events> --goal <event> --bandit <experiment> [--floor 0.01] [--out posterior.json]',
  '       vitrine inline --base <url> [--config vitrine.json | --config-url <url> [--hide <selectors>]] [--timeout ms] [--debug] [--nonce value] [--json]',
].join('\n');
const [command, ...args] = process.argv.slice(2);

function usage(message) {
  if (message) console.error(`vitrine: ${message}`);
  console.error(USAGE);
  process.exit(2);
}

async function validate([file, ...rest]) {
  if (!file || rest.length > 0) usage();
  const { validateConfig } = await import('./index.js');
  let config;
  try {
    config = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    console.error(`${file}: ${error instanceof SyntaxError ? `not valid JSON (${error.message})` : error.message}`);
    process.exit(1);
  }
  const { ok, errors } = await validateConfig(config);
  if (ok) {
    const rules = Array.isArray(config.rules) ? config.rules.length : 0;
    console.log(`${file}: valid (${rules} rule${rules === 1 ? '' : 's'})`);
  } else {
    for (const { path, message } of errors) console.error(`${file}: ${path ? `${path}: ` : ''}${message}`);
    console.error(`${errors.length} problem${errors.length === 1 ? '' : 's'}`);
    process.exitCode = 1;
  }
}

/** Rows of an aggregates file: a JSON array of objects, or CSV with a header line. */
function aggregateRows(file, text) {
  if (file.endsWith('.json')) {
    const rows = JSON.parse(text);
    if (!Array.isArray(rows)) throw new Error('a JSON aggregates file is an array of rows');
    return rows.map((row, i) => ({ row, where: `${file}: row ${i + 1}` }));
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  return lines.map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new Error(`${file}: line ${i + 2}: ${cells.length} fields, the header has ${header.length}`);
    return { row: Object.fromEntries(header.map((h, j) => [h, cells[j].trim()])), where: `${file}: line ${i + 2}` };
  });
}

function field(row, name, where, { optional = false } = {}) {
  const raw = row[name];
  if (raw === undefined || raw === '') {
    if (optional) return undefined;
    throw new Error(`${where}: "${name}" is missing`);
  }
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${where}: "${name}" must be a number, found ${JSON.stringify(raw)}`);
  return value;
}

/** Experiments (in file order) with their variants. */
function experiments(rows) {
  const found = new Map();
  for (const { row, where } of rows) {
    const experiment = String(row.experiment ?? '');
    if (!experiment) throw new Error(`${where}: "experiment" is missing`);
    const goal = String(row.goal ?? 'conversion');
    const key = `${experiment}\u0000${goal}`;
    if (!found.has(key)) found.set(key, { experiment, goal, variants: [], weights: [] });
    const units = field(row, 'units', where);
    if (units < 0 || !Number.isInteger(units)) throw new Error(`${where}: "units" must be a whole number ≥ 0`);
    const sumSquares = field(row, 'sum_squares', where, { optional: true });
    const entry = found.get(key);
    const name = String(row.variant ?? entry.variants.length);
    const sum = field(row, 'sum', where);
    // Rows per day (the SQL's `day` cohorts) of one variant add up.
    const same = row.day !== undefined && row.day !== '' ? entry.variants.find((v) => v.name === name) : undefined;
    if (same) {
      same.units += units;
      same.sum += sum;
      if (sumSquares !== undefined) same.sumSquares = (same.sumSquares ?? 0) + sumSquares;
      continue;
    }
    entry.variants.push({ name, units, sum, ...(sumSquares === undefined ? {} : { sumSquares }) });
    entry.weights.push(field(row, 'weight', where, { optional: true }) ?? 1);
  }
  return [...found.values()];
}

const percent = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} %`;
const interval = ([low, high], show) => `[${show(low)}, ${show(high)}]`;

function printTable(entry, result, relative, alpha) {
  const change = relative ? percent : (x) => x.toPrecision(3);
  console.log(`\n## ${entry.experiment} · ${entry.goal}\n`);
  console.log(`| variant | units | mean | change | ${+(100 * (1 - alpha)).toFixed(1)} % interval | chance to beat control | risk (control / variant) | p-value | sequential interval |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const v of result.variants) {
    const mean = v.mean.toPrecision(4);
    if (!v.bayesian) {
      console.log(`| ${v.name}${v.name === 'control' ? '' : ' (control)'} | ${v.units} | ${mean} | | | | | | |`);
      continue;
    }
    if (v.bayesian.problem) {
      console.log(`| ${v.name} | ${v.units} | ${mean} | ${v.bayesian.problem} | | | | | |`);
      continue;
    }
    const b = v.bayesian;
    const f = v.frequentist;
    console.log(`| ${v.name} | ${v.units} | ${mean} | ${change(b.expected)} | ${interval(b.interval, change)} | ${(100 * b.chanceToWin).toFixed(1)} % | ${b.risk.control.toPrecision(2)} / ${b.risk.variant.toPrecision(2)} | ${f.pValue.toPrecision(3)} | ${interval(v.sequential.interval, change)} |`);
  }
}

/**
 * `--bandit <experiment>`: the posterior of the experiment's first goal (Beta per
 * arm) with the Thompson weights it gives, for the site to publish at the URL its
 * config's `bandit.posterior` names.
 */
async function writePosterior(found, options) {
  const entry = found.find((e) => e.experiment === options.bandit && !e.variants.some((v) => v.sumSquares !== undefined));
  if (!entry) {
    console.error(`vitrine: no results for experiment "${options.bandit}" with a conversion goal`);
    process.exit(1);
  }
  const { posteriorOf, thompsonShares, floored, DEFAULT_FLOOR } = await import('./bandit.js');
  const posterior = posteriorOf(entry.experiment, entry.goal, entry.variants);
  const floor = options.floor ?? DEFAULT_FLOOR;
  // The shares for the pages (each applies its config's floor), the weights for people.
  const shares = thompsonShares(posterior.arms);
  const weights = floored(shares, floor);
  posterior.arms.forEach((arm, i) => {
    arm.share = shares[i];
    arm.weight = weights[i];
  });
  const text = `${JSON.stringify(posterior, null, 1)}\n`;
  if (options.out) {
    await writeFile(options.out, text);
    console.error(`wrote ${options.out}: ${posterior.arms.map((a) => `${a.variant} ${(100 * a.weight).toFixed(1)} %`).join(', ')}`);
  } else process.stdout.write(text);
}

/** How DuckDB reads an events file: by its extension, or an NDJSON's first row. */
async function shapeOf(file) {
  if (file.endsWith('.parquet')) return 'ga4-parquet';
  if (file.endsWith('.csv')) return 'flat-csv';
  const lines = createInterface({ input: createReadStream(file, { end: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    lines.close();
    try {
      return typeof JSON.parse(line).event_name === 'string' ? 'ga4-json' : 'flat-json';
    } catch {
      return 'flat-json';
    }
  }
  return 'flat-json';
}

/** The config's variant order (its first is the control) and weights, where it has them. */
function withConfig(entries, config) {
  const described = new Map((Array.isArray(config?.experiments) ? config.experiments : [])
    .filter((e) => e && Array.isArray(e.variants) && e.variants.every((v) => v && typeof v === 'object'))
    .map((e) => [String(e.id), e.variants]));
  return entries.map((entry) => {
    const variants = described.get(entry.experiment);
    if (!variants) return entry;
    const order = variants.map((v) => String(v.id));
    const weighted = variants.every((v) => typeof v.weight === 'number');
    const sorted = order.map((name) => entry.variants.find((v) => v.name === name) ?? { name, units: 0, sum: 0 });
    return { ...entry, variants: sorted, weights: weighted ? variants.map((v) => v.weight) : order.map(() => 1) };
  });
}

/** `--sql bigquery --dataset p.d` (or `--sql duckdb <events>`): the reduction's SQL. */
async function printSql(options) {
  if (options.goals.length === 0) usage('--sql needs --goal <event name>');
  const sql = await import('./report-sql.js');
  try {
    if (options.sql === 'bigquery') {
      process.stdout.write(sql.bigQuery({ dataset: options.dataset, goals: options.goals, exposureEvent: options.exposureEvent, from: options.from, to: options.to }));
    } else if (options.sql === 'duckdb' && options.events) {
      const names = [options.exposureEvent ?? 'vitrine_exposure', ...options.goals].map((g) => `'${g}'`);
      process.stdout.write(`${sql.coreQuery(sql.duckdbSource(options.events, await shapeOf(options.events), names), { goals: options.goals, exposureEvent: options.exposureEvent }).replaceAll('FLOAT64', 'DOUBLE')};\n`);
    } else usage('--sql is bigquery (with --dataset) or duckdb (with an events file)');
  } catch (error) {
    console.error(`vitrine: ${error.message}`);
    process.exit(2);
  }
}

/**
 * The lines of a file as a stream, with a progress bar on stderr (redrawn in place
 * on a terminal, a line per tenth otherwise). `done()` ends the bar.
 */
async function streamLines(file) {
  const total = (await stat(file)).size;
  const input = createReadStream(file);
  let bytes = 0;
  let shown = -1;
  const tty = process.stderr.isTTY;
  const draw = () => {
    const share = total > 0 ? bytes / total : 1;
    const step = tty ? Math.floor(share * 100) : Math.floor(share * 10);
    if (step === shown) return;
    shown = step;
    const width = 30;
    const filled = Math.round(share * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(100 * share).toFixed(0).padStart(3)} % of ${(total / 1e6).toFixed(1)} MB`;
    process.stderr.write(tty ? `\r${bar}` : `${bar}\n`);
  };
  input.on('data', (chunk) => {
    bytes += chunk.length;
    draw();
  });
  // The iterator is made now: readline only buffers lines for an iterator that
  // exists, and the reader awaits its wasm before it asks for the first line.
  const iterator = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
  return {
    lines: { [Symbol.asyncIterator]: () => iterator },
    done: () => {
      bytes = total;
      draw();
      if (tty) process.stderr.write('\n');
    },
  };
}

async function report(argv) {
  const options = { json: false, relative: true, alpha: 0.05, file: undefined, events: undefined, goals: [], config: undefined, exposureEvent: undefined, engine: undefined, sql: undefined, dataset: undefined, from: undefined, to: undefined, html: undefined, bandit: undefined, floor: undefined, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--aggregates') options.file = argv[++i];
    else if (arg === '--json') options.json = true;
    else if (arg === '--absolute') options.relative = false;
    else if (arg === '--alpha') options.alpha = Number(argv[++i]);
    else if (arg === '--goal') options.goals.push(argv[++i]);
    else if (arg === '--config') options.config = argv[++i];
    else if (arg === '--exposure-event') options.exposureEvent = argv[++i];
    else if (arg === '--engine') options.engine = argv[++i];
    else if (arg === '--html') options.html = argv[++i];
    else if (arg === '--bandit') options.bandit = argv[++i];
    else if (arg === '--floor') options.floor = Number(argv[++i]);
    else if (arg === '--out') options.out = argv[++i];
    else if (arg === '--sql') options.sql = argv[++i];
    else if (arg === '--dataset') options.dataset = argv[++i];
    else if (arg === '--from') options.from = argv[++i];
    else if (arg === '--to') options.to = argv[++i];
    else if (!arg.startsWith('--') && options.events === undefined) options.events = arg;
    else usage(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (options.sql !== undefined) return printSql(options);
  if (!options.file === !options.events) usage('report needs --aggregates <file> or an events file');
  if (options.engine !== undefined && options.engine !== 'duckdb' && options.engine !== 'node') usage('--engine is duckdb or node');
  if (options.events && (options.goals.length === 0 || options.goals.some((g) => !g))) usage('report <events> needs --goal <event name>');
  if (!(options.alpha > 0 && options.alpha < 1)) usage('--alpha must be between 0 and 1');
  const { analyse, verdict, aggregateEvents } = await import('./report.js');
  const source = options.file ?? options.events;
  let found;
  try {
    if (options.file) {
      found = experiments(aggregateRows(options.file, await readFile(source, 'utf8')));
    } else {
      const config = options.config ? JSON.parse(await readFile(options.config, 'utf8')) : undefined;
      const shape = await shapeOf(source);
      if (options.engine === 'duckdb' || (options.engine === undefined && !shape.endsWith('json'))) {
        if (options.engine === 'node') usage('only NDJSON is read without DuckDB (--engine duckdb)');
        const { duckdbAggregates } = await import('./report-sql.js');
        const started = Date.now();
        const rows = await duckdbAggregates(source, shape, { goals: options.goals, exposureEvent: options.exposureEvent });
        console.error(`${source}: reduced by DuckDB in ${((Date.now() - started) / 1000).toFixed(1)} s; peak memory ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
        found = withConfig(experiments(rows.map((row, i) => ({ row, where: `${source}: result row ${i + 1}` }))), config);
      } else {
      const started = Date.now();
      const { lines, done } = await streamLines(source);
      const { entries, read, unreadable } = await aggregateEvents(lines, { goals: options.goals, config, exposureEvent: options.exposureEvent });
      done();
      if (unreadable.length) console.error(`${source}: ${unreadable.length}${unreadable.length === 1000 ? '+' : ''} line(s) not read as events (first: line ${unreadable[0]})`);
      const peak = process.resourceUsage().maxRSS / 1024;
      console.error(`${source}: ${read.toLocaleString('en')} events in ${((Date.now() - started) / 1000).toFixed(1)} s; peak memory ${peak.toFixed(0)} MB`);
      found = entries;
      }
    }
  } catch (error) {
    console.error(error instanceof SyntaxError ? `${options.config ?? source}: not valid JSON (${error.message})` : error.message);
    process.exit(1);
  }
  if (options.bandit !== undefined) return writePosterior(found, options);
  const results = [];
  for (const entry of found) {
    if (entry.variants.length < 2) {
      console.error(`${source}: experiment "${entry.experiment}", goal "${entry.goal}": needs a control and a variant`);
      process.exitCode = 1;
      continue;
    }
    const result = await analyse({ variants: entry.variants, weights: entry.weights, difference: options.relative ? 'relative' : 'absolute', alpha: options.alpha });
    results.push({ experiment: entry.experiment, goal: entry.goal, ...result, verdict: verdict(result) });
    if (!options.json) {
      printTable(entry, result, options.relative, options.alpha);
      console.log(`\nsample ratio: p = ${result.srm.p.toPrecision(3)}${result.srm.mismatch ? ' — MISMATCH' : ''}\nverdict: ${verdict(result)}`);
    }
  }
  if (options.json) console.log(JSON.stringify(results, null, 1));
  if (options.html) {
    const { reportPage } = await import('./report-html.js');
    const byKey = new Map(found.map((e) => [`${e.experiment}\u0000${e.goal}`, e]));
    const withDays = results.map((r) => {
      const entry = byKey.get(`${r.experiment}\u0000${r.goal}`);
      return { ...r, daily: entry?.daily, value: Boolean(entry?.variants.some((v) => v.sumSquares !== undefined)) };
    });
    await writeFile(options.html, reportPage(withDays, { relative: options.relative, source }));
    console.error(`wrote ${options.html}`);
  }
}

async function inline(rest) {
  const options = { debug: false, json: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--debug') options.debug = true;
    else if (arg === '--json') options.json = true;
    else if (['--base', '--config', '--config-url', '--hide', '--timeout', '--nonce'].includes(arg)) {
      const value = rest[++i];
      if (value === undefined || value.startsWith('--')) usage(`${arg} needs a value`);
      options[arg.slice(2)] = value;
    } else usage(`unknown argument "${arg}"`);
  }
  if (options.config && options['config-url']) usage('give --config (inline) or --config-url, not both');
  if (options.hide && !options['config-url']) usage('--hide is for --config-url (an inline config names its own targets)');
  if (!options.base) usage('inline needs --base, the URL the package\'s files are served from (e.g. /vitrine/)');
  if (options.timeout !== undefined && !/^[1-9]\d*$/.test(options.timeout)) usage('--timeout needs milliseconds above 0');
  let config = options['config-url'];
  if (options.config) {
    try {
      config = JSON.parse(await readFile(options.config, 'utf8'));
    } catch (error) {
      console.error(`${options.config}: ${error instanceof SyntaxError ? `not valid JSON (${error.message})` : error.message}`);
      process.exit(1);
    }
  }
  const { inlineLoader } = await import('./inline.js');
  let result;
  try {
    result = await inlineLoader({
      base: options.base,
      config,
      hide: options.hide,
      timeout: options.timeout === undefined ? undefined : Number(options.timeout),
      debug: options.debug,
      nonce: options.nonce,
    });
  } catch (error) {
    for (const { path, message } of error.errors ?? []) console.error(`${options.config}: ${path ? `${path}: ` : ''}${message}`);
    console.error(`vitrine: ${error.message}; nothing printed`);
    process.exit(1);
  }
  if (options.json) {
    console.log(JSON.stringify(result));
  } else {
    process.stdout.write(result.html);
    console.error(`The page's Content-Security-Policy must allow (merge with its own): ${result.policy}`);
  }
}

if (command === 'validate') await validate(args);
else if (command === 'report') await report(args);
else if (command === 'inline') await inline(args);
else usage();
