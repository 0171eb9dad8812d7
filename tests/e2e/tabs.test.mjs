// Two tabs of one browser: a cart change, a consent withdrawal and an erasure in
// one reach the other tab's decisions (through the storage event).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const config = {
  version: 1,
  rules: [{ id: 'free', when: { 'cart.total': { $gte: 150 } }, actions: [{ op: 'setText', selector: '#banner', text: 'Frete grátis' }] }],
};
const html = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
<p id="banner">Banner</p>
<script type="module">
  import { start } from '/pkg/index.js';
  window.vitrine = await start({ config: ${JSON.stringify(config)} });
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({ routes: { '/tab.html': htmlPage(html) } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

test('the cart, consent and erasure are shared between tabs', async () => {
  const context = await browser.newContext();
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const tab of [a, b]) {
    await tab.goto(`${site.origin}/tab.html`);
    await tab.waitForFunction(() => window.vitrine);
  }
  // Consent given in tab A reaches tab B.
  await a.evaluate(() => window.vitrine.consent.set({ personalization: true }));
  await b.waitForFunction(() => window.vitrine.consent.get().personalization === true, null, { timeout: 3000 });
  // A cart that reaches the free-shipping threshold in A changes B's banner too.
  await a.evaluate(() => window.vitrine.cart.add({ id: 'moedor', name: 'Moedor', category: 'acessorios', price: 189 }));
  await b.waitForFunction(() => window.vitrine.cart.get().total === 189, null, { timeout: 3000 });
  await b.waitForFunction(() => document.getElementById('banner').textContent === 'Frete grátis', null, { timeout: 3000 });
  // Withdrawal in B reverts A at once.
  await b.evaluate(() => window.vitrine.consent.set({ personalization: false }));
  await a.waitForFunction(() => window.vitrine.consent.get().personalization === false, null, { timeout: 3000 });
  await a.waitForFunction(() => document.getElementById('banner').textContent === 'Banner');
  assert.deepEqual(await a.evaluate(() => window.vitrine.cart.get().items), []);
  // Erasure in A: B is back to defaults.
  await b.evaluate(() => window.vitrine.consent.set({ analytics: true }));
  await a.waitForFunction(() => window.vitrine.consent.get().analytics === true, null, { timeout: 3000 });
  await a.evaluate(() => window.vitrine.profile.erase());
  await b.waitForFunction(() => window.vitrine.consent.get().analytics === false, null, { timeout: 3000 });
  assert.deepEqual(await b.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vitrine:'))), []);
  await context.close();
});
