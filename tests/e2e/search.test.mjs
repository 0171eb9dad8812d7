// On-site search as a signal in real Chromium: the search results URL's parameter,
// GA4 search events on window.dataLayer (before and after vitrine loads) and
// track('search'), redacted before they are kept, stored only under their consent
// category, a rule reacting in the same page view, and withdrawal purging them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const config = {
  version: 1,
  signals: { search: 'analytics' },
  profile: { search: { urlParam: 'q' } },
  rules: [{ id: 'help', when: { 'search.last_zero': true }, actions: [{ op: 'setText', selector: '#help', text: 'Não achou? Fale conosco' }] }],
};

const html = `<!doctype html><html><head><link rel="icon" href="data:,">
<script>
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({ event: 'view_search_results', search_term: 'Moedor  ana.souza@example.com', search_results: 0 });
</script></head><body>
<p id="help">Ajuda</p>
<script type="module">
  import { start } from '/pkg/index.js';
  window.v = await start({ config: ${JSON.stringify(config)} });
  window.started = true;
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({ routes: { '/busca.html': htmlPage(html) } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

const search = (page) => page.evaluate(() => window.v.attributes().search);
const stored = (page) => page.evaluate(() => localStorage.getItem('vitrine:analytics'));

test('searches from the URL, the dataLayer and track are redacted, consent-gated, and react at once', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.origin}/busca.html?q=Caf%C3%A9+pedido+123.456.789-09`);
  await page.waitForFunction(() => window.started);

  // Without its category, nothing is read, kept or stored.
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  assert.equal((await search(page)).count, 0);
  assert.equal(await stored(page), null);
  assert.equal(await page.textContent('#help'), 'Ajuda');

  // Granted: the page view's URL search and the early dataLayer entry count now.
  await page.evaluate(() => window.v.consent.set({ analytics: true }));
  let s = await search(page);
  assert.equal(s.count, 2, JSON.stringify(s));
  assert.deepEqual([...s.terms].sort(), ['café pedido [cpf]', 'moedor [email]']);
  assert.equal(s.zero_results, 1);
  // The help rule reads search.last_zero: the dataLayer search found nothing.
  assert.equal(s.last_zero, s.last === 'moedor [email]');
  // Writes are debounced: wait for the one holding both searches.
  await page.waitForFunction(() => (localStorage.getItem('vitrine:analytics') || '').includes('moedor'));
  const raw = await stored(page);
  assert.ok(raw.includes('moedor [email]'), raw);
  for (const secret of ['ana.souza', '123.456', 'example.com']) assert.ok(!raw.includes(secret), `${secret} stored: ${raw}`);

  // A search pushed after load, with no results: the rule applies in the same task.
  const text = await page.evaluate(() => {
    window.dataLayer.push({ event: 'search', search_term: 'filtro de papel', search_results: 0 });
    return document.getElementById('help').textContent;
  });
  assert.equal(text, 'Não achou? Fale conosco');
  // track('search') with a phone number and results: redacted, and the rule reverts.
  await page.evaluate(() => window.v.track('search', { term: 'ligar +55 (11) 98765-4321', results: 3 }));
  s = await search(page);
  assert.equal(s.last, 'ligar [number]');
  assert.equal(s.last_zero, false);
  assert.equal(await page.textContent('#help'), 'Ajuda');
  await page.waitForFunction(() => (localStorage.getItem('vitrine:analytics') || '').includes('ligar'));
  assert.ok(!(await stored(page)).includes('98765'));
  // The event's props never hold the term.
  assert.deepEqual(await page.evaluate(() => window.v.attributes().event_props.search ?? null), null);

  // A reload keeps the terms (distinct, at most five), most recent first.
  await page.reload();
  await page.waitForFunction(() => window.started);
  s = await search(page);
  assert.equal(s.terms.length, 4, JSON.stringify(s.terms));
  // The page view searched again (the URL and the early dataLayer entry, each
  // moved to the front rather than kept twice)...
  assert.deepEqual(s.terms.slice(0, 2).sort(), ['café pedido [cpf]', 'moedor [email]']);
  // ...and the searches of the previous page view were kept behind them.
  assert.ok(s.terms.includes('ligar [number]') && s.terms.includes('filtro de papel'), JSON.stringify(s.terms));
  assert.equal(s.count, 6);

  // Withdrawn: purged at once, from the page and from storage.
  await page.evaluate(() => window.v.consent.set({ analytics: false }));
  assert.equal((await search(page)).count, 0);
  assert.equal(await stored(page), null);
  assert.deepEqual(errors, []);
  await context.close();
});
