// Pop-ups (the `popup` action) in real Chromium: a modal <dialog> (focus in and
// back, the page inert, Escape), a non-modal corner (a polite live region, focus
// left alone, a [data-vitrine-close] link), axe-core on both, exit intent on a
// desktop and on a touch screen (a flick back up; headless Chromium never hides a
// tab, so the visibilitychange fallback is not driven here), the
// shared cooldown across two campaigns and a reload, and consent: nothing shown
// without it, withdrawal takes a showing pop-up away and purges what was stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, page as htmlPage, startServer, vitrineKeys } from './helpers.mjs';

const offer = { op: 'popup', label: 'Cupom de boas-vindas', html: '<h2>Bem-vindo</h2><p>Use o cupom <strong>OLA10</strong> na primeira compra.</p><p><a href="#shop" data-vitrine-close>Ver produtos</a></p>' };
const news = { op: 'popup', display: 'corner', label: 'Novidade na loja', html: '<p>Chegaram os cafés de inverno.</p><p><a href="#new" data-vitrine-close>Ver os cafés</a></p>' };

const configs = {
  // Two pop-ups with no cooldown between them, each on its own event.
  both: {
    version: 1,
    prompts: { cooldownDays: 0 },
    rules: [
      { id: 'offer', trigger: { event: 'open-modal' }, actions: [offer] },
      { id: 'news', trigger: { event: 'open-corner' }, actions: [news] },
      { id: 'tip', trigger: { event: 'open-inline' }, actions: [{ op: 'popup', display: 'inline', selector: '#slot', shadow: false, label: 'Dica', html: '<p>Frete grátis acima de R$ 150.</p>' }] },
    ],
  },
  // The default cooldown (7 days) shared by two campaigns.
  campaigns: {
    version: 1,
    rules: [
      { id: 'first', trigger: { event: 'a' }, actions: [{ ...offer, recontact: { everyDays: 1 } }] },
      { id: 'second', trigger: { event: 'b' }, actions: [news] },
    ],
  },
  exit: {
    version: 1,
    rules: [{ id: 'leaving', when: { 'cart.count': { $gte: 1 } }, trigger: 'exit', actions: [{ op: 'popup', display: 'banner', label: 'Antes de ir', html: '<p>Seus {{cart.count}} itens estão separados.</p>' }] }],
  },
};

const html = (config) => `<!doctype html><html lang="pt-BR"><head><link rel="icon" href="data:,"><title>popups</title></head>
<body><main style="min-height: 6000px"><h1>Loja</h1><button id="before">Antes</button> <a id="link" href="#x">um link</a><div id="slot"></div></main>
<script type="module">
  import { start } from '/pkg/index.js';
  window.events = [];
  const log = (name) => (detail) => window.events.push([name, detail]);
  window.v = await start({ config: ${JSON.stringify(config)}, on: { popup_shown: log('shown'), popup_dismissed: log('dismissed'), popup_click: log('click') } });
  window.started = true;
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({ routes: Object.fromEntries(Object.entries(configs).map(([name, config]) => [`/${name}.html`, htmlPage(html(config))])) });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(name, options = {}) {
  const context = options.context ?? (await browser.newContext(options.contextOptions));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.origin}/${name}.html`);
  await page.waitForFunction(() => window.started);
  return { context, page, errors };
}

const shown = (page, rule) => page.evaluate((r) => Boolean(document.querySelector(`[data-vitrine-popup="${r}"]`)), rule);
const waitShown = (page, rule) => page.waitForFunction((r) => document.querySelector(`[data-vitrine-popup="${r}"]`)?.shadowRoot?.querySelector('.popup'), rule);
const waitGone = (page, rule) => page.waitForFunction((r) => !document.querySelector(`[data-vitrine-popup="${r}"]`), rule);
const reason = (page, id) => page.evaluate((i) => window.v.decisions().find((d) => d.id === i)?.reason, id);
const events = (page) => page.evaluate(() => window.events);

async function axeSerious(page) {
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axe });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('pop-ups', () => {
  test('a modal pop-up: focus moves in, the page is inert, Escape closes it and focus comes back', async () => {
    const { context, page, errors } = await open('both');
    // No consent for personalization: nothing shows, nothing is fetched for it.
    await page.evaluate(() => window.v.track('open-modal'));
    assert.equal(await shown(page, 'offer'), false);
    assert.match(await reason(page, 'offer'), /^consent missing: personalization/);

    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.focus('#before');
    await page.evaluate(() => window.v.track('open-modal'));
    await waitShown(page, 'offer');
    const state = await page.evaluate(() => {
      const root = document.querySelector('[data-vitrine-popup="offer"]').shadowRoot;
      const dialog = root.querySelector('dialog');
      // The rest of the page is inert: it cannot take focus.
      document.getElementById('link').focus();
      return {
        modal: dialog.matches(':modal'),
        label: dialog.getAttribute('aria-label'),
        focusInside: document.activeElement === root.host && dialog.contains(root.activeElement),
        focused: root.activeElement?.getAttribute('aria-label') ?? root.activeElement?.textContent,
        text: dialog.querySelector('.body').textContent,
        strong: dialog.querySelector('strong')?.textContent,
      };
    });
    assert.deepEqual(state, { modal: true, label: 'Cupom de boas-vindas', focusInside: true, focused: 'Fechar', text: 'Bem-vindoUse o cupom OLA10 na primeira compra.Ver produtos', strong: 'OLA10' });
    assert.deepEqual(await axeSerious(page), []);
    assert.deepEqual(await page.evaluate(() => window.v.applied()), ['offer']);

    await page.keyboard.press('Escape');
    await waitGone(page, 'offer');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'before', 'focus is given back');
    assert.deepEqual(await events(page), [['shown', { rule: 'offer', display: 'modal' }], ['dismissed', { rule: 'offer', how: 'escape' }]]);
    assert.deepEqual(await page.evaluate(() => window.v.applied()), []);
    assert.equal(await reason(page, 'offer'), 'pop-up closed by the visitor');
    // Closed means closed: the same trigger again does not bring it back.
    await page.evaluate(() => window.v.track('open-modal'));
    assert.equal(await shown(page, 'offer'), false);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a corner pop-up: announced by a polite live region, focus left where it was; a [data-vitrine-close] link reports a click and closes it', async () => {
    const { context, page, errors } = await open('both');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.focus('#before');
    await page.evaluate(() => window.v.track('open-corner'));
    await waitShown(page, 'news');
    await page.waitForFunction(() => document.querySelector('[data-vitrine-popup="news"]').shadowRoot.querySelector('[role=status]').textContent === 'Novidade na loja');
    const state = await page.evaluate(() => {
      const root = document.querySelector('[data-vitrine-popup="news"]').shadowRoot;
      const region = root.querySelector('[role=region]');
      const live = root.querySelector('[role=status]');
      return { label: region.getAttribute('aria-label'), polite: live.getAttribute('aria-live'), focus: document.activeElement.id, position: getComputedStyle(region).position };
    });
    assert.deepEqual(state, { label: 'Novidade na loja', polite: 'polite', focus: 'before', position: 'fixed' });
    assert.deepEqual(await axeSerious(page), []);
    // Keyboard only: the page's own Tab order reaches the region's controls.
    const focused = () => page.evaluate(() => {
      const root = document.querySelector('[data-vitrine-popup="news"]')?.shadowRoot;
      const el = document.activeElement === root?.host ? root.activeElement : document.activeElement;
      return el?.getAttribute('aria-label') || el?.id || el?.textContent;
    });
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'link');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Fechar');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'Ver os cafés');
    await page.keyboard.press('Enter');
    await waitGone(page, 'news');
    assert.deepEqual(await events(page), [
      ['shown', { rule: 'news', display: 'corner' }],
      ['click', { rule: 'news', text: 'Ver os cafés', href: '#new' }],
      ['dismissed', { rule: 'news', how: 'action' }],
    ]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an inline pop-up goes into its slot, in the page itself without a shadow root; Escape inside closes it', async () => {
    const { context, page, errors } = await open('both');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.evaluate(() => window.v.track('open-inline'));
    await page.waitForSelector('#slot [data-vitrine-popup="tip"] section[role=region][aria-label="Dica"]');
    const state = await page.evaluate(() => {
      const host = document.querySelector('#slot [data-vitrine-popup="tip"]');
      return { shadow: host.shadowRoot !== null, text: host.querySelector('.body').textContent, focus: document.activeElement === document.body };
    });
    assert.deepEqual(state, { shadow: false, text: 'Frete grátis acima de R$ 150.', focus: true });
    await page.focus('#slot [data-vitrine-popup="tip"] .close');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-vitrine-popup="tip"]'));
    assert.deepEqual((await events(page)).at(-1), ['dismissed', { rule: 'tip', how: 'escape' }]);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the cooldown is shared by two campaigns and survives a reload; withdrawal purges what was remembered', async () => {
    const { context, page } = await open('campaigns');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.evaluate(() => window.v.track('a'));
    await waitShown(page, 'first');
    // One at a time: the second campaign waits while the first shows.
    await page.evaluate(() => window.v.track('b'));
    assert.equal(await reason(page, 'second'), 'waiting for the pop-up showing to close');
    await page.evaluate(() => document.querySelector('[data-vitrine-popup="first"]').shadowRoot.querySelector('.close').click());
    await waitGone(page, 'first');
    // Closed: the second campaign is held by the shared cooldown, not shown.
    await page.evaluate(() => window.v.track('b'));
    assert.equal(await shown(page, 'second'), false);
    assert.equal(await reason(page, 'second'), 'another pop-up was shown within the cooldown');

    await page.reload();
    await page.waitForFunction(() => window.started);
    await page.evaluate(() => { window.v.track('b'); window.v.track('a'); });
    assert.equal(await shown(page, 'second'), false);
    assert.equal(await reason(page, 'second'), 'another pop-up was shown within the cooldown');
    assert.equal(await reason(page, 'first'), 'pop-up closed by the visitor');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('vitrine:personalization')).profile.prompts);
    assert.equal(typeof stored.last, 'number');
    assert.deepEqual(Object.keys(stored.seen), ['first']);
    assert.equal(stored.seen.first[1], true, 'remembered as closed');

    // Withdrawn: the memory goes with the category, at once.
    await page.evaluate(() => window.v.consent.set({ personalization: false }));
    const after = await page.evaluate(() => JSON.stringify(Object.fromEntries(Object.entries(localStorage))));
    assert.doesNotMatch(after, /prompts/);
    await context.close();
  });

  test('withdrawing consent takes a showing pop-up away at once', async () => {
    const { context, page } = await open('both');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.evaluate(() => window.v.track('open-corner'));
    await waitShown(page, 'news');
    await page.evaluate(() => window.v.consent.set({ personalization: false }));
    await waitGone(page, 'news');
    // Taken away by vitrine, not dismissed by the visitor.
    assert.deepEqual((await events(page)).map(([name]) => name), ['shown']);
    assert.deepEqual(await vitrineKeys(page), ['vitrine:necessary']);
    await context.close();
  });

  test('exit intent on a desktop: the pointer leaving through the top', async () => {
    const { context, page } = await open('exit');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.evaluate(() => window.v.cart.add({ id: 'cafe', name: 'Café', category: 'cafes', price: 40, quantity: 2 }));
    assert.equal(await shown(page, 'leaving'), false);
    await page.evaluate(() => document.documentElement.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientX: 300, clientY: -1, relatedTarget: null })));
    await waitShown(page, 'leaving');
    const text = await page.evaluate(() => document.querySelector('[data-vitrine-popup="leaving"]').shadowRoot.querySelector('.body').textContent);
    assert.equal(text, 'Seus 2 itens estão separados.');
    await context.close();
  });

  test('exit intent on a touch screen: a fast flick back up', async () => {
    const contextOptions = { hasTouch: true, isMobile: true, viewport: { width: 390, height: 700 } };
    const { context, page } = await open('exit', { contextOptions });
    assert.equal(await page.evaluate(() => navigator.maxTouchPoints > 0), true);
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.evaluate(() => window.v.cart.add({ id: 'cafe', name: 'Café', category: 'cafes', price: 40, quantity: 1 }));
    const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 100))));
    // Reading down the page, then slowly up a little: not a flick.
    for (const y of [800, 1600, 2400, 3000]) {
      await page.evaluate((top) => window.scrollTo(0, top), y);
      await settle();
    }
    await page.evaluate(() => window.scrollTo(0, 2950));
    await settle();
    assert.equal(await shown(page, 'leaving'), false);
    // A flick back towards the address bar.
    await page.evaluate(() => window.scrollTo(0, 300));
    await waitShown(page, 'leaving');
    await context.close();
  });
});
