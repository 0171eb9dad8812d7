// The editor's "preview as a visitor": a few attributes of a made-up visitor (a cart
// total, a channel, a UTM source, visits, an affinity, a variant per experiment),
// handed to the runtime with the edited config (`start({preview, simulate})`:
// laid over the real visitor's by the engine, never recorded), and the engine's
// decisions with their reasons — the debug overlay's — shown in a table. Attributes
// derived from the given ones (`visitor.returning`, `affinity.top_category`) are
// given with them, since the engine derives them before the simulated values are
// laid over.

import { el, option } from './editor-forms.js';
import { CHANNELS } from './editor-words.js';

/**
 * `m`: the panel's texts; `categories()` and `experiments()`: what the config being
 * edited has; `preview(simulate)`: restarts the page with it.
 */
export function visitorPanel({ m, categories, experiments, preview }) {
  const cart = el('input', { id: 'sim-cart-total', type: 'number', min: 0, step: 'any' });
  const channel = el('select', { id: 'sim-channel' }, option('', m.any), CHANNELS.map((c) => option(c, c)));
  const utm = el('input', { id: 'sim-utm-source' });
  const visits = el('input', { id: 'sim-visits', type: 'number', min: 1, step: 1 });
  const category = el('select', { id: 'sim-affinity', 'aria-label': m.affinity });
  const score = el('input', { id: 'sim-affinity-score', type: 'number', min: 0, step: 'any', 'aria-label': m.score });
  const variants = el('div');
  const decisions = el('div', { id: 'decisions' });

  // The config's categories and experiments, the choices already made kept.
  const refresh = () => {
    const shown = category.value;
    category.replaceChildren(option('', m.any), ...categories().map((c) => option(c, c, c === shown)));
    const chosen = Object.fromEntries([...variants.querySelectorAll('select')].map((s) => [s.dataset.experiment, s.value]));
    variants.replaceChildren(...experiments().filter((x) => typeof x?.id === 'string').map((x) => {
      const id = `sim-exp-${x.id}`;
      return el('div', {}, el('label', { for: id }, m.variantOf(x.id)),
        el('select', { id, 'data-experiment': x.id }, option('', m.bucketed),
          (Array.isArray(x.variants) ? x.variants : []).map((v) => option(v?.id, v?.id, v?.id === chosen[x.id]))));
    }));
  };
  const simulated = () => {
    const out = {};
    if (cart.value.trim() !== '') out['cart.total'] = Number(cart.value);
    if (channel.value) out.channel = channel.value;
    if (utm.value.trim()) out['utm.source'] = utm.value.trim();
    if (visits.value.trim() !== '') {
      out['visitor.visits'] = Number(visits.value);
      out['visitor.returning'] = Number(visits.value) > 1;
    }
    if (category.value && score.value.trim() !== '') {
      out[`affinity.category.${category.value}`] = Number(score.value);
      out['affinity.top_category'] = category.value;
    }
    for (const select of variants.querySelectorAll('select')) if (select.value) out[`experiments.${select.dataset.experiment}`] = select.value;
    return out;
  };
  const element = el('details', { id: 'visitor', ontoggle: () => refresh() }, el('summary', {}, m.visitor),
    el('label', { for: 'sim-cart-total' }, m.cartTotal), cart,
    el('label', { for: 'sim-channel' }, m.channel), channel,
    el('label', { for: 'sim-utm-source' }, m.utm), utm,
    el('label', { for: 'sim-visits' }, m.visits), visits,
    el('label', { for: 'sim-affinity' }, m.affinity), el('div', { class: 'row' }, category, score),
    variants,
    el('button', { type: 'button', id: 'visitor-preview', onclick: () => preview(simulated()) }, m.asVisitor));

  return {
    element,
    decisions,
    /** Called when the experiments change (a variant added). */
    refresh: () => { if (element.open) refresh(); },
    /** The running vitrine's decisions and reasons, as the debug overlay shows them. */
    showDecisions(instance) {
      const rows = instance?.decisions?.() ?? [];
      decisions.replaceChildren(el('table', {},
        el('caption', { class: 'label' }, m.decisions),
        el('thead', {}, el('tr', {}, [m.kind, m.id, m.applies, m.variant, m.why].map((h) => el('th', { scope: 'col' }, h)))),
        el('tbody', {}, rows.map((d) => el('tr', { 'data-id': d.id },
          el('td', {}, d.kind), el('td', {}, d.id), el('td', { class: d.applied ? 'yes' : 'no' }, d.applied ? m.yes : m.no),
          el('td', {}, d.variant ?? ''), el('td', {}, d.reason))))));
    },
    clearDecisions: () => decisions.replaceChildren(),
  };
}
