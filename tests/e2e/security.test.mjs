// Security in real Chromium.
// 1. The XSS corpus (tests/xss/payloads.mjs, 150+ payloads) through every way
//    markup or text reaches the page: setHtml and insert from the config, setAttr
//    values from the config, and templates filled from UTM parameters, track props
//    and GA4 dataLayer items, into text, attributes and markup. A script injected
//    before the page records any execution (alert/confirm/prompt/print, a global
//    write); every link vitrine wrote is clicked. Zero executions allowed.
// 2. The demo shop under a strict CSP with Trusted Types: no violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { payloads } from '../xss/payloads.mjs';
import { launch, page as htmlPage, startServer, vitrineReady } from './helpers.mjs';

function tripwires() {
  window.__executions = [];
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = (...args) => window.__executions.push(`${name}(${args.join(',')})`);
  }
  Object.defineProperty(window, '__pwned', { set: () => window.__executions.push('__pwned'), configurable: true });
  document.addEventListener('securitypolicyviolation', (e) => window.__executions.push(`csp: ${e.violatedDirective}`));
}

// A config whose markup holds `{{` must parse as a template: those payloads are
// refused by validation (tested below) and reach templates as values instead.
const inConfig = payloads.filter((p) => !p.includes('{{'));
const configRules = inConfig.map((html, i) => ({
  id: `x${i}`,
  actions: [
    { op: 'setHtml', selector: `#c${i}`, html },
    { op: 'insert', selector: `#c${i}`, position: 'after', html },
    { op: 'setAttr', selector: `#c${i}`, name: 'title', value: html },
    { op: 'setAttr', selector: `#c${i}`, name: 'data-x', value: html },
  ],
}));

const templateRules = [
  { id: 'utm-text', actions: [{ op: 'setText', selector: '#t-text', text: '{{utm.campaign}}' }] },
  { id: 'utm-attr', actions: [
    { op: 'setAttr', selector: '#t-link', name: 'href', value: '{{utm.campaign}}' },
    { op: 'setAttr', selector: '#t-link', name: 'title', value: '{{utm.campaign}}' },
  ] },
  { id: 'utm-html', actions: [{ op: 'setHtml', selector: '#t-html', html: '<a href="{{utm.campaign}}" title="{{utm.campaign}}">{{utm.campaign}}</a> <img src="{{utm.campaign}}" alt="{{utm.campaign | upper}}">' }] },
  { id: 'props', actions: [{ op: 'setHtml', selector: '#t-props', html: '<a href="/s?q={{event_props.search.q}}">{{event_props.search.q}}</a><span title="{{event_props.search.q}}"></span>' }] },
  { id: 'datalayer', actions: [{ op: 'insert', selector: '#t-dl', position: 'append', html: '<b data-n="{{cart.items.0.name}}">{{cart.items.0.name}}</b>' }] },
];

const containers = inConfig.map((_, i) => `<div id="c${i}">original ${i}</div>`).join('');
const page = (rules, body) => `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${body}
<script type="module">
  import { start } from '/pkg/index.js';
  window.v = await start({ config: ${JSON.stringify({ version: 1, rules }).replace(/</g, '\\u003c')} });
  window.v.consent.set({ personalization: true });
  window.started = true;
</script></body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({
    routes: {
      '/corpus.html': htmlPage(page(configRules, `<main id="root">${containers}</main>`)),
      '/templates.html': htmlPage(page(templateRules, `<main id="root"><p id="t-text">t</p><a id="t-link" href="/">l</a>
        <div id="t-html">h</div><div id="t-props">p</div><div id="t-dl"></div></main>`)),
    },
    headers: (path) =>
      path === '/' || path === '/index.html'
        ? {
            'content-security-policy':
              "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'",
          }
        : {},
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(path) {
  const context = await browser.newContext();
  await context.addInitScript(tripwires);
  const p = await context.newPage();
  await p.goto(`${site.origin}${path}`);
  await p.waitForFunction(() => window.started);
  return { context, page: p };
}

/** What could run: script elements, on* attributes, javascript:/data: URLs, frames. */
async function dangerousNodes(p) {
  return p.evaluate(() => {
    const found = [];
    for (const el of document.querySelectorAll('#root *')) {
      const tag = el.localName;
      if (['script', 'iframe', 'frame', 'object', 'embed', 'style', 'link', 'meta', 'base', 'svg', 'math', 'form', 'template'].includes(tag)) found.push(`<${tag}>`);
      if (tag === 'button' && el.getAttribute('type') !== 'button') found.push('button that could submit');
      for (const a of el.attributes) {
        const v = a.value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
        if (a.name.startsWith('on') || a.name === 'srcdoc' || a.name === 'style' || a.name === 'formaction') found.push(`${tag}[${a.name}]`);
        if (['href', 'src', 'action', 'xlink:href', 'srcset'].includes(a.name) && /^(javascript|vbscript|data):/.test(v)) found.push(`${tag}[${a.name}=${a.value}]`);
      }
    }
    return found;
  });
}

async function settle(p) {
  // Images get their chance to fail (onerror would run then), links are clicked.
  await p.evaluate(async () => {
    await Promise.all([...document.images].map((img) => (img.complete ? null : new Promise((r) => { img.onload = img.onerror = r; setTimeout(r, 500); }))));
    // Links to http(s) pages would only navigate away; any other scheme is clicked.
    for (const a of document.querySelectorAll('#root a[href]')) if (!/^https?:$/.test(a.protocol)) a.click();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

test(`the corpus has at least 150 payloads (${payloads.length})`, () => {
  assert.ok(payloads.length >= 150);
  assert.equal(new Set(payloads).size, payloads.length);
});

test('setHtml, insert and setAttr from the config: nothing runs, nothing dangerous is written', async () => {
  const { context, page: p } = await open('/corpus.html');
  const changed = await p.evaluate((n) => Array.from({ length: n }, (_, i) => document.getElementById(`c${i}`).textContent !== `original ${i}` || document.getElementById(`c${i}`).title !== ''), inConfig.length);
  assert.ok(changed.every(Boolean), 'every rule applied');
  await settle(p);
  assert.deepEqual(await p.evaluate(() => window.__executions), []);
  assert.deepEqual(await dangerousNodes(p), []);
  // Attribute values stay text: the payload is there, verbatim, as a value.
  assert.equal(await p.getAttribute('#c9', 'title'), inConfig[9]);
  // Control: the same payload written the unsafe way does trip the wire.
  await p.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1)>'));
  await p.waitForFunction(() => window.__executions.length === 1);
  // Template-looking payloads in a config are refused with the path of the field.
  const problems = await p.evaluate(async (bad) => {
    const { validateConfig } = await import('/pkg/index.js');
    const results = await Promise.all(bad.map((html) => validateConfig({ version: 1, rules: [{ id: 'r', actions: [{ op: 'setHtml', selector: '#x', html }] }] })));
    return results.map((result) => result.errors[0]?.path);
  }, payloads.filter((x) => x.includes('{{')));
  assert.ok(problems.length > 0 && problems.every((path) => path === 'rules[0].actions[0].html'), JSON.stringify(problems));
  await context.close();
});

test('templates filled from UTM parameters, track props and dataLayer items: nothing runs', async () => {
  const { context, page: p } = await open('/templates.html');
  await p.evaluate(() => window.v.consent.set({ personalization: true }));
  const failures = [];
  for (const [i, payload] of payloads.entries()) {
    const result = await p.evaluate(async (value) => {
      // An SPA navigation with the payload as utm_campaign (a page view: templates re-render).
      history.replaceState({}, '', `/templates.html?utm_campaign=${encodeURIComponent(value)}`);
      window.v.track('search', { q: value });
      window.dataLayer = window.dataLayer || [];
      window.dataLayer.push({ event: 'purchase' });
      window.dataLayer.push({ event: 'add_to_cart', ecommerce: { items: [{ item_id: 'x', item_name: value, price: 1 }] } });
      await new Promise((r) => requestAnimationFrame(r));
      return {
        text: document.getElementById('t-text').textContent,
        title: document.getElementById('t-link').title,
      };
    }, payload);
    if (result.text !== payload.slice(0, 256) || result.title !== payload.slice(0, 256)) failures.push([i, result]);
  }
  await settle(p);
  assert.deepEqual(await p.evaluate(() => window.__executions), []);
  assert.deepEqual(await dangerousNodes(p), []);
  assert.deepEqual(failures.slice(0, 3), [], 'templated text is the value itself, as text');
  // The dataLayer item reached the template (as text).
  assert.equal(await p.textContent('#t-dl b'), payloads.at(-1).slice(0, 120));
  await context.close();
});

test('the demo shop under a strict CSP with Trusted Types: no violation, rules work', async () => {
  const context = await browser.newContext();
  await context.addInitScript(tripwires);
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  const response = await p.goto(`${site.origin}/`);
  assert.match(response.headers()['content-security-policy'], /require-trusted-types-for 'script'/);
  await vitrineReady(p);
  await p.evaluate(() => window.vitrine.consent.set({ personalization: true }));
  await p.click('[data-filter="chas"]'); // setHtml into #promo: the inert parse under Trusted Types
  await p.waitForFunction(() => document.getElementById('promo').textContent.includes('Semana do chá'));
  await p.click('[data-add="cha-sencha"]');
  await p.reload();
  await vitrineReady(p);
  await p.waitForFunction(() => document.getElementById('hero-title').textContent.startsWith('Que bom'));
  assert.deepEqual(await p.evaluate(() => window.__executions), [], 'no CSP violation, nothing executed');
  assert.deepEqual(errors, []);
  // Control: the policy is really enforced (a raw string into innerHTML is refused).
  const refused = await p.evaluate(() => {
    try {
      document.getElementById('promo').innerHTML = '<b>x</b>';
      return false;
    } catch (e) {
      return e instanceof TypeError;
    }
  });
  assert.equal(refused, true);
  await context.close();
});
