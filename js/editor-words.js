// The editor's words: its texts in pt-BR and English, the attributes a condition or
// template may read (the documented ones and those the config adds), and the plain-
// language reading of a condition and of a rule's whole targeting ("total do
// carrinho ≥ R$ 150 e chegou pelo WhatsApp; no máximo 2× por sessão"). Pure
// functions of config JSON, shared by the forms (js/editor-forms.js) and the panel;
// every lookup by a key from the config is an own-property lookup.

export const TEXTS = {
  en: {
    title: 'vitrine editor', pick: 'Pick an element', picking: 'Click an element, or Tab to one and press Enter (Esc cancels)',
    selector: 'Selector', matches: (n) => `${n} element${n === 1 ? '' : 's'} match`, widen: 'Wider', narrow: 'Narrower',
    operation: 'Operation', when: 'Show it when', always: 'always', operator: 'Operator', value: 'Value', and: 'and', or: 'or', not: 'not',
    addCondition: 'Add a condition', removeCondition: 'Remove this condition', kept: 'Also (kept as written):', dropKept: 'Drop it',
    ruleId: 'Id', consent: 'Consent category', preview: 'Preview', discard: 'Discard', download: 'Download vitrine.json', copy: 'Copy',
    valid: 'The config is valid.', previewing: 'Previewing: this page runs the edited config.', discarded: 'Discarded: the page is as it was.',
    reading: 'Reads:', copied: 'Copied.', copyFailed: 'Could not copy:', nothing: 'Pick an element first.', invalid: (n) => `${n} problem${n === 1 ? '' : 's'}: see the marked fields.`,
    insert: 'Insert into the text', attributeToRead: 'Template: attribute', filter: 'Filter', noFilter: 'no filter',
    more: 'Trigger, frequency, schedule', trigger: 'Trigger', triggerValue: 'Trigger value (event name or number)',
    freqMax: 'At most (times)', freqPer: 'per', start: 'From (UTC)', end: 'Until (UTC)', weekdays: 'Weekdays', hoursFrom: 'From hour', hoursTo: 'To hour',
    priority: 'Priority', holdout: 'Holdout (share never shown)', property: 'Property', addProperty: 'Add a property',
    question: (i) => `Question ${i}`, questionId: 'id', questionType: 'type', addQuestion: 'Add a question', removeQuestion: 'Remove this question', options: 'Options (one per line: value = label)',
    days: 'Every (days)', dflt: (v) => `default${v === undefined ? '' : `: ${v}`}`, yes: 'yes', no: 'no',
    triggers: { load: 'on load', exit: 'exit intent', event: 'after an event', dwell: 'after ms on the page', scroll: 'after scrolling %', idle: 'after ms idle' },
    per: { pageview: 'page view', session: 'session', day: 'day (UTC)', visitor: 'visitor' },
    days7: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
    read: {
      exit: 'on exit intent', event: (v) => `after the event "${v}"`, dwell: (v) => `after ${v / 1000} s on the page`, scroll: (v) => `after scrolling ${v} %`,
      idle: (v) => `after ${v / 1000} s idle`, freq: (n, per) => `at most ${n}× per ${per}`, from: (v) => `from ${v}`, until: (v) => `until ${v}`,
      on: (v) => `on ${v}`, hours: (a, b) => `from ${a} h to ${b} h`, consent: (v) => `needs consent: ${v}`, holdout: (v) => `${Math.round(v * 1000) / 10} % held out`,
      inSegment: (v) => `in segment ${v}`, notInSegment: (v) => `not in segment ${v}`, oneOf: 'is one of', notOneOf: 'is not one of', contains: 'contains',
      channel: (v) => (has(CHANNEL_NAMES.en, v) ? `arrived ${CHANNEL_NAMES.en[v]}` : `arrived through the channel ${v}`), exists: 'is set', missing: 'is not set',
    },
  },
  pt: {
    title: 'editor vitrine', pick: 'Escolher um elemento', picking: 'Clique num elemento, ou vá até ele com Tab e aperte Enter (Esc cancela)',
    selector: 'Seletor', matches: (n) => `${n} elemento${n === 1 ? '' : 's'}`, widen: 'Mais amplo', narrow: 'Mais específico',
    operation: 'Operação', when: 'Mostrar quando', always: 'sempre', operator: 'Operador', value: 'Valor', and: 'e', or: 'ou', not: 'não',
    addCondition: 'Adicionar condição', removeCondition: 'Remover esta condição', kept: 'Também (mantida como escrita):', dropKept: 'Descartá-la',
    ruleId: 'Id', consent: 'Categoria de consentimento', preview: 'Pré-visualizar', discard: 'Descartar', download: 'Baixar vitrine.json', copy: 'Copiar',
    valid: 'A configuração é válida.', previewing: 'Pré-visualizando: esta página roda a configuração editada.', discarded: 'Descartado: a página voltou ao que era.',
    reading: 'Lê-se:', copied: 'Copiado.', copyFailed: 'Não foi possível copiar:', nothing: 'Escolha um elemento primeiro.', invalid: (n) => `${n} problema${n === 1 ? '' : 's'}: veja os campos marcados.`,
    insert: 'Inserir no texto', attributeToRead: 'Modelo: atributo', filter: 'Filtro', noFilter: 'sem filtro',
    more: 'Gatilho, frequência, agenda', trigger: 'Gatilho', triggerValue: 'Valor do gatilho (nome do evento ou número)',
    freqMax: 'No máximo (vezes)', freqPer: 'por', start: 'De (UTC)', end: 'Até (UTC)', weekdays: 'Dias da semana', hoursFrom: 'Da hora', hoursTo: 'Até a hora',
    priority: 'Prioridade', holdout: 'Grupo de controle (parcela que nunca vê)', property: 'Propriedade', addProperty: 'Adicionar propriedade',
    question: (i) => `Pergunta ${i}`, questionId: 'identificador', questionType: 'tipo', addQuestion: 'Adicionar pergunta', removeQuestion: 'Remover esta pergunta', options: 'Opções (uma por linha: valor = rótulo)',
    days: 'A cada (dias)', dflt: (v) => `padrão${v === undefined ? '' : `: ${v}`}`, yes: 'sim', no: 'não',
    triggers: { load: 'ao carregar', exit: 'intenção de saída', event: 'depois de um evento', dwell: 'depois de ms na página', scroll: 'depois de rolar %', idle: 'depois de ms parado' },
    per: { pageview: 'página vista', session: 'sessão', day: 'dia (UTC)', visitor: 'visitante' },
    days7: ['dom', 'seg', 'ter', 'qua', 'qui', 'sex', 'sáb'],
    read: {
      exit: 'na intenção de saída', event: (v) => `depois do evento "${v}"`, dwell: (v) => `depois de ${v / 1000} s na página`, scroll: (v) => `depois de rolar ${v} %`,
      idle: (v) => `depois de ${v / 1000} s parado`, freq: (n, per) => `no máximo ${n}× por ${per}`, from: (v) => `a partir de ${v}`, until: (v) => `até ${v}`,
      on: (v) => `em ${v}`, hours: (a, b) => `das ${a} h às ${b} h`, consent: (v) => `precisa do consentimento: ${v}`, holdout: (v) => `${Math.round(v * 1000) / 10} % fora (controle)`,
      inSegment: (v) => `no segmento ${v}`, notInSegment: (v) => `fora do segmento ${v}`, oneOf: 'é um de', notOneOf: 'não é nenhum de', contains: 'contém',
      channel: (v) => (has(CHANNEL_NAMES.pt, v) ? `chegou ${CHANNEL_NAMES.pt[v]}` : `chegou pelo canal ${v}`), exists: 'existe', missing: 'não existe',
    },
  },
};

const CHANNEL_NAMES = {
  en: { paid: 'from paid ads', whatsapp: 'from WhatsApp', email: 'from an e-mail', social: 'from social media', search: 'from a search engine', referral: 'from a link on another site', direct: 'directly' },
  pt: { paid: 'por anúncio pago', whatsapp: 'pelo WhatsApp', email: 'por e-mail', social: 'por rede social', search: 'pela busca', referral: 'por link de outro site', direct: 'direto' },
};
export const CHANNELS = Object.keys(CHANNEL_NAMES.en);
export const NUMBER_OPS = { $gte: '≥', $lte: '≤', $gt: '>', $lt: '<', $eq: '=', $ne: '≠' };
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

export const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

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
  const a = has(attributes, path) ? attributes[path] : undefined;
  const name = a?.[lang] ?? path;
  const show = (v) => (a?.kind === 'money' && typeof v === 'number' ? money(v, lang) : typeof v === 'string' ? v : JSON.stringify(v));
  if (!isObject(test) || !Object.keys(test).every((k) => k.startsWith('$'))) {
    if (a?.kind === 'bool' && typeof test === 'boolean') return [test ? name : `${TEXTS[lang].not} ${name}`];
    return [path === 'channel' && typeof test === 'string' ? t.channel(test) : `${name} = ${show(test)}`];
  }
  return Object.entries(test).map(([op, v]) => {
    if (path === 'segments' && (op === '$in' || op === '$all') && Array.isArray(v)) return v.map(t.inSegment).join(` ${TEXTS[lang].and} `);
    if (path === 'segments' && op === '$nin' && Array.isArray(v)) return v.map(t.notInSegment).join(` ${TEXTS[lang].and} `);
    if (path === 'channel' && op === '$eq' && typeof v === 'string') return t.channel(v);
    // A yes/no attribute reads as itself: "visitante que voltou", "não carrinho abandonado".
    if (a?.kind === 'bool' && op === '$eq' && typeof v === 'boolean') return v ? name : `${TEXTS[lang].not} ${name}`;
    if (op === '$in' || op === '$nin') return `${name} ${op === '$in' ? t.oneOf : t.notOneOf} ${Array.isArray(v) ? v.map(show).join(', ') : show(v)}`;
    if (op === '$regex') return `${name} ${t.contains} ${show(unescapeContains(v) ?? v)}`;
    if (op === '$exists') return `${name} ${v ? t.exists : t.missing}`;
    if (op === '$not') return `${TEXTS[lang].not} (${describeTest(path, v, lang, attributes).join(` ${TEXTS[lang].and} `)})`;
    return `${name} ${has(NUMBER_OPS, op) ? NUMBER_OPS[op] : op} ${show(v)}`;
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
  else if (isObject(trigger)) for (const [k, v] of Object.entries(trigger)) if (['event', 'dwell', 'scroll', 'idle'].includes(k)) parts.push(r[k](v));
  const per = isObject(rule.frequency) ? rule.frequency.per ?? 'visitor' : null;
  if (per !== null) parts.push(r.freq(rule.frequency.max, has(t.per, per) ? t.per[per] : per));
  const s = rule.schedule;
  if (isObject(s)) {
    if (s.start) parts.push(r.from(s.start.replace('T', ' ').replace(/:00Z$|Z$/, ' UTC')));
    if (s.end) parts.push(r.until(s.end.replace('T', ' ').replace(/:00Z$|Z$/, ' UTC')));
    if (Array.isArray(s.weekdays)) parts.push(r.on(s.weekdays.map((d) => (Number.isInteger(d) && d >= 0 && d < 7 ? t.days7[d] : String(d))).join(', ')));
    if (Array.isArray(s.hours)) parts.push(r.hours(s.hours[0], s.hours[1]));
  }
  const consent = Array.isArray(rule.consent) ? rule.consent : [rule.consent ?? 'personalization'];
  if (consent.some((c) => c !== 'personalization')) parts.push(r.consent(consent.join(', ')));
  if (typeof rule.holdout === 'number' && rule.holdout > 0) parts.push(r.holdout(rule.holdout));
  return parts.join('; ');
}
// --- Conditions -----------------------------------------------------------------

export const has = (object, key) => object !== null && object !== undefined && Object.hasOwn(object, key);
const SPECIAL = /[\\^$.*+?()[\]{}|/]/g;
export const escapeContains = (text) => text.replace(SPECIAL, '\\$&');
/** The literal text an escaped "contains" pattern stands for, or null for a real regex (`\d`, `a.b`). */
export function unescapeContains(pattern) {
  if (typeof pattern !== 'string') return null;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined || !'\\^$.*+?()[]{}|/'.includes(next)) return null;
      out += next;
    } else if ('^$.*+?()[]{}|'.includes(c)) return null;
    else out += c;
  }
  return out;
}

export const TEMPLATE_ATTRIBUTE_PATHS = Object.keys(ATTRIBUTES).filter((p) => !['visitor.returning', 'cart.abandoned', 'customer.known', 'search.last_zero'].includes(p));
