// The editor's selector proposal (js/editor-selector.js) against a page whose class
// names are regenerated on every load, as CSS-in-JS libraries do: the selector chosen
// on one load finds the same element on the next, and never leans on a generated name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, startServer } from './helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const hash = () => randomBytes(4).toString('hex');
// Every load: new emotion-style, styled-components-style and CSS-modules-style names.
function shop() {
  const c = () => `css-${hash().slice(0, 6)}`;
  const sc = () => `sc-${['bdVaJa', 'htpNat', 'bxivhb', 'ifAKCX'][randomBytes(1)[0] % 4]} ${['kGhXcv', 'bBfHrY', 'hYzXqk'][randomBytes(1)[0] % 3]}`;
  const cards = ['Espresso', 'Coado', 'Chá verde'].map((name, i) => `
    <article class="${c()} card"><h3 class="${sc()}">${name}</h3><p class="Card_price__${hash().slice(0, 5)}">R$ ${10 + i},00</p>
    <button class="${c()}" data-sku="sku-${i}">Comprar</button></article>`).join('');
  return `<!doctype html><html lang="pt-BR"><head><link rel="icon" href="data:,"></head><body>
  <header class="${c()}"><nav class="${c()}"><a href="/">Início</a><a href="/cafes">Cafés</a></nav></header>
  <main class="${c()}"><section class="${c()}" id="${hash()}00000"><h2 class="${sc()}">Para você</h2>${cards}</section>
  <div id="hero" class="${c()}"><p class="${c()}">Frete grátis</p></div>
  <input name="q" class="${c()}" data-testid="search-box"></main></body></html>`;
}

let browser;
let site;
before(async () => {
  site = await startServer({
    mounts: { '/js/': join(root, 'js'), '/pkg/': join(root, 'pkg'), '/': join(root, 'www') },
    routes: {
      '/shop-css-in-js.html': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(shop());
      },
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function propose(page, pick) {
  const el = await page.evaluateHandle(pick, undefined);
  return page.evaluate(async (target) => {
    const { proposeSelector, proposeSelectors, isGenerated } = await import('/js/editor-selector.js');
    const best = proposeSelector(target);
    const classes = [...document.querySelectorAll('[class]')].flatMap((e) => [...e.classList]);
    return { best, all: proposeSelectors(target), generated: classes.filter(isGenerated), text: target.textContent };
  }, el);
}

test('a selector chosen on one load finds the same element on the next, with no generated name in it', async () => {
  const page = await browser.newPage();
  const picks = [
    () => document.querySelectorAll('article')[1].querySelector('h3'), // the second card's title: no id, hashed classes
    () => document.querySelectorAll('article')[2].querySelector('p'), // a CSS-modules class only
    () => document.querySelector('[data-sku="sku-0"]'), // a stable data attribute
    () => document.querySelector('#hero p'), // inside a hand-written id
    () => document.querySelector('input'), // a test id and a form name
    () => document.querySelector('section h2'), // inside a section whose id is a generated number
  ];
  for (const pick of picks) {
    await page.goto(`${site.origin}/shop-css-in-js.html`);
    const first = await propose(page, pick);
    assert.ok(first.best, `a unique selector for ${first.text}`);
    // Every generated name of this load is left out of the selector.
    for (const name of first.generated) assert.ok(!first.best.selector.includes(name), `${first.best.selector} uses ${name}`);
    for (let load = 0; load < 3; load++) {
      await page.goto(`${site.origin}/shop-css-in-js.html`);
      const found = await page.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent), first.best.selector);
      assert.deepEqual(found, [first.text], `${first.best.selector} on load ${load + 2}`);
    }
  }
  await page.close();
});

test('the most robust name comes first: an id, then a stable attribute, then a path; each with its match count', async () => {
  const page = await browser.newPage();
  await page.goto(`${site.origin}/shop-css-in-js.html`);
  // Generated names, the digit-free hash included (1 in a few hundred of emotion's), and hand-written ones.
  assert.deepEqual(await page.evaluate(async () => {
    const { isGenerated } = await import('/js/editor-selector.js');
    return ['css-fdaeaa', 'css-1x2y3z', 'sc-bdVaJa', 'kGhXcv', 'Card_price__3xYz1', 'card', 'price-tag', 'hero-title', 'css-grid'].map(isGenerated);
  }), [true, true, true, true, true, false, false, false, false]);
  const hero = await propose(page, () => document.getElementById('hero'));
  assert.equal(hero.best.selector, '#hero');
  assert.equal(hero.best.how, 'id');
  const sku = await propose(page, () => document.querySelector('[data-sku="sku-1"]'));
  assert.equal(sku.best.selector, 'button[data-sku="sku-1"]');
  const input = await propose(page, () => document.querySelector('input'));
  assert.equal(input.best.selector, 'input[data-testid="search-box"]');
  const title = await propose(page, () => document.querySelectorAll('article')[1].querySelector('h3'));
  assert.equal(title.best.how, 'path');
  // A wider proposal is there for the editor too: the same title in every card.
  assert.ok(title.all.some((p) => p.matches === 3 && !p.unique), JSON.stringify(title.all));
  await page.close();
});
