// Content swaps in real Chromium: every operation applied and reverted exactly
// (outerHTML compared), several rules on one element in turn, templates filled as
// text, targets that appear late or are re-rendered by the page every 100 ms, SPA
// routes, redirects with their guards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const fixture = `<main id="root">
  <h1 id="title" class="a  b" title="t">Hello <em>world</em></h1>
  <p id="para" style="color: red">para</p>
  <a id="link" href="/a" data-x="1">link</a>
  <div id="hidden" hidden style="display: none">secret</div>
  <ul id="list"><li data-category="cafes">c1</li> <li data-category="chas">t1</li> <li data-category="acessorios">a1</li> <li data-category="chas">t2</li></ul>
  <section id="box"><span id="anchor">anchor</span></section>
  <p id="gone">to remove</p>
</main>`;

const rule = (id, actions, when) => ({ id, ...(when ? { when } : {}), actions });
const config = {
  version: 1,
  rules: [
    rule('text', [{ op: 'setText', selector: '#title', text: 'Olá, {{traits.name | default: "você" | capitalize}}' }], { 'events.go': { $gte: 1 } }),
    rule('html', [{ op: 'setHtml', selector: '#para', html: '<b>{{event_props.go.what}}</b> <img src="/x.png" onerror="window.hit = 1">' }], { 'events.go': { $gte: 1 } }),
    rule('attrs', [
      { op: 'setAttr', selector: '#link', name: 'href', value: '/p/{{event_props.go.what | lower}}' },
      { op: 'removeAttr', selector: '#link', name: 'data-x' },
      { op: 'addClass', selector: '#title', class: 'hot' },
      { op: 'removeClass', selector: '#title', class: 'a' },
    ], { 'events.go': { $gte: 1 } }),
    rule('style', [{ op: 'setStyle', selector: '#para', style: { 'font-weight': '700', color: '#0a0' } }], { 'events.go': { $gte: 1 } }),
    rule('visibility', [{ op: 'show', selector: '#hidden' }, { op: 'hide', selector: '#link' }], { 'events.go': { $gte: 1 } }),
    rule('insert', [
      { op: 'insert', selector: '#anchor', position: 'before', html: '<i>before</i>' },
      { op: 'insert', selector: '#anchor', position: 'after', html: '<i>after {{cart.total | currency: "BRL"}}</i>' },
      { op: 'insert', selector: '#box', position: 'prepend', html: '<i>first</i>' },
      { op: 'insert', selector: '#box', position: 'append', html: '<i>last</i>' },
    ], { 'events.go': { $gte: 1 } }),
    rule('move', [{ op: 'move', selector: '#gone', position: 'prepend', to: '#root' }], { 'events.go': { $gte: 1 } }),
    rule('reorder', [{ op: 'reorder', selector: '#list', key: 'data-category', by: 'affinity.category' }], { 'events.go': { $gte: 1 } }),
    rule('remove', [{ op: 'remove', selector: '#list li:last-child', match: 'first' }], { 'events.go': { $gte: 1 } }),
    // Late and re-rendered content.
    rule('late', [{ op: 'setText', selector: '.late', text: 'changed' }]),
    rule('rerendered', [{ op: 'setText', selector: '#ticker .label', text: 'vitrine' }, { op: 'addClass', selector: '#ticker', class: 'ours' }]),
    rule('spa', [{ op: 'setText', selector: '#route', text: 'produto!' }], { 'page.path': { $regex: '^/produto' } }),
  ],
};

const html = (body) => `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${body}
<script type="module">
  import { start } from '/pkg/index.js';
  window.warnings = [];
  window.v = await start({ config: ${JSON.stringify(config)}, on: { warning: (w) => window.warnings.push(w.message) } });
  window.v.consent.set({ personalization: true });
  window.started = true;
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({
    routes: {
      '/swaps.html': htmlPage(html(fixture)),
      '/late.html': htmlPage(html(`<div id="feed"></div><p id="route">home</p>
        <div id="ticker"><span class="label">framework</span></div>
        <script>
          // A framework that re-renders its widget every 100 ms, replacing the text.
          // Two frames after each re-render it notes what the widget shows: by then
          // vitrine (one frame, before paint) must have re-applied its change.
          let n = 0;
          window.checks = [];
          setInterval(() => {
            n++;
            document.querySelector('#ticker .label').textContent = 'framework ' + n;
            if (n % 5 === 0) document.getElementById('ticker').className = 'fresh';
            requestAnimationFrame(() => requestAnimationFrame(() => {
              const t = document.getElementById('ticker');
              window.checks.push([t.querySelector('.label').textContent, t.classList.contains('ours')]);
            }));
          }, 100);
        </script>`)),
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(() => window.started);
  return { context, page, errors };
}

test('every operation applies, and reverting restores the page byte for byte', async () => {
  const { context, page, errors } = await open('/swaps.html');
  const before = await page.evaluate(() => document.getElementById('root').outerHTML);
  await page.evaluate(() => {
    window.v.cart.add({ id: 'x', name: 'X', price: 1234.5 });
    window.v.track('go', { what: 'ABC<script>' });
  });
  const after = await page.evaluate(() => {
    const $ = (s) => document.querySelector(s);
    return {
      title: $('#title').textContent,
      titleClass: $('#title').getAttribute('class'),
      para: $('#para').innerHTML,
      paraStyle: $('#para').getAttribute('style'),
      href: $('#link').getAttribute('href'),
      dataX: $('#link').hasAttribute('data-x'),
      linkDisplay: getComputedStyle($('#link')).display,
      hiddenShown: getComputedStyle($('#hidden')).display,
      box: $('#box').innerHTML,
      first: $('#root').firstElementChild.id,
      list: [...document.querySelectorAll('#list li')].map((li) => li.textContent),
      hit: window.hit,
    };
  });
  assert.equal(after.title, 'Olá, Você');
  assert.equal(after.titleClass, 'b hot');
  assert.equal(after.para, '<b>ABC&lt;script&gt;</b> <img src="/x.png">', 'template text escaped, handler dropped');
  assert.match(after.paraStyle, /font-weight: 700 !important/);
  assert.equal(after.href, '/p/abc<script>');
  assert.equal(after.dataX, false);
  assert.equal(after.linkDisplay, 'none');
  assert.equal(after.hiddenShown, 'block');
  assert.equal(after.box, '<i>first</i><i>before</i><span id="anchor">anchor</span><i>after R$&nbsp;1.234,50</i><i>last</i>');
  assert.equal(after.first, 'gone');
  assert.deepEqual(after.list, ['c1', 't1', 'a1'], 'the last item removed (no affinity yet: page order)');
  assert.equal(after.hit, undefined);
  // Withdrawing the condition's data reverts everything, exactly.
  await page.evaluate(() => window.v.consent.set({ personalization: false }));
  assert.equal(await page.evaluate(() => document.getElementById('root').outerHTML), before);
  assert.deepEqual(errors, []);
  await context.close();
});

test('templates and reorder follow the attributes as they change', async () => {
  const { context, page } = await open('/swaps.html');
  await page.evaluate(() => {
    window.v.track('go', { what: 'one' });
    window.v.identify('c1', { name: 'ana' });
  });
  assert.equal(await page.textContent('#title'), 'Olá, Ana');
  await page.evaluate(() => window.v.track('go', { what: 'two' }));
  assert.equal(await page.innerHTML('#para b'), 'two');
  await page.evaluate(() => window.v.consent.set({ marketing: true }));
  // Interest in teas: the list puts teas first, keeping the page order among equals.
  await page.evaluate(() => {
    window.v.cart.add({ id: 't', name: 'T', category: 'chas', price: 1 });
  });
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('#list li')].map((li) => li.textContent)), ['t1', 'c1', 'a1']);
  await context.close();
});

test('several rules on one element, reverted in any order, leave the original', async () => {
  const { context, page } = await open('/swaps.html');
  const before = await page.evaluate(() => document.getElementById('title').outerHTML);
  await page.evaluate(() => window.v.track('go', { what: 'x' }));
  // Rules "text" and "attrs" both changed #title; stopping reverts both.
  await page.evaluate(() => window.v.stop());
  assert.equal(await page.evaluate(() => document.getElementById('title').outerHTML), before);
  await context.close();
});

test('targets that appear later and targets a framework re-renders every 100 ms', async () => {
  const { context, page, errors } = await open('/late.html');
  // Late content, added in pieces after start.
  await page.evaluate(() => {
    const feed = document.getElementById('feed');
    for (let i = 0; i < 3; i++) setTimeout(() => feed.insertAdjacentHTML('beforeend', `<p class="late">original ${i}</p>`), i * 50);
  });
  await page.waitForFunction(() => document.querySelectorAll('.late').length === 3);
  await page.waitForFunction(() => [...document.querySelectorAll('.late')].every((p) => p.textContent === 'changed'));
  // The re-rendered widget keeps vitrine's text and class across many re-renders.
  await page.evaluate(() => { window.checks.length = 0; });
  await page.waitForFunction(() => window.checks.length >= 20, null, { timeout: 10_000 });
  const samples = await page.evaluate(() => window.checks.slice(0, 20));
  assert.ok(samples.every(([text, ours]) => text === 'vitrine' && ours), JSON.stringify(samples));
  assert.deepEqual(await page.evaluate(() => window.warnings), []);
  // SPA route: a rule on the URL applies to the route's content.
  await page.evaluate(() => history.pushState({}, '', '/produto/1'));
  assert.equal(await page.textContent('#route'), 'produto!');
  // stop(): the widget belongs to the framework again.
  await page.evaluate(() => window.v.stop());
  await page.waitForFunction(() => document.querySelector('#ticker .label').textContent.startsWith('framework'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('redirects: same origin only unless allowed, never to itself, at most 3 in 10 s', async () => {
  const redirecting = {
    version: 1,
    // These read only the URL, nothing about the visitor.
    rules: [
      { id: 'away', consent: 'necessary', when: { 'page.query.go': 'away' }, actions: [{ op: 'redirect', url: 'https://elsewhere.example/' }] },
      // Two rules that send the visitor back and forth.
      { id: 'loop', consent: 'necessary', when: { 'page.query.go': 'loop' }, actions: [{ op: 'redirect', url: '/r.html?go=loop2' }] },
      { id: 'loop2', consent: 'necessary', when: { 'page.query.go': 'loop2' }, actions: [{ op: 'redirect', url: '/r.html?go=loop' }] },
      { id: 'ok', consent: 'necessary', when: { 'page.query.go': 'ok' }, actions: [{ op: 'redirect', url: '/r.html?arrived=1' }] },
    ],
  };
  const page0 = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><p id="here">here</p>
<script type="module">
  import { start } from '/pkg/index.js';
  window.warnings = [];
  window.v = await start({ config: ${JSON.stringify(redirecting)}, on: { warning: (w) => window.warnings.push(w.message) } });
  window.started = true;
</script></body></html>`;
  const local = await startServer({ routes: { '/r.html': htmlPage(page0) } });
  const context = await browser.newContext();
  const page = await context.newPage();
  const navigations = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
  await page.goto(`${local.origin}/r.html?go=ok`);
  await page.waitForURL(/arrived=1/);
  await page.waitForFunction(() => window.started);
  await page.goto(`${local.origin}/r.html?go=away`);
  await page.waitForFunction(() => window.started);
  assert.match((await page.evaluate(() => window.warnings)).join('\n'), /another site.*crossOrigin/);
  assert.equal(new URL(page.url()).host, new URL(local.origin).host);
  // A new tab (the guard counts per tab) opens a page two rules bounce between.
  const tab = await context.newPage();
  const bounces = [];
  tab.on('framenavigated', (f) => f === tab.mainFrame() && bounces.push(f.url()));
  await tab.goto(`${local.origin}/r.html?go=loop`);
  await tab.waitForFunction(() => window.started && window.warnings.some((w) => /3 redirects in 10 seconds/.test(w)), null, { timeout: 10_000 });
  const loops = bounces.filter((u) => u.includes('go=loop')).length;
  assert.equal(loops, 4, `the first page and 3 redirects: ${bounces.join(' ')}`);
  assert.deepEqual(navigations.map((u) => new URL(u).search), ['?go=ok', '?arrived=1', '?go=away']);
  await context.close();
  await local.close();
});
