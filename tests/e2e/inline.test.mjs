// The loader inline in the page (`vitrine inline`): the demo shop with the
// snippet the real CLI prints (pkg/cli.js, the package's loader verbatim, the
// config inline before it), served under a strict CSP with Trusted Types that
// allows the snippet by the hash the CLI gives. A first visit then requests
// nothing before the first swap; the runtime still arrives from `data-base`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hiding, launch, page as htmlPage, reloadUntilText, startServer, vitrineReady } from './helpers.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const ORIGINAL = 'Cafés especiais, do produtor à sua xícara';
const WELCOME = 'Que bom te ver de novo! Seus cafés favoritos estão te esperando.';
const TAG = '<!-- vitrine-config: vitrine.json -->\n  <script src="/pkg/vitrine.js"></script>';
// The policy the CLI prints, and nothing more, with the strict rest of a CSP.
const POLICY = (printed) => `${printed}; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'`;

async function cli(...args) {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'pkg', 'cli.js'), 'inline', ...args, '--json'], { cwd: root });
  return JSON.parse(stdout);
}

/** The demo shop with its script tag replaced by `snippet`. */
function shop(snippet) {
  const html = readFileSync(join(root, 'www', 'index.html'), 'utf8');
  assert.ok(html.includes(TAG), 'the demo shop still has its script tag');
  return html.replace(TAG, () => snippet); // a function: the loader holds `$`s
}

function recorder() {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
  window.__frames = [];
  const tick = () => {
    const title = document.getElementById('hero-title');
    if (title) window.__frames.push({ text: title.textContent, visible: getComputedStyle(title).visibility !== 'hidden' });
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

let browser;
let site;
let snippet;
before(async () => {
  snippet = await cli('--base', '/pkg/', '--config', join(root, 'www', 'vitrine.json'));
  const noSlash = await cli('--base', '/pkg?v=0.1.0', '--config', join(root, 'www', 'vitrine.json'));
  // A hand-written snippet that forgot data-base.
  const noBase = snippet.html.replace('<script data-base="/pkg/">', '<script>');
  site = await startServer({
    routes: {
      '/inline.html': htmlPage(shop(snippet.html), { 'content-security-policy': POLICY(snippet.policy) }),
      '/no-slash.html': htmlPage(shop(noSlash.html), { 'content-security-policy': POLICY(noSlash.policy) }),
      '/no-base.html': htmlPage(shop(noBase)),
      // The policy of a site that did not add the hash.
      '/refused.html': htmlPage(shop(snippet.html), { 'content-security-policy': POLICY(snippet.policy.replace(snippet.csp, "'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='")) }),
    },
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

test('vitrine inline prints the package loader verbatim, with the config validated and escaped before it', async () => {
  const loader = readFileSync(join(root, 'pkg', 'vitrine.js'), 'utf8');
  assert.ok(snippet.html.includes(`<script data-base="/pkg/">${loader}</script>`));
  const config = /<script type="application\/json" id="vitrine-config">([\s\S]*?)<\/script>/.exec(snippet.html);
  assert.ok(config && config.index < snippet.html.indexOf('data-base'), 'the config comes first');
  assert.deepEqual(JSON.parse(config[1]), JSON.parse(readFileSync(join(root, 'www', 'vitrine.json'), 'utf8')));
  assert.ok(!config[1].includes('<'), 'no markup can end the config element');
  const { createHash } = await import('node:crypto');
  assert.equal(snippet.csp, `'sha256-${createHash('sha256').update(loader).digest('base64')}'`);
});

test('vitrine inline refuses a config with a problem (its path named, nothing printed) and refuses to run without --base', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const file = join(mkdtempSync(join(tmpdir(), 'vitrine-inline-')), 'bad.json');
  writeFileSync(file, JSON.stringify({ version: 1, rules: [{ id: 'x', actions: [{ op: 'setText', selector: '#a', txt: 'y' }] }] }));
  const run = (...args) => new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'pkg', 'cli.js'), 'inline', ...args], (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
  const bad = await run('--base', '/pkg/', '--config', file);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /rules\[0\]\.actions\[0\]\.txt: unknown field/);
  const noBase = await run('--config', file);
  assert.equal(noBase.code, 2);
  assert.equal(noBase.stdout, '');
  assert.match(noBase.stderr, /needs --base/);
});

test('the demo shop with the loader inline, under exactly the policy the CLI printed: the loader never requested, the runtime from data-base, no frame of the original, no CSP violation', async () => {
  const context = await browser.newContext();
  await context.addInitScript(recorder);
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${site.origin}/inline.html`);
  await vitrineReady(p);
  await p.evaluate(() => window.vitrine.consent.set({ personalization: true }));
  for (let load = 0; load < 5; load++) {
    const requested = [];
    p.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const frames = await reloadUntilText(p, 'hero-title', WELCOME);
    assert.deepEqual(frames.filter((f) => f.visible && f.text === ORIGINAL), [], `load ${load}: the original title was painted`);
    assert.ok(frames.some((f) => f.visible && f.text === WELCOME), `load ${load}: the new title was shown`);
    assert.ok(!requested.includes('/pkg/vitrine.js'), 'the loader is not requested');
    assert.ok(requested.includes('/pkg/runtime.js'), `the runtime comes from data-base: ${requested.join(' ')}`);
    p.removeAllListeners('request');
  }
  // The runtime works as with the script tag: a click rule swaps markup under Trusted Types.
  await p.click('[data-filter="chas"]');
  await p.waitForFunction(() => document.getElementById('promo').textContent.includes('Semana do chá'));
  assert.deepEqual(await p.evaluate(() => window.__violations), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('data-base without its trailing slash (and with a query) still names the folder', async () => {
  const context = await browser.newContext();
  const p = await context.newPage();
  const requested = [];
  p.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await p.goto(`${site.origin}/no-slash.html`);
  await vitrineReady(p);
  assert.ok(requested.includes('/pkg/runtime.js'), requested.join(' '));
  assert.ok(!requested.includes('/runtime.js'));
  await context.close();
});

test('an inline loader without data-base says so and changes nothing: no guessed runtime URL, the original shown', async () => {
  const context = await browser.newContext();
  await context.addInitScript(recorder);
  const p = await context.newPage();
  const requested = [];
  const errors = [];
  p.on('request', (r) => requested.push(new URL(r.url()).pathname));
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await p.addInitScript(() => document.addEventListener('vitrine:error', (e) => { window.__vitrineError = String(e.detail && e.detail.message); }));
  await p.goto(`${site.origin}/no-base.html`);
  await p.waitForFunction(() => window.__vitrineError);
  await p.waitForLoadState('load');
  assert.match(await p.evaluate(() => window.__vitrineError), /inline loader needs data-base/);
  assert.ok(errors.some((e) => /needs data-base/.test(e)), 'logged');
  assert.deepEqual(requested.filter((r) => r.endsWith('runtime.js') || r.endsWith('.wasm')), []);
  const frames = await p.evaluate(() => window.__frames);
  assert.ok(frames.length > 0 && frames.every((f) => f.visible && f.text === ORIGINAL), 'never hidden, never changed');
  await context.close();
});

test('a policy without the hash refuses the inline loader: the page keeps its original content, nothing hidden', async () => {
  const context = await browser.newContext();
  await context.addInitScript(recorder);
  const p = await context.newPage();
  await p.goto(`${site.origin}/refused.html`);
  await p.waitForFunction(() => window.__violations.length > 0);
  await p.waitForLoadState('load');
  assert.deepEqual(await p.evaluate(() => [...new Set(window.__violations)]), ['script-src-elem']);
  assert.equal(await p.evaluate(() => window.vitrine), undefined);
  assert.equal(await p.textContent('#hero-title'), ORIGINAL);
  assert.equal(await p.locator('#hero-title').evaluate((e) => getComputedStyle(e).visibility), 'visible');
  assert.equal(await hiding(p), false);
  await context.close();
});
