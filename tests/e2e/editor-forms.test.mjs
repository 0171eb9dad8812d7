// The editor's forms on the demo shop, driven like a site owner: every operation
// the schema has gets its fields; a style from the allowlist with two conditions
// and a frequency, read in plain language, previewed as simulated visitors (the
// runtime's own decisions and reasons; nothing recorded); an experiment with a
// control and a variant, each previewed by forcing it; an existing rule loaded from
// a config by URL and edited with the fields the form does not show kept; validator errors shown
// next to the fields they name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, startServer } from './helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'js', 'schema.json'), 'utf8'));
const shop = JSON.parse(readFileSync(join(root, 'www', 'vitrine.json'), 'utf8'));
const extra = mkdtempSync(join(tmpdir(), 'vitrine-editor-'));

let browser;
let site;
before(async () => {
  // Every page here under a strict CSP with Trusted Types: the editor follows the
  // product's rules (each test checks that no violation was reported).
  site = await startServer({
    mounts: { '/configs/': extra, '/pkg/': join(root, 'pkg'), '/': join(root, 'www') },
    headers: (path) => (path === '/index.html' ? { 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'" } : {}),
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

const panel = (page, selector) => page.locator(`vitrine-editor >> ${selector}`);
const status = (page) => panel(page, '[role=status]').textContent();
const waitStatus = (page, pattern) => page.waitForFunction((source) => new RegExp(source).test(document.querySelector('vitrine-editor').shadowRoot.querySelector('[role=status]').textContent), pattern.source);

async function open(path = '/?vitrine_edit=1') {
  const context = await browser.newContext({ acceptDownloads: true });
  await context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective}: ${e.sourceFile}:${e.lineNumber}`));
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto(`${site.origin}${path}`);
  assert.match(response.headers()['content-security-policy'], /require-trusted-types-for/);
  await page.waitForFunction(() => window.vitrine && document.querySelector('vitrine-editor'));
  await page.evaluate(() => window.vitrine.consent.acceptAll());
  return { context, page, errors };
}

/** No page error and no CSP/Trusted Types violation during the test; then closed. */
async function closeClean(context, page, errors) {
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await context.close();
}

async function downloaded(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), panel(page, '#download').click()]);
  return JSON.parse(readFileSync(await download.path(), 'utf8'));
}

test('every operation in the schema has its fields in the form', async () => {
  const { context, page } = await open();
  const ops = schema.$defs.Action.oneOf.map(({ $ref }) => schema.$defs[$ref.split('/').pop()]);
  assert.equal(ops.length, 17);
  for (const def of ops) {
    const op = def.properties.op.const;
    await panel(page, '#op').selectOption(op);
    for (const [name, property] of Object.entries(def.properties)) {
      if (['op', 'selector', 'match'].includes(name)) continue;
      const ref = property.$ref?.split('/').pop();
      const id = ref === 'Style' ? 'field-style-prop-0' : ref === 'RecommenderWeights' ? 'field-use-complements' : name === 'questions' ? 'q-0-id' : `field-${name}`;
      assert.equal(await panel(page, `#${id}`).count(), 1, `${op}.${name} has a control (#${id})`);
    }
  }
  // The style properties offered are exactly the allowlist.
  await panel(page, '#op').selectOption('setStyle');
  const offered = await panel(page, '#field-style-prop-0 option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
  assert.deepEqual(offered, Object.keys(schema.$defs.Style.properties));
  await context.close();
});

test('a style with two conditions and a frequency, read in words, previewed as simulated visitors', async () => {
  const { context, page, errors } = await open();
  await panel(page, '#pick').click();
  await page.click('#hero-title');
  await panel(page, '#op').selectOption('setStyle');
  await panel(page, '#field-style-prop-0').selectOption('color');
  await panel(page, '#field-style-value-0').fill('rgb(200, 0, 0)');
  await panel(page, '#field-style-add').click();
  await panel(page, '#field-style-prop-1').selectOption('font-weight');
  await panel(page, '#field-style-value-1').fill('300');
  await panel(page, '#when-attr').selectOption('cart.total');
  await panel(page, '#when-op').selectOption('$gte');
  await panel(page, '#when-value').fill('150');
  await panel(page, '#when-add').click();
  await panel(page, '#when-attr-1').selectOption('channel');
  await panel(page, '#when-value-1').selectOption('whatsapp');
  await panel(page, '#more summary').click();
  await panel(page, '#freq-max').fill('2');
  await panel(page, '#freq-per').selectOption('session');
  assert.match(await panel(page, '#reading').textContent(), /^Lê-se: total do carrinho ≥ R\$\s150 e chegou pelo WhatsApp; no máximo 2× por sessão$/);
  await panel(page, '#rule-id').fill('hero-style');

  // As a visitor with such a cart from WhatsApp: the runtime applies the style and says why.
  await panel(page, '#visitor summary').click();
  await panel(page, '#sim-cart-total').fill('180');
  await panel(page, '#sim-channel').selectOption('whatsapp');
  await panel(page, '#visitor-preview').click();
  await waitStatus(page, /Pré-visualizando como visitante com cart\.total = 180, channel = whatsapp/);
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('hero-title')).color), 'rgb(200, 0, 0)');
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('hero-title')).fontWeight), '300');
  const row = (id) => panel(page, `#decisions tr[data-id="${id}"] td`).allTextContents();
  assert.deepEqual(await row('hero-style'), ['rule', 'hero-style', 'sim', '', 'applied']);
  // Nothing simulated was recorded: the visitor's own cart is still empty.
  assert.equal(await page.evaluate(() => window.vitrine.cart.get().count), 0);
  assert.equal(await page.evaluate(() => Object.keys(localStorage).some((k) => localStorage.getItem(k).includes('"total":180'))), false);

  // The same visitor with a smaller cart: not applied, and the engine says which clause failed.
  await panel(page, '#sim-cart-total').fill('100');
  await panel(page, '#visitor-preview').click();
  await page.waitForFunction(() => document.querySelector('vitrine-editor').shadowRoot.querySelector('#decisions tr[data-id="hero-style"] td:nth-child(3)')?.textContent === 'não');
  assert.deepEqual(await row('hero-style'), ['rule', 'hero-style', 'não', '', 'condition not met: cart.total']);
  assert.equal(await page.evaluate(() => document.getElementById('hero-title').getAttribute('style')), null);

  const file = await downloaded(page);
  assert.deepEqual(file.rules.at(-1), {
    id: 'hero-style',
    consent: 'personalization',
    when: { 'cart.total': { $gte: 150 }, channel: { $eq: 'whatsapp' } },
    actions: [{ op: 'setStyle', selector: '#hero-title', style: { color: 'rgb(200, 0, 0)', 'font-weight': '300' } }],
    frequency: { max: 2, per: 'session' },
  });
  await closeClean(context, page, errors);
});

test('an experiment with a control and a variant, each previewed by forcing it', async () => {
  const { context, page, errors } = await open();
  // The subtitle as the page's HTML has it (the shop's own experiment may have changed it).
  const original = readFileSync(join(root, 'www', 'index.html'), 'utf8').match(/id="hero-sub"[^>]*>([^<]*)</)[1];
  await panel(page, '#edit').selectOption('experiment:');
  await panel(page, '#pick').click();
  await page.click('#hero-sub');
  await panel(page, '#op').selectOption('setText');
  await panel(page, '#field-text').fill('Frete grátis, {{cart.count}} itens');
  await panel(page, '#variant-control').click();
  await panel(page, '#variant-add').click();
  await panel(page, '#variant-weight-0').fill('0.5');
  await panel(page, '#variant-weight-1').fill('0.5');
  await panel(page, '#rule-id').fill('hero-sub-test');
  await panel(page, '#visitor summary').click();
  // The shop's own experiment on the same subtitle (earlier in the file, so it would
  // win a conflict) held at its control, ours forced to the variant.
  await panel(page, '#sim-exp-hero-subtitle').selectOption('control');
  await panel(page, '#sim-exp-hero-sub-test').selectOption('v1');
  await panel(page, '#visitor-preview').click();
  await page.waitForFunction(() => document.getElementById('hero-sub').textContent === 'Frete grátis, 0 itens');
  const row = () => panel(page, '#decisions tr[data-id="hero-sub-test"] td').allTextContents();
  assert.deepEqual(await row(), ['experiment', 'hero-sub-test', 'sim', 'v1', 'forced by URL']);
  await panel(page, '#sim-exp-hero-sub-test').selectOption('control');
  await panel(page, '#visitor-preview').click();
  await page.waitForFunction(() => document.querySelector('vitrine-editor').shadowRoot.querySelector('#decisions tr[data-id="hero-sub-test"] td:nth-child(4)')?.textContent === 'control');
  assert.equal(await page.textContent('#hero-sub'), original);
  // A forced variant is not an assignment: nothing kept for the visitor.
  assert.equal(await page.evaluate(() => Object.values(localStorage).some((v) => v.includes('hero-sub-test'))), false);

  const file = await downloaded(page);
  assert.deepEqual(file.experiments.find((x) => x.id === 'hero-sub-test'), {
    id: 'hero-sub-test',
    consent: 'personalization',
    variants: [
      { id: 'control', weight: 0.5 },
      { id: 'v1', weight: 0.5, actions: [{ op: 'setText', selector: '#hero-sub', text: 'Frete grátis, {{cart.count}} itens' }] },
    ],
  });
  assert.deepEqual(file.rules, shop.rules, 'the rules as they were');
  await closeClean(context, page, errors);
});

test('a config loaded by URL: an existing rule edited, fields the form does not show kept, errors next to their fields', async () => {
  const other = {
    version: 1,
    prompts: { cooldownDays: 3 },
    rules: [{
      id: 'promo', description: 'Black Friday, for the marketing team', priority: 3,
      when: { $or: [{ 'utm.campaign': 'bf' }, { 'cart.count': { $gte: 2 } }] },
      trigger: { dwell: 2000 },
      actions: [
        { op: 'setText', selector: '#hero-title', match: 'first', text: 'Black Friday' },
        { op: 'addClass', selector: '#hero-title', class: 'promo' },
      ],
    }],
  };
  writeFileSync(join(extra, 'other.json'), JSON.stringify(other));
  const { context, page, errors } = await open('/?vitrine_edit=1&vitrine_config=/configs/other.json');
  await waitStatus(page, /^Carregada: 1 regras, 0 experimentos\.$/);
  await panel(page, '#edit').selectOption('rule:0');
  assert.equal(await panel(page, '#selector').inputValue(), '#hero-title');
  assert.equal(await panel(page, '#field-text').inputValue(), 'Black Friday');
  assert.equal(await panel(page, '#trigger').inputValue(), 'dwell');
  assert.equal(await panel(page, '#trigger-value').inputValue(), '2000');
  assert.equal(await panel(page, '#priority').inputValue(), '3');
  assert.match(await panel(page, '#reading').textContent(), /^Lê-se: \(campanha UTM = bf ou itens no carrinho ≥ 2\); depois de 2 s na página$/);

  // Errors next to the fields they name; nothing downloaded while there are any.
  await panel(page, '#rule-id').fill('promo!');
  await panel(page, '#freq-max').fill('0');
  let downloads = 0;
  page.on('download', () => downloads++);
  await panel(page, '#download').click();
  await waitStatus(page, /^2 problemas: veja os campos marcados\.$/);
  const fieldError = (id) => page.evaluate((id) => {
    const control = document.querySelector('vitrine-editor').shadowRoot.getElementById(id);
    const described = (control.getAttribute('aria-describedby') ?? '').split(' ').map((d) => control.getRootNode().getElementById(d)).filter((e) => e?.classList.contains('field-error'));
    return { invalid: control.getAttribute('aria-invalid'), next: control.nextElementSibling?.className, message: described[0]?.textContent ?? null };
  }, id);
  const idError = await fieldError('rule-id');
  assert.equal(idError.invalid, 'true');
  assert.equal(idError.next, 'field-error');
  assert.match(idError.message, /id/i);
  const freqError = await fieldError('freq-max');
  assert.equal(freqError.invalid, 'true');
  assert.ok(freqError.message, 'the frequency error is next to its field');
  assert.equal(downloads, 0);

  // Mended: the downloaded file is the loaded one with the edit, unknown fields kept.
  await panel(page, '#rule-id').fill('promo');
  await panel(page, '#freq-max').fill('');
  await panel(page, '#field-text').fill('Black Friday: {{cart.count}} itens');
  const file = await downloaded(page);
  assert.equal(await panel(page, '.field-error').count(), 0, 'the errors are gone');
  assert.deepEqual(file.prompts, { cooldownDays: 3 });
  assert.deepEqual(file.rules, [{ ...other.rules[0], actions: [{ ...other.rules[0].actions[0], text: 'Black Friday: {{cart.count}} itens' }, other.rules[0].actions[1]] }]);
  await closeClean(context, page, errors);
});

test('a pop-up, a survey and recommendations built from the form, shown by the preview', async () => {
  const { context, page, errors } = await open();
  const inside = (rule, selector) => page.evaluate(([r, s]) => document.querySelector(`[data-vitrine-popup="${r}"]`)?.shadowRoot?.querySelector(s)?.textContent ?? null, [rule, selector]);
  // A pop-up: no selector needed for a modal.
  await panel(page, '#op').selectOption('popup');
  await panel(page, '#field-label').fill('Oferta');
  await panel(page, '#field-html').fill('<h2>Cupom VOLTA5</h2><button type="button" data-vitrine-close>Ok</button>');
  await panel(page, '#rule-id').fill('offer');
  await panel(page, '#preview').click();
  await page.waitForFunction(() => document.querySelector('[data-vitrine-popup="offer"]')?.shadowRoot?.querySelector('h2'));
  assert.equal(await inside('offer', 'h2'), 'Cupom VOLTA5');
  // A modal makes the rest of the page inert, the panel too: the owner closes it first.
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-vitrine-popup="offer"]'));
  let file = await downloaded(page);
  assert.deepEqual(file.rules.at(-1).actions, [{ op: 'popup', label: 'Oferta', html: '<h2>Cupom VOLTA5</h2><button type="button" data-vitrine-close>Ok</button>' }]);

  // A survey: one NPS question, then a choice question with its options.
  await panel(page, '#op').selectOption('survey');
  await panel(page, '#field-survey').fill('after-visit');
  await panel(page, '#field-label').fill('Sua opinião');
  await panel(page, '#q-0-text').fill('De 0 a 10, nos indicaria?');
  await panel(page, '#q-add').click();
  await panel(page, '#q-1-type').selectOption('single');
  await panel(page, '#q-1-text').fill('Do que mais gostou?');
  await panel(page, '#q-1-options').fill('price = Preço\nquality = Qualidade');
  await panel(page, '#rule-id').fill('ask');
  await panel(page, '#preview').click();
  await page.waitForFunction(() => document.querySelector('[data-vitrine-popup="ask"]')?.shadowRoot?.querySelector('legend'));
  assert.match(await inside('ask', 'legend'), /De 0 a 10, nos indicaria\?/);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-vitrine-popup="ask"]'));
  file = await downloaded(page);
  assert.deepEqual(file.rules.at(-1).actions[0].questions, [
    { id: 'q1', type: 'nps', text: 'De 0 a 10, nos indicaria?' },
    { id: 'q2', type: 'single', text: 'Do que mais gostou?', options: [{ value: 'price', label: 'Preço' }, { value: 'quality', label: 'Qualidade' }] },
  ]);

  // Recommendations: the template's attribute from the picker (an item's name).
  await panel(page, '#pick').click();
  await page.click('#hero-sub');
  await panel(page, '#op').selectOption('recommend');
  await panel(page, '#field-slot').fill('hero-recs');
  await panel(page, '#field-use-similar').fill('1');
  await panel(page, '#field-use-trending_in_session').fill('1');
  await panel(page, '#field-use-affinity').fill('1');
  await panel(page, '#field-template').fill('<span class="rec">');
  await panel(page, '#tpl-attr').selectOption('item.name');
  await panel(page, '#tpl-filter').selectOption('upper');
  await panel(page, '#tpl-insert').click();
  await panel(page, '#field-template').press('End');
  await panel(page, '#field-template').pressSequentially('</span>');
  assert.equal(await panel(page, '#field-template').inputValue(), '<span class="rec">{{item.name | upper}}</span>');
  await panel(page, '#rule-id').fill('recs');
  // The shop's experiment may change the same subtitle: this rule wins by priority.
  await panel(page, '#more summary').click();
  await panel(page, '#priority').fill('5');
  // Something to recommend from: a product of the catalog viewed (GA4 view_item).
  const product = shop.catalog.products[0];
  await page.evaluate((p) => window.dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: p.id, item_name: p.name, item_category: p.category, price: p.price }] } }), product);
  await panel(page, '#preview').click();
  await page.waitForFunction(() => document.querySelector('#hero-sub .rec[data-vitrine-rec]'));
  const names = await page.evaluate(() => [...document.querySelectorAll('#hero-sub .rec')].map((e) => e.textContent));
  assert.ok(names.length > 0 && names.every((n) => n === n.toUpperCase() && n.length > 0), names.join(', '));
  await panel(page, '#discard').click();
  await waitStatus(page, /Descartado/);
  assert.equal(await page.evaluate(() => document.querySelector('#hero-sub [data-vitrine-rec]')), null);
  await closeClean(context, page, errors);
});

test('what the form did not touch comes back exactly; a preview is nobody\'s exposure', async () => {
  const rules = [
    { id: 'bare', when: { channel: 'whatsapp', 'traits.first_name': null }, trigger: 'load', frequency: { max: 2 }, schedule: { start: '2026-12-24T18:00:30Z' },
      actions: [{ op: 'setText', selector: '#hero-title', text: 'A' }] },
    { id: 'odd', when: { 'device.type': 'phone', 'page.path': { $regex: '\\d' }, 'utm.source': { $in: ['a,b', 'c'] } },
      actions: [{ op: 'setText', selector: '#hero-title', text: 'B' }, { selector: '#hero-sub', op: 'addClass', class: 'x', match: 'first' }] },
  ];
  writeFileSync(join(extra, 'kept.json'), JSON.stringify({ version: 1, exposures: { dataLayer: true }, rules }));
  const { context, page, errors } = await open('/?vitrine_edit=1&vitrine_config=/configs/kept.json');
  await waitStatus(page, /^Carregada: 2 regras/);
  for (const [index, text] of [[0, 'A2'], [1, 'B2']]) {
    await panel(page, '#edit').selectOption(`rule:${index}`);
    if (index === 1) {
      // Opening the second action and coming back changes neither.
      await panel(page, 'button[aria-label="Editar ação 2"]').click();
      assert.equal(await panel(page, '#selector').inputValue(), '#hero-sub');
      await panel(page, 'button[aria-label="Editar ação 1"]').click();
      assert.equal(await panel(page, '#selector').inputValue(), '#hero-title');
    }
    await panel(page, '#field-text').fill(text);
    // A new row added and emptied again is no change either.
    await panel(page, '#when-add').click();
  }
  const file = await downloaded(page);
  assert.deepEqual(file.rules, [
    { ...rules[0], actions: [{ ...rules[0].actions[0], text: 'A2' }] },
    { ...rules[1], actions: [{ ...rules[1].actions[0], text: 'B2' }, rules[1].actions[1]] },
  ]);
  assert.equal(JSON.stringify(file.rules[1].actions[1]), JSON.stringify(rules[1].actions[1]), 'byte for byte, key order too');
  // A new rule given a taken id is added, and the validator's word is next to the id.
  await panel(page, '#edit').selectOption('rule:');
  await panel(page, '#pick').click();
  await page.click('#hero-sub');
  await panel(page, '#rule-id').fill('bare');
  await panel(page, '#download').click();
  await waitStatus(page, /problema/);
  assert.equal(await panel(page, '#rule-id').getAttribute('aria-invalid'), 'true');
  assert.match(await panel(page, '#rule-id + .field-error').textContent(), /bare/);
  // Previewing the loaded config (exposures to the dataLayer) pushes no exposure.
  await panel(page, '#rule-id').fill('fresh');
  await panel(page, '#field-text').fill('Olá');
  const pushedBefore = await page.evaluate(() => window.dataLayer.filter((e) => e?.event === 'vitrine_exposure').length);
  await panel(page, '#preview').click();
  await page.waitForFunction(() => document.getElementById('hero-sub').textContent === 'Olá');
  assert.equal(await page.evaluate(() => window.dataLayer.filter((e) => e?.event === 'vitrine_exposure').length), pushedBefore);
  await closeClean(context, page, errors);
});

test('the new parts by keyboard alone: conditions, trigger, visitor preview', async () => {
  const { context, page, errors } = await open();
  const focused = () => page.evaluate(() => document.querySelector('vitrine-editor').shadowRoot.activeElement?.id || document.querySelector('vitrine-editor').shadowRoot.activeElement?.localName || null);
  const tabTo = async (id) => {
    for (let i = 0; i < 80 && (await focused()) !== id; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(), id, `Tab reaches ${id}`);
  };
  // Pick the title by keyboard, then everything else from the panel by Tab, arrows, Enter and Space.
  await page.keyboard.press('Enter');
  const title = `h1: ${(await page.textContent('#hero-title')).trim().slice(0, 60)}`;
  for (let i = 0; i < 60 && (await status(page)) !== title; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await tabTo('field-text');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Oi {{cart.total | currency: "BRL"}}');
  await tabTo('when-attr');
  await page.keyboard.press('ArrowDown');
  await tabTo('when-value');
  await page.keyboard.type('100');
  await tabTo('when-add');
  await page.keyboard.press('Enter');
  assert.equal(await focused(), 'when-attr-1', 'a new condition takes the focus');
  await tabTo('summary');
  await page.keyboard.press('Enter'); // opens "Gatilho, frequência, agenda"
  await tabTo('trigger');
  await page.keyboard.press('ArrowDown'); // exit intent
  assert.match(await panel(page, '#reading').textContent(), /^Lê-se: total do carrinho ≥ R\$\s100; na intenção de saída$/);
  await page.keyboard.press('ArrowUp'); // back to "on load"
  // The visitor preview: open it, give a cart total, preview, read the decision.
  for (let i = 0; i < 80 && (await page.evaluate(() => document.querySelector('vitrine-editor').shadowRoot.activeElement?.closest('#visitor') === null || document.querySelector('vitrine-editor').shadowRoot.activeElement?.localName !== 'summary')); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await tabTo('sim-cart-total');
  await page.keyboard.type('120');
  await tabTo('visitor-preview');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('hero-title').textContent.startsWith('Oi R$'));
  assert.match(await page.textContent('#hero-title'), /^Oi R\$\s120,00$/);
  assert.ok((await panel(page, '#decisions tbody tr td:nth-child(3)').allTextContents()).includes('sim'));
  await closeClean(context, page, errors);
});

test('a rule with several actions: added, edited in turn, removed, errors on the right one', async () => {
  const { context, page, errors } = await open();
  await panel(page, '#pick').click();
  await page.click('#hero-title');
  await panel(page, '#field-text').fill('Promoção');
  await panel(page, '#action-add').click();
  // The new action starts on the same element; the first is listed.
  assert.equal(await panel(page, '#selector').inputValue(), '#hero-title');
  assert.match(await panel(page, '#actions').textContent(), /1\. setText #hero-title/);
  await panel(page, '#op').selectOption('addClass');
  await panel(page, '#rule-id').fill('two');
  // The second action's class left empty: the error is on the form (it holds that action).
  await panel(page, '#download').click();
  await waitStatus(page, /problema/);
  assert.equal(await panel(page, '#field-class').getAttribute('aria-invalid'), 'true');
  // Back to the first action: its text is in the form; the second's error is on its row.
  await panel(page, 'button[aria-label="Editar ação 1"]').click();
  assert.equal(await panel(page, '#field-text').inputValue(), 'Promoção');
  await panel(page, '#download').click();
  await waitStatus(page, /problema/);
  assert.deepEqual(await panel(page, '#actions [aria-invalid=true]').allTextContents(), ['2. addClass #hero-title']);
  assert.match(await panel(page, '#actions .field-error').textContent(), /class/);
  await panel(page, 'button[aria-label="Editar ação 2"]').click();
  await panel(page, '#field-class').fill('promo');
  await panel(page, 'button[aria-label="Editar ação 1"]').click();
  let file = await downloaded(page);
  assert.deepEqual(file.rules.at(-1).actions, [
    { op: 'setText', selector: '#hero-title', text: 'Promoção' },
    { op: 'addClass', selector: '#hero-title', class: 'promo' },
  ]);
  await panel(page, '#preview').click();
  await page.waitForFunction(() => document.getElementById('hero-title').classList.contains('promo') && document.getElementById('hero-title').textContent === 'Promoção');
  // Removing the first leaves the second, now in the form.
  await panel(page, 'button[aria-label="Remover 1"]').click();
  assert.equal(await panel(page, '#op').inputValue(), 'addClass');
  assert.equal(await page.evaluate(() => document.querySelector('vitrine-editor').shadowRoot.activeElement?.id), 'action-add', 'the keyboard goes on from the list');
  assert.match(await panel(page, '#actions').textContent(), /1\. addClass #hero-title/);
  file = await downloaded(page);
  assert.deepEqual(file.rules.at(-1).actions, [{ op: 'addClass', selector: '#hero-title', class: 'promo' }]);
  await closeClean(context, page, errors);
});

test('an attribute made by an edit (a survey\'s answers) is offered to the next condition', async () => {
  const { context, page, errors } = await open();
  await panel(page, '#op').selectOption('survey');
  await panel(page, '#field-survey').fill('quick');
  await panel(page, '#field-label').fill('Rápida');
  await panel(page, '#q-0-text').fill('Nota?');
  await panel(page, '#rule-id').fill('ask-quick');
  assert.equal(await panel(page, '#when-attr option[value="feedback.quick.answered"]').count(), 0);
  await panel(page, '#edit').selectOption('rule:');
  await panel(page, '#when-attr').selectOption('feedback.quick.answered');
  await panel(page, '#when-value').selectOption('true');
  assert.match(await panel(page, '#reading').textContent(), /^Lê-se: respondeu quick$/);
  assert.deepEqual(errors, []);
  await context.close();
});
