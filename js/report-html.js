// The report as a page: per experiment and goal, the table of the CLI, the
// cumulative conversion rate (or value per unit) of each variant over the days, and
// each variant's interval for its change against the control. Built as a small tree
// of elements that becomes either text (`vitrine report --html`: one self-contained
// file, inline CSS and SVG, works offline) or DOM nodes (www/report.html, which
// computes in the browser). Names come from the export, so they are untrusted: the
// text form escapes every string, the DOM form only ever sets textContent and
// attributes; neither uses innerHTML.

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#55606e', '#1f7a5a', '#b3541e', '#6a4cc2', '#a0306a', '#2f6db3'];

/** An element: tag, attributes, children (elements or strings). */
export function h(tag, attrs = {}, ...children) {
  return { tag, attrs, children: children.flat().filter((c) => c !== null && c !== undefined && c !== false) };
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** The tree as HTML text, every string escaped. */
export function toHtml(node) {
  if (typeof node === 'string' || typeof node === 'number') return escape(node);
  const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  return `<${node.tag}${attrs}>${node.children.map(toHtml).join('')}</${node.tag}>`;
}

/** The tree as DOM nodes of `document` (SVG elements in the SVG namespace). */
export function toDom(node, document, inSvg = false) {
  if (typeof node === 'string' || typeof node === 'number') return document.createTextNode(String(node));
  const svg = inSvg || node.tag === 'svg';
  const el = svg ? document.createElementNS(SVG, node.tag) : document.createElement(node.tag);
  for (const [k, v] of Object.entries(node.attrs)) el.setAttribute(k, String(v));
  for (const child of node.children) el.append(toDom(child, document, svg));
  return el;
}

const percent = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} %`;
const fixed = (x, n = 3) => (Number.isFinite(x) ? x.toPrecision(n) : '—');

function table(result, relative) {
  const change = relative ? percent : (x) => fixed(x);
  const head = ['variant', 'units', 'mean', 'change', 'interval', 'chance to beat control', 'p-value', 'sequential interval'];
  const rows = result.variants.map((v, i) => {
    if (i === 0 || !v.bayesian) return h('tr', {}, h('td', {}, v.name === 'control' ? v.name : `${v.name} (control)`), h('td', {}, String(v.units)), h('td', {}, fixed(v.mean, 4)), h('td', { colspan: '5' }, ''));
    if (v.bayesian.problem) return h('tr', {}, h('td', {}, v.name), h('td', {}, String(v.units)), h('td', {}, fixed(v.mean, 4)), h('td', { colspan: '5' }, v.bayesian.problem));
    const b = v.bayesian;
    return h('tr', {},
      h('td', {}, v.name), h('td', {}, String(v.units)), h('td', {}, fixed(v.mean, 4)), h('td', {}, change(b.expected)),
      h('td', {}, `[${change(b.interval[0])}, ${change(b.interval[1])}]`), h('td', {}, `${(100 * b.chanceToWin).toFixed(1)} %`),
      h('td', {}, fixed(v.frequentist.pValue)), h('td', {}, `[${change(v.sequential.interval[0])}, ${change(v.sequential.interval[1])}]`));
  });
  return h('table', {}, h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows));
}

/** Cumulative rate (or value per unit) per variant, one point per day. */
function overTime(entry) {
  const days = entry.daily ?? [];
  if (days.length === 0) return h('p', { class: 'muted' }, 'No dated events to draw.');
  const width = 640;
  const height = 220;
  const pad = { left: 56, right: 16, top: 12, bottom: 28 };
  const rates = days.map((d) => d.units.map((u, v) => (u > 0 ? d.sum[v] / u : null)));
  const all = rates.flat().filter((r) => r !== null);
  const max = Math.max(...all, 0) * 1.1 || 1;
  const x = (i) => pad.left + (days.length === 1 ? 0 : (i / (days.length - 1)) * (width - pad.left - pad.right));
  const y = (r) => pad.top + (1 - r / max) * (height - pad.top - pad.bottom);
  const lines = entry.variants.map((variant, v) => {
    const points = rates.map((r, i) => (r[v] === null ? null : `${x(i).toFixed(1)},${y(r[v]).toFixed(1)}`)).filter(Boolean);
    return h('polyline', { points: points.join(' '), fill: 'none', stroke: COLORS[v % COLORS.length], 'stroke-width': '2' });
  });
  const isRate = !entry.value;
  const label = (r) => (isRate ? `${(100 * r).toFixed(1)} %` : r.toFixed(2));
  return h('figure', {},
    h('svg', { viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height), role: 'img', 'aria-label': `${isRate ? 'cumulative conversion rate' : 'cumulative value per unit'} per variant by day` },
      h('line', { x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0), stroke: '#999' }),
      h('text', { x: pad.left - 6, y: y(0), 'text-anchor': 'end', 'font-size': '11' }, label(0)),
      h('text', { x: pad.left - 6, y: y(max / 1.1) + 4, 'text-anchor': 'end', 'font-size': '11' }, label(max / 1.1)),
      h('text', { x: pad.left, y: height - 8, 'font-size': '11' }, days[0].day),
      h('text', { x: width - pad.right, y: height - 8, 'text-anchor': 'end', 'font-size': '11' }, days[days.length - 1].day),
      lines),
    h('figcaption', {}, `${isRate ? 'Cumulative conversion rate' : 'Cumulative value per unit'} by day: `,
      entry.variants.map((v, i) => h('span', { class: 'key', style: `color:${COLORS[i % COLORS.length]}` }, `■ ${v.name} `))));
}

/** Each variant's credible interval for its change, around 0. */
function intervals(result, relative) {
  const compared = result.variants.slice(1).filter((v) => v.bayesian && !v.bayesian.problem);
  if (compared.length === 0) return null;
  const width = 640;
  const row = 28;
  const height = row * compared.length + 24;
  const left = 120;
  const extent = Math.max(...compared.flatMap((v) => v.bayesian.interval.map(Math.abs)), 1e-9) * 1.15;
  const x = (d) => left + ((d + extent) / (2 * extent)) * (width - left - 16);
  const show = relative ? percent : (d) => fixed(d);
  return h('figure', {},
    h('svg', { viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height), role: 'img', 'aria-label': 'interval of each variant\'s change against the control' },
      h('line', { x1: x(0), y1: 4, x2: x(0), y2: height - 18, stroke: '#999', 'stroke-dasharray': '4 3' }),
      h('text', { x: x(0), y: height - 4, 'text-anchor': 'middle', 'font-size': '11' }, 'no change'),
      compared.map((v, i) => {
        const cy = 16 + i * row;
        const [low, high] = v.bayesian.interval;
        const color = low > 0 ? '#1f7a5a' : high < 0 ? '#b3301e' : '#55606e';
        return h('g', {},
          h('text', { x: left - 8, y: cy + 4, 'text-anchor': 'end', 'font-size': '12' }, v.name),
          h('line', { x1: x(low), y1: cy, x2: x(high), y2: cy, stroke: color, 'stroke-width': '6', 'stroke-linecap': 'round' }),
          h('circle', { cx: x(v.bayesian.expected), cy, r: '5', fill: '#fff', stroke: color, 'stroke-width': '2' }),
          h('title', {}, `${v.name}: ${show(v.bayesian.expected)} [${show(low)}, ${show(high)}]`));
      })),
    h('figcaption', {}, 'Change against the control with its credible interval (green: better, red: worse).'));
}

/** The report's body: one section per experiment and goal. */
export function reportTree(results, { relative = true, source = '' } = {}) {
  return h('main', {},
    h('h1', {}, 'Experiment results'),
    source ? h('p', { class: 'muted' }, `From ${source}. Attribution as GrowthBook does it; formulas of gbstats 0.8.0.`) : null,
    results.map((r) => h('section', {},
      h('h2', {}, `${r.experiment} · ${r.goal}`),
      h('p', { class: r.srm.mismatch ? 'verdict bad' : 'verdict' }, r.verdict),
      h('p', { class: 'muted' }, `Sample ratio: p = ${fixed(r.srm.p)}${r.srm.mismatch ? ' — mismatch: the split is not the configured one' : ''}`),
      table(r, relative),
      overTime(r),
      intervals(r, relative))));
}

export const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d232b;background:#fafaf7}
main{max-width:760px;margin:0 auto;padding:24px}section{background:#fff;border:1px solid #ddd;border-radius:8px;padding:16px 20px;margin:20px 0}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #eee}
.muted{color:#5b6470;font-size:13px}.verdict{font-weight:600}.bad{color:#b3301e}figure{margin:12px 0}svg{max-width:100%;height:auto}
figcaption{font-size:12px;color:#5b6470}.key{font-weight:600}`;

/** A whole page, self-contained (the CLI's --html). */
export function reportPage(results, options) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>vitrine report</title><style>${STYLE}</style></head><body>${toHtml(reportTree(results, options))}</body></html>\n`;
}
