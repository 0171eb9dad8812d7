// Consent in real Chromium: the three gates over every subset of the four
// optional categories; CMP bridges (a page implementing __tcfapi per TCF v2.2,
// Consent Mode commands before and after load, Global Privacy Control) and their
// precedence; the built-in panel walked with the keyboard only and checked with
// axe-core; the privacy center.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, page as htmlPage, startServer, vitrineKeys, vitrineReady } from './helpers.mjs';

const OPTIONAL = ['preferences', 'analytics', 'personalization', 'marketing'];

const matrixConfig = {
  version: 1,
  signals: {
    visitor: 'personalization', clicks: 'analytics', cart: 'personalization', dwell: 'preferences',
    events: 'marketing', experiments: 'analytics', affinity: 'marketing', identity: 'personalization',
  },
  rules: [
    { id: 'r-preferences', consent: 'preferences', when: { 'dwell.total_ms': { $gte: 1 } }, actions: [{ op: 'setText', selector: '#pref', text: 'pref on' }] },
    { id: 'r-analytics', consent: 'analytics', when: { 'clicks.promo': { $gte: 1 } }, actions: [{ op: 'setText', selector: '#ana', text: 'ana on' }] },
    { id: 'r-personalization', consent: 'personalization', when: { 'cart.count': { $gte: 1 } }, actions: [{ op: 'setText', selector: '#pers', text: 'pers on' }] },
    { id: 'r-marketing', consent: 'marketing', when: { 'events.buy': { $gte: 1 } }, actions: [{ op: 'setText', selector: '#mkt', text: 'mkt on' }] },
  ],
};
const PARTITION_OF = { preferences: 'dwell', analytics: 'clicks', personalization: 'cart', marketing: 'events' };

const shell = (config, head = '') => `<!doctype html><html lang="pt-BR"><head><link rel="icon" href="data:,">${head}</head><body>
<main id="root"><p id="pref">pref</p><p id="ana">ana</p><p id="pers">pers</p><p id="mkt">mkt</p>
<button id="promo" data-vitrine-track="promo">promo</button></main>
<script type="module">
  import { start } from '/pkg/index.js';
  window.events = [];
  window.v = await start({ config: ${JSON.stringify(config)}, on: { consent: (d) => window.events.push(d) } });
  window.started = true;
</script></body></html>`;

const tcfStub = `<script>
  // A CMP implementing __tcfapi as TCF v2.2 specifies: addEventListener calls back
  // at once with the current tcData and again on every change, with a listenerId.
  (function () {
    var listeners = {}; var next = 1;
    var consents = { 1: true, 3: false, 4: false, 5: true, 6: true, 7: true, 8: true, 9: true };
    var status = 'tcloaded';
    function data(id) { return { tcString: 'CP...', gdprApplies: true, eventStatus: status, cmpStatus: 'loaded', listenerId: id,
      purpose: { consents: Object.assign({}, consents), legitimateInterests: {} }, vendor: { consents: {} } }; }
    window.__tcfapi = function (command, version, callback, parameter) {
      if (version !== 2) return callback(null, false);
      if (command === 'addEventListener') { var id = next++; listeners[id] = callback; callback(data(id), true); }
      else if (command === 'removeEventListener') { var had = Boolean(listeners[parameter]); delete listeners[parameter]; callback && callback(had); window.tcfRemoved = had; }
      else if (command === 'ping') callback({ gdprApplies: true, cmpLoaded: true, cmpStatus: 'loaded', apiVersion: '2.2' }, true);
    };
    window.__tcfChoose = function (changes) {
      Object.assign(consents, changes); status = 'useractioncomplete';
      for (var id in listeners) listeners[id](data(Number(id)), true);
    };
  })();
</script>`;

const consentModeBefore = `<script>
  window.dataLayer = window.dataLayer || [];
  function gtag() { dataLayer.push(arguments); }
  gtag('consent', 'default', { analytics_storage: 'granted', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
</script>`;

let browser;
let site;
before(async () => {
  site = await startServer({
    routes: {
      '/matrix.html': htmlPage(shell(matrixConfig)),
      '/tcf.html': htmlPage(shell({ ...matrixConfig, consent: { bridges: { consentMode: false } } }, tcfStub)),
      '/gcm.html': htmlPage(shell({ ...matrixConfig, consent: { bridges: { tcf: false, emitConsentMode: true }, ui: true } }, consentModeBefore)),
      '/v1.html': htmlPage(shell({ ...matrixConfig, consent: { version: 1, ui: { language: 'en' } } })),
      '/v2.html': htmlPage(shell({ ...matrixConfig, consent: { version: 2, ui: { language: 'en' } } })),
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(path, { init } = {}) {
  const context = await browser.newContext();
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(() => window.started);
  return { context, page, requests };
}

const subsets = Array.from({ length: 16 }, (_, mask) => OPTIONAL.filter((_, i) => mask & (1 << i)));

describe('every subset of the optional categories', () => {
  for (const granted of subsets) {
    test(`granted: ${granted.join(', ') || 'none'}`, async () => {
      const { context, page, requests } = await open('/matrix.html');
      const pristine = await page.evaluate(() => document.getElementById('root').outerHTML);
      const changes = Object.fromEntries(OPTIONAL.map((c) => [c, granted.includes(c)]));
      await page.evaluate((c) => window.v.consent.set(c), changes);
      // A scripted session: a click, a cart, a custom event, visible time.
      await page.click('#promo');
      await page.evaluate(() => {
        window.v.cart.add({ id: 'x', name: 'X', price: 10 });
        window.v.track('buy', { plan: 'pro' });
      });
      if (granted.includes('preferences')) {
        await page.waitForFunction(() => window.v.attributes().dwell.total_ms > 0, null, { timeout: 5000 });
      } else {
        await page.waitForFunction(() => performance.now() > 1500); // a dwell tick would have come
      }
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange'))); // flush
      // Storage: only necessary and the granted partitions.
      const keys = await vitrineKeys(page);
      for (const key of keys) {
        const category = key.slice('vitrine:'.length);
        assert.ok(category === 'necessary' || granted.includes(category), `${key} stored without consent`);
      }
      for (const category of granted) {
        const stored = JSON.parse(await page.evaluate((k) => localStorage.getItem(k), `vitrine:${category}`) ?? 'null');
        assert.ok(stored?.profile?.[PARTITION_OF[category]], `${category}: its data is kept`);
      }
      // Action: exactly the allowed rules changed the page.
      const applied = (await page.evaluate(() => window.v.applied())).sort();
      assert.deepEqual(applied, granted.map((c) => `r-${c}`).sort());
      // Nothing was sent anywhere: the page, the SDK files, nothing else.
      const unexpected = requests.filter((p) => !['/matrix.html', '/pkg/index.js', '/pkg/runtime.js', '/pkg/applier.js', '/pkg/vitrine_core.js', '/pkg/vitrine_core_bg.wasm'].includes(p));
      assert.deepEqual(unexpected, []);
      // Withdrawal mid-session: purged and reverted in the same task.
      const afterWithdrawal = await page.evaluate(() => {
        window.v.consent.rejectAll();
        return {
          keys: Object.keys(localStorage).filter((k) => k.startsWith('vitrine:')),
          html: document.getElementById('root').outerHTML,
          cart: window.v.cart.get().count,
        };
      });
      assert.deepEqual(afterWithdrawal.keys, ['vitrine:necessary']);
      assert.equal(afterWithdrawal.html, pristine);
      assert.equal(afterWithdrawal.cart, 0);
      await context.close();
    });
  }
});

test('TCF v2.2: purposes map to categories; purpose 1 gates all; an explicit choice wins; the listener is removed on stop', async () => {
  const { context, page } = await open('/tcf.html');
  let state = await page.evaluate(() => window.v.consent.get());
  assert.deepEqual([state.personalization, state.analytics, state.marketing], [true, true, false], 'tcloaded: purposes 5-9 yes, 3-4 no');
  await page.evaluate(() => window.__tcfChoose({ 3: true, 4: true }));
  assert.equal(await page.evaluate(() => window.v.consent.get().marketing), true);
  // The visitor says no in vitrine: a later CMP update does not overrule it.
  await page.evaluate(() => window.v.consent.set({ marketing: false }));
  await page.evaluate(() => window.__tcfChoose({ 3: true, 4: true, 7: true }));
  assert.equal(await page.evaluate(() => window.v.consent.get().marketing), false);
  // Purpose 1 (storage) withdrawn: no category may store anything.
  await page.evaluate(() => window.__tcfChoose({ 1: false }));
  state = await page.evaluate(() => window.v.consent.get());
  assert.deepEqual([state.personalization, state.analytics], [false, false]);
  const sources = await page.evaluate(() => window.v.profile.export().consent.records.map((r) => r.source));
  assert.deepEqual(sources, ['tcf', 'tcf', 'api', 'tcf']);
  await page.evaluate(() => window.v.stop());
  assert.equal(await page.evaluate(() => window.tcfRemoved), true);
  await context.close();
});

test('Consent Mode v2: commands before and after load; the panel emits gtag updates', async () => {
  const { context, page } = await open('/gcm.html');
  let state = await page.evaluate(() => window.v.consent.get());
  assert.deepEqual([state.analytics, state.marketing], [true, false], 'the default pushed before vitrine loaded');
  await page.evaluate(() => gtag('consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }));
  assert.equal(await page.evaluate(() => window.v.consent.get().marketing), true);
  // Only one of the three ad signals granted: marketing stays denied (conservative).
  await page.evaluate(() => gtag('consent', 'update', { ad_user_data: 'denied' }));
  assert.equal(await page.evaluate(() => window.v.consent.get().marketing), false);
  // vitrine's panel is the consent tool here: a choice there goes out as a gtag update.
  await page.waitForSelector('#vitrine-consent [data-choice="reject"]');
  await page.click('#vitrine-consent .banner [data-choice="reject"]');
  const last = await page.evaluate(() => {
    const entry = [...dataLayer].reverse().find((e) => e[0] === 'consent');
    return [entry[1], entry[2]];
  });
  assert.deepEqual(last, ['update', { analytics_storage: 'denied', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', personalization_storage: 'denied', functionality_storage: 'denied' }]);
  assert.deepEqual(await page.evaluate(() => window.v.consent.get()), { necessary: true, preferences: false, analytics: false, personalization: false, marketing: false });
  await context.close();
});

test('Global Privacy Control denies marketing, can only deny, and the panel says so', async () => {
  const gpc = () => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });
  const { context, page } = await open('/gcm.html', { init: gpc });
  await page.evaluate(() => gtag('consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }));
  const info = await page.evaluate(() => window.v.consent.info());
  assert.equal(info.gpc, true);
  assert.equal(info.categories.find((c) => c.id === 'marketing').granted, false, 'the CMP grant does not beat GPC');
  assert.equal(info.categories.find((c) => c.id === 'analytics').granted, true, 'GPC leaves other categories alone');
  await page.waitForSelector('#vitrine-consent .banner');
  assert.match(await page.textContent('#vitrine-consent .banner .note'), /Global Privacy Control/);
  await context.close();
});

test('the consent panel: keyboard only, focus managed, nothing pre-ticked; axe-core finds no serious violation', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.origin}/`);
  await vitrineReady(page);
  await page.waitForSelector('#vitrine-consent .banner');
  const active = () => page.evaluate(() => {
    const host = document.getElementById('vitrine-consent');
    const el = document.activeElement === host ? host.shadowRoot.activeElement : document.activeElement;
    return el ? (el.dataset?.choice ?? el.id ?? el.localName) : null;
  });
  // Tab from the top of the page until the banner's "Personalizar" has focus.
  let found = false;
  for (let i = 0; i < 60 && !found; i++) {
    await page.keyboard.press('Tab');
    found = (await active()) === 'customize';
  }
  assert.ok(found, 'the banner is reachable with Tab');
  await page.keyboard.press('Enter');
  assert.equal(await active(), 'vc-preferences', 'focus moves into the dialog');
  const boxes = await page.evaluate(() => [...document.getElementById('vitrine-consent').shadowRoot.querySelectorAll('input')].map((i) => [i.id, i.checked, i.disabled]));
  assert.deepEqual(boxes, [['vc-necessary', true, true], ['vc-preferences', false, false], ['vc-analytics', false, false], ['vc-personalization', false, false], ['vc-marketing', false, false]]);
  // Tab cycles inside the dialog: 4 boxes + 4 buttons, then back to the first box.
  for (let i = 0; i < 8; i++) await page.keyboard.press('Tab');
  assert.equal(await active(), 'vc-preferences');
  // Escape closes and gives focus back to the opener.
  await page.keyboard.press('Escape');
  assert.equal(await page.$('#vitrine-consent [role=dialog]'), null);
  assert.equal(await active(), 'customize');
  // axe-core on the page with the banner, then with the dialog open.
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axe });
  const serious = () => page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(await serious(), []);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#vitrine-consent [role=dialog]');
  assert.deepEqual(await serious(), []);
  // Choose with the keyboard: Tab to personalization, Space, then Save.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await active(), 'vc-personalization');
  await page.keyboard.press('Space');
  for (let i = 0; i < 2; i++) await page.keyboard.press('Tab');
  assert.equal(await active(), 'save');
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.evaluate(() => window.vitrine.consent.get()), { necessary: true, preferences: false, analytics: false, personalization: true, marketing: false });
  assert.equal(await page.$('#vitrine-consent .banner'), null, 'no banner once the visitor chose');
  // The footer link re-opens the panel with the choice shown.
  await page.click('[data-vitrine-consent-open]');
  assert.equal(await page.isChecked('#vitrine-consent #vc-personalization'), true);
  await context.close();
});

test('the privacy center shows what each category unlocks, the proof, and exports and erases', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${site.origin}/privacy.html`);
  await vitrineReady(page);
  await page.waitForSelector('#categories tbody tr');
  const personalization = await page.textContent('#categories tr[data-category="personalization"]');
  assert.match(personalization, /welcome-back/);
  // What the feedback (the survey's answers) unlocks, under its category.
  assert.match(personalization, /sua opinião \(notas NPS/);
  assert.match(personalization, /post-purchase-nps/);
  assert.match(personalization, /não permitido/);
  assert.match(await page.textContent('#categories tr[data-category="analytics"]'), /dataLayer/);
  await page.evaluate(() => window.vitrine.consent.set({ personalization: true }));
  assert.match(await page.textContent('#categories tr[data-category="personalization"]'), /permitido/);
  assert.match(await page.textContent('#records tbody'), /site.*personalization/s);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(exported.consent.granted.personalization, true);
  assert.ok(exported.profile.visitor, 'the profile is in the file');
  await page.click('#erase');
  assert.deepEqual(await vitrineKeys(page), []);
  assert.match(await page.textContent('#rights-status'), /apagados/);
  await context.close();
});

test('raising consent.version asks again (in English here); the old proof is kept', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.origin}/v1.html`);
  await page.waitForSelector('#vitrine-consent .banner');
  assert.match(await page.textContent('#vitrine-consent .banner'), /Your privacy.*Reject all.*Accept all.*Customize/s);
  await page.click('#vitrine-consent .banner [data-choice="accept"]');
  assert.equal(await page.evaluate(() => window.v.consent.get().marketing), true);
  await page.reload();
  await page.waitForFunction(() => window.started && document.getElementById('vitrine-consent'));
  assert.equal(await page.$('#vitrine-consent .banner'), null, 'no banner: the visitor chose for version 1');
  await page.goto(`${site.origin}/v2.html`);
  await page.waitForSelector('#vitrine-consent .banner');
  const consent = await page.evaluate(() => window.v.profile.export().consent);
  assert.equal(consent.version, 2);
  assert.equal(consent.granted.marketing, false, 'consent given to version 1 does not carry over');
  assert.deepEqual(consent.records.map((r) => [r.version, r.source]), [[1, 'panel']], 'the proof of version 1 stays');
  await context.close();
});
