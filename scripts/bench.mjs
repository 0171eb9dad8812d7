// `npm run bench`: the native criterion benchmarks, then the Chromium benchmark page
// (www/bench.html) with GrowthBook's evalCondition measured in the same page.
// Prints a table of medians and the ratio against GrowthBook.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, startServer } from '../tests/e2e/helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (!process.argv.includes('--browser-only')) {
  console.log('== native (criterion)');
  execFileSync('cargo', ['bench', '--bench', 'engine', '--', '--warm-up-time', '1', '--measurement-time', '3'], {
    cwd: root,
    stdio: 'inherit',
  });
}

console.log('\n== Chromium (www/bench.html, release build in pkg/)');
const site = await startServer({
  mounts: {
    '/pkg/': join(root, 'pkg'),
    '/vendor/growthbook/': join(root, 'node_modules/@growthbook/growthbook/dist/bundles'),
    '/': join(root, 'www'),
  },
});
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${site.origin}/bench.html`);
  await page.waitForFunction(() => window.benchResults, null, { timeout: 120_000 });
  const r = await page.evaluate(() => window.benchResults);
  if (r.error) throw new Error(r.error);
  const ms = (x) => `${x.toFixed(3)} ms`.padStart(11);
  const row = (name, x, note = '') => console.log(`| ${name.padEnd(53)} | ${ms(x.median)} | ${String(x.iterations).padStart(5)} | ${note}`);
  console.log(`| ${'measurement'.padEnd(53)} | ${'median'.padStart(11)} | ${'runs'.padStart(5)} | note`);
  console.log(`|${'-'.repeat(55)}|${'-'.repeat(13)}|${'-'.repeat(7)}|------`);
  row('(a) validate + compile 1,000 rules', r.validate);
  row('(b) vitrine: full evaluation of 1,000 rules', r.refresh, 'refresh(): all rules + re-apply 394 to the DOM');
  row('(b2) vitrine: signal no rule reads (incremental)', r.incremental, 'track(): nothing re-evaluated');
  row('(c) vitrine: one click, 1,000 rules (10 read clicks)', r.click, 'real DOM event to applied diff');
  row('(d) GrowthBook evalCondition x 1,000 (same page)', r.growthbook);
  const compare = (name, x) => {
    const ratio = r.growthbook.median / x.median;
    const verdict = ratio >= 1 ? `${ratio.toFixed(2)}x faster than` : `${(1 / ratio).toFixed(2)}x slower than`;
    console.log(`${name}: vitrine is ${verdict} GrowthBook's evalCondition over the same 1,000 conditions (d).`);
  };
  console.log('');
  compare('(b) full evaluation + DOM', r.refresh);
  compare('(c) one click', r.click);
  console.log(`rules matched: vitrine ${r.matched.vitrine}, GrowthBook ${r.matched.growthbook}`);
} finally {
  await browser.close();
  await site.close();
}
