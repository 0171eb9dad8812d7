// The loader inline in a page, for a site's server or build (Node): the elements
// for the page's <head> and the Content-Security-Policy sources that allow them.
//
//   import { inlineLoader } from 'vitrine/inline.js';
//   const { html, csp, policy } = await inlineLoader({ base: '/vitrine/0.1.0/', config });
//   // html:   `<script type="application/json" id="vitrine-config">…</script>
//   //          <script data-base="/vitrine/0.1.0/">…the package's vitrine.js…</script>`
//   // csp:    `'sha256-…'`, the hash-source of the loader for script-src
//   // policy: `script-src 'sha256-…' 'self' 'wasm-unsafe-eval'; connect-src 'self'`,
//   //         what the loader and the runtime it loads need (merge with your own)
//
// The loader is the package's vitrine.js verbatim, so its hash is the same for
// every page of a release (compute it once at startup). A first visit then makes
// no request before the first swap; the runtime, glue and wasm come from `base`,
// which should name the release (a cached page keeps the loader it was served
// with). `vitrine inline` (cli.js) prints the same.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { VitrineConfigError, VitrineError, validateConfig } from './index.js';

let loaderText = null;

/** Text that is safe as an HTML attribute value between double quotes. */
function attribute(text) {
  return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The config as the text of its element: ASCII (any charset label reads it the same), no `<`. */
function configText(config) {
  return JSON.stringify(config).replace(/[<\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Where the runtime comes from, as a CSP source: its origin, or 'self' for a path. */
function sourceOf(base) {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(base);
  if (scheme && !/^https?$/i.test(scheme[1])) {
    throw new VitrineError(`\`base\` must be an http(s) URL or a path, found ${JSON.stringify(base)}`);
  }
  if (scheme || base.startsWith('//')) return new URL(base, 'https://invalid.example').origin;
  return "'self'";
}

/**
 * @param {{ base: string, config?: object | string, hide?: string | string[], timeout?: number,
 *           debug?: boolean, nonce?: string }} options
 * @returns {Promise<{ html: string, csp: string, policy: string }>}
 */
export async function inlineLoader({ base, config, hide, timeout, debug = false, nonce } = {}) {
  if (typeof base !== 'string' || base === '') {
    throw new VitrineError('inlineLoader needs `base`: the URL the package\'s files are served from (e.g. "/vitrine/0.1.0/")');
  }
  const source = sourceOf(base);
  // The loader reads 0 (or nothing) as its default of 3000 ms.
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw new VitrineError('`timeout` must be a whole number of milliseconds above 0');
  }
  if (nonce !== undefined && !(typeof nonce === 'string' && /^[A-Za-z0-9+/_=-]+$/.test(nonce))) {
    throw new VitrineError('`nonce` must be the page\'s CSP nonce (base64 characters)');
  }
  if (hide !== undefined && typeof config !== 'string') {
    throw new VitrineError('`hide` is for a config given by URL; an inline config names its own targets');
  }
  // Read once: the hash is of these exact bytes.
  loaderText ??= await readFile(new URL('./vitrine.js', import.meta.url), 'utf8');
  const loader = loaderText;
  // In a <script> element's text, these would end it or switch the HTML parser into
  // its escaped states; a CR or a non-ASCII character could make the bytes the
  // browser hashes differ from these (the build refuses such a loader; this guards
  // a hand-edited copy).
  if (/<\/script|<!--|[\r\u007f-\uffff]/i.test(loader)) {
    throw new VitrineError('vitrine.js holds "</script", "<!--", a CR or non-ASCII text and cannot be inlined');
  }
  const attributes = [`data-base="${attribute(base)}"`];
  let configElement = '';
  if (typeof config === 'string') {
    attributes.push(`data-config="${attribute(config)}"`);
    if (hide !== undefined) attributes.push(`data-hide="${attribute([].concat(hide).join(', '))}"`);
  } else if (config !== undefined) {
    const { ok, errors } = await validateConfig(config);
    if (!ok) throw new VitrineConfigError(`invalid config: ${errors.length} problem${errors.length === 1 ? '' : 's'}`, errors);
    configElement = `<script type="application/json" id="vitrine-config">${configText(config)}</script>\n`;
  }
  if (timeout !== undefined) attributes.push(`data-timeout="${timeout}"`);
  if (debug) attributes.push('data-debug');
  if (nonce !== undefined) attributes.push(`nonce="${nonce}"`);
  // A config by URL is fetched too.
  const connect = [source];
  if (typeof config === 'string') {
    const from = sourceOf(config);
    if (!connect.includes(from)) connect.push(from);
  }
  const csp = `'sha256-${createHash('sha256').update(loader, 'utf8').digest('base64')}'`;
  return {
    html: `${configElement}<script ${attributes.join(' ')}>${loader}</script>\n`,
    csp,
    // The runtime's modules are scripts from `base`, its wasm a fetch compiled there.
    policy: `script-src ${nonce === undefined ? csp : `'nonce-${nonce}'`} ${source} 'wasm-unsafe-eval'; connect-src ${connect.join(' ')}`,
  };
}
