// The point-and-click editor (`?vitrine_edit=1`), loaded on demand by runtime.js and
// never otherwise. It lives in a shadow root outside <body>, so the page's own DOM
// is untouched but for what a preview applies. The site owner picks an element (by
// mouse, or Tab through candidates and Enter), gets a robust selector
// (js/editor-selector.js) with its match count, chooses an operation and its
// fields (templates included), targets it with a condition built from a form (read
// back in plain language), previews it through the real runtime (the current
// instance stopped, a new one started with the edited config; discard stops it, so
// the page is exactly as it was, and starts the original again), and downloads or
// copies the config — the original with the new rule, unknown fields kept —
// validated by the CLI's validator. Everything is built with DOM methods and
// textContent: no innerHTML, so it works under a strict CSP with Trusted Types.

import { proposeSelectors } from './editor-selector.js';

const TEXTS = {
  en: {
    title: 'vitrine editor', pick: 'Pick an element', picking: 'Click an element, or Tab to one and press Enter (Esc cancels)',
    selector: 'Selector', matches: (n) => `${n} element${n === 1 ? '' : 's'} match`, widen: 'Wider', narrow: 'Narrower',
    operation: 'Operation', text: 'Text (template: {{cart.total | currency: "BRL"}})', value: 'Value', name: 'Attribute', className: 'Class',
    html: 'Markup (sanitized; templates fill its text)', position: 'Where', to: 'Move to (selector)',
    when: 'Show it when', always: 'always', attribute: 'Attribute', operator: 'Operator', and: 'and',
    ruleId: 'Rule id', consent: 'Consent category', preview: 'Preview', discard: 'Discard', download: 'Download vitrine.json', copy: 'Copy',
    valid: 'The config is valid.', previewing: 'Previewing: this page runs the edited config.', discarded: 'Discarded: the page is as it was.',
    reading: 'Reads:', copied: 'Copied.', nothing: 'Pick an element first.',
  },
  pt: {
    title: 'editor vitrine', pick: 'Escolher um elemento', picking: 'Clique num elemento, ou vá até ele com Tab e aperte Enter (Esc cancela)',
    selector: 'Seletor', matches: (n) => `${n} elemento${n === 1 ? '' : 's'}`, widen: 'Mais amplo', narrow: 'Mais específico',
    operation: 'Operação', text: 'Texto (modelo: {{cart.total | currency: "BRL"}})', value: 'Valor', name: 'Atributo', className: 'Classe',
    html: 'Marcação (sanitizada; modelos preenchem o texto)', position: 'Onde', to: 'Mover para (seletor)',
    when: 'Mostrar quando', always: 'sempre', attribute: 'Atributo', operator: 'Operador', and: 'e',
    ruleId: 'Id da regra', consent: 'Categoria de consentimento', preview: 'Pré-visualizar', discard: 'Descartar', download: 'Baixar vitrine.json', copy: 'Copiar',
    valid: 'A configuração é válida.', previewing: 'Pré-visualizando: esta página roda a configuração editada.', discarded: 'Descartado: a página voltou ao que era.',
    reading: 'Lê-se:', copied: 'Copiado.', nothing: 'Escolha um elemento primeiro.',
  },
};

// The operations the form offers, with their fields (every one vitrine has is in
// docs/config.md; the rest come with the editor's next parts).
const OPERATIONS = {
  setText: ['text'],
  setHtml: ['html'],
  insert: ['position', 'html'],
  setAttr: ['name', 'value'],
  removeAttr: ['name'],
  addClass: ['class'],
  removeClass: ['class'],
  hide: [],
  show: [],
  remove: [],
  move: ['position', 'to'],
};
const POSITIONS = ['before', 'after', 'prepend', 'append'];
// Documented attributes a condition may read, with how to say them.
const ATTRIBUTES = {
  'cart.total': { en: 'cart total', pt: 'total do carrinho', number: true },
  'cart.count': { en: 'items in the cart', pt: 'itens no carrinho', number: true },
  'visitor.visits': { en: 'visits', pt: 'visitas', number: true },
  channel: { en: 'channel', pt: 'canal' },
  'utm.source': { en: 'UTM source', pt: 'origem UTM' },
  'device.type': { en: 'device', pt: 'dispositivo' },
  'page.path': { en: 'page path', pt: 'caminho da página' },
};
const OPERATORS = { $gte: '≥', $lte: '≤', $gt: '>', $lt: '<', $eq: '=', $ne: '≠' };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== false && v !== undefined) node.setAttribute(k, v === true ? '' : String(v));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined));
  return node;
}

/** What a condition says, in words: "cart total ≥ 150 and channel = whatsapp". */
export function describeCondition(condition, lang = 'en') {
  const t = TEXTS[lang] ?? TEXTS.en;
  const parts = Object.entries(condition ?? {}).flatMap(([path, test]) => {
    const name = ATTRIBUTES[path]?.[lang] ?? path;
    if (test && typeof test === 'object') return Object.entries(test).map(([op, v]) => `${name} ${OPERATORS[op] ?? op} ${JSON.stringify(v)}`);
    return [`${name} = ${JSON.stringify(test)}`];
  });
  return parts.length ? parts.join(` ${t.and} `) : t.always;
}

/**
 * Mounts the editor. `config` is the config the page started with; `restart(config)`
 * stops the running vitrine and starts one with `config` (resolving to it);
 * `validate(config)` is validateConfig.
 */
export function mountEditor({ config, restart, validate }) {
  const lang = (document.documentElement.lang || navigator.language || 'en').toLowerCase().startsWith('pt') ? 'pt' : 'en';
  const t = TEXTS[lang];
  const original = structuredClone(config);
  let picked = null;
  let previewing = false;

  const host = document.createElement('vitrine-editor');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = `:host{all:initial}aside{position:fixed;top:0;right:0;width:340px;max-height:100vh;overflow:auto;z-index:2147483647;background:#fff;color:#1d232b;font:14px/1.4 system-ui,sans-serif;border-left:1px solid #8a939e;box-shadow:-4px 0 16px #0002;padding:12px 14px}
h2{font-size:16px;margin:0 0 8px}label{display:block;margin:8px 0 2px;font-weight:600}input,select,textarea{width:100%;box-sizing:border-box;font:inherit;padding:4px}button{font:inherit;margin:4px 4px 0 0;padding:4px 8px}
.row{display:flex;gap:4px}.muted{color:#4a5360;font-size:12px}.errors{color:#a1241b}.box{position:fixed;pointer-events:none;outline:3px solid #1f6fd1;outline-offset:1px;z-index:2147483646}`;
  const box = el('div', { class: 'box', hidden: true });
  const status = el('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const errors = el('ul', { class: 'errors' });
  const selectorInput = el('input', { id: 'selector', 'aria-describedby': 'matches' });
  const matches = el('p', { id: 'matches', class: 'muted' });
  const opSelect = el('select', { id: 'op' }, Object.keys(OPERATIONS).map((op) => el('option', { value: op }, op)));
  const fields = el('div');
  const whenAttr = el('select', { id: 'when-attr' }, el('option', { value: '' }, t.always), Object.entries(ATTRIBUTES).map(([path, a]) => el('option', { value: path }, a[lang])));
  const whenOp = el('select', { id: 'when-op', 'aria-label': t.operator }, Object.entries(OPERATORS).map(([op, sign]) => el('option', { value: op }, sign)));
  const whenValue = el('input', { id: 'when-value', 'aria-label': t.value });
  const reading = el('p', { class: 'muted', id: 'reading' });
  const ruleId = el('input', { id: 'rule-id', value: `edited-${Date.now().toString(36)}` });
  const categories = (Array.isArray(config.consent?.categories) ? config.consent.categories.map((c) => c.id) : ['personalization', 'preferences', 'analytics', 'marketing']).filter((c) => c !== 'necessary');
  const consent = el('select', { id: 'consent' }, categories.map((c) => el('option', { value: c, selected: c === 'personalization' }, c)));
  const fieldInputs = {};
  const renderFields = () => {
    fields.replaceChildren();
    for (const name of OPERATIONS[opSelect.value]) {
      const id = `field-${name}`;
      fieldInputs[name] ??= name === 'text' || name === 'html'
        ? el('textarea', { id, rows: 2 })
        : name === 'position' ? el('select', { id }, POSITIONS.map((p) => el('option', { value: p }, p))) : el('input', { id });
      const label = { text: t.text, html: t.html, class: t.className, name: t.name, position: t.position, to: t.to }[name] ?? t.value;
      fields.append(el('label', { for: id }, label), fieldInputs[name]);
    }
  };
  const condition = () => {
    if (!whenAttr.value) return undefined;
    const raw = whenValue.value.trim();
    const number = ATTRIBUTES[whenAttr.value]?.number;
    const value = number && raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    return { [whenAttr.value]: { [whenOp.value]: value } };
  };
  const rule = () => {
    const action = { op: opSelect.value, selector: selectorInput.value.trim() };
    for (const name of OPERATIONS[opSelect.value]) action[name] = fieldInputs[name]?.value ?? '';
    const when = condition();
    return { id: ruleId.value.trim(), consent: consent.value, ...(when ? { when } : {}), actions: [action] };
  };
  /** The original config with the new rule (replacing one of the same id); unknown fields kept. */
  const edited = () => {
    const next = structuredClone(original);
    const r = rule();
    next.rules = [...(Array.isArray(next.rules) ? next.rules.filter((x) => x?.id !== r.id) : []), r];
    return next;
  };
  const showMatches = () => {
    let n = 0;
    try {
      n = document.querySelectorAll(selectorInput.value).length;
    } catch {
      n = 0;
    }
    matches.textContent = t.matches(n);
  };
  const check = async () => {
    const result = await validate(edited());
    errors.replaceChildren(...result.errors.map((e) => el('li', {}, `${e.path}: ${e.message}`)));
    if (result.ok) status.textContent = t.valid;
    return result.ok;
  };
  const updateReading = () => {
    reading.textContent = `${t.reading} ${describeCondition(condition(), lang)}`;
  };

  // Picking: hover and click, or Tab through candidates and Enter.
  let picking = false;
  let candidates = [];
  let cursor = -1;
  const outline = (target) => {
    if (!target) return void (box.hidden = true);
    const r = target.getBoundingClientRect();
    Object.assign(box.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` });
    box.hidden = false;
  };
  const choose = (target) => {
    stopPicking();
    picked = target;
    const proposals = proposeSelectors(target);
    selectorInput.value = (proposals.find((p) => p.unique) ?? proposals[0])?.selector ?? '';
    selectorInput.dataset.proposals = JSON.stringify(proposals.map((p) => p.selector));
    showMatches();
    status.textContent = '';
    outline(target);
    if (fieldInputs.text && !fieldInputs.text.value) fieldInputs.text.value = target.textContent.trim().slice(0, 200);
    selectorInput.focus();
  };
  const onMove = (e) => {
    if (!host.contains(e.target) && e.target instanceof Element) outline(e.target);
  };
  const onClickPick = (e) => {
    if (host.contains(e.target) || !(e.target instanceof Element)) return;
    e.preventDefault();
    e.stopPropagation();
    choose(e.target);
  };
  const onKey = (e) => {
    if (!picking) return;
    if (e.key === 'Escape') {
      stopPicking();
      pickButton.focus();
    } else if (e.key === 'Tab') {
      e.preventDefault();
      cursor = (cursor + (e.shiftKey ? -1 : 1) + candidates.length) % candidates.length;
      outline(candidates[cursor]);
      status.textContent = `${candidates[cursor].localName}: ${candidates[cursor].textContent.trim().slice(0, 60)}`;
    } else if (e.key === 'Enter' && cursor >= 0) {
      e.preventDefault();
      choose(candidates[cursor]);
    }
  };
  function startPicking() {
    picking = true;
    candidates = Array.from(document.body.querySelectorAll('h1,h2,h3,h4,p,a,button,img,li,[id],[data-vitrine-track]')).filter((c) => c.getClientRects().length > 0);
    cursor = -1;
    status.textContent = t.picking;
    document.addEventListener('mousemove', onMove, true);
    document.addEventListener('click', onClickPick, true);
  }
  function stopPicking() {
    picking = false;
    document.removeEventListener('mousemove', onMove, true);
    document.removeEventListener('click', onClickPick, true);
  }
  document.addEventListener('keydown', onKey, true);

  const pickButton = el('button', { id: 'pick', type: 'button', onclick: startPicking }, t.pick);
  const widen = () => {
    const target = picked?.parentElement;
    if (target && target !== document.body) choose(target);
  };
  const narrow = () => {
    const target = picked?.firstElementChild;
    if (target) choose(target);
  };
  const preview = async () => {
    if (!selectorInput.value.trim()) return void (status.textContent = t.nothing);
    if (!(await check())) return;
    await restart(edited());
    previewing = true;
    status.textContent = t.previewing;
  };
  const discard = async () => {
    if (previewing) await restart(original);
    previewing = false;
    status.textContent = t.discarded;
  };
  const download = async () => {
    if (!(await check())) return;
    const blob = new Blob([`${JSON.stringify(edited(), null, 2)}\n`], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: 'vitrine.json' });
    shadow.append(a);
    a.click();
    a.remove();
  };
  const copy = async () => {
    await navigator.clipboard?.writeText(JSON.stringify(edited(), null, 2));
    status.textContent = t.copied;
  };

  opSelect.addEventListener('change', renderFields);
  selectorInput.addEventListener('input', showMatches);
  for (const input of [whenAttr, whenOp, whenValue]) input.addEventListener('input', updateReading);
  renderFields();
  updateReading();
  const panel = el('aside', { role: 'complementary', 'aria-label': t.title },
    el('h2', {}, t.title),
    pickButton,
    el('label', { for: 'selector' }, t.selector), selectorInput, matches,
    el('div', { class: 'row' }, el('button', { type: 'button', id: 'widen', onclick: widen }, t.widen), el('button', { type: 'button', id: 'narrow', onclick: narrow }, t.narrow)),
    el('label', { for: 'op' }, t.operation), opSelect, fields,
    el('label', { for: 'when-attr' }, t.when), whenAttr, el('div', { class: 'row' }, whenOp, whenValue), reading,
    el('label', { for: 'rule-id' }, t.ruleId), ruleId,
    el('label', { for: 'consent' }, t.consent), consent,
    el('div', {},
      el('button', { type: 'button', id: 'preview', onclick: preview }, t.preview),
      el('button', { type: 'button', id: 'discard', onclick: discard }, t.discard),
      el('button', { type: 'button', id: 'download', onclick: download }, t.download),
      el('button', { type: 'button', id: 'copy', onclick: copy }, t.copy)),
    errors, status);
  shadow.append(style, box, panel);
  // Outside <body>: the page's own tree stays as the page made it. The owner asked
  // for the editor: it takes the focus, so the keyboard starts in the panel.
  document.documentElement.append(host);
  pickButton.focus();
  return () => {
    stopPicking();
    document.removeEventListener('keydown', onKey, true);
    host.remove();
  };
}
