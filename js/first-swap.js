// The first swap on the page: what js/start.js planned, applied to the DOM before
// the runtime arrives, kept applied to targets the parser adds later, and undone
// exactly when the runtime takes over (`releaseFirstSwap`, in the same task as the
// runtime's first plan, so no frame shows the page in between) or fails.
//
// Each operation returns its own undo (what it replaced, exactly), as the
// runtime's applier does (src/browser/applier/ops.rs): the original children of a
// text change, the previous attribute text (and the order of the attributes after
// a removed one), the previous style attribute, the place of a removed element.
// An undo is applied only to a target still as we left it; one the page changed
// since keeps the page's content.
import { contextDocument, mentionsTimezone, plan } from './start.js';

const MAX_HEALS_PER_SECOND = 200;

function setAttr(el, name, value) {
  const previous = el.getAttribute(name);
  let following = [];
  if (value === null && previous !== null) {
    const names = el.getAttributeNames();
    following = names.slice(names.indexOf(name) + 1);
  }
  try {
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  } catch { /* an attribute the browser refuses changes nothing */ }
  return { kind: 'attr', name, previous, ours: el.getAttribute(name), following };
}

/** Inline style through the CSSOM (allowed under a strict CSP), `!important`. */
function setStyle(el, properties) {
  if (!(el instanceof HTMLElement)) return null;
  const previous = el.getAttribute('style');
  for (const [property, value] of properties) el.style.setProperty(property, value, 'important');
  return { kind: 'style', previous, ours: el.getAttribute('style') };
}

function applyTo(el, a) {
  switch (a.op) {
    case 'setText': {
      const original = [...el.childNodes];
      el.textContent = a.text;
      return { kind: 'children', original, ours: [...el.childNodes], text: el.textContent };
    }
    case 'setAttr':
      return setAttr(el, a.name, a.value);
    case 'removeAttr':
      return el.hasAttribute(a.name) ? setAttr(el, a.name, null) : null;
    case 'addClass':
    case 'removeClass': {
      const add = a.op === 'addClass';
      if (el.classList.contains(a.class) === add) return null;
      // DOMTokenList re-serializes the attribute: the undo keeps its text.
      const previous = el.getAttribute('class');
      el.classList.toggle(a.class, add);
      return { kind: 'attr', name: 'class', previous, ours: el.getAttribute('class'), following: [] };
    }
    case 'setStyle':
      return setStyle(el, a.style);
    case 'hide':
      return setStyle(el, [['display', 'none']]);
    case 'show': {
      const hidden = setAttr(el, 'hidden', null);
      const style = setStyle(el, [['display', a.display]]);
      return style ? { kind: 'both', first: hidden, second: style } : hidden;
    }
    case 'remove': {
      const parent = el.parentNode;
      if (!parent) return null;
      const next = el.nextSibling;
      parent.removeChild(el);
      return { kind: 'place', parent, next };
    }
    default:
      return null;
  }
}

const sameNodes = (a, b) => a.length === b.length && a.every((n, i) => n === b[i]);

function intact(el, undo) {
  switch (undo.kind) {
    case 'children': return sameNodes([...el.childNodes], undo.ours) && el.textContent === undo.text;
    case 'attr': return el.getAttribute(undo.name) === undo.ours;
    case 'style': return el.getAttribute('style') === undo.ours;
    case 'both': return intact(el, undo.first) && intact(el, undo.second);
    default: return true;
  }
}

function undoOne(el, undo) {
  switch (undo.kind) {
    case 'children':
      el.textContent = '';
      el.append(...undo.original);
      break;
    case 'attr':
      if (undo.previous === null) el.removeAttribute(undo.name);
      else el.setAttribute(undo.name, undo.previous);
      for (const after of undo.following) {
        const value = el.getAttribute(after);
        if (value !== null) {
          el.removeAttribute(after);
          el.setAttribute(after, value);
        }
      }
      break;
    case 'style':
      if (undo.previous === null) el.removeAttribute('style');
      else {
        // The attribute text comes back exactly; under a CSP that forbids style
        // attributes the CSSOM is allowed, so fall back to it.
        el.setAttribute('style', undo.previous);
        if (el.style.cssText === '' && undo.previous.trim() !== '') el.style.cssText = undo.previous;
      }
      break;
    case 'both':
      undoOne(el, undo.second);
      undoOne(el, undo.first);
      break;
    case 'place':
      undo.parent.insertBefore(el, undo.next && undo.next.parentNode === undo.parent ? undo.next : null);
      break;
    default:
  }
}

function matches(a) {
  if (a.first) {
    const el = document.querySelector(a.selector);
    return el ? [el] : [];
  }
  return [...document.querySelectorAll(a.selector)];
}

let current = null;

/** Applies planned ops; an op whose selector the browser refuses changes nothing. */
function applier(ops) {
  const entries = [];
  for (const a of ops) {
    let elements;
    try {
      elements = matches(a);
    } catch {
      continue; // the runtime reports the selector
    }
    const targets = [];
    for (const el of elements) {
      const undo = applyTo(el, a);
      if (undo) targets.push({ el, undo });
    }
    entries.push({ a, targets });
  }
  let heals = [0, 0];
  return {
    // The page rewrote or added targets: apply again (bounded, if the page fights).
    heal() {
      const now = performance.now();
      if (now - heals[0] > 1000) heals = [now, 0];
      const fighting = heals[1] >= MAX_HEALS_PER_SECOND;
      for (const entry of entries) {
        const { a } = entry;
        entry.targets = entry.targets.filter((t) => t.el.isConnected || t.undo.kind === 'place');
        for (const t of entry.targets) {
          if (fighting || !t.el.isConnected || intact(t.el, t.undo)) continue;
          const undo = applyTo(t.el, a);
          if (undo) {
            t.undo = undo;
            heals[1] += 1;
          }
        }
        if (a.first && entry.targets.length) continue;
        let found = [];
        try {
          found = matches(a);
        } catch { /* refused when applied: nothing to do */ }
        for (const el of found) {
          if (entry.targets.some((t) => t.el === el)) continue;
          const undo = applyTo(el, a);
          if (undo) entry.targets.push({ el, undo });
          if (a.first) break;
        }
      }
    },
    revert() {
      while (entries.length) {
        const entry = entries.pop();
        for (const t of entry.targets.reverse()) if (intact(t.el, t.undo)) undoOne(t.el, t.undo);
      }
    },
  };
}

/** What the page says about consent before the runtime reads it. */
function consentFacts() {
  let stored = false;
  try {
    stored = localStorage.getItem('vitrine:necessary') !== null;
  } catch { /* no storage: nothing was stored */ }
  const tcf = typeof window.__tcfapi === 'function';
  const layer = window.dataLayer;
  const consentMode = Array.isArray(layer) && layer.some((entry) => entry && entry[0] === 'consent');
  return stored || tcf || consentMode ? 'unknown' : 'defaults';
}

function pageContext(config) {
  const now = new Date();
  let timezone = '';
  if (mentionsTimezone(config)) {
    try {
      timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
    } catch { /* no Intl: no time zone */ }
  }
  return contextDocument({
    url: location.href,
    referrer: document.referrer,
    title: document.title,
    hour: now.getHours(),
    weekday: now.getDay(),
    language: navigator.language || '',
    width: typeof innerWidth === 'number' ? innerWidth : 1280,
    timezone,
  });
}

/**
 * Reverts every change of the first swap and stops watching the page: the
 * runtime is taking over or failed. Idempotent.
 */
export function releaseFirstSwap() {
  const taken = current;
  current = null;
  if (!taken) return;
  taken.observer?.disconnect();
  taken.applied.revert();
}

/**
 * Plans and applies the first swap for `config` (the parsed config) and returns
 * the selectors whose elements wait for the runtime, comma-separated (the loader
 * keeps them hidden); `undefined` when the config could not be read, so every
 * target waits. Never throws.
 */
export function firstSwap(config) {
  releaseFirstSwap();
  let planned;
  try {
    planned = plan(config, pageContext(config), consentFacts);
  } catch {
    return undefined;
  }
  if (!planned.read) return undefined;
  const applied = applier(planned.ops);
  const swap = { applied, observer: null };
  current = swap;
  if (planned.ops.length && typeof MutationObserver === 'function') {
    // New targets are looked for in the observer's callback itself, not on the
    // next frame: the parser is still adding the page, and the few selectors
    // make that cheap. Our own changes' records are dropped after each heal.
    const observer = new MutationObserver((records) => {
      if (!records.length || current !== swap) return;
      applied.heal();
      observer.takeRecords();
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
    swap.observer = observer;
  }
  return planned.deferred.join(',');
}
