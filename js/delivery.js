// vitrine's delivery part: exposures and goal conversions to the site's own
// pipeline (config `destinations`): GTM's dataLayer, gtag, Segment/RudderStack,
// PostHog, or a beacon URL of the site's collector. Loaded by runtime.js only when
// the config has destinations (the runtime checked the sections: js/delivery.js
// reads them as the runtime's `delivery()` writes them, defaults filled in).
//
// Each destination is a lane with its own queue, kept in localStorage under
// `vitrine:queue:<lane>:<tab>` (the runtime's storage skips those keys; `erase`
// deletes them with the rest). Nothing is queued for a lane whose consent
// categories are not all granted, and withdrawing one drops its queue at once.
// Bounded: 500 events and 256 KB per lane, the oldest dropped first and counted
// (the count travels with the next beacon batch). Exposures are sent once per
// visitor and variant, by a key kept with the queue, so a reload sends no repeat.
// A beacon sends batches (batchSize events or flushMs), retries with exponential
// backoff and jitter, and hands what is left to `sendBeacon` when the page is hidden
// or closed; a page closed before that leaves its queue stored, and the next page of
// the site sends it (a queue of a tab gone quiet for a minute is adopted). Every
// event has an id, so a collector can drop the rare repeat of a batch whose answer
// was lost (delivery is at least once).

const MAX_EVENTS = 500;
const MAX_BYTES = 256 * 1024;
/// What `sendBeacon` and `fetch(keepalive)` accept in flight is about 64 KB.
const MAX_REQUEST_BYTES = 60 * 1024;
const MAX_EVENT_BYTES = 8 * 1024;
const MAX_SEEN = 1000;
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;
const ADOPT_AFTER_MS = 60_000;
const KEY = 'vitrine:queue:';
const SCHEMA = 1;

const randomId = () => {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
};

/**
 * Starts delivering. `host` gives what the runtime knows: `unit()` (the id
 * experiments bucket on), `granted()` (the consent state), `exposed()` (the rules
 * and variants applied now), `warn(message)`, `debug`. Returns
 * `{exposure(detail), event(name, props), consent(), erase(), flush(), stop()}`.
 */
export function mountDelivery(spec, host) {
  const tab = randomId();
  const lanes = spec.destinations.map((destination, index) => lane(destination, index, tab, host));
  // Consent first: a goal of this very page view (a page goal) counts when granted.
  const granted = host.granted();
  lanes.forEach((l) => l.consent(granted));
  const goals = spec.goals;
  const active = () => lanes.some((l) => l.open);
  const firedThisPage = new Set();

  const record = (event, params) => {
    if (!active()) return;
    const unit = host.unit() ?? null;
    const entry = { id: randomId(), event, unit, time_ms: Date.now(), params };
    for (const l of lanes) l.push(entry);
  };
  const convert = (goal, params = {}) => {
    const exposures = host.exposed();
    record(goal.id, { ...params, vitrine_exposures: exposures });
  };
  const once = (goal, params) => {
    if (firedThisPage.has(goal.id)) return;
    firedThisPage.add(goal.id);
    convert(goal, params);
  };

  // Goals on events: track() names and dataLayer events (GTM objects and gtag's
  // argument lists). vitrine's own dataLayer events are never goals.
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
  const layer = (window.dataLayer = window.dataLayer || []);
  const seenEntries = new WeakSet();
  const readLayer = (entry) => {
    if (entry && typeof entry === 'object') {
      if (seenEntries.has(entry)) return;
      seenEntries.add(entry);
    }
    try {
      fromDataLayer(entry);
    } catch (error) {
      if (host.debug) console.error('[vitrine] a dataLayer entry could not be read for goals', error);
    }
  };
  // What the page pushed before this part loaded (a thank-you page's purchase).
  if (goals.some((g) => g.event)) Array.from(layer).forEach(readLayer);
  const originalPush = layer.push;
  const ourPush = function (...entries) {
    const result = originalPush.apply(this, entries);
    entries.forEach(readLayer);
    return result;
  };
  if (goals.some((g) => g.event)) layer.push = ourPush;

  // Goals on clicks, pages and dwell: once per page view.
  const onClick = (e) => {
    const target = e.target instanceof Element ? e.target : null;
    if (!target || !active()) return;
    for (const goal of goals) {
      if (goal.click && target.closest(goal.click)) once(goal);
    }
  };
  document.addEventListener('click', onClick, true);
  const checkPage = () => {
    const here = location.pathname + location.search;
    for (const goal of goals) {
      if (typeof goal.page === 'string' && new RegExp(goal.page).test(here)) once(goal);
    }
  };
  checkPage();
  const onNavigate = () => {
    for (const goal of goals) if (goal.page || goal.click || goal.dwell) firedThisPage.delete(goal.id);
    checkPage();
  };
  window.addEventListener('popstate', onNavigate);
  const dwellGoals = goals.filter((g) => g.dwell);
  const inView = new Set();
  const observer = dwellGoals.length && typeof IntersectionObserver === 'function'
    ? new IntersectionObserver((entries) => {
      for (const entry of entries) entry.isIntersecting ? inView.add(entry.target) : inView.delete(entry.target);
    })
    : null;
  const observed = new WeakSet();
  const dwelled = new Map(dwellGoals.map((g) => [g.id, 0]));
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
      if (document.visibilityState !== 'visible' || !active()) continue;
      if (Array.from(elements).some((el) => inView.has(el))) {
        const total = dwelled.get(goal.id) + elapsed;
        dwelled.set(goal.id, total);
        if (total >= goal.dwell.ms) once(goal, { dwell_ms: Math.round(total) });
      }
    }
  }, 250);

  // Hidden or closing: whatever is queued goes now.
  const onHide = () => {
    if (document.visibilityState === 'hidden') lanes.forEach((l) => l.unload());
  };
  const onPageHide = () => lanes.forEach((l) => l.unload());
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', onPageHide);

  const delivery = {
    exposure(detail) {
      if (!detail || !active()) return;
      const params = { vitrine_kind: detail.kind, vitrine_id: detail.id };
      if (detail.variant !== undefined) params.vitrine_variant = detail.variant;
      const unit = host.unit() ?? null;
      const key = `${unit}|${detail.kind}|${detail.id}|${detail.variant ?? ''}`;
      const entry = { id: randomId(), event: 'vitrine_exposure', unit, time_ms: Date.now(), params };
      for (const l of lanes) l.push(entry, key);
    },
    event(name, props) {
      for (const goal of eventGoals(String(name))) convert(goal, revenue(props));
    },
    consent() {
      const state = host.granted();
      for (const l of lanes) l.consent(state);
    },
    erase() {
      lanes.forEach((l) => l.erase());
    },
    flush() {
      return Promise.all(lanes.map((l) => l.flush()));
    },
    /** Per lane: its type, whether it may send, queued events, drops. */
    state() {
      return lanes.map((l) => l.state());
    },
    stop() {
      lanes.forEach((l) => l.stop());
      document.removeEventListener('click', onClick, true);
      window.removeEventListener('popstate', onNavigate);
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      if (layer.push === ourPush) layer.push = originalPush;
      if (dwellTimer) clearInterval(dwellTimer);
      observer?.disconnect();
    },
  };
  return delivery;
}

/** `value` and `currency` of a purchase-like event, when they are there. */
function revenue(params) {
  const out = {};
  if (!params || typeof params !== 'object') return out;
  const value = Number(params.value);
  if (params.value !== undefined && params.value !== null && Number.isFinite(value)) out.value = value;
  if (typeof params.currency === 'string') out.currency = params.currency.slice(0, 8);
  return out;
}

/** One destination: its queue, its consent, its sending. */
function lane(destination, index, tab, host) {
  const prefix = `${KEY}${index}:`;
  const key = `${prefix}${tab}`;
  const fingerprint = `${destination.type} ${destination.url ?? ''}`;
  let events = [];
  let bytes = 0;
  let drops = 0;
  let seen = [];
  let open = false;
  let timer = null;
  let inFlight = null;
  let attempt = 0;
  let stopped = false;
  // Set when the page is hidden or closing: the next page adopts the queue at once.
  let leaving = false;
  const sizeOf = (e) => JSON.stringify(e).length;
  const storage = (() => {
    try {
      return window.localStorage;
    } catch {
      return null;
    }
  })();

  const persist = () => {
    if (!storage) return;
    try {
      if (events.length === 0 && drops === 0 && seen.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify({ schema: SCHEMA, destination: fingerprint, at: Date.now(), closed: leaving, events, drops, seen }));
    } catch (error) {
      host.warn(`could not keep the ${destination.type} queue (${error?.name ?? error}); it lives in this page only`);
    }
  };
  const dropAll = () => {
    events = [];
    bytes = 0;
    drops = 0;
    seen = [];
    clearTimeout(timer);
    timer = null;
    if (!storage) return;
    for (const k of keysOf(storage, prefix)) storage.removeItem(k);
  };
  const add = (entry) => {
    const size = sizeOf(entry);
    events.push(entry);
    bytes += size;
    while (events.length > MAX_EVENTS || bytes > MAX_BYTES) {
      bytes -= sizeOf(events.shift());
      drops += 1;
    }
  };
  // Queues left by this tab's earlier pages and by tabs gone quiet: adopted.
  const adopt = () => {
    if (!storage) return;
    for (const k of keysOf(storage, prefix)) {
      let stored;
      try {
        stored = JSON.parse(storage.getItem(k));
        if (!stored || stored.schema !== SCHEMA || !Array.isArray(stored.events)) throw new Error('not a queue');
      } catch {
        host.warn(`stored ${destination.type} queue could not be read; discarded`);
        storage.removeItem(k);
        continue;
      }
      if (stored.destination !== fingerprint) {
        storage.removeItem(k); // the config's destination changed: not ours to send
        continue;
      }
      if (k !== key && Date.now() - Number(stored.at) < ADOPT_AFTER_MS && !stored.closed) continue;
      const known = new Set(events.map((e) => e.id));
      for (const e of stored.events) {
        if (e && typeof e.id === 'string' && typeof e.event === 'string' && !known.has(e.id)) add(e);
      }
      drops += Number(stored.drops) || 0;
      for (const s of Array.isArray(stored.seen) ? stored.seen : []) if (typeof s === 'string' && !seen.includes(s)) seen.push(s);
      storage.removeItem(k);
    }
    seen = seen.slice(-MAX_SEEN);
    persist();
  };

  const allowed = (state) => destination.consent.every((c) => state?.[c] === true);

  // ------------------------------------------------------------------ sending
  const send = (batch) => {
    if (destination.type === 'beacon') return null; // batched: see flush()
    const w = window;
    for (const e of batch) {
      const flat = flatten(e);
      switch (destination.type) {
        case 'dataLayer':
          (w.dataLayer = w.dataLayer || []).push({ event: e.event === 'vitrine_exposure' ? 'vitrine_exposure' : 'vitrine_goal', ...flat });
          break;
        case 'gtag':
          if (typeof w.gtag !== 'function') return false;
          if (e.event === 'vitrine_exposure' && e.params.vitrine_kind === 'experiment') {
            w.gtag('event', 'experiment_viewed', { experiment_id: e.params.vitrine_id, variant_id: e.params.vitrine_variant, vitrine_event_id: e.id });
          } else w.gtag('event', e.event === 'vitrine_exposure' ? 'vitrine_exposure' : 'vitrine_goal', flat);
          break;
        case 'segment':
        case 'rudderstack': {
          const analytics = destination.type === 'segment' ? w.analytics : (w.rudderanalytics ?? w.analytics);
          if (typeof analytics?.track !== 'function') return false;
          if (e.event === 'vitrine_exposure' && e.params.vitrine_kind === 'experiment') {
            analytics.track('Experiment Viewed', { experiment_id: e.params.vitrine_id, variation_id: e.params.vitrine_variant, vitrine_event_id: e.id });
          } else analytics.track(e.event === 'vitrine_exposure' ? 'vitrine_exposure' : 'vitrine_goal', flat);
          break;
        }
        case 'posthog':
          if (typeof w.posthog?.capture !== 'function') return false;
          if (e.event === 'vitrine_exposure' && e.params.vitrine_kind === 'experiment') {
            w.posthog.capture('$feature_flag_called', { $feature_flag: e.params.vitrine_id, $feature_flag_response: e.params.vitrine_variant, vitrine_event_id: e.id });
          } else w.posthog.capture(e.event === 'vitrine_exposure' ? 'vitrine_exposure' : 'vitrine_goal', flat);
          break;
        default:
          return false;
      }
    }
    return true;
  };

  const url = destination.url ? new URL(destination.url, document.baseURI) : null;
  const sameOrigin = url && url.origin === location.origin;
  if (url && !sameOrigin && !destination.crossOrigin) {
    host.warn(`beacon ${destination.url} is on another origin; add "crossOrigin": true to send there`);
  }
  const usable = destination.type !== 'beacon' || (url && (sameOrigin || destination.crossOrigin));
  // Batches of at most batchSize events and MAX_REQUEST_BYTES.
  const nextBatch = (limit) => {
    const batch = [];
    let size = 64;
    for (const e of events) {
      const s = sizeOf(e) + 1;
      if (batch.length >= limit || (batch.length > 0 && size + s > MAX_REQUEST_BYTES)) break;
      batch.push(e);
      size += s;
    }
    return batch;
  };
  const body = (batch) => JSON.stringify({ sent_at: Date.now(), dropped: drops, events: batch });
  const remove = (batch) => {
    const ids = new Set(batch.map((e) => e.id));
    events = events.filter((e) => !ids.has(e.id));
    bytes = events.reduce((n, e) => n + sizeOf(e), 0);
  };
  const schedule = (ms) => {
    if (timer || stopped) return;
    timer = setTimeout(() => {
      timer = null;
      flush();
    }, ms);
  };
  const flush = async () => {
    if (!open || !usable || stopped || events.length === 0) return;
    if (destination.type !== 'beacon') {
      const batch = events.slice();
      let ok = false;
      try {
        ok = send(batch);
      } catch (error) {
        if (host.debug) console.error(`[vitrine] the ${destination.type} destination threw`, error);
      }
      if (ok) {
        remove(batch);
        persist();
      } else schedule(1000); // its library has not loaded yet
      return;
    }
    if (inFlight) return inFlight;
    const batch = nextBatch(destination.batchSize);
    const payload = body(batch);
    const reported = drops;
    inFlight = fetch(url, { method: 'POST', body: payload, keepalive: payload.length < MAX_REQUEST_BYTES, headers: { 'content-type': 'text/plain;charset=UTF-8' }, credentials: sameOrigin ? 'same-origin' : 'omit' })
      .then((response) => {
        if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)) {
          // Sent, or refused for good (retrying a malformed batch cannot help).
          if (!response.ok) {
            host.warn(`beacon ${destination.url} refused a batch (HTTP ${response.status}); dropped`);
            drops += batch.length;
          }
          drops -= response.ok ? reported : 0;
          remove(batch);
          attempt = 0;
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
        inFlight = null;
      });
    const ok = await inFlight;
    if (!events.length) return;
    if (ok) {
      if (events.length >= destination.batchSize) return flush();
      schedule(destination.flushMs);
    } else {
      // Exponential backoff with jitter: [0.5, 1] of min(base·2^n, max).
      const ceiling = Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
      schedule(ceiling * (0.5 + Math.random() / 2));
    }
  };
  const unload = () => {
    leaving = true;
    if (!open || !usable || stopped) return persist();
    if (destination.type !== 'beacon') return flush();
    // What is in flight with keepalive finishes on its own; the rest goes by beacon.
    let pending = inFlight ? events.slice(nextBatch(destination.batchSize).length) : events.slice();
    while (pending.length) {
      const batch = [];
      let size = 64;
      for (const e of pending) {
        const s = sizeOf(e) + 1;
        if (batch.length > 0 && size + s > MAX_REQUEST_BYTES) break;
        batch.push(e);
        size += s;
      }
      let sent = false;
      try {
        sent = typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url, new Blob([body(batch)], { type: 'text/plain;charset=UTF-8' }));
      } catch {
        sent = false;
      }
      if (!sent) break; // kept: the next page sends it
      remove(batch);
      drops = 0;
      pending = pending.slice(batch.length);
    }
    persist();
  };

  adopt();
  return {
    get open() {
      return open;
    },
    push(entry, dedupeKey) {
      if (!open || stopped) return;
      leaving = false;
      if (dedupeKey !== undefined) {
        if (seen.includes(dedupeKey)) return;
        seen.push(dedupeKey);
        if (seen.length > MAX_SEEN) seen = seen.slice(-MAX_SEEN);
      }
      add(sizeOf(entry) > MAX_EVENT_BYTES ? { ...entry, params: { truncated: true } } : entry);
      persist();
      if (destination.type !== 'beacon' || events.length >= destination.batchSize) flush();
      else schedule(destination.flushMs);
    },
    consent(state) {
      const now = allowed(state);
      // Withdrawal (or a stored queue whose consent is gone): dropped with its keys, at once.
      if (!now && (open || events.length || seen.length || drops)) dropAll();
      open = now;
      if (open && events.length) schedule(0);
    },
    erase() {
      dropAll();
    },
    flush,
    unload,
    state() {
      return { type: destination.type, open, queued: events.length, bytes, drops };
    },
    stop() {
      persist();
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** GA4-style scalar parameters: the exposures as "kind:id[:variant]" joined by commas. */
function flatten(e) {
  const out = e.event === 'vitrine_exposure' ? { vitrine_event_id: e.id } : { vitrine_goal: e.event, vitrine_event_id: e.id };
  for (const [k, v] of Object.entries(e.params ?? {})) {
    if (k === 'vitrine_exposures' && Array.isArray(v)) out[k] = v.map((x) => [x.kind, x.id, x.variant].filter((p) => p !== undefined).join(':')).join(',');
    else if (v === null || typeof v !== 'object') out[k] = v;
  }
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
