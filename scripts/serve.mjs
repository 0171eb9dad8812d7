// A small static server for the demo shop and the tests: www/ at /, the built
// package at /pkg/. Loopback only. Used by `npm start` and by the e2e tests, which
// start and stop their own instance (and may log every request it serves).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * `<!-- vitrine-config: file.json -->` in a page is replaced by that config inline
 * (`<script type="application/json" id="vitrine-config">`), as a site's server or
 * build would do, so no fetch stands between parsing and the first swap. `<` is
 * escaped so the JSON can never close the script element.
 */
const INLINE_MARK = '<!-- vitrine-config:';
async function inlineConfig(body, folder) {
  const html = body.toString('utf8');
  const start = html.indexOf(INLINE_MARK);
  const end = html.indexOf('-->', start);
  const name = html.slice(start + INLINE_MARK.length, end).trim();
  const file = inside(folder, name);
  const json = JSON.stringify(JSON.parse(await readFile(file, 'utf8'))).replace(/</g, '\\u003c');
  const element = `<script type="application/json" id="vitrine-config">${json}</script>`;
  return Buffer.from(html.slice(0, start) + element + html.slice(end + 3));
}

/** Resolves `urlPath` inside `base`, or null if it escapes it. */
function inside(base, urlPath) {
  const full = normalize(join(base, urlPath));
  return full === base || full.startsWith(base + sep) ? full : null;
}

/**
 * Starts serving. `mounts` maps URL prefixes to folders; `headers(path)` may add
 * response headers (a test adds a CSP this way); `routes` maps exact paths to
 * handlers `(req, res) => void` for test pages built on the fly.
 */
export function serve({ port = 8080, mounts = { '/pkg/': join(root, 'pkg'), '/': join(root, 'www') }, headers = () => ({}), routes = {} } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let path;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' });
      return res.end('bad request');
    }
    if (routes[path]) return routes[path](req, res);
    if (path.endsWith('/')) path += 'index.html';
    const prefix = Object.keys(mounts).sort((a, b) => b.length - a.length).find((p) => path.startsWith(p));
    const file = prefix && inside(mounts[prefix], path.slice(prefix.length));
    try {
      if (!file || !(await stat(file)).isFile()) throw new Error('not found');
      let body = await readFile(file);
      if (extname(file) === '.html' && body.includes(INLINE_MARK)) body = await inlineConfig(body, dirname(file));
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...headers(path),
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  serve({ port }).then(
    () => console.log(`vitrine demo shop: http://127.0.0.1:${port}/  (privacy center: /privacy.html, debug overlay: /?vitrine_debug=1, config: /vitrine.json, inlined into the pages; Ctrl+C to stop)`),
    (error) => {
      console.error(`could not serve on 127.0.0.1:${port}: ${error.message}`);
      process.exit(1);
    },
  );
}
