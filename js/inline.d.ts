// Types of inline.js (Node: a site's server or build).
import type { VitrineConfig } from './config.js';

export interface InlineLoaderOptions {
  /** The URL the package's files are served from, e.g. `"/vitrine/"`. */
  base: string;
  /** Validated and written inline before the loader (a `VitrineConfigError` if invalid). */
  config?: VitrineConfig;
  /** The loader's `data-timeout`: how long its targets may stay hidden at most, in ms. */
  timeout?: number;
  /** The loader's `data-debug`. */
  debug?: boolean;
}

export interface InlineLoader {
  /** The elements for the page's `<head>`: the config (when given), then the loader. */
  html: string;
  /** The hash-source to add to the page's `script-src`, `'sha256-…'`. */
  csp: string;
}

/** The loader inline in a page, with the CSP hash-source that allows it. */
export function inlineLoader(options: InlineLoaderOptions): Promise<InlineLoader>;
