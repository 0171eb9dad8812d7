// The visitor profile in real Chromium: product cards and marked elements (clicks
// and time in view through a real IntersectionObserver) feeding affinity and
// element dwell, cart abandonment, identify, track props, a reload right after
// pagehide, and storage the browser refuses or that is full.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer, vitrineKeys } from './helpers.mjs';

const config = {
  version: 1,
  profile: {
    clicks: { '#newsletter button': 'newsletter' },
    abandonment: { idleSeconds: 600 },
    identity: { replaceAnonymousId: true, urlParam: 'cid' },
  },
  signals: { affinity: 'marketing' },
  rules: [
    { id: 'tea-lover', consent: ['personalization', 'marketing'], when: { 'affinity.top_category': 'chas' },
      actions: [{ op: 'addClass', selector: '#teas', class: 'featured' }] },
    { id: 'read-reviews', when: { 'dwell.reviews_ms': { $gte: 1500 } },
      actions: [{ op: 'setText', selector: '#reviews-note', text: 'Gostou das avaliações?' }] },
    { id: 'come-back', when: { 'cart.abandoned': true },
      actions: [{ op: 'setText', selector: '#cart-note', text: 'Seu carrinho está te esperando' }] },
    { id: 'gold', when: { 'traits.tier': 'gold' },
      actions: [{ op: 'setText', selector: '#tier', text: 'Cliente ouro' }] },
    { id: 'pro', when: { 'event_props.signup.plan': 'pro' },
      actions: [{ op: 'setText', selector: '#plan', text: 'Plano pro' }] },
  ],
};

const card = (id, category, brand) =>
  `<article class="card" data-product-id="${id}" data-category="${category}" data-brand="${brand}" data-price="10"
     style="height: 300px; margin: 10px; background: #eee"><button class="buy">${id}</button></article>`;

const body = `<h1 id="title">Loja</h1>
<p id="teas">Chás</p><p id="reviews-note">-</p><p id="cart-note">-</p><p id="tier">-</p><p id="plan">-</p>
<form id="newsletter" onsubmit="return false"><button type="button">Assinar</button></form>
<section id="top">${card('c1', 'cafes', 'Serra')}</section>
<div style="height: 2000px">spacer</div>
<section id="reviews" data-vitrine-dwell="reviews" style="height: 400px; background: #ddf">Avaliações</section>
<div style="height: 2000px">spacer</div>
<section id="teas-list">${card('t1', 'chas', 'Flor')}${card('t2', 'chas', 'Flor')}</section>`;

const html = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${body}
<script type="module">
  import { start } from '/pkg/index.js';
  window.events = [];
  const on = {};
  for (const name of ['abandon', 'warning', 'apply']) on[name] = (d) => window.events.push([name, d]);
  window.v = await start({ config: ${JSON.stringify(config)}, on });
  window.started = true;
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({ routes: { '/shop.html': htmlPage(html), '/other.html': htmlPage('<p>other</p>') } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(context, path = '/shop.html') {
  context ??= await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(() => window.started);
  return { context, page };
}

const attrs = (page) => page.evaluate(() => window.v.attributes());

test('clicks on product cards and configured selectors; affinity only with its own consent', async () => {
  const { context, page } = await open();
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  await page.click('#newsletter button');
  await page.click('[data-product-id="c1"] .buy');
  let a = await attrs(page);
  assert.equal(a.clicks.newsletter, 1, 'a selector from profile.clicks counts');
  assert.deepEqual(a.affinity.category, {}, 'affinity needs marketing here: nothing kept');

  await page.evaluate(() => window.v.consent.set({ marketing: true }));
  await page.click('[data-product-id="c1"] .buy');
  a = await attrs(page);
  assert.equal(a.affinity.category.cafes, 1);
  assert.equal(a.affinity.top_brand, 'Serra');
  // Two clicks on teas overtake coffee and the rule that reads the top category applies.
  await page.locator('[data-product-id="t1"] .buy').click();
  await page.locator('[data-product-id="t2"] .buy').click();
  a = await attrs(page);
  assert.equal(a.affinity.category.chas, 2);
  assert.equal(a.affinity.top_category, 'chas');
  assert.equal(await page.getAttribute('#teas', 'class'), 'featured');
  // Withdrawing marketing forgets affinity at once, and the rule reverts.
  await page.evaluate(() => window.v.consent.set({ marketing: false }));
  assert.deepEqual((await attrs(page)).affinity.category, {});
  assert.equal(await page.getAttribute('#teas', 'class'), null);
  await context.close();
});

test('time on a marked element counts only while at least half of it is in view', async () => {
  const { context, page } = await open();
  await page.evaluate(() => window.v.consent.set({ personalization: true, marketing: true }));
  // At the top: the reviews section is far below; the coffee card is in view.
  await page.waitForFunction(() => window.v.attributes().dwell.page_ms >= 2000, null, { timeout: 10_000 });
  let a = await attrs(page);
  assert.equal(a.dwell.reviews_ms, undefined, 'not seen yet');
  assert.ok(a.affinity.category.cafes > 0, 'a product card in view raises its category');
  assert.equal(a.affinity.category.chas, undefined, 'cards out of view do not');
  await page.evaluate(() => document.getElementById('reviews').scrollIntoView({ block: 'center' }));
  await page.waitForFunction(() => (window.v.attributes().dwell.reviews_ms ?? 0) >= 1500, null, { timeout: 10_000 });
  await page.waitForFunction(() => document.getElementById('reviews-note').textContent === 'Gostou das avaliações?');
  // Scrolled away, the element's time stops growing while the page's goes on.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const frozen = (await attrs(page)).dwell.reviews_ms;
  const pageBefore = (await attrs(page)).dwell.page_ms;
  await page.waitForFunction((p) => window.v.attributes().dwell.page_ms >= p + 2000, pageBefore, { timeout: 10_000 });
  assert.ok((await attrs(page)).dwell.reviews_ms <= frozen + 1100, 'at most the tick under way was added');
  await context.close();
});

test('a full cart and exit intent is an abandoned cart: an event and a rule, once', async () => {
  const { context, page } = await open();
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  // Exit intent with an empty cart is not abandonment.
  await page.mouse.move(500, 300);
  await page.mouse.move(500, 5);
  await page.mouse.move(500, -20);
  await page.waitForFunction(() => window.v.attributes().exit.intent === true);
  assert.equal((await attrs(page)).cart.abandoned, false);
  // With items in the cart it is (exit intent already seen in this page view).
  await page.evaluate(() => window.v.cart.add({ id: 'c1', name: 'Café', price: 30, category: 'cafes' }));
  assert.equal(await page.textContent('#cart-note'), 'Seu carrinho está te esperando');
  const abandons = await page.evaluate(() => window.events.filter(([n]) => n === 'abandon').map(([, d]) => d));
  assert.equal(abandons.length, 1);
  assert.equal(abandons[0].total, 30);
  await page.evaluate(() => window.v.cart.add({ id: 'c2', name: 'Chá', price: 10 }));
  assert.equal(await page.evaluate(() => window.events.filter(([n]) => n === 'abandon').length), 1, 'once per page view');
  await page.evaluate(() => window.v.cart.clear());
  assert.equal(await page.textContent('#cart-note'), '-', 'an empty cart is no longer abandoned');
  await context.close();
});

test('identify: traits become attributes, survive reloads, are exported; an email link identifies', async () => {
  const { context, page } = await open();
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  const error = await page.evaluate(() => {
    try {
      window.v.identify({ not: 'an id' });
    } catch (e) {
      return e.message;
    }
  });
  assert.match(error, /identify\(id, traits\): id must be a non-empty string/);
  const nested = await page.evaluate(() => {
    try {
      window.v.identify('cust-1', { address: { city: 'Recife' } });
    } catch (e) {
      return e.message;
    }
  });
  assert.match(nested, /traits "address" must be a string, number, boolean or null/);
  await page.evaluate(() => window.v.identify('cust-1', { tier: 'gold', first_name: 'Ana' }));
  assert.equal(await page.textContent('#tier'), 'Cliente ouro');
  await page.reload();
  await page.waitForFunction(() => window.started);
  let a = await attrs(page);
  assert.deepEqual([a.customer, a.traits.first_name], [{ id: 'cust-1', known: true }, 'Ana']);
  const exported = await page.evaluate(() => window.v.profile.export());
  assert.equal(exported.profile.identity.id, 'cust-1');
  assert.equal(exported.stored_under.identity, 'personalization');
  // Logout.
  await page.evaluate(() => window.v.identify(null));
  assert.equal(await page.textContent('#tier'), '-');
  // Another device, arriving from an email link that carries the customer id.
  const other = await browser.newContext();
  const { page: phone } = await open(other, '/shop.html?utm_medium=email&cid=cust-9');
  await phone.evaluate(() => window.v.consent.set({ personalization: true }));
  a = await attrs(phone);
  assert.deepEqual([a.customer.id, a.channel], ['cust-9', 'email']);
  await other.close();
  await context.close();
});

test('track props are kept bounded and reach conditions; bad props are refused clearly', async () => {
  const { context, page } = await open();
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  await page.evaluate(() => window.v.track('signup', { plan: 'pro', seats: 3, note: 'x'.repeat(500) }));
  assert.equal(await page.textContent('#plan'), 'Plano pro');
  const props = (await attrs(page)).event_props.signup;
  assert.equal(props.seats, 3);
  assert.equal(props.note.length, 64, 'long strings are cut');
  const error = await page.evaluate(() => {
    try {
      window.v.track('signup', { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 });
    } catch (e) {
      return e.message;
    }
  });
  assert.match(error, /props has 6 entries; at most 5 are kept/);
  await context.close();
});

test('leaving the page right after a click loses nothing (pagehide flush)', async () => {
  const { context, page } = await open();
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  // The write is coalesced (up to a second later); leaving at once must still keep it.
  await page.click('#newsletter button');
  await page.goto(`${site.origin}/other.html`);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('vitrine:personalization')));
  assert.equal(stored.profile.clicks.newsletter, 1);
  await page.goto(`${site.origin}/shop.html`);
  await page.waitForFunction(() => window.started);
  assert.equal((await attrs(page)).clicks.newsletter, 1);
  await context.close();
});

test('with localStorage refused, vitrine runs from memory and says so', async () => {
  const context = await browser.newContext();
  // What a browser with site data blocked does: touching localStorage throws.
  await context.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('The user denied access', 'SecurityError');
      },
    });
  });
  const { page } = await open(context);
  assert.equal(await page.evaluate(() => window.v.storage()), 'memory');
  const warnings = await page.evaluate(() => window.events.filter(([n]) => n === 'warning').map(([, d]) => d.message));
  assert.ok(warnings.some((w) => /localStorage is unavailable.*memory/.test(w)), warnings.join('\n'));
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  await page.evaluate(() => window.v.track('signup', { plan: 'pro' }));
  assert.equal(await page.textContent('#plan'), 'Plano pro', 'rules still work from memory');
  await context.close();
});

test('with localStorage full, writes fail with a warning and nothing breaks', async () => {
  const context = await browser.newContext();
  const { page } = await open(context);
  assert.equal(await page.evaluate(() => window.v.storage()), 'localStorage');
  // Fill the real quota with the site's own data.
  await page.evaluate(() => {
    const chunk = 'x'.repeat(512 * 1024);
    for (let i = 0; ; i++) {
      try {
        localStorage.setItem(`site-filler-${i}`, chunk);
      } catch {
        break;
      }
    }
    for (let size = 1024; size >= 1; size = Math.floor(size / 2)) {
      try {
        for (let j = 0; ; j++) localStorage.setItem(`site-small-${size}-${j}`, 'y'.repeat(size));
      } catch {
        // next, smaller size
      }
    }
  });
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  await page.click('#newsletter button');
  await page.evaluate(() => window.v.track('signup', { plan: 'pro' }));
  assert.equal(await page.textContent('#plan'), 'Plano pro');
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  const warnings = await page.evaluate(() => window.events.filter(([n]) => n === 'warning').map(([, d]) => d.message));
  assert.ok(warnings.some((w) => /could not (write|store)/i.test(w)), warnings.join('\n'));
  assert.equal((await attrs(page)).clicks.newsletter, 1, 'the profile lives on in memory');
  await page.evaluate(() => localStorage.clear());
  await context.close();
});

test('erase() leaves no vitrine key behind, identity and affinity included', async () => {
  const { context, page } = await open();
  await page.evaluate(() => {
    window.v.consent.acceptAll();
    window.v.identify('cust-1', { tier: 'gold' });
    window.v.track('signup', { plan: 'pro' });
  });
  await page.click('[data-product-id="c1"] .buy');
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  assert.ok((await vitrineKeys(page)).length >= 2);
  await page.evaluate(() => window.v.profile.erase());
  assert.deepEqual(await vitrineKeys(page), []);
  const a = await attrs(page);
  assert.deepEqual([a.customer.known, a.affinity.top_category], [false, null]);
  await context.close();
});
