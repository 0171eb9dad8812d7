// Shortens the names wasm-bindgen gives the imports and exports between a wasm
// module and its JS glue (`__wbg_getAttribute_c7b80d4010284561`, the module name
// "./vitrine_core_bg.js", `wasm_bindgen_…_convert__closures_____invoke…`): a page
// downloads every one of them twice, in the wasm and in the glue, and their hashes
// do not compress. Each becomes a short name, in both files at once; a name the
// glue does not use in the expected form keeps its own. Used by scripts/build.mjs.
import { readFileSync, writeFileSync } from 'node:fs';

function readU32(bytes, at) {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [result >>> 0, at];
}

function u32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

const text = new TextDecoder();
const encode = (s) => {
  const b = Buffer.from(s, 'utf8');
  return [...u32(b.length), ...b];
};

function readName(bytes, at) {
  const [length, start] = readU32(bytes, at);
  return [text.decode(bytes.subarray(start, start + length)), start + length];
}

/** Skips the description of an import of `kind`; returns the position after it. */
function skipImportDesc(bytes, kind, at) {
  const limits = (p) => {
    const flags = bytes[p++];
    [, p] = readU32(bytes, p);
    if (flags & 1) [, p] = readU32(bytes, p);
    return p;
  };
  switch (kind) {
    case 0: return readU32(bytes, at)[1]; // function: type index
    case 1: return limits(at + 1); // table: reference type, limits
    case 2: return limits(at); // memory: limits
    case 3: return at + 2; // global: value type, mutability
    case 4: return readU32(bytes, at + 1)[1]; // tag: attribute, type index
    default: throw new Error(`unknown import kind ${kind}`);
  }
}

function* shortNames() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (let n = 0; ; n++) {
    let name = '';
    let k = n;
    do {
      name = alphabet[k % alphabet.length] + name;
      k = Math.floor(k / alphabet.length) - 1;
    } while (k >= 0);
    yield `$${name}`;
  }
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Rewrites `wasmPath` and `gluePath` in place, and the export names declared in
 * `declarations` (the .d.ts files that list the module's exports); returns the
 * bytes saved in the wasm and the glue.
 */
export function minifyNames(wasmPath, gluePath, declarations = []) {
  const bytes = readFileSync(wasmPath);
  let glue = readFileSync(gluePath, 'utf8');
  const before = { wasm: bytes.length, glue: glue.length };
  const names = shortNames();
  // The glue's own exports keep their names (the entry imports them).
  const published = new Set([...glue.matchAll(/export (?:function|class) ([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  // Every whole-word use of `name` in the glue becomes a fresh short name.
  const rename = (name) => {
    const token = new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`, 'g');
    if (published.has(name) || name === 'memory' || !token.test(glue)) return name;
    const short = names.next().value;
    glue = glue.replace(token, short);
    return short;
  };
  const exported = new Map();
  const modules = new Map();
  const sections = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readU32(bytes, at + 1);
    sections.push({ id, body: bytes.subarray(start, start + size) });
    at = start + size;
  }
  for (const section of sections) {
    if (section.id !== 2 && section.id !== 7) continue;
    const body = section.body;
    let [count, p] = readU32(body, 0);
    const out = [...u32(count)];
    for (let i = 0; i < count; i++) {
      if (section.id === 2) {
        let module;
        let field;
        [module, p] = readName(body, p);
        [field, p] = readName(body, p);
        const end = skipImportDesc(body, body[p], p + 1);
        // The module name is a quoted key of the glue's imports object.
        if (!modules.has(module)) {
          const key = JSON.stringify(module);
          const short = `m${modules.size}`;
          modules.set(module, glue.includes(`${key}:`) ? short : module);
          glue = glue.split(`${key}:`).join(`"${short}":`);
        }
        out.push(...encode(modules.get(module)), ...encode(rename(field)), ...body.subarray(p, end));
        p = end;
      } else {
        let name;
        [name, p] = readName(body, p);
        const [, end] = readU32(body, p + 1);
        const short = rename(name);
        if (short !== name) exported.set(name, short);
        out.push(...encode(short), ...body.subarray(p, end));
        p = end;
      }
    }
    section.body = Uint8Array.from(out);
  }
  const parts = [bytes.subarray(0, 8)];
  for (const s of sections) parts.push(Uint8Array.of(s.id, ...u32(s.body.length)), s.body);
  const result = Buffer.concat(parts);
  writeFileSync(wasmPath, result);
  writeFileSync(gluePath, glue);
  for (const path of declarations) {
    let d = readFileSync(path, 'utf8');
    for (const [name, short] of exported) {
      d = d.replace(new RegExp(`(readonly |export const )${escape(name)}:`, 'g'), `$1${short}:`);
    }
    writeFileSync(path, d);
  }
  return { wasm: before.wasm - result.length, glue: before.glue - glue.length };
}
