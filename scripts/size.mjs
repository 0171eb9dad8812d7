// The size report: gzip size of each file a page loads through the script tag,
// in two groups: the critical path (the loader, which carries the start part, the
// first swap in JavaScript: everything before the first swap) and the runtime the loader requests
// after it (ESM entry, glue, wasm); then everything the demo shop ever loads (those
// plus its consent panel and pop-up UI), against the budgets kept in package.json ("sizeBudget").
// The demo shop's first visit is decided by the start part alone (checked by the
// native test `the_demo_shop_on_a_first_visit_is_decided_without_the_runtime`, which
// the JavaScript start part is held to through tests/cases/first-swap.json).
// Run as a script it fails over budget.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CRITICAL_FILES = ['vitrine.js'];
export const RUNTIME_FILES = ['runtime.js', 'vitrine_core.js', 'vitrine_core_bg.wasm'];
export const PAGE_FILES = [...CRITICAL_FILES, ...RUNTIME_FILES];

export function report({ enforce }) {
  const budgets = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).sizeBudget;
  const budget = budgets.gzipBytes;
  const measure = (file) => {
    const bytes = readFileSync(join(root, 'pkg', file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const sum = (list) => list.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
  const critical = CRITICAL_FILES.map(measure);
  const runtime = RUNTIME_FILES.map(measure);
  const rows = [...critical, ...runtime];
  const first = sum(critical);
  const total = sum(rows);
  const kb = (n) => (n / 1024).toFixed(1).padStart(7) + ' KB';
  console.log('| file                    |       raw |      gzip |');
  console.log('|-------------------------|-----------|-----------|');
  for (const r of critical) console.log(`| ${r.file.padEnd(23)} | ${kb(r.raw)} | ${kb(r.gzip)} |`);
  console.log(`| ${'before the first swap'.padEnd(23)} | ${kb(first.raw)} | ${kb(first.gzip)} |`);
  for (const r of runtime) console.log(`| ${r.file.padEnd(23)} | ${kb(r.raw)} | ${kb(r.gzip)} |`);
  console.log(`| ${'total (page loads)'.padEnd(23)} | ${kb(total.raw)} | ${kb(total.gzip)} |`);
  // Loaded only on demand (?vitrine_debug=1; consent.ui; sentiment(); the validator
  // by validateConfig and by start() for an invalid config): reported, not part of
  // every page load.
  const onDemand = {};
  for (const file of ['applier.js', 'overlay.js', 'consent-ui.js', 'prompt-ui.js', 'delivery.js', 'bandit.js', 'editor.js', 'vitrine_sentiment.js', 'vitrine_sentiment_bg.wasm', 'sentiment-pt-br.tsv', 'sentiment-en.tsv', 'vitrine_validate.js', 'vitrine_validate_bg.wasm', 'report.js', 'report-sql.js', 'report-html.js', 'vitrine_report.js', 'vitrine_report_bg.wasm']) {
    const bytes = readFileSync(join(root, 'pkg', file));
    onDemand[file] = gzipSync(bytes, { level: 9 }).length;
    // applier.js: the npm entry's (a script-tag page has the loader's copy).
    const when = /report/.test(file) ? 'reports only' : file === 'applier.js' ? 'npm entry only' : 'on demand';
    console.log(`| ${`${file} (${when})`.padEnd(23)} | ${kb(bytes.length)} | ${kb(onDemand[file])} |`);
  }
  // The demo shop: after the first swap the runtime, its consent panel (consent.ui)
  // and the pop-ups' UI (its exit-intent offer).
  const everything = total.gzip + onDemand['consent-ui.js'] + onDemand['prompt-ui.js'];
  const line = (name, bytes, limit) => {
    const over = bytes > limit;
    console.log(`${name}: ${kb(bytes).trim()} gzip, budget ${kb(limit).trim()} — ${over ? 'OVER BUDGET' : `${((100 * bytes) / limit).toFixed(0)}% used`}`);
    if (over && enforce) process.exitCode = 1;
  };
  line('demo shop, before the first swap', first.gzip, budget);
  line('demo shop, everything it ever loads', everything, budgets.everythingGzipBytes);
  // Rust's float printing and parsing (core::num::flt2dec / dec2flt, ~16 KB each)
  // must never be linked: the browser does both (src/engine/host.rs). A `{}` of an
  // f64 or a `parse::<f64>()` brings them back silently; the unstripped build still
  // names them, so look there.
  let linked = false;
  for (const part of ['wasm-pack']) {
    try {
      const wasm = readFileSync(join(root, 'target', part, 'unstripped.wasm'));
      linked ||= wasm.includes('flt2dec') || wasm.includes('dec2flt');
    } catch {
      // No native build output here (e.g. a packaged copy): nothing to check.
    }
  }
  if (linked) {
    console.log("Rust float formatting or parsing (flt2dec/dec2flt, ~16 KB each) is linked into the wasm: use the host's (src/engine/host.rs) instead");
    if (enforce) process.exitCode = 1;
  }
  return { rows, first, total, budget, everything };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) report({ enforce: true });
