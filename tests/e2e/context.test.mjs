// The page context and the visit history in real Chromium: UTM parameters and the
// arrival channel, device, language, time zone and local time as the browser
// reports them; sessions after 30 minutes without activity; replaceState and
// hashchange as page views; idle time feeding an idle trigger.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const config = {
  version: 1,
  rules: [
    { id: 'still-there', trigger: { idle: 5000 }, actions: [{ op: 'setText', selector: '#idle', text: 'Ainda por aí?' }] },
    { id: 'from-email', when: { channel: 'email', 'utm.campaign': 'black-friday' },
      actions: [{ op: 'setText', selector: '#hello', text: 'Bem-vinda da newsletter' }] },
  ],
};

const html = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
<p id="hello">Olá</p><p id="idle">-</p>
<script type="module">
  import { start } from '/pkg/index.js';
  window.v = await start({ config: ${JSON.stringify(config)} });
  window.v.consent.set({ personalization: true });
  window.started = true;
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({ routes: { '/ctx.html': htmlPage(html) } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(contextOptions = {}, path = '/ctx.html') {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(() => window.started);
  return { context, page };
}

const attrs = (page) => page.evaluate(() => window.v.attributes());

test('UTM, channel, device, language, time zone and local time come from the browser', async () => {
  const { context, page } = await open(
    { timezoneId: 'America/Sao_Paulo', locale: 'pt-BR', viewport: { width: 390, height: 800 } },
    '/ctx.html?utm_source=news&utm_medium=email&utm_campaign=black-friday',
  );
  const a = await attrs(page);
  assert.deepEqual(a.utm, { source: 'news', medium: 'email', campaign: 'black-friday' });
  assert.equal(a.channel, 'email');
  assert.equal(await page.textContent('#hello'), 'Bem-vinda da newsletter');
  assert.equal(a.device.type, 'mobile');
  assert.equal(a.device.language, 'pt-BR');
  assert.equal(a.time.timezone, 'America/Sao_Paulo');
  const local = await page.evaluate(() => ({ hour: new Date().getHours(), weekday: new Date().getDay() }));
  // The hour may roll over between the two reads; both come from the page's clock.
  assert.ok([local.hour, (local.hour + 23) % 24].includes(a.time.hour));
  assert.equal(a.time.weekday === local.weekday || a.time.hour === 23, true);
  await context.close();

  const direct = await open({ viewport: { width: 1400, height: 900 } });
  const d = await attrs(direct.page);
  assert.deepEqual([d.channel, d.device.type, d.utm], ['direct', 'desktop', {}]);
  await direct.context.close();
});

test('a visit after 30 minutes without activity is a new session', async () => {
  const { context, page } = await open();
  let a = await attrs(page);
  assert.deepEqual([a.visitor.visits, a.visitor.sessions, a.visitor.days_since_last], [1, 1, null]);
  await page.reload();
  await page.waitForFunction(() => window.started);
  a = await attrs(page);
  assert.deepEqual([a.visitor.visits, a.visitor.sessions], [2, 1], 'a reload is the same session');
  // The visitor left 31 minutes ago (their stored last activity is moved back).
  await page.evaluate(() => {
    window.v.stop();
    const key = 'vitrine:personalization';
    const stored = JSON.parse(localStorage.getItem(key));
    stored.profile.visitor.last_seen_ms -= 31 * 60 * 1000;
    localStorage.setItem(key, JSON.stringify(stored));
  });
  await page.reload();
  await page.waitForFunction(() => window.started);
  a = await attrs(page);
  assert.deepEqual([a.visitor.visits, a.visitor.sessions, a.visitor.days_since_last], [3, 2, 0]);
  await context.close();
});

test('replaceState and hashchange are page views too', async () => {
  const { context, page } = await open();
  const visits = async () => (await attrs(page)).visitor.visits;
  assert.equal(await visits(), 1);
  await page.evaluate(() => history.replaceState({}, '', '/ctx.html?step=2'));
  assert.equal(await visits(), 2);
  assert.equal((await attrs(page)).page.query.step, '2');
  // popstate and hashchange both fire for a hash change: still one page view. The
  // page's own hashchange listener, added after vitrine's, runs after it.
  await page.evaluate(() => new Promise((resolve) => {
    window.addEventListener('hashchange', resolve, { once: true });
    location.hash = '#reviews';
  }));
  assert.equal(await visits(), 3);
  await page.evaluate(() => history.replaceState({}, '', location.href));
  assert.equal(await visits(), 3, 'the same URL again is not a new page view');
  await context.close();
});

test('time without interaction is idle time, and the idle trigger fires', async () => {
  const { context, page } = await open();
  assert.equal(await page.textContent('#idle'), '-');
  await page.waitForFunction(() => window.v.attributes().idle.ms >= 5000, null, { timeout: 15_000 });
  await page.waitForFunction(() => document.getElementById('idle').textContent === 'Ainda por aí?');
  await context.close();
});
