// The start part: the first swap, made by the loader (vitrine.js, which this file
// is bundled into) before the runtime arrives. It applies the rules that the page
// alone decides — conditions on the page context (`page`, `utm`, `time`,
// `device`, `channel`), operations that change only what is there (text,
// attributes, classes, allowlisted styles, hide, show, remove) — keeps applying
// them to targets the parser adds later, names the targets of everything else so
// the loader keeps only those hidden, and hands the page back exactly as it found
// it when the runtime takes over (`releaseFirstSwap`, called by the runtime right
// before its first plan, in the same task) or fails (fail open).
//
// Why JavaScript and not a wasm module: this is the one piece of vitrine on a
// phone's critical path. As wasm it was 40 KB gzip that had to arrive, compile
// and instantiate before the first swap; here it is a few KB of the loader the
// browser already parses, the config is read with the browser's JSON.parse and
// conditions are evaluated by js/condition.js, held to GrowthBook's semantics by
// the same shared cases as the engine. The runtime (src/engine/first_swap.rs,
// the specification) and this file are held to each other by
// tests/cases/first-swap.json, run natively and in Node.
//
// Everything it reads is untrusted and everything it does is conservative: a
// rule it cannot read exactly as the runtime's validator would is left to the
// runtime (its targets wait hidden), text goes in with textContent, attribute
// values and styles pass the validator's own checks, and a config it cannot read
// at all leaves every target waiting.
import { compiled } from './condition.js';

/** The attribute roots the start knows (the page context and the channel). */
const START_ROOTS = ['page', 'utm', 'time', 'device', 'channel'];
const MAX_ACTIONS = 50;
const MAX_SELECTOR = 512;
const MAX_TEXT = 20000;
const MAX_DEPTH = 24;
// The operations the start applies and the fields each allows (`action.rs`'s
// `plain_fields_of`): markup needs the sanitizer, which only the runtime has.
const PLAIN = {
  setText: ['text'], setAttr: ['name', 'value'], removeAttr: ['name'], addClass: ['class'], removeClass: ['class'],
  setStyle: ['style'], show: ['display'], hide: [], remove: [],
};
const STYLE_PROPERTIES = ['color', 'background-color', 'font-weight', 'font-style', 'font-size', 'text-decoration', 'text-transform',
  'text-align', 'letter-spacing', 'line-height', 'border', 'border-color', 'border-width', 'border-style', 'border-radius', 'outline',
  'box-shadow', 'opacity', 'order', 'margin', 'margin-top', 'margin-bottom', 'padding'];
const DISPLAYS = ['block', 'inline', 'inline-block', 'flex', 'inline-flex', 'grid', 'contents', 'list-item', 'table'];
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'poster', 'cite', 'background', 'data', 'xlink:href', 'longdesc',
  'manifest', 'ping', 'srcset', 'codebase', 'usemap'];
const OPERATORS = ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$exists', '$in', '$ini', '$nin', '$nini', '$all', '$alli', '$not',
  '$size', '$elemMatch', '$type', '$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte', '$regex', '$regexi'];
const ARRAY_OPERATORS = ['$in', '$ini', '$nin', '$nini', '$all', '$alli'];
const TYPES = ['string', 'number', 'boolean', 'object', 'array', 'null', 'undefined'];

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const asciiLower = (s) => s.replace(/[A-Z]+/g, (c) => c.toLowerCase());
const points = (s) => { let n = 0; for (const _ of s) n++; return n; };

/** At most `max` code points of `s` (Rust's `truncate`: characters, not UTF-16 units). */
export function cut(s, max) {
  if (s.length <= max) return s;
  let out = '';
  let n = 0;
  for (const c of s) {
    if (n++ === max) break;
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------- the context

function hexDigit(b) {
  return b >= 48 && b <= 57 ? b - 48 : b >= 65 && b <= 70 ? b - 55 : b >= 97 && b <= 102 ? b - 87 : -1;
}

/** `%XX` decoded over UTF-8, invalid escapes kept and invalid UTF-8 replaced (never throws). */
function percentDecode(s) {
  if (!s.includes('%')) return s;
  const bytes = new TextEncoder().encode(s);
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 37 && i + 2 < bytes.length) {
      const h = hexDigit(bytes[i + 1]);
      const l = hexDigit(bytes[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push(h * 16 + l);
        i += 2;
        continue;
      }
    }
    out.push(bytes[i]);
  }
  return new TextDecoder().decode(new Uint8Array(out));
}

function parseQuery(query) {
  const out = [];
  for (const pair of query.split('&')) {
    if (!pair) continue;
    if (out.length >= 50) break;
    const at = pair.indexOf('=');
    const k = cut(percentDecode((at < 0 ? pair : pair.slice(0, at)).replaceAll('+', ' ')), 256);
    const v = cut(percentDecode((at < 0 ? '' : pair.slice(at + 1)).replaceAll('+', ' ')), 256);
    // The first occurrence wins, as URLSearchParams.get does.
    if (!out.some(([key]) => key === k)) out.push([k, v]);
  }
  return out;
}

/** The host of a URL, lower-cased, without `www.`; empty if there is none. */
function host(url) {
  const scheme = url.indexOf('://');
  const rest = scheme < 0 ? '' : url.slice(scheme + 3);
  const authority = rest.split(/[/?#]/)[0];
  const h = asciiLower(authority.slice(authority.lastIndexOf('@') + 1).split(':')[0]);
  return h.startsWith('www.') ? h.slice(4) : h;
}

function on(h, domain) {
  if (domain.endsWith('.')) return h.split('.').includes(domain.slice(0, -1));
  return h === domain || (h.endsWith(domain) && h[h.length - domain.length - 1] === '.');
}

const SOCIAL = ['facebook.com', 'fb.com', 'instagram.com', 't.co', 'twitter.com', 'x.com', 'linkedin.com', 'lnkd.in', 'tiktok.com',
  'pinterest.com', 'youtube.com', 'youtu.be', 'reddit.com', 'threads.net', 'kwai.com'];
const SEARCH = ['google.', 'bing.com', 'search.yahoo.com', 'duckduckgo.com', 'ecosia.org', 'yandex.', 'baidu.com'];
const WEBMAIL = ['mail.google.com', 'outlook.live.com', 'outlook.office.com', 'mail.yahoo.com'];
const WHATSAPP = ['wa.me', 'api.whatsapp.com', 'web.whatsapp.com', 'chat.whatsapp.com'];

/** The arrival channel (src/engine/channel.rs, which documents the table). */
function channel(query, referrer, url) {
  const param = (name) => query.find(([k]) => k === name)?.[1];
  const medium = asciiLower(param('utm_medium') ?? '');
  const source = asciiLower(param('utm_source') ?? '');
  let from = host(referrer);
  if (from === host(url)) from = '';
  const among = (list) => from !== '' && list.some((d) => on(from, d));
  if (['cpc', 'ppc', 'paid', 'paidsearch', 'paid-social', 'paid_social', 'display', 'cpm', 'banner'].includes(medium)) return 'paid';
  if (medium.includes('whatsapp') || source.includes('whatsapp') || source === 'wa' || among(WHATSAPP)) return 'whatsapp';
  if (['email', 'e-mail', 'newsletter'].includes(medium) || among(WEBMAIL)) return 'email';
  if (['gclid', 'gbraid', 'wbraid', 'msclkid', 'dclid'].some((id) => param(id) !== undefined)) return 'paid';
  if (['social', 'social-network', 'sm'].includes(medium) || among(SOCIAL)) return 'social';
  if (medium === 'organic' || among(SEARCH)) return 'search';
  if (from !== '' || medium !== '') return 'referral';
  return 'direct';
}

/**
 * The context document the start evaluates conditions on, as the engine builds
 * it (`signal::Context::from_page` and `attributes::context_document`).
 */
export function contextDocument({ url = '', referrer = '', title = '', hour = 0, weekday = 0, language = '', width = 1280, timezone = '' }) {
  url = cut(url, 2048);
  const noFragment = url.split('#')[0];
  const q = noFragment.indexOf('?');
  const beforeQuery = q < 0 ? noFragment : noFragment.slice(0, q);
  const query = parseQuery(q < 0 ? '' : noFragment.slice(q + 1));
  let path = beforeQuery;
  const scheme = beforeQuery.indexOf('://');
  if (scheme >= 0) {
    const rest = beforeQuery.slice(scheme + 3);
    const slash = rest.indexOf('/');
    path = slash < 0 ? '/' : rest.slice(slash);
  }
  referrer = cut(referrer, 2048);
  const utm = {};
  for (const [k, v] of query) if (k.startsWith('utm_') && !has(utm, k.slice(4))) utm[k.slice(4)] = v;
  return {
    page: { url, path: percentDecode(path), query: Object.fromEntries(query), referrer, title: cut(title, 200) },
    utm,
    channel: channel(query, referrer, url),
    time: { hour: Math.min(hour, 23), weekday: Math.min(weekday, 6), timezone: cut(timezone, 64) },
    device: { type: width < 768 ? 'mobile' : width < 1024 ? 'tablet' : 'desktop', language: cut(language, 35) },
  };
}

// ----------------------------------------------------------------- the plan

// A saved group's list (a bare array or `{type: "list"}`), or undefined.
const listOf = (entry) => (Array.isArray(entry) ? entry
  : isObject(entry) && entry.type === 'list' && Array.isArray(entry.values) ? entry.values : undefined);

/**
 * The attribute paths `condition` reads (those of the saved groups it names
 * included), or `null` when the runtime's validator would refuse it: then the
 * whole config is left to the runtime, as the runtime will refuse it.
 */
function roots(condition, groups, depth = 0, visiting = []) {
  if (!isObject(condition) || depth > MAX_DEPTH) return null;
  const found = [];
  for (const [key, arg] of Object.entries(condition)) {
    let inner;
    if (key === '$or' || key === '$nor' || key === '$and') {
      if (!Array.isArray(arg)) return null;
      inner = [];
      for (const c of arg) {
        const r = roots(c, groups, depth + 1, visiting);
        if (r === null) return null;
        inner.push(...r);
      }
    } else if (key === '$not') {
      inner = roots(arg, groups, depth + 1, visiting);
    } else if (key === '$savedGroup') {
      inner = savedGroupRoots(arg, groups, depth, visiting);
    } else {
      if (key === '' || key.split('.').includes('')) return null;
      if (!operand(arg, groups, depth + 1)) return null;
      inner = [key];
    }
    if (inner === null) return null;
    for (const r of inner) if (!found.includes(r)) found.push(r);
  }
  return found;
}

/** `{"$savedGroup": {id, attributeKey?}}`: the paths its group reads. */
function savedGroupRoots(reference, groups, depth, visiting) {
  if (!isObject(reference) || Object.keys(reference).some((k) => k !== 'id' && k !== 'attributeKey')) return null;
  const { id, attributeKey } = reference;
  if (typeof id !== 'string' || (attributeKey !== undefined && typeof attributeKey !== 'string')) return null;
  if (!has(groups, id)) return null;
  const entry = groups[id];
  if (listOf(entry) !== undefined) {
    const key = attributeKey ?? (isObject(entry) ? entry.attributeKey : undefined);
    return typeof key === 'string' ? [key] : null;
  }
  if (isObject(entry) && entry.type === 'condition' && isObject(entry.condition)) {
    if (visiting.includes(id)) return null;
    return roots(entry.condition, groups, depth + 1, [...visiting, id]);
  }
  return []; // a malformed group: nobody is in it
}

const isOperatorObject = (v) => isObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => k.startsWith('$'));

/** Whether a path's test is one the runtime's validator accepts. */
function operand(arg, groups, depth) {
  if (depth > MAX_DEPTH) return false;
  if (!isObject(arg)) return true;
  if (!isOperatorObject(arg)) return !Object.keys(arg).some((k) => k.startsWith('$'));
  for (const [op, value] of Object.entries(arg)) {
    if (op === '$inGroup' || op === '$notInGroup') {
      // The group must exist and be a list (`$savedGroup` takes the others).
      const id = String(value);
      if (!has(groups, id) || listOf(groups[id]) === undefined) return false;
      continue;
    }
    if (!OPERATORS.includes(op)) return false;
    if (ARRAY_OPERATORS.includes(op) && !Array.isArray(value)) return false;
    if (op === '$type' && !TYPES.includes(value)) return false;
    if (op === '$regex' || op === '$regexi') {
      if (typeof value !== 'string') return false;
      try {
        new RegExp(value, op === '$regexi' ? 'i' : '');
      } catch {
        return false;
      }
    }
    if ((op === '$all' || op === '$alli') && !value.every((v) => operand(v, groups, depth + 1))) return false;
    if ((op === '$not' || op === '$size') && !operand(value, groups, depth + 1)) return false;
    // Its paths are the element's, not attributes.
    if (op === '$elemMatch' && !(isOperatorObject(value) ? operand(value, groups, depth + 1) : roots(value, groups, depth + 1))) return false;
  }
  return true;
}

/** The categories a rule or experiment needs; `null` when malformed. */
function categories(value) {
  if (value === undefined) return ['personalization'];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((c) => typeof c === 'string')) return value;
  return null;
}

function requiredCategories(consent) {
  const list = isObject(consent) ? consent.categories : undefined;
  if (list === undefined) return ['necessary'];
  if (!Array.isArray(list)) return null;
  const required = [];
  for (const c of list) {
    if (isObject(c) && c.required === true) {
      if (typeof c.id !== 'string') return null;
      required.push(c.id);
    }
  }
  return required;
}

function selectorsOf(actions) {
  return (Array.isArray(actions) ? actions : [])
    .map((a) => (isObject(a) && typeof a.selector === 'string' ? a.selector : ''))
    .filter((s) => s !== '');
}

function experimentSelectors(experiment) {
  const variants = isObject(experiment) && Array.isArray(experiment.variants) ? experiment.variants : [];
  return variants.flatMap((v) => selectorsOf(isObject(v) ? v.actions : undefined));
}

function addAll(to, selectors) {
  for (const s of selectors) if (s && !to.includes(s)) to.push(s);
}

function everySelector(config) {
  const all = [];
  const list = (key) => (isObject(config) && Array.isArray(config[key]) ? config[key] : []);
  for (const rule of list('rules')) addAll(all, selectorsOf(isObject(rule) ? rule.actions : undefined));
  for (const experiment of list('experiments')) addAll(all, experimentSelectors(experiment));
  return all;
}

const isAttributeName = (n) => /^[a-z][a-z0-9\-_:.]*$/.test(n);
const isForbiddenAttribute = (n) => n.startsWith('on') || n === 'style' || n === 'srcdoc' || n === 'is';
// Rust's `char::is_whitespace` and JavaScript's \s differ at the edges: refuse both.
const isClassName = (c) => c !== '' && !/[\s\u0085]/u.test(c);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function isSafeStyleValue(value) {
  const lower = asciiLower(value);
  return value !== '' && points(value) <= 200 && !/[\\;{}<>@"']/.test(value) && !CONTROL.test(value)
    && !['url(', 'image', 'expression', 'javascript:', 'element(', 'var('].some((bad) => lower.includes(bad));
}

/** http(s), mailto:, tel: or a relative URL, after the URL parser's own clean-up. */
export function isSafeUrl(url) {
  // eslint-disable-next-line no-control-regex
  const cleaned = url.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const end = cleaned.search(/[:/?#]/);
  if (end < 0 || cleaned[end] !== ':') return true;
  const scheme = asciiLower(cleaned.slice(0, end));
  const isScheme = /^[a-z][a-z0-9+\-.]*$/i.test(scheme);
  return !isScheme || ['http', 'https', 'mailto', 'tel'].includes(scheme);
}

/**
 * An action as the start reads it: one of the plain operations, held to the
 * validator's checks; `null` for anything else (the rule is left to the runtime).
 */
function plainAction(value) {
  if (!isObject(value) || typeof value.op !== 'string' || !has(PLAIN, value.op)) return null;
  const op = value.op;
  const allowed = ['op', 'selector', 'match', ...PLAIN[op]];
  if (Object.keys(value).some((k) => !allowed.includes(k))) return null;
  const text = (key, max) => {
    const s = value[key];
    return typeof s === 'string' && points(s) <= max && !s.includes('{{') ? s : null;
  };
  const selector = text('selector', MAX_SELECTOR);
  if (selector === null || selector.trim() === '') return null;
  if (has(value, 'match') && value.match !== 'all' && value.match !== 'first') return null;
  const action = { op, selector, first: value.match === 'first' };
  const attribute = () => {
    const name = text('name', 128);
    const lower = name === null ? null : asciiLower(name);
    return lower !== null && isAttributeName(lower) && !isForbiddenAttribute(lower) ? lower : null;
  };
  const className = () => {
    const c = text('class', 128);
    return c !== null && isClassName(c) ? c : null;
  };
  switch (op) {
    case 'setText':
      action.text = text('text', MAX_TEXT);
      return action.text === null ? null : action;
    case 'setAttr':
      action.name = attribute();
      action.value = text('value', MAX_TEXT);
      if (action.name === null || action.value === null) return null;
      return URL_ATTRIBUTES.includes(action.name) && !isSafeUrl(action.value) ? null : action;
    case 'removeAttr':
      action.name = attribute();
      return action.name === null ? null : action;
    case 'addClass':
    case 'removeClass':
      action.class = className();
      return action.class === null ? null : action;
    case 'setStyle': {
      if (!isObject(value.style)) return null;
      const style = Object.entries(value.style);
      if (!style.length) return null;
      action.style = [];
      for (const [property, v] of style) {
        if (typeof v !== 'string' || !STYLE_PROPERTIES.includes(property) || !isSafeStyleValue(v.trim())) return null;
        action.style.push([property, v.trim()]);
      }
      return action;
    }
    case 'show':
      action.display = has(value, 'display') ? value.display : 'block';
      return DISPLAYS.includes(action.display) ? action : null;
    default:
      return action; // hide, remove
  }
}

/** What two actions on one selector must not both change (`decide::way`). */
function way(a) {
  switch (a.op) {
    case 'setText': return 'content';
    case 'setAttr': case 'removeAttr': return `attribute:${a.name}`;
    case 'addClass': case 'removeClass': return `class:${a.class}`;
    case 'setStyle': return 'style';
    default: return 'visibility';
  }
}

const APPLY = 'apply';
const OFF = 'off';
const DEFER = 'defer';

function ruleOutcome(rule, at, attributes, groups, consent, known) {
  if (!isObject(rule) || typeof rule.id !== 'string') return null;
  const needed = categories(rule.consent);
  if (needed === null) return null;
  const read = has(rule, 'when') ? roots(rule.when, groups) : [];
  if (read === null) return null;
  let priority = 0;
  if (has(rule, 'priority')) {
    const p = rule.priority;
    if (typeof p !== 'number' || !Number.isInteger(p) || Math.abs(p) > 1e6) return null;
    priority = p;
  }
  const raw = rule.actions;
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_ACTIONS) return null;
  const selectors = () => selectorsOf(raw);
  if (!known(needed)) {
    // Not granted unless a choice or a platform grants it later: off now.
    return consent() === 'defaults' ? { kind: OFF } : { kind: DEFER, selectors: selectors() };
  }
  const gated = ['trigger', 'frequency', 'schedule', 'holdout'].some((g) => has(rule, g));
  const contextOnly = read.every((p) => START_ROOTS.includes(p.split('.')[0]));
  const actions = raw.map(plainAction);
  if (gated || !contextOnly || actions.includes(null)) return { kind: DEFER, selectors: selectors() };
  if (has(rule, 'when')) {
    let holds = false;
    try {
      holds = compiled(rule.when, (m) => new Error(m))(attributes, groups, undefined) === true;
    } catch {
      return { kind: DEFER, selectors: selectors() };
    }
    if (!holds) return { kind: OFF };
  }
  return { kind: APPLY, rule: at, id: rule.id, priority, actions };
}

function read(config, attributes, consent) {
  if (!isObject(config)) return null;
  if (has(config, 'savedGroups') && !isObject(config.savedGroups)) return null;
  const groups = config.savedGroups ?? {};
  const required = requiredCategories(config.consent);
  if (required === null) return null;
  const known = (needed) => needed.every((c) => required.includes(c));
  const deferred = [];
  let candidates = [];
  const rules = has(config, 'rules') ? config.rules : [];
  if (!Array.isArray(rules)) return null;
  for (let i = 0; i < rules.length; i++) {
    const outcome = ruleOutcome(rules[i], i, attributes, groups, consent, known);
    if (outcome === null) return null;
    if (outcome.kind === APPLY) candidates.push(outcome);
    else if (outcome.kind === DEFER) addAll(deferred, outcome.selectors);
  }
  if (has(config, 'experiments')) {
    if (!Array.isArray(config.experiments)) return null;
    for (const experiment of config.experiments) {
      const needed = categories(isObject(experiment) ? experiment.consent : undefined);
      if (needed === null) return null;
      // Assignment needs the visitor id and stored assignments: the runtime's.
      const off = !known(needed) && consent() === 'defaults';
      if (!off) addAll(deferred, experimentSelectors(experiment));
    }
  }
  // A rule sharing a selector with something deferred waits too (until nothing moves).
  for (;;) {
    const before = candidates.length;
    const moved = [];
    candidates = candidates.filter((c) => {
      const shares = c.actions.some((a) => deferred.includes(a.selector));
      if (shares) moved.push(...c.actions.map((a) => a.selector));
      return !shares;
    });
    addAll(deferred, moved);
    if (candidates.length === before) break;
  }
  // Winners first (higher priority, then earlier), as the runtime decides.
  candidates.sort((a, b) => b.priority - a.priority || a.rule - b.rule);
  const claimed = [];
  const accepted = [];
  for (const c of candidates) {
    const conflict = c.actions.some((a) => claimed.some(([s, w]) => s === a.selector && w === way(a)));
    if (conflict) continue;
    for (const a of c.actions) claimed.push([a.selector, way(a)]);
    accepted.push(c);
  }
  const ops = [];
  for (const c of [...accepted].reverse()) c.actions.forEach((a, k) => ops.push({ rule: c.rule, action: k, ...a }));
  return { read: true, applied: accepted.map((c) => c.id), deferred, ops };
}

/**
 * Plans the first swap for `config` on a page whose context document is
 * `attributes`. `consent()` says what the page tells of consent before the
 * runtime reads it (`'defaults'`: nothing stored and no consent platform, so
 * only required categories are granted; `'unknown'`: more may be); it is asked
 * at most once, and only when a rule needs a category that is not required.
 * Returns `{read, applied, deferred, ops}`: ops in application order (lowest
 * priority first), `deferred` the selectors that wait for the runtime, every
 * selector when the config could not be read.
 */
export function plan(config, attributes, consent) {
  let facts;
  const once = () => (facts ??= consent());
  return read(config, attributes, once) ?? { read: false, applied: [], deferred: everySelector(config), ops: [] };
}

/** Whether the config mentions the time zone (reading it costs Intl data on a phone). */
export function mentionsTimezone(config) {
  const walk = (v) => (typeof v === 'string' ? v.includes('timezone')
    : Array.isArray(v) ? v.some(walk)
      : isObject(v) ? Object.entries(v).some(([k, x]) => k.includes('timezone') || walk(x)) : false);
  return isObject(config) && ['rules', 'experiments', 'savedGroups'].some((k) => has(config, k) && walk(config[k]));
}
