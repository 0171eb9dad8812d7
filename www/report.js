// www/report.html: the report of an export, computed in the browser (the report part's
// wasm through /pkg/report.js) and drawn by /pkg/report-html.js as DOM nodes, never
// as markup: the file's names are untrusted. Nothing is sent anywhere.
import { aggregateEvents, analyse, verdict } from '/pkg/report.js';
import { reportTree, toDom, STYLE } from '/pkg/report-html.js';

const style = document.createElement('style');
style.textContent = STYLE;
document.head.append(style);
const status = document.getElementById('status');
const out = document.getElementById('out');

async function show(file) {
  status.textContent = `Reading ${file.name}…`;
  const goals = document.getElementById('goals').value.split(',').map((g) => g.trim()).filter(Boolean);
  if (goals.length === 0) {
    status.textContent = 'Name at least one goal.';
    return;
  }
  try {
    // Line by line from the file's stream: a large export is never one string.
    const lines = (async function* () {
      const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
      let rest = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parts = (rest + value).split(/\r?\n/);
        rest = parts.pop();
        yield* parts;
      }
      if (rest) yield rest;
    })();
    const { entries, read, unreadable } = await aggregateEvents(lines, { goals });
    const results = [];
    for (const entry of entries) {
      if (entry.variants.length < 2) continue;
      const result = await analyse({ variants: entry.variants, weights: entry.weights });
      results.push({ experiment: entry.experiment, goal: entry.goal, ...result, verdict: verdict(result), daily: entry.daily, value: entry.variants.some((v) => v.sumSquares !== undefined) });
    }
    out.replaceChildren(toDom(reportTree(results, { source: file.name }), document));
    status.textContent = `${read.toLocaleString('en')} events read${unreadable.length ? `, ${unreadable.length} line(s) not read` : ''}; ${results.length} result(s).`;
    document.body.dataset.ready = String(results.length);
  } catch (error) {
    status.textContent = `Could not read ${file.name}: ${error.message}`;
  }
}

document.getElementById('file').addEventListener('change', (e) => e.target.files[0] && show(e.target.files[0]));
const drop = document.getElementById('drop');
drop.addEventListener('dragover', (e) => e.preventDefault());
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  if (e.dataTransfer.files[0]) show(e.dataTransfer.files[0]);
});
