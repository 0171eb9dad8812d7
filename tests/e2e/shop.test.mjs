// The demo shop in real Chromium: the three rules, persistence, consent withdrawal,
// and the exact list of network requests the page makes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer, vitrineKeys, vitrineReady } from './helpers.mjs';

const ORIGINAL_HERO = 'Cafés especiais, do produtor à sua xícara';
const WELCOME = 'Que bom te ver de novo! Seus cafés favoritos estão te esperando.';
const ORIGINAL_BANNER = 'Frete grátis em compras acima de R$ 150,00';
const FREE_SHIPPING = 'Parabéns! Seu pedido ganhou frete grátis.';

let browser;
let site;
before(async () => {
  site = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function openShop(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.origin}/`);
  await vitrineReady(page);
  return { page, errors };
}

/** vitrine's built-in preferences panel: from the banner, or the footer link. */
async function openPreferences(page) {
  await page.waitForFunction(() => document.getElementById('vitrine-consent'));
  const customize = page.locator('#vitrine-consent [data-choice="customize"]');
  if (await customize.count()) await customize.click();
  else await page.click('[data-vitrine-consent-open]');
  await page.waitForSelector('#vitrine-consent [role="dialog"]');
}

async function grantPersonalization(page) {
  await openPreferences(page);
  await page.check('#vitrine-consent #vc-personalization');
  await page.click('#vitrine-consent [data-choice="save"]');
  await page.waitForFunction(() => window.vitrine.consent.get().personalization === true);
}

describe('demo shop', () => {
  test('free-shipping banner appears exactly when the cart reaches R$ 150', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openShop(context);
    await grantPersonalization(page);
    const banner = page.locator('#shipping-banner');
    await page.click('[data-add="cafe-geisha"]'); // 129.00
    assert.equal(await banner.textContent(), ORIGINAL_BANNER);
    await page.click('[data-add="cha-mate"]'); // 147.50
    assert.equal(await banner.textContent(), ORIGINAL_BANNER);
    assert.equal(await page.evaluate(() => window.vitrine.cart.get().total), 147.5);
    await page.click('[data-add="caneca"]'); // 187.40
    assert.equal(await banner.textContent(), FREE_SHIPPING);
    assert.match(await banner.getAttribute('class'), /banner--success/);
    // Removing an item drops below the threshold: the banner reverts exactly.
    await page.click('[data-remove="cafe-geisha"]');
    assert.equal(await banner.textContent(), ORIGINAL_BANNER);
    assert.equal(await banner.getAttribute('class'), 'banner');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a search with no results offers help; the term is kept redacted, from the GA4 event the shop pushes', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openShop(context);
    await grantPersonalization(page);
    const help = page.locator('#search-help');
    await page.fill('#search-input', 'chaleira ana@example.com');
    await page.press('#search-input', 'Enter');
    assert.equal(await page.locator('#products .card').count(), 0);
    assert.match(await help.textContent(), /Não achou o que procurava/);
    const search = await page.evaluate(() => window.vitrine.attributes().search);
    assert.equal(search.last, 'chaleira [email]');
    assert.equal(search.zero_results, 1);
    // A search that finds products takes the help away again.
    await page.fill('#search-input', 'café');
    await page.press('#search-input', 'Enter');
    assert.equal(await page.locator('#products .card').count(), 4);
    assert.equal(await help.textContent(), '');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('interest in teas (card clicks, a tea in the cart) puts teas first, highlighted, also after a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const { page, errors } = await openShop(context);
    await grantPersonalization(page);
    const firstCard = () => page.evaluate(() => {
      const cards = [...document.querySelectorAll('#products .card')];
      // The first card on screen (grid `order` moves the highlighted ones up).
      cards.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top || a.getBoundingClientRect().left - b.getBoundingClientRect().left);
      return cards[0].getAttribute('data-category');
    });
    assert.equal(await firstCard(), 'cafes', 'the shop\'s own order first');
    await page.click('[data-product-id="cha-sencha"] h3');
    await page.click('[data-add="cha-mate"]');
    await page.waitForFunction(() => window.vitrine.attributes().affinity.top_category === 'chas');
    assert.equal(await firstCard(), 'chas');
    assert.equal(await page.locator('.card--for-you').count(), 4);
    assert.equal(await page.textContent('#products-title'), 'Escolhidos para você: chás primeiro');
    // The shop re-renders its grid on a filter: vitrine re-applies to the new cards.
    await page.click('[data-filter="all"]');
    assert.equal(await page.locator('.card--for-you').count(), 4);
    await page.reload();
    await vitrineReady(page);
    await page.waitForFunction(() => document.querySelectorAll('.card--for-you').length === 4);
    assert.equal(await firstCard(), 'chas');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('leaving with a full cart shows the cart reminder', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const { page } = await openShop(context);
    await grantPersonalization(page);
    await page.click('[data-add="cafe-arara"]');
    assert.equal(await page.textContent('#cart-reminder'), '');
    await page.mouse.move(600, 400);
    await page.mouse.move(600, 5);
    await page.mouse.move(600, -30);
    await page.waitForFunction(() => document.getElementById('cart-reminder').textContent !== '');
    assert.match(await page.textContent('#cart-reminder'), /VOLTA5/);
    assert.match(await page.getAttribute('#cart-reminder', 'class'), /reminder--on/);
    await context.close();
  });

  test('reloading shows "welcome back"; withdrawing consent reverts and purges', async () => {
    const context = await browser.newContext();
    const { page } = await openShop(context);
    const pristine = {
      hero: await page.locator('#hero').innerHTML(),
      banner: await page.locator('#shipping-banner').evaluate((e) => e.outerHTML),
    };
    assert.equal(await page.textContent('#hero-title'), ORIGINAL_HERO);
    await grantPersonalization(page);
    for (const id of ['cafe-geisha', 'caneca']) await page.click(`[data-add="${id}"]`);
    assert.equal(await page.textContent('#shipping-banner'), FREE_SHIPPING);
    // First visit with consent: no welcome yet.
    assert.equal(await page.textContent('#hero-title'), ORIGINAL_HERO);

    await page.reload();
    await vitrineReady(page);
    assert.equal(await page.textContent('#hero-title'), WELCOME, 'the profile survived the reload');
    assert.equal(await page.textContent('#shipping-banner'), FREE_SHIPPING);
    assert.deepEqual(await vitrineKeys(page), ['vitrine:necessary', 'vitrine:personalization']);

    await openPreferences(page);
    await page.uncheck('#vitrine-consent #vc-personalization');
    await page.click('#vitrine-consent [data-choice="save"]');
    // Reverted at once to the original markup, byte for byte.
    assert.equal(await page.locator('#hero').innerHTML(), pristine.hero);
    assert.equal(await page.locator('#shipping-banner').evaluate((e) => e.outerHTML), pristine.banner);
    // Only necessary data (the consent record) is left.
    assert.deepEqual(await vitrineKeys(page), ['vitrine:necessary']);
    const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('vitrine:necessary')));
    assert.deepEqual(Object.keys(stored).sort(), ['consent', 'schema']);
    assert.equal(stored.consent.granted.personalization, false);
    assert.deepEqual(stored.consent.records.map((r) => r.state.personalization), [true, false]);
    // Nothing of the personalization profile survives in memory either.
    assert.deepEqual(await page.evaluate(() => window.vitrine.cart.get().items), []);

    // And after a reload nothing comes back.
    await page.reload();
    await vitrineReady(page);
    assert.equal(await page.textContent('#hero-title'), ORIGINAL_HERO);
    assert.deepEqual(await vitrineKeys(page), ['vitrine:necessary']);
    await context.close();
  });

  test('without consent no rule applies and nothing is stored', async () => {
    const context = await browser.newContext();
    const { page } = await openShop(context);
    for (const id of ['moedor', 'prensa']) await page.click(`[data-add="${id}"]`);
    await page.click('[data-filter=cafes]');
    assert.equal(await page.textContent('#shipping-banner'), ORIGINAL_BANNER);
    assert.equal(await page.textContent('#promo'), 'Confira as ofertas da semana.');
    assert.deepEqual(await page.evaluate(() => window.vitrine.applied()), []);
    assert.equal(await page.evaluate(() => window.vitrine.cart.add({ id: 'x', price: 1 })), false);
    assert.deepEqual(await vitrineKeys(page), []);
    await page.reload();
    await vitrineReady(page);
    assert.equal(await page.textContent('#hero-title'), ORIGINAL_HERO);
    await context.close();
  });

  test('clicking a category shows its promo; the higher priority wins', async () => {
    const context = await browser.newContext();
    const { page } = await openShop(context);
    await grantPersonalization(page);
    await page.click('[data-filter=chas]');
    assert.equal(await page.textContent('#promo strong'), 'Semana do chá:');
    await page.click('[data-filter=cafes]');
    assert.equal(await page.textContent('#promo strong'), 'Cafés da semana:');
    // Both promos match; they change the same slot, so the higher priority wins and
    // the other is reported as overridden.
    const applied = await page.evaluate(() => window.vitrine.applied());
    assert.ok(applied.includes('promo-cafes') && !applied.includes('promo-chas'));
    const chas = await page.evaluate(() => window.vitrine.decisions().find((d) => d.id === 'promo-chas'));
    assert.deepEqual(chas, { kind: 'rule', id: 'promo-chas', applied: false, reason: 'overridden by promo-cafes on #promo' });
    assert.ok((await page.evaluate(() => window.vitrine.attributes().segments)).includes('coffee-lover'));
    const clicks = await page.evaluate(() => window.vitrine.attributes().clicks);
    assert.deepEqual(clicks, { 'cat-chas': 1, 'cat-cafes': 1 });
    // "Tudo" is not tracked.
    await page.click('[data-filter=all]');
    assert.deepEqual(await page.evaluate(() => window.vitrine.attributes().clicks), clicks);
    await context.close();
  });

  test('the hero experiment: assigned once, sticky, forced by URL, exposure reported', async () => {
    const context = await browser.newContext();
    const { page } = await openShop(context);
    await page.evaluate(() => {
      window.exposures = [];
      window.vitrine.on('exposure', (d) => window.exposures.push(d));
    });
    let decision = await page.evaluate(() => window.vitrine.decisions().find((d) => d.id === 'hero-subtitle'));
    assert.deepEqual(decision, { kind: 'experiment', id: 'hero-subtitle', applied: false, reason: 'consent missing: personalization' });
    await grantPersonalization(page);
    decision = await page.evaluate(() => window.vitrine.decisions().find((d) => d.id === 'hero-subtitle'));
    assert.equal(decision.applied, true);
    // Assigned when consent arrived (the shop's next cart sync already sees it as sticky).
    assert.ok(['assigned', 'assigned (sticky)'].includes(decision.reason), decision.reason);
    const variant = decision.variant;
    const subtitle = await page.textContent('#hero-sub');
    assert.equal(subtitle.startsWith('Frete grátis'), variant === 'frete');
    const exposures = await page.evaluate(() => window.exposures);
    assert.deepEqual(
      exposures.filter((d) => d.id === 'hero-subtitle').map((d) => [d.variant, d.reason]),
      [[variant, 'assigned']],
      'one exposure, at the first assignment',
    );
    await page.reload();
    await vitrineReady(page);
    decision = await page.evaluate(() => window.vitrine.decisions().find((d) => d.id === 'hero-subtitle'));
    assert.deepEqual([decision.variant, decision.reason], [variant, 'assigned (sticky)']);
    // QA: force the other variant with the URL parameter.
    const other = variant === 'frete' ? 'control' : 'frete';
    await page.goto(`${site.origin}/?vitrine_force=hero-subtitle:${other}`);
    await vitrineReady(page);
    decision = await page.evaluate(() => window.vitrine.decisions().find((d) => d.id === 'hero-subtitle'));
    assert.deepEqual([decision.variant, decision.reason], [other, 'forced by URL']);
    assert.equal((await page.textContent('#hero-sub')).startsWith('Frete grátis'), other === 'frete');
    await context.close();
  });

  test('exit intent with a cart: the coupon pop-up, once; closed, it stays closed after a reload', async () => {
    const context = await browser.newContext();
    const { page } = await openShop(context);
    await grantPersonalization(page);
    const leave = () => page.evaluate(() => document.documentElement.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientX: 200, clientY: -1, relatedTarget: null })));
    const popup = () => page.evaluate(() => document.querySelector('[data-vitrine-popup="exit-offer"]')?.shadowRoot?.querySelector('dialog')?.textContent ?? null);
    // An empty cart: leaving shows nothing.
    await leave();
    assert.equal(await popup(), null);
    await page.reload();
    await vitrineReady(page);
    await page.click('[data-add="moedor"]');
    await leave();
    await page.waitForFunction(() => document.querySelector('[data-vitrine-popup="exit-offer"]')?.shadowRoot?.querySelector('dialog[open]'));
    assert.match(await popup(), /Seus 1 itens estão separados \(R\$\s?[\d.,]+\)\. Use o cupom VOLTA5/);
    await page.evaluate(() => [...document.querySelector('[data-vitrine-popup="exit-offer"]').shadowRoot.querySelectorAll('button')].find((b) => b.textContent === 'Continuar comprando').click());
    await page.waitForFunction(() => !document.querySelector('[data-vitrine-popup="exit-offer"]'));
    await page.reload();
    await vitrineReady(page);
    await leave();
    assert.equal(await popup(), null);
    const why = await page.evaluate(() => window.vitrine.decisions().find((d) => d.id === 'exit-offer').reason);
    assert.equal(why, 'pop-up closed by the visitor');
    await context.close();
  });

  test('a purchase asks the NPS survey; a detractor gets the direct line at once, and the text is never kept', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openShop(context);
    await grantPersonalization(page);
    await page.click('[data-add="moedor"]');
    await page.click('#checkout');
    assert.match(await page.textContent('#order-status'), /Pedido confirmado/);
    const root = '[data-vitrine-popup="post-purchase-nps"]';
    await page.waitForFunction((r) => document.querySelector(r)?.shadowRoot?.querySelector('dialog[open] legend'), root);
    assert.match(await page.evaluate((r) => document.querySelector(r).shadowRoot.querySelector('legend').textContent, root), /indicar a Torra Fina/);
    assert.equal(await page.evaluate(() => window.vitrine.attributes().cart.count), 0, 'the purchase emptied the cart');
    // Keyboard only: 0 is focused; two steps right is a 2; Enter goes on.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.waitForFunction((r) => document.querySelector(r).shadowRoot.querySelector('textarea'), root);
    await page.waitForSelector('#service:not([hidden])');
    assert.match(await page.textContent('#service'), /Sentimos muito/);
    await page.keyboard.type('O moedor chegou quebrado.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction((r) => document.querySelector(r).shadowRoot.querySelector('.thanks'), root);
    await page.keyboard.press('Escape');
    await page.waitForFunction((r) => !document.querySelector(r), root);
    // The text is scored on the device (the sentiment part and its lexicon load once).
    await page.waitForFunction(() => window.vitrine.attributes().feedback.sentiment !== null);
    const feedback = await page.evaluate(() => window.vitrine.attributes().feedback);
    assert.equal(feedback.nps_group, 'detractor');
    assert.equal(feedback.sentiment.label, 'negative');
    await page.waitForFunction(() => Object.values(localStorage).some((v) => v.includes('post-purchase')));
    assert.ok(!(await page.evaluate(() => Object.values(localStorage).join())).includes('quebrado'));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the page requests nothing beyond itself and the SDK files (the config is inline, the consent panel and the pop-up UI on demand)', async () => {
    const context = await browser.newContext();
    const requests = [];
    context.on('request', (r) => requests.push(new URL(r.url()).pathname));
    const { page } = await openShop(context);
    await grantPersonalization(page);
    await page.click('[data-add="moedor"]');
    await page.click('[data-filter=acessorios]');
    await page.reload();
    await vitrineReady(page);
    // The pop-up UI comes when the page is idle: wait for it rather than race it.
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/pkg/prompt-ui.js')));
    const expected = [
      '/',
      '/shop.css',
      '/pkg/vitrine.js',
      '/shop.js',
      '/pkg/runtime.js',
      '/pkg/vitrine_core.js',
      '/pkg/vitrine_core_bg.wasm',
      '/pkg/consent-ui.js',
      // The demo has a pop-up (the exit offer): its UI is fetched when the page is idle.
      '/pkg/prompt-ui.js',
    ].sort();
    assert.deepEqual([...new Set(requests)].sort(), expected);
    // Each file once per page load, two loads.
    assert.equal(requests.length, expected.length * 2);
    await context.close();
  });
});
