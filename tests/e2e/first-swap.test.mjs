// The first swap, before the runtime: the script-tag loader carries the start part
// (js/first-swap.js, the first swap in JavaScript) and runs it at once, which applies the rules the page alone
// decides; the runtime (runtime.js and its wasm) is requested after. These tests hold the
// runtime's entry back with a route and look at the page in between, frame by
// frame: what the start part applied is shown, what waits for the runtime stays
// hidden, the runtime takes over without a frame of the original, and a runtime
// that fails gives the page its original content back (fail open).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hiding, hidingEnds, launch, page as htmlPage, startServer, vitrineReady } from './helpers.mjs';

const ORIGINAL = 'Cafés especiais';
const NOW = 'Oferta para você';
const CAMPAIGN = 'Bem-vindo, leitor da newsletter';

const config = {
  version: 1,
  signals: { visitor: 'necessary' },
  rules: [
    { id: 'everybody', consent: 'necessary', actions: [{ op: 'setText', selector: '#hero', text: NOW }] },
    {
      id: 'newsletter',
      consent: 'necessary',
      when: { 'utm.medium': 'email' },
      actions: [{ op: 'setText', selector: '#sub', text: CAMPAIGN }, { op: 'addClass', selector: '#sub', class: 'promo' }],
    },
    // Reads the profile: only the runtime knows.
    { id: 'returning', consent: 'necessary', when: { 'visitor.visits': { $gte: 1 } }, actions: [{ op: 'setText', selector: '#later', text: 'runtime' }] },
    // Needs a consent a first visit has not given: off at once.
    { id: 'personal', actions: [{ op: 'setText', selector: '#personal', text: 'personal' }] },
    { id: 'late', consent: 'necessary', actions: [{ op: 'setText', selector: '#late', text: 'late, changed' }] },
  ],
};

const html = (cfg) => `<!doctype html><html><head><meta charset="utf-8">
<script type="application/json" id="vitrine-config">${JSON.stringify(cfg)}</script>
<script src="/pkg/vitrine.js"></script>
</head><body>
<h1 id="hero">${ORIGINAL}</h1><p id="sub">Torrados toda semana</p>
<p id="later">original later</p><p id="personal">original personal</p><p id="free">untargeted</p>
<script>setTimeout(() => { const p = document.createElement('p'); p.id = 'late'; p.textContent = 'late, original'; document.body.append(p); }, 50);</script>
</body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({
    routes: {
      '/swap.html': htmlPage(html(config)),
      '/broken.html': htmlPage(html({ ...config, catalog: { products: 'not a list' } })),
      // A consent platform's stub, before the tag: it may grant later.
      '/tcf.html': htmlPage(html(config).replace('<head>', '<head><script>window.__tcfapi = function () {};</script>')),
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

function recorder() {
  window.__frames = [];
  const seen = (id) => {
    const e = document.getElementById(id);
    return e ? { text: e.textContent, visible: getComputedStyle(e).visibility !== 'hidden' } : null;
  };
  const tick = () => {
    window.__frames.push({ hero: seen('hero'), later: seen('later'), free: seen('free'), runtime: Boolean(window.vitrine) });
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const visibility = (p, id) => p.evaluate((i) => getComputedStyle(document.getElementById(i)).visibility, id);
const text = (p, id) => p.evaluate((i) => document.getElementById(i).textContent, id);

/** Opens `path` with the runtime's entry held back until `release()`. */
async function openHeld(path, context, prepare) {
  context ??= await browser.newContext();
  const p = await context.newPage();
  await p.addInitScript(recorder);
  if (prepare) await prepare(p);
  let release;
  const released = new Promise((r) => { release = r; });
  let requested;
  const entryRequested = new Promise((r) => { requested = r; });
  await p.route('**/pkg/runtime.js', async (route) => {
    requested();
    await released;
    await route.continue();
  });
  await p.goto(`${site.origin}${path}`);
  return { context, page: p, release, entryRequested };
}

test('the start part swaps what the page decides before the runtime arrives; the rest waits hidden', async () => {
  const { context, page: p, release, entryRequested } = await openHeld('/swap.html?utm_medium=email&utm_source=news');
  // The runtime is requested only after the first swap.
  await entryRequested;
  await p.waitForFunction(() => document.getElementById('late')?.textContent === 'late, changed');
  assert.equal(await p.evaluate(() => window.vitrine), undefined, 'the runtime has not arrived');
  assert.equal(await text(p, 'hero'), NOW);
  assert.equal(await visibility(p, 'hero'), 'visible');
  assert.equal(await text(p, 'sub'), CAMPAIGN);
  assert.equal(await p.evaluate(() => document.getElementById('sub').className), 'promo');
  // Off at once (no consent given yet), so shown as it is.
  assert.equal(await visibility(p, 'personal'), 'visible');
  assert.equal(await text(p, 'personal'), 'original personal');
  // Only the runtime can decide it: hidden, never shown as the original.
  assert.equal(await visibility(p, 'later'), 'hidden');
  assert.equal(await visibility(p, 'free'), 'visible');

  release();
  await vitrineReady(p);
  await p.waitForFunction(() => document.getElementById('later').textContent === 'runtime');
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.equal(await visibility(p, 'later'), 'visible');
  assert.equal(await text(p, 'hero'), NOW);
  assert.equal(await text(p, 'sub'), CAMPAIGN);
  assert.equal(await hiding(p), false, 'nothing is hidden any more');
  const frames = await p.evaluate(() => window.__frames);
  const shownHero = [...new Set(frames.filter((f) => f.hero?.visible).map((f) => f.hero.text))];
  assert.deepEqual(shownHero, [NOW], 'the hero was only ever painted personalized');
  assert.ok(frames.some((f) => f.hero?.visible && !f.runtime), 'the swap was painted before the runtime arrived');
  assert.deepEqual(frames.filter((f) => f.later?.visible && f.later.text !== 'runtime'), [], 'a deferred target was never painted as the original');
  assert.ok(frames.every((f) => f.free === null || f.free.visible), 'untargeted content was never hidden');
  // The runtime owns every change now: stopping it restores the original exactly.
  const decided = await p.evaluate(() => window.vitrine.decisions().filter((d) => d.applied).map((d) => d.id).sort());
  assert.deepEqual(decided, ['everybody', 'late', 'newsletter', 'returning']);
  await p.evaluate(() => window.vitrine.stop());
  assert.equal(await text(p, 'hero'), ORIGINAL);
  assert.equal(await text(p, 'sub'), 'Torrados toda semana');
  assert.equal(await p.evaluate(() => document.getElementById('sub').getAttribute('class')), null);
  assert.equal(await text(p, 'late'), 'late, original');
  await context.close();
});

test('a condition on the page context that does not hold is decided at once: shown as it is', async () => {
  const { context, page: p, release, entryRequested } = await openHeld('/swap.html');
  await entryRequested;
  await p.waitForFunction(() => document.getElementById('hero').textContent === 'Oferta para você');
  assert.equal(await text(p, 'sub'), 'Torrados toda semana');
  assert.equal(await visibility(p, 'sub'), 'visible');
  release();
  await vitrineReady(p);
  assert.equal(await text(p, 'sub'), 'Torrados toda semana');
  await context.close();
});

test('a visitor who may have granted more: the consent-gated target waits for the runtime', async () => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await first.goto(`${site.origin}/swap.html`);
  await vitrineReady(first);
  await first.evaluate(() => window.vitrine.consent.set({ personalization: true }));
  assert.equal(await text(first, 'personal'), 'personal');
  await first.close();

  const { page: p, release, entryRequested } = await openHeld('/swap.html', context);
  await entryRequested;
  assert.equal(await visibility(p, 'personal'), 'hidden', 'stored consent: the start part cannot know');
  assert.equal(await text(p, 'hero'), NOW);
  release();
  await vitrineReady(p);
  await p.waitForFunction(() => getComputedStyle(document.getElementById('personal')).visibility === 'visible');
  assert.equal(await text(p, 'personal'), 'personal');
  await context.close();
});

test('a consent platform on the page: a consent-gated target waits for the runtime instead of being decided off', async () => {
  const { context, page: p, release, entryRequested } = await openHeld('/tcf.html');
  await entryRequested;
  assert.equal(await text(p, 'hero'), NOW, 'a rule for everybody is still swapped at once');
  assert.equal(await visibility(p, 'personal'), 'hidden');
  release();
  await vitrineReady(p);
  // The platform never answered: nothing granted, the original shown.
  await p.waitForFunction(() => getComputedStyle(document.getElementById('personal')).visibility === 'visible');
  assert.equal(await text(p, 'personal'), 'original personal');
  await context.close();
});

test('when the runtime fails, the start part gives the page its original content back', async () => {
  const context = await browser.newContext();
  const p = await context.newPage();
  const errors = [];
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  // The catalog is invalid: the start part cannot see it, the runtime refuses the config.
  await p.goto(`${site.origin}/broken.html`);
  await hidingEnds(p);
  await p.waitForFunction((o) => document.getElementById('hero').textContent === o, ORIGINAL);
  assert.equal(await visibility(p, 'hero'), 'visible');
  assert.equal(await visibility(p, 'later'), 'visible');
  assert.equal(await text(p, 'later'), 'original later');
  assert.ok(errors.some((e) => e.includes('catalog')), `the config error is reported: ${errors.join(' | ')}`);
  await context.close();
});

test('a start part that cannot read the page leaves every target to the runtime, which does the whole start', async () => {
  const context = await browser.newContext();
  // The page's width throws when read (a hostile or broken environment): the start
  // part plans nothing; the runtime reads the width defensively.
  await context.addInitScript(() => {
    Object.defineProperty(window, 'innerWidth', { get() { throw new Error('no width here'); } });
  });
  const p = await context.newPage();
  await p.goto(`${site.origin}/swap.html?utm_medium=email`);
  await vitrineReady(p);
  assert.equal(await text(p, 'hero'), NOW);
  assert.equal(await text(p, 'sub'), CAMPAIGN);
  await p.waitForFunction(() => getComputedStyle(document.getElementById('later')).visibility === 'visible');
  assert.equal(await text(p, 'later'), 'runtime');
  await context.close();
});

// The loader served through `rewrite(response)` (playwright fulfil options), the
// runtime held back: the start part must still swap the hero. Returns the paths
// requested until then.
async function swapWithLoader(rewrite) {
  const requests = [];
  const { context, page: p, release } = await openHeld('/swap.html', undefined, async (page) => {
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.route('**/pkg/vitrine.js', async (route) => route.fulfill(await rewrite(await route.fetch())));
  });
  await p.waitForFunction((n) => document.getElementById('hero').textContent === n, NOW);
  assert.equal(await p.evaluate(() => window.vitrine), undefined, 'swapped by the start part, before the runtime');
  const beforeRuntime = [...requests];
  release();
  await vitrineReady(p);
  assert.equal(await text(p, 'hero'), NOW);
  await context.close();
  return beforeRuntime;
}

// The loader is ASCII (non-ASCII text is written as escapes), so any charset label reads it the same.
test('a server that labels the loader with another charset: the start part still swaps, and nothing else is fetched before', async () => {
  const requests = await swapWithLoader((response) => ({
    response,
    headers: { ...response.headers(), 'content-type': 'text/javascript; charset=windows-1252' },
  }));
  // The runtime's parts are preloaded in parallel with the first swap (runtime.js is held
  // back here, so the swap cannot have waited for them); nothing else is fetched.
  const pkg = requests.filter((r) => r.startsWith('/pkg/'));
  assert.equal(pkg[0], '/pkg/vitrine.js', 'the loader comes first');
  const runtime = new Set(['/pkg/runtime.js', '/pkg/vitrine_core.js', '/pkg/vitrine_core_bg.wasm']);
  assert.deepEqual(pkg.slice(1).filter((r) => !runtime.has(r)), [], 'only the runtime is fetched beside the loader, never an on-demand part');
});
