// No flicker, proven frame by frame: across 30 loads of the demo shop by a
// returning visitor, no animation frame shows the hero's original title (a rule
// replaces it), while content no rule targets is never hidden. A script injected
// before any page script records, on every animation frame from the start, what
// the visitor could see.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { hiding, hidingEnds, launch, reloadUntilText, startServer, vitrineReady } from './helpers.mjs';

const ORIGINAL = 'Cafés especiais, do produtor à sua xícara';
const WELCOME = 'Que bom te ver de novo! Seus cafés favoritos estão te esperando.';
const LOADS = 30;
const STRICT_STYLE = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'";

let browser;
let site;
before(async () => {
  // /index.html (the demo shop) under a policy that allows no inline style at all.
  site = await startServer({ headers: (path) => (path === '/index.html' ? { 'content-security-policy': STRICT_STYLE } : {}) });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

function recorder() {
  window.__frames = [];
  const tick = () => {
    const title = document.getElementById('hero-title');
    const brand = document.querySelector('.brand');
    if (title) {
      window.__frames.push({
        text: title.textContent,
        visible: getComputedStyle(title).visibility !== 'hidden',
        brandVisible: brand ? getComputedStyle(brand).visibility !== 'hidden' : null,
      });
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

test(`${LOADS} loads of the demo shop: no frame shows the original of a targeted element`, async () => {
  const context = await browser.newContext();
  await context.addInitScript(recorder);
  const page = await context.newPage();
  await page.goto(`${site.origin}/`);
  await vitrineReady(page);
  await page.evaluate(() => window.vitrine.consent.set({ personalization: true }));
  let framesSeen = 0;
  for (let load = 0; load < LOADS; load++) {
    const frames = await reloadUntilText(page, 'hero-title', WELCOME);
    const flashed = frames.filter((f) => f.visible && f.text === ORIGINAL);
    assert.deepEqual(flashed, [], `load ${load}: the original title was painted`);
    assert.ok(frames.some((f) => f.visible && f.text === WELCOME), `load ${load}: the new title was shown`);
    assert.ok(frames.every((f) => f.brandVisible !== false), `load ${load}: untargeted content was hidden`);
    assert.equal(await hiding(page), false, 'the hiding style is gone');
    framesSeen += frames.length;
  }
  assert.ok(framesSeen >= LOADS * 2, `${framesSeen} frames recorded`);
  await context.close();
});

test('if vitrine cannot load, the hidden targets are revealed at the timeout with their original content', async () => {
  const context = await browser.newContext();
  await context.addInitScript(recorder);
  const page = await context.newPage();
  await page.route('**/pkg/runtime.js', (route) => route.abort());
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${site.origin}/`);
  await hidingEnds(page);
  const title = page.locator('#hero-title');
  assert.equal(await title.textContent(), ORIGINAL);
  assert.equal(await title.evaluate((e) => getComputedStyle(e).visibility), 'visible');
  assert.ok(errors.length > 0, 'the failure is reported in the console');
  await context.close();
});

test("under a CSP whose style-src allows no inline style: the targets are still hidden until swapped, the consent panel still styled", async () => {
  const context = await browser.newContext();
  await context.addInitScript(recorder);
  await context.addInitScript(() => {
    window.__styleViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => e.violatedDirective.startsWith('style-src-elem') && window.__styleViolations.push(e.sourceFile || e.blockedURI));
  });
  const page = await context.newPage();
  const response = await page.goto(`${site.origin}/index.html`);
  assert.match(response.headers()['content-security-policy'], /style-src 'self';/);
  await vitrineReady(page);
  // The consent banner (a shadow root) has its styles: fixed at the bottom.
  await page.waitForFunction(() => document.getElementById('vitrine-consent')?.shadowRoot?.querySelector('.banner'));
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('vitrine-consent').shadowRoot.querySelector('.banner')).position), 'fixed');
  await page.evaluate(() => window.vitrine.consent.set({ personalization: true }));
  for (let load = 0; load < 5; load++) {
    const frames = await reloadUntilText(page, 'hero-title', WELCOME);
    assert.deepEqual(frames.filter((f) => f.visible && f.text === ORIGINAL), [], `load ${load}: the original title was painted`);
    assert.ok(frames.some((f) => f.visible && f.text === WELCOME), `load ${load}: the new title was shown`);
    assert.equal(await hiding(page), false);
  }
  assert.deepEqual(await page.evaluate(() => window.__styleViolations), [], 'no <style> element vitrine needed was blocked');
  await context.close();
});
