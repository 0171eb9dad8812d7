// Cart signals from GA4 ecommerce events on window.dataLayer (before and after
// vitrine loads) and from the vitrine:cart DOM event, in real Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const config = {
  version: 1,
  rules: [{ id: 'free', when: { 'cart.total': { $gte: 150 } }, actions: [{ op: 'setText', selector: '#banner', text: 'Frete grátis' }] }],
};

const html = `<!doctype html><html><head><link rel="icon" href="data:,">
<script src="/early.js"></script></head><body>
<p id="banner">Banner</p>
<script type="module">
  import { start } from '/pkg/index.js';
  window.v = await start({ config: ${JSON.stringify(config)} });
  window.started = true;
</script></body></html>`;

// A GA4 snippet pushing before vitrine loads, with a malformed entry mixed in.
const early = `window.dataLayer = window.dataLayer || [];
dataLayer.push({ event: 'gtm.js' });
dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: 'moedor', price: 189 }] } });
dataLayer.push({ event: 'add_to_cart', ecommerce: { currency: 'BRL', items: [{ item_id: 'cafe', item_name: 'Café', item_category: 'cafes', price: 49.9, quantity: 2 }] } });
dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'bad', price: -5 }, 'junk'] } });
dataLayer.push(function () {});`;

let browser;
let site;
before(async () => {
  site = await startServer({
    routes: {
      '/shop-ga4.html': htmlPage(html),
      '/early.js': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(early);
      },
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

test('GA4 dataLayer events before and after load, and vitrine:cart events, drive the cart', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.origin}/shop-ga4.html`);
  await page.waitForFunction(() => window.started);
  // Without consent nothing is read.
  assert.equal(await page.evaluate(() => window.v.cart.get().count), 0);
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  // Entries pushed before load are read once consent allows it; the bad item is skipped.
  let cart = await page.evaluate(() => window.v.cart.get());
  assert.deepEqual(cart.items.map((i) => [i.id, i.quantity, i.price]), [['cafe', 2, 49.9]]);
  assert.equal(await page.evaluate(() => window.v.attributes().events.view_item), 1);
  // A push after load is read at once.
  await page.evaluate(() =>
    dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'prensa', item_name: 'Prensa', price: 149, quantity: 1 }] } }),
  );
  assert.equal(await page.evaluate(() => window.v.cart.get().total), 248.8);
  assert.equal(await page.textContent('#banner'), 'Frete grátis');
  // gtag's arguments form.
  await page.evaluate(() => {
    function gtag() {
      dataLayer.push(arguments);
    }
    gtag('event', 'remove_from_cart', { items: [{ item_id: 'prensa', price: 149 }] });
  });
  assert.equal(await page.evaluate(() => window.v.cart.get().total), 99.8);
  assert.equal(await page.textContent('#banner'), 'Banner');
  // The vitrine:cart DOM event.
  await page.evaluate(() =>
    document.dispatchEvent(new CustomEvent('vitrine:cart', { detail: { action: 'add', item: { id: 'moedor', price: 189 } } })),
  );
  assert.equal(await page.evaluate(() => window.v.cart.get().count), 3);
  await page.evaluate(() => dataLayer.push({ event: 'purchase', ecommerce: { transaction_id: 'T1', items: [] } }));
  assert.equal(await page.evaluate(() => window.v.cart.get().count), 0);
  assert.deepEqual(errors, []);
  // stop() hands dataLayer.push back.
  const native = await page.evaluate(() => {
    window.v.stop();
    return dataLayer.push === Array.prototype.push;
  });
  assert.equal(native, true);
  await context.close();
});
