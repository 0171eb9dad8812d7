// The generated config types and JSON Schema against every config we have: the
// demo shop's vitrine.json, every config in the README and docs/, and every config
// the tests used (harvested by `npm test`: the native tests write each config the
// parser accepted, the e2e test pages each config they carried, into
// target/harvest/). Each one the validator accepts must type-check against
// `VitrineConfig` (tsc, strict, excess-property checks) and validate against
// pkg/schema.json (ajv, draft 2020-12); a misspelled field must fail both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import { validateConfig } from '../../pkg/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const schema = JSON.parse(readFileSync(join(root, 'pkg/schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const ROOT_FIELDS = Object.keys(schema.properties);

function harvested(kind) {
  const dir = join(root, 'target/harvest', kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => ({ name: `${kind} test config ${f}`, config: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
}

/** Every ```json block of a markdown file that is a whole config. */
function fromDocs(file) {
  const text = readFileSync(join(root, file), 'utf8');
  const out = [];
  let n = 0;
  for (const m of text.matchAll(/```json\n([\s\S]*?)```/g)) {
    n++;
    let value;
    try {
      value = JSON.parse(m[1]);
    } catch {
      continue; // an excerpt with "..." placeholders
    }
    const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    if (keys.length && keys.every((k) => ROOT_FIELDS.includes(k)) && ('version' in value || 'rules' in value)) {
      out.push({ name: `${file} block ${n}`, config: value });
    }
  }
  return out;
}

const docFiles = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const documented = [
  { name: 'www/vitrine.json', config: JSON.parse(readFileSync(join(root, 'www/vitrine.json'), 'utf8')) },
  ...docFiles.flatMap(fromDocs),
];
const native = harvested('native');
const e2e = harvested('e2e');

function typeCheck(configs) {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-types-'));
  const lines = [`import type { VitrineConfig } from ${JSON.stringify(join(root, 'pkg/index.js'))};`];
  configs.forEach((c, i) => lines.push(`// ${c.name}\nexport const c${i}: VitrineConfig = ${JSON.stringify(c.config, null, 1)};`));
  const file = join(dir, 'configs.ts');
  writeFileSync(file, lines.join('\n') + '\n');
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'false', '--lib', 'es2022,dom,esnext.disposable', file], { encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (error) {
    return String(error.stdout || error.message);
  }
}

test('the harvest of the test levels is there (npm test runs them first)', () => {
  assert.ok(native.length >= 10, `native test configs harvested: ${native.length} (run cargo test with VITRINE_HARVEST_DIR=target/harvest/native)`);
  assert.ok(e2e.length >= 10, `e2e test configs harvested: ${e2e.length} (run the e2e tests with VITRINE_HARVEST_DIR=target/harvest/e2e)`);
});

test('the demo shop and every documented config are valid configs', async () => {
  // The demo shop's and the README's config at least (the docs' other blocks are
  // excerpts: one action, one section).
  assert.ok(documented.some((c) => c.name.startsWith('README.md')), documented.map((c) => c.name).join(', '));
  for (const { name, config } of documented) {
    assert.deepEqual((await validateConfig(config)).errors, [], name);
  }
});

const all = [...documented, ...native, ...e2e];
const verdicts = await Promise.all(all.map((c) => validateConfig(c.config)));
const accepted = all.filter((_, i) => verdicts[i].ok);

test('every accepted config validates against schema.json', () => {
  assert.ok(accepted.length >= documented.length + 20, `configs: ${accepted.length}`);
  for (const { name, config } of accepted) {
    assert.ok(validate(config), `${name}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('every accepted config type-checks against the generated VitrineConfig', () => {
  const errors = typeCheck(accepted);
  assert.equal(errors, '', errors);
});

test('a misspelled field fails the schema and the type check', () => {
  const demo = structuredClone(documented[0].config);
  demo.rules[0].actoins = demo.rules[0].actions;
  delete demo.rules[0].actions;
  assert.equal(validate(demo), false);
  assert.ok(validate.errors.some((e) => e.params?.additionalProperty === 'actoins' || e.params?.missingProperty === 'actions'), ajv.errorsText(validate.errors));
  const errors = typeCheck([{ name: 'misspelled', config: demo }]);
  assert.match(errors, /actoins/);
  // A wrong type too: a priority that is a string.
  const typed = structuredClone(documented[0].config);
  typed.rules[0].priority = 'high';
  assert.equal(validate(typed), false);
  assert.match(typeCheck([{ name: 'wrong type', config: typed }]), /priority|not assignable/);
});
