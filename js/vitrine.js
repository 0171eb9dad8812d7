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
(function () {
  'use strict';
  var script = document.currentScript;
  var base = (script && script.src) || document.baseURI;
  var configUrl = script && script.getAttribute('data-config');
  var debug = Boolean(script && script.hasAttribute('data-debug')) || /[?&]vitrine_debug=1(&|$)/.test(location.search);

  function dispatch(name, detail) {
    try {
      document.dispatchEvent(new CustomEvent(name, { detail: detail }));
    } catch (_) { /* never break the page */ }
  }

  function fail(error) {
    console.error((error && error.message) || error);
    dispatch('vitrine:error', error);
  }

  function inlineConfig() {
    var element = document.getElementById('vitrine-config');
    if (!element) {
      throw new Error('vitrine: no config: add data-config="/vitrine.json" to the script tag, or a <script type="application/json" id="vitrine-config"> element');
    }
    try {
      return JSON.parse(element.textContent || '');
    } catch (e) {
      var error = new Error('vitrine: invalid config: #vitrine-config is not valid JSON (' + e.message + ')');
      error.name = 'VitrineConfigError';
      error.errors = [{ path: '', message: 'not valid JSON (' + e.message + ')' }];
      throw error;
    }
  }

  function run() {
    import(new URL('./index.js', base).href)
      .then(function (vitrine) {
        var config = configUrl ? new URL(configUrl, document.baseURI).href : inlineConfig();
        return vitrine.start({ config: config, debug: debug });
      })
      .then(function (instance) {
        window.vitrine = instance;
        dispatch('vitrine:ready', instance);
      })
      .catch(fail);
  }

  if (configUrl || document.getElementById('vitrine-config') || document.readyState !== 'loading') {
    run();
  } else {
    // The inline config may come later in the page than this tag.
    document.addEventListener('DOMContentLoaded', run, { once: true });
  }
})();
