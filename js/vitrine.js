// vitrine script-tag loader (the file named by "unpkg" and "jsdelivr").
//
//   <script src="/pkg/vitrine.js" data-config="/vitrine.json"></script>
//
// or, with no fetch at all, a config inline in the page:
//
//   <script type="application/json" id="vitrine-config">{ "version": 1, ... }</script>
//   <script src="/pkg/vitrine.js"></script>
//
// It loads the ESM entry next to it, starts vitrine, exposes `window.vitrine` and
// dispatches `vitrine:ready` on document (`vitrine:error` on failure, which is also
// logged). Add `data-debug` or `?vitrine_debug=1` for warnings in the console.
//
// No flicker: placed in <head>, it hides (visibility: hidden, so nothing moves)
// only the elements the config's actions target — never the body — until vitrine
// has applied its changes and the document is parsed, or `data-timeout`
// milliseconds (default 3000) have passed, whichever comes first; on any failure it
// reveals at once. With a config URL, name the targets in `data-hide`.
(function () {
  'use strict';
  // How long the targets may stay hidden at most (fail open). Chosen so that on a
  // first visit over Slow 4G (562.5 ms RTT, 1.44 Mbps) the swap comes before it:
  // see docs/config.md ("Late content, re-renders and flicker") for the figures.
  var DEFAULT_TIMEOUT_MS = 3000;
  var script = document.currentScript;
  var base = (script && script.src) || document.baseURI;
  var configUrl = script && script.getAttribute('data-config');
  var debug = Boolean(script && script.hasAttribute('data-debug')) || /[?&]vitrine_debug=1(&|$)/.test(location.search);
  var timeout = Number((script && script.getAttribute('data-timeout')) || DEFAULT_TIMEOUT_MS);
  var entryUrl = new URL('./index.js', base).href;

  // Everything the first swap needs is requested now, in parallel, instead of one
  // file after the other (loader → entry → glue → wasm: four round trips): the
  // entry and the wasm-bindgen glue as module preloads, the wasm itself with a
  // fetch whose response the entry compiles while it streams in.
  function preload(href) {
    var link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    (document.head || document.documentElement).appendChild(link);
  }
  preload(entryUrl);
  preload(new URL('./vitrine_core.js', base).href);
  var wasm;
  try {
    wasm = fetch(new URL('./vitrine_core_bg.wasm', base).href, { credentials: 'same-origin' });
    wasm.catch(function () { /* reported by start(), which fails open */ });
  } catch (_) {
    wasm = undefined; // no fetch: the entry fetches it itself
  }
  var hideStyle = null;

  function reveal() {
    if (hideStyle && hideStyle.parentNode) hideStyle.parentNode.removeChild(hideStyle);
    hideStyle = null;
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

  function hide(selectors) {
    if (!selectors.length || !document.head) return;
    hideStyle = document.createElement('style');
    hideStyle.id = 'vitrine-hide';
    hideStyle.textContent = selectors.join(',\n') + ' { visibility: hidden !important; }';
    document.head.appendChild(hideStyle);
    setTimeout(reveal, timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS);
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
  // entry is loaded (defined once, in index.js).
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

  function run(config) {
    loadEntry()
      .then(function (vitrine) {
        if (config === undefined) config = configUrl ? new URL(configUrl, document.baseURI).href : inlineConfig();
        return vitrine.start({ config: config, debug: debug, wasm: wasm });
      })
      .then(function (instance) {
        window.vitrine = instance;
        // Targets parsed later are changed as they arrive (before they are
        // painted); once the document is parsed everything is in place.
        if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', reveal, { once: true });
        else reveal();
        dispatch('vitrine:ready', instance);
      })
      .catch(failWith);
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
    run();
  } else if (document.readyState !== 'loading') {
    run();
  } else {
    // The inline config may come later in the page than this tag.
    document.addEventListener('DOMContentLoaded', run, { once: true });
  }
})();
