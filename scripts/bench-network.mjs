// `npm run bench` (after scripts/bench.mjs), or on its own:
//   node scripts/bench-network.mjs [--loads N | --quick] [--3g] [--networks fast4g,slow4g,3g]
//                                  [--visits first,repeat] [--chains] [--vitrine-timeout MS]
//                                  [--json results.json]
//
// A visitor's FIRST and REPEAT visit of the same demo-shop page on throttled mobile
// networks, vitrine against GrowthBook 1.8.0's script tag, side by side in one run.
// Chromium (Debian's /usr/bin/chromium via playwright-core, never a downloaded
// browser) is throttled over CDP with DevTools' network presets and a 4x slower CPU
// (a mid-range phone). Five variants of the page, interleaved load by load (A, B,
// C, D, E, A, B, ...) so that drift in the machine weighs on all of them:
//
//   no SDK        the page alone: its first contentful paint is the physical limit
//   vitrine       the loader in <head> with the config inline before it (README)
//   vitrine, inline loader
//                 the same loader inline in the page (`vitrine inline`): no request
//                 before the first swap; the runtime comes from its data-base
//   GrowthBook    the documented `<script async data-client-key …>` tag before
//                 </head>, its SDK payload served here at /api/features/<key>
//   GrowthBook AF the same with `data-anti-flicker="true"` (GrowthBook's own option)
//
// Every SDK turns the hero title into the same text. Measured per load, from an
// init script that records every animation frame (performance.now(), whether the
// title and an untargeted element are visible — visibility, opacity and display of
// them and their ancestors — and the title's text):
//   - navigation → the first frame painting the personalized text (no SDK: the
//     first frame painting the original title), and FCP from the paint timeline;
//   - frames and ms that painted the original title (for an SDK: a flash);
//   - ms the title was hidden, ms the untargeted content (the page) was hidden;
//   - bytes and requests that had finished before that first personalized frame,
//     and in all, from Resource Timing (transferSize, responseEnd: the wire bytes
//     with headers, 0 for a cache hit; the same clock as the frames). CDP's
//     Network events (encodedDataLength) are kept as a cross-check in --json and
//     give the request chains printed after the tables (which request waits for
//     which).
// Exit 0 whatever the numbers (a benchmark, not a test); 1 if a variant never
// shows its personalized text (a broken setup must not pass for a result).
import { createServer } from 'node:http';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launch } from '../tests/e2e/helpers.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');

// ------------------------------------------------------------------ options
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
};
if (flag('--help') || flag('-h')) {
  console.log('node scripts/bench-network.mjs [--loads N | --quick] [--3g] [--networks fast4g,slow4g,3g] [--visits first,repeat] [--chains] [--vitrine-timeout MS] [--json FILE]');
  process.exit(0);
}
const LOADS = flag('--quick') ? 2 : Number(option('--loads') ?? 10);
if (!Number.isInteger(LOADS) || LOADS < 1) throw new Error('--loads needs a whole number ≥ 1');
const JSON_OUT = option('--json');
const ALL_CHAINS = flag('--chains');
// The loader's data-timeout (how long it may keep its targets hidden); unset, its default (3000 ms).
const VITRINE_TIMEOUT = option('--vitrine-timeout');
if (VITRINE_TIMEOUT !== undefined && !/^\d+$/.test(VITRINE_TIMEOUT)) throw new Error('--vitrine-timeout needs milliseconds');
const CPU_RATE = 4;
const TIMEOUT_MS = 30_000;

// DevTools' presets (front_end/core/sdk/NetworkManager.ts), bytes per second.
// Fast 4G uploads at 0.75x its download here; DevTools' own figure is 1.35 Mbps.
// Uploads hardly matter: every request here is a GET of a few hundred bytes.
const NETWORKS = {
  fast4g: { name: 'Fast 4G', latency: 165, downloadThroughput: 1_012_500, uploadThroughput: 759_375, connectionType: 'cellular4g' },
  slow4g: { name: 'Slow 4G', latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375, connectionType: 'cellular3g' },
  '3g': { name: '3G', latency: 2000, downloadThroughput: 50_000, uploadThroughput: 50_000, connectionType: 'cellular2g' },
};
const networkKeys = (option('--networks') ?? `fast4g,slow4g${flag('--3g') ? ',3g' : ''}`).split(',').map((s) => s.trim()).filter(Boolean);
for (const k of networkKeys) if (!NETWORKS[k]) throw new Error(`unknown network "${k}" (fast4g, slow4g, 3g)`);
const VISITS = (option('--visits') ?? 'first,repeat').split(',').map((s) => s.trim()).filter(Boolean);
for (const v of VISITS) if (v !== 'first' && v !== 'repeat') throw new Error(`unknown visit "${v}" (first, repeat)`);

// ------------------------------------------------------------------ the page
const ORIGINAL = 'Cafés especiais, do produtor à sua xícara';
const PERSONAL = 'Oferta para você: frete grátis hoje';
const CLIENT_KEY = 'sdk-bench-network';

// docs/config.md: a rule everybody gets on the first visit ("necessary" is always granted).
const VITRINE_CONFIG = {
  version: 1,
  rules: [{ id: 'hero', consent: 'necessary', actions: [{ op: 'setText', selector: '#hero-title', text: PERSONAL }] }],
};

// GrowthBook's SDK payload (FeatureApiResponse) with one visual-editor experiment:
// weights [0, 1] send every visitor (hashed by the `id` the script tag keeps in its
// gbuuid cookie) to the variation that sets the title's HTML.
const GROWTHBOOK_PAYLOAD = {
  status: 200,
  features: {},
  experiments: [
    {
      key: 'hero-title',
      changeId: 'bench-hero-title',
      name: 'Hero title',
      hashAttribute: 'id',
      hashVersion: 2,
      coverage: 1,
      weights: [0, 1],
      meta: [{ key: '0', name: 'Control' }, { key: '1', name: 'Offer' }],
      variations: [
        { css: '', js: '', domMutations: [] },
        { css: '', js: '', domMutations: [{ selector: '#hero-title', action: 'set', attribute: 'html', value: PERSONAL }] },
      ],
    },
  ],
  dateUpdated: '2025-01-01T00:00:00.000Z',
};

const PRODUCTS = [
  ['Café Geisha', 'R$ 129,00', '#7a4b2a'],
  ['Café Bourbon Amarelo', 'R$ 59,00', '#a0662f'],
  ['Chá Sencha', 'R$ 34,00', '#5f7f3a'],
  ['Prensa Francesa', 'R$ 149,00', '#56585c'],
  ['Moedor Manual', 'R$ 219,00', '#3d3f44'],
  ['Café Catuaí Vermelho', 'R$ 49,00', '#8c3b2b'],
];

const STYLE = `
  *{box-sizing:border-box} body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#2b211c;background:#faf7f2}
  .top{display:flex;gap:1rem;align-items:center;justify-content:space-between;padding:.75rem 1rem;background:#2b211c;color:#fff}
  .brand{color:#fff;font-weight:700;text-decoration:none} .top nav{display:flex;gap:.5rem} .top nav a,.cart-link{color:#e9dccb;text-decoration:none}
  .banner{padding:.5rem 1rem;background:#e9dccb;text-align:center;font-size:.9rem}
  .hero{padding:2rem 1rem;background:linear-gradient(120deg,#3b2a20,#6b4a33);color:#fff}
  .hero h1{margin:0 0 .5rem;font-size:1.8rem;line-height:1.2} .hero p{margin:0;opacity:.85}
  main{padding:1rem} .grid{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:1rem}
  .card{background:#fff;border-radius:8px;padding:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
  .card .img{aspect-ratio:4/3;border-radius:6px;margin-bottom:.5rem} .card h3{margin:0;font-size:1rem} .price{margin:.25rem 0 .5rem;font-weight:700}
  .card button{width:100%;padding:.4rem;border:0;border-radius:4px;background:#2b211c;color:#fff}
  footer{padding:1rem;font-size:.85rem;color:#6b5d52}`;

function pageHtml(variant, origin) {
  let sdk = '';
  if (variant === 'vitrine') {
    sdk = `<script type="application/json" id="vitrine-config">${JSON.stringify(VITRINE_CONFIG).replace(/</g, '\\u003c')}</script>
  <script src="/pkg/vitrine.js"${VITRINE_TIMEOUT ? ` data-timeout="${VITRINE_TIMEOUT}"` : ''}></script>`;
  } else if (variant === 'vitrine-inline') {
    sdk = `<script type="application/json" id="vitrine-config">${JSON.stringify(VITRINE_CONFIG).replace(/</g, '\\u003c')}</script>
  <script data-base="/pkg/"${VITRINE_TIMEOUT ? ` data-timeout="${VITRINE_TIMEOUT}"` : ''}>${assets.get('/pkg/vitrine.js').raw.toString()}</script>`;
  } else if (variant === 'growthbook' || variant === 'growthbook-af') {
    // As GrowthBook's script-tag docs give it ("directly before the closing </head>").
    sdk = `<script async
    data-api-host="${origin}"
    data-client-key="${CLIENT_KEY}"${variant === 'growthbook-af' ? '\n    data-anti-flicker="true"' : ''}
    src="/vendor/growthbook/auto.min.js"
  ></script>`;
  }
  const cards = PRODUCTS.map(([name, price, color]) => `
      <li class="card"><div class="img" role="img" aria-label="${name}" style="background:${color}"></div>
        <h3>${name}</h3><p class="price">${price}</p><button type="button">Adicionar</button></li>`).join('');
  return `<!doctype html>
<html lang="pt-BR">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Torra Fina — cafés especiais</title>
  <link rel="icon" href="data:,">
  <style>${STYLE}</style>
  ${sdk}
</head>
<body>
  <header class="top">
    <a class="brand" href="/">Torra Fina</a>
    <nav aria-label="Categorias"><a href="#cafes">Cafés</a><a href="#chas">Chás</a><a href="#acessorios">Acessórios</a></nav>
    <a class="cart-link" href="#cart">Carrinho (0)</a>
  </header>
  <div class="banner">Frete grátis em compras acima de R$ 150,00</div>
  <section id="hero" class="hero">
    <h1 id="hero-title">${ORIGINAL}</h1>
    <p id="hero-sub">Torrados toda semana em pequenos lotes, direto de pequenos produtores do Sul de Minas, da Mogiana e do Cerrado.</p>
  </section>
  <main>
    <h2>Produtos</h2>
    <ul class="grid">${cards}
    </ul>
  </main>
  <footer>Torra Fina · Preferências de privacidade · Central de privacidade</footer>
</body>
</html>
`;
}

const VARIANTS = [
  { id: 'none', label: 'no SDK', sdk: false },
  { id: 'vitrine', label: 'vitrine', sdk: true },
  { id: 'vitrine-inline', label: 'vitrine, inline loader', sdk: true },
  { id: 'growthbook', label: 'GrowthBook', sdk: true },
  { id: 'growthbook-af', label: 'GrowthBook + anti-flicker', sdk: true },
];

// ------------------------------------------------------------------ the server
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|wasm))/;

/** A response body with its gzip form made once (a CDN keeps compressed copies). */
function asset(body, type, cacheControl) {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return { raw, gz: COMPRESSIBLE.test(type) ? gzipSync(raw) : null, type, cacheControl };
}

const STATIC = 'public, max-age=3600';
const assets = new Map();
const pkgDir = join(root, 'pkg');
for (const name of readdirSync(pkgDir)) {
  const file = join(pkgDir, name);
  if (statSync(file).isFile()) assets.set(`/pkg/${name}`, asset(readFileSync(file), TYPES[extname(name)] ?? 'application/octet-stream', STATIC));
}
const gbBundle = join(root, 'node_modules/@growthbook/growthbook/dist/bundles/auto.min.js');
try {
  assets.set('/vendor/growthbook/auto.min.js', asset(readFileSync(gbBundle), TYPES['.js'], STATIC));
} catch {
  throw new Error(`${gbBundle} is missing: run npm ci (package.json pins @growthbook/growthbook 1.8.0)`);
}
if (!assets.has('/pkg/vitrine.js')) throw new Error('pkg/vitrine.js is missing: run npm run build');
// The payload is the site's live configuration, as vitrine's inline config is part
// of the (uncached) page: revalidated every time (the script tag keeps its own copy
// in localStorage and does not fetch it again within a minute).
assets.set(`/api/features/${CLIENT_KEY}`, asset(JSON.stringify(GROWTHBOOK_PAYLOAD), TYPES['.json'], 'no-cache'));

function send(req, res, a) {
  const gzip = a.gz && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  const body = gzip ? a.gz : a.raw;
  const headers = { 'content-type': a.type, 'content-length': body.length, 'cache-control': a.cacheControl };
  if (a.gz) headers.vary = 'accept-encoding';
  if (gzip) headers['content-encoding'] = 'gzip';
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const page = /^\/([a-z-]+)\.html$/.exec(url.pathname);
  if (page && VARIANTS.some((v) => v.id === page[1])) {
    const origin = `http://${req.headers.host}`;
    return send(req, res, asset(pageHtml(page[1], origin), TYPES['.html'], 'no-store'));
  }
  const a = assets.get(url.pathname);
  if (a) return send(req, res, a);
  res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
  res.end('not found');
});
// Throttled responses arrive slowly and connections idle between loads: short
// timeouts would close them mid-benchmark (and a closed keep-alive socket looks
// like a hung request to a throttled client).
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.requestTimeout = 0;
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const origin = `http://127.0.0.1:${server.address().port}`;

// ------------------------------------------------------------------ in the page
// Runs before any script of the page, in every document: one record per animation
// frame. rAF callbacks run right before the frame is rendered, so a record tells
// what that frame painted.
function recorder({ ORIGINAL, PERSONAL }) {
  const frames = [];
  window.__bench = { frames };
  const shown = (el) => {
    if (!el || !el.isConnected) return false;
    if (getComputedStyle(el).visibility !== 'visible') return false; // inherited
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || Number(s.opacity) === 0) return false;
    }
    return true;
  };
  const tick = () => {
    const t = performance.now();
    const title = document.getElementById('hero-title');
    const brand = document.querySelector('.brand');
    const text = title ? title.textContent : null;
    frames.push({
      t,
      e: Boolean(title),
      v: shown(title),
      s: text === null ? null : text === PERSONAL ? 'p' : text === ORIGINAL ? 'o' : 'x',
      b: brand ? shown(brand) : null,
    });
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function collect() {
  const entry = (e) => ({
    name: e.name,
    type: e.initiatorType ?? 'navigation',
    start: e.startTime,
    end: e.responseEnd,
    transfer: e.transferSize,
    encoded: e.encodedBodySize,
    decoded: e.decodedBodySize,
  });
  return {
    frames: window.__bench.frames,
    fcp: performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint')?.startTime ?? null,
    paints: performance.getEntriesByType('paint').map((p) => ({ name: p.name, startTime: p.startTime, paintTime: p.paintTime ?? null, presentationTime: p.presentationTime ?? null })),
    resources: [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map(entry),
    text: document.getElementById('hero-title')?.textContent ?? null,
  };
}

// ------------------------------------------------------------------ one load
function sum(frames, pred) {
  let ms = 0;
  for (let i = 0; i + 1 < frames.length; i++) if (pred(frames[i])) ms += frames[i + 1].t - frames[i].t;
  return ms;
}

function metrics(variant, data) {
  const f = data.frames;
  const goal = variant.sdk ? 'p' : 'o';
  const first = f.find((x) => x.e && x.v && x.s === goal);
  const swapAt = first ? first.t : null;
  const originalFrames = f.filter((x) => x.e && x.v && x.s === 'o');
  const before = data.resources.filter((r) => swapAt !== null && r.end <= swapAt);
  const bytes = (list) => list.reduce((n, r) => n + r.transfer, 0);
  const hideStart = f.findIndex((x) => x.b === false);
  const hideEnd = hideStart < 0 ? -1 : f.findIndex((x, i) => i > hideStart && x.b === true);
  return {
    paintedAt: swapAt,
    fcp: data.fcp,
    originalFrames: variant.sdk ? originalFrames.length : 0,
    originalMs: variant.sdk ? sum(f, (x) => x.e && x.v && x.s === 'o') : 0,
    firstOriginalAt: variant.sdk && originalFrames.length ? originalFrames[0].t : null,
    targetHiddenMs: sum(f, (x) => x.e && !x.v),
    pageHiddenMs: sum(f, (x) => x.b === false),
    pageHiddenFrom: hideStart < 0 ? null : f[hideStart].t,
    pageHiddenUntil: hideEnd < 0 ? null : f[hideEnd].t,
    frames: f.length,
    paints: data.paints,
    firstFrames: f.slice(0, 40),
    beforeSwap: { bytes: bytes(before), requests: before.length, cached: before.filter((r) => r.transfer === 0).length },
    all: { bytes: bytes(data.resources), requests: data.resources.length, cached: data.resources.filter((r) => r.transfer === 0).length },
    resources: data.resources,
  };
}

/** CDP Network events of one page, for the request chains and a byte cross-check. */
function networkLog(cdp) {
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    const frame = e.initiator?.stack?.callFrames?.[0] ?? e.initiator?.stack?.parent?.callFrames?.[0];
    requests.set(e.requestId, {
      url: e.request.url,
      type: e.type,
      start: e.timestamp,
      initiator: e.initiator?.type,
      by: e.initiator?.url ?? frame?.url ?? null,
    });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    r.cache = e.response.fromDiskCache ? 'disk' : e.response.fromPrefetchCache ? 'prefetch' : null;
    const timing = e.response.timing;
    r.headersAt = timing ? timing.requestTime + timing.receiveHeadersEnd / 1000 : null;
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.cache = r.cache ?? 'memory';
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.end = e.timestamp;
    r.bytes = e.encodedDataLength;
    // A cache hit keeps the timing of the response it stored (from an earlier visit).
    if (!r.cache && (e.encodedDataLength === 0 || (r.headersAt !== null && r.headersAt < r.start))) r.cache = 'cache';
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) { r.end = e.timestamp; r.failed = e.errorText; }
  });
  return {
    clear: () => requests.clear(),
    entries: () => {
      const list = [...requests.values()].filter((r) => !r.url.startsWith('data:')).sort((a, b) => a.start - b.start);
      const t0 = list[0]?.start ?? 0;
      return list.map((r) => ({
        path: r.url.startsWith(origin) ? r.url.slice(origin.length) : r.url,
        type: r.type,
        initiator: r.initiator,
        by: r.by ? (r.by.startsWith(origin) ? r.by.slice(origin.length) : r.by) : null,
        start: (r.start - t0) * 1000,
        headers: r.headersAt && !r.cache ? (r.headersAt - t0) * 1000 : null,
        end: r.end ? (r.end - t0) * 1000 : null,
        bytes: r.bytes ?? null,
        cache: r.cache ?? null,
        status: r.status ?? null,
        failed: r.failed ?? null,
      }));
    },
  };
}

async function throttle(cdp, net) {
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: net.latency,
    downloadThroughput: net.downloadThroughput,
    uploadThroughput: net.uploadThroughput,
    connectionType: net.connectionType,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_RATE });
}

async function unthrottle(cdp) {
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
}

async function waitForGoal(page, variant, where) {
  const goal = variant.sdk ? 'p' : 'o';
  try {
    await page.waitForFunction((g) => window.__bench?.frames.some((x) => x.e && x.v && x.s === g), goal, { timeout: TIMEOUT_MS, polling: 50 });
  } catch (error) {
    const text = await page.evaluate(() => document.getElementById('hero-title')?.textContent).catch(() => undefined);
    throw new Error(
      `${variant.label} (${where}): ${variant.sdk ? `the personalized text "${PERSONAL}"` : 'the hero title'} was never painted within ${TIMEOUT_MS / 1000} s; ` +
        `#hero-title reads ${JSON.stringify(text)}. ${variant.sdk ? 'Is its config/payload right? ' : ''}(${error.message.split('\n')[0]})`,
    );
  }
  // Let the page finish (load event, late requests) and record a few frames more.
  await page.waitForFunction(() => document.readyState === 'complete', null, { timeout: TIMEOUT_MS, polling: 50 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 250)))));
}

async function load(browser, variant, net, visit) {
  const context = await browser.newContext({ viewport: { width: 412, height: 915 } });
  const errors = [];
  try {
    await context.addInitScript(recorder, { ORIGINAL, PERSONAL });
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const log = networkLog(cdp);
    const url = `${origin}/${variant.id}.html`;
    const where = `${net ? net.name : 'unthrottled'}, ${visit} visit`;
    if (visit === 'first') {
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    } else {
      // An earlier visit in the same profile (unthrottled: only its cache and
      // storage matter), then away from the site, then back.
      await page.goto(`${url}?visit=1`, { timeout: 60_000 });
      await waitForGoal(page, variant, `${where}, the earlier visit`);
      await page.goto('about:blank');
      log.clear();
    }
    if (net) await throttle(cdp, net);
    await page.goto(visit === 'first' ? url : `${url}?visit=2`, { timeout: 120_000 });
    await waitForGoal(page, variant, where);
    const data = await page.evaluate(collect);
    if (net) await unthrottle(cdp);
    const m = metrics(variant, data);
    m.network = log.entries();
    m.cdpBytes = m.network.reduce((n, r) => n + (r.bytes ?? 0), 0);
    m.errors = errors;
    return m;
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------ reporting
const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
};
const ms = (x) => (x === null ? '–' : `${Math.round(x)} ms`);
const kb = (x) => (x === null ? '–' : `${(x / 1024).toFixed(1)} KB`);
const ratio = (a, b) => (a === null || b === null || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);
const reqs = (n, cached) => (n === null ? '–' : `${n % 1 ? n.toFixed(1) : n}${cached ? ` (${cached % 1 ? cached.toFixed(1) : cached} cached)` : ''}`);

function summarize(runs) {
  const pick = (f) => median(runs.map(f));
  return {
    paintedAt: pick((r) => r.paintedAt),
    fcp: pick((r) => r.fcp),
    loadsWithOriginal: runs.filter((r) => r.originalFrames > 0).length,
    originalFrames: pick((r) => r.originalFrames),
    originalMs: pick((r) => r.originalMs),
    firstOriginalAt: pick((r) => r.firstOriginalAt),
    targetHiddenMs: pick((r) => r.targetHiddenMs),
    pageHiddenMs: pick((r) => r.pageHiddenMs),
    pageHiddenFrom: pick((r) => r.pageHiddenFrom),
    pageHiddenUntil: pick((r) => r.pageHiddenUntil),
    beforeSwapBytes: pick((r) => r.beforeSwap.bytes),
    beforeSwapRequests: pick((r) => r.beforeSwap.requests),
    beforeSwapCached: pick((r) => r.beforeSwap.cached),
    allBytes: pick((r) => r.all.bytes),
    allRequests: pick((r) => r.all.requests),
    allCached: pick((r) => r.all.cached),
    cdpBytes: pick((r) => r.cdpBytes),
    loads: runs.length,
  };
}

function printTable(net, visit, cell) {
  const s = Object.fromEntries(VARIANTS.map((v) => [v.id, summarize(cell[v.id])]));
  const noSdkFcp = s.none.fcp;
  const noSdk = s.none.paintedAt;
  const how = visit === 'first' ? 'first visit: fresh profile, cache disabled' : 'repeat visit: same profile, HTTP cache and storage from an earlier visit';
  console.log(`\n### ${net.name} (${net.latency} ms, ${(net.downloadThroughput * 8 / 1e6).toFixed(2)} Mbps down), CPU ${CPU_RATE}× slower — ${how}; medians of ${LOADS} loads\n`);
  console.log('| variant | personalized text painted | ÷ no SDK | FCP | loads that painted the original | original painted: frames, ms | title hidden | page hidden | before the swap: bytes, requests | in all: bytes, requests |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const v of VARIANTS) {
    const x = s[v.id];
    const painted = v.sdk ? ms(x.paintedAt) : `${ms(x.paintedAt)} (original)`;
    const flashed = v.sdk ? `${x.loadsWithOriginal}/${x.loads}` : '–';
    const frames = v.sdk ? `${x.originalFrames}, ${ms(x.originalMs)}` : '–';
    console.log(`| ${v.label} | ${painted} | ${ratio(x.paintedAt, noSdk)} | ${ms(x.fcp)} | ${flashed} | ${frames} | ${ms(x.targetHiddenMs)} | ${ms(x.pageHiddenMs)} | ${kb(x.beforeSwapBytes)}, ${reqs(x.beforeSwapRequests, x.beforeSwapCached)} | ${kb(x.allBytes)}, ${reqs(x.allRequests, x.allCached)} |`);
  }
  const vit = s.vitrine.paintedAt;
  console.log(`\nTime to the personalized text painted (below 1 is faster): vitrine ÷ GrowthBook ${ratio(vit, s.growthbook.paintedAt)}; vitrine ÷ GrowthBook + anti-flicker ${ratio(vit, s['growthbook-af'].paintedAt)}; vitrine ÷ no-SDK FCP ${ratio(vit, noSdkFcp)} (÷ no-SDK hero painted ${ratio(vit, noSdk)}).`);
  const inl = s['vitrine-inline'].paintedAt;
  console.log(`Inline loader: ÷ GrowthBook ${ratio(inl, s.growthbook.paintedAt)}; ÷ vitrine's script tag ${ratio(inl, vit)}; ÷ no-SDK FCP ${ratio(inl, noSdkFcp)} (÷ no-SDK hero painted ${ratio(inl, noSdk)}).`);
  const firstOriginal = VARIANTS.filter((v) => v.sdk && s[v.id].firstOriginalAt !== null).map((v) => `${v.label} at ${ms(s[v.id].firstOriginalAt)}`);
  if (firstOriginal.length) console.log(`The original title was first painted (median of the loads that painted it): ${firstOriginal.join(', ')}.`);
  const af = s['growthbook-af'];
  if (af.pageHiddenFrom !== null) console.log(`GrowthBook's anti-flicker hid the whole page (opacity 0 on <html>) from ${ms(af.pageHiddenFrom)} to ${ms(af.pageHiddenUntil)} (medians).`);
  return s;
}

function printChain(label, entries) {
  console.log(`\n${label}`);
  console.log('|  start |  headers |      end | bytes    | request | requested by |');
  console.log('|-------:|---------:|---------:|---------:|---------|--------------|');
  for (const r of entries) {
    const by = r.initiator === 'parser' ? `parser (${r.by ?? 'page'})` : r.by ? `${r.initiator}: ${r.by}` : r.initiator;
    const bytes = r.cache ? (r.cache === 'cache' ? 'cache' : `${r.cache} cache`) : r.bytes === null ? '–' : kb(r.bytes);
    console.log(`| ${ms(r.start).padStart(6)} | ${ms(r.headers).padStart(8)} | ${ms(r.end).padStart(8)} | ${bytes.padStart(8)} | ${r.type} ${r.path}${r.failed ? ` FAILED ${r.failed}` : ''} | ${by} |`);
  }
}

// ------------------------------------------------------------------ the run
const browser = await launch();
const results = { date: new Date().toISOString(), chromium: browser.version(), loads: LOADS, cpuThrottlingRate: CPU_RATE, vitrineTimeout: VITRINE_TIMEOUT ?? null, networks: {}, cells: [] };
try {
  console.log(`== Network benchmark: first and repeat visit, vitrine vs GrowthBook 1.8.0 script tag (Chromium ${browser.version()}, ${origin})`);
  const gz = (paths) => kb(paths.reduce((n, p) => n + assets.get(p).gz.length, 0));
  console.log(`gzip sizes: vitrine ${gz(['/pkg/vitrine.js'])} before the first swap (the loader with its start part in JavaScript), ` +
    `${gz(['/pkg/runtime.js', '/pkg/vitrine_core.js', '/pkg/vitrine_core_bg.wasm'])} of runtime after it, GrowthBook ${kb(assets.get('/vendor/growthbook/auto.min.js').gz.length + assets.get(`/api/features/${CLIENT_KEY}`).gz.length)} (auto.min.js + payload); ` +
    `vitrine's loader: ${VITRINE_TIMEOUT ? `data-timeout="${VITRINE_TIMEOUT}"` : 'default data-timeout (3000 ms)'}`);

  // Every variant must personalize before anything is measured.
  for (const v of VARIANTS) {
    const m = await load(browser, v, null, 'first');
    const errs = m.errors.length ? `; console errors: ${m.errors.join(' | ')}` : '';
    console.log(`check, unthrottled: ${v.label.padEnd(26)} ${v.sdk ? 'personalized' : 'painted'} at ${ms(m.paintedAt)}${errs}`);
  }

  for (const key of networkKeys) {
    const net = NETWORKS[key];
    results.networks[key] = net;
    for (const visit of VISITS) {
      const cell = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
      process.stderr.write(`${net.name}, ${visit} visit: `);
      for (let i = 0; i < LOADS; i++) {
        for (const v of VARIANTS) cell[v.id].push(await load(browser, v, net, visit));
        process.stderr.write(`${i + 1} `);
      }
      process.stderr.write('\n');
      const summary = printTable(net, visit, cell);
      const errors = new Set(VARIANTS.flatMap((v) => cell[v.id].flatMap((m) => m.errors.map((e) => `${v.label}: ${e}`))));
      if (errors.size) console.log(`Console errors during these loads: ${[...errors].join(' | ')}`);
      const chainsOf = ALL_CHAINS ? VARIANTS.filter((v) => v.sdk) : VARIANTS.filter((v) => v.id === 'vitrine' || v.id === 'growthbook');
      for (const v of chainsOf) {
        const run = cell[v.id][0];
        printChain(`Requests of ${v.label}, ${net.name}, ${visit} visit (load 1; CDP times from the document request; personalized text painted at ${ms(run.paintedAt)} after navigation start):`, run.network);
      }
      for (const v of VARIANTS) {
        results.cells.push({
          network: key,
          visit,
          variant: v.id,
          summary: summary[v.id],
          loads: cell[v.id].map(({ resources, network, ...rest }) => ({ ...rest, resources, network })),
        });
      }
    }
  }
  if (JSON_OUT) {
    writeFileSync(JSON_OUT, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nresults written to ${JSON_OUT}`);
  }
} catch (error) {
  console.error(`\nbench-network: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}
