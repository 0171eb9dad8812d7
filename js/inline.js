// The loader inline in a page, for a site's server or build (Node): the element
// for the page's <head> and the Content-Security-Policy hash-source that allows it.
//
//   import { inlineLoader } from 'vitrine/inline.js';
//   const { html, csp } = await inlineLoader({ base: '/vitrine/', config });
//   // html: `<script type="application/json" id="vitrine-config">…</script>
//   //        <script data-base="/vitrine/">…the package's vitrine.js…</script>`
//   // csp:  `'sha256-…'` for the page's script-src
//
// The loader is the package's vitrine.js verbatim, so its hash is the same for
// every page of a release (compute it once at startup). A first visit then makes
// no request before the first swap; the runtime, glue and wasm come from `base`.
// `vitrine inline` (cli.js) prints the same.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { VitrineConfigError, VitrineError } from './index.js';

let loaderText = null;

/** Text that is safe as an HTML attribute value between double quotes. */
function attribute(text) {
  return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * @param {{ base: string, config?: object, timeout?: number, debug?: boolean }} options
 * @returns {Promise<{ html: string, csp: string }>}
 */
export async function inlineLoader({ base, config, timeout, debug = false } = {}) {
  if (typeof base !== 'string' || base === '') {
    throw new VitrineError('inlineLoader needs `base`: the URL the package\'s files are served from (e.g. "/vitrine/")');
  }
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 0)) {
    throw new VitrineError('`timeout` must be a whole number of milliseconds');
  }
  // Read once: the hash is of these exact bytes.
  loaderText ??= await readFile(new URL('./vitrine.js', import.meta.url), 'utf8');
  const loader = loaderText;
  // In a <script> element's text, these would end it or switch the HTML parser into
  // its escaped states (the build refuses such a loader; this guards a hand-edited copy).
  if (/<\/script|<!--/i.test(loader)) {
    throw new VitrineError('vitrine.js holds "</script" or "<!--" and cannot be inlined');
  }
  let configElement = '';
  if (config !== undefined) {
    const { validateConfig } = await import('./index.js');
    const { ok, errors } = await validateConfig(config);
    if (!ok) throw new VitrineConfigError(`invalid config: ${errors.length} problem${errors.length === 1 ? '' : 's'}`, errors);
    // `<` escaped: no `</script>` or `<!--` can appear in the element's text.
    const json = JSON.stringify(config).replace(/</g, '\\u003c');
    configElement = `<script type="application/json" id="vitrine-config">${json}</script>\n`;
  }
  const attributes = [`data-base="${attribute(base)}"`];
  if (timeout !== undefined) attributes.push(`data-timeout="${timeout}"`);
  if (debug) attributes.push('data-debug');
  return {
    html: `${configElement}<script ${attributes.join(' ')}>${loader}</script>\n`,
    csp: `'sha256-${createHash('sha256').update(loader, 'utf8').digest('base64')}'`,
  };
}
