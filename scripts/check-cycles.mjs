// Module hygiene check for src/: import cycles and over-long files, without cargo.
// Every .rs file under src/ is a module (src/a/b.rs is crate::a::b, src/a/mod.rs is
// crate::a, src/lib.rs is crate). After blanking comments and string literals and
// dropping #[cfg(test)] modules, the script reads each file's `use` trees and every
// inline `crate::…`, `super::…` or `self::…` path, maps each to the longest existing
// module prefix and so builds the module graph. Rust accepts cyclic modules, but a
// cycle means two modules cannot be understood, tested or split apart separately, so
// each strongly connected component (Tarjan) is reported with, for every edge in it,
// the file:line of the first import creating it: the `use` to move. Files over 600
// lines are reported too, unless their opening `//!` block says why ("over 600
// lines"). Exit status 1 on any finding; `--json` prints the findings as JSON.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const MAX_LINES = 600;

// src/engine/config.rs -> ['engine', 'config']; src/engine/mod.rs -> ['engine']; lib.rs -> [].
function moduleOf(file) {
  const parts = relative(join(root, 'src'), file).replace(/\.rs$/, '').split(/[\\/]/);
  if (parts.length === 1 && (parts[0] === 'lib' || parts[0] === 'main')) return [];
  if (parts.at(-1) === 'mod') parts.pop();
  return parts;
}

function rustFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? rustFiles(join(dir, e.name)) : e.name.endsWith('.rs') ? [join(dir, e.name)] : []);
}

// Replaces comments, string and char literals by spaces (newlines kept, so offsets
// and line numbers stay valid); lifetimes like 'a are left alone.
function blankCommentsAndStrings(src) {
  const out = [];
  const blank = (s) => out.push(s.replace(/[^\n]/g, ' '));
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    let j = -1;
    const raw = /b?r(#*)"/y;
    raw.lastIndex = i;
    const rawMatch = !/\w/.test(src[i - 1] ?? '') && raw.exec(src);
    if (src.startsWith('//', i)) {
      j = src.indexOf('\n', i);
      if (j < 0) j = src.length;
    } else if (src.startsWith('/*', i)) { // block comments nest in Rust
      let depth = 0;
      for (j = i; j < src.length; j++) {
        if (src.startsWith('/*', j)) { depth++; j++; } else if (src.startsWith('*/', j)) { j++; if (--depth === 0) { j++; break; } }
      }
    } else if (rawMatch) {
      const end = src.indexOf('"' + rawMatch[1], i + rawMatch[0].length);
      j = end < 0 ? src.length : end + 1 + rawMatch[1].length;
    } else if (c === '"') {
      for (j = i + 1; j < src.length && src[j] !== '"'; j++) if (src[j] === '\\') j++;
      j++;
    } else if (c === "'") {
      if (src[i + 1] === '\\') j = src.indexOf("'", i + 3) + 1; // '\n', '\'', '\u{..}'
      else {
        const width = src.codePointAt(i + 1) > 0xffff ? 2 : 1;
        if (src[i + 1 + width] === "'") j = i + 2 + width; // 'x'; otherwise a lifetime
      }
    }
    if (j > i) { blank(src.slice(i, j)); i = j; } else { out.push(c); i++; }
  }
  return out.join('');
}

function closingBrace(text, open) {
  let depth = 0;
  for (let k = open; k < text.length; k++) {
    if (text[k] === '{') depth++;
    else if (text[k] === '}' && --depth === 0) return k;
  }
  return text.length - 1;
}

// Blanks every `#[cfg(..test..)] mod x { … }` (test code); `not(test)` is not test code.
function dropTestModules(text) {
  const re = /#\[cfg\(([^\]]*)\)\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{/g;
  for (let m; (m = re.exec(text));) {
    if (!/\btest\b/.test(m[1]) || /not\(\s*test\s*\)/.test(m[1])) continue;
    const end = closingBrace(text, m.index + m[0].length - 1);
    text = text.slice(0, m.index) + text.slice(m.index, end + 1).replace(/[^\n]/g, ' ') + text.slice(end + 1);
  }
  return text;
}

// "a::{b::C, d as e, f::{self, g}}" -> ["a::b::C", "a::d", "a::f", "a::f::g"]
function expandUseTree(tree) {
  tree = tree.replace(/\s+as\s+\w+/g, '').replace(/\s+/g, '');
  const open = tree.indexOf('{');
  if (open < 0) return tree ? [tree] : [];
  const prefix = tree.slice(0, open);
  const inner = tree.slice(open + 1, tree.lastIndexOf('}'));
  const items = [];
  let depth = 0, start = 0;
  for (let k = 0; k <= inner.length; k++) {
    if (k === inner.length || (inner[k] === ',' && depth === 0)) { items.push(inner.slice(start, k)); start = k + 1; }
    else if (inner[k] === '{') depth++;
    else if (inner[k] === '}') depth--;
  }
  return items.flatMap(expandUseTree).map((p) => (p === 'self' ? prefix.replace(/::$/, '') : prefix + p));
}

const files = rustFiles(join(root, 'src')).sort();
const modules = new Map(files.map((f) => [moduleOf(f).join('::'), f]));
const edges = new Map(); // from -> Map(to -> { file, line }), first import wins
const longFiles = [];

for (const file of files) {
  const raw = readFileSync(file, 'utf8');
  const rel = relative(root, file).replace(/\\/g, '/');
  const self = moduleOf(file);
  const name = self.join('::');

  const lines = raw.split('\n').length - (raw.endsWith('\n') ? 1 : 0);
  const docBlock = raw.match(/^(?:\s*\/\/!.*\n?)*/)[0];
  if (lines > MAX_LINES && !/over 600 lines/i.test(docBlock)) longFiles.push({ file: rel, lines });

  const text = dropTestModules(blankCommentsAndStrings(raw)).replace(/\bpub\s*\(\s*in\s[^)]*\)/g, ' ');
  const lineAt = (offset) => text.slice(0, offset).split('\n').length;
  // Inline modules (`mod native_regex { … }`), so that `super::` inside them resolves right.
  const inline = [...text.matchAll(/\bmod\s+(\w+)\s*\{/g)].map((m) =>
    ({ name: m[1], start: m.index, end: closingBrace(text, m.index + m[0].length - 1) }));
  const children = new Set([...text.matchAll(/\bmod\s+(\w+)\s*;/g)].map((m) => m[1]));
  const scopeAt = (offset) => [...self, ...inline.filter((r) => r.start < offset && offset < r.end).map((r) => r.name)];

  const refs = []; // { path, offset }
  const withoutUses = text.replace(/\buse\s+([^;{]*(?:\{[^;]*)?);/g, (stmt, tree, offset) => {
    for (const path of expandUseTree(tree)) {
      const head = path.split('::')[0];
      if (children.has(head)) refs.push({ path: 'self::' + path, offset }); // `use config::Config` in mod.rs
      else refs.push({ path, offset });
    }
    return stmt.replace(/[^\n]/g, ' ');
  });
  for (const m of withoutUses.matchAll(/(?<![\w:])(?:crate|super|self)(?:\s*::\s*\w+)+/g)) {
    refs.push({ path: m[0].replace(/\s+/g, ''), offset: m.index });
  }

  for (const { path, offset } of refs.sort((a, b) => a.offset - b.offset)) {
    const segs = path.replace(/^\$/, '').replace(/^::/, '').split('::');
    let base;
    if (segs[0] === 'crate') { base = []; segs.shift(); }
    else if (segs[0] === 'self') { base = scopeAt(offset); segs.shift(); }
    else if (segs[0] === 'super') { base = scopeAt(offset); while (segs[0] === 'super') { base.pop(); segs.shift(); } }
    else continue; // std::, external crates
    const full = [...base, ...segs.filter((s) => s !== 'self')];
    while (full.length && !modules.has(full.join('::'))) full.pop();
    const target = full.join('::');
    if (target === name || !modules.has(target)) continue;
    if (!edges.has(name)) edges.set(name, new Map());
    if (!edges.get(name).has(target)) edges.get(name).set(target, { file: rel, line: lineAt(offset) });
  }
}

// Tarjan's strongly connected components.
const index = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
function visit(v) {
  index.set(v, index.size); low.set(v, index.get(v)); stack.push(v); onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const scc = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1) sccs.push(scc.sort());
  }
}
for (const m of [...modules.keys()].sort()) if (!index.has(m)) visit(m);

const label = (m) => (m ? 'crate::' + m : 'crate');
const cycles = sccs.map((scc) => ({
  modules: scc.map(label),
  edges: scc.flatMap((from) => [...(edges.get(from) ?? [])]
    .filter(([to]) => scc.includes(to))
    .map(([to, at]) => ({ from: label(from), to: label(to), ...at }))),
}));
const summary = `import cycles: ${cycles.length}, files over ${MAX_LINES} lines: ${longFiles.length}`;

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ cycles, longFiles, summary }, null, 2));
} else {
  cycles.forEach((c, k) => {
    console.log(`cycle ${k + 1}: ${c.modules.join(', ')}`);
    for (const e of c.edges) console.log(`  ${e.from} -> ${e.to}  (${e.file}:${e.line})`);
  });
  for (const f of longFiles) console.log(`over ${MAX_LINES} lines: ${f.file} (${f.lines} lines)`);
  console.log(summary);
}
process.exit(cycles.length || longFiles.length ? 1 : 0);
