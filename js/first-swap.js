// The first swap on the page: what js/start.js planned, applied to the DOM before
// the runtime arrives, kept applied to targets the parser adds later, and undone
// exactly when the runtime takes over (`releaseFirstSwap`, in the same task as the
// runtime's first plan, so no frame shows the page in between) or fails.
//
// The operations go through the page's one applier (js/applier.js), which the
// runtime then uses too: each returns its own undo (what it replaced, exactly),
// and an undo is applied only to a target still as we left it.
import { createApplier } from './applier.js';
import { contextDocument, mentionsTimezone, plan } from './start.js';

// The first swap under way (its applier and observer), until it is released.
let current = null;

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
  taken.applied.revertAll();
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
  const applied = createApplier();
  // A selector the browser refuses changes nothing (the runtime reports it).
  planned.ops.forEach((a, i) => applied.apply(i, a));
  const swap = { applied, observer: null };
  current = swap;
  if (planned.ops.length && typeof MutationObserver === 'function') {
    // New targets are looked for in the observer's callback itself, not on the
    // next frame: the parser is still adding the page, and the few selectors
    // make that cheap. Our own changes' records are dropped after each heal.
    const observer = new MutationObserver((records) => {
      if (!records.length || current !== swap) return;
      applied.heal(true);
      observer.takeRecords();
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
    swap.observer = observer;
  }
  return planned.deferred.join(',');
}
