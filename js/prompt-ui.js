// vitrine's pop-ups (the `popup` action), loaded only when a pop-up is about to
// show. The engine decides when (targeting, triggers, caps, the shared cooldown,
// recontact); the runtime sanitizes the markup and hands it over as a
// DocumentFragment; this file only shows it and reports back how it was closed.
//
// Accessible by construction: a modal is a native <dialog> opened with
// showModal() (focus moves in, the rest of the page is inert, Escape closes, focus
// goes back where it was); a corner, banner or inline box is a labelled region
// announced once through a polite live region and never takes focus. Every
// pop-up has a real close button with an accessible name. Themable with the same
// CSS variables as the consent panel (--vitrine-bg, --vitrine-fg,
// --vitrine-accent, --vitrine-radius, --vitrine-font); animations respect
// prefers-reduced-motion. Styles are a constructed stylesheet (no inline <style>),
// content is the sanitized fragment: nothing here parses markup.

const CLOSE = { 'pt-BR': 'Fechar', en: 'Close' };

const STYLE = `
:host { all: initial; }
.popup { font: 15px/1.45 var(--vitrine-font, system-ui, sans-serif); color: var(--vitrine-fg, #1d1d1f);
  background: var(--vitrine-bg, #fff); border-radius: var(--vitrine-radius, 12px); box-shadow: 0 8px 32px #0004;
  padding: 1.25rem 1.25rem 1rem; box-sizing: border-box; border: 0; position: relative; animation: vitrine-in .18s ease-out; }
dialog.popup { width: min(520px, 92vw); max-height: 90vh; overflow: auto; }
dialog.popup::backdrop { background: #0007; }
.corner { position: fixed; right: 1rem; bottom: 1rem; width: min(360px, calc(100vw - 2rem)); z-index: 2147482000; }
.banner { position: fixed; left: 1rem; right: 1rem; bottom: 1rem; max-width: 960px; margin: 0 auto; z-index: 2147482000; }
.inline { box-shadow: none; border: 1px solid #0002; }
.close { position: absolute; top: .35rem; right: .35rem; width: 2.2rem; height: 2.2rem; border: 0; border-radius: 50%;
  background: transparent; color: inherit; font: 1.5rem/1 system-ui, sans-serif; cursor: pointer; }
.close:hover { background: #0001; }
.close:focus-visible, .body :focus-visible { outline: 3px solid #1967d2; outline-offset: 2px; }
.body { margin-right: 1.75rem; }
.body a, .body button { color: var(--vitrine-accent, #1a5d3a); font-weight: 600; }
.live { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@keyframes vitrine-in { from { opacity: 0; transform: translateY(8px); } }
@media (prefers-reduced-motion: reduce) { .popup { animation: none; } }
`;

let sheet = null;
function styled(root) {
  try {
    sheet ??= new CSSStyleSheet();
    if (!sheet.cssRules.length) sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    // No constructed stylesheets: an element, as the consent panel does.
    const style = document.createElement('style');
    style.textContent = STYLE;
    (root instanceof Document ? root.head : root).append(style);
  }
}

function language() {
  return /^pt/i.test(document.documentElement.lang || navigator.language || 'pt-BR') ? 'pt-BR' : 'en';
}

/**
 * Shows one pop-up. `onClose(how)` is called once when the visitor closes it
 * (`"close"`, `"escape"`, `"backdrop"` or `"action"`: a `[data-vitrine-close]`
 * inside); `onClick({text, href})` for a link or button clicked in it. Returns
 * `close()`, which takes it away without calling `onClose` (the engine closed it).
 */
export function showPrompt({ rule, display, label, closeLabel, selector, shadow, content }, { onClose, onClick }) {
  const slot = display === 'inline' ? document.querySelector(selector) : document.body;
  if (!slot) return () => {};
  const host = document.createElement('div');
  host.setAttribute('data-vitrine-popup', rule);
  const root = shadow ? host.attachShadow({ mode: 'open' }) : host;
  styled(shadow ? root : document);
  const modal = display === 'modal';
  const box = document.createElement(modal ? 'dialog' : 'section');
  box.className = `popup ${display}`;
  box.setAttribute('aria-label', label);
  if (!modal) box.setAttribute('role', 'region');
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'close';
  close.setAttribute('aria-label', closeLabel || CLOSE[language()]);
  close.textContent = '\u00d7';
  const body = document.createElement('div');
  body.className = 'body';
  body.append(content);
  box.append(close, body);
  root.append(box);
  let live = null;
  if (!modal) {
    // Announced, not focused: the live region exists first and is filled after.
    live = document.createElement('div');
    live.className = 'live';
    live.setAttribute('role', 'status');
    live.setAttribute('aria-live', 'polite');
    root.append(live);
  }
  slot.append(host);
  const opener = document.activeElement;
  let done = false;
  let how = 'close';
  const finish = (reported) => {
    if (done) return;
    done = true;
    if (modal && box.open) box.close();
    host.remove();
    // The browser gives focus back when a modal closes; if it went nowhere, do it.
    if (modal && (!document.activeElement || document.activeElement === document.body) && opener?.isConnected) opener.focus?.();
    if (reported) {
      try {
        onClose(how);
      } catch { /* the entry reports its own errors */ }
    }
  };
  close.addEventListener('click', () => { how = 'close'; finish(true); });
  box.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (modal && target === box) {
      // A click on the backdrop (outside the dialog's box) closes a modal.
      const r = box.getBoundingClientRect();
      const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
      if (!inside) { how = 'backdrop'; finish(true); }
      return;
    }
    const control = target?.closest('a[href], button');
    if (!control || control === close || !body.contains(control)) return;
    try {
      onClick({ text: (control.textContent || '').trim().slice(0, 100), href: control.getAttribute('href') });
    } catch { /* the entry reports its own errors */ }
    if (control.hasAttribute('data-vitrine-close')) { how = 'action'; finish(true); }
  });
  if (modal) {
    box.addEventListener('cancel', (event) => {
      event.preventDefault();
      how = 'escape';
      finish(true);
    });
    box.showModal();
  } else {
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') { how = 'escape'; finish(true); }
    });
    requestAnimationFrame(() => { if (live) live.textContent = label; });
  }
  return () => finish(false);
}
