// Shared setup for the end-to-end tests: Debian's Chromium driven by playwright-core
// (never a downloaded browser) against pages served by the test's own server on
// 127.0.0.1, on a random port.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The configs a test page carries (inline `#vitrine-config` JSON, and the
 * `config: {...}` object literal a module script passes to `start`), written to
 * `VITRINE_HARVEST_DIR` when set (`npm test` sets it): the types test checks each
 * one the validator accepts against config.d.ts and schema.json.
 */
function harvest(html) {
  const dir = process.env.VITRINE_HARVEST_DIR;
  if (!dir) return;
  const found = [];
  for (const m of html.matchAll(/<script type="application\/json" id="vitrine-config">([\s\S]*?)<\/script>/g)) found.push(m[1]);
  for (const m of html.matchAll(/config: (?=\{)/g)) {
    let depth = 0;
    let inString = false;
    for (let i = m.index + m[0].length; i < html.length; i++) {
      const c = html[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        found.push(html.slice(m.index + m[0].length, i + 1));
        break;
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  for (const text of found) {
    let config;
    try {
      config = JSON.parse(text);
    } catch {
      continue; // not JSON (a config built in JS, or a deliberately broken one)
    }
    const body = JSON.stringify(config);
    writeFileSync(join(dir, `${createHash('sha1').update(body).digest('hex').slice(0, 16)}.json`), body);
  }
}

/** A route that answers with a fixed HTML page. */
export function page(html, headers = {}) {
  harvest(html);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(html);
  };
}

/**
 * Whether the loader is hiding anything: its `#vitrine-hide` / `#vitrine-wait`
 * element, or the constructed stylesheet it adopts instead where it can.
 */
const isHiding = () => Boolean(document.getElementById('vitrine-hide') || document.getElementById('vitrine-wait'))
  || [...document.adoptedStyleSheets].some((sheet) => [...sheet.cssRules].some((r) => /visibility: hidden !important/.test(r.cssText)));
export function hiding(p) {
  return p.evaluate(isHiding);
}

/** Waits until the loader hides nothing. */
export function hidingEnds(p) {
  return p.waitForFunction(`!(${isHiding})()`);
}

/**
 * Reloads a page whose init script records `window.__frames`, waits until vitrine
 * has started and `#id` reads `text`, lets two more frames be recorded (the one
 * after the swap too) and returns the frames of that load.
 */
export async function reloadUntilText(p, id, text) {
  await p.reload();
  await vitrineReady(p);
  await p.waitForFunction(([i, t]) => document.getElementById(i).textContent === t, [id, text]);
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return p.evaluate(() => window.__frames);
}

/** Waits until the script tag has started vitrine on the page. */
export async function vitrineReady(p) {
  await p.waitForFunction(() => Boolean(window.vitrine), null, { timeout: 10_000 });
}

export async function vitrineKeys(p) {
  return p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vitrine:')).sort());
}
