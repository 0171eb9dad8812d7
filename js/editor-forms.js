// The editor's forms: the operation's fields (made from the schema's extract,
// VITRINE_EDITOR_SPEC, so every operation vitrine has is offered with the engine's
// own field kinds, choices and defaults), the template picker, the condition rows
// and the trigger, frequency and schedule. Each form reads itself into config JSON
// and loads config JSON back: what it cannot show (a condition with `$or`, a
// translated text) is kept as it was, and a part the owner did not touch keeps its
// original value exactly. Every control carries the config path it writes
// (`data-path`), so a validator error is shown next to the field it names.

import {
  NUMBER_OPS, TEXTS, describeCondition, escapeContains, has, isObject, unescapeContains,
} from './editor-words.js';

export { TEXTS };

/* global VITRINE_EDITOR_SPEC */
export const SPEC = VITRINE_EDITOR_SPEC;

const FILTERS = ['currency: "BRL"', 'number', 'upper', 'lower', 'capitalize', 'default: "…"', 'truncate: 40'];
const ITEM_PATHS = ['item.name', 'item.price', 'item.url', 'item.image', 'item.category', 'item.brand', 'item.id', 'rank'];

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== false && v !== undefined && v !== null) node.setAttribute(k, v === true ? '' : String(v));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

export const option = (value, label, selected) => el('option', { value, selected: selected || undefined }, label);


function operatorsFor(kind, lang) {
  const r = TEXTS[lang].read;
  if (kind === 'number' || kind === 'money') return NUMBER_OPS;
  if (kind === 'bool') return { $eq: '=' };
  if (kind === 'segment') return { $in: r.inSegment('').trim(), $nin: r.notInSegment('').trim() };
  return { $eq: '=', $ne: '≠', $in: r.oneOf, $regex: r.contains };
}

/** Whether a row can show this clause and read it back as it is. */
function showable(a, op, v) {
  if (!a || !has(operatorsFor(a.kind, 'en'), op)) return false;
  const text = (x) => typeof x === 'string' && x.trim() === x && x !== '' && !x.includes(',');
  const listed = (x) => !a.values || a.values.includes(x);
  if (a.kind === 'segment') return Array.isArray(v) && v.length === 1 && listed(v[0]);
  if (a.kind === 'bool') return typeof v === 'boolean';
  if (a.kind === 'number' || a.kind === 'money') return op === '$in' ? false : typeof v === 'number' && Number.isFinite(v);
  if (op === '$in') return Array.isArray(v) && v.length > 0 && v.every((x) => text(x) && listed(x));
  if (op === '$regex') return unescapeContains(v) !== null && unescapeContains(v) !== '';
  return text(v) && (op !== '$eq' || listed(v)) && (op !== '$ne' || listed(v));
}

/**
 * Condition rows (attribute, operator, value), joined with "and". The first row's
 * controls are #when-attr, #when-op, #when-value; later rows add a number. A
 * condition the rows cannot show is kept as written beside them, and a loaded one
 * the owner did not change is given back exactly as it was.
 */
export function conditionForm({ lang, attributes, onChange }) {
  const t = TEXTS[lang];
  const rows = [];
  let kept = null;
  let serial = 0;
  let loaded;
  let loadedSnapshot = null;
  const list = el('div');
  const keptBox = el('p', { class: 'muted', hidden: true });
  const add = el('button', { type: 'button', id: 'when-add', onclick: () => { addRow(); rows.at(-1).attr.focus(); } }, t.addCondition);
  const attributeOf = (path) => (has(attributes, path) ? attributes[path] : undefined);

  function addRow(path = '', op = '', value = '') {
    const n = serial++;
    const suffix = n === 0 ? '' : `-${n}`;
    const attr = el('select', { id: `when-attr${suffix}`, 'data-path': 'when', 'aria-label': n === 0 ? t.when : `${t.when} (${n + 1})` },
      option('', t.always), Object.entries(attributes).map(([p, a]) => option(p, a[lang], p === path)));
    const opSelect = el('select', { id: `when-op${suffix}`, 'aria-label': t.operator });
    const valueBox = el('span');
    const row = { attr, op: opSelect, valueBox, value: null };
    const renderValue = (initial, keepOp = true) => {
      const a = attributeOf(attr.value) ?? { kind: 'text' };
      const ops = operatorsFor(a.kind, lang);
      const chosen = keepOp && has(ops, opSelect.value) ? opSelect.value : Object.keys(ops)[0];
      opSelect.replaceChildren(...Object.entries(ops).map(([o, label]) => option(o, label, o === chosen)));
      const id = `when-value${suffix}`;
      const values = a.kind === 'bool' ? ['true', 'false'] : a.values;
      row.value = values && opSelect.value !== '$in' && opSelect.value !== '$regex'
        ? el('select', { id, 'aria-label': t.value }, values.map((v) => option(v, a.kind === 'bool' ? t[v === 'true' ? 'yes' : 'no'] : v, String(initial) === v)))
        : el('input', { id, 'aria-label': t.value, value: initial ?? '', inputmode: a.kind === 'number' || a.kind === 'money' ? 'decimal' : undefined });
      row.value.addEventListener('input', onChange);
      valueBox.replaceChildren(row.value);
    };
    // Another attribute: its kind's first operator (≥ for numbers).
    attr.addEventListener('change', () => { renderValue('', false); onChange(); });
    opSelect.addEventListener('change', () => { const v = row.value.value; renderValue(v); onChange(); });
    if (op) opSelect.append(option(op, op, true));
    renderValue(value);
    const remove = n === 0 ? null : el('button', { type: 'button', 'aria-label': t.removeCondition, onclick: () => { rows.splice(rows.indexOf(row), 1); line.remove(); onChange(); } }, '×');
    const line = el('div', { class: 'cond' }, attr, el('div', { class: 'row' }, opSelect, valueBox, remove));
    rows.push(row);
    list.append(line);
  }

  function valueOf(row) {
    const a = attributeOf(row.attr.value) ?? { kind: 'text' };
    const raw = row.value.value.trim();
    if (raw === '') return undefined;
    if (a.kind === 'bool') return raw === 'true';
    if (a.kind === 'segment') return [raw];
    if (row.op.value === '$in') return raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (row.op.value === '$regex') return escapeContains(raw);
    if ((a.kind === 'number' || a.kind === 'money') && Number.isFinite(Number(raw))) return Number(raw);
    return raw;
  }
  const snapshot = () => JSON.stringify([kept !== null, rows.map((r) => [r.attr.value, r.op.value, r.value.value])]);

  return {
    element: el('div', {}, list, keptBox, add),
    /** The rows' condition (merged per attribute), with the kept one; undefined for "always". */
    read() {
      if (loadedSnapshot !== null && snapshot() === loadedSnapshot) return loaded === undefined ? undefined : structuredClone(loaded);
      const merged = {};
      const extra = [];
      for (const row of rows) {
        const value = valueOf(row);
        if (!row.attr.value || value === undefined) continue;
        const test = has(merged, row.attr.value) ? merged[row.attr.value] : null;
        if (!test) merged[row.attr.value] = { [row.op.value]: value };
        else if (!has(test, row.op.value)) test[row.op.value] = value;
        else extra.push({ [row.attr.value]: { [row.op.value]: value } });
      }
      const parts = [...(kept ? [kept] : []), ...(Object.keys(merged).length ? [merged] : []), ...extra];
      if (parts.length === 0) return undefined;
      return parts.length === 1 ? parts[0] : { $and: parts };
    },
    /** Shows a condition: plain `{path: {op: value}}` clauses as rows, the rest kept. */
    load(condition) {
      rows.length = 0;
      list.replaceChildren();
      kept = null;
      serial = 0;
      const clauses = [];
      let all = isObject(condition);
      for (const [path, test] of Object.entries(isObject(condition) ? condition : {})) {
        const a = attributeOf(path);
        const tests = isObject(test) ? Object.entries(test) : [['$eq', test]];
        if (tests.length === 0) all = false;
        for (const [op, v] of tests) {
          if (!showable(a, op, v)) all = false;
          clauses.push([path, op, a?.kind === 'segment' ? v?.[0] : op === '$in' && Array.isArray(v) ? v.join(', ') : op === '$regex' ? unescapeContains(v) : v]);
        }
      }
      if (condition !== undefined && !all) {
        kept = condition;
        keptBox.replaceChildren(`${t.kept} ${describeCondition(condition, lang, attributes)} `, el('button', { type: 'button', onclick: () => { kept = null; keptBox.hidden = true; onChange(); } }, t.dropKept));
        keptBox.hidden = false;
        addRow();
      } else {
        keptBox.hidden = true;
        if (clauses.length === 0) addRow();
        for (const [path, op, v] of clauses) addRow(path, op, v);
      }
      loaded = condition === undefined ? undefined : structuredClone(condition);
      loadedSnapshot = snapshot();
      onChange();
    },
  };
}

// --- The operation's fields ----------------------------------------------------

const LABELS = {
  en: { text: 'Text (a template: {{cart.total | currency: "BRL"}})', html: 'Markup (sanitized; templates fill its text)', value: 'Value (a template)', name: 'Attribute', class: 'Class', position: 'Where', to: 'Move to (selector)', style: 'Style', display: 'Display', key: 'Children\'s key attribute', by: 'Order by (attribute path)', url: 'Go to (URL)', crossOrigin: 'Allow another site', slot: 'Slot id', use: 'Recommenders (weights)', count: 'How many', maxPerCategory: 'At most per category', excludePurchased: 'Leave out bought products', template: 'Markup of one product (a template)', label: 'Accessible name', closeLabel: 'Close button name', recontact: 'Show again', sample: 'Share of visitors (0–1)', minTimeOnPage: 'Minimum ms on the page', shadow: 'In a shadow root', survey: 'Survey id', questions: 'Questions', thanks: 'Thank-you text' },
  pt: { text: 'Texto (modelo: {{cart.total | currency: "BRL"}})', html: 'Marcação (sanitizada; modelos preenchem o texto)', value: 'Valor (modelo)', name: 'Atributo', class: 'Classe', position: 'Onde', to: 'Mover para (seletor)', style: 'Estilo', display: 'Exibição', key: 'Atributo-chave dos filhos', by: 'Ordenar por (caminho do atributo)', url: 'Ir para (URL)', crossOrigin: 'Permitir outro site', slot: 'Id do espaço', use: 'Recomendadores (pesos)', count: 'Quantos', maxPerCategory: 'No máximo por categoria', excludePurchased: 'Deixar de fora o que já comprou', template: 'Marcação de um produto (modelo)', label: 'Nome acessível', closeLabel: 'Nome do botão fechar', recontact: 'Mostrar de novo', sample: 'Parcela de visitantes (0–1)', minTimeOnPage: 'Mínimo de ms na página', shadow: 'Numa shadow root', survey: 'Id da pesquisa', questions: 'Perguntas', thanks: 'Texto de agradecimento' },
};
const TEMPLATE_FIELDS = new Set(['text', 'html', 'value', 'template']);

/** One field: its control(s), how it reads and shows its value. */
function fieldControl(field, lang, path) {
  const t = TEXTS[lang];
  const id = `field-${field.name}`;
  const title = field.description;
  const plain = (control, parse = (v) => v, show = (v) => v) => ({
    element: control,
    focus: control,
    read: () => (control.value.trim() === '' ? undefined : parse(control.value)),
    show: (v) => { control.value = v === undefined || isObject(v) || Array.isArray(v) ? '' : show(v); },
    snapshot: () => control.value,
  });
  switch (field.kind) {
    case 'long': return plain(el('textarea', { id, rows: 2, title, 'data-path': path }));
    case 'text': return plain(el('input', { id, title, 'data-path': path }));
    case 'number': return plain(el('input', { id, type: 'number', step: 'any', title, 'data-path': path, placeholder: field.default }), Number, String);
    case 'choice': {
      const select = el('select', { id, title, 'data-path': path }, field.required ? [] : option('', t.dflt(field.default)), field.choices.map((c) => option(c, c)));
      return plain(select);
    }
    case 'flag': {
      const select = el('select', { id, title, 'data-path': path }, option('', t.dflt(field.default === undefined ? undefined : t[field.default ? 'yes' : 'no'])), option('true', t.yes), option('false', t.no));
      return plain(select, (v) => v === 'true', String);
    }
    case 'weights': {
      const inputs = SPEC.recommenders.map((r) => el('input', { id: `field-use-${r}`, type: 'number', min: 0, step: 'any', 'aria-label': r, 'data-path': `${path}.${r}` }));
      return {
        element: el('div', { class: 'grid', title }, SPEC.recommenders.map((r, i) => el('label', { class: 'inline' }, r, inputs[i]))),
        focus: inputs[0],
        read: () => {
          const out = {};
          SPEC.recommenders.forEach((r, i) => { if (inputs[i].value.trim() !== '') out[r] = Number(inputs[i].value); });
          return Object.keys(out).length ? out : undefined;
        },
        show: (v) => SPEC.recommenders.forEach((r, i) => { inputs[i].value = isObject(v) && typeof v[r] === 'number' ? String(v[r]) : ''; }),
        snapshot: () => inputs.map((i) => i.value).join('|'),
      };
    }
    case 'style': {
      const rows = el('div');
      const lines = [];
      const addLine = (property = '', value = '') => {
        const n = lines.length;
        const prop = el('select', { id: `field-style-prop-${n}`, 'aria-label': t.property, 'data-path': path }, option('', '—'), SPEC.style.map((p) => option(p, p, p === property)));
        // An error names the property (`style.color`): it lands on that line's value.
        const input = el('input', { id: `field-style-value-${n}`, 'aria-label': t.value, value, 'data-path': property ? `${path}.${property}` : path });
        prop.addEventListener('change', () => { input.dataset.path = prop.value ? `${path}.${prop.value}` : path; });
        lines.push([prop, input]);
        rows.append(el('div', { class: 'row' }, prop, input));
      };
      addLine();
      return {
        element: el('div', {}, rows, el('button', { type: 'button', id: 'field-style-add', onclick: () => { addLine(); lines.at(-1)[0].focus(); } }, t.addProperty)),
        focus: lines[0][0],
        read: () => {
          const out = {};
          for (const [p, v] of lines) if (p.value && v.value.trim()) out[p.value] = v.value.trim();
          return Object.keys(out).length ? out : undefined;
        },
        show: (v) => {
          lines.length = 0;
          rows.replaceChildren();
          const entries = isObject(v) ? Object.entries(v) : [];
          for (const [p, value] of entries) addLine(p, String(value));
          if (!entries.length) addLine();
        },
        snapshot: () => lines.map(([p, v]) => `${p.value}:${v.value}`).join('|'),
      };
    }
    case 'recontact': {
      const choices = ['once', 'untilDismissed', 'untilAnswered', 'everyDays'];
      const select = el('select', { id, title, 'data-path': path }, option('', t.dflt()), choices.map((c) => option(c, c)));
      const days = el('input', { id: `${id}-days`, type: 'number', min: 1, 'aria-label': t.days, 'data-path': `${path}.everyDays` });
      return {
        element: el('div', { class: 'row' }, select, days),
        focus: select,
        read: () => (select.value === 'everyDays' ? { everyDays: Number(days.value) } : select.value || undefined),
        show: (v) => { select.value = isObject(v) ? 'everyDays' : typeof v === 'string' ? v : ''; days.value = isObject(v) ? String(v.everyDays ?? '') : ''; },
        snapshot: () => `${select.value}:${days.value}`,
      };
    }
    case 'questions': return questionsControl(lang, path);
    default: throw new Error(`editor: no control for ${field.kind}`);
  }
}

/** Survey questions: id, type, text, options; "value = label" lines for choices. */
function questionsControl(lang, path) {
  const t = TEXTS[lang];
  const list = el('div');
  const items = [];
  let serial = 0;
  // Config paths follow the current order (an error names `questions[1]` after a removal).
  const renumber = () => items.forEach((item, i) => {
    for (const [key, control] of Object.entries({ id: item.id, type: item.type, text: item.text, options: item.options })) control.dataset.path = `${path}[${i}].${key}`;
    item.legend.textContent = t.question(i + 1);
  });
  const labelOf = (o) => (typeof o?.label === 'string' ? o.label : '');
  const addQuestion = (q = {}) => {
    const n = serial++;
    const name = t.question(items.length + 1);
    const id = el('input', { id: `q-${n}-id`, 'aria-label': `${name}: ${t.questionId}`, value: typeof q.id === 'string' ? q.id : `q${items.length + 1}` });
    const type = el('select', { id: `q-${n}-type`, 'aria-label': `${name}: ${t.questionType}` }, SPEC.questionTypes.map((ty) => option(ty, ty, ty === (q.type ?? 'nps'))));
    const text = el('input', { id: `q-${n}-text`, 'aria-label': name, value: typeof q.text === 'string' ? q.text : '' });
    const options = el('textarea', { id: `q-${n}-options`, rows: 2, 'aria-label': `${name}: ${t.options}` });
    options.value = Array.isArray(q.options) ? q.options.map((o) => `${o?.value} = ${labelOf(o)}`).join('\n') : '';
    const legend = el('legend', {}, name);
    const item = { id, type, text, options, legend, base: q, shownText: text.value };
    const box = el('fieldset', {}, legend, id, type, text, options,
      el('button', { type: 'button', 'aria-label': t.removeQuestion, onclick: () => { items.splice(items.indexOf(item), 1); box.remove(); renumber(); } }, '×'));
    items.push(item);
    list.append(box);
    renumber();
  };
  const read = () => items.map(({ id, type, text, options, base, shownText }) => {
    const q = { ...base, id: id.value.trim(), type: type.value };
    // A translated text ({"pt-BR": …, "en": …}) shows as empty: kept unless written over.
    if (text.value.trim()) q.text = text.value.trim();
    else if (text.value !== shownText || typeof base.text === 'string') delete q.text;
    if (type.value === 'single' || type.value === 'multiple') {
      const before = Array.isArray(base.options) ? base.options : [];
      q.options = options.value.split('\n').map((line) => line.split('=')).filter(([v]) => v?.trim()).map(([v, ...rest]) => {
        const value = v.trim();
        const label = rest.join('=').trim();
        const old = before.find((o) => o?.value === value);
        // An option whose label was not changed keeps it (a translated one too).
        return old && label === labelOf(old) ? old : { value, label: label || value };
      });
    } else delete q.options;
    return q;
  });
  addQuestion();
  return {
    element: el('div', {}, list, el('button', { type: 'button', id: 'q-add', onclick: () => { addQuestion(); items.at(-1).text.focus(); } }, t.addQuestion)),
    focus: null,
    read: () => (items.length ? read() : undefined),
    show: (v) => { items.length = 0; serial = 0; list.replaceChildren(); for (const q of Array.isArray(v) && v.length ? v : [{}]) addQuestion(isObject(q) ? q : {}); },
    snapshot: () => JSON.stringify(read()),
  };
}

/**
 * The operation select and its fields. `read()` gives the action (the loaded
 * action's fields the form does not know, or the owner did not touch, kept).
 */
export function actionForm({ lang, path: initialPath, onChange, templatePaths }) {
  // The config path the controls write (`actions[1]` for a rule's second action).
  let path = initialPath;
  const t = TEXTS[lang];
  const op = el('select', { id: 'op', 'data-path': path }, Object.keys(SPEC.ops).map((o) => option(o, o)));
  const fields = el('div');
  const picker = el('div', { class: 'picker' });
  let controls = {};
  let base = {};
  let loaded = {};
  let lastTemplateField = null;
  const tplAttr = el('select', { id: 'tpl-attr', 'aria-label': t.attributeToRead });
  const tplFilter = el('select', { id: 'tpl-filter', 'aria-label': t.filter }, option('', t.noFilter), FILTERS.map((f) => option(f, f)));
  const tplInsert = el('button', { type: 'button', id: 'tpl-insert', onclick: () => insertTemplate() }, t.insert);
  picker.append(el('label', { for: 'tpl-attr' }, t.attributeToRead), el('div', { class: 'row' }, tplAttr, tplFilter, tplInsert));

  function insertTemplate() {
    const target = lastTemplateField ?? Object.values(controls).find((c) => c.template)?.focus;
    if (!target || !tplAttr.value) return;
    const text = `{{${tplAttr.value}${tplFilter.value ? ` | ${tplFilter.value}` : ''}}}`;
    const at = target.selectionStart ?? target.value.length;
    target.value = `${target.value.slice(0, at)}${text}${target.value.slice(target.selectionEnd ?? at)}`;
    target.focus();
    target.setSelectionRange(at + text.length, at + text.length);
    onChange();
  }

  function render() {
    fields.replaceChildren();
    controls = {};
    lastTemplateField = null;
    const spec = SPEC.ops[op.value];
    for (const field of spec.fields) {
      const control = fieldControl(field, lang, `${path}.${field.name}`);
      control.template = TEMPLATE_FIELDS.has(field.name);
      controls[field.name] = control;
      const label = (LABELS[lang][field.name] ?? field.name) + (field.required ? ' *' : '');
      fields.append(control.focus ? el('label', { for: control.focus.id }, label) : el('p', { class: 'label' }, label), control.element);
      if (control.template) control.focus.addEventListener('focus', () => { lastTemplateField = control.focus; });
      control.element.addEventListener('input', onChange);
    }
    const templated = Object.values(controls).some((c) => c.template);
    picker.hidden = !templated;
    const paths = op.value === 'recommend' ? ITEM_PATHS : templatePaths();
    tplAttr.replaceChildren(...paths.map((p) => option(p, p)));
  }
  // Back to the loaded action's operation: its values come back with it.
  const showLoaded = () => {
    if (base.op !== op.value) return;
    for (const [name, control] of Object.entries(controls)) control.show(base[name]);
  };
  op.addEventListener('change', () => { render(); showLoaded(); onChange(); });
  render();

  return {
    element: el('div', {}, el('label', { for: 'op' }, t.operation), op, fields, picker),
    op,
    controls: () => controls,
    spec: () => SPEC.ops[op.value],
    /** The action's fields (no selector). */
    read() {
      const out = { ...(base.op === op.value ? base : {}), op: op.value };
      delete out.selector;
      for (const [name, control] of Object.entries(controls)) {
        if (base.op === op.value && control.snapshot() === loaded[name]) continue;
        const value = control.read();
        if (value === undefined) delete out[name];
        else out[name] = value;
      }
      return out;
    },
    load(action) {
      base = isObject(action) ? structuredClone(action) : {};
      if (has(SPEC.ops, base.op)) op.value = base.op;
      render();
      loaded = {};
      for (const [name, control] of Object.entries(controls)) {
        control.show(base[name]);
        loaded[name] = control.snapshot();
      }
    },
    reset() { base = {}; loaded = {}; render(); },
    /** Moves the controls to another config path (errors then find them there). */
    setPath(next) {
      for (const control of [op, ...fields.querySelectorAll('[data-path]')]) {
        if (control.dataset.path.startsWith(path)) control.dataset.path = next + control.dataset.path.slice(path.length);
      }
      path = next;
    },
  };
}

// --- Trigger, frequency, schedule -------------------------------------------------

const toLocalInput = (iso) => (typeof iso === 'string' ? iso.replace(/(:\d\d)?(\.\d+)?Z$/, '').slice(0, 16) : '');

/** A rule's trigger, frequency, schedule, priority and holdout. */
export function targetingForm({ lang, onChange }) {
  const t = TEXTS[lang];
  const trigger = el('select', { id: 'trigger', 'data-path': 'trigger' }, SPEC.triggers.map((k) => option(k === 'load' ? '' : k, has(t.triggers, k) ? t.triggers[k] : k)));
  const triggerValue = el('input', { id: 'trigger-value', 'aria-label': t.triggerValue, 'data-path': 'trigger' });
  const freqMax = el('input', { id: 'freq-max', type: 'number', min: 1, 'data-path': 'frequency' });
  const freqPer = el('select', { id: 'freq-per', 'aria-label': t.freqPer, 'data-path': 'frequency.per' }, SPEC.per.map((p) => option(p, has(t.per, p) ? t.per[p] : p, p === 'visitor')));
  const start = el('input', { id: 'sched-start', type: 'datetime-local', 'data-path': 'schedule.start' });
  const end = el('input', { id: 'sched-end', type: 'datetime-local', 'data-path': 'schedule.end' });
  const days = t.days7.map((d, i) => el('input', { type: 'checkbox', id: `wd-${i}`, value: i, 'data-path': 'schedule.weekdays' }));
  const hoursFrom = el('input', { id: 'hours-from', type: 'number', min: 0, max: 24, 'data-path': 'schedule.hours' });
  const hoursTo = el('input', { id: 'hours-to', type: 'number', min: 0, max: 24, 'data-path': 'schedule.hours' });
  const priority = el('input', { id: 'priority', type: 'number', step: 1, 'data-path': 'priority' });
  const holdout = el('input', { id: 'holdout', type: 'number', min: 0, max: 0.99, step: 0.01, 'data-path': 'holdout' });
  const label = (control, text) => el('label', { for: control.id }, text);
  const element = el('details', { id: 'more' }, el('summary', {}, t.more),
    label(trigger, t.trigger), el('div', { class: 'row' }, trigger, triggerValue),
    label(freqMax, t.freqMax), el('div', { class: 'row' }, freqMax, freqPer),
    label(start, t.start), start, label(end, t.end), end,
    el('fieldset', {}, el('legend', {}, t.weekdays), days.map((d, i) => el('label', { class: 'inline' }, d, t.days7[i]))),
    el('div', { class: 'row' }, el('span', {}, label(hoursFrom, t.hoursFrom), hoursFrom), el('span', {}, label(hoursTo, t.hoursTo), hoursTo)),
    el('div', { class: 'row' }, el('span', {}, label(priority, t.priority), priority), el('span', {}, label(holdout, t.holdout), holdout)));
  element.addEventListener('input', onChange);
  element.addEventListener('change', onChange);
  // An error on the trigger's value (`trigger.dwell`) lands on the value box.
  trigger.addEventListener('change', () => { triggerValue.dataset.path = trigger.value ? `trigger.${trigger.value}` : 'trigger'; });
  const num = (input) => (input.value.trim() === '' ? undefined : Number(input.value));
  // Each part the owner did not touch keeps what the loaded rule had, exactly.
  const parts = {
    trigger: [trigger, triggerValue],
    frequency: [freqMax, freqPer],
    schedule: [start, end, ...days, hoursFrom, hoursTo],
    priority: [priority],
    holdout: [holdout],
  };
  const snapshot = (controls) => controls.map((c) => (c.type === 'checkbox' ? c.checked : c.value)).join('|');
  let loaded = {};
  const writers = {
    trigger(rule) {
      const value = triggerValue.value.trim();
      if (!trigger.value) delete rule.trigger;
      else if (trigger.value === 'exit') rule.trigger = 'exit';
      else rule.trigger = { [trigger.value]: trigger.value === 'event' ? value : Number(value) };
    },
    frequency(rule) {
      if (num(freqMax) === undefined) delete rule.frequency;
      else rule.frequency = { max: num(freqMax), per: freqPer.value };
    },
    schedule(rule) {
      // Fields the form does not know stay; the four it shows are what it says.
      const schedule = Object.fromEntries(Object.entries(isObject(rule.schedule) ? rule.schedule : {}).filter(([k]) => !['start', 'end', 'weekdays', 'hours'].includes(k)));
      if (start.value) schedule.start = `${start.value}:00Z`;
      if (end.value) schedule.end = `${end.value}:00Z`;
      const weekdays = days.filter((d) => d.checked).map((d) => Number(d.value));
      if (weekdays.length) schedule.weekdays = weekdays;
      if (num(hoursFrom) !== undefined || num(hoursTo) !== undefined) schedule.hours = [num(hoursFrom) ?? 0, num(hoursTo) ?? 24];
      if (Object.keys(schedule).length) rule.schedule = schedule;
      else delete rule.schedule;
    },
    priority(rule) {
      if (num(priority) === undefined) delete rule.priority;
      else rule.priority = num(priority);
    },
    holdout(rule) {
      if (num(holdout) === undefined) delete rule.holdout;
      else rule.holdout = num(holdout);
    },
  };
  return {
    element,
    /** Writes the changed parts into `rule` (a part left empty is removed). */
    write(rule) {
      for (const [part, controls] of Object.entries(parts)) {
        if (has(loaded, part) && snapshot(controls) === loaded[part]) continue;
        writers[part](rule);
      }
      return rule;
    },
    load(rule) {
      const tr = rule.trigger;
      trigger.value = tr === 'exit' ? 'exit' : isObject(tr) ? Object.keys(tr)[0] ?? '' : '';
      if (trigger.selectedIndex < 0) trigger.value = '';
      triggerValue.value = isObject(tr) ? String(Object.values(tr)[0] ?? '') : '';
      triggerValue.dataset.path = trigger.value ? `trigger.${trigger.value}` : 'trigger';
      freqMax.value = isObject(rule.frequency) ? String(rule.frequency.max ?? '') : '';
      freqPer.value = isObject(rule.frequency) && SPEC.per.includes(rule.frequency.per) ? rule.frequency.per : 'visitor';
      const s = isObject(rule.schedule) ? rule.schedule : {};
      start.value = toLocalInput(s.start);
      end.value = toLocalInput(s.end);
      days.forEach((d, i) => { d.checked = Array.isArray(s.weekdays) && s.weekdays.includes(i); });
      hoursFrom.value = Array.isArray(s.hours) ? String(s.hours[0]) : '';
      hoursTo.value = Array.isArray(s.hours) ? String(s.hours[1]) : '';
      priority.value = typeof rule.priority === 'number' ? String(rule.priority) : '';
      holdout.value = typeof rule.holdout === 'number' ? String(rule.holdout) : '';
      loaded = Object.fromEntries(Object.entries(parts).map(([part, controls]) => [part, snapshot(controls)]));
      element.open = Object.keys(parts).some((k) => has(rule, k));
    },
  };
}

