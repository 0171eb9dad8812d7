// vitrine script-tag loader (the file named by "unpkg" and "jsdelivr").
//
//   <script src="/pkg/vitrine.js" data-config="/vitrine.json"></script>
//
// or, with no fetch at all, a config inline in the page:
//
//   <script type="application/json" id="vitrine-config">{ "version": 1, ... }</script>
//   <script src="/pkg/vitrine.js"></script>
//
// or inline in the page, with no request before the first swap (`vitrine inline`,
// js/inline.js; data-base names the folder of the package's other files):
//
//   <script data-base="/pkg/">…the package's vitrine.js…</script>
//
// It first runs the start part it carries (the first swap, before the runtime:
// js/start.js and js/first-swap.js, bundled into this file by the build), then
// loads the ESM entry next to it, starts vitrine, exposes `window.vitrine` and
// dispatches `vitrine:ready` on document (`vitrine:error` on failure, which is also
// logged). Add `data-debug` or `?vitrine_debug=1` for warnings in the console.
//
// No flicker: placed in <head>, it hides (visibility: hidden, so nothing moves)
// only the elements the config's actions target (never the body) until vitrine
// has applied its changes and the document is parsed (the start part's targets
// as soon as it has applied them; the ones it leaves to the runtime until the
// runtime has), or `data-timeout`
// milliseconds (default 3000) have passed, whichever comes first; on any failure it
// reveals at once. With a config URL, name the targets in `data-hide`.
import { firstSwap as startSwap, releaseFirstSwap } from './first-swap.js';
import { createApplier } from './applier.js';

(function () {
  'use strict';
  // How long the targets may stay hidden at most (fail open). Chosen so that on a
  // first visit over Slow 4G (562.5 ms RTT, 1.44 Mbps) the swap comes before it:
  // see docs/config.md ("Late content, re-renders and flicker") for the figures.
  var DEFAULT_TIMEOUT_MS = 3000;
  var script = document.currentScript;
  // `data-base`, when present, names the folder of the package's other files (an
  // inline loader has no src to find them by; see js/inline.js); else the folder of
  // the loader itself.
  var folder = script && script.getAttribute('data-base');
  var base = (script && script.src) || document.baseURI;
  if (folder) {
    base = new URL(folder, document.baseURI);
    if (!/\/$/.test(base.pathname)) base.pathname += '/';
    base = base.href;
  } else if (script && !script.src) {
    // Guessing the page's own folder would swap, fail to load the runtime and
    // revert: say so before anything is changed.
    fail(new Error('vitrine: an inline loader needs data-base'));
    return;
  }
  var configUrl = script && script.getAttribute('data-config');
  var debug = Boolean(script && script.hasAttribute('data-debug')) || /[?&]vitrine_debug=1(&|$)/.test(location.search);
  var timeout = Number((script && script.getAttribute('data-timeout')) || DEFAULT_TIMEOUT_MS);
  var entryUrl = new URL('./runtime.js', base).href;

  // The first swap needs only the start part, and it is in this very file, so it
  // costs no request after this one. The runtime (entry, glue, wasm) is requested
  // once that swap is done, so on a slow network it does not share the wire with
  // anything before the swap; its modules are then preloaded together instead of
  // one import after the other.
  function preload(href) {
    var link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    (document.head || document.documentElement).appendChild(link);
  }
  function fetchWasm(name) {
    try {
      var response = fetch(new URL(name, base).href, { credentials: 'same-origin' });
      response.catch(function () { /* reported where it is awaited, which fails open */ });
      return response;
    } catch (_) {
      return undefined; // no fetch: the glue fetches it itself
    }
  }
  var hideStyle = null;
  var waitStyle = null;

  function remove(style) {
    if (style && style.parentNode) style.parentNode.removeChild(style);
    else if (style) document.adoptedStyleSheets = document.adoptedStyleSheets.filter(function (s) { return s !== style; });
    return null;
  }
  function reveal() {
    hideStyle = remove(hideStyle);
    waitStyle = remove(waitStyle);
  }
  function whenParsed(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn, { once: true });
    else fn();
  }

  // The selectors every rule and experiment variant may change.
  function targets(config) {
    var found = [];
    var probe = document.createDocumentFragment();
    function add(actions) {
      for (var i = 0; actions && i < actions.length; i++) {
        var selector = actions[i] && actions[i].selector;
        if (typeof selector !== 'string' || !selector || found.indexOf(selector) >= 0) continue;
        try {
          probe.querySelector(selector); // invalid selectors are reported by start()
          found.push(selector);
        } catch (_) { /* skip */ }
      }
    }
    var rules = (config && config.rules) || [];
    for (var r = 0; r < rules.length; r++) add(rules[r] && rules[r].actions);
    var experiments = (config && config.experiments) || [];
    for (var e = 0; e < experiments.length; e++) {
      var variants = (experiments[e] && experiments[e].variants) || [];
      for (var v = 0; v < variants.length; v++) add(variants[v] && variants[v].actions);
    }
    return found;
  }

  // A constructed stylesheet where the browser has them: a page's CSP `style-src`
  // does not govern it, while an inline <style> would need 'unsafe-inline' or a
  // nonce, and blocked it would leave the targets showing their original.
  function hidingStyle(id, selectors) {
    var text = selectors + '{visibility:hidden!important}';
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      return sheet;
    } catch (_) { /* an element instead */ }
    var style = document.createElement('style');
    style.id = id;
    style.textContent = text;
    document.head.appendChild(style);
    return style;
  }
  function hide(selectors) {
    if (!selectors.length || !document.head) return;
    hideStyle = hidingStyle('vitrine-hide', selectors.join(',\n'));
    setTimeout(reveal, timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS);
  }

  // The first swap: the start part applies what it can decide and says which
  // targets wait for the runtime. Those stay hidden (their own style); the rest is
  // shown once the document is parsed (targets the parser adds later are changed
  // by the start part as they arrive). It runs here and now, before the body is
  // parsed. If it fails, null: the runtime does everything.
  function firstSwap(config) {
    try {
      var deferred = startSwap(config);
      // Unread config: everything hidden stays hidden for the runtime.
      if (hideStyle && deferred !== undefined) {
        if (deferred) waitStyle = hidingStyle('vitrine-wait', deferred);
        whenParsed(function () { hideStyle = remove(hideStyle); });
      }
      return Promise.resolve(releaseFirstSwap);
    } catch (error) {
      if (debug) console.warn('[vitrine] the first swap did not run; the runtime does it', error);
      try {
        releaseFirstSwap();
      } catch (_) { /* nothing was applied */ }
      return Promise.resolve(null);
    }
  }

  function dispatch(name, detail) {
    try {
      document.dispatchEvent(new CustomEvent(name, { detail: detail }));
    } catch (_) { /* never break the page */ }
  }

  function fail(error) {
    reveal();
    console.error((error && error.message) || error);
    dispatch('vitrine:error', error);
  }

  // A problem found here becomes an instance of the entry's error classes once the
  // entry is loaded (defined once, in runtime.js).
  function problem(config, message) {
    return { vitrineProblem: true, config: config, message: message };
  }

  function inlineConfig() {
    var element = document.getElementById('vitrine-config');
    if (!element) {
      throw problem(false, 'vitrine: no config: add data-config="/vitrine.json" to the script tag, or a <script type="application/json" id="vitrine-config"> element');
    }
    try {
      return JSON.parse(element.textContent || '');
    } catch (e) {
      throw problem(true, '#vitrine-config is not valid JSON (' + e.message + ')');
    }
  }

  var entry = null;
  function loadEntry() {
    if (!entry) {
      entry = import(entryUrl).then(function (vitrine) {
        if (!window.VitrineError) window.VitrineError = vitrine.VitrineError;
        if (!window.VitrineConfigError) window.VitrineConfigError = vitrine.VitrineConfigError;
        return vitrine;
      });
    }
    return entry;
  }

  function failWith(error) {
    if (!error || !error.vitrineProblem) return fail(error);
    reveal();
    loadEntry().then(function (vitrine) {
      fail(error.config
        ? new vitrine.VitrineConfigError('vitrine: invalid config: ' + error.message, [{ path: '', message: error.message }])
        : new vitrine.VitrineError(error.message));
    }, function () { fail(new Error(error.message)); });
  }

  function startRuntime(config, release) {
    preload(entryUrl);
    preload(new URL('./vitrine_core.js', base).href);
    var wasm = fetchWasm('./vitrine_core_bg.wasm');
    var handover = release || undefined;
    return loadEntry()
      .then(function (vitrine) {
        if (config === undefined) config = configUrl ? new URL(configUrl, document.baseURI).href : inlineConfig();
        // The runtime applies with the loader's applier: one copy on the page.
        return vitrine.start({ config: config, debug: debug, wasm: wasm, handover: handover, applier: createApplier });
      })
      .then(function (instance) {
        window.vitrine = instance;
        // Targets parsed later are changed as they arrive (before they are
        // painted); once the document is parsed everything is in place.
        whenParsed(reveal);
        dispatch('vitrine:ready', instance);
      }, function (error) {
        // Fail open: the page goes back to its original content.
        if (release) release();
        throw error;
      });
  }

  // After the first swap the runtime waits for the page's first frame: from the
  // HTTP cache (a repeat visit) its modules and wasm would otherwise be parsed,
  // compiled and started before the browser paints, delaying the first paint
  // (measured: Fast 4G repeat visit, personalized text painted 312 -> 273 ms, the
  // page alone 261 ms). Its requests leave a frame later on a first visit, which
  // costs only what the start part left to it. A frame that does not come within
  // 200 ms (a hidden tab paints none) is not waited for; resolving twice is harmless.
  function afterFirstFrame(resolve) {
    requestAnimationFrame(function () { setTimeout(resolve, 0); });
    setTimeout(resolve, 200);
  }

  function run(config) {
    (config === undefined ? Promise.resolve(null) : firstSwap(config))
      .then(function (release) {
        if (!release) return startRuntime(config, null);
        return new Promise(afterFirstFrame).then(function () { return startRuntime(config, release); });
      })
      .catch(failWith);
  }

  // A config by URL is fetched here, beside the start part, so both arrive together.
  function runFromUrl() {
    var url = new URL(configUrl, document.baseURI).href;
    fetch(url, { credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
      .then(function (text) {
        var config;
        try {
          config = JSON.parse(text);
        } catch (_) {
          return run(); // the runtime fetches it again and says what is wrong
        }
        run(config);
      }, function () { run(); });
  }

  var inline = !configUrl && document.getElementById('vitrine-config');
  if (inline) {
    var config;
    try {
      config = inlineConfig();
      hide(targets(config));
    } catch (error) {
      failWith(error);
      return;
    }
    run(config);
  } else if (configUrl) {
    var named = script.getAttribute('data-hide');
    if (named) hide(targets({ rules: [{ actions: named.split(',').map(function (s) { return { selector: s.trim() }; }) }] }));
    runFromUrl();
  } else {
    // The inline config may come later in the page than this tag.
    whenParsed(function () {
      var element = document.getElementById('vitrine-config');
      var parsed;
      try {
        parsed = element ? inlineConfig() : undefined;
      } catch (error) {
        failWith(error);
        return;
      }
      run(parsed);
    });
  }
})();
