// Regenerates js/schema.json (the config's JSON Schema, from src/engine/schema.rs
// via `cargo run --example schema`) and js/config.d.ts (its TypeScript types, via
// scripts/schema-to-ts.mjs). Both are generated, never edited by hand.
//
//   node scripts/gen-types.mjs          writes both
//   node scripts/gen-types.mjs --check  exits 1 if the committed files differ
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaToTs } from './schema-to-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const schema = execFileSync('cargo', ['run', '-q', '--example', 'schema'], {
  cwd: root,
  env,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
  maxBuffer: 16 * 1024 * 1024,
});
const header =
  '// Generated from src/engine/schema.rs by scripts/gen-types.mjs: do not edit.\n' +
  '// The vitrine config (docs/config.md); js/schema.json is the same as a JSON Schema.\n';
const outputs = {
  'js/schema.json': schema,
  'js/config.d.ts': schemaToTs(JSON.parse(schema), { header }),
};

if (process.argv.includes('--check')) {
  const stale = Object.entries(outputs).filter(([file, text]) => {
    const path = join(root, file);
    return !existsSync(path) || readFileSync(path, 'utf8') !== text;
  });
  for (const [file] of stale) console.error(`${file} is out of date: run node scripts/gen-types.mjs`);
  process.exit(stale.length ? 1 : 0);
}
for (const [file, text] of Object.entries(outputs)) {
  writeFileSync(join(root, file), text);
  console.log(`wrote ${file} (${Buffer.byteLength(text)} bytes)`);
}
