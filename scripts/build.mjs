// Builds the publishable npm package into pkg/: runs wasm-pack (release, web
// target) into target/wasm-pack, then assembles pkg/ from its output plus the
// hand-written entry (js/index.js), the script-tag loader (js/vitrine.js) and a
// package.json. Generated files are copied as they are, never edited.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minifyNames } from './minify-names.mjs';
import { report } from './size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'target', 'wasm-pack');
const pkg = join(root, 'pkg');
const profile = process.argv.includes('--dev') ? '--dev' : '--release';

// wasm-opt comes from the npm package `binaryen` (node_modules/.bin, first on PATH):
// Debian's binaryen 108 writes a wrong table index for wasm-bindgen's externref
// table export, producing a module that fails to instantiate.
const env = {
  ...process.env,
  PATH: `${join(root, 'node_modules', '.bin')}:${process.env.HOME}/.cargo/bin:${process.env.PATH}`,
};
// The release wasm is built with a pinned nightly (installed by scripts/setup.sh):
// std rebuilt for size (-Zbuild-std with optimize_for_size), panics that abort with
// no message, no panic locations and no Debug formatting. Measured on this code:
// 170.1 → 153.0 KB gzip (−10 %). Native tests, clippy and wasm-pack test stay on
// stable; the nightly only ever builds what the page loads.
const NIGHTLY = readFileSync(join(root, 'scripts', 'nightly.txt'), 'utf8').trim();
if (profile === '--release') {
  env.RUSTUP_TOOLCHAIN = NIGHTLY;
  env.CARGO_TARGET_DIR = join(root, 'target', 'nightly');
  env.RUSTFLAGS = '-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none';
  // -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size, as cargo's
  // [unstable] settings (wasm-pack passes no -Z flags through).
  env.CARGO_UNSTABLE_BUILD_STD = 'std,panic_abort';
  env.CARGO_UNSTABLE_BUILD_STD_FEATURES = 'optimize_for_size';
}
execFileSync('wasm-pack', ['build', profile, '--target', 'web', '--no-pack', '--out-dir', out, '--out-name', 'vitrine_core'], {
  cwd: root,
  stdio: 'inherit',
  env,
});
// The start part: the same crate with only the first swap (src/browser/first_swap.rs),
// the module the script-tag loader fetches before anything else.
// The unstripped module (it names its functions) of each part is kept for
// scripts/size.mjs, which checks that no float formatting is linked.
const unstripped = join(env.CARGO_TARGET_DIR ?? join(root, 'target'), 'wasm32-unknown-unknown', profile === '--release' ? 'release' : 'debug', 'vitrine.wasm');
cpSync(unstripped, join(out, 'unstripped.wasm'));
const startOut = join(root, 'target', 'wasm-pack-start');
execFileSync('wasm-pack', ['build', profile, '--target', 'web', '--no-pack', '--out-dir', startOut, '--out-name', 'vitrine_start', '--', '--no-default-features', '--features', 'start'], {
  cwd: root,
  stdio: 'inherit',
  env,
});
cpSync(unstripped, join(startOut, 'unstripped.wasm'));

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
for (const file of ['vitrine_core.js', 'vitrine_core.d.ts', 'vitrine_core_bg.wasm', 'vitrine_core_bg.wasm.d.ts']) {
  cpSync(join(out, file), join(pkg, file));
}
for (const file of ['vitrine_start.js', 'vitrine_start.d.ts', 'vitrine_start_bg.wasm']) cpSync(join(startOut, file), join(pkg, file));
for (const file of ['index.js', 'index.d.ts', 'config.d.ts', 'schema.json', 'vitrine.js', 'overlay.js', 'consent-ui.js', 'cli.js']) cpSync(join(root, 'js', file), join(pkg, file));
// The names between each wasm and its glue are shortened in both (their hashes do
// not compress: 4 KB gzip of the start part alone), then the files a page loads
// are minified (esbuild): the loader as a classic script,
// the entry and the wasm-bindgen glue as ES modules. Their exports keep their names.
if (profile === '--release') {
  for (const part of ['vitrine_core', 'vitrine_start']) {
    const declarations = [join(pkg, `${part}.d.ts`), join(pkg, `${part}_bg.wasm.d.ts`)].filter((f) => existsSync(f));
    const saved = minifyNames(join(pkg, `${part}_bg.wasm`), join(pkg, `${part}.js`), declarations);
    console.log(`${part}: import and export names shortened (${saved.wasm} bytes of wasm, ${saved.glue} of glue)`);
  }
  for (const [file, format] of [['vitrine.js', undefined], ['index.js', 'esm'], ['vitrine_core.js', 'esm'], ['vitrine_start.js', 'esm'], ['overlay.js', 'esm'], ['consent-ui.js', 'esm']]) {
    const path = join(pkg, file);
    const { code } = transformSync(readFileSync(path, 'utf8'), { minify: true, format, target: 'es2020', legalComments: 'none' });
    writeFileSync(path, code);
  }
}
cpSync(join(root, 'README.md'), join(pkg, 'README.md'));
cpSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));

const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
const version = /^version = "([^"]+)"/m.exec(cargo)[1];
const manifest = {
  name: 'vitrine',
  version,
  description: 'On-page personalization in the visitor\'s browser: consent-aware rules and content swaps, in Rust compiled to WebAssembly.',
  license: 'MIT',
  type: 'module',
  main: './index.js',
  module: './index.js',
  types: './index.d.ts',
  exports: {
    '.': { types: './index.d.ts', default: './index.js' },
    './vitrine.js': './vitrine.js',
    './vitrine_core_bg.wasm': './vitrine_core_bg.wasm',
    './vitrine_start.js': './vitrine_start.js',
    './vitrine_start_bg.wasm': './vitrine_start_bg.wasm',
    './schema.json': './schema.json',
    './package.json': './package.json',
  },
  bin: { vitrine: './cli.js' },
  unpkg: './vitrine.js',
  jsdelivr: './vitrine.js',
  files: ['index.js', 'index.d.ts', 'config.d.ts', 'schema.json', 'vitrine.js', 'overlay.js', 'consent-ui.js', 'cli.js', 'vitrine_core.js', 'vitrine_core.d.ts', 'vitrine_core_bg.wasm', 'vitrine_core_bg.wasm.d.ts', 'vitrine_start.js', 'vitrine_start.d.ts', 'vitrine_start_bg.wasm', 'README.md', 'LICENSE'],
  sideEffects: ['./vitrine.js'],
  engines: { node: '>=20' },
  keywords: ['personalization', 'ab-testing', 'consent', 'lgpd', 'gdpr', 'webassembly'],
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`\nbuilt pkg/ (vitrine ${version}, ${profile.slice(2)})\n`);
report({ enforce: false });
