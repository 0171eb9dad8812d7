// Shared setup for the end-to-end tests: Debian's Chromium driven by playwright-core
// (never a downloaded browser) against pages served by the test's own server on
// 127.0.0.1, on a random port.
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

/** Starts the static server (www/ at /, pkg/ at /pkg/) plus extra routes. */
export async function startServer(options = {}) {
  const server = await serve({ port: 0, ...options });
  const { port } = server.address();
  return { server, origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** A route that answers with a fixed HTML page. */
export function page(html, headers = {}) {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(html);
  };
}

/** Waits until the script tag has started vitrine on the page. */
export async function vitrineReady(p) {
  await p.waitForFunction(() => Boolean(window.vitrine), null, { timeout: 10_000 });
}

export async function vitrineKeys(p) {
  return p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vitrine:')).sort());
}
