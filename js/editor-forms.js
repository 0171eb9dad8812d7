// The editor's forms and their plain-language reading: the operation's fields (made
// from the schema's extract, VITRINE_EDITOR_SPEC, so every operation vitrine has is
// offered with the engine's own field kinds, choices and defaults), the template
// picker, the conditions (rows of attribute, operator, value, read back as "cart
// total ≥ R$ 150 and arrived from WhatsApp"), the trigger, frequency and schedule.
// Each form reads itself into config JSON and loads config JSON back; what it
// cannot show (a condition with `$or`, a translated text) is kept as it was, and a
// field the owner did not touch keeps its original value. Every control carries
// the config path it writes (`data-path`), so a validator error is shown next to
// the field it names.

/* global VITRINE_EDITOR_SPEC */
export const SPEC = VITRINE_EDITOR_SPEC;

export const TEXTS = {
  en: {
    title: 'vitrine editor', pick: 'Pick an element', picking: 'Click an element, or Tab to one and press Enter (Esc cancels)',
    selector: 'Selector', matches: (n) => `${n} element${n === 1 ? '' : 's'} match`, widen: 'Wider', narrow: 'Narrower',
    operation: 'Operation', when: 'Show it when', always: 'always', operator: 'Operator', value: 'Value', and: 'and', or: 'or', not: 'not',
    addCondition: 'Add a condition', removeCondition: 'Remove this condition', kept: 'Also (kept as written):', dropKept: 'Drop it',
    ruleId: 'Id', consent: 'Consent category', preview: 'Preview', discard: 'Discard', download: 'Download vitrine.json', copy: 'Copy',
    valid: 'The config is valid.', previewing: 'Previewing: this page runs the edited config.', discarded: 'Discarded: the page is as it was.',
    reading: 'Reads:', copied: 'Copied.', nothing: 'Pick an element first.', invalid: (n) => `${n} problem${n === 1 ? '' : 's'}: see the marked fields.`,
    insert: 'Insert into the text', attributeToRead: 'Template: attribute', filter: 'Filter', noFilter: 'no filter',
    more: 'Trigger, frequency, schedule', trigger: 'Trigger', triggerValue: 'Trigger value (event name or number)',
    freqMax: 'At most (times)', freqPer: 'per', start: 'From (UTC)', end: 'Until (UTC)', weekdays: 'Weekdays', hoursFrom: 'From hour', hoursTo: 'To hour',
    priority: 'Priority', holdout: 'Holdout (share never shown)', property: 'Property', addProperty: 'Add a property',
    question: (i) => `Question ${i}`, addQuestion: 'Add a question', removeQuestion: 'Remove this question', options: 'Options (one per line: value = label)',
    days: 'Every (days)', dflt: (v) => `default${v === undefined ? '' : `: ${v}`}`, yes: 'yes', no: 'no',
    firstOnly: 'This rule has more actions; the form edits the first, the others are kept.',
    triggers: { load: 'on load', exit: 'exit intent', event: 'after an event', dwell: 'after ms on the page', scroll: 'after scrolling %', idle: 'after ms idle' },
    per: { pageview: 'page view', session: 'session', day: 'day (UTC)', visitor: 'visitor' },
    days7: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
    read: {
      exit: 'on exit intent', event: (v) => `after the event "${v}"`, dwell: (v) => `after ${v / 1000} s on the page`, scroll: (v) => `after scrolling ${v} %`,
      idle: (v) => `after ${v / 1000} s idle`, freq: (n, per) => `at most ${n}× per ${per}`, from: (v) => `from ${v}`, until: (v) => `until ${v}`,
      on: (v) => `on ${v}`, hours: (a, b) => `from ${a} h to ${b} h`, consent: (v) => `needs consent: ${v}`, holdout: (v) => `${v * 100} % held out`,
      inSegment: (v) => `in segment ${v}`, notInSegment: (v) => `not in segment ${v}`, oneOf: 'is one of', notOneOf: 'is not one of', contains: 'contains',
      channel: (v) => `arrived from ${CHANNEL_NAMES[v] ?? v}`, exists: 'is set', missing: 'is not set',
    },
  },
  pt: {
    title: 'editor vitrine', pick: 'Escolher um elemento', picking: 'Clique num elemento, ou vá até ele com Tab e aperte Enter (Esc cancela)',
    selector: 'Seletor', matches: (n) => `${n} elemento${n === 1 ? '' : 's'}`, widen: 'Mais amplo', narrow: 'Mais específico',
    operation: 'Operação', when: 'Mostrar quando', always: 'sempre', operator: 'Operador', value: 'Valor', and: 'e', or: 'ou', not: 'não',
    addCondition: 'Adicionar condição', removeCondition: 'Remover esta condição', kept: 'Também (mantida como escrita):', dropKept: 'Descartá-la',
    ruleId: 'Id', consent: 'Categoria de consentimento', preview: 'Pré-visualizar', discard: 'Descartar', download: 'Baixar vitrine.json', copy: 'Copiar',
    valid: 'A configuração é válida.', previewing: 'Pré-visualizando: esta página roda a configuração editada.', discarded: 'Descartado: a página voltou ao que era.',
    reading: 'Lê-se:', copied: 'Copiado.', nothing: 'Escolha um elemento primeiro.', invalid: (n) => `${n} problema${n === 1 ? '' : 's'}: veja os campos marcados.`,
    insert: 'Inserir no texto', attributeToRead: 'Modelo: atributo', filter: 'Filtro', noFilter: 'sem filtro',
    more: 'Gatilho, frequência, agenda', trigger: 'Gatilho', triggerValue: 'Valor do gatilho (nome do evento ou número)',
    freqMax: 'No máximo (vezes)', freqPer: 'por', start: 'De (UTC)', end: 'Até (UTC)', weekdays: 'Dias da semana', hoursFrom: 'Da hora', hoursTo: 'Até a hora',
    priority: 'Prioridade', holdout: 'Grupo de controle (parcela que nunca vê)', property: 'Propriedade', addProperty: 'Adicionar propriedade',
    question: (i) => `Pergunta ${i}`, addQuestion: 'Adicionar pergunta', removeQuestion: 'Remover esta pergunta', options: 'Opções (uma por linha: valor = rótulo)',
    days: 'A cada (dias)', dflt: (v) => `padrão${v === undefined ? '' : `: ${v}`}`, yes: 'sim', no: 'não',
    firstOnly: 'Esta regra tem mais ações; o formulário edita a primeira, as outras são mantidas.',
    triggers: { load: 'ao carregar', exit: 'intenção de saída', event: 'depois de um evento', dwell: 'depois de ms na página', scroll: 'depois de rolar %', idle: 'depois de ms parado' },
    per: { pageview: 'página vista', session: 'sessão', day: 'dia (UTC)', visitor: 'visitante' },
    days7: ['dom', 'seg', 'ter', 'qua', 'qui', 'sex', 'sáb'],
    read: {
      exit: 'na intenção de saída', event: (v) => `depois do evento "${v}"`, dwell: (v) => `depois de ${v / 1000} s na página`, scroll: (v) => `depois de rolar ${v} %`,
      idle: (v) => `depois de ${v / 1000} s parado`, freq: (n, per) => `no máximo ${n}× por ${per}`, from: (v) => `a partir de ${v}`, until: (v) => `até ${v}`,
      on: (v) => `em ${v}`, hours: (a, b) => `das ${a} h às ${b} h`, consent: (v) => `precisa do consentimento: ${v}`, holdout: (v) => `${v * 100} % fora (controle)`,
      inSegment: (v) => `no segmento ${v}`, notInSegment: (v) => `fora do segmento ${v}`, oneOf: 'é um de', notOneOf: 'não é nenhum de', contains: 'contém',
      channel: (v) => `chegou pelo ${CHANNEL_NAMES[v] ?? v}`, exists: 'existe', missing: 'não existe',
    },
  },
};

const CHANNEL_NAMES = { paid: 'paid ads', whatsapp: 'WhatsApp', email: 'e-mail', social: 'social', search: 'search', referral: 'referral', direct: 'direct' };
const CHANNELS = Object.keys(CHANNEL_NAMES);
const NUMBER_OPS = { $gte: '≥', $lte: '≤', $gt: '>', $lt: '<', $eq: '=', $ne: '≠' };
// Documented attributes (docs/config.md, "Attributes") a condition or template may
// read, with their names in words; the config adds its segments, models, catalog
// categories and surveys.
const ATTRIBUTES = {
  'cart.total': { en: 'cart total', pt: 'total do carrinho', kind: 'money' },
  'cart.count': { en: 'items in the cart', pt: 'itens no carrinho', kind: 'number' },
  'visitor.visits': { en: 'visits', pt: 'visitas', kind: 'number' },
  'visitor.returning': { en: 'returning visitor', pt: 'visitante que voltou', kind: 'bool' },
  channel: { en: 'channel', pt: 'canal', kind: 'text', values: CHANNELS },
  'utm.source': { en: 'UTM source', pt: 'origem UTM', kind: 'text' },
  'utm.campaign': { en: 'UTM campaign', pt: 'campanha UTM', kind: 'text' },
  'device.type': { en: 'device', pt: 'dispositivo', kind: 'text', values: ['mobile', 'tablet', 'desktop'] },
  'page.path': { en: 'page path', pt: 'caminho da página', kind: 'text' },
  'time.hour': { en: 'local hour', pt: 'hora local', kind: 'number' },
  'cart.abandoned': { en: 'cart abandoned', pt: 'carrinho abandonado', kind: 'bool' },
  'customer.known': { en: 'known customer', pt: 'cliente identificado', kind: 'bool' },
  'feedback.nps': { en: 'last NPS score', pt: 'última nota NPS', kind: 'number' },
  'feedback.nps_group': { en: 'NPS group', pt: 'grupo NPS', kind: 'text', values: ['promoter', 'passive', 'detractor'] },
  'search.last_zero': { en: 'last search found nothing', pt: 'última busca sem resultado', kind: 'bool' },
  'affinity.top_category': { en: 'favourite category', pt: 'categoria preferida', kind: 'text' },
  'traits.first_name': { en: 'first name', pt: 'primeiro nome', kind: 'text' },
};
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

const option = (value, label, selected) => el('option', { value, selected: selected || undefined }, label);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The attributes the config makes readable on top of the documented ones. */
export function attributesOf(config, lang) {
  const out = { ...ATTRIBUTES };
  const words = lang === 'pt' ? { segment: 'segmento', predict: 'previsão', affinity: 'afinidade com', answered: 'respondeu' } : { segment: 'segment', predict: 'prediction', affinity: 'affinity for', answered: 'answered' };
  const segments = (Array.isArray(config.segments) ? config.segments : []).map((s) => s?.id).filter((id) => typeof id === 'string');
  if (segments.length) out.segments = { en: words.segment, pt: words.segment, kind: 'segment', values: segments };
  for (const m of Array.isArray(config.models) ? config.models : []) {
    if (typeof m?.id === 'string') out[`predict.${m.id}`] = { en: `${words.predict} ${m.id}`, pt: `${words.predict} ${m.id}`, kind: 'number' };
  }
  const categories = new Set((Array.isArray(config.catalog?.products) ? config.catalog.products : []).map((p) => p?.category).filter((c) => typeof c === 'string'));
  for (const c of categories) out[`affinity.category.${c}`] = { en: `${words.affinity} ${c}`, pt: `${words.affinity} ${c}`, kind: 'number' };
  for (const rule of Array.isArray(config.rules) ? config.rules : []) {
    for (const a of Array.isArray(rule?.actions) ? rule.actions : []) {
      if (a?.op === 'survey' && typeof a.survey === 'string') out[`feedback.${a.survey}.answered`] = { en: `${words.answered} ${a.survey}`, pt: `${words.answered} ${a.survey}`, kind: 'bool' };
    }
  }
  return out;
}

export function categoriesOf(config) {
  return [...new Set((Array.isArray(config.catalog?.products) ? config.catalog.products : []).map((p) => p?.category).filter((c) => typeof c === 'string'))];
}

// --- Plain language -------------------------------------------------------------

function money(value, lang) {
  return new Intl.NumberFormat(lang === 'pt' ? 'pt-BR' : 'en', { style: 'currency', currency: 'BRL', minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(value);
}

function describeTest(path, test, lang, attributes) {
  const t = TEXTS[lang].read;
  const a = attributes[path];
  const name = a?.[lang] ?? path;
  const show = (v) => (a?.kind === 'money' && typeof v === 'number' ? money(v, lang) : typeof v === 'string' ? v : JSON.stringify(v));
  if (!isObject(test) || !Object.keys(test).every((k) => k.startsWith('$'))) {
    return [path === 'channel' && typeof test === 'string' ? t.channel(test) : `${name} = ${show(test)}`];
  }
  return Object.entries(test).map(([op, v]) => {
    if (path === 'segments' && (op === '$in' || op === '$all') && Array.isArray(v)) return v.map(t.inSegment).join(` ${TEXTS[lang].and} `);
    if (path === 'segments' && op === '$nin' && Array.isArray(v)) return v.map(t.notInSegment).join(` ${TEXTS[lang].and} `);
    if (path === 'channel' && op === '$eq' && typeof v === 'string') return t.channel(v);
    if (op === '$in' || op === '$nin') return `${name} ${op === '$in' ? t.oneOf : t.notOneOf} ${Array.isArray(v) ? v.map(show).join(', ') : show(v)}`;
    if (op === '$regex') return `${name} ${t.contains} ${show(unescapeContains(v) ?? v)}`;
    if (op === '$exists') return `${name} ${v ? t.exists : t.missing}`;
    if (op === '$not') return `${TEXTS[lang].not} (${describeTest(path, v, lang, attributes).join(` ${TEXTS[lang].and} `)})`;
    return `${name} ${NUMBER_OPS[op] ?? op} ${show(v)}`;
  });
}

/** What a condition says, in words: "cart total ≥ R$ 150 and arrived from WhatsApp". */
export function describeCondition(condition, lang = 'en', attributes = ATTRIBUTES) {
  const t = TEXTS[lang] ?? TEXTS.en;
  const parts = Object.entries(isObject(condition) ? condition : {}).flatMap(([key, test]) => {
    if (key === '$and' && Array.isArray(test)) return test.map((c) => describeCondition(c, lang, attributes));
    if (key === '$or' && Array.isArray(test)) return [`(${test.map((c) => describeCondition(c, lang, attributes)).join(` ${t.or} `)})`];
    if ((key === '$nor' || key === '$not')) return [`${t.not} (${(Array.isArray(test) ? test : [test]).map((c) => describeCondition(c, lang, attributes)).join(` ${t.or} `)})`];
    return describeTest(key, test, lang, attributes);
  });
  return parts.length ? parts.join(` ${t.and} `) : t.always;
}

/** The whole targeting of a rule in words: condition, trigger, frequency, schedule, consent. */
export function describeRule(rule, lang = 'en', attributes = ATTRIBUTES) {
  const t = TEXTS[lang];
  const r = t.read;
  const parts = [describeCondition(rule.when, lang, attributes)];
  const trigger = rule.trigger;
  if (trigger === 'exit') parts.push(r.exit);
  else if (isObject(trigger)) for (const [k, v] of Object.entries(trigger)) if (r[k]) parts.push(r[k](v));
  if (isObject(rule.frequency)) parts.push(r.freq(rule.frequency.max, t.per[rule.frequency.per ?? 'visitor'] ?? rule.frequency.per));
  const s = rule.schedule;
  if (isObject(s)) {
    if (s.start) parts.push(r.from(s.start.replace('T', ' ').replace(/:00Z$|Z$/, ' UTC')));
    if (s.end) parts.push(r.until(s.end.replace('T', ' ').replace(/:00Z$|Z$/, ' UTC')));
    if (Array.isArray(s.weekdays)) parts.push(r.on(s.weekdays.map((d) => t.days7[d] ?? d).join(', ')));
    if (Array.isArray(s.hours)) parts.push(r.hours(s.hours[0], s.hours[1]));
  }
  const consent = Array.isArray(rule.consent) ? rule.consent : [rule.consent ?? 'personalization'];
  if (consent.some((c) => c !== 'personalization')) parts.push(r.consent(consent.join(', ')));
  if (typeof rule.holdout === 'number' && rule.holdout > 0) parts.push(r.holdout(rule.holdout));
  return parts.join('; ');
}

// --- Conditions -----------------------------------------------------------------

const escapeContains = (text) => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
function unescapeContains(pattern) {
  if (typeof pattern !== 'string' || /(^|[^\\])[\^$.*+?()[\]{}|]/.test(pattern.replace(/\\./g, ''))) return null;
  return pattern.replace(/\\(.)/g, '$1');
}

function operatorsFor(kind, lang) {
  const r = TEXTS[lang].read;
  if (kind === 'number' || kind === 'money') return NUMBER_OPS;
  if (kind === 'bool') return { $eq: '=' };
  if (kind === 'segment') return { $in: r.inSegment('').trim(), $nin: r.notInSegment('').trim() };
  return { $eq: '=', $ne: '≠', $in: r.oneOf, $regex: r.contains };
}

/**
 * Condition rows (attribute, operator, value), joined with "and". The first row's
 * controls are #when-attr, #when-op, #when-value; later rows add their index. A
 * condition the rows cannot show is kept as written beside them.
 */
export function conditionForm({ lang, attributes, onChange }) {
  const t = TEXTS[lang];
  const rows = [];
  let kept = null;
  const list = el('div');
  const keptBox = el('p', { class: 'muted', hidden: true });
  const add = el('button', { type: 'button', id: 'when-add', onclick: () => { addRow(); rows.at(-1).attr.focus(); } }, t.addCondition);

  function addRow(path = '', op = '', value = '') {
    const n = rows.length;
    const suffix = n === 0 ? '' : `-${n}`;
    const attr = el('select', { id: `when-attr${suffix}`, 'data-path': 'when', 'aria-label': n === 0 ? t.when : `${t.when} (${n + 1})` },
      option('', t.always), Object.entries(attributes).map(([p, a]) => option(p, a[lang], p === path)));
    const opSelect = el('select', { id: `when-op${suffix}`, 'aria-label': t.operator });
    const valueBox = el('span');
    const row = { attr, op: opSelect, valueBox, value: null };
    const renderValue = (initial, keepOp = true) => {
      const a = attributes[attr.value] ?? { kind: 'text' };
      const ops = operatorsFor(a.kind, lang);
      const chosen = keepOp && opSelect.value in ops ? opSelect.value : Object.keys(ops)[0];
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
    const a = attributes[row.attr.value] ?? { kind: 'text' };
    const raw = row.value.value.trim();
    if (raw === '') return undefined;
    if (a.kind === 'bool') return raw === 'true';
    if (a.kind === 'segment') return [raw];
    if (row.op.value === '$in') return raw.split(',').map((s) => s.trim()).filter(Boolean).map((s) => (a.kind === 'number' && Number.isFinite(Number(s)) ? Number(s) : s));
    if (row.op.value === '$regex') return escapeContains(raw);
    if ((a.kind === 'number' || a.kind === 'money') && Number.isFinite(Number(raw))) return Number(raw);
    return raw;
  }

  return {
    element: el('div', {}, list, keptBox, add),
    /** The rows' condition (merged per attribute), with the kept one; undefined for "always". */
    read() {
      const merged = {};
      const extra = [];
      for (const row of rows) {
        const value = valueOf(row);
        if (!row.attr.value || value === undefined) continue;
        const test = merged[row.attr.value];
        if (!test) merged[row.attr.value] = { [row.op.value]: value };
        else if (!(row.op.value in test)) test[row.op.value] = value;
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
      const clauses = [];
      let showable = isObject(condition);
      for (const [path, test] of Object.entries(isObject(condition) ? condition : {})) {
        const a = attributes[path];
        const tests = isObject(test) ? Object.entries(test) : [['$eq', test]];
        for (const [op, v] of tests) {
          const ops = operatorsFor(a?.kind ?? 'text', lang);
          const ok = a && op in ops && (a.kind === 'segment' ? Array.isArray(v) && v.length === 1 : op === '$in' ? Array.isArray(v) : op === '$regex' ? unescapeContains(v) !== null : !isObject(v) && !Array.isArray(v));
          if (!ok) showable = false;
          clauses.push([path, op, a?.kind === 'segment' ? v?.[0] : op === '$in' && Array.isArray(v) ? v.join(', ') : op === '$regex' ? unescapeContains(v) : v]);
        }
      }
      if (condition !== undefined && !showable) {
        kept = condition;
        keptBox.replaceChildren(`${t.kept} ${describeCondition(condition, lang, attributes)} `, el('button', { type: 'button', onclick: () => { kept = null; keptBox.hidden = true; onChange(); } }, t.dropKept));
        keptBox.hidden = false;
        addRow();
      } else {
        keptBox.hidden = true;
        if (clauses.length === 0) addRow();
        for (const [path, op, v] of clauses) addRow(path, op, v);
      }
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
        const input = el('input', { id: `field-style-value-${n}`, 'aria-label': t.value, value, 'data-path': path });
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
  const addQuestion = (q = {}) => {
    const n = items.length;
    const at = `${path}[${n}]`;
    const id = el('input', { id: `q-${n}-id`, 'aria-label': `${t.question(n + 1)}: id`, value: q.id ?? `q${n + 1}`, 'data-path': `${at}.id` });
    const type = el('select', { id: `q-${n}-type`, 'aria-label': `${t.question(n + 1)}: type`, 'data-path': `${at}.type` }, SPEC.questionTypes.map((ty) => option(ty, ty, ty === (q.type ?? 'nps'))));
    const text = el('input', { id: `q-${n}-text`, 'aria-label': t.question(n + 1), value: typeof q.text === 'string' ? q.text : '', 'data-path': `${at}.text` });
    const options = el('textarea', { id: `q-${n}-options`, rows: 2, 'aria-label': `${t.question(n + 1)}: ${t.options}`, 'data-path': `${at}.options` });
    options.value = Array.isArray(q.options) ? q.options.map((o) => `${o.value} = ${typeof o.label === 'string' ? o.label : ''}`).join('\n') : '';
    const item = { id, type, text, options, base: q };
    const box = el('fieldset', {}, el('legend', {}, t.question(n + 1)), id, type, text, options,
      el('button', { type: 'button', 'aria-label': t.removeQuestion, onclick: () => { items.splice(items.indexOf(item), 1); box.remove(); } }, '×'));
    items.push(item);
    list.append(box);
  };
  const read = () => items.map(({ id, type, text, options, base }) => {
    const q = { ...base, id: id.value.trim(), type: type.value };
    if (text.value.trim()) q.text = text.value.trim();
    if (type.value === 'single' || type.value === 'multiple') {
      q.options = options.value.split('\n').map((line) => line.split('=')).filter(([v]) => v?.trim()).map(([v, ...label]) => ({ value: v.trim(), label: label.join('=').trim() || v.trim() }));
    } else delete q.options;
    return q;
  });
  addQuestion();
  return {
    element: el('div', {}, list, el('button', { type: 'button', id: 'q-add', onclick: () => { addQuestion(); items.at(-1).text.focus(); } }, t.addQuestion)),
    focus: null,
    read: () => (items.length ? read() : undefined),
    show: (v) => { items.length = 0; list.replaceChildren(); for (const q of Array.isArray(v) ? v : [{}]) addQuestion(isObject(q) ? q : {}); },
    snapshot: () => JSON.stringify(read()),
  };
}

/**
 * The operation select and its fields. `read()` gives the action (the loaded
 * action's fields the form does not know, or the owner did not touch, kept).
 */
export function actionForm({ lang, path, onChange, templatePaths }) {
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
  op.addEventListener('change', () => { render(); onChange(); });
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
      if (base.op in SPEC.ops) op.value = base.op;
      render();
      loaded = {};
      for (const [name, control] of Object.entries(controls)) {
        control.show(base[name]);
        loaded[name] = control.snapshot();
      }
    },
    reset() { base = {}; loaded = {}; render(); },
  };
}

// --- Trigger, frequency, schedule -------------------------------------------------

const toLocalInput = (iso) => (typeof iso === 'string' ? iso.replace(/(:\d\d)?(\.\d+)?Z$/, '').slice(0, 16) : '');

/** A rule's trigger, frequency, schedule, priority and holdout. */
export function targetingForm({ lang, onChange }) {
  const t = TEXTS[lang];
  const trigger = el('select', { id: 'trigger', 'data-path': 'trigger' }, SPEC.triggers.map((k) => option(k === 'load' ? '' : k, t.triggers[k] ?? k)));
  const triggerValue = el('input', { id: 'trigger-value', 'aria-label': t.triggerValue, 'data-path': 'trigger' });
  const freqMax = el('input', { id: 'freq-max', type: 'number', min: 1, 'data-path': 'frequency' });
  const freqPer = el('select', { id: 'freq-per', 'aria-label': t.freqPer, 'data-path': 'frequency.per' }, SPEC.per.map((p) => option(p, t.per[p] ?? p, p === 'visitor')));
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
  const num = (input) => (input.value.trim() === '' ? undefined : Number(input.value));
  return {
    element,
    /** Writes the fields into `rule` (removing the ones left empty). */
    write(rule) {
      const value = triggerValue.value.trim();
      if (!trigger.value) delete rule.trigger;
      else if (trigger.value === 'exit') rule.trigger = 'exit';
      else rule.trigger = { [trigger.value]: trigger.value === 'event' ? value : Number(value) };
      if (num(freqMax) === undefined) delete rule.frequency;
      else rule.frequency = { max: num(freqMax), per: freqPer.value };
      const schedule = {};
      if (start.value) schedule.start = `${start.value}:00Z`;
      if (end.value) schedule.end = `${end.value}:00Z`;
      const weekdays = days.filter((d) => d.checked).map((d) => Number(d.value));
      if (weekdays.length) schedule.weekdays = weekdays;
      if (num(hoursFrom) !== undefined || num(hoursTo) !== undefined) schedule.hours = [num(hoursFrom) ?? 0, num(hoursTo) ?? 24];
      if (Object.keys(schedule).length) rule.schedule = { ...(isObject(rule.schedule) ? rule.schedule : {}), ...schedule };
      else delete rule.schedule;
      for (const [name, input] of [['priority', priority], ['holdout', holdout]]) {
        if (num(input) === undefined) delete rule[name];
        else rule[name] = num(input);
      }
      return rule;
    },
    load(rule) {
      const tr = rule.trigger;
      trigger.value = tr === 'exit' ? 'exit' : isObject(tr) ? Object.keys(tr)[0] ?? '' : '';
      triggerValue.value = isObject(tr) ? String(Object.values(tr)[0] ?? '') : '';
      freqMax.value = isObject(rule.frequency) ? String(rule.frequency.max ?? '') : '';
      freqPer.value = isObject(rule.frequency) ? rule.frequency.per ?? 'visitor' : 'visitor';
      const s = isObject(rule.schedule) ? rule.schedule : {};
      start.value = toLocalInput(s.start);
      end.value = toLocalInput(s.end);
      days.forEach((d, i) => { d.checked = Array.isArray(s.weekdays) && s.weekdays.includes(i); });
      hoursFrom.value = Array.isArray(s.hours) ? String(s.hours[0]) : '';
      hoursTo.value = Array.isArray(s.hours) ? String(s.hours[1]) : '';
      priority.value = typeof rule.priority === 'number' ? String(rule.priority) : '';
      holdout.value = typeof rule.holdout === 'number' ? String(rule.holdout) : '';
      element.open = ['trigger', 'frequency', 'schedule', 'priority', 'holdout'].some((k) => k in rule);
    },
  };
}

export const TEMPLATE_ATTRIBUTE_PATHS = Object.keys(ATTRIBUTES).filter((p) => !['visitor.returning', 'cart.abandoned', 'customer.known', 'search.last_zero'].includes(p));
