#!/usr/bin/env node
// vitrine command line.
//   vitrine validate <config.json>
//     Prints every problem as `file: path: message` and exits 1 if there is any.
//     CSS selectors are checked by the browser when vitrine starts; everything else here.
//   vitrine report --aggregates <file.csv|file.json> [--json] [--absolute] [--alpha 0.05]
//     Experiment results from per-variant aggregates (one row per experiment, goal and
//     variant: experiment, goal, variant, units, sum[, sum_squares][, weight]; the first
//     variant of an experiment is its control), with GrowthBook's formulas.
//   vitrine report <events.ndjson> --goal <event> [--goal …] [--config vitrine.json]
//                  [--exposure-event vitrine_exposure] [--json] [--absolute] [--alpha 0.05]
//     The same from raw events (GA4's BigQuery export shape, or flat rows), attributed
//     as GrowthBook does (js/report.js, aggregateEvents).
// Usage errors exit 2.
import { readFile } from 'node:fs/promises';

const USAGE = [
  'usage: vitrine validate <config.json>',
  '       vitrine report --aggregates <file.csv|file.json> [--json] [--absolute] [--alpha 0.05]',
  '       vitrine report <events.ndjson> --goal <event> [--goal ...] [--config vitrine.json] [--exposure-event name] [--json] [--absolute] [--alpha 0.05]',
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
    entry.variants.push({ name: String(row.variant ?? entry.variants.length), units, sum: field(row, 'sum', where), ...(sumSquares === undefined ? {} : { sumSquares }) });
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

async function report(argv) {
  const options = { json: false, relative: true, alpha: 0.05, file: undefined, events: undefined, goals: [], config: undefined, exposureEvent: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--aggregates') options.file = argv[++i];
    else if (arg === '--json') options.json = true;
    else if (arg === '--absolute') options.relative = false;
    else if (arg === '--alpha') options.alpha = Number(argv[++i]);
    else if (arg === '--goal') options.goals.push(argv[++i]);
    else if (arg === '--config') options.config = argv[++i];
    else if (arg === '--exposure-event') options.exposureEvent = argv[++i];
    else if (!arg.startsWith('--') && options.events === undefined) options.events = arg;
    else usage(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (!options.file === !options.events) usage('report needs --aggregates <file> or an events file');
  if (options.events && (options.goals.length === 0 || options.goals.some((g) => !g))) usage('report <events> needs --goal <event name>');
  if (!(options.alpha > 0 && options.alpha < 1)) usage('--alpha must be between 0 and 1');
  const { analyse, verdict, aggregateEvents } = await import('./report.js');
  const source = options.file ?? options.events;
  let found;
  try {
    const text = await readFile(source, 'utf8');
    if (options.file) {
      found = experiments(aggregateRows(options.file, text));
    } else {
      const config = options.config ? JSON.parse(await readFile(options.config, 'utf8')) : undefined;
      const { entries, unreadable } = await aggregateEvents(text, { goals: options.goals, config, exposureEvent: options.exposureEvent });
      if (unreadable.length) console.error(`${source}: ${unreadable.length} line(s) not read as events (first: line ${unreadable[0]})`);
      found = entries;
    }
  } catch (error) {
    console.error(error instanceof SyntaxError ? `${options.config ?? source}: not valid JSON (${error.message})` : error.message);
    process.exit(1);
  }
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
}

if (command === 'validate') await validate(args);
else if (command === 'report') await report(args);
else usage();
