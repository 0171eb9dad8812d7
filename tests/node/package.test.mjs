// The npm package as a developer gets it: `npm pack ./pkg`, installed into a fresh
// project, imported by its name in Node, and its TypeScript types checked against
// a usage file with `tsc --strict`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
let project;
let packed;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'vitrine-consumer-'));
  const out = execFileSync('npm', ['pack', join(root, 'pkg'), '--json', '--pack-destination', project], { encoding: 'utf8' });
  packed = JSON.parse(out)[0];
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(project, packed.filename)], { cwd: project, stdio: 'pipe' });
});

after(() => rmSync(project, { recursive: true, force: true }));

test('the tarball holds the entry, the loader, the wasm and the types', () => {
  const files = packed.files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    'LICENSE',
    'README.md',
    'applier.js',
    'bandit.js',
    'cli.js',
    'config.d.ts',
    'consent-ui.js',
    'delivery.js',
    'editor.js',
    'index.d.ts',
    'index.js',
    'inline.d.ts',
    'inline.js',
    'overlay.js',
    'package.json',
    'prompt-ui.js',
    'report-html.js',
    'report-sql.js',
    'report.js',
    'runtime.js',
    'schema.json',
    'sentiment-en.tsv',
    'sentiment-pt-br.tsv',
    'vitrine.js',
    'vitrine_core.d.ts',
    'vitrine_core.js',
    'vitrine_core_bg.wasm',
    'vitrine_core_bg.wasm.d.ts',
    'vitrine_report.js',
    'vitrine_report_bg.wasm',
    'vitrine_sentiment.js',
    'vitrine_sentiment_bg.wasm',
    'vitrine_validate.js',
    'vitrine_validate_bg.wasm',
  ]);
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/vitrine/package.json'), 'utf8'));
  assert.equal(manifest.unpkg, './vitrine.js');
  assert.equal(manifest.jsdelivr, './vitrine.js');
  assert.equal(manifest.types, './index.d.ts');
  // Editors find the config's JSON Schema as `vitrine/schema.json`.
  assert.equal(manifest.exports['./schema.json'], './schema.json');
  const schema = JSON.parse(readFileSync(join(project, 'node_modules/vitrine/schema.json'), 'utf8'));
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.ok(schema.properties.rules, 'the schema describes rules');
});

test("the README's Node snippet works against the installed package", () => {
  writeFileSync(
    join(project, 'check.mjs'),
    `import { readFile } from 'node:fs/promises';
import { init, evalCondition, validateConfig } from 'vitrine';
await init(await readFile(new URL(import.meta.resolve('vitrine/vitrine_core_bg.wasm'))));
const ok = evalCondition({ cart: { total: 180 } }, { 'cart.total': { $gte: 150 } });
const result = await validateConfig({ version: 1, rules: [{ id: 'x', actions: [] }] });
console.log(JSON.stringify({ ok, result }));
`,
  );
  const out = JSON.parse(execFileSync('node', ['check.mjs'], { cwd: project, encoding: 'utf8' }));
  assert.deepEqual(out, {
    ok: true,
    result: { ok: false, errors: [{ path: 'rules[0].actions', message: 'needs at least one action' }] },
  });
});

test('the TypeScript types accept correct use and reject wrong use', () => {
  const good = `import { start, type VitrineInstance, type VitrineConfig } from 'vitrine';
const config: VitrineConfig = {
  version: 1,
  rules: [{ id: 'r', when: { 'cart.total': { $gte: 150 } }, trigger: { dwell: 5000 },
            actions: [{ op: 'setText', selector: '#x', text: 'hi' }] }],
  experiments: [{ id: 'e', variants: [{ id: 'a' }, { id: 'b', actions: [{ op: 'hide', selector: '#y' }] }] }],
};
const v: VitrineInstance = await start({ config, debug: true });
const w: VitrineInstance = await start({ config: '/vitrine.json' });
w.stop();
v.cart.add({ id: 'a', name: 'A', price: 10 });
const off: () => void = v.on('apply', ({ rule }) => console.log(rule.toUpperCase()));
off();
const change = v.consent.set({ personalization: true });
console.log(change.granted.length, v.cart.get().total.toFixed(2));
v.stop();
import { inlineLoader } from 'vitrine/inline.js';
const snippet: { html: string; csp: string; policy: string } = await inlineLoader({ base: '/vitrine/', config, timeout: 2000 });
console.log(snippet.csp.length);
`;
  const bad = `import { start } from 'vitrine';
const v = await start({ config: {} });
v.cart.add({ id: 'a' });
await start({ config: { rules: [{ id: 'r', actions: [{ op: 'setText', selector: '#x' }] }] } });
import { inlineLoader } from 'vitrine/inline.js';
await inlineLoader({ config: { version: 1 } });
`;
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const check = (file, source) => {
    writeFileSync(join(project, file), source);
    try {
      execFileSync('node', [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom,esnext.disposable', '--moduleResolution', 'nodenext', '--skipLibCheck', 'false', file], {
        cwd: project,
        encoding: 'utf8',
      });
      return '';
    } catch (error) {
      return error.stdout;
    }
  };
  assert.equal(check('good.mts', good), '');
  const errors = check('bad.mts', bad);
  assert.match(errors, /Property 'price' is missing/);
  assert.match(errors, /bad\.mts\(4,/, 'a setText action without text is a type error');
  assert.match(errors, /bad\.mts\(6,[^]*Property 'base' is missing/, 'inlineLoader needs base');
});

test('the loader inline: `vitrine inline` and `inlineLoader` from vitrine/inline.js give the package loader with its hash', async () => {
  writeFileSync(join(project, 'site.json'), JSON.stringify({ version: 1, rules: [{ id: 'a', actions: [{ op: 'setText', selector: '#a', text: '</script><!--' }] }] }));
  const cli = join(project, 'node_modules/.bin/vitrine');
  const printed = JSON.parse(execFileSync(cli, ['inline', '--base', '/vitrine/', '--config', 'site.json', '--timeout', '2000', '--json'], { cwd: project, encoding: 'utf8' }));
  writeFileSync(
    join(project, 'inline.mjs'),
    `import { readFile } from 'node:fs/promises';
import { inlineLoader } from 'vitrine/inline.js';
const config = JSON.parse(await readFile('site.json', 'utf8'));
const made = await inlineLoader({ base: '/vitrine/', config, timeout: 2000 });
let refused = null;
try { await inlineLoader({ base: '/vitrine/', config: { version: 1, rules: [{ id: 'a', actions: [] }] } }); } catch (e) { refused = { name: e.name, errors: e.errors }; }
const byUrl = await inlineLoader({ base: 'https://cdn.example/vitrine/0.1.0/', config: 'https://api.example/vitrine.json', hide: ['#a', '#b'], nonce: 'n0nce' });
const wrong = [];
for (const options of [{ base: 'javascript:alert(1)' }, { base: '/v/', timeout: 0 }, { base: '/v/', nonce: '"x' }, { base: '/v/', hide: '#a' }, {}]) {
  try { await inlineLoader(options); wrong.push('accepted'); } catch (e) { wrong.push(e.name); }
}
console.log(JSON.stringify({ made, refused, byUrl: { start: byUrl.html.slice(0, byUrl.html.indexOf('>') + 1), policy: byUrl.policy }, wrong }));
`,
  );
  const { made, refused, byUrl, wrong } = JSON.parse(execFileSync('node', ['inline.mjs'], { cwd: project, encoding: 'utf8' }));
  assert.deepEqual(made, printed);
  assert.equal(made.policy, `script-src ${made.csp} 'self' 'wasm-unsafe-eval'; connect-src 'self'`);
  assert.deepEqual(byUrl, {
    start: '<script data-base="https://cdn.example/vitrine/0.1.0/" data-config="https://api.example/vitrine.json" data-hide="#a, #b" nonce="n0nce">',
    policy: "script-src 'nonce-n0nce' https://cdn.example 'wasm-unsafe-eval'; connect-src https://cdn.example https://api.example",
  });
  assert.deepEqual(wrong, ['VitrineError', 'VitrineError', 'VitrineError', 'VitrineError', 'VitrineError']);
  const loader = readFileSync(join(project, 'node_modules/vitrine/vitrine.js'), 'utf8');
  assert.ok(made.html.endsWith(`<script data-base="/vitrine/" data-timeout="2000">${loader}</script>\n`));
  const { createHash } = await import('node:crypto');
  assert.equal(made.csp, `'sha256-${createHash('sha256').update(loader).digest('base64')}'`);
  // The config's own text cannot close its element.
  assert.equal(made.html.match(/<\/script>/g).length, 2);
  assert.deepEqual(refused, { name: 'VitrineConfigError', errors: [{ path: 'rules[0].actions', message: 'needs at least one action' }] });
});

test('`vitrine validate` prints every problem and exits non-zero', () => {
  const cli = join(project, 'node_modules/.bin/vitrine');
  writeFileSync(join(project, 'good.json'), JSON.stringify({ version: 1, rules: [{ id: 'a', actions: [{ op: 'hide', selector: '#a' }] }] }));
  writeFileSync(
    join(project, 'bad.json'),
    JSON.stringify({ version: 1, rules: [{ id: 'a', when: { 'cart.total': { $gtt: 1 } }, actions: [{ op: 'hide' }] }] }),
  );
  writeFileSync(join(project, 'broken.json'), '{ "rules": [');
  const run = (...args) => {
    try {
      return { code: 0, out: execFileSync(cli, args, { cwd: project, encoding: 'utf8', stdio: 'pipe' }) };
    } catch (error) {
      return { code: error.status, out: error.stderr };
    }
  };
  assert.deepEqual(run('validate', 'good.json'), { code: 0, out: 'good.json: valid (1 rule)\n' });
  assert.deepEqual(run('validate', 'bad.json'), {
    code: 1,
    out:
      'bad.json: rules[0].when.cart.total: unknown operator "$gtt" (did you mean "$gt"?)\n' +
      'bad.json: rules[0].actions[0]: missing field "selector" (required by hide)\n' +
      '2 problems\n',
  });
  const broken = run('validate', 'broken.json');
  assert.equal(broken.code, 1);
  assert.match(broken.out, /^broken\.json: not valid JSON/);
  assert.equal(run('check', 'good.json').code, 2);
});
