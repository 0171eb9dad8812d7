// vitrine's runtime entry: what the script-tag loader imports after the first
// swap, and what the npm package's entry (js/index.js) re-exports.
//
// A thin, hand-written layer over the wasm-bindgen output (vitrine_core.js): it
// loads the wasm once, fetches a config given by URL, and shapes the instance into
// the idiomatic nested API (v.cart.add, v.consent.set, v.on). Every decision is made
// in the wasm; nothing here inspects the visitor.
import initWasm, { Vitrine, hash as hashCore, registerErrorClasses } from './vitrine_core.js';

// vitrine's error classes, defined here once: the wasm constructs them for its own
// errors (handed over by `registerErrorClasses` at init) and the script-tag loader
// exposes them as `window.VitrineError` / `window.VitrineConfigError`, so
// `error instanceof VitrineConfigError` holds whichever part raised the error.
/** Misuse of the API (a bad cart item, an unknown consent category, a stopped instance). */
export class VitrineError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'VitrineError';
  }
}

/** An invalid config: `errors` lists every problem as `{path, message}`; the page was left untouched. */
export class VitrineConfigError extends VitrineError {
  constructor(message, errors = [], options) {
    super(message, options);
    this.name = 'VitrineConfigError';
    this.errors = errors;
  }
}

let loading = null;
let ready = false;

/**
 * Loads and instantiates the wasm module (once). In browsers and bundlers the
 * default location next to this file is used; in Node pass the bytes:
 * `await init(await readFile(new URL('./vitrine_core_bg.wasm', import.meta.resolve('vitrine'))))`.
 */
export function init(wasm) {
  if (!loading) {
    const source = wasm ?? new URL('./vitrine_core_bg.wasm', import.meta.url);
    loading = initWasm({ module_or_path: source }).then(
      () => {
        registerErrorClasses(VitrineError, VitrineConfigError);
        ready = true;
      },
      (error) => { loading = null; throw vitrineError(`could not load the wasm module: ${error?.message ?? error}`); },
    );
  }
  return loading;
}

function vitrineError(message) {
  return new VitrineError(`vitrine: ${message}`);
}

function configError(message) {
  return new VitrineConfigError(`vitrine: invalid config: ${message}`, [{ path: '', message }]);
}

async function loadConfig(config) {
  if (config && typeof config === 'object' && !(config instanceof URL)) return config;
  if (typeof config !== 'string' && !(config instanceof URL)) {
    throw vitrineError('start({ config }) needs a config object or the URL of a JSON config');
  }
  const url = new URL(config, globalThis.document?.baseURI ?? undefined);
  let response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (error) {
    throw vitrineError(`could not fetch the config from ${url}: ${error?.message ?? error}`);
  }
  if (!response.ok) throw vitrineError(`could not fetch the config from ${url}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch (error) {
    throw configError(`${url} is not valid JSON (${error?.message ?? error})`);
  }
}

/**
 * A config whose bandit experiments (`bandit.posterior`) have their weights from
 * their posterior files (js/bandit.js, loaded only for them; fetched together).
 * A posterior that cannot be fetched or read leaves the config's weights, with a
 * warning: the page never waits on a bandit for more than its fetch.
 */
const BANDIT_TIMEOUT_MS = 2000;
async function withBanditWeights(json, warnings) {
  const experiments = Array.isArray(json?.experiments) ? json.experiments : [];
  const bandits = experiments.filter((e) => e && typeof e === 'object' && e.bandit && typeof e.bandit.posterior === 'string' && Array.isArray(e.variants) && e.variants.every((v) => v && typeof v === 'object'));
  if (bandits.length === 0 || typeof fetch !== 'function') return json;
  const [part, ...posteriors] = await Promise.all([
    import('./bandit.js').catch((error) => ({ failed: error?.message ?? String(error) })),
    ...bandits.map(async (e) => {
      try {
        // A posterior that does not come in 2 s is not waited for.
        const signal = typeof AbortSignal?.timeout === 'function' ? AbortSignal.timeout(BANDIT_TIMEOUT_MS) : undefined;
        const response = await fetch(new URL(e.bandit.posterior, globalThis.document?.baseURI ?? undefined), { credentials: 'same-origin', signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return await response.json();
      } catch (error) {
        return { failed: error?.message ?? String(error) };
      }
    }),
  ]);
  if (part.failed) {
    warnings.push(`bandits: the bandit part could not be loaded (${part.failed}); the config's weights are used`);
    return json;
  }
  const { weightsFromPosterior } = part;
  const weighted = new Map();
  bandits.forEach((e, i) => {
    const posterior = posteriors[i];
    const { weights, problem } = posterior?.failed
      ? { problem: `could not fetch ${e.bandit.posterior} (${posterior.failed})` }
      : weightsFromPosterior(posterior, e, { floor: typeof e.bandit.floor === 'number' ? e.bandit.floor : undefined });
    if (problem) warnings.push(`bandit "${e.id}": ${problem}; the config's weights are used`);
    else weighted.set(e, weights);
  });
  if (weighted.size === 0) return json;
  return {
    ...json,
    experiments: experiments.map((e) => (weighted.has(e) ? { ...e, variants: e.variants.map((v, i) => ({ ...v, weight: weighted.get(e)[i] })) } : e)),
  };
}

/**
 * Starts vitrine on this page. Resolves to the instance; rejects with a
 * `VitrineConfigError` (its `errors` lists `{path, message}`) when the config is
 * invalid, in which case the page is left exactly as it was.
 */
export async function start(options = {}) {
  // `preview` (internal, the editor's): this start is not a page view; with it,
  // `simulate` (an attribute object) is laid over the visitor's ("preview as a visitor").
  // `applier` (internal, the loader's, not in index.d.ts): the factory of
  // js/applier.js the page already has; otherwise the runtime loads its own copy,
  // beside the wasm. Its methods are called from inside the wasm and must never
  // throw, which is why a site cannot pass its own.
  const { config, debug = false, wasm, on = {}, handover, preview = false, simulate, applier } = options;
  const [, createApplier] = await Promise.all([
    init(wasm),
    typeof applier === 'function' ? applier : import('./applier.js').then((m) => m.createApplier),
  ]);
  const startWarnings = [];
  const loaded = await loadConfig(config);
  const json = await withBanditWeights(loaded, startWarnings);
  const listeners = new Map();
  // Callbacks given to start() also see the events of the start itself (the
  // exposures of rules applied on load, warnings about stored data).
  for (const [name, callback] of Object.entries(on)) {
    if (typeof callback !== 'function') throw vitrineError(`start({ on }): "${name}" must be a function`);
    // An editor's preview is nobody's exposure.
    if (!(preview && name === 'exposure')) listeners.set(name, new Set([callback]));
  }
  const emit = (name, detail) => {
    // The runtime's pop-up requests go to the UI part, not to the site.
    if (name === 'prompt:show' || name === 'prompt:close') return prompts.handle(name, detail);
    for (const callback of [...(listeners.get(name) ?? [])]) {
      try {
        callback(detail);
      } catch (error) {
        // A failing site callback must never break vitrine or the page.
        if (debug) console.error(`[vitrine] a "${name}" callback threw`, error);
      }
    }
  };
  const prompts = promptHost(() => (stopped ? null : core), emit, debug, (text, options) => sentiment(text, options));
  // A large catalog is read after start, in chunks between tasks, so starting
  // never blocks the page for long (recommendations appear once it is in).
  const catalog = json?.catalog;
  const chunked = catalog && typeof catalog === 'object' && Array.isArray(catalog.products) && catalog.products.length > CHUNK;
  const withoutCatalog = () => {
    const { catalog: _later, ...rest } = json;
    return rest;
  };
  if (handover !== undefined && typeof handover !== 'function') throw vitrineError('start({ handover }) must be a function');
  const given = chunked ? withoutCatalog() : json;
  // Exposures of the start itself are kept for the delivery part, which loads
  // after it (only for a config with destinations).
  const delivering = typeof document !== 'undefined' && Array.isArray(given?.destinations) && given.destinations.length > 0;
  // Each kept with the consent state of its moment: replayed only to destinations
  // allowed then and now. An erase empties it.
  let beforeDelivery = [];
  const keepExposure = (detail) => beforeDelivery.push({ kind: 'exposure', args: [detail], at: core?.consentGet() });
  const forgetKept = () => { beforeDelivery = []; };
  if (delivering) {
    for (const [name, fn] of [['exposure', keepExposure], ['erase', forgetKept]]) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(fn);
    }
  }
  let core;
  try {
    // The runtime builds the details of apply/revert/exposure only for a listener.
    const listening = (name) => (listeners.get(name)?.size ?? 0) > 0;
    core = Vitrine.start(given, emit, Boolean(debug), handover, listening, Boolean(preview), preview ? simulate : undefined, createApplier());
  } catch (error) {
    // The runtime knows a config is invalid and where, not the words for it.
    throw error instanceof VitrineConfigError ? await worded(given, error) : error;
  }
  for (const message of startWarnings) {
    if (debug) console.warn(`[vitrine] ${message}`);
    emit('warning', { message });
  }
  let stopped = false;
  const live = (fn) => (...args) => {
    if (stopped) throw vitrineError('this vitrine was stopped');
    return fn(...args);
  };
  const sentiment = async (text, { language } = {}) => {
    // Scored on its first 2,000 characters; an empty text is not an answer.
    text = String(text ?? '').slice(0, 2000);
    if (!text.trim()) return { score: 0, label: 'neutral', recorded: false };
    const code = String(language ?? pageLanguage());
    const part = await sentimentPart();
    await loadLexicon(part, code);
    if (stopped) throw vitrineError('this vitrine was stopped');
    const thousandths = part.score(text, code);
    const score = thousandths / 1000;
    const label = score >= 0.05 ? 'positive' : score <= -0.05 ? 'negative' : 'neutral';
    return { score, label, recorded: core.recordSentiment(thousandths) };
  };
  const setAll = (granted) => {
    const changes = {};
    for (const category of Object.keys(core.consentGet())) changes[category] = granted;
    return core.consentSet(changes, 'api');
  };
  const instance = {
    track: live((name, props) => {
      const counted = core.track(String(name ?? ''), props);
      if (delivering) {
        try {
          // What a goal reads of the props, copied now (the site may change its object).
          toDelivery('event', String(name ?? ''), props && typeof props === 'object' ? { value: props.value, currency: props.currency } : undefined);
        } catch (error) {
          if (debug) console.error('[vitrine] a goal could not be recorded', error);
        }
      }
      return counted;
    }),
    identify: live((id, traits) => core.identify(id, traits)),
    storage: live(() => core.storage()),
    cart: {
      add: live((item) => core.cartAdd(item)),
      remove: live((id) => core.cartRemove(String(id))),
      set: live((items) => core.cartSet(items)),
      clear: live(() => core.cartSet([])),
      get: live(() => core.cartGet()),
    },
    consent: {
      get: live(() => core.consentGet()),
      info: live(() => core.consentInfo()),
      set: live((changes) => core.consentSet(changes, 'api')),
      acceptAll: live(() => setAll(true)),
      rejectAll: live(() => setAll(false)),
    },
    profile: {
      export: live(() => core.profileExport()),
      erase: live(() => core.profileErase()),
    },
    /**
     * The sentiment of a text the visitor wrote (`{score, label, recorded}`, score
     * in [-1, 1]); recorded as `feedback.sentiment` where `signals.feedback`'s
     * category is granted. The text is never kept. The first call per language
     * fetches its lexicon (`sentiment-pt-br.tsv` / `sentiment-en.tsv`).
     */
    sentiment: live((text, options) => sentiment(text, options)),
    feedback: {
      /**
       * A survey's answer: `{survey, nps?, csat?, ces?, text?, language?}`. The
       * scores become `feedback.nps` (and `nps_group`), `feedback.csat`,
       * `feedback.ces` and `feedback.<survey>.answered`; an open `text` is scored
       * on the device (`feedback.sentiment`) and never kept. Resolves to
       * `{recorded, sentiment?}`; emits `survey_answered` (without the text).
       */
      answer: live(async (answer) => {
        const { text, language, ...scores } = answer ?? {};
        const recorded = core.feedbackAnswer(scores);
        const result = { recorded };
        if (typeof text === 'string' && text.trim()) {
          try {
            result.sentiment = await sentiment(text, { language });
          } catch (error) {
            // The scores are recorded whatever happens to the text's scoring.
            if (debug) console.error('[vitrine] the answer\'s text could not be scored', error);
          }
        }
        emit('survey_answered', { ...scores, language: language ?? pageLanguage(), sentiment: result.sentiment?.label ?? null, recorded });
        return result;
      }),
    },
    attributes: live(() => core.attributes()),
    applied: live(() => core.applied()),
    changed: live(() => core.changed()),
    decisions: live(() => core.decisions()),
    refresh: live(() => core.refresh()),
    on(name, callback) {
      if (typeof callback !== 'function') throw vitrineError('on(name, callback): callback must be a function');
      const set = listeners.get(name) ?? new Set();
      set.add(callback);
      listeners.set(name, set);
      return () => set.delete(callback);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      removeOverlay?.();
      removeConsentUi?.();
      prompts.closeAll();
      delivery?.stop();
      core.stop();
      core.free();
      listeners.clear();
    },
  };
  instance.catalogReady = chunked ? readCatalog(catalog, core, () => stopped) : Promise.resolve();
  // Delivery to the site's pipeline (js/delivery.js), for a config with destinations.
  let delivery = null;
  let deliveryFailed = false;
  // The start's own exposures happened under the consent state the start left.
  const atStart = delivering ? core.consentGet() : undefined;
  for (const item of beforeDelivery) item.at ??= atStart;
  const toDelivery = (kind, ...args) => {
    if (deliveryFailed) return;
    if (delivery) delivery[kind](...args);
    else beforeDelivery.push({ kind, args, at: core.consentGet() });
  };
  const abandonDelivery = (error) => {
    deliveryFailed = true;
    delivery = null;
    beforeDelivery = [];
    listeners.get('exposure')?.delete(keepExposure);
    listeners.get('erase')?.delete(forgetKept);
    console.error('[vitrine] could not load the delivery part', error);
  };
  instance.delivery = {
    /** Sends what is queued now (resolves when the beacons answered). */
    flush: () => delivery?.flush() ?? Promise.resolve(),
    /** Per destination: `{type, open, queued, bytes, drops}`. */
    state: () => delivery?.state() ?? [],
  };
  instance.deliveryReady = !delivering ? Promise.resolve() : import('./delivery.js').then(
    (m) => {
      if (stopped) return;
      try {
      delivery = m.mountDelivery(core.delivery(), {
        unit: () => core.unit(),
        granted: () => core.consentGet(),
        // What a conversion carries: the rules and experiment variants applied now.
        exposed: () => core.decisions().filter((d) => d.applied).map(({ kind, id, variant }) => (variant === undefined ? { kind, id } : { kind, id, variant })),
        warn: (message) => {
          if (debug) console.warn(`[vitrine] ${message}`);
          emit('warning', { message });
        },
        debug: Boolean(debug),
      });
      } catch (error) {
        return abandonDelivery(error);
      }
      listeners.get('exposure')?.delete(keepExposure);
      listeners.get('erase')?.delete(forgetKept);
      instance.on('exposure', (detail) => delivery?.exposure(detail));
      instance.on('consent', () => delivery?.consent());
      instance.on('erase', () => delivery?.erase());
      const kept = beforeDelivery;
      beforeDelivery = [];
      for (const { kind, args, at } of kept) {
        if (kind === 'exposure') delivery.exposure(args[0], at);
        else delivery.event(args[0], args[1], at);
      }
    },
    abandonDelivery,
  );
  let removeOverlay = null;
  let removeConsentUi = null;
  // The config's consent.ui (true or {language}; the runtime accepted it above),
  // read here rather than through consentInfo(), which lists every category's rules.
  if (typeof document !== 'undefined' && given.consent?.ui) {
    // The built-in banner and panel, loaded only when the config asks for them.
    const mount = () => import('./consent-ui.js').then(
      (m) => {
        if (stopped) return;
        removeConsentUi = m.mountConsentUi({
          info: () => core.consentInfo(),
          choose: (changes) => core.consentSet(changes, 'panel'),
          hasChosen: () => core.consentInfo().explicit.length > 0,
          onConsent: (callback) => {
            const offs = ['consent', 'erase'].map((name) => instance.on(name, callback));
            return () => offs.forEach((off) => off());
          },
        });
      },
      (error) => console.error('[vitrine] could not load the consent panel', error),
    );
    if (document.body) mount();
    else document.addEventListener('DOMContentLoaded', mount, { once: true });
  }
  if (hasPopup(json)) prompts.preload();
  if (typeof document !== 'undefined' && /[?&]vitrine_edit=1(&|$)/.test(location.search)) {
    editor.current = instance;
    if (!editor.mounted) {
      editor.mounted = true;
      // On demand: the editor's code is never part of a normal page load.
      import('./editor.js').then(
        (m) => m.mountEditor({
          // As written: the bandit's weights are the page's, not the owner's.
          config: loaded,
          validate: validateConfig,
          // A preview is a new vitrine with the edited config; discard starts the original again.
          // `between()` runs while no vitrine runs (the editor sets the URL's `vitrine_force` then).
          restart: async (next, simulate, between) => {
            const old = editor.current;
            old.stop();
            between?.();
            const started = await start({ ...options, config: next, handover: undefined, preview: true, simulate });
            if (globalThis.vitrine === old) globalThis.vitrine = started;
            return started;
          },
        }),
        (error) => console.error('[vitrine] could not load the editor', error),
      );
    }
  }
  if (wantsOverlay()) {
    // On demand: the overlay's code is never part of a normal page load.
    import('./overlay.js').then(
      (m) => { if (!stopped) removeOverlay = m.showOverlay(instance, { experiments: json.experiments ?? [] }); },
      (error) => debug && console.error('[vitrine] could not load the debug overlay', error),
    );
  }
  return instance;
}

// `?vitrine_edit=1`: the editor, mounted once per page; `current` is the vitrine a
// preview replaces.
const editor = { mounted: false, current: null };

// The pop-ups' UI part (prompt-ui.js), fetched once per page: when the page is
// idle after start if the config has a pop-up, or when one is about to show.
let promptUi = null;
const loadPromptUi = () => (promptUi ??= import('./prompt-ui.js').catch((error) => {
  promptUi = null;
  throw error;
}));

function hasPopup(config) {
  const rules = Array.isArray(config?.rules) ? config.rules : [];
  return rules.some((r) => Array.isArray(r?.actions) && r.actions.some((a) => a?.op === 'popup' || a?.op === 'survey'));
}

/**
 * Shows and closes the pop-ups and surveys the runtime asks for (`prompt:show`
 * with the sanitized fragment, `prompt:close`), reports the visitor's close and a
 * survey's answers back to the runtime, and the site's events: `popup_shown`,
 * `popup_dismissed` (with `how`), `popup_click`; `survey_shown`,
 * `survey_answered` (when the thank-you step shows), `survey_dismissed` (closed
 * before it). A text answer is scored for sentiment on the device and only its
 * label is kept; the text reaches `survey_answered` only when the question says
 * `keepText`.
 */
function promptHost(core, emit, debug, sentiment) {
  const report = (what) => (error) => debug && console.error(`[vitrine] ${what}`, error);
  const surveyHooks = (rule, survey) => {
    const sentiments = [];
    let finished = false;
    let recorded = false;
    return {
      onAnswer(question, value, language) {
        const text = question.type === 'text';
        try {
          // The engine never sees the text: only that the question was answered.
          recorded = core()?.surveyAnswer(rule, question.id, text ? '' : value) ?? false;
        } catch (error) {
          report('a survey answer was refused')(error);
          return;
        }
        if (text) sentiments.push(sentiment(value, { language }).catch(report('could not score a survey answer')));
      },
      onDone(answers, language) {
        finished = true;
        Promise.all(sentiments).then((scored) => {
          const labels = scored.filter(Boolean).map((s) => s.label);
          const keep = new Set(survey.questions.filter((q) => q.keepText).map((q) => q.id));
          const detail = { rule, survey: survey.survey, language, sentiment: labels.at(-1) ?? null, recorded };
          detail.answers = answers.map((a) => (a.type === 'text' && !keep.has(a.question) ? { ...a, value: null } : a));
          for (const a of answers) if (a.type === 'nps' || a.type === 'csat' || a.type === 'ces') detail[a.type] = a.value;
          emit('survey_answered', detail);
        });
      },
      closed(how, answered) {
        if (!finished) emit('survey_dismissed', { rule, survey: survey.survey, how, answered });
      },
    };
  };
  const open = new Map();
  return {
    handle(name, detail) {
      const rule = detail?.rule;
      if (name === 'prompt:close') {
        const close = open.get(rule);
        open.delete(rule);
        if (typeof close === 'function') close();
        return;
      }
      const pending = {};
      open.set(rule, pending);
      loadPromptUi().then(
        (ui) => {
          // Closed by the runtime (or stopped) before the UI arrived.
          if (open.get(rule) !== pending || !core()) return;
          const survey = detail.survey ? surveyHooks(rule, detail.survey) : null;
          const close = ui.showPrompt(detail, {
            onClose: (how, answered) => {
              open.delete(rule);
              if (survey) survey.closed(how, answered);
              else emit('popup_dismissed', { rule, how });
              core()?.promptClosed(rule);
            },
            onClick: (click) => emit('popup_click', { rule, ...click }),
            onAnswer: survey?.onAnswer,
            onDone: survey?.onDone,
          });
          open.set(rule, close);
          if (survey) emit('survey_shown', { rule, survey: detail.survey.survey, display: detail.display });
          else emit('popup_shown', { rule, display: detail.display });
        },
        (error) => {
          open.delete(rule);
          if (debug) console.error('[vitrine] could not load the pop-up UI', error);
        },
      );
    },
    preload() {
      const idle = globalThis.requestIdleCallback ?? ((fn) => setTimeout(fn, 200));
      idle(() => loadPromptUi().catch(() => {}));
    },
    closeAll() {
      for (const close of open.values()) if (typeof close === 'function') close();
      open.clear();
    },
  };
}

// The sentiment part (its own small wasm) and the lexicons, each fetched once per
// page whatever instance asks, and only when sentiment() is called.
let sentimentLoading = null;
function sentimentPart() {
  sentimentLoading ??= import('./vitrine_sentiment.js')
    .then(async (part) => {
      await part.default({ module_or_path: new URL('./vitrine_sentiment_bg.wasm', import.meta.url) });
      return part;
    })
    .catch((error) => {
      sentimentLoading = null;
      throw vitrineError(`could not load the sentiment part: ${error?.message ?? error}`);
    });
  return sentimentLoading;
}

const lexicons = new Map();
function loadLexicon(part, code) {
  if (part.hasLexicon(code)) return Promise.resolve();
  const file = code.toLowerCase().startsWith('pt') ? 'sentiment-pt-br.tsv' : 'sentiment-en.tsv';
  if (!lexicons.has(file)) {
    const url = new URL(`./${file}`, import.meta.url);
    lexicons.set(file, fetch(url).then(
      async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        // A page served instead of the file (an SPA fallback) has no tokens.
        if (part.loadLexicon(code, await response.text()) === 0) throw new Error('not a lexicon');
      },
    ).catch((error) => {
      lexicons.delete(file);
      throw vitrineError(`could not load the sentiment lexicon ${file}: ${error?.message ?? error}`);
    }));
  }
  return lexicons.get(file);
}

function pageLanguage() {
  if (typeof document !== 'undefined' && document.documentElement?.lang) return document.documentElement.lang;
  return typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en';
}

const CHUNK = 250;
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

async function readCatalog(catalog, core, stopped) {
  const products = catalog.products;
  const pairs = Array.isArray(catalog.complements) ? catalog.complements : [];
  for (let i = 0; i < products.length; i += CHUNK) {
    await yieldToPage();
    if (stopped()) return;
    core.catalogAdd(products.slice(i, i + CHUNK), []);
  }
  for (let i = 0; i < pairs.length; i += CHUNK * 10) {
    await yieldToPage();
    if (stopped()) return;
    core.catalogAdd([], pairs.slice(i, i + CHUNK * 10));
  }
  await yieldToPage();
  if (stopped()) return;
  core.catalogFinish();
  await yieldToPage();
  if (!stopped()) core.refresh();
}

/** `?vitrine_debug=1`, or `localStorage.vitrine_debug = "1"` (outside vitrine's namespace). */
function wantsOverlay() {
  if (typeof document === 'undefined' || typeof location === 'undefined') return false;
  if (/[?&]vitrine_debug=1(&|$)/.test(location.search)) return true;
  try {
    return globalThis.localStorage?.getItem('vitrine_debug') === '1';
  } catch {
    return false;
  }
}

function assertReady(name) {
  if (!ready) throw vitrineError(`call \`await init()\` before ${name}()`);
}

/**
 * Checks a config without starting: resolves to `{ok, errors: [{path, message}]}`.
 * Needs no `init()`: it loads the validator part (in Node from the file next to
 * this one; pass `{ wasm }` with its bytes or URL to choose).
 */
export async function validateConfig(config, { wasm } = {}) {
  const part = await validatorPart(wasm);
  return part.validateConfig(config);
}

// The validator part (vitrine_validate.wasm): the config's parser with every
// message, which the page runtime is built without. Fetched once, by
// validateConfig() and by start() for a config the runtime refused.
let validatorLoading = null;
function validatorPart(wasm) {
  validatorLoading ??= import('./vitrine_validate.js')
    .then(async (part) => {
      await part.default({ module_or_path: wasm ?? (await wasmSource('vitrine_validate_bg.wasm')) });
      return part;
    })
    .catch((error) => {
      validatorLoading = null;
      throw vitrineError(`could not load the validator part: ${error?.message ?? error}`);
    });
  return validatorLoading;
}

/** The runtime's refusal with the validator's words; the refusal itself when they cannot be had. */
async function worded(config, refusal) {
  try {
    const { ok, errors } = await validateConfig(config);
    if (!ok) {
      const lines = errors.map(({ path, message }) => (path ? `${path}: ${message}` : message));
      return new VitrineConfigError(`vitrine: invalid config: ${lines.join('; ')}`, errors);
    }
  } catch {
    // No validator (offline, blocked): the paths the runtime found are still there.
  }
  return refusal;
}

/** A file next to this one: its URL, or its bytes in Node (whose fetch reads no file: URL). */
async function wasmSource(file) {
  const url = new URL(`./${file}`, import.meta.url);
  if (url.protocol !== 'file:') return url;
  // A specifier in a variable: bundlers for the browser leave it alone.
  const fs = 'node:fs/promises';
  return (await import(fs)).readFile(url);
}

/**
 * GrowthBook's `getBucketRanges(numVariations, coverage = 1, weights?)`: `[start, end)`
 * per variation; coverage clamped to [0, 1]; weights of the wrong length or not
 * summing to 1 (±0.01) fall back to equal ones. The engine's own is `bucket_ranges`.
 */
export function getBucketRanges(numVariations, coverage = 1, weights) {
  coverage = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;
  const equal = numVariations <= 0 ? [] : new Array(numVariations).fill(1 / numVariations);
  weights = weights || equal;
  if (weights.length !== numVariations) weights = equal;
  const total = weights.reduce((w, sum) => sum + w, 0);
  if (total < 0.99 || total > 1.01) weights = equal;
  let cumulative = 0;
  return weights.map((w) => {
    const start = cumulative;
    cumulative += w;
    return [start, start + coverage * w];
  });
}

/** GrowthBook's `chooseVariation(n, ranges)`: the index of the range holding `n`, or -1. */
export function chooseVariation(n, ranges) {
  for (let i = 0; i < ranges.length; i++) {
    if (n >= ranges[i][0] && n < ranges[i][1]) return i;
  }
  return -1;
}

/** GrowthBook's `inNamespace(hashValue, [id, start, end])`. Call `init()` first. */
export function inNamespace(hashValue, namespace) {
  const n = hash(`__${namespace[0]}`, hashValue, 1);
  return n !== null && n >= namespace[1] && n < namespace[2];
}

/**
 * GrowthBook's `hash(seed, value, version)`: FNV-1a over UTF-16 code units; a
 * number in [0, 1), or `null` for an unknown version. Call `init()` first.
 */
export function hash(seed, value, version) {
  assertReady('hash');
  return hashCore(seed, value, version) ?? null;
}
