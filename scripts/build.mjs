// Builds the publishable npm package into pkg/: runs wasm-pack (release, web
// target) into target/wasm-pack, then assembles pkg/ from its output plus the
// hand-written entry (js/index.js), the script-tag loader (js/vitrine.js) and a
// package.json. Generated files are copied as they are, never edited.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buildSync, transformSync } from 'esbuild';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { editorSpec } from './editor-spec.mjs';
import { minifyNames } from './minify-names.mjs';
import { report } from './size.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'target', 'wasm-pack');
const pkg = join(root, 'pkg');
const profile = process.argv.includes('--dev') ? '--dev' : '--release';
// `--js-only` (while working on the JavaScript): the wasm parts of the last build are
// reused as they are in target/.
const jsOnly = process.argv.includes('--js-only');
const wasmPack = (args, options) => {
  if (!jsOnly) execFileSync('wasm-pack', args, options);
};

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
// The page runtime: without the config's messages (feature `messages`), which
// the validator part below carries.
wasmPack(['build', profile, '--target', 'web', '--no-pack', '--out-dir', out, '--out-name', 'vitrine_core', '--', '--no-default-features', '--features', 'runtime'], {
  cwd: root,
  stdio: 'inherit',
  env,
});
// The unstripped module (it names its functions) is kept for scripts/size.mjs,
// which checks that no float formatting is linked.
const unstripped = join(env.CARGO_TARGET_DIR ?? join(root, 'target'), 'wasm32-unknown-unknown', profile === '--release' ? 'release' : 'debug', 'vitrine.wasm');
if (!jsOnly) cpSync(unstripped, join(out, 'unstripped.wasm'));
// The sentiment part: the scoring alone (src/browser/sentiment.rs), loaded by
// `sentiment()` with its lexicon.
const sentimentOut = join(root, 'target', 'wasm-pack-sentiment');
wasmPack(['build', profile, '--target', 'web', '--no-pack', '--out-dir', sentimentOut, '--out-name', 'vitrine_sentiment', '--', '--no-default-features', '--features', 'sentiment'], {
  cwd: root,
  stdio: 'inherit',
  env,
});

// The validator part: `validateConfig` with every message (src/browser/validate.rs),
// loaded by `validateConfig`, the CLI and `start()` when a config is invalid.
const validatorOut = join(root, 'target', 'wasm-pack-validate');
wasmPack(['build', profile, '--target', 'web', '--no-pack', '--out-dir', validatorOut, '--out-name', 'vitrine_validate', '--', '--no-default-features', '--features', 'validator'], {
  cwd: root,
  stdio: 'inherit',
  env,
});

// The report part: experiment results (src/browser/report.rs over engine::stats),
// loaded by `vitrine report` (js/report.js), never by a page.
const reportOut = join(root, 'target', 'wasm-pack-report');
wasmPack(['build', profile, '--target', 'web', '--no-pack', '--out-dir', reportOut, '--out-name', 'vitrine_report', '--', '--no-default-features', '--features', 'report'], {
  cwd: root,
  stdio: 'inherit',
  env,
});

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
for (const file of ['vitrine_core.js', 'vitrine_core.d.ts', 'vitrine_core_bg.wasm', 'vitrine_core_bg.wasm.d.ts']) {
  cpSync(join(out, file), join(pkg, file));
}
for (const file of ['vitrine_sentiment.js', 'vitrine_sentiment_bg.wasm']) cpSync(join(sentimentOut, file), join(pkg, file));
for (const file of ['vitrine_validate.js', 'vitrine_validate_bg.wasm']) cpSync(join(validatorOut, file), join(pkg, file));
for (const file of ['vitrine_report.js', 'vitrine_report_bg.wasm']) cpSync(join(reportOut, file), join(pkg, file));
// The sentiment lexicons, fetched by `sentiment()` the first time it is called.
for (const [from, to] of [['en.tsv', 'sentiment-en.tsv'], ['pt-br.tsv', 'sentiment-pt-br.tsv']]) cpSync(join(root, 'lexicons', from), join(pkg, to));
for (const file of ['index.d.ts', 'config.d.ts', 'schema.json', 'applier.js', 'overlay.js', 'consent-ui.js', 'prompt-ui.js', 'delivery.js', 'bandit.js', 'cli.js', 'inline.js', 'inline.d.ts', 'report.js', 'report-sql.js', 'report-html.js']) cpSync(join(root, 'js', file), join(pkg, file));
// The loader with its start part (js/first-swap.js, js/start.js, js/condition.js)
// as one classic script: the first swap costs no request after the script tag's.
// ASCII (esbuild's default charset), so any charset label reads it the same.
buildSync({ entryPoints: [join(root, 'js', 'vitrine.js')], bundle: true, format: 'iife', target: 'es2020', outfile: join(pkg, 'vitrine.js'), logLevel: 'warning' });
// The entry with the modules it imports (js/condition.js) as one file, so a page
// makes the same requests; the wasm-bindgen glue stays its own module.
// The editor (?vitrine_edit=1) with its selector proposal and forms, one on-demand
// file; its forms come from the schema's extract (scripts/editor-spec.mjs).
buildSync({
  entryPoints: [join(root, 'js', 'editor.js')], bundle: true, format: 'esm', outfile: join(pkg, 'editor.js'), logLevel: 'warning',
  define: { VITRINE_EDITOR_SPEC: JSON.stringify(editorSpec(JSON.parse(readFileSync(join(root, 'js', 'schema.json'), 'utf8')))) },
});
// The runtime entry (what the loader imports) and the package's entry, which
// re-exports it (kept external, so both are one module instance) and adds
// evalCondition with its own copy of js/condition.js.
buildSync({ entryPoints: [join(root, 'js', 'runtime.js')], bundle: true, format: 'esm', external: ['./vitrine_core.js', './applier.js', './vitrine_sentiment.js', './vitrine_validate.js', './consent-ui.js', './prompt-ui.js', './overlay.js', './delivery.js', './bandit.js', './editor.js'], outfile: join(pkg, 'runtime.js'), logLevel: 'warning' });
buildSync({ entryPoints: [join(root, 'js', 'index.js')], bundle: true, format: 'esm', external: ['./runtime.js'], outfile: join(pkg, 'index.js'), logLevel: 'warning' });
// The names between each wasm and its glue are shortened in both (their hashes do
// not compress), then the files a page loads
// are minified (esbuild): the loader as a classic script,
// the entry and the wasm-bindgen glue as ES modules. Their exports keep their names.
if (profile === '--release') {
  for (const [wasm, glue, declarations] of [
    [join(pkg, 'vitrine_core_bg.wasm'), join(pkg, 'vitrine_core.js'), [join(pkg, 'vitrine_core.d.ts'), join(pkg, 'vitrine_core_bg.wasm.d.ts')]],
    [join(pkg, 'vitrine_sentiment_bg.wasm'), join(pkg, 'vitrine_sentiment.js'), []],
    [join(pkg, 'vitrine_validate_bg.wasm'), join(pkg, 'vitrine_validate.js'), []],
    [join(pkg, 'vitrine_report_bg.wasm'), join(pkg, 'vitrine_report.js'), []],
  ]) {
    const saved = minifyNames(wasm, glue, declarations);
    console.log(`${basename(wasm)}: import and export names shortened (${saved.wasm} bytes of wasm, ${saved.glue} of glue)`);
  }
  for (const [file, format] of [['vitrine.js', undefined], ['index.js', 'esm'], ['runtime.js', 'esm'], ['vitrine_core.js', 'esm'], ['vitrine_sentiment.js', 'esm'], ['vitrine_validate.js', 'esm'], ['vitrine_report.js', 'esm'], ['applier.js', 'esm'], ['overlay.js', 'esm'], ['consent-ui.js', 'esm'], ['prompt-ui.js', 'esm'], ['delivery.js', 'esm'], ['bandit.js', 'esm'], ['editor.js', 'esm']]) {
    const path = join(pkg, file);
    const { code } = transformSync(readFileSync(path, 'utf8'), { minify: true, format, target: 'es2020', legalComments: 'none' });
    writeFileSync(path, code);
  }
}
// The loader can be inlined in a page (`vitrine inline`): its text must not end a
// <script> element early or switch the HTML parser into its escaped states, and it
// is ASCII without CRs, so the bytes a browser hashes are the bytes js/inline.js
// hashed, whatever charset the page declares.
if (/<\/script|<!--|[\r\u007f-\uffff]/i.test(readFileSync(join(pkg, 'vitrine.js'), 'utf8'))) {
  throw new Error('pkg/vitrine.js holds "</script", "<!--", a CR or non-ASCII text: it could not be inlined in a page');
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
    './vitrine_validate_bg.wasm': './vitrine_validate_bg.wasm',
    './schema.json': './schema.json',
    './report.js': './report.js',
    './inline.js': { types: './inline.d.ts', default: './inline.js' },
    './package.json': './package.json',
  },
  bin: { vitrine: './cli.js' },
  // `vitrine report --engine duckdb` (and .csv/.parquet exports) runs its SQL on DuckDB;
  // nothing else needs it, so it is not installed with vitrine.
  peerDependencies: { '@duckdb/node-api': '^1.5.6-r.1' },
  peerDependenciesMeta: { '@duckdb/node-api': { optional: true } },
  unpkg: './vitrine.js',
  jsdelivr: './vitrine.js',
  files: ['index.js', 'runtime.js', 'applier.js', 'index.d.ts', 'config.d.ts', 'schema.json', 'vitrine.js', 'overlay.js', 'consent-ui.js', 'prompt-ui.js', 'delivery.js', 'bandit.js', 'editor.js', 'cli.js', 'inline.js', 'inline.d.ts', 'report.js', 'report-sql.js', 'report-html.js', 'vitrine_report.js', 'vitrine_report_bg.wasm', 'sentiment-en.tsv', 'sentiment-pt-br.tsv', 'vitrine_sentiment.js', 'vitrine_sentiment_bg.wasm', 'vitrine_validate.js', 'vitrine_validate_bg.wasm', 'vitrine_core.js', 'vitrine_core.d.ts', 'vitrine_core_bg.wasm', 'vitrine_core_bg.wasm.d.ts', 'README.md', 'LICENSE'],
  sideEffects: ['./vitrine.js'],
  engines: { node: '>=20' },
  keywords: ['personalization', 'ab-testing', 'consent', 'lgpd', 'gdpr', 'webassembly'],
};
writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`\nbuilt pkg/ (vitrine ${version}, ${profile.slice(2)})\n`);
report({ enforce: false });
