// vitrine's pop-ups and surveys (the `popup` and `survey` actions), loaded only
// when a config has one. The engine decides when (targeting, triggers, caps, the
// shared cooldown, recontact); the runtime sanitizes the markup and hands it over
// as a DocumentFragment; this file only shows it and reports back how it was
// closed and, for a survey, each answer as it is given (the engine checks it).
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
//
// A survey's questions are plain text from the config, written with textContent.
// Rating scales are native radio groups in a <fieldset> named by its <legend>
// (one tab stop, arrow keys move and choose, Enter goes on), their ends labelled
// in text ("0 = Nada provável") and tied to the group with aria-describedby.
// Each step takes focus only after the visitor acted on the one before.

const WORDS = {
  'pt-BR': {
    close: 'Fechar', next: 'Próxima', send: 'Enviar', skip: 'Pular', pick: 'Escolha uma resposta para continuar.',
    thanks: 'Obrigado pela sua resposta!', of: (i, n) => `Pergunta ${i} de ${n}`,
    nps: ['Nada provável', 'Extremamente provável'], csat: ['Muito insatisfeito', 'Muito satisfeito'], ces: ['Muito difícil', 'Muito fácil'],
  },
  en: {
    close: 'Close', next: 'Next', send: 'Send', skip: 'Skip', pick: 'Choose an answer to go on.',
    thanks: 'Thank you for your answer!', of: (i, n) => `Question ${i} of ${n}`,
    nps: ['Not at all likely', 'Extremely likely'], csat: ['Very dissatisfied', 'Very satisfied'], ces: ['Very difficult', 'Very easy'],
  },
};
const SCALES = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };
const FACES = ['\u{1F620}', '\u{1F641}', '\u{1F610}', '\u{1F642}', '\u{1F600}'];

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
.q { border: 0; margin: 0; padding: 0; min-width: 0; }
.q legend { font-weight: 600; padding: 0; margin-bottom: .6rem; }
.step { font-size: .85em; color: #4a4a4f; margin: 0 0 .25rem; }
.scale { display: flex; flex-wrap: wrap; gap: .3rem; }
.opt { position: relative; display: inline-flex; }
.opt input { position: absolute; opacity: 0; width: 100%; height: 100%; margin: 0; cursor: pointer; }
.opt span { display: inline-flex; align-items: center; justify-content: center; min-width: 2.3rem; min-height: 2.3rem; padding: 0 .55rem;
  border: 1px solid #6b6b70; border-radius: 8px; box-sizing: border-box; }
.choices { display: grid; gap: .35rem; }
.choices .opt span { justify-content: flex-start; width: 100%; }
.opt input:checked + span { background: var(--vitrine-accent, #1a5d3a); border-color: var(--vitrine-accent, #1a5d3a); color: #fff; }
.opt input:focus-visible + span { outline: 3px solid #1967d2; outline-offset: 2px; }
.emoji span { font-size: 1.4rem; }
.ends { display: flex; justify-content: space-between; gap: 1rem; font-size: .85em; color: #4a4a4f; margin-top: .35rem; }
textarea { width: 100%; min-height: 5rem; box-sizing: border-box; font: inherit; color: inherit; background: inherit; border: 1px solid #6b6b70; border-radius: 8px; padding: .5rem; }
textarea:focus-visible, .actions button:focus-visible, .thanks:focus-visible { outline: 3px solid #1967d2; outline-offset: 2px; }
.actions { display: flex; gap: .5rem; justify-content: flex-end; margin-top: .9rem; }
.actions button { font: inherit; font-weight: 600; border-radius: 8px; padding: .45rem 1rem; cursor: pointer; border: 1px solid var(--vitrine-accent, #1a5d3a); }
.actions .go { background: var(--vitrine-accent, #1a5d3a); color: #fff; }
.actions .skip { background: transparent; color: var(--vitrine-accent, #1a5d3a); }
.err { color: #b3261e; font-size: .9em; margin: .5rem 0 0; }
.thanks { font-weight: 600; margin: .5rem 0; }
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

// A config text in the visitor's language: one string, or one per language tag.
function pick(text, lang) {
  if (typeof text === 'string') return text;
  if (!text || typeof text !== 'object') return '';
  return text[lang] ?? text[lang.split('-')[0]] ?? text.en ?? text['pt-BR'] ?? Object.values(text)[0] ?? '';
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : v);
  node.append(...children);
  return node;
}

/**
 * A survey's steps in `body`, one question at a time, then the thank-you step.
 * `answer(question, value)` is called for each answer as it is given;
 * `done(answers)` when the thank-you step shows. Returns the answers so far.
 */
function runSurvey(body, survey, { rule, modal, lang, answer, done }) {
  const w = WORDS[lang];
  const questions = survey.questions;
  const answers = [];
  let n = 0;
  const show = (index) => {
    const q = questions[index];
    const id = `vitrine-${rule}-${q.id}`;
    const scale = SCALES[q.type];
    const form = el('form', { class: 'form', novalidate: true });
    const error = el('p', { class: 'err', role: 'alert' });
    const step = el('p', { class: 'step' }, w.of(++n, questions.length));
    let field;
    if (q.type === 'text') {
      const box = el('textarea', { id, name: 'a', maxlength: 2000, placeholder: pick(q.placeholder, lang) || undefined });
      field = el('div', { class: 'q' }, el('label', { for: id, class: 'legend' }, el('strong', {}, pick(q.text, lang))), box);
    } else {
      const multiple = q.type === 'multiple';
      const values = scale
        ? Array.from({ length: scale[1] - scale[0] + 1 }, (_, i) => scale[0] + i)
        : q.options.map((o) => o.value);
      const emoji = q.type === 'csat' && q.style === 'emoji';
      const ends = scale ? [pick(q.low, lang) || w[q.type][0], pick(q.high, lang) || w[q.type][1]] : null;
      const group = el('div', { class: scale ? `scale${emoji ? ' emoji' : ''}` : 'choices' }, ...values.map((value, i) => {
        const shown = scale ? (emoji ? FACES[i] : String(value)) : pick(q.options[i].label, lang);
        // A face or a bare number is named with its meaning at the ends.
        const name = scale && (emoji || i === 0 || i === values.length - 1)
          ? `${value}${i === 0 ? ` = ${ends[0]}` : i === values.length - 1 ? ` = ${ends[1]}` : ''}`
          : undefined;
        return el('label', { class: 'opt' },
          el('input', { type: multiple ? 'checkbox' : 'radio', name: 'a', value: String(value), 'aria-label': name }),
          el('span', { 'aria-hidden': name ? 'true' : undefined }, shown));
      }));
      const described = scale ? `${id}-ends` : undefined;
      field = el('fieldset', { class: 'q', 'aria-describedby': described },
        el('legend', {}, pick(q.text, lang)), group,
        scale ? el('div', { class: 'ends', id: described }, el('span', {}, `${scale[0]} = ${ends[0]}`), el('span', {}, `${scale[1]} = ${ends[1]}`)) : '');
    }
    const optional = q.required === false || (q.required === undefined && q.type === 'text');
    // The last step says "Send": nothing can follow it.
    const next = q.next ?? [];
    const last = next.some((b) => b.answer === undefined)
      ? next.every((b) => b.goto === 'end' || questions.findIndex((x) => x.id === b.goto) <= index)
      : index === questions.length - 1;
    const actions = el('div', { class: 'actions' },
      optional ? el('button', { type: 'button', class: 'skip' }, w.skip) : '',
      el('button', { type: 'submit', class: 'go' }, last ? w.send : w.next));
    form.append(step, field, error, actions);
    body.replaceChildren(form);
    const read = () => {
      if (q.type === 'text') {
        const text = form.elements.a.value.trim();
        return text ? text : null;
      }
      const chosen = [...form.querySelectorAll('input:checked')].map((i) => (scale ? Number(i.value) : i.value));
      if (!chosen.length) return null;
      return q.type === 'multiple' ? chosen : chosen[0];
    };
    const go = (value) => {
      if (value !== null) {
        answers.push({ question: q.id, type: q.type, value });
        answer(q, value);
      }
      // The first branch whose answer matches; otherwise the next question.
      const listed = (b) => (Array.isArray(b.answer) ? b.answer : [b.answer]);
      const branch = (q.next ?? []).find((b) => b.answer === undefined
        || (value !== null && listed(b).some((a) => (Array.isArray(value) ? value.includes(a) : a === value))));
      const next = branch ? (branch.goto === 'end' ? -1 : questions.findIndex((x) => x.id === branch.goto)) : index + 1;
      if (next > index && next < questions.length) show(next);
      else finish();
    };
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = read();
      if (value === null && !optional) {
        error.textContent = w.pick;
        form.querySelector('input, textarea')?.focus();
        return;
      }
      go(value);
    });
    // Enter on a choice goes on, as it does in a text field.
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target instanceof HTMLInputElement) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    actions.querySelector('.skip')?.addEventListener('click', () => go(null));
    if (n > 1 || modal) form.querySelector('input, textarea')?.focus();
  };
  const finish = () => {
    const thanks = el('p', { class: 'thanks', tabindex: '-1' }, pick(survey.thanks, lang) || w.thanks);
    body.replaceChildren(thanks);
    thanks.focus();
    done(answers);
  };
  show(0);
  return answers;
}

/**
 * Shows one pop-up. `onClose(how)` is called once when the visitor closes it
 * (`"close"`, `"escape"`, `"backdrop"` or `"action"`: a `[data-vitrine-close]`
 * inside); `onClick({text, href})` for a link or button clicked in it. Returns
 * `close()`, which takes it away without calling `onClose` (the engine closed it).
 */
export function showPrompt({ rule, display, label, closeLabel, selector, shadow, content, survey }, { onClose, onClick, onAnswer, onDone }) {
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
  const lang = language();
  close.setAttribute('aria-label', closeLabel || WORDS[lang].close);
  close.textContent = '\u00d7';
  const body = document.createElement('div');
  body.className = 'body';
  body.append(content);
  box.append(close, body);
  const questions = survey && el('div', { class: 'survey' });
  if (questions) body.append(questions);
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
  let answered = [];
  const ask = () => {
    answered = runSurvey(questions, survey, {
      rule, modal, lang,
      answer: (question, value) => { try { onAnswer?.(question, value, lang); } catch { /* reported by the entry */ } },
      done: (answers) => { try { onDone?.(answers, lang); } catch { /* reported by the entry */ } },
    });
  };
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
        onClose(how, answered.length);
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
    if (!control || control === close || !body.contains(control) || questions?.contains(control)) return;
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
    if (questions) ask();
    box.showModal();
    // The first answer, not the close button, is where a survey starts.
    questions?.querySelector('input, textarea')?.focus();
  } else {
    if (questions) ask();
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') { how = 'escape'; finish(true); }
    });
    requestAnimationFrame(() => { if (live) live.textContent = label; });
  }
  return () => finish(false);
}
