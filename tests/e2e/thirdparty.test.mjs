// Real third parties, as a site runs them: the vanilla-cookieconsent CMP (npm)
// wired to Google Consent Mode v2 as its documentation shows, loading late; a
// React app (npm react + react-dom, bundled with esbuild here) re-rendering what
// vitrine changed; and `dataLayer.push` called with several arguments.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildSync } from 'esbuild';
import { launch, page as htmlPage, startServer, vitrineKeys } from './helpers.mjs';

const require = createRequire(import.meta.url);
const ccDir = require.resolve('vanilla-cookieconsent/dist/cookieconsent.umd.js').replace(/[^/]+$/, '');
const CMP_DELAY_MS = 800;

// ---------------------------------------------------------------- the late CMP
const cmpConfig = {
  version: 1,
  rules: [
    { id: 'welcome-back', consent: 'personalization', when: { 'visitor.visits': { $gte: 2 } }, actions: [{ op: 'setText', selector: '#hero', text: 'Bem-vindo de volta' }] },
    { id: 'promo-fan', consent: 'personalization', when: { 'clicks.promo': { $gte: 1 } }, actions: [{ op: 'addClass', selector: '#promo', class: 'promo--fan' }] },
  ],
  signals: { clicks: 'personalization' },
};

// The site's own code, per vanilla-cookieconsent's Consent Mode guide: the default
// first (in <head>, before any tag), the update from the CMP's callbacks.
const cmpPage = `<!doctype html><html lang="pt-BR"><head><link rel="icon" href="data:,">
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag() { dataLayer.push(arguments); }
  gtag('consent', 'default', { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied',
    analytics_storage: 'denied', functionality_storage: 'denied', personalization_storage: 'denied',
    security_storage: 'granted', wait_for_update: 500 });
</script>
<script type="application/json" id="vitrine-config">${JSON.stringify(cmpConfig)}</script>
<script src="/pkg/vitrine.js"></script>
<link rel="stylesheet" href="/cc/cookieconsent.css">
</head><body>
<h1 id="hero">Cafés especiais</h1>
<button id="promo" data-vitrine-track="promo">promo</button>
<script>
  function updateGtagConsent() {
    var yes = function (c) { return CookieConsent.acceptedCategory(c) ? 'granted' : 'denied'; };
    gtag('consent', 'update', { analytics_storage: yes('analytics'), personalization_storage: yes('personalization'),
      functionality_storage: yes('personalization'), ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
  }
  function startCmp() {
    window.cmpRun = CookieConsent.run({
      hideFromBots: false, // the default hides it from automated browsers, this one included
      categories: { necessary: { enabled: true, readOnly: true }, analytics: {}, personalization: {} },
      onConsent: updateGtagConsent,
      onChange: updateGtagConsent,
      language: { default: 'pt', translations: { pt: {
        consentModal: { title: 'Cookies', description: 'Usamos cookies.', acceptAllBtn: 'Aceitar todos', acceptNecessaryBtn: 'Recusar todos', showPreferencesBtn: 'Preferências' },
        preferencesModal: { title: 'Preferências', acceptAllBtn: 'Aceitar todos', acceptNecessaryBtn: 'Recusar todos', savePreferencesBtn: 'Salvar', sections: [
          { title: 'Necessários', linkedCategory: 'necessary' }, { title: 'Análise', linkedCategory: 'analytics' }, { title: 'Personalização', linkedCategory: 'personalization' } ] },
      } } },
    });
    Promise.resolve(window.cmpRun).then(() => { window.cmpRan = true; }, (e) => console.error('CMP: ' + e));
  }
</script>
<!-- The CMP from a slow CDN (or a tag manager): it arrives after vitrine started. -->
<script async src="/cc/cookieconsent.umd.js" onload="startCmp()"></script>
</body></html>`;

/** Serves a file of the CMP's package, the script after a delay. */
function ccFile(name, type) {
  return (_req, res) => {
    const body = readFileSync(ccDir + name);
    const send = () => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (name.endsWith('.js')) setTimeout(send, CMP_DELAY_MS);
    else send();
  };
}

// ------------------------------------------------------------- the React app
const reactSource = `
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { jsx, jsxs, Fragment } from 'react/jsx-runtime';
function App() {
  const [n, setN] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setN((x) => x + 1), 100);
    window.__stopApp = () => clearInterval(id);
    return () => clearInterval(id);
  }, []);
  // The list keeps its keys; every fifth render an item comes or goes.
  const keys = n % 10 < 5 ? ['a', 'b', 'c', 'd'] : ['a', 'b', 'c', 'd', 'e'];
  // The rest of the page, as a shop's has: a grid of 40 product cards that
  // re-render with it (no vitrine target among them).
  const cards = Array.from({ length: 40 }, (_, i) => jsxs('article', { className: 'card', children: [
    jsx('h3', { children: 'Produto ' + i }), jsx('p', { children: 'R$ ' + ((i * 7 + n) % 100) + ',00' }) ] }, i));
  window.__renders = n;
  return jsxs(Fragment, { children: [
    jsx('h1', { id: 'title', children: 'Oferta da semana ' + n }),
    jsx('ul', { id: 'list', children: keys.map((k) => jsxs('li', { 'data-k': k, children: [k, ':', n] }, k)) }),
    jsx('div', { id: 'box', className: 'box tick-' + (n % 2), children: String(n) }),
    jsx('section', { id: 'grid', children: cards }),
  ] });
}
window.__reactErrors = [];
const report = (kind) => (error) => window.__reactErrors.push(kind + ': ' + (error && error.message));
createRoot(document.getElementById('app'), {
  onUncaughtError: report('uncaught'), onCaughtError: report('caught'), onRecoverableError: report('recoverable'),
}).render(jsx(App, {}));
`;

const reactConfig = {
  version: 1,
  rules: [{
    id: 'react-targets',
    consent: 'necessary',
    actions: [
      { op: 'setText', selector: '#title', text: 'Oferta só para você' },
      { op: 'reorder', selector: '#list', key: 'data-k', by: 'events' },
      { op: 'addClass', selector: '#box', class: 'box--vitrine' },
      { op: 'insert', selector: '#box', position: 'prepend', html: '<strong class="badge">Para você</strong>' },
    ],
  }],
  signals: { events: 'necessary' },
};

const reactPage = (withVitrine) => `<!doctype html><html lang="pt-BR"><head><link rel="icon" href="data:,"></head><body>
<div id="app"></div>
<script type="module">
  window.__errors = [];
  window.addEventListener('error', (e) => window.__errors.push(String(e.message)));
  ${withVitrine ? `
  import { start } from '/pkg/index.js';
  window.__warnings = [];
  window.v = await start({ config: ${JSON.stringify(reactConfig)}, on: { warning: (w) => window.__warnings.push(w.message) } });
  window.v.track('c'); window.v.track('c'); window.v.track('c'); window.v.track('d');` : ''}
  await import('/react-app.js');
  window.started = true;
</script></body></html>`;

/** Runs in the page on every animation frame: is vitrine's content what shows? */
function frameRecorder() {
  window.__frames = [];
  const tick = () => {
    const title = document.getElementById('title');
    if (title) {
      const box = document.getElementById('box');
      const order = [...document.querySelectorAll('#list > li')].map((li) => li.dataset.k).join('');
      window.__frames.push({
        title: title.textContent === 'Oferta só para você',
        list: order.startsWith('cdab'),
        box: box.classList.contains('box--vitrine') && box.firstChild?.className === 'badge',
      });
    }
    if (!window.__stopFrames) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

let browser;
let site;
before(async () => {
  const app = buildSync({ stdin: { contents: reactSource, resolveDir: process.cwd(), loader: 'js' }, bundle: true, format: 'esm', write: false, minify: true, define: { 'process.env.NODE_ENV': '"production"' } }).outputFiles[0].text;
  site = await startServer({
    routes: {
      '/cmp.html': htmlPage(cmpPage),
      '/cc/cookieconsent.umd.js': ccFile('cookieconsent.umd.js', 'text/javascript'),
      '/cc/cookieconsent.css': ccFile('cookieconsent.css', 'text/css'),
      '/react-app.js': (_req, res) => { res.writeHead(200, { 'content-type': 'text/javascript' }); res.end(app); },
      '/react.html': htmlPage(reactPage(true)),
      '/react-alone.html': htmlPage(reactPage(false)),
      '/push.html': htmlPage(`<!doctype html><html><head><link rel="icon" href="data:,"></head><body><p id="t">x</p><script type="module">
        import { start } from '/pkg/index.js';
        window.dataLayer = [];
        window.v = await start({ config: { version: 1, signals: { cart: 'necessary' }, rules: [{ id: 'two', consent: 'necessary', when: { 'cart.count': { $gte: 2 } }, actions: [{ op: 'setText', selector: '#t', text: 'two items' }] }] } });
        window.started = true;
      </script></body></html>`),
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

const exported = (page) => page.evaluate(() => window.vitrine.profile.export());

test('a CMP that loads 800 ms late: a returning visitor keeps the profile, no withdrawal, no original painted; reject and withdraw purge at once', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    document.addEventListener('vitrine:ready', () => {
      window.__atReady = { cmpRan: Boolean(window.cmpRan), hero: document.getElementById('hero').textContent, promo: document.getElementById('promo').className };
    });
    window.__heroFrames = [];
    const tick = () => {
      const hero = document.getElementById('hero');
      if (hero && getComputedStyle(hero).visibility !== 'hidden') window.__heroFrames.push(hero.textContent);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const page = await context.newPage();
  await page.goto(`${site.origin}/cmp.html`);
  // First visit: accept in the CMP's own banner, then click the promo.
  await page.click('#cc-main .cm__btn[data-role="all"]');
  await page.waitForFunction(() => window.vitrine.consent.get().personalization === true);
  await page.click('#promo');
  const first = await exported(page);
  assert.equal(first.profile.clicks.promo, 1);
  const id = first.profile.visitor.id;
  const recordsBefore = first.consent.records.length;

  await page.reload({ waitUntil: 'commit' });
  await page.waitForFunction(() => window.__atReady);
  // Before the CMP arrived, vitrine already decided from the stored choice.
  assert.deepEqual(await page.evaluate(() => window.__atReady), { cmpRan: false, hero: 'Bem-vindo de volta', promo: 'promo--fan' });
  await page.waitForFunction(() => window.cmpRan);
  // The CMP's update has been pushed and read (it is the last consent command).
  await page.waitForFunction(() => [...dataLayer].reverse().find((e) => e[0] === 'consent')?.[1] === 'update');
  await page.evaluate(() => new Promise((r) => setTimeout(r, 600))); // past wait_for_update
  const second = await exported(page);
  assert.equal(second.profile.visitor.id, id, 'the visitor id survived');
  assert.equal(second.profile.clicks.promo, 1, 'the clicks survived');
  assert.equal(second.profile.visitor.visits, 2);
  assert.equal(second.consent.records.length, recordsBefore, 'no withdrawal (or any) record from a default');
  assert.ok(second.consent.records.every((r) => r.state.personalization === true || r.source !== 'consent-mode'));
  const painted = await page.evaluate(() => window.__heroFrames);
  assert.ok(painted.length > 0);
  assert.deepEqual(painted.filter((t) => t !== 'Bem-vindo de volta'), [], 'no frame painted the original hero');
  assert.deepEqual(await vitrineKeys(page), ['vitrine:necessary', 'vitrine:personalization']);

  // Withdrawal in the CMP's preferences: purged and reverted in the same task.
  const atOnce = await page.evaluate(() => {
    CookieConsent.showPreferences();
    document.querySelector('#cc-main .pm__btn[data-role="necessary"]').click();
    return {
      stored: Object.keys(localStorage).filter((k) => k.startsWith('vitrine:')).sort(),
      hero: document.getElementById('hero').textContent,
      granted: window.vitrine.consent.get().personalization,
    };
  });
  assert.deepEqual(atOnce, { stored: ['vitrine:necessary'], hero: 'Cafés especiais', granted: false });
  const third = await exported(page);
  assert.equal(third.consent.records.at(-1).source, 'consent-mode');
  assert.equal(third.consent.records.at(-1).state.personalization, false);
  await context.close();

  // A new visitor who rejects in the banner: nothing of personalization is stored.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(`${site.origin}/cmp.html`);
  await other.click('#cc-main .cm__btn[data-role="necessary"]');
  await other.waitForFunction(() => [...dataLayer].reverse().find((e) => e[0] === 'consent')?.[1] === 'update');
  await other.click('#promo');
  assert.equal(await other.evaluate(() => window.vitrine.consent.get().personalization), false);
  assert.ok(!(await vitrineKeys(other)).includes('vitrine:personalization'));
  assert.equal((await exported(other)).profile.clicks, undefined);
  await fresh.close();
});

test('Consent Mode wait_for_update: a default is acted on only after the wait, and an update in time settles it', async () => {
  const pageWith = (pushUpdateAfterMs) => `<!doctype html><html><head><link rel="icon" href="data:,"><script>
    window.dataLayer = []; function gtag() { dataLayer.push(arguments); }
    gtag('consent', 'default', { analytics_storage: 'granted', wait_for_update: 300 });
  </script></head><body><script type="module">
    import { start } from '/pkg/index.js';
    window.v = await start({ config: { version: 1 } });
    window.atStart = window.v.consent.get().analytics;
    ${pushUpdateAfterMs === null ? '' : `setTimeout(() => gtag('consent', 'update', { analytics_storage: 'denied' }), ${pushUpdateAfterMs});`}
  </script></body></html>`;
  const local = await startServer({ routes: { '/late.html': htmlPage(pageWith(null)), '/settled.html': htmlPage(pageWith(50)) } });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${local.origin}/late.html`);
    await page.waitForFunction(() => window.v);
    assert.equal(await page.evaluate(() => window.atStart), false, 'not acted on during the wait');
    await page.waitForFunction(() => window.v.consent.get().analytics === true);
    const sources = await page.evaluate(() => window.v.profile.export().consent.records.map((r) => r.source));
    assert.deepEqual(sources, ['consent-mode-default']);

    const again = await context.newPage();
    await again.goto(`${local.origin}/settled.html`);
    await again.waitForFunction(() => window.v && [...dataLayer].some((e) => e[1] === 'update'));
    await again.evaluate(() => new Promise((r) => setTimeout(r, 450)));
    assert.equal(await again.evaluate(() => window.v.consent.get().analytics), false, 'the update settled the default');
    await context.close();
  } finally {
    await local.close();
  }
});

async function runReactApp(path, ms) {
  const context = await browser.newContext();
  await context.addInitScript(frameRecorder);
  // Every DOM change on the page, counted: a fight between vitrine and React
  // would multiply them per render.
  await context.addInitScript(() => {
    window.__mutations = 0;
    new MutationObserver((records) => { window.__mutations += records.length; })
      .observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(() => window.started && window.__renders > 2);
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const counts = () => page.evaluate(() => ({ renders: window.__renders, mutations: window.__mutations }));
  const from = await busy();
  const framesFrom = await page.evaluate(() => window.__frames.length);
  const before = await counts();
  await page.waitForFunction((n) => window.__renders >= n, before.renders + ms / 100, { timeout: ms * 3 });
  const to = await busy();
  const after = await counts();
  const frames = await page.evaluate((i) => window.__frames.slice(i), framesFrom);
  const mutationsPerRender = (after.mutations - before.mutations) / (after.renders - before.renders);
  return { context, page, frames, busyMs: (to - from) * 1000, mutationsPerRender };
}

test('a React app re-rendering its targets every 100 ms for 10 s: vitrine\'s content in ≥ 99 % of frames, no React error, no loop; stop() shows React\'s content', async () => {
  // Busy time is compared over two alternating rounds (alone, with, alone,
  // with), so a slow moment of the machine weighs on both sides.
  const alone = await runReactApp('/react-alone.html', 10_000);
  await alone.context.close();
  const first = await runReactApp('/react.html', 10_000);
  await first.context.close();
  const aloneAgain = await runReactApp('/react-alone.html', 10_000);
  await aloneAgain.context.close();
  const run = await runReactApp('/react.html', 10_000);
  alone.busyMs += aloneAgain.busyMs;
  run.busyMs += first.busyMs;
  const { page, frames } = run;
  assert.ok(frames.length > 200, `frames recorded: ${frames.length}`);
  for (const part of ['title', 'list', 'box']) {
    const shown = frames.filter((f) => f[part]).length / frames.length;
    assert.ok(shown >= 0.99, `${part}: vitrine's content in ${(shown * 100).toFixed(1)} % of frames`);
  }
  assert.deepEqual(await page.evaluate(() => [window.__reactErrors, window.__errors]), [[], []]);
  assert.deepEqual(await page.evaluate(() => window.__warnings), [], 'no loop warning');
  // No loop, counted rather than timed: per React render vitrine puts its content
  // back once per changed target (measured: React alone 47.6 DOM changes per
  // render, with vitrine 51.6); a fight would multiply them. (Main-thread time is printed, not
  // asserted: on this 2-core machine it swung 1.0-1.4x between identical runs.)
  const ratio = run.busyMs / alone.busyMs;
  console.log(`# main-thread busy over 2 × 10 s: React alone ${alone.busyMs.toFixed(0)} ms, with vitrine ${run.busyMs.toFixed(0)} ms (${ratio.toFixed(2)}×)`);
  console.log(`# DOM changes per render: React alone ${alone.mutationsPerRender.toFixed(1)}, with vitrine ${run.mutationsPerRender.toFixed(1)}`);
  assert.ok(alone.mutationsPerRender > 0, 'React changes the DOM on every render');
  assert.ok(run.mutationsPerRender <= 1.5 * alone.mutationsPerRender, `DOM changes per render: ${run.mutationsPerRender.toFixed(1)} with vitrine, ${alone.mutationsPerRender.toFixed(1)} alone`);

  // After stop(), React's current content is what shows, and React goes on.
  const after = await page.evaluate(async () => {
    window.__stopApp();
    await new Promise((r) => setTimeout(r, 150));
    const n = window.__renders;
    window.v.stop();
    const keys = n % 10 < 5 ? 'abcd' : 'abcde';
    return {
      title: document.getElementById('title').textContent === 'Oferta da semana ' + n,
      list: [...document.querySelectorAll('#list > li')].map((li) => li.dataset.k).join('') === keys,
      items: [...document.querySelectorAll('#list > li')].every((li) => li.textContent.endsWith(':' + n)),
      box: document.getElementById('box').outerHTML === `<div id="box" class="box tick-${n % 2}">${n}</div>`,
    };
  });
  assert.deepEqual(after, { title: true, list: true, items: true, box: true });
  assert.deepEqual(await page.evaluate(() => window.__reactErrors), []);
  await run.context.close();
});

test('dataLayer.push(a, b) appends both, returns the new length, and vitrine reads both', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.origin}/push.html`);
  await page.waitForFunction(() => window.started);
  const result = await page.evaluate(() => {
    const item = (id) => ({ item_id: id, item_name: id, price: 10, quantity: 1 });
    const before = dataLayer.length;
    const returned = dataLayer.push(
      { event: 'add_to_cart', ecommerce: { currency: 'BRL', value: 10, items: [item('a')] } },
      { event: 'add_to_cart', ecommerce: { currency: 'BRL', value: 10, items: [item('b')] } },
    );
    const plain = [].push.call([1, 2], 3, 4);
    return { before, returned, length: dataLayer.length, plain, count: window.v.attributes().cart.count, text: document.getElementById('t').textContent };
  });
  assert.equal(result.returned, result.before + 2, 'push returns the new length');
  assert.equal(result.length, result.before + 2, 'both entries appended');
  assert.equal(result.plain, 4);
  assert.equal(result.count, 2, 'both entries read');
  assert.equal(result.text, 'two items');
  // Handed back on stop: push is Array.prototype.push again; a wrapper another
  // script kept still appends, returns the length, and throws nothing.
  const after = await page.evaluate(() => {
    const kept = dataLayer.push;
    window.v.stop();
    const before = dataLayer.length;
    const returned = kept.call(dataLayer, { event: 'late' }, { event: 'later' });
    return { native: dataLayer.push === Array.prototype.push, grew: dataLayer.length - before, returned: returned - before, last: dataLayer.at(-1).event };
  });
  assert.deepEqual(after, { native: true, grew: 2, returned: 2, last: 'later' });
  await context.close();
});
