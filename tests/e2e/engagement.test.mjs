// Engagement signals in real Chromium: scroll depth, exit intent and single-page-app
// navigation feed triggers and page attributes; none of it without consent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const config = {
  version: 1,
  rules: [
    { id: 'deep', trigger: { scroll: 60 }, actions: [{ op: 'addClass', selector: '#title', class: 'deep' }] },
    { id: 'leaving', trigger: 'exit', actions: [{ op: 'setText', selector: '#offer', text: 'Espere! 10% off' }] },
    { id: 'product', when: { 'page.path': { $regex: '^/p/' } }, actions: [{ op: 'setText', selector: '#where', text: 'product page' }] },
  ],
};

const html = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
<h1 id="title">Title</h1><p id="offer">Offer</p><p id="where">somewhere</p>
<div style="height: 4000px">tall</div>
<script type="module">
  import { start } from '/pkg/index.js';
  window.v = await start({ config: ${JSON.stringify(config)} });
  window.started = true;
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({ routes: { '/long.html': htmlPage(html), '/p/1': htmlPage(html) } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open() {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${site.origin}/long.html`);
  await page.waitForFunction(() => window.started);
  return { context, page };
}

test('scrolling past 60% fires the scroll trigger, only with consent', async () => {
  const { context, page } = await open();
  await page.mouse.wheel(0, 4000);
  await page.waitForFunction(() => window.scrollY > 2000);
  await page.evaluate(() => new Promise(requestAnimationFrame));
  assert.equal(await page.getAttribute('#title', 'class'), null, 'no collection without consent');
  await page.evaluate(() => {
    window.v.consent.set({ personalization: true });
    window.scrollTo(0, 0);
  });
  // At the top, the bottom of the viewport is ~19% down the page.
  assert.ok((await page.evaluate(() => window.v.attributes().scroll.max_pct)) < 50);
  await page.mouse.wheel(0, 1500);
  await page.waitForFunction(() => window.v.attributes().scroll.max_pct >= 50);
  await page.mouse.wheel(0, 3000);
  await page.waitForFunction(() => document.getElementById('title').classList.contains('deep'));
  const decision = await page.evaluate(() => window.v.decisions().find((d) => d.id === 'deep'));
  assert.equal(decision.reason, 'applied');
  await context.close();
});

test('leaving through the top of the window is exit intent', async () => {
  const { context, page } = await open();
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  assert.equal(await page.textContent('#offer'), 'Offer');
  await page.mouse.move(500, 300);
  await page.mouse.move(500, 5);
  await page.mouse.move(500, -20);
  await page.waitForFunction(() => document.getElementById('offer').textContent !== 'Offer', null, { timeout: 5000 });
  assert.equal(await page.textContent('#offer'), 'Espere! 10% off');
  await context.close();
});

test('pushState and popstate are page views; stop() hands history back', async () => {
  const { context, page } = await open();
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  assert.equal(await page.textContent('#where'), 'somewhere');
  await page.evaluate(() => history.pushState({}, '', '/p/1'));
  assert.equal(await page.textContent('#where'), 'product page');
  assert.equal(await page.evaluate(() => window.v.attributes().page.path), '/p/1');
  await page.evaluate(() => history.back());
  await page.waitForFunction(() => location.pathname === '/long.html');
  await page.waitForFunction(() => document.getElementById('where').textContent === 'somewhere');
  const handedBack = await page.evaluate(() => {
    // Another script keeps vitrine's wrapper (a router wrapping it in turn).
    window.kept = history.pushState;
    window.v.stop();
    return [history.pushState === History.prototype.pushState, history.replaceState === History.prototype.replaceState];
  });
  assert.deepEqual(handedBack, [true, true], 'the original pushState and replaceState are back');
  await page.evaluate(() => history.pushState({}, '', '/p/1'));
  assert.equal(await page.textContent('#where'), 'somewhere', 'no more page views after stop');
  // The kept wrapper still navigates after vitrine is gone, and throws nothing.
  const kept = await page.evaluate(() => {
    window.kept.call(history, { n: 2 }, '', '/p/2');
    return { path: location.pathname, state: history.state };
  });
  assert.deepEqual(kept, { path: '/p/2', state: { n: 2 } });
  await context.close();
});
