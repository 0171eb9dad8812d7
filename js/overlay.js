// vitrine's debug overlay, loaded on demand (never part of a normal page load):
// `?vitrine_debug=1` or `localStorage.vitrine_debug = "1"`.
//
// It lists every rule and experiment with whether it applies and why not (the
// failing condition, missing consent, a cap, the schedule), outlines the elements
// vitrine changed, lets a tester force an experiment variant (through the
// `vitrine_force` URL parameter the engine already honours), clear the profile and
// open the editor (`?vitrine_edit=1`).
// Built with DOM APIs inside a closed-off shadow root: no innerHTML, no page CSS in,
// no overlay CSS out. It reads the instance; it decides nothing.

const STYLE = `
:host { all: initial; }
.panel { position: fixed; right: 12px; bottom: 12px; z-index: 2147483647; width: min(560px, 95vw); max-height: 60vh;
  overflow: auto; background: #111c; color: #f5f5f5; font: 12px/1.4 system-ui, sans-serif; border-radius: 8px;
  box-shadow: 0 4px 24px #0008; backdrop-filter: blur(4px); }
header { display: flex; gap: 8px; align-items: center; padding: 8px 10px; position: sticky; top: 0; background: #000d; }
header strong { flex: 1; }
button, select { font: inherit; border-radius: 4px; border: 1px solid #888; background: #222; color: inherit; padding: 2px 6px; }
table { width: 100%; border-collapse: collapse; }
td, th { text-align: left; padding: 4px 8px; border-top: 1px solid #fff2; vertical-align: top; }
.yes { color: #7ee787; } .no { color: #ffa198; }
.box { position: fixed; pointer-events: none; outline: 2px dashed #f0f; outline-offset: 1px; z-index: 2147483646; }
.box span { position: absolute; top: -16px; left: 0; background: #f0f; color: #000; font: 10px system-ui; padding: 0 3px; }
`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'on') for (const [type, fn] of Object.entries(v)) node.addEventListener(type, fn);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Shows the overlay for a started instance; returns a function that removes it. */
export function showOverlay(vitrine, { experiments = [] } = {}) {
  const host = el('div', { id: 'vitrine-debug' });
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const rows = el('tbody');
  const boxes = el('div');
  let highlight = true;

  function force(experiment, variant) {
    const url = new URL(location.href);
    if (variant) url.searchParams.set('vitrine_force', `${experiment}:${variant}`);
    else url.searchParams.delete('vitrine_force');
    location.assign(url.href);
  }

  // The point-and-click editor is this page with ?vitrine_edit=1.
  function openEditor() {
    const url = new URL(location.href);
    url.searchParams.set('vitrine_edit', '1');
    location.assign(url.href);
  }

  function render() {
    rows.replaceChildren(
      ...vitrine.decisions().map((d) => {
        const variants = experiments.find((e) => e.id === d.id)?.variants ?? [];
        const picker = d.kind === 'experiment'
          ? el('select', { 'aria-label': `force a variant of ${d.id}`, 'data-experiment': d.id, on: { change: (e) => force(d.id, e.target.value) } },
            el('option', { value: '' }, '(bucketed)'),
            ...variants.map((v) => {
              const option = el('option', { value: v.id }, v.id);
              if (v.id === d.variant && d.reason === 'forced by URL') option.selected = true;
              return option;
            }))
          : null;
        return el('tr', { 'data-id': d.id },
          el('td', {}, d.kind),
          el('td', {}, d.id),
          el('td', { class: d.applied ? 'yes' : 'no' }, d.applied ? 'yes' : 'no'),
          el('td', {}, d.variant ?? ''),
          el('td', {}, d.reason),
          el('td', {}, picker));
      }),
    );
    boxes.replaceChildren();
    if (!highlight) return;
    for (const { rule, element } of vitrine.changed()) {
      const r = element.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      const box = el('div', { class: 'box', 'data-rule': rule }, el('span', {}, rule));
      Object.assign(box.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` });
      boxes.append(box);
    }
  }

  const panel = el('section', { class: 'panel', role: 'dialog', 'aria-label': 'vitrine debug' },
    el('header', {},
      el('strong', {}, 'vitrine debug'),
      el('button', { type: 'button', 'data-action': 'highlight', on: { click: () => { highlight = !highlight; render(); } } }, 'Highlight'),
      el('button', { type: 'button', 'data-action': 'clear', on: { click: () => { vitrine.profile.erase(); render(); } } }, 'Clear profile'),
      el('button', { type: 'button', 'data-action': 'edit', on: { click: () => openEditor() } }, 'Edit'),
      el('button', { type: 'button', 'data-action': 'close', on: { click: () => remove() } }, 'Close')),
    el('table', {}, el('thead', {}, el('tr', {}, ...['kind', 'id', 'applied', 'variant', 'why', 'force'].map((h) => el('th', {}, h)))), rows));
  root.append(style, boxes, panel);
  document.body.append(host);

  const offs = ['apply', 'revert', 'consent', 'erase'].map((name) => vitrine.on(name, () => render()));
  const onScroll = () => requestAnimationFrame(render);
  addEventListener('scroll', onScroll, { passive: true });
  addEventListener('resize', onScroll, { passive: true });
  render();

  function remove() {
    for (const off of offs) off();
    removeEventListener('scroll', onScroll);
    removeEventListener('resize', onScroll);
    host.remove();
  }
  return remove;
}
