// vitrine's built-in consent banner and preferences panel (`consent.ui` in the
// config), loaded only when the config asks for it.
//
// Accessible by construction: a labelled region for the banner, a modal dialog
// for the preferences with focus moved in, kept in (Tab cycles) and given back on
// close, Escape to close, real checkboxes with labels and descriptions. "Reject
// all" is a button exactly like "Accept all"; nothing is pre-ticked (only required
// categories, checked and disabled). Texts in pt-BR and en; the category texts
// come from the config and are set as text (never markup). Themable with CSS
// variables: --vitrine-bg, --vitrine-fg, --vitrine-accent, --vitrine-radius,
// --vitrine-font. Re-opened by any element with `data-vitrine-consent-open`.

const TEXTS = {
  'pt-BR': {
    title: 'Sua privacidade',
    intro: 'Usamos seus dados de navegação, só neste navegador, para personalizar a loja. Você escolhe o que permitir e pode mudar quando quiser.',
    accept: 'Aceitar todos',
    reject: 'Recusar todos',
    customize: 'Personalizar',
    save: 'Salvar escolhas',
    close: 'Fechar',
    prefsTitle: 'Preferências de privacidade',
    required: 'sempre ativo',
    gpc: 'Seu navegador enviou o sinal Global Privacy Control: respeitado.',
  },
  en: {
    title: 'Your privacy',
    intro: 'We use your browsing, only in this browser, to personalize the shop. You choose what to allow and can change it at any time.',
    accept: 'Accept all',
    reject: 'Reject all',
    customize: 'Customize',
    save: 'Save choices',
    close: 'Close',
    prefsTitle: 'Privacy preferences',
    required: 'always on',
    gpc: 'Your browser sent the Global Privacy Control signal: honoured.',
  },
};

const STYLE = `
:host { all: initial; font: 15px/1.45 var(--vitrine-font, system-ui, sans-serif); color: var(--vitrine-fg, #1d1d1f); }
.banner, .dialog { background: var(--vitrine-bg, #fff); color: var(--vitrine-fg, #1d1d1f); border-radius: var(--vitrine-radius, 12px);
  box-shadow: 0 8px 32px #0004; padding: 1rem 1.25rem; box-sizing: border-box; }
.banner { position: fixed; left: 1rem; right: 1rem; bottom: 1rem; max-width: 720px; margin: 0 auto; z-index: 2147483000; }
.backdrop { position: fixed; inset: 0; background: #0006; z-index: 2147483001; display: grid; place-items: center; }
.dialog { width: min(560px, 94vw); max-height: 90vh; overflow: auto; }
h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
p { margin: .25rem 0 .75rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; }
button { font: inherit; padding: .55rem 1rem; border-radius: var(--vitrine-radius, 12px); cursor: pointer;
  border: 2px solid var(--vitrine-accent, #1a5d3a); background: var(--vitrine-bg, #fff); color: var(--vitrine-accent, #1a5d3a); font-weight: 600; }
button.primary { background: var(--vitrine-accent, #1a5d3a); color: #fff; }
button:focus-visible, input:focus-visible { outline: 3px solid #1967d2; outline-offset: 2px; }
ul { list-style: none; padding: 0; margin: .5rem 0 1rem; }
li { padding: .6rem 0; border-top: 1px solid #0002; }
label { display: flex; gap: .6rem; align-items: flex-start; font-weight: 600; }
input { width: 1.2rem; height: 1.2rem; margin-top: .15rem; accent-color: var(--vitrine-accent, #1a5d3a); }
.desc { font-weight: 400; margin: .2rem 0 0 1.8rem; font-size: .92rem; }
.note { font-size: .9rem; background: #1a5d3a14; padding: .4rem .6rem; border-radius: 8px; }
`;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'on') for (const [type, fn] of Object.entries(v)) node.addEventListener(type, fn);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function pick(texts, language) {
  if (!texts || typeof texts !== 'object') return '';
  return texts[language] ?? texts[language.split('-')[0]] ?? texts.en ?? texts['pt-BR'] ?? Object.values(texts)[0] ?? '';
}

/**
 * Shows the banner when the visitor has not chosen yet (for this consent version)
 * and wires `[data-vitrine-consent-open]`. `info()` returns consentInfo(); `choose`
 * records a choice made in the panel. Returns a function that removes everything.
 */
export function mountConsentUi({ info, choose, hasChosen, onConsent }) {
  const first = info();
  const language = first.ui === 'en' || (first.ui === 'auto' && !/^pt/i.test(document.documentElement.lang || navigator.language || 'pt-BR'))
    ? 'en' : 'pt-BR';
  const t = TEXTS[language];
  const host = el('div', { id: 'vitrine-consent' });
  const root = host.attachShadow({ mode: 'open' });
  // A constructed stylesheet, as prompt-ui: a page's CSP `style-src` does not govern it.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = STYLE;
    root.append(style);
  }
  document.body.append(host);
  let banner = null;
  let dialog = null;
  let opener = null;

  const all = (granted) => {
    const changes = {};
    for (const c of info().categories) if (!c.required) changes[c.id] = granted;
    choose(changes);
    closeAll();
  };

  function closeAll() {
    banner?.remove();
    banner = null;
    closeDialog();
  }

  function closeDialog() {
    if (!dialog) return;
    dialog.remove();
    dialog = null;
    (opener && opener.isConnected ? opener : document.body).focus?.();
    opener = null;
  }

  function showBanner() {
    banner = el('section', { class: 'banner', role: 'region', 'aria-labelledby': 'vc-title' },
      el('h2', { id: 'vc-title' }, t.title),
      el('p', {}, t.intro),
      first.gpc ? el('p', { class: 'note' }, t.gpc) : null,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'primary', 'data-choice': 'reject', on: { click: () => all(false) } }, t.reject),
        el('button', { type: 'button', class: 'primary', 'data-choice': 'accept', on: { click: () => all(true) } }, t.accept),
        el('button', { type: 'button', 'data-choice': 'customize', on: { click: (e) => openDialog(e.currentTarget) } }, t.customize)));
    root.append(banner);
  }

  function openDialog(from) {
    if (dialog) return;
    opener = from ?? document.activeElement;
    const state = info();
    const boxes = [];
    const items = state.categories.map((c) => {
      const id = `vc-${c.id}`;
      const input = el('input', { type: 'checkbox', id, name: c.id, 'aria-describedby': `${id}-desc` });
      input.checked = c.required || c.granted;
      input.disabled = c.required;
      boxes.push([c, input]);
      const label = pick(c.label, language) || c.id;
      const gpcDenied = state.gpc && state.gpcCategories.includes(c.id) && !c.granted;
      return el('li', {},
        el('label', { for: id }, input, c.required ? `${label} (${t.required})` : label),
        el('p', { class: 'desc', id: `${id}-desc` }, pick(c.description, language), gpcDenied ? ` ${t.gpc}` : ''));
    });
    const save = () => {
      const changes = {};
      for (const [c, input] of boxes) if (!c.required) changes[c.id] = input.checked;
      choose(changes);
      closeAll();
    };
    const panel = el('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'vc-prefs-title', tabindex: '-1' },
      el('h2', { id: 'vc-prefs-title' }, t.prefsTitle),
      el('p', {}, t.intro),
      state.gpc ? el('p', { class: 'note' }, t.gpc) : null,
      el('ul', {}, ...items),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'primary', 'data-choice': 'save', on: { click: save } }, t.save),
        el('button', { type: 'button', 'data-choice': 'reject', on: { click: () => all(false) } }, t.reject),
        el('button', { type: 'button', 'data-choice': 'accept', on: { click: () => all(true) } }, t.accept),
        el('button', { type: 'button', 'data-choice': 'close', on: { click: closeDialog } }, t.close)));
    dialog = el('div', { class: 'backdrop', on: { keydown: onKey } }, panel);
    root.append(dialog);
    (boxes.find(([c]) => !c.required)?.[1] ?? panel).focus();
  }

  // Escape closes; Tab stays inside the dialog.
  function onKey(event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      closeDialog();
      return;
    }
    if (event.key !== 'Tab') return;
    const focusable = [...dialog.querySelectorAll('input:not([disabled]), button')];
    const current = root.activeElement;
    const at = focusable.indexOf(current);
    const next = event.shiftKey ? (at <= 0 ? focusable.length - 1 : at - 1) : (at === focusable.length - 1 ? 0 : at + 1);
    event.preventDefault();
    focusable[next].focus();
  }

  const onOpen = (event) => {
    const trigger = event.target instanceof Element ? event.target.closest('[data-vitrine-consent-open]') : null;
    if (!trigger) return;
    event.preventDefault();
    openDialog(trigger);
  };
  document.addEventListener('click', onOpen);
  if (!hasChosen()) showBanner();
  // A choice made elsewhere (the site's own UI, another tab) answers the banner;
  // an erasure asks again.
  const off = onConsent?.(() => {
    if (hasChosen()) banner?.remove(), (banner = null);
    else if (!banner) showBanner();
  });
  return () => {
    off?.();
    document.removeEventListener('click', onOpen);
    host.remove();
  };
}
