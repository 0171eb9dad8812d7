// Types of inline.js (Node: a site's server or build).
import type { VitrineConfig } from './config.js';

export interface InlineLoaderOptions {
  /** The URL the package's files are served from, e.g. `"/vitrine/"`. */
  base: string;
  /**
   * A config object is validated and written inline before the loader (a
   * `VitrineConfigError` if invalid); a string is the URL the loader fetches it from.
   */
  config?: VitrineConfig | string;
  /** With a config URL: the selectors its actions target, hidden until applied. */
  hide?: string | string[];
  /** The page's CSP nonce, for a policy with nonces instead of hashes. */
  nonce?: string;
  /** The loader's `data-timeout`: how long its targets may stay hidden at most, in ms. */
  timeout?: number;
  /** The loader's `data-debug`. */
  debug?: boolean;
}

export interface InlineLoader {
  /** The elements for the page's `<head>`: the config (when given), then the loader. */
  html: string;
  /** The loader's hash-source for the page's `script-src`, `'sha256-…'`. */
  csp: string;
  /**
   * What the page's Content-Security-Policy must allow (merge with its own): the
   * loader, the runtime's modules and wasm from `base`, the config URL.
   */
  policy: string;
}

/** The loader inline in a page, with the CSP sources that allow it. */
export function inlineLoader(options: InlineLoaderOptions): Promise<InlineLoader>;
