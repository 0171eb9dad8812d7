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

test('survey answers: NPS, CSAT and CES become feedback.* at once, the open text only its sentiment', async () => {
  const survey = {
    version: 1,
    signals: { feedback: 'analytics' },
    rules: [
      { id: 'review', when: { 'feedback.nps_group': 'promoter' }, actions: [{ op: 'setText', selector: '#support', text: 'Avalie-nos no Google' }] },
      { id: 'help', when: { 'feedback.nps_group': 'detractor', 'feedback.post-purchase.answered': true }, actions: [{ op: 'setText', selector: '#support', text: 'Fale com a gente' }] },
    ],
  };
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/survey.html', (route) => route.fulfill({ contentType: 'text/html', body: html.replace(JSON.stringify(config), JSON.stringify(survey)) }));
  const events = [];
  await page.exposeFunction('seen', (e) => events.push(e));
  await page.goto(`${site.origin}/survey.html`);
  await page.waitForFunction(() => window.started);
  await page.evaluate(() => { window.v.on('survey_answered', (e) => window.seen(e)); window.v.consent.set({ personalization: true, analytics: true }); });

  // A detractor with an open answer: the support rule applies in the same call.
  const detractor = await page.evaluate(async () => {
    const result = await window.v.feedback.answer({ survey: 'post-purchase', nps: 3, text: 'A entrega atrasou e ninguém me respondeu' });
    return { result, support: document.getElementById('support').textContent, feedback: window.v.attributes().feedback };
  });
  assert.equal(detractor.result.recorded, true);
  assert.equal(detractor.result.sentiment.label, 'negative');
  assert.equal(detractor.support, 'Fale com a gente');
  assert.equal(detractor.feedback.nps, 3);
  assert.equal(detractor.feedback.nps_group, 'detractor');
  assert.equal(detractor.feedback['post-purchase'].answered, true);
  assert.equal(detractor.feedback.sentiment.label, 'negative');
  // A later promoter answer (CSAT and CES too) turns it around.
  await page.evaluate(() => window.v.feedback.answer({ survey: 'nps-q4', nps: 10, csat: 5, ces: 2 }));
  assert.equal(await page.textContent('#support'), 'Avalie-nos no Google');
  const feedback = await page.evaluate(() => window.v.attributes().feedback);
  assert.deepEqual([feedback.nps, feedback.nps_group, feedback.csat, feedback.ces], [10, 'promoter', 5, 2]);
  // Events carry the scores and the label, never the text.
  assert.equal(events.length, 2);
  assert.equal(events[0].survey, 'post-purchase');
  assert.equal(events[0].sentiment, 'negative');
  assert.ok(!JSON.stringify(events).includes('atrasou'));
  await page.waitForFunction(() => (localStorage.getItem('vitrine:analytics') || '').includes('nps-q4'));
  assert.ok(!(await page.evaluate(() => localStorage.getItem('vitrine:analytics'))).includes('atrasou'));
  // A bad field is a VitrineError naming it; nothing is recorded.
  const bad = await page.evaluate(() => window.v.feedback.answer({ survey: 'x', nps: 11 }).then(() => 'resolved', (e) => `${e.name}: ${e.message}`));
  assert.match(bad, /^VitrineError: .*"nps" must be a whole number from 0 to 10/);
  assert.equal(await page.evaluate(() => window.v.attributes().feedback.x ?? null), null);
  // Withdrawn: every answer gone, the rules reverted.
  await page.evaluate(() => window.v.consent.set({ analytics: false }));
  assert.equal(await page.evaluate(() => window.v.attributes().feedback.nps), null);
  assert.equal(await page.textContent('#support'), 'Ajuda');
  await context.close();
});
