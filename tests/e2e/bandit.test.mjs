// A bandit in real Chromium: the runtime fetches the posterior the site publishes,
// assigns new visitors by its Thompson weights, keeps every visitor's first
// assignment when the posterior changes (sticky, as GrowthBook's bandits require),
// and falls back to the config's weights, with a warning, when the file is missing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

let posterior = null;
const config = {
  version: 1,
  signals: { visitor: 'necessary', experiments: 'necessary' },
  experiments: [{
    id: 'hero',
    consent: 'necessary',
    bandit: { posterior: '/bandits/hero.json', floor: 0.01 },
    variants: [{ id: 'control', weight: 0.5 }, { id: 'b', weight: 0.5, actions: [{ op: 'setText', selector: '#hero', text: 'B' }] }],
  }],
};
const shell = `<!doctype html><html lang="en"><head><link rel="icon" href="data:,"></head><body><h1 id="hero">A</h1>
<script type="module">
  import { start } from '/pkg/index.js';
  window.warnings = [];
  window.v = await start({ config: ${JSON.stringify(config)}, on: { warning: (w) => window.warnings.push(w.message) } });
  window.started = true;
</script></body></html>`;
const favouring = (best) => ({
  experiment: 'hero',
  arms: ['control', 'b'].map((variant) => (variant === best ? { variant, alpha: 500, beta: 500 } : { variant, alpha: 10, beta: 990 })),
});

let browser;
let site;
before(async () => {
  site = await startServer({
    routes: {
      '/bandit.html': htmlPage(shell),
      '/bandits/hero.json': (_req, res) => {
        if (!posterior) {
          res.writeHead(404);
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(posterior));
      },
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function visit(context) {
  const page = await context.newPage();
  await page.goto(`${site.origin}/bandit.html`);
  await page.waitForFunction(() => window.started);
  const seen = await page.evaluate(() => ({ variant: window.v.attributes().experiments.hero, text: document.getElementById('hero').textContent, warnings: window.warnings }));
  await page.close();
  return seen;
}

async function freshVisitors(n) {
  const counts = { control: 0, b: 0 };
  for (let i = 0; i < n; i++) {
    const context = await browser.newContext();
    counts[(await visit(context)).variant] += 1;
    await context.close();
  }
  return counts;
}

test('new visitors follow the posterior; a visitor keeps their variant when it changes', async () => {
  posterior = favouring('b');
  // Weights ≈ 99 % / 1 %: a dozen new visitors, (almost) all in b.
  const before = await freshVisitors(12);
  assert.ok(before.b >= 10, `b ${before.b}, control ${before.control}`);
  const returning = await browser.newContext();
  const first = await visit(returning);
  assert.equal(first.text, first.variant === 'b' ? 'B' : 'A');
  // The posterior turns: new visitors now go to the control; the returning one stays.
  posterior = favouring('control');
  const after = await freshVisitors(12);
  assert.ok(after.control >= 10, `control ${after.control}, b ${after.b}`);
  for (let i = 0; i < 3; i++) assert.equal((await visit(returning)).variant, first.variant, 'sticky');
  await returning.close();
});

test('a missing posterior: the config\'s weights, a warning, the page as ever', async () => {
  posterior = null;
  const context = await browser.newContext();
  const seen = await visit(context);
  assert.ok(['control', 'b'].includes(seen.variant));
  assert.ok(seen.warnings.some((w) => /bandit "hero": could not fetch \/bandits\/hero\.json \(HTTP 404\); the config's weights are used/.test(w)), seen.warnings.join('; '));
  await context.close();
});
