// www/report.html in real Chromium: an export chosen in the page is computed in the
// browser by the report part and drawn (table, the over-time plot, the intervals),
// with the same figures as `vitrine report --json` on the same file, under the
// page's strict CSP with Trusted Types; nothing is uploaded; names from the file are
// text, never markup.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, startServer } from './helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
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

// The beacon's rows over three days: 400 visitors, "b" converting more; a variant
// name that would be markup if it were ever parsed.
function exportFile() {
  const rows = [];
  const day = Date.UTC(2026, 10, 20);
  for (let u = 0; u < 400; u++) {
    const variant = u % 2 ? '<img src=x onerror=window.pwned=1>' : 'control';
    const t = day + (u % 3) * 86_400_000 + u * 1000;
    rows.push({ id: `e${u}`, event: 'vitrine_exposure', unit: `u${u}`, time_ms: t, params: { vitrine_kind: 'experiment', vitrine_id: 'hero', vitrine_variant: variant } });
    if (u % (u % 2 ? 3 : 5) === 0) rows.push({ id: `p${u}`, event: 'purchase', unit: `u${u}`, time_ms: t + 60_000, params: { value: 20 + (u % 7), currency: 'BRL' } });
  }
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-report-page-'));
  const file = join(dir, 'collected.ndjson');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  return file;
}

test('an export is computed and drawn in the page, with the CLI\'s figures, and nothing is uploaded', async () => {
  const file = exportFile();
  const cli = spawnSync('node', [join(root, 'pkg', 'cli.js'), 'report', file, '--goal', 'purchase', '--json'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const expected = JSON.parse(cli.stdout);
  const page = await browser.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${site.origin}/report.html`);
  await page.setInputFiles('#file', file);
  await page.waitForSelector('body[data-ready]');
  assert.deepEqual(errors, []);
  const sections = await page.$$eval('main section', (all) => all.map((s) => ({
    title: s.querySelector('h2').textContent,
    verdict: s.querySelector('.verdict').textContent,
    rows: [...s.querySelectorAll('tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
    lines: s.querySelectorAll('svg polyline').length,
    bars: s.querySelectorAll('svg g line').length,
  })));
  assert.deepEqual(sections.map((s) => s.title), expected.map((r) => `${r.experiment} · ${r.goal}`));
  for (const [i, r] of expected.entries()) {
    assert.equal(sections[i].verdict, r.verdict);
    const b = r.variants[1];
    assert.deepEqual(sections[i].rows[1].slice(0, 2), [b.name, String(b.units)], 'the name is shown as text');
    assert.equal(sections[i].rows[1][5], `${(100 * b.bayesian.chanceToWin).toFixed(1)} %`);
    assert.equal(sections[i].lines, 2, 'one line per variant over the days');
    assert.equal(sections[i].bars, 1, 'one interval');
  }
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.$$eval('main img', (imgs) => imgs.length), 0);
  // Only the page and its own files were fetched; nothing was posted.
  assert.ok(requests.every((r) => r.startsWith('GET ')), requests.join(', '));
  assert.ok(requests.every((r) => /^GET \/(report\.(html|js)|pkg\/(report(-html)?\.js|vitrine_report(\.js|_bg\.wasm)))$/.test(r)), requests.join(', '));
  await page.close();
});

test('a file dropped on the page is read the same way', async () => {
  const file = exportFile();
  const { readFileSync } = await import('node:fs');
  const page = await browser.newPage();
  await page.goto(`${site.origin}/report.html`);
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'dropped.ndjson'));
    document.getElementById('drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, readFileSync(file, 'utf8'));
  await page.waitForSelector('body[data-ready]');
  assert.match(await page.textContent('#status'), /^\d+ events read; 2 result\(s\)\.$/);
  assert.equal(await page.$$eval('main section h2', (h) => h.map((x) => x.textContent).join(' | ')), 'hero · purchase | hero · purchase value');
  await page.close();
});
