// On-device sentiment in real Chromium: v.sentiment(text) fetches its language's
// lexicon on the first call only, scores pt-BR and English, records only the label
// and score (never the text) under signals.feedback's consent category, a rule
// reading feedback.sentiment reacts in the same call, and withdrawal purges it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const config = {
  version: 1,
  signals: { feedback: 'analytics' },
  rules: [{ id: 'support', when: { 'feedback.sentiment.label': 'negative' }, actions: [{ op: 'setText', selector: '#support', text: 'Fale com a gente' }] }],
};

const html = `<!doctype html><html lang="pt-BR"><head><link rel="icon" href="data:,"></head><body>
<p id="support">Ajuda</p>
<script type="module">
  import { start } from '/pkg/index.js';
  window.v = await start({ config: ${JSON.stringify(config)} });
  window.started = true;
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({ routes: { '/review.html': htmlPage(html) } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

test('sentiment: lexicons on demand, pt-BR and English, consent-gated, the text never kept', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const lexiconRequests = [];
  page.on('request', (r) => { if (r.url().includes('/pkg/sentiment-')) lexiconRequests.push(new URL(r.url()).pathname); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.origin}/review.html`);
  await page.waitForFunction(() => window.started);
  assert.deepEqual(lexiconRequests, [], 'no lexicon before sentiment() is called');
  await page.evaluate(() => window.v.consent.set({ personalization: true }));

  // Scored, but not recorded: feedback's category (analytics) is not granted.
  let r = await page.evaluate(() => window.v.sentiment('Eu não estou feliz'));
  assert.equal(r.label, 'negative', JSON.stringify(r));
  assert.ok(r.score < 0 && r.score >= -1);
  assert.equal(r.recorded, false);
  assert.equal(await page.evaluate(() => window.v.attributes().feedback.sentiment), null);
  assert.equal(await page.textContent('#support'), 'Ajuda');

  // Granted: recorded, and the rule answers in the same call.
  await page.evaluate(() => window.v.consent.set({ analytics: true }));
  const after = await page.evaluate(async () => {
    const result = await window.v.sentiment('O pedido ainda não chegou e ninguém responde!');
    return { result, support: document.getElementById('support').textContent, feedback: window.v.attributes().feedback };
  });
  assert.equal(after.result.label, 'negative');
  assert.equal(after.result.recorded, true);
  assert.equal(after.support, 'Fale com a gente');
  assert.equal(after.feedback.sentiment.label, 'negative');
  await page.waitForFunction(() => (localStorage.getItem('vitrine:analytics') || '').includes('negative'));
  const stored = await page.evaluate(() => localStorage.getItem('vitrine:analytics'));
  assert.ok(!stored.includes('chegou') && !stored.includes('pedido'), `the text was stored: ${stored}`);

  // English, asked explicitly; a positive text turns the rule off again.
  r = await page.evaluate(() => window.v.sentiment('Fast shipping and I love the quality!', { language: 'en' }));
  assert.equal(r.label, 'positive');
  assert.equal(await page.textContent('#support'), 'Ajuda');
  // Each lexicon was fetched once.
  await page.evaluate(() => window.v.sentiment('Produto ótimo, recomendo'));
  assert.deepEqual(lexiconRequests.sort(), ['/pkg/sentiment-en.tsv', '/pkg/sentiment-pt-br.tsv']);

  // Withdrawn: purged at once.
  await page.evaluate(() => window.v.consent.set({ analytics: false }));
  assert.equal(await page.evaluate(() => window.v.attributes().feedback.sentiment), null);
  assert.equal(await page.evaluate(() => localStorage.getItem('vitrine:analytics')), null);
  assert.deepEqual(errors, []);
  await context.close();
});
