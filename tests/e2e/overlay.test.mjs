// The debug overlay in real Chromium: off by default (its file is not even
// loaded), on with ?vitrine_debug=1 or the localStorage flag; it lists every rule
// and experiment with the reason, outlines changed elements, forces a variant
// through the URL and clears the profile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer, vitrineKeys, vitrineReady } from './helpers.mjs';

let browser;
let site;
before(async () => {
  site = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

const rowsOf = (page) => page.evaluate(() => [...document.getElementById('vitrine-debug').shadowRoot.querySelectorAll('tbody tr')]
  .map((tr) => [...tr.children].slice(0, 5).map((td) => td.textContent)));

test('off by default: no overlay and its file is never requested', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(`${site.origin}/`);
  await vitrineReady(page);
  assert.equal(await page.$('#vitrine-debug'), null);
  assert.ok(!requests.includes('/pkg/overlay.js'));
  await context.close();
});

test('?vitrine_debug=1: reasons, highlights, forcing a variant, clearing the profile', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.origin}/?vitrine_debug=1`);
  await vitrineReady(page);
  await page.waitForFunction(() => document.getElementById('vitrine-debug')?.shadowRoot.querySelector('tbody tr'));
  let rows = await rowsOf(page);
  const welcome = rows.find((r) => r[1] === 'welcome-back');
  assert.deepEqual(welcome.slice(2), ['no', '', 'consent missing: personalization']);
  assert.ok(rows.some((r) => r[0] === 'experiment' && r[1] === 'hero-subtitle'));
  // Consent given: the list follows; the free-shipping rule says which condition fails.
  await page.evaluate(() => window.vitrine.consent.set({ personalization: true }));
  rows = await rowsOf(page);
  assert.match(rows.find((r) => r[1] === 'free-shipping')[4], /condition not met: cart\.total/);
  await page.click('[data-add="cafe-geisha"]');
  await page.click('[data-add="moedor"]');
  rows = await rowsOf(page);
  assert.deepEqual(rows.find((r) => r[1] === 'free-shipping').slice(2, 3), ['yes']);
  // Changed elements are outlined, labelled with their rule.
  const boxes = await page.evaluate(() => [...document.getElementById('vitrine-debug').shadowRoot.querySelectorAll('.box')].map((b) => b.dataset.rule));
  assert.ok(boxes.includes('free-shipping'), boxes.join(','));
  assert.equal(boxes.length, (await page.evaluate(() => window.vitrine.changed().filter((c) => c.element.getClientRects().length > 0).length)));
  // Forcing a variant reloads with vitrine_force and the engine honours it.
  await Promise.all([
    page.waitForURL(/vitrine_force=hero-subtitle%3Afrete|vitrine_force=hero-subtitle:frete/),
    page.evaluate(() => {
      const select = document.getElementById('vitrine-debug').shadowRoot.querySelector('select[data-experiment="hero-subtitle"]');
      select.value = 'frete';
      select.dispatchEvent(new Event('change'));
    }),
  ]);
  await vitrineReady(page);
  await page.waitForFunction(() => document.getElementById('vitrine-debug')?.shadowRoot.querySelector('tbody tr'));
  rows = await rowsOf(page);
  assert.deepEqual(rows.find((r) => r[1] === 'hero-subtitle').slice(2), ['yes', 'frete', 'forced by URL']);
  // Clear profile: every vitrine key is gone.
  assert.ok((await vitrineKeys(page)).length > 0);
  await page.evaluate(() => document.getElementById('vitrine-debug').shadowRoot.querySelector('[data-action="clear"]').click());
  assert.deepEqual(await vitrineKeys(page), []);
  await context.close();
});

test('the localStorage flag turns it on too; close removes it', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => localStorage.setItem('vitrine_debug', '1'));
  const page = await context.newPage();
  await page.goto(`${site.origin}/`);
  await vitrineReady(page);
  await page.waitForFunction(() => document.getElementById('vitrine-debug'));
  await page.evaluate(() => document.getElementById('vitrine-debug').shadowRoot.querySelector('[data-action="close"]').click());
  assert.equal(await page.$('#vitrine-debug'), null);
  await context.close();
});

test('the overlay\'s Edit button opens the editor on the same page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.origin}/?vitrine_debug=1`);
  await vitrineReady(page);
  await page.waitForFunction(() => document.getElementById('vitrine-debug'));
  assert.equal(await page.$('vitrine-editor'), null, 'no editor until asked');
  await Promise.all([
    page.waitForURL(/vitrine_edit=1/),
    page.evaluate(() => document.getElementById('vitrine-debug').shadowRoot.querySelector('[data-action="edit"]').click()),
  ]);
  await page.waitForFunction(() => document.querySelector('vitrine-editor')?.shadowRoot.querySelector('#pick'));
  assert.match(new URL(page.url()).search, /vitrine_debug=1&vitrine_edit=1/);
  await context.close();
});
