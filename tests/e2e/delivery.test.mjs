// Delivery to the site's pipeline in real Chromium (js/delivery.js): a real HTTP
// collector on 127.0.0.1 receiving the beacon's batches; goals of every kind carrying
// the exposures; no event lost when a tab closes mid-batch, none repeated across
// reloads; the collector down for a while and back; the 16 subsets of the optional
// categories against four destinations; the queue's caps; an unreadable stored queue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const OPTIONAL = ['preferences', 'analytics', 'personalization', 'marketing'];

// The collector: every request's events, each request's body, and a switch that
// makes it behave as a server that is down (the connection is reset unanswered).
const collector = { batches: [], attempts: [], down: false };
function collect(req, res) {
  if (req.method !== 'POST') {
    res.writeHead(405);
    return res.end();
  }
  collector.attempts.push(Date.now());
  if (collector.down) return req.socket.destroy();
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    try {
      collector.batches.push({ bytes: Buffer.byteLength(body), ...JSON.parse(body) });
      res.writeHead(204);
    } catch {
      res.writeHead(400);
    }
    res.end();
  });
}
const received = () => collector.batches.flatMap((b) => b.events);
const reset = () => {
  collector.batches = [];
  collector.attempts = [];
  collector.down = false;
};

const base = {
  version: 1,
  rules: [{ id: 'promo', actions: [{ op: 'setText', selector: '#promo', text: 'Promo!' }] }],
  experiments: [{ id: 'hero-test', variants: [{ id: 'control', weight: 0.5 }, { id: 'b', weight: 0.5, actions: [{ op: 'setText', selector: '#hero', text: 'B' }] }] }],
  goals: [
    { id: 'purchase', event: 'purchase' },
    { id: 'cta', click: '#buy' },
    { id: 'thanks', page: '[?&]thanks=1' },
    { id: 'read', dwell: { selector: '#article', ms: 300 } },
  ],
};
const withBeacon = (beacon = {}) => ({ ...base, destinations: [{ type: 'beacon', url: '/collect', batchSize: 5, flushMs: 300, ...beacon }] });

const shell = (config, head = '') => `<!doctype html><html lang="en"><head><link rel="icon" href="data:,">${head}</head><body>
<h1 id="hero">A</h1><p id="promo">none</p><button id="buy">buy</button><article id="article">text</article>
<script type="module">
  import { start } from '/pkg/index.js';
  window.warnings = [];
  window.v = await start({ config: ${JSON.stringify(config)}, on: { warning: (w) => window.warnings.push(w.message) } });
  await window.v.deliveryReady;
  window.started = true;
</script></body></html>`;

// Four destinations, each behind one optional category; the page's libraries are
// stubs that record what they are given (gtag is left to the dataLayer lane).
const matrixConfig = {
  version: 1,
  signals: { visitor: 'necessary' },
  goals: [{ id: 'purchase', event: 'purchase' }],
  destinations: [
    { type: 'beacon', url: '/collect', consent: 'analytics', flushMs: 100 },
    { type: 'dataLayer', consent: 'marketing' },
    { type: 'posthog', consent: 'preferences' },
    { type: 'segment', consent: 'personalization' },
  ],
};
const stubs = `<script>
  window.captured = []; window.tracked = [];
  window.posthog = { capture: (name, props) => window.captured.push([name, props]) };
  window.analytics = { track: (name, props) => window.tracked.push([name, props]) };
</script>`;

// 60 rules applied at once: every conversion carries 60 exposures (about 2.7 KB), so
// the queue's 256 KB cap bites long before its 500 events.
const heavyConfig = {
  version: 1,
  rules: Array.from({ length: 60 }, (_, i) => ({ id: `a-rule-with-a-long-descriptive-id-${String(i).padStart(2, '0')}`, actions: [{ op: 'setText', selector: `#r${i}`, text: 'on' }] })),
  goals: [{ id: 'purchase', event: 'purchase' }],
  destinations: [{ type: 'beacon', url: '/collect', batchSize: 100, flushMs: 100 }],
};

// The visitor id behind personalization, the destinations behind analytics; a
// PostHog whose capture throws on its second call.
const privateConfig = {
  version: 1,
  signals: { visitor: 'personalization' },
  goals: [{ id: 'purchase', event: 'purchase' }],
  destinations: [{ type: 'beacon', url: '/collect', flushMs: 60_000, batchSize: 50 }, { type: 'posthog' }],
};
const throwingStub = `<script>
  window.captured = []; let calls = 0;
  window.posthog = { capture: (name, props) => { calls += 1; if (calls === 2) throw new Error('posthog broke'); window.captured.push(props.value); } };
</script>`;
// A second origin's collector that sends no CORS headers (most don't).
const foreign = { events: [] };
let other;

let browser;
let site;
before(async () => {
  other = await startServer({
    routes: {
      '/collect': (req, res) => {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => {
          foreign.events.push(...JSON.parse(body).events);
          res.writeHead(204);
          res.end();
        });
      },
    },
  });
  site = await startServer({
    routes: {
      '/collect': collect,
      '/shop.html': htmlPage(shell(withBeacon())),
      '/slow.html': htmlPage(shell(withBeacon({ batchSize: 20, flushMs: 60_000 }))),
      '/capped.html': htmlPage(shell(withBeacon({ batchSize: 100, flushMs: 100 }))),
      '/matrix.html': htmlPage(shell(matrixConfig, stubs)),
      '/private.html': htmlPage(shell(privateConfig, throwingStub)),
      '/cross.html': (req, res) => htmlPage(shell({ ...base, destinations: [{ type: 'beacon', url: `${other.origin}/collect`, crossOrigin: true, flushMs: 100 }] }))(req, res),
      '/heavy.html': htmlPage(shell(heavyConfig).replace('<article', `${Array.from({ length: 60 }, (_, i) => `<p id="r${i}">r</p>`).join('')}<article`)),
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
  await other?.close();
});

async function open(context, path) {
  const page = await context.newPage();
  await page.goto(`${site.origin}${path}`);
  await page.waitForFunction(() => window.started);
  return page;
}
const grantAll = (page) => page.evaluate(() => window.v.consent.acceptAll());
const until = (predicate, what, timeout = 10_000) => new Promise((resolve, reject) => {
  const t0 = Date.now();
  const poll = () => {
    const value = predicate();
    if (value) return resolve(value);
    if (Date.now() - t0 > timeout) return reject(new Error(`timed out waiting for ${what}`));
    setTimeout(poll, 25);
  };
  poll();
});

describe('the beacon destination', () => {
  test('exposures and goals of every kind reach the collector, each conversion with the exposures', async () => {
    reset();
    const context = await browser.newContext();
    const page = await open(context, '/shop.html?thanks=1');
    // Nothing before consent: no request at all.
    assert.deepEqual(await page.evaluate(() => window.v.delivery.state().map((l) => [l.type, l.open, l.queued])), [['beacon', false, 0]]);
    await grantAll(page);
    const variant = await page.evaluate(() => window.v.attributes().experiments['hero-test']);
    assert.ok(variant === 'control' || variant === 'b');
    await page.click('#buy');
    await page.click('#buy'); // a click goal counts once per page view
    await page.evaluate(() => {
      window.dataLayer.push({ event: 'purchase', ecommerce: { value: 129.9, currency: 'BRL' } });
      window.v.track('purchase', { value: 10 });
    });
    await until(() => ['vitrine_exposure', 'cta', 'purchase', 'read'].every((e) => received().some((x) => x.event === e)), 'the events');
    await page.evaluate(() => window.v.delivery.flush());
    const events = received();
    const unit = await page.evaluate(() => window.v.profile.export().profile.visitor.id);
    assert.ok(events.every((e) => e.unit === unit && typeof e.id === 'string' && Number.isFinite(e.time_ms)));
    // The experiment's exposure, in the shape `vitrine report` reads.
    const exposure = events.find((e) => e.event === 'vitrine_exposure' && e.params.vitrine_kind === 'experiment');
    assert.deepEqual(exposure.params, { vitrine_kind: 'experiment', vitrine_id: 'hero-test', vitrine_variant: variant });
    assert.ok(events.some((e) => e.event === 'vitrine_exposure' && e.params.vitrine_id === 'promo' && e.params.vitrine_kind === 'rule'));
    // The page view goal fired at load, before consent: nothing was kept of it.
    assert.equal(events.filter((e) => e.event === 'thanks').length, 0);
    assert.equal(events.filter((e) => e.event === 'cta').length, 1);
    const purchases = events.filter((e) => e.event === 'purchase');
    assert.deepEqual(purchases.map((e) => e.params.value).sort((a, b) => a - b), [10, 129.9]);
    assert.equal(purchases.find((e) => e.params.value === 129.9).params.currency, 'BRL');
    for (const e of events.filter((x) => x.event !== 'vitrine_exposure')) {
      assert.deepEqual(
        e.params.vitrine_exposures.filter((x) => x.kind === 'experiment'),
        [{ kind: 'experiment', id: 'hero-test', variant }],
        `${e.event} carries the variant`,
      );
      assert.ok(e.params.vitrine_exposures.some((x) => x.kind === 'rule' && x.id === 'promo'));
    }
    // Batches hold at most batchSize events; every event id once.
    assert.ok(collector.batches.every((b) => b.events.length <= 5));
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    // With consent from the start, the page view goal counts on the next load.
    const again = await open(context, '/shop.html?thanks=1');
    await until(() => received().some((e) => e.event === 'thanks'), 'the page view goal');
    // A single-page app's route: pushState to a matching URL is a page view; a
    // #fragment of it is not a second one.
    await again.evaluate(() => history.pushState({}, '', '/shop.html'));
    await again.evaluate(() => history.pushState({}, '', '/shop.html?thanks=1'));
    await again.evaluate(() => history.pushState({}, '', '/shop.html?thanks=1#details'));
    await again.evaluate(() => window.v.delivery.flush());
    await until(() => received().filter((e) => e.event === 'thanks').length === 2, 'the route\'s page view goal');
    await again.evaluate(() => window.v.delivery.flush());
    assert.equal(received().filter((e) => e.event === 'thanks').length, 2, 'the fragment is the same page view');
    await again.close();
    await context.close();
  });

  test('a tab closed mid-batch loses nothing: sent by beacon on pagehide, or by the next page from storage; nothing twice', async () => {
    reset();
    const context = await browser.newContext();
    let page = await open(context, '/slow.html');
    await grantAll(page);
    await page.evaluate(() => { for (let i = 0; i < 3; i++) window.v.track('purchase', { value: i }); });
    // The batch is not full and its timer is a minute away: only the close sends it.
    assert.equal(received().length, 0);
    const queued = await page.evaluate(() => window.v.delivery.state()[0].queued);
    assert.ok(queued >= 5, `exposures and purchases queued: ${queued}`);
    await page.close({ runBeforeUnload: true });
    await until(() => received().length === queued, 'the beacon of the closed tab');
    // Reopened: no exposure is sent again (same visitor, same variant), nothing repeated.
    page = await open(context, '/slow.html');
    await page.evaluate(() => window.v.delivery.flush());
    assert.equal(received().length, queued);
    await page.evaluate(() => window.v.track('purchase', { value: 7 }));
    // Now a tab whose beacon the browser refuses (sendBeacon returns false, as over
    // its quota): the queue stays stored and the next page sends it.
    await page.evaluate(() => { navigator.sendBeacon = () => false; });
    await page.close({ runBeforeUnload: true });
    assert.equal(received().length, queued);
    page = await open(context, '/slow.html');
    await page.evaluate(() => window.v.delivery.flush());
    await until(() => received().some((e) => e.event === 'purchase' && e.params.value === 7), 'the stored queue sent by the next page');
    const ids = received().map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'no event twice');
    assert.equal(received().filter((e) => e.event === 'vitrine_exposure' && e.params.vitrine_kind === 'experiment').length, 1);
    await context.close();
  });

  test('the collector down for a while, then back: retried with growing delays, every event once', async () => {
    reset();
    collector.down = true;
    const context = await browser.newContext();
    const page = await open(context, '/shop.html');
    await grantAll(page);
    await page.evaluate(() => { for (let i = 0; i < 4; i++) window.v.track('purchase', { value: i }); });
    await until(() => collector.attempts.length >= 4, 'four attempts');
    const gaps = collector.attempts.slice(1, 4).map((t, i) => t - collector.attempts[i]);
    // Backoff: [0.5, 1] × 500 ms · 2^n, so the third wait is longer than the first.
    assert.ok(gaps[2] > gaps[0], `delays ${gaps.join(', ')} ms`);
    const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vitrine:queue:')).length);
    assert.equal(stored, 1, 'the queue is kept while the collector is down');
    collector.down = false;
    await until(() => received().filter((e) => e.event === 'purchase').length === 4, 'the events after the collector is back', 40_000);
    await page.evaluate(() => window.v.delivery.flush());
    const ids = received().map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(await page.evaluate(() => window.v.delivery.state()[0].queued), 0);
    await context.close();
  });

  test('the queue is bounded: 500 events, the oldest dropped and counted in the next batch; requests under 60 KB', async () => {
    reset();
    collector.down = true;
    const context = await browser.newContext();
    const page = await open(context, '/capped.html');
    await grantAll(page);
    await page.evaluate(() => { for (let i = 0; i < 600; i++) window.v.track('purchase', { value: i }); });
    const state = await page.evaluate(() => window.v.delivery.state()[0]);
    assert.equal(state.queued, 500);
    assert.ok(state.drops >= 100, `drops ${state.drops}`);
    assert.ok(state.bytes <= 256 * 1024);
    collector.down = false;
    await until(() => received().filter((e) => e.event === 'purchase').length >= 490, 'the capped queue', 40_000);
    // The oldest went first: what is missing is one run of the oldest values after the
    // batch that was in flight (kept: as good as sent), never a newer one.
    const values = new Set(received().filter((e) => e.event === 'purchase').map((e) => e.params.value));
    const missing = Array.from({ length: 600 }, (_, i) => i).filter((i) => !values.has(i));
    assert.ok(missing.length >= 100 && values.has(599), `missing ${missing.length}`);
    assert.equal(missing[missing.length - 1] - missing[0] + 1, missing.length, 'one run of the oldest');
    assert.ok(missing[0] <= 100, `the run starts among the oldest: ${missing[0]}`);
    // The drops counted so far travel with the first batch (a dwell goal may have added one).
    assert.ok(collector.batches[0].dropped >= state.drops);
    assert.ok(collector.batches.every((b) => b.bytes < 60 * 1024 && b.events.length <= 100));
    await context.close();
  });

  test('the queue is bounded by bytes too: 256 KB, the oldest dropped first', async () => {
    reset();
    collector.down = true;
    const context = await browser.newContext();
    const page = await open(context, '/heavy.html');
    await grantAll(page);
    await page.evaluate(() => { for (let i = 0; i < 200; i++) window.v.track('purchase', { value: i }); });
    const state = await page.evaluate(() => window.v.delivery.state()[0]);
    assert.ok(state.bytes <= 256 * 1024, `bytes ${state.bytes}`);
    assert.ok(state.queued < 200 && state.queued > 50, `queued ${state.queued}`);
    assert.ok(state.drops > 0, `drops ${state.drops}`);
    const stored = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('vitrine:queue:')).map(([, v]) => v.length));
    assert.ok(stored[0] < 300 * 1024, `stored ${stored[0]} characters`);
    collector.down = false;
    await until(() => received().some((e) => e.event === 'purchase' && e.params.value === 199), 'the newest conversion', 40_000);
    const kept = new Set(received().filter((e) => e.event === 'purchase').map((e) => e.params.value));
    const missing = Array.from({ length: 200 }, (_, i) => i).filter((i) => !kept.has(i));
    assert.ok(missing.length > 0 && missing[missing.length - 1] - missing[0] + 1 === missing.length && missing[0] <= 100, `missing ${missing}`);
    assert.ok(collector.batches.every((b) => b.bytes < 60 * 1024), 'each request under 60 KB');
    await context.close();
  });

  test('an unreadable stored queue is discarded with a warning; the page goes on', async () => {
    reset();
    const context = await browser.newContext();
    await context.addInitScript(() => {
      if (!sessionStorage.getItem('seeded')) {
        sessionStorage.setItem('seeded', '1');
        localStorage.setItem('vitrine:queue:0:old', '{not json');
      }
    });
    const page = await open(context, '/shop.html');
    assert.ok((await page.evaluate(() => window.warnings)).some((w) => /queue could not be read; discarded/.test(w)));
    assert.equal(await page.evaluate(() => localStorage.getItem('vitrine:queue:0:old')), null);
    assert.equal(await page.textContent('#promo'), 'none', 'nothing applies before consent, as ever');
    await context.close();
  });
});

describe('destinations follow consent', () => {
  const subsets = Array.from({ length: 16 }, (_, mask) => OPTIONAL.filter((_, i) => mask & (1 << i)));
  for (const granted of subsets) {
    test(`granted: ${granted.join(', ') || 'none'}`, async () => {
      reset();
      const context = await browser.newContext();
      const page = await open(context, '/matrix.html');
      await page.evaluate((c) => window.v.consent.set(c), Object.fromEntries(OPTIONAL.map((c) => [c, granted.includes(c)])));
      await page.evaluate(() => {
        window.v.track('purchase', { value: 5, currency: 'BRL' });
        window.dataLayer.push({ event: 'purchase', ecommerce: { value: 7, currency: 'BRL' } });
      });
      await page.evaluate(() => window.v.delivery.flush());
      if (granted.includes('analytics')) await until(() => received().length === 2, 'the beacon');
      // What each destination got: only those whose category is granted.
      const got = await page.evaluate(() => ({
        dataLayer: window.dataLayer.filter((e) => e && e.event === 'vitrine_goal' && e.vitrine_goal === 'purchase').map((e) => e.value),
        posthog: window.captured.map(([name, p]) => [name, p.vitrine_goal, p.value]),
        segment: window.tracked.map(([name, p]) => [name, p.vitrine_goal, p.value]),
      }));
      assert.deepEqual(received().map((e) => [e.event, e.params.value]).sort(), granted.includes('analytics') ? [['purchase', 5], ['purchase', 7]] : []);
      assert.deepEqual(got.dataLayer.sort(), granted.includes('marketing') ? [5, 7] : []);
      assert.deepEqual(got.posthog.sort(), granted.includes('preferences') ? [['vitrine_goal', 'purchase', 5], ['vitrine_goal', 'purchase', 7]] : []);
      assert.deepEqual(got.segment.sort(), granted.includes('personalization') ? [['vitrine_goal', 'purchase', 5], ['vitrine_goal', 'purchase', 7]] : []);
      // Stored queues only for granted destinations (the beacon's keeps its dedupe keys).
      const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vitrine:queue:')));
      const lanes = [...new Set(keys.map((k) => Number(k.split(':')[2])))];
      const allowed = ['analytics', 'marketing', 'preferences', 'personalization'].map((c, i) => (granted.includes(c) ? i : -1));
      assert.ok(lanes.every((l) => allowed.includes(l)), `queues of lanes ${lanes} with ${granted}`);
      // Withdrawal: every lane closed and its stored queue gone in the same task.
      collector.down = true;
      const after = await page.evaluate(() => {
        window.v.track('purchase', { value: 9 });
        window.v.consent.rejectAll();
        return { keys: Object.keys(localStorage).filter((k) => k.startsWith('vitrine:queue:')), state: window.v.delivery.state() };
      });
      assert.deepEqual(after.keys, []);
      assert.ok(after.state.every((l) => !l.open && l.queued === 0));
      await context.close();
    });
  }
});

describe('what the delivery must never do', () => {
  test('after an erase nothing is queued or sent (consent is back to its defaults)', async () => {
    reset();
    const context = await browser.newContext();
    const page = await open(context, '/private.html');
    await grantAll(page);
    await page.evaluate(() => window.v.track('purchase', { value: 1 }));
    const after = await page.evaluate(() => {
      window.v.profile.erase();
      window.v.track('purchase', { value: 2 });
      return { state: window.v.delivery.state(), keys: Object.keys(localStorage).filter((k) => k.startsWith('vitrine:queue:')) };
    });
    assert.ok(after.state.every((l) => !l.open && l.queued === 0), JSON.stringify(after.state));
    assert.deepEqual(after.keys, []);
    await page.evaluate(() => window.v.delivery.flush());
    assert.ok(!received().some((e) => e.params.value === 2));
    await context.close();
  });

  test('withdrawing the visitor id\'s category takes the id out of every queued event', async () => {
    reset();
    const context = await browser.newContext();
    const page = await open(context, '/private.html');
    await grantAll(page);
    await page.evaluate(() => window.v.track('purchase', { value: 3 }));
    const stored = () => page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('vitrine:queue:0:')).map(([, v]) => JSON.parse(v)));
    const unit = await page.evaluate(() => window.v.profile.export().profile.visitor.id);
    assert.ok((await stored())[0].events.every((e) => e.unit === unit));
    await page.evaluate(() => window.v.consent.set({ personalization: false }));
    const [queue] = await stored();
    assert.ok(queue.events.length >= 1 && queue.events.every((e) => e.unit === null), JSON.stringify(queue.events));
    assert.ok(!JSON.stringify(queue).includes(unit), 'the id is nowhere in the stored queue');
    await page.evaluate(() => window.v.delivery.flush());
    assert.ok(received().every((e) => e.unit === null));
    await context.close();
  });

  test('a library that throws loses that event and repeats none', async () => {
    reset();
    const context = await browser.newContext();
    const page = await open(context, '/private.html');
    await grantAll(page);
    for (const value of [10, 11, 12]) await page.evaluate((v) => window.v.track('purchase', { value: v }), value);
    await page.evaluate(() => window.v.delivery.flush());
    await page.evaluate(() => window.v.delivery.flush());
    assert.deepEqual(await page.evaluate(() => window.captured), [10, 12]);
    assert.equal((await page.evaluate(() => window.v.delivery.state()))[1].queued, 0);
    await context.close();
  });

  test('a collector on another origin without CORS headers gets each batch once', async () => {
    reset();
    foreign.events = [];
    const context = await browser.newContext();
    const page = await open(context, '/cross.html');
    await grantAll(page);
    await page.evaluate(() => window.v.track('purchase', { value: 42 }));
    await until(() => foreign.events.some((e) => e.params.value === 42), 'the foreign collector');
    await page.evaluate(() => window.v.delivery.flush());
    assert.equal((await page.evaluate(() => window.v.delivery.state()))[0].queued, 0, 'the opaque answer counts as sent');
    const ids = foreign.events.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length);
    await context.close();
  });
});
