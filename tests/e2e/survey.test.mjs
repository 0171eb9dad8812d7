// Surveys (the `survey` action) in real Chromium: a 3-question NPS survey with
// branching answered with the keyboard only, axe-core on every step, a
// detractor's answer changing which rules apply while the survey is still open,
// the promoter's branch (checkboxes), an inline CSAT with faces answered by
// mouse and not asked again after a reload, and consent: not asked while the
// answers' category is refused, withdrawal closing it and deleting the answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const nps = {
  op: 'survey', survey: 'post-purchase', label: 'Sua opinião sobre a compra',
  questions: [
    { id: 'score', type: 'nps', text: { 'pt-BR': 'Qual a chance de você nos indicar a um amigo?', en: 'How likely are you to recommend us?' },
      next: [{ answer: [0, 1, 2, 3, 4, 5, 6], goto: 'why' }, { goto: 'best' }] },
    { id: 'why', type: 'text', text: 'O que deu errado?', placeholder: 'Conte para a gente', next: [{ goto: 'end' }] },
    { id: 'best', type: 'multiple', text: 'Do que você mais gostou?', options: [
      { value: 'price', label: 'Preço' }, { value: 'delivery', label: 'Entrega' }, { value: 'quality', label: 'Qualidade' }] },
  ],
  thanks: 'Obrigado! Sua resposta ajuda a loja.',
};

const configs = {
  nps: {
    version: 1,
    rules: [
      { id: 'nps', trigger: { event: 'bought' }, actions: [nps] },
      { id: 'support', when: { 'feedback.nps_group': 'detractor' }, actions: [{ op: 'setText', selector: '#help', text: 'Algo deu errado? Fale com a gente no chat.' }] },
      { id: 'review', when: { 'feedback.post-purchase.best': { $elemMatch: { $eq: 'quality' } } }, actions: [{ op: 'setText', selector: '#help', text: 'Que bom! Deixe uma avaliação.' }] },
    ],
  },
  // The answers under their own category, as a privacy officer may ask.
  consent: {
    version: 1,
    consent: { categories: [{ id: 'necessary' }, { id: 'personalization' }, { id: 'feedback', label: 'Sua opinião' }] },
    signals: { feedback: 'feedback' },
    rules: [{ id: 'nps', actions: [{ ...nps, display: 'corner' }] }],
  },
  inline: {
    version: 1,
    rules: [{ id: 'csat', actions: [{ op: 'survey', survey: 'checkout', display: 'inline', selector: '#slot', label: 'Como foi o checkout?',
      questions: [{ id: 'ease', type: 'csat', style: 'emoji', text: 'Como foi finalizar a compra?' }] }] }],
  },
};

const html = (config) => `<!doctype html><html lang="pt-BR"><head><link rel="icon" href="data:,"><title>surveys</title></head>
<body><main><h1>Loja</h1><button id="before">Antes</button><p id="help">Ajuda</p><div id="slot"></div></main>
<script type="module">
  import { start } from '/pkg/index.js';
  window.events = [];
  const log = (name) => (detail) => window.events.push([name, detail]);
  window.v = await start({ config: ${JSON.stringify(config)}, on: { survey_shown: log('shown'), survey_answered: log('answered'), survey_dismissed: log('dismissed') } });
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

async function open(name, context) {
  context ??= await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${site.origin}/${name}.html`);
  await page.waitForFunction(() => window.started);
  return { context, page, errors };
}

const rootOf = (rule) => `[data-vitrine-popup="${rule}"]`;
const waitStep = (page, rule, text) => page.waitForFunction(([r, t]) => {
  const host = document.querySelector(`[data-vitrine-popup="${r}"]`);
  const root = host?.shadowRoot ?? host;
  return root?.querySelector('legend, label.legend, .thanks')?.textContent === t;
}, [rule, text]);
// What has focus, seen through the survey's shadow root.
const focused = (page) => page.evaluate(() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return { tag: el?.tagName.toLowerCase(), name: el?.getAttribute('aria-label') ?? el?.textContent ?? '', value: el?.value, checked: el?.checked };
});
const reason = (page, id) => page.evaluate((i) => window.v.decisions().find((d) => d.id === i)?.reason, id);
const events = (page) => page.evaluate(() => window.events);
const stored = (page) => page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('vitrine')).map(([, v]) => v).join('\n'));

async function axeSerious(page) {
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ content: axe });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('surveys', () => {
  test('a 3-question NPS survey with branching, answered with the keyboard only; axe on every step; a detractor sees the support offer at once', async () => {
    const { context, page, errors } = await open('nps');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.focus('#before');
    await page.evaluate(() => window.v.track('bought'));
    await waitStep(page, 'nps', 'Qual a chance de você nos indicar a um amigo?');
    // Step 1: a modal whose focus starts on the scale's first answer, its ends labelled.
    const step1 = await page.evaluate((sel) => {
      const root = document.querySelector(sel).shadowRoot;
      const fieldset = root.querySelector('fieldset');
      return {
        modal: root.querySelector('dialog').matches(':modal'),
        radios: root.querySelectorAll('input[type=radio][name=a]').length,
        ends: root.getElementById(fieldset.getAttribute('aria-describedby')).textContent,
        step: root.querySelector('.step').textContent,
      };
    }, rootOf('nps'));
    assert.deepEqual(step1, { modal: true, radios: 11, ends: '0 = Nada provável10 = Extremamente provável', step: 'Pergunta 1 de 3' });
    assert.deepEqual(await focused(page), { tag: 'input', name: '0 = Nada provável', value: '0', checked: false });
    assert.deepEqual(await axeSerious(page), []);
    // One tab stop: arrows move and choose; Tab leaves the group for the button.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    assert.deepEqual(await focused(page), { tag: 'input', name: '', value: '3', checked: true });
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).name, 'Próxima');
    await page.keyboard.press('Enter');

    // Step 2, the detractors' branch: the support offer already shows behind it.
    await waitStep(page, 'nps', 'O que deu errado?');
    assert.equal(await page.textContent('#help'), 'Algo deu errado? Fale com a gente no chat.');
    assert.deepEqual((await page.evaluate(() => window.v.applied())).sort(), ['nps', 'support']);
    assert.equal((await focused(page)).tag, 'textarea');
    assert.deepEqual(await axeSerious(page), []);
    await page.keyboard.type('A entrega atrasou e o pacote chegou amassado, péssimo.');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).name, 'Pular');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).name, 'Enviar');
    await page.keyboard.press('Enter');

    // The thank-you step takes focus; the answers are in the event, never the text.
    await waitStep(page, 'nps', 'Obrigado! Sua resposta ajuda a loja.');
    assert.equal((await focused(page)).name, 'Obrigado! Sua resposta ajuda a loja.');
    assert.deepEqual(await axeSerious(page), []);
    await page.waitForFunction(() => window.events.some(([n]) => n === 'answered'));
    assert.deepEqual(await events(page), [
      ['shown', { rule: 'nps', survey: 'post-purchase', display: 'modal' }],
      ['answered', {
        rule: 'nps', survey: 'post-purchase', language: 'pt-BR', sentiment: 'negative', recorded: true, nps: 3,
        answers: [{ question: 'score', type: 'nps', value: 3 }, { question: 'why', type: 'text', value: null }],
      }],
    ]);
    const feedback = await page.evaluate(() => window.v.attributes().feedback);
    assert.equal(feedback.nps, 3);
    assert.equal(feedback.nps_group, 'detractor');
    assert.deepEqual(feedback['post-purchase'], { answered: true, score: 3 });
    assert.equal(feedback.sentiment.label, 'negative');
    await page.keyboard.press('Escape');
    await page.waitForFunction((sel) => !document.querySelector(sel), rootOf('nps'));
    assert.equal(await page.evaluate(() => document.activeElement.id), 'before', 'focus is given back');
    assert.equal((await events(page)).length, 2, 'closing after the thank-you step is not a dismissal');
    await page.waitForFunction(() => Object.values(localStorage).some((v) => v.includes('post-purchase')));
    const kept = await stored(page);
    assert.match(kept, /post-purchase/);
    assert.doesNotMatch(kept, /amassado/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a promoter's branch: checkboxes; the answer is feedback.<survey>.<question> for other rules", async () => {
    const { context, page, errors } = await open('nps');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.evaluate(() => window.v.track('bought'));
    await waitStep(page, 'nps', 'Qual a chance de você nos indicar a um amigo?');
    // Arrow left from 0 wraps to 10.
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await focused(page), { tag: 'input', name: '10 = Extremamente provável', value: '10', checked: true });
    await page.keyboard.press('Enter');
    await waitStep(page, 'nps', 'Do que você mais gostou?');
    // A required question says so when sent empty, and keeps the visitor there.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).name, 'Enviar');
    await page.keyboard.press('Enter');
    await page.waitForFunction((sel) => document.querySelector(sel).shadowRoot.querySelector('[role=alert]').textContent !== '', rootOf('nps'));
    assert.equal((await focused(page)).value, 'price');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    assert.deepEqual(await focused(page), { tag: 'input', name: '', value: 'quality', checked: true });
    await page.keyboard.press('Enter');
    await waitStep(page, 'nps', 'Obrigado! Sua resposta ajuda a loja.');
    assert.equal(await page.textContent('#help'), 'Que bom! Deixe uma avaliação.');
    const feedback = await page.evaluate(() => window.v.attributes().feedback);
    assert.equal(feedback.nps_group, 'promoter');
    assert.deepEqual(feedback['post-purchase'], { answered: true, score: 10, best: ['quality'] });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('not asked while the answers’ category is refused; withdrawal closes it and deletes the answers', async () => {
    const { context, page, errors } = await open('consent');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    assert.equal(await reason(page, 'nps'), "the survey answers' consent category is not granted");
    assert.equal(await page.evaluate((sel) => document.querySelector(sel), rootOf('nps')), null);
    await page.evaluate(() => window.v.consent.set({ feedback: true }));
    await waitStep(page, 'nps', 'Qual a chance de você nos indicar a um amigo?');
    // A corner never takes focus when it appears.
    assert.equal(await page.evaluate(() => document.activeElement), await page.evaluate(() => document.body));
    await page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('input[value="8"]').click(), rootOf('nps'));
    await page.evaluate((sel) => document.querySelector(sel).shadowRoot.querySelector('button.go').click(), rootOf('nps'));
    await waitStep(page, 'nps', 'Do que você mais gostou?');
    assert.equal(await page.evaluate(() => window.v.attributes().feedback.nps), 8);
    // Written to storage with the next flush, in the feedback category's own partition.
    await page.waitForFunction(() => /post-purchase/.test(localStorage.getItem('vitrine:feedback') ?? ''));
    // Withdrawn: the survey goes, the answers are deleted from memory and storage.
    await page.evaluate(() => window.v.consent.set({ feedback: false }));
    await page.waitForFunction((sel) => !document.querySelector(sel), rootOf('nps'));
    const feedback = await page.evaluate(() => window.v.attributes().feedback);
    assert.equal(feedback.nps, null);
    assert.equal(feedback['post-purchase'], undefined);
    assert.doesNotMatch(await stored(page), /post-purchase|"nps":8/);
    assert.deepEqual((await events(page)).map(([n]) => n), ['shown']);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an inline CSAT with faces, answered by mouse; asked once, so not again after a reload', async () => {
    const { context, page, errors } = await open('inline');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await waitStep(page, 'csat', 'Como foi finalizar a compra?');
    const faces = await page.evaluate((sel) => [...document.querySelector(sel).shadowRoot.querySelectorAll('.opt')].map((o) => [o.querySelector('input').getAttribute('aria-label'), o.textContent]), `#slot ${rootOf('csat')}`);
    assert.equal(faces.length, 5);
    assert.deepEqual(faces[0], ['1 = Muito insatisfeito', '\u{1F620}']);
    assert.deepEqual(faces[4], ['5 = Muito satisfeito', '\u{1F600}']);
    assert.deepEqual(await axeSerious(page), []);
    await page.evaluate((sel) => {
      const root = document.querySelector(sel).shadowRoot;
      root.querySelectorAll('.opt input')[3].click();
      root.querySelector('button.go').click();
    }, rootOf('csat'));
    await waitStep(page, 'csat', 'Obrigado pela sua resposta!');
    assert.equal(await page.evaluate(() => window.v.attributes().feedback.csat), 4);
    await page.reload();
    await page.waitForFunction(() => window.started);
    assert.equal(await reason(page, 'csat'), 'pop-up already shown (recontact)');
    assert.equal(await page.evaluate((sel) => document.querySelector(sel), rootOf('csat')), null);
    assert.equal(await page.evaluate(() => window.v.attributes().feedback.checkout.ease), 4);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
