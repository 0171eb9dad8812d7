// vitrine's delivery part: exposures and goal conversions to the site's own
// pipeline (config `destinations`): GTM's dataLayer, gtag, Segment/RudderStack,
// PostHog, or a beacon URL of the site's collector. Loaded by runtime.js only when
// the config has destinations (the runtime checked the sections: js/delivery.js
// reads them as the runtime's `delivery()` writes them, defaults filled in).
//
// Each destination is a lane with its own queue, kept in localStorage under
// `vitrine:queue:<lane>:<tab>` (the runtime's storage skips those keys; `erase`
// deletes them with the rest). Nothing is queued for a lane whose consent
// categories are not all granted, and withdrawing one drops its queues, every tab's,
// at once. Bounded: 500 events and 256 KB per lane, the oldest dropped first and
// counted (the count travels with the next beacon batch). Exposures are sent once per
// visitor and variant, by hashed keys kept with the queues and read from every tab's,
// so a reload or a second tab sends no repeat. A beacon sends batches (batchSize
// events or flushMs), retries with exponential backoff and jitter, and hands what is
// left to `sendBeacon` when the page is hidden or closed; a page closed before that
// leaves its queue stored, and the next page of the site sends it (a queue of a tab
// that stopped beating for a minute is adopted too). Every event has an id, so a
// collector can drop the rare repeat of a batch whose answer was lost (delivery is
// at least once).

const MAX_EVENTS = 500;
const MAX_BYTES = 256 * 1024;
/// What `sendBeacon` and `fetch(keepalive)` accept in flight is about 64 KB.
const MAX_REQUEST_BYTES = 60 * 1024;
const MAX_EVENT_BYTES = 8 * 1024;
const MAX_SEEN = 1000;
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;
const ADOPT_AFTER_MS = 60_000;
const HEARTBEAT_MS = 15_000;
const KEY = 'vitrine:queue:';
const SCHEMA = 1;
// dataLayer entries already read for goals, across restarts of vitrine on one page.
const READ = Symbol.for('vitrine.delivery.read');
// Every key a dataLayer entry of vitrine's has: GTM keeps a key of an earlier push,
// so each push sets them all (undefined where it has none).
const LAYER_KEYS = ['vitrine_kind', 'vitrine_id', 'vitrine_variant', 'vitrine_goal', 'vitrine_event_id', 'vitrine_exposures', 'value', 'currency', 'dwell_ms'];

const encoder = new TextEncoder();
const sizeOf = (e) => encoder.encode(JSON.stringify(e)).length;
const randomId = () => {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
};
/** FNV-1a, hex: the dedupe keys never hold the visitor's id itself. */
const digest = (text) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  let g = 0x01000193;
  for (let i = text.length - 1; i >= 0; i--) g = Math.imul(g ^ text.charCodeAt(i), 0x811c9dc5);
  return (h >>> 0).toString(16).padStart(8, '0') + (g >>> 0).toString(16).padStart(8, '0');
};

/**
 * Starts delivering. `host` gives what the runtime knows: `unit()` (the id
 * experiments bucket on, undefined while its consent is not granted), `granted()`
 * (the consent state), `exposed()` (the rules and variants applied now),
 * `warn(message)`, `debug`. Returns `{exposure(detail, at?), event(name, props, at?),
 * consent(), erase(), flush(), state(), stop()}`; `at` is the consent state when the
 * runtime saw the event, for events it kept while this part loaded.
 */
export function mountDelivery(spec, host) {
  const tab = randomId();
  const storage = (() => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  })();
  // Queues of destinations the config no longer has are not anyone's to send.
  if (storage) {
    for (const k of keysOf(storage, KEY)) {
      const lane = Number(k.slice(KEY.length).split(':')[0]);
      if (!(Number.isInteger(lane) && lane < spec.destinations.length)) storage.removeItem(k);
    }
  }
  let sending = 0;
  const whileSending = (fn) => {
    sending += 1;
    try {
      return fn();
    } finally {
      sending -= 1;
    }
  };
  const lanes = spec.destinations.map((destination, index) => lane(destination, index, tab, host, storage, whileSending));
  const goals = spec.goals;
  const open = (at) => lanes.filter((l) => l.open && (at === undefined || l.allows(at)));
  const firedThisPage = new Set();

  const record = (event, params, at) => {
    const to = open(at);
    if (to.length === 0) return;
    const entry = { id: randomId(), event, unit: host.unit() ?? null, time_ms: Date.now(), params };
    for (const l of to) l.push(entry);
  };
  const convert = (goal, params = {}, at) => record(goal.id, { ...params, vitrine_exposures: host.exposed() }, at);
  const once = (goal, params) => {
    if (firedThisPage.has(goal.id)) return;
    firedThisPage.add(goal.id);
    convert(goal, params);
  };
  const exposure = (detail, at) => {
    if (!detail || typeof detail !== 'object') return;
    const to = open(at);
    if (to.length === 0) return;
    const params = { vitrine_kind: String(detail.kind), vitrine_id: String(detail.id) };
    if (detail.variant !== undefined) params.vitrine_variant = String(detail.variant);
    const unit = host.unit() ?? null;
    const key = digest(`${unit}|${params.vitrine_kind}|${params.vitrine_id}|${params.vitrine_variant ?? ''}`);
    const entry = { id: randomId(), event: 'vitrine_exposure', unit, time_ms: Date.now(), params };
    for (const l of to) l.push(entry, key);
  };

  // Goals on events: track() names and dataLayer events (GTM objects and gtag's
  // argument lists). What vitrine itself pushes (its own events, and gtag calls it
  // makes, which land on the dataLayer) is never a goal.
  const eventGoals = (name) => goals.filter((g) => g.event === name);
  const fromDataLayer = (entry) => {
    let name;
    let params;
    if (entry && typeof entry === 'object' && typeof entry.length === 'number' && entry[0] === 'event') {
      name = entry[1];
      params = entry[2] ?? {};
    } else if (entry && typeof entry === 'object' && typeof entry.event === 'string') {
      name = entry.event;
      params = entry.ecommerce ?? entry;
    }
    if (typeof name !== 'string' || name.startsWith('vitrine_')) return;
    for (const goal of eventGoals(name)) convert(goal, revenue(params));
  };
  const layer = (window.dataLayer = Array.isArray(window.dataLayer) ? window.dataLayer : window.dataLayer || []);
  const read = (window[READ] ??= new WeakSet());
  const readLayer = (entry) => {
    if (entry && typeof entry === 'object') {
      if (read.has(entry)) return;
      read.add(entry);
    }
    try {
      fromDataLayer(entry);
    } catch (error) {
      if (host.debug) console.error('[vitrine] a dataLayer entry could not be read for goals', error);
    }
  };
  let stopped = false;
  const withGoals = goals.some((g) => g.event);
  // What the page pushed before this part loaded (a thank-you page's purchase).
  if (withGoals) Array.from(layer).forEach(readLayer);
  const originalPush = layer.push;
  const ourPush = function (...entries) {
    const result = originalPush.apply(this, entries);
    if (stopped) return result;
    // What vitrine pushes itself (its events; gtag's calls it makes) is marked read;
    // the page's entries are read in a microtask, once every wrapper of push has
    // returned (the runtime's own wraps it too, and may not be re-entered).
    if (sending > 0) {
      for (const e of entries) if (e && typeof e === 'object') read.add(e);
    } else queueMicrotask(() => entries.forEach(readLayer));
    return result;
  };
  if (withGoals) layer.push = ourPush;

  // Goals on clicks, pages and dwell: once per page view.
  const onClick = (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!target || open().length === 0) return;
    for (const goal of goals) {
      if (goal.click && target.closest(goal.click)) once(goal);
    }
  };
  document.addEventListener('click', onClick, true);
  let here = location.pathname + location.search;
  const checkPage = () => {
    for (const goal of goals) {
      if (typeof goal.page === 'string' && new RegExp(goal.page).test(here)) once(goal);
    }
  };
  const dwellGoals = goals.filter((g) => g.dwell);
  const dwelled = new Map(dwellGoals.map((g) => [g.id, 0]));
  // A new page view only when the path or the query changes (not a #fragment).
  const onNavigate = () => {
    const now = location.pathname + location.search;
    if (now === here) return;
    here = now;
    firedThisPage.clear();
    for (const goal of dwellGoals) dwelled.set(goal.id, 0);
    checkPage();
  };
  window.addEventListener('popstate', onNavigate);
  // pushState/replaceState (a single-page app's routes): the Navigation API where
  // the browser has it, else a look at the URL twice a second.
  const navigation = typeof window.navigation?.addEventListener === 'function' ? window.navigation : null;
  navigation?.addEventListener('navigatesuccess', onNavigate);
  const urlTimer = !navigation && goals.some((g) => g.page) ? setInterval(onNavigate, 500) : null;
  const inView = new Set();
  const observer = dwellGoals.length && typeof IntersectionObserver === 'function'
    ? new IntersectionObserver((entries) => {
      for (const entry of entries) entry.isIntersecting ? inView.add(entry.target) : inView.delete(entry.target);
    })
    : null;
  const observed = new WeakSet();
  let lastTick = performance.now();
  const dwellTimer = observer && setInterval(() => {
    const now = performance.now();
    const elapsed = now - lastTick;
    lastTick = now;
    for (const goal of dwellGoals) {
      const elements = document.querySelectorAll(goal.dwell.selector);
      elements.forEach((el) => {
        if (!observed.has(el)) {
          observed.add(el);
          observer.observe(el);
        }
      });
      if (document.visibilityState !== 'visible' || open().length === 0 || firedThisPage.has(goal.id)) continue;
      if (Array.from(elements).some((el) => inView.has(el))) {
        const total = dwelled.get(goal.id) + elapsed;
        dwelled.set(goal.id, total);
        if (total >= goal.dwell.ms) once(goal, { dwell_ms: Math.round(total) });
      }
    }
  }, 250);

  // Hidden or closing: whatever is queued goes now; visible again: this tab's own.
  const onVisibility = () => lanes.forEach((l) => (document.visibilityState === 'hidden' ? l.unload() : l.back()));
  const onPageHide = () => lanes.forEach((l) => l.unload());
  const onPageShow = () => lanes.forEach((l) => l.back());
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);

  const delivery = {
    exposure,
    event(name, props, at) {
      const params = revenue(props);
      for (const goal of eventGoals(String(name))) convert(goal, params, at);
    },
    consent() {
      const state = host.granted();
      // The unit's own consent gone: no queued event keeps the id.
      const unitless = host.unit() === undefined;
      const opened = lanes.filter((l) => l.consent(state, unitless));
      // A lane opened mid-page hears the exposures under way (deduplicated).
      if (opened.length) for (const d of host.exposed()) exposure(d);
    },
    erase() {
      lanes.forEach((l) => l.erase());
      // Erasing resets consent to its defaults: the lanes follow.
      delivery.consent();
    },
    flush() {
      return Promise.all(lanes.map((l) => l.flush()));
    },
    /** Per lane: its type, whether it may send, queued events, bytes, drops. */
    state() {
      return lanes.map((l) => l.state());
    },
    stop() {
      stopped = true;
      lanes.forEach((l) => l.stop());
      document.removeEventListener('click', onClick, true);
      window.removeEventListener('popstate', onNavigate);
      navigation?.removeEventListener('navigatesuccess', onNavigate);
      if (urlTimer) clearInterval(urlTimer);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
      if (layer.push === ourPush) layer.push = originalPush;
      if (dwellTimer) clearInterval(dwellTimer);
      observer?.disconnect();
    },
  };
  const initial = host.granted();
  lanes.forEach((l) => l.consent(initial, host.unit() === undefined));
  // A goal of this very page view (a page goal) counts once the lanes know consent.
  checkPage();
  return delivery;
}

/** `value` and `currency` of a purchase-like event, when they are there. */
function revenue(params) {
  const out = {};
  if (!params || typeof params !== 'object') return out;
  try {
    const value = typeof params.value === 'number' ? params.value : typeof params.value === 'string' ? Number(params.value) : NaN;
    if (Number.isFinite(value)) out.value = value;
    if (typeof params.currency === 'string') out.currency = params.currency.slice(0, 8);
  } catch {
    // A getter that throws: no revenue, never an error in the site's call.
  }
  return out;
}

/** An event read back from storage, or null: only its known fields, checked. */
function checked(e) {
  if (!e || typeof e !== 'object' || typeof e.id !== 'string' || typeof e.event !== 'string' || e.event.length > 64) return null;
  if (!e.params || typeof e.params !== 'object' || Array.isArray(e.params) || !Number.isFinite(e.time_ms)) return null;
  if (e.unit !== null && typeof e.unit !== 'string') return null;
  return { id: e.id, event: e.event, unit: e.unit, time_ms: e.time_ms, params: e.params };
}

/** One destination: its queue, its consent, its sending. */
function lane(destination, index, tab, host, storage, whileSending) {
  const prefix = `${KEY}${index}:`;
  const key = `${prefix}${tab}`;
  const fingerprint = `${destination.type} ${destination.url ?? ''} ${destination.consent.join(',')}`;
  let events = [];
  let bytes = 0;
  let drops = 0; // not yet reported to a beacon
  let seen = [];
  let open = false;
  let timer = null;
  let heartbeat = null;
  let inFlight = null;
  const inFlightIds = new Set();
  let attempt = 0;
  let retryAt = 0;
  let generation = 0; // dropAll() makes the answers of earlier requests stale
  let stopped = false;
  let written = false;
  // Set when the page is hidden or closing: another page may adopt the queue at once.
  let leaving = false;

  const persist = () => {
    if (!storage) return;
    try {
      // Taken by another page (it adopted this tab's queue): the events are its now.
      if (written && storage.getItem(key) === null && events.length) {
        events = events.filter((e) => inFlightIds.has(e.id));
        bytes = events.reduce((n, e) => n + sizeOf(e), 0);
      }
      if (events.length === 0 && drops === 0 && seen.length === 0) {
        storage.removeItem(key);
        written = false;
      } else {
        storage.setItem(key, JSON.stringify({ schema: SCHEMA, destination: fingerprint, at: Date.now(), closed: leaving || stopped, events, drops, seen }));
        written = true;
      }
    } catch (error) {
      host.warn(`could not keep the ${destination.type} queue (${error?.name ?? error}); it lives in this page only`);
    }
  };
  const beat = () => {
    clearInterval(heartbeat);
    heartbeat = events.length && !stopped ? setInterval(persist, HEARTBEAT_MS) : null;
  };
  const dropAll = () => {
    events = [];
    bytes = 0;
    drops = 0;
    seen = [];
    generation += 1;
    inFlightIds.clear();
    clearTimeout(timer);
    timer = null;
    beat();
    written = false;
    if (!storage) return;
    for (const k of keysOf(storage, prefix)) storage.removeItem(k);
  };
  const add = (entry) => {
    events.push(entry);
    bytes += sizeOf(entry);
    while (events.length > MAX_EVENTS || bytes > MAX_BYTES) {
      // The oldest not in flight goes (what is in flight is as good as sent).
      const at = events.findIndex((e) => !inFlightIds.has(e.id));
      if (at < 0) break;
      bytes -= sizeOf(events.splice(at, 1)[0]);
      drops += 1;
    }
  };
  // Queues left by earlier pages and by tabs gone quiet: adopted; every tab's
  // exposure keys: read, so no tab sends an exposure another one sent.
  const adopt = () => {
    if (!storage) return;
    for (const k of keysOf(storage, prefix)) {
      if (k === key) continue;
      let stored;
      try {
        stored = JSON.parse(storage.getItem(k));
        if (!stored || stored.schema !== SCHEMA || !Array.isArray(stored.events) || !Array.isArray(stored.seen)) throw new Error('not a queue');
      } catch {
        host.warn(`stored ${destination.type} queue could not be read; discarded`);
        storage.removeItem(k);
        continue;
      }
      if (stored.destination !== fingerprint) {
        storage.removeItem(k); // the destination changed: not ours to send
        continue;
      }
      for (const s of stored.seen) if (typeof s === 'string' && !seen.includes(s)) seen.push(s);
      const live = Date.now() - Number(stored.at) < ADOPT_AFTER_MS && stored.closed !== true;
      if (live) continue;
      const known = new Set(events.map((e) => e.id));
      for (const e of stored.events.map(checked)) if (e && !known.has(e.id)) add(e);
      drops += Math.min(Math.max(Number(stored.drops) || 0, 0), MAX_EVENTS * 100);
      storage.removeItem(k);
    }
    seen = seen.slice(-MAX_SEEN);
    persist();
  };

  const allows = (state) => destination.consent.length > 0 && destination.consent.every((c) => state?.[c] === true);

  // ------------------------------------------------------------------ sending
  const library = () => {
    const w = window;
    switch (destination.type) {
      case 'dataLayer':
        return (w.dataLayer = w.dataLayer || []);
      case 'gtag':
        return typeof w.gtag === 'function' ? w.gtag : null;
      case 'segment':
        return typeof w.analytics?.track === 'function' ? w.analytics : null;
      case 'rudderstack':
        return typeof w.rudderanalytics?.track === 'function' ? w.rudderanalytics : null;
      case 'posthog':
        return typeof w.posthog?.capture === 'function' ? w.posthog : null;
      default:
        return null;
    }
  };
  const sendOne = (to, e) => {
    const flat = flatten(e);
    const experiment = e.event === 'vitrine_exposure' && e.params.vitrine_kind === 'experiment';
    const name = e.event === 'vitrine_exposure' ? 'vitrine_exposure' : 'vitrine_goal';
    switch (destination.type) {
      case 'dataLayer': {
        const entry = Object.fromEntries(LAYER_KEYS.map((k) => [k, undefined]));
        to.push(Object.assign(entry, flat, { event: name }));
        break;
      }
      case 'gtag':
        if (experiment) to('event', 'experiment_viewed', { experiment_id: e.params.vitrine_id, variant_id: e.params.vitrine_variant, vitrine_event_id: e.id });
        else to('event', name, flat);
        break;
      case 'segment':
      case 'rudderstack':
        if (experiment) to.track('Experiment Viewed', { experiment_id: e.params.vitrine_id, variation_id: e.params.vitrine_variant, vitrine_event_id: e.id });
        else to.track(name, flat);
        break;
      case 'posthog':
        if (experiment) to.capture('$feature_flag_called', { $feature_flag: e.params.vitrine_id, $feature_flag_response: e.params.vitrine_variant, vitrine_event_id: e.id });
        else to.capture(name, flat);
        break;
    }
  };

  let url = null;
  try {
    url = destination.url ? new URL(destination.url, document.baseURI) : null;
  } catch {
    host.warn(`beacon ${destination.url} is not a URL; nothing is sent there`);
  }
  const sameOrigin = url && url.origin === location.origin;
  if (url && !sameOrigin && !destination.crossOrigin) {
    host.warn(`beacon ${destination.url} is on another origin; add "crossOrigin": true to send there`);
  }
  const usable = destination.type !== 'beacon' || Boolean(url && (sameOrigin || destination.crossOrigin));
  // Batches of at most `limit` events and MAX_REQUEST_BYTES, of what is not in flight.
  const batchOf = (list, limit) => {
    const batch = [];
    let size = 64;
    for (const e of list) {
      const s = sizeOf(e) + 1;
      if (batch.length >= limit || (batch.length > 0 && size + s > MAX_REQUEST_BYTES)) break;
      batch.push(e);
      size += s;
    }
    return batch;
  };
  const body = (batch, reported) => JSON.stringify({ sent_at: Date.now(), dropped: reported, events: batch });
  // The queue's byte count follows what leaves it (no re-measuring of what stays).
  const remove = (batch) => {
    const ids = new Set(batch.map((e) => e.id));
    const kept = [];
    for (const e of events) {
      if (ids.has(e.id)) bytes -= sizeOf(e);
      else kept.push(e);
    }
    events = kept;
  };
  const schedule = (ms) => {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = null;
      flush();
    }, ms);
  };
  // A library is called in a microtask: never inside the call that made the event
  // (a wrapper of dataLayer.push, the runtime's among them, may be on the stack).
  let queued = false;
  const soon = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      flush();
    });
  };
  const flushLibrary = () => {
    const to = library();
    if (!to) return schedule(1000); // its library has not loaded yet
    // One by one, each off the queue before it is handed over: a library that throws
    // loses that event (reported in debug mode), never repeats the others.
    whileSending(() => {
      while (events.length && open && !stopped) {
        const e = events.shift();
        bytes -= sizeOf(e);
        try {
          sendOne(to, e);
        } catch (error) {
          drops += 1;
          if (host.debug) console.error(`[vitrine] the ${destination.type} destination threw`, error);
        }
      }
    });
    persist();
    beat();
  };
  const flush = async () => {
    if (!open || !usable || stopped || events.length === 0) return;
    if (destination.type !== 'beacon') return flushLibrary();
    if (inFlight) return inFlight;
    const batch = batchOf(events, destination.batchSize);
    const reported = drops;
    const payload = body(batch, reported);
    const mine = generation;
    batch.forEach((e) => inFlightIds.add(e.id));
    // Another origin answers without CORS headers more often than not: an opaque
    // answer (no-cors) counts as sent, as a beacon's would.
    const options = sameOrigin
      ? { method: 'POST', body: payload, keepalive: payload.length < MAX_REQUEST_BYTES, headers: { 'content-type': 'text/plain;charset=UTF-8' }, credentials: 'same-origin' }
      : { method: 'POST', body: payload, keepalive: payload.length < MAX_REQUEST_BYTES, mode: 'no-cors', credentials: 'omit' };
    inFlight = fetch(url, options)
      .then((response) => {
        if (mine !== generation) return true; // dropped meanwhile (withdrawal, erase)
        const refused = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
        if (response.ok || response.type === 'opaque' || refused) {
          // Sent, or refused for good (retrying a malformed batch cannot help).
          if (refused) {
            host.warn(`beacon ${destination.url} refused a batch (HTTP ${response.status}); dropped`);
            drops += batch.length;
          } else drops = Math.max(0, drops - reported);
          remove(batch);
          attempt = 0;
          retryAt = 0;
          persist();
          return true;
        }
        throw new Error(`HTTP ${response.status}`);
      })
      .catch(() => {
        attempt += 1;
        return false;
      })
      .finally(() => {
        batch.forEach((e) => inFlightIds.delete(e.id));
        inFlight = null;
      });
    const ok = await inFlight;
    beat();
    if (!events.length || mine !== generation) return;
    if (ok) {
      if (events.length >= destination.batchSize) return flush();
      schedule(destination.flushMs);
    } else {
      // Exponential backoff with jitter: [0.5, 1] of min(base·2^n, max).
      const wait = Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS) * (0.5 + Math.random() / 2);
      retryAt = Date.now() + wait;
      schedule(wait);
    }
  };
  const unload = () => {
    leaving = true;
    if (!open || !usable || stopped) return persist();
    if (destination.type !== 'beacon') {
      flushLibrary();
      return persist();
    }
    // What is in flight with keepalive finishes on its own; the rest goes by beacon.
    let pending = events.filter((e) => !inFlightIds.has(e.id));
    let reported = drops;
    while (pending.length) {
      const batch = batchOf(pending, Infinity);
      let sent = false;
      try {
        sent = typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url, new Blob([body(batch, reported)], { type: 'text/plain;charset=UTF-8' }));
      } catch {
        sent = false;
      }
      if (!sent) break; // kept: the next page sends it
      remove(batch);
      drops = Math.max(0, drops - reported);
      reported = 0;
      pending = pending.slice(batch.length);
    }
    persist();
  };

  adopt();
  return {
    get open() {
      return open;
    },
    allows,
    push(entry, dedupeKey) {
      if (!open || stopped) return;
      leaving = false;
      if (dedupeKey !== undefined) {
        if (seen.includes(dedupeKey)) return;
        seen.push(dedupeKey);
        if (seen.length > MAX_SEEN) seen = seen.slice(-MAX_SEEN);
      }
      let e = entry;
      if (sizeOf(e) > MAX_EVENT_BYTES) {
        // Too big (a conversion with many exposures): the exposures go, the revenue stays.
        const { vitrine_exposures: _dropped, ...rest } = e.params;
        e = { ...e, params: { ...rest, truncated: true } };
        if (sizeOf(e) > MAX_EVENT_BYTES) e = { ...e, params: { truncated: true } };
      }
      add(e);
      persist();
      beat();
      if (destination.type !== 'beacon') soon();
      else if (events.length >= destination.batchSize && Date.now() >= retryAt) flush();
      else schedule(Date.now() < retryAt ? retryAt - Date.now() : destination.flushMs);
    },
    /** Follows the consent state; returns whether the lane just opened. */
    consent(state, unitless) {
      const now = allows(state);
      // Not (or no longer) allowed: this lane's queues, every tab's, gone at once.
      if (!now) dropAll();
      else if (unitless && (events.some((e) => e.unit !== null) || seen.length)) {
        // The id's own category was withdrawn: queued events lose it, and the keys go.
        events = events.map((e) => (e.unit === null ? e : { ...e, unit: null }));
        seen = [];
        persist();
      }
      const opened = now && !open;
      open = now;
      if (open && events.length) schedule(0);
      return opened;
    },
    erase() {
      dropAll();
    },
    back() {
      leaving = false;
      if (written) persist();
    },
    flush,
    unload,
    state() {
      return { type: destination.type, open, queued: events.length, bytes, drops };
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(heartbeat);
      persist();
    },
  };
}

/** GA4-style scalar parameters: the exposures as "kind:id[:variant]" joined by commas. */
function flatten(e) {
  const out = {};
  for (const [k, v] of Object.entries(e.params ?? {})) {
    if (k === 'vitrine_exposures' && Array.isArray(v)) out[k] = v.map((x) => [x?.kind, x?.id, x?.variant].filter((p) => p !== undefined).join(':')).join(',');
    else if (v === null || typeof v !== 'object') out[k] = v;
  }
  if (e.event !== 'vitrine_exposure') out.vitrine_goal = e.event;
  out.vitrine_event_id = e.id;
  return out;
}

function keysOf(storage, prefix) {
  const keys = [];
  for (let i = 0; i < storage.length; i++) {
    const k = storage.key(i);
    if (k?.startsWith(prefix)) keys.push(k);
  }
  return keys;
}
