// The ESM API and the script tag on small test pages served by the test itself:
// config errors name the field and leave the page alone, inline configs need no
// fetch, events, stop(), erase(), and unreadable storage.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer, vitrineKeys, vitrineReady } from './helpers.mjs';

const BODY = `
  <h1 id="title">Original title</h1>
  <p id="note" class="note">Original <em>note</em></p>
  <a id="link" href="/a">link</a>
  <div id="box" style="color: red">box</div>
  <button id="buy" data-vitrine-track="buy">Buy</button>`;

const GOOD_CONFIG = {
  version: 1,
  rules: [
    { id: 'title', when: { 'events.signup': { $gte: 1 } }, actions: [{ op: 'setText', selector: '#title', text: 'Signed up' }] },
    {
      id: 'many',
      when: { 'clicks.buy': { $gte: 2 } },
      actions: [
        { op: 'setHtml', selector: '#note', html: '<b onclick="alert(1)">Bold</b><script>window.pwned = 1</script><img src="x" onerror="window.pwned = 1">' },
        { op: 'setAttr', selector: '#link', name: 'href', value: '/b' },
        { op: 'addClass', selector: '#note', class: 'hot' },
        { op: 'hide', selector: '#box' },
      ],
    },
    { id: 'always', consent: ['necessary'], actions: [{ op: 'setAttr', selector: '#title', name: 'data-seen', value: 'yes' }] },
    { id: 'dwelled', when: { 'dwell.page_ms': { $gte: 1500 } }, actions: [{ op: 'addClass', selector: '#link', class: 'dwelled' }] },
  ],
  experiments: [
    // Everyone in control: a variant that changes nothing is still an exposure.
    { id: 'exp', variants: [{ id: 'control', weight: 1 }, { id: 'b', weight: 0, actions: [{ op: 'hide', selector: '#title' }] }] },
  ],
};

// Embedded in a <script>: escape "<" so markup inside the config cannot end the element.
const embed = (value) => JSON.stringify(value).replaceAll('<', '\\u003c');

const esmPage = (config) => `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${BODY}
<script type="module">
  import { start, VitrineConfigError, VitrineError } from '/pkg/index.js';
  window.events = [];
  window.classes = { VitrineConfigError, VitrineError };
  try {
    window.early = [];
    window.v = await start({ config: ${embed(config)}, on: { exposure: (d) => window.early.push(d), apply: (d) => window.early.push(d) } });
    for (const name of ['apply', 'revert', 'consent', 'warning']) window.v.on(name, (d) => window.events.push([name, d]));
    window.started = true;
  } catch (error) {
    window.failure = { name: error.name, message: error.message, errors: error.errors, isError: error instanceof Error,
      isConfigError: error instanceof VitrineConfigError, isVitrineError: error instanceof VitrineError };
  }
</script></body></html>`;

// Configs built in JS that JSON cannot hold, and one whose text is not ASCII (it
// crosses into the wasm as UTF-8 bytes).
const notDataPage = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${BODY}
<script type="module">
  import { start, VitrineConfigError } from '/pkg/index.js';
  const action = { op: 'setText', selector: '#title', text: 'x' };
  const cyclic = { rules: [{ id: 'r', actions: [action] }] };
  cyclic.self = cyclic;
  const refusals = [];
  for (const config of [{ rules: [{ id: 'r', actions: [{ ...action, n: 10n }] }] }, cyclic]) {
    try {
      await start({ config });
      refusals.push('started');
    } catch (error) {
      refusals.push({ configError: error instanceof VitrineConfigError, message: error.message, errors: error.errors });
    }
  }
  window.refusals = refusals;
  // A page that replaced TextEncoder.prototype.encodeInto with a liar: refused,
  // nothing breaks, and the next start (the real one back) works.
  const real = TextEncoder.prototype.encodeInto;
  const liars = [
    function (text, into) { into.fill(0xff); return { read: text.length, written: into.length + 1000 }; },
    function () { return { read: 1e9, written: 1e9 }; },
    function (text, into) { into.fill(0xc3); return { read: 0, written: 7 }; },
  ];
  for (const liar of liars) {
    TextEncoder.prototype.encodeInto = liar;
    try {
      await start({ config: { rules: [{ id: 'r', consent: ['necessary'], actions: [action] }] } });
      refusals.push('started');
    } catch (error) {
      refusals.push({ configError: error instanceof VitrineConfigError, message: error.message, errors: error.errors });
    }
  }
  TextEncoder.prototype.encodeInto = real;
  window.titleAfterRefusals = document.querySelector('#title').textContent;
  const text = 'Olá, 😀 \u00e9\u0301 \u4e2d\u6587';
  window.v = await start({ config: { rules: [{ id: 'r', consent: ['necessary'], actions: [{ op: 'setText', selector: '#title', text }] }] } });
  window.expected = text;
</script></body></html>`;

// Start and stop, again and again, with every collector and hook attached: the
// wasm heap must not grow (each stopped instance once left 1,488 bytes behind,
// held by the page-function wrappers that outlive it).
const cyclesPage = `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${BODY}
<script type="module">
  import { start } from '/pkg/index.js';
  import init from '/pkg/vitrine_core.js';
  const config = ${embed(GOOD_CONFIG)};
  const cycle = async () => {
    const v = await start({ config });
    v.consent.set({ personalization: true, analytics: true, marketing: true });
    v.stop();
  };
  window.run = async (warm, cycles) => {
    const { memory } = await init();
    for (let i = 0; i < warm; i++) await cycle();
    const before = memory.buffer.byteLength;
    for (let i = 0; i < cycles; i++) await cycle();
    return { before, after: memory.buffer.byteLength, title: document.querySelector('#title').textContent };
  };
  window.ready = true;
</script></body></html>`;

const scriptTagPage = (configJson, attrs = '') => `<!doctype html><html><head><link rel="icon" href="data:,">
<script type="application/json" id="vitrine-config">${configJson}</script>
<script src="/pkg/vitrine.js" ${attrs}></script></head><body>${BODY}</body></html>`;

let browser;
let site;
before(async () => {
  site = await startServer({
    routes: {
      '/esm.html': htmlPage(esmPage(GOOD_CONFIG)),
      '/esm-url.html': htmlPage(esmPage('/good.json')),
      '/esm-bad.html': htmlPage(esmPage({ version: 1, rules: [{ id: 'r', when: { 'cart.total': { $gtt: 100 } }, actions: [{ op: 'setText', selector: '#title', text: 'x' }] }] })),
      '/esm-bad-selector.html': htmlPage(esmPage({ rules: [{ id: 'r', actions: [{ op: 'hide', selector: '#title[' }] }] })),
      '/good.json': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(GOOD_CONFIG));
      },
      '/esm-not-data.html': htmlPage(notDataPage),
      '/esm-cycles.html': htmlPage(cyclesPage),
      '/tag-inline.html': htmlPage(scriptTagPage(embed(GOOD_CONFIG))),
      '/tag-bad.html': htmlPage(scriptTagPage(JSON.stringify({ rules: [{ id: 'r', consent: ['personalisation'], actions: [{ op: 'setText', selector: '#title', text: 'x' }] }] }))),
      '/tag-not-json.html': htmlPage(scriptTagPage('{ "rules": [ ')),
      '/esm-datalayer.html': htmlPage(
        esmPage({
          version: 1,
          exposures: { dataLayer: { event: 'vitrine_seen' } },
          rules: [{ id: 'promo', when: { 'events.go': { $gte: 1 } }, actions: [{ op: 'setText', selector: '#title', text: 'Go' }] }],
          experiments: [{ id: 'exp', variants: [{ id: 'only' }] }],
        }),
      ),
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

async function open(path, { context } = {}) {
  const ctx = context ?? (await browser.newContext());
  const page = await ctx.newPage();
  const log = { console: [], errors: [], requests: [] };
  page.on('console', (m) => log.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.errors.push(e.message));
  page.on('request', (r) => log.requests.push(new URL(r.url()).pathname));
  await page.goto(site.origin + path);
  return { page, log, context: ctx };
}

const bodyHtml = (page) => page.evaluate(() => document.body.innerHTML.replace(/<script[\s\S]*<\/script>/, ''));

describe('ESM start()', () => {
  test('a bad field rejects with its path and leaves the page untouched', async () => {
    const { page, context } = await open('/esm-bad.html');
    await page.waitForFunction(() => window.failure || window.started);
    const failure = await page.evaluate(() => window.failure);
    assert.equal(failure.isError, true);
    assert.equal(failure.isConfigError, true, 'instanceof VitrineConfigError');
    assert.equal(failure.isVitrineError, true, 'a VitrineConfigError is a VitrineError');
    assert.equal(failure.name, 'VitrineConfigError');
    assert.match(failure.message, /rules\[0\]\.when\.cart\.total: unknown operator "\$gtt" \(did you mean "\$gt"\?\)/);
    assert.deepEqual(failure.errors, [{ path: 'rules[0].when.cart.total', message: 'unknown operator "$gtt" (did you mean "$gt"?)' }]);
    assert.equal(await page.textContent('#title'), 'Original title');
    assert.deepEqual(await vitrineKeys(page), []);
    await context.close();
  });

  test('the words come from the validator part, fetched only for a config the runtime refused', async () => {
    // A valid config: the page never requests the validator.
    const good = await open('/esm.html');
    await good.page.waitForFunction(() => window.failure || window.started);
    assert.equal(await good.page.evaluate(() => window.started), true);
    assert.ok(good.log.requests.includes('/pkg/vitrine_core_bg.wasm'), good.log.requests.join(', '));
    assert.ok(!good.log.requests.some((r) => r.includes('vitrine_validate')), good.log.requests.join(', '));
    await good.context.close();
    // The validator unavailable: the refusal still stands, with the paths the
    // runtime found, and the page is untouched (fail open).
    const context = await browser.newContext();
    await context.route('**/vitrine_validate_bg.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const { page, log } = await open('/esm-bad.html', { context });
    await page.waitForFunction(() => window.failure || window.started);
    const failure = await page.evaluate(() => window.failure);
    assert.ok(log.requests.includes('/pkg/vitrine_validate_bg.wasm'), log.requests.join(', '));
    assert.equal(failure.isConfigError, true);
    assert.deepEqual(failure.errors, [{ path: 'rules[0].when.cart.total', message: 'invalid' }]);
    assert.equal(await page.textContent('#title'), 'Original title');
    assert.deepEqual(await vitrineKeys(page), []);
    await context.close();
  });

  test('a config JSON cannot hold is refused as a config error; any text crosses intact', async () => {
    const { page, log, context } = await open('/esm-not-data.html');
    await page.waitForFunction(() => window.v);
    const all = await page.evaluate(() => window.refusals);
    assert.equal(all.length, 5);
    const refusals = all.slice(0, 2);
    for (const [i, refusal] of all.slice(2).entries()) {
      assert.notEqual(refusal, 'started', `liar ${i}: refused`);
      assert.equal(refusal.configError, true, `liar ${i}: a VitrineConfigError, not a crash: ${refusal.message}`);
      // Bytes that are not UTF-8 (0xff, a lone 0xc3), or a buffer left zeroed (not
      // JSON: the reader's words, intact — once they were read from freed memory).
      assert.match(refusal.message, i === 1 ? /^vitrine: invalid config: config is [a-z ]+$/ : /config is not UTF-8 text/);
    }
    for (const [i, refusal] of refusals.entries()) {
      assert.notEqual(refusal, 'started', `config ${i} was refused`);
      assert.equal(refusal.configError, true, `config ${i}: a VitrineConfigError`);
      assert.match(refusal.message, /^vitrine: invalid config: config is not JSON data \(.+\)$/s);
      assert.equal(refusal.errors.length, 1);
      assert.equal(refusal.errors[0].path, '');
      assert.match(refusal.errors[0].message, /^config is not JSON data/);
    }
    assert.match(refusals[0].message, /BigInt/i);
    assert.match(refusals[1].message, /circular/i);
    assert.equal(await page.evaluate(() => window.titleAfterRefusals), 'Original title');
    assert.equal(await page.textContent('#title'), await page.evaluate(() => window.expected));
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('starting and stopping again and again leaves nothing behind in the wasm heap', async () => {
    const { page, log, context } = await open('/esm-cycles.html');
    await page.waitForFunction(() => window.ready);
    const { before, after, title } = await page.evaluate(() => window.run(50, 2000));
    // Before the fix 2,000 cycles grew the heap by 2.9 MB (1,488 B each); memory
    // grows in 64 KiB pages, so a few pages of slack for the allocator's layout.
    assert.ok(after - before <= 4 * 65536, `the wasm memory grew by ${after - before} bytes over 2,000 start/stop cycles`);
    assert.equal(title, 'Original title', 'every stop reverted');
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('an invalid CSS selector is a config error with its path', async () => {
    const { page, context } = await open('/esm-bad-selector.html');
    await page.waitForFunction(() => window.failure || window.started);
    const failure = await page.evaluate(() => window.failure);
    assert.deepEqual(failure.errors, [{ path: 'rules[0].actions[0].selector', message: 'invalid CSS selector "#title["' }]);
    await context.close();
  });

  test('operations apply, sanitize, and revert exactly; events and stop()', async () => {
    const { page, context, log } = await open('/esm.html');
    await page.waitForFunction(() => window.started);
    const pristine = await page.evaluate(() => {
      const clone = document.body.cloneNode(true);
      clone.querySelector('#title').removeAttribute('data-seen');
      clone.querySelectorAll('script').forEach((s) => s.remove());
      return clone.innerHTML;
    });
    // The necessary-only rule applies without any consent.
    assert.equal(await page.getAttribute('#title', 'data-seen'), 'yes');
    await page.evaluate(() => window.v.consent.set({ personalization: true }));
    await page.click('#buy');
    assert.equal(await page.textContent('#note'), 'Original note', 'one click is not enough');
    await page.click('#buy');
    assert.equal(await page.innerHTML('#note'), '<b>Bold</b><img src="x">', 'script and event handlers are gone; the image keeps its safe src');
    assert.equal(await page.getAttribute('#link', 'href'), '/b');
    assert.equal(await page.getAttribute('#note', 'class'), 'note hot');
    assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('box')).display), 'none');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await page.evaluate(() => window.v.track('signup')), true);
    assert.equal(await page.textContent('#title'), 'Signed up');
    // (The dwell rule may fire at any moment once consent is given; it is tested on its own.)
    const events = await page.evaluate(() =>
      window.events.map(([n, d]) => `${n}:${d.rule ?? d.source}`).filter((e) => !e.endsWith(':dwelled')),
    );
    assert.deepEqual(events, ['consent:api', 'apply:exp', 'apply:many', 'apply:title']);
    // Callbacks given to start() saw the start itself (the necessary rule) and the
    // experiment's control exposure.
    const early = await page.evaluate(() => window.early);
    assert.deepEqual(early.slice(0, 2), [{ rule: 'always' }, { kind: 'rule', id: 'always', applied: true, reason: 'applied' }]);
    assert.ok(early.some((d) => d.kind === 'experiment' && d.id === 'exp' && d.variant === 'control' && d.reason === 'assigned'));

    // A throwing callback does not break vitrine; unsubscribe works.
    await page.evaluate(() => {
      window.v.on('revert', () => {
        throw new Error('site bug');
      });
      const off = window.v.on('revert', () => window.events.push(['late']));
      off();
    });
    await page.evaluate(() => window.v.consent.set({ personalization: false }));
    assert.equal(await page.textContent('#title'), 'Original title');
    assert.equal(await page.getAttribute('#title', 'data-seen'), 'yes', 'necessary rule stays');
    assert.ok(!(await page.evaluate(() => window.events.some(([n]) => n === 'late'))));

    await page.evaluate(() => window.v.stop());
    assert.equal(await bodyHtml(page), pristine, 'stop() restores the page byte for byte');
    const after = await page.evaluate(() => {
      try {
        window.v.track('x');
        return 'no error';
      } catch (e) {
        return e.message;
      }
    });
    assert.equal(after, 'vitrine: this vitrine was stopped');
    await page.click('#buy');
    assert.deepEqual(log.errors, []);
    await context.close();
  });

  test('config by URL; API arguments are checked with clear errors', async () => {
    const { page, context, log } = await open('/esm-url.html');
    await page.waitForFunction(() => window.started);
    assert.ok(log.requests.includes('/good.json'));
    const messages = await page.evaluate(() => {
      const attempt = (fn) => {
        try {
          fn();
          return 'no error';
        } catch (e) {
          const { VitrineError, VitrineConfigError } = window.classes;
          const kind = e instanceof VitrineError && !(e instanceof VitrineConfigError) ? '' : ' (not a VitrineError instance)';
          return `${e.name}: ${e.message}${kind}`;
        }
      };
      return [
        attempt(() => window.v.cart.add({ id: 'a', price: -5 })),
        attempt(() => window.v.cart.add({ id: 'a' })),
        attempt(() => window.v.cart.add('nope')),
        attempt(() => window.v.consent.set({ personalisation: true })),
        attempt(() => window.v.track('')),
        attempt(() => window.v.on('apply', 'not a function')),
      ];
    });
    assert.deepEqual(messages, [
      'VitrineError: vitrine: cart.add(item): cart item "a": price must be a number from 0 to 1000000000',
      'VitrineError: vitrine: cart.add(item): cart item "a" needs a "price"',
      'VitrineError: vitrine: cart.add(item): cart item must be an object, found a string',
      'VitrineError: vitrine: consent.set: unknown consent category "personalisation" (did you mean "personalization"?)',
      'VitrineError: vitrine: track(name): name must be a non-empty string',
      'VitrineError: vitrine: on(name, callback): callback must be a function',
    ]);
    await context.close();
  });

  test('export returns everything stored; erase deletes it everywhere', async () => {
    const { page, context } = await open('/esm.html');
    await page.waitForFunction(() => window.started);
    await page.evaluate(() => {
      window.v.consent.set({ personalization: true });
      window.v.cart.add({ id: 'sku-1', name: 'Café', category: 'cafes', price: 10.5, quantity: 2 });
      window.v.track('signup');
    });
    const exported = await page.evaluate(() => window.v.profile.export());
    assert.equal(exported.profile.cart[0].id, 'sku-1');
    assert.equal(exported.profile.events.signup, 1);
    assert.equal(exported.profile.visitor.visits, 1);
    assert.equal(exported.consent.granted.personalization, true);
    assert.equal(exported.consent.records.length, 1);
    assert.equal(exported.stored_under.cart, 'personalization');
    await page.evaluate(() => window.v.stop());
    assert.deepEqual(await vitrineKeys(page), ['vitrine:necessary', 'vitrine:personalization']);

    await page.reload();
    await page.waitForFunction(() => window.started);
    assert.equal(await page.textContent('#title'), 'Signed up', 'restored from storage');
    await page.evaluate(() => window.v.profile.erase());
    assert.deepEqual(await vitrineKeys(page), []);
    assert.equal(await page.textContent('#title'), 'Original title');
    assert.deepEqual(await page.evaluate(() => window.v.consent.get().personalization), false);
    await context.close();
  });

  test('unreadable stored data is discarded with a warning; the page keeps working', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      if (sessionStorage.getItem('seeded')) return;
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('vitrine:necessary', '{"schema":1,"consent":{"version":1,"granted":{"personalization":true}}}');
      localStorage.setItem('vitrine:personalization', '{not json');
      localStorage.setItem('vitrine:marketing', '{"schema":99}');
    });
    const { page } = await open('/esm.html', { context });
    await page.waitForFunction(() => window.started);
    assert.equal(await page.evaluate(() => window.v.consent.get().personalization), true, 'the readable partition is kept');
    assert.deepEqual(await vitrineKeys(page), ['vitrine:necessary', 'vitrine:personalization']);
    const visitor = JSON.parse(await page.evaluate(() => localStorage.getItem('vitrine:personalization'))).profile.visitor;
    assert.equal(visitor.visits, 1, 'rebuilt from scratch');
    await page.click('#buy');
    await page.click('#buy');
    assert.equal(await page.innerHTML('#note'), '<b>Bold</b><img src="x">');
    await context.close();
  });
});

test('visible time on the page counts as dwell only with consent, and rules react to it', async () => {
  const { page, context } = await open('/esm.html');
  await page.waitForFunction(() => window.started);
  // Without consent there is no dwell collector: the attribute stays 0.
  await page.waitForFunction(() => performance.now() > 2500);
  assert.equal(await page.evaluate(() => window.v.attributes().dwell.page_ms), 0);
  await page.evaluate(() => window.v.consent.set({ personalization: true }));
  await page.waitForFunction(() => window.v.attributes().dwell.page_ms >= 1500, null, { timeout: 10_000 });
  await page.waitForFunction(() => document.getElementById('link').classList.contains('dwelled'));
  assert.ok(await page.evaluate(() => window.v.applied().includes('dwelled')));
  // The total is persisted when the page is hidden / unloaded.
  await page.reload();
  await page.waitForFunction(() => window.started);
  assert.ok((await page.evaluate(() => window.v.attributes().dwell.total_ms)) >= 1500);
  assert.equal(await page.evaluate(() => window.v.attributes().dwell.page_ms), 0, 'a new page view starts at 0');
  await context.close();
});

test('exposures go onto window.dataLayer only while their consent (analytics) is granted', async () => {
  const { page, context } = await open('/esm-datalayer.html');
  await page.waitForFunction(() => window.started);
  await page.evaluate(() => {
    window.v.consent.set({ personalization: true });
    window.v.track('go');
  });
  assert.equal(await page.textContent('#title'), 'Go');
  // (vitrine creates an empty dataLayer to read GA4 cart events from, as gtag.js does.)
  assert.deepEqual(await page.evaluate(() => [...(window.dataLayer ?? [])]), [], 'nothing pushed without analytics consent');
  await page.evaluate(() => {
    window.v.consent.set({ personalization: false });
    window.v.consent.set({ analytics: true, personalization: true });
    window.v.track('go');
  });
  const pushed = await page.evaluate(() => window.dataLayer);
  assert.equal(await page.evaluate(() => window.v.attributes().events.vitrine_seen), undefined, 'own entries are not page events');
  assert.deepEqual(pushed.map((e) => [e.event, e.vitrine_kind, e.vitrine_id, e.vitrine_variant ?? null]).sort(), [
    ['vitrine_seen', 'experiment', 'exp', 'only'],
    ['vitrine_seen', 'rule', 'promo', null],
  ]);
  await context.close();
});

describe('script tag', () => {
  test('inline config: starts with no config fetch, exposes window.vitrine, fires vitrine:ready', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      document.addEventListener('vitrine:ready', (e) => {
        window.readyDetail = e.detail === window.vitrine;
      });
    });
    const { page, log } = await open('/tag-inline.html', { context });
    await vitrineReady(page);
    await page.waitForFunction(() => window.readyDetail !== undefined);
    assert.equal(await page.evaluate(() => window.readyDetail), true);
    assert.equal(await page.getAttribute('#title', 'data-seen'), 'yes');
    assert.deepEqual(
      [...new Set(log.requests)].sort(),
      ['/pkg/runtime.js', '/pkg/vitrine.js', '/pkg/vitrine_core.js', '/pkg/vitrine_core_bg.wasm', '/tag-inline.html'],
    );
    await context.close();
  });

  test('a bad field is logged with its path; the page keeps its content', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      document.addEventListener('vitrine:error', (e) => {
        window.vitrineError = e.detail.errors;
        window.errorClass = [e.detail instanceof window.VitrineConfigError, e.detail instanceof window.VitrineError];
      });
    });
    const { page, log } = await open('/tag-bad.html', { context });
    await page.waitForFunction(() => window.vitrineError);
    assert.deepEqual(await page.evaluate(() => window.vitrineError), [
      { path: 'rules[0].consent[0]', message: 'unknown consent category "personalisation" (did you mean "personalization"?)' },
    ]);
    assert.ok(log.console.some((l) => l.startsWith('error: vitrine: invalid config: rules[0].consent[0]: unknown consent category')), log.console.join('\n'));
    assert.equal(await page.evaluate(() => window.vitrine), undefined);
    assert.deepEqual(await page.evaluate(() => window.errorClass), [true, true], 'instanceof works from the script tag');
    // The globals are the entry's own classes.
    assert.equal(await page.evaluate(async () => (await import('/pkg/index.js')).VitrineConfigError === window.VitrineConfigError), true);
    assert.equal(await page.textContent('#title'), 'Original title');
    assert.deepEqual(log.errors, [], 'nothing thrown into the page');
    await context.close();
  });

  test('an inline config that is not JSON is reported, not thrown', async () => {
    const { page, log, context } = await open('/tag-not-json.html');
    await page.waitForFunction(() => document.readyState === 'complete');
    await page.waitForFunction(() => performance.getEntriesByType('resource').length >= 1);
    await page.waitForTimeout(0);
    // The loader fails before loading any module.
    const deadline = Date.now() + 5000;
    while (!log.console.some((l) => l.includes('#vitrine-config is not valid JSON')) && Date.now() < deadline) {
      await page.evaluate(() => new Promise(requestAnimationFrame));
    }
    assert.ok(log.console.some((l) => l.startsWith('error: vitrine: invalid config: #vitrine-config is not valid JSON')), log.console.join('\n'));
    await page.waitForFunction(() => window.VitrineConfigError);
    assert.deepEqual(log.errors, []);
    assert.equal(await page.textContent('#title'), 'Original title');
    await context.close();
  });
});
