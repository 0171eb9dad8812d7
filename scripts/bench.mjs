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
  row('(a0) start() with 1,000 rules, then stop()', r.start, 'read + compile + storage + first plan + apply (after 20 warm-up starts)');
  row("(a0') the page's first start() with 1,000 rules", r.startCold, 'one sample: cold code (V8 compiles each wasm function on first call)');
  row('(a) validateConfig of 1,000 rules (validator part)', r.validate, 'with every message (CLI, debug)');
  row('(b) vitrine: full evaluation of 1,000 rules', r.refresh, 'refresh(): all rules + re-apply 394 to the DOM');
  row('(b2) vitrine: signal no rule reads (incremental)', r.incremental, 'track(): nothing re-evaluated');
  row('(c) vitrine: one click, 1,000 rules (10 read clicks)', r.click, 'real DOM event to applied diff');
  row('(d) GrowthBook evalCondition x 1,000 (same page)', r.growthbook);
  row('(j) sentiment of one sentence (pt-BR, the page\'s wasm)', r.sentiment, 'vitrine_sentiment.wasm, lexicon loaded once');
  const compare = (name, x) => {
    const ratio = r.growthbook.median / x.median;
    const verdict = ratio >= 1 ? `${ratio.toFixed(2)}x faster than` : `${(1 / ratio).toFixed(2)}x slower than`;
    console.log(`${name}: vitrine is ${verdict} GrowthBook's evalCondition over the same 1,000 conditions (d).`);
  };
  console.log('');
  compare('(b) full evaluation + DOM', r.refresh);
  compare('(c) one click', r.click);
  console.log(`rules matched: vitrine ${r.matched.vitrine}, GrowthBook ${r.matched.growthbook}`);

  console.log('\n== Chromium, the demo shop (www/index.html with www/vitrine.json)');
  const signals = await shopSignals(browser);
  console.log(`| ${'measurement'.padEnd(53)} | ${'median'.padStart(11)} | note`);
  console.log(`|${'-'.repeat(55)}|${'-'.repeat(13)}|------`);
  console.log(`| ${'(e) one mixed signal: card click, track, cart, GA4'.padEnd(53)} | ${ms(signals.median)} | median of 100 batches of 100`);
  console.log(`| ${'(f) 10,000 mixed signals, total'.padEnd(53)} | ${ms(signals.total)} | each re-evaluates and re-applies`);
  console.log(`persisted after them: ${signals.bytes} bytes in ${signals.keys} vitrine keys (localStorage, keys included)`);

  console.log('\n== Chromium, content swaps (www/bench-swaps.html)');
  const swaps = await browser.newPage();
  await swaps.goto(`${site.origin}/bench-swaps.html`);
  await swaps.waitForFunction(() => window.benchResults, null, { timeout: 120_000 });
  const w = await swaps.evaluate(() => window.benchResults);
  if (w.error) throw new Error(w.error);
  await swaps.close();
  console.log(`| ${'measurement'.padEnd(53)} | ${'median'.padStart(11)} |  runs | vs peer`);
  console.log(`|${'-'.repeat(55)}|${'-'.repeat(13)}|-------|--------`);
  const vs = (x, peer) => `${(x.median / peer.median).toFixed(2)}x the peer`;
  console.log(`| ${'(g) vitrine: apply + revert a 50-operation plan'.padEnd(53)} | ${ms(w.plan.median)} | ${String(w.plan.iterations).padStart(5)} | ${vs(w.plan, w.peer)}`);
  console.log(`| ${'(g) peer: the same 50 changes + undo by hand (DOM)'.padEnd(53)} | ${ms(w.peer.median)} | ${String(w.peer.iterations).padStart(5)} |`);
  console.log(`| ${'(h) page adds 1,000 nodes (100 tasks), vitrine watching'.padEnd(53)} | ${ms(w.watched.median)} | ${String(w.watched.iterations).padStart(5)} | ${vs(w.watched, w.unwatched)}`);
  console.log(`| ${'(h) the same after stop() (no observer)'.padEnd(53)} | ${ms(w.unwatched.median)} | ${String(w.unwatched.iterations).padStart(5)} |`);
  console.log(`late nodes vitrine changed while watching: ${w.healed} of 1,000 (every node matches one of 20 rules' selectors for half the classes)`);

  console.log('\n== Chromium, recommendations (www/bench-recs.html: 5,000 products, 20,000 pairs, 10 models)');
  const recs = await browser.newPage();
  await recs.goto(`${site.origin}/bench-recs.html`);
  await recs.waitForFunction(() => window.benchResults, null, { timeout: 120_000 });
  const rr = await recs.evaluate(() => window.benchResults);
  if (rr.error) throw new Error(rr.error);
  await recs.close();
  console.log(`| ${'measurement'.padEnd(53)} | ${'median'.padStart(11)} | note`);
  console.log(`|${'-'.repeat(55)}|${'-'.repeat(13)}|------`);
  console.log(`| ${'(i) start() with the 5,000-product config'.padEnd(53)} | ${ms(rr.startMs)} | catalog in use after ${rr.catalogMs.toFixed(0)} ms (read in chunks); long tasks > 50 ms: ${rr.longTasks.length ? rr.longTasks.map((d) => d.toFixed(0)).join(', ') : 'none'}`);
  console.log(`| ${'(ii) one cart change, 10-item cart: re-rank + re-render'.padEnd(53)} | ${ms(rr.change)} | ${(rr.change / rr.peer).toFixed(2)}x the peer`);
  console.log(`| ${'(iii) peer: the same scoring in plain JavaScript'.padEnd(53)} | ${ms(rr.peer)} | no evaluation, no DOM`);

  const seconds = Number(process.env.SESSION_SECONDS ?? 60);
  console.log(`\n== Chromium, a synthetic ${seconds}-second session on the demo shop (scrolling every 100 ms, a click every 500 ms)`);
  const withVitrine = await session(browser, seconds, true);
  const without = await session(browser, seconds, false);
  console.log('| run              | long tasks (> 50 ms) | longest | dwell vitrine counted   |');
  console.log('|------------------|----------------------|---------|-------------------------|');
  const line = (name, x) => console.log(`| ${name.padEnd(16)} | ${String(x.count).padStart(20)} | ${`${x.max.toFixed(0)} ms`.padStart(7)} | ${(x.dwell === undefined ? '-' : `${(x.dwell / 1000).toFixed(0)} s`).padStart(23)} |`);
  line('with vitrine', withVitrine);
  line('without vitrine', without);
} finally {
  await browser.close();
  await site.close();
}

async function openShop(browser, withVitrine) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  if (!withVitrine) await page.route('**/pkg/**', (route) => route.abort());
  await page.goto(`${site.origin}/`);
  if (withVitrine) {
    await page.waitForFunction(() => Boolean(window.vitrine));
    await page.evaluate(() => window.vitrine.consent.set({ personalization: true, analytics: true, marketing: true }));
  } else {
    await page.waitForFunction(() => document.querySelectorAll('[data-product-id]').length > 0);
  }
  return { context, page };
}

async function shopSignals(browser) {
  const { context, page } = await openShop(browser, true);
  const result = await page.evaluate(() => {
    const v = window.vitrine;
    window.dataLayer = window.dataLayer || [];
    const cards = [...document.querySelectorAll('[data-product-id] h3')];
    const kinds = [
      (i) => cards[i % cards.length].click(), // a real click event on a product card
      (i) => v.track(`e${i % 30}`, { n: i % 7 }),
      (i) => v.cart.add({ id: `p${i % 12}`, name: 'Produto', category: 'cafes', price: 10 + (i % 50) }),
      (i) => v.cart.remove(`p${(i + 6) % 12}`),
      (i) => window.dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: `p${i % 12}`, item_category: 'chas', item_brand: 'Flor' }] } }),
    ];
    const perSignal = [];
    const t0 = performance.now();
    for (let batch = 0; batch < 100; batch++) {
      const start = performance.now();
      for (let j = 0; j < 100; j++) {
        const i = batch * 100 + j;
        kinds[i % kinds.length](i);
      }
      perSignal.push((performance.now() - start) / 100);
    }
    const total = performance.now() - t0;
    document.dispatchEvent(new Event('visibilitychange')); // flush now
    const keys = Object.keys(localStorage).filter((k) => k.startsWith('vitrine:'));
    const bytes = keys.reduce((sum, k) => sum + k.length + localStorage.getItem(k).length, 0);
    perSignal.sort((a, b) => a - b);
    return { total, median: perSignal[50], bytes, keys: keys.length };
  });
  await context.close();
  return result;
}

async function session(browser, seconds, withVitrine) {
  const { context, page } = await openShop(browser, withVitrine);
  await page.evaluate(() => { window.longTasks.length = 0; });
  const cards = await page.locator('[data-product-id] h3').all();
  const end = Date.now() + seconds * 1000;
  let step = 0;
  while (Date.now() < end) {
    await page.mouse.move(400 + (step % 5) * 50, 300);
    await page.mouse.wheel(0, step % 20 < 10 ? 250 : -250);
    if (step % 5 === 0) await cards[step % cards.length].click({ force: true }).catch(() => {});
    await page.waitForTimeout(100);
    step++;
  }
  const result = await page.evaluate(() => ({
    count: window.longTasks.filter((d) => d > 50).length,
    max: Math.max(0, ...window.longTasks),
    dwell: window.vitrine?.attributes().dwell.page_ms,
  }));
  await context.close();
  return result;
}
